/* Matching inventories against the vulnerability database: the real Alpine
 * 3.9 / 3.10 images against the real secdb feeds (exact finding sets),
 * Debian 12 through the tracker feed and through OSV (same findings),
 * precedence between sources, OSV range evaluation, namespaces, notices. */
#include "cmd/scan.h"
#include "db/vdb.h"
#include "match/match.h"
#include "testutil.h"

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
	snprintf(t->dir, sizeof t->dir, "/tmp/vigil-match-XXXXXX");
	if (!t || !mkdtemp(t->dir))
		return -1;
	snprintf(t->db, sizeof t->db, "%s/vigil.db", t->dir);
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

static void import(const char *db, const char *const *feeds, size_t n)
{
	struct vdb_import_summary s;
	struct err e = {{0}};
	if (vdb_import_files(db, feeds, n, &s, &e) != 0)
		fail_msg("import: %s", e.msg);
	vdb_import_summary_free(&s);
}

static char *write_tmp(const struct tmp *t, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", t->dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return p;
}

static char *data_path(const char *rel)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	return xasprintf("%s/tests/data/feeds/%s", root ? root : ".", rel);
}

/* One expected finding. */
struct want {
	const char *pkg, *id, *installed, *fixed, *status, *severity;
};

/* Findings as "pkg id installed fixed status severity" lines, sorted, so
 * that sets compare exactly. */
