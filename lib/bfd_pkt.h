/*
 * bfd_pkt: the RFC 5880 §4.1 BFD Control packet, encoded and decoded.
 *
 * Only the mandatory section is ever written: cebgp runs BFD single hop
 * (RFC 5881) in asynchronous mode without authentication, demand mode or
 * the echo function, as the provider does. A received packet is checked
 * against every stateless rule of RFC 5880 §6.8.6; the verdict names the
 * rule that discarded it. The stateful rules (which session a Your
 * Discriminator selects, AdminDown) are lib/bfd.c's.
 */
#ifndef CEBGP_BFD_PKT_H
#define CEBGP_BFD_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION      1
#define BFD_PKT_LEN      24 /* the mandatory section, all we send */
#define BFD_PKT_AUTH_MIN 26 /* with the A bit: header plus a 2-byte auth header */

/* UDP ports (RFC 5881 §4): destination 3784, source from 49152-65535. */
#define BFD_PORT         3784
#define BFD_SRC_PORT_MIN 49152
#define BFD_SRC_PORT_MAX 65535
#define BFD_TTL          255 /* RFC 5881 §5: sent and required (GTSM) */

/* RFC 5880 §4.1 "Sta": the sender's bfd.SessionState. */
enum bfd_state { BFD_ADMIN_DOWN = 0, BFD_DOWN = 1, BFD_INIT = 2, BFD_UP = 3, BFD_STATE_COUNT };

/*
 * RFC 5880 §4.1 "Diag": the local reason for the last transition from Up
 * (9 is RFC 6428's). 5 bits on the wire; 10-31 are unassigned.
 */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_DETECT_EXPIRED = 1,   /* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED = 2,      /* Echo Function Failed */
	BFD_DIAG_NEIGHBOR_DOWN = 3,    /* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_RESET = 4,        /* Forwarding Plane Reset */
	BFD_DIAG_PATH_DOWN = 5,        /* Path Down */
	BFD_DIAG_CONCAT_PATH_DOWN = 6, /* Concatenated Path Down */
	BFD_DIAG_ADMIN_DOWN = 7,       /* Administratively Down */
	BFD_DIAG_REV_CONCAT_DOWN = 8,  /* Reverse Concatenated Path Down */
	BFD_DIAG_MISCONNECTIVITY = 9,  /* Mis-Connectivity Defect (RFC 6428) */
	BFD_DIAG_COUNT,
	BFD_DIAG_MAX = 31 /* the field's range */
};

/* A Control packet's fields, host order; intervals in microseconds. */
struct bfd_pkt {
	uint8_t version;
	uint8_t diag; /* enum bfd_diag, or an unassigned code from the wire */
	enum bfd_state state;
	bool poll;       /* P */
	bool final;      /* F */
	bool cpi;        /* C: control plane independent */
	bool auth;       /* A: an authentication section follows */
	bool demand;     /* D */
	bool multipoint; /* M: reserved, must be zero */
	uint8_t detect_mult;
	uint8_t length; /* the Length field, bytes */
	uint32_t my_discr;
	uint32_t your_discr;
	uint32_t desired_min_tx;
	uint32_t required_min_rx;
	uint32_t required_min_echo_rx;
};

/* Why a received packet was discarded (RFC 5880 §6.8.6, in its order). */
enum bfd_pkt_verdict {
	BFD_PKT_OK,
	BFD_PKT_TRUNCATED,       /* shorter than the Length field, or than 4 bytes */
	BFD_PKT_BAD_VERSION,     /* version not 1 */
	BFD_PKT_BAD_LENGTH,      /* Length < 24 (A clear) or < 26 (A set) */
	BFD_PKT_ZERO_MULT,       /* Detect Mult 0 */
	BFD_PKT_MULTIPOINT,      /* M bit set */
	BFD_PKT_ZERO_MY_DISCR,   /* My Discriminator 0 */
	BFD_PKT_ZERO_YOUR_DISCR, /* Your Discriminator 0 while the sender is Init or Up */
	BFD_PKT_AUTH,            /* A bit set: we run no authentication (bfd.AuthType 0) */
	BFD_PKT_VERDICT_COUNT
};

/*
 * Decode a received UDP payload. out is filled whenever at least the
 * mandatory section could be read (so a discarded packet can still be
 * logged); the verdict says whether the packet may be processed.
 * Bytes past the Length field are ignored.
 */
enum bfd_pkt_verdict bfd_pkt_decode(const uint8_t *data, size_t len, struct bfd_pkt *out);

/*
 * The stateless §6.8.6 checks on decoded fields; payload is the datagram
 * length. bfd_pkt_decode() applies it; lib/bfd.c applies it again to the
 * packets it is handed.
 */
enum bfd_pkt_verdict bfd_pkt_check(const struct bfd_pkt *p, size_t payload);

/*
 * Encode the mandatory section (the Length written is always 24, the A, D
 * and M bits are taken from p but we never set them). Returns the bytes
 * written, 0 if cap is too small.
 */
size_t bfd_pkt_encode(const struct bfd_pkt *p, uint8_t *buf, size_t cap);

const char *bfd_state_name(enum bfd_state s);
const char *bfd_diag_name(unsigned diag);
/* Short form for tables and logs, e.g. "detect-expired". */
const char *bfd_diag_key(unsigned diag);
const char *bfd_pkt_verdict_name(enum bfd_pkt_verdict v);

#endif
