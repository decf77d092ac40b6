/* Package URLs, package IDs and the CycloneDX / SPDX writers. Purls are
 * checked against a table of exact strings (Trivy's layout, the purl spec's
 * percent-encoding); the SBOMs are written into memory, checked field by
 * field, and validated against the official schemas in tests/data/schemas by
 * tests/unit/report/validate_sbom.py (python3-jsonschema), which must also
 * reject documents we break on purpose. */
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

struct pkg_spec {
	enum pkg_type type;
	const char *name, *version;
	int epoch;
	const char *arch, *modlabel, *src_name, *src_version, *license;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void fill_pkg(struct pkg *p, const struct pkg_spec *s)
{
	memset(p, 0, sizeof *p);
	p->type = s->type;
	p->name = dup_or_null(s->name);
	p->version = dup_or_null(s->version);
	p->epoch = s->epoch;
	p->arch = dup_or_null(s->arch);
	p->modularity_label = dup_or_null(s->modlabel);
	p->src_name = dup_or_null(s->src_name);
	p->src_version = dup_or_null(s->src_version);
	p->license = dup_or_null(s->license);
}

/* ---- purls and IDs ---------------------------------------------------- */

/* A package spec with the fields a purl needs (designated, the rest zero). */
#define P(t, n, v, e, a) {.type = (t), .name = (n), .version = (v), .epoch = (e), .arch = (a)}
#define PM(t, n, v, e, a, m) {.type = (t), .name = (n), .version = (v), .epoch = (e), .arch = (a), .modlabel = (m)}

static const struct purl_case {
	const char *family, *os_name;
	struct pkg_spec pkg;
	const char *purl, *id;
} purl_cases[] = {
	/* apk: namespace = family, distro = the OS version */
	{"alpine", "3.10.2", P(PKG_APK, "musl", "1.1.22-r3", -1, "x86_64"),
	 "pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=3.10.2", "musl@1.1.22-r3"},
	/* apk names are lower-cased; '_' and '.' stay as they are */
	{"alpine", "3.19.1", P(PKG_APK, "Py3-Setup_Tools", "68.2.2-r0", -1, "aarch64"),
	 "pkg:apk/alpine/py3-setup_tools@68.2.2-r0?arch=aarch64&distro=3.19.1", "Py3-Setup_Tools@68.2.2-r0"},
	{"wolfi", "20230201", P(PKG_APK, "glibc", "2.39-r1", -1, "x86_64"),
	 "pkg:apk/wolfi/glibc@2.39-r1?arch=x86_64&distro=20230201", "glibc@2.39-r1"},
	/* dpkg: '+' is %2B, '~' stays; distro = family-version */
	{"debian", "12.5", P(PKG_DPKG, "libc6", "2.36-9+deb12u4", -1, "amd64"),
	 "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5", "libc6@2.36-9+deb12u4"},
	{"debian", "12.5", P(PKG_DPKG, "libssl3", "3.0.11-1~deb12u2", -1, "amd64"),
	 "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5", "libssl3@3.0.11-1~deb12u2"},
	/* dpkg epoch: out of the version, into a qualifier (sorted after distro); the ID keeps it */
	{"debian", "12.5", P(PKG_DPKG, "login", "1:4.13+dfsg1-1+b1", -1, "amd64"),
	 "pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12.5&epoch=1",
	 "login@1:4.13+dfsg1-1+b1"},
	/* an explicit epoch 0 is dropped */
	{"ubuntu", "22.04", P(PKG_DPKG, "tzdata", "0:2024a-0ubuntu0.22.04", -1, "all"),
	 "pkg:deb/ubuntu/tzdata@2024a-0ubuntu0.22.04?arch=all&distro=ubuntu-22.04", "tzdata@0:2024a-0ubuntu0.22.04"},
	/* rpm: epoch qualifier only when > 0; ID is name@version-release.arch without epoch */
	{"redhat", "8.6", P(PKG_RPM, "openssl-libs", "1.1.1k-7.el8_6", 1, "x86_64"),
	 "pkg:rpm/redhat/openssl-libs@1.1.1k-7.el8_6?arch=x86_64&distro=redhat-8.6&epoch=1",
	 "openssl-libs@1.1.1k-7.el8_6.x86_64"},
	{"centos", "7.9.2009", P(PKG_RPM, "bash", "4.2.46-35.el7_9", 0, "x86_64"),
	 "pkg:rpm/centos/bash@4.2.46-35.el7_9?arch=x86_64&distro=centos-7.9.2009", "bash@4.2.46-35.el7_9.x86_64"},
	{"redhat", "8.6", P(PKG_RPM, "libstdc++", "8.5.0-10.el8", -1, "x86_64"),
	 "pkg:rpm/redhat/libstdc%2B%2B@8.5.0-10.el8?arch=x86_64&distro=redhat-8.6", "libstdc++@8.5.0-10.el8.x86_64"},
	/* rpm names keep their case */
	{"fedora", "39", P(PKG_RPM, "GConf2", "3.2.6-38.fc39", -1, "x86_64"),
	 "pkg:rpm/fedora/GConf2@3.2.6-38.fc39?arch=x86_64&distro=fedora-39", "GConf2@3.2.6-38.fc39.x86_64"},
	/* modularity label: ':' is never encoded, '+' is */
	{"redhat", "8.5",
	 PM(PKG_RPM, "nodejs", "14.18.2-2.module+el8.5.0+13644+8d46dafd", 1, "x86_64", "nodejs:14:8050020211112104253:8b1e6a3e"),
	 "pkg:rpm/redhat/nodejs@14.18.2-2.module%2Bel8.5.0%2B13644%2B8d46dafd?arch=x86_64&distro=redhat-8.5&epoch=1"
	 "&modularitylabel=nodejs:14:8050020211112104253:8b1e6a3e",
	 "nodejs@14.18.2-2.module+el8.5.0+13644+8d46dafd.x86_64"},
	{"cbl-mariner", "2.0", P(PKG_RPM, "curl", "7.86.0-1.cm2", -1, "x86_64"),
	 "pkg:rpm/cbl-mariner/curl@7.86.0-1.cm2?arch=x86_64&distro=cbl-mariner-2.0", "curl@7.86.0-1.cm2.x86_64"},
	/* SUSE: vendor namespace, distro keeps the family */
	{"sles", "15.5", P(PKG_RPM, "libopenssl3", "3.0.8-150500.5.8.1", -1, "x86_64"),
	 "pkg:rpm/suse/libopenssl3@3.0.8-150500.5.8.1?arch=x86_64&distro=sles-15.5",
	 "libopenssl3@3.0.8-150500.5.8.1.x86_64"},
	{"opensuse-leap", "15.5", P(PKG_RPM, "zypper", "1.14.64-150400.3.32.1", -1, "x86_64"),
	 "pkg:rpm/opensuse/zypper@1.14.64-150400.3.32.1?arch=x86_64&distro=opensuse-leap-15.5",
	 "zypper@1.14.64-150400.3.32.1.x86_64"},
	/* rpm without arch: no qualifier, ID without ".arch" */
	{"redhat", "9.3", P(PKG_RPM, "gpg-pubkey", "fd431d51-4ae0493b", -1, NULL),
	 "pkg:rpm/redhat/gpg-pubkey@fd431d51-4ae0493b?distro=redhat-9.3", "gpg-pubkey@fd431d51-4ae0493b"},
	/* unknown OS, or packages without release files: no namespace, no distro */
	{NULL, NULL, P(PKG_APK, "musl", "1.1.22-r3", -1, "x86_64"), "pkg:apk/musl@1.1.22-r3?arch=x86_64",
	 "musl@1.1.22-r3"},
	{"distroless", NULL, P(PKG_DPKG, "libc6", "2.36-9+deb12u4", -1, "amd64"),
	 "pkg:deb/libc6@2.36-9%2Bdeb12u4?arch=amd64", "libc6@2.36-9+deb12u4"},
	/* OS version unknown: distro is just the family */
	{"debian", NULL, P(PKG_DPKG, "base-files", "12.4+deb12u5", -1, "amd64"),
	 "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian", "base-files@12.4+deb12u5"},
	/* hostile bytes: every delimiter, space, UTF-8 and invalid UTF-8 is percent-encoded */
	{"alpine", "3.19.1", P(PKG_APK, "a b@c/d?e#f&g=h%", "1+\xc3\xa9\xff", -1, "x 86"),
	 "pkg:apk/alpine/a%20b%40c%2Fd%3Fe%23f%26g%3Dh%25@1%2B%C3%A9%FF?arch=x%2086&distro=3.19.1",
	 "a b@c/d?e#f&g=h%@1+\xc3\xa9\xff"},
	/* no version: no '@' */
	{"alpine", "3.19.1", P(PKG_APK, "busybox", NULL, -1, NULL), "pkg:apk/alpine/busybox?distro=3.19.1", "busybox@"},
};

static void test_purls(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(purl_cases); i++) {
		const struct purl_case *c = &purl_cases[i];
		struct os_info os = {.family = dup_or_null(c->family), .name = dup_or_null(c->os_name)};
		struct pkg p;
		fill_pkg(&p, &c->pkg);
		char *purl = pkg_purl(&p, &os);
		char *id = pkg_id(&p);
		if (!purl || strcmp(purl, c->purl) != 0 || strcmp(id, c->id) != 0)
			print_message("# case %zu (%s)\n", i, c->pkg.name);
		assert_non_null(purl);
		assert_string_equal(purl, c->purl);
		assert_string_equal(id, c->id);
		free(purl);
		free(id);
		pkg_clear(&p);
		os_info_clear(&os);
	}
	struct pkg nameless;
	fill_pkg(&nameless, &(struct pkg_spec){.type = PKG_APK, .version = "1", .epoch = -1});
	struct os_info alpine = {.family = "alpine", .name = "3.19.1"};
	assert_null(pkg_purl(&nameless, &alpine));
	pkg_clear(&nameless);
}

