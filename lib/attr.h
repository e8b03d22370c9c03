/*
 * attr: BGP path attribute sets in canonical form, and their interning.
 *
 * struct attr_set is what the UPDATE decoder produces and what the UPDATE
 * packer consumes: every attribute cebgp understands, decoded to host-order
 * values, with the AS path always in 4-octet form (RFC 6793 AS4_PATH merge
 * already done when the peer speaks 2-octet AS). Variable-length parts are
 * (pointer, count) pairs into storage the owner of the set provides: the
 * decoder's scratch buffer, a caller's small arrays, or -- for an interned
 * set -- the interned object itself.
 *
 * Interning (attr_intern) hash-conses sets: a million routes sharing one set
 * share one struct attr. Each struct attr is a single allocation holding the
 * set plus all its arrays inline, a stored hash and a reference count.
 * attr_intern returns a new reference; attr_unref drops one and frees the
 * object when the count reaches zero (zero never lingers in the table).
 */
#ifndef CEBGP_ATTR_H
#define CEBGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

/* Path attribute type codes (IANA "BGP Path Attributes"). */
enum attr_type {
	ATTR_ORIGIN = 1,            /* RFC 4271 §5.1.1 */
	ATTR_AS_PATH = 2,           /* RFC 4271 §5.1.2 */
	ATTR_NEXT_HOP = 3,          /* RFC 4271 §5.1.3 */
	ATTR_MED = 4,               /* RFC 4271 §5.1.4 MULTI_EXIT_DISC */
	ATTR_LOCAL_PREF = 5,        /* RFC 4271 §5.1.5 */
	ATTR_ATOMIC_AGGREGATE = 6,  /* RFC 4271 §5.1.6 */
	ATTR_AGGREGATOR = 7,        /* RFC 4271 §5.1.7 */
	ATTR_COMMUNITIES = 8,       /* RFC 1997 */
	ATTR_MP_REACH_NLRI = 14,    /* RFC 4760 */
	ATTR_MP_UNREACH_NLRI = 15,  /* RFC 4760 */
	ATTR_EXT_COMMUNITIES = 16,  /* RFC 4360 */
	ATTR_AS4_PATH = 17,         /* RFC 6793 */
	ATTR_AS4_AGGREGATOR = 18,   /* RFC 6793 */
	ATTR_LARGE_COMMUNITIES = 32 /* RFC 8092 */
};

/* Attribute flag bits (RFC 4271 §4.3). */
#define ATTR_FLAG_OPTIONAL   0x80
#define ATTR_FLAG_TRANSITIVE 0x40
#define ATTR_FLAG_PARTIAL    0x20
#define ATTR_FLAG_EXTLEN     0x10

enum attr_origin {
	ORIGIN_IGP = 0,
	ORIGIN_EGP = 1,
	ORIGIN_INCOMPLETE = 2,
};

/* AS path segment types (RFC 4271 §4.3, RFC 5065 for the confederation ones). */
enum aspath_seg_type {
	AS_SET = 1,
	AS_SEQUENCE = 2,
	AS_CONFED_SEQUENCE = 3,
	AS_CONFED_SET = 4,
};

#define AS_TRANS 23456 /* RFC 6793 §2: stands in for a 4-octet AS in 2-octet fields */

/*
 * One AS path segment: its type and how many ASNs it holds. The ASNs of
 * all segments are stored back to back in attr_set.asns, segment 0 first,
 * so segment i starts after the counts of segments 0..i-1. A canonical
 * segment may hold more than 255 ASNs (after a prepend); the encoder splits
 * it on the wire.
 */
struct attr_seg {
	uint8_t type; /* enum aspath_seg_type */
	uint16_t count;
};

/* RFC 8092 large community: Global Administrator, Local Data 1 and 2. */
struct attr_lcomm {
	uint32_t global;
	uint32_t local1;
	uint32_t local2;
};

