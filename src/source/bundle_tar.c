/* A bundle read from a tar archive. Two ways:
 *
 * Indexed (a plain tar in a regular file — what `docker save` writes): one
 * pass over the headers only (data is skipped with lseek) records where each
 * member's bytes are; members are then read with pread when the image asks
 * for them, and the layers it uses are walked in parallel threads. Members
 * the image does not use (other platforms) are never read.
 *
 * Streaming (compressed tars, pipes such as the Docker daemon's answer): one
 * pass in which members are classified as they come — small JSON documents
 * are kept in memory, layer blobs are walked right away (their bytes are
 * never stored).
 *
 * Either way symlinked members (docker save's de-duplicated layers) are
 * aliases, and which members the image uses is decided afterwards. */
#include "source/bundle.h"
#include "source/parallel.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tar_member {
	struct buf json;          /* for JSON members */
	struct layer_result *lr;  /* for walked layers */
	char *error;              /* the walk failed */
	char *alias;              /* symlink member: normalised target */
	bool indexed;             /* bytes at [offset, offset+size) of the file */
	int64_t offset, size;
};

struct tar_bundle {
	struct bundle b;
	struct strmap members; /* path -> struct tar_member* */
	int fd;                /* indexed mode: the archive, else -1 */
	int64_t file_size;
};

static void member_free(void *p)
{
	struct tar_member *m = p;
	if (!m)
		return;
	buf_free(&m->json);
	if (m->lr) {
		layer_result_free(m->lr);
		free(m->lr);
	}
	free(m->error);
	free(m->alias);
	free(m);
}

static struct tar_member *lookup(struct tar_bundle *tb, const char *path)
{
	struct tar_member *m = strmap_get(&tb->members, path);
	for (int hops = 0; m && m->alias && hops < 8; hops++)
		m = strmap_get(&tb->members, m->alias);
	return m && !m->alias ? m : NULL;
}

static const struct buf *tb_member(struct bundle *b, const char *path, struct err *e)
{
	struct tar_bundle *tb = (struct tar_bundle *)b;
	struct tar_member *m = lookup(tb, path);
	if (m && !m->json.data && m->indexed) {
		if (m->size > BUNDLE_MAX_JSON) {
			err_set(e, "%s: member '%s' is larger than %d MiB", b->name, path, BUNDLE_MAX_JSON >> 20);
			return NULL;
		}
		if (m->offset < 0 || m->offset + m->size > tb->file_size) {
			err_set(e, "%s: member '%s' lies past the end of the file (truncated archive)", b->name, path);
			return NULL;
		}
		unsigned char *data = xmalloc((size_t)m->size + 1);
		ssize_t n = pread(tb->fd, data, (size_t)m->size, m->offset);
		if (n != m->size) {
			err_set(e, "%s: cannot read member '%s': %s", b->name, path, n < 0 ? strerror(errno) : "short read");
			free(data);
			return NULL;
		}
		buf_append(&m->json, data, (size_t)n);
		free(data);
	}
	if (!m || !m->json.data) {
		err_set(e, "%s: no member '%s' in the archive", b->name, path);
		return NULL;
	}
	return &m->json;
}

static bool tb_has(struct bundle *b, const char *path)
{
	return lookup((struct tar_bundle *)b, path) != NULL;
}

struct range_src {
	int fd;
	int64_t off, end;
	unsigned char *buf;
};

static ssize_t range_read(void *ctx, const void **out, struct err *e)
{
	struct range_src *r = ctx;
	if (r->off >= r->end)
		return 0;
	size_t want = (size_t)(r->end - r->off) < (1u << 20) ? (size_t)(r->end - r->off) : (1u << 20);
	ssize_t n;
	do
		n = pread(r->fd, r->buf, want, r->off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err_set(e, "%s", strerror(errno));
		return -1;
	}
	if (n == 0) {
		err_set(e, "archive is truncated");
		return -1;
	}
	r->off += n;
	*out = r->buf;
	return n;
}

struct index_walk {
	struct tar_bundle *tb;
	struct tar_member **todo;
	const char **names;
};