static void test_os_type(void **state)
{
	(void)state;
	static const char *const same[] = {"alpine", "debian", "ubuntu", "redhat", "centos", "rocky", "alma",
					   "amazon", "cbl-mariner", "azurelinux", "oracle", "sles", "opensuse-leap",
					   "opensuse-tumbleweed", "photon", "wolfi", "chainguard", "fedora"};
	for (size_t i = 0; i < ARRAY_LEN(same); i++) {
		struct os_info os = {.family = xstrdup(same[i])};
		assert_non_null(report_os_type(&os));
		assert_string_equal(report_os_type(&os), same[i]);
		os_info_clear(&os);
	}
	struct os_info distroless = {.family = "distroless"}, none = {0};
	assert_null(report_os_type(&distroless));
	assert_null(report_os_type(&none));
}

static void test_image_purl(void **state)
{
	(void)state;
	char d[] = "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b";
	char *rd = xasprintf("docker.io/library/alpine@%s", d);
	char *repo_digests[] = {rd};
	struct image a = {.name = "alpine:3.19", .id = "sha256:05455a08881ea9cf0e752bc48e61bbd71a34c029bb13df01e40e3e70e0d007bd",
			  .repo_digests = repo_digests, .nrepo_digests = 1, .architecture = "amd64"};
	char *p = image_purl(&a);
	char *want = xasprintf("pkg:oci/alpine@%s?arch=amd64&repository_url=docker.io%%2Flibrary%%2Falpine", d);
	assert_string_equal(p, want);
	free(p);
	free(want);
	free(rd);

	/* manifest digest, name from the reference (lower-cased, tag dropped), no repository_url */
	struct image b = {.name = "localhost:5000/Team/App:v1", .manifest_digest = d, .architecture = "arm64"};
	p = image_purl(&b);
	want = xasprintf("pkg:oci/app@%s?arch=arm64", d);
	assert_string_equal(p, want);
	free(p);
	free(want);

	/* image ID, name from the first repo tag */
	char *tags[] = {"quay.io/org/tool:1.2"};
	struct image c = {.name = "/tmp/tool.tar", .id = d, .repo_tags = tags, .nrepo_tags = 1};
	p = image_purl(&c);
	want = xasprintf("pkg:oci/tool@%s?repository_url=quay.io%%2Forg%%2Ftool", d);
	assert_string_equal(p, want);
	free(p);
	free(want);

	/* a rootfs has no digest: no purl */
	struct image fs = {.name = "/srv/rootfs", .type = "filesystem"};
	assert_null(image_purl(&fs));
}

