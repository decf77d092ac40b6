/* Fuzz the secret scanner: the input is a file's content, fed once whole
 * and once in pseudo-random chunks (sizes from the input's first bytes),
 * under one of a few paths so the path-bound rules run too. Besides
 * crashes and sanitizer errors, the two scans must give identical findings
 * (the streaming contract), and no finding may hold a NUL or a newline. */
#include "secret/secret.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* libFuzzer calls the harness without a context argument, and compiling the
 * rules per input would make the fuzzer a Hyperscan-compile benchmark: the
 * rules and one scanner live for the whole run. */
static struct secret_rules *rules;
static struct secret_scan *scan;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct err e;
	rules = secret_rules_load(NULL, &e);
	if (!rules)
		abort();
	scan = secret_scan_new(rules);
	return 0;
}

static const char *const paths[] = {
	"srv/app/config.yaml", "root/.netrc", "home/u/.git-credentials", "root/.ssh/id_rsa",
	"root/.docker/config.json", "usr/share/doc/x/README",
};

static void run(const uint8_t *p, size_t n, const char *path, uint32_t seed, struct secret_findings *out)
{
	if (secret_file_begin(scan, path, seed ? -1 : (int64_t)n) == 0) {
		size_t off = 0;
		while (off < n && secret_file_wants_more(scan)) {
			size_t k = n - off;
			if (seed) {
				seed = seed * 1103515245u + 12345u;
				/* Mostly small chunks, sometimes large ones. */
				k = 1 + (seed >> 16) % ((seed & 8) ? 70000u : 17u);
				if (k > n - off)
					k = n - off;
			}
			secret_file_feed(scan, p + off, k);
			off += k;
		}
	}
	secret_file_end(scan, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	const char *path = paths[data[0] % (sizeof paths / sizeof *paths)];
	uint32_t seed = (uint32_t)data[1] << 8 | data[2] | 1u;
	data += 3;
	size -= 3;
	struct secret_findings a = {0}, b = {0};
	run(data, size, path, 0, &a);
	run(data, size, path, seed, &b);
	if (a.len != b.len || a.bytes_scanned != b.bytes_scanned)
		abort();
	for (size_t i = 0; i < a.len; i++) {
		if (strcmp(a.v[i].rule_id, b.v[i].rule_id) || strcmp(a.v[i].match, b.v[i].match) ||
		    a.v[i].start_line != b.v[i].start_line || a.v[i].end_line != b.v[i].end_line)
			abort();
		if (strchr(a.v[i].match, '\n') || a.v[i].start_line > a.v[i].end_line)
			abort();
	}
	/* Image-config strings: the input as one string up to its first NUL. */
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	secret_scan_text(scan, "config: Env", text, &a);
	free(text);
	secret_findings_free(&a);
	secret_findings_free(&b);
	return 0;
}
