/*
 * bfd_pkt: RFC 5880 §4.1 Control packet codec and the §6.8.6 checks.
 */
#include "bfd_pkt.h"

#include "buf.h"

static const char *const state_names[BFD_STATE_COUNT] = {
        [BFD_ADMIN_DOWN] = "AdminDown",
        [BFD_DOWN] = "Down",
        [BFD_INIT] = "Init",
        [BFD_UP] = "Up",
};

static const char *const diag_names[BFD_DIAG_COUNT] = {
        [BFD_DIAG_NONE] = "No Diagnostic",
        [BFD_DIAG_DETECT_EXPIRED] = "Control Detection Time Expired",
        [BFD_DIAG_ECHO_FAILED] = "Echo Function Failed",
        [BFD_DIAG_NEIGHBOR_DOWN] = "Neighbor Signaled Session Down",
        [BFD_DIAG_FWD_RESET] = "Forwarding Plane Reset",
        [BFD_DIAG_PATH_DOWN] = "Path Down",
        [BFD_DIAG_CONCAT_PATH_DOWN] = "Concatenated Path Down",
        [BFD_DIAG_ADMIN_DOWN] = "Administratively Down",
        [BFD_DIAG_REV_CONCAT_DOWN] = "Reverse Concatenated Path Down",
        [BFD_DIAG_MISCONNECTIVITY] = "Mis-Connectivity Defect",
};

static const char *const diag_keys[BFD_DIAG_COUNT] = {
        [BFD_DIAG_NONE] = "none",
        [BFD_DIAG_DETECT_EXPIRED] = "detect-expired",
        [BFD_DIAG_ECHO_FAILED] = "echo-failed",
        [BFD_DIAG_NEIGHBOR_DOWN] = "neighbor-down",
        [BFD_DIAG_FWD_RESET] = "forwarding-reset",
        [BFD_DIAG_PATH_DOWN] = "path-down",
        [BFD_DIAG_CONCAT_PATH_DOWN] = "concat-path-down",
        [BFD_DIAG_ADMIN_DOWN] = "admin-down",
        [BFD_DIAG_REV_CONCAT_DOWN] = "reverse-concat-path-down",
        [BFD_DIAG_MISCONNECTIVITY] = "mis-connectivity",
};

static const char *const verdict_names[BFD_PKT_VERDICT_COUNT] = {
        [BFD_PKT_OK] = "ok",
        [BFD_PKT_TRUNCATED] = "truncated",
        [BFD_PKT_BAD_VERSION] = "bad version",
        [BFD_PKT_BAD_LENGTH] = "bad length",
        [BFD_PKT_ZERO_MULT] = "detect multiplier 0",
        [BFD_PKT_MULTIPOINT] = "multipoint bit set",
        [BFD_PKT_ZERO_MY_DISCR] = "my discriminator 0",
        [BFD_PKT_ZERO_YOUR_DISCR] = "your discriminator 0 in state Init or Up",
        [BFD_PKT_AUTH] = "authentication not configured",
};

const char *
bfd_state_name(enum bfd_state s)
{
	return (unsigned)s < BFD_STATE_COUNT ? state_names[s] : "?";
}

const char *
bfd_diag_name(unsigned diag)
{
	if (diag < BFD_DIAG_COUNT)
		return diag_names[diag];
	return diag <= BFD_DIAG_MAX ? "Unassigned" : "?";
}

const char *
bfd_diag_key(unsigned diag)
{
	if (diag < BFD_DIAG_COUNT)
		return diag_keys[diag];
	return diag <= BFD_DIAG_MAX ? "unassigned" : "?";
}

const char *
bfd_pkt_verdict_name(enum bfd_pkt_verdict v)
{
	return (unsigned)v < BFD_PKT_VERDICT_COUNT ? verdict_names[v] : "?";
}

/* Byte 1: |Sta|P|F|C|A|D|M| */
#define FLAG_P 0x20
#define FLAG_F 0x10
#define FLAG_C 0x08
#define FLAG_A 0x04
#define FLAG_D 0x02
#define FLAG_M 0x01

/*
 * RFC 5880 §6.8.6, the rules that need no session, in the RFC's order (so
 * the verdict names the first rule broken). The session rules come later
 * in lib/bfd.c: Your Discriminator selects the session, AdminDown discards.
 */
