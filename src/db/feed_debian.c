/* Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json):
 *   {SRCPKG: {CVE-ID: {"description": …, "scope": …, "debianbug": N,
 *             "releases": {CODENAME: {"status": "resolved"|"open"|"undetermined",
 *                                     "fixed_version": "1.2-3", "urgency": "low",
 *                                     "nodsa": …, "nodsa_reason": "ignored"|"postponed",
 *                                     "repositories": {…}}}}}}
 * Some dumps write "releases" as a list; both shapes are read.
 *
 * Status mapping (the names Trivy reports):
 *   resolved, fixed_version "0"   → not_affected (suppresses the id)
 *   resolved, fixed_version V     → fixed in V
 *   resolved without a version    → nothing stored (no claim to compare)
 *   open                          → affected; will_not_fix when the tracker
 *                                   says nodsa_reason "ignored", fix_deferred
 *                                   for "postponed", end_of_life when the
 *                                   urgency is "end-of-life"
 *   undetermined                  → under_investigation (stored, not reported,
 *                                   as Trivy does not report it either)
 *   anything else                 → skipped
 * Urgency → severity: low/medium/high (a trailing "*" or "**", which marks
 * a guess, is ignored) as is, unimportant → LOW; "not yet assigned" and
 * others → no vendor severity, so NVD's rating applies. */
#include "db/internal.h"

#include <stdio.h>
#include <string.h>

static const char *urgency_severity(const char *u)
{
	if (!u)
		return NULL;
	size_t n = strlen(u);
	while (n > 0 && (u[n - 1] == '*' || u[n - 1] == ' '))
		n--;
	static const struct {
		const char *word, *sev;
	} map[] = {{"unimportant", "LOW"}, {"low", "LOW"}, {"medium", "MEDIUM"}, {"high", "HIGH"},
		   {"critical", "CRITICAL"}};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strlen(map[i].word) == n && !strncmp(u, map[i].word, n))
			return map[i].sev;
	return NULL;
}

static int release(struct feed_ctx *c, int64_t sid, const char *pkg, const char *id, const char *codename,
		   json_t *rel, const char *where, struct err *e)
{
	if (!json_is_object(rel)) {
		err_set(e, "%s: expected an object, found %s", where, vdb_json_type(rel));
		return -1;
	}
	const char *status, *fixed, *urgency, *nodsa_reason;
	if (vdb_jstr(rel, "status", where, &status, e) || vdb_jstr(rel, "fixed_version", where, &fixed, e) ||
	    vdb_jstr(rel, "urgency", where, &urgency, e) || vdb_jstr(rel, "nodsa_reason", where, &nodsa_reason, e))
		return -1;
	if (!status)
		return 0;
	const char *st;
	if (!strcmp(status, "resolved")) {
		if (!fixed || !*fixed)
			return 0;
		st = !strcmp(fixed, "0") ? "not_affected" : "fixed";
	} else if (!strcmp(status, "open")) {
		fixed = NULL;
		if (urgency && !strcmp(urgency, "end-of-life"))
			st = "end_of_life";
		else if (nodsa_reason && !strcmp(nodsa_reason, "ignored"))
			st = "will_not_fix";
		else if (nodsa_reason && !strcmp(nodsa_reason, "postponed"))
			st = "fix_deferred";
		else
			st = "affected";
	} else if (!strcmp(status, "undetermined")) {
		fixed = NULL;
		st = "under_investigation";
	} else {
		return 0;
	}
	const char *num = vdb_debian_release(codename);
	char ns[80];
	snprintf(ns, sizeof ns, "debian:%.64s", num ? num : codename);
	struct adv_row r = {
		.source_id = sid,
		.ns = ns,
		.pkg = pkg,
		.vuln_id = id,
		.status = st,
		.fixed_version = !strcmp(st, "fixed") ? fixed : NULL,
		.severity = urgency_severity(urgency),
	};
	if (vdb_imp_advisory(c->db, &r, NULL, e) != 0)
		return -1;
	c->records++;
	return 0;
}

/* The list shape: [{"release"|"name"|"codename": "bookworm", …}] or
 * [{"bookworm": {…}}]. */
static int release_list(struct feed_ctx *c, int64_t sid, const char *pkg, const char *id, json_t *list,
			const char *where, struct err *e)
{
	size_t i;
	json_t *item;
	json_array_foreach (list, i, item) {
		char w[400];
		snprintf(w, sizeof w, "%s[%zu]", where, i);
		if (!json_is_object(item)) {
			err_set(e, "%s: expected an object, found %s", w, vdb_json_type(item));
			return -1;
		}
		const char *name = NULL;
		static const char *const keys[] = {"release", "name", "codename"};
		for (size_t k = 0; k < ARRAY_LEN(keys) && !name; k++)
			if (vdb_jstr(item, keys[k], w, &name, e))
				return -1;
		if (name) {
			if (release(c, sid, pkg, id, name, item, w, e) != 0)
				return -1;
			continue;
		}
		const char *codename;
		json_t *rel;
		json_object_foreach (item, codename, rel) {
			char w2[480];
			snprintf(w2, sizeof w2, "%s.%.40s", w, codename);
			if (release(c, sid, pkg, id, codename, rel, w2, e) != 0)
				return -1;
		}
	}
	return 0;
}

int vdb_feed_debian(struct feed_ctx *c, const char *pkg, json_t *cves, struct err *e)
{
	char where[160];
	snprintf(where, sizeof where, "Debian tracker: \"%.80s\"", pkg);
	if (!json_is_object(cves)) {
		err_set(e, "%s: expected an object, found %s", where, vdb_json_type(cves));
		return -1;
	}
	if (!*pkg) {
		err_set(e, "Debian tracker: empty package name");
		return -1;
	}
	int64_t sid;
	if (vdb_imp_source(c, "debian-tracker", "debian-tracker", true, &sid, e) != 0)
		return -1;
	const char *id;
	json_t *entry;
	json_object_foreach (cves, id, entry) {
		char w[256];
		snprintf(w, sizeof w, "%s.\"%.40s\"", where, id);
		if (!json_is_object(entry)) {
			err_set(e, "%s: expected an object, found %s", w, vdb_json_type(entry));
			return -1;
		}
		if (!*id)
			continue;
		const char *desc;
		if (vdb_jstr(entry, "description", w, &desc, e))
			return -1;
		if (desc && *desc) {
			struct vuln_row v = {.source_id = sid, .vuln_id = id, .description = desc};
			if (vdb_imp_vuln(c->db, &v, false, e) != 0)
				return -1;
		}
		json_t *rels = json_object_get(entry, "releases");
		if (!rels || json_is_null(rels))
			continue;
		char wr[320];
		snprintf(wr, sizeof wr, "%s.releases", w);
		if (json_is_array(rels)) {
			if (release_list(c, sid, pkg, id, rels, wr, e) != 0)
				return -1;
			continue;
		}
		if (!json_is_object(rels)) {
			err_set(e, "%s: expected an object or array, found %s", wr, vdb_json_type(rels));
			return -1;
		}
		const char *codename;
		json_t *rel;
		json_object_foreach (rels, codename, rel) {
			char w2[400];
			snprintf(w2, sizeof w2, "%s.%.40s", wr, codename);
			if (release(c, sid, pkg, id, codename, rel, w2, e) != 0)
				return -1;
		}
	}
	return 0;
}
