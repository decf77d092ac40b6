/* Unit tests of src/secret: every built-in rule on generated fake secrets
 * (tests/data/secrets, see generate.py) with exact rule ids and lines, near
 * misses that must stay quiet, chunking invariance, redaction, skips and
 * counts, allow rules, image-config strings, the YAML config (valid and
 * malformed), threads sharing one rule set. */
#include "secret/secret.h"
#include "testutil.h"

#include <pthread.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	char name[128], path[256];
	struct expect {
		char rule[64];
		int start, end;
		char *secret;
	} *v;
	size_t n;
	int allowed; /* negatives: expected matches_allowed */
};

struct suite {
	struct secret_rules *rules;
	struct fixture *pos, *neg;
	size_t npos, nneg;
	char dir[4096];
};

static char *field(char **line)
{
	char *s = *line, *tab = strchr(s, '\t');
	if (tab) {
		*tab = 0;
		*line = tab + 1;
	} else {
		*line = s + strlen(s);
	}
	return s;
}

static struct fixture *fixture_get(struct fixture **v, size_t *n, const char *name, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return &(*v)[i];
	*v = realloc(*v, (*n + 1) * sizeof **v);
	assert_non_null(*v);
	struct fixture *f = &(*v)[(*n)++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->path, sizeof f->path, "%s", path);
	return f;
}

static void read_manifests(struct suite *s)
{
	char file[4200];
	snprintf(file, sizeof file, "%s/expected.tsv", s->dir);
	size_t len;
	char *text = (char *)slurp(file, &len);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *name = field(&line), *path = field(&line), *rule = field(&line);
		char *start = field(&line), *end = field(&line), *secret = field(&line);
		struct fixture *f = fixture_get(&s->pos, &s->npos, name, path);
		f->v = realloc(f->v, (f->n + 1) * sizeof *f->v);
		assert_non_null(f->v);
		struct expect *x = &f->v[f->n++];
		snprintf(x->rule, sizeof x->rule, "%s", rule);
		x->start = atoi(start);
		x->end = atoi(end);
		x->secret = strdup(secret);
	}
	free(text);
	snprintf(file, sizeof file, "%s/negatives.tsv", s->dir);
	text = (char *)slurp(file, &len);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *name = field(&line), *path = field(&line), *allowed = field(&line);
		fixture_get(&s->neg, &s->nneg, name, path)->allowed = atoi(allowed);
	}
	free(text);
}

