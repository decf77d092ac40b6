/* A bundle backed by a directory (an OCI image layout, or an unpacked
 * docker-archive). Members are opened beneath the directory only
 * (openat2 RESOLVE_BENEATH: no "..", no symlinks leading out), and the
 * layers an image uses are walked in parallel, one thread per layer. */
#include "source/bundle.h"
#include "source/parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dir_bundle {
	struct bundle b;
	int dirfd;
	struct strmap json;   /* path -> struct buf* */
	struct strmap walked; /* path -> struct layer_result* */
};

static int open_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	if (fd < 0 && errno == ENOSYS) {
		/* Old kernel: refuse anything but plain relative paths. */
		char *norm = path_normalize(path);
		if (!norm || strcmp(norm, path) != 0) {
			free(norm);
			errno = EXDEV;
			return -1;
		}
		free(norm);
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	return fd;
}

static const struct buf *db_member(struct bundle *b, const char *path, struct err *e)
{
	struct dir_bundle *db = (struct dir_bundle *)b;
	struct buf *cached = strmap_get(&db->json, path);
	if (cached)
		return cached;
	int fd = open_beneath(db->dirfd, path);
	if (fd < 0) {
		err_set(e, "%s/%s: %s", b->name, path, strerror(errno));
		return NULL;
	}
	struct buf *out = xcalloc(1, sizeof *out);
	unsigned char tmp[65536];
	ssize_t n;
	while ((n = read(fd, tmp, sizeof tmp)) > 0) {
		if (out->len + (size_t)n > BUNDLE_MAX_JSON) {
			err_set(e, "%s/%s: larger than %d MiB", b->name, path, BUNDLE_MAX_JSON >> 20);
			goto fail;
		}
		buf_append(out, tmp, (size_t)n);
	}
	if (n < 0) {
		err_set(e, "%s/%s: %s", b->name, path, strerror(errno));
		goto fail;
	}
	close(fd);
	if (!out->data)
		buf_append(out, "", 0);
	*strmap_put(&db->json, path) = out;
	return out;
fail:
	close(fd);
	buf_free(out);
	free(out);
	return NULL;
}

static bool db_has(struct bundle *b, const char *path)
{
	struct dir_bundle *db = (struct dir_bundle *)b;
	int fd = open_beneath(db->dirfd, path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int walk_path(void *ctx, const char *path, struct layer_result *out, struct err *e)
{
	struct dir_bundle *db = ctx;
	char *name = xasprintf("%s/%s", db->b.name, path);
	int fd = open_beneath(db->dirfd, path);
	if (fd < 0) {
		err_set(e, "%s: %s", name, strerror(errno));
		free(name);
		return -1;
	}
	struct fd_source src = {.fd = fd, .buf = xmalloc(FD_SOURCE_BUF), .name = name};
	int rc = layer_walk(name, fd_source_read, &src, db->b.limits, out, e);
	free(src.buf);
	close(fd);
	free(name);
	return rc;
}

static int db_layers(struct bundle *b, const char *const *paths, size_t n, struct layer_result **out,
		     struct err *e)
{
	struct dir_bundle *db = (struct dir_bundle *)b;
	return walk_layers_cached(&db->walked, paths, n, b->threads, walk_path, db, out, e);
}

static void free_buf(void *p)
{
	buf_free(p);
	free(p);
}

static void db_free(struct bundle *b)
{
	struct dir_bundle *db = (struct dir_bundle *)b;
	strmap_free(&db->json, free_buf);
	layer_cache_free(&db->walked);
	close(db->dirfd);
	free(b->name);
	free(db);
}

static const struct bundle_ops dir_ops = {
	.member = db_member,
	.layers = db_layers,
	.has = db_has,
	.free = db_free,
};

struct bundle *bundle_open_dir(const char *dir, const struct walk_limits *lim, int threads, struct err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	struct dir_bundle *db = xcalloc(1, sizeof *db);
	db->b.ops = &dir_ops;
	db->b.name = xstrdup(dir);
	db->b.limits = lim ? lim : &walk_default_limits;
	db->b.threads = threads;
	db->dirfd = fd;
	return &db->b;
}
