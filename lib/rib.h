/*
 * rib: the routing information bases of RFC 4271 §3.2.
 *
 *  - Adj-RIB-In: every path each peer sent, unfiltered. A path keeps the
 *    attributes as received (in) and as inbound policy left them (eff,
 *    NULL when policy rejected it), so a policy change re-runs locally
 *    (rib_peer_reevaluate) without a ROUTE-REFRESH. A path that RFC 7606
 *    says to treat as withdrawn stays visible but is never eligible.
 *  - Loc-RIB: per prefix, the paths of all peers (the Adj-RIB-In entries
 *    themselves: one object, two views), the best path by the decision
 *    process of RFC 4271 §9.1.2 and the ECMP set. Every change of best
 *    path or next-hop set is reported through a callback as one compact
 *    record, so the kernel glue can replace a route in one operation.
 *  - Adj-RIB-Out: per peer, what we want the peer to have and what it has,
 *    with coalescing pending queues (rib_out_*; see below).
 *
 * Peers are small integers the daemon assigns (rib_peer_set). Attribute
 * sets are interned (attr.h): the RIB takes its own reference on every
 * set it keeps and drops it when done; callers keep theirs.
 *
 * Paths and queue entries come from pools, the prefix index is a trie: no
 * malloc per route once the pools have grown. A route from one peer whose
 * attributes inbound policy left alone costs its trie entry (16 bytes)
 * and its path (16 bytes).
 */
#ifndef CEBGP_RIB_H
#define CEBGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "prefix.h"

struct rib;

/* Most next hops one route carries (ECMP set size). */
#define RIB_ECMP_MAX 8
/* Default LOCAL_PREF for a path that has none (RFC 4271 §5.1.5 leaves it local). */
#define RIB_DEFAULT_LOCAL_PREF 100

struct rib_opts {
	/* Compare MED between paths from different neighbour ASes too. */
	bool always_compare_med;
	/* ECMP set size limit, 1..RIB_ECMP_MAX; 0 means RIB_ECMP_MAX. */
	unsigned max_ecmp;
};

/* What the decision process needs to know about a peer. */
struct rib_peer_info {
	struct addr addr; /* the peer's address: last tie-break, §9.1.2.2 g) */
	uint32_t bgp_id;  /* the peer's BGP Identifier, host order, §9.1.2.2 f) */
	uint32_t as;      /* the peer's AS */
	bool ebgp;        /* §9.1.2.2 d): eBGP-learned paths win over iBGP */
};

/* rib_path.flags */
#define RIB_PATH_INVALID 0x01 /* RFC 7606 treat-as-withdraw: kept, never eligible */
#define RIB_PATH_BEST    0x02 /* the Loc-RIB best path of its prefix */
#define RIB_PATH_ECMP    0x04 /* in the best path's ECMP set (the best included) */

/*
 * Inbound policy's reason for rejecting a path, stored beside it so that
 * `explain` and `show` tell what was decided, and counted per peer. The
 * RIB does not interpret it; policy codes are below RIB_REASONS.
 */
#define RIB_REASONS 16

/*
 * A path's attributes when inbound policy changed them: the sets as
 * received and as policy left them, interned per RIB, so the paths whose
 * sets came in equal and left equal share one pair. Where policy changed
 * nothing (or rejected the path), the path points at the received set
 * alone. Read through rib_path_in and rib_path_eff.
 */
struct rib_pair {
	const struct attr *in, *eff;
	struct rib_pair *next; /* hash chain; private to rib.c */
	uint32_t hash, refcnt;
};

/* rib_path.form: how the path holds its two sets (private to rib.c). */
#define RIB_FORM_SAME     0 /* eff == in: attr (NULL for an invalid path without one) */
#define RIB_FORM_REJECTED 1 /* in is attr, eff is NULL */
#define RIB_FORM_PAIR     2 /* pair */

/*
 * One peer's path to one prefix, 16 bytes. A prefix's paths are one
 * array in peer-id order, the last one marked: step with rib_path_next.
 * Read-only outside rib.c; valid until the next call that changes the RIB.
 */
struct rib_path {
	union {
		const struct attr *attr;
		const struct rib_pair *pair;
	} a; /* private: read through rib_path_in and rib_path_eff */
	uint16_t peer;
	uint8_t flags;  /* RIB_PATH_* */
	uint8_t reason; /* why policy rejected it (< RIB_REASONS); 0 when accepted */
	uint16_t room;  /* private: the array's capacity, in its first path */
	uint8_t form;   /* private: RIB_FORM_* */
	uint8_t last;   /* private: the last path of its prefix */
};

/* The next peer's path to the same prefix, NULL after the last. */
static inline const struct rib_path *
rib_path_next(const struct rib_path *p)
{
	return p->last ? NULL : p + 1;
}

/* As received; NULL only for an invalid path. */
static inline const struct attr *
rib_path_in(const struct rib_path *p)
{
	return p->form == RIB_FORM_PAIR ? p->a.pair->in : p->a.attr;
}

