/* os_detect: decide the distribution and its version from the release files
 * of an image's final view (collected by analyzer/os_release.c).
 *
 * os-release(5) names the distribution (ID); the distribution's own release
 * file, where it has one, usually gives a more precise version than
 * VERSION_ID ("12.5" in debian_version, "7.9.2009" in centos-release,
 * "2.0.20240117" in mariner-release), so for a family it knows, that file's
 * version wins, as in Trivy. Without os-release, or when its ID is one we do
 * not know (a rebranded os-release on top of a known distribution), the
 * per-distribution files alone decide. */
#include "inventory/inventory.h"

#include "util/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- os-release(5) / lsb-release: shell-like KEY=VALUE assignments ---- */

struct kv {
	char *key, *value;
};

struct env {
	struct kv *v;
	size_t len, cap;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_nl(char c)
{
	return c == '\n' || c == '\r';
}

/* Shell variable names, as systemd's env_name_is_valid accepts them. */
static bool valid_key(const char *k)
{
	if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || *k == '_'))
		return false;
	for (k++; *k; k++)
		if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned char c = *s;
		size_t n;
		unsigned min;
		unsigned cp;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += n + 1;
	}
	return true;
}

static void env_push(struct env *env, struct buf *key, struct buf *value, size_t value_len)
{
	char *k = buf_steal(key);
	char *v = buf_steal(value);
	v[value_len] = 0;
	/* systemd skips invalid names and values that are not UTF-8; so do we,
	 * so that what we print is what the distribution's tools would show. */
	if (!valid_key(k) || !valid_utf8((const unsigned char *)v)) {
		free(k);
		free(v);
		return;
	}
	void *p = env->v;
	xgrow(&p, &env->cap, env->len + 1, sizeof *env->v);
	env->v = p;
	env->v[env->len++] = (struct kv){k, v};
}

/* The parser of systemd's parse_env_file (env-file.c), which os-release(5)
 * points to: "#" or ";" comments, KEY=VALUE with optional whitespace,
 * double quotes (where \ escapes " \ ` $ and a newline), single quotes
 * (literal), backslash escapes outside quotes, quoted values spanning lines,
 * trailing whitespace of unquoted values dropped. Lines without "=" are
 * ignored. "\r" counts as a line end, so CRLF files read like LF ones. */
