/* test_rib: the decision process, ECMP, Adj-RIB-In policy and Adj-RIB-Out (lib/rib). */
#include "rib_fixture.h"

#define PFX "10.1.0.0/16"

START_TEST(decision_local_pref_highest)
{
	struct fixture f;

	setup(&f, NULL);
	/* Peer 1's path is better on every later step; LOCAL_PREF decides first. */
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	announce(&f, 2, PFX,
	         &(struct spec){.aspath = "12076 1 2 3",
	                        .nexthop = "172.16.2.2",
	                        .origin = 2,
	                        .has_lp = true,
	                        .lp = 200});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	/* No LOCAL_PREF counts as 100: 99 loses, 101 wins. */
	announce(&f, 2, PFX,
	         &(struct spec){
	                 .aspath = "12076", .nexthop = "172.16.2.2", .has_lp = true, .lp = 99});
	ck_assert_uint_eq(best_peer(&f, PFX), 1);
	announce(&f, 2, PFX,
	         &(struct spec){
	                 .aspath = "12076 1", .nexthop = "172.16.2.2", .has_lp = true, .lp = 101});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	teardown(&f);
}
END_TEST

START_TEST(decision_aspath_shortest_set_counts_one_confed_zero)
{
	struct fixture f;

	setup(&f, NULL);
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076 1 2", .nexthop = "172.16.1.2"});
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076 1", .nexthop = "172.16.2.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	/* A set of three counts as one: 12076 {1,2,3} is length 2, not 4. */
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076 {1,2,3}", .nexthop = "172.16.2.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 1);
	/* Confederation segments count zero: (65010 65011) 12076 is length 1. */
	announce(&f, 2, PFX,
	         &(struct spec){.aspath = "(65010 65011) 12076",
	                        .nexthop = "172.16.2.2",
	                        .origin = ORIGIN_IGP});
	announce(&f, 1, PFX,
	         &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2", .origin = ORIGIN_EGP});
	ck_assert_uint_eq(best_peer(&f, PFX), 2); /* equal length; origin decides */
	teardown(&f);
}
END_TEST

START_TEST(decision_origin_lowest)
{
	struct fixture f;

	setup(&f, NULL);
	announce(&f, 1, PFX,
	         &(struct spec){
	                 .aspath = "12076", .nexthop = "172.16.1.2", .origin = ORIGIN_INCOMPLETE});
	announce(&f, 2, PFX,
	         &(struct spec){.aspath = "12076", .nexthop = "172.16.2.2", .origin = ORIGIN_EGP});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	announce(&f, 1, PFX,
	         &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2", .origin = ORIGIN_IGP});
	ck_assert_uint_eq(best_peer(&f, PFX), 1);
	teardown(&f);
}
END_TEST

START_TEST(decision_med_lowest_within_neighbour_as)
{
	struct fixture f;

	setup(&f, NULL);
	/* Same neighbour AS: the lower MED wins although peer 1 has the lower id. */
	announce(&f, 1, PFX,
	         &(struct spec){
	                 .aspath = "12076", .nexthop = "172.16.1.2", .has_med = true, .med = 20});
	announce(&f, 2, PFX,
	         &(struct spec){
	                 .aspath = "12076", .nexthop = "172.16.2.2", .has_med = true, .med = 10});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	/* A missing MED is the lowest value (RFC 4271 §9.1.2.2 c). */
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 1);
	/* Different neighbour AS: MED is not compared; the BGP id decides. */
	announce(&f, 1, PFX,
	         &(struct spec){
	                 .aspath = "64999", .nexthop = "172.16.1.2", .has_med = true, .med = 50});
	ck_assert_uint_eq(best_peer(&f, PFX), 1); /* id 10.0.0.2 < 10.0.0.3 */
	teardown(&f);
}
END_TEST

START_TEST(decision_always_compare_med)
{
	struct fixture f;
	struct rib_opts o = {.always_compare_med = true};

	setup(&f, &o);
	announce(&f, 1, PFX,
	         &(struct spec){
	                 .aspath = "64999", .nexthop = "172.16.1.2", .has_med = true, .med = 50});
	announce(&f, 2, PFX,
	         &(struct spec){
	                 .aspath = "12076", .nexthop = "172.16.2.2", .has_med = true, .med = 10});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	teardown(&f);
}
END_TEST

START_TEST(decision_med_is_not_pairwise)
{
	struct fixture f;

	setup(&f, NULL);
	/*
	 * RFC 4271 §9.1.2.2 c) removes routes beaten on MED by another route
	 * from the same neighbour AS, over the whole set. Peer 1 (AS 1, MED
	 * 20, id .2) loses to peer 4 (AS 1, MED 10, id .4); then peer 2 (AS
	 * 2, id .3) against peer 4: different AS, the id decides: peer 2. A
	 * pairwise scan in peer order would keep 1 over 2 (id), then lose it
	 * to 4 (MED), and pick 4.
	 */
	announce(
	        &f, 1, PFX,
	        &(struct spec){.aspath = "1", .nexthop = "172.16.1.2", .has_med = true, .med = 20});
	announce(&f, 2, PFX, &(struct spec){.aspath = "2", .nexthop = "172.16.2.2"});
	announce(
	        &f, 4, PFX,
	        &(struct spec){.aspath = "1", .nexthop = "172.16.3.2", .has_med = true, .med = 10});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	teardown(&f);
}
END_TEST

