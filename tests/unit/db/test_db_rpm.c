/* OSV AlmaLinux and Rocky Linux errata in the database: namespaces
 * "alma:N" / "rocky:N", sources, binary package names, rpm versions as the
 * records write them, CVE ids, ratings, unmatched ecosystems skipped, and a
 * bad record that leaves the file unchanged. Feeds: tests/data/feeds/osv-rpm
 * (real advisories). */
#include "db/vdb.h"
#include "testutil.h"
#include "util/util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *write_tmp(const struct test_tmp *t, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", t->dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}


/* Namespaces per major release, sources per distribution, binary rpm names,
 * versions as the records give them (epoch or not), CVE ids from "related"
 * (Alma) and "upstream" (Rocky), Red Hat's rating from the summary. */
static void test_rpm_import(void **state)
{
	struct test_tmp *t = *state;
	char *feed = test_feed_path("osv-rpm");
	struct err e = {{0}};
	assert_int_equal(test_import1(t->db, feed, &e), 0);
	test_assert_query(t->db, "SELECT name, kind, records FROM source ORDER BY name",
		     "osv:AlmaLinux|osv|2\nosv:Rocky Linux|osv|1\n");
	test_assert_query(t->db,
		     "SELECT namespace, count(DISTINCT pkg_name), count(DISTINCT vuln_id), group_concat(DISTINCT "
		     "record_id), group_concat(DISTINCT severity) FROM advisory GROUP BY namespace, record_id "
		     "ORDER BY namespace, record_id",
		     "alma:9|7|4|ALSA-2023:5453|HIGH\n"
		     "alma:9|4|1|ALSA-2024:0310|MEDIUM\n"
		     "rocky:8|7|4|RLSA-2023:5455|HIGH\n");
	test_assert_query(t->db,
		     "SELECT pkg_name, vuln_id, events FROM advisory WHERE namespace = 'alma:9' AND "
		     "record_id = 'ALSA-2024:0310' ORDER BY pkg_name",
		     "openssl|CVE-2023-5363|0\tintroduced\t0\n0\tfixed\t1:3.0.7-25.el9_3\n\n"
		     "openssl-devel|CVE-2023-5363|0\tintroduced\t0\n0\tfixed\t1:3.0.7-25.el9_3\n\n"
		     "openssl-libs|CVE-2023-5363|0\tintroduced\t0\n0\tfixed\t1:3.0.7-25.el9_3\n\n"
		     "openssl-perl|CVE-2023-5363|0\tintroduced\t0\n0\tfixed\t1:3.0.7-25.el9_3\n\n");
	test_assert_query(t->db,
		     "SELECT DISTINCT events FROM advisory WHERE namespace = 'rocky:8'",
		     "0\tintroduced\t0\n0\tfixed\t0:2.28-225.el8_8.6\n\n");
	test_assert_query(t->db,
		     "SELECT vuln_id FROM advisory WHERE namespace = 'rocky:8' AND pkg_name = 'glibc-common' "
		     "ORDER BY vuln_id",
		     "CVE-2023-4527\nCVE-2023-4806\nCVE-2023-4813\nCVE-2023-4911\n");
	test_assert_query(t->db,
		     "SELECT v.vuln_id, s.name, v.severity FROM vulnerability v JOIN source s ON s.id = v.source_id "
		     "WHERE v.vuln_id = 'CVE-2023-4911' ORDER BY s.name",
		     "CVE-2023-4911|osv:AlmaLinux|HIGH\nCVE-2023-4911|osv:Rocky Linux|HIGH\n");
	/* Re-import: the same rows. */
	char *before = test_query(t->db, "SELECT namespace, pkg_name, vuln_id, events FROM advisory ORDER BY 1, 2, 3, 4");
	assert_int_equal(test_import1(t->db, feed, &e), 0);
	char *after = test_query(t->db, "SELECT namespace, pkg_name, vuln_id, events FROM advisory ORDER BY 1, 2, 3, 4");
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(feed);
}

/* Only "AlmaLinux:N" and "Rocky Linux:N" are matched: minor releases,
 * other spellings and other EL rebuilds are skipped; Rocky 9 and Alma 8
 * map like the others. A rating in the record beats the summary's. */
