/* The registry client: one libcurl transfer per request, on whatever thread
 * calls. A request goes through at most
 *   - a few attempts with exponential backoff on connection errors, 429 and
 *     5xx (only while no body byte has reached a consumer that cannot rewind),
 *   - one authentication round after a 401 (Bearer token or Basic), after
 *     which another 401 is an error: no loop,
 *   - a few redirects (GET/HEAD), handled here rather than by libcurl so that
 *     Authorization goes to the registry's own origin only and a redirect to
 *     plain HTTP or another scheme is refused.
 * Plain HTTP is used only with `insecure` for a loopback host, and the
 * address actually connected to is checked to be loopback too (a name like
 * "localhost" could resolve elsewhere). */
#include "registry/registry.h"

#include "config.h"
#include "image/resolve.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/strmap.h"

enum {
	DEFAULT_TIMEOUT_S = 30,
	DEFAULT_ATTEMPTS = 4,
	MAX_REDIRECTS = 5,
	MAX_ERRBODY = 64 << 10,
	MAX_TOKEN_REPLY = 1 << 20,
	MAX_TAG_PAGES = 100,
};
#define DEFAULT_MAX_BLOB (16ull << 30)

struct registry {
	bool insecure;
	char *username, *password, *docker_config;
	int timeout_s, max_attempts;
	uint64_t max_blob;
	pthread_mutex_t mu; /* guards auth and warned */
	struct strmap auth; /* "ENDPOINT SCOPE" (scope "" for Basic) -> "Bearer …"/"Basic …" */
	bool warned_insecure;
};

struct registry *registry_new(const struct registry_opts *o)
{
	static const struct registry_opts none = {0};
	if (!o)
		o = &none;
	/* Before any thread exists: curl_global_init is not thread-safe. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct registry *r = xcalloc(1, sizeof *r);
	r->insecure = o->insecure;
	r->username = o->username ? xstrdup(o->username) : NULL;
	r->password = o->password ? xstrdup(o->password) : NULL;
	if (r->username && !r->password)
		r->password = xstrdup("");
	r->docker_config = o->docker_config ? xstrdup(o->docker_config) : NULL;
	r->timeout_s = o->timeout_s;
	if (r->timeout_s <= 0) {
		const char *env = getenv("VIGIL_REGISTRY_TIMEOUT");
		long v = env ? strtol(env, NULL, 10) : 0;
		r->timeout_s = v > 0 && v <= 3600 ? (int)v : DEFAULT_TIMEOUT_S;
	}
	r->max_attempts = o->max_attempts > 0 ? o->max_attempts : DEFAULT_ATTEMPTS;
	r->max_blob = o->max_blob_bytes ? o->max_blob_bytes : DEFAULT_MAX_BLOB;
	pthread_mutex_init(&r->mu, NULL);
	return r;
}

void registry_free(struct registry *r)
{
	if (!r)
		return;
	strmap_free(&r->auth, free);
	pthread_mutex_destroy(&r->mu);
	free(r->username);
	if (r->password)
		explicit_bzero(r->password, strlen(r->password));
	free(r->password);
	free(r->docker_config);
	free(r);
	curl_global_cleanup();
}

void registry_manifest_free(struct registry_manifest *m)
{
	buf_free(&m->bytes);
	free(m->media_type);
	memset(m, 0, sizeof *m);
}

/* ---- URLs ---------------------------------------------------------------- */

struct url_parts {
	char *scheme, *host, *port;
};

static void url_parts_free(struct url_parts *u)
{
	curl_free(u->scheme);
	curl_free(u->host);
	curl_free(u->port);
	memset(u, 0, sizeof *u);
}

static int url_split(const char *url, struct url_parts *u)
{
	memset(u, 0, sizeof *u);
	CURLU *h = curl_url();
	int rc = -1;
	if (h && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_SCHEME, &u->scheme, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_HOST, &u->host, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_PORT, &u->port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		rc = 0;
	curl_url_cleanup(h);
	if (rc != 0)
		url_parts_free(u);
	return rc;
}

static bool same_origin(const struct url_parts *a, const struct url_parts *b)
{
	return !strcasecmp(a->scheme, b->scheme) && !strcasecmp(a->host, b->host) && !strcmp(a->port, b->port);
}

/* location resolved against base (a redirect or upload Location). */
static char *url_resolve(const char *base, const char *location)
{
	CURLU *h = curl_url();
	char *out = NULL, *res = NULL;
	if (h && curl_url_set(h, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(h, CURLUPART_URL, location, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_URL, &out, 0) == CURLUE_OK)
		res = xstrdup(out);
	curl_free(out);
	curl_url_cleanup(h);
	return res;
}

static char *url_add_query(const char *url, const char *key, const char *value)
{
	CURLU *h = curl_url();
	char *out = NULL, *res = NULL;
	char *kv = xasprintf("%s=%s", key, value);
	if (h && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(h, CURLUPART_QUERY, kv, CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_URL, &out, 0) == CURLUE_OK)
		res = xstrdup(out);
	free(kv);
	curl_free(out);
	curl_url_cleanup(h);
	return res;
}

static bool plain_http_allowed(const struct registry *r, const char *host)
{
	return r->insecure && registry_host_is_loopback(host);
}

static char *base_url(struct registry *r, const struct registry_ref *ref)
{
	bool http = plain_http_allowed(r, ref->host);
	if (r->insecure && !http) {
		pthread_mutex_lock(&r->mu);
		bool warn = !r->warned_insecure;
		r->warned_insecure = true;
		pthread_mutex_unlock(&r->mu);
		if (warn)
			report_warning("registry %s: --insecure applies to loopback registries only; using verified HTTPS",
				       ref->host);
	}
	return xasprintf("%s://%s", http ? "http" : "https", registry_ref_endpoint(ref));
}

/* ---- one transfer -------------------------------------------------------- */

struct sink {
	int (*fn)(void *ctx, const void *p, size_t n, struct err *e); /* body bytes of a 2xx answer */
	void (*reset)(void *ctx); /* NULL: cannot rewind once bytes were delivered */
	void *ctx;
};

struct req {
	const struct registry_ref *ref;
	const char *method; /* GET HEAD POST PUT */
	const char *url;
	const char *accept, *content_type;
	const void *body;
	size_t body_len;
	const char *scope;       /* auth scope; NULL: no authentication round (token requests) */
	const char *fixed_auth;  /* Authorization for a token request */
	const char *what;        /* for messages: "manifest app:1.0" */
	bool bounded_time;       /* small answers: a total time limit too */
	struct sink sink;
};

struct resp {
	long status;
	char *reason;
	char *content_type, *digest, *location, *link, *retry_after;
	char **challenges;
	size_t nchallenges;
	int64_t content_length;
	struct buf errbody;
	uint64_t delivered;
};

static void resp_clear(struct resp *rs)
{
	free(rs->reason);
	free(rs->content_type);
	free(rs->digest);
	free(rs->location);
	free(rs->link);
	free(rs->retry_after);
	for (size_t i = 0; i < rs->nchallenges; i++)
		free(rs->challenges[i]);
	free(rs->challenges);
	buf_free(&rs->errbody);
	memset(rs, 0, sizeof *rs);
	rs->content_length = -1;
}

struct xfer {
	const struct req *q;
	struct resp *rs;
	int timeout_s;
	struct timespec last_progress; /* when a byte last moved (or the transfer started) */
	curl_off_t last_dl, last_ul;
	bool stalled;
	bool plain_http;
	bool refused; /* plain HTTP to a non-loopback address */
	char refused_ip[64];
	bool sink_failed;
	struct err sink_err;
};

static bool is_2xx(long s)
{
	return s >= 200 && s < 300;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	struct resp *rs = x->rs;
	size_t n = size * nmemb, len = n;
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* A new response (after 100 Continue): forget the last one's headers. */
		uint64_t delivered = rs->delivered;
		resp_clear(rs);
		rs->delivered = delivered;
		const char *sp = memchr(p, ' ', len);
		if (sp) {
			rs->status = strtol(sp + 1, NULL, 10);
			const char *sp2 = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - p));
			if (sp2)
				rs->reason = xstrndup(sp2 + 1, len - (size_t)(sp2 + 1 - p));
		}
		return n;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon)
		return n;
	size_t nlen = (size_t)(colon - p);
	const char *v = colon + 1;
	while (v < p + len && (*v == ' ' || *v == '\t'))
		v++;
	size_t vlen = (size_t)(p + len - v);
	char **slot = NULL;
#define HDR(name) (nlen == sizeof(name) - 1 && !strncasecmp(p, name, nlen))
	if (HDR("content-type"))
		slot = &rs->content_type;
	else if (HDR("docker-content-digest"))
		slot = &rs->digest;
	else if (HDR("location"))
		slot = &rs->location;
	else if (HDR("link"))
		slot = &rs->link;
	else if (HDR("retry-after"))
		slot = &rs->retry_after;
	else if (HDR("www-authenticate")) {
		if (rs->nchallenges < 16) {
			rs->challenges = xrealloc(rs->challenges, (rs->nchallenges + 1) * sizeof *rs->challenges);
			rs->challenges[rs->nchallenges++] = xstrndup(v, vlen);
		}
	} else if (HDR("content-length")) {
		char *end;
		errno = 0;
		long long cl = strtoll(v, &end, 10);
		if (!errno && cl >= 0 && end != v)
			rs->content_length = cl;
	}
#undef HDR
	if (slot) {
		free(*slot);
		*slot = xstrndup(v, vlen);
	}
	return n;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	if (!is_2xx(x->rs->status)) {
		if (x->rs->errbody.len < MAX_ERRBODY)
			buf_append(&x->rs->errbody, p, n < MAX_ERRBODY ? n : MAX_ERRBODY);
		return n;
	}
	if (!x->q->sink.fn)
		return n;
	if (x->q->sink.fn(x->q->sink.ctx, p, n, &x->sink_err) != 0) {
		x->sink_failed = true;
		return 0; /* aborts the transfer */
	}
	x->rs->delivered += n;
	return n;
}

