/* Matching npm and PyPI packages against OSV's language records
 * (tests/data/feeds/osv-lang: real GitHub / PyPA advisories): installed
 * versions on both sides of each fix, several ranges, last_affected,
 * prereleases, PEP 503 names, a scoped npm package, GHSA + PYSEC copies of
 * one CVE, language packages with and without an OS, notices, and the
 * policy filters. */
#include "db/vdb.h"
#include "match/match.h"
#include "policy/filter.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void add_pkg(struct inventory *inv, enum pkg_type type, const char *name, const char *version)
{
	inv->pkgs = xrealloc(inv->pkgs, (inv->npkgs + 1) * sizeof *inv->pkgs);
	struct inventory_pkg *ip = &inv->pkgs[inv->npkgs++];
	memset(ip, 0, sizeof *ip);
	ip->pkg.type = type;
	ip->pkg.epoch = -1;
	ip->pkg.name = xstrdup(name);
	ip->pkg.version = xstrdup(version);
	ip->db_path = xasprintf(type == PKG_NPM ? "app/node_modules/%s/package.json"
						: "usr/lib/python3/site-packages/%s.dist-info/METADATA",
				name);
}

static void add_dpkg(struct inventory *inv, const char *name, const char *version, const char *src)
{
	add_pkg(inv, PKG_DPKG, name, version);
	struct pkg *p = &inv->pkgs[inv->npkgs - 1].pkg;
	p->src_name = xstrdup(src);
	p->src_version = xstrdup(version);
	free(inv->pkgs[inv->npkgs - 1].db_path);
	inv->pkgs[inv->npkgs - 1].db_path = xstrdup("var/lib/dpkg/status");
}

/* Hand-made inventory of an image without an OS (distroless-like): npm and
 * PyPI packages only. */
static void lang_inventory(struct inventory *inv)
{
	memset(inv, 0, sizeof *inv);
	add_pkg(inv, PKG_NPM, "lodash", "4.17.20");
	add_pkg(inv, PKG_NPM, "lodash", "4.17.21");
	add_pkg(inv, PKG_NPM, "lodash", "v4.17.19"); /* loose: a leading v */
	add_pkg(inv, PKG_NPM, "Lodash", "4.17.20");  /* another npm package: names are case-sensitive */
	add_pkg(inv, PKG_NPM, "lodash-es", "4.17.15");
	add_pkg(inv, PKG_NPM, "minimist", "0.2.3");
	add_pkg(inv, PKG_NPM, "minimist", "0.2.4");
	add_pkg(inv, PKG_NPM, "minimist", "1.2.5");
	add_pkg(inv, PKG_NPM, "minimist", "1.2.6");
	add_pkg(inv, PKG_NPM, "@babel/traverse", "7.23.1");
	add_pkg(inv, PKG_NPM, "@babel/traverse", "7.23.2");
	add_pkg(inv, PKG_NPM, "@babel/traverse", "8.0.0-alpha.3");
	add_pkg(inv, PKG_NPM, "@babel/traverse", "8.0.0-alpha.4");
	add_pkg(inv, PKG_NPM, "babel-traverse", "6.26.0");
	add_pkg(inv, PKG_PYPI, "requests", "2.2.1");
	add_pkg(inv, PKG_PYPI, "requests", "2.30.0");
	add_pkg(inv, PKG_PYPI, "requests", "2.31.0");
	add_pkg(inv, PKG_PYPI, "urllib3", "1.26.16");
	add_pkg(inv, PKG_PYPI, "urllib3", "1.26.17");
	add_pkg(inv, PKG_PYPI, "urllib3", "2.0.0a1"); /* between the two ranges */
	add_pkg(inv, PKG_PYPI, "urllib3", "2.0.5");
	add_pkg(inv, PKG_PYPI, "urllib3", "2.0.6");
	add_pkg(inv, PKG_PYPI, "Jinja2", "3.1.2"); /* the feed says "jinja2" */
	add_pkg(inv, PKG_PYPI, "Jinja2", "3.1.3");
	add_pkg(inv, PKG_PYPI, "PyYAML", "5.3.1"); /* the feed says "PyYAML" */
	add_pkg(inv, PKG_PYPI, "pyyaml", "5.4b1");
	add_pkg(inv, PKG_PYPI, "PyYAML", "5.4");
	add_pkg(inv, PKG_PYPI, "ecdsa", "0.18.0");
	add_pkg(inv, PKG_PYPI, "ecdsa", "0.19.0");
}

