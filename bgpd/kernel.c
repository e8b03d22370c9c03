/*
 * kernel: the Linux FIB over rtnetlink (see kernel.h for the contract).
 *
 * Three netlink sockets:
 *   cmd   route changes, sent in batches; answers read from the loop
 *   mon   RTNLGRP_LINK and the address groups (notifications only)
 *   sync  blocking request/answer work: dumps, VLAN and address requests
 * Keeping dumps off cmd means a resync never has to sort dump parts from
 * the answers of routes still in flight.
 *
 * Shadow: a trie of struct kroute, one per prefix, holding three interned
 * next-hop sets (struct nhset, hash-consed and ref-counted: a million
 * routes over the same two next hops share one set):
 *   want  what the daemon asked for (NULL: nothing)
 *   tgt   what the kernel will hold once the messages in flight are done
 *   have  what the kernel confirmed
 * A prefix is sent when desired() differs from tgt. Answers come back in
 * sequence order, so a ring of in-flight records indexed by sequence number
 * maps each answer back to its prefix and the set it carried.
 *
 * Only the last message of each sendmsg asks for an ACK: the kernel
 * processes a batch in order and always reports an error (netlink(7)), so
 * the answer for sequence s also confirms every earlier message without an
 * error of its own. This keeps a million-route load from costing a million
 * receive calls.
 */
#include "cebgp-config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>

#include "compiler.h"
#include "kernel.h"
#include "rtnl.h"
#include "trie.h"

#define WINDOW        16384        /* route messages in flight */
#define BATCH_MAX     (256 * 1024) /* bytes per sendmsg */
#define CMD_RCVBUF    (32 * 1024 * 1024)
#define CMD_SNDBUF    (1024 * 1024)
#define MON_RCVBUF    (4 * 1024 * 1024)
#define RECV_BUF      (64 * 1024)
#define RECV_PER_TURN 512  /* datagrams read per loop turn */
#define SYNC_TIMEOUT  5000 /* ms of silence from the kernel: give up */
#define CLOSE_TIMEOUT 5000 /* ms kernel_close() waits for answers */
#define RETRY_MAX     60   /* seconds between retries, at most */
#define LOG_PER_SEC   20   /* rate limit of per-route log lines */
#define NH_HASH_INIT  64
#define POOL_CHUNK    4096

/* An interned next-hop set: sorted, unique, shared by every route using it. */
struct nhset {
	struct nhset *hnext;
	uint32_t hash;
	uint32_t refs;
	uint32_t n;
	struct kernel_nexthop nh[];
};

enum {
	KR_DISCARD = 1 << 0, /* a blackhole is wanted */
	KR_QUEUED = 1 << 1,  /* on the pending queue */
	KR_RETRY = 1 << 2,   /* on the retry list */
	KR_STALE = 1 << 3,   /* adopted from a previous run, not claimed yet */
	KR_REFUSED = 1 << 4, /* overlaps a protected prefix */
	KR_SEEN = 1 << 5,    /* found by the current dump */
};

struct kroute {
	struct prefix p;
	uint8_t flags;
	uint8_t tries;     /* consecutive failures, for the backoff */
	uint16_t inflight; /* messages in flight for this prefix */
	int last_err;
	uint32_t due; /* retry time, seconds on the monotonic clock */
	struct nhset *want, *tgt, *have;
	struct kroute *qnext; /* pending queue, or the pool's free list */
	struct kroute *rnext; /* retry list */
};

struct inflight {
	struct kroute *r;
	struct nhset *set; /* what the message asked for (NULL: delete) */
};

struct link {
	unsigned ifindex;
	bool up;
	char name[RTNL_IFNAMSIZ];
};

struct pool_chunk {
	struct pool_chunk *next;
	struct kroute items[POOL_CHUNK];
};

struct kernel {
	struct event_base *base;
	struct kernel_opts opts;
	struct kernel_cbs cbs;
	void *arg;
	uint32_t table;

	struct mnl_socket *cmd, *mon, *sync;
	struct event *cmd_ev, *mon_ev, *flush_ev, *retry_ev, *stale_ev, *init_ev, *resync_ev;
	uint32_t sync_seq;

	struct trie *routes;  /* prefix -> struct kroute */
	struct trie *protect; /* prefix -> count (as a pointer) */
	struct nhset *bh;     /* the blackhole "set" */
	struct nhset **nh_hash;
	size_t nh_hash_size, nh_count;

	struct pool_chunk *chunks;
	struct kroute *free_list;

	struct kroute *qhead, *qtail; /* pending queue (FIFO) */
	struct kroute *rhead;         /* retry list */
	size_t nqueued, nretry, ninstalled, nstale;

	/* Ring of in-flight messages: seq s lives at ring[s % WINDOW]. */
	struct inflight *ring;
	struct kroute **stage; /* one window of work, shuffled before sending */
	uint32_t rng;
	uint32_t seq_next;   /* next sequence number to use */
	uint32_t seq_oldest; /* oldest unanswered */
	size_t ninflight;
	uint8_t *batch; /* messages built, not yet sent */
	size_t batch_len, batch_cap, batch_last;
	bool batch_blocked; /* sendmsg said EAGAIN: wait for the retry timer */

	uint8_t *rxbuf;
	bool resyncing;
	bool need_resync; /* the last resync's dump failed: sending waits for a good one */

	struct link *links;
	size_t nlinks, links_cap;

	/* Log rate limiting for per-route lines. */
	time_t log_sec;
	unsigned log_count, log_dropped;
};

static void schedule_flush(struct kernel *k);
static void resync(struct kernel *k);

/* ---- logging ---- */

