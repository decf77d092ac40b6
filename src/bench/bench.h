/* bench: audit of a Docker host against the CIS Docker Benchmark v1.6.0, with
 * the checks, ids and titles of docker-bench-security v1.6.0 but decided
 * exactly: daemon options from dockerd's real command line and daemon.json,
 * containers and images from the Engine API, file modes compared bit by bit,
 * and a check that cannot be evaluated says so (INFO) instead of passing.
 *
 * A check is a row of a table (id, title, level, scored, remediation,
 * function); sections live in their own files (checks_*.c). A check function
 * reads what it needs through the context, which fetches lazily and caches,
 * and fills an outcome: a result, free-form details and per-object items. */
#ifndef VIGIL_BENCH_BENCH_H
#define VIGIL_BENCH_BENCH_H

#include "bench/daemon_opts.h"
#include "bench/logic.h"
#include "docker/engine.h"
#include "util/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum bench_result {
	BENCH_PASS,
	BENCH_INFO, /* evaluated for a human to judge, not applicable, or could not be evaluated */
	BENCH_NOTE, /* a manual check vigil does not evaluate */
	BENCH_WARN,
};
const char *bench_result_name(enum bench_result r);

/* One object a check found something about: a container, image, file, user. */
struct bench_item {
	enum bench_result result; /* what this object contributes to the check */
	char *kind;               /* "container", "image", "file", "user", "network", "process" */
	char *id;                 /* full container/image id, file path, user name */
	char *name;               /* container name, image tags; may equal id */
	char *detail;
};

struct bench_outcome {
	enum bench_result result;
	char **details;
	size_t ndetails;
	struct bench_item *items;
	size_t nitems;
};

struct bench_ctx;
typedef void (*bench_fn)(struct bench_ctx *ctx, struct bench_outcome *out);

struct bench_check {
	const char *id;    /* "5.4" */
	const char *title; /* CIS title, without "(Automated)"/"(Manual)" */
	int level;         /* CIS profile level, 1 or 2 */
	bool scored;       /* Automated in CIS; PASS counts +1 and WARN -1 in the score */
	const char *remediation;
	bench_fn run;
};

/* The section tables, in benchmark order. */
const struct bench_check *bench_checks_host(size_t *n);    /* 1 */
const struct bench_check *bench_checks_daemon(size_t *n);  /* 2 */
const struct bench_check *bench_checks_files(size_t *n);   /* 3 */
const struct bench_check *bench_checks_images(size_t *n);  /* 4 */
const struct bench_check *bench_checks_runtime(size_t *n); /* 5 */
const struct bench_check *bench_checks_ops(size_t *n);     /* 6 */
const struct bench_check *bench_checks_swarm(size_t *n);   /* 7 */

/* Title of a section or subsection ("1", "1.1", "5"), or NULL. */
const char *bench_section_title(const char *id);

/* ---- outcome ---------------------------------------------------------------------------- */

