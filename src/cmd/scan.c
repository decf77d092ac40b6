#include "cmd/scan.h"

#include "cmd/cmd.h"
#include "config.h"
#include "image/resolve.h"
#include "db/vdb.h"
#include "inventory/build.h"
#include "match/match.h"
#include "misconf/image_checks.h"
#include "secret/image_config.h"
#include "policy/filter.h"
#include "registry/registry.h"
#include "report/report.h"
#include "sign/remote.h"
#include "util/progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void print_layer_warnings(const struct scan_result *res)
{
	for (size_t i = 0; i < res->nlayers; i++) {
		const struct layer_result *r = res->layers[i];
		/* A layer listed twice reports once. */
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = res->layers[k] == r;
		if (dup)
			continue;
		for (size_t w = 0; w < r->nwarnings; w++)
			report_warning("layer %zu: %s", i + 1, r->warnings[w]);
		if (r->nwarnings_dropped)
			report_warning("layer %zu: %llu more warnings not shown", i + 1,
				       (unsigned long long)r->nwarnings_dropped);
	}
}

static struct bundle *open_pinned_image(const struct scan_opts *o, const char *digest, const struct walk_limits *lim,
					char **repo_digest, struct err *e);

/* --verify-key: signatures live in the registry, so the image is read from
 * there, by the digest that verified rather than by the tag again (a tag can
 * move between the check and the pull). */
static struct bundle *open_verified_image(const struct scan_opts *o, const struct walk_limits *lim, char **repo_digest,
					  struct err *e)
{
	if (o->offline) {
		err_set(e, "%s: --verify-key reads signatures from the registry, which --offline rules out", o->target);
		return NULL;
	}
	struct registry_opts ro = {.insecure = o->insecure, .username = o->username, .password = o->password};
	char digest[72];
	struct err why = {{0}};
	if (sign_verify_image(o->target, o->verify_key, &ro, NULL, digest, &why) <= 0) {
		err_set(e, "refusing to scan: signature verification failed: %s", why.msg);
		return NULL;
	}
	return open_pinned_image(o, digest, lim, repo_digest, e);
}

/* The registry image o->target names, read by digest (one that verified). */
static struct bundle *open_pinned_image(const struct scan_opts *o, const char *digest, const struct walk_limits *lim,
					char **repo_digest, struct err *e)
{
	struct registry_opts ro = {.insecure = o->insecure, .username = o->username, .password = o->password};
	struct registry_ref r;
	if (registry_ref_parse(o->target, &r, e) != 0)
		return NULL;
	char *pinned = xasprintf("%s/%s@%s", r.host, r.repository, digest);
	registry_ref_free(&r);
	struct bundle *b = bundle_open_registry(pinned, &ro, o->platform, lim, o->threads, repo_digest, e);
	free(pinned);
	return b;
}

/* A named image from the sources in --image-src order; by default Trivy's
 * order without containerd and podman: the Docker daemon when it has the
 * image, else the registry. A source that is not the last one is passed over
 * when it does not have the image; the last one is opened whatever it says,
 * so its error is the one reported. */
static struct bundle *open_named_image(const struct scan_opts *o, const struct walk_limits *lim, char **repo_digest,
				       struct err *e)
{
	const char *list = o->image_src ? o->image_src : "docker,registry";
	const char *srcs[8];
	size_t n = 0;
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w && n < ARRAY_LEN(srcs); w = strtok_r(NULL, ",", &save)) {
		const char *s = !strcmp(w, "docker")				    ? "docker"
				: !strcmp(w, "registry") || !strcmp(w, "remote") ? "registry"
										 : NULL;
		if (!s) {
			report_warning("image source '%s' is not supported; skipped", w);
			continue;
		}
		if (!strcmp(s, "registry") && o->offline)
			continue;
		srcs[n++] = s;
	}
	free(copy);
	if (n == 0) {
		err_set(e, "%s: no image source to read it from (--image-src %s%s)", o->target, list,
			o->offline ? ", and --offline rules out registries" : "");
		return NULL;
	}
	/* Docker's name grammar is the registry's: a name neither can use is
	 * reported as such rather than as "not found". */
	struct registry_ref parsed;
	if (registry_ref_parse(o->target, &parsed, e) != 0)
		return NULL;
	registry_ref_free(&parsed);
	struct bundle *b = NULL;
	bool docker_lacks = false;
	struct err reg_err = {{0}};
	for (size_t i = 0; i < n && !b; i++) {
		bool last = i + 1 == n;
		if (!strcmp(srcs[i], "docker")) {
			if (last || bundle_daemon_has_image(o->target)) {
				b = bundle_open_daemon(o->target, lim, e);
				break;
			}
			docker_lacks = true;
			continue;
		}
		struct registry_opts ro = {.insecure = o->insecure, .username = o->username, .password = o->password};
		b = bundle_open_registry(o->target, &ro, o->platform, lim, o->threads, repo_digest, last ? e : &reg_err);
		if (last)
			break;
	}
	struct err last_err = *e;
	if (!b && docker_lacks)
		err_set(e, "%s (and the Docker daemon does not have it)", last_err.msg);
	else if (!b && reg_err.msg[0])
		err_set(e, "%s; before that: %s", last_err.msg, reg_err.msg);
	return b;
}

