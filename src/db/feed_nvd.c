/* NVD CVE API 2.0 (pages of /rest/json/cves/2.0, or the yearly 2.0 feed
 * files, which have the same shape). One element of "vulnerabilities":
 *   {"cve": {"id", "published", "lastModified",
 *            "descriptions": [{"lang": "en", "value"}],
 *            "metrics": {"cvssMetricV31": [{"type": "Primary",
 *                                           "cvssData": {"vectorString", "baseScore", "baseSeverity"}}],
 *                        "cvssMetricV30": […],
 *                        "cvssMetricV2": [{"cvssData": {"vectorString", "baseScore"}, "baseSeverity"}]},
 *            "weaknesses": [{"description": [{"lang", "value": "CWE-79"}]}],
 *            "references": [{"url"}]}}
 * Each CVE replaces its earlier row, so pages and years can be imported in
 * any order and again. */
#include "db/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct metric {
	const char *vector, *severity;
	double score;
};

/* Picks NVD's own ("Primary") metric of a list, else the first. */
static int pick_metric(json_t *metrics, const char *key, const char *where, struct metric *m, struct err *e)
{
	json_t *list;
	if (vdb_jarr(metrics, key, where, &list, e))
		return -1;
	if (!list)
		return 0;
	json_t *best = NULL;
	size_t i;
	json_t *it;
	json_array_foreach (list, i, it) {
		if (!json_is_object(it)) {
			err_set(e, "%s.%s[%zu]: expected an object, found %s", where, key, i, vdb_json_type(it));
			return -1;
		}
		const char *type = json_string_value(json_object_get(it, "type"));
		if (!best || (type && !strcmp(type, "Primary")))
			best = it;
		if (type && !strcmp(type, "Primary"))
			break;
	}
	if (!best)
		return 0;
	char w[128];
	snprintf(w, sizeof w, "%s.%s", where, key);
	json_t *data;
	if (vdb_jobj(best, "cvssData", w, &data, e))
		return -1;
	if (!data)
		return 0;
	snprintf(w, sizeof w, "%s.%s.cvssData", where, key);
	if (vdb_jstr(data, "vectorString", w, &m->vector, e) || vdb_jstr(data, "baseSeverity", w, &m->severity, e))
		return -1;
	if (!m->severity && vdb_jstr(best, "baseSeverity", w, &m->severity, e))
		return -1;
	json_t *score = json_object_get(data, "baseScore");
	if (score && !json_is_number(score) && !json_is_null(score)) {
		err_set(e, "%s.baseScore: expected a number, found %s", w, vdb_json_type(score));
		return -1;
	}
	m->score = score ? json_number_value(score) : 0;
	if (m->score < 0 || m->score > 10) {
		err_set(e, "%s.baseScore: %g is not a CVSS score", w, m->score);
		return -1;
	}
	return 0;
}

static char *upper(const char *s)
{
	if (!s)
		return NULL;
	char *u = xstrdup(s);
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

int vdb_feed_nvd(struct feed_ctx *c, json_t *item, size_t index, struct err *e)
{
	char where[96];
	snprintf(where, sizeof where, "vulnerabilities[%zu]", index);
	if (!json_is_object(item)) {
		err_set(e, "%s: expected an object, found %s", where, vdb_json_type(item));
		return -1;
	}
	json_t *cve;
	if (vdb_jobj(item, "cve", where, &cve, e))
		return -1;
	if (!cve) {
		err_set(e, "%s: \"cve\" is missing", where);
		return -1;
	}
	snprintf(where, sizeof where, "vulnerabilities[%zu].cve", index);
	const char *id, *pub, *mod;
	json_t *descs, *metrics, *weak, *refs;
	if (vdb_jstr(cve, "id", where, &id, e) || vdb_jstr(cve, "published", where, &pub, e) ||
	    vdb_jstr(cve, "lastModified", where, &mod, e) || vdb_jarr(cve, "descriptions", where, &descs, e) ||
	    vdb_jobj(cve, "metrics", where, &metrics, e) || vdb_jarr(cve, "weaknesses", where, &weak, e) ||
	    vdb_jarr(cve, "references", where, &refs, e))
		return -1;
	if (!id || !*id || strlen(id) > 64) {
		err_set(e, "%s: no usable \"id\"", where);
		return -1;
	}
	snprintf(where, sizeof where, "%.64s", id);

	const char *desc = NULL;
	size_t i;
	json_t *d;
	if (descs)
		json_array_foreach (descs, i, d) {
			const char *lang = json_string_value(json_object_get(d, "lang"));
			const char *val = json_string_value(json_object_get(d, "value"));
			if (val && (!desc || (lang && !strcmp(lang, "en"))))
				desc = val;
			if (val && lang && !strcmp(lang, "en"))
				break;
		}
	struct metric v31 = {0}, v30 = {0}, v2 = {0};
	if (metrics && (pick_metric(metrics, "cvssMetricV31", where, &v31, e) ||
			pick_metric(metrics, "cvssMetricV30", where, &v30, e) ||
			pick_metric(metrics, "cvssMetricV2", where, &v2, e)))
		return -1;
	const struct metric *v3 = v31.vector ? &v31 : v30.vector ? &v30 : NULL;

	json_t *cwes = json_array(), *urls = json_array();
	json_t *w;
	if (weak)
		json_array_foreach (weak, i, w) {
			size_t k;
			json_t *dd;
			json_array_foreach (json_object_get(w, "description"), k, dd) {
				const char *v = json_string_value(json_object_get(dd, "value"));
				bool dup = false;
				size_t m;
				json_t *x;
				json_array_foreach (cwes, m, x)
					dup |= v && !strcmp(json_string_value(x), v);
				if (v && !dup)
					json_array_append_new(cwes, json_string(v));
			}
		}
	if (refs)
		json_array_foreach (refs, i, w) {
			const char *url = json_string_value(json_object_get(w, "url"));
			if (url)
				json_array_append_new(urls, json_string(url));
		}

	int64_t sid;
	int rc = vdb_imp_source(c, "nvd", "nvd", false, &sid, e);
	char *sev = upper(v3 && v3->severity ? v3->severity : v2.severity);
	char *p = pub ? vdb_rfc3339(pub) : NULL, *m = mod ? vdb_rfc3339(mod) : NULL;
	if (rc == 0) {
		struct vuln_row row = {
			.source_id = sid,
			.vuln_id = id,
			.description = desc,
			.severity = sev,
			.cvss_v3_vector = v3 ? v3->vector : NULL,
			.cvss_v3_score = v3 ? v3->score : 0,
			.cvss_v2_vector = v2.vector,
			.cvss_v2_score = v2.score,
			.cwe_ids = cwes,
			.refs = urls,
			.published = p,
			.modified = m,
		};
		rc = vdb_imp_vuln(c->db, &row, true, e);
	}
	free(sev);
	free(p);
	free(m);
	json_decref(cwes);
	json_decref(urls);
	if (rc == 0)
		c->records++;
	return rc;
}
