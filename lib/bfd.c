/*
 * bfd: RFC 5880 session state machine (see bfd.h for what is covered).
 *
 * Every event handler changes state through set_state(), the one place
 * where entry and exit side effects live (Up: bind and maybe report usable;
 * leaving Up: report down, count the flap, start the hold-down). After each
 * event settle() recomputes everything derived: the advertised intervals
 * (starting a Poll Sequence when they change), the values in force, the
 * transmit schedule and the detection deadline, as FRR's bgp_timer_set does
 * for BGP. Handlers therefore only change the RFC's variables.
 *
 * Choices where RFC 5880 leaves room (each marked CHOICE in the code):
 *  C1 A packet is sent at once only as a Final answering a Poll (§6.8.7's
 *     exception); state changes go out with the next periodic packet, so the
 *     transmit rate never exceeds the negotiated one.
 *  C2 AdminDown keeps transmitting at the slow rate for as long as the
 *     session exists (§6.8.16 allows it indefinitely): the glue deletes the
 *     session when it no longer wants it.
 *  C3 A Poll Sequence starts on every change of the advertised intervals,
 *     whatever the state (§6.8.3 says "MUST" without a state condition);
 *     the "old value until the Final" rule applies only while Up, as the
 *     RFC says.
 *  C4 bfd.LocalDiag keeps the reason of the last exit from Up until the next
 *     one (§4.1: "the local system's reason for the last change in session
 *     state").
 *  C5 Local AdminDown is not a flap: an operator's action is not damped.
 *  C6 Detection expiry also sets bfd.RemoteSessionState to Down: the peer's
 *     last word is stale, and `show bfd` should not keep showing it Up.
 *  C7 When the transmit interval grows, the packet already scheduled keeps
 *     its time and the new interval spaces the ones after it. Leaving Up
 *     raises the interval to 1 s at once (§6.8.3 relaxes nothing when not
 *     Up); redrawing would leave the peer without a packet for up to 1 s, so
 *     its Detection Time (3 x 300 ms) would run out first and it would go
 *     down with diag 1 instead of hearing our Down or AdminDown (diag 3).
 */
#include "bfd.h"

#include "compiler.h"
#include "xorshift.h"

static const char *const event_names[BFD_EVENT_COUNT] = {
        [BFD_EV_RX] = "rx",
        [BFD_EV_TX_TIMER] = "tx-timer",
        [BFD_EV_DETECT_TIMER] = "detect-timer",
        [BFD_EV_HOLD_TIMER] = "hold-timer",
        [BFD_EV_ADMIN_DOWN] = "admin-down",
        [BFD_EV_ADMIN_UP] = "admin-up",
        [BFD_EV_RECONFIGURE] = "reconfigure",
};

static const char *const action_names[BFD_ACTION_TYPE_COUNT] = {
        [BFD_A_SEND] = "send",
        [BFD_A_STATE] = "state",
        [BFD_A_UP] = "up",
        [BFD_A_DOWN] = "down",
};

const char *
bfd_event_name(enum bfd_event e)
{
	return (unsigned)e < BFD_EVENT_COUNT ? event_names[e] : "?";
}

const char *
bfd_action_name(enum bfd_action_type a)
{
	return (unsigned)a < BFD_ACTION_TYPE_COUNT ? action_names[a] : "?";
}

const char *
bfd_config_check(const struct bfd_config *cfg)
{
	if (cfg->desired_min_tx == 0)
		return "the transmit interval must be positive";
	if (cfg->required_min_rx == 0)
		return "the receive interval must be positive";
	if (cfg->detect_mult == 0)
		return "the multiplier must be positive";
	if (cfg->hold_down && cfg->hold_down_max && cfg->hold_down_max < cfg->hold_down)
		return "the hold-down ceiling is below the initial hold-down";
	return NULL;
}

uint64_t
bfd_jitter(uint64_t interval, uint8_t detect_mult, uint32_t r)
{
	uint64_t max_red, min_red, span;

	/* BFD intervals are 32-bit fields; the product below stays in 64 bits. */
	interval = MIN(interval, (uint64_t)UINT32_MAX);
	max_red = interval / 4;
	/* DetectMult 1: at most 90 % so the peer's Detection Time cannot pass
	 * before the next packet (§6.8.7); rounded up so 90 % is a ceiling. */
	min_red = detect_mult == 1 ? (interval + 9) / 10 : 0;
	min_red = MIN(min_red, max_red);
	span = max_red - min_red;
	return interval - (min_red + (((uint64_t)r * (span + 1)) >> 32));
}

