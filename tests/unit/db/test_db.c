/* The vulnerability database: importing every feed kind, idempotency,
 * atomicity (a bad feed leaves the file byte-for-byte unchanged, with a
 * message naming the file and the problem), the framer's limits, CVSS
 * scores and the read side. */
#include "db/internal.h"
#include "db/jframe.h"
#include "db/vdb.h"
#include "testutil.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tmp {
	char dir[64];
	char db[128];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/vigil-db-XXXXXX");
	if (!t || !mkdtemp(t->dir))
		return -1;
	snprintf(t->db, sizeof t->db, "%s/sub/dir/vigil.db", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
	int rc = system(cmd);
	free(t);
	return rc == 0 ? 0 : -1;
}

static char *write_tmp(const struct tmp *t, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", t->dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}

static char *data_path(const char *rel)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	return xasprintf("%s/tests/data/feeds/%s", root ? root : ".", rel);
}

static int import1(const char *db, const char *feed, struct err *e)
{
	struct vdb_import_summary s;
	const char *feeds[] = {feed};
	int rc = vdb_import_files(db, feeds, 1, &s, e);
	if (rc == 0)
		vdb_import_summary_free(&s);
	return rc;
}

static int64_t source_records(const char *db, const char *name)
{
	struct vdb_info in;
	struct err e = {{0}};
	if (vdb_info_read(db, &in, &e) != 0)
		fail_msg("%s", e.msg);
	int64_t n = -1;
	for (size_t i = 0; i < in.nsources; i++)
		if (!strcmp(in.sources[i].name, name))
			n = in.sources[i].records;
	vdb_info_free(&in);
	return n;
}

static void file_digest(const char *path, char out[72])
{
	size_t len;
	unsigned char *b = slurp(path, &len);
	sha256_digest_of(b, len, out);
	free(b);
}

static void test_alpine_import_idempotent(void **state)
{
	struct tmp *t = *state;
	REQUIRE_FIXTURE(f, "feeds/alpine-secdb/v3.10");
	char *dir = xstrdup(f);
	char *main_json = xasprintf("%s/main.json", dir), *comm = xasprintf("%s/community.json", dir);
	struct err e = {{0}};
	const char *feeds[] = {main_json, comm};
	struct vdb_import_summary s;
	assert_int_equal(vdb_import_files(t->db, feeds, 2, &s, &e), 0);
	assert_int_equal(s.nsources, 2);
	assert_string_equal(s.sources[0].name, "alpine-secdb:v3.10/community");
	assert_string_equal(s.sources[1].name, "alpine-secdb:v3.10/main");
	int64_t nmain = s.sources[1].records, ncomm = s.sources[0].records;
	vdb_import_summary_free(&s);
	/* 1182 secfixes entries in main, 720 in community, each one id. */
	assert_int_equal(nmain, 1182);
	assert_int_equal(ncomm, 720);

	/* Again, separately and together: the same counts. */
	assert_int_equal(import1(t->db, main_json, &e), 0);
	assert_int_equal(import1(t->db, comm, &e), 0);
	assert_int_equal(vdb_import_files(t->db, feeds, 2, &s, &e), 0);
	vdb_import_summary_free(&s);
	/* The directory form reads the same two files. */
	assert_int_equal(import1(t->db, dir, &e), 0);
	assert_int_equal(source_records(t->db, "alpine-secdb:v3.10/main"), nmain);
	assert_int_equal(source_records(t->db, "alpine-secdb:v3.10/community"), ncomm);

	struct vdb_info in;
	assert_int_equal(vdb_info_read(t->db, &in, &e), 0);
	assert_int_equal(in.schema_version, VDB_SCHEMA_VERSION);
	assert_non_null(in.built_at);
	assert_int_equal(in.nsources, 2);
	vdb_info_free(&in);

	/* No temporary files are left next to the database. */
	char *pattern = xasprintf("ls %s/sub/dir | grep -v '^vigil.db$' | grep -q .", t->dir);
	assert_int_not_equal(system(pattern), 0);
	free(pattern);

	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	assert_non_null(r);
	struct vdb_advisories a;
	assert_int_equal(vdb_advisories_for(r, "alpine:3.10", "openssl", &a, &e), 0);
	/* openssl: 1.1.1d-r0 (3 ids), 1.1.1b-r1 (1), 1.1.1a-r0 (2). */
	assert_int_equal(a.len, 6);
	bool seen = false;
	for (size_t i = 0; i < a.len; i++)
		if (!strcmp(a.v[i].vuln_id, "CVE-2019-1547")) {
			seen = true;
			assert_string_equal(a.v[i].fixed_version, "1.1.1d-r0");
			assert_string_equal(a.v[i].status, "fixed");
			assert_string_equal(a.v[i].source, "alpine-secdb:v3.10/main");
		}
	assert_true(seen);
	vdb_advisories_free(&a);
	assert_int_equal(vdb_has_namespace(r, "alpine:3.10", &e), 1);
	assert_int_equal(vdb_has_namespace(r, "alpine:3.2", &e), 0);
	vdb_reader_close(r);
	free(main_json);
	free(comm);
	free(dir);
}