/*
 * An optional transitive attribute cebgp does not understand, kept raw so
 * it can be passed on (RFC 4271 §5: with the Partial bit set when re-sent).
 * flags are as received (Extended Length is recomputed when encoding).
 */
struct attr_unknown {
	uint8_t flags;
	uint8_t type;
	uint16_t len;
	const uint8_t *data;
};

/* attr_set.present bits: which single-valued attributes are present. */
#define ATTR_HAS_ORIGIN     (1u << 0)
#define ATTR_HAS_AS_PATH    (1u << 1)
#define ATTR_HAS_NEXT_HOP   (1u << 2) /* nexthop is valid (NEXT_HOP or MP_REACH) */
#define ATTR_HAS_MED        (1u << 3)
#define ATTR_HAS_LOCAL_PREF (1u << 4)
#define ATTR_HAS_ATOMIC_AGG (1u << 5)
#define ATTR_HAS_AGGREGATOR (1u << 6)

/*
 * A path attribute set in canonical form. Zero-initialise (attr_set_init)
 * then fill. Arrays with count 0 may have a NULL pointer; a community
 * attribute is present exactly when its count is non-zero (RFC 7606 §7.8,
 * §7.14, RFC 8092 §5: an empty one is malformed, so never seen decoded).
 *
 * Next hop: for IPv4 routes nexthop is the NEXT_HOP attribute (AFI_IP);
 * for IPv6 routes it is the MP_REACH_NLRI global address (AFI_IP6) and
 * nexthop_ll the optional link-local one (afi 0 when absent). The UPDATE
 * decoder puts NEXT_HOP here and the MP_REACH next hop in struct
 * msg_update; msg_update_attrs() gives the set for one family.
 */
struct attr_set {
	uint32_t present; /* ATTR_HAS_* */
	uint8_t origin;   /* enum attr_origin */

	uint16_t nsegs;
	uint16_t nasns; /* sum of segs[].count */
	const struct attr_seg *segs;
	const uint32_t *asns;

	struct addr nexthop;
	struct addr nexthop_ll;

	uint32_t med;
	uint32_t local_pref;

	uint32_t aggr_as; /* AGGREGATOR, 4-octet form (after AS4_AGGREGATOR merge) */
	struct addr aggr_addr;

	uint32_t ncomms;
	const uint32_t *comms; /* RFC 1997: (AS << 16) | value */
	uint32_t necomms;
	const uint64_t *ecomms; /* RFC 4360: the 8 octets as a big-endian number */
	uint32_t nlcomms;
	const struct attr_lcomm *lcomms;

	uint16_t nunknown;
	const struct attr_unknown *unknown; /* in order of increasing type */
};

void attr_set_init(struct attr_set *s);

/* Well-known communities (RFC 1997, RFC 7999, RFC 8326). */
#define COMMUNITY_NO_EXPORT           0xFFFFFF01u
#define COMMUNITY_NO_ADVERTISE        0xFFFFFF02u
#define COMMUNITY_NO_EXPORT_SUBCONFED 0xFFFFFF03u
#define COMMUNITY_BLACKHOLE           0xFFFF029Au
#define COMMUNITY_GRACEFUL_SHUTDOWN   0xFFFF0000u

/* Helpers the RIB and policy need; all take any set (interned or not). */

/* RFC 4271 §9.1.2.2 a): an AS_SET counts as 1, confederation segments as 0. */
unsigned attr_aspath_len(const struct attr_set *s);
/*
 * RFC 4271 §9.1.2.2 c): the neighbour AS is the first AS of the path (first
 * segment an AS_SEQUENCE); 0 for an empty path (a locally originated or
 * iBGP-learned route) or one that starts with a set or a confed segment.
 */
uint32_t attr_neighbor_as(const struct attr_set *s);
/* The last AS of the last AS_SEQUENCE, 0 if none. */
uint32_t attr_origin_as(const struct attr_set *s);
/* Any segment contains as (loop detection, RFC 4271 §9.1.2). */
bool attr_aspath_contains(const struct attr_set *s, uint32_t as);
bool attr_has_community(const struct attr_set *s, uint32_t community);

