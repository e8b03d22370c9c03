/*
 * msg_pack: the UPDATE packer -- one attribute set, as many prefixes as
 * fit the negotiated maximum size -- plus withdrawals and End-of-RIB.
 */
#include <string.h>

#include "compiler.h"
#include "msg.h"
#include "msg_private.h"

#define F_O  ATTR_FLAG_OPTIONAL
#define F_T  ATTR_FLAG_TRANSITIVE
#define F_WK F_T

/*
 * Attribute header (RFC 4271 §4.3), Extended Length when the value needs
 * it:
 * +---------------+---------------+-------------------------------+
 * | Attr. Flags   |Attr. Type Code| Length (1, or 2 with EXTLEN)  |
 * +---------------+---------------+-------------------------------+
 */
static void
put_hdr(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		wbuf_u8(w, flags | ATTR_FLAG_EXTLEN);
		wbuf_u8(w, type);
		wbuf_u16(w, (uint16_t)len);
	} else {
		wbuf_u8(w, flags & ~ATTR_FLAG_EXTLEN);
		wbuf_u8(w, type);
		wbuf_u8(w, (uint8_t)len);
	}
}

static void
put_u32_attr(struct wbuf *w, uint8_t flags, uint8_t type, uint32_t v)
{
	put_hdr(w, flags, type, 4);
	wbuf_u32(w, v);
}

/* Does the path hold an AS that 2 octets cannot carry (outside confeds)? */
static bool
path_needs_as4(const struct attr_set *a)
{
	size_t k = 0;

	for (size_t i = 0; i < a->nsegs; i++) {
		const struct attr_seg *s = &a->segs[i];

		for (size_t j = 0; j < s->count; j++, k++)
			if (a->asns[k] > 0xffff && s->type <= AS_SEQUENCE)
				return true;
	}
	return false;
}

/*
 * AS_PATH / AS4_PATH value: segments of at most 255 ASNs,
 * | type | count | ASN (asn_size octets) ... |. With asn_size 2 a large
 * AS becomes AS_TRANS (RFC 6793 §4.2.2); as4_path leaves out the
 * confederation segments (RFC 6793 §3).
 */
static size_t
path_len(const struct attr_set *a, unsigned asn_size, bool as4_path)
{
	size_t len = 0;

	for (size_t i = 0; i < a->nsegs; i++) {
		const struct attr_seg *s = &a->segs[i];

		if (as4_path && s->type > AS_SEQUENCE)
			continue;
		len += 2 * ((s->count + 254) / 255) + (size_t)s->count * asn_size;
	}
	return len;
}

static void
put_path(struct wbuf *w, uint8_t type, const struct attr_set *a, unsigned asn_size, bool as4_path)
{
	size_t k = 0;

	put_hdr(w, type == ATTR_AS_PATH ? F_WK : F_O | F_T, type, path_len(a, asn_size, as4_path));
	for (size_t i = 0; i < a->nsegs; i++) {
		const struct attr_seg *s = &a->segs[i];
		size_t left = s->count;

		if (as4_path && s->type > AS_SEQUENCE) {
			k += s->count;
			continue;
		}
		while (left > 0) {
			size_t n = MIN(left, 255);

			wbuf_u8(w, s->type);
			wbuf_u8(w, (uint8_t)n);
			for (size_t j = 0; j < n; j++, k++) {
				uint32_t as = a->asns[k];

				if (asn_size == 4)
					wbuf_u32(w, as);
				else
					wbuf_u16(w, as > 0xffff ? AS_TRANS : (uint16_t)as);
			}
			left -= n;
		}
	}
}

/* Types the packer writes itself: an "unknown" one of these is skipped. */
static bool
is_known(uint8_t t)
{
	return (t >= ATTR_ORIGIN && t <= ATTR_COMMUNITIES) ||
	       (t >= ATTR_MP_REACH_NLRI && t <= ATTR_AS4_AGGREGATOR) || t == ATTR_LARGE_COMMUNITIES;
}

