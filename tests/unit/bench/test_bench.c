/* Unit tests for the pure logic of vigil bench: permission bits, dockerd
 * command line and daemon.json parsing and merging, Docker's default
 * capabilities, check selection, audit rules, mountinfo, the check table and
 * the report formats. */
#include "testutil.h"

#include "bench/bench.h"
#include "bench/daemon_opts.h"
#include "bench/logic.h"

#include <stdlib.h>
#include <string.h>

static void test_mode_bits(void **state)
{
	(void)state;
	assert_true(bench_mode_within(0644, 0644));
	assert_true(bench_mode_within(0600, 0644));
	assert_true(bench_mode_within(0640, 0644));
	assert_true(bench_mode_within(0444, 0644));
	assert_true(bench_mode_within(0, 0400));
	assert_true(bench_mode_within(0400, 0400));
	assert_true(bench_mode_within(0660, 0660));
	assert_true(bench_mode_within(0100644, 0644)); /* file type bits are ignored */
	/* Decimal comparison (docker-bench-security) would pass these: 77 < 644,
	 * 611 < 644, 444 < 660 is fine but 0447 < 660 is not. */
	assert_false(bench_mode_within(0077, 0644));
	assert_false(bench_mode_within(0611, 0644));
	assert_false(bench_mode_within(0447, 0660));
	assert_false(bench_mode_within(0604, 0600));
	/* ... and would fail this one: 640 > 604, yet 0600 is within 0604. */
	assert_true(bench_mode_within(0600, 0604));
	assert_false(bench_mode_within(0646, 0644));
	assert_false(bench_mode_within(04644, 0644)); /* setuid */
	assert_false(bench_mode_within(01755, 0755)); /* sticky */
	assert_false(bench_mode_within(0410, 0400));
	assert_int_equal(bench_mode_excess(0666, 0644), 0022);
	assert_int_equal(bench_mode_excess(0777, 0660), 0117);
	assert_int_equal(bench_mode_excess(0600, 0644), 0);
}

static void test_caps(void **state)
{
	(void)state;
	const char *def[] = {
		"CHOWN",  "DAC_OVERRIDE", "FSETID",  "FOWNER",           "MKNOD",      "NET_RAW", "SETGID",
		"SETUID", "SETFCAP",      "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",    "AUDIT_WRITE"};
	for (size_t i = 0; i < sizeof def / sizeof *def; i++)
		assert_true(bench_cap_is_default(def[i]));
	assert_true(bench_cap_is_default("CAP_CHOWN"));
	assert_true(bench_cap_is_default("cap_net_raw"));
	assert_true(bench_cap_is_default("kill"));
	assert_false(bench_cap_is_default("NET_ADMIN"));
	assert_false(bench_cap_is_default("CAP_SYS_ADMIN"));
	assert_false(bench_cap_is_default("SYS_PTRACE"));
	assert_false(bench_cap_is_default("ALL"));
	assert_false(bench_cap_is_default(""));
	assert_false(bench_cap_is_default("CAP_"));
	assert_false(bench_cap_is_default("CHOWNX"));
}

static void test_user_restart_paths(void **state)
{
	(void)state;
	assert_true(bench_user_is_root(""));
	assert_true(bench_user_is_root("0"));
	assert_true(bench_user_is_root("root"));
	assert_true(bench_user_is_root("0:0"));
	assert_true(bench_user_is_root("root:1000"));
	assert_true(bench_user_is_root(":1000"));
	assert_false(bench_user_is_root("1000"));
	assert_false(bench_user_is_root("1000:0"));
	assert_false(bench_user_is_root("nobody"));
	assert_false(bench_user_is_root("00"));
	assert_false(bench_user_is_root("rootless"));

	assert_true(bench_restart_policy_ok("", 0));
	assert_true(bench_restart_policy_ok("no", 0));
	assert_true(bench_restart_policy_ok(NULL, 0));
	assert_true(bench_restart_policy_ok("on-failure", 1));
	assert_true(bench_restart_policy_ok("on-failure", 5));
	assert_false(bench_restart_policy_ok("on-failure", 0)); /* unlimited */
	assert_false(bench_restart_policy_ok("on-failure", 6));
	assert_false(bench_restart_policy_ok("always", 0));
	assert_false(bench_restart_policy_ok("unless-stopped", 0));

	assert_true(bench_abs_path_under("/etc/passwd", "/etc"));
	assert_true(bench_abs_path_under("/etc", "/etc"));
	assert_true(bench_abs_path_under("/etc/", "/etc"));
	assert_true(bench_abs_path_under("/etc", "/etc/"));
	assert_true(bench_abs_path_under("/anything", "/"));
	assert_false(bench_abs_path_under("/etcetera", "/etc"));
	assert_false(bench_abs_path_under("/et", "/etc"));
	assert_false(bench_abs_path_under("/usr", "/usr/lib"));
}

