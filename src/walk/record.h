/* Internal to walk/: the entry recorder shared by the tar and directory walkers. */
#ifndef VIGIL_WALK_RECORD_H
#define VIGIL_WALK_RECORD_H

#include "walk/layer.h"

struct record_in {
	const char *raw_path; /* as stored in the archive */
	const char *link;     /* symlink/hardlink target or NULL */
	int64_t size;
	uint32_t mode;
	char type;
	/* Reads the entry's content; NULL when it has none. Returns bytes read,
	 * 0 at the end, -1 with e set on a fatal error. */
	ssize_t (*read)(void *ctx, void *buf, size_t n, struct err *e);
	void *read_ctx;
	struct secret_scan *secrets; /* NULL: no secret scanning */
};

/* Records one entry (normalising its path, classifying whiteouts) and runs
 * the analyzers that want it. Hostile entries become warnings; only a
 * failure to read content is fatal (-1). */
int record_entry(struct layer_result *r, const struct record_in *in, struct err *e);

#endif
