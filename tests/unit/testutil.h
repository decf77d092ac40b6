/* Shared helpers for cmocka unit tests. */
#ifndef VIGIL_TESTUTIL_H
#define VIGIL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of a file under ../shared/fixtures, or NULL when the folder is absent.
 * Absent is only allowed outside CI: under CI=true the test fails. */
const char *fixture_path(const char *rel);
/* In a test: returns the fixture path or skips (outside CI) / fails (in CI). */
#define REQUIRE_FIXTURE(var, rel)                                                        \
	const char *var = fixture_path(rel);                                             \
	do {                                                                             \
		if (!var) {                                                              \
			print_message("# SKIP fixture %s absent (../shared/fixtures)\n", rel); \
			skip();                                                          \
		}                                                                        \
	} while (0)

/* Read a whole file into a malloc'd buffer; fails the test on error. */
unsigned char *slurp(const char *path, size_t *len);

/* ---- database tests (tests/unit/db, tests/unit/match) ---- */
struct err;

/* cmocka state: a fresh directory under /tmp and a database path in it. */
struct test_tmp {
	char dir[64];
	char db[128];
};
int test_tmp_setup(void **state);    /* *state = a struct test_tmp */
int test_tmp_teardown(void **state); /* removes the directory */
/* tests/data/feeds/REL under VIGIL_SOURCE_ROOT (malloc'd). */
char *test_feed_path(const char *rel);
/* Imports one feed file or directory into db (vdb_import_files). */
int test_import1(const char *db, const char *feed, struct err *e);
/* Imports tests/data/feeds/REL1 (and REL2 when not NULL); fails the test on error. */
void test_import_feeds(const char *db, const char *rel1, const char *rel2);
/* One query's rows as "col|col\n" lines ("NULL" for nulls), for exact comparisons. */
char *test_query(const char *db, const char *sql);
void test_assert_query(const char *db, const char *sql, const char *want);
/* "sha256:<hex>" of a file's bytes. */
void test_file_digest(const char *path, char out[72]);

/* ---- matcher tests: findings compared as sets of lines ---- */
struct findings;
struct inventory;
struct vuln_finding;
struct test_want {
	const char *pkg, *id, *installed, *fixed, *status, *severity;
};
/* Fails unless f holds exactly the findings w[0..n) ("pkg id installed
 * fixed status severity", in any order). */
void test_assert_findings(const struct findings *f, const struct inventory *inv, const struct test_want *w, size_t n);
/* The finding of package pkg at installed version; fails the test if none. */
const struct vuln_finding *test_find_finding(const struct findings *f, const struct inventory *inv, const char *pkg,
					     const char *installed);

#endif