START_TEST(decision_ebgp_over_ibgp)
{
	struct fixture f;

	setup(&f, NULL);
	/* Peer 3 (iBGP) has the lowest BGP id; eBGP still wins first. */
	announce(&f, 3, PFX, &(struct spec){.aspath = "12076", .nexthop = "192.0.2.9"});
	announce(&f, 4, PFX, &(struct spec){.aspath = "65001", .nexthop = "172.16.3.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 4);
	teardown(&f);
}
END_TEST

START_TEST(decision_lowest_bgp_id)
{
	struct fixture f;

	setup(&f, NULL);
	/* Different neighbour AS, so no ECMP and MED not compared: id decides. */
	announce(&f, 4, PFX, &(struct spec){.aspath = "65001", .nexthop = "172.16.3.2"});
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.2.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 2); /* 10.0.0.3 < 10.0.0.4 */
	peer(f.r, 4, "172.16.3.2", 0x01000000, 65001, true);
	/* New info applies when the prefix is decided again. */
	announce(&f, 4, PFX, &(struct spec){.aspath = "65002", .nexthop = "172.16.3.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 4);
	teardown(&f);
}
END_TEST

START_TEST(decision_lowest_peer_address)
{
	struct fixture f;

	setup(&f, NULL);
	peer(f.r, 1, "172.16.1.2", 7, 12076, true);
	peer(f.r, 2, "172.16.0.2", 7, 12076, true); /* same id, lower address */
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.0.2"});
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	teardown(&f);
}
END_TEST

START_TEST(ineligible_paths_stay_visible)
{
	struct fixture f;
	const struct attr *a = NULL;
	const struct rib_path *p;
	struct rib_peer_counts c;

	setup(&f, NULL);
	a = mk(f.at, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	/* Rejected by policy: kept in Adj-RIB-In, no best, no change reported. */
	ck_assert(rib_update(f.r, 1, PP(PFX), a, NULL, 0, 0));
	ck_assert_ptr_null(rib_best(f.r, PP(PFX)));
	p = rib_adj_in(f.r, 1, PP(PFX));
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(rib_path_in(p), a);
	ck_assert_ptr_null(rib_path_eff(p));
	ck_assert_int_eq(f.ch.n, 0);
	/* RFC 7606 treat-as-withdraw: visible, flagged, never eligible. */
	ck_assert(rib_update(f.r, 2, PP(PFX), a, a, RIB_PATH_INVALID, 0));
	ck_assert_ptr_null(rib_best(f.r, PP(PFX)));
	ck_assert(rib_adj_in(f.r, 2, PP(PFX))->flags & RIB_PATH_INVALID);
	ck_assert_int_eq(f.ch.n, 0);
	/* ...and an invalid path without attributes at all. */
	ck_assert(rib_update(f.r, 4, PP(PFX), NULL, NULL, RIB_PATH_INVALID, 0));
	ck_assert(!rib_update(f.r, 4, PP(PFX), NULL, NULL, 0, 0));
	ck_assert(rib_peer_counts(f.r, 2, &c));
	ck_assert_uint_eq(c.paths, 1);
	ck_assert_uint_eq(c.accepted, 0);
	/* The same path made valid becomes best and is reported. */
	ck_assert(rib_update(f.r, 2, PP(PFX), a, a, 0, 0));
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	ck_assert_int_eq(f.ch.n, 1);
	ck_assert(rib_peer_counts(f.r, 2, &c));
	ck_assert_uint_eq(c.accepted, 1);
	ck_assert_uint_eq(c.best, 1);
	/* An unknown peer is refused. */
	ck_assert(!rib_update(f.r, 9, PP(PFX), a, a, 0, 0));
	ck_assert(!rib_peer_counts(f.r, 9, &c));
	attr_unref(a);
	teardown(&f);
}
END_TEST

static void
assert_nh(const struct rib_change *c, unsigned i, uint16_t peer_id, const char *addr)
{
	struct addr a = A(addr);

	ck_assert_uint_gt(c->nnh, i);
	ck_assert_uint_eq(c->nh[i].peer, peer_id);
	ck_assert(addr_eq(&c->nh[i].addr, &a));
}

START_TEST(ecmp_primary_secondary_and_shrink)
{
	struct fixture f;
	char buf[PREFIX_STRLEN];

	setup(&f, NULL);
	announce(&f, 1, PFX,
	         &(struct spec){.aspath = "12076 65515",
	                        .nexthop = "172.16.1.2",
	                        .has_med = true,
	                        .med = 5});
	ck_assert_int_eq(f.ch.n, 1);
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	assert_nh(&f.ch.last, 0, 1, "172.16.1.2");
	ck_assert_str_eq(prefix_fmt(&f.ch.last.prefix, buf, sizeof(buf)), PFX);
	/* Secondary: same attributes but the next hop: one ECMP route. */
	announce(&f, 2, PFX,
	         &(struct spec){.aspath = "12076 65515",
	                        .nexthop = "172.16.2.2",
	                        .has_med = true,
	                        .med = 5});
	ck_assert_int_eq(f.ch.n, 2);
	ck_assert_uint_eq(f.ch.last.best_peer, 1);
	ck_assert_uint_eq(f.ch.last.nnh, 2);
	assert_nh(&f.ch.last, 0, 1, "172.16.1.2");
	assert_nh(&f.ch.last, 1, 2, "172.16.2.2");
	ck_assert(rib_adj_in(f.r, 2, PP(PFX))->flags & RIB_PATH_ECMP);
	ck_assert(!(rib_adj_in(f.r, 2, PP(PFX))->flags & RIB_PATH_BEST));
	/* A repeat changes nothing and says nothing. */
	announce(&f, 2, PFX,
	         &(struct spec){.aspath = "12076 65515",
	                        .nexthop = "172.16.2.2",
	                        .has_med = true,
	                        .med = 5});
	ck_assert_int_eq(f.ch.n, 2);
	/* Primary session goes down: the set shrinks to the secondary. */
	ck_assert_uint_eq(rib_peer_down(f.r, 1), 1);
	ck_assert_int_eq(f.ch.n, 3);
	ck_assert_uint_eq(f.ch.last.best_peer, 2);
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	assert_nh(&f.ch.last, 0, 2, "172.16.2.2");
	/* It comes back: ECMP again, best by BGP id is the primary. */
	announce(&f, 1, PFX,
	         &(struct spec){.aspath = "12076 65515",
	                        .nexthop = "172.16.1.2",
	                        .has_med = true,
	                        .med = 5});
	ck_assert_int_eq(f.ch.n, 4);
	ck_assert_uint_eq(f.ch.last.nnh, 2);
	/* Withdraw both: the prefix is gone, reported once. */
	ck_assert(rib_withdraw(f.r, 2, PP(PFX)));
	ck_assert_int_eq(f.ch.n, 5);
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	ck_assert(rib_withdraw(f.r, 1, PP(PFX)));
	ck_assert_int_eq(f.ch.n, 6);
	ck_assert_ptr_null(f.ch.last.best);
	ck_assert_uint_eq(f.ch.last.nnh, 0);
	ck_assert(!rib_withdraw(f.r, 1, PP(PFX)));
	ck_assert_ptr_null(rib_paths(f.r, PP(PFX)));
	teardown(&f);
}
END_TEST

START_TEST(ecmp_needs_equal_path_med_and_kind)
{
	struct fixture f;

	setup(&f, NULL);
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076 1", .nexthop = "172.16.1.2"});
	/* Same length, different AS path: no multipath-relax. */
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076 2", .nexthop = "172.16.2.2"});
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	/* Different MED: the higher one lost at the MED step. */
	announce(&f, 2, PFX,
	         &(struct spec){
	                 .aspath = "12076 1", .nexthop = "172.16.2.2", .has_med = true, .med = 1});
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	ck_assert_uint_eq(best_peer(&f, PFX), 1);
	/* Different origin. */
	announce(&f, 2, PFX,
	         &(struct spec){.aspath = "12076 1", .nexthop = "172.16.2.2", .origin = 1});
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	/* Equal: two. */
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076 1", .nexthop = "172.16.2.2"});
	ck_assert_uint_eq(f.ch.last.nnh, 2);
	/* iBGP with the same attributes never joins an eBGP set. */
	announce(&f, 3, PFX, &(struct spec){.aspath = "12076 1", .nexthop = "192.0.2.9"});
	ck_assert_uint_eq(rib_best(f.r, PP(PFX))->peer, 1);
	ck_assert(!(rib_adj_in(f.r, 3, PP(PFX))->flags & RIB_PATH_ECMP));
	ck_assert_uint_eq(f.ch.last.nnh, 2);
	teardown(&f);
}
END_TEST

START_TEST(ecmp_limit)
{
	struct fixture f;
	struct rib_opts o = {.max_ecmp = 1};

	setup(&f, &o);
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.2.2"});
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	ck_assert_int_eq(f.ch.n, 1); /* the second path changed nothing visible */
	teardown(&f);
}
END_TEST

START_TEST(peer_down_flushes_and_returns_memory)
{
	struct fixture f;
	struct rib_stats st;
	struct rib_peer_counts c;
	const struct attr *a;
	char s[32];

	setup(&f, NULL);
	a = mk(f.at, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	for (int i = 0; i < 3000; i++) {
		snprintf(s, sizeof(s), "10.%d.%d.0/24", i / 256, i % 256);
		ck_assert(rib_update(f.r, 1, PP(s), a, a, 0, 0));
		if (i % 2 == 0)
			ck_assert(rib_update(f.r, 2, PP(s), a, a, 0, 0));
	}
	attr_unref(a);
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.prefixes, 3000);
	ck_assert_uint_eq(st.paths, 4500);
	ck_assert_uint_gt(st.path_bytes, 4500 * sizeof(struct rib_path) - 1);
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.paths, 3000);
	ck_assert_uint_eq(c.best, 3000);
	f.ch.n = 0;
	ck_assert_uint_eq(rib_peer_down(f.r, 1), 3000);
	ck_assert_int_eq(f.ch.n, 3000); /* 1500 moved to peer 2, 1500 gone */
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.prefixes, 1500);
	ck_assert(rib_peer_counts(f.r, 2, &c));
	ck_assert_uint_eq(c.best, 1500);
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.paths, 0);
	ck_assert_uint_eq(c.best, 0);
	ck_assert_uint_eq(rib_peer_down(f.r, 1), 0);
	ck_assert_uint_eq(rib_peer_down(f.r, 2), 1500);
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.prefixes, 0);
	ck_assert_uint_eq(st.paths, 0);
	ck_assert_uint_eq(st.path_bytes, 0);
	ck_assert_uint_lt(st.trie_bytes, 1024);
	teardown(&f);
}
END_TEST

