/* apk analyzer: the installed database of two real Alpine images (read from
 * the docker-save fixtures in memory with libarchive), the OS detected from
 * their release files, and crafted databases for the format's corners and
 * for hostile input. */
#include "testutil.h"

#include "analyzer/analyzer.h"
#include "inventory/inventory.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading files out of a docker-save archive, in memory ---- */

struct image_files {
	const char *const *want; /* normalised paths */
	size_t n;
	struct buf *got; /* got[i] for want[i]; data NULL when absent */
};

static void read_entry(struct archive *a, struct buf *out)
{
	out->len = 0;
	char chunk[65536];
	la_ssize_t r;
	while ((r = archive_read_data(a, chunk, sizeof chunk)) > 0)
		buf_append(out, chunk, (size_t)r);
	assert_true(r == 0);
	if (!out->data)
		buf_append(out, "", 0);
}

/* Walk one layer.tar (in memory); a later layer's file replaces an earlier one. */
static void scan_layer(const void *tar, size_t len, struct image_files *f)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_memory(a, tar, len), ARCHIVE_OK);
	struct archive_entry *ent;
	while (archive_read_next_header(a, &ent) == ARCHIVE_OK) {
		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		char *path = path_normalize(archive_entry_pathname(ent));
		for (size_t i = 0; path && i < f->n; i++)
			if (strcmp(path, f->want[i]) == 0)
				read_entry(a, &f->got[i]);
		free(path);
	}
	archive_read_free(a);
}

/* Fill f->got from every <hex>/layer.tar of the gzip docker-save archive. */
static void read_image(const char *image, struct image_files *f)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, image, 65536), ARCHIVE_OK);
	struct archive_entry *ent;
	int layers = 0;
	while (archive_read_next_header(a, &ent) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);
		size_t n = strlen(name);
		if (n < 10 || strcmp(name + n - 10, "/layer.tar") != 0)
			continue;
		struct buf layer = {0};
		read_entry(a, &layer);
		scan_layer(layer.data, layer.len, f);
		buf_free(&layer);
		layers++;
	}
	archive_read_free(a);
	assert_true(layers > 0);
}

static const char *const wanted[] = {"lib/apk/db/installed", "etc/os-release", "etc/alpine-release"};

struct alpine {
	struct buf files[ARRAY_LEN(wanted)];
	struct analysis db;
	struct os_info os;
};

static void load_alpine(const char *image, struct alpine *al)
{
	memset(al, 0, sizeof *al);
	struct image_files f = {wanted, ARRAY_LEN(wanted), al->files};
	read_image(image, &f);
	for (size_t i = 0; i < ARRAY_LEN(wanted); i++) {
		assert_non_null(al->files[i].data);
		/* Every one of these paths is what the walk would hand our analyzers. */
		const struct analyzer *an = i == 0 ? &analyzer_apk : &analyzer_os_release;
		assert_true(an->match(wanted[i]));
		assert_true(al->files[i].len <= an->max_bytes);
	}

	struct err e = {{0}};
	struct analyzer_input in = {wanted[0], al->files[0].data, al->files[0].len, false};
	if (analyzer_apk.parse(&in, &al->db, &e) != 0)
		fail_msg("apk parse failed: %s", e.msg);

	struct analysis rel[2] = {{0}};
	const char *paths[2], *texts[2];
	for (size_t i = 1; i < ARRAY_LEN(wanted); i++) {
		struct analyzer_input rin = {wanted[i], al->files[i].data, al->files[i].len, false};
		assert_int_equal(analyzer_os_release.parse(&rin, &rel[i - 1], &e), 0);
		paths[i - 1] = wanted[i];
		texts[i - 1] = rel[i - 1].release_text;
	}
	assert_int_equal(os_detect(paths, texts, 2, &al->os), 0);
	analysis_clear(&rel[0]);
	analysis_clear(&rel[1]);
}

static void free_alpine(struct alpine *al)
{
	for (size_t i = 0; i < ARRAY_LEN(wanted); i++)
		buf_free(&al->files[i]);
	analysis_clear(&al->db);
	os_info_clear(&al->os);
}

static const struct pkg *find_pkg(const struct pkg_list *l, const char *name)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

static bool has_file(const struct pkg *p, const char *path)
{
	for (size_t i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], path) == 0)
			return true;
	return false;
}

/* ---- real images ---- */

