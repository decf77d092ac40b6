/* Section 5, container runtime: every running container, inspected through
 * the Engine API, judged one by one. A container flagged by a check appears
 * as an item with its full id, so reports can be matched per container. */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>

/* A per-container test: 1 flagged (why says how), 0 fine, -1 cannot tell,
 * 2 for a human to review (INFO). */
typedef int (*ctr_test)(struct bench_ctx *ctx, struct bench_container *c, struct buf *why);

static void each_container(struct bench_ctx *ctx, struct bench_outcome *out, ctr_test test, enum bench_result flag)
{
	struct bench_container *cs;
	const char *err;
	size_t n = bench_containers(ctx, &cs, &err);
	if (err) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not list containers: %s", err);
		return;
	}
	if (!n) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "No containers running");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct bench_container *c = &cs[i];
		if (json_object_get(c->j, "vigil_error")) {
			bench_out_item(out, BENCH_INFO, "container", c->id, c->name, "could not inspect %s: %s",
				       c->name, bench_jstr(c->j, "vigil_error"));
			continue;
		}
		struct buf why = {0};
		int r = test(ctx, c, &why);
		if (r)
			bench_out_item(out, r == 1 ? flag : BENCH_INFO, "container", c->id, c->name, "%s",
				       why.data ? (const char *)why.data : "");
		buf_free(&why);
	}
}

/* Iterate the strings of HostConfig.SecurityOpt. */
static bool has_secopt(json_t *j, const char *const *any, size_t n, const char **found)
{
	size_t i;
	json_t *v;
	json_array_foreach(bench_jpath(j, "HostConfig.SecurityOpt"), i, v) {
		const char *s = json_string_value(v);
		for (size_t k = 0; s && k < n; k++)
			if (!strcmp(s, any[k])) {
				if (found)
					*found = s;
				return true;
			}
	}
	return false;
}

static bool is_privileged(struct bench_container *c)
{
	return bench_jtrue(c->j, "HostConfig.Privileged");
}

static void c_5_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	const char *state = bench_swarm_state(ctx);
	bench_out_set(out, strcmp(state, "inactive") ? BENCH_WARN : BENCH_PASS);
	bench_out_detail(out, "swarm mode: %s", state);
}

static int t_apparmor(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	const char *p = bench_jstr(c->j, "AppArmorProfile");
	if (*p && strcmp(p, "unconfined"))
		return 0;
	buf_appendf(why, "No AppArmorProfile Found: %s%s", c->name, *p ? " (unconfined)" : "");
	return 1;
}

static void c_5_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* "If applicable": without AppArmor in the daemon no profile can apply. */
	if (!bench_security_option(ctx, "apparmor")) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "not applicable: the daemon reports no AppArmor support on this host");
		return;
	}
	each_container(ctx, out, t_apparmor, BENCH_WARN);
}

static int t_selinux(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	static const char *const off[] = {"label=disable", "label:disable"};
	const char *label = bench_jstr(c->j, "ProcessLabel");
	if (*label && !has_secopt(c->j, off, ARRAY_LEN(off), NULL))
		return 0;
	buf_appendf(why, "No SecurityOptions Found: %s (no SELinux process label)", c->name);
	return 1;
}

static void c_5_3(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (!bench_security_option(ctx, "selinux")) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "not applicable: SELinux is not enabled in the daemon (--selinux-enabled)");
		return;
	}
	each_container(ctx, out, t_selinux, BENCH_WARN);
}

static int t_caps(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (is_privileged(c)) {
		buf_appendf(why, "Capabilities added: all (privileged) to %s", c->name);
		return 1;
	}
	size_t i;
	json_t *v;
	struct buf extra = {0};
	json_array_foreach(bench_jpath(c->j, "HostConfig.CapAdd"), i, v) {
		const char *cap = json_string_value(v);
		if (cap && !bench_cap_is_default(cap))
			buf_appendf(&extra, "%s%s", extra.len ? "," : "", cap);
	}
	int r = extra.len ? 1 : 0;
	if (r)
		buf_appendf(why, "Capabilities added: %s to %s", (const char *)extra.data, c->name);
	buf_free(&extra);
	return r;
}

