/* SARIF 2.1.0 report: one rule per vulnerability id, one result per
 * (package, vulnerability), located at the package database file inside the
 * image (GitHub code scanning and other SARIF consumers read it). */
#include "report/report.h"
#include "report/policy.h"

#include "config.h"
#include "util/strmap.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *js(const char *s)
{
	char *c = utf8_sanitize(s ? s : "");
	json_t *j = json_string(c);
	free(c);
	return j;
}

static const char *level_of(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
	case SEV_HIGH:
		return "error";
	case SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub's security-severity: a CVSS-like number per level. */
static const char *security_severity(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "9.5";
	case SEV_HIGH:
		return "8.0";
	case SEV_MEDIUM:
		return "5.5";
	case SEV_LOW:
		return "2.0";
	default:
		return "0.0";
	}
}

/* The index of rule id in rules, adding it when new. */
static size_t rule_for(json_t *rules, struct strmap *index, const char *id, const char *title, const char *desc,
		       enum severity s, const char *tag)
{
	void **slot = strmap_put(index, id);
	if (*slot)
		return (size_t)(uintptr_t)*slot - 1;
	*slot = (void *)(uintptr_t)(json_array_size(rules) + 1);
	json_t *rule = json_object();
	json_object_set_new(rule, "id", js(id));
	json_t *sd = json_object(), *fd = json_object();
	json_object_set_new(sd, "text", js(title ? title : id));
	json_object_set_new(fd, "text", js(desc ? desc : id));
	json_object_set_new(rule, "shortDescription", sd);
	json_object_set_new(rule, "fullDescription", fd);
	json_t *dc = json_object();
	json_object_set_new(dc, "level", js(level_of(s)));
	json_object_set_new(rule, "defaultConfiguration", dc);
	json_t *props = json_object(), *tags = json_array();
	json_array_append_new(tags, js(tag));
	json_array_append_new(tags, js("security"));
	json_array_append_new(tags, js(severity_name(s)));
	json_object_set_new(props, "tags", tags);
	json_object_set_new(props, "security-severity", js(security_severity(s)));
	json_object_set_new(rule, "properties", props);
	json_array_append_new(rules, rule);
	return json_array_size(rules) - 1;
}

static json_t *result(const char *id, size_t idx, enum severity s, const char *msg, const char *uri, int line)
{
	json_t *res = json_object();
	json_object_set_new(res, "ruleId", js(id));
	json_object_set_new(res, "ruleIndex", json_integer((json_int_t)idx));
	json_object_set_new(res, "level", js(level_of(s)));
	json_t *m = json_object();
	json_object_set_new(m, "text", js(msg));
	json_object_set_new(res, "message", m);
	json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *region = json_object();
	json_object_set_new(art, "uri", js(uri));
	json_object_set_new(art, "uriBaseId", js("ROOTPATH"));
	json_object_set_new(phys, "artifactLocation", art);
	json_object_set_new(region, "startLine", json_integer(line));
	json_object_set_new(phys, "region", region);
	json_object_set_new(loc, "physicalLocation", phys);
	json_t *locs = json_array();
	json_array_append_new(locs, loc);
	json_object_set_new(res, "locations", locs);
	return res;
}