/* Ids with remarks are cleaned; "0" becomes not_affected. */
static void test_alpine_ids(void **state)
{
	struct tmp *t = *state;
	char *feed = write_tmp(t, "secdb.json",
			       "{\"distroversion\":\"v3.18\",\"reponame\":\"main\",\"packages\":["
			       "{\"pkg\":{\"name\":\"x\",\"secfixes\":{"
			       "\"1.0-r1\":[\"CVE-2017-2616 (+ regression fix)\",\"CVE_2019-2426\","
			       "\"CVE-2018-12126  XSA-297\",\"XSA-207\",\"CVE-?\?\?\?-?\?\?\?\?  XSA-295\",\"(nothing)\"],"
			       "\"0\":[\"CVE-2020-0001\"]}}},"
			       "{\"pkg\":{\"name\":\"y\"}}]}");
	struct err e = {{0}};
	assert_int_equal(import1(t->db, feed, &e), 0);
	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	assert_non_null(r);
	struct vdb_advisories a;
	assert_int_equal(vdb_advisories_for(r, "alpine:3.18", "x", &a, &e), 0);
	const char *want[][2] = {
		{"CVE-2017-2616", "fixed"}, {"CVE-2018-12126", "fixed"},	{"CVE-2019-2426", "fixed"},
		{"CVE-2020-0001", "not_affected"}, {"XSA-207", "fixed"},	{"XSA-295", "fixed"},
	};
	assert_int_equal(a.len, ARRAY_LEN(want));
	for (size_t i = 0; i < a.len; i++) {
		assert_string_equal(a.v[i].vuln_id, want[i][0]);
		assert_string_equal(a.v[i].status, want[i][1]);
	}
	vdb_advisories_free(&a);
	vdb_reader_close(r);
	assert_int_equal(source_records(t->db, "alpine-secdb:v3.18/main"), 6);
	free(feed);
}

static void test_debian_tracker(void **state)
{
	struct tmp *t = *state;
	char *feed = data_path("debian-tracker-sample.json");
	struct err e = {{0}};
	assert_int_equal(import1(t->db, feed, &e), 0);
	/* 15 (package, id, release) statements. */
	assert_int_equal(source_records(t->db, "debian-tracker"), 15);
	assert_int_equal(import1(t->db, feed, &e), 0);
	assert_int_equal(source_records(t->db, "debian-tracker"), 15);
	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	struct vdb_advisories a;
	assert_int_equal(vdb_advisories_for(r, "debian:12", "systemd", &a, &e), 0);
	assert_int_equal(a.len, 2);
	assert_string_equal(a.v[0].vuln_id, "CVE-2013-4392");
	assert_string_equal(a.v[0].status, "affected");
	assert_string_equal(a.v[0].severity, "LOW");
	assert_string_equal(a.v[1].vuln_id, "CVE-2023-7008");
	assert_string_equal(a.v[1].status, "under_investigation");
	assert_null(a.v[1].severity);
	vdb_advisories_free(&a);
	assert_int_equal(vdb_advisories_for(r, "debian:13", "xz-utils", &a, &e), 0);
	assert_int_equal(a.len, 1);
	assert_string_equal(a.v[0].fixed_version, "5.6.1+really5.4.5-1");
	vdb_advisories_free(&a);
	struct vdb_vulns v;
	assert_int_equal(vdb_vulns_for(r, "CVE-2023-4911", &v, &e), 0);
	assert_int_equal(v.len, 1);
	assert_non_null(strstr(v.v[0].description, "GLIBC_TUNABLES"));
	vdb_vulns_free(&v);
	vdb_reader_close(r);
	free(feed);

	/* The list shape of "releases", and the status mapping of nodsa/EOL. */
	feed = write_tmp(t, "tracker-list.json",
			 "{\"pkg\":{\"CVE-2020-1\":{\"releases\":["
			 "{\"release\":\"bullseye\",\"status\":\"open\",\"nodsa_reason\":\"ignored\"},"
			 "{\"buster\":{\"status\":\"open\",\"urgency\":\"end-of-life\"}},"
			 "{\"name\":\"bookworm\",\"status\":\"open\",\"nodsa_reason\":\"postponed\",\"urgency\":\"medium**\"},"
			 "{\"codename\":\"sid\",\"status\":\"resolved\"}]}}}");
	assert_int_equal(import1(t->db, feed, &e), 0);
	r = vdb_open_readonly(t->db, &e);
	const char *ns[][3] = {{"debian:11", "will_not_fix", NULL},
			       {"debian:10", "end_of_life", NULL},
			       {"debian:12", "fix_deferred", "MEDIUM"}};
	for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
		assert_int_equal(vdb_advisories_for(r, ns[i][0], "pkg", &a, &e), 0);
		assert_int_equal(a.len, 1);
		assert_string_equal(a.v[0].status, ns[i][1]);
		if (ns[i][2])
			assert_string_equal(a.v[0].severity, ns[i][2]);
		vdb_advisories_free(&a);
	}
	/* resolved without a version: nothing stored. */
	assert_int_equal(vdb_advisories_for(r, "debian:sid", "pkg", &a, &e), 0);
	assert_int_equal(a.len, 0);
	vdb_advisories_free(&a);
	vdb_reader_close(r);
	/* The list-form file replaced the whole tracker source. */
	assert_int_equal(source_records(t->db, "debian-tracker"), 3);
	free(feed);
}