/* Raise the result to r when r is more severe (PASS < NOTE < INFO < WARN). */
void bench_out_raise(struct bench_outcome *o, enum bench_result r);
void bench_out_detail(struct bench_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Add an item and raise the outcome to its result. */
void bench_out_item(struct bench_outcome *o, enum bench_result r, const char *kind, const char *id, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Set the result outright (for checks that decide once). */
void bench_out_set(struct bench_outcome *o, enum bench_result r);
/* Has the daemon this entry in /info SecurityOptions ("name=seccomp,...")?
 * Returns the entry or NULL. */
const char *bench_security_option(struct bench_ctx *ctx, const char *name);
void bench_outcome_free(struct bench_outcome *o);

/* ---- context ---------------------------------------------------------------------------- */

struct bench_container {
	char *id;
	char *name; /* without the leading '/' */
	json_t *j;  /* GET /containers/{id}/json */
};

struct bench_image {
	char *id;
	char *label; /* "repo:tag, repo:tag" or the short id */
	json_t *j;   /* GET /images/{id}/json */
	json_t *history;
	char *history_err;
	bool history_tried;
};

struct bench_options {
	const char *host;        /* unix:// socket; NULL: DOCKER_HOST or the default */
	const char *config_file; /* daemon.json to read instead of dockerd's own */
	char **trusted_users;    /* 1.1.2: users allowed to control the daemon */
	size_t ntrusted;
};

struct bench_ctx {
	struct engine *en;
	char *sock; /* daemon socket path */
	json_t *info, *version;
	const struct bench_options *opt;

	pid_t dockerd_pid; /* 0: not found */
	char *dockerd_why; /* why not found, or how it was identified */
	char *dockerd_exe;
	json_t *cmdline_argv; /* array of strings, for the report */

	struct daemon_opts dopts;
	char *config_path; /* daemon.json in effect */
	char *config_note; /* "absent", or why it could not be read */
	bool config_present;

	bool ctrs_loaded;
	struct bench_container *ctrs;
	size_t nctrs;
	char *ctrs_err;

	bool imgs_loaded;
	struct bench_image *imgs;
	size_t nimgs;
	char *imgs_err;

	bool audit_loaded;
	struct buf audit;
	char *audit_src; /* "auditctl -l" or the files read */
	char *audit_err; /* set when no rules could be read at all */
	bool audit_none; /* auditctl absent and no rules files: auditing not configured */
};

/* Connect, read /info and /version, find dockerd and its options. Returns 0,
 * or EXIT_INPUT (no daemon, bad DOCKER_HOST) with e set. */
int bench_ctx_open(struct bench_ctx *ctx, const struct bench_options *opt, struct err *e);
void bench_ctx_close(struct bench_ctx *ctx);

/* Running containers, inspected. NULL-safe: on failure *err is set and 0
 * containers are returned. */
size_t bench_containers(struct bench_ctx *ctx, struct bench_container **out, const char **err);
/* Images (GET /images/json), inspected. */
size_t bench_images(struct bench_ctx *ctx, struct bench_image **out, const char **err);
/* An image's history (newest first), or NULL with *err set. */
json_t *bench_image_history(struct bench_ctx *ctx, struct bench_image *img, const char **err);
/* The audit rules in force: auditctl -l if it runs, else the rules files. */
const struct buf *bench_audit_rules(struct bench_ctx *ctx, const char **src, const char **err, bool *none);

/* GET path; NULL with *err (new string) set. */
json_t *bench_get(struct bench_ctx *ctx, const char *path, char **err);

/* Is the daemon in swarm mode ("active", or a pending/locked/error state)? */
const char *bench_swarm_state(struct bench_ctx *ctx);

/* JSON helpers that tolerate anything: a dotted path ("HostConfig.Memory"). */
json_t *bench_jpath(json_t *root, const char *dotted);
const char *bench_jstr(json_t *root, const char *dotted); /* "" when absent or not a string */
long long bench_jint(json_t *root, const char *dotted);   /* 0 when absent or not a number */
bool bench_jtrue(json_t *root, const char *dotted);

/* ---- host files ------------------------------------------------------------------------- */

/* lstat-free stat of a path, with the error kept: 0 or errno. */
int bench_stat(const char *path, struct stat *st);
/* A systemd unit file (docker.service, docker.socket) in systemd's search
 * order, or NULL. */
char *bench_unit_file(const char *unit);
/* The containerd socket dockerd uses. */
char *bench_containerd_socket(struct bench_ctx *ctx);
/* Name of a group id ("105" when unknown). */
char *bench_group_name(gid_t gid);
/* Find a binary in the usual directories (/usr/bin, /usr/sbin, ...), or NULL. */
char *bench_find_binary(const char *name);

/* ---- running and reporting -------------------------------------------------------------- */

struct bench_entry {
	const struct bench_check *check;
	struct bench_outcome out;
};

struct bench_report {
	struct bench_entry *entries;
	size_t n;
	int checks, score;
	json_t *meta; /* what was audited: daemon, versions, sources */
};

/* Run the checks that include selects (all when empty) and exclude does not. */
void bench_run(struct bench_ctx *ctx, const struct bench_filter *include, const struct bench_filter *exclude,
	       struct bench_report *rep);
void bench_report_free(struct bench_report *rep);
/* Does any check of the full table match pattern? (validates -c/-e) */
bool bench_pattern_known(const char *pat);

/* Render: format is "text", "json", "sarif" or "junit". */
void bench_render(const struct bench_report *rep, const char *format, bool remediation, struct buf *out);

#endif
