/* settings: .vigil.yaml for `vigil config` (libyaml document API). Only the
 * three documented keys are accepted; anything else is an error naming the
 * line, so that a typo does not silently disable a check. */
#include "misconf/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Settings files are a few lines; 1 MiB is generous. */
#define SETTINGS_MAX (1u << 20)

static void node_err(struct err *e, const char *name, const yaml_node_t *n, const char *msg)
{
	err_set(e, "%s:%zu:%zu: %s", name, n->start_mark.line + 1, n->start_mark.column + 1, msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A sequence of scalars (or a single scalar) into a string vector. */
static int load_list(yaml_document_t *doc, const char *name, yaml_node_t *n, char ***out, size_t *nout,
		     struct err *e)
{
	if (n->type == YAML_SCALAR_NODE) {
		*out = xrealloc(*out, (*nout + 1) * sizeof **out);
		(*out)[(*nout)++] = xstrdup(scalar(n));
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		node_err(e, name, n, "expected a list");
		return -1;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = yaml_document_get_node(doc, *it);
		const char *s = scalar(v);
		if (!s) {
			node_err(e, name, v ? v : n, "expected a string");
			return -1;
		}
		*out = xrealloc(*out, (*nout + 1) * sizeof **out);
		(*out)[(*nout)++] = xstrdup(s);
	}
	return 0;
}

int misconf_config_parse(const char *name, const char *data, size_t len, struct misconf_config *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	yaml_parser_t p;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&p)) {
		err_set(e, "%s: cannot initialise the YAML parser", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	if (!yaml_parser_load(&p, &doc)) {
		err_set(e, "%s:%zu:%zu: %s", name, p.problem_mark.line + 1, p.problem_mark.column + 1,
			p.problem ? p.problem : "invalid YAML");
		yaml_parser_delete(&p);
		return -1;
	}
	int rc = 0;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) /* an empty file: no settings */
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		node_err(e, name, root, "expected a mapping with ignore, severity, trusted-registries");
		rc = -1;
		goto out;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; !rc && pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
		const char *key = scalar(k);
		if (!key || !v) {
			node_err(e, name, k ? k : root, "expected a string key");
			rc = -1;
		} else if (!strcmp(key, "ignore")) {
			if (!(v->type == YAML_SCALAR_NODE && !*scalar(v)))
				rc = load_list(&doc, name, v, &c->ignore, &c->nignore, e);
		} else if (!strcmp(key, "trusted-registries") || !strcmp(key, "trustedRegistries")) {
			if (!(v->type == YAML_SCALAR_NODE && !*scalar(v)))
				rc = load_list(&doc, name, v, &c->trusted_registries, &c->ntrusted, e);
		} else if (!strcmp(key, "severity")) {
			if (v->type == YAML_SCALAR_NODE && !*scalar(v))
				continue;
			if (v->type != YAML_MAPPING_NODE) {
				node_err(e, name, v, "severity: expected a mapping RULE-ID: LEVEL");
				rc = -1;
				break;
			}
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *rk = yaml_document_get_node(&doc, q->key);
				yaml_node_t *rv = yaml_document_get_node(&doc, q->value);
				const char *id = scalar(rk), *lvl = scalar(rv);
				enum misconf_severity s = lvl ? misconf_severity_parse(lvl) : 0;
				if (!id || !s) {
					node_err(e, name, rv ? rv : v,
						 "severity: expected LOW, MEDIUM, HIGH or CRITICAL");
					rc = -1;
					break;
				}
				c->severity = xrealloc(c->severity, (c->nseverity + 1) * sizeof *c->severity);
				c->severity[c->nseverity].id = xstrdup(id);
				c->severity[c->nseverity].severity = s;
				c->nseverity++;
			}
		} else {
			char msg[300];
			snprintf(msg, sizeof msg,
				 "unknown key '%.200s' (known: ignore, severity, trusted-registries)", key);
			node_err(e, name, k, msg);
			rc = -1;
		}
	}
	/* Ids must name rules: a misspelt id would ignore nothing, silently. */
	for (size_t i = 0; !rc && i < c->nignore + c->nseverity; i++) {
		const char *id = i < c->nignore ? c->ignore[i] : c->severity[i - c->nignore].id;
		bool known = misconf_rule_find(id) != NULL;
		size_t n;
		const struct misconf_rule *t = misconf_dockerfile_rules(&n);
		for (size_t k = 0; !known && k < n; k++)
			known = misconf_rule_maps(&t[k], id);
		t = misconf_image_rules(&n);
		for (size_t k = 0; !known && k < n; k++)
			known = misconf_rule_maps(&t[k], id);
		if (!known) {
			err_set(e, "%s: unknown rule id '%s'", name, id);
			rc = -1;
		}
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	if (rc)
		misconf_config_free(c);
	return rc;
}

int misconf_config_load(const char *path, struct misconf_config *c, struct err *e)
{
	struct buf b = {0};
	memset(c, 0, sizeof *c);
	if (read_file_capped(path, SETTINGS_MAX, &b, e)) {
		buf_free(&b);
		return -1;
	}
	int rc = misconf_config_parse(path, (const char *)b.data, b.len, c, e);
	buf_free(&b);
	return rc;
}

void misconf_config_free(struct misconf_config *c)
{
	for (size_t i = 0; i < c->nignore; i++)
		free(c->ignore[i]);
	free(c->ignore);
	for (size_t i = 0; i < c->nseverity; i++)
		free(c->severity[i].id);
	free(c->severity);
	for (size_t i = 0; i < c->ntrusted; i++)
		free(c->trusted_registries[i]);
	free(c->trusted_registries);
	memset(c, 0, sizeof *c);
}

void misconf_config_apply(const struct misconf_config *c, struct misconf_findings *f)
{
	if (!c)
		return;
	for (size_t i = 0; i < f->n;) {
		struct misconf_finding *x = &f->v[i];
		bool drop = false;
		for (size_t k = 0; k < c->nignore && !drop; k++)
			drop = misconf_id_matches(x->rule, c->ignore[k]);
		if (drop) {
			misconf_findings_remove(f, i);
			continue;
		}
		/* An override by vigil id wins over one by a foreign id. */
		for (size_t k = 0; k < c->nseverity; k++)
			if (misconf_rule_maps(x->rule, c->severity[k].id))
				x->severity = c->severity[k].severity;
		for (size_t k = 0; k < c->nseverity; k++)
			if (!strcasecmp(x->rule->id, c->severity[k].id))
				x->severity = c->severity[k].severity;
		i++;
	}
}