static void env_parse(const char *text, struct env *env)
{
	enum {
		PRE_KEY,
		KEY,
		PRE_VALUE,
		VALUE,
		VALUE_ESCAPE,
		SQUOTE,
		DQUOTE,
		DQUOTE_ESCAPE,
		COMMENT,
		COMMENT_ESCAPE,
	} state = PRE_KEY;
	struct buf key = {0}, value = {0};
	size_t key_ws = SIZE_MAX;   /* where trailing whitespace of the key starts */
	size_t value_ws = SIZE_MAX; /* same for an unquoted value */

	for (const char *p = text;; p++) {
		char c = *p;
		bool end = c == 0;
		switch (state) {
		case PRE_KEY:
			if (end)
				break;
			if (c == '#' || c == ';')
				state = COMMENT;
			else if (!is_ws(c)) {
				state = KEY;
				key_ws = SIZE_MAX;
				buf_append(&key, &c, 1);
			}
			break;
		case KEY:
			if (end || is_nl(c)) {
				/* A line without '=' assigns nothing. */
				state = PRE_KEY;
				buf_free(&key);
			} else if (c == '=') {
				if (key_ws != SIZE_MAX) {
					key.len = key_ws;
					key.data[key.len] = 0;
				}
				state = PRE_VALUE;
				value_ws = SIZE_MAX;
				buf_append(&value, "", 0);
			} else {
				if (!is_ws(c))
					key_ws = SIZE_MAX;
				else if (key_ws == SIZE_MAX)
					key_ws = key.len;
				buf_append(&key, &c, 1);
			}
			break;
		case PRE_VALUE:
			if (end || is_nl(c)) {
				env_push(env, &key, &value, value.len);
				state = PRE_KEY;
			} else if (c == '\'')
				state = SQUOTE;
			else if (c == '"')
				state = DQUOTE;
			else if (c == '\\')
				state = VALUE_ESCAPE;
			else if (!is_ws(c)) {
				state = VALUE;
				buf_append(&value, &c, 1);
			}
			break;
		case VALUE:
			if (end || is_nl(c)) {
				env_push(env, &key, &value, value_ws != SIZE_MAX ? value_ws : value.len);
				state = PRE_KEY;
			} else if (c == '\\') {
				state = VALUE_ESCAPE;
				value_ws = SIZE_MAX;
			} else {
				if (!is_ws(c))
					value_ws = SIZE_MAX;
				else if (value_ws == SIZE_MAX)
					value_ws = value.len;
				buf_append(&value, &c, 1);
			}
			break;
		case VALUE_ESCAPE:
			if (end) {
				env_push(env, &key, &value, value.len);
				break;
			}
			state = VALUE;
			if (!is_nl(c)) /* an escaped newline joins the lines */
				buf_append(&value, &c, 1);
			break;
		case SQUOTE:
			if (end) {
				/* Unterminated: systemd keeps what it read. */
				env_push(env, &key, &value, value.len);
				break;
			}
			if (c == '\'')
				state = PRE_VALUE;
			else
				buf_append(&value, &c, 1);
			break;
		case DQUOTE:
			if (end) {
				env_push(env, &key, &value, value.len);
				break;
			}
			if (c == '"')
				state = PRE_VALUE;
			else if (c == '\\')
				state = DQUOTE_ESCAPE;
			else
				buf_append(&value, &c, 1);
			break;
		case DQUOTE_ESCAPE:
			if (end) {
				env_push(env, &key, &value, value.len);
				break;
			}
			state = DQUOTE;
			if (c == '"' || c == '\\' || c == '`' || c == '$')
				buf_append(&value, &c, 1);
			else if (c != '\n') {
				/* Like the shell, other escapes keep their backslash. */
				buf_append(&value, "\\", 1);
				buf_append(&value, &c, 1);
			}
			break;
		case COMMENT:
			if (c == '\\')
				state = COMMENT_ESCAPE;
			else if (is_nl(c))
				state = PRE_KEY;
			break;
		case COMMENT_ESCAPE:
			state = COMMENT; /* an escaped newline continues the comment */
			break;
		}
		if (end)
			break;
	}
	buf_free(&key);
	buf_free(&value);
}

/* The last assignment wins, as when the shell sources the file. */
static const char *env_get(const struct env *env, const char *key)
{
	for (size_t i = env->len; i-- > 0;)
		if (strcmp(env->v[i].key, key) == 0)
			return env->v[i].value;
	return NULL;
}

static void env_free(struct env *env)
{
	for (size_t i = 0; i < env->len; i++) {
		free(env->v[i].key);
		free(env->v[i].value);
	}
	free(env->v);
	memset(env, 0, sizeof *env);
}

/* ---- helpers ---- */

static const char *find_text(const char *const *files, const char *const *texts, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (files[i] && texts[i] && strcmp(files[i], path) == 0)
			return texts[i];
	return NULL;
}

/* The first non-blank line, trimmed, as a new string ("" when none). */
static char *first_line(const char *text)
{
	while (*text && is_ws(*text))
		text++;
	size_t n = strcspn(text, "\r\n");
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	return xstrndup(text, n);
}

static bool starts_with_digit(const char *s)
{
	return s && *s >= '0' && *s <= '9';
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* A version number: digits and dots, starting with a digit. */
static char *version_at(const char *s)
{
	if (!starts_with_digit(s))
		return NULL;
	size_t n = strspn(s, "0123456789.");
	while (n && s[n - 1] == '.')
		n--;
	return xstrndup(s, n);
}

/* The family for an os-release ID. */
static const char *family_of_id(const char *id)
{
	static const struct {
		const char *id, *family;
	} map[] = {
		{"alpine", "alpine"},
		{"debian", "debian"},
		{"ubuntu", "ubuntu"},
		{"centos", "centos"},
		{"rocky", "rocky"},
		{"almalinux", "alma"},
		{"rhel", "redhat"},
		{"fedora", "fedora"},
		{"amzn", "amazon"},
		{"mariner", "cbl-mariner"},
		{"azurelinux", "azurelinux"},
		{"ol", "oracle"},
		{"sles", "sles"},
		{"sles_sap", "sles"},
		{"opensuse-leap", "opensuse-leap"},
		{"opensuse", "opensuse-leap"}, /* openSUSE Leap 42.x said just "opensuse" */
		{"opensuse-tumbleweed", "opensuse-tumbleweed"},
		{"photon", "photon"},
		{"wolfi", "wolfi"},
		{"chainguard", "chainguard"},
	};
	if (!id)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcasecmp(id, map[i].id) == 0)
			return map[i].family;
	return NULL;
}

