/* Matching an inventory against the vulnerability database; the rules are
 * in match.h. */
#include "match/match.h"

#include "db/vdb.h"
#include "util/strmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- OS → namespace ---- */

/* Copies the first `parts` dot-separated numeric components of v. */
static bool numeric_prefix(const char *v, int parts, char *out, size_t n)
{
	size_t i = 0;
	int seen = 0;
	while (seen < parts) {
		size_t start = i;
		while (isdigit((unsigned char)v[i]))
			i++;
		if (i == start)
			return false;
		seen++;
		if (seen < parts) {
			if (v[i] != '.')
				return false;
			i++;
		}
	}
	if (i >= n)
		return false;
	memcpy(out, v, i);
	out[i] = 0;
	return true;
}

int match_namespace(const struct os_info *os, char *ns, size_t n, enum version_scheme *scheme)
{
	if (!os->family || !os->name)
		return -1;
	char rel[32];
	if (!strcmp(os->family, "alpine")) {
		if (!numeric_prefix(os->name, 2, rel, sizeof rel))
			return -1;
		snprintf(ns, n, "alpine:%s", rel);
		*scheme = VERSION_SCHEME_APK;
		return 0;
	}
	if (!strcmp(os->family, "debian")) {
		if (!numeric_prefix(os->name, 1, rel, sizeof rel)) {
			/* Testing/unstable images say "trixie/sid" or "bookworm/sid". */
			size_t len = strcspn(os->name, "/");
			if (len >= sizeof rel)
				return -1;
			memcpy(rel, os->name, len);
			rel[len] = 0;
			const char *num = vdb_debian_release(rel);
			if (num)
				snprintf(rel, sizeof rel, "%s", num);
			else if (strcmp(rel, "sid") != 0)
				return -1;
		}
		snprintf(ns, n, "debian:%s", rel);
		*scheme = VERSION_SCHEME_DPKG;
		return 0;
	}
	if (!strcmp(os->family, "ubuntu")) {
		if (!numeric_prefix(os->name, 2, rel, sizeof rel))
			return -1;
		snprintf(ns, n, "ubuntu:%s", rel);
		*scheme = VERSION_SCHEME_DPKG;
		return 0;
	}
	/* AlmaLinux and Rocky Linux errata are per major release (OSV's
	 * "AlmaLinux:9"): 9.3 → "alma:9". */
	if (!strcmp(os->family, "alma") || !strcmp(os->family, "rocky")) {
		if (!numeric_prefix(os->name, 1, rel, sizeof rel))
			return -1;
		snprintf(ns, n, "%s:%s", os->family, rel);
		*scheme = VERSION_SCHEME_RPM;
		return 0;
	}
	return -1;
}

/* ---- one advisory ---- */

struct sort_ctx {
	enum version_scheme scheme;
};

/* An OSV range event during evaluation. */
struct ev {
	const char *kind, *version;
	bool zero; /* introduced "0": before every version */
};

static int cmp_events(const void *pa, const void *pb, void *ctx)
{
	const struct ev *a = pa, *b = pb;
	const struct sort_ctx *c = ctx;
	if (a->zero || b->zero)
		return (int)b->zero - (int)a->zero;
	return version_cmp_scheme(c->scheme, a->version, b->version);
}

/* OSV's evaluation of one range (osv-schema "Evaluation"): walk the events
 * in version order; the last one at or below the installed version decides
 * (introduced: affected; fixed: not; last_affected: not when strictly
 * below). limit events bound the range from above. */
