#include "corpus.h"

#include "testutil.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

size_t corpus_each(const char *path, void (*fn)(void *ctx, const struct corpus_line *l), void *ctx)
{
	size_t len;
	char *text = (char *)slurp(path, &len);
	size_t count = 0;
	int lineno = 0;
	char *save = NULL;
	/* strtok_r on "\n" would skip empty lines and miscount; walk by hand. */
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		struct corpus_line l = {.lineno = lineno};
		for (char *tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
			if (l.nf == 3)
				fail_msg("%s:%d: more than 3 fields", path, lineno);
			l.f[l.nf++] = tok;
		}
		if (l.nf == 2)
			fail_msg("%s:%d: 2 fields", path, lineno);
		if (l.nf > 0) {
			fn(ctx, &l);
			count++;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return count;
}

bool corpus_op_holds(const char *op, int cmp, int lineno)
{
	if (strcmp(op, "<") == 0)
		return cmp < 0;
	if (strcmp(op, ">") == 0)
		return cmp > 0;
	if (strcmp(op, "=") == 0)
		return cmp == 0;
	fail_msg("line %d: unexpected operator '%s'", lineno, op);
	return false;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

struct rng rng_seeded(uint64_t def)
{
	const char *env = getenv("VIGIL_PROPERTY_SEED");
	struct rng r = {env && *env ? strtoull(env, NULL, 0) : def};
	print_message("# property seed 0x%" PRIx64 " (set VIGIL_PROPERTY_SEED to replay)\n", r.s);
	return r;
}

bool in_ci(void)
{
	const char *ci = getenv("CI");
	return ci && strcmp(ci, "true") == 0;
}