static int read_image(const struct scan_opts *o, struct scan_result *res, const struct walk_limits *lim,
		      struct err *e)
{
	char *path = NULL, *ref = NULL, *digest = NULL, *repo_digest = NULL;
	if (o->kind == TARGET_ARCHIVE && o->verify_key) {
		err_set(e, "%s: --verify-key checks cosign signatures in a registry; use 'vigil verify --dir' for a "
			   "dir: copy",
			o->target);
		goto fail;
	}
	if (o->kind == TARGET_ARCHIVE) {
		split_input_ref(o->target, &path, &ref, &digest);
		struct stat st;
		if (stat(path, &st) != 0) {
			err_set(e, "%s: %s", path, strerror(errno));
			goto fail;
		}
		res->bundle = S_ISDIR(st.st_mode) ? bundle_open_dir(path, lim, o->threads, e)
						  : bundle_open_tar(path, -1, lim, o->threads, e);
	} else if (o->verify_key) {
		res->bundle = open_verified_image(o, lim, &repo_digest, e);
		char verified[72];
		if (res->bundle && o->policy && policy_wants_signature(o->policy))
			scan_policy_verify(o, res, verified);
	} else if (o->policy && policy_wants_signature(o->policy)) {
		/* As --verify-key, read what verified by its digest; an image that
		 * does not verify is still scanned, so that the report gives every
		 * rule's result, and the policy fails. */
		char verified[72];
		res->bundle = scan_policy_verify(o, res, verified) > 0
				      ? open_pinned_image(o, verified, lim, &repo_digest, e)
				      : open_named_image(o, lim, &repo_digest, e);
	} else {
		res->bundle = open_named_image(o, lim, &repo_digest, e);
	}
	if (!res->bundle)
		goto fail;
	struct image_select sel = {.ref = ref, .digest = digest, .platform = o->platform};
	if (image_resolve(res->bundle, &sel, &res->img, &res->layers, e) != 0)
		goto fail;
	res->nlayers = res->img.nlayers;
	res->img.name = xstrdup(o->target);
	res->img.type = xstrdup("container_image");
	if (repo_digest) {
		res->img.repo_digests = xrealloc(res->img.repo_digests,
						 (res->img.nrepo_digests + 1) * sizeof *res->img.repo_digests);
		res->img.repo_digests[res->img.nrepo_digests++] = repo_digest;
	}
	free(path);
	free(ref);
	free(digest);
	return 0;
fail:
	free(path);
	free(ref);
	free(digest);
	free(repo_digest);
	return -1;
}