static void walk_indexed(void *ctx, size_t i)
{
	struct index_walk *w = ctx;
	struct tar_member *m = w->todo[i];
	struct range_src src = {.fd = w->tb->fd, .off = m->offset, .end = m->offset + m->size};
	char *name = xasprintf("%s: layer %s", w->tb->b.name, w->names[i]);
	struct err we = {{0}};
	m->lr = xcalloc(1, sizeof *m->lr);
	if (m->offset < 0 || src.end > w->tb->file_size) {
		err_set(&we, "%s: lies past the end of the file (truncated archive)", name);
	} else {
		src.buf = xmalloc(1 << 20);
		if (layer_walk(name, range_read, &src, w->tb->b.limits, m->lr, &we) == 0)
			we.msg[0] = 0;
		free(src.buf);
	}
	if (we.msg[0]) {
		m->error = xstrdup(we.msg);
		layer_result_free(m->lr);
		free(m->lr);
		m->lr = NULL;
	}
	free(name);
}

static int tb_layers(struct bundle *b, const char *const *paths, size_t n, struct layer_result **out,
		     struct err *e)
{
	struct tar_bundle *tb = (struct tar_bundle *)b;
	if (tb->fd >= 0) {
		/* Walk the not-yet-walked layers the image uses, in parallel. */
		struct index_walk w = {.tb = tb};
		w.todo = xcalloc(n ? n : 1, sizeof *w.todo);
		w.names = xcalloc(n ? n : 1, sizeof *w.names);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			struct tar_member *m = lookup(tb, paths[i]);
			if (!m || !m->indexed || m->lr || m->error)
				continue;
			bool dup = false;
			for (size_t j = 0; j < k && !dup; j++)
				dup = w.todo[j] == m;
			if (!dup) {
				w.todo[k] = m;
				w.names[k++] = paths[i];
			}
		}
		run_parallel(k, b->threads, walk_indexed, &w);
		free(w.todo);
		free(w.names);
	}
	for (size_t i = 0; i < n; i++) {
		struct tar_member *m = lookup(tb, paths[i]);
		if (!m) {
			err_set(e, "%s: layer '%s' is listed but not in the archive", b->name, paths[i]);
			return -1;
		}
		if (m->error) {
			err_set(e, "%s", m->error);
			return -1;
		}
		if (!m->lr) {
			err_set(e, "%s: member '%s' is not a layer", b->name, paths[i]);
			return -1;
		}
		out[i] = m->lr;
	}
	return 0;
}

static void tb_free(struct bundle *b)
{
	struct tar_bundle *tb = (struct tar_bundle *)b;
	strmap_free(&tb->members, member_free);
	if (tb->fd >= 0)
		close(tb->fd);
	free(b->name);
	free(tb);
}

static const struct bundle_ops tar_ops = {
	.member = tb_member,
	.layers = tb_layers,
	.has = tb_has,
	.free = tb_free,
};

/* Reading a member's data from the outer archive, with one block of look-ahead
 * so the first bytes can be inspected before deciding what the member is. */
struct member_stream {
	struct archive *outer;
	const void *pending;
	size_t pending_len;
	bool done;
	bool failed; /* the outer archive itself could not be read */
};

static ssize_t member_next(struct member_stream *s, const void **buf, struct err *e)
{
	if (s->pending_len) {
		*buf = s->pending;
		size_t n = s->pending_len;
		s->pending_len = 0;
		return (ssize_t)n;
	}
	if (s->done)
		return 0;
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(s->outer, buf, &size, &off);
	if (r == ARCHIVE_EOF) {
		s->done = true;
		return 0;
	}
	if (r < ARCHIVE_WARN) {
		s->failed = true;
		err_set(e, "archive is truncated or corrupt: %s",
			archive_error_string(s->outer) ? archive_error_string(s->outer) : "read error");
		return -1;
	}
	return (ssize_t)size;
}

static ssize_t member_read_cb(void *ctx, const void **buf, struct err *e)
{
	return member_next(ctx, buf, e);
}

