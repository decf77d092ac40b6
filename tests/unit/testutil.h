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

#endif