enum bfd_pkt_verdict
bfd_pkt_check(const struct bfd_pkt *p, size_t payload)
{
	/* "If the version number is not correct (1), the packet MUST be discarded." */
	if (p->version != BFD_VERSION)
		return BFD_PKT_BAD_VERSION;
	/* "If the Length field is less than the minimum correct value (24 if
	 * the A bit is clear, or 26 if the A bit is set) ..." */
	if (p->length < (p->auth ? BFD_PKT_AUTH_MIN : BFD_PKT_LEN))
		return BFD_PKT_BAD_LENGTH;
	/* "If the Length field is greater than the payload of the encapsulating
	 * protocol ..." */
	if (p->length > payload)
		return BFD_PKT_TRUNCATED;
	if (p->detect_mult == 0)
		return BFD_PKT_ZERO_MULT;
	if (p->multipoint)
		return BFD_PKT_MULTIPOINT;
	if (p->my_discr == 0)
		return BFD_PKT_ZERO_MY_DISCR;
	/* A sender that has not heard us yet says so with state Down. */
	if (p->your_discr == 0 && p->state != BFD_DOWN && p->state != BFD_ADMIN_DOWN)
		return BFD_PKT_ZERO_YOUR_DISCR;
	/* "If the A bit is set and no authentication is in use (bfd.AuthType
	 * is zero), the packet MUST be discarded." We never configure any. */
	if (p->auth)
		return BFD_PKT_AUTH;
	return BFD_PKT_OK;
}

enum bfd_pkt_verdict
bfd_pkt_decode(const uint8_t *data, size_t len, struct bfd_pkt *out)
{
	struct rbuf r;
	uint8_t b0, b1;

	*out = (struct bfd_pkt){0};
	/* The version and Length fields are in the first 4 bytes. */
	if (len < 4)
		return BFD_PKT_TRUNCATED;
	rbuf_init(&r, data, len);
	b0 = rbuf_u8(&r);
	b1 = rbuf_u8(&r);
	out->version = b0 >> 5;
	out->diag = b0 & 0x1f;
	out->state = (enum bfd_state)(b1 >> 6);
	out->poll = (b1 & FLAG_P) != 0;
	out->final = (b1 & FLAG_F) != 0;
	out->cpi = (b1 & FLAG_C) != 0;
	out->auth = (b1 & FLAG_A) != 0;
	out->demand = (b1 & FLAG_D) != 0;
	out->multipoint = (b1 & FLAG_M) != 0;
	out->detect_mult = rbuf_u8(&r);
	out->length = rbuf_u8(&r);
	/* The version decides how the rest is read: judge it first. */
	if (out->version != BFD_VERSION)
		return BFD_PKT_BAD_VERSION;
	out->my_discr = rbuf_u32(&r);
	out->your_discr = rbuf_u32(&r);
	out->desired_min_tx = rbuf_u32(&r);
	out->required_min_rx = rbuf_u32(&r);
	out->required_min_echo_rx = rbuf_u32(&r);
	if (!rbuf_ok(&r)) {
		/* Fewer than 24 bytes: the Length check names the cause if the
		 * field itself is short, else the datagram is truncated. */
		enum bfd_pkt_verdict v = bfd_pkt_check(out, len);

		return v == BFD_PKT_BAD_LENGTH ? v : BFD_PKT_TRUNCATED;
	}
	return bfd_pkt_check(out, len);
}

/*
 * The mandatory section (RFC 5880 §4.1); we send nothing else.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       My Discriminator                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Your Discriminator                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Desired Min TX Interval                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Required Min RX Interval                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Required Min Echo RX Interval                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Vers 3 bits, Diag 5 bits, Sta 2 bits; intervals in microseconds.
 */
size_t
bfd_pkt_encode(const struct bfd_pkt *p, uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t b1 = (uint8_t)((p->state & 0x3) << 6);

	b1 |= p->poll ? FLAG_P : 0;
	b1 |= p->final ? FLAG_F : 0;
	b1 |= p->cpi ? FLAG_C : 0;
	b1 |= p->auth ? FLAG_A : 0;
	b1 |= p->demand ? FLAG_D : 0;
	b1 |= p->multipoint ? FLAG_M : 0;
	wbuf_init(&w, buf, cap);
	wbuf_u8(&w, (uint8_t)((p->version & 0x7) << 5 | (p->diag & 0x1f)));
	wbuf_u8(&w, b1);
	wbuf_u8(&w, p->detect_mult);
	wbuf_u8(&w, BFD_PKT_LEN);
	wbuf_u32(&w, p->my_discr);
	wbuf_u32(&w, p->your_discr);
	wbuf_u32(&w, p->desired_min_tx);
	wbuf_u32(&w, p->required_min_rx);
	wbuf_u32(&w, p->required_min_echo_rx);
	return wbuf_ok(&w) ? wbuf_len(&w) : 0;
}
