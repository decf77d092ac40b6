/* Language packages in every report: purls (purl spec: npm scope as an
 * encoded namespace, PEP 503 pypi names), Trivy's lang-pkgs results with
 * FilePath/PkgPath, findings grouped with their package's result (hand-built
 * findings on an OS, an npm and a Python package), the table's per-language
 * sections, SARIF rule names and locations, and both SBOMs validated against
 * the official schemas with the language packages hanging off the image. */
#include "report/report.h"

#include "util/util.h"

#include "testutil.h"

#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static struct pkg mkpkg(enum pkg_type t, const char *name, const char *version)
{
	struct pkg p = {.type = t, .epoch = -1, .name = xstrdup(name), .version = xstrdup(version)};
	return p;
}

static void test_purls(void **state)
{
	(void)state;
	static const struct {
		enum pkg_type t;
		const char *name, *version, *purl;
	} cases[] = {
		{PKG_NPM, "lodash", "4.17.21", "pkg:npm/lodash@4.17.21"},
		{PKG_NPM, "@babel/core", "7.24.0", "pkg:npm/%40babel/core@7.24.0"},
		/* the spec: scope and name lower-cased; '+' of a build is encoded */
		{PKG_NPM, "@Types/JSONStream", "1.3.5+b1", "pkg:npm/%40types/jsonstream@1.3.5%2Bb1"},
		{PKG_NPM, "JSONStream", "1.3.5", "pkg:npm/jsonstream@1.3.5"},
		{PKG_PYPI, "requests", "2.28.1", "pkg:pypi/requests@2.28.1"},
		/* PEP 503: lower case, runs of -_. become one '-' */
		{PKG_PYPI, "PyYAML", "6.0.1", "pkg:pypi/pyyaml@6.0.1"},
		{PKG_PYPI, "typing_extensions", "4.9.0", "pkg:pypi/typing-extensions@4.9.0"},
		{PKG_PYPI, "zope.interface", "5.5.2", "pkg:pypi/zope-interface@5.5.2"},
		{PKG_PYPI, "Foo__.-Bar", "1.0+local", "pkg:pypi/foo-bar@1.0%2Blocal"},
	};
	struct os_info debian = {.family = "debian", .name = "12.5"};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct pkg p = mkpkg(cases[i].t, cases[i].name, cases[i].version);
		char *purl = pkg_purl(&p, &debian); /* the OS never enters a language purl */
		assert_non_null(purl);
		assert_string_equal(purl, cases[i].purl);
		char *id = pkg_id(&p);
		char *want = xasprintf("%s@%s", cases[i].name, cases[i].version);
		assert_string_equal(id, want);
		free(want);
		free(id);
		free(purl);
		pkg_clear(&p);
	}
}

/* ---- a scan with OS, npm and Python packages and one finding each ---- */

struct fixture {
	struct image img;
	struct inventory inv;
	struct findings vulns;
	struct scan_report r;
};

static void add_pkg(struct fixture *f, enum pkg_type t, const char *name, const char *version, const char *path,
		    size_t layer)
{
	struct inventory_pkg *ip = &f->inv.pkgs[f->inv.npkgs++];
	ip->pkg = mkpkg(t, name, version);
	ip->pkg.license = xstrdup("MIT");
	if (t == PKG_DPKG) {
		ip->pkg.arch = xstrdup("amd64");
		ip->pkg.src_name = xstrdup(name);
		ip->pkg.src_version = xstrdup(version);
	}
	ip->db_path = xstrdup(path);
	ip->layer = layer;
}

