/* Walking a layer tar stream. Two libarchive readers are chained so that the
 * uncompressed bytes pass through our hands exactly once:
 *
 *   source --(stored bytes, hashed: digest)--> [raw format + decompression]
 *          --(tar bytes, hashed: diff ID)-->   [tar format] --> entries
 *
 * Only built-in decompressors are enabled: libarchive would otherwise run
 * external programs (lrzip, lzop…) on input from strangers. */
#include "walk/record.h"

#include "util/progress.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct stored_src {
	walk_read_fn read;
	void *ctx;
	struct sha256 hash;
	uint64_t bytes;
	bool eof;
	struct err e; /* why the source failed; kept apart from the caller's */
	struct progress *progress;
	bool failed;
};

struct tar_src {
	struct archive *raw;
	struct sha256 hash;
	uint64_t bytes, limit;
	bool eof, over_limit, raw_failed;
	bool uncompressed; /* tar bytes == stored bytes: hash once, not twice */
	char raw_error[512];
};

static la_ssize_t stored_read(struct archive *a, void *p, const void **buf)
{
	struct stored_src *s = p;
	if (s->eof)
		return 0;
	ssize_t n = s->read(s->ctx, buf, &s->e);
	if (n < 0) {
		s->failed = true;
		archive_set_error(a, EIO, "%s", s->e.msg);
		return -1;
	}
	if (n == 0) {
		s->eof = true;
		return 0;
	}
	sha256_update(&s->hash, *buf, (size_t)n);
	s->bytes += (uint64_t)n;
	progress_add_bytes(s->progress, (uint64_t)n);
	return n;
}

static la_ssize_t tar_read(struct archive *a, void *p, const void **buf)
{
	struct tar_src *t = p;
	if (t->eof)
		return 0;
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(t->raw, buf, &size, &off);
	if (r == ARCHIVE_EOF) {
		t->eof = true;
		return 0;
	}
	if (r < ARCHIVE_WARN) {
		t->raw_failed = true;
		snprintf(t->raw_error, sizeof t->raw_error, "%s",
			 archive_error_string(t->raw) ? archive_error_string(t->raw) : "read error");
		archive_set_error(a, EIO, "%s", t->raw_error);
		return -1;
	}
	t->bytes += size;
	if (t->bytes > t->limit) {
		t->over_limit = true;
		archive_set_error(a, EIO, "uncompressed size over limit");
		return -1;
	}
	if (!t->uncompressed)
		sha256_update(&t->hash, *buf, size);
	return (la_ssize_t)size;
}

struct content_ctx {
	struct archive *tar;
};

static ssize_t read_content(void *p, void *buf, size_t n, struct err *e)
{
	struct content_ctx *c = p;
	la_ssize_t r = archive_read_data(c->tar, buf, n);
	if (r < 0) {
		err_set(e, "%s", archive_error_string(c->tar) ? archive_error_string(c->tar) : "read error");
		return -1;
	}
	return r;
}

static char entry_type(struct archive_entry *ent)
{
	if (archive_entry_hardlink(ent))
		return ENTRY_HARDLINK;
	switch (archive_entry_filetype(ent)) {
	case AE_IFREG:
		return ENTRY_FILE;
	case AE_IFDIR:
		return ENTRY_DIR;
	case AE_IFLNK:
		return ENTRY_SYMLINK;
	case AE_IFCHR:
		return ENTRY_CHAR;
	case AE_IFBLK:
		return ENTRY_BLOCK;
	case AE_IFIFO:
		return ENTRY_FIFO;
	case AE_IFSOCK:
		return ENTRY_SOCKET;
	default:
		return 0;
	}
}

static const char *entry_path(struct archive_entry *ent)
{
	/* Without a UTF-8 locale libarchive may fail to convert names; the raw
	 * bytes are what the image holds, so prefer them. */
	const char *p = archive_entry_pathname(ent);
	return p ? p : "";
}

static void drain(struct archive *a)
{
	const void *b;
	size_t n;
	la_int64_t off;
	while (archive_read_data_block(a, &b, &n, &off) == ARCHIVE_OK)
		;
}

int layer_walk(const char *name, walk_read_fn read, void *ctx, const struct walk_limits *lim,
	       struct layer_result *out, struct err *e)
{
	if (!lim)
		lim = &walk_default_limits;
	int rc = -1;
	struct stored_src ss = {.read = read, .ctx = ctx, .progress = lim->progress};
	struct tar_src ts = {.limit = lim->max_tar_bytes};
	sha256_init(&ss.hash);
	sha256_init(&ts.hash);
	struct archive *raw = archive_read_new();
	struct archive *tar = archive_read_new();
	/* One scanner per walk: walks may run on several threads at once. */
	struct secret_scan *secrets = lim->secrets ? secret_scan_new(lim->secrets) : NULL;
	ts.raw = raw;
	archive_read_support_filter_gzip(raw);
	archive_read_support_filter_bzip2(raw);
	archive_read_support_filter_xz(raw);
	archive_read_support_filter_zstd(raw);
	archive_read_support_filter_lz4(raw);
	archive_read_support_format_raw(raw);
	archive_read_support_format_empty(raw);
	archive_read_support_format_tar(tar);
	archive_read_support_format_empty(tar);

