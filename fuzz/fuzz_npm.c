/* Fuzz the npm analyzer's package.json parser (jansson) with arbitrary bytes. The first byte
 * decides whether the input is marked as a capped prefix; the rest is copied
 * to a buffer of exactly its size so that any read past the end is caught by
 * ASan. A success must carry at most one well-formed package; a failure must
 * leave nothing behind and say why. */
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
	struct analyzer_input in = {"node_modules/x/package.json", copy, n, truncated};
	struct analysis out = {0};
	struct err e = {{0}};
	if (analyzer_npm.parse(&in, &out, &e) == 0) {
		if (out.pkgs.len > 1)
			abort();
		for (size_t i = 0; i < out.pkgs.len; i++) {
			const struct pkg *p = &out.pkgs.v[i];
			/* Invariants the inventory and the reports rely on. */
			if (p->type != PKG_NPM || !p->name || !*p->name || !p->version || !*p->version)
				abort();
			if (strlen(p->name) + strlen(p->version) > n || (p->license && !*p->license))
				abort(); /* nothing made up; no empty license */
		}
	} else if (out.pkgs.len || !e.msg[0]) {
		abort();
	}
	analysis_clear(&out);
	free(copy);
	return 0;
}
