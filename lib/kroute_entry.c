/*
 * kroute_entry: where kroute's entries live (see kroute_int.h): full
 * entries in a pool of chunks, settled ones as compact words in the trie,
 * and the moves between the two.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kroute.h"
#include "kroute_int.h"
#include "trie.h"

/* ---- the pool ---- */

static struct pool_chunk *
chunk_new(struct kroute_table *t)
{
	struct pool_chunk *c;

	if (t->nchunks == t->capchunks) {
		size_t cap = t->capchunks ? t->capchunks * 2 : 16;
		struct pool_chunk **v = realloc(t->chunkv, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		t->chunkv = v;
		t->capchunks = cap;
	}
	if (!kr_queue_reserve(t, (t->nchunks + 1) * POOL_CHUNK))
		return NULL;
	c = malloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	c->free = NULL;
	c->live = 0;
	for (size_t i = POOL_CHUNK; i-- > 0;) {
		c->items[i].p.afi = 0; /* free (see pool_walk) */
		c->items[i].qnext = c->free;
		c->free = &c->items[i];
	}
	c->at = t->nchunks;
	t->chunkv[t->nchunks++] = c;
	return c;
}

struct kroute *
kr_alloc(struct kroute_table *t)
{
	struct pool_chunk *c = NULL;
	struct kroute *r;

	if (t->cur < t->nchunks && t->chunkv[t->cur]->free != NULL)
		c = t->chunkv[t->cur];
	for (size_t i = 0; c == NULL && i < t->nchunks; i++)
		if (t->chunkv[i]->free != NULL)
			c = t->chunkv[t->cur = i];
	if (c == NULL && (c = chunk_new(t)) == NULL)
		return NULL;
	t->cur = c->at;
	r = c->free;
	c->free = r->qnext;
	c->live++;
	t->nfull++;
	memset(r, 0, sizeof(*r));
	r->chunk = c;
	return r;
}

static void
chunk_free(struct kroute_table *t, struct pool_chunk *c)
{
	t->chunkv[c->at] = t->chunkv[--t->nchunks];
	t->chunkv[c->at]->at = c->at;
	if (t->cur >= t->nchunks)
		t->cur = 0;
	free(c);
	kr_queue_fit(t, t->nchunks * POOL_CHUNK);
}

/* Back to its chunk; a chunk left empty goes back to malloc (one stays). */
void
kr_release(struct kroute_table *t, struct kroute *r)
{
	struct pool_chunk *c = r->chunk;

	r->p.afi = 0;
	r->qnext = c->free;
	c->free = r;
	t->nfull--;
	/* A sweep in steps walks the pool by position: it stays put till then. */
	if (--c->live > 0 || t->nchunks == 1 || t->sweep.active)
		return;
	chunk_free(t, c);
}

/* Give back every empty chunk but one. */
void
pool_trim(struct kroute_table *t)
{
	for (size_t i = t->nchunks; i-- > 0 && t->nchunks > 1;)
		if (i < t->nchunks && t->chunkv[i]->live == 0)
			chunk_free(t, t->chunkv[i]);
}

/* ---- compact entries ---- */

/*
 * A settled route's trie value is a tagged word, not a pointer: bit 0 set
 * (entries are aligned, so a pointer has it clear), the flags below, and
 * in the upper half the index of its set, on which it holds one reference
 * (want, tgt and have in one). It becomes a full entry again the moment
 * anything is to be done with it.
 */

bool
is_compact(const void *v)
{
	return ((uintptr_t)v & KC_TAG) != 0;
}

unsigned
kc_bits(const void *v)
{
	return (unsigned)((uintptr_t)v & 0xff);
}

struct nhset *
kc_set(const struct kroute_table *t, const void *v)
{
	return t->setv[(uint32_t)((uint64_t)(uintptr_t)v >> 32)];
}

void *
kc_pack(const struct nhset *s, unsigned bits)
{
	return (void *)(uintptr_t)(((uint64_t)s->idx << 32) | bits | KC_TAG);
}

/* A compact entry as a full one, without references: for reading only. */
void
kc_view(const struct kroute_table *t, const struct prefix *p, const void *v, struct kroute *r)
{
	unsigned b = kc_bits(v);
	struct nhset *s = kc_set(t, v);

	memset(r, 0, sizeof(*r));
	r->p = *p;
	r->flags = (uint8_t)((b & KC_DISCARD ? KR_DISCARD : 0) | (b & KC_STALE ? KR_STALE : 0) |
	                     (b & KC_SEEN ? KR_SEEN : 0));
	r->have = r->tgt = s;
	r->want = b & KC_WANT ? s : NULL;
}

/* Make the entry in slot a full one; NULL without memory (it stays compact). */
struct kroute *
kc_expand(struct kroute_table *t, const struct prefix *p, void **slot)
{
	struct kroute *r = kr_alloc(t);
	struct nhset *s = kc_set(t, *slot);

	if (r == NULL)
		return NULL;
	struct pool_chunk *c = r->chunk;

	kc_view(t, p, *slot, r);
	r->chunk = c;
	r->tgt = kr_nh_ref(s);
	if (r->want != NULL)
		kr_nh_ref(s); /* nwant counts it already */
	*slot = r;
	return r;
}

/*
 * The full entry in slot (made full if compact), remembering the slot: a
 * route settles soon after, and finding its slot again is a second walk
 * down the trie, the dearest part of a change once the kernel's part is
 * one message for all routes (a failover over nexthop groups).
 */
static struct kroute *
kr_at(struct kroute_table *t, const struct prefix *p, void **slot)
{
	struct kroute *r = is_compact(*slot) ? kc_expand(t, p, slot) : *slot;

	if (r != NULL) {
		r->slot = slot;
		r->shape = t->shape;
	}
	return r;
}

struct kroute *
kr_find(struct kroute_table *t, const struct prefix *p)
{
	void **slot = trie_get_slot(t->routes, p);

	if (slot == NULL || *slot == NULL)
		return NULL;
	return kr_at(t, p, slot);
}

struct kroute *
kr_get(struct kroute_table *t, const struct prefix *p)
{
	bool created;
	void **slot = trie_insert(t->routes, p, &created);

	if (slot == NULL)
		return NULL;
	if (created)
		t->shape++;
	if (!created && *slot != NULL)
		return kr_at(t, p, slot);
	struct kroute *r = kr_alloc(t);
	if (r == NULL) {
		trie_remove(t->routes, p);
		return NULL;
	}
	r->p = *p;
	*slot = r;
	r->slot = slot;
	r->shape = t->shape;
	return r;
}

/*
 * Every live entry, visited at pool slot i * POOL_STRIDE mod size: since
 * the pool fills in arrival order, this scatters prefixes however they
 * arrived. Bulk work (a dump's reconciliation, the sweep of stale routes,
 * the withdrawal at close) goes through here, not a trie walk, because the
 * Linux kernel's LC-trie takes sorted prefixes far slower than scattered
 * ones: removing a million routes took 22 s in prefix order, 3.5 s
 * scattered. fn must not free.
 */
void
pool_walk(struct kroute_table *t, void (*fn)(struct kroute_table *t, struct kroute *r))
{
	size_t total = t->nchunks * POOL_CHUNK, at = 0;

	for (size_t i = 0; i < total; i++) {
		struct kroute *r = &t->chunkv[at / POOL_CHUNK]->items[at % POOL_CHUNK];

		if (r->p.afi != 0)
			fn(t, r);
		at = (at + POOL_STRIDE) % total;
	}
}
