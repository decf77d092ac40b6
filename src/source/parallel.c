#include "source/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "util/util.h"

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
