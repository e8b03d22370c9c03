/*
 * Outbound policy: the stages one by one, the explain texts, the cap
 * actions, the delta, and the cap-aware aggregation against an exact
 * reference on small sets.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "policy_check.h"

#define MAXA 64

struct fixture {
	struct policy_input in;
	struct policy_announce a[MAXA];
	struct prefix links[4];
};

static void
fx_init(struct fixture *fx, enum policy_peering k)
{
	memset(fx, 0, sizeof(*fx));
	policy_input_init(&fx->in, k);
	policy_unbounded(&fx->in); /* the defaults: see defaults_* below */
	fx->in.announce = fx->a;
	fx->links[0] = P(k == POLICY_PRIVATE ? "172.16.1.0/30" : "172.16.1.4/30");
	fx->links[1] = P(k == POLICY_PRIVATE ? "172.16.2.0/30" : "172.16.2.4/30");
	fx->in.link_subnets = fx->links;
	fx->in.n_links = 2;
}

static void
fx_add(struct fixture *fx, const char *s, unsigned line)
{
	ck_assert(fx->in.n_announce < MAXA);
	fx->a[fx->in.n_announce].p = P(s);
	fx->a[fx->in.n_announce].line = line;
	fx->a[fx->in.n_announce].col = 7;
	fx->in.n_announce++;
}

static struct policy_result *
fx_run(struct fixture *fx)
{
	struct policy_result *r = policy_run(&fx->in);

	ck_assert_ptr_nonnull(r);
	return r;
}

static const char *
explain(const struct policy_result *r, const char *q)
{
	static char buf[4096];
	struct prefix p = P(q);
	size_t n = policy_explain(r, &p, buf, sizeof(buf));

	ck_assert_uint_lt(n, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

static bool
advertised(const struct policy_result *r, const char *s)
{
	struct prefix p = P(s);

	return policy_result_find(r, &p) != NULL;
}

START_TEST(default_route_is_dropped_with_its_reason)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx_add(&fx, "0.0.0.0/0", 4);
	fx_add(&fx, "203.0.112.0/24", 5);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "203.0.112.0/24"));
	ck_assert_str_eq(explain(r, "0.0.0.0/0"), "0.0.0.0/0 (line 4): default route -> dropped");
	ck_assert_uint_eq(r->stats[0].dropped, 1);
	ck_assert_uint_eq(r->n_warnings, 1);
	ck_assert_str_eq(r->warnings[0], "0.0.0.0/0 (line 4): default route -> dropped");
	policy_result_free(r);
}
END_TEST

START_TEST(all_rfc1918_on_public_gives_empty_result_with_reasons)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PUBLIC);
	fx_add(&fx, "10.0.0.0/8", 1);
	fx_add(&fx, "172.16.0.0/12", 2);
	fx_add(&fx, "192.168.10.0/24", 3);
	fx_add(&fx, "100.64.0.0/16", 4);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 0);
	ck_assert_uint_eq(r->stats[0].dropped, 4);
	ck_assert_uint_eq(r->n_warnings, 4);
	ck_assert_str_eq(explain(r, "10.0.0.0/8"),
	                 "10.0.0.0/8 (line 1): RFC 1918 space 10.0.0.0/8 on public peering -> "
	                 "dropped");
	ck_assert_str_eq(explain(r, "192.168.10.0/24"),
	                 "192.168.10.0/24 (line 3): RFC 1918 space 192.168.0.0/16 on public "
	                 "peering -> dropped");
	ck_assert_str_eq(explain(r, "100.64.0.0/16"),
	                 "100.64.0.0/16 (line 4): RFC 6598 space 100.64.0.0/10 on public "
	                 "peering -> dropped");
	ck_assert_int_eq(policy_result_verdict(r), POLICY_OK);
	policy_result_free(r);
}
END_TEST

START_TEST(rfc1918_is_fine_on_private_but_bogons_never)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx_add(&fx, "10.10.0.0/16", 1);
	fx_add(&fx, "127.0.0.0/16", 2);
	fx_add(&fx, "192.0.2.0/24", 3);
	fx_add(&fx, "224.1.0.0/16", 4);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "10.10.0.0/16"));
	ck_assert_str_eq(explain(r, "127.0.0.0/16"),
	                 "127.0.0.0/16 (line 2): bogon (loopback) 127.0.0.0/8 -> dropped");
	ck_assert_str_eq(explain(r, "192.0.2.0/24"),
	                 "192.0.2.0/24 (line 3): bogon (documentation) 192.0.2.0/24 -> dropped");
	policy_result_free(r);
}
END_TEST

START_TEST(a_prefix_containing_forbidden_space_is_split_around_it)
{
	struct fixture fx;
	struct policy_result *r;
	uint64_t covered = 0;

	fx_init(&fx, POLICY_PUBLIC);
	fx_add(&fx, "8.0.0.0/6", 9); /* 8/8 .. 11/8: holds 10/8 */
	r = fx_run(&fx);
	/* 8/7 and 11/8 remain: the fewest prefixes, 10/8 left out. */
	ck_assert_uint_eq(r->n_adv, 2);
	ck_assert(advertised(r, "8.0.0.0/7"));
	ck_assert(advertised(r, "11.0.0.0/8"));
	for (size_t i = 0; i < r->n_adv; i++) {
		ck_assert(!r->adv[i].lossy);
		covered += prefix_size(&r->adv[i].p);
	}
	ck_assert_uint_eq(covered, 3ull << 24);
	ck_assert_str_eq(explain(r, "8.0.0.0/6"),
	                 "8.0.0.0/6 (line 9): contains RFC 1918 space 10.0.0.0/8 on public "
	                 "peering -> split into 2 prefixes around it\n"
	                 "  8.0.0.0/7 -> advertised\n"
	                 "  11.0.0.0/8 -> advertised");
	/* A query inside the announced prefix follows its own piece. */
	ck_assert_str_eq(explain(r, "11.1.0.0/16"),
	                 "11.1.0.0/16: not announced; inside 8.0.0.0/6 (line 9): contains RFC "
	                 "1918 space 10.0.0.0/8 on public peering -> split into 2 prefixes "
	                 "around it; 11.0.0.0/8 -> advertised");
	ck_assert_str_eq(explain(r, "10.1.0.0/16"),
	                 "10.1.0.0/16: not announced; inside 8.0.0.0/6 (line 9): contains RFC "
	                 "1918 space 10.0.0.0/8 on public peering -> split into 2 prefixes "
	                 "around it; 10.1.0.0/16 is not one of them");
	policy_result_free(r);
}
END_TEST