static void klog(struct kernel *k, int prio, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void
klog(struct kernel *k, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (k->cbs.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->cbs.log(k->arg, prio, msg);
}

static uint32_t
mono_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Per-route lines are rate limited: a million failing routes is one problem. */
static bool
log_allowed(struct kernel *k)
{
	time_t now = (time_t)mono_secs();

	if (now != k->log_sec) {
		if (k->log_dropped > 0)
			klog(k, LOG_WARNING, "kernel: %u similar messages suppressed",
			     k->log_dropped);
		k->log_sec = now;
		k->log_count = 0;
		k->log_dropped = 0;
	}
	if (k->log_count >= LOG_PER_SEC) {
		k->log_dropped++;
		return false;
	}
	k->log_count++;
	return true;
}

const char *
kernel_strerror(int err)
{
	switch (err) {
	case KERNEL_OK:
		return "ok";
	case KERNEL_ERR_PROTECTED:
		return "overlaps a protected prefix (peering subnet or connected route)";
	case KERNEL_ERR_NOMEM:
		return "out of memory";
	case KERNEL_ERR_INVAL:
		return "invalid route";
	default:
		return "unknown error";
	}
}

/* ---- next-hop sets ---- */

static int
nh_cmp(const void *a, const void *b)
{
	const struct kernel_nexthop *x = a, *y = b;
	int c = addr_cmp(&x->gw, &y->gw);

	if (c != 0)
		return c;
	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

/* FNV-1a over the fields that matter (never the padding). */
static uint32_t
nh_hash(const struct kernel_nexthop *nh, size_t n)
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
nh_same(const struct nhset *s, const struct kernel_nexthop *nh, size_t n)
{
	if (s->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (nh_cmp(&s->nh[i], &nh[i]) != 0)
			return false;
	return true;
}

static struct nhset *
nh_ref(struct nhset *s)
{
	if (s != NULL)
		s->refs++;
	return s;
}

static void
nh_unref(struct kernel *k, struct nhset *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	struct nhset **pp = &k->nh_hash[s->hash & (k->nh_hash_size - 1)];
	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
	k->nh_count--;
	free(s);
}

static bool
nh_grow(struct kernel *k)
{
	size_t size = k->nh_hash_size * 2;
	struct nhset **h = calloc(size, sizeof(*h));

	if (h == NULL)
		return false;
	for (size_t i = 0; i < k->nh_hash_size; i++) {
		struct nhset *s = k->nh_hash[i], *next;

		for (; s != NULL; s = next) {
			next = s->hnext;
			s->hnext = h[s->hash & (size - 1)];
			h[s->hash & (size - 1)] = s;
		}
	}
	free(k->nh_hash);
	k->nh_hash = h;
	k->nh_hash_size = size;
	return true;
}

/* The interned set for nh[0..n) (sorted in place), with a reference taken. */
static struct nhset *
nh_intern(struct kernel *k, struct kernel_nexthop *nh, size_t n)
{
	struct nhset *s;
	uint32_t h;

	qsort(nh, n, sizeof(*nh), nh_cmp);
	h = nh_hash(nh, n);
	for (s = k->nh_hash[h & (k->nh_hash_size - 1)]; s != NULL; s = s->hnext)
		if (s->hash == h && nh_same(s, nh, n))
			return nh_ref(s);
	if (k->nh_count >= k->nh_hash_size && !nh_grow(k))
		return NULL;
	s = malloc(sizeof(*s) + n * sizeof(s->nh[0]));
	if (s == NULL)
		return NULL;
	s->hash = h;
	s->refs = 1;
	s->n = (uint32_t)n;
	memcpy(s->nh, nh, n * sizeof(*nh));
	s->hnext = k->nh_hash[h & (k->nh_hash_size - 1)];
	k->nh_hash[h & (k->nh_hash_size - 1)] = s;
	k->nh_count++;
	return s;
}

/* Replace *slot by s (a reference the caller already holds). */
static void
nh_assign(struct kernel *k, struct nhset **slot, struct nhset *s)
{
	nh_unref(k, *slot);
	*slot = s;
}

/* ---- shadow entries ---- */

static struct kroute *
kr_alloc(struct kernel *k)
{
	struct kroute *r;

	if (k->free_list == NULL) {
		struct pool_chunk *c = malloc(sizeof(*c));

		if (c == NULL)
			return NULL;
		c->next = k->chunks;
		k->chunks = c;
		for (size_t i = POOL_CHUNK; i-- > 0;) {
			c->items[i].p.afi = 0; /* free (see kernel_close) */
			c->items[i].qnext = k->free_list;
			k->free_list = &c->items[i];
		}
	}
	r = k->free_list;
	k->free_list = r->qnext;
	memset(r, 0, sizeof(*r));
	return r;
}

static struct kroute *
kr_get(struct kernel *k, const struct prefix *p)
{
	bool created;
	void **slot = trie_insert(k->routes, p, &created);

	if (slot == NULL)
		return NULL;
	if (!created && *slot != NULL)
		return *slot;
	struct kroute *r = kr_alloc(k);
	if (r == NULL) {
		trie_remove(k->routes, p);
		return NULL;
	}
	r->p = *p;
	*slot = r;
	return r;
}

static void
set_have(struct kernel *k, struct kroute *r, struct nhset *s)
{
	k->ninstalled += (s != NULL) - (r->have != NULL);
	nh_assign(k, &r->have, nh_ref(s));
}

/* What the kernel should hold for r now. */
static struct nhset *
desired(const struct kernel *k, const struct kroute *r)
{
	if (r->flags & KR_REFUSED)
		return NULL;
	if (r->want != NULL)
		return r->want;
	if (r->flags & KR_DISCARD)
		return k->bh;
	if (r->flags & KR_STALE)
		return r->have;
	return NULL;
}

/* Drop an entry that wants nothing, holds nothing and waits for nothing. */
static void
kr_maybe_free(struct kernel *k, struct kroute *r)
{
	if (r->want || r->tgt || r->have || r->inflight ||
	    (r->flags & (KR_DISCARD | KR_QUEUED | KR_RETRY | KR_STALE)))
		return;
	trie_remove(k->routes, &r->p);
	r->p.afi = 0;
	r->qnext = k->free_list;
	k->free_list = r;
}

/*
 * Every live entry, visited at pool slot i * POOL_STRIDE mod size: since
 * the pool fills in arrival order, this scatters prefixes however they
 * arrived. Bulk work (resync, sweep of stale routes, removal at close)
 * goes through here, not a trie walk, because the kernel's LC-trie takes
 * sorted prefixes far slower than scattered ones: removing a million
 * routes took 22 s in prefix order, 3.5 s scattered. fn must not free.
 */
#define POOL_STRIDE 1000003 /* prime, so coprime with any pool size below 4G entries */

static void
pool_walk(struct kernel *k, void (*fn)(struct kernel *k, struct kroute *r))
{
	struct pool_chunk **v;
	size_t n = 0, total, at = 0;

	for (struct pool_chunk *c = k->chunks; c != NULL; c = c->next)
		n++;
	if (n == 0)
		return;
	v = malloc(n * sizeof(*v));
	if (v == NULL) {
		/* Same work, plain order. */
		for (struct pool_chunk *c = k->chunks; c != NULL; c = c->next)
			for (size_t i = 0; i < POOL_CHUNK; i++)
				if (c->items[i].p.afi != 0)
					fn(k, &c->items[i]);
		return;
	}
	n = 0;
	for (struct pool_chunk *c = k->chunks; c != NULL; c = c->next)
		v[n++] = c;
	total = n * POOL_CHUNK;
	for (size_t i = 0; i < total; i++) {
		struct kroute *r = &v[at / POOL_CHUNK]->items[at % POOL_CHUNK];

		if (r->p.afi != 0)
			fn(k, r);
		at = (at + POOL_STRIDE) % total;
	}
	free(v);
}

static void
enqueue(struct kernel *k, struct kroute *r)
{
	if (r->flags & KR_QUEUED)
		return;
	r->flags |= KR_QUEUED;
	r->qnext = NULL;
	if (k->qtail)
		k->qtail->qnext = r;
	else
		k->qhead = r;
	k->qtail = r;
	k->nqueued++;
	schedule_flush(k);
}

/* Back to the head of the line: r was taken off but not sent. */
static void
requeue_front(struct kernel *k, struct kroute *r)
{
	if (r->flags & KR_QUEUED)
		return; /* a resync queued it again meanwhile */
	r->flags |= KR_QUEUED;
	r->qnext = k->qhead;
	k->qhead = r;
	if (k->qtail == NULL)
		k->qtail = r;
	k->nqueued++;
}

static struct kroute *
dequeue(struct kernel *k)
{
	struct kroute *r = k->qhead;

	if (r == NULL)
		return NULL;
	k->qhead = r->qnext;
	if (k->qhead == NULL)
		k->qtail = NULL;
	r->flags &= ~KR_QUEUED;
	k->nqueued--;
	return r;
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
conflicts(const struct kernel *k, const struct kroute *r)
{
	bool discard_only = r->want == NULL;

	if (r->want == NULL && !(r->flags & KR_DISCARD))
		return false;
	if (trie_longest(k->protect, &r->p, NULL) != NULL)
		return true;
	if (discard_only || r->p.len == 0)
		return false;
	return trie_walk_covered(k->protect, &r->p, any_fn, NULL) != 0;
}

/* Recompute KR_REFUSED; true when r is (still) refused. */
static bool
update_refused(struct kernel *k, struct kroute *r)
{
	if (conflicts(k, r))
		r->flags |= KR_REFUSED;
	else
		r->flags &= ~KR_REFUSED;
	return (r->flags & KR_REFUSED) != 0;
}

static int
reprotect_fn(const struct prefix *p, void *val, void *ctx)
{
	struct kernel *k = ctx;
	struct kroute *r = val;

	if (r == NULL)
		return 0;
	update_refused(k, r);
	enqueue(k, r);
	return 0;
}

/* Entries overlapping p get their refusal recomputed and are queued. */
static void
reprotect(struct kernel *k, const struct prefix *p)
{
	trie_walk_covered(k->routes, p, reprotect_fn, k);
	trie_walk_covering(k->routes, p, reprotect_fn, k);
}

int
kernel_protect(struct kernel *k, const struct prefix *p)
{
	bool created;
	void **slot = trie_insert(k->protect, p, &created);

	if (slot == NULL)
		return KERNEL_ERR_NOMEM;
	*slot = (void *)((uintptr_t)*slot + 1);
	if (created)
		reprotect(k, p);
	return KERNEL_OK;
}

void
kernel_unprotect(struct kernel *k, const struct prefix *p)
{
	bool created;
	void **slot;

	if (trie_get(k->protect, p) == NULL)
		return;
	slot = trie_insert(k->protect, p, &created);
	if (slot == NULL)
		return;
	uintptr_t n = (uintptr_t)*slot;
	if (n > 1) {
		*slot = (void *)(n - 1);
		return;
	}
	trie_remove(k->protect, p);
	reprotect(k, p);
}

bool
kernel_is_protected(const struct kernel *k, const struct prefix *p)
{
	return trie_get(k->protect, p) != NULL;
}

/* ---- the daemon's requests ---- */

static bool
route_ok(const struct prefix *p, const struct kernel_nexthop *nh, size_t n)
{
	/* The kernel refuses host bits ("Invalid prefix for given prefix length"). */
	if ((p->afi != AFI_IP && p->afi != AFI_IP6) || p->len > afi_bits(p->afi) ||
	    prefix_host_bits_set(p) || n > KERNEL_MAX_NEXTHOPS)
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
kernel_route_set(struct kernel *k, const struct prefix *p, const struct kernel_nexthop *nh,
                 size_t n)
{
	struct kernel_nexthop sorted[KERNEL_MAX_NEXTHOPS];
	struct nhset *s = NULL;
	struct kroute *r;

	if (!route_ok(p, nh, n))
		return KERNEL_ERR_INVAL;
	if (n == 0) {
		r = trie_get(k->routes, p);
		if (r == NULL)
			return KERNEL_OK;
	} else {
		/* Canonical bytes, so equal sets intern to one (hash covers all 16). */
		memset(sorted, 0, n * sizeof(*sorted));
		for (size_t i = 0; i < n; i++) {
			sorted[i].gw.afi = nh[i].gw.afi;
			memcpy(sorted[i].gw.bytes, nh[i].gw.bytes,
			       nh[i].gw.afi ? afi_bytes(nh[i].gw.afi) : 0);
			sorted[i].ifindex = nh[i].ifindex;
		}
		s = nh_intern(k, sorted, n);
		if (s == NULL || (r = kr_get(k, p)) == NULL) {
			nh_unref(k, s);
			return KERNEL_ERR_NOMEM;
		}
	}
	nh_assign(k, &r->want, s);
	if (r->flags & KR_STALE) {
		r->flags &= ~KR_STALE;
		k->nstale--;
	}
	r->tries = 0;
	bool refused = update_refused(k, r);
	enqueue(k, r);
	return refused && n > 0 ? KERNEL_ERR_PROTECTED : KERNEL_OK;
}

int
kernel_discard_set(struct kernel *k, const struct prefix *p, bool present)
{
	struct kroute *r;

	if ((p->afi != AFI_IP && p->afi != AFI_IP6) || p->len > afi_bits(p->afi) ||
	    prefix_host_bits_set(p))
		return KERNEL_ERR_INVAL;
	r = present ? kr_get(k, p) : trie_get(k->routes, p);
	if (r == NULL)
		return present ? KERNEL_ERR_NOMEM : KERNEL_OK;
	if (present)
		r->flags |= KR_DISCARD;
	else
		r->flags &= ~KR_DISCARD;
	if (r->flags & KR_STALE) {
		r->flags &= ~KR_STALE;
		k->nstale--;
	}
	bool refused = update_refused(k, r);
	enqueue(k, r);
	return refused && present ? KERNEL_ERR_PROTECTED : KERNEL_OK;
}

static void
sweep_one(struct kernel *k, struct kroute *r)
{
	if (r->flags & KR_STALE) {
		r->flags &= ~KR_STALE;
		enqueue(k, r);
	}
}

void
kernel_sweep_stale(struct kernel *k)
{
	if (k->nstale == 0)
		return;
	klog(k, LOG_INFO, "kernel: removing %zu route(s) left by a previous run", k->nstale);
	pool_walk(k, sweep_one);
	k->nstale = 0;
}

size_t
kernel_installed(const struct kernel *k)
{
	return k->ninstalled;
}

size_t
kernel_pending(const struct kernel *k)
{
	return k->nqueued + k->ninflight + k->nretry;
}

struct walk_ctx {
	int (*fn)(const struct kernel_route_info *ri, void *ctx);
	void *ctx;
	const struct kernel *k;
};

static int
walk_fn(const struct prefix *p, void *val, void *ctx)
{
	struct walk_ctx *w = ctx;
	const struct kroute *r = val;
	struct kernel_route_info ri;

	if (r == NULL)
		return 0;
	memset(&ri, 0, sizeof(ri));
	ri.prefix = &r->p;
	ri.discard = r->have == w->k->bh;
	ri.stale = (r->flags & KR_STALE) != 0;
	ri.pending = desired(w->k, r) != r->have || r->inflight > 0;
	ri.last_error = r->last_err;
	if (r->have != NULL && !ri.discard) {
		ri.n = r->have->n;
		ri.nh = r->have->nh;
	}
	return w->fn(&ri, w->ctx);
}

int
kernel_walk(const struct kernel *k, int (*fn)(const struct kernel_route_info *ri, void *ctx),
            void *ctx)
{
	struct walk_ctx w = {fn, ctx, k};

	return trie_walk(k->routes, walk_fn, &w);
}

/* ---- sending ---- */

static void
route_of(const struct kernel *k, const struct kroute *r, const struct nhset *s,
         struct rtnl_route *rt, struct rtnl_nexthop *nh)
{
	memset(rt, 0, sizeof(*rt));
	rt->dst = r->p;
	rt->table = k->table;
	rt->protocol = k->opts.protocol;
	rt->metric = k->opts.metric;
	if (s == k->bh) {
		rt->type = RTN_BLACKHOLE;
		return;
	}
	rt->type = RTN_UNICAST;
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		nh[i].gw = s->nh[i].gw;
		nh[i].ifindex = s->nh[i].ifindex;
	}
	rt->n = s->n;
	rt->nh = nh;
}

/* Message for r going to set s (NULL: delete) at the end of the batch. */
static size_t
build(struct kernel *k, const struct kroute *r, const struct nhset *s, uint32_t seq)
{
	struct rtnl_nexthop nh[KERNEL_MAX_NEXTHOPS];
	struct rtnl_route rt;
	void *at = k->batch + k->batch_len;
	size_t room = k->batch_cap - k->batch_len;

	route_of(k, r, s, &rt, nh);
	if (s == NULL)
		return rtnl_route_del(at, room, seq, 0, &rt);
	return rtnl_route_new(at, room, seq, 0, &rt);
}

static void
ring_push(struct kernel *k, struct kroute *r, struct nhset *s, uint32_t seq)
{
	struct inflight *f = &k->ring[seq % WINDOW];

	f->r = r;
	f->set = nh_ref(s);
	r->inflight++;
	k->ninflight++;
	nh_assign(k, &r->tgt, nh_ref(s));
}

/* Send the batch; false when the kernel cannot take it now. */
static bool
send_batch(struct kernel *k)
{
	struct nlmsghdr *last;

	if (k->batch_len == 0)
		return true;
	last = (struct nlmsghdr *)(void *)(k->batch + k->batch_last);
	last->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(k->cmd, k->batch, k->batch_len) < 0) {
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) {
			k->batch_blocked = true;
			return false;
		}
		/*
		 * Anything else is a bug or a dead socket: the messages were
		 * not processed. Their records stay; a resync reconciles.
		 */
		klog(k, LOG_ERR, "kernel: sending routes: %s", strerror(errno));
		k->batch_len = 0;
		resync(k);
		return false;
	}
	k->batch_len = 0;
	k->batch_blocked = false;
	return true;
}

/* Queue r's message in the batch; false when the socket is full (r not taken). */
static bool
send_one(struct kernel *k, struct kroute *r)
{
	struct nhset *d = desired(k, r);
	uint32_t seq = k->seq_next;
	size_t len;

	if (d == r->tgt) {
		kr_maybe_free(k, r);
		return true;
	}
	len = build(k, r, d, seq);
	if (len == 0 && k->batch_len > 0) {
		if (!send_batch(k))
			return false;
		len = build(k, r, d, seq);
	}
	if (len == 0) {
		klog(k, LOG_ERR, "kernel: cannot encode a route message");
		kr_maybe_free(k, r);
		return true;
	}
	k->batch_last = k->batch_len;
	k->batch_len += len;
	k->seq_next++;
	ring_push(k, r, d, seq);
	return true;
}

/* xorshift32: the shuffle only needs to scatter, not to be unpredictable. */
static uint32_t
rng_next(struct kernel *k)
{
	uint32_t x = k->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return k->rng = x;
}

/*
 * Each window of work is shuffled before it is sent. Order between
 * prefixes does not matter for correctness (each is queued at most once),
 * but the kernel's LC-trie installs prefixes in sorted order (a daemon's
 * RIB walk) about 1.8x slower than scattered ones (see pool_walk too).
 */
static void
shuffle(struct kernel *k, struct kroute **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_next(k) % i;
		struct kroute *t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

void
kernel_flush(struct kernel *k)
{
	if (k->resyncing || k->need_resync)
		return;
	if (k->batch_len > 0 && !send_batch(k))
		goto blocked;
	while (k->ninflight < WINDOW && k->nqueued > 0) {
		size_t n = 0, room = WINDOW - k->ninflight;
		struct kroute *r;

		while (n < room && (r = dequeue(k)) != NULL)
			k->stage[n++] = r;
		shuffle(k, k->stage, n);
		for (size_t i = 0; i < n; i++) {
			if (send_one(k, k->stage[i]))
				continue;
			for (size_t j = n; j-- > i;)
				requeue_front(k, k->stage[j]);
			goto blocked;
		}
	}
	if (send_batch(k))
		return;
blocked:
	/* The socket is full: try again shortly, from the loop. */
	if (!event_pending(k->retry_ev, EV_TIMEOUT, NULL)) {
		struct timeval tv = {0, 10000};

		event_add(k->retry_ev, &tv);
	}
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	kernel_flush(arg);
}

static void
schedule_flush(struct kernel *k)
{
	if (k->flush_ev != NULL && !event_pending(k->flush_ev, EV_TIMEOUT, NULL))
		event_active(k->flush_ev, EV_TIMEOUT, 0);
}

/* ---- answers ---- */

static void
retry_later(struct kernel *k, struct kroute *r, int err, const char *ext)
{
	char pfx[PREFIX_STRLEN];
	unsigned delay;

	r->last_err = err;
	if (r->tries < 255)
		r->tries++;
	delay = r->tries >= 7 ? RETRY_MAX : MIN(RETRY_MAX, 1u << (r->tries - 1));
	r->due = mono_secs() + delay;
	if (log_allowed(k))
		klog(k, LOG_WARNING, "kernel: %s: %s%s%s (retry in %u s)",
		     prefix_fmt(&r->p, pfx, sizeof(pfx)), strerror(err), ext[0] ? ": " : "", ext,
		     delay);
	if (!(r->flags & KR_RETRY)) {
		r->flags |= KR_RETRY;
		r->rnext = k->rhead;
		k->rhead = r;
		k->nretry++;
	}
	if (!event_pending(k->retry_ev, EV_TIMEOUT, NULL)) {
		struct timeval tv = {1, 0};

		event_add(k->retry_ev, &tv);
	}
}

/* The answer for one in-flight message: err 0 is success. */
static void
complete(struct kernel *k, uint32_t seq, int err, const char *ext)
{
	struct inflight *f = &k->ring[seq % WINDOW];
	struct kroute *r = f->r;
	struct nhset *s = f->set;

	f->r = NULL;
	f->set = NULL;
	k->ninflight--;
	r->inflight--;
	/* A delete of something already gone did what we wanted. */
	if (s == NULL && (err == ESRCH || err == ENOENT))
		err = 0;
	if (err == 0) {
		set_have(k, r, s);
		r->last_err = 0;
		r->tries = 0;
	} else {
		if (r->inflight == 0)
			nh_assign(k, &r->tgt, nh_ref(r->have));
		retry_later(k, r, err, ext);
	}
	nh_unref(k, s);
	kr_maybe_free(k, r);
}

/* An answer for seq: every older message succeeded, seq itself got err. */
static void
answer(struct kernel *k, uint32_t seq, int err, const char *ext)
{
	if (k->ninflight == 0 || (int32_t)(seq - k->seq_oldest) < 0 ||
	    (int32_t)(seq - k->seq_next) >= 0)
		return; /* not ours, or from before a resync */
	while (k->seq_oldest != seq)
		complete(k, k->seq_oldest++, 0, "");
	complete(k, k->seq_oldest++, err, ext);
}

static void
cmd_read(struct kernel *k)
{
	for (int i = 0; i < RECV_PER_TURN; i++) {
		ssize_t n = mnl_socket_recvfrom(k->cmd, k->rxbuf, RECV_BUF);
		struct rtnl_error e;
		struct rtnl_msg m;
		struct rbuf d;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				klog(k, LOG_WARNING,
				     "kernel: netlink answers lost (ENOBUFS): resynchronising");
				resync(k);
			} else if (errno != EAGAIN) {
				klog(k, LOG_ERR, "kernel: reading answers: %s", strerror(errno));
			}
			break;
		}
		rbuf_init(&d, k->rxbuf, (size_t)n);
		while (rtnl_next(&d, &m) > 0)
			if (rtnl_parse_error(&m, &e))
				answer(k, e.seq, e.err, e.msg);
	}
}

static void
cmd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;

	cmd_read(k);
	if (k->nqueued > 0)
		kernel_flush(k);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;
	uint32_t now = mono_secs();
	struct kroute **pp = &k->rhead;

	if (k->need_resync) {
		resync(k);
		if (k->need_resync)
			return;
	}

	while (*pp != NULL) {
		struct kroute *r = *pp;

		if ((int32_t)(now - r->due) >= 0 || r->last_err == 0) {
			*pp = r->rnext;
			r->flags &= ~KR_RETRY;
			k->nretry--;
			enqueue(k, r);
		} else {
			pp = &r->rnext;
		}
	}
	if (k->rhead != NULL) {
		struct timeval tv = {1, 0};

		event_add(k->retry_ev, &tv);
	}
	kernel_flush(k);
}

/* ---- synchronous requests and dumps (the sync socket) ---- */

typedef void (*msg_fn)(struct kernel *k, const struct rtnl_msg *m, void *ctx);

/*
 * Send one request (NLM_F_ACK or NLM_F_DUMP already set) and read until its
 * ACK, error or NLMSG_DONE, handing every other message to fn. Returns 0 or
 * a positive errno (ETIMEDOUT when the kernel stays silent); the kernel's
 * extended-ACK text goes to ext.
 */
static int
sync_talk(struct kernel *k, void *req, msg_fn fn, void *ctx, char *ext, size_t extlen)
{
	struct nlmsghdr *nlh = req;
	struct pollfd pfd = {.fd = mnl_socket_get_fd(k->sync), .events = POLLIN};
	int64_t deadline = mono_ms() + SYNC_TIMEOUT;
	uint32_t seq = ++k->sync_seq;

	if (ext != NULL && extlen > 0)
		ext[0] = '\0';
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(k->sync, req, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		int64_t left = deadline - mono_ms();
		struct rtnl_msg m;
		struct rbuf d;
		ssize_t n;

		if (left <= 0)
			return ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return errno;
		n = mnl_socket_recvfrom(k->sync, k->rxbuf, RECV_BUF);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return errno;
		}
		/* The timeout is for silence: a million-route dump may take long. */
		deadline = mono_ms() + SYNC_TIMEOUT;
		rbuf_init(&d, k->rxbuf, (size_t)n);
		while (rtnl_next(&d, &m) > 0) {
			struct rtnl_error e;
			int derr;

			if (m.seq != seq)
				continue; /* a late answer to an earlier request */
			if (rtnl_parse_error(&m, &e)) {
				if (ext != NULL && extlen > 0)
					snprintf(ext, extlen, "%s", e.msg);
				return e.err;
			}
			if (rtnl_parse_done(&m, &derr))
				return derr;
			if (fn != NULL)
				fn(k, &m, ctx);
		}
	}
}

