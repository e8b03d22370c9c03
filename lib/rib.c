/*
 * rib: Adj-RIB-In and Loc-RIB, and the decision process (RFC 4271 §9.1).
 *
 * One trie maps each prefix to the array of paths peers sent for it, kept
 * in peer-id order (rib_path.c stores them). A path is at once the peer's
 * Adj-RIB-In entry and a Loc-RIB candidate; flags mark the best one and
 * the ECMP set. Every change to a prefix's paths goes through the same
 * three steps: snapshot the visible state (best, next hops), change the
 * array, re-run the decision and report if the visible state moved.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "rib_private.h"

/* Scratch flags for the decision process; never visible outside. */
#define PATH_CAND 0x40 /* still in the running */
#define PATH_DROP 0x80 /* loses at the current step */

/* ---- RIB and peers ---- */

struct rib *
rib_new(const struct rib_opts *opts, rib_change_fn fn, void *ctx)
{
	struct rib *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (opts != NULL)
		r->opts = *opts;
	if (r->opts.max_ecmp == 0 || r->opts.max_ecmp > RIB_ECMP_MAX)
		r->opts.max_ecmp = RIB_ECMP_MAX;
	r->fn = fn;
	r->ctx = ctx;
	r->loc = trie_new();
	if (r->loc == NULL) {
		free(r);
		return NULL;
	}
	for (unsigned i = 0; i < RIB_BLOCK_SLABS; i++)
		slab_init(&r->blocks[i], (i + 1) * sizeof(struct rib_path), 0);
	slab_init(&r->out_entries, rib_out_entry_size(), 0);
	return r;
}

static void
free_list(const struct prefix *p, void **val, void *ctx)
{
	struct rib *r = ctx;
	struct rib_path *v = *val;
	unsigned n = rib_block_len(v);

	for (unsigned i = 0; i < n; i++)
		rib_attrs_drop(r, &v[i]);
	r->npaths -= n;
	if (v != NULL)
		rib_block_free(r, v);
	*val = NULL;
}

void
rib_free(struct rib *r)
{
	if (r == NULL)
		return;
	trie_prune(r->loc, 0, free_list, r);
	trie_free(r->loc, NULL);
	for (size_t i = 0; i < r->npeers; i++)
		if (r->peers[i].out != NULL)
			rib_out_free(r, r->peers[i].out);
	for (unsigned i = 0; i < RIB_BLOCK_SLABS; i++)
		slab_release(&r->blocks[i]);
	slab_release(&r->out_entries);
	free(r->pairs);
	free(r->peers);
	free(r);
}

bool
rib_peer_set(struct rib *r, uint16_t peer, const struct rib_peer_info *info)
{
	if (peer > RIB_PEER_MAX)
		return false;
	if (peer >= r->npeers) {
		size_t n = MAX((size_t)peer + 1, 2 * r->npeers);
		struct rib_peer *p = realloc(r->peers, n * sizeof(*p));

		if (p == NULL)
			return false;
		memset(p + r->npeers, 0, (n - r->npeers) * sizeof(*p));
		r->peers = p;
		r->npeers = n;
	}
	/*
	 * Paths already held keep their flags until their prefix changes
	 * again; the daemon sets a peer's info before its session comes up.
	 */
	r->peers[peer].used = true;
	r->peers[peer].info = *info;
	return true;
}

static inline struct rib_path *
path_next(struct rib_path *p)
{
	return p->last ? NULL : p + 1;
}

/* ---- decision process ---- */

static uint32_t
local_pref(const struct attr *a)
{
	return a->set.present & ATTR_HAS_LOCAL_PREF ? a->set.local_pref : RIB_DEFAULT_LOCAL_PREF;
}

/* RFC 4271 §9.1.2.2 c): a missing MED is the lowest possible value. */
static uint32_t
med(const struct attr *a)
{
	return a->set.present & ATTR_HAS_MED ? a->set.med : 0;
}

