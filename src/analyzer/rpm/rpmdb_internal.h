/* Internal to analyzer/rpm: the three storage backends. Each walks its
 * store in database order and hands every package header blob to a
 * callback; none of them interprets the blobs. */
#ifndef VIGIL_RPMDB_INTERNAL_H
#define VIGIL_RPMDB_INTERNAL_H

#include "util/util.h"

#include <stddef.h>

/* Called once per header blob. The blob is only valid during the call.
 * Returns 0 to go on, -1 (with e set) to stop the walk with that error. */
typedef int (*rpmdb_blob_fn)(void *ctx, const unsigned char *blob, size_t len, struct err *e);

/* Each returns 0 after the whole store was walked, or -1 with e set. */
int rpmdb_walk_bdb(const unsigned char *data, size_t len, rpmdb_blob_fn fn, void *ctx,
		   struct err *e);
int rpmdb_walk_ndb(const unsigned char *data, size_t len, rpmdb_blob_fn fn, void *ctx,
		   struct err *e);
int rpmdb_walk_sqlite(const unsigned char *data, size_t len, rpmdb_blob_fn fn, void *ctx,
		      struct err *e);

/* Magic numbers, also used to recognise the backend. */
#define BDB_HASH_MAGIC 0x00061561u
#define BDB_BTREE_MAGIC 0x00053162u
#define NDB_MAGIC_BYTES "RpmP"
#define SQLITE_MAGIC_BYTES "SQLite format 3" /* followed by a NUL */

#endif