static void test_osv_dir_and_zip(void **state)
{
	struct tmp *t = *state;
	char *dir = data_path("osv-debian");
	struct err e = {{0}};
	assert_int_equal(import1(t->db, dir, &e), 0);
	/* 10 records, all with a Debian entry. */
	assert_int_equal(source_records(t->db, "osv:Debian"), 10);
	assert_int_equal(import1(t->db, dir, &e), 0);
	assert_int_equal(source_records(t->db, "osv:Debian"), 10);

	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	struct vdb_advisories a;
	assert_int_equal(vdb_advisories_for(r, "debian:12", "glibc", &a, &e), 0);
	/* DSA-5611-1 reports its three CVE aliases; the record id is kept. */
	const char *ids[] = {"CVE-2010-4756", "CVE-2023-4911", "CVE-2023-6246", "CVE-2023-6779", "CVE-2023-6780",
			     "CVE-2024-2961"};
	assert_int_equal(a.len, ARRAY_LEN(ids));
	for (size_t i = 0; i < a.len; i++)
		assert_string_equal(a.v[i].vuln_id, ids[i]);
	assert_string_equal(a.v[2].record_id, "DSA-5611-1");
	assert_string_equal(a.v[1].record_id, "DSA-5514-1");
	assert_string_equal(a.v[1].severity, "HIGH");
	assert_int_equal(a.v[1].ranges, 1);
	assert_int_equal(a.v[1].nevents, 2);
	assert_string_equal(a.v[1].events[0].event, "introduced");
	assert_string_equal(a.v[1].events[1].event, "fixed");
	assert_string_equal(a.v[1].events[1].version, "2.36-9+deb12u3");
	vdb_advisories_free(&a);
	vdb_reader_close(r);

	/* The same records as an all.zip, plus one non-distribution record
	 * (skipped) and a README (ignored). */
	char *zip = xasprintf("%s/all.zip", t->dir);
	struct archive *w = archive_write_new();
	archive_write_set_format_zip(w);
	assert_int_equal(archive_write_open_filename(w, zip), ARCHIVE_OK);
	char *list = xasprintf("ls %s", dir);
	FILE *ls = popen(list, "r");
	char name[256];
	while (fgets(name, sizeof name, ls)) {
		name[strcspn(name, "\n")] = 0;
		char *p = xasprintf("%s/%s", dir, name);
		size_t len;
		unsigned char *b = slurp(p, &len);
		struct archive_entry *ent = archive_entry_new();
		archive_entry_set_pathname(ent, name);
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_perm(ent, 0644);
		archive_entry_set_size(ent, (la_int64_t)len);
		assert_int_equal(archive_write_header(w, ent), ARCHIVE_OK);
		assert_int_equal(archive_write_data(w, b, len), (la_ssize_t)len);
		archive_entry_free(ent);
		free(b);
		free(p);
	}
	pclose(ls);
	static const char pypi[] = "{\"id\":\"PYSEC-1\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\","
				   "\"name\":\"x\"},\"versions\":[\"1.0\"]}]}";
	const char *extra[][2] = {{"PYSEC-1.json", pypi}, {"README.txt", "not a feed"}};
	for (size_t i = 0; i < ARRAY_LEN(extra); i++) {
		struct archive_entry *ent = archive_entry_new();
		archive_entry_set_pathname(ent, extra[i][0]);
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_perm(ent, 0644);
		archive_entry_set_size(ent, (la_int64_t)strlen(extra[i][1]));
		assert_int_equal(archive_write_header(w, ent), ARCHIVE_OK);
		archive_write_data(w, extra[i][1], strlen(extra[i][1]));
		archive_entry_free(ent);
	}
	archive_write_close(w);
	archive_write_free(w);
	assert_int_equal(import1(t->db, zip, &e), 0);
	assert_int_equal(source_records(t->db, "osv:Debian"), 10);
	assert_int_equal(import1(t->db, zip, &e), 0);
	assert_int_equal(source_records(t->db, "osv:Debian"), 10);

	/* A withdrawn record removes what an earlier import stored. */
	char *wd = write_tmp(t, "withdrawn.json",
			     "{\"id\":\"DSA-5514-1\",\"withdrawn\":\"2024-07-01T00:00:00Z\",\"affected\":[]}");
	assert_int_equal(import1(t->db, wd, &e), 0);
	assert_int_equal(source_records(t->db, "osv:Debian"), 9);
	free(wd);
	free(list);
	free(zip);
	free(dir);
}

