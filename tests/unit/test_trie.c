#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler.h"
#include "trie.h"

static struct prefix
P(const char *s) {
	struct prefix p;

	ck_assert_msg(prefix_parse(s, &p, PREFIX_PARSE_HOST) == PREFIX_OK, "%s", s);
	return p;
}
#define PP(s) (&(struct prefix[1]){P(s)}[0])
#define V(n)  ((void *)(uintptr_t)(n))

/* Collects a walk's output as text, for comparisons that read well. */
struct collect {
	char text[4096];
	int n, stop_after;
};

static int
collect_fn(const struct prefix *p, void *val, void *ctx)
{
	struct collect *c = ctx;
	char buf[PREFIX_STRLEN];
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%s%s=%lu", used ? " " : "",
	         prefix_fmt(p, buf, sizeof(buf)), (unsigned long)(uintptr_t)val);
	c->n++;
	return c->stop_after != 0 && c->n == c->stop_after ? 42 : 0;
}

static void
put(struct trie *t, const char *s, uintptr_t v)
{
	bool created;
	void **slot = trie_insert(t, PP(s), &created);

	ck_assert_ptr_nonnull(slot);
	*slot = V(v);
}

START_TEST(empty_trie)
{
	struct trie *t = trie_new();
	struct collect c = {0};
	struct prefix m;

	ck_assert_uint_eq(trie_count(t), 0);
	ck_assert_ptr_null(trie_get(t, PP("0.0.0.0/0")));
	ck_assert_ptr_null(trie_longest(t, PP("10.0.0.1"), &m));
	ck_assert_ptr_null(trie_remove(t, PP("10.0.0.0/8")));
	ck_assert_int_eq(trie_walk(t, collect_fn, &c), 0);
	ck_assert_int_eq(c.n, 0);
	ck_assert_uint_eq(trie_nodes(t), 0);
	trie_free(t, NULL);
}
END_TEST

START_TEST(insert_get_replace)
{
	struct trie *t = trie_new();
	bool created = false;
	void **slot;

	slot = trie_insert(t, PP("10.0.0.0/8"), &created);
	ck_assert(created);
	ck_assert_ptr_null(*slot);
	ck_assert(trie_contains(t, PP("10.0.0.0/8")));
	ck_assert_ptr_null(trie_get(t, PP("10.0.0.0/8"))); /* present, value NULL */
	*slot = V(1);
	slot = trie_insert(t, PP("10.0.0.0/8"), &created);
	ck_assert(!created);
	ck_assert_ptr_eq(*slot, V(1));
	*slot = V(2);
	ck_assert_ptr_eq(trie_get(t, PP("10.0.0.0/8")), V(2));
	ck_assert_ptr_null(trie_get(t, PP("10.0.0.0/9")));
	ck_assert_ptr_null(trie_get(t, PP("10.0.0.0/7")));
	ck_assert(!trie_contains(t, PP("10.0.0.0/16")));
	ck_assert_uint_eq(trie_count(t), 1);
	/* created may be NULL. */
	ck_assert_ptr_nonnull(trie_insert(t, PP("11.0.0.0/8"), NULL));
	ck_assert_uint_eq(trie_count(t), 2);
	trie_free(t, NULL);
}
END_TEST

