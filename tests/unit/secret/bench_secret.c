/* bench_secret: run the secret engine over directory trees, as the layer
 * walk will (stream each regular file in 64 KiB reads), and report findings
 * and throughput. Built with the tests, not registered as one: bench/secrets.sh
 * and people use it.
 *
 *   bench_secret [-j THREADS] [-c CONFIG] [-q] [--mem] [--root DIR] PATH...
 *   bench_secret --patterns      # the enabled rules' regexes, one a line (for rg -f)
 *   bench_secret --prefilter-patterns   # what Hyperscan is given for them (candidates only)
 *
 * --mem reads the files into memory first (at most 2 GiB; files over the
 * 10 MiB cap are left out) and times only the engine: no open/read cost.
 *
 * Paths given to the engine are the file's path with the leading '/' (or
 * --root DIR) removed, i.e. as they would appear in an image layer. */
#include "secret/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct job {
	char **files;
	size_t nfiles, cap;
	unsigned char **data; /* --mem: each file's bytes, or NULL */
	size_t *len;
	atomic_size_t next;
	const struct secret_rules *rules;
	const char *root;
	pthread_mutex_t lock;
	struct secret_findings total;
	uint64_t read_bytes;
	bool quiet;
};

static void add_file(struct job *j, const char *path)
{
	if (j->nfiles == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 4096;
		j->files = realloc(j->files, j->cap * sizeof *j->files);
		if (!j->files)
			abort();
	}
	j->files[j->nfiles++] = strdup(path);
}

