/* Every image layout vigil reads, built by make_layouts.py, through the real
 * pipeline (bundle → resolve → walk → view → inventory): same packages, same
 * layer attribution, and clear failures for broken images. */
#include "cmd/cmd.h"
#include "cmd/scan.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char outdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(outdir, sizeof outdir, "/tmp/vigil-layouts-XXXXXX");
	if (!mkdtemp(outdir))
		return -1;
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "python3 %s/tests/unit/source/make_layouts.py %s", root ? root : ".", outdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf %s", outdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int scan(const char *rel, const char *platform, struct scan_result *res)
{
	char target[512];
	snprintf(target, sizeof target, "%s/%s", outdir, rel);
	struct scan_opts o = {.kind = TARGET_ARCHIVE, .target = target, .format = "json", .threads = 2,
			      .platform = platform};
	return scan_run(&o, res);
}

static const struct inventory_pkg *find_pkg(const struct inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (!strcmp(inv->pkgs[i].pkg.name, name))
			return &inv->pkgs[i];
	return NULL;
}

static void check_two_layer_image(const char *rel)
{
	struct scan_result res;
	int rc = scan(rel, "linux/amd64", &res);
	if (rc != 0)
		fail_msg("%s: scan failed with %d", rel, rc);
	assert_string_equal(res.inv.os.family, "alpine");
	assert_string_equal(res.inv.os.name, "3.18.4");
	assert_int_equal(res.img.nlayers, 2);
	assert_int_equal(res.inv.npkgs, 3);
	const struct inventory_pkg *a = find_pkg(&res.inv, "a"), *b = find_pkg(&res.inv, "b"),
				   *c = find_pkg(&res.inv, "c");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(a->layer, 0); /* unchanged since layer 1 */
	assert_string_equal(b->pkg.version, "2.0-r0");
	assert_int_equal(b->layer, 1); /* upgraded in layer 2 */
	assert_int_equal(c->layer, 1);
	/* the whiteout in layer 2 hides etc/doomed; its history remains */
	assert_null(view_final(&res.view, "etc/doomed"));
	const struct file_history *h = view_history(&res.view, "etc/doomed");
	assert_non_null(h);
	assert_int_equal(h->n, 2);
	assert_int_equal(h->ev[1].kind, FILE_DELETED);
	assert_int_equal(h->ev[1].layer, 1);
	/* diff IDs were computed and agree with the config */
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(strncmp(res.img.layers[i].diff_id, "sha256:", 7), 0);
	scan_result_free(&res);
}

static void test_docker_archive(void **s)
{
	(void)s;
	check_two_layer_image("docker.tar");
	check_two_layer_image("docker.tar.gz");
	check_two_layer_image("docker.tar:test/app:1.0");
}

static void test_legacy_archive(void **s)
{
	(void)s;
	check_two_layer_image("legacy.tar");
}

static void test_oci_layouts(void **s)
{
	(void)s;
	check_two_layer_image("oci");
	check_two_layer_image("oci.tar");
	check_two_layer_image("oci:v1");
	char rel[512], digest[128] = {0};
	snprintf(rel, sizeof rel, "%s/amd64-digest", outdir);
	FILE *f = fopen(rel, "r");
	assert_non_null(f);
	assert_non_null(fgets(digest, sizeof digest, f));
	fclose(f);
	snprintf(rel, sizeof rel, "oci@%s", digest);
	check_two_layer_image(rel);
}

static void test_oci_platform(void **s)
{
	(void)s;
	struct scan_result res;
	assert_int_equal(scan("oci", "linux/arm64", &res), 0);
	assert_int_equal(res.img.nlayers, 1);
	assert_int_equal(res.inv.npkgs, 2);
	assert_string_equal(find_pkg(&res.inv, "b")->pkg.version, "1.0-r0");
	scan_result_free(&res);
	assert_int_equal(scan("oci", "linux/s390x", &res), EXIT_INPUT);
	scan_result_free(&res);
}

static void test_same_image_same_id(void **s)
{
	(void)s;
	struct scan_result x, y;
	assert_int_equal(scan("docker.tar", NULL, &x), 0);
	assert_int_equal(scan("oci.tar", NULL, &y), 0);
	assert_string_equal(x.img.id, y.img.id);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(x.img.layers[i].diff_id, y.img.layers[i].diff_id);
	scan_result_free(&x);
	scan_result_free(&y);
}

static void test_deduplicated_layers(void **s)
{
	(void)s;
	struct scan_result res;
	assert_int_equal(scan("dedupe.tar", NULL, &res), 0);
	assert_int_equal(res.img.nlayers, 2);
	assert_string_equal(res.img.layers[0].diff_id, res.img.layers[1].diff_id);
	assert_int_equal(res.inv.npkgs, 2);
	scan_result_free(&res);
}

static void test_broken_images(void **s)
{
	(void)s;
	const char *bad[] = {"bad-diffid.tar", "truncated.tar", "oci-corrupt", "nonexistent.tar", "docker.tar:no/such:tag"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct scan_result res;
		int rc = scan(bad[i], NULL, &res);
		if (rc != EXIT_INPUT)
			fail_msg("%s: want exit %d, got %d", bad[i], EXIT_INPUT, rc);
		scan_result_free(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_archive),   cmocka_unit_test(test_legacy_archive),
		cmocka_unit_test(test_oci_layouts),      cmocka_unit_test(test_oci_platform),
		cmocka_unit_test(test_same_image_same_id), cmocka_unit_test(test_deduplicated_layers),
		cmocka_unit_test(test_broken_images),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
