/*
 * session: one BGP session with the provider. lib/peer decides (framing,
 * decoding, OPEN negotiation, collisions, the FSM); this file performs its
 * answers: sockets through peer_io, timers, and the RIB.
 */
#include <errno.h>
#include <limits.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attr.h"
#include "looplag.h"
#include "peer.h"
#include "peer_io.h"
#include "rib.h"
#include "session.h"
#include "sockopt.h"

static void session_settle(struct session *s, const char *cause);
static void conn_event(struct conn *c, enum fsm_event ev, const struct fsm_input *in,
                       const char *cause);

/* ---- names and text ---- */

static const char *
timer_cause(enum fsm_timer t)
{
	switch (t) {
	case FSM_TIMER_CONNECT_RETRY:
		return "connect-retry timer expired";
	case FSM_TIMER_HOLD:
		return "hold timer expired";
	case FSM_TIMER_KEEPALIVE:
		return "keepalive timer";
	case FSM_TIMER_DELAY_OPEN:
		return "delay-open timer expired";
	case FSM_TIMER_IDLE_HOLD:
		return "idle-hold timer expired: restarting";
	case FSM_TIMER_SEND_HOLD:
		return "send hold timer expired: the peer does not read (RFC 9687)";
	case FSM_TIMER_STABLE:
		return "session stable: backoff reset";
	default:
		return "timer";
	}
}

static const enum fsm_event timer_events[FSM_TIMER_COUNT] = {
        [FSM_TIMER_CONNECT_RETRY] = FSM_EV_CONNECT_RETRY_TIMER_EXPIRES,
        [FSM_TIMER_HOLD] = FSM_EV_HOLD_TIMER_EXPIRES,
        [FSM_TIMER_KEEPALIVE] = FSM_EV_KEEPALIVE_TIMER_EXPIRES,
        [FSM_TIMER_DELAY_OPEN] = FSM_EV_DELAY_OPEN_TIMER_EXPIRES,
        [FSM_TIMER_IDLE_HOLD] = FSM_EV_IDLE_HOLD_TIMER_EXPIRES,
        [FSM_TIMER_SEND_HOLD] = FSM_EV_SEND_HOLD_TIMER_EXPIRES,
        [FSM_TIMER_STABLE] = FSM_EV_STABLE_TIMER_EXPIRES,
};

/* ---- sending ---- */

static bool
conn_send_wbuf(struct conn *c, struct wbuf *w, uint8_t type)
{
	if (!wbuf_ok(w) || !pio_send(c, w->data, wbuf_len(w)))
		return false;
	c->s->cnt.bytes_out += wbuf_len(w);
	c->s->cnt.msgs_out[type]++;
	return true;
}

/*
 * Every NOTIFICATION we send passes here (style.md §3): lib/peer built its
 * bytes; it is recorded as the last one sent, logged, and sent if the
 * connection has a socket (nothing is sent on a connection that is not up).
 */
static void
conn_notify(struct conn *c, const struct fsm_action *a)
{
	struct session *s = c->s;
	uint8_t mem[MSG_MAX_LEN];
	struct wbuf w;

	s->last_sent.set = true;
	s->last_sent.when = time(NULL);
	s->last_sent.code = a->code;
	s->last_sent.subcode = a->subcode;
	peer_notif_text(a->code, a->subcode, a->data, a->data_len, s->last_sent.text,
	                sizeof(s->last_sent.text));
	wbuf_init(&w, mem, sizeof(mem));
	bool sent = peer_encode(&c->p, a, &w) && conn_send_wbuf(c, &w, MSG_NOTIFICATION);
	log_peer(a->code == ERR_CEASE ? LOG_NOTICE : LOG_WARNING, s->desc, "%s NOTIFICATION: %s",
	         sent ? "sent" : "could not send", s->last_sent.text);
}

