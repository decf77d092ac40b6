/* Pure decisions behind the benchmark checks; see logic.h. */
#include "bench/logic.h"

#include "util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool bench_mode_within(unsigned mode, unsigned allowed)
{
	return bench_mode_excess(mode, allowed) == 0;
}

unsigned bench_mode_excess(unsigned mode, unsigned allowed)
{
	return (mode & 07777u) & ~allowed;
}

bool bench_cap_is_default(const char *cap)
{
	/* moby oci/caps/defaults.go (unchanged since Docker 1.x). */
	static const char *const defaults[] = {
		"CHOWN",  "DAC_OVERRIDE", "FSETID",  "FOWNER",           "MKNOD",      "NET_RAW", "SETGID",
		"SETUID", "SETFCAP",      "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",    "AUDIT_WRITE"};
	if (!strncasecmp(cap, "CAP_", 4))
		cap += 4;
	for (size_t i = 0; i < ARRAY_LEN(defaults); i++)
		if (!strcasecmp(cap, defaults[i]))
			return true;
	return false;
}

bool bench_user_is_root(const char *user)
{
	size_t n = strcspn(user, ":");
	return n == 0 || (n == 1 && user[0] == '0') || (n == 4 && !strncmp(user, "root", 4));
}

bool bench_restart_policy_ok(const char *name, long long max_retries)
{
	if (!name || !*name || !strcmp(name, "no"))
		return true;
	if (!strcmp(name, "on-failure"))
		return max_retries >= 1 && max_retries <= 5;
	return false;
}

/* Length of p without trailing slashes (but "/" stays "/"). */
static size_t trimmed_len(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return n;
}

bool bench_abs_path_under(const char *p, const char *dir)
{
	size_t pl = trimmed_len(p), dl = trimmed_len(dir);
	if (dl == 1 && dir[0] == '/')
		return p[0] == '/';
	if (pl < dl || memcmp(p, dir, dl) != 0)
		return false;
	return pl == dl || p[dl] == '/';
}

static bool path_equal(const char *a, const char *b)
{
	size_t al = trimmed_len(a), bl = trimmed_len(b);
	return al == bl && !memcmp(a, b, al);
}

/* Split a line into whitespace-separated tokens (modifies line). */
static size_t tokenize(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *s = strtok_r(line, " \t\r", &save); s && n < max; s = strtok_r(NULL, " \t\r", &save))
		tok[n++] = s;
	return n;
}

static bool rule_watches(char *line, const char *path, bool (*is_dir)(const char *))
{
	char *tok[128];
	size_t n = tokenize(line, tok, ARRAY_LEN(tok));
	if (!n || tok[0][0] == '#' || tok[0][0] == ';')
		return false;
	bool hit = false;
	for (size_t i = 0; i < n; i++) {
		const char *t = tok[i];
		/* Options may be glued to their value ("-w/etc/docker", "-Fpath=/x"). */
		const char *val = t[0] == '-' && t[1] && t[2] ? t + 2 : i + 1 < n ? tok[i + 1] : "";
		bool glued = t[0] == '-' && t[1] && t[2];
		if (!strncmp(t, "-W", 2))
			return false; /* removes a watch */
		if ((!strncmp(t, "-a", 2) || !strncmp(t, "-A", 2)) && strstr(val, "never"))
			return false; /* suppresses auditing of what it matches */
		if (!strncmp(t, "-w", 2) && (glued || i + 1 < n)) {
			if (path_equal(val, path) || (bench_abs_path_under(path, val) && is_dir && is_dir(val)))
				hit = true;
		} else if (!strncmp(t, "-F", 2) && (glued || i + 1 < n)) {
			if (!strncmp(val, "path=", 5) && path_equal(val + 5, path))
				hit = true;
			else if (!strncmp(val, "dir=", 4) && bench_abs_path_under(path, val + 4))
				hit = true;
		}
		if (!glued &&
		    (!strncmp(t, "-w", 2) || !strncmp(t, "-F", 2) || !strncmp(t, "-a", 2) || !strncmp(t, "-A", 2)))
			i++; /* skip the value we just read */
	}
	return hit;
}