static bool dir_etc_docker(const char *p)
{
	return !strcmp(p, "/etc/docker") || !strcmp(p, "/etc/docker/");
}

static bool rules(const char *text, const char *path)
{
	return bench_audit_rules_watch(text, strlen(text), path, dir_etc_docker);
}

static void test_audit_rules(void **state)
{
	(void)state;
	assert_true(rules("-w /usr/bin/dockerd -k docker\n", "/usr/bin/dockerd"));
	assert_true(rules("-w /usr/bin/dockerd -p wa", "/usr/bin/dockerd"));
	assert_true(rules("  -w   /usr/bin/dockerd   -k docker  ", "/usr/bin/dockerd"));
	assert_true(rules("-w/usr/bin/dockerd -k docker", "/usr/bin/dockerd"));
	/* A substring is not a watch (docker-bench-security greps). */
	assert_false(rules("-w /usr/bin/dockerd-ce -k docker", "/usr/bin/dockerd"));
	assert_false(rules("-w /etc/docker/daemon.json -k docker", "/etc/docker"));
	assert_false(rules("# -w /usr/bin/dockerd -k docker", "/usr/bin/dockerd"));
	assert_false(rules("-W /usr/bin/dockerd -k docker", "/usr/bin/dockerd"));
	assert_false(rules("-k docker /usr/bin/dockerd", "/usr/bin/dockerd"));
	/* auditctl -l forms. */
	assert_true(rules("-a always,exit -F arch=b64 -F path=/run/containerd -F perm=war -F key=docker",
			  "/run/containerd"));
	assert_true(rules("-a always,exit -S all -F dir=/etc/docker -F perm=rwxa -F key=docker",
			  "/etc/docker/daemon.json"));
	assert_false(rules("-a never,exit -F path=/run/containerd -F perm=war", "/run/containerd"));
	assert_false(rules("-a exit,never -F path=/run/containerd", "/run/containerd"));
	/* A directory watch covers what lies below it. */
	assert_true(rules("-w /etc/docker -k docker", "/etc/docker/daemon.json"));
	assert_true(rules("-w /etc/docker/ -k docker", "/etc/docker"));
	assert_false(rules("-w /etc/docker -k docker", "/etc/default/docker"));
	/* Several lines, CRLF, empty input. */
	assert_true(rules("-D\r\n-b 8192\r\n-w /usr/bin/runc -k docker\r\n", "/usr/bin/runc"));
	assert_false(rules("No rules\n", "/usr/bin/runc"));
	assert_false(rules("", "/usr/bin/runc"));
	assert_false(rules("-w", "/usr/bin/runc"));
	assert_false(rules("-F", "/usr/bin/runc"));
}

