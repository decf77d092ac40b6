/* Python analyzer: which files are installed distributions' metadata, how
 * the RFC 822-style header block is read (continuation lines, case of keys,
 * first occurrence wins, the body never read), the license rules, and
 * hostile input refused with one short reason. */
#include "analyzer/analyzer.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static int parse_n(const char *data, size_t n, bool truncated, struct analysis *a, struct err *e)
{
	memset(a, 0, sizeof *a);
	memset(e, 0, sizeof *e);
	struct analyzer_input in = {"usr/lib/python3/dist-packages/x-1.dist-info/METADATA",
				    (const unsigned char *)data, n, truncated};
	return analyzer_python.parse(&in, a, e);
}

static int parse(const char *text, struct analysis *a, struct err *e)
{
	return parse_n(text, strlen(text), false, a, e);
}

static void test_match(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
		"usr/lib/python3/dist-packages/chardet-5.1.0.dist-info/METADATA",
		"usr/local/lib/python3.12/site-packages/pip-24.0.dist-info/METADATA",
		"opt/venv/lib/python3.11/site-packages/six-1.16.0.egg-info",
		"x.dist-info/METADATA",
		"x.egg-info",
	};
	static const char *const no[] = {
		"METADATA",
		"PKG-INFO",
		".dist-info/METADATA",
		"a/.egg-info/PKG-INFO",
		"a/.egg-info",
		"a/x.dist-info/RECORD",
		"a/x.dist-info/METADATA.bak",
		"a/x.egg-info/METADATA",
		"a/x.dist-info/PKG-INFO",
		"a/x.dist-info/sub/METADATA",
		"a/x.egg-info.bak",
		"a/xdist-info/METADATA",
	};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (!analyzer_python.match(yes[i]))
			print_message("# should match: %s\n", yes[i]);
		assert_true(analyzer_python.match(yes[i]));
	}
	for (size_t i = 0; i < ARRAY_LEN(no); i++) {
		if (analyzer_python.match(no[i]))
			print_message("# should not match: %s\n", no[i]);
		assert_false(analyzer_python.match(no[i]));
	}
}

static void expect_pkg(const char *text, const char *name, const char *version, const char *license)
{
	struct analysis a;
	struct err e;
	int rc = parse(text, &a, &e);
	if (rc)
		print_message("# error: %s\n", e.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(a.pkgs.len, 1);
	const struct pkg *p = &a.pkgs.v[0];
	assert_int_equal(p->type, PKG_PYPI);
	assert_string_equal(p->name, name);
	assert_string_equal(p->version, version);
	if (license)
		assert_string_equal(p->license, license);
	else
		assert_null(p->license);
	analysis_clear(&a);
}

static void test_fields(void **state)
{
	(void)state;
	/* Debian's requests egg-info, trimmed */
	expect_pkg("Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\nSummary: Python HTTP for Humans.\n"
		   "License: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License\n"
		   "Requires-Python: >=3.7, <4\n\nRequests\n========\nName: not-this\n",
		   "requests", "2.28.1", "Apache 2.0");
	/* CRLF line ends, keys in any case, no space after the colon */
	expect_pkg("metadata-version: 2.1\r\nNAME:PyYAML\r\nversion:   6.0.1  \r\n\r\n", "PyYAML", "6.0.1", NULL);
	/* the first Name wins (email.message) */
	expect_pkg("Name: first\nName: second\nVersion: 1\n", "first", "1", NULL);
	/* License-Expression (PEP 639) over License */
	expect_pkg("Name: x\nVersion: 1.0\nLicense: MIT License\nLicense-Expression: MIT OR Apache-2.0\n", "x", "1.0",
		   "MIT OR Apache-2.0");
	/* UNKNOWN and a folded license text fall back to the classifier */
	expect_pkg("Name: x\nVersion: 1.0\nLicense: UNKNOWN\nClassifier: Programming Language :: Python\n"
		   "Classifier: License :: OSI Approved :: BSD License\nClassifier: License :: Other\n",
		   "x", "1.0", "BSD License");
	expect_pkg("Name: x\nVersion: 1.0\nLicense: Copyright (c) 2020 Someone\n        Permission is hereby granted, free\n"
		   "        of charge, to any person\nClassifier: License :: OSI Approved :: MIT License\n",
		   "x", "1.0", "MIT License");
	/* a continuation line of a license name is unfolded */
	expect_pkg("Name: x\nVersion: 2\nLicense-Expression: MIT\n  OR Apache-2.0\n", "x", "2", "MIT OR Apache-2.0");
	/* no blank line: the body starts at the first line that is no header */
	expect_pkg("Name: x\nVersion: 3\nThis is the description\nLicense: MIT\n", "x", "3", NULL);
	/* a body of arbitrary (non-UTF-8, NUL-holding) bytes is never read */
	static const char with_body[] = "Name: x\nVersion: 4\n\nbody \xff\xfe\0\x01 after";
	struct analysis a;
	struct err e;
	assert_int_equal(parse_n(with_body, sizeof with_body - 1, false, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	analysis_clear(&a);
	/* non-UTF-8 in a header we keep is kept as bytes (reports escape it) */
	expect_pkg("Name: x\nVersion: 5\nLicense: Lizenz f\xfcr alle\n", "x", "5", "Lizenz f\xfcr alle");
	/* a header block cut by the cap is fine when it ended before the cut */
	const char *cut = "Name: x\nVersion: 6\n\nlong description";
	assert_int_equal(parse_n(cut, strlen(cut), true, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	analysis_clear(&a);
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
		{"", "no Name header"},
		{"Metadata-Version: 2.1\nVersion: 1.0\n", "no Name header"},
		{"Name: x\nSummary: no version\n", "no Version header"},
		{"Name: x\nVersion:\n", "no Version header"},
		{"\nName: x\nVersion: 1\n", "no Name header"},
		{"Name: x y\nVersion: 1\n", "PEP 508"},
		{"Name: -x\nVersion: 1\n", "PEP 508"},
		{"Name: x\nVersion: 1 2\n", "version with"},
		{"Name: x\nVersion: 1\xff\n", "version with"},
		{"\x89PNG\r\n\x1a\n", "no Name header"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		expect_error(cases[i][0], strlen(cases[i][0]), false, cases[i][1]);
	static const char nul[] = "Name: x\0y\nVersion: 1\n";
	expect_error(nul, sizeof nul - 1, false, "NUL");
	/* a header block that does not end within the cap */
	const char *open = "Name: x\nVersion: 1\nClassifier: a";
	expect_error(open, strlen(open), true, "cap");
}

static void test_long_header_block(void **state)
{
	(void)state;
	/* 20,000 continuation lines: linear work, a license text, classifier used */
	struct buf b = {0};
	buf_appendf(&b, "Name: big\nVersion: 1.0\nLicense: text\n");
	for (int i = 0; i < 20000; i++)
		buf_appendf(&b, "  line %d of the license\n", i);
	buf_appendf(&b, "Classifier: License :: OSI Approved :: ISC License (ISCL)\n\n");
	struct analysis a;
	struct err e;
	assert_int_equal(parse_n((const char *)b.data, b.len, false, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	assert_string_equal(a.pkgs.v[0].license, "ISC License (ISCL)");
	analysis_clear(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_long_header_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
