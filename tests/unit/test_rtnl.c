/*
 * rtnl: built messages checked byte by byte against rtnetlink(7)'s layout,
 * and the parsers fed hand-made kernel messages, broken ones included.
 * Netlink integers are host order: L16/L32 spell them for this host.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "rtnl.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define L16(x) ((x)&0xff), (((x) >> 8) & 0xff)
#define L32(x) ((x)&0xff), (((x) >> 8) & 0xff), (((x) >> 16) & 0xff), (((x) >> 24) & 0xff)
#else
#define L16(x) (((x) >> 8) & 0xff), ((x)&0xff)
#define L32(x) (((x) >> 24) & 0xff), (((x) >> 16) & 0xff), (((x) >> 8) & 0xff), ((x)&0xff)
#endif
/* Netlink header: length, type, flags, seq, pid 0. */
#define HDR(len, type, flags, seq) L32(len), L16(type), L16(flags), L32(seq), L32(0)
/* An attribute header. */
#define ATTR(len, type) L16(len), L16(type)

static struct addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x = {.afi = AFI_IP, .bytes = {a, b, c, d}};

	return x;
}

static struct prefix
p4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len)
{
	struct prefix p = {.afi = AFI_IP, .len = len, .bytes = {a, b, c, d}};

	return p;
}

static void
dump_diff(const uint8_t *got, size_t glen, const uint8_t *want, size_t wlen)
{
	for (size_t i = 0; i < glen || i < wlen; i++) {
		int g = i < glen ? got[i] : -1, w = i < wlen ? want[i] : -1;

		if (g != w)
			fprintf(stderr, "byte %zu: got %d want %d\n", i, g, w);
	}
}

#define CHECK_BYTES(buf, len, want)                                  \
	do {                                                         \
		if ((len) != sizeof(want) || memcmp(buf, want, len)) \
			dump_diff(buf, len, want, sizeof(want));     \
		ck_assert_uint_eq(len, sizeof(want));                \
		ck_assert_mem_eq(buf, want, sizeof(want));           \
	} while (0)

/* Every builder must refuse a buffer one byte too short, at every length. */
#define CHECK_TOO_SHORT(call_with_cap, full)                   \
	do {                                                   \
		for (size_t cap_ = 0; cap_ < (full); cap_++) { \
			size_t cap = cap_;                     \
			ck_assert_uint_eq((call_with_cap), 0); \
		}                                              \
	} while (0)

static const struct rtnl_nexthop nh_a = {.gw = {AFI_IP, {172, 16, 1, 2}}, .ifindex = 5};
static const struct rtnl_nexthop nh_b = {.gw = {AFI_IP, {172, 16, 2, 2}}, .ifindex = 6};

START_TEST(route_one_nexthop)
{
	struct rtnl_route r = {.dst = p4(10, 1, 0, 0, 16),
	                       .table = 254,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .metric = 20,
	                       .n = 1,
	                       .nh = &nh_a};
	/* clang-format off */
	const uint8_t want[] = {
		HDR(60, RTM_NEWROUTE, 0x505, 7),
		AF_INET, 16, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(8, RTA_DST), 10, 1, 0, 0,
		ATTR(8, RTA_PRIORITY), L32(20),
		ATTR(8, RTA_GATEWAY), 172, 16, 1, 2,
		ATTR(8, RTA_OIF), L32(5),
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 7, NLM_F_ACK, &r);

	CHECK_BYTES(buf, len, want);
	CHECK_TOO_SHORT(rtnl_route_new(buf, cap, 7, NLM_F_ACK, &r), sizeof(want));
}
END_TEST

START_TEST(route_multipath)
{
	struct rtnl_nexthop nh[2] = {nh_a, nh_b};
	struct rtnl_route r = {.dst = p4(10, 2, 0, 0, 16),
	                       .table = 254,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .n = 2,
	                       .nh = nh};
	/* clang-format off */
	const uint8_t want[] = {
		HDR(72, RTM_NEWROUTE, 0x501, 1),
		AF_INET, 16, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(8, RTA_DST), 10, 2, 0, 0,
		ATTR(36, RTA_MULTIPATH),
		/* rtnexthop: len, flags, hops, ifindex; then its attributes */
		L16(16), 0, 0, L32(5), ATTR(8, RTA_GATEWAY), 172, 16, 1, 2,
		L16(16), 0, 0, L32(6), ATTR(8, RTA_GATEWAY), 172, 16, 2, 2,
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 1, 0, &r);

	CHECK_BYTES(buf, len, want);
	CHECK_TOO_SHORT(rtnl_route_new(buf, cap, 1, 0, &r), sizeof(want));
}
END_TEST

