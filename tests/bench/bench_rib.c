/*
 * bench_rib: a full-table feed through Adj-RIB-In and Loc-RIB.
 *
 *   1. peer 1 sends N IPv4 prefixes (default 1M), attributes shared in
 *      groups of ~100 as in a real feed (one UPDATE's worth), each group's
 *      set interned once as the UPDATE decoder would;
 *   2. peer 2 (the secondary session to the same provider) sends the same
 *      prefixes with the same attributes but its own next hop: every
 *      route becomes a two-way ECMP route, one change record each;
 *   3. peer 1 goes down: every route shrinks back to one next hop;
 *   4. peer 2 withdraws every prefix, one withdraw each: the RIB empties;
 *   5. peer 1 sends the table again and goes down: the RIB empties again.
 * Prints seconds (wall, and the process's CPU time where the machine is
 * shared), routes/s and bytes per route (the RIB's pool counters,
 * cross-checked with mallinfo2), attribute sets counted separately, and
 * the process RSS after each step, before and after malloc_trim. malloc
 * is set up as cebgpd sets it (a fixed 128 KiB mmap threshold), so the
 * RSS once a table is gone is what the daemon hands back by itself.
 *
 *   tests/bench/bench_rib [count] [random]
 * "random" feeds prefixes in random order instead of table order.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rib.h"
#define BENCH_SEED 0x2545f4914f6cdd1dull
#include "bench_util.h"

#define GROUP 100

struct counter {
	size_t changes, ecmp2;
};

static void
on_change(const struct rib_change *c, void *ctx)
{
	struct counter *k = ctx;

	k->changes++;
	if (c->nnh == 2)
		k->ecmp2++;
}

/* One group's attributes: provider AS, a per-group origin AS, MED. */
static const struct attr *
group_attr(struct attr_table *t, size_t g, const char *nexthop)
{
	struct attr_seg seg = {.type = AS_SEQUENCE, .count = 3};
	uint32_t asns[3] = {12076, 3356, 64512 + (uint32_t)(g % 60000)};
	struct attr_set s;

	attr_set_init(&s);
	s.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED;
	s.origin = ORIGIN_IGP;
	s.nsegs = 1;
	s.nasns = 3;
	s.segs = &seg;
	s.asns = asns;
	s.med = (uint32_t)(g % 7);
	addr_parse(nexthop, &s.nexthop);
	return attr_intern(t, &s);
}