static void test_mountinfo(void **state)
{
	(void)state;
	const char *mi = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
			 "40 27 8:17 / /var/lib/docker rw,relatime shared:1 - xfs /dev/sdb1 rw\n"
			 "41 27 8:33 / /srv/my\\040data rw - ext4 /dev/sdc1 rw\n"
			 /* dockerd's bind of its root onto itself: same device. */
			 "42 27 254:0 /tmp/d/root /tmp/d/root rw - ext4 /dev/vda rw\n"
			 "43 27 8:33 /docker /data/docker rw - ext4 /dev/sdc1 rw\n"
			 "garbage\n";
	size_t n = strlen(mi);
	char *fs = NULL;
	assert_true(bench_mountinfo_separate_fs(mi, n, "/var/lib/docker", &fs));
	assert_string_equal(fs, "/var/lib/docker (xfs /dev/sdb1 8:17)");
	free(fs);
	assert_true(bench_mountinfo_separate_fs(mi, n, "/var/lib/docker/", NULL));
	assert_false(bench_mountinfo_separate_fs(mi, n, "/var/lib/docker/volumes", &fs));
	assert_string_equal(fs, "/var/lib/docker (xfs /dev/sdb1 8:17)");
	free(fs);
	assert_false(bench_mountinfo_separate_fs(mi, n, "/tmp/x/root", &fs));
	assert_string_equal(fs, "/ (ext4 /dev/vda 254:0)");
	free(fs);
	assert_false(bench_mountinfo_separate_fs(mi, n, "/tmp/d/root", NULL));
	assert_true(bench_mountinfo_separate_fs(mi, n, "/srv/my data", NULL));
	assert_true(bench_mountinfo_separate_fs(mi, n, "/data/docker", NULL));
	assert_false(bench_mountinfo_separate_fs(mi, n, "/", NULL));
	assert_false(bench_mountinfo_separate_fs("", 0, "/", &fs));
	assert_null(fs);
}

static void test_small_predicates(void **state)
{
	(void)state;
	assert_true(bench_content_trust_enabled("1"));
	assert_true(bench_content_trust_enabled("true"));
	assert_true(bench_content_trust_enabled("yes")); /* the CLI: anything not a Go false */
	assert_false(bench_content_trust_enabled(NULL));
	assert_false(bench_content_trust_enabled(""));
	assert_false(bench_content_trust_enabled("0"));
	assert_false(bench_content_trust_enabled("false"));
	assert_false(bench_content_trust_enabled("FALSE"));

	assert_int_equal(bench_log_driver_is_remote("syslog"), 1);
	assert_int_equal(bench_log_driver_is_remote("journald"), 1);
	assert_int_equal(bench_log_driver_is_remote("json-file"), 0);
	assert_int_equal(bench_log_driver_is_remote("local"), 0);
	assert_int_equal(bench_log_driver_is_remote("none"), 0);
	assert_int_equal(bench_log_driver_is_remote("grafana/loki-docker-driver:latest"), -1);

	assert_true(bench_history_update_alone("/bin/sh -c apt-get update"));
	assert_true(bench_history_update_alone("RUN /bin/sh -c apk update # buildkit"));
	assert_true(bench_history_update_alone("/bin/sh -c apt-get -y update;"));
	assert_false(bench_history_update_alone("/bin/sh -c apt-get update && apt-get install -y curl"));
	assert_false(bench_history_update_alone("/bin/sh -c apk add --update curl"));
	assert_false(bench_history_update_alone("/bin/sh -c #(nop)  CMD [\"/bin/sh\"]"));
	assert_false(bench_history_update_alone("/bin/sh -c echo updated"));

	assert_true(bench_history_is_add("/bin/sh -c #(nop) ADD file:abc in / "));
	assert_true(bench_history_is_add("ADD app.tar /srv # buildkit"));
	assert_false(bench_history_is_add("/bin/sh -c #(nop) COPY file:abc in / "));
	assert_false(bench_history_is_add("/bin/sh -c ADDUSER x"));
	assert_false(bench_history_is_add("/bin/sh -c adduser x"));

	assert_true(bench_process_is_sshd("sshd"));
	assert_true(bench_process_is_sshd("/usr/sbin/sshd -D"));
	assert_true(bench_process_is_sshd("sshd: root@pts/0"));
	assert_false(bench_process_is_sshd("sshd-keygen"));
	assert_false(bench_process_is_sshd("/bin/sh /sbin/sshd-helper"));
	assert_false(bench_process_is_sshd("mysshd"));
	assert_false(bench_process_is_sshd(""));

	assert_true(bench_port_is_privileged("80"));
	assert_true(bench_port_is_privileged("1"));
	assert_true(bench_port_is_privileged("1023"));
	assert_false(bench_port_is_privileged("1024"));
	assert_false(bench_port_is_privileged("0"));
	assert_false(bench_port_is_privileged(""));
	assert_false(bench_port_is_privileged("8o"));
	assert_false(bench_port_is_privileged("999999"));

	assert_true(bench_host_ip_is_wildcard(""));
	assert_true(bench_host_ip_is_wildcard("0.0.0.0"));
	assert_true(bench_host_ip_is_wildcard("::"));
	assert_false(bench_host_ip_is_wildcard("127.0.0.1"));
}

