/* dpkg analyzers: the host's real status database against dpkg-query, crafted
 * status files (each Status case, Source forms, epochs) also checked against
 * dpkg-query --admindir, distroless status.d files, info/<pkg>.list files, and
 * hostile input. */
#include "testutil.h"

#include "analyzer/analyzer.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---- */

struct lines {
	char **v;
	size_t len, cap;
};

static void lines_add(struct lines *l, char *s)
{
	void *v = l->v;
	xgrow(&v, &l->cap, l->len + 1, sizeof *l->v);
	l->v = v;
	l->v[l->len++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_sort(struct lines *l)
{
	if (l->len)
		qsort(l->v, l->len, sizeof *l->v, cmp_str);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void assert_lines_equal(const struct lines *got, const struct lines *want, const char *what)
{
	size_t n = got->len < want->len ? got->len : want->len;
	for (size_t i = 0; i < n; i++)
		if (strcmp(got->v[i], want->v[i]) != 0)
			fail_msg("%s: line %zu: got \"%s\", want \"%s\"", what, i, got->v[i], want->v[i]);
	if (got->len != want->len)
		fail_msg("%s: got %zu lines, want %zu", what, got->len, want->len);
}

/* The stdout lines of a shell command, sorted; fails the test if it fails. */
static void run_lines(const char *cmd, struct lines *out)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		lines_add(out, xstrdup(line));
	}
	free(line);
	int st = pclose(f);
	if (st != 0)
		fail_msg("command failed (status %d): %s", st, cmd);
	lines_sort(out);
}

static bool have_dpkg_query(void)
{
	return system("command -v dpkg-query >/dev/null 2>&1") == 0;
}

/* "name version arch" lines of our parse, sorted, like the -f format below. */
static void pkg_lines(const struct pkg_list *pl, struct lines *out)
{
	for (size_t i = 0; i < pl->len; i++)
		lines_add(out, xasprintf("%s %s %s", pl->v[i].name, pl->v[i].version,
					 pl->v[i].arch ? pl->v[i].arch : ""));
	lines_sort(out);
}

static int parse_status(const char *path, const char *text, struct analysis *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct analyzer_input in = {path, (const unsigned char *)text, strlen(text), false};
	return analyzer_dpkg_status.parse(&in, out, e);
}

static const struct pkg *find_pkg(const struct pkg_list *l, const char *name)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* A throwaway dpkg admin directory holding `status`, for dpkg-query --admindir. */
static char *make_admindir(const char *status)
{
	char tmpl[] = "/tmp/vigil-dpkg-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char *dir = xstrdup(tmpl);
	char *p = xasprintf("%s/status", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(status, f);
	fclose(f);
	free(p);
	p = xasprintf("%s/available", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	free(p);
	p = xasprintf("%s/info", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/updates", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	return dir;
}

static void remove_admindir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* ---- the host's database ---- */

static void test_host_status(void **state)
{
	(void)state;
	struct stat st;
	if (stat("/var/lib/dpkg/status", &st) != 0 || !have_dpkg_query()) {
		print_message("# SKIP no dpkg on this machine\n");
		skip();
	}
	size_t len;
	unsigned char *data = slurp("/var/lib/dpkg/status", &len);
	struct analysis a = {0};
	struct err e = {{0}};
	struct analyzer_input in = {"var/lib/dpkg/status", data, len, false};
	if (analyzer_dpkg_status.parse(&in, &a, &e) != 0)
		fail_msg("parse failed: %s", e.msg);
	assert_true(a.pkgs.len > 50);

	struct lines got = {0}, want = {0};
	pkg_lines(&a.pkgs, &got);
	run_lines("dpkg-query -W -f '${Package} ${Version} ${Architecture}\\n'", &want);
	assert_lines_equal(&got, &want, "host status vs dpkg-query -W");
	lines_free(&got);
	lines_free(&want);

	/* Source name and version too. */
	for (size_t i = 0; i < a.pkgs.len; i++)
		lines_add(&got, xasprintf("%s %s %s %s", a.pkgs.v[i].name, a.pkgs.v[i].arch ? a.pkgs.v[i].arch : "",
					  a.pkgs.v[i].src_name, a.pkgs.v[i].src_version));
	lines_sort(&got);
	run_lines("dpkg-query -W -f '${Package} ${Architecture} ${source:Package} ${source:Version}\\n'", &want);
	assert_lines_equal(&got, &want, "host source fields vs dpkg-query -W");
	lines_free(&got);
	lines_free(&want);

	/* libc6 is on every Debian system; its source is glibc. */
	const struct pkg *libc = find_pkg(&a.pkgs, "libc6");
	assert_non_null(libc);
	assert_int_equal(libc->type, PKG_DPKG);
	assert_string_equal(libc->src_name, "glibc");
	assert_non_null(libc->maintainer);
	assert_null(libc->license);
	analysis_clear(&a);
	free(data);
}

/* ---- Status cases, checked against dpkg-query on the same file ---- */

static const struct {
	const char *status, *extra;
	bool reported;
} status_cases[] = {
	{"install ok installed", "", true},
	{"hold ok installed", "", true},
	{"deinstall ok installed", "", true},
	{"purge ok installed", "", true},
	{"install ok unpacked", "", true},
	{"install ok half-configured", "", true},
	{"install ok half-installed", "", true},
	{"install reinstreq half-installed", "", true},
	{"install ok triggers-pending", "Triggers-Pending: ldconfig\n", true},
	{"install ok triggers-awaited", "Triggers-Awaited: p1\n", true},
	{"Install OK Installed", "", true},
	{"install   ok  installed", "", true},
	{"deinstall ok config-files", "", false},
	{"purge ok config-files", "", false},
	{"install ok not-installed", "", false},
	{"purge ok not-installed", "", false},
	{"unknown ok not-installed", "", false},
};

static void test_status_cases(void **state)
{
	(void)state;
	struct buf b = {0};
	struct lines expect = {0}, config_files = {0};
	for (size_t i = 0; i < ARRAY_LEN(status_cases); i++) {
		buf_appendf(&b,
			    "Package: p%zu\nStatus: %s\n%sPriority: optional\nArchitecture: amd64\n"
			    "Version: 1.%zu-1\nMaintainer: M <m@example.org>\nDescription: case %zu\n\n",
			    i + 1, status_cases[i].status, status_cases[i].extra, i + 1, i + 1);
		char *line = xasprintf("p%zu 1.%zu-1 amd64", i + 1, i + 1);
		if (status_cases[i].reported)
			lines_add(&expect, line);
		else if (strstr(status_cases[i].status, "config-files"))
			lines_add(&config_files, line);
		else
			free(line);
	}
	lines_sort(&expect);

	struct analysis a;
	struct err e = {{0}};
	if (parse_status("var/lib/dpkg/status", (const char *)b.data, &a, &e) != 0)
		fail_msg("parse failed: %s", e.msg);
	struct lines got = {0};
	pkg_lines(&a.pkgs, &got);
	assert_lines_equal(&got, &expect, "status cases");

	/* dpkg-query -W on the same file lists exactly these plus the
	 * config-files packages, which we leave out on purpose. */
	if (have_dpkg_query()) {
		char *dir = make_admindir((const char *)b.data);
		char *cmd = xasprintf("dpkg-query --admindir='%s' -W -f '${Package} ${Version} ${Architecture}\\n'", dir);
		struct lines dq = {0};
		run_lines(cmd, &dq);
		for (size_t i = 0; i < config_files.len; i++)
			lines_add(&got, xstrdup(config_files.v[i]));
		lines_sort(&got);
		assert_lines_equal(&got, &dq, "status cases vs dpkg-query -W");
		lines_free(&dq);
		free(cmd);
		remove_admindir(dir);
	} else {
		print_message("# dpkg-query absent: only the expected table was checked\n");
	}
	lines_free(&got);
	lines_free(&expect);
	lines_free(&config_files);
	analysis_clear(&a);
	buf_free(&b);

	/* In the status file, no Status means not installed (dpkg-query lists
	 * nothing for it). */
	assert_int_equal(parse_status("var/lib/dpkg/status", "Package: q\nVersion: 1\nArchitecture: all\n", &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	analysis_clear(&a);
}

/* Source and Version forms, compared with dpkg-query's source:* and Version. */
static void test_source_and_version(void **state)
{
	(void)state;
	static const struct {
		const char *version, *source;
		const char *want_version, *want_src, *want_src_version;
	} cases[] = {
		{"2.36-9+deb12u4", "glibc", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4"},
		{"1:2.39.2-1.1", "util-linux (2.39.2-1.1)", "1:2.39.2-1.1", "util-linux", "2.39.2-1.1"},
		{"3.0.11-1~deb12u2+b1", "openssl (3.0.11-1~deb12u2)", "3.0.11-1~deb12u2+b1", "openssl", "3.0.11-1~deb12u2"},
		{"1.0", "  s   ( 1:2-3 )  ", "1.0", "s", "1:2-3"},
		{"1.0", "s (0:2", "1.0", "s", "2"},
		{"0:1.0", NULL, "1.0", NULL, "1.0"},
		{"00:1.0-1", NULL, "1.0-1", NULL, "1.0-1"},
		{"01:2.3", "src (007:4.5)", "1:2.3", "src", "7:4.5"},
		{"1.0-0", NULL, "1.0-0", NULL, "1.0-0"},
		{"2:1.0   ", NULL, "2:1.0", NULL, "2:1.0"},
	};
	struct buf b = {0};
	struct lines want = {0};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		buf_appendf(&b, "Package: s%zu\nStatus: install ok installed\nArchitecture: all\nVersion: %s\n", i,
			    cases[i].version);
		if (cases[i].source)
			buf_appendf(&b, "Source: %s\n", cases[i].source);
		buf_appendf(&b, "Maintainer: M <m@example.org>\nDescription: d\n\n");
		char *name = xasprintf("s%zu", i);
		lines_add(&want, xasprintf("%s %s %s %s", name, cases[i].want_version,
					   cases[i].want_src ? cases[i].want_src : name, cases[i].want_src_version));
		free(name);
	}
	lines_sort(&want);

	struct analysis a;
	struct err e = {{0}};
	if (parse_status("var/lib/dpkg/status", (const char *)b.data, &a, &e) != 0)
		fail_msg("parse failed: %s", e.msg);
	struct lines got = {0};
	for (size_t i = 0; i < a.pkgs.len; i++)
		lines_add(&got, xasprintf("%s %s %s %s", a.pkgs.v[i].name, a.pkgs.v[i].version, a.pkgs.v[i].src_name,
					  a.pkgs.v[i].src_version));
	lines_sort(&got);
	assert_lines_equal(&got, &want, "source/version table");

	if (have_dpkg_query()) {
		char *dir = make_admindir((const char *)b.data);
		char *cmd = xasprintf("dpkg-query --admindir='%s' -W -f '${Package} ${Version} ${source:Package} "
				      "${source:Version}\\n' 2>/dev/null",
				      dir);
		struct lines dq = {0};
		run_lines(cmd, &dq);
		assert_lines_equal(&got, &dq, "source/version vs dpkg-query");
		lines_free(&dq);
		free(cmd);
		remove_admindir(dir);
	}
	lines_free(&got);
	lines_free(&want);
	analysis_clear(&a);
	buf_free(&b);
}

static void test_format_corners(void **state)
{
	(void)state;
	struct analysis a;
	struct err e = {{0}};
	/* Multi-line fields (whose continuation lines may look like fields),
	 * field names in any case, CRLF, several empty lines between stanzas,
	 * no final newline. */
	const char *text = "package: a\r\nstatus: install ok installed\r\nVERSION: 1.0\r\nDescription: short\r\n"
			   " Package: not-a-field\r\n .\r\n Version: 9\r\n\tmore\r\nConffiles:\r\n /etc/a.conf "
			   "abc\r\nArchitecture: arm64\r\n\r\n\r\n\n"
			   "Package: b\nStatus: install ok installed\nVersion: 2.0\nArchitecture: all\nMaintainer:  "
			   "Jane Doe <jane@example.org>  ";
	assert_int_equal(parse_status("var/lib/dpkg/status", text, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 2);
	const struct pkg *p = &a.pkgs.v[0];
	assert_string_equal(p->name, "a");
	assert_string_equal(p->version, "1.0");
	assert_string_equal(p->arch, "arm64");
	assert_null(p->maintainer);
	assert_int_equal(p->nfiles, 0);
	p = &a.pkgs.v[1];
	assert_string_equal(p->name, "b");
	assert_string_equal(p->version, "2.0");
	assert_string_equal(p->arch, "all");
	assert_string_equal(p->maintainer, "Jane Doe <jane@example.org>");
	assert_string_equal(p->src_name, "b");
	assert_null(p->license);
	analysis_clear(&a);

	/* Empty file, and empty lines only. */
	assert_int_equal(parse_status("var/lib/dpkg/status", "", &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	assert_int_equal(parse_status("var/lib/dpkg/status", "\n\r\n\n", &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);
	analysis_clear(&a);
}

/* Distroless: one stanza per file under status.d, without Status. */
static void test_statusd(void **state)
{
	(void)state;
	assert_true(analyzer_dpkg_status.match("var/lib/dpkg/status"));
	assert_true(analyzer_dpkg_status.match("var/lib/dpkg/status.d/base-files"));
	assert_true(analyzer_dpkg_status.match("var/lib/dpkg/status.d/libssl3"));
	assert_false(analyzer_dpkg_status.match("var/lib/dpkg/status.d/libssl3.md5sums"));
	assert_false(analyzer_dpkg_status.match("var/lib/dpkg/status.d/"));
	assert_false(analyzer_dpkg_status.match("var/lib/dpkg/status.d"));
	assert_false(analyzer_dpkg_status.match("var/lib/dpkg/status.d/sub/x"));
	assert_false(analyzer_dpkg_status.match("var/lib/dpkg/status-old"));
	assert_false(analyzer_dpkg_status.match("var/lib/dpkg/available"));
	assert_false(analyzer_dpkg_status.match("usr/var/lib/dpkg/status"));

	const char *base_files = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n"
				 "Maintainer: Santiago Vila <sanvila@debian.org>\nInstalled-Size: 341\n"
				 "Essential: yes\nPriority: required\nSection: admin\nMulti-Arch: foreign\n"
				 "Replaces: base, dpkg (<= 1.15.0), miscutils\nProvides: base\n"
				 "Conffiles:\n /etc/debian_version 9e1a1e8bf4a5b4d6e1d6f8c3d1a7b5b2\n"
				 "Description: Debian base system miscellaneous files\n This package contains the "
				 "basic filesystem hierarchy of a Debian system.\n";
	struct analysis a;
	struct err e = {{0}};
	assert_int_equal(parse_status("var/lib/dpkg/status.d/base-files", base_files, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	assert_string_equal(a.pkgs.v[0].name, "base-files");
	assert_string_equal(a.pkgs.v[0].version, "12.4+deb12u5");
	assert_string_equal(a.pkgs.v[0].arch, "amd64");
	assert_string_equal(a.pkgs.v[0].src_name, "base-files");
	assert_string_equal(a.pkgs.v[0].src_version, "12.4+deb12u5");
	analysis_clear(&a);

	const char *libssl = "Package: libssl3\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: arm64\n"
			     "Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>\n"
			     "Depends: libc6 (>= 2.34)\nDescription: Secure Sockets Layer toolkit - shared libraries\n";
	assert_int_equal(parse_status("var/lib/dpkg/status.d/libssl3", libssl, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 1);
	assert_string_equal(a.pkgs.v[0].src_name, "openssl");
	assert_string_equal(a.pkgs.v[0].src_version, "3.0.11-1~deb12u2");
	analysis_clear(&a);

	/* A Status, where present, still counts in status.d. */
	assert_int_equal(parse_status("var/lib/dpkg/status.d/x", "Package: x\nStatus: deinstall ok config-files\n"
								  "Version: 1\n",
				      &a, &e),
			 0);
	assert_int_equal(a.pkgs.len, 0);
	analysis_clear(&a);
}

/* Where dpkg refuses the file, so do we, and say why. */
static void test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *text, *why;
	} cases[] = {
		{"Package: p\nStatus: install ok bogus\nVersion: 1\n", "not a dpkg status"},
		{"Package: p\nStatus: bogus ok installed\nVersion: 1\n", "not a dpkg status"},
		{"Package: p\nStatus: install hold installed\nVersion: 1\n", "not a dpkg status"},
		{"Package: p\nStatus: install ok\nVersion: 1\n", "three words"},
		{"Package: p\nStatus: install ok installed extra\nVersion: 1\n", "more than three"},
		{"Status: install ok installed\nVersion: 1\n", "no Package"},
		{"Package: p\nStatus: install ok installed\nArchitecture: all\n", "no Version"},
		{"Package: p\nStatus: install ok installed\nVersion:\n", "no Version"},
		{"Package: p\nStatus: install ok installed\nVersion: 0:\n", "nothing after the epoch"},
		{"Package: p\nStatus: install ok installed\nVersion: 1:\n", "nothing after the epoch"},
		{"Package: p\nStatus: install ok installed\nVersion: 1\nVersion: 2\n", "second Version"},
		{"Package: p\nStatus: install ok installed\nVersion: 1\nnocolon\n", "expected"},
		{" continuation\nPackage: p\n", "continuation line outside"},
		{"Package: p\n: value\n", "empty field name"},
		{"# comment\nPackage: p\n", "expected"},
		/* A whitespace-only line is not a separator for dpkg: the next
		 * Package lands in the same stanza. */
		{"Package: p\nStatus: install ok installed\nVersion: 1\n \nPackage: q\n", "second Package"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct analysis a;
		struct err e = {{0}};
		assert_int_equal(parse_status("var/lib/dpkg/status", cases[i].text, &a, &e), -1);
		if (!strstr(e.msg, cases[i].why))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, e.msg, cases[i].why);
		assert_int_equal(a.pkgs.len, 0);
		analysis_clear(&a);
	}
	/* A broken stanza after good ones loses the whole file: nothing partial. */
	struct analysis a;
	struct err e = {{0}};
	assert_int_equal(parse_status("var/lib/dpkg/status",
				      "Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: x\n", &a,
				      &e),
			 -1);
	assert_int_equal(a.pkgs.len, 0);
	assert_non_null(strstr(e.msg, "package b"));
	analysis_clear(&a);
}

static void test_hostile(void **state)
{
	(void)state;
	struct analysis a = {0};
	struct err e = {{0}};
	const char *text = "Package: a\nStatus: install ok installed\nVersion: 1\n";
	struct analyzer_input in = {"var/lib/dpkg/status", (const unsigned char *)text, 20, true};
	assert_int_equal(analyzer_dpkg_status.parse(&in, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cap"));

	unsigned char nul[] = "Package: a\nStatus: install ok installed\nVersion: 1\0\n";
	struct analyzer_input in2 = {"var/lib/dpkg/status", nul, sizeof nul - 1, false};
	assert_int_equal(analyzer_dpkg_status.parse(&in2, &a, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	assert_int_equal(a.pkgs.len, 0);

	size_t big = 2u * 1024 * 1024;
	struct buf b = {0};
	const char *head = "Package: a\nStatus: install ok installed\nVersion: 1\nDescription: ";
	buf_append(&b, head, strlen(head));
	char *fill = xmalloc(big);
	memset(fill, 'x', big);
	buf_append(&b, fill, big);
	free(fill);
	assert_int_equal(parse_status("var/lib/dpkg/status", (const char *)b.data, &a, &e), -1);
	assert_non_null(strstr(e.msg, "line 4 is"));
	assert_int_equal(a.pkgs.len, 0);
	buf_free(&b);

	struct analyzer_input empty = {"var/lib/dpkg/status", NULL, 0, false};
	assert_int_equal(analyzer_dpkg_status.parse(&empty, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 0);

	/* Thousands of packages. */
	for (int i = 0; i < 20000; i++)
		buf_appendf(&b,
			    "Package: pkg%d\nStatus: install ok installed\nVersion: %d:1.%d-1\nArchitecture: amd64\n"
			    "Source: src%d (1.%d)\nDescription: d\n long\n\n",
			    i, i % 3, i, i / 2, i);
	assert_int_equal(parse_status("var/lib/dpkg/status", (const char *)b.data, &a, &e), 0);
	assert_int_equal(a.pkgs.len, 20000);
	assert_string_equal(a.pkgs.v[12345].name, "pkg12345");
	assert_string_equal(a.pkgs.v[12345].version, "1.12345-1"); /* epoch 0 dropped */
	assert_string_equal(a.pkgs.v[12346].version, "1:1.12346-1");
	assert_string_equal(a.pkgs.v[12345].src_name, "src6172");
	buf_free(&b);
	analysis_clear(&a);
}

/* ---- info/<pkg>.list ---- */

static int parse_list(const char *path, const char *text, struct analysis *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct analyzer_input in = {path, (const unsigned char *)text, strlen(text), false};
	return analyzer_dpkg_list.parse(&in, out, e);
}

static void test_list_match(void **state)
{
	(void)state;
	assert_true(analyzer_dpkg_list.match("var/lib/dpkg/info/libc6:amd64.list"));
	assert_true(analyzer_dpkg_list.match("var/lib/dpkg/info/bash.list"));
	assert_false(analyzer_dpkg_list.match("var/lib/dpkg/info/bash.md5sums"));
	assert_false(analyzer_dpkg_list.match("var/lib/dpkg/info/.list"));
	assert_false(analyzer_dpkg_list.match("var/lib/dpkg/info/x/bash.list"));
	assert_false(analyzer_dpkg_list.match("var/lib/dpkg/bash.list"));
	assert_false(analyzer_dpkg_list.match("var/lib/dpkg/info/bash.list.bak"));
}

static void test_list_crafted(void **state)
{
	(void)state;
	struct analysis a;
	struct err e = {{0}};
	assert_int_equal(parse_list("var/lib/dpkg/info/libc6:amd64.list",
				    "/.\n/lib\r\n/lib/x86_64-linux-gnu/libc.so.6\n\n//usr/./share/doc/../doc/libc6\n/../etc/"
				    "escape\n/usr/bin/ldd",
				    &a, &e),
			 0);
	assert_string_equal(a.owner, "libc6");
	assert_int_equal(a.nfiles, 4);
	assert_string_equal(a.files[0], "lib");
	assert_string_equal(a.files[1], "lib/x86_64-linux-gnu/libc.so.6");
	assert_string_equal(a.files[2], "usr/share/doc/libc6");
	assert_string_equal(a.files[3], "usr/bin/ldd");
	analysis_clear(&a);

	assert_int_equal(parse_list("var/lib/dpkg/info/bash.list", "", &a, &e), 0);
	assert_string_equal(a.owner, "bash");
	assert_int_equal(a.nfiles, 0);
	analysis_clear(&a);

	assert_int_equal(parse_list("var/lib/dpkg/info/:amd64.list", "/x\n", &a, &e), -1);
	assert_non_null(strstr(e.msg, "no package name"));
	analysis_clear(&a);

	unsigned char nul[] = "/usr/bin/a\n/usr\0/bin/b\n";
	struct analyzer_input in = {"var/lib/dpkg/info/a.list", nul, sizeof nul - 1, false};
	assert_int_equal(analyzer_dpkg_list.parse(&in, &a, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	assert_null(a.owner);
	in.truncated = true;
	in.size = 5;
	assert_int_equal(analyzer_dpkg_list.parse(&in, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cap"));

	struct buf b = {0};
	buf_append(&b, "/usr/bin/a\n/", 12);
	char *fill = xmalloc(100000);
	memset(fill, 'd', 100000);
	buf_append(&b, fill, 100000);
	free(fill);
	assert_int_equal(parse_list("var/lib/dpkg/info/a.list", (const char *)b.data, &a, &e), -1);
	assert_non_null(strstr(e.msg, "line 2 is"));
	assert_int_equal(a.nfiles, 0);
	assert_null(a.files);
	buf_free(&b);
	analysis_clear(&a);
}

/* The host's own .list files: every line but "/." comes back, normalised. */
static void test_list_host(void **state)
{
	(void)state;
	const char *path = "/var/lib/dpkg/info/dpkg.list";
	struct stat st;
	if (stat(path, &st) != 0) {
		print_message("# SKIP no %s on this machine\n", path);
		skip();
	}
	size_t len;
	unsigned char *data = slurp(path, &len);
	struct analysis a = {0};
	struct err e = {{0}};
	struct analyzer_input in = {"var/lib/dpkg/info/dpkg.list", data, len, false};
	assert_int_equal(analyzer_dpkg_list.parse(&in, &a, &e), 0);
	assert_string_equal(a.owner, "dpkg");

	struct lines want = {0}, got = {0};
	run_lines("grep -v '^/\\.$' /var/lib/dpkg/info/dpkg.list | sed 's|^/||'", &want);
	for (size_t i = 0; i < a.nfiles; i++)
		lines_add(&got, xstrdup(a.files[i]));
	lines_sort(&got);
	assert_lines_equal(&got, &want, "dpkg.list");
	assert_true(a.nfiles > 20);
	lines_free(&want);
	lines_free(&got);
	analysis_clear(&a);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_status),
		cmocka_unit_test(test_status_cases),
		cmocka_unit_test(test_source_and_version),
		cmocka_unit_test(test_format_corners),
		cmocka_unit_test(test_statusd),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_list_match),
		cmocka_unit_test(test_list_crafted),
		cmocka_unit_test(test_list_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
