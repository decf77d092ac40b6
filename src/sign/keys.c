/* Keys: generation, cosign's encrypted private-key format, public keys and
 * the passphrase. The format follows go-securesystemslib's encrypted package
 * (the one cosign calls): JSON fields in Go struct order, []byte as standard
 * base64, scrypt(N, r=8, p=1) -> 32-byte key, nacl/secretbox with a 24-byte
 * nonce, ciphertext = Poly1305 tag || XSalsa20 stream (libsodium's "easy" layout
 * is the same). */
#include "sign/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum { SALT_LEN = 32, KEY_LEN = 32, PASS_MAX = 4096 };

/* The only scrypt parameter sets go-securesystemslib (and so cosign) accepts:
 * legacy, standard, OWASP. Anything else is refused before any work is done. */
static const struct {
	uint64_t n;
	uint32_t r, p;
} scrypt_sets[] = {{32768, 8, 1}, {65536, 8, 1}, {131072, 8, 1}};

static void ossl_err(struct err *e, const char *what)
{
	unsigned long code = ERR_get_error();
	char detail[256] = "";
	if (code)
		ERR_error_string_n(code, detail, sizeof detail);
	ERR_clear_error();
	err_set(e, "%s%s%s", what, code ? ": " : "", detail);
}

static int derive(const struct secret *pass, const unsigned char *salt, size_t saltlen, uint64_t n, uint32_t r,
		  uint32_t p, unsigned char key[KEY_LEN], struct err *e)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!ctx) {
		ossl_err(e, "OpenSSL has no scrypt");
		return -1;
	}
	/* 128·r·N bytes of work memory: 128 MiB for the OWASP set, above OpenSSL's
	 * 32 MiB default; the parameter check above bounds it. */
	uint64_t maxmem = 128u * r * n + (1u << 20);
	static const unsigned char empty[1] = {0};
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pass->n ? pass->p : (void *)empty,
						  pass->n),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen),
		OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
		OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
		OSSL_PARAM_construct_end(),
	};
	int ok = EVP_KDF_derive(ctx, key, KEY_LEN, params) == 1;
	EVP_KDF_CTX_free(ctx);
	if (!ok) {
		OPENSSL_cleanse(key, KEY_LEN);
		ossl_err(e, "scrypt failed");
		return -1;
	}
	return 0;
}

static int sodium_ready(struct err *e)
{
	if (sodium_init() < 0) {
		err_set(e, "libsodium cannot be initialised");
		return -1;
	}
	return 0;
}

int sign_encrypted_seal(const void *plain, size_t n, const struct secret *pass, unsigned scrypt_n,
			struct buf *json, struct err *e)
{
	if (sodium_ready(e))
		return -1;
	unsigned char salt[SALT_LEN], nonce[crypto_secretbox_NONCEBYTES], key[KEY_LEN];
	if (RAND_bytes(salt, sizeof salt) != 1 || RAND_bytes(nonce, sizeof nonce) != 1) {
		ossl_err(e, "no random bytes");
		return -1;
	}
	if (derive(pass, salt, sizeof salt, scrypt_n, 8, 1, key, e))
		return -1;
	size_t clen = n + crypto_secretbox_MACBYTES;
	unsigned char *c = xmalloc(clen);
	crypto_secretbox_easy(c, plain, n, nonce, key);
	sodium_memzero(key, sizeof key);

	char *salt64 = sign_b64_encode(salt, sizeof salt), *nonce64 = sign_b64_encode(nonce, sizeof nonce);
	char *c64 = sign_b64_encode(c, clen);
	free(c);
	/* Field order as Go's encoding/json writes the struct. */
	json_t *o = json_pack("{s:{s:s,s:{s:I,s:i,s:i},s:s},s:{s:s,s:s},s:s}", "kdf", "name", "scrypt", "params",
			      "N", (json_int_t)scrypt_n, "r", 8, "p", 1, "salt", salt64, "cipher", "name",
			      "nacl/secretbox", "nonce", nonce64, "ciphertext", c64);
	free(salt64);
	free(nonce64);
	free(c64);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!s) {
		err_set(e, "cannot encode the encrypted key");
		return -1;
	}
	buf_append(json, s, strlen(s));
	free(s);
	return 0;
}

/* A base64 member of obj, decoded. */
static int b64_member(json_t *obj, const char *name, const char *where, struct buf *out, struct err *e)
{
	json_t *v = json_object_get(obj, name);
	if (!json_is_string(v)) {
		err_set(e, "%s: \"%s\" missing or not a string", where, name);
		return -1;
	}
	if (sign_b64_decode(json_string_value(v), json_string_length(v), out)) {
		err_set(e, "%s: \"%s\" is not valid base64", where, name);
		return -1;
	}
	return 0;
}