START_TEST(peering_link_subnets_are_cut_out)
{
	struct fixture fx;
	struct policy_result *r;
	struct prefix link = P("172.16.1.0/30");

	fx_init(&fx, POLICY_PRIVATE);
	fx_add(&fx, "172.16.0.0/16", 3);
	fx_add(&fx, "172.16.2.0/30", 4);
	r = fx_run(&fx);
	for (size_t i = 0; i < r->n_adv; i++) {
		ck_assert(!prefix_overlaps(&r->adv[i].p, &link));
		ck_assert(!prefix_overlaps(&r->adv[i].p, &fx.links[1]));
		ck_assert_uint_le(r->adv[i].p.len, 29);
	}
	/* 172.16.1.4/30 is left over next to the link and is too long. */
	ck_assert(!advertised(r, "172.16.1.4/30"));
	ck_assert(advertised(r, "172.16.1.8/29"));
	ck_assert(advertised(r, "172.16.128.0/17"));
	ck_assert_str_eq(explain(r, "172.16.2.0/30"),
	                 "172.16.2.0/30 (line 4): peering link subnet 172.16.2.0/30 -> dropped");
	ck_assert_str_eq(explain(r, "172.16.1.4/30"),
	                 "172.16.1.4/30: not announced; inside 172.16.0.0/16 (line 3): contains "
	                 "peering link subnet 172.16.1.0/30 -> split into 20 prefixes around "
	                 "it; 172.16.1.4/30: longer than /29 -> dropped (min-length-action: "
	                 "drop)");
	policy_result_free(r);
}
END_TEST

START_TEST(lossless_merge_is_explained)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.advertised_on = "private primary and secondary";
	fx_add(&fx, "10.1.2.3/32", 23);
	fx_add(&fx, "10.1.2.0/25", 24);
	fx_add(&fx, "10.1.2.128/25", 25);
	fx_add(&fx, "10.1.2.64/26", 26);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "10.1.2.0/24"));
	ck_assert(!r->adv[0].lossy);
	ck_assert_str_eq(explain(r, "10.1.2.0/25"),
	                 "10.1.2.0/25 (line 24) -> merged with 10.1.2.128/25 into 10.1.2.0/24 "
	                 "(lossless) -> advertised on private primary and secondary");
	ck_assert_str_eq(explain(r, "10.1.2.64/26"),
	                 "10.1.2.64/26 (line 26) -> covered by 10.1.2.0/25 (line 24) (redundant) "
	                 "-> merged with 10.1.2.128/25 into 10.1.2.0/24 (lossless) -> "
	                 "advertised on private primary and secondary");
	ck_assert_uint_eq(r->stats[0].sanitized, 4);
	ck_assert_uint_eq(r->stats[0].lossless, 1);
	ck_assert_uint_eq(r->n_warnings, 0);
	policy_result_free(r);
}
END_TEST

START_TEST(longer_than_29_is_dropped_by_default)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx_add(&fx, "10.1.2.3/32", 23);
	fx_add(&fx, "10.1.3.0/30", 24);
	fx_add(&fx, "10.1.3.4/30", 25); /* with the one above: a /29 */
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "10.1.3.0/29"));
	ck_assert_str_eq(explain(r, "10.1.2.3/32"),
	                 "10.1.2.3/32 (line 23): longer than /29 -> dropped (min-length-action: "
	                 "drop)");
	ck_assert_uint_eq(r->n_warnings, 1);
	ck_assert_str_eq(r->warnings[0], explain(r, "10.1.2.3/32"));
	ck_assert_uint_eq(r->stats[0].dropped, 1);
	ck_assert_uint_eq(r->stats[0].min_length, 1);
	policy_result_free(r);
}
END_TEST

START_TEST(eight_host_routes_make_a_29)
{
	struct fixture fx;
	struct policy_result *r;
	char s[32];

	fx_init(&fx, POLICY_PRIVATE);
	for (int i = 0; i < 8; i++) {
		snprintf(s, sizeof(s), "10.9.9.%d/32", 8 + i);
		fx_add(&fx, s, 10 + (unsigned)i);
	}
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "10.9.9.8/29"));
	ck_assert_str_eq(explain(r, "10.9.9.9/32"),
	                 "10.9.9.9/32 (line 11) -> merged with 7 other prefixes into 10.9.9.8/29 "
	                 "(lossless) -> advertised");
	policy_result_free(r);
}
END_TEST

