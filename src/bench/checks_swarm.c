/* Section 7, swarm configuration. On a daemon not in swarm mode every check
 * passes with "Swarm mode not enabled", as in docker-bench-security; in swarm
 * mode the Engine's /info, /swarm, /networks, /secrets and the daemon's
 * listening sockets are examined. */
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True (and the outcome set to PASS) when swarm mode is off. */
static bool not_swarm(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (strcmp(bench_swarm_state(ctx), "inactive"))
		return false;
	bench_out_set(out, BENCH_PASS);
	bench_out_detail(out, "Swarm mode not enabled");
	return true;
}

static bool is_manager(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (bench_jtrue(ctx->info, "Swarm.ControlAvailable"))
		return true;
	bench_out_set(out, BENCH_INFO);
	bench_out_detail(out, "this node is not a swarm manager: run vigil bench on a manager");
	return false;
}

static void c_7_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out) || !is_manager(ctx, out))
		return;
	/* Raft wants an odd number of managers, and more than 7 only slows it. */
	long long m = bench_jint(ctx->info, "Swarm.Managers");
	bench_out_set(out, m >= 1 && m % 2 == 1 && m <= 7 ? BENCH_PASS : BENCH_WARN);
	bench_out_detail(out, "%lld manager node(s)", m);
}

/* Is there a TCP listener on port bound to a wildcard address in this
 * /proc/net/tcp{,6} text? */
static bool wildcard_listener(const char *text, unsigned port)
{
	char *copy = xstrdup(text), *save = NULL;
	bool hit = false;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char local[64];
		unsigned st;
		if (sscanf(line, " %*s %63s %*s %x", local, &st) != 2 || st != 0x0A)
			continue;
		char *colon = strrchr(local, ':');
		if (!colon || strtoul(colon + 1, NULL, 16) != port)
			continue;
		*colon = '\0';
		if (strspn(local, "0") == strlen(local))
			hit = true;
	}
	free(copy);
	return hit;
}

static void c_7_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out) || !is_manager(ctx, out))
		return;
	bool any = false, read = false;
	for (int v6 = 0; v6 < 2; v6++) {
		/* The daemon's network namespace, when we know its pid. */
		char *file = ctx->dockerd_pid ? xasprintf("/proc/%d/net/tcp%s", (int)ctx->dockerd_pid, v6 ? "6" : "")
					      : xasprintf("/proc/self/net/tcp%s", v6 ? "6" : "");
		struct buf b = {0};
		struct err e;
		if (read_file_capped(file, 64 << 20, &b, &e) == 0) {
			read = true;
			any |= wildcard_listener((const char *)b.data, 2377);
		}
		buf_free(&b);
		free(file);
	}
	if (!read) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not read the daemon's TCP listeners");
		return;
	}
	bench_out_set(out, any ? BENCH_WARN : BENCH_PASS);
	bench_out_detail(out, any ? "the swarm port 2377 listens on all interfaces"
				  : "the swarm port 2377 is bound to an address");
}

static void c_7_3(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out))
		return;
	char *err = NULL;
	json_t *nets = bench_get(ctx, "/networks", &err);
	if (!nets) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not list networks: %s", err);
		free(err);
		return;
	}
	bench_out_set(out, BENCH_PASS);
	size_t i;
	json_t *n;
	json_array_foreach(nets, i, n) {
		if (strcmp(bench_jstr(n, "Driver"), "overlay"))
			continue;
		if (!bench_jpath(n, "Options.encrypted"))
			bench_out_item(out, BENCH_WARN, "network", bench_jstr(n, "Id"), bench_jstr(n, "Name"),
				       "Unencrypted overlay network: %s (%s)", bench_jstr(n, "Name"),
				       bench_jstr(n, "Scope"));
	}
	json_decref(nets);
}

