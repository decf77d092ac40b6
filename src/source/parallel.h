/* Running independent jobs (layer walks) on a few threads. */
#ifndef VIGIL_SOURCE_PARALLEL_H
#define VIGIL_SOURCE_PARALLEL_H

#include <stddef.h>

/* Calls fn(ctx, i) for every i in [0, n), on up to `threads` threads (the
 * caller's included); returns when all are done. */
void run_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
