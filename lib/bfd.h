/*
 * bfd: one RFC 5880 BFD session (asynchronous mode, single hop, RFC 5881)
 * as a pure state machine.
 *
 *     bfd_step(session, event, input, now, &actions)
 *
 * updates the session and appends, in order, what the caller must do: send
 * a Control packet (the packet is in the action, ready for bfd_pkt_encode),
 * note a state change, and tell BGP that the path came up or went down. The
 * session never touches a socket, a clock or a random device: `now` is a
 * monotonic time in microseconds passed in with every call, and the jitter
 * comes from a generator the caller seeds (bfd_init).
 *
 * Timers are plain data. After every call the glue re-arms one timer at
 * bfd_next_deadline() and, when it fires, calls bfd_expire(), which feeds
 * whichever of the three timer events are due: the transmit timer
 * (bfd_next_tx), the detection timer (bfd_detect_deadline) and the flap
 * hold-down (bfd_hold_deadline). Packets that must leave at once (a Final
 * answering a Poll) come out as BFD_A_SEND actions of the receive step.
 *
 * What the session implements, with the RFC 5880 sections:
 * - §6.2 / §6.8.6 state machine AdminDown, Down, Init, Up, and the
 *   stateful reception rules (Your Discriminator, AdminDown discards);
 * - §6.8.1 variables, RemoteDiscr cleared after a Detection Time of silence;
 * - §6.8.2 / §6.8.7 transmit interval max(bfd.DesiredMinTxInterval,
 *   bfd.RemoteMinRxInterval), jittered to 75-100 % (75-90 % when
 *   bfd.DetectMult is 1), no periodic packets while bfd.RemoteMinRxInterval
 *   is 0 or the remote's Demand mode is active;
 * - §6.8.3 bfd.DesiredMinTxInterval of at least 1 s while not Up; any change
 *   of the advertised intervals starts a Poll Sequence (§6.5); while Up, a
 *   larger transmit interval and a smaller receive interval take effect only
 *   once the Final arrives, the safe directions at once;
 * - §6.8.4 detection time remote DetectMult x max(bfd.RequiredMinRxInterval,
 *   remote Desired Min TX), expiry in Init or Up: Down, diag 1;
 * - §6.8.16 administrative control (AdminDown, with diag 7 or 5).
 * Not implemented, as the provider uses none of them: authentication (a
 * packet with the A bit is discarded), Demand mode for ourselves (we never
 * set D; we do honour a remote's D), the Echo function (we advertise 0).
 *
 * cebgp additions, for BGP on top:
 * - flap damping: leaving Up through a failure starts a hold-down; while it
 *   runs an Up session is not reported usable (no BFD_A_UP). The hold-down
 *   doubles with each failure, up to a ceiling, and returns to its initial
 *   value only after the session has stayed usable for the stable time
 *   (OpenBGPD's idle-hold rule, as lib/fsm.c);
 * - "peer silent": no valid packet ever arrived from the peer; and "bound":
 *   the session has been Up once. BGP is bound to BFD only once bound, so a
 *   peer without BFD loses nothing.
 *
 * Glue obligations the session cannot see (written here so they are not
 * lost):
 * - RFC 5881 §4-5: send from a UDP source port in 49152-65535 to port 3784
 *   with TTL 255, and drop received packets whose TTL is not 255 before
 *   decoding; bind to the leg's sub-interface;
 * - §6.8.6 demultiplexing: a nonzero Your Discriminator selects the session
 *   by bfd.LocalDiscr (none found: discard); a zero one selects it by the
 *   source address and the interface (RFC 5881 §3). The session re-checks
 *   the discriminator and the stateless rules (bfd_pkt_check);
 * - decode with bfd_pkt_decode() and pass the UDP payload length with the
 *   packet, so a Length beyond the datagram is refused;
 * - assign a unique nonzero bfd.LocalDiscr per session and seed each
 *   session's jitter with a different random word;
 * - before deleting a session the peer may still consider Up, feed
 *   BFD_EV_ADMIN_DOWN and send bfd_packet() so the peer learns why
 *   (§6.8.16); a session being deleted needs no further timers;
 * - BFD_A_DOWN carries the peer's last state: a peer's AdminDown gives
 *   diag 3 like its Down, and the glue decides whether BGP drops on it.
 */
