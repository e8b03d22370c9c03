/*
 * session: one BGP session with the provider. lib/fsm decides; this file
 * performs its actions (sockets through peer_io, timers, messages) and
 * turns socket events, timer expiries and decoded messages into FSM events.
 */
#include <errno.h>
#include <limits.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advertise.h"
#include "attr.h"
#include "daemon.h"
#include "inbound.h"
#include "peer_io.h"
#include "session.h"
#include "negotiate.h"
#include "rib.h"

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

/*
 * Text of a NOTIFICATION for logs and `show`: "Cease / Administrative
 * Shutdown: \"maintenance\"", "Cease / Maximum Number of Prefixes Reached:
 * IPv4 unicast, limit 10000".
 */
static char *
notif_text(uint8_t code, uint8_t subcode, const uint8_t *data, size_t len, char *buf, size_t size)
{
	uint8_t body[2 + 512];
	struct msg_notification n;
	int off;

	off = snprintf(buf, size, "%s / %s", msg_err_code_name(code),
	               msg_err_subcode_name(code, subcode));
	if (off < 0 || (size_t)off >= size)
		return buf;
	if (len > sizeof(body) - 2)
		len = sizeof(body) - 2;
	body[0] = code;
	body[1] = subcode;
	if (len)
		memcpy(body + 2, data, len);
	if (!msg_notification_decode(body, 2 + len, &n))
		return buf;
	/* Truncation is fine here: the result is only ever logged. */
	if (n.has_shutdown)
		off = snprintf(buf + off, size - (size_t)off, ": \"%.*s\"",
		               (int)(size - (size_t)off), n.shutdown);
	else if (n.has_max_prefix)
		off = snprintf(buf + off, size - (size_t)off, ": %s SAFI %u, limit %u",
		               msg_afi_name(n.mp_afi), n.mp_safi, n.mp_limit);
	else if (len)
		off = snprintf(buf + off, size - (size_t)off, " (%zu bytes of data)", len);
	(void)off;
	return buf;
}

/* ---- sending ---- */

static bool
conn_send_wbuf(struct conn *c, struct wbuf *w, uint8_t type)
{
	if (!wbuf_ok(w) || !pio_send(c, w->data, wbuf_len(w)))
		return false;
	c->s->cnt.msgs_out[type]++;
	return true;
}

/*
 * The one place every NOTIFICATION is built (style.md §3): data capped to
 * what fits, recorded as the last one sent, logged, sent if the connection
 * has one (nothing is sent on a connection that is not up).
 */
static void
conn_notify(struct conn *c, uint8_t code, uint8_t subcode, const uint8_t *data, size_t len)
{
	struct session *s = c->s;
	uint8_t mem[MSG_MAX_LEN];
	struct wbuf w;

	if (len > MSG_MAX_LEN - MSG_HEADER_LEN - 2)
		len = MSG_MAX_LEN - MSG_HEADER_LEN - 2;
	s->last_sent.set = true;
	s->last_sent.when = time(NULL);
	s->last_sent.code = code;
	s->last_sent.subcode = subcode;
	notif_text(code, subcode, data, len, s->last_sent.text, sizeof(s->last_sent.text));
	wbuf_init(&w, mem, sizeof(mem));
	msg_notification_encode(&w, code, subcode, data, len);
	bool sent = conn_send_wbuf(c, &w, MSG_NOTIFICATION);
	log_peer(code == ERR_CEASE ? LOG_NOTICE : LOG_WARNING, s->desc, "%s NOTIFICATION: %s",
	         sent ? "sent" : "could not send", s->last_sent.text);
}

/* Our side of the OPEN exchange, from the config (lib/negotiate). */
static void
session_settings(const struct session *s, struct negotiate_settings *ns)
{
	const struct config_session *cs = s->cfg;

	memset(ns, 0, sizeof(*ns));
	ns->local_as = cs->local_asn;
	ns->peer_as = cs->peer_asn;
	ns->bgp_id = cs->router_id;
	ns->hold_time = (uint16_t)cs->opts.timers.hold;
	ns->keepalive_time = (uint16_t)cs->opts.timers.keepalive;
	/* MP IPv4 unicast, 4-octet AS, route refresh, enhanced route refresh. */
	ns->families = MSG_FAM_IPV4;
	ns->caps = MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR;
}

