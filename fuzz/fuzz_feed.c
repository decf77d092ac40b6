/* Fuzz the vulnerability feed importers: arbitrary bytes through the same
 * path `vigil db import` takes for a file — libarchive (compressed JSON, zips
 * of OSV records), the JSON framer, format detection, and the Alpine secdb,
 * Debian tracker, OSV and NVD parsers — into an in-memory database. A
 * successful import is committed and read back, so the read side sees
 * whatever the parsers stored. */
#include "db/vdb.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = {{0}};
	struct vdb *db = vdb_open_rw(NULL, &e);
	if (!db)
		abort(); /* an in-memory database must always open */
	if (vdb_begin(db, &e) != 0)
		abort();
	if (vdb_import_memory(db, "fuzz", data, size, &e) == 0 && vdb_commit(db, &e) != 0)
		abort(); /* committing what the parsers accepted must work */
	vdb_close(db);
	return 0;
}
