/* npm comparator (node-semver compare, loose): node-semver's own test
 * fixtures, hand-picked rules, and a property test against node-semver
 * itself (Debian's node-semver run by node) on generated pairs. */
#include "testutil.h"

#include "corpus.h"
#include "lang_oracle.h"
#include "util/util.h"
#include "version/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROPERTY_PAIRS 240000
#define MIN_BOTH_VALID 100000

static void check_fixture(void *ctx, int lineno, char **f, int nf)
{
	size_t *n = ctx;
	if (nf != 3)
		fail_msg("node-semver-fixtures.tsv:%d: expected A, op, B", lineno);
	int r = version_cmp_semver(f[0], f[2]);
	if (!corpus_op_holds(f[1], r, lineno))
		fail_msg("line %d: '%s' %s '%s' does not hold (cmp=%d)", lineno, f[0], f[1], f[2], r);
	assert_int_equal(version_cmp_semver(f[2], f[0]), -r);
	assert_true(version_valid_semver(f[0]) && version_valid_semver(f[2]));
	(*n)++;
}

static void test_node_semver_fixtures(void **state)
{
	(void)state;
	char *path = lang_corpus_path("node-semver-fixtures.tsv");
	size_t n = 0;
	tsv_each(path, check_fixture, &n);
	print_message("# node-semver comparisons.js + equality.js: %zu pairs\n", n);
	assert_true(n >= 60);
	free(path);
}

static void test_semver_rules(void **state)
{
	(void)state;
	/* SemVer 2.0.0 section 11 example chain. */
	const char *chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
			       "1.0.0-beta.2", "1.0.0-beta.11",	 "1.0.0-rc.1",	     "1.0.0"};
	for (size_t i = 0; i + 1 < ARRAY_LEN(chain); i++)
		for (size_t k = i + 1; k < ARRAY_LEN(chain); k++)
			assert_int_equal(version_cmp_semver(chain[i], chain[k]), -1);
	/* Build metadata is ignored. */
	assert_int_equal(version_cmp_semver("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85"), 0);
	/* Loose spellings. */
	assert_int_equal(version_cmp_semver("v1.2.3", "1.2.3"), 0);
	assert_int_equal(version_cmp_semver("=v 1.2.3", "1.2.3"), 0);
	assert_int_equal(version_cmp_semver("01.002.03", "1.2.3"), 0);
	assert_int_equal(version_cmp_semver("1.2.3beta", "1.2.3-beta"), 0);
	assert_int_equal(version_cmp_semver("1.2.3-01", "1.2.3-1"), 0);
	/* The regex's backtracking: "1.2.34.x" is 1.2.3-4.x; "1.2.3-" has
	 * the prerelease "-". */
	assert_int_equal(version_cmp_semver("1.2.34.x", "1.2.3-4.x"), 0);
	assert_true(version_valid_semver("1.2.3-"));
	assert_int_equal(version_cmp_semver("1.2.3-", "1.2.3"), -1);
	/* JavaScript numbers: past 2^53-1 a main number is invalid. */
	assert_true(version_valid_semver("9007199254740991.0.0"));
	assert_false(version_valid_semver("9007199254740992.0.0"));
	/* Invalid: below every valid version, strcmp among themselves. */
	assert_false(version_valid_semver("1.2"));
	assert_false(version_valid_semver("1.2.3.4"));
	assert_false(version_valid_semver(""));
	assert_false(version_valid_semver("1.2.3-\xc3\xa9"));
	assert_int_equal(version_cmp_semver("1.2", "0.0.0-0"), -1);
	assert_int_equal(version_cmp_semver("1.2", "1.3"), -1);
	assert_int_equal(version_cmp_semver(NULL, "x"), -1);
	assert_int_equal(version_cmp_semver(NULL, NULL), 0);
	char long_version[300];
	memset(long_version, '0', sizeof long_version - 1);
	long_version[sizeof long_version - 1] = '\0';
	memcpy(long_version, "1.2.3-", 6);
	assert_false(version_valid_semver(long_version));
	assert_int_equal(version_cmp("semver", "1.0.0", "1.0.0-rc.1"), 1);
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
	static const char *const odd[] = {"9007199254740991", "9007199254740992", "9007199254740990",
					  "18446744073709551616", "99999999999999999999999", "0000"};
	if (rng_below(r, 40) == 0) {
		put(out, cap, n, odd[rng_below(r, ARRAY_LEN(odd))]);
		return;
	}
	if (rng_below(r, 10) == 0)
		put(out, cap, n, "0");
	char d[2] = {(char)('0' + rng_below(r, rng_below(r, 3) ? 3 : 10)), '\0'};
	put(out, cap, n, d);
	if (rng_below(r, 6) == 0) {
		d[0] = (char)('0' + rng_below(r, 10));
		put(out, cap, n, d);
	}
}

static void gen_ident(struct rng *r, char *out, size_t cap, size_t *n)
{
	static const char *const words[] = {"alpha", "beta", "rc", "a", "b", "B", "x-y", "-", "0a", "Z", "pre", "r"};
	unsigned k = rng_below(r, 10);
	if (k < 4)
		gen_number(r, out, cap, n);
	else if (k < 9)
		put(out, cap, n, words[rng_below(r, ARRAY_LEN(words))]);
	else if (rng_below(r, 2))
		put(out, cap, n, ""); /* an empty identifier: invalid */
	else
		put(out, cap, n, "9007199254740993");
}