START_TEST(boundaries_default_and_hosts_both_families)
{
	struct trie *t = trie_new();
	struct collect c = {0};
	struct prefix m;
	char buf[PREFIX_STRLEN];

	put(t, "0.0.0.0/0", 1);
	put(t, "::/0", 2);
	put(t, "255.255.255.255/32", 3);
	put(t, "0.0.0.0/32", 4);
	put(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 5);
	put(t, "::/128", 6);
	put(t, "10.0.0.0/8", 7);
	put(t, "a00::/8", 8); /* same bits as 10/8 in the other family */
	ck_assert_uint_eq(trie_count(t), 8);
	ck_assert_uint_eq(trie_count_afi(t, AFI_IP), 4);
	ck_assert_uint_eq(trie_count_afi(t, AFI_IP6), 4);

	ck_assert_ptr_eq(trie_longest(t, PP("10.1.1.1"), &m), V(7));
	ck_assert_str_eq(prefix_fmt(&m, buf, sizeof(buf)), "10.0.0.0/8");
	ck_assert_ptr_eq(trie_longest(t, PP("11.1.1.1"), &m), V(1));
	ck_assert_str_eq(prefix_fmt(&m, buf, sizeof(buf)), "0.0.0.0/0");
	ck_assert_ptr_eq(trie_longest(t, PP("255.255.255.255"), NULL), V(3));
	ck_assert_ptr_eq(trie_longest(t, PP("255.255.255.254"), NULL), V(1));
	ck_assert_ptr_eq(trie_longest(t, PP("0.0.0.0"), NULL), V(4));
	ck_assert_ptr_eq(trie_longest(t, PP("::"), NULL), V(6));
	ck_assert_ptr_eq(trie_longest(t, PP("::1"), NULL), V(2));
	ck_assert_ptr_eq(trie_longest(t, PP("a01:203::1"), NULL), V(8));
	ck_assert_ptr_eq(trie_longest(t, PP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), NULL),
	                 V(5));
	/* Longest for a prefix, not just a host. */
	ck_assert_ptr_eq(trie_longest(t, PP("10.0.0.0/8"), NULL), V(7));
	ck_assert_ptr_eq(trie_longest(t, PP("10.0.0.0/7"), NULL), V(1));

	trie_walk(t, collect_fn, &c);
	ck_assert_str_eq(c.text, "0.0.0.0/0=1 0.0.0.0/32=4 10.0.0.0/8=7 255.255.255.255/32=3 "
	                         "::/0=2 ::/128=6 a00::/8=8 "
	                         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128=5");

	memset(&c, 0, sizeof(c));
	trie_walk_after(t, PP("10.0.0.0/8"), collect_fn, &c);
	ck_assert_str_eq(c.text, "255.255.255.255/32=3 ::/0=2 ::/128=6 a00::/8=8 "
	                         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128=5");
	memset(&c, 0, sizeof(c));
	trie_walk_after(t, PP("::/128"), collect_fn, &c);
	ck_assert_str_eq(c.text, "a00::/8=8 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128=5");
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	ck_assert_int_eq(trie_walk_after(t, NULL, collect_fn, &c), 42);
	ck_assert_str_eq(c.text, "0.0.0.0/0=1 0.0.0.0/32=4");

	ck_assert_ptr_eq(trie_remove(t, PP("0.0.0.0/0")), V(1));
	ck_assert_ptr_null(trie_longest(t, PP("11.1.1.1"), NULL));
	ck_assert_ptr_eq(trie_remove(t, PP("::/0")), V(2));
	ck_assert_ptr_null(trie_longest(t, PP("::1"), NULL));
	ck_assert_ptr_null(trie_remove(t, PP("::/0")));
	ck_assert_uint_eq(trie_count(t), 6);
	trie_free(t, NULL);
}
END_TEST

START_TEST(walk_covered_and_covering)
{
	struct trie *t = trie_new();
	struct collect c;

	put(t, "10.0.0.0/8", 1);
	put(t, "10.1.0.0/16", 2);
	put(t, "10.1.2.0/24", 3);
	put(t, "10.1.3.0/24", 4);
	put(t, "10.2.0.0/16", 5);
	put(t, "11.0.0.0/8", 6);
	put(t, "0.0.0.0/0", 7);
	put(t, "2001:db8::/32", 8);

	memset(&c, 0, sizeof(c));
	trie_walk_covered(t, PP("10.1.0.0/16"), collect_fn, &c);
	ck_assert_str_eq(c.text, "10.1.0.0/16=2 10.1.2.0/24=3 10.1.3.0/24=4");
	memset(&c, 0, sizeof(c));
	trie_walk_covered(t, PP("10.1.0.0/20"), collect_fn, &c);
	ck_assert_str_eq(c.text, "10.1.2.0/24=3 10.1.3.0/24=4");
	memset(&c, 0, sizeof(c));
	trie_walk_covered(t, PP("10.0.0.0/7"), collect_fn, &c);
	ck_assert_str_eq(c.text,
	                 "10.0.0.0/8=1 10.1.0.0/16=2 10.1.2.0/24=3 10.1.3.0/24=4 10.2.0.0/16=5 "
	                 "11.0.0.0/8=6");
	memset(&c, 0, sizeof(c));
	trie_walk_covered(t, PP("10.3.0.0/16"), collect_fn, &c);
	ck_assert_str_eq(c.text, "");
	memset(&c, 0, sizeof(c));
	trie_walk_covered(t, PP("10.1.2.0/23"), collect_fn, &c);
	ck_assert_str_eq(c.text, "10.1.2.0/24=3 10.1.3.0/24=4");
	memset(&c, 0, sizeof(c));
	trie_walk_covered(t, PP("::/0"), collect_fn, &c);
	ck_assert_str_eq(c.text, "2001:db8::/32=8");

	memset(&c, 0, sizeof(c));
	trie_walk_covering(t, PP("10.1.2.3"), collect_fn, &c);
	ck_assert_str_eq(c.text, "0.0.0.0/0=7 10.0.0.0/8=1 10.1.0.0/16=2 10.1.2.0/24=3");
	memset(&c, 0, sizeof(c));
	trie_walk_covering(t, PP("10.1.0.0/16"), collect_fn, &c);
	ck_assert_str_eq(c.text, "0.0.0.0/0=7 10.0.0.0/8=1 10.1.0.0/16=2");
	memset(&c, 0, sizeof(c));
	trie_walk_covering(t, PP("2001:db8::1"), collect_fn, &c);
	ck_assert_str_eq(c.text, "2001:db8::/32=8");

	/* Stopping early returns the callback's value. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	ck_assert_int_eq(trie_walk(t, collect_fn, &c), 42);
	ck_assert_str_eq(c.text, "0.0.0.0/0=7 10.0.0.0/8=1");
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ck_assert_int_eq(trie_walk_covered(t, PP("10.1.0.0/16"), collect_fn, &c), 42);
	ck_assert_int_eq(c.n, 1);
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	ck_assert_int_eq(trie_walk_covering(t, PP("10.1.2.3"), collect_fn, &c), 42);
	ck_assert_int_eq(c.n, 2);
	trie_free(t, NULL);
}
END_TEST

START_TEST(remove_returns_memory)
{
	struct trie *t = trie_new();
	size_t empty = trie_memory(t), peak, peak_nodes;
	struct prefix p;
	struct addr a;

	put(t, "10.0.0.0/24", 1);
	ck_assert_uint_eq(trie_nodes(t), 1);
	ck_assert_uint_gt(trie_memory(t), empty);
	ck_assert_ptr_eq(trie_remove(t, PP("10.0.0.0/24")), V(1));
	ck_assert_uint_eq(trie_nodes(t), 0);
	ck_assert_uint_eq(trie_memory(t), empty);
	/*
	 * Nodes hold many entries each; removing most of them hands most nodes
	 * back (to the trie's slab, which frees a chunk once it is empty).
	 */
	for (uint32_t i = 0; i < 20000; i++) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		*trie_insert(t, &p, NULL) = V(i + 1);
	}
	ck_assert_uint_le(trie_nodes(t), 20000 / 2);
	peak = trie_memory(t) - empty;
	peak_nodes = trie_nodes(t);
	for (uint32_t i = 0; i < 20000; i++) {
		if (i % 10 == 0)
			continue;
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		ck_assert_ptr_eq(trie_remove(t, &p), V(i + 1));
	}
	ck_assert_uint_eq(trie_count(t), 2000);
	ck_assert_uint_le(trie_nodes(t), peak_nodes / 3);
	ck_assert_uint_le(trie_memory(t) - empty, peak);
	for (uint32_t i = 0; i < 20000; i += 10) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		ck_assert_ptr_eq(trie_remove(t, &p), V(i + 1));
	}
	ck_assert_uint_eq(trie_nodes(t), 0);
	ck_assert_uint_eq(trie_count(t), 0);
	ck_assert_uint_eq(trie_memory(t), empty);
	trie_free(t, NULL);
}
END_TEST