/* The connected address: "127.0.0.1" or "::1" (no port, no brackets). */
static bool ip_is_loopback(const char *ip)
{
	return ip && registry_host_is_loopback(ip);
}

static int on_prereq(void *ud, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
	struct xfer *x = ud;
	if (x->plain_http && !ip_is_loopback(primary_ip)) {
		x->refused = true;
		snprintf(x->refused_ip, sizeof x->refused_ip, "%s", primary_ip ? primary_ip : "?");
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static double seconds_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* A stall is no byte in either direction for timeout_s: libcurl's low-speed
 * check averages over several seconds, which lets a few early bytes hide a
 * dead connection for much longer than asked. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = ud;
	if (dlnow != x->last_dl || ulnow != x->last_ul) {
		x->last_dl = dlnow;
		x->last_ul = ulnow;
		clock_gettime(CLOCK_MONOTONIC, &x->last_progress);
		return 0;
	}
	if (seconds_since(&x->last_progress) >= x->timeout_s) {
		x->stalled = true;
		return 1; /* aborts the transfer */
	}
	return 0;
}

static CURLcode perform(const struct registry *r, struct xfer *x, const char *url, const struct url_parts *u,
			const char *auth, char *errbuf)
{
	const struct req *q = x->q;
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(errbuf, CURL_ERROR_SIZE, "cannot initialise libcurl");
		return CURLE_FAILED_INIT;
	}
	struct curl_slist *h = NULL;
	char *line;
	if (q->accept) {
		line = xasprintf("Accept: %s", q->accept);
		h = curl_slist_append(h, line);
		free(line);
	}
	if (auth) {
		line = xasprintf("Authorization: %s", auth);
		h = curl_slist_append(h, line);
		explicit_bzero(line, strlen(line));
		free(line);
	}
	if (q->content_type) {
		line = xasprintf("Content-Type: %s", q->content_type);
		h = curl_slist_append(h, line);
		free(line);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	long t = r->timeout_s;
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, t < 30 ? t : 30L);
	x->timeout_s = r->timeout_s;
	clock_gettime(CLOCK_MONOTONIC, &x->last_progress);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	if (q->bounded_time)
		curl_easy_setopt(c, CURLOPT_TIMEOUT, t < 30 ? 120L : 4 * t); /* a slow drip of a small answer */
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	x->plain_http = !strcasecmp(u->scheme, "http");
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, x);
	char *hostport = xasprintf("%s:%s", u->host, u->port);
	if (registry_host_is_loopback(hostport))
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* a proxy would make the address non-loopback */
	free(hostport);
	if (!strcmp(q->method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(q->method, "POST") || !strcmp(q->method, "PUT")) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
		if (!strcmp(q->method, "PUT"))
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
	}
	CURLcode cc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return cc;
}