/* OPEN or KEEPALIVE, as lib/peer encodes it. */
static void
conn_send(struct conn *c, const struct fsm_action *a, uint8_t type)
{
	uint8_t mem[MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	if (!peer_encode(&c->p, a, &w) || !conn_send_wbuf(c, &w, type))
		if (type == MSG_OPEN)
			log_peer(LOG_WARNING, c->s->desc, "could not send OPEN");
}

/* ---- timers ---- */

static void
conn_timer_start(struct conn *c, enum fsm_timer t, unsigned secs)
{
	struct timeval tv;

	if (!c->timers[t])
		return;
	if (secs == 0) {
		evtimer_del(c->timers[t]);
		return;
	}
	/* RFC 4271 §10: jitter ConnectRetry, Keepalive and IdleHold by up to 25 %. */
	if (fsm_timer_jittered(t) && secs <= UINT_MAX / 1000) {
		/* In milliseconds, so that a 3 s keepalive still spreads evenly. */
		unsigned ms = fsm_jitter(secs * 1000, arc4random());

		tv.tv_sec = ms / 1000;
		tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	} else {
		tv.tv_sec = secs;
		tv.tv_usec = 0;
	}
	if (t == FSM_TIMER_HOLD)
		c->hold_restarted = true;
	evtimer_add(c->timers[t], &tv);
}

/* ---- the Adj-RIB-In and Loc-RIB (lib/rib) ---- */

static void
adj_in_add(struct session *s, const struct prefix *p, const struct attr *a)
{
	/* The one place a received path enters the RIB, after inbound policy. */
	uint8_t why; /* kept with the path: a refused route stays in Adj-RIB-In */
	const struct attr *eff = s->env->inbound(s->env->inbound_policy, s->cfg, p, a, &why);

	if (rib_update(s->env->rib, s->peer_id, p, a, eff, 0, why))
		s->cnt.prefixes_announced++;
	else
		log_peer_rl(&s->rl, LOG_ERR, s->desc, "out of memory storing a route");
	attr_unref(eff);
}

/* RFC 7606 treat-as-withdraw: the path stays visible, never eligible. */
static void
adj_in_invalid(struct session *s, const struct prefix *p)
{
	rib_update(s->env->rib, s->peer_id, p, NULL, NULL, RIB_PATH_INVALID, 0);
	s->cnt.prefixes_withdrawn++;
}

static void
adj_in_remove(struct session *s, const struct prefix *p)
{
	rib_withdraw(s->env->rib, s->peer_id, p);
	s->cnt.prefixes_withdrawn++;
}

size_t
session_prefixes(const struct session *s)
{
	struct rib_peer_counts c;

	if (!rib_peer_counts(s->env->rib, s->peer_id, &c))
		return 0;
	return c.paths;
}

/*
 * How long after the last withdrawal or session down the loop's lateness
 * is measured (looplag.h); the FIB's drain extends the window while it
 * works, so the figure covers the kernel's side too.
 */
#define SESSION_LAG_WATCH_SECS 2

static void
withdraw_view(struct session *s, struct rbuf view, uint8_t afi, bool invalid)
{
	struct prefix p;

	if (!rbuf_empty(&view) && s->env->lag)
		looplag_arm(s->env->lag, SESSION_LAG_WATCH_SECS, "withdrawals");
	while (msg_nlri_next(&view, afi, &p)) {
		if (invalid)
			adj_in_invalid(s, &p);
		else
			adj_in_remove(s, &p);
	}
}

static void
announce_view(struct session *s, const struct msg_update *u, struct rbuf view, uint8_t afi)
{
	struct attr_set set;
	struct prefix p;

	if (rbuf_empty(&view))
		return;
	msg_update_attrs(u, afi, &set);
	const struct attr *a = attr_intern(s->env->attrs, &set);
	if (!a) {
		log_peer(LOG_ERR, s->desc, "out of memory interning attributes");
		return;
	}
	while (msg_nlri_next(&view, afi, &p))
		adj_in_add(s, &p, a);
	attr_unref(a);
}

/* RFC 4486 §4: the max-prefix Cease carries AFI, SAFI and the limit. */
static void
check_prefix_limit(struct session *s, struct conn *c)
{
	uint32_t max = s->cfg->opts.max_received;
	size_t n = session_prefixes(s);
	enum peer_limit verdict = peer_prefix_limit(n, max);

	if (verdict == PEER_LIMIT_WARN && !s->limit_warned) {
		s->limit_warned = true;
		log_peer(LOG_WARNING, s->desc, "received %zu prefixes: 80%% of the limit of %u", n,
		         max);
	}
	if (verdict != PEER_LIMIT_EXCEEDED)
		return;
	struct peer_cease in;

	peer_cease_max_prefix(&in, session_afi(s), max);
	char cause[128];

	log_peer(LOG_ERR, s->desc,
	         "received %zu prefixes, more than the limit of %u: closing the session", n, max);
	s->limit_hit = true;
	snprintf(cause, sizeof(cause), "maximum number of prefixes (%u) exceeded", max);
	/* AutomaticStop: the FSM restarts the session after the idle-hold time. */
	conn_event(c, FSM_EV_AUTOMATIC_STOP, &in.in, cause);
}

/*
 * A received UPDATE into the Adj-RIB-In (the FSM said PROCESS_UPDATE);
 * false for an End-of-RIB marker, which changes nothing.
 */
static bool
session_import(struct session *s, const struct msg_update *u, enum msg_action act,
               const struct msg_error *err)
{
	char ebuf[256];

	if (act != MSG_ACT_NONE) {
		s->cnt.update_errors++;
		log_peer_rl(&s->rl, LOG_WARNING, s->desc, "UPDATE error, %s: %s",
		            msg_action_name(act), msg_error_fmt(err, ebuf, sizeof(ebuf)));
	}
	if (u->eor_afi) {
		s->eor_received = true;
		log_peer(LOG_INFO, s->desc, "End-of-RIB received for %s unicast (%zu prefixes)",
		         msg_afi_name(u->eor_afi), session_prefixes(s));
		return false;
	}
	withdraw_view(s, u->withdrawn, AFI_IP, false);
	if (u->has_mp_unreach)
		withdraw_view(s, u->mp_unreach.withdrawn, (uint8_t)u->mp_unreach.afi, false);
	if (act == MSG_ACT_TREAT_AS_WITHDRAW) {
		/* RFC 7606 §2: every NLRI of the UPDATE is withdrawn. */
		withdraw_view(s, u->nlri, AFI_IP, true);
		if (u->has_mp_reach)
			withdraw_view(s, u->mp_reach.nlri, (uint8_t)u->mp_reach.afi, true);
	} else {
		announce_view(s, u, u->nlri, AFI_IP);
		if (u->has_mp_reach)
			announce_view(s, u, u->mp_reach.nlri, (uint8_t)u->mp_reach.afi);
	}
	if (log_enabled(LOG_DEBUG))
		log_peer_rl(&s->rl, LOG_DEBUG, s->desc, "UPDATE: %zu prefixes now",
		            session_prefixes(s));
	return true;
}

/* ---- Established ---- */

static void
session_hook(struct session *s, void (*fn)(struct session *))
{
	if (fn)
		fn(s);
}

/*
 * A session's received routes leave the RIB in slices of at most
 * SESSION_FLUSH_SLICE_US (one loop step each), the clock read every
 * SESSION_FLUSH_STEP prefixes: 1M at once is half a second or more, and
 * the loop never blocks longer than 50 ms.
 */
#define SESSION_FLUSH_STEP     512
#define SESSION_FLUSH_SLICE_US 8000

/* What is left of a flush, at once: before the peer's next session feeds the RIB. */
static void
session_flush_finish(struct session *s)
{
	if (!s->flushing)
		return;
	s->flushing = false;
	if (s->flush_ev)
		event_del(s->flush_ev);
	rib_peer_down(s->env->rib, s->peer_id);
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)what;
	if (!s->flushing)
		return;
	uint64_t t0 = looplag_now_us();

	do
		rib_peer_down_step(s->env->rib, s->peer_id, &s->flush, SESSION_FLUSH_STEP);
	while (!s->flush.done && looplag_now_us() - t0 < SESSION_FLUSH_SLICE_US);
	if (s->flush.done)
		s->flushing = false;
	else
		event_active(s->flush_ev, EV_TIMEOUT, 0);
}

