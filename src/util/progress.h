/* progress: a one-line progress indicator on stderr for long work, shown
 * only when stderr is a terminal. Safe to update from several threads. */
#ifndef VIGIL_PROGRESS_H
#define VIGIL_PROGRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool enabled;
	const char *what;
	atomic_uint_fast64_t bytes;
	atomic_uint_fast32_t done, total;
	pthread_mutex_t lock;
	int64_t last_ms;
	bool shown;
};

/* Enabled when stderr is a TTY and not quiet. */
void progress_init(struct progress *p, const char *what, bool quiet);
void progress_add_bytes(struct progress *p, uint64_t n);
void progress_item_done(struct progress *p);
void progress_set_total(struct progress *p, uint32_t total);
/* Clears the line (call before printing anything else to stderr). */
void progress_finish(struct progress *p);

#endif
