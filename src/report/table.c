/* Human-readable table report. Columns are sized to their content; names
 * from images are sanitised so a hostile package name cannot inject terminal
 * escape sequences. */
#include "report/report.h"

#include "util/util.h"

#include <stdlib.h>
#include <string.h>

enum { NCOLS = 5 };

static size_t width(const char *s)
{
	/* Display width approximated by UTF-8 code points. */
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xc0) != 0x80;
	return w;
}

static void print_row(FILE *out, char *const cells[NCOLS], const size_t w[NCOLS])
{
	fputs("│", out);
	for (int c = 0; c < NCOLS; c++) {
		fprintf(out, " %s", cells[c]);
		for (size_t k = width(cells[c]); k < w[c]; k++)
			fputc(' ', out);
		fputs(" │", out);
	}
	fputc('\n', out);
}

static void print_rule(FILE *out, const size_t w[NCOLS], const char *l, const char *m, const char *r)
{
	fputs(l, out);
	for (int c = 0; c < NCOLS; c++) {
		for (size_t k = 0; k < w[c] + 2; k++)
			fputs("─", out);
		fputs(c + 1 < NCOLS ? m : r, out);
	}
	fputc('\n', out);
}


int report_table(FILE *out, const struct scan_report *r)
{
	const struct inventory *inv = r->inv;
	char *target = report_target(r);
	char *clean = utf8_sanitize(target);
	fprintf(out, "\n%s\n", clean);
	for (size_t i = 0; i < width(clean); i++)
		fputc('=', out);
	fputc('\n', out);
	free(clean);
	free(target);
	if (r->img->id)
		fprintf(out, "Image ID: %s\n", r->img->id);
	fprintf(out, "Layers: %zu   Packages: %zu\n", r->img->nlayers, inv->npkgs);
	for (size_t i = 0; i < inv->nnotices; i++)
		fprintf(out, "Notice: %s\n", inv->notices[i]);
	if (!inv->os.family && !inv->npkgs)
		fputs("No operating system or packages detected.\n", out);
	if (!r->list_all_pkgs || !inv->npkgs) {
		fputc('\n', out);
		return ferror(out) ? -1 : 0;
	}
	fputc('\n', out);
	static const char *const head[NCOLS] = {"PACKAGE", "VERSION", "SOURCE", "ARCH", "LAYER"};
	size_t w[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		w[c] = strlen(head[c]);
	char *(*rows)[NCOLS] = xcalloc(inv->npkgs, sizeof *rows);
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct pkg *p = &inv->pkgs[i].pkg;
		const char *src = p->src_name ? p->src_name : "";
		char *source = p->src_version && p->src_version[0] && strcmp(p->src_version, p->version ? p->version : "")
				       ? xasprintf("%s %s", src, p->src_version)
				       : xstrdup(src);
		rows[i][0] = utf8_sanitize(p->name ? p->name : "");
		if (p->epoch > 0) {
			char *v = xasprintf("%d:%s", p->epoch, p->version ? p->version : "");
			rows[i][1] = utf8_sanitize(v);
			free(v);
		} else {
			rows[i][1] = utf8_sanitize(p->version ? p->version : "");
		}
		rows[i][2] = utf8_sanitize(source);
		free(source);
		rows[i][3] = utf8_sanitize(p->arch ? p->arch : "");
		size_t l = inv->pkgs[i].layer;
		const char *diff = l < r->img->nlayers && r->img->layers[l].diff_id ? r->img->layers[l].diff_id : "";
		rows[i][4] = r->img->nlayers > 1 || diff[0] ? xasprintf("%zu %.19s", l + 1, diff) : xstrdup("-");
		for (int c = 0; c < NCOLS; c++)
			if (width(rows[i][c]) > w[c])
				w[c] = width(rows[i][c]);
	}
	print_rule(out, w, "┌", "┬", "┐");
	print_row(out, (char *const *)head, w);
	print_rule(out, w, "├", "┼", "┤");
	for (size_t i = 0; i < inv->npkgs; i++) {
		print_row(out, rows[i], w);
		for (int c = 0; c < NCOLS; c++)
			free(rows[i][c]);
	}
	print_rule(out, w, "└", "┴", "┘");
	free(rows);
	return ferror(out) ? -1 : 0;
}
