/* A small box-drawing table printer shared by the table reports. Cells are
 * sanitised on the way in, so names from images cannot inject terminal
 * escape sequences. */
#ifndef VIGIL_TEXTABLE_H
#define VIGIL_TEXTABLE_H

#include <stddef.h>
#include <stdio.h>

struct textable {
	size_t ncols, nrows, cap;
	char **cells; /* row-major, (nrows + 1) * ncols: row 0 is the header */
	size_t *width;
	size_t max_width; /* cells wider than this are cut with "…" (0 = no limit) */
};

void textable_init(struct textable *t, size_t ncols, const char *const *header);
/* Adds a row of ncols cells (NULL = empty). */
void textable_add(struct textable *t, const char *const *cells);
void textable_print(const struct textable *t, FILE *out);
void textable_free(struct textable *t);

#endif
