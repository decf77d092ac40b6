/* rpmdb_bdb: the BerkeleyDB hash database rpm < 4.16 keeps in "Packages".
 *
 * Read-only, from memory, modelled on rpm's own standalone reader
 * (lib/backend/bdb_ro.c). Layout of the parts we use:
 *   page 0, the hash meta page: magic u32 @12, version @16, pagesize @20,
 *     encrypt_alg u8 @24, metaflags u8 @26, last_pgno @32, max_bucket @72,
 *     high_mask @76, low_mask @80, spares[32] @96;
 *   every page: pgno @8, next_pgno @16, entries u16 @20, hf_offset u16 @22,
 *     type u8 @25, then the item offsets u16[entries] from @26;
 *   items on hash pages alternate key, value; each starts with its type:
 *     1 KEYDATA (bytes follow), 3 OFFPAGE (u32 pgno @4, u32 length @8);
 *   overflow pages (type 7) carry hf_offset bytes of data from @26.
 * Multi-byte fields are in the byte order of the machine that wrote the
 * file; the meta page magic tells which. Keys are the 4-byte header number
 * (also in that order); number 0 is rpm's own bookkeeping record.
 * We visit buckets 0..max_bucket and their overflow chains in order, which is
 * the order rpm's cursor (and so `rpm -qa`) uses. */
#include "analyzer/rpm/rpmdb_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	PAGE_HEADER = 26,
	P_HASH_UNSORTED = 2,
	P_OVERFLOW = 7,
	P_HASH = 13,
	H_KEYDATA = 1,
	H_DUPLICATE = 2,
	H_OFFPAGE = 3,
	H_OFFDUP = 4,
	DBMETA_CHKSUM = 0x01,
};

struct bdb {
	const unsigned char *data;
	size_t len;
	bool swapped; /* written on a machine of the other byte order */
	uint32_t pagesize, lastpage, maxbucket;
	uint32_t spares[32];
	unsigned char *seen; /* one byte per page: bucket pages already walked */
	size_t ovbudget;     /* overflow bytes we may still copy (see walk_bdb) */
	rpmdb_blob_fn fn;
	void *ctx;
};

