/* Fuzz reading an image archive: arbitrary bytes as a docker-archive / OCI
 * layout tar, through the one-pass bundle reader and layout resolution
 * (manifest.json, index.json, configs, digests), then the inventory. */
#include "image/resolve.h"
#include "inventory/build.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void resolve_once(struct bundle *b);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	struct walk_limits lim = {.max_tar_bytes = 64 << 20, .max_entries = 100000};
	struct err e = {{0}};
	/* By fd: the streaming reader; by path: the indexed (seeking) reader. */
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	resolve_once(fd >= 0 ? bundle_open_tar("fuzz", fd, &lim, 1, &e) : NULL);
	resolve_once(bundle_open_tar(path, -1, &lim, 2, &e));
	close(fd);
	return 0;
}

static void resolve_once(struct bundle *b)
{
	struct err e = {{0}};
	if (!b)
		return;
	struct image img = {0};
	struct layer_result **layers = NULL;
	struct image_select sel = {.platform = "linux/amd64"};
	if (image_resolve(b, &sel, &img, &layers, &e) == 0) {
		struct view v;
		struct inventory inv;
		view_build(&v, layers, img.nlayers);
		inventory_build(layers, img.nlayers, &v, &inv);
		inventory_free(&inv);
		view_free(&v);
	}
	free(layers);
	image_free(&img);
	bundle_free(b);
}
