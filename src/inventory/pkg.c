#include "inventory/pkg.h"

#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void pkg_clear(struct pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->src_name);
	free(p->src_version);
	free(p->sourcerpm);
	free(p->license);
	free(p->maintainer);
	free(p->vendor);
	free(p->modularity_label);
	free(p->checksum);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	memset(p, 0, sizeof *p);
	p->epoch = -1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void pkg_copy(struct pkg *d, const struct pkg *s)
{
	d->type = s->type;
	d->name = dup_or_null(s->name);
	d->version = dup_or_null(s->version);
	d->epoch = s->epoch;
	d->arch = dup_or_null(s->arch);
	d->src_name = dup_or_null(s->src_name);
	d->src_version = dup_or_null(s->src_version);
	d->sourcerpm = dup_or_null(s->sourcerpm);
	d->license = dup_or_null(s->license);
	d->maintainer = dup_or_null(s->maintainer);
	d->vendor = dup_or_null(s->vendor);
	d->modularity_label = dup_or_null(s->modularity_label);
	d->checksum = dup_or_null(s->checksum);
	d->nfiles = s->nfiles;
	d->files = s->nfiles ? xcalloc(s->nfiles, sizeof *d->files) : NULL;
	for (size_t i = 0; i < s->nfiles; i++)
		d->files[i] = xstrdup(s->files[i]);
}

struct pkg *pkg_list_add(struct pkg_list *l)
{
	void *v = l->v;
	xgrow(&v, &l->cap, l->len + 1, sizeof *l->v);
	l->v = v;
	struct pkg *p = &l->v[l->len++];
	memset(p, 0, sizeof *p);
	p->epoch = -1;
	return p;
}

void pkg_list_free(struct pkg_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		pkg_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

const char *pkg_type_name(enum pkg_type t)
{
	switch (t) {
	case PKG_APK:
		return "apk";
	case PKG_DPKG:
		return "dpkg";
	case PKG_RPM:
		return "rpm";
	case PKG_NPM:
		return "npm";
	case PKG_PYPI:
		return "pypi";
	}
	return "unknown";
}

void os_info_clear(struct os_info *os)
{
	free(os->family);
	free(os->name);
	free(os->pretty);
	memset(os, 0, sizeof *os);
}
