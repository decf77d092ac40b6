#include "db/jframe.h"

#include <stdlib.h>
#include <string.h>

enum { JF_CHUNK = 256 * 1024 };

void vdb_jf_init(struct jframe *j, vdb_jf_read_fn read, void *ctx)
{
	memset(j, 0, sizeof *j);
	j->read = read;
	j->ctx = ctx;
	j->cap = JF_CHUNK;
	j->buf = xmalloc(j->cap);
	j->max_string = 1 << 20;
	j->max_value = 256u << 20;
	j->max_depth = 256;
	j->first = true;
}

void vdb_jf_free(struct jframe *j)
{
	free(j->buf);
	buf_free(&j->scratch);
	memset(j, 0, sizeof *j);
}

uint64_t vdb_jf_offset(const struct jframe *j)
{
	return j->off + j->pos;
}

/* Makes at least one unread byte available: 1, 0 at end of input, -1 on error. */
static int fill(struct jframe *j, struct err *e)
{
	if (j->pos < j->len)
		return 1;
	if (j->eof)
		return 0;
	j->off += j->len;
	j->pos = j->len = 0;
	ssize_t n = j->read(j->ctx, j->buf, j->cap, e);
	if (n < 0)
		return -1;
	if (n == 0) {
		j->eof = true;
		return 0;
	}
	j->len = (size_t)n;
	return 1;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int vdb_jf_peek(struct jframe *j, struct err *e)
{
	/* A UTF-8 byte order mark some tools write is not JSON; skip it at the
	 * start of the stream, whatever the read sizes. */
	while (!j->bom_done) {
		static const unsigned char bom[] = {0xef, 0xbb, 0xbf};
		int r = fill(j, e);
		if (r < 0)
			return -2;
		if (r == 0 || j->off + j->pos >= 3 || j->buf[j->pos] != bom[j->off + j->pos]) {
			j->bom_done = true;
			break;
		}
		j->pos++;
	}
	for (;;) {
		int r = fill(j, e);
		if (r < 0)
			return -2;
		if (r == 0)
			return -1;
		while (j->pos < j->len && is_blank(j->buf[j->pos]))
			j->pos++;
		if (j->pos < j->len)
			return j->buf[j->pos];
	}
}

/* Consumes the expected byte or explains what came instead. */
static int expect(struct jframe *j, char want, const char *what, struct err *e)
{
	uint64_t at = vdb_jf_offset(j);
	int c = vdb_jf_peek(j, e);
	if (c == -2)
		return -1;
	if (c != want) {
		if (c == -1)
			err_set(e, "truncated JSON: input ends where %s was expected (byte %llu)", what,
				(unsigned long long)at);
		else
			err_set(e, "malformed JSON: expected %s at byte %llu, found '%c'", what,
				(unsigned long long)vdb_jf_offset(j), c >= 0x20 && c < 0x7f ? c : '?');
		return -1;
	}
	j->pos++;
	return 0;
}

enum frame_state { FS_NORMAL, FS_STRING, FS_ESCAPE, FS_SCALAR };

/* Copies the raw bytes of the next value into j->scratch (NUL-terminated).
 * *start receives its stream offset. */
static int frame(struct jframe *j, uint64_t *start, struct err *e)
{
	j->scratch.len = 0;
	int c = vdb_jf_peek(j, e);
	if (c == -2)
		return -1;
	*start = vdb_jf_offset(j);
	if (c == -1) {
		err_set(e, "truncated JSON: input ends where a value was expected (byte %llu)",
			(unsigned long long)*start);
		return -1;
	}
	enum frame_state st;
	size_t depth = 0, slen = 0;
	if (c == '"') {
		st = FS_STRING;
		j->pos++;
		buf_append(&j->scratch, "\"", 1);
	} else if (c == '{' || c == '[') {
		st = FS_NORMAL;
	} else if (c == '}' || c == ']' || c == ',' || c == ':') {
		err_set(e, "malformed JSON: unexpected '%c' at byte %llu", c, (unsigned long long)*start);
		return -1;
	} else {
		st = FS_SCALAR;
	}
	bool done = false;
	while (!done) {
		int r = fill(j, e);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (st == FS_SCALAR && j->scratch.len > 0)
				break; /* a bare top-level number ends with the input */
			err_set(e, "truncated JSON: input ends inside %s that starts at byte %llu",
				st == FS_STRING || st == FS_ESCAPE ? "a string"
				: depth > 0			    ? "an object or array"
								    : "a value",
				(unsigned long long)*start);
			return -1;
		}
		size_t i = j->pos;
		const unsigned char *p = j->buf;
		while (i < j->len && !done) {
			unsigned char b = p[i];
			switch (st) {
			case FS_SCALAR:
				if (b == ',' || b == '}' || b == ']' || b == ':' || is_blank(b)) {
					done = true;
					continue; /* the delimiter is not part of the value */
				}
				if (++slen > j->max_string)
					goto too_long;
				break;
			case FS_STRING:
				if (b == '\\')
					st = FS_ESCAPE;
				else if (b == '"') {
					st = FS_NORMAL;
					slen = 0;
					if (depth == 0)
						done = true;
				} else if (++slen > j->max_string)
					goto too_long;
				break;
			case FS_ESCAPE:
				st = FS_STRING;
				if (++slen > j->max_string)
					goto too_long;
				break;
			case FS_NORMAL:
				if (b == '"') {
					st = FS_STRING;
				} else if (b == '{' || b == '[') {
					if (++depth > j->max_depth) {
						err_set(e, "JSON nested deeper than %zu levels at byte %llu",
							j->max_depth, (unsigned long long)(j->off + i));
						return -1;
					}
				} else if (b == '}' || b == ']') {
					if (depth == 0) {
						err_set(e, "malformed JSON: unbalanced '%c' at byte %llu", b,
							(unsigned long long)(j->off + i));
						return -1;
					}
					if (--depth == 0)
						done = true;
				}
				break;
			}
			i++;
		}
		buf_append(&j->scratch, p + j->pos, i - j->pos);
		j->pos = i;
		if (j->scratch.len > j->max_value) {
			err_set(e, "JSON value starting at byte %llu is larger than %zu bytes",
				(unsigned long long)*start, j->max_value);
			return -1;
		}
	}
	return 0;
too_long:
	err_set(e, "string longer than %zu bytes in the value starting at byte %llu", j->max_string,
		(unsigned long long)*start);
	return -1;
}

