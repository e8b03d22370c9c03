/*
 * kroute: the shadow of one kernel routing table (see kroute.h).
 *
 * Entries are found through a trie. A settled one is only its trie value,
 * a tagged word naming its set by index ("compact entries" below); one
 * with work going on is a full struct kroute from a pool of chunks.
 * Next-hop sets are interned in a hash table and numbered (setv). A ring
 * of in-flight records indexed by sequence number maps each answer back to
 * its entry and the set it carried. Nexthop objects: kroute_nh.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "kroute.h"
#include "kroute_int.h"
#include "trie.h"
#include "xorshift.h"

const char *
kroute_strerror(int err)
{
	switch (err) {
	case KROUTE_OK:
		return "ok";
	case KROUTE_ERR_PROTECTED:
		return "overlaps a protected prefix (peering subnet or connected route)";
	case KROUTE_ERR_NOMEM:
		return "out of memory";
	case KROUTE_ERR_INVAL:
		return "invalid route";
	default:
		return "unknown error";
	}
}

/* ---- next-hop sets ---- */

int
kr_nh_cmp(const struct kroute_nexthop *x, const struct kroute_nexthop *y)
{
	int c = addr_cmp(&x->gw, &y->gw);

	if (c != 0)
		return c;
	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

static int
nh_cmp(const void *a, const void *b)
{
	return kr_nh_cmp(a, b);
}

/* FNV-1a over the fields that matter (never the padding). */
static uint32_t
nh_hash(const struct kroute_nexthop *nh, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *b = nh[i].gw.bytes;

		h = (h ^ nh[i].gw.afi) * 16777619u;
		for (size_t j = 0; j < sizeof(nh[i].gw.bytes); j++)
			h = (h ^ b[j]) * 16777619u;
		h = (h ^ nh[i].ifindex) * 16777619u;
	}
	return h;
}