/* Unknown transitive attributes with type in [from, to), Partial set (RFC 4271 §5). */
static void
put_unknown(struct wbuf *w, const struct attr_set *a, unsigned from, unsigned to)
{
	for (size_t i = 0; i < a->nunknown; i++) {
		const struct attr_unknown *k = &a->unknown[i];

		if (k->type < from || k->type >= to || is_known(k->type))
			continue;
		put_hdr(w, (uint8_t)(k->flags | F_O | F_T | ATTR_FLAG_PARTIAL), k->type, k->len);
		wbuf_bytes(w, k->data, k->len);
	}
}

/*
 * Every attribute but the MP ones, in type order (RFC 4271 §5 SHOULD):
 * ORIGIN, AS_PATH, NEXT_HOP (IPv4 only), MED, LOCAL_PREF (iBGP only),
 * ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES, EXT_COMMUNITIES, AS4_PATH,
 * AS4_AGGREGATOR, LARGE_COMMUNITY, unknown ones slotted in by type.
 */
static void
put_attrs(struct wbuf *w, const struct msg_ctx *ctx, const struct attr_set *a, uint8_t afi)
{
	unsigned asn_size = ctx->as4 ? 4 : 2;
	bool aggr4 = !ctx->as4 && (a->present & ATTR_HAS_AGGREGATOR) && a->aggr_as > 0xffff;

	put_unknown(w, a, 0, ATTR_ORIGIN); /* reserved type 0: still unknown transitive */
	put_hdr(w, F_WK, ATTR_ORIGIN, 1);
	wbuf_u8(w, a->origin);
	put_path(w, ATTR_AS_PATH, a, asn_size, false);
	if (afi == AFI_IP) {
		put_hdr(w, F_WK, ATTR_NEXT_HOP, 4);
		wbuf_bytes(w, a->nexthop.bytes, 4);
	}
	if (a->present & ATTR_HAS_MED)
		put_u32_attr(w, F_O, ATTR_MED, a->med);
	/* RFC 4271 §5.1.5: LOCAL_PREF only to internal peers. */
	if (!ctx->ebgp)
		put_u32_attr(w, F_WK, ATTR_LOCAL_PREF,
		             (a->present & ATTR_HAS_LOCAL_PREF) ? a->local_pref : 100);
	if (a->present & ATTR_HAS_ATOMIC_AGG)
		put_hdr(w, F_WK, ATTR_ATOMIC_AGGREGATE, 0);
	if (a->present & ATTR_HAS_AGGREGATOR) {
		put_hdr(w, F_O | F_T, ATTR_AGGREGATOR, asn_size + 4);
		if (ctx->as4)
			wbuf_u32(w, a->aggr_as);
		else
			wbuf_u16(w, aggr4 ? AS_TRANS : (uint16_t)a->aggr_as);
		wbuf_bytes(w, a->aggr_addr.bytes, 4);
	}
	if (a->ncomms > 0) {
		put_hdr(w, F_O | F_T, ATTR_COMMUNITIES, (size_t)a->ncomms * 4);
		for (size_t i = 0; i < a->ncomms; i++)
			wbuf_u32(w, a->comms[i]);
	}
	put_unknown(w, a, ATTR_COMMUNITIES + 1, ATTR_EXT_COMMUNITIES);
	if (a->necomms > 0) {
		put_hdr(w, F_O | F_T, ATTR_EXT_COMMUNITIES, (size_t)a->necomms * 8);
		for (size_t i = 0; i < a->necomms; i++) {
			wbuf_u32(w, (uint32_t)(a->ecomms[i] >> 32));
			wbuf_u32(w, (uint32_t)a->ecomms[i]);
		}
	}
	/* RFC 6793 §4.2.2: the 4-octet truth beside the 2-octet AS_PATH. */
	if (!ctx->as4 && path_needs_as4(a))
		put_path(w, ATTR_AS4_PATH, a, 4, true);
	if (aggr4) {
		put_hdr(w, F_O | F_T, ATTR_AS4_AGGREGATOR, 8);
		wbuf_u32(w, a->aggr_as);
		wbuf_bytes(w, a->aggr_addr.bytes, 4);
	}
	put_unknown(w, a, ATTR_AS4_AGGREGATOR + 1, ATTR_LARGE_COMMUNITIES);
	if (a->nlcomms > 0) {
		put_hdr(w, F_O | F_T, ATTR_LARGE_COMMUNITIES, (size_t)a->nlcomms * 12);
		for (size_t i = 0; i < a->nlcomms; i++) {
			wbuf_u32(w, a->lcomms[i].global);
			wbuf_u32(w, a->lcomms[i].local1);
			wbuf_u32(w, a->lcomms[i].local2);
		}
	}
	put_unknown(w, a, ATTR_LARGE_COMMUNITIES + 1, 256);
}

