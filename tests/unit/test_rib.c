#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler.h"
#include "rib.h"

static struct prefix
P(const char *s) {
	struct prefix p;

	ck_assert_msg(prefix_parse(s, &p, PREFIX_PARSE_HOST) == PREFIX_OK, "%s", s);
	return p;
}
#define PP(s) (&(struct prefix[1]){P(s)}[0])

static struct addr
A(const char *s) {
	struct addr a;

	ck_assert_msg(addr_parse(s, &a) == PREFIX_OK, "%s", s);
	return a;
}

/*
 * A path description for tests: fields left 0 mean "absent" for MED and
 * LOCAL_PREF (use the has_ flags), the AS path is a string like
 * "12076 65001 {1,2} (65010)" parsed here.
 */
struct spec {
	const char *aspath;
	const char *nexthop;
	int origin;
	bool has_med, has_lp;
	uint32_t med, lp;
};

static const struct attr *
mk(struct attr_table *t, const struct spec *sp)
{
	struct attr_seg segs[16];
	uint32_t asns[64];
	struct attr_set s;
	const char *c = sp->aspath ? sp->aspath : "";
	unsigned nsegs = 0, nasns = 0;
	const struct attr *a;

	attr_set_init(&s);
	s.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH;
	s.origin = (uint8_t)sp->origin;
	bool seq_open = false; /* the last segment is a plain sequence still growing */

	while (*c != '\0') {
		char *end;

		if (*c == ' ') {
			c++;
			continue;
		}
		if (*c == '{' || *c == '(' || *c == '[') {
			char close = *c == '{' ? '}' : *c == '(' ? ')' : ']';

			segs[nsegs].type = *c == '{'   ? AS_SET
			                   : *c == '(' ? AS_CONFED_SEQUENCE
			                               : AS_CONFED_SET;
			segs[nsegs++].count = 0;
			c++;
			while (*c != close && *c != '\0') {
				if (*c == ' ' || *c == ',') {
					c++;
					continue;
				}
				asns[nasns++] = (uint32_t)strtoul(c, &end, 10);
				segs[nsegs - 1].count++;
				c = end;
			}
			if (*c == close)
				c++;
			seq_open = false;
			continue;
		}
		if (!seq_open) {
			segs[nsegs].type = AS_SEQUENCE;
			segs[nsegs++].count = 0;
			seq_open = true;
		}
		asns[nasns++] = (uint32_t)strtoul(c, &end, 10);
		segs[nsegs - 1].count++;
		ck_assert_ptr_ne(end, c);
		c = end;
	}
	s.nsegs = (uint16_t)nsegs;
	s.nasns = (uint16_t)nasns;
	s.segs = segs;
	s.asns = asns;
	if (sp->nexthop != NULL) {
		s.present |= ATTR_HAS_NEXT_HOP;
		s.nexthop = A(sp->nexthop);
	}
	if (sp->has_med) {
		s.present |= ATTR_HAS_MED;
		s.med = sp->med;
	}
	if (sp->has_lp) {
		s.present |= ATTR_HAS_LOCAL_PREF;
		s.local_pref = sp->lp;
	}
	a = attr_intern(t, &s);
	ck_assert_ptr_nonnull(a);
	return a;
}

/* Records every change reported, the last per prefix and a count. */
struct changes {
	struct rib_change last;
	int n;
};

static void
on_change(const struct rib_change *c, void *ctx)
{
	struct changes *ch = ctx;

	ch->last = *c;
	ch->n++;
}

struct fixture {
	struct attr_table *at;
	struct rib *r;
	struct changes ch;
};

static void
peer(struct rib *r, uint16_t id, const char *addr, uint32_t bgp_id, uint32_t as, bool ebgp)
{
	struct rib_peer_info pi = {.addr = A(addr), .bgp_id = bgp_id, .as = as, .ebgp = ebgp};

	ck_assert(rib_peer_set(r, id, &pi));
}

