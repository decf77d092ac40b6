/* Image checks: a config JSON and layers built in memory (tar → layer walk →
 * merged view, with the real analyzers), then the exact findings. Also the
 * Dockerfile reconstructed from history. */
#include "../walk/tarbuild.h"
#include "misconf/image_checks.h"
#include "misconf/lint.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

struct mem {
	const unsigned char *p;
	size_t n, off;
};

static ssize_t mem_read(void *ctx, const void **buf, struct err *e)
{
	(void)e;
	struct mem *m = ctx;
	size_t k = m->n - m->off;
	if (k > 4096)
		k = 4096;
	*buf = m->p + m->off;
	m->off += k;
	return (ssize_t)k;
}

static void walk(const struct tspec *t, size_t n, struct layer_result *r)
{
	size_t len;
	unsigned char *tar = tar_build(t, n, NULL, &len);
	struct mem m = {tar, len, 0};
	struct err e = {{0}};
	memset(r, 0, sizeof *r);
	if (layer_walk("test-layer", mem_read, &m, NULL, r, &e))
		fail_msg("layer walk: %s", e.msg);
	free(tar);
}

static const struct tspec base[] = {
	{"bin", 'd', NULL, 0, 0},
	{"bin/busybox", 'f', "ELF", 0755, 0},
	{"bin/sh", 'l', "/bin/busybox", 0, 0},
	{"bin/su", 'f', "ELF", 04755, 0},
	{"sbin/apk", 'f', "ELF", 0755, 0},
	{"usr/bin/wget", 'l', "/bin/busybox", 0, 0},
	{"usr/bin/sudo", 'f', "ELF", 04711, 0},
	{"etc", 'd', NULL, 0, 0},
	{"etc/passwd", 'f', "root:x:0:0:root:/root:/bin/ash\nbin:x:1:1::/bin:/sbin/nologin\n", 0644, 0},
	{"etc/group", 'f', "root:x:0:\nbin:x:1:\n", 0644, 0},
	{"etc/shadow", 'f', "root:!::0:::::\nbin:*::0:::::\n", 0640, 0},
	{"etc/ww2", 'f', "x", 0666, 0},
	{"tmp", 'd', NULL, 01777, 0},
};

static const struct tspec app[] = {
	{"etc/passwd", 'f',
	 "root:x:0:0:root:/root:/bin/ash\nbin:x:1:1::/bin:/sbin/nologin\ntoor:x:0:0::/root:/bin/sh\n"
	 "app:x:1000:1000::/home/app:/bin/sh\n",
	 0644, 0},
	{"etc/group", 'f', "root:x:0:\nbin:x:1:\n# comment\nwheel:x:1:app\n", 0644, 0},
	{"etc/shadow", 'f', "root:!::0:::::\nbin:*::0:::::\napp::19000:0:99999:7:::\n", 0640, 0},
	{"etc/ww.conf", 'f', "x", 0666, 0},
	{"usr/local/bin/tool", 'f', "ELF", 02755, 0},
	{"usr/share/shared", 'd', NULL, 0777, 0},
	{"usr/share/sticky", 'd', NULL, 01777, 0},
	{"usr/bin/gcc", 'f', "ELF", 0755, 0},
	{"usr/bin/curl", 'f', "ELF", 0755, 0},
	{"home/app/world", 'f', "x", 0666, 0}, /* not a system directory */
};

static const struct tspec fix[] = {
	{"bin/.wh.su", 'f', "", 0, 0},
	{"etc/ww2", 'f', "x", 0644, 0},
};

static const struct tspec conf[] = {
	{"etc/app/config.yaml", 'f', "a: 1\n", 0644, 0},
};

