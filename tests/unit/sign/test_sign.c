/* sign: encodings, cosign's encrypted key format, keys, payloads, signature
 * checks, dir: copies — against the real cosign fixtures where they exist. */
#include "testutil.h"

#include "sign/sign.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The payload of dir-img-cosign-valid/signature-1, as cosign wrote it. */
static const char fixture_payload[] =
	"{\"critical\":{\"identity\":{\"docker-reference\":\"192.168.64.2:5000/cosign-signed-single-sample\"},"
	"\"image\":{\"docker-manifest-digest\":\"sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e59"
	"86a00\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
static const char fixture_digest[] = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00";

static struct secret secret_of(const char *s)
{
	struct secret r = {(unsigned char *)strdup(s), strlen(s)};
	return r;
}

static void test_base64(void **state)
{
	(void)state;
	static const struct {
		const char *plain, *enc;
	} v[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
		 {"foobar", "Zm9vYmFy"}};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		char *e = sign_b64_encode(v[i].plain, strlen(v[i].plain));
		assert_string_equal(e, v[i].enc);
		free(e);
		struct buf d = {0};
		assert_int_equal(sign_b64_decode(v[i].enc, strlen(v[i].enc), &d), 0);
		assert_int_equal(d.len, strlen(v[i].plain));
		assert_memory_equal(d.data, v[i].plain, d.len);
		buf_free(&d);
	}
	/* Strict like Go's StdEncoding: padding, alphabet, unused bits, length. */
	static const char *const bad[] = {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zm9v=", "Zm-v", "Zm_v", "Zm 9v", "=Zg="};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct buf d = {0};
		assert_int_not_equal(sign_b64_decode(bad[i], strlen(bad[i]), &d), 0);
		buf_free(&d);
	}
}

static void test_pem(void **state)
{
	(void)state;
	unsigned char der[100];
	for (size_t i = 0; i < sizeof der; i++)
		der[i] = (unsigned char)(i * 7);
	char *pem = sign_pem_encode("TEST THING", der, sizeof der);
	assert_non_null(strstr(pem, "-----BEGIN TEST THING-----\n"));
	/* 64-column lines, like Go's pem.EncodeToMemory. */
	assert_int_equal(strchr(strchr(pem, '\n') + 1, '\n') - strchr(pem, '\n') - 1, 64);
	char *type = NULL;
	struct buf out = {0};
	struct err e = {{0}};
	assert_int_equal(sign_pem_decode(pem, strlen(pem), &type, &out, &e), 0);
	assert_string_equal(type, "TEST THING");
	assert_int_equal(out.len, sizeof der);
	assert_memory_equal(out.data, der, sizeof der);
	free(type);
	buf_free(&out);
	free(pem);
	static const char *const bad[] = {
		"nothing here",
		"-----BEGIN A-----\nZm9v\n",
		"-----BEGIN A-----\nZm9v\n-----END B-----\n",
		"-----BEGIN A-----\nZm9!\n-----END A-----\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		type = NULL;
		assert_int_not_equal(sign_pem_decode(bad[i], strlen(bad[i]), &type, &out, &e), 0);
		assert_true(e.msg[0]);
		assert_null(type);
		buf_free(&out);
	}
}