static void
session_up(struct session *s, struct conn *c)
{
	char id[ADDR_STRLEN];
	struct addr ida;

	s->ctx = c->p.ctx;
	s->remote_id = c->p.peer_open.bgp_id;
	s->remote_caps = c->p.peer_open.caps;
	s->local_caps = c->p.our_open.caps.have;
	s->hold = c->p.fsm.hold_time;
	s->keepalive = c->p.fsm.keepalive_time;
	s->eor_received = false;
	s->limit_hit = false;
	s->cnt.established++;
	session_flush_finish(s);
	struct rib_peer_info info = {
	        .addr = s->cfg->peer,
	        .bgp_id = s->remote_id,
	        .as = s->cfg->peer_asn,
	        .ebgp = s->cfg->peer_asn != s->cfg->local_asn,
	};
	if (!rib_peer_set(s->env->rib, s->peer_id, &info))
		log_peer(LOG_ERR, s->desc, "cannot register the peer in the RIB");
	addr_from_v4(&ida, s->remote_id);
	log_peer(LOG_NOTICE, s->desc,
	         "session up: AS %u, BGP identifier %s, hold %u s, keepalive %u s, %s connection, "
	         "%s%s%s",
	         msg_open_as(&c->p.peer_open), addr_fmt(&ida, id, sizeof(id)), s->hold,
	         s->keepalive, c->p.outgoing ? "our" : "the peer's",
	         (s->ctx.families & MSG_FAM_IPV4) ? "IPv4 unicast" : "",
	         (s->ctx.families & MSG_FAM_IPV4) && (s->ctx.families & MSG_FAM_IPV6) ? ", " : "",
	         (s->ctx.families & MSG_FAM_IPV6) ? "IPv6 unicast" : "");
	/* The full advertised set, then End-of-RIB (bgpd/advertise.c). */
	session_hook(s, s->env->hooks ? s->env->hooks->up : NULL);
}

