/* dpkg: reads dpkg's database.
 *
 * analyzer_dpkg_status: var/lib/dpkg/status and the per-package files that
 * distroless images keep in var/lib/dpkg/status.d/. Both are RFC 822-style
 * stanzas ("Field: value", continuation lines start with a space or tab,
 * stanzas separated by empty lines), as dpkg's own parser (lib/dpkg/parse.c)
 * reads them.
 *
 * Which packages count: dpkg-query -W lists every package whose status is
 * not "not-installed" (checked with dpkg 1.21 on crafted status files). We
 * do the same with one exception: "config-files" packages are left out, since
 * only their conffiles remain on disk and their code is gone. So unpacked,
 * half-configured, half-installed, triggers-* and want=hold/deinstall/purge
 * packages that are still installed are reported: their files are present.
 * A stanza without Status is not installed for dpkg in the status file, but
 * the status.d files of distroless images never carry one and describe
 * installed packages.
 *
 * The version is printed as dpkg-query's ${Version} prints it: the field as
 * written, except that dpkg drops a zero epoch ("0:1.0" → "1.0") and leading
 * zeros of the epoch.
 *
 * Where dpkg refuses the file (a malformed Status, a stanza without Package,
 * an installed package without Version, a repeated field, a line that is not
 * a field) we refuse it too, with the reason.
 *
 * analyzer_dpkg_list: var/lib/dpkg/info/<pkg>[:<arch>].list, the files each
 * package installed, one absolute path a line. */
#include "analyzer/analyzer.h"

#include <stdlib.h>
#include <strings.h>
#include <string.h>

/* A status file with thousands of packages is a few MiB. */
#define DPKG_STATUS_MAX (64u * 1024u * 1024u)
/* The .list of the largest packages (kernel modules, texlive) is a few MiB. */
#define DPKG_LIST_MAX (16u * 1024u * 1024u)
/* Descriptions are the longest lines of a status file, a few KiB at most. */
#define DPKG_LINE_MAX (1024u * 1024u)
/* Paths are bounded by PATH_MAX (4 KiB) on Linux; 64 KiB is generous. */
#define DPKG_LIST_LINE_MAX (64u * 1024u)

#define STATUS_PATH "var/lib/dpkg/status"
#define STATUSD_DIR "var/lib/dpkg/status.d/"
#define INFO_DIR "var/lib/dpkg/info/"

/* ---- shared helpers ---- */

/* The file name when path is directly inside dir (dir ends in '/'), else NULL. */
static const char *name_in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strncmp(path, dir, n) != 0)
		return NULL;
	const char *name = path + n;
	if (!*name || strchr(name, '/'))
		return NULL;
	return name;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trailing whitespace goes: dpkg strips it from values ("1.0  " → "1.0"). */
static size_t rtrim(const char *p, size_t n)
{
	while (n && (is_blank(p[n - 1]) || p[n - 1] == '\r' || p[n - 1] == '\f' || p[n - 1] == '\v'))
		n--;
	return n;
}

/* Checks common to both analyzers: a capped prefix or a NUL byte means we
 * cannot read the file as dpkg would. */
static int check_input(const struct analyzer_input *in, size_t cap, struct err *e)
{
	if (in->truncated) {
		err_set(e, "file exceeds the %zu-byte cap; refusing a partial database", cap);
		return -1;
	}
	const char *nul = in->size ? memchr(in->data, 0, in->size) : NULL;
	if (nul) {
		err_set(e, "NUL byte at offset %zu: not a dpkg text file", (size_t)(nul - (const char *)in->data));
		return -1;
	}
	return 0;
}

/* Line iterator over the input: handles a missing final newline and CRLF. */
struct lines {
	const char *data;
	size_t size, pos, lineno;
};

