#include "report/textable.h"

#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static size_t utf8_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xc0) != 0x80;
	return w;
}

/* Cuts s to at most max code points, ending with "…" when cut. */
static char *cut(char *s, size_t max)
{
	if (!max || utf8_width(s) <= max)
		return s;
	size_t w = 0;
	unsigned char *p = (unsigned char *)s;
	for (; *p; p++) {
		if ((*p & 0xc0) != 0x80 && ++w == max)
			break;
	}
	*p = 0;
	char *r = xasprintf("%s…", s);
	free(s);
	return r;
}

static void add_row(struct textable *t, const char *const *cells)
{
	void *v = t->cells;
	size_t cap = t->cap;
	xgrow(&v, &cap, (t->nrows + 1) * t->ncols, sizeof *t->cells);
	t->cells = v;
	t->cap = cap;
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = cut(utf8_sanitize(cells[c] ? cells[c] : ""), t->max_width);
		/* line breaks would break the box */
		for (char *q = s; *q; q++)
			if (*q == '\n' || *q == '\r' || *q == '\t')
				*q = ' ';
		t->cells[t->nrows * t->ncols + c] = s;
		size_t w = utf8_width(s);
		if (w > t->width[c])
			t->width[c] = w;
	}
	t->nrows++;
}

void textable_init(struct textable *t, size_t ncols, const char *const *header)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->width = xcalloc(ncols, sizeof *t->width);
	add_row(t, header); /* row 0 */
}

void textable_add(struct textable *t, const char *const *cells)
{
	add_row(t, cells);
}

static void rule(const struct textable *t, FILE *out, const char *l, const char *m, const char *r)
{
	fputs(l, out);
	for (size_t c = 0; c < t->ncols; c++) {
		for (size_t k = 0; k < t->width[c] + 2; k++)
			fputs("─", out);
		fputs(c + 1 < t->ncols ? m : r, out);
	}
	fputc('\n', out);
}

static void row(const struct textable *t, FILE *out, size_t r)
{
	fputs("│", out);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = t->cells[r * t->ncols + c];
		fprintf(out, " %s", s);
		for (size_t k = utf8_width(s); k < t->width[c]; k++)
			fputc(' ', out);
		fputs(" │", out);
	}
	fputc('\n', out);
}

void textable_print(const struct textable *t, FILE *out)
{
	rule(t, out, "┌", "┬", "┐");
	row(t, out, 0);
	rule(t, out, "├", "┼", "┤");
	for (size_t r = 1; r < t->nrows; r++)
		row(t, out, r);
	rule(t, out, "└", "┴", "┘");
}

void textable_free(struct textable *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	memset(t, 0, sizeof *t);
}
