/* apk: reads apk-tools' installed database, lib/apk/db/installed.
 *
 * The format (apk-tools 2.x database.c, apk_db_index_read and friends): one
 * record per package, records separated by blank lines, each line "X:value"
 * with a one-letter field X. We keep P (name), V (version), A (arch),
 * o (origin, the source package), L (license), C (checksum), m (maintainer)
 * and the file list: F names a directory, each following R a file in it.
 * Other fields (dependencies, sizes, ACLs, per-file checksums) are skipped.
 *
 * Where apk itself refuses the database (a record without name or version,
 * a file before any directory, a directory before the name) we refuse it too
 * with a reason, rather than report packages apk would not. */
#include "analyzer/analyzer.h"

#include <stdlib.h>
#include <string.h>

/* The installed db of a large image is a few MiB; 64 MiB is far above any
 * real one and bounds what a hostile image can make us hold. */
#define APK_DB_MAX (64u * 1024u * 1024u)
/* The longest real lines are descriptions and dependency lists, well under
 * a KiB; a megabyte-long line is not an apk database. */
#define APK_LINE_MAX (1024u * 1024u)

static bool apk_match(const char *path)
{
	return strcmp(path, "lib/apk/db/installed") == 0;
}

/* The record being read. Slices point into the input, which outlives it. */
struct apk_rec {
	struct pkg *p;       /* NULL between records */
	size_t first_line;   /* for error messages */
	const char *origin;
	size_t origin_len;
	bool has_dir;        /* an F: line was seen in this record */
	const char *dir;
	size_t dir_len;
	size_t files_cap;
};

/* Replace *dst with a copy of the slice (a repeated field: apk keeps the last). */
static void set_field(char **dst, const char *v, size_t n)
{
	free(*dst);
	*dst = xstrndup(v, n);
}

static void add_file(struct apk_rec *r, const char *name, size_t name_len)
{
	struct pkg *p = r->p;
	char *joined = r->dir_len ? xasprintf("%.*s/%.*s", (int)r->dir_len, r->dir, (int)name_len, name)
				  : xstrndup(name, name_len);
	char *norm = path_normalize(joined);
	free(joined);
	/* A path that climbs above the root or names the root itself cannot be a
	 * file of the image; keeping it would attribute nothing real. */
	if (!norm || !*norm) {
		free(norm);
		return;
	}
	void *v = p->files;
	xgrow(&v, &r->files_cap, p->nfiles + 1, sizeof *p->files);
	p->files = v;
	p->files[p->nfiles++] = norm;
}

/* Close the current record: apk refuses packages without name or version. */
static int finish_record(struct apk_rec *r, struct err *e)
{
	struct pkg *p = r->p;
	if (!p)
		return 0;
	if (!p->name || !*p->name) {
		err_set(e, "record starting at line %zu has no package name (P:)", r->first_line);
		return -1;
	}
	if (!p->version || !*p->version) {
		err_set(e, "package %s (line %zu) has no version (V:)", p->name, r->first_line);
		return -1;
	}
	p->src_name = r->origin_len ? xstrndup(r->origin, r->origin_len) : xstrdup(p->name);
	p->src_version = xstrdup(p->version);
	memset(r, 0, sizeof *r);
	return 0;
}

static int apk_field(struct apk_rec *r, char f, const char *v, size_t n, size_t lineno, struct err *e)
{
	struct pkg *p = r->p;
	switch (f) {
	case 'P':
		set_field(&p->name, v, n);
		break;
	case 'V':
		set_field(&p->version, v, n);
		break;
	case 'A':
		set_field(&p->arch, v, n);
		break;
	case 'L':
		set_field(&p->license, v, n);
		break;
	case 'C':
		set_field(&p->checksum, v, n);
		break;
	case 'm':
		set_field(&p->maintainer, v, n);
		break;
	case 'o':
		r->origin = v;
		r->origin_len = n;
		break;
	case 'F':
		/* apk: a directory needs the package name first (bad_entry). */
		if (!p->name) {
			err_set(e, "line %zu: directory (F:) before the package name (P:)", lineno);
			return -1;
		}
		r->has_dir = true;
		r->dir = v;
		r->dir_len = n;
		break;
	case 'R':
		/* apk: a file needs a directory (bad_entry). */
		if (!r->has_dir) {
			err_set(e, "line %zu: file (R:) before any directory (F:)", lineno);
			return -1;
		}
		if (n)
			add_file(r, v, n);
		break;
	default:
		break; /* fields we do not use */
	}
	return 0;
}

static int apk_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	if (in->truncated) {
		/* A prefix would silently drop packages: refuse instead. */
		err_set(e, "file exceeds the %u-byte cap for the apk database", APK_DB_MAX);
		return -1;
	}
	const char *data = (const char *)in->data;
	size_t size = in->size;
	const char *nul = size ? memchr(data, 0, size) : NULL;
	if (nul) {
		err_set(e, "NUL byte at offset %zu: not an apk database", (size_t)(nul - data));
		return -1;
	}

	struct apk_rec r = {0};
	size_t pos = 0, lineno = 0;
	while (pos < size) {
		lineno++;
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos; /* last line may lack '\n' */
		pos += len + (nl ? 1 : 0);
		if (len && line[len - 1] == '\r')
			len--; /* tolerate CRLF */
		if (len > APK_LINE_MAX) {
			err_set(e, "line %zu is %zu bytes long: not an apk database", lineno, len);
			goto fail;
		}
		if (len == 0) {
			if (finish_record(&r, e) != 0)
				goto fail;
			continue;
		}
		/* apk ends a record at any line that is not "X:"; anything but a
		 * blank line there means the file is not what we think it is. */
		if (len < 2 || line[1] != ':') {
			err_set(e, "line %zu: expected a \"X:value\" field or a blank line", lineno);
			goto fail;
		}
		if (!r.p) {
			r.p = pkg_list_add(&out->pkgs);
			r.p->type = PKG_APK;
			r.first_line = lineno;
		}
		if (apk_field(&r, line[0], line + 2, len - 2, lineno, e) != 0)
			goto fail;
	}
	if (finish_record(&r, e) != 0) /* no blank line after the last record */
		goto fail;
	return 0;
fail:
	/* All or nothing: a caller must never see part of a database it was told is broken. */
	pkg_list_free(&out->pkgs);
	return -1;
}

const struct analyzer analyzer_apk = {
	.name = "apk",
	.match = apk_match,
	.max_bytes = APK_DB_MAX,
	.parse = apk_parse,
};
