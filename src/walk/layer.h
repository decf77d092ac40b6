/* walk: reading layers. A layer is read exactly once, as a stream, with
 * libarchive; nothing is extracted to disk. While streaming, the walk
 *   - hashes the stored bytes (layer digest) and the uncompressed tar (diff ID),
 *   - records every entry (path, type, mode, size; link targets are recorded,
 *     never followed), whiteouts and opaque directories,
 *   - hands the files analyzers asked for to those analyzers, capped.
 * The result of one layer does not depend on any other layer, so layers can be
 * walked in any order or in parallel; view.h merges them in layer order. */
#ifndef VIGIL_WALK_LAYER_H
#define VIGIL_WALK_LAYER_H

#include "analyzer/analyzer.h"
#include "secret/secret.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum entry_type {
	ENTRY_FILE = 'f',
	ENTRY_DIR = 'd',
	ENTRY_SYMLINK = 'l',
	ENTRY_HARDLINK = 'h',
	ENTRY_CHAR = 'c',
	ENTRY_BLOCK = 'b',
	ENTRY_FIFO = 'p',
	ENTRY_SOCKET = 's',
};

struct layer_entry {
	char *path; /* normalised, no leading '/' */
	char *link; /* symlink target as written / hardlink target (normalised) */
	int64_t size;
	uint32_t mode; /* permission bits incl. setuid/setgid/sticky */
	char type;     /* enum entry_type */
};

/* One analyzer's result for one file of this layer. */
struct layer_analysis {
	char *path;
	const struct analyzer *analyzer;
	struct analysis result;
	char *error; /* non-NULL when parsing failed; result is then empty */
};

struct layer_result {
	char digest[72];  /* sha256 of the stored (possibly compressed) bytes */
	char diff_id[72]; /* sha256 of the uncompressed tar stream */
	uint64_t stored_bytes, tar_bytes;
	struct layer_entry *entries;
	size_t nentries, cap_entries;
	char **whiteouts; /* paths deleted from lower layers */
	size_t nwhiteouts, cap_whiteouts;
	char **opaque; /* directories whose lower-layer contents are hidden */
	size_t nopaque, cap_opaque;
	struct layer_analysis *analyses;
	size_t nanalyses, cap_analyses;
	char **warnings; /* hostile or odd entries that were skipped */
	size_t nwarnings, cap_warnings;
	uint64_t nwarnings_dropped; /* beyond the first few hundred */
	struct secret_findings secrets; /* when walked with secret rules */
};

struct progress;

struct walk_limits {
	uint64_t max_tar_bytes; /* uncompressed bytes of one layer */
	uint64_t max_entries;   /* entries of one layer */
	struct progress *progress; /* optional: stored bytes read, layers done */
	/* Optional: scan every regular file's bytes for secrets with these
	 * rules (each walk makes its own per-thread scanner). */
	const struct secret_rules *secrets;
};
extern const struct walk_limits walk_default_limits;

/* Pull callback giving the stored bytes of a layer: returns the number of
 * bytes available at *buf (0 at the end, -1 on error with e set). */
typedef ssize_t (*walk_read_fn)(void *ctx, const void **buf, struct err *e);

/* Walk one layer (a tar, possibly gzip/zstd/bzip2/xz-compressed). `name`
 * names it in messages. Returns 0, or -1 with e set (truncated, not a tar,
 * over a limit…). On failure out holds what was read so far; free it. */
int layer_walk(const char *name, walk_read_fn read, void *ctx, const struct walk_limits *lim,
	       struct layer_result *out, struct err *e);

/* Walk an unpacked directory tree as if it were one layer (no digests).
 * Symlinks are recorded, never followed; other filesystems are not crossed. */
int layer_walk_dir(const char *root, const struct walk_limits *lim, struct layer_result *out,
		   struct err *e);

void layer_result_free(struct layer_result *r);
void layer_result_warn(struct layer_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
