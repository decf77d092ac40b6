/* Reading an image from the local Docker Engine: GET /images/{name}/get over
 * the Unix socket named by DOCKER_HOST (default /var/run/docker.sock). The
 * response is a docker-archive tar; a thread copies it from libcurl into a
 * pipe that the one-pass tar bundle reads, so the image is streamed and never
 * stored whole, in memory or on disk. */
#include "source/bundle.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fetch {
	CURL *curl;
	int wfd;
	long status;
	struct buf errbody; /* body of a non-200 answer */
	CURLcode rc;
	char curl_err[CURL_ERROR_SIZE];
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct fetch *f = ud;
	size_t n = size * nmemb;
	if (!f->status)
		curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &f->status);
	if (f->status != 200) {
		if (f->errbody.len < 65536)
			buf_append(&f->errbody, p, n);
		return n;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(f->wfd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 0; /* reader went away: abort the transfer */
		off += (size_t)w;
	}
	return n;
}

static void *run(void *p)
{
	struct fetch *f = p;
	f->rc = curl_easy_perform(f->curl);
	if (!f->status)
		curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &f->status);
	close(f->wfd);
	return NULL;
}

static char *socket_path(struct err *e)
{
	const char *host = getenv("DOCKER_HOST");
	if (!host || !*host)
		return xstrdup("/var/run/docker.sock");
	if (!strncmp(host, "unix://", 7))
		return xstrdup(host + 7);
	err_set(e, "DOCKER_HOST=%s: only unix:// sockets are supported", host);
	return NULL;
}

struct bundle *bundle_open_daemon(const char *image_name, const struct walk_limits *lim, struct err *e)
{
	char *sock = socket_path(e);
	if (!sock)
		return NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct fetch f = {.curl = curl_easy_init()};
	if (!f.curl) {
		err_set(e, "cannot initialise libcurl");
		free(sock);
		return NULL;
	}
	char *esc = curl_easy_escape(f.curl, image_name, 0);
	char *url = xasprintf("http://localhost/images/%s/get", esc);
	curl_free(esc);
	curl_easy_setopt(f.curl, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(f.curl, CURLOPT_URL, url);
	curl_easy_setopt(f.curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(f.curl, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(f.curl, CURLOPT_ERRORBUFFER, f.curl_err);
	curl_easy_setopt(f.curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f.curl, CURLOPT_CONNECTTIMEOUT, 10L);
	int pfd[2];
	if (pipe(pfd) != 0) {
		err_set(e, "pipe: %s", strerror(errno));
		goto fail_early;
	}
	f.wfd = pfd[1];
	pthread_t tid;
	if (pthread_create(&tid, NULL, run, &f) != 0) {
		err_set(e, "cannot start a thread");
		close(pfd[0]);
		close(pfd[1]);
		goto fail_early;
	}
	char *name = xasprintf("docker daemon image %s", image_name);
	struct err te = {{0}};
	struct bundle *b = bundle_open_tar(name, pfd[0], lim, 1, &te);
	close(pfd[0]); /* unblocks the writer if we stopped early */
	pthread_join(tid, NULL);
	free(name);
	if (f.rc == CURLE_COULDNT_CONNECT || f.rc == CURLE_COULDNT_RESOLVE_HOST) {
		err_set(e, "cannot connect to the Docker daemon at unix://%s: is it running? (set DOCKER_HOST)", sock);
	} else if (f.status && f.status != 200) {
		json_t *j = json_loadb((const char *)f.errbody.data, f.errbody.len, 0, NULL);
		const char *msg = json_string_value(json_object_get(j, "message"));
		err_set(e, "docker daemon: image %s: %s (HTTP %ld)", image_name, msg ? msg : "request failed", f.status);
		json_decref(j);
	} else if (f.rc != CURLE_OK && f.rc != CURLE_WRITE_ERROR) {
		err_set(e, "docker daemon: %s", f.curl_err[0] ? f.curl_err : curl_easy_strerror(f.rc));
	} else if (!b) {
		*e = te;
	} else {
		goto ok;
	}
	bundle_free(b);
	b = NULL;
ok:
	buf_free(&f.errbody);
	curl_easy_cleanup(f.curl);
	free(url);
	free(sock);
	return b;
fail_early:
	curl_easy_cleanup(f.curl);
	free(url);
	free(sock);
	return NULL;
}

static size_t discard(char *p, size_t size, size_t nmemb, void *ud)
{
	(void)p;
	(void)ud;
	return size * nmemb;
}

/* GET /images/{name}/json: 200 means the daemon has it. Anything else (no
 * daemon, 404, an error) means "try the next image source". */
bool bundle_daemon_has_image(const char *image_name)
{
	struct err e = {{0}};
	char *sock = socket_path(&e);
	if (!sock)
		return false;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	if (!c) {
		free(sock);
		return false;
	}
	char *esc = curl_easy_escape(c, image_name, 0);
	char *url = xasprintf("http://localhost/images/%s/json", esc);
	curl_free(esc);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	free(url);
	free(sock);
	return status == 200;
}
