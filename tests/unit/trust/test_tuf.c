/* trust: canonical JSON and TUF verification. The repository in data/ was made
 * by make_tuf.py (Python's json + cryptography: an implementation independent
 * of vigil's) with one key type per role: root ecdsa-x509, timestamp ed25519
 * ("eddsa"), snapshot RSA-PSS, targets ecdsa, delegation targets/releases
 * ed25519 restricted to the path "v1". Each test breaks one thing. */
#include "testutil.h"

#include "trust/trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2030-01-01: the data expires in 2100 and the root certificate in 2099. */
static const time_t NOW = 1893456000;

static char *cjson_of(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	assert_non_null(v);
	struct buf out = {0};
	struct err e = {{0}};
	int rc = cjson_encode(v, &out, &e);
	json_decref(v);
	if (rc) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

static void test_cjson(void **state)
{
	(void)state;
	static const char *const v[][2] = {
		{"{\"b\":1,\"a\":[true,false,null],\"A\":{}}", "{\"A\":{},\"a\":[true,false,null],\"b\":1}"},
		{"  [ 1 , 2 ]  ", "[1,2]"},
		/* Only '"' and '\\' are escaped; control characters and non-ASCII stay raw. */
		{"\"q\\\" b\\\\ t\\t n\\n u\\u00e9 \\u2028\"", "\"q\\\" b\\\\ t\t n\n u\xc3\xa9 \xe2\x80\xa8\""},
		{"\"<>&\"", "\"<>&\""},
		/* Numbers go through float64 and come out as Go's encoding/json writes them. */
		{"1500000", "1500000"},
		{"1.0", "1"},
		{"1e20", "100000000000000000000"},
		{"1e21", "1e+21"},
		{"123456789012345678", "123456789012345680"},
		/* Keys sort bytewise (UTF-8), as Go's sort of strings. */
		{"{\"\xc3\xa9\":1,\"z\":2,\"Z\":3}", "{\"Z\":3,\"z\":2,\"\xc3\xa9\":1}"},
	};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		char *c = cjson_of(v[i][0]);
		assert_non_null(c);
		assert_string_equal(c, v[i][1]);
		free(c);
	}
	/* Fractions cannot be canonical (notary's encoder refuses them). */
	assert_null(cjson_of("{\"a\":1.5}"));
	assert_null(cjson_of("[0.1]"));
}

static void add_file(struct tuf_files *f, const char *role, const char *file)
{
	char *rel = xasprintf("tests/unit/trust/data/%s", file);
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	char *path = xasprintf("%s/%s", root ? root : ".", rel);
	size_t n;
	unsigned char *b = slurp(path, &n);
	tuf_files_add(f, role, b, n);
	free(b);
	free(path);
	free(rel);
}

static void load_repo(struct tuf_files *f)
{
	memset(f, 0, sizeof *f);
	add_file(f, "root", "root.json");
	add_file(f, "timestamp", "timestamp.json");
	add_file(f, "snapshot", "snapshot.json");
	add_file(f, "targets", "targets.json");
	add_file(f, "targets/releases", "targets-releases.json");
}

static char *read_id(const char *role)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	char *path = xasprintf("%s/tests/unit/trust/data/ids.txt", root ? root : ".");
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char name[32], id[80], *r = NULL;
	while (fscanf(fp, "%31s %79s", name, id) == 2)
		if (!strcmp(name, role))
			r = strdup(id);
	fclose(fp);
	free(path);
	assert_non_null(r);
	return r;
}

static const struct tuf_target *find(const struct tuf_result *r, const char *name)
{
	for (size_t i = 0; i < r->ntargets; i++)
		if (!strcmp(r->targets[i].name, name))
			return &r->targets[i];
	return NULL;
}

static void test_verify_good(void **state)
{
	(void)state;
	struct tuf_files f;
	load_repo(&f);
	struct tuf_result r;
	struct err e = {{0}};
	if (tuf_verify(&f, NOW, NULL, &r, &e))
		fail_msg("%s", e.msg);
	char *root_id = read_id("root"), *tgt_id = read_id("targets"), *rel_id = read_id("releases");
	assert_int_equal(r.nroot_keyids, 1);
	assert_string_equal(r.root_keyids[0], root_id);
	assert_int_equal(r.ntargets_keyids, 1);
	assert_string_equal(r.targets_keyids[0], tgt_id);
	assert_int_equal(r.ndelegations, 1);
	assert_string_equal(r.delegations[0].name, "targets/releases");
	assert_string_equal(r.delegations[0].keyids[0], rel_id);
	assert_int_equal(r.targets_version, 3);
	/* sha256("latest manifest") */
	const struct tuf_target *t = find(&r, "latest");
	assert_non_null(t);
	assert_string_equal(t->role, "targets");
	char d[72];
	sha256_digest_of("latest manifest", 15, d);
	assert_string_equal(t->sha256, d + 7);
	assert_non_null(find(&r, "big"));
	t = find(&r, "v1");
	assert_non_null(t);
	assert_string_equal(t->role, "targets/releases");
	/* "v1-rc" starts with the delegated path "v1"; "outside" does not. */
	assert_non_null(find(&r, "v1-rc"));
	assert_null(find(&r, "outside"));
	tuf_result_free(&r);
	/* Pinning: the right root key ID passes, another fails. */
	assert_int_equal(tuf_verify(&f, NOW, root_id, &r, &e), 0);
	tuf_result_free(&r);
	assert_int_equal(tuf_verify(&f, NOW, tgt_id, &r, &e), -1);
	assert_non_null(strstr(e.msg, "pinned"));
	free(root_id);
	free(tgt_id);
	free(rel_id);
	tuf_files_free(&f);
}

