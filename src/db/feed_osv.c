/* OSV records (https://ossf.github.io/osv-schema/), one per document:
 * {"id", "modified", "withdrawn", "aliases", "upstream", "summary",
 *  "details", "severity": [{"type": "CVSS_V3", "score": VECTOR}],
 *  "affected": [{"package": {"ecosystem": "Debian:12", "name": SRCPKG},
 *                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
 *                                                             {"fixed": "1.2-3"}]}],
 *                "versions": […], "ecosystem_specific": {…}, "database_specific": {…}}],
 *  "references": [{"type", "url"}]}
 *
 * Only ecosystems vigil matches are stored: the distributions Alpine:vX.Y,
 * Debian:N, Ubuntu:X.Y[:LTS], AlmaLinux:N and Rocky Linux:N (namespaces
 * "alma:N", "rocky:N", sources "osv:AlmaLinux", "osv:Rocky Linux"; their
 * entries name binary rpms, versions "[epoch:]version-release"), and the
 * language ecosystems npm (namespace "npm", source "osv:npm") and PyPI
 * (namespace "pypi", source "osv:PyPI");
 * other entries (Go, Maven, Ubuntu:Pro…) are skipped. PyPI package names
 * are stored normalised as PEP 503 says (vdb_pypi_normalize_name); npm
 * names as they are (case matters on npm, and "@scope/name" is one name).
 *
 * Ranges: ECOSYSTEM ranges everywhere, and SEMVER ranges for npm, whose
 * ecosystem order is SemVer (GitHub's npm advisories use SEMVER); GIT
 * ranges (commits) are ignored, and so are SEMVER ranges of the other
 * ecosystems, whose versions vigil compares in the ecosystem's own order.
 * A range type outside the schema's GIT/SEMVER/ECOSYSTEM is an error.
 *
 * Reported ids: a record named CVE-… reports itself; ALPINE-/DEBIAN-/
 * UBUNTU-CVE-… report the embedded CVE; others report the CVE ids among
 * their aliases and upstream ids — and, for distribution advisories (DSA-,
 * DLA-, DTSA-, USN-, ALSA-, RLSA-), which list the CVEs they fix as
 * "related", those too —
 * else a GHSA alias of a non-distribution record (so PYSEC-… and GHSA-…
 * copies of one advisory report the same id), else themselves. The record
 * id is kept in advisory.record_id.
 *
 * Vendor severity: a distribution's own rating, or the GitHub advisory
 * database's database_specific.severity (LOW, MODERATE, HIGH, CRITICAL);
 * for ALSA/RLSA errata without one, the summary's "Important:" prefix. */
#include "db/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_cve_id(const char *s)
{
	return !strncmp(s, "CVE-", 4) && strlen(s) >= 13 && strlen(s) < 64;
}

static bool digits_dots(const char *s, size_t n)
{
	if (n == 0 || n > 16 || !isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
	return true;
}

char *vdb_pypi_normalize_name(const char *name)
{
	char *out = xmalloc(strlen(name) + 1);
	size_t n = 0;
	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (n == 0 || out[n - 1] != '-')
				out[n++] = '-';
			/* a run of separators is one '-' */
		} else {
			out[n++] = (char)tolower((unsigned char)*p);
		}
	}
	out[n] = '\0';
	return out;
}