static int setup(void **state)
{
	struct suite *s = calloc(1, sizeof *s);
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	snprintf(s->dir, sizeof s->dir, "%s/tests/data/secrets", root ? root : ".");
	struct err e;
	s->rules = secret_rules_load(NULL, &e);
	if (!s->rules) {
		fprintf(stderr, "secret_rules_load: %s\n", e.msg);
		return -1;
	}
	read_manifests(s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct suite *s = *state;
	for (size_t i = 0; i < s->npos; i++) {
		for (size_t k = 0; k < s->pos[i].n; k++)
			free(s->pos[i].v[k].secret);
		free(s->pos[i].v);
	}
	free(s->pos);
	free(s->neg);
	secret_rules_free(s->rules);
	free(s);
	return 0;
}

/* Feed a buffer in chunks: chunk > 0 fixed size, 0 = whole, -1 = random
 * sizes from 1 to 100000 (seeded). */
static void scan_buf(struct secret_scan *sc, const char *path, const unsigned char *p, size_t n,
		     long chunk, unsigned seed, struct secret_findings *out)
{
	if (secret_file_begin(sc, path, (int64_t)n) == 0) {
		size_t off = 0;
		while (off < n) {
			size_t k = chunk > 0 ? (size_t)chunk : n;
			if (chunk < 0) {
				seed = seed * 1103515245u + 12345u;
				k = 1 + (seed >> 8) % 100000;
			}
			if (k > n - off)
				k = n - off;
			secret_file_feed(sc, p + off, k);
			off += k;
		}
	}
	secret_file_end(sc, out);
}

static unsigned char *load(const struct suite *s, const char *kind, const char *name, size_t *n)
{
	char file[4400];
	snprintf(file, sizeof file, "%s/%s/%s", s->dir, kind, name);
	return slurp(file, n);
}

static void dump(const struct secret_findings *f)
{
	for (size_t i = 0; i < f->len; i++)
		print_message("#   got %s %d-%d %s | %s\n", f->v[i].rule_id, f->v[i].start_line,
			      f->v[i].end_line, f->v[i].path, f->v[i].match);
}

static void test_positives(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	size_t total = 0;
	for (size_t i = 0; i < s->npos; i++) {
		const struct fixture *fx = &s->pos[i];
		size_t n;
		unsigned char *p = load(s, "positive", fx->name, &n);
		struct secret_findings f = {0};
		scan_buf(sc, fx->path, p, n, 0, 0, &f);
		bool ok = f.len == fx->n;
		/* Same multiset of (rule, start, end), in line order. */
		for (size_t k = 0; ok && k < fx->n; k++) {
			bool found = false;
			for (size_t j = 0; j < f.len && !found; j++)
				found = !strcmp(f.v[j].rule_id, fx->v[k].rule) &&
					f.v[j].start_line == fx->v[k].start && f.v[j].end_line == fx->v[k].end;
			ok = found;
		}
		for (size_t j = 1; ok && j < f.len; j++)
			ok = f.v[j - 1].start_line <= f.v[j].start_line;
		if (!ok) {
			print_message("# %s (%s): expected\n", fx->name, fx->path);
			for (size_t k = 0; k < fx->n; k++)
				print_message("#   want %s %d-%d\n", fx->v[k].rule, fx->v[k].start, fx->v[k].end);
			dump(&f);
		}
		assert_true(ok);
		for (size_t j = 0; j < f.len; j++)
			assert_string_equal(f.v[j].path, fx->path);
		assert_int_equal(f.files_scanned + f.files_skipped_binary, 1);
		total += f.len;
		secret_findings_free(&f);
		free(p);
	}
	print_message("# %zu positive fixtures, %zu findings as expected\n", s->npos, total);
	assert_true(s->npos >= 25);
	secret_scan_free(sc);
}

static void test_negatives(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	for (size_t i = 0; i < s->nneg; i++) {
		size_t n;
		unsigned char *p = load(s, "negative", s->neg[i].name, &n);
		struct secret_findings f = {0};
		scan_buf(sc, s->neg[i].path, p, n, 0, 0, &f);
		if (f.len || f.matches_allowed != (uint64_t)s->neg[i].allowed) {
			print_message("# %s: %zu findings, %llu allowed (want %d)\n", s->neg[i].name, f.len,
				      (unsigned long long)f.matches_allowed, s->neg[i].allowed);
			dump(&f);
		}
		assert_int_equal(f.len, 0);
		assert_int_equal(f.matches_allowed, s->neg[i].allowed);
		secret_findings_free(&f);
		free(p);
	}
	secret_scan_free(sc);
}

static bool same_findings(const struct secret_findings *a, const struct secret_findings *b)
{
	if (a->len != b->len || a->bytes_scanned != b->bytes_scanned)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (strcmp(a->v[i].rule_id, b->v[i].rule_id) || strcmp(a->v[i].match, b->v[i].match) ||
		    strcmp(a->v[i].path, b->v[i].path) || a->v[i].start_line != b->v[i].start_line ||
		    a->v[i].end_line != b->v[i].end_line)
			return false;
	return true;
}

/* Any chunking gives the same findings, excerpts included. */
static void test_streaming(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	static const long chunks[] = {1, 7, 4096, 65535, 65537, -1};
	for (size_t i = 0; i < s->npos; i++) {
		size_t n;
		unsigned char *p = load(s, "positive", s->pos[i].name, &n);
		struct secret_findings whole = {0};
		scan_buf(sc, s->pos[i].path, p, n, 0, 0, &whole);
		for (size_t c = 0; c < ARRAY_LEN(chunks); c++) {
			/* 1-byte feeding of the 200 KiB line is slow under ASan; 7 covers it. */
			if (chunks[c] == 1 && n > 50000)
				continue;
			for (unsigned seed = 1; seed <= (chunks[c] < 0 ? 3u : 1u); seed++) {
				struct secret_findings part = {0};
				scan_buf(sc, s->pos[i].path, p, n, chunks[c], seed, &part);
				if (!same_findings(&whole, &part)) {
					print_message("# %s chunk %ld seed %u differs\n", s->pos[i].name, chunks[c], seed);
					dump(&whole);
					dump(&part);
				}
				assert_true(same_findings(&whole, &part));
				secret_findings_free(&part);
			}
		}
		secret_findings_free(&whole);
		free(p);
	}
	secret_scan_free(sc);
}

static bool text_contains(const struct secret_finding *f, const char *needle, size_t n)
{
	const char *fields[] = {f->rule_id, f->category, f->title, f->severity, f->path, f->match};
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (memmem(fields[i], strlen(fields[i]), needle, n))
			return true;
	return false;
}

/* No finding shows a secret: not whole, and (past the few prefix characters
 * a rule may keep, at most 11) not even 8 characters of it. */
static void test_redaction(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	size_t checked = 0;
	for (size_t i = 0; i < s->npos; i++) {
		size_t n;
		unsigned char *p = load(s, "positive", s->pos[i].name, &n);
		struct secret_findings f = {0};
		scan_buf(sc, s->pos[i].path, p, n, 0, 0, &f);
		for (size_t k = 0; k < s->pos[i].n; k++) {
			const char *sec = s->pos[i].v[k].secret;
			size_t len = strlen(sec);
			assert_true(len >= 8);
			/* The secret really is in the fixture (else this proves nothing). */
			assert_non_null(memmem(p, n, sec, len));
			for (size_t j = 0; j < f.len; j++) {
				assert_false(text_contains(&f.v[j], sec, len));
				for (size_t o = 11; o + 8 <= len; o++) {
					if (text_contains(&f.v[j], sec + o, 8))
						print_message("# %s: '%.8s' of a secret shows in: %s\n",
							      s->pos[i].name, sec + o, f.v[j].match);
					assert_false(text_contains(&f.v[j], sec + o, 8));
				}
				checked++;
			}
		}
		secret_findings_free(&f);
		free(p);
	}
	print_message("# %zu (secret, finding) pairs checked\n", checked);
	secret_scan_free(sc);
}

/* The kept prefix and stars, on a known line. */
static void test_excerpt_format(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	const char *text = "export AWS_ACCESS_KEY_ID=AKIAQ7MXZ2LK3VBW5NHR # ci\n";
	struct secret_findings f = {0};
	scan_buf(sc, "app/.env", (const unsigned char *)text, strlen(text), 0, 0, &f);
	assert_int_equal(f.len, 1);
	assert_string_equal(f.v[0].rule_id, "aws-access-key-id");
	assert_string_equal(f.v[0].severity, "CRITICAL");
	assert_string_equal(f.v[0].match, "export AWS_ACCESS_KEY_ID=AKIA**************** # ci");
	secret_findings_free(&f);
	secret_scan_free(sc);
}

static void test_skips_and_counts(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	struct secret_findings f = {0};
	const char *tok = "token ghp_Q7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi\n";

	/* A NUL in the first 8 KiB: binary, skipped, wants no more bytes. */
	unsigned char bin[100];
	memset(bin, 'a', sizeof bin);
	bin[50] = 0;
	assert_int_equal(secret_file_begin(sc, "usr/bin/x", -1), 0);
	secret_file_feed(sc, bin, sizeof bin);
	secret_file_feed(sc, tok, strlen(tok));
	assert_true(secret_file_wants_more(sc)); /* less than 8 KiB seen: undecided */
	secret_file_end(sc, &f);
	assert_int_equal(f.files_skipped_binary, 1);
	assert_int_equal(f.len, 0);

	/* Latin-1 text is text. */
	char latin[200];
	snprintf(latin, sizeof latin, "caf\xe9 cr\xe8me br\xfbl\xe9\n%s", tok);
	scan_buf(sc, "srv/notes.txt", (const unsigned char *)latin, strlen(latin), 0, 0, &f);
	assert_int_equal(f.len, 1);
	assert_int_equal(f.v[0].start_line, 2);

	/* Mostly invalid UTF-8 without NUL: binary. */
	unsigned char noise[9000];
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (unsigned char)(0x80 + (i * 7) % 0x7f);
	assert_int_equal(secret_file_begin(sc, "srv/blob", sizeof noise), 0);
	secret_file_feed(sc, noise, sizeof noise);
	assert_false(secret_file_wants_more(sc));
	secret_file_end(sc, &f);
	assert_int_equal(f.files_skipped_binary, 2);

	/* Declared size over the cap: skipped up front. */
	assert_int_equal(secret_rules_max_file_bytes(s->rules), 10 << 20);
	assert_int_equal(secret_file_begin(sc, "srv/big.log", (11 << 20)), 1);
	secret_file_end(sc, &f);
	assert_int_equal(f.files_skipped_size, 1);

	/* Size unknown: scanned up to the cap, counted as truncated. */
	size_t big = (10 << 20) + 4096;
	unsigned char *buf = malloc(big);
	memset(buf, 'x', big);
	for (size_t i = 79; i < big; i += 80)
		buf[i] = '\n';
	memcpy(buf + 961, " ghp_Q7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi ", 42);
	memcpy(buf + big - 201, " ghp_A7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi ", 42);
	assert_int_equal(secret_file_begin(sc, "srv/stream.log", -1), 0);
	for (size_t off = 0; off < big && secret_file_wants_more(sc); off += 65536)
		secret_file_feed(sc, buf + off, big - off < 65536 ? big - off : 65536);
	secret_file_end(sc, &f);
	free(buf);
	assert_int_equal(f.files_truncated, 1);
	assert_int_equal(f.len, 2); /* the latin one and the early one; not the one past the cap */
	assert_int_equal(f.v[1].start_line, 961 / 80 + 1);

	/* Empty file. */
	scan_buf(sc, "srv/empty", (const unsigned char *)"", 0, 0, 0, &f);
	assert_int_equal(f.files_scanned, 3);
	assert_int_equal(f.bytes_scanned, strlen(latin) + (10 << 20));
	secret_findings_free(&f);

	/* A generated file full of tokens: 1000 findings kept, the rest counted. */
	size_t ntok = 1500, tl = strlen(tok);
	buf = malloc(ntok * tl);
	for (size_t i = 0; i < ntok; i++)
		memcpy(buf + i * tl, tok, tl);
	scan_buf(sc, "srv/gen.txt", buf, ntok * tl, 0, 0, &f);
	free(buf);
	assert_int_equal(f.len, 1000);
	assert_int_equal(f.findings_dropped, 500);
	secret_findings_free(&f);
	secret_scan_free(sc);
}

/* An unterminated block is reported up to its last body line; a BEGIN at
 * the very end is nothing. */
static void test_pem_edges(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	struct buf b = {0};
	buf_appendf(&b, "x\n-----BEGIN EC PRIVATE KEY-----\n");
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 64; k++)
			buf_appendf(&b, "%c", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/qwertyuiopASDFGHJKLzxcvbnm"[(k * 7 + i * 13) % 64]);
		buf_appendf(&b, "\n");
	}
	buf_appendf(&b, "trailing prose\n-----BEGIN RSA PRIVATE KEY-----");
	struct secret_findings f = {0};
	scan_buf(sc, "srv/k.pem", b.data, b.len, 0, 0, &f);
	dump(&f);
	assert_int_equal(f.len, 1);
	assert_int_equal(f.v[0].start_line, 2);
	assert_int_equal(f.v[0].end_line, 5);
	secret_findings_free(&f);
	buf_free(&b);
	secret_scan_free(sc);
}

