/*
 * msg_attr: path attribute decoding with RFC 7606 error handling.
 *
 * Each attribute is parsed from its own bounded view (rbuf_sub), then the
 * outer cursor moves past header + length: a bad body never desynchronises
 * the list. What a malformed attribute means is declared once per type in
 * attr_rules[] below, with the RFC section beside it.
 */
#include <string.h>

#include "compiler.h"
#include "msg.h"
#include "msg_private.h"

#define F_O  ATTR_FLAG_OPTIONAL
#define F_T  ATTR_FLAG_TRANSITIVE
#define F_WK F_T /* well-known: optional 0, transitive 1 (RFC 4271 §5) */

struct pstate {
	const struct msg_ctx *ctx;
	struct msg_update *u;
	struct msg_attr_buf *buf;
	struct msg_error *err;
	enum msg_action action;
	/* the attribute being parsed, whole (flags..value), for error data */
	const uint8_t *attr;
	size_t attr_len;
	uint8_t flags;
	/* AS4 reconstruction inputs (RFC 6793 §4.2.3) */
	bool have_as4_path, have_as4_aggr;
	uint16_t nsegs2, nasns2, nsegs4, nasns4;
	uint32_t as4_aggr_as;
	struct addr as4_aggr_addr;
};

/*
 * Record an error; the strongest action wins and keeps its details
 * (RFC 7606 §3: several errors, the approach with the strongest action).
 */
static void
note(struct pstate *ps, enum msg_action action, uint8_t subcode, const void *data, size_t len,
     const char *why)
{
	if (action <= ps->action)
		return;
	ps->action = action;
	msg_error_set(ps->err, action, ERR_UPDATE, subcode, data, len, why);
}

/* Same, with the offending attribute as data (RFC 4271 §6.3). */
static void
note_attr(struct pstate *ps, enum msg_action action, uint8_t subcode, const char *why)
{
	note(ps, action, subcode, ps->attr, ps->attr_len, why);
}

/* A parser returns 0, or the UPDATE error subcode of what is wrong. */
typedef uint8_t (*attr_parse_fn)(struct pstate *ps, struct rbuf *v, const char **why);

struct attr_rule {
	uint8_t flags;             /* required Optional and Transitive bits */
	int len;                   /* fixed length, or -1 (checked by parse) */
	enum msg_action malformed; /* what a malformed value means */
	attr_parse_fn parse;
	const char *rfc; /* where the rule comes from (for readers) */
};

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- per-attribute parsers ---- */

static uint8_t
p_origin(struct pstate *ps, struct rbuf *v, const char **why)
{
	uint8_t o = rbuf_u8(v);

	/* RFC 4271 §6.3 / RFC 7606 §7.1: an undefined value. */
	if (o > ORIGIN_INCOMPLETE) {
		*why = "ORIGIN value undefined";
		return ERR_UPD_INVALID_ORIGIN;
	}
	ps->u->attrs.origin = o;
	ps->u->attrs.present |= ATTR_HAS_ORIGIN;
	return 0;
}

static void
push_seg(struct attr_seg *segs, uint16_t *nsegs, uint8_t type, uint16_t count)
{
	/* Canonical form: adjacent AS_SEQUENCEs are one segment. */
	if (*nsegs > 0 && type == AS_SEQUENCE && segs[*nsegs - 1].type == AS_SEQUENCE) {
		segs[*nsegs - 1].count = (uint16_t)(segs[*nsegs - 1].count + count);
		return;
	}
	segs[*nsegs].type = type;
	segs[*nsegs].count = count;
	(*nsegs)++;
}

/*
 * AS_PATH / AS4_PATH body (RFC 4271 §4.3): segments of
 * | type (1) | count (1) | count ASNs of asn_size octets |.
 * Malformed per RFC 7606 §7.2: unknown type, zero count, a count that
 * overruns the attribute, or a single octet left over.
 */
