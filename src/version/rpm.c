/* rpm version ordering, re-implemented from rpm's rpmio/rpmvercmp.c
 * (rpmvercmp) and rpmio/rpmver.c (parseEVR, rpmverCmp). rpm pokes NULs into
 * a copy of each string; we work on (pointer, length) slices instead, which
 * is the same thing without a copy, a VLA or an allocation. */
#include "version/version.h"

#include <stddef.h>
#include <string.h>

struct slice {
	const char *p;
	size_t n;
};

/* rpm's risdigit/risalpha are ASCII-only: bytes >= 0x80 are separators. */
static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static int rpmvercmp_slice(struct slice a, struct slice b)
{
	if (a.n == b.n && memcmp(a.p, b.p, a.n) == 0)
		return 0;
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		/* Skip separators: anything that is not alnum, '~' or '^'. */
		while (i < a.n && !is_alnum((unsigned char)a.p[i]) && a.p[i] != '~' && a.p[i] != '^')
			i++;
		while (j < b.n && !is_alnum((unsigned char)b.p[j]) && b.p[j] != '~' && b.p[j] != '^')
			j++;

		/* '~' sorts before everything, even the end of the string:
		 * "1.0~rc1" < "1.0". */
		bool ta = i < a.n && a.p[i] == '~', tb = j < b.n && b.p[j] == '~';
		if (ta || tb) {
			if (!ta)
				return 1;
			if (!tb)
				return -1;
			i++;
			j++;
			continue;
		}

		/* '^' sorts after the end of the string but before anything
		 * else: "1.0" < "1.0^git1" < "1.0.1". */
		bool ca = i < a.n && a.p[i] == '^', cb = j < b.n && b.p[j] == '^';
		if (ca || cb) {
			if (i >= a.n)
				return -1;
			if (j >= b.n)
				return 1;
			if (!ca)
				return 1;
			if (!cb)
				return -1;
			i++;
			j++;
			continue;
		}

		if (!(i < a.n && j < b.n))
			break;

		/* Take one all-digit or all-letter segment from each side, the
		 * kind chosen by a's segment. */
		size_t si = i, sj = j;
		bool isnum = is_digit((unsigned char)a.p[i]);
		if (isnum) {
			while (i < a.n && is_digit((unsigned char)a.p[i]))
				i++;
			while (j < b.n && is_digit((unsigned char)b.p[j]))
				j++;
		} else {
			while (i < a.n && is_alpha((unsigned char)a.p[i]))
				i++;
			while (j < b.n && is_alpha((unsigned char)b.p[j]))
				j++;
		}
		/* b has the other kind of segment here: numbers beat letters. */
		if (sj == j)
			return isnum ? 1 : -1;

		if (isnum) {
			/* Compare as arbitrary-length numbers. */
			while (si < i && a.p[si] == '0')
				si++;
			while (sj < j && b.p[sj] == '0')
				sj++;
			if (i - si != j - sj)
				return i - si > j - sj ? 1 : -1;
		}
		size_t la = i - si, lb = j - sj;
		int rc = memcmp(a.p + si, b.p + sj, la < lb ? la : lb);
		if (rc)
			return rc < 0 ? -1 : 1;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	/* Segments all equal; only separators differed, or one has more. */
	if (i >= a.n && j >= b.n)
		return 0;
	return i >= a.n ? -1 : 1;
}

struct evr {
	struct slice e; /* epoch; n == 0 with has_e false means absent (0) */
	struct slice v;
	struct slice r;
	bool has_r;
};

/* rpm's parseEVR: the epoch is a leading digit run ended by ':'; the release
 * follows the last '-' found after that digit run. */
static struct evr parse_evr(const char *s)
{
	struct evr x = {{"0", 1}, {s, 0}, {"", 0}, false};
	size_t n = strlen(s);
	size_t k = 0;
	while (k < n && is_digit((unsigned char)s[k]))
		k++;
	const char *hy = NULL;
	for (size_t i = n; i > k; i--) {
		if (s[i - 1] == '-') {
			hy = s + i - 1;
			break;
		}
	}
	size_t vstart = 0;
	if (k < n && s[k] == ':') {
		if (k > 0) {
			x.e.p = s;
			x.e.n = k;
		}
		vstart = k + 1;
	}
	x.v.p = s + vstart;
	if (hy) {
		x.v.n = (size_t)(hy - x.v.p);
		x.r.p = hy + 1;
		x.r.n = n - (size_t)(hy + 1 - s);
		x.has_r = true;
	} else {
		x.v.n = n - vstart;
	}
	return x;
}

int version_rpmvercmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	struct slice sa = {a, strlen(a)}, sb = {b, strlen(b)};
	return rpmvercmp_slice(sa, sb);
}

int version_cmp_rpm(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	struct evr x = parse_evr(a), y = parse_evr(b);
	int r = rpmvercmp_slice(x.e, y.e);
	if (r)
		return r;
	r = rpmvercmp_slice(x.v, y.v);
	if (r)
		return r;
	/* rpmverCmp's compare_values: a missing release is below any release,
	 * even an empty one ("1" < "1-"). */
	if (x.has_r != y.has_r)
		return x.has_r ? 1 : -1;
	return rpmvercmp_slice(x.r, y.r);
}
