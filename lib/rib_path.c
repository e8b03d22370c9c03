/*
 * rib_path: how the RIB stores paths (see rib.h). A prefix's paths are
 * one array in peer-id order, the last one marked, its capacity in its
 * first path; arrays of 1 to RIB_BLOCK_SLABS paths come from a slab per
 * length, longer ones from malloc with room to grow. A path holds one
 * pointer: the received attribute set, or, where inbound policy changed
 * it, a (received, effective) pair interned per RIB.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "rib_private.h"

/* ---- path arrays ---- */

/* How many paths the array at v holds (v may be NULL). */
unsigned
rib_block_len(const struct rib_path *v)
{
	unsigned n = 0;

	if (v == NULL)
		return 0;
	while (!v[n++].last)
		;
	return n;
}

/* An array with room for room paths; NULL when memory ran out. */
static struct rib_path *
block_alloc(struct rib *r, unsigned room)
{
	struct rib_path *v;

	if (room <= RIB_BLOCK_SLABS) {
		v = slab_get(&r->blocks[room - 1]);
	} else {
		v = malloc(room * sizeof(*v));
		if (v != NULL)
			r->big_bytes += room * sizeof(*v);
	}
	if (v != NULL)
		v[0].room = (uint16_t)room;
	return v;
}

void
rib_block_free(struct rib *r, struct rib_path *v)
{
	unsigned room = v[0].room;

	if (room <= RIB_BLOCK_SLABS) {
		slab_put(&r->blocks[room - 1], v);
	} else {
		r->big_bytes -= room * sizeof(*v);
		free(v);
	}
}

static void
mark_last(struct rib_path *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		v[i].last = i + 1 == n;
}

/*
 * A zeroed path at index i of v's n paths, moving v if it is full (the
 * array returned replaces v). NULL when memory ran out: v is unchanged.
 */
struct rib_path *
rib_block_insert(struct rib *r, struct rib_path *v, unsigned n, unsigned i)
{
	struct rib_path *w = v;
	unsigned room = v != NULL ? v[0].room : 0;

	if (n == room) {
		room = n < RIB_BLOCK_SLABS ? n + 1 : MIN(2 * n, RIB_PEER_MAX + 1u);
		w = block_alloc(r, room);
		if (w == NULL)
			return NULL;
		if (n > 0) {
			memcpy(w, v, i * sizeof(*w));
			memcpy(w + i + 1, v + i, (n - i) * sizeof(*w));
			rib_block_free(r, v);
		}
	} else {
		memmove(w + i + 1, w + i, (n - i) * sizeof(*w));
	}
	memset(&w[i], 0, sizeof(w[i]));
	w[0].room = (uint16_t)room;
	mark_last(w, n + 1);
	return w;
}

/*
 * Take out path i of v's n paths; returns the array that replaces v (NULL
 * when none is left). A short array moves to a slab of its new size when
 * one has room, so a prefix that lost a peer holds no empty slot.
 */
struct rib_path *
rib_block_remove(struct rib *r, struct rib_path *v, unsigned n, unsigned i)
{
	unsigned room = v[0].room;
	struct rib_path *w;

	if (n == 1) {
		rib_block_free(r, v);
		return NULL;
	}
	memmove(v + i, v + i + 1, (n - i - 1) * sizeof(*v));
	v[0].room = (uint16_t)room;
	mark_last(v, n - 1);
	if (n - 1 > RIB_BLOCK_SLABS)
		return v;
	w = block_alloc(r, n - 1);
	if (w == NULL)
		return v; /* it stays bigger than it needs: no harm */
	memcpy(w, v, (n - 1) * sizeof(*w));
	w[0].room = (uint16_t)(n - 1);
	rib_block_free(r, v);
	return w;
}

/* Index of peer's path in v, or where it would go (*found tells). */
unsigned
rib_block_find(const struct rib_path *v, unsigned n, uint16_t peer, bool *found)
{
	unsigned i = 0;

	while (i < n && v[i].peer < peer)
		i++;
	*found = i < n && v[i].peer == peer;
	return i;
}

/* ---- attribute pairs ---- */

static uint32_t
pair_hash(const struct attr *in, const struct attr *eff)
{
	uint64_t h = (uintptr_t)in * 0x9e3779b97f4a7c15ull ^ (uintptr_t)eff * 0xc2b2ae3d27d4eb4full;

	return (uint32_t)(h >> 32 ^ h);
}

static bool
pairs_grow(struct rib *r)
{
	size_t n = r->pair_buckets ? 2 * r->pair_buckets : 64;
	struct rib_pair **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return false;
	for (size_t i = 0; i < r->pair_buckets; i++) {
		struct rib_pair *p = r->pairs[i], *next;

		for (; p != NULL; p = next) {
			next = p->next;
			p->next = b[p->hash & (n - 1)];
			b[p->hash & (n - 1)] = p;
		}
	}
	free(r->pairs);
	r->pairs = b;
	r->pair_buckets = n;
	return true;
}

/* The pair (in, eff) with a new reference; NULL when memory ran out. */
static const struct rib_pair *
pair_get(struct rib *r, const struct attr *in, const struct attr *eff)
{
	uint32_t h = pair_hash(in, eff);
	struct rib_pair *p;

	if (r->pair_buckets > 0) {
		for (p = r->pairs[h & (r->pair_buckets - 1)]; p != NULL; p = p->next) {
			if (p->in == in && p->eff == eff) {
				p->refcnt++;
				return p;
			}
		}
	}
	if (r->npairs >= r->pair_buckets && !pairs_grow(r))
		return NULL;
	p = malloc(sizeof(*p));
	if (p == NULL)
		return NULL;
	p->in = in != NULL ? attr_ref(in) : NULL;
	p->eff = eff != NULL ? attr_ref(eff) : NULL;
	p->hash = h;
	p->refcnt = 1;
	p->next = r->pairs[h & (r->pair_buckets - 1)];
	r->pairs[h & (r->pair_buckets - 1)] = p;
	r->npairs++;
	return p;
}

static void
pair_put(struct rib *r, const struct rib_pair *cp)
{
	struct rib_pair **link, *p = (struct rib_pair *)cp;

	if (--p->refcnt > 0)
		return;
	for (link = &r->pairs[p->hash & (r->pair_buckets - 1)]; *link != p; link = &(*link)->next)
		;
	*link = p->next;
	attr_unref(p->in);
	attr_unref(p->eff);
	free(p);
	if (--r->npairs == 0) {
		free(r->pairs); /* policy changes nothing any more: hold nothing for it */
		r->pairs = NULL;
		r->pair_buckets = 0;
	}
}

/*
 * Fill in dst's form and attributes for (in, eff), with new references;
 * false when memory ran out (dst unchanged). The received set alone where
 * policy changed nothing or rejected the path, a pair otherwise.
 */
bool
rib_attrs_take(struct rib *r, struct rib_path *dst, const struct attr *in, const struct attr *eff)
{
	if (eff == in || (eff == NULL && in != NULL)) {
		dst->form = eff == in ? RIB_FORM_SAME : RIB_FORM_REJECTED;
		dst->a.attr = in != NULL ? attr_ref(in) : NULL;
		return true;
	}
	dst->a.pair = pair_get(r, in, eff);
	if (dst->a.pair == NULL)
		return false;
	dst->form = RIB_FORM_PAIR;
	return true;
}

void
rib_attrs_drop(struct rib *r, const struct rib_path *p)
{
	if (p->form == RIB_FORM_PAIR)
		pair_put(r, p->a.pair);
	else
		attr_unref(p->a.attr);
}