static int freed;
static void
count_free(void *v)
{
	ck_assert_ptr_nonnull(v);
	freed++;
	free(v);
}

START_TEST(free_calls_free_val)
{
	struct trie *t = trie_new();
	void **slot;

	for (int i = 0; i < 100; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.%d.0.0/16", i);
		*trie_insert(t, PP(s), NULL) = malloc(8);
		snprintf(s, sizeof(s), "2001:db8:%x::/48", i);
		*trie_insert(t, PP(s), NULL) = malloc(8);
	}
	slot = trie_insert(t, PP("192.0.2.0/24"), NULL); /* left NULL: skipped */
	ck_assert_ptr_null(*slot);
	freed = 0;
	trie_free(t, count_free);
	ck_assert_int_eq(freed, 200);
	trie_free(NULL, NULL);
}
END_TEST

/*
 * Randomized comparison against a brute-force reference: a plain array of
 * (prefix, value). Prefixes come from a small pool of addresses cut at
 * random lengths, so nesting, shared paths and repeats are frequent.
 */
struct ref {
	struct prefix p[4096];
	uintptr_t v[4096];
	size_t n;
};

static uint64_t rng;
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long
ref_find(const struct ref *r, const struct prefix *p)
{
	for (size_t i = 0; i < r->n; i++)
		if (prefix_eq(&r->p[i], p))
			return (long)i;
	return -1;
}

static const struct ref *sort_ref; /* qsort has no context argument */

static int
cmp_idx(const void *a, const void *b)
{
	const struct ref *r = sort_ref;

	return prefix_cmp(&r->p[*(const size_t *)a], &r->p[*(const size_t *)b]);
}

struct check_walk {
	const struct ref *r;
	size_t idx[4096], n, pos;
	uint64_t seed;
	const char *what;
};

static int
check_walk_fn(const struct prefix *p, void *val, void *ctx)
{
	struct check_walk *w = ctx;
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	ck_assert_msg(w->pos < w->n, "seed %llu: %s walk yields extra %s",
	              (unsigned long long)w->seed, w->what, prefix_fmt(p, a, sizeof(a)));
	ck_assert_msg(prefix_eq(p, &w->r->p[w->idx[w->pos]]) &&
	                      (uintptr_t)val == w->r->v[w->idx[w->pos]],
	              "seed %llu: %s walk item %zu: %s, want %s", (unsigned long long)w->seed,
	              w->what, w->pos, prefix_fmt(p, a, sizeof(a)),
	              prefix_fmt(&w->r->p[w->idx[w->pos]], b, sizeof(b)));
	w->pos++;
	return 0;
}