static void test_allow_paths(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	struct secret_findings f = {0};
	const char *ghp = "GITHUB_TOKEN=ghp_Q7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi\n";
	const char *pw = "db_password = \"Xk9mQ2vL7pRz\"\n";
	static const char *const skipped[] = {
		"usr/share/doc/pkg/README",
		"usr/lib/python3/dist-packages/foo/tests/test_x.py",
		"opt/venv/lib/python3.11/site-packages/foo/test/conf.py",
		"app/node_modules/lib/__tests__/fixture.js",
		"usr/lib/google-cloud-sdk/lib/third_party/x/tests/data/k.json",
		"usr/local/go/src/crypto/tls/handshake_test.go",
		"usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO",
	};
	for (size_t i = 0; i < ARRAY_LEN(skipped); i++) {
		assert_int_equal(secret_file_begin(sc, skipped[i], (int64_t)strlen(ghp)), 1);
		secret_file_end(sc, &f);
	}
	assert_int_equal(f.files_skipped_allowed, ARRAY_LEN(skipped));
	assert_int_equal(f.len, 0);
	/* Package trees: the generic heuristics are off, specific rules on. */
	scan_buf(sc, "usr/lib/python3/dist-packages/foo/conf.py", (const unsigned char *)pw, strlen(pw), 0, 0, &f);
	assert_int_equal(f.len, 0);
	scan_buf(sc, "usr/lib/python3/dist-packages/foo/conf.py", (const unsigned char *)ghp, strlen(ghp), 0, 0, &f);
	assert_int_equal(f.len, 1);
	/* Outside them, both; an application's own tests are scanned. */
	scan_buf(sc, "srv/app/tests/conf.py", (const unsigned char *)pw, strlen(pw), 0, 0, &f);
	scan_buf(sc, "usr/share/myapp/conf.py", (const unsigned char *)ghp, strlen(ghp), 0, 0, &f);
	assert_int_equal(f.len, 3);
	assert_string_equal(f.v[1].rule_id, "generic-password");
	secret_findings_free(&f);
	secret_scan_free(sc);

	/* disable-allow-rules brings them back. */
	const char *yaml = "disable-allow-rules: [usr-share-doc, generic-rules-in-packages]\n";
	struct err e;
	struct secret_rules *r = secret_rules_load_yaml("t.yaml", yaml, strlen(yaml), &e);
	assert_non_null(r);
	sc = secret_scan_new(r);
	scan_buf(sc, "usr/share/doc/pkg/README", (const unsigned char *)ghp, strlen(ghp), 0, 0, &f);
	scan_buf(sc, "usr/lib/python3/dist-packages/foo/conf.py", (const unsigned char *)pw, strlen(pw), 0, 0, &f);
	assert_int_equal(f.len, 2);
	secret_findings_free(&f);
	secret_scan_free(sc);
	secret_rules_free(r);
}