/* What one distribution-specific file says. */
struct file_os {
	const char *family; /* static string, NULL when the file names nothing we know */
	char *version;
	char *pretty;
};

static void file_os_clear(struct file_os *f)
{
	free(f->version);
	free(f->pretty);
	memset(f, 0, sizeof *f);
}

/* "<Distribution> release <version> (<codename>)": the format of the Red Hat
 * family's files (centos-release, redhat-release, system-release…). The
 * family comes from the text, not the file name: redhat-release on CentOS
 * says "CentOS Linux release …", and on Oracle Linux 7 "Red Hat Enterprise
 * Linux Server release 7.9". */
static struct file_os parse_rh_release(const char *text)
{
	static const struct {
		const char *prefix, *family;
	} names[] = {
		{"CentOS", "centos"},
		{"Rocky Linux", "rocky"},
		{"AlmaLinux", "alma"},
		{"Red Hat Enterprise Linux", "redhat"},
		{"Fedora", "fedora"},
		{"Oracle Linux", "oracle"},
		{"Amazon Linux", "amazon"},
	};
	struct file_os r = {0};
	char *line = first_line(text);
	const char *family = NULL;
	for (size_t i = 0; i < ARRAY_LEN(names) && !family; i++)
		if (has_prefix_ci(line, names[i].prefix))
			family = names[i].family;
	const char *rel = strcasestr(line, " release ");
	char *version = rel ? version_at(rel + strlen(" release ")) : NULL;
	if (family && version) {
		r.family = family;
		r.version = version;
		r.pretty = line;
	} else {
		free(version);
		free(line);
	}
	return r;
}

/* mariner-release: "CBL-Mariner 2.0.20240117" then MARINER_BUILD_NUMBER=…;
 * Azure Linux 3 names itself "Microsoft Azure Linux 3.0.…". */
static struct file_os parse_mariner_release(const char *text)
{
	struct file_os r = {0};
	char *line = first_line(text);
	const char *family = NULL, *rest = NULL;
	if (has_prefix_ci(line, "CBL-Mariner ")) {
		family = "cbl-mariner";
		rest = line + strlen("CBL-Mariner ");
	} else if (has_prefix_ci(line, "Microsoft Azure Linux ")) {
		family = "azurelinux";
		rest = line + strlen("Microsoft Azure Linux ");
	} else if (has_prefix_ci(line, "Azure Linux ")) {
		family = "azurelinux";
		rest = line + strlen("Azure Linux ");
	}
	char *version = rest ? version_at(rest) : NULL;
	if (version) {
		r.family = family;
		r.version = version;
		r.pretty = line;
	} else {
		free(line);
	}
	return r;
}

/* photon-release: "VMware Photon OS 5.0" then PHOTON_BUILD_NUMBER=…. */
static struct file_os parse_photon_release(const char *text)
{
	struct file_os r = {0};
	char *line = first_line(text);
	const char *name = "VMware Photon OS ";
	char *version = has_prefix_ci(line, name) ? version_at(line + strlen(name)) : NULL;
	if (version) {
		r.family = "photon";
		r.version = version;
		r.pretty = line;
	} else {
		free(line);
	}
	return r;
}

/* The value of "KEY = value" in SuSE-release, trimmed, or NULL. */
static char *suse_value(const char *text, const char *key)
{
	size_t kn = strlen(key);
	for (const char *l = text; *l; l += strcspn(l, "\n"), l += (*l == '\n')) {
		const char *p = l;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, key, kn) != 0)
			continue;
		p += kn;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, "\r\n");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		return xstrndup(p, n);
	}
	return NULL;
}