static void
session_down(struct session *s)
{
	struct rib_peer_counts pc;

	s->cnt.dropped++;
	rib_peer_counts(s->env->rib, s->peer_id, &pc);
	log_peer(LOG_NOTICE, s->desc, "session down: %zu received prefixes withdrawn", pc.paths);
	s->limit_warned = false;
	if (pc.paths == 0)
		return;
	if (!s->flush_ev) { /* no loop to slice on: all at once */
		rib_peer_down(s->env->rib, s->peer_id);
		return;
	}
	if (s->env->lag)
		looplag_arm(s->env->lag, SESSION_LAG_WATCH_SECS, "session down");
	memset(&s->flush, 0, sizeof(s->flush));
	s->flushing = true;
	event_active(s->flush_ev, EV_TIMEOUT, 0);
}

bool
session_established(const struct session *s)
{
	return s->conn && s->conn->p.fsm.state == FSM_ESTABLISHED;
}

bool
session_can_send(const struct session *s)
{
	return s->conn->bev && pio_queued(s->conn) < PIO_HIGH_WATER;
}

bool
session_send(struct session *s, struct wbuf *w, uint8_t type)
{
	struct conn *c = s->conn;

	if (c->p.fsm.state != FSM_ESTABLISHED || !conn_send_wbuf(c, w, type))
		return false;
	/* §8.2.2 Established: sending an UPDATE restarts the KeepaliveTimer. */
	if (type == MSG_UPDATE && fsm_timer_running(&c->p.fsm, FSM_TIMER_KEEPALIVE))
		conn_timer_start(c, FSM_TIMER_KEEPALIVE, c->p.fsm.keepalive_time);
	return true;
}

bool
session_route_refresh(struct session *s)
{
	uint8_t mem[PEER_REFRESH_MAX];
	struct wbuf w;

	if (!session_established(s))
		return false;
	wbuf_init(&w, mem, sizeof(mem));
	unsigned n = peer_encode_refresh(&s->conn->p, &w);
	if (n == 0 || !pio_send(s->conn, w.data, wbuf_len(&w)))
		return false;
	s->cnt.bytes_out += wbuf_len(&w);
	s->cnt.msgs_out[MSG_ROUTE_REFRESH] += n;
	return true;
}

/* ---- performing what lib/peer decided ---- */

/* The transport of a connection we initiate: the session's addresses and options. */
static void
conn_connect(struct conn *c)
{
	struct session *s = c->s;
	const struct config_session *cs = s->cfg;
	struct sockopt_connect sc = {
	        .ifname = cs->ifname,
	        .local = cs->local,
	        .peer = cs->peer,
	        .port = s->env->port ? s->env->port : cs->opts.port,
	        .md5_key = cs->md5_key,
	        .gtsm = cs->opts.ttl_security,
	};
	char why[200];

	if (pio_connect(c, &sc, why, sizeof(why)) < 0) {
		log_peer_rl(&s->rl_retry, LOG_WARNING, s->desc, "cannot connect: %s", why);
		pio_defer_failure(c, why);
		return;
	}
	peer_transport(&c->p, true);
}

/* Perform one action; true when it asked to hand an UPDATE to the RIB. */
static bool
conn_perform(struct conn *c, const struct fsm_action *a)
{
	struct session *s = c->s;

	switch (a->type) {
	case FSM_A_CONNECT:
		conn_connect(c);
		break;
	case FSM_A_CLOSE:
		pio_close(c, a->flush);
		break;
	case FSM_A_SEND_OPEN:
		conn_send(c, a, MSG_OPEN);
		break;
	case FSM_A_SEND_KEEPALIVE:
		conn_send(c, a, MSG_KEEPALIVE);
		break;
	case FSM_A_SEND_NOTIFICATION:
		conn_notify(c, a);
		break;
	case FSM_A_START_TIMER:
		conn_timer_start(c, a->timer, a->secs);
		break;
	case FSM_A_STOP_TIMER:
		if (c->timers[a->timer])
			evtimer_del(c->timers[a->timer]);
		break;
	case FSM_A_PEER_UP:
		session_up(s, c);
		break;
	case FSM_A_PEER_DOWN:
		session_down(s);
		break;
	case FSM_A_PROCESS_UPDATE:
		return true;
	default: /* RELEASE_RESOURCES: lib/peer already forgot the negotiation */
		break;
	}
	return false;
}