static void test_selection(void **state)
{
	(void)state;
	struct bench_filter inc = {0}, exc = {0};
	char *bad = NULL;
	assert_int_equal(bench_filter_parse(&inc, "2, 5.4 ,check_1_1", &bad), 0);
	assert_int_equal(bench_filter_parse(&exc, "5.10", &bad), 0);
	assert_int_equal(inc.n, 3);
	assert_string_equal(inc.pats[2], "1.1");
	assert_true(bench_filter_matches(&inc, "2.1"));
	assert_true(bench_filter_matches(&inc, "2.18"));
	assert_true(bench_filter_matches(&inc, "5.4"));
	assert_false(bench_filter_matches(&inc, "5.40"));
	assert_false(bench_filter_matches(&inc, "5.41"));
	assert_true(bench_filter_matches(&inc, "1.1.3"));
	assert_false(bench_filter_matches(&inc, "1.2.1"));
	assert_false(bench_filter_matches(&inc, "3.1"));
	assert_false(bench_filter_matches(&inc, "22.1"));
	assert_true(bench_filter_matches(&exc, "5.10"));
	assert_false(bench_filter_matches(&exc, "5.1"));
	bench_filter_free(&inc);
	bench_filter_free(&exc);

	const char *bads[] = {"", "2,", ",2", "a", "5..4", ".5", "5.", "check_", "2;3", "5 4"};
	for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
		struct bench_filter f = {0};
		assert_int_equal(bench_filter_parse(&f, bads[i], &bad), -1);
		assert_non_null(bad);
		free(bad);
		bench_filter_free(&f);
	}
	assert_true(bench_pattern_known("5"));
	assert_true(bench_pattern_known("1.1"));
	assert_true(bench_pattern_known("7.9"));
	assert_false(bench_pattern_known("8"));
	assert_false(bench_pattern_known("5.33"));
	assert_false(bench_pattern_known("1.3"));
}

/* Build a cmdline image from NUL-joined words. */
static json_t *cmdline(const char *const *argv, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_append(&b, argv[i], strlen(argv[i]) + 1);
	json_t *j = dopts_parse_cmdline(b.data ? (const char *)b.data : "", b.len);
	buf_free(&b);
	return j;
}

