/* OSV npm and PyPI records in the database: sources and namespaces, PEP 503
 * names, SEMVER and ECOSYSTEM ranges stored (GIT not), CVE ids preferred,
 * GHSA severities, idempotent re-import, and bad records that leave the
 * file unchanged. Feeds: tests/data/feeds/osv-lang (real advisories). */
#include "db/vdb.h"
#include "testutil.h"
#include "util/util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_lang_import(void **state)
{
	struct test_tmp *t = *state;
	char *feed = test_feed_path("osv-lang");
	struct err e = {{0}};
	assert_int_equal(test_import1(t->db, feed, &e), 0);
	/* One source per ecosystem, counting its records (requests has two). */
	test_assert_query(t->db, "SELECT name, kind, records FROM source ORDER BY name",
		     "osv:PyPI|osv|6\nosv:npm|osv|3\n");
	/* Names: npm as published (scoped too), PyPI normalised (PyYAML);
	 * ids: the CVE alias; severities: GitHub's word, MODERATE → MEDIUM. */
	test_assert_query(t->db,
		     "SELECT a.namespace, a.pkg_name, a.vuln_id, a.record_id, a.severity FROM advisory a "
		     "ORDER BY a.namespace, a.pkg_name, a.record_id, a.id",
		     "npm|@babel/traverse|CVE-2023-45133|GHSA-67hx-6x53-jw92|CRITICAL\n"
		     "npm|@babel/traverse|CVE-2023-45133|GHSA-67hx-6x53-jw92|CRITICAL\n"
		     "npm|babel-traverse|CVE-2023-45133|GHSA-67hx-6x53-jw92|CRITICAL\n"
		     "npm|lodash|CVE-2021-23337|GHSA-35jh-r3h4-6jhm|HIGH\n"
		     "npm|lodash-es|CVE-2021-23337|GHSA-35jh-r3h4-6jhm|HIGH\n"
		     "npm|minimist|CVE-2021-44906|GHSA-xvch-5gv4-984h|CRITICAL\n"
		     "npm|minimist|CVE-2021-44906|GHSA-xvch-5gv4-984h|CRITICAL\n"
		     "pypi|ecdsa|CVE-2024-23342|GHSA-wj6h-64fc-37mp|HIGH\n"
		     "pypi|jinja2|CVE-2024-22195|GHSA-h5c8-rqwp-cp95|MEDIUM\n"
		     "pypi|pyyaml|CVE-2020-14343|GHSA-8q59-q68h-6hv4|CRITICAL\n"
		     "pypi|requests|CVE-2023-32681|GHSA-j8r2-6x86-q33q|MEDIUM\n"
		     "pypi|requests|CVE-2023-32681|PYSEC-2023-74|NULL\n"
		     "pypi|urllib3|CVE-2023-43804|GHSA-v845-jxx5-vc9f|MEDIUM\n"
		     "pypi|urllib3|CVE-2023-43804|GHSA-v845-jxx5-vc9f|MEDIUM\n");
	/* SEMVER ranges (minimist, @babel/traverse) are stored like ECOSYSTEM
	 * ones; the GIT range of PYSEC-2023-74 is not, its versions are. */
	test_assert_query(t->db,
		     "SELECT events FROM advisory WHERE pkg_name = 'minimist' ORDER BY events",
		     "0\tintroduced\t0\n0\tfixed\t0.2.4\n\n0\tintroduced\t1.0.0\n0\tfixed\t1.2.6\n\n");
	test_assert_query(t->db, "SELECT events FROM advisory WHERE pkg_name = '@babel/traverse' ORDER BY events",
		     "0\tintroduced\t0\n0\tfixed\t7.23.2\n\n0\tintroduced\t8.0.0-alpha.0\n0\tfixed\t8.0.0-alpha.4\n\n");
	char *pysec = test_query(t->db, "SELECT events FROM advisory WHERE record_id = 'PYSEC-2023-74'");
	assert_non_null(strstr(pysec, "-1\tversion\t2.30.0\n"));
	assert_non_null(strstr(pysec, "\n0\tintroduced\t2.3.0\n0\tfixed\t2.31.0\n"));
	assert_null(strstr(pysec, "74ea7cf7"));
	free(pysec);
	test_assert_query(t->db, "SELECT events FROM advisory WHERE pkg_name = 'ecdsa'",
		     "0\tintroduced\t0\n0\tlast_affected\t0.18.0\n\n");
	/* Details for the reported id, from the record. */
	test_assert_query(t->db,
		     "SELECT v.title, v.severity, v.cvss_v3_vector FROM vulnerability v "
		     "WHERE v.vuln_id = 'CVE-2021-44906'",
		     "Prototype Pollution in minimist|CRITICAL|CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n");

	/* The read side finds them by the stored names. */
	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	assert_non_null(r);
	struct vdb_advisories a;
	assert_int_equal(vdb_advisories_for(r, "pypi", "pyyaml", &a, &e), 0);
	assert_int_equal(a.len, 1);
	assert_string_equal(a.v[0].source, "osv:PyPI");
	assert_int_equal(a.v[0].ranges, 1);
	assert_int_equal(a.v[0].nevents, 2);
	vdb_advisories_free(&a);
	assert_int_equal(vdb_has_namespace(r, "npm", &e), 1);
	assert_int_equal(vdb_has_namespace(r, "pypi", &e), 1);
	vdb_reader_close(r);

	/* Importing again replaces the sources: same rows. */
	char *before = test_query(t->db, "SELECT namespace, pkg_name, vuln_id, events FROM advisory ORDER BY 1, 2, 3, 4");
	assert_int_equal(test_import1(t->db, feed, &e), 0);
	char *after = test_query(t->db, "SELECT namespace, pkg_name, vuln_id, events FROM advisory ORDER BY 1, 2, 3, 4");
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(feed);
}

