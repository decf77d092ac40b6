/* lint: running the Dockerfile rules over a parsed Dockerfile, the
 * .vigil.yaml settings that tune them, and the reports (table, JSON in
 * Trivy's misconfiguration shape, SARIF 2.1.0). */
#ifndef VIGIL_MISCONF_LINT_H
#define VIGIL_MISCONF_LINT_H

#include "misconf/dockerfile.h"
#include "misconf/misconf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct misconf_severity_override {
	char *id; /* a vigil id, or a hadolint/dockle/Trivy id it maps */
	enum misconf_severity severity;
};

/* .vigil.yaml:
 *   ignore: [VGL-DF-003, DL3008]       # vigil or mapped foreign ids
 *   severity: {VGL-DF-001: HIGH}       # per-rule severity overrides
 *   trusted-registries: [docker.io, registry.example.com]
 */
struct misconf_config {
	char **ignore;
	size_t nignore;
	struct misconf_severity_override *severity;
	size_t nseverity;
	char **trusted_registries; /* empty: no registry check */
	size_t ntrusted;
};

/* Loads a YAML settings file. Errors are "FILE:LINE:COL: message" or
 * "FILE: message". */
int misconf_config_load(const char *path, struct misconf_config *c, struct err *e);
/* Same from memory (name is used in messages). */
int misconf_config_parse(const char *name, const char *data, size_t len, struct misconf_config *c, struct err *e);
void misconf_config_free(struct misconf_config *c);
/* True when id (vigil or foreign) names rule r. */
bool misconf_id_matches(const struct misconf_rule *r, const char *id);
/* Drops findings the settings ignore and applies severity overrides. */
void misconf_config_apply(const struct misconf_config *c, struct misconf_findings *f);

struct lint_opts {
	const char *file;        /* name of the Dockerfile in findings */
	const char *path;        /* its path on disk, for NAME.dockerignore; NULL (stdin): no check */
	const char *context_dir; /* build context, for .dockerignore; NULL: no check */
	const struct misconf_config *cfg; /* may be NULL */
};

/* Runs every Dockerfile rule; inline ignore pragmas are honoured here,
 * settings (misconf_config_apply) are the caller's. Findings are sorted. */
void misconf_lint(const struct dockerfile *df, const struct lint_opts *o, struct misconf_findings *out);

/* Reports. A "target" is one linted file with its findings. */
struct misconf_target {
	const char *name; /* file name as given */
	const char *type; /* "dockerfile" or "image-config" */
	struct misconf_findings *findings;
	size_t nrules;    /* rules run: the successes count is nrules - failed rules */
};
/* One finding in Trivy's Misconfiguration shape (ID, Title, Description,
 * Message, Resolution, Severity, References, Status, CauseMetadata{StartLine,
 * EndLine} for file findings, and Layer{Index, Digest, DiffID} when it
 * comes from a layer of img). New reference. */
struct image;
json_t *misconf_finding_json(const struct misconf_finding *f, const struct image *img);
/* {SchemaVersion, ArtifactName, ArtifactType, Results[{Target, Class:"config",
 * Type, MisconfSummary, Misconfigurations[]}]} */
json_t *misconf_report_json(const char *artifact, const struct misconf_target *t, size_t n);
/* SARIF 2.1.0: one run, rules metadata for every rule, results with
 * physicalLocation regions. */
json_t *misconf_report_sarif(const struct misconf_target *t, size_t n);
/* Human-readable table. Returns a new string. */
char *misconf_report_table(const struct misconf_target *t, size_t n);

/* Shared with the image checks (history steps are shell scripts too). */
bool misconf_secret_name(const char *name);
struct script_facts {
	bool sudo;         /* runs something through sudo (or doas) */
	bool update_alone; /* refreshes a package index without installing after it */
	const char *update_tool; /* "apt-get", "apk", "yum/dnf", "zypper" when update_alone */
};
void misconf_script_facts(const char *script, struct script_facts *f);

#endif
