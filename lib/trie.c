/*
 * trie: path-compressed binary (Patricia) trie over struct prefix.
 *
 * Each node holds a prefix (its key: len bits of address), an optional
 * value and two children. Keys are only as wide as the family needs, so an
 * IPv4 node is 24 bytes and an IPv6 node 40: each family has its own root
 * and its own node pool. Invariants, kept by insert and remove:
 *   - a child's key extends its parent's key (it is strictly longer);
 *   - child[b] has bit parent->len equal to b;
 *   - a node without a value ("glue") has exactly two children.
 * The last one keeps the node count below twice the entry count and means
 * a remove hands glue back to the pool instead of leaving it behind.
 *
 * Nodes come from a pool: chunks of many nodes and a free list threaded
 * through child[0]. No malloc per insert once a chunk has room, and when a
 * family's last node goes, its chunks go back to the system.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "trie.h"

struct tnode {
	uint32_t child[2]; /* node indices in the family's pool, 0 = none */
	void *val;
	uint8_t len;
	uint8_t has_val;
	uint8_t key[]; /* afi_bytes() bytes, bits past len zero */
};

/*
 * Nodes are named by 32-bit indices rather than pointers: an IPv4 node is
 * then 24 bytes instead of 32, which is most of a route's memory. The
 * first chunks double in size (32 nodes, 64, ...) so a small trie (a
 * prefix list) costs a few hundred bytes; from BIG_NODES on every chunk
 * has BIG_NODES nodes, so a full table wastes at most one partial chunk.
 * Index 0 means "none" and is never handed out.
 */
#define BASE_SHIFT  5  /* the first chunk holds 32 nodes */
#define GROW_CHUNKS 11 /* doubling chunks: 32 .. 32768 nodes */
#define BIG_SHIFT   (BASE_SHIFT + GROW_CHUNKS)
#define BIG_NODES   ((uint64_t)1 << BIG_SHIFT)

struct pool {
	size_t node_size;
	char **chunk;
	size_t nchunks; /* allocated, in order */
	size_t chunk_cap;
	uint32_t free_list; /* threaded through child[0] */
	uint32_t fresh;     /* next never-used index */
	size_t used;        /* nodes handed out */
	size_t bytes;       /* in chunks */
};

struct trie {
	uint32_t root[2]; /* [0] IPv4, [1] IPv6 */
	size_t count[2];
	struct pool pool[2];
};

static inline unsigned
fam(uint8_t afi)
{
	return afi == AFI_IP6 ? 1 : 0;
}

/* Chunk and slot of index i; x = i + 32 makes the doubling part a bit scan. */
static inline size_t
chunk_locate(uint32_t i, uint64_t *slot)
{
	uint64_t x = (uint64_t)i + ((uint64_t)1 << BASE_SHIFT);
	unsigned k;

	if (x >= BIG_NODES) {
		*slot = (x - BIG_NODES) & (BIG_NODES - 1);
		return GROW_CHUNKS + (size_t)((x - BIG_NODES) >> BIG_SHIFT);
	}
	k = (unsigned)(63 - __builtin_clzll(x)) - BASE_SHIFT;
	*slot = x - ((uint64_t)1 << (k + BASE_SHIFT));
	return k;
}

static inline size_t
chunk_nodes(size_t k)
{
	return k < GROW_CHUNKS ? (size_t)1 << (k + BASE_SHIFT) : (size_t)BIG_NODES;
}

static inline struct tnode *
N(const struct pool *pl, uint32_t i)
{
	uint64_t slot;
	size_t k = chunk_locate(i, &slot);

	/* Nodes are pointer-aligned: node_size is a multiple of sizeof(void *). */
	return (struct tnode *)(void *)(pl->chunk[k] + (size_t)slot * pl->node_size);
}