START_TEST(extend_widens_and_adjacent_29s_merge_after)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.min_length_action = POLICY_MINLEN_EXTEND;
	fx_add(&fx, "10.1.2.1/32", 1);
	fx_add(&fx, "10.1.2.9/32", 2);
	fx_add(&fx, "10.1.3.0/30", 3);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 2);
	ck_assert(advertised(r, "10.1.2.0/28"));
	ck_assert(advertised(r, "10.1.3.0/29"));
	ck_assert(r->adv[0].lossy);
	ck_assert_uint_eq(r->adv[0].overcoverage, 14);
	ck_assert_uint_eq(r->adv[1].overcoverage, 4);
	ck_assert_str_eq(explain(r, "10.1.2.9/32"),
	                 "10.1.2.9/32 (line 2) -> extended to 10.1.2.8/29 (min-length-action: "
	                 "extend) -> merged into 10.1.2.0/28 (lossless, after extension) -> "
	                 "advertised");
	/* The holes are exactly the unannounced addresses. */
	ck_assert_uint_eq(r->n_holes, 7);
	{
		const char *want[] = {"10.1.2.0/32",  "10.1.2.2/31",  "10.1.2.4/30", "10.1.2.8/32",
		                      "10.1.2.10/31", "10.1.2.12/30", "10.1.3.4/30"};
		for (size_t i = 0; i < 7; i++) {
			struct prefix w = P(want[i]);

			ck_assert_msg(prefix_eq(&r->holes[i], &w), "hole %zu", i);
		}
	}
	ck_assert_int_eq(policy_result_verdict(r), POLICY_OK);
	ck_assert_uint_eq(r->stats[0].overcoverage, 18);
	policy_result_free(r);
}
END_TEST

START_TEST(extend_never_covers_a_link_subnet)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.min_length_action = POLICY_MINLEN_EXTEND;
	fx_add(&fx, "172.16.1.5/32", 1); /* its /29 holds the link 172.16.1.0/30 */
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 0);
	ck_assert_str_eq(explain(r, "172.16.1.5/32"),
	                 "172.16.1.5/32 (line 1): longer than /29, and its /29 172.16.1.0/29 "
	                 "overlaps peering link subnet 172.16.1.0/30 -> dropped");
	policy_result_free(r);
}
END_TEST

START_TEST(never_announced_says_so)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 1;
	fx_add(&fx, "10.1.0.0/24", 1);
	fx_add(&fx, "10.1.3.0/24", 2);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "10.1.0.0/22"));
	ck_assert_str_eq(explain(r, "10.9.0.0/16"), "10.9.0.0/16: not announced");
	ck_assert_str_eq(explain(r, "10.1.1.0/24"),
	                 "10.1.1.0/24: not announced; covered by advertised 10.1.0.0/22 (a lossy "
	                 "aggregate: a hole, with a discard route)");
	ck_assert_str_eq(explain(r, "10.1.3.0/24"),
	                 "10.1.3.0/24 (line 2) -> aggregated into 10.1.0.0/22 (cap-aware "
	                 "aggregation to fit the cap of 1: 512 addresses not announced) -> "
	                 "advertised");
	ck_assert_int_eq(policy_result_verdict(r), POLICY_AGGREGATED);
	/* 10.1.1/24 and 10.1.2/24 do not pair into a /23: two holes. */
	ck_assert_uint_eq(r->n_holes, 2);
	{
		struct prefix h1 = P("10.1.1.0/24"), h2 = P("10.1.2.0/24");

		ck_assert(prefix_eq(&r->holes[0], &h1));
		ck_assert(prefix_eq(&r->holes[1], &h2));
	}
	policy_result_free(r);
}
END_TEST

START_TEST(exactly_at_the_cap_and_one_over)
{
	struct fixture fx;
	struct policy_result *r;
	char s[32];

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 10;
	/* Ten /24s two apart: no two merge losslessly. */
	for (int i = 0; i < 10; i++) {
		snprintf(s, sizeof(s), "10.2.%d.0/24", 4 * i);
		fx_add(&fx, s, (unsigned)i + 1);
	}
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 10);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_OK);
	for (size_t i = 0; i < r->n_adv; i++)
		ck_assert(!r->adv[i].lossy);
	ck_assert_uint_eq(r->n_holes, 0);
	policy_result_free(r);

	fx_add(&fx, "10.2.40.0/24", 11);
	r = fx_run(&fx);
	ck_assert_uint_le(r->n_adv, 10);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_AGGREGATED);
	/* The cheapest fix: two neighbours under one /21 (1536 extra). The
	 * hull jumps from 11 prefixes to 3 here; the knapsack over the regions
	 * between them finds it. */
	ck_assert_uint_eq(r->stats[0].overcoverage, 6 * 256);
	ck_assert_uint_le(r->stats[0].lower_bound, 6 * 256);
	/* The cap's line is the family's cap_reason, said once, not a warning too. */
	ck_assert_uint_eq(r->n_warnings, 0);
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "over the cap of 10"));
	policy_result_free(r);
}
END_TEST