static void test_scan_text(void **state)
{
	struct suite *s = *state;
	struct secret_scan *sc = secret_scan_new(s->rules);
	struct secret_findings f = {0};
	secret_scan_text(sc, "config: Env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin", &f);
	secret_scan_text(sc, "config: Env", "AWS_SECRET_ACCESS_KEY=kT3f9Qm2Xz7LpR4vW8yB1nC6hJ0sD5gA2eU9iO3t", &f);
	secret_scan_text(sc, "history[3].created_by",
			 "/bin/sh -c #(nop)  ENV NPM_TOKEN=npm_Z3kQ9xW2mL7pR4vT8yB1nC6hJ0sD5gA2eU9i", &f);
	/* Path-bound rules do not apply to labels. */
	secret_scan_text(sc, ".netrc", "machine a login b password Zk3x9Qw2Lp", &f);
	secret_scan_text(sc, "config: Cmd", "", &f);
	dump(&f);
	assert_int_equal(f.len, 2);
	assert_string_equal(f.v[0].rule_id, "aws-secret-access-key");
	assert_string_equal(f.v[0].path, "config: Env");
	assert_int_equal(f.v[0].start_line, 1);
	assert_string_equal(f.v[1].rule_id, "npm-access-token");
	assert_string_equal(f.v[1].match, "/bin/sh -c #(nop)  ENV NPM_TOKEN=npm_************************************");
	assert_int_equal(f.files_scanned, 0); /* strings are not files */
	secret_findings_free(&f);
	secret_scan_free(sc);
}