static void test_encrypted_roundtrip(void **state)
{
	(void)state;
	struct secret pass = secret_of("correct horse"), wrong = secret_of("battery staple"), empty = {NULL, 0};
	static const char plain[] = "the PKCS#8 bytes would be here";
	struct buf json = {0};
	struct err e = {{0}};
	assert_int_equal(sign_encrypted_seal(plain, sizeof plain, &pass, SIGN_SCRYPT_N, &json, &e), 0);
	/* Go struct order and names, as go-securesystemslib writes them. */
	assert_non_null(strstr((char *)json.data, "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},"
						  "\"salt\":\""));
	assert_non_null(strstr((char *)json.data, "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\""));
	struct secret out = {0};
	assert_int_equal(sign_encrypted_open(json.data, json.len, &pass, &out, &e), 0);
	assert_int_equal(out.n, sizeof plain);
	assert_memory_equal(out.p, plain, sizeof plain);
	secret_free(&out);
	assert_int_equal(sign_encrypted_open(json.data, json.len, &wrong, &out, &e), -1);
	assert_non_null(strstr(e.msg, "wrong passphrase"));
	assert_null(out.p);
	buf_free(&json);
	/* An empty passphrase is a passphrase (cosign allows it). */
	assert_int_equal(sign_encrypted_seal(plain, sizeof plain, &empty, SIGN_SCRYPT_N, &json, &e), 0);
	assert_int_equal(sign_encrypted_open(json.data, json.len, &empty, &out, &e), 0);
	secret_free(&out);
	assert_int_equal(sign_encrypted_open(json.data, json.len, &pass, &out, &e), -1);

	/* Tampered parameters are refused before any scrypt work. */
	json_t *j = json_loadb((char *)json.data, json.len, 0, NULL);
	json_t *params = json_object_get(json_object_get(j, "kdf"), "params");
	json_object_set_new(params, "N", json_integer(1 << 24));
	char *s = json_dumps(j, 0);
	assert_int_equal(sign_encrypted_open(s, strlen(s), &empty, &out, &e), -1);
	assert_non_null(strstr(e.msg, "unsupported scrypt parameters"));
	free(s);
	json_object_set_new(params, "N", json_integer(32768));
	json_object_set_new(json_object_get(j, "cipher"), "nonce", json_string("AAAA"));
	s = json_dumps(j, 0);
	assert_int_equal(sign_encrypted_open(s, strlen(s), &empty, &out, &e), -1);
	assert_non_null(strstr(e.msg, "nonce"));
	free(s);
	json_object_set_new(json_object_get(j, "cipher"), "name", json_string("aes"));
	s = json_dumps(j, 0);
	assert_int_equal(sign_encrypted_open(s, strlen(s), &empty, &out, &e), -1);
	assert_non_null(strstr(e.msg, "unknown cipher"));
	free(s);
	json_decref(j);
	assert_int_equal(sign_encrypted_open("{", 1, &empty, &out, &e), -1);
	assert_non_null(strstr(e.msg, "not JSON"));
	buf_free(&json);
	secret_free(&pass);
	secret_free(&wrong);
}

static void test_keys_sign_verify(void **state)
{
	(void)state;
	struct err e = {{0}};
	struct secret pass = secret_of("pw");
	EVP_PKEY *k = sign_key_generate(&e);
	assert_non_null(k);
	struct buf priv = {0}, pub = {0};
	assert_int_equal(sign_privkey_to_pem(k, &pass, &priv, &e), 0);
	assert_int_equal(sign_pubkey_to_pem(k, &pub, &e), 0);
	assert_true(sign_privkey_is_encrypted(priv.data, priv.len));
	assert_non_null(strstr((char *)pub.data, "-----BEGIN PUBLIC KEY-----"));

	EVP_PKEY *k2 = sign_privkey_from_pem(priv.data, priv.len, &pass, &e);
	assert_non_null(k2);
	assert_int_equal(EVP_PKEY_eq(k, k2), 1);
	EVP_PKEY *p = sign_pubkey_from_pem(pub.data, pub.len, &e);
	assert_non_null(p);

	struct buf sig = {0};
	assert_int_equal(sign_bytes(k2, fixture_payload, strlen(fixture_payload), &sig, &e), 0);
	assert_int_equal(sign_verify_bytes(p, fixture_payload, strlen(fixture_payload), sig.data, sig.len), 1);
	assert_int_equal(sign_verify_bytes(p, fixture_payload, strlen(fixture_payload) - 1, sig.data, sig.len), 0);
	sig.data[sig.len / 2] ^= 1;
	assert_int_equal(sign_verify_bytes(p, fixture_payload, strlen(fixture_payload), sig.data, sig.len), 0);
	assert_int_equal(sign_verify_bytes(p, fixture_payload, strlen(fixture_payload), "junk", 4), 0);

	/* The old cosign label is read too. */
	char *body = strstr((char *)priv.data, "-----\n") + 6;
	char *end = strstr(body, "-----END");
	struct buf old = {0};
	buf_appendf(&old, "-----BEGIN %s-----\n%.*s-----END %s-----\n", SIGN_PEM_COSIGN, (int)(end - body), body,
		    SIGN_PEM_COSIGN);
	EVP_PKEY *k3 = sign_privkey_from_pem(old.data, old.len, &pass, &e);
	assert_non_null(k3);
	assert_int_equal(EVP_PKEY_eq(k, k3), 1);

	/* A public key is not a private key, and vice versa. */
	assert_null(sign_privkey_from_pem(pub.data, pub.len, &pass, &e));
	assert_non_null(strstr(e.msg, "unsupported PEM type"));
	assert_null(sign_pubkey_from_pem(priv.data, priv.len, &e));

	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(k3);
	EVP_PKEY_free(p);
	buf_free(&priv);
	buf_free(&pub);
	buf_free(&sig);
	buf_free(&old);
	secret_free(&pass);
}

