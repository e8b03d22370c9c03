/*
 * BFD session tests: the whole state x stimulus table (every cell asserts
 * the next state, the exact action list and bfd.LocalDiag), then scenarios:
 * two sessions talking through encoded packets on a simulated clock, and
 * unit checks of the timer rules of RFC 5880 §6.8.3, §6.8.4 and §6.8.7.
 *
 * Actions are rendered compactly:
 *   tx:<State>[+P|+F]   a packet to send, with the sender's state and flags
 *   <From>-><To>/<diag> a state change and bfd.LocalDiag
 *   up | down/<diag>    the path became usable / stopped being usable
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd.h"
#include "compiler.h"

#define MS(x) ((uint64_t)(x)*1000u)

static const struct bfd_config base_cfg = {
        .desired_min_tx = 300000,
        .required_min_rx = 300000,
        .detect_mult = 3,
        .hold_down = MS(2000),
        .hold_down_max = MS(16000),
        .stable_time = 0,
};

#define LOCAL  0x1001u
#define REMOTE 0x2002u

static void
render(const struct bfd_actions *acts, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < acts->n && off < len; i++) {
		const struct bfd_action *a = &acts->a[i];
		char one[64];

		switch (a->type) {
		case BFD_A_SEND:
			snprintf(one, sizeof(one), "tx:%s%s%s", bfd_state_name(a->pkt.state),
			         a->pkt.poll ? "+P" : "", a->pkt.final ? "+F" : "");
			break;
		case BFD_A_STATE:
			snprintf(one, sizeof(one), "%s->%s/%u", bfd_state_name(a->from),
			         bfd_state_name(a->to), a->diag);
			break;
		case BFD_A_UP:
			snprintf(one, sizeof(one), "up");
			break;
		case BFD_A_DOWN:
			snprintf(one, sizeof(one), "down/%u", a->diag);
			break;
		default:
			snprintf(one, sizeof(one), "?%d", (int)a->type);
			break;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", one);
	}
}

/* A packet from the peer as it would arrive, valid unless changed. */
static struct bfd_pkt
peer_pkt(enum bfd_state st)
{
	return (struct bfd_pkt){
	        .version = 1,
	        .state = st,
	        .detect_mult = 3,
	        .length = BFD_PKT_LEN,
	        .my_discr = REMOTE,
	        .your_discr = LOCAL,
	        .desired_min_tx = 300000,
	        .required_min_rx = 300000,
	};
}

static void
rx(struct bfd_session *s, const struct bfd_pkt *p, uint64_t now, struct bfd_actions *out)
{
	const struct bfd_input in = {.pkt = p, .payload = BFD_PKT_LEN};

	bfd_step(s, BFD_EV_RX, &in, now, out);
}

static void
rx_state(struct bfd_session *s, enum bfd_state st, uint64_t now)
{
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(st);

	rx(s, &p, now, &acts);
}

static void
rx_final(struct bfd_session *s, uint64_t now)
{
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(BFD_UP);

	p.final = true;
	rx(s, &p, now, &acts);
}

static void
ev(struct bfd_session *s, enum bfd_event e, uint64_t now)
{
	struct bfd_actions acts;

	bfd_step(s, e, NULL, now, &acts);
}

enum row {
	ROW_ADMIN_DOWN,
	ROW_DOWN_SILENT, /* fresh: nothing heard */
	ROW_DOWN_HEARD,  /* back in Down, the peer's discriminator known */
	ROW_INIT,
	ROW_UP,      /* Up, usable, Poll Sequence done */
	ROW_UP_HELD, /* Up after a flap, hold-down running, still polling */
	ROW_COUNT
};

static const char *const row_names[ROW_COUNT] = {
        "AdminDown", "Down(silent)", "Down(heard)", "Init", "Up", "Up(held)",
};

enum stim {
	S_RX_ADMIN_DOWN,
	S_RX_DOWN,
	S_RX_INIT,
	S_RX_UP,
	S_RX_UP_POLL,
	S_RX_UP_FINAL,
	S_RX_OTHER_DISCR, /* Your Discriminator of another session */
	S_RX_INVALID,     /* Up with Your Discriminator 0 (§6.8.6) */
	S_DETECT,
	S_TX,
	S_HOLD,
	S_ADMIN_DOWN,
	S_ADMIN_UP,
	S_COUNT
};

static const char *const stim_names[S_COUNT] = {
        "rx AdminDown", "rx Down",    "rx Init",  "rx Up",        "rx Up+P",
        "rx Up+F",      "rx other",   "rx bad",   "detect-timer", "tx-timer",
        "hold-timer",   "admin-down", "admin-up",
};

/* Row setups end at T0; the stimulus comes 10 ms later. */
#define T0 MS(500)

static void
setup_row(struct bfd_session *s, enum row r)
{
	bfd_init(s, &base_cfg, LOCAL, 0, 1);
	switch (r) {
	case ROW_ADMIN_DOWN:
		ev(s, BFD_EV_ADMIN_DOWN, T0);
		break;
	case ROW_DOWN_SILENT:
		break;
	case ROW_DOWN_HEARD:
		rx_state(s, BFD_DOWN, MS(100));
		rx_state(s, BFD_ADMIN_DOWN, T0);
		break;
	case ROW_INIT:
		rx_state(s, BFD_DOWN, T0);
		break;
	case ROW_UP:
		rx_state(s, BFD_DOWN, MS(100));
		rx_state(s, BFD_UP, MS(200));
		rx_final(s, T0);
		break;
	case ROW_UP_HELD:
		rx_state(s, BFD_DOWN, MS(100));
		rx_state(s, BFD_UP, MS(200));
		rx_state(s, BFD_DOWN, MS(300)); /* flap: hold-down 2 s from here */
		rx_state(s, BFD_DOWN, MS(400));
		rx_state(s, BFD_INIT, T0);
		break;
	default:
		break;
	}
}

struct cell {
	enum bfd_state next;
	const char *actions;
	enum bfd_diag diag;
};

/*
 * The table, reviewed cell by cell against RFC 5880 §6.2 and §6.8.6 and the
 * choices C1-C6 listed at the top of lib/bfd.c.
 */
