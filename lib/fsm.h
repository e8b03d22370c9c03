/*
 * fsm: the RFC 4271 §8 BGP finite state machine as a pure function.
 *
 *     fsm_step(fsm, event, input, &actions)
 *
 * updates fsm->state (and the few counters the RFC keeps per connection) and
 * appends, in order, the actions the caller must perform: connect, send a
 * message, start or stop a timer, close the connection, tell the RIB the peer
 * came up or went down. The FSM never touches a socket, a clock or a log;
 * bgpd/ performs the actions and turns timer expiries, socket events and
 * decoded messages back into events.
 *
 * One struct fsm per TCP connection, as in RFC 4271 §8 ("one FSM per
 * connection"): normally a peer has one. During a connection collision
 * (§6.8) the caller keeps a second struct fsm for the other connection (a
 * copy of the first one's configuration, fsm_init()ed), decides with
 * fsm_collision_dump_ours() which one loses once the OPEN arrives, and feeds
 * the loser FSM_EV_OPEN_COLLISION_DUMP. The BGPOpen event is only fed after
 * the OPEN is decoded and validated (lib/negotiate.h) and checked for a
 * collision; a bad OPEN is fed as FSM_EV_BGP_OPEN_MSG_ERR with the
 * NOTIFICATION to send. lib/peer.c is that caller.
 *
 * In Connect or Active the first connection that completes (ours:
 * Tcp_CR_Acked, the peer's: TcpConnectionConfirmed) becomes this FSM's; a
 * connection completing later (OpenSent and on) is the collision case above.
 *
 * Timers are plain data: START_TIMER(id, seconds) (re)starts one, STOP_TIMER
 * stops it; the glue turns an expiry into the matching *_EXPIRES event. The
 * FSM does not jitter: the glue applies fsm_jitter() (RFC 4271 §10) to the
 * timers for which fsm_timer_jittered() is true.
 *
 * Glue obligations the FSM cannot see (documented here so they are not lost):
 * - restart the KEEPALIVE timer whenever an UPDATE is sent in Established
 *   (§8.2.2, Established: "Each time the local system sends a KEEPALIVE or
 *   UPDATE message, it restarts its KeepaliveTimer");
 * - restart the SEND_HOLD timer whenever the socket accepts outgoing bytes
 *   (RFC 9687 §3);
 * - restart the HOLD timer on every received UPDATE or KEEPALIVE is done by
 *   the FSM; but do not feed HoldTimer_Expires while received bytes are
 *   still waiting to be processed: process them first;
 * - refuse incoming connections while the FSM is in Idle (§8.2.2 Idle);
 * - on CLOSE with flush set, let queued output (a NOTIFICATION) leave before
 *   the hang-up, bounded by a short timeout.
 */
#ifndef CEBGP_FSM_H
#define CEBGP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 4271 §8.2.2 states. */
enum fsm_state {
	FSM_IDLE,
	FSM_CONNECT,
	FSM_ACTIVE,
	FSM_OPENSENT,
	FSM_OPENCONFIRM,
	FSM_ESTABLISHED,
	FSM_STATE_COUNT
};

/*
 * RFC 4271 §8.1 events, with the RFC's numbers. Events 6, 7 (AutomaticStart
 * with DampPeerOscillations) are folded into 3 and 5 plus the damping
 * configuration; 14 and 15 (TcpConnection_Valid, Tcp_CR_Invalid) are the
 * glue's business (it refuses connections from unconfigured addresses).
 */
