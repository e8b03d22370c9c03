/*
 * trie: the prefix index, kept as a B+tree per family ordered by
 * prefix_cmp() (address, then length).
 *
 * Why not a binary trie: a million random-order inserts into a Patricia
 * trie walk ~20 levels of nodes scattered over 40 MB, one cache and TLB
 * miss each, so random order cost ten times table order. Here a path is
 * three or four nodes of a kilobyte, the upper ones stay cached, and an
 * entry is its key and value side by side in a leaf: 16 bytes for IPv4,
 * 16.4 to 19.4 per entry with the leaves' free room, against ~44 for the
 * Patricia trie with its glue. Random order costs a few times table order
 * (one leaf miss per insert), not ten.
 *
 * Sorted order makes the ordered operations plain: a walk is a scan, a
 * resume is a seek, and the prefixes covered by p are the run that starts
 * at p. The prefixes covering p are found from p's predecessor: the
 * longest one covering p also covers that predecessor, so each step either
 * finds it or shortens the query to the bits they share (see longest_key).
 *
 * Keys are arrays of kw 64-bit words compared in order: IPv4 is one word
 * (address << 8 | length), IPv6 three (two address halves, then length).
 * Every node is TRIE_NODE_BYTES: a header, cap keys, then cap pointers (values
 * in a leaf, children in an inner node). An inner node's key i (i >= 1)
 * is a lower bound of child i's keys and above every key of child i - 1;
 * its key 0 is unused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "slab.h"
#include "trie.h"

/* A kilobyte (a slab object, no malloc header): a leaf holds 63 IPv4 or 31 IPv6 entries. */
#ifndef TRIE_NODE_BYTES
#define TRIE_NODE_BYTES 1024
#endif
/* Deep enough for any table: non-root nodes keep at least cap / 4 entries. */
#define MAX_HEIGHT 24
#define KW_MAX     3
/* Walks ask for the objects values point at this many entries ahead. */
#define PREFETCH_AHEAD 6

struct bnode {
	uint16_t n;   /* entries (leaf) or children (inner) */
	uint8_t leaf; /* 1: pointers are values */
	uint64_t key[];
};

struct btree {
	struct bnode *root; /* NULL when empty */
	unsigned height;    /* levels, leaves included; 0 when empty */
	unsigned kw;        /* words per key */
	unsigned cap;       /* entries per node */
	size_t count;
	size_t nodes;
	struct slab *pool; /* the trie's: where nodes come from */
};

/*
 * Nodes of both families come from one slab (they are the same size): a
 * table withdrawn gives its chunks back to the system as they empty,
 * where single kilobyte blocks would stay in the heap between others.
 */
struct trie {
	struct btree bt[2]; /* [0] IPv4, [1] IPv6 */
	struct slab pool;
};

/* A position: the node and index at each level, root (0) to leaf. */
struct iter {
	struct bnode *nd[MAX_HEIGHT];
	unsigned ix[MAX_HEIGHT];
	unsigned h;
};

static inline unsigned
fam(uint8_t afi)
{
	return afi == AFI_IP6 ? 1 : 0;
}

static inline uint64_t *
K(const struct btree *bt, const struct bnode *nd, unsigned i)
{
	return (uint64_t *)nd->key + (size_t)i * bt->kw;
}

static inline void **
PTR(const struct btree *bt, const struct bnode *nd)
{
	return (void **)((uint64_t *)nd->key + (size_t)bt->cap * bt->kw);
}