static bool
nh_same(const struct nhset *s, const struct kroute_nexthop *nh, size_t n)
{
	if (s->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (nh_cmp(&s->nh[i], &nh[i]) != 0)
			return false;
	return true;
}

/* A slot in setv for s; false without memory. */
static bool
idx_take(struct kroute_table *t, struct nhset *s)
{
	if (t->nsetfree > 0) {
		s->idx = t->setfree[--t->nsetfree];
	} else {
		if (t->nsetv == t->capsetv) {
			size_t cap = t->capsetv ? t->capsetv * 2 : 64;
			struct nhset **v = realloc(t->setv, cap * sizeof(*v));
			uint32_t *f;

			if (v == NULL)
				return false;
			t->setv = v;
			f = realloc(t->setfree, cap * sizeof(*f));
			if (f == NULL)
				return false;
			t->setfree = f;
			t->capsetv = cap;
		}
		s->idx = (uint32_t)t->nsetv++;
	}
	t->setv[s->idx] = s;
	return true;
}

static void
idx_give(struct kroute_table *t, struct nhset *s)
{
	t->setv[s->idx] = NULL;
	t->setfree[t->nsetfree++] = s->idx;
}

static struct nhset *
nh_ref(struct nhset *s)
{
	if (s != NULL)
		s->refs++;
	return s;
}

static void
nh_unref(struct kroute_table *t, struct nhset *s)
{
	while (s != NULL && --s->refs == 0) {
		struct nhset *to = s->moved_to;

		if (!s->ghost) {
			struct nhset **pp = &t->nh_hash[s->hash & (t->nh_hash_size - 1)];
			while (*pp != s)
				pp = &(*pp)->hnext;
			*pp = s->hnext;
			t->nh_count--;
		}
		if (s->gid != 0)
			nho_release(t, s);
		idx_give(t, s);
		free(s);
		s = to; /* a ghost held its successor */
	}
}

struct nhset *
kr_nh_ref(struct nhset *s)
{
	return nh_ref(s);
}

void
kr_nh_unref(struct kroute_table *t, struct nhset *s)
{
	nh_unref(t, s);
}

static bool
nh_grow(struct kroute_table *t)
{
	size_t size = t->nh_hash_size * 2;
	struct nhset **h = calloc(size, sizeof(*h));

	if (h == NULL)
		return false;
	for (size_t i = 0; i < t->nh_hash_size; i++) {
		struct nhset *s = t->nh_hash[i], *next;

		for (; s != NULL; s = next) {
			next = s->hnext;
			s->hnext = h[s->hash & (size - 1)];
			h[s->hash & (size - 1)] = s;
		}
	}
	free(t->nh_hash);
	t->nh_hash = h;
	t->nh_hash_size = size;
	return true;
}

/*
 * The interned set for nh[0..n), with a reference taken. The next hops are
 * copied into zeroed slots first, so that equal sets have equal bytes (the
 * hash covers all 16 address bytes), then sorted.
 */
static struct nhset *
nh_intern(struct kroute_table *t, const struct kroute_nexthop *in, size_t n)
{
	struct kroute_nexthop nh[KROUTE_MAX_NEXTHOPS];
	struct nhset *s;
	uint32_t h;

	memset(nh, 0, sizeof(nh));
	for (size_t i = 0; i < n; i++) {
		nh[i].gw.afi = in[i].gw.afi;
		memcpy(nh[i].gw.bytes, in[i].gw.bytes, in[i].gw.afi ? afi_bytes(in[i].gw.afi) : 0);
		nh[i].ifindex = in[i].ifindex;
	}
	qsort(nh, n, sizeof(*nh), nh_cmp);
	h = nh_hash(nh, n);
	for (s = t->nh_hash[h & (t->nh_hash_size - 1)]; s != NULL; s = s->hnext)
		if (s->hash == h && nh_same(s, nh, n))
			return nh_ref(s);
	if (t->nh_count >= t->nh_hash_size && !nh_grow(t))
		return NULL;
	s = calloc(1, sizeof(*s) + n * sizeof(s->nh[0]));
	if (s == NULL)
		return NULL;
	if (!idx_take(t, s)) {
		free(s);
		return NULL;
	}
	s->hash = h;
	s->refs = 1;
	s->n = (uint32_t)n;
	memcpy(s->nh, nh, n * sizeof(*nh));
	s->hnext = t->nh_hash[h & (t->nh_hash_size - 1)];
	t->nh_hash[h & (t->nh_hash_size - 1)] = s;
	t->nh_count++;
	return s;
}

struct nhset *
kr_nh_intern(struct kroute_table *t, const struct kroute_nexthop *nh, size_t n)
{
	return nh_intern(t, nh, n);
}

/* Replace *slot by s (a reference the caller already holds). */
static void
nh_assign(struct kroute_table *t, struct nhset **slot, struct nhset *s)
{
	nh_unref(t, *slot);
	*slot = s;
}

static void
set_want(struct kroute_table *t, struct kroute *r, struct nhset *s)
{
	if (r->want != NULL)
		r->want->nwant--;
	if (s != NULL)
		s->nwant++;
	nh_assign(t, &r->want, s);
}

/*
 * A set whose group went to another set (a failover in one message) is a
 * ghost: the kernel's routes on that group now have the new set's next
 * hops, and so does the shadow, from the first time the entry is touched.
 */
static struct nhset *
follow(struct nhset *s)
{
	while (s != NULL && s->ghost)
		s = s->moved_to;
	return s;
}

static void set_have(struct kroute_table *t, struct kroute *r, struct nhset *s);

static void
resolve(struct kroute_table *t, struct kroute *r)
{
	if (r->tgt != NULL && r->tgt->ghost)
		nh_assign(t, &r->tgt, nh_ref(follow(r->tgt)));
	if (r->have != NULL && r->have->ghost)
		set_have(t, r, follow(r->have));
}

static void
set_have(struct kroute_table *t, struct kroute *r, struct nhset *s)
{
	t->ninstalled += (s != NULL) - (r->have != NULL);
	nh_assign(t, &r->have, nh_ref(s));
}

/* What the kernel should hold for r now. */
static struct nhset *
desired(const struct kroute_table *t, const struct kroute *r)
{
	if (r->flags & KR_REFUSED)
		return NULL;
	if (r->want != NULL)
		return r->want;
	if (r->flags & KR_DISCARD)
		return t->bh;
	if (r->flags & KR_STALE)
		return r->have;
	return NULL;
}

/* Drop an entry that wants nothing, holds nothing and waits for nothing. */
static void
kr_maybe_free(struct kroute_table *t, struct kroute *r)
{
	if (r->want || r->tgt || r->have || r->inflight ||
	    (r->flags & (KR_DISCARD | KR_QUEUED | KR_RETRY | KR_STALE)))
		return;
	trie_remove(t->routes, &r->p);
	t->shape++;
	kr_release(t, r);
}

/*
 * A full entry with nothing going on becomes compact (its memory goes back
 * to the pool). The caller must not use r afterwards.
 */
static void
kr_compact(struct kroute_table *t, struct kroute *r)
{
	unsigned b = 0;
	void **slot;

	if (!COMPACT || r->inflight || r->last_err || r->tries ||
	    (r->flags & (KR_QUEUED | KR_RETRY | KR_REFUSED | KR_REPOINT)))
		return;
	resolve(t, r);
	if (r->have == NULL || r->tgt != r->have || desired(t, r) != r->have)
		return;
	if (r->want == r->have)
		b |= KC_WANT;
	else if (r->want != NULL)
		return;
	b |= (r->flags & KR_DISCARD ? KC_DISCARD : 0) | (r->flags & KR_STALE ? KC_STALE : 0) |
	     (r->flags & KR_SEEN ? KC_SEEN : 0);
	slot = r->shape == t->shape ? r->slot : NULL;
	if (slot == NULL || *slot != r)
		slot = trie_get_slot(t->routes, &r->p);
	if (slot == NULL)
		return;
	/* One reference stays for all three; nwant keeps counting a want. */
	nh_unref(t, r->tgt);
	if (r->want != NULL)
		nh_unref(t, r->want);
	*slot = kc_pack(r->have, b);
	kr_release(t, r);
}

/* Done with r for now: free it if empty, else make it compact if settled. */
static void
kr_settle(struct kroute_table *t, struct kroute *r)
{
	if (r->want || r->tgt || r->have || r->inflight ||
	    (r->flags & (KR_DISCARD | KR_QUEUED | KR_RETRY | KR_STALE)))
		kr_compact(t, r);
	else
		kr_maybe_free(t, r);
}

static void
clear_stale(struct kroute_table *t, struct kroute *r)
{
	if (r->flags & KR_STALE) {
		r->flags &= ~KR_STALE;
		t->nstale--;
	}
}

/*
 * Bulk work on every entry: first the compact ones that pred picks become
 * full (in prefix order, so they sit in the pool in that order), then fn
 * visits every full entry scattered (pool_walk).
 */
struct expand_ctx {
	struct kroute_table *t;
	bool (*pred)(const struct kroute_table *t, const void *v);
	bool failed;
};

static void
expand_fn(const struct prefix *p, void **val, void *ctx)
{
	struct expand_ctx *e = ctx;

	if (*val != NULL && is_compact(*val) && e->pred(e->t, *val) && !kc_expand(e->t, p, val))
		e->failed = true;
}

static bool
bulk(struct kroute_table *t, bool (*pred)(const struct kroute_table *t, const void *v),
     void (*fn)(struct kroute_table *t, struct kroute *r))
{
	struct expand_ctx e = {t, pred, false};

	if (pred != NULL)
		trie_prune(t->routes, 0, expand_fn, &e);
	t->shape++;
	pool_walk(t, fn);
	return !e.failed;
}

/* ---- the queue and the retry list ---- */

/*
 * Which queued entry goes next: the oldest while few wait, one at random
 * from a larger backlog. The order does not matter for correctness (each
 * entry is queued at most once and its change is worked out when it is
 * taken), but it matters to the kernel's IPv4 FIB, an LC-trie that
 * resizes its nodes as they fill and empty. Measured here with 1M routes
 * over one nexthop object (bench_kernel --from): in the order a peer
 * sends a table (sorted) they install in 3.1 s and delete in 4.0 s; in a
 * random order in 1.8 s and 1.1 s. Shuffling each 1024-route batch gained
 * nothing and 64k-route windows half of it: the whole backlog must be
 * scattered. An entry's wait stays about the backlog's length: it is
 * still queued after k times that many takes with probability e^-k.
 */
#define SCATTER_FROM 1024

static struct kroute **
queue_at(struct kroute_table *t, size_t i)
{
	return &t->qv[(t->qfirst + i) & (t->qcap - 1)];
}

/* The ring at cap slots (a power of two, at least nqueued); false without memory. */
static bool
queue_resize(struct kroute_table *t, size_t cap)
{
	struct kroute **v = malloc(cap * sizeof(*v));

	if (v == NULL)
		return false;
	for (size_t i = 0; i < t->nqueued; i++)
		v[i] = *queue_at(t, i); /* the oldest at 0 */
	free(t->qv);
	t->qv = v;
	t->qcap = cap;
	t->qfirst = 0;
	return true;
}

/* The ring's size for n entries: a power of two, 64 at least. */
static size_t
queue_cap_for(size_t n)
{
	size_t cap = 64;

	while (cap < n)
		cap *= 2;
	return cap;
}

bool
kr_queue_reserve(struct kroute_table *t, size_t n)
{
	return n <= t->qcap || queue_resize(t, queue_cap_for(n));
}

void
kr_queue_fit(struct kroute_table *t, size_t n)
{
	size_t cap = queue_cap_for(n);

	if (cap * 4 <= t->qcap)
		(void)queue_resize(t, cap); /* without memory the big one stays */
}

static void
enqueue(struct kroute_table *t, struct kroute *r)
{
	if (r->flags & KR_QUEUED)
		return;
	r->flags |= KR_QUEUED;
	*queue_at(t, t->nqueued++) = r; /* room: kr_queue_reserve */
}

void
kroute_requeue(struct kroute_table *t, struct kroute *r)
{
	if (r->flags & KR_QUEUED)
		return;
	r->flags |= KR_QUEUED;
	t->qfirst = (t->qfirst - 1) & (t->qcap - 1);
	t->qv[t->qfirst] = r;
	t->nqueued++;
}

static struct kroute *
dequeue(struct kroute_table *t)
{
	struct kroute *r, **first;

	if (t->nqueued == 0)
		return NULL;
	first = queue_at(t, 0);
	if (t->nqueued > SCATTER_FROM) {
		struct kroute **pick = queue_at(t, xorshift32(&t->qrng) % t->nqueued);

		r = *pick;
		*pick = *first;
	} else {
		r = *first;
	}
	t->qfirst = (t->qfirst + 1) & (t->qcap - 1);
	t->nqueued--;
	r->flags &= ~KR_QUEUED;
	return r;
}

static void
retry_add(struct kroute_table *t, struct kroute *r, uint32_t now)
{
	unsigned delay;

	if (r->tries < 255)
		r->tries++;
	delay = r->tries >= 7 ? KROUTE_RETRY_MAX : MIN(KROUTE_RETRY_MAX, 1u << (r->tries - 1));
	r->due = now + delay;
	if (!(r->flags & KR_RETRY)) {
		r->flags |= KR_RETRY;
		r->rnext = t->rhead;
		t->rhead = r;
		t->nretry++;
	}
}

size_t
kroute_retry_due(struct kroute_table *t, uint32_t now)
{
	struct kroute **pp = &t->rhead;

	while (*pp != NULL) {
		struct kroute *r = *pp;

		if ((int32_t)(now - r->due) >= 0 || r->last_err == 0) {
			*pp = r->rnext;
			r->flags &= ~KR_RETRY;
			t->nretry--;
			enqueue(t, r);
		} else {
			pp = &r->rnext;
		}
	}
	return t->nretry + nho_retry_due(t);
}

void
kroute_retry_expedite(struct kroute_table *t, uint32_t now)
{
	for (struct kroute *r = t->rhead; r != NULL; r = r->rnext)
		r->due = now;
}

/* ---- protection ---- */

static int
any_fn(const struct prefix *p, void *val, void *ctx)
{
	return 1;
}

/*
 * A route with next hops must neither cover nor lie inside a protected
 * prefix (either would take the session's own subnet away from the
 * connected route); the default route is exempt. A discard only may not
 * lie inside one: an aggregate's blackhole normally covers connected
 * subnets, and the longer connected route still wins.
 */
static bool
conflicts(const struct kroute_table *t, const struct kroute *r)
{
	bool discard_only = r->want == NULL;

	if (r->want == NULL && !(r->flags & KR_DISCARD))
		return false;
	if (trie_longest(t->protect, &r->p, NULL) != NULL)
		return true;
	if (discard_only || r->p.len == 0)
		return false;
	return trie_walk_covered(t->protect, &r->p, any_fn, NULL) != 0;
}

/* Recompute KR_REFUSED; true when r is (still) refused. */
static bool
update_refused(struct kroute_table *t, struct kroute *r)
{
	if (conflicts(t, r))
		r->flags |= KR_REFUSED;
	else
		r->flags &= ~KR_REFUSED;
	return (r->flags & KR_REFUSED) != 0;
}

static int
reprotect_fn(const struct prefix *p, void *val, void *ctx)
{
	struct kroute_table *t = ctx;
	struct kroute *r = val;

	if (r == NULL)
		return 0;
	/* Only the value changes, never the trie's shape: safe inside the walk. */
	if (is_compact(val) && (r = kr_find(t, p)) == NULL)
		return 0;
	update_refused(t, r);
	enqueue(t, r);
	return 0;
}

/* Entries overlapping p get their refusal recomputed and are queued. */
static void
reprotect(struct kroute_table *t, const struct prefix *p)
{
	trie_walk_covered(t->routes, p, reprotect_fn, t);
	trie_walk_covering(t->routes, p, reprotect_fn, t);
}

int
kroute_protect(struct kroute_table *t, const struct prefix *p)
{
	bool created;
	void **slot = trie_insert(t->protect, p, &created);

	if (slot == NULL)
		return KROUTE_ERR_NOMEM;
	*slot = (void *)((uintptr_t)*slot + 1);
	if (created)
		reprotect(t, p);
	return KROUTE_OK;
}

void
kroute_unprotect(struct kroute_table *t, const struct prefix *p)
{
	bool created;
	void **slot;

	if (trie_get(t->protect, p) == NULL)
		return;
	slot = trie_insert(t->protect, p, &created);
	if (slot == NULL)
		return;
	uintptr_t n = (uintptr_t)*slot;
	if (n > 1) {
		*slot = (void *)(n - 1);
		return;
	}
	trie_remove(t->protect, p);
	reprotect(t, p);
}

bool
kroute_is_protected(const struct kroute_table *t, const struct prefix *p)
{
	return trie_get(t->protect, p) != NULL;
}

/* ---- the daemon's wishes ---- */

static bool
prefix_ok(const struct prefix *p)
{
	/* The kernel refuses host bits ("Invalid prefix for given prefix length"). */
	return (p->afi == AFI_IP || p->afi == AFI_IP6) && p->len <= afi_bits(p->afi) &&
	       !prefix_host_bits_set(p);
}

static bool
route_ok(const struct prefix *p, const struct kroute_nexthop *nh, size_t n)
{
	if (!prefix_ok(p) || n > KROUTE_MAX_NEXTHOPS)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (nh[i].gw.afi != 0 && nh[i].gw.afi != p->afi)
			return false;
		if (nh[i].gw.afi == 0 && nh[i].ifindex == 0)
			return false;
		for (size_t j = 0; j < i; j++)
			if (nh_cmp(&nh[i], &nh[j]) == 0)
				return false;
	}
	return true;
}