static void add_finding(struct fixture *f, size_t pkg, const char *id, enum severity s)
{
	struct vuln_finding *v = findings_add(&f->vulns);
	v->vuln_id = xstrdup(id);
	v->pkg = pkg;
	v->installed_version = xstrdup(f->inv.pkgs[pkg].pkg.version);
	v->fixed_version = xstrdup("99");
	v->status = xstrdup("fixed");
	v->severity = s;
	v->title = xasprintf("title of %s", id);
}

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->img.name = xstrdup("registry.example/app:1.0");
	f->img.type = xstrdup("container_image");
	f->img.id = xstrdup("sha256:05455a08881ea9cf0e752bc48e61bbd71a34c029bb13df01e40e3e70e0d007bd");
	for (int i = 0; i < 3; i++) {
		struct image_layer *l = image_add_layer(&f->img);
		l->digest = xasprintf("sha256:%064d", 10 + i);
		l->diff_id = xasprintf("sha256:%064d", 20 + i);
	}
	f->inv.os.family = xstrdup("debian");
	f->inv.os.name = xstrdup("12.5");
	f->inv.pkgs = xcalloc(5, sizeof *f->inv.pkgs);
	add_pkg(f, PKG_DPKG, "libc6", "2.36-9", "var/lib/dpkg/status", 0);
	add_pkg(f, PKG_NPM, "@babel/core", "7.0.0", "app/node_modules/@babel/core/package.json", 1);
	add_pkg(f, PKG_NPM, "lodash", "4.17.20", "app/node_modules/lodash/package.json", 1);
	add_pkg(f, PKG_NPM, "lodash", "4.17.20", "usr/share/nodejs/lodash/package.json", 2);
	add_pkg(f, PKG_PYPI, "requests", "2.28.1", "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO", 2);
	add_finding(f, 2, "GHSA-lodash-1", SEV_HIGH);
	add_finding(f, 0, "CVE-2024-0001", SEV_LOW);
	add_finding(f, 4, "GHSA-requests-1", SEV_MEDIUM);
	add_finding(f, 3, "GHSA-lodash-1", SEV_HIGH);
	f->r.img = &f->img;
	f->r.inv = &f->inv;
	f->r.list_all_pkgs = true;
	f->r.vulns = &f->vulns;
	f->r.vulns_scanned = true;
	f->r.tool_version = "0.1.0-test";
}

static void fixture_free(struct fixture *f)
{
	findings_free(&f->vulns);
	inventory_free(&f->inv);
	image_free(&f->img);
}

static char *write_doc(int (*writer)(FILE *, const struct scan_report *), const struct scan_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_non_null(m);
	assert_int_equal(writer(m, r), 0);
	assert_int_equal(fclose(m), 0);
	return text;
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("not JSON: %s (line %d)", err.text, err.line);
	return j;
}

static const char *sget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

/* The result whose Type is type (NULL: the first one without Type). */
static json_t *result_of(json_t *results, const char *type)
{
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		const char *t = json_string_value(json_object_get(r, "Type"));
		if (t && strcmp(t, type) == 0)
			return r;
	}
	fail_msg("no result of type %s", type);
	return NULL;
}