static bool next_line(struct lines *l, const char **line, size_t *len)
{
	if (l->pos >= l->size)
		return false;
	l->lineno++;
	const char *s = l->data + l->pos;
	const char *nl = memchr(s, '\n', l->size - l->pos);
	size_t n = nl ? (size_t)(nl - s) : l->size - l->pos;
	l->pos += n + (nl ? 1 : 0);
	if (n && s[n - 1] == '\r')
		n--;
	*line = s;
	*len = n;
	return true;
}

/* ---- status ---- */

struct slice {
	const char *p;
	size_t n;
	bool set;
};

enum { F_PACKAGE, F_STATUS, F_VERSION, F_ARCH, F_SOURCE, F_MAINTAINER, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"Package", "Status", "Version", "Architecture", "Source", "Maintainer",
};

struct stanza {
	struct slice f[F_COUNT];
	size_t first_line;
	bool open; /* at least one field seen */
};

static bool slice_eq_ci(const char *p, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

static bool word_in(const char *p, size_t n, const char *const *set, size_t nset)
{
	for (size_t i = 0; i < nset; i++)
		if (slice_eq_ci(p, n, set[i]))
			return true;
	return false;
}

/* Parse "want eflag status" as dpkg does (words case-insensitive, exactly
 * three). Sets *installed to whether the package's files are on disk. */
static int parse_status(const struct slice *s, bool *installed, struct err *e)
{
	static const char *const wants[] = {"unknown", "install", "hold", "deinstall", "purge"};
	static const char *const eflags[] = {"ok", "reinstreq"};
	static const char *const states[] = {
		"not-installed", "config-files", "half-installed", "unpacked",
		"half-configured", "triggers-awaited", "triggers-pending", "installed",
	};
	const char *w[3];
	size_t wn[3], nw = 0, i = 0;
	while (i < s->n) {
		while (i < s->n && is_blank(s->p[i]))
			i++;
		if (i == s->n)
			break;
		size_t start = i;
		while (i < s->n && !is_blank(s->p[i]))
			i++;
		if (nw == 3) {
			err_set(e, "Status \"%.*s\" has more than three words", (int)s->n, s->p);
			return -1;
		}
		w[nw] = s->p + start;
		wn[nw++] = i - start;
	}
	if (nw != 3) {
		err_set(e, "Status \"%.*s\" does not have three words", (int)s->n, s->p);
		return -1;
	}
	if (!word_in(w[0], wn[0], wants, ARRAY_LEN(wants)) || !word_in(w[1], wn[1], eflags, ARRAY_LEN(eflags)) ||
	    !word_in(w[2], wn[2], states, ARRAY_LEN(states))) {
		err_set(e, "Status \"%.*s\" is not a dpkg status", (int)s->n, s->p);
		return -1;
	}
	*installed = !slice_eq_ci(w[2], wn[2], "not-installed") && !slice_eq_ci(w[2], wn[2], "config-files");
	return 0;
}

/* The version as dpkg-query prints it: dpkg parses the epoch as a number, so
 * "0:" disappears and "01:" becomes "1:". Anything else is printed as written.
 * NULL when nothing follows the epoch ("0:", "1:"), which dpkg rejects. */
static char *dpkg_version(const char *v, size_t n)
{
	const char *colon = memchr(v, ':', n);
	if (colon && (size_t)(colon - v) == n - 1)
		return NULL;
	if (colon && colon > v) {
		size_t en = (size_t)(colon - v), i = 0;
		while (i < en && v[i] >= '0' && v[i] <= '9')
			i++;
		if (i == en) {
			size_t z = 0;
			while (z < en && v[z] == '0')
				z++;
			const char *rest = colon + 1;
			size_t rest_n = n - en - 1;
			if (z == en)
				return xstrndup(rest, rest_n);
			/* Ten digits and more overflow dpkg's int epoch, which it
			 * rejects; keep those as written rather than invent a value. */
			if (en - z <= 9)
				return xasprintf("%.*s:%.*s", (int)(en - z), v + z, (int)rest_n, rest);
		}
	}
	return xstrndup(v, n);
}

/* "Source: name" or "Source: name (version)"; the defaults are the binary
 * package's own name and version. */
static void parse_source(struct pkg *p, const struct slice *s)
{
	size_t i = 0;
	while (i < s->n && !is_blank(s->p[i]) && s->p[i] != '(')
		i++;
	if (i)
		p->src_name = xstrndup(s->p, i);
	while (i < s->n && is_blank(s->p[i]))
		i++;
	if (i < s->n && s->p[i] == '(') {
		i++;
		while (i < s->n && is_blank(s->p[i]))
			i++;
		const char *vs = s->p + i;
		const char *close = memchr(vs, ')', s->n - i);
		/* dpkg takes the rest of the line when ')' is missing. */
		size_t vn = rtrim(vs, close ? (size_t)(close - vs) : s->n - i);
		if (vn)
			p->src_version = dpkg_version(vs, vn); /* NULL: the default below */
	}
}

static int emit_stanza(const struct stanza *st, bool statusd, struct analysis *out, struct err *e)
{
	const struct slice *f = st->f;
	if (!f[F_PACKAGE].set || f[F_PACKAGE].n == 0) {
		err_set(e, "stanza at line %zu has no Package field", st->first_line);
		return -1;
	}
	const struct slice *name = &f[F_PACKAGE];
	bool installed = statusd;
	if (f[F_STATUS].set && parse_status(&f[F_STATUS], &installed, e) != 0) {
		err_prefix(e, "package %.*s", (int)name->n, name->p);
		return -1;
	}
	if (!installed)
		return 0;
	if (!f[F_VERSION].set || f[F_VERSION].n == 0) {
		err_set(e, "package %.*s (line %zu) has no Version", (int)name->n, name->p, st->first_line);
		return -1;
	}
	char *version = dpkg_version(f[F_VERSION].p, f[F_VERSION].n);
	if (!version) {
		err_set(e, "package %.*s: Version \"%.*s\" has nothing after the epoch", (int)name->n, name->p,
			(int)f[F_VERSION].n, f[F_VERSION].p);
		return -1;
	}
	struct pkg *p = pkg_list_add(&out->pkgs);
	p->type = PKG_DPKG;
	p->name = xstrndup(name->p, name->n);
	p->version = version;
	if (f[F_ARCH].set && f[F_ARCH].n)
		p->arch = xstrndup(f[F_ARCH].p, f[F_ARCH].n);
	if (f[F_MAINTAINER].set && f[F_MAINTAINER].n)
		p->maintainer = xstrndup(f[F_MAINTAINER].p, f[F_MAINTAINER].n);
	if (f[F_SOURCE].set)
		parse_source(p, &f[F_SOURCE]);
	if (!p->src_name)
		p->src_name = xstrdup(p->name);
	if (!p->src_version)
		p->src_version = xstrdup(p->version);
	return 0;
}

static bool dpkg_status_match(const char *path)
{
	if (strcmp(path, STATUS_PATH) == 0)
		return true;
	const char *name = name_in_dir(path, STATUSD_DIR);
	return name && !ends_with(name, ".md5sums");
}

static int dpkg_status_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	if (check_input(in, DPKG_STATUS_MAX, e) != 0)
		return -1;
	bool statusd = in->path && strncmp(in->path, STATUSD_DIR, strlen(STATUSD_DIR)) == 0;
	struct lines l = {.data = (const char *)in->data, .size = in->size};
	struct stanza st = {0};
	const char *line;
	size_t len;
	while (next_line(&l, &line, &len)) {
		if (len > DPKG_LINE_MAX) {
			err_set(e, "line %zu is %zu bytes long: not a dpkg status file", l.lineno, len);
			goto fail;
		}
		if (len == 0) {
			if (st.open && emit_stanza(&st, statusd, out, e) != 0)
				goto fail;
			memset(&st, 0, sizeof st);
			continue;
		}
		if (is_blank(line[0])) {
			/* Continuation of a multi-line field (Description,
			 * Conffiles…): none of the fields we keep span lines. */
			if (!st.open) {
				err_set(e, "line %zu: continuation line outside a field", l.lineno);
				goto fail;
			}
			continue;
		}
		const char *colon = memchr(line, ':', len);
		if (!colon) {
			err_set(e, "line %zu: expected \"Field: value\"", l.lineno);
			goto fail;
		}
		size_t name_n = rtrim(line, (size_t)(colon - line));
		if (name_n == 0) {
			err_set(e, "line %zu: empty field name", l.lineno);
			goto fail;
		}
		const char *v = colon + 1;
		size_t vn = len - (size_t)(v - line);
		while (vn && is_blank(*v)) {
			v++;
			vn--;
		}
		vn = rtrim(v, vn);
		if (!st.open) {
			st.open = true;
			st.first_line = l.lineno;
		}
		for (size_t i = 0; i < F_COUNT; i++) {
			if (!slice_eq_ci(line, name_n, field_names[i]))
				continue;
			if (st.f[i].set) {
				err_set(e, "line %zu: second %s field in one stanza", l.lineno, field_names[i]);
				goto fail;
			}
			st.f[i] = (struct slice){.p = v, .n = vn, .set = true};
		}
	}
	if (st.open && emit_stanza(&st, statusd, out, e) != 0) /* no empty line after the last stanza */
		goto fail;
	return 0;
fail:
	/* All or nothing: a caller must never see part of a database it was told is broken. */
	pkg_list_free(&out->pkgs);
	return -1;
}