/* clang-format off */
static const struct cell table[ROW_COUNT][S_COUNT] = {
	[ROW_ADMIN_DOWN] = {
		/* "If bfd.SessionState is AdminDown: Discard the packet" */
		[S_RX_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_DOWN] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_INIT] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_UP] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_UP_POLL] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_UP_FINAL] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_OTHER_DISCR] = {BFD_ADMIN_DOWN, "", 7},
		[S_RX_INVALID] = {BFD_ADMIN_DOWN, "", 7},
		[S_DETECT] = {BFD_ADMIN_DOWN, "", 7},
		[S_TX] = {BFD_ADMIN_DOWN, "tx:AdminDown", 7},
		[S_HOLD] = {BFD_ADMIN_DOWN, "", 7},
		[S_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "", 7},
		[S_ADMIN_UP] = {BFD_DOWN, "AdminDown->Down/7", 7},
	},
	[ROW_DOWN_SILENT] = {
		[S_RX_ADMIN_DOWN] = {BFD_DOWN, "", 0},
		[S_RX_DOWN] = {BFD_INIT, "Down->Init/0", 0},
		[S_RX_INIT] = {BFD_UP, "Down->Up/0 up", 0},
		[S_RX_UP] = {BFD_DOWN, "", 0},
		[S_RX_UP_POLL] = {BFD_DOWN, "tx:Down+F", 0},
		[S_RX_UP_FINAL] = {BFD_DOWN, "", 0},
		[S_RX_OTHER_DISCR] = {BFD_DOWN, "", 0},
		[S_RX_INVALID] = {BFD_DOWN, "", 0},
		[S_DETECT] = {BFD_DOWN, "", 0},
		[S_TX] = {BFD_DOWN, "tx:Down", 0},
		[S_HOLD] = {BFD_DOWN, "", 0},
		[S_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "Down->AdminDown/7", 7},
		[S_ADMIN_UP] = {BFD_DOWN, "", 0},
	},
	[ROW_DOWN_HEARD] = {
		[S_RX_ADMIN_DOWN] = {BFD_DOWN, "", 3},
		[S_RX_DOWN] = {BFD_INIT, "Down->Init/3", 3},
		[S_RX_INIT] = {BFD_UP, "Down->Up/3 up", 3},
		[S_RX_UP] = {BFD_DOWN, "", 3},
		[S_RX_UP_POLL] = {BFD_DOWN, "tx:Down+F", 3},
		[S_RX_UP_FINAL] = {BFD_DOWN, "", 3},
		[S_RX_OTHER_DISCR] = {BFD_DOWN, "", 3},
		[S_RX_INVALID] = {BFD_DOWN, "", 3},
		/* §6.8.1: only forgets bfd.RemoteDiscr (checked below) */
		[S_DETECT] = {BFD_DOWN, "", 3},
		[S_TX] = {BFD_DOWN, "tx:Down", 3},
		[S_HOLD] = {BFD_DOWN, "", 3},
		[S_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "Down->AdminDown/7", 7},
		[S_ADMIN_UP] = {BFD_DOWN, "", 3},
	},
	[ROW_INIT] = {
		[S_RX_ADMIN_DOWN] = {BFD_DOWN, "Init->Down/3", 3},
		[S_RX_DOWN] = {BFD_INIT, "", 0},
		[S_RX_INIT] = {BFD_UP, "Init->Up/0 up", 0},
		[S_RX_UP] = {BFD_UP, "Init->Up/0 up", 0},
		/* the Final carries the new state (C1) and no P (§6.8.7) */
		[S_RX_UP_POLL] = {BFD_UP, "Init->Up/0 up tx:Up+F", 0},
		[S_RX_UP_FINAL] = {BFD_UP, "Init->Up/0 up", 0},
		[S_RX_OTHER_DISCR] = {BFD_INIT, "", 0},
		[S_RX_INVALID] = {BFD_INIT, "", 0},
		[S_DETECT] = {BFD_DOWN, "Init->Down/1", 1},
		[S_TX] = {BFD_INIT, "tx:Init", 0},
		[S_HOLD] = {BFD_INIT, "", 0},
		[S_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "Init->AdminDown/7", 7},
		[S_ADMIN_UP] = {BFD_INIT, "", 0},
	},
	[ROW_UP] = {
		[S_RX_ADMIN_DOWN] = {BFD_DOWN, "Up->Down/3 down/3", 3},
		[S_RX_DOWN] = {BFD_DOWN, "Up->Down/3 down/3", 3},
		[S_RX_INIT] = {BFD_UP, "", 0},
		[S_RX_UP] = {BFD_UP, "", 0},
		[S_RX_UP_POLL] = {BFD_UP, "tx:Up+F", 0},
		[S_RX_UP_FINAL] = {BFD_UP, "", 0},
		[S_RX_OTHER_DISCR] = {BFD_UP, "", 0},
		[S_RX_INVALID] = {BFD_UP, "", 0},
		[S_DETECT] = {BFD_DOWN, "Up->Down/1 down/1", 1},
		[S_TX] = {BFD_UP, "tx:Up", 0},
		[S_HOLD] = {BFD_UP, "", 0},
		[S_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "Up->AdminDown/7 down/7", 7},
		[S_ADMIN_UP] = {BFD_UP, "", 0},
	},
	[ROW_UP_HELD] = {
		/* never reported usable, so no "down" for BGP */
		[S_RX_ADMIN_DOWN] = {BFD_DOWN, "Up->Down/3", 3},
		[S_RX_DOWN] = {BFD_DOWN, "Up->Down/3", 3},
		[S_RX_INIT] = {BFD_UP, "", 3},
		[S_RX_UP] = {BFD_UP, "", 3},
		[S_RX_UP_POLL] = {BFD_UP, "tx:Up+F", 3},
		[S_RX_UP_FINAL] = {BFD_UP, "", 3},
		[S_RX_OTHER_DISCR] = {BFD_UP, "", 3},
		[S_RX_INVALID] = {BFD_UP, "", 3},
		[S_DETECT] = {BFD_DOWN, "Up->Down/1", 1},
		[S_TX] = {BFD_UP, "tx:Up+P", 3},
		[S_HOLD] = {BFD_UP, "up", 3},
		[S_ADMIN_DOWN] = {BFD_ADMIN_DOWN, "Up->AdminDown/7", 7},
		[S_ADMIN_UP] = {BFD_UP, "", 3},
	},
};
/* clang-format on */

/* Apply stimulus x to s at its natural time; returns the time used. */
static uint64_t
apply(struct bfd_session *s, enum stim x, struct bfd_actions *acts)
{
	uint64_t now = T0 + MS(10);
	struct bfd_pkt p = peer_pkt(BFD_UP);

	switch (x) {
	case S_RX_ADMIN_DOWN:
		p.state = BFD_ADMIN_DOWN;
		break;
	case S_RX_DOWN:
		p.state = BFD_DOWN;
		break;
	case S_RX_INIT:
		p.state = BFD_INIT;
		break;
	case S_RX_UP:
		break;
	case S_RX_UP_POLL:
		p.poll = true;
		break;
	case S_RX_UP_FINAL:
		p.final = true;
		break;
	case S_RX_OTHER_DISCR:
		p.your_discr = LOCAL + 1;
		break;
	case S_RX_INVALID:
		p.your_discr = 0;
		break;
	case S_DETECT:
		if (bfd_detect_deadline(s) != BFD_NEVER)
			now = bfd_detect_deadline(s);
		bfd_step(s, BFD_EV_DETECT_TIMER, NULL, now, acts);
		return now;
	case S_TX:
		now = MAX(now, bfd_next_tx(s));
		bfd_step(s, BFD_EV_TX_TIMER, NULL, now, acts);
		return now;
	case S_HOLD:
		if (bfd_hold_deadline(s) != BFD_NEVER)
			now = bfd_hold_deadline(s);
		bfd_step(s, BFD_EV_HOLD_TIMER, NULL, now, acts);
		return now;
	case S_ADMIN_DOWN:
		bfd_step(s, BFD_EV_ADMIN_DOWN, NULL, now, acts);
		return now;
	case S_ADMIN_UP:
		bfd_step(s, BFD_EV_ADMIN_UP, NULL, now, acts);
		return now;
	default:
		break;
	}
	rx(s, &p, now, acts);
	return now;
}