enum fsm_event {
	FSM_EV_MANUAL_START,                /* 1 */
	FSM_EV_MANUAL_STOP,                 /* 2 */
	FSM_EV_AUTOMATIC_START,             /* 3 */
	FSM_EV_MANUAL_START_PASSIVE,        /* 4 ManualStart_with_PassiveTcpEstablishment */
	FSM_EV_AUTOMATIC_START_PASSIVE,     /* 5 AutomaticStart_with_PassiveTcpEst... */
	FSM_EV_AUTOMATIC_STOP,              /* 8 */
	FSM_EV_CONNECT_RETRY_TIMER_EXPIRES, /* 9 */
	FSM_EV_HOLD_TIMER_EXPIRES,          /* 10 */
	FSM_EV_KEEPALIVE_TIMER_EXPIRES,     /* 11 */
	FSM_EV_DELAY_OPEN_TIMER_EXPIRES,    /* 12 */
	FSM_EV_IDLE_HOLD_TIMER_EXPIRES,     /* 13 */
	FSM_EV_TCP_CR_ACKED,                /* 16 our connect() succeeded */
	FSM_EV_TCP_CONNECTION_CONFIRMED,    /* 17 we accepted the peer's connect */
	FSM_EV_TCP_CONNECTION_FAILS,        /* 18 */
	FSM_EV_BGP_OPEN,                    /* 19 (20 when DelayOpen runs) */
	FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING, /* 20 */
	FSM_EV_BGP_HEADER_ERR,                         /* 21 */
	FSM_EV_BGP_OPEN_MSG_ERR,                       /* 22 */
	FSM_EV_OPEN_COLLISION_DUMP,                    /* 23 */
	FSM_EV_NOTIF_MSG_VER_ERR,                      /* 24 */
	FSM_EV_NOTIF_MSG,                              /* 25 */
	FSM_EV_KEEPALIVE_MSG,                          /* 26 */
	FSM_EV_UPDATE_MSG,                             /* 27 */
	FSM_EV_UPDATE_MSG_ERR,                         /* 28 */
	FSM_EV_SEND_HOLD_TIMER_EXPIRES,                /* 29 RFC 9687 */
	FSM_EV_STABLE_TIMER_EXPIRES,                   /* cebgp: session stayed up; reset backoff */
	FSM_EVENT_COUNT
};

enum fsm_timer {
	FSM_TIMER_CONNECT_RETRY,
	FSM_TIMER_HOLD,
	FSM_TIMER_KEEPALIVE,
	FSM_TIMER_DELAY_OPEN,
	FSM_TIMER_IDLE_HOLD,
	FSM_TIMER_SEND_HOLD, /* RFC 9687 */
	FSM_TIMER_STABLE,    /* cebgp: Established long enough to reset the backoff */
	FSM_TIMER_COUNT
};

enum fsm_action_type {
	FSM_A_CONNECT,           /* initiate a TCP connection to the peer */
	FSM_A_CLOSE,             /* drop the TCP connection; .flush: let queued output go first */
	FSM_A_SEND_OPEN,         /* build our OPEN (negotiate_build_open) and send it */
	FSM_A_SEND_KEEPALIVE,    /* send a KEEPALIVE */
	FSM_A_SEND_NOTIFICATION, /* send .code/.subcode/.data */
	FSM_A_START_TIMER,       /* (re)start .timer for .secs seconds (jitter: see above) */
	FSM_A_STOP_TIMER,        /* stop .timer */
	FSM_A_RELEASE_RESOURCES, /* drop negotiated state, queues, the Adj-RIB-Out */
	FSM_A_PEER_UP,           /* entered Established: start advertising */
	FSM_A_PEER_DOWN,         /* left Established: flush the peer's routes */
	FSM_A_PROCESS_UPDATE,    /* hand the UPDATE to the RIB */
	FSM_ACTION_TYPE_COUNT
};

struct fsm_action {
	enum fsm_action_type type;
	enum fsm_timer timer; /* START_TIMER, STOP_TIMER */
	unsigned secs;        /* START_TIMER */
	bool flush;           /* CLOSE */
	uint8_t code;         /* SEND_NOTIFICATION */
	uint8_t subcode;
	const uint8_t *data; /* borrowed from the fsm_input; NULL if none */
	size_t data_len;
};

#define FSM_MAX_ACTIONS 24

struct fsm_actions {
	size_t n;
	struct fsm_action a[FSM_MAX_ACTIONS];
};

/*
 * Per-session configuration (RFC 4271 §8.1.1 optional attributes), copied
 * into the FSM by fsm_init(). Times in seconds.
 */
struct fsm_config {
	bool passive;                      /* PassiveTcpEstablishment: never connect, wait */
	bool delay_open;                   /* DelayOpen */
	unsigned delay_open_time;          /* DelayOpenTime */
	bool damp_peer_oscillations;       /* exponential idle-hold backoff (see fsm_step) */
	unsigned idle_hold_time;           /* IdleHoldTime: initial / fixed delay before restart */
	unsigned idle_hold_max;            /* ceiling of the backoff */
	unsigned stable_time;              /* 0: the current idle-hold time (OpenBGPD rule) */
	bool collision_detect_established; /* CollisionDetectEstablishedState */
	unsigned hold_time;                /* configured HoldTime: 0 or >= 3 */
	unsigned keepalive_time;           /* configured; 0: hold/3 */
	unsigned connect_retry_time;       /* ConnectRetryTime */
	bool auto_restart;                 /* after an error, restart on IdleHoldTimer expiry */
};

