/* Building the inventory from per-layer analyses and the merged view.
 *
 * A package database file can be rewritten by many layers. For each database
 * path we replay its history in layer order: each version of the file yields a
 * package set, a deletion empties it. A package keeps the layer where its
 * current name+version+arch first appeared, as long as every later version of
 * the file still contains it — that is the layer that introduced what is
 * installed now.
 *
 * A language package (npm package.json, Python METADATA) is its own file:
 * it belongs to the layer that wrote the version of the file in the final
 * view (a later layer's copy, even an identical one, is what is installed, as
 * Trivy attributes it), and is gone when a later layer deletes the file. */
#include "inventory/build.h"

#include "util/strmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void inventory_free(struct inventory *inv)
{
	os_info_clear(&inv->os);
	for (size_t i = 0; i < inv->npkgs; i++) {
		pkg_clear(&inv->pkgs[i].pkg);
		free(inv->pkgs[i].db_path);
	}
	free(inv->pkgs);
	for (size_t i = 0; i < inv->nnotices; i++)
		free(inv->notices[i]);
	free(inv->notices);
	memset(inv, 0, sizeof *inv);
}

void inventory_add_notice(struct inventory *inv, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	inv->notices = xrealloc(inv->notices, (inv->nnotices + 1) * sizeof *inv->notices);
	inv->notices[inv->nnotices++] = utf8_sanitize(msg);
}

/* "analyzer\npath": the key of one analysed file in a layer's index. */
static char *analysis_key(const struct analyzer *an, const char *path)
{
	return xasprintf("%s\n%s", an->name, path);
}

/* Per layer: analysis key -> its layer_analysis. An image of node apps has
 * tens of thousands of package.json files; looking each one up by a scan of
 * the layer's analyses would be quadratic. A path stored twice in one layer
 * is analysed twice; the last copy wins, as on extraction. */
static void index_layer(const struct layer_result *r, struct strmap *idx)
{
	for (size_t i = 0; i < r->nanalyses; i++) {
		char *key = analysis_key(r->analyses[i].analyzer, r->analyses[i].path);
		*strmap_put(idx, key) = (void *)&r->analyses[i];
		free(key);
	}
}

/* The analysis of (analyzer, path) in one layer, or NULL. */
static const struct layer_analysis *find_analysis(const struct strmap *idx, const struct analyzer *an,
						  const char *path)
{
	char *key = analysis_key(an, path);
	const struct layer_analysis *la = strmap_get(idx, key);
	free(key);
	return la;
}

static char *pkg_key(const struct pkg *p)
{
	return xasprintf("%s\n%d\n%s\n%s", p->name ? p->name : "", p->epoch, p->version ? p->version : "",
			 p->arch ? p->arch : "");
}

struct tracked {
	const struct layer_analysis *current; /* live version of the file, or NULL */
	size_t *intro;                        /* per package of current: introducing layer */
	size_t current_layer;
};

/* Replays one database path's history; on return t describes the final state. */
static void replay(const struct strmap *index, const struct file_history *h, const struct analyzer *an,
		   const char *path, struct tracked *t)
{
	for (uint32_t i = 0; i < h->n; i++) {
		const struct file_event *ev = &h->ev[i];
		const struct layer_analysis *la = NULL;
		if (ev->kind != FILE_DELETED && ev->type == ENTRY_FILE)
			la = find_analysis(&index[ev->layer], an, path);
		size_t *intro = NULL;
		if (la && !la->error && la->result.pkgs.len) {
			intro = xcalloc(la->result.pkgs.len, sizeof *intro);
			struct strmap prev = {0};
			if (t->current && !t->current->error) {
				for (size_t k = 0; k < t->current->result.pkgs.len; k++) {
					char *key = pkg_key(&t->current->result.pkgs.v[k]);
					*strmap_put(&prev, key) = &t->intro[k];
					free(key);
				}
			}
			for (size_t k = 0; k < la->result.pkgs.len; k++) {
				char *key = pkg_key(&la->result.pkgs.v[k]);
				size_t *was = strmap_get(&prev, key);
				intro[k] = was ? *was : ev->layer;
				free(key);
			}
			strmap_free(&prev, NULL);
		}
		free(t->intro);
		t->intro = intro;
		t->current = la;
		t->current_layer = ev->layer;
	}
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct inventory_pkg *x = a, *y = b;
	if (x->pkg.type != y->pkg.type)
		return (int)x->pkg.type - (int)y->pkg.type;
	int c = strcmp(x->pkg.name ? x->pkg.name : "", y->pkg.name ? y->pkg.name : "");
	if (c)
		return c;
	c = strcmp(x->pkg.version ? x->pkg.version : "", y->pkg.version ? y->pkg.version : "");
	if (c)
		return c;
	c = strcmp(x->pkg.arch ? x->pkg.arch : "", y->pkg.arch ? y->pkg.arch : "");
	if (c)
		return c;
	/* Language packages: the same name and version at two paths are two
	 * packages (Trivy lists them per file), in path order. */
	return strcmp(x->db_path ? x->db_path : "", y->db_path ? y->db_path : "");
}

