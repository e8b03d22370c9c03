#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "prefix.h"

static struct prefix
P(const char *s) {
	struct prefix p;
	enum prefix_err err = prefix_parse(s, &p, 0);

	ck_assert_msg(err == PREFIX_OK, "%s: %s", s, prefix_strerror(err));
	return p;
}

/* Address of a parsed prefix, for one-line calls. */
#define PP(s) (&(struct prefix[1]){P(s)}[0])

static struct addr
A(const char *s) {
	struct addr a;

	ck_assert_msg(addr_parse(s, &a) == PREFIX_OK, "%s", s);
	return a;
}

static const struct {
	const char *text;
	unsigned flags;
	enum prefix_err err;
	const char *canon; /* prefix_fmt() of the result when err == PREFIX_OK */
} parse_cases[] = {
        {"10.0.0.0/8", 0, PREFIX_OK, "10.0.0.0/8"},
        {"0.0.0.0/0", 0, PREFIX_OK, "0.0.0.0/0"},
        {"255.255.255.255/32", 0, PREFIX_OK, "255.255.255.255/32"},
        {"192.0.2.1/32", 0, PREFIX_OK, "192.0.2.1/32"},
        {"::/0", 0, PREFIX_OK, "::/0"},
        {"2001:db8::/32", 0, PREFIX_OK, "2001:db8::/32"},
        {"2001:DB8::/32", 0, PREFIX_OK, "2001:db8::/32"},
        {"2001:0db8:0000::/48", 0, PREFIX_OK, "2001:db8::/48"},
        {"::1/128", 0, PREFIX_OK, "::1/128"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0, PREFIX_OK,
         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"},
        {"::ffff:10.0.0.0/104", 0, PREFIX_OK, "::ffff:10.0.0.0/104"},
        /* lengths */
        {"10.0.0.0", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/33", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/08", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/008", 0, PREFIX_ERR_LENGTH, NULL},
        {"0.0.0.0/00", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/+8", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/-8", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/8 ", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/ 8", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/8/8", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/1000", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/4294967304", 0, PREFIX_ERR_LENGTH, NULL},
        {"10.0.0.0/0x8", 0, PREFIX_ERR_LENGTH, NULL},
        {"::/129", 0, PREFIX_ERR_LENGTH, NULL},
        {"::/", 0, PREFIX_ERR_LENGTH, NULL},
        {"2001:db8::", 0, PREFIX_ERR_LENGTH, NULL},
        /* addresses */
        {"", 0, PREFIX_ERR_SYNTAX, NULL},
        {"/", 0, PREFIX_ERR_SYNTAX, NULL},
        {"/8", 0, PREFIX_ERR_SYNTAX, NULL},
        {" 10.0.0.0/8", 0, PREFIX_ERR_SYNTAX, NULL},
        {"10.0.0.0 /8", 0, PREFIX_ERR_SYNTAX, NULL},
        {"10.0.0/24", 0, PREFIX_ERR_SYNTAX, NULL},
        {"10/8", 0, PREFIX_ERR_SYNTAX, NULL},
        {"010.0.0.0/8", 0, PREFIX_ERR_SYNTAX, NULL},
        {"10.0.0.256/32", 0, PREFIX_ERR_SYNTAX, NULL},
        {"10.0.0.0.0/8", 0, PREFIX_ERR_SYNTAX, NULL},
        {"a.b.c.d/8", 0, PREFIX_ERR_SYNTAX, NULL},
        {"2001:db8:::/32", 0, PREFIX_ERR_SYNTAX, NULL},
        {"2001:db8::g/128", 0, PREFIX_ERR_SYNTAX, NULL},
        {"1:2:3:4:5:6:7:8:9/128", 0, PREFIX_ERR_SYNTAX, NULL},
        {"fe80::1%eth0/64", 0, PREFIX_ERR_SYNTAX, NULL},
        {"0123456789012345678901234567890123456789012345678901234567/8", 0, PREFIX_ERR_SYNTAX,
         NULL},
        /* host bits */
        {"10.0.0.1/24", 0, PREFIX_ERR_HOST_BITS, NULL},
        {"10.0.0.1/24", PREFIX_PARSE_MASK, PREFIX_OK, "10.0.0.0/24"},
        {"128.0.0.0/0", 0, PREFIX_ERR_HOST_BITS, NULL},
        {"255.255.255.255/0", PREFIX_PARSE_MASK, PREFIX_OK, "0.0.0.0/0"},
        {"10.0.0.1/31", 0, PREFIX_ERR_HOST_BITS, NULL},
        {"2001:db8::1/64", 0, PREFIX_ERR_HOST_BITS, NULL},
        {"2001:db8::1/64", PREFIX_PARSE_MASK, PREFIX_OK, "2001:db8::/64"},
        {"::1/127", 0, PREFIX_ERR_HOST_BITS, NULL},
        /* bare addresses */
        {"10.1.2.3", PREFIX_PARSE_HOST, PREFIX_OK, "10.1.2.3/32"},
        {"2001:db8::1", PREFIX_PARSE_HOST, PREFIX_OK, "2001:db8::1/128"},
        {"10.1.2.3/16", PREFIX_PARSE_HOST, PREFIX_ERR_HOST_BITS, NULL},
        {"10.1.2.3/16", PREFIX_PARSE_HOST | PREFIX_PARSE_MASK, PREFIX_OK, "10.1.0.0/16"},
};

START_TEST(parse_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct prefix p;
		char buf[PREFIX_STRLEN];
		enum prefix_err err;

		memset(&p, 0xaa, sizeof(p));
		err = prefix_parse(parse_cases[i].text, &p, parse_cases[i].flags);
		ck_assert_msg(err == parse_cases[i].err, "'%s': got %s, want %s",
		              parse_cases[i].text, prefix_strerror(err),
		              prefix_strerror(parse_cases[i].err));
		if (err != PREFIX_OK)
			continue;
		ck_assert_str_eq(prefix_fmt(&p, buf, sizeof(buf)), parse_cases[i].canon);
		ck_assert(!prefix_host_bits_set(&p));
		/* Unused bytes are zero, so memcmp-based code may rely on them. */
		for (unsigned b = afi_bytes(p.afi); b < 16; b++)
			ck_assert_uint_eq(p.bytes[b], 0);
	}
}
END_TEST

START_TEST(parse_failure_leaves_output_alone)
{
	struct prefix p = P("10.0.0.0/8"), q = p;

	ck_assert_int_eq(prefix_parse("10.0.0.1/24", &p, 0), PREFIX_ERR_HOST_BITS);
	ck_assert(prefix_eq(&p, &q));
}
END_TEST

START_TEST(every_length_round_trips)
{
	char buf[PREFIX_STRLEN];
	struct prefix p, q;
	struct addr a = A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

	for (unsigned len = 0; len <= 128; len++) {
		prefix_from_addr(&p, &a, len);
		ck_assert_uint_eq(p.len, len);
		ck_assert(!prefix_host_bits_set(&p));
		prefix_fmt(&p, buf, sizeof(buf));
		ck_assert_int_eq(prefix_parse(buf, &q, 0), PREFIX_OK);
		ck_assert(prefix_eq(&p, &q));
	}
	addr_from_v4(&a, 0xffffffff);
	for (unsigned len = 0; len <= 32; len++) {
		prefix_from_addr(&p, &a, len);
		prefix_fmt(&p, buf, sizeof(buf));
		ck_assert_int_eq(prefix_parse(buf, &q, 0), PREFIX_OK);
		ck_assert(prefix_eq(&p, &q));
		ck_assert_uint_eq(prefix_size(&p), (uint64_t)1 << (32 - len));
	}
}
END_TEST

START_TEST(addresses)
{
	char buf[ADDR_STRLEN];
	struct addr a, b;

	addr_from_v4(&a, 0x0a010203);
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "10.1.2.3");
	ck_assert_uint_eq(addr_v4(&a), 0x0a010203);
	b = A("10.1.2.3");
	ck_assert(addr_eq(&a, &b));
	ck_assert_int_eq(addr_cmp(&a, &b), 0);
	b = A("10.1.2.4");
	ck_assert_int_lt(addr_cmp(&a, &b), 0);
	ck_assert_int_gt(addr_cmp(&b, &a), 0);
	b = A("::");
	ck_assert_int_lt(addr_cmp(&a, &b), 0); /* IPv4 sorts first */
	ck_assert(!addr_eq(&a, &b));
	ck_assert_int_eq(addr_parse("10.1.2.3/32", &a), PREFIX_ERR_SYNTAX);
	ck_assert_int_eq(addr_parse("", &a), PREFIX_ERR_SYNTAX);
	ck_assert_int_eq(addr_parse("1.2.3", &a), PREFIX_ERR_SYNTAX);
	a = A("2001:db8::0:1");
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "2001:db8::1");
	ck_assert_uint_eq(a.afi, AFI_IP6);
}
END_TEST

