/* The streaming scanner.
 *
 * Per file: the first 8 KiB are held back to sniff binaries; after that,
 * bytes go to Hyperscan in pieces of at most 64 KiB. Hyperscan's callback
 * only records (rule, end offset) hits; when a piece has been scanned, the
 * complete lines in it are walked: a line with hits has each hit rule's
 * PCRE2 regex run over the whole line, and every line while a PEM block is
 * open goes to the PEM state machine. The only bytes kept across pieces are
 * the current, incomplete line (the rolling window); a line longer than
 * 64 KiB is confirmed in pieces overlapping by 8 KiB, with matches already
 * reported skipped by offset. Line numbers come from counting newlines as
 * lines go by.
 *
 * Matching is per line, so a chunk boundary anywhere gives the same
 * findings: Hyperscan keeps its own state across the boundary and the line
 * is confirmed only once it is complete. */
#include "secret/internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	PIECE = 64 * 1024,    /* bytes per Hyperscan call: bounds the hit list */
	MAX_LINE = 64 * 1024, /* longer lines are confirmed in pieces */
	OVERLAP = 8 * 1024,   /* kept between segments: longer than any built-in match */
	BLOCK = 4 * 1024,     /* long lines are cut at multiples of this (absolute offsets) */
	SNIFF = 8 * 1024,     /* bytes looked at to decide text or binary */
	CONTEXT = 80,         /* excerpt bytes on each side of a match */
	MAX_STARS = 40,       /* a long secret is not shown as a long row of stars */
	PEM_MIN_BODY = 64,    /* base64 characters: a real key has hundreds */
	PEM_MAX_LINES = 1000, /* a 16384-bit RSA key is ~230 lines */
	MAX_FINDINGS_PER_FILE = 1000, /* beyond this a file is generated data; count the rest */
};
#define PEM_MIN_ENTROPY 4.0 /* bits/char of the body; random base64 is ~5.9 */

struct hit {
	uint32_t rule;
	uint64_t end; /* absolute offset just past the match */
};

struct cand {
	uint32_t rule;
	size_t ms, me; /* the match, in the line */
	size_t ss, se; /* the secret to redact; ss == se: nothing */
	bool pem_open; /* a PEM block continues on the next lines */
	bool dropped;
};

struct found {
	struct secret_finding f;
	uint32_t rule;
	size_t seq; /* order of discovery: ties in the sort keep it */
};

struct pem {
	bool on;
	uint32_t rule;
	int start_line, end_line, lines;
	uint64_t body;
	uint32_t counts[256];
	char *excerpt;
};

enum skip { SKIP_NONE, SKIP_ALLOWED, SKIP_SIZE, SKIP_BINARY };

struct secret_scan {
	const struct secret_rules *r;
	hs_scratch_t *scratch;
	hs_stream_t *stream;
	pcre2_match_data *md;
	pcre2_match_context *mctx;

	/* The current file. */
	char *path;
	int64_t size;
	bool text_mode; /* secret_scan_text: a label, not a path */
	enum skip skip;
	bool truncated, done, stream_dirty, pem_seen;
	unsigned char *sniff;
	size_t sniff_len;
	bool sniffed;
	uint64_t in_bytes; /* given to feed, for the cap */
	uint64_t pos;      /* given to Hyperscan */

	/* The rolling window: the current incomplete line. */
	unsigned char *w;
	size_t wlen, wcap;
	uint64_t woff; /* absolute offset of w[0] */
	int wline;     /* its line number */
	bool wcont;    /* w[0] is not a line start (a long line's later piece) */

	/* Hits not yet confirmed, sorted by end before use. */
	struct hit *hits;
	size_t nhits, caphits, hit_pos, piece_first_hit;
	size_t *hit_last; /* per rule: index of its latest hit in this piece */
	const unsigned char *piece;
	uint64_t piece_off;
	size_t piece_len;

	/* Per rule. */
	unsigned char *rule_on;    /* applies to this file */
	unsigned char *line_rules; /* hit on the line being confirmed */
	uint32_t *line_list;
	size_t nline_list;
	uint64_t *last_end; /* end of its last evaluated match: no double reports on long lines */
	unsigned char *require_seen;

	struct cand *cands;
	size_t ncands, capcands;
	struct pem pem;

	struct found *ff;
	size_t nff, capff;
	uint64_t allowed, dropped;
};

/* ---------- setup ---------- */