/* SuSE-release (SLES 11/12, openSUSE ≤ 42): a title line, then
 * "VERSION = 12" and "PATCHLEVEL = 3" for SLES 12 SP3, which os-release
 * calls VERSION_ID="12.3". */
static struct file_os parse_suse_release(const char *text)
{
	struct file_os r = {0};
	char *line = first_line(text);
	char *version = suse_value(text, "VERSION");
	char *patch = suse_value(text, "PATCHLEVEL");
	char *codename = suse_value(text, "CODENAME");
	const char *family = NULL;
	if (has_prefix_ci(line, "SUSE Linux Enterprise"))
		family = "sles";
	else if (has_prefix_ci(line, "openSUSE"))
		family = codename && strcasecmp(codename, "Tumbleweed") == 0 ? "opensuse-tumbleweed" : "opensuse-leap";
	char *v = version ? version_at(version) : NULL;
	if (family && v) {
		r.family = family;
		if (patch && starts_with_digit(patch) && strcmp(patch, "0") != 0 && !strchr(v, '.')) {
			char *pv = version_at(patch);
			r.version = xasprintf("%s.%s", v, pv);
			free(pv);
			free(v);
		} else {
			r.version = v;
		}
		r.pretty = line;
		line = NULL;
	} else {
		free(v);
	}
	free(line);
	free(version);
	free(patch);
	free(codename);
	return r;
}

/* lsb-release, for Ubuntu only: other distributions that ship it also ship a
 * better source, and derivatives (Mint…) name themselves here. */
static struct file_os parse_lsb_release(const char *text)
{
	struct file_os r = {0};
	struct env env = {0};
	env_parse(text, &env);
	const char *id = env_get(&env, "DISTRIB_ID");
	const char *rel = env_get(&env, "DISTRIB_RELEASE");
	const char *desc = env_get(&env, "DISTRIB_DESCRIPTION");
	if (id && strcasecmp(id, "Ubuntu") == 0 && rel && *rel) {
		r.family = "ubuntu";
		r.version = xstrdup(rel);
		r.pretty = desc && *desc ? xstrdup(desc) : NULL;
	}
	env_free(&env);
	return r;
}

/* debian_version: "12.5" on Debian; "bookworm/sid" on Ubuntu and on Debian
 * testing, which only a Debian os-release makes a Debian version. */
static struct file_os parse_debian_version(const char *text, bool numeric_only)
{
	struct file_os r = {0};
	char *line = first_line(text);
	if (*line && (!numeric_only || starts_with_digit(line))) {
		r.family = "debian";
		r.version = line;
	} else {
		free(line);
	}
	return r;
}

static struct file_os parse_alpine_release(const char *text)
{
	struct file_os r = {0};
	char *line = first_line(text);
	/* "3.10.2", or "3.20.0_alpha20240315" on edge: kept whole. */
	if (starts_with_digit(line)) {
		r.family = "alpine";
		r.version = line;
	} else {
		free(line);
	}
	return r;
}

/* The Red Hat-style files, most specific first: Oracle Linux 7 also has a
 * redhat-release naming RHEL, and every one of them has system-release. */
static const char *const rh_files[] = {
	"etc/oracle-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
	"etc/fedora-release", "etc/redhat-release", "etc/system-release",
};

/* What the distribution-specific file of `family` says, if it speaks for it. */
static struct file_os specific_for(const char *family, const char *const *files, const char *const *texts, size_t n)
{
	struct file_os r = {0};
	const char *t;
	if (strcmp(family, "alpine") == 0) {
		if ((t = find_text(files, texts, n, "etc/alpine-release")))
			r = parse_alpine_release(t);
	} else if (strcmp(family, "debian") == 0) {
		if ((t = find_text(files, texts, n, "etc/debian_version")))
			r = parse_debian_version(t, true);
	} else if (strcmp(family, "ubuntu") == 0) {
		if ((t = find_text(files, texts, n, "etc/lsb-release")))
			r = parse_lsb_release(t);
	} else if (strcmp(family, "cbl-mariner") == 0 || strcmp(family, "azurelinux") == 0) {
		if ((t = find_text(files, texts, n, "etc/mariner-release")))
			r = parse_mariner_release(t);
	} else if (strcmp(family, "photon") == 0) {
		if ((t = find_text(files, texts, n, "etc/photon-release")))
			r = parse_photon_release(t);
	} else if (strcmp(family, "sles") == 0 || strncmp(family, "opensuse", 8) == 0) {
		if ((t = find_text(files, texts, n, "etc/SuSE-release")))
			r = parse_suse_release(t);
	} else {
		for (size_t i = 0; i < ARRAY_LEN(rh_files) && !r.family; i++) {
			if (!(t = find_text(files, texts, n, rh_files[i])))
				continue;
			r = parse_rh_release(t);
			if (r.family && strcmp(r.family, family) != 0)
				file_os_clear(&r);
		}
	}
	if (r.family && strcmp(r.family, family) != 0)
		file_os_clear(&r);
	return r;
}

