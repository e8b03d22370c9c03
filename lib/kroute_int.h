/*
 * kroute's insides, shared by kroute.c (routes, sets, the queue, answers)
 * and kroute_nh.c (the kernel's nexthop objects behind the sets). Not an
 * interface: nothing outside lib/kroute*.c includes it.
 */
#ifndef CEBGP_KROUTE_INT_H
#define CEBGP_KROUTE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "kroute.h"

#define NH_HASH_INIT 64
#define POOL_CHUNK   4096

/*
 * An interned next-hop set: sorted, unique, shared by every route using
 * it. With nexthop objects it also names the kernel group that holds its
 * next hops (gid). When a failover moves that group to another set in one
 * message (kroute_nh.c), this set becomes a ghost: out of the hash, so a
 * new wish for the same next hops gets a fresh set and group, and routes
 * still pointing here follow moved_to the next time they are touched.
 */
struct nhset {
	struct nhset *hnext;
	uint32_t hash;
	uint32_t refs;
	uint32_t n;
	uint32_t nwant;         /* routes whose want is this set */
	uint32_t idx;           /* in the table's setv: what a compact entry names */
	uint32_t gid;           /* kernel nexthop group id, 0: none */
	bool gok;               /* the group is (being) created with these next hops */
	bool ghost;             /* its group moved to moved_to */
	bool moved_in;          /* its group came by a move: failing it needs a resync */
	struct nhset *moved_to; /* ghost: where its routes went (a reference) */
	struct kroute_nexthop nh[];
};

enum {
	KR_DISCARD = 1 << 0, /* a blackhole is wanted */
	KR_QUEUED = 1 << 1,  /* on the pending queue */
	KR_RETRY = 1 << 2,   /* on the retry list */
	KR_STALE = 1 << 3,   /* adopted from a previous run, not claimed yet */
	KR_REFUSED = 1 << 4, /* overlaps a protected prefix */
	KR_SEEN = 1 << 5,    /* found by the current dump */
	KR_REPOINT = 1 << 6, /* on a group other than its set's: send even if equal */
};

/*
 * A route's full entry, for as long as it has work going on: queued, in
 * flight, failed, or in a state a compact entry cannot say. A settled
 * route (wanted, tgt and have the same set, or adopted and waiting, or a
 * settled blackhole) is only a word in the trie's value slot instead:
 * the set's index and a few flags (see kroute.c, "compact entries"), so a
 * million settled routes cost the trie's 16 to 20 bytes each and nothing
 * more.
 */
struct kroute {
	struct prefix p;
	uint8_t flags;
	uint8_t tries;     /* consecutive failures, for the backoff */
	uint16_t inflight; /* changes in flight for this prefix */
	int last_err;
	uint32_t due; /* retry time, the caller's seconds */
	struct nhset *want, *tgt, *have;
	struct kroute *qnext;     /* pending queue, or its chunk's free list */
	struct kroute *rnext;     /* retry list */
	struct pool_chunk *chunk; /* where it lives */
	void **slot;              /* its trie value slot, while the trie's shape is shape */
	uint32_t shape;
};

struct inflight {
	struct kroute *r;
	struct nhset *set; /* what the change asked for (NULL: delete) */
};

/* Full entries come from chunks; a chunk with none in use is given back. */
struct pool_chunk {
	struct kroute *free; /* its free items */
	size_t live;         /* items in use */
	size_t at;           /* index in the table's chunkv */
	struct kroute items[POOL_CHUNK];
};

/* A single next hop as a kernel nexthop object: a group's member. */
struct nhmember {
	struct nhmember *next;
	uint32_t id;
	uint32_t refs; /* groups holding it */
	bool ok;       /* created (or being created) in the kernel */
	struct kroute_nexthop nh;
};

/* A group of ours a dump found that no set holds yet. */
struct nhfound {
	uint32_t id;
	bool used; /* a route points at it: not to be deleted now */
	bool bad;  /* a member we do not know: never adopted */
	size_t n;
	uint32_t member[KROUTE_MAX_NEXTHOPS];
	struct kroute_nexthop nh[KROUTE_MAX_NEXTHOPS]; /* sorted as a set's */
};

struct kroute_nh_state {
	bool on;
	uint32_t id_base, id_next;
	struct nhmember *members;
	size_t nmembers, ngroups;
	/* Object changes to send before any route change (a ring, in order). */
	struct kroute_nhop *work;
	size_t whead, wlen, wcap;
	/* The current dump's finds: members by id, groups no set holds. */
	struct nhmember *dmembers;
	struct nhfound *found;
	size_t nfound, capfound;
	struct nhset *last_set; /* the last gid looked up in a dump */
	size_t retry;           /* in-use objects whose creation failed */
};

struct kroute_table {
	struct trie *routes;  /* prefix -> struct kroute */
	struct trie *protect; /* prefix -> count (as a pointer) */
	struct nhset *bh;     /* the blackhole "set" */
	struct nhset **nh_hash;
	size_t nh_hash_size, nh_count;