static void
random_prefix(const struct prefix *pool, size_t npool, struct prefix *p)
{
	struct addr a;
	unsigned bits;

	a.afi = pool[0].afi;
	memcpy(a.bytes, pool[rnd() % npool].bytes, 16);
	bits = afi_bits(a.afi);
	/* Mostly long prefixes, some short ones, the extremes now and then. */
	switch (rnd() % 8) {
	case 0:
		prefix_from_addr(p, &a, (unsigned)(rnd() % 3 == 0 ? 0 : bits));
		break;
	case 1:
	case 2:
		prefix_from_addr(p, &a, (unsigned)(rnd() % (bits / 2 + 1)));
		break;
	default:
		prefix_from_addr(p, &a, bits / 2 + (unsigned)(rnd() % (bits / 2 + 1)));
	}
}

static void
check_all(struct trie *t, const struct ref *r, uint8_t afi, uint64_t seed,
          const struct prefix *pool, size_t npool)
{
	static struct check_walk w;
	size_t cnt = 0;

	ck_assert_msg(trie_count_afi(t, afi) == r->n, "seed %llu: count %zu want %zu",
	              (unsigned long long)seed, trie_count_afi(t, afi), r->n);
	ck_assert_msg(trie_nodes(t) <= (r->n ? 2 * r->n - 1 : 0), "seed %llu: %zu nodes for %zu",
	              (unsigned long long)seed, trie_nodes(t), r->n);

	/* Full walk in prefix_cmp order. */
	memset(&w, 0, sizeof(w));
	w.r = r;
	sort_ref = r;
	w.seed = seed;
	w.what = "full";
	for (size_t i = 0; i < r->n; i++)
		w.idx[i] = i;
	w.n = r->n;
	qsort(w.idx, w.n, sizeof(w.idx[0]), cmp_idx);
	trie_walk(t, check_walk_fn, &w);
	ck_assert_msg(w.pos == w.n, "seed %llu: full walk short", (unsigned long long)seed);

	/* Resuming after a stored prefix and after a random one. */
	for (int k = 0; k < 4; k++) {
		struct prefix after;
		size_t first = 0, all = w.n;

		if (k < 2 && r->n > 0)
			after = r->p[w.idx[rnd() % r->n]];
		else
			random_prefix(pool, npool, &after);
		while (first < all && prefix_cmp(&r->p[w.idx[first]], &after) <= 0)
			first++;
		w.what = "after";
		w.pos = first;
		trie_walk_after(t, &after, check_walk_fn, &w);
		ck_assert_msg(w.pos == all, "seed %llu: walk after short",
		              (unsigned long long)seed);
		w.n = all;
	}

	for (int k = 0; k < 8; k++) {
		struct prefix q, m;
		long best = -1;
		void *got;

		random_prefix(pool, npool, &q);
		/* Covered, in order. */
		w.what = "covered";
		w.n = w.pos = 0;
		for (size_t i = 0; i < r->n; i++)
			if (prefix_covers(&q, &r->p[i]))
				w.idx[w.n++] = i;
		qsort(w.idx, w.n, sizeof(w.idx[0]), cmp_idx);
		trie_walk_covered(t, &q, check_walk_fn, &w);
		ck_assert_msg(w.pos == w.n, "seed %llu: covered walk short",
		              (unsigned long long)seed);
		/* Covering, shortest first (prefix_cmp order is that here). */
		w.what = "covering";
		w.n = w.pos = 0;
		for (size_t i = 0; i < r->n; i++)
			if (prefix_covers(&r->p[i], &q)) {
				w.idx[w.n++] = i;
				if (best < 0 || r->p[i].len > r->p[best].len)
					best = (long)i;
			}
		qsort(w.idx, w.n, sizeof(w.idx[0]), cmp_idx);
		trie_walk_covering(t, &q, check_walk_fn, &w);
		ck_assert_msg(w.pos == w.n, "seed %llu: covering walk short",
		              (unsigned long long)seed);
		/* Longest match. */
		memset(&m, 0, sizeof(m));
		got = trie_longest(t, &q, &m);
		if (best < 0) {
			ck_assert_msg(got == NULL, "seed %llu: longest found phantom",
			              (unsigned long long)seed);
		} else {
			ck_assert_msg((uintptr_t)got == r->v[best] && prefix_eq(&m, &r->p[best]),
			              "seed %llu: longest mismatch", (unsigned long long)seed);
		}
		cnt++;
	}
	ck_assert_uint_eq(cnt, 8);
}

struct prune_ctx {
	struct prefix last;
	size_t visited;
	bool sorted;
};

/* Drops values divisible by 3, renumbers the rest, checks walk order. */
static void
prune_fn(const struct prefix *p, void **val, void *ctx)
{
	struct prune_ctx *pc = ctx;
	uintptr_t v = (uintptr_t)*val;

	if (pc->visited > 0 && prefix_cmp(&pc->last, p) >= 0)
		pc->sorted = false;
	pc->last = *p;
	pc->visited++;
	*val = v % 3 == 0 ? NULL : V(v + 1000000);
}

