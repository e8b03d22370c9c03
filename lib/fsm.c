/*
 * fsm: RFC 4271 §8.2.2 state machine, one function per state.
 *
 * Each handler follows the RFC's text for its state, event by event; the
 * section and the RFC's wording are beside each case. Common exits are in
 * two places: enter_opensent() and go_idle() (OpenBGPD's change_state idea:
 * entering Idle stops every timer, flushes a queued NOTIFICATION, closes,
 * releases, and schedules the automatic restart).
 *
 * Deliberate deviations from RFC 4271 §8.2.2 (each is marked DEVIATION in
 * the code):
 *  D1 Entering Idle stops every running timer, including a ConnectRetryTimer
 *     the RFC "restarts" on the way (Active, TcpConnectionFails): a timer
 *     running in Idle would only deliver an event the RFC ignores there.
 *  D2 Automatic restart: on entering Idle by any event except ManualStop, if
 *     cfg.auto_restart, the IdleHoldTimer starts for the current idle-hold
 *     time; its expiry in Idle is an AutomaticStart (RFC leaves restart and
 *     damping "outside the scope", §8.2.2 Idle, events 6, 7, 13).
 *     AutomaticStart events that arrive while the IdleHoldTimer runs are
 *     damped (ignored); a ManualStart is honoured at once.
 *  D3 Backoff (DampPeerOscillations, OpenBGPD rule): every transition whose
 *     RFC text says "(optionally) performs peer oscillation damping" doubles
 *     the idle-hold time for next time, up to cfg.idle_hold_max; so do the
 *     Established exits on TcpConnectionFails and NotifMsg (the RFC omits
 *     damping there, but a session that keeps dropping from Established is
 *     the oscillation to damp). TCP failures before any OPEN (Connect state)
 *     and NotifMsgVerErr do not double. The idle-hold time goes back to
 *     cfg.idle_hold_time only after the session has STAYED Established for
 *     cfg.stable_time seconds (0: the current idle-hold time, already
 *     doubled), measured by FSM_TIMER_STABLE; resetting on entering
 *     Established would let a peer that sends a bad UPDATE right after the
 *     handshake flap the session forever.
 *  D4 ManualStop in Idle (ignored by the RFC) cancels a pending automatic
 *     restart: an operator's stop must stick.
 *  D5 Stale IdleHoldTimer_Expires and StableTimer_Expires outside the
 *     states that run them are ignored instead of being "any other event":
 *     the FSM stops those timers on leaving, so such an expiry can only be an
 *     event queued before the stop.
 *  D6 cfg.passive means "never initiate": events 1/3 act as 4/5, and a
 *     ConnectRetryTimer expiry in Active restarts the timer and stays in
 *     Active instead of connecting.
 *  D7 SendNOTIFICATIONwithoutOPEN is FALSE: no NOTIFICATION is sent in
 *     Connect or Active (style.md §3: nothing before OpenSent).
 *  D8 BGPOpen (19) arrives as 20 when the DelayOpenTimer runs: the FSM knows,
 *     so the glue always feeds 19.
 *  D9 A BGPOpen in OpenConfirm or Established that the glue did not turn into
 *     OpenCollisionDump is a second OPEN on the same connection: FSM Error
 *     (RFC 6608 subcode for the state) like "any other event".
 *  D10 BGPHeaderErr in Established sends the header-error NOTIFICATION the
 *     glue supplies (the RFC lists event 21 under "any other event", FSM
 *     Error, there, but a header error in an UPDATE is a header error).
 *  D11 SendHoldTimer (RFC 9687) runs from OpenSent on, for
 *     max(480, 2 x HoldTime) where HoldTime is the configured one until the
 *     OPEN is received and the negotiated one after; with a negotiated
 *     HoldTime of 0 nothing is sent periodically, so it is stopped.
 *     On expiry the FSM asks for the code 8 NOTIFICATION; the glue may drop
 *     it if the socket cannot take it (RFC 9687 §3 "if ... will not delay").
 *  D12 NotifMsg in OpenSent: the RFC lists event 25 under "any other event"
 *     (send FSM Error); we never answer a NOTIFICATION with one, the peer
 *     has already closed. Counter and damping as the RFC says.
 */
#include "fsm.h"

#include "compiler.h"

static const char *const state_names[FSM_STATE_COUNT] = {
        [FSM_IDLE] = "Idle",
        [FSM_CONNECT] = "Connect",
        [FSM_ACTIVE] = "Active",
        [FSM_OPENSENT] = "OpenSent",
        [FSM_OPENCONFIRM] = "OpenConfirm",
        [FSM_ESTABLISHED] = "Established",
};