/* After inbound policy; NULL: rejected (or invalid). */
static inline const struct attr *
rib_path_eff(const struct rib_path *p)
{
	if (p->form == RIB_FORM_PAIR)
		return p->a.pair->eff;
	return p->form == RIB_FORM_SAME ? p->a.attr : NULL;
}

static inline bool
rib_path_eligible(const struct rib_path *p)
{
	return rib_path_eff(p) != NULL && !(p->flags & RIB_PATH_INVALID);
}

struct rib_nexthop {
	struct addr addr;
	uint16_t peer; /* the session it was learned on (the kernel glue's interface) */
};

/*
 * A Loc-RIB change: the new best path of prefix and its next-hop set
 * (best first, then the other ECMP members by peer id), or best == NULL
 * when the prefix is gone. nnh is 0 only if the best path has no next hop
 * (never for a route decoded from the wire). The attr pointer is valid
 * during the callback; take a reference to keep it.
 */
struct rib_change {
	struct prefix prefix;
	const struct attr *best;
	uint16_t best_peer;
	unsigned nnh;
	struct rib_nexthop nh[RIB_ECMP_MAX];
};

/*
 * Called for each change. It must not change the RIB it is called from
 * (queue the work instead).
 */
typedef void (*rib_change_fn)(const struct rib_change *c, void *ctx);

/* opts may be NULL for the defaults; fn may be NULL. */
struct rib *rib_new(const struct rib_opts *opts, rib_change_fn fn, void *ctx);
/* Frees everything and drops every attribute reference. No callbacks. */
void rib_free(struct rib *r);

/*
 * Declare or update a peer (ids up to RIB_PEER_MAX). False: no memory or
 * bad id. Set it when the session is established (the BGP Identifier comes
 * from the OPEN), before its routes: paths already held are decided again
 * only when their prefix next changes.
 */
#define RIB_PEER_MAX 4095
bool rib_peer_set(struct rib *r, uint16_t peer, const struct rib_peer_info *info);

/* ---- Adj-RIB-In and Loc-RIB ---- */

/*
 * Peer announced p with attributes in; inbound policy turned them into eff
 * (== in when it changed nothing, NULL when it rejected the path, for
 * reason: below RIB_REASONS, 0 when accepted). flags: RIB_PATH_INVALID for
 * a path RFC 7606 treats as withdrawn (in may then be NULL). Replaces the
 * peer's earlier path to p. Runs the decision process for p and reports a
 * change if the best or the next hops moved.
 * Returns false only if memory ran out or the peer is unknown (RIB unchanged).
 */
bool rib_update(struct rib *r, uint16_t peer, const struct prefix *p, const struct attr *in,
                const struct attr *eff, unsigned flags, uint8_t reason);
/* Peer withdrew p. False if it had no path to p. */
bool rib_withdraw(struct rib *r, uint16_t peer, const struct prefix *p);
/* The session went down: every path of peer goes. Returns how many. */
size_t rib_peer_down(struct rib *r, uint16_t peer);

/* Where a bounded walk resumes; zero it before the first step. */
struct rib_cursor {
	struct prefix after;
	bool started;
	bool done;
};
/*
 * rib_peer_down in bounded steps, for tables too big for one loop turn:
 * each call visits at most budget prefixes (>= 1) and returns how many of
 * peer's paths it removed; c->done is set when the walk is complete. Feed
 * nothing from the peer's next session into the RIB before that.
 */
size_t rib_peer_down_step(struct rib *r, uint16_t peer, struct rib_cursor *c, size_t budget);

/*
 * Re-run inbound policy over peer's Adj-RIB-In: fn returns the new eff for
 * (p, in) as a new reference (or NULL to reject, with *reason set); the RIB
 * takes it over. Invalid paths are skipped. Returns the number of paths
 * whose eff or reason changed; the Loc-RIB and its callback follow each.
 */
typedef const struct attr *(*rib_policy_fn)(uint16_t peer, const struct prefix *p,
                                            const struct attr *in, uint8_t *reason, void *ctx);
size_t rib_peer_reevaluate(struct rib *r, uint16_t peer, rib_policy_fn fn, void *ctx);
/*
 * The same in bounded steps, for a table too big for one loop turn: each
 * call visits at most budget prefixes (>= 1) after the cursor; c->done is
 * set when the walk is complete. Paths the peer sends meanwhile must be
 * decided by the same policy fn applies, so the result is the same as one
 * rib_peer_reevaluate. Zero the cursor to start over (a newer policy).
 */
size_t rib_peer_reevaluate_step(struct rib *r, uint16_t peer, rib_policy_fn fn, void *ctx,
                                struct rib_cursor *c, size_t budget);