static void
randomized(uint8_t afi, uint64_t seed, int ops)
{
	static struct ref r;
	struct prefix pool[48];
	struct trie *t = trie_new();
	uintptr_t next = 1;

	rng = seed ? seed : 1;
	memset(&r, 0, sizeof(r));
	/* A pool of addresses sharing some leading bits, as real tables do. */
	for (size_t i = 0; i < ARRAY_SIZE(pool); i++) {
		memset(&pool[i], 0, sizeof(pool[i]));
		pool[i].afi = afi;
		pool[i].len = (uint8_t)afi_bits(afi);
		for (unsigned b = 0; b < afi_bytes(afi); b++)
			pool[i].bytes[b] = (uint8_t)rnd();
		if (i % 3 != 0) {
			pool[i].bytes[0] = pool[0].bytes[0];
			if (i % 2)
				pool[i].bytes[1] = pool[0].bytes[1];
		}
	}
	for (int op = 0; op < ops; op++) {
		struct prefix p;
		long i;
		unsigned what = (unsigned)(rnd() % 10);

		random_prefix(pool, ARRAY_SIZE(pool), &p);
		i = ref_find(&r, &p);
		if (what < 6 && r.n < ARRAY_SIZE(r.p)) { /* insert or overwrite */
			bool created;
			void **slot = trie_insert(t, &p, &created);

			ck_assert_ptr_nonnull(slot);
			ck_assert_msg(created == (i < 0), "seed %llu op %d: created",
			              (unsigned long long)seed, op);
			if (i >= 0)
				ck_assert_msg(*slot == V(r.v[i]), "seed %llu op %d: old value",
				              (unsigned long long)seed, op);
			else {
				i = (long)r.n++;
				r.p[i] = p;
			}
			r.v[i] = next++;
			*slot = V(r.v[i]);
		} else if (what < 9) { /* remove, usually something present */
			if (r.n > 0 && rnd() % 4 != 0) {
				i = (long)(rnd() % r.n);
				p = r.p[i];
			}
			void *got = trie_remove(t, &p);

			if (i < 0) {
				ck_assert_msg(got == NULL, "seed %llu op %d: removed phantom",
				              (unsigned long long)seed, op);
			} else {
				ck_assert_msg(got == V(r.v[i]), "seed %llu op %d: removed value",
				              (unsigned long long)seed, op);
				r.p[i] = r.p[r.n - 1];
				r.v[i] = r.v[r.n - 1];
				r.n--;
			}
		} else if (rnd() % 8 == 0) { /* prune: drop some, change the others */
			struct prune_ctx pc = {.sorted = true};
			size_t before = r.n, removed;

			if (rnd() % 2) {
				removed = trie_prune(t, afi, prune_fn, &pc);
			} else {
				/* In bounded steps, resuming after the last one seen. */
				struct prefix last;
				bool started = false;
				size_t steps = 0;

				while (!trie_prune_after(t, started ? &last : NULL,
				                         1 + (size_t)(rnd() % 5), prune_fn, &pc,
				                         &last)) {
					started = true;
					ck_assert_uint_lt(++steps, 100000);
				}
				removed = before - trie_count_afi(t, afi);
			}
			ck_assert_msg(pc.visited == before && pc.sorted,
			              "seed %llu op %d: prune walk", (unsigned long long)seed, op);
			for (size_t k = 0; k < r.n;) {
				if (r.v[k] % 3 == 0) {
					r.p[k] = r.p[r.n - 1];
					r.v[k] = r.v[r.n - 1];
					r.n--;
				} else {
					r.v[k++] += 1000000;
				}
			}
			ck_assert_uint_eq(removed, before - r.n);
		} else { /* exact lookups */
			void *got = trie_get(t, &p);

			ck_assert_msg(got == (i < 0 ? NULL : V(r.v[i])), "seed %llu op %d: get",
			              (unsigned long long)seed, op);
			ck_assert(trie_contains(t, &p) == (i >= 0));
		}
		if (op % 64 == 0 || op == ops - 1)
			check_all(t, &r, afi, seed, pool, ARRAY_SIZE(pool));
	}
	/* Drain: every node goes back, and so does the memory. */
	while (r.n > 0) {
		ck_assert_ptr_eq(trie_remove(t, &r.p[r.n - 1]), V(r.v[r.n - 1]));
		r.n--;
	}
	ck_assert_uint_eq(trie_nodes(t), 0);
	ck_assert_uint_eq(trie_count(t), 0);
	trie_free(t, NULL);
}