static json_t *parse_scratch(struct jframe *j, uint64_t start, struct err *e)
{
	json_error_t jerr;
	json_t *v = json_loadb((const char *)j->scratch.data, j->scratch.len, JSON_DECODE_ANY, &jerr);
	if (!v)
		err_set(e, "invalid JSON at byte %llu: %s",
			(unsigned long long)(start + (uint64_t)(jerr.position > 0 ? jerr.position : 0)),
			jerr.text);
	return v;
}

json_t *vdb_jf_value(struct jframe *j, struct err *e)
{
	uint64_t start;
	if (frame(j, &start, e) != 0)
		return NULL;
	return parse_scratch(j, start, e);
}

int vdb_jf_raw(struct jframe *j, struct buf *out, uint64_t *start, struct err *e)
{
	if (frame(j, start, e) != 0)
		return -1;
	/* Hand the framed bytes over and keep the scratch buffer's storage. */
	struct buf tmp = *out;
	*out = j->scratch;
	j->scratch = tmp;
	j->scratch.len = 0;
	return 0;
}

json_t *vdb_jf_parse(const struct buf *raw, uint64_t start, struct err *e)
{
	json_error_t jerr;
	json_t *v = json_loadb((const char *)raw->data, raw->len, JSON_DECODE_ANY, &jerr);
	if (!v)
		err_set(e, "invalid JSON at byte %llu: %s",
			(unsigned long long)(start + (uint64_t)(jerr.position > 0 ? jerr.position : 0)),
			jerr.text);
	return v;
}

int vdb_jf_skip(struct jframe *j, struct err *e)
{
	uint64_t start;
	return frame(j, &start, e);
}

int vdb_jf_object_begin(struct jframe *j, struct err *e)
{
	j->first = true;
	return expect(j, '{', "'{'", e);
}

int vdb_jf_array_begin(struct jframe *j, struct err *e)
{
	j->first = true;
	return expect(j, '[', "'['", e);
}

/* Consumes a separating ',' or the closing bracket: 1 more follows, 0 closed. */
static int next_sep(struct jframe *j, char close, struct err *e)
{
	int c = vdb_jf_peek(j, e);
	if (c == -2)
		return -1;
	if (c == close) {
		j->pos++;
		return 0;
	}
	if (j->first) {
		if (c == -1) {
			err_set(e, "truncated JSON: input ends inside a container (byte %llu)",
				(unsigned long long)vdb_jf_offset(j));
			return -1;
		}
		j->first = false;
		return 1;
	}
	char what[16];
	snprintf(what, sizeof what, "',' or '%c'", close);
	if (expect(j, ',', what, e) != 0)
		return -1;
	return 1;
}

int vdb_jf_object_next(struct jframe *j, char **key, struct err *e)
{
	*key = NULL;
	int r = next_sep(j, '}', e);
	if (r <= 0)
		return r;
	int c = vdb_jf_peek(j, e);
	if (c == -2)
		return -1;
	if (c != '"') {
		if (c == -1)
			err_set(e, "truncated JSON: input ends where a member name was expected (byte %llu)",
				(unsigned long long)vdb_jf_offset(j));
		else
			err_set(e, "malformed JSON: expected a member name at byte %llu",
				(unsigned long long)vdb_jf_offset(j));
		return -1;
	}
	uint64_t start;
	if (frame(j, &start, e) != 0)
		return -1;
	const char *raw = (const char *)j->scratch.data;
	size_t n = j->scratch.len;
	if (!memchr(raw, '\\', n)) {
		*key = xstrndup(raw + 1, n - 2);
	} else {
		json_t *s = parse_scratch(j, start, e);
		if (!s)
			return -1;
		*key = xstrdup(json_string_value(s));
		json_decref(s);
	}
	if (expect(j, ':', "':'", e) != 0) {
		free(*key);
		*key = NULL;
		return -1;
	}
	return 1;
}

int vdb_jf_array_next(struct jframe *j, struct err *e)
{
	return next_sep(j, ']', e);
}

int vdb_jf_finish(struct jframe *j, struct err *e)
{
	int c = vdb_jf_peek(j, e);
	if (c == -2)
		return -1;
	if (c != -1) {
		err_set(e, "malformed JSON: unexpected data after the document at byte %llu",
			(unsigned long long)vdb_jf_offset(j));
		return -1;
	}
	return 0;
}
