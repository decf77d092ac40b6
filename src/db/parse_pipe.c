/* Two-batch parsing pipeline; see parse_pipe.h. */
#include "db/parse_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct worker {
	struct parse_pipe *p;
	struct pipe_batch *b;
	int slot; /* arena index; the caller's thread is 0 */
	pthread_t th;
	bool started;
};

struct parse_pipe {
	struct pipe_batch batch[2];
	struct pipe_batch *fill;    /* being filled by the caller */
	struct pipe_batch *parsing; /* being parsed, or parsed and not yet returned */
	pipe_parse_fn parse;
	struct worker worker[PIPE_MAX_THREADS - 1];
	int nworkers;
	bool running; /* worker threads are on p->parsing */
};

struct parse_pipe *pipe_new(pipe_parse_fn parse, int threads)
{
	jarena_install();
	struct parse_pipe *p = xcalloc(1, sizeof *p);
	p->parse = parse;
	p->fill = &p->batch[0];
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)(n < PIPE_MAX_THREADS ? n : PIPE_MAX_THREADS) : 1;
	}
	if (threads > PIPE_MAX_THREADS)
		threads = PIPE_MAX_THREADS;
	p->nworkers = threads - 1;
	return p;
}

static void parse_some(struct parse_pipe *p, struct pipe_batch *b, int slot)
{
	struct jarena *prev = jarena_use(&b->arena[slot]);
	size_t i;
	while ((i = atomic_fetch_add(&b->next, 1)) < b->n)
		p->parse(&b->item[i]);
	jarena_use(prev);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	parse_some(w->p, w->b, w->slot);
	return NULL;
}

static void parse_start(struct parse_pipe *p, struct pipe_batch *b)
{
	atomic_store(&b->next, 0);
	p->parsing = b;
	p->running = true;
	for (int t = 0; t < p->nworkers; t++) {
		struct worker *w = &p->worker[t];
		*w = (struct worker){.p = p, .b = b, .slot = t + 1};
		/* without a thread, the caller parses that share in parse_finish */
		w->started = pthread_create(&w->th, NULL, worker_main, w) == 0;
	}
}

static void parse_finish(struct parse_pipe *p)
{
	if (!p->running)
		return;
	parse_some(p, p->parsing, 0);
	for (int t = 0; t < p->nworkers; t++)
		if (p->worker[t].started)
			pthread_join(p->worker[t].th, NULL);
	p->running = false;
}

struct pipe_item *pipe_slot(struct parse_pipe *p)
{
	struct pipe_item *it = &p->fill->item[p->fill->n];
	it->doc = NULL;
	it->kind = 0;
	it->late_err = false;
	it->start = 0;
	it->err.msg[0] = 0;
	return it;
}

struct pipe_batch *pipe_commit(struct parse_pipe *p)
{
	struct pipe_batch *b = p->fill;
	b->bytes += b->item[b->n].raw.len;
	if (++b->n < PIPE_BATCH && b->bytes < PIPE_BATCH_BYTES)
		return NULL;
	struct pipe_batch *done = p->parsing;
	parse_finish(p);
	parse_start(p, b);
	p->fill = b == &p->batch[0] ? &p->batch[1] : &p->batch[0];
	/* the batch to fill next is the one returned: it must be stored
	 * (and emptied with pipe_batch_done) before pipe_slot is called */
	return done;
}

struct pipe_batch *pipe_drain(struct parse_pipe *p)
{
	if (p->parsing) {
		struct pipe_batch *b = p->parsing;
		parse_finish(p);
		p->parsing = NULL;
		return b;
	}
	if (p->fill->n) {
		struct pipe_batch *b = p->fill;
		parse_start(p, b);
		parse_finish(p);
		p->parsing = NULL;
		return b;
	}
	return NULL;
}

void pipe_batch_done(struct pipe_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		b->item[i].doc = NULL;
		free(b->item[i].name);
		b->item[i].name = NULL;
	}
	for (int t = 0; t < PIPE_MAX_THREADS; t++)
		jarena_reset(&b->arena[t]);
	b->n = 0;
	b->bytes = 0;
}

void pipe_free(struct parse_pipe *p)
{
	if (!p)
		return;
	parse_finish(p);
	for (int k = 0; k < 2; k++) {
		struct pipe_batch *b = &p->batch[k];
		for (size_t i = 0; i < PIPE_BATCH; i++) {
			buf_free(&b->item[i].raw);
			free(b->item[i].name);
		}
		for (int t = 0; t < PIPE_MAX_THREADS; t++)
			jarena_release(&b->arena[t]);
	}
	free(p);
}
