/* attr: helpers, comparison, text forms and the intern table. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"

static struct attr_seg segs[3] = {{AS_SEQUENCE, 3}, {AS_SET, 2}, {AS_SEQUENCE, 1}};
static uint32_t asns[6] = {12076, 65001, 65002, 10, 11, 65003};
static uint32_t comms[3] = {0xfde90064, COMMUNITY_NO_EXPORT, COMMUNITY_BLACKHOLE};
static uint64_t ecomms[3] = {0x0002fde900000001ull, 0x0102c0000201000aull, 0x0600000000000001ull};
static struct attr_lcomm lcomms[2] = {{65001, 1, 2}, {4200000000u, 0, 7}};
static const uint8_t udata[4] = {1, 2, 3, 4};
static struct attr_unknown unknown[1] = {{ATTR_FLAG_OPTIONAL | ATTR_FLAG_TRANSITIVE, 99, 4, udata}};

static struct addr
addr6(const char *text)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(text, &a), PREFIX_OK);
	return a;
}

static struct prefix
pfx(const char *text)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(text, &p, 0), PREFIX_OK);
	return p;
}

/* RFC 2545 §3, RFC 4271 §6.3: global on the link, else link-local, else off the link. */
START_TEST(nexthop_pick)
{
	struct prefix link = pfx("2a10:ce00:1::/126");
	struct addr out, ll = addr6("fe80::ff:fe55:102");
	struct attr_set s;

	attr_set_init(&s);
	/* the provider's address on the /126, with its link-local: the global one */
	s.nexthop = addr6("2a10:ce00:1::2");
	s.nexthop_ll = ll;
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_ON_LINK);
	ck_assert(addr_eq(&out, &s.nexthop));
	/* a third-party global next hop off the link: the link-local one */
	s.nexthop = addr6("2a10:ce10:9::1");
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_LINK_LOCAL);
	ck_assert(addr_eq(&out, &ll));
	/* off the link and no link-local: not reachable, the next hop as sent */
	memset(&s.nexthop_ll, 0, sizeof(s.nexthop_ll));
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_OFF_LINK);
	ck_assert(addr_eq(&out, &s.nexthop));
	/* a "link-local" slot holding a global address is not link-local */
	s.nexthop_ll = addr6("2a10:ce10:9::2");
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_OFF_LINK);
	ck_assert(addr_eq(&out, &s.nexthop));
	/* a link-local address sent as the only (global) next hop */
	s.nexthop = ll;
	memset(&s.nexthop_ll, 0, sizeof(s.nexthop_ll));
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_LINK_LOCAL);
	ck_assert(addr_eq(&out, &ll));
	/* the other end of the /126 is on the link too (the range, not one address) */
	s.nexthop = addr6("2a10:ce00:1::3");
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_ON_LINK);
	s.nexthop = addr6("2a10:ce00:1::4");
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_OFF_LINK);
	/* IPv4: the NEXT_HOP on the /30, or off it; never a link-local stand-in */
	attr_set_init(&s);
	s.nexthop = addr6("172.16.1.2");
	link = pfx("172.16.1.0/30");
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_ON_LINK);
	ck_assert(addr_eq(&out, &s.nexthop));
	link = pfx("172.16.9.0/30");
	s.nexthop_ll = ll;
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_OFF_LINK);
	ck_assert(addr_eq(&out, &s.nexthop));
	/* a next hop of the other family is never on the link */
	s.nexthop = addr6("2a10:ce00:1::2");
	s.nexthop_ll.afi = 0;
	ck_assert_int_eq(attr_nexthop_pick(&s, &link, &out), ATTR_NH_OFF_LINK);
}
END_TEST

static void
full_set(struct attr_set *s)
{
	attr_set_init(s);
	s->present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED |
	             ATTR_HAS_AGGREGATOR | ATTR_HAS_ATOMIC_AGG;
	s->origin = ORIGIN_EGP;
	s->segs = segs, s->nsegs = 3, s->asns = asns, s->nasns = 6;
	s->nexthop.afi = AFI_IP;
	s->nexthop.bytes[0] = 192, s->nexthop.bytes[3] = 1;
	s->med = 50;
	s->aggr_as = 65001;
	s->aggr_addr.afi = AFI_IP;
	s->aggr_addr.bytes[0] = 10;
	s->comms = comms, s->ncomms = 3;
	s->ecomms = ecomms, s->necomms = 3;
	s->lcomms = lcomms, s->nlcomms = 2;
	s->unknown = unknown, s->nunknown = 1;
}

