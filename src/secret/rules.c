/* Compiling rules: built-in table + user config -> one Hyperscan streaming
 * database (every rule's regex and every "require" pattern) and one PCRE2
 * program per regex for confirmation. The result is immutable. */
#include "secret/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_MAX_FILE_BYTES = 10 << 20 };

static pcre2_code *compile_pcre(const char *re, const char *what, const char *id, struct err *e)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		err_set(e, "rule '%s': %s: %s at offset %zu", id, what, (const char *)msg, (size_t)off);
		return NULL;
	}
	/* JIT makes confirmation cheap; without it (unsupported CPU) the
	 * interpreter gives the same answers. */
	(void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

static void free_allow(struct allow *a)
{
	free(a->id);
	free(a->description);
	free(a->path_src);
	free(a->regex_src);
	pcre2_code_free(a->path);
	pcre2_code_free(a->regex);
}

static void free_rule(struct rule *r)
{
	free(r->id);
	free(r->category);
	free(r->title);
	free(r->severity);
	free(r->regex_src);
	free(r->path_src);
	free(r->require_src);
	free(r->hs_src);
	if (r->keywords)
		for (char **k = r->keywords; *k; k++)
			free(*k);
	free(r->keywords);
	pcre2_code_free(r->re);
	pcre2_code_free(r->path);
	for (size_t i = 0; i < r->nallow; i++)
		free_allow(&r->allow[i]);
	free(r->allow);
}

void secret_rules_free(struct secret_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrules; i++)
		free_rule(&r->rules[i]);
	free(r->rules);
	for (size_t i = 0; i < r->nallow; i++)
		free_allow(&r->allow[i]);
	free(r->allow);
	if (r->db)
		hs_free_database(r->db);
	free(r->hs_key);
	pcre2_match_context_free(r->mctx);
	free(r);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int compile_allow(struct allow *a, const char *id, const char *desc, const char *path,
			 const char *regex, struct err *e)
{
	memset(a, 0, sizeof *a);
	a->id = xstrdup(id);
	a->description = dup_or_null(desc);
	a->path_src = dup_or_null(path);
	a->regex_src = dup_or_null(regex);
	if (path && !(a->path = compile_pcre(path, "allow rule path", id, e)))
		return -1;
	if (regex && !(a->regex = compile_pcre(regex, "allow rule regex", id, e)))
		return -1;
	return 0;
}

static bool in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* A rule as both the built-in table and the config describe it. */
struct rule_src {
	const struct rule_spec *spec; /* built-in, or NULL */
	const struct cfg_rule *cfg;   /* custom, or NULL */
};

static int compile_rule(struct secret_rules *rs, struct rule *r, const struct rule_src *src,
			struct err *e)
{
	memset(r, 0, sizeof *r);
	r->require_id = -1;
	r->aux_group = -1;
	const char *group = NULL;
	if (src->spec) {
		const struct rule_spec *s = src->spec;
		r->id = xstrdup(s->id);
		r->category = xstrdup(s->category);
		r->title = xstrdup(s->title);
		r->severity = xstrdup(s->severity);
		r->regex_src = dup_or_null(s->regex);
		r->path_src = dup_or_null(s->path);
		r->require_src = dup_or_null(s->require);
		r->hs_src = dup_or_null(s->hs ? s->hs : s->regex);
		size_t nk = 0;
		while (nk < ARRAY_LEN(s->keywords) && s->keywords[nk])
			nk++;
		r->keywords = xcalloc(nk + 1, sizeof *r->keywords);
		for (size_t i = 0; i < nk; i++)
			r->keywords[i] = xstrdup(s->keywords[i]);
		r->entropy = s->entropy;
		r->keep_prefix = s->keep_prefix;
		r->kind = s->kind;
		r->check = s->check;
		r->low_priority = s->low_priority;
		r->builtin = true;
		group = s->secret_group;
	} else {
		const struct cfg_rule *c = src->cfg;
		r->id = xstrdup(c->id);
		r->category = xstrdup(c->category ? c->category : "Custom");
		r->title = xstrdup(c->title ? c->title : c->id);
		r->severity = xstrdup(c->severity);
		r->regex_src = xstrdup(c->regex);
		r->hs_src = xstrdup(c->regex);
		r->path_src = dup_or_null(c->path);
		r->keywords = xcalloc(c->nkeywords + 1, sizeof *r->keywords);
		for (size_t i = 0; i < c->nkeywords; i++)
			r->keywords[i] = xstrdup(c->keywords[i]);
		r->entropy = c->entropy;
		r->kind = KIND_REGEX;
		r->check = CHECK_NONE;
		group = c->secret_group;
		for (size_t i = 0; i < c->nallow; i++) {
			r->allow = xrealloc(r->allow, (r->nallow + 1) * sizeof *r->allow);
			const struct cfg_allow *a = &c->allow[i];
			if (compile_allow(&r->allow[r->nallow++], a->id, a->description, a->path,
					  a->regex, e))
				return -1;
		}
	}
	if (r->path_src && !(r->path = compile_pcre(r->path_src, "path", r->id, e)))
		return -1;
	if (r->regex_src) {
		if (!(r->re = compile_pcre(r->regex_src, "regex", r->id, e)))
			return -1;
		int n;
		if (group) {
			n = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)group);
			if (n <= 0) {
				err_set(e, "rule '%s': the regex has no group named '%s'", r->id, group);
				return -1;
			}
		} else {
			n = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR) "secret");
		}
		r->secret_group = n > 0 ? (uint32_t)n : 0;
		n = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR) "quote");
		if (n <= 0)
			n = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR) "user");
		r->aux_group = n > 0 ? n : -1;
	}
	(void)rs;
	return 0;
}