static void test_uuid(void **state)
{
	(void)state;
	char a[37], b[37];
	assert_int_equal(report_uuid4(a), 0);
	assert_int_equal(report_uuid4(b), 0);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
}

/* ---- SBOM fixtures ---------------------------------------------------- */

struct fixture {
	struct image img;
	struct inventory inv;
	struct scan_report r;
};

static void fixture_init(struct fixture *f, const char *family, const char *os_name, const struct pkg_spec *pkgs,
			 size_t n)
{
	memset(f, 0, sizeof *f);
	f->img.name = xstrdup("registry.example/team/app:1.0");
	f->img.type = xstrdup("container_image");
	f->img.id = xstrdup("sha256:05455a08881ea9cf0e752bc48e61bbd71a34c029bb13df01e40e3e70e0d007bd");
	f->img.architecture = xstrdup("amd64");
	f->img.repo_digests = xcalloc(1, sizeof *f->img.repo_digests);
	f->img.repo_digests[0] =
		xstrdup("registry.example/team/app@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b");
	f->img.nrepo_digests = 1;
	image_add_repo_tag(&f->img, "registry.example/team/app:1.0");
	for (int i = 0; i < 2; i++) {
		struct image_layer *l = image_add_layer(&f->img);
		l->digest = xasprintf("sha256:%064d", 10 + i);
		l->diff_id = xasprintf("sha256:%064d", 20 + i);
	}
	f->inv.os.family = dup_or_null(family);
	f->inv.os.name = dup_or_null(os_name);
	f->inv.pkgs = n ? xcalloc(n, sizeof *f->inv.pkgs) : NULL;
	f->inv.npkgs = n;
	for (size_t i = 0; i < n; i++) {
		fill_pkg(&f->inv.pkgs[i].pkg, &pkgs[i]);
		f->inv.pkgs[i].layer = i % 2;
	}
	f->r.img = &f->img;
	f->r.inv = &f->inv;
	f->r.list_all_pkgs = true;
	f->r.tool_version = "0.1.0-test";
}

