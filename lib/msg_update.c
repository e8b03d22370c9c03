/*
 * msg_update: the UPDATE message (RFC 4271 §4.3) -- its three sections,
 * NLRI validation and in-place iteration, End-of-RIB, and the checks that
 * need the whole message (missing attributes, NEXT_HOP, RFC 7606 §5.2).
 */
#include <string.h>

#include "compiler.h"
#include "msg.h"
#include "msg_private.h"

/*
 * +-----------------------------------------------------+
 * |   Withdrawn Routes Length (2 octets)                |
 * |   Withdrawn Routes (variable)                       |
 * |   Total Path Attribute Length (2 octets)            |
 * |   Path Attributes (variable)                        |
 * |   Network Layer Reachability Information (variable) |
 * +-----------------------------------------------------+
 * Each prefix: | Length (1 octet, bits) | Prefix (ceil(Length/8) octets) |
 */

bool
msg_nlri_valid(const uint8_t *data, size_t len, uint8_t afi)
{
	unsigned maxbits = afi_bits(afi);
	size_t off = 0;

	while (off < len) {
		unsigned bits = data[off++];

		/* RFC 7606 §5.3: longer than the family, or past the end. */
		if (bits > maxbits || prefix_nlri_bytes(bits) > len - off)
			return false;
		off += prefix_nlri_bytes(bits);
	}
	return true;
}

bool
msg_nlri_next(struct rbuf *r, uint8_t afi, struct prefix *out)
{
	unsigned bits, n;
	const uint8_t *p;

	if (r->err || r->off >= r->len)
		return false;
	bits = r->data[r->off];
	n = prefix_nlri_bytes(bits);
	if (bits > afi_bits(afi) || n > r->len - r->off - 1) {
		r->err = true;
		return false;
	}
	p = r->data + r->off + 1;
	r->off += 1 + n;
	memset(out, 0, sizeof(*out));
	out->afi = afi;
	out->len = (uint8_t)bits;
	memcpy(out->bytes, p, n);
	/* Trailing bits past the length are irrelevant (RFC 4271 §4.3). */
	if (bits & 7)
		out->bytes[n - 1] &= (uint8_t)(0xff << (8 - (bits & 7)));
	return true;
}

size_t
msg_nlri_count(const struct rbuf *r, uint8_t afi)
{
	struct rbuf c = *r;
	struct prefix p;
	size_t n = 0;

	while (msg_nlri_next(&c, afi, &p))
		n++;
	return n;
}

bool
msg_nlri_put(struct wbuf *w, const struct prefix *p)
{
	wbuf_u8(w, p->len);
	return wbuf_bytes(w, p->bytes, prefix_nlri_bytes(p->len));
}

void
msg_update_attrs(const struct msg_update *u, uint8_t afi, struct attr_set *out)
{
	*out = u->attrs;
	if (u->has_mp_reach && u->mp_reach.afi == afi) {
		out->nexthop = u->mp_reach.nexthop;
		out->nexthop_ll = u->mp_reach.nexthop_ll;
		out->present |= ATTR_HAS_NEXT_HOP;
	}
}

/* RFC 4271 §6.3: NEXT_HOP must be a valid host address and not ours. */
static const char *
bad_next_hop(const struct msg_ctx *ctx, const struct addr *nh)
{
	uint8_t b0 = nh->bytes[0];

	if (nh->afi == AFI_IP) {
		if (b0 == 0 || b0 == 127 || b0 >= 224)
			return "NEXT_HOP is not a host address";
	} else {
		static const uint8_t zero[16];

		if (memcmp(nh->bytes, zero, 16) == 0 || b0 == 0xff ||
		    (memcmp(nh->bytes, zero, 15) == 0 && nh->bytes[15] == 1))
			return "MP_REACH next hop is not a host address";
	}
	if (ctx->local_addr.afi == nh->afi &&
	    memcmp(ctx->local_addr.bytes, nh->bytes, afi_bytes(nh->afi)) == 0)
		return "next hop is our own address";
	return NULL;
}

/* Checks that need the whole message, after the attributes are parsed. */
static void
check_update(const struct msg_ctx *ctx, struct msg_update *u, struct msg_error *err,
             enum msg_action *action)
{
	bool v4 = !rbuf_empty(&u->nlri);
	bool reach = v4 || u->has_mp_reach;
	const struct attr_set *a = &u->attrs;
	uint8_t missing = 0;
	const char *why;

