/*
 * slab: chunks with their own free lists, a doubly linked list of the
 * chunks that have room, and an address-sorted table to find the chunk an
 * object belongs to (a binary search over a few hundred chunks per put).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slab.h"

struct slab_chunk {
	struct slab_chunk *prev, *next; /* in the avail list */
	void *free;                     /* objects given back, threaded through their first word */
	size_t used;                    /* objects handed out */
	size_t carve;                   /* objects never handed out, at the end of the chunk */
	size_t cap;                     /* objects the chunk holds */
	bool in_avail;
};

static size_t
header(void)
{
	return (sizeof(struct slab_chunk) + 15) & ~(size_t)15;
}

static char *
first_obj(struct slab_chunk *c)
{
	return (char *)c + header();
}

void
slab_init(struct slab *s, size_t size, size_t per_chunk)
{
	memset(s, 0, sizeof(*s));
	s->size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
	s->per_chunk = per_chunk;
}

static void
avail_push(struct slab *s, struct slab_chunk *c)
{
	c->prev = NULL;
	c->next = s->avail;
	if (s->avail != NULL)
		s->avail->prev = c;
	s->avail = c;
	c->in_avail = true;
}

static void
avail_unlink(struct slab *s, struct slab_chunk *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->avail = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->in_avail = false;
}

/* Index of the first chunk whose address is above p. */
static size_t
tab_upper(const struct slab *s, const void *p)
{
	size_t lo = 0, hi = s->nchunks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((uintptr_t)s->tab[mid] <= (uintptr_t)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
chunk_bytes(const struct slab *s, size_t cap)
{
	return header() + cap * s->size;
}

/*
 * Objects in the next chunk. A sized chunk asks malloc for a whole number
 * of pages less malloc's own header, so an mmap-backed chunk wastes none.
 */
static size_t
next_cap(const struct slab *s)
{
	size_t want = SLAB_CHUNK_MIN;

	if (s->per_chunk != 0)
		return s->per_chunk;
	/* Doubling: about as much again as is held. */
	while (want < SLAB_CHUNK_MAX && 2 * want <= s->bytes + SLAB_CHUNK_MIN)
		want *= 2;
	want -= 4 * sizeof(size_t); /* malloc's header, rounded to its alignment */
	if (want < header() + s->size)
		return 1;
	return (want - header()) / s->size;
}

static struct slab_chunk *
chunk_new(struct slab *s)
{
	struct slab_chunk *c;
	size_t at, n = next_cap(s);

	if (s->nchunks == s->tab_cap) {
		size_t cap = s->tab_cap ? 2 * s->tab_cap : 16;
		struct slab_chunk **tab = realloc(s->tab, cap * sizeof(*tab));

		if (tab == NULL)
			return NULL;
		s->tab = tab;
		s->tab_cap = cap;
	}
	c = malloc(chunk_bytes(s, n));
	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->carve = c->cap = n;
	s->bytes += chunk_bytes(s, n);
	at = tab_upper(s, c);
	memmove(&s->tab[at + 1], &s->tab[at], (s->nchunks - at) * sizeof(s->tab[0]));
	s->tab[at] = c;
	s->nchunks++;
	s->nempty++;
	avail_push(s, c);
	return c;
}

static void
chunk_free(struct slab *s, struct slab_chunk *c)
{
	size_t at = tab_upper(s, c) - 1;

	memmove(&s->tab[at], &s->tab[at + 1], (s->nchunks - at - 1) * sizeof(s->tab[0]));
	s->nchunks--;
	if (c->in_avail)
		avail_unlink(s, c);
	s->bytes -= chunk_bytes(s, c->cap);
	free(c);
}

void *
slab_get(struct slab *s)
{
	struct slab_chunk *c = s->avail;
	void *o;

	if (c == NULL && (c = chunk_new(s)) == NULL)
		return NULL;
	if (c->used == 0)
		s->nempty--;
	if (c->free != NULL) {
		o = c->free;
		memcpy(&c->free, o, sizeof(void *));
	} else {
		o = first_obj(c) + (c->cap - c->carve) * s->size;
		c->carve--;
	}
	c->used++;
	s->used++;
	if (c->free == NULL && c->carve == 0)
		avail_unlink(s, c);
	return o;
}

void
slab_put(struct slab *s, void *o)
{
	struct slab_chunk *c = s->tab[tab_upper(s, o) - 1];

	memcpy(o, &c->free, sizeof(void *));
	c->free = o;
	c->used--;
	s->used--;
	if (!c->in_avail)
		avail_push(s, c);
	if (c->used > 0)
		return;
	/* An empty chunk goes back, but one is kept for the next allocation. */
	if (s->nempty > 0 || s->used == 0)
		chunk_free(s, c);
	else
		s->nempty++;
	if (s->used == 0)
		slab_release(s);
}

void
slab_release(struct slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->tab[i]);
	free(s->tab);
	s->tab = NULL;
	s->nchunks = s->tab_cap = 0;
	s->avail = NULL;
	s->nempty = 0;
	s->used = 0;
	s->bytes = 0;
}

size_t
slab_memory(const struct slab *s)
{
	return s->bytes + s->tab_cap * sizeof(s->tab[0]);
}