#define CMDLINE(...) \
	cmdline((const char *const[]){__VA_ARGS__}, sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void test_cmdline(void **state)
{
	(void)state;
	json_t *j =
		CMDLINE("/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock",
			"--icc=false", "--log-level", "debug", "--iptables=false", "--iptables=true",
			"-Hunix:///x.sock", "-H=tcp://0.0.0.0:2376", "--tlsverify", "--insecure-registry", "r1:5000",
			"--insecure-registry=r2", "--config-file", "/etc/d.json", "--live-restore", "-D");
	assert_true(json_is_false(json_object_get(j, "icc")));
	assert_string_equal(json_string_value(json_object_get(j, "log-level")), "debug");
	assert_true(json_is_true(json_object_get(j, "iptables"))); /* last wins, as in pflag */
	json_t *hosts = json_object_get(j, "hosts");
	assert_int_equal(json_array_size(hosts), 3);
	assert_string_equal(json_string_value(json_array_get(hosts, 0)), "fd://");
	assert_string_equal(json_string_value(json_array_get(hosts, 1)), "unix:///x.sock");
	assert_string_equal(json_string_value(json_array_get(hosts, 2)), "tcp://0.0.0.0:2376");
	assert_true(json_is_true(json_object_get(j, "tlsverify")));
	assert_int_equal(json_array_size(json_object_get(j, "insecure-registries")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "config-file")), "/etc/d.json");
	assert_string_equal(json_string_value(json_object_get(j, "containerd")), "/run/containerd/containerd.sock");
	assert_true(json_is_true(json_object_get(j, "live-restore")));
	assert_true(json_is_true(json_object_get(j, "debug")));
	json_decref(j);

	/* A boolean never takes the next word; combined shorthands; garbage. */
	j = CMDLINE("dockerd", "--icc", "--userland-proxy=0", "-Dl", "warn", "--icc=maybe", "--made-up", "value",
		    "--other-unknown", "--no-new-privileges", "stray");
	assert_true(json_is_true(json_object_get(j, "icc")));
	assert_true(json_is_false(json_object_get(j, "userland-proxy")));
	assert_true(json_is_true(json_object_get(j, "debug")));
	assert_string_equal(json_string_value(json_object_get(j, "log-level")), "warn");
	assert_int_equal(json_array_size(json_object_get(j, "invalid")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "--made-up")), "value");
	assert_true(json_is_true(json_object_get(j, "--other-unknown")));
	assert_true(json_is_true(json_object_get(j, "no-new-privileges")));
	json_decref(j);

	/* Old "docker daemon" form, "--" terminator, value at the end missing. */
	j = CMDLINE("docker", "daemon", "--icc=false", "--", "--iptables=false");
	assert_true(json_is_false(json_object_get(j, "icc")));
	assert_null(json_object_get(j, "iptables"));
	json_decref(j);
	j = CMDLINE("dockerd", "--log-level");
	assert_string_equal(json_string_value(json_object_get(j, "log-level")), "");
	json_decref(j);

	/* Empty, no NUL at the end, invalid UTF-8: never fails. */
	j = dopts_parse_cmdline("", 0);
	assert_int_equal(json_object_size(j), 0);
	json_decref(j);
	j = dopts_parse_cmdline("dockerd\0--icc=false", 19);
	assert_true(json_is_false(json_object_get(j, "icc")));
	json_decref(j);
	j = dopts_parse_cmdline("dockerd\0--data-root\0/x\xff\xfe", 25);
	assert_non_null(json_string_value(json_object_get(j, "data-root")));
	json_decref(j);
}