static char *render(const struct findings *f, const struct inventory *inv)
{
	char **lines = calloc(f->len + 1, sizeof *lines);
	for (size_t i = 0; i < f->len; i++) {
		const struct vuln_finding *v = &f->v[i];
		lines[i] = xasprintf("%s %s %s %s %s %s", inv->pkgs[v->pkg].pkg.name, v->vuln_id,
				     v->installed_version, v->fixed_version ? v->fixed_version : "-", v->status,
				     severity_name(v->severity));
	}
	for (size_t i = 1; i < f->len; i++)
		for (size_t k = i; k > 0 && strcmp(lines[k - 1], lines[k]) > 0; k--) {
			char *x = lines[k];
			lines[k] = lines[k - 1];
			lines[k - 1] = x;
		}
	struct buf b = {0};
	for (size_t i = 0; i < f->len; i++) {
		buf_appendf(&b, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return b.data ? buf_steal(&b) : xstrdup("");
}

static char *render_want(const struct want *w, size_t n)
{
	char **lines = calloc(n + 1, sizeof *lines);
	for (size_t i = 0; i < n; i++)
		lines[i] = xasprintf("%s %s %s %s %s %s", w[i].pkg, w[i].id, w[i].installed, w[i].fixed ? w[i].fixed : "-",
				     w[i].status, w[i].severity);
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && strcmp(lines[k - 1], lines[k]) > 0; k--) {
			char *x = lines[k];
			lines[k] = lines[k - 1];
			lines[k - 1] = x;
		}
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		buf_appendf(&b, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return b.data ? buf_steal(&b) : xstrdup("");
}

static void assert_findings(const struct findings *f, const struct inventory *inv, const struct want *w, size_t n)
{
	char *got = render(f, inv), *exp = render_want(w, n);
	if (strcmp(got, exp) != 0)
		fail_msg("findings differ.\n--- got:\n%s--- want:\n%s", got, exp);
	free(got);
	free(exp);
}

static void scan_image(const char *rel, struct scan_result *res)
{
	const char *p = fixture_path(rel);
	assert_non_null(p);
	char *path = xstrdup(p);
	struct scan_opts o = {.kind = TARGET_ARCHIVE, .target = path, .format = "json", .threads = 1};
	assert_int_equal(scan_run(&o, res), 0);
	free(path);
}

static void import_secdb(const char *db, const char *version)
{
	char rel[64];
	snprintf(rel, sizeof rel, "feeds/alpine-secdb/%s", version);
	const char *p = fixture_path(rel);
	assert_non_null(p);
	char *m = xasprintf("%s/main.json", p), *c = xasprintf("%s/community.json", p);
	const char *feeds[] = {m, c};
	import(db, feeds, 2);
	free(m);
	free(c);
}

#define OPENSSL_SET(v)                                                                                     \
	{"libcrypto1.1", "CVE-2019-1547", v, "1.1.1d-r0", "fixed", "UNKNOWN"},                             \
		{"libcrypto1.1", "CVE-2019-1549", v, "1.1.1d-r0", "fixed", "UNKNOWN"},                     \
		{"libcrypto1.1", "CVE-2019-1563", v, "1.1.1d-r0", "fixed", "UNKNOWN"},                     \
		{"libssl1.1", "CVE-2019-1547", v, "1.1.1d-r0", "fixed", "UNKNOWN"},                        \
		{"libssl1.1", "CVE-2019-1549", v, "1.1.1d-r0", "fixed", "UNKNOWN"},                        \
		{"libssl1.1", "CVE-2019-1563", v, "1.1.1d-r0", "fixed", "UNKNOWN"}

static void test_alpine_310(void **state)
{
	struct tmp *t = *state;
	REQUIRE_FIXTURE(img, "images/alpine-310.tar.gz");
	REQUIRE_FIXTURE(feeds, "feeds/alpine-secdb/v3.10");
	(void)img;
	(void)feeds;
	import_secdb(t->db, "v3.10");
	struct scan_result res;
	scan_image("images/alpine-310.tar.gz", &res);
	assert_string_equal(res.inv.os.name, "3.10.2");
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &res.inv, &f, &e), 0);
	static const struct want want[] = {OPENSSL_SET("1.1.1c-r0")};
	assert_findings(&f, &res.inv, want, ARRAY_LEN(want));
	assert_int_equal(f.nnotices, 0);
	/* Trivy's order: package name, then severity, then id. */
	assert_string_equal(res.inv.pkgs[f.v[0].pkg].pkg.name, "libcrypto1.1");
	assert_string_equal(f.v[0].vuln_id, "CVE-2019-1547");
	assert_string_equal(f.v[0].data_source, "alpine-secdb:v3.10/main");
	assert_null(f.v[0].severity_source);
	assert_string_equal(f.v[0].primary_url, "https://nvd.nist.gov/vuln/detail/CVE-2019-1547");
	findings_free(&f);

	/* With NVD details imported, Alpine (which rates nothing) takes NVD's
	 * severity, description, references and CWE. */
	char *nvd = write_tmp(
		t, "nvd.json",
		"{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":["
		"{\"cve\":{\"id\":\"CVE-2019-1547\",\"published\":\"2019-09-10T17:15:12.117\","
		"\"descriptions\":[{\"lang\":\"en\",\"value\":\"Normally in OpenSSL EC groups always have a "
		"co-factor present.\"}],"
		"\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":"
		"\"CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N\",\"baseScore\":4.7,\"baseSeverity\":\"MEDIUM\"}}],"
		"\"cvssMetricV2\":[{\"cvssData\":{\"vectorString\":\"AV:L/AC:M/Au:N/C:P/I:N/A:N\",\"baseScore\":1.9},"
		"\"baseSeverity\":\"LOW\"}]},"
		"\"weaknesses\":[{\"description\":[{\"lang\":\"en\",\"value\":\"CWE-311\"}]}],"
		"\"references\":[{\"url\":\"https://www.openssl.org/news/secadv/20190910.txt\"}]}},"
		"{\"cve\":{\"id\":\"CVE-2019-1563\",\"metrics\":{\"cvssMetricV2\":[{\"cvssData\":"
		"{\"vectorString\":\"AV:N/AC:M/Au:N/C:P/I:N/A:N\",\"baseScore\":4.3}}]}}}]}");
	const char *nf[] = {nvd};
	import(t->db, nf, 1);
	assert_int_equal(match_inventory(t->db, &res.inv, &f, &e), 0);
	assert_int_equal(f.len, 6);
	size_t n1547 = 0, n1563 = 0;
	for (size_t i = 0; i < f.len; i++) {
		const struct vuln_finding *v = &f.v[i];
		if (!strcmp(v->vuln_id, "CVE-2019-1547")) {
			n1547++;
			assert_int_equal(v->severity, SEV_MEDIUM);
			assert_string_equal(v->severity_source, "nvd");
			assert_non_null(strstr(v->description, "co-factor"));
			assert_int_equal(v->nreferences, 1);
			assert_int_equal(v->ncwe_ids, 1);
			assert_string_equal(v->cwe_ids[0], "CWE-311");
			assert_int_equal(v->ncvss, 1);
			assert_string_equal(v->cvss[0].source, "nvd");
			assert_true(v->cvss[0].v3_score > 4.69 && v->cvss[0].v3_score < 4.71);
			assert_true(v->cvss[0].v2_score > 1.89 && v->cvss[0].v2_score < 1.91);
			assert_string_equal(v->published, "2019-09-10T17:15:12Z");
		} else if (!strcmp(v->vuln_id, "CVE-2019-1563")) {
			n1563++;
			/* v2 only: its score band. */
			assert_int_equal(v->severity, SEV_MEDIUM);
			assert_string_equal(v->severity_source, "nvd");
		} else {
			assert_int_equal(v->severity, SEV_UNKNOWN);
		}
	}
	assert_int_equal(n1547, 2);
	assert_int_equal(n1563, 2);
	/* Sorted: within libcrypto1.1 the two MEDIUM ids come before UNKNOWN. */
	assert_string_equal(f.v[0].vuln_id, "CVE-2019-1547");
	assert_string_equal(f.v[1].vuln_id, "CVE-2019-1563");
	assert_string_equal(f.v[2].vuln_id, "CVE-2019-1549");
	findings_free(&f);
	free(nvd);
	scan_result_free(&res);
}

static void test_alpine_39(void **state)
{
	struct tmp *t = *state;
	REQUIRE_FIXTURE(img, "images/alpine-39.tar.gz");
	REQUIRE_FIXTURE(feeds, "feeds/alpine-secdb/v3.9");
	(void)img;
	(void)feeds;
	import_secdb(t->db, "v3.9");
	struct scan_result res;
	scan_image("images/alpine-39.tar.gz", &res);
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &res.inv, &f, &e), 0);
	static const struct want want[] = {
		OPENSSL_SET("1.1.1b-r1"),
		{"musl", "CVE-2019-14697", "1.1.20-r4", "1.1.20-r5", "fixed", "UNKNOWN"},
		{"musl-utils", "CVE-2019-14697", "1.1.20-r4", "1.1.20-r5", "fixed", "UNKNOWN"},
	};
	assert_findings(&f, &res.inv, want, ARRAY_LEN(want));
	findings_free(&f);

	/* The 3.10 image against a database holding only 3.9: a notice, not
	 * silence. */
	struct scan_result r10;
	scan_image("images/alpine-310.tar.gz", &r10);
	assert_int_equal(match_inventory(t->db, &r10.inv, &f, &e), 0);
	assert_int_equal(f.len, 0);
	assert_int_equal(f.nnotices, 1);
	assert_string_equal(f.notices[0], "alpine 3.10.2 has no advisories in the database (end of life or not "
					  "imported): results may be incomplete");
	findings_free(&f);
	scan_result_free(&r10);
	scan_result_free(&res);
}

