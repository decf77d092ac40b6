#include "lang_oracle.h"

#include "testutil.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *source_root(void)
{
	const char *root = getenv("VIGIL_SOURCE_ROOT");
	return root ? root : ".";
}

char *lang_corpus_path(const char *name)
{
	return xasprintf("%s/tests/data/versions/%s", source_root(), name);
}

size_t tsv_each(const char *path, void (*fn)(void *ctx, int lineno, char **f, int nf), void *ctx)
{
	size_t len;
	char *text = (char *)slurp(path, &len);
	size_t count = 0;
	int lineno = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (*line && *line != '#') {
			char *f[4];
			int nf = 0;
			for (char *p = line; p && nf < 4;) {
				char *tab = strchr(p, '\t');
				if (tab)
					*tab = '\0';
				f[nf++] = p;
				p = tab ? tab + 1 : NULL;
			}
			fn(ctx, lineno, f, nf);
			count++;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return count;
}

/* JSON string of an ASCII test version: quotes, backslashes and control
 * bytes escaped. */
static void json_string_out(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int oracle_run(const char *interpreter, const char *script, char *const *a, char *const *b, size_t n,
	       struct oracle_answer *answers)
{
	char dir[] = "/tmp/vigil-oracle-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *in = xasprintf("%s/in.jsonl", dir), *out = xasprintf("%s/out.txt", dir),
	     *errs = xasprintf("%s/err.txt", dir);
	FILE *f = fopen(in, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		fputc('[', f);
		json_string_out(f, a[i]);
		fputc(',', f);
		json_string_out(f, b[i]);
		fputs("]\n", f);
	}
	assert_int_equal(fclose(f), 0);
	char *cmd = xasprintf("%s '%s/tests/unit/version/%s' '%s' '%s' 2>'%s'", interpreter, source_root(), script, in,
			      out, errs);
	int rc = system(cmd);
	int result = -1;
	if (rc != 0) {
		size_t elen;
		char *etext = (char *)slurp(errs, &elen);
		print_message("# oracle '%s' failed (status %d): %.400s\n", cmd, rc, etext);
		free(etext);
	} else {
		f = fopen(out, "r");
		assert_non_null(f);
		size_t i = 0;
		char line[64];
		while (i < n && fgets(line, sizeof line, f)) {
			int va, vb;
			char c[8];
			if (sscanf(line, "%d %d %7s", &va, &vb, c) != 3)
				fail_msg("oracle output line %zu: '%s'", i + 1, line);
			answers[i] = (struct oracle_answer){va == 1, vb == 1, c[0] == 'x' ? 0 : atoi(c)};
			i++;
		}
		fclose(f);
		if (i != n)
			fail_msg("oracle answered %zu of %zu pairs", i, n);
		result = 0;
	}
	unlink(in);
	unlink(out);
	unlink(errs);
	rmdir(dir);
	free(in);
	free(out);
	free(errs);
	free(cmd);
	return result;
}
