/*
 * libFuzzer harness: one whole received byte stream through the daemon's
 * own receive path, lib/peer (peer_input: framing, the decoders, OPEN
 * negotiation, the collision verdict, the RFC 4271 §8 FSM), fed the way
 * bgpd/peer_io does: exactly peer->need contiguous bytes at a time. The
 * actions are performed as bgpd/session.c does, with lib/peer's encoder
 * for every message we send; a PROCESS_UPDATE goes through the attribute
 * table as the RIB import does.
 *
 * Input: byte 0 our settings (fuzz_common.h bits 0-5 read as what WE
 * announce; bit 6 passive start, and then our own connection waits in
 * OpenSent beside the peer's, a collision (RFC 4271 §6.8); bit 7
 * DelayOpen), byte 1 one injected event (low nibble: after which message,
 * high nibble: which event, see inject[]), then the stream the peer sends.
 *
 * Checked: the FSM never emits more actions than fit, every state is
 * valid, PEER_UP only on entering Established and PEER_DOWN only after a
 * PEER_UP, a NOTIFICATION is always followed by a CLOSE, everything we
 * encode frames and decodes, need never asks for more than a message,
 * the negotiated hold time is what the FSM runs with, and a collision
 * leaves exactly one connection.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attr.h"
#include "fuzz_common.h"
#include "peer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                        \
		}                                                                       \
	} while (0)

static struct msg_attr_buf abuf;
static struct attr_table *table;
static uint8_t out[MSG_MAX_LEN_EXT];

/* One connection as bgpd/session.c keeps it. */
struct sim {
	struct peer p;
	bool up;     /* PEER_UP seen, no PEER_DOWN since */
	bool closed; /* CLOSE performed: the stream is gone */
};

static const enum fsm_event inject[16] = {
        FSM_EV_KEEPALIVE_TIMER_EXPIRES,
        FSM_EV_HOLD_TIMER_EXPIRES,
        FSM_EV_CONNECT_RETRY_TIMER_EXPIRES,
        FSM_EV_DELAY_OPEN_TIMER_EXPIRES,
        FSM_EV_SEND_HOLD_TIMER_EXPIRES,
        FSM_EV_MANUAL_STOP,
        FSM_EV_AUTOMATIC_STOP,
        FSM_EV_TCP_CONNECTION_FAILS,
        FSM_EV_STABLE_TIMER_EXPIRES,
        FSM_EV_IDLE_HOLD_TIMER_EXPIRES,
        FSM_EV_TCP_CONNECTION_CONFIRMED,
        FSM_EV_TCP_CR_ACKED,
        FSM_EV_OPEN_COLLISION_DUMP,
        FSM_EV_AUTOMATIC_START,
        FSM_EV_MANUAL_START,
        FSM_EV_KEEPALIVE_TIMER_EXPIRES,
};

/* What we send must frame, and our OPEN must survive our own decoder. */
static void
send(struct sim *s, const struct fsm_action *a)
{
	struct msg_open back;
	struct msg_error err;
	struct wbuf w;
	size_t mlen;
	uint8_t type;

	wbuf_init(&w, out, sizeof(out));
	CHECK(peer_encode(&s->p, a, &w));
	CHECK(msg_frame(out, wbuf_len(&w), MSG_MAX_LEN, &mlen, &type, &err) == MSG_FRAME_OK);
	CHECK(mlen == wbuf_len(&w));
	if (a->type == FSM_A_SEND_OPEN) {
		CHECK(type == MSG_OPEN);
		CHECK(msg_open_decode(out + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN, &back, &err));
		CHECK(msg_open_as(&back) == s->p.cfg->ns.local_as);
	} else if (a->type == FSM_A_SEND_NOTIFICATION) {
		CHECK(type == MSG_NOTIFICATION);
		CHECK(a->code >= ERR_HEADER && a->code <= ERR_SEND_HOLD_TIMER);
	} else {
		CHECK(type == MSG_KEEPALIVE);
	}
}