static void test_rules_info(void **state)
{
	struct suite *s = *state;
	size_t n = secret_rules_count(s->rules);
	assert_true(n >= 27);
	for (size_t i = 0; i < n; i++) {
		struct secret_rule_info a;
		secret_rules_info(s->rules, i, &a);
		assert_true(a.builtin);
		assert_non_null(a.title);
		assert_non_null(a.keywords);
		assert_non_null(a.keywords[0]);
		assert_true(!strcmp(a.severity, "LOW") || !strcmp(a.severity, "MEDIUM") ||
			    !strcmp(a.severity, "HIGH") || !strcmp(a.severity, "CRITICAL"));
		for (size_t j = 0; j < i; j++) {
			struct secret_rule_info b;
			secret_rules_info(s->rules, j, &b);
			assert_string_not_equal(a.id, b.id);
		}
	}
}

static struct secret_rules *load_yaml(const char *yaml, struct err *e)
{
	return secret_rules_load_yaml("cfg.yaml", yaml, strlen(yaml), e);
}

static void test_config(void **state)
{
	(void)state;
	const char *yaml =
		"rules:\n"
		"  - id: acme-key\n"
		"    category: Acme\n"
		"    title: Acme API key\n"
		"    severity: high\n"
		"    regex: '\\bacme_(?P<key>[a-z0-9]{32})\\b'\n"
		"    secret-group-name: key\n"
		"    keywords: [acme_]\n"
		"    entropy: 3\n"
		"    allow-rules:\n"
		"      - id: sandbox\n"
		"        regex: '^0{8}'\n"
		"  - id: env-only\n"
		"    severity: LOW\n"
		"    regex: 'INTERNAL=(\\w+)\\1'\n" /* a back-reference: Hyperscan prefilter mode */
		"    path: ['\\.env$', '\\.ini$']\n"
		"disable-rules: [jwt]\n"
		"enable-builtin-rules: [github-pat, aws-access-key-id, jwt]\n"
		"allow-rules:\n"
		"  - id: fixtures\n"
		"    description: our fixtures\n"
		"    path: '^srv/fixtures/'\n"
		"max-file-size: 1K\n";
	struct err e;
	struct secret_rules *r = load_yaml(yaml, &e);
	if (!r)
		print_message("# %s\n", e.msg);
	assert_non_null(r);
	assert_int_equal(secret_rules_count(r), 4); /* github-pat, aws-access-key-id, acme-key, env-only */
	assert_int_equal(secret_rules_max_file_bytes(r), 1024);
	struct secret_scan *sc = secret_scan_new(r);
	struct secret_findings f = {0};
	const char *t = "k = acme_7fq2m9x4k1v8z3b6n5c0l2p9r4t7y1w3\n"
			"k = acme_00000000q2m9x4k1v8z3b6n5c0l2p9r4\n" /* allowed by the rule's own allow */
			"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4eHh4In0.c2lnbmF0dXJlc2lnbmF0dXJl\n"
			"password = \"Xk9mQ2vL7pRz\"\n" /* generic-password: not enabled */
			"INTERNAL=abcabc\n";
	scan_buf(sc, "srv/app/x.py", (const unsigned char *)t, strlen(t), 0, 0, &f);
	dump(&f);
	assert_int_equal(f.len, 1);
	assert_string_equal(f.v[0].rule_id, "acme-key");
	assert_string_equal(f.v[0].category, "Acme");
	assert_string_equal(f.v[0].severity, "HIGH");
	assert_string_equal(f.v[0].match, "k = acme_********************************");
	assert_int_equal(f.matches_allowed, 1);
	scan_buf(sc, "srv/app/.env", (const unsigned char *)t, strlen(t), 0, 0, &f);
	assert_int_equal(f.len, 3);
	assert_string_equal(f.v[2].rule_id, "env-only");
	assert_int_equal(f.v[2].start_line, 5);
	assert_int_equal(secret_file_begin(sc, "srv/fixtures/a.env", 10), 1);
	secret_file_end(sc, &f);
	assert_int_equal(secret_file_begin(sc, "srv/big.env", 2000), 1);
	secret_file_end(sc, &f);
	assert_int_equal(f.files_skipped_allowed, 1);
	assert_int_equal(f.files_skipped_size, 1);
	secret_findings_free(&f);
	secret_scan_free(sc);
	secret_rules_free(r);

	/* An empty config is the built-ins; a config file on disk. */
	r = load_yaml("", &e);
	assert_non_null(r);
	assert_true(secret_rules_count(r) >= 27);
	secret_rules_free(r);
	char path[] = "/tmp/vigil-secret-cfg-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *small = "disable-rules: [generic-password]\n";
	assert_int_equal(write(fd, small, strlen(small)), (ssize_t)strlen(small));
	close(fd);
	r = secret_rules_load(path, &e);
	assert_non_null(r);
	secret_rules_free(r);
	unlink(path);
	r = secret_rules_load("/nonexistent/vigil.yaml", &e);
	assert_null(r);
	assert_non_null(strstr(e.msg, "/nonexistent/vigil.yaml"));
}