START_TEST(path_helpers)
{
	struct attr_set s;
	struct attr_seg confed[2] = {{AS_CONFED_SEQUENCE, 2}, {AS_SEQUENCE, 1}};
	uint32_t casns[3] = {64512, 64513, 7};

	full_set(&s);
	/* RFC 4271 §9.1.2.2: 3 + set(1) + 1 */
	ck_assert_uint_eq(attr_aspath_len(&s), 5);
	ck_assert_uint_eq(attr_neighbor_as(&s), 12076);
	ck_assert_uint_eq(attr_origin_as(&s), 65003);
	ck_assert(attr_aspath_contains(&s, 11));
	ck_assert(!attr_aspath_contains(&s, 12));
	ck_assert(attr_has_community(&s, COMMUNITY_NO_EXPORT));
	ck_assert(!attr_has_community(&s, COMMUNITY_NO_ADVERTISE));

	/* confederation segments count 0 (RFC 5065 §5.3) */
	s.segs = confed, s.nsegs = 2, s.asns = casns, s.nasns = 3;
	ck_assert_uint_eq(attr_aspath_len(&s), 1);
	ck_assert_uint_eq(attr_neighbor_as(&s), 0);
	ck_assert_uint_eq(attr_origin_as(&s), 7);

	/* empty path: locally originated */
	s.nsegs = 0, s.nasns = 0;
	ck_assert_uint_eq(attr_aspath_len(&s), 0);
	ck_assert_uint_eq(attr_neighbor_as(&s), 0);
	ck_assert_uint_eq(attr_origin_as(&s), 0);

	/* a path ending in a set has no origin AS in a sequence after it */
	s.segs = segs, s.nsegs = 2, s.asns = asns, s.nasns = 5;
	ck_assert_uint_eq(attr_origin_as(&s), 65002);
}
END_TEST

START_TEST(prepend)
{
	struct attr_set s, o;
	struct attr_seg ns[8];
	uint32_t na[16];
	char buf[128];

	full_set(&s);
	ck_assert(attr_aspath_prepend(&s, 65000, 2, ns, 8, na, 16, &o));
	ck_assert_str_eq(attr_aspath_fmt(&o, buf, sizeof(buf)),
	                 "65000 65000 12076 65001 65002 {10,11} 65003");
	ck_assert_uint_eq(o.nsegs, 3);
	ck_assert_uint_eq(attr_aspath_len(&o), 7);
	ck_assert_uint_eq(attr_neighbor_as(&o), 65000);
	ck_assert_ptr_eq(o.comms, s.comms);
	/* the input is untouched */
	ck_assert_uint_eq(s.segs[0].count, 3);

	/* onto an empty path: a new sequence */
	s.nsegs = 0, s.nasns = 0;
	s.present &= ~ATTR_HAS_AS_PATH;
	ck_assert(attr_aspath_prepend(&s, 65000, 1, ns, 8, na, 16, &o));
	ck_assert(o.present & ATTR_HAS_AS_PATH);
	ck_assert_str_eq(attr_aspath_fmt(&o, buf, sizeof(buf)), "65000");

	/* onto a set: a new sequence in front */
	s.segs = segs + 1, s.nsegs = 1, s.asns = asns + 3, s.nasns = 2;
	ck_assert(attr_aspath_prepend(&s, 65000, 1, ns, 8, na, 16, &o));
	ck_assert_str_eq(attr_aspath_fmt(&o, buf, sizeof(buf)), "65000 {10,11}");

	/* zero times: same set */
	ck_assert(attr_aspath_prepend(&s, 65000, 0, ns, 8, na, 16, &o));
	ck_assert(attr_eq(&s, &o));

	/* does not fit */
	full_set(&s);
	ck_assert(!attr_aspath_prepend(&s, 65000, 20, ns, 8, na, 16, &o));
	ck_assert(!attr_aspath_prepend(&s, 65000, 1, ns, 2, na, 16, &o));
}
END_TEST

