/* sign/remote: cosign signatures in a registry (tag sha256-<hex>.sig beside the
 * image), on top of the registry client in src/registry. */
#ifndef VIGIL_SIGN_REMOTE_H
#define VIGIL_SIGN_REMOTE_H

#include "registry/registry.h"
#include "sign/sign.h"

#include <stdio.h>

/* Verify image's signatures with the public key in pubkey_path: the manifest
 * digest the reference names (a digest reference as given; a tag resolved),
 * its .sig manifest, every signature layer (blob digest, signature, payload
 * digest, repository). Prints each verified payload to out (NULL: nowhere) and
 * copies the verified digest to verified_digest (NULL: not wanted), so that a
 * caller can go on with exactly what was verified.
 * Returns the number of verified signatures (>= 1), SIGN_UNVERIFIED when none
 * verifies (e says why: "no signatures", "signature mismatch", "digest
 * mismatch", "identity mismatch", ...), or -1 when something could not be read
 * (key, registry). */
int sign_verify_image(const char *image, const char *pubkey_path, const struct registry_opts *ro, FILE *out,
		      char verified_digest[72], struct err *e);

/* Sign image (its manifest digest, resolved from the registry) with the
 * private key in key_path (passphrase asked when it is encrypted) and push the
 * signature as cosign does, appending to the signatures already there.
 * annotations: "key=value" strings for the payload's "optional". log: one
 * line saying where the signature went (NULL: quiet). Returns 0 or -1. */
int sign_image(const char *image, const char *key_path, const char *const *annotations, size_t nann,
	       const struct registry_opts *ro, FILE *log, struct err *e);

#endif