/* The metrics' drops by reason, from the same records explain reads. */
START_TEST(drops_by_reason)
{
	struct fixture fx;
	struct policy_result *r;
	uint64_t d[POLICY_DROP_COUNT];
	char s[32];

	fx_init(&fx, POLICY_PUBLIC);
	fx_add(&fx, "0.0.0.0/0", 1);
	fx_add(&fx, "10.0.0.0/8", 2);
	fx_add(&fx, "100.64.0.0/16", 3);
	fx_add(&fx, "192.0.2.0/24", 4);
	fx_add(&fx, "216.221.239.240/30", 6);
	fx_add(&fx, "216.221.239.232/29", 7);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	policy_result_drops(r, d);
	ck_assert_uint_eq(d[POLICY_DROP_DEFAULT_ROUTE], 1);
	ck_assert_uint_eq(d[POLICY_DROP_PRIVATE_PUBLIC], 2);
	ck_assert_uint_eq(d[POLICY_DROP_BOGON], 1);
	ck_assert_uint_eq(d[POLICY_DROP_PEERING_SUBNET], 0); /* inside RFC 1918 on public */
	ck_assert_uint_eq(d[POLICY_DROP_MIN_LENGTH], 1);
	ck_assert_uint_eq(d[POLICY_DROP_CAP_TRUNCATE], 0);
	ck_assert_uint_eq(d[POLICY_DROP_CAP_REFUSE], 0);
	ck_assert_str_eq(policy_drop_reason_name(POLICY_DROP_PRIVATE_PUBLIC), "rfc1918-public");
	ck_assert_str_eq(policy_drop_reason_name(POLICY_DROP_MIN_LENGTH), "min-length");
	ck_assert_str_eq(policy_drop_reason_name(POLICY_DROP_COUNT), "unknown");
	policy_result_free(r);

	/* Six prefixes, cap 4, truncate: two left out; a link /30 on private. */
	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 4;
	fx.in.max_overcoverage = 100;
	fx.in.cap_action = POLICY_CAP_TRUNCATE;
	for (int i = 0; i < 6; i++) {
		snprintf(s, sizeof(s), "10.%d.0.0/%d", 10 * i, 16 + i);
		fx_add(&fx, s, (unsigned)i + 1);
	}
	fx_add(&fx, "172.16.2.0/30", 7);
	r = fx_run(&fx);
	policy_result_drops(r, d);
	ck_assert_uint_eq(d[POLICY_DROP_PEERING_SUBNET], 1);
	ck_assert_uint_eq(d[POLICY_DROP_CAP_TRUNCATE], 2);
	ck_assert_uint_eq(d[POLICY_DROP_PRIVATE_PUBLIC], 0);
	policy_result_free(r);
	policy_result_drops(NULL, d);
	ck_assert_uint_eq(d[POLICY_DROP_CAP_TRUNCATE], 0);
}
END_TEST

START_TEST(cap_actions_truncate_and_refuse)
{
	struct fixture fx;
	struct policy_result *r, *prev;
	char s[32];

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 4;
	fx.in.max_overcoverage = 100;
	fx.in.cap_action = POLICY_CAP_TRUNCATE;
	for (int i = 0; i < 6; i++) {
		snprintf(s, sizeof(s), "10.%d.0.0/%d", 10 * i, 16 + i);
		fx_add(&fx, s, (unsigned)i + 1);
	}
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_TRUNCATED);
	/* The four shortest stay. */
	ck_assert_uint_eq(r->n_adv, 4);
	ck_assert(advertised(r, "10.0.0.0/16"));
	ck_assert(advertised(r, "10.30.0.0/19"));
	ck_assert(!advertised(r, "10.40.0.0/20"));
	ck_assert_str_eq(explain(r, "10.50.0.0/21"),
	                 "10.50.0.0/21 (line 6) -> not advertised (cap of 4 reached: truncated)");
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "truncate"));
	/* The error names the count left out. */
	ck_assert_uint_eq(r->stats[0].left_out, 2);
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "2 LEFT OUT"));
	policy_result_free(r);

	/* Refuse without a previous result: nothing. With one: that one. */
	fx.in.cap_action = POLICY_CAP_REFUSE;
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_REFUSED);
	ck_assert_uint_eq(r->n_adv, 0);
	policy_result_free(r);
	fx.in.n_announce = 3;
	prev = fx_run(&fx);
	ck_assert_uint_eq(prev->n_adv, 3);
	fx.in.n_announce = 6;
	fx.in.previous = prev;
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_REFUSED);
	ck_assert_uint_eq(r->n_adv, 3);
	ck_assert(advertised(r, "10.20.0.0/18"));
	policy_result_free(r);

	/* Aggregate anyway, loudly. */
	fx.in.cap_action = POLICY_CAP_AGGREGATE;
	fx.in.previous = NULL;
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_OVER_BOUND);
	ck_assert_uint_le(r->n_adv, 4);
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "do not fit within the bound"));
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "anyway"));
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "(cap-action: aggregate)"));
	policy_result_free(r);
	policy_result_free(prev);
}
END_TEST

START_TEST(aggregation_never_crosses_forbidden_space)
{
	struct fixture fx;
	struct policy_result *r;

	/* 9/8 and 11/8 would merge into 8/6, which holds 10/8, and 11/8 with
	 * 12/8 into 8/5; only 12/8 and 14/8 can share 12/6. */
	fx_init(&fx, POLICY_PUBLIC);
	fx.in.max_prefixes = 2;
	fx_add(&fx, "9.0.0.0/8", 1);
	fx_add(&fx, "11.0.0.0/8", 2);
	fx_add(&fx, "12.0.0.0/8", 3);
	fx_add(&fx, "14.0.0.0/8", 4);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 2);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_TRUNCATED);
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "(at least 3 needed)"));
	ck_assert_uint_eq(r->stats[0].left_out, 2);
	ck_assert(advertised(r, "9.0.0.0/8"));
	ck_assert(advertised(r, "11.0.0.0/8"));
	policy_result_free(r);

	fx.in.max_prefixes = 3;
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 3);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_AGGREGATED);
	ck_assert(advertised(r, "9.0.0.0/8"));
	ck_assert(advertised(r, "11.0.0.0/8"));
	ck_assert(advertised(r, "12.0.0.0/6"));
	ck_assert_uint_eq(r->stats[0].overcoverage, 2u << 24);
	policy_result_free(r);
}
END_TEST