static bool range_affects(const struct vdb_event *evs, size_t n, enum version_scheme s, const char *v,
			  const char **fixed)
{
	struct ev *list = xcalloc(n, sizeof *list);
	size_t m = 0;
	bool has_limit = false, below_limit = false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(evs[i].event, "limit")) {
			has_limit = true;
			below_limit |= !strcmp(evs[i].version, "*") || version_cmp_scheme(s, v, evs[i].version) < 0;
			continue;
		}
		list[m].kind = evs[i].event;
		list[m].version = evs[i].version;
		list[m].zero = !strcmp(evs[i].event, "introduced") && !strcmp(evs[i].version, "0");
		m++;
	}
	struct sort_ctx ctx = {s};
	qsort_r(list, m, sizeof *list, cmp_events, &ctx);
	bool affected = false;
	size_t last = 0;
	for (size_t i = 0; i < m; i++) {
		int c = list[i].zero ? 1 : version_cmp_scheme(s, v, list[i].version);
		if (!strcmp(list[i].kind, "introduced")) {
			if (c >= 0) {
				affected = true;
				last = i;
			}
		} else if (!strcmp(list[i].kind, "fixed")) {
			if (c >= 0)
				affected = false;
		} else if (!strcmp(list[i].kind, "last_affected")) {
			if (c > 0)
				affected = false;
		}
	}
	if (has_limit && !below_limit)
		affected = false;
	*fixed = NULL;
	if (affected)
		for (size_t i = last + 1; i < m; i++)
			if (!strcmp(list[i].kind, "fixed") && version_cmp_scheme(s, v, list[i].version) < 0) {
				*fixed = list[i].version;
				break;
			}
	free(list);
	return affected;
}

bool match_advisory(const struct vdb_advisory *a, enum version_scheme s, const char *v, const char **fixed)
{
	*fixed = NULL;
	if (!v)
		return false;
	if (a->ranges) {
		/* Explicit versions first, then each range; events arrive grouped
		 * by range_no (versions carry -1 and come first). A listed version
		 * is affected, but the ranges are still read for the fix they
		 * give (PyPA records list every affected version and a range). */
		bool listed = false;
		for (size_t i = 0; i < a->nevents;) {
			size_t j = i;
			while (j < a->nevents && a->events[j].range_no == a->events[i].range_no)
				j++;
			if (a->events[i].range_no < 0) {
				for (size_t k = i; k < j; k++)
					listed |= version_cmp_scheme(s, v, a->events[k].version) == 0;
			} else if (range_affects(a->events + i, j - i, s, v, fixed)) {
				return true;
			}
			i = j;
		}
		*fixed = NULL;
		return listed;
	}
	const char *st = a->status;
	if (!strcmp(st, "fixed")) {
		if (!a->fixed_version || version_cmp_scheme(s, v, a->fixed_version) >= 0)
			return false;
		*fixed = a->fixed_version;
		return true;
	}
	return !strcmp(st, "affected") || !strcmp(st, "will_not_fix") || !strcmp(st, "fix_deferred") ||
	       !strcmp(st, "end_of_life");
}

/* ---- severity ---- */

static enum severity v3_band(double s)
{
	return s >= 9.0 ? SEV_CRITICAL : s >= 7.0 ? SEV_HIGH : s >= 4.0 ? SEV_MEDIUM : s > 0 ? SEV_LOW : SEV_UNKNOWN;
}

static enum severity v2_band(double s)
{
	return s >= 7.0 ? SEV_HIGH : s >= 4.0 ? SEV_MEDIUM : s > 0 ? SEV_LOW : SEV_UNKNOWN;
}

/* ---- building findings ---- */

struct matcher {
	struct vdb_reader *db;
	const char *ns;
	const char *family; /* the OS family; NULL for a language ecosystem */
	enum version_scheme scheme;
	bool by_binary_name;	  /* the feed names binary packages (ALSA/RLSA errata) */
	struct strmap advisories; /* source package → struct vdb_advisories * */
	struct strmap details;	  /* vuln id → struct vdb_vulns * */
};

static void free_advisories(void *p)
{
	vdb_advisories_free(p);
	free(p);
}

