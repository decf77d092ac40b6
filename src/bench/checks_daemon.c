/* Section 2, daemon configuration. Where the daemon itself reports the
 * effective setting (/info: logging driver, live restore, security options,
 * authorization plugins, registries) that answer is used; everything else
 * comes from dockerd's command line and daemon.json. When neither can be
 * read the check is INFO, never PASS. */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>

/* Why options could not be read, for INFO details. */
static void unknown(struct bench_ctx *ctx, struct bench_outcome *out, const char *what)
{
	bench_out_set(out, BENCH_INFO);
	if (!ctx->dopts.cmdline)
		bench_out_detail(out, "could not evaluate %s: dockerd's command line is unknown (%s)", what,
				 ctx->dockerd_why ? ctx->dockerd_why : "no dockerd found");
	if (ctx->dopts.config_unknown)
		bench_out_detail(out, "could not evaluate %s: daemon.json %s", what, ctx->config_note);
}

static const char *where(struct bench_ctx *ctx, enum dopt_state s)
{
	if (s == DOPT_CONFIG)
		return ctx->config_path;
	return dopt_state_name(s);
}

/* A boolean option that should be want; dflt is dockerd's default. */
static void bool_option(struct bench_ctx *ctx, struct bench_outcome *out, const char *key, bool dflt, bool want)
{
	enum dopt_state st;
	int v = dopts_bool(&ctx->dopts, key, dflt, &st);
	if (v < 0) {
		unknown(ctx, out, key);
		return;
	}
	bench_out_set(out, v == want ? BENCH_PASS : BENCH_WARN);
	bench_out_detail(out, "%s=%s (%s)", key, v ? "true" : "false", where(ctx, st));
}

static void c_2_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (bench_security_option(ctx, "rootless")) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "the daemon runs in rootless mode");
		return;
	}
	bench_out_set(out, BENCH_NOTE);
	if (ctx->dockerd_pid) {
		char *file = xasprintf("/proc/%d/status", (int)ctx->dockerd_pid);
		struct buf b = {0};
		struct err e;
		if (read_file_capped(file, 1 << 20, &b, &e) == 0) {
			const char *u = strstr((const char *)b.data, "\nUid:");
			if (u)
				bench_out_detail(out, "dockerd (pid %d) runs as uid %ld", (int)ctx->dockerd_pid,
						 strtol(u + 5, NULL, 10));
		}
		buf_free(&b);
		free(file);
	}
}

static void c_2_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	bool_option(ctx, out, "icc", true, false);
}

static void c_2_3(struct bench_ctx *ctx, struct bench_outcome *out)
{
	enum dopt_state st;
	const char *level = dopts_log_level(&ctx->dopts, &st);
	if (!level) {
		unknown(ctx, out, "the log level");
		return;
	}
	bench_out_set(out, !strcmp(level, "info") ? BENCH_PASS : BENCH_WARN);
	bench_out_detail(out, "log level %s (%s)", level, where(ctx, st));
}

static void c_2_4(struct bench_ctx *ctx, struct bench_outcome *out)
{
	bool_option(ctx, out, "iptables", true, true);
}

static void c_2_5(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* The daemon's registry configuration is the truth: registries marked
	 * insecure, and insecure CIDRs beyond the loopback ones Docker always
	 * adds. */
	json_t *rc = bench_jpath(ctx->info, "RegistryConfig");
	if (json_is_object(rc)) {
		bench_out_set(out, BENCH_PASS);
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(rc, "InsecureRegistryCIDRs"), i, v) {
			const char *s = json_string_value(v);
			if (s && strcmp(s, "127.0.0.0/8") && strcmp(s, "::1/128"))
				bench_out_item(out, BENCH_WARN, "registry", s, s, "Insecure registry network: %s", s);
		}
		const char *k;
		json_object_foreach(json_object_get(rc, "IndexConfigs"), k, v) {
			if (json_is_false(json_object_get(v, "Secure")))
				bench_out_item(out, BENCH_WARN, "registry", k, k, "Insecure registry: %s", k);
		}
		return;
	}
	enum dopt_state st;
	json_t *l = dopts_list(&ctx->dopts, "insecure-registries", &st);
	if (st == DOPT_UNKNOWN) {
		unknown(ctx, out, "insecure registries");
	} else {
		bench_out_set(out, BENCH_PASS);
		size_t i;
		json_t *v;
		json_array_foreach(l, i, v)
			bench_out_item(out, BENCH_WARN, "registry", json_string_value(v), NULL,
				       "Insecure registry: %s (%s)", json_string_value(v), where(ctx, st));
	}
	json_decref(l);
}