static bool
aspath_equal(const struct attr_set *a, const struct attr_set *b)
{
	if (a->nsegs != b->nsegs || a->nasns != b->nasns)
		return false;
	for (unsigned i = 0; i < a->nsegs; i++)
		if (a->segs[i].type != b->segs[i].type || a->segs[i].count != b->segs[i].count)
			return false;
	return a->nasns == 0 || memcmp(a->asns, b->asns, a->nasns * sizeof(a->asns[0])) == 0;
}

enum step {
	STEP_LOCAL_PREF,
	STEP_ASPATH_LEN,
	STEP_ORIGIN,
	STEP_EBGP,
	STEP_BGP_ID,
};

/* The key a step minimises. */
static uint64_t
step_key(const struct rib *r, const struct rib_path *p, enum step step)
{
	const struct rib_peer *pe = rib_peer(r, p->peer);

	switch (step) {
	case STEP_LOCAL_PREF:
		return (uint64_t)UINT32_MAX - local_pref(rib_path_eff(p)); /* highest wins */
	case STEP_ASPATH_LEN:
		return attr_aspath_len(&rib_path_eff(p)->set);
	case STEP_ORIGIN:
		return rib_path_eff(p)->set.origin;
	case STEP_EBGP:
		return pe != NULL && pe->info.ebgp ? 0 : 1;
	case STEP_BGP_ID:
		return pe != NULL ? pe->info.bgp_id : UINT32_MAX;
	}
	return 0;
}

/* Keep only the candidates with the lowest key; returns how many remain. */
static unsigned
keep_lowest(const struct rib *r, struct rib_path *head, enum step step)
{
	uint64_t low = UINT64_MAX;
	unsigned n = 0;

	for (struct rib_path *p = head; p != NULL; p = path_next(p))
		if (p->flags & PATH_CAND)
			low = MIN(low, step_key(r, p, step));
	for (struct rib_path *p = head; p != NULL; p = path_next(p)) {
		if (!(p->flags & PATH_CAND))
			continue;
		if (step_key(r, p, step) > low)
			p->flags &= (uint8_t)~PATH_CAND;
		else
			n++;
	}
	return n;
}

/*
 * RFC 4271 §9.1.2.2 c): drop every candidate whose MED is higher than
 * another candidate's from the same neighbour AS (any AS with
 * always_compare_med). Not a pairwise order, so it runs over the set.
 */
static unsigned
keep_lowest_med(const struct rib *r, struct rib_path *head)
{
	unsigned n = 0;

	for (struct rib_path *p = head; p != NULL; p = path_next(p)) {
		if (!(p->flags & PATH_CAND))
			continue;
		for (struct rib_path *q = head; q != NULL; q = path_next(q)) {
			if (q == p || !(q->flags & PATH_CAND))
				continue;
			if (!r->opts.always_compare_med &&
			    attr_neighbor_as(&rib_path_eff(p)->set) !=
			            attr_neighbor_as(&rib_path_eff(q)->set))
				continue;
			if (med(rib_path_eff(q)) < med(rib_path_eff(p))) {
				p->flags |= PATH_DROP;
				break;
			}
		}
	}
	for (struct rib_path *p = head; p != NULL; p = path_next(p)) {
		if (p->flags & PATH_DROP)
			p->flags &= (uint8_t) ~(PATH_CAND | PATH_DROP);
		else if (p->flags & PATH_CAND)
			n++;
	}
	return n;
}