static bool retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static void backoff(int attempt, const char *retry_after)
{
	/* 250 ms, 500 ms, 1 s, … at most 4 s; a Retry-After of up to 10 s wins. */
	long ms = 250L << (attempt - 1 < 4 ? attempt - 1 : 4);
	if (ms > 4000)
		ms = 4000;
	if (retry_after) {
		char *end;
		long s = strtol(retry_after, &end, 10);
		if (end != retry_after && s >= 0 && s <= 10)
			ms = s * 1000;
	}
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Text from a stranger, made safe for one line: printable ASCII, capped. */
static void clean_text(char *out, size_t cap, const char *in)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < cap; p++)
		out[o++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	out[o] = 0;
}

/* "CODE message" from a distribution error body, else the reason phrase. */
static void error_detail(const struct resp *rs, char *out, size_t cap)
{
	json_t *j = rs->errbody.len ? json_loadb((const char *)rs->errbody.data, rs->errbody.len, 0, NULL) : NULL;
	json_t *first = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(first, "code"));
	const char *msg = json_string_value(json_object_get(first, "message"));
	char tmp[512];
	if (code || msg)
		snprintf(tmp, sizeof tmp, "%s%s%s", code ? code : "", code && msg ? " " : "", msg ? msg : "");
	else if (rs->reason && *rs->reason)
		snprintf(tmp, sizeof tmp, "%s", rs->reason);
	else
		snprintf(tmp, sizeof tmp, "(no details)");
	json_decref(j);
	clean_text(out, cap < 300 ? cap : 300, tmp);
}

static void http_error(struct err *e, const struct req *q, const struct resp *rs, const char *hint)
{
	char detail[300];
	error_detail(rs, detail, sizeof detail);
	err_set(e, "registry %s: %s: %ld %s%s", q->ref->host, q->what, rs->status, detail, hint ? hint : "");
}

/* ---- authentication -------------------------------------------------------- */

static char *auth_key(const char *endpoint, const char *scope)
{
	return xasprintf("%s %s", endpoint, scope ? scope : "");
}

/* The Authorization to send to endpoint for scope (new string), if known. */
static char *auth_lookup(struct registry *r, const char *endpoint, const char *scope)
{
	if (!scope)
		return NULL;
	char *k1 = auth_key(endpoint, scope), *k2 = auth_key(endpoint, "");
	pthread_mutex_lock(&r->mu);
	const char *v = strmap_get(&r->auth, k1);
	if (!v)
		v = strmap_get(&r->auth, k2);
	char *out = v ? xstrdup(v) : NULL;
	pthread_mutex_unlock(&r->mu);
	free(k1);
	free(k2);
	return out;
}

static void auth_store(struct registry *r, const char *endpoint, const char *scope, const char *value)
{
	char *k = auth_key(endpoint, scope);
	pthread_mutex_lock(&r->mu);
	void **slot = strmap_put(&r->auth, k);
	free(*slot);
	*slot = xstrdup(value);
	pthread_mutex_unlock(&r->mu);
	free(k);
}

/* 1 with credentials, 0 without, -1 on a broken docker config. */
static int credentials(struct registry *r, const char *host, char **user, char **password, struct err *e)
{
	if (r->username) {
		*user = xstrdup(r->username);
		*password = xstrdup(r->password);
		return 1;
	}
	return registry_docker_credentials(r->docker_config, host, user, password, e);
}

static char *basic_value(const char *user, const char *password)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *plain = xasprintf("%s:%s", user, password);
	size_t n = strlen(plain);
	char *out = xmalloc(6 + (n + 2) / 3 * 4 + 1);
	char *o = out + sprintf(out, "Basic ");
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)plain[i + 2];
		*o++ = tbl[(v >> 18) & 63];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*o = 0;
	explicit_bzero(plain, n);
	free(plain);
	return out;
}

static int request(struct registry *r, const struct req *q, struct resp *rs, struct err *e);

static int buf_sink(void *ctx, const void *p, size_t n, struct err *e)
{
	struct buf *b = ctx;
	(void)e;
	buf_append(b, p, n);
	return 0;
}

struct capped {
	struct buf b;
	size_t cap;
	const char *host, *what;
};

static int capped_sink(void *ctx, const void *p, size_t n, struct err *e)
{
	struct capped *c = ctx;
	if (c->b.len + n > c->cap) {
		err_set(e, "registry %s: %s: larger than %zu bytes", c->host, c->what, c->cap);
		return -1;
	}
	return buf_sink(&c->b, p, n, e);
}

static void capped_reset(void *ctx)
{
	struct capped *c = ctx;
	buf_free(&c->b);
}

static const char *const no_creds_hint =
	" (authentication required: give credentials with --username/--password, VIGIL_USERNAME/VIGIL_PASSWORD or "
	"docker login)";

