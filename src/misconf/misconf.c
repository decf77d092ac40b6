/* misconf: the finding list shared by the Dockerfile rules and the image
 * checks, severities, and rule lookup across both tables. */
#include "misconf/misconf.h"

#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *join_references(const struct misconf_rule *r)
{
	struct buf b = {0};
	const char *lists[] = {r->hadolint, r->dockle, r->trivy};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		if (!lists[i] || !*lists[i])
			continue;
		buf_appendf(&b, "%s%s", b.len ? ", " : "", lists[i]);
	}
	return b.len ? buf_steal(&b) : NULL;
}

void misconf_add(struct misconf_findings *f, const struct misconf_rule *r, const char *file, int start_line,
		 int end_line, int layer, const char *fmt, ...)
{
	xgrow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v);
	struct misconf_finding *x = &f->v[f->n++];
	memset(x, 0, sizeof *x);
	x->rule = r;
	x->id = r->id;
	x->title = r->title;
	x->hint = r->hint;
	x->severity = r->severity;
	va_list ap;
	va_start(ap, fmt);
	char small[512];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof small) {
		x->message = xstrdup(small);
	} else {
		/* Long messages (lists of files) do not fit the stack buffer. */
		size_t need = n > 0 ? (size_t)n + 1 : 1;
		char *m = xmalloc(need);
		va_start(ap, fmt);
		vsnprintf(m, need, fmt, ap);
		va_end(ap);
		x->message = m;
	}
	x->file = file ? xstrdup(file) : NULL;
	x->start_line = start_line;
	x->end_line = end_line < start_line ? start_line : end_line;
	x->layer = layer;
	x->references = join_references(r);
}

static void finding_clear(struct misconf_finding *x)
{
	free(x->message);
	free(x->file);
	free(x->references);
}

void misconf_findings_free(struct misconf_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		finding_clear(&f->v[i]);
	free(f->v);
	memset(f, 0, sizeof *f);
}

void misconf_findings_remove(struct misconf_findings *f, size_t i)
{
	if (i >= f->n)
		return;
	finding_clear(&f->v[i]);
	memmove(&f->v[i], &f->v[i + 1], (f->n - i - 1) * sizeof *f->v);
	f->n--;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct misconf_finding *a = pa, *b = pb;
	int c = cmp_str(a->file, b->file);
	if (c)
		return c;
	if (a->start_line != b->start_line)
		return a->start_line < b->start_line ? -1 : 1;
	if ((c = strcmp(a->id, b->id)))
		return c;
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return cmp_str(a->message, b->message);
}

void misconf_findings_sort(struct misconf_findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof *f->v, cmp_finding);
}

static const char *const severity_names[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

const char *misconf_severity_name(enum misconf_severity s)
{
	return (size_t)s < ARRAY_LEN(severity_names) ? severity_names[s] : "UNKNOWN";
}

enum misconf_severity misconf_severity_parse(const char *s)
{
	for (size_t i = 1; i < ARRAY_LEN(severity_names); i++)
		if (!strcasecmp(s, severity_names[i]))
			return (enum misconf_severity)i;
	return 0;
}

const struct misconf_rule *misconf_rule_find(const char *id)
{
	size_t n;
	const struct misconf_rule *t = misconf_dockerfile_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(t[i].id, id))
			return &t[i];
	t = misconf_image_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(t[i].id, id))
			return &t[i];
	return NULL;
}

/* True when the comma/space separated list holds id as a whole item. */
static bool list_has(const char *list, const char *id)
{
	if (!list)
		return false;
	size_t idn = strlen(id);
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t k = strcspn(p, ", ");
		if (k == idn && k && !strncasecmp(p, id, k))
			return true;
		p += k;
	}
	return false;
}

bool misconf_rule_maps(const struct misconf_rule *r, const char *foreign)
{
	return list_has(r->hadolint, foreign) || list_has(r->dockle, foreign) || list_has(r->trivy, foreign);
}
