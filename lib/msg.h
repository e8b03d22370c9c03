/*
 * msg: the BGP-4 message codec (RFC 4271 §4) for OPEN, UPDATE,
 * NOTIFICATION, KEEPALIVE and ROUTE-REFRESH.
 *
 * Receiving: msg_frame() cuts a byte stream into messages and checks the
 * header (§6.1); then the decoder for the type takes the message BODY, the
 * bytes after the 19-byte header. Every decoder reports an error as a value
 * (struct msg_error): the NOTIFICATION code/subcode/data to send, and the
 * RFC 7606 action the session must take. Nothing here logs or allocates on
 * the per-message path.
 *
 * Sending: every encoder appends one complete message, header included, to
 * a wbuf and returns false (wbuf error set) if it did not fit.
 *
 * UPDATE decoding never allocates: attributes are decoded into a
 * caller-provided struct msg_attr_buf (reused message after message), and
 * NLRI/withdrawn routes are validated once then iterated in place with
 * msg_nlri_next().
 *
 * A receive loop, in short:
 *
 *	switch (msg_frame(in, in_len, ctx.max_len, &mlen, &type, &err)) {
 *	case MSG_FRAME_NEED_MORE: read more; break;
 *	case MSG_FRAME_ERROR: send NOTIFICATION(err) (msg_notification_encode_err); close;
 *	case MSG_FRAME_OK:
 *		body = in + MSG_HEADER_LEN, blen = mlen - MSG_HEADER_LEN;
 *		if (type == MSG_UPDATE) {
 *			act = msg_update_decode(&ctx, body, blen, &u, attr_buf, &err);
 *			if (act == MSG_ACT_SESSION_RESET) { notify(err); close; }
 *			while (msg_nlri_next(&u.withdrawn, AFI_IP, &p)) withdraw(p);
 *			msg_update_attrs(&u, AFI_IP, &set);
 *			a = act == MSG_ACT_TREAT_AS_WITHDRAW ? NULL : attr_intern(t, &set);
 *			while (msg_nlri_next(&u.nlri, AFI_IP, &p)) a ? announce(p, a) : withdraw(p);
 *			... the same with u.mp_unreach.withdrawn / u.mp_reach.nlri ...
 *		}
 *		in += mlen;
 *	}
 */
#ifndef CEBGP_MSG_H
#define CEBGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "buf.h"
#include "prefix.h"

#define BGP_VERSION     4
#define BGP_PORT        179
#define MSG_HEADER_LEN  19    /* marker 16, length 2, type 1 */
#define MSG_MAX_LEN     4096  /* RFC 4271 §4.1 */
#define MSG_MAX_LEN_EXT 65535 /* RFC 8654 extended messages */

enum msg_type {
	MSG_OPEN = 1,
	MSG_UPDATE = 2,
	MSG_NOTIFICATION = 3,
	MSG_KEEPALIVE = 4,
	MSG_ROUTE_REFRESH = 5, /* RFC 2918 */
};

/* SAFI numbers (RFC 4760); only unicast is used. */
#define SAFI_UNICAST 1

/* ---- errors (RFC 4271 §4.5, §6) ---- */

enum msg_err_code {
	ERR_HEADER = 1,
	ERR_OPEN = 2,
	ERR_UPDATE = 3,
	ERR_HOLD_TIMER = 4,
	ERR_FSM = 5,
	ERR_CEASE = 6,
	ERR_ROUTE_REFRESH = 7,   /* RFC 7313 §5 */
	ERR_SEND_HOLD_TIMER = 8, /* RFC 9687 */
};

/* Message Header Error subcodes (RFC 4271 §6.1). */
enum msg_err_header {
	ERR_HDR_NOT_SYNC = 1,   /* marker not all ones */
	ERR_HDR_BAD_LENGTH = 2, /* data: the 2-byte length field */
	ERR_HDR_BAD_TYPE = 3,   /* data: the type byte */
};

