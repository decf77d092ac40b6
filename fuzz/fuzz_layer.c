/* Fuzz the layer walk: arbitrary bytes as a (possibly compressed) layer tar.
 * Exercises decompression, tar parsing, path normalisation, whiteouts, every
 * analyzer on whatever files the input names, and the merged view. */
#include "walk/layer.h"
#include "walk/view.h"

#include <stddef.h>
#include <stdint.h>

struct mem {
	const uint8_t *p;
	size_t n;
	int done;
};

static ssize_t mem_read(void *ctx, const void **buf, struct err *e)
{
	(void)e;
	struct mem *m = ctx;
	if (m->done)
		return 0;
	m->done = 1;
	*buf = m->p;
	return (ssize_t)m->n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = {data, size, 0};
	struct layer_result r = {0};
	struct err e = {{0}};
	struct walk_limits lim = {.max_tar_bytes = 64 << 20, .max_entries = 100000};
	layer_walk("fuzz", mem_read, &m, &lim, &r, &e);
	struct layer_result *layers[2] = {&r, &r};
	struct view v;
	view_build(&v, layers, 2);
	view_free(&v);
	layer_result_free(&r);
	return 0;
}
