#include "util/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_init(struct progress *p, const char *what, bool quiet)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->what = what;
	atomic_init(&p->bytes, 0);
	atomic_init(&p->done, 0);
	atomic_init(&p->total, 0);
	pthread_mutex_init(&p->lock, NULL);
	p->last_ms = 0;
	p->shown = false;
}

static void show(struct progress *p, bool force)
{
	if (!p->enabled)
		return;
	int64_t t = now_ms();
	if (!force && t - p->last_ms < 200)
		return;
	if (pthread_mutex_trylock(&p->lock) != 0)
		return; /* another thread is drawing */
	p->last_ms = t;
	uint64_t mb = atomic_load(&p->bytes) >> 20;
	uint32_t done = atomic_load(&p->done), total = atomic_load(&p->total);
	if (total)
		fprintf(stderr, "\r\033[K%s: %u/%u layers, %llu MiB", p->what, done, total, (unsigned long long)mb);
	else
		fprintf(stderr, "\r\033[K%s: %u layers, %llu MiB", p->what, done, (unsigned long long)mb);
	p->shown = true;
	pthread_mutex_unlock(&p->lock);
}

void progress_add_bytes(struct progress *p, uint64_t n)
{
	if (!p)
		return;
	atomic_fetch_add(&p->bytes, n);
	show(p, false);
}

void progress_item_done(struct progress *p)
{
	if (!p)
		return;
	atomic_fetch_add(&p->done, 1);
	show(p, false);
}

void progress_set_total(struct progress *p, uint32_t total)
{
	if (p)
		atomic_store(&p->total, total);
}

void progress_finish(struct progress *p)
{
	if (!p || !p->enabled)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_destroy(&p->lock);
}
