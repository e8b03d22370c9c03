/*
 * kroute: the shadow of one kernel routing table, pure (no sockets, no
 * clock): what the daemon wants, what is in flight, what the kernel holds.
 * bgpd/kernel.c does the netlink I/O around it; this module decides.
 *
 * Per prefix it keeps three interned next-hop sets (hash-consed and
 * ref-counted: a million routes over the same two next hops share one):
 *   want  what the daemon asked for (NULL: nothing)
 *   tgt   what the kernel will hold once the changes in flight are done
 *   have  what the kernel confirmed
 * plus a discard (blackhole) wish that a route with next hops overrides,
 * and a stale mark for a route adopted from a previous run. A prefix whose
 * desired state differs from tgt is queued; the I/O side takes queued
 * entries, sends one change for each and reports the answers by sequence
 * number, in order (kroute_answer). A settled route (nothing queued, in
 * flight or failed, want = tgt = have) costs only its trie entry, 16 to 20
 * bytes for IPv4.
 *
 * Protection: a route with next hops that covers or lies inside a
 * protected prefix (a peering /30, a connected subnet) would cut the
 * session that carries it, so it is refused (KROUTE_ERR_PROTECTED) and
 * kept as a wish: it goes in if the protection is withdrawn, and a
 * protection added later pulls routes that overlap it. The default route
 * is exempt (it never wins over a connected route); a discard is refused
 * only inside or equal to a protected prefix, since an aggregate's
 * blackhole normally covers connected subnets and loses to them by longest
 * match.
 *
 * Retry: a failed change is retried with a backoff of 1 s doubling to
 * 60 s, measured on the caller's clock (seconds passed in as `now`),
 * until it succeeds or the daemon changes its mind.
 */
#ifndef CEBGP_KROUTE_H
#define CEBGP_KROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

struct kroute_table;
struct kroute; /* one prefix's entry; the I/O side holds it only between take and sent */

struct kroute_nexthop {
	struct addr gw;   /* gateway; afi 0 for a device route (interface only) */
	unsigned ifindex; /* 0: let the kernel pick the interface */
};

enum kroute_err {
	KROUTE_OK = 0,
	KROUTE_ERR_PROTECTED = -1, /* overlaps a protected prefix: refused (kept as desired) */
	KROUTE_ERR_NOMEM = -2,
	KROUTE_ERR_INVAL = -3, /* bad family, host bits, too many next hops, duplicates */
};
const char *kroute_strerror(int err);

#define KROUTE_MAX_NEXTHOPS 16    /* RTA_MULTIPATH entries of one route */
#define KROUTE_WINDOW       16384 /* changes in flight at most */
#define KROUTE_RETRY_MAX    60    /* seconds between retries, at most */

/* seq0: the first sequence number (any value; the I/O side picks it). */
struct kroute_table *kroute_new(uint32_t seq0);
void kroute_free(struct kroute_table *t);

/* ---- the daemon's wishes ---- */

/* n next hops for p (n == 0: none). Unsorted is fine; duplicates are not. */
int kroute_set(struct kroute_table *t, const struct prefix *p, const struct kroute_nexthop *nh,
               size_t n);
/* A discard (blackhole) for p; next hops for the same prefix win over it. */
int kroute_discard(struct kroute_table *t, const struct prefix *p, bool present);
/* Protected prefixes (counted: protect twice, unprotect twice). */
int kroute_protect(struct kroute_table *t, const struct prefix *p);
void kroute_unprotect(struct kroute_table *t, const struct prefix *p);
bool kroute_is_protected(const struct kroute_table *t, const struct prefix *p);
/* Queue the removal of every adopted route not claimed again; how many. */
size_t kroute_sweep_stale(struct kroute_table *t);
/*
 * The same in bounded steps, for a loop that must keep turning: each call
 * visits at most budget entries; true when the sweep is done (every stale
 * route queued). A million adopted routes: about 20 steps of 50000.
 */
bool kroute_sweep_step(struct kroute_table *t, size_t budget);
/* Want nothing any more (shutting down without keep-on-exit). */
void kroute_withdraw_all(struct kroute_table *t);

/* ---- counters ---- */

