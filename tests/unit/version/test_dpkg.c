/* dpkg comparator: osv-scalibr's Debian corpus, hand-picked rules, and a
 * property test against Debian's own libdpkg (parseversion +
 * dpkg_version_compare, linked into this test only) on generated versions. */
#include "testutil.h"

#include "corpus.h"
#include "util/util.h"
#include "version/version.h"

#include <stdio.h>
#include <string.h>

#ifdef HAVE_LIBDPKG
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg-db.h>
#include <dpkg/dpkg.h>
#include <dpkg/error.h>
#include <dpkg/version.h>
#endif

#define PROPERTY_PAIRS 300000

static void check_line(void *ctx, const struct corpus_line *l)
{
	size_t *n = ctx;
	if (l->nf != 3)
		fail_msg("line %d: expected 'A op B'", l->lineno);
	int r = version_cmp_dpkg(l->f[0], l->f[2]);
	if (!corpus_op_holds(l->f[1], r, l->lineno))
		fail_msg("line %d: %s %s %s does not hold (cmp=%d)", l->lineno, l->f[0], l->f[1], l->f[2], r);
	assert_int_equal(version_cmp_dpkg(l->f[2], l->f[0]), -r);
	(*n)++;
}

static void test_osv_debian_corpus(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(path, "versions/osv-scalibr-debian-versions.txt");
	size_t n = 0;
	corpus_each(path, check_line, &n);
	print_message("# osv-scalibr-debian-versions.txt: %zu comparisons\n", n);
	assert_true(n >= 30);
}

static void test_dpkg_rules(void **state)
{
	(void)state;
	/* '~' before everything, even the end */
	assert_int_equal(version_cmp_dpkg("1.0~rc1", "1.0"), -1);
	assert_int_equal(version_cmp_dpkg("1.0~~", "1.0~"), -1);
	assert_int_equal(version_cmp_dpkg("1.0~~a", "1.0~"), -1);
	/* letters before other punctuation, punctuation in ASCII order ('+' < '.') */
	assert_int_equal(version_cmp_dpkg("1.0a", "1.0+"), -1);
	assert_int_equal(version_cmp_dpkg("1.0+", "1.0."), -1);
	/* numbers of any length, leading zeros ignored */
	assert_int_equal(version_cmp_dpkg("1.000000000000000000000000000010", "1.9"), 1);
	assert_int_equal(version_cmp_dpkg("1.01", "1.1"), 0);
	/* epochs */
	assert_int_equal(version_cmp_dpkg("1:0.1", "9.9"), 1);
	assert_int_equal(version_cmp_dpkg("00001:1", "1:1"), 0);
	assert_int_equal(version_cmp_dpkg("2147483647:1", "2147483646:9"), 1);
	/* revision splits at the LAST hyphen */
	assert_int_equal(version_cmp_dpkg("1.0-2-1", "1.0-2-0"), 1);
	assert_int_equal(version_cmp_dpkg("1.0-2-1", "1.0-3"), 1); /* upstream "1.0-2" > "1.0" */
	/* absent revision equals "0" */
	assert_int_equal(version_cmp_dpkg("1.0", "1.0-0"), 0);
	/* blanks around are ignored */
	assert_int_equal(version_cmp_dpkg("  1.0\t", "1.0"), 0);
	/* fallbacks for what dpkg refuses: bad epoch keeps the colon in upstream */
	assert_int_equal(version_cmp_dpkg("a:1", "a:1"), 0);
	assert_int_equal(version_cmp_dpkg("a:1", "b:1"), -1);
	/* an epoch past INT_MAX is refused, so that string has epoch 0 */
	assert_int_equal(version_cmp_dpkg("99999999999:1", "1:1"), -1);
	assert_int_equal(version_cmp_dpkg("99999999999:1", "9"), 1);
	assert_int_equal(version_cmp_dpkg("1.0-", "1.0"), 0);
	/* high bytes order between letters and ASCII punctuation (signed char) */
	assert_int_equal(version_cmp_dpkg("1\xc3", "1z"), 1);
	assert_int_equal(version_cmp_dpkg("1\xc3", "1."), -1);
	assert_int_equal(version_cmp_dpkg(NULL, ""), -1);
	assert_int_equal(version_cmp_dpkg(NULL, NULL), 0);
	assert_int_equal(version_cmp_dpkg("", ""), 0);
}

