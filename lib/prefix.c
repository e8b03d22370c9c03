/*
 * prefix: parse, format, compare and classify IPv4/IPv6 prefixes.
 *
 * The text forms are parsed strictly: a configuration file or a control
 * command that says "10.0.0.1/24" or "10.0.0.0/024" most likely holds a
 * typo, and a routing daemon should refuse it rather than guess.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "prefix.h"

const char *
prefix_strerror(enum prefix_err err)
{
	switch (err) {
	case PREFIX_OK:
		return "ok";
	case PREFIX_ERR_SYNTAX:
		return "not an IPv4 or IPv6 address";
	case PREFIX_ERR_LENGTH:
		return "missing or invalid prefix length";
	case PREFIX_ERR_HOST_BITS:
		return "bits set past the prefix length";
	}
	return "unknown prefix error";
}

/* Parse the address part of n bytes at s (not NUL-terminated). */
static enum prefix_err
addr_parse_n(const char *s, size_t n, struct addr *out)
{
	char tmp[ADDR_STRLEN];
	uint8_t bytes[16];

	if (n == 0 || n >= sizeof(tmp))
		return PREFIX_ERR_SYNTAX;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(bytes, 0, sizeof(bytes));
	/* inet_pton refuses spaces, leading zeros and short forms (1.2.3). */
	if (memchr(tmp, ':', n) != NULL) {
		if (inet_pton(AF_INET6, tmp, bytes) != 1)
			return PREFIX_ERR_SYNTAX;
		out->afi = AFI_IP6;
	} else {
		if (inet_pton(AF_INET, tmp, bytes) != 1)
			return PREFIX_ERR_SYNTAX;
		out->afi = AFI_IP;
	}
	memcpy(out->bytes, bytes, sizeof(bytes));
	return PREFIX_OK;
}

enum prefix_err
addr_parse(const char *s, struct addr *out)
{
	return addr_parse_n(s, strlen(s), out);
}

/* A decimal length: digits only, no sign, no leading zero, at most max. */
static enum prefix_err
parse_len(const char *s, unsigned max, unsigned *len)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return PREFIX_ERR_LENGTH;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return PREFIX_ERR_LENGTH;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return PREFIX_ERR_LENGTH;
	*len = v;
	return PREFIX_OK;
}

enum prefix_err
prefix_parse(const char *s, struct prefix *out, unsigned flags)
{
	const char *slash = strchr(s, '/');
	struct addr a;
	struct prefix p;
	enum prefix_err err;
	unsigned len;

	err = addr_parse_n(s, slash ? (size_t)(slash - s) : strlen(s), &a);
	if (err != PREFIX_OK)
		return err;
	if (slash == NULL) {
		if (!(flags & PREFIX_PARSE_HOST))
			return PREFIX_ERR_LENGTH;
		len = afi_bits(a.afi);
	} else {
		err = parse_len(slash + 1, afi_bits(a.afi), &len);
		if (err != PREFIX_OK)
			return err;
	}
	p.afi = a.afi;
	p.len = (uint8_t)len;
	memcpy(p.bytes, a.bytes, sizeof(p.bytes));
	if (prefix_host_bits_set(&p)) {
		if (!(flags & PREFIX_PARSE_MASK))
			return PREFIX_ERR_HOST_BITS;
		prefix_mask(&p);
	}
	*out = p;
	return PREFIX_OK;
}

char *
addr_fmt(const struct addr *a, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	if (inet_ntop(a->afi == AFI_IP6 ? AF_INET6 : AF_INET, a->bytes, buf, (socklen_t)size) ==
	    NULL)
		snprintf(buf, size, "?");
	return buf;
}

char *
prefix_fmt(const struct prefix *p, char *buf, size_t size)
{
	char a[ADDR_STRLEN];
	struct addr ad;

	prefix_addr(p, &ad);
	addr_fmt(&ad, a, sizeof(a));
	if (size > 0)
		snprintf(buf, size, "%s/%u", a, p->len);
	return buf;
}

void
addr_from_v4(struct addr *a, uint32_t host_order)
{
	memset(a, 0, sizeof(*a));
	a->afi = AFI_IP;
	a->bytes[0] = (uint8_t)(host_order >> 24);
	a->bytes[1] = (uint8_t)(host_order >> 16);
	a->bytes[2] = (uint8_t)(host_order >> 8);
	a->bytes[3] = (uint8_t)host_order;
}

uint32_t
addr_v4(const struct addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	       (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	return addr_cmp(a, b) == 0;
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->afi != b->afi)
		return a->afi < b->afi ? -1 : 1;
	return memcmp(a->bytes, b->bytes, afi_bytes(a->afi));
}

