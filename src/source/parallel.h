/* Running independent jobs (layer walks) on a few threads, and the pieces
 * the directory and registry bundles share to walk their layers that way. */
#ifndef VIGIL_SOURCE_PARALLEL_H
#define VIGIL_SOURCE_PARALLEL_H

#include "util/strmap.h"
#include "walk/layer.h"

#include <stddef.h>

/* Calls fn(ctx, i) for every i in [0, n), on up to `threads` threads (the
 * caller's included); returns when all are done. */
void run_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx);

/* Walks one layer named by path into out; 0 or -1 with e set. */
typedef int (*layer_walk_path_fn)(void *ctx, const char *path, struct layer_result *out, struct err *e);

/* Walk results for paths[0..n) (paths may repeat) into out[]: each path not
 * yet in `cache` (path -> struct layer_result*, owned by the cache) is walked
 * once, in parallel; the first failure, in path order, is returned in e. */
int walk_layers_cached(struct strmap *cache, const char *const *paths, size_t n, int threads,
		       layer_walk_path_fn walk, void *ctx, struct layer_result **out, struct err *e);
/* Frees a cache filled by walk_layers_cached. */
void layer_cache_free(struct strmap *cache);

/* A layer_walk source reading a file descriptor through a 1 MiB buffer. */
struct fd_source {
	int fd;
	unsigned char *buf; /* 1 MiB, the caller's */
	const char *name;   /* for messages */
};
ssize_t fd_source_read(void *ctx, const void **out, struct err *e);
enum { FD_SOURCE_BUF = 1 << 20 };

#endif