/* One Hyperscan database for all patterns. Patterns Hyperscan cannot take
 * exactly (back-references, look-arounds in user rules) are retried in
 * prefilter mode: Hyperscan then reports a superset of candidate lines and
 * PCRE2 still decides, so results stay exact. */
static int compile_hs(struct secret_rules *rs, struct err *e)
{
	size_t n = 0;
	size_t cap = rs->nrules * 2 + 1;
	const char **pats = xcalloc(cap, sizeof *pats);
	unsigned *flags = xcalloc(cap, sizeof *flags);
	unsigned *ids = xcalloc(cap, sizeof *ids);
	const char **owner = xcalloc(cap, sizeof *owner);
	rs->nrequire = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		if (!rs->rules[i].hs_src)
			continue;
		pats[n] = rs->rules[i].hs_src;
		flags[n] = HS_FLAG_MULTILINE;
		ids[n] = (unsigned)i;
		owner[n++] = rs->rules[i].id;
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		if (!rs->rules[i].require_src)
			continue;
		rs->rules[i].require_id = (int)rs->nrequire;
		pats[n] = rs->rules[i].require_src;
		flags[n] = HS_FLAG_MULTILINE | HS_FLAG_SINGLEMATCH;
		ids[n] = (unsigned)(rs->nrules + rs->nrequire++);
		owner[n++] = rs->rules[i].id;
	}
	int rc = 0;
	char *key = n ? secret_hs_cache_key(pats, flags, ids, n, HS_MODE_STREAM) : NULL;
	if (key && (rs->db = secret_hs_cache_load(key)) != NULL)
		n = 0; /* compiled by an earlier run */
	if (n) {
		for (;;) {
			hs_compile_error_t *ce = NULL;
			if (hs_compile_multi(pats, flags, ids, (unsigned)n, HS_MODE_STREAM, NULL, &rs->db,
					     &ce) == HS_SUCCESS) {
				if (key)
					secret_hs_cache_store(key, rs->db);
				break;
			}
			int x = ce->expression;
			if (x >= 0 && (size_t)x < n && !(flags[x] & HS_FLAG_PREFILTER)) {
				flags[x] |= HS_FLAG_PREFILTER;
				hs_free_compile_error(ce);
				continue;
			}
			if (x >= 0 && (size_t)x < n)
				err_set(e, "rule '%s': Hyperscan cannot compile '%s': %s", owner[x], pats[x],
					ce->message);
			else
				err_set(e, "Hyperscan: %s", ce->message);
			hs_free_compile_error(ce);
			rs->db = NULL;
			rc = -1;
			break;
		}
	}
	rs->hs_key = key;
	free(pats);
	free(flags);
	free(ids);
	free(owner);
	return rc;
}

