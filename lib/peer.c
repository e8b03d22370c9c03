/* peer: one connection's protocol logic (peer.h). */
#include <stdio.h>
#include <string.h>

#include "peer.h"

/* ---- NOTIFICATION data ---- */

struct fsm_input
peer_error_input(const struct msg_error *err)
{
	return (struct fsm_input){
	        .code = err->code,
	        .subcode = err->subcode,
	        .data = err->data_len ? err->data : NULL,
	        .data_len = err->data_len,
	};
}

void
peer_cease_stop(struct peer_cease *c, uint8_t subcode, const char *text)
{
	size_t len = 0;

	/* RFC 9003 §2: only these two subcodes carry a shutdown communication. */
	if (text && (subcode == ERR_CEASE_ADMIN_SHUTDOWN || subcode == ERR_CEASE_ADMIN_RESET))
		len = msg_shutdown_data(c->data, text);
	c->in = (struct fsm_input){
	        .code = ERR_CEASE,
	        .subcode = subcode,
	        .data = len ? c->data : NULL,
	        .data_len = len,
	};
}

void
peer_cease_max_prefix(struct peer_cease *c, uint8_t afi, uint32_t limit)
{
	size_t len = msg_max_prefix_data(c->data, afi, SAFI_UNICAST, limit);

	c->in = (struct fsm_input){
	        .code = ERR_CEASE,
	        .subcode = ERR_CEASE_MAX_PREFIX,
	        .data = c->data,
	        .data_len = len,
	};
}

enum peer_limit
peer_prefix_limit(size_t count, uint32_t max)
{
	if (max == 0)
		return PEER_LIMIT_OK;
	if (count > max)
		return PEER_LIMIT_EXCEEDED;
	return (uint64_t)count * 5 >= (uint64_t)max * 4 ? PEER_LIMIT_WARN : PEER_LIMIT_OK;
}

char *
peer_notif_text(uint8_t code, uint8_t subcode, const uint8_t *data, size_t len, char *buf,
                size_t size)
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
	/* Truncation is fine here: the text is only shown and logged. */
	if (n.has_shutdown)
		snprintf(buf + off, size - (size_t)off, ": \"%.*s\"", (int)(size - (size_t)off),
		         n.shutdown);
	else if (n.has_max_prefix)
		snprintf(buf + off, size - (size_t)off, ": %s SAFI %u, limit %u",
		         msg_afi_name(n.mp_afi), n.mp_safi, n.mp_limit);
	else if (len)
		snprintf(buf + off, size - (size_t)off, " (%zu bytes of data)", len);
	return buf;
}

/* ---- the connection ---- */

static void
peer_reset_ctx(struct peer *p)
{
	msg_ctx_init(&p->ctx, p->cfg->ns.local_as, p->cfg->ns.peer_as);
}

void
peer_init(struct peer *p, const struct peer_config *cfg, struct msg_attr_buf *scratch)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->scratch = scratch;
	fsm_init(&p->fsm, &cfg->fsm);
	peer_reset_ctx(p);
	p->need = MSG_HEADER_LEN;
}

void
peer_transport(struct peer *p, bool outgoing)
{
	p->outgoing = outgoing;
	peer_reset_ctx(p);
	p->need = MSG_HEADER_LEN;
	p->frame_len = 0;
}

void
peer_event(struct peer *p, enum fsm_event ev, const struct fsm_input *in, const char *cause,
           struct peer_step *st)
{
	struct fsm_input own = {0};

	/* The actions borrow the data: keep it in the step, which outlives them. */
	if (in) {
		own = *in;
		if (own.data_len > sizeof(st->data))
			own.data_len = sizeof(st->data);
		if (own.data && own.data_len)
			memcpy(st->data, own.data, own.data_len);
		own.data = own.data && own.data_len ? st->data : NULL;
	}
	st->set = true;
	st->ev = ev;
	snprintf(st->cause, sizeof(st->cause), "%s", cause ? cause : fsm_event_name(ev));
	fsm_step(&p->fsm, ev, in ? &own : NULL, &st->acts);
	for (size_t i = 0; i < st->acts.n; i++)
		if (st->acts.a[i].type == FSM_A_RELEASE_RESOURCES) {
			p->open_received = false;
			peer_reset_ctx(p);
		}
}

/* An error that resets the session: its NOTIFICATION, and "what: why" as the cause. */
static void
peer_error(struct peer *p, enum fsm_event ev, const char *what, const struct msg_error *err,
           struct peer_step *st)
{
	struct fsm_input in = peer_error_input(err);
	char ebuf[256], cause[320];

	snprintf(cause, sizeof(cause), "%s: %s", what, msg_error_fmt(err, ebuf, sizeof(ebuf)));
	peer_event(p, ev, &in, cause, st);
}

/*
 * RFC 4271 §6.8: with two connections to one peer, the one initiated by
 * the speaker with the higher BGP Identifier stays. The other connection's
 * peer is this peer, so its identifier is known now even if its own OPEN
 * has not arrived yet. True when p itself lost.
 */
