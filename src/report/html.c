/* HTML report: one self-contained page a person opens in a browser — inline
 * CSS, no JavaScript, nothing fetched (a Content-Security-Policy meta tag
 * forbids it anyway), links only to http(s) advisory URLs. Everything from
 * the image or the feeds goes through libxml2's writer (xmlout.h), so a
 * package called "<script>" is shown, never run. Layout: doc/formats.md. */
#include "report/report.h"
#include "report/policy.h"

#include "config.h"
#include "report/xmlout.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* No '<' or '&' here: written as is, inside <style>. */
static const char style[] =
	"\nbody{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
	"\ntable{border-collapse:collapse;margin:.5em 0 1.5em}"
	"\nth,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
	"\nth{background:#f2f2f2}"
	"\ntd{max-width:40em;overflow-wrap:anywhere}"
	"\ntable.meta th{width:10em}"
	"\n.num{text-align:right}"
	"\n.sev-CRITICAL{background:#7b1020;color:#fff}"
	"\n.sev-HIGH{background:#d9381e;color:#fff}"
	"\n.sev-MEDIUM{background:#f0a030}"
	"\n.sev-LOW{background:#f7e08a}"
	"\n.sev-UNKNOWN{background:#ddd}"
	"\n.removed{color:#a00;font-weight:bold}"
	"\nfooter{color:#777;margin-top:2em}"
	"\n";

static const enum severity severity_order[] = {SEV_CRITICAL, SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_UNKNOWN};

static enum severity secret_severity(const struct secret_finding *f)
{
	int s = severity_parse(f->severity);
	return s < 0 ? SEV_UNKNOWN : (enum severity)s;
}

static void td(struct xml_out *x, const char *text)
{
	xml_element(x, "td", text);
}