static struct secret_rules *build(const struct secret_config *cfg, struct err *e)
{
	if (hs_valid_platform() != HS_SUCCESS) {
		err_set(e, "secret scanning needs a CPU with SSSE3 (Hyperscan)");
		return NULL;
	}
	/* Config ids that name nothing are errors: a misspelt disable or
	 * enable would otherwise scan differently than the user believes. */
	for (size_t i = 0; i < cfg->nenable_builtin; i++) {
		bool found = false;
		for (size_t j = 0; j < secret_builtin_nrules; j++)
			found |= !strcmp(secret_builtin_rules[j].id, cfg->enable_builtin[i]);
		if (!found) {
			err_set(e, "enable-builtin-rules: no built-in rule '%s'", cfg->enable_builtin[i]);
			return NULL;
		}
	}
	for (size_t i = 0; i < cfg->ndisable_rules; i++) {
		bool found = false;
		for (size_t j = 0; j < secret_builtin_nrules; j++)
			found |= !strcmp(secret_builtin_rules[j].id, cfg->disable_rules[i]);
		for (size_t j = 0; j < cfg->nrules; j++)
			found |= !strcmp(cfg->rules[j].id, cfg->disable_rules[i]);
		if (!found) {
			err_set(e, "disable-rules: no rule '%s'", cfg->disable_rules[i]);
			return NULL;
		}
	}
	for (size_t i = 0; i < cfg->ndisable_allow; i++) {
		bool found = false;
		for (size_t j = 0; j < secret_builtin_nallow; j++)
			found |= !strcmp(secret_builtin_allow[j].id, cfg->disable_allow[i]);
		if (!found) {
			err_set(e, "disable-allow-rules: no built-in allow rule '%s'", cfg->disable_allow[i]);
			return NULL;
		}
	}
	for (size_t i = 0; i < cfg->nrules; i++) {
		for (size_t j = 0; j < secret_builtin_nrules; j++)
			if (!strcmp(secret_builtin_rules[j].id, cfg->rules[i].id)) {
				err_set(e, "rule '%s': a built-in rule has this id", cfg->rules[i].id);
				return NULL;
			}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cfg->rules[j].id, cfg->rules[i].id)) {
				err_set(e, "rule '%s' is defined twice", cfg->rules[i].id);
				return NULL;
			}
	}

	struct secret_rules *rs = xcalloc(1, sizeof *rs);
	rs->max_file_bytes = cfg->max_file_bytes ? cfg->max_file_bytes : DEFAULT_MAX_FILE_BYTES;
	rs->mctx = pcre2_match_context_create(NULL);
	/* Lines are at most 64 KiB and every built-in repeat is bounded, so
	 * these limits only stop a pathological user regex from stalling a
	 * scan on a hostile line. */
	pcre2_set_match_limit(rs->mctx, 1000000);
	pcre2_set_depth_limit(rs->mctx, 100000);
	rs->rules = xcalloc(secret_builtin_nrules + cfg->nrules + 1, sizeof *rs->rules);
	for (size_t i = 0; i < secret_builtin_nrules; i++) {
		const struct rule_spec *s = &secret_builtin_rules[i];
		if (cfg->has_enable_builtin && !in_list(cfg->enable_builtin, cfg->nenable_builtin, s->id))
			continue;
		if (in_list(cfg->disable_rules, cfg->ndisable_rules, s->id))
			continue;
		struct rule_src src = {.spec = s};
		if (compile_rule(rs, &rs->rules[rs->nrules++], &src, e))
			goto fail;
	}
	for (size_t i = 0; i < cfg->nrules; i++) {
		if (in_list(cfg->disable_rules, cfg->ndisable_rules, cfg->rules[i].id))
			continue;
		struct rule_src src = {.cfg = &cfg->rules[i]};
		if (compile_rule(rs, &rs->rules[rs->nrules++], &src, e))
			goto fail;
	}
	rs->allow = xcalloc(secret_builtin_nallow + cfg->nallow + 1, sizeof *rs->allow);
	for (size_t i = 0; i < secret_builtin_nallow; i++) {
		const struct allow_spec *a = &secret_builtin_allow[i];
		if (in_list(cfg->disable_allow, cfg->ndisable_allow, a->id))
			continue;
		if (!a->rules[0]) {
			if (compile_allow(&rs->allow[rs->nallow++], a->id, a->description, a->path,
					  a->regex, e))
				goto fail;
			continue;
		}
		/* Restricted to some rules: it becomes theirs (if enabled). */
		for (size_t k = 0; k < ARRAY_LEN(a->rules) && a->rules[k]; k++)
			for (size_t j = 0; j < rs->nrules; j++) {
				struct rule *r = &rs->rules[j];
				if (strcmp(r->id, a->rules[k]) != 0)
					continue;
				r->allow = xrealloc(r->allow, (r->nallow + 1) * sizeof *r->allow);
				if (compile_allow(&r->allow[r->nallow++], a->id, a->description, a->path,
						  a->regex, e))
					goto fail;
			}
	}
	for (size_t i = 0; i < cfg->nallow; i++) {
		const struct cfg_allow *a = &cfg->allow[i];
		if (compile_allow(&rs->allow[rs->nallow++], a->id, a->description, a->path, a->regex, e))
			goto fail;
	}
	if (compile_hs(rs, e))
		goto fail;
	return rs;
