/* The policy file's grammar (see gate.h; documented in README "Policy
 * gates"):
 *
 *   vulnerabilities:
 *     max: {critical: 0, high: 5}   # per severity (unknown, low, medium, high,
 *                                   # critical), or one number for the total
 *     ignore-unfixed: true          # count only vulnerabilities with a fix
 *     deny: [CVE-2019-1547]         # any of these present fails
 *   secrets:
 *     max: 0                        # or per severity
 *   misconfigurations:
 *     max: {high: 0, critical: 0}
 *     deny: [VGL-IMG-001, DL3007]   # vigil ids or the hadolint/dockle/Trivy ids they map
 *   image:
 *     allowed-registries: [registry.example.com, "docker.io/library/alp*"]
 *     deny-tags: [latest]
 *     max-size: 500MB               # B, kB/KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB
 *     max-layers: 20
 *     forbid-root-user: true
 *     required-labels: [org.opencontainers.image.source]
 *     max-age: 90d                  # h, d or w
 *   signature:
 *     required: true
 *     key: cosign.pub               # relative to the policy file's folder
 *
 * libyaml's document API, in the style of src/misconf/settings.c: errors are
 * "FILE:LINE:COLUMN: message". */
#include "policy/gate.h"

#include "sign/sign.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Policies are a few lines; 1 MiB is generous. */
#define POLICY_MAX_BYTES (1u << 20)

struct ctx {
	yaml_document_t *doc;
	const char *name; /* file name for errors */
	const char *base_dir;
	struct policy *p;
	struct err *e;
};

static int fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(c->e, "%s:%zu:%zu: %s", c->name, n->start_mark.line + 1, n->start_mark.column + 1, msg);
	return -1;
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* A scalar's text, or NULL when n is not a scalar or holds a NUL byte. */
static const char *scalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	const char *s = (const char *)n->data.scalar.value;
	return strlen(s) == n->data.scalar.length ? s : NULL;
}

static struct policy_rule *add_rule(struct ctx *c, enum policy_rule_kind kind, const yaml_node_t *key,
				    const char *name)
{
	struct policy *p = c->p;
	p->rules = xrealloc(p->rules, (p->nrules + 1) * sizeof *p->rules);
	struct policy_rule *r = &p->rules[p->nrules++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->name = xstrdup(name);
	r->line = (unsigned long)key->start_mark.line + 1;
	r->severity = POLICY_ANY_SEVERITY;
	return r;
}

static int get_count(struct ctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
	const char *s = scalar(n);
	char *end = NULL;
	errno = 0;
	unsigned long long v = s && isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	if (!s || !isdigit((unsigned char)*s) || *end || errno)
		return fail_at(c, n, "%s must be a whole number (0 or more)", what);
	*out = v;
	return 0;
}

static int get_bool(struct ctx *c, const yaml_node_t *n, const char *what, bool *out)
{
	const char *s = scalar(n);
	if (s && !strcasecmp(s, "true"))
		*out = true;
	else if (s && !strcasecmp(s, "false"))
		*out = false;
	else
		return fail_at(c, n, "%s must be true or false", what);
	return 0;
}

/* A list of non-empty strings; a single string counts as a list of one. */
static int get_list(struct ctx *c, const yaml_node_t *n, const char *what, char ***v, size_t *len)
{
	if (n->type == YAML_SCALAR_NODE) {
		const char *s = scalar(n);
		if (!s || !*s)
			return fail_at(c, n, "%s must be a non-empty string or a list of them", what);
		*v = xrealloc(*v, (*len + 1) * sizeof **v);
		(*v)[(*len)++] = xstrdup(s);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(c, n, "%s must be a list of strings", what);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = node(c, *it);
		const char *s = scalar(item);
		if (!s || !*s)
			return fail_at(c, item ? item : n, "%s must be a list of non-empty strings", what);
		*v = xrealloc(*v, (*len + 1) * sizeof **v);
		(*v)[(*len)++] = xstrdup(s);
	}
	if (*len == 0)
		return fail_at(c, n, "%s is an empty list", what);
	return 0;
}

/* "500MB", "1.5GiB" is not accepted (whole numbers only), "300 MiB", "1024". */
static int get_size(struct ctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{"", 1},
		{"B", 1},
		{"kB", 1000},
		{"KB", 1000},
		{"MB", 1000000},
		{"GB", 1000000000},
		{"TB", 1000000000000},
		{"KiB", 1ull << 10},
		{"MiB", 1ull << 20},
		{"GiB", 1ull << 30},
		{"TiB", 1ull << 40},
	};
	const char *s = scalar(n);
	char *end = NULL;
	errno = 0;
	unsigned long long v = s && isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	if (!s || !isdigit((unsigned char)*s) || errno)
		goto bad;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult)
			goto bad;
		*out = v * units[i].mult;
		return 0;
	}