int
kroute_set(struct kroute_table *t, const struct prefix *p, const struct kroute_nexthop *nh,
           size_t n)
{
	struct nhset *s = NULL;
	struct kroute *r;

	if (!route_ok(p, nh, n))
		return KROUTE_ERR_INVAL;
	if (n == 0) {
		r = kr_find(t, p);
		if (r == NULL)
			return KROUTE_OK;
	} else {
		s = nh_intern(t, nh, n);
		if (s == NULL || (r = kr_get(t, p)) == NULL) {
			nh_unref(t, s);
			return KROUTE_ERR_NOMEM;
		}
	}
	set_want(t, r, s);
	clear_stale(t, r);
	r->tries = 0;
	bool refused = update_refused(t, r);
	enqueue(t, r);
	return refused && n > 0 ? KROUTE_ERR_PROTECTED : KROUTE_OK;
}

int
kroute_discard(struct kroute_table *t, const struct prefix *p, bool present)
{
	struct kroute *r;

	if (!prefix_ok(p))
		return KROUTE_ERR_INVAL;
	r = present ? kr_get(t, p) : kr_find(t, p);
	if (r == NULL)
		return present ? KROUTE_ERR_NOMEM : KROUTE_OK;
	if (present)
		r->flags |= KR_DISCARD;
	else
		r->flags &= ~KR_DISCARD;
	clear_stale(t, r);
	bool refused = update_refused(t, r);
	enqueue(t, r);
	return refused && present ? KROUTE_ERR_PROTECTED : KROUTE_OK;
}