/* RFC 4271 §8.2.2 "large value" for the HoldTimer before the OPEN arrives. */
#define FSM_HOLD_LARGE 240
/* RFC 9687 §3: SendHoldTime is max(8 minutes, 2 x negotiated HoldTime). */
#define FSM_SEND_HOLD_MIN 480

struct fsm {
	enum fsm_state state;
	struct fsm_config cfg;
	uint32_t connect_retry_counter; /* ConnectRetryCounter */
	unsigned hold_time;             /* negotiated (valid from OpenConfirm on) */
	unsigned keepalive_time;        /* negotiated */
	unsigned idle_hold_cur;         /* current backoff step */
	unsigned timers;                /* bit (1 << enum fsm_timer) set while running */
	bool started;                   /* a Start event was seen and no ManualStop since */
	enum fsm_event last_event;      /* for show / logs */
};

/*
 * Details of an event. NULL is fine for events that carry none.
 * - BGPOpen (19, 20): the negotiated hold and keepalive times
 *   (negotiate_open() computed them; hold 0 means no keepalives).
 * - BGPHeaderErr, BGPOpenMsgErr, UpdateMsgErr: the NOTIFICATION to send.
 * - ManualStop, AutomaticStop: optional Cease subcode and data (e.g. RFC 9003
 *   shutdown communication, RFC 4486 max-prefix data); code 0 = the default.
 * - SendHoldTimer_Expires: nothing (the NOTIFICATION is RFC 9687's code 8).
 */
struct fsm_input {
	unsigned hold_time;
	unsigned keepalive_time;
	uint8_t code;
	uint8_t subcode;
	const uint8_t *data;
	size_t data_len;
};

/* NOTIFICATION codes the FSM itself emits (RFC 4271 §4.5, RFC 6608, RFC 9687). */
#define FSM_NOTIF_HOLD_TIMER_EXPIRED      4
#define FSM_NOTIF_FSM_ERROR               5
#define FSM_NOTIF_CEASE                   6
#define FSM_NOTIF_SEND_HOLD_TIMER_EXPIRED 8
/* RFC 6608 FSM error subcodes. */
#define FSM_SUB_FSM_UNSPECIFIED    0
#define FSM_SUB_FSM_IN_OPENSENT    1
#define FSM_SUB_FSM_IN_OPENCONFIRM 2
#define FSM_SUB_FSM_IN_ESTABLISHED 3
/* RFC 4486 Cease subcodes. */
#define FSM_SUB_CEASE_ADMIN_SHUTDOWN 2
#define FSM_SUB_CEASE_COLLISION      7

/* Initial state: Idle, counters zero, backoff at cfg->idle_hold_time. */
void fsm_init(struct fsm *f, const struct fsm_config *cfg);

/* Apply one event; out is reset and filled with the actions, in order. */
void fsm_step(struct fsm *f, enum fsm_event ev, const struct fsm_input *in,
              struct fsm_actions *out);

/* True while the FSM believes timer t runs (it started it and has not stopped it). */
bool fsm_timer_running(const struct fsm *f, enum fsm_timer t);
/*
 * RFC 9687 §3 SendHoldTime for the glue's restarts on write progress:
 * max(8 min, 2 x HoldTime); 0 when the negotiated HoldTime is 0 (no timer).
 */
unsigned fsm_send_hold_time(const struct fsm *f);

/*
 * RFC 4271 §10 jitter: a value in [0.75 * secs, secs], chosen by the
 * caller's random word (any uint32_t). Pure.
 */
unsigned fsm_jitter(unsigned secs, uint32_t random);
/* True for the timers §10 says to jitter (ConnectRetry, Keepalive, IdleHold). */
bool fsm_timer_jittered(enum fsm_timer t);

/*
 * §6.8 collision resolution between two connections of one peer, both with
 * an OPEN (or Established/OpenConfirm state) at hand: the connection
 * initiated by the speaker with the higher BGP Identifier survives. Returns
 * true if the connection WE initiated must be dumped (local id < remote id),
 * false if the one the peer initiated must be. Identifiers in host order,
 * compared as unsigned 32-bit integers; equal identifiers (possible between
 * different ASes, RFC 6286 §2.3) are broken by the larger AS number.
 */
bool fsm_collision_dump_ours(uint32_t local_id, uint32_t remote_id, uint32_t local_as,
                             uint32_t remote_as);

const char *fsm_state_name(enum fsm_state s);
const char *fsm_event_name(enum fsm_event e);
const char *fsm_timer_name(enum fsm_timer t);
const char *fsm_action_name(enum fsm_action_type a);

#endif