static const char nvd_page[] =
	"{\"resultsPerPage\":2,\"startIndex\":0,\"totalResults\":2,\"format\":\"NVD_CVE\",\"version\":\"2.0\","
	"\"timestamp\":\"2024-06-01T00:00:00.000\",\"vulnerabilities\":["
	"{\"cve\":{\"id\":\"CVE-2019-1547\",\"published\":\"2019-09-10T17:15:12.117\","
	"\"lastModified\":\"2023-11-07T03:02:24.957\",\"vulnStatus\":\"Modified\","
	"\"descriptions\":[{\"lang\":\"es\",\"value\":\"Normalmente\"},{\"lang\":\"en\",\"value\":"
	"\"Normally in OpenSSL EC groups always have a co-factor present.\"}],"
	"\"metrics\":{\"cvssMetricV31\":[{\"source\":\"nvd@nist.gov\",\"type\":\"Primary\",\"cvssData\":"
	"{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N\","
	"\"baseScore\":4.7,\"baseSeverity\":\"MEDIUM\"}}],"
	"\"cvssMetricV2\":[{\"source\":\"nvd@nist.gov\",\"type\":\"Primary\",\"cvssData\":{\"version\":\"2.0\","
	"\"vectorString\":\"AV:L/AC:M/Au:N/C:P/I:N/A:N\",\"baseScore\":1.9},\"baseSeverity\":\"LOW\"}]},"
	"\"weaknesses\":[{\"source\":\"nvd@nist.gov\",\"type\":\"Primary\",\"description\":"
	"[{\"lang\":\"en\",\"value\":\"CWE-311\"}]}],"
	"\"references\":[{\"url\":\"https://www.openssl.org/news/secadv/20190910.txt\"},"
	"{\"url\":\"https://security.gentoo.org/glsa/201911-04\"}]}},"
	"{\"cve\":{\"id\":\"CVE-2019-1563\",\"published\":\"2019-09-10T17:15:12.240\","
	"\"descriptions\":[{\"lang\":\"en\",\"value\":\"In situations where an attacker receives automated "
	"notification of the success or failure of a decryption attempt...\"}],"
	"\"metrics\":{\"cvssMetricV2\":[{\"cvssData\":{\"vectorString\":\"AV:N/AC:M/Au:N/C:P/I:N/A:N\","
	"\"baseScore\":4.3},\"baseSeverity\":\"MEDIUM\"}]}}}]}";

static void test_nvd(void **state)
{
	struct tmp *t = *state;
	char *feed = write_tmp(t, "nvd.json", nvd_page);
	struct err e = {{0}};
	assert_int_equal(import1(t->db, feed, &e), 0);
	assert_int_equal(import1(t->db, feed, &e), 0);
	assert_int_equal(source_records(t->db, "nvd"), 2);
	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	struct vdb_vulns v;
	assert_int_equal(vdb_vulns_for(r, "CVE-2019-1547", &v, &e), 0);
	assert_int_equal(v.len, 1);
	assert_string_equal(v.v[0].kind, "nvd");
	assert_string_equal(v.v[0].description, "Normally in OpenSSL EC groups always have a co-factor present.");
	assert_string_equal(v.v[0].cvss_v3_vector, "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N");
	assert_true(v.v[0].cvss_v3_score > 4.69 && v.v[0].cvss_v3_score < 4.71);
	assert_true(v.v[0].cvss_v2_score > 1.89 && v.v[0].cvss_v2_score < 1.91);
	assert_string_equal(v.v[0].severity, "MEDIUM");
	assert_int_equal(v.v[0].ncwe_ids, 1);
	assert_string_equal(v.v[0].cwe_ids[0], "CWE-311");
	assert_int_equal(v.v[0].nrefs, 2);
	assert_string_equal(v.v[0].published, "2019-09-10T17:15:12Z");
	assert_string_equal(v.v[0].modified, "2023-11-07T03:02:24Z");
	vdb_vulns_free(&v);
	vdb_reader_close(r);
	free(feed);
}

/* ---- OSV zips: entries read and parsed on another thread, stored in order ---- */

struct zip_member {
	char *name, *data;
	size_t len;
};

static void write_zip(const char *path, const struct zip_member *m, size_t n)
{
	struct archive *w = archive_write_new();
	archive_write_set_format_zip(w);
	assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ent = archive_entry_new();
		archive_entry_set_pathname(ent, m[i].name);
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_perm(ent, 0644);
		archive_entry_set_size(ent, (la_int64_t)m[i].len);
		assert_int_equal(archive_write_header(w, ent), ARCHIVE_OK);
		assert_int_equal(archive_write_data(w, m[i].data, m[i].len), (la_ssize_t)m[i].len);
		archive_entry_free(ent);
	}
	archive_write_close(w);
	archive_write_free(w);
}

enum { ZIP_RECORDS = 1000, ZIP_ALPINE_AT = 300, ZIP_LARGE_AT = 600 };

/* ZIP_RECORDS OSV records DEBIAN-CVE-2020-<10000+i> (package p<i % 50>, fixed in
 * 1.<i>-1), an Alpine secdb document at ZIP_ALPINE_AT and a record of more
 * than 4 MiB at ZIP_LARGE_AT (both read on the importing thread); member
 * `bad` gets bad_text instead. */
