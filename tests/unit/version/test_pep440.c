/* PyPI comparator (PEP 440 as packaging.version.Version orders it):
 * packaging's own test corpus, hand-picked rules, and a property test
 * against packaging itself (Debian's python3-packaging) on generated
 * pairs. */
#include "testutil.h"

#include "corpus.h"
#include "lang_oracle.h"
#include "util/util.h"
#include "version/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROPERTY_PAIRS 200000
#define MIN_BOTH_VALID 100000
/* Debian's interpreter, where python3-packaging is installed (a python3
 * earlier on PATH, e.g. pyenv's, may not have it). */
#define PYTHON "/usr/bin/python3"

struct corpus {
	char *sorted[256];
	size_t nsorted, ninvalid, nequal;
};

static void read_line(void *ctx, int lineno, char **f, int nf)
{
	struct corpus *c = ctx;
	if (nf == 2 && !strcmp(f[0], "sorted") && c->nsorted < ARRAY_LEN(c->sorted)) {
		c->sorted[c->nsorted++] = xstrdup(f[1]);
	} else if (nf == 2 && !strcmp(f[0], "invalid")) {
		if (version_valid_pep440(f[1]))
			fail_msg("line %d: '%s' is invalid to packaging", lineno, f[1]);
		c->ninvalid++;
	} else if (nf == 3) {
		if (!corpus_op_holds(f[1], version_cmp_pep440(f[0], f[2]), lineno))
			fail_msg("line %d: '%s' %s '%s' does not hold", lineno, f[0], f[1], f[2]);
		c->nequal++;
	} else {
		fail_msg("packaging-versions.tsv:%d: unexpected line", lineno);
	}
}

static void test_packaging_corpus(void **state)
{
	(void)state;
	char *path = lang_corpus_path("packaging-versions.tsv");
	struct corpus c = {.nsorted = 0};
	tsv_each(path, read_line, &c);
	/* VERSIONS is in sorting order: every pair, both ways. */
	for (size_t i = 0; i < c.nsorted; i++) {
		assert_true(version_valid_pep440(c.sorted[i]));
		for (size_t k = 0; k < c.nsorted; k++) {
			int want = (i > k) - (i < k), got = version_cmp_pep440(c.sorted[i], c.sorted[k]);
			if (got != want)
				fail_msg("'%s' vs '%s': %d, want %d", c.sorted[i], c.sorted[k], got, want);
		}
	}
	print_message("# packaging test_version.py: %zu sorted versions (%zu pairs), %zu invalid, %zu equalities\n",
		      c.nsorted, c.nsorted * c.nsorted, c.ninvalid, c.nequal);
	assert_true(c.nsorted >= 90 && c.ninvalid >= 15 && c.nequal >= 90);
	for (size_t i = 0; i < c.nsorted; i++)
		free(c.sorted[i]);
	free(path);
}

static void test_pep440_rules(void **state)
{
	(void)state;
	assert_int_equal(version_cmp_pep440("1.0", "1.0.0.0"), 0);
	assert_int_equal(version_cmp_pep440("1.0-alpha1", "1.0a1"), 0);
	assert_int_equal(version_cmp_pep440("1.0.post", "1.0.post0"), 0);
	assert_int_equal(version_cmp_pep440("1.0-1", "1.0.post1"), 0);
	assert_int_equal(version_cmp_pep440("1.0.dev1", "1.0a1"), -1);
	assert_int_equal(version_cmp_pep440("1.0a1.dev1", "1.0a1"), -1);
	assert_int_equal(version_cmp_pep440("1.0", "1.0+local"), -1);
	assert_int_equal(version_cmp_pep440("1!0.1", "2.0"), 1);
	assert_int_equal(version_cmp_pep440("1.0.99999999999999999999999", "1.0.99999999999999999999998"), 1);
	/* The regex takes "-1" as the pre-release number, not a post-release. */
	assert_int_equal(version_cmp_pep440("1.0a-1", "1.0a1"), 0);
	/* Invalid: below every valid version, strcmp among themselves. */
	assert_false(version_valid_pep440("2.0.0-custom"));
	assert_false(version_valid_pep440(""));
	assert_false(version_valid_pep440("1.0.po\xc5\xbft1")); /* U+017F: packaging accepts, vigil does not */
	assert_int_equal(version_cmp_pep440("french toast", "0.0.dev0"), -1);
	assert_int_equal(version_cmp_pep440("bad a", "bad b"), -1);
	assert_int_equal(version_cmp_pep440(NULL, "1"), -1);
	assert_int_equal(version_cmp("pep440", "2.31.0", "2.30.0"), 1);
}

