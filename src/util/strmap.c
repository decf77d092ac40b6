#include "util/strmap.h"

#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char tomb_key[1]; /* marks a deleted slot */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct strmap_slot *find(const struct strmap *m, const char *key, uint64_t h)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->key != tomb_key && strcmp(s->key, key) == 0)
			return s;
	}
}

static void rehash(struct strmap *m, size_t cap)
{
	struct strmap_slot *old = m->slots;
	size_t oldcap = m->cap;
	m->slots = xcalloc(cap, sizeof *m->slots);
	m->cap = cap;
	m->tombs = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].key || old[i].key == tomb_key)
			continue;
		size_t j = hash(old[i].key) & (cap - 1);
		while (m->slots[j].key)
			j = (j + 1) & (cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void **strmap_put(struct strmap *m, const char *key)
{
	uint64_t h = hash(key);
	struct strmap_slot *s = find(m, key, h);
	if (s)
		return &s->value;
	if ((m->len + m->tombs + 1) * 4 >= m->cap * 3)
		rehash(m, m->cap ? (m->len * 4 >= m->cap ? m->cap * 2 : m->cap) : 16);
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->slots[i].key && m->slots[i].key != tomb_key)
		i = (i + 1) & mask;
	if (m->slots[i].key == tomb_key)
		m->tombs--;
	m->slots[i].key = xstrdup(key);
	m->slots[i].value = NULL;
	m->len++;
	return &m->slots[i].value;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s = find(m, key, hash(key));
	return s ? s->value : NULL;
}

void *strmap_del(struct strmap *m, const char *key)
{
	struct strmap_slot *s = find(m, key, hash(key));
	if (!s)
		return NULL;
	void *v = s->value;
	free(s->key);
	s->key = tomb_key;
	s->value = NULL;
	m->len--;
	m->tombs++;
	return v;
}

int strmap_next(const struct strmap *m, size_t *iter, const char **key, void **value)
{
	while (*iter < m->cap) {
		struct strmap_slot *s = &m->slots[(*iter)++];
		if (s->key && s->key != tomb_key) {
			if (key)
				*key = s->key;
			if (value)
				*value = s->value;
			return 1;
		}
	}
	return 0;
}

void strmap_free(struct strmap *m, void (*free_value)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].key && m->slots[i].key != tomb_key) {
			if (free_value)
				free_value(m->slots[i].value);
			free(m->slots[i].key);
		}
	}
	free(m->slots);
	memset(m, 0, sizeof *m);
}
