/* policy/gate: CI policy gates (--policy FILE on image and rootfs).
 *
 * Owns the policy file's grammar (YAML, documented in README "Policy gates";
 * the parser is strict: an unknown key, a wrong type, a duplicate key or a
 * missing key file is an error naming the file, line and column, because a
 * typo in a gate must not silently let an image through) and the pass/fail
 * evaluation of each rule against what a scan found.
 *
 * It does not filter findings (filter.c does that first: the gate counts what
 * the report shows), read images, or verify signatures: the caller verifies
 * with the policy's key (as --verify-key does) and passes the outcome in. */
#ifndef VIGIL_POLICY_GATE_H
#define VIGIL_POLICY_GATE_H

#include "image/image.h"
#include "match/finding.h"
#include "misconf/misconf.h"
#include "report/report.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum policy_rule_kind {
	POLICY_VULN_MAX,          /* vulnerabilities.max[.SEVERITY] */
	POLICY_VULN_DENY,         /* vulnerabilities.deny: ids */
	POLICY_SECRET_MAX,        /* secrets.max[.SEVERITY] */
	POLICY_MISCONF_MAX,       /* misconfigurations.max[.SEVERITY] */
	POLICY_MISCONF_DENY,      /* misconfigurations.deny: rule ids (vigil or foreign) */
	POLICY_ALLOWED_REGISTRIES, /* image.allowed-registries: patterns */
	POLICY_DENY_TAGS,         /* image.deny-tags */
	POLICY_MAX_SIZE,          /* image.max-size: bytes */
	POLICY_MAX_LAYERS,        /* image.max-layers */
	POLICY_FORBID_ROOT,       /* image.forbid-root-user: true */
	POLICY_REQUIRED_LABELS,   /* image.required-labels */
	POLICY_MAX_AGE,           /* image.max-age: seconds */
	POLICY_SIGNATURE,         /* signature.required: true */
};

/* Severity of a per-severity limit; POLICY_ANY_SEVERITY = the total. */
#define POLICY_ANY_SEVERITY (-1)

struct policy_rule {
	enum policy_rule_kind kind;
	char *name;         /* "vulnerabilities.max.high", as reports print it */
	unsigned long line; /* 1-based line of its key in the policy file */
	int severity;       /* *_MAX: enum severity, or POLICY_ANY_SEVERITY */
	uint64_t limit;     /* *_MAX, MAX_SIZE (bytes), MAX_LAYERS, MAX_AGE (seconds) */
	char **list;        /* deny lists, patterns, tags, labels */
	size_t nlist;
};

struct policy {
	char *file; /* the path as given */
	struct policy_rule *rules; /* in file order */
	size_t nrules;
	bool vuln_ignore_unfixed; /* vulnerabilities.ignore-unfixed: count fixable ones only */
	char *signature_key;      /* signature.key, resolved against the policy's folder */
};

/* Parses a policy held in memory; name is the file name errors start with
 * ("p.yaml:3:5: unknown key 'maxx' in vulnerabilities (known: …)").
 * base_dir resolves a relative signature.key (NULL: the current directory).
 * The key must exist and be a public key. Returns 0, or -1 with e set. */
int policy_parse(const char *name, const char *yaml, size_t len, const char *base_dir, struct policy *out,
		 struct err *e);
/* Reads and parses the policy file path. Returns 0, or -1 with e set. */
int policy_load(const char *path, struct policy *out, struct err *e);
void policy_free(struct policy *p);
/* True when some rule is a signature requirement. */
bool policy_wants_signature(const struct policy *p);

/* What the caller found out about the signature (for POLICY_SIGNATURE). */
struct policy_signature {
	bool checked;       /* verification was attempted */
	int verified;       /* signatures that verified (> 0: the rule passes) */
	const char *reason; /* why it failed or was not checked; NULL when verified */
};

/* Everything the rules look at. Pointers may be NULL when a stage did not
 * run; a rule about something that was not scanned fails (a gate that cannot
 * look does not pass). */
struct policy_input {
	const struct image *img;      /* config NULL for a root filesystem */
	bool is_rootfs;               /* a directory, not an image */
	const char *reference;        /* the name a named image was read by; NULL for archives */
	uint64_t size_bytes;          /* uncompressed bytes of the layers (each layer once) */
	const struct findings *vulns; /* NULL: not scanned */
	unsigned vuln_severities;     /* --severity mask the findings were filtered with (0 = all) */
	const struct secret_hit *secrets;
	size_t nsecrets;
	bool secrets_scanned;
	const struct misconf_findings *misconf; /* NULL: not scanned */
	struct policy_signature signature;
	time_t now; /* for max-age */
};

struct policy_result {
	const char *rule; /* = the rule's name (owned by the policy) */
	unsigned long line;
	bool passed;
	char *message; /* owned: "3 HIGH vulnerabilities, at most 0 allowed" */
};

/* The outcome of evaluating a policy, as reports print it. */
struct policy_outcome {
	const char *file;
	bool passed; /* every rule passed */
	struct policy_result *results;
	size_t nresults;
};

/* Evaluates every rule in file order. */
void policy_evaluate(const struct policy *p, const struct policy_input *in, struct policy_outcome *out);
void policy_outcome_free(struct policy_outcome *o);

#endif