static void test_missing_db(void **state)
{
	struct tmp *t = *state;
	struct inventory inv = {0};
	struct findings f;
	struct err e = {{0}};
	char *p = xasprintf("%s/absent.db", t->dir);
	assert_int_equal(match_inventory(p, &inv, &f, &e), -1);
	char *want = xasprintf("no vulnerability database at %s; create one with 'vigil db import --db %s FEED…'", p, p);
	assert_string_equal(e.msg, want);
	assert_int_equal(access(p, F_OK), -1); /* read-only: nothing was created */
	free(want);
	free(p);
}

/* A Debian 12 inventory by hand: binary packages with their source. */
static void add_dpkg(struct inventory *inv, const char *name, const char *version, const char *src,
		     const char *src_version)
{
	inv->pkgs = xrealloc(inv->pkgs, (inv->npkgs + 1) * sizeof *inv->pkgs);
	struct inventory_pkg *ip = &inv->pkgs[inv->npkgs++];
	memset(ip, 0, sizeof *ip);
	ip->pkg.type = PKG_DPKG;
	ip->pkg.epoch = -1;
	ip->pkg.name = xstrdup(name);
	ip->pkg.version = xstrdup(version);
	ip->pkg.src_name = xstrdup(src);
	ip->pkg.src_version = xstrdup(src_version);
	ip->pkg.arch = xstrdup("amd64");
}

