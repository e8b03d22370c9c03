/*
 * rib_out: Adj-RIB-Out (RFC 4271 §3.2) as coalescing pending queues.
 *
 * Per peer, an entry per prefix records what we want the peer to have
 * (want) and what we last sent it (sent). The entry is pending exactly
 * when the two differ, and then sits in one queue: the withdraw queue of
 * its family when want is empty, else the update group ("bucket") of its
 * attribute set and family. Re-announcing or withdrawing moves the entry
 * between queues, so each prefix is pending at most once and the latest
 * state wins. Buckets are served oldest first, each as far as the packer
 * can take it: attributes go on the wire once for many prefixes.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "rib_private.h"

struct out_entry;

struct out_queue {
	struct out_entry *head, *tail;
	size_t n;
};

struct out_bucket {
	struct out_bucket *next, *prev; /* FIFO of buckets, oldest first */
	struct out_bucket *hnext;       /* hash chain */
	const struct attr *attr;        /* kept alive by its entries' want */
	uint8_t afi;
	struct out_queue q;
};

struct out_entry {
	struct out_entry *qnext, *qprev;
	struct out_bucket *bucket; /* pending update; NULL: withdraw queue or idle */
	const struct attr *want, *sent;
	struct prefix prefix;
	uint8_t pending;
};

struct rib_out {
	struct trie *t; /* prefix -> struct out_entry */
	struct out_queue wd[2];
	struct out_bucket *b_head, *b_tail;
	struct out_bucket **hash;
	size_t hsize, nbuckets;
	size_t pending;
};

size_t
rib_out_entry_size(void)
{
	return sizeof(struct out_entry);
}

static inline unsigned
fam(uint8_t afi)
{
	return afi == AFI_IP6 ? 1 : 0;
}

static void
q_append(struct out_queue *q, struct out_entry *e)
{
	e->qnext = NULL;
	e->qprev = q->tail;
	if (q->tail != NULL)
		q->tail->qnext = e;
	else
		q->head = e;
	q->tail = e;
	q->n++;
}

static void
q_remove(struct out_queue *q, struct out_entry *e)
{
	if (e->qprev != NULL)
		e->qprev->qnext = e->qnext;
	else
		q->head = e->qnext;
	if (e->qnext != NULL)
		e->qnext->qprev = e->qprev;
	else
		q->tail = e->qprev;
	e->qnext = e->qprev = NULL;
	q->n--;
}

static size_t
bucket_hash(const struct rib_out *o, const struct attr *a, uint8_t afi)
{
	uintptr_t h = (uintptr_t)a;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)((h >> 16) + afi) & (o->hsize - 1);
}

static bool
hash_grow(struct rib_out *o)
{
	size_t n = o->hsize ? 2 * o->hsize : 64;
	struct out_bucket **h = calloc(n, sizeof(*h)), **old = o->hash;
	size_t oldn = o->hsize;

	if (h == NULL)
		return false;
	o->hash = h;
	o->hsize = n;
	for (size_t i = 0; i < oldn; i++) {
		struct out_bucket *b = old[i], *next;

		for (; b != NULL; b = next) {
			size_t k = bucket_hash(o, b->attr, b->afi);

			next = b->hnext;
			b->hnext = h[k];
			h[k] = b;
		}
	}
	free(old);
	return true;
}

static struct out_bucket *
bucket_get(struct rib_out *o, const struct attr *a, uint8_t afi)
{
	struct out_bucket *b;
	size_t k;

	if (o->hsize > 0) {
		for (b = o->hash[bucket_hash(o, a, afi)]; b != NULL; b = b->hnext)
			if (b->attr == a && b->afi == afi)
				return b;
	}
	if (o->nbuckets >= o->hsize && !hash_grow(o))
		return NULL;
	/* One allocation per attribute set with pending routes, not per route. */
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->attr = a;
	b->afi = afi;
	k = bucket_hash(o, a, afi);
	b->hnext = o->hash[k];
	o->hash[k] = b;
	b->prev = o->b_tail;
	if (o->b_tail != NULL)
		o->b_tail->next = b;
	else
		o->b_head = b;
	o->b_tail = b;
	o->nbuckets++;
	return b;
}