static void
reverse(uint8_t *p, size_t n)
{
	for (size_t i = 0, j = n - 1; i < j && n > 0; i++, j--) {
		uint8_t t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
}

/* Move the bytes [at+a, at+a+b) in front of [at, at+a), in place. */
static void
rotate(uint8_t *p, size_t a, size_t b)
{
	reverse(p, a);
	reverse(p + a, b);
	reverse(p, a + b);
}

/*
 * Append prefixes while the message (which started at start) stays within
 * max bytes. Returns how many were written.
 */
static size_t
put_prefixes(struct wbuf *w, size_t start, size_t max, uint8_t afi, const struct prefix *pfx,
             size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t need = 1 + prefix_nlri_bytes(pfx[i].len);

		if (pfx[i].afi != afi || pfx[i].len > afi_bits(afi))
			break;
		if (wbuf_len(w) - start + need > max || wbuf_room(w) < need)
			break;
		msg_nlri_put(w, &pfx[i]);
	}
	return i;
}

static size_t
max_len(const struct msg_ctx *ctx)
{
	return ctx->max_len >= MSG_MAX_LEN && ctx->max_len <= MSG_MAX_LEN_EXT ? ctx->max_len
	                                                                      : MSG_MAX_LEN;
}

static size_t
fail(struct wbuf *w, size_t start)
{
	wbuf_rewind(w, start);
	return 0;
}

size_t
msg_update_pack(struct wbuf *w, const struct msg_ctx *ctx, const struct attr_set *attrs,
                uint8_t afi, const struct prefix *pfx, size_t n)
{
	size_t start = wbuf_len(w), alen_at, attrs_at, mp_at, mplen_at, count;
	size_t max = max_len(ctx);

	if (n == 0 || attrs->nexthop.afi != afi || (afi != AFI_IP && afi != AFI_IP6))
		return 0;
	if (msg_begin(w, MSG_UPDATE) == SIZE_MAX)
		return fail(w, start);
	wbuf_u16(w, 0); /* no withdrawn routes */
	alen_at = wbuf_reserve(w, 2);
	attrs_at = wbuf_len(w);
	put_attrs(w, ctx, attrs, afi);
	if (!wbuf_ok(w) || wbuf_len(w) - start > max)
		return fail(w, start);

	if (afi == AFI_IP) {
		wbuf_patch_u16(w, alen_at, (uint16_t)(wbuf_len(w) - attrs_at));
		count = put_prefixes(w, start, max, afi, pfx, n);
		if (count == 0 || !msg_end(w, start))
			return fail(w, start);
		return count;
	}

	/*
	 * IPv6: MP_REACH_NLRI must be the first attribute (RFC 7606 §5.1),
	 * but how many prefixes fit depends on the others' size. Write it
	 * after them, then rotate it to the front.
	 *
	 * +---------------------------------------------------------+
	 * | 0x90 | 14 | Length (2) | AFI 2 | SAFI 1 | NH len 16/32  |
	 * | global next hop (16) [link-local (16)] | Reserved 0     |
	 * | NLRI <len><prefix> ...                                  |
	 * +---------------------------------------------------------+
	 */
	mp_at = wbuf_len(w);
	wbuf_u8(w, F_O | ATTR_FLAG_EXTLEN);
	wbuf_u8(w, ATTR_MP_REACH_NLRI);
	mplen_at = wbuf_reserve(w, 2);
	wbuf_u16(w, AFI_IP6);
	wbuf_u8(w, SAFI_UNICAST);
	wbuf_u8(w, attrs->nexthop_ll.afi == AFI_IP6 ? 32 : 16);
	wbuf_bytes(w, attrs->nexthop.bytes, 16);
	if (attrs->nexthop_ll.afi == AFI_IP6)
		wbuf_bytes(w, attrs->nexthop_ll.bytes, 16);
	wbuf_u8(w, 0);
	if (!wbuf_ok(w))
		return fail(w, start);
	count = put_prefixes(w, start, max, afi, pfx, n);
	if (count == 0)
		return fail(w, start);
	wbuf_patch_u16(w, mplen_at, (uint16_t)(wbuf_len(w) - mplen_at - 2));
	wbuf_patch_u16(w, alen_at, (uint16_t)(wbuf_len(w) - attrs_at));
	rotate(w->data + attrs_at, mp_at - attrs_at, wbuf_len(w) - mp_at);
	if (!msg_end(w, start))
		return fail(w, start);
	return count;
}