/* Two RIBs fed alike; one flushes at once, one in steps: same result. */
START_TEST(peer_down_in_steps_matches_one_shot)
{
	struct fixture f, g;
	struct rib_cursor cur = {0};
	struct rib_stats sf, sg;
	size_t flushed = 0;
	int steps = 0;
	char s[48];

	setup(&f, NULL);
	setup(&g, NULL);
	for (int i = 0; i < 500; i++) {
		const struct spec sp = {.aspath = "12076", .nexthop = "172.16.1.2"};

		if (i % 5 == 4)
			snprintf(s, sizeof(s), "2001:db8:%x::/48", i);
		else
			snprintf(s, sizeof(s), "10.%d.%d.0/24", i / 256, i % 256);
		announce(&f, 1, s, &sp);
		announce(&g, 1, s, &sp);
		if (i % 3 == 0) {
			announce(&f, 2, s, &sp);
			announce(&g, 2, s, &sp);
		}
	}
	f.ch.n = g.ch.n = 0;
	ck_assert_uint_eq(rib_peer_down(f.r, 1), 500);
	while (!cur.done) {
		flushed += rib_peer_down_step(g.r, 1, &cur, 7);
		ck_assert_int_lt(++steps, 1000);
		/* Between steps the RIB is whole: the other peer's routes are intact. */
		ck_assert_ptr_nonnull(rib_adj_in(g.r, 2, PP("10.0.0.0/24")));
	}
	ck_assert_int_ge(steps, 500 / 7);
	ck_assert_uint_eq(flushed, 500);
	ck_assert_int_eq(g.ch.n, f.ch.n);
	rib_stats(f.r, &sf);
	rib_stats(g.r, &sg);
	ck_assert_uint_eq(sf.prefixes, sg.prefixes);
	ck_assert_uint_eq(sg.paths, 167);
	ck_assert_uint_eq(rib_peer_down_step(g.r, 1, &cur, 7), 0); /* done stays done */
	teardown(&f);
	teardown(&g);
}
END_TEST

static const struct attr *
policy_lp(uint16_t peer_id, const struct prefix *p, const struct attr *in, uint8_t *reason,
          void *ctx)
{
	struct attr_table *t = ctx;
	struct attr_set s = in->set;

	/* Prefer the secondary; reject 10.9/16 (reason 5). */
	if (p->bytes[1] == 9) {
		*reason = 5;
		return NULL;
	}
	s.present |= ATTR_HAS_LOCAL_PREF;
	s.local_pref = peer_id == 2 ? 300 : 100;
	return attr_intern(t, &s);
}