START_TEST(cmp_orders_family_address_length)
{
	static const char *const sorted[] = {
	        "0.0.0.0/0",     "0.0.0.0/8",       "10.0.0.0/8",
	        "10.0.0.0/16",   "10.0.0.0/24",     "10.0.1.0/24",
	        "10.128.0.0/9",  "11.0.0.0/8",      "255.255.255.255/32",
	        "::/0",          "::/128",          "2001:db8::/32",
	        "2001:db8::/64", "2001:db8:1::/48", "ff00::/8",
	};
	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(sorted); j++) {
			struct prefix a = P(sorted[i]), b = P(sorted[j]);
			int c = prefix_cmp(&a, &b);

			if (i < j)
				ck_assert_msg(c < 0, "%s < %s", sorted[i], sorted[j]);
			else if (i > j)
				ck_assert_msg(c > 0, "%s > %s", sorted[i], sorted[j]);
			else
				ck_assert(c == 0 && prefix_eq(&a, &b) &&
				          prefix_hash(&a) == prefix_hash(&b));
			if (i != j)
				ck_assert(!prefix_eq(&a, &b));
		}
	}
}
END_TEST

START_TEST(hash_spreads)
{
	/* 4096 consecutive /24s into 256 buckets: none may be badly overfull. */
	unsigned bucket[256] = {0};
	struct prefix p;
	struct addr a;

	for (uint32_t i = 0; i < 4096; i++) {
		addr_from_v4(&a, 0x0a000000 + (i << 8));
		prefix_from_addr(&p, &a, 24);
		bucket[prefix_hash(&p) & 255]++;
	}
	for (unsigned i = 0; i < 256; i++)
		ck_assert_uint_lt(bucket[i], 48);
	/* The length is part of the key. */
	p = P("10.0.0.0/8");
	struct prefix q = P("10.0.0.0/9");
	ck_assert_uint_ne(prefix_hash(&p), prefix_hash(&q));
}
END_TEST