/* OPEN Message Error subcodes (RFC 4271 §6.2, RFC 5492, RFC 9234). */
enum msg_err_open {
	ERR_OPEN_UNSUPPORTED_VERSION = 1, /* data: our version, 2 bytes */
	ERR_OPEN_BAD_PEER_AS = 2,
	ERR_OPEN_BAD_BGP_ID = 3,
	ERR_OPEN_UNSUPPORTED_OPT_PARAM = 4,
	/* 5 deprecated (authentication failure) */
	ERR_OPEN_UNACCEPTABLE_HOLD = 6,
	ERR_OPEN_UNSUPPORTED_CAPABILITY = 7, /* RFC 5492 */
	ERR_OPEN_ROLE_MISMATCH = 11,         /* RFC 9234 (named only) */
};

/* UPDATE Message Error subcodes (RFC 4271 §6.3). */
enum msg_err_update {
	ERR_UPD_MALFORMED_ATTR_LIST = 1,
	ERR_UPD_UNRECOGNIZED_WELLKNOWN = 2,
	ERR_UPD_MISSING_WELLKNOWN = 3,
	ERR_UPD_ATTR_FLAGS = 4,
	ERR_UPD_ATTR_LENGTH = 5,
	ERR_UPD_INVALID_ORIGIN = 6,
	/* 7 deprecated (AS routing loop) */
	ERR_UPD_INVALID_NEXT_HOP = 8,
	ERR_UPD_OPTIONAL_ATTR = 9,
	ERR_UPD_INVALID_NETWORK = 10,
	ERR_UPD_MALFORMED_AS_PATH = 11,
};

/* FSM Error subcodes (RFC 6608). */
enum msg_err_fsm {
	ERR_FSM_UNSPECIFIED = 0,
	ERR_FSM_OPENSENT = 1,
	ERR_FSM_OPENCONFIRM = 2,
	ERR_FSM_ESTABLISHED = 3,
};

/* Cease subcodes (RFC 4486, RFC 9003). */
enum msg_err_cease {
	ERR_CEASE_MAX_PREFIX = 1,     /* data: AFI(2) SAFI(1) limit(4), RFC 4486 §4 */
	ERR_CEASE_ADMIN_SHUTDOWN = 2, /* data: RFC 9003 shutdown communication */
	ERR_CEASE_PEER_DECONFIGURED = 3,
	ERR_CEASE_ADMIN_RESET = 4, /* data: RFC 9003 shutdown communication */
	ERR_CEASE_CONNECTION_REJECTED = 5,
	ERR_CEASE_CONFIG_CHANGE = 6,
	ERR_CEASE_COLLISION = 7,
	ERR_CEASE_OUT_OF_RESOURCES = 8,
	ERR_CEASE_HARD_RESET = 9, /* RFC 8538 */
	ERR_CEASE_BFD_DOWN = 10,  /* RFC 9384 */
};

/* ROUTE-REFRESH Message Error subcodes (RFC 7313 §5). */
enum msg_err_rr {
	ERR_RR_INVALID_LENGTH = 1, /* data: the whole message (capped) */
};

/*
 * What the session does about an error (RFC 7606 §2). Ordered by severity:
 * when an UPDATE has several errors the largest wins (RFC 7606 §3 j).
 */
enum msg_action {
	MSG_ACT_NONE = 0,
	MSG_ACT_ATTR_DISCARD,      /* drop that attribute, use the route */
	MSG_ACT_TREAT_AS_WITHDRAW, /* every NLRI in the UPDATE is withdrawn */
	MSG_ACT_AFISAFI_DISABLE,   /* not produced by cebgp (listed for names) */
	MSG_ACT_SESSION_RESET,     /* send NOTIFICATION(code, subcode, data), close */
};

#define MSG_ERR_DATA_MAX 64

/*
 * A decode error. code/subcode/data are what the NOTIFICATION carries when
 * action is MSG_ACT_SESSION_RESET; for the lighter actions they name the
 * problem for the log (RFC 7606 §3 asks that those be logged). why is a
 * static English phrase ("ORIGIN value 7"), never NULL after an error.
 */
struct msg_error {
	uint8_t code;
	uint8_t subcode;
	uint8_t data[MSG_ERR_DATA_MAX];
	size_t data_len;
	enum msg_action action;
	const char *why;
};

/* Fill err (data capped at MSG_ERR_DATA_MAX); returns action. */
enum msg_action msg_error_set(struct msg_error *err, enum msg_action action, uint8_t code,
                              uint8_t subcode, const void *data, size_t data_len, const char *why);
