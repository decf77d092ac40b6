/* rpmdb_ndb: rpm's "ndb" Packages.db (SUSE), lib/backend/ndb/rpmpkg.c.
 *
 * All integers little-endian. The file is a sequence of 16-byte blocks:
 *   header (32 bytes): "RpmP", version 0, generation, slotnpages, nextpkgidx
 *   slot pages: slotnpages x 4096 bytes of 16-byte slots (the header takes
 *     the first two): "Slot", pkgidx, blkoff, blkcnt; blkoff 0 = free slot
 *   blobs at blkoff * 16, blkcnt blocks long:
 *     head "BlbS", pkgidx, timestamp, bloblen; bloblen bytes of header blob;
 *     zero padding; tail (last 12 bytes) adler32, bloblen, "BlbE".
 * rpm lists packages in blob offset order (rpmpkgList sorts the slots by
 * blkoff), so we do too. Like rpm's read path we do not verify the adler32:
 * the header parser checks the blob's structure anyway. */
#include "analyzer/rpm/rpmdb_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_PAGE 4096u
#define SLOT_SIZE 16u
#define BLK_SIZE 16u
#define DB_HEADER 32u
#define BLOB_HEAD 16u
#define BLOB_TAIL 12u
/* rpm grows the slot area one page per 256 packages; this many pages would
 * mean half a million packages, far beyond any image. */
#define MAX_SLOT_PAGES 2048u

struct slot {
	uint32_t pkgidx, blkoff, blkcnt;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int cmp_blkoff(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

int rpmdb_walk_ndb(const unsigned char *data, size_t len, rpmdb_blob_fn fn, void *ctx,
		   struct err *e)
{
	if (len < DB_HEADER || memcmp(data, NDB_MAGIC_BYTES, 4) != 0) {
		err_set(e, "ndb: not an rpm ndb database (bad magic)");
		return -1;
	}
	uint32_t version = le32(data + 4), npages = le32(data + 12);
	if (version != 0) {
		err_set(e, "ndb: unsupported version %u", version);
		return -1;
	}
	if (npages == 0 || npages > MAX_SLOT_PAGES) {
		err_set(e, "ndb: implausible slot page count %u", npages);
		return -1;
	}
	/* rpm refuses a file that does not end on a block boundary. */
	if (len % BLK_SIZE != 0) {
		err_set(e, "ndb: truncated: size %zu is not a multiple of %u", len, BLK_SIZE);
		return -1;
	}
	if ((size_t)npages * SLOT_PAGE > len) {
		err_set(e, "ndb: truncated: %u slot pages need %zu bytes, file has %zu", npages,
			(size_t)npages * SLOT_PAGE, len);
		return -1;
	}
	uint64_t fileblks = len / BLK_SIZE;
	uint32_t firstblk = npages * (SLOT_PAGE / BLK_SIZE); /* blobs start after the slots */
	size_t nslots = (size_t)npages * (SLOT_PAGE / SLOT_SIZE);
	struct slot *slots = xcalloc(nslots, sizeof *slots);
	size_t n = 0;
	int rc = -1;
	for (size_t i = DB_HEADER / SLOT_SIZE; i < nslots; i++) {
		const unsigned char *s = data + i * SLOT_SIZE;
		if (memcmp(s, "Slot", 4) != 0) {
			err_set(e, "ndb: slot %zu has bad magic", i);
			goto out;
		}
		struct slot sl = {le32(s + 4), le32(s + 8), le32(s + 12)};
		if (sl.blkoff == 0)
			continue; /* free slot */
		if (sl.pkgidx == 0 || sl.blkcnt == 0 || sl.blkoff < firstblk ||
		    (uint64_t)sl.blkoff + sl.blkcnt > fileblks) {
			err_set(e, "ndb: slot %zu (package %u at block %u, %u blocks) lies outside the "
				   "%llu-block file",
				i, sl.pkgidx, sl.blkoff, sl.blkcnt, (unsigned long long)fileblks);
			goto out;
		}
		slots[n++] = sl;
	}
	qsort(slots, n, sizeof *slots, cmp_blkoff);
	for (size_t i = 0; i < n; i++) {
		const struct slot *sl = &slots[i];
		if (i > 0 && slots[i - 1].blkoff + (uint64_t)slots[i - 1].blkcnt > sl->blkoff) {
			err_set(e, "ndb: blobs of packages %u and %u overlap", slots[i - 1].pkgidx,
				sl->pkgidx);
			goto out;
		}
		const unsigned char *b = data + (size_t)sl->blkoff * BLK_SIZE;
		size_t span = (size_t)sl->blkcnt * BLK_SIZE;
		if (span < BLOB_HEAD + BLOB_TAIL) {
			err_set(e, "ndb: package %u: %u blocks cannot hold a blob", sl->pkgidx,
				sl->blkcnt);
			goto out;
		}
		if (memcmp(b, "BlbS", 4) != 0 || le32(b + 4) != sl->pkgidx) {
			err_set(e, "ndb: package %u: no blob at block %u", sl->pkgidx, sl->blkoff);
			goto out;
		}
		uint32_t bloblen = le32(b + 12);
		uint64_t want = ((uint64_t)BLOB_HEAD + bloblen + BLOB_TAIL + BLK_SIZE - 1) / BLK_SIZE;
		if (want != sl->blkcnt) {
			err_set(e, "ndb: package %u: blob of %u bytes does not fill its %u blocks",
				sl->pkgidx, bloblen, sl->blkcnt);
			goto out;
		}
		const unsigned char *tail = b + span - BLOB_TAIL;
		if (le32(tail + 4) != bloblen || memcmp(tail + 8, "BlbE", 4) != 0) {
			err_set(e, "ndb: package %u: bad blob trailer", sl->pkgidx);
			goto out;
		}
		if (fn(ctx, b + BLOB_HEAD, bloblen, e)) {
			err_prefix(e, "ndb: package %u", sl->pkgidx);
			goto out;
		}
	}
	rc = 0;
out:
	free(slots);
	return rc;
}