#ifndef CEBGP_BFD_H
#define CEBGP_BFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bfd_pkt.h"

#define BFD_USEC        1000000u /* microseconds per second */
#define BFD_SLOW_TX     BFD_USEC /* §6.8.3: at least 1 s while not Up */
#define BFD_NEVER       UINT64_MAX
#define BFD_MAX_ACTIONS 8

/* Per-session configuration; intervals in microseconds. */
struct bfd_config {
	uint32_t desired_min_tx;  /* bfd.DesiredMinTxInterval while Up; > 0 */
	uint32_t required_min_rx; /* bfd.RequiredMinRxInterval; > 0 */
	uint8_t detect_mult;      /* bfd.DetectMult; > 0 */
	uint64_t hold_down;       /* first flap hold-down; 0: no damping */
	uint64_t hold_down_max;   /* ceiling of the doubling */
	uint64_t stable_time;     /* usable this long resets it; 0: the current hold-down */
};

enum bfd_event {
	BFD_EV_RX,           /* a decoded packet for this session (input.pkt) */
	BFD_EV_TX_TIMER,     /* bfd_next_tx() passed */
	BFD_EV_DETECT_TIMER, /* bfd_detect_deadline() passed */
	BFD_EV_HOLD_TIMER,   /* bfd_hold_deadline() passed */
	BFD_EV_ADMIN_DOWN,   /* §6.8.16 disable (input.diag: 7 by default, 5 path down) */
	BFD_EV_ADMIN_UP,     /* §6.8.16 enable */
	BFD_EV_RECONFIGURE,  /* new intervals / multiplier (input.cfg), no reset */
	BFD_EVENT_COUNT
};

enum bfd_action_type {
	BFD_A_SEND,  /* encode .pkt and send it now */
	BFD_A_STATE, /* the state went .from -> .to with .diag (log, metrics) */
	BFD_A_UP,    /* the path is usable: BGP may run over it */
	BFD_A_DOWN,  /* the path failed or was disabled (.diag): drop BGP now */
	BFD_ACTION_TYPE_COUNT
};

struct bfd_action {
	enum bfd_action_type type;
	struct bfd_pkt pkt;          /* SEND */
	enum bfd_state from, to;     /* STATE */
	enum bfd_diag diag;          /* STATE, DOWN */
	enum bfd_state remote_state; /* DOWN: the peer's state as last heard */
};

struct bfd_actions {
	size_t n;
	struct bfd_action a[BFD_MAX_ACTIONS];
};

/* Event details; NULL for the timer and enable events. */
struct bfd_input {
	const struct bfd_pkt *pkt;    /* RX */
	size_t payload;               /* RX: the UDP payload length (0: pkt->length) */
	enum bfd_diag diag;           /* ADMIN_DOWN: 0 means 7 */
	const struct bfd_config *cfg; /* RECONFIGURE */
};

struct bfd_counters {
	uint64_t rx;           /* packets processed */
	uint64_t rx_discarded; /* failed the session's checks or arrived in AdminDown */
	uint64_t tx;           /* BFD_A_SEND actions emitted */
	uint64_t state_changes;
	uint64_t flaps; /* exits from Up through a failure */
	uint64_t polls; /* Poll Sequences started */
};

/* RFC 5880 §6.8.1 state variables, and cebgp's. Read-only for the glue. */
struct bfd_session {
	struct bfd_config cfg;
	enum bfd_state state;           /* bfd.SessionState */
	enum bfd_state remote_state;    /* bfd.RemoteSessionState */
	uint32_t local_discr;           /* bfd.LocalDiscr */
	uint32_t remote_discr;          /* bfd.RemoteDiscr */
	enum bfd_diag local_diag;       /* bfd.LocalDiag */
	uint32_t desired_min_tx;        /* bfd.DesiredMinTxInterval, as advertised */
	uint32_t required_min_rx;       /* bfd.RequiredMinRxInterval, as advertised */
	uint32_t remote_min_rx;         /* bfd.RemoteMinRxInterval */
	uint32_t remote_desired_min_tx; /* the peer's last Desired Min TX */
	uint8_t remote_mult;            /* the peer's last Detect Mult */
	bool remote_demand;             /* bfd.RemoteDemandMode */

