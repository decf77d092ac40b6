/* libFuzzer harness for src/sign's parsers of untrusted bytes. The first byte
 * picks the parser, the rest is its input:
 *   0 the encrypted-key JSON (parsing and checks, not scrypt: that costs 32 MiB
 *     and ~100 ms by design, and sits behind the checks fuzzed here)
 *   1 a simple-signing payload
 *   2 a dir: signature file, then a full check against a fixed key and digest
 *   3 a manifest for its digest (schema-1 JWS stripping)
 *   4 PEM, then a private key (plain PKCS#8 / SEC1 / cosign-labelled) and a public key
 * Invariants: parsers fail cleanly (never crash or leak); a parsed payload has
 * both fields; a signature never verifies with a key that did not make it. */
#include "sign/sign.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* An exact-size copy, so reads past the end are caught. */
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);
	struct err e = {{0}};
	switch (data[0] % 5) {
	case 0: {
		struct sign_encrypted x;
		if (sign_encrypted_parse(p, n, &x, &e) == 0) {
			if (x.nonce.len != 24 || x.ciphertext.len < 16 || x.r != 8 || x.p != 1)
				abort();
			sign_encrypted_free(&x);
		}
		break;
	}
	case 1: {
		struct sign_payload pl;
		if (sign_payload_parse(p, n, &pl, &e) == 0) {
			if (!pl.docker_reference || !pl.manifest_digest)
				abort();
			sign_payload_free(&pl);
		}
		break;
	}
	case 2: {
		struct sign_sig s;
		if (sign_envelope_parse(p, n, &s, &e) == 0) {
			/* A key made now signed nothing the fuzzer could produce. */
			EVP_PKEY *k = sign_key_generate(&e);
			if (sign_check(k, &s, "sha256:00", "r", &e) == SIGN_OK)
				abort();
			EVP_PKEY_free(k);
			sign_sig_free(&s);
		}
		break;
	}
	case 3: {
		char d[72];
		if (sign_manifest_digest(p, n, d, &e) == 0 && strncmp(d, "sha256:", 7) != 0)
			abort();
		break;
	}
	case 4: {
		char *type = NULL;
		struct buf der = {0};
		if (sign_pem_decode(p, n, &type, &der, &e) == 0)
			free(type);
		buf_free(&der);
		if (!sign_privkey_is_encrypted(p, n)) {
			/* Encrypted keys would run scrypt; case 0 covers their parsing. */
			struct secret pass = {NULL, 0};
			EVP_PKEY_free(sign_privkey_from_pem(p, n, &pass, &e));
		}
		EVP_PKEY_free(sign_pubkey_from_pem(p, n, &e));
		break;
	}
	}
	free(p);
	return 0;
}