/* Replace role's bytes with text produced by edit (a Python-like one-liner is
 * not available here, so edits are done on the jansson tree). */
typedef void (*edit_fn)(json_t *doc);

static void set_role(struct tuf_files *f, const char *role, const char *text)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->files[i].role, role)) {
			buf_free(&f->files[i].data);
			buf_append(&f->files[i].data, text, strlen(text));
		}
}

static void expect_fail(const char *role, edit_fn fn, time_t now, const char *needle)
{
	struct tuf_files f;
	load_repo(&f);
	if (role && fn) {
		const struct tuf_file *t = tuf_files_get(&f, role);
		json_t *doc = json_loadb((const char *)t->data.data, t->data.len, 0, NULL);
		assert_non_null(doc);
		fn(doc);
		char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		set_role(&f, role, s);
		free(s);
		json_decref(doc);
	}
	struct tuf_result r;
	struct err e = {{0}};
	int rc = tuf_verify(&f, now, NULL, &r, &e);
	if (rc == 0) {
		tuf_result_free(&r);
		fail_msg("%s: verified, expected '%s'", role ? role : "-", needle);
	}
	if (!strstr(e.msg, needle))
		fail_msg("%s: error '%s' does not contain '%s'", role ? role : "-", e.msg, needle);
	tuf_files_free(&f);
}

static json_t *signed_of(json_t *doc)
{
	return json_object_get(doc, "signed");
}

static void bump_version(json_t *doc)
{
	json_object_set_new(signed_of(doc), "version", json_integer(99));
}

static void drop_sigs(json_t *doc)
{
	json_array_clear(json_object_get(doc, "signatures"));
}

static void wrong_keyid(json_t *doc)
{
	json_t *s = json_array_get(json_object_get(doc, "signatures"), 0);
	json_object_set_new(s, "keyid", json_string("0000"));
}

static void root_signed_by_targets_key(json_t *doc)
{
	/* The root role now names only the targets key: the root signature no longer counts. */
	json_t *roles = json_object_get(signed_of(doc), "roles");
	json_object_set(roles, "root", json_object_get(roles, "targets"));
}

static void retarget(json_t *doc)
{
	json_t *t = json_object_get(json_object_get(signed_of(doc), "targets"), "latest");
	json_object_set_new(t, "length", json_integer(16));
}

static void bad_key_id(json_t *doc)
{
	json_t *keys = json_object_get(signed_of(doc), "keys");
	const char *id = NULL;
	json_t *k;
	void *tmp;
	json_object_foreach_safe(keys, tmp, id, k) {
		json_object_set(keys, "1111111111111111111111111111111111111111111111111111111111111111", k);
		json_object_del(keys, id);
		break;
	}
}

static void wrong_type(json_t *doc)
{
	json_object_set_new(signed_of(doc), "_type", json_string("Targets"));
}

static void test_verify_broken(void **state)
{
	(void)state;
	expect_fail("root", bump_version, NOW, "root.json: signature verification failed");
	expect_fail("root", drop_sigs, NOW, "root.json: signature verification failed");
	expect_fail("root", wrong_keyid, NOW, "root.json: signature verification failed");
	expect_fail("root", root_signed_by_targets_key, NOW, "root.json: signature verification failed");
	expect_fail("root", bad_key_id, NOW, "key ID mismatch");
	/* Re-serialising changes the bytes, so the snapshot's hashes catch any edit of
	 * targets before its signature is looked at. */
	expect_fail("targets", retarget, NOW, "targets.json: sha256 hash mismatch with snapshot.json");
	expect_fail("timestamp", bump_version, NOW, "timestamp.json: signature verification failed");
	expect_fail("timestamp", wrong_type, NOW, "timestamp.json: signature verification failed");
	expect_fail("snapshot", bump_version, NOW, "snapshot.json: length mismatch");
	expect_fail("targets/releases", drop_sigs, NOW, "targets/releases.json: length mismatch");
	/* Expiry: root first (everything expires in 2100; the root certificate in 2099). */
	expect_fail(NULL, NULL, 4102444800 + 1, "root.json: expired at 2100-01-01T00:00:00Z");
	expect_fail(NULL, NULL, 4102358400 + 1, "root certificate");
}

static void test_verify_missing(void **state)
{
	(void)state;
	static const char *const roles[] = {"root", "timestamp", "snapshot", "targets"};
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		struct tuf_files f;
		load_repo(&f);
		/* Rename the role away. */
		for (size_t j = 0; j < f.n; j++)
			if (!strcmp(f.files[j].role, roles[i])) {
				free(f.files[j].role);
				f.files[j].role = strdup("gone");
			}
		struct tuf_result r;
		struct err e = {{0}};
		assert_int_equal(tuf_verify(&f, NOW, NULL, &r, &e), -1);
		char *want = xasprintf("%s.json: missing", roles[i]);
		if (!strstr(e.msg, want))
			fail_msg("'%s' does not contain '%s'", e.msg, want);
		free(want);
		tuf_files_free(&f);
	}
	/* Not JSON at all. */
	struct tuf_files f;
	load_repo(&f);
	set_role(&f, "root", "garbage");
	struct tuf_result r;
	struct err e = {{0}};
	assert_int_equal(tuf_verify(&f, NOW, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "root.json: not TUF metadata"));
	tuf_files_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cjson),
		cmocka_unit_test(test_verify_good),
		cmocka_unit_test(test_verify_broken),
		cmocka_unit_test(test_verify_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