static void free_vulns(void *p)
{
	vdb_vulns_free(p);
	free(p);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static char **dup_strv(char *const *v, size_t n)
{
	if (n == 0)
		return NULL;
	char **out = xcalloc(n, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static int status_rank(const char *st)
{
	static const char *const order[] = {"will_not_fix", "fix_deferred", "end_of_life", "affected"};
	for (size_t i = 0; i < ARRAY_LEN(order); i++)
		if (!strcmp(st, order[i]))
			return (int)i;
	return (int)ARRAY_LEN(order);
}

/* Details (title, description, references, CVSS…) from the vulnerability
 * rows: NVD first, then the other sources. */
static int fill_details(struct matcher *m, struct vuln_finding *f, const struct vdb_advisory *rep,
			const struct vdb_advisory *vendor, struct err *e)
{
	struct vdb_vulns *vs = strmap_get(&m->details, f->vuln_id);
	if (!vs) {
		vs = xcalloc(1, sizeof *vs);
		if (vdb_vulns_for(m->db, f->vuln_id, vs, e) != 0) {
			free(vs);
			return -1;
		}
		*strmap_put(&m->details, f->vuln_id) = vs;
	}
	const struct vdb_vuln *nvd = vs->len > 0 && !strcmp(vs->v[0].kind, "nvd") ? &vs->v[0] : NULL;
	for (size_t i = 0; i < vs->len; i++) {
		const struct vdb_vuln *v = &vs->v[i];
		if (!f->title && v->title)
			f->title = xstrdup(v->title);
		if (!f->description && v->description)
			f->description = xstrdup(v->description);
		if (!f->references && v->nrefs) {
			f->references = dup_strv(v->refs, v->nrefs);
			f->nreferences = v->nrefs;
		}
		if (!f->cwe_ids && v->ncwe_ids) {
			f->cwe_ids = dup_strv(v->cwe_ids, v->ncwe_ids);
			f->ncwe_ids = v->ncwe_ids;
		}
		if (!f->published && v->published)
			f->published = xstrdup(v->published);
		if (!f->last_modified && v->modified)
			f->last_modified = xstrdup(v->modified);
		if (v->cvss_v3_vector || v->cvss_v2_vector) {
			f->cvss = xrealloc(f->cvss, (f->ncvss + 1) * sizeof *f->cvss);
			struct cvss *c = &f->cvss[f->ncvss++];
			c->source = xstrdup(!strcmp(v->kind, "osv") ? "osv" : v->kind);
			c->v3_vector = dup_or_null(v->cvss_v3_vector);
			c->v3_score = v->cvss_v3_vector ? v->cvss_v3_score : 0;
			c->v2_vector = dup_or_null(v->cvss_v2_vector);
			c->v2_score = v->cvss_v2_vector ? v->cvss_v2_score : 0;
		}
	}
	int sev;
	if (vendor && (sev = severity_parse(vendor->severity)) > 0) {
		f->severity = (enum severity)sev;
		/* A language ecosystem's rating is the GitHub advisory's (GHSA
		 * records' database_specific.severity), as Trivy names it. */
		const char *by = m->family ? m->family : !strncmp(vendor->record_id, "GHSA-", 5) ? "ghsa" : "osv";
		f->severity_source = xstrdup(by);
	} else if (nvd && nvd->cvss_v3_vector && v3_band(nvd->cvss_v3_score) != SEV_UNKNOWN) {
		f->severity = v3_band(nvd->cvss_v3_score);
		f->severity_source = xstrdup("nvd");
	} else if (nvd && nvd->cvss_v2_vector && v2_band(nvd->cvss_v2_score) != SEV_UNKNOWN) {
		f->severity = v2_band(nvd->cvss_v2_score);
		f->severity_source = xstrdup("nvd");
	} else if (rep->cvss_v3_vector && v3_band(rep->cvss_v3_score) != SEV_UNKNOWN) {
		f->severity = v3_band(rep->cvss_v3_score);
		f->severity_source = xstrdup("osv");
	} else if (rep->cvss_v2_vector && v2_band(rep->cvss_v2_score) != SEV_UNKNOWN) {
		f->severity = v2_band(rep->cvss_v2_score);
		f->severity_source = xstrdup("osv");
	} else {
		f->severity = SEV_UNKNOWN;
	}
	if (!strncmp(f->vuln_id, "CVE-", 4))
		f->primary_url = xasprintf("https://nvd.nist.gov/vuln/detail/%s", f->vuln_id);
	else if (!strncmp(f->vuln_id, "GHSA-", 5))
		f->primary_url = xasprintf("https://github.com/advisories/%s", f->vuln_id);
	else if (!strncmp(f->vuln_id, "TEMP-", 5))
		f->primary_url = xasprintf("https://security-tracker.debian.org/tracker/%s", f->vuln_id);
	else if (!strncmp(rep->source, "osv:", 4))
		f->primary_url = xasprintf("https://osv.dev/vulnerability/%s", rep->record_id);
	else if (f->nreferences)
		f->primary_url = xstrdup(f->references[0]);
	return 0;
}

static char *installed_version(const struct pkg *p)
{
	if (p->type == PKG_RPM && p->epoch > 0)
		return xasprintf("%d:%s", p->epoch, p->version ? p->version : "");
	return dup_or_null(p->version);
}

/* The version the feeds compare: apk the package's own, dpkg the source
 * package's, rpm epoch:version-release. */
static char *compared_version(const struct pkg *p)
{
	switch (p->type) {
	case PKG_APK:
		return dup_or_null(p->version);
	case PKG_DPKG:
		return dup_or_null(p->src_version ? p->src_version : p->version);
	case PKG_RPM:
		if (!p->version)
			return NULL;
		return xasprintf("%d:%s", p->epoch > 0 ? p->epoch : 0, p->version);
	case PKG_NPM:
	case PKG_PYPI:
		return dup_or_null(p->version);
	}
	return NULL;
}

static enum pkg_type scheme_pkg_type(enum version_scheme s)
{
	return s == VERSION_SCHEME_APK ? PKG_APK : s == VERSION_SCHEME_RPM ? PKG_RPM : PKG_DPKG;
}

/* All advisories of one id for one package: decide and add a finding. */
static int decide(struct matcher *m, struct findings *out, size_t pkg_index, const struct pkg *p,
		  const char *version, const struct vdb_advisory *group, size_t n, struct err *e)
{
	const struct vdb_advisory *rep = NULL, *vendor = NULL;
	const char *rep_fixed = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(group[i].status, "not_affected") && !group[i].ranges)
			return 0;
	for (size_t i = 0; i < n; i++) {
		const char *fixed;
		if (!match_advisory(&group[i], m->scheme, version, &fixed))
			continue;
		if (!vendor && group[i].severity)
			vendor = &group[i];
		bool better;
		if (!rep)
			better = true;
		else if (fixed && rep_fixed)
			better = version_cmp_scheme(m->scheme, fixed, rep_fixed) > 0;
		else if (fixed || rep_fixed)
			better = fixed != NULL;
		else
			better = status_rank(group[i].status) < status_rank(rep->status);
		if (better) {
			rep = &group[i];
			rep_fixed = fixed;
		}
	}
	if (!rep)
		return 0;
	if (rep->severity)
		vendor = rep;
	struct vuln_finding *f = findings_add(out);
	f->vuln_id = xstrdup(rep->vuln_id);
	f->pkg = pkg_index;
	f->installed_version = installed_version(p);
	f->fixed_version = dup_or_null(rep_fixed);
	f->status = xstrdup(rep_fixed ? "fixed" : rep->ranges ? "affected" : rep->status);
	f->data_source = xstrdup(rep->source);
	return fill_details(m, f, rep, vendor, e);
}

static int match_pkg(struct matcher *m, struct findings *out, size_t index, const struct pkg *p, struct err *e)
{
	const char *src = p->src_name && !m->by_binary_name ? p->src_name : p->name;
	if (!src)
		return 0;
	char *pypi_name = NULL;
	if (p->type == PKG_PYPI)
		src = pypi_name = vdb_pypi_normalize_name(src);
	struct vdb_advisories *advs = strmap_get(&m->advisories, src);
	if (!advs) {
		advs = xcalloc(1, sizeof *advs);
		if (vdb_advisories_for(m->db, m->ns, src, advs, e) != 0) {
			free(advs);
			free(pypi_name);
			return -1;
		}
		*strmap_put(&m->advisories, src) = advs;
	}
	free(pypi_name);
	char *version = compared_version(p);
	int rc = 0;
	/* Advisories come sorted by id: decide each run of one id. */
	for (size_t i = 0; i < advs->len && rc == 0;) {
		size_t j = i + 1;
		while (j < advs->len && !strcmp(advs->v[j].vuln_id, advs->v[i].vuln_id))
			j++;
		rc = decide(m, out, index, p, version, advs->v + i, j - i, e);
		i = j;
	}
	free(version);
	return rc;
}

/* Language ecosystems: matched in their own namespace whatever the OS. */
static const struct lang_ecosystem {
	enum pkg_type type;
	const char *ns, *label;
	enum version_scheme scheme;
	const char *scheme_name;
} lang_ecosystems[] = {
	{PKG_NPM, "npm", "npm", VERSION_SCHEME_SEMVER, "SemVer"},
	{PKG_PYPI, "pypi", "PyPI", VERSION_SCHEME_PEP440, "PEP 440"},
};

static bool lang_version_valid(enum version_scheme s, const char *v)
{
	return s == VERSION_SCHEME_SEMVER ? version_valid_semver(v) : version_valid_pep440(v);
}

static int match_lang(struct vdb_reader *db, const struct inventory *inv, const struct lang_ecosystem *eco,
		      struct findings *out, struct err *e)
{
	size_t n = 0, invalid = 0;
	const char *example = NULL;
	for (size_t i = 0; i < inv->npkgs; i++)
		n += inv->pkgs[i].pkg.type == eco->type;
	if (n == 0)
		return 0;
	int has = vdb_has_namespace(db, eco->ns, e);
	if (has < 0)
		return -1;
	if (!has) {
		findings_add_notice(out, "the database has no %s advisories (import OSV's %s records): %zu %s "
					 "packages were not checked",
				    eco->label, eco->label, n, eco->label);
		return 0;
	}
	struct matcher m = {.db = db, .ns = eco->ns, .scheme = eco->scheme};
	int rc = 0;
	for (size_t i = 0; i < inv->npkgs && rc == 0; i++) {
		const struct pkg *p = &inv->pkgs[i].pkg;
		if (p->type != eco->type)
			continue;
		/* An invalid version would sort below every range: reporting
		 * each advisory of the package would be noise, not findings. */
		if (!lang_version_valid(eco->scheme, p->version)) {
			if (!invalid++)
				example = p->name;
			continue;
		}
		rc = match_pkg(&m, out, i, p, e);
	}
	if (rc == 0 && invalid)
		findings_add_notice(out, "%zu %s packages have a version that is not valid %s (e.g. %s): they were "
					 "not checked",
				    invalid, eco->label, eco->scheme_name, example ? example : "?");
	strmap_free(&m.advisories, free_advisories);
	strmap_free(&m.details, free_vulns);
	return rc;
}

/* The OS packages, in the distribution release's namespace. */
static int match_os(struct vdb_reader *db, const struct inventory *inv, struct findings *out, struct err *e)
{
	size_t nos = 0;
	for (size_t i = 0; i < inv->npkgs; i++)
		nos += !pkg_type_is_lang(inv->pkgs[i].pkg.type);
	const struct os_info *os = &inv->os;
	struct matcher m = {.db = db};
	char ns[64];
	int rc = 0;
	if (!os->family) {
		if (nos > 0)
			findings_add_notice(out, "the OS was not detected: %zu packages were not checked for "
						 "vulnerabilities",
					    nos);
		return 0;
	}
	if (match_namespace(os, ns, sizeof ns, &m.scheme) != 0) {
		findings_add_notice(out, "vulnerability matching does not support %s %s yet: its packages were "
					 "not checked",
				    os->family, os->name ? os->name : "(no version)");
		return 0;
	}
	m.ns = ns;
	m.family = os->family;
	/* OSV's AlmaLinux and Rocky Linux records list each binary rpm an
	 * erratum updates (openssl-libs, not the source rpm openssl). */
	m.by_binary_name = m.scheme == VERSION_SCHEME_RPM;
	int has = vdb_has_namespace(db, ns, e);
	if (has < 0)
		return -1;
	if (!has) {
		findings_add_notice(out, "%s %s has no advisories in the database (end of life or not imported): "
					 "results may be incomplete",
				    os->family, os->name);
		return 0;
	}
	enum pkg_type want = scheme_pkg_type(m.scheme);
	for (size_t i = 0; i < inv->npkgs && rc == 0; i++)
		if (inv->pkgs[i].pkg.type == want)
			rc = match_pkg(&m, out, i, &inv->pkgs[i].pkg, e);
	strmap_free(&m.advisories, free_advisories);
	strmap_free(&m.details, free_vulns);
	return rc;
}

int match_inventory(const char *db_path, const struct inventory *inv, struct findings *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct vdb_reader *db = vdb_open_readonly(db_path, e);
	if (!db)
		return -1;
	int rc = match_os(db, inv, out, e);
	for (size_t k = 0; k < ARRAY_LEN(lang_ecosystems) && rc == 0; k++)
		rc = match_lang(db, inv, &lang_ecosystems[k], out, e);
	if (rc == 0)
		findings_sort(out, inv);
	vdb_reader_close(db);
	if (rc != 0)
		findings_free(out);
	return rc;
}
