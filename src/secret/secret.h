/* secret: finding leaked credentials in file contents and image metadata.
 *
 * A layer walk streams every regular file through a `secret_scan`:
 *
 *     if (secret_file_begin(s, path, size) == 0)
 *         while (secret_file_wants_more(s) && (n = read(...)) > 0)
 *             secret_file_feed(s, buf, n);      // chunks of any size
 *     secret_file_end(s, &findings);           // always, even after a skip
 *
 * Nothing is buffered per file beyond the current line (bounded): all rules
 * live in one Hyperscan streaming database, so each byte is examined once;
 * a Hyperscan hit only marks "rule R may match on this line", and when the
 * line is complete PCRE2 re-runs R's full regex on it to get the exact span
 * and capture groups, then entropy thresholds, rule checks and allow rules
 * decide. Matches never span lines, except private-key PEM blocks, which a
 * small state machine follows from the BEGIN line to the END line.
 *
 * Rules (`secret_rules`) are compiled once and are immutable afterwards:
 * share one between threads. A `secret_scan` holds per-thread scratch and
 * the state of the file being scanned: one per thread.
 *
 * Findings never hold a secret: `match` is the line with every secret found
 * on it replaced by asterisks (a few leading characters of a well-known
 * token prefix such as "AKIA" or "ghp_" are kept). */
#ifndef VIGIL_SECRET_H
#define VIGIL_SECRET_H

#include "util/util.h"

#include <stddef.h>
#include <stdint.h>

struct secret_finding {
	char *rule_id, *category, *title;
	char *severity; /* "LOW", "MEDIUM", "HIGH" or "CRITICAL" */
	char *path;     /* the file's path, or the label given to secret_scan_text */
	/* 1-based lines of the match (a PEM block spans BEGIN..END); 0 and 0 for
	 * a finding about the file itself (a private key file known by name). */
	int start_line, end_line;
	char *match; /* redacted excerpt of the (first) line; never the secret */
};

struct secret_findings {
	struct secret_finding *v;
	size_t len, cap;
	/* Files whose content was scanned, and files that were not: */
	uint64_t files_scanned;
	uint64_t files_skipped_binary;  /* NUL bytes / mostly invalid UTF-8 in the first 8 KiB */
	uint64_t files_skipped_size;    /* declared size above the per-file cap */
	uint64_t files_skipped_allowed; /* path matched a global allow rule */
	uint64_t files_truncated;       /* size unknown up front, only the first cap bytes scanned */
	uint64_t bytes_scanned;
	/* Matches that passed their rule but were then dropped by an allow rule
	 * (e.g. AWS's documented example keys): counted so none vanish unseen. */
	uint64_t matches_allowed;
	/* Findings beyond 1000 in one file (generated data), counted not kept. */
	uint64_t findings_dropped;
};
void secret_findings_free(struct secret_findings *f);

struct secret_rules;

/* Built-in rules, adjusted by the YAML file at config_path when not NULL
 * (format: doc comment at the top of src/secret/config.c). Returns NULL with
 * e set on an unreadable or invalid file, or an unsupported CPU (Hyperscan
 * needs SSSE3). */
struct secret_rules *secret_rules_load(const char *config_path, struct err *e);
/* Same, from YAML text in memory (name is used in messages). */
struct secret_rules *secret_rules_load_yaml(const char *name, const char *yaml, size_t len,
					    struct err *e);
void secret_rules_free(struct secret_rules *r);

/* Files larger than this are not scanned (default 10 MiB, at most 1 GiB;
 * the YAML key max-file-size overrides it). Call before sharing the rules. */
void secret_rules_set_max_file_bytes(struct secret_rules *r, uint64_t max);
uint64_t secret_rules_max_file_bytes(const struct secret_rules *r);

/* The enabled rules, for documentation and --list output. */
struct secret_rule_info {
	const char *id, *category, *title, *severity;
	const char *regex;      /* PCRE2 syntax; NULL for a rule on file names only */
	const char *prefilter;  /* what Hyperscan finds candidate lines with (regex or a relaxed part of it) */
	const char *path;       /* the rule only applies to matching paths; NULL = all */
	const char *const *keywords; /* NULL-terminated */
	double entropy;         /* minimum Shannon entropy of the secret, bits/char; 0 = none */
	int builtin;
};
size_t secret_rules_count(const struct secret_rules *r);
void secret_rules_info(const struct secret_rules *r, size_t i, struct secret_rule_info *out);

struct secret_scan;
struct secret_scan *secret_scan_new(const struct secret_rules *r);
void secret_scan_free(struct secret_scan *s);

/* Start a file. path is normalised (no leading '/'), size its declared size
 * or -1 when unknown. Returns 0 when its bytes should be fed, 1 when they
 * need not be (path allow-listed, or too large). Either way, finish with
 * secret_file_end. */
int secret_file_begin(struct secret_scan *s, const char *path, int64_t size);
/* Feed the next bytes of the file; any chunking gives the same findings. */
void secret_file_feed(struct secret_scan *s, const void *data, size_t n);
/* 0 once the file has been found binary or over the cap: reading the rest
 * would be wasted (feeding it anyway is harmless). */
int secret_file_wants_more(const struct secret_scan *s);
/* Finish the file: append its findings (sorted by line) and update counts. */
void secret_file_end(struct secret_scan *s, struct secret_findings *out);

/* Scan one standalone string (an image config Env entry, Cmd, a label, a
 * history created_by) under a location label such as "config: Env". Rules
 * restricted to file paths do not apply. Not counted as a file. */
void secret_scan_text(struct secret_scan *s, const char *label, const char *text,
		      struct secret_findings *out);

#endif