static void fixture_free(struct fixture *f)
{
	for (size_t i = 0; i < f->inv.npkgs; i++)
		pkg_clear(&f->inv.pkgs[i].pkg);
	free(f->inv.pkgs);
	os_info_clear(&f->inv.os);
	image_free(&f->img);
}

static const struct pkg_spec alpine_pkgs[] = {
	{PKG_APK, "musl", "1.1.22-r3", -1, "x86_64", NULL, "musl", "1.1.22-r3", "MIT"},
	{PKG_APK, "busybox", "1.30.1-r2", -1, "x86_64", NULL, "busybox", "1.30.1-r2", "GPL-2.0-only"},
};
static const struct pkg_spec debian_pkgs[] = {
	{PKG_DPKG, "libc6", "2.36-9+deb12u4", -1, "amd64", NULL, "glibc", "2.36-9+deb12u4", "LGPL-2.1+ GPL-2+"},
	{PKG_DPKG, "login", "1:4.13+dfsg1-1+b1", -1, "amd64", NULL, "shadow", "1:4.13+dfsg1-1", NULL},
	/* the same purl twice (two databases): bom-refs and SPDX IDs must stay unique */
	{PKG_DPKG, "tzdata", "2024a-0+deb12u1", -1, "all", NULL, NULL, NULL, NULL},
	{PKG_DPKG, "tzdata", "2024a-0+deb12u1", -1, "all", NULL, NULL, NULL, NULL},
	/* bytes that are not UTF-8 must come out as valid JSON */
	{PKG_DPKG, "bad\xff" "name", "1.0-1", -1, "amd64", NULL, "bad\xfe", "1.0-1", "caf\xe9"},
};
static const struct pkg_spec redhat_pkgs[] = {
	{PKG_RPM, "openssl-libs", "1.1.1k-7.el8_6", 1, "x86_64", NULL, "openssl", "1.1.1k-7.el8_6", "OpenSSL and ASL 2.0"},
	{PKG_RPM, "bash", "4.4.20-4.el8_6", -1, "x86_64", NULL, "bash", "4.4.20-4.el8_6", "GPLv3+"},
	{PKG_RPM, "nodejs", "14.18.2-2.module+el8.5.0+13644+8d46dafd", 1, "x86_64", "nodejs:14:8050020211112104253:8b1e6a3e",
	 "nodejs", "14.18.2-2.module+el8.5.0+13644+8d46dafd", "MIT and ASL 2.0"},
};

/* Run a writer into memory; returns the text (malloc'd). */
static char *write_doc(int (*writer)(FILE *, const struct scan_report *), const struct scan_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_non_null(m);
	assert_int_equal(writer(m, r), 0);
	assert_int_equal(fclose(m), 0);
	assert_true(len > 0 && text[len - 1] == '\n');
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

static const char *jget_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

/* The schemas and the validator, under the source tree. */
static char *source_path(const char *rel)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	return xasprintf("%s/%s", root && *root ? root : ".", rel);
}

/* Exit status of validate_sbom.py SCHEMA <text>. */
static int validate_text(const char *schema_rel, const char *text)
{
	char tmp[] = "/tmp/vigil-sbom-XXXXXX";
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
	int code = WEXITSTATUS(status);
	if (code == 2)
		fail_msg("validate_sbom.py could not run (python3-jsonschema missing?)");
	return code;
}

static void assert_valid(const char *schema_rel, const char *text)
{
	int code = validate_text(schema_rel, text);
	if (code != 0) {
		print_message("# document:\n%s\n", text);
		fail_msg("%s: document does not validate", schema_rel);
	}
}

static const char *cdx_schema = "tests/data/schemas/bom-1.5.schema.json";
static const char *spdx_schema = "tests/data/schemas/spdx-2.3.schema.json";

/* The value of the first property named name, or NULL. */
static const char *prop(json_t *component, const char *name)
{
	json_t *props = json_object_get(component, "properties");
	size_t i;
	json_t *p;
	json_array_foreach(props, i, p) {
		if (strcmp(jget_str(p, "name"), name) == 0)
			return jget_str(p, "value");
	}
	return NULL;
}

/* ---- CycloneDX -------------------------------------------------------- */

