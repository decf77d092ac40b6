#include "testutil.h"
#include "util/strmap.h"
#include "util/util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void check_norm(const char *in, const char *want)
{
	char *got = path_normalize(in);
	if (!want) {
		if (got)
			fail_msg("path_normalize(%s) = %s, want NULL", in, got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_path_normalize(void **state)
{
	(void)state;
	check_norm("etc/passwd", "etc/passwd");
	check_norm("./etc/passwd", "etc/passwd");
	check_norm("/etc//passwd", "etc/passwd");
	check_norm("etc/./x/../passwd", "etc/passwd");
	check_norm("./", "");
	check_norm("/", "");
	check_norm("a/b/", "a/b");
	check_norm("../etc/passwd", NULL);
	check_norm("a/../../etc", NULL);
	check_norm("/../etc", NULL);
	check_norm("a/..", "");
	check_norm("...", "...");
	check_norm("a/..b", "a/..b");
}

static void test_path_helpers(void **state)
{
	(void)state;
	assert_string_equal(path_base("a/b/c"), "c");
	assert_string_equal(path_base("c"), "c");
	assert_true(path_is_under("a/b", "a"));
	assert_true(path_is_under("a", "a"));
	assert_false(path_is_under("ab", "a"));
	assert_true(path_is_under("x", ""));
}

static void test_utf8_sanitize(void **state)
{
	(void)state;
	char *s = utf8_sanitize("ok \xc3\xa9 \xff\x1b[31m");
	assert_string_equal(s, "ok \xc3\xa9 \\xff\\x1b[31m");
	free(s);
	s = utf8_sanitize("\xed\xa0\x80"); /* a surrogate: invalid in UTF-8 */
	assert_string_equal(s, "\\xed\\xa0\\x80");
	free(s);
}

static void test_strmap(void **state)
{
	(void)state;
	struct strmap m = {0};
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		*strmap_put(&m, key) = (void *)(intptr_t)(i + 1);
	}
	assert_int_equal(m.len, 5000);
	for (int i = 0; i < 5000; i += 2) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal((intptr_t)strmap_del(&m, key), i + 1);
	}
	assert_int_equal(m.len, 2500);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		void *v = strmap_get(&m, key);
		if (i % 2)
			assert_int_equal((intptr_t)v, i + 1);
		else
			assert_null(v);
	}
	size_t it = 0, n = 0;
	while (strmap_next(&m, &it, NULL, NULL))
		n++;
	assert_int_equal(n, 2500);
	strmap_free(&m, NULL);
}

static void test_sha256(void **state)
{
	(void)state;
	char d[72];
	sha256_digest_of("abc", 3, d);
	assert_string_equal(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_normalize),
		cmocka_unit_test(test_path_helpers),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