START_TEST(route_blackhole)
{
	struct rtnl_route r = {
	        .dst = p4(10, 3, 0, 0, 24), .table = 254, .protocol = 186, .type = RTN_BLACKHOLE};
	/* clang-format off */
	const uint8_t want[] = {
		HDR(36, RTM_NEWROUTE, 0x501, 2),
		AF_INET, 24, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_BLACKHOLE, L32(0),
		ATTR(8, RTA_DST), 10, 3, 0, 0,
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 2, 0, &r);

	CHECK_BYTES(buf, len, want);
	/* A blackhole with a next hop, or a unicast route without one, is refused. */
	r.n = 1;
	r.nh = &nh_a;
	ck_assert_uint_eq(rtnl_route_new(buf, sizeof(buf), 2, 0, &r), 0);
	r.type = RTN_UNICAST;
	r.n = 0;
	ck_assert_uint_eq(rtnl_route_new(buf, sizeof(buf), 2, 0, &r), 0);
}
END_TEST

START_TEST(route_delete)
{
	struct rtnl_route r = {.dst = p4(10, 1, 0, 0, 16),
	                       .table = 254,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .metric = 20,
	                       .n = 1,
	                       .nh = &nh_a};
	/* Scope NOWHERE and type UNSPEC match any route of ours for the key. */
	/* clang-format off */
	const uint8_t want[] = {
		HDR(44, RTM_DELROUTE, NLM_F_REQUEST, 3),
		AF_INET, 16, 0, 0, 254, 186, RT_SCOPE_NOWHERE, RTN_UNSPEC, L32(0),
		ATTR(8, RTA_DST), 10, 1, 0, 0,
		ATTR(8, RTA_PRIORITY), L32(20),
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_del(buf, sizeof(buf), 3, 0, &r);

	CHECK_BYTES(buf, len, want);
	CHECK_TOO_SHORT(rtnl_route_del(buf, cap, 3, 0, &r), sizeof(want));
}
END_TEST

START_TEST(route_big_table_uses_rta_table)
{
	struct rtnl_nexthop nh = {.gw = {AFI_IP, {172, 16, 1, 2}}};
	struct rtnl_route r = {.dst = p4(192, 0, 2, 1, 32),
	                       .table = 1000,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .n = 1,
	                       .nh = &nh};
	/* clang-format off */
	const uint8_t want[] = {
		HDR(52, RTM_NEWROUTE, 0x501, 4),
		AF_INET, 32, 0, 0, RT_TABLE_UNSPEC, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(8, RTA_DST), 192, 0, 2, 1,
		ATTR(8, RTA_TABLE), L32(1000),
		ATTR(8, RTA_GATEWAY), 172, 16, 1, 2,
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 4, 0, &r);

	CHECK_BYTES(buf, len, want);
}
END_TEST

START_TEST(route_ipv6_and_device_route)
{
	struct rtnl_nexthop nh = {.gw = {AFI_IP6, {0xfe, 0x80, [15] = 1}}, .ifindex = 7};
	struct rtnl_route r = {.dst = {AFI_IP6, 32, {0x20, 0x01, 0x0d, 0xb8}},
	                       .table = 254,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .n = 1,
	                       .nh = &nh};
	/* clang-format off */
	const uint8_t want[] = {
		HDR(76, RTM_NEWROUTE, 0x501, 5),
		AF_INET6, 32, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(20, RTA_DST), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		ATTR(20, RTA_GATEWAY), 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		ATTR(8, RTA_OIF), L32(7),
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 5, 0, &r);

	CHECK_BYTES(buf, len, want);
	/* A device route (no gateway) gets link scope, as connected routes do. */
	struct rtnl_nexthop dev = {.ifindex = 7};
	r.dst = p4(10, 9, 0, 0, 16);
	r.nh = &dev;
	len = rtnl_route_new(buf, sizeof(buf), 5, 0, &r);
	ck_assert_uint_eq(len, 16 + 12 + 8 + 8);
	ck_assert_uint_eq(buf[16 + 6], RT_SCOPE_LINK);
	/* A gateway of the other family is refused. */
	r.nh = &nh;
	ck_assert_uint_eq(rtnl_route_new(buf, sizeof(buf), 5, 0, &r), 0);
}
END_TEST

START_TEST(vlan_link_creation)
{
	/* clang-format off */
	const uint8_t want[] = {
		HDR(84, RTM_NEWLINK, 0x605, 9),
		AF_UNSPEC, 0, L16(0), L32(0), L32(IFF_UP), L32(IFF_UP),
		ATTR(13, IFLA_IFNAME), 'e', 't', 'h', '0', '.', '5', '5', '5', 0, 0, 0, 0,
		ATTR(8, IFLA_LINK), L32(2),
		ATTR(28, NLA_F_NESTED | IFLA_LINKINFO),
		ATTR(9, IFLA_INFO_KIND), 'v', 'l', 'a', 'n', 0, 0, 0, 0,
		ATTR(12, NLA_F_NESTED | IFLA_INFO_DATA),
		ATTR(6, IFLA_VLAN_ID), L16(555), 0, 0,
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_vlan_new(buf, sizeof(buf), 9, "eth0.555", 2, 555, true);

	CHECK_BYTES(buf, len, want);
	CHECK_TOO_SHORT(rtnl_vlan_new(buf, cap, 9, "eth0.555", 2, 555, true), sizeof(want));
	/* Reserved VLAN ids, no parent, names too long or empty. */
	ck_assert_uint_eq(rtnl_vlan_new(buf, sizeof(buf), 9, "eth0.0", 2, 0, true), 0);
	ck_assert_uint_eq(rtnl_vlan_new(buf, sizeof(buf), 9, "eth0.4095", 2, 4095, true), 0);
	ck_assert_uint_eq(rtnl_vlan_new(buf, sizeof(buf), 9, "eth0.555", 0, 555, true), 0);
	ck_assert_uint_eq(rtnl_vlan_new(buf, sizeof(buf), 9, "0123456789abcdef", 2, 5, true), 0);
	ck_assert_uint_eq(rtnl_vlan_new(buf, sizeof(buf), 9, "", 2, 5, true), 0);
}
END_TEST

START_TEST(address_add)
{
	struct addr a = v4(172, 16, 1, 1);
	/* clang-format off */
	const uint8_t want[] = {
		HDR(40, RTM_NEWADDR, 0x605, 11),
		AF_INET, 30, 0, RT_SCOPE_UNIVERSE, L32(3),
		ATTR(8, IFA_LOCAL), 172, 16, 1, 1,
		ATTR(8, IFA_ADDRESS), 172, 16, 1, 1,
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_addr_new(buf, sizeof(buf), 11, 3, &a, 30);

	CHECK_BYTES(buf, len, want);
	CHECK_TOO_SHORT(rtnl_addr_new(buf, cap, 11, 3, &a, 30), sizeof(want));
	ck_assert_uint_eq(rtnl_addr_new(buf, sizeof(buf), 11, 3, &a, 33), 0);
	ck_assert_uint_eq(rtnl_addr_new(buf, sizeof(buf), 11, 0, &a, 30), 0);
	/* The delete differs only in type and flags. */
	len = rtnl_addr_del(buf, sizeof(buf), 11, 3, &a, 30);
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_uint_eq(buf[4], RTM_DELADDR);
	ck_assert_mem_eq(buf + 16, want + 16, sizeof(want) - 16);
}
END_TEST

START_TEST(veth_and_link_up)
{
	/* clang-format off */
	const uint8_t want[] = {
		HDR(88, RTM_NEWLINK, 0x605, 1),
		AF_UNSPEC, 0, L16(0), L32(0), L32(0), L32(0),
		ATTR(8, IFLA_IFNAME), 'v', 'a', '0', 0,
		ATTR(48, NLA_F_NESTED | IFLA_LINKINFO),
		ATTR(9, IFLA_INFO_KIND), 'v', 'e', 't', 'h', 0, 0, 0, 0,
		ATTR(32, NLA_F_NESTED | IFLA_INFO_DATA),
		ATTR(28, 1 /* VETH_INFO_PEER */),
		AF_UNSPEC, 0, L16(0), L32(0), L32(0), L32(0),
		ATTR(8, IFLA_IFNAME), 'v', 'b', '0', 0,
	};
	/* clang-format on */
	/* clang-format off */
	const uint8_t up[] = {
		HDR(32, RTM_NEWLINK, 0x5, 2),
		AF_UNSPEC, 0, L16(0), L32(4), L32(IFF_UP), L32(IFF_UP),
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_veth_new(buf, sizeof(buf), 1, "va0", "vb0");

	CHECK_BYTES(buf, len, want);
	len = rtnl_link_set_up(buf, sizeof(buf), 2, 4, true);
	CHECK_BYTES(buf, len, up);
}
END_TEST

START_TEST(dump_requests)
{
	/* clang-format off */
	const uint8_t want[] = {
		HDR(36, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 12),
		AF_INET, 0, 0, 0, RT_TABLE_UNSPEC, 186, 0, 0, L32(0),
		ATTR(8, RTA_TABLE), L32(300),
	};
	/* clang-format on */
	uint8_t buf[64];
	size_t len = rtnl_route_dump(buf, sizeof(buf), 12, AFI_IP, 300, 186);

	CHECK_BYTES(buf, len, want);
	ck_assert_uint_eq(rtnl_link_dump(buf, sizeof(buf), 1), 32);
	ck_assert_uint_eq(rtnl_addr_dump(buf, sizeof(buf), 1, 0), 24);
	ck_assert_uint_eq(buf[4], RTM_GETADDR);
}
END_TEST

/* Parse the first message of a hand-made datagram. */
static struct rtnl_msg
one(const uint8_t *b, size_t len)
{
	struct rtnl_msg m;
	struct rbuf d;

	rbuf_init(&d, b, len);
	ck_assert_int_eq(rtnl_next(&d, &m), 1);
	ck_assert_int_eq(rtnl_next(&d, &m), 0);
	return m;
}

START_TEST(parse_link)
{
	/* clang-format off */
	const uint8_t b[] = {
		HDR(68, RTM_NEWLINK, 0, 0),
		AF_UNSPEC, 0, L16(1), L32(4), L32(IFF_UP | IFF_RUNNING | IFF_BROADCAST), L32(0),
		ATTR(13, IFLA_IFNAME), 'e', 't', 'h', '0', '.', '5', '5', '5', 0, 0, 0, 0,
		ATTR(8, IFLA_LINK), L32(2),
		ATTR(12, NLA_F_NESTED | IFLA_LINKINFO),
		ATTR(8, IFLA_INFO_KIND), 'v', 'l', 'a', 'n',
	};
	/* clang-format on */
	struct rtnl_msg m = one(b, sizeof(b));
	struct rtnl_link l;

	ck_assert(rtnl_parse_link(&m, &l));
	ck_assert_uint_eq(l.ifindex, 4);
	ck_assert_str_eq(l.name, "eth0.555");
	ck_assert_uint_eq(l.parent, 2);
	ck_assert_str_eq(l.kind, "vlan"); /* not NUL-terminated on the wire: still bounded */
	ck_assert(!l.deleted);
	ck_assert(rtnl_link_is_up(&l));

	/* No carrier: not up for routing. */
	uint8_t c[sizeof(b)];
	memcpy(c, b, sizeof(b));
	const uint8_t flags[] = {L32(IFF_UP)};
	memcpy(c + 24, flags, 4);
	m = one(c, sizeof(c));
	ck_assert(rtnl_parse_link(&m, &l));
	ck_assert(!rtnl_link_is_up(&l));
	/* A deleted link is never up. */
	c[4] = RTM_DELLINK;
	memcpy(c + 24, b + 24, 4);
	m = one(c, sizeof(c));
	ck_assert(rtnl_parse_link(&m, &l));
	ck_assert(l.deleted);
	ck_assert(!rtnl_link_is_up(&l));
	/* An address message is not a link. */
	c[4] = RTM_NEWADDR;
	m = one(c, sizeof(c));
	ck_assert(!rtnl_parse_link(&m, &l));
}
END_TEST

START_TEST(parse_link_broken_attribute)
{
	/* IFLA_LINK claims 12 bytes but only 8 remain. */
	/* clang-format off */
	const uint8_t b[] = {
		HDR(48, RTM_NEWLINK, 0, 0),
		AF_UNSPEC, 0, L16(1), L32(4), L32(0), L32(0),
		ATTR(8, IFLA_IFNAME), 'v', 'a', '0', 0,
		ATTR(12, IFLA_LINK), L32(2),
	};
	/* clang-format on */
	struct rtnl_msg m = one(b, sizeof(b));
	struct rtnl_link l;

	ck_assert(!rtnl_parse_link(&m, &l));
}
END_TEST

START_TEST(parse_addr_v4_and_v6)
{
	/* Point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer. */
	/* clang-format off */
	const uint8_t b4[] = {
		HDR(40, RTM_NEWADDR, 0, 0),
		AF_INET, 30, 0, 0, L32(3),
		ATTR(8, IFA_ADDRESS), 172, 16, 1, 2,
		ATTR(8, IFA_LOCAL), 172, 16, 1, 1,
	};
	/* clang-format on */
	/* clang-format off */
	const uint8_t b6[] = {
		HDR(52, RTM_DELADDR, 0, 0),
		AF_INET6, 126, 0, 0, L32(3),
		ATTR(20, IFA_ADDRESS), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		ATTR(8, IFA_FLAGS), L32(IFA_F_TENTATIVE),
	};
	/* clang-format on */
	struct rtnl_msg m = one(b4, sizeof(b4));
	struct rtnl_addr a;
	struct addr want = v4(172, 16, 1, 1);

	ck_assert(rtnl_parse_addr(&m, &a));
	ck_assert_uint_eq(a.ifindex, 3);
	ck_assert_uint_eq(a.plen, 30);
	ck_assert_mem_eq(&a.addr, &want, sizeof(want));
	ck_assert(!a.deleted);
	ck_assert(rtnl_addr_is_usable(&a));

	m = one(b6, sizeof(b6));
	ck_assert(rtnl_parse_addr(&m, &a));
	ck_assert_uint_eq(a.addr.afi, AFI_IP6);
	ck_assert_uint_eq(a.addr.bytes[15], 1);
	ck_assert_uint_eq(a.plen, 126);
	ck_assert(a.deleted);
	ck_assert(!rtnl_addr_is_usable(&a));
}
END_TEST

START_TEST(parse_addr_rejects_wrong_length)
{
	/* An IPv4 address attribute of 5 bytes. */
	/* clang-format off */
	const uint8_t b[] = {
		HDR(36, RTM_NEWADDR, 0, 0),
		AF_INET, 24, 0, 0, L32(3),
		ATTR(9, IFA_LOCAL), 10, 0, 0, 1, 9, 0, 0, 0,
	};
	/* clang-format on */
	struct rtnl_msg m = one(b, sizeof(b));
	struct rtnl_addr a;

	ck_assert(!rtnl_parse_addr(&m, &a));
}
END_TEST

START_TEST(parse_route_round_trip)
{
	struct rtnl_nexthop in[2] = {nh_a, nh_b}, out[4];
	struct rtnl_route r = {.dst = p4(10, 2, 0, 0, 16),
	                       .table = 1000,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .metric = 7,
	                       .n = 2,
	                       .nh = in},
	                  got;
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 1, 0, &r);
	bool deleted;

	struct rtnl_msg m = one(buf, len);
	ck_assert(rtnl_parse_route(&m, &got, out, 4, &deleted));
	ck_assert(!deleted);
	ck_assert_mem_eq(&got.dst, &r.dst, sizeof(r.dst));
	ck_assert_uint_eq(got.table, 1000);
	ck_assert_uint_eq(got.protocol, 186);
	ck_assert_uint_eq(got.metric, 7);
	ck_assert_uint_eq(got.type, RTN_UNICAST);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_mem_eq(&got.nh[0], &nh_a, sizeof(nh_a));
	ck_assert_mem_eq(&got.nh[1], &nh_b, sizeof(nh_b));
	/* Room for one next hop only: refused, never overrun. */
	ck_assert(!rtnl_parse_route(&m, &got, out, 1, &deleted));

	r.n = 1;
	len = rtnl_route_new(buf, sizeof(buf), 1, 0, &r);
	m = one(buf, len);
	ck_assert(rtnl_parse_route(&m, &got, out, 4, &deleted));
	ck_assert_uint_eq(got.n, 1);
	ck_assert_mem_eq(&got.nh[0], &nh_a, sizeof(nh_a));
}
END_TEST

START_TEST(parse_route_notification)
{
	/* What the kernel sends for a deleted blackhole in the main table. */
	/* clang-format off */
	const uint8_t b[] = {
		HDR(44, RTM_DELROUTE, 0, 0),
		AF_INET, 24, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_BLACKHOLE, L32(0),
		ATTR(8, RTA_TABLE), L32(254),
		ATTR(8, RTA_DST), 10, 3, 0, 0,
	};
	/* clang-format on */
	struct rtnl_nexthop nh[2];
	struct rtnl_route r;
	bool deleted;
	struct rtnl_msg m = one(b, sizeof(b));
	struct prefix want = p4(10, 3, 0, 0, 24);

	ck_assert(rtnl_parse_route(&m, &r, nh, 2, &deleted));
	ck_assert(deleted);
	ck_assert_uint_eq(r.type, RTN_BLACKHOLE);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_mem_eq(&r.dst, &want, sizeof(want));

	/* A multipath entry whose rtnh_len runs past the attribute. */
	/* clang-format off */
	const uint8_t bad[] = {
		HDR(52, RTM_NEWROUTE, 0, 0),
		AF_INET, 24, 0, 0, 254, 186, 0, RTN_UNICAST, L32(0),
		ATTR(8, RTA_DST), 10, 3, 0, 0,
		ATTR(16, RTA_MULTIPATH), L16(20), 0, 0, L32(5), ATTR(8, RTA_GATEWAY),
	};
	/* clang-format on */
	m = one(bad, sizeof(bad));
	ck_assert(!rtnl_parse_route(&m, &r, nh, 2, &deleted));
}
END_TEST

START_TEST(parse_error_with_ext_ack)
{
	/* Capped ACK (header only) with NLMSGERR_ATTR_MSG. */
	/* clang-format off */
	const uint8_t b[] = {
		HDR(48, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 42),
		L32(-ENETUNREACH),
		HDR(60, RTM_NEWROUTE, 0x501, 42),
		ATTR(12, NLMSGERR_ATTR_MSG), 'n', 'o', ' ', 'n', 'h', 0, 0, 0,
	};
	/* clang-format on */
	/* clang-format off */
	const uint8_t ack[] = {
		HDR(36, NLMSG_ERROR, NLM_F_CAPPED, 43),
		L32(0),
		HDR(44, RTM_DELROUTE, 0x5, 43),
	};
	/* clang-format on */
	const uint8_t done[] = {HDR(20, NLMSG_DONE, NLM_F_MULTI, 1), L32(0)};
	struct rtnl_error e;
	struct rtnl_msg m = one(b, sizeof(b));
	int err = -1;

	ck_assert(rtnl_parse_error(&m, &e));
	ck_assert_int_eq(e.err, ENETUNREACH);
	ck_assert_uint_eq(e.seq, 42);
	ck_assert_uint_eq(e.req_type, RTM_NEWROUTE);
	ck_assert_str_eq(e.msg, "no nh");

	m = one(ack, sizeof(ack));
	ck_assert(rtnl_parse_error(&m, &e));
	ck_assert_int_eq(e.err, 0);
	ck_assert_uint_eq(e.seq, 43);
	ck_assert_str_eq(e.msg, "");

	m = one(done, sizeof(done));
	ck_assert(!rtnl_parse_error(&m, &e));
	ck_assert(rtnl_parse_done(&m, &err));
	ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(framing_several_and_broken)
{
	/* clang-format off */
	const uint8_t two[] = {
		HDR(20, NLMSG_DONE, 0, 1),
		L32(0),
		HDR(16, NLMSG_NOOP, 0, 2),
	};
	/* clang-format on */
	const uint8_t lying[] = {HDR(64, NLMSG_DONE, 0, 1), L32(0)};
	const uint8_t tiny[] = {HDR(8, NLMSG_DONE, 0, 1)};
	struct rtnl_msg m;
	struct rbuf d;

	rbuf_init(&d, two, sizeof(two));
	ck_assert_int_eq(rtnl_next(&d, &m), 1);
	ck_assert_uint_eq(m.seq, 1);
	ck_assert_uint_eq(rbuf_left(&m.body), 4);
	ck_assert_int_eq(rtnl_next(&d, &m), 1);
	ck_assert_uint_eq(m.type, NLMSG_NOOP);
	ck_assert_uint_eq(rbuf_left(&m.body), 0);
	ck_assert_int_eq(rtnl_next(&d, &m), 0);

	rbuf_init(&d, lying, sizeof(lying));
	ck_assert_int_eq(rtnl_next(&d, &m), -1);
	rbuf_init(&d, tiny, sizeof(tiny));
	ck_assert_int_eq(rtnl_next(&d, &m), -1);
	rbuf_init(&d, two, 10); /* cut inside the header */
	ck_assert_int_eq(rtnl_next(&d, &m), -1);
}
END_TEST

/* What a 6.x kernel dumps for an IPv6 ECMP route: RTA_MULTIPATH, 16-byte gateways. */
START_TEST(parse_ipv6_multipath_dump)
{
	/* clang-format off */
	const uint8_t b[] = {
		HDR(124, RTM_NEWROUTE, NLM_F_MULTI, 9),
		AF_INET6, 32, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(8, RTA_TABLE), L32(254),
		ATTR(20, RTA_DST), 0x2a, 0x10, 0xce, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		ATTR(8, RTA_PRIORITY), L32(1024),
		ATTR(60, RTA_MULTIPATH),
		L16(28), 0, 0, L32(5), ATTR(20, RTA_GATEWAY),
		0x2a, 0x10, 0xce, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		L16(28), 0, 0, L32(6), ATTR(20, RTA_GATEWAY),
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};
	/* clang-format on */
	struct rtnl_nexthop nh[4];
	struct rtnl_route r;
	bool deleted;
	struct rtnl_msg m = one(b, sizeof(b));
	struct addr g1 = {AFI_IP6, {0x2a, 0x10, 0xce, 0, 0, 1, [15] = 2}};
	struct addr g2 = {AFI_IP6, {0xfe, 0x80, [15] = 2}};

	ck_assert(rtnl_parse_route(&m, &r, nh, 4, &deleted));
	ck_assert(!deleted);
	ck_assert_uint_eq(r.dst.afi, AFI_IP6);
	ck_assert_uint_eq(r.dst.len, 32);
	ck_assert_uint_eq(r.dst.bytes[3], 0x10);
	ck_assert_uint_eq(r.metric, 1024);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.nhid, 0);
	ck_assert(addr_eq(&r.nh[0].gw, &g1));
	ck_assert_uint_eq(r.nh[0].ifindex, 5);
	ck_assert(addr_eq(&r.nh[1].gw, &g2));
	ck_assert_uint_eq(r.nh[1].ifindex, 6);
	/* An IPv4 gateway length in an IPv6 route is malformed. */
	uint8_t bad[sizeof(b)];
	memcpy(bad, b, sizeof(b));
	bad[16 + 12 + 8 + 20 + 8 + 4 + 8] = 8; /* first RTA_GATEWAY's length */
	m = one(bad, sizeof(bad));
	ck_assert(!rtnl_parse_route(&m, &r, nh, 4, &deleted));
}
END_TEST

/* RTA_VIA (an IPv4 route over an IPv6 next hop) and RTA_NH_ID. */
START_TEST(parse_via_and_nhid)
{
	/* clang-format off */
	const uint8_t via[] = {
		HDR(72, RTM_NEWROUTE, 0, 0),
		AF_INET, 16, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(8, RTA_DST), 10, 9, 0, 0,
		ATTR(36, RTA_MULTIPATH),
		L16(32), 0, 0, L32(7), ATTR(22, RTA_VIA), L16(AF_INET6),
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0,
	};
	const uint8_t nhid[] = {
		HDR(56, RTM_NEWROUTE, 0, 0),
		AF_INET6, 48, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(20, RTA_DST), 0x2a, 0x10, 0xce, 0x10, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		ATTR(8, RTA_NH_ID), L32(0xceb00001),
	};
	/* clang-format on */
	struct rtnl_nexthop nh[4];
	struct rtnl_route r;
	bool deleted;
	struct addr g = {AFI_IP6, {0xfe, 0x80, [15] = 9}};
	struct rtnl_msg m = one(via, sizeof(via));

	ck_assert(rtnl_parse_route(&m, &r, nh, 4, &deleted));
	ck_assert_uint_eq(r.n, 1);
	ck_assert(addr_eq(&r.nh[0].gw, &g));
	ck_assert_uint_eq(r.nh[0].ifindex, 7);

	m = one(nhid, sizeof(nhid));
	ck_assert(rtnl_parse_route(&m, &r, nh, 4, &deleted));
	ck_assert_uint_eq(r.nhid, 0xceb00001);
	ck_assert_uint_eq(r.n, 0);
}
END_TEST

START_TEST(route_over_nexthop_object)
{
	struct rtnl_route r = {.dst = p4(10, 1, 0, 0, 16),
	                       .table = 254,
	                       .protocol = 186,
	                       .type = RTN_UNICAST,
	                       .nhid = 77};
	/* clang-format off */
	const uint8_t want[] = {
		HDR(44, RTM_NEWROUTE, 0x501, 3),
		AF_INET, 16, 0, 0, 254, 186, RT_SCOPE_UNIVERSE, RTN_UNICAST, L32(0),
		ATTR(8, RTA_DST), 10, 1, 0, 0,
		ATTR(8, RTA_NH_ID), L32(77),
	};
	/* clang-format on */
	uint8_t buf[256];
	size_t len = rtnl_route_new(buf, sizeof(buf), 3, 0, &r);

	CHECK_BYTES(buf, len, want);
	CHECK_TOO_SHORT(rtnl_route_new(buf, cap, 3, 0, &r), sizeof(want));
	/* Next hops beside a nexthop object: refused. */
	r.n = 1;
	r.nh = &nh_a;
	ck_assert_uint_eq(rtnl_route_new(buf, sizeof(buf), 3, 0, &r), 0);
}
END_TEST

START_TEST(nexthop_objects_build_and_parse)
{
	struct rtnl_nh one6 = {.id = 5,
	                       .protocol = 186,
	                       .gw = {AFI_IP6, {0x2a, 0x10, 0xce, 0, 0, 1, [15] = 2}},
	                       .ifindex = 3};
	struct rtnl_nh grp = {.id = 9, .protocol = 186, .ngroup = 2, .group = {5, 6}};
	/* clang-format off */
	const uint8_t want_one[] = {
		HDR(60, RTM_NEWNEXTHOP, 0x501, 1),
		AF_INET6, 0, 186, 0, L32(0),
		ATTR(8, NHA_ID), L32(5),
		ATTR(8, NHA_OIF), L32(3),
		ATTR(20, NHA_GATEWAY), 0x2a, 0x10, 0xce, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};
	const uint8_t want_grp[] = {
		HDR(52, RTM_NEWNEXTHOP, 0x505, 2),
		AF_UNSPEC, 0, 186, 0, L32(0),
		ATTR(8, NHA_ID), L32(9),
		ATTR(20, NHA_GROUP), L32(5), 0, 0, L16(0), L32(6), 0, 0, L16(0),
	};
	const uint8_t want_del[] = {
		HDR(32, RTM_DELNEXTHOP, 0x005, 4),
		AF_UNSPEC, 0, 0, 0, L32(0),
		ATTR(8, NHA_ID), L32(9),
	};
	/* clang-format on */
	uint8_t buf[256];
	struct rtnl_nh got;
	bool deleted;
	size_t len = rtnl_nh_new(buf, sizeof(buf), 1, 0, &one6);

	CHECK_BYTES(buf, len, want_one);
	CHECK_TOO_SHORT(rtnl_nh_new(buf, cap, 1, 0, &one6), sizeof(want_one));
	len = rtnl_nh_new(buf, sizeof(buf), 1, 0, &one6);
	struct rtnl_msg m = one(buf, len);
	ck_assert(rtnl_parse_nh(&m, &got, &deleted));
	ck_assert(!deleted);
	ck_assert_uint_eq(got.id, 5);
	ck_assert_uint_eq(got.protocol, 186);
	ck_assert_uint_eq(got.ifindex, 3);
	ck_assert(addr_eq(&got.gw, &one6.gw));
	ck_assert_uint_eq(got.ngroup, 0);

	len = rtnl_nh_new(buf, sizeof(buf), 2, NLM_F_ACK, &grp);
	CHECK_BYTES(buf, len, want_grp);
	CHECK_TOO_SHORT(rtnl_nh_new(buf, cap, 2, NLM_F_ACK, &grp), sizeof(want_grp));
	len = rtnl_nh_new(buf, sizeof(buf), 2, NLM_F_ACK, &grp);
	m = one(buf, len);
	ck_assert(rtnl_parse_nh(&m, &got, &deleted));
	ck_assert_uint_eq(got.id, 9);
	ck_assert_uint_eq(got.ngroup, 2);
	ck_assert_uint_eq(got.group[0], 5);
	ck_assert_uint_eq(got.group[1], 6);

	len = rtnl_nh_del(buf, sizeof(buf), 4, NLM_F_ACK, 9);
	CHECK_BYTES(buf, len, want_del);
	m = one(buf, len);
	ck_assert(rtnl_parse_nh(&m, &got, &deleted));
	ck_assert(deleted);
	ck_assert_uint_eq(got.id, 9);

	/* No id, no interface, a zero member: refused. */
	one6.id = 0;
	ck_assert_uint_eq(rtnl_nh_new(buf, sizeof(buf), 1, 0, &one6), 0);
	one6.id = 5;
	one6.ifindex = 0;
	ck_assert_uint_eq(rtnl_nh_new(buf, sizeof(buf), 1, 0, &one6), 0);
	grp.group[1] = 0;
	ck_assert_uint_eq(rtnl_nh_new(buf, sizeof(buf), 1, 0, &grp), 0);
	ck_assert_uint_eq(rtnl_nh_del(buf, sizeof(buf), 1, 0, 0), 0);

	/* A group attribute that is not a whole number of members. */
	uint8_t bad[sizeof(want_grp)];
	memcpy(bad, want_grp, sizeof(bad));
	bad[16 + 8 + 8] = 16; /* NHA_GROUP's length: 12 bytes of members */
	m = one(bad, sizeof(bad));
	ck_assert(!rtnl_parse_nh(&m, &got, &deleted));
	ck_assert_uint_gt(rtnl_nh_dump(buf, sizeof(buf), 1), 0);
}
END_TEST

static Suite *
rtnl_suite(void)
{
	Suite *s = suite_create("rtnl");
	TCase *b = tcase_create("build");
	TCase *p = tcase_create("parse");

	tcase_add_test(b, route_one_nexthop);
	tcase_add_test(b, route_multipath);
	tcase_add_test(b, route_blackhole);
	tcase_add_test(b, route_delete);
	tcase_add_test(b, route_big_table_uses_rta_table);
	tcase_add_test(b, route_ipv6_and_device_route);
	tcase_add_test(b, vlan_link_creation);
	tcase_add_test(b, address_add);
	tcase_add_test(b, veth_and_link_up);
	tcase_add_test(b, dump_requests);
	tcase_add_test(b, route_over_nexthop_object);
	tcase_add_test(b, nexthop_objects_build_and_parse);
	tcase_add_test(p, parse_link);
	tcase_add_test(p, parse_link_broken_attribute);
	tcase_add_test(p, parse_addr_v4_and_v6);
	tcase_add_test(p, parse_addr_rejects_wrong_length);
	tcase_add_test(p, parse_route_round_trip);
	tcase_add_test(p, parse_route_notification);
	tcase_add_test(p, parse_ipv6_multipath_dump);
	tcase_add_test(p, parse_via_and_nhid);
	tcase_add_test(p, parse_error_with_ext_ack);
	tcase_add_test(p, framing_several_and_broken);
	suite_add_tcase(s, b);
	suite_add_tcase(s, p);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rtnl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
