/* JSON report in Trivy's schema-v2 field names, so existing consumers work.
 * Differences are documented in doc/formats.md (e.g. Version is the full
 * native version string, epoch included for dpkg). */
#include "report/report.h"
#include "report/policy.h"

#include "misconf/lint.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *jstr_clean(const char *s)
{
	if (!s)
		return json_null();
	char *c = utf8_sanitize(s);
	json_t *j = json_string(c);
	free(c);
	return j;
}

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, jstr_clean(s));
}

static json_t *layer_json(const struct image *img, size_t i)
{
	json_t *l = json_object();
	if (i < img->nlayers) {
		set_str(l, "Digest", img->layers[i].digest);
		set_str(l, "DiffID", img->layers[i].diff_id);
	}
	return l;
}

static json_t *package_json(const struct scan_report *r, const struct inventory_pkg *ip)
{
	const struct pkg *p = &ip->pkg;
	json_t *o = json_object();
	char *id = pkg_id(p);
	set_str(o, "ID", id);
	free(id);
	set_str(o, "Name", p->name);
	char *purl = pkg_purl(p, &r->inv->os);
	json_t *ident = json_object();
	set_str(ident, "PURL", purl);
	json_object_set_new(o, "Identifier", ident);
	free(purl);
	set_str(o, "Version", p->version);
	if (p->epoch >= 0)
		json_object_set_new(o, "Epoch", json_integer(p->epoch));
	set_str(o, "Arch", p->arch);
	set_str(o, "SrcName", p->src_name);
	set_str(o, "SrcVersion", p->src_version);
	if (p->license) {
		json_t *lic = json_array();
		json_array_append_new(lic, jstr_clean(p->license));
		json_object_set_new(o, "Licenses", lic);
	}
	set_str(o, "Maintainer", p->maintainer);
	set_str(o, "Vendor", p->vendor);
	set_str(o, "Modularitylabel", p->modularity_label);
	set_str(o, "Digest", p->checksum);
	json_object_set_new(o, "Layer", layer_json(r->img, ip->layer));
	/* Trivy: a language package names the file it was read from. */
	if (pkg_type_is_lang(p->type))
		set_str(o, "FilePath", ip->db_path);
	return o;
}

static json_t *cvss_json(const struct vuln_finding *v)
{
	json_t *o = json_object();
	for (size_t i = 0; i < v->ncvss; i++) {
		const struct cvss *c = &v->cvss[i];
		json_t *e = json_object();
		set_str(e, "V2Vector", c->v2_vector);
		set_str(e, "V3Vector", c->v3_vector);
		if (c->v2_score > 0)
			json_object_set_new(e, "V2Score", json_real(c->v2_score));
		if (c->v3_score > 0)
			json_object_set_new(e, "V3Score", json_real(c->v3_score));
		json_object_set_new(o, c->source ? c->source : "unknown", e);
	}
	return o;
}

static json_t *str_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jstr_clean(v[i]));
	return a;
}

static json_t *vuln_json(const struct scan_report *r, const struct vuln_finding *v)
{
	json_t *o = json_object();
	const struct inventory_pkg *ip = v->pkg < r->inv->npkgs ? &r->inv->pkgs[v->pkg] : NULL;
	set_str(o, "VulnerabilityID", v->vuln_id);
	if (ip) {
		char *id = pkg_id(&ip->pkg);
		set_str(o, "PkgID", id);
		free(id);
		set_str(o, "PkgName", ip->pkg.name);
		/* Trivy's PkgPath: the package's file, for language packages. */
		if (pkg_type_is_lang(ip->pkg.type))
			set_str(o, "PkgPath", ip->db_path);
		char *purl = pkg_purl(&ip->pkg, &r->inv->os);
		json_t *ident = json_object();
		set_str(ident, "PURL", purl);
		json_object_set_new(o, "PkgIdentifier", ident);
		free(purl);
	}
	set_str(o, "InstalledVersion", v->installed_version);
	set_str(o, "FixedVersion", v->fixed_version);
	set_str(o, "Status", v->status);
	if (ip)
		json_object_set_new(o, "Layer", layer_json(r->img, ip->layer));
	set_str(o, "SeveritySource", v->severity_source);
	set_str(o, "PrimaryURL", v->primary_url);
	if (v->data_source) {
		json_t *ds = json_object();
		set_str(ds, "Name", v->data_source);
		json_object_set_new(o, "DataSource", ds);
	}
	set_str(o, "Title", v->title);
	set_str(o, "Description", v->description);
	set_str(o, "Severity", severity_name(v->severity));
	if (v->ncwe_ids)
		json_object_set_new(o, "CweIDs", str_array(v->cwe_ids, v->ncwe_ids));
	if (v->ncvss)
		json_object_set_new(o, "CVSS", cvss_json(v));
	if (v->nreferences)
		json_object_set_new(o, "References", str_array(v->references, v->nreferences));
	set_str(o, "PublishedDate", v->published);
	set_str(o, "LastModifiedDate", v->last_modified);
	return o;
}