static uint64_t
test_seed(void)
{
	const char *s = getenv("TEST_SEED");

	if (s != NULL)
		return strtoull(s, NULL, 0);
	return (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
}

START_TEST(randomized_v4_vs_reference)
{
	uint64_t seed = test_seed() + (uint64_t)_i;

	randomized(AFI_IP, seed, 6000);
}
END_TEST

START_TEST(randomized_v6_vs_reference)
{
	uint64_t seed = test_seed() + (uint64_t)_i;

	randomized(AFI_IP6, seed, 6000);
}
END_TEST

static void
drop_all(const struct prefix *p, void **val, void *ctx)
{
	*val = NULL;
}

START_TEST(mixed_families_do_not_interfere)
{
	struct trie *t = trie_new();
	struct prefix p4, p6;
	struct addr a;

	/* The same leading bits in both families, many times over. */
	for (uint32_t i = 0; i < 5000; i++) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p4, &a, 24);
		p6 = p4;
		p6.afi = AFI_IP6;
		*trie_insert(t, &p4, NULL) = V(i + 1);
		*trie_insert(t, &p6, NULL) = V(i + 100001);
	}
	ck_assert_uint_eq(trie_count_afi(t, AFI_IP), 5000);
	ck_assert_uint_eq(trie_count_afi(t, AFI_IP6), 5000);
	for (uint32_t i = 0; i < 5000; i += 2) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p4, &a, 24);
		ck_assert_ptr_eq(trie_remove(t, &p4), V(i + 1));
	}
	for (uint32_t i = 0; i < 5000; i++) {
		addr_from_v4(&a, 0x0a000000 + (i << 8) + 7);
		prefix_from_addr(&p4, &a, 32);
		p6 = p4;
		p6.afi = AFI_IP6;
		p6.len = 128;
		ck_assert_ptr_eq(trie_longest(t, &p4, NULL), i % 2 ? V(i + 1) : NULL);
		ck_assert_ptr_eq(trie_longest(t, &p6, NULL), V(i + 100001));
	}
	ck_assert_uint_eq(trie_count(t), 7500);
	ck_assert_uint_le(trie_nodes(t), 2 * 7500);
	/* Pruning one family leaves the other alone. */
	ck_assert_uint_eq(trie_prune(t, AFI_IP6, drop_all, NULL), 5000);
	ck_assert_uint_eq(trie_count_afi(t, AFI_IP6), 0);
	ck_assert_uint_eq(trie_count_afi(t, AFI_IP), 2500);
	ck_assert_uint_le(trie_nodes(t), 2 * 2500 - 1);
	ck_assert_uint_gt(trie_nodes(t), 0);
	ck_assert_uint_eq(trie_prune(t, 0, drop_all, NULL), 2500);
	ck_assert_uint_eq(trie_nodes(t), 0);
	trie_free(t, NULL);
}
END_TEST

/*
 * Order independence at a size where the tree is several levels deep: the
 * same prefixes inserted in random, sorted and reverse order must give the
 * same table as a sorted, de-duplicated array, for every query.
 */
static int
cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

struct bulk_walk {
	const struct prefix *ref;
	size_t n, pos, limit, seen;
	bool ok;
};

static int
bulk_walk_fn(const struct prefix *p, void *val, void *ctx)
{
	struct bulk_walk *w = ctx;

	if (w->pos >= w->n || !prefix_eq(p, &w->ref[w->pos]) || val != V(w->pos + 1))
		w->ok = false;
	w->pos++;
	return ++w->seen == w->limit ? 1 : 0;
}

struct bulk_prune {
	const struct prefix *ref;
	size_t n, visited;
	bool ok;
};

/* Drops every third entry (by rank), checking the visit order as it goes. */
static void
bulk_prune_fn(const struct prefix *p, void **val, void *ctx)
{
	struct bulk_prune *bp = ctx;
	size_t rank = (size_t)(uintptr_t)*val - 1;
	const struct prefix *at = bsearch(p, bp->ref, bp->n, sizeof(*p), cmp_prefix);

	if (at == NULL || (size_t)(at - bp->ref) != rank || rank < bp->visited)
		bp->ok = false;
	bp->visited = rank;
	if (rank % 3 == 0)
		*val = NULL;
}

static void
bulk_random_prefix(uint8_t afi, struct prefix *p)
{
	struct addr a = {.afi = afi};
	unsigned bits = afi_bits(afi), len;

	for (unsigned b = 0; b < 16; b++)
		a.bytes[b] = b < afi_bytes(afi) ? (uint8_t)rnd() : 0;
	/* Few leading bytes: prefixes nest and share paths often. */
	a.bytes[0] &= 0x0f;
	len = rnd() % 4 == 0 ? (unsigned)(rnd() % (bits + 1))
	                     : bits / 2 + (unsigned)(rnd() % (bits / 4 + 1));
	prefix_from_addr(p, &a, len);
}

static size_t
ref_rank(const struct prefix *ref, size_t n, const struct prefix *p)
{
	const struct prefix *at = bsearch(p, ref, n, sizeof(*p), cmp_prefix);

	ck_assert_ptr_nonnull(at);
	return (size_t)(at - ref);
}