static void test_payload(void **state)
{
	(void)state;
	struct err e = {{0}};
	/* Byte for byte what cosign signed in the fixture. */
	char *p = sign_payload_build("192.168.64.2:5000/cosign-signed-single-sample", fixture_digest, NULL, 0, &e);
	assert_non_null(p);
	assert_string_equal(p, fixture_payload);
	free(p);
	const char *ann[] = {"b=2", "a=x=y"};
	p = sign_payload_build("r/x", fixture_digest, ann, 2, &e);
	assert_non_null(strstr(p, "\"optional\":{\"a\":\"x=y\",\"b\":\"2\"}"));
	struct sign_payload pl;
	assert_int_equal(sign_payload_parse(p, strlen(p), &pl, &e), 0);
	assert_string_equal(pl.docker_reference, "r/x");
	assert_string_equal(pl.manifest_digest, fixture_digest);
	sign_payload_free(&pl);
	free(p);
	const char *bad_ann[] = {"novalue"};
	assert_null(sign_payload_build("r", fixture_digest, bad_ann, 1, &e));

	static const char *const bad[] = {
		"[]",
		"{\"critical\":{}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\"d\"},"
		"\"type\":\"atomic container signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\"d\"},"
		"\"type\":\"cosign container image signature\",\"extra\":1}}",
		"{\"critical\":{\"identity\":{},\"image\":{\"docker-manifest-digest\":\"d\"},"
		"\"type\":\"cosign container image signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\"d\"},"
		"\"type\":\"cosign container image signature\"},\"optional\":7}",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(sign_payload_parse(bad[i], strlen(bad[i]), &pl, &e), -1);
		assert_true(e.msg[0]);
	}
}

static void test_ref_repository(void **state)
{
	(void)state;
	static const char *const v[][2] = {
		{"host:5000/a/b:tag", "host:5000/a/b"},
		{"host:5000/a/b", "host:5000/a/b"},
		{"host:5000/a@sha256:00", "host:5000/a"},
		{"host:5000/a:t@sha256:00", "host:5000/a"},
		{"alpine:3.10", "alpine"},
		{"index.docker.io/library/alpine", "index.docker.io/library/alpine"},
	};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		char *r = sign_ref_repository(v[i][0]);
		assert_string_equal(r, v[i][1]);
		free(r);
	}
}

static EVP_PKEY *fixture_key(const char *name)
{
	const char *path = fixture_path(name);
	if (!path)
		return NULL;
	struct err e = {{0}};
	EVP_PKEY *k = sign_pubkey_load(path, &e);
	assert_non_null(k);
	return k;
}