static struct zip_member *osv_members(size_t *n, size_t bad, const char *bad_text)
{
	struct zip_member *m = xcalloc(ZIP_RECORDS + 2, sizeof *m);
	size_t k = 0;
	for (size_t i = 0; i < ZIP_RECORDS; i++) {
		if (i == ZIP_ALPINE_AT) {
			m[k].name = xstrdup("alpine-v3.18-main.json");
			m[k++].data = xstrdup(
				"{\"distroversion\":\"v3.18\",\"reponame\":\"main\",\"packages\":[{\"pkg\":"
				"{\"name\":\"zlib\",\"secfixes\":{\"1.2.12-r2\":[\"CVE-2022-37434\"]}}}]}");
		}
		if (i == ZIP_LARGE_AT) {
			struct buf b = {0};
			buf_appendf(&b, "{\"id\":\"DEBIAN-CVE-2021-1\",\"database_specific\":{");
			char *pad = xmalloc(900001);
			memset(pad, 'x', 900000);
			pad[900000] = 0;
			for (int f = 0; f < 5; f++)
				buf_appendf(&b, "%s\"pad%d\":\"%s\"", f ? "," : "", f, pad);
			free(pad);
			buf_appendf(&b, "},\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"big\"},"
					"\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
					"{\"fixed\":\"2.0-1\"}]}]}]}");
			m[k].name = xstrdup("DEBIAN-CVE-2021-1.json");
			m[k].len = b.len;
			m[k++].data = buf_steal(&b);
		}
		m[k].name = xasprintf("DEBIAN-CVE-2020-%zu.json", 10000 + i);
		if (i == bad)
			m[k].data = xstrdup(bad_text);
		else
			m[k].data = xasprintf(
				"{\n  \"id\": \"DEBIAN-CVE-2020-%zu\",\n  \"details\": \"record %zu\",\n"
				"  \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"p%zu\"},\n"
				"    \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, "
				"{\"fixed\": \"1.%zu-1\"}]}]}]\n}\n",
				10000 + i, i, i % 50, i);
		k++;
	}
	for (size_t i = 0; i < k; i++)
		if (!m[i].len)
			m[i].len = strlen(m[i].data);
	*n = k;
	return m;
}

static void free_members(struct zip_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].data);
	}
	free(m);
}