START_TEST(reevaluate_reruns_policy)
{
	struct fixture f;

	setup(&f, NULL);
	announce(&f, 1, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	announce(&f, 2, PFX, &(struct spec){.aspath = "12076", .nexthop = "172.16.2.2"});
	announce(&f, 1, "10.9.0.0/16", &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	f.ch.n = 0;
	ck_assert_uint_eq(rib_peer_reevaluate(f.r, 2, policy_lp, f.at), 1);
	ck_assert_uint_eq(best_peer(&f, PFX), 2);
	ck_assert_int_eq(f.ch.n, 1);
	ck_assert_uint_eq(f.ch.last.nnh, 1);
	ck_assert_uint_eq(rib_peer_reevaluate(f.r, 1, policy_lp, f.at), 2);
	ck_assert_ptr_null(rib_best(f.r, PP("10.9.0.0/16")));
	ck_assert_ptr_nonnull(rib_adj_in(f.r, 1, PP("10.9.0.0/16"))); /* still in Adj-RIB-In */
	ck_assert_uint_eq(rib_adj_in(f.r, 1, PP("10.9.0.0/16"))->reason, 5);
	/* Again: nothing changes. */
	ck_assert_uint_eq(rib_peer_reevaluate(f.r, 1, policy_lp, f.at), 0);
	teardown(&f);
}
END_TEST

/* The reason a path was rejected for is kept with it and counted per peer. */
START_TEST(reasons_recorded_and_counted)
{
	struct fixture f;
	struct rib_peer_counts c;
	const struct attr *a;

	setup(&f, NULL);
	a = mk(f.at, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	ck_assert(rib_update(f.r, 1, PP("10.1.0.0/16"), a, NULL, 0, 3));
	ck_assert(rib_update(f.r, 1, PP("10.2.0.0/16"), a, NULL, 0, 3));
	ck_assert(rib_update(f.r, 1, PP("10.3.0.0/16"), a, NULL, 0, 7));
	ck_assert(rib_update(f.r, 1, PP("10.4.0.0/16"), a, a, 0, 0));
	ck_assert(rib_update(f.r, 1, PP("10.5.0.0/16"), a, a, RIB_PATH_INVALID, 0));
	ck_assert_uint_eq(rib_adj_in(f.r, 1, PP("10.3.0.0/16"))->reason, 7);
	ck_assert_uint_eq(rib_adj_in(f.r, 1, PP("10.4.0.0/16"))->reason, 0);
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.paths, 5);
	ck_assert_uint_eq(c.accepted, 1);
	ck_assert_uint_eq(c.invalid, 1);
	ck_assert_uint_eq(c.refused[3], 2);
	ck_assert_uint_eq(c.refused[7], 1);
	/* Same attributes, other reason: recorded, and the counts move. */
	ck_assert(rib_update(f.r, 1, PP("10.1.0.0/16"), a, NULL, 0, 7));
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.refused[3], 1);
	ck_assert_uint_eq(c.refused[7], 2);
	/* An accepted path carries no reason whatever the caller passed. */
	ck_assert(rib_update(f.r, 1, PP("10.2.0.0/16"), a, a, 0, 3));
	ck_assert_uint_eq(rib_adj_in(f.r, 1, PP("10.2.0.0/16"))->reason, 0);
	ck_assert(rib_withdraw(f.r, 1, PP("10.3.0.0/16")));
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.refused[3], 0);
	ck_assert_uint_eq(c.refused[7], 1);
	ck_assert_uint_eq(c.accepted, 2);
	ck_assert_uint_eq(rib_peer_down(f.r, 1), 4);
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.refused[7] + c.invalid + c.accepted + c.paths, 0);
	attr_unref(a);
	teardown(&f);
}
END_TEST

/* Reject every prefix whose second octet is below *ctx (reason 2). */
static const struct attr *
policy_below(uint16_t peer_id, const struct prefix *p, const struct attr *in, uint8_t *reason,
             void *ctx)
{
	const unsigned *limit = ctx;

	(void)peer_id;
	if (p->bytes[1] < *limit) {
		*reason = 2;
		return NULL;
	}
	return attr_ref(in);
}