size_t
msg_withdraw_pack(struct wbuf *w, const struct msg_ctx *ctx, uint8_t afi, const struct prefix *pfx,
                  size_t n)
{
	size_t start = wbuf_len(w), at, mplen_at, count;
	size_t max = max_len(ctx);

	if (n == 0 || (afi != AFI_IP && afi != AFI_IP6))
		return 0;
	if (msg_begin(w, MSG_UPDATE) == SIZE_MAX)
		return fail(w, start);
	if (afi == AFI_IP) {
		/*
		 * | Withdrawn Routes Length | <len><prefix>... | Attr Length 0 |
		 */
		at = wbuf_reserve(w, 2);
		count = put_prefixes(w, start, max - 2, afi, pfx, n);
		wbuf_patch_u16(w, at, (uint16_t)(wbuf_len(w) - at - 2));
		wbuf_u16(w, 0);
	} else {
		/*
		 * | Withdrawn Length 0 | Attr Length |
		 * | 0x90 | 15 | Length (2) | AFI 2 | SAFI 1 | <len><prefix>... |
		 */
		wbuf_u16(w, 0);
		at = wbuf_reserve(w, 2);
		wbuf_u8(w, F_O | ATTR_FLAG_EXTLEN);
		wbuf_u8(w, ATTR_MP_UNREACH_NLRI);
		mplen_at = wbuf_reserve(w, 2);
		wbuf_u16(w, AFI_IP6);
		wbuf_u8(w, SAFI_UNICAST);
		count = put_prefixes(w, start, max, afi, pfx, n);
		wbuf_patch_u16(w, mplen_at, (uint16_t)(wbuf_len(w) - mplen_at - 2));
		wbuf_patch_u16(w, at, (uint16_t)(wbuf_len(w) - at - 2));
	}
	if (count == 0 || !msg_end(w, start))
		return fail(w, start);
	return count;
}

/*
 * End-of-RIB (RFC 4724 §2). IPv4: an UPDATE with both lengths 0.
 * IPv6: | Withdrawn 0 | Attr Length 6 | 0x80 | 15 | 3 | AFI 2 | SAFI 1 |.
 */
bool
msg_eor_encode(struct wbuf *w, uint8_t afi)
{
	size_t start = msg_begin(w, MSG_UPDATE);

	wbuf_u16(w, 0);
	if (afi == AFI_IP) {
		wbuf_u16(w, 0);
	} else {
		wbuf_u16(w, 6);
		wbuf_u8(w, F_O);
		wbuf_u8(w, ATTR_MP_UNREACH_NLRI);
		wbuf_u8(w, 3);
		wbuf_u16(w, afi);
		wbuf_u8(w, SAFI_UNICAST);
	}
	return msg_end(w, start);
}
