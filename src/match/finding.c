#include "match/finding.h"

#include "inventory/inventory.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *severity_name(enum severity s)
{
	static const char *const names[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	return (unsigned)s < ARRAY_LEN(names) ? names[s] : names[0];
}

int severity_parse(const char *s)
{
	static const struct {
		const char *word;
		enum severity sev;
	} words[] = {
		{"unknown", SEV_UNKNOWN}, {"negligible", SEV_LOW}, {"unimportant", SEV_LOW},
		{"low", SEV_LOW},	  {"medium", SEV_MEDIUM},  {"moderate", SEV_MEDIUM},
		{"important", SEV_HIGH},  {"high", SEV_HIGH},	   {"critical", SEV_CRITICAL},
	};
	if (!s)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (!strcasecmp(s, words[i].word))
			return (int)words[i].sev;
	return -1;
}

struct vuln_finding *findings_add(struct findings *f)
{
	xgrow((void **)&f->v, &f->cap, f->len + 1, sizeof *f->v);
	struct vuln_finding *v = &f->v[f->len++];
	memset(v, 0, sizeof *v);
	return v;
}

void findings_add_notice(struct findings *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort(); /* out of memory, as xasprintf treats it */
	f->notices = xrealloc(f->notices, (f->nnotices + 1) * sizeof *f->notices);
	f->notices[f->nnotices++] = msg;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vuln_finding_clear(struct vuln_finding *v)
{
	free(v->vuln_id);
	free(v->installed_version);
	free(v->fixed_version);
	free(v->status);
	free(v->severity_source);
	free(v->title);
	free(v->description);
	free(v->primary_url);
	free_strv(v->references, v->nreferences);
	free_strv(v->cwe_ids, v->ncwe_ids);
	for (size_t i = 0; i < v->ncvss; i++) {
		free(v->cvss[i].source);
		free(v->cvss[i].v3_vector);
		free(v->cvss[i].v2_vector);
	}
	free(v->cvss);
	free(v->data_source);
	free(v->published);
	free(v->last_modified);
	memset(v, 0, sizeof *v);
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->len; i++)
		vuln_finding_clear(&f->v[i]);
	free(f->v);
	free_strv(f->notices, f->nnotices);
	memset(f, 0, sizeof *f);
}

static int str_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_findings(const void *pa, const void *pb, void *ctx)
{
	const struct inventory *inv = ctx;
	const struct vuln_finding *a = pa, *b = pb;
	const struct pkg *x = a->pkg < inv->npkgs ? &inv->pkgs[a->pkg].pkg : NULL;
	const struct pkg *y = b->pkg < inv->npkgs ? &inv->pkgs[b->pkg].pkg : NULL;
	int c = str_cmp(x ? x->name : NULL, y ? y->name : NULL);
	if (c)
		return c;
	/* The same name twice (two versions, two arches): keep inventory order. */
	if (a->pkg != b->pkg)
		return a->pkg < b->pkg ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	return str_cmp(a->vuln_id, b->vuln_id);
}

void findings_sort(struct findings *f, const struct inventory *inv)
{
	if (f->len > 1)
		qsort_r(f->v, f->len, sizeof *f->v, cmp_findings, (void *)inv);
}
