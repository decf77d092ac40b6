/* dockerd's options from its command line and daemon.json; see daemon_opts.h.
 *
 * The command line is parsed the way pflag parses it, with dockerd's own flag
 * table, because a flag's kind decides whether the next argument is its value:
 * "--icc --log-level debug" is a boolean then a string, not icc="--log-level".
 * A flag we do not know takes the next argument when that one does not look
 * like a flag: dockerd accepts no positional arguments, so a running daemon's
 * bare word can only be a value. */
#include "bench/daemon_opts.h"

#include <stdlib.h>
#include <string.h>

enum kind { K_BOOL, K_STRING, K_LIST };

struct flag {
	const char *name; /* long name, without "--" */
	char shorthand;   /* 0 when none */
	const char *key;  /* daemon.json key it maps to */
	enum kind kind;
};

/* dockerd 20.10's flags that matter for parsing or for the benchmark. Every
 * boolean must be here (a boolean never takes the next argument); value flags
 * not listed are handled by the unknown-flag rule. */
static const struct flag flags[] = {
	{"add-runtime", 0, "runtimes", K_LIST},
	{"allow-nondistributable-artifacts", 0, "allow-nondistributable-artifacts", K_LIST},
	{"api-cors-header", 0, "api-cors-header", K_STRING},
	{"authorization-plugin", 0, "authorization-plugins", K_LIST},
	{"bip", 0, "bip", K_STRING},
	{"bridge", 'b', "bridge", K_STRING},
	{"cgroup-parent", 0, "cgroup-parent", K_STRING},
	{"config-file", 0, "config-file", K_STRING},
	{"containerd", 0, "containerd", K_STRING},
	{"cri-containerd", 0, "cri-containerd", K_BOOL},
	{"data-root", 0, "data-root", K_STRING},
	{"graph", 'g', "data-root", K_STRING}, /* deprecated spelling of --data-root */
	{"debug", 'D', "debug", K_BOOL},
	{"default-runtime", 0, "default-runtime", K_STRING},
	{"default-ulimit", 0, "default-ulimits", K_LIST},
	{"disable-legacy-registry", 0, "disable-legacy-registry", K_BOOL},
	{"exec-opt", 0, "exec-opts", K_LIST},
	{"exec-root", 0, "exec-root", K_STRING},
	{"experimental", 0, "experimental", K_BOOL},
	{"group", 'G', "group", K_STRING},
	{"help", 'h', "help", K_BOOL},
	{"host", 'H', "hosts", K_LIST},
	{"icc", 0, "icc", K_BOOL},
	{"init", 0, "init", K_BOOL},
	{"insecure-registry", 0, "insecure-registries", K_LIST},
	{"ip-forward", 0, "ip-forward", K_BOOL},
	{"ip-masq", 0, "ip-masq", K_BOOL},
	{"ip6tables", 0, "ip6tables", K_BOOL},
	{"iptables", 0, "iptables", K_BOOL},
	{"ipv6", 0, "ipv6", K_BOOL},
	{"label", 0, "labels", K_LIST},
	{"live-restore", 0, "live-restore", K_BOOL},
	{"log-driver", 0, "log-driver", K_STRING},
	{"log-level", 'l', "log-level", K_STRING},
	{"log-opt", 0, "log-opts", K_LIST},
	{"no-new-privileges", 0, "no-new-privileges", K_BOOL},
	{"pidfile", 'p', "pidfile", K_STRING},
	{"raw-logs", 0, "raw-logs", K_BOOL},
	{"registry-mirror", 0, "registry-mirrors", K_LIST},
	{"rootless", 0, "rootless", K_BOOL},
	{"seccomp-profile", 0, "seccomp-profile", K_STRING},
	{"selinux-enabled", 0, "selinux-enabled", K_BOOL},
	{"storage-driver", 's', "storage-driver", K_STRING},
	{"storage-opt", 0, "storage-opts", K_LIST},
	{"tls", 0, "tls", K_BOOL},
	{"tlscacert", 0, "tlscacert", K_STRING},
	{"tlscert", 0, "tlscert", K_STRING},
	{"tlskey", 0, "tlskey", K_STRING},
	{"tlsverify", 0, "tlsverify", K_BOOL},
	{"userland-proxy", 0, "userland-proxy", K_BOOL},
	{"userland-proxy-path", 0, "userland-proxy-path", K_STRING},
	{"userns-remap", 0, "userns-remap", K_STRING},
	{"validate", 0, "validate", K_BOOL},
	{"version", 'v', "version", K_BOOL},
};