START_TEST(compare_and_hash)
{
	struct attr_set a, b;
	uint32_t other_asns[6];
	uint32_t other_comms[3];
	const uint8_t other_udata[4] = {1, 2, 3, 5};
	struct attr_unknown other_unknown = unknown[0];

	full_set(&a);
	full_set(&b);
	ck_assert(attr_eq(&a, &b));
	ck_assert_int_eq(attr_cmp(&a, &b), 0);
	ck_assert_uint_eq(attr_hash(&a), attr_hash(&b));

	/* same values in different storage */
	memcpy(other_asns, asns, sizeof(asns));
	b.asns = other_asns;
	ck_assert(attr_eq(&a, &b));
	ck_assert_uint_eq(attr_hash(&a), attr_hash(&b));
	other_asns[5] = 65004;
	ck_assert(!attr_eq(&a, &b));
	ck_assert_int_lt(attr_cmp(&a, &b), 0);
	ck_assert_int_gt(attr_cmp(&b, &a), 0);
	ck_assert_uint_ne(attr_hash(&a), attr_hash(&b));

	/* values of absent attributes do not matter */
	full_set(&b);
	a.present &= ~ATTR_HAS_MED;
	b.present &= ~ATTR_HAS_MED;
	b.med = 99;
	ck_assert(attr_eq(&a, &b));
	ck_assert_uint_eq(attr_hash(&a), attr_hash(&b));

	/* each field matters */
	full_set(&a);
	full_set(&b);
	b.origin = ORIGIN_IGP;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	b.nexthop.bytes[3] = 2;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	b.nexthop_ll.afi = AFI_IP6;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	b.aggr_as = 1;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	memcpy(other_comms, comms, sizeof(comms));
	other_comms[2] = 1;
	b.comms = other_comms;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	b.necomms = 2;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	b.nlcomms = 1;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	other_unknown.data = other_udata;
	b.unknown = &other_unknown;
	ck_assert(!attr_eq(&a, &b));
	/* Extended Length is an encoding detail; Partial is not */
	full_set(&b);
	other_unknown = unknown[0];
	other_unknown.flags |= ATTR_FLAG_EXTLEN;
	b.unknown = &other_unknown;
	ck_assert(attr_eq(&a, &b));
	other_unknown.flags |= ATTR_FLAG_PARTIAL;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	b.present |= ATTR_HAS_LOCAL_PREF;
	ck_assert(!attr_eq(&a, &b));
	full_set(&b);
	segs[1].type = AS_SEQUENCE;
	ck_assert(attr_eq(&a, &b)); /* both see the same storage */
	segs[1].type = AS_SET;
}
END_TEST

START_TEST(text_forms)
{
	struct attr_set s;
	char buf[200], small[12];
	struct attr_seg cs[3] = {{AS_CONFED_SEQUENCE, 2}, {AS_CONFED_SET, 2}, {AS_SEQUENCE, 1}};
	uint32_t ca[5] = {1, 2, 3, 4, 5};

	full_set(&s);
	ck_assert_str_eq(attr_aspath_fmt(&s, buf, sizeof(buf)), "12076 65001 65002 {10,11} 65003");
	ck_assert_str_eq(attr_comms_fmt(&s, buf, sizeof(buf)), "65001:100 no-export blackhole");
	ck_assert_str_eq(attr_ecomms_fmt(&s, buf, sizeof(buf)),
	                 "rt 65001:1 rt 192.0.2.1:10 0x0600000000000001");
	ck_assert_str_eq(attr_lcomms_fmt(&s, buf, sizeof(buf)), "65001:1:2 4200000000:0:7");
	s.segs = cs, s.nsegs = 3, s.asns = ca, s.nasns = 5;
	ck_assert_str_eq(attr_aspath_fmt(&s, buf, sizeof(buf)), "(1 2) [3,4] 5");
	/* truncation is marked */
	full_set(&s);
	attr_aspath_fmt(&s, small, sizeof(small));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_str_eq(small + sizeof(small) - 4, "...");
	attr_comms_fmt(&s, small, 1);
	ck_assert_str_eq(small, "");
	attr_comms_fmt(&s, small, 0); /* no write at all */
	/* empty */
	attr_set_init(&s);
	ck_assert_str_eq(attr_aspath_fmt(&s, buf, sizeof(buf)), "");
	ck_assert_str_eq(attr_comms_fmt(&s, buf, sizeof(buf)), "");
	ck_assert_str_eq(attr_origin_name(ORIGIN_IGP), "IGP");
	ck_assert_str_eq(attr_origin_name(ORIGIN_INCOMPLETE), "incomplete");
	ck_assert_str_eq(attr_origin_name(9), "unknown");
	ck_assert_str_eq(attr_origin_code(ORIGIN_EGP), "e");
	ck_assert_str_eq(attr_origin_code(9), "?");
	{
		uint64_t e = 0x0203fde800000001ull;

		s.ecomms = &e, s.necomms = 1;
		ck_assert_str_eq(attr_ecomms_fmt(&s, buf, sizeof(buf)), "soo 4259840000:1");
	}
}
END_TEST

