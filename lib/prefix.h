/*
 * prefix: IPv4 and IPv6 addresses and prefixes.
 *
 * Addresses are kept as 16 bytes in network order whatever the family (an
 * IPv4 address uses the first 4), so bit i of an address is the same
 * expression for both families and a prefix can be hashed and compared
 * with memcmp-like loops. Bits past the prefix length are always zero in a
 * struct prefix that came out of this module.
 */
#ifndef CEBGP_PREFIX_H
#define CEBGP_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The BGP AFI numbers (RFC 4760), used as the family tag everywhere. */
enum afi {
	AFI_IP = 1,
	AFI_IP6 = 2,
};

struct addr {
	uint8_t afi; /* enum afi */
	uint8_t bytes[16];
};

struct prefix {
	uint8_t afi; /* enum afi */
	uint8_t len; /* 0..32 or 0..128 */
	uint8_t bytes[16];
};

/* Room for the longest text form: an IPv6 address, '/', "128", NUL. */
#define ADDR_STRLEN   46
#define PREFIX_STRLEN 50

static inline unsigned
afi_bits(uint8_t afi)
{
	return afi == AFI_IP6 ? 128 : 32;
}
static inline unsigned
afi_bytes(uint8_t afi)
{
	return afi == AFI_IP6 ? 16 : 4;
}
/* Bytes a prefix of this length takes in NLRI encoding (RFC 4271 §4.3). */
static inline unsigned
prefix_nlri_bytes(unsigned len)
{
	return (len + 7) / 8;
}

/* Bit i (0 = most significant) of an address or prefix. */
static inline unsigned
addr_bit(const uint8_t bytes[16], unsigned i)
{
	return (bytes[i >> 3] >> (7 - (i & 7))) & 1;
}

enum prefix_err {
	PREFIX_OK = 0,
	PREFIX_ERR_SYNTAX,    /* not an address, or garbage around it */
	PREFIX_ERR_LENGTH,    /* missing, non-numeric or out-of-range /len */
	PREFIX_ERR_HOST_BITS, /* bits set past the length (10.0.0.1/24) */
};
const char *prefix_strerror(enum prefix_err err);

/* Flags for prefix_parse(). */
#define PREFIX_PARSE_MASK 0x1 /* clear host bits instead of refusing them */
#define PREFIX_PARSE_HOST 0x2 /* a bare address means /32 or /128 */

enum prefix_err addr_parse(const char *s, struct addr *out);
enum prefix_err prefix_parse(const char *s, struct prefix *out, unsigned flags);
/* Both return buf, always NUL-terminated; size >= ADDR_STRLEN/PREFIX_STRLEN. */
char *addr_fmt(const struct addr *a, char *buf, size_t size);
char *prefix_fmt(const struct prefix *p, char *buf, size_t size);

void addr_from_v4(struct addr *a, uint32_t host_order);
uint32_t addr_v4(const struct addr *a); /* host order */
bool addr_eq(const struct addr *a, const struct addr *b);
int addr_cmp(const struct addr *a, const struct addr *b);

/* Build a prefix from an address and length, clearing host bits. */
void prefix_from_addr(struct prefix *p, const struct addr *a, unsigned len);
void prefix_addr(const struct prefix *p, struct addr *a); /* network address */
/* Clear bits past p->len. */
void prefix_mask(struct prefix *p);
bool prefix_host_bits_set(const struct prefix *p);

/* Order: family, then address, then length (shorter first). */
int prefix_cmp(const struct prefix *a, const struct prefix *b);
bool prefix_eq(const struct prefix *a, const struct prefix *b);
uint32_t prefix_hash(const struct prefix *p);
/* a covers b: same family, a->len <= b->len and b lies inside a. */
bool prefix_covers(const struct prefix *a, const struct prefix *b);
bool prefix_overlaps(const struct prefix *a, const struct prefix *b);
bool prefix_contains_addr(const struct prefix *p, const struct addr *a);
/* The other half of p's parent (len > 0), and the parent itself. */
void prefix_sibling(const struct prefix *p, struct prefix *out);
void prefix_parent(const struct prefix *p, struct prefix *out);
/* Number of addresses, saturating at UINT64_MAX for wide IPv6 prefixes. */
uint64_t prefix_size(const struct prefix *p);

/*
 * Address classes a policy cares about. prefix_classes() returns the set
 * (bitwise OR) of classes the prefix overlaps: a /8 that contains one
 * RFC 1918 block overlaps it, as does a /32 inside one.
 */
enum prefix_class {
	PC_DEFAULT = 1u << 0,   /* 0.0.0.0/0, ::/0 */
	PC_THIS_NET = 1u << 1,  /* 0.0.0.0/8 (RFC 791), ::/128 */
	PC_RFC1918 = 1u << 2,   /* 10/8, 172.16/12, 192.168/16 */
	PC_RFC6598 = 1u << 3,   /* 100.64/10 shared address space */
	PC_LOOPBACK = 1u << 4,  /* 127/8, ::1/128 */
	PC_LINKLOCAL = 1u << 5, /* 169.254/16, fe80::/10 */
	PC_MULTICAST = 1u << 6, /* 224/4, ff00::/8 */
	PC_RESERVED = 1u << 7,  /* 240/4 (incl. broadcast) */
	PC_DOC = 1u << 8,       /* 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32 */
	PC_BENCHMARK = 1u << 9, /* 198.18/15 (RFC 2544) */
	PC_IETF = 1u << 10,     /* 192.0.0/24 (RFC 6890) */
	PC_ULA = 1u << 11,      /* fc00::/7 */
	PC_V4MAPPED = 1u << 12, /* ::ffff:0:0/96 */
};
/* Never routable on the Internet or a provider's edge (not RFC 1918). */
#define PC_BOGON                                                                          \
	(PC_THIS_NET | PC_LOOPBACK | PC_LINKLOCAL | PC_MULTICAST | PC_RESERVED | PC_DOC | \
	 PC_BENCHMARK | PC_IETF | PC_V4MAPPED)

unsigned prefix_classes(const struct prefix *p);
const char *prefix_class_name(enum prefix_class c); /* "RFC 1918", ... */
/* The ranges that make up one class, for a policy that must avoid them. */
const struct prefix *prefix_class_ranges(enum prefix_class c, uint8_t afi, size_t *n);

/*
 * The two usable host addresses of a point-to-point link subnet: /30 and
 * /31 (IPv4), /126 and /127 (IPv6). On a /30 the first is .1 (ours, by the
 * provider's convention) and the second .2 (the provider's); on a /31 and
 * /127 the two addresses of the subnet; on a /126 ::1 and ::2.
 * Returns false for any other length.
 */
bool prefix_link_hosts(const struct prefix *p, struct addr *first, struct addr *second);

#endif