static void check_cdx_common(json_t *bom, const struct fixture *f)
{
	assert_string_equal(jget_str(bom, "bomFormat"), "CycloneDX");
	assert_string_equal(jget_str(bom, "specVersion"), "1.5");
	assert_int_equal(json_integer_value(json_object_get(bom, "version")), 1);
	const char *sn = jget_str(bom, "serialNumber");
	assert_int_equal(strlen(sn), strlen("urn:uuid:") + 36);
	assert_memory_equal(sn, "urn:uuid:", 9);
	json_t *md = json_object_get(bom, "metadata");
	const char *ts = jget_str(md, "timestamp");
	assert_int_equal(strlen(ts), 20);
	assert_int_equal(ts[19], 'Z');
	json_t *tool = json_array_get(json_object_get(json_object_get(md, "tools"), "components"), 0);
	assert_string_equal(jget_str(tool, "name"), "vigil");
	assert_string_equal(jget_str(tool, "version"), "0.1.0-test");
	json_t *img = json_object_get(md, "component");
	assert_string_equal(jget_str(img, "type"), "container");
	assert_string_equal(jget_str(img, "name"), "registry.example/team/app:1.0");
	const char *ipurl = "pkg:oci/app@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
			    "?arch=amd64&repository_url=registry.example%2Fteam%2Fapp";
	assert_string_equal(jget_str(img, "purl"), ipurl);
	assert_string_equal(jget_str(img, "bom-ref"), ipurl);
	assert_string_equal(prop(img, "vigil:ImageID"), f->img.id);
	assert_string_equal(prop(img, "vigil:DiffID"), f->img.layers[0].diff_id);
	assert_string_equal(prop(img, "vigil:RepoTag"), "registry.example/team/app:1.0");

	json_t *comps = json_object_get(bom, "components");
	assert_int_equal(json_array_size(comps), f->inv.npkgs + 1);
	json_t *os = json_array_get(comps, 0);
	assert_string_equal(jget_str(os, "type"), "operating-system");
	assert_string_equal(jget_str(os, "name"), f->inv.os.family);
	assert_string_equal(jget_str(os, "version"), f->inv.os.name);
	assert_string_equal(prop(os, "vigil:Type"), f->inv.os.family);

	/* dependencies: image -> OS -> every package, each package listed */
	json_t *deps = json_object_get(bom, "dependencies");
	assert_int_equal(json_array_size(deps), f->inv.npkgs + 2);
	json_t *d0 = json_array_get(deps, 0), *d1 = json_array_get(deps, 1);
	assert_string_equal(jget_str(d0, "ref"), ipurl);
	assert_int_equal(json_array_size(json_object_get(d0, "dependsOn")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d0, "dependsOn"), 0)), jget_str(os, "bom-ref"));
	assert_string_equal(jget_str(d1, "ref"), jget_str(os, "bom-ref"));
	json_t *os_deps = json_object_get(d1, "dependsOn");
	assert_int_equal(json_array_size(os_deps), f->inv.npkgs);
	for (size_t i = 0; i < f->inv.npkgs; i++) {
		json_t *c = json_array_get(comps, i + 1);
		assert_string_equal(jget_str(c, "type"), "library");
		assert_string_equal(json_string_value(json_array_get(os_deps, i)), jget_str(c, "bom-ref"));
		assert_string_equal(jget_str(json_array_get(deps, i + 2), "ref"), jget_str(c, "bom-ref"));
		/* the package's layer, in inventory order */
		const struct image_layer *l = &f->img.layers[f->inv.pkgs[i].layer];
		assert_string_equal(prop(c, "vigil:LayerDiffID"), l->diff_id);
		assert_string_equal(prop(c, "vigil:LayerDigest"), l->digest);
		assert_string_equal(prop(c, "vigil:PkgType"), f->inv.os.family);
	}
}

static void test_cyclonedx_alpine(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, "alpine", "3.10.2", alpine_pkgs, ARRAY_LEN(alpine_pkgs));
	char *text = write_doc(report_cyclonedx, &f.r);
	json_t *bom = parse(text);
	check_cdx_common(bom, &f);
	json_t *musl = json_array_get(json_object_get(bom, "components"), 1);
	assert_string_equal(jget_str(musl, "name"), "musl");
	assert_string_equal(jget_str(musl, "version"), "1.1.22-r3");
	assert_string_equal(jget_str(musl, "purl"), "pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=3.10.2");
	assert_string_equal(jget_str(musl, "bom-ref"), jget_str(musl, "purl"));
	json_t *lic = json_object_get(json_object_get(json_array_get(json_object_get(musl, "licenses"), 0), "license"),
				      "name");
	assert_string_equal(json_string_value(lic), "MIT");
	assert_string_equal(prop(musl, "vigil:PkgID"), "musl@1.1.22-r3");
	assert_string_equal(prop(musl, "vigil:SrcName"), "musl");
	assert_string_equal(prop(musl, "vigil:SrcVersion"), "1.1.22-r3");
	assert_valid(cdx_schema, text);
	json_decref(bom);
	free(text);
	fixture_free(&f);
}