static void
bulk_check(struct trie *t, uint8_t afi, const struct prefix *ref, size_t n)
{
	struct bulk_walk w = {.ref = ref, .n = n, .ok = true};
	struct prefix q, m;

	ck_assert_uint_eq(trie_count_afi(t, afi), n);
	trie_walk(t, bulk_walk_fn, &w);
	ck_assert(w.ok && w.pos == n);
	for (size_t i = 0; i < n; i += 7)
		ck_assert_ptr_eq(trie_get(t, &ref[i]), V(i + 1));
	for (int k = 0; k < 200; k++) {
		size_t first = 0, lo = 0, hi = n;
		long best = -1;

		/* Resume after a stored prefix or an arbitrary one: ten entries on. */
		if (k % 2 && n > 0)
			q = ref[rnd() % n];
		else
			bulk_random_prefix(afi, &q);
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (prefix_cmp(&ref[mid], &q) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		first = lo;
		w = (struct bulk_walk){.ref = ref, .n = n, .pos = first, .limit = 10, .ok = true};
		trie_walk_after(t, &q, bulk_walk_fn, &w);
		ck_assert(w.ok && w.seen == MIN(10, n - first));
		/* Longest match against every shorter cut of the query. */
		for (int len = q.len; len >= 0 && best < 0; len--) {
			struct prefix c = q;
			const struct prefix *at;

			c.len = (uint8_t)len;
			prefix_mask(&c);
			at = bsearch(&c, ref, n, sizeof(c), cmp_prefix);
			if (at != NULL)
				best = at - ref;
		}
		memset(&m, 0, sizeof(m));
		if (best < 0) {
			ck_assert_ptr_null(trie_longest(t, &q, &m));
		} else {
			ck_assert_ptr_eq(trie_longest(t, &q, &m), V(best + 1));
			ck_assert(prefix_eq(&m, &ref[best]));
		}
	}
}

START_TEST(bulk_orders_vs_sorted_reference)
{
	uint8_t afi = _i % 2 ? AFI_IP6 : AFI_IP;
	size_t n = 60000, m = 0;
	struct prefix *in = malloc(n * sizeof(*in)), *ref = malloc(n * sizeof(*ref));
	uint64_t seed = test_seed();

	rng = seed | 1;
	for (size_t i = 0; i < n; i++)
		bulk_random_prefix(afi, &in[i]);
	memcpy(ref, in, n * sizeof(*in));
	qsort(ref, n, sizeof(*ref), cmp_prefix);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || !prefix_eq(&ref[m - 1], &ref[i]))
			ref[m++] = ref[i];
	for (int order = 0; order < 3; order++) {
		struct trie *t = trie_new();
		struct bulk_prune bp = {.ref = ref, .n = m, .ok = true};
		struct prefix last;
		bool started = false;
		size_t left = m;

		for (size_t j = 0; j < n; j++) {
			/* 0: as generated (random), 1: sorted, 2: reversed. */
			const struct prefix *p =
			        order == 0 ? &in[j] : &ref[order == 1 ? j % m : m - 1 - j % m];
			bool created;
			void **slot = trie_insert(t, p, &created);

			ck_assert_ptr_nonnull(slot);
			if (created)
				*slot = V(ref_rank(ref, m, p) + 1);
			else
				ck_assert_ptr_eq(*slot, V(ref_rank(ref, m, p) + 1));
		}
		ck_assert_msg(trie_count(t) == m, "seed %llu order %d", (unsigned long long)seed,
		              order);
		bulk_check(t, afi, ref, m);
		/* Bounded prune steps that resume where they stopped. */
		while (!trie_prune_after(t, started ? &last : NULL, 777, bulk_prune_fn, &bp, &last))
			started = true;
		ck_assert_msg(bp.ok, "seed %llu order %d: prune order", (unsigned long long)seed,
		              order);
		left = m - (m + 2) / 3;
		ck_assert_uint_eq(trie_count(t), left);
		for (size_t i = 0; i < m; i++)
			if (i % 3 == 0)
				ck_assert_ptr_null(trie_get(t, &ref[i]));
			else
				ck_assert_ptr_eq(trie_get(t, &ref[i]), V(i + 1));
		/* Remove the rest in generated order. */
		for (size_t j = 0; j < n; j++) {
			size_t r = ref_rank(ref, m, &in[j]);
			void *got = trie_remove(t, &in[j]);

			if (r % 3 == 0 || got == NULL)
				continue;
			ck_assert_ptr_eq(got, V(r + 1));
			left--;
			ck_assert_uint_eq(trie_count(t), left);
		}
		ck_assert_uint_eq(left, 0);
		ck_assert_uint_eq(trie_nodes(t), 0);
		trie_free(t, NULL);
	}
	free(in);
	free(ref);
}
END_TEST

struct lookup_prune {
	struct trie *t;
	uint32_t seen;
	bool ok;
};

static struct prefix
nth24(uint32_t i)
{
	struct prefix p;
	struct addr a;

	addr_from_v4(&a, 0x0a000000 + (i << 8));
	prefix_from_addr(&p, &a, 24);
	return p;
}