START_TEST(table_cell)
{
	enum row r = (enum row)(_i / S_COUNT);
	enum stim x = (enum stim)(_i % S_COUNT);
	const struct cell *c = &table[r][x];
	struct bfd_session s;
	struct bfd_actions acts;
	char got[256];

	setup_row(&s, r);
	apply(&s, x, &acts);
	render(&acts, got, sizeof(got));
	ck_assert_msg(s.state == c->next && strcmp(got, c->actions) == 0 && s.local_diag == c->diag,
	              "[%s] + %s: got %s \"%s\" diag %u, want %s \"%s\" diag %u", row_names[r],
	              stim_names[x], bfd_state_name(s.state), got, s.local_diag,
	              bfd_state_name(c->next), c->actions, c->diag);
}
END_TEST

/* The rows are what their names say. */
START_TEST(rows_are_what_they_claim)
{
	struct bfd_session s;

	setup_row(&s, ROW_DOWN_SILENT);
	ck_assert(bfd_peer_silent(&s) && !bfd_bound(&s));
	setup_row(&s, ROW_DOWN_HEARD);
	ck_assert(!bfd_peer_silent(&s) && s.remote_discr == REMOTE && !bfd_bound(&s));
	ck_assert(bfd_detect_deadline(&s) != BFD_NEVER);
	setup_row(&s, ROW_UP);
	ck_assert(bfd_usable(&s) && !s.polling);
	setup_row(&s, ROW_UP_HELD);
	ck_assert(s.state == BFD_UP && !bfd_usable(&s) && s.polling);
	ck_assert_uint_eq(bfd_hold_deadline(&s), MS(300) + MS(2000));
}
END_TEST

/* ---- a simulated link between two sessions ---------------------------- */

#define NQ 64

struct flight {
	uint64_t at;
	uint8_t bytes[BFD_PKT_LEN];
	size_t len;
};

struct end {
	struct bfd_session s;
	struct flight q[NQ]; /* packets on their way TO this end */
	size_t nq;
	bool cut_in; /* drop everything sent to this end */
	uint64_t tx_times[4096];
	size_t ntx; /* periodic (non-Final) transmissions */
	size_t nups, ndowns, nstates;
	enum bfd_diag last_down_diag;
	enum bfd_state last_down_remote;
	uint64_t last_down_at;
};

struct sim {
	struct end e[2];
	uint64_t now;
	uint64_t delay; /* one-way latency */
};

static void
sim_init(struct sim *sim, const struct bfd_config *ca, const struct bfd_config *cb)
{
	memset(sim, 0, sizeof(*sim));
	sim->delay = MS(1);
	bfd_init(&sim->e[0].s, ca, LOCAL, 0, 12345);
	/* The second end starts a little later, as real peers do. */
	bfd_init(&sim->e[1].s, cb, REMOTE, MS(37), 777);
}

static void
sim_actions(struct sim *sim, int me, const struct bfd_actions *acts)
{
	struct end *self = &sim->e[me], *peer = &sim->e[!me];

	for (size_t i = 0; i < acts->n; i++) {
		const struct bfd_action *a = &acts->a[i];

		switch (a->type) {
		case BFD_A_SEND:
			if (!a->pkt.final && self->ntx < ARRAY_SIZE(self->tx_times))
				self->tx_times[self->ntx++] = sim->now;
			if (!peer->cut_in && peer->nq < NQ) {
				struct flight *f = &peer->q[peer->nq++];

				f->at = sim->now + sim->delay;
				f->len = bfd_pkt_encode(&a->pkt, f->bytes, sizeof(f->bytes));
				ck_assert_uint_eq(f->len, BFD_PKT_LEN);
			}
			break;
		case BFD_A_STATE:
			self->nstates++;
			break;
		case BFD_A_UP:
			self->nups++;
			break;
		case BFD_A_DOWN:
			self->ndowns++;
			self->last_down_diag = a->diag;
			self->last_down_remote = a->remote_state;
			self->last_down_at = sim->now;
			break;
		default:
			break;
		}
	}
}

/* Deliver the earliest packet due to end `me`, if one is due at `now`. */
static bool
sim_deliver(struct sim *sim, int me)
{
	struct end *self = &sim->e[me];
	struct bfd_actions acts;
	struct bfd_pkt p;
	struct bfd_input in = {.pkt = &p};

	if (self->nq == 0 || self->q[0].at > sim->now)
		return false;
	ck_assert_int_eq(bfd_pkt_decode(self->q[0].bytes, self->q[0].len, &p), BFD_PKT_OK);
	in.payload = self->q[0].len;
	memmove(&self->q[0], &self->q[1], (self->nq - 1) * sizeof(self->q[0]));
	self->nq--;
	bfd_step(&self->s, BFD_EV_RX, &in, sim->now, &acts);
	sim_actions(sim, me, &acts);
	return true;
}

static uint64_t
sim_next(const struct sim *sim)
{
	uint64_t t = BFD_NEVER;

	for (int i = 0; i < 2; i++) {
		t = MIN(t, bfd_next_deadline(&sim->e[i].s));
		if (sim->e[i].nq)
			t = MIN(t, sim->e[i].q[0].at);
	}
	return t;
}

/* Run the event loop until `until` (bounded: every turn advances or drains). */
static void
sim_run(struct sim *sim, uint64_t until)
{
	for (unsigned guard = 0; guard < 1000000; guard++) {
		uint64_t t = sim_next(sim);
		struct bfd_actions acts;

		if (t == BFD_NEVER || t > until) {
			sim->now = until;
			return;
		}
		sim->now = MAX(sim->now, t);
		for (int i = 0; i < 2; i++)
			while (sim_deliver(sim, i))
				;
		for (int i = 0; i < 2; i++) {
			if (bfd_next_deadline(&sim->e[i].s) <= sim->now) {
				bfd_expire(&sim->e[i].s, sim->now, &acts);
				sim_actions(sim, i, &acts);
			}
		}
	}
	ck_abort_msg("simulation did not settle");
}

/* Run until both ends are usable; returns the time it took. */
static uint64_t
sim_until_up(struct sim *sim, uint64_t limit)
{
	uint64_t start = sim->now;

	while (sim->now < start + limit) {
		sim_run(sim, sim->now + MS(10));
		if (bfd_usable(&sim->e[0].s) && bfd_usable(&sim->e[1].s))
			return sim->now - start;
	}
	ck_abort_msg("sessions did not come up");
	return 0;
}

/* Gaps between periodic transmissions of end e after index from. */
static void
assert_gaps(const struct end *e, size_t from, uint64_t lo, uint64_t hi)
{
	ck_assert_uint_gt(e->ntx, from + 2);
	for (size_t i = from + 1; i < e->ntx; i++) {
		uint64_t gap = e->tx_times[i] - e->tx_times[i - 1];

		ck_assert_msg(gap >= lo && gap <= hi, "gap %zu: %llu us not in [%llu, %llu]", i,
		              (unsigned long long)gap, (unsigned long long)lo,
		              (unsigned long long)hi);
	}
}

