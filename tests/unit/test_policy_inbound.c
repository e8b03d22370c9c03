/*
 * Inbound policy: every always-refused class on both peerings and both
 * families, the order of the rules, the accept list and accept-communities
 * narrowing, accept-default, equality for reloads and the explain lines.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "policy_inbound.h"

static struct prefix
P(const char *s) {
	struct prefix p;

	ck_assert_msg(prefix_parse(s, &p, 0) == PREFIX_OK, "%s", s);
	return p;
}

/* Two circuits' /30s, and the space we announce on two peerings. */
struct fx {
	struct prefix links[4], own[3], accept[4];
	uint32_t comms[4];
	struct inbound_input in;
};

static void
fx_init(struct fx *f, enum policy_peering k)
{
	static const char *const links[] = {"172.16.1.0/30", "172.16.2.0/30", "192.168.77.4/30",
	                                    "192.168.77.8/30"};
	static const char *const own[] = {"10.128.0.0/9", "20.1.0.0/16", "2001:db9:1::/48"};

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		f->links[i] = P(links[i]);
	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		f->own[i] = P(own[i]);
	f->in.peering = k;
	f->in.links = f->links;
	f->in.n_links = ARRAY_SIZE(links);
	f->in.own = f->own;
	f->in.n_own = ARRAY_SIZE(own);
}

static struct inbound_policy *
fx_build(struct fx *f)
{
	struct inbound_policy *ib = inbound_policy_new(&f->in);

	ck_assert_ptr_nonnull(ib);
	return ib;
}

static enum inbound_reason
check_comms(const struct inbound_policy *ib, const char *pfx, const uint32_t *c, uint32_t n)
{
	struct prefix p = P(pfx);
	struct attr_set a;

	attr_set_init(&a);
	a.comms = c;
	a.ncomms = n;
	return inbound_check(ib, &p, &a);
}

static enum inbound_reason
check(const struct inbound_policy *ib, const char *pfx)
{
	return check_comms(ib, pfx, NULL, 0);
}

#define ASSERT_REASON(ib, pfx, want)                                                 \
	do {                                                                         \
		enum inbound_reason got_ = check(ib, pfx);                           \
		ck_assert_msg(got_ == (want), "%s: %s, expected %s", pfx,            \
		              inbound_reason_name(got_), inbound_reason_name(want)); \
	} while (0)

/* The bogons and martians, IPv4 and IPv6: refused on both peerings. */
START_TEST(bogons_refused)
{
	static const char *const bogons[] = {
	        "0.0.0.0/8",       "0.1.0.0/16",         "127.0.0.0/8",
	        "127.0.0.1/32",    "169.254.0.0/16",     "169.254.10.0/24",
	        "192.0.0.0/24",    "192.0.2.0/24",       "192.0.2.128/25",
	        "198.18.0.0/15",   "198.19.5.0/24",      "198.51.100.0/24",
	        "203.0.113.0/24",  "224.0.0.0/4",        "239.1.0.0/16",
	        "240.0.0.0/4",     "255.255.255.255/32", "::/128",
	        "::1/128",         "fe80::/10",          "fe80:1::/64",
	        "ff00::/8",        "ff02::/16",          "2001:db8::/32",
	        "2001:db8:5::/48", "::ffff:0:0/96",      "::ffff:10.0.0.0/104",
	};
	for (int k = 0; k < 2; k++) {
		struct fx f;

		fx_init(&f, (enum policy_peering)k);
		struct inbound_policy *ib = fx_build(&f);
		for (size_t i = 0; i < ARRAY_SIZE(bogons); i++)
			ASSERT_REASON(ib, bogons[i], INBOUND_BOGON);
		inbound_policy_free(ib);
	}
}
END_TEST

/* Only inside counts: a route merely next to or covering bogon space is fine. */
START_TEST(bogon_neighbours_accepted)
{
	static const char *const ok[] = {"1.0.0.0/8",     "128.0.0.0/8",  "169.255.0.0/16",
	                                 "192.0.1.0/24",  "192.0.3.0/24", "198.20.0.0/16",
	                                 "198.17.0.0/16", "223.0.0.0/8",  "2001:db9::/32",
	                                 "2a01:111::/32", "fec0::/10"};
	struct fx f;

	fx_init(&f, POLICY_PUBLIC);
	struct inbound_policy *ib = fx_build(&f);
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		ASSERT_REASON(ib, ok[i], INBOUND_ACCEPTED);
	inbound_policy_free(ib);
}
END_TEST