/* Ecosystem → namespace and source family; false when vigil does not match it. */
static bool osv_namespace(const char *eco, char *ns, size_t n, const char **family)
{
	/* Language ecosystems: one namespace each, whatever the OS. */
	if (!strcmp(eco, "npm") || !strcmp(eco, "PyPI")) {
		snprintf(ns, n, "%s", eco[0] == 'n' ? "npm" : "pypi");
		*family = eco;
		return true;
	}
	const char *colon = strchr(eco, ':');
	if (!colon)
		return false;
	const char *rel = colon + 1;
	size_t fl = (size_t)(colon - eco);
	if (fl == 6 && !strncmp(eco, "Alpine", 6)) {
		if (*rel == 'v')
			rel++;
		if (!digits_dots(rel, strlen(rel)))
			return false;
		snprintf(ns, n, "alpine:%s", rel);
		*family = "Alpine";
		return true;
	}
	if (fl == 6 && !strncmp(eco, "Debian", 6)) {
		const char *num = vdb_debian_release(rel);
		if (num)
			rel = num;
		if (!digits_dots(rel, strlen(rel)))
			return false;
		snprintf(ns, n, "debian:%s", rel);
		*family = "Debian";
		return true;
	}
	/* "AlmaLinux:9", "Rocky Linux:8": a major release only; minor
	 * streams or other spellings are not matched. */
	if ((fl == 9 && !strncmp(eco, "AlmaLinux", 9)) || (fl == 11 && !strncmp(eco, "Rocky Linux", 11))) {
		size_t len = strlen(rel);
		if (len == 0 || len > 3 || strspn(rel, "0123456789") != len)
			return false;
		snprintf(ns, n, "%s:%s", eco[0] == 'A' ? "alma" : "rocky", rel);
		*family = eco[0] == 'A' ? "AlmaLinux" : "Rocky Linux";
		return true;
	}
	if (fl == 6 && !strncmp(eco, "Ubuntu", 6)) {
		/* "Ubuntu:22.04:LTS" and "Ubuntu:22.04"; "Ubuntu:Pro:…" and FIPS
		 * streams are other products and are not matched. */
		const char *end = strchr(rel, ':');
		size_t len = end ? (size_t)(end - rel) : strlen(rel);
		if (end && strcmp(end, ":LTS") != 0)
			return false;
		if (!digits_dots(rel, len))
			return false;
		snprintf(ns, n, "ubuntu:%.*s", (int)len, rel);
		*family = "Ubuntu";
		return true;
	}
	return false;
}

static const char *word_severity(const char *w);

/* AlmaLinux and Rocky Linux errata (ALSA-2024:0310, RLSA-2023:5455) list
 * the CVEs they fix in "related" (Alma) or "upstream" (Rocky). */
static bool is_errata_id(const char *id)
{
	return !strncmp(id, "ALSA-", 5) || !strncmp(id, "RLSA-", 5);
}

/* Errata carry Red Hat's rating only as the summary's prefix ("Important:
 * openssl security update"): the word before the colon, when it is one. */
static bool errata_rating(const char *summary, char *out, size_t n)
{
	if (!summary)
		return false;
	size_t len = strcspn(summary, ":");
	if (!summary[len] || len == 0 || len >= n)
		return false;
	memcpy(out, summary, len);
	out[len] = '\0';
	return word_severity(out) != NULL;
}

/* The ids a record reports. Real records name a handful; a record naming
 * more than 64 CVEs keeps the first 64 rather than growing without bound. */
struct ids {
	const char *v[64];
	size_t n;
};

static void ids_add(struct ids *ids, const char *id)
{
	for (size_t i = 0; i < ids->n; i++)
		if (!strcmp(ids->v[i], id))
			return;
	if (ids->n < ARRAY_LEN(ids->v))
		ids->v[ids->n++] = id;
}

static int string_array(json_t *o, const char *key, const char *where, json_t **out, struct err *e)
{
	if (vdb_jarr(o, key, where, out, e))
		return -1;
	size_t i;
	json_t *v;
	if (*out)
		json_array_foreach (*out, i, v)
			if (!json_is_string(v)) {
				err_set(e, "%s.%s[%zu]: expected a string, found %s", where, key, i, vdb_json_type(v));
				return -1;
			}
	return 0;
}

struct severity_info {
	const char *v3, *v2, *word;
};

/* severity[]: CVSS vectors, and a distribution's own rating (Ubuntu's
 * {"type": "Ubuntu", "score": "medium"}). */