START_TEST(intern_shares_and_frees)
{
	struct attr_table *t = attr_table_new();
	struct attr_set a, b;
	const struct attr *x, *y, *z;
	uint32_t copy[6];
	size_t mem0;

	ck_assert_ptr_nonnull(t);
	mem0 = attr_table_memory(t);
	full_set(&a);
	x = attr_intern(t, &a);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->refcnt, 1);
	ck_assert_uint_eq(attr_table_count(t), 1);
	ck_assert_uint_gt(attr_table_memory(t), mem0);
	/* the interned copy owns its arrays */
	ck_assert_ptr_ne(x->set.asns, a.asns);
	ck_assert(attr_eq(&x->set, &a));
	ck_assert_uint_eq(x->hash, attr_hash(&a));
	ck_assert_ptr_ne(x->set.unknown[0].data, udata);
	ck_assert_mem_eq(x->set.unknown[0].data, udata, 4);

	/* equal content in other storage: the same object */
	full_set(&b);
	memcpy(copy, asns, sizeof(copy));
	b.asns = copy;
	y = attr_intern(t, &b);
	ck_assert_ptr_eq(x, y);
	ck_assert_uint_eq(x->refcnt, 2);
	ck_assert_uint_eq(attr_table_count(t), 1);

	/* different content: another one */
	b.med = 51;
	z = attr_intern(t, &b);
	ck_assert_ptr_ne(x, z);
	ck_assert_uint_eq(attr_table_count(t), 2);
	ck_assert_ptr_eq(attr_ref(z), z);
	ck_assert_uint_eq(z->refcnt, 2);

	attr_unref(y);
	ck_assert_uint_eq(x->refcnt, 1);
	attr_unref(x);
	ck_assert_uint_eq(attr_table_count(t), 1);
	attr_unref(z);
	attr_unref(z);
	ck_assert_uint_eq(attr_table_count(t), 0);
	ck_assert_uint_eq(attr_table_memory(t), mem0);
	attr_unref(NULL);
	ck_assert_ptr_null(attr_ref(NULL));
	attr_table_free(t);
	attr_table_free(NULL);
}
END_TEST

START_TEST(intern_many_and_grow)
{
	enum { N = 5000 };
	struct attr_table *t = attr_table_new();
	static const struct attr *refs[N];
	struct attr_set a;

	attr_set_init(&a);
	a.present = ATTR_HAS_ORIGIN | ATTR_HAS_MED;
	for (int round = 0; round < 2; round++)
		for (uint32_t i = 0; i < N; i++) {
			const struct attr *x;

			a.med = i;
			x = attr_intern(t, &a);
			ck_assert_ptr_nonnull(x);
			if (round == 0)
				refs[i] = x;
			else
				ck_assert_ptr_eq(x, refs[i]);
		}
	ck_assert_uint_eq(attr_table_count(t), N);
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_uint_eq(refs[i]->set.med, i);
		ck_assert_uint_eq(refs[i]->refcnt, 2);
		attr_unref(refs[i]);
	}
	ck_assert_uint_eq(attr_table_count(t), N);
	for (uint32_t i = 0; i < N; i += 2)
		attr_unref(refs[i]);
	ck_assert_uint_eq(attr_table_count(t), N / 2);
	/* the rest is freed with the table (ASan checks for leaks) */
	attr_table_free(t);
}
END_TEST

START_TEST(intern_empty_set)
{
	struct attr_table *t = attr_table_new();
	struct attr_set a;
	const struct attr *x;

	attr_set_init(&a);
	x = attr_intern(t, &a);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_null(x->set.asns);
	ck_assert_ptr_null(x->set.comms);
	ck_assert_uint_eq(x->size, sizeof(struct attr));
	ck_assert_ptr_eq(attr_intern(t, &a), x);
	attr_unref(x);
	attr_unref(x);
	ck_assert_uint_eq(attr_table_count(t), 0);
	attr_table_free(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("attr");
	TCase *tc = tcase_create("attr");

	tcase_add_test(tc, path_helpers);
	tcase_add_test(tc, prepend);
	tcase_add_test(tc, compare_and_hash);
	tcase_add_test(tc, text_forms);
	tcase_add_test(tc, intern_shares_and_frees);
	tcase_add_test(tc, intern_many_and_grow);
	tcase_add_test(tc, intern_empty_set);
	tcase_add_test(tc, nexthop_pick);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