/* Any circuit's /30: equal, covering (172.16.0.0/16 covers the lab's /30s) or inside. */
START_TEST(link_subnets_refused)
{
	static const char *const bad[] = {"172.16.1.0/30",   "172.16.0.0/16",   "172.16.0.0/12",
	                                  "172.16.1.0/24",   "172.16.1.2/32",   "172.16.2.0/31",
	                                  "192.168.77.0/24", "192.168.77.8/30", "192.168.0.0/16"};
	for (int k = 0; k < 2; k++) {
		struct fx f;

		fx_init(&f, (enum policy_peering)k);
		struct inbound_policy *ib = fx_build(&f);
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
			ASSERT_REASON(ib, bad[i], INBOUND_LINK_SUBNET);
		inbound_policy_free(ib);
	}
	/* Beside them, on private peering: accepted (RFC 1918 is fine there). */
	struct fx f;

	fx_init(&f, POLICY_PRIVATE);
	struct inbound_policy *ib = fx_build(&f);
	ASSERT_REASON(ib, "172.16.3.0/24", INBOUND_ACCEPTED);
	ASSERT_REASON(ib, "172.16.1.4/30", INBOUND_ACCEPTED);
	ASSERT_REASON(ib, "192.168.77.12/30", INBOUND_ACCEPTED);
	inbound_policy_free(ib);
}
END_TEST

/* Inside our announced space (10.128.0.0/12 within our 10.128.0.0/9): refused. */
START_TEST(own_space_refused)
{
	for (int k = 0; k < 2; k++) {
		struct fx f;

		fx_init(&f, (enum policy_peering)k);
		struct inbound_policy *ib = fx_build(&f);
		ASSERT_REASON(ib, "10.128.0.0/12", INBOUND_OWN_SPACE);
		ASSERT_REASON(ib, "10.128.0.0/9", INBOUND_OWN_SPACE);
		ASSERT_REASON(ib, "10.255.255.0/24", INBOUND_OWN_SPACE);
		ASSERT_REASON(ib, "20.1.2.0/24", INBOUND_OWN_SPACE);
		ASSERT_REASON(ib, "2001:db9:1:5::/64", INBOUND_OWN_SPACE);
		/* Covering our space is no hijack: our more-specifics win. */
		ASSERT_REASON(ib, "20.0.0.0/8", INBOUND_ACCEPTED);
		ASSERT_REASON(ib, "2001:db9::/32", INBOUND_ACCEPTED);
		inbound_policy_free(ib);
	}
}
END_TEST

START_TEST(default_route)
{
	struct fx f;

	fx_init(&f, POLICY_PRIVATE);
	struct inbound_policy *ib = fx_build(&f);
	ASSERT_REASON(ib, "0.0.0.0/0", INBOUND_DEFAULT_ROUTE);
	ASSERT_REASON(ib, "::/0", INBOUND_DEFAULT_ROUTE);
	inbound_policy_free(ib);
	for (int k = 0; k < 2; k++) {
		fx_init(&f, (enum policy_peering)k);
		f.in.accept_default = true;
		ib = fx_build(&f);
		/* On public too: a default covers RFC 1918, but is not inside it. */
		ASSERT_REASON(ib, "0.0.0.0/0", INBOUND_ACCEPTED);
		ASSERT_REASON(ib, "::/0", INBOUND_ACCEPTED);
		inbound_policy_free(ib);
	}
}
END_TEST

