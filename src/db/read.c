/* Reading the database: opened read-only, as scans do. */
#include "db/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct vdb_reader {
	sqlite3 *db;
	sqlite3_stmt *ns, *adv, *vuln;
};

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static sqlite3 *open_ro(const char *path, struct err *e)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			err_set(e, "no vulnerability database at %s; create one with 'vigil db import --db %s FEED…'",
				path, path);
		else
			err_set(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		return NULL;
	}
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, "%s: cannot open the vulnerability database: %s", path,
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	if (vdb_schema_check(db, path, false, e) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

struct vdb_reader *vdb_open_readonly(const char *path, struct err *e)
{
	sqlite3 *db = open_ro(path, e);
	if (!db)
		return NULL;
	struct vdb_reader *r = xcalloc(1, sizeof *r);
	r->db = db;
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} q[] = {
		{&r->ns, "SELECT 1 FROM advisory WHERE namespace = ?1 LIMIT 1"},
		{&r->adv, "SELECT a.id, a.vuln_id, a.record_id, s.name, a.status, a.fixed_version, a.ranges, "
			  "a.severity, a.cvss_v3_vector, a.cvss_v3_score, a.cvss_v2_vector, a.cvss_v2_score, a.events "
			  "FROM advisory a JOIN source s ON s.id = a.source_id "
			  "WHERE a.namespace = ?1 AND a.pkg_name = ?2 ORDER BY a.vuln_id, s.name, a.id"},
		{&r->vuln, "SELECT s.name, s.kind, v.title, v.description, v.severity, v.cvss_v3_vector, "
			   "v.cvss_v3_score, v.cvss_v2_vector, v.cvss_v2_score, v.cwe_ids, v.refs, v.published, "
			   "v.modified FROM vulnerability v JOIN source s ON s.id = v.source_id "
			   "WHERE v.vuln_id = ?1 ORDER BY s.kind = 'nvd' DESC, s.name"},
	};
	for (size_t i = 0; i < ARRAY_LEN(q); i++)
		if (sqlite3_prepare_v2(db, q[i].sql, -1, q[i].st, NULL) != SQLITE_OK) {
			err_set(e, "%s: not a usable vulnerability database: %s", path, sqlite3_errmsg(db));
			vdb_reader_close(r);
			return NULL;
		}
	return r;
}

void vdb_reader_close(struct vdb_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->ns);
	sqlite3_finalize(r->adv);
	sqlite3_finalize(r->vuln);
	sqlite3_close(r->db);
	free(r);
}

static int fail(struct vdb_reader *r, sqlite3_stmt *s, struct err *e)
{
	err_set(e, "reading the vulnerability database: %s", sqlite3_errmsg(r->db));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return -1;
}

int vdb_has_namespace(struct vdb_reader *r, const char *ns, struct err *e)
{
	sqlite3_bind_text(r->ns, 1, ns, -1, SQLITE_STATIC);
	int rc = sqlite3_step(r->ns);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(r, r->ns, e);
	sqlite3_reset(r->ns);
	sqlite3_clear_bindings(r->ns);
	return rc == SQLITE_ROW;
}

/* The events column (vdb.h): "RANGE\tEVENT\tVERSION\n" per event. A line
 * that does not parse ends the list: the importer never writes one. */
static void decode_events(const char *text, struct vdb_advisory *a)
{
	size_t cap = 0;
	for (const char *p = text; p && *p;) {
		const char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		const char *nl = t2 ? strchr(t2 + 1, '\n') : NULL;
		if (!nl)
			break;
		xgrow((void **)&a->events, &cap, a->nevents + 1, sizeof *a->events);
		struct vdb_event *ev = &a->events[a->nevents++];
		ev->range_no = atoi(p);
		ev->event = xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
		ev->version = xstrndup(t2 + 1, (size_t)(nl - t2 - 1));
		p = nl + 1;
	}
}