/* Without a usable os-release: the first distribution-specific file that
 * names a distribution we know. Order: files unique to one distribution
 * first; lsb-release before debian_version, which Ubuntu also has. */
static struct file_os from_files(const char *const *files, const char *const *texts, size_t n)
{
	struct file_os r = {0};
	const char *t;
	if ((t = find_text(files, texts, n, "etc/alpine-release")) && (r = parse_alpine_release(t)).family)
		return r;
	for (size_t i = 0; i < ARRAY_LEN(rh_files); i++)
		if ((t = find_text(files, texts, n, rh_files[i])) && (r = parse_rh_release(t)).family)
			return r;
	if ((t = find_text(files, texts, n, "etc/mariner-release")) && (r = parse_mariner_release(t)).family)
		return r;
	if ((t = find_text(files, texts, n, "etc/photon-release")) && (r = parse_photon_release(t)).family)
		return r;
	if ((t = find_text(files, texts, n, "etc/SuSE-release")) && (r = parse_suse_release(t)).family)
		return r;
	if ((t = find_text(files, texts, n, "etc/lsb-release")) && (r = parse_lsb_release(t)).family)
		return r;
	/* Alone, only a numeric debian_version is Debian: "kali-rolling" or
	 * "bookworm/sid" on some derivative is not a Debian release. */
	if ((t = find_text(files, texts, n, "etc/debian_version")) && (r = parse_debian_version(t, true)).family)
		return r;
	return r;
}

int os_detect(const char *const *files, const char *const *texts, size_t n, struct os_info *out)
{
	memset(out, 0, sizeof *out);
	/* os-release(5): /etc/os-release, else /usr/lib/os-release. */
	const char *osr = find_text(files, texts, n, "etc/os-release");
	if (!osr)
		osr = find_text(files, texts, n, "usr/lib/os-release");
	struct env env = {0};
	if (osr)
		env_parse(osr, &env);
	const char *family = family_of_id(env_get(&env, "ID"));

	if (family) {
		const char *version_id = env_get(&env, "VERSION_ID");
		const char *pretty = env_get(&env, "PRETTY_NAME");
		if (!pretty)
			pretty = env_get(&env, "NAME");
		struct file_os spec = specific_for(family, files, texts, n);
		out->family = xstrdup(family);
		if (spec.version && (strcmp(family, "ubuntu") != 0 || !version_id || !*version_id)) {
			/* The specific file is more precise, except lsb-release,
			 * which os-release outranks. */
			out->name = spec.version;
			spec.version = NULL;
		} else if (version_id && *version_id) {
			out->name = xstrdup(version_id);
		} else if (strcmp(family, "debian") == 0) {
			/* Debian testing/unstable: no VERSION_ID, debian_version
			 * says "trixie/sid", which is the best name there is. */
			const char *t = find_text(files, texts, n, "etc/debian_version");
			struct file_os d = t ? parse_debian_version(t, false) : (struct file_os){0};
			out->name = d.version;
			d.version = NULL;
			file_os_clear(&d);
		}
		if (pretty && *pretty)
			out->pretty = xstrdup(pretty);
		file_os_clear(&spec);
	} else {
		struct file_os f = from_files(files, texts, n);
		if (f.family) {
			out->family = xstrdup(f.family);
			out->name = f.version;
			out->pretty = f.pretty;
		} else {
			free(f.version);
			free(f.pretty);
		}
	}
	env_free(&env);
	return 0;
}
