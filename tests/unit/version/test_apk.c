/* apk comparator against apk-tools' own test corpus (apk-version.data) and
 * osv-scalibr's Alpine corpus. Every line is checked, including apk's fuzzy
 * operators ("~", "<~", ">~", "!~") and validity lines ("V", "!V"). */
#include "testutil.h"

#include "corpus.h"
#include "util/util.h"
#include "version/version.h"

#include <string.h>

struct apk_counts {
	size_t cmp, fuzzy, valid, invalid;
};

/* apk's vertest: op is a set of '<' '>' '=' '~' chars, optionally led by '!'
 * (inverts the result); '~' means fuzzy compare and implies '='. */
static bool apk_op_holds(const char *a, const char *op, const char *b, bool *fuzzy_out, int lineno)
{
	bool invert = false, lt = false, gt = false, eq = false, fuzzy = false;
	if (*op == '!') {
		invert = true;
		op++;
	}
	for (const char *p = op; *p; p++) {
		switch (*p) {
		case '<': lt = true; break;
		case '>': gt = true; break;
		case '=': eq = true; break;
		case '~': fuzzy = eq = true; break;
		default: fail_msg("line %d: bad operator '%s'", lineno, op);
		}
	}
	int r = fuzzy ? version_cmp_apk_fuzzy(a, b) : version_cmp_apk(a, b);
	bool ok = (r < 0 && lt) || (r > 0 && gt) || (r == 0 && eq);
	*fuzzy_out = fuzzy;
	return invert ? !ok : ok;
}

static void check_apk_line(void *ctx, const struct corpus_line *l)
{
	struct apk_counts *c = ctx;
	if (l->nf == 1) {
		const char *v = l->f[0];
		bool want = true;
		if (*v == '!') {
			want = false;
			v++;
		}
		if (version_valid_apk(v) != want)
			fail_msg("line %d: '%s' should be %s", l->lineno, v, want ? "valid" : "invalid");
		if (want)
			c->valid++;
		else
			c->invalid++;
		return;
	}
	bool fuzzy;
	if (!apk_op_holds(l->f[0], l->f[1], l->f[2], &fuzzy, l->lineno))
		fail_msg("line %d: %s %s %s does not hold (cmp=%d)", l->lineno, l->f[0], l->f[1], l->f[2],
			 version_cmp_apk(l->f[0], l->f[2]));
	if (fuzzy) {
		c->fuzzy++;
		return;
	}
	/* Plain comparisons must also hold the other way round. */
	assert_int_equal(version_cmp_apk(l->f[2], l->f[0]), -version_cmp_apk(l->f[0], l->f[2]));
	c->cmp++;
}

static void test_apk_tools_corpus(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(path, "versions/apk-version.data");
	struct apk_counts c = {0};
	corpus_each(path, check_apk_line, &c);
	print_message("# apk-version.data: %zu comparisons, %zu fuzzy, %zu valid, %zu invalid\n", c.cmp,
		      c.fuzzy, c.valid, c.invalid);
	/* Floors near the current file so a parse that silently drops lines fails. */
	assert_true(c.cmp >= 700);
	assert_true(c.fuzzy >= 16);
	assert_true(c.valid >= 5);
	assert_true(c.invalid >= 20);
}

/* Lines of osv-scalibr's Alpine corpus where osv-scalibr's own comparator
 * (a regex re-implementation, partly modelled on apk 2.x) disagrees with
 * apk-tools' current tokenizer, whose own test data (apk-version.data, all
 * lines passing above) pins the rules involved. We follow apk-tools and
 * check these lines against apk's answer instead; if the fixture changes,
 * the stale entry fails the test so the list is reviewed again. */
static const struct {
	const char *a, *op, *b;
	int apk;
	const char *why;
} osv_divergent[] = {
	{"1-r", "=", "1-r0", -1, "\"-r\" without digits is invalid (apk data: !0.1-r); invalid ranks below -r0"},
	{"0..1..0", "<", "0..1..1", 0, "both invalid at the empty group after \"0.\"; equal before it"},
	{"0...1...0", "<", "0...1...1", 0, "both invalid at the empty group after \"0.\""},
	{"0...1...0.r1", "<", "0...1...0.r2", 0, "both invalid at the empty group after \"0.\""},
	{"0...1...0r1", "<", "0...1...0r2", 0, "both invalid at the empty group after \"0.\""},
	{"0..8", ">", "0...8", 0, "both invalid at the empty group after \"0.\""},
	{"0.8.21.r2", ">", "0.8.21.r1", 0, "\".\" must be followed by digits: both invalid at \".r\""},
	{"6.6.2p1", "<", "6.6.2p2", 0, "no digit may follow the letter (apk data: !0.1a1); both invalid there"},
	{"1-r0-1", "=", "1-r-2", 1, "\"1-r-2\" turns invalid at the revision, \"1-r0-1\" only after it"},
	{".2", ">", ".1", 0, "no leading digit: both invalid at the first token"},
	{"a", "<", "b", 0, "no leading digit: both invalid at the first token"},
	{"c", ">", "b", 0, "no leading digit: both invalid at the first token"},
};