struct secret_scan *secret_scan_new(const struct secret_rules *r)
{
	struct secret_scan *s = xcalloc(1, sizeof *s);
	s->r = r;
	if (r->db) {
		if (hs_alloc_scratch(r->db, &s->scratch) != HS_SUCCESS ||
		    hs_open_stream(r->db, 0, &s->stream) != HS_SUCCESS)
			die("secret: cannot allocate Hyperscan scratch or stream (out of memory)");
	}
	uint32_t groups = 0;
	for (size_t i = 0; i < r->nrules; i++) {
		uint32_t n = 0;
		if (r->rules[i].re)
			pcre2_pattern_info(r->rules[i].re, PCRE2_INFO_CAPTURECOUNT, &n);
		if (n > groups)
			groups = n;
	}
	s->md = pcre2_match_data_create(groups + 1, NULL);
	s->mctx = pcre2_match_context_copy(r->mctx);
	if (!s->md || !s->mctx)
		die("secret: out of memory");
	size_t n = r->nrules ? r->nrules : 1;
	s->hit_last = xcalloc(n, sizeof *s->hit_last);
	s->rule_on = xcalloc(n, 1);
	s->line_rules = xcalloc(n, 1);
	s->line_list = xcalloc(n, sizeof *s->line_list);
	s->last_end = xcalloc(n, sizeof *s->last_end);
	s->require_seen = xcalloc(r->nrequire + 1, 1);
	s->sniff = xmalloc(SNIFF);
	return s;
}

static void free_finding(struct secret_finding *f)
{
	free(f->rule_id);
	free(f->category);
	free(f->title);
	free(f->severity);
	free(f->path);
	free(f->match);
}

static void reset_file(struct secret_scan *s)
{
	for (size_t i = 0; i < s->nff; i++)
		free_finding(&s->ff[i].f);
	s->nff = 0;
	free(s->path);
	s->path = NULL;
	free(s->pem.excerpt);
	memset(&s->pem, 0, sizeof s->pem);
	s->skip = SKIP_NONE;
	s->truncated = s->done = s->pem_seen = s->sniffed = false;
	s->sniff_len = 0;
	s->in_bytes = s->pos = 0;
	s->wlen = 0;
	s->woff = 0;
	s->wline = 1;
	s->wcont = false;
	s->nhits = s->hit_pos = 0;
	s->ncands = 0;
	s->allowed = s->dropped = 0;
	size_t n = s->r->nrules;
	memset(s->last_end, 0, n * sizeof *s->last_end);
	memset(s->require_seen, 0, s->r->nrequire + 1);
	if (s->stream && s->stream_dirty)
		hs_reset_stream(s->stream, 0, s->scratch, NULL, NULL);
	s->stream_dirty = false;
}

void secret_scan_free(struct secret_scan *s)
{
	if (!s)
		return;
	reset_file(s);
	if (s->stream)
		hs_close_stream(s->stream, s->scratch, NULL, NULL);
	if (s->scratch)
		hs_free_scratch(s->scratch);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	free(s->w);
	free(s->hits);
	free(s->hit_last);
	free(s->rule_on);
	free(s->line_rules);
	free(s->line_list);
	free(s->last_end);
	free(s->require_seen);
	free(s->cands);
	free(s->ff);
	free(s->sniff);
	free(s);
}

void secret_findings_free(struct secret_findings *f)
{
	for (size_t i = 0; i < f->len; i++)
		free_finding(&f->v[i]);
	free(f->v);
	memset(f, 0, sizeof *f);
}

/* ---------- matching helpers ---------- */

static bool re_match(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md,
		     pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mctx) >= 0;
}

/* True when an allow rule drops this value of rule ri. Allow rules with a
 * path only apply to files (not to labels of image metadata). */
static bool allowed_value(struct secret_scan *s, uint32_t ri, const unsigned char *v, size_t n)
{
	const struct rule *rule = &s->r->rules[ri];
	for (int pass = 0; pass < 2; pass++) {
		const struct allow *a = pass ? rule->allow : s->r->allow;
		size_t na = pass ? rule->nallow : s->r->nallow;
		for (size_t i = 0; i < na; i++) {
			if (!a[i].regex)
				continue;
			if (a[i].path && (s->text_mode ||
					  !re_match(a[i].path, s->path, strlen(s->path), s->md, s->mctx)))
				continue;
			if (re_match(a[i].regex, (const char *)v, n, s->md, s->mctx))
				return true;
		}
	}
	return false;
}

/* ---------- excerpts ---------- */

static int cmp_span(const void *a, const void *b)
{
	const struct cand *x = *(const struct cand *const *)a, *y = *(const struct cand *const *)b;
	return x->ss < y->ss ? -1 : x->ss > y->ss;
}