/* "UPDATE Message Error / Malformed AS_PATH (treat-as-withdraw): why". */
char *msg_error_fmt(const struct msg_error *err, char *buf, size_t size);

/* ---- session facts the decoders and encoders need ---- */

#define MSG_FAM_IPV4 (1u << 0) /* IPv4 unicast */
#define MSG_FAM_IPV6 (1u << 1) /* IPv6 unicast */

static inline unsigned
msg_fam_bit(uint8_t afi)
{
	return afi == AFI_IP ? MSG_FAM_IPV4 : afi == AFI_IP6 ? MSG_FAM_IPV6 : 0;
}

/*
 * Negotiated facts of one session. msg_ctx_init() gives the pre-OPEN
 * defaults (2-octet AS, 4096 bytes, IPv4 unicast); msg_ctx_negotiate()
 * fills it from the two OPENs.
 */
struct msg_ctx {
	bool as4;          /* both sent the 4-octet AS capability (RFC 6793) */
	size_t max_len;    /* 4096, or 65535 when both sent extended message */
	unsigned families; /* MSG_FAM_*: unicast families both sides announced */
	uint32_t local_as;
	uint32_t peer_as;
	bool ebgp;              /* local_as != peer_as */
	bool check_first_as;    /* eBGP: first AS of AS_PATH must be peer_as (§6.3) */
	struct addr local_addr; /* our session address: a NEXT_HOP equal to it is invalid */
};

void msg_ctx_init(struct msg_ctx *ctx, uint32_t local_as, uint32_t peer_as);

/* ---- framing (RFC 4271 §4.1, §6.1; RFC 8654) ---- */

enum msg_frame_result {
	MSG_FRAME_NEED_MORE = 0, /* fewer bytes than the header or the length */
	MSG_FRAME_OK,            /* *msg_len bytes at data are one message */
	MSG_FRAME_ERROR,         /* err filled: Message Header Error, reset */
};

/*
 * Look at the first len bytes of a stream. On OK, *msg_len is the whole
 * message length (header included) and *type its type; the body is
 * data + MSG_HEADER_LEN. On NEED_MORE with the header checked (len >= 19),
 * *msg_len and *type are already set: the caller waits for *msg_len bytes
 * and need not frame the header again. max_len is ctx->max_len (4096 before the OPEN
 * exchange). The header is checked as soon as its 19 bytes are there:
 * marker all ones, length within [minimum for the type, max_len] where
 * OPEN and KEEPALIVE are never above 4096 (RFC 8654 §3), type known.
 */
enum msg_frame_result msg_frame(const uint8_t *data, size_t len, size_t max_len, size_t *msg_len,
                                uint8_t *type, struct msg_error *err);

/* ---- capabilities and OPEN (RFC 4271 §4.2, RFC 5492, RFC 9072) ---- */

enum msg_cap_code {
	CAP_MP = 1,                  /* RFC 4760 */
	CAP_ROUTE_REFRESH = 2,       /* RFC 2918 */
	CAP_EXT_NEXTHOP = 5,         /* RFC 8950 (named only) */
	CAP_EXT_MESSAGE = 6,         /* RFC 8654 */
	CAP_ROLE = 9,                /* RFC 9234 (named only) */
	CAP_GRACEFUL_RESTART = 64,   /* RFC 4724 */
	CAP_AS4 = 65,                /* RFC 6793 */
	CAP_ADD_PATH = 69,           /* RFC 7911 (named only) */
	CAP_ENHANCED_RR = 70,        /* RFC 7313 */
	CAP_LLGR = 71,               /* RFC 9494 (named only) */
	CAP_FQDN = 73,               /* draft-walton-bgp-hostname (named only) */
	CAP_ROUTE_REFRESH_OLD = 128, /* pre-standard Cisco code (named only) */
};

/* msg_caps.have bits. */
#define MSG_CAP_MP_IPV4     (1u << 0) /* MP IPv4 unicast */
#define MSG_CAP_MP_IPV6     (1u << 1) /* MP IPv6 unicast */
#define MSG_CAP_AS4         (1u << 2)
#define MSG_CAP_RR          (1u << 3) /* route refresh */
#define MSG_CAP_ENHANCED_RR (1u << 4)
#define MSG_CAP_GR          (1u << 5) /* graceful restart (see gr) */
#define MSG_CAP_EXT_MSG     (1u << 6)