static void test_merge(void **state)
{
	(void)state;
	struct err e;
	const char *cfg = "\xEF\xBB\xBF{\"icc\": false, \"log-level\": \"info\", \"userland-proxy\": false,"
			  " \"insecure-registries\": [\"a:5000\"], \"default-ulimits\": {\"nofile\": {\"Hard\": 64}},"
			  " \"live-restore\": \"yes\", \"hosts\": []}";
	struct daemon_opts o = {0};
	o.config = dopts_parse_config(cfg, strlen(cfg), &e);
	assert_non_null(o.config);
	o.cmdline = CMDLINE("dockerd", "--iptables=false", "--insecure-registry", "b:5000", "--log-level=warn");
	enum dopt_state st;
	assert_int_equal(dopts_bool(&o, "icc", true, &st), 0);
	assert_int_equal(st, DOPT_CONFIG);
	assert_int_equal(dopts_bool(&o, "iptables", true, &st), 0);
	assert_int_equal(st, DOPT_CMDLINE);
	assert_int_equal(dopts_bool(&o, "no-new-privileges", false, &st), 0);
	assert_int_equal(st, DOPT_DEFAULT);
	assert_int_equal(dopts_bool(&o, "userland-proxy", true, &st), 0);
	/* Not a boolean in daemon.json: dockerd would not have started with it. */
	assert_int_equal(dopts_bool(&o, "live-restore", false, &st), -1);
	assert_int_equal(st, DOPT_UNKNOWN);
	/* Command line first for scalars. */
	assert_string_equal(dopts_string(&o, "log-level", &st), "warn");
	assert_int_equal(st, DOPT_CMDLINE);
	assert_null(dopts_string(&o, "icc", &st));
	assert_int_equal(st, DOPT_UNKNOWN);
	/* Lists add up; objects become key strings. */
	json_t *l = dopts_list(&o, "insecure-registries", &st);
	assert_int_equal(json_array_size(l), 2);
	json_decref(l);
	l = dopts_list(&o, "default-ulimits", &st);
	assert_int_equal(json_array_size(l), 1);
	assert_string_equal(json_string_value(json_array_get(l, 0)), "nofile");
	assert_int_equal(st, DOPT_CONFIG);
	json_decref(l);
	l = dopts_list(&o, "hosts", &st);
	assert_int_equal(json_array_size(l), 0);
	assert_int_equal(st, DOPT_DEFAULT);
	json_decref(l);
	assert_string_equal(dopts_log_level(&o, &st), "warn");

	/* -D beats --log-level. */
	json_decref(o.cmdline);
	o.cmdline = CMDLINE("dockerd", "-D", "--log-level=info");
	assert_string_equal(dopts_log_level(&o, &st), "debug");
	assert_int_equal(st, DOPT_CMDLINE);

	/* Unknown command line: only what daemon.json says is known. */
	json_decref(o.cmdline);
	o.cmdline = NULL;
	assert_int_equal(dopts_bool(&o, "icc", true, &st), 0);
	assert_int_equal(st, DOPT_CONFIG);
	assert_int_equal(dopts_bool(&o, "iptables", true, &st), -1);
	assert_int_equal(st, DOPT_UNKNOWN);
	/* daemon.json says info, but a -D on the unknown command line would win. */
	assert_null(dopts_log_level(&o, &st));
	assert_int_equal(st, DOPT_UNKNOWN);
	l = dopts_list(&o, "authorization-plugins", &st);
	assert_int_equal(st, DOPT_UNKNOWN);
	json_decref(l);

	/* Known command line, unreadable daemon.json. */
	json_decref(o.config);
	o.config = NULL;
	o.config_unknown = true;
	o.cmdline = CMDLINE("dockerd", "--icc=false");
	assert_int_equal(dopts_bool(&o, "icc", true, &st), 0);
	assert_int_equal(dopts_bool(&o, "live-restore", false, &st), -1);
	assert_int_equal(st, DOPT_UNKNOWN);
	o.config_unknown = false; /* absent file: defaults apply */
	assert_int_equal(dopts_bool(&o, "live-restore", false, &st), 0);
	assert_int_equal(st, DOPT_DEFAULT);
	assert_string_equal(dopts_log_level(&o, &st), "info");
	json_decref(o.cmdline);

	/* daemon.json that is not an object, or not JSON. */
	assert_null(dopts_parse_config("[1]", 3, &e));
	assert_non_null(strstr(e.msg, "not a JSON object"));
	assert_null(dopts_parse_config("{\"icc\": fal", 11, &e));
	assert_non_null(strstr(e.msg, "not valid JSON"));
	assert_null(dopts_parse_config("", 0, &e));
	assert_int_equal(dopts_parse_bool("True"), 1);
	assert_int_equal(dopts_parse_bool("F"), 0);
	assert_int_equal(dopts_parse_bool("yes"), -1);
}

typedef const struct bench_check *(*section_fn)(size_t *);

static void test_check_table(void **state)
{
	(void)state;
	const section_fn secs[] = {bench_checks_host,    bench_checks_daemon, bench_checks_files, bench_checks_images,
				   bench_checks_runtime, bench_checks_ops,    bench_checks_swarm};
	const size_t want[] = {20, 18, 24, 12, 32, 2, 9};
	size_t total = 0;
	for (size_t s = 0; s < 7; s++) {
		size_t n;
		const struct bench_check *c = secs[s](&n);
		assert_int_equal(n, want[s]);
		for (size_t i = 0; i < n; i++) {
			char sec[4];
			snprintf(sec, sizeof sec, "%zu", s + 1);
			assert_true(bench_pattern_matches(sec, c[i].id));
			assert_true(c[i].title && *c[i].title);
			assert_true(c[i].remediation && *c[i].remediation);
			assert_true(c[i].level == 1 || c[i].level == 2);
			assert_non_null(c[i].run);
			for (size_t k = 0; k < i; k++)
				assert_string_not_equal(c[k].id, c[i].id);
		}
		total += n;
	}
	assert_int_equal(total, 117);
	assert_string_equal(bench_section_title("5"), "Container Runtime");
	assert_string_equal(bench_section_title("1.1"), "Linux Hosts Specific Configuration");
	assert_null(bench_section_title("9"));
}

