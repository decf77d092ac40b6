/* Docker Engine API client: libcurl over a Unix socket, one easy handle kept
 * for the life of the engine so that successive GETs reuse the connection.
 * Replies are held in memory (capped) and parsed with jansson; the daemon is
 * only semi-trusted, so every failure mode becomes a message, never a crash. */
#include "docker/engine.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* No sane answer of the API endpoints we use comes near this; a daemon that
 * streams more is broken or hostile, and we stop reading. */
enum { REPLY_CAP = 64 * 1024 * 1024 };

struct engine {
	CURL *curl;
	char *sock;
	char curl_err[CURL_ERROR_SIZE];
};

struct reply {
	struct buf body;
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct reply *r = ud;
	size_t n = size * nmemb;
	if (r->body.len + n > REPLY_CAP) {
		r->too_big = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	buf_append(&r->body, p, n);
	return n;
}

char *engine_socket_from_env(struct err *e)
{
	const char *host = getenv("DOCKER_HOST");
	if (!host || !*host)
		return xstrdup("/var/run/docker.sock");
	if (!strncmp(host, "unix://", 7) && host[7])
		return xstrdup(host + 7);
	err_set(e, "DOCKER_HOST=%s: only unix:// sockets are supported", host);
	return NULL;
}

struct engine *engine_open(const char *host, struct err *e)
{
	bool is_unix = !strncmp(host, "unix://", 7);
	const char *path = is_unix ? host + 7 : host;
	if (!*path || (!is_unix && strstr(host, "://"))) {
		err_set(e, "%s: only unix:// sockets are supported", host);
		return NULL;
	}
	/* Refcounted in the libcurl we require (>= 7.84), so pairing it with the
	 * cleanup in engine_close is safe even when other code uses libcurl too. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(e, "cannot initialise libcurl");
		return NULL;
	}
	struct engine *en = xcalloc(1, sizeof *en);
	en->curl = curl_easy_init();
	if (!en->curl) {
		err_set(e, "cannot initialise libcurl");
		free(en);
		curl_global_cleanup();
		return NULL;
	}
	en->sock = xstrdup(path);
	return en;
}

void engine_close(struct engine *en)
{
	if (!en)
		return;
	curl_easy_cleanup(en->curl);
	free(en->sock);
	free(en);
	curl_global_cleanup();
}

const char *engine_socket(const struct engine *en)
{
	return en->sock;
}

static char *escape(const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr(keep, *p)) {
			buf_append(&b, p, 1);
		} else {
			char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_append(&b, enc, 3);
		}
	}
	if (!b.data)
		buf_append(&b, "", 0);
	return buf_steal(&b);
}

char *engine_escape(const char *s)
{
	return escape(s, "-._~");
}

char *engine_escape_ref(const char *s)
{
	return escape(s, "-._~/:@");
}

/* Why a connection failed, in words that say what to do about it. */
static void explain_connect(struct engine *en, long os_errno, struct err *e)
{
	struct stat st;
	const char *why;
	if (stat(en->sock, &st) != 0)
		why = errno == EACCES ? "permission denied on the path" : "no such socket: is dockerd running?";
	else if (!S_ISSOCK(st.st_mode))
		why = "not a socket";
	else if (os_errno == EACCES || os_errno == EPERM)
		why = "permission denied (run as root or as a member of the socket's group)";
	else if (os_errno == ECONNREFUSED)
		why = "connection refused: is dockerd running?";
	else
		why = os_errno ? strerror((int)os_errno) : "no answer";
	err_set(e, "cannot connect to the Docker daemon at unix://%s: %s (set DOCKER_HOST)", en->sock, why);
}

json_t *engine_get(struct engine *en, const char *path, enum engine_status *st, long *http_status, struct err *e)
{
	enum engine_status dummy;
	long dummy_http;
	if (!st)
		st = &dummy;
	if (!http_status)
		http_status = &dummy_http;
	*st = ENGINE_OK;
	*http_status = 0;

	char *url = xasprintf("http://localhost%s", path);
	struct reply r = {.too_big = false};
	CURL *c = en->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, en->sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, en->curl_err);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* /containers/{id}/top runs ps on the host; a wedged daemon must not
	 * hang the audit forever. */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
	en->curl_err[0] = '\0';
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http_status);
	json_t *out = NULL;

	if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    (rc == CURLE_OPERATION_TIMEDOUT && *http_status == 0)) {
		long os_errno = 0;
		curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
		*st = ENGINE_NO_DAEMON;
		explain_connect(en, os_errno, e);
	} else if (r.too_big) {
		*st = ENGINE_BAD_REPLY;
		err_set(e, "docker daemon: GET %s: reply larger than %d MiB", path, REPLY_CAP >> 20);
	} else if (rc != CURLE_OK) {
		*st = *http_status ? ENGINE_BAD_REPLY : ENGINE_NO_DAEMON;
		err_set(e, "docker daemon: GET %s: %s", path, en->curl_err[0] ? en->curl_err : curl_easy_strerror(rc));
	} else if (*http_status != 200) {
		/* The daemon explains errors as {"message": "..."}; anything else is
		 * shown raw, sanitised and cut short. */
		*st = ENGINE_HTTP;
		json_t *j = r.body.len ? json_loadb((const char *)r.body.data, r.body.len, 0, NULL) : NULL;
		const char *msg = json_string_value(json_object_get(j, "message"));
		char *raw = NULL;
		if (!msg && r.body.len) {
			char *cut = xstrndup((const char *)r.body.data, r.body.len > 200 ? 200 : r.body.len);
			raw = utf8_sanitize(cut);
			free(cut);
		}
		err_set(e, "docker daemon: GET %s: %s (HTTP %ld)", path,
			msg           ? msg
			: raw && *raw ? raw
				      : "request failed",
			*http_status);
		free(raw);
		json_decref(j);
	} else {
		json_error_t je;
		out = json_loadb(r.body.data ? (const char *)r.body.data : "", r.body.len, 0, &je);
		if (!out) {
			*st = ENGINE_BAD_REPLY;
			err_set(e, "docker daemon: GET %s: reply is not JSON (%s, at byte %d)", path, je.text,
				je.position);
		}
	}
	buf_free(&r.body);
	free(url);
	return out;
}