static void c_5_4(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_caps, BENCH_WARN);
}

static int t_privileged(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (!is_privileged(c))
		return 0;
	buf_appendf(why, "Container running in Privileged mode: %s", c->name);
	return 1;
}

static void c_5_5(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_privileged, BENCH_WARN);
}

static int t_sensitive(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	static const char *const dirs[] = {"/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"};
	int r = 0;
	size_t i;
	json_t *m;
	json_array_foreach(bench_jpath(c->j, "Mounts"), i, m) {
		if (strcmp(bench_jstr(m, "Type"), "bind"))
			continue;
		const char *src = bench_jstr(m, "Source");
		for (size_t k = 0; k < ARRAY_LEN(dirs); k++) {
			/* "/" only as itself: everything lies below it. */
			bool hit = !strcmp(dirs[k], "/") ? !strcmp(src, "/") : bench_abs_path_under(src, dirs[k]);
			if (!hit)
				continue;
			/* Read-only mounts are for review (INFO); read-write ones fail,
			 * as in docker-bench-security. */
			bool rw = bench_jtrue(m, "RW");
			r = rw ? 1 : r ? r : 2;
			buf_appendf(why, "%sSensitive directory %s mounted %s in: %s (at %s)", why->len ? "; " : "",
				    src, rw ? "read-write" : "read-only", c->name, bench_jstr(m, "Destination"));
			break;
		}
	}
	return r;
}

static void c_5_6(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_sensitive, BENCH_WARN);
}

static int t_sshd(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	/* dockerd runs ps on the host for the container's processes; "comm" is
	 * the process name as ps -e shows it, whatever the arguments. */
	char *id = engine_escape(c->id), *args = engine_escape("-o pid,comm");
	char *path = xasprintf("/containers/%s/top?ps_args=%s", id, args);
	char *err = NULL;
	json_t *top = bench_get(ctx, path, &err);
	free(path);
	free(id);
	free(args);
	if (!top) {
		buf_appendf(why, "could not list the processes of %s: %s", c->name, err);
		free(err);
		return -1;
	}
	int col = -1;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(top, "Titles"), i, v) {
		if (json_string_value(v) && !strcmp(json_string_value(v), "COMMAND"))
			col = (int)i;
	}
	int r = 0;
	json_t *p;
	json_array_foreach(col < 0 ? NULL : json_object_get(top, "Processes"), i, p) {
		const char *cmd = json_string_value(json_array_get(p, (size_t)col));
		if (cmd && bench_process_is_sshd(cmd)) {
			const char *pid = json_string_value(json_array_get(p, 0));
			buf_appendf(why, "Container running sshd: %s (pid %s)", c->name, pid ? pid : "?");
			r = 1;
			break;
		}
	}
	if (col < 0) {
		buf_appendf(why, "could not list the processes of %s: no COMMAND column", c->name);
		r = -1;
	}
	json_decref(top);
	return r;
}

static void c_5_7(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_sshd, BENCH_WARN);
}

/* Call fn for each published port binding of c. */
static int each_binding(struct bench_container *c, struct buf *why,
			int (*fn)(const char *cport, const char *ip, const char *hport, struct buf *why,
				  const char *name))
{
	int r = 0;
	const char *cport;
	json_t *binds;
	json_object_foreach(bench_jpath(c->j, "NetworkSettings.Ports"), cport, binds) {
		size_t i;
		json_t *b;
		json_array_foreach(binds, i, b) {
			if (fn(cport, bench_jstr(b, "HostIp"), bench_jstr(b, "HostPort"), why, c->name))
				r = 1;
		}
	}
	return r;
}