/* After a 401 on q: the Authorization to retry with (*out, new string). */
static int authenticate(struct registry *r, const struct req *q, const struct resp *rs, char **out, struct err *e)
{
	struct registry_challenge ch = {0};
	for (size_t i = 0; i < rs->nchallenges && ch.scheme != REGISTRY_AUTH_BEARER; i++) {
		struct registry_challenge c;
		if (registry_parse_challenge(rs->challenges[i], &c) != 0 || c.scheme == REGISTRY_AUTH_NONE) {
			registry_challenge_free(&c);
			continue;
		}
		if (ch.scheme == REGISTRY_AUTH_NONE || c.scheme == REGISTRY_AUTH_BEARER) {
			registry_challenge_free(&ch);
			ch = c;
		} else {
			registry_challenge_free(&c);
		}
	}
	if (ch.scheme == REGISTRY_AUTH_NONE) {
		http_error(e, q, rs, " (no usable WWW-Authenticate challenge)");
		return -1;
	}
	char *user = NULL, *password = NULL;
	struct err ce = {{0}};
	int have = credentials(r, q->ref->host, &user, &password, &ce);
	if (have < 0) {
		err_set(e, "registry %s: %s", q->ref->host, ce.msg);
		registry_challenge_free(&ch);
		return -1;
	}
	const char *endpoint = registry_ref_endpoint(q->ref);
	int rc = -1;
	if (ch.scheme == REGISTRY_AUTH_BASIC) {
		if (!have) {
			http_error(e, q, rs, no_creds_hint);
			goto out;
		}
		*out = basic_value(user, password);
		auth_store(r, endpoint, "", *out);
		rc = 0;
		goto out;
	}
	/* Bearer: ask the realm for a token, with the credentials if any. */
	if (!ch.realm || !*ch.realm) {
		http_error(e, q, rs, " (Bearer challenge without a realm)");
		goto out;
	}
	struct url_parts ru;
	if (url_split(ch.realm, &ru) != 0) {
		err_set(e, "registry %s: %s: token realm is not a URL", q->ref->host, q->what);
		goto out;
	}
	char *realm_host = xasprintf("%s:%s", ru.host, ru.port);
	bool ok_scheme = !strcasecmp(ru.scheme, "https") ||
			 (!strcasecmp(ru.scheme, "http") && plain_http_allowed(r, realm_host));
	url_parts_free(&ru);
	if (!ok_scheme) {
		char realm[200];
		clean_text(realm, sizeof realm, ch.realm);
		err_set(e, "registry %s: %s: refusing token realm %s (HTTPS only; plain HTTP only to loopback with "
			   "--insecure)",
			q->ref->host, q->what, realm);
		free(realm_host);
		goto out;
	}
	char *url = xstrdup(ch.realm);
	if (ch.service) {
		char *u2 = url_add_query(url, "service", ch.service);
		free(url);
		url = u2;
	}
	const char *scopes = ch.scope && *ch.scope ? ch.scope : q->scope;
	char *scopes_copy = xstrdup(scopes), *save = NULL;
	for (char *s = strtok_r(scopes_copy, " ", &save); s && url; s = strtok_r(NULL, " ", &save)) {
		char *u2 = url_add_query(url, "scope", s);
		free(url);
		url = u2;
	}
	free(scopes_copy);
	if (!url) {
		err_set(e, "registry %s: %s: cannot build the token URL", q->ref->host, q->what);
		free(realm_host);
		goto out;
	}
	char *cred = have ? basic_value(user, password) : NULL;
	struct capped reply = {.cap = MAX_TOKEN_REPLY, .host = q->ref->host, .what = "token reply"};
	char *what = xasprintf("token from %s for %s", realm_host, scopes);
	struct req tq = {
		.ref = q->ref,
		.method = "GET",
		.url = url,
		.what = what,
		.fixed_auth = cred,
		.bounded_time = true,
		.sink = {capped_sink, capped_reset, &reply},
	};
	struct resp trs = {.content_length = -1};
	int trc = request(r, &tq, &trs, e);
	if (trc != 0 && (trs.status == 401 || trs.status == 403))
		http_error(e, &tq, &trs, have ? " (credentials rejected)" : no_creds_hint);
	if (trc == 0) {
		json_t *j = json_loadb((const char *)reply.b.data, reply.b.len, 0, NULL);
		const char *tok = json_string_value(json_object_get(j, "token"));
		if (!tok || !*tok)
			tok = json_string_value(json_object_get(j, "access_token"));
		bool valid = tok && *tok && strlen(tok) < 16384;
		for (const char *p = tok; valid && *p; p++)
			valid = *p > 0x20 && *p < 0x7f; /* no header injection */
		if (!valid) {
			err_set(e, "registry %s: %s: the token server answered without a usable token", q->ref->host, what);
		} else {
			*out = xasprintf("Bearer %s", tok);
			auth_store(r, endpoint, q->scope, *out);
			rc = 0;
		}
		json_decref(j);
	}
	resp_clear(&trs);
	buf_free(&reply.b);
	if (cred) {
		explicit_bzero(cred, strlen(cred));
		free(cred);
	}
	free(what);
	free(url);
	free(realm_host);
out:
	registry_challenge_free(&ch);
	if (user)
		explicit_bzero(user, strlen(user));
	if (password)
		explicit_bzero(password, strlen(password));
	free(user);
	free(password);
	return rc;
}

/* ---- the request loop ---------------------------------------------------- */