static bool
is_stale(const struct kroute_table *t, const void *v)
{
	return (kc_bits(v) & KC_STALE) != 0;
}

static bool
any_entry(const struct kroute_table *t, const void *v)
{
	return true;
}

static int
stale_fn(const struct prefix *p, void *val, void *ctx)
{
	size_t *n = ctx;

	if (val != NULL && (is_compact(val) ? (kc_bits(val) & KC_STALE) != 0
	                                    : (((struct kroute *)val)->flags & KR_STALE) != 0))
		(*n)++;
	return 0;
}

static size_t
count_stale(const struct kroute_table *t)
{
	size_t n = 0;

	trie_walk(t->routes, stale_fn, &n);
	return n;
}

static void
sweep_one(struct kroute_table *t, struct kroute *r)
{
	resolve(t, r);
	if (r->flags & KR_STALE) {
		r->flags &= ~KR_STALE;
		t->nstale--;
		enqueue(t, r);
	}
}

size_t
kroute_sweep_stale(struct kroute_table *t)
{
	size_t n = t->nstale;

	if (t->sweep.active) {
		t->sweep.active = false;
		pool_trim(t);
	}
	if (n == 0)
		return 0;
	/* Without memory for some, they stay stale: the next sweep takes them. */
	bulk(t, is_stale, sweep_one);
	return n;
}

