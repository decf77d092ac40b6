/* The user's secret-scanning config (--secret-config FILE), modelled on
 * Trivy's trivy-secret.yaml:
 *
 *   rules:                         # added to the built-in rules
 *     - id: acme-api-key           # required, unique
 *       category: Acme             # default "Custom"
 *       title: Acme API key        # default: the id
 *       severity: HIGH             # required: LOW, MEDIUM, HIGH, CRITICAL
 *       regex: '\bacme_(?P<secret>[a-z0-9]{32})\b'   # required, PCRE2, one line
 *       secret-group-name: secret  # default "secret" when the regex has it, else the whole match
 *       keywords: [acme_]          # documentation (Hyperscan needs no prefilter)
 *       entropy: 3.5               # minimum Shannon entropy of the secret (bits/char)
 *       path: '\.env$'             # only in matching paths (string or list)
 *       allow-rules:               # this rule only
 *         - id: acme-sandbox
 *           description: sandbox keys
 *           regex: '^acme_0{8}'    # on the secret value
 *           path: '^opt/acme/examples/'
 *   disable-rules: [generic-password, jwt]     # by id, built-in or custom
 *   enable-builtin-rules: [aws-access-key-id]  # only these built-ins (present = whitelist)
 *   allow-rules:                   # global: path and/or value regex
 *     - id: skip-fixtures
 *       path: '^srv/app/fixtures/'
 *   disable-allow-rules: [usr-share-doc]       # built-in allow rules to drop
 *   max-file-size: 10485760        # bytes, at most 1G; suffixes K/KiB, M/MiB, G/GiB accepted
 *
 * The parser is strict: an unknown key, a wrong type or a missing required
 * field is an error naming its line, because a typo in a security config
 * must not silently weaken the scan. Regexes are compiled later (rules.c). */
#include "secret/internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum { MAX_CONFIG_BYTES = 1 << 20 };

struct ctx {
	yaml_document_t *doc;
	struct err *e;
};

static unsigned long line_of(const yaml_node_t *n)
{
	return (unsigned long)n->start_mark.line + 1;
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* A scalar's text, or NULL with e set (not a scalar, or holds a NUL). */
static const char *scalar(struct ctx *c, yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		err_set(c->e, "line %lu: %s must be a string", n ? line_of(n) : 0UL, what);
		return NULL;
	}
	const char *s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		err_set(c->e, "line %lu: %s contains a NUL character", line_of(n), what);
		return NULL;
	}
	return s;
}

static int get_string(struct ctx *c, yaml_node_t *n, const char *what, char **out)
{
	const char *s = scalar(c, n, what);
	if (!s)
		return -1;
	if (*out) {
		err_set(c->e, "line %lu: %s given twice", line_of(n), what);
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

static void push_str(char ***v, size_t *len, const char *s)
{
	*v = xrealloc(*v, (*len + 1) * sizeof **v);
	(*v)[(*len)++] = xstrdup(s);
}

/* A list of strings; a single string counts as a list of one. */
static int get_list(struct ctx *c, yaml_node_t *n, const char *what, char ***v, size_t *len)
{
	if (n && n->type == YAML_SCALAR_NODE) {
		const char *s = scalar(c, n, what);
		if (!s)
			return -1;
		push_str(v, len, s);
		return 0;
	}
	if (!n || n->type != YAML_SEQUENCE_NODE) {
		err_set(c->e, "line %lu: %s must be a list of strings", n ? line_of(n) : 0UL, what);
		return -1;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *s = scalar(c, node(c, *it), what);
		if (!s)
			return -1;
		push_str(v, len, s);
	}
	return 0;
}

/* A path given as a list becomes one alternation. */
static int get_path(struct ctx *c, yaml_node_t *n, const char *what, char **out)
{
	char **v = NULL;
	size_t len = 0;
	int rc = get_list(c, n, what, &v, &len);
	if (rc == 0 && len == 0) {
		err_set(c->e, "line %lu: %s is an empty list", line_of(n), what);
		rc = -1;
	}
	if (rc == 0 && *out) {
		err_set(c->e, "line %lu: %s given twice", line_of(n), what);
		rc = -1;
	}
	if (rc == 0) {
		struct buf b = {0};
		for (size_t i = 0; i < len; i++)
			buf_appendf(&b, "%s(?:%s)", i ? "|" : "", v[i]);
		*out = len == 1 ? xstrdup(v[0]) : buf_steal(&b);
		buf_free(&b);
	}
	for (size_t i = 0; i < len; i++)
		free(v[i]);
	free(v);
	return rc;
}

static int get_double(struct ctx *c, yaml_node_t *n, const char *what, double lo, double hi,
		      double *out)
{
	const char *s = scalar(c, n, what);
	if (!s)
		return -1;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(d) || d < lo || d > hi) {
		err_set(c->e, "line %lu: %s must be a number from %g to %g", line_of(n), what, lo, hi);
		return -1;
	}
	*out = d;
	return 0;
}

static int get_size(struct ctx *c, yaml_node_t *n, const char *what, uint64_t *out)
{
	const char *s = scalar(c, n, what);
	if (!s)
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	uint64_t mult = 1;
	if (!isdigit((unsigned char)*s) || errno)
		goto bad;
	while (*end == ' ')
		end++;
	if (!strcmp(end, "K") || !strcmp(end, "KiB"))
		mult = 1ULL << 10;
	else if (!strcmp(end, "M") || !strcmp(end, "MiB"))
		mult = 1ULL << 20;
	else if (!strcmp(end, "G") || !strcmp(end, "GiB"))
		mult = 1ULL << 30;
	else if (*end)
		goto bad;
	/* At most 1 GiB: findings count lines in an int. */
	if (v == 0 || v > (1ULL << 30) / mult)
		goto bad;
	*out = v * mult;
	return 0;
bad:
	err_set(c->e, "line %lu: %s must be a size from 1 byte to 1G (suffix K, M or G allowed)",
		line_of(n), what);
	return -1;
}

static yaml_node_t *need_mapping(struct ctx *c, yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_MAPPING_NODE) {
		err_set(c->e, "line %lu: %s must be a mapping", n ? line_of(n) : 0UL, what);
		return NULL;
	}
	return n;
}