START_TEST(two_sessions_come_up)
{
	static struct sim sim;
	uint64_t took;
	size_t mark;

	sim_init(&sim, &base_cfg, &base_cfg);
	/* Down -> Init -> Up takes a couple of 1 s slow-rate packets. */
	took = sim_until_up(&sim, MS(5000));
	ck_assert_uint_le(took, MS(3000));
	for (int i = 0; i < 2; i++) {
		const struct bfd_session *s = &sim.e[i].s;

		ck_assert_int_eq(s->state, BFD_UP);
		ck_assert(bfd_bound(s) && !bfd_peer_silent(s));
		ck_assert_str_eq(bfd_show_state(s), "Up");
		ck_assert_uint_eq(sim.e[i].nups, 1);
		ck_assert_uint_eq(s->remote_discr, i ? LOCAL : REMOTE);
	}
	/* The Poll Sequences for the fast rate complete within a second. */
	sim_run(&sim, sim.now + MS(1000));
	for (int i = 0; i < 2; i++) {
		const struct bfd_session *s = &sim.e[i].s;

		ck_assert(!s->polling);
		ck_assert_uint_eq(s->desired_min_tx, 300000);
		ck_assert_uint_eq(bfd_tx_interval(s), 300000);
		ck_assert_uint_eq(bfd_detect_time(s), 900000);
		ck_assert_uint_ge(s->cnt.polls, 1);
	}
	/* Steady state: every gap in [75 %, 100 %] of 300 ms; nothing flaps. */
	mark = sim.e[0].ntx;
	sim_run(&sim, sim.now + MS(10000));
	assert_gaps(&sim.e[0], mark, MS(225), MS(300));
	ck_assert_uint_ge(sim.e[0].ntx - mark, 33); /* 10 s / 300 ms */
	ck_assert_uint_le(sim.e[0].ntx - mark, 45); /* 10 s / 225 ms */
	ck_assert_uint_eq(sim.e[0].ndowns + sim.e[1].ndowns, 0);
}
END_TEST

START_TEST(detection_expiry_goes_down_with_diag_1)
{
	static struct sim sim;
	uint64_t cut_at, last_rx;

	sim_init(&sim, &base_cfg, &base_cfg);
	sim_until_up(&sim, MS(5000));
	sim_run(&sim, sim.now + MS(2000));
	/* A goes silent towards B without any other sign (the provider's
	 * router dies behind the exchange's switch). */
	cut_at = sim.now;
	sim.e[1].cut_in = true;
	sim.e[1].nq = 0;
	last_rx = sim.e[1].s.last_rx;
	sim_run(&sim, cut_at + MS(2000));
	ck_assert_uint_eq(sim.e[1].ndowns, 1);
	ck_assert_uint_eq(sim.e[1].last_down_diag, BFD_DIAG_DETECT_EXPIRED);
	/* exactly one Detection Time (3 x 300 ms) after the last packet */
	ck_assert_uint_eq(sim.e[1].last_down_at, last_rx + MS(900));
	ck_assert_uint_lt(sim.e[1].last_down_at - cut_at, MS(1000));
	ck_assert_uint_eq(sim.e[1].s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	ck_assert_uint_eq(sim.e[1].s.remote_discr, 0);
	ck_assert_uint_eq(sim.e[1].s.cnt.flaps, 1);
	/* B's Down reaches A, which goes down with "neighbor signaled". */
	ck_assert_uint_eq(sim.e[0].ndowns, 1);
	ck_assert_uint_eq(sim.e[0].last_down_diag, BFD_DIAG_NEIGHBOR_DOWN);
	ck_assert_int_eq(sim.e[0].last_down_remote, BFD_DOWN);
	/* Not Up: back to the 1 s rate (§6.8.3). */
	ck_assert_uint_eq(sim.e[1].s.desired_min_tx, BFD_SLOW_TX);
	ck_assert_uint_eq(sim.e[0].s.desired_min_tx, BFD_SLOW_TX);
	ck_assert(bfd_bound(&sim.e[1].s));
}
END_TEST

START_TEST(remote_admin_down_gives_diag_3_and_recovers)
{
	static struct sim sim;

	sim_init(&sim, &base_cfg, &base_cfg);
	sim_until_up(&sim, MS(5000));
	sim_run(&sim, sim.now + MS(1000));
	bfd_step(&sim.e[0].s, BFD_EV_ADMIN_DOWN, NULL, sim.now, &(struct bfd_actions){0});
	sim_run(&sim, sim.now + MS(1500));
	ck_assert_int_eq(sim.e[0].s.state, BFD_ADMIN_DOWN);
	ck_assert_int_eq(sim.e[1].s.state, BFD_DOWN);
	ck_assert_uint_eq(sim.e[1].ndowns, 1);
	ck_assert_uint_eq(sim.e[1].last_down_diag, BFD_DIAG_NEIGHBOR_DOWN);
	ck_assert_int_eq(sim.e[1].last_down_remote, BFD_ADMIN_DOWN);
	/* AdminDown is no failure: not a flap on either side's damping for A */
	ck_assert_uint_eq(sim.e[0].s.cnt.flaps, 0);
	/* enable again: both come back Up; B waits out its 2 s hold-down */
	bfd_step(&sim.e[0].s, BFD_EV_ADMIN_UP, NULL, sim.now, &(struct bfd_actions){0});
	sim_until_up(&sim, MS(6000));
	ck_assert_uint_eq(sim.e[0].nups, 2);
	ck_assert_uint_eq(sim.e[1].nups, 2);
	ck_assert_uint_ge(sim.e[1].s.usable_since, sim.e[1].last_down_at + MS(2000));
}
END_TEST

START_TEST(poll_final_faster_intervals_without_going_down)
{
	static struct sim sim;
	struct bfd_config fast = base_cfg;
	size_t mark, states[2];

	sim_init(&sim, &base_cfg, &base_cfg);
	sim_until_up(&sim, MS(5000));
	sim_run(&sim, sim.now + MS(2000));
	fast.desired_min_tx = fast.required_min_rx = 100000;
	states[0] = sim.e[0].nstates;
	states[1] = sim.e[1].nstates;
	for (int i = 0; i < 2; i++) {
		const struct bfd_input in = {.cfg = &fast};
		struct bfd_actions acts;

		bfd_step(&sim.e[i].s, BFD_EV_RECONFIGURE, &in, sim.now, &acts);
		ck_assert_uint_eq(acts.n, 0);
		ck_assert(sim.e[i].s.polling);
		/* a shorter rx waits for the Final; a shorter tx is safe at once,
		 * but the peer still asks for 300 ms */
		ck_assert_uint_eq(sim.e[i].s.rx_in_use, 300000);
		ck_assert_uint_eq(bfd_tx_interval(&sim.e[i].s), 300000);
	}
	sim_run(&sim, sim.now + MS(1000));
	for (int i = 0; i < 2; i++) {
		ck_assert(!sim.e[i].s.polling);
		ck_assert_uint_eq(bfd_tx_interval(&sim.e[i].s), 100000);
		ck_assert_uint_eq(bfd_detect_time(&sim.e[i].s), 300000);
	}
	mark = sim.e[0].ntx;
	sim_run(&sim, sim.now + MS(3000));
	assert_gaps(&sim.e[0], mark, MS(75), MS(100));
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(sim.e[i].nstates, states[i]);
		ck_assert_uint_eq(sim.e[i].ndowns, 0);
		ck_assert_int_eq(sim.e[i].s.state, BFD_UP);
	}
}
END_TEST