static void test_alpine_310(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(image, "images/alpine-310.tar.gz");
	struct alpine al;
	load_alpine(image, &al);

	/* The db lists these 14, in this order (grep '^P:' of the file). */
	static const char *const names[] = {
		"musl", "busybox", "alpine-baselayout", "alpine-keys", "libcrypto1.1", "libssl1.1",
		"ca-certificates-cacert", "libtls-standalone", "ssl_client", "zlib", "apk-tools", "scanelf",
		"musl-utils", "libc-utils",
	};
	const struct pkg_list *l = &al.db.pkgs;
	assert_int_equal(l->len, 14);
	size_t nfiles = 0;
	for (size_t i = 0; i < l->len; i++) {
		assert_string_equal(l->v[i].name, names[i]);
		assert_int_equal(l->v[i].type, PKG_APK);
		assert_string_equal(l->v[i].arch, "x86_64");
		assert_string_equal(l->v[i].src_version, l->v[i].version);
		assert_non_null(l->v[i].checksum);
		assert_non_null(l->v[i].license);
		nfiles += l->v[i].nfiles;
	}
	/* 78 "R:" lines in the file, none of them odd. */
	assert_int_equal(nfiles, 78);

	const struct pkg *p = find_pkg(l, "libcrypto1.1");
	assert_non_null(p);
	assert_string_equal(p->version, "1.1.1c-r0");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->license, "OpenSSL");
	assert_string_equal(p->maintainer, "Timo Teras <timo.teras@iki.fi>");
	assert_true(has_file(p, "etc/ssl/openssl.cnf"));
	assert_true(has_file(p, "etc/ssl/misc/CA.pl"));

	p = find_pkg(l, "musl");
	assert_non_null(p);
	assert_string_equal(p->version, "1.1.22-r3");
	assert_string_equal(p->src_name, "musl");
	assert_string_equal(p->license, "MIT");
	assert_string_equal(p->checksum, "Q11Ing8/u1VIdY9czSxaDO9wJg72I=");
	assert_string_equal(p->maintainer, "Timo Teräs <timo.teras@iki.fi>");
	assert_int_equal(p->nfiles, 2);
	assert_string_equal(p->files[0], "lib/libc.musl-x86_64.so.1");
	assert_string_equal(p->files[1], "lib/ld-musl-x86_64.so.1");

	p = find_pkg(l, "libc-utils");
	assert_non_null(p);
	assert_string_equal(p->src_name, "libc-dev");
	assert_string_equal(p->version, "0.7.1-r0");

	assert_string_equal(al.os.family, "alpine");
	assert_string_equal(al.os.name, "3.10.2");
	assert_string_equal(al.os.pretty, "Alpine Linux v3.10");
	free_alpine(&al);
}

static void test_alpine_39(void **state)
{
	(void)state;
	REQUIRE_FIXTURE(image, "images/alpine-39.tar.gz");
	struct alpine al;
	load_alpine(image, &al);
	assert_int_equal(al.db.pkgs.len, 14);
	const struct pkg *p = find_pkg(&al.db.pkgs, "musl");
	assert_non_null(p);
	assert_string_equal(p->version, "1.1.20-r4");
	p = find_pkg(&al.db.pkgs, "busybox");
	assert_non_null(p);
	assert_string_equal(p->version, "1.29.3-r10");
	p = find_pkg(&al.db.pkgs, "libssl1.1");
	assert_non_null(p);
	assert_string_equal(p->version, "1.1.1b-r1");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(al.os.family, "alpine");
	assert_string_equal(al.os.name, "3.9.4");
	assert_string_equal(al.os.pretty, "Alpine Linux v3.9");
	free_alpine(&al);
}

/* ---- crafted databases ---- */

static int parse_text(const char *text, struct analysis *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct analyzer_input in = {"lib/apk/db/installed", (const unsigned char *)text, strlen(text), false};
	return analyzer_apk.parse(&in, out, e);
}

static void test_match(void **state)
{
	(void)state;
	assert_true(analyzer_apk.match("lib/apk/db/installed"));
	assert_false(analyzer_apk.match("lib/apk/db/installed.old"));
	assert_false(analyzer_apk.match("usr/lib/apk/db/installed"));
	assert_false(analyzer_apk.match("lib/apk/db"));
	assert_int_equal(analyzer_apk.max_bytes, 64u * 1024 * 1024);
}

