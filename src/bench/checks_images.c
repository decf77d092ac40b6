/* Section 4, container images and build files: the user containers run as,
 * content trust, and what each image's config and history show (health
 * checks, update-only instructions, ADD). Manual checks are NOTE. */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>

static void note(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	bench_out_set(out, BENCH_NOTE);
}

static void c_4_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	struct bench_container *cs;
	const char *err;
	size_t n = bench_containers(ctx, &cs, &err);
	if (err || !n) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "%s%s", err ? "could not list containers: " : "No containers running",
				 err ? err : "");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(cs[i].j, "vigil_error")) {
			bench_out_item(out, BENCH_INFO, "container", cs[i].id, cs[i].name, "could not inspect: %s",
				       bench_jstr(cs[i].j, "vigil_error"));
			continue;
		}
		const char *user = bench_jstr(cs[i].j, "Config.User");
		if (bench_user_is_root(user))
			bench_out_item(out, BENCH_WARN, "container", cs[i].id, cs[i].name,
				       "Running as root: %s (user \"%s\")", cs[i].name, user);
	}
}

/* /etc/environment: "KEY=value" lines, values optionally quoted. */
static char *environment_file_value(const char *key)
{
	struct buf b = {0};
	struct err e;
	char *val = NULL;
	if (read_file_capped("/etc/environment", 1 << 20, &b, &e) == 0) {
		size_t kl = strlen(key);
		char *save = NULL;
		for (char *line = strtok_r((char *)b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (!strncmp(line, "export ", 7))
				line += 7;
			if (strncmp(line, key, kl) || line[kl] != '=')
				continue;
			char *v = line + kl + 1;
			size_t vl = strcspn(v, "\r");
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				v++;
				vl -= 2;
			}
			free(val);
			val = xstrndup(v, vl);
		}
	}
	buf_free(&b);
	return val;
}

static void c_4_5(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	/* The docker CLI reads the variable from its user's environment; vigil
	 * can see its own and the system-wide default. */
	const char *env = getenv("DOCKER_CONTENT_TRUST");
	char *file = environment_file_value("DOCKER_CONTENT_TRUST");
	if (bench_content_trust_enabled(env)) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "DOCKER_CONTENT_TRUST=%s in the environment", env);
	} else if (bench_content_trust_enabled(file)) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "DOCKER_CONTENT_TRUST=%s in /etc/environment", file);
	} else {
		bench_out_set(out, BENCH_WARN);
		bench_out_detail(out, "DOCKER_CONTENT_TRUST is not enabled in the environment nor in /etc/environment");
	}
	free(file);
}

/* Images, or INFO when they cannot be listed. */
static size_t images_or_info(struct bench_ctx *ctx, struct bench_outcome *out, struct bench_image **imgs)
{
	const char *err;
	size_t n = bench_images(ctx, imgs, &err);
	if (err) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not list images: %s", err);
		return 0;
	}
	if (!n)
		bench_out_detail(out, "no images");
	return n;
}

static void c_4_6(struct bench_ctx *ctx, struct bench_outcome *out)
{
	struct bench_image *im;
	size_t n = images_or_info(ctx, out, &im);
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(im[i].j, "vigil_error")) {
			bench_out_item(out, BENCH_INFO, "image", im[i].id, im[i].label, "could not inspect: %s",
				       bench_jstr(im[i].j, "vigil_error"));
			continue;
		}
		/* HEALTHCHECK NONE ({"Test": ["NONE"]}) disables an inherited check. */
		json_t *test = bench_jpath(im[i].j, "Config.Healthcheck.Test");
		const char *first = json_string_value(json_array_get(test, 0));
		if (!json_array_size(test) || (first && !strcmp(first, "NONE")))
			bench_out_item(out, BENCH_WARN, "image", im[i].id, im[i].label, "No Healthcheck found: [%s]",
				       im[i].label);
	}
}