static int priv_port(const char *cport, const char *ip, const char *hport, struct buf *why, const char *name)
{
	(void)ip;
	if (!bench_port_is_privileged(hport))
		return 0;
	buf_appendf(why, "%sPrivileged Port in use: %s in %s (container port %s)", why->len ? "; " : "", hport, name,
		    cport);
	return 1;
}

static int t_priv_ports(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return each_binding(c, why, priv_port);
}

static void c_5_8(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_priv_ports, BENCH_WARN);
}

static int any_port(const char *cport, const char *ip, const char *hport, struct buf *why, const char *name)
{
	buf_appendf(why, "%sPort published: %s:%s -> %s in %s", why->len ? "; " : "", *ip ? ip : "*", hport, cport,
		    name);
	return 1;
}

static int t_ports(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return each_binding(c, why, any_port);
}

static void c_5_9(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* Which ports are "needed" is for a human; list what is published. */
	each_container(ctx, out, t_ports, BENCH_NOTE);
	if (out->result == BENCH_PASS)
		bench_out_set(out, BENCH_NOTE);
}

/* A HostConfig mode that must not be "host". */
static int host_mode(struct bench_container *c, const char *field, const char *what, struct buf *why)
{
	char path[64];
	snprintf(path, sizeof path, "HostConfig.%s", field);
	if (strcmp(bench_jstr(c->j, path), "host"))
		return 0;
	buf_appendf(why, "%s: %s", what, c->name);
	return 1;
}

static int t_netns(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return host_mode(c, "NetworkMode", "Container running with networking mode 'host'", why);
}

static void c_5_10(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_netns, BENCH_WARN);
}

static int t_memory(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (bench_jint(c->j, "HostConfig.Memory") > 0)
		return 0;
	buf_appendf(why, "Container running without memory restrictions: %s", c->name);
	return 1;
}

static void c_5_11(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_memory, BENCH_WARN);
}

static int t_cpu(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	/* 1024 is the default weight, the same as none. A CPU quota (--cpus,
	 * --cpu-quota) restricts the container as well. */
	long long shares = bench_jint(c->j, "HostConfig.CpuShares");
	if ((shares && shares != 1024) || bench_jint(c->j, "HostConfig.NanoCpus") > 0 ||
	    bench_jint(c->j, "HostConfig.CpuQuota") > 0)
		return 0;
	buf_appendf(why, "Container running without CPU restrictions: %s", c->name);
	return 1;
}

static void c_5_12(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_cpu, BENCH_WARN);
}

static int t_readonly(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (bench_jtrue(c->j, "HostConfig.ReadonlyRootfs"))
		return 0;
	buf_appendf(why, "Container running with root FS mounted R/W: %s", c->name);
	return 1;
}

static void c_5_13(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_readonly, BENCH_WARN);
}

static int wildcard(const char *cport, const char *ip, const char *hport, struct buf *why, const char *name)
{
	if (!bench_host_ip_is_wildcard(ip))
		return 0;
	buf_appendf(why, "%sPort being bound to wildcard IP: %s:%s (container port %s) in %s", why->len ? "; " : "",
		    *ip ? ip : "0.0.0.0", hport, cport, name);
	return 1;
}

static int t_wildcard(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return each_binding(c, why, wildcard);
}

static void c_5_14(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_wildcard, BENCH_WARN);
}

static int t_restart(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	const char *name = bench_jstr(c->j, "HostConfig.RestartPolicy.Name");
	long long max = bench_jint(c->j, "HostConfig.RestartPolicy.MaximumRetryCount");
	if (bench_restart_policy_ok(name, max))
		return 0;
	buf_appendf(why, "Restart policy %s with MaximumRetryCount %lld (want on-failure with at most 5): %s", name,
		    max, c->name);
	return 1;
}

static void c_5_15(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_restart, BENCH_WARN);
}

static int t_pidns(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return host_mode(c, "PidMode", "Host PID namespace being shared with", why);
}