static const struct flag *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(flags); i++)
		if (strlen(flags[i].name) == len && !memcmp(flags[i].name, name, len))
			return &flags[i];
	return NULL;
}

static const struct flag *find_short(char c)
{
	for (size_t i = 0; i < ARRAY_LEN(flags); i++)
		if (flags[i].shorthand == c)
			return &flags[i];
	return NULL;
}

int dopts_parse_bool(const char *s)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* A JSON string from arbitrary bytes: jansson refuses invalid UTF-8. */
static json_t *safe_string(const char *s)
{
	char *clean = utf8_sanitize(s);
	json_t *j = json_string(clean);
	free(clean);
	return j ? j : json_string("");
}

static void note_invalid(json_t *out, const char *arg)
{
	json_t *inv = json_object_get(out, "invalid");
	if (!inv) {
		inv = json_array();
		json_object_set_new(out, "invalid", inv);
	}
	json_array_append_new(inv, safe_string(arg));
}

/* Record one occurrence of flag f. value is NULL for a bare boolean. */
static void store(json_t *out, const struct flag *f, const char *value, const char *arg)
{
	switch (f->kind) {
	case K_BOOL: {
		int b = value ? dopts_parse_bool(value) : 1;
		if (b < 0)
			note_invalid(out, arg); /* dockerd would have refused to start */
		else
			json_object_set_new(out, f->key, json_boolean(b));
		break;
	}
	case K_STRING:
		json_object_set_new(out, f->key, safe_string(value ? value : ""));
		break;
	case K_LIST: {
		json_t *arr = json_object_get(out, f->key);
		if (!json_is_array(arr)) {
			arr = json_array();
			json_object_set_new(out, f->key, arr);
		}
		json_array_append_new(arr, safe_string(value ? value : ""));
		break;
	}
	}
}

/* Unknown flags are kept (under "--name") so that a report can show them. */
static void store_unknown(json_t *out, const char *name, size_t len, const char *value)
{
	char *key = xasprintf("--%.*s", (int)len, name);
	char *clean = utf8_sanitize(key);
	json_object_set_new(out, clean, value ? safe_string(value) : json_true());
	free(clean);
	free(key);
}

json_t *dopts_parse_cmdline(const char *buf, size_t len)
{
	json_t *out = json_object();
	/* Split into argv; a final argument without its NUL still counts. */
	size_t argc = 0, cap = 0;
	char **argv = NULL;
	for (size_t i = 0; i < len;) {
		const char *end = memchr(buf + i, '\0', len - i);
		size_t n = end ? (size_t)(end - (buf + i)) : len - i;
		xgrow((void **)&argv, &cap, argc + 1, sizeof *argv);
		argv[argc++] = xstrndup(buf + i, n);
		i += n + 1;
	}
	size_t i = 1; /* argv[0] is the program */
	/* The pre-1.12 "docker daemon ..." form. */
	if (argc > 1 && !strcmp(argv[1], "daemon"))
		i = 2;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--"))
			break; /* pflag stops here; dockerd takes no positional arguments */
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
			const char *value = eq ? eq + 1 : NULL;
			const struct flag *f = find_long(name, nlen);
			if (f && f->kind == K_BOOL) {
				store(out, f, value, a);
			} else if (f) {
				if (!value && next) {
					value = next;
					i++;
				}
				store(out, f, value, a);
			} else {
				if (!value && next && next[0] != '-') {
					value = next;
					i++;
				}
				store_unknown(out, name, nlen, value);
			}
		} else if (a[0] == '-' && a[1]) {
			/* Shorthands, possibly combined: "-D", "-Dl debug", "-Hunix://x", "-H=x". */
			for (const char *p = a + 1; *p; p++) {
				const struct flag *f = find_short(*p);
				if (!f) {
					store_unknown(out, p, 1, NULL);
					break; /* cannot know how the rest of this argument reads */
				}
				if (f->kind == K_BOOL) {
					if (p[1] == '=') {
						store(out, f, p + 2, a);
						break;
					}
					store(out, f, NULL, a);
					continue;
				}
				const char *value = p + 1;
				if (*value == '=')
					value++;
				if (!*value) {
					value = next;
					if (next)
						i++;
				}
				store(out, f, value, a);
				break;
			}
		}
		/* A bare word is not something dockerd accepts; ignore it. */
	}
	for (size_t k = 0; k < argc; k++)
		free(argv[k]);
	free(argv);
	return out;
}