static void
bucket_free(struct rib_out *o, struct out_bucket *b)
{
	struct out_bucket **pp = &o->hash[bucket_hash(o, b->attr, b->afi)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		o->b_head = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	else
		o->b_tail = b->prev;
	o->nbuckets--;
	free(b);
}

static void
dequeue(struct rib_out *o, struct out_entry *e)
{
	if (!e->pending)
		return;
	if (e->bucket != NULL) {
		q_remove(&e->bucket->q, e);
		if (e->bucket->q.n == 0)
			bucket_free(o, e->bucket);
		e->bucket = NULL;
	} else {
		q_remove(&o->wd[fam(e->prefix.afi)], e);
	}
	e->pending = 0;
	o->pending--;
}

/*
 * Put e where its state says, after a change to want or sent. Returns
 * false when e holds nothing any more (the caller frees it), or when a
 * bucket could not be allocated (then e stays out of the queues, still
 * differing; rib_out_reset or the next change retries).
 */
static bool
requeue(struct rib_out *o, struct out_entry *e)
{
	dequeue(o, e);
	if (e->want == e->sent)
		return e->want != NULL;
	if (e->want != NULL) {
		struct out_bucket *b = bucket_get(o, e->want, e->prefix.afi);

		if (b == NULL)
			return true;
		e->bucket = b;
		q_append(&b->q, e);
	} else {
		q_append(&o->wd[fam(e->prefix.afi)], e);
	}
	e->pending = 1;
	o->pending++;
	return true;
}

static void
entry_free(struct rib *r, struct rib_out *o, struct out_entry *e)
{
	dequeue(o, e);
	attr_unref(e->want);
	attr_unref(e->sent);
	slab_put(&r->out_entries, e);
}

static struct rib_out *
out_get(struct rib *r, uint16_t peer)
{
	struct rib_peer *pe = rib_peer(r, peer);

	if (pe == NULL)
		return NULL;
	if (pe->out == NULL) {
		pe->out = calloc(1, sizeof(*pe->out));
		if (pe->out == NULL)
			return NULL;
		pe->out->t = trie_new();
		if (pe->out->t == NULL) {
			free(pe->out);
			pe->out = NULL;
		}
	}
	return pe->out;
}

bool
rib_out_announce(struct rib *r, uint16_t peer, const struct prefix *p, const struct attr *a)
{
	struct rib_out *o = out_get(r, peer);
	struct out_entry *e;
	const struct attr *old;
	bool created;
	void **slot;

	if (o == NULL || a == NULL)
		return false;
	slot = trie_insert(o->t, p, &created);
	if (slot == NULL)
		return false;
	if (created) {
		e = slab_get(&r->out_entries);
		if (e == NULL) {
			trie_remove(o->t, p);
			return false;
		}
		memset(e, 0, sizeof(*e));
		e->prefix = *p;
		*slot = e;
	}
	e = *slot;
	old = e->want;
	e->want = attr_ref(a);
	attr_unref(old);
	requeue(o, e);
	return true;
}

/* The peer's Adj-RIB-Out if it has one; never creates it. */
static struct rib_out *
out_find(const struct rib *r, uint16_t peer)
{
	const struct rib_peer *pe = rib_peer(r, peer);

	return pe != NULL ? pe->out : NULL;
}

bool
rib_out_withdraw(struct rib *r, uint16_t peer, const struct prefix *p)
{
	struct rib_out *o = out_find(r, peer);
	struct out_entry *e;
	void **slot;

	if (o == NULL || (slot = trie_get_slot(o->t, p)) == NULL)
		return false;
	e = *slot;
	attr_unref(e->want);
	e->want = NULL;
	if (!requeue(o, e)) {
		/* Never sent: nothing to tell the peer. */
		entry_free(r, o, e);
		trie_remove(o->t, p);
	}
	return true;
}

bool
rib_out_next(const struct rib *r, uint16_t peer, struct prefix *pfx, size_t cap,
             struct rib_out_batch *b)
{
	const struct rib_peer *pe = rib_peer(r, peer);
	const struct rib_out *o = pe != NULL ? pe->out : NULL;
	const struct out_entry *e = NULL;

	memset(b, 0, sizeof(*b));
	b->pfx = pfx;
	if (o == NULL || o->pending == 0 || cap == 0)
		return false;
	/* Withdraws first (RFC 4271 §9.2 lets us order; stale routes go soonest). */
	if (o->wd[0].n > 0) {
		e = o->wd[0].head;
		b->afi = AFI_IP;
	} else if (o->wd[1].n > 0) {
		e = o->wd[1].head;
		b->afi = AFI_IP6;
	} else if (o->b_head != NULL) {
		e = o->b_head->q.head;
		b->afi = o->b_head->afi;
		b->attr = o->b_head->attr;
	}
	for (; e != NULL && b->n < cap; e = e->qnext)
		pfx[b->n++] = e->prefix;
	return b->n > 0;
}

size_t
rib_out_sent(struct rib *r, uint16_t peer, const struct rib_out_batch *b, size_t n)
{
	struct rib_out *o = out_find(r, peer);
	size_t marked = 0;

	if (o == NULL)
		return 0;
	for (size_t i = 0; i < n && i < b->n; i++) {
		void **slot = trie_get_slot(o->t, &b->pfx[i]);
		struct out_entry *e;
		const struct attr *old;

		if (slot == NULL)
			continue;
		e = *slot;
		/* Only what the batch said: a later change stays pending. */
		if (!e->pending || e->want != b->attr)
			continue;
		old = e->sent;
		e->sent = e->want != NULL ? attr_ref(e->want) : NULL;
		attr_unref(old);
		marked++;
		if (!requeue(o, e)) {
			entry_free(r, o, e);
			trie_remove(o->t, &b->pfx[i]);
		}
	}
	return marked;
}

size_t
rib_out_pending(const struct rib *r, uint16_t peer)
{
	const struct rib_peer *pe = rib_peer(r, peer);

	return pe != NULL && pe->out != NULL ? pe->out->pending : 0;
}

struct prune_ctx {
	struct rib *r;
	struct rib_out *o;
	bool forget; /* flush: drop everything */
};

static void
reset_one(const struct prefix *p, void **val, void *ctx)
{
	struct prune_ctx *pc = ctx;
	struct out_entry *e = *val;

	attr_unref(e->sent);
	e->sent = NULL;
	if (pc->forget) {
		attr_unref(e->want);
		e->want = NULL;
	}
	if (!requeue(pc->o, e)) {
		entry_free(pc->r, pc->o, e);
		*val = NULL;
	}
}

void
rib_out_reset(struct rib *r, uint16_t peer)
{
	const struct rib_peer *pe = rib_peer(r, peer);
	struct prune_ctx pc = {.r = r};

	if (pe == NULL || pe->out == NULL)
		return;
	pc.o = pe->out;
	trie_prune(pc.o->t, 0, reset_one, &pc);
}

void
rib_out_flush(struct rib *r, uint16_t peer)
{
	struct rib_peer *pe = rib_peer(r, peer);

	if (pe == NULL || pe->out == NULL)
		return;
	rib_out_free(r, pe->out);
	pe->out = NULL;
}

void
rib_out_free(struct rib *r, struct rib_out *o)
{
	struct prune_ctx pc = {.r = r, .o = o, .forget = true};

	trie_prune(o->t, 0, reset_one, &pc);
	trie_free(o->t, NULL);
	free(o->hash);
	free(o);
}

size_t
rib_out_memory(const struct rib_out *o)
{
	return sizeof(*o) + trie_memory(o->t) + o->hsize * sizeof(o->hash[0]) +
	       o->nbuckets * sizeof(struct out_bucket);
}

size_t
rib_out_entries(const struct rib_out *o)
{
	return trie_count(o->t);
}

size_t
rib_out_npending(const struct rib_out *o)
{
	return o->pending;
}

struct walk_ctx {
	rib_out_walk_fn fn;
	void *ctx;
};

static int
walk_one(const struct prefix *p, void *val, void *ctx)
{
	const struct walk_ctx *w = ctx;
	const struct out_entry *e = val;

	return w->fn(p, e->want, e->sent, w->ctx);
}

int
rib_out_walk(const struct rib *r, uint16_t peer, rib_out_walk_fn fn, void *ctx)
{
	const struct rib_peer *pe = rib_peer(r, peer);
	struct walk_ctx w = {.fn = fn, .ctx = ctx};

	if (pe == NULL || pe->out == NULL)
		return 0;
	return trie_walk(pe->out->t, walk_one, &w);
}
