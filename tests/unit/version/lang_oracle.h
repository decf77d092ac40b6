/* Helpers shared by the npm and PyPI comparator tests: tab-separated corpus
 * files under tests/data/versions, and a batch oracle run in a real tool
 * (node-semver, python3-packaging) over generated pairs. */
#ifndef VIGIL_TEST_VERSION_LANG_ORACLE_H
#define VIGIL_TEST_VERSION_LANG_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* Path of tests/data/versions/NAME (malloc'd). */
char *lang_corpus_path(const char *name);
/* Calls fn for each non-comment, non-empty line of a tab-separated file,
 * with its fields (at most 4); returns the number of lines. */
size_t tsv_each(const char *path, void (*fn)(void *ctx, int lineno, char **f, int nf), void *ctx);

struct oracle_answer {
	bool valid_a, valid_b;
	int cmp; /* meaningful when both are valid */
};

/* Runs `interpreter script IN OUT` on the pairs (ASCII strings; JSON
 * lines in, "VA VB CMP" lines out) and fills answers[n]. Returns 0, or -1
 * when the tool cannot run (missing interpreter or module): the caller
 * skips, or fails under CI. The script is tests/unit/version/SCRIPT. */
int oracle_run(const char *interpreter, const char *script, char *const *a, char *const *b, size_t n,
	       struct oracle_answer *answers);

#endif
