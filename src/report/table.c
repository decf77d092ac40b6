/* Human-readable table report: per target a header, then the vulnerability
 * summary and table (Trivy's columns), then with --list-all-pkgs the
 * package table with the layer that introduced each package. */
#include "report/report.h"
#include "report/policy.h"

#include "report/textable.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static void heading(FILE *out, const char *text)
{
	char *clean = utf8_sanitize(text);
	fprintf(out, "\n%s\n", clean);
	for (const unsigned char *p = (const unsigned char *)clean; *p; p++)
		if ((*p & 0xc0) != 0x80)
			fputc('=', out);
	fputc('\n', out);
	free(clean);
}

static char *layer_cell(const struct image *img, size_t l)
{
	const char *diff = l < img->nlayers && img->layers[l].diff_id ? img->layers[l].diff_id : "";
	return diff[0] ? xasprintf("%zu %.19s", l + 1, diff) : xstrdup("-");
}

/* A language group's packages: each with the file it was read from. */
static void lang_package_table(FILE *out, const struct scan_report *r, enum report_group g)
{
	const struct inventory *inv = r->inv;
	static const char *const head[] = {"PACKAGE", "VERSION", "LICENSE", "PATH", "LAYER"};
	struct textable t;
	textable_init(&t, ARRAY_LEN(head), head);
	t.max_width = 70;
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct pkg *p = &inv->pkgs[i].pkg;
		if (report_pkg_group(p) != g)
			continue;
		char *layer = layer_cell(r->img, inv->pkgs[i].layer);
		const char *cells[] = {p->name, p->version, p->license, inv->pkgs[i].db_path, layer};
		textable_add(&t, cells);
		free(layer);
	}
	textable_print(&t, out);
	textable_free(&t);
}

static void package_table(FILE *out, const struct scan_report *r)
{
	const struct inventory *inv = r->inv;
	static const char *const head[] = {"PACKAGE", "VERSION", "SOURCE", "ARCH", "LAYER"};
	struct textable t;
	textable_init(&t, ARRAY_LEN(head), head);
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct pkg *p = &inv->pkgs[i].pkg;
		if (report_pkg_group(p) != REPORT_GROUP_OS)
			continue;
		const char *src = p->src_name ? p->src_name : "";
		char *source = p->src_version && p->src_version[0] && strcmp(p->src_version, p->version ? p->version : "")
				       ? xasprintf("%s %s", src, p->src_version)
				       : xstrdup(src);
		char *version = p->epoch > 0 ? xasprintf("%d:%s", p->epoch, p->version ? p->version : "")
					     : xstrdup(p->version ? p->version : "");
		char *layer = layer_cell(r->img, inv->pkgs[i].layer);
		const char *cells[] = {p->name, version, source, p->arch, layer};
		textable_add(&t, cells);
		free(source);
		free(version);
		free(layer);
	}
	textable_print(&t, out);
	textable_free(&t);
}

/* The findings of one result group (OS, or one language). */
static void vuln_table(FILE *out, const struct scan_report *r, enum report_group g)
{
	const struct findings *f = r->vulns;
	size_t count[SEV_CRITICAL + 1] = {0}, total = 0;
	for (size_t i = 0; i < f->len; i++)
		if (report_finding_group(r->inv, &f->v[i]) == g) {
			count[f->v[i].severity]++;
			total++;
		}
	fprintf(out, "Total: %zu (UNKNOWN: %zu, LOW: %zu, MEDIUM: %zu, HIGH: %zu, CRITICAL: %zu)\n", total,
		count[SEV_UNKNOWN], count[SEV_LOW], count[SEV_MEDIUM], count[SEV_HIGH], count[SEV_CRITICAL]);
	if (!total)
		return;
	fputc('\n', out);
	static const char *const head[] = {"LIBRARY",           "VULNERABILITY ID", "SEVERITY", "STATUS",
					   "INSTALLED VERSION", "FIXED VERSION",    "TITLE"};
	struct textable t;
	textable_init(&t, ARRAY_LEN(head), head);
	t.max_width = 60;
	for (size_t i = 0; i < f->len; i++) {
		const struct vuln_finding *v = &f->v[i];
		if (report_finding_group(r->inv, v) != g)
			continue;
		const char *name = v->pkg < r->inv->npkgs ? r->inv->pkgs[v->pkg].pkg.name : "";
		const char *title = v->title ? v->title : v->description ? v->description : "";
		const char *cells[] = {name,		      v->vuln_id, severity_name(v->severity), v->status,
				       v->installed_version, v->fixed_version, title};
		textable_add(&t, cells);
	}
	textable_print(&t, out);
	textable_free(&t);
}