static void c_5_16(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_pidns, BENCH_WARN);
}

static int t_ipcns(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return host_mode(c, "IpcMode", "Host IPC namespace being shared with", why);
}

static void c_5_17(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_ipcns, BENCH_WARN);
}

static int t_devices(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (is_privileged(c)) {
		buf_appendf(why, "Container has devices exposed directly: %s (privileged: all host devices)", c->name);
		return 1;
	}
	size_t i;
	json_t *d;
	json_array_foreach(bench_jpath(c->j, "HostConfig.Devices"), i, d)
		buf_appendf(why, "%s%s",
			    i ? "," : "Container has devices exposed directly: ", bench_jstr(d, "PathOnHost"));
	if (!why->len)
		return 0;
	buf_appendf(why, " in %s", c->name);
	return 1;
}

static void c_5_18(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_devices, BENCH_INFO);
}

static int t_ulimits(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	/* CIS: the default ulimits should be overridden only when needed, so
	 * the overrides are what a human has to confirm. */
	size_t i;
	json_t *u;
	json_array_foreach(bench_jpath(c->j, "HostConfig.Ulimits"), i, u)
		buf_appendf(why, "%s%s=%lld:%lld",
			    i ? "," : "Container overrides the default ulimits: ", bench_jstr(u, "Name"),
			    bench_jint(u, "Soft"), bench_jint(u, "Hard"));
	if (!why->len)
		return 0;
	buf_appendf(why, " in %s", c->name);
	return 1;
}

static void c_5_19(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_ulimits, BENCH_INFO);
}

static int t_propagation(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	size_t i;
	json_t *m;
	json_array_foreach(bench_jpath(c->j, "Mounts"), i, m) {
		const char *p = bench_jstr(m, "Propagation");
		if (!strcmp(p, "shared") || !strcmp(p, "rshared")) {
			buf_appendf(why, "Mount propagation mode is shared: %s (%s at %s)", c->name, p,
				    bench_jstr(m, "Destination"));
			return 1;
		}
	}
	return 0;
}

static void c_5_20(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_propagation, BENCH_WARN);
}

static int t_utsns(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return host_mode(c, "UTSMode", "Host UTS namespace being shared with", why);
}

static void c_5_21(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_utsns, BENCH_WARN);
}

static int t_seccomp(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	static const char *const off[] = {"seccomp=unconfined", "seccomp:unconfined"};
	if (has_secopt(c->j, off, ARRAY_LEN(off), NULL)) {
		buf_appendf(why, "Default seccomp profile disabled: %s", c->name);
		return 1;
	}
	/* Docker applies no seccomp filter to privileged containers. */
	if (is_privileged(c)) {
		buf_appendf(why, "Default seccomp profile disabled: %s (privileged)", c->name);
		return 1;
	}
	const char *s = bench_security_option(ctx, "seccomp");
	if (!s || strstr(s, "profile=unconfined")) {
		buf_appendf(why, "Default seccomp profile disabled: %s (%s)", c->name,
			    s ? "unconfined daemon-wide" : "the daemon has no seccomp support");
		return 1;
	}
	return 0;
}

static void c_5_22(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_seccomp, BENCH_WARN);
}

/* The exec sessions a container has now (the Engine keeps no history of
 * finished ones). privileged: test Privileged, else the user. */