/*
 * The same in steps: first the compact stale entries become full, budget
 * trie entries a step (in prefix order, so they fill the pool in that
 * order), then one scattered pass queues them all.
 */
bool
kroute_sweep_step(struct kroute_table *t, size_t budget)
{
	struct expand_ctx e = {t, is_stale, false};
	struct prefix last;
	bool end;

	if (!t->sweep.active) {
		if (t->nstale == 0)
			return true;
		t->sweep.active = true;
		t->sweep.started = t->sweep.queueing = false;
	}
	if (budget == 0)
		budget = 1;
	if (!t->sweep.queueing) {
		t->shape++;
		end = trie_prune_after(t->routes, t->sweep.started ? &t->sweep.after : NULL, budget,
		                       expand_fn, &e, &last);
		t->sweep.started = true;
		t->sweep.after = last;
		if (!end)
			return false;
		/* The pool by position, scattered (see pool_walk), budget * 4 a step. */
		t->sweep.queueing = true;
		t->sweep.total = t->nchunks * POOL_CHUNK;
		t->sweep.pos = t->sweep.at = 0;
		return false;
	}
	for (size_t n = 0; n < budget * 4 && t->sweep.pos < t->sweep.total; n++, t->sweep.pos++) {
		size_t at = t->sweep.at;
		struct kroute *r = &t->chunkv[at / POOL_CHUNK]->items[at % POOL_CHUNK];

		if (r->p.afi != 0)
			sweep_one(t, r);
		t->sweep.at = (at + POOL_STRIDE) % t->sweep.total;
	}
	if (t->sweep.pos < t->sweep.total)
		return false;
	t->sweep.active = t->sweep.queueing = false;
	pool_trim(t);
	return true;
}

static void
withdraw_one(struct kroute_table *t, struct kroute *r)
{
	set_want(t, r, NULL);
	r->flags &= ~(KR_DISCARD | KR_STALE | KR_REFUSED);
	enqueue(t, r);
}

void
kroute_withdraw_all(struct kroute_table *t)
{
	/* What has no memory to be withdrawn with stays: kroute_free releases it. */
	bulk(t, any_entry, withdraw_one);
	t->nstale = count_stale(t);
}

/* ---- counters and the walk ---- */

size_t
kroute_installed(const struct kroute_table *t)
{
	return t->ninstalled;
}

size_t
kroute_queued(const struct kroute_table *t)
{
	return t->nqueued;
}

size_t
kroute_inflight(const struct kroute_table *t)
{
	return t->ninflight;
}

size_t
kroute_retrying(const struct kroute_table *t)
{
	return t->nretry;
}