/* One event's context. */
struct step {
	struct bfd_session *s;
	const struct bfd_input *in;
	uint64_t now;
	struct bfd_actions *out;
};

static struct bfd_action *
emit(struct step *st, enum bfd_action_type type)
{
	struct bfd_actions *out = st->out;
	struct bfd_action *a;

	/* A step (and bfd_expire) emits at most 3 actions; the array holds 8. */
	if (out->n >= BFD_MAX_ACTIONS)
		return &out->a[BFD_MAX_ACTIONS - 1];
	a = &out->a[out->n++];
	*a = (struct bfd_action){.type = type};
	return a;
}

/* §6.8.7: the contents of every packet we send. */
void
bfd_packet(const struct bfd_session *s, bool final, struct bfd_pkt *out)
{
	*out = (struct bfd_pkt){
	        .version = BFD_VERSION,
	        .diag = (uint8_t)s->local_diag,
	        .state = s->state,
	        /* "MUST NOT have both the Poll (P) and Final (F) bits set" */
	        .poll = s->polling && !final,
	        .final = final,
	        .detect_mult = s->cfg.detect_mult,
	        .length = BFD_PKT_LEN,
	        .my_discr = s->local_discr,
	        .your_discr = s->remote_discr,
	        .desired_min_tx = s->desired_min_tx,
	        .required_min_rx = s->required_min_rx,
	        .required_min_echo_rx = 0, /* no Echo function */
	};
}

static void
send_pkt(struct step *st, bool final)
{
	bfd_packet(st->s, final, &emit(st, BFD_A_SEND)->pkt);
	st->s->cnt.tx++;
}

/* §6.8.3: at least 1 s while not Up, the configured value once Up. */
static uint32_t
advertised_tx(const struct bfd_session *s)
{
	if (s->state == BFD_UP)
		return s->cfg.desired_min_tx;
	return MAX(s->cfg.desired_min_tx, BFD_SLOW_TX);
}

/* §6.8.7: no periodic packets the peer asked not to receive. */
static bool
periodic_allowed(const struct bfd_session *s)
{
	if (s->remote_min_rx == 0)
		return false;
	/* §6.8.6: Demand mode active on the remote, unless we are polling. */
	if (s->remote_demand && s->state == BFD_UP && s->remote_state == BFD_UP && !s->polling)
		return false;
	return true;
}

uint64_t
bfd_tx_interval(const struct bfd_session *s)
{
	if (s->remote_min_rx == 0)
		return 0;
	return MAX(s->tx_in_use, s->remote_min_rx);
}

uint64_t
bfd_rx_interval(const struct bfd_session *s)
{
	if (!s->heard)
		return 0;
	return MAX(s->rx_in_use, s->remote_desired_min_tx);
}

uint64_t
bfd_detect_time(const struct bfd_session *s)
{
	return (uint64_t)s->remote_mult * bfd_rx_interval(s);
}

static void
start_poll(struct bfd_session *s)
{
	if (s->polling) {
		/* The Final may answer a packet sent before or after this
		 * change: only what holds for both is applied on it. */
		s->repoll = true;
		s->poll_tx_min = MIN(s->poll_tx_min, s->desired_min_tx);
		s->poll_rx_max = MAX(s->poll_rx_max, s->required_min_rx);
		return;
	}
	s->polling = true;
	s->repoll = false;
	s->poll_tx_min = s->desired_min_tx;
	s->poll_rx_max = s->required_min_rx;
	s->cnt.polls++;
}

/*
 * §6.8.6 "If a Poll Sequence is being transmitted by the local system and
 * the Final (F) bit in the received packet is set, the Poll Sequence MUST
 * be terminated." The peer has now seen a packet sent during the poll, so
 * the values advertised since it began are in force (§6.8.3).
 */
static void
end_poll(struct bfd_session *s)
{
	if (!s->polling)
		return;
	s->polling = false;
	s->tx_in_use = s->poll_tx_min;
	s->rx_in_use = s->poll_rx_max;
	if (s->repoll)
		start_poll(s);
}

