/* Evaluation of a policy (gate.h): one pass/fail result with a human reason
 * per rule. A rule whose input was not produced (a scanner that did not run,
 * a root filesystem that has no image config, a signature that could not be
 * checked) fails: a gate that cannot look does not let an image through. */
#include "policy/gate.h"

#include "bench/logic.h"
#include "registry/registry.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void add_result(struct policy_outcome *o, const struct policy_rule *r, bool passed, char *message)
{
	o->results = xrealloc(o->results, (o->nresults + 1) * sizeof *o->results);
	o->results[o->nresults++] = (struct policy_result){r->name, r->line, passed, message};
	if (!passed)
		o->passed = false;
}

/* "HIGH " for a per-severity limit, "" for the total. */
static const char *sev_word(const struct policy_rule *r, char buf[16])
{
	if (r->severity == POLICY_ANY_SEVERITY)
		return "";
	snprintf(buf, 16, "%s ", severity_name((enum severity)r->severity));
	return buf;
}

/* Counts against a limit: "3 HIGH vulnerabilities, at most 0 allowed". */
static void check_count(struct policy_outcome *o, const struct policy_rule *r, uint64_t n, const char *qualifier,
			const char *one, const char *many, const char *note)
{
	char sev[16];
	char *msg = xasprintf("%" PRIu64 " %s%s%s, at most %" PRIu64 " allowed%s", n, qualifier, sev_word(r, sev),
			      plural(n, one, many), r->limit, note);
	add_result(o, r, n <= r->limit, msg);
}

static bool in_scope(const struct policy_rule *r, int severity)
{
	return r->severity == POLICY_ANY_SEVERITY || r->severity == severity;
}

static void vuln_max(const struct policy *p, const struct policy_rule *r, const struct policy_input *in,
		     struct policy_outcome *o)
{
	uint64_t n = 0;
	for (size_t i = 0; i < in->vulns->len; i++) {
		const struct vuln_finding *v = &in->vulns->v[i];
		if (in_scope(r, (int)v->severity) && (!p->vuln_ignore_unfixed || (v->fixed_version && *v->fixed_version)))
			n++;
	}
	/* --severity filtered the findings first: say so when it hid this severity. */
	char *note = r->severity != POLICY_ANY_SEVERITY && in->vuln_severities &&
			     !(in->vuln_severities & (1u << r->severity))
		? xasprintf(" (--severity leaves %s out)", severity_name((enum severity)r->severity))
		: xstrdup("");
	check_count(o, r, n, p->vuln_ignore_unfixed ? "fixable " : "", "vulnerability", "vulnerabilities", note);
	free(note);
}

/* "CVE-1 (libssl1.1), CVE-2 (…)": the denied ids found, each once. */
static void vuln_deny(const struct policy *p, const struct policy_rule *r, const struct policy_input *in,
		      struct policy_outcome *o)
{
	struct buf found = {0};
	size_t nfound = 0;
	for (size_t k = 0; k < r->nlist; k++) {
		for (size_t i = 0; i < in->vulns->len; i++) {
			const struct vuln_finding *v = &in->vulns->v[i];
			if (strcasecmp(v->vuln_id, r->list[k]) != 0 ||
			    (p->vuln_ignore_unfixed && !(v->fixed_version && *v->fixed_version)))
				continue;
			buf_appendf(&found, "%s%s", nfound++ ? ", " : "", v->vuln_id);
			break;
		}
	}
	char *msg = nfound ? xasprintf("denied %s present: %s", plural(nfound, "vulnerability", "vulnerabilities"),
				       (char *)found.data)
			   : xasprintf("none of the %zu denied %s present", r->nlist,
				       plural(r->nlist, "vulnerability is", "vulnerabilities are"));
	buf_free(&found);
	add_result(o, r, nfound == 0, msg);
}