/* Throw away what a socket holds (bounded: a busy kernel may keep talking). */
static void
discard_pending(struct mnl_socket *nl, uint8_t *buf)
{
	for (int i = 0; i < 100000; i++)
		if (mnl_socket_recvfrom(nl, buf, RECV_BUF) < 0 && errno != ENOBUFS &&
		    errno != EINTR)
			return;
}

/* ---- links and addresses ---- */

static struct link *
link_find(const struct kernel *k, unsigned ifindex)
{
	for (size_t i = 0; i < k->nlinks; i++)
		if (k->links[i].ifindex == ifindex)
			return &k->links[i];
	return NULL;
}

/*
 * Linux drops IPv4 routes through an interface that goes down or loses its
 * address, without a word (no RTM_DELROUTE): our shadow would go on saying
 * "installed". So a link going down or an address going away schedules a
 * resync (once, a second later, after the daemon has reacted), and a link
 * coming up retries at once what failed while it was down.
 */
static void
links_changed(struct kernel *k, bool up)
{
	struct timeval now = {0, 0}, later = {1, 0};

	if (!up) {
		if (!event_pending(k->resync_ev, EV_TIMEOUT, NULL))
			event_add(k->resync_ev, &later);
		return;
	}
	for (struct kroute *r = k->rhead; r != NULL; r = r->rnext)
		r->due = mono_secs();
	if (k->rhead != NULL)
		event_add(k->retry_ev, &now);
}

