/* Internal to secret/: rule specifications (built-in table and YAML config
 * produce the same shape), their compiled form, and the config parser. */
#ifndef VIGIL_SECRET_INTERNAL_H
#define VIGIL_SECRET_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include "secret/secret.h"

#include <hs/hs.h>
#include <pcre2.h>
#include <stdbool.h>

/* How a rule is matched beyond its regex. */
enum rule_kind {
	KIND_REGEX,    /* a match on one line is the finding */
	KIND_PEM,      /* the regex is a PEM BEGIN line; the block body is verified */
	KIND_FILENAME, /* no regex: the file's name is the finding (id_rsa) */
};

/* Extra verification for built-in rules, after regex and entropy. */
enum rule_check {
	CHECK_NONE,
	CHECK_GENERIC,     /* key=value assignments: placeholders, code, paths */
	CHECK_URL_PASSWORD, /* scheme://user:password@: group 1 user, secret = password */
	CHECK_DOCKER_AUTH, /* base64 "user:password" */
	CHECK_JWT,         /* header is base64url JSON with "alg" */
	CHECK_PLACEHOLDER, /* only the placeholder list */
};

struct allow_spec {
	const char *id, *description;
	const char *path;  /* regex on the normalised path; NULL = any */
	const char *regex; /* regex on the secret value; NULL = any */
	const char *rules[4]; /* built-in only: applies to these rule ids only; none = all */
};

struct rule_spec {
	const char *id, *category, *title, *severity;
	const char *regex;        /* PCRE2; NULL for KIND_FILENAME */
	/* Hyperscan's pattern when not the regex itself: a contiguous part of
	 * it with large bounded repeats relaxed (they make Hyperscan's compile
	 * slow). It must match, on the same line, wherever regex does; PCRE2
	 * then decides with the full regex. */
	const char *hs;
	const char *secret_group; /* named group holding the secret; NULL = "secret" if present, else 1 if any group, else 0 */
	const char *path;         /* only files whose path matches */
	const char *require;      /* the file must also contain a match of this */
	const char *keywords[8];
	double entropy;
	int keep_prefix;          /* leading characters of the secret left visible */
	enum rule_kind kind;
	enum rule_check check;
	bool low_priority;        /* dropped when a specific rule matched the same text */
	const char *doc;          /* why the rule looks the way it does */
};

extern const struct rule_spec secret_builtin_rules[];
extern const size_t secret_builtin_nrules;
extern const struct allow_spec secret_builtin_allow[];
extern const size_t secret_builtin_nallow;

/* ---- YAML config, parsed but not compiled (also the fuzz entry point). ---- */

struct cfg_allow {
	char *id, *description, *path, *regex;
};
struct cfg_rule {
	char *id, *category, *title, *severity, *regex, *path, *secret_group;
	char **keywords;
	size_t nkeywords;
	double entropy;
	struct cfg_allow *allow;
	size_t nallow;
};
struct secret_config {
	struct cfg_rule *rules;
	size_t nrules;
	char **disable_rules;
	size_t ndisable_rules;
	char **enable_builtin;
	size_t nenable_builtin;
	bool has_enable_builtin; /* the key was present (an empty list disables all built-ins) */
	struct cfg_allow *allow;
	size_t nallow;
	char **disable_allow;
	size_t ndisable_allow;
	uint64_t max_file_bytes; /* 0 = not set */
};
/* Parse YAML (at most 1 MiB). Returns 0, or -1 with e naming the line. */
int secret_config_parse(const char *yaml, size_t len, struct secret_config *out, struct err *e);
void secret_config_free(struct secret_config *c);

/* ---- Compiled rules ---- */

struct allow {
	char *id, *description;
	char *path_src, *regex_src;
	pcre2_code *path, *regex;
};

struct rule {
	char *id, *category, *title, *severity, *regex_src, *path_src, *require_src;
	char *hs_src; /* the pattern given to Hyperscan */
	char **keywords; /* NULL-terminated */
	pcre2_code *re, *path;
	uint32_t secret_group; /* capture group number; 0 = whole match */
	int aux_group;         /* group "quote" or "user" for the check, -1 = none */
	int require_id;        /* Hyperscan id of the require pattern, -1 = none */
	double entropy;
	int keep_prefix;
	enum rule_kind kind;
	enum rule_check check;
	bool low_priority, builtin;
	struct allow *allow; /* rule-specific allow rules */
	size_t nallow;
};

struct secret_rules {
	struct rule *rules;
	size_t nrules;
	struct allow *allow; /* global */
	size_t nallow;
	hs_database_t *db;   /* NULL when no rule has a regex */
	char *hs_key;        /* secret_hs_cache_key of db's patterns, or NULL */
	size_t nrequire;     /* Hyperscan ids nrules .. nrules+nrequire-1 */
	uint64_t max_file_bytes;
	pcre2_match_context *mctx; /* read-only: match/depth limits */
};

/* The compiled database cached between runs (hs_cache.c): a key over
 * everything the compilation depends on (hex, malloc'd; NULL if the platform
 * cannot be read), load (NULL when absent or unusable) and store (silent). */
char *secret_hs_cache_key(const char *const *pats, const unsigned *flags, const unsigned *ids, size_t n,
			  unsigned mode);
/* The database embedded at build time for the built-in rules on the build
 * host (vigil-hsdb-gen), when key is its key; else the cached file. */
hs_database_t *secret_hs_cache_load(const char *key);
void secret_hs_cache_store(const char *key, const hs_database_t *db);

/* Compile-time helpers shared by rules.c and scan.c. */
double secret_entropy(const unsigned char *p, size_t n);
/* True when a value is an obvious placeholder ("changeme", "${VAR}", "xxxx"...). */
bool secret_is_placeholder(const unsigned char *v, size_t n);
/* What a rule check sees of one match on one line. */
struct check_in {
	const unsigned char *line;
	size_t len;
	size_t ms, me; /* the whole match */
	size_t vs, ve; /* the secret value */
	/* The rule's named group "quote" (CHECK_GENERIC: the value's opening
	 * quote, empty for a bare value) or "user" (CHECK_URL_PASSWORD);
	 * as < 0 when the group did not take part. */
	long as, ae;
};
bool secret_check(enum rule_check c, const struct check_in *in);

#endif
