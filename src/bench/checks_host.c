/* Section 1, host configuration: the Docker root on its own filesystem, who
 * can talk to the daemon, audit rules for the daemon's binaries and files,
 * and the two manual checks. */
#include "bench/bench.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

static char *read_text(const char *path, size_t *len, struct err *e)
{
	struct buf b = {0};
	if (read_file_capped(path, 16 * 1024 * 1024, &b, e) != 0) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return buf_steal(&b);
}

static void c_1_1_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	const char *root = bench_jstr(ctx->info, "DockerRootDir");
	if (!*root) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "the daemon does not report its DockerRootDir");
		return;
	}
	char *dir = xstrdup(root);
	/* With user namespace remapping the root is <data-root>/<uid>.<gid>;
	 * the partition is for the data root above it. */
	if (bench_security_option(ctx, "userns")) {
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
	}
	/* The daemon's own mount namespace decides what it writes to. */
	char *mi = ctx->dockerd_pid ? xasprintf("/proc/%d/mountinfo", (int)ctx->dockerd_pid)
				    : xstrdup("/proc/self/mountinfo");
	struct err e;
	size_t len = 0;
	char *text = read_text(mi, &len, &e);
	if (!text) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not read %s", e.msg);
	} else {
		char *fs = NULL;
		if (bench_mountinfo_separate_fs(text, len, dir, &fs)) {
			bench_out_set(out, BENCH_PASS);
			bench_out_detail(out, "%s is on its own filesystem: %s", dir, fs ? fs : "?");
		} else {
			bench_out_set(out, BENCH_WARN);
			bench_out_detail(out, "%s is not on a separate partition; it is on %s", dir,
					 fs ? fs : "an unknown filesystem");
		}
		free(fs);
	}
	free(text);
	free(mi);
	free(dir);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void c_1_1_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* Whoever is in the group owning the socket controls the daemon: its
	 * listed members and the users whose primary group it is. */
	struct stat st;
	int err = bench_stat(ctx->sock, &st);
	if (err) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not stat %s: %s", ctx->sock, strerror(err));
		return;
	}
	char *gname = bench_group_name(st.st_gid);
	char **users = NULL;
	size_t n = 0;
	struct group gr, *gres = NULL;
	char gbuf[65536];
	if (getgrgid_r(st.st_gid, &gr, gbuf, sizeof gbuf, &gres) == 0 && gres)
		for (char **m = gres->gr_mem; *m; m++) {
			users = xrealloc(users, (n + 1) * sizeof *users);
			users[n++] = xstrdup(*m);
		}
	setpwent();
	for (struct passwd *pw; (pw = getpwent());) {
		if (pw->pw_gid != st.st_gid || pw->pw_uid == 0)
			continue;
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(users[i], pw->pw_name);
		if (!dup) {
			users = xrealloc(users, (n + 1) * sizeof *users);
			users[n++] = xstrdup(pw->pw_name);
		}
	}
	endpwent();
	if (n > 1)
		qsort(users, n, sizeof *users, cmp_str);
	const struct bench_options *o = ctx->opt;
	bench_out_detail(out, "group %s (gid %u) owns %s; its users: %zu", gname, (unsigned)st.st_gid, ctx->sock, n);
	if (!o->ntrusted) {
		/* Trust is a policy decision: list them for a human. */
		bench_out_set(out, BENCH_INFO);
		for (size_t i = 0; i < n; i++)
			bench_out_item(out, BENCH_INFO, "user", users[i], users[i], "can control the daemon (group %s)",
				       gname);
	} else {
		bench_out_set(out, BENCH_PASS);
		for (size_t i = 0; i < n; i++) {
			bool trusted = false;
			for (size_t k = 0; k < o->ntrusted; k++)
				trusted |= !strcmp(o->trusted_users[k], users[i]);
			if (!trusted)
				bench_out_item(out, BENCH_WARN, "user", users[i], users[i], "Doubtful user in group %s",
					       gname);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(users[i]);
	free(users);
	free(gname);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Is path watched by the audit rules in force? must_exist: report INFO
 * "not found" for an absent path (as docker-bench-security does) instead of
 * asking for a rule on nothing. */
static void audit_check(struct bench_ctx *ctx, struct bench_outcome *out, const char *path, bool must_exist)
{
	if (!path) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "File not found");
		return;
	}
	if (must_exist) {
		struct stat st;
		int err = bench_stat(path, &st);
		if (err) {
			bench_out_set(out, BENCH_INFO);
			bench_out_detail(out, err == ENOENT ? "File not found: %s" : "could not stat %s", path);
			return;
		}
	}
	const char *src, *err;
	bool none;
	const struct buf *rules = bench_audit_rules(ctx, &src, &err, &none);
	if (err) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not read the audit rules: %s", err);
		return;
	}
	if (none) {
		bench_out_set(out, BENCH_WARN);
		bench_out_detail(out, "no audit rules: auditctl is not installed and /etc/audit holds no rules");
		return;
	}
	if (bench_audit_rules_watch((const char *)rules->data, rules->len, path, is_dir)) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "%s is watched (%s)", path, src);
	} else {
		bench_out_set(out, BENCH_WARN);
		bench_out_detail(out, "%s is not watched by the audit rules (%s)", path, src);
	}
}

