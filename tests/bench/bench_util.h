/*
 * bench_util: what the RIB, trie and inbound benches share: a seeded
 * xorshift generator (define BENCH_SEED before including, so each bench
 * keeps its own reproducible sequence), a full table's prefix-length mix,
 * a monotonic clock in seconds and a qsort comparator for prefixes.
 */
#ifndef CEBGP_BENCH_UTIL_H
#define CEBGP_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "prefix.h"

#ifndef BENCH_SEED
#define BENCH_SEED 0x9e3779b97f4a7c15ull
#endif

static uint64_t rng = BENCH_SEED;

static inline uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Roughly the shape of a DFZ table: ~60 % /24, then /22, /23, /20... */
static inline unsigned
random_len(void)
{
	unsigned r = (unsigned)(rnd() % 100);

	if (r < 60)
		return 24;
	if (r < 72)
		return 22;
	if (r < 82)
		return 23;
	if (r < 88)
		return 21;
	if (r < 93)
		return 20;
	return 8 + (unsigned)(rnd() % 12); /* /8../19 */
}

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size in MiB, from /proc/self/statm. */
static inline double
rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, res = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (double)res * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
}

static inline int
cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

#endif
