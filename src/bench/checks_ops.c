/* Section 6, security operations: how many images and containers pile up.
 * Both are manual checks: the counts are reported for a human (INFO). */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>

static void c_6_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	struct bench_image *im;
	const char *err;
	size_t n = bench_images(ctx, &im, &err);
	bench_out_set(out, BENCH_INFO);
	if (err) {
		bench_out_detail(out, "could not list images: %s", err);
		return;
	}
	/* An image is in use when any container, running or not, was made from it. */
	char *lerr = NULL;
	json_t *all = bench_get(ctx, "/containers/json?all=1", &lerr);
	if (!all) {
		bench_out_detail(out, "There are currently: %zu images (could not list containers: %s)", n, lerr);
		free(lerr);
		return;
	}
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		bool in_use = false;
		size_t k;
		json_t *c;
		json_array_foreach(all, k, c) {
			if (!strcmp(bench_jstr(c, "ImageID"), im[i].id))
				in_use = true;
		}
		used += in_use;
		if (!in_use)
			bench_out_item(out, BENCH_INFO, "image", im[i].id, im[i].label,
				       "Image not used by any container: [%s]", im[i].label);
	}
	json_decref(all);
	bench_out_detail(out, "There are currently: %zu images, %zu of them used by containers", n, used);
}

static void c_6_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	bench_out_set(out, BENCH_INFO);
	long long total = bench_jint(ctx->info, "Containers"), running = bench_jint(ctx->info, "ContainersRunning");
	bench_out_detail(out, "There are currently a total of %lld containers, with %lld of them currently running",
			 total, running);
}

static const struct bench_check checks[] = {
	{"6.1", "Ensure that image sprawl is avoided", 1, false,
	 "Keep only the images you need; remove unused ones (docker image prune -a) and pull by digest.", c_6_1},
	{"6.2", "Ensure that container sprawl is avoided", 1, false,
	 "Remove containers no longer in use: docker container prune.", c_6_2},
};

const struct bench_check *bench_checks_ops(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
