/*
 * Outbound policy properties over thousands of seeded random announce sets
 * on both peerings, checked against an independent model of the address
 * sets (tests/unit/policy_check.h). Each failure prints its seed; rerun one
 * with POLICY_SEED=n.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "policy_check.h"

/* Check's ck_assert records every passing assertion (a write each); the
 * hot loops use this, which only reports a failure. */
#define REQUIRE(cond, ...)                         \
	do {                                       \
		if (!(cond))                       \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

#define SETS     1500 /* per peering */
#define MAXN     120
#define MAX_LEN  29
#define MAX_LINK 2

static uint64_t rng;

static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

/* Regions where the interesting things are: private space, the link
 * subnets, shared space, documentation and benchmark ranges next to public
 * space, a /6 holding 10/8. */
static const struct {
	uint32_t base;
	unsigned len;
} regions[] = {
        {0x0a000000u, 16}, /* 10.0/16 */
        {0xac100000u, 22}, /* 172.16.0/22: the link subnets */
        {0x64400000u, 15}, /* 100.64/15 */
        {0xc0000000u, 22}, /* 192.0.0/22: IETF + documentation + public */
        {0x08000000u, 6},  /* 8/6: holds 10/8 */
        {0xc6100000u, 13}, /* 198.16/13: benchmark /15 and neighbours */
        {0xcb007000u, 20}, /* 203.0.112/20 */
        {0x14000000u, 14}, /* 20.0/14: plain public */
};

static struct prefix
random_prefix(void)
{
	unsigned r = rnd() % 1000, i = rnd() % (sizeof(regions) / sizeof(regions[0]));
	unsigned len;
	uint32_t a;

	if (r < 2)
		return P4(0, 0);
	if (r >= 500) /* half in plain space, where aggregation is free to work */
		i = r % 2 ? 0 : 7;
	if (r < 8) {
		len = 1 + rnd() % 8;
		return P4(rnd(), len);
	}
	len = regions[i].len + rnd() % (33 - regions[i].len);
	if (rnd() % 3 == 0 && len < 24)
		len += 6;
	a = regions[i].base | (rnd() & (regions[i].len ? 0xffffffffu >> regions[i].len : ~0u));
	return P4(a, len);
}

struct model {
	struct ivset forbid, u, u2; /* forbidden, sanitized union, after min-length */
	struct ivset u3;            /* announced addresses that survived min-length */
	size_t nblocks;             /* canonical blocks of u (the lossless stage) */
	size_t n4;                  /* canonical blocks of u2 */
};

static void
model_build(struct model *m, const struct policy_input *in)
{
	struct ivset ext = {0};

	memset(m, 0, sizeof(*m));
	iv_forbidden(&m->forbid, in->peering, in->link_subnets, in->n_links);
	for (size_t i = 0; i < in->n_announce; i++)
		if (in->announce[i].p.len > 0)
			iv_push(&m->u, p4_first(&in->announce[i].p), p4_last(&in->announce[i].p));
	iv_norm(&m->u);
	iv_subtract(&m->u, &m->forbid);
	/* The lossless blocks, and what the minimum length makes of them. */
	for (size_t i = 0; i < m->u.n; i++) {
		struct prefix b[80];
		size_t nb = iv_blocks(m->u.lo[i], m->u.hi[i], b, 80);

		REQUIRE(nb <= 80, "too many blocks");
		m->nblocks += nb;
		for (size_t j = 0; j < nb; j++) {
			uint64_t lo, hi;

			if (b[j].len <= in->max_len) {
				iv_push(&m->u2, p4_first(&b[j]), p4_last(&b[j]));
				iv_push(&m->u3, p4_first(&b[j]), p4_last(&b[j]));
				continue;
			}
			if (in->min_length_action != POLICY_MINLEN_EXTEND)
				continue;
			lo = p4_first(&b[j]) & ~(uint64_t)((1u << (32 - in->max_len)) - 1);
			hi = lo + (1u << (32 - in->max_len)) - 1;
			if (iv_overlap(&m->forbid, lo, hi) == 0) {
				iv_push(&ext, lo, hi);
				iv_push(&m->u3, p4_first(&b[j]), p4_last(&b[j]));
			}
		}
	}
	for (size_t i = 0; i < ext.n; i++)
		iv_push(&m->u2, ext.lo[i], ext.hi[i]);
	iv_free(&ext);
	iv_norm(&m->u2);
	iv_norm(&m->u3);
	for (size_t i = 0; i < m->u2.n; i++)
		m->n4 += iv_blocks(m->u2.lo[i], m->u2.hi[i], NULL, 0);
}

static void
model_free(struct model *m)
{
	iv_free(&m->forbid);
	iv_free(&m->u);
	iv_free(&m->u2);
	iv_free(&m->u3);
}

static uint64_t
psize(const struct prefix *p)
{
	return (uint64_t)p4_last(p) - p4_first(p) + 1;
}

/* Every invariant the outbound policy promises, for one result. */
static void
check_result(const struct policy_input *in, const struct policy_result *r, uint64_t seed)
{
	const struct policy_stats *st = &r->stats[0];
	enum policy_verdict v = st->verdict;
	unsigned bad = PC_BOGON | PC_DEFAULT |
	               (in->peering == POLICY_PUBLIC ? (PC_RFC1918 | PC_RFC6598) : 0);
	struct ivset adv = {0}, holes = {0};
	uint64_t ov = 0, hole_want = 0, hole_got = 0;
	struct model m;
	char buf[8192];

	model_build(&m, in);
	REQUIRE(r->n_adv <= in->max_prefixes, "seed %llu: %zu > cap %u", (unsigned long long)seed,
	        r->n_adv, in->max_prefixes);
	REQUIRE(st->advertised == r->n_adv, "seed %llu: stats", (unsigned long long)seed);
	REQUIRE(st->lossless == m.nblocks, "seed %llu: lossless %zu, model %zu",
	        (unsigned long long)seed, st->lossless, m.nblocks);
	REQUIRE(st->reaggregated == m.n4, "seed %llu: stage 4 %zu, model %zu",
	        (unsigned long long)seed, st->reaggregated, m.n4);
	for (size_t i = 0; i < r->n_adv; i++) {
		const struct prefix *p = &r->adv[i].p;
		uint64_t in_u2 = iv_overlap(&m.u2, p4_first(p), p4_last(p));

		REQUIRE(p->len <= MAX_LEN && p->len > 0, "seed %llu: length /%u",
		        (unsigned long long)seed, p->len);
		REQUIRE(!(prefix_classes(p) & bad), "seed %llu: forbidden class",
		        (unsigned long long)seed);
		REQUIRE(iv_overlap(&m.forbid, p4_first(p), p4_last(p)) == 0,
		        "seed %llu: forbidden space", (unsigned long long)seed);
		for (size_t l = 0; l < in->n_links; l++)
			REQUIRE(!prefix_overlaps(p, &in->link_subnets[l]), "seed %llu: link",
			        (unsigned long long)seed);
		if (i > 0)
			REQUIRE(p4_first(p) > p4_last(&r->adv[i - 1].p),
			        "seed %llu: not sorted and disjoint", (unsigned long long)seed);
		if (v != POLICY_REFUSED) {
			REQUIRE(in_u2 > 0, "seed %llu: covers nothing announced",
			        (unsigned long long)seed);
			/* Only what no announce entry covers, dropped ones included. */
			REQUIRE(r->adv[i].overcoverage ==
			                psize(p) - iv_overlap(&m.u, p4_first(p), p4_last(p)),
			        "seed %llu: over-coverage", (unsigned long long)seed);
			/* Within the bound, unless cap-action aggregate broke it loudly. */
			REQUIRE(v == POLICY_OVER_BOUND || !r->adv[i].lossy || p->len >= st->floor,
			        "seed %llu: aggregate /%u under the floor /%u",
			        (unsigned long long)seed, p->len, st->floor);
		}
		REQUIRE(r->adv[i].lossy == (r->adv[i].overcoverage > 0), "seed %llu: lossy flag",
		        (unsigned long long)seed);
		ov += r->adv[i].overcoverage;
		if (r->adv[i].lossy)
			hole_want += psize(p) - iv_overlap(&m.u, p4_first(p), p4_last(p));
		iv_push(&adv, p4_first(p), p4_last(p));
	}
	iv_norm(&adv);
	REQUIRE(st->overcoverage == ov, "seed %llu: over-coverage sum", (unsigned long long)seed);
	if (v == POLICY_AGGREGATED)
		REQUIRE(ov <= st->bound, "seed %llu: over-coverage %llu over the bound %llu",
		        (unsigned long long)seed, (unsigned long long)ov,
		        (unsigned long long)st->bound);
	/* Public peering's default: nothing unannounced, ever (extend aside). */
	if (in->peering == POLICY_PUBLIC && in->max_overcoverage == 0 &&
	    in->cap_action == POLICY_CAP_TRUNCATE && in->min_length_action == POLICY_MINLEN_DROP)
		REQUIRE(ov == 0, "seed %llu: public default over-covers %llu",
		        (unsigned long long)seed, (unsigned long long)ov);
	REQUIRE(st->lower_bound <= st->overcoverage, "seed %llu: lower bound",
	        (unsigned long long)seed);
	/* Every address that survived with no stated reason is covered. */
	if (v != POLICY_TRUNCATED && v != POLICY_REFUSED)
		for (size_t i = 0; i < m.u2.n; i++)
			REQUIRE(iv_contains_range(&adv, m.u2.lo[i], m.u2.hi[i]),
			        "seed %llu: announced space left uncovered",
			        (unsigned long long)seed);
	/* Below the cap: exactly the canonical blocks, nothing widened unless
	 * extend; the lossless stage changed no address. */
	if (v == POLICY_OK) {
		REQUIRE(r->n_adv == m.n4 && adv.n == m.u2.n, "seed %llu: not the canonical blocks",
		        (unsigned long long)seed);
		for (size_t i = 0; i < adv.n; i++)
			REQUIRE(adv.lo[i] == m.u2.lo[i] && adv.hi[i] == m.u2.hi[i],
			        "seed %llu: lossless changed an address", (unsigned long long)seed);
		if (in->min_length_action == POLICY_MINLEN_DROP)
			REQUIRE(ov == 0, "seed %llu: widened below the cap",
			        (unsigned long long)seed);
	}
	/* Holes: inside lossy prefixes, outside everything announced, and
	 * exactly what those prefixes cover beyond it. */
	for (size_t i = 0; i < r->n_holes; i++) {
		const struct prefix *h = &r->holes[i];

		REQUIRE(iv_overlap(&m.u, p4_first(h), p4_last(h)) == 0 &&
		                iv_contains_range(&adv, p4_first(h), p4_last(h)),
		        "seed %llu: hole", (unsigned long long)seed);
		hole_got += psize(h);
		iv_push(&holes, p4_first(h), p4_last(h));
	}
	if (in->discard_holes && v != POLICY_REFUSED)
		REQUIRE(hole_got == hole_want, "seed %llu: holes %llu, want %llu",
		        (unsigned long long)seed, (unsigned long long)hole_got,
		        (unsigned long long)hole_want);
	/* explain answers for announced prefixes; a dropped entry says why. */
	for (size_t i = 0; i < in->n_announce; i += 1 + in->n_announce / 16) {
		const struct prefix *p = &in->announce[i].p;
		size_t n = policy_explain(r, p, buf, sizeof(buf));

		REQUIRE(n > 0, "seed %llu: explain", (unsigned long long)seed);
		if (n >= sizeof(buf))
			continue;
		if (p->len > 0 && iv_overlap(&m.u2, p4_first(p), p4_last(p)) == 0 &&
		    iv_overlap(&adv, p4_first(p), p4_last(p)) == 0)
			REQUIRE(strstr(buf, "dropped") || strstr(buf, "not advertised"),
			        "seed %llu: %s", (unsigned long long)seed, buf);
	}
	iv_free(&adv);
	iv_free(&holes);
	model_free(&m);
}

static void
random_input(struct policy_input *in, struct policy_announce *a, struct prefix *links,
             enum policy_peering k)
{
	size_t n = 1 + rnd() % MAXN;

	policy_input_init(in, k);
	for (size_t i = 0; i < n; i++) {
		a[i].p = random_prefix();
		a[i].line = (unsigned)i + 1;
	}
	links[0] = P4(k == POLICY_PRIVATE ? 0xac100100u : 0xac100104u, 30);
	links[1] = P4(k == POLICY_PRIVATE ? 0xac100200u : 0xac100204u, 30);
	in->announce = a;
	in->n_announce = n;
	in->link_subnets = links;
	in->n_links = MAX_LINK;
	in->max_prefixes = rnd() % 8 == 0 ? 1 + rnd() % 4 : 1 + rnd() % (2 * (unsigned)n);
	in->min_length_action = rnd() % 2 ? POLICY_MINLEN_EXTEND : POLICY_MINLEN_DROP;
	/* A third keep the peering's default bound and cap-action; the rest
	 * ask for no bound, or for a random one with a random cap-action. */
	switch (rnd() % 3) {
	case 0:
		break;
	case 1:
		policy_unbounded(in);
		break;
	default:
		policy_unbounded(in);
		in->cap_action = (enum policy_cap_action)(rnd() % 3);
		in->max_overcoverage = rnd() % 4096;
		break;
	}
	if (rnd() % 4 == 0)
		in->exact_budget = 1; /* the Lagrangian path too */
}

static void
run_sets(enum policy_peering k)
{
	struct policy_announce a[MAXN];
	struct prefix links[MAX_LINK];
	const char *env = getenv("POLICY_SEED");
	uint64_t first = env ? strtoull(env, NULL, 10) : 1, last = env ? first : SETS;
	unsigned verdicts[5] = {0};

	for (uint64_t seed = first; seed <= last; seed++) {
		struct policy_input in;
		struct policy_result *r, *prev;

		rng = (seed + (uint64_t)k * 1000003u) * 0x9e3779b97f4a7c15ull + 7;
		random_input(&in, a, links, k);
		prev = policy_run(&in);
		REQUIRE(prev, "seed %llu: no result", (unsigned long long)seed);
		check_result(&in, prev, seed);
		verdicts[prev->stats[0].verdict]++;
		/* Again with one prefix changed and the previous result given. */
		a[rnd() % in.n_announce].p = random_prefix();
		in.previous = prev;
		r = policy_run(&in);
		REQUIRE(r, "seed %llu: no result", (unsigned long long)seed);
		check_result(&in, r, seed);
		policy_result_free(r);
		policy_result_free(prev);
	}
	printf("%s: %llu sets: ok %u, aggregated %u, over bound %u, truncated %u, refused %u\n",
	       policy_peering_name(k), (unsigned long long)(last - first + 1), verdicts[0],
	       verdicts[1], verdicts[2], verdicts[3], verdicts[4]);
}

START_TEST(invariants_on_private_peering)
{
	run_sets(POLICY_PRIVATE);
}
END_TEST

START_TEST(invariants_on_public_peering)
{
	run_sets(POLICY_PUBLIC);
}
END_TEST

static size_t
churn(const struct policy_result *a, const struct policy_result *b)
{
	struct policy_delta d;
	size_t n;

	ck_assert_int_eq(policy_diff(a, b, &d), 0);
	n = d.n_withdraw + d.n_announce;
	policy_delta_free(&d);
	return n;
}

/*
 * Stability: add or remove one announced prefix, many times over. While the
 * previous result is repaired (or the set fits the cap) the advertised set
 * changes by at most 2 * (max_len + 2) plus what the added prefix covers.
 * Re-optimising (repair too costly) is rare and counted.
 */
START_TEST(one_prefix_changes_few_advertised_prefixes)
{
	enum { N = 300, STEPS = 400 };
	struct policy_announce a[N + 1];
	struct policy_input in;
	struct policy_result *prev, *r, *fresh;
	size_t n = 200, bounded = 0, reopt = 0, sum_h = 0, sum_fresh = 0;
	size_t bound = 2 * (MAX_LEN + 2);

	rng = 0x5eed;
	policy_input_init(&in, POLICY_PRIVATE);
	policy_unbounded(&in); /* the hysteresis of the aggregation itself */
	for (size_t i = 0; i < n; i++) {
		a[i].p = P4(0x0a000000u | (rnd() & 0x000fffffu), 20 + rnd() % 10);
		a[i].line = (unsigned)i + 1;
	}
	in.announce = a;
	in.n_announce = n;
	in.max_prefixes = 60;
	prev = policy_run(&in);
	ck_assert_ptr_nonnull(prev);
	for (unsigned step = 0; step < STEPS; step++) {
		size_t covered = 0, c;
		struct prefix added = {0};

		if ((rnd() % 2 && n < N) || n < 100) {
			added = P4(0x0a000000u | (rnd() & 0x000fffffu), 20 + rnd() % 10);
			a[n].p = added;
			a[n].line = (unsigned)n + 1;
			n++;
			for (size_t i = 0; i < prev->n_adv; i++)
				covered += prefix_covers(&added, &prev->adv[i].p);
		} else {
			a[rnd() % n] = a[n - 1];
			n--;
		}
		in.n_announce = n;
		in.previous = NULL;
		fresh = policy_run(&in);
		in.previous = prev;
		r = policy_run(&in);
		ck_assert_ptr_nonnull(r);
		ck_assert_ptr_nonnull(fresh);
		ck_assert_uint_le(r->n_adv, in.max_prefixes);
		c = churn(prev, r);
		sum_h += c;
		sum_fresh += churn(prev, fresh);
		if (r->stats[0].repaired || r->stats[0].verdict == POLICY_OK) {
			ck_assert_msg(c <= bound + covered, "step %u: churn %zu > %zu", step, c,
			              bound + covered);
			bounded++;
		} else {
			reopt++;
		}
		policy_result_free(fresh);
		policy_result_free(prev);
		prev = r;
	}
	printf("churn over %d steps: %.2f per step with hysteresis, %.2f without; "
	       "%zu bounded, %zu re-optimised\n",
	       STEPS, (double)sum_h / STEPS, (double)sum_fresh / STEPS, bounded, reopt);
	ck_assert_uint_le(reopt * 10, STEPS); /* at most 10 % */
	ck_assert_uint_lt(sum_h, sum_fresh);
	policy_result_free(prev);
}
END_TEST

/* IPv6: /64 units inside a prefix of length <= 64. */
static uint64_t
units64(const struct prefix *p)
{
	return p->len >= 64 ? 1 : 1ull << (64 - p->len);
}

/* Is p (len <= 64) covered by the sorted disjoint advertised prefixes? */
static bool
covered6(const struct policy_result *r, const struct prefix *p)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < r->n_adv; i++) {
		if (r->adv[i].p.afi != AFI_IP6)
			continue;
		if (prefix_covers(&r->adv[i].p, p))
			return true;
		if (prefix_covers(p, &r->adv[i].p))
			sum += units64(&r->adv[i].p);
	}
	return sum == units64(p);
}