static char *write_tmp(const struct test_tmp *t, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", t->dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}

/* Bad npm / PyPI records: the import fails naming the file and the
 * problem, and the database stays byte for byte what it was. */
static void test_lang_bad_feeds(void **state)
{
	struct test_tmp *t = *state;
	char *good = test_feed_path("osv-lang");
	struct err e = {{0}};
	assert_int_equal(test_import1(t->db, good, &e), 0);
	char before[72], after[72];
	test_file_digest(t->db, before);
	const struct {
		const char *name, *text, *want;
	} cases[] = {
		{"unknown-range-type.json",
		 "{\"id\":\"GHSA-xxxx-1\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":\"SEMVER2\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
		 "\"SEMVER2\" is not a range type"},
		{"range-type-number.json",
		 "{\"id\":\"GHSA-xxxx-2\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":3,\"events\":[{\"introduced\":\"0\"}]}]}]}",
		 "type: expected a string, found a number"},
		{"range-without-events.json",
		 "{\"id\":\"GHSA-xxxx-3\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":\"SEMVER\"}]}]}",
		 "a range needs \"type\" and \"events\""},
		{"control-semver.json",
		 "{\"id\":\"GHSA-xxxx-4\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\\t\"}]}]}]}",
		 "a version with a control character"},
		{"control-pypi-versions.json",
		 "{\"id\":\"PYSEC-xxxx-5\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"a\"},"
		 "\"versions\":[\"1.0\",\"1.1\\n0\\tfixed\\t9\"]}]}",
		 "versions[1]: a version with a control character"},
		{"git-event-kind.json",
		 "{\"id\":\"PYSEC-xxxx-6\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":\"GIT\",\"repo\":\"r\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"ab\"}]}]}]}",
		 "exactly one of"},
		{"empty-version.json",
		 "{\"id\":\"GHSA-xxxx-7\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"\"}]}]}]}",
		 "expected a version string"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *p = write_tmp(t, cases[i].name, cases[i].text);
		memset(&e, 0, sizeof e);
		/* The good feed first: its successful import must be discarded too. */
		const char *feeds[] = {good, p};
		struct vdb_import_summary s;
		if (vdb_import_files(t->db, feeds, 2, &s, &e) == 0)
			fail_msg("%s: import succeeded", cases[i].name);
		if (strncmp(e.msg, p, strlen(p)) != 0 || !strstr(e.msg, cases[i].want))
			fail_msg("%s: message \"%s\" does not name the file and \"%s\"", cases[i].name, e.msg,
				 cases[i].want);
		test_file_digest(t->db, after);
		assert_string_equal(before, after);
		free(p);
	}
	/* Ecosystems vigil does not match are skipped, whatever their ranges
	 * say; a SEMVER range outside npm is not stored (PEP 440 orders PyPI). */
	char *skip = write_tmp(t, "skipped.json",
			       "{\"id\":\"GHSA-yyyy-1\",\"aliases\":[\"CVE-2099-0001\"],\"affected\":["
			       "{\"package\":{\"ecosystem\":\"Go\",\"name\":\"x\"},"
			       "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]},"
			       "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"y\"},"
			       "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
	assert_int_equal(test_import1(t->db, skip, &e), 0);
	test_assert_query(t->db, "SELECT count(*) FROM advisory WHERE vuln_id = 'CVE-2099-0001'", "0\n");
	free(skip);
	free(good);
}

/* A record without a CVE reports a GHSA alias over its own PYSEC id. */
static void test_lang_ids(void **state)
{
	struct test_tmp *t = *state;
	char *p = write_tmp(t, "pysec.json",
			    "{\"id\":\"PYSEC-0000-1\",\"aliases\":[\"GHSA-aaaa-bbbb-cccc\"],\"affected\":["
			    "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Some_Project\"},"
			    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0\"}]}]}]}");
	struct err e = {{0}};
	assert_int_equal(test_import1(t->db, p, &e), 0);
	test_assert_query(t->db, "SELECT namespace, pkg_name, vuln_id, record_id FROM advisory",
		     "pypi|some-project|GHSA-aaaa-bbbb-cccc|PYSEC-0000-1\n");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lang_import, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_lang_bad_feeds, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_lang_ids, test_tmp_setup, test_tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