/* Clear every bit of bytes[16] from bit len on. */
static void
mask_bytes(uint8_t bytes[16], unsigned len)
{
	unsigned i = len / 8;

	if (i >= 16)
		return;
	if (len % 8)
		bytes[i++] &= (uint8_t)(0xff00u >> (len % 8));
	memset(bytes + i, 0, 16 - i);
}

void
prefix_from_addr(struct prefix *p, const struct addr *a, unsigned len)
{
	unsigned max = afi_bits(a->afi);

	p->afi = a->afi;
	p->len = (uint8_t)(len > max ? max : len);
	memcpy(p->bytes, a->bytes, sizeof(p->bytes));
	mask_bytes(p->bytes, p->len);
}

void
prefix_addr(const struct prefix *p, struct addr *a)
{
	a->afi = p->afi;
	memcpy(a->bytes, p->bytes, sizeof(a->bytes));
	mask_bytes(a->bytes, p->len);
}

void
prefix_mask(struct prefix *p)
{
	mask_bytes(p->bytes, p->len);
}

bool
prefix_host_bits_set(const struct prefix *p)
{
	uint8_t b[16];

	memcpy(b, p->bytes, sizeof(b));
	mask_bytes(b, p->len);
	return memcmp(b, p->bytes, sizeof(b)) != 0;
}

int
prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->afi != b->afi)
		return a->afi < b->afi ? -1 : 1;
	c = memcmp(a->bytes, b->bytes, afi_bytes(a->afi));
	if (c != 0)
		return c < 0 ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

bool
prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->afi == b->afi && a->len == b->len &&
	       memcmp(a->bytes, b->bytes, afi_bytes(a->afi)) == 0;
}

uint32_t
prefix_hash(const struct prefix *p)
{
	/* FNV-1a over the significant bytes, then a final avalanche. */
	uint32_t h = 2166136261u;
	unsigned n = prefix_nlri_bytes(p->len);

	h = (h ^ p->afi) * 16777619u;
	h = (h ^ p->len) * 16777619u;
	for (unsigned i = 0; i < n && i < 16; i++)
		h = (h ^ p->bytes[i]) * 16777619u;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

/* Do the first len bits of a and b agree? */
static bool
bits_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned n = len / 8, r = len % 8;

	if (memcmp(a, b, n) != 0)
		return false;
	if (r == 0)
		return true;
	return ((a[n] ^ b[n]) & (uint8_t)(0xff00u >> r)) == 0;
}

bool
prefix_covers(const struct prefix *a, const struct prefix *b)
{
	return a->afi == b->afi && a->len <= b->len && bits_match(a->bytes, b->bytes, a->len);
}

bool
prefix_overlaps(const struct prefix *a, const struct prefix *b)
{
	return prefix_covers(a, b) || prefix_covers(b, a);
}

bool
prefix_contains_addr(const struct prefix *p, const struct addr *a)
{
	return p->afi == a->afi && bits_match(p->bytes, a->bytes, p->len);
}

void
prefix_sibling(const struct prefix *p, struct prefix *out)
{
	*out = *p;
	if (p->len == 0)
		return;
	out->bytes[(p->len - 1) / 8] ^= (uint8_t)(0x80u >> ((p->len - 1) % 8));
}

void
prefix_parent(const struct prefix *p, struct prefix *out)
{
	*out = *p;
	if (p->len == 0)
		return;
	out->len = (uint8_t)(p->len - 1);
	mask_bytes(out->bytes, out->len);
}