/* The line [a, b) of `line` with every candidate's secret replaced. */
static char *excerpt(struct secret_scan *s, const unsigned char *line, size_t len, size_t ms,
		     size_t me)
{
	/* Every secret of the line, not only this candidate's: the excerpt of
	 * one finding must not show the next one. Dropped candidates (a generic
	 * rule under a specific one) are redacted too: their value may reach
	 * beyond the specific match, and hiding too much costs nothing. */
	struct cand **spans = xmalloc((s->ncands + 1) * sizeof *spans);
	size_t nspans = 0;
	for (size_t i = 0; i < s->ncands; i++)
		if (s->cands[i].se > s->cands[i].ss)
			spans[nspans++] = &s->cands[i];
	if (nspans > 1)
		qsort(spans, nspans, sizeof *spans, cmp_span);
	size_t a = ms > CONTEXT ? ms - CONTEXT : 0;
	size_t b = len - me > CONTEXT ? me + CONTEXT : len;
	/* Never start or end inside a secret: widen to include it whole. */
	for (size_t i = 0; i < nspans; i++) {
		if (spans[i]->ss < a && spans[i]->se > a)
			a = spans[i]->ss;
		if (spans[i]->ss < b && spans[i]->se > b)
			b = spans[i]->se;
	}
	struct buf out = {0};
	if (a > 0)
		buf_append(&out, "...", 3);
	size_t k = 0;
	for (size_t i = a; i < b;) {
		while (k < nspans && spans[k]->se <= i)
			k++;
		if (k < nspans && spans[k]->ss == i) {
			const struct rule *r = &s->r->rules[spans[k]->rule];
			size_t slen = spans[k]->se - spans[k]->ss;
			size_t keep = r->keep_prefix > 0 && (size_t)r->keep_prefix < slen ? (size_t)r->keep_prefix : 0;
			buf_append(&out, line + i, keep);
			size_t stars = slen - keep < MAX_STARS ? slen - keep : MAX_STARS;
			for (size_t j = 0; j < stars; j++)
				buf_append(&out, "*", 1);
			i = spans[k]->se;
			continue;
		}
		unsigned char c = line[i];
		/* Control characters would garble a terminal report. */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			c = ' ';
		buf_append(&out, &c, 1);
		i++;
	}
	while (out.len && (out.data[out.len - 1] == ' ' || out.data[out.len - 1] == '\t'))
		out.len--;
	if (b < len)
		buf_append(&out, "...", 3);
	buf_append(&out, "", 0);
	char *clean = utf8_sanitize((const char *)out.data);
	buf_free(&out);
	free(spans);
	return clean;
}

static void add_finding(struct secret_scan *s, uint32_t ri, int start, int end, char *match)
{
	if (s->nff >= MAX_FINDINGS_PER_FILE) {
		s->dropped++;
		free(match);
		return;
	}
	const struct rule *r = &s->r->rules[ri];
	void *v = s->ff;
	xgrow(&v, &s->capff, s->nff + 1, sizeof *s->ff);
	s->ff = v;
	struct found *f = &s->ff[s->nff];
	f->rule = ri;
	f->seq = s->nff++;
	f->f.rule_id = xstrdup(r->id);
	f->f.category = xstrdup(r->category);
	f->f.title = xstrdup(r->title);
	f->f.severity = xstrdup(r->severity);
	f->f.path = utf8_sanitize(s->path);
	f->f.start_line = start;
	f->f.end_line = end;
	f->f.match = match;
}

/* ---------- PEM blocks ---------- */

static bool is_b64(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=';
}

static void pem_close(struct secret_scan *s)
{
	struct pem *p = &s->pem;
	if (!p->on)
		return;
	double h = 0;
	if (p->body >= PEM_MIN_BODY) {
		/* Entropy from the character counts of the whole body. */
		for (size_t i = 0; i < 256; i++)
			if (p->counts[i]) {
				double q = (double)p->counts[i] / (double)p->body;
				h -= q * log2(q);
			}
	}
	if (p->body >= PEM_MIN_BODY && h >= PEM_MIN_ENTROPY) {
		add_finding(s, p->rule, p->start_line, p->end_line, p->excerpt);
		p->excerpt = NULL;
	}
	free(p->excerpt);
	memset(p, 0, sizeof *p);
}

static bool in_set(unsigned char c, const char *set)
{
	return c && strchr(set, c);
}

/* Strip what surrounds key lines embedded in source code or configs:
 * indentation, quotes, string concatenation, "\n" escapes, commas. */
