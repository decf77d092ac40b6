/* CycloneDX 1.5 JSON SBOM, laid out as Trivy lays out its own: the image is
 * metadata.component, the OS and every package are components, and the
 * dependency graph is image -> OS -> OS packages, and image -> language
 * packages (npm, Python: Trivy hangs its aggregated node-pkg and python-pkg
 * packages on the image itself). Properties carry what the
 * standard has no field for, under vigil-prefixed names (Trivy uses
 * "aquasecurity:trivy:..."). Components keep inventory order, so two scans
 * of one image differ only in serialNumber, timestamp and random bom-refs
 * (the OS's, and a package's whose purl is not unique). */
#include "report/report.h"

#include "util/strmap.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string from untrusted bytes: invalid UTF-8 becomes "\xNN" text. */
static json_t *jstr(const char *s)
{
	char *c = utf8_sanitize(s ? s : "");
	json_t *j = json_string(c);
	free(c);
	return j;
}

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, jstr(s));
}

static void add_prop(json_t *props, const char *name, const char *value)
{
	if (!value)
		return;
	json_t *p = json_object();
	json_object_set_new(p, "name", json_string(name));
	json_object_set_new(p, "value", jstr(value));
	json_array_append_new(props, p);
}

/* Sets o.properties when there are any; takes props. */
static void set_props(json_t *o, json_t *props)
{
	if (json_array_size(props))
		json_object_set_new(o, "properties", props);
	else
		json_decref(props);
}

/* The version as the package manager shows it, epoch included for rpm. */
static char *native_version(const struct pkg *p)
{
	if (!p->version)
		return NULL;
	if (p->type == PKG_RPM && p->epoch > 0)
		return xasprintf("%d:%s", p->epoch, p->version);
	return xstrdup(p->version);
}

/* A bom-ref not used yet: preferred when free, else a fresh UUID. The map
 * records it; the returned string is owned by the caller. */
static char *unique_ref(struct strmap *used, const char *preferred)
{
	if (preferred && *preferred && !strmap_get(used, preferred)) {
		*strmap_put(used, preferred) = used;
		return xstrdup(preferred);
	}
	for (;;) {
		char u[37];
		if (report_uuid4(u) != 0)
			return NULL;
		if (!strmap_get(used, u)) {
			*strmap_put(used, u) = used;
			return xstrdup(u);
		}
	}
}

static json_t *image_component(const struct image *img, const char *ref, const char *purl)
{
	json_t *c = json_object();
	json_object_set_new(c, "bom-ref", jstr(ref));
	json_object_set_new(c, "type", json_string("container"));
	json_object_set_new(c, "name", jstr(img->name ? img->name : ""));
	set_str(c, "purl", purl);
	json_t *props = json_array();
	for (size_t i = 0; i < img->nlayers; i++)
		add_prop(props, "vigil:DiffID", img->layers[i].diff_id);
	add_prop(props, "vigil:ImageID", img->id);
	for (size_t i = 0; i < img->nrepo_digests; i++)
		add_prop(props, "vigil:RepoDigest", img->repo_digests[i]);
	for (size_t i = 0; i < img->nrepo_tags; i++)
		add_prop(props, "vigil:RepoTag", img->repo_tags[i]);
	set_props(c, props);
	return c;
}

static json_t *os_component(const struct os_info *os, const char *ref)
{
	json_t *c = json_object();
	json_object_set_new(c, "bom-ref", jstr(ref));
	json_object_set_new(c, "type", json_string("operating-system"));
	json_object_set_new(c, "name", jstr(os->family));
	set_str(c, "version", os->name);
	json_t *props = json_array();
	add_prop(props, "vigil:Class", "os-pkgs");
	add_prop(props, "vigil:Type", report_os_type(os));
	set_props(c, props);
	return c;
}

static json_t *pkg_component(const struct scan_report *r, const struct inventory_pkg *ip, const char *ref,
			     const char *purl)
{
	const struct pkg *p = &ip->pkg;
	json_t *c = json_object();
	json_object_set_new(c, "bom-ref", jstr(ref));
	json_object_set_new(c, "type", json_string("library"));
	json_object_set_new(c, "name", jstr(p->name ? p->name : ""));
	char *version = native_version(p);
	set_str(c, "version", version);
	free(version);
	if (p->license && *p->license) {
		/* The database's own words (rpm "GPLv2+ and LGPLv2+", dpkg/apk
		 * free text) are not SPDX ids or expressions: a license name. */
		json_t *lic = json_object();
		json_object_set_new(lic, "name", jstr(p->license));
		json_t *choice = json_object();
		json_object_set_new(choice, "license", lic);
		json_t *lics = json_array();
		json_array_append_new(lics, choice);
		json_object_set_new(c, "licenses", lics);
	}
	set_str(c, "purl", purl);
	json_t *props = json_array();
	if (ip->layer < r->img->nlayers) {
		add_prop(props, "vigil:LayerDiffID", r->img->layers[ip->layer].diff_id);
		add_prop(props, "vigil:LayerDigest", r->img->layers[ip->layer].digest);
	}
	char *id = pkg_id(p);
	add_prop(props, "vigil:PkgID", id);
	free(id);
	const char *type = pkg_type_is_lang(p->type) ? report_group_type(report_pkg_group(p))
						     : report_os_type(&r->inv->os);
	add_prop(props, "vigil:PkgType", type ? type : pkg_type_name(p->type));
	if (pkg_type_is_lang(p->type))
		add_prop(props, "vigil:FilePath", ip->db_path);
	add_prop(props, "vigil:SrcName", p->src_name);
	add_prop(props, "vigil:SrcVersion", p->src_version);
	set_props(c, props);
	return c;
}

