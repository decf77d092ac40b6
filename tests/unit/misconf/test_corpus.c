/* The Dockerfile corpus (tests/data/dockerfiles): every NAME.Dockerfile is
 * linted and its findings (or its parse error) compared exactly with
 * NAME.expected. One test case per file; a last case checks that every
 * Dockerfile rule is exercised by some file. */
#include "misconf/lint.h"
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct corpus {
	char *dir;
	char **names; /* NAME of NAME.Dockerfile, sorted */
	size_t n;
};

static char *read_text(const char *path)
{
	size_t n;
	return (char *)slurp(path, &n);
}

/* Lints one file the way `vigil config` does and renders the result in the
 * .expected format. */
static char *lint_to_text(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s.Dockerfile", dir, name);
	char *cfgpath = xasprintf("%s/%s.vigil.yaml", dir, name);
	size_t len;
	char *data = (char *)slurp(path, &len);
	struct buf out = {0};
	struct dockerfile df;
	struct err e = {{0}};
	struct misconf_config cfg = {0};
	struct stat st;
	bool have_cfg = stat(cfgpath, &st) == 0;
	if (have_cfg && misconf_config_load(cfgpath, &cfg, &e))
		fail_msg("%s: %s", cfgpath, e.msg);
	if (dockerfile_parse(data, len, &df, &e)) {
		buf_appendf(&out, "error %s\n", e.msg);
	} else {
		struct misconf_findings f = {0};
		struct lint_opts o = {name, path, dir, have_cfg ? &cfg : NULL};
		misconf_lint(&df, &o, &f);
		misconf_config_apply(&cfg, &f);
		for (size_t i = 0; i < f.n; i++) {
			if (f.v[i].end_line != f.v[i].start_line)
				buf_appendf(&out, "%s %d-%d\n", f.v[i].id, f.v[i].start_line, f.v[i].end_line);
			else
				buf_appendf(&out, "%s %d\n", f.v[i].id, f.v[i].start_line);
		}
		misconf_findings_free(&f);
		dockerfile_free(&df);
	}
	misconf_config_free(&cfg);
	free(data);
	free(path);
	free(cfgpath);
	return out.len ? buf_steal(&out) : xstrdup("");
}

static void test_file(void **state)
{
	const char *const *arg = *state;
	const char *dir = arg[0], *name = arg[1];
	char *got = lint_to_text(dir, name);
	char *exp_path = xasprintf("%s/%s.expected", dir, name);
	char *want = read_text(exp_path);
	if (strcmp(got, want)) {
		print_message("# %s.Dockerfile\n# expected:\n%s# got:\n%s", name, want, got);
		free(got);
		free(want);
		free(exp_path);
		fail_msg("%s: findings differ from %s.expected", name, name);
	}
	free(got);
	free(want);
	free(exp_path);
}

/* Every Dockerfile rule appears in at least one .expected file. */
static void test_every_rule_exercised(void **state)
{
	const struct corpus *c = *state;
	size_t nr;
	const struct misconf_rule *rules = misconf_dockerfile_rules(&nr);
	struct buf all = {0};
	for (size_t i = 0; i < c->n; i++) {
		char *p = xasprintf("%s/%s.expected", c->dir, c->names[i]);
		char *t = read_text(p);
		buf_appendf(&all, "%s", t);
		free(t);
		free(p);
	}
	for (size_t i = 0; i < nr; i++) {
		char *needle = xasprintf("%s ", rules[i].id);
		if (!strstr((char *)all.data, needle))
			fail_msg("rule %s is not exercised by any corpus file", rules[i].id);
		free(needle);
	}
	buf_free(&all);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	struct corpus c = {0};
	c.dir = xasprintf("%s/tests/data/dockerfiles", root ? root : ".");
	DIR *d = opendir(c.dir);
	if (!d) {
		fprintf(stderr, "cannot open %s\n", c.dir);
		return 1;
	}
	struct dirent *de;
	size_t cap = 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 11 && !strcmp(de->d_name + l - 11, ".Dockerfile")) {
			xgrow((void **)&c.names, &cap, c.n + 1, sizeof *c.names);
			c.names[c.n++] = xstrndup(de->d_name, l - 11);
		}
	}
	closedir(d);
	qsort(c.names, c.n, sizeof *c.names, cmp_names);
	struct CMUnitTest *tests = xcalloc(c.n + 1, sizeof *tests);
	const char *(*args)[2] = xcalloc(c.n, sizeof *args);
	for (size_t i = 0; i < c.n; i++) {
		args[i][0] = c.dir;
		args[i][1] = c.names[i];
		tests[i] = (struct CMUnitTest){c.names[i], test_file, NULL, NULL, args[i]};
	}
	tests[c.n] = (struct CMUnitTest){"every_rule_exercised", test_every_rule_exercised, NULL, NULL, &c};
	int rc = _cmocka_run_group_tests("misconf-corpus", tests, c.n + 1, NULL, NULL);
	for (size_t i = 0; i < c.n; i++)
		free(c.names[i]);
	free(c.names);
	free(tests);
	free(args);
	free(c.dir);
	return rc;
}