static void test_json_results(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *text = write_doc(report_json, &f.r);
	json_t *root = parse(text);
	json_t *results = json_object_get(root, "Results");
	assert_int_equal(json_array_size(results), 3);
	/* Trivy's order: the OS result first */
	json_t *os = json_array_get(results, 0);
	json_t *node = result_of(results, "node-pkg"), *py = result_of(results, "python-pkg");
	assert_string_equal(sget(os, "Class"), "os-pkgs");
	assert_string_equal(sget(os, "Type"), "debian");
	assert_int_equal(json_array_size(json_object_get(os, "Packages")), 1);
	json_t *ov = json_object_get(os, "Vulnerabilities");
	assert_int_equal(json_array_size(ov), 1);
	assert_string_equal(sget(json_array_get(ov, 0), "VulnerabilityID"), "CVE-2024-0001");
	assert_null(json_object_get(json_array_get(ov, 0), "PkgPath"));
	assert_null(json_object_get(json_array_get(json_object_get(os, "Packages"), 0), "FilePath"));

	assert_string_equal(sget(node, "Target"), "Node.js");
	assert_string_equal(sget(node, "Class"), "lang-pkgs");
	json_t *np = json_object_get(node, "Packages");
	assert_int_equal(json_array_size(np), 3);
	json_t *scoped = json_array_get(np, 0);
	assert_string_equal(sget(scoped, "Name"), "@babel/core");
	assert_string_equal(sget(scoped, "FilePath"), "app/node_modules/@babel/core/package.json");
	assert_string_equal(sget(json_object_get(scoped, "Identifier"), "PURL"), "pkg:npm/%40babel/core@7.0.0");
	assert_string_equal(sget(json_object_get(scoped, "Layer"), "DiffID"), f.img.layers[1].diff_id);
	json_t *nv = json_object_get(node, "Vulnerabilities");
	assert_int_equal(json_array_size(nv), 2);
	/* one finding per location, each naming its file */
	assert_string_equal(sget(json_array_get(nv, 0), "PkgPath"), "app/node_modules/lodash/package.json");
	assert_string_equal(sget(json_array_get(nv, 1), "PkgPath"), "usr/share/nodejs/lodash/package.json");
	assert_string_equal(sget(json_object_get(json_array_get(nv, 1), "Layer"), "DiffID"), f.img.layers[2].diff_id);
	assert_string_equal(sget(json_object_get(json_array_get(nv, 0), "PkgIdentifier"), "PURL"),
			    "pkg:npm/lodash@4.17.20");

	assert_string_equal(sget(py, "Target"), "Python");
	assert_string_equal(sget(py, "Class"), "lang-pkgs");
	json_t *pv = json_object_get(py, "Vulnerabilities");
	assert_int_equal(json_array_size(pv), 1);
	assert_string_equal(sget(json_array_get(pv, 0), "VulnerabilityID"), "GHSA-requests-1");
	assert_string_equal(sget(json_array_get(json_object_get(py, "Packages"), 0), "FilePath"),
			    "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO");
	json_decref(root);
	free(text);

	/* without OS: no os-pkgs result at all; a language result without findings has an empty list */
	free(f.inv.os.family);
	free(f.inv.os.name);
	f.inv.os.family = f.inv.os.name = NULL;
	pkg_clear(&f.inv.pkgs[0].pkg);
	f.inv.pkgs[0].pkg = mkpkg(PKG_PYPI, "six", "1.16.0");
	f.vulns.len = 1; /* the first finding (lodash) only; all four are freed with the fixture */
	text = write_doc(report_json, &f.r);
	root = parse(text);
	results = json_object_get(root, "Results");
	assert_int_equal(json_array_size(results), 2);
	assert_string_equal(sget(json_array_get(results, 0), "Type"), "node-pkg");
	py = result_of(results, "python-pkg");
	assert_int_equal(json_array_size(json_object_get(py, "Packages")), 2);
	assert_int_equal(json_array_size(json_object_get(py, "Vulnerabilities")), 0);
	json_decref(root);
	free(text);
	f.vulns.len = 4;
	fixture_free(&f);
}

static void test_table_sections(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *text = write_doc(report_table, &f.r);
	const char *node = strstr(text, "\nNode.js (node-pkg)\n");
	const char *py = strstr(text, "\nPython (python-pkg)\n");
	assert_non_null(node);
	assert_non_null(py);
	assert_true(node < py);
	/* the OS section counts its own finding only, before the language sections */
	const char *os_total = strstr(text, "Total: 1 (UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 0, CRITICAL: 0)");
	assert_non_null(os_total);
	assert_true(os_total < node);
	const char *cve = strstr(text, "CVE-2024-0001");
	assert_true(cve && cve < node);
	const char *node_total = strstr(node, "Total: 2 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 0)");
	assert_true(node_total && node_total < py);
	const char *ghsa = strstr(text, "GHSA-lodash-1");
	assert_true(ghsa && ghsa > node && ghsa < py);
	assert_non_null(strstr(py, "Total: 1 (UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 0, CRITICAL: 0)"));
	const char *req = strstr(text, "GHSA-requests-1");
	assert_true(req && req > py);
	/* --list-all-pkgs: a package table per language with the files */
	const char *list = strstr(text, "Packages: Node.js (node-pkg)");
	assert_non_null(list);
	assert_non_null(strstr(list, "usr/share/nodejs/lodash/package.json"));
	const char *oslist = strstr(text, "\nPackages\n");
	assert_non_null(oslist);
	assert_true(oslist < list);
	/* the OS package table holds OS packages only */
	const char *babel = strstr(oslist, "@babel/core");
	assert_true(babel && babel > list);
	free(text);
	fixture_free(&f);
}

