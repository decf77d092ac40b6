#include "tarbuild.h"
#include "testutil.h"
#include "walk/layer.h"
#include "walk/view.h"

#include <stdlib.h>
#include <string.h>

struct mem {
	const unsigned char *p;
	size_t n, off, chunk;
};

/* Hands out the bytes in small chunks to exercise buffer boundaries. */
static ssize_t mem_read(void *ctx, const void **buf, struct err *e)
{
	(void)e;
	struct mem *m = ctx;
	size_t k = m->n - m->off;
	if (k > m->chunk)
		k = m->chunk;
	*buf = m->p + m->off;
	m->off += k;
	return (ssize_t)k;
}

static int walk_bytes(const unsigned char *p, size_t n, const struct walk_limits *lim, struct layer_result *r,
		      struct err *e)
{
	struct mem m = {p, n, 0, 1000};
	memset(r, 0, sizeof *r);
	return layer_walk("test-layer", mem_read, &m, lim, r, e);
}

static const struct layer_entry *find_entry(const struct layer_result *r, const char *path)
{
	for (size_t i = 0; i < r->nentries; i++)
		if (!strcmp(r->entries[i].path, path))
			return &r->entries[i];
	return NULL;
}

static void test_plain_layer_digests(void **state)
{
	(void)state;
	struct tspec t[] = {
		{"etc", 'd', NULL, 0, 0},
		{"etc/hostname", 'f', "box\n", 0, 0},
		{"./etc/os-link", 'l', "../usr/lib/os-release", 0, 0},
		{"bin/su", 'f', "x", 04755, 0},
	};
	size_t n;
	unsigned char *tar = tar_build(t, 4, NULL, &n);
	struct layer_result r;
	struct err e = {{0}};
	assert_int_equal(walk_bytes(tar, n, NULL, &r, &e), 0);
	char want[72];
	sha256_digest_of(tar, n, want);
	assert_string_equal(r.diff_id, want);
	assert_string_equal(r.digest, want); /* uncompressed: same bytes */
	assert_int_equal(r.tar_bytes, n);
	assert_int_equal(r.nentries, 4);
	const struct layer_entry *l = find_entry(&r, "etc/os-link");
	assert_non_null(l);
	assert_int_equal(l->type, ENTRY_SYMLINK);
	assert_string_equal(l->link, "../usr/lib/os-release");
	const struct layer_entry *su = find_entry(&r, "bin/su");
	assert_non_null(su);
	assert_int_equal(su->mode, 04755);
	layer_result_free(&r);
	free(tar);
}

static void test_compressed_layer_digests(void **state)
{
	(void)state;
	struct tspec t[] = {{"a/b.txt", 'f', "hello world\n", 0, 0}, {"a/zero", 'f', NULL, 0, 300000}};
	const char *methods[] = {"gzip", "zstd"};
	for (size_t k = 0; k < 2; k++) {
		size_t n, rawn;
		unsigned char *raw = tar_build(t, 2, NULL, &rawn);
		unsigned char *z = tar_build(t, 2, methods[k], &n);
		struct layer_result r;
		struct err e = {{0}};
		assert_int_equal(walk_bytes(z, n, NULL, &r, &e), 0);
		char want_diff[72], want_digest[72];
		sha256_digest_of(raw, rawn, want_diff);
		sha256_digest_of(z, n, want_digest);
		assert_string_equal(r.diff_id, want_diff);
		assert_string_equal(r.digest, want_digest);
		assert_int_equal(r.stored_bytes, n);
		layer_result_free(&r);
		free(raw);
		free(z);
	}
}

static void test_whiteouts_and_history(void **state)
{
	(void)state;
	struct tspec l1[] = {
		{"a", 'd', NULL, 0, 0},       {"a/x", 'f', "1", 0, 0},    {"a/y", 'f', "2", 0, 0},
		{"b", 'd', NULL, 0, 0},       {"b/z", 'f', "3", 0, 0},    {"c", 'd', NULL, 0, 0},
		{"c/old", 'f', "4", 0, 0},    {"d/deep/f", 'f', "5", 0, 0},
	};
	struct tspec l2[] = {
		{"a/.wh.x", 'f', "", 0, 0},  {".wh.b", 'f', "", 0, 0},   {"c/.wh..wh..opq", 'f', "", 0, 0},
		{"c/new", 'f', "6", 0, 0},   {".wh.d", 'f', "", 0, 0},   {"a/y", 'f', "changed", 0, 0},
	};
	size_t n1, n2;
	unsigned char *t1 = tar_build(l1, ARRAY_LEN(l1), NULL, &n1);
	unsigned char *t2 = tar_build(l2, ARRAY_LEN(l2), "gzip", &n2);
	struct layer_result r1, r2;
	struct err e = {{0}};
	assert_int_equal(walk_bytes(t1, n1, NULL, &r1, &e), 0);
	assert_int_equal(walk_bytes(t2, n2, NULL, &r2, &e), 0);
	assert_int_equal(r2.nwhiteouts, 3);
	assert_int_equal(r2.nopaque, 1);
	assert_string_equal(r2.opaque[0], "c");
	struct layer_result *layers[] = {&r1, &r2};
	struct view v;
	view_build(&v, layers, 2);
	assert_null(view_final(&v, "a/x"));
	assert_non_null(view_final(&v, "a/y"));
	assert_int_equal(view_final(&v, "a/y")->kind, FILE_CHANGED);
	assert_int_equal(view_final(&v, "a/y")->layer, 1);
	assert_null(view_final(&v, "b"));
	assert_null(view_final(&v, "b/z"));
	assert_non_null(view_final(&v, "c"));
	assert_null(view_final(&v, "c/old"));
	assert_non_null(view_final(&v, "c/new"));
	assert_null(view_final(&v, "d/deep/f")); /* implicit directory deleted */
	const struct file_history *h = view_history(&v, "a/x");
	assert_non_null(h);
	assert_int_equal(h->n, 2);
	assert_int_equal(h->ev[0].kind, FILE_ADDED);
	assert_int_equal(h->ev[0].layer, 0);
	assert_int_equal(h->ev[1].kind, FILE_DELETED);
	assert_int_equal(h->ev[1].layer, 1);
	view_free(&v);
	layer_result_free(&r1);
	layer_result_free(&r2);
	free(t1);
	free(t2);
}