static void test_cyclonedx_debian(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, "debian", "12.5", debian_pkgs, ARRAY_LEN(debian_pkgs));
	char *text = write_doc(report_cyclonedx, &f.r);
	json_t *bom = parse(text);
	check_cdx_common(bom, &f);
	json_t *comps = json_object_get(bom, "components");
	json_t *login = json_array_get(comps, 2);
	assert_string_equal(jget_str(login, "version"), "1:4.13+dfsg1-1+b1"); /* native, epoch included */
	assert_string_equal(jget_str(login, "purl"),
			    "pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12.5&epoch=1");
	assert_null(json_object_get(login, "licenses"));
	/* duplicate purl: same purl, different bom-ref */
	json_t *tz1 = json_array_get(comps, 3), *tz2 = json_array_get(comps, 4);
	assert_string_equal(jget_str(tz1, "purl"), jget_str(tz2, "purl"));
	assert_string_equal(jget_str(tz1, "bom-ref"), jget_str(tz1, "purl"));
	assert_string_not_equal(jget_str(tz1, "bom-ref"), jget_str(tz2, "bom-ref"));
	/* invalid UTF-8 made visible, not dropped */
	json_t *bad = json_array_get(comps, 5);
	assert_string_equal(jget_str(bad, "name"), "bad\\xffname");
	assert_string_equal(jget_str(bad, "purl"), "pkg:deb/debian/bad%FFname@1.0-1?arch=amd64&distro=debian-12.5");
	assert_valid(cdx_schema, text);
	json_decref(bom);
	free(text);
	fixture_free(&f);
}

static void test_cyclonedx_redhat(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, "redhat", "8.6", redhat_pkgs, ARRAY_LEN(redhat_pkgs));
	char *text = write_doc(report_cyclonedx, &f.r);
	json_t *bom = parse(text);
	check_cdx_common(bom, &f);
	json_t *ssl = json_array_get(json_object_get(bom, "components"), 1);
	assert_string_equal(jget_str(ssl, "version"), "1:1.1.1k-7.el8_6");
	assert_string_equal(jget_str(ssl, "purl"),
			    "pkg:rpm/redhat/openssl-libs@1.1.1k-7.el8_6?arch=x86_64&distro=redhat-8.6&epoch=1");
	assert_string_equal(prop(ssl, "vigil:PkgID"), "openssl-libs@1.1.1k-7.el8_6.x86_64");
	assert_valid(cdx_schema, text);
	json_decref(bom);
	free(text);
	fixture_free(&f);
}

/* A rootfs with no OS and no digest: no purl for the image, packages hang off the image. */
static void test_cyclonedx_no_os(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, NULL, NULL, alpine_pkgs, ARRAY_LEN(alpine_pkgs));
	free(f.img.id);
	f.img.id = NULL;
	for (size_t i = 0; i < f.img.nrepo_digests; i++)
		free(f.img.repo_digests[i]);
	f.img.nrepo_digests = 0;
	char *text = write_doc(report_cyclonedx, &f.r);
	json_t *bom = parse(text);
	json_t *img = json_object_get(json_object_get(bom, "metadata"), "component");
	assert_null(json_object_get(img, "purl"));
	json_t *comps = json_object_get(bom, "components");
	assert_int_equal(json_array_size(comps), 2);
	assert_string_equal(jget_str(json_array_get(comps, 0), "purl"), "pkg:apk/musl@1.1.22-r3?arch=x86_64");
	json_t *d0 = json_array_get(json_object_get(bom, "dependencies"), 0);
	assert_string_equal(jget_str(d0, "ref"), jget_str(img, "bom-ref"));
	assert_int_equal(json_array_size(json_object_get(d0, "dependsOn")), 2);
	assert_valid(cdx_schema, text);
	json_decref(bom);
	free(text);
	fixture_free(&f);
}

/* ---- SPDX ------------------------------------------------------------- */

static bool spdx_id_ok(const char *id)
{
	if (strncmp(id, "SPDXRef-", 8) != 0 || !id[8])
		return false;
	for (const char *s = id + 8; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '-'))
			return false;
	return true;
}

static json_t *find_rel(json_t *rels, const char *from, const char *type, const char *to)
{
	size_t i;
	json_t *r;
	json_array_foreach(rels, i, r) {
		if (strcmp(jget_str(r, "spdxElementId"), from) == 0 && strcmp(jget_str(r, "relationshipType"), type) == 0 &&
		    strcmp(jget_str(r, "relatedSpdxElement"), to) == 0)
			return r;
	}
	return NULL;
}

