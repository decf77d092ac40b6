/* npm analyzer: which package.json files are installed packages, and what a
 * package.json says (name, version, license in its three shapes); hostile
 * files (not JSON, not an object, deep, huge, wrong types) are refused with
 * one short reason and leave no package behind. */
#include "analyzer/analyzer.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static int parse_n(const char *data, size_t n, bool truncated, struct analysis *a, struct err *e)
{
	memset(a, 0, sizeof *a);
	memset(e, 0, sizeof *e);
	struct analyzer_input in = {"node_modules/x/package.json", (const unsigned char *)data, n, truncated};
	return analyzer_npm.parse(&in, a, e);
}

static int parse(const char *json, struct analysis *a, struct err *e)
{
	return parse_n(json, strlen(json), false, a, e);
}

static void test_match(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"node_modules/lodash/package.json",
		"app/node_modules/lodash/package.json",
		"app/node_modules/@babel/core/package.json",
		"usr/local/lib/node_modules/npm/node_modules/abbrev/package.json",
		"app/node_modules/.pnpm/ms@2.1.3/node_modules/ms/package.json",
		"usr/share/nodejs/lodash/package.json",
		"usr/share/nodejs/@types/node/package.json",
		"usr/lib/nodejs/ws/package.json",
		"usr/lib/x86_64-linux-gnu/nodejs/iconv/package.json",
		"usr/share/nodejs/debug/node_modules/ms/package.json",
	};
	static const char *const no[] = {
		"package.json",
		"app/package.json",
		"node_modules/package.json",
		"node_modules/lodash/lib/package.json",
		"node_modules/@babel/package.json",
		"node_modules/.bin/package.json",
		"node_modules/@/x/package.json",
		"node_modules/lodash/package.json.bak",
		"node_modules/lodash/xpackage.json",
		"usr/share/nodejs/package.json",
		"usr/share/nodejs/lodash/fp/package.json",
		"usr/lib/a/b/nodejs/x/package.json",
		"usr/lib//nodejs/x/package.json",
		"opt/nodejs/x/package.json",
		"my_node_modules/x/package.json",
	};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (!analyzer_npm.match(yes[i]))
			print_message("# should match: %s\n", yes[i]);
		assert_true(analyzer_npm.match(yes[i]));
	}
	for (size_t i = 0; i < ARRAY_LEN(no); i++) {
		if (analyzer_npm.match(no[i]))
			print_message("# should not match: %s\n", no[i]);
		assert_false(analyzer_npm.match(no[i]));
	}
	/* and the registry hands package.json files to npm only */
	const struct analyzer *want[8];
	size_t n = analyzers_matching("app/node_modules/@babel/core/package.json", want, ARRAY_LEN(want));
	assert_int_equal(n, 1);
	assert_ptr_equal(want[0], &analyzer_npm);
}