/* Findings of rules r on a text with two secrets, as "rule@line;...". */
static char *scan_summary(struct secret_rules *r)
{
	const char *t = "token ghp_Q7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi\n"
			"nothing to see here\n"
			"again ghp_A7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi\n";
	struct secret_scan *sc = secret_scan_new(r);
	struct secret_findings f = {0};
	scan_buf(sc, "app/config.txt", (const unsigned char *)t, strlen(t), 0, 0, &f);
	struct buf b = {0};
	for (size_t i = 0; i < f.len; i++)
		buf_appendf(&b, "%s@%d;", f.v[i].rule_id, (int)f.v[i].start_line);
	buf_append(&b, "", 1);
	secret_findings_free(&f);
	secret_scan_free(sc);
	return buf_steal(&b);
}

static size_t cache_files(const char *dir, char *first, size_t cap)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));)
		if (strstr(de->d_name, ".hsdb") && !strstr(de->d_name, ".tmp")) {
			if (n++ == 0)
				snprintf(first, cap, "%s/%s", dir, de->d_name);
		}
	closedir(d);
	return n;
}

/* The compiled Hyperscan database is reused from $XDG_CACHE_HOME/vigil/hs
 * (an unchanged file proves it was read, not recompiled), a damaged file
 * is replaced, another rule set gets its own file, and no cache directory
 * at all still scans the same. */