static struct rib_path *
decide(const struct rib *r, struct rib_path *head)
{
	struct rib_path *best = NULL;
	unsigned n = 0;

	for (struct rib_path *p = head; p != NULL; p = path_next(p)) {
		p->flags &= (uint8_t) ~(PATH_CAND | PATH_DROP);
		if (rib_path_eligible(p)) {
			p->flags |= PATH_CAND;
			n++;
		}
	}
	if (n == 0)
		return NULL;
	/* §9.1.1: degree of preference is LOCAL_PREF here (no other policy input). */
	if (n > 1)
		n = keep_lowest(r, head, STEP_LOCAL_PREF);
	if (n > 1) /* §9.1.2.2 a): shortest AS_PATH, AS_SET 1, confed 0 */
		n = keep_lowest(r, head, STEP_ASPATH_LEN);
	if (n > 1) /* §9.1.2.2 b): lowest ORIGIN */
		n = keep_lowest(r, head, STEP_ORIGIN);
	if (n > 1) /* §9.1.2.2 c): lowest MED within a neighbour AS */
		n = keep_lowest_med(r, head);
	if (n > 1) /* §9.1.2.2 d): eBGP over iBGP */
		n = keep_lowest(r, head, STEP_EBGP);
	/* §9.1.2.2 e) (IGP cost to the next hop) does not apply: no IGP here. */
	if (n > 1) /* §9.1.2.2 f): lowest BGP Identifier */
		n = keep_lowest(r, head, STEP_BGP_ID);
	/* §9.1.2.2 g): lowest peer address; then the lowest peer id, for determinism. */
	for (struct rib_path *p = head; p != NULL; p = path_next(p)) {
		const struct rib_peer *pb, *pp;

		if (!(p->flags & PATH_CAND))
			continue;
		p->flags &= (uint8_t)~PATH_CAND;
		if (best == NULL) {
			best = p;
			continue;
		}
		pb = rib_peer(r, best->peer);
		pp = rib_peer(r, p->peer);
		if (pb != NULL && pp != NULL && addr_cmp(&pp->info.addr, &pb->info.addr) < 0)
			best = p;
	}
	return best;
}

/*
 * Whether q joins best's ECMP set: equal through the MED step with the
 * same AS path (so the same neighbour AS), learned the same way (eBGP or
 * iBGP), and with a next hop. Primary and secondary sessions to one
 * provider differ only in next hop, so they pass.
 */
static bool
ecmp_equal(const struct rib *r, const struct rib_path *best, const struct rib_path *q)
{
	const struct attr_set *a = &rib_path_eff(best)->set, *b;
	const struct rib_peer *pa = rib_peer(r, best->peer), *pq = rib_peer(r, q->peer);

	if (!rib_path_eligible(q) || pa == NULL || pq == NULL)
		return false;
	b = &rib_path_eff(q)->set;
	if (!(b->present & ATTR_HAS_NEXT_HOP) || pa->info.ebgp != pq->info.ebgp)
		return false;
	return local_pref(rib_path_eff(best)) == local_pref(rib_path_eff(q)) &&
	       a->origin == b->origin && med(rib_path_eff(best)) == med(rib_path_eff(q)) &&
	       aspath_equal(a, b);
}

/* Re-run the decision for one prefix and set the flags and peer counters. */
static void
recompute(struct rib *r, struct rib_path *head)
{
	struct rib_path *best;
	unsigned n = 0;

	for (struct rib_path *p = head; p != NULL; p = path_next(p)) {
		if (p->flags & RIB_PATH_BEST) {
			struct rib_peer *pe = rib_peer(r, p->peer);

			if (pe != NULL)
				pe->best--;
		}
		p->flags &= (uint8_t) ~(RIB_PATH_BEST | RIB_PATH_ECMP);
	}
	best = decide(r, head);
	if (best == NULL)
		return;
	best->flags |= RIB_PATH_BEST;
	if (rib_peer(r, best->peer) != NULL)
		rib_peer(r, best->peer)->best++;
	if (rib_path_eff(best)->set.present & ATTR_HAS_NEXT_HOP) {
		best->flags |= RIB_PATH_ECMP;
		n = 1;
	}
	for (struct rib_path *p = head; p != NULL && n > 0 && n < r->opts.max_ecmp;
	     p = path_next(p)) {
		if (p != best && ecmp_equal(r, best, p)) {
			p->flags |= RIB_PATH_ECMP;
			n++;
		}
	}
}