/* The RIB import of session.c, against the attribute table. */
static void
import(const struct peer_out *o)
{
	struct msg_update u = o->update;
	struct attr_set set;
	const struct attr *a;

	fuzz_walk(&u.withdrawn, AFI_IP);
	if (o->update_act != MSG_ACT_TREAT_AS_WITHDRAW) {
		msg_update_attrs(&u, AFI_IP, &set);
		a = attr_intern(table, &set);
		CHECK(a != NULL);
		attr_unref(a);
	}
	fuzz_walk(&u.nlri, AFI_IP);
}

static void
perform(struct sim *s, const struct peer_step *st, const struct peer_out *o)
{
	bool notified = false;

	if (!st->set)
		return;
	CHECK(st->acts.n <= FSM_MAX_ACTIONS);
	for (size_t i = 0; i < st->acts.n; i++) {
		const struct fsm_action *a = &st->acts.a[i];

		CHECK(a->type < FSM_ACTION_TYPE_COUNT);
		(void)fsm_action_name(a->type);
		switch (a->type) {
		case FSM_A_SEND_OPEN:
		case FSM_A_SEND_KEEPALIVE:
			send(s, a);
			break;
		case FSM_A_SEND_NOTIFICATION:
			send(s, a);
			notified = true;
			break;
		case FSM_A_CLOSE:
			s->closed = true;
			notified = false;
			break;
		case FSM_A_START_TIMER:
			CHECK(a->timer < FSM_TIMER_COUNT);
			if (fsm_timer_jittered(a->timer))
				CHECK(fsm_jitter(a->secs, 0xdeadbeef) <= a->secs);
			break;
		case FSM_A_STOP_TIMER:
			CHECK(a->timer < FSM_TIMER_COUNT);
			break;
		case FSM_A_PEER_UP:
			CHECK(!s->up);
			CHECK(s->p.fsm.state == FSM_ESTABLISHED);
			CHECK(s->p.open_received);
			s->up = true;
			break;
		case FSM_A_PEER_DOWN:
			CHECK(s->up);
			s->up = false;
			break;
		case FSM_A_PROCESS_UPDATE:
			CHECK(o != NULL && o->type == MSG_UPDATE);
			CHECK(s->p.fsm.state == FSM_ESTABLISHED);
			import(o);
			break;
		case FSM_A_RELEASE_RESOURCES:
			CHECK(!s->p.open_received);
			break;
		case FSM_A_CONNECT:
		case FSM_ACTION_TYPE_COUNT:
			break;
		}
	}
	CHECK(!notified); /* a NOTIFICATION is always followed by a CLOSE */
	CHECK(s->p.fsm.state < FSM_STATE_COUNT);
	if (s->p.fsm.state == FSM_ESTABLISHED)
		CHECK(s->up);
}

static void
event(struct sim *s, enum fsm_event ev)
{
	struct peer_step st;

	peer_event(&s->p, ev, NULL, NULL, &st);
	perform(s, &st, NULL);
}

/* Our side from byte 0: what we announce, how we start. */
static void
settings(struct peer_config *cfg, uint8_t b)
{
	struct msg_ctx ctx;

	fuzz_ctx(&ctx, b & 0x3f);
	memset(cfg, 0, sizeof(*cfg));
	cfg->ns.local_as = ctx.local_as;
	cfg->ns.peer_as = ctx.peer_as;
	cfg->ns.bgp_id = 0xac100101u;
	cfg->ns.hold_time = 90;
	cfg->ns.families = ctx.families;
	cfg->ns.caps = MSG_CAP_RR | MSG_CAP_ENHANCED_RR | ((b & 0x01) ? MSG_CAP_AS4 : 0) |
	               ((b & 0x02) ? MSG_CAP_EXT_MSG : 0);
	cfg->ns.min_hold_time = (b & 0x20) ? 3 : 0;
	cfg->local = ctx.local_addr;
	cfg->fsm.passive = (b & 0x40) != 0;
	cfg->fsm.delay_open = (b & 0x80) != 0;
	cfg->fsm.delay_open_time = 5;
	cfg->fsm.idle_hold_time = 5;
	cfg->fsm.idle_hold_max = 120;
	cfg->fsm.damp_peer_oscillations = true;
	cfg->fsm.hold_time = cfg->ns.hold_time;
	cfg->fsm.connect_retry_time = 30;
	cfg->fsm.auto_restart = true;
}