/* Adj-RIB-In of peers 1 and 2 over n prefixes 10.X.Y.0/24, every third from 2. */
static void
fill_two_peers(struct fixture *f, unsigned n)
{
	const struct attr *a1 =
	        mk(f->at, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	const struct attr *a2 =
	        mk(f->at, &(struct spec){.aspath = "12076", .nexthop = "172.16.2.2"});

	for (unsigned i = 0; i < n; i++) {
		struct prefix p;
		char s[32];

		snprintf(s, sizeof(s), "10.%u.%u.0/24", i % 256, i / 256);
		ck_assert(prefix_parse(s, &p, 0) == PREFIX_OK);
		ck_assert(rib_update(f->r, 1, &p, a1, a1, 0, 0));
		if (i % 3 == 0)
			ck_assert(rib_update(f->r, 2, &p, a2, a2, 0, 0));
	}
	attr_unref(a1);
	attr_unref(a2);
}

struct snap {
	size_t best1, best2, accepted;
	int changes;
};

static void
snap_of(struct fixture *f, struct snap *s)
{
	struct rib_peer_counts c1, c2;

	ck_assert(rib_peer_counts(f->r, 1, &c1));
	ck_assert(rib_peer_counts(f->r, 2, &c2));
	*s = (struct snap){c1.best, c2.best, c1.accepted, f->ch.n};
}

/*
 * The sliced walk ends where one full walk ends, whatever the budget:
 * same counts, same Loc-RIB, same number of reported changes, and no step
 * visits more than its budget.
 */
START_TEST(reevaluate_step_matches_full)
{
	static const size_t budgets[] = {1, 2, 7, 100, 5000};
	unsigned limit = 100;
	struct fixture full;
	struct snap want;
	size_t want_changed;

	setup(&full, NULL);
	fill_two_peers(&full, 2000);
	full.ch.n = 0;
	want_changed = rib_peer_reevaluate(full.r, 1, policy_below, &limit);
	snap_of(&full, &want);
	ck_assert_uint_gt(want_changed, 0);
	ck_assert_uint_gt(want.best2, 0);
	for (size_t b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
		struct fixture f;
		struct rib_cursor cur = {0};
		size_t changed = 0, steps = 0;
		struct snap got;

		setup(&f, NULL);
		fill_two_peers(&f, 2000);
		f.ch.n = 0;
		while (!cur.done) {
			changed += rib_peer_reevaluate_step(f.r, 1, policy_below, &limit, &cur,
			                                    budgets[b]);
			ck_assert_uint_lt(++steps, 10000);
		}
		snap_of(&f, &got);
		ck_assert_uint_eq(changed, want_changed);
		ck_assert_uint_eq(got.best1, want.best1);
		ck_assert_uint_eq(got.best2, want.best2);
		ck_assert_uint_eq(got.accepted, want.accepted);
		ck_assert_int_eq(got.changes, want.changes);
		/* 2000 prefixes: at least 2000 / budget steps. */
		ck_assert_uint_ge(steps, 2000 / budgets[b]);
		ck_assert_uint_eq(rib_peer_reevaluate_step(f.r, 1, policy_below, &limit, &cur, 1),
		                  0);
		teardown(&f);
	}
	teardown(&full);
}
END_TEST

/*
 * Routes that arrive during a sliced walk, decided by the new policy, and
 * a walk restarted for a newer policy: the end state is the last policy's.
 */
START_TEST(reevaluate_step_interleaved)
{
	struct fixture f;
	struct rib_cursor cur = {0};
	struct rib_peer_counts c;
	unsigned limit = 50;
	const struct attr *a;

	setup(&f, NULL);
	fill_two_peers(&f, 512);
	a = mk(f.at, &(struct spec){.aspath = "12076 1", .nexthop = "172.16.1.2"});
	rib_peer_reevaluate_step(f.r, 1, policy_below, &limit, &cur, 100);
	ck_assert(!cur.done);
	/* The peer re-sends one prefix ahead of the cursor and one behind. */
	ck_assert(rib_update(f.r, 1, PP("10.40.1.0/24"), a, NULL, 0, 2));
	ck_assert(rib_update(f.r, 1, PP("10.200.1.0/24"), a, a, 0, 0));
	/* A newer policy: start over. */
	limit = 10;
	memset(&cur, 0, sizeof(cur));
	while (!cur.done)
		rib_peer_reevaluate_step(f.r, 1, policy_below, &limit, &cur, 33);
	/* 10 second octets (0..9) of 256 rejected, each with 2 prefixes. */
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.paths, 512);
	ck_assert_uint_eq(c.refused[2], 20);
	ck_assert_uint_eq(c.accepted, 492);
	ck_assert_ptr_nonnull(rib_path_eff(rib_adj_in(f.r, 1, PP("10.40.1.0/24"))));
	attr_unref(a);
	teardown(&f);
}
END_TEST

struct wcount {
	int n;
	char text[512];
};

static int
walk_fn(const struct prefix *p, const struct rib_path *paths, void *ctx)
{
	struct wcount *w = ctx;
	char buf[PREFIX_STRLEN];
	size_t used = strlen(w->text);

	snprintf(w->text + used, sizeof(w->text) - used, "%s%s:%u", used ? " " : "",
	         prefix_fmt(p, buf, sizeof(buf)), paths->peer);
	w->n++;
	return 0;
}

START_TEST(queries_and_walks)
{
	struct fixture f;
	struct wcount w;
	struct prefix m;
	const struct rib_path *b;
	const struct spec s1 = {.aspath = "12076", .nexthop = "172.16.1.2"};
	const struct spec s6 = {.aspath = "12076", .nexthop = "2001:db8::2"};

	setup(&f, NULL);
	announce(&f, 1, "10.0.0.0/8", &s1);
	announce(&f, 2, "10.1.0.0/16", &s1);
	announce(&f, 1, "2001:db8::/32", &s6);
	announce(&f, 4, "0.0.0.0/0", &s1);
	b = rib_match(f.r, &(struct addr[1]){A("10.1.2.3")}[0], &m);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->peer, 2);
	ck_assert(prefix_eq(&m, PP("10.1.0.0/16")));
	b = rib_match(f.r, &(struct addr[1]){A("10.2.2.3")}[0], &m);
	ck_assert_uint_eq(b->peer, 1);
	b = rib_match(f.r, &(struct addr[1]){A("11.0.0.1")}[0], NULL);
	ck_assert_uint_eq(b->peer, 4);
	ck_assert_ptr_null(rib_match(f.r, &(struct addr[1]){A("2001:db9::1")}[0], NULL));
	/* A covering prefix whose only path is rejected does not match. */
	{
		const struct attr *a = mk(f.at, &s1);

		ck_assert(rib_update(f.r, 3, PP("10.1.2.0/24"), a, NULL, 0, 0));
		attr_unref(a);
	}
	b = rib_match(f.r, &(struct addr[1]){A("10.1.2.3")}[0], &m);
	ck_assert(prefix_eq(&m, PP("10.1.0.0/16")));

	memset(&w, 0, sizeof(w));
	rib_walk(f.r, 0, walk_fn, &w);
	ck_assert_str_eq(w.text, "0.0.0.0/0:4 10.0.0.0/8:1 10.1.0.0/16:2 10.1.2.0/24:3 "
	                         "2001:db8::/32:1");
	memset(&w, 0, sizeof(w));
	rib_walk(f.r, AFI_IP6, walk_fn, &w);
	ck_assert_str_eq(w.text, "2001:db8::/32:1");
	memset(&w, 0, sizeof(w));
	rib_adj_in_walk(f.r, 1, 0, walk_fn, &w);
	ck_assert_str_eq(w.text, "10.0.0.0/8:1 2001:db8::/32:1");
	memset(&w, 0, sizeof(w));
	rib_adj_in_walk(f.r, 1, AFI_IP, walk_fn, &w);
	ck_assert_str_eq(w.text, "10.0.0.0/8:1");
	memset(&w, 0, sizeof(w));
	rib_walk_after(f.r, PP("10.1.0.0/16"), walk_fn, &w);
	ck_assert_str_eq(w.text, "10.1.2.0/24:3 2001:db8::/32:1");
	memset(&w, 0, sizeof(w));
	rib_walk_after(f.r, NULL, walk_fn, &w);
	ck_assert_int_eq(w.n, 5);
	memset(&w, 0, sizeof(w));
	rib_adj_in_walk_after(f.r, 1, PP("10.0.0.0/8"), walk_fn, &w);
	ck_assert_str_eq(w.text, "2001:db8::/32:1");
	teardown(&f);
}
END_TEST

