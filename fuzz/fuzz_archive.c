/* Fuzz reading an image archive: arbitrary bytes as a docker-archive / OCI
 * layout tar, through the one-pass bundle reader and layout resolution
 * (manifest.json, index.json, configs, digests), then the inventory. */
#include "image/resolve.h"
#include "inventory/build.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	struct bundle *b = bundle_open_tar("fuzz", fd, &lim, &e);
	close(fd);
	if (!b)
		return 0;
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
	return 0;
}