void sign_encrypted_free(struct sign_encrypted *x)
{
	buf_free(&x->salt);
	buf_free(&x->nonce);
	buf_free(&x->ciphertext);
}

int sign_encrypted_parse(const void *text, size_t n, struct sign_encrypted *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	json_error_t jerr;
	json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		err_set(e, "encrypted key: not JSON (%s)", root ? "not an object" : jerr.text);
		json_decref(root);
		return -1;
	}
	int rc = -1;
	json_t *kdf = json_object_get(root, "kdf"), *cipher = json_object_get(root, "cipher");
	json_t *params = json_object_get(kdf, "params");
	const char *kname = json_string_value(json_object_get(kdf, "name"));
	const char *cname = json_string_value(json_object_get(cipher, "name"));
	if (!json_is_object(kdf) || !json_is_object(cipher) || !json_is_object(params)) {
		err_set(e, "encrypted key: \"kdf\", \"kdf.params\" or \"cipher\" missing");
		goto out;
	}
	if (!kname || strcmp(kname, "scrypt") != 0) {
		err_set(e, "encrypted key: unknown kdf \"%s\" (only scrypt)", kname ? kname : "");
		goto out;
	}
	if (!cname || strcmp(cname, "nacl/secretbox") != 0) {
		err_set(e, "encrypted key: unknown cipher \"%s\" (only nacl/secretbox)", cname ? cname : "");
		goto out;
	}
	json_t *jn = json_object_get(params, "N"), *jr = json_object_get(params, "r"),
	       *jp = json_object_get(params, "p");
	size_t set = ARRAY_LEN(scrypt_sets);
	if (json_is_integer(jn) && json_is_integer(jr) && json_is_integer(jp))
		for (set = 0; set < ARRAY_LEN(scrypt_sets); set++)
			if ((uint64_t)json_integer_value(jn) == scrypt_sets[set].n &&
			    json_integer_value(jr) == scrypt_sets[set].r && json_integer_value(jp) == scrypt_sets[set].p)
				break;
	if (set == ARRAY_LEN(scrypt_sets)) {
		err_set(e, "encrypted key: unsupported scrypt parameters (N 32768/65536/131072, r 8, p 1)");
		goto out;
	}
	out->n = scrypt_sets[set].n;
	out->r = scrypt_sets[set].r;
	out->p = scrypt_sets[set].p;
	if (b64_member(kdf, "salt", "encrypted key kdf", &out->salt, e) ||
	    b64_member(cipher, "nonce", "encrypted key cipher", &out->nonce, e) ||
	    b64_member(root, "ciphertext", "encrypted key", &out->ciphertext, e))
		goto out;
	if (out->nonce.len != crypto_secretbox_NONCEBYTES) {
		err_set(e, "encrypted key: nonce is %zu bytes, not %d", out->nonce.len, crypto_secretbox_NONCEBYTES);
		goto out;
	}
	if (out->ciphertext.len < crypto_secretbox_MACBYTES) {
		err_set(e, "encrypted key: ciphertext shorter than its authentication tag");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		sign_encrypted_free(out);
	json_decref(root);
	return rc;
}

int sign_encrypted_open(const void *text, size_t n, const struct secret *pass, struct secret *plain,
			struct err *e)
{
	if (sodium_ready(e))
		return -1;
	struct sign_encrypted x;
	if (sign_encrypted_parse(text, n, &x, e))
		return -1;
	int rc = -1;
	unsigned char key[KEY_LEN];
	if (derive(pass, x.salt.data, x.salt.len, x.n, x.r, x.p, key, e))
		goto out;
	plain->n = x.ciphertext.len - crypto_secretbox_MACBYTES;
	plain->p = xmalloc(plain->n + 1);
	int bad = crypto_secretbox_open_easy(plain->p, x.ciphertext.data, x.ciphertext.len, x.nonce.data, key);
	sodium_memzero(key, sizeof key);
	if (bad) {
		secret_free(plain);
		err_set(e, "wrong passphrase, or the key file was altered (decryption failed)");
		goto out;
	}
	rc = 0;
out:
	sign_encrypted_free(&x);
	return rc;
}

EVP_PKEY *sign_key_generate(struct err *e)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!k)
		ossl_err(e, "cannot generate an ECDSA P-256 key");
	return k;
}

/* PKCS#8 DER of k in a secret. */
static int pkcs8_der(EVP_PKEY *k, struct secret *der, struct err *e)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
	unsigned char *d = NULL;
	int len = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &d) : -1;
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (len <= 0) {
		ossl_err(e, "cannot encode the private key as PKCS#8");
		return -1;
	}
	der->p = xmalloc((size_t)len);
	der->n = (size_t)len;
	memcpy(der->p, d, (size_t)len);
	OPENSSL_clear_free(d, (size_t)len);
	return 0;
}