static void
setup(struct fixture *f, const struct rib_opts *o)
{
	memset(f, 0, sizeof(*f));
	f->at = attr_table_new();
	f->r = rib_new(o, on_change, &f->ch);
	ck_assert_ptr_nonnull(f->at);
	ck_assert_ptr_nonnull(f->r);
	/* Two eBGP sessions to one provider (primary, secondary), one iBGP peer. */
	peer(f->r, 1, "172.16.1.2", 0x0a000002, 12076, true);
	peer(f->r, 2, "172.16.2.2", 0x0a000003, 12076, true);
	peer(f->r, 3, "192.0.2.9", 0x0a000001, 65520, false);
	peer(f->r, 4, "172.16.3.2", 0x0a000004, 65001, true);
}

static void
teardown(struct fixture *f)
{
	rib_free(f->r);
	ck_assert_uint_eq(attr_table_count(f->at), 0); /* every reference returned */
	attr_table_free(f->at);
}

/* Announce with eff == in and drop our own reference. */
static void
announce(struct fixture *f, uint16_t peer_id, const char *p, const struct spec *sp)
{
	const struct attr *a = mk(f->at, sp);

	ck_assert(rib_update(f->r, peer_id, PP(p), a, a, 0, 0));
	attr_unref(a);
}

static uint16_t
best_peer(struct fixture *f, const char *p)
{
	const struct rib_path *b = rib_best(f->r, PP(p));

	ck_assert_ptr_nonnull(b);
	ck_assert(b->flags & RIB_PATH_BEST);
	return b->peer;
}

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
	ck_assert_ptr_eq(p->in, a);
	ck_assert_ptr_null(p->eff);
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
	ck_assert_ptr_nonnull(rib_adj_in(f.r, 1, PP("10.40.1.0/24"))->eff);
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
 * Randomized: random updates, withdraws and session drops from four peers
 * over a small prefix set with a small attribute pool, against a reference
 * that keeps paths in plain arrays and decides by its own straightforward
 * reading of RFC 4271 §9.1.2.2. A "kernel" table fed only by the change
 * callback must always equal the reference's visible state, which checks
 * that no change goes unreported.
 */
#define RP 24 /* prefixes */
#define RN 5  /* peers 1..4 */
#define RA 12 /* attribute sets */

struct rref {
	const struct attr *eff[RP][RN]; /* NULL: no eligible path */
	bool has[RP][RN];
};

struct kernel {
	const struct attr *best[RP];
	unsigned nnh[RP];
	struct rib_nexthop nh[RP][RIB_ECMP_MAX];
	struct prefix pfx[RP];
};

static int
pfx_index(const struct kernel *k, const struct prefix *p)
{
	for (int i = 0; i < RP; i++)
		if (prefix_eq(&k->pfx[i], p))
			return i;
	return -1;
}

static void
kernel_fn(const struct rib_change *c, void *ctx)
{
	struct kernel *k = ctx;
	int i = pfx_index(k, &c->prefix);

	ck_assert_int_ge(i, 0);
	k->best[i] = c->best;
	k->nnh[i] = c->nnh;
	memcpy(k->nh[i], c->nh, sizeof(c->nh));
}

static uint64_t rng;
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct rib_peer_info rpeers[RN] = {
        [1] = {.bgp_id = 0x0a000002, .as = 12076, .ebgp = true},
        [2] = {.bgp_id = 0x0a000003, .as = 12076, .ebgp = true},
        [3] = {.bgp_id = 0x0a000001, .as = 65520, .ebgp = false},
        [4] = {.bgp_id = 0x0a000003, .as = 65001, .ebgp = true}, /* id tie with 2 */
};

static uint32_t
ref_lp(const struct attr *a)
{
	return a->set.present & ATTR_HAS_LOCAL_PREF ? a->set.local_pref : 100;
}

static uint32_t
ref_med(const struct attr *a)
{
	return a->set.present & ATTR_HAS_MED ? a->set.med : 0;
}