	if (*action == MSG_ACT_SESSION_RESET)
		return;
	/*
	 * RFC 4271 §6.3 / RFC 7606 §3: with NLRI, ORIGIN and AS_PATH must be
	 * there, and NEXT_HOP for NLRI in the NLRI field (RFC 4760 §3 makes
	 * it unneeded with MP_REACH alone); missing is treat-as-withdraw.
	 */
	if (reach && *action < MSG_ACT_TREAT_AS_WITHDRAW) {
		if (!(a->present & ATTR_HAS_ORIGIN))
			missing = ATTR_ORIGIN;
		else if (!(a->present & ATTR_HAS_AS_PATH))
			missing = ATTR_AS_PATH;
		else if (v4 && !(a->present & ATTR_HAS_NEXT_HOP))
			missing = ATTR_NEXT_HOP;
		if (missing)
			*action = msg_error_set(err, MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPDATE,
			                        ERR_UPD_MISSING_WELLKNOWN, &missing, 1,
			                        "well-known mandatory attribute missing");
	}
	/* RFC 4271 §6.3, RFC 7606 §7.3: a semantically wrong next hop. */
	if (*action < MSG_ACT_TREAT_AS_WITHDRAW) {
		why = NULL;
		if (v4 && (a->present & ATTR_HAS_NEXT_HOP))
			why = bad_next_hop(ctx, &a->nexthop);
		if (why == NULL && u->has_mp_reach)
			why = bad_next_hop(ctx, &u->mp_reach.nexthop);
		if (why)
			*action = msg_error_set(err, MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPDATE,
			                        ERR_UPD_INVALID_NEXT_HOP, NULL, 0, why);
	}
	/*
	 * RFC 7606 §5.2: attributes (other than MP_UNREACH_NLRI) but no
	 * reachable NLRI: we cannot be sure the NLRI were found, so any error
	 * other than attribute discard becomes a session reset.
	 */
	if (!reach && !u->mp_ignored && *action > MSG_ACT_ATTR_DISCARD &&
	    (u->seen & ~(1ull << ATTR_MP_UNREACH_NLRI)) != 0) {
		err->action = MSG_ACT_SESSION_RESET;
		*action = MSG_ACT_SESSION_RESET;
	}
}

static enum msg_action
update_err(struct msg_error *err, uint8_t subcode, const char *why)
{
	return msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_UPDATE, subcode, NULL, 0, why);
}

enum msg_action
msg_update_decode(const struct msg_ctx *ctx, const uint8_t *body, size_t len, struct msg_update *u,
                  struct msg_attr_buf *buf, struct msg_error *err)
{
	struct rbuf r, attrs;
	size_t wlen, alen;
	enum msg_action action;

	memset(u, 0, sizeof(*u));
	rbuf_init(&r, body, len);
	/* RFC 4271 §6.3: the two lengths must fit the message. */
	wlen = rbuf_u16(&r);
	if (!rbuf_sub(&r, &u->withdrawn, wlen))
		return u->action = update_err(err, ERR_UPD_MALFORMED_ATTR_LIST,
		                              "withdrawn routes length overruns the message");
	alen = rbuf_u16(&r);
	if (!rbuf_sub(&r, &attrs, alen))
		return u->action = update_err(err, ERR_UPD_MALFORMED_ATTR_LIST,
		                              "path attribute length overruns the message");
	rbuf_init(&u->nlri, rbuf_ptr(&r), rbuf_left(&r));
	/* RFC 7606 §5.3 (and §3 for withdrawn routes): prefixes must parse. */
	if (!msg_nlri_valid(u->withdrawn.data, u->withdrawn.len, AFI_IP))
		return u->action = update_err(err, ERR_UPD_INVALID_NETWORK,
		                              "withdrawn routes malformed");
	if (!msg_nlri_valid(u->nlri.data, u->nlri.len, AFI_IP))
		return u->action = update_err(err, ERR_UPD_INVALID_NETWORK, "NLRI malformed");

	attr_set_init(&u->attrs);
	action = msg_attrs_parse(ctx, &attrs, u, buf, err);
	check_update(ctx, u, err, &action);
	u->action = action;
	if (action == MSG_ACT_NONE) {
		/* RFC 4724 §2: End-of-RIB markers. */
		if (len == 4)
			u->eor_afi = AFI_IP;
		else if (wlen == 0 && rbuf_empty(&u->nlri) && u->has_mp_unreach &&
		         rbuf_empty(&u->mp_unreach.withdrawn) &&
		         u->seen == (1ull << ATTR_MP_UNREACH_NLRI))
			u->eor_afi = (uint8_t)u->mp_unreach.afi;
	}
	return action;
}