static void
pool_init(struct pool *pl, uint8_t afi)
{
	/* The key starts right after len and has_val, not at sizeof(). */
	size_t sz = offsetof(struct tnode, key) + afi_bytes(afi);

	memset(pl, 0, sizeof(*pl));
	pl->node_size = (sz + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
	pl->fresh = 1;
}

static uint32_t
pool_get(struct pool *pl)
{
	uint32_t i = pl->free_list;

	if (i != 0) {
		pl->free_list = N(pl, i)->child[0];
	} else {
		uint64_t slot;
		size_t k;

		if (pl->fresh == UINT32_MAX)
			return 0;
		k = chunk_locate(pl->fresh, &slot);
		if (k >= pl->nchunks) {
			/* Chunks are used in order: k == nchunks. */
			if (pl->nchunks == pl->chunk_cap) {
				size_t cap = pl->chunk_cap ? 2 * pl->chunk_cap : 16;
				char **tab = realloc(pl->chunk, cap * sizeof(*tab));

				if (tab == NULL)
					return 0;
				pl->chunk = tab;
				pl->chunk_cap = cap;
			}
			pl->chunk[k] = malloc(chunk_nodes(k) * pl->node_size);
			if (pl->chunk[k] == NULL)
				return 0;
			pl->bytes += chunk_nodes(k) * pl->node_size;
			pl->nchunks = k + 1;
		}
		i = pl->fresh++;
	}
	pl->used++;
	memset(N(pl, i), 0, pl->node_size);
	return i;
}

static void
pool_release_all(struct pool *pl)
{
	for (size_t k = 0; k < pl->nchunks; k++)
		free(pl->chunk[k]);
	free(pl->chunk);
	pl->chunk = NULL;
	pl->nchunks = pl->chunk_cap = 0;
	pl->free_list = 0;
	pl->fresh = 1;
	pl->used = 0;
	pl->bytes = 0;
}

static void
pool_put(struct pool *pl, uint32_t i)
{
	N(pl, i)->child[0] = pl->free_list;
	pl->free_list = i;
	/* An emptied table (a peer went down) gives its memory back. */
	if (--pl->used == 0)
		pool_release_all(pl);
}

struct trie *
trie_new(void)
{
	struct trie *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	pool_init(&t->pool[0], AFI_IP);
	pool_init(&t->pool[1], AFI_IP6);
	return t;
}

static void
free_vals(const struct pool *pl, uint32_t i, void (*free_val)(void *val))
{
	/* Depth is bounded by the key width (at most 129 levels). */
	const struct tnode *n;

	if (i == 0)
		return;
	n = N(pl, i);
	if (n->has_val && n->val != NULL)
		free_val(n->val);
	free_vals(pl, n->child[0], free_val);
	free_vals(pl, n->child[1], free_val);
}

void
trie_free(struct trie *t, void (*free_val)(void *val))
{
	if (t == NULL)
		return;
	for (unsigned f = 0; f < 2; f++) {
		if (free_val != NULL)
			free_vals(&t->pool[f], t->root[f], free_val);
		pool_release_all(&t->pool[f]);
	}
	free(t);
}

/* Length of the common leading bits of a and b, at most max. */
static inline unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i = 0;

	while (i * 8 < max) {
		uint8_t x = a[i] ^ b[i];

		if (x != 0) {
			unsigned n = i * 8 + (unsigned)__builtin_clz(x) - 24;

			return n < max ? n : max;
		}
		i++;
	}
	return max;
}

static inline bool
node_matches(const struct tnode *n, const struct prefix *p)
{
	/* n->len <= p->len is the caller's business. */
	return common_bits(n->key, p->bytes, n->len) == n->len;
}

static uint32_t
node_new(struct pool *pl, const struct prefix *p, unsigned len)
{
	uint32_t i = pool_get(pl);
	struct tnode *n;
	struct prefix k;

	if (i == 0)
		return 0;
	n = N(pl, i);
	k = *p;
	k.len = (uint8_t)len;
	prefix_mask(&k);
	n->len = (uint8_t)len;
	memcpy(n->key, k.bytes, afi_bytes(p->afi));
	return i;
}

static void
node_prefix(const struct tnode *n, uint8_t afi, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->afi = afi;
	p->len = n->len;
	memcpy(p->bytes, n->key, afi_bytes(afi));
}