static void execs(struct bench_ctx *ctx, struct bench_outcome *out, bool privileged)
{
	struct bench_container *cs;
	const char *err;
	size_t n = bench_containers(ctx, &cs, &err);
	bench_out_set(out, BENCH_INFO);
	bench_out_detail(out,
			 "only exec sessions running now can be seen: the Engine API keeps no record of finished ones "
			 "(see the audit log)");
	if (err) {
		bench_out_detail(out, "could not list containers: %s", err);
		return;
	}
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k;
		json_t *e;
		json_array_foreach(bench_jpath(cs[i].j, "ExecIDs"), k, e) {
			const char *id = json_string_value(e);
			if (!id)
				continue;
			char *esc = engine_escape(id);
			char *path = xasprintf("/exec/%s/json", esc);
			char *gerr = NULL;
			json_t *x = bench_get(ctx, path, &gerr);
			free(path);
			free(esc);
			if (!x) {
				free(gerr);
				continue; /* finished between the two requests */
			}
			seen++;
			/* No --user: the exec runs as the container's user. */
			const char *user = bench_jstr(x, "ProcessConfig.user");
			if (!*user)
				user = bench_jstr(cs[i].j, "Config.User");
			if (privileged && bench_jtrue(x, "ProcessConfig.privileged"))
				bench_out_item(out, BENCH_WARN, "container", cs[i].id, cs[i].name,
					       "Privileged exec session %s in %s", id, cs[i].name);
			else if (!privileged && bench_user_is_root(user))
				bench_out_item(out, BENCH_INFO, "container", cs[i].id, cs[i].name,
					       "Exec session %s as root in %s", id, cs[i].name);
			json_decref(x);
		}
	}
	bench_out_detail(out, "%zu exec session(s) running", seen);
}

static void c_5_23(struct bench_ctx *ctx, struct bench_outcome *out)
{
	execs(ctx, out, true);
}

static void c_5_24(struct bench_ctx *ctx, struct bench_outcome *out)
{
	execs(ctx, out, false);
}

static int t_cgroup(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	const char *p = bench_jstr(c->j, "HostConfig.CgroupParent");
	if (!*p)
		return 0;
	buf_appendf(why, "Confirm cgroup usage: %s (cgroup parent %s)", c->name, p);
	return 1;
}

static void c_5_25(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_cgroup, BENCH_WARN);
}

static int t_nnp(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	static const char *const on[] = {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"};
	static const char *const off[] = {"no-new-privileges:false", "no-new-privileges=false"};
	if (has_secopt(c->j, on, ARRAY_LEN(on), NULL))
		return 0;
	if (!has_secopt(c->j, off, ARRAY_LEN(off), NULL)) {
		/* No option of its own: the daemon's default when it was created. */
		enum dopt_state st;
		int d = dopts_bool(&ctx->dopts, "no-new-privileges", false, &st);
		if (d == 1)
			return 0;
		if (d < 0) {
			buf_appendf(why, "could not evaluate %s: the daemon's no-new-privileges default is unknown",
				    c->name);
			return -1;
		}
	}
	buf_appendf(why, "Privileges not restricted: %s", c->name);
	return 1;
}

static void c_5_26(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_nnp, BENCH_WARN);
}

static int t_health(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (*bench_jstr(c->j, "State.Health.Status"))
		return 0;
	buf_appendf(why, "Health check not set: %s", c->name);
	return 1;
}

static void c_5_27(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_health, BENCH_WARN);
}

static int t_latest(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	/* Does the name the container was started from still name its image? */
	const char *name = bench_jstr(c->j, "Config.Image"), *have = bench_jstr(c->j, "Image");
	if (!*name || !strncmp(name, "sha256:", 7) || (strlen(name) >= 12 && strstr(have, name)))
		return 0;
	char *esc = engine_escape_ref(name);
	char *path = xasprintf("/images/%s/json", esc);
	char *err = NULL;
	json_t *img = bench_get(ctx, path, &err);
	free(path);
	free(esc);
	int r = 0;
	if (!img) {
		buf_appendf(why, "%s runs %s, which no longer names an image here", c->name, name);
		r = 1;
	} else if (strcmp(bench_jstr(img, "Id"), have)) {
		buf_appendf(why, "%s runs an older image than %s now names (%.19s, now %.19s)", c->name, name, have,
			    bench_jstr(img, "Id"));
		r = 1;
	}
	free(err);
	json_decref(img);
	return r;
}

static void c_5_28(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_latest, BENCH_INFO);
}