/* JUnit: one testsuite per result group, each with its own findings. */
static void test_junit_groups(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *text = write_doc(report_junit, &f.r);
	/* testsuites total 4 failures; suites in OS, Node.js, Python order */
	assert_non_null(strstr(text, "<testsuites name=\"vigil\" tests=\"4\" failures=\"4\""));
	const char *os = strstr(text, "name=\"registry.example/app:1.0 (debian 12.5)\"");
	const char *node = strstr(text, "<testsuite name=\"Node.js\" tests=\"2\" failures=\"2\"");
	const char *py = strstr(text, "<testsuite name=\"Python\" tests=\"1\" failures=\"1\"");
	assert_non_null(os);
	assert_non_null(node);
	assert_non_null(py);
	assert_true(os < node && node < py);
	const char *cve = strstr(text, "CVE-2024-0001");
	assert_true(cve && cve < node);
	const char *lodash = strstr(text, "[HIGH] GHSA-lodash-1");
	assert_true(lodash && lodash > node && lodash < py);
	assert_non_null(strstr(node, "(usr/share/nodejs/lodash/package.json)"));
	const char *req = strstr(text, "GHSA-requests-1");
	assert_true(req && req > py);
	assert_non_null(strstr(text, "value=\"lang-pkgs\""));
	free(text);
	fixture_free(&f);
}

static void test_sarif(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *text = write_doc(report_sarif, &f.r);
	json_t *root = parse(text);
	json_t *run = json_array_get(json_object_get(root, "runs"), 0);
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	size_t i;
	json_t *rule;
	int seen = 0;
	json_array_foreach(rules, i, rule) {
		const char *id = sget(rule, "id"), *name = sget(rule, "name");
		bool os = strcmp(id, "CVE-2024-0001") == 0;
		assert_string_equal(name, os ? "OsPackageVulnerability" : "LanguageSpecificPackageVulnerability");
		seen++;
	}
	assert_int_equal(seen, 3);
	json_t *results = json_object_get(run, "results");
	assert_int_equal(json_array_size(results), 4);
	json_t *res;
	int lodash_paths = 0;
	json_array_foreach(results, i, res) {
		json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
		json_t *art = json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation");
		const char *uri = sget(art, "uri");
		if (strcmp(sget(res, "ruleId"), "GHSA-lodash-1") == 0) {
			assert_non_null(strstr(uri, "lodash/package.json"));
			lodash_paths++;
		}
		if (strcmp(sget(res, "ruleId"), "GHSA-requests-1") == 0)
			assert_string_equal(uri, "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO");
	}
	assert_int_equal(lodash_paths, 2);
	json_decref(root);
	free(text);
	fixture_free(&f);
}

/* ---- SBOMs, validated ---- */

static char *source_path(const char *rel)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	return xasprintf("%s/%s", root && *root ? root : ".", rel);
}

static void assert_valid(const char *schema_rel, const char *text)
{
	char tmp[] = "/tmp/vigil-lang-sbom-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	char *script = source_path("tests/unit/report/validate_sbom.py");
	char *schema = source_path(schema_rel);
	char *argv[] = {"python3", script, schema, tmp, NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, "python3", NULL, NULL, argv, environ);
	if (rc != 0)
		fail_msg("cannot run python3: %s", strerror(rc));
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(tmp);
	free(script);
	free(schema);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0) {
		print_message("# document:\n%s\n", text);
		fail_msg("%s: does not validate (exit %d)", schema_rel, WEXITSTATUS(status));
	}
}

static const char *prop(json_t *component, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(component, "properties"), i, p) {
		if (strcmp(sget(p, "name"), name) == 0)
			return sget(p, "value");
	}
	return NULL;
}

