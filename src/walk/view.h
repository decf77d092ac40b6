/* view: the merged filesystem of an image, built by applying layers in order
 * (whiteouts and opaque directories first, then the layer's entries), with
 * each path's history — which layer added, changed or deleted it — kept so
 * that later stages can report on files a later layer hides. */
#ifndef VIGIL_WALK_VIEW_H
#define VIGIL_WALK_VIEW_H

#include "util/strmap.h"
#include "walk/layer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum file_event_kind {
	FILE_ADDED = 'A',
	FILE_CHANGED = 'C',
	FILE_DELETED = 'D',
};

struct file_event {
	uint32_t layer;
	char kind; /* enum file_event_kind */
	char type; /* enum entry_type of the entry (for deletions: of what was deleted) */
	uint32_t mode;
	int64_t size;
};

struct file_history {
	struct file_event *ev;
	uint32_t n, cap;
};

struct view {
	struct strmap paths; /* path -> struct file_history* */
	size_t nlayers;
};

/* Applies layers[0..n) in order. */
void view_build(struct view *v, struct layer_result *const *layers, size_t n);
const struct file_history *view_history(const struct view *v, const char *path);
/* The last event of path if the path exists in the final view, else NULL. */
const struct file_event *view_final(const struct view *v, const char *path);
void view_free(struct view *v);

#endif
