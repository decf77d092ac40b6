/* Fuzz the --policy YAML parser: any bytes either parse into a policy that
 * frees cleanly or fail with a located message; never a crash. (A policy
 * file is the user's own, but CI pipelines pass files from pull requests.) */
#include "policy/gate.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = {{0}};
	struct policy p;
	if (policy_parse("fuzz.yaml", (const char *)data, size, "/nonexistent", &p, &e) == 0)
		policy_free(&p);
	else if (!e.msg[0])
		abort(); /* a failure always says why */
	return 0;
}
