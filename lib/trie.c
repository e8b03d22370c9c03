/*
 * trie: path-compressed binary (Patricia) trie over struct prefix.
 *
 * Each node holds a prefix (its key: len bits of address), an optional
 * value and two children. Keys are only as wide as the family needs, so an
 * IPv4 node is 32 bytes and an IPv6 node 48: each family has its own root
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "trie.h"

struct tnode {
	struct tnode *child[2];
	void *val;
	uint8_t len;
	uint8_t has_val;
	uint8_t key[]; /* afi_bytes() bytes, bits past len zero */
};

#define POOL_CHUNK_NODES 2048

struct pool_chunk {
	struct pool_chunk *next;
	/* nodes follow, each pool->node_size bytes */
};

struct pool {
	size_t node_size;
	struct pool_chunk *chunks;
	struct tnode *free_list;
	size_t nchunks;
	size_t used;  /* nodes handed out */
	size_t carve; /* nodes not yet carved from the newest chunk */
};

struct trie {
	struct tnode *root[2]; /* [0] IPv4, [1] IPv6 */
	size_t count[2];
	struct pool pool[2];
};

static inline unsigned
fam(uint8_t afi)
{
	return afi == AFI_IP6 ? 1 : 0;
}

static size_t
chunk_header(void)
{
	/* Keep nodes pointer-aligned after the header. */
	return (sizeof(struct pool_chunk) + 15) & ~(size_t)15;
}