static bool
ref_aspath_eq(const struct attr_set *a, const struct attr_set *b)
{
	char x[256], y[256];

	/* The text form says everything about the path; compare that. */
	return strcmp(attr_aspath_fmt(a, x, sizeof(x)), attr_aspath_fmt(b, y, sizeof(y))) == 0;
}

/* The reference decision: filter an index set step by step. */
static int
ref_best(const struct rref *rf, int p, bool *ecmp)
{
	bool in[RN] = {0};
	int best = -1;

	for (int q = 1; q < RN; q++)
		in[q] = rf->eff[p][q] != NULL;
	/* "in[x] = false when y beats x"; each step over a snapshot. */
	{
		bool snap[RN];

		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    ref_lp(rf->eff[p][y]) > ref_lp(rf->eff[p][x]))
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    attr_aspath_len(&rf->eff[p][y]->set) <
				            attr_aspath_len(&rf->eff[p][x]->set))
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    rf->eff[p][y]->set.origin < rf->eff[p][x]->set.origin)
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    attr_neighbor_as(&rf->eff[p][y]->set) ==
				            attr_neighbor_as(&rf->eff[p][x]->set) &&
				    ref_med(rf->eff[p][y]) < ref_med(rf->eff[p][x]))
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] && rpeers[y].ebgp && !rpeers[x].ebgp)
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] && rpeers[y].bgp_id < rpeers[x].bgp_id)
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    addr_cmp(&rpeers[y].addr, &rpeers[x].addr) < 0)
					in[x] = false;
	}
	for (int q = 1; q < RN; q++)
		if (in[q] && best < 0)
			best = q;
	for (int q = 1; q < RN; q++) {
		const struct attr *B, *Q;

		ecmp[q] = false;
		if (best < 0 || rf->eff[p][q] == NULL)
			continue;
		B = rf->eff[p][best];
		Q = rf->eff[p][q];
		ecmp[q] =
		        q == best || (rpeers[q].ebgp == rpeers[best].ebgp &&
		                      ref_lp(B) == ref_lp(Q) && B->set.origin == Q->set.origin &&
		                      ref_med(B) == ref_med(Q) && ref_aspath_eq(&B->set, &Q->set));
	}
	return best;
}

/* Check prefix only, or every prefix when only < 0. */
static void
check_state(struct rib *r, const struct rref *rf, const struct kernel *k, uint64_t seed, int op,
            int only)
{
	for (int p = 0; p < RP; p++) {
		if (only >= 0 && p != only)
			continue;
		bool ecmp[RN];
		int best = ref_best(rf, p, ecmp);
		const struct rib_path *b = rib_best(r, &k->pfx[p]);
		unsigned n = 0;

		if (best < 0) {
			ck_assert_msg(b == NULL, "seed %llu op %d pfx %d: unexpected best",
			              (unsigned long long)seed, op, p);
			ck_assert_msg(k->best[p] == NULL && k->nnh[p] == 0,
			              "seed %llu op %d pfx %d: kernel not told of removal",
			              (unsigned long long)seed, op, p);
			continue;
		}
		ck_assert_msg(b != NULL && b->peer == best,
		              "seed %llu op %d pfx %d: best %d want %d", (unsigned long long)seed,
		              op, p, b ? b->peer : -1, best);
		ck_assert_msg(k->best[p] == rf->eff[p][best], "seed %llu op %d pfx %d: kernel best",
		              (unsigned long long)seed, op, p);
		/* Next hops: best first, then others by peer id. */
		ck_assert_uint_eq(k->nh[p][0].peer, best);
		n = 1;
		for (int q = 1; q < RN; q++) {
			if (q == best || !ecmp[q])
				continue;
			ck_assert_msg(n < k->nnh[p] && k->nh[p][n].peer == q,
			              "seed %llu op %d pfx %d: ecmp member %d missing",
			              (unsigned long long)seed, op, p, q);
			n++;
		}
		ck_assert_msg(n == k->nnh[p], "seed %llu op %d pfx %d: %u next hops want %u",
		              (unsigned long long)seed, op, p, k->nnh[p], n);
		for (int q = 1; q < RN; q++)
			ck_assert((rib_adj_in(r, (uint16_t)q, &k->pfx[p]) != NULL) ==
			          rf->has[p][q]);
	}
}

