#include "testutil.h"

#include "db/vdb.h"
#include "inventory/inventory.h"
#include "match/finding.h"
#include "util/util.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *fixture_path(const char *rel)
{
	static char path[4096];
	const char *root = getenv("VIGIL_FIXTURES");
	if (!root)
		root = "../shared/fixtures";
	snprintf(path, sizeof path, "%s/%s", root, rel);
	struct stat st;
	if (stat(path, &st) == 0)
		return path;
	const char *ci = getenv("CI");
	if (ci && strcmp(ci, "true") == 0)
		fail_msg("fixture %s is missing, and CI=true requires it", path);
	return NULL;
}

unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, 65536, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

int test_tmp_setup(void **state)
{
	struct test_tmp *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	snprintf(t->dir, sizeof t->dir, "/tmp/vigil-test-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->db, sizeof t->db, "%s/vigil.db", t->dir);
	*state = t;
	return 0;
}

int test_tmp_teardown(void **state)
{
	struct test_tmp *t = *state;
	char *cmd = xasprintf("rm -rf %s", t->dir);
	int rc = system(cmd);
	free(cmd);
	free(t);
	return rc == 0 ? 0 : -1;
}

char *test_feed_path(const char *rel)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	return xasprintf("%s/tests/data/feeds/%s", root ? root : ".", rel);
}

int test_import1(const char *db, const char *feed, struct err *e)
{
	struct vdb_import_summary s;
	const char *feeds[] = {feed};
	int rc = vdb_import_files(db, feeds, 1, &s, e);
	if (rc == 0)
		vdb_import_summary_free(&s);
	return rc;
}

void test_import_feeds(const char *db, const char *rel1, const char *rel2)
{
	char *p1 = test_feed_path(rel1), *p2 = rel2 ? test_feed_path(rel2) : NULL;
	const char *feeds[] = {p1, p2};
	struct vdb_import_summary s;
	struct err e = {{0}};
	if (vdb_import_files(db, feeds, rel2 ? 2 : 1, &s, &e) != 0)
		fail_msg("import: %s", e.msg);
	vdb_import_summary_free(&s);
	free(p1);
	free(p2);
}

char *test_query(const char *db, const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	struct buf b = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			buf_appendf(&b, "%s%s", i ? "|" : "", v ? (const char *)v : "NULL");
		}
		buf_appendf(&b, "\n");
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return b.data ? buf_steal(&b) : xstrdup("");
}

void test_assert_query(const char *db, const char *sql, const char *want)
{
	char *got = test_query(db, sql);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n--- got:\n%s--- want:\n%s", sql, got, want);
	free(got);
}

void test_file_digest(const char *path, char out[72])
{
	size_t len;
	unsigned char *b = slurp(path, &len);
	sha256_digest_of(b, len, out);
	free(b);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Findings (or wants) as sorted "pkg id installed fixed status severity"
 * lines, so that sets compare exactly. */
static char *join_sorted(char **lines, size_t n)
{
	qsort(lines, n, sizeof *lines, cmp_lines);
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		buf_appendf(&b, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return b.data ? buf_steal(&b) : xstrdup("");
}

void test_assert_findings(const struct findings *f, const struct inventory *inv, const struct test_want *w, size_t n)
{
	char **got = xcalloc(f->len + 1, sizeof *got), **exp = xcalloc(n + 1, sizeof *exp);
	for (size_t i = 0; i < f->len; i++) {
		const struct vuln_finding *v = &f->v[i];
		got[i] = xasprintf("%s %s %s %s %s %s", inv->pkgs[v->pkg].pkg.name, v->vuln_id, v->installed_version,
				   v->fixed_version ? v->fixed_version : "-", v->status, severity_name(v->severity));
	}
	for (size_t i = 0; i < n; i++)
		exp[i] = xasprintf("%s %s %s %s %s %s", w[i].pkg, w[i].id, w[i].installed, w[i].fixed ? w[i].fixed : "-",
				   w[i].status, w[i].severity);
	char *g = join_sorted(got, f->len), *x = join_sorted(exp, n);
	if (strcmp(g, x) != 0)
		fail_msg("findings differ.\n--- got:\n%s--- want:\n%s", g, x);
	free(g);
	free(x);
}

const struct vuln_finding *test_find_finding(const struct findings *f, const struct inventory *inv, const char *pkg,
					     const char *installed)
{
	for (size_t i = 0; i < f->len; i++)
		if (!strcmp(inv->pkgs[f->v[i].pkg].pkg.name, pkg) && !strcmp(f->v[i].installed_version, installed))
			return &f->v[i];
	fail_msg("no finding for %s %s", pkg, installed);
	return NULL;
}