static void gen_semver(struct rng *r, char *out, size_t cap)
{
	static const char *const prefixes[] = {"", "", "", "", "v", "=", "v=", " ", "  v ", "V", "=v", "\t"};
	size_t n = 0;
	out[0] = '\0';
	put(out, cap, &n, prefixes[rng_below(r, ARRAY_LEN(prefixes))]);
	unsigned parts = rng_below(r, 25) == 0 ? 2 + rng_below(r, 3) : 3;
	for (unsigned i = 0; i < parts; i++) {
		if (i)
			put(out, cap, &n, ".");
		gen_number(r, out, cap, &n);
	}
	if (rng_below(r, 2)) {
		static const char *const lead[] = {"-", "-", "-", "", "--", "-."};
		put(out, cap, &n, lead[rng_below(r, ARRAY_LEN(lead))]);
		unsigned ids = 1 + rng_below(r, 4);
		for (unsigned i = 0; i < ids; i++) {
			if (i)
				put(out, cap, &n, ".");
			gen_ident(r, out, cap, &n);
		}
	}
	if (rng_below(r, 5) == 0) {
		static const char *const builds[] = {"+build", "+001", "+b.1", "+", "+a..b", "+x-y.Z", "+sha.5114f85"};
		put(out, cap, &n, builds[rng_below(r, ARRAY_LEN(builds))]);
	}
	if (rng_below(r, 30) == 0)
		put(out, cap, &n, rng_below(r, 2) ? " " : "\n");
	if (rng_below(r, 40) == 0) {
		static const char hostile[] = "_!~ v=+.";
		size_t at = rng_below(r, (unsigned)n + 1);
		if (n + 1 < cap) {
			memmove(out + at + 1, out + at, n - at + 1);
			out[at] = hostile[rng_below(r, sizeof hostile - 1)];
			n++;
		}
	}
}

/* b close to a, so comparisons reach the prerelease identifiers. */
static void mutate(struct rng *r, const char *a, char *out, size_t cap)
{
	static const char alphabet[] = "0123456789.-+abAZv";
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
			static const char *const tails[] = {"-0", ".1", "-rc.1", "+b", "-alpha.10", "0", "-x"};
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

static void test_semver_property_vs_node_semver(void **state)
{
	(void)state;
	struct rng r = rng_seeded(0x5e3e2a11u);
	char **a = xcalloc(PROPERTY_PAIRS, sizeof *a), **b = xcalloc(PROPERTY_PAIRS, sizeof *b);
	char buf[300];
	for (size_t i = 0; i < PROPERTY_PAIRS; i++) {
		gen_semver(&r, buf, sizeof buf);
		a[i] = xstrdup(buf);
		if (rng_below(&r, 3))
			mutate(&r, a[i], buf, sizeof buf);
		else
			gen_semver(&r, buf, sizeof buf);
		b[i] = xstrdup(buf);
		/* The contract holds whatever the oracle says. */
		int got = version_cmp_semver(a[i], b[i]);
		assert_int_equal(version_cmp_semver(b[i], a[i]), -got);
		assert_int_equal(version_cmp_semver(a[i], a[i]), 0);
	}
	struct oracle_answer *ans = xcalloc(PROPERTY_PAIRS, sizeof *ans);
	if (oracle_run("node", "oracle_semver.js", a, b, PROPERTY_PAIRS, ans) != 0) {
		free_pairs(a, b, PROPERTY_PAIRS);
		free(ans);
		if (in_ci())
			fail_msg("node-semver could not run (apt: nodejs node-semver); CI needs this oracle");
		print_message("# SKIP node-semver not available (apt-get install nodejs node-semver)\n");
		skip();
	}
	size_t both = 0, equal = 0, invalid = 0;
	for (size_t i = 0; i < PROPERTY_PAIRS; i++) {
		if (version_valid_semver(a[i]) != ans[i].valid_a)
			fail_msg("node-semver says '%s' is %svalid", a[i], ans[i].valid_a ? "" : "in");
		if (version_valid_semver(b[i]) != ans[i].valid_b)
			fail_msg("node-semver says '%s' is %svalid", b[i], ans[i].valid_b ? "" : "in");
		if (!ans[i].valid_a || !ans[i].valid_b) {
			invalid++;
			continue;
		}
		int got = version_cmp_semver(a[i], b[i]);
		if (got != ans[i].cmp)
			fail_msg("node-semver says compare('%s', '%s') = %d, we say %d", a[i], b[i], ans[i].cmp, got);
		both++;
		equal += got == 0;
	}
	print_message("# semver property: %zu pairs agree with node-semver compare (%zu equal); %zu pairs with an "
		      "invalid operand agree on validity\n",
		      both, equal, invalid);
	assert_true(both >= MIN_BOTH_VALID);
	assert_true(equal > 1000);
	free_pairs(a, b, PROPERTY_PAIRS);
	free(ans);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_semver_fixtures),
		cmocka_unit_test(test_semver_rules),
		cmocka_unit_test(test_semver_property_vs_node_semver),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