static int severities(json_t *arr, const char *where, struct severity_info *si, struct err *e)
{
	size_t i;
	json_t *s;
	json_array_foreach (arr, i, s) {
		char w[224];
		snprintf(w, sizeof w, "%s.severity[%zu]", where, i);
		if (!json_is_object(s)) {
			err_set(e, "%s: expected an object, found %s", w, vdb_json_type(s));
			return -1;
		}
		const char *type, *score;
		if (vdb_jstr(s, "type", w, &type, e) || vdb_jstr(s, "score", w, &score, e))
			return -1;
		if (!type || !score)
			continue;
		if (!strcmp(type, "CVSS_V3") && !si->v3)
			si->v3 = score;
		else if (!strcmp(type, "CVSS_V2") && !si->v2)
			si->v2 = score;
		else if (!strcmp(type, "Ubuntu") && !si->word)
			si->word = score;
	}
	return 0;
}

/* A rating word in ecosystem_specific / database_specific ("urgency",
 * "severity", "priority"). */
static void specific_word(json_t *o, struct severity_info *si)
{
	static const char *const keys[] = {"urgency", "severity", "priority"};
	if (!json_is_object(o) || si->word)
		return;
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (json_is_string(v)) {
			si->word = json_string_value(v);
			return;
		}
	}
}

/* A rating word → LOW…CRITICAL, NULL when it is not one. */
static const char *word_severity(const char *w)
{
	static const struct {
		const char *word, *sev;
	} map[] = {{"negligible", "LOW"},	{"unimportant", "LOW"}, {"low", "LOW"},
		   {"medium", "MEDIUM"},	{"moderate", "MEDIUM"}, {"high", "HIGH"},
		   {"important", "HIGH"},	{"critical", "CRITICAL"}};
	if (!w)
		return NULL;
	size_t n = strlen(w);
	while (n > 0 && w[n - 1] == '*')
		n--;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strlen(map[i].word) == n && !strncasecmp(w, map[i].word, n))
			return map[i].sev;
	return NULL;
}

static const char *const event_kinds[] = {"introduced", "fixed", "last_affected", "limit"};

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Validates one range's events. */
static int check_events(json_t *events, const char *where, struct err *e)
{
	size_t i;
	json_t *ev;
	json_array_foreach (events, i, ev) {
		if (!json_is_object(ev)) {
			err_set(e, "%s[%zu]: expected an object, found %s", where, i, vdb_json_type(ev));
			return -1;
		}
		size_t found = 0;
		for (size_t k = 0; k < ARRAY_LEN(event_kinds); k++) {
			json_t *v = json_object_get(ev, event_kinds[k]);
			if (!v)
				continue;
			if (!json_is_string(v) || !*json_string_value(v)) {
				err_set(e, "%s[%zu].%s: expected a version string", where, i, event_kinds[k]);
				return -1;
			}
			if (has_control(json_string_value(v))) {
				err_set(e, "%s[%zu].%s: a version with a control character", where, i, event_kinds[k]);
				return -1;
			}
			found++;
		}
		if (found != 1) {
			err_set(e, "%s[%zu]: an event has exactly one of introduced, fixed, last_affected, limit",
				where, i);
			return -1;
		}
	}
	return 0;
}

/* Range events in the advisory's events column (format in vdb.h):
 * explicit versions first (range -1), then each ECOSYSTEM range in order —
 * the order the matcher reads them in. (Plain appends: this runs for every
 * affected entry of an import.) */
static void add_event(struct buf *out, const char *range_no, const char *event, const char *version)
{
	buf_append(out, range_no, strlen(range_no));
	buf_append(out, "\t", 1);
	buf_append(out, event, strlen(event));
	buf_append(out, "\t", 1);
	buf_append(out, version, strlen(version));
	buf_append(out, "\n", 1);
}

/* Range types whose events are stored for a namespace: ECOSYSTEM, and
 * SEMVER for npm (its ecosystem order is SemVer). */
static bool stored_range(const char *type, const char *ns)
{
	return !strcmp(type, "ECOSYSTEM") || (!strcmp(type, "SEMVER") && !strcmp(ns, "npm"));
}