int sign_privkey_to_pem(EVP_PKEY *k, const struct secret *pass, struct buf *pem, struct err *e)
{
	struct secret der = {0};
	if (pkcs8_der(k, &der, e))
		return -1;
	struct buf json = {0};
	int rc = sign_encrypted_seal(der.p, der.n, pass, SIGN_SCRYPT_N, &json, e);
	secret_free(&der);
	if (rc)
		return -1;
	char *s = sign_pem_encode(SIGN_PEM_SIGSTORE, json.data, json.len);
	buf_free(&json);
	buf_append(pem, s, strlen(s));
	free(s);
	return 0;
}

static bool has_label(const void *pem, size_t n, const char *label)
{
	char *line = xasprintf("-----BEGIN %s-----", label);
	bool r = memmem(pem, n, line, strlen(line)) != NULL;
	free(line);
	return r;
}

bool sign_privkey_is_encrypted(const void *pem, size_t n)
{
	return has_label(pem, n, SIGN_PEM_SIGSTORE) || has_label(pem, n, SIGN_PEM_COSIGN);
}

static bool usable_key(EVP_PKEY *k)
{
	return EVP_PKEY_is_a(k, "EC") || EVP_PKEY_is_a(k, "RSA");
}

EVP_PKEY *sign_privkey_from_pem(const void *pem, size_t n, const struct secret *pass, struct err *e)
{
	char *type = NULL;
	struct buf der = {0};
	EVP_PKEY *k = NULL;
	struct secret plain = {0};
	if (sign_pem_decode(pem, n, &type, &der, e)) {
		err_prefix(e, "not a private key");
		return NULL;
	}
	const unsigned char *p;
	if (!strcmp(type, SIGN_PEM_SIGSTORE) || !strcmp(type, SIGN_PEM_COSIGN)) {
		if (sign_encrypted_open(der.data, der.len, pass, &plain, e))
			goto out;
		p = plain.p;
		PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)plain.n);
		k = p8 ? EVP_PKCS82PKEY(p8) : NULL;
		PKCS8_PRIV_KEY_INFO_free(p8);
		if (!k) {
			ossl_err(e, "decrypted key is not a PKCS#8 private key");
			goto out;
		}
	} else if (!strcmp(type, "PRIVATE KEY") || !strcmp(type, "EC PRIVATE KEY") ||
		   !strcmp(type, "RSA PRIVATE KEY")) {
		p = der.data;
		k = d2i_AutoPrivateKey(NULL, &p, (long)der.len);
		if (!k) {
			ossl_err(e, "invalid private key");
			goto out;
		}
	} else {
		err_set(e, "unsupported PEM type \"%s\" (want %s, %s or PRIVATE KEY)", type, SIGN_PEM_SIGSTORE,
			SIGN_PEM_COSIGN);
		goto out;
	}
	if (!usable_key(k)) {
		err_set(e, "unsupported key type %s (ECDSA or RSA keys only)", EVP_PKEY_get0_type_name(k));
		EVP_PKEY_free(k);
		k = NULL;
	}
out:
	OPENSSL_cleanse(der.data, der.len);
	buf_free(&der);
	secret_free(&plain);
	free(type);
	return k;
}

EVP_PKEY *sign_privkey_load(const char *path, const struct secret *pass, struct err *e)
{
	struct buf b = {0};
	void *d = NULL;
	/* Reserved once: the file may be an unencrypted key, which must not be
	 * left behind in memory a realloc freed. */
	xgrow(&d, &b.cap, 1u << 20, 1);
	b.data = d;
	EVP_PKEY *k = NULL;
	struct secret asked = {0};
	if (read_file_capped(path, (1u << 20) - 2, &b, e) == 0) {
		if (!pass && sign_privkey_is_encrypted(b.data, b.len)) {
			if (sign_passphrase(path, false, &asked, e))
				goto out;
			pass = &asked;
		}
		static const struct secret none = {NULL, 0};
		k = sign_privkey_from_pem(b.data, b.len, pass ? pass : &none, e);
		if (!k)
			err_prefix(e, "%s", path);
	}
out:
	secret_free(&asked);
	OPENSSL_cleanse(b.data, b.cap);
	buf_free(&b);
	return k;
}

int sign_pubkey_to_pem(EVP_PKEY *k, struct buf *pem, struct err *e)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio || PEM_write_bio_PUBKEY(bio, k) != 1) {
		BIO_free(bio);
		ossl_err(e, "cannot encode the public key");
		return -1;
	}
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	buf_append(pem, p, (size_t)n);
	BIO_free(bio);
	return 0;
}