static json_t *check_spdx_common(json_t *doc, const struct fixture *f)
{
	assert_string_equal(jget_str(doc, "spdxVersion"), "SPDX-2.3");
	assert_string_equal(jget_str(doc, "dataLicense"), "CC0-1.0");
	assert_string_equal(jget_str(doc, "SPDXID"), "SPDXRef-DOCUMENT");
	assert_string_equal(jget_str(doc, "name"), "registry.example/team/app:1.0");
	const char *ns = jget_str(doc, "documentNamespace");
	assert_int_equal(strlen(ns), strlen("urn:uuid:") + 36);
	assert_null(strchr(ns, '#'));
	json_t *ci = json_object_get(doc, "creationInfo");
	assert_string_equal(json_string_value(json_array_get(json_object_get(ci, "creators"), 0)), "Tool: vigil-0.1.0-test");
	json_t *pkgs = json_object_get(doc, "packages");
	assert_int_equal(json_array_size(pkgs), f->inv.npkgs + 2);
	json_t *img = json_array_get(pkgs, 0), *os = json_array_get(pkgs, 1);
	assert_string_equal(jget_str(img, "primaryPackagePurpose"), "CONTAINER");
	assert_string_equal(jget_str(os, "primaryPackagePurpose"), "OPERATING-SYSTEM");
	assert_string_equal(jget_str(os, "name"), f->inv.os.family);
	assert_string_equal(jget_str(os, "versionInfo"), f->inv.os.name);
	const char *img_id = jget_str(img, "SPDXID"), *os_id = jget_str(os, "SPDXID");
	assert_true(spdx_id_ok(img_id));
	assert_true(spdx_id_ok(os_id));
	json_t *describes = json_object_get(doc, "documentDescribes");
	assert_int_equal(json_array_size(describes), 1);
	assert_string_equal(json_string_value(json_array_get(describes, 0)), img_id);
	json_t *rels = json_object_get(doc, "relationships");
	assert_int_equal(json_array_size(rels), f->inv.npkgs + 2);
	assert_non_null(find_rel(rels, "SPDXRef-DOCUMENT", "DESCRIBES", img_id));
	assert_non_null(find_rel(rels, img_id, "CONTAINS", os_id));
	for (size_t i = 0; i < f->inv.npkgs; i++) {
		json_t *p = json_array_get(pkgs, i + 2);
		const char *id = jget_str(p, "SPDXID");
		assert_true(spdx_id_ok(id));
		assert_memory_equal(id, "SPDXRef-Package-", 16);
		assert_non_null(find_rel(rels, os_id, "CONTAINS", id));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(id, jget_str(json_array_get(pkgs, j + 2), "SPDXID"));
		assert_string_equal(jget_str(p, "downloadLocation"), "NOASSERTION");
		assert_string_equal(jget_str(p, "licenseConcluded"), "NOASSERTION");
		assert_string_equal(jget_str(p, "licenseDeclared"), "NOASSERTION");
		assert_true(json_is_false(json_object_get(p, "filesAnalyzed")));
		json_t *ref = json_array_get(json_object_get(p, "externalRefs"), 0);
		assert_string_equal(jget_str(ref, "referenceCategory"), "PACKAGE-MANAGER");
		assert_string_equal(jget_str(ref, "referenceType"), "purl");
	}
	return pkgs;
}

static void test_spdx_debian(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, "debian", "12.5", debian_pkgs, ARRAY_LEN(debian_pkgs));
	char *text = write_doc(report_spdx, &f.r);
	json_t *doc = parse(text);
	json_t *pkgs = check_spdx_common(doc, &f);
	json_t *libc = json_array_get(pkgs, 2);
	assert_string_equal(jget_str(libc, "name"), "libc6");
	assert_string_equal(jget_str(libc, "versionInfo"), "2.36-9+deb12u4");
	assert_string_equal(jget_str(libc, "sourceInfo"), "built package from: glibc 2.36-9+deb12u4");
	assert_non_null(strstr(jget_str(libc, "licenseComments"), "LGPL-2.1+ GPL-2+"));
	json_t *ref = json_array_get(json_object_get(libc, "externalRefs"), 0);
	assert_string_equal(jget_str(ref, "referenceLocator"),
			    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5");
	json_t *login = json_array_get(pkgs, 3);
	assert_string_equal(jget_str(login, "versionInfo"), "1:4.13+dfsg1-1+b1");
	assert_null(json_object_get(login, "licenseComments"));
	/* SPDX IDs come from the purl: the same in a second document */
	char *again = write_doc(report_spdx, &f.r);
	json_t *doc2 = parse(again);
	assert_string_equal(jget_str(json_array_get(json_object_get(doc2, "packages"), 2), "SPDXID"), jget_str(libc, "SPDXID"));
	assert_string_not_equal(jget_str(doc2, "documentNamespace"), jget_str(doc, "documentNamespace"));
	json_decref(doc2);
	free(again);
	assert_valid(spdx_schema, text);
	json_decref(doc);
	free(text);
	fixture_free(&f);
}

