/* sign: cosign-compatible keys and signatures.
 *
 * Keys are ECDSA P-256 (OpenSSL 3). Private keys are stored the way cosign
 * stores them so that keys move freely between vigil and cosign: a PEM block of
 * type "ENCRYPTED SIGSTORE PRIVATE KEY" (older cosign: "ENCRYPTED COSIGN
 * PRIVATE KEY") whose body is the JSON of go-securesystemslib's "encrypted"
 * package — scrypt derives a 32-byte key from the passphrase, nacl/secretbox
 * (XSalsa20-Poly1305, libsodium) seals the PKCS#8 DER of the key.
 *
 * A signature is ECDSA-SHA256 (DER) over the exact bytes of a "simple signing"
 * payload naming the image's manifest digest and repository. Signatures live
 * next to the image (registry tag sha256-<hex>.sig, one layer per signature) or
 * in a dir: copy written by containers/image (signature-N files).
 *
 * Every function that fails fills a struct err and returns -1 (or NULL). */
#ifndef VIGIL_SIGN_H
#define VIGIL_SIGN_H

#include "util/util.h"

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Names cosign and containers/image use on the wire. */
#define SIGN_PEM_SIGSTORE "ENCRYPTED SIGSTORE PRIVATE KEY"
#define SIGN_PEM_COSIGN "ENCRYPTED COSIGN PRIVATE KEY"
#define SIGN_PAYLOAD_TYPE "cosign container image signature"
#define SIGN_MEDIA_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define SIGN_ANNOTATION_SIG "dev.cosignproject.cosign/signature"
/* scrypt N that every cosign release accepts (go-securesystemslib "legacy"). */
#define SIGN_SCRYPT_N 32768u

/* ---- bytes that must not outlive their use ---------------------------------- */

/* A secret (passphrase, key material): zeroed before it is freed. */
struct secret {
	unsigned char *p;
	size_t n;
};
void secret_free(struct secret *s);

/* ---- encodings ------------------------------------------------------------------ */

/* Standard base64 with padding (Go's base64.StdEncoding). */
char *sign_b64_encode(const void *p, size_t n);
/* Decodes standard base64; padding required, no whitespace. -1 on bad input. */
int sign_b64_decode(const char *s, size_t n, struct buf *out);

/* The first PEM block of text: *type is its label (malloc'd), der (empty on
 * entry; freed on failure) its body. */
int sign_pem_decode(const void *text, size_t len, char **type, struct buf *der, struct err *e);
/* A PEM block with 64-column lines, like Go's pem.EncodeToMemory. */
char *sign_pem_encode(const char *type, const void *der, size_t n);

/* ---- the encrypted-key JSON ------------------------------------------------------ */

/* Seal plain under pass: {"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},
 * "salt":..},"cipher":{"name":"nacl/secretbox","nonce":..},"ciphertext":..}. */
int sign_encrypted_seal(const void *plain, size_t n, const struct secret *pass, unsigned scrypt_n,
			struct buf *json, struct err *e);
/* The fields of such JSON, checked (scrypt parameters, nonce size) but not yet
 * decrypted: the parsing half of sign_encrypted_open, apart for fuzzing. */
struct sign_encrypted {
	uint64_t n;
	uint32_t r, p;
	struct buf salt, nonce, ciphertext;
};
int sign_encrypted_parse(const void *json, size_t n, struct sign_encrypted *out, struct err *e);
void sign_encrypted_free(struct sign_encrypted *x);
/* Open such JSON. The scrypt parameters must be one of the three sets
 * go-securesystemslib accepts (so a hostile file cannot ask for gigabytes). */
int sign_encrypted_open(const void *json, size_t n, const struct secret *pass, struct secret *plain,
			struct err *e);

/* ---- keys --------------------------------------------------------------------------- */

EVP_PKEY *sign_key_generate(struct err *e);
/* Private key as cosign writes it (SIGSTORE label, N = SIGN_SCRYPT_N). */
int sign_privkey_to_pem(EVP_PKEY *k, const struct secret *pass, struct buf *pem, struct err *e);
/* True when the PEM text is a cosign encrypted key (needs a passphrase). */
bool sign_privkey_is_encrypted(const void *pem, size_t n);
/* Cosign encrypted keys (either label) or plain PKCS#8 / SEC1 PEM keys. */
EVP_PKEY *sign_privkey_from_pem(const void *pem, size_t n, const struct secret *pass, struct err *e);
/* pass NULL: asked (sign_passphrase) only when the file is encrypted. */
EVP_PKEY *sign_privkey_load(const char *path, const struct secret *pass, struct err *e);
/* SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"). */
int sign_pubkey_to_pem(EVP_PKEY *k, struct buf *pem, struct err *e);
EVP_PKEY *sign_pubkey_from_pem(const void *pem, size_t n, struct err *e);
EVP_PKEY *sign_pubkey_load(const char *path, struct err *e);