static void secret_max(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	uint64_t n = 0;
	for (size_t i = 0; i < in->nsecrets; i++) {
		int s = severity_parse(in->secrets[i].f->severity);
		if (in_scope(r, s < 0 ? SEV_UNKNOWN : s))
			n++;
	}
	check_count(o, r, n, "", "secret", "secrets", "");
}

static void misconf_max(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	uint64_t n = 0;
	for (size_t i = 0; i < in->misconf->n; i++)
		/* MISCONF_LOW..CRITICAL have the values of SEV_LOW..CRITICAL. */
		if (in_scope(r, (int)in->misconf->v[i].severity))
			n++;
	check_count(o, r, n, "", "misconfiguration", "misconfigurations", "");
}

static void misconf_deny(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	struct buf found = {0};
	size_t nfound = 0;
	for (size_t i = 0; i < in->misconf->n; i++) {
		const struct misconf_finding *f = &in->misconf->v[i];
		for (size_t k = 0; k < r->nlist; k++) {
			if (strcasecmp(f->id, r->list[k]) != 0 && !misconf_rule_maps(f->rule, r->list[k]))
				continue;
			buf_appendf(&found, "%s%s", nfound++ ? ", " : "", f->id);
			break;
		}
	}
	char *msg = nfound ? xasprintf("denied %s present: %s", plural(nfound, "misconfiguration", "misconfigurations"),
				       (char *)found.data)
			   : xasprintf("none of the %zu denied %s present", r->nlist,
				       plural(r->nlist, "misconfiguration is", "misconfigurations are"));
	buf_free(&found);
	add_result(o, r, nfound == 0, msg);
}

/* The names an image goes by: the reference it was read by, else the
 * archive's RepoTags and RepoDigests. */
static size_t image_names(const struct policy_input *in, const char ***out)
{
	size_t n = 0;
	const char **v = xcalloc(1 + in->img->nrepo_tags + in->img->nrepo_digests, sizeof *v);
	if (in->reference) {
		v[n++] = in->reference;
	} else {
		for (size_t i = 0; i < in->img->nrepo_tags; i++)
			v[n++] = in->img->repo_tags[i];
		for (size_t i = 0; i < in->img->nrepo_digests; i++)
			v[n++] = in->img->repo_digests[i];
	}
	*out = v;
	return n;
}

/* A pattern without '/' names a registry host; otherwise it is matched
 * against HOST/REPOSITORY ('*' also crosses '/'). */
static const char *allowing_pattern(const struct policy_rule *r, const struct registry_ref *ref)
{
	char *full = xasprintf("%s/%s", ref->host, ref->repository);
	const char *hit = NULL;
	for (size_t k = 0; k < r->nlist && !hit; k++)
		if (fnmatch(r->list[k], strchr(r->list[k], '/') ? full : ref->host, 0) == 0)
			hit = r->list[k];
	free(full);
	return hit;
}

static void allowed_registries(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	const char **names;
	size_t n = image_names(in, &names);
	char *bad = NULL;
	struct buf ok = {0};
	for (size_t i = 0; i < n && !bad; i++) {
		struct registry_ref ref;
		struct err e = {{0}};
		if (registry_ref_parse(names[i], &ref, &e) != 0) {
			bad = xasprintf("%s is not an image reference (%s)", names[i], e.msg);
			break;
		}
		const char *hit = allowing_pattern(r, &ref);
		if (hit)
			buf_appendf(&ok, "%s%s/%s (%s)", ok.len ? ", " : "", ref.host, ref.repository, hit);
		else
			bad = xasprintf("%s/%s is not from an allowed registry", ref.host, ref.repository);
		registry_ref_free(&ref);
	}
	free(names);
	if (bad)
		add_result(o, r, false, bad);
	else if (n == 0)
		add_result(o, r, false, xstrdup("the image names no registry (an archive without RepoTags)"));
	else
		add_result(o, r, true, xasprintf("allowed: %s", (char *)ok.data));
	buf_free(&ok);
}