static void test_hostile_entries(void **state)
{
	(void)state;
	struct tspec t[] = {
		{"../../etc/evil", 'f', "x", 0, 0},
		{"/abs/file", 'f', "y", 0, 0},
		{"link", 'l', "/etc/passwd", 0, 0},
		{"link/through", 'f', "z", 0, 0},
		{"dev/tty", 'c', NULL, 0, 0},
		{"dup", 'f', "first", 0, 0},
		{"dup", 'f', "second", 0, 0},
		{"bad\xff\xfename", 'f', "w", 0, 0},
		{"hl", 'h', "../../outside", 0, 0},
		{"x/.wh..", 'f', "", 0, 0},
	};
	size_t n;
	unsigned char *tar = tar_build(t, ARRAY_LEN(t), NULL, &n);
	struct layer_result r;
	struct err e = {{0}};
	assert_int_equal(walk_bytes(tar, n, NULL, &r, &e), 0);
	assert_null(find_entry(&r, "etc/evil"));
	assert_non_null(find_entry(&r, "abs/file"));
	assert_int_equal(find_entry(&r, "dev/tty")->type, ENTRY_CHAR);
	assert_string_equal(find_entry(&r, "link")->link, "/etc/passwd");
	/* The file "through" the link is recorded at its own lexical path only. */
	assert_non_null(find_entry(&r, "link/through"));
	assert_true(r.nwarnings >= 3); /* ../, hard link out, malformed whiteout */
	struct layer_result *layers[] = {&r};
	struct view v;
	view_build(&v, layers, 1);
	const struct file_history *h = view_history(&v, "dup");
	assert_int_equal(h->n, 1); /* one event per layer */
	assert_int_equal(h->ev[0].size, 6);
	view_free(&v);
	layer_result_free(&r);
	free(tar);
}

static void test_truncated_and_garbage(void **state)
{
	(void)state;
	struct tspec t[] = {{"big", 'f', NULL, 0, 200000}, {"after", 'f', "x", 0, 0}};
	size_t n;
	unsigned char *gz = tar_build(t, 2, "gzip", &n);
	struct layer_result r;
	struct err e = {{0}};
	assert_int_equal(walk_bytes(gz, n / 2, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "test-layer"));
	assert_non_null(strstr(e.msg, "truncated"));
	layer_result_free(&r);
	free(gz);

	unsigned char *plain = tar_build(t, 2, NULL, &n);
	assert_int_equal(walk_bytes(plain, 100000, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	layer_result_free(&r);
	free(plain);

	const unsigned char junk[] = "this is not a tar archive at all, just some text that goes on";
	assert_int_equal(walk_bytes(junk, sizeof junk, NULL, &r, &e), -1);
	layer_result_free(&r);
}

static void test_decompression_limit(void **state)
{
	(void)state;
	struct tspec t[] = {{"zeros", 'f', NULL, 0, 20 << 20}};
	size_t n;
	unsigned char *gz = tar_build(t, 1, "gzip", &n);
	assert_true(n < (1 << 20)); /* highly compressible */
	struct walk_limits lim = {.max_tar_bytes = 4 << 20, .max_entries = 100};
	struct layer_result r;
	struct err e = {{0}};
	assert_int_equal(walk_bytes(gz, n, &lim, &r, &e), -1);
	assert_non_null(strstr(e.msg, "limit"));
	layer_result_free(&r);
	free(gz);
}

static void test_empty_layer(void **state)
{
	(void)state;
	struct layer_result r;
	struct err e = {{0}};
	assert_int_equal(walk_bytes((const unsigned char *)"", 0, NULL, &r, &e), 0);
	assert_int_equal(r.nentries, 0);
	layer_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_layer_digests),
		cmocka_unit_test(test_compressed_layer_digests),
		cmocka_unit_test(test_whiteouts_and_history),
		cmocka_unit_test(test_hostile_entries),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_decompression_limit),
		cmocka_unit_test(test_empty_layer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