static uint8_t
parse_segments(struct rbuf *v, unsigned asn_size, bool allow_confed, struct attr_seg *segs,
               uint16_t *nsegs, uint32_t *asns, uint16_t *nasns, const char **why)
{
	*nsegs = 0;
	*nasns = 0;
	while (!rbuf_empty(v)) {
		uint8_t type, count;
		const uint8_t *p;

		if (rbuf_left(v) < 2) {
			*why = "AS path ends inside a segment header";
			return ERR_UPD_MALFORMED_AS_PATH;
		}
		type = rbuf_u8(v);
		count = rbuf_u8(v);
		if (type < AS_SET || type > AS_CONFED_SET) {
			*why = "AS path segment type unknown";
			return ERR_UPD_MALFORMED_AS_PATH;
		}
		if (!allow_confed && type >= AS_CONFED_SEQUENCE) {
			*why = "AS path has a confederation segment";
			return ERR_UPD_MALFORMED_AS_PATH;
		}
		if (count == 0) {
			*why = "AS path segment of length 0";
			return ERR_UPD_MALFORMED_AS_PATH;
		}
		p = rbuf_take(v, (size_t)count * asn_size);
		if (p == NULL) {
			*why = "AS path segment overruns the attribute";
			return ERR_UPD_MALFORMED_AS_PATH;
		}
		if (*nsegs >= MSG_MAX_SEGS || *nasns + count > MSG_MAX_ASNS) {
			*why = "AS path longer than cebgp stores";
			return ERR_UPD_MALFORMED_AS_PATH;
		}
		for (unsigned i = 0; i < count; i++, p += asn_size)
			asns[(*nasns)++] =
			        asn_size == 4 ? get_u32(p) : (uint32_t)(p[0] << 8 | p[1]);
		push_seg(segs, nsegs, type, count);
	}
	return 0;
}

static uint8_t
p_as_path(struct pstate *ps, struct rbuf *v, const char **why)
{
	struct msg_attr_buf *b = ps->buf;
	const struct msg_ctx *ctx = ps->ctx;
	uint8_t sub;

	/* Confederations are iBGP-only (RFC 5065 §5): on eBGP malformed. */
	sub = parse_segments(v, ctx->as4 ? 4 : 2, !ctx->ebgp, b->segs2, &ps->nsegs2, b->asns2,
	                     &ps->nasns2, why);
	if (sub)
		return sub;
	/*
	 * RFC 4271 §6.3 (the MAY check), RFC 7606 §7.2: on eBGP the leftmost
	 * AS must be the peer's.
	 */
	if (ctx->ebgp && ctx->check_first_as && ctx->peer_as != 0 &&
	    (ps->nsegs2 == 0 || b->segs2[0].type != AS_SEQUENCE || b->asns2[0] != ctx->peer_as)) {
		*why = "first AS of AS_PATH is not the peer's";
		return ERR_UPD_MALFORMED_AS_PATH;
	}
	ps->u->attrs.present |= ATTR_HAS_AS_PATH;
	return 0;
}

static uint8_t
p_next_hop(struct pstate *ps, struct rbuf *v, const char **why)
{
	struct attr_set *a = &ps->u->attrs;

	memset(&a->nexthop, 0, sizeof(a->nexthop));
	a->nexthop.afi = AFI_IP;
	rbuf_bytes(v, a->nexthop.bytes, 4);
	a->present |= ATTR_HAS_NEXT_HOP;
	return 0;
}

static uint8_t
p_med(struct pstate *ps, struct rbuf *v, const char **why)
{
	ps->u->attrs.med = rbuf_u32(v);
	ps->u->attrs.present |= ATTR_HAS_MED;
	return 0;
}

/* Only from an internal peer: parse_one discards it from an external one. */
static uint8_t
p_local_pref(struct pstate *ps, struct rbuf *v, const char **why)
{
	ps->u->attrs.local_pref = rbuf_u32(v);
	ps->u->attrs.present |= ATTR_HAS_LOCAL_PREF;
	return 0;
}

static uint8_t
p_atomic(struct pstate *ps, struct rbuf *v, const char **why)
{
	ps->u->attrs.present |= ATTR_HAS_ATOMIC_AGG;
	return 0;
}

