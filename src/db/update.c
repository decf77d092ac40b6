/* `vigil db update`: download feeds with libcurl into a cache next to the
 * database, with conditional requests (If-None-Match with the last ETag,
 * If-Modified-Since with the last Last-Modified) so an unchanged feed is
 * not downloaded again, then import every cached feed in one atomic import
 * (vdb_import_files: the database is replaced only if all of it worked).
 *
 * Cache layout, DIR = cache_dir (default: the database's directory + "/feeds"):
 *   DIR/<16 hex of sha256(url)>-<basename>        the last good download
 *   DIR/<16 hex of sha256(url)>-<basename>.meta   {"url", "etag", "last_modified"}
 * A download goes to a temporary file and is renamed over the cached copy
 * only when the transfer completed with HTTP 200, so an interrupted update
 * keeps the previous copy. */
#include "db/internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct fetch {
	FILE *out;
	char *etag, *last_modified;
};

/* Keeps the ETag and Last-Modified of the final response (headers of
 * redirects before it are dropped when a new status line starts). */
static size_t on_header(char *buf, size_t size, size_t n, void *ctx)
{
	struct fetch *f = ctx;
	size_t len = size * n;
	if (len >= 5 && !strncmp(buf, "HTTP/", 5)) {
		free(f->etag);
		free(f->last_modified);
		f->etag = f->last_modified = NULL;
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon)
		return len;
	size_t klen = (size_t)(colon - buf);
	const char *v = colon + 1;
	size_t vlen = len - klen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
		vlen--;
	if (vlen == 0 || vlen > 512)
		return len;
	if (klen == 4 && !strncasecmp(buf, "etag", 4)) {
		free(f->etag);
		f->etag = xstrndup(v, vlen);
	} else if (klen == 13 && !strncasecmp(buf, "last-modified", 13)) {
		free(f->last_modified);
		f->last_modified = xstrndup(v, vlen);
	}
	return len;
}

static size_t on_data(char *buf, size_t size, size_t n, void *ctx)
{
	struct fetch *f = ctx;
	return fwrite(buf, size, n, f->out);
}