/*
 * Perform one step of c, in order, then settle the session. With an
 * UPDATE at hand (out), PROCESS_UPDATE puts it into the RIB, and the
 * prefix limit is checked once the step is done.
 */
static void
conn_apply(struct conn *c, const struct peer_step *st, const struct peer_out *out,
           enum fsm_state old)
{
	struct session *s = c->s;
	bool imported = false;

	for (size_t i = 0; i < st->acts.n; i++)
		if (conn_perform(c, &st->acts.a[i]) && out)
			imported |=
			        session_import(s, &out->update, out->update_act, &out->update_err);
	if (c != s->conn && c->p.fsm.state != old)
		log_peer(LOG_INFO, s->desc, "second connection (%s): %s -> %s: %s",
		         c->p.outgoing ? "ours" : "the peer's", fsm_state_name(old),
		         fsm_state_name(c->p.fsm.state), st->cause);
	session_settle(s, st->cause);
	if (imported && !c->dying && c->p.fsm.state == FSM_ESTABLISHED)
		check_prefix_limit(s, c);
}

static void
conn_event(struct conn *c, enum fsm_event ev, const struct fsm_input *in, const char *cause)
{
	struct peer_step st;
	enum fsm_state old = c->p.fsm.state;

	if (c->dying)
		return;
	peer_event(&c->p, ev, in, cause, &st);
	conn_apply(c, &st, NULL, old);
}

/*
 * After every event: a dead second connection goes; a dead primary gives
 * way to a live second one (the collision winner); the session's state
 * change is logged with its cause.
 */
static void
session_settle(struct session *s, const char *cause)
{
	if (s->alt && s->alt->p.fsm.state == FSM_IDLE) {
		conn_release(s->alt);
		s->alt = NULL;
	}
	if (s->alt && s->conn->p.fsm.state == FSM_IDLE) {
		struct conn *old = s->conn;

		/* Keep the backoff: it belongs to the session, not the socket. */
		s->alt->p.fsm.idle_hold_cur = old->p.fsm.idle_hold_cur;
		s->conn = s->alt;
		s->alt = NULL;
		conn_release(old);
	}
	enum fsm_state now = s->conn->p.fsm.state;
	if (now != s->state) {
		int level = now == FSM_ESTABLISHED || s->state == FSM_ESTABLISHED ? LOG_NOTICE
		                                                                  : LOG_INFO;
		log_peer(level, s->desc, "%s -> %s: %s", fsm_state_name(s->state),
		         fsm_state_name(now), cause);
		s->state = now;
		s->state_since = time(NULL);
	}
}

/* ---- what peer_io reports ---- */

static void
conn_connected(struct conn *c)
{
	conn_event(c, FSM_EV_TCP_CR_ACKED, NULL, "TCP connection up (ours)");
}

static void
conn_failed(struct conn *c, const char *why)
{
	conn_event(c, FSM_EV_TCP_CONNECTION_FAILS, NULL, why);
}

/* One message at the head of c's input: lib/peer decides, this performs. */
static size_t
conn_input(struct conn *c, const uint8_t *data, size_t len)
{
	struct session *s = c->s;
	struct conn *other = c == s->conn ? s->alt : s->conn;
	enum fsm_state old = c->p.fsm.state;
	enum fsm_state other_old = other ? other->p.fsm.state : FSM_IDLE;
	struct peer_out out;

	if (c->dying)
		return 0;
	enum peer_input_result r = peer_input(&c->p, other ? &other->p : NULL, data, len, &out);
	if (r == PEER_IN_NEED)
		return 0;
	if (r == PEER_IN_MESSAGE) {
		s->cnt.bytes_in += out.len;
		if (out.type < 6)
			s->cnt.msgs_in[out.type]++;
	}
	if (out.open_ok)
		pio_set_max_len(c, c->p.ctx.max_len);
	if (out.notif_rcvd) {
		s->last_rcvd.set = true;
		s->last_rcvd.when = time(NULL);
		s->last_rcvd.code = out.notif.code;
		s->last_rcvd.subcode = out.notif.subcode;
		snprintf(s->last_rcvd.text, sizeof(s->last_rcvd.text), "%s", out.notif_text);
		log_peer(LOG_WARNING, s->desc, "received NOTIFICATION: %s", s->last_rcvd.text);
	}
	if (out.collision[0])
		log_peer(LOG_NOTICE, s->desc, "%s", out.collision);
	if (out.other.set)
		conn_apply(other, &out.other, NULL, other_old);
	if (out.step.set)
		conn_apply(c, &out.step, &out, old);
	if (out.refresh) {
		log_peer(LOG_INFO, s->desc, "route refresh requested: advertising again");
		session_hook(s, s->env->hooks ? s->env->hooks->refresh : NULL);
	}
	return r == PEER_IN_MESSAGE ? out.len : 0;
}

