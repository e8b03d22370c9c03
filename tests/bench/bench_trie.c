/*
 * bench_trie: 1M random IPv4 prefixes with a realistic length mix (most of
 * a full table is /24; the rest spread over /8../23), inserted in random
 * order and again in table (sorted) order, then lookups and removes.
 * Prints operations per second, bytes per entry and the process RSS with
 * the table and once it is removed (malloc set up as cebgpd sets it, so
 * that is what the daemon gives back by itself).
 *
 *   tests/bench/bench_trie [count]
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trie.h"
#define BENCH_SEED 0x9e3779b97f4a7c15ull
#include "bench_util.h"

/* Insert ps[0..n) into t; returns the seconds taken. */
static double
fill(struct trie *t, const struct prefix *ps, size_t n)
{
	double t0 = now();

	for (size_t i = 0; i < n; i++) {
		void **slot = trie_insert(t, &ps[i], NULL);

		if (slot == NULL)
			exit(1);
		*slot = (void *)&ps[i];
	}
	return now() - t0;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct prefix *ps = calloc(n, sizeof(*ps)), *sorted = calloc(n, sizeof(*ps));
	struct trie *t = trie_new(), *ts = trie_new();
	size_t found = 0, inserted, removed = 0;
	double t0, t1, rss0, rss1;
	struct addr a;

	/* As cebgpd (bgpd/daemon.c): big blocks stay mmap-backed, so freeing them unmaps. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (ps == NULL || sorted == NULL || t == NULL || ts == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		addr_from_v4(&a, (uint32_t)rnd());
		prefix_from_addr(&ps[i], &a, random_len());
	}

	memcpy(sorted, ps, n * sizeof(*ps));
	qsort(sorted, n, sizeof(*ps), cmp_prefix);
	t1 = fill(ts, sorted, n);
	printf("insert:  %zu prefixes in table order in %.3f s, %.2f M ops/s\n", n, t1,
	       (double)n / t1 / 1e6);
	printf("memory:  %zu bytes in nodes, %zu nodes, %.1f bytes/entry (table order)\n",
	       trie_memory(ts), trie_nodes(ts), (double)trie_memory(ts) / (double)trie_count(ts));
	trie_free(ts, NULL);
	free(sorted);
	rss0 = rss();
	t1 = fill(t, ps, n);
	rss1 = rss();
	inserted = trie_count(t);
	printf("insert:  %zu prefixes (%zu distinct) in random order in %.3f s, %.2f M ops/s\n", n,
	       inserted, t1, (double)n / t1 / 1e6);
	printf("memory:  %zu bytes in nodes, %zu nodes, %.1f bytes/entry\n", trie_memory(t),
	       trie_nodes(t), (double)trie_memory(t) / (double)inserted);

	t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct prefix h;

		addr_from_v4(&a, (uint32_t)rnd());
		prefix_from_addr(&h, &a, 32);
		if (trie_longest(t, &h, NULL) != NULL)
			found++;
	}
	t1 = now();
	printf("longest: %zu random addresses in %.3f s, %.2f M ops/s (%zu matched)\n", n, t1 - t0,
	       (double)n / (t1 - t0) / 1e6, found);

	t0 = now();
	found = 0;
	for (size_t i = 0; i < n; i++)
		if (trie_get(t, &ps[(i * 7919) % n]) != NULL)
			found++;
	t1 = now();
	printf("exact:   %zu lookups in %.3f s, %.2f M ops/s\n", n, t1 - t0,
	       (double)n / (t1 - t0) / 1e6);

	t0 = now();
	for (size_t i = 0; i < n; i++)
		if (trie_remove(t, &ps[i]) != NULL)
			removed++;
	t1 = now();
	printf("remove:  %zu in %.3f s, %.2f M ops/s; left %zu entries, %zu bytes\n", removed,
	       t1 - t0, (double)n / (t1 - t0) / 1e6, trie_count(t), trie_memory(t));
	printf("rss:     %.1f MiB before the random-order table, %.1f with it, %.1f once removed\n",
	       rss0, rss1, rss());
	trie_free(t, NULL);
	free(ps);
	return removed == inserted && found == n ? 0 : 1;
}