static bool is_redirect(long s)
{
	return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

static int request(struct registry *r, const struct req *q, struct resp *rs, struct err *e)
{
	struct url_parts origin;
	if (url_split(q->url, &origin) != 0) {
		err_set(e, "registry %s: %s: bad URL", q->ref->host, q->what);
		return -1;
	}
	char *url = xstrdup(q->url);
	char *auth = q->fixed_auth ? xstrdup(q->fixed_auth) : auth_lookup(r, registry_ref_endpoint(q->ref), q->scope);
	bool auth_done = q->scope == NULL;
	int attempt = 1, hops = 0, rc = -1;
	for (;;) {
		struct url_parts u;
		if (url_split(url, &u) != 0) {
			err_set(e, "registry %s: %s: bad redirect URL", q->ref->host, q->what);
			break;
		}
		char *hostport = xasprintf("%s:%s", u.host, u.port);
		bool http = !strcasecmp(u.scheme, "http");
		if (!(!strcasecmp(u.scheme, "https") || (http && plain_http_allowed(r, hostport)))) {
			err_set(e, "registry %s: %s: refusing %s://%s: %s", q->ref->host, q->what, u.scheme, hostport,
				http ? "plain HTTP is allowed only to loopback registries, with --insecure"
				     : "not HTTP(S)");
			free(hostport);
			url_parts_free(&u);
			break;
		}
		free(hostport);
		bool same = same_origin(&u, &origin);
		resp_clear(rs);
		struct xfer x = {.q = q, .rs = rs};
		char errbuf[CURL_ERROR_SIZE] = "";
		CURLcode cc = perform(r, &x, url, &u, same ? auth : NULL, errbuf);
		url_parts_free(&u);
		if (x.sink_failed) {
			*e = x.sink_err;
			break;
		}
		if (x.refused) {
			err_set(e, "registry %s: %s: refusing plain HTTP to %s, which is not a loopback address", q->ref->host,
				q->what, x.refused_ip);
			break;
		}
		bool rewindable = rs->delivered == 0 || q->sink.reset;
		if (x.stalled)
			cc = CURLE_OPERATION_TIMEDOUT;
		if (cc != CURLE_OK) {
			if (retryable(cc) && attempt < r->max_attempts && rewindable) {
				if (q->sink.reset)
					q->sink.reset(q->sink.ctx);
				backoff(attempt++, NULL);
				continue;
			}
			char why[CURL_ERROR_SIZE + 64];
			if (cc == CURLE_OPERATION_TIMEDOUT)
				snprintf(why, sizeof why, "timed out (no data for %d s)", r->timeout_s);
			else
				snprintf(why, sizeof why, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
			/* TLS spoken to a plain-HTTP registry fails this way. */
			bool hint = cc == CURLE_SSL_CONNECT_ERROR && !r->insecure &&
				    registry_host_is_loopback(q->ref->host) && q->scope;
			err_set(e, "registry %s: %s: %s%s", q->ref->host, q->what, why,
				hint ? " (a plain-HTTP registry on a loopback address needs --insecure)" : "");
			if (attempt > 1) {
				size_t l = strlen(e->msg);
				snprintf(e->msg + l, sizeof e->msg - l, " (after %d attempts)", attempt);
			}
			break;
		}
		long st = rs->status;
		if (st == 401 && same && !auth_done) {
			auth_done = true;
			char *fresh = NULL;
			if (authenticate(r, q, rs, &fresh, e) != 0)
				break;
			free(auth);
			auth = fresh;
			if (q->sink.reset)
				q->sink.reset(q->sink.ctx);
			continue;
		}
		if (st == 401) {
			if (q->scope)
				http_error(e, q, rs, " (authentication failed: the registry refused the credentials or token)");
			else
				http_error(e, q, rs, NULL);
			break;
		}
		if (is_redirect(st) && rs->location && (!strcmp(q->method, "GET") || !strcmp(q->method, "HEAD"))) {
			if (++hops > MAX_REDIRECTS) {
				err_set(e, "registry %s: %s: more than %d redirects", q->ref->host, q->what, MAX_REDIRECTS);
				break;
			}
			char *next = url_resolve(url, rs->location);
			if (!next) {
				err_set(e, "registry %s: %s: bad redirect Location", q->ref->host, q->what);
				break;
			}
			free(url);
			url = next;
			continue;
		}
		if ((st == 429 || st >= 500) && attempt < r->max_attempts && rewindable) {
			if (q->sink.reset)
				q->sink.reset(q->sink.ctx);
			backoff(attempt++, rs->retry_after);
			continue;
		}
		if (is_2xx(st)) {
			rc = 0;
			break;
		}
		http_error(e, q, rs, NULL);
		rc = st == 404 ? REGISTRY_NOT_FOUND : -1;
		break;
	}
	if (auth)
		explicit_bzero(auth, strlen(auth));
	free(auth);
	free(url);
	url_parts_free(&origin);
	return rc;
}

/* ---- the API ----------------------------------------------------------------- */

static char *pull_scope(const struct registry_ref *ref)
{
	return xasprintf("repository:%s:pull", ref->repository);
}

static char *push_scope(const struct registry_ref *ref)
{
	return xasprintf("repository:%s:pull,push", ref->repository);
}

static bool media_type_in(const char *mt, const char *const *list)
{
	for (size_t i = 0; mt && list[i]; i++)
		if (!strcmp(mt, list[i]))
			return true;
	return false;
}

static const char *const all_manifest_types[] = {REGISTRY_OCI_MANIFEST, REGISTRY_OCI_INDEX, REGISTRY_DOCKER_MANIFEST,
						 REGISTRY_DOCKER_LIST, NULL};

/* The media type a manifest declares in its own JSON, for registries that
 * answer with a generic Content-Type. */
static char *declared_media_type(const struct buf *b)
{
	json_t *j = json_loadb((const char *)b->data, b->len, 0, NULL);
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	char *out = NULL;
	if (mt)
		out = xstrdup(mt);
	else if (json_is_array(json_object_get(j, "manifests")))
		out = xstrdup(REGISTRY_OCI_INDEX);
	else if (json_is_object(json_object_get(j, "config")))
		out = xstrdup(REGISTRY_OCI_MANIFEST);
	json_decref(j);
	return out;
}

int registry_get_manifest(struct registry *r, const struct registry_ref *ref, const char *const *accept,
			  struct registry_manifest *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!accept)
		accept = all_manifest_types;
	struct buf acc = {0};
	for (size_t i = 0; accept[i]; i++)
		buf_appendf(&acc, "%s%s", i ? ", " : "", accept[i]);
	const char *reference = ref->digest ? ref->digest : ref->tag;
	char *base = base_url(r, ref);
	char *url = xasprintf("%s/v2/%s/manifests/%s", base, ref->repository, reference);
	char *what = xasprintf("manifest %s%s%s", ref->repository, ref->digest ? "@" : ":", reference);
	char *scope = pull_scope(ref);
	struct capped body = {.cap = REGISTRY_MAX_MANIFEST, .host = ref->host, .what = what};
	struct req q = {
		.ref = ref,
		.method = "GET",
		.url = url,
		.accept = (const char *)acc.data,
		.scope = scope,
		.what = what,
		.bounded_time = true,
		.sink = {capped_sink, capped_reset, &body},
	};
	struct resp rs = {.content_length = -1};
	int rc = request(r, &q, &rs, e);
	if (rc != 0)
		goto out;
	if (!body.b.data)
		buf_append(&body.b, "", 0);
	sha256_digest_of(body.b.data, body.b.len, out->digest);
	rc = -1;
	if (ref->digest && strcmp(ref->digest, out->digest) != 0) {
		err_set(e, "registry %s: %s: digest mismatch: content hashes to %s", ref->host, what, out->digest);
		goto out;
	}
	if (rs.digest && !strncmp(rs.digest, "sha256:", 7) && strcmp(rs.digest, out->digest) != 0) {
		char said[80];
		clean_text(said, sizeof said, rs.digest);
		err_set(e, "registry %s: %s: digest mismatch: the registry says %s, content hashes to %s", ref->host,
			what, said, out->digest);
		goto out;
	}
	char *mt = NULL;
	if (rs.content_type) {
		size_t n = strcspn(rs.content_type, ";");
		while (n && (rs.content_type[n - 1] == ' ' || rs.content_type[n - 1] == '\t'))
			n--;
		mt = xstrndup(rs.content_type, n);
	}
	if (!mt || !*mt || !strcmp(mt, "application/json") || !strcmp(mt, "text/plain") ||
	    !strcmp(mt, "application/octet-stream")) {
		free(mt);
		mt = declared_media_type(&body.b);
	}
	if (!media_type_in(mt, accept)) {
		char shown[200];
		clean_text(shown, sizeof shown, mt ? mt : "(none)");
		err_set(e, "registry %s: %s: unsupported manifest media type %s", ref->host, what, shown);
		free(mt);
		goto out;
	}
	out->media_type = mt;
	out->bytes = body.b;
	memset(&body.b, 0, sizeof body.b);
	rc = 0;
out:
	if (rc != 0)
		registry_manifest_free(out);
	buf_free(&body.b);
	resp_clear(&rs);
	buf_free(&acc);
	free(base);
	free(url);
	free(what);
	free(scope);
	return rc;
}

static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, REGISTRY_OCI_INDEX) || !strcmp(mt, REGISTRY_DOCKER_LIST));
}

