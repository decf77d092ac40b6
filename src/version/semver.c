/* npm version ordering: node-semver's compare(a, b, loose = true), re-implemented
 * from node-semver 7.3.x (classes/semver.js, internal/re.js LOOSE,
 * internal/identifiers.js). The contract and fallbacks are in version.h.
 *
 * Why loose mode: npm itself parses package.json versions loosely, and OSV
 * npm records are written by tools that accept "v1.2.3". Loose mode is a
 * superset of strict SemVer 2.0.0 that orders strict versions identically.
 *
 * The LOOSE regex is
 *   ^[v=\s]*(\d+)\.(\d+)\.(\d+)(?:-?(ID(?:\.ID)*))?(?:\+(B(?:\.B)*))?$
 * with ID = [0-9]+ | \d*[a-zA-Z-][a-zA-Z0-9-]* (together: any non-empty run
 * of [0-9A-Za-z-]) and B = [0-9A-Za-z-]+, applied to the trimmed string.
 * Two backtracking choices of that regex change the captured values and are
 * reproduced in the regex's own priority order: the patch number gives back
 * trailing digits when the rest cannot match otherwise ("1.2.34.x" is
 * 1.2.3-4.x), and the optional '-' is left to the prerelease when the rest
 * needs it ("1.2.3-" has prerelease ["-"], "1.2.3-.x" has ["-", "x"]). */
#include "version/version.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEMVER_MAX_LENGTH 256 /* node-semver MAX_LENGTH, checked before trimming */
#define MAX_SAFE_INTEGER 9007199254740991ull
/* 256 bytes hold at most 128 dot-separated identifiers. */
#define MAX_IDS (SEMVER_MAX_LENGTH / 2 + 1)

struct slice {
	const char *p;
	size_t n;
};

struct semver {
	uint64_t main[3];
	struct slice pre[MAX_IDS];
	size_t npre;
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* What JavaScript's trim() and \s remove, restricted to ASCII: non-ASCII
 * bytes are never accepted (version.h). */
static bool is_js_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool all_digits(struct slice s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!is_digit((unsigned char)s.p[i]))
			return false;
	return s.n > 0;
}

/* Dot-separated non-empty runs of [0-9A-Za-z-] (prerelease or build). */
static bool ident_list(struct slice s)
{
	if (s.n == 0)
		return false;
	size_t run = 0;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '.') {
			if (run == 0)
				return false;
			run = 0;
		} else if (is_ident_char(c)) {
			run++;
		} else {
			return false;
		}
	}
	return run > 0;
}

/* `+digits` as JavaScript evaluates it, checked against MAX_SAFE_INTEGER the
 * way the constructor does (values past it throw). */
static bool main_number(struct slice s, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > MAX_SAFE_INTEGER)
			return false;
	}
	*out = v;
	return true;
}

/* rest = "[-]PRE[+BUILD]" or "[+BUILD]" after the patch number: the
 * prerelease slice (n = 0 when none), or false when the regex fails. */
static bool split_rest(struct slice rest, struct slice *pre)
{
	const char *plus = memchr(rest.p, '+', rest.n);
	struct slice p = {rest.p, plus ? (size_t)(plus - rest.p) : rest.n};
	if (plus) {
		struct slice build = {plus + 1, rest.n - p.n - 1};
		if (!ident_list(build))
			return false;
	}
	*pre = (struct slice){p.p, 0};
	if (p.n == 0)
		return true;
	/* "-?" is greedy: first with the hyphen consumed, then with it kept. */
	if (p.p[0] == '-' && ident_list((struct slice){p.p + 1, p.n - 1})) {
		*pre = (struct slice){p.p + 1, p.n - 1};
		return true;
	}
	if (ident_list(p)) {
		*pre = p;
		return true;
	}
	return false;
}