bad:
	return fail_at(c, n,
		       "%s must be a whole number of bytes with an optional unit: B, kB, MB, GB, TB (powers of "
		       "1000), KiB, MiB, GiB, TiB (powers of 1024)",
		       what);
}

static int get_duration(struct ctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
	const char *s = scalar(n);
	char *end = NULL;
	errno = 0;
	unsigned long long v = s && isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	uint64_t mult = 0;
	if (s && isdigit((unsigned char)*s) && !errno && end[0] && !end[1])
		mult = end[0] == 'h' ? 3600 : end[0] == 'd' ? 86400 : end[0] == 'w' ? 7 * 86400 : 0;
	if (!mult || v > UINT64_MAX / mult)
		return fail_at(c, n, "%s must be a whole number with a unit h, d or w (90d)", what);
	*out = v * mult;
	return 0;
}

static const yaml_node_t *need_mapping(struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_MAPPING_NODE) {
		fail_at(c, n, "%s must be a mapping", what);
		return NULL;
	}
	return n;
}

/* Walks a mapping: calls each(c, section, key node, key, value node, arg)
 * for every pair, after refusing non-string and duplicate keys. */
typedef int (*pair_fn)(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
		       void *arg);

static int each_pair(struct ctx *c, const yaml_node_t *map, const char *section, pair_fn each, void *arg)
{
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		const char *key = scalar(k);
		if (!key || !v)
			return fail_at(c, k ? k : map, "keys in %s must be strings", section);
		/* libyaml keeps both of two equal keys; the second would win or
		 * lose silently depending on the reader, so refuse it. */
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < pr; q++) {
			const char *prev = scalar(node(c, q->key));
			if (prev && !strcmp(prev, key))
				return fail_at(c, k, "'%s' given twice in %s", key, section);
		}
		if (each(c, section, k, key, v, arg) != 0)
			return -1;
	}
	return 0;
}

/* max: N (the total) or max: {SEVERITY: N, …}. */
static int max_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v, void *arg)
{
	enum policy_rule_kind kind = *(const enum policy_rule_kind *)arg;
	static const char *const names[] = {"unknown", "low", "medium", "high", "critical"};
	for (int s = SEV_UNKNOWN; s <= SEV_CRITICAL; s++) {
		if (strcasecmp(key, names[s]) != 0)
			continue;
		char *name = xasprintf("%s.%s", section, names[s]);
		/* Severities are case-insensitive: high and HIGH are one key. */
		for (size_t i = 0; i < c->p->nrules; i++) {
			if (!strcmp(c->p->rules[i].name, name)) {
				free(name);
				return fail_at(c, k, "'%s' given twice in %s", key, section);
			}
		}
		struct policy_rule *r = add_rule(c, kind, k, name);
		free(name);
		r->severity = s;
		return get_count(c, v, r->name, &r->limit);
	}
	return fail_at(c, k, "unknown severity '%s' in %s (known: unknown, low, medium, high, critical)", key, section);
}

static int parse_max(struct ctx *c, const char *section, yaml_node_t *k, yaml_node_t *v, enum policy_rule_kind kind)
{
	char *name = xasprintf("%s.max", section);
	int rc;
	if (v->type == YAML_MAPPING_NODE) {
		rc = v->data.mapping.pairs.start == v->data.mapping.pairs.top
			     ? fail_at(c, v, "%s is an empty mapping", name)
			     : each_pair(c, v, name, max_pair, &kind);
	} else if (v->type == YAML_SCALAR_NODE) {
		struct policy_rule *r = add_rule(c, kind, k, name);
		rc = get_count(c, v, name, &r->limit);
	} else {
		rc = fail_at(c, v, "%s must be a number or a mapping of severity to number", name);
	}
	free(name);
	return rc;
}