/* RFC 1918 and RFC 6598 (and ULA): refused on public, accepted on private. */
START_TEST(private_space_by_peering)
{
	static const char *const priv[] = {"10.0.0.0/8",      "10.1.0.0/16",   "172.20.0.0/16",
	                                   "192.168.10.0/24", "100.64.0.0/10", "100.100.0.0/16",
	                                   "fd00::/8",        "fc00:1::/32"};
	struct fx f;

	fx_init(&f, POLICY_PUBLIC);
	struct inbound_policy *pub = fx_build(&f);
	fx_init(&f, POLICY_PRIVATE);
	struct inbound_policy *pri = fx_build(&f);
	for (size_t i = 0; i < ARRAY_SIZE(priv); i++) {
		ASSERT_REASON(pub, priv[i], INBOUND_PRIVATE_PUBLIC);
		ASSERT_REASON(pri, priv[i], INBOUND_ACCEPTED);
	}
	/* VNets may use public space: private peering accepts it by default. */
	ASSERT_REASON(pri, "20.50.0.0/16", INBOUND_ACCEPTED);
	ASSERT_REASON(pub, "100.128.0.0/16", INBOUND_ACCEPTED);
	ASSERT_REASON(pub, "11.0.0.0/8", INBOUND_ACCEPTED);
	inbound_policy_free(pub);
	inbound_policy_free(pri);
}
END_TEST

/* The first rule that applies is the reason, whatever the lists say. */
START_TEST(rule_order)
{
	struct fx f;

	fx_init(&f, POLICY_PUBLIC);
	f.accept[0] = P("0.0.0.0/0");
	f.in.accept = f.accept;
	f.in.n_accept = 1;
	f.in.accept_set = true;
	f.own[2] = P("192.0.2.0/25"); /* our space inside bogon space: still a bogon */
	struct inbound_policy *ib = fx_build(&f);
	ASSERT_REASON(ib, "0.0.0.0/0", INBOUND_DEFAULT_ROUTE);
	ASSERT_REASON(ib, "192.0.2.0/26", INBOUND_BOGON);
	/* 172.16.0.0/16 is RFC 1918 on public and covers a /30: the /30 wins. */
	ASSERT_REASON(ib, "172.16.0.0/16", INBOUND_LINK_SUBNET);
	/* 10.128.0.0/12 is ours and RFC 1918: ours wins. */
	ASSERT_REASON(ib, "10.128.0.0/12", INBOUND_OWN_SPACE);
	ASSERT_REASON(ib, "10.1.0.0/16", INBOUND_PRIVATE_PUBLIC);
	inbound_policy_free(ib);
}
END_TEST

START_TEST(accept_list_narrows)
{
	struct fx f;

	fx_init(&f, POLICY_PRIVATE);
	f.accept[0] = P("10.0.0.0/8");
	f.accept[1] = P("20.40.0.0/14");
	f.accept[2] = P("10.0.0.0/8"); /* a duplicate changes nothing */
	f.in.accept = f.accept;
	f.in.n_accept = 3;
	f.in.accept_set = true;
	struct inbound_policy *ib = fx_build(&f);
	ASSERT_REASON(ib, "10.0.0.0/8", INBOUND_ACCEPTED);
	ASSERT_REASON(ib, "10.20.0.0/16", INBOUND_ACCEPTED);
	ASSERT_REASON(ib, "20.41.0.0/16", INBOUND_ACCEPTED);
	ASSERT_REASON(ib, "20.40.0.0/14", INBOUND_ACCEPTED);
	/* Covering an entry is not being covered by one. */
	ASSERT_REASON(ib, "20.0.0.0/8", INBOUND_NOT_ACCEPTED);
	ASSERT_REASON(ib, "20.44.0.0/16", INBOUND_NOT_ACCEPTED);
	ASSERT_REASON(ib, "172.20.0.0/16", INBOUND_NOT_ACCEPTED);
	/* The always-refused rules still come first. */
	ASSERT_REASON(ib, "10.128.0.0/12", INBOUND_OWN_SPACE);
	inbound_policy_free(ib);

	/* An empty list given explicitly refuses everything. */
	f.in.n_accept = 0;
	ib = fx_build(&f);
	ASSERT_REASON(ib, "20.41.0.0/16", INBOUND_NOT_ACCEPTED);
	inbound_policy_free(ib);
}
END_TEST