	struct pool_chunk **chunkv; /* the pool */
	size_t nchunks, capchunks, cur;
	size_t nfull; /* full entries in use (the rest are compact) */

	/* Every set by index (compact entries name theirs so); free slots listed. */
	struct nhset **setv;
	uint32_t *setfree;
	size_t nsetv, capsetv, nsetfree;

	/*
	 * Pending queue: a ring of entries, oldest at qv[qfirst]. Only full
	 * entries are queued, so the pool reserves a slot with every entry it
	 * can hold (kr_queue_reserve) and an enqueue never needs memory.
	 */
	struct kroute **qv;
	size_t qcap, qfirst;  /* qcap: 0 or a power of two */
	uint32_t qrng;        /* xorshift32 state for scattered takes */
	struct kroute *rhead; /* retry list */
	size_t nqueued, nretry, ninstalled, nstale;

	/* Ring of in-flight changes: seq s lives at ring[s % KROUTE_WINDOW]. */
	struct inflight *ring;
	uint32_t seq_next;   /* next sequence number to use */
	uint32_t seq_oldest; /* oldest unanswered */
	size_t ninflight;

	struct kroute_nh_state nho;
	uint32_t shape; /* changes when routes' trie may have moved its slots */

	/* A sweep of stale routes in steps (kroute_sweep_step). */
	struct {
		bool active, started, queueing;
		struct prefix after;   /* expanding: the last trie entry visited */
		size_t total, pos, at; /* queueing: the pool walk's place */
	} sweep;
};

/* kroute.c */
struct nhset *kr_nh_intern(struct kroute_table *t, const struct kroute_nexthop *nh, size_t n);
struct nhset *kr_nh_ref(struct nhset *s);
void kr_nh_unref(struct kroute_table *t, struct nhset *s);
int kr_nh_cmp(const struct kroute_nexthop *a, const struct kroute_nexthop *b);

/*
 * kroute.c: room in the pending queue for n entries (false without
 * memory); and giving most of it back once the pool holds at most n.
 */
bool kr_queue_reserve(struct kroute_table *t, size_t n);
void kr_queue_fit(struct kroute_table *t, size_t n);

/* kroute_entry.c: the pool, and compact entries */
#if UINTPTR_MAX > 0xffffffffu
#define COMPACT 1
#else
#define COMPACT 0 /* no room for an index beside the flags */
#endif
enum {
	KC_TAG = 1 << 0,
	KC_WANT = 1 << 1, /* want is the set too (else it is NULL) */
	KC_DISCARD = 1 << 2,
	KC_STALE = 1 << 3,
	KC_SEEN = 1 << 4,
};
bool is_compact(const void *v);
unsigned kc_bits(const void *v);
struct nhset *kc_set(const struct kroute_table *t, const void *v);
void *kc_pack(const struct nhset *s, unsigned bits);
/* A compact entry as a full one, without references: for reading only. */
void kc_view(const struct kroute_table *t, const struct prefix *p, const void *v, struct kroute *r);
/* Make the entry in slot a full one; NULL without memory (it stays compact). */
struct kroute *kc_expand(struct kroute_table *t, const struct prefix *p, void **slot);
/* The full entry for p (made full if compact): NULL if none; kr_get creates one. */
struct kroute *kr_find(struct kroute_table *t, const struct prefix *p);
struct kroute *kr_get(struct kroute_table *t, const struct prefix *p);
struct kroute *kr_alloc(struct kroute_table *t);
void kr_release(struct kroute_table *t, struct kroute *r);
void pool_trim(struct kroute_table *t);
#define POOL_STRIDE 1000003 /* prime, so coprime with any pool size below 4G entries */
void pool_walk(struct kroute_table *t, void (*fn)(struct kroute_table *t, struct kroute *r));

/* kroute_nh.c: called by kroute.c */
/* Whether routes over s go through a group (every next hop has a gateway). */
bool nho_eligible(const struct kroute_table *t, const struct nhset *s);
/* Make sure s has a group queued or in the kernel; false without memory. */
bool nho_ensure(struct kroute_table *t, struct nhset *s);
/* The set s's last reference went: its group (if any) goes too. */
void nho_release(struct kroute_table *t, struct nhset *s);
/*
 * A route moves from from to to and nobody wants from any more: hand
 * from's group to to in one replace. True when done (from is a ghost).
 */
bool nho_move(struct kroute_table *t, struct nhset *from, struct nhset *to);
/* The set holding group gid now (after moves), for a dump; NULL if none. */
struct nhset *nho_dump_lookup(struct kroute_table *t, uint32_t gid);
void nho_dump_end(struct kroute_table *t, bool ok);
/* Create again the groups in use whose creation failed; how many still cannot be. */
size_t nho_retry_due(struct kroute_table *t);
void nho_free(struct kroute_table *t);

#endif