static void c_2_6(struct bench_ctx *ctx, struct bench_outcome *out)
{
	const char *drv = bench_jstr(ctx->info, "Driver");
	bench_out_set(out, !strcmp(drv, "aufs") ? BENCH_WARN : BENCH_PASS);
	bench_out_detail(out, "storage driver %s", *drv ? drv : "(not reported)");
}

/* dockerd takes --tlsverify's default from its own DOCKER_TLS_VERIFY. */
static bool dockerd_env_set(struct bench_ctx *ctx, const char *name)
{
	if (!ctx->dockerd_pid)
		return false;
	char *file = xasprintf("/proc/%d/environ", (int)ctx->dockerd_pid);
	struct buf b = {0};
	struct err e;
	bool set = false;
	if (read_file_capped(file, 1 << 20, &b, &e) == 0) {
		size_t n = strlen(name);
		for (size_t i = 0; i < b.len;) {
			const char *s = (const char *)b.data + i;
			size_t l = strnlen(s, b.len - i);
			if (l > n && !strncmp(s, name, n) && s[n] == '=' && s[n + 1])
				set = true;
			i += l + 1;
		}
	}
	buf_free(&b);
	free(file);
	return set;
}

static void c_2_7(struct bench_ctx *ctx, struct bench_outcome *out)
{
	enum dopt_state st;
	json_t *hosts = dopts_list(&ctx->dopts, "hosts", &st);
	if (st == DOPT_UNKNOWN) {
		unknown(ctx, out, "the daemon's listening sockets");
		json_decref(hosts);
		return;
	}
	size_t ntcp = 0, i;
	json_t *h;
	json_array_foreach(hosts, i, h) {
		const char *s = json_string_value(h);
		if (s && strncmp(s, "unix://", 7) && strncmp(s, "fd://", 5) && strncmp(s, "npipe://", 8))
			ntcp++;
	}
	if (!ntcp) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "Docker daemon not listening on TCP");
		json_decref(hosts);
		return;
	}
	enum dopt_state vs, ts;
	int verify = dopts_bool(&ctx->dopts, "tlsverify", false, &vs);
	if (vs == DOPT_DEFAULT && dockerd_env_set(ctx, "DOCKER_TLS_VERIFY"))
		verify = 1;
	int tls = dopts_bool(&ctx->dopts, "tls", false, &ts);
	const char *why = verify == 1 ? NULL
			  : tls == 1  ? "Docker daemon currently listening on TCP with TLS, but no verification"
				      : "Docker daemon currently listening on TCP without TLS";
	if (verify < 0 && tls != 1) {
		unknown(ctx, out, "TLS settings");
		json_decref(hosts);
		return;
	}
	bench_out_set(out, BENCH_PASS);
	json_array_foreach(hosts, i, h) {
		const char *s = json_string_value(h);
		if (!s || !strncmp(s, "unix://", 7) || !strncmp(s, "fd://", 5) || !strncmp(s, "npipe://", 8))
			continue;
		if (why)
			bench_out_item(out, BENCH_WARN, "socket", s, s, "%s", why);
		else
			bench_out_detail(out, "%s: TLS with client verification", s);
	}
	json_decref(hosts);
}

static void c_2_8(struct bench_ctx *ctx, struct bench_outcome *out)
{
	enum dopt_state st;
	json_t *l = dopts_list(&ctx->dopts, "default-ulimits", &st);
	if (st == DOPT_UNKNOWN) {
		unknown(ctx, out, "default ulimits");
	} else if (!json_array_size(l)) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "Default ulimit doesn't appear to be set");
	} else {
		bench_out_set(out, BENCH_PASS);
		size_t i;
		json_t *v;
		json_array_foreach(l, i, v)
			bench_out_detail(out, "default ulimit %s (%s)", json_string_value(v), where(ctx, st));
	}
	json_decref(l);
}

static void c_2_9(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* The daemon lists "name=userns" exactly when remapping is active. */
	if (bench_security_option(ctx, "userns")) {
		bench_out_set(out, BENCH_PASS);
		const char *remap = dopts_string(&ctx->dopts, "userns-remap", NULL);
		bench_out_detail(out, "user namespace remapping is active%s%s", remap ? ": " : "", remap ? remap : "");
		return;
	}
	bench_out_set(out, BENCH_WARN);
	bench_out_detail(out, "the daemon reports no user namespace remapping");
}