START_TEST(invariants_on_ipv6)
{
	static const char *const bases[] = {
	        "2001:db8::", "2a01:111::", "fd12:3456::", "2001:4860::", "fe80::"};
	struct policy_announce a[MAXN];
	unsigned agg = 0;

	for (uint64_t seed = 1; seed <= 400; seed++) {
		struct policy_input in;
		struct policy_result *r;
		size_t n = 1 + (size_t)(seed * 7919 % MAXN);
		enum policy_peering k = seed % 2 ? POLICY_PUBLIC : POLICY_PRIVATE;
		unsigned bad = PC_BOGON | PC_DEFAULT | (k == POLICY_PUBLIC ? PC_ULA : 0);

		rng = seed * 0x9e3779b97f4a7c15ull + 11;
		policy_input_init(&in, k);
		policy_unbounded(&in); /* the IPv6 aggregation itself */
		for (size_t i = 0; i < n; i++) {
			const char *b = bases[rnd() % 5];
			unsigned len = 32 + rnd() % 40;
			char text[64];
			struct prefix p;

			snprintf(text, sizeof(text), "%s/%u", b, strcmp(b, "fe80::") ? 32 : 10);
			p = P(text);
			/* Random bits below the base, then the length. */
			for (unsigned bit = p.len; bit < len; bit++)
				if (rnd() % 2)
					p.bytes[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
			p.len = (uint8_t)len;
			prefix_mask(&p);
			a[i].p = p;
			a[i].line = (unsigned)i + 1;
		}
		in.announce = a;
		in.n_announce = n;
		in.max_prefixes6 = 1 + rnd() % (1 + (unsigned)n / 3);
		in.exact_budget = rnd() % 3 == 0 ? 1 : 0;
		r = policy_run(&in);
		REQUIRE(r, "seed %llu", (unsigned long long)seed);
		REQUIRE(r->stats[1].advertised <= in.max_prefixes6, "seed %llu: cap",
		        (unsigned long long)seed);
		agg += r->stats[1].verdict == POLICY_AGGREGATED;
		for (size_t i = 0; i < r->n_adv; i++) {
			REQUIRE(r->adv[i].p.len <= 64 && !(prefix_classes(&r->adv[i].p) & bad),
			        "seed %llu: adv %zu", (unsigned long long)seed, i);
			if (i > 0)
				REQUIRE(!prefix_overlaps(&r->adv[i - 1].p, &r->adv[i].p),
				        "seed %llu: overlap", (unsigned long long)seed);
		}
		if (r->stats[1].verdict != POLICY_TRUNCATED)
			for (size_t i = 0; i < n; i++)
				if (a[i].p.len <= 64 && !(prefix_classes(&a[i].p) & bad))
					REQUIRE(covered6(r, &a[i].p),
					        "seed %llu: entry %zu uncovered",
					        (unsigned long long)seed, i);
		policy_result_free(r);
	}
	printf("ipv6: 400 sets, %u aggregated\n", agg);
	ck_assert_uint_gt(agg, 100); /* the aggregation path is exercised */
}
END_TEST

static Suite *
prop_suite(void)
{
	Suite *s = suite_create("policy properties");
	TCase *tc = tcase_create("random sets");

	tcase_add_test(tc, invariants_on_private_peering);
	tcase_add_test(tc, invariants_on_public_peering);
	tcase_add_test(tc, one_prefix_changes_few_advertised_prefixes);
	tcase_add_test(tc, invariants_on_ipv6);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(prop_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