/* Every (analyzer, path) pair analysed in any layer, once. */
struct subject {
	const struct analyzer *an;
	const char *path;
};

static void attach_files(struct inventory *inv, struct strmap *owners)
{
	for (size_t i = 0; i < inv->npkgs; i++) {
		struct pkg *p = &inv->pkgs[i].pkg;
		if (p->type != PKG_DPKG || p->nfiles)
			continue;
		const struct layer_analysis *la = strmap_get(owners, p->name);
		if (!la)
			continue;
		p->nfiles = la->result.nfiles;
		p->files = xcalloc(p->nfiles ? p->nfiles : 1, sizeof *p->files);
		for (size_t k = 0; k < p->nfiles; k++)
			p->files[k] = xstrdup(la->result.files[k]);
	}
}

void inventory_build(struct layer_result *const *layers, size_t nlayers, const struct view *v,
		     struct inventory *inv)
{
	memset(inv, 0, sizeof *inv);
	struct strmap seen = {0};
	struct subject *subj = NULL;
	size_t nsubj = 0, capsubj = 0;
	for (size_t l = 0; l < nlayers; l++) {
		const struct layer_result *r = layers[l];
		for (size_t i = 0; i < r->nanalyses; i++) {
			char *key = xasprintf("%s\n%s", r->analyses[i].analyzer->name, r->analyses[i].path);
			void **slot = strmap_put(&seen, key);
			free(key);
			if (*slot)
				continue;
			*slot = (void *)1;
			void *p = subj;
			xgrow(&p, &capsubj, nsubj + 1, sizeof *subj);
			subj = p;
			subj[nsubj++] = (struct subject){r->analyses[i].analyzer, r->analyses[i].path};
		}
	}
	strmap_free(&seen, NULL);
	struct strmap *index = xcalloc(nlayers ? nlayers : 1, sizeof *index);
	for (size_t l = 0; l < nlayers; l++)
		index_layer(layers[l], &index[l]);

	const char **rel_paths = NULL, **rel_texts = NULL;
	size_t nrel = 0;
	struct strmap owners = {0}; /* dpkg package name -> its .list analysis */
	size_t cap = 0;
	for (size_t s = 0; s < nsubj; s++) {
		const struct file_history *h = view_history(v, subj[s].path);
		if (!h)
			continue;
		struct tracked t = {0};
		replay(index, h, subj[s].an, subj[s].path, &t);
		if (!view_final(v, subj[s].path) || !t.current) {
			free(t.intro);
			continue;
		}
		const struct layer_analysis *la = t.current;
		if (la->error) {
			inventory_add_notice(inv, "%s (layer %zu): %s", subj[s].path, t.current_layer + 1, la->error);
			free(t.intro);
			continue;
		}
		if (la->result.release_text) {
			rel_paths = xrealloc(rel_paths, (nrel + 1) * sizeof *rel_paths);
			rel_texts = xrealloc(rel_texts, (nrel + 1) * sizeof *rel_texts);
			rel_paths[nrel] = la->path;
			rel_texts[nrel++] = la->result.release_text;
		}
		if (la->result.owner)
			*strmap_put(&owners, la->result.owner) = (void *)la;
		for (size_t k = 0; k < la->result.pkgs.len; k++) {
			void *p = inv->pkgs;
			xgrow(&p, &cap, inv->npkgs + 1, sizeof *inv->pkgs);
			inv->pkgs = p;
			struct inventory_pkg *ip = &inv->pkgs[inv->npkgs++];
			memset(ip, 0, sizeof *ip);
			pkg_copy(&ip->pkg, &la->result.pkgs.v[k]);
			ip->layer = pkg_type_is_lang(ip->pkg.type) ? t.current_layer : t.intro[k];
			ip->db_path = xstrdup(subj[s].path);
		}
		free(t.intro);
	}
	attach_files(inv, &owners);
	strmap_free(&owners, NULL);
	if (inv->npkgs)
		qsort(inv->pkgs, inv->npkgs, sizeof *inv->pkgs, cmp_pkg);
	os_detect(rel_paths, rel_texts, nrel, &inv->os);
	/* OS packages without release files: a distroless image. Language
	 * packages alone (an app copied onto scratch) say nothing of an OS. */
	bool os_pkgs = false;
	for (size_t i = 0; i < inv->npkgs && !os_pkgs; i++)
		os_pkgs = !pkg_type_is_lang(inv->pkgs[i].pkg.type);
	if (!inv->os.family && os_pkgs)
		inv->os.family = xstrdup("distroless");
	free(rel_paths);
	free(rel_texts);
	free(subj);
	for (size_t l = 0; l < nlayers; l++)
		strmap_free(&index[l], NULL);
	free(index);
}