static void c_2_10(struct bench_ctx *ctx, struct bench_outcome *out)
{
	enum dopt_state st;
	const char *cg = dopts_string(&ctx->dopts, "cgroup-parent", &st);
	if (st == DOPT_UNKNOWN) {
		unknown(ctx, out, "cgroup-parent");
	} else if (cg && *cg) {
		bench_out_set(out, BENCH_WARN);
		bench_out_detail(out, "Confirm cgroup usage: cgroup-parent=%s (%s)", cg, where(ctx, st));
	} else {
		bench_out_set(out, BENCH_PASS);
	}
}

static void c_2_11(struct bench_ctx *ctx, struct bench_outcome *out)
{
	enum dopt_state st;
	json_t *l = dopts_list(&ctx->dopts, "storage-opts", &st);
	if (st == DOPT_UNKNOWN) {
		unknown(ctx, out, "storage options");
	} else {
		bench_out_set(out, BENCH_PASS);
		size_t i;
		json_t *v;
		json_array_foreach(l, i, v) {
			const char *s = json_string_value(v);
			if (s && !strncmp(s, "dm.basesize", 11))
				bench_out_item(out, BENCH_WARN, "option", s, s, "base device size changed: %s (%s)", s,
					       where(ctx, st));
		}
	}
	json_decref(l);
}

static void c_2_12(struct bench_ctx *ctx, struct bench_outcome *out)
{
	json_t *plugins = bench_jpath(ctx->info, "Plugins");
	if (json_is_object(plugins)) {
		json_t *authz = json_object_get(plugins, "Authorization");
		bench_out_set(out, json_array_size(authz) ? BENCH_PASS : BENCH_WARN);
		size_t i;
		json_t *v;
		json_array_foreach(authz, i, v)
			bench_out_detail(out, "authorization plugin %s",
					 json_string_value(v) ? json_string_value(v) : "?");
		if (!json_array_size(authz))
			bench_out_detail(out, "the daemon reports no authorization plugin");
		return;
	}
	enum dopt_state st;
	json_t *l = dopts_list(&ctx->dopts, "authorization-plugins", &st);
	if (st == DOPT_UNKNOWN)
		unknown(ctx, out, "authorization plugins");
	else
		bench_out_set(out, json_array_size(l) ? BENCH_PASS : BENCH_WARN);
	json_decref(l);
}

static void c_2_13(struct bench_ctx *ctx, struct bench_outcome *out)
{
	const char *drv = bench_jstr(ctx->info, "LoggingDriver");
	int r = bench_log_driver_is_remote(drv);
	bench_out_set(out, r == 1 ? BENCH_PASS : r == 0 ? BENCH_WARN : BENCH_INFO);
	bench_out_detail(out,
			 r < 0 ? "log driver %s: a plugin; cannot tell whether it ships logs off the host"
			       : "log driver %s",
			 *drv ? drv : "(not reported)");
}

static void c_2_14(struct bench_ctx *ctx, struct bench_outcome *out)
{
	bool_option(ctx, out, "no-new-privileges", false, true);
}

static void c_2_15(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (bench_jtrue(ctx->info, "LiveRestoreEnabled")) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "the daemon reports live restore enabled");
	} else if (strcmp(bench_swarm_state(ctx), "inactive")) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "Incompatible with swarm mode");
	} else {
		bench_out_set(out, BENCH_WARN);
		bench_out_detail(out, "the daemon reports live restore disabled");
	}
}

static void c_2_16(struct bench_ctx *ctx, struct bench_outcome *out)
{
	bool_option(ctx, out, "userland-proxy", true, false);
}

static void c_2_17(struct bench_ctx *ctx, struct bench_outcome *out)
{
	const char *s = bench_security_option(ctx, "seccomp");
	const char *prof = s ? strstr(s, "profile=") : NULL;
	prof = prof ? prof + 8 : "";
	if (!s) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "the daemon reports no seccomp support");
	} else if (!strncmp(prof, "unconfined", 10)) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "seccomp is disabled daemon-wide (profile=unconfined)");
	} else {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "seccomp profile: %.*s", (int)strcspn(prof, ","), prof);
	}
}

