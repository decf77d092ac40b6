/* SPDX 2.3 JSON SBOM, laid out as Trivy lays out its own: the document
 * DESCRIBES the image, the image CONTAINS the OS, the OS CONTAINS each OS
 * package, and the image CONTAINS each language package (npm, Python).
 * SPDX IDs are derived from content (a hash of the purl), so they are stable
 * across scans of the same image; identical purls get a "-N" suffix.
 * Licences: the package databases hold free text ("GPLv2+ and LGPLv2+"),
 * not SPDX expressions, and vigil does not guess a mapping, so
 * licenseConcluded and licenseDeclared are NOASSERTION and the raw text is
 * kept in licenseComments. */
#include "report/report.h"

#include "util/strmap.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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

/* "<prefix>-<16 hex of sha256(seed)>", made unique with "-N"; only
 * [A-Za-z0-9.-] as SPDX requires. The map records it. */
static char *spdx_id(struct strmap *used, const char *prefix, const char *seed)
{
	char digest[72];
	sha256_digest_of(seed, strlen(seed), digest);
	char *base = xasprintf("SPDXRef-%s-%.16s", prefix, digest + strlen("sha256:"));
	char *id = xstrdup(base);
	for (unsigned n = 2; strmap_get(used, id); n++) {
		free(id);
		id = xasprintf("%s-%u", base, n);
	}
	free(base);
	*strmap_put(used, id) = used;
	return id;
}

static void add_text(json_t *arr, const char *label, const char *value)
{
	if (!value)
		return;
	char *s = xasprintf("%s: %s", label, value);
	json_array_append_new(arr, jstr(s));
	free(s);
}

static void set_array(json_t *o, const char *key, json_t *arr)
{
	if (json_array_size(arr))
		json_object_set_new(o, key, arr);
	else
		json_decref(arr);
}

static json_t *purl_ref(const char *purl)
{
	json_t *ref = json_object();
	json_object_set_new(ref, "referenceCategory", json_string("PACKAGE-MANAGER"));
	json_object_set_new(ref, "referenceType", json_string("purl"));
	json_object_set_new(ref, "referenceLocator", jstr(purl));
	json_t *refs = json_array();
	json_array_append_new(refs, ref);
	return refs;
}

static json_t *relationship(const char *from, const char *type, const char *to)
{
	json_t *r = json_object();
	json_object_set_new(r, "spdxElementId", jstr(from));
	json_object_set_new(r, "relationshipType", json_string(type));
	json_object_set_new(r, "relatedSpdxElement", jstr(to));
	return r;
}

static json_t *image_package(const struct image *img, const char *id, const char *purl)
{
	json_t *p = json_object();
	json_object_set_new(p, "name", jstr(img->name && *img->name ? img->name : "image"));
	json_object_set_new(p, "SPDXID", json_string(id));
	json_object_set_new(p, "downloadLocation", json_string("NOASSERTION"));
	json_object_set_new(p, "filesAnalyzed", json_false());
	if (purl)
		json_object_set_new(p, "externalRefs", purl_ref(purl));
	json_object_set_new(p, "primaryPackagePurpose", json_string("CONTAINER"));
	json_t *texts = json_array();
	add_text(texts, "ImageID", img->id);
	for (size_t i = 0; i < img->nlayers; i++)
		add_text(texts, "DiffID", img->layers[i].diff_id);
	for (size_t i = 0; i < img->nrepo_tags; i++)
		add_text(texts, "RepoTag", img->repo_tags[i]);
	for (size_t i = 0; i < img->nrepo_digests; i++)
		add_text(texts, "RepoDigest", img->repo_digests[i]);
	set_array(p, "attributionTexts", texts);
	return p;
}

static json_t *os_package(const struct os_info *os, const char *id)
{
	json_t *p = json_object();
	json_object_set_new(p, "name", jstr(os->family));
	json_object_set_new(p, "SPDXID", json_string(id));
	set_str(p, "versionInfo", os->name);
	json_object_set_new(p, "downloadLocation", json_string("NOASSERTION"));
	json_object_set_new(p, "filesAnalyzed", json_false());
	json_object_set_new(p, "primaryPackagePurpose", json_string("OPERATING-SYSTEM"));
	return p;
}