static void test_spdx_redhat_alpine(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, "redhat", "8.6", redhat_pkgs, ARRAY_LEN(redhat_pkgs));
	char *text = write_doc(report_spdx, &f.r);
	json_t *doc = parse(text);
	json_t *pkgs = check_spdx_common(doc, &f);
	assert_string_equal(jget_str(json_array_get(pkgs, 2), "versionInfo"), "1:1.1.1k-7.el8_6");
	assert_string_equal(jget_str(json_array_get(pkgs, 3), "sourceInfo"), "built package from: bash 4.4.20-4.el8_6");
	assert_valid(spdx_schema, text);
	json_decref(doc);
	free(text);
	fixture_free(&f);

	fixture_init(&f, "alpine", "3.10.2", alpine_pkgs, ARRAY_LEN(alpine_pkgs));
	text = write_doc(report_spdx, &f.r);
	doc = parse(text);
	check_spdx_common(doc, &f);
	assert_valid(spdx_schema, text);
	json_decref(doc);
	free(text);
	fixture_free(&f);
}

/* ---- the validator catches broken documents --------------------------- */

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2));
	assert_non_null(s);
	return s;
}

static void test_validator_rejects(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f, "debian", "12.5", debian_pkgs, ARRAY_LEN(debian_pkgs));

	char *text = write_doc(report_cyclonedx, &f.r);
	json_t *bom = parse(text);
	assert_int_equal(validate_text(cdx_schema, text), 0);
	json_t *c1 = json_array_get(json_object_get(bom, "components"), 1);
	/* a component type the schema does not know */
	json_object_set_new(c1, "type", json_string("package"));
	char *broken = dump(bom);
	assert_int_equal(validate_text(cdx_schema, broken), 1);
	free(broken);
	json_object_set_new(c1, "type", json_string("library"));
	/* a malformed serial number */
	json_object_set_new(bom, "serialNumber", json_string("urn:uuid:not-a-uuid"));
	broken = dump(bom);
	assert_int_equal(validate_text(cdx_schema, broken), 1);
	free(broken);
	json_object_set_new(bom, "serialNumber", json_string("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"));
	/* an SPDX licence id CycloneDX's spdx.schema.json does not list (checks the $ref resolves) */
	json_t *lic = json_pack("[{s:{s:s}}]", "license", "id", "Not-A-Real-License-1.0");
	json_object_set_new(c1, "licenses", lic);
	broken = dump(bom);
	assert_int_equal(validate_text(cdx_schema, broken), 1);
	free(broken);
	json_object_set_new(c1, "licenses", json_pack("[{s:{s:s}}]", "license", "id", "MIT"));
	char *fixed = dump(bom);
	assert_int_equal(validate_text(cdx_schema, fixed), 0);
	free(fixed);
	/* a dependency on a bom-ref that does not exist */
	json_array_append_new(json_object_get(json_array_get(json_object_get(bom, "dependencies"), 0), "dependsOn"),
			      json_string("pkg:deb/debian/nothing@1"));
	broken = dump(bom);
	assert_int_equal(validate_text(cdx_schema, broken), 1);
	free(broken);
	json_decref(bom);
	free(text);

	text = write_doc(report_spdx, &f.r);
	json_t *doc = parse(text);
	assert_int_equal(validate_text(spdx_schema, text), 0);
	json_t *p = json_array_get(json_object_get(doc, "packages"), 2);
	json_t *good_id = json_deep_copy(json_object_get(p, "SPDXID"));
	json_object_set_new(p, "SPDXID", json_string("SPDXRef-Package-with space"));
	broken = dump(doc);
	assert_int_equal(validate_text(spdx_schema, broken), 1);
	free(broken);
	json_object_set_new(p, "SPDXID", good_id);
	json_object_del(p, "downloadLocation");
	broken = dump(doc);
	assert_int_equal(validate_text(spdx_schema, broken), 1);
	free(broken);
	json_object_set_new(p, "downloadLocation", json_string("NOASSERTION"));
	json_object_set_new(json_object_get(doc, "creationInfo"), "created", json_string("2024-13-01T00:00:00Z"));
	broken = dump(doc);
	assert_int_equal(validate_text(spdx_schema, broken), 1);
	free(broken);
	json_decref(doc);
	free(text);
	fixture_free(&f);
}

/* Writers report a failing stream. */
static void test_write_error(void **state)
{
	(void)state;
	FILE *full = fopen("/dev/full", "w");
	if (!full) {
		print_message("# SKIP /dev/full absent\n");
		skip();
	}
	struct fixture f;
	fixture_init(&f, "alpine", "3.10.2", alpine_pkgs, ARRAY_LEN(alpine_pkgs));
	assert_int_equal(report_cyclonedx(full, &f.r), -1);
	clearerr(full);
	assert_int_equal(report_spdx(full, &f.r), -1);
	fclose(full);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purls),
		cmocka_unit_test(test_os_type),
		cmocka_unit_test(test_image_purl),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_cyclonedx_alpine),
		cmocka_unit_test(test_cyclonedx_debian),
		cmocka_unit_test(test_cyclonedx_redhat),
		cmocka_unit_test(test_cyclonedx_no_os),
		cmocka_unit_test(test_spdx_debian),
		cmocka_unit_test(test_spdx_redhat_alpine),
		cmocka_unit_test(test_validator_rejects),
		cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
