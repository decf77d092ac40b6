/* rpmdb_sqlite: rpm >= 4.16's rpmdb.sqlite, read from memory.
 *
 * rpm's schema: CREATE TABLE Packages (hnum INTEGER PRIMARY KEY
 * AUTOINCREMENT, blob BLOB NOT NULL); the index tables (Name, Basenames, ...)
 * only point back into it. rpm iterates Packages by hnum, so do we.
 *
 * The file comes from a stranger, so the connection is hardened the way
 * SQLite's documentation advises for untrusted databases: defensive mode, no
 * trusted schema, no triggers or views (our fixed query can then only read
 * a real table), cell size checks, and a cap on the work a query may do. */
#include "analyzer/rpm/rpmdb_internal.h"

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

/* The progress handler runs every PROGRESS_OPS virtual machine steps; a
 * well-formed database of any size we accept (512 MiB) needs far fewer
 * steps than this bound, which only stops pathological files. */
#define PROGRESS_OPS 10000
#define PROGRESS_MAX_CALLS 100000L

static int progress(void *arg)
{
	long *calls = arg;
	return ++*calls > PROGRESS_MAX_CALLS;
}

static int fail(sqlite3 *db, const char *what, struct err *e)
{
	err_set(e, "sqlite: %s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

int rpmdb_walk_sqlite(const unsigned char *data, size_t len, rpmdb_blob_fn fn, void *ctx,
		      struct err *e)
{
	if (len < 16 || memcmp(data, SQLITE_MAGIC_BYTES, 16) != 0) {
		err_set(e, "sqlite: not an SQLite database (bad magic)");
		return -1;
	}
	if (len < 100) {
		err_set(e, "sqlite: truncated: %zu bytes, shorter than the 100-byte header", len);
		return -1;
	}
	/* SQLite reads a cut-off file without complaint as long as the pages
	 * a query touches are there, so check the size ourselves: a database
	 * is a whole number of pages, and the header records how many when its
	 * "version-valid-for" field matches the change counter. */
	uint32_t pagesize = (uint32_t)data[16] << 8 | data[17];
	if (pagesize == 1)
		pagesize = 65536;
	if (pagesize < 512 || (pagesize & (pagesize - 1)) != 0) {
		err_set(e, "sqlite: invalid page size %u", pagesize);
		return -1;
	}
	if (len % pagesize != 0) {
		err_set(e, "sqlite: truncated: size %zu is not a multiple of the %u-byte page", len,
			pagesize);
		return -1;
	}
	uint32_t npages = (uint32_t)data[28] << 24 | (uint32_t)data[29] << 16 |
			  (uint32_t)data[30] << 8 | data[31];
	if (npages != 0 && memcmp(data + 24, data + 92, 4) == 0 &&
	    (uint64_t)npages * pagesize > len) {
		err_set(e, "sqlite: truncated: header says %u pages of %u bytes, file has %zu bytes",
			npages, pagesize, len);
		return -1;
	}
	/* SQLite's in-memory files cannot be in WAL mode: bytes 18 and 19 of
	 * the header say 2 for WAL and must read 1 (rollback journal) before
	 * deserializing. That needs a private copy, which SQLite also wants to
	 * own; the bytes we were given stay untouched. A -wal file next to the
	 * database is not part of what we are handed, so changes not yet
	 * checkpointed into the main file are not seen (rpm checkpoints when it
	 * closes the database). */
	unsigned char *copy = sqlite3_malloc64(len);
	if (!copy) {
		err_set(e, "sqlite: cannot allocate %zu bytes", len);
		return -1;
	}
	memcpy(copy, data, len);
	if (copy[18] == 2)
		copy[18] = 1;
	if (copy[19] == 2)
		copy[19] = 1;

	sqlite3 *db = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		sqlite3_free(copy);
		int rc = fail(db, "open", e);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
	long calls = 0;
	sqlite3_progress_handler(db, PROGRESS_OPS, progress, &calls);

	int rc = -1;
	sqlite3_stmt *st = NULL;
	/* With FREEONCLOSE SQLite owns copy from here on, even on failure. */
	if (sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE) !=
	    SQLITE_OK) {
		fail(db, "deserialize", e);
		goto out;
	}
	if (sqlite3_exec(db, "PRAGMA cell_size_check=ON", NULL, NULL, NULL) != SQLITE_OK) {
		fail(db, "pragma", e);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st, NULL) !=
	    SQLITE_OK) {
		fail(db, "reading table Packages", e);
		goto out;
	}
	for (;;) {
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			fail(db, calls > PROGRESS_MAX_CALLS ? "query took too long" : "reading table Packages",
			     e);
			goto out;
		}
		sqlite3_int64 hnum = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			err_set(e, "sqlite: Packages row hnum=%lld: blob column is not a BLOB",
				(long long)hnum);
			goto out;
		}
		const unsigned char *blob = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (!blob || n <= 0) {
			err_set(e, "sqlite: Packages row hnum=%lld: empty blob", (long long)hnum);
			goto out;
		}
		if (fn(ctx, blob, (size_t)n, e)) {
			err_prefix(e, "sqlite: Packages row hnum=%lld", (long long)hnum);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