/* ---- Adj-RIB-Out ---- */

static size_t
pull(struct fixture *f, uint16_t peer_id, struct rib_out_batch *b, struct prefix *buf, size_t cap)
{
	if (!rib_out_next(f->r, peer_id, buf, cap, b))
		return 0;
	return b->n;
}

START_TEST(out_coalesces_latest_state_wins)
{
	struct fixture f;
	struct rib_out_batch b;
	struct prefix buf[16];
	const struct attr *a1, *a2;
	struct rib_peer_counts c;

	setup(&f, NULL);
	a1 = mk(f.at, &(struct spec){.aspath = "65520", .nexthop = "172.16.1.1"});
	a2 = mk(f.at, &(struct spec){.aspath = "65520 65520", .nexthop = "172.16.1.1"});
	ck_assert(!rib_out_next(f.r, 1, buf, 16, &b));
	ck_assert(!rib_out_withdraw(f.r, 1, PP("10.10.0.0/16")));
	/* Announce twice with different sets: pending once, with the second. */
	ck_assert(rib_out_announce(f.r, 1, PP("10.10.0.0/16"), a1));
	ck_assert(rib_out_announce(f.r, 1, PP("10.10.0.0/16"), a2));
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 1);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 16), 1);
	ck_assert_ptr_eq(b.attr, a2);
	/* Withdrawn before it was ever sent: nothing left to say. */
	ck_assert(rib_out_withdraw(f.r, 1, PP("10.10.0.0/16")));
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 0);
	ck_assert(!rib_out_next(f.r, 1, buf, 16, &b));
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.out, 0);
	/* Send it, then withdraw: one withdraw pending. */
	ck_assert(rib_out_announce(f.r, 1, PP("10.10.0.0/16"), a1));
	pull(&f, 1, &b, buf, 16);
	ck_assert_uint_eq(rib_out_sent(f.r, 1, &b, b.n), 1);
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 0);
	/* Announcing what the peer already has is not pending. */
	ck_assert(rib_out_announce(f.r, 1, PP("10.10.0.0/16"), a1));
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 0);
	ck_assert(rib_out_withdraw(f.r, 1, PP("10.10.0.0/16")));
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 16), 1);
	ck_assert_ptr_null(b.attr);
	ck_assert_uint_eq(b.afi, AFI_IP);
	/* Re-announced with the set the peer has: the withdraw is cancelled. */
	ck_assert(rib_out_announce(f.r, 1, PP("10.10.0.0/16"), a1));
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 0);
	/* Withdraw and send it: the entry goes away. */
	ck_assert(rib_out_withdraw(f.r, 1, PP("10.10.0.0/16")));
	pull(&f, 1, &b, buf, 16);
	ck_assert_uint_eq(rib_out_sent(f.r, 1, &b, 1), 1);
	ck_assert(rib_peer_counts(f.r, 1, &c));
	ck_assert_uint_eq(c.out, 0);
	attr_unref(a1);
	attr_unref(a2);
	teardown(&f);
}
END_TEST

START_TEST(out_withdraws_first_then_groups_by_attributes)
{
	struct fixture f;
	struct rib_out_batch b;
	struct prefix buf[4];
	const struct attr *a1, *a2, *a6;
	char s[32];

	setup(&f, NULL);
	a1 = mk(f.at, &(struct spec){.aspath = "65520", .nexthop = "172.16.1.1"});
	a2 = mk(f.at, &(struct spec){.aspath = "65520", .nexthop = "172.16.1.1", .origin = 2});
	a6 = mk(f.at, &(struct spec){.aspath = "65520", .nexthop = "2001:db8::1"});
	/* Sent earlier: 10.99.0.0/16 and 2001:db8:99::/48 (to withdraw later). */
	ck_assert(rib_out_announce(f.r, 1, PP("10.99.0.0/16"), a1));
	ck_assert(rib_out_announce(f.r, 1, PP("2001:db8:99::/48"), a6));
	while (pull(&f, 1, &b, buf, 4) > 0)
		rib_out_sent(f.r, 1, &b, b.n);
	/* Interleave two groups. */
	for (int i = 0; i < 6; i++) {
		snprintf(s, sizeof(s), "10.%d.0.0/16", i);
		ck_assert(rib_out_announce(f.r, 1, PP(s), i % 2 ? a2 : a1));
	}
	ck_assert(rib_out_announce(f.r, 1, PP("2001:db8:1::/48"), a6));
	ck_assert(rib_out_withdraw(f.r, 1, PP("2001:db8:99::/48")));
	ck_assert(rib_out_withdraw(f.r, 1, PP("10.99.0.0/16")));
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 9);

	/* IPv4 withdraws, IPv6 withdraws, then groups oldest first. */
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 4), 1);
	ck_assert(b.attr == NULL && b.afi == AFI_IP && prefix_eq(&buf[0], PP("10.99.0.0/16")));
	rib_out_sent(f.r, 1, &b, 1);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 4), 1);
	ck_assert(b.attr == NULL && b.afi == AFI_IP6);
	rib_out_sent(f.r, 1, &b, 1);
	/* Group a1: 10.0, 10.2, 10.4 in announce order. */
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 4), 3);
	ck_assert_ptr_eq(b.attr, a1);
	ck_assert(prefix_eq(&buf[0], PP("10.0.0.0/16")));
	ck_assert(prefix_eq(&buf[2], PP("10.4.0.0/16")));
	/* The packer took only two: the third stays pending at the front. */
	ck_assert_uint_eq(rib_out_sent(f.r, 1, &b, 2), 2);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 4), 1);
	ck_assert(prefix_eq(&buf[0], PP("10.4.0.0/16")));
	/* Changed between next and sent: not marked, still pending (in a2). */
	ck_assert(rib_out_announce(f.r, 1, PP("10.4.0.0/16"), a2));
	ck_assert_uint_eq(rib_out_sent(f.r, 1, &b, 1), 0);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 2), 2); /* cap */
	ck_assert_ptr_eq(b.attr, a2);
	rib_out_sent(f.r, 1, &b, 2);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 4), 2);
	ck_assert_ptr_eq(b.attr, a2);
	ck_assert(prefix_eq(&buf[1], PP("10.4.0.0/16")));
	rib_out_sent(f.r, 1, &b, 2);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 4), 1);
	ck_assert(b.attr == a6 && b.afi == AFI_IP6);
	rib_out_sent(f.r, 1, &b, 1);
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 0);
	ck_assert(!rib_out_next(f.r, 1, buf, 4, &b));
	attr_unref(a1);
	attr_unref(a2);
	attr_unref(a6);
	teardown(&f);
}
END_TEST

