/* Daemon options: what the running dockerd was told, from its command line
 * (/proc/PID/cmdline) and its configuration file (daemon.json), merged the way
 * dockerd merges them. Everything is keyed by the daemon.json name of the
 * option ("icc", "log-level", "hosts", ...), whichever form it came in.
 *
 * Parsing is pure (bytes in, JSON out) so that it can be fuzzed: both inputs
 * come from outside vigil and may be garbage. */
#ifndef VIGIL_BENCH_DAEMON_OPTS_H
#define VIGIL_BENCH_DAEMON_OPTS_H

#include "util/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Parse a /proc/PID/cmdline image (argv, each NUL-terminated) the way dockerd's
 * flag parser (pflag) would: "--name=value", "--name value", "-H value",
 * "-Hvalue", "-D", last occurrence wins for scalars, repeatable flags
 * accumulate. Returns an object: bools as JSON booleans, strings, repeatable
 * flags as arrays of strings; the --config-file value is stored under
 * "config-file". Values that are not valid UTF-8 are escaped. Malformed
 * booleans ("--icc=maybe") are recorded under "invalid" (an array of the
 * offending arguments) and otherwise ignored. Never fails. */
json_t *dopts_parse_cmdline(const char *buf, size_t len);

/* Parse daemon.json text. NULL with e set when it is not a JSON object. */
json_t *dopts_parse_config(const char *buf, size_t len, struct err *e);

struct daemon_opts {
	json_t *cmdline;     /* from dopts_parse_cmdline; NULL when the command line is unknown */
	json_t *config;      /* from dopts_parse_config; NULL when absent or unknown */
	bool config_unknown; /* the file exists but could not be read or parsed */
};

/* Where an effective value came from. */
enum dopt_state {
	DOPT_UNKNOWN, /* not set where we could look, and a source could not be read */
	DOPT_DEFAULT, /* set nowhere: dockerd's default applies */
	DOPT_CMDLINE,
	DOPT_CONFIG,
};
const char *dopt_state_name(enum dopt_state s);

/* The effective raw value of key (borrowed), command line first, as dockerd
 * refuses to start when both set a scalar. NULL unless the state is
 * DOPT_CMDLINE or DOPT_CONFIG. */
json_t *dopts_get(const struct daemon_opts *o, const char *key, enum dopt_state *state);

/* A boolean option: 1 true, 0 false (dflt when set nowhere), -1 unknown or
 * not a boolean in daemon.json (dockerd would have refused it). */
int dopts_bool(const struct daemon_opts *o, const char *key, bool dflt, enum dopt_state *state);

/* A string option, or NULL (set nowhere, unknown, or not a string). */
const char *dopts_string(const struct daemon_opts *o, const char *key, enum dopt_state *state);

/* A list option (hosts, insecure-registries, ...): the command line's and the
 * configuration's strings together, as a new array. Object-valued options of
 * daemon.json (default-ulimits, log-opts) contribute "key=value" strings.
 * *state is DOPT_UNKNOWN when a source could not be read and the list is
 * empty, DOPT_DEFAULT when empty everywhere. */
json_t *dopts_list(const struct daemon_opts *o, const char *key, enum dopt_state *state);

/* The effective log level, folding in "debug"/-D (which force "debug"). */
const char *dopts_log_level(const struct daemon_opts *o, enum dopt_state *state);

/* Interpret a Go strconv.ParseBool string: 1/0, or -1 when it is not one. */
int dopts_parse_bool(const char *s);

#endif
