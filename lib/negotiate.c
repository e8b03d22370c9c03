/*
 * negotiate: OPEN validation against our settings and the session facts
 * both sides agree on (RFC 4271 §4.2, §6.2; RFC 5492; RFC 6286; RFC 6793;
 * RFC 8654). The codec-level checks (version, framing, identifier 0) are
 * msg_open_decode()'s; the peer-AS and identifier rules that need the
 * session are msg_open_check()'s, called from here so they live in one place.
 */
#include <string.h>

#include "compiler.h"
#include "negotiate.h"

/* The capabilities negotiate understands in settings.caps / .require. */
#define NEG_CAPS (MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG | MSG_CAP_GR)

static bool
open_error(struct msg_error *err, uint8_t subcode, const uint8_t *data, size_t len, const char *why)
{
	memset(err, 0, sizeof(*err));
	err->code = ERR_OPEN;
	err->subcode = subcode;
	len = MIN(len, sizeof(err->data));
	if (len)
		memcpy(err->data, data, len);
	err->data_len = len;
	err->action = MSG_ACT_SESSION_RESET;
	err->why = why;
	return false;
}

void
negotiate_build_open(const struct negotiate_settings *s, struct msg_open *o)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	/* RFC 6793 §4.1: a 4-octet AS travels as AS_TRANS in My AS. */
	o->my_as = s->local_as > 0xffff ? AS_TRANS : (uint16_t)s->local_as;
	o->hold_time = s->hold_time;
	o->bgp_id = s->bgp_id;
	o->caps.have = s->caps & NEG_CAPS;
	/* RFC 6793 §3: the AS itself is only carried in the capability, so
	 * an AS above 65535 cannot go without it. */
	if (s->local_as > 0xffff)
		o->caps.have |= MSG_CAP_AS4;
	o->caps.as4 = s->local_as;
	if (s->families & MSG_FAM_IPV4)
		o->caps.have |= MSG_CAP_MP_IPV4;
	if (s->families & MSG_FAM_IPV6)
		o->caps.have |= MSG_CAP_MP_IPV6;
	if (o->caps.have & MSG_CAP_GR)
		o->caps.gr = s->gr;
}

void
negotiate_settings_family(struct negotiate_settings *s, uint8_t afi)
{
	s->families &= ~(MSG_FAM_IPV4 | MSG_FAM_IPV6);
	s->require &= ~(MSG_CAP_MP_IPV4 | MSG_CAP_MP_IPV6);
	if (afi == AFI_IP6) {
		s->families |= MSG_FAM_IPV6;
		s->require |= MSG_CAP_MP_IPV6;
	} else {
		s->families |= MSG_FAM_IPV4;
		s->require |= MSG_CAP_MP_IPV4;
	}
}

static size_t
put_cap(uint8_t *p, uint8_t code, const uint8_t *val, uint8_t len)
{
	p[0] = code;
	p[1] = len;
	if (len)
		memcpy(p + 2, val, len);
	return 2u + len;
}

static size_t
put_mp(uint8_t *p, uint8_t afi)
{
	const uint8_t v[4] = {0, afi, 0, SAFI_UNICAST};

	return put_cap(p, CAP_MP, v, sizeof(v));
}

/*
 * RFC 5492 §5: "the Data field of the NOTIFICATION message MUST contain
 * the capability (code, length, value) tuples" the peer lacks; we list the
 * values we sent ourselves. At most 30 bytes: fits msg_error.data.
 */
static size_t
missing_caps_data(const struct negotiate_settings *s, uint32_t missing, uint8_t *p)
{
	size_t n = 0;

	if (missing & MSG_CAP_MP_IPV4)
		n += put_mp(p + n, AFI_IP);
	if (missing & MSG_CAP_MP_IPV6)
		n += put_mp(p + n, AFI_IP6);
	if (missing & MSG_CAP_AS4) {
		const uint8_t v[4] = {(uint8_t)(s->local_as >> 24), (uint8_t)(s->local_as >> 16),
		                      (uint8_t)(s->local_as >> 8), (uint8_t)s->local_as};

		n += put_cap(p + n, CAP_AS4, v, sizeof(v));
	}
	if (missing & MSG_CAP_RR)
		n += put_cap(p + n, CAP_ROUTE_REFRESH, NULL, 0);
	if (missing & MSG_CAP_ENHANCED_RR)
		n += put_cap(p + n, CAP_ENHANCED_RR, NULL, 0);
	if (missing & MSG_CAP_EXT_MSG)
		n += put_cap(p + n, CAP_EXT_MESSAGE, NULL, 0);
	if (missing & MSG_CAP_GR) {
		/* restart flags and time only (RFC 4724 §3); families omitted */
		const uint8_t v[2] = {(uint8_t)((s->gr.flags << 4) | ((s->gr.time >> 8) & 0xf)),
		                      (uint8_t)s->gr.time};

		n += put_cap(p + n, CAP_GRACEFUL_RESTART, v, sizeof(v));
	}
	return n;
}