static double
feed(struct rib *r, struct attr_table *t, uint16_t peer, const char *nh, const struct prefix *ps,
     size_t n)
{
	double t0 = now();

	for (size_t i = 0; i < n; i += GROUP) {
		const struct attr *a = group_attr(t, i / GROUP, nh);

		for (size_t j = i; j < n && j < i + GROUP; j++)
			if (a == NULL || !rib_update(r, peer, &ps[j], a, a, 0, 0)) {
				fprintf(stderr, "out of memory\n");
				exit(1);
			}
		attr_unref(a);
	}
	return now() - t0;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
heap(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* RSS now, and after malloc_trim gives free heap pages back. */
static void
report_rss(const char *what, double start)
{
	double before = rss();

	malloc_trim(0);
	printf("  rss %s: %.1f MiB, after malloc_trim %.1f MiB (%.1f at start)\n", what, before,
	       rss(), start);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	bool random_order = argc > 2 && strcmp(argv[2], "random") == 0;
	struct prefix *ps = calloc(n, sizeof(*ps));
	struct attr_table *t = attr_table_new();
	struct counter k = {0};
	struct rib *r = rib_new(NULL, on_change, &k);
	struct rib_peer_info p1 = {.bgp_id = 0x0a000002, .as = 12076, .ebgp = true};
	struct rib_peer_info p2 = {.bgp_id = 0x0a000003, .as = 12076, .ebgp = true};
	struct rib_stats st;
	size_t heap0, heap1, down;
	double rss0;
	double secs;
	struct addr a;
	double c0;

	/* As cebgpd (bgpd/daemon.c): big blocks stay mmap-backed, so freeing them unmaps. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (ps == NULL || t == NULL || r == NULL)
		return 1;
	addr_parse("172.16.1.2", &p1.addr);
	addr_parse("172.16.2.2", &p2.addr);
	rib_peer_set(r, 1, &p1);
	rib_peer_set(r, 2, &p2);
	for (size_t i = 0; i < n; i++) {
		addr_from_v4(&a, (uint32_t)rnd());
		prefix_from_addr(&ps[i], &a, random_len());
	}
	/* A peer dumps its table in order; "random" models churn instead. */
	if (!random_order)
		qsort(ps, n, sizeof(ps[0]), cmp_prefix);
	printf("%zu IPv4 prefixes, attributes shared by %d, %s order\n", n, GROUP,
	       random_order ? "random" : "table");

	rss0 = rss();
	heap0 = heap();
	secs = feed(r, t, 1, "172.16.1.2", ps, n);
	heap1 = heap();
	rib_stats(r, &st);
	printf("peer 1 in:   %.3f s, %.2f M routes/s; %zu prefixes, %zu changes\n", secs,
	       (double)n / secs / 1e6, st.prefixes, k.changes);
	printf("  memory:    RIB %.1f bytes/route (trie %.1f, paths %.1f, %zu pairs); heap delta "
	       "%.1f bytes/route; attribute sets: %zu, %zu bytes; sizeof(struct rib_path) %zu\n",
	       (double)st.total_bytes / (double)st.prefixes,
	       (double)st.trie_bytes / (double)st.prefixes,
	       (double)st.path_bytes / (double)st.prefixes, st.pairs,
	       (double)(heap1 - heap0) / (double)st.prefixes, attr_table_count(t),
	       attr_table_memory(t), sizeof(struct rib_path));

	k.changes = k.ecmp2 = 0;
	secs = feed(r, t, 2, "172.16.2.2", ps, n);
	rib_stats(r, &st);
	printf("peer 2 in:   %.3f s, %.2f M routes/s; %zu changes, %zu two-way ECMP; "
	       "RIB %.1f bytes/path\n",
	       secs, (double)n / secs / 1e6, k.changes, k.ecmp2,
	       (double)st.total_bytes / (double)st.paths);

	k.changes = k.ecmp2 = 0;
	secs = now();
	c0 = cpu();
	down = rib_peer_down(r, 1);
	secs = now() - secs;
	c0 = cpu() - c0;
	rib_stats(r, &st);
	printf("peer 1 down: %.3f s (%.3f s CPU), %.2f M routes/s; %zu paths flushed, %zu changes; "
	       "%zu prefixes left\n",
	       secs, c0, (double)down / secs / 1e6, down, k.changes, st.prefixes);

	printf("  rss:       %.1f MiB (%.1f at start)\n", rss(), rss0);

	k.changes = 0;
	secs = now();
	c0 = cpu();
	down = 0;
	for (size_t i = 0; i < n; i++)
		down += rib_withdraw(r, 2, &ps[i]);
	secs = now() - secs;
	c0 = cpu() - c0;
	rib_stats(r, &st);
	printf("withdraw:    %.3f s (%.3f s CPU), %.2f M routes/s; %zu withdrawn one by one, %zu "
	       "changes; %zu prefixes left, RIB now %zu bytes\n",
	       secs, c0, (double)down / secs / 1e6, down, k.changes, st.prefixes, st.total_bytes);
	report_rss("empty", rss0);

	feed(r, t, 1, "172.16.1.2", ps, n);
	printf("peer 1 in:   again, %.1f MiB rss\n", rss());
	k.changes = 0;
	secs = now();
	c0 = cpu();
	down = rib_peer_down(r, 1);
	secs = now() - secs;
	c0 = cpu() - c0;
	rib_stats(r, &st);
	printf("peer down:   %.3f s (%.3f s CPU), %.2f M routes/s; %zu paths flushed, %zu changes; "
	       "%zu prefixes left, RIB now %zu bytes\n",
	       secs, c0, (double)down / secs / 1e6, down, k.changes, st.prefixes, st.total_bytes);
	report_rss("empty", rss0);

	/* As cebgpd's session down: rib_peer_down_step, 512 prefixes a call. */
	feed(r, t, 1, "172.16.1.2", ps, n);
	k.changes = 0;
	secs = now();
	c0 = cpu();
	down = 0;
	{
		struct rib_cursor cur = {0};
		double longest = 0;

		while (!cur.done) {
			double s0 = cpu();

			down += rib_peer_down_step(r, 1, &cur, 512);
			if (cpu() - s0 > longest)
				longest = cpu() - s0;
		}
		secs = now() - secs;
		c0 = cpu() - c0;
		printf("sliced down: %.3f s (%.3f s CPU), %.2f M routes/s; %zu paths flushed in "
		       "steps "
		       "of 512 prefixes, the longest %.2f ms CPU\n",
		       secs, c0, (double)down / secs / 1e6, down, longest * 1e3);
	}
	report_rss("empty", rss0);
	rib_free(r);
	attr_table_free(t);
	free(ps);
	return 0;
}