static const char config_json[] =
	"{\"architecture\":\"amd64\",\"os\":\"linux\","
	"\"config\":{\"User\":\"\",\"Env\":[\"PATH=/usr/bin\",\"DB_PASSWORD=hunter2\",\"GPG_KEY=ABC\",\"EMPTY_TOKEN=\"],"
	"\"Volumes\":{\"/var/run/docker.sock\":{},\"/data\":{},\"/proc/sys\":{}},\"Cmd\":[\"/bin/sh\"]},"
	"\"history\":["
	"{\"created_by\":\"/bin/sh -c #(nop) ADD file:abc123 in / \"},"
	"{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"/bin/sh\\\"]\",\"empty_layer\":true},"
	"{\"created_by\":\"RUN |1 NPM_TOKEN=s3cr3t /bin/sh -c apk update # buildkit\"},"
	"{\"created_by\":\"/bin/sh -c sudo rm /bin/su\"},"
	"{\"created_by\":\"ARG API_KEY=abc\",\"empty_layer\":true},"
	"{\"created_by\":\"ENV DB_PASSWORD=hunter2\",\"empty_layer\":true},"
	"{\"created_by\":\"ADD config.yaml /etc/app/ # buildkit\"},"
	"{\"created_by\":\"RUN /bin/sh -c apk add --no-cache curl \\u0026\\u0026 echo 'multi\\nline' # buildkit\",\"empty_layer\":true},"
	"{\"created_by\":\"EXPOSE map[80/tcp:{}]\",\"empty_layer\":true}"
	"]}";

struct fixture {
	struct image img;
	struct layer_result r[4];
	struct layer_result *layers[4];
	struct view v;
};

static void build(struct fixture *f, const char *cfg)
{
	memset(f, 0, sizeof *f);
	json_error_t je;
	f->img.config = json_loads(cfg, 0, &je);
	if (!f->img.config)
		fail_msg("config: %s", je.text);
	walk(base, ARRAY_LEN(base), &f->r[0]);
	walk(app, ARRAY_LEN(app), &f->r[1]);
	walk(fix, ARRAY_LEN(fix), &f->r[2]);
	walk(conf, ARRAY_LEN(conf), &f->r[3]);
	for (int i = 0; i < 4; i++) {
		f->layers[i] = &f->r[i];
		struct image_layer *l = image_add_layer(&f->img);
		l->diff_id = xstrdup(f->r[i].diff_id);
		l->digest = xstrdup(f->r[i].digest);
	}
	view_build(&f->v, f->layers, 4);
}

static void destroy(struct fixture *f)
{
	view_free(&f->v);
	for (int i = 0; i < 4; i++)
		layer_result_free(&f->r[i]);
	image_free(&f->img);
}

static void test_findings(void **state)
{
	(void)state;
	struct fixture f;
	build(&f, config_json);
	struct misconf_findings out = {0};
	assert_int_equal(misconf_check_image(&f.img, &f.v, f.layers, 4, &out), 0);
	struct buf got = {0};
	for (size_t i = 0; i < out.n; i++)
		buf_appendf(&got, "%s %d %s\n", out.v[i].id, out.v[i].layer, out.v[i].message);
	const char *want =
		"VGL-IMG-001 -1 the image config sets no user: containers run as root\n"
		"VGL-IMG-002 -1 the image config has no Healthcheck\n"
		"VGL-IMG-003 1 history step 2 updates the apk index without installing\n"
		"VGL-IMG-004 3 history step 6: ADD config.yaml\n"
		"VGL-IMG-005 2 history step 3 runs sudo\n"
		"VGL-IMG-006 -1 Env sets DB_PASSWORD\n"
		"VGL-IMG-007 -1 build argument API_KEY is recorded in history step 4\n"
		"VGL-IMG-007 1 build argument NPM_TOKEN is recorded in history step 2\n"
		"VGL-IMG-008 -1 VOLUME /proc/sys\n"
		"VGL-IMG-008 -1 VOLUME /var/run/docker.sock\n"
		"VGL-IMG-009 0 /usr/bin/sudo is setuid (mode 4711)\n"
		"VGL-IMG-009 1 /usr/local/bin/tool is setgid (mode 2755)\n"
		"VGL-IMG-010 1 /etc/ww.conf is world-writable (mode 0666)\n"
		"VGL-IMG-010 1 /usr/share/shared is world-writable (mode 0777)\n"
		"VGL-IMG-011 1 /etc/shadow: account app has an empty password\n"
		"VGL-IMG-012 1 /etc/passwd: UID 0 is shared by root, toor\n"
		"VGL-IMG-013 1 /etc/group: GID 1 is shared by bin, wheel\n"
		"VGL-IMG-014 0 /bin/sh, /bin/busybox\n"
		"VGL-IMG-015 0 /sbin/apk\n"
		"VGL-IMG-016 0 /usr/bin/curl, /usr/bin/wget\n"
		"VGL-IMG-017 1 /usr/bin/gcc\n"
		"VGL-IMG-018 0 /usr/bin/sudo\n";
	if (strcmp((char *)got.data, want)) {
		print_message("# want:\n%s# got:\n%s", want, (char *)got.data);
		fail();
	}
	/* Layer attribution reaches JSON with the layer's diff ID. */
	struct misconf_finding *tool = &out.v[11];
	json_t *j = misconf_finding_json(tool, &f.img);
	json_t *layer = json_object_get(j, "Layer");
	assert_int_equal(json_integer_value(json_object_get(layer, "Index")), 1);
	assert_string_equal(json_string_value(json_object_get(layer, "DiffID")), f.r[1].diff_id);
	assert_null(json_object_get(j, "CauseMetadata"));
	json_decref(j);
	buf_free(&got);
	misconf_findings_free(&out);
	destroy(&f);
}