/*
 * §6.8.3: a change of what we advertise starts a Poll Sequence (CHOICE C3).
 * While Up, a shorter transmit interval and a longer receive interval are
 * safe at once; the others wait for the Final: "If bfd.DesiredMinTxInterval
 * is increased and bfd.SessionState is Up, the actual transmission interval
 * used MUST NOT change until the Poll Sequence ... has terminated" and "If
 * bfd.RequiredMinRxInterval is reduced and bfd.SessionState is Up, the
 * previous value ... MUST be used when calculating the Detection Time".
 */
static void
settle_params(struct bfd_session *s)
{
	uint32_t tx = advertised_tx(s), rx = s->cfg.required_min_rx;

	if (tx != s->desired_min_tx || rx != s->required_min_rx) {
		s->desired_min_tx = tx;
		s->required_min_rx = rx;
		start_poll(s);
	}
	if (s->state != BFD_UP) {
		s->tx_in_use = s->desired_min_tx;
		s->rx_in_use = s->required_min_rx;
	} else {
		s->tx_in_use = MIN(s->tx_in_use, s->desired_min_tx);
		s->rx_in_use = MAX(s->rx_in_use, s->required_min_rx);
	}
}

/*
 * The transmit schedule: the next packet is due one jittered interval after
 * the last one. When the interval shrinks the draw is redone from the last
 * packet, so it is honoured at once ("the local system cannot wait longer
 * than the new interval between the previous packet transmission and the
 * next one", §6.8.3); when it grows, CHOICE C7.
 */
static void
settle_tx(struct step *st)
{
	struct bfd_session *s = st->s;
	uint64_t iv, base;

	if (!periodic_allowed(s)) {
		s->next_tx = BFD_NEVER;
		return;
	}
	iv = bfd_tx_interval(s);
	if (s->next_tx != BFD_NEVER && iv == s->sched_interval)
		return;
	if (s->next_tx != BFD_NEVER && iv > s->sched_interval) {
		s->sched_interval = iv; /* CHOICE C7 */
		return;
	}
	s->sched_interval = iv;
	if (s->last_tx == BFD_NEVER) {
		s->next_tx = st->now; /* nothing sent yet: nothing to space from */
		return;
	}
	base = s->last_tx + bfd_jitter(iv, s->cfg.detect_mult, xorshift32(&s->rng));
	s->next_tx = MAX(st->now, base);
}

/*
 * §6.8.4 in Init and Up; in Down it only times out bfd.RemoteDiscr
 * (§6.8.1), so it runs while one is known.
 */
static void
settle_detect(struct bfd_session *s)
{
	if (s->state == BFD_ADMIN_DOWN || s->last_rx == BFD_NEVER ||
	    (s->state == BFD_DOWN && s->remote_discr == 0))
		s->detect_deadline = BFD_NEVER;
	else
		s->detect_deadline = s->last_rx + bfd_detect_time(s);
}

static void
settle(struct step *st)
{
	settle_params(st->s);
	settle_tx(st);
	settle_detect(st->s);
}

static void
make_usable(struct step *st)
{
	struct bfd_session *s = st->s;

	s->usable = true;
	s->usable_since = st->now;
	emit(st, BFD_A_UP);
}

/*
 * A failure took the session out of Up: the next Up waits out a hold-down
 * that doubles per failure and returns to its initial value only after the
 * session stayed usable for the stable time (lib/fsm.c's rule).
 */
static void
damp(struct step *st)
{
	struct bfd_session *s = st->s;
	const struct bfd_config *c = &s->cfg;
	uint64_t stable = c->stable_time ? c->stable_time : s->hold_cur;
	uint64_t cap = MAX(c->hold_down_max, c->hold_down);

	if (!c->hold_down)
		return;
	if (s->usable && st->now - s->usable_since >= stable)
		s->hold_cur = c->hold_down;
	s->hold_until = st->now + s->hold_cur;
	s->hold_cur = s->hold_cur > cap / 2 ? cap : s->hold_cur * 2;
}

/* Every state change; s->local_diag is already the reason. */
static void
set_state(struct step *st, enum bfd_state to)
{
	struct bfd_session *s = st->s;
	enum bfd_state from = s->state;
	struct bfd_action *a;

	if (from == to)
		return;
	s->state = to;
	s->state_since = st->now;
	s->cnt.state_changes++;
	a = emit(st, BFD_A_STATE);
	a->from = from;
	a->to = to;
	a->diag = s->local_diag;

	if (from == BFD_UP) {
		if (to == BFD_DOWN) { /* CHOICE C5: AdminDown is not a flap */
			s->cnt.flaps++;
			damp(st);
		}
		if (s->usable) {
			a = emit(st, BFD_A_DOWN);
			a->diag = s->local_diag;
			a->remote_state = s->remote_state;
		}
		s->usable = false;
	}
	if (to == BFD_UP) {
		s->bound = true;
		if (s->hold_until == BFD_NEVER || st->now >= s->hold_until)
			make_usable(st);
	}
}

