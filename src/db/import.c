/* `vigil db import` as one atomic step: the target is copied (SQLite backup
 * API, a consistent snapshot even while scans read it) to a temporary file
 * in the same directory, all feeds are imported there in one transaction,
 * and the file is fsynced and renamed over the target only when everything
 * succeeded. Readers never see a half-imported database and a failed import
 * leaves the target byte-for-byte as it was. Concurrent imports into the
 * same directory are serialised with flock on the directory, so that one
 * import's rename cannot discard another's work. */
#include "db/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir_of(const char *path)
{
	char *copy = xstrdup(path);
	char *d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

/* Copies the existing database into dst. */
static int snapshot(const char *path, sqlite3 *dst, struct err *e)
{
	sqlite3 *src = NULL;
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(e, "%s: cannot open the database: %s", path, src ? sqlite3_errmsg(src) : "out of memory");
		sqlite3_close(src);
		return -1;
	}
	int rc = vdb_schema_check(src, path, false, e);
	if (rc == 0) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		if (!b) {
			err_set(e, "%s: copying the database: %s", path, sqlite3_errmsg(dst));
			rc = -1;
		} else {
			int st = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			if (st != SQLITE_DONE) {
				err_set(e, "%s: copying the database: %s", path, sqlite3_errstr(st));
				rc = -1;
			}
		}
	}
	sqlite3_close(src);
	return rc;
}

static int fsync_path(const char *path, int flags, struct err *e)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct vdb_source_info *)a)->name, ((const struct vdb_source_info *)b)->name);
}

static void summarize(struct vdb *db, struct vdb_import_summary *sum)
{
	const char *k;
	void *v;
	size_t cap = 0;
	for (size_t it = 0; strmap_next(&db->sources, &it, &k, &v);) {
		struct src_state *s = v;
		xgrow((void **)&sum->sources, &cap, sum->nsources + 1, sizeof *sum->sources);
		struct vdb_source_info *si = &sum->sources[sum->nsources++];
		si->name = xstrdup(s->name);
		si->kind = xstrdup(s->kind);
		si->origin = s->origin ? xstrdup(s->origin) : NULL;
		si->imported_at = xstrdup(db->now);
		si->records = s->records;
	}
	if (sum->nsources > 1)
		qsort(sum->sources, sum->nsources, sizeof *sum->sources, by_name);
}

int vdb_import_files(const char *db_path, const char *const *feeds, size_t nfeeds, struct vdb_import_summary *sum,
		     struct err *e)
{
	memset(sum, 0, sizeof *sum);
	if (nfeeds == 0) {
		err_set(e, "no feeds to import");
		return -1;
	}
	char *dir = dir_of(db_path);
	char *tmp = NULL;
	int lock = -1, rc = -1;
	struct vdb *db = NULL;
	if (mkdir_p(dir, e) != 0)
		goto out;
	lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX) != 0) {
		err_set(e, "%s: cannot lock the directory: %s", dir, strerror(errno));
		goto out;
	}
	struct stat st;
	bool exists = stat(db_path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", db_path);
		goto out;
	}
	tmp = xasprintf("%s.tmp-XXXXXX", db_path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(e, "%s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* mkstemp makes the file 0600; keep the target's mode, or the usual
	 * umask-derived one for a new database. */
	mode_t mode = exists ? st.st_mode & 07777 : 0666;
	if (!exists) {
		mode_t mask = umask(0);
		umask(mask);
		mode &= ~mask;
	}
	fchmod(fd, mode);
	close(fd);
	/* Before SQLite's first use: no global memory statistics (a mutex taken
	 * on every allocation). Later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3 *h = NULL;
	/* The import's connection is used by this thread only. */
	if (sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(e, "%s: %s", tmp, h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		goto out;
	}
	/* An empty target (size 0) is a new database, as SQLite itself treats it. */
	if (exists && st.st_size > 0 && snapshot(db_path, h, e) != 0) {
		sqlite3_close(h);
		goto out;
	}
	db = vdb_wrap(h, db_path, e);
	if (!db || vdb_begin(db, e) != 0)
		goto out;
	for (size_t i = 0; i < nfeeds; i++)
		if (vdb_import_path(db, feeds[i], e) != 0)
			goto out;
	if (vdb_commit(db, e) != 0)
		goto out;
	summarize(db, sum);
	vdb_close(db);
	db = NULL;
	if (fsync_path(tmp, O_RDONLY, e) != 0)
		goto out;
	if (rename(tmp, db_path) != 0) {
		err_set(e, "%s: %s", db_path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* The rename is durable once the directory is synced. */
	rc = fsync_path(dir, O_RDONLY | O_DIRECTORY, e);
out:
	vdb_close(db);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (rc != 0)
		vdb_import_summary_free(sum);
	if (lock >= 0)
		close(lock);
	free(dir);
	return rc;
}