static bool
peer_collision(struct peer *p, struct peer *other, const struct msg_open *o, struct peer_out *out)
{
	char cause[128], lid[ADDR_STRLEN], rid[ADDR_STRLEN];
	struct addr la, ra;

	if (!other || (other->fsm.state != FSM_OPENSENT && other->fsm.state != FSM_OPENCONFIRM))
		return false;
	bool dump_ours = fsm_collision_dump_ours(p->cfg->ns.bgp_id, o->bgp_id, p->cfg->ns.local_as,
	                                         msg_open_as(o));
	struct peer *loser = other->outgoing == dump_ours ? other : p;

	snprintf(cause, sizeof(cause), "connection collision: keeping the connection %s initiated",
	         dump_ours ? "the peer" : "we");
	addr_from_v4(&la, p->cfg->ns.bgp_id);
	addr_from_v4(&ra, o->bgp_id);
	snprintf(out->collision, sizeof(out->collision),
	         "%s (BGP identifiers: ours %s, the peer's %s)", cause,
	         addr_fmt(&la, lid, sizeof(lid)), addr_fmt(&ra, rid, sizeof(rid)));
	peer_event(loser, FSM_EV_OPEN_COLLISION_DUMP, NULL, cause,
	           loser == p ? &out->step : &out->other);
	return loser == p;
}

/* The OPEN: validate (lib/negotiate), resolve a collision, feed BGPOpen. */
static void
rx_open(struct peer *p, struct peer *other, const uint8_t *body, size_t len, struct peer_out *out)
{
	struct negotiate_result res;
	struct msg_open o;
	struct msg_error err;

	/* Peer AS, identifier, hold time 0 or >= 3, capabilities. */
	if (!msg_open_decode(body, len, &o, &err) || !negotiate_open(&p->cfg->ns, &o, &res, &err)) {
		peer_error(p, FSM_EV_BGP_OPEN_MSG_ERR, "unacceptable OPEN", &err, &out->step);
		return;
	}
	p->peer_open = o;
	p->open_received = true;
	p->ctx = res.ctx;
	p->ctx.local_addr = p->cfg->local;
	out->open_ok = true;
	if (peer_collision(p, other, &o, out))
		return;
	/* Negotiated timers (RFC 4271 §4.2): the smaller hold time, keepalive a third. */
	struct fsm_input in = {.hold_time = res.hold_time, .keepalive_time = res.keepalive_time};
	enum fsm_event ev = fsm_timer_running(&p->fsm, FSM_TIMER_DELAY_OPEN)
	                            ? FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING
	                            : FSM_EV_BGP_OPEN;

	peer_event(p, ev, &in, "OPEN received", &out->step);
}

static void
rx_update(struct peer *p, const uint8_t *body, size_t len, struct peer_out *out)
{
	if (p->fsm.state != FSM_ESTABLISHED) {
		/* Out of order: the FSM answers with an FSM Error. */
		peer_event(p, FSM_EV_UPDATE_MSG, NULL, "UPDATE before Established", &out->step);
		return;
	}
	out->update_act =
	        msg_update_decode(&p->ctx, body, len, &out->update, p->scratch, &out->update_err);
	if (out->update_act == MSG_ACT_SESSION_RESET) {
		peer_error(p, FSM_EV_UPDATE_MSG_ERR, "malformed UPDATE", &out->update_err,
		           &out->step);
		return;
	}
	peer_event(p, FSM_EV_UPDATE_MSG, NULL, "UPDATE received", &out->step);
}

static void
rx_notification(struct peer *p, const uint8_t *body, size_t len, struct peer_out *out)
{
	struct msg_notification *n = &out->notif;
	char cause[PEER_CAUSE_MAX];

	if (!msg_notification_decode(body, len, n)) {
		/* RFC 4271 §6.4: nothing is sent back for a bad NOTIFICATION. */
		peer_event(p, FSM_EV_NOTIF_MSG, NULL, "malformed NOTIFICATION received",
		           &out->step);
		return;
	}
	out->notif_rcvd = true;
	peer_notif_text(n->code, n->subcode, n->data, n->data_len, out->notif_text,
	                sizeof(out->notif_text));
	snprintf(cause, sizeof(cause), "NOTIFICATION received: %s", out->notif_text);
	bool ver = n->code == ERR_OPEN && n->subcode == ERR_OPEN_UNSUPPORTED_VERSION;
	peer_event(p, ver ? FSM_EV_NOTIF_MSG_VER_ERR : FSM_EV_NOTIF_MSG, NULL, cause, &out->step);
}