static void test_render(void **state)
{
	(void)state;
	size_t n;
	const struct bench_check *c = bench_checks_runtime(&n);
	struct bench_report rep = {0};
	rep.n = 2;
	rep.entries = calloc(2, sizeof *rep.entries);
	rep.entries[0].check = &c[4]; /* 5.5 */
	rep.entries[0].out.result = BENCH_PASS;
	bench_out_item(&rep.entries[0].out, BENCH_WARN, "container", "abc123def4567890", "priv<&>\"x",
		       "Container running in Privileged mode: %s", "priv<&>\"x\x01");
	bench_out_detail(&rep.entries[0].out, "bad utf-8: \xff");
	rep.entries[1].check = &c[8]; /* 5.9 */
	rep.entries[1].out.result = BENCH_NOTE;
	rep.checks = 2;
	rep.score = -1;
	rep.meta = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "version", "0.1.0", "benchmark", "CIS",
			     "daemon", "socket", "/s", "server_version", "1", "config_file", "/c", "config_file_state",
			     "read", "pid_source", "");
	assert_int_equal(rep.entries[0].out.result, BENCH_WARN);

	struct buf out = {0};
	bench_render(&rep, "json", false, &out);
	json_error_t je;
	json_t *j = json_loadb((const char *)out.data, out.len, 0, &je);
	assert_non_null(j);
	json_t *r0 = json_array_get(json_object_get(j, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "id")), "5.5");
	assert_string_equal(json_string_value(json_object_get(r0, "section")), "5");
	assert_string_equal(json_string_value(json_object_get(r0, "result")), "WARN");
	json_t *it = json_array_get(json_object_get(r0, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(it, "id")), "abc123def4567890");
	assert_string_equal(json_string_value(json_object_get(it, "result")), "WARN");
	assert_non_null(strstr(json_string_value(json_array_get(json_object_get(r0, "details"), 0)), "\\xff"));
	assert_int_equal(json_integer_value(json_object_get(j, "score")), -1);
	assert_int_equal(json_integer_value(bench_jpath(j, "summary.NOTE")), 1);
	json_decref(j);
	buf_free(&out);

	bench_render(&rep, "sarif", false, &out);
	j = json_loadb((const char *)out.data, out.len, 0, &je);
	assert_non_null(j);
	json_t *res = json_array_get(bench_jpath(json_array_get(json_object_get(j, "runs"), 0), "results"), 0);
	assert_string_equal(json_string_value(json_object_get(res, "kind")), "fail");
	assert_string_equal(json_string_value(json_object_get(res, "level")), "warning");
	json_decref(j);
	buf_free(&out);

	bench_render(&rep, "junit", false, &out);
	assert_non_null(strstr((const char *)out.data, "priv&lt;&amp;&gt;&quot;x\\x01"));
	assert_non_null(strstr((const char *)out.data, "failures=\"1\" skipped=\"1\""));
	assert_null(memchr(out.data, '\x01', out.len));
	buf_free(&out);

	bench_render(&rep, "text", true, &out);
	assert_non_null(strstr((const char *)out.data, "[WARN] 5.5 - Ensure that privileged containers are not used "
						       "(Automated)"));
	assert_non_null(strstr((const char *)out.data, "[abc123def456]"));
	assert_non_null(strstr((const char *)out.data, "Remediation: "));
	assert_non_null(strstr((const char *)out.data, "[INFO] Checks: 2\n[INFO] Score: -1"));
	buf_free(&out);
	bench_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_bits),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_user_restart_paths),
		cmocka_unit_test(test_audit_rules),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_small_predicates),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