static void test_osv_zip_pipeline(void **state)
{
	struct tmp *t = *state;
	struct err e = {{0}};
	char *zip = xasprintf("%s/many.zip", t->dir);
	size_t n;
	struct zip_member *m = osv_members(&n, SIZE_MAX, NULL);
	write_zip(zip, m, n);
	free_members(m, n);
	assert_int_equal(import1(t->db, zip, &e), 0);
	assert_int_equal(source_records(t->db, "osv:Debian"), ZIP_RECORDS + 1);
	assert_int_equal(source_records(t->db, "alpine-secdb:v3.18/main"), 1);

	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	assert_non_null(r);
	/* p7 has records 7, 57, 107, …, 957: on both sides of every batch */
	struct vdb_advisories a;
	assert_int_equal(vdb_advisories_for(r, "debian:12", "p7", &a, &e), 0);
	assert_int_equal(a.len, ZIP_RECORDS / 50);
	for (size_t i = 0; i < a.len; i++) {
		char want[32];
		size_t rec = (size_t)atoi(a.v[i].vuln_id + strlen("CVE-2020-")) - 10000;
		assert_int_equal(rec % 50, 7);
		snprintf(want, sizeof want, "1.%zu-1", rec);
		assert_int_equal(a.v[i].nevents, 2);
		assert_string_equal(a.v[i].events[0].event, "introduced");
		assert_string_equal(a.v[i].events[1].version, want);
	}
	vdb_advisories_free(&a);
	assert_int_equal(vdb_advisories_for(r, "debian:12", "big", &a, &e), 0);
	assert_int_equal(a.len, 1);
	assert_string_equal(a.v[0].events[1].version, "2.0-1");
	vdb_advisories_free(&a);
	assert_int_equal(vdb_advisories_for(r, "alpine:3.18", "zlib", &a, &e), 0);
	assert_int_equal(a.len, 1);
	vdb_advisories_free(&a);
	struct vdb_vulns v;
	assert_int_equal(vdb_vulns_for(r, "CVE-2020-10999", &v, &e), 0);
	assert_int_equal(v.len, 1);
	assert_string_equal(v.v[0].description, "record 999");
	vdb_vulns_free(&v);
	vdb_reader_close(r);

	/* Errors: in a parsed record, after the large entry, at the end of a
	 * record, and a damaged archive. Each names its member; the DB stays. */
	char before[72], after[72];
	file_digest(t->db, before);
	const struct {
		size_t bad;
		const char *text, *member, *want;
	} cases[] = {
		{130, "{\"id\":\"X-1\",\"affected\":{}}", "DEBIAN-CVE-2020-10130.json", "affected: expected an array"},
		{900, "{\"id\":\"X-2\",\"affected\":[tru]}", "DEBIAN-CVE-2020-10900.json", "invalid JSON"},
		{500, "{\"id\":\"X-3\"} {}", "DEBIAN-CVE-2020-10500.json", "unexpected data after the document"},
		{250, "[1,2]", "DEBIAN-CVE-2020-10250.json", "unknown feed format"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		m = osv_members(&n, cases[i].bad, cases[i].text);
		write_zip(zip, m, n);
		free_members(m, n);
		memset(&e, 0, sizeof e);
		assert_int_not_equal(import1(t->db, zip, &e), 0);
		char *member = xasprintf("%s:%s: ", zip, cases[i].member);
		if (strncmp(e.msg, member, strlen(member)) != 0 || !strstr(e.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" does not start with \"%s\" or lacks \"%s\"", i, e.msg, member,
				 cases[i].want);
		free(member);
		file_digest(t->db, after);
		assert_string_equal(before, after);
	}
	/* cut short: whatever comes first, the import fails naming the zip */
	m = osv_members(&n, SIZE_MAX, NULL);
	write_zip(zip, m, n);
	free_members(m, n);
	struct stat st;
	assert_int_equal(stat(zip, &st), 0);
	assert_int_equal(truncate(zip, st.st_size * 3 / 5), 0);
	memset(&e, 0, sizeof e);
	assert_int_not_equal(import1(t->db, zip, &e), 0);
	assert_int_equal(strncmp(e.msg, zip, strlen(zip)), 0);
	file_digest(t->db, after);
	assert_string_equal(before, after);
	free(zip);
}

/* An NVD feed of n records (CVE-2020-<i>, description "record <i>"); record
 * `bad` (if < n) is replaced by bad_text, and with cut the document ends
 * right after record cut-1. *bad_off gets the stream offset of record bad. */
static char *nvd_many(size_t n, size_t bad, const char *bad_text, size_t cut, size_t *bad_off)
{
	struct buf b = {0};
	buf_appendf(&b, "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[");
	for (size_t i = 0; i < n && i < cut; i++) {
		if (i)
			buf_appendf(&b, ",");
		if (i == bad) {
			*bad_off = b.len;
			buf_appendf(&b, "%s", bad_text);
			continue;
		}
		buf_appendf(&b,
			   "{\"cve\":{\"id\":\"CVE-2020-%zu\",\"descriptions\":[{\"lang\":\"en\",\"value\":\"record %zu\"}],"
			   "\"metrics\":{\"cvssMetricV2\":[{\"cvssData\":{\"vectorString\":\"AV:N/AC:L/Au:N/C:P/I:P/A:P\","
			   "\"baseScore\":7.5},\"baseSeverity\":\"HIGH\"}]},\"weaknesses\":[{\"description\":"
			   "[{\"value\":\"CWE-%zu\"},{\"value\":\"CWE-%zu\"}]}],\"references\":[{\"url\":\"https://x/%zu\"}]}}",
			   i, i, i % 7, i % 7, i);
	}
	if (cut >= n)
		buf_appendf(&b, "]}");
	return buf_steal(&b);
}

/* NVD records are parsed in batches on several threads: every record of a
 * many-batch feed is stored, and a bad record or a framing error deep in the
 * feed is reported at its own index or byte offset, leaving the DB as it was. */
static void test_nvd_batches(void **state)
{
	struct tmp *t = *state;
	struct err e = {{0}};
	size_t off = 0, n = 1500;
	char *text = nvd_many(n, SIZE_MAX, NULL, SIZE_MAX, &off);
	char *feed = write_tmp(t, "nvd-many.json", text);
	assert_int_equal(import1(t->db, feed, &e), 0);
	assert_int_equal(source_records(t->db, "nvd"), (int64_t)n);
	struct vdb_reader *r = vdb_open_readonly(t->db, &e);
	assert_non_null(r);
	const size_t probe[] = {0, 255, 256, 511, 512, 1279, 1499};
	for (size_t k = 0; k < ARRAY_LEN(probe); k++) {
		char id[32], want[32];
		snprintf(id, sizeof id, "CVE-2020-%zu", probe[k]);
		snprintf(want, sizeof want, "record %zu", probe[k]);
		struct vdb_vulns v;
		assert_int_equal(vdb_vulns_for(r, id, &v, &e), 0);
		assert_int_equal(v.len, 1);
		assert_string_equal(v.v[0].description, want);
		assert_string_equal(v.v[0].severity, "HIGH");
		assert_int_equal(v.v[0].ncwe_ids, 1);
		assert_int_equal(v.v[0].nrefs, 1);
		vdb_vulns_free(&v);
	}
	vdb_reader_close(r);
	free(text);

	char before[72], after[72];
	file_digest(t->db, before);
	const struct {
		size_t bad, cut;
		const char *bad_text, *want;
	} cases[] = {
		{1000, SIZE_MAX, "{\"cve\":[]}", "vulnerabilities[1000].cve: expected an object, found an array"},
		{700, SIZE_MAX, "{\"cve\":{\"id\":tru}}", "invalid JSON at byte "},
		{SIZE_MAX, 900, NULL, "truncated JSON"},
		{1499, SIZE_MAX, "{\"cve\":{\"id\":\"\"}}", "vulnerabilities[1499].cve: no usable \"id\""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		text = nvd_many(n, cases[i].bad, cases[i].bad_text, cases[i].cut, &off);
		char *p = write_tmp(t, "nvd-bad.json", text);
		memset(&e, 0, sizeof e);
		assert_int_not_equal(import1(t->db, p, &e), 0);
		if (!strstr(e.msg, cases[i].want) || strncmp(e.msg, p, strlen(p)) != 0)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, cases[i].want);
		if (strstr(cases[i].want, "at byte")) {
			/* 'tru' starts 13 bytes into the record; jansson places
			 * the error at or just after the bad token */
			unsigned long long at = strtoull(strstr(e.msg, "at byte ") + 8, NULL, 10);
			if (at < off + 13 || at > off + 16)
				fail_msg("\"%s\": the bad token is at byte %zu", e.msg, off + 13);
		}
		file_digest(t->db, after);
		assert_string_equal(before, after);
		free(p);
		free(text);
	}
	free(feed);
}

/* Every bad feed fails with one message naming the file and the problem,
 * and the database's bytes do not change. */
static void test_bad_feeds(void **state)
{
	struct tmp *t = *state;
	char *good = data_path("debian-tracker-sample.json");
	struct err e = {{0}};
	assert_int_equal(import1(t->db, good, &e), 0);
	char before[72], after[72];
	file_digest(t->db, before);

	/* A 10 MB description inside an otherwise valid tracker feed. */
	size_t big = 10u << 20;
	char *huge = xmalloc(big + 200);
	int n = snprintf(huge, 200, "{\"pkg\":{\"CVE-2020-1\":{\"description\":\"");
	memset(huge + n, 'A', big);
	strcpy(huge + n + big, "\"}}}");
	char deep[400];
	n = snprintf(deep, sizeof deep, "{\"id\":\"X\",\"details\":");
	memset(deep + n, '[', 300);
	deep[n + 300] = 0;

	const struct {
		const char *name, *text, *want;
	} cases[] = {
		{"truncated.json", "{\"distroversion\":\"v3.10\",\"reponame\":\"main\",\"packages\":[{\"pkg\":",
		 "truncated JSON"},
		{"truncated-nvd.json", "{\"format\":\"NVD_CVE\",\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-1\"}},",
		 "truncated JSON"},
		{"truncated-string.json", "{\"glibc\":{\"CVE-1\":{\"description\":\"abc", "truncated JSON"},
		{"wrong-packages.json", "{\"distroversion\":\"v3.10\",\"reponame\":\"main\",\"packages\":\"x\"}",
		 "packages: expected an array, found a string"},
		{"wrong-secfixes.json",
		 "{\"distroversion\":\"v3.10\",\"reponame\":\"main\",\"packages\":[{\"pkg\":{\"name\":\"a\","
		 "\"secfixes\":{\"1-r0\":\"CVE-2020-1\"}}}]}",
		 "packages[0].pkg.secfixes[\"1-r0\"]: expected an array, found a string"},
		{"wrong-tracker.json", "{\"glibc\":{\"CVE-2020-1\":{\"releases\":{\"bookworm\":{\"status\":3}}}}}",
		 "status: expected a string, found a number"},
		{"wrong-osv.json", "{\"id\":\"X-1\",\"affected\":{}}", "affected: expected an array, found an object"},
		{"wrong-nvd.json", "{\"format\":\"NVD_CVE\",\"vulnerabilities\":[{\"cve\":[]}]}",
		 "vulnerabilities[0].cve: expected an object, found an array"},
		{"wrong-nvd-score.json",
		 "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-1\",\"metrics\":{\"cvssMetricV31\":[{\"cvssData\":"
		 "{\"vectorString\":\"x\",\"baseScore\":\"9.8\"}}]}}}]}",
		 "baseScore: expected a number, found a string"},
		{"huge-string.json", huge, "string longer than"},
		{"unknown.json", "{\"hello\":\"world\"}", "unknown feed format"},
		{"array.json", "[1,2,3]", "unknown feed format"},
		{"empty.json", "", "empty file"},
		{"blank.json", "  \n", "empty file"},
		{"garbage.json", "\x01\x02 binary", "unknown feed format"},
		{"trailing.json", "{\"id\":\"X-1\"} {\"id\":\"X-2\"}", "unexpected data after the document"},
		{"bad-json.json", "{\"id\":\"X-1\",\"affected\":[tru]}", "invalid JSON"},
		{"bad-distro.json", "{\"distroversion\":\"3\",\"reponame\":\"main\",\"packages\":[]}",
		 "distroversion"},
		{"bad-event.json",
		 "{\"id\":\"X-1\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"a\"},"
		 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}",
		 "exactly one of"},
		{"deep.json", deep, "nested deeper"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *p = write_tmp(t, cases[i].name, cases[i].text);
		memset(&e, 0, sizeof e);
		/* The good feed first: its successful import must be discarded too. */
		const char *feeds[] = {good, p};
		struct vdb_import_summary s;
		if (vdb_import_files(t->db, feeds, 2, &s, &e) == 0)
			fail_msg("%s: import succeeded", cases[i].name);
		if (strncmp(e.msg, p, strlen(p)) != 0 || strncmp(e.msg + strlen(p), ": ", 2) != 0 ||
		    strstr(e.msg, ": :") || !strstr(e.msg, cases[i].want))
			fail_msg("%s: message \"%s\" does not name the file and \"%s\"", cases[i].name, e.msg,
				 cases[i].want);
		file_digest(t->db, after);
		assert_string_equal(before, after);
		free(p);
	}
	/* A missing feed, a feed directory without feeds, a non-database target. */
	memset(&e, 0, sizeof e);
	assert_int_not_equal(import1(t->db, "/nonexistent/feed.json", &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent/feed.json"));
	char *emptydir = xasprintf("%s/emptydir", t->dir);
	mkdir(emptydir, 0755);
	assert_int_not_equal(import1(t->db, emptydir, &e), 0);
	assert_non_null(strstr(e.msg, "no feed files"));
	file_digest(t->db, after);
	assert_string_equal(before, after);
	char *notdb = write_tmp(t, "not.db", "this is not a database, just text long enough to be a header.......");
	char nb[72], na[72];
	file_digest(notdb, nb);
	assert_int_not_equal(import1(notdb, good, &e), 0);
	file_digest(notdb, na);
	assert_string_equal(nb, na);
	free(notdb);
	free(emptydir);
	free(huge);
	free(good);
}

static void test_missing_db(void **state)
{
	struct tmp *t = *state;
	struct err e = {{0}};
	char *p = xasprintf("%s/none.db", t->dir);
	assert_null(vdb_open_readonly(p, &e));
	char *want = xasprintf("no vulnerability database at %s; create one with 'vigil db import --db %s FEED", p, p);
	assert_non_null(strstr(e.msg, want));
	struct vdb_info in;
	assert_int_not_equal(vdb_info_read(p, &in, &e), 0);
	free(want);
	free(p);
}

static void test_cvss(void **state)
{
	(void)state;
	const struct {
		const char *v;
		double want;
	} v3[] = {
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
		{"CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8},
		{"CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N", 4.7},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L/E:P/RL:O", 3.7},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", -1},
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", -1},
		{"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", -1},
		{"CVSS:2.0/AV:N", -1},
		{"", -1},
	};
	for (size_t i = 0; i < ARRAY_LEN(v3); i++) {
		double got = vdb_cvss3_score(v3[i].v);
		if (got < v3[i].want - 0.001 || got > v3[i].want + 0.001)
			fail_msg("cvss3(%s) = %g, want %g", v3[i].v, got, v3[i].want);
	}
	const struct {
		const char *v;
		double want;
	} v2[] = {
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5}, {"AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3},
		{"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0}, {"(AV:L/AC:M/Au:N/C:P/I:N/A:N)", 1.9},
		{"AV:N/AC:L/Au:N/C:N/I:N/A:N", 0.0},  {"AV:N/AC:L", -1},
	};
	for (size_t i = 0; i < ARRAY_LEN(v2); i++) {
		double got = vdb_cvss2_score(v2[i].v);
		if (got < v2[i].want - 0.001 || got > v2[i].want + 0.001)
			fail_msg("cvss2(%s) = %g, want %g", v2[i].v, got, v2[i].want);
	}
}

struct mem {
	const char *p;
	size_t len, pos, step;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n, struct err *e)
{
	(void)e;
	struct mem *m = ctx;
	size_t k = m->len - m->pos;
	if (k > n)
		k = n;
	if (k > m->step)
		k = m->step;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

/* The framer across read boundaries of every size, and its limits. */
static void test_jframe(void **state)
{
	(void)state;
	static const char doc[] = "\xef\xbb\xbf { \"a\\\"b\" : [ 1 , \"x]}\\\\\" , {\"k\":[true,null]} , -2.5e3 ] ,"
				  " \"c\":\"\\u00e9\" }  ";
	for (size_t step = 1; step <= sizeof doc; step++) {
		struct mem m = {doc, sizeof doc - 1, 0, step};
		struct jframe j;
		vdb_jf_init(&j, mem_read, &m);
		struct err e = {{0}};
		char *key;
		assert_int_equal(vdb_jf_object_begin(&j, &e), 0);
		assert_int_equal(vdb_jf_object_next(&j, &key, &e), 1);
		assert_string_equal(key, "a\"b");
		free(key);
		assert_int_equal(vdb_jf_array_begin(&j, &e), 0);
		size_t n = 0;
		int r;
		while ((r = vdb_jf_array_next(&j, &e)) > 0) {
			json_t *v = vdb_jf_value(&j, &e);
			if (!v)
				fail_msg("step %zu: %s", step, e.msg);
			if (n == 1)
				assert_string_equal(json_string_value(v), "x]}\\");
			json_decref(v);
			n++;
		}
		assert_int_equal(r, 0);
		assert_int_equal(n, 4);
		assert_int_equal(vdb_jf_object_next(&j, &key, &e), 1);
		assert_string_equal(key, "c");
		free(key);
		json_t *v = vdb_jf_value(&j, &e);
		assert_string_equal(json_string_value(v), "\xc3\xa9");
		json_decref(v);
		assert_int_equal(vdb_jf_object_next(&j, &key, &e), 0);
		assert_int_equal(vdb_jf_finish(&j, &e), 0);
		vdb_jf_free(&j);
	}
	static const char *const bad[] = {"{\"a\" 1}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":]", "{\"a\":1"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct mem m = {bad[i], strlen(bad[i]), 0, 3};
		struct jframe j;
		vdb_jf_init(&j, mem_read, &m);
		struct err e = {{0}};
		char *key = NULL;
		int ok = vdb_jf_object_begin(&j, &e) == 0;
		while (ok) {
			int r = vdb_jf_object_next(&j, &key, &e);
			free(key);
			key = NULL;
			if (r <= 0) {
				ok = r == 0;
				break;
			}
			json_t *v = vdb_jf_value(&j, &e);
			ok = v != NULL;
			json_decref(v);
		}
		if (ok)
			fail_msg("framing \"%s\" succeeded", bad[i]);
		assert_true(e.msg[0] != 0);
		vdb_jf_free(&j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alpine_import_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alpine_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debian_tracker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_osv_dir_and_zip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nvd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nvd_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_osv_zip_pipeline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_feeds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_db, setup, teardown),
		cmocka_unit_test(test_cvss),
		cmocka_unit_test(test_jframe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