static void
resync_cb(evutil_socket_t fd, short what, void *arg)
{
	resync(arg);
}

static void
link_update(struct kernel *k, const struct rtnl_link *l)
{
	struct link *e = link_find(k, l->ifindex);
	bool up = rtnl_link_is_up(l), known = e != NULL;

	if (l->deleted) {
		if (e == NULL)
			return;
		char name[RTNL_IFNAMSIZ];
		memcpy(name, e->name, sizeof(name));
		*e = k->links[--k->nlinks];
		links_changed(k, false);
		if (k->cbs.link)
			k->cbs.link(k->arg, name, l->ifindex, false);
		return;
	}
	if (e == NULL) {
		if (k->nlinks == k->links_cap) {
			size_t cap = k->links_cap ? k->links_cap * 2 : 16;
			struct link *n = realloc(k->links, cap * sizeof(*n));

			if (n == NULL)
				return;
			k->links = n;
			k->links_cap = cap;
		}
		e = &k->links[k->nlinks++];
		e->ifindex = l->ifindex;
		e->up = !up; /* so that the new link is reported */
		e->name[0] = '\0';
	}
	bool renamed = strcmp(e->name, l->name) != 0;
	snprintf(e->name, sizeof(e->name), "%s", l->name);
	if (e->up == up && !renamed)
		return;
	if (known && e->up != up)
		links_changed(k, up);
	e->up = up;
	if (k->cbs.link)
		k->cbs.link(k->arg, e->name, e->ifindex, up);
}