	struct archive_entry *ent;
	if (archive_read_open(raw, &ss, NULL, stored_read, NULL) != ARCHIVE_OK) {
		err_set(e, "%s: cannot read layer: %s", name, ss.failed ? ss.e.msg : archive_error_string(raw));
		goto out;
	}
	int r = archive_read_next_header(raw, &ent);
	if (r == ARCHIVE_EOF) {
		/* A zero-byte blob: an empty layer. */
		ts.eof = true;
	} else if (r != ARCHIVE_OK) {
		err_set(e, "%s: cannot read layer: %s", name, archive_error_string(raw));
		goto out;
	}
	ts.uncompressed = archive_filter_count(raw) <= 1 || archive_filter_code(raw, 0) == ARCHIVE_FILTER_NONE;
	if (archive_read_open(tar, &ts, NULL, tar_read, NULL) != ARCHIVE_OK) {
		if (ts.bytes == 0 && ts.eof)
			goto finish; /* empty stream */
		err_set(e, "%s: not a tar layer: %s", name, archive_error_string(tar));
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(tar, &ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN) {
			layer_result_warn(out, "%s", archive_error_string(tar));
		} else if (r != ARCHIVE_OK) {
			goto tar_error;
		}
		if (out->nentries >= lim->max_entries) {
			err_set(e, "%s: more than %llu entries in one layer", name,
				(unsigned long long)lim->max_entries);
			goto out;
		}
		char type = entry_type(ent);
		if (!type) {
			layer_result_warn(out, "entry '%s' has an unknown type; ignored", entry_path(ent));
			continue;
		}
		struct content_ctx cc = {.tar = tar};
		struct record_in in = {
			.raw_path = entry_path(ent),
			.link = type == ENTRY_HARDLINK  ? archive_entry_hardlink(ent)
				: type == ENTRY_SYMLINK ? archive_entry_symlink(ent)
							: NULL,
			.size = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : -1,
			.mode = (uint32_t)archive_entry_perm(ent) | ((uint32_t)archive_entry_mode(ent) & 07000),
			.type = type,
			.read = read_content,
			.read_ctx = &cc,
			.secrets = secrets,
		};
		if (record_entry(out, &in, e) != 0)
			goto tar_error;
	}
finish:
	/* The diff ID covers the whole uncompressed stream, including the
	 * end-of-archive blocks the tar reader stops before. */
	if (!ts.eof) {
		const void *b;
		la_ssize_t n;
		while ((n = tar_read(tar, &ts, &b)) > 0)
			;
		if (n < 0)
			goto tar_error;
	}
	drain(raw);
	if (ss.failed) {
		err_set(e, "%s: %s", name, ss.e.msg);
		goto out;
	}
	/* And the digest covers every stored byte, even past the compressed stream. */
	while (!ss.eof) {
		const void *b;
		if (stored_read(raw, &ss, &b) < 0) {
			err_set(e, "%s: %s", name, ss.e.msg);
			goto out;
		}
	}
	out->stored_bytes = ss.bytes;
	out->tar_bytes = ts.bytes;
	sha256_final_digest(&ss.hash, out->digest);
	if (ts.uncompressed) {
		sha256_abort(&ts.hash);
		memcpy(out->diff_id, out->digest, sizeof out->diff_id);
	} else {
		sha256_final_digest(&ts.hash, out->diff_id);
	}
	progress_item_done(lim->progress);
	rc = 0;
	goto out;

tar_error:
	if (ts.over_limit)
		err_set(e, "%s: uncompressed layer is larger than the %llu-byte limit", name,
			(unsigned long long)lim->max_tar_bytes);
	else if (ss.failed)
		err_set(e, "%s: %s", name, ss.e.msg);
	else if (ts.raw_failed)
		err_set(e, "%s: layer is truncated or corrupt: %s", name, ts.raw_error);
	else
		err_set(e, "%s: layer is truncated or corrupt: %s", name,
			archive_error_string(tar) ? archive_error_string(tar) : "unknown error");
out:
	if (ss.hash.ctx)
		sha256_abort(&ss.hash);
	if (ts.hash.ctx)
		sha256_abort(&ts.hash);
	archive_read_free(tar);
	archive_read_free(raw);
	secret_scan_free(secrets);
	return rc;
}
