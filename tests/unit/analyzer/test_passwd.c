/* The account-file analyzer keeps the text of etc/passwd, etc/group and
 * etc/shadow; hostile files (NUL bytes, over the cap) are refused with a
 * reason, never half-kept. */
#include "analyzer/analyzer.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *path, const char *data, size_t n, bool truncated, struct analysis *a, struct err *e)
{
	memset(a, 0, sizeof *a);
	struct analyzer_input in = {path, (const unsigned char *)data, n, truncated};
	return analyzer_passwd.parse(&in, a, e);
}

static void test_match(void **state)
{
	(void)state;
	assert_true(analyzer_passwd.match("etc/passwd"));
	assert_true(analyzer_passwd.match("etc/group"));
	assert_true(analyzer_passwd.match("etc/shadow"));
	assert_false(analyzer_passwd.match("etc/passwd-"));
	assert_false(analyzer_passwd.match("usr/etc/passwd"));
}

static void test_keeps_text(void **state)
{
	(void)state;
	struct analysis a;
	struct err e = {{0}};
	const char *t = "root:x:0:0:root:/root:/bin/sh\n";
	assert_int_equal(parse("etc/passwd", t, strlen(t), false, &a, &e), 0);
	assert_string_equal(a.text, t);
	analysis_clear(&a);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct analysis a;
	struct err e = {{0}};
	const char nul[] = "root:x:0:0\0evil";
	assert_int_equal(parse("etc/passwd", nul, sizeof nul - 1, false, &a, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	assert_null(a.text);
	analysis_clear(&a);
	const char *t = "root:x:0:0:root:/root:/bin/sh\n";
	assert_int_equal(parse("etc/shadow", t, strlen(t), true, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cap"));
	assert_null(a.text);
	analysis_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_keeps_text),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
