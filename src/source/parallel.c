#include "source/parallel.h"

#include "util/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pool {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	atomic_size_t next;
};

static void *work(void *p)
{
	struct pool *pl = p;
	size_t i;
	while ((i = atomic_fetch_add(&pl->next, 1)) < pl->n)
		pl->fn(pl->ctx, i);
	return NULL;
}

void run_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct pool pl = {.fn = fn, .ctx = ctx, .n = n};
	atomic_init(&pl.next, 0);
	size_t nt = threads > 1 ? (size_t)threads : 1;
	if (nt > n)
		nt = n;
	pthread_t *tids = xcalloc(nt ? nt : 1, sizeof *tids);
	size_t started = 0;
	for (size_t t = 1; t < nt; t++)
		if (pthread_create(&tids[started], NULL, work, &pl) == 0)
			started++;
	work(&pl); /* the caller works too; if no thread could start, it does all */
	for (size_t t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
}

struct cached_job {
	const char **paths;
	struct layer_result *results;
	struct err *errs;
	int *rcs;
	layer_walk_path_fn walk;
	void *ctx;
};

static void cached_one(void *p, size_t i)
{
	struct cached_job *j = p;
	j->rcs[i] = j->walk(j->ctx, j->paths[i], &j->results[i], &j->errs[i]);
}

int walk_layers_cached(struct strmap *cache, const char *const *paths, size_t n, int threads,
		       layer_walk_path_fn walk, void *ctx, struct layer_result **out, struct err *e)
{
	struct cached_job j = {.walk = walk, .ctx = ctx};
	size_t m = 0;
	j.paths = xcalloc(n ? n : 1, sizeof *j.paths);
	for (size_t i = 0; i < n; i++) {
		if (strmap_get(cache, paths[i]))
			continue;
		bool dup = false;
		for (size_t k = 0; k < m && !dup; k++)
			dup = !strcmp(j.paths[k], paths[i]);
		if (!dup)
			j.paths[m++] = paths[i];
	}
	j.results = xcalloc(m ? m : 1, sizeof *j.results);
	j.errs = xcalloc(m ? m : 1, sizeof *j.errs);
	j.rcs = xcalloc(m ? m : 1, sizeof *j.rcs);
	run_parallel(m, threads, cached_one, &j);
	int rc = 0;
	for (size_t i = 0; i < m; i++) {
		if (j.rcs[i] != 0) {
			if (rc == 0)
				*e = j.errs[i];
			rc = -1;
			layer_result_free(&j.results[i]);
			continue;
		}
		struct layer_result *r = xmalloc(sizeof *r);
		*r = j.results[i];
		*strmap_put(cache, j.paths[i]) = r;
	}
	free(j.paths);
	free(j.results);
	free(j.errs);
	free(j.rcs);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		out[i] = strmap_get(cache, paths[i]);
	return 0;
}

static void free_cached(void *p)
{
	layer_result_free(p);
	free(p);
}

void layer_cache_free(struct strmap *cache)
{
	strmap_free(cache, free_cached);
}

ssize_t fd_source_read(void *ctx, const void **out, struct err *e)
{
	struct fd_source *s = ctx;
	for (;;) {
		ssize_t n = read(s->fd, s->buf, FD_SOURCE_BUF);
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
