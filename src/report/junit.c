/* JUnit XML report, the format CI systems (Jenkins, GitLab, Azure DevOps)
 * ingest as test results; modelled on Trivy's contrib/junit.tpl. One
 * testsuite per scanned class (OS packages, secrets, misconfigurations), one
 * failing testcase per finding, and one passing testcase for a class that
 * found nothing, so that CI shows the scan ran. Layout: doc/formats.md. */
#include "report/report.h"
#include "report/policy.h"

#include "report/xmlout.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* "layer 2 (sha256:…)", "the image config" (index -1), or "the filesystem" (vigil rootfs/fs: no layers). */
static char *layer_label(const struct image *img, long layer)
{
	if (layer < 0)
		return xstrdup("the image config");
	if (img->type && !strcmp(img->type, "filesystem"))
		return xstrdup("the filesystem");
	if ((size_t)layer < img->nlayers && img->layers[layer].diff_id)
		return xasprintf("layer %ld (%s)", layer, img->layers[layer].diff_id);
	return xasprintf("layer %ld", layer);
}

/* <testsuite> with its attributes and <properties>; the caller writes the testcases and ends it. */
static void suite_start(struct xml_out *x, const char *name, size_t tests, size_t failures, const char *class,
			const char *type, const char *target)
{
	xml_start(x, "testsuite");
	xml_attr(x, "name", name);
	xml_attrf(x, "tests", "%zu", tests);
	xml_attrf(x, "failures", "%zu", failures);
	xml_attr(x, "errors", "0");
	xml_attr(x, "skipped", "0");
	xml_attr(x, "time", "0"); /* vigil does not time classes apart */
	xml_start(x, "properties");
	const char *names[] = {"class", "type", "target"}, *values[] = {class, type, target};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (!values[i])
			continue;
		xml_start(x, "property");
		xml_attr(x, "name", names[i]);
		xml_attr(x, "value", values[i]);
		xml_end_empty(x);
	}
	xml_end(x);
}

static void failing_case(struct xml_out *x, const char *classname, const char *severity, const char *id,
			 const char *message, const char *body)
{
	xml_start(x, "testcase");
	xml_attr(x, "classname", classname);
	xml_attrf(x, "name", "[%s] %s", severity, id ? id : "");
	xml_attr(x, "time", "0");
	xml_start(x, "failure");
	xml_attr(x, "message", message);
	xml_attr(x, "type", "description");
	xml_text(x, body);
	xml_end(x);
	xml_end(x);
}

static void passing_case(struct xml_out *x, const char *classname, const char *name, const char *out)
{
	xml_start(x, "testcase");
	xml_attr(x, "classname", classname);
	xml_attr(x, "name", name);
	xml_attr(x, "time", "0");
	xml_element(x, "system-out", out);
	xml_end(x);
}

/* Inventory and matcher notices ("no data for alpine 3.2"…), once, in the first suite. */
static void notices_out(struct xml_out *x, const struct scan_report *r, bool *written)
{
	size_t nvn = r->vulns ? r->vulns->nnotices : 0;
	if (*written || (!r->inv->nnotices && !nvn))
		return;
	*written = true;
	struct buf b = {0};
	for (size_t i = 0; i < r->inv->nnotices; i++)
		buf_appendf(&b, "notice: %s\n", r->inv->notices[i]);
	for (size_t i = 0; i < nvn; i++)
		buf_appendf(&b, "notice: %s\n", r->vulns->notices[i]);
	xml_element(x, "system-out", (const char *)b.data);
	buf_free(&b);
}

/* One suite per result group, as the JSON report has one result each: the
 * OS packages always, a language ecosystem when the image has some. */
static bool group_shown(const struct scan_report *r, enum report_group g)
{
	return g == REPORT_GROUP_OS || report_group_count(r->inv, g) > 0;
}

static size_t group_findings(const struct scan_report *r, enum report_group g)
{
	size_t n = 0;
	for (size_t i = 0; i < r->vulns->len; i++)
		n += report_finding_group(r->inv, &r->vulns->v[i]) == g;
	return n;
}

static void vuln_suite(struct xml_out *x, const struct scan_report *r, enum report_group g, bool *notices_written)
{
	char *target = g == REPORT_GROUP_OS ? report_target(r) : xstrdup(report_group_target(g));
	size_t n = group_findings(r, g);
	suite_start(x, target, n ? n : 1, n, g == REPORT_GROUP_OS ? "os-pkgs" : "lang-pkgs",
		    g == REPORT_GROUP_OS ? report_os_type(&r->inv->os) : report_group_type(g), target);
	for (size_t i = 0; i < r->vulns->len; i++) {
		const struct vuln_finding *v = &r->vulns->v[i];
		if (report_finding_group(r->inv, v) != g)
			continue;
		const struct inventory_pkg *ip = v->pkg < r->inv->npkgs ? &r->inv->pkgs[v->pkg] : NULL;
		const char *installed = v->installed_version ? v->installed_version : "";
		char *classname = xasprintf("%s-%s", ip ? ip->pkg.name : "", installed);
		struct buf body = {0};
		if (v->description)
			buf_appendf(&body, "%s\n\n", v->description);
		buf_appendf(&body, "Package: %s %s", ip ? ip->pkg.name : "", installed);
		if (ip && g != REPORT_GROUP_OS && ip->db_path)
			buf_appendf(&body, " (%s)", ip->db_path);
		if (ip) {
			char *layer = layer_label(r->img, (long)ip->layer);
			buf_appendf(&body, ", from %s", layer);
			free(layer);
		}
		if (v->fixed_version)
			buf_appendf(&body, "\nFixed version: %s", v->fixed_version);
		else
			buf_appendf(&body, "\nFixed version: none known (%s)", v->status ? v->status : "affected");
		if (v->primary_url)
			buf_appendf(&body, "\nURL: %s", v->primary_url);
		failing_case(x, classname, severity_name(v->severity), v->vuln_id, v->title ? v->title : v->vuln_id,
			     (const char *)body.data);
		buf_free(&body);
		free(classname);
	}
	if (!n) {
		size_t npkgs = g == REPORT_GROUP_OS ? r->inv->npkgs - report_group_count(r->inv, REPORT_GROUP_NODE) -
							      report_group_count(r->inv, REPORT_GROUP_PYTHON)
						    : report_group_count(r->inv, g);
		char *out = xasprintf("%zu packages checked, no vulnerabilities found", npkgs);
		passing_case(x, target, "vulnerabilities", out);
		free(out);
	}
	notices_out(x, r, notices_written);
	xml_end(x);
	free(target);
}