void **
trie_insert(struct trie *t, const struct prefix *p, bool *created)
{
	unsigned f = fam(p->afi), common = 0;
	struct pool *pl = &t->pool[f];
	uint32_t *link = &t->root[f], i, leaf, glue;
	struct tnode *n = NULL;

	if (created != NULL)
		*created = false;
	while ((i = *link) != 0) {
		n = N(pl, i);
		common = common_bits(n->key, p->bytes, MIN(n->len, p->len));
		if (common < n->len)
			break; /* p leaves n's path above n */
		if (n->len == p->len) {
			if (!n->has_val) {
				n->has_val = 1;
				n->val = NULL;
				t->count[f]++;
				if (created != NULL)
					*created = true;
			}
			return &n->val;
		}
		link = &n->child[addr_bit(p->bytes, n->len)];
	}
	/* Chunks never move, so link stays valid across pool_get(). */
	leaf = node_new(pl, p, p->len);
	if (leaf == 0)
		return NULL;
	N(pl, leaf)->has_val = 1;
	if (i == 0) {
		*link = leaf;
	} else if (common == p->len) {
		/* p covers n: p goes in between. */
		N(pl, leaf)->child[addr_bit(N(pl, i)->key, p->len)] = i;
		*link = leaf;
	} else {
		/* They part at bit common: a glue node holds both. */
		glue = node_new(pl, p, common);
		if (glue == 0) {
			pool_put(pl, leaf);
			return NULL;
		}
		N(pl, glue)->child[addr_bit(p->bytes, common)] = leaf;
		N(pl, glue)->child[addr_bit(N(pl, i)->key, common)] = i;
		*link = glue;
	}
	t->count[f]++;
	if (created != NULL)
		*created = true;
	return &N(pl, leaf)->val;
}

void *
trie_remove(struct trie *t, const struct prefix *p)
{
	unsigned f = fam(p->afi);
	struct pool *pl = &t->pool[f];
	uint32_t *link = &t->root[f], *plink = NULL, i, child;
	struct tnode *n = NULL, *parent;
	void *val;

	while ((i = *link) != 0) {
		n = N(pl, i);
		if (n->len >= p->len)
			break;
		if (!node_matches(n, p))
			return NULL;
		plink = link;
		link = &n->child[addr_bit(p->bytes, n->len)];
	}
	if (i == 0 || n->len != p->len || !n->has_val || !node_matches(n, p))
		return NULL;
	val = n->val;
	t->count[f]--;
	if (n->child[0] != 0 && n->child[1] != 0) {
		n->has_val = 0; /* still needed as a branch point */
		n->val = NULL;
		return val;
	}
	child = n->child[0] != 0 ? n->child[0] : n->child[1];
	*link = child;
	/* A glue parent left with one child is no longer a branch point. */
	if (child == 0 && plink != NULL) {
		uint32_t pi = *plink;

		parent = N(pl, pi);
		if (!parent->has_val) {
			*plink = parent->child[0] != 0 ? parent->child[0] : parent->child[1];
			pool_put(pl, pi);
		}
	}
	/* Last: putting the last node frees every chunk. */
	pool_put(pl, i);
	return val;
}

static const struct tnode *
find_exact(const struct trie *t, const struct prefix *p)
{
	const struct pool *pl = &t->pool[fam(p->afi)];
	uint32_t i = t->root[fam(p->afi)];
	const struct tnode *n;

	while (i != 0) {
		n = N(pl, i);
		if (n->len >= p->len) {
			if (n->len != p->len || !n->has_val || !node_matches(n, p))
				return NULL;
			return n;
		}
		if (!node_matches(n, p))
			return NULL;
		i = n->child[addr_bit(p->bytes, n->len)];
	}
	return NULL;
}

void *
trie_get(const struct trie *t, const struct prefix *p)
{
	const struct tnode *n = find_exact(t, p);

	return n ? n->val : NULL;
}

void **
trie_get_slot(struct trie *t, const struct prefix *p)
{
	/* find_exact only reads; the trie is the caller's to change. */
	struct tnode *n = (struct tnode *)find_exact(t, p);

	return n ? &n->val : NULL;
}

bool
trie_contains(const struct trie *t, const struct prefix *p)
{
	return find_exact(t, p) != NULL;
}