/* Random versions from a grammar aimed at dpkg's corners: epochs (zero-led,
 * INT_MAX and past it, signed, empty), '~' runs, '+', '.', ':' and '-' inside
 * upstream, mixed-case letters, zero-led and very long digit runs, empty
 * revisions, blanks and bytes dpkg warns about. */
static void put(char *out, size_t cap, size_t *n, const char *s)
{
	size_t l = strlen(s);
	if (*n + l < cap) {
		memcpy(out + *n, s, l);
		*n += l;
		out[*n] = '\0';
	}
}

static void putc_(char *out, size_t cap, size_t *n, char c)
{
	char s[2] = {c, '\0'};
	put(out, cap, n, s);
}

static void gen_digits(struct rng *r, char *out, size_t cap, size_t *n)
{
	unsigned len = rng_below(r, 10) == 0 ? 1 + rng_below(r, 30) : 1 + rng_below(r, 3);
	if (rng_below(r, 5) == 0)
		putc_(out, cap, n, '0');
	for (unsigned i = 0; i < len; i++)
		putc_(out, cap, n, (char)('0' + rng_below(r, rng_below(r, 3) ? 3 : 10)));
}

static void gen_part(struct rng *r, char *out, size_t cap, size_t *n, const char *seps)
{
	unsigned pieces = rng_below(r, 7);
	for (unsigned i = 0; i < pieces; i++) {
		switch (rng_below(r, 6)) {
		case 0:
		case 1:
			gen_digits(r, out, cap, n);
			break;
		case 2: {
			static const char letters[] = "abczABCZ";
			unsigned k = 1 + rng_below(r, 3);
			for (unsigned j = 0; j < k; j++)
				putc_(out, cap, n, letters[rng_below(r, sizeof letters - 1)]);
			break;
		}
		default:
			putc_(out, cap, n, seps[rng_below(r, (unsigned)strlen(seps))]);
			break;
		}
	}
}

static void gen_dpkg(struct rng *r, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	if (rng_below(r, 50) == 0)
		return; /* blank version */
	if (rng_below(r, 40) == 0)
		put(out, cap, &n, rng_below(r, 2) ? " " : "\t");
	if (rng_below(r, 4) == 0) {
		static const char *const odd[] = {"2147483647", "2147483648", "99999999999", "", "-0", "+3", "-1", "a", "0000"};
		if (rng_below(r, 5) == 0)
			put(out, cap, &n, odd[rng_below(r, ARRAY_LEN(odd))]);
		else
			gen_digits(r, out, cap, &n);
		putc_(out, cap, &n, ':');
	}
	if (rng_below(r, 10))
		gen_digits(r, out, cap, &n);
	else
		putc_(out, cap, &n, "a~.+"[rng_below(r, 4)]);
	gen_part(r, out, cap, &n, rng_below(r, 8) ? ".+~~" : ".+~:-");
	if (rng_below(r, 2)) {
		putc_(out, cap, &n, '-');
		if (rng_below(r, 30))
			gen_part(r, out, cap, &n, ".+~");
	}
	if (rng_below(r, 20) == 0) {
		/* bytes dpkg only warns about, and a blank it refuses */
		static const char hostile[] = "_!#@\x80\xff ";
		size_t at = rng_below(r, (unsigned)n + 1);
		char c = hostile[rng_below(r, sizeof hostile - 1)];
		if (n + 1 < cap) {
			memmove(out + at + 1, out + at, n - at + 1);
			out[at] = c;
			n++;
		}
	}
	if (rng_below(r, 40) == 0)
		put(out, cap, &n, " ");
}

