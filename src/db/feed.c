/* Feed detection and reading: files (plain or compressed JSON, zips of OSV
 * records) and directories, each JSON document recognised by the shape of
 * its top-level object — never by its file name — and handed record by
 * record to the parser of its kind. */
#include "db/internal.h"
#include "db/jframe.h"
#include "db/parse_pipe.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* ---- JSON accessors ---- */

const char *vdb_json_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

static int typed(const json_t *o, const char *key, const char *where, json_type want, const char *want_name,
		 json_t **out, struct err *e)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != want) {
		err_set(e, "%s%s%s: expected %s, found %s", where, where[0] ? "." : "", key, want_name,
			vdb_json_type(v));
		return -1;
	}
	*out = v;
	return 0;
}

int vdb_jstr(const json_t *o, const char *key, const char *where, const char **out, struct err *e)
{
	json_t *v;
	*out = NULL;
	if (typed(o, key, where, JSON_STRING, "a string", &v, e) != 0)
		return -1;
	if (v)
		*out = json_string_value(v);
	return 0;
}

int vdb_jarr(const json_t *o, const char *key, const char *where, json_t **out, struct err *e)
{
	return typed(o, key, where, JSON_ARRAY, "an array", out, e);
}

int vdb_jobj(const json_t *o, const char *key, const char *where, json_t **out, struct err *e)
{
	return typed(o, key, where, JSON_OBJECT, "an object", out, e);
}

char *vdb_rfc3339(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SS is 19 characters; anything shorter or otherwise
	 * shaped is kept as the feed wrote it. */
	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return xstrdup(s);
	const char *rest = s + 19;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (!*rest || !strcmp(rest, "Z") || !strcmp(rest, "+00:00"))
		return xasprintf("%.10sT%.8sZ", s, s + 11);
	return xasprintf("%.10sT%.8s%s", s, s + 11, rest);
}

/* ---- detection ---- */

enum feed_kind { FK_UNKNOWN, FK_ALPINE, FK_NVD, FK_OSV, FK_DEBIAN };

static bool key_in(const char *k, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(k, *set))
			return true;
	return false;
}

/* The first member of the top-level object is enough to tell the formats
 * apart: each has a fixed set of top-level members, and the Debian tracker's
 * members are package names holding objects keyed by CVE/TEMP ids (checked
 * on the value, see looks_like_debian). */
static enum feed_kind classify(const char *key)
{
	static const char *const alpine[] = {"distroversion", "reponame", "archs", "urlprefix", "apkurl",
					     "packages", NULL};
	static const char *const nvd[] = {"resultsPerPage", "startIndex", "totalResults", "format", "version",
					  "timestamp", "vulnerabilities", NULL};
	static const char *const osv[] = {"id", "schema_version", "modified", "published", "withdrawn",
					  "aliases", "upstream", "related", "summary", "details", "severity",
					  "affected", "references", "credits", "database_specific", NULL};
	if (key_in(key, alpine))
		return FK_ALPINE;
	if (key_in(key, nvd))
		return FK_NVD;
	if (key_in(key, osv))
		return FK_OSV;
	return FK_DEBIAN;
}

static bool looks_like_debian(json_t *pkg)
{
	if (!json_is_object(pkg))
		return false;
	const char *id;
	json_t *v;
	json_object_foreach (pkg, id, v) {
		bool id_ok = !strncmp(id, "CVE-", 4) || !strncmp(id, "TEMP-", 5) || !strncmp(id, "DSA-", 4) ||
			     !strncmp(id, "DLA-", 4);
		return id_ok && json_is_object(v) &&
		       (json_object_get(v, "releases") || json_object_get(v, "scope") ||
			json_object_get(v, "description"));
	}
	return true; /* a package without entries carries no information but is well-formed */
}

static const char unknown_format[] =
	"unknown feed format: expected Alpine secdb, Debian security tracker, OSV or NVD CVE API 2.0 JSON";