static int parse_allow(struct ctx *c, yaml_node_t *n, struct cfg_allow *a)
{
	if (!need_mapping(c, n, "an allow rule"))
		return -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = scalar(c, node(c, p->key), "a key");
		yaml_node_t *v = node(c, p->value);
		if (!k)
			return -1;
		int rc;
		if (!strcmp(k, "id"))
			rc = get_string(c, v, "id", &a->id);
		else if (!strcmp(k, "description"))
			rc = get_string(c, v, "description", &a->description);
		else if (!strcmp(k, "path"))
			rc = get_path(c, v, "path", &a->path);
		else if (!strcmp(k, "regex"))
			rc = get_string(c, v, "regex", &a->regex);
		else {
			err_set(c->e, "line %lu: unknown key '%s' in an allow rule", line_of(node(c, p->key)), k);
			return -1;
		}
		if (rc)
			return -1;
	}
	if (!a->id || (!a->path && !a->regex)) {
		err_set(c->e, "line %lu: an allow rule needs an id and a path or a regex", line_of(n));
		return -1;
	}
	return 0;
}

static int parse_allows(struct ctx *c, yaml_node_t *n, struct cfg_allow **v, size_t *len)
{
	if (!n || n->type != YAML_SEQUENCE_NODE) {
		err_set(c->e, "line %lu: allow-rules must be a list", n ? line_of(n) : 0UL);
		return -1;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		*v = xrealloc(*v, (*len + 1) * sizeof **v);
		struct cfg_allow *a = &(*v)[(*len)++];
		memset(a, 0, sizeof *a);
		if (parse_allow(c, node(c, *it), a))
			return -1;
	}
	return 0;
}

static int parse_severity(struct ctx *c, yaml_node_t *n, char **out)
{
	if (get_string(c, n, "severity", out))
		return -1;
	for (char *p = *out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	static const char *const ok[] = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (!strcmp(*out, ok[i]))
			return 0;
	err_set(c->e, "line %lu: severity must be LOW, MEDIUM, HIGH or CRITICAL", line_of(n));
	return -1;
}

static int parse_rule(struct ctx *c, yaml_node_t *n, struct cfg_rule *r)
{
	if (!need_mapping(c, n, "a rule"))
		return -1;
	bool have_entropy = false;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = scalar(c, node(c, p->key), "a key");
		yaml_node_t *v = node(c, p->value);
		if (!k)
			return -1;
		int rc;
		if (!strcmp(k, "id"))
			rc = get_string(c, v, "id", &r->id);
		else if (!strcmp(k, "category"))
			rc = get_string(c, v, "category", &r->category);
		else if (!strcmp(k, "title"))
			rc = get_string(c, v, "title", &r->title);
		else if (!strcmp(k, "severity"))
			rc = parse_severity(c, v, &r->severity);
		else if (!strcmp(k, "regex"))
			rc = get_string(c, v, "regex", &r->regex);
		else if (!strcmp(k, "path"))
			rc = get_path(c, v, "path", &r->path);
		else if (!strcmp(k, "secret-group-name"))
			rc = get_string(c, v, "secret-group-name", &r->secret_group);
		else if (!strcmp(k, "keywords"))
			rc = get_list(c, v, "keywords", &r->keywords, &r->nkeywords);
		else if (!strcmp(k, "entropy")) {
			rc = have_entropy ? -1 : get_double(c, v, "entropy", 0, 8, &r->entropy);
			if (have_entropy)
				err_set(c->e, "line %lu: entropy given twice", line_of(v));
			have_entropy = true;
		} else if (!strcmp(k, "allow-rules"))
			rc = parse_allows(c, v, &r->allow, &r->nallow);
		else {
			err_set(c->e, "line %lu: unknown key '%s' in a rule", line_of(node(c, p->key)), k);
			return -1;
		}
		if (rc)
			return -1;
	}
	if (!r->id || !r->regex || !r->severity) {
		err_set(c->e, "line %lu: a rule needs id, severity and regex", line_of(n));
		return -1;
	}
	if (!*r->id) {
		err_set(c->e, "line %lu: a rule id is empty", line_of(n));
		return -1;
	}
	return 0;
}

