/* report: turning what a scan found into output people and machines read.
 * Writers take the image, the inventory (and, later, findings) and print to
 * a stream; commands write into memory and then atomically to --output, so a
 * failed scan never leaves a half-written report. Machine formats are stable
 * and documented in doc/formats.md. */
#ifndef VIGIL_REPORT_H
#define VIGIL_REPORT_H

#include "image/image.h"
#include "inventory/inventory.h"
#include "match/finding.h"
#include "misconf/misconf.h"
#include "secret/secret.h"

#include <stdbool.h>
#include <stdio.h>

struct policy_outcome;

/* A secret found in a layer (or in the image config), with where it lives. */
struct secret_hit {
	const struct secret_finding *f;
	int layer;      /* image layer index; -1 for the image config */
	int removed_in; /* layer that deleted or replaced the file; -1 = still in the final image */
	bool deleted;   /* removed_in deleted the file (rather than overwrote it) */
};

struct scan_report {
	const struct image *img;
	const struct inventory *inv;
	bool list_all_pkgs; /* include the package list (json/table) */
	const struct findings *vulns; /* notices, and findings when vulns_scanned */
	bool vulns_scanned;           /* vulnerability matching ran */
	const struct secret_hit *secrets; /* sorted by path, layer, line */
	size_t nsecrets;
	bool secrets_scanned;
	const struct misconf_findings *misconf;
	bool misconf_scanned;
	const char *history_dockerfile; /* --show-history, or NULL */
	const char *tool_version;
	const struct policy_outcome *policy; /* --policy, or NULL (policy/gate.h; written by report/policy.h) */
};

int report_json(FILE *out, const struct scan_report *r);
int report_sarif(FILE *out, const struct scan_report *r);
int report_table(FILE *out, const struct scan_report *r);
/* JUnit XML for CI systems: one testsuite per scanned class (OS packages,
 * secrets, misconfigurations), one failing testcase per finding. */
int report_junit(FILE *out, const struct scan_report *r);
/* One self-contained HTML page: inline CSS, no scripts, nothing fetched. */
int report_html(FILE *out, const struct scan_report *r);
/* Result groups (report/lang.c): Trivy puts OS packages in one result and
 * each language ecosystem in its own ("lang-pkgs": Target "Node.js", Type
 * "node-pkg"; "Python", "python-pkg"), their findings with them. */
enum report_group { REPORT_GROUP_OS, REPORT_GROUP_NODE, REPORT_GROUP_PYTHON, REPORT_NGROUPS };
enum report_group report_pkg_group(const struct pkg *p);
/* The finding's package's group (OS when its index is out of range). */
enum report_group report_finding_group(const struct inventory *inv, const struct vuln_finding *v);
/* Target and Type of a language group; NULL for REPORT_GROUP_OS. */
const char *report_group_target(enum report_group g);
const char *report_group_type(enum report_group g);
size_t report_group_count(const struct inventory *inv, enum report_group g);
/* SBOMs: CycloneDX 1.5 JSON and SPDX 2.3 JSON. */
int report_cyclonedx(FILE *out, const struct scan_report *r);
int report_spdx(FILE *out, const struct scan_report *r);

/* Package URL (purl spec) for a package of an image with OS os, e.g.
 * pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=3.10.2 */
char *pkg_purl(const struct pkg *p, const struct os_info *os);
/* Trivy's result type for an OS family ("alpine", "debian", "redhat"…). */
const char *report_os_type(const struct os_info *os);
/* "ID" field as Trivy prints it: name@version (dpkg, apk) or name@version.arch (rpm). */
char *pkg_id(const struct pkg *p);
/* "NAME (family version)", the Target of a result. */
char *report_target(const struct scan_report *r);

/* Package URL of the image itself, Trivy style (pkg:oci/NAME@DIGEST?arch=…&repository_url=…):
 * the digest is the first repo digest's, else the manifest digest, else the image
 * ID. NULL when the image has none of them (a rootfs). */
char *image_purl(const struct image *img);
/* A random (version 4) UUID as 36 characters of text. 0, or -1 when the RNG fails. */
int report_uuid4(char out[37]);
/* The current UTC time as RFC 3339, "2024-05-01T12:00:00Z". */
void report_timestamp(char out[32]);

#endif