START_TEST(covers_and_overlaps)
{
	struct prefix def = P("0.0.0.0/0"), ten = P("10.0.0.0/8"), t16 = P("10.1.0.0/16"),
	              e11 = P("11.0.0.0/8"), h = P("10.1.2.3/32"), v6 = P("::/0");
	struct addr a = A("10.1.2.3"), b = A("10.2.0.0"), c = A("::a01:203");

	ck_assert(prefix_covers(&def, &ten));
	ck_assert(prefix_covers(&ten, &ten));
	ck_assert(prefix_covers(&ten, &t16));
	ck_assert(prefix_covers(&t16, &h));
	ck_assert(prefix_covers(&h, &h));
	ck_assert(!prefix_covers(&t16, &ten));
	ck_assert(!prefix_covers(&ten, &e11));
	ck_assert(!prefix_covers(&v6, &ten)); /* families never mix */
	ck_assert(!prefix_covers(&def, &v6));
	ck_assert(prefix_overlaps(&t16, &ten));
	ck_assert(prefix_overlaps(&ten, &t16));
	ck_assert(!prefix_overlaps(&ten, &e11));
	ck_assert(!prefix_overlaps(&v6, &def));
	ck_assert(prefix_contains_addr(&t16, &a));
	ck_assert(prefix_contains_addr(&h, &a));
	ck_assert(!prefix_contains_addr(&t16, &b));
	ck_assert(prefix_contains_addr(&def, &b));
	ck_assert(!prefix_contains_addr(&v6, &b));
	ck_assert(prefix_contains_addr(&v6, &c));
	/* Bit boundaries inside a byte. */
	struct prefix x = P("10.0.0.0/7"), y = P("11.255.0.0/16"), z = P("12.0.0.0/16");
	ck_assert(prefix_covers(&x, &y));
	ck_assert(!prefix_covers(&x, &z));
	struct prefix v = P("2001:db8::/33"), w = P("2001:db8:7fff::/48"),
	              u = P("2001:db8:8000::/48");
	ck_assert(prefix_covers(&v, &w));
	ck_assert(!prefix_covers(&v, &u));
}
END_TEST