START_TEST(diff_withdraws_and_announces_the_delta)
{
	struct fixture fx;
	struct policy_result *a, *b;
	struct policy_delta d;

	fx_init(&fx, POLICY_PRIVATE);
	fx_add(&fx, "10.1.0.0/24", 1);
	fx_add(&fx, "10.2.0.0/24", 2);
	fx_add(&fx, "10.3.0.0/24", 3);
	a = fx_run(&fx);
	fx.a[1].p = P("10.4.0.0/24");
	b = fx_run(&fx);
	ck_assert_int_eq(policy_diff(a, b, &d), 0);
	ck_assert_uint_eq(d.n_withdraw, 1);
	ck_assert(prefix_eq(&d.withdraw[0], &(struct prefix){0}) == false);
	{
		struct prefix w = P("10.2.0.0/24"), n = P("10.4.0.0/24");

		ck_assert(prefix_eq(&d.withdraw[0], &w));
		ck_assert_uint_eq(d.n_announce, 1);
		ck_assert(prefix_eq(&d.announce[0].p, &n));
	}
	policy_delta_free(&d);
	ck_assert_int_eq(policy_diff(NULL, b, &d), 0);
	ck_assert_uint_eq(d.n_announce, 3);
	ck_assert_uint_eq(d.n_withdraw, 0);
	policy_delta_free(&d);
	ck_assert_int_eq(policy_diff(b, b, &d), 0);
	ck_assert_uint_eq(d.n_announce + d.n_withdraw, 0);
	policy_delta_free(&d);
	policy_result_free(a);
	policy_result_free(b);
}
END_TEST

START_TEST(ipv6_runs_on_its_own_with_its_own_cap)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PUBLIC);
	fx_add(&fx, "2001:db8:1::/48", 1); /* documentation: bogon */
	fx_add(&fx, "fd00:1::/32", 2);     /* ULA on public */
	fx_add(&fx, "2a01:111:f400::/48", 3);
	fx_add(&fx, "2a01:111:f401::/48", 4);
	fx_add(&fx, "2a01:111:f402::1/128", 5); /* longer than /64 */
	fx_add(&fx, "198.51.99.0/24", 6);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 2);
	ck_assert(advertised(r, "198.51.99.0/24"));
	ck_assert(advertised(r, "2a01:111:f400::/47"));
	ck_assert_uint_eq(r->stats[1].announced, 5);
	ck_assert_uint_eq(r->stats[1].advertised, 1);
	ck_assert_uint_eq(r->stats[0].advertised, 1);
	ck_assert_str_eq(explain(r, "fd00:1::/32"),
	                 "fd00:1::/32 (line 2): unique local space fc00::/7 on public peering -> "
	                 "dropped");
	ck_assert_str_eq(explain(r, "2a01:111:f402::1/128"),
	                 "2a01:111:f402::1/128 (line 5): longer than /64 -> dropped "
	                 "(min-length-action: drop)");
	policy_result_free(r);
}
END_TEST

/* Microsoft peering runs the public rules; its messages name it, not the
 * public peering the circuit may not have. */
START_TEST(messages_name_the_peering)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PUBLIC);
	fx.in.peering_name = "microsoft";
	fx.in.max_prefixes6 = 1;
	fx_add(&fx, "fd12:3456:789a::/48", 1);
	fx_add(&fx, "10.99.0.0/16", 2);
	fx_add(&fx, "2a10:ce10:c000::/40", 3);
	fx_add(&fx, "2a10:ce10:c200::/40", 4);
	r = fx_run(&fx);
	ck_assert_str_eq(explain(r, "fd12:3456:789a::/48"),
	                 "fd12:3456:789a::/48 (line 1): unique local space fc00::/7 on microsoft "
	                 "peering -> dropped");
	ck_assert_str_eq(explain(r, "10.99.0.0/16"),
	                 "10.99.0.0/16 (line 2): RFC 1918 space 10.0.0.0/8 on microsoft peering "
	                 "-> dropped");
	ck_assert_uint_eq(r->stats[1].advertised, 1);
	for (size_t i = 0; i < r->n_warnings; i++)
		ck_assert_msg(strstr(r->warnings[i], "public peering") == NULL, "%s",
		              r->warnings[i]);
	/* The cap's line is printed under the peering's own name (log key,
	 * show policy and --check headings); it names no other peering. */
	ck_assert(r->stats[1].cap_reason[0]);
	ck_assert_msg(strstr(r->stats[1].cap_reason, "public peering") == NULL, "%s",
	              r->stats[1].cap_reason);
	policy_result_free(r);
}
END_TEST

START_TEST(ipv6_aggregates_under_its_cap_around_documentation_space)
{
	struct policy_announce a[150];
	struct policy_input in;
	struct policy_result *r;
	struct prefix doc = P("2001:db8::/32");
	char s[64];

	policy_input_init(&in, POLICY_PRIVATE);
	policy_unbounded(&in);
	/* 2001:d00::/24 holds the documentation /32: 75 /48s each side. */
	for (int i = 0; i < 150; i++) {
		snprintf(s, sizeof(s), "2001:%x:%x::/48", i < 75 ? 0xdb7 - i % 3 : 0xdb9 + i % 3,
		         i * 7);
		a[i].p = P(s);
		a[i].line = (unsigned)i + 1;
	}
	in.announce = a;
	in.n_announce = 150;
	r = policy_run(&in);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_le(r->n_adv, POLICY_CAP_IP6);
	ck_assert_uint_eq(r->stats[1].reaggregated, 150);
	ck_assert_int_eq(r->stats[1].verdict, POLICY_AGGREGATED);
	for (size_t i = 0; i < r->n_adv; i++) {
		ck_assert(!prefix_overlaps(&r->adv[i].p, &doc));
		ck_assert_uint_le(r->adv[i].p.len, 64);
	}
	for (int i = 0; i < 150; i++) {
		bool covered = false;

		for (size_t j = 0; j < r->n_adv; j++)
			covered |= prefix_covers(&r->adv[j].p, &a[i].p);
		ck_assert_msg(covered, "%d", i);
	}
	/* Over-coverage is counted in /64s. */
	ck_assert_ptr_nonnull(strstr(r->stats[1].cap_reason, "/64s"));
	policy_result_free(r);
}
END_TEST

