/* dpkg version ordering, re-implemented from dpkg's lib/dpkg/version.c
 * (verrevcmp, dpkg_version_compare) and lib/dpkg/parsehelp.c (parseversion).
 * Strings are handled as (pointer, length) slices so nothing is copied and no
 * input, however long or odd, can make this allocate or fail. */
#include "version/version.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct slice {
	const char *p;
	size_t n;
};

struct dpkg_ver {
	/* Epoch as the significant digits (leading zeros dropped), so any
	 * accepted value compares by length then bytes; "" is epoch 0. */
	struct slice epoch;
	struct slice upstream;
	struct slice revision;
};

/* dpkg's c-ctype classes are ASCII-only and index by unsigned char. */
static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* What strtol skips before the number in the C locale. */
static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Byte i of s, or 0 past its end: verrevcmp walks NUL-terminated strings and
 * relies on reading the terminator. */
static unsigned char at(struct slice s, size_t i)
{
	return i < s.n ? (unsigned char)s.p[i] : 0;
}

/* dpkg's order(): digits weigh 0 (they are handled by the numeric step),
 * letters their code, '~' below everything including the end of string, and
 * any other byte after all letters. dpkg computes "c + 256" on a plain char;
 * on the platforms Debian ships (signed char, amd64) a byte >= 0x80 is
 * negative there and lands at its unsigned value, i.e. between the letters
 * and ASCII punctuation. We reproduce that explicitly. */
static int order(unsigned char c)
{
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c == 0)
		return 0;
	if (c >= 0x80)
		return c;
	return c + 256;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* verrevcmp: alternate non-digit runs (compared by order()) and digit runs
 * (compared numerically, leading zeros ignored, any length). */
static int verrevcmp(struct slice a, struct slice b)
{
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		int first_diff = 0;
		while ((i < a.n && !is_digit(at(a, i))) || (j < b.n && !is_digit(at(b, j)))) {
			int ac = order(at(a, i)), bc = order(at(b, j));
			if (ac != bc)
				return sign(ac - bc);
			/* Equal orders here mean both are non-digits and
			 * non-NUL, so both indices are in range. */
			i++;
			j++;
		}
		while (at(a, i) == '0')
			i++;
		while (at(b, j) == '0')
			j++;
		while (is_digit(at(a, i)) && is_digit(at(b, j))) {
			if (!first_diff)
				first_diff = at(a, i) - at(b, j);
			i++;
			j++;
		}
		if (is_digit(at(a, i)))
			return 1;
		if (is_digit(at(b, j)))
			return -1;
		if (first_diff)
			return sign(first_diff);
	}
	return 0;
}

/* The epoch as dpkg's strtol-based check accepts it: optional white space,
 * optional sign, at least one digit, ending exactly at the colon, value in
 * [0, INT_MAX]. "-0" is 0 and accepted, like dpkg. */
static bool parse_epoch(struct slice s, struct slice *out)
{
	size_t i = 0;
	while (i < s.n && is_space((unsigned char)s.p[i]))
		i++;
	bool neg = false;
	if (i < s.n && (s.p[i] == '+' || s.p[i] == '-')) {
		neg = s.p[i] == '-';
		i++;
	}
	size_t start = i;
	while (i < s.n && is_digit((unsigned char)s.p[i]))
		i++;
	if (i == start || i != s.n)
		return false;
	while (start < i && s.p[start] == '0')
		start++;
	size_t nd = i - start;
	if (nd > 0 && neg)
		return false;
	/* INT_MAX has 10 digits: more is too big, 10 or fewer fit a uint64. */
	if (nd > 10)
		return false;
	uint64_t val = 0;
	for (size_t k = start; k < i; k++)
		val = val * 10u + (uint64_t)(s.p[k] - '0');
	if (val > INT_MAX)
		return false;
	out->p = s.p + start;
	out->n = nd;
	return true;
}

static struct dpkg_ver parse(const char *s)
{
	struct dpkg_ver v = {{"", 0}, {"", 0}, {"", 0}};
	size_t n = strlen(s);
	/* Trim blanks both ends, as parseversion does. */
	size_t b = 0;
	while (b < n && is_blank((unsigned char)s[b]))
		b++;
	while (n > b && is_blank((unsigned char)s[n - 1]))
		n--;
	struct slice rest = {s + b, n - b};

	const char *colon = memchr(rest.p, ':', rest.n);
	if (colon) {
		struct slice ep = {rest.p, (size_t)(colon - rest.p)};
		if (parse_epoch(ep, &v.epoch)) {
			rest.n -= (size_t)(colon + 1 - rest.p);
			rest.p = colon + 1;
		}
		/* else: dpkg refuses; keep the whole string as upstream. */
	}
	/* The revision follows the last hyphen; upstream may contain hyphens. */
	const char *hy = NULL;
	for (size_t i = rest.n; i > 0; i--) {
		if (rest.p[i - 1] == '-') {
			hy = rest.p + i - 1;
			break;
		}
	}
	if (hy) {
		v.upstream.p = rest.p;
		v.upstream.n = (size_t)(hy - rest.p);
		v.revision.p = hy + 1;
		v.revision.n = rest.n - v.upstream.n - 1;
	} else {
		v.upstream = rest;
	}
	return v;
}

static int epoch_cmp(struct slice a, struct slice b)
{
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	int r = memcmp(a.p, b.p, a.n);
	return sign(r);
}

int version_cmp_dpkg(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	struct dpkg_ver va = parse(a), vb = parse(b);
	int r = epoch_cmp(va.epoch, vb.epoch);
	if (r)
		return r;
	r = verrevcmp(va.upstream, vb.upstream);
	if (r)
		return r;
	return verrevcmp(va.revision, vb.revision);
}
