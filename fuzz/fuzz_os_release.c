/* Fuzz the release-file analyzer and os_detect. The input is split at NUL
 * bytes (which a release file can never contain) into up to 8 files; the
 * first byte of each picks its path among the release files. Each goes
 * through the analyzer from a buffer of exactly its size, and the texts it
 * accepts go to os_detect together, as from an image's final view. */
#include "analyzer/analyzer.h"
#include "inventory/inventory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"etc/os-release",      "usr/lib/os-release",  "etc/alpine-release",    "etc/debian_version",
	"etc/redhat-release",  "etc/centos-release",  "etc/rocky-release",     "etc/almalinux-release",
	"etc/fedora-release",  "etc/system-release",  "etc/oracle-release",    "etc/lsb-release",
	"etc/SuSE-release",    "etc/mariner-release", "etc/photon-release",
};

#define MAX_FILES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct analysis an[MAX_FILES];
	const char *files[MAX_FILES], *texts[MAX_FILES];
	size_t nf = 0, pos = 0;
	while (pos < size && nf < MAX_FILES) {
		const uint8_t *end = memchr(data + pos, 0, size - pos);
		size_t len = end ? (size_t)(end - (data + pos)) : size - pos;
		if (len >= 1) {
			const char *path = paths[data[pos] % (sizeof paths / sizeof paths[0])];
			size_t n = len - 1;
			unsigned char *copy = malloc(n ? n : 1);
			if (!copy)
				abort();
			if (n)
				memcpy(copy, data + pos + 1, n);
			struct analyzer_input in = {path, copy, n, false};
			struct err e = {{0}};
			memset(&an[nf], 0, sizeof an[nf]);
			if (!analyzer_os_release.match(path))
				abort();
			if (analyzer_os_release.parse(&in, &an[nf], &e) == 0) {
				if (!an[nf].release_text || strlen(an[nf].release_text) != n)
					abort();
				files[nf] = path;
				texts[nf] = an[nf].release_text;
				nf++;
			} else if (an[nf].release_text || !e.msg[0]) {
				abort();
			}
			free(copy);
		}
		pos += len + 1;
	}
	struct os_info os;
	if (os_detect(files, texts, nf, &os) != 0)
		abort();
	/* A family always comes with a known name; touch every string. */
	size_t sum = 0;
	if (os.family)
		sum += strlen(os.family);
	else if (os.name)
		abort();
	if (os.name)
		sum += strlen(os.name);
	if (os.pretty)
		sum += strlen(os.pretty);
	(void)sum;
	os_info_clear(&os);
	for (size_t i = 0; i < nf; i++)
		analysis_clear(&an[i]);
	return 0;
}