fail:
	secret_rules_free(rs);
	return NULL;
}

struct secret_rules *secret_rules_load_yaml(const char *name, const char *yaml, size_t len,
					    struct err *e)
{
	struct secret_config cfg;
	if (secret_config_parse(yaml, len, &cfg, e)) {
		err_prefix(e, "%s", name);
		return NULL;
	}
	struct secret_rules *r = build(&cfg, e);
	if (!r)
		err_prefix(e, "%s", name);
	secret_config_free(&cfg);
	return r;
}

struct secret_rules *secret_rules_load(const char *config_path, struct err *e)
{
	if (!config_path) {
		struct secret_config none = {0};
		return build(&none, e);
	}
	struct buf b = {0};
	if (read_file_capped(config_path, 1 << 20, &b, e)) {
		buf_free(&b);
		return NULL;
	}
	struct secret_rules *r = secret_rules_load_yaml(config_path, (const char *)b.data, b.len, e);
	buf_free(&b);
	return r;
}

void secret_rules_set_max_file_bytes(struct secret_rules *r, uint64_t max)
{
	/* Line numbers are ints: 1 GiB of newlines still fits. */
	r->max_file_bytes = max < (1ULL << 30) ? max : (1ULL << 30);
}

uint64_t secret_rules_max_file_bytes(const struct secret_rules *r)
{
	return r->max_file_bytes;
}

size_t secret_rules_count(const struct secret_rules *r)
{
	return r->nrules;
}

void secret_rules_info(const struct secret_rules *r, size_t i, struct secret_rule_info *out)
{
	const struct rule *x = &r->rules[i];
	out->id = x->id;
	out->category = x->category;
	out->title = x->title;
	out->severity = x->severity;
	out->regex = x->regex_src;
	out->prefilter = x->hs_src;
	out->path = x->path_src;
	out->keywords = (const char *const *)x->keywords;
	out->entropy = x->entropy;
	out->builtin = x->builtin;
}
