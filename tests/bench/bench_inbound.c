/*
 * bench_inbound: the inbound policy over a full table, and the sliced
 * re-evaluation a reload runs.
 *
 *   1. two peers (primary and secondary) send N IPv4 prefixes each
 *      (default 1M), every route decided by the inbound policy on the way
 *      in, as bgpd/session.c does; the policy has 8 links, 3000 announce
 *      entries (our space) and, for the reload, an accept list of 200
 *      entries;
 *   2. a reload narrows the policy (the accept list): peer 1's Adj-RIB-In
 *      is re-evaluated in steps of STEP prefixes (default 1024, as
 *      bgpd/inbound.c), every step timed: the longest step is what one
 *      slice of the event loop can cost beyond its 10 ms budget;
 *   3. the same re-evaluation as one synchronous walk, for comparison.
 * Prints ns per verdict, the walk's total, the number of steps, and the
 * longest and median step in milliseconds.
 *
 *   tests/bench/bench_inbound [count] [step]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy_inbound.h"
#include "rib.h"
#define BENCH_SEED 0x9e3779b97f4a7c15ull
#include "bench_util.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct prefix
random_prefix(unsigned len)
{
	struct prefix p;
	struct addr a;

	addr_from_v4(&a, (uint32_t)rnd());
	prefix_from_addr(&p, &a, len);
	prefix_mask(&p);
	return p;
}

static struct inbound_policy *
policy(bool narrowed)
{
	static struct prefix links[8], own[3000], accept[200];
	struct inbound_input in = {.peering = POLICY_PRIVATE};

	for (size_t i = 0; i < 8; i++)
		links[i] = random_prefix(30);
	for (size_t i = 0; i < 3000; i++)
		own[i] = random_prefix(24);
	for (size_t i = 0; i < 200; i++)
		accept[i] = random_prefix(4 + (unsigned)(rnd() % 8));
	in.links = links;
	in.n_links = 8;
	in.own = own;
	in.n_own = 3000;
	in.accept_set = narrowed;
	in.accept = accept;
	in.n_accept = 200;
	return inbound_policy_new(&in);
}

static const struct attr *
decide(uint16_t peer, const struct prefix *p, const struct attr *in, uint8_t *reason, void *ctx)
{
	enum inbound_reason r = inbound_check(ctx, p, &in->set);

	(void)peer;
	*reason = (uint8_t)r;
	return r == INBOUND_ACCEPTED ? attr_ref(in) : NULL;
}

static const struct attr *
peer_attr(struct attr_table *t, const char *nexthop)
{
	struct attr_seg seg = {.type = AS_SEQUENCE, .count = 2};
	uint32_t asns[2] = {12076, 8075};
	struct attr_set s;

	attr_set_init(&s);
	s.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
	s.nsegs = 1;
	s.nasns = 2;
	s.segs = &seg;
	s.asns = asns;
	addr_parse(nexthop, &s.nexthop);
	return attr_intern(t, &s);
}

static void
feed(struct rib *r, struct attr_table *t, uint16_t peer, const char *nh,
     const struct inbound_policy *ib, const struct prefix *ps, size_t n)
{
	const struct attr *a = peer_attr(t, nh);

	for (size_t i = 0; i < n; i++) {
		uint8_t why;
		const struct attr *eff = decide(peer, &ps[i], a, &why, (void *)ib);

		if (!rib_update(r, peer, &ps[i], a, eff, 0, why)) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		attr_unref(eff);
	}
	attr_unref(a);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	size_t step = argc > 2 ? strtoul(argv[2], NULL, 10) : 1024;
	struct prefix *ps = calloc(n, sizeof(*ps));
	struct attr_table *t = attr_table_new();
	struct rib *r = rib_new(NULL, NULL, NULL);
	struct rib_peer_info p1 = {.bgp_id = 1, .as = 12076, .ebgp = true};
	struct rib_peer_info p2 = {.bgp_id = 2, .as = 12076, .ebgp = true};
	struct inbound_policy *open = policy(false), *narrow;
	struct rib_peer_counts c;
	size_t nsteps = 0, cap = n / (step ? step : 1) + 2, changed = 0;
	double *steps = calloc(cap, sizeof(double)), t0, secs, full;
	struct rib_cursor cur = {0};

	rng = 0x2545f4914f6cdd1dull;
	narrow = policy(true);
	if (!ps || !t || !r || !open || !narrow || !steps || step == 0)
		return 1;
	addr_parse("172.16.1.2", &p1.addr);
	addr_parse("172.16.2.2", &p2.addr);
	rib_peer_set(r, 1, &p1);
	rib_peer_set(r, 2, &p2);
	for (size_t i = 0; i < n; i++)
		ps[i] = random_prefix(random_len());
	qsort(ps, n, sizeof(ps[0]), cmp_prefix);

	t0 = now();
	for (size_t i = 0; i < n; i++)
		(void)inbound_check(open, &ps[i], NULL);
	secs = now() - t0;
	printf("%zu IPv4 prefixes; policy: 8 links, 3000 announced, accept list 200 on reload\n",
	       n);
	printf("verdict:     %.0f ns per route (inbound_check alone)\n", secs / (double)n * 1e9);

	t0 = now();
	feed(r, t, 1, "172.16.1.2", open, ps, n);
	feed(r, t, 2, "172.16.2.2", open, ps, n);
	secs = now() - t0;
	rib_peer_counts(r, 1, &c);
	printf("feed:        %.3f s for 2 x %zu routes with verdicts; peer 1: %zu received, %zu "
	       "accepted\n",
	       secs, n, c.paths, c.accepted);

	t0 = now();
	while (!cur.done && nsteps < cap) {
		double s0 = now();

		changed += rib_peer_reevaluate_step(r, 1, decide, narrow, &cur, step);
		steps[nsteps++] = now() - s0;
	}
	secs = now() - t0;
	rib_peer_counts(r, 1, &c);
	qsort(steps, nsteps, sizeof(double), cmp_double);
	printf("reload:      sliced, steps of %zu prefixes: %.3f s in %zu steps, %zu changed "
	       "verdict (now %zu accepted); step median %.3f ms, longest %.3f ms\n",
	       step, secs, nsteps, changed, c.accepted, steps[nsteps / 2] * 1e3,
	       steps[nsteps - 1] * 1e3);

	t0 = now();
	changed = rib_peer_reevaluate(r, 1, decide, open);
	full = now() - t0;
	printf("reload back: one synchronous walk: %.3f s, %zu changed verdict (the loop would "
	       "block that long)\n",
	       full, changed);

	free(steps);
	free(ps);
	rib_free(r);
	attr_table_free(t);
	inbound_policy_free(open);
	inbound_policy_free(narrow);
	return 0;
}