static const char *engine_path(const struct job *j, const char *path)
{
	size_t rl = j->root ? strlen(j->root) : 0;
	if (rl && strncmp(path, j->root, rl) == 0)
		path += rl;
	while (*path == '/')
		path++;
	return path;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct secret_scan *s = secret_scan_new(j->rules);
	struct secret_findings local = {0};
	uint64_t read_bytes = 0;
	char *buf = malloc(1 << 16);
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->nfiles)
			break;
		if (j->data) {
			if (j->data[i] && secret_file_begin(s, engine_path(j, j->files[i]), (int64_t)j->len[i]) == 0)
				for (size_t off = 0; off < j->len[i] && secret_file_wants_more(s); off += 1 << 16) {
					size_t k = j->len[i] - off < (1 << 16) ? j->len[i] - off : (1 << 16);
					read_bytes += k;
					secret_file_feed(s, j->data[i] + off, k);
				}
			if (j->data[i])
				secret_file_end(s, &local);
			continue;
		}
		int fd = open(j->files[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		struct stat st;
		fstat(fd, &st);
		if (secret_file_begin(s, engine_path(j, j->files[i]), st.st_size) == 0) {
			ssize_t n;
			while (secret_file_wants_more(s) && (n = read(fd, buf, 1 << 16)) > 0) {
				read_bytes += (uint64_t)n;
				secret_file_feed(s, buf, (size_t)n);
			}
		}
		secret_file_end(s, &local);
		close(fd);
	}
	free(buf);
	secret_scan_free(s);
	pthread_mutex_lock(&j->lock);
	struct secret_findings *t = &j->total;
	for (size_t i = 0; i < local.len; i++) {
		if (!j->quiet)
			printf("%s:%d-%d\t%s\t%s\t%s\n", local.v[i].path, local.v[i].start_line,
			       local.v[i].end_line, local.v[i].rule_id, local.v[i].severity, local.v[i].match);
	}
	t->len += local.len;
	t->files_scanned += local.files_scanned;
	t->files_skipped_binary += local.files_skipped_binary;
	t->files_skipped_size += local.files_skipped_size;
	t->files_skipped_allowed += local.files_skipped_allowed;
	t->files_truncated += local.files_truncated;
	t->bytes_scanned += local.bytes_scanned;
	t->matches_allowed += local.matches_allowed;
	j->read_bytes += read_bytes;
	pthread_mutex_unlock(&j->lock);
	secret_findings_free(&local);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 1;
	const char *config = NULL;
	bool patterns = false, prefilter = false, mem = false;
	struct job j = {.lock = PTHREAD_MUTEX_INITIALIZER};
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--root") && i + 1 < argc)
			j.root = argv[++i];
		else if (!strcmp(argv[i], "-q"))
			j.quiet = true;
		else if (!strcmp(argv[i], "--patterns"))
			patterns = true;
		else if (!strcmp(argv[i], "--prefilter-patterns"))
			patterns = prefilter = true;
		else if (!strcmp(argv[i], "--mem"))
			mem = true;
		else {
			fprintf(stderr, "usage: bench_secret [-j N] [-c CONFIG] [-q] [--root DIR] PATH...\n"
					"       bench_secret --patterns\n");
			return 2;
		}
	}
	struct err e;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct secret_rules *rules = secret_rules_load(config, &e);
	if (!rules) {
		fprintf(stderr, "bench_secret: %s\n", e.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (patterns) {
		for (size_t k = 0; k < secret_rules_count(rules); k++) {
			struct secret_rule_info info;
			secret_rules_info(rules, k, &info);
			const char *re = prefilter ? info.prefilter : info.regex;
			if (re)
				printf("%s\n", re);
		}
		secret_rules_free(rules);
		return 0;
	}
	j.rules = rules;
	/* Physical walk: links are not followed, other filesystems not entered. */
	FTS *fts = fts_open(argv + i, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR, NULL);
	if (!fts) {
		fprintf(stderr, "bench_secret: %s\n", strerror(errno));
		return 1;
	}
	for (FTSENT *ent; (ent = fts_read(fts));)
		if (ent->fts_info == FTS_F)
			add_file(&j, ent->fts_path);
	fts_close(fts);
	if (mem) {
		/* Load before timing; the clock restarts below. */
		j.data = calloc(j.nfiles + 1, sizeof *j.data);
		j.len = calloc(j.nfiles + 1, sizeof *j.len);
		size_t budget = (size_t)2 << 30;
		for (size_t k = 0; k < j.nfiles && budget; k++) {
			int fd = open(j.files[k], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			struct stat st;
			if (fd < 0)
				continue;
			if (fstat(fd, &st) == 0 && st.st_size <= (10 << 20) && (size_t)st.st_size < budget) {
				j.data[k] = malloc((size_t)st.st_size + 1);
				ssize_t n = read(fd, j.data[k], (size_t)st.st_size);
				j.len[k] = n > 0 ? (size_t)n : 0;
				budget -= j.len[k];
			}
			close(fd);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
	}
	if (threads < 1)
		threads = 1;
	pthread_t *tid = calloc((size_t)threads, sizeof *tid);
	for (int k = 0; k < threads; k++)
		pthread_create(&tid[k], NULL, worker, &j);
	for (int k = 0; k < threads; k++)
		pthread_join(tid[k], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	/* --mem: "load" includes reading the files. */
	double load = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double secs = (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9;
	struct secret_findings *t = &j.total;
	fprintf(stderr,
		"bench_secret: %zu files (%llu scanned, %llu binary, %llu too large, %llu allow-listed, "
		"%llu truncated), %.1f MB read, %.1f MB scanned, %zu findings, %llu allowed matches; "
		"load %.3f s, scan %.3f s: %.1f MB/s read, %.1f MB/s scanned, %d thread(s)\n",
		j.nfiles, (unsigned long long)t->files_scanned, (unsigned long long)t->files_skipped_binary,
		(unsigned long long)t->files_skipped_size, (unsigned long long)t->files_skipped_allowed,
		(unsigned long long)t->files_truncated, (double)j.read_bytes / 1e6,
		(double)t->bytes_scanned / 1e6, t->len, (unsigned long long)t->matches_allowed, load, secs,
		(double)j.read_bytes / 1e6 / secs, (double)t->bytes_scanned / 1e6 / secs, threads);
	for (size_t k = 0; k < j.nfiles; k++) {
		free(j.files[k]);
		if (j.data)
			free(j.data[k]);
	}
	free(j.files);
	free(j.data);
	free(j.len);
	free(tid);
	secret_rules_free(rules);
	return 0;
}