/* The fixture with the peering's own defaults (fx_init asks for no bound). */
static void
fx_defaults(struct fixture *fx, enum policy_peering k)
{
	fx_init(fx, k);
	policy_input_init(&fx->in, k);
	fx->in.announce = fx->a;
	fx->in.link_subnets = fx->links;
	fx->in.n_links = 2;
}

/*
 * Public peering by default never advertises an address no announce entry
 * covers. Over the cap it advertises the cap's worth, shortest first, then
 * the lowest address, and says how many were left out.
 */
START_TEST(defaults_public_never_overcovers)
{
	struct fixture fx;
	struct policy_result *r;

	fx_defaults(&fx, POLICY_PUBLIC);
	fx.in.max_prefixes = 4;
	fx_add(&fx, "20.0.16.0/24", 1);
	fx_add(&fx, "20.0.0.0/24", 2);
	fx_add(&fx, "20.0.12.0/24", 3);
	fx_add(&fx, "20.0.4.0/23", 4);
	fx_add(&fx, "20.0.8.0/24", 5);
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_TRUNCATED);
	ck_assert_uint_eq(r->n_adv, 4);
	ck_assert_uint_eq(r->stats[0].overcoverage, 0);
	ck_assert_uint_eq(r->stats[0].bound, 0);
	ck_assert_uint_eq(r->n_holes, 0);
	for (size_t i = 0; i < r->n_adv; i++)
		ck_assert(!r->adv[i].lossy);
	ck_assert(advertised(r, "20.0.4.0/23"));
	ck_assert(advertised(r, "20.0.0.0/24"));
	ck_assert(advertised(r, "20.0.8.0/24"));
	ck_assert(advertised(r, "20.0.12.0/24"));
	ck_assert(!advertised(r, "20.0.16.0/24"));
	ck_assert_uint_eq(r->stats[0].left_out, 1);
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "1 LEFT OUT"));
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "over-coverage at most 0"));
	policy_result_free(r);

	/* Within the cap nothing changes. */
	fx.in.max_prefixes = 5;
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_OK);
	ck_assert_uint_eq(r->n_adv, 5);
	policy_result_free(r);
}
END_TEST

/*
 * Private peering by default: no more over-covered addresses than
 * announced ones, and no aggregate shorter than the shortest announced
 * prefix (or /8).
 */
START_TEST(defaults_private_bounded)
{
	struct fixture fx;
	struct policy_result *r;

	/* A /16 makes /16 the floor: 10.1.0.0/22 over two /24s is fine. */
	fx_defaults(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 3;
	fx_add(&fx, "10.0.0.0/16", 1);
	fx_add(&fx, "10.1.0.0/24", 2);
	fx_add(&fx, "10.1.2.0/24", 3);
	fx_add(&fx, "10.1.4.0/24", 4);
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_AGGREGATED);
	ck_assert_uint_eq(r->stats[0].floor, 16);
	ck_assert_uint_eq(r->stats[0].bound, 65536 + 3 * 256);
	ck_assert(advertised(r, "10.1.0.0/22"));
	ck_assert_uint_eq(r->stats[0].overcoverage, 512);
	policy_result_free(r);

	/* Only /24s: no aggregate may be shorter, so the cap's worth goes out. */
	fx.in.n_announce = 0;
	fx.in.max_prefixes = 2;
	fx_add(&fx, "10.1.0.0/24", 1);
	fx_add(&fx, "10.1.2.0/24", 2);
	fx_add(&fx, "10.1.4.0/24", 3);
	r = fx_run(&fx);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_TRUNCATED);
	ck_assert_uint_eq(r->stats[0].floor, 24);
	ck_assert_uint_eq(r->stats[0].left_out, 1);
	ck_assert_uint_eq(r->stats[0].overcoverage, 0);
	ck_assert_ptr_nonnull(strstr(r->stats[0].cap_reason, "no aggregate shorter than /24"));
	policy_result_free(r);

	/* A /4 announced on private: the floor stays /8. */
	fx.in.n_announce = 0;
	fx.in.max_prefixes = 1;
	fx_add(&fx, "32.0.0.0/4", 1);
	fx_add(&fx, "10.1.0.0/24", 2);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->stats[0].floor, 8);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_TRUNCATED);
	ck_assert(advertised(r, "32.0.0.0/4"));
	policy_result_free(r);
}
END_TEST

/*
 * An entry dropped for its length is still announced: a supernet over it
 * over-covers only the rest, and no discard route blackholes it.
 */