/* Every path to p (by peer id), NULL if none. */
const struct rib_path *rib_paths(const struct rib *r, const struct prefix *p);
/* The best path to p, NULL if no path is eligible. */
const struct rib_path *rib_best(const struct rib *r, const struct prefix *p);
/* Peer's path to p (Adj-RIB-In), NULL if none. */
const struct rib_path *rib_adj_in(const struct rib *r, uint16_t peer, const struct prefix *p);
/* The best path of the longest prefix covering a (for `show route ADDR`). */
const struct rib_path *rib_match(const struct rib *r, const struct addr *a, struct prefix *match);

/*
 * Walks in prefix order (IPv4 first); afi 0 for both families. Return
 * non-zero from fn to stop. fn must not change the RIB.
 */
typedef int (*rib_walk_fn)(const struct prefix *p, const struct rib_path *paths, void *ctx);
int rib_walk(const struct rib *r, uint8_t afi, rib_walk_fn fn, void *ctx);
/* One peer's paths (its Adj-RIB-In): fn gets that one path. */
int rib_adj_in_walk(const struct rib *r, uint16_t peer, uint8_t afi, rib_walk_fn fn, void *ctx);

/*
 * The same, both families, resuming strictly after *after (NULL: from the
 * start): a dump that stops after a batch continues from the last prefix
 * it saw, so no walk has to finish in one loop turn.
 */
int rib_walk_after(const struct rib *r, const struct prefix *after, rib_walk_fn fn, void *ctx);
int rib_adj_in_walk_after(const struct rib *r, uint16_t peer, const struct prefix *after,
                          rib_walk_fn fn, void *ctx);

struct rib_peer_counts {
	size_t paths;                /* in Adj-RIB-In, invalid ones included */
	size_t accepted;             /* eligible (policy accepted, valid) */
	size_t invalid;              /* RFC 7606 treat-as-withdraw */
	size_t refused[RIB_REASONS]; /* valid but rejected by policy, by reason */
	size_t best;                 /* chosen as best in Loc-RIB */
	size_t out;                  /* Adj-RIB-Out entries (advertised or pending) */
	size_t out_pending;
};
bool rib_peer_counts(const struct rib *r, uint16_t peer, struct rib_peer_counts *c);

struct rib_stats {
	size_t prefixes;    /* Loc-RIB prefixes (with at least one path) */
	size_t paths;       /* all peers' paths */
	size_t pairs;       /* distinct (received, effective) pairs: policy changed these */
	size_t trie_bytes;  /* prefix index */
	size_t path_bytes;  /* path pools and pairs */
	size_t out_bytes;   /* Adj-RIB-Out pools and indexes */
	size_t total_bytes; /* all of the above and the RIB's own structures */
};
void rib_stats(const struct rib *r, struct rib_stats *s);

/* ---- Adj-RIB-Out ---- */

/*
 * Per peer and family, two kinds of pending work: withdraws, and updates
 * grouped by attribute set. Each prefix is pending at most once, and the
 * latest state wins: announcing p again with other attributes moves it to
 * the new group; withdrawing a prefix the peer never heard of just drops
 * it. The packer pulls batches (withdraws first, then one group at a time,
 * oldest first) and reports what went on the wire.
 */

/* We want peer to have p with attributes a. False: no memory/unknown peer. */
bool rib_out_announce(struct rib *r, uint16_t peer, const struct prefix *p, const struct attr *a);
/* We no longer want peer to have p. False if p was not in its Adj-RIB-Out. */
bool rib_out_withdraw(struct rib *r, uint16_t peer, const struct prefix *p);

/* One batch for the UPDATE packer: all of family afi. */
struct rib_out_batch {
	uint8_t afi;
	const struct attr *attr; /* NULL: a batch of withdraws */
	size_t n;
	struct prefix *pfx; /* the caller's array given to rib_out_next */
};

/*
 * Fill b with up to cap pending prefixes of one kind into pfx[]. Nothing
 * changes until rib_out_sent. False when nothing is pending.
 */
bool rib_out_next(const struct rib *r, uint16_t peer, struct prefix *pfx, size_t cap,
                  struct rib_out_batch *b);
/*
 * The first n prefixes of b were sent: they are no longer pending, and the
 * peer now has them (or no longer has them). Prefixes whose state changed
 * since rib_out_next are left pending. Returns how many were marked.
 */
size_t rib_out_sent(struct rib *r, uint16_t peer, const struct rib_out_batch *b, size_t n);
/* Prefixes waiting to go to peer. */
size_t rib_out_pending(const struct rib *r, uint16_t peer);
/*
 * The session went down: the peer has nothing any more. Everything we
 * still want it to have becomes pending for the next session; nothing
 * is left to withdraw.
 */
void rib_out_reset(struct rib *r, uint16_t peer);
/* Forget peer's Adj-RIB-Out entirely (peer removed from the config). */
void rib_out_flush(struct rib *r, uint16_t peer);

/* What peer has been sent (sent) and what we want it to have (want). */
typedef int (*rib_out_walk_fn)(const struct prefix *p, const struct attr *want,
                               const struct attr *sent, void *ctx);
int rib_out_walk(const struct rib *r, uint16_t peer, rib_out_walk_fn fn, void *ctx);

#endif