static void encode_events(json_t *ranges, json_t *versions, const char *ns, struct buf *out)
{
	size_t i, k, no = 0;
	json_t *r, *ev;
	out->len = 0;
	if (versions)
		json_array_foreach (versions, k, ev)
			add_event(out, "-1", "version", json_string_value(ev));
	if (ranges)
		json_array_foreach (ranges, i, r) {
			const char *type = json_string_value(json_object_get(r, "type"));
			if (!type || !stored_range(type, ns))
				continue;
			char num[24];
			snprintf(num, sizeof num, "%zu", no);
			json_array_foreach (json_object_get(r, "events"), k, ev)
				for (size_t m = 0; m < ARRAY_LEN(event_kinds); m++) {
					const char *v = json_string_value(json_object_get(ev, event_kinds[m]));
					if (v)
						add_event(out, num, event_kinds[m], v);
				}
			no++;
		}
	buf_append(out, "", 1);
}

/* Per source of a record: the ratings its vulnerability rows get. */
struct vuln_src {
	int64_t sid;
	const char *vendor, *v3, *v2;
	double s3, s2;
};
struct vuln_srcs {
	struct vuln_src *v;
	size_t n, cap;
};

/* Stores the record's details for each id and source. */
static int store_vulns(struct feed_ctx *c, json_t *rec, const struct ids *ids, const struct vuln_srcs *vs,
		       json_t *urls, struct err *e)
{
	const char *summary = json_string_value(json_object_get(rec, "summary"));
	const char *details = json_string_value(json_object_get(rec, "details"));
	const char *pub = json_string_value(json_object_get(rec, "published"));
	const char *mod = json_string_value(json_object_get(rec, "modified"));
	char *p = pub ? vdb_rfc3339(pub) : NULL, *m = mod ? vdb_rfc3339(mod) : NULL;
	int rc = 0;
	for (size_t i = 0; i < vs->n && rc == 0; i++)
		for (size_t k = 0; k < ids->n && rc == 0; k++) {
			struct vuln_row v = {
				.source_id = vs->v[i].sid,
				.vuln_id = ids->v[k],
				.title = summary && *summary ? summary : NULL,
				.description = details && *details ? details : NULL,
				.severity = vs->v[i].vendor,
				.cvss_v3_vector = vs->v[i].v3,
				.cvss_v3_score = vs->v[i].s3,
				.cvss_v2_vector = vs->v[i].v2,
				.cvss_v2_score = vs->v[i].s2,
				.refs = urls,
				.published = p,
				.modified = m,
			};
			rc = vdb_imp_vuln(c->db, &v, true, e);
		}
	free(p);
	free(m);
	return rc;
}

/* One affected[] entry: -1 on error, 0 when skipped (an ecosystem vigil
 * does not match), 1 when stored. */
static int affected_entry(struct feed_ctx *c, json_t *a, const char *where, const char *record_id,
			  const struct ids *ids, const struct severity_info *top, struct vuln_srcs *vs,
			  struct buf *encoded, struct err *e)
{
	if (!json_is_object(a)) {
		err_set(e, "%s: expected an object, found %s", where, vdb_json_type(a));
		return -1;
	}
	json_t *pkg, *ranges, *versions, *sev;
	if (vdb_jobj(a, "package", where, &pkg, e) || vdb_jarr(a, "ranges", where, &ranges, e) ||
	    string_array(a, "versions", where, &versions, e) || vdb_jarr(a, "severity", where, &sev, e))
		return -1;
	if (!pkg)
		return 0; /* nothing to match it against */
	char w[128];
	snprintf(w, sizeof w, "%s.package", where);
	const char *eco, *name;
	if (vdb_jstr(pkg, "ecosystem", w, &eco, e) || vdb_jstr(pkg, "name", w, &name, e))
		return -1;
	char ns[48];
	const char *family;
	if (!eco || !name || !*name || !osv_namespace(eco, ns, sizeof ns, &family))
		return 0;
	bool eco_range = false, other_range = false;
	size_t i;
	json_t *r;
	if (ranges)
		json_array_foreach (ranges, i, r) {
			char wr[160];
			snprintf(wr, sizeof wr, "%s.ranges[%zu]", where, i);
			if (!json_is_object(r)) {
				err_set(e, "%s: expected an object, found %s", wr, vdb_json_type(r));
				return -1;
			}
			const char *type;
			json_t *events;
			if (vdb_jstr(r, "type", wr, &type, e) || vdb_jarr(r, "events", wr, &events, e))
				return -1;
			if (!type || !events) {
				err_set(e, "%s: a range needs \"type\" and \"events\"", wr);
				return -1;
			}
			snprintf(wr + strlen(wr), sizeof wr - strlen(wr), ".events");
			if (strcmp(type, "ECOSYSTEM") != 0 && strcmp(type, "SEMVER") != 0 && strcmp(type, "GIT") != 0) {
				err_set(e, "%s.type: \"%.40s\" is not a range type (GIT, SEMVER, ECOSYSTEM)", wr, type);
				return -1;
			}
			if (check_events(events, wr, e) != 0)
				return -1;
			if (stored_range(type, ns))
				eco_range = true;
			else
				other_range = true;
		}
	json_t *ver;
	json_array_foreach (versions, i, ver)
		if (has_control(json_string_value(ver))) {
			err_set(e, "%s.versions[%zu]: a version with a control character", where, i);
			return -1;
		}
	bool has_versions = versions && json_array_size(versions) > 0;
	/* Only ranges vigil does not store (GIT; SEMVER outside npm): nothing
	 * it can compare the ecosystem's versions with. Neither ranges nor versions: every version is
	 * affected (as osv-scanner reads it). */
	if (!eco_range && !has_versions && other_range)
		return 0;
	bool use_ranges = eco_range || has_versions;