/* Walk each image's history; flag entries for which pick says so. skip_oldest
 * leaves out the base image's first layer (its root filesystem ADD). */
static void history_scan(struct bench_ctx *ctx, struct bench_outcome *out, bool (*pick)(const char *), bool skip_oldest,
			 const char *what)
{
	struct bench_image *im;
	size_t n = images_or_info(ctx, out, &im);
	for (size_t i = 0; i < n; i++) {
		const char *err;
		json_t *h = bench_image_history(ctx, &im[i], &err);
		if (!h) {
			bench_out_item(out, BENCH_INFO, "image", im[i].id, im[i].label,
				       "could not read the history: %s", err);
			continue;
		}
		size_t len = json_array_size(h);
		for (size_t k = 0; k < len - (skip_oldest && len ? 1 : 0); k++) {
			const char *by = json_string_value(json_object_get(json_array_get(h, k), "CreatedBy"));
			if (by && pick(by)) {
				bench_out_item(out, BENCH_INFO, "image", im[i].id, im[i].label, "%s: [%s] %.200s", what,
					       im[i].label, by);
				break;
			}
		}
	}
}

static void c_4_7(struct bench_ctx *ctx, struct bench_outcome *out)
{
	history_scan(ctx, out, bench_history_update_alone, false, "Update instruction found");
}

static void c_4_9(struct bench_ctx *ctx, struct bench_outcome *out)
{
	history_scan(ctx, out, bench_history_is_add, true, "ADD in image history");
}

static const struct bench_check checks[] = {
	{"4.1", "Ensure that a user for the container has been created", 1, true,
	 "Add a USER instruction to each image's Dockerfile (create the user with useradd first if the base has "
	 "none), or run containers with --user.",
	 c_4_1},
	{"4.2", "Ensure that containers use only trusted base images", 1, false,
	 "Use Docker Content Trust, review each image's history, and scan images for vulnerabilities regularly.", note},
	{"4.3", "Ensure that unnecessary packages are not installed in the container", 1, false,
	 "Install only what the container needs; prefer minimal base images.", note},
	{"4.4", "Ensure images are scanned and rebuilt to include security patches", 1, false,
	 "Rebuild images on up-to-date base images and restart containers on the new images (vigil image scans "
	 "them).",
	 note},
	{"4.5", "Ensure Content trust for Docker is Enabled", 2, true,
	 "Set DOCKER_CONTENT_TRUST=1 for the users of the docker CLI, e.g. in /etc/environment.", c_4_5},
	{"4.6", "Ensure that HEALTHCHECK instructions have been added to container images", 1, true,
	 "Add a HEALTHCHECK instruction to each image's Dockerfile and rebuild.", c_4_6},
	{"4.7", "Ensure update instructions are not used alone in the Dockerfile", 1, false,
	 "Run package index updates in the same RUN instruction as the installs, with pinned versions, or build "
	 "with --no-cache.",
	 c_4_7},
	{"4.8", "Ensure setuid and setgid permissions are removed", 2, false,
	 "Remove setuid/setgid bits from executables that do not need them, e.g. RUN find / -perm /6000 -type f "
	 "-exec chmod a-s {} \\; || true",
	 note},
	{"4.9", "Ensure that COPY is used instead of ADD in Dockerfiles", 1, false,
	 "Use COPY instead of ADD in Dockerfiles unless ADD's archive or URL handling is needed.", c_4_9},
	{"4.10", "Ensure secrets are not stored in Dockerfiles", 1, false,
	 "Keep secrets out of Dockerfiles; use build secrets (BuildKit --secret) or a secrets manager.", note},
	{"4.11", "Ensure only verified packages are installed", 2, false,
	 "Install packages only from sources whose signatures are verified (apt, apk and rpm keys).", note},
	{"4.12", "Ensure all signed artifacts are validated", 2, false,
	 "Validate artifact signatures before uploading them to the package registry.", note},
};

const struct bench_check *bench_checks_images(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