void *
trie_longest(const struct trie *t, const struct prefix *p, struct prefix *match)
{
	const struct pool *pl = &t->pool[fam(p->afi)];
	uint32_t i = t->root[fam(p->afi)];
	const struct tnode *n, *best = NULL;

	while (i != 0) {
		n = N(pl, i);
		if (n->len > p->len || !node_matches(n, p))
			break;
		if (n->has_val)
			best = n;
		if (n->len == p->len)
			break;
		i = n->child[addr_bit(p->bytes, n->len)];
	}
	if (best == NULL)
		return NULL;
	if (match != NULL)
		node_prefix(best, p->afi, match);
	return best->val;
}

size_t
trie_count(const struct trie *t)
{
	return t->count[0] + t->count[1];
}

size_t
trie_count_afi(const struct trie *t, uint8_t afi)
{
	return t->count[fam(afi)];
}

size_t
trie_memory(const struct trie *t)
{
	size_t m = sizeof(*t);

	for (unsigned f = 0; f < 2; f++)
		m += t->pool[f].bytes + t->pool[f].chunk_cap * sizeof(char *);
	return m;
}

size_t
trie_nodes(const struct trie *t)
{
	return t->pool[0].used + t->pool[1].used;
}

/* Pre-order is prefix_cmp() order: a node's key sorts before its subtree. */
static int
walk_node(const struct pool *pl, uint32_t i, uint8_t afi, trie_walk_fn fn, void *ctx)
{
	const struct tnode *n;
	struct prefix p;
	int rc;

	if (i == 0)
		return 0;
	n = N(pl, i);
	if (n->has_val) {
		node_prefix(n, afi, &p);
		rc = fn(&p, n->val, ctx);
		if (rc != 0)
			return rc;
	}
	rc = walk_node(pl, n->child[0], afi, fn, ctx);
	if (rc != 0)
		return rc;
	return walk_node(pl, n->child[1], afi, fn, ctx);
}

int
trie_walk(const struct trie *t, trie_walk_fn fn, void *ctx)
{
	int rc = walk_node(&t->pool[0], t->root[0], AFI_IP, fn, ctx);

	return rc != 0 ? rc : walk_node(&t->pool[1], t->root[1], AFI_IP6, fn, ctx);
}

/* Entries of subtree i that sort strictly after *after, in order. */
static int
walk_after(const struct pool *pl, uint32_t i, uint8_t afi, const struct prefix *after,
           trie_walk_fn fn, void *ctx)
{
	const struct tnode *n;
	struct prefix p;
	unsigned c;
	int rc;

	if (i == 0)
		return 0;
	n = N(pl, i);
	c = common_bits(n->key, after->bytes, n->len);
	if (c < n->len) {
		/* They part above n: the whole subtree sorts on one side of *after. */
		if (addr_bit(after->bytes, c))
			return 0;
		return walk_node(pl, i, afi, fn, ctx);
	}
	if (n->has_val) {
		node_prefix(n, afi, &p);
		if (prefix_cmp(&p, after) > 0) {
			rc = fn(&p, n->val, ctx);
			if (rc != 0)
				return rc;
		}
	}
	rc = walk_after(pl, n->child[0], afi, after, fn, ctx);
	if (rc != 0)
		return rc;
	return walk_after(pl, n->child[1], afi, after, fn, ctx);
}

int
trie_walk_after(const struct trie *t, const struct prefix *after, trie_walk_fn fn, void *ctx)
{
	int rc;

	if (after == NULL)
		return trie_walk(t, fn, ctx);
	if (after->afi == AFI_IP6)
		return walk_after(&t->pool[1], t->root[1], AFI_IP6, after, fn, ctx);
	rc = walk_after(&t->pool[0], t->root[0], AFI_IP, after, fn, ctx);
	return rc != 0 ? rc : walk_node(&t->pool[1], t->root[1], AFI_IP6, fn, ctx);
}

int
trie_walk_covered(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx)
{
	const struct pool *pl = &t->pool[fam(p->afi)];
	uint32_t i = t->root[fam(p->afi)];
	const struct tnode *n;

	while (i != 0) {
		n = N(pl, i);
		if (n->len >= p->len) {
			/* The first node at or below p's depth: inside p or not at all. */
			if (common_bits(n->key, p->bytes, p->len) != p->len)
				return 0;
			return walk_node(pl, i, p->afi, fn, ctx);
		}
		if (!node_matches(n, p))
			return 0;
		i = n->child[addr_bit(p->bytes, n->len)];
	}
	return 0;
}

