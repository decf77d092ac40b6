/* Matching rpm packages of AlmaLinux and Rocky Linux images against OSV's
 * errata (tests/data/feeds/osv-rpm: real ALSA/RLSA advisories): binary
 * package names, epochs on either side ("1:3.0.7-25.el9_3" against an
 * installed epoch-less 3.0.8), the "0:" prefix Rocky writes, installed
 * versions on both sides of each fix, the vendor rating, and notices for
 * releases the database has nothing about. */
#include "db/vdb.h"
#include "match/match.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One installed rpm: VERSION-RELEASE as the header gives them, the epoch
 * apart (-1: the header has none), the source rpm's name. */
static void add_rpm(struct inventory *inv, const char *name, int epoch, const char *vr, const char *src)
{
	inv->pkgs = xrealloc(inv->pkgs, (inv->npkgs + 1) * sizeof *inv->pkgs);
	struct inventory_pkg *ip = &inv->pkgs[inv->npkgs++];
	memset(ip, 0, sizeof *ip);
	ip->pkg.type = PKG_RPM;
	ip->pkg.epoch = epoch;
	ip->pkg.name = xstrdup(name);
	ip->pkg.version = xstrdup(vr);
	ip->pkg.src_name = xstrdup(src);
	ip->db_path = xstrdup("var/lib/rpm/rpmdb.sqlite");
}

static void set_os(struct inventory *inv, const char *family, const char *version)
{
	free(inv->os.family);
	free(inv->os.name);
	inv->os.family = xstrdup(family);
	inv->os.name = xstrdup(version);
}

static void alma9_inventory(struct inventory *inv)
{
	memset(inv, 0, sizeof *inv);
	set_os(inv, "alma", "9.3");
	add_rpm(inv, "openssl-libs", 1, "3.0.7-24.el9", "openssl");   /* below the fix */
	add_rpm(inv, "openssl", 1, "3.0.7-25.el9_3", "openssl");      /* the fix itself */
	add_rpm(inv, "openssl-devel", 1, "3.0.7-27.el9", "openssl");  /* above it */
	add_rpm(inv, "openssl-perl", -1, "3.0.8-1.el9", "openssl");   /* no epoch: 0 < 1 */
	add_rpm(inv, "glibc", -1, "2.34-60.el9_2.6", "glibc");
	add_rpm(inv, "glibc-common", -1, "2.34-60.el9_2.7", "glibc");
	add_rpm(inv, "glibc-minimal-langpack", 0, "2.34-83.el9_3.7", "glibc");
	/* Built from glibc but not named by the erratum's records: the
	 * records list binary packages, and this one is not among them. */
	add_rpm(inv, "glibc-gconv-extra", -1, "2.34-60.el9_2.6", "glibc");
	add_rpm(inv, "libcurl", -1, "7.76.1-26.el9", "curl");
}

static const struct test_want alma9_want[] = {
	{"openssl-libs", "CVE-2023-5363", "1:3.0.7-24.el9", "1:3.0.7-25.el9_3", "fixed", "MEDIUM"},
	{"openssl-perl", "CVE-2023-5363", "3.0.8-1.el9", "1:3.0.7-25.el9_3", "fixed", "MEDIUM"},
	{"glibc", "CVE-2023-4527", "2.34-60.el9_2.6", "2.34-60.el9_2.7", "fixed", "HIGH"},
	{"glibc", "CVE-2023-4806", "2.34-60.el9_2.6", "2.34-60.el9_2.7", "fixed", "HIGH"},
	{"glibc", "CVE-2023-4813", "2.34-60.el9_2.6", "2.34-60.el9_2.7", "fixed", "HIGH"},
	{"glibc", "CVE-2023-4911", "2.34-60.el9_2.6", "2.34-60.el9_2.7", "fixed", "HIGH"},
};

static void test_alma9(void **state)
{
	struct test_tmp *t = *state;
	test_import_feeds(t->db, "osv-rpm", NULL);
	struct inventory inv;
	alma9_inventory(&inv);
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	test_assert_findings(&f, &inv, alma9_want, ARRAY_LEN(alma9_want));
	assert_int_equal(f.nnotices, 0);
	const struct vuln_finding *v = test_find_finding(&f, &inv, "openssl-libs", "1:3.0.7-24.el9");
	assert_string_equal(v->data_source, "osv:AlmaLinux");
	assert_string_equal(v->severity_source, "alma");
	assert_string_equal(v->title, "Moderate: openssl security update");
	assert_string_equal(v->primary_url, "https://nvd.nist.gov/vuln/detail/CVE-2023-5363");
	findings_free(&f);

	/* The same image as Rocky Linux 9: no Rocky 9 data imported → a notice. */
	set_os(&inv, "rocky", "9.3");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.len, 0);
	assert_int_equal(f.nnotices, 1);
	assert_string_equal(f.notices[0], "rocky 9.3 has no advisories in the database (end of life or not imported): "
					  "results may be incomplete");
	findings_free(&f);
	/* A release OSV has no ecosystem for yet. */
	set_os(&inv, "alma", "10.0");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.len, 0);
	assert_int_equal(f.nnotices, 1);
	assert_non_null(strstr(f.notices[0], "alma 10.0 has no advisories"));
	findings_free(&f);
	/* A version that is no release number. */
	set_os(&inv, "alma", "unknown");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.nnotices, 1);
	assert_non_null(strstr(f.notices[0], "does not support alma unknown"));
	findings_free(&f);
	inventory_free(&inv);
}

/* Rocky 8: the records write the epoch 0 ("0:2.28-225.el8_8.6"); installed
 * headers with and without an epoch compare the same. */
static void test_rocky8(void **state)
{
	struct test_tmp *t = *state;
	test_import_feeds(t->db, "osv-rpm", NULL);
	struct inventory inv;
	memset(&inv, 0, sizeof inv);
	set_os(&inv, "rocky", "8.8");
	add_rpm(&inv, "glibc", -1, "2.28-225.el8_8.5", "glibc");
	add_rpm(&inv, "glibc-common", 0, "2.28-225.el8_8.5", "glibc");
	add_rpm(&inv, "glibc-minimal-langpack", -1, "2.28-225.el8_8.6", "glibc");
	add_rpm(&inv, "nscd", 0, "2.28-236.el8", "glibc");
	/* An Alma 9 package name at an old version: other namespace, no match. */
	add_rpm(&inv, "openssl-libs", 1, "1.1.1k-9.el8_7", "openssl");
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	static const char *const ids[] = {"CVE-2023-4527", "CVE-2023-4806", "CVE-2023-4813", "CVE-2023-4911"};
	struct test_want w[8];
	for (size_t i = 0; i < 4; i++) {
		w[i] = (struct test_want){"glibc", ids[i], "2.28-225.el8_8.5", "0:2.28-225.el8_8.6", "fixed", "HIGH"};
		w[4 + i] = (struct test_want){"glibc-common", ids[i], "2.28-225.el8_8.5", "0:2.28-225.el8_8.6", "fixed", "HIGH"};
	}
	test_assert_findings(&f, &inv, w, ARRAY_LEN(w));
	const struct vuln_finding *v = test_find_finding(&f, &inv, "glibc", "2.28-225.el8_8.5");
	assert_string_equal(v->data_source, "osv:Rocky Linux");
	assert_string_equal(v->severity_source, "rocky");
	findings_free(&f);
	inventory_free(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alma9, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_rocky8, test_tmp_setup, test_tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
