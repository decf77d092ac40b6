/* apk version ordering, re-implemented from apk-tools' src/version.c in its
 * current form (the token-state rewrite that added "~hash", string ordering
 * of zero-led digit groups and a strict grammar; apk-tools' own
 * test/version.data is our corpus). The grammar, in apk's words:
 *
 *   digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}
 *
 * A version is read as a sequence of typed tokens; two versions are compared
 * token by token while the token types agree, and when they stop agreeing the
 * type order decides (with pre-release suffixes sorting below "nothing"). */
#include "version/version.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Token types. The ORDER is semantics: the grammar only lets a token follow
 * one of lower or equal rank, and when two versions diverge in token type the
 * one with the higher-ranked (later in the grammar) token is the older one. */
enum apk_token {
	TOK_INITIAL_DIGIT,
	TOK_DIGIT,
	TOK_LETTER,
	TOK_SUFFIX,
	TOK_SUFFIX_NO,
	TOK_COMMIT_HASH,
	TOK_REVISION_NO,
	TOK_END,
	TOK_INVALID,
};

/* Suffix ranks: NONE is the pivot, pre-release suffixes sort below a version
 * with no suffix, post-release ones above. */
enum apk_suffix {
	SUF_INVALID,
	SUF_ALPHA,
	SUF_BETA,
	SUF_PRE,
	SUF_RC,
	SUF_NONE,
	SUF_CVS,
	SUF_SVN,
	SUF_GIT,
	SUF_HG,
	SUF_P,
};

/* Unconsumed rest of a version string. */
struct cursor {
	const char *p;
	size_t len;
};

struct token {
	enum apk_token type;
	enum apk_suffix suffix;
	uint64_t number;
	const char *val; /* raw text of the token, for string ordering */
	size_t val_len;
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

/* apk's hex class for commit hashes is lower-case only. */
static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static void advance(struct cursor *c, size_t n)
{
	c->p += n;
	c->len -= n;
}

/* Exact match against apk's suffix words; "_pa" or "_alphax" are invalid. */
static enum apk_suffix suffix_value(const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum apk_suffix v;
	} words[] = {
		{"alpha", SUF_ALPHA}, {"beta", SUF_BETA}, {"pre", SUF_PRE}, {"rc", SUF_RC},
		{"cvs", SUF_CVS}, {"svn", SUF_SVN}, {"git", SUF_GIT}, {"hg", SUF_HG}, {"p", SUF_P},
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].name) == n && memcmp(words[i].name, s, n) == 0)
			return words[i].v;
	return SUF_INVALID;
}

/* A run of decimal digits. The value wraps modulo 2^64 on purpose: apk
 * accumulates in a uint64_t, and matching apk beats being "more right". */
static void parse_digits(struct token *t, struct cursor *c)
{
	size_t i = 0;
	uint64_t v = 0;
	while (i < c->len && is_digit((unsigned char)c->p[i])) {
		v = v * 10u + (uint64_t)(c->p[i] - '0');
		i++;
	}
	t->number = v;
	t->val = c->p;
	t->val_len = i;
	advance(c, i);
	if (i == 0)
		t->type = TOK_INVALID;
}

static void token_first(struct token *t, struct cursor *c)
{
	t->type = TOK_INITIAL_DIGIT;
	t->suffix = SUF_INVALID;
	parse_digits(t, c);
}

/* Reads the next token; the previous token's type (still in t->type) decides
 * what may follow, which is how apk enforces the grammar. */
