/* db/vdb.h: the local vulnerability database — one SQLite file built from
 * distribution and vulnerability feeds by `vigil db import`, and read (only
 * read: SQLITE_OPEN_READONLY) by scans.
 *
 * Schema, version 2 (PRAGMA user_version = 2, and meta.schema_version):
 *
 *   meta(key PRIMARY KEY, value)
 *       schema_version   "2"
 *       built_at         RFC 3339 UTC time of the last successful import
 *       vigil_version    the vigil that wrote it
 *   source(id, name UNIQUE, kind, origin, imported_at, records)
 *       one row per feed: kind is alpine-secdb | debian-tracker | osv | nvd;
 *       name e.g. "alpine-secdb:v3.10/main", "debian-tracker", "osv:Debian",
 *       "nvd"; origin the file it was last imported from; records the count
 *       of feed records it holds (advisory rows for alpine-secdb and
 *       debian-tracker, distinct OSV records for osv, CVEs for nvd).
 *   release_alias(distro, codename, version)
 *       Debian codenames → release numbers (buster 10, bookworm 12…), used
 *       to name Debian tracker releases; seeded when the file is created.
 *   advisory(id, source_id, namespace, pkg_name, vuln_id, record_id, status,
 *            fixed_version, ranges, events, severity, cvss_v3_vector,
 *            cvss_v3_score, cvss_v2_vector, cvss_v2_score)
 *       "source package pkg_name of distribution release namespace
 *       ("alpine:3.10", "debian:12", "ubuntu:22.04") has status for vuln_id"
 *       — for "alma:N" and "rocky:N" (OSV's AlmaLinux:N / Rocky Linux:N,
 *       sources "osv:AlmaLinux", "osv:Rocky Linux") pkg_name is a binary
 *       rpm name, as those records give it —,
 *       or, for language packages, "package pkg_name of ecosystem namespace
 *       ("npm", "pypi") …": npm names as published ("@scope/name"), PyPI
 *       names normalised per PEP 503 (vdb_pypi_normalize_name).
 *       status: fixed (fixed_version set: affected below it), affected,
 *       will_not_fix, fix_deferred, end_of_life (affected, no fix),
 *       not_affected (suppresses the id for that package),
 *       under_investigation (stored, not reported). ranges = 1: the
 *       range events decide instead of fixed_version. vuln_id is the id
 *       reported (a CVE alias when the feed record is a DSA/USN…), record_id
 *       the feed's own id. severity: the feed's own rating (LOW…CRITICAL),
 *       NULL when it gives none. Index (namespace, pkg_name).
 *       events (with ranges = 1): OSV ECOSYSTEM range events (and, in
 *       namespace "npm", SEMVER range events: npm's order is SemVer) as
 *       text, one
 *       "RANGE_NO<TAB>EVENT<TAB>VERSION<LF>" line each: explicit affected
 *       versions first (event "version", RANGE_NO -1), then each range's
 *       events (introduced, fixed, last_affected, limit) in feed order,
 *       RANGE_NO counting ranges from 0. Versions with control characters
 *       are rejected at import, so the separators are unambiguous. (Version
 *       1 kept events in a table of their own: a row per event was a third
 *       of an OSV import's time.)
 *   vulnerability(vuln_id, source_id, title, description, severity,
 *                 cvss_v3_vector, cvss_v3_score, cvss_v2_vector,
 *                 cvss_v2_score, cwe_ids, refs, published, modified)
 *       details per id and source (NVD, OSV records, tracker descriptions);
 *       cwe_ids and refs are JSON arrays of strings. Primary key
 *       (vuln_id, source_id).
 *
 * Imports are atomic: the database is copied to a temporary file next to
 * it, every feed is imported there in one transaction, and the copy is
 * renamed over the target only when all feeds succeeded. A failed import
 * leaves the target byte-for-byte unchanged. Re-importing a whole-feed
 * source (alpine-secdb, debian-tracker, an OSV zip) replaces that source's
 * rows; OSV record files and NVD pages replace the records they contain.
 */
#ifndef VIGIL_DB_VDB_H
#define VIGIL_DB_VDB_H

#include "util/util.h"

#include <stddef.h>
#include <stdint.h>

#define VDB_SCHEMA_VERSION 2

/* $XDG_CACHE_HOME/vigil/db/vigil.db, else $HOME/.cache/vigil/db/vigil.db;
 * NULL when neither variable is set. */
char *vdb_default_path(void);

/* ---- writing ---- */

struct vdb;

/* Open a database for importing: path NULL means an in-memory database
 * (tests, fuzzing). The schema is created when the file is new; an existing
 * file must carry this schema version. */
