/* The database file: schema, writing helpers for the parsers, and the
 * session (begin/commit) that updates source counts and meta. */
#include "db/internal.h"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE source (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL,\n"
	"  origin TEXT,\n"
	"  imported_at TEXT NOT NULL,\n"
	"  records INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE release_alias (\n"
	"  distro TEXT NOT NULL, codename TEXT NOT NULL, version TEXT NOT NULL,\n"
	"  PRIMARY KEY (distro, codename)) WITHOUT ROWID;\n"
	"CREATE TABLE advisory (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  source_id INTEGER NOT NULL REFERENCES source(id),\n"
	"  namespace TEXT NOT NULL,\n"
	"  pkg_name TEXT NOT NULL,\n"
	"  vuln_id TEXT NOT NULL,\n"
	"  record_id TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('fixed', 'affected', 'not_affected',\n"
	"    'under_investigation', 'will_not_fix', 'fix_deferred', 'end_of_life')),\n"
	"  fixed_version TEXT,\n"
	"  ranges INTEGER NOT NULL DEFAULT 0,\n"
	"  events TEXT,\n"
	"  severity TEXT,\n"
	"  cvss_v3_vector TEXT, cvss_v3_score REAL,\n"
	"  cvss_v2_vector TEXT, cvss_v2_score REAL);\n"
	"CREATE INDEX advisory_lookup ON advisory (namespace, pkg_name);\n"
	"CREATE INDEX advisory_source ON advisory (source_id);\n"
	"CREATE INDEX advisory_record ON advisory (record_id);\n"
	"CREATE TABLE vulnerability (\n"
	"  vuln_id TEXT NOT NULL,\n"
	"  source_id INTEGER NOT NULL REFERENCES source(id),\n"
	"  title TEXT, description TEXT, severity TEXT,\n"
	"  cvss_v3_vector TEXT, cvss_v3_score REAL,\n"
	"  cvss_v2_vector TEXT, cvss_v2_score REAL,\n"
	"  cwe_ids TEXT, refs TEXT, published TEXT, modified TEXT,\n"
	"  PRIMARY KEY (vuln_id, source_id)) WITHOUT ROWID;\n"
	"CREATE INDEX vulnerability_source ON vulnerability (source_id);\n";