/* Reads members into one object (Alpine secdb, OSV: small documents that
 * are easier to validate whole). first_key/first_val are the member already
 * read. The total is bounded like a single value. */
static json_t *collect_object(struct jframe *j, char *first_key, json_t *first_val, struct err *e)
{
	json_t *obj = json_object();
	json_object_set_new(obj, first_key, first_val);
	free(first_key);
	uint64_t start = vdb_jf_offset(j);
	for (;;) {
		char *key;
		int r = vdb_jf_object_next(j, &key, e);
		if (r < 0)
			goto fail;
		if (r == 0)
			return obj;
		json_t *v = vdb_jf_value(j, e);
		if (!v) {
			free(key);
			goto fail;
		}
		json_object_set_new(obj, key, v);
		free(key);
		if (vdb_jf_offset(j) - start > j->max_value) {
			err_set(e, "JSON document larger than %zu bytes", j->max_value);
			goto fail;
		}
	}
fail:
	json_decref(obj);
	return NULL;
}

/* The rest of a small document whose first member key was just read. */
static json_t *read_whole_doc(struct jframe *j, char *key, struct err *e)
{
	json_t *v = vdb_jf_value(j, e);
	if (!v) {
		free(key);
		return NULL;
	}
	return collect_object(j, key, v, e);
}

int vdb_read_osv_record(vdb_jf_read_fn rd, void *ctx, json_t **doc, bool *late, struct err *e)
{
	struct jframe j;
	vdb_jf_init(&j, rd, ctx);
	char *key = NULL;
	int rc = 0;
	*doc = NULL;
	*late = false;
	if (vdb_jf_peek(&j, e) != '{' || vdb_jf_object_begin(&j, e) != 0 || vdb_jf_object_next(&j, &key, e) != 1 ||
	    classify(key) != FK_OSV) {
		free(key);
		goto out;
	}
	rc = 1;
	*doc = read_whole_doc(&j, key, e);
	/* vdb_import_stream checks the end after storing: the caller keeps
	 * that order */
	if (*doc && vdb_jf_finish(&j, e) != 0)
		*late = true;
out:
	vdb_jf_free(&j);
	return rc;
}

/* NVD feeds are the largest (hundreds of MB): their records are framed
 * here, parsed on several threads and stored in order (parse_pipe.h). */
static void nvd_parse(struct pipe_item *it)
{
	it->doc = vdb_jf_parse(&it->raw, it->start, &it->err);
}

static int nvd_store(struct feed_ctx *c, struct pipe_batch *b, size_t *index, struct err *e)
{
	int rc = 0;
	for (size_t i = 0; i < b->n && rc == 0; i++) {
		if (!b->item[i].doc) {
			*e = b->item[i].err;
			rc = -1;
		} else if (vdb_feed_nvd(c, b->item[i].doc, (*index)++, e) != 0) {
			rc = -1;
		}
	}
	pipe_batch_done(b);
	return rc;
}

static int nvd_drain(struct feed_ctx *c, struct parse_pipe *p, size_t *index, struct err *e)
{
	struct pipe_batch *b;
	while ((b = pipe_drain(p)))
		if (nvd_store(c, b, index, e) != 0)
			return -1;
	return 0;
}

