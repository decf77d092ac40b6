/* db/jframe.h: framing of large JSON documents, so feeds of hundreds of
 * megabytes are read one record at a time.
 *
 * This is not a JSON parser. It walks the outer structure of a document (the
 * top-level object's members, the elements of one array inside it) and cuts
 * out the raw bytes of each value by tracking strings, escapes and bracket
 * depth; every value is then parsed by jansson (json_loadb), which does all
 * the real validation. Memory stays bounded by the largest single value, and
 * hostile input is bounded by three limits: the length of any one string, the
 * size of any one value and the nesting depth. */
#ifndef VIGIL_DB_JFRAME_H
#define VIGIL_DB_JFRAME_H

#include "util/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads up to n bytes: returns the count, 0 at end of input, -1 with e set. */
typedef ssize_t (*vdb_jf_read_fn)(void *ctx, void *buf, size_t n, struct err *e);

struct jframe {
	vdb_jf_read_fn read;
	void *ctx;
	unsigned char *buf;
	size_t pos, len, cap;
	uint64_t off; /* stream offset of buf[0], for messages */
	bool eof;
	size_t max_string; /* bytes in one string, escapes counted raw */
	size_t max_value;  /* bytes in one framed value */
	size_t max_depth;
	bool first; /* no member/element read yet in the current container */
	bool bom_done;
	struct buf scratch;
};

void vdb_jf_init(struct jframe *j, vdb_jf_read_fn read, void *ctx);
void vdb_jf_free(struct jframe *j);

/* Offset of the next unread byte. */
uint64_t vdb_jf_offset(const struct jframe *j);
/* Next non-blank byte without consuming it; -1 at end of input, -2 on a read
 * error (e set). */
int vdb_jf_peek(struct jframe *j, struct err *e);

/* Containers. begin consumes the opening bracket (error if something else
 * comes). next returns 1 when a member/element follows (for objects the key
 * is decoded into *key, malloc'd, and the ':' consumed), 0 after consuming
 * the closing bracket, -1 with e set. Only one container level can be walked
 * at a time with next: nested values are read whole with vdb_jf_value. */
int vdb_jf_object_begin(struct jframe *j, struct err *e);
int vdb_jf_object_next(struct jframe *j, char **key, struct err *e);
int vdb_jf_array_begin(struct jframe *j, struct err *e);
int vdb_jf_array_next(struct jframe *j, struct err *e);

/* Frames the next value and parses it with jansson. NULL with e set. */
json_t *vdb_jf_value(struct jframe *j, struct err *e);
/* Frames the next value without parsing it: its raw bytes go to *out (whose
 * old storage is reused), its stream offset to *start. Parse later, on any
 * thread, with vdb_jf_parse (same messages as vdb_jf_value). */
int vdb_jf_raw(struct jframe *j, struct buf *out, uint64_t *start, struct err *e);
json_t *vdb_jf_parse(const struct buf *raw, uint64_t start, struct err *e);
/* Frames and discards the next value (still bounded by the limits). */
int vdb_jf_skip(struct jframe *j, struct err *e);
/* After the top-level value: only blanks may remain. */
int vdb_jf_finish(struct jframe *j, struct err *e);

#endif
