/*
 * slab: fixed-size objects carved from big chunks, so a million routes are
 * not a million malloc calls. Each chunk keeps its own free list and count,
 * so a chunk whose objects have all gone back (a peer went down, a table
 * was withdrawn) is returned to the system instead of waiting for the
 * whole slab to empty. One empty chunk is kept in reserve, so a table that
 * hovers at a chunk boundary does not allocate and free on every change.
 */
#ifndef CEBGP_SLAB_H
#define CEBGP_SLAB_H

#include <stddef.h>

struct slab_chunk;

struct slab {
	size_t size;             /* object size, pointer-aligned */
	size_t per_chunk;        /* objects per chunk */
	struct slab_chunk **tab; /* every chunk, by address (to find an object's chunk) */
	size_t nchunks, tab_cap;
	struct slab_chunk *avail; /* chunks with room, most recently freed into first */
	size_t nempty;            /* chunks held with no object in use (at most one) */
	size_t used;              /* objects handed out */
};

void slab_init(struct slab *s, size_t size, size_t per_chunk);
/* NULL when memory ran out. */
void *slab_get(struct slab *s);
void slab_put(struct slab *s, void *obj);
/* Free every chunk (the objects in them included). */
void slab_release(struct slab *s);
/* Bytes held in chunks. */
size_t slab_memory(const struct slab *s);

#endif
