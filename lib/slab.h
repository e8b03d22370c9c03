/*
 * slab: fixed-size objects carved from big chunks, so a million routes are
 * not a million malloc calls. Each chunk keeps its own free list and count,
 * so a chunk whose objects have all gone back (a peer went down, a table
 * was withdrawn) is returned to the system instead of waiting for the
 * whole slab to empty. One empty chunk is kept in reserve, so a table that
 * hovers at a chunk boundary does not allocate and free on every change.
 *
 * Chunks are either a fixed number of objects, or (per_chunk 0) sized by
 * the slab: the first small, each new one as big as all held so far, up to
 * SLAB_CHUNK_MAX. A small table then holds a few kilobytes, not a big
 * chunk, and a big table's chunks are above the mmap threshold cebgpd
 * fixes (128 KiB), so each one emptied leaves the process instead of
 * staying in the heap, whatever else the heap holds.
 */
#ifndef CEBGP_SLAB_H
#define CEBGP_SLAB_H

#include <stddef.h>

struct slab_chunk;

#define SLAB_CHUNK_MIN (4 * 1024)
#define SLAB_CHUNK_MAX (256 * 1024)

struct slab {
	size_t size;             /* object size, pointer-aligned */
	size_t per_chunk;        /* objects per chunk; 0: sized by the slab (above) */
	struct slab_chunk **tab; /* every chunk, by address (to find an object's chunk) */
	size_t nchunks, tab_cap;
	struct slab_chunk *avail; /* chunks with room, most recently freed into first */
	size_t nempty;            /* chunks held with no object in use (at most one) */
	size_t used;              /* objects handed out */
	size_t bytes;             /* held in chunks */
};

/* per_chunk 0: chunks from SLAB_CHUNK_MIN up to SLAB_CHUNK_MAX bytes. */
void slab_init(struct slab *s, size_t size, size_t per_chunk);
/* NULL when memory ran out. */
void *slab_get(struct slab *s);
void slab_put(struct slab *s, void *obj);
/* Free every chunk (the objects in them included). */
void slab_release(struct slab *s);
/* Bytes held in chunks. */
size_t slab_memory(const struct slab *s);

#endif