static const struct test_want lang_want[] = {
	{"lodash", "CVE-2021-23337", "4.17.20", "4.17.21", "fixed", "HIGH"},
	{"lodash", "CVE-2021-23337", "v4.17.19", "4.17.21", "fixed", "HIGH"},
	{"lodash-es", "CVE-2021-23337", "4.17.15", "4.17.21", "fixed", "HIGH"},
	{"minimist", "CVE-2021-44906", "0.2.3", "0.2.4", "fixed", "CRITICAL"},
	{"minimist", "CVE-2021-44906", "1.2.5", "1.2.6", "fixed", "CRITICAL"},
	{"@babel/traverse", "CVE-2023-45133", "7.23.1", "7.23.2", "fixed", "CRITICAL"},
	{"@babel/traverse", "CVE-2023-45133", "8.0.0-alpha.3", "8.0.0-alpha.4", "fixed", "CRITICAL"},
	{"babel-traverse", "CVE-2023-45133", "6.26.0", NULL, "affected", "CRITICAL"},
	{"requests", "CVE-2023-32681", "2.30.0", "2.31.0", "fixed", "MEDIUM"},
	{"urllib3", "CVE-2023-43804", "1.26.16", "1.26.17", "fixed", "MEDIUM"},
	{"urllib3", "CVE-2023-43804", "2.0.5", "2.0.6", "fixed", "MEDIUM"},
	{"Jinja2", "CVE-2024-22195", "3.1.2", "3.1.3", "fixed", "MEDIUM"},
	{"PyYAML", "CVE-2020-14343", "5.3.1", "5.4", "fixed", "CRITICAL"},
	{"pyyaml", "CVE-2020-14343", "5.4b1", "5.4", "fixed", "CRITICAL"},
	{"ecdsa", "CVE-2024-23342", "0.18.0", NULL, "affected", "HIGH"},
};

static void test_lang_without_os(void **state)
{
	struct test_tmp *t = *state;
	test_import_feeds(t->db, "osv-lang", NULL);
	struct inventory inv;
	lang_inventory(&inv);
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	test_assert_findings(&f, &inv, lang_want, ARRAY_LEN(lang_want));
	/* No OS and no OS packages: nothing to say about the OS. */
	assert_int_equal(f.nnotices, 0);

	const struct vuln_finding *v = test_find_finding(&f, &inv, "lodash", "4.17.20");
	assert_string_equal(v->data_source, "osv:npm");
	assert_string_equal(v->severity_source, "ghsa");
	assert_string_equal(v->title, "Command Injection in lodash");
	assert_string_equal(v->primary_url, "https://nvd.nist.gov/vuln/detail/CVE-2021-23337");
	assert_int_equal(v->nreferences, 3);
	assert_string_equal(v->published, "2021-05-06T16:05:51Z");
	assert_int_equal(v->ncvss, 1);
	assert_string_equal(v->cvss[0].v3_vector, "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H");
	assert_true(v->cvss[0].v3_score > 7.19 && v->cvss[0].v3_score < 7.21);
	v = test_find_finding(&f, &inv, "pyyaml", "5.4b1");
	assert_string_equal(v->data_source, "osv:PyPI");
	assert_string_equal(v->title, "Improper Input Validation in PyYAML");
	/* requests: the GHSA record and its PYSEC copy give one finding (the
	 * CVE), with the fix both ranges name. */
	size_t nreq = 0;
	for (size_t i = 0; i < f.len; i++)
		nreq += !strcmp(inv.pkgs[f.v[i].pkg].pkg.name, "requests");
	assert_int_equal(nreq, 1);
	/* Trivy's order: package name, then severity, then id. */
	for (size_t i = 1; i < f.len; i++)
		assert_true(strcmp(inv.pkgs[f.v[i - 1].pkg].pkg.name, inv.pkgs[f.v[i].pkg].pkg.name) <= 0);
	findings_free(&f);
	inventory_free(&inv);
}

