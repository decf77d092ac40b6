/* report: misconfiguration findings as a table, as JSON in Trivy's
 * Misconfiguration shape, and as SARIF 2.1.0. */
#include "misconf/lint.h"

#include "config.h"
#include "image/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *js(const char *s)
{
	char *c = utf8_sanitize(s ? s : "");
	json_t *j = json_string(c);
	free(c);
	return j;
}

static json_t *references(const struct misconf_rule *r)
{
	json_t *a = json_array();
	const char *lists[] = {r->hadolint, r->dockle, r->trivy};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		if (!lists[i])
			continue;
		char *l = xstrdup(lists[i]);
		char *save = NULL;
		for (char *t = strtok_r(l, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
			json_array_append_new(a, js(t));
		free(l);
	}
	return a;
}

json_t *misconf_finding_json(const struct misconf_finding *f, const struct image *img)
{
	json_t *o = json_object();
	json_object_set_new(o, "Type", js(f->file ? "Dockerfile Security Check" : "Image Config Check"));
	json_object_set_new(o, "ID", js(f->id));
	json_object_set_new(o, "Title", js(f->title));
	json_object_set_new(o, "Description", js(f->rule->rationale));
	json_object_set_new(o, "Message", js(f->message));
	json_object_set_new(o, "Resolution", js(f->hint));
	json_object_set_new(o, "Severity", js(misconf_severity_name(f->severity)));
	json_object_set_new(o, "References", references(f->rule));
	json_object_set_new(o, "Status", js("FAIL"));
	if (f->start_line > 0) {
		json_t *cm = json_object();
		json_object_set_new(cm, "StartLine", json_integer(f->start_line));
		json_object_set_new(cm, "EndLine", json_integer(f->end_line));
		json_object_set_new(o, "CauseMetadata", cm);
	}
	if (f->layer >= 0) {
		json_t *l = json_object();
		json_object_set_new(l, "Index", json_integer(f->layer));
		if (img && (size_t)f->layer < img->nlayers) {
			const struct image_layer *il = &img->layers[f->layer];
			if (il->digest)
				json_object_set_new(l, "Digest", js(il->digest));
			if (il->diff_id)
				json_object_set_new(l, "DiffID", js(il->diff_id));
		}
		json_object_set_new(o, "Layer", l);
	}
	return o;
}

/* Distinct rules that failed in one target. */
static size_t failed_rules(const struct misconf_findings *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = f->v[k].rule == f->v[i].rule;
		n += !seen;
	}
	return n;
}

json_t *misconf_report_json(const char *artifact, const struct misconf_target *t, size_t n)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "SchemaVersion", json_integer(2));
	json_object_set_new(doc, "ArtifactName", js(artifact));
	json_object_set_new(doc, "ArtifactType", js("filesystem"));
	json_t *results = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_object();
		json_object_set_new(r, "Target", js(t[i].name));
		json_object_set_new(r, "Class", js("config"));
		json_object_set_new(r, "Type", js(t[i].type));
		size_t failed = failed_rules(t[i].findings);
		json_t *sum = json_object();
		json_object_set_new(sum, "Successes",
				    json_integer((json_int_t)(t[i].nrules > failed ? t[i].nrules - failed : 0)));
		json_object_set_new(sum, "Failures", json_integer((json_int_t)t[i].findings->n));
		json_object_set_new(r, "MisconfSummary", sum);
		json_t *m = json_array();
		for (size_t k = 0; k < t[i].findings->n; k++)
			json_array_append_new(m, misconf_finding_json(&t[i].findings->v[k], NULL));
		json_object_set_new(r, "Misconfigurations", m);
		json_array_append_new(results, r);
	}
	json_object_set_new(doc, "Results", results);
	return doc;
}

static const char *sarif_level(enum misconf_severity s)
{
	return s >= MISCONF_HIGH ? "error" : s == MISCONF_MEDIUM ? "warning" : "note";
}

/* GitHub code scanning reads security-severity as a CVSS-like score. */
static const char *security_severity(enum misconf_severity s)
{
	switch (s) {
	case MISCONF_CRITICAL:
		return "9.5";
	case MISCONF_HIGH:
		return "8.0";
	case MISCONF_MEDIUM:
		return "5.5";
	default:
		return "2.0";
	}
}

static json_t *sarif_rule(const struct misconf_rule *r, const char *kind)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", js(r->id));
	json_object_set_new(o, "name", js(r->title));
	json_t *sd = json_object();
	json_object_set_new(sd, "text", js(r->title));
	json_object_set_new(o, "shortDescription", sd);
	json_t *fd = json_object();
	json_object_set_new(fd, "text", js(r->rationale));
	json_object_set_new(o, "fullDescription", fd);
	json_t *help = json_object();
	json_object_set_new(help, "text", js(r->hint));
	json_object_set_new(o, "help", help);
	json_t *dc = json_object();
	json_object_set_new(dc, "level", js(sarif_level(r->severity)));
	json_object_set_new(o, "defaultConfiguration", dc);
	json_t *props = json_object();
	json_t *tags = json_array();
	json_array_append_new(tags, js("security"));
	json_array_append_new(tags, js("misconfiguration"));
	json_array_append_new(tags, js(kind));
	json_object_set_new(props, "tags", tags);
	json_object_set_new(props, "precision", js("very-high"));
	json_object_set_new(props, "security-severity", js(security_severity(r->severity)));
	json_object_set_new(props, "references", references(r));
	json_object_set_new(o, "properties", props);
	return o;
}