START_TEST(overcoverage_counts_entries_dropped_for_length)
{
	struct fixture fx;
	struct policy_result *r;
	struct prefix host = P("10.1.0.192/30");

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 1;
	fx_add(&fx, "10.1.0.0/25", 1);
	fx_add(&fx, "10.1.0.128/26", 2);
	fx_add(&fx, "10.1.0.192/30", 3); /* longer than /29: dropped */
	fx_add(&fx, "10.1.2.0/24", 4);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 1);
	ck_assert(advertised(r, "10.1.0.0/22"));
	/* 1024 - (128 + 64 + 4 + 256) */
	ck_assert_uint_eq(r->adv[0].overcoverage, 572);
	ck_assert_uint_eq(r->stats[0].overcoverage, 572);
	for (size_t i = 0; i < r->n_holes; i++)
		ck_assert(!prefix_overlaps(&r->holes[i], &host));
	policy_result_free(r);
}
END_TEST

START_TEST(a_cap_of_zero_advertises_nothing)
{
	struct fixture fx;
	struct policy_result *r;

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 0;
	fx_add(&fx, "10.1.0.0/24", 1);
	r = fx_run(&fx);
	ck_assert_uint_eq(r->n_adv, 0);
	ck_assert_int_eq(policy_result_verdict(r), POLICY_TRUNCATED);
	ck_assert_str_eq(explain(r, "10.1.0.0/24"),
	                 "10.1.0.0/24 (line 1) -> not advertised (cap of 0 reached: truncated)");
	policy_result_free(r);
}
END_TEST

START_TEST(explain_is_snprintf_like)
{
	struct fixture fx;
	struct policy_result *r;
	struct prefix q = P("10.1.2.3/32");
	char small[16];
	size_t need;

	fx_init(&fx, POLICY_PRIVATE);
	fx_add(&fx, "10.1.2.3/32", 23);
	r = fx_run(&fx);
	need = policy_explain(r, &q, small, sizeof(small));
	ck_assert_uint_eq(need, strlen(explain(r, "10.1.2.3/32")));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(strncmp(small, "10.1.2.3/32 (li", sizeof(small) - 1) == 0);
	ck_assert_uint_eq(policy_explain(r, &q, NULL, 0), need);
	policy_result_free(r);
}
END_TEST

START_TEST(hysteresis_keeps_aggregates_when_a_prefix_lands_inside_one)
{
	struct fixture fx;
	struct policy_result *a, *b, *fresh;
	struct policy_delta d;
	char s[32];

	fx_init(&fx, POLICY_PRIVATE);
	fx.in.max_prefixes = 8;
	for (int i = 0; i < 40; i++) {
		snprintf(s, sizeof(s), "10.%d.%d.0/24", 20 + i % 5, (i * 37) % 256);
		fx_add(&fx, s, (unsigned)i + 1);
	}
	a = fx_run(&fx);
	ck_assert_uint_le(a->n_adv, 8);
	/* A new prefix inside what is already covered: nothing changes. */
	fx_add(&fx, "10.20.128.0/24", 41);
	fx.in.previous = a;
	b = fx_run(&fx);
	ck_assert(b->stats[0].repaired);
	ck_assert_int_eq(policy_diff(a, b, &d), 0);
	ck_assert_uint_eq(d.n_announce + d.n_withdraw, 0);
	policy_delta_free(&d);
	/* Without the previous result the answer is the optimum, also at most 8. */
	fx.in.previous = NULL;
	fresh = fx_run(&fx);
	ck_assert_uint_le(fresh->n_adv, 8);
	ck_assert_uint_le(fresh->stats[0].overcoverage, b->stats[0].overcoverage);
	ck_assert(!fresh->stats[0].repaired);
	policy_result_free(fresh);
	policy_result_free(b);
	policy_result_free(a);
}
END_TEST

/*
 * Exact reference for the cap-aware stage: every cover of the blocks by
 * allowed prefixes with at most K members, by recursion over the binary
 * trie of the address space (only for small sets).
 */
#define REF_INF UINT64_MAX

struct ref {
	const struct prefix *b; /* sorted disjoint blocks */
	size_t n;
	const struct ivset *forbid;
};

/* Blocks inside [lo, hi]: count and addresses. */
static void
ref_inside(const struct ref *r, uint64_t lo, uint64_t hi, size_t *cnt, uint64_t *addrs)
{
	*cnt = 0;
	*addrs = 0;
	for (size_t i = 0; i < r->n; i++) {
		uint64_t a = p4_first(&r->b[i]), z = p4_last(&r->b[i]);

		if (a >= lo && z <= hi) {
			(*cnt)++;
			*addrs += z - a + 1;
		}
	}
}

/* best[k] for k <= K: min over-coverage covering the blocks in prefix
 * (lo, len) with at most k prefixes inside it. */
static void
ref_solve(const struct ref *r, uint64_t lo, unsigned len, unsigned K, uint64_t *best)
{
	uint64_t hi = lo + (1ull << (32 - len)) - 1, addrs;
	size_t cnt;

	for (unsigned k = 0; k <= K; k++)
		best[k] = REF_INF;
	ref_inside(r, lo, hi, &cnt, &addrs);
	if (cnt == 0) {
		for (unsigned k = 0; k <= K; k++)
			best[k] = 0;
		return;
	}
	for (size_t i = 0; i < r->n; i++)
		if (p4_first(&r->b[i]) == lo && r->b[i].len == len) {
			for (unsigned k = 1; k <= K; k++)
				best[k] = 0;
			return;
		}
	if (iv_overlap(r->forbid, lo, hi) == 0)
		for (unsigned k = 1; k <= K; k++)
			best[k] = (hi - lo + 1) - addrs;
	if (len < 32) {
		uint64_t *l = calloc(K + 1, sizeof(uint64_t)),
		         *rr = calloc(K + 1, sizeof(uint64_t));

		ref_solve(r, lo, len + 1, K, l);
		ref_solve(r, lo + (1ull << (31 - len)), len + 1, K, rr);
		for (unsigned a = 0; a <= K; a++)
			for (unsigned b = 0; a + b <= K; b++)
				if (l[a] != REF_INF && rr[b] != REF_INF &&
				    l[a] + rr[b] < best[a + b])
					best[a + b] = l[a] + rr[b];
		free(l);
		free(rr);
	}
	for (unsigned k = 1; k <= K; k++)
		if (best[k - 1] < best[k])
			best[k] = best[k - 1];
}