static void pem_trim(const unsigned char **line, size_t *len)
{
	const unsigned char *p = *line;
	size_t n = *len;
	while (n && in_set(*p, " \t\"'+"))
		p++, n--;
	for (;;) {
		if (n && in_set(p[n - 1], " \t\r\"',;+\\"))
			n--;
		else if (n >= 2 && p[n - 2] == '\\' && (p[n - 1] == 'n' || p[n - 1] == 'r'))
			n -= 2;
		else
			break;
	}
	*line = p;
	*len = n;
}

/* One line while a block is open. */
static void pem_line(struct secret_scan *s, const unsigned char *line, size_t len, int line_no)
{
	struct pem *p = &s->pem;
	pem_trim(&line, &len);
	if (++p->lines > PEM_MAX_LINES) {
		pem_close(s);
		return;
	}
	if (len == 0)
		return; /* PGP armour separates headers from the body with a blank line */
	if (len >= 8 && memcmp(line, "-----END", 8) == 0) {
		p->end_line = line_no;
		pem_close(s);
		return;
	}
	size_t i = 0;
	while (i < len && is_b64(line[i]))
		i++;
	if (i == len) {
		for (i = 0; i < len; i++)
			if (line[i] != '=')
				p->counts[line[i]]++, p->body++;
		p->end_line = line_no;
		return;
	}
	/* RFC 1421 / RFC 4880 headers before the body: "Proc-Type: 4,ENCRYPTED". */
	const unsigned char *colon = memchr(line, ':', len);
	if (p->body == 0 && colon && colon > line && colon + 1 < line + len && colon[1] == ' ')
		return;
	pem_close(s); /* something else: the block ended without END */
}

/* A BEGIN line matched [ms, me). Either the body follows on the same line
 * (JSON or env value with \n escapes or spaces) and the candidate is
 * complete, or nothing but quoting follows and the block opens; anything
 * else (prose, a regex, code) is not a key. Returns false to drop. */
static bool pem_begin(struct secret_scan *s, struct cand *c, const unsigned char *line, size_t len,
		      int line_no)
{
	s->pem_seen = true;
	uint32_t counts[256] = {0};
	uint64_t body = 0;
	size_t i = c->me, body_end = c->me;
	while (i < len) {
		unsigned char ch = line[i];
		if (ch == '\\' && i + 1 < len && (line[i + 1] == 'n' || line[i + 1] == 'r')) {
			i += 2;
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			i++;
		} else if (is_b64(ch)) {
			if (ch != '=')
				counts[ch]++, body++;
			body_end = ++i;
		} else {
			break;
		}
	}
	if (body >= PEM_MIN_BODY) {
		double h = 0;
		for (size_t k = 0; k < 256; k++)
			if (counts[k]) {
				double q = (double)counts[k] / (double)body;
				h -= q * log2(q);
			}
		if (h < PEM_MIN_ENTROPY)
			return false;
		c->ss = c->me;
		c->se = body_end;
		if (allowed_value(s, c->rule, line + c->ss, c->se - c->ss)) {
			s->allowed++;
			return false;
		}
		return true;
	}
	const unsigned char *rest = line + c->me;
	size_t rlen = len - c->me;
	pem_trim(&rest, &rlen);
	if (rlen)
		return false;
	c->pem_open = true;
	(void)line_no;
	return true;
}

/* ---------- confirming one line ---------- */

