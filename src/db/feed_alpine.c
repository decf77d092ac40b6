/* Alpine secdb (https://secdb.alpinelinux.org/vX.Y/{main,community}.json):
 *   {"distroversion": "v3.10", "reponame": "main",
 *    "packages": [{"pkg": {"name": "openssl",
 *                          "secfixes": {"1.1.1d-r0": ["CVE-2019-1547", …]}}}]}
 * Keys of secfixes are the first fixed version; "0" means the package was
 * never affected. Package names are origins (source packages). */
#include "db/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { MAX_IDS = 8, ID_LEN = 64 };

static bool is_cve(const char *t)
{
	if (strncmp(t, "CVE-", 4) != 0)
		return false;
	t += 4;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)t[i]))
			return false;
	if (t[4] != '-')
		return false;
	size_t n = 0;
	for (t += 5; isdigit((unsigned char)*t); t++)
		n++;
	return *t == 0 && n >= 4;
}

/* An advisory id such as XSA-207 or TALOS-2017-0488: upper-case letters, a
 * dash, then letters, digits and dashes. */
static bool is_other_id(const char *t)
{
	const char *p = t;
	while (isupper((unsigned char)*p))
		p++;
	if (p == t || *p != '-' || !p[1])
		return false;
	for (p++; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

/* Cleans a secfixes entry into the ids it names. Entries carry remarks:
 * "CVE-2017-2616 (+ regression fix)", "CVE-2018-12126  XSA-297",
 * "CVE_2019-2426", "XSA-207", "CVE-????-?????  XSA-295". The CVE ids win;
 * without any, the first other advisory id; remarks in parentheses are
 * dropped. Returns the number of ids written. */
static size_t clean_ids(const char *raw, char out[MAX_IDS][ID_LEN])
{
	size_t ncve = 0;
	char other[ID_LEN] = "";
	const char *p = raw;
	while (*p && ncve < MAX_IDS) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '(')
			break;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - s);
		while (n > 0 && strchr(",;:.", s[n - 1]))
			n--;
		if (n == 0 || n >= ID_LEN)
			continue;
		char tok[ID_LEN];
		memcpy(tok, s, n);
		tok[n] = 0;
		if (!strncmp(tok, "CVE_", 4))
			tok[3] = '-';
		if (is_cve(tok))
			memcpy(out[ncve++], tok, n + 1);
		else if (!other[0] && is_other_id(tok))
			memcpy(other, tok, n + 1);
	}
	if (ncve == 0 && other[0]) {
		memcpy(out[0], other, sizeof other);
		return 1;
	}
	return ncve;
}

/* "v3.10" → "3.10", "edge" stays; NULL when it is neither. */
static bool alpine_release(const char *dv, char *out, size_t n)
{
	if (!strcmp(dv, "edge")) {
		snprintf(out, n, "edge");
		return true;
	}
	if (*dv == 'v')
		dv++;
	const char *p = dv;
	size_t digits = 0, dots = 0;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.' && digits > 0)
			dots++;
		else
			return false;
	}
	if (dots != 1 || p[-1] == '.' || strlen(dv) >= n)
		return false;
	snprintf(out, n, "%s", dv);
	return true;
}

static bool plain_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

int vdb_feed_alpine(struct feed_ctx *c, json_t *doc, struct err *e)
{
	const char *dv, *repo;
	json_t *pkgs;
	if (vdb_jstr(doc, "distroversion", "", &dv, e) || vdb_jstr(doc, "reponame", "", &repo, e) ||
	    vdb_jarr(doc, "packages", "", &pkgs, e))
		return -1;
	if (!dv || !repo || !pkgs) {
		err_set(e, "Alpine secdb: \"%s\" is missing", !dv ? "distroversion" : !repo ? "reponame" : "packages");
		return -1;
	}
	char rel[32];
	if (!alpine_release(dv, rel, sizeof rel)) {
		err_set(e, "Alpine secdb: distroversion \"%.40s\" is not vMAJOR.MINOR or edge", dv);
		return -1;
	}
	if (!plain_name(repo)) {
		err_set(e, "Alpine secdb: reponame \"%.40s\" is not a repository name", repo);
		return -1;
	}
	char ns[48], name[160];
	snprintf(ns, sizeof ns, "alpine:%s", rel);
	snprintf(name, sizeof name, "alpine-secdb:%s%s/%s", dv[0] == 'v' || !strcmp(dv, "edge") ? "" : "v", dv,
		 repo);
	int64_t sid;
	if (vdb_imp_source(c, name, "alpine-secdb", true, &sid, e) != 0)
		return -1;
	size_t i;
	json_t *entry;
	json_array_foreach (pkgs, i, entry) {
		char where[64];
		snprintf(where, sizeof where, "packages[%zu]", i);
		json_t *pkg, *fixes;
		const char *pname;
		if (!json_is_object(entry)) {
			err_set(e, "%s: expected an object, found %s", where, vdb_json_type(entry));
			return -1;
		}
		if (vdb_jobj(entry, "pkg", where, &pkg, e))
			return -1;
		if (!pkg) {
			err_set(e, "%s: \"pkg\" is missing", where);
			return -1;
		}
		snprintf(where, sizeof where, "packages[%zu].pkg", i);
		if (vdb_jstr(pkg, "name", where, &pname, e) || vdb_jobj(pkg, "secfixes", where, &fixes, e))
			return -1;
		if (!pname || !*pname) {
			err_set(e, "%s: \"name\" is missing", where);
			return -1;
		}
		if (!fixes)
			continue;
		const char *ver;
		json_t *ids;
		json_object_foreach (fixes, ver, ids) {
			if (json_is_null(ids))
				continue;
			if (!json_is_array(ids)) {
				err_set(e, "%s.secfixes[\"%.40s\"]: expected an array, found %s", where, ver,
					vdb_json_type(ids));
				return -1;
			}
			bool never = !strcmp(ver, "0");
			size_t k;
			json_t *idv;
			json_array_foreach (ids, k, idv) {
				if (json_is_null(idv))
					continue;
				if (!json_is_string(idv)) {
					err_set(e, "%s.secfixes[\"%.40s\"][%zu]: expected a string, found %s", where,
						ver, k, vdb_json_type(idv));
					return -1;
				}
				char clean[MAX_IDS][ID_LEN];
				size_t n = clean_ids(json_string_value(idv), clean);
				for (size_t m = 0; m < n; m++) {
					struct adv_row r = {
						.source_id = sid,
						.ns = ns,
						.pkg = pname,
						.vuln_id = clean[m],
						.status = never ? "not_affected" : "fixed",
						.fixed_version = never ? NULL : ver,
					};
					if (vdb_imp_advisory(c->db, &r, NULL, e) != 0)
						return -1;
					c->records++;
				}
			}
		}
	}
	return 0;
}
