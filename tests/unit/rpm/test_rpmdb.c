/* Tests of analyzer/rpm: the three rpm database backends against real
 * fixtures (whose expected.txt came from rpm itself), the header parser
 * against blobs built here, and both against damaged input. */
#include "analyzer/analyzer.h"
#include "analyzer/rpm/rpmdb.h"
#include "testutil.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------- */

static unsigned char *load(const char *rel, size_t *len)
{
	const char *path = fixture_path(rel);
	if (!path) {
		print_message("# SKIP fixture %s absent (../shared/fixtures)\n", rel);
		skip();
	}
	/* fixture_path returns a static buffer: read before the next call. */
	return slurp(path, len);
}

/* The packages formatted like expected.txt: "name epoch:version arch srpm",
 * where a header without EPOCH is written as epoch 0. */
static char *format_pkg(const struct pkg *p)
{
	return xasprintf("%s %d:%s %s %s", p->name, p->epoch < 0 ? 0 : p->epoch, p->version,
			 p->arch ? p->arch : "(none)", p->sourcerpm ? p->sourcerpm : "(none)");
}

/* Compare the first lines of expected.txt (all of them when limit is 0)
 * with the list, line by line; the list must have exactly as many entries
 * when all lines are compared. */
static void compare_expected(const struct pkg_list *l, const char *rel, size_t limit)
{
	size_t len;
	unsigned char *text = load(rel, &len);
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r((char *)text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (limit && n == limit)
			break;
		if (n >= l->len)
			fail_msg("%s line %zu (%s): only %zu packages read", rel, n + 1, line, l->len);
		char *got = format_pkg(&l->v[n]);
		if (strcmp(got, line) != 0)
			fail_msg("%s line %zu: expected \"%s\", got \"%s\"", rel, n + 1, line, got);
		free(got);
		n++;
	}
	if (limit)
		assert_int_equal(n, limit);
	else
		assert_int_equal(n, l->len);
	free(text);
}

static const struct pkg *find_pkg(const struct pkg_list *l, const char *name)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	fail_msg("package %s not found", name);
	return NULL;
}

static bool has_file(const struct pkg *p, const char *path)
{
	for (size_t i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], path) == 0)
			return true;
	return false;
}

/* Every package of a list is complete and its files are normalised. */
static void check_sane(const struct pkg_list *l)
{
	for (size_t i = 0; i < l->len; i++) {
		const struct pkg *p = &l->v[i];
		assert_int_equal(p->type, PKG_RPM);
		assert_non_null(p->name);
		assert_non_null(p->version);
		for (size_t j = 0; j < p->nfiles; j++) {
			assert_true(p->files[j][0] != '/' && p->files[j][0] != '\0');
			assert_null(strstr(p->files[j], "//"));
		}
	}
}

/* rpmdb_read must fail, say why (containing want when given), and leave
 * the list untouched. */
static void expect_fail(const char *path, const unsigned char *d, size_t n, const char *want)
{
	struct pkg_list l = {0};
	struct err e = {{0}};
	int rc = rpmdb_read(path, d, n, &l, &e);
	if (rc != -1)
		fail_msg("%s (%zu bytes): expected failure%s%s, got %zu packages", path, n,
			 want ? " mentioning " : "", want ? want : "", l.len);
	assert_int_equal(l.len, 0);
	assert_true(e.msg[0] != '\0');
	if (want && !strstr(e.msg, want))
		fail_msg("%s: message \"%s\" lacks \"%s\"", path, e.msg, want);
	pkg_list_free(&l);
}