size_t
kroute_stale(const struct kroute_table *t)
{
	return t->nstale;
}

size_t
kroute_pending(const struct kroute_table *t)
{
	/* A sweep in steps counts what it has yet to queue. */
	return t->nqueued + t->ninflight + t->nretry + (t->sweep.active ? t->nstale : 0);
}

size_t
kroute_full(const struct kroute_table *t)
{
	return t->nfull;
}

size_t
kroute_memory(const struct kroute_table *t)
{
	size_t b = sizeof(*t) + trie_memory(t->routes) + trie_memory(t->protect);

	b += t->nchunks * sizeof(struct pool_chunk) + t->capchunks * sizeof(t->chunkv[0]);
	b += t->qcap * sizeof(t->qv[0]);
	b += t->capsetv * (sizeof(t->setv[0]) + sizeof(t->setfree[0]));
	b += t->nh_hash_size * sizeof(t->nh_hash[0]) + KROUTE_WINDOW * sizeof(t->ring[0]);
	for (size_t i = 0; i < t->nh_hash_size; i++)
		for (const struct nhset *s = t->nh_hash[i]; s != NULL; s = s->hnext)
			b += sizeof(*s) + s->n * sizeof(s->nh[0]);
	return b;
}

struct walk_ctx {
	int (*fn)(const struct kroute_info *ri, void *ctx);
	void *ctx;
	const struct kroute_table *t;
	const struct prefix *within;
};

/* Walking after a start: the entries within a prefix come in one run. */
#define WALK_PAST INT_MIN

static int
walk_fn(const struct prefix *p, void *val, void *ctx)
{
	struct walk_ctx *w = ctx;
	const struct kroute *r = val;
	struct kroute_info ri;
	struct kroute view;

	if (r == NULL)
		return 0;
	if (is_compact(val)) {
		kc_view(w->t, p, val, &view);
		r = &view;
	}
	if (w->within && !prefix_covers(w->within, p))
		return prefix_cmp(p, w->within) > 0 ? WALK_PAST : 0;
	memset(&ri, 0, sizeof(ri));
	ri.prefix = &r->p;
	const struct nhset *have = follow(r->have), *d = desired(w->t, r);

	ri.discard = have == w->t->bh;
	ri.stale = (r->flags & KR_STALE) != 0;
	ri.pending = follow((struct nhset *)d) != have || r->inflight > 0;
	ri.last_error = r->last_err;
	if (have != NULL && !ri.discard) {
		ri.n = have->n;
		ri.nh = have->nh;
	}
	return w->fn(&ri, w->ctx);
}

int
kroute_walk(const struct kroute_table *t, int (*fn)(const struct kroute_info *ri, void *ctx),
            void *ctx)
{
	struct walk_ctx w = {fn, ctx, t, NULL};

	return trie_walk(t->routes, walk_fn, &w);
}

int
kroute_walk_from(const struct kroute_table *t, const struct prefix *after,
                 const struct prefix *within, int (*fn)(const struct kroute_info *ri, void *ctx),
                 void *ctx)
{
	struct walk_ctx w = {fn, ctx, t, NULL};
	int r;

	if (!after && within)
		return trie_walk_covered(t->routes, within, walk_fn, &w);
	w.within = within;
	r = trie_walk_after(t->routes, after, walk_fn, &w);
	return r == WALK_PAST && within ? 0 : r;
}

/* ---- sending ---- */

size_t
kroute_take(struct kroute_table *t, struct kroute **v, size_t max)
{
	size_t n = 0;
	struct kroute *r;

	while (n < max && (r = dequeue(t)) != NULL)
		v[n++] = r;
	return n;
}

/*
 * r goes from its group's set to d, a set with no group yet, and no route
 * wants the old set any more: the old group becomes d's in one replace,
 * and r (like every route on it) needs no message of its own.
 */
static bool
move_group(struct kroute_table *t, struct kroute *r, struct nhset *d)
{
	struct nhset *from = r->tgt;

	if (!t->nho.on || d == NULL || d == t->bh || from == NULL || from == t->bh || from == d ||
	    from->nwant > 0 || from->gid == 0 || !from->gok || d->gid != 0 ||
	    (r->flags & KR_REPOINT) || !nho_eligible(t, d))
		return false;
	if (!nho_move(t, from, d))
		return false;
	resolve(t, r);
	return true;
}

bool
kroute_change_of(struct kroute_table *t, struct kroute *r, struct kroute_change *c)
{
	struct nhset *d;

	resolve(t, r);
	d = desired(t, r);
	move_group(t, r, d);
	if (d == r->tgt && !(r->flags & KR_REPOINT)) {
		kr_settle(t, r);
		return false;
	}
	memset(c, 0, sizeof(*c));
	c->p = &r->p;
	if (d == NULL) {
		c->op = KROUTE_DELETE;
	} else if (d == t->bh) {
		c->op = KROUTE_BLACKHOLE;
	} else {
		c->op = KROUTE_UNICAST;
		c->n = d->n;
		c->nh = d->nh;
		/* Without memory for the group, this route goes with its next hops. */
		if (nho_eligible(t, d) && nho_ensure(t, d))
			c->nhid = d->gid;
	}
	return true;
}

