/* Region allocator behind jansson; see jarena.h. */
#include "db/jarena.h"

#include "util/util.h"

#include <jansson.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

struct jarena_chunk {
	struct jarena_chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

enum { JARENA_CHUNK = 64 << 10 };

static _Thread_local struct jarena *current;

static void *jarena_malloc(size_t n)
{
	struct jarena *a = current;
	if (!a)
		return malloc(n);
	n = (n + alignof(max_align_t) - 1) & ~(size_t)(alignof(max_align_t) - 1);
	if (n == 0)
		n = alignof(max_align_t);
	struct jarena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = a->chunk_size ? a->chunk_size : JARENA_CHUNK;
		if (n > cap / 4) {
			/* a big block (a long string) gets a chunk of its own,
			 * put behind the current one so its free space stays in use */
			struct jarena_chunk *big = malloc(sizeof *big + n);
			if (!big)
				return NULL;
			big->used = big->cap = n;
			if (c) {
				big->next = c->next;
				c->next = big;
			} else {
				big->next = NULL;
				a->head = big;
			}
			return big->data;
		}
		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static void jarena_free(void *p)
{
	if (!current)
		free(p);
}

static void install_once(void)
{
	json_set_alloc_funcs(jarena_malloc, jarena_free);
}

void jarena_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_once);
}

struct jarena *jarena_use(struct jarena *a)
{
	struct jarena *prev = current;
	current = a;
	return prev;
}

void jarena_reset(struct jarena *a)
{
	struct jarena_chunk *keep = NULL;
	for (struct jarena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (!keep && c->cap == (a->chunk_size ? a->chunk_size : JARENA_CHUNK)) {
			keep = c;
			continue;
		}
		free(c);
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
}

void jarena_release(struct jarena *a)
{
	for (struct jarena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}