/* The unicast families the peer can carry (RFC 4760 §8: no MP at all = IPv4). */
static unsigned
peer_families(const struct msg_open *peer)
{
	unsigned f = 0;

	if (peer->caps.have & MSG_CAP_MP_IPV4)
		f |= MSG_FAM_IPV4;
	if (peer->caps.have & MSG_CAP_MP_IPV6)
		f |= MSG_FAM_IPV6;
	for (size_t i = 0; i < peer->caps.nunknown; i++)
		if (peer->caps.unknown[i].code == CAP_MP)
			return f; /* it speaks MP, just not (only) our families */
	return f ? f : MSG_FAM_IPV4;
}

static bool
check_required(const struct negotiate_settings *s, const struct msg_open *peer,
               struct msg_error *err)
{
	uint8_t data[MSG_ERR_DATA_MAX];
	uint32_t missing = s->require & NEG_CAPS & ~peer->caps.have;
	unsigned fam = peer_families(peer);

	/* A required family counts as present when the peer can carry it. */
	if ((s->require & MSG_CAP_MP_IPV4) && !(fam & MSG_FAM_IPV4))
		missing |= MSG_CAP_MP_IPV4;
	if ((s->require & MSG_CAP_MP_IPV6) && !(fam & MSG_FAM_IPV6))
		missing |= MSG_CAP_MP_IPV6;
	if (!missing)
		return true;
	return open_error(err, ERR_OPEN_UNSUPPORTED_CAPABILITY, data,
	                  missing_caps_data(s, missing, data),
	                  "peer lacks a capability we require");
}

bool
negotiate_open(const struct negotiate_settings *s, const struct msg_open *peer,
               struct negotiate_result *res, struct msg_error *err)
{
	struct msg_open ours;
	bool ebgp = s->local_as != s->peer_as;
	unsigned hold, ka;

	memset(res, 0, sizeof(*res));
	/*
	 * RFC 4271 §6.2 Bad Peer AS (the 4-octet capability's AS when present,
	 * RFC 6793 §4.1, so a peer with a 4-octet AS and no capability shows
	 * AS_TRANS and fails here); RFC 6286 §2.2 Bad BGP Identifier: zero,
	 * or equal to ours on an internal session only.
	 */
	if (!msg_open_check(peer, s->peer_as, s->bgp_id, ebgp, err))
		return false;
	/*
	 * RFC 4271 §6.2: "An implementation MUST reject Hold Time values of one
	 * or two seconds. An implementation MAY reject any proposed Hold Time."
	 */
	if (peer->hold_time == 1 || peer->hold_time == 2)
		return open_error(err, ERR_OPEN_UNACCEPTABLE_HOLD, NULL, 0, "hold time 1 or 2");
	if (s->min_hold_time && peer->hold_time < s->min_hold_time)
		return open_error(err, ERR_OPEN_UNACCEPTABLE_HOLD, NULL, 0,
		                  "hold time below the configured minimum");
	/* RFC 5492 §5: only a capability we cannot do without is fatal. */
	if (!check_required(s, peer, err))
		return false;

	negotiate_build_open(s, &ours);
	msg_ctx_init(&res->ctx, s->local_as, s->peer_as);
	msg_ctx_negotiate(&res->ctx, &ours, peer);
	res->peer_as = msg_open_as(peer);
	res->peer_id = peer->bgp_id;

	/* RFC 4271 §4.2: the smaller of the two; 0 means no keepalives. §4.4
	 * suggests a third of it between KEEPALIVEs; a smaller configured
	 * interval wins. */
	hold = MIN(s->hold_time, peer->hold_time);
	ka = hold / 3;
	if (s->keepalive_time && s->keepalive_time < ka)
		ka = s->keepalive_time;
	res->hold_time = hold;
	res->keepalive_time = hold ? ka : 0;

	res->route_refresh = (ours.caps.have & peer->caps.have & MSG_CAP_RR) != 0;
	res->enhanced_rr = (ours.caps.have & peer->caps.have & MSG_CAP_ENHANCED_RR) != 0;
	res->ext_msg = res->ctx.max_len == MSG_MAX_LEN_EXT;
	res->peer_gr = (peer->caps.have & MSG_CAP_GR) != 0;
	if (res->peer_gr)
		res->gr = peer->caps.gr;
	return true;
}
