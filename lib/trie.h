/*
 * trie: the prefix index of a table, holding both families (each in its
 * own ordered tree). Values are opaque pointers owned by the caller; the
 * trie owns only its nodes, each of which holds dozens of entries, so a
 * million inserts do not mean a million malloc calls, and inserts in any
 * order cost about the same.
 *
 * Walk order is prefix_cmp() order: by address, then shorter before longer.
 * Callbacks must not modify the trie they walk; return non-zero to stop
 * (the walk then returns that value).
 */
#ifndef CEBGP_TRIE_H
#define CEBGP_TRIE_H

#include <stdbool.h>
#include <stddef.h>

#include "prefix.h"

struct trie;

typedef int (*trie_walk_fn)(const struct prefix *p, void *val, void *ctx);

struct trie *trie_new(void);
/*
 * Free the trie; free_val (may be NULL) is called on every stored value
 * (entries whose slot is still NULL hold nothing and are skipped).
 */
void trie_free(struct trie *t, void (*free_val)(void *val));

/*
 * Find or create the entry for p and return the address of its value slot
 * (NULL, the initial value, for a new entry; *created tells which). The
 * caller stores into the slot: one lookup for "get or insert". Returns NULL
 * only if memory ran out. The slot is valid until the next insert/remove.
 */
void **trie_insert(struct trie *t, const struct prefix *p, bool *created);
/*
 * Call fn on p's value slot, if p is stored, and remove p if fn left NULL
 * there: a look-up that may end in a removal, in one descent. fn must not
 * change the trie. Returns whether p was stored.
 */
typedef void (*trie_prune_fn)(const struct prefix *p, void **val, void *ctx);
bool trie_modify(struct trie *t, const struct prefix *p, trie_prune_fn fn, void *ctx);
/* Remove p; returns the value it held, or NULL if absent. */
void *trie_remove(struct trie *t, const struct prefix *p);
/* Exact match. */
void *trie_get(const struct trie *t, const struct prefix *p);
/* The value slot of an existing entry, NULL if p is not stored. */
void **trie_get_slot(struct trie *t, const struct prefix *p);
/* Whether p is stored (its value may be NULL). */
bool trie_contains(const struct trie *t, const struct prefix *p);
/*
 * Longest stored prefix covering p (p itself included); its prefix goes to
 * *match when match is non-NULL. For an address, pass a host prefix.
 */
void *trie_longest(const struct trie *t, const struct prefix *p, struct prefix *match);
size_t trie_count(const struct trie *t);
size_t trie_count_afi(const struct trie *t, uint8_t afi);
/* Bytes held by nodes (for `show memory`). */
size_t trie_memory(const struct trie *t);
/* Nodes in use, inner ones included (at most 2 * count - 1 per family). */
size_t trie_nodes(const struct trie *t);

/* Every entry, both families (IPv4 first). */
int trie_walk(const struct trie *t, trie_walk_fn fn, void *ctx);
/*
 * Every entry that sorts strictly after *after (NULL: from the start), in
 * walk order: a long walk resumes from the last prefix it saw.
 */
int trie_walk_after(const struct trie *t, const struct prefix *after, trie_walk_fn fn, void *ctx);
/* Entries covered by p, p itself included. */
int trie_walk_covered(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx);
/* Entries covering p, p itself included, shortest first. */
int trie_walk_covering(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx);

/*
 * Visit every entry of family afi (0: both, IPv4 first) in walk order; fn
 * may change the value through *val, and an entry whose value is NULL
 * after fn returns is removed (glue is merged as with trie_remove). The
 * only walk that may change the trie. Returns the number removed.
 */
size_t trie_prune(struct trie *t, uint8_t afi, trie_prune_fn fn, void *ctx);
/*
 * The same in bounded steps: both families, only entries sorting after
 * *after (NULL: from the start), at most budget (>= 1) of them. Returns true when
 * it reached the end; otherwise *last is the last entry visited, to pass as
 * after next time (it may have been removed meanwhile: that is fine).
 */
bool trie_prune_after(struct trie *t, const struct prefix *after, size_t budget, trie_prune_fn fn,
                      void *ctx, struct prefix *last);

#endif