START_TEST(sibling_parent_size)
{
	struct prefix p, q;
	char buf[PREFIX_STRLEN];

	p = P("10.0.0.0/9");
	prefix_sibling(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "10.128.0.0/9");
	prefix_sibling(&q, &q);
	ck_assert(prefix_eq(&p, &q));
	prefix_parent(PP("10.128.0.0/9"), &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "10.0.0.0/8");
	p = P("192.0.2.1/32");
	prefix_sibling(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "192.0.2.0/32");
	prefix_parent(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "192.0.2.0/31");
	p = P("128.0.0.0/1");
	prefix_sibling(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "0.0.0.0/1");
	prefix_parent(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "0.0.0.0/0");
	p = P("::1/128");
	prefix_sibling(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "::/128");
	p = P("2001:db8::/32");
	prefix_parent(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "2001:db8::/31");
	prefix_sibling(&p, &q);
	ck_assert_str_eq(prefix_fmt(&q, buf, sizeof(buf)), "2001:db9::/32");
	/* len 0 has no parent or sibling: unchanged. */
	p = P("0.0.0.0/0");
	prefix_parent(&p, &q);
	ck_assert(prefix_eq(&p, &q));
	prefix_sibling(&p, &q);
	ck_assert(prefix_eq(&p, &q));

	ck_assert_uint_eq(prefix_size(PP("0.0.0.0/0")), (uint64_t)1 << 32);
	ck_assert_uint_eq(prefix_size(PP("10.0.0.0/30")), 4);
	ck_assert_uint_eq(prefix_size(PP("10.0.0.0/32")), 1);
	ck_assert_uint_eq(prefix_size(PP("::/128")), 1);
	ck_assert_uint_eq(prefix_size(PP("::/65")), (uint64_t)1 << 63);
	ck_assert_uint_eq(prefix_size(PP("::/64")), UINT64_MAX);
	ck_assert_uint_eq(prefix_size(PP("::/0")), UINT64_MAX);
}
END_TEST