static void token_next(struct token *t, struct cursor *c)
{
	if (c->len == 0) {
		t->type = TOK_END;
		return;
	}
	unsigned char ch = (unsigned char)c->p[0];
	if (is_lower(ch)) {
		if (t->type > TOK_DIGIT)
			goto invalid;
		t->val = c->p;
		t->val_len = 1;
		t->type = TOK_LETTER;
		advance(c, 1);
		return;
	}
	if (ch == '.' || is_digit(ch)) {
		if (ch == '.') {
			if (t->type > TOK_DIGIT)
				goto invalid;
			advance(c, 1);
		}
		switch (t->type) {
		case TOK_INITIAL_DIGIT:
		case TOK_DIGIT:
			t->type = TOK_DIGIT;
			break;
		case TOK_SUFFIX:
			t->type = TOK_SUFFIX_NO;
			break;
		default:
			goto invalid; /* a digit straight after a letter, hash or revision */
		}
		parse_digits(t, c);
		return;
	}
	switch (ch) {
	case '_': {
		if (t->type > TOK_SUFFIX_NO)
			goto invalid;
		advance(c, 1);
		size_t n = 0;
		while (n < c->len && is_lower((unsigned char)c->p[n]))
			n++;
		t->val = c->p;
		t->val_len = n;
		advance(c, n);
		t->suffix = suffix_value(t->val, n);
		if (t->suffix == SUF_INVALID)
			goto invalid;
		t->type = TOK_SUFFIX;
		return;
	}
	case '~': {
		if (t->type >= TOK_COMMIT_HASH)
			goto invalid;
		advance(c, 1);
		size_t n = 0;
		while (n < c->len && is_hex((unsigned char)c->p[n]))
			n++;
		t->val = c->p;
		t->val_len = n;
		advance(c, n);
		if (n == 0)
			goto invalid;
		t->type = TOK_COMMIT_HASH;
		return;
	}
	case '-':
		if (t->type >= TOK_REVISION_NO)
			goto invalid;
		if (c->len < 2 || c->p[1] != 'r')
			goto invalid;
		advance(c, 2);
		t->type = TOK_REVISION_NO;
		parse_digits(t, c);
		return;
	default:
		break;
	}
invalid:
	t->type = TOK_INVALID;
}

static int sign_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* apk_blob_sort: bytewise over the common length, then shorter first. */
static int blob_sort(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);
	if (r != 0)
		return r < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Compare two tokens of the same type. */
static int token_cmp(const struct token *ta, const struct token *tb)
{
	switch (ta->type) {
	case TOK_DIGIT:
		/* Gentoo rule: a zero-led group after a dot ("1.05") is a decimal
		 * fraction, so it compares as a string, not as a number. */
		if (ta->val[0] == '0' || tb->val[0] == '0')
			return blob_sort(ta->val, ta->val_len, tb->val, tb->val_len);
		return sign_u64(ta->number, tb->number);
	case TOK_INITIAL_DIGIT:
	case TOK_SUFFIX_NO:
	case TOK_REVISION_NO:
		return sign_u64(ta->number, tb->number);
	case TOK_LETTER:
		return sign_u64((unsigned char)ta->val[0], (unsigned char)tb->val[0]);
	case TOK_SUFFIX:
		return sign_u64(ta->suffix, tb->suffix);
	default: /* TOK_COMMIT_HASH: unordered in meaning, ordered as text */
		return blob_sort(ta->val, ta->val_len, tb->val, tb->val_len);
	}
}

static struct cursor cursor_of(const char *s)
{
	struct cursor c = {s, strlen(s)};
	return c;
}

static int compare(const char *a, const char *b, bool fuzzy)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	struct cursor ca = cursor_of(a), cb = cursor_of(b);
	struct token ta, tb;
	for (token_first(&ta, &ca), token_first(&tb, &cb); ta.type == tb.type && ta.type < TOK_END;
	     token_next(&ta, &ca), token_next(&tb, &cb)) {
		int r = token_cmp(&ta, &tb);
		if (r != 0)
			return r;
	}
	/* Both ended, or both went invalid at the same place: equal. */
	if (ta.type == tb.type)
		return 0;
	if (fuzzy && tb.type == TOK_END)
		return 0;
	/* Equal so far and one goes on: the longer one is newer, unless what it
	 * goes on with is a pre-release suffix ("1.0_rc1" < "1.0"). */
	if (ta.type == TOK_SUFFIX && ta.suffix < SUF_NONE)
		return -1;
	if (tb.type == TOK_SUFFIX && tb.suffix < SUF_NONE)
		return 1;
	/* Otherwise the token later in the grammar (END, INVALID included) is
	 * the older version: "1.0" < "1.0.1", "1.0-r1" < "1.0a-r0". */
	if (ta.type > tb.type)
		return -1;
	if (tb.type > ta.type)
		return 1;
	return 0;
}

int version_cmp_apk(const char *a, const char *b)
{
	return compare(a, b, false);
}

int version_cmp_apk_fuzzy(const char *a, const char *b)
{
	return compare(a, b, true);
}

bool version_valid_apk(const char *v)
{
	if (!v)
		return false;
	struct cursor c = cursor_of(v);
	struct token t;
	for (token_first(&t, &c); t.type < TOK_END; token_next(&t, &c))
		;
	return t.type == TOK_END;
}