static void c_2_18(struct bench_ctx *ctx, struct bench_outcome *out)
{
	json_t *v = bench_jpath(ctx->info, "ExperimentalBuild");
	if (!json_is_boolean(v)) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "the daemon does not report whether experimental features are on");
		return;
	}
	bench_out_set(out, json_is_true(v) ? BENCH_WARN : BENCH_PASS);
	bench_out_detail(out, "experimental features %s", json_is_true(v) ? "enabled" : "disabled");
}

static const struct bench_check checks[] = {
	{"2.1", "Run the Docker daemon as a non-root user, if possible", 1, false,
	 "Consider rootless mode (dockerd-rootless-setuptool.sh install), following Docker's documentation.", c_2_1},
	{"2.2", "Ensure network traffic is restricted between containers on the default bridge", 1, true,
	 "Set \"icc\": false in daemon.json (or run dockerd --icc=false); link containers that must talk, or use "
	 "user-defined networks.",
	 c_2_2},
	{"2.3", "Ensure the logging level is set to 'info'", 1, true,
	 "Set \"log-level\": \"info\" in daemon.json (or dockerd --log-level=info) and do not run with --debug.",
	 c_2_3},
	{"2.4", "Ensure Docker is allowed to make changes to iptables", 1, true,
	 "Do not run dockerd with --iptables=false (nor \"iptables\": false in daemon.json).", c_2_4},
	{"2.5", "Ensure insecure registries are not used", 1, true,
	 "Remove --insecure-registry flags and \"insecure-registries\" entries; give registries TLS certificates.",
	 c_2_5},
	{"2.6", "Ensure aufs storage driver is not used", 1, true,
	 "Use overlay2 (or another supported driver) instead of aufs: dockerd --storage-driver overlay2.", c_2_6},
	{"2.7", "Ensure TLS authentication for Docker daemon is configured", 1, true,
	 "When the daemon listens on TCP, run it with --tlsverify --tlscacert --tlscert --tlskey (or the same keys "
	 "in daemon.json).",
	 c_2_7},
	{"2.8", "Ensure the default ulimit is configured appropriately", 1, false,
	 "Set default ulimits as your policy requires, e.g. dockerd --default-ulimit nproc=1024:2048 --default-ulimit "
	 "nofile=100:200 (or \"default-ulimits\" in daemon.json).",
	 c_2_8},
	{"2.9", "Enable user namespace support", 2, true,
	 "Create /etc/subuid and /etc/subgid entries and start dockerd with --userns-remap=default (or "
	 "\"userns-remap\" in daemon.json).",
	 c_2_9},
	{"2.10", "Ensure the default cgroup usage has been confirmed", 2, true,
	 "Leave --cgroup-parent unset unless a specific parent cgroup is required, and then confirm it.", c_2_10},
	{"2.11", "Ensure base device size is not changed until needed", 2, true,
	 "Do not set --storage-opt dm.basesize until needed.", c_2_11},
	{"2.12", "Ensure that authorization for Docker client commands is enabled", 2, true,
	 "Install an authorization plugin, configure its policy, and start dockerd with "
	 "--authorization-plugin=PLUGIN.",
	 c_2_12},
	{"2.13", "Ensure centralized and remote logging is configured", 1, true,
	 "Use a log driver that ships logs off the host, e.g. dockerd --log-driver=syslog --log-opt "
	 "syslog-address=tcp://LOGHOST (or \"log-driver\" in daemon.json).",
	 c_2_13},
	{"2.14", "Ensure containers are restricted from acquiring new privileges", 1, true,
	 "Run dockerd --no-new-privileges (or \"no-new-privileges\": true in daemon.json).", c_2_14},
	{"2.15", "Ensure live restore is enabled", 1, true,
	 "Run dockerd --live-restore (or \"live-restore\": true in daemon.json).", c_2_15},
	{"2.16", "Ensure Userland Proxy is Disabled", 2, true,
	 "Run dockerd --userland-proxy=false (or \"userland-proxy\": false in daemon.json).", c_2_16},
	{"2.17", "Ensure that a daemon-wide custom seccomp profile is applied if appropriate", 1, false,
	 "Docker's default seccomp profile applies by default; set --seccomp-profile only for a reviewed custom "
	 "profile.",
	 c_2_17},
	{"2.18", "Ensure that experimental features are not implemented in production", 1, true,
	 "Do not run dockerd with --experimental (nor \"experimental\": true) on production systems.", c_2_18},
};

const struct bench_check *bench_checks_daemon(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
