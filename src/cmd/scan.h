/* Wiring shared by the scanning commands: options common to image, rootfs
 * and sbom; reading the target into an image + inventory; writing a report. */
#ifndef VIGIL_CMD_SCAN_H
#define VIGIL_CMD_SCAN_H

#include "image/image.h"
#include "inventory/inventory.h"
#include "match/finding.h"
#include "misconf/misconf.h"
#include "policy/gate.h"
#include "report/report.h"
#include "secret/secret.h"
#include "source/bundle.h"
#include "walk/view.h"

#include <stdbool.h>

enum target_kind {
	TARGET_ARCHIVE, /* --input PATH: docker-archive / OCI layout, file or directory */
	TARGET_DAEMON,  /* NAME: the local Docker Engine, else a registry (--image-src) */
	TARGET_ROOTFS,  /* DIR: an unpacked filesystem */
};

struct scan_opts {
	enum target_kind kind;
	const char *target; /* path, image name or directory */
	const char *platform;
	const char *format; /* table, json, sarif, junit, html, cyclonedx, spdx-json */
	const char *output; /* NULL = stdout */
	bool list_all_pkgs;
	int threads;
	unsigned scanners;      /* SCAN_VULN | … */
	const char *db_path;    /* --db, NULL = the default location */
	unsigned severities;    /* --severity mask (policy/filter.h) */
	bool ignore_unfixed;
	const char *ignorefile; /* --ignorefile, NULL = .vigilignore then .trivyignore */
	int exit_code;          /* --exit-code: returned when findings remain */
	const char *secret_config; /* --secret-config YAML */
	bool show_history;      /* --show-history: print the Dockerfile rebuilt from history */
	/* Named images (TARGET_DAEMON): where to look, and registry access. */
	const char *image_src;  /* --image-src / VIGIL_IMAGE_SRC: "docker,registry" order, NULL = that */
	bool offline;           /* --offline: never pull from a registry */
	bool insecure;          /* --insecure: plain HTTP to loopback registries */
	const char *username;   /* --username / VIGIL_USERNAME */
	const char *password;   /* --password / VIGIL_PASSWORD */
	const char *verify_key; /* --verify-key: cosign public key the image must be signed with */
	const char *policy_file; /* --policy FILE */
	const struct policy *policy; /* loaded from policy_file before scanning, or NULL */
};

enum {
	SCAN_VULN = 1u << 0,
	SCAN_SECRET = 1u << 1,
	SCAN_MISCONFIG = 1u << 2,
};

/* Everything a scan produced; free with scan_result_free. */
struct scan_result {
	struct image img;
	struct inventory inv;
	struct view view;
	struct bundle *bundle;            /* owns the layer results of images */
	struct layer_result *rootfs_layer; /* owned, for a rootfs */
	struct layer_result **layers;
	size_t nlayers;
	struct findings vulns;
	bool have_vulns; /* vulnerability matching ran */
	struct secret_rules *secret_rules;
	struct secret_findings config_secrets; /* from the image config */
	struct secret_hit *secrets;            /* every layer's and the config's, sorted */
	size_t nsecrets;
	struct misconf_findings misconf;
	bool have_misconf;
	/* --policy: the signature check it asked for, and the outcome. */
	bool signature_checked;
	int signature_verified;
	char *signature_reason;
	struct policy_outcome policy;
	bool have_policy;
};

/* Reads the target. Returns 0, or an exit code (EXIT_INPUT…) after printing
 * one error line. */
int scan_run(const struct scan_opts *o, struct scan_result *res);
void scan_result_free(struct scan_result *res);
/* Gathers the secrets found in the layers and in the image config into
 * res->secrets, each with whether a later layer hides the file (internal to
 * scan_run; in scan_secret.c). */
void scan_collect_secrets(const struct scan_opts *o, struct scan_result *res);
/* Matches the inventory against the vulnerability DB and applies the
 * filters. Returns 0 or an exit code after printing one error line. */
int scan_match(const struct scan_opts *o, struct scan_result *res);
/* Writes the report in o->format to o->output (atomically) or stdout. */
int scan_write_report(const struct scan_opts *o, const struct scan_result *res);
/* --policy (scan_policy.c): verifies the image's cosign signature with the
 * policy's key, recording the outcome in res; returns the number of verified
 * signatures (digest then holds the verified manifest digest), else 0. */
int scan_policy_verify(const struct scan_opts *o, struct scan_result *res, char digest[72]);
/* Evaluates o->policy against the scan into res->policy; one error line per
 * failed rule. */
void scan_policy_evaluate(const struct scan_opts *o, struct scan_result *res);
/* EXIT_FINDINGS when a --policy failed; else EXIT_OK, or o->exit_code when
 * findings remain after filtering. */
int scan_exit_status(const struct scan_opts *o, const struct scan_result *res);

/* getopt_long helpers shared by commands. */
bool format_is_valid(const char *f, const char *const *allowed);
int parse_threads(const char *s);

#endif