int report_sarif(FILE *out, const struct scan_report *r)
{
	json_t *rules = json_array(), *results = json_array();
	struct strmap rule_index = {0};
	size_t n = r->vulns_scanned ? r->vulns->len : 0;
	for (size_t i = 0; i < n; i++) {
		const struct vuln_finding *v = &r->vulns->v[i];
		void **slot = strmap_put(&rule_index, v->vuln_id);
		if (!*slot) {
			*slot = (void *)(uintptr_t)(json_array_size(rules) + 1);
			json_t *rule = json_object();
			json_object_set_new(rule, "id", js(v->vuln_id));
			/* Trivy's rule names; a language package's results are located
			 * at its own file (package.json, METADATA) below. */
			bool lang = report_finding_group(r->inv, v) != REPORT_GROUP_OS;
			json_object_set_new(rule, "name",
					    js(lang ? "LanguageSpecificPackageVulnerability" : "OsPackageVulnerability"));
			json_t *sd = json_object();
			json_object_set_new(sd, "text", js(v->title ? v->title : v->vuln_id));
			json_object_set_new(rule, "shortDescription", sd);
			json_t *fd = json_object();
			json_object_set_new(fd, "text", js(v->description ? v->description : v->vuln_id));
			json_object_set_new(rule, "fullDescription", fd);
			if (v->primary_url)
				json_object_set_new(rule, "helpUri", js(v->primary_url));
			json_t *dc = json_object();
			json_object_set_new(dc, "level", js(level_of(v->severity)));
			json_object_set_new(rule, "defaultConfiguration", dc);
			json_t *props = json_object(), *tags = json_array();
			json_array_append_new(tags, js("vulnerability"));
			json_array_append_new(tags, js("security"));
			json_array_append_new(tags, js(severity_name(v->severity)));
			json_object_set_new(props, "tags", tags);
			json_object_set_new(props, "security-severity", js(security_severity(v->severity)));
			json_object_set_new(rule, "properties", props);
			json_array_append_new(rules, rule);
		}
		size_t idx = (size_t)(uintptr_t)*slot - 1;
		const struct inventory_pkg *ip = v->pkg < r->inv->npkgs ? &r->inv->pkgs[v->pkg] : NULL;
		json_t *res = json_object();
		json_object_set_new(res, "ruleId", js(v->vuln_id));
		json_object_set_new(res, "ruleIndex", json_integer((json_int_t)idx));
		json_object_set_new(res, "level", js(level_of(v->severity)));
		char *msg = xasprintf("Package: %s\nInstalled Version: %s\nVulnerability %s\nSeverity: %s\nFixed Version: %s\n"
				      "Link: %s",
				      ip ? ip->pkg.name : "", v->installed_version ? v->installed_version : "", v->vuln_id,
				      severity_name(v->severity), v->fixed_version ? v->fixed_version : "",
				      v->primary_url ? v->primary_url : "");
		json_t *m = json_object();
		json_object_set_new(m, "text", js(msg));
		free(msg);
		json_object_set_new(res, "message", m);
		json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *region = json_object();
		json_object_set_new(art, "uri", js(ip && ip->db_path ? ip->db_path : r->img->name));
		json_object_set_new(art, "uriBaseId", js("ROOTPATH"));
		json_object_set_new(phys, "artifactLocation", art);
		json_object_set_new(region, "startLine", json_integer(1));
		json_object_set_new(phys, "region", region);
		json_object_set_new(loc, "physicalLocation", phys);
		json_t *msgloc = json_object();
		char *where = xasprintf("%s: %s@%s", r->img->name, ip ? ip->pkg.name : "",
					v->installed_version ? v->installed_version : "");
		json_object_set_new(msgloc, "text", js(where));
		free(where);
		json_object_set_new(loc, "message", msgloc);
		json_t *locs = json_array();
		json_array_append_new(locs, loc);
		json_object_set_new(res, "locations", locs);
		json_array_append_new(results, res);
	}
	/* Secrets and image misconfigurations: one rule per rule id. */
	for (size_t i = 0; r->secrets_scanned && i < r->nsecrets; i++) {
		const struct secret_hit *h = &r->secrets[i];
		int sev = severity_parse(h->f->severity);
		enum severity s = sev < 0 ? SEV_UNKNOWN : (enum severity)sev;
		size_t idx = rule_for(rules, &rule_index, h->f->rule_id, h->f->title, h->f->title, s, "secret");
		char *msg = xasprintf("Secret %s (%s)%s: %s", h->f->title, h->f->severity,
				      h->layer >= 0 && h->removed_in >= 0 ? ", removed by a later layer but still in the image"
									  : "",
				      h->f->match ? h->f->match : "");
		json_array_append_new(results, result(h->f->rule_id, idx, s, msg, h->f->path,
						      h->f->start_line > 0 ? h->f->start_line : 1));
		free(msg);
	}
	for (size_t i = 0; r->misconf_scanned && i < r->misconf->n; i++) {
		const struct misconf_finding *f = &r->misconf->v[i];
		enum severity s = (enum severity)f->severity; /* MISCONF_LOW..CRITICAL = SEV_LOW..CRITICAL */
		size_t idx = rule_for(rules, &rule_index, f->id, f->title, f->rule->rationale, s, "misconfiguration");
		json_array_append_new(results, result(f->id, idx, s, f->message, "image config", 1));
	}
	if (r->policy)
		report_policy_sarif(rules, results, r->policy);
	strmap_free(&rule_index, NULL);

	json_t *driver = json_object();
	json_object_set_new(driver, "name", js("vigil"));
	json_object_set_new(driver, "fullName", js("vigil container image scanner"));
	json_object_set_new(driver, "version", js(r->tool_version ? r->tool_version : VIGIL_VERSION));
	json_object_set_new(driver, "rules", rules);
	json_t *tool = json_object();
	json_object_set_new(tool, "driver", driver);
	json_t *run = json_object();
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "columnKind", js("utf16CodeUnits"));
	json_t *base = json_object(), *root = json_object();
	json_object_set_new(root, "uri", js("file:///"));
	json_object_set_new(base, "ROOTPATH", root);
	json_object_set_new(run, "originalUriBaseIds", base);
	json_t *props = json_object();
	json_object_set_new(props, "imageName", js(r->img->name));
	if (r->img->id)
		json_object_set_new(props, "imageID", js(r->img->id));
	json_object_set_new(run, "properties", props);
	json_t *runs = json_array();
	json_array_append_new(runs, run);
	json_t *doc = json_object();
	json_object_set_new(doc, "version", js("2.1.0"));
	json_object_set_new(doc, "$schema", js("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(doc, "runs", runs);
	int rc = json_dumpf(doc, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
	json_decref(doc);
	return rc;
}
