/* rpmdb: recognise which of rpm's three stores a file is, walk it, and turn
 * each header blob into a struct pkg. */
#include "analyzer/rpm/rpmdb.h"

#include "analyzer/rpm/rpmdb_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum backend { BACKEND_NONE, BACKEND_BDB, BACKEND_NDB, BACKEND_SQLITE };

static enum backend sniff(const unsigned char *data, size_t len)
{
	if (len >= 16 && memcmp(data, SQLITE_MAGIC_BYTES, 16) == 0)
		return BACKEND_SQLITE;
	if (len >= 4 && memcmp(data, NDB_MAGIC_BYTES, 4) == 0)
		return BACKEND_NDB;
	if (len >= 16) {
		/* The BerkeleyDB magic sits at offset 12 of the meta page, in the
		 * writer's byte order. Btree files are recognised too, so that an
		 * rpm index file named like Packages gets a precise message. */
		uint32_t m = (uint32_t)data[15] << 24 | (uint32_t)data[14] << 16 |
			     (uint32_t)data[13] << 8 | data[12];
		if (m == BDB_HASH_MAGIC || m == __builtin_bswap32(BDB_HASH_MAGIC) ||
		    m == BDB_BTREE_MAGIC || m == __builtin_bswap32(BDB_BTREE_MAGIC))
			return BACKEND_BDB;
	}
	return BACKEND_NONE;
}

/* What the file name says it should be, for the message when the bytes say nothing. */
static const char *expected_kind(const char *path)
{
	const char *base = path ? path_base(path) : "";
	if (strcmp(base, "Packages") == 0)
		return "a BerkeleyDB hash database";
	if (strcmp(base, "Packages.db") == 0)
		return "an rpm ndb database";
	if (strcmp(base, "rpmdb.sqlite") == 0)
		return "an SQLite database";
	return "an rpm database (BerkeleyDB, ndb or SQLite)";
}

struct collect {
	struct pkg_list *list;
	size_t nblobs;
};

static int on_blob(void *ctx, const unsigned char *blob, size_t len, struct err *e)
{
	struct collect *c = ctx;
	c->nblobs++;
	struct pkg p;
	if (rpm_header_parse(blob, len, &p, e) != 0)
		return -1;
	/* `rpm --import` stores each trusted key as a header named gpg-pubkey,
	 * with no architecture and no files: a key, not installed software. */
	if (strcmp(p.name, "gpg-pubkey") == 0) {
		pkg_clear(&p);
		return 0;
	}
	*pkg_list_add(c->list) = p;
	return 0;
}

int rpmdb_read(const char *path, const unsigned char *data, size_t len, struct pkg_list *out,
	       struct err *e)
{
	if (!data || len == 0) {
		err_set(e, "rpmdb: empty file, expected %s", expected_kind(path));
		return -1;
	}
	struct pkg_list got = {0};
	struct collect c = {.list = &got};
	int rc;
	switch (sniff(data, len)) {
	case BACKEND_SQLITE:
		rc = rpmdb_walk_sqlite(data, len, on_blob, &c, e);
		break;
	case BACKEND_NDB:
		rc = rpmdb_walk_ndb(data, len, on_blob, &c, e);
		break;
	case BACKEND_BDB:
		rc = rpmdb_walk_bdb(data, len, on_blob, &c, e);
		break;
	default:
		err_set(e, "rpmdb: unrecognised content (%zu bytes), expected %s", len,
			expected_kind(path));
		rc = -1;
		break;
	}
	if (rc != 0) {
		pkg_list_free(&got);
		return -1;
	}
	/* Move the packages over; only now, so a failure leaves out untouched. */
	for (size_t i = 0; i < got.len; i++)
		*pkg_list_add(out) = got.v[i];
	free(got.v);
	return 0;
}
