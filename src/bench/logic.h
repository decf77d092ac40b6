/* Pure decisions behind the benchmark checks, kept apart from all I/O so that
 * unit tests and the fuzzer can drive them with any input. */
#ifndef VIGIL_BENCH_LOGIC_H
#define VIGIL_BENCH_LOGIC_H

#include <stdbool.h>
#include <stddef.h>

/* True when every permission bit of mode (07777) is within allowed: 0640 is
 * within 0644, 0077 is not (docker-bench-security compares the octal digits
 * as decimal numbers, so it passes 0077 <= 644). */
bool bench_mode_within(unsigned mode, unsigned allowed);
/* The bits of mode outside allowed. */
unsigned bench_mode_excess(unsigned mode, unsigned allowed);

/* True when cap (any case, with or without "CAP_") is one of the 14
 * capabilities Docker grants by default. */
bool bench_cap_is_default(const char *cap);

/* True when a container's Config.User means root: "", "0", "root", "0:0",
 * "root:1000", ... (the user part before ':'). */
bool bench_user_is_root(const char *user);

/* CIS 5.15: "no" or "" (never restarted) and "on-failure" with 1..5 retries
 * are fine; "always", "unless-stopped" and on-failure with 0 (unlimited) or
 * more than 5 retries are not. */
bool bench_restart_policy_ok(const char *name, long long max_retries);

/* True when p equals dir or lies below it; both absolute. dir "/" holds
 * everything. Trailing slashes are ignored. */
bool bench_abs_path_under(const char *p, const char *dir);

/* Does this audit rules text (auditctl -l output or a rules file) watch path?
 * A rule watches it when "-w P" or "-F path=P" names it, or when a directory
 * watch ("-F dir=D", or "-w D" for a directory D) holds it. Comments, "never"
 * rules and "-W" (removal) lines do not count. is_dir tells whether a path is
 * a directory on this host (NULL: assume not). */
bool bench_audit_rules_watch(const char *text, size_t len, const char *path, bool (*is_dir)(const char *));

/* Is dir on a filesystem of its own, per this mountinfo text
 * (/proc/PID/mountinfo)? It must be a mount point whose device differs from
 * the device holding its parent directory: dockerd bind-mounts its root onto
 * itself (to make it private), which makes a mount point on the same
 * partition. Octal escapes (\040) in mount points are decoded. *fs_of
 * (optional, new string or NULL) names the mount that holds dir:
 * "MOUNTPOINT (FSTYPE SOURCE MAJ:MIN)". */
bool bench_mountinfo_separate_fs(const char *text, size_t len, const char *dir, char **fs_of);

/* The docker CLI's reading of DOCKER_CONTENT_TRUST: enabled when set to
 * anything but "" or a Go false ("0", "false", ...). */
bool bench_content_trust_enabled(const char *value);

/* Log drivers that ship logs off the host or to a central journal (CIS 2.13):
 * 1 yes, 0 no (json-file, local, none), -1 unknown (a plugin). */
int bench_log_driver_is_remote(const char *driver);

/* CIS 4.7: a history entry that updates the package index without installing
 * in the same instruction ("apt-get update" alone, "apk update"). */
bool bench_history_update_alone(const char *created_by);
/* CIS 4.9: a history entry made by ADD. */
bool bench_history_is_add(const char *created_by);

/* Is the comm or command line of a process sshd? Matches "sshd", a path
 * ending in "/sshd" and sshd's retitled children ("sshd: user@pts/0"). */
bool bench_process_is_sshd(const char *cmd);

/* A host port number that is privileged (1..1023); "" and "0" are not. */
bool bench_port_is_privileged(const char *port);
/* Is a HostIp a wildcard address ("", "0.0.0.0", "::")? */
bool bench_host_ip_is_wildcard(const char *ip);

/* Check selection (-c/-e): a comma list of check ids or sections ("2",
 * "5.4", "1.1", docker-bench-security's "check_5_4"). */
struct bench_filter {
	char **pats;
	size_t n;
};
/* Parse list into f (appending). Returns 0, or -1 with *bad (new string)
 * naming an empty or malformed entry. */
int bench_filter_parse(struct bench_filter *f, const char *list, char **bad);
/* Does pattern select id? "5" selects "5.4"; "5.4" selects "5.4" only, not
 * "5.40"; "1.1" selects "1.1.3". */
bool bench_pattern_matches(const char *pat, const char *id);
bool bench_filter_matches(const struct bench_filter *f, const char *id);
void bench_filter_free(struct bench_filter *f);

#endif