#define MSG_GR_MAX_AFI 8
#define MSG_GR_FLAG_R  0x8  /* restart state: 4 high bits of the first octets */
#define MSG_GR_FLAG_N  0x4  /* RFC 8538 notification support */
#define MSG_GR_AFI_F   0x80 /* per-family: forwarding state preserved */

/* Graceful restart capability as received (RFC 4724 §3); parsed, surfaced. */
struct msg_gr {
	uint8_t flags; /* MSG_GR_FLAG_* (the 4 high bits, shifted down) */
	uint16_t time; /* restart time, seconds (12 bits) */
	uint8_t nafi;
	struct {
		uint16_t afi;
		uint8_t safi;
		uint8_t flags; /* MSG_GR_AFI_F */
	} afi[MSG_GR_MAX_AFI];
};

#define MSG_CAP_MAX_UNKNOWN 16
#define MSG_CAP_RAW_MAX     1024

/* A capability cebgp does not use, kept for `show` (code and value). */
struct msg_cap_raw {
	uint8_t code;
	uint8_t len;
	uint16_t off; /* into msg_caps.raw */
};

struct msg_caps {
	uint32_t have; /* MSG_CAP_* */
	uint32_t as4;  /* the AS in the 4-octet AS capability */
	struct msg_gr gr;
	/* Not understood (incl. MP for other families), in order received. */
	uint8_t nunknown;
	bool unknown_truncated; /* more than fit here */
	struct msg_cap_raw unknown[MSG_CAP_MAX_UNKNOWN];
	uint16_t raw_len;
	uint8_t raw[MSG_CAP_RAW_MAX];
};

struct msg_open {
	uint8_t version;
	uint16_t my_as;     /* the 2-octet field; AS_TRANS when the AS needs 4 */
	uint16_t hold_time; /* seconds: 0, or >= 3 */
	uint32_t bgp_id;    /* host order */
	bool ext_params;    /* RFC 9072 extended optional parameters form */
	struct msg_caps caps;
};

/* The speaker's AS: the 4-octet capability when present, else my_as. */
uint32_t msg_open_as(const struct msg_open *o);
/*
 * Start our OPEN: version 4, My AS (AS_TRANS when as > 65535), hold time,
 * identifier (host order), the 4-octet AS capability, route refresh and
 * MP IPv4 unicast. Add or clear caps.have bits afterwards as needed.
 */
void msg_open_init(struct msg_open *o, uint32_t as, uint16_t hold_time, uint32_t bgp_id);

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Version    |     My Autonomous System      |   Hold Time   :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :               |                BGP Identifier                 :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :               | Opt Parm Len  |  Optional Parameters (type 2,  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    len, capabilities...)       |
 *
 * RFC 9072: Opt Parm Len 255 then Param Type 255 and a 2-byte length,
 * each parameter then has a 2-byte length. The encoder uses that form when
 * the parameters exceed 255 bytes (or o->ext_params asks for it). The
 * encoder emits every capability whose have-bit is set (GR from o->caps.gr),
 * each as its own Capabilities parameter entry, then the unknown ones.
 */
bool msg_open_encode(struct wbuf *w, const struct msg_open *o);
/*
 * Decode an OPEN body. Checks (RFC 4271 §6.2): version 4 (else Unsupported
 * Version Number, data = 0x0004), BGP identifier non-zero, hold time not
 * 1 or 2, parameter framing (Malformed... reported as subcode 0
 * "unspecific" per RFC 4271 §6.2), only type 2 parameters (else
 * Unsupported Optional Parameter). Every error is a session reset.
 */
bool msg_open_decode(const uint8_t *body, size_t len, struct msg_open *o, struct msg_error *err);
/*
 * The checks only the session can make (RFC 4271 §6.2, RFC 6286 §2.2,
 * RFC 6793 §4.1): the peer's AS (4-octet capability if any) is
 * expected_as, its identifier is not ours on an iBGP session, and a
 * 4-octet AS capability agrees with My AS (AS_TRANS iff the AS is > 65535).
 */
