/* db/internal.h: what the feed parsers share with the database layer. Not
 * for use outside src/db. */
#ifndef VIGIL_DB_INTERNAL_H
#define VIGIL_DB_INTERNAL_H

#include "db/jframe.h"
#include "db/vdb.h"
#include "util/strmap.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

enum vdb_stmt {
	ST_SOURCE_INSERT,
	ST_SOURCE_ID,
	ST_SOURCE_WIPE_ADV,
	ST_SOURCE_WIPE_VULN,
	ST_RECORD_DEL_ADV,
	ST_ADV_INSERT,
	ST_VULN_REPLACE,
	ST_VULN_IGNORE,
	ST_COUNT_ADV,
	ST_COUNT_RECORDS,
	ST_COUNT_VULN,
	ST_SOURCE_UPDATE,
	ST_META_SET,
	ST__N
};

struct vdb {
	sqlite3 *db;
	sqlite3_stmt *st[ST__N];
	char *now;               /* imported_at of this session, RFC 3339 */
	struct strmap sources;   /* name → struct src_state *, touched this session */
	uint64_t gen;            /* increments per feed stream; see vdb_imp_source */
	bool in_tx;
	bool osv_deleted; /* OSV records were replaced or withdrawn: recount */
};

struct src_state {
	int64_t id;
	char *name, *kind, *origin;
	uint64_t wiped_gen; /* the stream that last emptied it (0: never) */
	int64_t records;    /* set by vdb_commit */
};

/* What one feed stream imports into: the database, the stream's name for
 * messages, and its generation. */
struct feed_ctx {
	struct vdb *db;
	const char *name;
	uint64_t gen;
	bool osv_archive; /* inside a zip: OSV family sources are replaced whole */
	size_t records;   /* stored, for the summary and tests */
};

/* Checks the schema version of an open database; with create, an empty
 * database receives the schema. */
int vdb_schema_check(sqlite3 *db, const char *path, bool create, struct err *e);
/* Takes ownership of an open read-write handle (closed on failure too). */
struct vdb *vdb_wrap(sqlite3 *handle, const char *path, struct err *e);

/* Finds or creates source name for this session. With wipe, its existing
 * rows are deleted the first time this stream (ctx->gen) asks for it. */
int vdb_imp_source(struct feed_ctx *c, const char *name, const char *kind, bool wipe, int64_t *id, struct err *e);

struct adv_row {
	int64_t source_id;
	const char *ns, *pkg, *vuln_id, *record_id, *status, *fixed_version, *severity;
	bool ranges;
	const char *events; /* encoded range events (vdb.h), with ranges */
	const char *cvss_v3_vector, *cvss_v2_vector;
	double cvss_v3_score, cvss_v2_score;
};
int vdb_imp_advisory(struct vdb *db, const struct adv_row *r, int64_t *adv_id, struct err *e);
/* Removes an OSV record's advisories from every osv source. */
int vdb_imp_delete_record(struct vdb *db, const char *record_id, struct err *e);

struct vuln_row {
	int64_t source_id;
	const char *vuln_id, *title, *description, *severity;
	const char *cvss_v3_vector, *cvss_v2_vector;
	double cvss_v3_score, cvss_v2_score;
	json_t *cwe_ids, *refs; /* arrays of strings or NULL */
	const char *published, *modified;
};
/* replace: overwrite an existing (vuln_id, source) row; else keep the first. */
int vdb_imp_vuln(struct vdb *db, const struct vuln_row *r, bool replace, struct err *e);

/* Reading feeds (feed.c, feed_zip.c). */
struct archive;
struct archive_entry;
/* Imports one JSON document of any supported format from rd. */
int vdb_import_stream(struct feed_ctx *c, vdb_jf_read_fn rd, void *ctx, struct err *e);
/* When the document is an OSV record: 1, with *doc parsed (NULL with e set
 * when it is malformed; with *late and e set when only what follows it is).
 * 0 for any other document, which vdb_import_stream then reads in full. */
int vdb_read_osv_record(vdb_jf_read_fn rd, void *ctx, json_t **doc, bool *late, struct err *e);
/* A vdb_jf_read_fn over libarchive entry data (ctx: struct archive *). */
ssize_t vdb_read_archive(void *ctx, void *buf, size_t n, struct err *e);
/* Imports the *.json entries of a zip whose first header is `first`. */
int vdb_import_zip(struct vdb *db, struct archive *a, const char *name, struct archive_entry *first,
		   struct err *e);

/* Parsers (feed_*.c). Each validates its input and fails with a message
 * that names the place in the document ("packages[3].pkg.secfixes: …"). */
int vdb_feed_alpine(struct feed_ctx *c, json_t *doc, struct err *e);
int vdb_feed_debian(struct feed_ctx *c, const char *pkg, json_t *cves, struct err *e);
int vdb_feed_osv(struct feed_ctx *c, json_t *rec, struct err *e);
int vdb_feed_nvd(struct feed_ctx *c, json_t *item, size_t index, struct err *e);

/* Small JSON accessors that explain type errors. */
const char *vdb_json_type(const json_t *v);
/* Member key of o as a string; NULL when absent or null; -1 (with e) when
 * present with another type. */
int vdb_jstr(const json_t *o, const char *key, const char *where, const char **out, struct err *e);
/* Same for arrays and objects; out NULL when absent or null. */
int vdb_jarr(const json_t *o, const char *key, const char *where, json_t **out, struct err *e);
int vdb_jobj(const json_t *o, const char *key, const char *where, json_t **out, struct err *e);

/* "2019-09-10T17:15:00.000" → "2019-09-10T17:15:00Z" (seconds, UTC
 * designator added when missing); other strings are copied. */
char *vdb_rfc3339(const char *s);

/* CVSS base scores from vectors (cvss.c); -1 when the vector is invalid. */
double vdb_cvss3_score(const char *vector);
double vdb_cvss2_score(const char *vector);

#endif