static int t_pids(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	if (bench_jint(c->j, "HostConfig.PidsLimit") > 0)
		return 0;
	buf_appendf(why, "PIDs limit not set: %s", c->name);
	return 1;
}

static void c_5_29(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_pids, BENCH_WARN);
}

static int t_docker0(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	/* "bridge" is the default bridge network (docker0 unless --bridge). */
	if (!bench_jpath(c->j, "NetworkSettings.Networks.bridge"))
		return 0;
	buf_appendf(why, "Container in docker0 network: %s", c->name);
	return 1;
}

static void c_5_30(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_docker0, BENCH_INFO);
}

static int t_userns(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	(void)ctx;
	return host_mode(c, "UsernsMode", "Namespace shared", why);
}

static void c_5_31(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_userns, BENCH_WARN);
}

static int t_docker_sock(struct bench_ctx *ctx, struct bench_container *c, struct buf *why)
{
	/* Mounting the socket, or any directory above it (/, /var/run, /run),
	 * hands the container the daemon. */
	char *sock = realpath(ctx->sock, NULL);
	if (!sock)
		sock = xstrdup(ctx->sock);
	int r = 0;
	size_t i;
	json_t *m;
	json_array_foreach(bench_jpath(c->j, "Mounts"), i, m) {
		if (strcmp(bench_jstr(m, "Type"), "bind"))
			continue;
		const char *src = bench_jstr(m, "Source");
		char *real = realpath(src, NULL);
		const char *base = strrchr(src, '/');
		if (bench_abs_path_under(sock, real ? real : src) || bench_abs_path_under(ctx->sock, src) ||
		    (base && !strcmp(base, "/docker.sock"))) {
			buf_appendf(why, "%sDocker socket shared: %s (%s mounted at %s)", why->len ? "; " : "", c->name,
				    src, bench_jstr(m, "Destination"));
			r = 1;
		}
		free(real);
	}
	free(sock);
	return r;
}

static void c_5_32(struct bench_ctx *ctx, struct bench_outcome *out)
{
	each_container(ctx, out, t_docker_sock, BENCH_WARN);
}

