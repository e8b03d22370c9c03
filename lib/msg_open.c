/*
 * msg_open: the OPEN message and its capabilities (RFC 4271 §4.2, §6.2;
 * RFC 5492 capabilities; RFC 9072 extended optional parameters).
 */
#include <string.h>

#include "compiler.h"
#include "msg.h"
#include "msg_private.h"

#define OPT_PARAM_CAPABILITIES 2   /* RFC 5492 §4 */
#define OPT_PARAM_EXT_LENGTH   255 /* RFC 9072 §2 */

uint32_t
msg_open_as(const struct msg_open *o)
{
	return (o->caps.have & MSG_CAP_AS4) ? o->caps.as4 : o->my_as;
}

void
msg_open_init(struct msg_open *o, uint32_t as, uint16_t hold_time, uint32_t bgp_id)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = as > 0xffff ? AS_TRANS : (uint16_t)as;
	o->hold_time = hold_time;
	o->bgp_id = bgp_id;
	o->caps.have = MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_MP_IPV4;
	o->caps.as4 = as;
}

/* ---- encoding ---- */

/*
 * One capability as its own Capabilities optional parameter:
 * | Param Type 2 | Param Len (1, or 2 in RFC 9072 form) |
 * | Cap Code (1) | Cap Len (1) | Cap Value (Cap Len)    |
 */
static void
put_cap(struct wbuf *w, bool ext, uint8_t code, const uint8_t *val, uint8_t len)
{
	wbuf_u8(w, OPT_PARAM_CAPABILITIES);
	if (ext)
		wbuf_u16(w, (uint16_t)(2 + len));
	else
		wbuf_u8(w, (uint8_t)(2 + len));
	wbuf_u8(w, code);
	wbuf_u8(w, len);
	if (len > 0)
		wbuf_bytes(w, val, len);
}

static void
put_mp(struct wbuf *w, bool ext, uint16_t afi)
{
	uint8_t v[4] = {(uint8_t)(afi >> 8), (uint8_t)afi, 0, SAFI_UNICAST};

	put_cap(w, ext, CAP_MP, v, sizeof(v));
}

/*
 * RFC 4724 §3:
 * +--------------------------------------------------+
 * | Restart Flags (4 bits) | Restart Time (12 bits)  |
 * +--------------------------------------------------+
 * | AFI (16 bits) | SAFI (8 bits) | AFI Flags (8)    | ... repeated
 * +--------------------------------------------------+
 */
static void
put_gr(struct wbuf *w, bool ext, const struct msg_gr *gr)
{
	uint8_t v[2 + 4 * MSG_GR_MAX_AFI];
	size_t n = 0;
	uint16_t hdr = (uint16_t)((gr->flags & 0xf) << 12 | (gr->time & 0xfff));

	v[n++] = (uint8_t)(hdr >> 8);
	v[n++] = (uint8_t)hdr;
	for (size_t i = 0; i < gr->nafi && i < MSG_GR_MAX_AFI; i++) {
		v[n++] = (uint8_t)(gr->afi[i].afi >> 8);
		v[n++] = (uint8_t)gr->afi[i].afi;
		v[n++] = gr->afi[i].safi;
		v[n++] = gr->afi[i].flags;
	}
	put_cap(w, ext, CAP_GRACEFUL_RESTART, v, (uint8_t)n);
}

static void
put_params(struct wbuf *w, const struct msg_caps *c, bool ext)
{
	if (c->have & MSG_CAP_MP_IPV4)
		put_mp(w, ext, AFI_IP);
	if (c->have & MSG_CAP_MP_IPV6)
		put_mp(w, ext, AFI_IP6);
	if (c->have & MSG_CAP_RR)
		put_cap(w, ext, CAP_ROUTE_REFRESH, NULL, 0);
	if (c->have & MSG_CAP_ENHANCED_RR)
		put_cap(w, ext, CAP_ENHANCED_RR, NULL, 0);
	if (c->have & MSG_CAP_EXT_MSG)
		put_cap(w, ext, CAP_EXT_MESSAGE, NULL, 0);
	if (c->have & MSG_CAP_GR)
		put_gr(w, ext, &c->gr);
	if (c->have & MSG_CAP_AS4) {
		uint8_t v[4] = {(uint8_t)(c->as4 >> 24), (uint8_t)(c->as4 >> 16),
		                (uint8_t)(c->as4 >> 8), (uint8_t)c->as4};

		put_cap(w, ext, CAP_AS4, v, sizeof(v));
	}
	for (size_t i = 0; i < c->nunknown && i < MSG_CAP_MAX_UNKNOWN; i++) {
		const struct msg_cap_raw *u = &c->unknown[i];

		if ((size_t)u->off + u->len > sizeof(c->raw)) {
			w->err = true;
			return;
		}
		put_cap(w, ext, u->code, c->raw + u->off, u->len);
	}
}