static int vulns_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
		      void *arg)
{
	(void)arg;
	if (!strcmp(key, "max"))
		return parse_max(c, section, k, v, POLICY_VULN_MAX);
	if (!strcmp(key, "ignore-unfixed"))
		return get_bool(c, v, "vulnerabilities.ignore-unfixed", &c->p->vuln_ignore_unfixed);
	if (!strcmp(key, "deny")) {
		struct policy_rule *r = add_rule(c, POLICY_VULN_DENY, k, "vulnerabilities.deny");
		return get_list(c, v, r->name, &r->list, &r->nlist);
	}
	return fail_at(c, k, "unknown key '%s' in vulnerabilities (known: max, ignore-unfixed, deny)", key);
}

static int secrets_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
			void *arg)
{
	(void)arg;
	if (!strcmp(key, "max"))
		return parse_max(c, section, k, v, POLICY_SECRET_MAX);
	return fail_at(c, k, "unknown key '%s' in secrets (known: max)", key);
}

/* A deny id must name a misconfiguration rule: a misspelt id would deny
 * nothing, silently. */
static bool misconf_id_known(const char *id)
{
	if (misconf_rule_find(id))
		return true;
	size_t n;
	const struct misconf_rule *t = misconf_dockerfile_rules(&n);
	for (size_t k = 0; k < n; k++)
		if (misconf_rule_maps(&t[k], id))
			return true;
	t = misconf_image_rules(&n);
	for (size_t k = 0; k < n; k++)
		if (misconf_rule_maps(&t[k], id))
			return true;
	return false;
}

static int misconf_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
			void *arg)
{
	(void)arg;
	if (!strcmp(key, "max"))
		return parse_max(c, section, k, v, POLICY_MISCONF_MAX);
	if (!strcmp(key, "deny")) {
		struct policy_rule *r = add_rule(c, POLICY_MISCONF_DENY, k, "misconfigurations.deny");
		if (get_list(c, v, r->name, &r->list, &r->nlist))
			return -1;
		for (size_t i = 0; i < r->nlist; i++)
			if (!misconf_id_known(r->list[i]))
				return fail_at(c, v, "misconfigurations.deny: unknown rule id '%s' (see doc/misconfig.md)",
					       r->list[i]);
		return 0;
	}
	return fail_at(c, k, "unknown key '%s' in misconfigurations (known: max, deny)", key);
}

static int image_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
		      void *arg)
{
	(void)section, (void)arg;
	static const struct {
		const char *key;
		enum policy_rule_kind kind;
	} keys[] = {
		{"allowed-registries", POLICY_ALLOWED_REGISTRIES},
		{"deny-tags", POLICY_DENY_TAGS},
		{"max-size", POLICY_MAX_SIZE},
		{"max-layers", POLICY_MAX_LAYERS},
		{"forbid-root-user", POLICY_FORBID_ROOT},
		{"required-labels", POLICY_REQUIRED_LABELS},
		{"max-age", POLICY_MAX_AGE},
	};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		char *name = xasprintf("image.%s", key);
		int rc = 0;
		if (keys[i].kind == POLICY_FORBID_ROOT) {
			bool on = false;
			rc = get_bool(c, v, name, &on);
			if (rc == 0 && on) /* false: no rule */
				add_rule(c, keys[i].kind, k, name);
			free(name);
			return rc;
		}
		struct policy_rule *r = add_rule(c, keys[i].kind, k, name);
		free(name);
		switch (keys[i].kind) {
		case POLICY_MAX_SIZE:
			return get_size(c, v, r->name, &r->limit);
		case POLICY_MAX_LAYERS:
			return get_count(c, v, r->name, &r->limit);
		case POLICY_MAX_AGE:
			return get_duration(c, v, r->name, &r->limit);
		default:
			return get_list(c, v, r->name, &r->list, &r->nlist);
		}
	}
	return fail_at(c, k,
		       "unknown key '%s' in image (known: allowed-registries, deny-tags, max-size, max-layers, "
		       "forbid-root-user, required-labels, max-age)",
		       key);
}

struct signature_keys {
	const yaml_node_t *required_key, *key_value;
	bool required;
};

static int signature_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
			  void *arg)
{
	(void)section;
	struct signature_keys *s = arg;
	if (!strcmp(key, "required")) {
		s->required_key = k;
		return get_bool(c, v, "signature.required", &s->required);
	}
	if (!strcmp(key, "key")) {
		const char *path = scalar(v);
		if (!path || !*path)
			return fail_at(c, v, "signature.key must be the path of a public key file");
		s->key_value = v;
		return 0;
	}
	return fail_at(c, k, "unknown key '%s' in signature (known: required, key)", key);
}