struct osv_counts {
	size_t plain, divergent;
	bool seen[ARRAY_LEN(osv_divergent)];
};

static void check_osv_line(void *ctx, const struct corpus_line *l)
{
	struct osv_counts *c = ctx;
	if (l->nf != 3)
		fail_msg("line %d: expected 'A op B'", l->lineno);
	int r = version_cmp_apk(l->f[0], l->f[2]);
	assert_int_equal(version_cmp_apk(l->f[2], l->f[0]), -r);
	for (size_t i = 0; i < ARRAY_LEN(osv_divergent); i++) {
		if (strcmp(osv_divergent[i].a, l->f[0]) || strcmp(osv_divergent[i].op, l->f[1]) ||
		    strcmp(osv_divergent[i].b, l->f[2]))
			continue;
		if (r != osv_divergent[i].apk)
			fail_msg("line %d: %s vs %s: apk gives %d, we give %d", l->lineno, l->f[0], l->f[2],
				 osv_divergent[i].apk, r);
		/* Stale entry: the fixture line now agrees with apk. */
		assert_false(corpus_op_holds(l->f[1], r, l->lineno));
		c->seen[i] = true;
		c->divergent++;
		return;
	}
	if (!corpus_op_holds(l->f[1], r, l->lineno))
		fail_msg("line %d: %s %s %s does not hold (cmp=%d)", l->lineno, l->f[0], l->f[1], l->f[2], r);
	c->plain++;
}

static void test_osv_alpine_corpus(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(path, "versions/osv-scalibr-alpine-versions.txt");
	struct osv_counts c = {0};
	corpus_each(path, check_osv_line, &c);
	print_message("# osv-scalibr-alpine-versions.txt: %zu lines agree, %zu checked against apk's "
		      "answer where osv-scalibr differs\n",
		      c.plain, c.divergent);
	assert_true(c.plain >= 700);
	for (size_t i = 0; i < ARRAY_LEN(osv_divergent); i++)
		if (!c.seen[i])
			fail_msg("divergence entry %s %s %s not found in the fixture", osv_divergent[i].a,
				 osv_divergent[i].op, osv_divergent[i].b);
}

/* Hand-picked cases that pin the rules the corpora only touch lightly. */
static void test_apk_rules(void **state)
{
	(void)state;
	/* pre-release suffixes below none, post-release above */
	assert_int_equal(version_cmp_apk("1.0_alpha", "1.0"), -1);
	assert_int_equal(version_cmp_apk("1.0_rc9", "1.0"), -1);
	assert_int_equal(version_cmp_apk("1.0_p1", "1.0"), 1);
	assert_int_equal(version_cmp_apk("1.0_git20240101", "1.0_p1"), -1);
	assert_int_equal(version_cmp_apk("1.0_alpha", "1.0_beta"), -1);
	/* revision */
	assert_int_equal(version_cmp_apk("1.0-r10", "1.0-r9"), 1);
	/* END ranks after REVISION_NO in the grammar, so it is the older one */
	assert_int_equal(version_cmp_apk("1.0", "1.0-r0"), -1);
	/* zero-led groups compare as strings */
	assert_int_equal(version_cmp_apk("1.05", "1.1"), -1);
	assert_int_equal(version_cmp_apk("1.010", "1.01"), 1);
	/* commit hashes: string order */
	assert_int_equal(version_cmp_apk("1.0~abc", "1.0~abd"), -1);
	/* 64-bit numbers */
	assert_int_equal(version_cmp_apk("18446744073709551615", "18446744073709551614"), 1);
	/* invalid tails stop the comparison; equal prefixes make them equal */
	assert_int_equal(version_cmp_apk("1.0bc", "1.0bd"), 0);
	assert_int_equal(version_cmp_apk("", ""), 0);
	assert_int_equal(version_cmp_apk(NULL, NULL), 0);
	assert_int_equal(version_cmp_apk(NULL, "1"), -1);
	assert_int_equal(version_cmp_apk("1", NULL), 1);
	assert_false(version_valid_apk(NULL));
	assert_false(version_valid_apk(""));
	assert_false(version_valid_apk("1.0-r1-r2"));
	assert_false(version_valid_apk("1.0_pa"));
	assert_false(version_valid_apk("1.0~ABC")); /* upper-case hex is not apk hex */
	assert_true(version_valid_apk("1.2.3a_rc1_p2~deadbeef-r7"));
	/* fuzzy: prefix match */
	assert_int_equal(version_cmp_apk_fuzzy("1.2.3", "1.2"), 0);
	assert_int_equal(version_cmp_apk_fuzzy("1.2", "1.2.3"), -1);
	assert_int_equal(version_cmp_apk_fuzzy(NULL, "1"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apk_tools_corpus),
		cmocka_unit_test(test_osv_alpine_corpus),
		cmocka_unit_test(test_apk_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