int
trie_walk_covering(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx)
{
	const struct pool *pl = &t->pool[fam(p->afi)];
	uint32_t i = t->root[fam(p->afi)];
	const struct tnode *n;
	struct prefix q;
	int rc;

	while (i != 0) {
		n = N(pl, i);
		if (n->len > p->len || !node_matches(n, p))
			break;
		if (n->has_val) {
			node_prefix(n, p->afi, &q);
			rc = fn(&q, n->val, ctx);
			if (rc != 0)
				return rc;
		}
		if (n->len == p->len)
			break;
		i = n->child[addr_bit(p->bytes, n->len)];
	}
	return 0;
}

struct prune {
	struct trie *t;
	unsigned f;
	trie_prune_fn fn;
	void *ctx;
	size_t removed;
	const struct prefix *after; /* visit only entries after this; NULL: all */
	size_t budget;              /* entries left to visit */
	bool stopped;               /* the budget ran out before the end */
	struct prefix last;         /* the last entry visited */
};

/*
 * Visit the subtree at *link in pre-order, then repair on the way back up:
 * a node that lost its value keeps its place only while it still has two
 * children, so glue never outlives the entries it joined. With check set,
 * skip what sorts at or before pr->after (as walk_after does). Stopping
 * early still repairs every node on the way out.
 */
static void
prune_node(struct prune *pr, uint32_t *link, bool check)
{
	struct pool *pl = &pr->t->pool[pr->f];
	uint32_t i = *link;
	struct tnode *n;
	struct prefix p;

	if (i == 0 || pr->stopped)
		return;
	n = N(pl, i);
	if (check) {
		unsigned c = common_bits(n->key, pr->after->bytes, n->len);

		if (c < n->len) {
			if (addr_bit(pr->after->bytes, c))
				return; /* the whole subtree sorts before after */
			check = false;
		}
	}
	if (n->has_val) {
		node_prefix(n, pr->f ? AFI_IP6 : AFI_IP, &p);
		if (!check || prefix_cmp(&p, pr->after) > 0) {
			if (pr->budget == 0) {
				pr->stopped = true;
				return; /* n unchanged: nothing to repair */
			}
			pr->budget--;
			pr->last = p;
			pr->fn(&p, &n->val, pr->ctx);
			if (n->val == NULL) {
				n->has_val = 0;
				pr->t->count[pr->f]--;
				pr->removed++;
			}
		}
	}
	prune_node(pr, &n->child[0], check);
	prune_node(pr, &n->child[1], check);
	if (n->has_val || (n->child[0] != 0 && n->child[1] != 0))
		return;
	*link = n->child[0] != 0 ? n->child[0] : n->child[1];
	pool_put(pl, i);
}

size_t
trie_prune(struct trie *t, uint8_t afi, trie_prune_fn fn, void *ctx)
{
	struct prune pr = {.t = t, .fn = fn, .ctx = ctx, .budget = SIZE_MAX};

	for (unsigned f = 0; f < 2; f++) {
		if (afi != 0 && fam(afi) != f)
			continue;
		pr.f = f;
		prune_node(&pr, &t->root[f], false);
	}
	return pr.removed;
}

bool
trie_prune_after(struct trie *t, const struct prefix *after, size_t budget, trie_prune_fn fn,
                 void *ctx, struct prefix *last)
{
	struct prune pr = {.t = t, .fn = fn, .ctx = ctx, .after = after, .budget = MAX(budget, 1)};

	for (unsigned f = 0; f < 2 && !pr.stopped; f++) {
		if (after != NULL && fam(after->afi) > f)
			continue; /* an IPv6 cursor: IPv4 is done */
		pr.f = f;
		prune_node(&pr, &t->root[f], after != NULL && fam(after->afi) == f);
	}
	if (pr.stopped && last != NULL)
		*last = pr.last;
	return !pr.stopped;
}