/* ---- generator ---- */

static void put(char *out, size_t cap, size_t *n, const char *s)
{
	size_t l = strlen(s);
	if (*n + l < cap) {
		memcpy(out + *n, s, l);
		*n += l;
		out[*n] = '\0';
	}
}

static void gen_number(struct rng *r, char *out, size_t cap, size_t *n)
{
	if (rng_below(r, 50) == 0) {
		put(out, cap, n, rng_below(r, 2) ? "123456789012345678901234567890" : "000");
		return;
	}
	if (rng_below(r, 8) == 0)
		put(out, cap, n, "0");
	char d[2] = {(char)('0' + rng_below(r, rng_below(r, 3) ? 3 : 10)), '\0'};
	put(out, cap, n, d);
}

static const char *pick(struct rng *r, const char *const *v, size_t n)
{
	return v[rng_below(r, (unsigned)n)];
}

static void gen_sep(struct rng *r, char *out, size_t cap, size_t *n)
{
	static const char *const seps[] = {"", "", ".", "-", "_"};
	put(out, cap, n, pick(r, seps, ARRAY_LEN(seps)));
}

static void gen_pep440(struct rng *r, char *out, size_t cap)
{
	static const char *const blanks[] = {" ", "\t", "\n", "\x1f", "\v"};
	size_t n = 0;
	out[0] = '\0';
	if (rng_below(r, 30) == 0)
		put(out, cap, &n, pick(r, blanks, ARRAY_LEN(blanks)));
	if (rng_below(r, 15) == 0)
		put(out, cap, &n, rng_below(r, 2) ? "v" : "V");
	if (rng_below(r, 10) == 0) {
		gen_number(r, out, cap, &n);
		put(out, cap, &n, "!");
	}
	unsigned parts = 1 + rng_below(r, 4);
	for (unsigned i = 0; i < parts; i++) {
		if (i)
			put(out, cap, &n, ".");
		gen_number(r, out, cap, &n);
	}
	if (rng_below(r, 3) == 0) {
		static const char *const pre[] = {"a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "RC", "Alpha"};
		gen_sep(r, out, cap, &n);
		put(out, cap, &n, pick(r, pre, ARRAY_LEN(pre)));
		gen_sep(r, out, cap, &n);
		if (rng_below(r, 3))
			gen_number(r, out, cap, &n);
	}
	if (rng_below(r, 4) == 0) {
		static const char *const post[] = {"post", "rev", "r", "POST"};
		if (rng_below(r, 3) == 0) {
			put(out, cap, &n, "-");
			gen_number(r, out, cap, &n);
		} else {
			gen_sep(r, out, cap, &n);
			put(out, cap, &n, pick(r, post, ARRAY_LEN(post)));
			gen_sep(r, out, cap, &n);
			if (rng_below(r, 3))
				gen_number(r, out, cap, &n);
		}
	}
	if (rng_below(r, 4) == 0) {
		gen_sep(r, out, cap, &n);
		put(out, cap, &n, rng_below(r, 5) ? "dev" : "DEV");
		gen_sep(r, out, cap, &n);
		if (rng_below(r, 3))
			gen_number(r, out, cap, &n);
	}
	if (rng_below(r, 6) == 0) {
		static const char *const local[] = {"abc", "1", "Ubuntu", "0", "deb12", "x"};
		put(out, cap, &n, "+");
		unsigned k = 1 + rng_below(r, 3);
		for (unsigned i = 0; i < k; i++) {
			if (i)
				gen_sep(r, out, cap, &n);
			put(out, cap, &n, pick(r, local, ARRAY_LEN(local)));
		}
	}
	if (rng_below(r, 30) == 0)
		put(out, cap, &n, pick(r, blanks, ARRAY_LEN(blanks)));
	if (rng_below(r, 40) == 0) {
		static const char hostile[] = "+!_- .~";
		size_t at = rng_below(r, (unsigned)n + 1);
		if (n + 1 < cap) {
			memmove(out + at + 1, out + at, n - at + 1);
			out[at] = hostile[rng_below(r, sizeof hostile - 1)];
			n++;
		}
	}
}

static void mutate(struct rng *r, const char *a, char *out, size_t cap)
{
	static const char alphabet[] = "0123456789.-_+abcrpostdev!";
	size_t n = strlen(a);
	memcpy(out, a, n + 1);
	unsigned edits = 1 + rng_below(r, 2);
	for (unsigned e = 0; e < edits; e++) {
		size_t at = rng_below(r, (unsigned)n + 1);
		char c = alphabet[rng_below(r, sizeof alphabet - 1)];
		switch (rng_below(r, 4)) {
		case 0:
			if (at < n)
				out[at] = c;
			break;
		case 1:
			if (n + 1 < cap) {
				memmove(out + at + 1, out + at, n - at + 1);
				out[at] = c;
				n++;
			}
			break;
		case 2:
			if (at < n) {
				memmove(out + at, out + at + 1, n - at);
				n--;
			}
			break;
		default: {
			static const char *const tails[] = {".0", "a1", ".post1", ".dev0", "+1", "-1", "rc", ".0.0"};
			const char *t = tails[rng_below(r, ARRAY_LEN(tails))];
			size_t l = strlen(t);
			if (n + l < cap) {
				memcpy(out + n, t, l + 1);
				n += l;
			}
			break;
		}
		}
	}
}

static void free_pairs(char **a, char **b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i]);
		free(b[i]);
	}
	free(a);
	free(b);
}

