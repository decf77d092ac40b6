/* db/jarena.h: region allocation for jansson while parsing feed records.
 *
 * Parsing a record with jansson is hundreds of small mallocs that are all
 * freed together a moment later; in the NVD import, which parses records on
 * worker threads and frees them on the importing thread, malloc and free were
 * a third of the CPU time. A jarena serves every jansson allocation made on a
 * thread while it is in use there, and frees them all at once on reset.
 *
 * Outside a jarena scope jansson allocates with malloc/free exactly as
 * before, so the rest of the program (json_dumps results freed with free())
 * is unaffected. Inside a scope, jansson's frees are no-ops: whatever is
 * allocated inside a scope must be freed (or dropped) inside a scope of the
 * same arena, and must not be used after its reset. */
#ifndef VIGIL_DB_JARENA_H
#define VIGIL_DB_JARENA_H

#include <stddef.h>

struct jarena_chunk;

struct jarena {
	struct jarena_chunk *head; /* newest first; the last one is kept on reset */
	size_t chunk_size;
};

/* Makes jansson allocate through jarena_* from now on (once per process;
 * call before starting threads that use jansson). */
void jarena_install(void);

/* Enters a scope: jansson allocations on this thread come from a until the
 * previous arena (returned) is restored with jarena_use again. */
struct jarena *jarena_use(struct jarena *a);

/* Frees everything allocated from a, keeping one chunk for reuse. */
void jarena_reset(struct jarena *a);
/* Frees all of a's memory. */
void jarena_release(struct jarena *a);

#endif