static inline int
kcmp(const uint64_t *a, const uint64_t *b, unsigned kw)
{
	for (unsigned i = 0; i < kw; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static inline uint64_t
load_be(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

/* The high n bits of a 64-bit word (n <= 64), 0 for n == 0. */
static inline uint64_t
high_bits(unsigned n)
{
	return n == 0 ? 0 : ~0ull << (64 - n);
}

/* p's key, with the address bits past p->len cleared (a hot path: no copy). */
static void
key_of(const struct prefix *p, uint64_t *k)
{
	if (p->afi == AFI_IP6) {
		unsigned len = MIN(p->len, 128u);

		k[0] = load_be(p->bytes, 8) & high_bits(MIN(len, 64u));
		k[1] = load_be(p->bytes + 8, 8) & high_bits(len > 64 ? len - 64 : 0);
		k[2] = p->len;
	} else {
		unsigned len = MIN(p->len, 32u);

		k[0] = (load_be(p->bytes, 4) << 32 & high_bits(len)) >> 24 | p->len;
	}
}

static void
prefix_of(const uint64_t *k, uint8_t afi, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->afi = afi;
	if (afi == AFI_IP6) {
		for (unsigned i = 0; i < 8; i++) {
			p->bytes[i] = (uint8_t)(k[0] >> (56 - 8 * i));
			p->bytes[8 + i] = (uint8_t)(k[1] >> (56 - 8 * i));
		}
		p->len = (uint8_t)k[2];
	} else {
		for (unsigned i = 0; i < 4; i++)
			p->bytes[i] = (uint8_t)(k[0] >> (32 - 8 * i));
		p->len = (uint8_t)k[0];
	}
}

static size_t
node_bytes(const struct btree *bt)
{
	return offsetof(struct bnode, key) + (size_t)bt->cap * (bt->kw + 1) * sizeof(uint64_t);
}

static void
bt_init(struct btree *bt, uint8_t afi)
{
	memset(bt, 0, sizeof(*bt));
	bt->kw = afi == AFI_IP6 ? 3 : 1;
	bt->cap = (unsigned)((TRIE_NODE_BYTES - offsetof(struct bnode, key)) /
	                     ((bt->kw + 1) * sizeof(uint64_t)));
}

static struct bnode *
node_alloc(struct btree *bt)
{
	return slab_get(bt->pool);
}

static void
node_free(struct btree *bt, struct bnode *nd)
{
	slab_put(bt->pool, nd);
	bt->nodes--;
}

/* ---- moving entries ---- */

static void
copy_entries(const struct btree *bt, struct bnode *dst, unsigned di, const struct bnode *src,
             unsigned si, unsigned n)
{
	memmove(K(bt, dst, di), K(bt, src, si), (size_t)n * bt->kw * sizeof(uint64_t));
	memmove(PTR(bt, dst) + di, PTR(bt, src) + si, (size_t)n * sizeof(void *));
}

static void
put_entry(const struct btree *bt, struct bnode *nd, unsigned i, const uint64_t *k, void *ptr)
{
	copy_entries(bt, nd, i + 1, nd, i, nd->n - i);
	memcpy(K(bt, nd, i), k, bt->kw * sizeof(uint64_t));
	PTR(bt, nd)[i] = ptr;
	nd->n++;
}

static void
del_entry(const struct btree *bt, struct bnode *nd, unsigned i)
{
	copy_entries(bt, nd, i, nd, i + 1, nd->n - i - 1);
	nd->n--;
}

/* ---- searching ---- */

/* First index whose key is >= k (n if none). */
static unsigned
lower_bound(const struct btree *bt, const struct bnode *nd, const uint64_t *k)
{
	unsigned lo = 0, hi = nd->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (kcmp(K(bt, nd, mid), k, bt->kw) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The child of an inner node whose range holds k. */
static unsigned
child_for(const struct btree *bt, const struct bnode *nd, const uint64_t *k)
{
	unsigned lo = 1, hi = nd->n;

	/* The first separator above k, minus one. */
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (kcmp(K(bt, nd, mid), k, bt->kw) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/*
 * Ask for every cache line of nd's keys at once: the binary search then
 * waits for one memory round trip per node instead of one per probe,
 * which is what a random-order feed into a large table is made of.
 */
static inline void
prefetch_keys(const struct btree *bt, const struct bnode *nd)
{
	const char *p = (const char *)nd->key;
	size_t bytes = (size_t)nd->n * bt->kw * sizeof(uint64_t);

	for (size_t off = 64; off < bytes; off += 64)
		__builtin_prefetch(p + off);
}

/* Position it at the first entry >= k (or one past a leaf's end). */
static void
seek(const struct btree *bt, const uint64_t *k, struct iter *it)
{
	struct bnode *nd = bt->root;

	it->h = bt->height;
	for (unsigned l = 0; l < it->h; l++) {
		it->nd[l] = nd;
		prefetch_keys(bt, nd);
		if (nd->leaf) {
			it->ix[l] = lower_bound(bt, nd, k);
		} else {
			it->ix[l] = child_for(bt, nd, k);
			nd = PTR(bt, nd)[it->ix[l]];
		}
	}
}

/* Descend from level l along the first (or last) child down to a leaf. */
static void
descend_edge(const struct btree *bt, struct iter *it, unsigned l, bool last)
{
	for (; l + 1 < it->h; l++) {
		struct bnode *c = PTR(bt, it->nd[l])[it->ix[l]];

		it->nd[l + 1] = c;
		it->ix[l + 1] = last ? c->n - 1u : 0;
	}
}

static bool
seek_first(const struct btree *bt, struct iter *it)
{
	it->h = bt->height;
	if (it->h == 0)
		return false;
	it->nd[0] = bt->root;
	it->ix[0] = 0;
	descend_edge(bt, it, 0, false);
	return it->nd[it->h - 1]->n > 0;
}

/* If it points past its leaf, move to the next leaf's first entry. */
static bool
normalize(const struct btree *bt, struct iter *it)
{
	if (it->h == 0)
		return false;
	if (it->ix[it->h - 1] < it->nd[it->h - 1]->n)
		return true;
	for (unsigned l = it->h - 1; l-- > 0;) {
		if (it->ix[l] + 1u < it->nd[l]->n) {
			it->ix[l]++;
			descend_edge(bt, it, l, false);
			return true;
		}
	}
	return false;
}

static bool
step_next(const struct btree *bt, struct iter *it)
{
	it->ix[it->h - 1]++;
	return normalize(bt, it);
}

/* Move to the entry before it; false if it is the first. */
static bool
step_prev(const struct btree *bt, struct iter *it)
{
	if (it->h == 0)
		return false;
	if (it->ix[it->h - 1] > 0) {
		it->ix[it->h - 1]--;
		return true;
	}
	for (unsigned l = it->h - 1; l-- > 0;) {
		if (it->ix[l] > 0) {
			it->ix[l]--;
			descend_edge(bt, it, l, true);
			return true;
		}
	}
	return false;
}

static inline const uint64_t *
it_key(const struct btree *bt, const struct iter *it)
{
	return K(bt, it->nd[it->h - 1], it->ix[it->h - 1]);
}

static inline void **
it_slot(const struct btree *bt, const struct iter *it)
{
	return &PTR(bt, it->nd[it->h - 1])[it->ix[it->h - 1]];
}

/* The value slot of key k, NULL if absent. */
static void **
find_slot(const struct btree *bt, const uint64_t *k)
{
	struct iter it;

	if (bt->root == NULL)
		return NULL;
	seek(bt, k, &it);
	if (it.ix[it.h - 1] >= it.nd[it.h - 1]->n || kcmp(it_key(bt, &it), k, bt->kw) != 0)
		return NULL;
	return it_slot(bt, &it);
}

/* ---- insert ---- */

/* Whether level l's node is the last one at its depth (every index above is last). */
static bool
rightmost(const struct iter *it, unsigned l)
{
	for (unsigned m = 0; m < l; m++)
		if (it->ix[m] + 1u != it->nd[m]->n)
			return false;
	return true;
}

/* Nodes allocated before a split changes anything, so running out leaves the tree as it was. */
struct spares {
	struct bnode *nd[MAX_HEIGHT + 1];
	unsigned n;
};

static bool
reserve(struct btree *bt, const struct iter *it, struct spares *sp)
{
	unsigned need = 0, l = it->h;

	while (l-- > 0 && it->nd[l]->n == bt->cap)
		need++;
	if (need == it->h)
		need++; /* the root splits: a new root */
	if (it->h + 1 > MAX_HEIGHT && need > it->h)
		return false;
	for (sp->n = 0; sp->n < need; sp->n++) {
		sp->nd[sp->n] = node_alloc(bt);
		if (sp->nd[sp->n] == NULL) {
			while (sp->n > 0)
				slab_put(bt->pool, sp->nd[--sp->n]);
			return false;
		}
	}
	bt->nodes += need;
	return true;
}

static struct bnode *
take(struct spares *sp, bool leaf)
{
	struct bnode *nd = sp->nd[--sp->n];

	nd->n = 0;
	nd->leaf = leaf;
	return nd;
}

/*
 * Put (k, ptr) at index it->ix[l] of level l's node, splitting full nodes
 * up the path. Returns the slot where ptr landed. A table fed in order
 * always inserts at the right edge: a node split there keeps every entry
 * and starts the new node empty, so such a tree ends up full, not half full.
 */
static void **
insert_at(struct btree *bt, struct iter *it, unsigned l, const uint64_t *k, void *ptr,
          struct spares *sp)
{
	struct bnode *nd = it->nd[l], *right, *root;
	unsigned pos = it->ix[l], h;
	uint64_t sep[KW_MAX];
	void **slot;

	if (nd->n < bt->cap) {
		put_entry(bt, nd, pos, k, ptr);
		return &PTR(bt, nd)[pos];
	}
	h = bt->cap / 2;
	/* An inner node keeps two children on the new side, so every inner node has two. */
	if (pos == nd->n && rightmost(it, l))
		h = nd->leaf ? bt->cap : bt->cap - 1;
	right = take(sp, nd->leaf);
	copy_entries(bt, right, 0, nd, h, nd->n - h);
	right->n = (uint16_t)(nd->n - h);
	nd->n = (uint16_t)h;
	if (pos < h) {
		put_entry(bt, nd, pos, k, ptr);
		slot = &PTR(bt, nd)[pos];
	} else {
		put_entry(bt, right, pos - h, k, ptr);
		slot = &PTR(bt, right)[pos - h];
	}
	memcpy(sep, K(bt, right, 0), bt->kw * sizeof(uint64_t));
	if (l == 0) {
		root = take(sp, false);
		memcpy(K(bt, root, 0), K(bt, nd, 0), bt->kw * sizeof(uint64_t));
		PTR(bt, root)[0] = nd;
		root->n = 1;
		put_entry(bt, root, 1, sep, right);
		bt->root = root;
		bt->height++;
	} else {
		it->ix[l - 1]++;
		insert_at(bt, it, l - 1, sep, right, sp);
	}
	return slot;
}

/*
 * A full leaf whose sibling (under the same parent) has room hands it some
 * entries instead of splitting, so a random-order feed leaves leaves about
 * 80 % full rather than 70 %. Returns the slot, or NULL to split instead.
 */
static void **
insert_via_sibling(struct btree *bt, struct iter *it, const uint64_t *k)
{
	unsigned l = it->h - 1, pos = it->ix[l], j, m, keep, at;
	struct bnode *nd = it->nd[l], *par, *sib;

	if (l == 0)
		return NULL;
	par = it->nd[l - 1];
	j = it->ix[l - 1];
	if (j > 0 && (sib = PTR(bt, par)[j - 1])->n + 2u <= bt->cap) {
		/* nd's first m entries go to the end of the left sibling. */
		m = (bt->cap - sib->n) / 2;
		at = sib->n + pos;
		copy_entries(bt, sib, sib->n, nd, 0, m);
		sib->n = (uint16_t)(sib->n + m);
		copy_entries(bt, nd, 0, nd, m, nd->n - m);
		nd->n = (uint16_t)(nd->n - m);
		memcpy(K(bt, par, j), K(bt, nd, 0), bt->kw * sizeof(uint64_t));
		if (pos <= m) {
			put_entry(bt, sib, at, k, NULL);
			return &PTR(bt, sib)[at];
		}
		put_entry(bt, nd, pos - m, k, NULL);
		return &PTR(bt, nd)[pos - m];
	}
	if (j + 1u < par->n && (sib = PTR(bt, par)[j + 1])->n + 2u <= bt->cap) {
		/* nd's last m entries go to the front of the right sibling. */
		m = (bt->cap - sib->n) / 2;
		keep = nd->n - m;
		copy_entries(bt, sib, m, sib, 0, sib->n);
		copy_entries(bt, sib, 0, nd, keep, m);
		sib->n = (uint16_t)(sib->n + m);
		nd->n = (uint16_t)keep;
		memcpy(K(bt, par, j + 1), K(bt, sib, 0), bt->kw * sizeof(uint64_t));
		if (pos <= keep) {
			put_entry(bt, nd, pos, k, NULL);
			return &PTR(bt, nd)[pos];
		}
		put_entry(bt, sib, pos - keep, k, NULL);
		return &PTR(bt, sib)[pos - keep];
	}
	return NULL;
}

void **
trie_insert(struct trie *t, const struct prefix *p, bool *created)
{
	struct btree *bt = &t->bt[fam(p->afi)];
	uint64_t k[KW_MAX];
	struct spares sp;
	struct iter it;
	void **slot;

	if (created != NULL)
		*created = false;
	key_of(p, k);
	if (bt->root == NULL) {
		bt->root = node_alloc(bt);
		if (bt->root == NULL)
			return NULL;
		bt->root->n = 0;
		bt->root->leaf = 1;
		bt->height = 1;
		bt->nodes = 1;
	}
	seek(bt, k, &it);
	if (it.ix[it.h - 1] < it.nd[it.h - 1]->n && kcmp(it_key(bt, &it), k, bt->kw) == 0)
		return it_slot(bt, &it);
	slot = NULL;
	if (it.nd[it.h - 1]->n == bt->cap &&
	    !(it.ix[it.h - 1] == bt->cap && rightmost(&it, it.h - 1)))
		slot = insert_via_sibling(bt, &it, k);
	if (slot != NULL) {
		bt->count++;
		if (created != NULL)
			*created = true;
		return slot;
	}
	if (!reserve(bt, &it, &sp)) {
		if (bt->count == 0) {
			node_free(bt, bt->root);
			bt->root = NULL;
			bt->height = 0;
		}
		return NULL;
	}
	slot = insert_at(bt, &it, it.h - 1, k, NULL, &sp);
	bt->count++;
	if (created != NULL)
		*created = true;
	return slot;
}

/* ---- remove ---- */

/*
 * Non-root nodes below this many entries merge with or borrow from a
 * sibling; an inner node always keeps two children, so each has a sibling.
 */
static unsigned
min_fill(const struct btree *bt, const struct bnode *nd)
{
	return MAX(bt->cap / 4, nd->leaf ? 1u : 2u);
}

/*
 * Level l's node lost entries: merge it with a sibling when both fit in
 * one node, else even them out. A merge takes a child from the parent,
 * which may then need the same. A root left with one child gives way to
 * it; an empty tree holds no node at all.
 */
static void
rebalance(struct btree *bt, struct iter *it, unsigned l)
{
	struct bnode *nd = it->nd[l], *par, *left, *right;
	unsigned j, s, total, move;

	if (l == 0) {
		if (nd->leaf && nd->n == 0) {
			bt->root = NULL;
			bt->height = 0;
			node_free(bt, nd);
		} else if (!nd->leaf && nd->n == 1) {
			bt->root = PTR(bt, nd)[0];
			bt->height--;
			node_free(bt, nd);
		}
		return;
	}
	if (nd->n >= min_fill(bt, nd))
		return;
	par = it->nd[l - 1];
	j = it->ix[l - 1];
	s = j > 0 ? j : 1; /* the separator between left and right */
	left = PTR(bt, par)[s - 1];
	right = PTR(bt, par)[s];
	/* Inner nodes: the parent's separator becomes right's key 0 for the move. */
	if (!right->leaf)
		memcpy(K(bt, right, 0), K(bt, par, s), bt->kw * sizeof(uint64_t));
	total = left->n + right->n;
	if (total <= bt->cap) {
		copy_entries(bt, left, left->n, right, 0, right->n);
		left->n = (uint16_t)total;
		node_free(bt, right);
		del_entry(bt, par, s);
		rebalance(bt, it, l - 1);
		return;
	}
	if (left->n > total / 2) {
		move = left->n - total / 2;
		copy_entries(bt, right, move, right, 0, right->n);
		copy_entries(bt, right, 0, left, left->n - move, move);
		right->n = (uint16_t)(right->n + move);
		left->n = (uint16_t)(left->n - move);
	} else {
		move = total / 2 - left->n;
		copy_entries(bt, left, left->n, right, 0, move);
		copy_entries(bt, right, 0, right, move, right->n - move);
		left->n = (uint16_t)(left->n + move);
		right->n = (uint16_t)(right->n - move);
	}
	memcpy(K(bt, par, s), K(bt, right, 0), bt->kw * sizeof(uint64_t));
}

void *
trie_remove(struct trie *t, const struct prefix *p)
{
	struct btree *bt = &t->bt[fam(p->afi)];
	uint64_t k[KW_MAX];
	struct iter it;
	struct bnode *leaf;
	void *val;

	if (bt->root == NULL)
		return NULL;
	key_of(p, k);
	seek(bt, k, &it);
	leaf = it.nd[it.h - 1];
	if (it.ix[it.h - 1] >= leaf->n || kcmp(it_key(bt, &it), k, bt->kw) != 0)
		return NULL;
	val = *it_slot(bt, &it);
	del_entry(bt, leaf, it.ix[it.h - 1]);
	bt->count--;
	rebalance(bt, &it, it.h - 1);
	return val;
}

bool
trie_modify(struct trie *t, const struct prefix *p, trie_prune_fn fn, void *ctx)
{
	struct btree *bt = &t->bt[fam(p->afi)];
	uint64_t k[KW_MAX];
	struct iter it;
	void **slot;

	if (bt->root == NULL)
		return false;
	key_of(p, k);
	seek(bt, k, &it);
	if (it.ix[it.h - 1] >= it.nd[it.h - 1]->n || kcmp(it_key(bt, &it), k, bt->kw) != 0)
		return false;
	slot = it_slot(bt, &it);
	fn(p, slot, ctx);
	if (*slot == NULL) {
		del_entry(bt, it.nd[it.h - 1], it.ix[it.h - 1]);
		bt->count--;
		rebalance(bt, &it, it.h - 1);
	}
	return true;
}

/* ---- whole tree ---- */

struct trie *
trie_new(void)
{
	struct trie *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	bt_init(&t->bt[0], AFI_IP);
	bt_init(&t->bt[1], AFI_IP6);
	slab_init(&t->pool, MAX(node_bytes(&t->bt[0]), node_bytes(&t->bt[1])), 0);
	t->bt[0].pool = t->bt[1].pool = &t->pool;
	return t;
}

static void
free_node(struct btree *bt, struct bnode *nd, void (*free_val)(void *val))
{
	for (unsigned i = 0; i < nd->n; i++) {
		void *v = PTR(bt, nd)[i];

		if (!nd->leaf)
			free_node(bt, v, free_val);
		else if (free_val != NULL && v != NULL)
			free_val(v);
	}
	node_free(bt, nd);
}

void
trie_free(struct trie *t, void (*free_val)(void *val))
{
	if (t == NULL)
		return;
	for (unsigned f = 0; f < 2; f++)
		if (t->bt[f].root != NULL)
			free_node(&t->bt[f], t->bt[f].root, free_val);
	slab_release(&t->pool);
	free(t);
}

void *
trie_get(const struct trie *t, const struct prefix *p)
{
	void **slot = trie_get_slot((struct trie *)t, p);

	return slot != NULL ? *slot : NULL;
}

void **
trie_get_slot(struct trie *t, const struct prefix *p)
{
	const struct btree *bt = &t->bt[fam(p->afi)];
	uint64_t k[KW_MAX];

	key_of(p, k);
	return find_slot(bt, k);
}

bool
trie_contains(const struct trie *t, const struct prefix *p)
{
	return trie_get_slot((struct trie *)t, p) != NULL;
}

/* Leading bits a and b share, at most max. */
static unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	for (unsigned i = 0; i * 8 < max; i++) {
		uint8_t x = a[i] ^ b[i];

		if (x != 0) {
			unsigned n = i * 8 + (unsigned)__builtin_clz(x) - 24;

			return MIN(n, max);
		}
	}
	return max;
}

/*
 * The longest entry covering p. Let e be the last entry at or before p:
 * any entry c covering p sorts between c and p, so it covers e as well,
 * and is at most as long as the bits e and p share. Either e covers p
 * (the answer), or the query shrinks to those shared bits and goes again;
 * it shortens every time, so this ends within the key width.
 */
static bool
longest_key(const struct btree *bt, const struct prefix *p, struct iter *it, struct prefix *match)
{
	struct prefix q = *p, e;
	uint64_t k[KW_MAX];

	if (bt->root == NULL)
		return false;
	prefix_mask(&q);
	for (;;) {
		key_of(&q, k);
		seek(bt, k, it);
		/* Past the leaf's end, the next leaf starts above q: no exact match. */
		if (it->ix[it->h - 1] < it->nd[it->h - 1]->n &&
		    kcmp(it_key(bt, it), k, bt->kw) == 0) {
			*match = q;
			return true;
		}
		if (!step_prev(bt, it))
			return false;
		prefix_of(it_key(bt, it), q.afi, &e);
		if (prefix_covers(&e, &q)) {
			*match = e;
			return true;
		}
		q.len = (uint8_t)common_bits(e.bytes, q.bytes, MIN(e.len, q.len));
		prefix_mask(&q);
	}
}

void *
trie_longest(const struct trie *t, const struct prefix *p, struct prefix *match)
{
	const struct btree *bt = &t->bt[fam(p->afi)];
	struct prefix m;
	struct iter it;

	if (!longest_key(bt, p, &it, &m))
		return NULL;
	if (match != NULL)
		*match = m;
	return *it_slot(bt, &it);
}

size_t
trie_count(const struct trie *t)
{
	return t->bt[0].count + t->bt[1].count;
}

size_t
trie_count_afi(const struct trie *t, uint8_t afi)
{
	return t->bt[fam(afi)].count;
}

size_t
trie_memory(const struct trie *t)
{
	return sizeof(*t) + slab_memory(&t->pool);
}

size_t
trie_nodes(const struct trie *t)
{
	return t->bt[0].nodes + t->bt[1].nodes;
}

/* ---- walks ---- */

/* From it onwards while the entries stay inside within (NULL: to the end). */
static int
walk_from(const struct btree *bt, struct iter *it, bool valid, uint8_t afi,
          const struct prefix *within, trie_walk_fn fn, void *ctx)
{
	struct prefix p;
	int rc;

	for (; valid; valid = step_next(bt, it)) {
		const struct bnode *leaf = it->nd[it->h - 1];
		unsigned ahead = it->ix[it->h - 1] + PREFETCH_AHEAD;

		/* The callback will likely read what the value points at. */
		if (ahead < leaf->n)
			__builtin_prefetch(PTR(bt, leaf)[ahead]);
		prefix_of(it_key(bt, it), afi, &p);
		if (within != NULL && !prefix_covers(within, &p))
			return 0;
		rc = fn(&p, *it_slot(bt, it), ctx);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
walk_all(const struct btree *bt, uint8_t afi, trie_walk_fn fn, void *ctx)
{
	struct iter it;

	return walk_from(bt, &it, seek_first(bt, &it), afi, NULL, fn, ctx);
}

int
trie_walk(const struct trie *t, trie_walk_fn fn, void *ctx)
{
	int rc = walk_all(&t->bt[0], AFI_IP, fn, ctx);

	return rc != 0 ? rc : walk_all(&t->bt[1], AFI_IP6, fn, ctx);
}

/* Position it at the first entry strictly after *after. */
static bool
seek_after(const struct btree *bt, const struct prefix *after, struct iter *it)
{
	uint64_t k[KW_MAX];
	struct prefix m = *after;

	if (bt->root == NULL)
		return false;
	/* Cursors come from walks, so they are masked already. */
	prefix_mask(&m);
	key_of(&m, k);
	seek(bt, k, it);
	if (!normalize(bt, it))
		return false;
	if (kcmp(it_key(bt, it), k, bt->kw) == 0)
		return step_next(bt, it);
	return true;
}

int
trie_walk_after(const struct trie *t, const struct prefix *after, trie_walk_fn fn, void *ctx)
{
	const struct btree *bt;
	struct iter it;
	int rc;

	if (after == NULL)
		return trie_walk(t, fn, ctx);
	bt = &t->bt[fam(after->afi)];
	rc = walk_from(bt, &it, seek_after(bt, after, &it), after->afi, NULL, fn, ctx);
	if (rc != 0 || fam(after->afi) == 1)
		return rc;
	return walk_all(&t->bt[1], AFI_IP6, fn, ctx);
}

int
trie_walk_covered(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx)
{
	const struct btree *bt = &t->bt[fam(p->afi)];
	struct prefix m = *p;
	uint64_t k[KW_MAX];
	struct iter it;

	if (bt->root == NULL)
		return 0;
	/* Everything p covers sorts in one run that starts at p. */
	prefix_mask(&m);
	key_of(&m, k);
	seek(bt, k, &it);
	return walk_from(bt, &it, normalize(bt, &it), p->afi, &m, fn, ctx);
}

int
trie_walk_covering(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *ctx)
{
	const struct btree *bt = &t->bt[fam(p->afi)];
	struct prefix found[129], q = *p;
	void *val[129];
	unsigned n = 0;
	struct iter it;
	int rc;

	/* Longest first, one step shorter each time; then report shortest first. */
	while (n < ARRAY_SIZE(found) && longest_key(bt, &q, &it, &found[n])) {
		val[n] = *it_slot(bt, &it);
		if (found[n].len == 0) {
			n++;
			break;
		}
		q = found[n];
		q.len--;
		prefix_mask(&q);
		n++;
	}
	while (n-- > 0) {
		rc = fn(&found[n], val[n], ctx);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- prune ---- */

struct prune {
	trie_prune_fn fn;
	void *ctx;
	size_t removed;
	size_t budget;      /* entries left to visit */
	bool stopped;       /* the budget ran out before the end */
	struct prefix last; /* the last entry visited */
};

/*
 * Visit the leaf at it from its position on, then drop the entries fn
 * emptied and rebalance. The leaf stays sorted and whole while fn runs,
 * so fn may still look things up. Returns false when the budget ran out.
 */
static bool
prune_leaf(struct btree *bt, struct iter *it, uint8_t afi, struct prune *pr)
{
	struct bnode *leaf = it->nd[it->h - 1];
	unsigned start = it->ix[it->h - 1], j, w, n = leaf->n;
	void **vals = PTR(bt, leaf);

	for (j = start; j < n; j++) {
		/* Values point at the caller's objects, scattered when fed at random. */
		if (j + PREFETCH_AHEAD < n)
			__builtin_prefetch(vals[j + PREFETCH_AHEAD]);
		if (pr->budget == 0) {
			pr->stopped = true;
			break;
		}
		pr->budget--;
		prefix_of(K(bt, leaf, j), afi, &pr->last);
		pr->fn(&pr->last, &vals[j], pr->ctx);
		if (vals[j] == NULL) {
			pr->removed++;
			bt->count--;
		}
	}
	for (unsigned i = w = start; i < j; i++) {
		if (vals[i] == NULL)
			continue;
		if (w != i)
			copy_entries(bt, leaf, w, leaf, i, 1);
		w++;
	}
	copy_entries(bt, leaf, w, leaf, j, n - j);
	leaf->n = (uint16_t)(w + n - j);
	if (leaf->n != n)
		rebalance(bt, it, it->h - 1);
	return !pr->stopped;
}

/*
 * One leaf at a time, seeking again after each: merging a leaf moves its
 * neighbours, and a seek costs little next to a leaf's worth of entries.
 */
static void
prune_tree(struct btree *bt, uint8_t afi, const struct prefix *after, struct prune *pr)
{
	struct prefix cursor;
	struct iter it;
	bool valid;

	if (after != NULL)
		cursor = *after;
	for (;;) {
		if (after != NULL)
			valid = seek_after(bt, &cursor, &it);
		else
			valid = seek_first(bt, &it);
		if (!valid)
			return;
		if (!prune_leaf(bt, &it, afi, pr))
			return;
		cursor = pr->last;
		after = &cursor;
	}
}

size_t
trie_prune(struct trie *t, uint8_t afi, trie_prune_fn fn, void *ctx)
{
	struct prune pr = {.fn = fn, .ctx = ctx, .budget = SIZE_MAX};

	for (unsigned f = 0; f < 2; f++)
		if (afi == 0 || fam(afi) == f)
			prune_tree(&t->bt[f], f ? AFI_IP6 : AFI_IP, NULL, &pr);
	return pr.removed;
}

bool
trie_prune_after(struct trie *t, const struct prefix *after, size_t budget, trie_prune_fn fn,
                 void *ctx, struct prefix *last)
{
	struct prune pr = {.fn = fn, .ctx = ctx, .budget = MAX(budget, 1)};

	for (unsigned f = 0; f < 2 && !pr.stopped; f++) {
		if (after != NULL && fam(after->afi) > f)
			continue; /* an IPv6 cursor: IPv4 is done */
		prune_tree(&t->bt[f], f ? AFI_IP6 : AFI_IP,
		           after != NULL && fam(after->afi) == f ? after : NULL, &pr);
	}
	if (pr.stopped && last != NULL)
		*last = pr.last;
	return !pr.stopped;
}