static json_t *dependency(const char *ref)
{
	json_t *d = json_object();
	json_object_set_new(d, "ref", jstr(ref));
	json_object_set_new(d, "dependsOn", json_array());
	return d;
}

static json_t *metadata(const struct scan_report *r, json_t *image)
{
	json_t *md = json_object();
	char ts[32];
	report_timestamp(ts);
	json_object_set_new(md, "timestamp", json_string(ts));
	json_t *tool = json_object();
	json_object_set_new(tool, "type", json_string("application"));
	json_object_set_new(tool, "name", json_string("vigil"));
	set_str(tool, "version", r->tool_version);
	json_t *tools_components = json_array();
	json_array_append_new(tools_components, tool);
	json_t *tools = json_object();
	json_object_set_new(tools, "components", tools_components);
	json_object_set_new(md, "tools", tools);
	json_object_set_new(md, "component", image);
	return md;
}

int report_cyclonedx(FILE *out, const struct scan_report *r)
{
	char serial[37];
	if (report_uuid4(serial) != 0)
		return -1;
	const struct image *img = r->img;
	const struct inventory *inv = r->inv;
	struct strmap used = {0};
	int rc = -1;
	json_t *root = json_object();

	char *img_purl = image_purl(img);
	char *img_ref = unique_ref(&used, img_purl);
	char *os_ref = NULL;
	char **pkg_refs = inv->npkgs ? xcalloc(inv->npkgs, sizeof *pkg_refs) : NULL;
	if (!img_ref)
		goto done;
	bool have_os = inv->os.family != NULL;
	if (have_os && !(os_ref = unique_ref(&used, NULL)))
		goto done;

	json_object_set_new(root, "$schema", json_string("http://cyclonedx.org/schema/bom-1.5.schema.json"));
	json_object_set_new(root, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(root, "specVersion", json_string("1.5"));
	char *serial_urn = xasprintf("urn:uuid:%s", serial);
	json_object_set_new(root, "serialNumber", json_string(serial_urn));
	free(serial_urn);
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "metadata", metadata(r, image_component(img, img_ref, img_purl)));

	json_t *components = json_array();
	json_object_set_new(root, "components", components);
	if (have_os)
		json_array_append_new(components, os_component(&inv->os, os_ref));
	for (size_t i = 0; i < inv->npkgs; i++) {
		char *purl = pkg_purl(&inv->pkgs[i].pkg, &inv->os);
		pkg_refs[i] = unique_ref(&used, purl);
		if (!pkg_refs[i]) {
			free(purl);
			goto done;
		}
		json_array_append_new(components, pkg_component(r, &inv->pkgs[i], pkg_refs[i], purl));
		free(purl);
	}

	/* image -> OS -> packages; every component appears as a ref. */
	json_t *deps = json_array();
	json_object_set_new(root, "dependencies", deps);
	json_t *img_dep = dependency(img_ref);
	json_array_append_new(deps, img_dep);
	json_t *parent = json_object_get(img_dep, "dependsOn");
	json_t *img_children = parent;
	if (have_os) {
		json_array_append_new(parent, jstr(os_ref));
		json_t *os_dep = dependency(os_ref);
		json_array_append_new(deps, os_dep);
		parent = json_object_get(os_dep, "dependsOn");
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		json_array_append_new(pkg_type_is_lang(inv->pkgs[i].pkg.type) ? img_children : parent, jstr(pkg_refs[i]));
		json_array_append_new(deps, dependency(pkg_refs[i]));
	}

	if (json_dumpf(root, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF && fflush(out) == 0 && !ferror(out))
		rc = 0;
done:
	json_decref(root);
	for (size_t i = 0; i < inv->npkgs; i++)
		free(pkg_refs[i]);
	free(pkg_refs);
	free(os_ref);
	free(img_ref);
	free(img_purl);
	strmap_free(&used, NULL);
	return rc;
}