static void tdf(struct xml_out *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tdf(struct xml_out *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	td(x, s ? s : "");
	free(s);
}

static void td_severity(struct xml_out *x, enum severity s)
{
	xml_start(x, "td");
	xml_attrf(x, "class", "sev-%s", severity_name(s));
	xml_text(x, severity_name(s));
	xml_end(x);
}

/* A table cell naming an image layer by index, the diff ID and history line as a tooltip. */
static void td_layer(struct xml_out *x, const struct image *img, long layer)
{
	xml_start(x, "td");
	if (layer < 0) {
		xml_text(x, "image config");
	} else if (img->type && !strcmp(img->type, "filesystem")) {
		xml_text(x, "-"); /* vigil rootfs/fs: one directory, no layers */
	} else {
		if ((size_t)layer < img->nlayers) {
			const struct image_layer *l = &img->layers[layer];
			xml_attrf(x, "title", "%s%s%s", l->diff_id ? l->diff_id : "", l->created_by ? "\n" : "",
				  l->created_by ? l->created_by : "");
		}
		xml_textf(x, "%ld", layer);
	}
	xml_end(x);
}

static void header_row(struct xml_out *x, const char *const *heads, size_t n)
{
	xml_start(x, "thead");
	xml_start(x, "tr");
	for (size_t i = 0; i < n; i++)
		xml_element(x, "th", heads[i]);
	xml_end(x);
	xml_end(x);
}

static void meta_row(struct xml_out *x, const char *name, const char *value)
{
	if (!value)
		return;
	xml_start(x, "tr");
	xml_element(x, "th", name);
	td(x, value);
	xml_end(x);
}

/* Only web links become links: an advisory URL from a feed could say "javascript:…". */
static bool is_web_url(const char *u)
{
	return u && (!strncasecmp(u, "https://", 8) || !strncasecmp(u, "http://", 7));
}

static void summary(struct xml_out *x, const struct scan_report *r)
{
	xml_element(x, "h2", "Summary");
	xml_start(x, "table");
	xml_attr(x, "class", "counts");
	static const char *const heads[] = {"", "CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN", "Total"};
	header_row(x, heads, ARRAY_LEN(heads));
	xml_start(x, "tbody");
	static const char *const rows[] = {"Vulnerabilities", "Secrets", "Misconfigurations"};
	const bool scanned[] = {r->vulns_scanned, r->secrets_scanned, r->misconf_scanned};
	for (size_t row = 0; row < ARRAY_LEN(rows); row++) {
		xml_start(x, "tr");
		xml_element(x, "th", rows[row]);
		if (!scanned[row]) {
			xml_start(x, "td");
			xml_attr(x, "colspan", "6");
			xml_text(x, "not scanned");
			xml_end(x);
			xml_end(x);
			continue;
		}
		size_t count[SEV_CRITICAL + 1] = {0}, total = 0;
		if (row == 0)
			for (size_t i = 0; i < r->vulns->len; i++, total++)
				count[r->vulns->v[i].severity <= SEV_CRITICAL ? r->vulns->v[i].severity : SEV_UNKNOWN]++;
		else if (row == 1)
			for (size_t i = 0; i < r->nsecrets; i++, total++)
				count[secret_severity(r->secrets[i].f)]++;
		else
			for (size_t i = 0; i < r->misconf->n; i++, total++) /* MISCONF_LOW..CRITICAL = SEV_LOW..CRITICAL */
				count[r->misconf->v[i].severity <= MISCONF_CRITICAL ? (size_t)r->misconf->v[i].severity : 0]++;
		for (size_t i = 0; i < ARRAY_LEN(severity_order); i++) {
			xml_start(x, "td");
			xml_attr(x, "class", "num");
			xml_textf(x, "%zu", count[severity_order[i]]);
			xml_end(x);
		}
		xml_start(x, "td");
		xml_attr(x, "class", "num");
		xml_textf(x, "%zu", total);
		xml_end(x);
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}

static void layers_table(struct xml_out *x, const struct image *img)
{
	xml_start(x, "h2");
	xml_textf(x, "Layers (%zu)", img->nlayers);
	xml_end(x);
	if (!img->nlayers)
		return;
	xml_start(x, "table");
	static const char *const heads[] = {"#", "Diff ID", "Digest", "Size", "Created by"};
	header_row(x, heads, ARRAY_LEN(heads));
	xml_start(x, "tbody");
	for (size_t i = 0; i < img->nlayers; i++) {
		const struct image_layer *l = &img->layers[i];
		xml_start(x, "tr");
		tdf(x, "%zu", i);
		td(x, l->diff_id);
		td(x, l->digest);
		if (l->size >= 0)
			tdf(x, "%lld", (long long)l->size);
		else
			td(x, "");
		td(x, l->created_by);
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}

/* A section heading with its count, or a sentence saying the scanner did not run / found nothing.
 * Returns true when there is a table to write. */
static bool section(struct xml_out *x, const char *title, bool scanned, size_t n)
{
	xml_start(x, "h2");
	xml_textf(x, "%s (%zu)", title, n);
	xml_end(x);
	if (!scanned)
		xml_element(x, "p", "Not scanned.");
	else if (!n)
		xml_element(x, "p", "None found.");
	return scanned && n;
}

static void vulns_table(struct xml_out *x, const struct scan_report *r)
{
	if (!section(x, "Vulnerabilities", r->vulns_scanned, r->vulns_scanned ? r->vulns->len : 0))
		return;
	xml_start(x, "table");
	static const char *const heads[] = {"Package", "Vulnerability", "Severity", "Installed", "Fixed", "Title",
					    "Layer"};
	header_row(x, heads, ARRAY_LEN(heads));
	xml_start(x, "tbody");
	for (size_t i = 0; i < r->vulns->len; i++) {
		const struct vuln_finding *v = &r->vulns->v[i];
		const struct inventory_pkg *ip = v->pkg < r->inv->npkgs ? &r->inv->pkgs[v->pkg] : NULL;
		xml_start(x, "tr");
		if (ip && pkg_type_is_lang(ip->pkg.type) && ip->db_path) {
			/* a language package is known by where it is installed */
			char *where = xasprintf("%s (%s)", ip->pkg.name ? ip->pkg.name : "", ip->db_path);
			td(x, where);
			free(where);
		} else {
			td(x, ip ? ip->pkg.name : "");
		}
		xml_start(x, "td");
		if (is_web_url(v->primary_url)) {
			xml_start(x, "a");
			xml_attr(x, "href", v->primary_url);
			xml_attr(x, "rel", "noopener noreferrer");
			xml_text(x, v->vuln_id);
			xml_end(x);
		} else {
			xml_text(x, v->vuln_id);
		}
		xml_end(x);
		td_severity(x, v->severity);
		td(x, v->installed_version);
		td(x, v->fixed_version ? v->fixed_version : v->status);
		td(x, v->title);
		if (ip)
			td_layer(x, r->img, (long)ip->layer);
		else
			td(x, "");
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}

static void secrets_table(struct xml_out *x, const struct scan_report *r)
{
	if (!section(x, "Secrets", r->secrets_scanned, r->secrets_scanned ? r->nsecrets : 0))
		return;
	xml_start(x, "table");
	static const char *const heads[] = {"Path", "Rule", "Severity", "Title", "Line", "Match (redacted)", "Layer",
					    "In the final image"};
	header_row(x, heads, ARRAY_LEN(heads));
	xml_start(x, "tbody");
	for (size_t i = 0; i < r->nsecrets; i++) {
		const struct secret_hit *h = &r->secrets[i];
		xml_start(x, "tr");
		td(x, h->f->path);
		td(x, h->f->rule_id);
		td_severity(x, secret_severity(h->f));
		td(x, h->f->title);
		if (h->f->start_line > 0)
			tdf(x, "%d", h->f->start_line);
		else
			td(x, "");
		td(x, h->f->match);
		td_layer(x, r->img, h->layer);
		if (h->layer >= 0 && h->removed_in >= 0) {
			xml_start(x, "td");
			xml_attr(x, "class", "removed");
			xml_attr(x, "title", h->deleted ? "deleted by that layer" : "replaced by that layer");
			xml_textf(x, "removed in layer %d — still extractable", h->removed_in);
			xml_end(x);
		} else {
			td(x, "yes");
		}
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}

static void misconf_table(struct xml_out *x, const struct scan_report *r)
{
	if (!section(x, "Misconfigurations", r->misconf_scanned, r->misconf_scanned ? r->misconf->n : 0))
		return;
	xml_start(x, "table");
	static const char *const heads[] = {"Where", "ID", "Severity", "Title", "Message", "Resolution", "Layer"};
	header_row(x, heads, ARRAY_LEN(heads));
	xml_start(x, "tbody");
	for (size_t i = 0; i < r->misconf->n; i++) {
		const struct misconf_finding *f = &r->misconf->v[i];
		xml_start(x, "tr");
		if (f->file && f->start_line > 0)
			tdf(x, "%s:%d", f->file, f->start_line);
		else
			td(x, f->file ? f->file : "image config");
		td(x, f->id);
		td_severity(x, f->severity <= MISCONF_CRITICAL ? (enum severity)f->severity : SEV_UNKNOWN);
		td(x, f->title);
		td(x, f->message);
		td(x, f->hint);
		if (f->layer >= 0)
			td_layer(x, r->img, f->layer);
		else
			td(x, "");
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}

static void notices_list(struct xml_out *x, const struct scan_report *r)
{
	size_t nvn = r->vulns ? r->vulns->nnotices : 0;
	if (!r->inv->nnotices && !nvn)
		return;
	xml_element(x, "h2", "Notices");
	xml_start(x, "ul");
	for (size_t i = 0; i < r->inv->nnotices; i++)
		xml_element(x, "li", r->inv->notices[i]);
	for (size_t i = 0; i < nvn; i++)
		xml_element(x, "li", r->vulns->notices[i]);
	xml_end(x);
}

static void packages_table(struct xml_out *x, const struct scan_report *r)
{
	if (!r->list_all_pkgs)
		return;
	xml_start(x, "h2");
	xml_textf(x, "Packages (%zu)", r->inv->npkgs);
	xml_end(x);
	if (!r->inv->npkgs)
		return;
	xml_start(x, "table");
	static const char *const heads[] = {"Name", "Version", "Arch", "Source", "Layer"};
	header_row(x, heads, ARRAY_LEN(heads));
	xml_start(x, "tbody");
	for (size_t i = 0; i < r->inv->npkgs; i++) {
		const struct inventory_pkg *ip = &r->inv->pkgs[i];
		xml_start(x, "tr");
		td(x, ip->pkg.name);
		td(x, ip->pkg.version);
		td(x, ip->pkg.arch);
		td(x, ip->pkg.src_name);
		td_layer(x, r->img, (long)ip->layer);
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}

static void head(struct xml_out *x, const struct scan_report *r)
{
	xml_start(x, "head");
	xml_start(x, "meta");
	xml_attr(x, "charset", "utf-8");
	xml_end_empty(x);
	/* Belt and braces: even if something slipped through, the page may load nothing and run nothing. */
	xml_start(x, "meta");
	xml_attr(x, "http-equiv", "Content-Security-Policy");
	xml_attr(x, "content", "default-src 'none'; style-src 'unsafe-inline'");
	xml_end_empty(x);
	xml_start(x, "meta");
	xml_attr(x, "name", "referrer");
	xml_attr(x, "content", "no-referrer");
	xml_end_empty(x);
	xml_start(x, "title");
	xml_textf(x, "vigil report: %s", r->img->name);
	xml_end(x);
	xml_start(x, "style");
	xml_raw(x, style);
	xml_end(x);
	xml_end(x);
}

int report_html(FILE *out, const struct scan_report *r)
{
	struct xml_out x;
	if (xml_out_open(&x, out) != 0)
		return -1;
	xml_raw(&x, "<!DOCTYPE html>\n");
	xml_start(&x, "html");
	xml_attr(&x, "lang", "en");
	head(&x, r);
	xml_start(&x, "body");
	xml_start(&x, "h1");
	xml_textf(&x, "vigil report: %s", r->img->name);
	xml_end(&x);

	const struct os_info *os = &r->inv->os;
	char *os_text = os->pretty ? xstrdup(os->pretty)
			: os->family ? xasprintf("%s %s", os->family, os->name ? os->name : "")
				     : xstrdup("not identified");
	char ts[32];
	report_timestamp(ts);
	xml_start(&x, "table");
	xml_attr(&x, "class", "meta");
	xml_start(&x, "tbody");
	meta_row(&x, "Artifact", r->img->name);
	meta_row(&x, "Type", r->img->type ? r->img->type : "container_image");
	meta_row(&x, "Image ID", r->img->id);
	meta_row(&x, "Manifest digest", r->img->manifest_digest);
	for (size_t i = 0; i < r->img->nrepo_tags; i++)
		meta_row(&x, "Tag", r->img->repo_tags[i]);
	meta_row(&x, "OS", os_text);
	char *npkgs = xasprintf("%zu", r->inv->npkgs);
	meta_row(&x, "Packages", npkgs);
	free(npkgs);
	meta_row(&x, "Scanned at", ts);
	xml_end(&x);
	xml_end(&x);
	free(os_text);

	summary(&x, r);
	notices_list(&x, r);
	vulns_table(&x, r);
	secrets_table(&x, r);
	misconf_table(&x, r);
	if (r->policy)
		report_policy_html(&x, r->policy);
	layers_table(&x, r->img);
	packages_table(&x, r);
	if (r->history_dockerfile && *r->history_dockerfile) {
		xml_element(&x, "h2", "Dockerfile rebuilt from the image history");
		xml_element(&x, "pre", r->history_dockerfile);
	}
	xml_start(&x, "footer");
	xml_textf(&x, "vigil %s", r->tool_version ? r->tool_version : VIGIL_VERSION);
	xml_end(&x);
	xml_end(&x);
	xml_end(&x);
	return xml_out_close(&x, out);
}