bool msg_open_check(const struct msg_open *o, uint32_t expected_as, uint32_t local_id, bool ebgp,
                    struct msg_error *err);
/* Fill ctx from our OPEN and the peer's (AS4, extended message, families). */
void msg_ctx_negotiate(struct msg_ctx *ctx, const struct msg_open *ours,
                       const struct msg_open *peer);

/* ---- KEEPALIVE (RFC 4271 §4.4) ---- */

bool msg_keepalive_encode(struct wbuf *w);

/* ---- NOTIFICATION (RFC 4271 §4.5, RFC 9003, RFC 4486) ---- */

#define MSG_SHUTDOWN_MAX 255 /* RFC 9003 §2: up to 255 octets of UTF-8 */

struct msg_notification {
	uint8_t code;
	uint8_t subcode;
	const uint8_t *data; /* into the message body */
	size_t data_len;
	/* Cease/Admin Shutdown or Reset carrying an RFC 9003 message. */
	bool has_shutdown;
	char shutdown[MSG_SHUTDOWN_MAX * 4 + 1]; /* NUL-terminated, control chars escaped */
	/* Cease/Max Prefix with RFC 4486 §4 data. */
	bool has_max_prefix;
	uint16_t mp_afi;
	uint8_t mp_safi;
	uint32_t mp_limit;
};

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Error code    | Error subcode |   Data (variable)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
bool msg_notification_encode(struct wbuf *w, uint8_t code, uint8_t subcode, const void *data,
                             size_t data_len);
/* Same from an error value (its code, subcode, data). */
bool msg_notification_encode_err(struct wbuf *w, const struct msg_error *err);
/*
 * Cease subcode 2 or 4 with an RFC 9003 shutdown communication:
 * | Length (1) | UTF-8 text (Length octets, at most 255) |.
 * text is truncated to 255 bytes at a UTF-8 character boundary.
 */
bool msg_shutdown_encode(struct wbuf *w, uint8_t subcode, const char *text);
/* Cease subcode 1 with | AFI (2) | SAFI (1) | prefix upper bound (4) |. */
bool msg_max_prefix_encode(struct wbuf *w, uint16_t afi, uint8_t safi, uint32_t limit);
/*
 * The data of the two NOTIFICATIONs above, for a caller that hands the
 * data on (an FSM input) instead of encoding at once. Both return the
 * data length; NULL text gives a zero-length communication.
 */
#define MSG_SHUTDOWN_DATA_MAX   (1 + MSG_SHUTDOWN_MAX)
#define MSG_MAX_PREFIX_DATA_LEN 7
size_t msg_shutdown_data(uint8_t data[MSG_SHUTDOWN_DATA_MAX], const char *text);
size_t msg_max_prefix_data(uint8_t data[MSG_MAX_PREFIX_DATA_LEN], uint16_t afi, uint8_t safi,
                           uint32_t limit);
/*
 * Decode a NOTIFICATION body (at least 2 bytes, else false: nothing is sent
 * back for a bad NOTIFICATION, RFC 4271 §6.4). A shutdown communication
 * whose length overruns the data or that is not valid UTF-8 is kept as
 * plain data (has_shutdown false), as RFC 9003 §2 allows.
 */
bool msg_notification_decode(const uint8_t *body, size_t len, struct msg_notification *n);

/* ---- ROUTE-REFRESH (RFC 2918, RFC 7313) ---- */

enum msg_rr_subtype {
	RR_NORMAL = 0, /* RFC 2918 request */
	RR_BORR = 1,   /* RFC 7313 beginning of route refresh */
	RR_EORR = 2,   /* RFC 7313 end of route refresh */
};

struct msg_route_refresh {
	uint16_t afi;
	uint8_t subtype; /* enum msg_rr_subtype; RFC 2918's "reserved" octet */
	uint8_t safi;
};

/*
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              AFI              |  Subtype/Rsvd |     SAFI      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
bool msg_route_refresh_encode(struct wbuf *w, const struct msg_route_refresh *rr);
/*
 * Body must be 4 bytes (RFC 7313 §5: else ROUTE-REFRESH Message Error /
 * Invalid Message Length with the message as data, a session reset).
 * An unknown subtype decodes fine; RFC 7313 §5 says to ignore it, which
 * is the caller's call (subtype > RR_EORR).
 */