int vdb_advisories_for(struct vdb_reader *r, const char *ns, const char *pkg, struct vdb_advisories *out,
		       struct err *e)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = r->adv;
	sqlite3_bind_text(s, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pkg, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)&out->v, &cap, out->len + 1, sizeof *out->v);
		struct vdb_advisory *a = &out->v[out->len];
		memset(a, 0, sizeof *a);
		out->len++;
		a->vuln_id = col_dup(s, 1);
		a->record_id = col_dup(s, 2);
		a->source = col_dup(s, 3);
		a->status = col_dup(s, 4);
		a->fixed_version = col_dup(s, 5);
		a->ranges = sqlite3_column_int(s, 6);
		a->severity = col_dup(s, 7);
		a->cvss_v3_vector = col_dup(s, 8);
		a->cvss_v3_score = sqlite3_column_double(s, 9);
		a->cvss_v2_vector = col_dup(s, 10);
		a->cvss_v2_score = sqlite3_column_double(s, 11);
		if (a->ranges)
			decode_events((const char *)sqlite3_column_text(s, 12), a);
	}
	if (rc != SQLITE_DONE) {
		vdb_advisories_free(out);
		return fail(r, s, e);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

void vdb_advisories_free(struct vdb_advisories *a)
{
	for (size_t i = 0; i < a->len; i++) {
		struct vdb_advisory *v = &a->v[i];
		free(v->vuln_id);
		free(v->record_id);
		free(v->source);
		free(v->status);
		free(v->fixed_version);
		free(v->severity);
		free(v->cvss_v3_vector);
		free(v->cvss_v2_vector);
		for (size_t k = 0; k < v->nevents; k++) {
			free(v->events[k].event);
			free(v->events[k].version);
		}
		free(v->events);
	}
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* A JSON array of strings stored as text → a string vector. */
static void json_strings(const unsigned char *text, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!text)
		return;
	json_t *a = json_loads((const char *)text, 0, NULL);
	if (json_is_array(a) && json_array_size(a) > 0) {
		*out = xcalloc(json_array_size(a), sizeof **out);
		size_t i;
		json_t *v;
		json_array_foreach (a, i, v)
			if (json_is_string(v))
				(*out)[(*n)++] = xstrdup(json_string_value(v));
	}
	json_decref(a);
}

int vdb_vulns_for(struct vdb_reader *r, const char *vuln_id, struct vdb_vulns *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = r->vuln;
	sqlite3_bind_text(s, 1, vuln_id, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)&out->v, &cap, out->len + 1, sizeof *out->v);
		struct vdb_vuln *v = &out->v[out->len++];
		memset(v, 0, sizeof *v);
		v->source = col_dup(s, 0);
		v->kind = col_dup(s, 1);
		v->title = col_dup(s, 2);
		v->description = col_dup(s, 3);
		v->severity = col_dup(s, 4);
		v->cvss_v3_vector = col_dup(s, 5);
		v->cvss_v3_score = sqlite3_column_double(s, 6);
		v->cvss_v2_vector = col_dup(s, 7);
		v->cvss_v2_score = sqlite3_column_double(s, 8);
		json_strings(sqlite3_column_text(s, 9), &v->cwe_ids, &v->ncwe_ids);
		json_strings(sqlite3_column_text(s, 10), &v->refs, &v->nrefs);
		v->published = col_dup(s, 11);
		v->modified = col_dup(s, 12);
	}
	if (rc != SQLITE_DONE) {
		vdb_vulns_free(out);
		return fail(r, s, e);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vdb_vulns_free(struct vdb_vulns *vs)
{
	for (size_t i = 0; i < vs->len; i++) {
		struct vdb_vuln *v = &vs->v[i];
		free(v->source);
		free(v->kind);
		free(v->title);
		free(v->description);
		free(v->severity);
		free(v->cvss_v3_vector);
		free(v->cvss_v2_vector);
		free_strv(v->cwe_ids, v->ncwe_ids);
		free_strv(v->refs, v->nrefs);
		free(v->published);
		free(v->modified);
	}
	free(vs->v);
	memset(vs, 0, sizeof *vs);
}

int vdb_info_read(const char *path, struct vdb_info *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	sqlite3 *db = open_ro(path, e);
	if (!db)
		return -1;
	out->schema_version = VDB_SCHEMA_VERSION;
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &s, NULL);
	while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		if (k && !strcmp(k, "built_at") && !out->built_at)
			out->built_at = col_dup(s, 1);
		else if (k && !strcmp(k, "vigil_version") && !out->vigil_version)
			out->vigil_version = col_dup(s, 1);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT name, kind, origin, imported_at, records FROM source ORDER BY name",
					-1, &s, NULL);
	size_t cap = 0;
	while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		xgrow((void **)&out->sources, &cap, out->nsources + 1, sizeof *out->sources);
		struct vdb_source_info *si = &out->sources[out->nsources++];
		si->name = col_dup(s, 0);
		si->kind = col_dup(s, 1);
		si->origin = col_dup(s, 2);
		si->imported_at = col_dup(s, 3);
		si->records = sqlite3_column_int64(s, 4);
	}
	if (rc != SQLITE_OK) {
		err_set(e, "%s: reading the database: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		vdb_info_free(out);
		return -1;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return 0;
}

static void source_info_clear(struct vdb_source_info *s)
{
	free(s->name);
	free(s->kind);
	free(s->origin);
	free(s->imported_at);
}

void vdb_info_free(struct vdb_info *i)
{
	free(i->built_at);
	free(i->vigil_version);
	for (size_t k = 0; k < i->nsources; k++)
		source_info_clear(&i->sources[k]);
	free(i->sources);
	memset(i, 0, sizeof *i);
}

void vdb_import_summary_free(struct vdb_import_summary *s)
{
	for (size_t k = 0; k < s->nsources; k++)
		source_info_clear(&s->sources[k]);
	free(s->sources);
	memset(s, 0, sizeof *s);
}
