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

struct fd_src {
	int fd;
	unsigned char *buf;
	const char *name;
};

static ssize_t fd_read(void *ctx, const void **out, struct err *e)
{
	struct fd_src *s = ctx;
	for (;;) {
		ssize_t n = read(s->fd, s->buf, 1 << 20);
		if (n >= 0) {
			*out = s->buf;
			return n;
		}
		if (errno != EINTR) {
			err_set(e, "%s: %s", s->name, strerror(errno));
			return -1;
		}
	}
}

struct walk_job {
	struct dir_bundle *db;
	const char **paths; /* unique */
	struct layer_result *results;
	struct err *errs;
	int *rcs;
	size_t n;
};

static void walk_one(void *ctx, size_t i)
{
	struct walk_job *j = ctx;
	const char *path = j->paths[i];
	char *name = xasprintf("%s/%s", j->db->b.name, path);
	int fd = open_beneath(j->db->dirfd, path);
	if (fd < 0) {
		err_set(&j->errs[i], "%s: %s", name, strerror(errno));
		j->rcs[i] = -1;
		free(name);
		return;
	}
	struct fd_src src = {.fd = fd, .buf = xmalloc(1 << 20), .name = name};
	j->rcs[i] = layer_walk(name, fd_read, &src, j->db->b.limits, &j->results[i], &j->errs[i]);
	free(src.buf);
	close(fd);
	free(name);
}

static int db_layers(struct bundle *b, const char *const *paths, size_t n, struct layer_result **out,
		     struct err *e)
{
	struct dir_bundle *db = (struct dir_bundle *)b;
	struct walk_job j = {.db = db};
	j.paths = xcalloc(n ? n : 1, sizeof *j.paths);
	for (size_t i = 0; i < n; i++) {
		if (strmap_get(&db->walked, paths[i]))
			continue;
		bool dup = false;
		for (size_t k = 0; k < j.n && !dup; k++)
			dup = !strcmp(j.paths[k], paths[i]);
		if (!dup)
			j.paths[j.n++] = paths[i];
	}
	j.results = xcalloc(j.n ? j.n : 1, sizeof *j.results);
	j.errs = xcalloc(j.n ? j.n : 1, sizeof *j.errs);
	j.rcs = xcalloc(j.n ? j.n : 1, sizeof *j.rcs);
	run_parallel(j.n, b->threads, walk_one, &j);
	int rc = 0;
	for (size_t i = 0; i < j.n; i++) {
		struct layer_result *r = xmalloc(sizeof *r);
		*r = j.results[i];
		if (j.rcs[i] != 0 && rc == 0) {
			*e = j.errs[i];
			rc = -1;
		}
		if (j.rcs[i] != 0) {
			layer_result_free(r);
			free(r);
			continue;
		}
		*strmap_put(&db->walked, j.paths[i]) = r;
	}
	free(j.paths);
	free(j.results);
	free(j.errs);
	free(j.rcs);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		out[i] = strmap_get(&db->walked, paths[i]);
	return 0;
}

static void free_buf(void *p)
{
	buf_free(p);
	free(p);
}

static void free_layer(void *p)
{
	layer_result_free(p);
	free(p);
}

static void db_free(struct bundle *b)
{
	struct dir_bundle *db = (struct dir_bundle *)b;
	strmap_free(&db->json, free_buf);
	strmap_free(&db->walked, free_layer);
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