static int parse_root(struct ctx *c, yaml_node_t *root, struct secret_config *out)
{
	if (!need_mapping(c, root, "the config"))
		return -1;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(c, node(c, p->key), "a key");
		yaml_node_t *v = node(c, p->value);
		if (!k)
			return -1;
		int rc = 0;
		if (!strcmp(k, "rules")) {
			if (!v || v->type != YAML_SEQUENCE_NODE) {
				err_set(c->e, "line %lu: rules must be a list", v ? line_of(v) : 0UL);
				return -1;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				out->rules = xrealloc(out->rules, (out->nrules + 1) * sizeof *out->rules);
				struct cfg_rule *r = &out->rules[out->nrules++];
				memset(r, 0, sizeof *r);
				if (parse_rule(c, node(c, *it), r))
					return -1;
			}
		} else if (!strcmp(k, "disable-rules")) {
			rc = get_list(c, v, "disable-rules", &out->disable_rules, &out->ndisable_rules);
		} else if (!strcmp(k, "enable-builtin-rules")) {
			out->has_enable_builtin = true;
			rc = get_list(c, v, "enable-builtin-rules", &out->enable_builtin,
				      &out->nenable_builtin);
		} else if (!strcmp(k, "allow-rules")) {
			rc = parse_allows(c, v, &out->allow, &out->nallow);
		} else if (!strcmp(k, "disable-allow-rules")) {
			rc = get_list(c, v, "disable-allow-rules", &out->disable_allow,
				      &out->ndisable_allow);
		} else if (!strcmp(k, "max-file-size")) {
			rc = get_size(c, v, "max-file-size", &out->max_file_bytes);
		} else {
			err_set(c->e, "line %lu: unknown key '%s'", line_of(node(c, p->key)), k);
			return -1;
		}
		if (rc)
			return -1;
	}
	return 0;
}

int secret_config_parse(const char *yaml, size_t len, struct secret_config *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (len > MAX_CONFIG_BYTES) {
		err_set(e, "larger than %d bytes", MAX_CONFIG_BYTES);
		return -1;
	}
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		err_set(e, "cannot initialise the YAML parser");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	yaml_document_t doc;
	if (!yaml_parser_load(&parser, &doc)) {
		err_set(e, "line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	/* Only the first document counts; a second one would be ignored
	 * silently, so refuse it. */
	int rc = 0;
	yaml_document_t extra;
	if (yaml_parser_load(&parser, &extra)) {
		if (yaml_document_get_root_node(&extra)) {
			err_set(e, "more than one YAML document");
			rc = -1;
		}
		yaml_document_delete(&extra);
	} else {
		err_set(e, "line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "invalid YAML");
		rc = -1;
	}
	struct ctx c = {.doc = &doc, .e = e};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (rc == 0 && root) /* an empty file is an empty config */
		rc = parse_root(&c, root, out);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc)
		secret_config_free(out);
	return rc;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_allows(struct cfg_allow *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].description);
		free(v[i].path);
		free(v[i].regex);
	}
	free(v);
}

void secret_config_free(struct secret_config *c)
{
	for (size_t i = 0; i < c->nrules; i++) {
		struct cfg_rule *r = &c->rules[i];
		free(r->id);
		free(r->category);
		free(r->title);
		free(r->severity);
		free(r->regex);
		free(r->path);
		free(r->secret_group);
		free_strs(r->keywords, r->nkeywords);
		free_allows(r->allow, r->nallow);
	}
	free(c->rules);
	free_strs(c->disable_rules, c->ndisable_rules);
	free_strs(c->enable_builtin, c->nenable_builtin);
	free_allows(c->allow, c->nallow);
	free_strs(c->disable_allow, c->ndisable_allow);
	memset(c, 0, sizeof *c);
}