static int
out_walk_fn(const struct prefix *p, const struct attr *want, const struct attr *sent, void *ctx)
{
	int *n = ctx;

	ck_assert_ptr_nonnull(want);
	(*n)++;
	return 0;
}

START_TEST(out_reset_requeues_and_flush_forgets)
{
	struct fixture f;
	struct rib_out_batch b;
	struct prefix buf[8];
	const struct attr *a1;
	int n = 0;

	setup(&f, NULL);
	a1 = mk(f.at, &(struct spec){.aspath = "65520", .nexthop = "172.16.1.1"});
	ck_assert(rib_out_announce(f.r, 1, PP("10.10.0.0/16"), a1));
	ck_assert(rib_out_announce(f.r, 1, PP("10.20.0.0/16"), a1));
	ck_assert(rib_out_announce(f.r, 1, PP("10.30.0.0/16"), a1));
	pull(&f, 1, &b, buf, 8);
	rib_out_sent(f.r, 1, &b, 3);
	ck_assert(rib_out_withdraw(f.r, 1, PP("10.30.0.0/16"))); /* pending withdraw */
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 1);
	/* Session down: the peer has nothing; the wanted two are pending again. */
	rib_out_reset(f.r, 1);
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 2);
	ck_assert_uint_eq(pull(&f, 1, &b, buf, 8), 2);
	ck_assert_ptr_eq(b.attr, a1);
	rib_out_walk(f.r, 1, out_walk_fn, &n);
	ck_assert_int_eq(n, 2);
	/* Unknown peers and peers without an Adj-RIB-Out are harmless. */
	rib_out_reset(f.r, 2);
	rib_out_flush(f.r, 9);
	ck_assert(!rib_out_announce(f.r, 9, PP("10.10.0.0/16"), a1));
	rib_out_flush(f.r, 1);
	ck_assert_uint_eq(rib_out_pending(f.r, 1), 0);
	ck_assert(!rib_out_next(f.r, 1, buf, 8, &b));
	attr_unref(a1);
	teardown(&f);
}
END_TEST

/*
 * The Adj-RIB-In keeps a second set only where inbound policy changed the
 * attributes, and shares it: 200 routes that came in with one set and left
 * with another hold one pair; accepted unchanged or rejected, none.
 */
START_TEST(policy_changed_attributes_are_shared_pairs)
{
	struct fixture f;
	struct rib_stats st;
	const struct attr *in, *eff, *eff2;
	char s[32];

	setup(&f, NULL);
	in = mk(f.at, &(struct spec){.aspath = "12076 65001", .nexthop = "172.16.1.2"});
	eff = mk(f.at, &(struct spec){.aspath = "12076 65001",
	                              .nexthop = "172.16.1.2",
	                              .has_lp = true,
	                              .lp = 200});
	eff2 = mk(f.at, &(struct spec){.aspath = "12076 65001",
	                               .nexthop = "172.16.1.2",
	                               .has_lp = true,
	                               .lp = 50});
	for (int i = 0; i < 200; i++) {
		snprintf(s, sizeof(s), "10.1.%d.0/24", i);
		ck_assert(rib_update(f.r, 1, PP(s), in, in, 0, 0));
	}
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.paths, 200);
	ck_assert_uint_eq(st.pairs, 0);
	/* Paths of one prefix each: a 16-byte path apiece, chunk rounding aside. */
	ck_assert_uint_le(st.path_bytes, 200 * 16 + 4096);
	for (int i = 0; i < 200; i++) {
		snprintf(s, sizeof(s), "10.1.%d.0/24", i);
		ck_assert(rib_update(f.r, 1, PP(s), in, i < 150 ? eff : eff2, 0, 0));
	}
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.pairs, 2);
	ck_assert_ptr_eq(rib_path_in(rib_adj_in(f.r, 1, PP("10.1.7.0/24"))), in);
	ck_assert_ptr_eq(rib_path_eff(rib_adj_in(f.r, 1, PP("10.1.7.0/24"))), eff);
	ck_assert_ptr_eq(rib_path_eff(rib_adj_in(f.r, 1, PP("10.1.170.0/24"))), eff2);
	ck_assert_uint_eq(rib_path_eff(rib_best(f.r, PP("10.1.7.0/24")))->set.local_pref, 200);
	/* Rejected: the received set alone, the reason kept. */
	for (int i = 150; i < 200; i++) {
		snprintf(s, sizeof(s), "10.1.%d.0/24", i);
		ck_assert(rib_update(f.r, 1, PP(s), in, NULL, 0, 3));
	}
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.pairs, 1);
	ck_assert_ptr_eq(rib_path_in(rib_adj_in(f.r, 1, PP("10.1.170.0/24"))), in);
	ck_assert_ptr_null(rib_path_eff(rib_adj_in(f.r, 1, PP("10.1.170.0/24"))));
	ck_assert_uint_eq(rib_adj_in(f.r, 1, PP("10.1.170.0/24"))->reason, 3);
	ck_assert_ptr_null(rib_best(f.r, PP("10.1.170.0/24")));
	attr_unref(in);
	attr_unref(eff);
	attr_unref(eff2);
	ck_assert_uint_eq(rib_peer_down(f.r, 1), 200);
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.pairs, 0);
	ck_assert_uint_eq(st.path_bytes, 0);
	teardown(&f); /* and every set was given back */
}
END_TEST

static const struct attr *
reject_all(uint16_t peer, const struct prefix *p, const struct attr *in, uint8_t *reason, void *ctx)
{
	*reason = 2;
	return NULL;
}

