/* db/parse_pipe.h: parsing feed records on several threads while the
 * importing thread frames and stores them.
 *
 * Parsing JSON (jansson) is most of an import's CPU time, and SQLite must
 * stay on one thread, so imports of many records (NVD's vulnerabilities[],
 * the entries of an OSV all.zip) run as a pipeline of two batches: while the
 * worker threads parse batch k+1, the importing thread stores batch k and
 * fills the other batch with raw bytes, then joins the parsing of k+1.
 * Records are stored in feed order, so the first error in feed order is the
 * one reported, as in a sequential import.
 *
 * Parsed documents live in per-thread arenas of their batch (jarena.h): the
 * storing code may read them, must not modify them, and must not keep them
 * after pipe_batch_done. */
#ifndef VIGIL_DB_PARSE_PIPE_H
#define VIGIL_DB_PARSE_PIPE_H

#include "db/jarena.h"
#include "util/util.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	PIPE_BATCH = 256,              /* records per batch */
	PIPE_BATCH_BYTES = 16u << 20,  /* or raw bytes per batch, whichever comes first */
	PIPE_MAX_THREADS = 4,
};

/* One record: the importer fills raw (and start, name), the parse function
 * sets doc or err (and kind/late_err, as it likes). */
struct pipe_item {
	struct buf raw;
	uint64_t start; /* stream offset of raw, for messages */
	char *name;     /* malloc'd, optional; freed by pipe_batch_done */
	json_t *doc;
	struct err err;
	int kind;
	bool late_err; /* err set although doc was parsed */
};

struct pipe_batch {
	struct pipe_item item[PIPE_BATCH];
	size_t n, bytes;
	atomic_size_t next; /* next item to parse */
	struct jarena arena[PIPE_MAX_THREADS];
};

typedef void (*pipe_parse_fn)(struct pipe_item *it);

struct parse_pipe;

/* threads: parsing threads including the caller's (0: the number of cores,
 * at most PIPE_MAX_THREADS). */
struct parse_pipe *pipe_new(pipe_parse_fn parse, int threads);
/* Waits for any parsing in progress and frees everything. */
void pipe_free(struct parse_pipe *p);

/* The next free item of the batch being filled. */
struct pipe_item *pipe_slot(struct parse_pipe *p);
/* Counts the item pipe_slot gave (its raw bytes filled). When the batch is
 * full it starts being parsed, and the batch parsed before it is returned
 * for the caller to store (then pipe_batch_done); NULL otherwise. */
struct pipe_batch *pipe_commit(struct parse_pipe *p);
/* At the end, or before reading something outside the pipeline: returns
 * the batches still to store, in order (parsing them first), then NULL. */
struct pipe_batch *pipe_drain(struct parse_pipe *p);
/* Empties a stored batch for reuse (drops its documents and names). */
void pipe_batch_done(struct pipe_batch *b);

#endif