static void
conn_send_open(struct conn *c)
{
	struct negotiate_settings ns;
	uint8_t mem[MSG_MAX_LEN];
	struct wbuf w;

	session_settings(c->s, &ns);
	negotiate_build_open(&ns, &c->our_open);
	wbuf_init(&w, mem, sizeof(mem));
	msg_open_encode(&w, &c->our_open);
	if (!conn_send_wbuf(c, &w, MSG_OPEN))
		log_peer(LOG_WARNING, c->s->desc, "could not send OPEN");
}

static void
conn_send_keepalive(struct conn *c)
{
	uint8_t mem[MSG_HEADER_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	msg_keepalive_encode(&w);
	conn_send_wbuf(c, &w, MSG_KEEPALIVE);
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
	uint8_t why; /* kept with the path: a refused route stays in Adj-RIB-In */
	const struct attr *eff = inbound_apply(s->d->inbound, s->cfg, p, a, &why);

	if (rib_update(s->d->rib, s->peer_id, p, a, eff, 0, why))
		s->cnt.prefixes_announced++;
	else
		log_peer_rl(&s->rl, LOG_ERR, s->desc, "out of memory storing a route");
	attr_unref(eff);
}

/* RFC 7606 treat-as-withdraw: the path stays visible, never eligible. */
static void
adj_in_invalid(struct session *s, const struct prefix *p)
{
	rib_update(s->d->rib, s->peer_id, p, NULL, NULL, RIB_PATH_INVALID, 0);
	s->cnt.prefixes_withdrawn++;
}

static void
adj_in_remove(struct session *s, const struct prefix *p)
{
	rib_withdraw(s->d->rib, s->peer_id, p);
	s->cnt.prefixes_withdrawn++;
}

size_t
session_prefixes(const struct session *s)
{
	struct rib_peer_counts c;

	if (!rib_peer_counts(s->d->rib, s->peer_id, &c))
		return 0;
	return c.paths;
}

static void
withdraw_view(struct session *s, struct rbuf view, uint8_t afi, bool invalid)
{
	struct prefix p;

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
	const struct attr *a = attr_intern(s->d->attrs, &set);
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

	if (max == 0)
		return;
	if (!s->limit_warned && (uint64_t)n * 5 >= (uint64_t)max * 4 && n <= max) {
		s->limit_warned = true;
		log_peer(LOG_WARNING, s->desc, "received %zu prefixes: 80%% of the limit of %u", n,
		         max);
	}
	if (n <= max)
		return;
	uint8_t data[7] = {0,
	                   AFI_IP,
	                   SAFI_UNICAST,
	                   (uint8_t)(max >> 24),
	                   (uint8_t)(max >> 16),
	                   (uint8_t)(max >> 8),
	                   (uint8_t)max};
	struct fsm_input in = {
	        .code = ERR_CEASE,
	        .subcode = ERR_CEASE_MAX_PREFIX,
	        .data = data,
	        .data_len = sizeof(data),
	};
	char cause[128];

	log_peer(LOG_ERR, s->desc,
	         "received %zu prefixes, more than the limit of %u: closing the session", n, max);
	s->limit_hit = true;
	snprintf(cause, sizeof(cause), "maximum number of prefixes (%u) exceeded", max);
	/* AutomaticStop: the FSM restarts the session after the idle-hold time. */
	conn_event(c, FSM_EV_AUTOMATIC_STOP, &in, cause);
}

static void
session_process_update(struct session *s, struct conn *c, struct msg_update *u, enum msg_action act,
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
		return;
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
	check_prefix_limit(s, c);
}

/* ---- Established ---- */

static void
session_up(struct session *s, struct conn *c)
{
	char id[ADDR_STRLEN];
	struct addr ida;

	s->ctx = c->ctx;
	s->remote_id = c->peer_open.bgp_id;
	s->remote_caps = c->peer_open.caps;
	s->hold = c->fsm.hold_time;
	s->keepalive = c->fsm.keepalive_time;
	s->eor_received = false;
	s->limit_hit = false;
	s->cnt.established++;
	struct rib_peer_info info = {
	        .addr = s->cfg->peer,
	        .bgp_id = s->remote_id,
	        .as = s->cfg->peer_asn,
	        .ebgp = s->cfg->peer_asn != s->cfg->local_asn,
	};
	if (!rib_peer_set(s->d->rib, s->peer_id, &info))
		log_peer(LOG_ERR, s->desc, "cannot register the peer in the RIB");
	addr_from_v4(&ida, s->remote_id);
	log_peer(LOG_NOTICE, s->desc,
	         "session up: AS %u, BGP identifier %s, hold %u s, keepalive %u s, %s connection",
	         msg_open_as(&c->peer_open), addr_fmt(&ida, id, sizeof(id)), s->hold, s->keepalive,
	         c->outgoing ? "our" : "the peer's");
	session_advertise(s);
}

static void
session_down(struct session *s)
{
	s->cnt.dropped++;
	size_t n = rib_peer_down(s->d->rib, s->peer_id);

	log_peer(LOG_NOTICE, s->desc, "session down: %zu received prefixes withdrawn", n);
	s->limit_warned = false;
}

bool
session_can_send(const struct session *s)
{
	return s->conn->bev && pio_queued(s->conn) < PIO_HIGH_WATER;
}

/* Issue 4's advertisement (bgpd/advertise.c): the full set, then End-of-RIB. */
void
session_advertise(struct session *s)
{
	advertise_session_up(s);
}

bool
session_send(struct session *s, struct wbuf *w, uint8_t type)
{
	struct conn *c = s->conn;

	if (c->fsm.state != FSM_ESTABLISHED || !conn_send_wbuf(c, w, type))
		return false;
	/* §8.2.2 Established: sending an UPDATE restarts the KeepaliveTimer. */
	if (type == MSG_UPDATE && fsm_timer_running(&c->fsm, FSM_TIMER_KEEPALIVE))
		conn_timer_start(c, FSM_TIMER_KEEPALIVE, c->fsm.keepalive_time);
	return true;
}

/* ---- performing actions ---- */

static void
conn_perform(struct conn *c, const struct fsm_action *a)
{
	struct session *s = c->s;
	char why[200];

	switch (a->type) {
	case FSM_A_CONNECT:
		if (pio_connect(c, why, sizeof(why)) < 0) {
			log_peer_rl(&s->rl_retry, LOG_WARNING, s->desc, "cannot connect: %s", why);
			pio_defer_failure(c, why);
		}
		break;
	case FSM_A_CLOSE:
		pio_close(c, a->flush);
		break;
	case FSM_A_SEND_OPEN:
		conn_send_open(c);
		break;
	case FSM_A_SEND_KEEPALIVE:
		conn_send_keepalive(c);
		break;
	case FSM_A_SEND_NOTIFICATION:
		conn_notify(c, a->code, a->subcode, a->data, a->data_len);
		break;
	case FSM_A_START_TIMER:
		conn_timer_start(c, a->timer, a->secs);
		break;
	case FSM_A_STOP_TIMER:
		if (c->timers[a->timer])
			evtimer_del(c->timers[a->timer]);
		break;
	case FSM_A_RELEASE_RESOURCES:
		c->open_received = false;
		msg_ctx_init(&c->ctx, s->cfg->local_asn, s->cfg->peer_asn);
		break;
	case FSM_A_PEER_UP:
		session_up(s, c);
		break;
	case FSM_A_PEER_DOWN:
		session_down(s);
		break;
	case FSM_A_PROCESS_UPDATE:
		c->process_update = true;
		break;
	default:
		break;
	}
}

static void
conn_event(struct conn *c, enum fsm_event ev, const struct fsm_input *in, const char *cause)
{
	struct session *s = c->s;
	struct fsm_actions acts;
	enum fsm_state old = c->fsm.state;

	if (c->dying)
		return;
	fsm_step(&c->fsm, ev, in, &acts);
	for (size_t i = 0; i < acts.n; i++)
		conn_perform(c, &acts.a[i]);
	if (c != s->conn && c->fsm.state != old)
		log_peer(LOG_INFO, s->desc, "second connection (%s): %s -> %s: %s",
		         c->outgoing ? "ours" : "the peer's", fsm_state_name(old),
		         fsm_state_name(c->fsm.state), cause);
	session_settle(s, cause);
}

/*
 * After every event: a dead second connection goes; a dead primary gives
 * way to a live second one (the collision winner); the session's state
 * change is logged with its cause.
 */
static void
session_settle(struct session *s, const char *cause)
{
	if (s->alt && s->alt->fsm.state == FSM_IDLE) {
		conn_release(s->alt);
		s->alt = NULL;
	}
	if (s->alt && s->conn->fsm.state == FSM_IDLE) {
		struct conn *old = s->conn;

		/* Keep the backoff: it belongs to the session, not the socket. */
		s->alt->fsm.idle_hold_cur = old->fsm.idle_hold_cur;
		s->conn = s->alt;
		s->alt = NULL;
		conn_release(old);
	}
	enum fsm_state now = s->conn->fsm.state;
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

void
session_conn_connected(struct conn *c)
{
	conn_event(c, FSM_EV_TCP_CR_ACKED, NULL, "TCP connection up (ours)");
}

void
session_conn_failed(struct conn *c, const char *why)
{
	conn_event(c, FSM_EV_TCP_CONNECTION_FAILS, NULL, why);
}

void
session_conn_frame_error(struct conn *c, const struct msg_error *err)
{
	struct fsm_input in = {
	        .code = err->code,
	        .subcode = err->subcode,
	        .data = err->data,
	        .data_len = err->data_len,
	};
	char ebuf[256], cause[300];

	snprintf(cause, sizeof(cause), "bad message header: %s",
	         msg_error_fmt(err, ebuf, sizeof(ebuf)));
	conn_event(c, FSM_EV_BGP_HEADER_ERR, &in, cause);
}

void
session_conn_timer(struct conn *c, enum fsm_timer t)
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
	/* A restart waits for the link (session_link starts it again). */
	if (t == FSM_TIMER_IDLE_HOLD && (s->stopped || (s->link_known && !s->link_up)))
		return;
	conn_event(c, timer_events[t], NULL, timer_cause(t));
}

void
session_conn_written(struct conn *c)
{
	/* RFC 9687 §3: the send hold timer restarts while output progresses. */
	if (fsm_timer_running(&c->fsm, FSM_TIMER_SEND_HOLD))
		conn_timer_start(c, FSM_TIMER_SEND_HOLD, fsm_send_hold_time(&c->fsm));
	/*
	 * XON: the queue drained. Issue 4's packer resumes here what it
	 * stopped producing at the high-water mark (session_can_send).
	 */
	if (c == c->s->conn)
		advertise_resume(c->s);
}

/* The OPEN arrived on c: validate, resolve a collision (§6.8), feed BGPOpen. */
static void
conn_open(struct conn *c, const uint8_t *body, size_t len)
{
	struct session *s = c->s;
	const struct config_session *cs = s->cfg;
	struct negotiate_settings ns;
	struct negotiate_result res;
	struct msg_open o;
	struct msg_error err;
	char ebuf[256], cause[320];

	/* Peer AS, identifier, hold time 0 or >= 3, capabilities: lib/negotiate. */
	session_settings(s, &ns);
	if (!msg_open_decode(body, len, &o, &err) || !negotiate_open(&ns, &o, &res, &err)) {
		struct fsm_input in = {
		        .code = err.code,
		        .subcode = err.subcode,
		        .data = err.data,
		        .data_len = err.data_len,
		};
		snprintf(cause, sizeof(cause), "unacceptable OPEN: %s",
		         msg_error_fmt(&err, ebuf, sizeof(ebuf)));
		conn_event(c, FSM_EV_BGP_OPEN_MSG_ERR, &in, cause);
		return;
	}
	c->peer_open = o;
	c->open_received = true;
	c->ctx = res.ctx;
	c->ctx.local_addr = cs->local;
	pio_set_max_len(c, c->ctx.max_len);

	/*
	 * RFC 4271 §6.8: with two connections to one peer, the one initiated
	 * by the speaker with the higher BGP Identifier stays. The other
	 * connection's peer is this peer, so its identifier is known now even
	 * if its own OPEN has not arrived yet.
	 */
	struct conn *other = c == s->conn ? s->alt : s->conn;
	if (other && (other->fsm.state == FSM_OPENSENT || other->fsm.state == FSM_OPENCONFIRM)) {
		bool dump_ours = fsm_collision_dump_ours(cs->router_id, o.bgp_id, cs->local_asn,
		                                         msg_open_as(&o));
		struct conn *loser = other->outgoing == dump_ours ? other : c;

		snprintf(cause, sizeof(cause),
		         "connection collision: keeping the connection %s initiated",
		         dump_ours ? "the peer" : "we");
		char lid[ADDR_STRLEN], rid[ADDR_STRLEN];
		struct addr la, ra;

		addr_from_v4(&la, cs->router_id);
		addr_from_v4(&ra, o.bgp_id);
		log_peer(LOG_NOTICE, s->desc, "%s (BGP identifiers: ours %s, the peer's %s)", cause,
		         addr_fmt(&la, lid, sizeof(lid)), addr_fmt(&ra, rid, sizeof(rid)));
		conn_event(loser, FSM_EV_OPEN_COLLISION_DUMP, NULL, cause);
		if (loser == c)
			return;
	}
	/* Negotiated timers (RFC 4271 §4.2): the smaller hold time, keepalive a third. */
	struct fsm_input in = {.hold_time = res.hold_time, .keepalive_time = res.keepalive_time};

	conn_event(c, FSM_EV_BGP_OPEN, &in, "OPEN received");
}

static void
conn_notification(struct conn *c, const uint8_t *body, size_t len)
{
	struct session *s = c->s;
	struct msg_notification n;
	char cause[480];

	if (!msg_notification_decode(body, len, &n)) {
		/* RFC 4271 §6.4: nothing is sent back for a bad NOTIFICATION. */
		conn_event(c, FSM_EV_NOTIF_MSG, NULL, "malformed NOTIFICATION received");
		return;
	}
	s->last_rcvd.set = true;
	s->last_rcvd.when = time(NULL);
	s->last_rcvd.code = n.code;
	s->last_rcvd.subcode = n.subcode;
	notif_text(n.code, n.subcode, n.data, n.data_len, s->last_rcvd.text,
	           sizeof(s->last_rcvd.text));
	log_peer(LOG_WARNING, s->desc, "received NOTIFICATION: %s", s->last_rcvd.text);
	snprintf(cause, sizeof(cause), "NOTIFICATION received: %s", s->last_rcvd.text);
	bool ver = n.code == ERR_OPEN && n.subcode == ERR_OPEN_UNSUPPORTED_VERSION;
	conn_event(c, ver ? FSM_EV_NOTIF_MSG_VER_ERR : FSM_EV_NOTIF_MSG, NULL, cause);
}

static void
conn_update(struct conn *c, const uint8_t *body, size_t len)
{
	struct session *s = c->s;
	struct msg_update u;
	struct msg_error err;
	char ebuf[256], cause[320];

	if (c->fsm.state != FSM_ESTABLISHED) {
		/* Out of order: the FSM answers with an FSM Error. */
		conn_event(c, FSM_EV_UPDATE_MSG, NULL, "UPDATE before Established");
		return;
	}
	enum msg_action act = msg_update_decode(&c->ctx, body, len, &u, s->scratch, &err);
	if (act == MSG_ACT_SESSION_RESET) {
		struct fsm_input in = {
		        .code = err.code,
		        .subcode = err.subcode,
		        .data = err.data,
		        .data_len = err.data_len,
		};
		snprintf(cause, sizeof(cause), "malformed UPDATE: %s",
		         msg_error_fmt(&err, ebuf, sizeof(ebuf)));
		conn_event(c, FSM_EV_UPDATE_MSG_ERR, &in, cause);
		return;
	}
	c->process_update = false;
	conn_event(c, FSM_EV_UPDATE_MSG, NULL, "UPDATE received");
	if (c->process_update && !c->dying && c->fsm.state == FSM_ESTABLISHED)
		session_process_update(s, c, &u, act, &err);
}

static void
conn_route_refresh(struct conn *c, const uint8_t *body, size_t len)
{
	struct session *s = c->s;
	struct msg_route_refresh rr;
	struct msg_error err;
	char ebuf[256], cause[320];

	if (!msg_route_refresh_decode(body, len, &rr, &err)) {
		struct fsm_input in = {
		        .code = err.code,
		        .subcode = err.subcode,
		        .data = err.data,
		        .data_len = err.data_len,
		};
		snprintf(cause, sizeof(cause), "malformed ROUTE-REFRESH: %s",
		         msg_error_fmt(&err, ebuf, sizeof(ebuf)));
		conn_event(c, FSM_EV_UPDATE_MSG_ERR, &in, cause);
		return;
	}
	/* It also counts as a sign of life for the hold timer. */
	conn_event(c, FSM_EV_KEEPALIVE_MSG, NULL, "ROUTE-REFRESH received");
	if (rr.subtype == RR_NORMAL && rr.afi == AFI_IP && rr.safi == SAFI_UNICAST) {
		log_peer(LOG_INFO, s->desc, "route refresh requested: advertising again");
		advertise_refresh(s);
	}
}

bool
session_conn_message(struct conn *c, uint8_t type, const uint8_t *body, size_t len)
{
	struct session *s = c->s;

	if (type < 6)
		s->cnt.msgs_in[type]++;
	switch (type) {
	case MSG_OPEN:
		conn_open(c, body, len);
		break;
	case MSG_UPDATE:
		conn_update(c, body, len);
		break;
	case MSG_NOTIFICATION:
		conn_notification(c, body, len);
		break;
	case MSG_KEEPALIVE:
		conn_event(c, FSM_EV_KEEPALIVE_MSG, NULL, "KEEPALIVE received");
		break;
	case MSG_ROUTE_REFRESH:
		if (c->fsm.state == FSM_ESTABLISHED)
			conn_route_refresh(c, body, len);
		else
			conn_event(c, FSM_EV_UPDATE_MSG, NULL, "ROUTE-REFRESH before Established");
		break;
	default:
		break;
	}
	return !c->dying && c->bev;
}

/* ---- the session's life ---- */

static void
session_fsm_config(struct session *s)
{
	const struct config_timers *t = &s->cfg->opts.timers;

	memset(&s->fcfg, 0, sizeof(s->fcfg));
	s->fcfg.passive = s->cfg->opts.passive;
	s->fcfg.damp_peer_oscillations = true;
	s->fcfg.idle_hold_time = t->idle_hold;
	s->fcfg.idle_hold_max = t->idle_hold_max;
	s->fcfg.hold_time = t->hold;
	s->fcfg.keepalive_time = t->keepalive;
	s->fcfg.connect_retry_time = t->connect_retry;
	s->fcfg.auto_restart = true;
}

static void
session_describe(struct session *s)
{
	char a[ADDR_STRLEN];

	snprintf(s->desc, sizeof(s->desc), "%s (%s %s %s)", addr_fmt(&s->cfg->peer, a, sizeof(a)),
	         s->cfg->circuit_name, config_peering_name(s->cfg->type),
	         config_role_name(s->cfg->role));
}

struct session *
session_new(struct daemon *d, const struct config_session *cfg, uint16_t peer_id)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	s->peer_id = peer_id;
	s->cfg = cfg;
	snprintf(s->key, sizeof(s->key), "%s", cfg->key);
	session_describe(s);
	session_fsm_config(s);
	s->scratch = malloc(sizeof(*s->scratch));
	s->conn = conn_new(s);
	if (!s->scratch || !s->conn) {
		session_free(s);
		return NULL;
	}
	fsm_init(&s->conn->fsm, &s->fcfg);
	msg_ctx_init(&s->conn->ctx, cfg->local_asn, cfg->peer_asn);
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
	if (s->d->rib) {
		rib_peer_down(s->d->rib, s->peer_id);
		rib_out_flush(s->d->rib, s->peer_id);
	}
	advertise_session_free(s);
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
	if (s->conn->fsm.state != FSM_IDLE)
		return;
	/* ManualStart is honoured at once, even during an idle-hold delay. */
	conn_event(s->conn, FSM_EV_MANUAL_START, NULL, "start");
}