/* §6.8.3: a longer transmit interval waits for the Final, and the peer's
 * detection time grows first, so nobody goes down on the way. */
START_TEST(poll_final_slower_tx_waits_for_final)
{
	static struct sim sim;
	struct bfd_config slow = base_cfg;
	const struct bfd_input in = {.cfg = &slow};
	struct bfd_actions acts;
	size_t mark;

	sim_init(&sim, &base_cfg, &base_cfg);
	sim_until_up(&sim, MS(5000));
	sim_run(&sim, sim.now + MS(2000));
	slow.desired_min_tx = 1000000;
	sim.delay = MS(50); /* so the moment between change and Final is visible */
	bfd_step(&sim.e[0].s, BFD_EV_RECONFIGURE, &in, sim.now, &acts);
	ck_assert_uint_eq(sim.e[0].s.desired_min_tx, 1000000);   /* advertised now */
	ck_assert_uint_eq(bfd_tx_interval(&sim.e[0].s), 300000); /* used: the old one */
	mark = sim.e[0].ntx;
	/* the next periodic packet carries P and goes out at the old rate */
	sim_run(&sim, sim.e[0].s.next_tx);
	ck_assert_uint_eq(sim.e[0].ntx, mark + 1);
	ck_assert(sim.e[0].s.polling);
	ck_assert_uint_le(sim.e[0].s.next_tx - sim.now, MS(300));
	/* the Final comes back after 2 x 50 ms */
	sim_run(&sim, sim.now + MS(120));
	ck_assert(!sim.e[0].s.polling);
	ck_assert_uint_eq(bfd_tx_interval(&sim.e[0].s), 1000000);
	ck_assert_uint_eq(bfd_detect_time(&sim.e[1].s), 3000000);
	mark = sim.e[0].ntx;
	sim_run(&sim, sim.now + MS(10000));
	assert_gaps(&sim.e[0], mark, MS(750), MS(1000));
	ck_assert_uint_eq(sim.e[0].ndowns + sim.e[1].ndowns, 0);
}
END_TEST

/* §6.8.3: a shorter receive interval keeps the old detection time until the Final. */
START_TEST(shorter_rx_keeps_old_detection_until_final)
{
	struct bfd_session s;
	struct bfd_config c = base_cfg;
	const struct bfd_input in = {.cfg = &c};
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(BFD_UP);

	setup_row(&s, ROW_UP);
	p.desired_min_tx = 50000; /* the peer could send faster */
	rx(&s, &p, MS(600), &acts);
	ck_assert_uint_eq(bfd_detect_time(&s), 900000);
	c.required_min_rx = 100000;
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(610), &acts);
	ck_assert_uint_eq(s.required_min_rx, 100000);
	ck_assert_uint_eq(bfd_detect_time(&s), 900000);
	ck_assert_uint_eq(bfd_detect_deadline(&s), MS(600) + MS(900));
	p.final = true;
	rx(&s, &p, MS(620), &acts);
	ck_assert_uint_eq(bfd_detect_time(&s), 300000);
	ck_assert_uint_eq(bfd_detect_deadline(&s), MS(620) + MS(300));
	/* a longer receive interval is safe at once */
	c.required_min_rx = 2000000;
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(630), &acts);
	ck_assert_uint_eq(bfd_detect_time(&s), 6000000);
}
END_TEST

/* A change during a running poll: the Final applies only what is safe for
 * both values, then a second poll confirms the latest. */
START_TEST(change_during_poll_repolls)
{
	struct bfd_session s;
	struct bfd_config c = base_cfg;
	const struct bfd_input in = {.cfg = &c};
	struct bfd_actions acts;

	setup_row(&s, ROW_UP);
	c.desired_min_tx = 1000000;
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(600), &acts);
	c.desired_min_tx = 500000;
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(610), &acts);
	ck_assert(s.polling && s.repoll);
	ck_assert_uint_eq(s.cnt.polls, 2); /* the one entering Up, this one */
	rx_final(&s, MS(620));
	/* the peer saw 1 s or 500 ms: 500 ms is safe for both */
	ck_assert_uint_eq(s.tx_in_use, 500000);
	ck_assert(s.polling && !s.repoll);
	rx_final(&s, MS(630));
	ck_assert(!s.polling);
	ck_assert_uint_eq(s.tx_in_use, 500000);
}
END_TEST

START_TEST(slow_rate_while_not_up)
{
	struct bfd_session s;
	struct bfd_actions acts;

	bfd_init(&s, &base_cfg, LOCAL, MS(1000), 42);
	ck_assert_uint_eq(bfd_next_tx(&s), MS(1000));
	bfd_expire(&s, MS(1000), &acts);
	ck_assert_uint_eq(acts.n, 1);
	ck_assert_int_eq(acts.a[0].type, BFD_A_SEND);
	ck_assert_uint_eq(acts.a[0].pkt.desired_min_tx, BFD_SLOW_TX);
	ck_assert_uint_eq(acts.a[0].pkt.required_min_rx, 300000);
	ck_assert_uint_eq(acts.a[0].pkt.your_discr, 0);
	ck_assert_uint_eq(acts.a[0].pkt.my_discr, LOCAL);
	ck_assert(!acts.a[0].pkt.poll && !acts.a[0].pkt.final && !acts.a[0].pkt.demand);
	ck_assert_uint_eq(acts.a[0].pkt.required_min_echo_rx, 0);
	ck_assert_uint_ge(bfd_next_tx(&s), MS(1000) + MS(750));
	ck_assert_uint_le(bfd_next_tx(&s), MS(1000) + MS(1000));
	ck_assert_uint_eq(bfd_detect_deadline(&s), BFD_NEVER);
	/* a configured rate slower than 1 s is kept as is */
	struct bfd_config slow = base_cfg;

	slow.desired_min_tx = 2000000;
	bfd_init(&s, &slow, LOCAL, 0, 42);
	ck_assert_uint_eq(s.desired_min_tx, 2000000);
}
END_TEST