/* "os/arch[/variant]" split into three strings inside buf. */
static int split_platform(const char *p, char *buf, size_t cap, const char **os, const char **arch,
			  const char **variant)
{
	if (!p || strlen(p) >= cap)
		return -1;
	strcpy(buf, p);
	char *s1 = strchr(buf, '/');
	if (!s1)
		return -1;
	*s1 = 0;
	char *s2 = strchr(s1 + 1, '/');
	if (s2)
		*s2 = 0;
	*os = buf;
	*arch = s1 + 1;
	*variant = s2 ? s2 + 1 : NULL;
	return **os && **arch ? 0 : -1;
}

static bool platform_matches(json_t *pl, const char *os, const char *arch, const char *variant)
{
	const char *pos = json_string_value(json_object_get(pl, "os"));
	const char *parch = json_string_value(json_object_get(pl, "architecture"));
	const char *pvar = json_string_value(json_object_get(pl, "variant"));
	if (!pos || !parch || strcmp(pos, os) || strcmp(parch, arch))
		return false;
	if (!variant)
		return true;
	if (pvar)
		return !strcmp(pvar, variant);
	/* arm64 without a variant is v8 */
	return !strcmp(arch, "arm64") && !strcmp(variant, "v8");
}

int registry_pick_platform(const struct buf *index, const char *platform, char digest[72], char **media_type,
			   struct err *e)
{
	*media_type = NULL;
	if (!platform)
		platform = host_platform();
	char pbuf[256];
	const char *os, *arch, *variant;
	if (split_platform(platform, pbuf, sizeof pbuf, &os, &arch, &variant) != 0) {
		err_set(e, "bad platform '%s' (want os/arch[/variant])", platform);
		return -1;
	}
	json_error_t je;
	json_t *j = json_loadb((const char *)index->data, index->len, 0, &je);
	if (!j) {
		err_set(e, "index: invalid JSON at line %d: %s", je.line, je.text);
		return -1;
	}
	json_t *list = json_object_get(j, "manifests");
	int rc = -1;
	if (!json_is_array(list) || json_array_size(list) == 0) {
		err_set(e, "index has no manifests");
		goto out;
	}
	size_t i;
	json_t *d;
	struct buf have = {0};
	json_array_foreach(list, i, d)
	{
		json_t *pl = json_object_get(d, "platform");
		if (!platform_matches(pl, os, arch, variant)) {
			const char *pos = json_string_value(json_object_get(pl, "os"));
			const char *parch = json_string_value(json_object_get(pl, "architecture"));
			const char *pvar = json_string_value(json_object_get(pl, "variant"));
			if (pos && parch && have.len < 400)
				buf_appendf(&have, "%s%s/%s%s%s", have.len ? ", " : "", pos, parch, pvar ? "/" : "",
					    pvar ? pvar : "");
			continue;
		}
		const char *dg = json_string_value(json_object_get(d, "digest"));
		if (!registry_digest_valid(dg)) {
			err_set(e, "index: the manifest for %s has an invalid or unsupported digest", platform);
			buf_free(&have);
			goto out;
		}
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		strcpy(digest, dg);
		*media_type = mt ? xstrdup(mt) : NULL;
		rc = 0;
		break;
	}
	if (rc != 0) {
		char shown[420];
		clean_text(shown, sizeof shown, have.data ? (const char *)have.data : "none with a platform");
		err_set(e, "no manifest for platform %s in the index (it has: %s); choose one with --platform", platform,
			shown);
	}
	buf_free(&have);
out:
	json_decref(j);
	return rc;
}