static void
addr_update(struct kernel *k, const struct rtnl_addr *a)
{
	const struct link *l = link_find(k, a->ifindex);
	char name[RTNL_IFNAMSIZ] = "";

	if (!a->deleted && !rtnl_addr_is_usable(a))
		return; /* DAD still running: the kernel tells again when it is done */
	if (l != NULL)
		memcpy(name, l->name, sizeof(name));
	else
		if_indextoname(a->ifindex, name);
	links_changed(k, !a->deleted);
	if (k->cbs.addr)
		k->cbs.addr(k->arg, name, &a->addr, a->plen, !a->deleted);
}

static void
ifmsg(struct kernel *k, const struct rtnl_msg *m, void *ctx)
{
	struct rtnl_link l;
	struct rtnl_addr a;

	if (rtnl_parse_link(m, &l))
		link_update(k, &l);
	else if (rtnl_parse_addr(m, &a))
		addr_update(k, &a);
}

/* The whole link and address state, as callbacks (at start and after ENOBUFS). */
static void
dump_interfaces(struct kernel *k)
{
	uint8_t req[64];
	int err = EINVAL;

	/* Older notifications describe a past the dump supersedes. */
	discard_pending(k->mon, k->rxbuf);
	if (rtnl_link_dump(req, sizeof(req), 0) == 0 ||
	    (err = sync_talk(k, req, ifmsg, NULL, NULL, 0)) != 0 ||
	    rtnl_addr_dump(req, sizeof(req), 0, 0) == 0 ||
	    (err = sync_talk(k, req, ifmsg, NULL, NULL, 0)) != 0)
		klog(k, LOG_ERR, "kernel: link/address dump failed: %s", strerror(err));
}