static void
go_down(struct step *st, enum bfd_diag diag)
{
	st->s->local_diag = diag;
	set_state(st, BFD_DOWN);
}

/* §6.8.6 from "If the Your Discriminator field is nonzero" on. */
static void
step_rx(struct step *st)
{
	struct bfd_session *s = st->s;
	const struct bfd_pkt *p = st->in ? st->in->pkt : NULL;

	if (!p)
		return;
	if (bfd_pkt_check(p, st->in->payload ? st->in->payload : p->length) != BFD_PKT_OK ||
	    (p->your_discr != 0 && p->your_discr != s->local_discr)) {
		/* The glue selects the session by Your Discriminator; a packet
		 * for another discriminator is "no session found". */
		s->cnt.rx_discarded++;
		return;
	}
	s->heard = true;
	s->remote_discr = p->my_discr;
	s->remote_state = p->state;
	s->remote_demand = p->demand;
	s->remote_min_rx = p->required_min_rx;
	s->remote_desired_min_tx = p->desired_min_tx;
	s->remote_mult = p->detect_mult;
	if (p->final)
		end_poll(s);
	if (s->state == BFD_ADMIN_DOWN) {
		/* "If bfd.SessionState is AdminDown: Discard the packet" */
		s->cnt.rx_discarded++;
		settle(st);
		return;
	}
	s->cnt.rx++;
	s->last_rx = st->now;

	if (p->state == BFD_ADMIN_DOWN) {
		if (s->state != BFD_DOWN)
			go_down(st, BFD_DIAG_NEIGHBOR_DOWN);
	} else if (s->state == BFD_DOWN) {
		if (p->state == BFD_DOWN)
			set_state(st, BFD_INIT);
		else if (p->state == BFD_INIT)
			set_state(st, BFD_UP);
	} else if (s->state == BFD_INIT) {
		if (p->state == BFD_INIT || p->state == BFD_UP)
			set_state(st, BFD_UP);
	} else if (p->state == BFD_DOWN) { /* Up */
		go_down(st, BFD_DIAG_NEIGHBOR_DOWN);
	}
	settle(st);
	/* §6.8.7: a Poll is answered at once, after the state change so the
	 * Final carries the new state (CHOICE C1). */
	if (p->poll)
		send_pkt(st, true);
}

static void
step_tx(struct step *st)
{
	struct bfd_session *s = st->s;

	if (s->next_tx == BFD_NEVER || st->now < s->next_tx)
		return; /* stale: rescheduled since the timer was armed */
	send_pkt(st, false);
	s->last_tx = st->now;
	s->next_tx = BFD_NEVER; /* settle draws the next one */
	settle(st);
}

static void
step_detect(struct step *st)
{
	struct bfd_session *s = st->s;

	if (s->detect_deadline == BFD_NEVER || st->now < s->detect_deadline)
		return;
	/* §6.8.4: "the session has gone down -- the local system MUST set
	 * bfd.SessionState to Down and bfd.LocalDiag to 1". */
	if (s->state == BFD_INIT || s->state == BFD_UP)
		go_down(st, BFD_DIAG_DETECT_EXPIRED);
	/* §6.8.1: RemoteDiscr "MUST be set to zero" after a Detection Time
	 * without a packet. CHOICE C6 for the remote state. */
	s->remote_discr = 0;
	s->remote_state = BFD_DOWN;
	s->last_rx = BFD_NEVER;
	settle(st);
}

static void
step_hold(struct step *st)
{
	struct bfd_session *s = st->s;

	if (s->state == BFD_UP && !s->usable && s->hold_until != BFD_NEVER &&
	    st->now >= s->hold_until)
		make_usable(st);
}

