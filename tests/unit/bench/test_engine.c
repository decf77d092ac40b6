/* Unit tests for the Docker Engine client against a tiny fake daemon on a
 * Unix socket: JSON replies, the daemon's error messages, garbage, truncated
 * replies, and no daemon at all. */
#include "testutil.h"

#include "docker/engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct fake {
	int lfd;
	char dir[64], path[128];
	pthread_t tid;
};

static void reply(int fd, const char *status, const char *body, long claimed_len)
{
	char head[256];
	long len = claimed_len >= 0 ? claimed_len : (long)strlen(body);
	int n = snprintf(
		head, sizeof head,
		"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n",
		status, len);
	if (write(fd, head, (size_t)n) != n || write(fd, body, strlen(body)) != (ssize_t)strlen(body))
		return;
}

static void *serve(void *p)
{
	struct fake *f = p;
	for (;;) {
		int fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		char req[4096];
		size_t got = 0;
		while (got < sizeof req - 1) {
			ssize_t n = read(fd, req + got, sizeof req - 1 - got);
			if (n <= 0)
				break;
			got += (size_t)n;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[got] = '\0';
		if (!strncmp(req, "GET /ok ", 8))
			reply(fd, "200 OK", "{\"a\": 1}", -1);
		else if (!strncmp(req, "GET /containers/x%2Fy/json ", 27))
			reply(fd, "404 Not Found", "{\"message\": \"No such container: x/y\"}", -1);
		else if (!strncmp(req, "GET /html ", 10))
			reply(fd, "500 Internal Server Error", "<html>oops</html>", -1);
		else if (!strncmp(req, "GET /garbage ", 13))
			reply(fd, "200 OK", "not json", -1);
		else if (!strncmp(req, "GET /trunc ", 11))
			reply(fd, "200 OK", "{\"a\":", 100);
		else if (!strncmp(req, "GET /quit ", 10)) {
			close(fd);
			return NULL;
		} else
			reply(fd, "404 Not Found", "{\"message\": \"page not found\"}", -1);
		close(fd);
	}
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/vigil-engine.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/docker.sock", f->dir);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(f->path) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
	if (bind(f->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(f->lfd, 8) != 0)
		return -1;
	pthread_create(&f->tid, NULL, serve, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	struct err e;
	struct engine *en = engine_open(f->path, &e);
	json_decref(engine_get(en, "/quit", NULL, NULL, &e));
	engine_close(en);
	pthread_join(f->tid, NULL);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_replies(void **state)
{
	struct fake *f = *state;
	struct err e = {{0}};
	char *host = xasprintf("unix://%s", f->path);
	struct engine *en = engine_open(host, &e);
	free(host);
	assert_non_null(en);
	assert_string_equal(engine_socket(en), f->path);
	enum engine_status st;
	long http;

	json_t *j = engine_get(en, "/ok", &st, &http, &e);
	assert_non_null(j);
	assert_int_equal(st, ENGINE_OK);
	assert_int_equal(http, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "a")), 1);
	json_decref(j);

	char *id = engine_escape("x/y");
	assert_string_equal(id, "x%2Fy");
	char *ref = engine_escape_ref("registry:5000/app@sha256:ab cd?");
	assert_string_equal(ref, "registry:5000/app@sha256:ab%20cd%3F");
	free(ref);
	char *path = xasprintf("/containers/%s/json", id);
	assert_null(engine_get(en, path, &st, &http, &e));
	assert_int_equal(st, ENGINE_HTTP);
	assert_int_equal(http, 404);
	assert_non_null(strstr(e.msg, "No such container: x/y (HTTP 404)"));
	free(path);
	free(id);

	assert_null(engine_get(en, "/html", &st, &http, &e));
	assert_int_equal(st, ENGINE_HTTP);
	assert_non_null(strstr(e.msg, "<html>oops</html> (HTTP 500)"));

	assert_null(engine_get(en, "/garbage", &st, &http, &e));
	assert_int_equal(st, ENGINE_BAD_REPLY);
	assert_non_null(strstr(e.msg, "not JSON"));

	assert_null(engine_get(en, "/trunc", &st, &http, &e));
	assert_int_equal(st, ENGINE_BAD_REPLY);

	/* The connection is usable after errors. */
	j = engine_get(en, "/ok", &st, NULL, &e);
	assert_non_null(j);
	json_decref(j);
	engine_close(en);
}

static void test_no_daemon(void **state)
{
	struct fake *f = *state;
	struct err e = {{0}};
	enum engine_status st;
	char *missing = xasprintf("%s/nothing.sock", f->dir);
	struct engine *en = engine_open(missing, &e);
	assert_non_null(en);
	assert_null(engine_get(en, "/info", &st, NULL, &e));
	assert_int_equal(st, ENGINE_NO_DAEMON);
	assert_non_null(strstr(e.msg, "cannot connect to the Docker daemon"));
	assert_non_null(strstr(e.msg, "no such socket"));
	engine_close(en);
	free(missing);

	/* A path that exists but is not a socket. */
	en = engine_open(f->dir, &e);
	assert_null(engine_get(en, "/info", &st, NULL, &e));
	assert_int_equal(st, ENGINE_NO_DAEMON);
	assert_non_null(strstr(e.msg, "not a socket"));
	engine_close(en);

	assert_null(engine_open("tcp://127.0.0.1:2375", &e));
	assert_non_null(strstr(e.msg, "only unix://"));
	assert_null(engine_open("unix://", &e));
}

static void test_env(void **state)
{
	(void)state;
	struct err e;
	unsetenv("DOCKER_HOST");
	char *s = engine_socket_from_env(&e);
	assert_string_equal(s, "/var/run/docker.sock");
	free(s);
	setenv("DOCKER_HOST", "unix:///tmp/x.sock", 1);
	s = engine_socket_from_env(&e);
	assert_string_equal(s, "/tmp/x.sock");
	free(s);
	setenv("DOCKER_HOST", "tcp://1.2.3.4:2375", 1);
	assert_null(engine_socket_from_env(&e));
	assert_non_null(strstr(e.msg, "only unix://"));
	unsetenv("DOCKER_HOST");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