START_TEST(accept_communities)
{
	static const uint32_t tagged[] = {12076u << 16 | 5010, 12076u << 16 | 51004};
	static const uint32_t other[] = {12076u << 16 | 51005, 65000u << 16 | 1};
	struct fx f;

	fx_init(&f, POLICY_PUBLIC);
	f.comms[0] = 12076u << 16 | 51004;
	f.comms[1] = 12076u << 16 | 51006;
	f.in.communities = f.comms;
	f.in.n_communities = 2;
	f.in.communities_set = true;
	struct inbound_policy *ib = fx_build(&f);
	ck_assert_int_eq(check_comms(ib, "20.60.0.0/16", tagged, 2), INBOUND_ACCEPTED);
	ck_assert_int_eq(check_comms(ib, "20.60.0.0/16", other, 2), INBOUND_NO_COMMUNITY);
	ck_assert_int_eq(check_comms(ib, "20.60.0.0/16", NULL, 0), INBOUND_NO_COMMUNITY);
	ck_assert_int_eq(inbound_check(ib, &(struct prefix[1]){P("20.60.0.0/16")}[0], NULL),
	                 INBOUND_NO_COMMUNITY);
	/* The always-refused rules come first even for a tagged route. */
	ck_assert_int_eq(check_comms(ib, "10.1.0.0/16", tagged, 2), INBOUND_PRIVATE_PUBLIC);
	inbound_policy_free(ib);

	/* Both lists: the route must pass each. */
	f.accept[0] = P("20.60.0.0/15");
	f.in.accept = f.accept;
	f.in.n_accept = 1;
	f.in.accept_set = true;
	ib = fx_build(&f);
	ck_assert_int_eq(check_comms(ib, "20.61.0.0/16", tagged, 2), INBOUND_ACCEPTED);
	ck_assert_int_eq(check_comms(ib, "20.62.0.0/16", tagged, 2), INBOUND_NOT_ACCEPTED);
	ck_assert_int_eq(check_comms(ib, "20.61.0.0/16", other, 2), INBOUND_NO_COMMUNITY);
	inbound_policy_free(ib);
}
END_TEST

/* What a reload compares: order and duplicates do not matter, content does. */
START_TEST(equality)
{
	struct fx f, g;

	fx_init(&f, POLICY_PRIVATE);
	fx_init(&g, POLICY_PRIVATE);
	f.accept[0] = P("10.0.0.0/8");
	f.accept[1] = P("20.0.0.0/8");
	g.accept[0] = P("20.0.0.0/8");
	g.accept[1] = P("10.0.0.0/8");
	g.accept[2] = P("20.0.0.0/8");
	f.in.accept = f.accept;
	f.in.n_accept = 2;
	f.in.accept_set = true;
	g.in.accept = g.accept;
	g.in.n_accept = 3;
	g.in.accept_set = true;
	struct inbound_policy *a = fx_build(&f), *b = fx_build(&g);
	ck_assert(inbound_policy_eq(a, b));
	inbound_policy_free(b);

	g.in.n_accept = 1; /* 20/8 only */
	b = fx_build(&g);
	ck_assert(!inbound_policy_eq(a, b));
	inbound_policy_free(b);

	g = f;
	g.in.accept = g.accept;
	g.in.links = g.links;
	g.in.own = g.own;
	g.in.accept_default = true;
	b = fx_build(&g);
	ck_assert(!inbound_policy_eq(a, b));
	inbound_policy_free(b);

	g.in.accept_default = false;
	g.in.communities_set = true; /* an empty community list refuses everything */
	b = fx_build(&g);
	ck_assert(!inbound_policy_eq(a, b));
	inbound_policy_free(b);

	g.in.communities_set = false;
	g.in.n_own = 2;
	b = fx_build(&g);
	ck_assert(!inbound_policy_eq(a, b));
	inbound_policy_free(b);

	g.in.n_own = 3;
	g.in.peering = POLICY_PUBLIC;
	b = fx_build(&g);
	ck_assert(!inbound_policy_eq(a, b));
	inbound_policy_free(b);

	ck_assert(inbound_policy_eq(NULL, NULL));
	ck_assert(!inbound_policy_eq(a, NULL));
	inbound_policy_free(a);
}
END_TEST

static void
assert_explain(const struct inbound_policy *ib, const char *pfx, const char *want)
{
	struct prefix p = P(pfx);
	enum inbound_reason r = inbound_check(ib, &p, NULL);
	size_t need = inbound_explain(ib, &p, r, NULL, 0);
	char buf[256], small[8];

	ck_assert_uint_eq(inbound_explain(ib, &p, r, buf, sizeof(buf)), need);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(strlen(buf), need);
	inbound_explain(ib, &p, r, small, sizeof(small));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}