static const struct {
	const char *codename, *version;
} debian_releases[] = {
	{"hamm", "2"},	     {"slink", "2.1"}, {"potato", "2.2"},   {"woody", "3.0"},	{"sarge", "3.1"},
	{"etch", "4"},	     {"lenny", "5"},   {"squeeze", "6"},    {"wheezy", "7"},	{"jessie", "8"},
	{"stretch", "9"},    {"buster", "10"}, {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"},
	{"forky", "14"},     {"duke", "15"},
};

const char *vdb_debian_release(const char *codename)
{
	for (size_t i = 0; i < ARRAY_LEN(debian_releases); i++)
		if (!strcmp(codename, debian_releases[i].codename))
			return debian_releases[i].version;
	return NULL;
}

static const char *const stmt_sql[ST__N] = {
	[ST_SOURCE_INSERT] = "INSERT OR IGNORE INTO source (name, kind, imported_at) VALUES (?1, ?2, ?3)",
	[ST_SOURCE_ID] = "SELECT id, kind FROM source WHERE name = ?1",
	[ST_SOURCE_WIPE_ADV] = "DELETE FROM advisory WHERE source_id = ?1",
	[ST_SOURCE_WIPE_VULN] = "DELETE FROM vulnerability WHERE source_id = ?1",
	[ST_RECORD_DEL_ADV] = "DELETE FROM advisory WHERE record_id = ?1 AND source_id IN "
			      "(SELECT id FROM source WHERE kind = 'osv')",
	[ST_ADV_INSERT] = "INSERT INTO advisory (source_id, namespace, pkg_name, vuln_id, record_id, status, "
			  "fixed_version, ranges, severity, cvss_v3_vector, cvss_v3_score, cvss_v2_vector, "
			  "cvss_v2_score, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_VULN_REPLACE] = "INSERT OR REPLACE INTO vulnerability (vuln_id, source_id, title, description, "
			    "severity, cvss_v3_vector, cvss_v3_score, cvss_v2_vector, cvss_v2_score, cwe_ids, refs, "
			    "published, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[ST_VULN_IGNORE] = "INSERT OR IGNORE INTO vulnerability (vuln_id, source_id, title, description, "
			   "severity, cvss_v3_vector, cvss_v3_score, cvss_v2_vector, cvss_v2_score, cwe_ids, refs, "
			   "published, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[ST_COUNT_ADV] = "SELECT count(*) FROM advisory WHERE source_id = ?1",
	[ST_COUNT_RECORDS] = "SELECT count(DISTINCT record_id) FROM advisory WHERE source_id = ?1",
	[ST_COUNT_VULN] = "SELECT count(*) FROM vulnerability WHERE source_id = ?1",
	[ST_SOURCE_UPDATE] = "UPDATE source SET imported_at = ?2, origin = ?3, records = ?4 WHERE id = ?1",
	[ST_META_SET] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
};

static int sql_fail(sqlite3 *db, const char *what, struct err *e)
{
	err_set(e, "database: %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

static int exec(sqlite3 *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Runs a statement that returns no rows (or whose rows are ignored) and resets it. */
static int step_done(sqlite3 *db, sqlite3_stmt *s, const char *what, struct err *e)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return sql_fail(db, what, e);
	return 0;
}

static char *now_rfc3339(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char b[32];
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(b);
}

int vdb_schema_check(sqlite3 *db, const char *path, bool create, struct err *e)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK) {
		err_set(e, "%s: not a vigil vulnerability database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	int version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (version == VDB_SCHEMA_VERSION)
		return 0;
	if (version < 0) {
		err_set(e, "%s: not a vigil vulnerability database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	if (version != 0) {
		err_set(e, "%s: database schema version %d is not the one this vigil uses (%d); remove the file "
			   "and import the feeds again",
			path, version, VDB_SCHEMA_VERSION);
		return -1;
	}
	/* Version 0: a new, empty file — or some other SQLite database. */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL) != SQLITE_OK) {
		err_set(e, "%s: not a vigil vulnerability database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	int ntables = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (ntables != 0) {
		err_set(e, "%s: not a vigil vulnerability database (no schema version)", path);
		return -1;
	}
	if (!create) {
		err_set(e, "%s: the vulnerability database is empty; import feeds with 'vigil db import'", path);
		return -1;
	}
	if (exec(db, "BEGIN", e) || exec(db, schema_sql, e))
		goto fail;
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(db, "INSERT INTO release_alias VALUES ('debian', ?1, ?2)", -1, &ins, NULL) !=
	    SQLITE_OK) {
		sql_fail(db, "preparing release_alias", e);
		goto fail;
	}
	for (size_t i = 0; i < ARRAY_LEN(debian_releases); i++) {
		sqlite3_bind_text(ins, 1, debian_releases[i].codename, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, debian_releases[i].version, -1, SQLITE_STATIC);
		if (step_done(db, ins, "seeding release_alias", e) != 0) {
			sqlite3_finalize(ins);
			goto fail;
		}
	}
	sqlite3_finalize(ins);
	char v[16];
	snprintf(v, sizeof v, "%d", VDB_SCHEMA_VERSION);
	if (sqlite3_prepare_v2(db, "INSERT INTO meta VALUES ('schema_version', ?1)", -1, &ins, NULL) != SQLITE_OK) {
		sql_fail(db, "preparing meta", e);
		goto fail;
	}
	sqlite3_bind_text(ins, 1, v, -1, SQLITE_TRANSIENT);
	int rc = step_done(db, ins, "writing meta", e);
	sqlite3_finalize(ins);
	if (rc)
		goto fail;
	/* user_version cannot be bound; the value is our own constant. */
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", VDB_SCHEMA_VERSION);
	if (exec(db, pragma, e) || exec(db, "COMMIT", e))
		goto fail;
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	err_prefix(e, "%s: creating the schema", path);
	return -1;
}

struct vdb *vdb_wrap(sqlite3 *handle, const char *path, struct err *e)
{
	struct vdb *db = xcalloc(1, sizeof *db);
	db->db = handle;
	/* The importer works on a private copy that is thrown away on failure
	 * and renamed into place on success: no rollback journal on disk, no
	 * syncs until the end (vdb_import_files fsyncs the finished file). */
	if (exec(handle, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; "
			 "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536",
		 e) != 0 ||
	    vdb_schema_check(handle, path, true, e) != 0)
		goto fail;
	for (int i = 0; i < ST__N; i++)
		if (sqlite3_prepare_v3(handle, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL) !=
		    SQLITE_OK) {
			sql_fail(handle, "preparing statements", e);
			goto fail;
		}
	db->now = now_rfc3339();
	return db;
fail:
	vdb_close(db);
	return NULL;
}

struct vdb *vdb_open_rw(const char *path, struct err *e)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path ? path : ":memory:", &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, "%s: cannot open the database: %s", path ? path : ":memory:",
			h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	return vdb_wrap(h, path ? path : ":memory:", e);
}

static void src_state_free(void *p)
{
	struct src_state *s = p;
	free(s->name);
	free(s->kind);
	free(s->origin);
	free(s);
}

void vdb_close(struct vdb *db)
{
	if (!db)
		return;
	for (int i = 0; i < ST__N; i++)
		sqlite3_finalize(db->st[i]);
	if (db->in_tx)
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db->db);
	strmap_free(&db->sources, src_state_free);
	free(db->now);
	free(db);
}

int vdb_begin(struct vdb *db, struct err *e)
{
	if (exec(db->db, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	db->in_tx = true;
	return 0;
}

static int count(struct vdb *db, enum vdb_stmt which, int64_t id, int64_t *out, struct err *e)
{
	sqlite3_stmt *s = db->st[which];
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 0 : sql_fail(db->db, "counting records", e);
}

static int meta_set(struct vdb *db, const char *k, const char *v, struct err *e)
{
	sqlite3_stmt *s = db->st[ST_META_SET];
	sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, v, -1, SQLITE_STATIC);
	return step_done(db->db, s, "writing meta", e);
}

int vdb_commit(struct vdb *db, struct err *e)
{
	/* A withdrawn or replaced OSV record may have emptied a source this
	 * session did not otherwise touch: recount every OSV source. */
	if (db->osv_deleted &&
	    exec(db->db,
		 "UPDATE source SET records = (SELECT count(DISTINCT record_id) FROM advisory "
		 "WHERE advisory.source_id = source.id) WHERE kind = 'osv'",
		 e) != 0)
		return -1;
	const char *k;
	void *v;
	for (size_t it = 0; strmap_next(&db->sources, &it, &k, &v);) {
		struct src_state *s = v;
		int64_t n;
		enum vdb_stmt which = !strcmp(s->kind, "nvd")	? ST_COUNT_VULN
				      : !strcmp(s->kind, "osv") ? ST_COUNT_RECORDS
								: ST_COUNT_ADV;
		if (count(db, which, s->id, &n, e) != 0)
			return -1;
		s->records = n;
		sqlite3_stmt *u = db->st[ST_SOURCE_UPDATE];
		sqlite3_bind_int64(u, 1, s->id);
		sqlite3_bind_text(u, 2, db->now, -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 3, s->origin, -1, SQLITE_STATIC);
		sqlite3_bind_int64(u, 4, n);
		if (step_done(db->db, u, "updating source", e) != 0)
			return -1;
	}
	if (meta_set(db, "built_at", db->now, e) || meta_set(db, "vigil_version", VIGIL_VERSION, e))
		return -1;
	if (exec(db->db, "COMMIT", e) != 0)
		return -1;
	db->in_tx = false;
	return 0;
}

int vdb_imp_source(struct feed_ctx *c, const char *name, const char *kind, bool wipe, int64_t *id, struct err *e)
{
	struct vdb *db = c->db;
	struct src_state *s = strmap_get(&db->sources, name);
	if (!s) {
		sqlite3_stmt *ins = db->st[ST_SOURCE_INSERT];
		sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, db->now, -1, SQLITE_STATIC);
		if (step_done(db->db, ins, "adding a source", e) != 0)
			return -1;
		sqlite3_stmt *q = db->st[ST_SOURCE_ID];
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW) {
			sqlite3_reset(q);
			return sql_fail(db->db, "looking up a source", e);
		}
		int64_t sid = sqlite3_column_int64(q, 0);
		const char *old_kind = (const char *)sqlite3_column_text(q, 1);
		bool same = old_kind && !strcmp(old_kind, kind);
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		if (!same) {
			err_set(e, "source '%s' already exists with another kind", name);
			return -1;
		}
		s = xcalloc(1, sizeof *s);
		s->id = sid;
		s->name = xstrdup(name);
		s->kind = xstrdup(kind);
		*strmap_put(&db->sources, name) = s;
	}
	free(s->origin);
	s->origin = xstrdup(c->name);
	if (wipe && s->wiped_gen != c->gen) {
		static const enum vdb_stmt wipes[] = {ST_SOURCE_WIPE_ADV, ST_SOURCE_WIPE_VULN};
		for (size_t i = 0; i < ARRAY_LEN(wipes); i++) {
			sqlite3_bind_int64(db->st[wipes[i]], 1, s->id);
			if (step_done(db->db, db->st[wipes[i]], "replacing a source", e) != 0)
				return -1;
		}
		s->wiped_gen = c->gen;
	}
	*id = s->id;
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Scores are NULL when unknown: no vector and no score, or a negative
 * score (a vector whose score could not be computed). */
static void bind_score(sqlite3_stmt *s, int i, const char *vector, double score)
{
	if (score >= 0 && (vector || score > 0))
		sqlite3_bind_double(s, i, score);
	else
		sqlite3_bind_null(s, i);
}

int vdb_imp_advisory(struct vdb *db, const struct adv_row *r, int64_t *adv_id, struct err *e)
{
	sqlite3_stmt *s = db->st[ST_ADV_INSERT];
	sqlite3_bind_int64(s, 1, r->source_id);
	sqlite3_bind_text(s, 2, r->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->pkg, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->vuln_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, r->record_id ? r->record_id : r->vuln_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, r->status, -1, SQLITE_STATIC);
	bind_text_or_null(s, 7, r->fixed_version);
	sqlite3_bind_int(s, 8, r->ranges ? 1 : 0);
	bind_text_or_null(s, 9, r->severity);
	bind_text_or_null(s, 10, r->cvss_v3_vector);
	bind_score(s, 11, r->cvss_v3_vector, r->cvss_v3_score);
	bind_text_or_null(s, 12, r->cvss_v2_vector);
	bind_score(s, 13, r->cvss_v2_vector, r->cvss_v2_score);
	bind_text_or_null(s, 14, r->events);
	if (step_done(db->db, s, "adding an advisory", e) != 0)
		return -1;
	if (adv_id)
		*adv_id = sqlite3_last_insert_rowid(db->db);
	return 0;
}

int vdb_imp_delete_record(struct vdb *db, const char *record_id, struct err *e)
{
	sqlite3_stmt *s = db->st[ST_RECORD_DEL_ADV];
	sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC);
	if (step_done(db->db, s, "replacing a record", e) != 0)
		return -1;
	if (sqlite3_changes(db->db) > 0)
		db->osv_deleted = true;
	return 0;
}

/* Stores a JSON array as compact text; NULL for absent or empty arrays. */
static char *array_text(json_t *a)
{
	if (!a || !json_is_array(a) || json_array_size(a) == 0)
		return NULL;
	return json_dumps(a, JSON_COMPACT);
}

int vdb_imp_vuln(struct vdb *db, const struct vuln_row *r, bool replace, struct err *e)
{
	sqlite3_stmt *s = db->st[replace ? ST_VULN_REPLACE : ST_VULN_IGNORE];
	char *cwe = array_text(r->cwe_ids), *refs = array_text(r->refs);
	sqlite3_bind_text(s, 1, r->vuln_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, r->source_id);
	bind_text_or_null(s, 3, r->title);
	bind_text_or_null(s, 4, r->description);
	bind_text_or_null(s, 5, r->severity);
	bind_text_or_null(s, 6, r->cvss_v3_vector);
	bind_score(s, 7, r->cvss_v3_vector, r->cvss_v3_score);
	bind_text_or_null(s, 8, r->cvss_v2_vector);
	bind_score(s, 9, r->cvss_v2_vector, r->cvss_v2_score);
	bind_text_or_null(s, 10, cwe);
	bind_text_or_null(s, 11, refs);
	bind_text_or_null(s, 12, r->published);
	bind_text_or_null(s, 13, r->modified);
	int rc = step_done(db->db, s, "adding vulnerability details", e);
	free(cwe);
	free(refs);
	return rc;
}

char *vdb_default_path(void)
{
	return cache_path("db/vigil.db");
}