static const struct {
	const char *p;
	unsigned classes;
} class_cases[] = {
        {"0.0.0.0/0", PC_DEFAULT | PC_THIS_NET | PC_RFC1918 | PC_RFC6598 | PC_LOOPBACK |
                              PC_LINKLOCAL | PC_MULTICAST | PC_RESERVED | PC_DOC | PC_BENCHMARK |
                              PC_IETF},
        {"::/0", PC_DEFAULT | PC_THIS_NET | PC_LOOPBACK | PC_LINKLOCAL | PC_MULTICAST | PC_DOC |
                         PC_ULA | PC_V4MAPPED},
        {"0.0.0.0/8", PC_THIS_NET},
        {"0.255.255.255/32", PC_THIS_NET},
        {"1.0.0.0/8", 0},
        {"0.0.0.0/7", PC_THIS_NET},
        {"9.255.255.255/32", 0},
        {"10.0.0.0/8", PC_RFC1918},
        {"10.255.255.255/32", PC_RFC1918},
        {"11.0.0.0/32", 0},
        {"8.0.0.0/5", PC_RFC1918},
        {"172.15.255.255/32", 0},
        {"172.16.0.0/32", PC_RFC1918},
        {"172.16.0.0/12", PC_RFC1918},
        {"172.31.255.255/32", PC_RFC1918},
        {"172.32.0.0/32", 0},
        {"172.0.0.0/8", PC_RFC1918},
        {"192.167.255.255/32", 0},
        {"192.168.0.0/32", PC_RFC1918},
        {"192.168.255.255/32", PC_RFC1918},
        {"192.169.0.0/32", 0},
        {"100.63.255.255/32", 0},
        {"100.64.0.0/32", PC_RFC6598},
        {"100.64.0.0/10", PC_RFC6598},
        {"100.127.255.255/32", PC_RFC6598},
        {"100.128.0.0/32", 0},
        {"100.0.0.0/8", PC_RFC6598},
        {"126.255.255.255/32", 0},
        {"127.0.0.1/32", PC_LOOPBACK},
        {"128.0.0.0/32", 0},
        {"169.253.255.255/32", 0},
        {"169.254.0.0/16", PC_LINKLOCAL},
        {"169.255.0.0/32", 0},
        {"223.255.255.255/32", 0},
        {"224.0.0.0/32", PC_MULTICAST},
        {"239.255.255.255/32", PC_MULTICAST},
        {"240.0.0.0/32", PC_RESERVED},
        {"255.255.255.255/32", PC_RESERVED},
        {"192.0.1.255/32", 0},
        {"192.0.2.0/24", PC_DOC},
        {"192.0.3.0/32", 0},
        {"198.51.99.255/32", 0},
        {"198.51.100.7/32", PC_DOC},
        {"198.51.101.0/32", 0},
        {"203.0.112.255/32", 0},
        {"203.0.113.0/24", PC_DOC},
        {"203.0.114.0/32", 0},
        {"198.17.255.255/32", 0},
        {"198.18.0.0/15", PC_BENCHMARK},
        {"198.19.255.255/32", PC_BENCHMARK},
        {"198.20.0.0/32", 0},
        {"198.0.0.0/8", PC_BENCHMARK | PC_DOC},
        {"192.0.0.0/24", PC_IETF},
        {"192.0.0.0/16", PC_IETF | PC_DOC},
        {"192.0.0.0/8", PC_IETF | PC_DOC | PC_RFC1918},
        {"192.0.0.0/2", PC_IETF | PC_DOC | PC_RFC1918 | PC_BENCHMARK | PC_MULTICAST | PC_RESERVED},
        {"8.8.8.0/24", 0},
        {"216.221.239.232/29", 0},
        /* IPv6 */
        {"::/128", PC_THIS_NET},
        {"::1/128", PC_LOOPBACK},
        {"::2/128", 0},
        {"::/127", PC_THIS_NET | PC_LOOPBACK},
        {"fe80::/10", PC_LINKLOCAL},
        {"febf:ffff::/32", PC_LINKLOCAL},
        {"fec0::/10", 0},
        {"fe7f:ffff::/32", 0},
        {"ff00::/8", PC_MULTICAST},
        {"ff02::1/128", PC_MULTICAST},
        {"feff::/16", 0},
        {"2001:db8::/32", PC_DOC},
        {"2001:db8:ffff::/48", PC_DOC},
        {"2001:db7::/32", 0},
        {"2001:db9::/32", 0},
        {"2001:d00::/24", PC_DOC},
        {"fc00::/7", PC_ULA},
        {"fd12:3456::/32", PC_ULA},
        {"fbff::/16", 0},
        {"fe00::/16", 0},
        {"::ffff:0:0/96", PC_V4MAPPED},
        {"::ffff:10.0.0.0/104", PC_V4MAPPED},
        {"::fffe:0:0/96", 0},
        {"2600::/12", 0},
};

START_TEST(classes_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_cases); i++) {
		struct prefix p = P(class_cases[i].p);
		unsigned got = prefix_classes(&p);

		ck_assert_msg(got == class_cases[i].classes, "%s: got %#x want %#x",
		              class_cases[i].p, got, class_cases[i].classes);
	}
}
END_TEST