static void confirm_rule(struct secret_scan *s, uint32_t ri, const unsigned char *line, size_t len,
			 uint64_t abs, bool bol, bool eol, int line_no)
{
	const struct rule *r = &s->r->rules[ri];
	uint32_t opts = (bol ? 0 : PCRE2_NOTBOL) | (eol ? 0 : PCRE2_NOTEOL);
	size_t start = 0;
	while (start <= len) {
		int rc = pcre2_match(r->re, line, len, start, opts, s->md, s->mctx);
		if (rc < 0)
			break; /* no match, or a limit hit on a hostile line */
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
		size_t ms = ov[0], me = ov[1];
		start = me > ms ? me : ms + 1;
		if (abs + ms < s->last_end[ri])
			continue; /* seen in the previous piece of a long line */
		s->last_end[ri] = abs + me;
		size_t ss = ms, se = me;
		uint32_t g = r->secret_group;
		if (g && g < (uint32_t)rc && ov[2 * g] != PCRE2_UNSET) {
			ss = ov[2 * g];
			se = ov[2 * g + 1];
		}
		struct cand c = {.rule = ri, .ms = ms, .me = me, .ss = ss, .se = se};
		if (r->kind == KIND_PEM) {
			c.ss = c.se = ms;
			if (!pem_begin(s, &c, line, len, line_no))
				continue;
		} else {
			const unsigned char *v = line + ss;
			size_t vlen = se - ss;
			if (vlen == 0)
				continue;
			if (r->entropy > 0 && secret_entropy(v, vlen) < r->entropy)
				continue;
			if (r->check != CHECK_NONE) {
				struct check_in in = {.line = line, .len = len, .ms = ms, .me = me,
						      .vs = ss, .ve = se, .as = -1, .ae = -1};
				int a = r->aux_group;
				if (a > 0 && a < rc && ov[2 * a] != PCRE2_UNSET) {
					in.as = (long)ov[2 * a];
					in.ae = (long)ov[2 * a + 1];
				}
				if (!secret_check(r->check, &in))
					continue;
			}
			if (allowed_value(s, ri, v, vlen)) {
				s->allowed++;
				continue;
			}
			if (r->keep_prefix < 0)
				c.ss = c.se = ms; /* nothing secret in the match itself */
		}
		void *p = s->cands;
		xgrow(&p, &s->capcands, s->ncands + 1, sizeof *s->cands);
		s->cands = p;
		s->cands[s->ncands++] = c;
	}
}

static bool overlaps(const struct cand *a, const struct cand *b)
{
	size_t as = a->se > a->ss ? a->ss : a->ms, ae = a->se > a->ss ? a->se : a->me;
	size_t bs = b->se > b->ss ? b->ss : b->ms, be = b->se > b->ss ? b->se : b->me;
	return as < be && bs < ae;
}

/* The hits that belong to a line ending at abs_end (exclusive of its
 * newline, which is at abs_end when there is one). */
static void take_hits(struct secret_scan *s, uint64_t abs_end_incl)
{
	while (s->hit_pos < s->nhits && s->hits[s->hit_pos].end <= abs_end_incl) {
		uint32_t ri = s->hits[s->hit_pos++].rule;
		if (!s->line_rules[ri]) {
			s->line_rules[ri] = 1;
			s->line_list[s->nline_list++] = ri;
		}
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* One line (or one piece of a long line): [line, line+len) at absolute
 * offset abs, without its newline. */
static void process_line(struct secret_scan *s, const unsigned char *line, size_t len, uint64_t abs,
			 int line_no, bool bol, bool eol)
{
	/* A match that consumed the newline ends one past it. */
	take_hits(s, abs + len + (eol ? 1 : 0));
	if (s->pem.on) {
		if (bol && eol)
			pem_line(s, line, len, line_no);
		else
			pem_close(s); /* a 64 KiB+ line is no PEM body line */
	}
	if (!s->nline_list)
		return;
	/* Rule order, so findings on one line come out the same whatever the
	 * order of hits. */
	qsort(s->line_list, s->nline_list, sizeof *s->line_list, cmp_u32);
	s->ncands = 0;
	for (size_t i = 0; i < s->nline_list; i++) {
		confirm_rule(s, s->line_list[i], line, len, abs, bol, eol, line_no);
		s->line_rules[s->line_list[i]] = 0;
	}
	s->nline_list = 0;
	/* A specific rule beats a generic one on the same text; of two generic
	 * ones the first (in rule order) stays. */
	for (size_t i = 0; i < s->ncands; i++) {
		struct cand *c = &s->cands[i];
		if (!s->r->rules[c->rule].low_priority)
			continue;
		for (size_t j = 0; j < s->ncands && !c->dropped; j++) {
			struct cand *o = &s->cands[j];
			if (j == i || o->dropped || !overlaps(c, o))
				continue;
			if (!s->r->rules[o->rule].low_priority || j < i)
				c->dropped = true;
		}
	}
	for (size_t i = 0; i < s->ncands; i++) {
		struct cand *c = &s->cands[i];
		if (c->dropped)
			continue;
		char *m = excerpt(s, line, len, c->ms, c->me);
		if (c->pem_open) {
			pem_close(s);
			s->pem.on = true;
			s->pem.rule = c->rule;
			s->pem.start_line = s->pem.end_line = line_no;
			s->pem.excerpt = m;
		} else {
			add_finding(s, c->rule, line_no, line_no, m);
		}
	}
	s->ncands = 0;
}

/* ---------- streaming ---------- */

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct secret_scan *s = ctx;
	size_t nrules = s->r->nrules;
	if (id >= nrules) {
		s->require_seen[id - nrules] = 1;
		return 0;
	}
	if (!s->rule_on[id])
		return 0;
	/* Collapse hits of one rule on one line: only the line matters, and a
	 * long run of "password=aaaa..." reports every end offset. Never
	 * across a BLOCK boundary, where a long line may be cut: then the
	 * result cannot depend on which hits happened to share a piece. */
	size_t li = s->hit_last[id];
	if (s->piece && li >= s->piece_first_hit && li < s->nhits && s->hits[li].rule == id) {
		uint64_t pe = s->hits[li].end;
		if (pe > s->piece_off && to > pe && (pe - 1) / BLOCK == (to - 1) / BLOCK &&
		    !memchr(s->piece + (pe - 1 - s->piece_off), '\n', (size_t)(to - pe))) {
			s->hits[li].end = to;
			return 0;
		}
	}
	void *v = s->hits;
	xgrow(&v, &s->caphits, s->nhits + 1, sizeof *s->hits);
	s->hits = v;
	s->hits[s->nhits] = (struct hit){.rule = id, .end = to};
	s->hit_last[id] = s->nhits++;
	return 0;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	return x->end < y->end ? -1 : x->end > y->end;
}

static void sort_hits(struct secret_scan *s)
{
	for (size_t i = s->hit_pos + 1; i < s->nhits; i++)
		if (s->hits[i].end < s->hits[i - 1].end) {
			qsort(s->hits + s->hit_pos, s->nhits - s->hit_pos, sizeof *s->hits, cmp_hit);
			return;
		}
}

static void drop_used_hits(struct secret_scan *s)
{
	if (s->hit_pos) {
		memmove(s->hits, s->hits + s->hit_pos, (s->nhits - s->hit_pos) * sizeof *s->hits);
		s->nhits -= s->hit_pos;
		s->hit_pos = 0;
	}
}

static void win_append(struct secret_scan *s, const unsigned char *p, size_t n)
{
	if (!n)
		return;
	void *v = s->w;
	xgrow(&v, &s->wcap, s->wlen + n, 1);
	s->w = v;
	memcpy(s->w + s->wlen, p, n);
	s->wlen += n;
}

/* Newlines in [p, end), eight bytes at a time: most bytes of a file go
 * through here (only lines with hits are looked at more closely). */
static int count_newlines(const unsigned char *p, const unsigned char *end)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	int n = 0;
	while (end - p >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		w ^= ones * '\n'; /* bytes equal to '\n' become 0 */
		/* High bit set exactly in the zero bytes (no borrow between bytes). */
		uint64_t z = ~(((w & ~high) + ~high) | w) & high;
		n += __builtin_popcountll(z);
		p += 8;
	}
	while (p < end)
		n += *p++ == '\n';
	return n;
}