static void debian_inventory(struct inventory *inv)
{
	memset(inv, 0, sizeof *inv);
	inv->os.family = xstrdup("debian");
	inv->os.name = xstrdup("12.5");
	add_dpkg(inv, "gzip", "1.12-1", "gzip", "1.12-1");
	add_dpkg(inv, "libc-bin", "2.36-9+deb12u3", "glibc", "2.36-9+deb12u3");
	add_dpkg(inv, "libc6", "2.36-9+deb12u3", "glibc", "2.36-9+deb12u3");
	add_dpkg(inv, "liblzma5", "5.4.1-0.2", "xz-utils", "5.4.1-0.2");
	add_dpkg(inv, "libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1");
	/* Same source at a fixed version: no finding, despite the shared cache. */
	add_dpkg(inv, "openssl", "3.0.13-1~deb12u1", "openssl", "3.0.13-1~deb12u1");
	add_dpkg(inv, "libsystemd0", "252.22-1~deb12u1", "systemd", "252.22-1~deb12u1");
	/* A binNMU: the binary version differs, the source version is compared. */
	add_dpkg(inv, "tar", "1.34+dfsg-1.2+deb12u1+b1", "tar", "1.34+dfsg-1.2+deb12u1");
	add_dpkg(inv, "zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1");
}

static const struct want debian_want[] = {
	{"libc-bin", "CVE-2010-4756", "2.36-9+deb12u3", NULL, "affected", "LOW"},
	{"libc-bin", "CVE-2023-6246", "2.36-9+deb12u3", "2.36-9+deb12u4", "fixed", "UNKNOWN"},
	{"libc-bin", "CVE-2023-6779", "2.36-9+deb12u3", "2.36-9+deb12u4", "fixed", "UNKNOWN"},
	{"libc-bin", "CVE-2023-6780", "2.36-9+deb12u3", "2.36-9+deb12u4", "fixed", "UNKNOWN"},
	{"libc-bin", "CVE-2024-2961", "2.36-9+deb12u3", "2.36-9+deb12u6", "fixed", "MEDIUM"},
	{"libc6", "CVE-2010-4756", "2.36-9+deb12u3", NULL, "affected", "LOW"},
	{"libc6", "CVE-2023-6246", "2.36-9+deb12u3", "2.36-9+deb12u4", "fixed", "UNKNOWN"},
	{"libc6", "CVE-2023-6779", "2.36-9+deb12u3", "2.36-9+deb12u4", "fixed", "UNKNOWN"},
	{"libc6", "CVE-2023-6780", "2.36-9+deb12u3", "2.36-9+deb12u4", "fixed", "UNKNOWN"},
	{"libc6", "CVE-2024-2961", "2.36-9+deb12u3", "2.36-9+deb12u6", "fixed", "MEDIUM"},
	{"libssl3", "CVE-2023-5363", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "fixed", "UNKNOWN"},
	{"libsystemd0", "CVE-2013-4392", "252.22-1~deb12u1", NULL, "affected", "LOW"},
	{"tar", "CVE-2005-2541", "1.34+dfsg-1.2+deb12u1+b1", NULL, "affected", "LOW"},
};

static void test_debian_tracker_vs_osv(void **state)
{
	struct tmp *t = *state;
	struct inventory inv;
	debian_inventory(&inv);
	char *tracker = data_path("debian-tracker-sample.json"), *osv = data_path("osv-debian");
	char *db2 = xasprintf("%s/osv.db", t->dir);
	const char *f1[] = {tracker}, *f2[] = {osv};
	import(t->db, f1, 1);
	import(db2, f2, 1);
	struct findings a, b;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &a, &e), 0);
	assert_int_equal(match_inventory(db2, &inv, &b, &e), 0);
	assert_findings(&a, &inv, debian_want, ARRAY_LEN(debian_want));
	assert_findings(&b, &inv, debian_want, ARRAY_LEN(debian_want));
	for (size_t i = 0; i < a.len; i++) {
		assert_string_equal(a.v[i].data_source, "debian-tracker");
		if (a.v[i].severity != SEV_UNKNOWN)
			assert_string_equal(a.v[i].severity_source, "debian");
	}
	for (size_t i = 0; i < b.len; i++)
		assert_string_equal(b.v[i].data_source, "osv:Debian");
	/* Details: the tracker's description; OSV's summary and references. */
	for (size_t i = 0; i < a.len; i++)
		if (!strcmp(a.v[i].vuln_id, "CVE-2024-2961"))
			assert_non_null(strstr(a.v[i].description, "ISO-2022-CN-EXT"));
	for (size_t i = 0; i < b.len; i++)
		if (!strcmp(b.v[i].vuln_id, "CVE-2024-2961")) {
			assert_string_equal(b.v[i].title, "glibc - security update");
			assert_int_equal(b.v[i].nreferences, 1);
		}
	findings_free(&a);
	findings_free(&b);

	/* Both feeds together: still one finding per (package, id). */
	const char *both[] = {tracker, osv};
	import(t->db, both, 2);
	assert_int_equal(match_inventory(t->db, &inv, &a, &e), 0);
	assert_findings(&a, &inv, debian_want, ARRAY_LEN(debian_want));
	findings_free(&a);
	free(db2);
	free(tracker);
	free(osv);
	inventory_free(&inv);
}