bool
msg_open_encode(struct wbuf *w, const struct msg_open *o)
{
	uint8_t tmp[MSG_MAX_LEN];
	struct wbuf pw;
	bool ext = o->ext_params;
	size_t start;

	/* Lay the parameters out first to learn whether they need RFC 9072. */
	wbuf_init(&pw, tmp, sizeof(tmp));
	put_params(&pw, &o->caps, false);
	if (!wbuf_ok(&pw))
		return w->err = true, false;
	if (wbuf_len(&pw) > 255 || ext) {
		ext = true;
		wbuf_init(&pw, tmp, sizeof(tmp));
		put_params(&pw, &o->caps, true);
		if (!wbuf_ok(&pw))
			return w->err = true, false;
	}

	start = msg_begin(w, MSG_OPEN);
	wbuf_u8(w, o->version);
	wbuf_u16(w, o->my_as);
	wbuf_u16(w, o->hold_time);
	wbuf_u32(w, o->bgp_id);
	if (ext) {
		/* RFC 9072 §2: 255, type 255, then the 2-octet length. */
		wbuf_u8(w, OPT_PARAM_EXT_LENGTH);
		wbuf_u8(w, OPT_PARAM_EXT_LENGTH);
		wbuf_u16(w, (uint16_t)wbuf_len(&pw));
	} else {
		wbuf_u8(w, (uint8_t)wbuf_len(&pw));
	}
	wbuf_bytes(w, tmp, wbuf_len(&pw));
	if (wbuf_ok(w) && wbuf_len(w) - start > MSG_MAX_LEN)
		w->err = true; /* RFC 8654 §3: an OPEN never exceeds 4096 */
	return msg_end(w, start);
}

/* ---- decoding ---- */

static bool
open_err(struct msg_error *err, uint8_t subcode, const void *data, size_t len, const char *why)
{
	msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_OPEN, subcode, data, len, why);
	return false;
}

static void
keep_unknown(struct msg_caps *c, uint8_t code, const uint8_t *val, uint8_t len)
{
	struct msg_cap_raw *u;

	if (c->nunknown >= MSG_CAP_MAX_UNKNOWN || (size_t)c->raw_len + len > sizeof(c->raw)) {
		c->unknown_truncated = true;
		return;
	}
	u = &c->unknown[c->nunknown++];
	u->code = code;
	u->len = len;
	u->off = c->raw_len;
	if (len > 0)
		memcpy(c->raw + c->raw_len, val, len);
	c->raw_len = (uint16_t)(c->raw_len + len);
}

static void
parse_gr(struct msg_caps *c, const uint8_t *v, uint8_t len)
{
	uint16_t hdr;

	/* RFC 4724 §3: a 2-octet header then 4 octets per family. */
	if (len < 2 || (len - 2) % 4 != 0) {
		keep_unknown(c, CAP_GRACEFUL_RESTART, v, len);
		return;
	}
	c->have |= MSG_CAP_GR;
	hdr = (uint16_t)(v[0] << 8 | v[1]);
	c->gr.flags = (uint8_t)(hdr >> 12);
	c->gr.time = hdr & 0xfff;
	c->gr.nafi = 0;
	for (size_t i = 2; i + 4 <= len && c->gr.nafi < MSG_GR_MAX_AFI; i += 4) {
		c->gr.afi[c->gr.nafi].afi = (uint16_t)(v[i] << 8 | v[i + 1]);
		c->gr.afi[c->gr.nafi].safi = v[i + 2];
		c->gr.afi[c->gr.nafi].flags = v[i + 3];
		c->gr.nafi++;
	}
}