size_t kroute_installed(const struct kroute_table *t); /* entries the kernel holds */
size_t kroute_queued(const struct kroute_table *t);    /* waiting to be taken */
size_t kroute_inflight(const struct kroute_table *t);  /* sent, not answered */
size_t kroute_retrying(const struct kroute_table *t);  /* failed, waiting for the backoff */
size_t kroute_stale(const struct kroute_table *t);     /* adopted, not claimed */
/* Changes not yet confirmed: queued + in flight + retrying (+ a sweep's, in steps). */
size_t kroute_pending(const struct kroute_table *t);
/*
 * Entries with work going on, held in full (the settled rest are one word
 * in the trie each), and the bytes the table holds: trie nodes, entry
 * chunks, next-hop sets, the in-flight ring.
 */
size_t kroute_full(const struct kroute_table *t);
size_t kroute_memory(const struct kroute_table *t);

/* One entry, for `show kernel routes`. */
struct kroute_info {
	const struct prefix *prefix;
	bool discard;   /* installed as a blackhole */
	bool stale;     /* adopted, not yet claimed */
	bool pending;   /* installed state differs from desired */
	int last_error; /* errno of the last failure, 0 if none */
	size_t n;       /* installed next hops */
	const struct kroute_nexthop *nh;
};
/*
 * Walk in prefix order; non-zero from fn stops the walk (and is returned).
 * The info is valid during the call only; fn must not change the table.
 */
int kroute_walk(const struct kroute_table *t, int (*fn)(const struct kroute_info *ri, void *ctx),
                void *ctx);
/*
 * The same for a page: only entries sorting strictly after *after (NULL:
 * from the start) and covered by *within (NULL: all), so a listing resumes
 * where the last page ended without visiting what that one showed.
 */
int kroute_walk_from(const struct kroute_table *t, const struct prefix *after,
                     const struct prefix *within,
                     int (*fn)(const struct kroute_info *ri, void *ctx), void *ctx);

/* ---- the I/O side: sending ---- */

/*
 * Take up to max queued entries off the queue (in queue order; the caller
 * may reorder them). Each is then either described and sent, or handed
 * back with kroute_requeue.
 */
size_t kroute_take(struct kroute_table *t, struct kroute **v, size_t max);

enum kroute_op { KROUTE_DELETE, KROUTE_UNICAST, KROUTE_BLACKHOLE };
struct kroute_change {
	const struct prefix *p;
	enum kroute_op op;
	size_t n; /* KROUTE_UNICAST: next hops, sorted */
	const struct kroute_nexthop *nh;
	uint32_t nhid; /* KROUTE_UNICAST over a nexthop group (send this, not nh) */
};
/*
 * The change that takes r from tgt to what is desired now. false: nothing
 * to send (r may then be released: do not use it again). With nexthop
 * objects on, it may queue object changes (kroute_nh_peek): they go out
 * before this change. It may also find that the change needs no route
 * message at all: when nobody wants r's current set any more, its group is
 * handed to the new set in one replace (queued), and every route on it
 * follows without a message of its own.
 */
bool kroute_change_of(struct kroute_table *t, struct kroute *r, struct kroute_change *c);
/* The sequence number the next sent change gets. */
uint32_t kroute_seq_next(const struct kroute_table *t);
/* r's change went out as kroute_seq_next(); at most KROUTE_WINDOW in flight. */
void kroute_sent(struct kroute_table *t, struct kroute *r);
/* r was taken but not sent: back to the head of the queue. */
void kroute_requeue(struct kroute_table *t, struct kroute *r);

/* ---- the I/O side: answers ---- */

/* A failed change, for the log line. */
struct kroute_failure {
	struct prefix p;
	int err;          /* errno */
	unsigned delay_s; /* retried after this many seconds */
};
/*
 * The answer for sequence number seq: err 0 for success, else a positive
 * errno. Answers come in order and only the last of a batch may be
 * acknowledged, so every older change in flight succeeded. A delete of a
 * route already gone (ESRCH, ENOENT) did what was wanted. Returns true
 * when seq failed (*f filled; the entry waits for its backoff); seqs not
 * in flight (from before a resync) are ignored.
 */
bool kroute_answer(struct kroute_table *t, uint32_t seq, int err, uint32_t now,
                   struct kroute_failure *f);
/* Queue every failed entry whose backoff is over; how many still wait. */
size_t kroute_retry_due(struct kroute_table *t, uint32_t now);
/* Make every failed entry due now (a link came up: try again at once). */
void kroute_retry_expedite(struct kroute_table *t, uint32_t now);

