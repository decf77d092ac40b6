/* libFuzzer harness for src/trust: canonical JSON and TUF verification of
 * hostile metadata. The first byte picks the mode:
 *   0 canonical JSON of any JSON value: must not crash; when it succeeds, the
 *     output parses back and re-encodes to the same bytes (idempotent)
 *   1 the rest is split at NUL bytes into root, timestamp, snapshot, targets
 *     and targets/releases files, verified as a notary client would; a
 *     verified result lists only targets with 64-hex digests
 * Seeds: the repository of tests/unit/trust/data joined with NULs. */
#include "trust/trust.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void canonical(const uint8_t *p, size_t n)
{
	json_t *v = json_loadb((const char *)p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!v)
		return;
	struct buf out = {0};
	struct err e = {{0}};
	if (cjson_encode(v, &out, &e) == 0) {
		/* Canonical output is JSON only when strings hold no raw control
		 * characters; when it parses, encoding it again changes nothing. */
		json_t *w = json_loadb((const char *)out.data, out.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (w) {
			struct buf again = {0};
			if (cjson_encode(w, &again, &e) != 0 || again.len != out.len ||
			    memcmp(again.data, out.data, out.len) != 0)
				abort();
			buf_free(&again);
			json_decref(w);
		}
	}
	buf_free(&out);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		canonical(data + 1, size - 1);
		return 0;
	}
	static const char *const roles[] = {"root", "timestamp", "snapshot", "targets", "targets/releases"};
	struct tuf_files f = {0};
	const uint8_t *p = data + 1, *end = data + size;
	for (size_t i = 0; i < 5 && p <= end; i++) {
		const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
		const uint8_t *stop = nul ? nul : end;
		tuf_files_add(&f, roles[i], p, (size_t)(stop - p));
		if (!nul)
			break;
		p = nul + 1;
	}
	struct tuf_result r;
	struct err e = {{0}};
	/* 2030-01-01, before the seeds expire. */
	if (tuf_verify(&f, 1893456000, NULL, &r, &e) == 0) {
		for (size_t i = 0; i < r.ntargets; i++)
			if (strlen(r.targets[i].sha256) != 64)
				abort();
		tuf_result_free(&r);
	}
	tuf_files_free(&f);
	return 0;
}