void
session_stop(struct session *s, uint8_t subcode, const char *text)
{
	uint8_t data[1 + MSG_SHUTDOWN_MAX];
	size_t dlen = 0;
	char cause[320];

	s->stopped = true;
	/* RFC 9003 §2: | length | UTF-8 text |, at most 255 octets. */
	if (text && (subcode == ERR_CEASE_ADMIN_SHUTDOWN || subcode == ERR_CEASE_ADMIN_RESET)) {
		size_t n = strlen(text);

		if (n > MSG_SHUTDOWN_MAX)
			n = MSG_SHUTDOWN_MAX;
		data[0] = (uint8_t)n;
		memcpy(data + 1, text, n);
		dlen = 1 + n;
	}
	struct fsm_input in = {
	        .code = ERR_CEASE,
	        .subcode = subcode,
	        .data = dlen ? data : NULL,
	        .data_len = dlen,
	};
	snprintf(cause, sizeof(cause), "stopped: %s%s%s%s",
	         msg_err_subcode_name(ERR_CEASE, subcode), text ? " \"" : "", text ? text : "",
	         text ? "\"" : "");
	if (s->alt)
		conn_event(s->alt, FSM_EV_MANUAL_STOP, &in, cause);
	conn_event(s->conn, FSM_EV_MANUAL_STOP, &in, cause);
}

