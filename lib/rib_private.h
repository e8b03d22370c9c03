/*
 * rib internals shared by rib.c (Adj-RIB-In, Loc-RIB) and rib_out.c
 * (Adj-RIB-Out). Not for other modules.
 */
#ifndef CEBGP_RIB_PRIVATE_H
#define CEBGP_RIB_PRIVATE_H

#include "rib.h"
#include "slab.h"
#include "trie.h"

struct rib_out;

struct rib_peer {
	bool used;
	struct rib_peer_info info;
	size_t paths, accepted, best, invalid;
	size_t refused[RIB_REASONS];
	struct rib_out *out; /* NULL until the first rib_out_announce */
};

/* Path arrays of 1 to RIB_BLOCK_SLABS paths come from slabs, longer ones from malloc. */
#define RIB_BLOCK_SLABS 8

struct rib {
	struct rib_opts opts;
	rib_change_fn fn;
	void *ctx;
	struct trie *loc;                    /* prefix -> its array of paths (by peer id) */
	struct slab blocks[RIB_BLOCK_SLABS]; /* [i]: arrays of i + 1 paths */
	size_t big_bytes;                    /* arrays from malloc */
	struct rib_pair **pairs;             /* hash of the interned pairs */
	size_t pair_buckets, npairs;
	struct slab out_entries;
	struct rib_peer *peers;
	size_t npeers; /* slots in peers[] */
	size_t npaths;
};

static inline struct rib_peer *
rib_peer(const struct rib *r, uint16_t peer)
{
	return peer < r->npeers && r->peers[peer].used ? &r->peers[peer] : NULL;
}

/* rib_path.c: path arrays (v may be NULL for none) and their attributes */
unsigned rib_block_len(const struct rib_path *v);
/* A zeroed path at index i of v's n paths; the array returned replaces v. NULL: no memory, v
 * unchanged. */
struct rib_path *rib_block_insert(struct rib *r, struct rib_path *v, unsigned n, unsigned i);
/* Path i out of v's n paths; the array returned replaces v (NULL when none is left). */
struct rib_path *rib_block_remove(struct rib *r, struct rib_path *v, unsigned n, unsigned i);
void rib_block_free(struct rib *r, struct rib_path *v);
/* Index of peer's path in v, or where it would go (*found tells). */
unsigned rib_block_find(const struct rib_path *v, unsigned n, uint16_t peer, bool *found);
/* dst's form and attributes for (in, eff), with new references; false: no memory. */
bool rib_attrs_take(struct rib *r, struct rib_path *dst, const struct attr *in,
                    const struct attr *eff);
void rib_attrs_drop(struct rib *r, const struct rib_path *p);

/* rib_out.c */
size_t rib_out_entry_size(void);
void rib_out_free(struct rib *r, struct rib_out *o);
size_t rib_out_memory(const struct rib_out *o);
size_t rib_out_entries(const struct rib_out *o);
size_t rib_out_npending(const struct rib_out *o);

#endif