/*
 * Build out as a copy of in whose AS path starts with `times` copies of
 * `as` (eBGP export, RFC 4271 §5.1.2). The new path is written to the
 * caller's segs/asns arrays (capacity nseg_cap, nasn_cap); every other
 * pointer is shared with in. False if it does not fit.
 */
bool attr_aspath_prepend(const struct attr_set *in, uint32_t as, unsigned times,
                         struct attr_seg *segs, size_t nseg_cap, uint32_t *asns, size_t nasn_cap,
                         struct attr_set *out);

/*
 * The address a route received on a directly connected (single-hop eBGP)
 * session over link subnet `link` is forwarded to, and whether it is one.
 * RFC 4271 §6.3: the NEXT_HOP must be on the subnet the two speakers
 * share. RFC 2545 §3: an IPv6 next hop is a global address, optionally
 * followed by the sender's link-local one; the link-local address stands
 * in when the global one is off the link (it means something only
 * together with the session's interface). *out is the chosen address
 * (the next hop as sent when OFF_LINK).
 */
enum attr_nh_where {
	ATTR_NH_ON_LINK = 0, /* the next hop lies on the link subnet */
	ATTR_NH_LINK_LOCAL,  /* IPv6: the link-local one (fe80::/10), on the interface */
	ATTR_NH_OFF_LINK,    /* neither: not reachable over the session's link */
};
enum attr_nh_where attr_nexthop_pick(const struct attr_set *s, const struct prefix *link,
                                     struct addr *out);

/* Total order and equality over the whole content (arrays compared by value). */
int attr_cmp(const struct attr_set *a, const struct attr_set *b);
bool attr_eq(const struct attr_set *a, const struct attr_set *b);
uint32_t attr_hash(const struct attr_set *s);

/*
 * Text forms for logs and `show`. All return buf, always NUL-terminated,
 * truncating with "..." when size is short.
 *   AS path: "12076 65001 {65002,65003}", confed "(65010 65011)" / "[...]".
 *   communities: "65000:100 no-export"; ext: "rt 65000:1" or hex; large
 *   "65000:1:2".
 */
char *attr_aspath_fmt(const struct attr_set *s, char *buf, size_t size);
char *attr_comms_fmt(const struct attr_set *s, char *buf, size_t size);
char *attr_ecomms_fmt(const struct attr_set *s, char *buf, size_t size);
char *attr_lcomms_fmt(const struct attr_set *s, char *buf, size_t size);
const char *attr_origin_name(uint8_t origin); /* "IGP", "EGP", "incomplete" */
const char *attr_origin_code(uint8_t origin); /* "i", "e", "?" as in show tables */

/* ---- interning ---- */

/*
 * An interned set. Read-only for everyone: set's pointers point into this
 * same allocation. Keep a reference for as long as you keep the pointer.
 */
struct attr {
	struct attr_set set;
	uint32_t hash;
	uint32_t refcnt;
	struct attr_table *table; /* owner, so attr_unref needs no table */
	struct attr *next;        /* hash chain; private to attr.c */
	size_t size;              /* bytes of this allocation */
};

struct attr_table;

struct attr_table *attr_table_new(void);
/* Frees the table and every set still in it (references become dangling). */
void attr_table_free(struct attr_table *t);

/*
 * The interned copy of s with one new reference: an existing equal set
 * (refcount + 1) or a fresh copy. NULL only if memory runs out.
 */
const struct attr *attr_intern(struct attr_table *t, const struct attr_set *s);
const struct attr *attr_ref(const struct attr *a);
/* Drop a reference; NULL is fine. The object is freed at zero. */
void attr_unref(const struct attr *a);

size_t attr_table_count(const struct attr_table *t);  /* distinct sets */
size_t attr_table_memory(const struct attr_table *t); /* bytes, sets + buckets */

#endif