void
session_update_cfg(struct session *s, const struct config_session *cfg)
{
	s->cfg = cfg;
	session_describe(s);
	session_fsm_config(s);
	s->conn->fsm.cfg = s->fcfg;
	if (s->alt)
		s->alt->fsm.cfg = s->fcfg;
}

void
session_accept(struct session *s, int fd)
{
	struct conn *c;

	if (s->stopped || !session_link_ok(s)) {
		log_peer(LOG_INFO, s->desc, "refused a connection: the session is stopped");
		close(fd);
		return;
	}
	switch (s->conn->fsm.state) {
	case FSM_CONNECT:
	case FSM_ACTIVE:
		/* Our own attempt (if any) has not completed: take the peer's. */
		if (pio_attach(s->conn, fd) < 0)
			return;
		conn_event(s->conn, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL,
		           "TCP connection up (the peer's)");
		return;
	case FSM_OPENSENT:
	case FSM_OPENCONFIRM:
		/* A collision (§6.8): keep both until an OPEN tells which goes. */
		if (s->alt)
			break;
		c = conn_new(s);
		if (!c)
			break;
		fsm_init(&c->fsm, &s->fcfg);
		msg_ctx_init(&c->ctx, s->cfg->local_asn, s->cfg->peer_asn);
		s->alt = c;
		if (pio_attach(c, fd) < 0) {
			s->alt = NULL;
			conn_release(c);
			return;
		}
		conn_event(c, FSM_EV_MANUAL_START_PASSIVE, NULL, "second connection");
		conn_event(c, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL,
		           "TCP connection up (the peer's, collision)");
		return;
	case FSM_IDLE:
		log_peer_rl(&s->rl_retry, LOG_INFO, s->desc,
		            "refused a connection: the session is Idle (restart pending)");
		close(fd);
		return;
	default:
		/* Established: the running session wins (§6.8, no CollisionDetectEstablished). */
		break;
	}
	log_peer(LOG_INFO, s->desc, "refused a second connection in state %s",
	         fsm_state_name(s->conn->fsm.state));
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
		if (s->conn->fsm.state != FSM_IDLE)
			conn_event(s->conn, FSM_EV_TCP_CONNECTION_FAILS, NULL, cause);
	} else if (up) {
		if (!was)
			log_peer(LOG_NOTICE, s->desc, "interface %s is up", s->cfg->ifname);
		session_kick(s);
	}
}