START_TEST(cap_aware_aggregation_against_the_exact_optimum)
{
	unsigned optimal = 0, runs = 0;
	struct ivset forbid = {0};
	struct prefix links[2] = {P("172.16.1.0/30"), P("172.16.2.0/30")};

	iv_forbidden(&forbid, POLICY_PRIVATE, links, 2);
	for (unsigned seed = 1; seed <= 300; seed++) {
		struct fixture fx;
		struct policy_result *r;
		struct prefix blocks[MAXA];
		uint64_t best[16];
		unsigned n = 3 + seed % 9, K;
		struct ref ref;

		srandom(seed);
		fx_init(&fx, POLICY_PRIVATE);
		/* Inside 10.0.0.0/20 so the reference stays small. */
		for (unsigned i = 0; i < n; i++) {
			unsigned len = 22 + (unsigned)(random() % 8);
			uint32_t a = 0x0a000000u | ((uint32_t)random() & 0xfffu) << 0;
			char s[32];
			struct prefix p = P4(a, len);

			prefix_fmt(&p, s, sizeof(s));
			fx_add(&fx, s, i + 1);
		}
		fx.in.max_prefixes = 1000;
		r = fx_run(&fx);
		ref.n = r->n_adv;
		for (size_t i = 0; i < r->n_adv; i++)
			blocks[i] = r->adv[i].p;
		ref.b = blocks;
		ref.forbid = &forbid;
		policy_result_free(r);
		if (ref.n < 2)
			continue;
		K = 1 + (unsigned)random() % (unsigned)(ref.n - 1);
		fx.in.max_prefixes = K;
		ref_solve(&ref, 0x0a000000u, 8, K, best);
		/* The exact DP is exact. */
		r = fx_run(&fx);
		ck_assert_uint_le(r->n_adv, K);
		ck_assert_msg(r->stats[0].overcoverage == best[K], "seed %u: exact %llu != %llu",
		              seed, (unsigned long long)r->stats[0].overcoverage,
		              (unsigned long long)best[K]);
		ck_assert_uint_eq(r->stats[0].lower_bound, best[K]);
		policy_result_free(r);
		/* The Lagrangian is bracketed by its certificate. */
		fx.in.exact_budget = 1;
		r = fx_run(&fx);
		ck_assert_msg(best[K] != REF_INF, "seed %u", seed);
		ck_assert_uint_le(r->n_adv, K);
		ck_assert_msg(r->stats[0].overcoverage >= best[K], "seed %u: %llu < optimum %llu",
		              seed, (unsigned long long)r->stats[0].overcoverage,
		              (unsigned long long)best[K]);
		ck_assert_msg(r->stats[0].lower_bound <= best[K], "seed %u: bound %llu > %llu",
		              seed, (unsigned long long)r->stats[0].lower_bound,
		              (unsigned long long)best[K]);
		optimal += r->stats[0].overcoverage == best[K];
		runs++;
		policy_result_free(r);
	}
	printf("Lagrangian aggregation optimal in %u of %u small cases\n", optimal, runs);
	/* The hull solution plus the knapsack on the slack is mostly optimal. */
	ck_assert_uint_ge(optimal * 10, runs * 8);
	iv_free(&forbid);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("stages");

	tcase_add_test(tc, default_route_is_dropped_with_its_reason);
	tcase_add_test(tc, drops_by_reason);
	tcase_add_test(tc, all_rfc1918_on_public_gives_empty_result_with_reasons);
	tcase_add_test(tc, rfc1918_is_fine_on_private_but_bogons_never);
	tcase_add_test(tc, a_prefix_containing_forbidden_space_is_split_around_it);
	tcase_add_test(tc, peering_link_subnets_are_cut_out);
	tcase_add_test(tc, lossless_merge_is_explained);
	tcase_add_test(tc, longer_than_29_is_dropped_by_default);
	tcase_add_test(tc, eight_host_routes_make_a_29);
	tcase_add_test(tc, extend_widens_and_adjacent_29s_merge_after);
	tcase_add_test(tc, extend_never_covers_a_link_subnet);
	tcase_add_test(tc, never_announced_says_so);
	tcase_add_test(tc, exactly_at_the_cap_and_one_over);
	tcase_add_test(tc, cap_actions_truncate_and_refuse);
	tcase_add_test(tc, aggregation_never_crosses_forbidden_space);
	tcase_add_test(tc, diff_withdraws_and_announces_the_delta);
	tcase_add_test(tc, ipv6_runs_on_its_own_with_its_own_cap);
	tcase_add_test(tc, messages_name_the_peering);
	tcase_add_test(tc, ipv6_aggregates_under_its_cap_around_documentation_space);
	tcase_add_test(tc, defaults_public_never_overcovers);
	tcase_add_test(tc, defaults_private_bounded);
	tcase_add_test(tc, overcoverage_counts_entries_dropped_for_length);
	tcase_add_test(tc, a_cap_of_zero_advertises_nothing);
	tcase_add_test(tc, explain_is_snprintf_like);
	tcase_add_test(tc, hysteresis_keeps_aggregates_when_a_prefix_lands_inside_one);
	tcase_add_test(tc, cap_aware_aggregation_against_the_exact_optimum);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
