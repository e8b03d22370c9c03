/*
 * libFuzzer harness: one whole received byte stream through what the daemon
 * does with it, kept pure: framing (msg_frame), the decoders, OPEN
 * negotiation (lib/negotiate) and the RFC 4271 §8 FSM (fsm_step), our own
 * OPEN/KEEPALIVE/NOTIFICATION encoded as the actions ask.
 *
 * Input: byte 0 our settings (fuzz_common.h bits 0-5 read as what WE
 * announce; bit 6 passive start, bit 7 DelayOpen), byte 1 one injected
 * event (low nibble: after which message, high nibble: which event, see
 * inject[]), then the stream the peer sends.
 *
 * Checked: the FSM never emits more actions than fit, every state is
 * valid, PEER_UP only on entering Established and PEER_DOWN only after a
 * PEER_UP, a NOTIFICATION is always followed by a CLOSE, the negotiated
 * hold time is what the FSM runs with, and everything we encode decodes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attr.h"
#include "fsm.h"
#include "fuzz_common.h"
#include "msg.h"
#include "negotiate.h"

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

struct sim {
	struct fsm fsm;
	struct negotiate_settings set;
	struct negotiate_result res;
	struct msg_ctx ctx;
	bool up;     /* PEER_UP seen, no PEER_DOWN since */
	bool closed; /* CLOSE performed: the stream is gone */
	bool negotiated;
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

/* Send our OPEN as the daemon does, and check it survives our own decoder. */
static void
send_open(struct sim *s)
{
	struct msg_open o, back;
	struct msg_error err;
	struct wbuf w;
	size_t mlen;
	uint8_t type;

	negotiate_build_open(&s->set, &o);
	wbuf_init(&w, out, sizeof(out));
	CHECK(msg_open_encode(&w, &o));
	CHECK(msg_frame(out, wbuf_len(&w), MSG_MAX_LEN, &mlen, &type, &err) == MSG_FRAME_OK);
	CHECK(type == MSG_OPEN && mlen == wbuf_len(&w));
	CHECK(msg_open_decode(out + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN, &back, &err));
	CHECK(msg_open_as(&back) == s->set.local_as);
}

static void
perform(struct sim *s, const struct fsm_actions *acts)
{
	bool notified = false;
	struct wbuf w;

	CHECK(acts->n <= FSM_MAX_ACTIONS);
	for (size_t i = 0; i < acts->n; i++) {
		const struct fsm_action *a = &acts->a[i];

		CHECK(a->type < FSM_ACTION_TYPE_COUNT);
		(void)fsm_action_name(a->type);
		switch (a->type) {
		case FSM_A_SEND_OPEN:
			send_open(s);
			break;
		case FSM_A_SEND_KEEPALIVE:
			wbuf_init(&w, out, sizeof(out));
			CHECK(msg_keepalive_encode(&w));
			break;
		case FSM_A_SEND_NOTIFICATION:
			wbuf_init(&w, out, sizeof(out));
			CHECK(msg_notification_encode(&w, a->code, a->subcode, a->data,
			                              a->data_len));
			CHECK(a->code >= ERR_HEADER && a->code <= ERR_SEND_HOLD_TIMER);
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
			CHECK(s->fsm.state == FSM_ESTABLISHED);
			CHECK(s->negotiated);
			s->up = true;
			break;
		case FSM_A_PEER_DOWN:
			CHECK(s->up);
			s->up = false;
			break;
		case FSM_A_CONNECT:
		case FSM_A_RELEASE_RESOURCES:
		case FSM_A_PROCESS_UPDATE:
		case FSM_ACTION_TYPE_COUNT:
			break;
		}
	}
	CHECK(!notified); /* a NOTIFICATION is always followed by a CLOSE */
	CHECK(s->fsm.state < FSM_STATE_COUNT);
	if (s->fsm.state == FSM_ESTABLISHED)
		CHECK(s->up);
}

static void
step(struct sim *s, enum fsm_event ev, const struct fsm_input *in)
{
	struct fsm_actions acts;

	fsm_step(&s->fsm, ev, in, &acts);
	perform(s, &acts);
}

static void
step_err(struct sim *s, enum fsm_event ev, const struct msg_error *err)
{
	struct fsm_input in = {.code = err->code,
	                       .subcode = err->subcode,
	                       .data = err->data,
	                       .data_len = err->data_len};

	step(s, ev, &in);
}

static void
rx_open(struct sim *s, const uint8_t *body, size_t len)
{
	struct msg_open o;
	struct msg_error err;
	struct fsm_input in = {0};

	if (!msg_open_decode(body, len, &o, &err)) {
		step_err(s, FSM_EV_BGP_OPEN_MSG_ERR, &err);
		return;
	}
	if (!negotiate_open(&s->set, &o, &s->res, &err)) {
		CHECK(err.code == ERR_OPEN);
		step_err(s, FSM_EV_BGP_OPEN_MSG_ERR, &err);
		return;
	}
	CHECK(s->res.hold_time == 0 || s->res.hold_time >= 3);
	CHECK(s->res.hold_time <= s->set.hold_time && s->res.hold_time <= o.hold_time);
	CHECK(s->res.keepalive_time <= s->res.hold_time);
	in.hold_time = s->res.hold_time;
	in.keepalive_time = s->res.keepalive_time;
	if (s->fsm.state == FSM_OPENSENT || s->fsm.state == FSM_CONNECT ||
	    s->fsm.state == FSM_ACTIVE) {
		s->ctx = s->res.ctx;
		s->negotiated = true;
	}
	step(s,
	     fsm_timer_running(&s->fsm, FSM_TIMER_DELAY_OPEN)
	             ? FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING
	             : FSM_EV_BGP_OPEN,
	     &in);
	if (s->fsm.state == FSM_OPENCONFIRM)
		CHECK(s->fsm.hold_time == s->res.hold_time);
}