static json_t *pkg_package(const struct scan_report *r, const struct inventory_pkg *ip, const char *id,
			   const char *purl)
{
	const struct pkg *pk = &ip->pkg;
	json_t *p = json_object();
	json_object_set_new(p, "name", jstr(pk->name && *pk->name ? pk->name : "unknown"));
	json_object_set_new(p, "SPDXID", json_string(id));
	if (pk->version) {
		char *v = pk->type == PKG_RPM && pk->epoch > 0 ? xasprintf("%d:%s", pk->epoch, pk->version)
							       : xstrdup(pk->version);
		json_object_set_new(p, "versionInfo", jstr(v));
		free(v);
	}
	json_object_set_new(p, "downloadLocation", json_string("NOASSERTION"));
	json_object_set_new(p, "filesAnalyzed", json_false());
	json_object_set_new(p, "licenseConcluded", json_string("NOASSERTION"));
	json_object_set_new(p, "licenseDeclared", json_string("NOASSERTION"));
	if (pk->license && *pk->license) {
		char *c = xasprintf("License as the package database states it (not an SPDX expression): %s",
				    pk->license);
		json_object_set_new(p, "licenseComments", jstr(c));
		free(c);
	}
	if (pk->src_name && *pk->src_name) {
		char *s = pk->src_version ? xasprintf("built package from: %s %s", pk->src_name, pk->src_version)
					  : xasprintf("built package from: %s", pk->src_name);
		json_object_set_new(p, "sourceInfo", jstr(s));
		free(s);
	}
	if (purl)
		json_object_set_new(p, "externalRefs", purl_ref(purl));
	json_object_set_new(p, "primaryPackagePurpose", json_string("LIBRARY"));
	json_t *texts = json_array();
	char *pid = pkg_id(pk);
	add_text(texts, "PkgID", pid);
	free(pid);
	if (ip->layer < r->img->nlayers) {
		add_text(texts, "LayerDigest", r->img->layers[ip->layer].digest);
		add_text(texts, "LayerDiffID", r->img->layers[ip->layer].diff_id);
	}
	if (pkg_type_is_lang(pk->type)) {
		add_text(texts, "PkgType", report_group_type(report_pkg_group(pk)));
		add_text(texts, "FilePath", ip->db_path);
	}
	set_array(p, "attributionTexts", texts);
	return p;
}

int report_spdx(FILE *out, const struct scan_report *r)
{
	char uuid[37];
	if (report_uuid4(uuid) != 0)
		return -1;
	const struct image *img = r->img;
	const struct inventory *inv = r->inv;
	struct strmap used = {0};
	json_t *root = json_object();

	json_object_set_new(root, "spdxVersion", json_string("SPDX-2.3"));
	json_object_set_new(root, "dataLicense", json_string("CC0-1.0"));
	json_object_set_new(root, "SPDXID", json_string("SPDXRef-DOCUMENT"));
	json_object_set_new(root, "name", jstr(img->name && *img->name ? img->name : "image"));
	char *ns = xasprintf("urn:uuid:%s", uuid);
	json_object_set_new(root, "documentNamespace", json_string(ns));
	free(ns);
	json_t *ci = json_object();
	json_t *creators = json_array();
	char *tool = xasprintf("Tool: vigil-%s", r->tool_version ? r->tool_version : "unknown");
	json_array_append_new(creators, jstr(tool));
	free(tool);
	json_object_set_new(ci, "creators", creators);
	char ts[32];
	report_timestamp(ts);
	json_object_set_new(ci, "created", json_string(ts));
	json_object_set_new(root, "creationInfo", ci);

	json_t *packages = json_array();
	json_t *rels = json_array();

	char *img_purl = image_purl(img);
	const char *img_seed = img_purl ? img_purl : img->name ? img->name : "";
	char *img_id = spdx_id(&used, img->type && strcmp(img->type, "filesystem") == 0 ? "Filesystem" : "ContainerImage",
			       img_seed);
	json_array_append_new(packages, image_package(img, img_id, img_purl));
	json_array_append_new(rels, relationship("SPDXRef-DOCUMENT", "DESCRIBES", img_id));

	char *os_id = NULL;
	const char *parent = img_id;
	if (inv->os.family) {
		char *seed = xasprintf("%s\n%s", inv->os.family, inv->os.name ? inv->os.name : "");
		os_id = spdx_id(&used, "OperatingSystem", seed);
		free(seed);
		json_array_append_new(packages, os_package(&inv->os, os_id));
		json_array_append_new(rels, relationship(img_id, "CONTAINS", os_id));
		parent = os_id;
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct pkg *pk = &inv->pkgs[i].pkg;
		char *purl = pkg_purl(pk, &inv->os);
		char *seed = purl ? xstrdup(purl)
				  : xasprintf("%s\n%s\n%s\n%s", pkg_type_name(pk->type), pk->name ? pk->name : "",
					      pk->version ? pk->version : "", pk->arch ? pk->arch : "");
		char *id = spdx_id(&used, "Package", seed);
		free(seed);
		json_array_append_new(packages, pkg_package(r, &inv->pkgs[i], id, purl));
		json_array_append_new(rels, relationship(pkg_type_is_lang(pk->type) ? img_id : parent, "CONTAINS", id));
		free(id);
		free(purl);
	}
	json_object_set_new(root, "packages", packages);
	json_object_set_new(root, "relationships", rels);
	json_t *describes = json_array();
	json_array_append_new(describes, json_string(img_id));
	json_object_set_new(root, "documentDescribes", describes);

	int rc = json_dumpf(root, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF && fflush(out) == 0 && !ferror(out) ? 0 : -1;
	json_decref(root);
	free(os_id);
	free(img_id);
	free(img_purl);
	strmap_free(&used, NULL);
	return rc;
}