static void deny_tags(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	const char **names;
	size_t n = image_names(in, &names);
	char *bad = NULL;
	for (size_t i = 0; i < n && !bad; i++) {
		struct registry_ref ref;
		struct err e = {{0}};
		if (registry_ref_parse(names[i], &ref, &e) != 0)
			continue; /* allowed-registries reports names it cannot read */
		/* A name without tag or digest means :latest, as docker reads it. */
		for (size_t k = 0; k < r->nlist && ref.tag && !bad; k++)
			if (!strcmp(ref.tag, r->list[k]))
				bad = xasprintf("tag '%s' is denied (%s)", ref.tag, names[i]);
		registry_ref_free(&ref);
	}
	free(names);
	add_result(o, r, !bad, bad ? bad : xstrdup("no denied tag"));
}

/* "5.8 MB": decimal, as docker images prints sizes. */
static char *human_size(uint64_t n)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)n;
	size_t u = 0;
	while (v >= 1000 && u + 1 < ARRAY_LEN(units)) {
		v /= 1000;
		u++;
	}
	return u ? xasprintf("%.1f %s", v, units[u]) : xasprintf("%" PRIu64 " B", n);
}

static void max_size(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	char *have = human_size(in->size_bytes), *limit = human_size(r->limit);
	add_result(o, r, in->size_bytes <= r->limit,
		   xasprintf("image is %s (%" PRIu64 " bytes uncompressed), at most %s (%" PRIu64 " bytes) allowed",
			     have, in->size_bytes, limit, r->limit));
	free(have);
	free(limit);
}

static json_t *runtime_config(const struct image *img)
{
	return json_object_get(img->config, "config");
}

static void forbid_root(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	const char *user = json_string_value(json_object_get(runtime_config(in->img), "User"));
	if (!user || !*user)
		add_result(o, r, false, xstrdup("user is root (the config sets no User)"));
	else if (bench_user_is_root(user))
		add_result(o, r, false, xasprintf("user is root (User \"%s\")", user));
	else
		add_result(o, r, true, xasprintf("user is \"%s\"", user));
}

static void required_labels(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	json_t *labels = json_object_get(runtime_config(in->img), "Labels");
	struct buf missing = {0};
	size_t nmissing = 0;
	for (size_t k = 0; k < r->nlist; k++) {
		const char *v = json_string_value(json_object_get(labels, r->list[k]));
		if (!v || !*v)
			buf_appendf(&missing, "%s%s", nmissing++ ? ", " : "", r->list[k]);
	}
	add_result(o, r, nmissing == 0,
		   nmissing ? xasprintf("missing %s: %s", plural(nmissing, "label", "labels"), (char *)missing.data)
			    : xasprintf("all %zu required %s set", r->nlist, plural(r->nlist, "label is", "labels are")));
	buf_free(&missing);
}

/* RFC 3339 as image configs write it: 2019-08-20T20:19:55.211423266Z, or
 * with a +hh:mm / -hh:mm offset. Returns 0 or -1. */
static int parse_created(const char *s, time_t *out)
{
	struct tm tm = {0};
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!p)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	long offset = 0;
	if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int h = 0, m = 0;
		if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
			return -1;
		offset = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	} else if (strcmp(p, "Z") != 0) {
		return -1;
	}
	*out = timegm(&tm) - offset;
	return 0;
}

static char *duration_text(uint64_t secs)
{
	if (secs % (7 * 86400) == 0)
		return xasprintf("%" PRIu64 " %s", secs / (7 * 86400), plural(secs / (7 * 86400), "week", "weeks"));
	if (secs % 86400 == 0)
		return xasprintf("%" PRIu64 " %s", secs / 86400, plural(secs / 86400, "day", "days"));
	return xasprintf("%" PRIu64 " %s", secs / 3600, plural(secs / 3600, "hour", "hours"));
}

