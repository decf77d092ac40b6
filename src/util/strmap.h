/* strmap: a string-keyed hash map (open addressing, FNV-1a). Keys are copied;
 * values are opaque pointers the caller owns. Iteration order is unspecified. */
#ifndef VIGIL_STRMAP_H
#define VIGIL_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	char *key;
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, len, tombs;
};

/* Returns the address of the value slot for key, inserting a NULL value when absent. */
void **strmap_put(struct strmap *m, const char *key);
void *strmap_get(const struct strmap *m, const char *key);
/* Removes key; returns its value (or NULL). */
void *strmap_del(struct strmap *m, const char *key);
/* Iterate: for (size_t i = 0; strmap_next(m, &i, &k, &v);) */
int strmap_next(const struct strmap *m, size_t *iter, const char **key, void **value);
void strmap_free(struct strmap *m, void (*free_value)(void *));

#endif
