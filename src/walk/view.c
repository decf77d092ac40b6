#include "walk/view.h"

#include <stdlib.h>
#include <string.h>

static struct file_history *history_of(struct view *v, const char *path)
{
	void **slot = strmap_put(&v->paths, path);
	if (!*slot)
		*slot = xcalloc(1, sizeof(struct file_history));
	return *slot;
}

static void push(struct file_history *h, struct file_event ev)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 2;
		h->ev = xrealloc(h->ev, h->cap * sizeof *h->ev);
	}
	h->ev[h->n++] = ev;
}

static bool alive(const struct file_history *h)
{
	return h->n && h->ev[h->n - 1].kind != FILE_DELETED;
}

static void delete_one(struct file_history *h, uint32_t layer)
{
	const struct file_event *last = &h->ev[h->n - 1];
	struct file_event ev = {.layer = layer, .kind = FILE_DELETED, .type = last->type, .mode = last->mode, .size = last->size};
	push(h, ev);
}

/* Deletes everything strictly below dir (dir "" = the root). */
static void delete_below(struct view *v, const char *dir, uint32_t layer)
{
	size_t it = 0;
	const char *key;
	void *val;
	while (strmap_next(&v->paths, &it, &key, &val)) {
		struct file_history *h = val;
		if (alive(h) && strcmp(key, dir) != 0 && path_is_under(key, dir))
			delete_one(h, layer);
	}
}

static void apply(struct view *v, const struct layer_result *r, uint32_t layer)
{
	for (size_t i = 0; i < r->nwhiteouts; i++) {
		const char *p = r->whiteouts[i];
		struct file_history *h = strmap_get(&v->paths, p);
		bool was_dir = true; /* a path never seen may be an implicit directory */
		if (h && alive(h)) {
			was_dir = h->ev[h->n - 1].type == ENTRY_DIR;
			delete_one(h, layer);
		}
		if (was_dir)
			delete_below(v, p, layer);
	}
	for (size_t i = 0; i < r->nopaque; i++)
		delete_below(v, r->opaque[i], layer);
	for (size_t i = 0; i < r->nentries; i++) {
		const struct layer_entry *e = &r->entries[i];
		struct file_history *h = history_of(v, e->path);
		/* A path listed twice in one layer: the later entry wins, as on extraction. */
		if (h->n && h->ev[h->n - 1].layer == layer && h->ev[h->n - 1].kind != FILE_DELETED) {
			struct file_event *last = &h->ev[h->n - 1];
			last->type = e->type;
			last->mode = e->mode;
			last->size = e->size;
			continue;
		}
		if (h->n && alive(h) && h->ev[h->n - 1].type == ENTRY_DIR && e->type != ENTRY_DIR)
			delete_below(v, e->path, layer); /* a file replacing a directory hides its contents */
		struct file_event ev = {
			.layer = layer,
			.kind = alive(h) ? FILE_CHANGED : FILE_ADDED,
			.type = e->type,
			.mode = e->mode,
			.size = e->size,
		};
		push(h, ev);
	}
}

void view_build(struct view *v, struct layer_result *const *layers, size_t n)
{
	memset(v, 0, sizeof *v);
	v->nlayers = n;
	for (size_t i = 0; i < n; i++)
		apply(v, layers[i], (uint32_t)i);
}

const struct file_history *view_history(const struct view *v, const char *path)
{
	return strmap_get(&v->paths, path);
}

const struct file_event *view_final(const struct view *v, const char *path)
{
	const struct file_history *h = strmap_get(&v->paths, path);
	return h && alive(h) ? &h->ev[h->n - 1] : NULL;
}

static void free_history(void *p)
{
	struct file_history *h = p;
	if (h)
		free(h->ev);
	free(h);
}

void view_free(struct view *v)
{
	strmap_free(&v->paths, free_history);
}