static void test_hs_cache(void **state)
{
	(void)state;
	char tmp[] = "/tmp/vigil-hs-cache-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *old_xdg = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("XDG_CACHE_HOME", tmp, 1);
	char *dir = xasprintf("%s/vigil/hs", tmp);
	struct err e;

	struct secret_rules *r = load_yaml("", &e);
	assert_non_null(r);
	char *want = scan_summary(r);
	assert_non_null(strstr(want, "github-pat@1;"));
	assert_non_null(strstr(want, "github-pat@3;"));
	secret_rules_free(r);
	char file[512];
	assert_int_equal(cache_files(dir, file, sizeof file), 1);
	struct stat st1, st2;
	assert_int_equal(stat(file, &st1), 0);
	size_t len;
	unsigned char *orig = slurp(file, &len);

	r = load_yaml("", &e); /* from the cache */
	char *got = scan_summary(r);
	assert_string_equal(got, want);
	free(got);
	secret_rules_free(r);
	assert_int_equal(stat(file, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);

	/* a flipped byte in the database, then a torn file: recompiled, replaced */
	for (int round = 0; round < 2; round++) {
		int fd = open(file, O_RDWR);
		assert_true(fd >= 0);
		if (round == 0) {
			unsigned char c = orig[len / 2] ^ 0x40;
			assert_int_equal(pwrite(fd, &c, 1, (off_t)(len / 2)), 1);
		} else {
			assert_int_equal(ftruncate(fd, 80), 0);
		}
		close(fd);
		r = load_yaml("", &e);
		assert_non_null(r);
		got = scan_summary(r);
		assert_string_equal(got, want);
		free(got);
		secret_rules_free(r);
		size_t len2;
		unsigned char *now = slurp(file, &len2);
		assert_int_equal(len2, len);
		assert_memory_equal(now, orig, len);
		free(now);
	}

	/* another rule set: a second file */
	r = load_yaml("disable-rules: [github-pat]\n", &e);
	assert_non_null(r);
	got = scan_summary(r);
	assert_null(strstr(got, "github-pat"));
	free(got);
	secret_rules_free(r);
	assert_int_equal(cache_files(dir, file, sizeof file), 2);

	/* nowhere to cache */
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	r = load_yaml("", &e);
	assert_non_null(r);
	got = scan_summary(r);
	assert_string_equal(got, want);
	free(got);
	secret_rules_free(r);

	if (old_xdg)
		setenv("XDG_CACHE_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
	free(orig);
	free(want);
	char *rm = xasprintf("rm -rf %s", tmp);
	assert_int_equal(system(rm), 0);
	free(rm);
	free(dir);
}

/* Malformed configs fail with a message naming the problem, never crash. */
static void test_config_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
		{"rules: [\n", "line"},
		{"- a\n- b\n", "mapping"},
		{"rulez: []\n", "unknown key 'rulez'"},
		{"rules: {id: x}\n", "list"},
		{"rules:\n  - id: x\n    regex: a+\n", "severity"},
		{"rules:\n  - id: x\n    severity: HIGH\n", "regex"},
		{"rules:\n  - severity: HIGH\n    regex: a+\n", "id"},
		{"rules:\n  - id: x\n    severity: URGENT\n    regex: a+\n", "severity must be"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: 'a('\n", "rule 'x'"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: 'a*'\n", "rule 'x'"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    entropy: lots\n", "entropy"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    entropy: 9\n", "entropy"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    secret-group-name: s\n", "no group"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    keywords: {a: b}\n", "keywords"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    path: 'a('\n", "path"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    allow-rules: [{id: y}]\n", "allow rule"},
		{"rules:\n  - id: x\n    severity: LOW\n    regex: a+\n    colour: red\n", "unknown key 'colour'"},
		{"rules:\n  - {id: x, severity: LOW, regex: a+}\n  - {id: x, severity: LOW, regex: b+}\n", "twice"},
		{"rules:\n  - {id: jwt, severity: LOW, regex: a+}\n", "built-in"},
		{"rules:\n  - {id: x, id: y, severity: LOW, regex: a+}\n", "twice"},
		{"disable-rules: [no-such-rule]\n", "no-such-rule"},
		{"enable-builtin-rules: [nope]\n", "nope"},
		{"disable-allow-rules: [nope]\n", "nope"},
		{"disable-rules: 3\n", "disable-rules"},
		{"disable-rules: [[a]]\n", "disable-rules"},
		{"allow-rules:\n  - id: a\n    path: '('\n", "allow rule"},
		{"max-file-size: -1\n", "max-file-size"},
		{"max-file-size: 10 parsecs\n", "max-file-size"},
		{"max-file-size: 99999999999999999999999\n", "max-file-size"},
		{"max-file-size: 0\n", "max-file-size"},
		{"max-file-size: 2G\n", "max-file-size"},
		{"rules: []\n---\nrules: []\n", "more than one"},
		{"rules:\n  - id: \"a\\0b\"\n    severity: LOW\n    regex: a+\n", "NUL"},
		{"rules:\n  - id: ''\n    severity: LOW\n    regex: a+\n", "empty"},
		{"a: &x [*x]\n", ""},
		{"\t- x\n", "line"},
		{"rules: !!binary AAAA\n", "list"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct err e = {{0}};
		struct secret_rules *r = load_yaml(bad[i].yaml, &e);
		if (r || !strstr(e.msg, bad[i].msg))
			print_message("# case %zu: %s -> %s\n", i, bad[i].yaml, r ? "loaded" : e.msg);
		assert_null(r);
		assert_non_null(strstr(e.msg, bad[i].msg));
		assert_non_null(strstr(e.msg, "cfg.yaml"));
	}
	/* Over the size limit. */
	size_t big = (1 << 20) + 10;
	char *y = malloc(big + 1);
	memset(y, '#', big);
	y[big] = 0;
	struct err e;
	assert_null(secret_rules_load_yaml("big.yaml", y, big, &e));
	assert_non_null(strstr(e.msg, "larger than"));
	free(y);
	/* Deep nesting and random bytes. */
	struct buf b = {0};
	for (int i = 0; i < 5000; i++)
		buf_append(&b, "[", 1);
	assert_null(secret_rules_load_yaml("deep.yaml", (const char *)b.data, b.len, &e));
	buf_free(&b);
	unsigned seed = 7;
	for (int round = 0; round < 300; round++) {
		char junk[256];
		for (size_t i = 0; i < sizeof junk; i++) {
			seed = seed * 1103515245u + 12345u;
			junk[i] = "rules:- id severity regex allow-rules\n\t \"'[]{}&*!|>#:,0aZ"[(seed >> 16) % 58];
		}
		struct secret_rules *r = secret_rules_load_yaml("junk.yaml", junk, sizeof junk, &e);
		secret_rules_free(r);
	}
}

struct thread_arg {
	struct suite *s;
	size_t findings;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct secret_scan *sc = secret_scan_new(a->s->rules);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < a->s->npos; i++) {
			size_t n;
			unsigned char *buf = load(a->s, "positive", a->s->pos[i].name, &n);
			struct secret_findings f = {0};
			scan_buf(sc, a->s->pos[i].path, buf, n, 4093, 0, &f);
			a->findings += f.len;
			secret_findings_free(&f);
			free(buf);
		}
	secret_scan_free(sc);
	return NULL;
}

/* One rule set, four scanners in parallel, same answers. */
static void test_threads(void **state)
{
	struct suite *s = *state;
	size_t want = 0;
	for (size_t i = 0; i < s->npos; i++)
		want += s->pos[i].n;
	pthread_t t[4];
	struct thread_arg a[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (struct thread_arg){.s = s};
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].findings, 3 * want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positives),
		cmocka_unit_test(test_negatives),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_excerpt_format),
		cmocka_unit_test(test_skips_and_counts),
		cmocka_unit_test(test_pem_edges),
		cmocka_unit_test(test_allow_paths),
		cmocka_unit_test(test_scan_text),
		cmocka_unit_test(test_rules_info),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_malformed),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_hs_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