START_TEST(jitter_bounds)
{
	const uint64_t iv = 300000;
	uint32_t r = 1;

	ck_assert_uint_eq(bfd_jitter(iv, 3, 0), iv);
	ck_assert_uint_eq(bfd_jitter(iv, 3, UINT32_MAX), iv * 3 / 4);
	ck_assert_uint_eq(bfd_jitter(iv, 1, 0), iv * 9 / 10);
	ck_assert_uint_eq(bfd_jitter(iv, 1, UINT32_MAX), iv * 3 / 4);
	for (int i = 0; i < 100000; i++) {
		uint64_t j3, j1;

		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		j3 = bfd_jitter(iv, 3, r);
		j1 = bfd_jitter(iv, 1, r);
		ck_assert(j3 >= iv * 3 / 4 && j3 <= iv);
		ck_assert(j1 >= iv * 3 / 4 && j1 <= iv * 9 / 10);
	}
	/* odd sizes from 10 us (below that 75 % and 90 % round together) */
	for (uint64_t v = 10; v < 2000; v += 7) {
		ck_assert_uint_le(bfd_jitter(v, 1, 0) * 10, v * 9);
		ck_assert_uint_ge(bfd_jitter(v, 3, UINT32_MAX) * 4, v * 3);
	}
	ck_assert_uint_eq(bfd_jitter(UINT32_MAX, 3, 0), UINT32_MAX);
}
END_TEST

/* The schedule really is jittered (not a constant reduction). */
START_TEST(jitter_is_per_packet)
{
	struct bfd_session s;
	struct bfd_actions acts;
	uint64_t lo = BFD_NEVER, hi = 0, now;

	setup_row(&s, ROW_UP);
	now = bfd_next_tx(&s);
	for (int i = 0; i < 400; i++) {
		uint64_t gap;

		bfd_step(&s, BFD_EV_TX_TIMER, NULL, now, &acts);
		ck_assert_uint_eq(acts.n, 1);
		gap = bfd_next_tx(&s) - now;
		lo = MIN(lo, gap);
		hi = MAX(hi, gap);
		now = bfd_next_tx(&s);
		rx_state(&s, BFD_UP, now); /* keep it Up */
	}
	ck_assert_uint_ge(lo, 225000);
	ck_assert_uint_le(hi, 300000);
	ck_assert_uint_lt(lo, 235000); /* the band is used end to end */
	ck_assert_uint_gt(hi, 290000);
}
END_TEST

START_TEST(remote_min_rx_zero_stops_periodic_tx)
{
	struct bfd_session s;
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(BFD_UP);

	setup_row(&s, ROW_UP);
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, MS(550), &acts);
	ck_assert_uint_eq(acts.n, 1);
	p.required_min_rx = 0;
	rx(&s, &p, MS(600), &acts);
	ck_assert_uint_eq(bfd_next_tx(&s), BFD_NEVER);
	ck_assert_uint_eq(bfd_tx_interval(&s), 0);
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, MS(2000), &acts);
	ck_assert_uint_eq(acts.n, 0);
	/* a Poll is still answered */
	p.poll = true;
	rx(&s, &p, MS(700), &acts);
	ck_assert_uint_eq(acts.n, 1);
	ck_assert(acts.a[0].pkt.final);
	/* the peer wants packets again: the next one is due at once (the last
	 * one is longer ago than the interval) */
	p = peer_pkt(BFD_UP);
	rx(&s, &p, MS(3000), &acts);
	ck_assert_uint_eq(bfd_next_tx(&s), MS(3000));
}
END_TEST

START_TEST(remote_demand_stops_periodic_tx_unless_polling)
{
	struct bfd_session s;
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(BFD_UP);
	struct bfd_config c = base_cfg;
	const struct bfd_input in = {.cfg = &c};

	setup_row(&s, ROW_UP);
	p.demand = true;
	rx(&s, &p, MS(600), &acts);
	ck_assert_uint_eq(bfd_next_tx(&s), BFD_NEVER);
	/* our detection still runs on the peer's packets */
	ck_assert_uint_eq(bfd_detect_deadline(&s), MS(600) + MS(900));
	c.desired_min_tx = 200000;
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(700), &acts);
	ck_assert(s.polling);
	ck_assert_uint_ne(bfd_next_tx(&s), BFD_NEVER);
}
END_TEST

/* §6.8.3: "If the local system reduces its transmit interval due to
 * bfd.RemoteMinRxInterval being reduced ... MUST honor the new interval
 * immediately"; a longer one spaces the packets after the one already
 * scheduled (CHOICE C7). */
START_TEST(remote_min_rx_change_reschedules)
{
	struct bfd_session s;
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(BFD_UP);
	uint64_t t1, t2;

	setup_row(&s, ROW_UP);
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, MS(550), &acts);
	ck_assert_uint_eq(acts.n, 1);
	p.required_min_rx = 2000000;
	rx(&s, &p, MS(600), &acts);
	t1 = bfd_next_tx(&s);
	ck_assert(t1 >= MS(550 + 225) && t1 <= MS(550 + 300));
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, t1, &acts);
	ck_assert_uint_ge(bfd_next_tx(&s) - t1, MS(1500));
	/* shorter again: redrawn from the last packet */
	p.required_min_rx = 100000;
	rx(&s, &p, t1 + MS(50), &acts);
	ck_assert_uint_eq(bfd_tx_interval(&s), 300000);
	t2 = bfd_next_tx(&s);
	ck_assert(t2 >= t1 + MS(225) && t2 <= t1 + MS(300));
	/* longer: the scheduled packet keeps its time */
	p.required_min_rx = 2000000;
	rx(&s, &p, t1 + MS(60), &acts);
	ck_assert_uint_eq(bfd_next_tx(&s), t2);
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, t2, &acts);
	ck_assert_uint_ge(bfd_next_tx(&s), t2 + MS(1500));
	/* shorter than the time already passed: due now */
	p.required_min_rx = 100000;
	rx(&s, &p, t2 + MS(900), &acts);
	ck_assert_uint_eq(bfd_next_tx(&s), t2 + MS(900));
}
END_TEST

START_TEST(detection_in_down_forgets_remote_discr)
{
	struct bfd_session s;
	struct bfd_actions acts;

	setup_row(&s, ROW_DOWN_HEARD);
	ck_assert_uint_eq(bfd_detect_deadline(&s), T0 + MS(900));
	bfd_step(&s, BFD_EV_DETECT_TIMER, NULL, T0 + MS(899), &acts);
	ck_assert_uint_eq(s.remote_discr, REMOTE); /* early: stale timer */
	bfd_expire(&s, T0 + MS(900), &acts);
	ck_assert_uint_eq(s.remote_discr, 0);
	ck_assert_uint_eq(bfd_detect_deadline(&s), BFD_NEVER);
	ck_assert_int_eq(s.state, BFD_DOWN);
	ck_assert_uint_eq(s.cnt.flaps, 0);
}
END_TEST