/* signature: {required: true, key: FILE}; the key is loaded now so that a
 * missing or wrong key is a policy error, before anything is scanned. */
static int parse_signature(struct ctx *c, yaml_node_t *section)
{
	struct signature_keys s = {0};
	if (each_pair(c, section, "signature", signature_pair, &s))
		return -1;
	if (!s.required_key)
		return fail_at(c, section, "signature needs 'required: true' (and key)");
	if (!s.required)
		return 0;
	if (!s.key_value)
		return fail_at(c, section, "signature.required needs key: the cosign public key to verify with");
	const char *path = scalar(s.key_value);
	c->p->signature_key = path[0] == '/' || !c->base_dir ? xstrdup(path) : xasprintf("%s/%s", c->base_dir, path);
	struct err why = {{0}};
	EVP_PKEY *k = sign_pubkey_load(c->p->signature_key, &why);
	if (!k)
		return fail_at(c, s.key_value, "signature.key: %s", why.msg);
	EVP_PKEY_free(k);
	add_rule(c, POLICY_SIGNATURE, s.required_key, "signature.required");
	return 0;
}

static int root_pair(struct ctx *c, const char *section, yaml_node_t *k, const char *key, yaml_node_t *v,
		     void *arg)
{
	(void)section, (void)arg;
	static const struct {
		const char *key;
		pair_fn each;
	} sections[] = {
		{"vulnerabilities", vulns_pair},
		{"secrets", secrets_pair},
		{"misconfigurations", misconf_pair},
		{"image", image_pair},
	};
	for (size_t i = 0; i < ARRAY_LEN(sections); i++)
		if (!strcmp(key, sections[i].key))
			return need_mapping(c, v, key) ? each_pair(c, v, key, sections[i].each, NULL) : -1;
	if (!strcmp(key, "signature"))
		return need_mapping(c, v, key) ? parse_signature(c, v) : -1;
	return fail_at(c, k, "unknown key '%s' (known: vulnerabilities, secrets, misconfigurations, image, signature)",
		       key);
}

int policy_parse(const char *name, const char *yaml, size_t len, const char *base_dir, struct policy *out,
		 struct err *e)
{
	memset(out, 0, sizeof *out);
	out->file = xstrdup(name);
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		err_set(e, "%s: cannot initialise the YAML parser", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	yaml_document_t doc;
	if (!yaml_parser_load(&parser, &doc)) {
		err_set(e, "%s:%zu:%zu: %s", name, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		policy_free(out);
		return -1;
	}
	int rc = 0;
	/* Only one document: a second one would be ignored silently. */
	yaml_document_t extra;
	if (yaml_parser_load(&parser, &extra)) {
		if (yaml_document_get_root_node(&extra)) {
			err_set(e, "%s: more than one YAML document", name);
			rc = -1;
		}
		yaml_document_delete(&extra);
	} else {
		err_set(e, "%s:%zu:%zu: %s", name, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			parser.problem ? parser.problem : "invalid YAML");
		rc = -1;
	}
	struct ctx c = {.doc = &doc, .name = name, .base_dir = base_dir, .p = out, .e = e};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (rc == 0 && root) {
		rc = need_mapping(&c, root, "the policy") ? each_pair(&c, root, "the policy", root_pair, NULL) : -1;
	}
	/* An empty policy passes everything: more likely a wrong file than a wish. */
	if (rc == 0 && out->nrules == 0) {
		err_set(e, "%s: the policy has no rules", name);
		rc = -1;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc)
		policy_free(out);
	return rc;
}

int policy_load(const char *path, struct policy *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct buf b = {0};
	if (read_file_capped(path, POLICY_MAX_BYTES, &b, e)) {
		buf_free(&b);
		return -1;
	}
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(slash[1] = 0) : (void)(*slash = 0);
	int rc = policy_parse(path, (const char *)b.data, b.len, slash ? dir : NULL, out, e);
	free(dir);
	buf_free(&b);
	return rc;
}

void policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		struct policy_rule *r = &p->rules[i];
		free(r->name);
		for (size_t k = 0; k < r->nlist; k++)
			free(r->list[k]);
		free(r->list);
	}
	free(p->rules);
	free(p->file);
	free(p->signature_key);
	memset(p, 0, sizeof *p);
}

bool policy_wants_signature(const struct policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].kind == POLICY_SIGNATURE)
			return true;
	return false;
}
