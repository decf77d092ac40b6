/* False positives of the built-in secret rules on real content, which
 * holds no secrets:
 *  - every regular file of every layer of the real Alpine 3.9 and 3.10
 *    images (../shared/fixtures/images), read through libarchive the way
 *    the layer walk streams them, plus their image configs (Env, Cmd,
 *    history) through secret_scan_text;
 *  - this host's /usr/share/doc, /etc and /usr/lib/python3: a Debian root
 *    filesystem made of real packages.
 * With the built-in rules there must be no finding, except the ones listed
 * below with the reason each is acceptable. The host trees are also scanned
 * with every path allow rule disabled, and each finding printed: those are
 * the examples the allow rules exist for, and all of them must sit where a
 * documented allow rule applies. */
#include "secret/secret.h"
#include "testutil.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fts.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Findings that are right to report on a stock host. */
static const struct {
	const char *path, *rule, *why;
} acceptable[] = {
	{"etc/ssl/private/ssl-cert-snakeoil.key", "private-key",
	 "a real private key, generated for this host when the ssl-cert package is installed: "
	 "a true positive"},
};

static bool is_acceptable(const struct secret_finding *f)
{
	for (size_t i = 0; i < ARRAY_LEN(acceptable); i++)
		if (!strcmp(f->path, acceptable[i].path) && !strcmp(f->rule_id, acceptable[i].rule)) {
			print_message("# acceptable: %s %s: %s\n", f->path, f->rule_id, acceptable[i].why);
			return true;
		}
	return false;
}

static void print_counts(const char *what, const struct secret_findings *f)
{
	print_message("# %s: %llu files scanned (%.1f MB), %llu binary, %llu too large, %llu allow-listed, "
		      "%zu findings, %llu allowed matches\n",
		      what, (unsigned long long)f->files_scanned, (double)f->bytes_scanned / 1e6,
		      (unsigned long long)f->files_skipped_binary, (unsigned long long)f->files_skipped_size,
		      (unsigned long long)f->files_skipped_allowed, f->len,
		      (unsigned long long)f->matches_allowed);
}

/* ---- images: outer docker-archive tar.gz, inner <id>/layer.tar ---- */

struct outer {
	struct archive *a;
	char buf[65536];
};

static la_ssize_t outer_read(struct archive *inner, void *ctx, const void **buf)
{
	(void)inner;
	struct outer *o = ctx;
	*buf = o->buf;
	return archive_read_data(o->a, o->buf, sizeof o->buf);
}

static void scan_layer(struct outer *o, struct secret_scan *sc, struct secret_findings *out)
{
	struct archive *in = archive_read_new();
	archive_read_support_format_tar(in);
	assert_int_equal(archive_read_open(in, o, NULL, outer_read, NULL), ARCHIVE_OK);
	struct archive_entry *e;
	char buf[65536];
	while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *name = archive_entry_pathname(e);
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (secret_file_begin(sc, name, archive_entry_size(e)) == 0) {
			la_ssize_t n;
			while (secret_file_wants_more(sc) && (n = archive_read_data(in, buf, sizeof buf)) > 0)
				secret_file_feed(sc, buf, (size_t)n);
		}
		secret_file_end(sc, out);
	}
	archive_read_free(in);
}

/* Env entries, Cmd, Entrypoint, Labels and history of an image config. */
static void scan_config(const char *json, size_t len, struct secret_scan *sc, struct secret_findings *out)
{
	json_error_t err;
	json_t *root = json_loadb(json, len, 0, &err);
	assert_non_null(root);
	json_t *cfg = json_object_get(root, "config"), *v;
	size_t i;
	const char *key;
	json_array_foreach(json_object_get(cfg, "Env"), i, v)
		secret_scan_text(sc, "config: Env", json_string_value(v), out);
	json_array_foreach(json_object_get(cfg, "Cmd"), i, v)
		secret_scan_text(sc, "config: Cmd", json_string_value(v), out);
	json_array_foreach(json_object_get(cfg, "Entrypoint"), i, v)
		secret_scan_text(sc, "config: Entrypoint", json_string_value(v), out);
	json_object_foreach(json_object_get(cfg, "Labels"), key, v)
		secret_scan_text(sc, "config: Labels", json_string_value(v), out);
	size_t texts = 0;
	json_array_foreach(json_object_get(root, "history"), i, v) {
		const char *s = json_string_value(json_object_get(v, "created_by"));
		if (s) {
			secret_scan_text(sc, "history: created_by", s, out);
			texts++;
		}
	}
	assert_true(texts > 0);
	json_decref(root);
}