/* One packages result: the OS's (Class os-pkgs) or a language's
 * (lang-pkgs), with the packages and the findings of that group only. */
static json_t *packages_result(const struct scan_report *r, enum report_group g)
{
	json_t *res = json_object();
	if (g == REPORT_GROUP_OS) {
		char *target = report_target(r);
		set_str(res, "Target", target);
		free(target);
		set_str(res, "Class", "os-pkgs");
		set_str(res, "Type", report_os_type(&r->inv->os));
	} else {
		set_str(res, "Target", report_group_target(g));
		set_str(res, "Class", "lang-pkgs");
		set_str(res, "Type", report_group_type(g));
	}
	if (r->list_all_pkgs) {
		json_t *pkgs = json_array();
		for (size_t i = 0; i < r->inv->npkgs; i++)
			if (report_pkg_group(&r->inv->pkgs[i].pkg) == g)
				json_array_append_new(pkgs, package_json(r, &r->inv->pkgs[i]));
		json_object_set_new(res, "Packages", pkgs);
	}
	if (r->vulns_scanned) {
		json_t *vulns = json_array();
		for (size_t i = 0; i < r->vulns->len; i++)
			if (report_finding_group(r->inv, &r->vulns->v[i]) == g)
				json_array_append_new(vulns, vuln_json(r, &r->vulns->v[i]));
		json_object_set_new(res, "Vulnerabilities", vulns);
	}
	return res;
}

static json_t *layer_ref(const struct image *img, int i)
{
	if (i < 0 || (size_t)i >= img->nlayers)
		return json_null();
	json_t *l = layer_json(img, (size_t)i);
	set_str(l, "CreatedBy", img->layers[i].created_by);
	return l;
}

static json_t *secret_json(const struct scan_report *r, const struct secret_hit *h)
{
	const struct secret_finding *f = h->f;
	json_t *o = json_object();
	set_str(o, "RuleID", f->rule_id);
	set_str(o, "Category", f->category);
	set_str(o, "Severity", f->severity);
	set_str(o, "Title", f->title);
	json_object_set_new(o, "StartLine", json_integer(f->start_line));
	json_object_set_new(o, "EndLine", json_integer(f->end_line));
	set_str(o, "Match", f->match); /* redacted by the scanner */
	if (h->layer >= 0) {
		json_object_set_new(o, "Layer", layer_ref(r->img, h->layer));
		json_object_set_new(o, "InFinalImage", json_boolean(h->removed_in < 0));
		if (h->removed_in >= 0) {
			json_t *rm = layer_ref(r->img, h->removed_in);
			json_object_set_new(rm, "Deleted", json_boolean(h->deleted));
			json_object_set_new(o, "RemovedInLayer", rm);
		}
	}
	return o;
}

/* One result per file (or config location) with its secrets, in order. */
static void secret_results(const struct scan_report *r, json_t *results)
{
	for (size_t i = 0; i < r->nsecrets;) {
		const char *target = r->secrets[i].f->path;
		json_t *res = json_object(), *arr = json_array();
		set_str(res, "Target", target);
		set_str(res, "Class", "secret");
		for (; i < r->nsecrets && !strcmp(r->secrets[i].f->path, target); i++)
			json_array_append_new(arr, secret_json(r, &r->secrets[i]));
		json_object_set_new(res, "Secrets", arr);
		json_array_append_new(results, res);
	}
}