START_TEST(class_names_and_ranges)
{
	size_t n;
	const struct prefix *r;
	char buf[PREFIX_STRLEN];

	ck_assert_str_eq(prefix_class_name(PC_RFC1918), "RFC 1918");
	ck_assert_str_eq(prefix_class_name(PC_RFC6598), "RFC 6598");
	ck_assert_str_eq(prefix_class_name((enum prefix_class)(1u << 30)), "unknown");
	for (unsigned c = 1; c <= PC_V4MAPPED; c <<= 1) {
		ck_assert_str_ne(prefix_class_name((enum prefix_class)c), "unknown");
		for (uint8_t afi = AFI_IP; afi <= AFI_IP6; afi++) {
			r = prefix_class_ranges((enum prefix_class)c, afi, &n);
			ck_assert((r == NULL) == (n == 0));
			for (size_t i = 0; i < n; i++) {
				ck_assert_uint_eq(r[i].afi, afi);
				ck_assert(!prefix_host_bits_set(&r[i]));
				/* Each range is classified as its own class. */
				ck_assert(prefix_classes(&r[i]) & c);
			}
		}
	}
	r = prefix_class_ranges(PC_RFC1918, AFI_IP, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(prefix_fmt(&r[1], buf, sizeof(buf)), "172.16.0.0/12");
	r = prefix_class_ranges(PC_RFC1918, AFI_IP6, &n);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(n, 0);
	r = prefix_class_ranges(PC_ULA, AFI_IP6, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(prefix_fmt(&r[0], buf, sizeof(buf)), "fc00::/7");
	r = prefix_class_ranges(PC_DOC, AFI_IP, &n);
	ck_assert_uint_eq(n, 3);
	r = prefix_class_ranges((enum prefix_class)(1u << 30), AFI_IP, &n);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(n, 0);
	/* Public peering must reject what overlaps these; bogon set excludes 1918. */
	ck_assert_uint_eq(PC_BOGON & PC_RFC1918, 0);
	ck_assert(prefix_classes(PP("127.0.0.0/8")) & PC_BOGON);
}
END_TEST

START_TEST(link_hosts)
{
	struct addr a, b;
	char b1[ADDR_STRLEN], b2[ADDR_STRLEN];
	static const struct {
		const char *p, *first, *second;
	} ok[] = {
	        {"172.16.1.0/30", "172.16.1.1", "172.16.1.2"},
	        {"172.16.1.4/30", "172.16.1.5", "172.16.1.6"},
	        {"255.255.255.252/30", "255.255.255.253", "255.255.255.254"},
	        {"10.0.0.254/31", "10.0.0.254", "10.0.0.255"},
	        {"0.0.0.0/31", "0.0.0.0", "0.0.0.1"},
	        {"2001:db8::/126", "2001:db8::1", "2001:db8::2"},
	        {"2001:db8::ff04/126", "2001:db8::ff05", "2001:db8::ff06"},
	        {"2001:db8::fe/127", "2001:db8::fe", "2001:db8::ff"},
	};
	static const char *const bad[] = {"172.16.1.0/29",  "172.16.1.0/32",  "0.0.0.0/0",
	                                  "2001:db8::/125", "2001:db8::/128", "2001:db8::/64"};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct prefix p = P(ok[i].p);

		ck_assert(prefix_link_hosts(&p, &a, &b));
		ck_assert_str_eq(addr_fmt(&a, b1, sizeof(b1)), ok[i].first);
		ck_assert_str_eq(addr_fmt(&b, b2, sizeof(b2)), ok[i].second);
		ck_assert(prefix_contains_addr(&p, &a));
		ck_assert(prefix_contains_addr(&p, &b));
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct prefix p = P(bad[i]);

		ck_assert_msg(!prefix_link_hosts(&p, &a, &b), "%s", bad[i]);
	}
}
END_TEST

START_TEST(fmt_small_buffers_terminate)
{
	char buf[8];
	struct prefix p = P("192.168.100.0/24");

	memset(buf, 'x', sizeof(buf));
	prefix_fmt(&p, buf, sizeof(buf));
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
	ck_assert_str_eq(prefix_strerror(PREFIX_OK), "ok");
	ck_assert_str_ne(prefix_strerror(PREFIX_ERR_HOST_BITS), "ok");
}
END_TEST

static Suite *
prefix_suite(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_table);
	tcase_add_test(tc, parse_failure_leaves_output_alone);
	tcase_add_test(tc, every_length_round_trips);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, cmp_orders_family_address_length);
	tcase_add_test(tc, hash_spreads);
	tcase_add_test(tc, covers_and_overlaps);
	tcase_add_test(tc, sibling_parent_size);
	tcase_add_test(tc, classes_table);
	tcase_add_test(tc, class_names_and_ranges);
	tcase_add_test(tc, link_hosts);
	tcase_add_test(tc, fmt_small_buffers_terminate);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(prefix_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