bool msg_route_refresh_decode(const uint8_t *body, size_t len, struct msg_route_refresh *rr,
                              struct msg_error *err);

/* ---- UPDATE (RFC 4271 §4.3, RFC 4760, RFC 7606) ---- */

/* Bounds of the decoder's scratch storage (struct msg_attr_buf). */
#define MSG_MAX_SEGS    255
#define MSG_MAX_ASNS    1024
#define MSG_MAX_UNKNOWN 32

/*
 * Scratch storage the UPDATE decoder fills and the decoded attr_set points
 * into. About 210 KB (room for a 65535-byte UPDATE full of communities):
 * allocate one per session (or per thread) and reuse it for every UPDATE;
 * nothing survives the next decode. Intern (attr_intern) what must be kept.
 * Unknown attributes' data point into the message body, not in here.
 */
struct msg_attr_buf {
	struct attr_seg segs[MSG_MAX_SEGS];
	uint32_t asns[MSG_MAX_ASNS];
	struct attr_seg segs4[MSG_MAX_SEGS]; /* AS4_PATH, before the merge */
	uint32_t asns4[MSG_MAX_ASNS];
	struct attr_seg segs2[MSG_MAX_SEGS]; /* AS_PATH, before the merge */
	uint32_t asns2[MSG_MAX_ASNS];
	uint32_t comms[MSG_MAX_LEN_EXT / 4];
	uint64_t ecomms[MSG_MAX_LEN_EXT / 8];
	struct attr_lcomm lcomms[MSG_MAX_LEN_EXT / 12];
	struct attr_unknown unknown[MSG_MAX_UNKNOWN];
};

/*
 * A decoded UPDATE. The rbuf views point into the body passed to
 * msg_update_decode(); they are validated (every prefix length in range,
 * no trailing bytes) and are walked with msg_nlri_next().
 */
struct msg_update {
	struct rbuf withdrawn; /* IPv4 withdrawn routes */
	struct rbuf nlri;      /* IPv4 NLRI; attrs.nexthop is their NEXT_HOP */
	struct attr_set attrs; /* every attribute but MP_*; pointers into the attr_buf */
	uint64_t seen;         /* bit t: attribute type t (< 64) was present */

	bool has_mp_reach; /* MP_REACH_NLRI for a negotiated unicast family */
	struct {
		uint16_t afi;
		uint8_t safi;
		struct addr nexthop;    /* global */
		struct addr nexthop_ll; /* IPv6 link-local (afi 0 when absent) */
		struct rbuf nlri;
	} mp_reach;
	bool has_mp_unreach;
	struct {
		uint16_t afi;
		uint8_t safi;
		struct rbuf withdrawn;
	} mp_unreach;
	/* MP attributes for a family not negotiated: skipped (RFC 4760 §7). */
	bool mp_ignored;

	/*
	 * End-of-RIB (RFC 4724 §2): an empty UPDATE for IPv4 unicast, or one
	 * holding only an empty MP_UNREACH_NLRI for another family. The AFI
	 * (AFI_IP / AFI_IP6), 0 when not an End-of-RIB marker.
	 */
	uint8_t eor_afi;

	enum msg_action action; /* the most severe error found (== return value) */
};

/*
 * Decode an UPDATE body under ctx. Returns the action and fills err when
 * it is not MSG_ACT_NONE:
 *   SESSION_RESET     send NOTIFICATION(err), close; u is not usable.
 *   TREAT_AS_WITHDRAW every prefix in u->nlri and u->mp_reach.nlri is to be
 *                     withdrawn (plus the withdrawn ones); the attributes
 *                     are not usable. Log err.
 *   ATTR_DISCARD      the offending attribute(s) are left out of u->attrs;
 *                     use the UPDATE normally. Log err.
 * RFC 7606 rules live in a table in msg_attr.c, each with its section.
 */
enum msg_action msg_update_decode(const struct msg_ctx *ctx, const uint8_t *body, size_t len,
                                  struct msg_update *u, struct msg_attr_buf *buf,
                                  struct msg_error *err);

/*
 * Next prefix of a validated NLRI or withdrawn view (RFC 4271 §4.3
 * length+prefix encoding; bits past the length are cleared). False at the
 * end. On an unvalidated view a bad length ends the walk with r's error set.
 */