START_TEST(wrong_discriminator_and_bad_packets_are_discarded)
{
	struct bfd_session s;
	struct bfd_actions acts;
	struct bfd_pkt p = peer_pkt(BFD_DOWN);

	setup_row(&s, ROW_DOWN_SILENT);
	p.your_discr = 99;
	rx(&s, &p, MS(10), &acts);
	p = peer_pkt(BFD_DOWN);
	p.auth = true;
	p.length = 26;
	rx(&s, &p, MS(20), &acts);
	p = peer_pkt(BFD_DOWN);
	p.detect_mult = 0;
	rx(&s, &p, MS(30), &acts);
	ck_assert_uint_eq(s.cnt.rx_discarded, 3);
	ck_assert_uint_eq(s.cnt.rx, 0);
	ck_assert(bfd_peer_silent(&s)); /* none of them counts as hearing the peer */
	ck_assert_int_eq(s.state, BFD_DOWN);
	/* Your Discriminator 0 from a Down peer is the normal first packet */
	p = peer_pkt(BFD_DOWN);
	p.your_discr = 0;
	rx(&s, &p, MS(40), &acts);
	ck_assert_int_eq(s.state, BFD_INIT);
	ck_assert_uint_eq(s.cnt.rx, 1);
}
END_TEST

START_TEST(stale_timer_events_do_nothing)
{
	struct bfd_session s;
	struct bfd_actions acts;

	setup_row(&s, ROW_UP);
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, bfd_next_tx(&s) - 1, &acts);
	ck_assert_uint_eq(acts.n, 0);
	bfd_step(&s, BFD_EV_DETECT_TIMER, NULL, bfd_detect_deadline(&s) - 1, &acts);
	ck_assert_uint_eq(acts.n, 0);
	ck_assert_int_eq(s.state, BFD_UP);
	bfd_expire(&s, bfd_next_tx(&s) - 1, &acts);
	ck_assert_uint_eq(acts.n, 0);
}
END_TEST

START_TEST(peer_silent_and_bound)
{
	struct bfd_session s;
	struct bfd_actions acts;

	bfd_init(&s, &base_cfg, LOCAL, 0, 5);
	ck_assert(bfd_peer_silent(&s));
	ck_assert_str_eq(bfd_show_state(&s), "peer silent");
	/* a peer without BFD: we keep sending at 1 s, stay silent, never bind */
	for (uint64_t t = 0; t < MS(60000); t = bfd_next_deadline(&s))
		bfd_expire(&s, t, &acts);
	ck_assert(bfd_peer_silent(&s) && !bfd_bound(&s) && !bfd_usable(&s));
	ck_assert_uint_ge(s.cnt.tx, 60);
	ck_assert_uint_le(s.cnt.tx, 81);
	ck_assert_str_eq(bfd_show_state(&s), "peer silent");
	rx_state(&s, BFD_DOWN, MS(60000));
	ck_assert(!bfd_peer_silent(&s) && !bfd_bound(&s));
	ck_assert_str_eq(bfd_show_state(&s), "Init");
	rx_state(&s, BFD_UP, MS(60100));
	ck_assert(bfd_bound(&s) && bfd_usable(&s));
	rx_state(&s, BFD_DOWN, MS(60200));
	ck_assert(bfd_bound(&s) && !bfd_usable(&s)); /* bound for good */
	ev(&s, BFD_EV_ADMIN_DOWN, MS(60300));
	ck_assert_str_eq(bfd_show_state(&s), "AdminDown");
}
END_TEST

/* Flap (Up -> Down by failure) then back Up as fast as the peer allows. */
static void
flap(struct bfd_session *s, uint64_t *t)
{
	rx_state(s, BFD_DOWN, *t);
	rx_state(s, BFD_DOWN, *t + MS(10));
	rx_state(s, BFD_INIT, *t + MS(20));
	*t += MS(20);
}

/* Run hold-down and let the session be usable again; returns the hold-down. */
static uint64_t
wait_usable(struct bfd_session *s, uint64_t *t)
{
	struct bfd_actions acts;
	uint64_t h = bfd_hold_deadline(s);

	ck_assert(!bfd_usable(s));
	ck_assert_uint_ne(h, BFD_NEVER);
	bfd_step(s, BFD_EV_HOLD_TIMER, NULL, h - 1, &acts);
	ck_assert_uint_eq(acts.n, 0);
	bfd_step(s, BFD_EV_HOLD_TIMER, NULL, h, &acts);
	ck_assert_uint_eq(acts.n, 1);
	ck_assert_int_eq(acts.a[0].type, BFD_A_UP);
	ck_assert(bfd_usable(s));
	*t = h;
	return h;
}

START_TEST(flap_damping_doubles_caps_and_resets_after_stable)
{
	struct bfd_session s;
	uint64_t t = MS(1000), start, h;
	const uint64_t want[] = {2000, 4000, 8000, 16000, 16000};

	bfd_init(&s, &base_cfg, LOCAL, 0, 9);
	rx_state(&s, BFD_DOWN, MS(100));
	rx_state(&s, BFD_UP, MS(200));
	ck_assert(bfd_usable(&s)); /* the first Up is not held */
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		start = t;
		flap(&s, &t);
		h = wait_usable(&s, &t);
		ck_assert_uint_eq(h - start, MS(want[i]));
		t += MS(100); /* a short stay: not stable */
		rx_state(&s, BFD_UP, t);
	}
	ck_assert_uint_eq(s.cnt.flaps, ARRAY_SIZE(want));
	/* stable for the current hold-down (16 s): back to 2 s */
	t += MS(16000);
	rx_state(&s, BFD_UP, t);
	start = t;
	flap(&s, &t);
	h = wait_usable(&s, &t);
	ck_assert_uint_eq(h - start, MS(2000));
}
END_TEST

START_TEST(no_damping_when_hold_down_zero)
{
	struct bfd_session s;
	struct bfd_config c = base_cfg;
	uint64_t t = MS(1000);

	c.hold_down = 0;
	bfd_init(&s, &c, LOCAL, 0, 9);
	rx_state(&s, BFD_DOWN, MS(100));
	rx_state(&s, BFD_UP, MS(200));
	for (int i = 0; i < 5; i++) {
		flap(&s, &t);
		ck_assert(bfd_usable(&s));
		ck_assert_uint_eq(bfd_hold_deadline(&s), BFD_NEVER);
		t += MS(100);
	}
}
END_TEST

START_TEST(admin_down_with_path_down_diag)
{
	struct bfd_session s;
	struct bfd_actions acts;
	const struct bfd_input in = {.diag = BFD_DIAG_PATH_DOWN};
	char got[128];

	setup_row(&s, ROW_UP);
	bfd_step(&s, BFD_EV_ADMIN_DOWN, &in, MS(600), &acts);
	render(&acts, got, sizeof(got));
	ck_assert_str_eq(got, "Up->AdminDown/5 down/5");
	ck_assert_uint_eq(bfd_detect_deadline(&s), BFD_NEVER);
	/* C2: AdminDown keeps telling the peer, at the slow rate */
	ck_assert_uint_eq(s.desired_min_tx, BFD_SLOW_TX);
	bfd_expire(&s, bfd_next_tx(&s), &acts);
	ck_assert_uint_eq(acts.n, 1);
	ck_assert_int_eq(acts.a[0].pkt.state, BFD_ADMIN_DOWN);
	ck_assert_uint_eq(acts.a[0].pkt.diag, BFD_DIAG_PATH_DOWN);
	ck_assert_uint_ne(bfd_next_tx(&s), BFD_NEVER);
	/* the shutdown packet the glue sends before deleting the session */
	struct bfd_pkt last;

	bfd_packet(&s, false, &last);
	ck_assert_int_eq(last.state, BFD_ADMIN_DOWN);
	ck_assert_uint_eq(last.your_discr, REMOTE);
}
END_TEST