/* "<hash>-<basename>" for a URL: stable, unique per URL, readable. */
static char *cache_name(const char *url)
{
	char digest[72];
	sha256_digest_of(url, strlen(url), digest);
	const char *q = url + strcspn(url, "?#");
	const char *b = q;
	while (b > url && b[-1] != '/')
		b--;
	char base[64];
	size_t n = 0;
	for (const char *p = b; p < q && n < sizeof base - 1; p++)
		base[n++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
					    *p == '.' || *p == '-' || *p == '_'
				    ? *p
				    : '_';
	base[n] = 0;
	return xasprintf("%.16s-%s", digest + 7, n ? base : "feed");
}

static void read_meta(const char *path, char **etag, char **lm)
{
	*etag = *lm = NULL;
	json_t *m = json_load_file(path, 0, NULL);
	if (!json_is_object(m)) {
		json_decref(m);
		return;
	}
	const char *v = json_string_value(json_object_get(m, "etag"));
	if (v)
		*etag = xstrdup(v);
	v = json_string_value(json_object_get(m, "last_modified"));
	if (v)
		*lm = xstrdup(v);
	json_decref(m);
}

static int write_meta(const char *path, const char *url, const struct fetch *f, struct err *e)
{
	json_t *m = json_object();
	json_object_set_new(m, "url", json_string(url));
	if (f->etag)
		json_object_set_new(m, "etag", json_string(f->etag));
	if (f->last_modified)
		json_object_set_new(m, "last_modified", json_string(f->last_modified));
	char *text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	if (!text) {
		err_set(e, "%s: cannot encode the feed metadata", path);
		return -1;
	}
	int rc = write_file_atomic(path, text, strlen(text), e);
	free(text);
	return rc;
}

/* Downloads url into the cache (or confirms the cached copy is current).
 * *path receives the cached file; *fresh whether it was downloaded now. */
static int fetch_one(const struct vdb_update_opts *o, const char *dir, const char *url, char **path, bool *fresh,
		     struct err *e)
{
	char *name = cache_name(url);
	char *data = xasprintf("%s/%s", dir, name), *meta = xasprintf("%s/%s.meta", dir, name);
	char *tmp = xasprintf("%s/.%s.tmp-XXXXXX", dir, name);
	free(name);
	int rc = -1;
	struct fetch f = {0};
	struct curl_slist *hdrs = NULL;
	CURL *c = NULL;
	int fd = mkstemp(tmp);
	if (fd < 0 || !(f.out = fdopen(fd, "wb"))) {
		err_set(e, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	char *etag, *lm;
	struct stat st;
	bool cached = stat(data, &st) == 0 && S_ISREG(st.st_mode);
	read_meta(meta, &etag, &lm);
	c = curl_easy_init();
	if (!c) {
		err_set(e, "%s: cannot initialise libcurl", url);
		free(etag);
		free(lm);
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled transfer (under 1 byte/s for a minute) fails instead of hanging. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil-db-update");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &f);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* Conditional only when the cached copy is still there to fall back on. */
	if (cached && etag) {
		char *h = xasprintf("If-None-Match: %s", etag);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	}
	if (cached && lm) {
		time_t t = curl_getdate(lm, NULL);
		if (t > 0) {
			curl_easy_setopt(c, CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_IFMODSINCE);
			curl_easy_setopt(c, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)t);
		}
	}
	free(etag);
	free(lm);
	CURLcode cc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	long unmet = 0;
	curl_easy_getinfo(c, CURLINFO_CONDITION_UNMET, &unmet);
	bool flushed = fflush(f.out) == 0 && fsync(fileno(f.out)) == 0;
	fclose(f.out);
	f.out = NULL;
	if (cc != CURLE_OK) {
		err_set(e, "%s: %s", url, curl_easy_strerror(cc));
		goto out;
	}
	bool is_file = !strncmp(url, "file:", 5);
	if (status == 304 || (unmet && cached)) {
		*fresh = false; /* not modified: the cached copy stands */
	} else if (status == 200 || (is_file && status == 0)) {
		if (!flushed) {
			err_set(e, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		if (rename(tmp, data) != 0) {
			err_set(e, "%s: %s", data, strerror(errno));
			goto out;
		}
		if (write_meta(meta, url, &f, e) != 0)
			goto out;
		*fresh = true;
	} else {
		err_set(e, "%s: HTTP status %ld", url, status);
		goto out;
	}
	*path = data;
	data = NULL;
	rc = 0;
out:
	if (f.out)
		fclose(f.out);
	unlink(tmp); /* gone already when renamed */
	curl_slist_free_all(hdrs);
	if (c)
		curl_easy_cleanup(c);
	free(f.etag);
	free(f.last_modified);
	free(data);
	free(meta);
	free(tmp);
	return rc;
}

int vdb_update(const struct vdb_update_opts *o, struct vdb_update_result *res, struct err *e)
{
	memset(res, 0, sizeof *res);
	if (o->nurls == 0) {
		err_set(e, "no feeds to update");
		return -1;
	}
	char *dir = o->cache_dir ? xstrdup(o->cache_dir) : NULL;
	if (!dir) {
		char *copy = xstrdup(o->db_path);
		char *slash = strrchr(copy, '/');
		if (slash)
			*slash = 0;
		dir = xasprintf("%s/feeds", slash ? (copy[0] ? copy : "/") : ".");
		free(copy);
	}
	/* Parents first: the cache may be the first thing under a fresh ~/.cache. */
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(dir, 0755);
			*p = '/';
		}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		err_set(e, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(e, "cannot initialise libcurl");
		free(dir);
		return -1;
	}
	char **paths = xcalloc(o->nurls, sizeof *paths);
	int rc = 0;
	for (size_t i = 0; i < o->nurls && rc == 0; i++) {
		bool fresh = false;
		rc = fetch_one(o, dir, o->urls[i], &paths[i], &fresh, e);
		if (rc == 0 && fresh)
			res->downloaded++;
	}
	if (rc == 0)
		rc = vdb_import_files(o->db_path, (const char *const *)paths, o->nurls, &res->summary, e);
	for (size_t i = 0; i < o->nurls; i++)
		free(paths[i]);
	free(paths);
	free(dir);
	curl_global_cleanup();
	return rc;
}
