/* Fuzz the dpkg status and info/<pkg>.list parsers with arbitrary bytes. The
 * first byte picks the path (status, a distroless status.d file, or a .list
 * with and without an arch qualifier) and whether the input is a capped
 * prefix; the rest is copied to a buffer of exactly its size so ASan sees
 * any read past the end. */
#include "analyzer/analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"var/lib/dpkg/status",
	"var/lib/dpkg/status.d/libssl3",
	"var/lib/dpkg/info/libc6:amd64.list",
	"var/lib/dpkg/info/bash.list",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *path = paths[data[0] % 4];
	bool truncated = (data[0] & 0x80) != 0;
	size_t n = size - 1;
	unsigned char *copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	if (n)
		memcpy(copy, data + 1, n);
	struct analyzer_input in = {path, copy, n, truncated};
	struct analysis out = {0};
	struct err e = {{0}};
	const struct analyzer *an = analyzer_dpkg_status.match(path) ? &analyzer_dpkg_status : &analyzer_dpkg_list;
	if (!an->match(path))
		abort();
	size_t sum = 0;
	if (an->parse(&in, &out, &e) == 0) {
		for (size_t i = 0; i < out.pkgs.len; i++) {
			const struct pkg *p = &out.pkgs.v[i];
			if (!p->name || !*p->name || !p->version || !*p->version || !p->src_name || !p->src_version)
				abort();
			sum += strlen(p->name) + strlen(p->version) + strlen(p->src_name) + strlen(p->src_version);
			if (p->arch)
				sum += strlen(p->arch);
		}
		if (an == &analyzer_dpkg_list && (!out.owner || !*out.owner))
			abort();
		for (size_t j = 0; j < out.nfiles; j++) {
			if (!*out.files[j] || out.files[j][0] == '/')
				abort();
			sum += strlen(out.files[j]);
		}
	} else {
		if (out.pkgs.len || out.nfiles || !e.msg[0])
			abort(); /* failure leaves nothing behind and says why */
	}
	(void)sum;
	analysis_clear(&out);
	free(copy);
	return 0;
}