uint64_t
prefix_size(const struct prefix *p)
{
	unsigned host = afi_bits(p->afi) - p->len;

	return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

/* Address classes. */

#define V4(a, b, c, d, l)                                                 \
	{                                                                 \
		.afi = AFI_IP, .len = (l), .bytes = {(a), (b), (c), (d) } \
	}
#define V6(l, ...)                                                   \
	{                                                            \
		.afi = AFI_IP6, .len = (l), .bytes = { __VA_ARGS__ } \
	}

static const struct prefix v4_default[] = {V4(0, 0, 0, 0, 0)};
static const struct prefix v6_default[] = {V6(0, 0)};
static const struct prefix v4_this_net[] = {V4(0, 0, 0, 0, 8)};
static const struct prefix v6_this_net[] = {V6(128, 0)};
static const struct prefix v4_rfc1918[] = {V4(10, 0, 0, 0, 8), V4(172, 16, 0, 0, 12),
                                           V4(192, 168, 0, 0, 16)};
static const struct prefix v4_rfc6598[] = {V4(100, 64, 0, 0, 10)};
static const struct prefix v4_loopback[] = {V4(127, 0, 0, 0, 8)};
static const struct prefix v6_loopback[] = {
        V6(128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)};
static const struct prefix v4_linklocal[] = {V4(169, 254, 0, 0, 16)};
static const struct prefix v6_linklocal[] = {V6(10, 0xfe, 0x80)};
static const struct prefix v4_multicast[] = {V4(224, 0, 0, 0, 4)};
static const struct prefix v6_multicast[] = {V6(8, 0xff)};
static const struct prefix v4_reserved[] = {V4(240, 0, 0, 0, 4)};
static const struct prefix v4_doc[] = {V4(192, 0, 2, 0, 24), V4(198, 51, 100, 0, 24),
                                       V4(203, 0, 113, 0, 24)};
static const struct prefix v6_doc[] = {V6(32, 0x20, 0x01, 0x0d, 0xb8)};
static const struct prefix v4_benchmark[] = {V4(198, 18, 0, 0, 15)};
static const struct prefix v4_ietf[] = {V4(192, 0, 0, 0, 24)};
static const struct prefix v6_ula[] = {V6(7, 0xfc)};
static const struct prefix v6_v4mapped[] = {V6(96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff)};

struct class_def {
	enum prefix_class c;
	const char *name;
	const struct prefix *v4, *v6;
	size_t n4, n6;
};

static const struct class_def classes[] = {
        {PC_DEFAULT, "default", v4_default, v6_default, 1, 1},
        {PC_THIS_NET, "this network", v4_this_net, v6_this_net, 1, 1},
        {PC_RFC1918, "RFC 1918", v4_rfc1918, NULL, ARRAY_SIZE(v4_rfc1918), 0},
        {PC_RFC6598, "RFC 6598", v4_rfc6598, NULL, 1, 0},
        {PC_LOOPBACK, "loopback", v4_loopback, v6_loopback, 1, 1},
        {PC_LINKLOCAL, "link-local", v4_linklocal, v6_linklocal, 1, 1},
        {PC_MULTICAST, "multicast", v4_multicast, v6_multicast, 1, 1},
        {PC_RESERVED, "reserved", v4_reserved, NULL, 1, 0},
        {PC_DOC, "documentation", v4_doc, v6_doc, ARRAY_SIZE(v4_doc), 1},
        {PC_BENCHMARK, "benchmarking", v4_benchmark, NULL, 1, 0},
        {PC_IETF, "IETF protocol assignments", v4_ietf, NULL, 1, 0},
        {PC_ULA, "unique local", NULL, v6_ula, 0, 1},
        {PC_V4MAPPED, "IPv4-mapped", NULL, v6_v4mapped, 0, 1},
};

static const struct class_def *
class_find(enum prefix_class c)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (classes[i].c == c)
			return &classes[i];
	return NULL;
}

unsigned
prefix_classes(const struct prefix *p)
{
	unsigned set = 0;

	/* The default route overlaps everything; it is its own class only. */
	if (p->len == 0)
		set |= PC_DEFAULT;
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		const struct class_def *d = &classes[i];
		const struct prefix *r = p->afi == AFI_IP6 ? d->v6 : d->v4;
		size_t n = p->afi == AFI_IP6 ? d->n6 : d->n4;

		if (d->c == PC_DEFAULT)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (prefix_overlaps(p, &r[j])) {
				set |= d->c;
				break;
			}
		}
	}
	return set;
}

const char *
prefix_class_name(enum prefix_class c)
{
	const struct class_def *d = class_find(c);

	return d ? d->name : "unknown";
}

const struct prefix *
prefix_class_ranges(enum prefix_class c, uint8_t afi, size_t *n)
{
	const struct class_def *d = class_find(c);

	*n = 0;
	if (d == NULL)
		return NULL;
	*n = afi == AFI_IP6 ? d->n6 : d->n4;
	if (*n == 0)
		return NULL;
	return afi == AFI_IP6 ? d->v6 : d->v4;
}

bool
prefix_link_hosts(const struct prefix *p, struct addr *first, struct addr *second)
{
	unsigned bits = afi_bits(p->afi), last = afi_bytes(p->afi) - 1;
	unsigned off;

	if (p->len == bits - 2)
		off = 1; /* /30, /126: network and broadcast-like ends are not hosts */
	else if (p->len == bits - 1)
		off = 0; /* /31 (RFC 3021), /127 (RFC 6164): both addresses */
	else
		return false;
	prefix_addr(p, first);
	prefix_addr(p, second);
	/* The low two bits are zero in the network address: no carry. */
	first->bytes[last] = (uint8_t)(first->bytes[last] + off);
	second->bytes[last] = (uint8_t)(second->bytes[last] + off + 1);
	return true;
}