static bool semver_parse(const char *s, struct semver *v)
{
	size_t len = strlen(s);
	if (len > SEMVER_MAX_LENGTH)
		return false;
	size_t b = 0, e = len;
	while (b < e && is_js_space((unsigned char)s[b]))
		b++;
	while (e > b && is_js_space((unsigned char)s[e - 1]))
		e--;
	/* [v=\s]* */
	while (b < e && (s[b] == 'v' || s[b] == '=' || is_js_space((unsigned char)s[b])))
		b++;
	struct slice num[3];
	size_t i = b;
	for (int k = 0; k < 3; k++) {
		size_t start = i;
		while (i < e && is_digit((unsigned char)s[i]))
			i++;
		if (i == start)
			return false;
		num[k] = (struct slice){s + start, i - start};
		if (k < 2) {
			if (i >= e || s[i] != '.')
				return false;
			i++;
		}
	}
	/* The patch run gives back digits, longest first, until the rest
	 * matches. */
	struct slice pre;
	bool matched = false;
	while (num[2].n > 0) {
		size_t after = (size_t)(num[2].p - s) + num[2].n;
		if (split_rest((struct slice){s + after, e - after}, &pre)) {
			matched = true;
			break;
		}
		num[2].n--;
	}
	if (!matched)
		return false;
	for (int k = 0; k < 3; k++)
		if (!main_number(num[k], &v->main[k]))
			return false;
	v->npre = 0;
	if (pre.n == 0)
		return true;
	const char *p = pre.p, *end = pre.p + pre.n;
	while (p <= end && v->npre < MAX_IDS) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		const char *stop = dot ? dot : end;
		v->pre[v->npre++] = (struct slice){p, (size_t)(stop - p)};
		if (!dot)
			break;
		p = dot + 1;
	}
	return true;
}

/* A numeric identifier as `+id` evaluates it: strtod rounds correctly, as
 * JavaScript's ToNumber does. Identifiers are at most 256 digits. */
static double js_number(struct slice s)
{
	char buf[SEMVER_MAX_LENGTH + 1];
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	return strtod(buf, NULL);
}

static int slice_strcmp(struct slice a, struct slice b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = memcmp(a.p, b.p, n);
	if (c)
		return c < 0 ? -1 : 1;
	return (a.n > b.n) - (a.n < b.n);
}

/* comparePre's per-identifier step. The constructor turned numeric
 * identifiers below MAX_SAFE_INTEGER into numbers and kept the others as
 * strings; `a === b` continues, anything else returns compareIdentifiers
 * — which is 0 for two different digit strings of the same double value
 * (both past 2^53), ending the comparison there. *decided is false only
 * for strictly equal identifiers. */
static int compare_ident(struct slice a, struct slice b, bool *decided)
{
	bool anum = all_digits(a), bnum = all_digits(b);
	double av = anum ? js_number(a) : 0, bv = bnum ? js_number(b) : 0;
	bool a_kept = anum && av < (double)MAX_SAFE_INTEGER, b_kept = bnum && bv < (double)MAX_SAFE_INTEGER;
	*decided = true;
	if (a_kept && b_kept && av == bv) {
		*decided = false;
		return 0;
	}
	if (!a_kept && !b_kept && slice_strcmp(a, b) == 0) {
		*decided = false;
		return 0;
	}
	if (anum && bnum)
		return (av > bv) - (av < bv);
	if (anum)
		return -1;
	if (bnum)
		return 1;
	return slice_strcmp(a, b);
}

static int semver_compare(const struct semver *a, const struct semver *b)
{
	for (int k = 0; k < 3; k++)
		if (a->main[k] != b->main[k])
			return a->main[k] < b->main[k] ? -1 : 1;
	/* A version without a prerelease is above one with. */
	if (a->npre == 0 || b->npre == 0)
		return (a->npre == 0) - (b->npre == 0);
	for (size_t i = 0;; i++) {
		if (i == a->npre || i == b->npre)
			return (i < a->npre) - (i < b->npre);
		bool decided;
		int c = compare_ident(a->pre[i], b->pre[i], &decided);
		if (decided)
			return c;
	}
}

bool version_valid_semver(const char *v)
{
	struct semver s;
	return v && semver_parse(v, &s);
}

int version_cmp_semver(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	/* Parsed versions are large (the identifier table): static storage is
	 * not an option (thread safety), so they live on this frame. */
	struct semver va, vb;
	bool oka = semver_parse(a, &va), okb = semver_parse(b, &vb);
	if (oka && okb)
		return semver_compare(&va, &vb);
	if (oka != okb)
		return oka ? 1 : -1;
	int c = strcmp(a, b);
	return (c > 0) - (c < 0);
}