static uint8_t
p_aggregator(struct pstate *ps, struct rbuf *v, const char **why)
{
	struct attr_set *a = &ps->u->attrs;
	size_t want = ps->ctx->as4 ? 8 : 6;
	uint32_t as;

	/* RFC 7606 §7.7: 6 octets, or 8 with 4-octet AS; else discard. */
	if (rbuf_left(v) != want) {
		*why = "AGGREGATOR length wrong for the AS size";
		return ERR_UPD_ATTR_LENGTH;
	}
	as = ps->ctx->as4 ? rbuf_u32(v) : rbuf_u16(v);
	/* RFC 7607 §2: an AGGREGATOR with AS 0 is discarded. */
	if (as == 0) {
		*why = "AGGREGATOR AS is 0";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	a->aggr_as = as;
	memset(&a->aggr_addr, 0, sizeof(a->aggr_addr));
	a->aggr_addr.afi = AFI_IP;
	rbuf_bytes(v, a->aggr_addr.bytes, 4);
	a->present |= ATTR_HAS_AGGREGATOR;
	return 0;
}

static uint8_t
p_communities(struct pstate *ps, struct rbuf *v, const char **why)
{
	size_t n = rbuf_left(v) / 4;

	/* RFC 7606 §7.8: a non-zero multiple of 4. */
	if (n == 0 || rbuf_left(v) % 4 != 0) {
		*why = "COMMUNITIES length not a non-zero multiple of 4";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	for (size_t i = 0; i < n; i++)
		ps->buf->comms[i] = rbuf_u32(v);
	ps->u->attrs.comms = ps->buf->comms;
	ps->u->attrs.ncomms = (uint32_t)n;
	return 0;
}

static uint8_t
p_ext_communities(struct pstate *ps, struct rbuf *v, const char **why)
{
	size_t n = rbuf_left(v) / 8;

	/* RFC 7606 §7.14: a non-zero multiple of 8. */
	if (n == 0 || rbuf_left(v) % 8 != 0) {
		*why = "EXTENDED_COMMUNITIES length not a non-zero multiple of 8";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t hi = rbuf_u32(v);

		ps->buf->ecomms[i] = hi << 32 | rbuf_u32(v);
	}
	ps->u->attrs.ecomms = ps->buf->ecomms;
	ps->u->attrs.necomms = (uint32_t)n;
	return 0;
}

static uint8_t
p_large_communities(struct pstate *ps, struct rbuf *v, const char **why)
{
	size_t n = rbuf_left(v) / 12;

	/* RFC 8092 §5: a non-zero multiple of 12. */
	if (n == 0 || rbuf_left(v) % 12 != 0) {
		*why = "LARGE_COMMUNITY length not a non-zero multiple of 12";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	for (size_t i = 0; i < n; i++) {
		ps->buf->lcomms[i].global = rbuf_u32(v);
		ps->buf->lcomms[i].local1 = rbuf_u32(v);
		ps->buf->lcomms[i].local2 = rbuf_u32(v);
	}
	ps->u->attrs.lcomms = ps->buf->lcomms;
	ps->u->attrs.nlcomms = (uint32_t)n;
	return 0;
}

static uint8_t
p_as4_path(struct pstate *ps, struct rbuf *v, const char **why)
{
	struct msg_attr_buf *b = ps->buf;
	uint8_t sub;

	/* RFC 6793 §4.2.1: between two NEW speakers it is ignored. */
	if (ps->ctx->as4)
		return 0;
	/* RFC 6793 §6: confederation segments make it malformed (discard). */
	sub = parse_segments(v, 4, false, b->segs4, &ps->nsegs4, b->asns4, &ps->nasns4, why);
	if (sub)
		return sub;
	ps->have_as4_path = true;
	return 0;
}

static uint8_t
p_as4_aggregator(struct pstate *ps, struct rbuf *v, const char **why)
{
	uint32_t as;

	if (ps->ctx->as4)
		return 0; /* RFC 6793 §4.2.1 */
	/*
	 * RFC 7607 §2: AS 0 here is malformed too (RFC 7606 attribute
	 * discard); merged, it would become an AGGREGATOR AS 0 that we would
	 * then send on.
	 */
	as = rbuf_u32(v);
	if (as == 0) {
		*why = "AS4_AGGREGATOR AS is 0";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	ps->as4_aggr_as = as;
	memset(&ps->as4_aggr_addr, 0, sizeof(ps->as4_aggr_addr));
	ps->as4_aggr_addr.afi = AFI_IP;
	rbuf_bytes(v, ps->as4_aggr_addr.bytes, 4);
	ps->have_as4_aggr = true;
	return 0;
}

/* Negotiated (AFI, SAFI)? Only unicast IPv4 and IPv6 are used. */
static bool
mp_family_ok(const struct msg_ctx *ctx, uint16_t afi, uint8_t safi)
{
	return safi == SAFI_UNICAST && (afi == AFI_IP || afi == AFI_IP6) &&
	       (ctx->families & msg_fam_bit((uint8_t)afi));
}

/*
 * MP_REACH_NLRI (RFC 4760 §3):
 * +---------------------------------------------------------+
 * | AFI (2) | SAFI (1) | Next Hop Length (1) | Next Hop     |
 * | Reserved (1) | NLRI (variable)                          |
 * +---------------------------------------------------------+
 * Any syntax error is a session reset (RFC 7606 §7.11, §5.3): without the
 * NLRI we cannot even withdraw.
 */
static uint8_t
p_mp_reach(struct pstate *ps, struct rbuf *v, const char **why)
{
	struct msg_update *u = ps->u;
	uint16_t afi = rbuf_u16(v);
	uint8_t safi = rbuf_u8(v);
	uint8_t nhlen = rbuf_u8(v);
	const uint8_t *nh = rbuf_take(v, nhlen);

	rbuf_u8(v); /* reserved */
	if (!rbuf_ok(v)) {
		*why = "MP_REACH_NLRI truncated";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	if (!mp_family_ok(ps->ctx, afi, safi)) {
		u->mp_ignored = true; /* RFC 4760 §7 leaves it to us: skip */
		return 0;
	}
	memset(&u->mp_reach.nexthop, 0, sizeof(u->mp_reach.nexthop));
	memset(&u->mp_reach.nexthop_ll, 0, sizeof(u->mp_reach.nexthop_ll));
	if (afi == AFI_IP && nhlen == 4) {
		u->mp_reach.nexthop.afi = AFI_IP;
		memcpy(u->mp_reach.nexthop.bytes, nh, 4);
	} else if (afi == AFI_IP6 && (nhlen == 16 || nhlen == 32)) {
		/* RFC 2545 §3: global, then optionally link-local. */
		u->mp_reach.nexthop.afi = AFI_IP6;
		memcpy(u->mp_reach.nexthop.bytes, nh, 16);
		if (nhlen == 32) {
			u->mp_reach.nexthop_ll.afi = AFI_IP6;
			memcpy(u->mp_reach.nexthop_ll.bytes, nh + 16, 16);
		}
	} else {
		*why = "MP_REACH_NLRI next hop length wrong for the family";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	if (!msg_nlri_valid(rbuf_ptr(v), rbuf_left(v), (uint8_t)afi)) {
		*why = "MP_REACH_NLRI prefix malformed";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	rbuf_init(&u->mp_reach.nlri, rbuf_ptr(v), rbuf_left(v));
	u->mp_reach.afi = afi;
	u->mp_reach.safi = safi;
	u->has_mp_reach = true;
	return 0;
}

/* MP_UNREACH_NLRI (RFC 4760 §4): | AFI (2) | SAFI (1) | Withdrawn |. */
static uint8_t
p_mp_unreach(struct pstate *ps, struct rbuf *v, const char **why)
{
	struct msg_update *u = ps->u;
	uint16_t afi = rbuf_u16(v);
	uint8_t safi = rbuf_u8(v);

	if (!rbuf_ok(v)) {
		*why = "MP_UNREACH_NLRI truncated";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	if (!mp_family_ok(ps->ctx, afi, safi)) {
		u->mp_ignored = true;
		return 0;
	}
	if (!msg_nlri_valid(rbuf_ptr(v), rbuf_left(v), (uint8_t)afi)) {
		*why = "MP_UNREACH_NLRI prefix malformed";
		return ERR_UPD_OPTIONAL_ATTR;
	}
	rbuf_init(&u->mp_unreach.withdrawn, rbuf_ptr(v), rbuf_left(v));
	u->mp_unreach.afi = afi;
	u->mp_unreach.safi = safi;
	u->has_mp_unreach = true;
	return 0;
}

/*
 * The RFC 7606 table. Flags: the Optional and Transitive bits the type
 * requires; a conflict (RFC 7606 §3) or a wrong fixed length makes the
 * attribute malformed, handled with the type's action.
 */
static const struct attr_rule attr_rules[256] = {
        [ATTR_ORIGIN] = {F_WK, 1, MSG_ACT_TREAT_AS_WITHDRAW, p_origin, "RFC 7606 §7.1"},
        [ATTR_AS_PATH] = {F_WK, -1, MSG_ACT_TREAT_AS_WITHDRAW, p_as_path, "RFC 7606 §7.2"},
        [ATTR_NEXT_HOP] = {F_WK, 4, MSG_ACT_TREAT_AS_WITHDRAW, p_next_hop, "RFC 7606 §7.3"},
        [ATTR_MED] = {F_O, 4, MSG_ACT_TREAT_AS_WITHDRAW, p_med, "RFC 7606 §7.4"},
        [ATTR_LOCAL_PREF] = {F_WK, 4, MSG_ACT_TREAT_AS_WITHDRAW, p_local_pref, "RFC 7606 §7.5"},
        [ATTR_ATOMIC_AGGREGATE] = {F_WK, 0, MSG_ACT_ATTR_DISCARD, p_atomic, "RFC 7606 §7.6"},
        [ATTR_AGGREGATOR] = {F_O | F_T, -1, MSG_ACT_ATTR_DISCARD, p_aggregator, "RFC 7606 §7.7"},
        [ATTR_COMMUNITIES] = {F_O | F_T, -1, MSG_ACT_TREAT_AS_WITHDRAW, p_communities,
                              "RFC 7606 §7.8"},
        [ATTR_MP_REACH_NLRI] = {F_O, -1, MSG_ACT_SESSION_RESET, p_mp_reach, "RFC 7606 §7.11"},
        [ATTR_MP_UNREACH_NLRI] = {F_O, -1, MSG_ACT_SESSION_RESET, p_mp_unreach, "RFC 7606 §7.12"},
        [ATTR_EXT_COMMUNITIES] = {F_O | F_T, -1, MSG_ACT_TREAT_AS_WITHDRAW, p_ext_communities,
                                  "RFC 7606 §7.14"},
        [ATTR_AS4_PATH] = {F_O | F_T, -1, MSG_ACT_ATTR_DISCARD, p_as4_path, "RFC 6793 §6"},
        [ATTR_AS4_AGGREGATOR] = {F_O | F_T, 8, MSG_ACT_ATTR_DISCARD, p_as4_aggregator,
                                 "RFC 6793 §6"},
        [ATTR_LARGE_COMMUNITIES] = {F_O | F_T, -1, MSG_ACT_TREAT_AS_WITHDRAW, p_large_communities,
                                    "RFC 8092 §5"},
};

/* Keep an unknown optional transitive attribute raw (RFC 4271 §5). */
static void
keep_unknown(struct pstate *ps, uint8_t flags, uint8_t type, const struct rbuf *v)
{
	struct attr_set *a = &ps->u->attrs;
	struct attr_unknown *k;

	if (a->nunknown >= MSG_MAX_UNKNOWN) {
		note_attr(ps, MSG_ACT_ATTR_DISCARD, ERR_UPD_OPTIONAL_ATTR,
		          "too many unknown attributes to keep");
		return;
	}
	/* attr.h promises increasing type order whatever the wire order (attr_eq). */
	size_t i = a->nunknown++;
	for (; i > 0 && ps->buf->unknown[i - 1].type > type; i--)
		ps->buf->unknown[i] = ps->buf->unknown[i - 1];
	k = &ps->buf->unknown[i];
	k->flags = flags;
	k->type = type;
	k->len = (uint16_t)rbuf_left(v);
	k->data = rbuf_ptr(v);
	a->unknown = ps->buf->unknown;
}

static void
parse_one(struct pstate *ps, uint8_t flags, uint8_t type, struct rbuf *v)
{
	const struct attr_rule *rule = &attr_rules[type];
	const char *why = NULL;
	uint8_t sub;

	/*
	 * RFC 4271 §5.1.5, RFC 7606 §7.5: LOCAL_PREF from an external peer is
	 * discarded "whatever its length": its value means nothing to us, so
	 * a malformed one must not cost the routes (no flag or length check).
	 */
	if (type == ATTR_LOCAL_PREF && ps->ctx->ebgp) {
		note_attr(ps, MSG_ACT_ATTR_DISCARD, 0, "LOCAL_PREF from an external peer");
		return;
	}
	if (rule->parse == NULL) {
		/* RFC 4271 §6.3: an unrecognized well-known attribute. */
		if (!(flags & ATTR_FLAG_OPTIONAL))
			note_attr(ps, MSG_ACT_SESSION_RESET, ERR_UPD_UNRECOGNIZED_WELLKNOWN,
			          "unrecognized well-known attribute");
		else if (flags & ATTR_FLAG_TRANSITIVE)
			keep_unknown(ps, flags, type, v);
		/* Unknown optional non-transitive: quietly ignored (RFC 4271 §5). */
		return;
	}
	/*
	 * RFC 7606 §3: Optional/Transitive bits in conflict with the type;
	 * RFC 4271 §4.3: Partial is 0 on well-known and optional
	 * non-transitive attributes.
	 */
	if ((flags & (F_O | F_T)) != rule->flags ||
	    ((flags & ATTR_FLAG_PARTIAL) && rule->flags != (F_O | F_T))) {
		note_attr(ps, rule->malformed, ERR_UPD_ATTR_FLAGS, "attribute flags conflict");
		return;
	}
	if (rule->len >= 0 && rbuf_left(v) != (size_t)rule->len) {
		note_attr(ps, rule->malformed, ERR_UPD_ATTR_LENGTH, "attribute length wrong");
		return;
	}
	sub = rule->parse(ps, v, &why);
	if (sub != 0)
		note_attr(ps, rule->malformed, sub, why ? why : "attribute malformed");
}

/*
 * RFC 6793 §4.2.3: rebuild the 4-octet path from AS_PATH and AS4_PATH
 * when the peer speaks 2-octet AS, then settle AGGREGATOR.
 */
static void
as4_merge(struct pstate *ps)
{
	struct attr_set *a = &ps->u->attrs;
	struct msg_attr_buf *b = ps->buf;
	struct attr_set p2 = {0}, p4 = {0};
	unsigned n2, n4, need;
	uint16_t ns = 0, na = 0, src = 0;

	a->segs = b->segs2;
	a->asns = b->asns2;
	a->nsegs = ps->nsegs2;
	a->nasns = ps->nasns2;
	if (!(a->present & ATTR_HAS_AS_PATH))
		a->nsegs = a->nasns = 0; /* malformed: nothing half-parsed leaks */
	if (ps->ctx->as4)
		return;
	/* An AGGREGATOR that is not AS_TRANS means the 4-octet data is stale. */
	if ((a->present & ATTR_HAS_AGGREGATOR) && a->aggr_as != AS_TRANS)
		return;
	if ((a->present & ATTR_HAS_AGGREGATOR) && ps->have_as4_aggr) {
		a->aggr_as = ps->as4_aggr_as;
		a->aggr_addr = ps->as4_aggr_addr;
	}
	if (!ps->have_as4_path || !(a->present & ATTR_HAS_AS_PATH))
		return;
	p2.segs = b->segs2, p2.asns = b->asns2, p2.nsegs = ps->nsegs2, p2.nasns = ps->nasns2;
	p4.segs = b->segs4, p4.asns = b->asns4, p4.nsegs = ps->nsegs4, p4.nasns = ps->nasns4;
	/* Counted the §9.1.2.2 way (RFC 6793 §4.2.3). */
	n2 = attr_aspath_len(&p2);
	n4 = attr_aspath_len(&p4);
	if (n2 < n4)
		return; /* AS4_PATH is ignored */
	need = n2 - n4;
	/* Leading part of AS_PATH worth `need`, then all of AS4_PATH. */
	for (uint16_t i = 0; i < ps->nsegs2 && need > 0; i++) {
		const struct attr_seg *s = &b->segs2[i];
		uint16_t take = s->count;

		if (s->type == AS_SEQUENCE) {
			take = (uint16_t)MIN(s->count, need);
			need -= take;
		} else if (s->type == AS_SET) {
			need--;
		}
		memcpy(&b->asns[na], &b->asns2[src], take * sizeof(uint32_t));
		push_seg(b->segs, &ns, s->type, take);
		na = (uint16_t)(na + take);
		src = (uint16_t)(src + s->count);
	}
	if (na + ps->nasns4 > MSG_MAX_ASNS || ns + ps->nsegs4 > MSG_MAX_SEGS)
		return; /* cannot happen within bounds, but never overflow */
	memcpy(&b->asns[na], b->asns4, ps->nasns4 * sizeof(uint32_t));
	na = (uint16_t)(na + ps->nasns4);
	for (uint16_t i = 0; i < ps->nsegs4; i++)
		push_seg(b->segs, &ns, b->segs4[i].type, b->segs4[i].count);
	/*
	 * The merge must not undo the first-AS check (RFC 4271 §6.3) done on
	 * AS_PATH: an AS4_PATH as long as AS_PATH whose leftmost AS is not
	 * the peer's would make the route's neighbour AS one the peer is not.
	 * Such an AS4_PATH is ignored (found by fuzz_update_roundtrip).
	 */
	if (ps->ctx->ebgp && ps->ctx->check_first_as && ps->ctx->peer_as != 0 &&
	    (ns == 0 || b->segs[0].type != AS_SEQUENCE || b->asns[0] != ps->ctx->peer_as))
		return;
	a->segs = b->segs;
	a->asns = b->asns;
	a->nsegs = ns;
	a->nasns = na;
}

enum msg_action
msg_attrs_parse(const struct msg_ctx *ctx, struct rbuf *attrs, struct msg_update *u,
                struct msg_attr_buf *buf, struct msg_error *err)
{
	struct pstate ps = {.ctx = ctx, .u = u, .buf = buf, .err = err};
	uint64_t seen[4] = {0};

	while (!rbuf_empty(attrs)) {
		const uint8_t *start = rbuf_ptr(attrs);
		size_t left = rbuf_left(attrs);
		uint8_t flags, type;
		size_t len, hdr;
		struct rbuf v;

		flags = rbuf_u8(attrs);
		type = rbuf_u8(attrs);
		hdr = (flags & ATTR_FLAG_EXTLEN) ? 4 : 3;
		len = (flags & ATTR_FLAG_EXTLEN) ? rbuf_u16(attrs) : rbuf_u8(attrs);
		ps.attr = start;
		ps.attr_len = MIN(left, hdr + len);
		if (!rbuf_ok(attrs) || !rbuf_sub(attrs, &v, len)) {
			/*
			 * RFC 7606 §4: the attributes overrun Total Path
			 * Attribute Length. The NLRI field is still located by
			 * that length, so treat-as-withdraw -- unless the
			 * overrun hides an MP attribute (§3: they come first
			 * when sent, and without them nothing can be found).
			 */
			bool mp = left >= 2 &&
			          (type == ATTR_MP_REACH_NLRI || type == ATTR_MP_UNREACH_NLRI);

			note(&ps, mp ? MSG_ACT_SESSION_RESET : MSG_ACT_TREAT_AS_WITHDRAW,
			     ERR_UPD_MALFORMED_ATTR_LIST, start, left,
			     "attribute overruns the path attributes");
			break;
		}
		/*
		 * RFC 7606 §3: a repeated MP attribute is Malformed Attribute
		 * List (reset); any other repeat is discarded, first one kept.
		 */
		if (seen[type >> 6] & (1ull << (type & 63))) {
			if (type == ATTR_MP_REACH_NLRI || type == ATTR_MP_UNREACH_NLRI)
				note_attr(&ps, MSG_ACT_SESSION_RESET, ERR_UPD_MALFORMED_ATTR_LIST,
				          "MP attribute repeated");
			else
				note_attr(&ps, MSG_ACT_ATTR_DISCARD, ERR_UPD_MALFORMED_ATTR_LIST,
				          "attribute repeated");
			continue;
		}
		seen[type >> 6] |= 1ull << (type & 63);
		ps.flags = flags;
		parse_one(&ps, flags, type, &v);
	}
	u->seen = seen[0];
	as4_merge(&ps);
	return ps.action;
}
