/* misconf: misconfiguration checks — Dockerfile linting (rules_dockerfile.c
 * over the parser in dockerfile.h) and checks of a built image's config and
 * final filesystem (image_checks.h). Both produce the same kind of finding,
 * defined here, so that reports print them alike.
 *
 * Rules are constant tables: each has a stable id (VGL-DF-NNN for Dockerfile
 * rules, VGL-IMG-NNN for image checks), a default severity, a rationale, a
 * fix hint and the ids of the hadolint, dockle and Trivy checks it
 * corresponds to, so that users coming from those tools can map ignores. */
#ifndef VIGIL_MISCONF_H
#define VIGIL_MISCONF_H

#include <stdbool.h>
#include <stddef.h>

enum misconf_severity {
	MISCONF_LOW = 1,
	MISCONF_MEDIUM,
	MISCONF_HIGH,
	MISCONF_CRITICAL,
};

struct misconf_rule {
	const char *id;        /* "VGL-DF-001" */
	const char *title;     /* one line */
	enum misconf_severity severity;
	const char *rationale; /* why it matters */
	const char *hint;      /* how to fix it */
	const char *hadolint;  /* comma list of DLxxxx ids, or NULL */
	const char *dockle;    /* comma list of CIS-DI-/DKL- ids, or NULL */
	const char *trivy;     /* comma list of AVD-DS- ids, or NULL */
};

struct misconf_finding {
	const struct misconf_rule *rule; /* static */
	const char *id, *title, *hint;  /* = the rule's, for convenience */
	enum misconf_severity severity; /* the rule's unless overridden */
	char *message;                  /* owned: what was found, concretely */
	char *file;                     /* owned; NULL for image checks */
	int start_line, end_line;       /* 1-based; 0 when not from a file */
	int layer;                      /* image layer index, or -1 */
	char *references;               /* owned: "DL3006, AVD-DS-0001, …" or NULL */
};

struct misconf_findings {
	struct misconf_finding *v;
	size_t n, cap;
};

/* Appends a finding of rule r. file may be NULL; message is printf-style. */
void misconf_add(struct misconf_findings *f, const struct misconf_rule *r, const char *file, int start_line,
		 int end_line, int layer, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void misconf_findings_free(struct misconf_findings *f);
/* Orders by file, start line, rule id, message: reports are reproducible. */
void misconf_findings_sort(struct misconf_findings *f);
/* Removes finding i (keeps order). */
void misconf_findings_remove(struct misconf_findings *f, size_t i);

const char *misconf_severity_name(enum misconf_severity s);
/* "LOW".."CRITICAL" (case-insensitive); returns 0 when unknown. */
enum misconf_severity misconf_severity_parse(const char *s);

/* The rule tables (static, constant). */
const struct misconf_rule *misconf_dockerfile_rules(size_t *n);
const struct misconf_rule *misconf_image_rules(size_t *n);
/* Looks a rule up by vigil id (case-insensitive); NULL when unknown. */
const struct misconf_rule *misconf_rule_find(const char *id);
/* True when the rule lists `foreign` (e.g. "DL3008") among its hadolint,
 * dockle or Trivy ids (case-insensitive, whole ids only). */
bool misconf_rule_maps(const struct misconf_rule *r, const char *foreign);

#endif