static int import_nvd(struct feed_ctx *c, struct jframe *j, char *key, struct err *e)
{
	struct parse_pipe *p = pipe_new(nvd_parse, 0);
	int result = -1;
	bool seen = false;
	size_t index = 0;
	for (;;) {
		if (!strcmp(key, "vulnerabilities")) {
			seen = true;
			if (vdb_jf_array_begin(j, e) != 0)
				goto fail;
			int r;
			while ((r = vdb_jf_array_next(j, e)) > 0) {
				struct pipe_item *it = pipe_slot(p);
				if (vdb_jf_raw(j, &it->raw, &it->start, e) != 0) {
					r = -1;
					break;
				}
				struct pipe_batch *done = pipe_commit(p);
				if (done && nvd_store(c, done, &index, e) != 0)
					goto fail;
			}
			if (r < 0) {
				/* records before the framing error come first */
				struct err fe = *e;
				if (nvd_drain(c, p, &index, e) == 0)
					*e = fe;
				goto fail;
			}
			if (nvd_drain(c, p, &index, e) != 0)
				goto fail;
		} else {
			json_t *v = vdb_jf_value(j, e);
			if (!v)
				goto fail;
			bool bad = !strcmp(key, "format") &&
				   (!json_is_string(v) || strcmp(json_string_value(v), "NVD_CVE") != 0);
			json_decref(v);
			if (bad) {
				err_set(e, "NVD feed: \"format\" is not \"NVD_CVE\"");
				goto fail;
			}
		}
		free(key);
		key = NULL;
		int r = vdb_jf_object_next(j, &key, e);
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
	}
	if (!seen) {
		err_set(e, "NVD feed without a \"vulnerabilities\" array");
		goto fail;
	}
	result = 0;
fail:
	free(key);
	pipe_free(p);
	return result;
}

static int import_debian(struct feed_ctx *c, struct jframe *j, char *key, json_t *val, struct err *e)
{
	for (;;) {
		int rc = vdb_feed_debian(c, key, val, e);
		json_decref(val);
		free(key);
		if (rc != 0)
			return -1;
		int r = vdb_jf_object_next(j, &key, e);
		if (r <= 0)
			return r;
		val = vdb_jf_value(j, e);
		if (!val) {
			free(key);
			return -1;
		}
	}
}

int vdb_import_stream(struct feed_ctx *c, vdb_jf_read_fn rd, void *ctx, struct err *e)
{
	struct jframe j;
	vdb_jf_init(&j, rd, ctx);
	int rc = -1;
	int c0 = vdb_jf_peek(&j, e);
	if (c0 == -2)
		goto out;
	if (c0 == -1) {
		err_set(e, "empty file: %s", unknown_format);
		goto out;
	}
	if (c0 != '{') {
		err_set(e, "%s (the document is not a JSON object)", unknown_format);
		goto out;
	}
	char *key;
	if (vdb_jf_object_begin(&j, e) != 0)
		goto out;
	int r = vdb_jf_object_next(&j, &key, e);
	if (r < 0)
		goto out;
	if (r == 0) {
		err_set(e, "%s (the object is empty)", unknown_format);
		goto out;
	}
	switch (classify(key)) {
	case FK_NVD:
		rc = import_nvd(c, &j, key, e);
		break;
	case FK_ALPINE:
	case FK_OSV: {
		bool alpine = classify(key) == FK_ALPINE;
		json_t *doc = read_whole_doc(&j, key, e);
		if (!doc)
			break;
		rc = alpine ? vdb_feed_alpine(c, doc, e) : vdb_feed_osv(c, doc, e);
		json_decref(doc);
		break;
	}
	case FK_DEBIAN:
	case FK_UNKNOWN: {
		json_t *v = vdb_jf_value(&j, e);
		if (!v) {
			free(key);
			break;
		}
		if (!looks_like_debian(v)) {
			err_set(e, "%s (top-level member \"%.64s\" is none of them)", unknown_format, key);
			free(key);
			json_decref(v);
			break;
		}
		rc = import_debian(c, &j, key, v, e);
		break;
	}
	}
	if (rc == 0)
		rc = vdb_jf_finish(&j, e);
out:
	vdb_jf_free(&j);
	return rc;
}

/* ---- sources of bytes ---- */