struct vdb *vdb_open_rw(const char *path, struct err *e);
void vdb_close(struct vdb *db);
int vdb_begin(struct vdb *db, struct err *e);
/* Updates the touched sources' counts and times and meta.built_at, then
 * commits. */
int vdb_commit(struct vdb *db, struct err *e);

/* Import one feed: a file (JSON, possibly gzip/xz/zstd-compressed, or a zip
 * of OSV records) or a directory of them. The kind is detected from the
 * content. Must run inside vdb_begin/vdb_commit. */
int vdb_import_path(struct vdb *db, const char *path, struct err *e);
/* Same for bytes in memory (fuzzing); name is used in messages. */
int vdb_import_memory(struct vdb *db, const char *name, const void *data, size_t len, struct err *e);

struct vdb_import_summary {
	struct vdb_source_info *sources; /* the sources this import touched */
	size_t nsources;
};
/* The whole `vigil db import`: copy, import every feed, rename on success.
 * On failure e names the feed and the problem and the target is untouched. */
int vdb_import_files(const char *db_path, const char *const *feeds, size_t nfeeds,
		     struct vdb_import_summary *sum, struct err *e);
void vdb_import_summary_free(struct vdb_import_summary *s);

/* Download feeds (libcurl; http, https, file URLs) into a cache and import
 * them atomically; see update.c for the cache layout. Unchanged feeds are
 * not downloaded again (If-None-Match / If-Modified-Since). */
struct vdb_update_opts {
	const char *db_path;
	const char *cache_dir; /* NULL: <database directory>/feeds */
	const char *const *urls;
	size_t nurls;
	uint64_t max_bytes; /* per download */
};
struct vdb_update_result {
	size_t downloaded; /* feeds that changed since the last update */
	struct vdb_import_summary summary;
};
int vdb_update(const struct vdb_update_opts *o, struct vdb_update_result *res, struct err *e);

/* ---- reading ---- */

struct vdb_source_info {
	char *name;
	char *kind;
	char *origin;
	char *imported_at;
	int64_t records;
};

struct vdb_info {
	int schema_version;
	char *built_at;
	char *vigil_version;
	struct vdb_source_info *sources;
	size_t nsources;
};
int vdb_info_read(const char *path, struct vdb_info *out, struct err *e);
void vdb_info_free(struct vdb_info *i);

struct vdb_reader;
/* Opens read-only. A missing file gives the "no vulnerability database at
 * PATH; create one with ..." message. */
struct vdb_reader *vdb_open_readonly(const char *path, struct err *e);
void vdb_reader_close(struct vdb_reader *r);

/* True when any advisory exists for the namespace. */
int vdb_has_namespace(struct vdb_reader *r, const char *ns, struct err *e);

struct vdb_event {
	int range_no; /* -1 for an explicit version */
	char *event;  /* introduced, fixed, last_affected, limit, version */
	char *version;
};

struct vdb_advisory {
	char *vuln_id, *record_id, *source, *status, *fixed_version, *severity;
	int ranges;
	struct vdb_event *events; /* ordered by range_no, then insertion */
	size_t nevents;
	char *cvss_v3_vector, *cvss_v2_vector;
	double cvss_v3_score, cvss_v2_score;
};
struct vdb_advisories {
	struct vdb_advisory *v;
	size_t len;
};
int vdb_advisories_for(struct vdb_reader *r, const char *ns, const char *pkg, struct vdb_advisories *out,
		       struct err *e);
void vdb_advisories_free(struct vdb_advisories *a);

struct vdb_vuln {
	char *source, *kind;
	char *title, *description, *severity;
	char *cvss_v3_vector, *cvss_v2_vector;
	double cvss_v3_score, cvss_v2_score;
	char **cwe_ids;
	size_t ncwe_ids;
	char **refs;
	size_t nrefs;
	char *published, *modified;
};
struct vdb_vulns {
	struct vdb_vuln *v; /* NVD first, then the other sources by name */
	size_t len;
};
int vdb_vulns_for(struct vdb_reader *r, const char *vuln_id, struct vdb_vulns *out, struct err *e);
void vdb_vulns_free(struct vdb_vulns *v);

/* ---- helpers shared with the matcher ---- */

/* Debian codename → release number ("bookworm" → "12"); NULL if unknown. */
const char *vdb_debian_release(const char *codename);
/* PEP 503 normalised PyPI project name (lower case, each run of '-', '_',
 * '.' one '-'): "PyYAML" → "pyyaml", "zope.interface" → "zope-interface".
 * Malloc'd. */
char *vdb_pypi_normalize_name(const char *name);

#endif