	struct severity_info si = *top;
	si.word = NULL;
	if (sev && severities(sev, where, &si, e) != 0)
		return -1;
	specific_word(json_object_get(a, "ecosystem_specific"), &si);
	specific_word(json_object_get(a, "database_specific"), &si);
	if (!si.word)
		si.word = top->word;
	const char *vendor = word_severity(si.word);
	double s3 = si.v3 ? vdb_cvss3_score(si.v3) : -1, s2 = si.v2 ? vdb_cvss2_score(si.v2) : -1;

	char sname[32];
	snprintf(sname, sizeof sname, "osv:%s", family);
	char *pypi_name = !strcmp(ns, "pypi") ? vdb_pypi_normalize_name(name) : NULL;
	if (pypi_name)
		name = pypi_name;
	int64_t sid;
	if (vdb_imp_source(c, sname, "osv", c->osv_archive, &sid, e) != 0) {
		free(pypi_name);
		return -1;
	}
	if (use_ranges)
		encode_events(ranges, versions, ns, encoded);
	for (size_t k = 0; k < ids->n; k++) {
		struct adv_row row = {
			.source_id = sid,
			.ns = ns,
			.pkg = name,
			.vuln_id = ids->v[k],
			.record_id = record_id,
			.status = "affected",
			.ranges = use_ranges,
			.events = use_ranges ? (const char *)encoded->data : NULL,
			.severity = vendor,
			.cvss_v3_vector = si.v3,
			.cvss_v3_score = s3,
			.cvss_v2_vector = si.v2,
			.cvss_v2_score = s2,
		};
		if (vdb_imp_advisory(c->db, &row, NULL, e) != 0) {
			free(pypi_name);
			return -1;
		}
	}
	free(pypi_name);
	/* The record's details are stored once per source, after all entries,
	 * with the ratings of the source's last entry. */
	size_t n = 0;
	while (n < vs->n && vs->v[n].sid != sid)
		n++;
	if (n == vs->n)
		xgrow((void **)&vs->v, &vs->cap, ++vs->n, sizeof *vs->v);
	vs->v[n] = (struct vuln_src){sid, vendor, si.v3, si.v2, s3, s2};
	return 1;
}

