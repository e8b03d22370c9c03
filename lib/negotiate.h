/*
 * negotiate: what one session agrees on when the peer's OPEN arrives.
 *
 * Pure: our settings and the peer's decoded OPEN (msg_open_decode() already
 * checked the version, identifier 0, hold time 1 or 2 and the parameter
 * framing) in, and either the negotiated session facts or the NOTIFICATION
 * to send out. The glue feeds the FSM FSM_EV_BGP_OPEN with the negotiated
 * hold and keepalive times, or FSM_EV_BGP_OPEN_MSG_ERR with the error.
 *
 * Also builds our own OPEN from the same settings, so what we announce and
 * what we check against can never drift apart.
 */
#ifndef CEBGP_NEGOTIATE_H
#define CEBGP_NEGOTIATE_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

/* Our side of one session. */
struct negotiate_settings {
	uint32_t local_as;       /* our AS (4-octet) */
	uint32_t peer_as;        /* the AS the peer must have (RFC 4271 §6.2) */
	uint32_t bgp_id;         /* our BGP Identifier, host order, non-zero */
	uint16_t hold_time;      /* the Hold Time we send: 0 or >= 3 */
	uint16_t keepalive_time; /* configured keepalive; 0: a third of the hold time */
	/*
	 * Smallest Hold Time we accept from the peer (RFC 4271 §4.2 "MAY
	 * reject any proposed Hold Time"): 0 accepts anything legal; when set,
	 * a proposed 0 (no keepalives at all) is refused too.
	 */
	uint16_t min_hold_time;
	unsigned families; /* MSG_FAM_* we announce with the MP capability */
	uint32_t caps;     /* MSG_CAP_* we send besides MP: AS4, RR, ENHANCED_RR, EXT_MSG, GR */
	uint32_t require;  /* MSG_CAP_* the peer must send (RFC 5492 §5) */
	struct msg_gr gr;  /* graceful restart capability we send when caps has MSG_CAP_GR */
};

/* What the session agreed on. */
struct negotiate_result {
	struct msg_ctx ctx; /* codec facts: AS4, max size, families, ASes, eBGP;
	                     * ctx.local_addr is the glue's to fill */
	uint32_t peer_as;   /* from the 4-octet AS capability when present (RFC 6793) */
	uint32_t peer_id;   /* host order */
	unsigned hold_time; /* min(ours, theirs) (RFC 4271 §4.2); 0: no keepalives */
	unsigned keepalive_time;
	bool route_refresh; /* both: RFC 2918 */
	bool enhanced_rr;   /* both: RFC 7313 */
	bool ext_msg;       /* both: RFC 8654 (ctx.max_len is 65535) */
	bool peer_gr;       /* the peer sent graceful restart (RFC 4724) */
	struct msg_gr gr;   /* ... and this is what it said */
};

/*
 * Check the peer's OPEN against our settings and negotiate. True and res
 * filled; or false and err holds the NOTIFICATION (OPEN Message Error:
 * Bad Peer AS, Bad BGP Identifier, Unacceptable Hold Time, Unsupported
 * Capability with the missing capabilities as data).
 */
bool negotiate_open(const struct negotiate_settings *s, const struct msg_open *peer,
                    struct negotiate_result *res, struct msg_error *err);

/*
 * The address family a session carries, from its transport (RFC 4760):
 * an IPv4 session offers MP IPv4 unicast, an IPv6 session MP IPv6 unicast,
 * and each requires the peer to carry its family. A peer that cannot would
 * leave an Established session with nothing to exchange; refusing it with
 * Unsupported Capability (RFC 5492 §5) names the mismatch instead. A peer
 * without any MP capability still counts as IPv4 unicast (RFC 4760 §8).
 * Other families in s are left alone.
 */
void negotiate_settings_family(struct negotiate_settings *s, uint8_t afi);

/* Our OPEN: version 4, My AS (AS_TRANS above 65535), hold time, id, capabilities. */
void negotiate_build_open(const struct negotiate_settings *s, struct msg_open *o);

#endif