static void scan_image(const char *file, struct secret_scan *sc, struct secret_findings *out)
{
	struct outer o = {.a = archive_read_new()};
	archive_read_support_filter_all(o.a);
	archive_read_support_format_tar(o.a);
	assert_int_equal(archive_read_open_filename(o.a, file, 65536), ARCHIVE_OK);
	struct archive_entry *e;
	int layers = 0;
	while (archive_read_next_header(o.a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		size_t n = strlen(name);
		if (n > 10 && !strcmp(name + n - 10, "/layer.tar")) {
			scan_layer(&o, sc, out);
			layers++;
		} else if (n == 69 && !strcmp(name + 64, ".json")) {
			/* <sha256>.json: the image config. */
			size_t size = (size_t)archive_entry_size(e);
			char *json = malloc(size + 1);
			assert_int_equal(archive_read_data(o.a, json, size), (la_ssize_t)size);
			scan_config(json, size, sc, out);
			free(json);
		}
	}
	archive_read_free(o.a);
	assert_true(layers >= 1);
}

static void test_alpine_images(void **state)
{
	(void)state;
	static const char *const images[] = {"images/alpine-310.tar.gz", "images/alpine-39.tar.gz"};
	/* Resolve both before allocating: a skip leaves the function. The
	 * returned path lives in a static buffer, hence the copies. */
	char files[2][4096];
	for (size_t i = 0; i < ARRAY_LEN(images); i++) {
		REQUIRE_FIXTURE(file, images[i]);
		snprintf(files[i], sizeof files[i], "%s", file);
	}
	struct err err;
	struct secret_rules *r = secret_rules_load(NULL, &err);
	assert_non_null(r);
	struct secret_scan *sc = secret_scan_new(r);
	for (size_t i = 0; i < ARRAY_LEN(images); i++) {
		struct secret_findings f = {0};
		scan_image(files[i], sc, &f);
		print_counts(images[i], &f);
		for (size_t k = 0; k < f.len; k++)
			print_message("# FALSE POSITIVE %s:%d %s %s\n", f.v[k].path, f.v[k].start_line,
				      f.v[k].rule_id, f.v[k].match);
		assert_int_equal(f.len, 0);
		assert_true(f.files_scanned > 50);
		secret_findings_free(&f);
	}
	secret_scan_free(sc);
	secret_rules_free(r);
}

/* ---- host trees ---- */

static void scan_tree(const char *root, struct secret_scan *sc, struct secret_findings *out)
{
	char *const roots[] = {(char *)root, NULL};
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR, NULL);
	assert_non_null(fts);
	char *buf = malloc(65536);
	for (FTSENT *ent; (ent = fts_read(fts));) {
		if (ent->fts_info != FTS_F)
			continue;
		int fd = open(ent->fts_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue; /* not readable by this user */
		const char *path = ent->fts_path;
		while (*path == '/')
			path++;
		if (secret_file_begin(sc, path, ent->fts_statp->st_size) == 0) {
			ssize_t n;
			while (secret_file_wants_more(sc) && (n = read(fd, buf, 65536)) > 0)
				secret_file_feed(sc, buf, (size_t)n);
		}
		secret_file_end(sc, out);
		close(fd);
	}
	free(buf);
	fts_close(fts);
}

static const char *const host_trees[] = {"/usr/share/doc", "/etc", "/usr/lib/python3"};

static void test_host_trees(void **state)
{
	(void)state;
	struct err err;
	struct secret_rules *r = secret_rules_load(NULL, &err);
	assert_non_null(r);
	struct secret_scan *sc = secret_scan_new(r);
	size_t bad = 0;
	for (size_t i = 0; i < ARRAY_LEN(host_trees); i++) {
		struct stat st;
		if (stat(host_trees[i], &st) != 0) {
			print_message("# %s absent on this host\n", host_trees[i]);
			continue;
		}
		struct secret_findings f = {0};
		scan_tree(host_trees[i], sc, &f);
		print_counts(host_trees[i], &f);
		for (size_t k = 0; k < f.len; k++)
			if (!is_acceptable(&f.v[k])) {
				print_message("# FALSE POSITIVE %s:%d %s %s\n", f.v[k].path, f.v[k].start_line,
					      f.v[k].rule_id, f.v[k].match);
				bad++;
			}
		/* /usr/share/doc is allow-listed as a whole by default; the
		 * test below scans it. */
		assert_true(f.files_scanned + f.files_skipped_allowed > 0);
		secret_findings_free(&f);
	}
	assert_int_equal(bad, 0);
	secret_scan_free(sc);
	secret_rules_free(r);
}

/* What the path allow rules hide on a Debian host, as seen when this was
 * written (the host may lack some of these packages; more packages may add
 * more documentation examples, which the usr-share-doc rule covers). */
static const struct {
	const char *path_prefix, *rule, *why;
} known_examples[] = {
	{"usr/share/doc/libxmlsec1-dev/examples/", "private-key",
	 "example keys in libxmlsec1-dev's documentation: real PEM keys, published with the "
	 "package"},
	{"usr/share/doc/python3-jwt/README", "jwt", "PyJWT's README example token"},
	{"usr/lib/python3/dist-packages/PyJWT-", "jwt",
	 "the same README as PyJWT's package metadata (PKG-INFO long description)"},
	{"usr/share/doc/notary/docs/", "generic-secret", "an example config in notary's documentation"},
};

/* Without path allow rules, whatever shows up must be where one applies
 * (documentation, package metadata, package and system test trees, the
 * generic heuristics in package trees), i.e. the allow rules are what
 * hides it, not luck. Each one is printed with its reason. */
static void test_host_trees_without_path_allow_rules(void **state)
{
	(void)state;
	const char *yaml = "disable-allow-rules: [usr-share-doc, python-package-metadata, "
			   "generic-rules-in-packages, package-tests, system-tests, go-toolchain-tests]\n";
	struct err err;
	struct secret_rules *r = secret_rules_load_yaml("no-path-allow.yaml", yaml, strlen(yaml), &err);
	assert_non_null(r);
	struct secret_scan *sc = secret_scan_new(r);
	regex_t covered;
	assert_int_equal(regcomp(&covered,
				 "^usr/share/doc/|\\.(egg|dist)-info/(PKG-INFO|METADATA)$|"
				 "(site|dist)-packages/|node_modules/|^usr/(lib|share)/(.*/)?(tests?|testdata)/",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	size_t bad = 0;
	for (size_t i = 0; i < ARRAY_LEN(host_trees); i++) {
		struct stat st;
		if (stat(host_trees[i], &st) != 0)
			continue;
		struct secret_findings f = {0};
		scan_tree(host_trees[i], sc, &f);
		print_counts(host_trees[i], &f);
		for (size_t k = 0; k < f.len; k++) {
			const char *why = NULL;
			for (size_t j = 0; j < ARRAY_LEN(known_examples) && !why; j++)
				if (!strncmp(f.v[k].path, known_examples[j].path_prefix,
					     strlen(known_examples[j].path_prefix)) &&
				    !strcmp(f.v[k].rule_id, known_examples[j].rule))
					why = known_examples[j].why;
			if (!why && regexec(&covered, f.v[k].path, 0, NULL, 0) == 0)
				why = "documentation, package metadata or test tree (a path allow rule)";
			if (!why && is_acceptable(&f.v[k]))
				why = "listed as acceptable";
			print_message("# %s:%d %s | %s -> %s\n", f.v[k].path, f.v[k].start_line,
				      f.v[k].rule_id, f.v[k].match, why ? why : "UNEXPLAINED");
			bad += !why;
		}
		secret_findings_free(&f);
	}
	regfree(&covered);
	assert_int_equal(bad, 0);
	secret_scan_free(sc);
	secret_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alpine_images),
		cmocka_unit_test(test_host_trees),
		cmocka_unit_test(test_host_trees_without_path_allow_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