static bool is_json_name(const char *p)
{
	const char *base = path_base(p);
	size_t n = strlen(p);
	return !strcmp(p, "oci-layout") || !strcmp(p, "repositories") || !strcmp(base, "json") ||
	       (n > 5 && !strcmp(p + n - 5, ".json"));
}

static bool looks_like_json(const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')
			continue;
		return p[i] == '{' || p[i] == '[';
	}
	return false;
}

static int keep_json(struct tar_bundle *tb, struct tar_member *m, struct member_stream *ms, const char *path,
		     struct err *e)
{
	const void *blk;
	ssize_t n;
	while ((n = member_next(ms, &blk, e)) > 0) {
		if (m->json.len + (size_t)n > BUNDLE_MAX_JSON) {
			err_set(e, "%s: member '%s' is larger than %d MiB", tb->b.name, path, BUNDLE_MAX_JSON >> 20);
			return -1;
		}
		buf_append(&m->json, blk, (size_t)n);
	}
	if (n < 0) {
		err_prefix(e, "%s", tb->b.name);
		return -1;
	}
	if (!m->json.data)
		buf_append(&m->json, "", 0);
	return 0;
}

/* A symlink or hard link member: an alias of the member it names (never
 * outside the archive: absolute or climbing targets are dropped). */
static struct tar_member *alias_member(const char *path, struct archive_entry *ent)
{
	const char *target = archive_entry_hardlink(ent);
	char *norm = NULL;
	if (target) {
		norm = path_normalize(target);
	} else if ((target = archive_entry_symlink(ent))) {
		const char *base = path_base(path);
		char *joined = xasprintf("%.*s%s", (int)(base - path), path, target);
		norm = target[0] == '/' ? NULL : path_normalize(joined);
		free(joined);
	}
	if (!norm)
		return NULL;
	struct tar_member *m = xcalloc(1, sizeof *m);
	m->alias = norm;
	return m;
}

static void store_member(struct tar_bundle *tb, const char *path, struct tar_member *m)
{
	void **slot = strmap_put(&tb->members, path);
	member_free(*slot); /* a later duplicate member wins, as on extraction */
	*slot = m;
}

static int read_member(struct tar_bundle *tb, struct archive *outer, struct archive_entry *ent, struct err *e)
{
	char *path = path_normalize(archive_entry_pathname(ent) ? archive_entry_pathname(ent) : "");
	if (!path || !*path) {
		free(path);
		return 0; /* nothing an image layout names */
	}
	struct tar_member *m = NULL;
	int rc = 0;
	if (archive_entry_filetype(ent) == AE_IFLNK || archive_entry_hardlink(ent)) {
		m = alias_member(path, ent);
		goto store;
	}
	if (archive_entry_filetype(ent) != AE_IFREG)
		goto done;

	bool json_name = is_json_name(path);
	bool layer_name = !strcmp(path_base(path), "layer.tar") || !strncmp(path, "blobs/", 6);
	if (!json_name && !layer_name)
		goto done;
	struct member_stream ms = {.outer = outer};
	ssize_t n = member_next(&ms, &ms.pending, e);
	if (n < 0) {
		err_prefix(e, "%s", tb->b.name);
		rc = -1;
		goto done;
	}
	ms.pending_len = (size_t)n;
	m = xcalloc(1, sizeof *m);
	if (json_name || (looks_like_json(ms.pending, ms.pending_len) &&
			  archive_entry_size(ent) <= (la_int64_t)BUNDLE_MAX_JSON)) {
		rc = keep_json(tb, m, &ms, path, e);
		if (rc != 0) {
			member_free(m);
			m = NULL;
		}
		goto store;
	}
	m->lr = xcalloc(1, sizeof *m->lr);
	char *name = xasprintf("%s: layer %s", tb->b.name, path);
	struct err we = {{0}};
	if (layer_walk(name, member_read_cb, &ms, tb->b.limits, m->lr, &we) != 0) {
		/* Only fatal if the image uses this member; remember why. */
		m->error = xstrdup(we.msg);
		layer_result_free(m->lr);
		free(m->lr);
		m->lr = NULL;
		/* A failure of the outer archive itself is fatal at once. */
		if (ms.failed) {
			err_set(e, "%s", we.msg);
			rc = -1;
		}
	}
	free(name);
store:
	if (m)
		store_member(tb, path, m);
done:
	free(path);
	return rc;
}

