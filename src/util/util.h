/* util: small building blocks every stage uses — allocation that dies loudly,
 * a growable byte buffer, error/warning reporting, sha256 over OpenSSL, and
 * lexical path normalisation. Nothing here knows about images. */
#ifndef VIGIL_UTIL_H
#define VIGIL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: out of memory is not recoverable for a CLI tool; abort with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grow *p (holding *cap elements of size elem) so that it holds at least need. */
void xgrow(void **p, size_t *cap, size_t need, size_t elem);

/* A growable byte buffer; data is always NUL-terminated for convenience. */
struct buf {
	unsigned char *data;
	size_t len, cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);
/* Take ownership of the bytes as a C string; the buffer is left empty. */
char *buf_steal(struct buf *b);

/* Errors: a fixed-size message a failing function fills in for its caller. */
struct err {
	char msg[1024];
};
void err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix an existing message, e.g. with the file it concerns. */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Messages for the user on stderr, "vigil: error: ..." / "vigil: warning: ...". */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool util_quiet; /* configuration: suppress warnings (--quiet) */

/* SHA-256 (OpenSSL EVP). */
struct sha256 {
	void *ctx;
};
void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *p, size_t n);
/* Writes "sha256:<64 hex>" (72 bytes incl. NUL) and frees the context. */
void sha256_final_digest(struct sha256 *h, char out[72]);
void sha256_abort(struct sha256 *h);
void sha256_digest_of(const void *p, size_t n, char out[72]);

/* Normalise a path from an archive: strip leading "/" and "./", fold "." and
 * "..", collapse "//". Returns a new string, "" for the root, or NULL when the
 * path climbs above the root ("../x", "a/../../x"). */
char *path_normalize(const char *in);
/* Last component of a normalised path (pointer into it). */
const char *path_base(const char *p);
/* True when p equals dir or lies below it ("a/b" is under "a"); dir "" is the root. */
bool path_is_under(const char *p, const char *dir);

/* Render arbitrary bytes as valid UTF-8 for output: invalid sequences become
 * "\xNN" escapes. Always returns a new string. */
char *utf8_sanitize(const char *s);

/* Read a whole small file (cap bytes at most). Returns 0 or -1 with e set. */
int read_file_capped(const char *path, size_t cap, struct buf *out, struct err *e);

/* Write data to path atomically: temp file in the same directory, fsync, rename. */
int write_file_atomic(const char *path, const void *data, size_t len, struct err *e);

/* $XDG_CACHE_HOME/vigil/REL, else $HOME/.cache/vigil/REL; NULL when neither
 * is set (an absolute XDG_CACHE_HOME only, as the XDG spec says). */
char *cache_path(const char *rel);
/* mkdir -p (mode 0755 before umask). */
int mkdir_p(const char *dir, struct err *e);

#endif