static void audit_binary(struct bench_ctx *ctx, struct bench_outcome *out, const char *name)
{
	char *p = bench_find_binary(name);
	audit_check(ctx, out, p, true);
	free(p);
}

static void c_1_1_3(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* The binary that actually runs (Debian installs /usr/sbin/dockerd). */
	char *p = ctx->dockerd_exe ? xstrdup(ctx->dockerd_exe) : bench_find_binary("dockerd");
	audit_check(ctx, out, p ? p : "/usr/bin/dockerd", false);
	free(p);
}

static void c_1_1_4(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_check(ctx, out, "/run/containerd", false);
}

static void c_1_1_5(struct bench_ctx *ctx, struct bench_outcome *out)
{
	const char *root = bench_jstr(ctx->info, "DockerRootDir");
	audit_check(ctx, out, *root ? root : "/var/lib/docker", true);
}

static void c_1_1_6(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_check(ctx, out, "/etc/docker", true);
}

static void unit_audit(struct bench_ctx *ctx, struct bench_outcome *out, const char *unit)
{
	char *p = bench_unit_file(unit);
	audit_check(ctx, out, p, true);
	free(p);
}

static void c_1_1_7(struct bench_ctx *ctx, struct bench_outcome *out)
{
	unit_audit(ctx, out, "docker.service");
}

static void c_1_1_8(struct bench_ctx *ctx, struct bench_outcome *out)
{
	char *p = bench_containerd_socket(ctx);
	audit_check(ctx, out, p, true);
	free(p);
}

static void c_1_1_9(struct bench_ctx *ctx, struct bench_outcome *out)
{
	unit_audit(ctx, out, "docker.socket");
}

static void c_1_1_10(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_check(ctx, out, "/etc/default/docker", true);
}

static void c_1_1_11(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_check(ctx, out, ctx->config_path, true);
}

static void c_1_1_12(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_check(ctx, out, "/etc/containerd/config.toml", true);
}

static void c_1_1_13(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_check(ctx, out, "/etc/sysconfig/docker", true);
}

static void c_1_1_14(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_binary(ctx, out, "containerd");
}

static void c_1_1_15(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_binary(ctx, out, "containerd-shim");
}

static void c_1_1_16(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_binary(ctx, out, "containerd-shim-runc-v1");
}

static void c_1_1_17(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_binary(ctx, out, "containerd-shim-runc-v2");
}

static void c_1_1_18(struct bench_ctx *ctx, struct bench_outcome *out)
{
	audit_binary(ctx, out, "runc");
}

static void c_1_2_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	bench_out_set(out, BENCH_NOTE);
}

static void c_1_2_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* "Up to date" needs today's release list, which an offline tool does
	 * not have: report the version for a human. */
	bench_out_set(out, BENCH_INFO);
	bench_out_detail(out, "Using %s (API %s, %s %s): verify it is up to date", bench_jstr(ctx->version, "Version"),
			 bench_jstr(ctx->version, "ApiVersion"), bench_jstr(ctx->version, "Os"),
			 bench_jstr(ctx->version, "Arch"));
}

