/* Fuzz the secret scanner's YAML config parser (--secret-config) on
 * arbitrary bytes: it must reject what it does not understand with a
 * message, never crash or leak. Only parsing: compiling arbitrary regexes
 * with Hyperscan would spend the fuzzing time in Hyperscan's compiler. */
#include "secret/internal.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secret_config c;
	struct err e;
	if (secret_config_parse((const char *)data, size, &c, &e) == 0)
		secret_config_free(&c);
	return 0;
}