/*
 * One capability (RFC 5492 §4). A value of an unexpected size is kept raw,
 * except where the peer's identity depends on it: false with err set.
 */
static bool
parse_cap(struct msg_caps *c, uint8_t code, const uint8_t *v, uint8_t len, struct msg_error *err)
{
	switch (code) {
	case CAP_MP:
		/* RFC 4760 §8: AFI (2), reserved (1), SAFI (1). */
		if (len == 4 && v[3] == SAFI_UNICAST && v[0] == 0 && v[1] == AFI_IP) {
			c->have |= MSG_CAP_MP_IPV4;
			return true;
		}
		if (len == 4 && v[3] == SAFI_UNICAST && v[0] == 0 && v[1] == AFI_IP6) {
			c->have |= MSG_CAP_MP_IPV6;
			return true;
		}
		break;
	case CAP_ROUTE_REFRESH:
		if (len == 0) {
			c->have |= MSG_CAP_RR;
			return true;
		}
		break;
	case CAP_ENHANCED_RR:
		if (len == 0) {
			c->have |= MSG_CAP_ENHANCED_RR;
			return true;
		}
		break;
	case CAP_EXT_MESSAGE:
		if (len == 0) {
			c->have |= MSG_CAP_EXT_MSG;
			return true;
		}
		break;
	case CAP_AS4:
		/*
		 * RFC 6793 §3: the value is the 4-octet AS. Of any other size the
		 * peer's AS is unknown, and taking it for a 2-octet speaker would
		 * misread every AS_PATH it sends: a recognized but malformed
		 * optional parameter, NOTIFICATION 2/0 (RFC 4271 §6.2).
		 */
		if (len != 4)
			return open_err(err, 0, NULL, 0, "4-octet AS capability not 4 octets long");
		c->have |= MSG_CAP_AS4;
		c->as4 = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
		return true;
	case CAP_GRACEFUL_RESTART:
		parse_gr(c, v, len);
		return true;
	default:
		break;
	}
	keep_unknown(c, code, v, len);
	return true;
}

static bool
parse_caps(struct rbuf *r, struct msg_caps *c, struct msg_error *err)
{
	while (!rbuf_empty(r)) {
		uint8_t code = rbuf_u8(r);
		uint8_t len = rbuf_u8(r);
		const uint8_t *v = rbuf_take(r, len);

		if (!rbuf_ok(r))
			return open_err(err, 0, NULL, 0, "capability overruns its parameter");
		if (!parse_cap(c, code, v, len, err))
			return false;
	}
	return true;
}

bool
msg_open_decode(const uint8_t *body, size_t len, struct msg_open *o, struct msg_error *err)
{
	static const uint8_t our_version[2] = {0, BGP_VERSION};
	struct rbuf r, params;
	size_t plen;
	bool ext = false;

	memset(o, 0, sizeof(*o));
	rbuf_init(&r, body, len);
	o->version = rbuf_u8(&r);
	o->my_as = rbuf_u16(&r);
	o->hold_time = rbuf_u16(&r);
	o->bgp_id = rbuf_u32(&r);
	plen = rbuf_u8(&r);
	if (!rbuf_ok(&r))
		return open_err(err, 0, NULL, 0, "OPEN shorter than 10 octets");
	/* §6.2: the data is the largest version we support. */
	if (o->version != BGP_VERSION)
		return open_err(err, ERR_OPEN_UNSUPPORTED_VERSION, our_version, 2,
		                "BGP version is not 4");
	/* RFC 9072 §2: Non-Ext OP Len 255 and Non-Ext OP Type 255. */
	if (plen == OPT_PARAM_EXT_LENGTH && rbuf_left(&r) >= 1 &&
	    rbuf_ptr(&r)[0] == OPT_PARAM_EXT_LENGTH) {
		rbuf_u8(&r);
		plen = rbuf_u16(&r);
		ext = true;
	}
	o->ext_params = ext;
	if (!rbuf_ok(&r) || rbuf_left(&r) != plen)
		return open_err(err, 0, NULL, 0, "optional parameters length mismatch");
	/* §6.2: hold time 1 or 2 is unacceptable. */
	if (o->hold_time == 1 || o->hold_time == 2)
		return open_err(err, ERR_OPEN_UNACCEPTABLE_HOLD, NULL, 0, "hold time 1 or 2");
	/* §6.2, RFC 6286 §2.2: a zero identifier is never valid. */
	if (o->bgp_id == 0)
		return open_err(err, ERR_OPEN_BAD_BGP_ID, NULL, 0, "BGP identifier is 0");

	while (!rbuf_empty(&r)) {
		uint8_t type = rbuf_u8(&r);
		size_t l = ext ? rbuf_u16(&r) : rbuf_u8(&r);

		if (!rbuf_sub(&r, &params, l))
			return open_err(err, 0, NULL, 0, "optional parameter overruns the OPEN");
		/* RFC 5492 §4: capabilities are the only parameter we know. */
		if (type != OPT_PARAM_CAPABILITIES)
			return open_err(err, ERR_OPEN_UNSUPPORTED_OPT_PARAM, NULL, 0,
			                "optional parameter other than capabilities");
		if (!parse_caps(&params, &o->caps, err))
			return false;
	}
	return true;
}

