/* Fuzz the layer walk: arbitrary bytes as a (possibly compressed) layer tar.
 * Exercises decompression, tar parsing, path normalisation, whiteouts, every
 * analyzer on whatever files the input names, the merged view, and the image
 * checks that read what analyzers kept (etc/passwd, etc/group, etc/shadow
 * parsing; setuid and world-writable files). */
#include "walk/layer.h"
#include "walk/view.h"
#include "misconf/image_checks.h"

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
	struct image img = {0};
	img.config = json_pack("{s:{s:s}}", "config", "User", "");
	struct image_layer il[2] = {{.size = -1}, {.size = -1}};
	img.layers = il;
	img.nlayers = 2;
	struct misconf_findings mf = {0};
	misconf_check_image(&img, &v, layers, 2, &mf);
	misconf_findings_free(&mf);
	json_decref(img.config);
	view_free(&v);
	layer_result_free(&r);
	return 0;
}
