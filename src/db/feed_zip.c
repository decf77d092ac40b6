/* Zips of many small feeds (OSV's all.zip: one record per entry).
 *
 * Two threads. The reader thread inflates entries into a batch (each entry
 * read whole, up to ZIP_ENTRY_BUFFER bytes) and parses the ones that are OSV
 * records (jansson, into the batch's arena); this thread stores the batches
 * the reader has finished, in archive order (SQLite stays on one thread). Reading and
 * parsing is about as much work as storing, so the two halves overlap well.
 *
 * Entries that are not OSV records, and entries too large to buffer, go
 * through vdb_import_stream on this thread exactly as a single file would:
 * for a large one the reader stops and waits until this thread has streamed
 * it from the archive. Every entry is validated and reported the same way
 * whichever path it takes, and errors come in archive order. */
#include "db/internal.h"
#include "db/jarena.h"
#include "db/jframe.h"

#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
	ZIP_ENTRY_BUFFER = 4u << 20,
	ZIP_BATCHES = 4, /* in flight: evens out records that take longer on one side */
	ZIP_BATCH = 128,
	ZIP_BATCH_BYTES = 8u << 20,
};

enum entry_kind {
	ENTRY_OSV,    /* parsed by the reader: doc, or err */
	ENTRY_STREAM, /* another document: imported from raw by this thread */
	ENTRY_LARGE,  /* raw is the first bytes; the rest is still in the archive */
};

struct entry {
	char *name;
	struct buf raw;
	enum entry_kind kind;
	json_t *doc;
	struct err err;
	bool late_err; /* doc parsed, but what follows it is not blank */
};

enum batch_state { BATCH_FREE, BATCH_READY };

struct batch {
	struct entry e[ZIP_BATCH];
	size_t n, bytes;
	enum batch_state state;
	bool last;             /* nothing follows (end, or damage in `damage`) */
	bool damaged;          /* the archive could not be read after e[n-1] */
	struct err damage;
	struct jarena arena;
};

struct zip_import {
	struct vdb *db;
	struct archive *a;
	const char *name;
	struct archive_entry *first; /* the header already read */
	struct batch batch[ZIP_BATCHES];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop; /* this thread failed: the reader ends */
	size_t nfeeds;
};

struct mem_reader {
	const unsigned char *p;
	size_t len, pos;
	struct archive *rest; /* read on from here once p is used up, or NULL */
};