EVP_PKEY *sign_pubkey_from_pem(const void *pem, size_t n, struct err *e)
{
	char *type = NULL;
	struct buf der = {0};
	if (sign_pem_decode(pem, n, &type, &der, e)) {
		err_prefix(e, "not a public key");
		return NULL;
	}
	EVP_PKEY *k = NULL;
	if (strcmp(type, "PUBLIC KEY") != 0) {
		err_set(e, "PEM type is \"%s\", not \"PUBLIC KEY\"", type);
	} else {
		const unsigned char *p = der.data;
		k = d2i_PUBKEY(NULL, &p, (long)der.len);
		if (!k)
			ossl_err(e, "invalid public key");
		else if (!usable_key(k)) {
			err_set(e, "unsupported key type %s (ECDSA or RSA keys only)", EVP_PKEY_get0_type_name(k));
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	free(type);
	buf_free(&der);
	return k;
}

EVP_PKEY *sign_pubkey_load(const char *path, struct err *e)
{
	struct buf b = {0};
	if (read_file_capped(path, 1u << 20, &b, e))
		return NULL;
	EVP_PKEY *k = sign_pubkey_from_pem(b.data, b.len, e);
	if (!k)
		err_prefix(e, "%s", path);
	buf_free(&b);
	return k;
}

static struct secret secret_from(const char *s)
{
	struct secret r = {xmalloc(strlen(s) + 1), strlen(s)};
	memcpy(r.p, s, r.n + 1);
	return r;
}

/* Read one line from the terminal with echo off. */
static int tty_read(int fd, const char *prompt, struct secret *out, struct err *e)
{
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The prompt is a courtesy; reading still works. */
	}
	out->p = xmalloc(PASS_MAX);
	out->n = 0;
	int rc = 0;
	for (;;) {
		unsigned char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (out->n + 1 >= PASS_MAX) {
			err_set(e, "passphrase longer than %d bytes", PASS_MAX - 1);
			rc = -1;
			break;
		}
		out->p[out->n++] = c;
	}
	if (out->n && out->p[out->n - 1] == '\r')
		out->n--;
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	/* Keep an exact-size copy; the whole read buffer is wiped, not just its length. */
	struct secret line = *out;
	*out = (struct secret){NULL, 0};
	if (rc == 0) {
		out->p = xmalloc(line.n + 1);
		out->n = line.n;
		memcpy(out->p, line.p, line.n);
		out->p[out->n] = 0;
	}
	line.n = PASS_MAX;
	secret_free(&line);
	return rc;
}

int sign_passphrase(const char *what, bool confirm, struct secret *out, struct err *e)
{
	const char *env = getenv("COSIGN_PASSWORD");
	if (!env)
		env = getenv("VIGIL_KEY_PASSWORD");
	if (env) {
		*out = secret_from(env);
		return 0;
	}
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err_set(e, "a passphrase is needed for %s: set COSIGN_PASSWORD (or VIGIL_KEY_PASSWORD), or run on a "
			   "terminal",
			what);
		return -1;
	}
	char *prompt = xasprintf("Enter passphrase for %s: ", what);
	int rc = tty_read(fd, prompt, out, e);
	free(prompt);
	if (rc == 0 && confirm) {
		struct secret again = {0};
		rc = tty_read(fd, "Enter passphrase again: ", &again, e);
		if (rc == 0 && (again.n != out->n || CRYPTO_memcmp(again.p, out->p, out->n) != 0)) {
			err_set(e, "the passphrases do not match");
			rc = -1;
		}
		secret_free(&again);
		if (rc)
			secret_free(out);
	}
	close(fd);
	return rc;
}

int sign_bytes(EVP_PKEY *k, const void *msg, size_t n, struct buf *sig, struct err *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len = 0;
	if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(ctx, NULL, &len, msg, n) != 1) {
		EVP_MD_CTX_free(ctx);
		ossl_err(e, "cannot sign");
		return -1;
	}
	unsigned char *s = xmalloc(len);
	if (EVP_DigestSign(ctx, s, &len, msg, n) != 1) {
		free(s);
		EVP_MD_CTX_free(ctx);
		ossl_err(e, "cannot sign");
		return -1;
	}
	EVP_MD_CTX_free(ctx);
	buf_append(sig, s, len);
	free(s);
	return 0;
}

int sign_verify_bytes(EVP_PKEY *k, const void *msg, size_t n, const void *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k) == 1 &&
		 EVP_DigestVerify(ctx, sig, siglen, msg, n) == 1;
	EVP_MD_CTX_free(ctx);
	/* A malformed DER signature leaves an error on OpenSSL's queue; it is a "no". */
	ERR_clear_error();
	return ok;
}