static void
init_cb(evutil_socket_t fd, short what, void *arg)
{
	dump_interfaces(arg);
}

static void
mon_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;

	for (int i = 0; i < RECV_PER_TURN; i++) {
		ssize_t n = mnl_socket_recvfrom(k->mon, k->rxbuf, RECV_BUF);
		struct rtnl_msg m;
		struct rbuf d;

		if (n < 0) {
			if (errno == ENOBUFS) {
				klog(k, LOG_WARNING,
				     "kernel: link notifications lost (ENOBUFS): dumping again");
				dump_interfaces(k);
			}
			if (errno == EINTR)
				continue;
			return;
		}
		rbuf_init(&d, k->rxbuf, (size_t)n);
		while (rtnl_next(&d, &m) > 0)
			ifmsg(k, &m, NULL);
	}
}

unsigned
kernel_ifindex(const struct kernel *k, const char *ifname)
{
	for (size_t i = 0; i < k->nlinks; i++)
		if (strcmp(k->links[i].name, ifname) == 0)
			return k->links[i].ifindex;
	return if_nametoindex(ifname);
}

int
kernel_vlan_create(struct kernel *k, const char *parent, uint16_t vlan, const char *name, char *err,
                   size_t errlen)
{
	unsigned pidx = kernel_ifindex(k, parent);
	uint8_t req[256];
	char ext[128];
	int e;

	if (pidx == 0) {
		snprintf(err, errlen, "creating %s: parent interface %s does not exist", name,
		         parent);
		return -1;
	}
	if (rtnl_vlan_new(req, sizeof(req), 0, name, pidx, vlan, true) == 0) {
		snprintf(err, errlen, "creating %s: invalid name or VLAN id %u", name, vlan);
		return -1;
	}
	e = sync_talk(k, req, NULL, NULL, ext, sizeof(ext));
	if (e == 0 || e == EEXIST)
		return 0;
	if (e == EOPNOTSUPP || e == ENODEV || e == ENOENT)
		snprintf(err, errlen,
		         "creating %s: the kernel has no 802.1Q VLAN support (%s%s%s): "
		         "load the 8021q module (modprobe 8021q)",
		         name, strerror(e), ext[0] ? ": " : "", ext);
	else
		snprintf(err, errlen, "creating %s on %s (VLAN %u): %s%s%s", name, parent, vlan,
		         strerror(e), ext[0] ? ": " : "", ext);
	return -1;
}

int
kernel_addr_add(struct kernel *k, const char *ifname, const struct addr *a, unsigned plen,
                char *err, size_t errlen)
{
	unsigned idx = kernel_ifindex(k, ifname);
	char as[ADDR_STRLEN], ext[128];
	uint8_t req[128];
	int e;

	addr_fmt(a, as, sizeof(as));
	if (idx == 0) {
		snprintf(err, errlen, "adding %s/%u: interface %s does not exist", as, plen,
		         ifname);
		return -1;
	}
	if (rtnl_addr_new(req, sizeof(req), 0, idx, a, plen) == 0) {
		snprintf(err, errlen, "adding %s/%u to %s: invalid address", as, plen, ifname);
		return -1;
	}
	e = sync_talk(k, req, NULL, NULL, ext, sizeof(ext));
	if (e == 0 || e == EEXIST)
		return 0;
	snprintf(err, errlen, "adding %s/%u to %s: %s%s%s", as, plen, ifname, strerror(e),
	         ext[0] ? ": " : "", ext);
	return -1;
}

/* ---- route dumps: adoption at start, resync after ENOBUFS ---- */