int registry_get_image_manifest(struct registry *r, const struct registry_ref *ref, const char *platform,
				struct registry_manifest *manifest, struct registry_manifest *index, struct err *e)
{
	if (index)
		memset(index, 0, sizeof *index);
	struct registry_manifest top;
	int rc = registry_get_manifest(r, ref, NULL, &top, e);
	if (rc != 0)
		return rc;
	/* An index names the platform's manifest; nested indexes are followed
	 * twice at most. */
	struct registry_manifest cur = top;
	struct registry_ref child = {.host = ref->host, .repository = ref->repository};
	for (int depth = 0; is_index_type(cur.media_type); depth++) {
		char dg[72];
		char *mt = NULL;
		struct err pe = {{0}};
		if (depth >= 2 || registry_pick_platform(&cur.bytes, platform, dg, &mt, &pe) != 0) {
			if (depth >= 2)
				err_set(&pe, "indexes nested too deeply");
			char *name = registry_ref_string(ref);
			err_set(e, "registry %s: %s: %s", ref->host, name, pe.msg);
			free(name);
			registry_manifest_free(&cur);
			if (depth > 0)
				registry_manifest_free(&top);
			return -1;
		}
		free(mt);
		child.digest = dg;
		struct registry_manifest next;
		rc = registry_get_manifest(r, &child, NULL, &next, e);
		if (depth > 0)
			registry_manifest_free(&cur);
		if (rc != 0) {
			registry_manifest_free(&top);
			return rc;
		}
		cur = next;
	}
	*manifest = cur;
	if (cur.bytes.data != top.bytes.data) {
		if (index)
			*index = top;
		else
			registry_manifest_free(&top);
	}
	return 0;
}

struct blob_sink {
	struct sha256 h;
	uint64_t count;
	int64_t size;
	uint64_t cap;
	const char *host, *digest;
	registry_blob_fn fn;
	void *ctx;
};

static int blob_sink_fn(void *ctx, const void *p, size_t n, struct err *e)
{
	struct blob_sink *s = ctx;
	if (s->size >= 0 && s->count + n > (uint64_t)s->size) {
		err_set(e, "registry %s: blob %s: longer than the %lld bytes the manifest states", s->host, s->digest,
			(long long)s->size);
		return -1;
	}
	if (s->count + n > s->cap) {
		err_set(e, "registry %s: blob %s: larger than the %llu-byte limit", s->host, s->digest,
			(unsigned long long)s->cap);
		return -1;
	}
	sha256_update(&s->h, p, n);
	s->count += n;
	return s->fn(s->ctx, p, n, e);
}

int registry_get_blob(struct registry *r, const struct registry_ref *ref, const char *digest, int64_t size,
		      registry_blob_fn fn, void *ctx, struct err *e)
{
	if (!registry_digest_valid(digest)) {
		err_set(e, "registry %s: blob '%s': invalid or unsupported digest", ref->host, digest ? digest : "");
		return -1;
	}
	if (size >= 0 && (uint64_t)size > r->max_blob) {
		err_set(e, "registry %s: blob %s: %lld bytes, over the %llu-byte limit", ref->host, digest,
			(long long)size, (unsigned long long)r->max_blob);
		return -1;
	}
	char *base = base_url(r, ref);
	char *url = xasprintf("%s/v2/%s/blobs/%s", base, ref->repository, digest);
	char *what = xasprintf("blob %s", digest);
	char *scope = pull_scope(ref);
	struct blob_sink s = {.size = size, .cap = r->max_blob, .host = ref->host, .digest = digest, .fn = fn, .ctx = ctx};
	sha256_init(&s.h);
	struct req q = {
		.ref = ref,
		.method = "GET",
		.url = url,
		.scope = scope,
		.what = what,
		.sink = {blob_sink_fn, NULL, &s},
	};
	struct resp rs = {.content_length = -1};
	int rc = request(r, &q, &rs, e);
	char got[72];
	sha256_final_digest(&s.h, got);
	if (rc == 0 && size >= 0 && s.count != (uint64_t)size) {
		err_set(e, "registry %s: %s: %llu bytes, the manifest states %lld", ref->host, what,
			(unsigned long long)s.count, (long long)size);
		rc = -1;
	} else if (rc == 0 && strcmp(got, digest) != 0) {
		err_set(e, "registry %s: %s: digest mismatch: content hashes to %s", ref->host, what, got);
		rc = -1;
	}
	resp_clear(&rs);
	free(base);
	free(url);
	free(what);
	free(scope);
	return rc;
}

int registry_blob_exists(struct registry *r, const struct registry_ref *ref, const char *digest, struct err *e)
{
	if (!registry_digest_valid(digest)) {
		err_set(e, "registry %s: blob '%s': invalid or unsupported digest", ref->host, digest ? digest : "");
		return -1;
	}
	char *base = base_url(r, ref);
	char *url = xasprintf("%s/v2/%s/blobs/%s", base, ref->repository, digest);
	char *what = xasprintf("blob %s", digest);
	char *scope = pull_scope(ref);
	struct req q = {.ref = ref, .method = "HEAD", .url = url, .scope = scope, .what = what, .bounded_time = true};
	struct resp rs = {.content_length = -1};
	int rc = request(r, &q, &rs, e);
	resp_clear(&rs);
	free(base);
	free(url);
	free(what);
	free(scope);
	return rc == 0 ? 1 : rc == REGISTRY_NOT_FOUND ? 0 : -1;
}