/* What the kernel and the peers see of one prefix. */
static void
snapshot(const struct rib_path *head, struct rib_change *c)
{
	const struct rib_path *best = NULL;

	c->best = NULL;
	c->best_peer = 0;
	c->nnh = 0;
	for (const struct rib_path *p = head; p != NULL; p = rib_path_next(p))
		if (p->flags & RIB_PATH_BEST)
			best = p;
	if (best == NULL)
		return;
	c->best = rib_path_eff(best);
	c->best_peer = best->peer;
	if (best->flags & RIB_PATH_ECMP) {
		c->nh[0].addr = rib_path_eff(best)->set.nexthop;
		c->nh[0].peer = best->peer;
		c->nnh = 1;
	}
	for (const struct rib_path *p = head; p != NULL && c->nnh < RIB_ECMP_MAX;
	     p = rib_path_next(p)) {
		if (p != best && (p->flags & RIB_PATH_ECMP)) {
			c->nh[c->nnh].addr = rib_path_eff(p)->set.nexthop;
			c->nh[c->nnh].peer = p->peer;
			c->nnh++;
		}
	}
}

static bool
change_differs(const struct rib_change *a, const struct rib_change *b)
{
	if (a->best != b->best || a->best_peer != b->best_peer || a->nnh != b->nnh)
		return true;
	for (unsigned i = 0; i < a->nnh; i++)
		if (a->nh[i].peer != b->nh[i].peer || !addr_eq(&a->nh[i].addr, &b->nh[i].addr))
			return true;
	return false;
}

/* After a change to p's list: decide again and report what moved. */
static void
settle(struct rib *r, const struct prefix *p, struct rib_path *head, const struct rib_change *old)
{
	struct rib_change now;

	recompute(r, head);
	snapshot(head, &now);
	if (r->fn != NULL && change_differs(old, &now)) {
		now.prefix = *p;
		r->fn(&now, r->ctx);
	}
}

static void
count_path(struct rib_peer *pe, const struct rib_path *path, int sign)
{
	if (pe == NULL)
		return;
	pe->paths += (size_t)sign;
	if (rib_path_eligible(path))
		pe->accepted += (size_t)sign;
	else if (path->flags & RIB_PATH_INVALID)
		pe->invalid += (size_t)sign;
	else
		pe->refused[path->reason % RIB_REASONS] += (size_t)sign;
}

bool
rib_update(struct rib *r, uint16_t peer, const struct prefix *p, const struct attr *in,
           const struct attr *eff, unsigned flags, uint8_t reason)
{
	struct rib_peer *pe = rib_peer(r, peer);
	struct rib_path *v, *path = NULL, old_attrs, now = {0};
	struct rib_change old;
	unsigned n, i;
	bool created, found;
	void **slot;

	if (pe == NULL || (in == NULL && !(flags & RIB_PATH_INVALID)))
		return false;
	slot = trie_insert(r->loc, p, &created);
	if (slot == NULL)
		return false;
	v = *slot;
	n = rib_block_len(v);
	i = rib_block_find(v, n, peer, &found);
	if (found) {
		path = &v[i];
		if (rib_path_in(path) == in && rib_path_eff(path) == eff &&
		    path->reason == reason &&
		    (path->flags & RIB_PATH_INVALID) == (flags & RIB_PATH_INVALID))
			return true; /* a repeat: nothing moves */
	}
	/* New references first: the old and new sets may be the same objects. */
	if (!rib_attrs_take(r, &now, in, eff)) {
		if (created)
			trie_remove(r->loc, p);
		return false;
	}
	snapshot(v, &old);
	if (found) {
		count_path(pe, path, -1);
		old_attrs = *path;
	} else {
		v = rib_block_insert(r, v, n, i);
		if (v == NULL) {
			rib_attrs_drop(r, &now);
			if (created)
				trie_remove(r->loc, p);
			return false;
		}
		*slot = v;
		path = &v[i];
		path->peer = peer;
		r->npaths++;
	}
	path->a = now.a;
	path->form = now.form;
	if (found)
		rib_attrs_drop(r, &old_attrs);
	path->flags = (uint8_t)((path->flags & (RIB_PATH_BEST | RIB_PATH_ECMP)) |
	                        (flags & RIB_PATH_INVALID));
	path->reason = eff != NULL ? 0 : (uint8_t)(reason % RIB_REASONS);
	count_path(pe, path, 1);
	settle(r, p, v, &old);
	return true;
}