struct dump_ctx {
	bool adopt;     /* mark what we find as stale */
	uint8_t *purge; /* deletes for our routes with another metric */
	size_t purge_len, purge_cap;
	bool failed;
};

static void
purge_add(struct kernel *k, struct dump_ctx *c, const struct rtnl_route *rt)
{
	struct rtnl_route del = *rt;

	if (c->purge_cap - c->purge_len < 256) {
		size_t cap = c->purge_cap ? c->purge_cap * 2 : 4096;
		uint8_t *n = realloc(c->purge, cap);

		if (n == NULL)
			return;
		c->purge = n;
		c->purge_cap = cap;
	}
	del.n = 0;
	c->purge_len += rtnl_route_del(c->purge + c->purge_len, c->purge_cap - c->purge_len, 0,
	                               NLM_F_ACK, &del);
}

static void
route_msg(struct kernel *k, const struct rtnl_msg *m, void *ctx)
{
	struct rtnl_nexthop rnh[KERNEL_MAX_NEXTHOPS];
	struct kernel_nexthop nh[KERNEL_MAX_NEXTHOPS];
	struct dump_ctx *c = ctx;
	struct rtnl_route rt;
	struct nhset *s;
	struct kroute *r;
	bool deleted;

	if (!rtnl_parse_route(m, &rt, rnh, KERNEL_MAX_NEXTHOPS, &deleted) || deleted)
		return;
	/* Without strict checking the kernel sends every table. */
	if (rt.table != k->table || rt.protocol != k->opts.protocol)
		return;
	if (rt.metric != k->opts.metric) {
		purge_add(k, c, &rt);
		return;
	}
	if (rt.type == RTN_BLACKHOLE) {
		s = nh_ref(k->bh);
	} else if (rt.type == RTN_UNICAST && rt.n > 0) {
		memset(nh, 0, sizeof(nh));
		for (size_t i = 0; i < rt.n; i++) {
			nh[i].gw = rt.nh[i].gw;
			nh[i].ifindex = rt.nh[i].ifindex;
		}
		s = nh_intern(k, nh, rt.n);
	} else {
		purge_add(k, c, &rt);
		return;
	}
	if (s == NULL || (r = kr_get(k, &rt.dst)) == NULL) {
		nh_unref(k, s);
		c->failed = true;
		return;
	}
	set_have(k, r, s);
	nh_unref(k, s);
	r->flags |= KR_SEEN;
	if (c->adopt && r->want == NULL && !(r->flags & (KR_DISCARD | KR_STALE))) {
		r->flags |= KR_STALE;
		k->nstale++;
	}
}

static void
unseen_one(struct kernel *k, struct kroute *r)
{
	if (!(r->flags & KR_SEEN))
		set_have(k, r, NULL);
	r->flags &= ~KR_SEEN;
	nh_assign(k, &r->tgt, nh_ref(r->have));
	/* The flush sends what differs and frees what is empty; a failed route
	 * keeps its backoff (else errors that overflow the socket would make
	 * ENOBUFS, resync, resend a loop). */
	if (!(r->flags & KR_RETRY))
		enqueue(k, r);
}

static void
clear_seen(struct kernel *k, struct kroute *r)
{
	r->flags &= ~KR_SEEN;
}

/* Dump our routes into the shadow's `have`; 0 or an errno. */
static int
dump_routes(struct kernel *k, bool adopt)
{
	struct dump_ctx c = {.adopt = adopt};
	uint8_t req[64];
	int err = 0;

	for (uint8_t afi = AFI_IP; afi <= AFI_IP6 && err == 0; afi++) {
		if (rtnl_route_dump(req, sizeof(req), 0, afi, k->table, k->opts.protocol) == 0)
			return EINVAL;
		err = sync_talk(k, req, route_msg, &c, NULL, 0);
		/* A table that does not exist yet holds nothing of ours. */
		if (err == ENOENT)
			err = 0;
	}
	if (err == 0 && c.failed)
		err = ENOMEM;
	if (err == 0)
		pool_walk(k, unseen_one);
	for (size_t off = 0; off < c.purge_len;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(void *)(c.purge + off);

		off += NLMSG_ALIGN(nlh->nlmsg_len);
		sync_talk(k, nlh, NULL, NULL, NULL, 0);
	}
	free(c.purge);
	return err;
}

/* Forget what is in flight and learn the truth from a dump. */
static void
resync(struct kernel *k)
{
	int err;

	if (k->resyncing)
		return;
	k->resyncing = true;
	/* Every message sent was processed (sendmsg is synchronous); its answer is moot. */
	discard_pending(k->cmd, k->rxbuf);
	while (k->ninflight > 0) {
		struct inflight *f = &k->ring[k->seq_oldest++ % WINDOW];

		f->r->inflight--;
		nh_unref(k, f->set);
		f->r = NULL;
		f->set = NULL;
		k->ninflight--;
	}
	k->seq_oldest = k->seq_next;
	k->batch_len = 0;
	err = dump_routes(k, false);
	k->resyncing = false;
	k->need_resync = err != 0;
	if (err != 0) {
		/* Without the truth nothing is sent: a wrong delete is worse than a pause. */
		klog(k, LOG_ERR, "kernel: route dump failed (%s): retrying in 1 s", strerror(err));
		pool_walk(k, clear_seen);
		if (!event_pending(k->retry_ev, EV_TIMEOUT, NULL)) {
			struct timeval tv = {1, 0};

			event_add(k->retry_ev, &tv);
		}
		return;
	}
	schedule_flush(k);
}

void
kernel_resync(struct kernel *k)
{
	klog(k, LOG_INFO, "kernel: resynchronising with the kernel's routes");
	resync(k);
}

/* ---- open and close ---- */

static struct mnl_socket *
nl_open(unsigned groups, int rcvbuf, int sndbuf, char *err, size_t errlen)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int one = 1, fd;

	if (nl == NULL || mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "rtnetlink socket: %s", strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return NULL;
	}
	fd = mnl_socket_get_fd(nl);
	/* FORCE needs CAP_NET_ADMIN (which we need anyway); else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	/* Error texts from the kernel; answers without a copy of our request. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	return nl;
}

/* Largest batch the send buffer takes (netlink refuses len > sndbuf - 32). */
static size_t
batch_size(struct mnl_socket *nl)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &v, &l) < 0 || v < 8192)
		return 4096;
	return MIN((size_t)v / 2, (size_t)BATCH_MAX);
}

static void
stale_cb(evutil_socket_t fd, short what, void *arg)
{
	kernel_sweep_stale(arg);
}

