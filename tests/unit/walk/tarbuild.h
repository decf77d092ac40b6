/* Building layer tars in memory for tests, with libarchive's writer. */
#ifndef VIGIL_TEST_TARBUILD_H
#define VIGIL_TEST_TARBUILD_H

#include <stddef.h>

struct tspec {
	const char *path;
	char type; /* 'f' file, 'd' dir, 'l' symlink, 'h' hardlink, 'c' char device */
	const char *content; /* file content, or link target */
	unsigned mode;       /* 0 = default */
	size_t zeros;        /* for 'f': this many zero bytes instead of content */
};

/* Returns malloc'd bytes of a tar (compress: NULL, "gzip", "zstd"). */
unsigned char *tar_build(const struct tspec *e, size_t n, const char *compress, size_t *len);

#endif