	/* §6.8.3: what is in force while a Poll Sequence runs. */
	uint32_t tx_in_use;   /* our DesiredMinTx the peer is known to accept */
	uint32_t rx_in_use;   /* our RequiredMinRx the peer may be sending to */
	bool polling;         /* a Poll Sequence is being transmitted */
	bool repoll;          /* values changed during it: poll again after the Final */
	uint32_t poll_tx_min; /* smallest DesiredMinTx advertised since the poll began */
	uint32_t poll_rx_max; /* largest RequiredMinRx advertised since the poll began */

	/* Timers: absolute microseconds, BFD_NEVER when not running. */
	uint64_t next_tx;
	uint64_t sched_interval; /* the interval next_tx was drawn from */
	uint64_t last_tx;        /* last periodic transmission (BFD_NEVER: none yet) */
	uint64_t last_rx;        /* last accepted packet (BFD_NEVER: none yet) */
	uint64_t detect_deadline;
	uint64_t hold_until;

	/* cebgp: binding and damping. */
	bool heard;        /* a valid packet has arrived from the peer */
	bool bound;        /* has been Up once: BGP now follows BFD */
	bool usable;       /* Up and the hold-down is over (BFD_A_UP sent) */
	uint64_t hold_cur; /* the next hold-down */
	uint64_t state_since;
	uint64_t usable_since;

	uint32_t rng; /* xorshift32 state, seeded by the caller */
	struct bfd_counters cnt;
};

/*
 * A new session in Down, first packet due at now. local_discr is unique
 * and nonzero (the glue assigns it); seed is any random word (e.g. from
 * getrandom), which makes the jitter sequence.
 */
void bfd_init(struct bfd_session *s, const struct bfd_config *cfg, uint32_t local_discr,
              uint64_t now, uint32_t seed);

/* Apply one event at time now; out is reset and filled with the actions. */
void bfd_step(struct bfd_session *s, enum bfd_event ev, const struct bfd_input *in, uint64_t now,
              struct bfd_actions *out);

/* Feed every timer event due at now (detection, hold-down, transmit). */
void bfd_expire(struct bfd_session *s, uint64_t now, struct bfd_actions *out);

/* Deadlines (absolute microseconds, BFD_NEVER when not running). */
uint64_t bfd_next_tx(const struct bfd_session *s);
uint64_t bfd_detect_deadline(const struct bfd_session *s);
uint64_t bfd_hold_deadline(const struct bfd_session *s);
uint64_t bfd_next_deadline(const struct bfd_session *s);

/* Negotiated values (§6.8.2, §6.8.4), microseconds; 0 when not known yet. */
uint64_t bfd_tx_interval(const struct bfd_session *s);
uint64_t bfd_rx_interval(const struct bfd_session *s); /* the peer's, as we expect it */
uint64_t bfd_detect_time(const struct bfd_session *s);

/* The packet we would send now (Final or periodic), e.g. a last AdminDown at shutdown. */
void bfd_packet(const struct bfd_session *s, bool final, struct bfd_pkt *out);

/* True while no valid packet ever arrived from the peer ("peer silent"). */
static inline bool
bfd_peer_silent(const struct bfd_session *s)
{
	return !s->heard;
}
/* True once the session has been Up: from then on BGP follows BFD. */
static inline bool
bfd_bound(const struct bfd_session *s)
{
	return s->bound;
}
/* Up and not held down: what BGP may rely on. */
static inline bool
bfd_usable(const struct bfd_session *s)
{
	return s->usable;
}
/* For `show bfd`: "peer silent" while silent, else the RFC state name. */
const char *bfd_show_state(const struct bfd_session *s);

/*
 * §6.8.7 jitter: interval reduced by a random 0-25 % (10-25 % when
 * detect_mult is 1), chosen by the random word r. Pure.
 */
uint64_t bfd_jitter(uint64_t interval, uint8_t detect_mult, uint32_t r);

/* NULL when cfg is usable, else what is wrong with it. */
const char *bfd_config_check(const struct bfd_config *cfg);

const char *bfd_event_name(enum bfd_event e);
const char *bfd_action_name(enum bfd_action_type a);

#endif