/* The PYSEC record alone (explicit versions + ECOSYSTEM + GIT range): a
 * listed version still gets the range's fix. */
static void test_pysec_versions_and_range(void **state)
{
	struct test_tmp *t = *state;
	test_import_feeds(t->db, "osv-lang/PYSEC-2023-74.json", NULL);
	struct inventory inv = {0};
	add_pkg(&inv, PKG_PYPI, "requests", "2.30.0");
	add_pkg(&inv, PKG_PYPI, "requests", "2.31.0");
	add_pkg(&inv, PKG_PYPI, "Requests", "2.3.0");
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	static const struct test_want want[] = {
		{"requests", "CVE-2023-32681", "2.30.0", "2.31.0", "fixed", "UNKNOWN"},
		{"Requests", "CVE-2023-32681", "2.3.0", "2.31.0", "fixed", "UNKNOWN"},
	};
	test_assert_findings(&f, &inv, want, ARRAY_LEN(want));
	/* No rating in a PyPA record and no NVD data here: UNKNOWN. */
	assert_null(f.v[0].severity_source);
	assert_string_equal(f.v[0].data_source, "osv:PyPI");
	findings_free(&f);
	inventory_free(&inv);
}

/* An OS image with language packages: both are matched, each in its
 * namespace; an OS the database lacks gives its notice and does not stop
 * the language packages. */
static void test_lang_with_os(void **state)
{
	struct test_tmp *t = *state;
	struct inventory inv;
	lang_inventory(&inv);
	inv.os.family = xstrdup("debian");
	inv.os.name = xstrdup("12.5");
	add_dpkg(&inv, "libc6", "2.36-9+deb12u3", "glibc");
	struct findings f;
	struct err e = {{0}};

	test_import_feeds(t->db, "osv-lang", NULL);
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	test_assert_findings(&f, &inv, lang_want, ARRAY_LEN(lang_want));
	assert_int_equal(f.nnotices, 1);
	assert_non_null(strstr(f.notices[0], "debian 12.5 has no advisories"));
	findings_free(&f);

	/* With the Debian tracker too: the glibc findings come on top. */
	test_import_feeds(t->db, "osv-lang", "debian-tracker-sample.json");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.nnotices, 0);
	size_t os = 0;
	for (size_t i = 0; i < f.len; i++)
		os += inv.pkgs[f.v[i].pkg].pkg.type == PKG_DPKG;
	assert_int_equal(os, 5); /* libc6 in debian_want of test_match.c */
	assert_int_equal(f.len, ARRAY_LEN(lang_want) + 5);
	findings_free(&f);

	/* An OS vigil cannot match: its notice, the language findings still. */
	free(inv.os.family);
	inv.os.family = xstrdup("centos");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.len, ARRAY_LEN(lang_want));
	assert_int_equal(f.nnotices, 1);
	assert_non_null(strstr(f.notices[0], "centos"));
	findings_free(&f);
	inventory_free(&inv);
}