void
session_kick(struct session *s)
{
	if (s->stopped || !session_link_ok(s) || s->conn->fsm.state != FSM_IDLE)
		return;
	conn_event(s->conn, FSM_EV_MANUAL_START, NULL, "interface or address ready");
}

bool
session_busy(const struct session *s)
{
	return s->alt || s->conn->fsm.state != FSM_IDLE;
}

/* ---- SIGUSR1 dump ---- */

struct dump_ctx {
	struct session *s;
	size_t n;
};

static int
dump_route(const struct prefix *p, const struct rib_path *path, void *arg)
{
	struct dump_ctx *dc = arg;
	const struct attr *a = path->in;
	char pb[PREFIX_STRLEN], nh[ADDR_STRLEN], aspath[256];

	if (!a) {
		log_info("dump: route %s %s invalid (RFC 7606 treat-as-withdraw)", dc->s->key,
		         prefix_fmt(p, pb, sizeof(pb)));
		return ++dc->n >= 100000;
	}
	attr_aspath_fmt(&a->set, aspath, sizeof(aspath));
	log_info("dump: route %s %s nexthop %s aspath [%s] origin %s%s%s", dc->s->key,
	         prefix_fmt(p, pb, sizeof(pb)),
	         a->set.present & ATTR_HAS_NEXT_HOP ? addr_fmt(&a->set.nexthop, nh, sizeof(nh))
	                                            : "-",
	         aspath, attr_origin_name(a->set.origin),
	         path->flags & RIB_PATH_BEST ? " best" : "",
	         path->flags & RIB_PATH_ECMP ? " ecmp" : "");
	/* Bounded: a full table is not for the log. */
	return ++dc->n >= 100000;
}