START_TEST(reconfigure_multiplier_and_bad_config)
{
	struct bfd_session s;
	struct bfd_config c = base_cfg;
	const struct bfd_input in = {.cfg = &c};
	struct bfd_actions acts;

	setup_row(&s, ROW_UP);
	c.detect_mult = 5;
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(600), &acts);
	ck_assert(!s.polling); /* intervals unchanged: no Poll */
	bfd_packet(&s, false, &(struct bfd_pkt){0});
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, bfd_next_tx(&s), &acts);
	ck_assert_uint_eq(acts.a[0].pkt.detect_mult, 5);
	c.required_min_rx = 0;
	ck_assert_ptr_nonnull(bfd_config_check(&c));
	bfd_step(&s, BFD_EV_RECONFIGURE, &in, MS(700), &acts);
	ck_assert_uint_eq(s.cfg.required_min_rx, 300000); /* refused */
	ck_assert_ptr_null(bfd_config_check(&base_cfg));
	c = base_cfg;
	c.detect_mult = 0;
	ck_assert_ptr_nonnull(bfd_config_check(&c));
	c = base_cfg;
	c.desired_min_tx = 0;
	ck_assert_ptr_nonnull(bfd_config_check(&c));
	c = base_cfg;
	c.hold_down_max = 1;
	ck_assert_ptr_nonnull(bfd_config_check(&c));
}
END_TEST

START_TEST(next_deadline_is_the_earliest)
{
	struct bfd_session s;

	setup_row(&s, ROW_UP_HELD);
	ck_assert_uint_eq(bfd_next_deadline(&s), MIN(MIN(bfd_next_tx(&s), bfd_detect_deadline(&s)),
	                                             bfd_hold_deadline(&s)));
	ck_assert_uint_eq(bfd_next_deadline(&s), bfd_next_tx(&s));
}
END_TEST

/* Detection and transmission due together: the packet already says Down. */
START_TEST(expire_runs_detection_before_transmission)
{
	struct bfd_session s;
	struct bfd_actions acts;
	char got[128];
	uint64_t t;

	setup_row(&s, ROW_UP);
	t = bfd_detect_deadline(&s);
	ck_assert_uint_lt(bfd_next_tx(&s), t); /* overdue, never sent */
	bfd_expire(&s, t, &acts);
	render(&acts, got, sizeof(got));
	ck_assert_str_eq(got, "Up->Down/1 down/1 tx:Down+P");
	ck_assert_uint_eq(acts.a[2].pkt.diag, BFD_DIAG_DETECT_EXPIRED);
	ck_assert_uint_eq(acts.a[2].pkt.your_discr, 0);
	ck_assert_uint_eq(acts.a[2].pkt.desired_min_tx, BFD_SLOW_TX);
}
END_TEST

/* bfd.DetectMult 1: the session's own schedule stays within 75-90 %. */
START_TEST(detect_mult_one_schedule)
{
	struct bfd_session s;
	struct bfd_config c = base_cfg;
	struct bfd_actions acts;
	uint64_t now, hi = 0;

	c.detect_mult = 1;
	bfd_init(&s, &c, LOCAL, 0, 77);
	rx_state(&s, BFD_DOWN, MS(100));
	rx_state(&s, BFD_UP, MS(200));
	rx_final(&s, MS(300));
	bfd_step(&s, BFD_EV_TX_TIMER, NULL, MS(300), &acts);
	now = MS(300);
	for (int i = 0; i < 300; i++) {
		uint64_t gap = bfd_next_tx(&s) - now;

		ck_assert(gap >= 225000 && gap <= 270000);
		hi = MAX(hi, gap);
		now = bfd_next_tx(&s);
		rx_state(&s, BFD_UP, now);
		bfd_step(&s, BFD_EV_TX_TIMER, NULL, now, &acts);
		ck_assert_uint_eq(acts.n, 1);
		ck_assert_uint_eq(acts.a[0].pkt.detect_mult, 1);
	}
	ck_assert_uint_gt(hi, 260000);
}
END_TEST

START_TEST(names)
{
	for (unsigned e = 0; e < BFD_EVENT_COUNT; e++)
		ck_assert_str_ne(bfd_event_name(e), "?");
	for (unsigned a = 0; a < BFD_ACTION_TYPE_COUNT; a++)
		ck_assert_str_ne(bfd_action_name(a), "?");
	ck_assert_str_eq(bfd_event_name(BFD_EVENT_COUNT), "?");
	ck_assert_str_eq(bfd_action_name(BFD_ACTION_TYPE_COUNT), "?");
	ck_assert_str_eq(bfd_event_name(BFD_EV_DETECT_TIMER), "detect-timer");
}
END_TEST

static Suite *
bfd_suite(void)
{
	Suite *s = suite_create("bfd");
	TCase *t = tcase_create("table");
	TCase *sc = tcase_create("scenarios");

	tcase_add_loop_test(t, table_cell, 0, ROW_COUNT * S_COUNT);
	tcase_add_test(t, rows_are_what_they_claim);
	suite_add_tcase(s, t);

	tcase_add_test(sc, two_sessions_come_up);
	tcase_add_test(sc, detection_expiry_goes_down_with_diag_1);
	tcase_add_test(sc, remote_admin_down_gives_diag_3_and_recovers);
	tcase_add_test(sc, poll_final_faster_intervals_without_going_down);
	tcase_add_test(sc, poll_final_slower_tx_waits_for_final);
	tcase_add_test(sc, shorter_rx_keeps_old_detection_until_final);
	tcase_add_test(sc, change_during_poll_repolls);
	tcase_add_test(sc, slow_rate_while_not_up);
	tcase_add_test(sc, jitter_bounds);
	tcase_add_test(sc, jitter_is_per_packet);
	tcase_add_test(sc, remote_min_rx_zero_stops_periodic_tx);
	tcase_add_test(sc, remote_demand_stops_periodic_tx_unless_polling);
	tcase_add_test(sc, remote_min_rx_change_reschedules);
	tcase_add_test(sc, detection_in_down_forgets_remote_discr);
	tcase_add_test(sc, wrong_discriminator_and_bad_packets_are_discarded);
	tcase_add_test(sc, stale_timer_events_do_nothing);
	tcase_add_test(sc, peer_silent_and_bound);
	tcase_add_test(sc, flap_damping_doubles_caps_and_resets_after_stable);
	tcase_add_test(sc, no_damping_when_hold_down_zero);
	tcase_add_test(sc, admin_down_with_path_down_diag);
	tcase_add_test(sc, reconfigure_multiplier_and_bad_config);
	tcase_add_test(sc, next_deadline_is_the_earliest);
	tcase_add_test(sc, expire_runs_detection_before_transmission);
	tcase_add_test(sc, detect_mult_one_schedule);
	tcase_add_test(sc, names);
	suite_add_tcase(s, sc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bfd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