const struct analyzer analyzer_dpkg_status = {
	.name = "dpkg-status",
	.match = dpkg_status_match,
	.max_bytes = DPKG_STATUS_MAX,
	.parse = dpkg_status_parse,
};

/* ---- info/<package>.list ---- */

static bool dpkg_list_match(const char *path)
{
	const char *name = name_in_dir(path, INFO_DIR);
	return name && strlen(name) > strlen(".list") && ends_with(name, ".list");
}

static int dpkg_list_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	if (check_input(in, DPKG_LIST_MAX, e) != 0)
		return -1;
	const char *name = in->path ? name_in_dir(in->path, INFO_DIR) : NULL;
	if (!name || !ends_with(name, ".list")) {
		err_set(e, "not a dpkg info/<package>.list path");
		return -1;
	}
	/* "libc6:amd64.list" → "libc6": package names cannot contain ':', so
	 * the first one starts the Multi-Arch qualifier. */
	size_t n = strlen(name) - strlen(".list");
	const char *colon = memchr(name, ':', n);
	if (colon)
		n = (size_t)(colon - name);
	if (n == 0) {
		err_set(e, "no package name in the file name");
		return -1;
	}

	struct lines l = {.data = (const char *)in->data, .size = in->size};
	const char *line;
	size_t len, cap = 0;
	while (next_line(&l, &line, &len)) {
		if (len > DPKG_LIST_LINE_MAX) {
			err_set(e, "line %zu is %zu bytes long: not a dpkg file list", l.lineno, len);
			goto fail;
		}
		if (len == 0)
			continue;
		char *raw = xstrndup(line, len);
		char *norm = path_normalize(raw);
		free(raw);
		/* "/." (the root, normalised to "") owns nothing; a path that
		 * climbs above the root is not a file of the image. */
		if (!norm || !*norm) {
			free(norm);
			continue;
		}
		void *v = out->files;
		xgrow(&v, &cap, out->nfiles + 1, sizeof *out->files);
		out->files = v;
		out->files[out->nfiles++] = norm;
	}
	out->owner = xstrndup(name, n);
	return 0;
fail:
	for (size_t i = 0; i < out->nfiles; i++)
		free(out->files[i]);
	free(out->files);
	out->files = NULL;
	out->nfiles = 0;
	return -1;
}

const struct analyzer analyzer_dpkg_list = {
	.name = "dpkg-list",
	.match = dpkg_list_match,
	.max_bytes = DPKG_LIST_MAX,
	.parse = dpkg_list_parse,
};
