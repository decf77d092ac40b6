/* Fuzz the apk installed-database parser with arbitrary bytes. The first
 * byte decides whether the input is marked as a capped prefix; the rest is
 * copied to a buffer of exactly its size so that any read past the end is
 * caught by ASan. Results are walked so that every string is touched. */
#include "analyzer/analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool truncated = (data[0] & 0x80) != 0;
	size_t n = size - 1;
	unsigned char *copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	if (n)
		memcpy(copy, data + 1, n);
	struct analyzer_input in = {"lib/apk/db/installed", copy, n, truncated};
	struct analysis out = {0};
	struct err e = {{0}};
	size_t sum = 0;
	if (analyzer_apk.parse(&in, &out, &e) == 0) {
		for (size_t i = 0; i < out.pkgs.len; i++) {
			const struct pkg *p = &out.pkgs.v[i];
			/* Invariants the inventory relies on. */
			if (!p->name || !*p->name || !p->version || !*p->version || !p->src_name || !p->src_version)
				abort();
			sum += strlen(p->name) + strlen(p->version) + strlen(p->src_name);
			for (size_t j = 0; j < p->nfiles; j++) {
				if (!*p->files[j] || p->files[j][0] == '/')
					abort();
				sum += strlen(p->files[j]);
			}
		}
	} else {
		if (out.pkgs.len || !e.msg[0])
			abort(); /* failure leaves nothing behind and says why */
	}
	(void)sum;
	analysis_clear(&out);
	free(copy);
	return 0;
}