static void
rx_route_refresh(struct peer *p, const uint8_t *body, size_t len, struct peer_out *out)
{
	struct msg_route_refresh rr;
	struct msg_error err;

	if (p->fsm.state != FSM_ESTABLISHED) {
		peer_event(p, FSM_EV_UPDATE_MSG, NULL, "ROUTE-REFRESH before Established",
		           &out->step);
		return;
	}
	if (!msg_route_refresh_decode(body, len, &rr, &err)) {
		peer_error(p, FSM_EV_UPDATE_MSG_ERR, "malformed ROUTE-REFRESH", &err, &out->step);
		return;
	}
	/* It also counts as a sign of life for the hold timer. */
	peer_event(p, FSM_EV_KEEPALIVE_MSG, NULL, "ROUTE-REFRESH received", &out->step);
	/* A family the session did not negotiate has nothing to send again. */
	out->refresh = rr.subtype == RR_NORMAL && rr.safi == SAFI_UNICAST && rr.afi <= AFI_IP6 &&
	               (p->ctx.families & msg_fam_bit((uint8_t)rr.afi));
}

static void
peer_out_clear(struct peer_out *out)
{
	out->type = 0;
	out->len = 0;
	out->other.set = false;
	out->collision[0] = '\0';
	out->step.set = false;
	out->open_ok = false;
	out->notif_rcvd = false;
	out->update_act = MSG_ACT_NONE;
	out->refresh = false;
}

enum peer_input_result
peer_input(struct peer *p, struct peer *other, const uint8_t *data, size_t len,
           struct peer_out *out)
{
	peer_out_clear(out);
	if (p->frame_len == 0) {
		struct msg_error err;
		size_t mlen = 0;
		uint8_t type = 0;

		if (len < MSG_HEADER_LEN) {
			p->need = MSG_HEADER_LEN;
			return PEER_IN_NEED;
		}
		if (msg_frame(data, len, p->ctx.max_len, &mlen, &type, &err) == MSG_FRAME_ERROR) {
			peer_error(p, FSM_EV_BGP_HEADER_ERR, "bad message header", &err,
			           &out->step);
			return PEER_IN_ERROR;
		}
		/* The header is good: remember it, never frame this message again. */
		p->frame_len = mlen;
		p->frame_type = type;
	}
	if (len < p->frame_len) {
		p->need = p->frame_len;
		return PEER_IN_NEED;
	}
	out->type = p->frame_type;
	out->len = p->frame_len;
	p->frame_len = 0;
	p->need = MSG_HEADER_LEN;

	const uint8_t *body = data + MSG_HEADER_LEN;
	size_t blen = out->len - MSG_HEADER_LEN;

	switch (out->type) {
	case MSG_OPEN:
		rx_open(p, other, body, blen, out);
		break;
	case MSG_UPDATE:
		rx_update(p, body, blen, out);
		break;
	case MSG_NOTIFICATION:
		rx_notification(p, body, blen, out);
		break;
	case MSG_KEEPALIVE:
		peer_event(p, FSM_EV_KEEPALIVE_MSG, NULL, "KEEPALIVE received", &out->step);
		break;
	case MSG_ROUTE_REFRESH:
		rx_route_refresh(p, body, blen, out);
		break;
	default: /* msg_frame knows no other type */
		break;
	}
	return PEER_IN_MESSAGE;
}

bool
peer_encode(struct peer *p, const struct fsm_action *a, struct wbuf *w)
{
	switch (a->type) {
	case FSM_A_SEND_OPEN:
		negotiate_build_open(&p->cfg->ns, &p->our_open);
		return msg_open_encode(w, &p->our_open);
	case FSM_A_SEND_KEEPALIVE:
		return msg_keepalive_encode(w);
	case FSM_A_SEND_NOTIFICATION:
		return msg_notification_encode(w, a->code, a->subcode, a->data, a->data_len);
	default:
		return false;
	}
}

unsigned
peer_encode_refresh(const struct peer *p, struct wbuf *w)
{
	uint32_t caps = p->peer_open.caps.have;
	unsigned n = 0;

	if (p->fsm.state != FSM_ESTABLISHED || !(caps & MSG_CAP_RR))
		return 0;
	for (uint8_t afi = AFI_IP; afi <= AFI_IP6; afi++) {
		struct msg_route_refresh rr = {
		        .afi = afi, .subtype = RR_NORMAL, .safi = SAFI_UNICAST};

		if (!(p->ctx.families & msg_fam_bit(afi)))
			continue;
		if (msg_route_refresh_encode(w, &rr))
			n++;
	}
	return n;
}

enum peer_accept
peer_accept(const struct peer *p, bool have_second)
{
	switch (p->fsm.state) {
	case FSM_CONNECT:
	case FSM_ACTIVE:
		/* Our own attempt (if any) has not completed: take the peer's. */
		return PEER_ACCEPT_TAKE;
	case FSM_OPENSENT:
	case FSM_OPENCONFIRM:
		/* A collision (§6.8): keep both until an OPEN tells which goes. */
		return have_second ? PEER_ACCEPT_REFUSE : PEER_ACCEPT_SECOND;
	case FSM_IDLE:
		return PEER_ACCEPT_REFUSE_IDLE;
	default:
		/* Established: the running session wins (no CollisionDetectEstablished). */
		return PEER_ACCEPT_REFUSE;
	}
}