/* Complete lines [q, end), end[-1] == '\n', q at absolute offset base. */
static void process_lines(struct secret_scan *s, const unsigned char *q, const unsigned char *end,
			  uint64_t base)
{
	const unsigned char *cur = q;
	int line_no = s->wline;
	uint64_t end_abs = base + (uint64_t)(end - q);
	while (cur < end) {
		const unsigned char *ls;
		if (s->pem.on) {
			ls = cur; /* every line while a block is open */
		} else if (s->hit_pos < s->nhits && s->hits[s->hit_pos].end <= end_abs) {
			uint64_t e = s->hits[s->hit_pos].end;
			uint64_t last = e > base ? e - 1 : base; /* the match's last byte */
			const unsigned char *at = q + (last - base);
			if (at < cur)
				at = cur;
			const unsigned char *nl = at > cur ? memrchr(cur, '\n', (size_t)(at - cur)) : NULL;
			ls = nl ? nl + 1 : cur;
			line_no += count_newlines(cur, ls);
		} else {
			break;
		}
		const unsigned char *le = memchr(ls, '\n', (size_t)(end - ls));
		process_line(s, ls, (size_t)(le - ls), base + (uint64_t)(ls - q), line_no, true, true);
		cur = le + 1;
		line_no++;
	}
	line_no += count_newlines(cur, end);
	s->wline = line_no;
}

/* A line longer than MAX_LINE is confirmed in segments ending at absolute
 * offsets that are multiples of BLOCK, so where the cuts fall depends on
 * the content only, never on how the caller chunked it; each segment keeps
 * the OVERLAP bytes before it, and matches already evaluated are skipped
 * by offset (last_end). */
