/* vigil db update against a local HTTP server (python3 -m http.server, which
 * answers If-Modified-Since with 304): downloads, conditional re-requests,
 * a changed feed, a failing download leaving the database unchanged, and
 * file:// URLs. */
#include "db/vdb.h"
#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct srv {
	char dir[64];
	char db[128];
	pid_t pid;
	int port;
};

static int start(void **state)
{
	struct srv *s = calloc(1, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/vigil-update-XXXXXX");
	if (!s || !mkdtemp(s->dir))
		return -1;
	snprintf(s->db, sizeof s->db, "%s/db/vigil.db", s->dir);
	char *www = xasprintf("%s/www", s->dir);
	mkdir(www, 0755);
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(fds[1], 1);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(fds[0]);
		execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", www,
		       (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[256];
	/* "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..." */
	if (out && fgets(line, sizeof line, out)) {
		const char *p = strstr(line, " port ");
		if (p)
			s->port = atoi(p + 6);
	}
	if (out)
		fclose(out);
	free(www);
	*state = s;
	return 0;
}

static int stop(void **state)
{
	struct srv *s = *state;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
	int rc = system(cmd);
	free(s);
	return rc == 0 ? 0 : -1;
}

static void put(const struct srv *s, const char *rel, const char *text, time_t mtime)
{
	char *p = xasprintf("%s/www/%s", s->dir, rel);
	char *slash = strrchr(p, '/');
	*slash = 0;
	mkdir(p, 0755);
	*slash = '/';
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	char *cmd = xasprintf("touch -d @%lld %s", (long long)mtime, p);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(p);
}

static void digest(const char *path, char out[72])
{
	size_t len;
	unsigned char *b = slurp(path, &len);
	sha256_digest_of(b, len, out);
	free(b);
}

static const char secdb_v1[] = "{\"distroversion\":\"v3.19\",\"reponame\":\"main\",\"packages\":["
			       "{\"pkg\":{\"name\":\"openssl\",\"secfixes\":{\"3.1.4-r1\":[\"CVE-2023-5678\"]}}}]}";
static const char secdb_v2[] = "{\"distroversion\":\"v3.19\",\"reponame\":\"main\",\"packages\":["
			       "{\"pkg\":{\"name\":\"openssl\",\"secfixes\":{\"3.1.4-r1\":[\"CVE-2023-5678\"],"
			       "\"3.1.4-r3\":[\"CVE-2023-6129\"]}}}]}";
static const char community[] = "{\"distroversion\":\"v3.19\",\"reponame\":\"community\",\"packages\":[]}";

static int64_t records(const char *db, const char *name)
{
	struct vdb_info in;
	struct err e = {{0}};
	if (vdb_info_read(db, &in, &e) != 0)
		fail_msg("%s", e.msg);
	int64_t n = -1;
	for (size_t i = 0; i < in.nsources; i++)
		if (!strcmp(in.sources[i].name, name))
			n = in.sources[i].records;
	vdb_info_free(&in);
	return n;
}

static void test_update(void **state)
{
	struct srv *s = *state;
	if (s->port <= 0) {
		print_message("# SKIP python3 http.server did not start\n");
		skip();
	}
	time_t old = time(NULL) - 3600;
	put(s, "v3.19/main.json", secdb_v1, old);
	put(s, "v3.19/community.json", community, old);
	char *u1 = xasprintf("http://127.0.0.1:%d/v3.19/main.json", s->port);
	char *u2 = xasprintf("http://127.0.0.1:%d/v3.19/community.json", s->port);
	const char *urls[] = {u1, u2};
	struct vdb_update_opts o = {.db_path = s->db, .urls = urls, .nurls = 2, .max_bytes = 1 << 20};
	struct vdb_update_result r;
	struct err e = {{0}};
	assert_int_equal(vdb_update(&o, &r, &e), 0);
	assert_int_equal(r.downloaded, 2);
	vdb_import_summary_free(&r.summary);
	assert_int_equal(records(s->db, "alpine-secdb:v3.19/main"), 1);

	/* Unchanged on the server: 304, nothing downloaded, same content. */
	assert_int_equal(vdb_update(&o, &r, &e), 0);
	assert_int_equal(r.downloaded, 0);
	vdb_import_summary_free(&r.summary);
	assert_int_equal(records(s->db, "alpine-secdb:v3.19/main"), 1);

	/* A newer feed on the server is downloaded and imported. */
	put(s, "v3.19/main.json", secdb_v2, old + 60);
	assert_int_equal(vdb_update(&o, &r, &e), 0);
	assert_int_equal(r.downloaded, 1);
	vdb_import_summary_free(&r.summary);
	assert_int_equal(records(s->db, "alpine-secdb:v3.19/main"), 2);

	/* A failing download (404) or a bad feed leaves the database as it was. */
	char before[72], after[72];
	digest(s->db, before);
	char *u3 = xasprintf("http://127.0.0.1:%d/missing.json", s->port);
	const char *bad[] = {u1, u3};
	o.urls = bad;
	assert_int_not_equal(vdb_update(&o, &r, &e), 0);
	assert_non_null(strstr(e.msg, "missing.json: HTTP status 404"));
	put(s, "broken.json", "{\"distroversion\":\"v3.19\",\"reponame\":\"main\",\"packages\":[", old);
	char *u4 = xasprintf("http://127.0.0.1:%d/broken.json", s->port);
	const char *broken[] = {u4};
	o.urls = broken;
	o.nurls = 1;
	assert_int_not_equal(vdb_update(&o, &r, &e), 0);
	assert_non_null(strstr(e.msg, "truncated JSON"));
	digest(s->db, after);
	assert_string_equal(before, after);

	/* file:// works the same way. */
	char *u5 = xasprintf("file://%s/www/v3.19/main.json", s->dir);
	const char *files[] = {u5};
	o.urls = files;
	assert_int_equal(vdb_update(&o, &r, &e), 0);
	vdb_import_summary_free(&r.summary);
	assert_int_equal(records(s->db, "alpine-secdb:v3.19/main"), 2);

	/* Downloads are cached beside the database. */
	char *cache = xasprintf("%s/db/feeds", s->dir);
	struct stat st;
	assert_int_equal(stat(cache, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(cache);
	free(u1);
	free(u2);
	free(u3);
	free(u4);
	free(u5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_update, start, stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