ssize_t vdb_read_archive(void *ctx, void *buf, size_t n, struct err *e)
{
	struct archive *a = ctx;
	la_ssize_t r = archive_read_data(a, buf, n);
	if (r < 0) {
		err_set(e, "read error: %s", archive_error_string(a) ? archive_error_string(a) : "unknown");
		return -1;
	}
	return r;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

/* Reads an opened archive: a single raw stream (plain or compressed JSON)
 * or a zip whose *.json entries are feeds (OSV's all.zip). */
static int import_archive(struct vdb *db, struct archive *a, const char *name, struct err *e)
{
	struct archive_entry *ent;
	int r = archive_read_next_header(a, &ent);
	if (r == ARCHIVE_EOF) {
		err_set(e, "%s: empty file: %s", name, unknown_format);
		return -1;
	}
	if (r < ARCHIVE_WARN) {
		err_set(e, "%s: %s", name, archive_error_string(a) ? archive_error_string(a) : "cannot read");
		return -1;
	}
	db->gen++;
	if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
		struct feed_ctx c = {.db = db, .name = name, .gen = db->gen};
		if (vdb_import_stream(&c, vdb_read_archive, a, e) != 0) {
			err_prefix(e, "%s", name);
			return -1;
		}
		return 0;
	}
	return vdb_import_zip(db, a, name, ent, e);
}

static struct archive *new_reader(void)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
	return a;
}

static int import_file(struct vdb *db, const char *path, struct err *e)
{
	struct archive *a = new_reader();
	int rc;
	if (archive_read_open_filename(a, path, 256 * 1024) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		/* libarchive cannot bid on a zero-byte file; say what it is. */
		struct stat st;
		if (stat(path, &st) == 0 && st.st_size == 0)
			err_set(e, "%s: empty file: %s", path, unknown_format);
		else
			err_set(e, "%s: %s", path, why ? why : "cannot open");
		rc = -1;
	} else {
		rc = import_archive(db, a, path, e);
	}
	archive_read_free(a);
	return rc;
}

static bool feed_name(const char *n)
{
	return n[0] != '.' && (has_suffix(n, ".json") || has_suffix(n, ".json.gz") || has_suffix(n, ".json.xz") ||
			       has_suffix(n, ".json.zst") || has_suffix(n, ".json.bz2") || has_suffix(n, ".zip"));
}

static int import_dir(struct vdb *db, const char *dir, size_t depth, size_t *nfiles, struct err *e)
{
	if (depth > 16) {
		err_set(e, "%s: directories nested too deeply", dir);
		return -1;
	}
	struct dirent **names;
	/* Sorted, so that a directory imports in the same order every time. */
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		err_set(e, "%s: %s", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (rc == 0 && nm[0] != '.') {
			char *p = xasprintf("%s/%s", dir, nm);
			struct stat st;
			if (stat(p, &st) != 0) {
				err_set(e, "%s: %s", p, strerror(errno));
				rc = -1;
			} else if (S_ISDIR(st.st_mode)) {
				rc = import_dir(db, p, depth + 1, nfiles, e);
			} else if (S_ISREG(st.st_mode) && feed_name(nm)) {
				rc = import_file(db, p, e);
				(*nfiles)++;
			}
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int vdb_import_path(struct vdb *db, const char *path, struct err *e)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		size_t nfiles = 0;
		if (import_dir(db, path, 0, &nfiles, e) != 0)
			return -1;
		if (nfiles == 0) {
			err_set(e, "%s: no feed files (*.json, *.json.gz, *.zip…) in the directory", path);
			return -1;
		}
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file or directory", path);
		return -1;
	}
	return import_file(db, path, e);
}

int vdb_import_memory(struct vdb *db, const char *name, const void *data, size_t len, struct err *e)
{
	if (len == 0) {
		err_set(e, "%s: empty file: %s", name, unknown_format);
		return -1;
	}
	struct archive *a = new_reader();
	int rc;
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		err_set(e, "%s: %s", name, archive_error_string(a) ? archive_error_string(a) : "cannot open");
		rc = -1;
	} else {
		rc = import_archive(db, a, name, e);
	}
	archive_read_free(a);
	return rc;
}
