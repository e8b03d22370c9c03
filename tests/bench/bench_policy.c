/*
 * bench_policy: the outbound policy on 100k announced prefixes, down to a
 * cap of 3000 and 4000. Prints the median wall time of 5 runs of the whole
 * pipeline (policy_run) and the over-coverage of the result.
 *
 * The mix: on-prem networks clustered in RFC 1918 space (most /24s, some
 * wider, some /25-/29, a few /30-/32 host routes), plus some public space;
 * the same seed every run.
 *   usage: bench_policy [n] [seed]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"

static uint64_t rng_state;

static uint32_t
rnd(void)
{
	/* xorshift64*: reproducible across libcs. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static unsigned
pick_len(void)
{
	unsigned r = rnd() % 100;

	if (r < 10)
		return 16 + rnd() % 7; /* /16-/22 */
	if (r < 15)
		return 23;
	if (r < 60)
		return 24;
	if (r < 90)
		return 25 + rnd() % 5; /* /25-/29 */
	return 30 + rnd() % 3;         /* /30-/32 */
}

static uint32_t
pick_base(void)
{
	unsigned r = rnd() % 100;

	if (r < 65)
		return 0x0a000000u | (rnd() & 0x00ffffffu); /* 10/8 */
	if (r < 80)
		return 0xac100000u | (rnd() & 0x000fffffu); /* 172.16/12 */
	if (r < 85)
		return 0xc0a80000u | (rnd() & 0x0000ffffu); /* 192.168/16 */
	/* Public space of a few providers' allocations. */
	return (0x14000000u + (rnd() % 8) * 0x01000000u) | (rnd() & 0x00ffffffu);
}

/* Second mix: /24-/29 only, so lossless aggregation leaves most of them. */
static unsigned
pick_len_narrow(void)
{
	return 24 + rnd() % 6;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
run(const char *name, struct policy_input *in, int fi)
{
	double t[5];
	struct policy_result *r = NULL;

	for (int i = 0; i < 5; i++) {
		double t0 = now();

		policy_result_free(r);
		r = policy_run(in);
		t[i] = now() - t0;
		if (!r) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
	}
	qsort(t, 5, sizeof(t[0]), dcmp);
	{
		const struct policy_stats *st = &r->stats[fi];
		double pct = st->announced_space ? 100.0 * (double)st->overcoverage /
		                                           (double)st->announced_space
		                                 : 0;
		double gap =
		        st->lower_bound
		                ? 100.0 * ((double)st->overcoverage - (double)st->lower_bound) /
		                          (double)st->lower_bound
		                : 0;

		printf("%-34s median %.3f s (min %.3f max %.3f)  stages %zu -> %zu -> %zu -> "
		       "%zu -> %zu -> %zu  verdict %s\n",
		       name, t[2], t[0], t[4], st->announced, st->sanitized, st->lossless,
		       st->min_length, st->reaggregated, st->advertised,
		       policy_verdict_name(st->verdict));
		printf("%-34s over-coverage %llu addresses = %.2f %% of %llu announced; lower "
		       "bound %llu (gap %.2f %%); %zu holes\n",
		       "", (unsigned long long)st->overcoverage, pct,
		       (unsigned long long)st->announced_space, (unsigned long long)st->lower_bound,
		       gap, r->n_holes);
	}
	policy_result_free(r);
}

/* One prefix added to the set, with the previous result given. */
static void
bench_previous(struct policy_input *in, const struct policy_announce *a, size_t n)
{
	struct policy_announce *b = calloc(n + 1, sizeof(*b));
	struct policy_result *prev, *r;
	struct policy_delta d;
	struct addr x;
	double t0, t1;
	unsigned cap = in->max_prefixes;

	if (!b)
		exit(1);
	memcpy(b, a, n * sizeof(*b));
	in->max_prefixes = 3000;
	prev = policy_run(in);
	addr_from_v4(&x, 0x2d435900u); /* 45.67.89.0/24: far from the rest */
	prefix_from_addr(&b[n].p, &x, 24);
	in->announce = b;
	in->n_announce = n + 1;
	in->previous = prev;
	t0 = now();
	r = policy_run(in);
	t1 = now();
	if (!prev || !r || policy_diff(prev, r, &d) < 0)
		exit(1);
	printf("%-34s %.3f s, %s, churn %zu (withdraw %zu, announce %zu), over-coverage "
	       "%llu\n",
	       "private, cap 3000, +1 with previous", t1 - t0,
	       r->stats[0].repaired ? "repaired" : "re-optimised", d.n_withdraw + d.n_announce,
	       d.n_withdraw, d.n_announce, (unsigned long long)r->stats[0].overcoverage);
	policy_delta_free(&d);
	in->previous = NULL;
	policy_result_free(r);
	r = policy_run(in);
	if (!r || policy_diff(prev, r, &d) < 0)
		exit(1);
	printf("%-34s churn %zu without the previous result, over-coverage %llu\n", "",
	       d.n_withdraw + d.n_announce, (unsigned long long)r->stats[0].overcoverage);
	policy_delta_free(&d);
	policy_result_free(r);
	policy_result_free(prev);
	in->announce = a;
	in->n_announce = n;
	in->max_prefixes = cap;
	free(b);
}

static void
bench_mix(const struct policy_announce *a, size_t n, const struct prefix *links)
{
	struct policy_input in;

	policy_input_init(&in, POLICY_PRIVATE);
	in.announce = a;
	in.n_announce = n;
	in.link_subnets = links;
	in.n_links = 2;
	in.max_prefixes = 3000;
	run("private, cap 3000", &in, 0);
	in.max_prefixes = 4000;
	run("private, cap 4000", &in, 0);
	in.max_prefixes = 3000;
	in.exact_budget = 1;
	run("private, cap 3000, Lagrangian", &in, 0);
	in.max_prefixes = 4000;
	run("private, cap 4000, Lagrangian", &in, 0);
	in.exact_budget = UINT64_MAX;
	in.max_prefixes = 3000;
	run("private, cap 3000, exact DP", &in, 0);
	in.max_prefixes = 4000;
	run("private, cap 4000, exact DP", &in, 0);
	in.exact_budget = 0;
	bench_previous(&in, a, n);
	in.peering = POLICY_PUBLIC;
	run("public (RFC 1918 dropped), cap 4000", &in, 0);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 42;
	struct policy_announce *a = calloc(n, sizeof(*a));
	struct prefix links[2];
	struct addr x;

	if (!a)
		return 1;
	prefix_parse("172.16.1.0/30", &links[0], 0);
	prefix_parse("172.16.2.0/30", &links[1], 0);
	for (int mix = 0; mix < 2; mix++) {
		rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
		for (size_t i = 0; i < n; i++) {
			addr_from_v4(&x, pick_base());
			prefix_from_addr(&a[i].p, &x, mix ? pick_len_narrow() : pick_len());
			a[i].line = (unsigned)i + 1;
		}
		printf("bench_policy: %zu announced prefixes (%s), seed %llu\n", n,
		       mix ? "/24-/29 only: few merge losslessly" : "mixed /16-/32",
		       (unsigned long long)seed);
		bench_mix(a, n, links);
	}
	free(a);
	return 0;
}