static void long_line_flush(struct secret_scan *s)
{
	while (s->wlen > MAX_LINE) {
		uint64_t cut = (s->woff + MAX_LINE) / BLOCK * BLOCK;
		size_t seg = (size_t)(cut - s->woff);
		process_line(s, s->w, seg, s->woff, s->wline, !s->wcont, false);
		size_t drop = seg - OVERLAP;
		memmove(s->w, s->w + drop, s->wlen - drop);
		s->wlen -= drop;
		s->woff += drop;
		s->wcont = true;
	}
}

static void scan_piece(struct secret_scan *s, const unsigned char *p, size_t n)
{
	s->piece = p;
	s->piece_off = s->pos;
	s->piece_len = n;
	s->piece_first_hit = s->nhits;
	if (s->stream) {
		hs_scan_stream(s->stream, (const char *)p, (unsigned)n, 0, s->scratch, on_match, s);
		s->stream_dirty = true;
	}
	s->piece = NULL;
	s->pos += n;
	sort_hits(s);

	const unsigned char *nl = memchr(p, '\n', n);
	if (!nl) {
		win_append(s, p, n);
		long_line_flush(s);
		drop_used_hits(s);
		return;
	}
	/* The line that started before this piece, completed by it (cut into
	 * segments first if long, exactly as if it had arrived in pieces). */
	win_append(s, p, (size_t)(nl - p));
	long_line_flush(s);
	process_line(s, s->w, s->wlen, s->woff, s->wline, !s->wcont, true);
	s->wline++;
	s->wlen = 0;
	s->wcont = false;
	const unsigned char *q = nl + 1, *end = p + n;
	uint64_t q_abs = s->piece_off + (uint64_t)(q - p);
	const unsigned char *last = q < end ? memrchr(q, '\n', (size_t)(end - q)) : NULL;
	if (last) {
		process_lines(s, q, last + 1, q_abs);
		q_abs += (uint64_t)(last + 1 - q);
		q = last + 1;
	}
	s->woff = q_abs;
	win_append(s, q, (size_t)(end - q));
	long_line_flush(s);
	drop_used_hits(s);
}

static void scan_bytes(struct secret_scan *s, const unsigned char *p, size_t n)
{
	while (n) {
		size_t k = n < PIECE ? n : PIECE;
		scan_piece(s, p, k);
		p += k;
		n -= k;
	}
}

/* Binary: a NUL byte, or more than a quarter of the bytes not in valid
 * UTF-8 sequences (Latin-1 text has a few percent). A sequence cut by the
 * end of a partial sniff is not held against the file. */
static bool looks_binary(const unsigned char *p, size_t n, bool whole)
{
	if (memchr(p, 0, n))
		return true;
	/* Plain ASCII, the common case, needs no UTF-8 walk. */
	size_t i = 0;
	for (uint64_t w; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	size_t bad = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t need = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
		if (need == 9 || (need == 1 && c < 0xc2)) {
			bad++;
			i++;
			continue;
		}
		size_t j = 1;
		while (j <= need && i + j < n && (p[i + j] & 0xc0) == 0x80)
			j++;
		if (j <= need && !(i + j == n && !whole)) {
			bad++;
			i++;
			continue;
		}
		i += j;
	}
	return bad * 4 > n;
}

static void decide_sniff(struct secret_scan *s, bool whole)
{
	s->sniffed = true;
	if (looks_binary(s->sniff, s->sniff_len, whole)) {
		s->skip = SKIP_BINARY;
		return;
	}
	scan_bytes(s, s->sniff, s->sniff_len);
}

static void begin(struct secret_scan *s, const char *path, int64_t size, bool text_mode)
{
	reset_file(s);
	s->path = xstrdup(path);
	s->size = size;
	s->text_mode = text_mode;
	const struct secret_rules *r = s->r;
	for (size_t i = 0; i < r->nrules; i++)
		s->hit_last[i] = SIZE_MAX;
	if (text_mode) {
		s->sniffed = true;
		for (size_t i = 0; i < r->nrules; i++)
			s->rule_on[i] = !r->rules[i].path && r->rules[i].kind != KIND_FILENAME;
		return;
	}
	size_t plen = strlen(path);
	for (size_t i = 0; i < r->nallow; i++) {
		const struct allow *a = &r->allow[i];
		if (a->path && !a->regex && re_match(a->path, path, plen, s->md, s->mctx)) {
			s->skip = SKIP_ALLOWED;
			return;
		}
	}
	if (size >= 0 && (uint64_t)size > r->max_file_bytes) {
		s->skip = SKIP_SIZE;
		return;
	}
	for (size_t i = 0; i < r->nrules; i++) {
		const struct rule *rule = &r->rules[i];
		bool on = !rule->path || re_match(rule->path, path, plen, s->md, s->mctx);
		for (size_t k = 0; k < rule->nallow && on; k++)
			if (rule->allow[k].path && !rule->allow[k].regex &&
			    re_match(rule->allow[k].path, path, plen, s->md, s->mctx))
				on = false;
		s->rule_on[i] = on;
	}
}