static ssize_t read_mem(void *ctx, void *buf, size_t n, struct err *e)
{
	struct mem_reader *m = ctx;
	if (m->pos == m->len)
		return m->rest ? vdb_read_archive(m->rest, buf, n, e) : 0;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static bool is_json_file(struct archive_entry *ent)
{
	const char *p = archive_entry_pathname(ent);
	size_t n = p ? strlen(p) : 0;
	return archive_entry_filetype(ent) == AE_IFREG && n >= 5 && !strcmp(p + n - 5, ".json");
}

/* Reads the current entry into e; false when it is too large to buffer (or
 * its data cannot be read): vdb_import_stream reads on from the archive.
 * The size the zip declares only sizes the first allocation (it may lie). */
static bool read_entry(struct archive *a, struct archive_entry *ent, struct entry *e)
{
	e->raw.len = 0;
	la_int64_t declared = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : 0;
	size_t want = declared > 0 && declared <= ZIP_ENTRY_BUFFER ? (size_t)declared + 1 : 4096;
	for (;;) {
		if (e->raw.cap - e->raw.len < (e->raw.len ? 1 : want))
			xgrow((void **)&e->raw.data, &e->raw.cap, e->raw.len + want, 1);
		want = 64 * 1024;
		la_ssize_t r = archive_read_data(a, e->raw.data + e->raw.len, e->raw.cap - e->raw.len);
		if (r < 0)
			return false; /* vdb_import_stream reports it in its words */
		if (r == 0)
			return true;
		e->raw.len += (size_t)r;
		if (e->raw.len > ZIP_ENTRY_BUFFER)
			return false;
	}
}

static void parse_entry(struct entry *e)
{
	struct mem_reader m = {.p = e->raw.data, .len = e->raw.len};
	e->doc = NULL;
	e->late_err = false;
	e->kind = vdb_read_osv_record(read_mem, &m, &e->doc, &e->late_err, &e->err) ? ENTRY_OSV : ENTRY_STREAM;
}

/* Fills b with the next entries; returns with b->last set at the end of
 * the archive, at damage, or (not last) after a large entry. */
static void fill_batch(struct zip_import *z, struct batch *b, struct archive_entry **pending)
{
	struct jarena *prev = jarena_use(&b->arena);
	for (;;) {
		struct archive_entry *ent = *pending;
		*pending = NULL;
		if (!ent) {
			int r = archive_read_next_header(z->a, &ent);
			if (r == ARCHIVE_EOF) {
				b->last = true;
				break;
			}
			if (r < ARCHIVE_WARN) {
				err_set(&b->damage, "%s: %s", z->name,
					archive_error_string(z->a) ? archive_error_string(z->a) : "cannot read");
				b->damaged = b->last = true;
				break;
			}
		}
		if (!is_json_file(ent))
			continue;
		struct entry *e = &b->e[b->n++];
		e->name = xasprintf("%s:%s", z->name, archive_entry_pathname(ent));
		if (!read_entry(z->a, ent, e)) {
			e->kind = ENTRY_LARGE;
			break;
		}
		parse_entry(e);
		b->bytes += e->raw.len;
		if (b->n == ZIP_BATCH || b->bytes >= ZIP_BATCH_BYTES)
			break;
	}
	jarena_use(prev);
}

static void *reader_main(void *arg)
{
	struct zip_import *z = arg;
	struct archive_entry *pending = z->first;
	for (int k = 0;; k = (k + 1) % ZIP_BATCHES) {
		struct batch *b = &z->batch[k];
		pthread_mutex_lock(&z->mu);
		while (b->state != BATCH_FREE && !z->stop)
			pthread_cond_wait(&z->cv, &z->mu);
		bool stop = z->stop;
		pthread_mutex_unlock(&z->mu);
		if (stop)
			return NULL;
		fill_batch(z, b, &pending);
		bool large = b->n && b->e[b->n - 1].kind == ENTRY_LARGE, last = b->last;
		pthread_mutex_lock(&z->mu);
		b->state = BATCH_READY;
		pthread_cond_broadcast(&z->cv);
		/* the archive is the storing thread's until it has streamed the
		 * large entry and freed the batch */
		while (large && b->state != BATCH_FREE && !z->stop)
			pthread_cond_wait(&z->cv, &z->mu);
		pthread_mutex_unlock(&z->mu);
		if (last)
			return NULL;
	}
}

static int store_entry(struct zip_import *z, struct entry *it, struct err *e)
{
	struct feed_ctx c = {.db = z->db, .name = it->name, .gen = z->db->gen, .osv_archive = true};
	int rc;
	if (it->kind == ENTRY_OSV) {
		if (!it->doc) {
			*e = it->err;
			rc = -1;
		} else {
			rc = vdb_feed_osv(&c, it->doc, e);
			if (rc == 0 && it->late_err) {
				*e = it->err;
				rc = -1;
			}
		}
	} else {
		struct mem_reader m = {.p = it->raw.data, .len = it->raw.len,
				       .rest = it->kind == ENTRY_LARGE ? z->a : NULL};
		rc = vdb_import_stream(&c, read_mem, &m, e);
	}
	if (rc != 0) {
		err_prefix(e, "%s", it->name);
		return -1;
	}
	z->nfeeds++;
	return 0;
}

/* Stores b's entries in order; 1 when it was the last batch. */
static int store_batch(struct zip_import *z, struct batch *b, struct err *e)
{
	int rc = 0;
	for (size_t i = 0; i < b->n && rc == 0; i++)
		rc = store_entry(z, &b->e[i], e);
	if (rc == 0 && b->damaged) {
		*e = b->damage;
		rc = -1;
	}
	return rc != 0 ? -1 : b->last;
}

static void empty_batch(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->e[i].name);
		b->e[i].name = NULL;
		b->e[i].doc = NULL;
	}
	jarena_reset(&b->arena);
	b->n = b->bytes = 0;
	b->last = b->damaged = false;
}

int vdb_import_zip(struct vdb *db, struct archive *a, const char *name, struct archive_entry *first,
		   struct err *e)
{
	jarena_install();
	struct zip_import *z = xcalloc(1, sizeof *z);
	*z = (struct zip_import){.db = db, .a = a, .name = name, .first = first};
	pthread_mutex_init(&z->mu, NULL);
	pthread_cond_init(&z->cv, NULL);
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, reader_main, z) == 0;
	int rc = 0;
	struct archive_entry *pending = first;
	for (int k = 0; rc == 0; k = (k + 1) % ZIP_BATCHES) {
		struct batch *b = &z->batch[k];
		if (threaded) {
			pthread_mutex_lock(&z->mu);
			while (b->state != BATCH_READY)
				pthread_cond_wait(&z->cv, &z->mu);
			pthread_mutex_unlock(&z->mu);
		} else {
			fill_batch(z, b, &pending);
		}
		rc = store_batch(z, b, e);
		empty_batch(b);
		pthread_mutex_lock(&z->mu);
		b->state = BATCH_FREE;
		if (rc < 0)
			z->stop = true;
		pthread_cond_broadcast(&z->cv);
		pthread_mutex_unlock(&z->mu);
	}
	if (threaded)
		pthread_join(th, NULL);
	if (rc > 0 && z->nfeeds == 0) {
		err_set(e, "%s: no *.json feed files in the archive", name);
		rc = -1;
	}
	for (int k = 0; k < ZIP_BATCHES; k++) {
		empty_batch(&z->batch[k]);
		for (size_t i = 0; i < ZIP_BATCH; i++)
			buf_free(&z->batch[k].e[i].raw);
		jarena_release(&z->batch[k].arena);
	}
	pthread_mutex_destroy(&z->mu);
	pthread_cond_destroy(&z->cv);
	free(z);
	return rc < 0 ? -1 : 0;
}