/*
 * Take peer's path out of the array at *val (a trie slot). Reports the
 * change; leaves *val NULL when the prefix has no path left.
 */
static bool
unlink_peer(struct rib *r, const struct prefix *p, void **val, uint16_t peer)
{
	struct rib_path *v = *val, *path;
	struct rib_change old, gone = {.prefix = *p};
	unsigned n = rib_block_len(v), i;
	bool found;

	i = rib_block_find(v, n, peer, &found);
	if (!found)
		return false;
	path = &v[i];
	snapshot(v, &old);
	if (path->flags & RIB_PATH_BEST) {
		struct rib_peer *pe = rib_peer(r, peer);

		if (pe != NULL)
			pe->best--;
		path->flags &= (uint8_t)~RIB_PATH_BEST;
	}
	count_path(rib_peer(r, peer), path, -1);
	rib_attrs_drop(r, path);
	r->npaths--;
	v = rib_block_remove(r, v, n, i);
	*val = v;
	if (v != NULL)
		settle(r, p, v, &old);
	else if (old.best != NULL && r->fn != NULL)
		r->fn(&gone, r->ctx);
	return true;
}

struct withdraw_ctx {
	struct rib *r;
	uint16_t peer;
	bool found;
};

static void
withdraw_one(const struct prefix *p, void **val, void *ctx)
{
	struct withdraw_ctx *w = ctx;

	w->found = unlink_peer(w->r, p, val, w->peer);
}

bool
rib_withdraw(struct rib *r, uint16_t peer, const struct prefix *p)
{
	struct withdraw_ctx w = {.r = r, .peer = peer};

	/* One descent: the prefix leaves the trie with its last path. */
	trie_modify(r->loc, p, withdraw_one, &w);
	return w.found;
}

struct down_ctx {
	struct rib *r;
	uint16_t peer;
	size_t n;
};

static void
down_one(const struct prefix *p, void **val, void *ctx)
{
	struct down_ctx *d = ctx;

	if (unlink_peer(d->r, p, val, d->peer))
		d->n++;
}

size_t
rib_peer_down(struct rib *r, uint16_t peer)
{
	struct down_ctx d = {.r = r, .peer = peer};
	struct rib_peer *pe = rib_peer(r, peer);

	if (pe == NULL || pe->paths == 0)
		return 0;
	/* One pass over the table; emptied prefixes leave the trie as it goes. */
	trie_prune(r->loc, 0, down_one, &d);
	return d.n;
}

size_t
rib_peer_down_step(struct rib *r, uint16_t peer, struct rib_cursor *c, size_t budget)
{
	struct down_ctx d = {.r = r, .peer = peer};

	if (c->done)
		return 0;
	if (rib_peer(r, peer) == NULL || rib_peer(r, peer)->paths == 0) {
		c->done = true;
		return 0;
	}
	c->done = trie_prune_after(r->loc, c->started ? &c->after : NULL, budget, down_one, &d,
	                           &c->after);
	c->started = true;
	return d.n;
}

struct reeval_ctx {
	struct rib *r;
	uint16_t peer;
	rib_policy_fn fn;
	void *ctx;
	size_t changed;
	/* rib_peer_reevaluate_step: prefixes left in this step, where it stops. */
	size_t budget;
	struct prefix *last;
};