static void
conn_timer(struct conn *c, enum fsm_timer t)
{
	struct session *s = c->s;

	if (c->dying)
		return;
	/* Never expire the hold timer over data not yet read (BIRD's rule). */
	if (t == FSM_TIMER_HOLD && pio_pending_input(c) >= MSG_HEADER_LEN) {
		c->hold_restarted = false;
		pio_process(c);
		if (c->dying || c->hold_restarted)
			return;
	}
	/* A restart waits for the link and BFD (session_link, session_bfd start it again). */
	if (t == FSM_TIMER_IDLE_HOLD &&
	    (s->stopped || (s->link_known && !s->link_up) || s->bfd_down))
		return;
	conn_event(c, timer_events[t], NULL, timer_cause(t));
}

static void
conn_written(struct conn *c)
{
	/* RFC 9687 §3: the send hold timer restarts while output progresses. */
	if (fsm_timer_running(&c->p.fsm, FSM_TIMER_SEND_HOLD))
		conn_timer_start(c, FSM_TIMER_SEND_HOLD, fsm_send_hold_time(&c->p.fsm));
	/* XON: the packer resumes what it stopped at the high-water mark (session_can_send). */
	if (c == c->s->conn)
		session_hook(c->s, c->s->env->hooks ? c->s->env->hooks->resume : NULL);
}

static const struct pio_cbs conn_cbs = {
        .connected = conn_connected,
        .failed = conn_failed,
        .input = conn_input,
        .timer = conn_timer,
        .written = conn_written,
};

/* ---- the session's life ---- */

/* Our side of the protocol, from the config: lib/peer's settings and the FSM's. */
static void
session_peer_config(struct session *s)
{
	const struct config_session *cs = s->cfg;
	const struct config_timers *t = &cs->opts.timers;
	struct peer_config *pc = &s->pcfg;

	memset(pc, 0, sizeof(*pc));
	pc->ns.local_as = cs->local_asn;
	pc->ns.peer_as = cs->peer_asn;
	pc->ns.bgp_id = cs->router_id;
	pc->ns.hold_time = (uint16_t)t->hold;
	pc->ns.keepalive_time = (uint16_t)t->keepalive;
	/*
	 * 4-octet AS, route refresh, enhanced route refresh, and MP for the
	 * session's own family only: an IPv6 session is a session of its own
	 * over IPv6 transport, beside its IPv4 twin on the same interface.
	 */
	pc->ns.caps = MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR;
	negotiate_settings_family(&pc->ns, session_afi(s));
	pc->local = cs->local;
	pc->fsm.passive = cs->opts.passive;
	pc->fsm.damp_peer_oscillations = true;
	pc->fsm.idle_hold_time = t->idle_hold;
	pc->fsm.idle_hold_max = t->idle_hold_max;
	pc->fsm.hold_time = t->hold;
	pc->fsm.keepalive_time = t->keepalive;
	pc->fsm.connect_retry_time = t->connect_retry;
	pc->fsm.auto_restart = true;
}

/* A connection slot of s: Idle, with the session's settings. */
static struct conn *
session_conn_new(struct session *s)
{
	struct conn *c = conn_new(s->env->pio, &conn_cbs, s, s->desc);

	if (c)
		peer_init(&c->p, &s->pcfg, s->scratch);
	return c;
}

/* Adopt an accepted socket on c with the session's socket options. */
static int
session_attach(struct session *s, struct conn *c, int fd)
{
	const struct config_session *cs = s->cfg;
	struct sockopt_connect sc = {
	        .ifname = cs->ifname[0] ? cs->ifname : NULL,
	        .peer = cs->peer,
	        .gtsm = cs->opts.ttl_security,
	};

	if (pio_attach(c, fd, &sc) < 0)
		return -1;
	peer_transport(&c->p, false);
	return 0;
}

