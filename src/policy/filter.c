#include "policy/filter.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int severity_mask_parse(const char *list, unsigned *mask, struct err *e)
{
	*mask = 0;
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		static const char *const names[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
		bool found = false;
		for (unsigned i = 0; i < ARRAY_LEN(names); i++) {
			if (!strcasecmp(w, names[i])) {
				*mask |= 1u << i;
				found = true;
			}
		}
		if (!found) {
			err_set(e, "unknown severity '%s' (use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)", w);
			free(copy);
			return -1;
		}
	}
	free(copy);
	if (!*mask) {
		err_set(e, "empty severity list");
		return -1;
	}
	return 0;
}

static int parse_date(const char *s, time_t *out)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		return -1;
	/* An entry with exp:2025-01-31 still applies on that whole day (UTC). */
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	*out = timegm(&tm);
	return 0;
}

int ignore_list_load(const char *path, struct ignore_list *out, struct err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		err_set(e, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *save = NULL;
		char *id = strtok_r(line, " \t\r\n", &save);
		if (!id)
			continue;
		struct ignore_entry ent = {.id = NULL, .expires = 0};
		for (char *w = strtok_r(NULL, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
			if (!strncmp(w, "exp:", 4) && parse_date(w + 4, &ent.expires) == 0)
				continue;
			err_set(e, "%s:%d: unexpected '%s' (want: ID [exp:YYYY-MM-DD])", path, lineno, w);
			rc = -1;
			goto out;
		}
		ent.id = xstrdup(id);
		out->v = xrealloc(out->v, (out->len + 1) * sizeof *out->v);
		out->v[out->len++] = ent;
	}
out:
	free(line);
	fclose(f);
	return rc;
}

void ignore_list_free(struct ignore_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->v[i].id);
	free(l->v);
	l->v = NULL;
	l->len = 0;
}

static bool ignored(const struct ignore_list *l, const char *id, time_t now)
{
	for (size_t i = 0; i < l->len; i++)
		if (!strcmp(l->v[i].id, id) && (!l->v[i].expires || now <= l->v[i].expires))
			return true;
	return false;
}

size_t findings_filter(struct findings *f, const struct vuln_filter *flt, time_t now)
{
	size_t kept = 0, removed = 0;
	for (size_t i = 0; i < f->len; i++) {
		struct vuln_finding *v = &f->v[i];
		bool drop = !(flt->severities & (1u << v->severity)) ||
			    (flt->ignore_unfixed && (!v->fixed_version || !*v->fixed_version)) ||
			    ignored(&flt->ignores, v->vuln_id, now);
		if (drop) {
			vuln_finding_clear(v);
			removed++;
			continue;
		}
		if (kept != i)
			f->v[kept] = *v;
		kept++;
	}
	f->len = kept;
	return removed;
}