static int
reeval_one(const struct prefix *p, void *val, void *ctx)
{
	struct reeval_ctx *rc = ctx;
	struct rib_path *v = val, *path, old_attrs, now = {0};
	struct rib_peer *pe = rib_peer(rc->r, rc->peer);
	const struct attr *eff;
	struct rib_change old;
	uint8_t reason = 0;
	unsigned i;
	bool found;

	i = rib_block_find(v, rib_block_len(v), rc->peer, &found);
	if (!found || (v[i].flags & RIB_PATH_INVALID))
		return 0;
	path = &v[i];
	eff = rc->fn(rc->peer, p, rib_path_in(path), &reason, rc->ctx);
	reason = eff != NULL ? 0 : (uint8_t)(reason % RIB_REASONS);
	if (eff == rib_path_eff(path) && reason == path->reason) {
		attr_unref(eff); /* we hold one already */
		return 0;
	}
	/* Out of memory for a new pair: the path keeps its old attributes. */
	if (!rib_attrs_take(rc->r, &now, rib_path_in(path), eff)) {
		attr_unref(eff);
		return 0;
	}
	attr_unref(eff); /* the path holds its own now */
	snapshot(v, &old);
	count_path(pe, path, -1);
	old_attrs = *path;
	path->a = now.a;
	path->form = now.form;
	rib_attrs_drop(rc->r, &old_attrs);
	path->reason = reason;
	count_path(pe, path, 1);
	rc->changed++;
	settle(rc->r, p, v, &old);
	return 0;
}

size_t
rib_peer_reevaluate(struct rib *r, uint16_t peer, rib_policy_fn fn, void *ctx)
{
	struct reeval_ctx rc = {.r = r, .peer = peer, .fn = fn, .ctx = ctx};

	if (rib_peer(r, peer) == NULL)
		return 0;
	/* The trie's shape does not change: only the paths' contents. */
	trie_walk(r->loc, reeval_one, &rc);
	return rc.changed;
}

static int
reeval_step_one(const struct prefix *p, void *val, void *ctx)
{
	struct reeval_ctx *rc = ctx;

	reeval_one(p, val, ctx);
	*rc->last = *p;
	return --rc->budget == 0;
}

size_t
rib_peer_reevaluate_step(struct rib *r, uint16_t peer, rib_policy_fn fn, void *ctx,
                         struct rib_cursor *c, size_t budget)
{
	struct reeval_ctx rc = {
	        .r = r, .peer = peer, .fn = fn, .ctx = ctx, .budget = budget ? budget : 1};
	struct prefix last;

	if (c->done)
		return 0;
	if (rib_peer(r, peer) == NULL || rib_peer(r, peer)->paths == 0) {
		c->done = true;
		return 0;
	}
	rc.last = &last;
	/* Values change in place; the trie's shape does not, so the cursor holds. */
	if (trie_walk_after(r->loc, c->started ? &c->after : NULL, reeval_step_one, &rc) == 0) {
		c->done = true;
		return rc.changed;
	}
	c->after = last;
	c->started = true;
	return rc.changed;
}

/* ---- queries ---- */

const struct rib_path *
rib_paths(const struct rib *r, const struct prefix *p)
{
	return trie_get(r->loc, p);
}

static const struct rib_path *
best_of(const struct rib_path *head)
{
	for (; head != NULL; head = rib_path_next(head))
		if (head->flags & RIB_PATH_BEST)
			return head;
	return NULL;
}

const struct rib_path *
rib_best(const struct rib *r, const struct prefix *p)
{
	return best_of(trie_get(r->loc, p));
}

const struct rib_path *
rib_adj_in(const struct rib *r, uint16_t peer, const struct prefix *p)
{
	const struct rib_path *v = trie_get(r->loc, p);
	bool found;
	unsigned i = rib_block_find(v, rib_block_len(v), peer, &found);

	return found ? &v[i] : NULL;
}

struct match_ctx {
	const struct rib_path *best;
	struct prefix p;
};

static int
match_one(const struct prefix *p, void *val, void *ctx)
{
	struct match_ctx *m = ctx;
	const struct rib_path *b = best_of(val);

	/* Covering walks go shortest first: the last hit is the longest. */
	if (b != NULL) {
		m->best = b;
		m->p = *p;
	}
	return 0;
}