static void test_rpm_ecosystems(void **state)
{
	struct test_tmp *t = *state;
	static const char *const ecosystems[] = {
		"AlmaLinux:9",	 "AlmaLinux:8",	  "Rocky Linux:9", "Rocky Linux:8", "AlmaLinux:9.3",
		"AlmaLinux",	 "almalinux:9",	  "Rocky Linux:",  "RockyLinux:9",  "Rocky Linux:9:extras",
		"Oracle Linux:9", "Red Hat:9",	  "AlmaLinux:x",   "AlmaLinux:1234",
	};
	struct buf rec = {0};
	buf_appendf(&rec, "{\"id\":\"RLSA-0000:0001\",\"summary\":\"Low: test update\",\"upstream\":[\"CVE-2099-0002\"],"
			  "\"affected\":[");
	for (size_t i = 0; i < ARRAY_LEN(ecosystems); i++)
		buf_appendf(&rec,
			    "%s{\"package\":{\"ecosystem\":\"%s\",\"name\":\"p%zu\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
			    "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0-1.el9\"}]}]}",
			    i ? "," : "", ecosystems[i], i);
	buf_appendf(&rec, "]}");
	char *p = write_tmp(t, "ecosystems.json", (const char *)rec.data);
	struct err e = {{0}};
	assert_int_equal(test_import1(t->db, p, &e), 0);
	test_assert_query(t->db,
		     "SELECT a.namespace, a.pkg_name, s.name, a.severity FROM advisory a JOIN source s ON "
		     "s.id = a.source_id ORDER BY a.pkg_name",
		     "alma:9|p0|osv:AlmaLinux|LOW\nalma:8|p1|osv:AlmaLinux|LOW\nrocky:9|p2|osv:Rocky Linux|LOW\n"
		     "rocky:8|p3|osv:Rocky Linux|LOW\n");
	free(p);
	buf_free(&rec);

	p = write_tmp(t, "rated.json",
		      "{\"id\":\"ALSA-0000:0002\",\"summary\":\"Low: x\",\"related\":[\"CVE-2099-0003\"],"
		      "\"database_specific\":{\"severity\":\"Critical\"},\"affected\":[{\"package\":"
		      "{\"ecosystem\":\"AlmaLinux:9\",\"name\":\"q\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
		      "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2-1\"}]}]}]}");
	assert_int_equal(test_import1(t->db, p, &e), 0);
	test_assert_query(t->db, "SELECT vuln_id, severity FROM advisory WHERE pkg_name = 'q'", "CVE-2099-0003|CRITICAL\n");
	free(p);
	/* A summary without a rating word: no vendor severity. */
	p = write_tmp(t, "unrated.json",
		      "{\"id\":\"ALSA-0000:0003\",\"summary\":\"bug fix: x\",\"related\":[\"CVE-2099-0004\"],"
		      "\"affected\":[{\"package\":{\"ecosystem\":\"AlmaLinux:9\",\"name\":\"r\"},\"ranges\":"
		      "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2-1\"}]}]}]}");
	assert_int_equal(test_import1(t->db, p, &e), 0);
	test_assert_query(t->db, "SELECT vuln_id, severity FROM advisory WHERE pkg_name = 'r'", "CVE-2099-0004|NULL\n");
	free(p);
}

/* A bad ALSA record after the good feed: the import fails naming the file
 * and the database stays byte for byte what it was. */
static void test_rpm_bad_feed(void **state)
{
	struct test_tmp *t = *state;
	char *good = test_feed_path("osv-rpm");
	struct err e = {{0}};
	assert_int_equal(test_import1(t->db, good, &e), 0);
	char before[72], after[72];
	test_file_digest(t->db, before);
	char *p = write_tmp(t, "bad.json",
			    "{\"id\":\"ALSA-0000:0004\",\"related\":[\"CVE-2099-0005\"],\"affected\":[{\"package\":"
			    "{\"ecosystem\":\"AlmaLinux:9\",\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
			    "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1:3.0.7-26.el9\\n\"}]}]}]}");
	const char *feeds[] = {good, p};
	struct vdb_import_summary s;
	assert_int_not_equal(vdb_import_files(t->db, feeds, 2, &s, &e), 0);
	assert_int_equal(strncmp(e.msg, p, strlen(p)), 0);
	assert_non_null(strstr(e.msg, "a version with a control character"));
	test_file_digest(t->db, after);
	assert_string_equal(before, after);
	free(p);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rpm_import, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_rpm_ecosystems, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_rpm_bad_feed, test_tmp_setup, test_tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