static void test_cyclonedx(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *text = write_doc(report_cyclonedx, &f.r);
	assert_valid("tests/data/schemas/bom-1.5.schema.json", text);
	json_t *bom = parse(text);
	json_t *comps = json_object_get(bom, "components");
	assert_int_equal(json_array_size(comps), 6); /* OS + 5 packages */
	const char *img_ref = sget(json_object_get(json_object_get(bom, "metadata"), "component"), "bom-ref");
	const char *os_ref = sget(json_array_get(comps, 0), "bom-ref");
	json_t *scoped = json_array_get(comps, 2);
	assert_string_equal(sget(scoped, "purl"), "pkg:npm/%40babel/core@7.0.0");
	assert_string_equal(prop(scoped, "vigil:PkgType"), "node-pkg");
	assert_string_equal(prop(scoped, "vigil:FilePath"), "app/node_modules/@babel/core/package.json");
	json_t *req = json_array_get(comps, 5);
	assert_string_equal(sget(req, "purl"), "pkg:pypi/requests@2.28.1");
	assert_string_equal(prop(req, "vigil:PkgType"), "python-pkg");
	/* the same purl at two paths: two components, distinct bom-refs */
	assert_string_equal(sget(json_array_get(comps, 3), "purl"), sget(json_array_get(comps, 4), "purl"));
	assert_string_not_equal(sget(json_array_get(comps, 3), "bom-ref"), sget(json_array_get(comps, 4), "bom-ref"));
	assert_null(prop(json_array_get(comps, 1), "vigil:FilePath"));
	/* image -> OS and the 4 language packages; OS -> libc6 only */
	json_t *deps = json_object_get(bom, "dependencies");
	json_t *d0 = json_array_get(deps, 0), *d1 = json_array_get(deps, 1);
	assert_string_equal(sget(d0, "ref"), img_ref);
	assert_int_equal(json_array_size(json_object_get(d0, "dependsOn")), 5);
	assert_string_equal(sget(d1, "ref"), os_ref);
	assert_int_equal(json_array_size(json_object_get(d1, "dependsOn")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d1, "dependsOn"), 0)),
			    sget(json_array_get(comps, 1), "bom-ref"));
	json_decref(bom);
	free(text);
	fixture_free(&f);
}

static void test_spdx(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *text = write_doc(report_spdx, &f.r);
	assert_valid("tests/data/schemas/spdx-2.3.schema.json", text);
	json_t *doc = parse(text);
	json_t *pkgs = json_object_get(doc, "packages");
	assert_int_equal(json_array_size(pkgs), 7); /* image, OS, 5 packages */
	const char *img_id = sget(json_array_get(pkgs, 0), "SPDXID");
	const char *os_id = sget(json_array_get(pkgs, 1), "SPDXID");
	size_t i;
	json_t *rel;
	int from_image = 0, from_os = 0;
	json_array_foreach(json_object_get(doc, "relationships"), i, rel) {
		if (strcmp(sget(rel, "relationshipType"), "CONTAINS") != 0)
			continue;
		from_image += strcmp(sget(rel, "spdxElementId"), img_id) == 0;
		from_os += strcmp(sget(rel, "spdxElementId"), os_id) == 0;
	}
	assert_int_equal(from_image, 5); /* the OS and 4 language packages */
	assert_int_equal(from_os, 1);
	json_t *req = json_array_get(pkgs, 6);
	json_t *ref = json_array_get(json_object_get(req, "externalRefs"), 0);
	assert_string_equal(sget(ref, "referenceLocator"), "pkg:pypi/requests@2.28.1");
	char *texts = json_dumps(json_object_get(req, "attributionTexts"), 0);
	assert_non_null(strstr(texts, "FilePath: usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO"));
	free(texts);
	json_decref(doc);
	free(text);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purls),	     cmocka_unit_test(test_json_results), cmocka_unit_test(test_table_sections),
		cmocka_unit_test(test_sarif), cmocka_unit_test(test_junit_groups),	     cmocka_unit_test(test_cyclonedx),	  cmocka_unit_test(test_spdx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