/* "0" (not affected) suppresses an id that another source of the same
 * release calls affected; otherwise the union wins, with the highest fix. */
static void test_precedence(void **state)
{
	struct tmp *t = *state;
	struct inventory inv;
	debian_inventory(&inv);
	char *tracker = data_path("debian-tracker-sample.json");
	char *extra = xasprintf("%s/extra", t->dir);
	assert_int_equal(mkdir(extra, 0755), 0);
	free(write_tmp(t, "extra/xz.json",
		       "{\"id\":\"TEST-1\",\"upstream\":[\"CVE-2024-3094\"],\"affected\":["
		       "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"xz-utils\"},"
		       "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}"));
	free(write_tmp(t, "extra/openssl.json",
		       "{\"id\":\"TEST-2\",\"aliases\":[\"CVE-2023-4807\"],\"affected\":["
		       "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"openssl\"},"
		       "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}"));
	free(write_tmp(t, "extra/glibc.json",
		       "{\"id\":\"TEST-3\",\"upstream\":[\"CVE-2024-2961\",\"CVE-2023-4911\"],\"affected\":["
		       "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"glibc\"},"
		       "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
		       "{\"fixed\":\"2.36-9+deb12u7\"}]}]}]}"));
	/* Alone, the extra record reports everything it names. */
	const char *fx[] = {extra};
	import(t->db, fx, 1);
	struct findings f;
	struct err e = {{0}};
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	size_t xz = 0;
	for (size_t i = 0; i < f.len; i++)
		xz += !strcmp(inv.pkgs[f.v[i].pkg].pkg.name, "liblzma5");
	assert_int_equal(xz, 1);
	findings_free(&f);

	const char *ft[] = {tracker};
	import(t->db, ft, 1);
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	size_t n2961 = 0, n4911 = 0;
	for (size_t i = 0; i < f.len; i++) {
		const struct vuln_finding *v = &f.v[i];
		const char *name = inv.pkgs[v->pkg].pkg.name;
		/* Suppressed by the tracker's "0" for bookworm. */
		assert_string_not_equal(v->vuln_id, "CVE-2024-3094");
		assert_string_not_equal(v->vuln_id, "CVE-2023-4807");
		if (!strcmp(v->vuln_id, "CVE-2024-2961") && !strcmp(name, "libc6")) {
			n2961++;
			/* tracker: fixed in u6; extra: u7 — the fix that satisfies both. */
			assert_string_equal(v->fixed_version, "2.36-9+deb12u7");
			/* The vendor rating still comes from the tracker. */
			assert_int_equal(v->severity, SEV_MEDIUM);
		}
		if (!strcmp(v->vuln_id, "CVE-2023-4911") && !strcmp(name, "libc6")) {
			/* tracker: fixed at the installed u3; extra: affected below u7. */
			n4911++;
			assert_string_equal(v->fixed_version, "2.36-9+deb12u7");
			assert_string_equal(v->data_source, "osv:Debian");
		}
	}
	assert_int_equal(n2961, 1);
	assert_int_equal(n4911, 1);
	findings_free(&f);
	free(extra);
	free(tracker);
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
	const char *shown = v ? v : "(null)";
	if (got != want)
		fail_msg("%s: affected = %d, want %d", shown, got, want);
	if (want_fixed || fixed) {
		if (!want_fixed || !fixed || strcmp(want_fixed, fixed) != 0)
			fail_msg("%s: fixed = %s, want %s", shown, fixed ? fixed : "(none)",
				 want_fixed ? want_fixed : "(none)");
	}
}

