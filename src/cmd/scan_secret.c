/* Relating the secrets found while walking layers to the merged view: a
 * secret in a file that a later layer deleted or replaced is still in the
 * image (anyone can extract that layer), so it is reported with the layer
 * that hides it rather than dropped. */
#include "cmd/scan.h"

#include "policy/filter.h"
#include "secret/image_config.h"

#include <stdlib.h>
#include <string.h>

static void add_hit(struct scan_result *res, size_t *cap, const struct secret_finding *f, int layer)
{
	void *v = res->secrets;
	xgrow(&v, cap, res->nsecrets + 1, sizeof *res->secrets);
	res->secrets = v;
	struct secret_hit *h = &res->secrets[res->nsecrets++];
	h->f = f;
	h->layer = layer;
	h->removed_in = -1;
	h->deleted = false;
	if (layer < 0)
		return;
	/* The event after this layer's version of the file, if any, hides it. */
	const struct file_history *hist = view_history(&res->view, f->path);
	for (uint32_t i = 0; hist && i < hist->n; i++) {
		if (hist->ev[i].layer != (uint32_t)layer || hist->ev[i].kind == FILE_DELETED)
			continue;
		if (i + 1 < hist->n) {
			h->removed_in = (int)hist->ev[i + 1].layer;
			h->deleted = hist->ev[i + 1].kind == FILE_DELETED;
		}
		break;
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct secret_hit *x = a, *y = b;
	int c = strcmp(x->f->path, y->f->path);
	if (c)
		return c;
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return x->f->start_line - y->f->start_line;
}

void scan_collect_secrets(const struct scan_opts *o, struct scan_result *res)
{
	if (res->img.config) {
		struct secret_scan *ss = secret_scan_new(res->secret_rules);
		secret_scan_image_config(ss, res->img.config, &res->config_secrets);
		secret_scan_free(ss);
	}
	size_t cap = 0;
	for (size_t i = 0; i < res->config_secrets.len; i++)
		add_hit(res, &cap, &res->config_secrets.v[i], -1);
	for (size_t l = 0; l < res->nlayers; l++) {
		const struct layer_result *r = res->layers[l];
		bool dup = false; /* an image may list one layer twice; report it once */
		for (size_t k = 0; k < l && !dup; k++)
			dup = res->layers[k] == r;
		if (dup)
			continue;
		for (size_t i = 0; i < r->secrets.len; i++)
			add_hit(res, &cap, &r->secrets.v[i], (int)l);
	}
	if (o->severities) {
		size_t kept = 0;
		for (size_t i = 0; i < res->nsecrets; i++) {
			int sev = severity_parse(res->secrets[i].f->severity);
			if (sev >= 0 && (o->severities & (1u << sev)))
				res->secrets[kept++] = res->secrets[i];
		}
		res->nsecrets = kept;
	}
	if (res->nsecrets)
		qsort(res->secrets, res->nsecrets, sizeof *res->secrets, cmp_hit);
}