static struct archive *open_outer(int fd)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 1 << 20) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The indexed pass. Returns 1 when the archive was indexed, 0 when it must
 * be streamed instead (compressed, sparse members), -1 on error. */
static int index_archive(struct tar_bundle *tb, int fd, struct err *e)
{
	struct archive *a = open_outer(fd);
	if (!a)
		return 0; /* let the streaming path report it */
	struct archive_entry *ent;
	struct tar_member *pending = NULL; /* waits for the next header to learn its offset */
	int r, rc = 1;
	size_t count = 0;
	for (;;) {
		r = archive_read_next_header(a, &ent);
		int64_t pos = archive_read_header_position(a);
		if (pending) {
			pending->offset = pos - ((pending->size + 511) / 512) * 512;
			pending = NULL;
		}
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			err_set(e, "%s: %s: %s", tb->b.name, count ? "archive is truncated or corrupt" : "not a tar archive",
				archive_error_string(a));
			rc = -1;
			break;
		}
		if (count++ == 0 && archive_filter_count(a) > 1) {
			rc = 0; /* compressed: offsets are not file offsets */
			break;
		}
		if (archive_entry_sparse_count(ent) > 0) {
			rc = 0;
			break;
		}
		char *path = path_normalize(archive_entry_pathname(ent) ? archive_entry_pathname(ent) : "");
		if (!path || !*path) {
			free(path);
			continue;
		}
		struct tar_member *m = NULL;
		if (archive_entry_filetype(ent) == AE_IFLNK || archive_entry_hardlink(ent)) {
			m = alias_member(path, ent);
		} else if (archive_entry_filetype(ent) == AE_IFREG) {
			m = xcalloc(1, sizeof *m);
			m->indexed = true;
			m->size = archive_entry_size(ent);
			m->offset = -1;
			pending = m;
		}
		if (m)
			store_member(tb, path, m);
		free(path);
	}
	archive_read_free(a);
	if (rc == 0) {
		strmap_free(&tb->members, member_free);
		memset(&tb->members, 0, sizeof tb->members);
	}
	return rc;
}

struct bundle *bundle_open_tar(const char *name, int fd, const struct walk_limits *lim, int threads,
			       struct err *e)
{
	bool own_fd = false;
	if (fd < 0) {
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err_set(e, "%s: %s", name, strerror(errno));
			return NULL;
		}
		own_fd = true;
	}
	struct tar_bundle *tb = xcalloc(1, sizeof *tb);
	tb->b.ops = &tar_ops;
	tb->b.name = xstrdup(name);
	tb->b.limits = lim ? lim : &walk_default_limits;
	tb->b.threads = threads;
	tb->fd = -1;
	struct stat st;
	if (own_fd && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		tb->file_size = st.st_size;
		int ir = index_archive(tb, fd, e);
		if (ir < 0)
			goto fail_early;
		if (ir > 0) {
			tb->fd = fd;
			return &tb->b;
		}
		if (lseek(fd, 0, SEEK_SET) != 0) {
			err_set(e, "%s: %s", name, strerror(errno));
			goto fail_early;
		}
	}
	struct archive *a = open_outer(fd);
	struct archive_entry *ent;
	int r;
	if (!a) {
		err_set(e, "%s: not a tar archive", name);
		goto fail_early;
	}
	size_t count = 0;
	while ((r = archive_read_next_header(a, &ent)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			err_set(e, "%s: %s: %s", name, count ? "archive is truncated or corrupt" : "not a tar archive",
				archive_error_string(a));
			goto fail;
		}
		count++;
		if (read_member(tb, a, ent, e) != 0)
			goto fail;
	}
	archive_read_free(a);
	if (own_fd)
		close(fd);
	return &tb->b;
fail:
	archive_read_free(a);
fail_early:
	if (own_fd)
		close(fd);
	tb_free(&tb->b);
	return NULL;
}