bool
msg_open_check(const struct msg_open *o, uint32_t expected_as, uint32_t local_id, bool ebgp,
               struct msg_error *err)
{
	uint32_t as = msg_open_as(o);

	/* RFC 7607 §2: AS 0 is never a valid peer AS. */
	if (as == 0)
		return open_err(err, ERR_OPEN_BAD_PEER_AS, NULL, 0, "peer AS is 0");
	/* RFC 4271 §6.2: the AS must be the one configured. */
	if (expected_as != 0 && as != expected_as)
		return open_err(err, ERR_OPEN_BAD_PEER_AS, NULL, 0,
		                "peer AS is not the configured one");
	/* RFC 6793 §4.1: a 4-octet AS travels as AS_TRANS in My AS. */
	if ((o->caps.have & MSG_CAP_AS4) && as > 0xffff && o->my_as != AS_TRANS)
		return open_err(err, ERR_OPEN_BAD_PEER_AS, NULL, 0,
		                "4-octet AS but My AS is not AS_TRANS");
	/* RFC 6286 §2.2: the same identifier as ours only matters on iBGP. */
	if (o->bgp_id == 0 || (!ebgp && o->bgp_id == local_id))
		return open_err(err, ERR_OPEN_BAD_BGP_ID, NULL, 0,
		                "BGP identifier equals ours on an internal session");
	return true;
}

/* The unicast families a speaker announced; IPv4 alone without MP (RFC 4760 §8). */
static unsigned
open_families(const struct msg_open *o)
{
	unsigned f = 0;
	bool any_mp = false;

	if (o->caps.have & MSG_CAP_MP_IPV4)
		f |= MSG_FAM_IPV4;
	if (o->caps.have & MSG_CAP_MP_IPV6)
		f |= MSG_FAM_IPV6;
	for (size_t i = 0; i < o->caps.nunknown; i++)
		if (o->caps.unknown[i].code == CAP_MP)
			any_mp = true;
	if (f == 0 && !any_mp)
		f = MSG_FAM_IPV4;
	return f;
}

void
msg_ctx_negotiate(struct msg_ctx *ctx, const struct msg_open *ours, const struct msg_open *peer)
{
	ctx->local_as = msg_open_as(ours);
	ctx->peer_as = msg_open_as(peer);
	ctx->ebgp = ctx->local_as != ctx->peer_as;
	ctx->as4 = (ours->caps.have & MSG_CAP_AS4) && (peer->caps.have & MSG_CAP_AS4);
	/* RFC 8654 §3: larger messages only when both sides advertised it. */
	ctx->max_len = ((ours->caps.have & MSG_CAP_EXT_MSG) && (peer->caps.have & MSG_CAP_EXT_MSG))
	                       ? MSG_MAX_LEN_EXT
	                       : MSG_MAX_LEN;
	ctx->families = open_families(ours) & open_families(peer);
}