static void misconf_result(const struct scan_report *r, json_t *results)
{
	json_t *res = json_object(), *arr = json_array();
	char *target = xasprintf("%s (image config)", r->img->name);
	set_str(res, "Target", target);
	free(target);
	set_str(res, "Class", "config");
	set_str(res, "Type", "image-config");
	for (size_t i = 0; i < r->misconf->n; i++)
		json_array_append_new(arr, misconf_finding_json(&r->misconf->v[i], r->img));
	json_object_set_new(res, "Misconfigurations", arr);
	json_array_append_new(results, res);
}

static json_t *metadata_json(const struct scan_report *r)
{
	const struct image *img = r->img;
	json_t *md = json_object();
	json_t *os = json_object();
	if (r->inv->os.family) {
		set_str(os, "Family", r->inv->os.family);
		set_str(os, "Name", r->inv->os.name);
	}
	json_object_set_new(md, "OS", os);
	set_str(md, "ImageID", img->id);
	json_t *diff = json_array();
	for (size_t i = 0; i < img->nlayers; i++)
		if (img->layers[i].diff_id)
			json_array_append_new(diff, jstr_clean(img->layers[i].diff_id));
	json_object_set_new(md, "DiffIDs", diff);
	json_t *tags = json_array();
	for (size_t i = 0; i < img->nrepo_tags; i++)
		json_array_append_new(tags, jstr_clean(img->repo_tags[i]));
	json_object_set_new(md, "RepoTags", tags);
	json_t *digests = json_array();
	for (size_t i = 0; i < img->nrepo_digests; i++)
		json_array_append_new(digests, jstr_clean(img->repo_digests[i]));
	json_object_set_new(md, "RepoDigests", digests);
	if (img->manifest_digest)
		set_str(md, "ManifestDigest", img->manifest_digest);
	if (img->config)
		json_object_set(md, "ImageConfig", img->config);
	json_t *layers = json_array();
	for (size_t i = 0; i < img->nlayers; i++) {
		json_t *l = layer_json(img, i);
		if (img->layers[i].size >= 0)
			json_object_set_new(l, "Size", json_integer(img->layers[i].size));
		set_str(l, "MediaType", img->layers[i].media_type);
		set_str(l, "CreatedBy", img->layers[i].created_by);
		json_array_append_new(layers, l);
	}
	json_object_set_new(md, "Layers", layers);
	if (r->history_dockerfile)
		set_str(md, "HistoryDockerfile", r->history_dockerfile);
	size_t nvn = r->vulns ? r->vulns->nnotices : 0;
	if (r->inv->nnotices || nvn) {
		json_t *n = json_array();
		for (size_t i = 0; i < r->inv->nnotices; i++)
			json_array_append_new(n, jstr_clean(r->inv->notices[i]));
		for (size_t i = 0; i < nvn; i++)
			json_array_append_new(n, jstr_clean(r->vulns->notices[i]));
		json_object_set_new(md, "Notices", n);
	}
	return md;
}

static void now_rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *report_target(const struct scan_report *r)
{
	const struct os_info *os = &r->inv->os;
	if (os->family && os->name)
		return xasprintf("%s (%s %s)", r->img->name, os->family, os->name);
	if (os->family)
		return xasprintf("%s (%s)", r->img->name, os->family);
	return xstrdup(r->img->name);
}

int report_json(FILE *out, const struct scan_report *r)
{
	json_t *root = json_object();
	json_object_set_new(root, "SchemaVersion", json_integer(2));
	char ts[32];
	now_rfc3339(ts);
	set_str(root, "CreatedAt", ts);
	set_str(root, "ArtifactName", r->img->name);
	set_str(root, "ArtifactType", r->img->type ? r->img->type : "container_image");
	json_object_set_new(root, "Metadata", metadata_json(r));
	json_t *results = json_array();
	for (int g = 0; g < REPORT_NGROUPS; g++) {
		/* The OS result is there when an OS or OS packages are; a language
		 * result when it has packages. */
		size_t n = report_group_count(r->inv, (enum report_group)g);
		if (n || (g == REPORT_GROUP_OS && r->inv->os.family))
			json_array_append_new(results, packages_result(r, (enum report_group)g));
	}
	if (r->secrets_scanned)
		secret_results(r, results);
	if (r->misconf_scanned)
		misconf_result(r, results);
	json_object_set_new(root, "Results", results);
	if (r->policy)
		json_object_set_new(root, "Policy", report_policy_json(r->policy));
	int rc = json_dumpf(root, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
	json_decref(root);
	return rc;
}