uint32_t
kroute_seq_next(const struct kroute_table *t)
{
	return t->seq_next;
}

void
kroute_sent(struct kroute_table *t, struct kroute *r)
{
	struct nhset *d = desired(t, r);
	struct inflight *f = &t->ring[t->seq_next++ % KROUTE_WINDOW];

	f->r = r;
	f->set = nh_ref(d);
	r->flags &= ~KR_REPOINT;
	r->inflight++;
	t->ninflight++;
	nh_assign(t, &r->tgt, nh_ref(d));
}

/* ---- answers ---- */

/* The answer for one change in flight: err 0 is success. */
static bool
complete(struct kroute_table *t, uint32_t seq, int err, uint32_t now, struct kroute_failure *fail)
{
	struct inflight *f = &t->ring[seq % KROUTE_WINDOW];
	struct kroute *r = f->r;
	struct nhset *s = f->set;

	f->r = NULL;
	f->set = NULL;
	t->ninflight--;
	r->inflight--;
	/* A delete of something already gone did what we wanted. */
	if (s == NULL && (err == ESRCH || err == ENOENT))
		err = 0;
	if (err == 0) {
		set_have(t, r, s);
		r->last_err = 0;
		r->tries = 0;
	} else {
		if (r->inflight == 0)
			nh_assign(t, &r->tgt, nh_ref(r->have));
		r->last_err = err;
		retry_add(t, r, now);
		fail->p = r->p;
		fail->err = err;
		fail->delay_s = r->due - now;
	}
	nh_unref(t, s);
	kr_settle(t, r);
	return err != 0;
}

bool
kroute_answer(struct kroute_table *t, uint32_t seq, int err, uint32_t now, struct kroute_failure *f)
{
	if (t->ninflight == 0 || (int32_t)(seq - t->seq_oldest) < 0 ||
	    (int32_t)(seq - t->seq_next) >= 0)
		return false; /* not ours, or from before a resync */
	while (t->seq_oldest != seq)
		complete(t, t->seq_oldest++, 0, now, f);
	return complete(t, t->seq_oldest++, err, now, f);
}

/* ---- reconciling with a dump ---- */

void
kroute_inflight_forget(struct kroute_table *t)
{
	while (t->ninflight > 0) {
		struct inflight *f = &t->ring[t->seq_oldest++ % KROUTE_WINDOW];

		f->r->inflight--;
		nh_unref(t, f->set);
		f->r = NULL;
		f->set = NULL;
		t->ninflight--;
	}
	t->seq_oldest = t->seq_next;
}

/*
 * The same prefix twice in one dump: an IPv6 multipath route the kernel
 * shows as one entry per next hop (siblings; older kernels dump them so,
 * and notifications may come so). The installed set is their union.
 */
static int
dump_sibling(struct kroute_table *t, struct kroute *r, const struct kroute_nexthop *nh, size_t n)
{
	struct kroute_nexthop u[KROUTE_MAX_NEXTHOPS];
	size_t m = r->have->n;
	struct nhset *s;

	memcpy(u, r->have->nh, m * sizeof(u[0]));
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < m && !dup; j++)
			dup = nh_cmp(&u[j], &nh[i]) == 0;
		if (dup)
			continue;
		if (m == KROUTE_MAX_NEXTHOPS)
			return KROUTE_ERR_INVAL;
		u[m++] = nh[i];
	}
	if (m == r->have->n)
		return KROUTE_OK;
	s = nh_intern(t, u, m);
	if (s == NULL)
		return KROUTE_ERR_NOMEM;
	set_have(t, r, s);
	if (r->inflight == 0)
		nh_assign(t, &r->tgt, nh_ref(s));
	nh_unref(t, s);
	return KROUTE_OK;
}

int
kroute_dump_route(struct kroute_table *t, const struct prefix *p, const struct kroute_nexthop *nh,
                  size_t n, bool adopt)
{
	return kroute_dump_route_nh(t, p, nh, n, 0, adopt);
}

int
kroute_dump_route_nh(struct kroute_table *t, const struct prefix *p,
                     const struct kroute_nexthop *nh, size_t n, uint32_t nhid, bool adopt)
{
	struct nhset *s = NULL;
	struct kroute *r;

	if (!prefix_ok(p) || n > KROUTE_MAX_NEXTHOPS)
		return KROUTE_ERR_INVAL;
	if (nhid != 0) {
		s = nho_dump_lookup(t, nhid); /* a reference, or NULL */
		if (s == NULL)
			return KROUTE_ERR_INVAL;
	}
	r = kr_find(t, p);
	if (s == NULL && r != NULL && (r->flags & KR_SEEN) && n > 0 && r->have != NULL &&
	    r->have != t->bh) {
		int e = dump_sibling(t, r, nh, n);

		kr_settle(t, r);
		return e;
	}
	if (s == NULL)
		s = n == 0 ? nh_ref(t->bh) : nh_intern(t, nh, n);
	if (s == NULL || (r = kr_get(t, p)) == NULL) {
		nh_unref(t, s);
		return KROUTE_ERR_NOMEM;
	}
	set_have(t, r, s);
	/* Nothing in flight (a dump forgets it): the kernel's state is the target too. */
	if (r->inflight == 0)
		nh_assign(t, &r->tgt, nh_ref(s));
	r->flags &= ~KR_REPOINT;
	/* On another group than its set's, or on gateways where a group is due: move it. */
	if (s != t->bh && (nhid != s->gid || (nhid == 0 && nho_eligible(t, s))))
		r->flags |= KR_REPOINT;
	nh_unref(t, s);
	r->flags |= KR_SEEN;
	if (adopt && r->want == NULL && !(r->flags & (KR_DISCARD | KR_STALE))) {
		r->flags |= KR_STALE;
		t->nstale++;
	}
	kr_settle(t, r);
	return KROUTE_OK;
}