static void test_osv_ranges(void **state)
{
	(void)state;
	struct vdb_event e[8];
	struct vdb_advisory a = {.status = "affected", .ranges = 1, .events = e};

	/* [1.0, 2.0) */
	ev(&e[0], 0, "introduced", "1.0");
	ev(&e[1], 0, "fixed", "2.0");
	a.nevents = 2;
	check_adv(&a, VERSION_SCHEME_DPKG, "0.9", false, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "1.0", true, "2.0");
	check_adv(&a, VERSION_SCHEME_DPKG, "1.5~rc1", true, "2.0");
	check_adv(&a, VERSION_SCHEME_DPKG, "2.0~rc1", true, "2.0");
	check_adv(&a, VERSION_SCHEME_DPKG, "2.0", false, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "1:0.5", false, NULL);

	/* One range, events out of order: [0, 1.0) and [2.0, 2.5]. */
	ev(&e[0], 0, "last_affected", "2.5");
	ev(&e[1], 0, "introduced", "2.0");
	ev(&e[2], 0, "fixed", "1.0");
	ev(&e[3], 0, "introduced", "0");
	a.nevents = 4;
	check_adv(&a, VERSION_SCHEME_DPKG, "0.5", true, "1.0");
	check_adv(&a, VERSION_SCHEME_DPKG, "1.0", false, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "1.5", false, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "2.0", true, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "2.5", true, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "2.5-1", false, NULL);

	/* limit: affected below it only. */
	ev(&e[0], 0, "introduced", "0");
	ev(&e[1], 0, "limit", "3.0");
	a.nevents = 2;
	check_adv(&a, VERSION_SCHEME_DPKG, "2.9", true, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "3.0", false, NULL);

	/* Explicit versions and a second range. */
	ev(&e[0], -1, "version", "1.1");
	ev(&e[1], -1, "version", "1.3");
	ev(&e[2], 0, "introduced", "5");
	ev(&e[3], 0, "fixed", "6");
	ev(&e[4], 1, "introduced", "7");
	ev(&e[5], 1, "fixed", "8");
	a.nevents = 6;
	check_adv(&a, VERSION_SCHEME_DPKG, "1.3", true, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "1.2", false, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "5.5", true, "6");
	check_adv(&a, VERSION_SCHEME_DPKG, "6.5", false, NULL);
	check_adv(&a, VERSION_SCHEME_DPKG, "7.5", true, "8");

	/* apk ordering: 1.1.1c-r0 < 1.1.1d-r0, _rc below release. */
	ev(&e[0], 0, "introduced", "0");
	ev(&e[1], 0, "fixed", "1.1.1d-r0");
	a.nevents = 2;
	check_adv(&a, VERSION_SCHEME_APK, "1.1.1c-r0", true, "1.1.1d-r0");
	check_adv(&a, VERSION_SCHEME_APK, "1.1.1d_rc1-r0", true, "1.1.1d-r0");
	check_adv(&a, VERSION_SCHEME_APK, "1.1.1d-r0", false, NULL);
	check_adv(&a, VERSION_SCHEME_APK, "1.1.1d-r1", false, NULL);

	/* Neither ranges nor versions stored: not range-based, status decides. */
	struct vdb_advisory all = {.status = "affected"};
	check_adv(&all, VERSION_SCHEME_DPKG, "1", true, NULL);
	struct vdb_advisory fixed = {.status = "fixed", .fixed_version = "1:2.0-1"};
	check_adv(&fixed, VERSION_SCHEME_DPKG, "2.0-1", true, "1:2.0-1");
	check_adv(&fixed, VERSION_SCHEME_DPKG, "1:2.0-1", false, NULL);
	struct vdb_advisory na = {.status = "not_affected"}, ui = {.status = "under_investigation"};
	check_adv(&na, VERSION_SCHEME_DPKG, "1", false, NULL);
	check_adv(&ui, VERSION_SCHEME_DPKG, "1", false, NULL);
	check_adv(&all, VERSION_SCHEME_DPKG, NULL, false, NULL);
}