static void test_check_fixture(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(sigpath, "signatures/cosign/dir-img-cosign-valid/signature-1");
	size_t n;
	unsigned char *raw = slurp(sigpath, &n);
	struct sign_sig s;
	struct err e = {{0}};
	assert_int_equal(sign_envelope_parse(raw, n, &s, &e), 0);
	assert_int_equal(s.payload_len, strlen(fixture_payload));
	assert_memory_equal(s.payload, fixture_payload, s.payload_len);
	EVP_PKEY *k = fixture_key("signatures/cosign/cosign.pub");
	EVP_PKEY *k2 = fixture_key("signatures/cosign/cosign2.pub");
	const char *repo = "192.168.64.2:5000/cosign-signed-single-sample";
	assert_int_equal(sign_check(k, &s, fixture_digest, NULL, &e), SIGN_OK);
	assert_int_equal(sign_check(k, &s, fixture_digest, repo, &e), SIGN_OK);
	assert_int_equal(sign_check(k2, &s, fixture_digest, repo, &e), SIGN_BAD_SIGNATURE);
	assert_int_equal(sign_check(k, &s, "sha256:00", repo, &e), SIGN_DIGEST_MISMATCH);
	assert_int_equal(sign_check(k, &s, fixture_digest, "192.168.64.2:5000/other", &e), SIGN_IDENTITY_MISMATCH);
	/* Registry layers: the payload must hash to the descriptor's digest. */
	s.layer_digest = strdup("sha256:0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(sign_check(k, &s, fixture_digest, repo, &e), SIGN_BAD_BLOB);
	free(s.layer_digest);
	char d[72];
	sha256_digest_of(s.payload, s.payload_len, d);
	s.layer_digest = strdup(d);
	assert_int_equal(sign_check(k, &s, fixture_digest, repo, &e), SIGN_OK);

	/* sign_check_all: the best failure is the headline; any success wins. */
	struct sign_sig two[2] = {s, s};
	assert_int_equal(sign_check_all(k2, two, 2, fixture_digest, repo, NULL, &e), SIGN_UNVERIFIED);
	assert_non_null(strstr(e.msg, "signature mismatch: none of the 2 signatures"));
	assert_int_equal(sign_check_all(k, two, 2, "sha256:11", repo, NULL, &e), SIGN_UNVERIFIED);
	assert_true(strncmp(e.msg, "digest mismatch", 15) == 0);
	assert_int_equal(sign_check_all(k, two, 2, fixture_digest, repo, NULL, &e), 2);
	assert_int_equal(sign_check_all(k, two, 0, fixture_digest, repo, NULL, &e), SIGN_UNVERIFIED);
	assert_true(strncmp(e.msg, "no signatures", 13) == 0);
	sign_sig_free(&s);
	free(raw);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
}

#define LIT(s) {s, sizeof s - 1}
static void test_envelope_errors(void **state)
{
	(void)state;
	struct sign_sig s;
	struct err e = {{0}};
	static const struct {
		const char *p;
		size_t n;
	} bad[] = {
		LIT(""),
		LIT("{\"mimeType\":\"x\"}"),
		LIT("\0sigstore-json\n{"),
		LIT("\0sigstore-json\n{\"mimeType\":\"text/plain\",\"payload\":\"\",\"annotations\":{}}"),
		LIT("\0sigstore-json\n{\"mimeType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
		    "\"payload\":\"!\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"\"}}"),
		LIT("\0sigstore-json\n{\"mimeType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
		    "\"payload\":\"\",\"annotations\":{}}"),
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		e.msg[0] = 0;
		assert_int_equal(sign_envelope_parse(bad[i].p, bad[i].n, &s, &e), -1);
		assert_true(e.msg[0]);
	}
	static const char good[] = "\0sigstore-json\n{\"mimeType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
				   "\"payload\":\"e30=\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AA==\"}}";
	assert_int_equal(sign_envelope_parse(good, sizeof good - 1, &s, &e), 0);
	assert_int_equal(s.payload_len, 2);
	assert_memory_equal(s.payload, "{}", 2);
	assert_string_equal(s.sig_b64, "AA==");
	sign_sig_free(&s);
}

/* JOSE base64url without padding. */
static char *b64url(const char *s)
{
	char *b = sign_b64_encode(s, strlen(s));
	for (char *p = b; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	char *eq = strchr(b, '=');
	if (eq)
		*eq = 0;
	return b;
}

static void test_manifest_digest(void **state)
{
	(void)state;
	char d[72], want[72];
	struct err e = {{0}};
	static const char m2[] = "{\"schemaVersion\":2}";
	assert_int_equal(sign_manifest_digest(m2, strlen(m2), d, &e), 0);
	sha256_digest_of(m2, strlen(m2), want);
	assert_string_equal(d, want);
	/* A signed schema-1 manifest: the digest is of the bytes without the JWS
	 * signatures, i.e. the first formatLength bytes + formatTail. */
	static const char payload[] = "{\n   \"schemaVersion\": 1,\n   \"name\": \"a\"\n}";
	const size_t keep = strlen(payload) - 2; /* drop "\n}" */
	char *tail = b64url("\n}");
	char *hdr = xasprintf("{\"formatLength\":%zu,\"formatTail\":\"%s\"}", keep, tail);
	char *prot = b64url(hdr);
	char *signed_m = xasprintf("%.*s,\n   \"signatures\": [{\"protected\": \"%s\", \"signature\": \"x\"}]\n}",
				   (int)keep, payload, prot);
	assert_int_equal(sign_manifest_digest(signed_m, strlen(signed_m), d, &e), 0);
	sha256_digest_of(payload, strlen(payload), want);
	assert_string_equal(d, want);
	free(tail);
	free(hdr);
	free(prot);
	free(signed_m);
	static const char bad[] = "{\"schemaVersion\":1,\"signatures\":1}";
	assert_int_equal(sign_manifest_digest(bad, strlen(bad), d, &e), -1);
	assert_non_null(strstr(e.msg, "schema 1"));
	static const char bad2[] = "{\"schemaVersion\":1,\"signatures\":[{\"protected\":\"e30\"}]}";
	assert_int_equal(sign_manifest_digest(bad2, strlen(bad2), d, &e), -1);
}

static void test_verify_dir_fixtures(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(root, "signatures/cosign");
	char *dir = strdup(root);
	EVP_PKEY *k = fixture_key("signatures/cosign/cosign.pub");
	static const struct {
		const char *name;
		int rc;
		const char *reason;
	} v[] = {
		{"dir-img-cosign-valid", 1, NULL},
		{"dir-img-cosign-valid-2", 2, NULL},
		{"dir-img-cosign-valid-with-tag", 1, NULL},
		{"dir-img-cosign-modified-manifest", SIGN_UNVERIFIED, "digest mismatch"},
		{"dir-img-cosign-manifest-digest-error", SIGN_UNVERIFIED, "manifest digest error"},
		{"dir-img-cosign-key-rekor-valid", SIGN_UNVERIFIED, "signature mismatch"},
		{"no-such-dir", -1, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		char *path = xasprintf("%s/%s", dir, v[i].name);
		struct err e = {{0}};
		int rc = sign_verify_dir(path, k, NULL, NULL, &e);
		if (rc != v[i].rc)
			fail_msg("%s: rc %d, want %d (%s)", v[i].name, rc, v[i].rc, e.msg);
		if (v[i].reason && strncmp(e.msg, v[i].reason, strlen(v[i].reason)) != 0)
			fail_msg("%s: message '%s' does not start with '%s'", v[i].name, e.msg, v[i].reason);
		free(path);
	}
	EVP_PKEY_free(k);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_pem),
		cmocka_unit_test(test_encrypted_roundtrip),
		cmocka_unit_test(test_keys_sign_verify),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_ref_repository),
		cmocka_unit_test(test_check_fixture),
		cmocka_unit_test(test_envelope_errors),
		cmocka_unit_test(test_manifest_digest),
		cmocka_unit_test(test_verify_dir_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