static const char *const event_names[FSM_EVENT_COUNT] = {
        [FSM_EV_MANUAL_START] = "ManualStart",
        [FSM_EV_MANUAL_STOP] = "ManualStop",
        [FSM_EV_AUTOMATIC_START] = "AutomaticStart",
        [FSM_EV_MANUAL_START_PASSIVE] = "ManualStart_with_PassiveTcpEstablishment",
        [FSM_EV_AUTOMATIC_START_PASSIVE] = "AutomaticStart_with_PassiveTcpEstablishment",
        [FSM_EV_AUTOMATIC_STOP] = "AutomaticStop",
        [FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = "ConnectRetryTimer_Expires",
        [FSM_EV_HOLD_TIMER_EXPIRES] = "HoldTimer_Expires",
        [FSM_EV_KEEPALIVE_TIMER_EXPIRES] = "KeepaliveTimer_Expires",
        [FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = "DelayOpenTimer_Expires",
        [FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = "IdleHoldTimer_Expires",
        [FSM_EV_TCP_CR_ACKED] = "Tcp_CR_Acked",
        [FSM_EV_TCP_CONNECTION_CONFIRMED] = "TcpConnectionConfirmed",
        [FSM_EV_TCP_CONNECTION_FAILS] = "TcpConnectionFails",
        [FSM_EV_BGP_OPEN] = "BGPOpen",
        [FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = "BGPOpen_with_DelayOpenTimer_running",
        [FSM_EV_BGP_HEADER_ERR] = "BGPHeaderErr",
        [FSM_EV_BGP_OPEN_MSG_ERR] = "BGPOpenMsgErr",
        [FSM_EV_OPEN_COLLISION_DUMP] = "OpenCollisionDump",
        [FSM_EV_NOTIF_MSG_VER_ERR] = "NotifMsgVerErr",
        [FSM_EV_NOTIF_MSG] = "NotifMsg",
        [FSM_EV_KEEPALIVE_MSG] = "KeepAliveMsg",
        [FSM_EV_UPDATE_MSG] = "UpdateMsg",
        [FSM_EV_UPDATE_MSG_ERR] = "UpdateMsgErr",
        [FSM_EV_SEND_HOLD_TIMER_EXPIRES] = "SendHoldTimer_Expires",
        [FSM_EV_STABLE_TIMER_EXPIRES] = "StableTimer_Expires",
};

static const char *const timer_names[FSM_TIMER_COUNT] = {
        [FSM_TIMER_CONNECT_RETRY] = "connect-retry",
        [FSM_TIMER_HOLD] = "hold",
        [FSM_TIMER_KEEPALIVE] = "keepalive",
        [FSM_TIMER_DELAY_OPEN] = "delay-open",
        [FSM_TIMER_IDLE_HOLD] = "idle-hold",
        [FSM_TIMER_SEND_HOLD] = "send-hold",
        [FSM_TIMER_STABLE] = "stable",
};

static const char *const action_names[FSM_ACTION_TYPE_COUNT] = {
        [FSM_A_CONNECT] = "connect",
        [FSM_A_CLOSE] = "close",
        [FSM_A_SEND_OPEN] = "send-open",
        [FSM_A_SEND_KEEPALIVE] = "send-keepalive",
        [FSM_A_SEND_NOTIFICATION] = "send-notification",
        [FSM_A_START_TIMER] = "start-timer",
        [FSM_A_STOP_TIMER] = "stop-timer",
        [FSM_A_RELEASE_RESOURCES] = "release-resources",
        [FSM_A_PEER_UP] = "peer-up",
        [FSM_A_PEER_DOWN] = "peer-down",
        [FSM_A_PROCESS_UPDATE] = "process-update",
};

const char *
fsm_state_name(enum fsm_state s)
{
	return (unsigned)s < FSM_STATE_COUNT ? state_names[s] : "?";
}

const char *
fsm_event_name(enum fsm_event e)
{
	return (unsigned)e < FSM_EVENT_COUNT ? event_names[e] : "?";
}

const char *
fsm_timer_name(enum fsm_timer t)
{
	return (unsigned)t < FSM_TIMER_COUNT ? timer_names[t] : "?";
}

const char *
fsm_action_name(enum fsm_action_type a)
{
	return (unsigned)a < FSM_ACTION_TYPE_COUNT ? action_names[a] : "?";
}

/* One step's context: the FSM, the event's details and the output list. */
struct step {
	struct fsm *f;
	const struct fsm_input *in;
	struct fsm_actions *out;
};

static struct fsm_action *
emit(struct step *st, enum fsm_action_type type)
{
	struct fsm_actions *out = st->out;
	struct fsm_action *a;

	/* A step emits at most ~15 actions; the array has room for all. */
	if (out->n >= FSM_MAX_ACTIONS)
		return &out->a[FSM_MAX_ACTIONS - 1];
	a = &out->a[out->n++];
	*a = (struct fsm_action){.type = type};
	return a;
}

static void
timer_start(struct step *st, enum fsm_timer t, unsigned secs)
{
	struct fsm_action *a = emit(st, FSM_A_START_TIMER);

	a->timer = t;
	a->secs = secs;
	st->f->timers |= 1u << t;
}

static void
timer_stop(struct step *st, enum fsm_timer t)
{
	if (!(st->f->timers & (1u << t)))
		return;
	st->f->timers &= ~(1u << t);
	emit(st, FSM_A_STOP_TIMER)->timer = t;
}

bool
fsm_timer_running(const struct fsm *f, enum fsm_timer t)
{
	return (unsigned)t < FSM_TIMER_COUNT && (f->timers & (1u << t));
}

static void
notify(struct step *st, uint8_t code, uint8_t subcode, const uint8_t *data, size_t len)
{
	struct fsm_action *a = emit(st, FSM_A_SEND_NOTIFICATION);

	a->code = code;
	a->subcode = subcode;
	a->data = data;
	a->data_len = data ? len : 0;
}

/* The NOTIFICATION the glue supplied with the event (error events). */
static void
notify_input(struct step *st, uint8_t defcode)
{
	if (st->in && st->in->code)
		notify(st, st->in->code, st->in->subcode, st->in->data, st->in->data_len);
	else
		notify(st, defcode, 0, NULL, 0);
}

/* Stop events: Cease, admin shutdown unless the glue says otherwise (RFC 4486, 9003). */
static void
notify_cease(struct step *st, uint8_t defsub)
{
	if (st->in && st->in->code)
		notify(st, st->in->code, st->in->subcode, st->in->data, st->in->data_len);
	else
		notify(st, FSM_NOTIF_CEASE, defsub, NULL, 0);
}

/* RFC 6608: FSM Error subcode naming the state the unexpected event hit. */
static void
notify_fsm_error(struct step *st)
{
	uint8_t sub = FSM_SUB_FSM_UNSPECIFIED;

	switch (st->f->state) {
	case FSM_OPENSENT:
		sub = FSM_SUB_FSM_IN_OPENSENT;
		break;
	case FSM_OPENCONFIRM:
		sub = FSM_SUB_FSM_IN_OPENCONFIRM;
		break;
	case FSM_ESTABLISHED:
		sub = FSM_SUB_FSM_IN_ESTABLISHED;
		break;
	default:
		break;
	}
	notify(st, FSM_NOTIF_FSM_ERROR, sub, NULL, 0);
}

static unsigned
send_hold_for(unsigned hold)
{
	return MAX(FSM_SEND_HOLD_MIN, 2 * hold);
}

unsigned
fsm_send_hold_time(const struct fsm *f)
{
	if (f->state == FSM_OPENCONFIRM || f->state == FSM_ESTABLISHED)
		return f->hold_time ? send_hold_for(f->hold_time) : 0;
	return send_hold_for(f->cfg.hold_time);
}

/* How go_idle() treats ConnectRetryCounter (the RFC says it per transition). */
enum counter { CNT_KEEP, CNT_RESET, CNT_INCR };

/*
 * Every transition into Idle (§8.2.2: "releases all BGP resources, drops the
 * TCP connection, ... changes its state to Idle"). A NOTIFICATION, if any,
 * was emitted by the caller just before, so the close flushes it first.
 */
static void
go_idle(struct step *st, bool notified, enum counter cnt, bool damp)
{
	struct fsm *f = st->f;
	bool manual_stop = cnt == CNT_RESET;
	unsigned cap;

	/* DEVIATION D1: no timer survives into Idle. */
	for (unsigned t = 0; t < FSM_TIMER_COUNT; t++)
		timer_stop(st, t);
	emit(st, FSM_A_CLOSE)->flush = notified;
	if (f->state == FSM_ESTABLISHED)
		emit(st,
		     FSM_A_PEER_DOWN); /* "deletes all routes associated with this connection" */
	emit(st, FSM_A_RELEASE_RESOURCES);

	if (cnt == CNT_RESET)
		f->connect_retry_counter = 0;
	else if (cnt == CNT_INCR)
		f->connect_retry_counter++;
	f->hold_time = 0;
	f->keepalive_time = 0;
	f->state = FSM_IDLE;
	if (manual_stop)
		f->started = false;

	/* DEVIATION D2: automatic restart after the idle-hold time. */
	if (!manual_stop && f->started && f->cfg.auto_restart)
		timer_start(st, FSM_TIMER_IDLE_HOLD, f->idle_hold_cur);
	/* DEVIATION D3: exponential backoff, capped. */
	if (damp && f->cfg.damp_peer_oscillations) {
		cap = MAX(f->cfg.idle_hold_max, f->cfg.idle_hold_time);
		f->idle_hold_cur = f->idle_hold_cur > cap / 2 ? cap : f->idle_hold_cur * 2;
		if (f->idle_hold_cur == 0)
			f->idle_hold_cur = MIN(1, cap);
	}
}

/*
 * Completing the connection: "completes BGP initialization, sends an OPEN
 * message to its peer, sets the HoldTimer to a large value" (§8.2.2; 4 min
 * suggested). DEVIATION D11: the SendHoldTimer starts here.
 */
static void
enter_opensent(struct step *st)
{
	struct fsm *f = st->f;

	timer_stop(st, FSM_TIMER_CONNECT_RETRY);
	timer_stop(st, FSM_TIMER_DELAY_OPEN);
	emit(st, FSM_A_SEND_OPEN);
	timer_start(st, FSM_TIMER_HOLD, FSM_HOLD_LARGE);
	timer_start(st, FSM_TIMER_SEND_HOLD, send_hold_for(f->cfg.hold_time));
	f->state = FSM_OPENSENT;
}

/* Negotiated timers from the BGPOpen event (negotiate_open() did the maths). */
static void
take_negotiated_times(struct step *st)
{
	struct fsm *f = st->f;
	unsigned hold = st->in ? st->in->hold_time : f->cfg.hold_time;
	unsigned ka = st->in ? st->in->keepalive_time : f->cfg.keepalive_time;

	f->hold_time = hold;
	f->keepalive_time = hold ? (ka && ka < hold ? ka : MAX(hold / 3, 1u)) : 0;
}

/*
 * OPEN accepted: "sends a KEEPALIVE message, ... if the HoldTimer initial
 * value is non-zero, starts the KeepaliveTimer ... and resets the HoldTimer
 * to the negotiated value; else, if the HoldTimer initial value is zero,
 * resets the KeepaliveTimer and HoldTimer value to zero" and goes to
 * OpenConfirm (§8.2.2 OpenSent event 19; Connect/Active event 20).
 */
static void
enter_openconfirm(struct step *st, bool send_open)
{
	struct fsm *f = st->f;

	timer_stop(st, FSM_TIMER_CONNECT_RETRY);
	timer_stop(st, FSM_TIMER_DELAY_OPEN);
	take_negotiated_times(st);
	if (send_open)
		emit(st, FSM_A_SEND_OPEN);
	emit(st, FSM_A_SEND_KEEPALIVE);
	if (f->hold_time) {
		timer_start(st, FSM_TIMER_KEEPALIVE, f->keepalive_time);
		timer_start(st, FSM_TIMER_HOLD, f->hold_time);
		timer_start(st, FSM_TIMER_SEND_HOLD, send_hold_for(f->hold_time));
	} else {
		timer_stop(st, FSM_TIMER_KEEPALIVE);
		timer_stop(st, FSM_TIMER_HOLD);
		timer_stop(st, FSM_TIMER_SEND_HOLD); /* DEVIATION D11 */
	}
	f->state = FSM_OPENCONFIRM;
}

/* §8.2.2 Idle state. */
static void
step_idle(struct step *st, enum fsm_event ev)
{
	struct fsm *f = st->f;
	bool passive;

	switch (ev) {
	case FSM_EV_AUTOMATIC_START:
	case FSM_EV_AUTOMATIC_START_PASSIVE:
		/* DEVIATION D2: damped while the idle-hold delay runs. */
		if (fsm_timer_running(f, FSM_TIMER_IDLE_HOLD))
			return;
		break;
	case FSM_EV_MANUAL_START:
	case FSM_EV_MANUAL_START_PASSIVE:
		break;
	case FSM_EV_IDLE_HOLD_TIMER_EXPIRES:
		/* DEVIATION D2: the automatic restart, if still wanted. */
		f->timers &= ~(1u << FSM_TIMER_IDLE_HOLD);
		if (!f->started)
			return;
		break;
	case FSM_EV_MANUAL_STOP:
		/* DEVIATION D4: cancel a pending automatic restart. */
		timer_stop(st, FSM_TIMER_IDLE_HOLD);
		f->started = false;
		return;
	default:
		/* "ManualStop and AutomaticStop are ignored"; "Any other event
		 * (Events 9-12, 15-28) ... does not cause change in the state". */
		return;
	}

	/*
	 * Start (events 1, 3 / 4, 5): "initializes all BGP resources, sets
	 * ConnectRetryCounter to zero, starts the ConnectRetryTimer with the
	 * initial value, initiates a TCP connection ... listens for a
	 * connection ... changes its state to Connect" (active) or "... to
	 * Active" (passive, no connect).
	 */
	passive = f->cfg.passive || ev == FSM_EV_MANUAL_START_PASSIVE ||
	          ev == FSM_EV_AUTOMATIC_START_PASSIVE; /* DEVIATION D6 */
	f->started = true;
	f->connect_retry_counter = 0;
	timer_stop(st, FSM_TIMER_IDLE_HOLD);
	timer_start(st, FSM_TIMER_CONNECT_RETRY, f->cfg.connect_retry_time);
	if (passive) {
		f->state = FSM_ACTIVE;
	} else {
		emit(st, FSM_A_CONNECT);
		f->state = FSM_CONNECT;
	}
}

/*
 * Tcp_CR_Acked / TcpConnectionConfirmed in Connect or Active: with DelayOpen
 * "stops the ConnectRetryTimer ..., sets the DelayOpenTimer to the initial
 * value (DelayOpenTime), and stays"; otherwise sends OPEN, -> OpenSent.
 */
static void
tcp_up(struct step *st)
{
	struct fsm *f = st->f;

	if (f->cfg.delay_open) {
		timer_stop(st, FSM_TIMER_CONNECT_RETRY);
		timer_start(st, FSM_TIMER_DELAY_OPEN, f->cfg.delay_open_time);
		return;
	}
	enter_opensent(st);
}

/* §8.2.2 Connect state. */
static void
step_connect(struct step *st, enum fsm_event ev)
{
	struct fsm *f = st->f;

	switch (ev) {
	case FSM_EV_MANUAL_START:
	case FSM_EV_AUTOMATIC_START:
	case FSM_EV_MANUAL_START_PASSIVE:
	case FSM_EV_AUTOMATIC_START_PASSIVE:
		return; /* "Events 1, 3-7 are ignored" */
	case FSM_EV_MANUAL_STOP:
		/* "drops the TCP connection, releases all BGP resources, sets
		 * ConnectRetryCounter to zero, stops the ConnectRetryTimer" */
		go_idle(st, false, CNT_RESET, false);
		return;
	case FSM_EV_CONNECT_RETRY_TIMER_EXPIRES:
		/* "drops the TCP connection, restarts the ConnectRetryTimer,
		 * stops the DelayOpenTimer ..., initiates a TCP connection" */
		emit(st, FSM_A_CLOSE);
		timer_stop(st, FSM_TIMER_DELAY_OPEN);
		timer_start(st, FSM_TIMER_CONNECT_RETRY, f->cfg.connect_retry_time);
		emit(st, FSM_A_CONNECT);
		return;
	case FSM_EV_DELAY_OPEN_TIMER_EXPIRES:
		/* "sends an OPEN message, sets the HoldTimer to a large value" */
		enter_opensent(st);
		return;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONNECTION_CONFIRMED:
		tcp_up(st);
		return;
	case FSM_EV_TCP_CONNECTION_FAILS:
		if (fsm_timer_running(f, FSM_TIMER_DELAY_OPEN)) {
			/* "restarts the ConnectRetryTimer, stops the
			 * DelayOpenTimer, continues to listen, -> Active" */
			timer_start(st, FSM_TIMER_CONNECT_RETRY, f->cfg.connect_retry_time);
			timer_stop(st, FSM_TIMER_DELAY_OPEN);
			f->state = FSM_ACTIVE;
			return;
		}
		/* "stops the ConnectRetryTimer, drops the TCP connection,
		 * releases all BGP resources, -> Idle": no counter, no damping */
		go_idle(st, false, CNT_KEEP, false);
		return;
	case FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING:
		/* "sends an OPEN message, sends a KEEPALIVE message ..." */
		enter_openconfirm(st, true);
		return;
	case FSM_EV_BGP_HEADER_ERR:
	case FSM_EV_BGP_OPEN_MSG_ERR:
		/* DEVIATION D7: no NOTIFICATION without OPEN. */
		go_idle(st, false, CNT_INCR, true);
		return;
	case FSM_EV_NOTIF_MSG_VER_ERR:
		if (fsm_timer_running(f, FSM_TIMER_DELAY_OPEN)) {
			go_idle(st, false, CNT_KEEP, false);
			return;
		}
		go_idle(st, false, CNT_INCR, true);
		return;
	case FSM_EV_IDLE_HOLD_TIMER_EXPIRES:
	case FSM_EV_STABLE_TIMER_EXPIRES:
		return; /* DEVIATION D5 */
	default:
		/* "any other event (Events 8, 10-11, 13, 19, 23, 25-28)" */
		go_idle(st, false, CNT_INCR, true);
		return;
	}
}

/* §8.2.2 Active state. */
static void
step_active(struct step *st, enum fsm_event ev)
{
	struct fsm *f = st->f;

	switch (ev) {
	case FSM_EV_MANUAL_START:
	case FSM_EV_AUTOMATIC_START:
	case FSM_EV_MANUAL_START_PASSIVE:
	case FSM_EV_AUTOMATIC_START_PASSIVE:
		return; /* "Events 1, 3-7 are ignored" */
	case FSM_EV_MANUAL_STOP:
		/* "releases all BGP resources including stopping the
		 * DelayOpenTimer, drops the TCP connection, sets
		 * ConnectRetryCounter to zero" (D7: no NOTIFICATION) */
		go_idle(st, false, CNT_RESET, false);
		return;
	case FSM_EV_CONNECT_RETRY_TIMER_EXPIRES:
		timer_start(st, FSM_TIMER_CONNECT_RETRY, f->cfg.connect_retry_time);
		if (f->cfg.passive)
			return; /* DEVIATION D6: never initiate */
		/* "restarts the ConnectRetryTimer, initiates a TCP connection,
		 * continues to listen, -> Connect" */
		emit(st, FSM_A_CONNECT);
		f->state = FSM_CONNECT;
		return;
	case FSM_EV_DELAY_OPEN_TIMER_EXPIRES:
		enter_opensent(st);
		return;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONNECTION_CONFIRMED:
		tcp_up(st);
		return;
	case FSM_EV_TCP_CONNECTION_FAILS:
		/* "restarts the ConnectRetryTimer (D1: stopped instead), stops
		 * the DelayOpenTimer, releases all BGP resources, increments
		 * the ConnectRetryCounter, performs damping, -> Idle" */
		go_idle(st, false, CNT_INCR, true);
		return;
	case FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING:
		enter_openconfirm(st, true);
		return;
	case FSM_EV_BGP_HEADER_ERR:
	case FSM_EV_BGP_OPEN_MSG_ERR:
		go_idle(st, false, CNT_INCR, true); /* D7 */
		return;
	case FSM_EV_NOTIF_MSG_VER_ERR:
		if (fsm_timer_running(f, FSM_TIMER_DELAY_OPEN)) {
			go_idle(st, false, CNT_KEEP, false);
			return;
		}
		go_idle(st, false, CNT_INCR, true);
		return;
	case FSM_EV_IDLE_HOLD_TIMER_EXPIRES:
	case FSM_EV_STABLE_TIMER_EXPIRES:
		return; /* DEVIATION D5 */
	default:
		/* "any other event (Events 8, 10-11, 13, 19, 23, 25-28)" */
		go_idle(st, false, CNT_INCR, true);
		return;
	}
}

/* §8.2.2 OpenSent state. */
static void
step_opensent(struct step *st, enum fsm_event ev)
{
	struct fsm *f = st->f;

	switch (ev) {
	case FSM_EV_MANUAL_START:
	case FSM_EV_AUTOMATIC_START:
	case FSM_EV_MANUAL_START_PASSIVE:
	case FSM_EV_AUTOMATIC_START_PASSIVE:
		return; /* "Events 1, 3-7 are ignored" */
	case FSM_EV_MANUAL_STOP:
		/* "sends the NOTIFICATION with a Cease, ... sets the
		 * ConnectRetryCounter to zero" */
		notify_cease(st, FSM_SUB_CEASE_ADMIN_SHUTDOWN);
		go_idle(st, true, CNT_RESET, false);
		return;
	case FSM_EV_AUTOMATIC_STOP:
		notify_cease(st, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_HOLD_TIMER_EXPIRES:
		notify(st, FSM_NOTIF_HOLD_TIMER_EXPIRED, 0, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONNECTION_CONFIRMED:
		/* "a second TCP connection may be in progress. This second TCP
		 * connection is tracked per Connection Collision processing
		 * (Section 6.8) until an OPEN message is received." (glue) */
		return;
	case FSM_EV_TCP_CONNECTION_FAILS:
		/* "closes the BGP connection, restarts the ConnectRetryTimer,
		 * continues to listen for a connection ..., -> Active" */
		emit(st, FSM_A_CLOSE);
		timer_stop(st, FSM_TIMER_HOLD);
		timer_stop(st, FSM_TIMER_SEND_HOLD);
		timer_start(st, FSM_TIMER_CONNECT_RETRY, f->cfg.connect_retry_time);
		f->state = FSM_ACTIVE;
		return;
	case FSM_EV_BGP_OPEN:
		/* "resets the DelayOpenTimer to zero, sets the BGP
		 * ConnectRetryTimer to zero, sends a KEEPALIVE ..." */
		enter_openconfirm(st, false);
		return;
	case FSM_EV_BGP_HEADER_ERR:
	case FSM_EV_BGP_OPEN_MSG_ERR:
		/* "sends a NOTIFICATION message with the appropriate error code" */
		notify_input(st, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_OPEN_COLLISION_DUMP:
		notify(st, FSM_NOTIF_CEASE, FSM_SUB_CEASE_COLLISION, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_NOTIF_MSG_VER_ERR:
		go_idle(st, false, CNT_KEEP, false);
		return;
	case FSM_EV_NOTIF_MSG:
		go_idle(st, false, CNT_INCR, true); /* DEVIATION D12 */
		return;
	case FSM_EV_SEND_HOLD_TIMER_EXPIRES:
		/* RFC 9687 §3 */
		notify(st, FSM_NOTIF_SEND_HOLD_TIMER_EXPIRED, 0, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_IDLE_HOLD_TIMER_EXPIRES:
	case FSM_EV_STABLE_TIMER_EXPIRES:
		return; /* DEVIATION D5 */
	default:
		/* "any other event (Events 9, 11-13, 20, 25-28)": FSM Error */
		notify_fsm_error(st);
		go_idle(st, true, CNT_INCR, true);
		return;
	}
}

/* §8.2.2 OpenConfirm state. */
static void
step_openconfirm(struct step *st, enum fsm_event ev)
{
	struct fsm *f = st->f;

	switch (ev) {
	case FSM_EV_MANUAL_START:
	case FSM_EV_AUTOMATIC_START:
	case FSM_EV_MANUAL_START_PASSIVE:
	case FSM_EV_AUTOMATIC_START_PASSIVE:
		return; /* "Events 1, 3-7 are ignored" */
	case FSM_EV_MANUAL_STOP:
		notify_cease(st, FSM_SUB_CEASE_ADMIN_SHUTDOWN);
		go_idle(st, true, CNT_RESET, false);
		return;
	case FSM_EV_AUTOMATIC_STOP:
		notify_cease(st, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_HOLD_TIMER_EXPIRES:
		notify(st, FSM_NOTIF_HOLD_TIMER_EXPIRED, 0, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_KEEPALIVE_TIMER_EXPIRES:
		/* "sends a KEEPALIVE message, restarts the KeepaliveTimer" */
		emit(st, FSM_A_SEND_KEEPALIVE);
		if (f->hold_time)
			timer_start(st, FSM_TIMER_KEEPALIVE, f->keepalive_time);
		return;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONNECTION_CONFIRMED:
		return; /* second connection: tracked by the glue (§6.8) */
	case FSM_EV_TCP_CONNECTION_FAILS:
	case FSM_EV_NOTIF_MSG:
		go_idle(st, false, CNT_INCR, true);
		return;
	case FSM_EV_NOTIF_MSG_VER_ERR:
		go_idle(st, false, CNT_KEEP, false);
		return;
	case FSM_EV_BGP_HEADER_ERR:
	case FSM_EV_BGP_OPEN_MSG_ERR:
		notify_input(st, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_OPEN_COLLISION_DUMP:
		notify(st, FSM_NOTIF_CEASE, FSM_SUB_CEASE_COLLISION, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_KEEPALIVE_MSG:
		/* "restarts the HoldTimer and changes its state to Established" */
		if (f->hold_time)
			timer_start(st, FSM_TIMER_HOLD, f->hold_time);
		f->state = FSM_ESTABLISHED;
		emit(st, FSM_A_PEER_UP);
		/* DEVIATION D3: backoff resets only after a stable session. */
		if (f->cfg.damp_peer_oscillations)
			timer_start(st, FSM_TIMER_STABLE,
			            f->cfg.stable_time ? f->cfg.stable_time : f->idle_hold_cur);
		return;
	case FSM_EV_SEND_HOLD_TIMER_EXPIRES:
		notify(st, FSM_NOTIF_SEND_HOLD_TIMER_EXPIRED, 0, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_IDLE_HOLD_TIMER_EXPIRES:
	case FSM_EV_STABLE_TIMER_EXPIRES:
		return; /* DEVIATION D5 */
	default:
		/* "any other event (Events 9, 12-13, 20, 27-28)"; and D9: a
		 * BGPOpen the glue did not dump as a collision */
		notify_fsm_error(st);
		go_idle(st, true, CNT_INCR, true);
		return;
	}
}

/* §8.2.2 Established state. */
static void
step_established(struct step *st, enum fsm_event ev)
{
	struct fsm *f = st->f;

	switch (ev) {
	case FSM_EV_MANUAL_START:
	case FSM_EV_AUTOMATIC_START:
	case FSM_EV_MANUAL_START_PASSIVE:
	case FSM_EV_AUTOMATIC_START_PASSIVE:
		return; /* "Events 1, 3-7 are ignored" */
	case FSM_EV_MANUAL_STOP:
		/* "sends the NOTIFICATION message with a Cease, ... deletes all
		 * routes associated with this connection, ... sets the
		 * ConnectRetryCounter to zero" */
		notify_cease(st, FSM_SUB_CEASE_ADMIN_SHUTDOWN);
		go_idle(st, true, CNT_RESET, false);
		return;
	case FSM_EV_AUTOMATIC_STOP:
		notify_cease(st, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_HOLD_TIMER_EXPIRES:
		notify(st, FSM_NOTIF_HOLD_TIMER_EXPIRED, 0, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_KEEPALIVE_TIMER_EXPIRES:
		/* "sends a KEEPALIVE message, and restarts its KeepaliveTimer,
		 * unless the negotiated HoldTime value is zero" */
		emit(st, FSM_A_SEND_KEEPALIVE);
		if (f->hold_time)
			timer_start(st, FSM_TIMER_KEEPALIVE, f->keepalive_time);
		return;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONNECTION_CONFIRMED:
		return; /* "the second connection SHALL be tracked" (glue) */
	case FSM_EV_TCP_CONNECTION_FAILS:
	case FSM_EV_NOTIF_MSG:
		/* RFC: no damping here; DEVIATION D3 damps. */
		go_idle(st, false, CNT_INCR, true);
		return;
	case FSM_EV_NOTIF_MSG_VER_ERR:
		go_idle(st, false, CNT_INCR, false);
		return;
	case FSM_EV_OPEN_COLLISION_DUMP:
		/* CollisionDetectEstablishedState: the glue only dumps an
		 * Established connection when that attribute is set. */
		notify(st, FSM_NOTIF_CEASE, FSM_SUB_CEASE_COLLISION, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_KEEPALIVE_MSG:
		/* "restarts its HoldTimer, if the negotiated HoldTime is non-zero" */
		if (f->hold_time)
			timer_start(st, FSM_TIMER_HOLD, f->hold_time);
		return;
	case FSM_EV_UPDATE_MSG:
		/* "processes the message, restarts its HoldTimer, if the
		 * negotiated HoldTime value is non-zero" */
		emit(st, FSM_A_PROCESS_UPDATE);
		if (f->hold_time)
			timer_start(st, FSM_TIMER_HOLD, f->hold_time);
		return;
	case FSM_EV_UPDATE_MSG_ERR:
		notify_input(st, 3); /* UPDATE Message Error */
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_BGP_HEADER_ERR:
		notify_input(st, 1); /* DEVIATION D10: Message Header Error */
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_SEND_HOLD_TIMER_EXPIRES:
		notify(st, FSM_NOTIF_SEND_HOLD_TIMER_EXPIRED, 0, NULL, 0);
		go_idle(st, true, CNT_INCR, true);
		return;
	case FSM_EV_STABLE_TIMER_EXPIRES:
		/* DEVIATION D3: stayed up long enough; forgive past flaps. */
		f->timers &= ~(1u << FSM_TIMER_STABLE);
		f->idle_hold_cur = f->cfg.idle_hold_time;
		return;
	case FSM_EV_IDLE_HOLD_TIMER_EXPIRES:
		return; /* DEVIATION D5 */
	default:
		/* "any other event (Events 9, 12-13, 20-22)"; D9: BGPOpen */
		notify_fsm_error(st);
		go_idle(st, true, CNT_INCR, true);
		return;
	}
}

void
fsm_init(struct fsm *f, const struct fsm_config *cfg)
{
	*f = (struct fsm){.state = FSM_IDLE, .cfg = *cfg};
	f->idle_hold_cur = cfg->idle_hold_time;
	f->last_event = FSM_EVENT_COUNT;
}

void
fsm_step(struct fsm *f, enum fsm_event ev, const struct fsm_input *in, struct fsm_actions *out)
{
	struct step st = {.f = f, .in = in, .out = out};

	out->n = 0;
	if ((unsigned)ev >= FSM_EVENT_COUNT)
		return;
	/* DEVIATION D8: the FSM knows whether its DelayOpenTimer runs. */
	if (ev == FSM_EV_BGP_OPEN && fsm_timer_running(f, FSM_TIMER_DELAY_OPEN))
		ev = FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING;
	/* An expiry means the timer is no longer running (it is one-shot). */
	switch (ev) {
	case FSM_EV_CONNECT_RETRY_TIMER_EXPIRES:
		f->timers &= ~(1u << FSM_TIMER_CONNECT_RETRY);
		break;
	case FSM_EV_HOLD_TIMER_EXPIRES:
		f->timers &= ~(1u << FSM_TIMER_HOLD);
		break;
	case FSM_EV_KEEPALIVE_TIMER_EXPIRES:
		f->timers &= ~(1u << FSM_TIMER_KEEPALIVE);
		break;
	case FSM_EV_DELAY_OPEN_TIMER_EXPIRES:
		f->timers &= ~(1u << FSM_TIMER_DELAY_OPEN);
		break;
	case FSM_EV_SEND_HOLD_TIMER_EXPIRES:
		f->timers &= ~(1u << FSM_TIMER_SEND_HOLD);
		break;
	default:
		break;
	}
	f->last_event = ev;

	switch (f->state) {
	case FSM_IDLE:
		step_idle(&st, ev);
		break;
	case FSM_CONNECT:
		step_connect(&st, ev);
		break;
	case FSM_ACTIVE:
		step_active(&st, ev);
		break;
	case FSM_OPENSENT:
		step_opensent(&st, ev);
		break;
	case FSM_OPENCONFIRM:
		step_openconfirm(&st, ev);
		break;
	case FSM_ESTABLISHED:
		step_established(&st, ev);
		break;
	default:
		break;
	}
}

unsigned
fsm_jitter(unsigned secs, uint32_t random)
{
	/* RFC 4271 §10: multiply by a random factor uniformly in [0.75, 1]. */
	uint64_t range = (uint64_t)secs / 4; /* the most we may take off */

	return secs - (unsigned)((uint64_t)random * (range + 1) >> 32);
}

bool
fsm_timer_jittered(enum fsm_timer t)
{
	/* §10 names ConnectRetryTimer and KeepaliveTimer (plus the route
	 * advertisement timers, not FSM business); IdleHold is a restart delay
	 * in the same spirit, jittered so that peers do not restart in step. */
	return t == FSM_TIMER_CONNECT_RETRY || t == FSM_TIMER_KEEPALIVE || t == FSM_TIMER_IDLE_HOLD;
}

bool
fsm_collision_dump_ours(uint32_t local_id, uint32_t remote_id, uint32_t local_as,
                        uint32_t remote_as)
{
	/* §6.8: "If the value of the local BGP Identifier is less than the
	 * remote one, the local system closes the BGP connection that already
	 * exists ... and accepts the BGP connection initiated by the remote
	 * system": the higher identifier's connection survives. RFC 6286 §2.3:
	 * equal identifiers -> the larger AS number's connection survives. */
	if (local_id != remote_id)
		return local_id < remote_id;
	return local_as < remote_as;
}