/* The passphrase: $COSIGN_PASSWORD, else $VIGIL_KEY_PASSWORD, else asked on the
 * terminal without echo (twice when confirm). No terminal and no variable is
 * an error that says which variables to set. */
int sign_passphrase(const char *what, bool confirm, struct secret *out, struct err *e);

/* ---- signing bytes --------------------------------------------------------------------- */

/* ECDSA-SHA256 (EC keys) or RSASSA-PKCS1-v1_5-SHA256 (RSA keys), DER. */
int sign_bytes(EVP_PKEY *k, const void *msg, size_t n, struct buf *sig, struct err *e);
/* 1 when sig is a valid signature of msg by k, else 0. */
int sign_verify_bytes(EVP_PKEY *k, const void *msg, size_t n, const void *sig, size_t siglen);

/* ---- the simple-signing payload ----------------------------------------------------------- */

/* {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":
 * DIGEST},"type":"cosign container image signature"},"optional":null|{annotations}}.
 * annotations are "key=value" strings. Returns a malloc'd string or NULL. */
char *sign_payload_build(const char *docker_ref, const char *digest, const char *const *annotations,
			 size_t nann, struct err *e);

struct sign_payload {
	char *docker_reference;
	char *manifest_digest;
};
int sign_payload_parse(const void *p, size_t n, struct sign_payload *out, struct err *e);
void sign_payload_free(struct sign_payload *p);

/* ---- checking signatures ----------------------------------------------------------------- */

/* One signature as found next to an image. */
struct sign_sig {
	unsigned char *payload;
	size_t payload_len;
	char *sig_b64;      /* the dev.cosignproject.cosign/signature annotation */
	char *layer_digest; /* registry: the layer descriptor's digest; NULL in dir: copies */
};
void sign_sig_free(struct sign_sig *s);

enum sign_verdict {
	SIGN_OK,
	SIGN_BAD_BLOB,      /* payload bytes do not hash to the layer digest */
	SIGN_BAD_SIGNATURE, /* signature does not verify with the key */
	SIGN_BAD_PAYLOAD,   /* signed, but not a simple-signing payload */
	SIGN_DIGEST_MISMATCH,
	SIGN_IDENTITY_MISMATCH,
};

/* Check one signature against the key, the image's manifest digest and, when
 * repository is not NULL, the repository the image was named by. */
enum sign_verdict sign_check(EVP_PKEY *pub, const struct sign_sig *s, const char *manifest_digest,
			     const char *repository, struct err *why);

/* Returned when signatures were read but none verifies (-1 is "could not read"). */
#define SIGN_UNVERIFIED (-2)

/* Check every signature; print each verified payload on its own line to out.
 * Returns the number verified (>= 1) or SIGN_UNVERIFIED with e saying why none did, its
 * message starting with the reason: "no signatures", "signature mismatch",
 * "digest mismatch", "identity mismatch", "blob digest mismatch", "invalid
 * payload". */
int sign_check_all(EVP_PKEY *pub, const struct sign_sig *sigs, size_t n, const char *manifest_digest,
		   const char *repository, FILE *out, struct err *e);

/* Repository part of a docker reference: "host:5000/a/b:tag" -> "host:5000/a/b"
 * (tag and digest removed). malloc'd. */
char *sign_ref_repository(const char *ref);

/* ---- dir: copies (containers/image) ------------------------------------------------------- */

/* A "signature-N" file: "\0sigstore-json\n" + {"mimeType","payload","annotations"}. */
int sign_envelope_parse(const void *p, size_t n, struct sign_sig *out, struct err *e);
/* The digest of a manifest as the registry computes it: sha256 of the bytes,
 * except for signed schema-1 manifests whose JWS signatures are removed first. */
int sign_manifest_digest(const void *m, size_t n, char out[72], struct err *e);
/* Verify a dir: copy (manifest.json + signature-1, -2, ...). identity, when not
 * NULL, is the repository the signatures must name. Same result as sign_check_all;
 * -1 when the directory or its manifest cannot be read. */
int sign_verify_dir(const char *dir, EVP_PKEY *pub, const char *identity, FILE *out, struct err *e);

#endif