static void test_namespaces(void **state)
{
	(void)state;
	const struct {
		const char *family, *name, *ns;
		enum version_scheme scheme;
	} cases[] = {
		{"alpine", "3.10.2", "alpine:3.10", VERSION_SCHEME_APK},
		{"alpine", "3.19.0_alpha20230901", "alpine:3.19", VERSION_SCHEME_APK},
		{"debian", "12.5", "debian:12", VERSION_SCHEME_DPKG},
		{"debian", "12", "debian:12", VERSION_SCHEME_DPKG},
		{"debian", "trixie/sid", "debian:13", VERSION_SCHEME_DPKG},
		{"debian", "sid", "debian:sid", VERSION_SCHEME_DPKG},
		{"ubuntu", "22.04", "ubuntu:22.04", VERSION_SCHEME_DPKG},
		{"alma", "9.3", "alma:9", VERSION_SCHEME_RPM},
		{"alma", "8.10", "alma:8", VERSION_SCHEME_RPM},
		{"rocky", "9.3", "rocky:9", VERSION_SCHEME_RPM},
		{"rocky", "8", "rocky:8", VERSION_SCHEME_RPM},
		{"rocky", "nine", NULL, 0},
		{"alpine", "edge", NULL, 0},
		{"debian", "nonsense", NULL, 0},
		{"centos", "7.9.2009", NULL, 0},
		{NULL, NULL, NULL, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct os_info os = {.family = (char *)cases[i].family, .name = (char *)cases[i].name};
		char ns[64];
		enum version_scheme s;
		int rc = match_namespace(&os, ns, sizeof ns, &s);
		if (!cases[i].ns) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(ns, cases[i].ns);
		assert_int_equal(s, cases[i].scheme);
	}
}

static void test_notices(void **state)
{
	struct tmp *t = *state;
	char *tracker = data_path("debian-tracker-sample.json");
	const char *ft[] = {tracker};
	import(t->db, ft, 1);
	struct inventory inv;
	debian_inventory(&inv);
	struct findings f;
	struct err e = {{0}};
	free(inv.os.family);
	inv.os.family = xstrdup("centos");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.len, 0);
	assert_int_equal(f.nnotices, 1);
	assert_non_null(strstr(f.notices[0], "centos"));
	findings_free(&f);
	free(inv.os.family);
	inv.os.family = NULL;
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.nnotices, 1);
	assert_non_null(strstr(f.notices[0], "OS was not detected"));
	findings_free(&f);
	inv.os.family = xstrdup("debian");
	free(inv.os.name);
	inv.os.name = xstrdup("11.9");
	assert_int_equal(match_inventory(t->db, &inv, &f, &e), 0);
	assert_int_equal(f.nnotices, 1);
	assert_string_equal(f.notices[0],
			    "debian 11.9 has no advisories in the database (end of life or not imported): results may "
			    "be incomplete");
	findings_free(&f);
	inventory_free(&inv);
	free(tracker);
}

static void test_findings_api(void **state)
{
	(void)state;
	assert_string_equal(severity_name(SEV_CRITICAL), "CRITICAL");
	assert_string_equal(severity_name(SEV_UNKNOWN), "UNKNOWN");
	assert_int_equal(severity_parse("Moderate"), SEV_MEDIUM);
	assert_int_equal(severity_parse("important"), SEV_HIGH);
	assert_int_equal(severity_parse("negligible"), SEV_LOW);
	assert_int_equal(severity_parse("UNIMPORTANT"), SEV_LOW);
	assert_int_equal(severity_parse("critical"), SEV_CRITICAL);
	assert_int_equal(severity_parse("not yet assigned"), -1);
	assert_int_equal(severity_parse(NULL), -1);

	struct inventory inv = {0};
	add_dpkg(&inv, "b", "1", "b", "1");
	add_dpkg(&inv, "a", "1", "a", "1");
	struct findings f = {0};
	const struct {
		size_t pkg;
		enum severity sev;
		const char *id;
	} in[] = {{0, SEV_LOW, "CVE-1"}, {1, SEV_LOW, "CVE-3"}, {1, SEV_HIGH, "CVE-9"}, {1, SEV_LOW, "CVE-2"}};
	for (size_t i = 0; i < ARRAY_LEN(in); i++) {
		struct vuln_finding *v = findings_add(&f);
		v->pkg = in[i].pkg;
		v->severity = in[i].sev;
		v->vuln_id = xstrdup(in[i].id);
	}
	findings_add_notice(&f, "n %d", 1);
	findings_sort(&f, &inv);
	const char *order[] = {"CVE-9", "CVE-2", "CVE-3", "CVE-1"};
	for (size_t i = 0; i < ARRAY_LEN(order); i++)
		assert_string_equal(f.v[i].vuln_id, order[i]);
	assert_string_equal(f.notices[0], "n 1");
	vuln_finding_clear(&f.v[0]);
	assert_null(f.v[0].vuln_id);
	findings_free(&f);
	inventory_free(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alpine_310, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alpine_39, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_db, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debian_tracker_vs_osv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test(test_osv_ranges),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test_setup_teardown(test_notices, setup, teardown),
		cmocka_unit_test(test_findings_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
