/* match/finding.h: a vulnerability finding — one advisory affecting one
 * installed package — as matchers produce it and reports print it. */
#ifndef VIGIL_FINDING_H
#define VIGIL_FINDING_H

#include <stddef.h>

enum severity {
	SEV_UNKNOWN = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};
const char *severity_name(enum severity s); /* "UNKNOWN" … "CRITICAL" */
/* Parses "low"/"LOW"/"medium"/"moderate"/"important"/"high"/"critical"/
 * "negligible"/"unimportant" (case-insensitive) into a severity; -1 if unknown word. */
int severity_parse(const char *s);

struct cvss {
	char *source;    /* "nvd", "debian", "alpine", "osv"… */
	char *v3_vector; /* "CVSS:3.1/AV:N/…" */
	double v3_score; /* 0 when absent */
	char *v2_vector;
	double v2_score;
};

struct vuln_finding {
	char *vuln_id;      /* "CVE-2019-1547" (cleaned) */
	size_t pkg;         /* index into inventory.pkgs */
	char *installed_version;
	char *fixed_version; /* NULL when no fix is known */
	/* "fixed" (a fix exists), "affected" (no fix yet), "will_not_fix",
	 * "fix_deferred", "end_of_life", "under_investigation" — Trivy's names. */
	char *status;
	enum severity severity;
	char *severity_source; /* "alpine", "debian", "nvd"… or NULL */
	char *title;
	char *description;
	char *primary_url;
	char **references;
	size_t nreferences;
	char **cwe_ids;
	size_t ncwe_ids;
	struct cvss *cvss;
	size_t ncvss;
	char *data_source; /* feed name, e.g. "alpine-secdb v3.10" */
	char *published, *last_modified; /* RFC 3339 or NULL */
};

struct findings {
	struct vuln_finding *v;
	size_t len, cap;
	char **notices; /* e.g. "alpine 3.2 is end of life; no data" */
	size_t nnotices;
};

struct vuln_finding *findings_add(struct findings *f); /* zeroed */
void findings_add_notice(struct findings *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void findings_free(struct findings *f);
/* Frees every field of one finding and zeroes it. */
void vuln_finding_clear(struct vuln_finding *v);
/* Sort by package name, then severity (high first), then id — Trivy's order. */
struct inventory;
void findings_sort(struct findings *f, const struct inventory *inv);

#endif