static void test_lang_notices(void **state)
{
	struct test_tmp *t = *state;
	test_import_feeds(t->db, "debian-tracker-sample.json", NULL);
	struct inventory inv = {0};
	add_pkg(&inv, PKG_NPM, "lodash", "4.17.20");
	add_pkg(&inv, PKG_PYPI, "requests", "2.30.0");
	add_pkg(&inv, PKG_PYPI, "urllib3", "1.26.16");
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.len, 0);
	assert_int_equal(f.nnotices, 2);
	assert_string_equal(f.notices[0], "the database has no npm advisories (import OSV's npm records): 1 npm "
					  "packages were not checked");
	assert_string_equal(f.notices[1], "the database has no PyPI advisories (import OSV's PyPI records): 2 "
					  "PyPI packages were not checked");
	findings_free(&f);
	inventory_free(&inv);

	/* Versions the ecosystem's scheme rejects are not matched, and said so. */
	test_import_feeds(t->db, "osv-lang", NULL);
	memset(&inv, 0, sizeof inv);
	add_pkg(&inv, PKG_NPM, "lodash", "4.17");
	add_pkg(&inv, PKG_NPM, "minimist", "1.2.5");
	add_pkg(&inv, PKG_PYPI, "PyYAML", "5.3.1-custom");
	add_pkg(&inv, PKG_PYPI, "requests", "");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.len, 1);
	assert_string_equal(f.v[0].vuln_id, "CVE-2021-44906");
	assert_int_equal(f.nnotices, 2);
	assert_string_equal(f.notices[0], "1 npm packages have a version that is not valid SemVer (e.g. lodash): they "
					  "were not checked");
	assert_string_equal(f.notices[1], "2 PyPI packages have a version that is not valid PEP 440 (e.g. PyYAML): "
					  "they were not checked");
	findings_free(&f);
	inventory_free(&inv);
}

/* --severity, --ignore-unfixed and .vigilignore treat language findings
 * as any other. */
static void test_lang_filters(void **state)
{
	struct test_tmp *t = *state;
	test_import_feeds(t->db, "osv-lang", NULL);
	struct inventory inv;
	lang_inventory(&inv);
	struct findings f;
	struct err e = {{0}};

	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	struct vuln_filter only_critical = {.severities = 1u << SEV_CRITICAL};
	assert_int_equal(findings_filter(&f, &only_critical, time(NULL)), 8);
	assert_int_equal(f.len, 7);
	for (size_t i = 0; i < f.len; i++)
		assert_int_equal(f.v[i].severity, SEV_CRITICAL);
	findings_free(&f);

	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	struct vuln_filter unfixed = {.severities = SEVERITY_ALL, .ignore_unfixed = true};
	assert_int_equal(findings_filter(&f, &unfixed, time(NULL)), 2); /* babel-traverse, ecdsa */
	for (size_t i = 0; i < f.len; i++)
		assert_non_null(f.v[i].fixed_version);
	findings_free(&f);

	char *ignore = xasprintf("%s/.vigilignore", t->dir);
	FILE *fp = fopen(ignore, "w");
	assert_non_null(fp);
	fputs("# lodash: template() is not used\nCVE-2021-23337\nCVE-2024-23342 exp:2000-01-01\n", fp);
	assert_int_equal(fclose(fp), 0);
	struct vuln_filter ign = {.severities = SEVERITY_ALL};
	assert_int_equal(ignore_list_load(ignore, &ign.ignores, &e), 0);
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	/* The three lodash findings go; the expired entry ignores nothing. */
	assert_int_equal(findings_filter(&f, &ign, time(NULL)), 3);
	assert_int_equal(f.len, ARRAY_LEN(lang_want) - 3);
	for (size_t i = 0; i < f.len; i++)
		assert_string_not_equal(f.v[i].vuln_id, "CVE-2021-23337");
	findings_free(&f);
	ignore_list_free(&ign.ignores);
	free(ignore);
	inventory_free(&inv);
}

static void ev(struct vdb_event *e, int range, const char *kind, const char *version)
{
	e->range_no = range;
	e->event = (char *)kind;
	e->version = (char *)version;
}