/* ---- kernel nexthop objects ---- */

/*
 * Routes over next hops that all have a gateway go through nexthop groups
 * (Linux 5.3+): one object per (gateway, interface) with an id from
 * id_base up, one group per next-hop set, and each route points at its
 * set's group. A failover of every route sharing a set is then one
 * replace of the group. Call before anything is set (the I/O side decides
 * at start whether the kernel has them). Off: next hops per route.
 */
void kroute_use_nexthop_objects(struct kroute_table *t, uint32_t id_base);
bool kroute_nexthop_objects(const struct kroute_table *t);
#define KROUTE_NH_ID_SPAN 0x00010000u /* ids id_base .. id_base + span - 1 */

/* One object change: created (or replaced) with its content, or deleted. */
struct kroute_nhop {
	bool del;
	uint32_t id;
	size_t n; /* > 0: a group of these members */
	uint32_t member[KROUTE_MAX_NEXTHOPS];
	struct kroute_nexthop nh; /* n == 0, !del: the single next hop */
};
/* The next object change to send (before any route change); false: none. */
bool kroute_nh_peek(const struct kroute_table *t, struct kroute_nhop *op);
/* It was put in a batch. */
void kroute_nh_pop(struct kroute_table *t);
size_t kroute_nh_queued(const struct kroute_table *t);
/*
 * The kernel refused a create of object id: it is re-created on next use
 * (and on kroute_retry_due). True when the shadow no longer knows what the
 * kernel holds (a group replaced by a failover): resynchronise.
 */
bool kroute_nh_failed(struct kroute_table *t, uint32_t id);
/*
 * Whether the shadow counts on object id being in the kernel: a group or
 * a member of ours, created and not given up. The kernel deleting such an
 * object (RTM_DELNEXTHOP: by hand, or a link gone) takes routes with it.
 */
bool kroute_nh_live(const struct kroute_table *t, uint32_t id);
/* Groups and member next hops of ours in the kernel (created or queued). */
size_t kroute_nh_groups(const struct kroute_table *t);
size_t kroute_nh_members(const struct kroute_table *t);

/* ---- the I/O side: reconciling with a dump of the kernel's table ---- */

/* Forget what is in flight: every answer is moot, a dump will tell. */
void kroute_inflight_forget(struct kroute_table *t);
/*
 * One route of ours the dump found: next hops (n > 0), or a blackhole
 * (nh NULL, n 0). adopt marks it stale unless the daemon wants p. The
 * same prefix found again in the same dump adds its next hops (an IPv6
 * multipath route dumped as one entry per sibling).
 * KROUTE_ERR_NOMEM or KROUTE_ERR_INVAL (then end the dump as failed).
 */
int kroute_dump_route(struct kroute_table *t, const struct prefix *p,
                      const struct kroute_nexthop *nh, size_t n, bool adopt);
/*
 * The same for a route over nexthop object nhid (0: none). Its next hops
 * come from the objects dumped before (or nh, when the kernel also listed
 * them). KROUTE_ERR_INVAL when nhid is none we know: not one of ours, the
 * caller deletes the route.
 */
int kroute_dump_route_nh(struct kroute_table *t, const struct prefix *p,
                         const struct kroute_nexthop *nh, size_t n, uint32_t nhid, bool adopt);
/*
 * Before the routes, a dump lists the nexthop objects of our protocol:
 * begin, then every single next hop, then every group (member ids). What
 * no route of ours uses is deleted at kroute_dump_end; what the shadow
 * expected and the kernel lost (a link went down) is created again.
 */
void kroute_nh_dump_begin(struct kroute_table *t);
int kroute_nh_dump_member(struct kroute_table *t, uint32_t id, const struct kroute_nexthop *nh);
int kroute_nh_dump_group(struct kroute_table *t, uint32_t id, const uint32_t *member, size_t n);
/*
 * The dump is over. ok: what it did not find is not installed, and every
 * entry whose state differs from the desired one is queued (a failed one
 * keeps its backoff). !ok: only the dump's marks are cleared; the I/O side
 * then sends nothing until a good dump (a wrong delete is worse than a
 * pause).
 */
void kroute_dump_end(struct kroute_table *t, bool ok);

#endif