static const struct bench_check checks[] = {
	{"5.1", "Ensure swarm mode is not Enabled, if not needed", 1, true,
	 "If swarm mode was enabled in error, leave it: docker swarm leave.", c_5_1},
	{"5.2", "Ensure that, if applicable, an AppArmor Profile is enabled", 1, true,
	 "Enable AppArmor on the host and run containers with a profile: docker run --security-opt "
	 "apparmor=PROFILE (docker-default applies unless disabled).",
	 c_5_2},
	{"5.3", "Ensure that, if applicable, SELinux security options are set", 2, true,
	 "Run dockerd --selinux-enabled and start containers with --security-opt label=... as needed.", c_5_3},
	{"5.4", "Ensure that Linux kernel capabilities are restricted within containers", 1, true,
	 "Add only the capabilities a container needs (--cap-add), drop the rest (--cap-drop ALL), and do not run "
	 "privileged.",
	 c_5_4},
	{"5.5", "Ensure that privileged containers are not used", 1, true,
	 "Do not run containers with --privileged; grant specific capabilities or devices instead.", c_5_5},
	{"5.6", "Ensure sensitive host system directories are not mounted on containers", 1, true,
	 "Do not bind-mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr (or below them) read-write.", c_5_6},
	{"5.7", "Ensure sshd is not run within containers", 1, true,
	 "Remove sshd from the container; use docker exec to get a shell.", c_5_7},
	{"5.8", "Ensure privileged ports are not mapped within containers", 1, true,
	 "Publish container ports on host ports above 1023.", c_5_8},
	{"5.9", "Ensure that only needed ports are open on the container", 1, false,
	 "Publish only the ports the container needs; do not use -P (--publish-all) blindly.", c_5_9},
	{"5.10", "Ensure that the host's network namespace is not shared", 1, true,
	 "Do not run containers with --network host.", c_5_10},
	{"5.11", "Ensure that the memory usage for containers is limited", 1, true,
	 "Run containers with a memory limit: --memory (and --memory-swap).", c_5_11},
	{"5.12", "Ensure that CPU priority is set appropriately on containers", 1, true,
	 "Give containers a CPU share or quota: --cpu-shares, --cpus or --cpu-quota.", c_5_12},
	{"5.13", "Ensure that the container's root filesystem is mounted as read only", 1, true,
	 "Run containers with --read-only, with volumes or --tmpfs for the paths that must be writable.", c_5_13},
	{"5.14", "Ensure that incoming container traffic is bound to a specific host interface", 1, true,
	 "Publish ports on a specific address: -p IP:HOSTPORT:PORT.", c_5_14},
	{"5.15", "Ensure that the 'on-failure' container restart policy is set to '5'", 1, true,
	 "Use --restart on-failure:5 (or fewer retries) instead of always or unless-stopped.", c_5_15},
	{"5.16", "Ensure that the host's process namespace is not shared", 1, true,
	 "Do not run containers with --pid host.", c_5_16},
	{"5.17", "Ensure that the host's IPC namespace is not shared", 1, true,
	 "Do not run containers with --ipc host.", c_5_17},
	{"5.18", "Ensure that host devices are not directly exposed to containers", 1, false,
	 "Do not pass host devices (--device) unless needed, and then with the least permissions (r, w, m).", c_5_18},
	{"5.19", "Ensure that the default ulimit is overwritten at runtime if needed", 1, false,
	 "Override the daemon's default ulimits (--ulimit) only where a container needs it.", c_5_19},
	{"5.20", "Ensure mount propagation mode is not set to shared", 1, true,
	 "Do not mount volumes with shared (or rshared) propagation.", c_5_20},
	{"5.21", "Ensure that the host's UTS namespace is not shared", 1, true,
	 "Do not run containers with --uts host.", c_5_21},
	{"5.22", "Ensure the default seccomp profile is not Disabled", 1, true,
	 "Do not run containers with --security-opt seccomp=unconfined (nor --privileged).", c_5_22},
	{"5.23", "Ensure that docker exec commands are not used with the privileged option", 2, true,
	 "Do not use docker exec --privileged.", c_5_23},
	{"5.24", "Ensure that docker exec commands are not used with the user=root option", 2, false,
	 "Do not use docker exec --user root (or 0).", c_5_24},
	{"5.25", "Ensure that cgroup usage is confirmed", 1, true,
	 "Leave --cgroup-parent unset unless needed, and then confirm it.", c_5_25},
	{"5.26", "Ensure that the container is restricted from acquiring additional privileges", 1, true,
	 "Run containers with --security-opt no-new-privileges (or the daemon with --no-new-privileges).", c_5_26},
	{"5.27", "Ensure that container health is checked at runtime", 1, true,
	 "Give images a HEALTHCHECK or run containers with --health-cmd.", c_5_27},
	{"5.28", "Ensure that Docker commands always make use of the latest version of their image", 1, false,
	 "Pull images before starting containers and recreate containers on updated images.", c_5_28},
	{"5.29", "Ensure that the PIDs cgroup limit is used", 1, true,
	 "Run containers with --pids-limit set to what they need.", c_5_29},
	{"5.30", "Ensure that Docker's default bridge \"docker0\" is not used", 2, false,
	 "Attach containers to user-defined networks instead of the default bridge.", c_5_30},
	{"5.31", "Ensure that the host's user namespaces are not shared", 1, true,
	 "Do not run containers with --userns host.", c_5_31},
	{"5.32", "Ensure that the Docker socket is not mounted inside any containers", 1, true,
	 "Do not mount the Docker socket, nor a directory holding it (/, /run, /var/run), into containers.", c_5_32},
};

const struct bench_check *bench_checks_runtime(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