static void test_clean_config(void **state)
{
	(void)state;
	struct fixture f;
	build(&f, "{\"config\":{\"User\":\"app:app\",\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}},"
		  "\"history\":[{\"created_by\":\"ADD alpine-minirootfs.tar.gz / # buildkit\"}]}");
	struct misconf_findings out = {0};
	misconf_check_image(&f.img, NULL, NULL, 0, &out);
	assert_int_equal(out.n, 0);
	misconf_findings_free(&out);
	/* User 0 and root:group are root. */
	json_object_set_new(json_object_get(f.img.config, "config"), "User", json_string("0:0"));
	misconf_check_image(&f.img, NULL, NULL, 0, &out);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0].message, "the image config sets User \"0:0\"");
	misconf_findings_free(&out);
	destroy(&f);
	struct image rootfs = {0};
	assert_int_equal(misconf_check_image(&rootfs, NULL, NULL, 0, &out), -1);
	assert_int_equal(out.n, 0);
}

static void test_history_dockerfile(void **state)
{
	(void)state;
	struct fixture f;
	build(&f, config_json);
	json_object_set_new(json_object_get(f.img.config, "config"), "Healthcheck",
			    json_pack("{s:[s,s],s:I,s:I}", "Test", "CMD-SHELL", "curl -f http://localhost/", "Interval",
				      (json_int_t)30000000000LL, "Retries", (json_int_t)3));
	json_object_set_new(json_object_get(f.img.config, "config"), "User", json_string("app"));
	char *d = misconf_history_dockerfile(&f.img);
	const char *want = "ADD file:abc123 /\n"
			   "CMD [\"/bin/sh\"]\n"
			   "# build arguments: NPM_TOKEN=s3cr3t\n"
			   "RUN apk update\n"
			   "RUN sudo rm /bin/su\n"
			   "ARG API_KEY=abc\n"
			   "ENV DB_PASSWORD=hunter2\n"
			   "ADD config.yaml /etc/app/\n"
			   "RUN <<'VIGIL_EOF'\n"
			   "apk add --no-cache curl && echo 'multi\n"
			   "line'\n"
			   "VIGIL_EOF\n"
			   "EXPOSE map[80/tcp:{}]\n"
			   "USER app\n"
			   "HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/\n";
	if (strcmp(d, want)) {
		print_message("# want:\n%s# got:\n%s", want, d);
		fail();
	}
	free(d);
	destroy(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_clean_config),
		cmocka_unit_test(test_history_dockerfile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