/*
 * The log prefix. An IPv6 session names its family: it shares circuit,
 * peering and role with its IPv4 twin, and a log read by leg must tell
 * the two apart.
 */
static void
session_describe(struct session *s)
{
	char a[ADDR_STRLEN];

	snprintf(s->desc, sizeof(s->desc), "%s (%s %s %s%s)", addr_fmt(&s->cfg->peer, a, sizeof(a)),
	         s->cfg->circuit_name, config_peering_name(s->cfg->type),
	         config_role_name(s->cfg->role), s->cfg->afi == AFI_IP6 ? " ipv6" : "");
}

struct session *
session_new(struct daemon *d, const struct session_env *env, const struct config_session *cfg,
            uint16_t peer_id)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	s->env = env;
	s->peer_id = peer_id;
	s->cfg = cfg;
	snprintf(s->key, sizeof(s->key), "%s", cfg->key);
	session_describe(s);
	session_peer_config(s);
	s->scratch = malloc(sizeof(*s->scratch));
	if (s->scratch)
		s->conn = session_conn_new(s);
	if (env->pio && env->pio->base)
		s->flush_ev = event_new(env->pio->base, -1, 0, flush_cb, s);
	if (!s->scratch || !s->conn) {
		session_free(s);
		return NULL;
	}
	msg_ctx_init(&s->ctx, cfg->local_asn, cfg->peer_asn);
	s->state = FSM_IDLE;
	s->state_since = time(NULL);
	return s;
}

void
session_free(struct session *s)
{
	if (!s)
		return;
	conn_release(s->alt);
	conn_release(s->conn);
	/* Whatever the peer still had in the RIB goes with the session. */
	s->flushing = false;
	if (s->flush_ev)
		event_free(s->flush_ev);
	if (s->env->rib) {
		rib_peer_down(s->env->rib, s->peer_id);
		rib_out_flush(s->env->rib, s->peer_id);
	}
	session_hook(s, s->env->hooks ? s->env->hooks->gone : NULL);
	free(s->scratch);
	free(s);
}

static bool
session_link_ok(const struct session *s)
{
	return !s->link_known || s->link_up;
}

void
session_start(struct session *s)
{
	s->stopped = false;
	if (!session_link_ok(s)) {
		log_peer(LOG_WARNING, s->desc, "interface %s is down: waiting for it",
		         s->cfg->ifname);
		return;
	}
	if (s->conn->p.fsm.state != FSM_IDLE)
		return;
	/* ManualStart is honoured at once, even during an idle-hold delay. */
	conn_event(s->conn, FSM_EV_MANUAL_START, NULL, "start");
}

void
session_stop(struct session *s, uint8_t subcode, const char *text)
{
	struct peer_cease in;
	char cause[320];

	s->stopped = true;
	peer_cease_stop(&in, subcode, text);
	snprintf(cause, sizeof(cause), "stopped: %s%s%s%s",
	         msg_err_subcode_name(ERR_CEASE, subcode), text ? " \"" : "", text ? text : "",
	         text ? "\"" : "");
	if (s->alt)
		conn_event(s->alt, FSM_EV_MANUAL_STOP, &in.in, cause);
	conn_event(s->conn, FSM_EV_MANUAL_STOP, &in.in, cause);
}

void
session_update_cfg(struct session *s, const struct config_session *cfg)
{
	s->cfg = cfg;
	session_describe(s);
	session_peer_config(s);
	s->conn->p.fsm.cfg = s->pcfg.fsm;
	if (s->alt)
		s->alt->p.fsm.cfg = s->pcfg.fsm;
}