/* §6.8.16 administrative control. */
static void
step_admin(struct step *st, bool down)
{
	struct bfd_session *s = st->s;

	if (down && s->state != BFD_ADMIN_DOWN) {
		s->local_diag = st->in && st->in->diag ? st->in->diag : BFD_DIAG_ADMIN_DOWN;
		set_state(st, BFD_ADMIN_DOWN);
	} else if (!down && s->state == BFD_ADMIN_DOWN) {
		set_state(st, BFD_DOWN);
	}
	settle(st);
}

static void
step_reconfigure(struct step *st)
{
	struct bfd_session *s = st->s;
	const struct bfd_config *c = st->in ? st->in->cfg : NULL;
	uint64_t cap;

	if (!c || bfd_config_check(c))
		return;
	s->cfg = *c;
	cap = MAX(c->hold_down_max, c->hold_down);
	s->hold_cur = MIN(MAX(s->hold_cur, c->hold_down), cap);
	/* New intervals reach the peer through settle's Poll Sequence. */
	settle(st);
}

static void
step_into(struct bfd_session *s, enum bfd_event ev, const struct bfd_input *in, uint64_t now,
          struct bfd_actions *out)
{
	struct step st = {.s = s, .in = in, .now = now, .out = out};

	switch (ev) {
	case BFD_EV_RX:
		step_rx(&st);
		break;
	case BFD_EV_TX_TIMER:
		step_tx(&st);
		break;
	case BFD_EV_DETECT_TIMER:
		step_detect(&st);
		break;
	case BFD_EV_HOLD_TIMER:
		step_hold(&st);
		break;
	case BFD_EV_ADMIN_DOWN:
	case BFD_EV_ADMIN_UP:
		step_admin(&st, ev == BFD_EV_ADMIN_DOWN);
		break;
	case BFD_EV_RECONFIGURE:
		step_reconfigure(&st);
		break;
	default:
		break;
	}
}

void
bfd_step(struct bfd_session *s, enum bfd_event ev, const struct bfd_input *in, uint64_t now,
         struct bfd_actions *out)
{
	out->n = 0;
	step_into(s, ev, in, now, out);
}

void
bfd_expire(struct bfd_session *s, uint64_t now, struct bfd_actions *out)
{
	out->n = 0;
	/* Detection first, so a Down goes out in the packet sent next. */
	step_into(s, BFD_EV_DETECT_TIMER, NULL, now, out);
	step_into(s, BFD_EV_HOLD_TIMER, NULL, now, out);
	step_into(s, BFD_EV_TX_TIMER, NULL, now, out);
}

uint64_t
bfd_next_tx(const struct bfd_session *s)
{
	return s->next_tx;
}

uint64_t
bfd_detect_deadline(const struct bfd_session *s)
{
	return s->detect_deadline;
}

uint64_t
bfd_hold_deadline(const struct bfd_session *s)
{
	if (s->state == BFD_UP && !s->usable)
		return s->hold_until;
	return BFD_NEVER;
}

uint64_t
bfd_next_deadline(const struct bfd_session *s)
{
	return MIN(MIN(bfd_next_tx(s), bfd_detect_deadline(s)), bfd_hold_deadline(s));
}

const char *
bfd_show_state(const struct bfd_session *s)
{
	if (s->state != BFD_ADMIN_DOWN && !s->heard)
		return "peer silent";
	return bfd_state_name(s->state);
}

void
bfd_init(struct bfd_session *s, const struct bfd_config *cfg, uint32_t local_discr, uint64_t now,
         uint32_t seed)
{
	*s = (struct bfd_session){
	        .cfg = *cfg,
	        .state = BFD_DOWN,
	        .remote_state = BFD_DOWN,
	        .local_discr = local_discr,
	        .local_diag = BFD_DIAG_NONE,
	        .required_min_rx = cfg->required_min_rx,
	        .remote_min_rx = 1, /* §6.8.1: "MUST be initialized to 1" */
	        .next_tx = now,     /* the first packet goes out at once */
	        .last_tx = BFD_NEVER,
	        .last_rx = BFD_NEVER,
	        .detect_deadline = BFD_NEVER,
	        .hold_until = BFD_NEVER,
	        .hold_cur = cfg->hold_down,
	        .state_since = now,
	        .rng = seed ? seed : 0x9e3779b9u, /* xorshift must not start at 0 */
	};
	s->desired_min_tx = advertised_tx(s);
	s->tx_in_use = s->desired_min_tx;
	s->rx_in_use = s->required_min_rx;
	s->sched_interval = bfd_tx_interval(s);
}
