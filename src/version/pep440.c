/* PyPI version ordering: PEP 440 as packaging.version.Version implements it
 * (packaging 22+, where non-PEP 440 strings are InvalidVersion rather than
 * LegacyVersion). Re-implemented from packaging/version.py: VERSION_PATTERN
 * matched with re.VERBOSE | re.IGNORECASE between ^\s* and \s*$,
 * _parse_letter_version, _parse_local_version and _cmpkey. The contract and
 * fallbacks are in version.h.
 *
 * The pattern has optional parts whose captures depend on which alternative
 * the regex engine tries first ("1.0a-1" is pre-release a1, not a0 with the
 * implicit post-release 1), so the parser below tries the candidates of
 * each part in the regex's priority order — separator consumed before
 * not, alternatives left to right, digits taken before not — and keeps the
 * first parse that reaches the end. Each part has a handful of candidates
 * at a given position, so this stays linear in the input. Numbers are
 * compared as digit strings: Python's int has no bound, neither do these. */
#include "version/version.h"

#include <stddef.h>
#include <string.h>

struct slice {
	const char *p;
	size_t n;
};

/* The parsed parts. Absent parts have p == NULL. */
struct pep440 {
	struct slice epoch;   /* digits */
	struct slice release; /* "N(.N)*" */
	int pre_rank;	      /* 1 a, 2 b, 3 rc; 0 none */
	struct slice pre_n;   /* digits, n = 0 for the implicit 0 */
	bool post;
	struct slice post_n;
	bool dev;
	struct slice dev_n;
	struct slice local; /* after '+' */
};