static void
unseen_one(struct kroute_table *t, struct kroute *r)
{
	if (!(r->flags & KR_SEEN)) {
		set_have(t, r, NULL);
		r->flags &= ~KR_REPOINT;
	}
	r->flags &= ~KR_SEEN;
	nh_assign(t, &r->tgt, nh_ref(r->have));
	/* Queueing sends what differs and frees what is empty; a failed route
	 * keeps its backoff (else errors that overflow the socket would make
	 * ENOBUFS, resync, resend a loop). */
	if (!(r->flags & KR_RETRY))
		enqueue(t, r);
}

static void
clear_seen(struct kroute_table *t, struct kroute *r)
{
	r->flags &= ~KR_SEEN;
}

/* A compact entry the dump did not find must be made again: a full entry then. */
struct dump_end_ctx {
	struct kroute_table *t;
	bool ok;
};

static void
dump_end_fn(const struct prefix *p, void **val, void *ctx)
{
	struct dump_end_ctx *d = ctx;

	if (*val == NULL || !is_compact(*val))
		return;
	if (d->ok && !(kc_bits(*val) & KC_SEEN)) {
		kc_expand(d->t, p,
		          val); /* without memory: believed installed until the next dump */
		return;
	}
	*val = (void *)((uintptr_t)*val & ~(uintptr_t)KC_SEEN);
}

void
kroute_dump_end(struct kroute_table *t, bool ok)
{
	struct dump_end_ctx d = {t, ok};

	trie_prune(t->routes, 0, dump_end_fn, &d);
	t->shape++;
	pool_walk(t, ok ? unseen_one : clear_seen);
	/* The dump made stale entries compact again: a sweep under way starts over. */
	t->sweep.started = t->sweep.queueing = false;
	nho_dump_end(t, ok);
}

/* ---- life cycle ---- */

struct kroute_table *
kroute_new(uint32_t seq0)
{
	struct kroute_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->seq_next = t->seq_oldest = seq0;
	t->qrng = 2463534242u; /* any start but zero, which xorshift32 never leaves */
	t->nh_hash_size = NH_HASH_INIT;
	t->nh_hash = calloc(t->nh_hash_size, sizeof(*t->nh_hash));
	t->bh = calloc(1, sizeof(*t->bh));
	t->ring = calloc(KROUTE_WINDOW, sizeof(*t->ring));
	t->routes = trie_new();
	t->protect = trie_new();
	if (!t->nh_hash || !t->bh || !t->ring || !t->routes || !t->protect) {
		kroute_free(t);
		return NULL;
	}
	t->bh->refs = 1;
	if (!idx_take(t, t->bh)) {
		kroute_free(t);
		return NULL;
	}
	return t;
}

static int
release_fn(const struct prefix *p, void *val, void *ctx)
{
	struct kroute_table *t = ctx;
	struct kroute *r = val;

	if (r != NULL && is_compact(val)) {
		struct nhset *s = kc_set(t, val);

		if (kc_bits(val) & KC_WANT)
			s->nwant--;
		nh_unref(t, s);
	} else if (r != NULL) {
		set_want(t, r, NULL);
		nh_assign(t, &r->tgt, NULL);
		nh_assign(t, &r->have, NULL);
	}
	return 0;
}

void
kroute_free(struct kroute_table *t)
{
	if (t == NULL)
		return;
	if (t->ring != NULL && t->nh_hash != NULL)
		for (size_t i = 0; i < KROUTE_WINDOW; i++)
			nh_unref(t, t->ring[i].set);
	if (t->routes) {
		if (t->nh_hash != NULL)
			trie_walk(t->routes, release_fn, t);
		trie_free(t->routes, NULL); /* entries live in the pool's chunks */
	}
	if (t->protect)
		trie_free(t->protect, NULL);
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunkv[i]);
	free(t->chunkv);
	free(t->qv);
	free(t->setv);
	free(t->setfree);
	if (t->nh_hash) {
		for (size_t i = 0; i < t->nh_hash_size; i++)
			for (struct nhset *s = t->nh_hash[i], *n; s; s = n) {
				n = s->hnext;
				free(s);
			}
		free(t->nh_hash);
	}
	nho_free(t);
	free(t->bh);
	free(t->ring);
	free(t);
}