#define AUDIT_FIX(what)                            \
	"Install auditd and add a watch: -w " what \
	" -k docker (in /etc/audit/rules.d/), then reload the rules (augenrules --load)."

static const struct bench_check checks[] = {
	{"1.1.1", "Ensure a separate partition for containers has been created", 1, true,
	 "Create a separate partition (or logical volume) for the Docker root directory (docker info -f "
	 "'{{ .DockerRootDir }}') and mount it there; on an installed system move the data with LVM.",
	 c_1_1_1},
	{"1.1.2", "Ensure only trusted users are allowed to control Docker daemon", 1, true,
	 "Remove untrusted users from the group owning the Docker socket (gpasswd -d USER docker); pass "
	 "--trusted-users to vigil to have the list checked.",
	 c_1_1_2},
	{"1.1.3", "Ensure auditing is configured for the Docker daemon", 1, true, AUDIT_FIX("/usr/bin/dockerd"),
	 c_1_1_3},
	{"1.1.4", "Ensure auditing is configured for Docker files and directories - /run/containerd", 1, true,
	 "Install auditd and add: -a exit,always -F path=/run/containerd -F perm=war -k docker, then reload the rules.",
	 c_1_1_4},
	{"1.1.5", "Ensure auditing is configured for Docker files and directories - /var/lib/docker", 1, true,
	 AUDIT_FIX("/var/lib/docker"), c_1_1_5},
	{"1.1.6", "Ensure auditing is configured for Docker files and directories - /etc/docker", 1, true,
	 AUDIT_FIX("/etc/docker"), c_1_1_6},
	{"1.1.7", "Ensure auditing is configured for Docker files and directories - docker.service", 1, true,
	 AUDIT_FIX("<path of docker.service>"), c_1_1_7},
	{"1.1.8", "Ensure auditing is configured for Docker files and directories - containerd.sock", 1, true,
	 AUDIT_FIX("/run/containerd/containerd.sock"), c_1_1_8},
	{"1.1.9", "Ensure auditing is configured for Docker files and directories - docker.socket", 1, true,
	 AUDIT_FIX("<path of docker.socket>"), c_1_1_9},
	{"1.1.10", "Ensure auditing is configured for Docker files and directories - /etc/default/docker", 1, true,
	 AUDIT_FIX("/etc/default/docker"), c_1_1_10},
	{"1.1.11", "Ensure auditing is configured for Dockerfiles and directories - /etc/docker/daemon.json", 1, true,
	 AUDIT_FIX("/etc/docker/daemon.json"), c_1_1_11},
	{"1.1.12", "Ensure auditing is configured for Dockerfiles and directories - /etc/containerd/config.toml", 1,
	 true, AUDIT_FIX("/etc/containerd/config.toml"), c_1_1_12},
	{"1.1.13", "Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker", 1, true,
	 AUDIT_FIX("/etc/sysconfig/docker"), c_1_1_13},
	{"1.1.14", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd", 1, true,
	 AUDIT_FIX("/usr/bin/containerd"), c_1_1_14},
	{"1.1.15", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim", 1, true,
	 AUDIT_FIX("/usr/bin/containerd-shim"), c_1_1_15},
	{"1.1.16", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v1",
	 1, true, AUDIT_FIX("/usr/bin/containerd-shim-runc-v1"), c_1_1_16},
	{"1.1.17", "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v2",
	 1, true, AUDIT_FIX("/usr/bin/containerd-shim-runc-v2"), c_1_1_17},
	{"1.1.18", "Ensure auditing is configured for Docker files and directories - /usr/bin/runc", 1, true,
	 AUDIT_FIX("/usr/bin/runc"), c_1_1_18},
	{"1.2.1", "Ensure the container host has been Hardened", 1, false,
	 "Harden the host with a benchmark for its operating system (e.g. the CIS Distribution Independent Linux "
	 "Benchmark).",
	 c_1_2_1},
	{"1.2.2", "Ensure that the version of Docker is up to date", 1, false,
	 "Follow Docker releases (or your distribution's security updates) and update as required.", c_1_2_2},
};

const struct bench_check *bench_checks_host(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