int vdb_feed_osv(struct feed_ctx *c, json_t *rec, struct err *e)
{
	const char *id, *withdrawn;
	json_t *aliases, *upstream, *related, *affected, *refs, *sev;
	if (vdb_jstr(rec, "id", "OSV", &id, e) || vdb_jstr(rec, "withdrawn", "OSV", &withdrawn, e))
		return -1;
	if (!id || !*id || strlen(id) > 128) {
		err_set(e, "OSV: the record has no usable \"id\"");
		return -1;
	}
	char where[160];
	snprintf(where, sizeof where, "OSV %s", id);
	static const char *const strings[] = {"summary", "details", "published", "modified"};
	for (size_t i = 0; i < ARRAY_LEN(strings); i++) {
		const char *s;
		if (vdb_jstr(rec, strings[i], where, &s, e))
			return -1;
	}
	if (string_array(rec, "aliases", where, &aliases, e) || string_array(rec, "upstream", where, &upstream, e) ||
	    string_array(rec, "related", where, &related, e) ||
	    vdb_jarr(rec, "affected", where, &affected, e) || vdb_jarr(rec, "references", where, &refs, e) ||
	    vdb_jarr(rec, "severity", where, &sev, e))
		return -1;
	/* Per-record replace: whatever an earlier import stored for this id goes. */
	if (vdb_imp_delete_record(c->db, id, e) != 0)
		return -1;
	if (withdrawn && *withdrawn)
		return 0;

	struct ids ids = {.n = 0};
	char embedded[64];
	const char *cve = strstr(id, "-CVE-");
	if (is_cve_id(id)) {
		ids_add(&ids, id);
	} else if (cve && cve != id && is_cve_id(cve + 1)) {
		snprintf(embedded, sizeof embedded, "%s", cve + 1);
		ids_add(&ids, embedded);
	} else {
		bool advisory = !strncmp(id, "DSA-", 4) || !strncmp(id, "DLA-", 4) || !strncmp(id, "DTSA-", 5) ||
				!strncmp(id, "USN-", 4) || is_errata_id(id);
		json_t *lists[] = {aliases, upstream, advisory ? related : NULL};
		for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
			size_t i;
			json_t *v;
			if (lists[l])
				json_array_foreach (lists[l], i, v)
					if (is_cve_id(json_string_value(v)))
						ids_add(&ids, json_string_value(v));
		}
		size_t ai;
		json_t *alias;
		if (ids.n == 0 && !advisory && strncmp(id, "GHSA-", 5) != 0 && aliases)
			json_array_foreach (aliases, ai, alias)
				if (!strncmp(json_string_value(alias), "GHSA-", 5) &&
				    strlen(json_string_value(alias)) < 64) {
					ids_add(&ids, json_string_value(alias));
					break;
				}
		if (ids.n == 0)
			ids_add(&ids, id);
	}

	struct severity_info top = {0};
	if (sev && severities(sev, where, &top, e) != 0)
		return -1;
	specific_word(json_object_get(rec, "database_specific"), &top);
	char rating[16];
	if (!top.word && is_errata_id(id) && errata_rating(json_string_value(json_object_get(rec, "summary")), rating,
							       sizeof rating))
		top.word = rating;

	/* References as a plain array of URLs. The record itself is not
	 * modified: it may be shared read-only (parse_pipe.h). */
	json_t *urls = json_array();
	size_t i;
	json_t *r;
	if (refs)
		json_array_foreach (refs, i, r) {
			const char *url = json_is_object(r) ? json_string_value(json_object_get(r, "url")) : NULL;
			if (!url) {
				err_set(e, "%s.references[%zu]: expected an object with a \"url\" string", where, i);
				json_decref(urls);
				return -1;
			}
			json_array_append_new(urls, json_string(url));
		}

	json_t *a;
	struct vuln_srcs vs = {0};
	struct buf events = {0};
	int rc = 0;
	if (affected)
		json_array_foreach (affected, i, a) {
			char w[96];
			snprintf(w, sizeof w, "%.60s.affected[%zu]", where, i);
			if ((rc = affected_entry(c, a, w, id, &ids, &top, &vs, &events, e)) < 0)
				break;
		}
	if (rc >= 0)
		rc = store_vulns(c, rec, &ids, &vs, urls, e);
	if (rc >= 0 && vs.n)
		c->records++;
	free(vs.v);
	buf_free(&events);
	json_decref(urls);
	return rc < 0 ? -1 : 0;
}