/* b close to a, so comparisons get past the first component. */
static void mutate(struct rng *r, const char *a, char *out, size_t cap, const char *alphabet)
{
	size_t n = strlen(a);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, a, n);
	out[n] = '\0';
	unsigned edits = 1 + rng_below(r, 2);
	for (unsigned e = 0; e < edits; e++) {
		size_t at = rng_below(r, (unsigned)n + 1);
		char c = alphabet[rng_below(r, (unsigned)strlen(alphabet))];
		switch (rng_below(r, 4)) {
		case 0: /* replace */
			if (at < n)
				out[at] = c;
			break;
		case 1: /* insert */
			if (n + 1 < cap) {
				memmove(out + at + 1, out + at, n - at + 1);
				out[at] = c;
				n++;
			}
			break;
		case 2: /* delete */
			if (at < n) {
				memmove(out + at, out + at + 1, n - at);
				n--;
			}
			break;
		default: { /* append a classic tail */
			static const char *const tails[] = {"~", "~1", "0", ".0", "-0", "+b1", "^", "a", "-1", ".1"};
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

#ifdef HAVE_LIBDPKG
/* What `dpkg --compare-versions` does with one operand: "" is the blank
 * version; a parse error aborts (we skip the pair); a warning still
 * compares. */
static bool oracle_parse(const char *s, struct dpkg_version *v)
{
	if (!*s) {
		dpkg_version_blank(v);
		return true;
	}
	struct dpkg_error e = DPKG_ERROR_INIT;
	if (parseversion(v, s, &e) < 0) {
		bool fatal = e.type == DPKG_MSG_ERROR;
		dpkg_error_destroy(&e);
		return !fatal;
	}
	return true;
}

static int sgn(int v)
{
	return (v > 0) - (v < 0);
}
#endif

/* Without libdpkg the generated pairs still check antisymmetry and
 * reflexivity, then the test reports the oracle as missing. */
static void test_dpkg_property_vs_libdpkg(void **state)
{
	(void)state;
#ifndef HAVE_LIBDPKG
	if (in_ci())
		fail_msg("libdpkg (apt: libdpkg-dev) was not found at configure time; CI needs this oracle");
#endif
	struct rng r = rng_seeded(0x5eedd9c6u);
	char a[256], b[256];
	size_t compared = 0, skipped = 0, equal = 0;
	for (size_t iter = 0; compared < PROPERTY_PAIRS; iter++) {
		assert_true(iter < 4 * (size_t)PROPERTY_PAIRS); /* generator must stay mostly valid */
		gen_dpkg(&r, a, sizeof a);
		if (rng_below(&r, 2))
			mutate(&r, a, b, sizeof b, "0123456789.+~-:aZ");
		else
			gen_dpkg(&r, b, sizeof b);
		int got = version_cmp_dpkg(a, b);
#ifdef HAVE_LIBDPKG
		struct dpkg_version va, vb;
		if (!oracle_parse(a, &va) || !oracle_parse(b, &vb)) {
			skipped++;
			continue;
		}
		int want = sgn(dpkg_version_compare(&va, &vb));
		if (got != want)
			fail_msg("dpkg says '%s' %c '%s', we say %d", a, "<=>"[want + 1], b, got);
		if (compared % 4096 == 0)
			nffreeall(); /* parseversion allocates on dpkg's obstack */
#endif
		assert_int_equal(version_cmp_dpkg(b, a), -got);
		assert_int_equal(version_cmp_dpkg(a, a), 0);
		equal += got == 0;
		compared++;
	}
#ifdef HAVE_LIBDPKG
	nffreeall();
	print_message("# dpkg property: %zu pairs agree with libdpkg (%zu equal), %zu pairs skipped "
		      "(dpkg refuses an operand)\n",
		      compared, equal, skipped);
	assert_true(equal > 1000); /* the mutations must reach deep into the strings */
#else
	(void)skipped;
	print_message("# SKIP libdpkg not available (apt-get install libdpkg-dev, then reconfigure); "
		      "%zu pairs checked for antisymmetry only\n",
		      compared);
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osv_debian_corpus),
		cmocka_unit_test(test_dpkg_rules),
		cmocka_unit_test(test_dpkg_property_vs_libdpkg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