static void secret_table(FILE *out, const struct scan_report *r)
{
	fprintf(out, "\nSecrets: %zu\n", r->nsecrets);
	if (!r->nsecrets)
		return;
	static const char *const head[] = {"TARGET", "RULE", "SEVERITY", "LINE", "LAYER", "IN FINAL IMAGE", "MATCH"};
	struct textable t;
	textable_init(&t, ARRAY_LEN(head), head);
	t.max_width = 70;
	for (size_t i = 0; i < r->nsecrets; i++) {
		const struct secret_hit *h = &r->secrets[i];
		char *line = h->f->start_line == h->f->end_line ? xasprintf("%d", h->f->start_line)
								: xasprintf("%d-%d", h->f->start_line, h->f->end_line);
		char *layer = h->layer >= 0 ? layer_cell(r->img, (size_t)h->layer) : xstrdup("config");
		char *status = h->layer < 0 || h->removed_in < 0
				       ? xstrdup("yes")
				       : xasprintf("no: %s in layer %d, still extractable", h->deleted ? "removed" : "replaced",
						   h->removed_in + 1);
		const char *cells[] = {h->f->path, h->f->rule_id, h->f->severity, line, layer, status, h->f->match};
		textable_add(&t, cells);
		free(line);
		free(layer);
		free(status);
	}
	textable_print(&t, out);
	textable_free(&t);
}

static void misconf_table(FILE *out, const struct scan_report *r)
{
	fprintf(out, "\nImage configuration: %zu misconfiguration%s\n", r->misconf->n, r->misconf->n == 1 ? "" : "s");
	if (!r->misconf->n)
		return;
	static const char *const head[] = {"ID", "SEVERITY", "TITLE", "MESSAGE", "LAYER"};
	struct textable t;
	textable_init(&t, ARRAY_LEN(head), head);
	t.max_width = 70;
	for (size_t i = 0; i < r->misconf->n; i++) {
		const struct misconf_finding *f = &r->misconf->v[i];
		char *layer = f->layer >= 0 ? layer_cell(r->img, (size_t)f->layer) : xstrdup("config");
		const char *cells[] = {f->id, misconf_severity_name(f->severity), f->title, f->message, layer};
		textable_add(&t, cells);
		free(layer);
	}
	textable_print(&t, out);
	textable_free(&t);
}

int report_table(FILE *out, const struct scan_report *r)
{
	const struct inventory *inv = r->inv;
	char *target = report_target(r);
	heading(out, target);
	free(target);
	if (r->img->id)
		fprintf(out, "Image ID: %s\n", r->img->id);
	fprintf(out, "Layers: %zu   Packages: %zu\n", r->img->nlayers, inv->npkgs);
	for (size_t i = 0; i < inv->nnotices; i++)
		fprintf(out, "Notice: %s\n", inv->notices[i]);
	if (r->vulns)
		for (size_t i = 0; i < r->vulns->nnotices; i++)
			fprintf(out, "Notice: %s\n", r->vulns->notices[i]);
	if (!inv->os.family && !inv->npkgs)
		fputs("No operating system or packages detected.\n", out);
	/* The OS's findings, unless language packages are all there is (as a
	 * JSON report then has no os-pkgs result). */
	size_t nlang = inv->npkgs - report_group_count(inv, REPORT_GROUP_OS);
	if (r->vulns_scanned && (inv->os.family || !nlang || nlang < inv->npkgs)) {
		fputc('\n', out);
		vuln_table(out, r, REPORT_GROUP_OS);
	}
	/* A section per language result, as Trivy prints "Node.js (node-pkg)". */
	for (int g = REPORT_GROUP_OS + 1; g < REPORT_NGROUPS; g++) {
		size_t n = report_group_count(inv, (enum report_group)g);
		if (!n)
			continue;
		char *title = xasprintf("%s (%s)", report_group_target((enum report_group)g),
					report_group_type((enum report_group)g));
		heading(out, title);
		free(title);
		fprintf(out, "Packages: %zu\n", n);
		if (r->vulns_scanned) {
			fputc('\n', out);
			vuln_table(out, r, (enum report_group)g);
		}
	}
	if (r->secrets_scanned)
		secret_table(out, r);
	if (r->misconf_scanned)
		misconf_table(out, r);
	if (r->history_dockerfile && *r->history_dockerfile) {
		fputs("\nDockerfile rebuilt from the image history\n\n", out);
		/* line by line: each line sanitised, the line breaks kept */
		char *copy = xstrdup(r->history_dockerfile), *save = NULL;
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *clean = utf8_sanitize(l);
			fprintf(out, "%s\n", clean);
			free(clean);
		}
		free(copy);
	}
	if (r->list_all_pkgs && report_group_count(inv, REPORT_GROUP_OS)) {
		fputs("\nPackages\n", out);
		package_table(out, r);
	}
	for (int g = REPORT_GROUP_OS + 1; r->list_all_pkgs && g < REPORT_NGROUPS; g++) {
		if (!report_group_count(inv, (enum report_group)g))
			continue;
		fprintf(out, "\nPackages: %s (%s)\n", report_group_target((enum report_group)g),
			report_group_type((enum report_group)g));
		lang_package_table(out, r, (enum report_group)g);
	}
	if (r->policy)
		report_policy_table(out, r->policy);
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}
