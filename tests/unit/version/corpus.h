/* Line readers and shared helpers for the version tests: corpus files of
 * "A op B" / "V" lines, and a seeded generator for property tests. */
#ifndef VIGIL_TEST_VERSION_CORPUS_H
#define VIGIL_TEST_VERSION_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One meaningful line: text after '#' dropped, surrounding blanks trimmed,
 * split on runs of blanks. nf is 1 ("V", "!V") or 3 ("A op B"). */
struct corpus_line {
	int lineno;
	int nf;
	const char *f[3];
};

/* Calls fn for every non-empty line of the fixture file at path; fails the
 * test on a line with another field count. Returns the number of lines. */
size_t corpus_each(const char *path, void (*fn)(void *ctx, const struct corpus_line *l), void *ctx);

/* Does cmp (a sign) satisfy "<", ">", "=" ? Fails the test for other ops. */
bool corpus_op_holds(const char *op, int cmp, int lineno);

/* splitmix64: small, seedable, good enough to spread test cases. */
struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
/* Uniform-ish in [0, n). */
unsigned rng_below(struct rng *r, unsigned n);
/* Seed from VIGIL_PROPERTY_SEED when set, else def; printed so a failure
 * can be replayed. */
struct rng rng_seeded(uint64_t def);

/* True when the test runs under CI=true (a missing oracle is then a failure). */
bool in_ci(void);

#endif