static void check_adv(const struct vdb_advisory *a, enum version_scheme s, const char *v, bool want,
		      const char *want_fixed)
{
	const char *fixed;
	bool got = match_advisory(a, s, v, &fixed);
	if (got != want)
		fail_msg("%s: affected = %d, want %d", v, got, want);
	if ((want_fixed || fixed) && (!want_fixed || !fixed || strcmp(want_fixed, fixed) != 0))
		fail_msg("%s: fixed = %s, want %s", v, fixed ? fixed : "(none)", want_fixed ? want_fixed : "(none)");
}

/* Range evaluation under the two new orders. */
static void test_lang_ranges(void **state)
{
	(void)state;
	struct vdb_event e[8];
	struct vdb_advisory a = {.status = "affected", .ranges = 1, .events = e};

	/* One range with two intervals, events out of order: [0, 1.26.17) and
	 * [2.0.0, 2.0.6); the fix is the lowest fixed event above. */
	ev(&e[0], 0, "fixed", "2.0.6");
	ev(&e[1], 0, "introduced", "2.0.0");
	ev(&e[2], 0, "fixed", "1.26.17");
	ev(&e[3], 0, "introduced", "0");
	a.nevents = 4;
	check_adv(&a, VERSION_SCHEME_PEP440, "1.26.16", true, "1.26.17");
	check_adv(&a, VERSION_SCHEME_PEP440, "1.26.17rc1", true, "1.26.17");
	check_adv(&a, VERSION_SCHEME_PEP440, "1.26.17", false, NULL);
	check_adv(&a, VERSION_SCHEME_PEP440, "1.26.17.post1", false, NULL);
	check_adv(&a, VERSION_SCHEME_PEP440, "2.0.0.dev1", false, NULL);
	check_adv(&a, VERSION_SCHEME_PEP440, "2.0", true, "2.0.6");
	check_adv(&a, VERSION_SCHEME_PEP440, "2.0.5+local.1", true, "2.0.6");
	check_adv(&a, VERSION_SCHEME_PEP440, "1!0.1", false, NULL);

	/* SemVer prereleases and build metadata. */
	ev(&e[0], 0, "introduced", "8.0.0-alpha.0");
	ev(&e[1], 0, "fixed", "8.0.0-alpha.4");
	a.nevents = 2;
	check_adv(&a, VERSION_SCHEME_SEMVER, "8.0.0-alpha.3", true, "8.0.0-alpha.4");
	check_adv(&a, VERSION_SCHEME_SEMVER, "8.0.0-alpha.10", false, NULL);
	check_adv(&a, VERSION_SCHEME_SEMVER, "8.0.0-alpha.3+build.7", true, "8.0.0-alpha.4");
	check_adv(&a, VERSION_SCHEME_SEMVER, "8.0.0-0", false, NULL);
	check_adv(&a, VERSION_SCHEME_SEMVER, "8.0.0", false, NULL);

	/* last_affected: affected up to and including it, no fix. */
	ev(&e[0], 0, "introduced", "0");
	ev(&e[1], 0, "last_affected", "0.18.0");
	check_adv(&a, VERSION_SCHEME_PEP440, "0.18", true, NULL);
	check_adv(&a, VERSION_SCHEME_PEP440, "0.18.0.post1", false, NULL);
	check_adv(&a, VERSION_SCHEME_SEMVER, "0.18.0", true, NULL);
	check_adv(&a, VERSION_SCHEME_SEMVER, "0.18.1-rc.1", false, NULL);
}

static void test_pypi_names(void **state)
{
	(void)state;
	const char *cases[][2] = {{"PyYAML", "pyyaml"},		{"zope.interface", "zope-interface"},
				  {"Jinja2", "jinja2"},		{"typing_extensions", "typing-extensions"},
				  {"a-_.-b", "a-b"},		{"ruamel.yaml.clib", "ruamel-yaml-clib"},
				  {"Django", "django"},		{"", ""}};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *n = vdb_pypi_normalize_name(cases[i][0]);
		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lang_without_os, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_pysec_versions_and_range, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_lang_with_os, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_lang_notices, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_lang_filters, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test(test_lang_ranges),
		cmocka_unit_test(test_pypi_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