static void test_pep440_property_vs_packaging(void **state)
{
	(void)state;
	struct rng r = rng_seeded(0x9e9440u);
	char **a = xcalloc(PROPERTY_PAIRS, sizeof *a), **b = xcalloc(PROPERTY_PAIRS, sizeof *b);
	char buf[256];
	for (size_t i = 0; i < PROPERTY_PAIRS; i++) {
		gen_pep440(&r, buf, sizeof buf);
		a[i] = xstrdup(buf);
		if (rng_below(&r, 3))
			mutate(&r, a[i], buf, sizeof buf);
		else
			gen_pep440(&r, buf, sizeof buf);
		b[i] = xstrdup(buf);
		int got = version_cmp_pep440(a[i], b[i]);
		assert_int_equal(version_cmp_pep440(b[i], a[i]), -got);
		assert_int_equal(version_cmp_pep440(a[i], a[i]), 0);
	}
	struct oracle_answer *ans = xcalloc(PROPERTY_PAIRS, sizeof *ans);
	if (oracle_run(PYTHON, "oracle_pep440.py", a, b, PROPERTY_PAIRS, ans) != 0) {
		free_pairs(a, b, PROPERTY_PAIRS);
		free(ans);
		if (in_ci())
			fail_msg("python3-packaging could not run (apt: python3-packaging); CI needs this oracle");
		print_message("# SKIP packaging not available (apt-get install python3-packaging)\n");
		skip();
	}
	size_t both = 0, equal = 0, invalid = 0;
	for (size_t i = 0; i < PROPERTY_PAIRS; i++) {
		if (version_valid_pep440(a[i]) != ans[i].valid_a)
			fail_msg("packaging says '%s' is %svalid", a[i], ans[i].valid_a ? "" : "in");
		if (version_valid_pep440(b[i]) != ans[i].valid_b)
			fail_msg("packaging says '%s' is %svalid", b[i], ans[i].valid_b ? "" : "in");
		if (!ans[i].valid_a || !ans[i].valid_b) {
			invalid++;
			continue;
		}
		int got = version_cmp_pep440(a[i], b[i]);
		if (got != ans[i].cmp)
			fail_msg("packaging says '%s' %c '%s', we say %d", a[i], "<=>"[ans[i].cmp + 1], b[i], got);
		both++;
		equal += got == 0;
	}
	print_message("# pep440 property: %zu pairs agree with packaging.version.Version (%zu equal); %zu pairs "
		      "with an invalid operand agree on validity\n",
		      both, equal, invalid);
	assert_true(both >= MIN_BOTH_VALID);
	assert_true(equal > 1000);
	free_pairs(a, b, PROPERTY_PAIRS);
	free(ans);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packaging_corpus),
		cmocka_unit_test(test_pep440_rules),
		cmocka_unit_test(test_pep440_property_vs_packaging),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