static void c_7_4(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out) || !is_manager(ctx, out))
		return;
	char *err = NULL;
	json_t *s = bench_get(ctx, "/secrets", &err);
	if (!s) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not list secrets: %s", err);
		free(err);
		return;
	}
	bench_out_set(out, json_array_size(s) ? BENCH_PASS : BENCH_INFO);
	bench_out_detail(out, "%zu secret(s) managed by the swarm", json_array_size(s));
	json_decref(s);
}

static void c_7_5(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out) || !is_manager(ctx, out))
		return;
	char *err = NULL;
	json_t *k = bench_get(ctx, "/swarm/unlockkey", &err);
	if (!k) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not read the unlock key: %s", err);
		free(err);
		return;
	}
	bool locked = *bench_jstr(k, "UnlockKey");
	bench_out_set(out, locked ? BENCH_PASS : BENCH_WARN);
	bench_out_detail(out, locked ? "auto-lock is on" : "auto-lock is off");
	json_decref(k);
}

static void c_7_6(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out))
		return;
	bench_out_set(out, BENCH_NOTE);
}

static void c_7_7(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out) || !is_manager(ctx, out))
		return;
	char *err = NULL;
	json_t *sw = bench_get(ctx, "/swarm", &err);
	if (!sw) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not read the swarm: %s", err);
		free(err);
		return;
	}
	long long ns = bench_jint(sw, "Spec.CAConfig.NodeCertExpiry");
	long long hours = ns / 3600000000000LL;
	bench_out_set(out, ns > 0 && hours <= 48 ? BENCH_PASS : BENCH_INFO);
	bench_out_detail(out, "node certificates expire after %lld hours", hours);
	json_decref(sw);
}

static void c_7_8(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out))
		return;
	bench_out_set(out, BENCH_INFO);
	bench_out_detail(out, "rotate the swarm CA as your policy requires: docker swarm ca --rotate");
}

static void c_7_9(struct bench_ctx *ctx, struct bench_outcome *out)
{
	if (not_swarm(ctx, out))
		return;
	bench_out_set(out, BENCH_INFO);
	bench_out_detail(out, "node address %s: confirm data traffic uses a separate --data-path-addr",
			 bench_jstr(ctx->info, "Swarm.NodeAddr"));
}

static const struct bench_check checks[] = {
	{"7.1", "Ensure that the minimum number of manager nodes have been created in a swarm", 1, true,
	 "Demote excess managers to workers: docker node demote NODE (keep an odd number, at most 7).", c_7_1},
	{"7.2", "Ensure that swarm services are bound to a specific host interface", 1, true,
	 "Re-initialise the swarm with a specific interface for --listen-addr.", c_7_2},
	{"7.3", "Ensure that all Docker swarm overlay networks are encrypted", 1, true,
	 "Create overlay networks with --opt encrypted.", c_7_3},
	{"7.4", "Ensure that Docker's secret management commands are used for managing secrets in a swarm cluster", 1,
	 false, "Manage secrets with docker secret.", c_7_4},
	{"7.5", "Ensure that swarm manager is run in auto-lock mode", 1, true,
	 "docker swarm init --autolock, or docker swarm update --autolock on an existing manager.", c_7_5},
	{"7.6", "Ensure that the swarm manager auto-lock key is rotated periodically", 1, false,
	 "Rotate the key (docker swarm unlock-key --rotate) on a schedule, and keep records.", c_7_6},
	{"7.7", "Ensure that node certificates are rotated as appropriate", 1, false,
	 "Set the node certificate expiry: docker swarm update --cert-expiry 48h.", c_7_7},
	{"7.8", "Ensure that CA certificates are rotated as appropriate", 1, false,
	 "Rotate the swarm CA: docker swarm ca --rotate.", c_7_8},
	{"7.9", "Ensure that management plane traffic is separated from data plane traffic", 1, false,
	 "Initialise the swarm with separate interfaces: --advertise-addr for management, --data-path-addr for data.",
	 c_7_9},
};

const struct bench_check *bench_checks_swarm(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