static void expect_one(const char *json, const char *name, const char *version, const char *license)
{
	struct analysis a;
	struct err e;
	assert_int_equal(parse(json, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	const struct pkg *p = &a.pkgs.v[0];
	assert_int_equal(p->type, PKG_NPM);
	assert_string_equal(p->name, name);
	assert_string_equal(p->version, version);
	if (license)
		assert_string_equal(p->license, license);
	else
		assert_null(p->license);
	assert_null(p->src_name);
	analysis_clear(&a);
}

static void test_fields(void **state)
{
	(void)state;
	expect_one("{\"name\":\"lodash\",\"version\":\"4.17.21\",\"license\":\"MIT\",\"dependencies\":{\"x\":\"^1\"}}",
		   "lodash", "4.17.21", "MIT");
	/* scoped */
	expect_one("{\"name\":\"@babel/core\",\"version\":\"7.24.0\",\"license\":\"MIT\"}", "@babel/core", "7.24.0",
		   "MIT");
	/* legacy license object */
	expect_one("{\"name\":\"angular\",\"version\":\"4.1.2\",\"license\":{\"type\":\"ISC\",\"url\":\"u\"}}",
		   "angular", "4.1.2", "ISC");
	/* legacy licenses[] of objects and strings: npm's "(A OR B)" */
	expect_one("{\"name\":\"tv4\",\"version\":\"1.3.0\",\"licenses\":[{\"type\":\"Public Domain\"},{\"type\":\"MIT\"}]}",
		   "tv4", "1.3.0", "Public Domain OR MIT");
	expect_one("{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":[\"MIT\",\"Apache-2.0\"]}", "x", "1.0.0",
		   "MIT OR Apache-2.0");
	/* license of a wrong type, or an object without type: none */
	expect_one("{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":42}", "x", "1.0.0", NULL);
	expect_one("{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":{\"url\":\"u\"}}", "x", "1.0.0", NULL);
	expect_one("{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":null}", "x", "1.0.0", NULL);
	/* a prerelease/build version and a UTF-8 BOM (node strips it) */
	expect_one("\xef\xbb\xbf{\"name\":\"semver\",\"version\":\"7.3.5-rc.1+b2\"}", "semver", "7.3.5-rc.1+b2", NULL);
	/* duplicate keys: the last one wins, as JSON.parse */
	expect_one("{\"name\":\"a\",\"version\":\"1.0.0\",\"version\":\"2.0.0\"}", "a", "2.0.0", NULL);
}

static void expect_none(const char *json)
{
	struct analysis a;
	struct err e;
	assert_int_equal(parse(json, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	assert_string_equal(e.msg, "");
	analysis_clear(&a);
}

static void test_not_a_package(void **state)
{
	(void)state;
	/* name and version are optional in package.json: nothing to report */
	expect_none("{\"name\":\"x\"}");
	expect_none("{\"version\":\"1.0.0\"}");
	expect_none("{\"name\":\"x\",\"version\":\"\"}");
	expect_none("{\"name\":\"x\",\"version\":null}");
	expect_none("{}");
}

static void expect_error(const char *data, size_t n, bool truncated, const char *reason)
{
	struct analysis a;
	struct err e;
	assert_int_equal(parse_n(data, n, truncated, &a, &e), -1);
	if (!strstr(e.msg, reason))
		print_message("# got '%s'\n", e.msg);
	assert_non_null(strstr(e.msg, reason));
	assert_true(strlen(e.msg) < 200);
	assert_int_equal(a.pkgs.len, 0);
	analysis_clear(&a);
}

static void test_bad_input(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{"", "not JSON"},
		{"{\"name\":\"x\",", "not JSON"},
		{"[1,2]", "not a JSON object"},
		{"\"lodash\"", "not a JSON object"},
		{"{\"name\":\"x\",\"version\":1}", "\"version\" is not a string"},
		{"{\"name\":[\"x\"],\"version\":\"1\"}", "\"name\" is not a string"},
		{"{\"name\":\"a b\",\"version\":\"1\"}", "npm does not allow"},
		{"{\"name\":\"../../etc\",\"version\":\"1\"}", "npm does not allow"},
		{"{\"name\":\"x\",\"version\":\"1\\n2\"}", "control characters"},
		{"{\"name\":\"x\\u0000y\",\"version\":\"1\"}", "not JSON"},
		{"{\"name\":\"\xff\",\"version\":\"1\"}", "not JSON"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		expect_error(cases[i][0], strlen(cases[i][0]), false, cases[i][1]);
	/* NUL bytes in the file */
	expect_error("{\"name\":\"x\"}\0junk", 17, false, "not JSON");
	/* over the cap: refused, not parsed from a prefix */
	const char *ok = "{\"name\":\"x\",\"version\":\"1.0.0\"}";
	expect_error(ok, strlen(ok), true, "cap");
	/* deep nesting: jansson's depth limit, no stack exhaustion */
	size_t depth = 100000;
	char *deep = malloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = 0;
	expect_error(deep, 2 * depth, false, "not JSON");
	free(deep);
}

static void test_huge(void **state)
{
	(void)state;
	/* A 3 MiB readme field (old npm copied READMEs in): still parsed. */
	size_t n = 3u << 20;
	struct buf b = {0};
	buf_appendf(&b, "{\"name\":\"big\",\"version\":\"1.0.0\",\"readme\":\"");
	char *fill = malloc(n);
	memset(fill, 'a', n);
	buf_append(&b, fill, n);
	free(fill);
	buf_appendf(&b, "\"}");
	assert_true(b.len < analyzer_npm.max_bytes);
	struct analysis a;
	struct err e;
	assert_int_equal(parse_n((const char *)b.data, b.len, false, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	assert_string_equal(a.pkgs.v[0].name, "big");
	analysis_clear(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),	   cmocka_unit_test(test_fields), cmocka_unit_test(test_not_a_package),
		cmocka_unit_test(test_bad_input), cmocka_unit_test(test_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