int registry_put_blob(struct registry *r, const struct registry_ref *ref, const void *data, size_t len,
		      char digest[72], struct err *e)
{
	char dg[72];
	sha256_digest_of(data, len, dg);
	if (digest)
		strcpy(digest, dg);
	int ex = registry_blob_exists(r, ref, dg, e);
	if (ex != 0)
		return ex > 0 ? 0 : -1;
	char *base = base_url(r, ref);
	char *url = xasprintf("%s/v2/%s/blobs/uploads/", base, ref->repository);
	char *what = xasprintf("upload of blob %s", dg);
	char *scope = push_scope(ref);
	struct req q = {.ref = ref, .method = "POST", .url = url, .scope = scope, .what = what, .bounded_time = true};
	struct resp rs = {.content_length = -1};
	int rc = request(r, &q, &rs, e);
	char *put = NULL;
	if (rc == 0) {
		char *loc = rs.location ? url_resolve(url, rs.location) : NULL;
		put = loc ? url_add_query(loc, "digest", dg) : NULL;
		free(loc);
		if (!put) {
			err_set(e, "registry %s: %s: the registry gave no upload Location", ref->host, what);
			rc = -1;
		}
	}
	if (rc == 0) {
		struct req pq = {
			.ref = ref,
			.method = "PUT",
			.url = put,
			.content_type = "application/octet-stream",
			.body = data,
			.body_len = len,
			.scope = scope,
			.what = what,
		};
		rc = request(r, &pq, &rs, e);
	}
	resp_clear(&rs);
	free(put);
	free(base);
	free(url);
	free(what);
	free(scope);
	return rc == 0 ? 0 : -1;
}

int registry_put_manifest(struct registry *r, const struct registry_ref *ref, const char *reference,
			  const void *data, size_t len, const char *media_type, char digest[72], struct err *e)
{
	char dg[72];
	sha256_digest_of(data, len, dg);
	if (digest)
		strcpy(digest, dg);
	if (!reference)
		reference = ref->tag ? ref->tag : ref->digest;
	if (!reference || !media_type) {
		err_set(e, "registry %s: manifest for %s: no tag or media type to push with", ref->host, ref->repository);
		return -1;
	}
	if (len > REGISTRY_MAX_MANIFEST) {
		err_set(e, "registry %s: manifest %s: larger than %d bytes", ref->host, reference, REGISTRY_MAX_MANIFEST);
		return -1;
	}
	bool by_digest = !strncmp(reference, "sha256:", 7);
	if (by_digest && strcmp(reference, dg) != 0) {
		err_set(e, "registry %s: manifest %s: content hashes to %s", ref->host, reference, dg);
		return -1;
	}
	char *base = base_url(r, ref);
	char *url = xasprintf("%s/v2/%s/manifests/%s", base, ref->repository, reference);
	char *what = xasprintf("manifest %s%s%s", ref->repository, by_digest ? "@" : ":", reference);
	char *scope = push_scope(ref);
	struct req q = {
		.ref = ref,
		.method = "PUT",
		.url = url,
		.content_type = media_type,
		.body = data,
		.body_len = len,
		.scope = scope,
		.what = what,
		.bounded_time = true,
	};
	struct resp rs = {.content_length = -1};
	int rc = request(r, &q, &rs, e);
	resp_clear(&rs);
	free(base);
	free(url);
	free(what);
	free(scope);
	return rc == 0 ? 0 : -1;
}

/* The URL of a Link: <…>; rel="next" header, resolved against url. */
static char *next_link(const char *url, const char *link)
{
	if (!link || !strstr(link, "rel=\"next\""))
		return NULL;
	const char *lt = strchr(link, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (!gt)
		return NULL;
	char *target = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	char *res = url_resolve(url, target);
	free(target);
	return res;
}

int registry_list_tags(struct registry *r, const struct registry_ref *ref, char ***tags, size_t *ntags,
		       struct err *e)
{
	*tags = NULL;
	*ntags = 0;
	char *base = base_url(r, ref);
	char *url = xasprintf("%s/v2/%s/tags/list", base, ref->repository);
	char *what = xasprintf("tags of %s", ref->repository);
	char *scope = pull_scope(ref);
	size_t cap = 0;
	int rc = 0;
	for (int page = 0; url && rc == 0; page++) {
		if (page >= MAX_TAG_PAGES) {
			err_set(e, "registry %s: %s: more than %d pages", ref->host, what, MAX_TAG_PAGES);
			rc = -1;
			break;
		}
		struct capped body = {.cap = REGISTRY_MAX_MANIFEST, .host = ref->host, .what = what};
		struct req q = {
			.ref = ref,
			.method = "GET",
			.url = url,
			.accept = "application/json",
			.scope = scope,
			.what = what,
			.bounded_time = true,
			.sink = {capped_sink, capped_reset, &body},
		};
		struct resp rs = {.content_length = -1};
		rc = request(r, &q, &rs, e);
		if (rc == 0) {
			json_t *j = json_loadb((const char *)body.b.data, body.b.len, 0, NULL);
			json_t *list = json_object_get(j, "tags");
			if (!j || !(json_is_array(list) || json_is_null(list) || !list)) {
				err_set(e, "registry %s: %s: the answer is not a tag list", ref->host, what);
				rc = -1;
			}
			size_t i;
			json_t *t;
			json_array_foreach(list, i, t)
			{
				if (!json_is_string(t))
					continue;
				xgrow((void **)tags, &cap, *ntags + 1, sizeof **tags);
				(*tags)[(*ntags)++] = xstrdup(json_string_value(t));
			}
			json_decref(j);
		}
		char *next = rc == 0 ? next_link(url, rs.link) : NULL;
		resp_clear(&rs);
		buf_free(&body.b);
		free(url);
		url = next;
	}
	if (rc != 0) {
		for (size_t i = 0; i < *ntags; i++)
			free((*tags)[i]);
		free(*tags);
		*tags = NULL;
		*ntags = 0;
		rc = rc == REGISTRY_NOT_FOUND ? rc : -1;
	}
	free(url);
	free(base);
	free(what);
	free(scope);
	return rc;
}