static void max_age(const struct policy_rule *r, const struct policy_input *in, struct policy_outcome *o)
{
	const char *created = json_string_value(json_object_get(in->img->config, "created"));
	time_t t;
	if (parse_created(created, &t) != 0) {
		add_result(o, r, false,
			   created ? xasprintf("the config's created time '%s' is not RFC 3339", created)
				   : xstrdup("the config has no created time"));
		return;
	}
	uint64_t age = in->now > t ? (uint64_t)(in->now - t) : 0;
	char *limit = duration_text(r->limit);
	add_result(o, r, age <= r->limit,
		   xasprintf("created %s, %" PRIu64 " %s ago; at most %s allowed", created, age / 86400,
			     plural(age / 86400, "day", "days"), limit));
	free(limit);
}

static void signature(const struct policy *p, const struct policy_rule *r, const struct policy_input *in,
		      struct policy_outcome *o)
{
	const struct policy_signature *s = &in->signature;
	if (s->checked && s->verified > 0)
		add_result(o, r, true,
			   xasprintf("%d cosign %s verified with %s", s->verified,
				     plural((uint64_t)s->verified, "signature", "signatures"), p->signature_key));
	else
		add_result(o, r, false,
			   xasprintf("%s: %s", s->checked ? "not verified" : "not checked",
				     s->reason ? s->reason : "no signature verified"));
}

static bool is_image_rule(enum policy_rule_kind k)
{
	return k >= POLICY_ALLOWED_REGISTRIES && k <= POLICY_MAX_AGE;
}

void policy_evaluate(const struct policy *p, const struct policy_input *in, struct policy_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->file = p->file;
	out->passed = true;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];
		if (is_image_rule(r->kind) && (in->is_rootfs || !in->img || !in->img->config)) {
			add_result(out, r, false, xstrdup("cannot be checked: a root filesystem has no image config"));
			continue;
		}
		switch (r->kind) {
		case POLICY_VULN_MAX:
		case POLICY_VULN_DENY:
			if (!in->vulns)
				add_result(out, r, false,
					   xstrdup("vulnerabilities were not looked for (no database, or --scanners)"));
			else if (r->kind == POLICY_VULN_MAX)
				vuln_max(p, r, in, out);
			else
				vuln_deny(p, r, in, out);
			break;
		case POLICY_SECRET_MAX:
			if (!in->secrets_scanned)
				add_result(out, r, false, xstrdup("secrets were not looked for (--scanners)"));
			else
				secret_max(r, in, out);
			break;
		case POLICY_MISCONF_MAX:
		case POLICY_MISCONF_DENY:
			if (!in->misconf)
				add_result(out, r, false,
					   xstrdup("misconfigurations were not looked for (add misconfig to --scanners)"));
			else if (r->kind == POLICY_MISCONF_MAX)
				misconf_max(r, in, out);
			else
				misconf_deny(r, in, out);
			break;
		case POLICY_ALLOWED_REGISTRIES:
			allowed_registries(r, in, out);
			break;
		case POLICY_DENY_TAGS:
			deny_tags(r, in, out);
			break;
		case POLICY_MAX_SIZE:
			max_size(r, in, out);
			break;
		case POLICY_MAX_LAYERS:
			add_result(out, r, in->img->nlayers <= r->limit,
				   xasprintf("%zu %s, at most %" PRIu64 " allowed", in->img->nlayers,
					     plural(in->img->nlayers, "layer", "layers"), r->limit));
			break;
		case POLICY_FORBID_ROOT:
			forbid_root(r, in, out);
			break;
		case POLICY_REQUIRED_LABELS:
			required_labels(r, in, out);
			break;
		case POLICY_MAX_AGE:
			max_age(r, in, out);
			break;
		case POLICY_SIGNATURE:
			signature(p, r, in, out);
			break;
		}
	}
}

void policy_outcome_free(struct policy_outcome *o)
{
	for (size_t i = 0; i < o->nresults; i++)
		free(o->results[i].message);
	free(o->results);
	memset(o, 0, sizeof *o);
}