/* Drops runs of entries; every lookup made meanwhile sees the table as it stands. */
static bool
lookup_dropped(uint32_t i)
{
	return (i / 5) % 3 == 1;
}

static void
lookup_prune_fn(const struct prefix *p, void **val, void *ctx)
{
	struct lookup_prune *lp = ctx;
	uint32_t i = (uint32_t)(uintptr_t)*val - 1;
	struct prefix q = nth24(i);

	lp->ok &= prefix_eq(p, &q) && i == lp->seen;
	lp->ok &= trie_get(lp->t, p) == *val;
	/* Neighbours on both sides: visited ones as fn left them, the rest untouched. */
	for (uint32_t k = i > 70 ? i - 70 : 0; k < i + 70 && k < 3000; k++) {
		q = nth24(k);
		if (k < i && lookup_dropped(k))
			lp->ok &= trie_get(lp->t, &q) == NULL;
		else if (k != i)
			lp->ok &= trie_get(lp->t, &q) == V(k + 1);
	}
	lp->seen++;
	if (lookup_dropped(i))
		*val = NULL;
}

START_TEST(prune_callback_may_look_up)
{
	struct trie *t = trie_new();
	struct lookup_prune lp = {.t = t, .ok = true};

	struct prefix p;

	for (uint32_t i = 0; i < 3000; i++) {
		p = nth24(i);
		*trie_insert(t, &p, NULL) = V(i + 1);
	}
	ck_assert_uint_eq(trie_prune(t, 0, lookup_prune_fn, &lp), 1000);
	ck_assert(lp.ok);
	ck_assert_uint_eq(lp.seen, 3000);
	for (uint32_t i = 0; i < 3000; i++) {
		p = nth24(i);
		ck_assert_ptr_eq(trie_get(t, &p), lookup_dropped(i) ? NULL : V(i + 1));
	}
	trie_free(t, NULL);
}
END_TEST

/* trie_modify: odd values are halved, even ones cleared (which removes the entry). */
static void
modify_fn(const struct prefix *p, void **val, void *ctx)
{
	uintptr_t v = (uintptr_t)*val;

	(*(int *)ctx)++;
	*val = v % 2 ? V(v / 2) : NULL;
}

START_TEST(modify_updates_or_removes_in_one_descent)
{
	struct trie *t = trie_new();
	struct prefix p;
	struct addr a;
	int calls = 0;

	ck_assert(!trie_modify(t, PP("10.0.0.0/8"), modify_fn, &calls));
	ck_assert_int_eq(calls, 0);
	/* Enough entries for a tree of several levels, so removals rebalance. */
	for (uint32_t i = 0; i < 5000; i++) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		*trie_insert(t, &p, NULL) = V(2 * i + 3);
	}
	put(t, "2a10:ce10::/32", 7);
	ck_assert(trie_modify(t, PP("2a10:ce10::/32"), modify_fn, &calls));
	ck_assert_ptr_eq(trie_get(t, PP("2a10:ce10::/32")), V(3));
	ck_assert(!trie_modify(t, PP("10.0.0.0/25"), modify_fn, &calls));
	ck_assert_int_eq(calls, 1);
	for (uint32_t i = 0; i < 5000; i++) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		*trie_get_slot(t, &p) = V(i % 3 ? 2 * i + 2 : 2 * i + 3);
		ck_assert(trie_modify(t, &p, modify_fn, &calls));
		ck_assert(trie_contains(t, &p) == (i % 3 == 0));
	}
	ck_assert_int_eq(calls, 5001);
	ck_assert_uint_eq(trie_count(t), 1667 + 1);
	for (uint32_t i = 0; i < 5000; i += 3) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		ck_assert_ptr_eq(trie_get(t, &p), V(i + 1));
	}
	trie_free(t, NULL);
}
END_TEST

static Suite *
trie_suite(void)
{
	Suite *s = suite_create("trie");
	TCase *tc = tcase_create("core");
	TCase *rt = tcase_create("randomized");

	tcase_add_test(tc, empty_trie);
	tcase_add_test(tc, insert_get_replace);
	tcase_add_test(tc, boundaries_default_and_hosts_both_families);
	tcase_add_test(tc, walk_covered_and_covering);
	tcase_add_test(tc, remove_returns_memory);
	tcase_add_test(tc, free_calls_free_val);
	tcase_add_test(tc, mixed_families_do_not_interfere);
	tcase_add_test(tc, prune_callback_may_look_up);
	tcase_add_test(tc, modify_updates_or_removes_in_one_descent);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(rt, randomized_v4_vs_reference, 0, 3);
	tcase_add_loop_test(rt, randomized_v6_vs_reference, 0, 3);
	tcase_add_loop_test(rt, bulk_orders_vs_sorted_reference, 0, 2);
	tcase_set_timeout(rt, 120);
	suite_add_tcase(s, rt);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(trie_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