struct cursor {
	const char *s;
	size_t end; /* trailing whitespace already excluded */
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_sep(unsigned char c)
{
	return c == '-' || c == '_' || c == '.';
}

static bool is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Python's \s in a str pattern, ASCII part: str.isspace() is also true for
 * the separators 0x1c..0x1f. */
static bool is_py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Case-insensitive literal at i; returns the position after it or 0. */
static size_t literal(const struct cursor *c, size_t i, const char *word)
{
	size_t n = strlen(word);
	if (c->end - i < n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (lower((unsigned char)c->s[i + k]) != (unsigned char)word[k])
			return 0;
	return i + n;
}

static size_t digits_end(const struct cursor *c, size_t i)
{
	while (i < c->end && is_digit((unsigned char)c->s[i]))
		i++;
	return i;
}

/* (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$ — trailing blanks
 * are already cut from c->end. */
static bool part_local(const struct cursor *c, size_t i, struct pep440 *v)
{
	v->local = (struct slice){NULL, 0};
	if (i == c->end)
		return true;
	if (c->s[i] != '+')
		return false;
	size_t run = 0;
	for (size_t k = i + 1; k < c->end; k++) {
		unsigned char ch = (unsigned char)c->s[k];
		if (is_sep(ch)) {
			if (run == 0)
				return false;
			run = 0;
		} else if (is_alnum(ch)) {
			run++;
		} else {
			return false;
		}
	}
	if (run == 0)
		return false;
	v->local = (struct slice){c->s + i + 1, c->end - i - 1};
	return true;
}

typedef bool (*next_part)(const struct cursor *c, size_t i, struct pep440 *v);

/* "[-_.]? LABEL [-_.]? N?" for the labels in priority order; for each
 * candidate found, record(label index, number) then next(). */
static bool lettered(const struct cursor *c, size_t i, struct pep440 *v, const char *const *labels,
		     size_t nlabels, void (*record)(struct pep440 *, size_t, struct slice), next_part next)
{
	for (int sep1 = 1; sep1 >= 0; sep1--) {
		size_t j = i;
		if (sep1) {
			if (j >= c->end || !is_sep((unsigned char)c->s[j]))
				continue;
			j++;
		}
		for (size_t l = 0; l < nlabels; l++) {
			size_t k = literal(c, j, labels[l]);
			if (!k)
				continue;
			for (int sep2 = 1; sep2 >= 0; sep2--) {
				size_t m = k;
				if (sep2) {
					if (m >= c->end || !is_sep((unsigned char)c->s[m]))
						continue;
					m++;
				}
				size_t d = digits_end(c, m);
				if (d > m) {
					record(v, l, (struct slice){c->s + m, d - m});
					if (next(c, d, v))
						return true;
				}
				record(v, l, (struct slice){c->s + m, 0});
				if (next(c, m, v))
					return true;
			}
		}
	}
	return false;
}

static void record_dev(struct pep440 *v, size_t label, struct slice n)
{
	(void)label;
	v->dev = true;
	v->dev_n = n;
}

static bool part_dev(const struct cursor *c, size_t i, struct pep440 *v)
{
	static const char *const labels[] = {"dev"};
	if (lettered(c, i, v, labels, 1, record_dev, part_local))
		return true;
	v->dev = false;
	return part_local(c, i, v);
}

static void record_post(struct pep440 *v, size_t label, struct slice n)
{
	(void)label;
	v->post = true;
	v->post_n = n;
}

static bool part_post(const struct cursor *c, size_t i, struct pep440 *v)
{
	/* (?:-(?P<post_n1>[0-9]+)) first: "1.0-1" is the post-release 1. */
	if (i < c->end && c->s[i] == '-') {
		size_t d = digits_end(c, i + 1);
		if (d > i + 1) {
			record_post(v, 0, (struct slice){c->s + i + 1, d - i - 1});
			if (part_dev(c, d, v))
				return true;
		}
	}
	static const char *const labels[] = {"post", "rev", "r"};
	if (lettered(c, i, v, labels, 3, record_post, part_dev))
		return true;
	v->post = false;
	return part_dev(c, i, v);
}

static void record_pre(struct pep440 *v, size_t label, struct slice n)
{
	/* a b c rc alpha beta pre preview → a, b, rc (ranks 1, 2, 3). */
	static const int rank[] = {1, 2, 3, 3, 1, 2, 3, 3};
	v->pre_rank = rank[label];
	v->pre_n = n;
}

static bool part_pre(const struct cursor *c, size_t i, struct pep440 *v)
{
	static const char *const labels[] = {"a", "b", "c", "rc", "alpha", "beta", "pre", "preview"};
	if (lettered(c, i, v, labels, 8, record_pre, part_post))
		return true;
	v->pre_rank = 0;
	return part_post(c, i, v);
}

static bool pep440_parse(const char *s, struct pep440 *v)
{
	memset(v, 0, sizeof *v);
	struct cursor c = {s, strlen(s)};
	size_t i = 0;
	while (i < c.end && is_py_space((unsigned char)s[i]))
		i++;
	while (c.end > i && is_py_space((unsigned char)s[c.end - 1]))
		c.end--;
	if (i < c.end && lower((unsigned char)s[i]) == 'v')
		i++;
	size_t d = digits_end(&c, i);
	if (d > i && d < c.end && s[d] == '!') {
		v->epoch = (struct slice){s + i, d - i};
		i = d + 1;
	}
	/* Release: greedy; giving back a component can never let the rest
	 * match (nothing after it starts with '.' + digit or a digit). */
	size_t start = i;
	for (;;) {
		d = digits_end(&c, i);
		if (d == i)
			return false;
		i = d;
		if (i + 1 < c.end && s[i] == '.' && is_digit((unsigned char)s[i + 1]))
			i++;
		else
			break;
	}
	v->release = (struct slice){s + start, i - start};
	return part_pre(&c, i, v);
}

/* ---- ordering (_cmpkey) ---- */

/* Python int order of two digit strings ("" is 0). */
static int cmp_num(struct slice a, struct slice b)
{
	while (a.n && *a.p == '0')
		a.p++, a.n--;
	while (b.n && *b.p == '0')
		b.p++, b.n--;
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	int c = a.n ? memcmp(a.p, b.p, a.n) : 0;
	return (c > 0) - (c < 0);
}

/* Splits the next piece off *rest at the first byte of seps; false when
 * rest is used up. */
static bool next_piece(struct slice *rest, bool *done, const char *seps, struct slice *piece)
{
	if (*done)
		return false;
	size_t k = 0;
	while (k < rest->n && !strchr(seps, rest->p[k]))
		k++;
	*piece = (struct slice){rest->p, k};
	if (k == rest->n) {
		*done = true;
	} else {
		rest->p += k + 1;
		rest->n -= k + 1;
	}
	return true;
}

/* Release tuples with trailing zeros dropped, compared as tuples: the
 * first difference decides, else the longer (significant) one is above. */
static int cmp_release(struct slice a, struct slice b)
{
	bool da = false, db = false;
	struct slice pa, pb;
	for (;;) {
		bool ha = next_piece(&a, &da, ".", &pa), hb = next_piece(&b, &db, ".", &pb);
		if (!ha && !hb)
			return 0;
		/* An exhausted side reads as 0: equal to dropped trailing zeros,
		 * below any non-zero component. */
		int c = cmp_num(ha ? pa : (struct slice){"", 0}, hb ? pb : (struct slice){"", 0});
		if (c)
			return c;
	}
}

static bool all_digits(struct slice s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!is_digit((unsigned char)s.p[i]))
			return false;
	return s.n > 0;
}

/* Case-folded byte order, as Python compares the lower-cased strings. */
static int cmp_folded(struct slice a, struct slice b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = lower((unsigned char)a.p[i]), y = lower((unsigned char)b.p[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return (a.n > b.n) - (a.n < b.n);
}

/* Local versions: absent below present; segments (int, "") above
 * (-inf, str); ints by value, strings lower-cased; a prefix below the
 * longer tuple. */
static int cmp_local(struct slice a, struct slice b)
{
	if (!a.p || !b.p)
		return (a.p != NULL) - (b.p != NULL);
	bool da = false, db = false;
	struct slice pa, pb;
	for (;;) {
		bool ha = next_piece(&a, &da, "-_.", &pa), hb = next_piece(&b, &db, "-_.", &pb);
		if (!ha || !hb)
			return (int)ha - (int)hb;
		bool na = all_digits(pa), nb = all_digits(pb);
		int c = na && nb ? cmp_num(pa, pb) : na != nb ? (na ? 1 : -1) : cmp_folded(pa, pb);
		if (c)
			return c;
	}
}

/* _cmpkey's pre slot: -inf for a dev-only release (1.0.dev1 < 1.0a1), the
 * letter rank with its number, +inf without a pre-release. */
static int pre_key(const struct pep440 *v)
{
	if (v->pre_rank)
		return v->pre_rank;
	return !v->post && v->dev ? 0 : 4;
}

static int pep440_compare(const struct pep440 *a, const struct pep440 *b)
{
	int c = cmp_num(a->epoch, b->epoch);
	if (c)
		return c;
	if ((c = cmp_release(a->release, b->release)))
		return c;
	int pa = pre_key(a), pb = pre_key(b);
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (a->pre_rank && (c = cmp_num(a->pre_n, b->pre_n)))
		return c;
	/* post: absent is -inf. */
	if (a->post != b->post)
		return a->post ? 1 : -1;
	if (a->post && (c = cmp_num(a->post_n, b->post_n)))
		return c;
	/* dev: absent is +inf. */
	if (a->dev != b->dev)
		return a->dev ? -1 : 1;
	if (a->dev && (c = cmp_num(a->dev_n, b->dev_n)))
		return c;
	return cmp_local(a->local, b->local);
}

bool version_valid_pep440(const char *v)
{
	struct pep440 p;
	return v && pep440_parse(v, &p);
}

int version_cmp_pep440(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	struct pep440 va, vb;
	bool oka = pep440_parse(a, &va), okb = pep440_parse(b, &vb);
	if (oka && okb)
		return pep440_compare(&va, &vb);
	if (oka != okb)
		return oka ? 1 : -1;
	int c = strcmp(a, b);
	return (c > 0) - (c < 0);
}