static uint32_t rd32(const struct bdb *db, const unsigned char *p)
{
	if (db->swapped)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct bdb *db, const unsigned char *p)
{
	return db->swapped ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Page pgno, checked to exist in the file and to say it is page pgno (as
 * bdb_ro does: a page that disagrees is corruption, not data). */
static const unsigned char *get_page(const struct bdb *db, uint32_t pgno, struct err *e)
{
	if (pgno == 0 || pgno > db->lastpage) {
		err_set(e, "BerkeleyDB: reference to page %u, outside pages 1..%u", pgno,
			db->lastpage);
		return NULL;
	}
	const unsigned char *pg = db->data + (size_t)pgno * db->pagesize;
	if (rd32(db, pg + 8) != pgno) {
		err_set(e, "BerkeleyDB: page %u is labelled page %u", pgno, rd32(db, pg + 8));
		return NULL;
	}
	return pg;
}

/* Concatenate an overflow chain into a new buffer of exactly total bytes. */
static unsigned char *read_overflow(struct bdb *db, uint32_t pgno, uint32_t total, struct err *e)
{
	if (total == 0 || total > db->ovbudget) {
		err_set(e, "BerkeleyDB: overflow item of %u bytes is %s", total,
			total ? "larger than the file's remaining pages" : "empty");
		return NULL;
	}
	db->ovbudget -= total;
	unsigned char *buf = xmalloc(total);
	uint32_t got = 0;
	while (got < total) {
		const unsigned char *pg = get_page(db, pgno, e);
		if (!pg)
			goto fail;
		if (pg[25] != P_OVERFLOW) {
			err_set(e, "BerkeleyDB: page %u in an overflow chain has type %u", pgno, pg[25]);
			goto fail;
		}
		uint32_t n = rd16(db, pg + 22);
		/* Each page must add something, so the loop ends even on a cycle. */
		if (n == 0 || n > db->pagesize - PAGE_HEADER || n > total - got) {
			err_set(e, "BerkeleyDB: overflow page %u holds %u bytes (%u of %u still due)",
				pgno, n, total - got, total);
			goto fail;
		}
		memcpy(buf + got, pg + PAGE_HEADER, n);
		got += n;
		pgno = rd32(db, pg + 16);
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

/* Item i of a hash page: its offset and length. Offsets count down from the
 * end of the page; item i ends where item i-1 starts. */
static int item_bounds(const struct bdb *db, const unsigned char *pg, uint32_t pgno, unsigned i,
		       unsigned nent, uint32_t *off, uint32_t *len, struct err *e)
{
	uint32_t o = rd16(db, pg + PAGE_HEADER + 2 * i);
	uint32_t end = i == 0 ? db->pagesize : rd16(db, pg + PAGE_HEADER + 2 * (i - 1));
	if (o < PAGE_HEADER + 2 * nent || o >= end || end > db->pagesize) {
		err_set(e, "BerkeleyDB: page %u item %u has bad offset %u (ends at %u)", pgno, i, o,
			end);
		return -1;
	}
	*off = o;
	*len = end - o;
	return 0;
}

static int walk_item_pair(struct bdb *db, const unsigned char *pg, uint32_t pgno, unsigned i,
			  unsigned nent, struct err *e)
{
	uint32_t koff, klen, voff, vlen;
	if (item_bounds(db, pg, pgno, i, nent, &koff, &klen, e) ||
	    item_bounds(db, pg, pgno, i + 1, nent, &voff, &vlen, e))
		return -1;
	if (pg[koff] != H_KEYDATA || klen != 5) {
		err_set(e, "BerkeleyDB: page %u item %u: key is not a 4-byte header number (type %u, "
			   "%u bytes)",
			pgno, i, pg[koff], klen);
		return -1;
	}
	uint32_t hdrnum = rd32(db, pg + koff + 1);
	if (hdrnum == 0)
		return 0; /* rpm's "next header number" record, not a package */
	int rc;
	switch (pg[voff]) {
	case H_KEYDATA:
		if (vlen < 2)
			goto bad;
		rc = db->fn(db->ctx, pg + voff + 1, vlen - 1, e);
		break;
	case H_OFFPAGE: {
		if (vlen != 12)
			goto bad;
		uint32_t total = rd32(db, pg + voff + 8);
		unsigned char *blob = read_overflow(db, rd32(db, pg + voff + 4), total, e);
		if (!blob) {
			err_prefix(e, "header #%u", hdrnum);
			return -1;
		}
		rc = db->fn(db->ctx, blob, total, e);
		free(blob);
		break;
	}
	case H_DUPLICATE:
	case H_OFFDUP:
		err_set(e, "BerkeleyDB: header #%u is stored as duplicates, which rpm never writes",
			hdrnum);
		return -1;
	default:
		goto bad;
	}
	if (rc)
		err_prefix(e, "BerkeleyDB: header #%u", hdrnum);
	return rc;
bad:
	err_set(e, "BerkeleyDB: page %u: value of header #%u has type %u and %u bytes", pgno, hdrnum,
		pg[voff], vlen);
	return -1;
}

/* One bucket: its primary page and the chain of pages hanging off it. */
static int walk_bucket(struct bdb *db, uint32_t pgno, struct err *e)
{
	while (pgno != 0) {
		const unsigned char *pg = get_page(db, pgno, e);
		if (!pg)
			return -1;
		if (db->seen[pgno]) {
			err_set(e, "BerkeleyDB: page %u is reached twice (a loop in the bucket chains)",
				pgno);
			return -1;
		}
		db->seen[pgno] = 1;
		if (pg[25] != P_HASH && pg[25] != P_HASH_UNSORTED) {
			err_set(e, "BerkeleyDB: bucket page %u has type %u, not a hash page", pgno,
				pg[25]);
			return -1;
		}
		unsigned nent = rd16(db, pg + 20);
		if (nent % 2 != 0 || PAGE_HEADER + 2 * (size_t)nent > db->pagesize) {
			err_set(e, "BerkeleyDB: hash page %u claims %u items", pgno, nent);
			return -1;
		}
		for (unsigned i = 0; i < nent; i += 2)
			if (walk_item_pair(db, pg, pgno, i, nent, e))
				return -1;
		pgno = rd32(db, pg + 16);
	}
	return 0;
}

int rpmdb_walk_bdb(const unsigned char *data, size_t len, rpmdb_blob_fn fn, void *ctx,
		   struct err *e)
{
	struct bdb db = {.data = data, .len = len, .fn = fn, .ctx = ctx};
	if (len < 512) {
		err_set(e, "BerkeleyDB: %zu bytes, too short for the meta page", len);
		return -1;
	}
	uint32_t magic_le = (uint32_t)data[15] << 24 | (uint32_t)data[14] << 16 |
			    (uint32_t)data[13] << 8 | data[12];
	if (magic_le == BDB_HASH_MAGIC) {
		db.swapped = false;
	} else if (magic_le == __builtin_bswap32(BDB_HASH_MAGIC)) {
		db.swapped = true;
	} else if (magic_le == BDB_BTREE_MAGIC || magic_le == __builtin_bswap32(BDB_BTREE_MAGIC)) {
		err_set(e, "BerkeleyDB: a btree database (an rpm index), not the hash Packages database");
		return -1;
	} else {
		err_set(e, "BerkeleyDB: bad magic 0x%08x", magic_le);
		return -1;
	}
	uint32_t version = rd32(&db, data + 16);
	if (version < 8 || version > 10) {
		err_set(e, "BerkeleyDB: unsupported hash version %u", version);
		return -1;
	}
	db.pagesize = rd32(&db, data + 20);
	if (db.pagesize < 512 || db.pagesize > 65536 || (db.pagesize & (db.pagesize - 1)) != 0) {
		err_set(e, "BerkeleyDB: invalid page size %u", db.pagesize);
		return -1;
	}
	/* Encrypted or checksummed pages move the item array; rpm never
	 * enables either, and bdb_ro cannot read them. */
	if (data[24] != 0 || (data[26] & DBMETA_CHKSUM)) {
		err_set(e, "BerkeleyDB: encrypted or checksummed pages are not supported");
		return -1;
	}
	db.lastpage = rd32(&db, data + 32);
	if (((uint64_t)db.lastpage + 1) * db.pagesize > len) {
		err_set(e, "BerkeleyDB: truncated: %u pages of %u bytes need %llu bytes, file has %zu",
			db.lastpage + 1, db.pagesize,
			(unsigned long long)(((uint64_t)db.lastpage + 1) * db.pagesize), len);
		return -1;
	}
	db.maxbucket = rd32(&db, data + 72);
	/* Every bucket has its own page, so there are fewer buckets than pages. */
	if (db.maxbucket >= db.lastpage) {
		err_set(e, "BerkeleyDB: %u buckets cannot fit %u pages", db.maxbucket + 1,
			db.lastpage);
		return -1;
	}
	for (int i = 0; i < 32; i++)
		db.spares[i] = rd32(&db, data + 96 + 4 * i);
	/* Each overflow page belongs to one item, so honest files never copy
	 * more than their own size; a forged file sharing one long chain among
	 * many items would otherwise cost time and memory quadratic in its size. */
	db.ovbudget = len;
	db.seen = xcalloc((size_t)db.lastpage + 1, 1);
	int rc = 0;
	for (uint32_t b = 0; b <= db.maxbucket && rc == 0; b++) {
		/* Buckets are allocated in doubling groups; spares[k] is the page
		 * offset of group k, the group of a bucket with k significant bits. */
		int k = 0;
		for (uint32_t x = b; x; x >>= 1)
			k++;
		if (k >= 32) {
			err_set(e, "BerkeleyDB: bucket %u is beyond the 32 bucket groups", b);
			rc = -1;
			break;
		}
		uint64_t pgno = (uint64_t)b + db.spares[k];
		if (pgno > db.lastpage) {
			err_set(e, "BerkeleyDB: bucket %u maps to page %llu, past the last page %u", b,
				(unsigned long long)pgno, db.lastpage);
			rc = -1;
			break;
		}
		rc = walk_bucket(&db, (uint32_t)pgno, e);
	}
	free(db.seen);
	return rc;
}