int secret_file_begin(struct secret_scan *s, const char *path, int64_t size)
{
	begin(s, path, size, false);
	return s->skip != SKIP_NONE;
}

int secret_file_wants_more(const struct secret_scan *s)
{
	return s->skip == SKIP_NONE && !s->done;
}

void secret_file_feed(struct secret_scan *s, const void *data, size_t n)
{
	if (s->skip != SKIP_NONE || s->done || !s->path)
		return;
	const unsigned char *p = data;
	if (!s->text_mode) {
		uint64_t room = s->r->max_file_bytes - s->in_bytes;
		if (n > room) {
			n = (size_t)room;
			s->truncated = s->done = true;
		}
	}
	s->in_bytes += n;
	if (!s->sniffed) {
		size_t k = SNIFF - s->sniff_len < n ? SNIFF - s->sniff_len : n;
		memcpy(s->sniff + s->sniff_len, p, k);
		s->sniff_len += k;
		p += k;
		n -= k;
		if (s->sniff_len < SNIFF)
			return;
		decide_sniff(s, false);
		if (s->skip != SKIP_NONE)
			return;
	}
	scan_bytes(s, p, n);
}

static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	if (x->f.start_line != y->f.start_line)
		return x->f.start_line < y->f.start_line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void finish(struct secret_scan *s, struct secret_findings *out, bool count)
{
	if (!s->path)
		return;
	if (s->skip == SKIP_NONE && !s->sniffed)
		decide_sniff(s, !s->truncated);
	if (count) {
		switch (s->skip) {
		case SKIP_NONE:
			out->files_scanned++;
			break;
		case SKIP_ALLOWED:
			out->files_skipped_allowed++;
			break;
		case SKIP_SIZE:
			out->files_skipped_size++;
			break;
		case SKIP_BINARY:
			out->files_skipped_binary++;
			break;
		}
		if (s->truncated)
			out->files_truncated++;
		out->bytes_scanned += s->pos;
	}
	if (s->skip == SKIP_NONE) {
		/* Matches anchored at the end of the data ($ on a last line
		 * without newline) are reported when the stream is reset. */
		if (s->stream) {
			s->piece = NULL;
			hs_reset_stream(s->stream, 0, s->scratch, on_match, s);
			s->stream_dirty = false;
			sort_hits(s);
		}
		if (s->wlen || s->nhits > s->hit_pos)
			process_line(s, s->w, s->wlen, s->woff, s->wline, !s->wcont, true);
		pem_close(s);
	}
	const struct secret_rules *r = s->r;
	if (!s->text_mode && s->skip != SKIP_ALLOWED && !s->pem_seen && (s->size > 0 || s->in_bytes > 0)) {
		for (size_t i = 0; i < r->nrules; i++)
			if (r->rules[i].kind == KIND_FILENAME && s->rule_on[i])
				add_finding(s, (uint32_t)i, 0, 0, utf8_sanitize(path_base(s->path)));
	}
	/* Rules that need a second pattern somewhere in the file. */
	size_t keep = 0;
	for (size_t i = 0; i < s->nff; i++) {
		const struct rule *rule = &r->rules[s->ff[i].rule];
		if (rule->require_id >= 0 && !s->require_seen[rule->require_id])
			free_finding(&s->ff[i].f);
		else
			s->ff[keep++] = s->ff[i];
	}
	s->nff = keep;
	if (s->nff > 1)
		qsort(s->ff, s->nff, sizeof *s->ff, cmp_found);
	void *v = out->v;
	xgrow(&v, &out->cap, out->len + s->nff, sizeof *out->v);
	out->v = v;
	for (size_t i = 0; i < s->nff; i++)
		out->v[out->len++] = s->ff[i].f;
	s->nff = 0;
	out->matches_allowed += s->allowed;
	out->findings_dropped += s->dropped;
	reset_file(s);
}

void secret_file_end(struct secret_scan *s, struct secret_findings *out)
{
	finish(s, out, true);
}

void secret_scan_text(struct secret_scan *s, const char *label, const char *text,
		      struct secret_findings *out)
{
	begin(s, label, -1, true);
	scan_bytes(s, (const unsigned char *)text, strlen(text));
	finish(s, out, false);
}