bool bench_audit_rules_watch(const char *text, size_t len, const char *path, bool (*is_dir)(const char *))
{
	bool hit = false;
	for (size_t i = 0; i < len && !hit;) {
		const char *end = memchr(text + i, '\n', len - i);
		size_t n = end ? (size_t)(end - (text + i)) : len - i;
		char *line = xstrndup(text + i, n);
		hit = rule_watches(line, path, is_dir);
		free(line);
		i += n + 1;
	}
	return hit;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* Decode mountinfo's octal escapes (\040 space, \011 tab, \012, \134). */
static char *unescape_octal(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && is_octal(s[i + 2]) &&
		    is_octal(s[i + 3])) {
			*o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

struct mount_hit {
	size_t len;   /* length of the mount point: longest prefix wins */
	char *desc;   /* "MOUNTPOINT (FSTYPE SOURCE MAJ:MIN)" */
	char dev[32]; /* "MAJ:MIN" */
	bool exact;   /* the mount point is the path itself */
};

/* The mount holding path in mountinfo text (the last of equal length: a later
 * mount on the same point hides the earlier one). */
static struct mount_hit mount_of(const char *text, size_t len, const char *path)
{
	struct mount_hit best = {0};
	bool found = false;
	for (size_t i = 0; i < len;) {
		const char *end = memchr(text + i, '\n', len - i);
		size_t n = end ? (size_t)(end - (text + i)) : len - i;
		char *line = xstrndup(text + i, n);
		i += n + 1;
		/* Fields: id parent maj:min root mountpoint options [optional...] - fstype source superopts */
		char *tok[64];
		size_t nt = tokenize(line, tok, ARRAY_LEN(tok));
		if (nt < 5) {
			free(line);
			continue;
		}
		char *mp = unescape_octal(tok[4], strlen(tok[4]));
		size_t l = trimmed_len(mp);
		if (mp[0] == '/' && bench_abs_path_under(path, mp) && (!found || l >= best.len)) {
			found = true;
			const char *fstype = "?", *source = "?";
			for (size_t k = 5; k + 2 < nt; k++)
				if (!strcmp(tok[k], "-")) {
					fstype = tok[k + 1];
					source = tok[k + 2];
					break;
				}
			free(best.desc);
			best.len = l;
			best.desc = xasprintf("%s (%s %s %s)", mp, fstype, source, tok[2]);
			snprintf(best.dev, sizeof best.dev, "%s", tok[2]);
			best.exact = path_equal(mp, path);
		}
		free(mp);
		free(line);
	}
	return best;
}

bool bench_mountinfo_separate_fs(const char *text, size_t len, const char *dir, char **fs_of)
{
	struct mount_hit m = mount_of(text, len, dir);
	bool separate = false;
	size_t dl = trimmed_len(dir);
	if (m.exact && !(dl == 1 && dir[0] == '/')) {
		/* The filesystem of the parent directory: the mount holding it. */
		char *parent = xstrndup(dir, dl);
		char *slash = strrchr(parent, '/');
		if (slash == parent)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		struct mount_hit p = mount_of(text, len, parent);
		separate = p.desc && strcmp(p.dev, m.dev) != 0;
		free(p.desc);
		free(parent);
	}
	if (fs_of)
		*fs_of = m.desc;
	else
		free(m.desc);
	return separate;
}

bool bench_content_trust_enabled(const char *value)
{
	/* docker/cli: enabled unless unset, empty, or strconv.ParseBool false. */
	if (!value || !*value)
		return false;
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		if (!strcmp(value, no[i]))
			return false;
	return true;
}

int bench_log_driver_is_remote(const char *driver)
{
	static const char *const remote[] = {"syslog", "journald", "gelf",    "fluentd",   "awslogs",
					     "splunk", "etwlogs",  "gcplogs", "logentries"};
	static const char *const local[] = {"json-file", "local", "none", ""};
	for (size_t i = 0; i < ARRAY_LEN(remote); i++)
		if (!strcmp(driver, remote[i]))
			return 1;
	for (size_t i = 0; i < ARRAY_LEN(local); i++)
		if (!strcmp(driver, local[i]))
			return 0;
	return -1;
}

/* Is w one of list? Quotes around a word do not matter to the shell. */
static bool word_in(const char *w, size_t n, const char *const *list, size_t nl)
{
	while (n && (*w == '"' || *w == '\'')) {
		w++;
		n--;
	}
	while (n && (w[n - 1] == '"' || w[n - 1] == '\'' || w[n - 1] == ';'))
		n--;
	for (size_t i = 0; i < nl; i++)
		if (strlen(list[i]) == n && !memcmp(w, list[i], n))
			return true;
	return false;
}

static bool has_word(const char *s, const char *const *list, size_t nl)
{
	for (const char *p = s; *p;) {
		while (*p &&
		       (isspace((unsigned char)*p) || *p == '&' || *p == '|' || *p == ';' || *p == '(' || *p == ')'))
			p++;
		const char *w = p;
		while (*p && !isspace((unsigned char)*p) && *p != '&' && *p != '|' && *p != ';' && *p != '(' &&
		       *p != ')')
			p++;
		if (p > w && word_in(w, (size_t)(p - w), list, nl))
			return true;
	}
	return false;
}

bool bench_history_update_alone(const char *created_by)
{
	static const char *const update[] = {"update"};
	static const char *const install[] = {"install", "add", "upgrade", "dist-upgrade", "full-upgrade"};
	return has_word(created_by, update, ARRAY_LEN(update)) && !has_word(created_by, install, ARRAY_LEN(install));
}

bool bench_history_is_add(const char *created_by)
{
	const char *p = strstr(created_by, "#(nop)");
	p = p ? p + 6 : created_by;
	while (isspace((unsigned char)*p))
		p++;
	return !strncmp(p, "ADD", 3) && (isspace((unsigned char)p[3]) || !p[3]);
}

bool bench_process_is_sshd(const char *cmd)
{
	while (isspace((unsigned char)*cmd))
		cmd++;
	if (!strncmp(cmd, "sshd:", 5))
		return true;
	size_t n = strcspn(cmd, " \t");
	const char *base = cmd;
	for (size_t i = 0; i < n; i++)
		if (cmd[i] == '/')
			base = cmd + i + 1;
	return (size_t)(cmd + n - base) == 4 && !memcmp(base, "sshd", 4);
}

bool bench_port_is_privileged(const char *port)
{
	if (!port || !*port || strlen(port) > 5)
		return false;
	long v = 0;
	for (const char *p = port; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= 1023;
}

bool bench_host_ip_is_wildcard(const char *ip)
{
	return !ip || !*ip || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") || !strcmp(ip, "[::]");
}

/* "check_5_4" -> "5.4"; trims spaces. Returns NULL when malformed. */
static char *normalize_pattern(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n > 6 && !strncmp(s, "check_", 6)) {
		s += 6;
		n -= 6;
	}
	if (!n)
		return NULL;
	char *p = xstrndup(s, n);
	for (char *q = p; *q; q++)
		if (*q == '_')
			*q = '.';
	/* Digits separated by single dots, no leading/trailing dot. */
	bool prev_dot = true;
	for (const char *q = p; *q; q++) {
		if (*q == '.') {
			if (prev_dot)
				goto bad;
			prev_dot = true;
		} else if (isdigit((unsigned char)*q)) {
			prev_dot = false;
		} else {
			goto bad;
		}
	}
	if (prev_dot)
		goto bad;
	return p;
bad:
	free(p);
	return NULL;
}

int bench_filter_parse(struct bench_filter *f, const char *list, char **bad)
{
	*bad = NULL;
	for (const char *p = list;;) {
		size_t n = strcspn(p, ",");
		char *pat = normalize_pattern(p, n);
		if (!pat) {
			*bad = xstrndup(p, n);
			return -1;
		}
		f->pats = xrealloc(f->pats, (f->n + 1) * sizeof *f->pats);
		f->pats[f->n++] = pat;
		if (!p[n])
			break;
		p += n + 1;
	}
	return 0;
}

bool bench_pattern_matches(const char *pat, const char *id)
{
	size_t n = strlen(pat);
	return !strncmp(id, pat, n) && (id[n] == '\0' || id[n] == '.');
}

bool bench_filter_matches(const struct bench_filter *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (bench_pattern_matches(f->pats[i], id))
			return true;
	return false;
}

void bench_filter_free(struct bench_filter *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->pats[i]);
	free(f->pats);
	f->pats = NULL;
	f->n = 0;
}