static void
rx_update(struct sim *s, const uint8_t *body, size_t len)
{
	struct msg_update u;
	struct msg_error err;
	struct attr_set set;
	enum msg_action act = msg_update_decode(&s->ctx, body, len, &u, &abuf, &err);
	const struct attr *a;

	if (act == MSG_ACT_SESSION_RESET) {
		step_err(s, FSM_EV_UPDATE_MSG_ERR, &err);
		return;
	}
	step(s, FSM_EV_UPDATE_MSG, NULL);
	if (s->fsm.state != FSM_ESTABLISHED)
		return;
	fuzz_walk(&u.withdrawn, AFI_IP);
	if (act != MSG_ACT_TREAT_AS_WITHDRAW) {
		msg_update_attrs(&u, AFI_IP, &set);
		a = attr_intern(table, &set);
		CHECK(a != NULL);
		attr_unref(a);
	}
	fuzz_walk(&u.nlri, AFI_IP);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim s;
	struct fsm_config cfg = {0};
	const uint8_t *in;
	size_t len;
	unsigned nmsg = 0;
	uint8_t b, when, what;

	if (size < 2)
		return 0;
	if (table == NULL)
		table = attr_table_new();
	b = data[0];
	when = data[1] & 0x0f;
	what = data[1] >> 4;
	memset(&s, 0, sizeof(s));
	fuzz_ctx(&s.ctx, b & 0x3f);
	s.set.local_as = s.ctx.local_as;
	s.set.peer_as = s.ctx.peer_as;
	s.set.bgp_id = 0xac100101u;
	s.set.hold_time = 90;
	s.set.families = s.ctx.families;
	s.set.caps = MSG_CAP_RR | MSG_CAP_ENHANCED_RR | ((b & 0x01) ? MSG_CAP_AS4 : 0) |
	             ((b & 0x02) ? MSG_CAP_EXT_MSG : 0);
	s.set.min_hold_time = (b & 0x20) ? 3 : 0;
	msg_ctx_init(&s.ctx, s.set.local_as, s.set.peer_as);

	cfg.passive = (b & 0x40) != 0;
	cfg.delay_open = (b & 0x80) != 0;
	cfg.delay_open_time = 5;
	cfg.idle_hold_time = 5;
	cfg.idle_hold_max = 120;
	cfg.damp_peer_oscillations = true;
	cfg.hold_time = s.set.hold_time;
	cfg.connect_retry_time = 30;
	cfg.auto_restart = true;
	fsm_init(&s.fsm, &cfg);

	step(&s, cfg.passive ? FSM_EV_MANUAL_START_PASSIVE : FSM_EV_MANUAL_START, NULL);
	step(&s, cfg.passive ? FSM_EV_TCP_CONNECTION_CONFIRMED : FSM_EV_TCP_CR_ACKED, NULL);
	s.closed = false;

	in = data + 2;
	len = size - 2;
	while (!s.closed && s.fsm.state != FSM_IDLE) {
		struct msg_error err;
		struct msg_notification n;
		struct msg_route_refresh rr;
		size_t mlen = 0;
		uint8_t type = 0;
		enum msg_frame_result r;

		if (nmsg++ == when) {
			step(&s, inject[what], NULL);
			continue;
		}
		r = msg_frame(in, len, s.ctx.max_len, &mlen, &type, &err);
		if (r == MSG_FRAME_NEED_MORE)
			break;
		if (r == MSG_FRAME_ERROR) {
			step_err(&s, FSM_EV_BGP_HEADER_ERR, &err);
			CHECK(s.closed);
			break;
		}
		switch (type) {
		case MSG_OPEN:
			rx_open(&s, in + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN);
			break;
		case MSG_UPDATE:
			rx_update(&s, in + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN);
			break;
		case MSG_NOTIFICATION:
			if (msg_notification_decode(in + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN,
			                            &n) &&
			    n.code == ERR_OPEN && n.subcode == ERR_OPEN_UNSUPPORTED_VERSION)
				step(&s, FSM_EV_NOTIF_MSG_VER_ERR, NULL);
			else
				step(&s, FSM_EV_NOTIF_MSG, NULL);
			break;
		case MSG_KEEPALIVE:
			step(&s, FSM_EV_KEEPALIVE_MSG, NULL);
			break;
		case MSG_ROUTE_REFRESH:
			if (!msg_route_refresh_decode(in + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN,
			                              &rr, &err))
				step_err(&s, FSM_EV_UPDATE_MSG_ERR, &err);
			break;
		}
		in += mlen;
		len -= mlen;
	}
	/* Tear down as the daemon does on exit. */
	step(&s, FSM_EV_MANUAL_STOP, NULL);
	CHECK(s.fsm.state == FSM_IDLE);
	CHECK(!s.up);
	CHECK(attr_table_count(table) == 0);
	return 0;
}