static void
pool_init(struct pool *pl, uint8_t afi)
{
	size_t sz = sizeof(struct tnode) + afi_bytes(afi);

	memset(pl, 0, sizeof(*pl));
	pl->node_size = (sz + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
}

static struct tnode *
pool_get(struct pool *pl)
{
	struct tnode *n = pl->free_list;

	if (n != NULL) {
		pl->free_list = n->child[0];
	} else {
		if (pl->carve == 0) {
			struct pool_chunk *c =
			        malloc(chunk_header() + POOL_CHUNK_NODES * pl->node_size);

			if (c == NULL)
				return NULL;
			c->next = pl->chunks;
			pl->chunks = c;
			pl->nchunks++;
			pl->carve = POOL_CHUNK_NODES;
		}
		pl->carve--;
		n = (struct tnode *)((char *)pl->chunks + chunk_header() +
		                     pl->carve * pl->node_size);
	}
	pl->used++;
	memset(n, 0, pl->node_size);
	return n;
}

static void
pool_release_all(struct pool *pl)
{
	struct pool_chunk *c, *next;

	for (c = pl->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	pl->chunks = NULL;
	pl->free_list = NULL;
	pl->nchunks = 0;
	pl->carve = 0;
	pl->used = 0;
}

static void
pool_put(struct pool *pl, struct tnode *n)
{
	n->child[0] = pl->free_list;
	pl->free_list = n;
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
free_vals(struct tnode *n, void (*free_val)(void *val))
{
	/* Depth is bounded by the key width (at most 129 levels). */
	if (n == NULL)
		return;
	if (n->has_val && n->val != NULL)
		free_val(n->val);
	free_vals(n->child[0], free_val);
	free_vals(n->child[1], free_val);
}

void
trie_free(struct trie *t, void (*free_val)(void *val))
{
	if (t == NULL)
		return;
	for (unsigned f = 0; f < 2; f++) {
		if (free_val != NULL)
			free_vals(t->root[f], free_val);
		pool_release_all(&t->pool[f]);
	}
	free(t);
}

/* Length of the common leading bits of a and b, at most max. */
static unsigned
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

static struct tnode *
node_new(struct trie *t, const struct prefix *p, unsigned len)
{
	struct tnode *n = pool_get(&t->pool[fam(p->afi)]);
	struct prefix k;

	if (n == NULL)
		return NULL;
	k = *p;
	k.len = (uint8_t)len;
	prefix_mask(&k);
	n->len = (uint8_t)len;
	memcpy(n->key, k.bytes, afi_bytes(p->afi));
	return n;
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
	unsigned f = fam(p->afi);
	struct tnode **link = &t->root[f], *n, *leaf, *glue;
	unsigned common;

	if (created != NULL)
		*created = false;
	while ((n = *link) != NULL) {
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
	leaf = node_new(t, p, p->len);
	if (leaf == NULL)
		return NULL;
	leaf->has_val = 1;
	if (n == NULL) {
		*link = leaf;
	} else if (common == p->len) {
		/* p covers n: p goes in between. */
		leaf->child[addr_bit(n->key, p->len)] = n;
		*link = leaf;
	} else {
		/* They part at bit common: a glue node holds both. */
		glue = node_new(t, p, common);
		if (glue == NULL) {
			pool_put(&t->pool[f], leaf);
			return NULL;
		}
		glue->child[addr_bit(p->bytes, common)] = leaf;
		glue->child[addr_bit(n->key, common)] = n;
		*link = glue;
	}
	t->count[f]++;
	if (created != NULL)
		*created = true;
	return &leaf->val;
}

void *
trie_remove(struct trie *t, const struct prefix *p)
{
	unsigned f = fam(p->afi);
	struct tnode **link = &t->root[f], **plink = NULL, *n, *parent, *child;
	void *val;

	while ((n = *link) != NULL && n->len < p->len) {
		if (!node_matches(n, p))
			return NULL;
		plink = link;
		link = &n->child[addr_bit(p->bytes, n->len)];
	}
	if (n == NULL || n->len != p->len || !n->has_val || !node_matches(n, p))
		return NULL;
	val = n->val;
	t->count[f]--;
	if (n->child[0] != NULL && n->child[1] != NULL) {
		n->has_val = 0; /* still needed as a branch point */
		n->val = NULL;
		return val;
	}
	child = n->child[0] != NULL ? n->child[0] : n->child[1];
	*link = child;
	pool_put(&t->pool[f], n);
	/* A glue parent left with one child is no longer a branch point. */
	if (child == NULL && plink != NULL) {
		parent = *plink;
		if (!parent->has_val) {
			*plink = parent->child[0] != NULL ? parent->child[0] : parent->child[1];
			pool_put(&t->pool[f], parent);
		}
	}
	return val;
}

static const struct tnode *
find_exact(const struct trie *t, const struct prefix *p)
{
	const struct tnode *n = t->root[fam(p->afi)];

	while (n != NULL && n->len < p->len) {
		if (!node_matches(n, p))
			return NULL;
		n = n->child[addr_bit(p->bytes, n->len)];
	}
	if (n == NULL || n->len != p->len || !n->has_val || !node_matches(n, p))
		return NULL;
	return n;
}

void *
trie_get(const struct trie *t, const struct prefix *p)
{
	const struct tnode *n = find_exact(t, p);

	return n ? n->val : NULL;
}

bool
trie_contains(const struct trie *t, const struct prefix *p)
{
	return find_exact(t, p) != NULL;
}

void *
trie_longest(const struct trie *t, const struct prefix *p, struct prefix *match)
{
	const struct tnode *n = t->root[fam(p->afi)], *best = NULL;

	while (n != NULL && n->len <= p->len && node_matches(n, p)) {
		if (n->has_val)
			best = n;
		if (n->len == p->len)
			break;
		n = n->child[addr_bit(p->bytes, n->len)];
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
		m += t->pool[f].nchunks *
		     (chunk_header() + POOL_CHUNK_NODES * t->pool[f].node_size);
	return m;
}

size_t
trie_nodes(const struct trie *t)
{
	return t->pool[0].used + t->pool[1].used;
}

/* Pre-order is prefix_cmp() order: a node's key sorts before its subtree. */
static int
walk_node(const struct tnode *n, uint8_t afi, trie_walk_fn fn, void *ctx)
{
	struct prefix p;
	int rc;

	if (n == NULL)
		return 0;
	if (n->has_val) {
		node_prefix(n, afi, &p);
		rc = fn(&p, n->val, ctx);
		if (rc != 0)
			return rc;
	}
	rc = walk_node(n->child[0], afi, fn, ctx);
	if (rc != 0)
		return rc;
	return walk_node(n->child[1], afi, fn, ctx);
}

int
trie_walk(const struct trie *t, trie_walk_fn fn, void *ctx)
{
	int rc = walk_node(t->root[0], AFI_IP, fn, ctx);

	return rc != 0 ? rc : walk_node(t->root[1], AFI_IP6, fn, ctx);
}

int
trie_walk_covered(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx)
{
	const struct tnode *n = t->root[fam(p->afi)];

	while (n != NULL && n->len < p->len) {
		if (!node_matches(n, p))
			return 0;
		n = n->child[addr_bit(p->bytes, n->len)];
	}
	/* n is the first node at or below p's depth: inside p or not at all. */
	if (n == NULL || common_bits(n->key, p->bytes, p->len) != p->len)
		return 0;
	return walk_node(n, p->afi, fn, ctx);
}

int
trie_walk_covering(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx)
{
	const struct tnode *n = t->root[fam(p->afi)];
	struct prefix q;
	int rc;

	while (n != NULL && n->len <= p->len && node_matches(n, p)) {
		if (n->has_val) {
			node_prefix(n, p->afi, &q);
			rc = fn(&q, n->val, ctx);
			if (rc != 0)
				return rc;
		}
		if (n->len == p->len)
			break;
		n = n->child[addr_bit(p->bytes, n->len)];
	}
	return 0;
}