/* Any outcome but a crash is fine for random damage; a failure must say why. */
static void read_any(const char *path, const unsigned char *d, size_t n)
{
	struct pkg_list l = {0};
	struct err e = {{0}};
	if (rpmdb_read(path, d, n, &l, &e) == 0)
		check_sane(&l);
	else
		assert_true(e.msg[0] != '\0' && l.len == 0);
	pkg_list_free(&l);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t get_le16(const unsigned char *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static void swap16(unsigned char *p)
{
	unsigned char t = p[0];
	p[0] = p[1];
	p[1] = t;
}

static void swap32(unsigned char *p)
{
	unsigned char t = p[0];
	p[0] = p[3];
	p[3] = t;
	t = p[1];
	p[1] = p[2];
	p[2] = t;
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* ---- building rpm header blobs ------------------------------------------ */

enum { T_INT32 = 4, T_STRING = 6, T_BIN = 7, T_STRING_ARRAY = 8, T_I18N = 9 };

struct hent {
	uint32_t tag, type, count;
	const void *data;
	size_t len;
};

#define STR(tag, s) {tag, T_STRING, 1, s, sizeof(s)}
#define ARR(tag, n, s) {tag, T_STRING_ARRAY, n, s, sizeof(s)}

/* Lay out a header the way rpm does: optional region tag first, entries'
 * data in order (INT32 aligned to 4), the region trailer last. Offsets of
 * entry i's index record: 8 + 16 * (i + region). */
static unsigned char *build_header(const struct hent *ents, size_t n, bool region, size_t *outlen)
{
	size_t il = n + (region ? 1 : 0);
	size_t dl = 0;
	size_t *off = calloc(n, sizeof *off);
	assert_non_null(off);
	for (size_t i = 0; i < n; i++) {
		if (ents[i].type == T_INT32)
			dl = (dl + 3) & ~(size_t)3;
		off[i] = dl;
		dl += ents[i].len;
	}
	size_t trailer = dl;
	if (region)
		dl += 16;
	size_t len = 8 + 16 * il + dl;
	unsigned char *b = calloc(1, len);
	assert_non_null(b);
	put_be32(b, (uint32_t)il);
	put_be32(b + 4, (uint32_t)dl);
	unsigned char *ix = b + 8, *ds = b + 8 + 16 * il;
	if (region) {
		put_be32(ix, 63);
		put_be32(ix + 4, T_BIN);
		put_be32(ix + 8, (uint32_t)trailer);
		put_be32(ix + 12, 16);
		put_be32(ds + trailer, 63);
		put_be32(ds + trailer + 4, T_BIN);
		put_be32(ds + trailer + 8, (uint32_t)-(int32_t)(il * 16));
		put_be32(ds + trailer + 12, 16);
		ix += 16;
	}
	for (size_t i = 0; i < n; i++) {
		put_be32(ix + 16 * i, ents[i].tag);
		put_be32(ix + 16 * i + 4, ents[i].type);
		put_be32(ix + 16 * i + 8, (uint32_t)off[i]);
		put_be32(ix + 16 * i + 12, ents[i].count);
		memcpy(ds + off[i], ents[i].data, ents[i].len);
	}
	free(off);
	*outlen = len;
	return b;
}

static const unsigned char epoch_1[] = {0, 0, 0, 1};
static const unsigned char dirindexes[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};

/* A complete package header; entry indexes (without the region) are:
 * 0 NAME, 1 VERSION, 2 RELEASE, 3 EPOCH, 4 LICENSE, 5 VENDOR, 6 ARCH,
 * 7 SOURCERPM, 8 DIRINDEXES, 9 BASENAMES, 10 DIRNAMES, 11 MODULARITYLABEL. */
static const struct hent bash_entries[] = {
	STR(1000, "bash"),
	STR(1001, "5.1.8"),
	STR(1002, "6.el9"),
	{1003, T_INT32, 1, epoch_1, 4},
	STR(1014, "GPLv3+"),
	STR(1011, "Acme"),
	STR(1022, "x86_64"),
	STR(1044, "bash-5.1.8-6.el9.src.rpm"),
	{1116, T_INT32, 3, dirindexes, sizeof dirindexes},
	ARR(1117, 3, "bin\0bash\0sh"),
	ARR(1118, 2, "/usr/\0/usr/bin/"),
	STR(5096, "bash:5:9000:abc"),
};

static unsigned char *bash_header(size_t *len)
{
	return build_header(bash_entries, ARRAY_LEN(bash_entries), true, len);
}

static const struct hent pubkey_entries[] = {
	STR(1000, "gpg-pubkey"),
	STR(1001, "fd431d51"),
	STR(1002, "4ae0493b"),
};

/* Index record of entry i (region counted) and the data store of a blob. */
static unsigned char *rec(unsigned char *b, size_t i)
{
	return b + 8 + 16 * i;
}

static unsigned char *store(unsigned char *b)
{
	uint32_t il = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return b + 8 + 16 * (size_t)il;
}

static uint32_t rec_field(unsigned char *b, size_t i, size_t field)
{
	unsigned char *p = rec(b, i) + 4 * field;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void header_fails(const unsigned char *b, size_t len, const char *want)
{
	struct pkg p;
	struct err e = {{0}};
	int rc = rpm_header_parse(b, len, &p, &e);
	if (rc != -1)
		fail_msg("header parsed though it should fail with \"%s\"", want);
	assert_null(p.name);
	assert_int_equal(p.nfiles, 0);
	if (!strstr(e.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
}

/* ---- fixtures: exact package lists ---------------------------------------- */

static void test_sqlite_fixture(void **state)
{
	(void)state;
	size_t len;
	unsigned char *d = load("rpmdb/cbl-mariner-2.0/rpmdb.sqlite", &len);
	struct pkg_list l = {0};
	struct err e = {{0}};
	if (rpmdb_read("var/lib/rpm/rpmdb.sqlite", d, len, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.len, 129);
	compare_expected(&l, "rpmdb/cbl-mariner-2.0/expected.txt", 0);
	check_sane(&l);
	const struct pkg *glibc = find_pkg(&l, "glibc");
	assert_true(glibc->nfiles > 0);
	assert_true(has_file(glibc, "lib64/libc.so.6"));
	assert_true(has_file(glibc, "etc/ld.so.conf"));
	assert_string_equal(glibc->src_name, "glibc");
	assert_string_equal(glibc->src_version, "2.34-2.cm2");
	assert_string_equal(glibc->vendor, "Microsoft Corporation");
	assert_null(glibc->modularity_label);
	const struct pkg *ssl = find_pkg(&l, "openssl-libs");
	assert_string_equal(ssl->src_name, "openssl");
	assert_string_equal(ssl->src_version, "1.1.1k-7.cm2");
	assert_string_equal(ssl->license, "OpenSSL");
	const struct pkg *ca = find_pkg(&l, "ca-certificates-base");
	assert_int_equal(ca->epoch, 1);
	/* A header without EPOCH reads as -1, not 0. */
	assert_int_equal(glibc->epoch, -1);
	pkg_list_free(&l);
	free(d);
}

static void test_bdb_fixture(void **state)
{
	(void)state;
	size_t len;
	unsigned char *d = load("rpmdb/libuuid/Packages", &len);
	struct pkg_list l = {0};
	struct err e = {{0}};
	if (rpmdb_read("var/lib/rpm/Packages", d, len, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.len, 1);
	compare_expected(&l, "rpmdb/libuuid/expected.txt", 0);
	check_sane(&l);
	const struct pkg *p = &l.v[0];
	assert_int_equal(p->nfiles, 7);
	assert_true(has_file(p, "usr/lib64/libuuid.so.1.3.0"));
	assert_true(has_file(p, "usr/share/licenses/libuuid/COPYING.BSD-3"));
	assert_string_equal(p->src_name, "util-linux");
	assert_string_equal(p->src_version, "2.32.1-42.el8_8");
	assert_string_equal(p->license, "BSD");
	assert_string_equal(p->vendor, "Red Hat, Inc.");
	pkg_list_free(&l);
	free(d);
}

/* Rewrite a little-endian BerkeleyDB hash file in big-endian order, field
 * by field as bdb_ro's swap routines know them, header-number keys included
 * (rpm stores them in the writer's order); header blobs are big-endian
 * already and stay as they are. */
static void bdb_to_big_endian(unsigned char *d, size_t len)
{
	uint32_t pagesize = get_le32(d + 20), lastpage = get_le32(d + 32);
	assert_true(((size_t)lastpage + 1) * pagesize <= len);
	for (size_t i = 8; i < 224; i += 4)
		if (i != 24) /* bytes, not a word: encrypt_alg, type, metaflags */
			swap32(d + i);
	for (uint32_t pg = 1; pg <= lastpage; pg++) {
		unsigned char *p = d + (size_t)pg * pagesize;
		unsigned type = p[25], nent = get_le16(p + 20);
		if (type == 13 || type == 2) {
			for (unsigned i = 0; i < nent; i++) {
				unsigned char *ip = p + 26 + 2 * i;
				unsigned off = get_le16(ip), end = i ? get_le16(ip - 2) : pagesize;
				if (p[off] == 3) {
					swap32(p + off + 4);
					swap32(p + off + 8);
				} else if (p[off] == 1 && i % 2 == 0 && end - off == 5) {
					swap32(p + off + 1);
				}
				swap16(ip);
			}
		}
		swap32(p + 8);
		swap32(p + 12);
		swap32(p + 16);
		swap16(p + 20);
		swap16(p + 22);
	}
}

static void test_bdb_big_endian(void **state)
{
	(void)state;
	size_t len;
	unsigned char *d = load("rpmdb/libuuid/Packages", &len);
	bdb_to_big_endian(d, len);
	/* The magic now reads swapped, as on a big-endian writer's file. */
	assert_int_equal(d[12], 0x00);
	assert_int_equal(d[15], 0x61);
	struct pkg_list l = {0};
	struct err e = {{0}};
	if (rpmdb_read("var/lib/rpm/Packages", d, len, &l, &e) != 0)
		fail_msg("%s", e.msg);
	compare_expected(&l, "rpmdb/libuuid/expected.txt", 0);
	assert_int_equal(l.v[0].nfiles, 7);
	pkg_list_free(&l);
	free(d);
}

static void test_ndb_fixture(void **state)
{
	(void)state;
	size_t len;
	unsigned char *d = load("rpmdb/sle15-bci/Packages.db", &len);
	struct pkg_list l = {0};
	struct err e = {{0}};
	if (rpmdb_read("usr/lib/sysimage/rpm/Packages.db", d, len, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_true(l.len >= 35);
	compare_expected(&l, "rpmdb/sle15-bci/expected.txt", 35);
	check_sane(&l);
	const struct pkg *glibc = find_pkg(&l, "glibc");
	assert_true(has_file(glibc, "lib64/libc.so.6"));
	assert_string_equal(glibc->vendor, "SUSE LLC <https://www.suse.com/>");
	const struct pkg *fs = find_pkg(&l, "filesystem");
	assert_true(fs->nfiles > 700);
	assert_true(has_file(fs, "usr/bin"));
	pkg_list_free(&l);

	/* rpm lists ndb packages by blob offset, not by slot: reversing the
	 * slot table of the first page changes nothing. */
	size_t nslots = 4096 / 16 - 2;
	unsigned char *tmp = malloc(16);
	assert_non_null(tmp);
	for (size_t i = 0; i < nslots / 2; i++) {
		unsigned char *a = d + 32 + 16 * i, *z = d + 32 + 16 * (nslots - 1 - i);
		memcpy(tmp, a, 16);
		memcpy(a, z, 16);
		memcpy(z, tmp, 16);
	}
	free(tmp);
	if (rpmdb_read("var/lib/rpm/Packages.db", d, len, &l, &e) != 0)
		fail_msg("%s", e.msg);
	compare_expected(&l, "rpmdb/sle15-bci/expected.txt", 35);
	pkg_list_free(&l);
	free(d);
}

/* ---- fixtures: damage ------------------------------------------------------ */

struct fixture {
	const char *rel, *path;
};

static const struct fixture fixtures[] = {
	{"rpmdb/cbl-mariner-2.0/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite"},
	{"rpmdb/libuuid/Packages", "var/lib/rpm/Packages"},
	{"rpmdb/sle15-bci/Packages.db", "var/lib/rpm/Packages.db"},
};

static void test_truncated(void **state)
{
	(void)state;
	for (size_t f = 0; f < ARRAY_LEN(fixtures); f++) {
		size_t len;
		unsigned char *d = load(fixtures[f].rel, &len);
		size_t cuts[] = {0,	    1,		8,	     15,	16,	      17,
				 100,	    511,	512,	     4095,	4096,	      4097,
				 8192 + 33, len / 3,	len / 2,     len - 4096, len - 16,    len - 1};
		for (size_t i = 0; i < ARRAY_LEN(cuts); i++) {
			if (cuts[i] >= len)
				continue;
			/* A private copy of exactly the cut length, so ASan sees any over-read. */
			unsigned char *c = malloc(cuts[i] ? cuts[i] : 1);
			assert_non_null(c);
			memcpy(c, d, cuts[i]);
			expect_fail(fixtures[f].path, c, cuts[i], NULL);
			free(c);
		}
		free(d);
	}
	/* The messages name the problem. */
	size_t len;
	unsigned char *d = load("rpmdb/libuuid/Packages", &len);
	expect_fail("var/lib/rpm/Packages", d, len - 4096, "truncated");
	expect_fail("var/lib/rpm/Packages", d, 0, "empty file");
	expect_fail("var/lib/rpm/Packages", d, 8, "expected a BerkeleyDB hash database");
	free(d);
	d = load("rpmdb/sle15-bci/Packages.db", &len);
	expect_fail("var/lib/rpm/Packages.db", d, len - 16, "outside");
	expect_fail("var/lib/rpm/Packages.db", d, len - 1, "truncated");
	expect_fail("var/lib/rpm/Packages.db", d, 3, "expected an rpm ndb database");
	free(d);
	d = load("rpmdb/cbl-mariner-2.0/rpmdb.sqlite", &len);
	expect_fail("var/lib/rpm/rpmdb.sqlite", d, len - 4096, "truncated");
	expect_fail("var/lib/rpm/rpmdb.sqlite", d, 50, "truncated");
	free(d);
}

static void test_corrupt_bdb(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = load("rpmdb/libuuid/Packages", &len);
	unsigned char *d = malloc(len);
	assert_non_null(d);
	const char *path = "var/lib/rpm/Packages";

	memcpy(d, orig, len);
	d[12] ^= 0xff; /* magic */
	expect_fail(path, d, len, "unrecognised");

	memcpy(d, orig, len);
	put_le32(d + 20, 3000); /* page size */
	expect_fail(path, d, len, "page size");

	memcpy(d, orig, len);
	put_le32(d + 32, get_le32(d + 32) + 100); /* last page beyond the file */
	expect_fail(path, d, len, "truncated");

	memcpy(d, orig, len);
	put_le32(d + 72, 0x7fffffff); /* max bucket */
	expect_fail(path, d, len, "buckets");

	memcpy(d, orig, len);
	put_le32(d + 96, 5000); /* spares[0]: bucket 0 far past the end */
	expect_fail(path, d, len, "past the last page");

	/* Damage every page header in turn: page number, type, item count, next link. */
	uint32_t pagesize = get_le32(orig + 20), lastpage = get_le32(orig + 32);
	size_t failures = 0;
	for (uint32_t pg = 1; pg <= lastpage; pg++) {
		unsigned char *p = d + (size_t)pg * pagesize;
		static const size_t fields[] = {8, 16, 20, 22, 25};
		for (size_t f = 0; f < ARRAY_LEN(fields); f++) {
			memcpy(d, orig, len);
			if (p[fields[f]] == 0 && fields[f] == 16)
				p[16] = (unsigned char)pg; /* a loop back to itself */
			else
				p[fields[f]] ^= 0x5a;
			struct pkg_list l = {0};
			struct err e = {{0}};
			if (rpmdb_read(path, d, len, &l, &e) != 0) {
				assert_true(e.msg[0] != '\0');
				failures++;
			}
			pkg_list_free(&l);
		}
	}
	/* Not every page is in use, but damage to those that are must be caught. */
	assert_true(failures > 0);

	/* Find the overflow chain of the package and break it in specific ways. */
	uint32_t first_ov = 0;
	for (uint32_t pg = 1; pg <= lastpage && !first_ov; pg++)
		if (orig[(size_t)pg * pagesize + 25] == 7 &&
		    get_le32(orig + (size_t)pg * pagesize + 12) == 0)
			first_ov = pg;
	assert_true(first_ov != 0);
	unsigned char *ov = d + (size_t)first_ov * pagesize;
	memcpy(d, orig, len);
	ov[25] = 13; /* overflow page claims to be a hash page */
	expect_fail(path, d, len, "overflow chain has type");
	memcpy(d, orig, len);
	put_le16(ov + 22, 0); /* holds no bytes */
	expect_fail(path, d, len, "holds 0 bytes");
	memcpy(d, orig, len);
	put_le32(ov + 16, first_ov); /* chain loops on itself: ends by its length */
	expect_fail(path, d, len, NULL);
	memcpy(d, orig, len);
	put_le32(ov + 8, first_ov + 1); /* mislabelled */
	expect_fail(path, d, len, "labelled");
	free(d);
	free(orig);
}

static void test_corrupt_ndb(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = load("rpmdb/sle15-bci/Packages.db", &len);
	unsigned char *d = malloc(len);
	assert_non_null(d);
	const char *path = "var/lib/rpm/Packages.db";

	memcpy(d, orig, len);
	d[4] = 1; /* version */
	expect_fail(path, d, len, "version");
	memcpy(d, orig, len);
	put_le32(d + 12, 5000); /* slot pages */
	expect_fail(path, d, len, "slot page");
	memcpy(d, orig, len);
	put_le32(d + 12, 400); /* slot pages beyond the file */
	expect_fail(path, d, len, "truncated");
	memcpy(d, orig, len);
	d[32] = 'X'; /* first slot's magic */
	expect_fail(path, d, len, "bad magic");
	memcpy(d, orig, len);
	put_le32(d + 32 + 8, 0xfffffff0u); /* blob offset far beyond */
	expect_fail(path, d, len, "outside");
	memcpy(d, orig, len);
	put_le32(d + 32 + 12, get_le32(orig + 48 + 8) - get_le32(orig + 32 + 8) + 1);
	expect_fail(path, d, len, NULL); /* first blob grows into the second */
	uint32_t blkoff = get_le32(orig + 32 + 8), blkcnt = get_le32(orig + 32 + 12);
	unsigned char *blob = d + (size_t)blkoff * 16;
	memcpy(d, orig, len);
	blob[0] = 'X'; /* blob head magic */
	expect_fail(path, d, len, "no blob");
	memcpy(d, orig, len);
	put_le32(blob + 12, get_le32(blob + 12) + 64); /* blob length */
	expect_fail(path, d, len, "does not fill");
	memcpy(d, orig, len);
	blob[(size_t)blkcnt * 16 - 1] = 'X'; /* tail magic */
	expect_fail(path, d, len, "trailer");
	memcpy(d, orig, len);
	put_be32(blob + 16, 0x10000); /* the header's own index count */
	expect_fail(path, d, len, "implausible counts");
	free(d);
	free(orig);
}

static void test_corrupt_sqlite(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = load("rpmdb/cbl-mariner-2.0/rpmdb.sqlite", &len);
	unsigned char *d = malloc(len);
	assert_non_null(d);
	const char *path = "var/lib/rpm/rpmdb.sqlite";

	memcpy(d, orig, len);
	d[0] = 'X';
	expect_fail(path, d, len, "expected an SQLite database");
	memcpy(d, orig, len);
	d[16] = 0x03; /* page size 0x0310 */
	expect_fail(path, d, len, "page size");
	/* Wipe the schema page below the file header: SQLite reports corruption. */
	memcpy(d, orig, len);
	memset(d + 100, 0xa5, 4096 - 100);
	expect_fail(path, d, len, "sqlite");
	free(d);
	free(orig);
}

/* Random damage to each fixture: whatever the outcome, never a crash, an
 * over-read (ASan) or an unexplained failure. */
static void test_random_damage(void **state)
{
	(void)state;
	uint64_t seed = 0x5eed;
	for (size_t f = 0; f < ARRAY_LEN(fixtures); f++) {
		size_t len;
		unsigned char *orig = load(fixtures[f].rel, &len);
		unsigned char *d = malloc(len);
		assert_non_null(d);
		int rounds = f == 0 ? 60 : 400; /* the SQLite file is large and slow to copy */
		for (int r = 0; r < rounds; r++) {
			memcpy(d, orig, len);
			int flips = 1 + (int)(rnd(&seed) % 8);
			for (int k = 0; k < flips; k++) {
				/* Mostly near the structures at the start, sometimes anywhere. */
				size_t span = rnd(&seed) % 2 ? len : (len < 16384 ? len : 16384);
				d[rnd(&seed) % span] ^= (unsigned char)(1 + rnd(&seed) % 255);
			}
			read_any(fixtures[f].path, d, len);
		}
		free(d);
		free(orig);
	}
}

/* ---- header blobs built here ----------------------------------------------- */

static void test_header_good(void **state)
{
	(void)state;
	size_t len;
	unsigned char *b = bash_header(&len);
	struct pkg p;
	struct err e = {{0}};
	if (rpm_header_parse(b, len, &p, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(p.type, PKG_RPM);
	assert_string_equal(p.name, "bash");
	assert_string_equal(p.version, "5.1.8-6.el9");
	assert_int_equal(p.epoch, 1);
	assert_string_equal(p.arch, "x86_64");
	assert_string_equal(p.license, "GPLv3+");
	assert_string_equal(p.vendor, "Acme");
	assert_string_equal(p.sourcerpm, "bash-5.1.8-6.el9.src.rpm");
	assert_string_equal(p.src_name, "bash");
	assert_string_equal(p.src_version, "5.1.8-6.el9");
	assert_string_equal(p.modularity_label, "bash:5:9000:abc");
	assert_int_equal(p.nfiles, 3);
	assert_string_equal(p.files[0], "usr/bin");
	assert_string_equal(p.files[1], "usr/bin/bash");
	assert_string_equal(p.files[2], "usr/bin/sh");
	pkg_clear(&p);
	free(b);

	/* Without a region (a legacy v3 header), without EPOCH, with a
	 * source rpm name that cannot be split, and an I18NSTRING license. */
	const struct hent legacy[] = {
		STR(1000, "old"),  STR(1001, "1.0"),		 STR(1002, "1"),
		{1014, T_I18N, 2, "GPL\0GPL-de", sizeof "GPL\0GPL-de"}, STR(1044, "weird.src.rpm"),
		ARR(1027, 2, "/etc/old.conf\0/../../escape"),
	};
	b = build_header(legacy, ARRAY_LEN(legacy), false, &len);
	if (rpm_header_parse(b, len, &p, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(p.name, "old");
	assert_int_equal(p.epoch, -1);
	assert_null(p.arch);
	assert_string_equal(p.license, "GPL");
	assert_string_equal(p.sourcerpm, "weird.src.rpm");
	assert_null(p.src_name);
	assert_null(p.src_version);
	/* OLDFILENAMES are used when there are no BASENAMES; a path climbing
	 * above the root is dropped. */
	assert_int_equal(p.nfiles, 1);
	assert_string_equal(p.files[0], "etc/old.conf");
	pkg_clear(&p);
	free(b);

	/* A dribble entry after the region replaces the region's entry. */
	const struct hent dribble[] = {
		STR(1000, "pkg"), STR(1001, "1"), STR(1002, "1"), STR(1022, "i686"), STR(1022, "noarch"),
	};
	b = build_header(dribble, ARRAY_LEN(dribble), true, &len);
	/* Shrink the region to 5 records (region tag + 4): the second ARCH
	 * becomes a dribble, added after install, and wins. */
	put_be32(store(b) + rec_field(b, 0, 2) + 8, (uint32_t)-(5 * 16));
	if (rpm_header_parse(b, len, &p, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(p.arch, "noarch");
	pkg_clear(&p);
	free(b);
}

static void test_header_bad(void **state)
{
	(void)state;
	size_t len;
	unsigned char *good = bash_header(&len);
	unsigned char *b = malloc(len + 16);
	assert_non_null(b);
	const size_t NAME = 1, EPOCH = 4, SRPM = 8, DIRIDX = 9, BASEN = 10, MODL = 12;
	uint32_t dl = (uint32_t)(len - 8 - 16 * 13);

	header_fails(good, 7, "too short");
	header_fails(good, len - 1, "blob is");

	memcpy(b, good, len);
	put_be32(b, 0x10000);
	header_fails(b, len, "implausible counts");
	memcpy(b, good, len);
	put_be32(b, 0);
	header_fails(b, len, "implausible counts");
	memcpy(b, good, len);
	put_be32(b + 4, dl + 16);
	header_fails(b, len, "blob is");
	memcpy(b, good, len);
	put_be32(b, 14); /* one entry more than there is room for */
	header_fails(b, len, "blob is");

	memcpy(b, good, len);
	put_be32(rec(b, MODL) + 8, dl + 5); /* offset past the store */
	header_fails(b, len, "past the");
	memcpy(b, good, len);
	put_be32(rec(b, SRPM) + 8, rec_field(b, SRPM - 1, 2)); /* same offset as the entry before */
	header_fails(b, len, "overlaps the previous entry");
	memcpy(b, good, len);
	put_be32(rec(b, EPOCH) + 8, rec_field(b, EPOCH, 2) + 1);
	header_fails(b, len, "misaligned");
	memcpy(b, good, len);
	put_be32(rec(b, DIRIDX) + 12, 0x7fffffff);
	header_fails(b, len, "implausible count");
	memcpy(b, good, len);
	put_be32(rec(b, DIRIDX) + 12, 60); /* fits in dl, not in the store after it */
	header_fails(b, len, "does not fit");
	memcpy(b, good, len);
	put_be32(rec(b, BASEN) + 12, 50); /* more strings than there are */
	header_fails(b, len, "does not fit");
	memcpy(b, good, len);
	put_be32(rec(b, NAME) + 4, 42);
	header_fails(b, len, "invalid type");
	memcpy(b, good, len);
	put_be32(rec(b, NAME) + 4, 0);
	header_fails(b, len, "invalid type");
	memcpy(b, good, len);
	put_be32(rec(b, NAME), 50);
	header_fails(b, len, "reserved tag");
	memcpy(b, good, len);
	put_be32(rec(b, MODL) + 12, 2); /* STRING with count 2 */
	header_fails(b, len, "does not fit");
	/* The last entry's string runs into the region trailer. */
	memcpy(b, good, len);
	store(b)[rec_field(b, MODL, 2) + sizeof "bash:5:9000:abc" - 1] = 'x';
	header_fails(b, len, "region trailer");

	/* Region tag and trailer. */
	memcpy(b, good, len);
	put_be32(rec(b, 0) + 12, 17);
	header_fails(b, len, "region tag");
	memcpy(b, good, len);
	put_be32(rec(b, 0) + 8, dl - 8);
	header_fails(b, len, "outside");
	memcpy(b, good, len);
	put_be32(store(b) + dl - 16 + 4, T_STRING);
	header_fails(b, len, "bad region trailer");
	memcpy(b, good, len);
	put_be32(store(b) + dl - 16 + 8, (uint32_t)-(20 * 16));
	header_fails(b, len, "region trailer claims");
	memcpy(b, good, len);
	put_be32(store(b) + dl - 16 + 8, (uint32_t)-(3 * 16 + 4));
	header_fails(b, len, "region trailer claims");

	/* Well-formed structure, wrong contents. */
	memcpy(b, good, len);
	put_be32(store(b) + rec_field(b, DIRIDX, 2) + 4, 7);
	header_fails(b, len, "directory index 7");
	memcpy(b, good, len);
	put_be32(rec(b, DIRIDX) + 12, 2);
	header_fails(b, len, "3 BASENAMES but 2 DIRINDEXES");
	memcpy(b, good, len);
	put_be32(store(b) + rec_field(b, EPOCH, 2), 0x80000000u);
	header_fails(b, len, "out of range");
	memcpy(b, good, len);
	put_be32(rec(b, NAME) + 4, T_BIN); /* NAME as binary */
	header_fails(b, len, "expected a string");
	memcpy(b, good, len);
	put_be32(rec(b, BASEN) + 4, T_STRING); /* with count 3: no longer fits */
	header_fails(b, len, "does not fit");
	memcpy(b, good, len);
	store(b)[rec_field(b, NAME, 2)] = '\0'; /* empty NAME */
	header_fails(b, len, "NAME");
	memcpy(b, good, len);
	put_be32(rec(b, NAME), 1099); /* no NAME tag at all */
	header_fails(b, len, "missing or empty NAME");

	free(b);
	free(good);
}

/* Every single-byte change of a header, several values each: parse or fail
 * cleanly, never read out of bounds. */
static void test_header_every_byte(void **state)
{
	(void)state;
	size_t len;
	unsigned char *good = bash_header(&len);
	static const unsigned char vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x10, 0x04, 0x06};
	for (size_t i = 0; i < len; i++) {
		for (size_t v = 0; v < ARRAY_LEN(vals); v++) {
			unsigned char *b = malloc(len);
			assert_non_null(b);
			memcpy(b, good, len);
			b[i] = vals[v];
			struct pkg p;
			struct err e = {{0}};
			if (rpm_header_parse(b, len, &p, &e) == 0) {
				assert_non_null(p.name);
				pkg_clear(&p);
			} else {
				assert_true(e.msg[0] != '\0');
				assert_null(p.name);
			}
			free(b);
		}
	}
	free(good);
}

/* ---- databases built here ---------------------------------------------------- */

/* An rpm-shaped SQLite database holding the given blobs, serialized. */
static unsigned char *make_sqlite(const char *schema, unsigned char *const *blobs,
				  const size_t *lens, size_t n, size_t *outlen)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, schema, NULL, NULL, NULL), SQLITE_OK);
	if (n > 0) {
		sqlite3_stmt *st;
		assert_int_equal(
			sqlite3_prepare_v2(db, "INSERT INTO Packages(blob) VALUES(?)", -1, &st, NULL),
			SQLITE_OK);
		for (size_t i = 0; i < n; i++) {
			sqlite3_bind_blob(st, 1, blobs[i], (int)lens[i], SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	sqlite3_int64 sz;
	unsigned char *ser = sqlite3_serialize(db, "main", &sz, 0);
	assert_non_null(ser);
	unsigned char *out = malloc((size_t)sz);
	assert_non_null(out);
	memcpy(out, ser, (size_t)sz);
	sqlite3_free(ser);
	sqlite3_close(db);
	*outlen = (size_t)sz;
	return out;
}

#define RPM_SCHEMA                                                                       \
	"CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);"

static void test_sqlite_crafted(void **state)
{
	(void)state;
	size_t blen, klen, dlen;
	unsigned char *bash = bash_header(&blen);
	unsigned char *key = build_header(pubkey_entries, ARRAY_LEN(pubkey_entries), true, &klen);
	unsigned char *blobs[] = {key, bash, key};
	size_t lens[] = {klen, blen, klen};
	unsigned char *d = make_sqlite(RPM_SCHEMA, blobs, lens, 3, &dlen);
	struct pkg_list l = {0};
	struct err e = {{0}};
	/* gpg-pubkey headers are keys, not packages. */
	if (rpmdb_read("var/lib/rpm/rpmdb.sqlite", d, dlen, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.len, 1);
	assert_string_equal(l.v[0].name, "bash");
	/* Appends to what the list already holds. */
	if (rpmdb_read("var/lib/rpm/rpmdb.sqlite", d, dlen, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.len, 2);
	pkg_list_free(&l);
	free(d);

	/* A database in WAL mode is read from the bytes alone. */
	d = make_sqlite(RPM_SCHEMA, blobs, lens, 3, &dlen);
	d[18] = d[19] = 2;
	if (rpmdb_read("var/lib/rpm/rpmdb.sqlite", d, dlen, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.len, 1);
	pkg_list_free(&l);
	free(d);

	/* An empty database has no packages, which is not an error. */
	d = make_sqlite(RPM_SCHEMA, NULL, NULL, 0, &dlen);
	assert_int_equal(rpmdb_read("var/lib/rpm/rpmdb.sqlite", d, dlen, &l, &e), 0);
	assert_int_equal(l.len, 0);
	free(d);

	/* No hnum column; a broken header, whose row is named; a non-BLOB value. */
	d = make_sqlite("CREATE TABLE Packagez (hnum INTEGER PRIMARY KEY, blob BLOB);"
			"CREATE TABLE Packages (blob BLOB);",
			blobs, lens, 1, &dlen);
	expect_fail("var/lib/rpm/rpmdb.sqlite", d, dlen, "Packages");
	free(d);
	unsigned char text[] = "not a header";
	unsigned char *tb[] = {text};
	size_t tl[] = {sizeof text};
	d = make_sqlite(RPM_SCHEMA, tb, tl, 1, &dlen);
	expect_fail("var/lib/rpm/rpmdb.sqlite", d, dlen, "hnum=1: rpm header: implausible counts");
	free(d);
	d = make_sqlite(RPM_SCHEMA "INSERT INTO Packages(blob) VALUES('text');", NULL, NULL, 0,
			&dlen);
	expect_fail("var/lib/rpm/rpmdb.sqlite", d, dlen, "not a BLOB");
	free(d);
	/* Views are disabled: a view named Packages cannot run queries for a stranger. */
	d = make_sqlite("CREATE TABLE t (hnum INTEGER PRIMARY KEY, blob BLOB);"
			"CREATE VIEW Packages AS SELECT hnum, blob FROM t;"
			"CREATE TABLE Dummy (blob);",
			NULL, NULL, 0, &dlen);
	expect_fail("var/lib/rpm/rpmdb.sqlite", d, dlen, "sqlite");
	free(d);
	free(bash);
	free(key);
}

/* A hand-made BerkeleyDB hash file: 1024-byte pages, one bucket whose page
 * chains to a second; values stored on the page itself (small headers), the
 * header-number-0 bookkeeping record, and a gpg-pubkey. */
static unsigned char *make_bdb(size_t *outlen)
{
	const size_t ps = 1024;
	size_t blen, klen;
	unsigned char *bash = bash_header(&blen);
	unsigned char *key = build_header(pubkey_entries, ARRAY_LEN(pubkey_entries), true, &klen);
	unsigned char *d = calloc(3, ps);
	assert_non_null(d);
	put_le32(d + 12, 0x00061561);
	put_le32(d + 16, 9);
	put_le32(d + 20, (uint32_t)ps);
	put_le32(d + 32, 2); /* last page */
	put_le32(d + 72, 0); /* max bucket */
	put_le32(d + 96, 1); /* spares[0]: bucket 0 is page 1 */

	struct item {
		const unsigned char *p;
		size_t n;
		uint32_t keynum;
	} pages[2][4] = {
		{{NULL, 4, 0}},			     /* page 1: the record for header number 0 */
		{{bash, blen, 7}, {key, klen, 8}}, /* page 2: two headers */
	};
	size_t counts[2] = {1, 2};
	for (size_t pg = 1; pg <= 2; pg++) {
		unsigned char *p = d + pg * ps;
		put_le32(p + 8, (uint32_t)pg);
		put_le32(p + 16, pg == 1 ? 2 : 0); /* next page in the bucket */
		p[25] = 13;
		size_t top = ps, idx = 0;
		for (size_t i = 0; i < counts[pg - 1]; i++) {
			const struct item *it = &pages[pg - 1][i];
			top -= 5; /* key item: type + 4-byte number */
			p[top] = 1;
			put_le32(p + top + 1, it->keynum);
			put_le16(p + 26 + 2 * idx++, (uint16_t)top);
			top -= 1 + it->n; /* value item: type + data */
			p[top] = 1;
			if (it->p)
				memcpy(p + top + 1, it->p, it->n);
			put_le16(p + 26 + 2 * idx++, (uint16_t)top);
		}
		put_le16(p + 20, (uint16_t)idx);
		put_le16(p + 22, (uint16_t)top);
	}
	free(bash);
	free(key);
	*outlen = 3 * ps;
	return d;
}

static void test_bdb_crafted(void **state)
{
	(void)state;
	size_t len;
	unsigned char *d = make_bdb(&len);
	struct pkg_list l = {0};
	struct err e = {{0}};
	if (rpmdb_read("var/lib/rpm/Packages", d, len, &l, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.len, 1);
	assert_string_equal(l.v[0].name, "bash");
	assert_int_equal(l.v[0].nfiles, 3);
	pkg_list_free(&l);

	const size_t ps = 1024;
	put_le32(d + 2 * ps + 16, 1); /* page 2 links back to page 1 */
	expect_fail("var/lib/rpm/Packages", d, len, "reached twice");
	put_le32(d + 2 * ps + 16, 0);
	put_le16(d + 2 * ps + 20, 3); /* odd item count */
	expect_fail("var/lib/rpm/Packages", d, len, "claims 3 items");
	put_le16(d + 2 * ps + 20, 4);
	put_le16(d + 2 * ps + 26, 2000); /* item offset beyond the page */
	expect_fail("var/lib/rpm/Packages", d, len, "bad offset");
	free(d);

	d = make_bdb(&len);
	d[2 * ps + get_le16(d + 2 * ps + 28)] = 2; /* value stored as duplicates */
	expect_fail("var/lib/rpm/Packages", d, len, "duplicates");
	free(d);
	d = make_bdb(&len);
	put_le32(d + 12, 0x00053162); /* a btree file */
	expect_fail("var/lib/rpm/Packages", d, len, "btree");
	free(d);
	d = make_bdb(&len);
	d[24] = 1; /* encrypted */
	expect_fail("var/lib/rpm/Packages", d, len, "encrypted");
	free(d);
}

/* ---- the analyzer ----------------------------------------------------------- */

static void test_analyzer(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"var/lib/rpm/Packages",		   "var/lib/rpm/Packages.db",
		"var/lib/rpm/rpmdb.sqlite",	   "usr/lib/sysimage/rpm/Packages",
		"usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite",
	};
	static const char *const no[] = {
		"var/lib/rpm/Name", "var/lib/rpm/rpmdb.sqlite-wal", "lib/rpm/Packages",
		"/var/lib/rpm/Packages", "var/lib/rpm/Packages/x", "var/lib/dpkg/status",
	};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		assert_true(analyzer_rpm.match(yes[i]));
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		assert_false(analyzer_rpm.match(no[i]));
	assert_int_equal(analyzer_rpm.max_bytes, (size_t)512 << 20);

	size_t len;
	unsigned char *d = load("rpmdb/sle15-bci/Packages.db", &len);
	struct analyzer_input in = {"usr/lib/sysimage/rpm/Packages.db", d, len, false};
	struct analysis a;
	memset(&a, 0, sizeof a);
	struct err e = {{0}};
	if (analyzer_rpm.parse(&in, &a, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(a.pkgs.len, 35);
	assert_string_equal(a.pkgs.v[0].name, "system-user-root");
	pkg_list_free(&a.pkgs);

	in.truncated = true;
	memset(&a, 0, sizeof a);
	assert_int_equal(analyzer_rpm.parse(&in, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cap"));
	assert_int_equal(a.pkgs.len, 0);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_fixture),	 cmocka_unit_test(test_bdb_fixture),
		cmocka_unit_test(test_bdb_big_endian),	 cmocka_unit_test(test_ndb_fixture),
		cmocka_unit_test(test_truncated),	 cmocka_unit_test(test_corrupt_bdb),
		cmocka_unit_test(test_corrupt_ndb),	 cmocka_unit_test(test_corrupt_sqlite),
		cmocka_unit_test(test_random_damage),	 cmocka_unit_test(test_header_good),
		cmocka_unit_test(test_header_bad),	 cmocka_unit_test(test_header_every_byte),
		cmocka_unit_test(test_sqlite_crafted),	 cmocka_unit_test(test_bdb_crafted),
		cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