void
session_dump(struct session *s)
{
	const struct session_counters *k = &s->cnt;
	char la[ADDR_STRLEN], pa[ADDR_STRLEN], id[ADDR_STRLEN];
	struct addr ida;

	addr_from_v4(&ida, s->remote_id);
	log_info("dump: session %s peer %s local %s interface %s link %s state %s for %lds "
	         "local-as %u peer-as %u remote-id %s hold %u keepalive %u prefixes %zu limit %u "
	         "eor %s",
	         s->key, addr_fmt(&s->cfg->peer, pa, sizeof(pa)),
	         addr_fmt(&s->cfg->local, la, sizeof(la)), s->cfg->ifname,
	         !s->link_known ? "unknown"
	         : s->link_up   ? "up"
	                        : "down",
	         fsm_state_name(s->conn->fsm.state), (long)(time(NULL) - s->state_since),
	         s->cfg->local_asn, s->cfg->peer_asn, addr_fmt(&ida, id, sizeof(id)), s->hold,
	         s->keepalive, session_prefixes(s), s->cfg->opts.max_received,
	         s->eor_received ? "yes" : "no");
	log_info("dump: counters %s in open %llu update %llu notification %llu keepalive %llu "
	         "refresh %llu out open %llu update %llu notification %llu keepalive %llu "
	         "established %u dropped %u update-errors %llu",
	         s->key, (unsigned long long)k->msgs_in[1], (unsigned long long)k->msgs_in[2],
	         (unsigned long long)k->msgs_in[3], (unsigned long long)k->msgs_in[4],
	         (unsigned long long)k->msgs_in[5], (unsigned long long)k->msgs_out[1],
	         (unsigned long long)k->msgs_out[2], (unsigned long long)k->msgs_out[3],
	         (unsigned long long)k->msgs_out[4], k->established, k->dropped,
	         (unsigned long long)k->update_errors);
	if (s->last_sent.set)
		log_info("dump: last-sent %s %s", s->key, s->last_sent.text);
	if (s->last_rcvd.set)
		log_info("dump: last-received %s %s", s->key, s->last_rcvd.text);
	struct dump_ctx dc = {.s = s};
	rib_adj_in_walk(s->d->rib, s->peer_id, 0, dump_route, &dc);
}