struct kernel *
kernel_open(struct event_base *base, const struct kernel_opts *opts, const struct kernel_cbs *cbs,
            void *arg, char *err, size_t errlen)
{
	struct kernel *k = calloc(1, sizeof(*k));
	int e;

	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->base = base;
	k->opts = *opts;
	if (k->opts.protocol == 0)
		k->opts.protocol = KERNEL_PROTO_BGP;
	k->table = opts->table > 0 ? (uint32_t)opts->table : RT_TABLE_MAIN;
	if (cbs)
		k->cbs = *cbs;
	k->arg = arg;
	k->seq_next = k->seq_oldest = (uint32_t)time(NULL);
	k->nh_hash_size = NH_HASH_INIT;
	k->nh_hash = calloc(k->nh_hash_size, sizeof(*k->nh_hash));
	k->bh = calloc(1, sizeof(*k->bh));
	k->ring = calloc(WINDOW, sizeof(*k->ring));
	k->stage = calloc(WINDOW, sizeof(*k->stage));
	k->rng = k->seq_next | 1;
	k->rxbuf = malloc(RECV_BUF);
	k->routes = trie_new();
	k->protect = trie_new();
	if (!k->nh_hash || !k->bh || !k->ring || !k->stage || !k->rxbuf || !k->routes ||
	    !k->protect) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	k->bh->refs = 1;
	if ((k->cmd = nl_open(0, opts->rcvbuf > 0 ? opts->rcvbuf : CMD_RCVBUF, CMD_SNDBUF, err,
	                      errlen)) == NULL ||
	    (k->sync = nl_open(0, 1 << 20, 1 << 20, err, errlen)) == NULL ||
	    (k->mon = nl_open(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, MON_RCVBUF,
	                      1 << 16, err, errlen)) == NULL)
		goto fail;
	k->batch_cap = batch_size(k->cmd);
	k->batch = malloc(k->batch_cap);
	k->cmd_ev = event_new(base, mnl_socket_get_fd(k->cmd), EV_READ | EV_PERSIST, cmd_cb, k);
	k->mon_ev = event_new(base, mnl_socket_get_fd(k->mon), EV_READ | EV_PERSIST, mon_cb, k);
	k->flush_ev = evtimer_new(base, flush_cb, k);
	k->retry_ev = evtimer_new(base, retry_cb, k);
	k->stale_ev = evtimer_new(base, stale_cb, k);
	k->init_ev = evtimer_new(base, init_cb, k);
	k->resync_ev = evtimer_new(base, resync_cb, k);
	if (!k->batch || !k->cmd_ev || !k->mon_ev || !k->flush_ev || !k->retry_ev || !k->stale_ev ||
	    !k->init_ev || !k->resync_ev) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	event_add(k->cmd_ev, NULL);
	event_add(k->mon_ev, NULL);
	event_active(k->init_ev, EV_TIMEOUT, 0);

	/* Adopt what a previous run left (see kernel.h). */
	if ((e = dump_routes(k, k->opts.stale_secs > 0)) != 0) {
		snprintf(err, errlen, "dumping the routes of protocol %u in table %u: %s",
		         k->opts.protocol, k->table, strerror(e));
		goto fail;
	}
	if (k->nstale > 0) {
		struct timeval tv = {(time_t)k->opts.stale_secs, 0};

		klog(k, LOG_INFO,
		     "kernel: adopted %zu route(s) of a previous run; unclaimed ones go in %u s",
		     k->nstale, k->opts.stale_secs);
		event_add(k->stale_ev, &tv);
	} else if (k->nqueued > 0 && k->ninstalled > 0) {
		klog(k, LOG_INFO, "kernel: removing %zu route(s) of a previous run", k->ninstalled);
	}
	return k;
fail:
	kernel_close(k);
	return NULL;
}

static void
withdraw_one(struct kernel *k, struct kroute *r)
{
	nh_assign(k, &r->want, NULL);
	r->flags &= ~(KR_DISCARD | KR_STALE | KR_REFUSED);
	enqueue(k, r);
}

/* Send what is queued and wait (bounded) for the answers. */
static void
drain(struct kernel *k, int timeout_ms)
{
	struct pollfd pfd = {.fd = mnl_socket_get_fd(k->cmd), .events = POLLIN};
	int64_t deadline = mono_ms() + timeout_ms;

	while ((k->nqueued > 0 || k->ninflight > 0) && mono_ms() < deadline) {
		kernel_flush(k);
		if (k->ninflight > 0 && poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		cmd_read(k);
	}
}

static void
free_kroute(void *val)
{
	(void)val; /* entries live in the pool's chunks */
}

static int
release_fn(const struct prefix *p, void *val, void *ctx)
{
	struct kernel *k = ctx;
	struct kroute *r = val;

	if (r != NULL) {
		nh_assign(k, &r->want, NULL);
		nh_assign(k, &r->tgt, NULL);
		nh_assign(k, &r->have, NULL);
	}
	return 0;
}

void
kernel_keep_on_exit(struct kernel *k, bool keep)
{
	if (k != NULL)
		k->opts.keep_on_exit = keep;
}

void
kernel_close(struct kernel *k)
{
	if (k == NULL)
		return;
	if (k->cmd != NULL && k->routes != NULL && k->sync != NULL) {
		if (!k->opts.keep_on_exit) {
			k->nstale = 0;
			pool_walk(k, withdraw_one);
		}
		/* A few seconds, plus time for a big table (1M routes: ~10 s here). */
		drain(k, CLOSE_TIMEOUT + (int)MIN(k->ninstalled / 40, 60000u));
		if (!k->opts.keep_on_exit && k->ninstalled > 0)
			klog(k, LOG_WARNING, "kernel: %zu route(s) could not be removed",
			     k->ninstalled);
	}
	if (k->ring != NULL)
		for (size_t i = 0; i < WINDOW; i++)
			nh_unref(k, k->ring[i].set);
	if (k->routes) {
		trie_walk(k->routes, release_fn, k);
		trie_free(k->routes, free_kroute);
	}
	if (k->protect)
		trie_free(k->protect, NULL);
	for (struct pool_chunk *c = k->chunks, *n; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	struct event *evs[] = {k->cmd_ev,   k->mon_ev,  k->flush_ev, k->retry_ev,
	                       k->stale_ev, k->init_ev, k->resync_ev};
	for (size_t i = 0; i < ARRAY_SIZE(evs); i++)
		if (evs[i])
			event_free(evs[i]);
	if (k->cmd)
		mnl_socket_close(k->cmd);
	if (k->mon)
		mnl_socket_close(k->mon);
	if (k->sync)
		mnl_socket_close(k->sync);
	if (k->nh_hash) {
		for (size_t i = 0; i < k->nh_hash_size; i++)
			for (struct nhset *s = k->nh_hash[i], *n; s; s = n) {
				n = s->hnext;
				free(s);
			}
		free(k->nh_hash);
	}
	free(k->bh);
	free(k->ring);
	free(k->stage);
	free(k->batch);
	free(k->rxbuf);
	free(k->links);
	free(k);
}