static const struct attr *
raise_lp(uint16_t peer, const struct prefix *p, const struct attr *in, uint8_t *reason, void *ctx)
{
	struct attr_table *t = ctx;
	struct attr_set s = in->set;

	s.present |= ATTR_HAS_LOCAL_PREF;
	s.local_pref = 300;
	return attr_intern(t, &s);
}

/* Re-evaluation moves paths between the forms and back, pairs following. */
START_TEST(reevaluate_moves_between_forms)
{
	struct fixture f;
	struct rib_stats st;
	const struct attr *in;
	char s[32];

	setup(&f, NULL);
	in = mk(f.at, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	for (int i = 0; i < 50; i++) {
		snprintf(s, sizeof(s), "10.2.%d.0/24", i);
		ck_assert(rib_update(f.r, 1, PP(s), in, in, 0, 0));
	}
	ck_assert_uint_eq(rib_peer_reevaluate(f.r, 1, raise_lp, f.at), 50);
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.pairs, 1);
	ck_assert_ptr_eq(rib_path_in(rib_adj_in(f.r, 1, PP("10.2.9.0/24"))), in);
	ck_assert_uint_eq(rib_path_eff(rib_best(f.r, PP("10.2.9.0/24")))->set.local_pref, 300);
	ck_assert_uint_eq(rib_peer_reevaluate(f.r, 1, raise_lp, f.at), 0);
	ck_assert_uint_eq(rib_peer_reevaluate(f.r, 1, reject_all, NULL), 50);
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.pairs, 0);
	ck_assert_ptr_null(rib_best(f.r, PP("10.2.9.0/24")));
	ck_assert_ptr_eq(rib_path_in(rib_adj_in(f.r, 1, PP("10.2.9.0/24"))), in);
	attr_unref(in);
	teardown(&f);
}
END_TEST

/* Paths in peer-id order however they come and go, past the slab-sized arrays too. */
START_TEST(many_peers_one_prefix)
{
	enum { NP = 40 };
	struct fixture f;
	struct rib_stats st;
	const struct attr *a;
	unsigned order[NP], n;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	bool in[NP + 5] = {0};
	char addr[32];

	setup(&f, NULL);
	for (unsigned i = 5; i < NP + 5; i++) {
		snprintf(addr, sizeof(addr), "172.17.%u.2", i);
		peer(f.r, (uint16_t)i, addr, 0x0b000000 + i, 65000 + i, true);
	}
	a = mk(f.at, &(struct spec){.aspath = "12076", .nexthop = "172.16.1.2"});
	for (unsigned i = 0; i < NP; i++)
		order[i] = i + 5;
	for (int round = 0; round < 2; round++) {
		for (unsigned i = NP; i > 1; i--) {
			unsigned j, t;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			j = (unsigned)(x % i);
			t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (unsigned k = 0; k < NP; k++) {
			const struct rib_path *rp;
			unsigned prev = 0;

			if (round == 0)
				ck_assert(rib_update(f.r, (uint16_t)order[k], PP("10.3.0.0/16"), a,
				                     a, 0, 0));
			else
				ck_assert(rib_withdraw(f.r, (uint16_t)order[k], PP("10.3.0.0/16")));
			in[order[k]] = round == 0;
			n = 0;
			for (rp = rib_paths(f.r, PP("10.3.0.0/16")); rp != NULL;
			     rp = rib_path_next(rp)) {
				ck_assert_uint_gt(rp->peer, prev);
				ck_assert(in[rp->peer]);
				ck_assert_ptr_eq(rib_path_in(rp), a);
				prev = rp->peer;
				n++;
			}
			ck_assert_uint_eq(n, round == 0 ? k + 1 : NP - k - 1);
			ck_assert_int_eq(rib_adj_in(f.r, (uint16_t)order[k], PP("10.3.0.0/16")) !=
			                         NULL,
			                 round == 0);
		}
	}
	rib_stats(f.r, &st);
	ck_assert_uint_eq(st.prefixes, 0);
	ck_assert_uint_eq(st.path_bytes, 0);
	attr_unref(a);
	teardown(&f);
}
END_TEST

static Suite *
rib_suite(void)
{
	Suite *s = suite_create("rib");
	TCase *d = tcase_create("decision");
	TCase *e = tcase_create("ecmp");
	TCase *o = tcase_create("adj-rib-out");

	tcase_add_test(d, decision_local_pref_highest);
	tcase_add_test(d, decision_aspath_shortest_set_counts_one_confed_zero);
	tcase_add_test(d, decision_origin_lowest);
	tcase_add_test(d, decision_med_lowest_within_neighbour_as);
	tcase_add_test(d, decision_always_compare_med);
	tcase_add_test(d, decision_med_is_not_pairwise);
	tcase_add_test(d, decision_ebgp_over_ibgp);
	tcase_add_test(d, decision_lowest_bgp_id);
	tcase_add_test(d, decision_lowest_peer_address);
	tcase_add_test(d, ineligible_paths_stay_visible);
	suite_add_tcase(s, d);
	tcase_add_test(e, ecmp_primary_secondary_and_shrink);
	tcase_add_test(e, ecmp_needs_equal_path_med_and_kind);
	tcase_add_test(e, ecmp_limit);
	tcase_add_test(e, peer_down_flushes_and_returns_memory);
	tcase_add_test(e, peer_down_in_steps_matches_one_shot);
	tcase_add_test(e, reevaluate_reruns_policy);
	tcase_add_test(e, reasons_recorded_and_counted);
	tcase_add_test(e, reevaluate_step_matches_full);
	tcase_add_test(e, reevaluate_step_interleaved);
	tcase_add_test(e, policy_changed_attributes_are_shared_pairs);
	tcase_add_test(e, reevaluate_moves_between_forms);
	tcase_add_test(e, many_peers_one_prefix);
	tcase_add_test(e, queries_and_walks);
	suite_add_tcase(s, e);
	tcase_add_test(o, out_coalesces_latest_state_wins);
	tcase_add_test(o, out_withdraws_first_then_groups_by_attributes);
	tcase_add_test(o, out_reset_requeues_and_flush_forgets);
	suite_add_tcase(s, o);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rib_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
