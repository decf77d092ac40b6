/* Fuzz dockerd option parsing for vigil bench: a daemon.json text and a
 * /proc/PID/cmdline image, merged as the checks read them. The input is two
 * length bytes (big-endian) giving the size of the daemon.json part, then
 * that part, then the command line (NUL-separated, possibly unterminated).
 * Every accessor is called for every option key; results must stay in their
 * ranges and the lists must be arrays of strings. The daemon.json part also
 * goes through the audit-rules and mountinfo parsers, which read host files
 * of the same kind of trust. */
#include "bench/daemon_opts.h"
#include "bench/logic.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const bool_keys[] = {"icc",  "iptables", "ip6tables",      "tls",          "tlsverify",
					"debug", "experimental", "live-restore", "userland-proxy", "no-new-privileges",
					"selinux-enabled", "rootless"};
static const char *const string_keys[] = {"log-level", "log-driver", "userns-remap", "cgroup-parent", "tlscacert",
					  "tlscert",   "tlskey",     "data-root",    "exec-root",     "containerd",
					  "group",     "seccomp-profile", "config-file"};
static const char *const list_keys[] = {"hosts",         "insecure-registries", "authorization-plugins",
					"storage-opts",  "default-ulimits",     "log-opts",
					"registry-mirrors", "labels"};

static bool always_dir(const char *p)
{
	(void)p;
	return true;
}

static void query(const struct daemon_opts *o)
{
	enum dopt_state st;
	for (size_t i = 0; i < sizeof bool_keys / sizeof *bool_keys; i++) {
		int v = dopts_bool(o, bool_keys[i], i & 1, &st);
		if (v < -1 || v > 1 || (v < 0 && st != DOPT_UNKNOWN) || (st == DOPT_DEFAULT && v != (int)(i & 1)))
			abort();
		(void)dopt_state_name(st);
	}
	for (size_t i = 0; i < sizeof string_keys / sizeof *string_keys; i++) {
		const char *s = dopts_string(o, string_keys[i], &st);
		if (s && st != DOPT_CMDLINE && st != DOPT_CONFIG)
			abort();
		if (s)
			(void)strlen(s);
	}
	for (size_t i = 0; i < sizeof list_keys / sizeof *list_keys; i++) {
		json_t *l = dopts_list(o, list_keys[i], &st);
		if (!json_is_array(l))
			abort();
		size_t k;
		json_t *v;
		json_array_foreach(l, k, v) {
			if (!json_is_string(v))
				abort();
		}
		if (json_array_size(l) && st != DOPT_CMDLINE && st != DOPT_CONFIG)
			abort();
		json_decref(l);
	}
	const char *level = dopts_log_level(o, &st);
	if (!level && st != DOPT_UNKNOWN)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t clen = ((size_t)data[0] << 8) | data[1];
	if (clen > size - 2)
		clen = size - 2;
	/* Own copies of exactly their size, so that ASan sees any overread. */
	char *cfg = malloc(clen ? clen : 1), *cmd = malloc(size - 2 - clen ? size - 2 - clen : 1);
	if (!cfg || !cmd)
		abort();
	memcpy(cfg, data + 2, clen);
	memcpy(cmd, data + 2 + clen, size - 2 - clen);

	struct err e;
	struct daemon_opts o = {0};
	o.cmdline = dopts_parse_cmdline(cmd, size - 2 - clen);
	o.config = dopts_parse_config(cfg, clen, &e);
	if (!o.cmdline || (o.config && !json_is_object(o.config)))
		abort();
	query(&o);
	/* The command line unknown, then daemon.json unreadable. */
	json_t *saved = o.cmdline;
	o.cmdline = NULL;
	query(&o);
	o.cmdline = saved;
	o.config_unknown = true;
	query(&o);

	(void)bench_audit_rules_watch(cfg, clen, "/etc/docker/daemon.json", always_dir);
	(void)bench_audit_rules_watch(cfg, clen, "/usr/bin/dockerd", NULL);
	char *fs = NULL;
	(void)bench_mountinfo_separate_fs(cfg, clen, "/var/lib/docker", &fs);
	free(fs);

	json_decref(o.cmdline);
	json_decref(o.config);
	free(cfg);
	free(cmd);
	return 0;
}