START_TEST(randomized_vs_reference)
{
	static struct rref rf;
	static struct kernel k;
	struct attr_table *at = attr_table_new();
	const struct attr *pool[RA];
	struct rib *r = rib_new(NULL, kernel_fn, &k);
	const char *env = getenv("TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) + (uint64_t)_i * 7919;
	static const char *const paths[] = {"12076", "12076 65515", "12076 {1,2}", "64999",
	                                    "12076 65515 65515"};

	rng = seed ? seed : 1;
	memset(&rf, 0, sizeof(rf));
	memset(&k, 0, sizeof(k));
	for (int q = 1; q < RN; q++) {
		struct rib_peer_info pi = rpeers[q];
		char a[32];

		snprintf(a, sizeof(a), "172.16.%d.2", q == 4 ? 0 : q); /* 4 sorts lowest */
		pi.addr = A(a);
		ck_assert(rib_peer_set(r, (uint16_t)q, &pi));
		rpeers[q].addr = pi.addr;
	}
	for (int i = 0; i < RA; i++) {
		struct spec sp = {.aspath = paths[rnd() % ARRAY_SIZE(paths)],
		                  .nexthop = "172.16.1.2",
		                  .origin = (int)(rnd() % 2),
		                  .has_med = rnd() % 2,
		                  .med = (uint32_t)(rnd() % 3),
		                  .has_lp = rnd() % 3 == 0,
		                  .lp = 100 + (uint32_t)(rnd() % 2) * 50};

		pool[i] = mk(at, &sp);
	}
	for (int p = 0; p < RP; p++) {
		char s[32];

		snprintf(s, sizeof(s), "10.%d.0.0/%d", p / 2, 16 + p % 2);
		k.pfx[p] = P(s);
	}
	for (int op = 0; op < 4000; op++) {
		int p = (int)(rnd() % RP), q = 1 + (int)(rnd() % (RN - 1));
		unsigned what = (unsigned)(rnd() % 20);

		if (what < 12) {
			const struct attr *in = pool[rnd() % RA];
			const struct attr *eff = rnd() % 6 == 0 ? NULL : in;
			unsigned fl = rnd() % 10 == 0 ? RIB_PATH_INVALID : 0;

			ck_assert(rib_update(r, (uint16_t)q, &k.pfx[p], in, eff, fl, 0));
			rf.has[p][q] = true;
			rf.eff[p][q] = fl ? NULL : eff;
		} else if (what < 19) {
			ck_assert(rib_withdraw(r, (uint16_t)q, &k.pfx[p]) == rf.has[p][q]);
			rf.has[p][q] = false;
			rf.eff[p][q] = NULL;
		} else {
			size_t n = 0;

			for (int i = 0; i < RP; i++) {
				n += rf.has[i][q];
				rf.has[i][q] = false;
				rf.eff[i][q] = NULL;
			}
			ck_assert_uint_eq(rib_peer_down(r, (uint16_t)q), n);
		}
		/* The touched prefix every time; all of them now and then and after a drop. */
		check_state(r, &rf, &k, seed, op, what < 19 && op % 25 != 0 ? p : -1);
	}
	rib_free(r);
	for (int i = 0; i < RA; i++)
		attr_unref(pool[i]);
	ck_assert_uint_eq(attr_table_count(at), 0);
	attr_table_free(at);
}
END_TEST

/*
 * Randomized Adj-RIB-Out: random announces and withdraws, a packer that
 * takes random batch sizes and sends only part of each, and session
 * resets, against a model of what we want and what the peer has. The
 * queue must hold exactly the differences, serve withdraws before updates,
 * and converge the peer to what we want once drained.
 */
#define OP 40 /* prefixes */
#define OA 4  /* attribute sets */

static const struct attr *pools[OA]; /* the attribute sets transmit() may pick */

struct omodel {
	struct prefix pfx[OP];
	const struct attr *want[OP], *peer[OP];
};

static int
opfx(const struct omodel *m, const struct prefix *p)
{
	for (int i = 0; i < OP; i++)
		if (prefix_eq(&m->pfx[i], p))
			return i;
	return -1;
}

static size_t
odiff(const struct omodel *m)
{
	size_t n = 0;

	for (int i = 0; i < OP; i++)
		n += m->want[i] != m->peer[i];
	return n;
}

static bool
transmit(struct rib *r, struct omodel *m, uint64_t seed, int op, size_t cap, bool all)
{
	struct prefix buf[8];
	struct rib_out_batch b;
	bool withdraws = false;
	size_t k, expect = 0;

	for (int i = 0; i < OP; i++)
		withdraws |= m->want[i] == NULL && m->peer[i] != NULL;
	if (!rib_out_next(r, 1, buf, cap, &b)) {
		ck_assert_msg(odiff(m) == 0, "seed %llu op %d: nothing pending but %zu differ",
		              (unsigned long long)seed, op, odiff(m));
		return false;
	}
	ck_assert_msg((b.attr == NULL) == withdraws, "seed %llu op %d: withdraws go first",
	              (unsigned long long)seed, op);
	ck_assert_uint_le(b.n, cap);
	for (size_t j = 0; j < b.n; j++) {
		int i = opfx(m, &buf[j]);

		ck_assert_int_ge(i, 0);
		ck_assert_uint_eq(buf[j].afi, b.afi);
		ck_assert_msg(m->want[i] == b.attr && m->peer[i] != b.attr,
		              "seed %llu op %d: batch holds a prefix in another state",
		              (unsigned long long)seed, op);
		for (size_t l = 0; l < j; l++)
			ck_assert(!prefix_eq(&buf[l], &buf[j]));
	}
	k = all ? b.n : (size_t)(rnd() % (b.n + 1));
	/* Now and then a prefix of the batch changes before the packer reports. */
	if (!all && rnd() % 4 == 0) {
		int i = opfx(m, &buf[rnd() % b.n]);

		if (rnd() % 2) {
			m->want[i] = pools[rnd() % OA];
			ck_assert(rib_out_announce(r, 1, &m->pfx[i], m->want[i]));
		} else {
			m->want[i] = NULL;
			rib_out_withdraw(r, 1, &m->pfx[i]);
		}
	}
	/* Marked: those still in the state the batch describes. */
	for (size_t j = 0; j < k; j++) {
		int i = opfx(m, &buf[j]);

		if (m->want[i] == b.attr && m->peer[i] != b.attr)
			expect++;
	}
	ck_assert_msg(rib_out_sent(r, 1, &b, k) == expect, "seed %llu op %d: marked",
	              (unsigned long long)seed, op);
	for (size_t j = 0; j < k; j++) {
		int i = opfx(m, &buf[j]);

		if (m->want[i] == b.attr)
			m->peer[i] = b.attr;
	}
	return true;
}

struct owalk {
	const struct omodel *m;
	int n;
};

static int
owalk_fn(const struct prefix *p, const struct attr *want, const struct attr *sent, void *ctx)
{
	struct owalk *w = ctx;
	int i = opfx(w->m, p);

	ck_assert_int_ge(i, 0);
	ck_assert(want == w->m->want[i] && sent == w->m->peer[i]);
	w->n++;
	return 0;
}

START_TEST(randomized_adj_rib_out)
{
	static struct omodel m;
	struct attr_table *at = attr_table_new();
	struct rib *r = rib_new(NULL, NULL, NULL);
	const struct attr *pool[OA];
	const char *env = getenv("TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) + (uint64_t)_i * 104729;
	struct rib_peer_info pi = {.bgp_id = 1, .as = 12076, .ebgp = true};

	rng = seed ? seed : 1;
	memset(&m, 0, sizeof(m));
	ck_assert(rib_peer_set(r, 1, &pi));
	for (int i = 0; i < OA; i++) {
		char path[32];

		snprintf(path, sizeof(path), "65520 %d", i);
		pool[i] = mk(at, &(struct spec){.aspath = path, .nexthop = "172.16.1.1"});
		pools[i] = pool[i];
	}
	for (int i = 0; i < OP; i++) {
		char s[48];

		if (i % 4 == 3)
			snprintf(s, sizeof(s), "2001:db8:%x::/48", i);
		else
			snprintf(s, sizeof(s), "10.%d.0.0/16", i);
		m.pfx[i] = P(s);
	}
	for (int op = 0; op < 5000; op++) {
		int i = (int)(rnd() % OP);
		unsigned what = (unsigned)(rnd() % 16);

		if (what < 6) {
			const struct attr *a = pool[rnd() % OA];

			ck_assert(rib_out_announce(r, 1, &m.pfx[i], a));
			m.want[i] = a;
		} else if (what < 9) {
			bool known = m.want[i] != NULL || m.peer[i] != NULL;

			ck_assert_msg(rib_out_withdraw(r, 1, &m.pfx[i]) == known,
			              "seed %llu op %d: withdraw result", (unsigned long long)seed,
			              op);
			m.want[i] = NULL;
		} else if (what < 15) {
			transmit(r, &m, seed, op, 1 + (size_t)(rnd() % 8), false);
		} else {
			rib_out_reset(r, 1);
			memset(m.peer, 0, sizeof(m.peer));
		}
		ck_assert_msg(rib_out_pending(r, 1) == odiff(&m),
		              "seed %llu op %d: %zu pending, %zu differ", (unsigned long long)seed,
		              op, rib_out_pending(r, 1), odiff(&m));
		if (op % 50 == 0) {
			struct owalk w = {.m = &m};
			int known = 0;

			rib_out_walk(r, 1, owalk_fn, &w);
			for (int j = 0; j < OP; j++)
				known += m.want[j] != NULL || m.peer[j] != NULL;
			ck_assert_int_eq(w.n, known);
		}
	}
	/* Drain: the peer ends up with exactly what we want. */
	for (int guard = 0; guard < 10 * OP && transmit(r, &m, seed, -1, 8, true); guard++)
		;
	for (int i = 0; i < OP; i++)
		ck_assert(m.peer[i] == m.want[i]);
	ck_assert_uint_eq(rib_out_pending(r, 1), 0);
	rib_free(r);
	for (int i = 0; i < OA; i++)
		attr_unref(pool[i]);
	ck_assert_uint_eq(attr_table_count(at), 0);
	attr_table_free(at);
}
END_TEST

static Suite *
rib_suite(void)
{
	Suite *s = suite_create("rib");
	TCase *d = tcase_create("decision");
	TCase *e = tcase_create("ecmp");
	TCase *o = tcase_create("adj-rib-out");
	TCase *rt = tcase_create("randomized");

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
	tcase_add_test(e, queries_and_walks);
	suite_add_tcase(s, e);
	tcase_add_test(o, out_coalesces_latest_state_wins);
	tcase_add_test(o, out_withdraws_first_then_groups_by_attributes);
	tcase_add_test(o, out_reset_requeues_and_flush_forgets);
	suite_add_tcase(s, o);
	tcase_add_loop_test(rt, randomized_vs_reference, 0, 4);
	tcase_add_loop_test(rt, randomized_adj_rib_out, 0, 4);
	tcase_set_timeout(rt, 120);
	suite_add_tcase(s, rt);
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