const struct rib_path *
rib_match(const struct rib *r, const struct addr *a, struct prefix *match)
{
	struct match_ctx m = {0};
	struct prefix host;

	prefix_from_addr(&host, a, afi_bits(a->afi));
	trie_walk_covering(r->loc, &host, match_one, &m);
	if (m.best != NULL && match != NULL)
		*match = m.p;
	return m.best;
}

struct walk_ctx {
	rib_walk_fn fn;
	void *ctx;
	int peer; /* -1: every path */
};

static int
walk_one(const struct prefix *p, void *val, void *ctx)
{
	struct walk_ctx *w = ctx;
	const struct rib_path *path = val;

	if (w->peer < 0)
		return w->fn(p, path, w->ctx);
	bool found;
	unsigned i = rib_block_find(path, rib_block_len(path), (uint16_t)w->peer, &found);

	if (!found)
		return 0;
	return w->fn(p, &path[i], w->ctx);
}

static int
walk_afi(const struct rib *r, uint8_t afi, struct walk_ctx *w)
{
	struct prefix all = {.afi = afi};

	if (afi == 0)
		return trie_walk(r->loc, walk_one, w);
	return trie_walk_covered(r->loc, &all, walk_one, w);
}

int
rib_walk(const struct rib *r, uint8_t afi, rib_walk_fn fn, void *ctx)
{
	struct walk_ctx w = {.fn = fn, .ctx = ctx, .peer = -1};

	return walk_afi(r, afi, &w);
}

int
rib_adj_in_walk(const struct rib *r, uint16_t peer, uint8_t afi, rib_walk_fn fn, void *ctx)
{
	struct walk_ctx w = {.fn = fn, .ctx = ctx, .peer = peer};

	return walk_afi(r, afi, &w);
}

int
rib_walk_after(const struct rib *r, const struct prefix *after, rib_walk_fn fn, void *ctx)
{
	struct walk_ctx w = {.fn = fn, .ctx = ctx, .peer = -1};

	return trie_walk_after(r->loc, after, walk_one, &w);
}

int
rib_adj_in_walk_after(const struct rib *r, uint16_t peer, const struct prefix *after,
                      rib_walk_fn fn, void *ctx)
{
	struct walk_ctx w = {.fn = fn, .ctx = ctx, .peer = peer};

	return trie_walk_after(r->loc, after, walk_one, &w);
}

bool
rib_peer_counts(const struct rib *r, uint16_t peer, struct rib_peer_counts *c)
{
	const struct rib_peer *pe = rib_peer(r, peer);

	memset(c, 0, sizeof(*c));
	if (pe == NULL)
		return false;
	c->paths = pe->paths;
	c->accepted = pe->accepted;
	c->invalid = pe->invalid;
	memcpy(c->refused, pe->refused, sizeof(c->refused));
	c->best = pe->best;
	if (pe->out != NULL) {
		c->out = rib_out_entries(pe->out);
		c->out_pending = rib_out_npending(pe->out);
	}
	return true;
}

void
rib_stats(const struct rib *r, struct rib_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->prefixes = trie_count(r->loc);
	s->paths = r->npaths;
	s->trie_bytes = trie_memory(r->loc);
	s->pairs = r->npairs;
	s->path_bytes = r->big_bytes + r->npairs * sizeof(struct rib_pair) +
	                r->pair_buckets * sizeof(r->pairs[0]);
	for (unsigned i = 0; i < RIB_BLOCK_SLABS; i++)
		s->path_bytes += slab_memory(&r->blocks[i]);
	s->out_bytes = slab_memory(&r->out_entries);
	for (size_t i = 0; i < r->npeers; i++)
		if (r->peers[i].out != NULL)
			s->out_bytes += rib_out_memory(r->peers[i].out);
	s->total_bytes = sizeof(*r) + r->npeers * sizeof(r->peers[0]) + s->trie_bytes +
	                 s->path_bytes + s->out_bytes;
}