static int read_rootfs(const struct scan_opts *o, struct scan_result *res, const struct walk_limits *lim,
		       struct err *e)
{
	struct stat st;
	if (stat(o->target, &st) != 0) {
		err_set(e, "%s: %s", o->target, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(e, "%s: not a directory", o->target);
		return -1;
	}
	res->rootfs_layer = xcalloc(1, sizeof *res->rootfs_layer);
	if (layer_walk_dir(o->target, lim, res->rootfs_layer, e) != 0)
		return -1;
	res->layers = xcalloc(1, sizeof *res->layers);
	res->layers[0] = res->rootfs_layer;
	res->nlayers = 1;
	res->img.name = xstrdup(o->target);
	res->img.type = xstrdup("filesystem");
	return 0;
}

int scan_run(const struct scan_opts *o, struct scan_result *res)
{
	memset(res, 0, sizeof *res);
	struct err e = {{0}};
	struct progress prog;
	progress_init(&prog, "vigil: reading", util_quiet);
	struct walk_limits lim = walk_default_limits;
	lim.progress = &prog;
	if (o->scanners & SCAN_SECRET) {
		res->secret_rules = secret_rules_load(o->secret_config, &e);
		if (!res->secret_rules) {
			progress_finish(&prog);
			report_error("%s", e.msg);
			return o->secret_config ? EXIT_USAGE : EXIT_INTERNAL;
		}
		lim.secrets = res->secret_rules;
	}
	int rc = o->kind == TARGET_ROOTFS ? read_rootfs(o, res, &lim, &e) : read_image(o, res, &lim, &e);
	progress_finish(&prog);
	if (res->bundle)
		res->bundle->limits = &walk_default_limits; /* lim lives on this stack only */
	if (rc != 0) {
		report_error("%s", e.msg);
		return EXIT_INPUT;
	}
	print_layer_warnings(res);
	view_build(&res->view, res->layers, res->nlayers);
	inventory_build(res->layers, res->nlayers, &res->view, &res->inv);
	for (size_t i = 0; i < res->inv.nnotices; i++)
		report_warning("%s", res->inv.notices[i]);
	if (o->scanners & SCAN_SECRET)
		scan_collect_secrets(o, res);
	if ((o->scanners & SCAN_MISCONFIG) && res->img.config) {
		misconf_check_image(&res->img, &res->view, res->layers, res->nlayers, &res->misconf);
		res->have_misconf = true;
		if (o->severities)
			for (size_t i = res->misconf.n; i-- > 0;)
				if (!(o->severities & (1u << res->misconf.v[i].severity)))
					misconf_findings_remove(&res->misconf, i);
	}
	/* Reports print the config (and --show-history rebuilds RUN lines from
	 * it): secrets found there are redacted, once every check has run. */
	if (res->img.config && res->config_secrets.len)
		secret_redact_image_config(res->img.config, &res->config_secrets);
	return 0;
}

static int load_ignores(const struct scan_opts *o, struct ignore_list *l)
{
	struct err e = {{0}};
	if (o->ignorefile) {
		int rc = ignore_list_load(o->ignorefile, l, &e);
		if (rc == 1)
			err_set(&e, "%s: no such ignore file", o->ignorefile);
		if (rc != 0) {
			report_error("%s", e.msg);
			return EXIT_USAGE;
		}
		return 0;
	}
	/* Defaults, like Trivy's: the first that exists of .vigilignore, .trivyignore. */
	static const char *const defaults[] = {".vigilignore", ".trivyignore"};
	for (size_t i = 0; i < ARRAY_LEN(defaults); i++) {
		int rc = ignore_list_load(defaults[i], l, &e);
		if (rc == 0)
			return 0;
		if (rc < 0) {
			report_error("%s", e.msg);
			return EXIT_USAGE;
		}
	}
	return 0;
}

int scan_match(const struct scan_opts *o, struct scan_result *res)
{
	if (!(o->scanners & SCAN_VULN))
		return 0;
	char *path = o->db_path ? xstrdup(o->db_path) : vdb_default_path();
	struct stat st;
	if (!path || stat(path, &st) != 0) {
		const char *shown = path ? path : "$XDG_CACHE_HOME/vigil/db/vigil.db";
		if (o->db_path) {
			report_error("no vulnerability database at %s; create one with 'vigil db import --db %s FEED…' "
				     "(Alpine secdb, Debian tracker, OSV or NVD JSON)",
				     shown, shown);
			free(path);
			return EXIT_INPUT;
		}
		/* No DB and none asked for: say how to get one, report the inventory. */
		findings_add_notice(&res->vulns,
				    "no vulnerability database at %s, so no vulnerabilities were looked for; create one "
				    "with 'vigil db import FEED…' (Alpine secdb, Debian tracker, OSV or NVD JSON) or "
				    "'vigil db update'",
				    shown);
		report_warning("%s", res->vulns.notices[res->vulns.nnotices - 1]);
		free(path);
		return 0;
	}
	struct err e = {{0}};
	int rc = match_inventory(path, &res->inv, &res->vulns, &e);
	free(path);
	if (rc != 0) {
		report_error("%s", e.msg);
		return EXIT_INPUT;
	}
	res->have_vulns = true;
	struct vuln_filter flt = {.severities = o->severities ? o->severities : SEVERITY_ALL,
				  .ignore_unfixed = o->ignore_unfixed};
	rc = load_ignores(o, &flt.ignores);
	if (rc == 0)
		findings_filter(&res->vulns, &flt, time(NULL));
	ignore_list_free(&flt.ignores);
	findings_sort(&res->vulns, &res->inv);
	for (size_t i = 0; i < res->vulns.nnotices; i++)
		report_warning("%s", res->vulns.notices[i]);
	return rc;
}

int scan_exit_status(const struct scan_opts *o, const struct scan_result *res)
{
	bool found = (res->have_vulns && res->vulns.len) || res->nsecrets || (res->have_misconf && res->misconf.n);
	if (res->have_policy && !res->policy.passed)
		return EXIT_FINDINGS; /* documented: a failed --policy exits 1 */
	return o->exit_code && found ? o->exit_code : EXIT_OK;
}

void scan_result_free(struct scan_result *res)
{
	findings_free(&res->vulns);
	free(res->secrets);
	secret_findings_free(&res->config_secrets);
	secret_rules_free(res->secret_rules);
	misconf_findings_free(&res->misconf);
	policy_outcome_free(&res->policy);
	free(res->signature_reason);
	inventory_free(&res->inv);
	view_free(&res->view);
	image_free(&res->img);
	free(res->layers);
	if (res->rootfs_layer) {
		layer_result_free(res->rootfs_layer);
		free(res->rootfs_layer);
	}
	bundle_free(res->bundle);
	memset(res, 0, sizeof *res);
}

int scan_write_report(const struct scan_opts *o, const struct scan_result *res)
{
	struct scan_report rep = {
		.img = &res->img,
		.inv = &res->inv,
		.list_all_pkgs = o->list_all_pkgs,
		.vulns = &res->vulns,
		.vulns_scanned = res->have_vulns,
		.secrets = res->secrets,
		.nsecrets = res->nsecrets,
		.secrets_scanned = res->secret_rules != NULL,
		.misconf = &res->misconf,
		.misconf_scanned = res->have_misconf,
		.history_dockerfile = NULL,
		.tool_version = VIGIL_VERSION,
		.policy = res->have_policy ? &res->policy : NULL,
	};
	rep.history_dockerfile = o->show_history && res->img.config ? misconf_history_dockerfile(&res->img) : NULL;
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);
	if (!mem) {
		report_error("cannot allocate the report: %s", strerror(errno));
		return EXIT_INTERNAL;
	}
	int rc;
	if (!strcmp(o->format, "json"))
		rc = report_json(mem, &rep);
	else if (!strcmp(o->format, "cyclonedx"))
		rc = report_cyclonedx(mem, &rep);
	else if (!strcmp(o->format, "spdx-json"))
		rc = report_spdx(mem, &rep);
	else if (!strcmp(o->format, "sarif"))
		rc = report_sarif(mem, &rep);
	else if (!strcmp(o->format, "junit"))
		rc = report_junit(mem, &rep);
	else if (!strcmp(o->format, "html"))
		rc = report_html(mem, &rep);
	else
		rc = report_table(mem, &rep);
	free((char *)rep.history_dockerfile);
	if (fclose(mem) != 0 || rc != 0) {
		free(data);
		report_error("cannot format the report");
		return EXIT_INTERNAL;
	}
	if (o->output && strcmp(o->output, "-") != 0) {
		struct err e = {{0}};
		rc = write_file_atomic(o->output, data, len, &e);
		free(data);
		if (rc != 0) {
			report_error("%s", e.msg);
			return EXIT_INTERNAL;
		}
		return 0;
	}
	size_t w = fwrite(data, 1, len, stdout);
	free(data);
	if (w != len || fflush(stdout) != 0) {
		report_error("writing the report to standard output: %s", strerror(errno));
		return EXIT_INTERNAL;
	}
	return 0;
}

bool format_is_valid(const char *f, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(f, allowed[i]))
			return true;
	return false;
}

int parse_threads(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 1 || n > 256)
		return -1;
	return (int)n;
}