bool msg_nlri_next(struct rbuf *r, uint8_t afi, struct prefix *out);
/* Number of prefixes in a validated view (walks a copy). */
size_t msg_nlri_count(const struct rbuf *r, uint8_t afi);

/*
 * The attribute set for routes of family afi in u: u->attrs with the
 * next hop of that family (NEXT_HOP for IPv4 NLRI, the MP_REACH next hop
 * for the MP family). A shallow copy: arrays still point into the buffer.
 */
void msg_update_attrs(const struct msg_update *u, uint8_t afi, struct attr_set *out);

/*
 * UPDATE packer. Wire layout of what it writes:
 *
 * +-----------------------------------------------------+
 * | header: marker (16) | length (2) | type 2 (1)       |
 * +-----------------------------------------------------+
 * | Withdrawn Routes Length (2 octets)                  |
 * | Withdrawn Routes (variable): IPv4 <len><prefix>...  |
 * +-----------------------------------------------------+
 * | Total Path Attribute Length (2 octets)              |
 * | Path Attributes: ORIGIN, AS_PATH, NEXT_HOP, MED,    |
 * |   LOCAL_PREF (iBGP only), ATOMIC_AGGREGATE,         |
 * |   AGGREGATOR, COMMUNITIES, MP_REACH/MP_UNREACH,     |
 * |   EXT_COMMUNITIES, AS4_PATH, AS4_AGGREGATOR,        |
 * |   LARGE_COMMUNITY, unknown transitive (Partial)     |
 * +-----------------------------------------------------+
 * | NLRI (variable): IPv4 <len><prefix>...              |
 * +-----------------------------------------------------+
 *
 * msg_update_pack writes ONE UPDATE announcing pfx[0..n) (all of family
 * afi) with attributes attrs, as many prefixes as fit in ctx->max_len (and
 * in w), and returns how many it consumed: 0 means nothing was written
 * (even one prefix did not fit, or attrs lacks a next hop of that family).
 * IPv4 prefixes go in the NLRI field with NEXT_HOP; IPv6 ones in
 * MP_REACH_NLRI with attrs->nexthop (+ nexthop_ll). Without ctx->as4 the
 * AS path is written with 2-octet ASNs, AS_TRANS standing in for larger
 * ones, plus AS4_PATH / AS4_AGGREGATOR when needed (RFC 6793 §4.2.2).
 * LOCAL_PREF is left out on eBGP sessions (RFC 4271 §5.1.5) and is 100
 * on iBGP when attrs has none. MP_REACH_NLRI is written as the first
 * attribute (RFC 7606 §5.1).
 */
size_t msg_update_pack(struct wbuf *w, const struct msg_ctx *ctx, const struct attr_set *attrs,
                       uint8_t afi, const struct prefix *pfx, size_t n);
/*
 * One UPDATE withdrawing as many of pfx[0..n) as fit: IPv4 in the
 * Withdrawn Routes field, IPv6 in MP_UNREACH_NLRI. Returns the count.
 */
size_t msg_withdraw_pack(struct wbuf *w, const struct msg_ctx *ctx, uint8_t afi,
                         const struct prefix *pfx, size_t n);
/* End-of-RIB marker for afi (RFC 4724 §2). */
bool msg_eor_encode(struct wbuf *w, uint8_t afi);

/* ---- names for logs and `show` (msg_names.c) ---- */

/* Each returns a static string, "unknown" for a value it does not know. */
const char *msg_type_name(uint8_t type);                         /* "UPDATE" */
const char *msg_err_code_name(uint8_t code);                     /* "UPDATE Message Error" */
const char *msg_err_subcode_name(uint8_t code, uint8_t subcode); /* "Malformed AS_PATH" */
const char *msg_cap_name(uint8_t code);                          /* "4-octet AS number" */
const char *msg_attr_name(uint8_t type);                         /* "AS_PATH" */
const char *msg_action_name(enum msg_action a);                  /* "treat-as-withdraw" */
const char *msg_afi_name(uint16_t afi);                          /* "IPv4" */
const char *msg_rr_subtype_name(uint8_t subtype);                /* "BoRR" */

#endif