/* One message (or header error) handled: check what lib/peer said. */
static void
received(struct sim *s, struct sim *other, const struct peer_out *o, enum peer_input_result r)
{
	if (o->other.set) {
		CHECK(other != NULL);
		CHECK(o->other.ev == FSM_EV_OPEN_COLLISION_DUMP);
		perform(other, &o->other, NULL);
		CHECK(other->p.fsm.state == FSM_IDLE && other->closed);
	}
	perform(s, &o->step, o);
	if (r == PEER_IN_ERROR) {
		CHECK(s->closed);
		return;
	}
	CHECK(o->len >= MSG_HEADER_LEN && o->len <= MSG_MAX_LEN_EXT);
	if (o->open_ok && s->p.fsm.state == FSM_OPENCONFIRM) {
		CHECK(s->p.fsm.hold_time == 0 || s->p.fsm.hold_time >= 3);
		CHECK(s->p.fsm.hold_time <= s->p.cfg->ns.hold_time);
		CHECK(s->p.fsm.hold_time <= s->p.peer_open.hold_time);
		CHECK(s->p.fsm.keepalive_time <= s->p.fsm.hold_time);
	}
	/* §6.8: after a verdict one of the two connections is gone. */
	if (o->collision[0] && other)
		CHECK(s->p.fsm.state == FSM_IDLE || other->p.fsm.state == FSM_IDLE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer_config cfg, cfg_ours;
	struct sim s, ours, *other = NULL;
	struct peer_out o;
	const uint8_t *in;
	size_t len;
	unsigned nmsg = 0;
	uint8_t when, what;

	if (size < 2)
		return 0;
	if (table == NULL)
		table = attr_table_new();
	when = data[1] & 0x0f;
	what = data[1] >> 4;
	settings(&cfg, data[0]);
	memset(&s, 0, sizeof(s));
	peer_init(&s.p, &cfg, &abuf);
	if (cfg.fsm.passive) {
		/* Our own connection is in OpenSent when the peer's comes in. */
		memset(&ours, 0, sizeof(ours));
		cfg_ours = cfg;
		cfg_ours.fsm.passive = false;
		cfg_ours.fsm.delay_open = false; /* our OPEN goes out at once */
		peer_init(&ours.p, &cfg_ours, &abuf);
		event(&ours, FSM_EV_MANUAL_START);
		peer_transport(&ours.p, true);
		event(&ours, FSM_EV_TCP_CR_ACKED);
		CHECK(ours.p.fsm.state == FSM_OPENSENT);
		other = &ours;
	}
	event(&s, cfg.fsm.passive ? FSM_EV_MANUAL_START_PASSIVE : FSM_EV_MANUAL_START);
	peer_transport(&s.p, !cfg.fsm.passive);
	event(&s, cfg.fsm.passive ? FSM_EV_TCP_CONNECTION_CONFIRMED : FSM_EV_TCP_CR_ACKED);
	s.closed = false;

	in = data + 2;
	len = size - 2;
	while (!s.closed && s.p.fsm.state != FSM_IDLE) {
		if (nmsg++ == when) {
			event(&s, inject[what]);
			continue;
		}
		/* As peer_io: exactly the contiguous bytes lib/peer asks for. */
		size_t need = s.p.need;
		CHECK(need >= MSG_HEADER_LEN && need <= MSG_MAX_LEN_EXT);
		if (len < need)
			break;
		enum peer_input_result r =
		        peer_input(&s.p, other && !other->closed ? &other->p : NULL, in, need, &o);
		if (r == PEER_IN_NEED) {
			CHECK(s.p.need > need);
			continue;
		}
		received(&s, other && !other->closed ? other : NULL, &o, r);
		if (r == PEER_IN_ERROR)
			break;
		CHECK(o.len == need);
		in += o.len;
		len -= o.len;
	}
	/* Tear down as the daemon does on exit. */
	event(&s, FSM_EV_MANUAL_STOP);
	CHECK(s.p.fsm.state == FSM_IDLE);
	CHECK(!s.up);
	if (other) {
		event(other, FSM_EV_MANUAL_STOP);
		CHECK(!other->up);
	}
	CHECK(attr_table_count(table) == 0);
	return 0;
}