void
session_accept(struct session *s, int fd)
{
	struct conn *c;

	if (s->stopped || !session_link_ok(s) || s->bfd_down) {
		log_peer(LOG_INFO, s->desc, "refused a connection: the session is %s",
		         s->bfd_down ? "held down by BFD" : "stopped");
		close(fd);
		return;
	}
	/* RFC 5082 §3: with GTSM, a peer whose SYN came with TTL < 255 is not one hop away. */
	int ttl = s->cfg->opts.ttl_security ? sockopt_syn_ttl(fd) : -1;
	if (ttl >= 0 && ttl < 255) {
		log_peer_rl(
		        &s->rl_retry, LOG_WARNING, s->desc,
		        "refused a connection: ttl-security, but its SYN came with %s %d, not 255",
		        s->cfg->afi == AFI_IP6 ? "hop limit" : "TTL", ttl);
		close(fd);
		return;
	}
	switch (peer_accept(&s->conn->p, s->alt != NULL)) {
	case PEER_ACCEPT_TAKE:
		if (session_attach(s, s->conn, fd) < 0)
			return;
		conn_event(s->conn, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL,
		           "TCP connection up (the peer's)");
		return;
	case PEER_ACCEPT_SECOND:
		c = session_conn_new(s);
		if (!c)
			break;
		s->alt = c;
		if (session_attach(s, c, fd) < 0) {
			s->alt = NULL;
			conn_release(c);
			return;
		}
		conn_event(c, FSM_EV_MANUAL_START_PASSIVE, NULL, "second connection");
		conn_event(c, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL,
		           "TCP connection up (the peer's, collision)");
		return;
	case PEER_ACCEPT_REFUSE_IDLE:
		log_peer_rl(&s->rl_retry, LOG_INFO, s->desc,
		            "refused a connection: the session is Idle (restart pending)");
		close(fd);
		return;
	case PEER_ACCEPT_REFUSE:
		break;
	}
	log_peer(LOG_INFO, s->desc, "refused a second connection in state %s",
	         fsm_state_name(s->conn->p.fsm.state));
	close(fd);
}

void
session_link(struct session *s, bool up)
{
	bool was = session_link_ok(s);

	s->link_known = true;
	s->link_up = up;
	if (was && !up) {
		char cause[96];

		snprintf(cause, sizeof(cause), "interface %s went down", s->cfg->ifname);
		log_peer(LOG_WARNING, s->desc, "%s", cause);
		/* The TCP connection is gone with the link: no NOTIFICATION. */
		if (s->alt)
			conn_event(s->alt, FSM_EV_TCP_CONNECTION_FAILS, NULL, cause);
		if (s->conn->p.fsm.state != FSM_IDLE)
			conn_event(s->conn, FSM_EV_TCP_CONNECTION_FAILS, NULL, cause);
	} else if (up) {
		if (!was)
			log_peer(LOG_NOTICE, s->desc, "interface %s is up", s->cfg->ifname);
		session_kick(s);
	}
}

void
session_bfd(struct session *s, bool up, const char *cause)
{
	if (up) {
		if (!s->bfd_down)
			return;
		s->bfd_down = false;
		log_peer(LOG_NOTICE, s->desc, "%s: the session may come back", cause);
		session_kick(s);
		return;
	}
	s->bfd_down = true;
	log_peer(LOG_WARNING, s->desc, "%s: dropping the session", cause);
	/* As for a link loss: the path is gone, so no NOTIFICATION; routes go at once. */
	if (s->alt)
		conn_event(s->alt, FSM_EV_TCP_CONNECTION_FAILS, NULL, cause);
	if (s->conn->p.fsm.state != FSM_IDLE)
		conn_event(s->conn, FSM_EV_TCP_CONNECTION_FAILS, NULL, cause);
}

void
session_kick(struct session *s)
{
	if (s->stopped || !session_link_ok(s) || s->bfd_down || s->conn->p.fsm.state != FSM_IDLE)
		return;
	conn_event(s->conn, FSM_EV_MANUAL_START, NULL, "interface or address ready");
}

bool
session_busy(const struct session *s)
{
	return s->alt || s->conn->p.fsm.state != FSM_IDLE;
}

void
session_info(const struct session *s, struct session_info *info)
{
	struct rib_peer_counts c = {0};
	bool up = session_established(s);

	if (s->env->rib)
		rib_peer_counts(s->env->rib, s->peer_id, &c);
	*info = (struct session_info){
	        .cfg = s->cfg,
	        .key = s->key,
	        .state = s->conn ? s->conn->p.fsm.state : FSM_IDLE,
	        .state_since = s->state_since,
	        .established = up,
	        .stopped = s->stopped,
	        .link_known = s->link_known,
	        .link_up = s->link_up,
	        .bfd_down = s->bfd_down,
	        .remote_id = s->remote_id,
	        .hold = s->hold,
	        .keepalive = s->keepalive,
	        .afi = session_afi(s),
	        .families = up ? s->ctx.families : 0,
	        .caps = s->local_caps & s->remote_caps.have,
	        .peer_caps = s->remote_caps.have,
	        .eor_received = s->eor_received,
	        .prefixes_received = c.paths,
	        .prefixes_accepted = c.accepted,
	        .prefixes_advertised = c.out - c.out_pending,
	        .cnt = &s->cnt,
	        .last_sent = &s->last_sent,
	        .last_rcvd = &s->last_rcvd,
	};
}