json_t *misconf_report_sarif(const struct misconf_target *t, size_t n)
{
	/* Every rule is described, failing or not, so that consumers can show
	 * what was checked; results point at rules by index. */
	json_t *rules = json_array();
	size_t ndf, nimg;
	const struct misconf_rule *df = misconf_dockerfile_rules(&ndf);
	const struct misconf_rule *img = misconf_image_rules(&nimg);
	for (size_t i = 0; i < ndf; i++)
		json_array_append_new(rules, sarif_rule(&df[i], "dockerfile"));
	for (size_t i = 0; i < nimg; i++)
		json_array_append_new(rules, sarif_rule(&img[i], "image-config"));
	json_t *results = json_array();
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < t[i].findings->n; k++) {
			const struct misconf_finding *f = &t[i].findings->v[k];
			size_t idx = f->rule >= df && f->rule < df + ndf ? (size_t)(f->rule - df)
									 : ndf + (size_t)(f->rule - img);
			json_t *r = json_object();
			json_object_set_new(r, "ruleId", js(f->id));
			json_object_set_new(r, "ruleIndex", json_integer((json_int_t)idx));
			json_object_set_new(r, "level", js(sarif_level(f->severity)));
			json_t *msg = json_object();
			char *text = xasprintf("%s: %s", f->title, f->message);
			json_object_set_new(msg, "text", js(text));
			free(text);
			json_object_set_new(r, "message", msg);
			json_t *loc = json_object(), *phys = json_object(), *art = json_object();
			json_object_set_new(art, "uri", js(f->file ? f->file : t[i].name));
			json_object_set_new(phys, "artifactLocation", art);
			if (f->start_line > 0) {
				json_t *region = json_object();
				json_object_set_new(region, "startLine", json_integer(f->start_line));
				json_object_set_new(region, "endLine", json_integer(f->end_line));
				json_object_set_new(phys, "region", region);
			}
			json_object_set_new(loc, "physicalLocation", phys);
			json_t *locs = json_array();
			json_array_append_new(locs, loc);
			json_object_set_new(r, "locations", locs);
			if (f->severity != f->rule->severity) {
				json_t *props = json_object();
				json_object_set_new(props, "severity", js(misconf_severity_name(f->severity)));
				json_object_set_new(r, "properties", props);
			}
			json_array_append_new(results, r);
		}
	}
	json_t *driver = json_object();
	json_object_set_new(driver, "name", js("vigil"));
	json_object_set_new(driver, "version", js(VIGIL_VERSION));
	json_object_set_new(driver, "rules", rules);
	json_t *tool = json_object();
	json_object_set_new(tool, "driver", driver);
	json_t *run = json_object();
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "results", results);
	json_t *runs = json_array();
	json_array_append_new(runs, run);
	json_t *doc = json_object();
	json_object_set_new(doc, "$schema", js("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(doc, "version", js("2.1.0"));
	json_object_set_new(doc, "runs", runs);
	return doc;
}

char *misconf_report_table(const struct misconf_target *t, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		const struct misconf_findings *f = t[i].findings;
		char *head = xasprintf("%s (%s)", t[i].name, t[i].type);
		char *clean = utf8_sanitize(head);
		buf_appendf(&b, "%s%s\n", i ? "\n" : "", clean);
		for (size_t k = strlen(clean); k > 0; k--)
			buf_append(&b, "=", 1);
		buf_append(&b, "\n", 1);
		free(head);
		free(clean);
		size_t count[MISCONF_CRITICAL + 1] = {0};
		for (size_t k = 0; k < f->n; k++)
			count[f->v[k].severity]++;
		size_t failed = failed_rules(f);
		buf_appendf(&b, "Tests: %zu (SUCCESSES: %zu, FAILURES: %zu)\n", t[i].nrules,
			    t[i].nrules > failed ? t[i].nrules - failed : 0, failed);
		buf_appendf(&b, "Failures: %zu (LOW: %zu, MEDIUM: %zu, HIGH: %zu, CRITICAL: %zu)\n", f->n,
			    count[MISCONF_LOW], count[MISCONF_MEDIUM], count[MISCONF_HIGH], count[MISCONF_CRITICAL]);
		if (!f->n)
			continue;
		buf_appendf(&b, "\n%-9s %-11s %-9s %s\n", f->v[0].file ? "LINE" : "LAYER", "ID", "SEVERITY",
			    "FINDING");
		for (size_t k = 0; k < f->n; k++) {
			const struct misconf_finding *x = &f->v[k];
			char where[32];
			if (x->file && x->end_line > x->start_line)
				snprintf(where, sizeof where, "%d-%d", x->start_line, x->end_line);
			else if (x->file)
				snprintf(where, sizeof where, "%d", x->start_line);
			else if (x->layer >= 0)
				snprintf(where, sizeof where, "%d", x->layer);
			else
				snprintf(where, sizeof where, "-");
			char *m = utf8_sanitize(x->message);
			buf_appendf(&b, "%-9s %-11s %-9s %s: %s\n", where, x->id, misconf_severity_name(x->severity),
				    x->title, m);
			free(m);
		}
	}
	return buf_steal(&b);
}
