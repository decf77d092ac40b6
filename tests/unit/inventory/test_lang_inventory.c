/* Language packages through the real pipeline: layer tars built in memory,
 * walked (the npm and Python analyzers run on the files), merged into the
 * view, and inventoried. Checks the attribution rules: a package belongs to
 * the layer that wrote its file as it is in the final view (an identical
 * rewrite moves it), files deleted by a whiteout, an opaque directory or a
 * deleted parent are gone, one name@version at two paths is two packages,
 * a bad file is a notice, and language packages alone make no OS. */
#include "inventory/build.h"
#include "testutil.h"
#include "walk/tarbuild.h"

#include <stdlib.h>
#include <string.h>

struct mem {
	const unsigned char *p;
	size_t n, off;
};

static ssize_t mem_read(void *ctx, const void **buf, struct err *e)
{
	(void)e;
	struct mem *m = ctx;
	size_t k = m->n - m->off;
	*buf = m->p + m->off;
	m->off += k;
	return (ssize_t)k;
}

static void walk(const struct tspec *t, size_t n, struct layer_result *r)
{
	size_t len;
	unsigned char *tar = tar_build(t, n, "gzip", &len);
	struct mem m = {tar, len, 0};
	struct err e = {{0}};
	memset(r, 0, sizeof *r);
	assert_int_equal(layer_walk("test", mem_read, &m, &walk_default_limits, r, &e), 0);
	free(tar);
}

#define PJ(name, version) "{\"name\":\"" name "\",\"version\":\"" version "\",\"license\":\"MIT\"}"

static void test_attribution(void **state)
{
	(void)state;
	const struct tspec l0[] = {
		{"app/node_modules/a/package.json", 'f', PJ("a", "1.0.0"), 0, 0},
		{"app/node_modules/b/package.json", 'f', PJ("b", "1.0.0"), 0, 0},
		{"app/node_modules/b/node_modules/n/package.json", 'f', PJ("n", "0.1.0"), 0, 0},
		{"usr/share/nodejs/a/package.json", 'f', PJ("a", "1.0.0"), 0, 0},
		{"old/node_modules/c/package.json", 'f', PJ("c", "1.0.0"), 0, 0},
		{"app/package.json", 'f', PJ("app", "1.0.0"), 0, 0},
		{"site/x-1.dist-info/METADATA", 'f', "Name: x\nVersion: 1\n\nbody", 0, 0},
		{"site/y-2.egg-info", 'f', "Name: y\nVersion: 2\n", 0, 0},
		{"site/w-3.egg-info/PKG-INFO", 'f', "Name: w\nVersion: 3\n", 0, 0},
	};
	const struct tspec l1[] = {
		/* the same bytes written again: the package moves to this layer */
		{"app/node_modules/a/package.json", 'f', PJ("a", "1.0.0"), 0, 0},
		{"app/node_modules/.wh.b", 'f', "", 0, 0},   /* b and its nested n are gone */
		{"old/.wh..wh..opq", 'f', "", 0, 0},         /* c is hidden */
		{"site/.wh.y-2.egg-info", 'f', "", 0, 0},    /* y is deleted */
		{"app/node_modules/@s/z/package.json", 'f', PJ("@s/z", "3.0.0"), 0, 0},
		{"app/node_modules/bad/package.json", 'f', "{not json", 0, 0},
	};
	const struct tspec l2[] = {
		/* a new version of w's metadata */
		{"site/w-3.egg-info/PKG-INFO", 'f', "Name: w\nVersion: 3.1\n", 0, 0},
	};
	struct layer_result r[3];
	walk(l0, ARRAY_LEN(l0), &r[0]);
	walk(l1, ARRAY_LEN(l1), &r[1]);
	walk(l2, ARRAY_LEN(l2), &r[2]);
	struct layer_result *layers[] = {&r[0], &r[1], &r[2]};
	struct view v;
	view_build(&v, layers, 3);
	struct inventory inv;
	inventory_build(layers, 3, &v, &inv);

	static const struct {
		enum pkg_type type;
		const char *name, *version, *path;
		size_t layer;
	} want[] = {
		{PKG_NPM, "@s/z", "3.0.0", "app/node_modules/@s/z/package.json", 1},
		{PKG_NPM, "a", "1.0.0", "app/node_modules/a/package.json", 1},
		{PKG_NPM, "a", "1.0.0", "usr/share/nodejs/a/package.json", 0},
		{PKG_PYPI, "w", "3.1", "site/w-3.egg-info/PKG-INFO", 2},
		{PKG_PYPI, "x", "1", "site/x-1.dist-info/METADATA", 0},
	};
	for (size_t i = 0; i < inv.npkgs; i++)
		print_message("# %s %s %s layer %zu\n", inv.pkgs[i].pkg.name, inv.pkgs[i].pkg.version,
			      inv.pkgs[i].db_path, inv.pkgs[i].layer);
	assert_int_equal(inv.npkgs, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct inventory_pkg *ip = &inv.pkgs[i];
		assert_int_equal(ip->pkg.type, want[i].type);
		assert_string_equal(ip->pkg.name, want[i].name);
		assert_string_equal(ip->pkg.version, want[i].version);
		assert_string_equal(ip->db_path, want[i].path);
		assert_int_equal(ip->layer, want[i].layer);
	}
	assert_string_equal(inv.pkgs[0].pkg.license, "MIT");
	/* the broken package.json: one notice naming the file, layer and reason */
	assert_int_equal(inv.nnotices, 1);
	assert_non_null(strstr(inv.notices[0], "app/node_modules/bad/package.json (layer 2): not JSON"));
	/* language packages alone: no OS, not "distroless" */
	assert_null(inv.os.family);

	inventory_free(&inv);
	view_free(&v);
	for (int i = 0; i < 3; i++)
		layer_result_free(&r[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attribution),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