static void secret_suite(struct xml_out *x, const struct scan_report *r, bool *notices_written)
{
	char *name = xasprintf("%s (secrets)", r->img->name);
	size_t n = r->nsecrets;
	suite_start(x, name, n ? n : 1, n, "secret", "secret", r->img->name);
	for (size_t i = 0; i < n; i++) {
		const struct secret_hit *h = &r->secrets[i];
		const struct secret_finding *f = h->f;
		int sev = severity_parse(f->severity);
		struct buf body = {0};
		if (f->start_line > 0)
			buf_appendf(&body, "Line %d: %s\n", f->start_line, f->match ? f->match : "");
		else
			buf_appendf(&body, "The file itself (known by its name)\n");
		char *where = layer_label(r->img, h->layer);
		buf_appendf(&body, "Found in %s", where);
		free(where);
		if (h->layer >= 0 && h->removed_in >= 0) {
			char *gone = layer_label(r->img, h->removed_in);
			buf_appendf(&body, "\n%s in %s, but still extractable from layer %d", h->deleted ? "Deleted" : "Replaced",
				    gone, h->layer);
			free(gone);
		}
		failing_case(x, f->path, severity_name(sev < 0 ? SEV_UNKNOWN : (enum severity)sev), f->rule_id, f->title,
			     (const char *)body.data);
		buf_free(&body);
	}
	if (!n)
		passing_case(x, r->img->name, "secrets", "no secrets found");
	notices_out(x, r, notices_written);
	xml_end(x);
	free(name);
}

static void misconf_suite(struct xml_out *x, const struct scan_report *r, bool *notices_written)
{
	char *target = xasprintf("%s (image config)", r->img->name);
	size_t n = r->misconf->n;
	suite_start(x, target, n ? n : 1, n, "config", "image-config", target);
	for (size_t i = 0; i < n; i++) {
		const struct misconf_finding *f = &r->misconf->v[i];
		struct buf body = {0};
		buf_appendf(&body, "%s", f->message ? f->message : "");
		if (f->rule && f->rule->rationale)
			buf_appendf(&body, "\n\n%s", f->rule->rationale);
		if (f->hint)
			buf_appendf(&body, "\nResolution: %s", f->hint);
		if (f->start_line > 0)
			buf_appendf(&body, "\nLines %d-%d", f->start_line, f->end_line);
		if (f->layer >= 0) {
			char *layer = layer_label(r->img, f->layer);
			buf_appendf(&body, "\nIn %s", layer);
			free(layer);
		}
		if (f->references)
			buf_appendf(&body, "\nSee also: %s", f->references);
		failing_case(x, f->file ? f->file : target, misconf_severity_name(f->severity), f->id, f->title,
			     (const char *)body.data);
		buf_free(&body);
	}
	if (!n)
		passing_case(x, target, "misconfigurations", "no misconfigurations found");
	notices_out(x, r, notices_written);
	xml_end(x);
	free(target);
}

int report_junit(FILE *out, const struct scan_report *r)
{
	struct xml_out x;
	if (xml_out_open(&x, out) != 0)
		return -1;
	/* Totals first: <testsuites> carries them, and a class that found nothing counts one passing test. */
	size_t tests = 0, failures = 0;
	if (r->vulns_scanned)
		for (int g = 0; g < REPORT_NGROUPS; g++)
			if (group_shown(r, (enum report_group)g)) {
				size_t n = group_findings(r, (enum report_group)g);
				tests += n ? n : 1;
				failures += n;
			}
	if (r->secrets_scanned) {
		tests += r->nsecrets ? r->nsecrets : 1;
		failures += r->nsecrets;
	}
	if (r->misconf_scanned) {
		tests += r->misconf->n ? r->misconf->n : 1;
		failures += r->misconf->n;
	}
	if (r->policy)
		report_policy_junit_totals(r->policy, &tests, &failures);
	xml_declaration(&x);
	xml_start(&x, "testsuites");
	xml_attr(&x, "name", "vigil");
	xml_attrf(&x, "tests", "%zu", tests);
	xml_attrf(&x, "failures", "%zu", failures);
	xml_attr(&x, "errors", "0");
	xml_attr(&x, "time", "0");
	bool notices_written = false;
	if (r->vulns_scanned)
		for (int g = 0; g < REPORT_NGROUPS; g++)
			if (group_shown(r, (enum report_group)g))
				vuln_suite(&x, r, (enum report_group)g, &notices_written);
	if (r->secrets_scanned)
		secret_suite(&x, r, &notices_written);
	if (r->misconf_scanned)
		misconf_suite(&x, r, &notices_written);
	if (r->policy)
		report_policy_junit(&x, r->policy);
	xml_end(&x);
	return xml_out_close(&x, out);
}