json_t *dopts_parse_config(const char *buf, size_t len, struct err *e)
{
	/* Editors on some systems write a UTF-8 byte order mark; dockerd skips it. */
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		buf += 3;
		len -= 3;
	}
	json_error_t je;
	json_t *j = json_loadb(buf, len, 0, &je);
	if (!j) {
		err_set(e, "not valid JSON: %s (line %d, column %d)", je.text, je.line, je.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		err_set(e, "not a JSON object");
		json_decref(j);
		return NULL;
	}
	return j;
}

const char *dopt_state_name(enum dopt_state s)
{
	switch (s) {
	case DOPT_CMDLINE:
		return "command line";
	case DOPT_CONFIG:
		return "daemon.json";
	case DOPT_DEFAULT:
		return "default";
	case DOPT_UNKNOWN:
		break;
	}
	return "unknown";
}

json_t *dopts_get(const struct daemon_opts *o, const char *key, enum dopt_state *state)
{
	enum dopt_state dummy;
	if (!state)
		state = &dummy;
	json_t *v = o->cmdline ? json_object_get(o->cmdline, key) : NULL;
	if (v) {
		*state = DOPT_CMDLINE;
		return v;
	}
	v = o->config ? json_object_get(o->config, key) : NULL;
	if (v && !json_is_null(v)) {
		*state = DOPT_CONFIG;
		return v;
	}
	*state = (!o->cmdline || o->config_unknown) ? DOPT_UNKNOWN : DOPT_DEFAULT;
	return NULL;
}

int dopts_bool(const struct daemon_opts *o, const char *key, bool dflt, enum dopt_state *state)
{
	enum dopt_state dummy;
	if (!state)
		state = &dummy;
	json_t *v = dopts_get(o, key, state);
	if (*state == DOPT_DEFAULT)
		return dflt;
	if (!v)
		return -1;
	if (json_is_boolean(v))
		return json_is_true(v);
	/* daemon.json with "icc": "false" does not start dockerd; whatever runs was
	 * configured otherwise, so we cannot say. */
	*state = DOPT_UNKNOWN;
	return -1;
}

const char *dopts_string(const struct daemon_opts *o, const char *key, enum dopt_state *state)
{
	enum dopt_state dummy;
	if (!state)
		state = &dummy;
	json_t *v = dopts_get(o, key, state);
	if (v && !json_is_string(v)) {
		*state = DOPT_UNKNOWN;
		return NULL;
	}
	return json_string_value(v);
}

static void append_strings(json_t *dst, json_t *src)
{
	if (json_is_string(src)) {
		json_array_append(dst, src);
	} else if (json_is_array(src)) {
		size_t i;
		json_t *v;
		json_array_foreach(src, i, v) {
			if (json_is_string(v))
				json_array_append(dst, v);
		}
	} else if (json_is_object(src)) {
		/* default-ulimits {"nofile": {...}}, log-opts {"max-size": "10m"}. */
		const char *k;
		json_t *v;
		json_object_foreach(src, k, v) {
			char *s = json_is_string(v) ? xasprintf("%s=%s", k, json_string_value(v)) : xstrdup(k);
			json_array_append_new(dst, safe_string(s));
			free(s);
		}
	}
}

json_t *dopts_list(const struct daemon_opts *o, const char *key, enum dopt_state *state)
{
	enum dopt_state dummy;
	if (!state)
		state = &dummy;
	json_t *out = json_array();
	json_t *c = o->cmdline ? json_object_get(o->cmdline, key) : NULL;
	json_t *f = o->config ? json_object_get(o->config, key) : NULL;
	append_strings(out, c);
	append_strings(out, f);
	if (json_array_size(out))
		*state = c && json_array_size(c) ? DOPT_CMDLINE : DOPT_CONFIG;
	else
		*state = (!o->cmdline || o->config_unknown) ? DOPT_UNKNOWN : DOPT_DEFAULT;
	return out;
}

const char *dopts_log_level(const struct daemon_opts *o, enum dopt_state *state)
{
	enum dopt_state ds, ls;
	int debug = dopts_bool(o, "debug", false, &ds);
	const char *level = dopts_string(o, "log-level", &ls);
	/* dockerd: "debug" wins over any --log-level, so while it is unknown
	 * the level is too. */
	if (debug == 1) {
		*state = ds;
		return "debug";
	}
	if (debug < 0) {
		*state = DOPT_UNKNOWN;
		return NULL;
	}
	if (level) {
		*state = ls;
		return level;
	}
	if (ls == DOPT_UNKNOWN || ds == DOPT_UNKNOWN) {
		*state = DOPT_UNKNOWN;
		return NULL;
	}
	*state = DOPT_DEFAULT;
	return "info";
}