static void test_format_corners(void **state)
{
	(void)state;
	struct analysis a;
	struct err e = {{0}};
	/* CRLF line ends, several blank lines between records, no origin (the
	 * name is the default), files in two directories, no final newline. */
	const char *db = "C:Q1abc=\r\nP:foo\r\nV:1.0-r0\r\nA:aarch64\r\nF:usr/bin\r\nR:foo\r\nZ:Q1x=\r\n"
			 "F:usr/share/foo\r\nR:a.txt\r\n\r\n\r\n\n"
			 "P:bar\nV:2:1.0-r1\no:barsrc\nL:GPL-2.0-or-later\nm:Someone <s@x>\nF:etc\nR:bar.conf";
	assert_int_equal(parse_text(db, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 2);
	const struct pkg *p = &a.pkgs.v[0];
	assert_string_equal(p->name, "foo");
	assert_string_equal(p->version, "1.0-r0");
	assert_string_equal(p->arch, "aarch64");
	assert_string_equal(p->checksum, "Q1abc=");
	assert_string_equal(p->src_name, "foo");
	assert_string_equal(p->src_version, "1.0-r0");
	assert_null(p->license);
	assert_int_equal(p->nfiles, 2);
	assert_string_equal(p->files[0], "usr/bin/foo");
	assert_string_equal(p->files[1], "usr/share/foo/a.txt");
	p = &a.pkgs.v[1];
	assert_string_equal(p->name, "bar");
	assert_string_equal(p->version, "2:1.0-r1");
	assert_string_equal(p->src_name, "barsrc");
	assert_string_equal(p->license, "GPL-2.0-or-later");
	assert_string_equal(p->maintainer, "Someone <s@x>");
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], "etc/bar.conf");
	analysis_clear(&a);

	/* Files that climb out of the root, or name the root, are dropped;
	 * "./" and "//" are normalised. */
	assert_int_equal(parse_text("P:x\nV:1\nF:usr/../..\nR:evil\nF:./usr//lib/\nR:libx.so\nR:\n", &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	assert_int_equal(a.pkgs.v[0].nfiles, 1);
	assert_string_equal(a.pkgs.v[0].files[0], "usr/lib/libx.so");
	analysis_clear(&a);

	/* Empty input and blank lines only: no packages, no error. */
	assert_int_equal(parse_text("", &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	assert_int_equal(parse_text("\n\n\r\n", &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	analysis_clear(&a);
}

/* Where apk-tools refuses the database, so do we (and say why). */
static void test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *db, *why;
	} cases[] = {
		{"V:1.0\nA:x86_64\n\n", "no package name"},
		{"P:foo\nA:x86_64\n", "no version"},
		{"P:foo\nV:1\nR:orphan\n", "before any directory"},
		{"F:usr\nP:foo\nV:1\n", "before the package name"},
		{"P:foo\nV:1\ngarbage line\n", "expected"},
		{"P:foo\nV:1\n:x\n", "expected"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct analysis a;
		struct err e = {{0}};
		assert_int_equal(parse_text(cases[i].db, &a, &e), -1);
		if (!strstr(e.msg, cases[i].why))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, e.msg, cases[i].why);
		/* Nothing half-parsed is left behind. */
		assert_int_equal(a.pkgs.len, 0);
		analysis_clear(&a);
	}
}

static void test_hostile(void **state)
{
	(void)state;
	struct analysis a = {0};
	struct err e = {{0}};
	const char *db = "P:foo\nV:1\n\nP:bar\nV:2\n";

	/* A capped prefix: refused, even though it parses. */
	struct analyzer_input in = {"lib/apk/db/installed", (const unsigned char *)db, 10, true};
	assert_int_equal(analyzer_apk.parse(&in, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cap"));
	assert_int_equal(a.pkgs.len, 0);

	/* A NUL byte in the middle. */
	unsigned char nul[] = "P:foo\nV:1\0junk\n";
	struct analyzer_input in2 = {"lib/apk/db/installed", nul, sizeof nul - 1, false};
	assert_int_equal(analyzer_apk.parse(&in2, &a, &e), -1);
	assert_non_null(strstr(e.msg, "NUL byte at offset 9"));
	assert_int_equal(a.pkgs.len, 0);

	/* A 2 MiB line. */
	size_t big = 2u * 1024 * 1024;
	char *huge = xmalloc(big + 16);
	memcpy(huge, "P:foo\nT:", 8);
	memset(huge + 8, 'a', big);
	memcpy(huge + 8 + big, "\nV:1\n", 6);
	assert_int_equal(parse_text(huge, &a, &e), -1);
	assert_non_null(strstr(e.msg, "line 2 is"));
	assert_int_equal(a.pkgs.len, 0);
	free(huge);

	/* Zero bytes with a NULL pointer, as an empty file may come. */
	struct analyzer_input empty = {"lib/apk/db/installed", NULL, 0, false};
	assert_int_equal(analyzer_apk.parse(&empty, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	analysis_clear(&a);
}

static void test_many_packages(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < 5000; i++) {
		buf_appendf(&b, "P:pkg%d\nV:%d.0-r%d\nA:x86_64\no:origin%d\nF:usr/lib/pkg%d\n", i, i, i % 7, i / 10, i);
		for (int j = 0; j < 20; j++)
			buf_appendf(&b, "R:file%d\nZ:Q1x=\n", j);
		buf_append(&b, "\n", 1);
	}
	struct analysis a;
	struct err e = {{0}};
	assert_int_equal(parse_text((const char *)b.data, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 5000);
	assert_string_equal(a.pkgs.v[4321].name, "pkg4321");
	assert_string_equal(a.pkgs.v[4321].version, "4321.0-r2");
	assert_string_equal(a.pkgs.v[4321].src_name, "origin432");
	assert_int_equal(a.pkgs.v[4321].nfiles, 20);
	assert_string_equal(a.pkgs.v[4321].files[19], "usr/lib/pkg4321/file19");
	analysis_clear(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alpine_310),
		cmocka_unit_test(test_alpine_39),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_format_corners),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_many_packages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