START_TEST(explain_lines)
{
	struct fx f;

	fx_init(&f, POLICY_PUBLIC);
	f.comms[0] = 12076u << 16 | 51004;
	f.in.communities = f.comms;
	f.in.n_communities = 1;
	f.in.communities_set = true;
	struct inbound_policy *ib = fx_build(&f);
	assert_explain(ib, "198.18.0.0/15",
	               "refused: inside 198.18.0.0/15 (benchmarking), bogon or martian space");
	assert_explain(ib, "192.0.2.128/25",
	               "refused: inside 192.0.2.0/24 (documentation), bogon or martian space");
	assert_explain(ib, "172.16.0.0/16", "refused: covers peering /30 172.16.1.0/30");
	assert_explain(ib, "172.16.1.0/30", "refused: is peering /30 172.16.1.0/30");
	assert_explain(ib, "172.16.1.0/31", "refused: inside peering /30 172.16.1.0/30");
	assert_explain(ib, "10.128.0.0/12", "refused: inside 10.128.0.0/9, space we announce");
	assert_explain(ib, "0.0.0.0/0", "refused: the default route (accept-default is off)");
	assert_explain(ib, "100.64.1.0/24",
	               "refused: inside 100.64.0.0/10 (RFC 6598) on public peering");
	assert_explain(ib, "20.60.0.0/16",
	               "refused: carries none of accept-communities (12076:51004)");
	inbound_policy_free(ib);

	fx_init(&f, POLICY_PRIVATE);
	f.accept[0] = P("20.60.0.0/14");
	f.in.accept = f.accept;
	f.in.n_accept = 1;
	f.in.accept_set = true;
	ib = fx_build(&f);
	assert_explain(ib, "20.61.0.0/16", "accepted (accept entry 20.60.0.0/14 covers it)");
	assert_explain(ib, "30.0.0.0/8", "refused: no accept entry covers it");
	inbound_policy_free(ib);

	/* Microsoft peering runs the public rules under its own name. */
	fx_init(&f, POLICY_PUBLIC);
	f.in.peering_name = "microsoft";
	ib = fx_build(&f);
	assert_explain(ib, "10.50.0.0/16",
	               "refused: inside 10.0.0.0/8 (RFC 1918) on microsoft peering");
	assert_explain(ib, "fd00:ce::/48",
	               "refused: inside fc00::/7 (unique local) on microsoft peering");
	inbound_policy_free(ib);
}
END_TEST

/* Every reason has a distinct name and a text: metric labels depend on it. */
START_TEST(reason_table)
{
	for (int i = 0; i < INBOUND_NREASONS; i++) {
		ck_assert_ptr_nonnull(inbound_reason_name((enum inbound_reason)i));
		ck_assert_ptr_nonnull(inbound_reason_text((enum inbound_reason)i));
		ck_assert_str_ne(inbound_reason_name((enum inbound_reason)i), "unknown");
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(inbound_reason_name((enum inbound_reason)i),
			                 inbound_reason_name((enum inbound_reason)j));
	}
	ck_assert_str_eq(inbound_reason_name(INBOUND_NREASONS), "unknown");
	ck_assert_str_eq(inbound_reason_name(INBOUND_BOGON), "bogon");
}
END_TEST

static Suite *
inbound_suite(void)
{
	Suite *s = suite_create("policy_inbound");
	TCase *t = tcase_create("rules");

	tcase_add_test(t, bogons_refused);
	tcase_add_test(t, bogon_neighbours_accepted);
	tcase_add_test(t, link_subnets_refused);
	tcase_add_test(t, own_space_refused);
	tcase_add_test(t, default_route);
	tcase_add_test(t, private_space_by_peering);
	tcase_add_test(t, rule_order);
	tcase_add_test(t, accept_list_narrows);
	tcase_add_test(t, accept_communities);
	tcase_add_test(t, equality);
	tcase_add_test(t, explain_lines);
	tcase_add_test(t, reason_table);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(inbound_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
