/*
 * FSM tests: the whole state x event table (every cell asserts the next state
 * and the exact action list), then scenarios that walk whole sessions.
 *
 * Actions are rendered as a compact string so a cell reads like the RFC text:
 *   connect | close | close! (flush the NOTIFICATION first) | open | ka |
 *   notif:C/S | +timer=secs | -timer | release | up | down | update
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "fsm.h"

static const struct fsm_config base_cfg = {
        .passive = false,
        .delay_open = false,
        .delay_open_time = 5,
        .damp_peer_oscillations = true,
        .idle_hold_time = 5,
        .idle_hold_max = 60,
        .stable_time = 0,
        .collision_detect_established = false,
        .hold_time = 90,
        .keepalive_time = 30,
        .connect_retry_time = 120,
        .auto_restart = true,
};

static void
render(const struct fsm_actions *acts, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < acts->n; i++) {
		const struct fsm_action *a = &acts->a[i];
		char one[64];

		switch (a->type) {
		case FSM_A_CONNECT:
			snprintf(one, sizeof(one), "connect");
			break;
		case FSM_A_CLOSE:
			snprintf(one, sizeof(one), "%s", a->flush ? "close!" : "close");
			break;
		case FSM_A_SEND_OPEN:
			snprintf(one, sizeof(one), "open");
			break;
		case FSM_A_SEND_KEEPALIVE:
			snprintf(one, sizeof(one), "ka");
			break;
		case FSM_A_SEND_NOTIFICATION:
			snprintf(one, sizeof(one), "notif:%u/%u", a->code, a->subcode);
			break;
		case FSM_A_START_TIMER:
			snprintf(one, sizeof(one), "+%s=%u", fsm_timer_name(a->timer), a->secs);
			break;
		case FSM_A_STOP_TIMER:
			snprintf(one, sizeof(one), "-%s", fsm_timer_name(a->timer));
			break;
		case FSM_A_RELEASE_RESOURCES:
			snprintf(one, sizeof(one), "release");
			break;
		case FSM_A_PEER_UP:
			snprintf(one, sizeof(one), "up");
			break;
		case FSM_A_PEER_DOWN:
			snprintf(one, sizeof(one), "down");
			break;
		case FSM_A_PROCESS_UPDATE:
			snprintf(one, sizeof(one), "update");
			break;
		default:
			snprintf(one, sizeof(one), "?%d", (int)a->type);
			break;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", one);
		if (off >= len)
			break;
	}
}

/* The details each event carries in the table. */
static const struct fsm_input in_open = {.hold_time = 90, .keepalive_time = 30};
static const struct fsm_input in_header_err = {.code = 1, .subcode = 2};
static const struct fsm_input in_open_err = {.code = 2, .subcode = 2};
static const struct fsm_input in_update_err = {.code = 3, .subcode = 1};

static const struct fsm_input *
input_for(enum fsm_event ev)
{
	switch (ev) {
	case FSM_EV_BGP_OPEN:
	case FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING:
		return &in_open;
	case FSM_EV_BGP_HEADER_ERR:
		return &in_header_err;
	case FSM_EV_BGP_OPEN_MSG_ERR:
		return &in_open_err;
	case FSM_EV_UPDATE_MSG_ERR:
		return &in_update_err;
	default:
		return NULL;
	}
}

static void
step(struct fsm *f, enum fsm_event ev, struct fsm_actions *acts)
{
	fsm_step(f, ev, input_for(ev), acts);
}

/* Drive f through events, asserting nothing; used to reach a row's state. */
static void
drive(struct fsm *f, const enum fsm_event *evs, size_t n)
{
	struct fsm_actions acts;

	for (size_t i = 0; i < n; i++)
		step(f, evs[i], &acts);
}

enum row {
	ROW_IDLE,          /* fresh, never started */
	ROW_IDLE_PENDING,  /* fell to Idle, automatic restart pending */
	ROW_CONNECT,       /* active open in progress */
	ROW_CONNECT_DELAY, /* Connect, TCP up, DelayOpenTimer running */
	ROW_ACTIVE,        /* passive start, listening */
	ROW_ACTIVE_DELAY,  /* Active, TCP up, DelayOpenTimer running */
	ROW_OPENSENT,
	ROW_OPENCONFIRM,
	ROW_ESTABLISHED,
	ROW_COUNT
};

static const char *const row_names[ROW_COUNT] = {
        "Idle",          "Idle(pending)", "Connect",     "Connect(delay)", "Active",
        "Active(delay)", "OpenSent",      "OpenConfirm", "Established",
};

static void
setup_row(struct fsm *f, enum row r)
{
	struct fsm_config cfg = base_cfg;

	if (r == ROW_CONNECT_DELAY || r == ROW_ACTIVE_DELAY)
		cfg.delay_open = true;
	fsm_init(f, &cfg);
	switch (r) {
	case ROW_IDLE:
		break;
	case ROW_IDLE_PENDING: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START, FSM_EV_TCP_CONNECTION_FAILS};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_CONNECT: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_CONNECT_DELAY: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START, FSM_EV_TCP_CR_ACKED};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_ACTIVE: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START_PASSIVE};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_ACTIVE_DELAY: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START_PASSIVE,
		                            FSM_EV_TCP_CONNECTION_CONFIRMED};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_OPENSENT: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START, FSM_EV_TCP_CR_ACKED};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_OPENCONFIRM: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START, FSM_EV_TCP_CR_ACKED,
		                            FSM_EV_BGP_OPEN};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	case ROW_ESTABLISHED: {
		const enum fsm_event e[] = {FSM_EV_MANUAL_START, FSM_EV_TCP_CR_ACKED,
		                            FSM_EV_BGP_OPEN, FSM_EV_KEEPALIVE_MSG};
		drive(f, e, ARRAY_SIZE(e));
		break;
	}
	default:
		break;
	}
	/* Pretend earlier failures so the table shows what each cell does to
	 * ConnectRetryCounter: reset (0), keep (3) or increment (4). */
	f->connect_retry_counter = 3;
}

struct cell {
	enum fsm_state next;
	const char *actions;
	unsigned counter;   /* ConnectRetryCounter after the step */
	unsigned idle_hold; /* backoff step after the step (base 5: doubled = 10) */
};

/*
 * Building with -DFSM_DUMP keeps only the helpers above, so a small program
 * can include this file and print the table afresh after a deliberate change
 * (then every changed cell is reviewed against the RFC before it goes in).
 */
#ifndef FSM_DUMP
/*
 * The table. Reviewed cell by cell against RFC 4271 §8.2.2 (the deviations
 * D1-D12 are listed at the top of lib/fsm.c). Rows are the states reached by
 * setup_row(); base_cfg: hold 90, keepalive 30, connect-retry 120, idle-hold
 * 5 (max 60), damping on, automatic restart on.
 */
/* clang-format off */
static const struct cell table[ROW_COUNT][FSM_EVENT_COUNT] = {
	[ROW_IDLE] = {
		[FSM_EV_MANUAL_START] = {FSM_CONNECT, "+connect-retry=120 connect", 0, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_CONNECT, "+connect-retry=120 connect", 0, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_ACTIVE, "+connect-retry=120", 0, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_ACTIVE, "+connect-retry=120", 0, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_OPEN] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
	},
	[ROW_IDLE_PENDING] = {
		[FSM_EV_MANUAL_START] = {FSM_CONNECT, "-idle-hold +connect-retry=120 connect", 0, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "-idle-hold", 3, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_ACTIVE, "-idle-hold +connect-retry=120", 0, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_CONNECT, "+connect-retry=120 connect", 0, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_OPEN] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_IDLE, "", 3, 5},
	},
	[ROW_CONNECT] = {
		[FSM_EV_MANUAL_START] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "-connect-retry close release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_CONNECT, "close +connect-retry=120 connect", 3, 5},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_OPENSENT, "-connect-retry open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_OPENSENT, "-connect-retry open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_OPENSENT, "-connect-retry open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 3, 5},
		[FSM_EV_BGP_OPEN] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_OPENCONFIRM, "-connect-retry open ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_CONNECT, "", 3, 5},
	},
	[ROW_CONNECT_DELAY] = {
		[FSM_EV_MANUAL_START] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "-delay-open close release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_CONNECT, "close -delay-open +connect-retry=120 connect", 3, 5},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_OPENSENT, "open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_CONNECT, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_CONNECT, "+delay-open=5", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_CONNECT, "+delay-open=5", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_ACTIVE, "+connect-retry=120 -delay-open", 3, 5},
		[FSM_EV_BGP_OPEN] = {FSM_OPENCONFIRM, "-delay-open open ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_OPENCONFIRM, "-delay-open open ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 3, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_CONNECT, "", 3, 5},
	},
	[ROW_ACTIVE] = {
		[FSM_EV_MANUAL_START] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "-connect-retry close release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_CONNECT, "+connect-retry=120 connect", 3, 5},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_OPENSENT, "-connect-retry open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_OPENSENT, "-connect-retry open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_OPENSENT, "-connect-retry open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_OPENCONFIRM, "-connect-retry open ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-connect-retry close release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_ACTIVE, "", 3, 5},
	},
	[ROW_ACTIVE_DELAY] = {
		[FSM_EV_MANUAL_START] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "-delay-open close release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_CONNECT, "+connect-retry=120 connect", 3, 5},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_OPENSENT, "open +hold=240 +send-hold=480", 3, 5},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_ACTIVE, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_ACTIVE, "+delay-open=5", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_ACTIVE, "+delay-open=5", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN] = {FSM_OPENCONFIRM, "-delay-open open ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_OPENCONFIRM, "-delay-open open ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 3, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "-delay-open close release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_ACTIVE, "", 3, 5},
	},
	[ROW_OPENSENT] = {
		[FSM_EV_MANUAL_START] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "notif:6/2 -hold -send-hold close! release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "notif:6/0 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "notif:4/0 -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_OPENSENT, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_ACTIVE, "close -hold -send-hold +connect-retry=120", 3, 5},
		[FSM_EV_BGP_OPEN] = {FSM_OPENCONFIRM, "ka +keepalive=30 +hold=90 +send-hold=480", 3, 5},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "notif:1/2 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "notif:2/2 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "notif:6/7 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-hold -send-hold close release +idle-hold=5", 3, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-hold -send-hold close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "notif:5/1 -hold -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "notif:8/0 -hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_OPENSENT, "", 3, 5},
	},
	[ROW_OPENCONFIRM] = {
		[FSM_EV_MANUAL_START] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "notif:6/2 -hold -keepalive -send-hold close! release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "notif:6/0 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "notif:4/0 -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_OPENCONFIRM, "ka +keepalive=30", 3, 5},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_OPENCONFIRM, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "-hold -keepalive -send-hold close release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN] = {FSM_IDLE, "notif:5/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_IDLE, "notif:5/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "notif:1/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "notif:2/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "notif:6/7 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-hold -keepalive -send-hold close release +idle-hold=5", 3, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-hold -keepalive -send-hold close release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_ESTABLISHED, "+hold=90 up +stable=5", 3, 5},
		[FSM_EV_UPDATE_MSG] = {FSM_IDLE, "notif:5/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "notif:5/2 -hold -keepalive -send-hold close! release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "notif:8/0 -hold -keepalive close! release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_OPENCONFIRM, "", 3, 5},
	},
	[ROW_ESTABLISHED] = {
		[FSM_EV_MANUAL_START] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_MANUAL_STOP] = {FSM_IDLE, "notif:6/2 -hold -keepalive -send-hold -stable close! down release", 0, 5},
		[FSM_EV_AUTOMATIC_START] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_MANUAL_START_PASSIVE] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_AUTOMATIC_START_PASSIVE] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_AUTOMATIC_STOP] = {FSM_IDLE, "notif:6/0 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_CONNECT_RETRY_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/3 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "notif:4/0 -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_TIMER_EXPIRES] = {FSM_ESTABLISHED, "ka +keepalive=30", 3, 5},
		[FSM_EV_DELAY_OPEN_TIMER_EXPIRES] = {FSM_IDLE, "notif:5/3 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_IDLE_HOLD_TIMER_EXPIRES] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_TCP_CR_ACKED] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_CONFIRMED] = {FSM_ESTABLISHED, "", 3, 5},
		[FSM_EV_TCP_CONNECTION_FAILS] = {FSM_IDLE, "-hold -keepalive -send-hold -stable close down release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN] = {FSM_IDLE, "notif:5/3 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_WITH_DELAY_OPEN_TIMER_RUNNING] = {FSM_IDLE, "notif:5/3 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_HEADER_ERR] = {FSM_IDLE, "notif:1/2 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_BGP_OPEN_MSG_ERR] = {FSM_IDLE, "notif:5/3 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_OPEN_COLLISION_DUMP] = {FSM_IDLE, "notif:6/7 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_NOTIF_MSG_VER_ERR] = {FSM_IDLE, "-hold -keepalive -send-hold -stable close down release +idle-hold=5", 4, 5},
		[FSM_EV_NOTIF_MSG] = {FSM_IDLE, "-hold -keepalive -send-hold -stable close down release +idle-hold=5", 4, 10},
		[FSM_EV_KEEPALIVE_MSG] = {FSM_ESTABLISHED, "+hold=90", 3, 5},
		[FSM_EV_UPDATE_MSG] = {FSM_ESTABLISHED, "update +hold=90", 3, 5},
		[FSM_EV_UPDATE_MSG_ERR] = {FSM_IDLE, "notif:3/1 -hold -keepalive -send-hold -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_SEND_HOLD_TIMER_EXPIRES] = {FSM_IDLE, "notif:8/0 -hold -keepalive -stable close! down release +idle-hold=5", 4, 10},
		[FSM_EV_STABLE_TIMER_EXPIRES] = {FSM_ESTABLISHED, "", 3, 5},
	},
};
/* clang-format on */

static void
check_cell(enum row r, enum fsm_event ev)
{
	struct fsm f;
	struct fsm_actions acts;
	char got[512];
	const struct cell *c = &table[r][ev];

	setup_row(&f, r);
	step(&f, ev, &acts);
	render(&acts, got, sizeof(got));
	ck_assert_msg(c->actions != NULL, "no expectation for %s x %s", row_names[r],
	              fsm_event_name(ev));
	ck_assert_msg(
	        f.state == c->next && strcmp(got, c->actions) == 0 &&
	                f.connect_retry_counter == c->counter && f.idle_hold_cur == c->idle_hold,
	        "%s x %s: got %s [%s] c=%u i=%u, want %s [%s] c=%u i=%u", row_names[r],
	        fsm_event_name(ev), fsm_state_name(f.state), got, f.connect_retry_counter,
	        f.idle_hold_cur, fsm_state_name(c->next), c->actions, c->counter, c->idle_hold);
}

START_TEST(table_cell)
{
	/* _i runs over every (row, event) pair. */
	enum row r = (enum row)(_i / FSM_EVENT_COUNT);
	enum fsm_event ev = (enum fsm_event)(_i % FSM_EVENT_COUNT);

	check_cell(r, ev);
}
END_TEST

/* ---- scenarios ---- */

/* Step and assert the next state and the rendered actions in one line. */
static void
expect(struct fsm *f, enum fsm_event ev, const struct fsm_input *in, enum fsm_state next,
       const char *want)
{
	struct fsm_actions acts;
	char got[512];

	fsm_step(f, ev, in, &acts);
	render(&acts, got, sizeof(got));
	ck_assert_msg(f->state == next && strcmp(got, want) == 0, "%s: got %s [%s], want %s [%s]",
	              fsm_event_name(ev), fsm_state_name(f->state), got, fsm_state_name(next),
	              want);
}

/* Bring a fresh FSM with cfg to Established over an active open. */
static void
establish(struct fsm *f, const struct fsm_input *open)
{
	struct fsm_actions acts;

	fsm_step(f, FSM_EV_MANUAL_START, NULL, &acts);
	fsm_step(f, FSM_EV_TCP_CR_ACKED, NULL, &acts);
	fsm_step(f, FSM_EV_BGP_OPEN, open, &acts);
	fsm_step(f, FSM_EV_KEEPALIVE_MSG, NULL, &acts);
	ck_assert_int_eq(f->state, FSM_ESTABLISHED);
}

START_TEST(active_open_full_session)
{
	struct fsm f;

	fsm_init(&f, &base_cfg);
	ck_assert_int_eq(f.state, FSM_IDLE);
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	/* the connect() hangs: retry */
	expect(&f, FSM_EV_CONNECT_RETRY_TIMER_EXPIRES, NULL, FSM_CONNECT,
	       "close +connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=480");
	expect(&f, FSM_EV_BGP_OPEN, &in_open, FSM_OPENCONFIRM,
	       "ka +keepalive=30 +hold=90 +send-hold=480");
	ck_assert_uint_eq(f.hold_time, 90);
	ck_assert_uint_eq(f.keepalive_time, 30);
	expect(&f, FSM_EV_KEEPALIVE_TIMER_EXPIRES, NULL, FSM_OPENCONFIRM, "ka +keepalive=30");
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "+hold=90 up +stable=5");
	expect(&f, FSM_EV_UPDATE_MSG, NULL, FSM_ESTABLISHED, "update +hold=90");
	expect(&f, FSM_EV_KEEPALIVE_TIMER_EXPIRES, NULL, FSM_ESTABLISHED, "ka +keepalive=30");
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	ck_assert_uint_eq(fsm_send_hold_time(&f), 480);
	expect(&f, FSM_EV_MANUAL_STOP, NULL, FSM_IDLE,
	       "notif:6/2 -hold -keepalive -send-hold -stable close! down release");
	ck_assert(!f.started);
	ck_assert_uint_eq(f.timers, 0);
}
END_TEST

START_TEST(passive_open_never_connects)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.passive = true;
	fsm_init(&f, &cfg);
	/* D6: ManualStart acts as the passive variant */
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_ACTIVE, "+connect-retry=120");
	expect(&f, FSM_EV_CONNECT_RETRY_TIMER_EXPIRES, NULL, FSM_ACTIVE, "+connect-retry=120");
	expect(&f, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=480");
	/* the peer drops before its OPEN: back to Active, listening (§8.2.2 OpenSent ev 18) */
	expect(&f, FSM_EV_TCP_CONNECTION_FAILS, NULL, FSM_ACTIVE,
	       "close -hold -send-hold +connect-retry=120");
	expect(&f, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=480");
	expect(&f, FSM_EV_BGP_OPEN, &in_open, FSM_OPENCONFIRM,
	       "ka +keepalive=30 +hold=90 +send-hold=480");
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "+hold=90 up +stable=5");
}
END_TEST

START_TEST(passive_start_event_then_active_retry)
{
	struct fsm f;

	/* Without cfg.passive, event 4 only waits first; the RFC then connects. */
	fsm_init(&f, &base_cfg);
	expect(&f, FSM_EV_MANUAL_START_PASSIVE, NULL, FSM_ACTIVE, "+connect-retry=120");
	expect(&f, FSM_EV_CONNECT_RETRY_TIMER_EXPIRES, NULL, FSM_CONNECT,
	       "+connect-retry=120 connect");
}
END_TEST

START_TEST(collision_resolution_rule)
{
	/* §6.8: the higher BGP Identifier's connection survives. */
	ck_assert(fsm_collision_dump_ours(0x0a000001, 0x0a000002, 65520, 12076));
	ck_assert(!fsm_collision_dump_ours(0x0a000002, 0x0a000001, 65520, 12076));
	/* unsigned comparison in host order: 192.0.2.1 > 10.0.0.1 */
	ck_assert(!fsm_collision_dump_ours(0xc0000201, 0x0a000001, 1, 2));
	ck_assert(fsm_collision_dump_ours(0x0a000001, 0xc0000201, 2, 1));
	/* RFC 6286 §2.3: equal identifiers, the larger AS wins */
	ck_assert(fsm_collision_dump_ours(0x0a000001, 0x0a000001, 65520, 4200000000u));
	ck_assert(!fsm_collision_dump_ours(0x0a000001, 0x0a000001, 4200000000u, 65520));
}
END_TEST

START_TEST(collision_two_connections)
{
	struct fsm ours, theirs;
	struct fsm_actions acts;

	/* Our connect went out and reached OpenConfirm; the peer's connection
	 * arrived meanwhile and its OPEN is in. Local id lower: dump ours. */
	fsm_init(&ours, &base_cfg);
	fsm_step(&ours, FSM_EV_MANUAL_START, NULL, &acts);
	fsm_step(&ours, FSM_EV_TCP_CR_ACKED, NULL, &acts);
	expect(&ours, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, FSM_OPENSENT, "");
	fsm_step(&ours, FSM_EV_BGP_OPEN, &in_open, &acts);
	ck_assert_int_eq(ours.state, FSM_OPENCONFIRM);

	fsm_init(&theirs, &base_cfg);
	fsm_step(&theirs, FSM_EV_MANUAL_START_PASSIVE, NULL, &acts);
	fsm_step(&theirs, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, &acts);
	ck_assert_int_eq(theirs.state, FSM_OPENSENT);

	ck_assert(fsm_collision_dump_ours(0x0a000001, 0x0a000002, 65520, 12076));
	expect(&ours, FSM_EV_OPEN_COLLISION_DUMP, NULL, FSM_IDLE,
	       "notif:6/7 -hold -keepalive -send-hold close! release +idle-hold=5");
	ck_assert_uint_eq(ours.connect_retry_counter, 1);
	expect(&theirs, FSM_EV_BGP_OPEN, &in_open, FSM_OPENCONFIRM,
	       "ka +keepalive=30 +hold=90 +send-hold=480");
	expect(&theirs, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "+hold=90 up +stable=5");
	/* a third connection's collision against Established (when the glue
	 * has CollisionDetectEstablishedState) dumps with Cease too */
	expect(&theirs, FSM_EV_OPEN_COLLISION_DUMP, NULL, FSM_IDLE,
	       "notif:6/7 -hold -keepalive -send-hold -stable close! down release +idle-hold=5");
}
END_TEST

START_TEST(hold_timer_expiry_and_restart)
{
	struct fsm f;

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	expect(&f, FSM_EV_HOLD_TIMER_EXPIRES, NULL, FSM_IDLE,
	       "notif:4/0 -keepalive -send-hold -stable close! down release +idle-hold=5");
	ck_assert_uint_eq(f.connect_retry_counter, 1);
	ck_assert_uint_eq(f.idle_hold_cur, 10);
	ck_assert(fsm_timer_running(&f, FSM_TIMER_IDLE_HOLD));
	/* an AutomaticStart during the idle-hold delay is damped (D2) */
	expect(&f, FSM_EV_AUTOMATIC_START, NULL, FSM_IDLE, "");
	expect(&f, FSM_EV_IDLE_HOLD_TIMER_EXPIRES, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	/* the RFC start resets the counter */
	ck_assert_uint_eq(f.connect_retry_counter, 0);
}
END_TEST

START_TEST(hold_timer_expiry_in_opensent_uses_large_value)
{
	struct fsm f;

	fsm_init(&f, &base_cfg);
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=480");
	ck_assert_uint_eq(FSM_HOLD_LARGE, 240);
	expect(&f, FSM_EV_HOLD_TIMER_EXPIRES, NULL, FSM_IDLE,
	       "notif:4/0 -send-hold close! release +idle-hold=5");
}
END_TEST

START_TEST(delay_open_peer_opens_first)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.delay_open = true;
	cfg.delay_open_time = 7;
	fsm_init(&f, &cfg);
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_CONNECT, "-connect-retry +delay-open=7");
	/* the peer's OPEN while DelayOpenTimer runs: event 20 (D8) */
	expect(&f, FSM_EV_BGP_OPEN, &in_open, FSM_OPENCONFIRM,
	       "-delay-open open ka +keepalive=30 +hold=90 +send-hold=480");
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "+hold=90 up +stable=5");
}
END_TEST

START_TEST(delay_open_timer_expires)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.delay_open = true;
	fsm_init(&f, &cfg);
	expect(&f, FSM_EV_MANUAL_START_PASSIVE, NULL, FSM_ACTIVE, "+connect-retry=120");
	expect(&f, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, FSM_ACTIVE,
	       "-connect-retry +delay-open=5");
	expect(&f, FSM_EV_DELAY_OPEN_TIMER_EXPIRES, NULL, FSM_OPENSENT,
	       "open +hold=240 +send-hold=480");
	/* now an OPEN is plain event 19 */
	expect(&f, FSM_EV_BGP_OPEN, &in_open, FSM_OPENCONFIRM,
	       "ka +keepalive=30 +hold=90 +send-hold=480");
}
END_TEST

START_TEST(delay_open_connection_fails_goes_active)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.delay_open = true;
	fsm_init(&f, &cfg);
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_CONNECT, "-connect-retry +delay-open=5");
	expect(&f, FSM_EV_TCP_CONNECTION_FAILS, NULL, FSM_ACTIVE, "+connect-retry=120 -delay-open");
	ck_assert_uint_eq(f.connect_retry_counter, 0);
}
END_TEST

/* Fall from Established by a NOTIFICATION and return the idle-hold it started. */
static unsigned
flap(struct fsm *f)
{
	struct fsm_actions acts;
	unsigned secs = 0;

	fsm_step(f, FSM_EV_NOTIF_MSG, NULL, &acts);
	ck_assert_int_eq(f->state, FSM_IDLE);
	for (size_t i = 0; i < acts.n; i++)
		if (acts.a[i].type == FSM_A_START_TIMER && acts.a[i].timer == FSM_TIMER_IDLE_HOLD)
			secs = acts.a[i].secs;
	fsm_step(f, FSM_EV_IDLE_HOLD_TIMER_EXPIRES, NULL, &acts);
	ck_assert_int_eq(f->state, FSM_CONNECT);
	fsm_step(f, FSM_EV_TCP_CR_ACKED, NULL, &acts);
	fsm_step(f, FSM_EV_BGP_OPEN, &in_open, &acts);
	fsm_step(f, FSM_EV_KEEPALIVE_MSG, NULL, &acts);
	ck_assert_int_eq(f->state, FSM_ESTABLISHED);
	return secs;
}

START_TEST(backoff_doubles_to_cap)
{
	struct fsm f;
	const unsigned want[] = {5, 10, 20, 40, 60, 60, 60};

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_uint_eq(flap(&f), want[i]);
}
END_TEST

START_TEST(backoff_resets_only_after_stable_session)
{
	struct fsm f;
	struct fsm_actions acts;

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	ck_assert_uint_eq(flap(&f), 5);
	ck_assert_uint_eq(flap(&f), 10);
	/* Entering Established did NOT reset the backoff: a session that
	 * fails right after the handshake keeps doubling (FRR #22358). */
	ck_assert_uint_eq(f.idle_hold_cur, 20);
	/* the stable timer runs for the current idle-hold time */
	ck_assert(fsm_timer_running(&f, FSM_TIMER_STABLE));
	expect(&f, FSM_EV_STABLE_TIMER_EXPIRES, NULL, FSM_ESTABLISHED, "");
	ck_assert_uint_eq(f.idle_hold_cur, 5);
	ck_assert(!fsm_timer_running(&f, FSM_TIMER_STABLE));
	ck_assert_uint_eq(flap(&f), 5);
	/* the stable timer restarted on re-entry, for the doubled value */
	fsm_step(&f, FSM_EV_NOTIF_MSG, NULL, &acts);
	ck_assert_uint_eq(f.idle_hold_cur, 20);
}
END_TEST

START_TEST(backoff_stable_time_configured)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.stable_time = 300;
	fsm_init(&f, &cfg);
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=480");
	expect(&f, FSM_EV_BGP_OPEN, &in_open, FSM_OPENCONFIRM,
	       "ka +keepalive=30 +hold=90 +send-hold=480");
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "+hold=90 up +stable=300");
}
END_TEST

START_TEST(backoff_not_doubled_by_tcp_failure_in_connect)
{
	struct fsm f;

	fsm_init(&f, &base_cfg);
	for (int i = 0; i < 5; i++) {
		expect(&f, i ? FSM_EV_IDLE_HOLD_TIMER_EXPIRES : FSM_EV_MANUAL_START, NULL,
		       FSM_CONNECT, "+connect-retry=120 connect");
		/* connection refused: RFC says Idle without damping */
		expect(&f, FSM_EV_TCP_CONNECTION_FAILS, NULL, FSM_IDLE,
		       "-connect-retry close release +idle-hold=5");
	}
	ck_assert_uint_eq(f.idle_hold_cur, 5);
}
END_TEST

START_TEST(no_damping_keeps_idle_hold_fixed)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.damp_peer_oscillations = false;
	fsm_init(&f, &cfg);
	establish(&f, &in_open);
	ck_assert(!fsm_timer_running(&f, FSM_TIMER_STABLE));
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(flap(&f), 5);
}
END_TEST

START_TEST(backoff_zero_idle_hold_grows_from_one)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.idle_hold_time = 0;
	cfg.idle_hold_max = 4;
	fsm_init(&f, &cfg);
	establish(&f, &in_open);
	ck_assert_uint_eq(flap(&f), 0);
	ck_assert_uint_eq(flap(&f), 1);
	ck_assert_uint_eq(flap(&f), 2);
	ck_assert_uint_eq(flap(&f), 4);
	ck_assert_uint_eq(flap(&f), 4);
}
END_TEST

START_TEST(hold_time_zero_means_no_keepalives)
{
	struct fsm f;
	const struct fsm_input open0 = {.hold_time = 0, .keepalive_time = 0};

	fsm_init(&f, &base_cfg);
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=480");
	/* §8.2.2 OpenSent: hold 0 -> KeepaliveTimer and HoldTimer not started */
	expect(&f, FSM_EV_BGP_OPEN, &open0, FSM_OPENCONFIRM, "ka -hold -send-hold");
	ck_assert_uint_eq(f.hold_time, 0);
	ck_assert_uint_eq(f.keepalive_time, 0);
	ck_assert_uint_eq(fsm_send_hold_time(&f), 0);
	/* a stale keepalive expiry sends one but restarts nothing */
	expect(&f, FSM_EV_KEEPALIVE_TIMER_EXPIRES, NULL, FSM_OPENCONFIRM, "ka");
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "up +stable=5");
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "");
	expect(&f, FSM_EV_UPDATE_MSG, NULL, FSM_ESTABLISHED, "update");
	expect(&f, FSM_EV_KEEPALIVE_TIMER_EXPIRES, NULL, FSM_ESTABLISHED, "ka");
}
END_TEST

START_TEST(hold_time_zero_with_delay_open)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;
	const struct fsm_input open0 = {0};

	cfg.delay_open = true;
	fsm_init(&f, &cfg);
	fsm_step(&f, FSM_EV_MANUAL_START_PASSIVE, NULL, &(struct fsm_actions){0});
	expect(&f, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, FSM_ACTIVE,
	       "-connect-retry +delay-open=5");
	/* no hold timer ran yet, so nothing to stop */
	expect(&f, FSM_EV_BGP_OPEN, &open0, FSM_OPENCONFIRM, "-delay-open open ka");
}
END_TEST

START_TEST(negotiated_keepalive_rules)
{
	struct fsm f;
	struct fsm_actions acts;
	const struct {
		unsigned hold, ka, want_ka;
	} c[] = {
	        {90, 30, 30},  {90, 0, 30}, {90, 10, 10}, {90, 90, 30},
	        {90, 200, 30}, {3, 0, 1},   {4, 0, 1},    {180, 60, 60},
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		const struct fsm_input in = {.hold_time = c[i].hold, .keepalive_time = c[i].ka};

		fsm_init(&f, &base_cfg);
		fsm_step(&f, FSM_EV_MANUAL_START, NULL, &acts);
		fsm_step(&f, FSM_EV_TCP_CR_ACKED, NULL, &acts);
		fsm_step(&f, FSM_EV_BGP_OPEN, &in, &acts);
		ck_assert_uint_eq(f.hold_time, c[i].hold);
		ck_assert_msg(f.keepalive_time == c[i].want_ka, "hold %u ka %u: got %u", c[i].hold,
		              c[i].ka, f.keepalive_time);
	}
	/* a NULL input takes the configured values */
	fsm_init(&f, &base_cfg);
	fsm_step(&f, FSM_EV_MANUAL_START, NULL, &acts);
	fsm_step(&f, FSM_EV_TCP_CR_ACKED, NULL, &acts);
	fsm_step(&f, FSM_EV_BGP_OPEN, NULL, &acts);
	ck_assert_uint_eq(f.hold_time, 90);
	ck_assert_uint_eq(f.keepalive_time, 30);
}
END_TEST

START_TEST(send_hold_time_rfc9687)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;
	const struct fsm_input big = {.hold_time = 300, .keepalive_time = 100};

	cfg.hold_time = 600;
	fsm_init(&f, &cfg);
	ck_assert_uint_eq(fsm_send_hold_time(&f), 1200); /* before the OPEN: configured */
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
	expect(&f, FSM_EV_TCP_CR_ACKED, NULL, FSM_OPENSENT,
	       "-connect-retry open +hold=240 +send-hold=1200");
	expect(&f, FSM_EV_BGP_OPEN, &big, FSM_OPENCONFIRM,
	       "ka +keepalive=100 +hold=300 +send-hold=600");
	ck_assert_uint_eq(fsm_send_hold_time(&f), 600);
	expect(&f, FSM_EV_KEEPALIVE_MSG, NULL, FSM_ESTABLISHED, "+hold=300 up +stable=5");
	expect(&f, FSM_EV_SEND_HOLD_TIMER_EXPIRES, NULL, FSM_IDLE,
	       "notif:8/0 -hold -keepalive -stable close! down release +idle-hold=5");
	ck_assert_uint_eq(f.connect_retry_counter, 1);
}
END_TEST

START_TEST(manual_stop_cancels_restart)
{
	struct fsm f;

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	fsm_step(&f, FSM_EV_NOTIF_MSG, NULL, &(struct fsm_actions){0});
	ck_assert(fsm_timer_running(&f, FSM_TIMER_IDLE_HOLD));
	expect(&f, FSM_EV_MANUAL_STOP, NULL, FSM_IDLE, "-idle-hold");
	/* an expiry queued before the stop must not restart the session */
	expect(&f, FSM_EV_IDLE_HOLD_TIMER_EXPIRES, NULL, FSM_IDLE, "");
	expect(&f, FSM_EV_MANUAL_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
}
END_TEST

START_TEST(no_auto_restart)
{
	struct fsm f;
	struct fsm_config cfg = base_cfg;

	cfg.auto_restart = false;
	fsm_init(&f, &cfg);
	establish(&f, &in_open);
	expect(&f, FSM_EV_NOTIF_MSG, NULL, FSM_IDLE,
	       "-hold -keepalive -send-hold -stable close down release");
	ck_assert_uint_eq(f.idle_hold_cur, 10); /* backoff still counts */
	expect(&f, FSM_EV_AUTOMATIC_START, NULL, FSM_CONNECT, "+connect-retry=120 connect");
}
END_TEST

START_TEST(connect_retry_counter_rules)
{
	struct fsm f;
	struct fsm_actions acts;

	fsm_init(&f, &base_cfg);
	fsm_step(&f, FSM_EV_MANUAL_START, NULL, &acts);
	fsm_step(&f, FSM_EV_TCP_CR_ACKED, NULL, &acts);
	/* NotifMsgVerErr in OpenSent: no increment (§8.2.2) */
	fsm_step(&f, FSM_EV_NOTIF_MSG_VER_ERR, NULL, &acts);
	ck_assert_int_eq(f.state, FSM_IDLE);
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	ck_assert_uint_eq(f.idle_hold_cur, 5); /* not damped either */
	fsm_step(&f, FSM_EV_IDLE_HOLD_TIMER_EXPIRES, NULL, &acts);
	fsm_step(&f, FSM_EV_TCP_CR_ACKED, NULL, &acts);
	fsm_step(&f, FSM_EV_BGP_HEADER_ERR, &in_header_err, &acts);
	ck_assert_uint_eq(f.connect_retry_counter, 1);
	ck_assert_uint_eq(f.idle_hold_cur, 10);
	/* Connect: TcpConnectionFails keeps the counter */
	fsm_step(&f, FSM_EV_IDLE_HOLD_TIMER_EXPIRES, NULL, &acts);
	ck_assert_uint_eq(f.connect_retry_counter, 0);   /* the start resets it */
	fsm_step(&f, FSM_EV_KEEPALIVE_MSG, NULL, &acts); /* other event in Connect */
	ck_assert_uint_eq(f.connect_retry_counter, 1);
}
END_TEST

START_TEST(stop_notification_carries_glue_data)
{
	static const uint8_t msg[] = {8, 'm', 'a', 'i', 'n', 't', 'e', 'n', 'a'};
	const struct fsm_input in = {.code = 6, .subcode = 2, .data = msg, .data_len = sizeof(msg)};
	const struct fsm_input maxpfx = {.code = 6, .subcode = 1, .data = msg, .data_len = 7};
	struct fsm f;
	struct fsm_actions acts;

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	fsm_step(&f, FSM_EV_MANUAL_STOP, &in, &acts);
	ck_assert_int_eq(acts.a[0].type, FSM_A_SEND_NOTIFICATION);
	ck_assert_uint_eq(acts.a[0].code, 6);
	ck_assert_uint_eq(acts.a[0].subcode, 2);
	ck_assert_ptr_eq(acts.a[0].data, msg);
	ck_assert_uint_eq(acts.a[0].data_len, sizeof(msg));

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	fsm_step(&f, FSM_EV_AUTOMATIC_STOP, &maxpfx, &acts);
	ck_assert_uint_eq(acts.a[0].subcode, 1);
	ck_assert_uint_eq(acts.a[0].data_len, 7);
	ck_assert_int_eq(f.state, FSM_IDLE);
	ck_assert(fsm_timer_running(&f, FSM_TIMER_IDLE_HOLD));

	/* an error event without details still sends its error code */
	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	fsm_step(&f, FSM_EV_UPDATE_MSG_ERR, NULL, &acts);
	ck_assert_uint_eq(acts.a[0].code, 3);
	ck_assert_uint_eq(acts.a[0].subcode, 0);
	ck_assert_ptr_null(acts.a[0].data);
}
END_TEST

START_TEST(invalid_event_is_ignored)
{
	struct fsm f;
	struct fsm_actions acts = {.n = 3};

	fsm_init(&f, &base_cfg);
	establish(&f, &in_open);
	fsm_step(&f, FSM_EVENT_COUNT, NULL, &acts);
	ck_assert_uint_eq(acts.n, 0);
	ck_assert_int_eq(f.state, FSM_ESTABLISHED);
	f.state = FSM_STATE_COUNT; /* corrupt: no action, no crash */
	fsm_step(&f, FSM_EV_MANUAL_STOP, NULL, &acts);
	ck_assert_uint_eq(acts.n, 0);
}
END_TEST

START_TEST(actions_fit)
{
	/* No cell comes near the fixed action array. */
	for (int r = 0; r < ROW_COUNT; r++)
		for (int e = 0; e < FSM_EVENT_COUNT; e++) {
			struct fsm f;
			struct fsm_actions acts;

			setup_row(&f, (enum row)r);
			step(&f, (enum fsm_event)e, &acts);
			ck_assert_uint_lt(acts.n, FSM_MAX_ACTIONS / 2);
		}
}
END_TEST

START_TEST(jitter_range)
{
	ck_assert_uint_eq(fsm_jitter(120, 0), 120);
	ck_assert_uint_eq(fsm_jitter(120, UINT32_MAX), 90);
	ck_assert_uint_eq(fsm_jitter(0, 12345), 0);
	ck_assert_uint_eq(fsm_jitter(3, UINT32_MAX), 3);
	ck_assert_uint_eq(fsm_jitter(4, UINT32_MAX), 3);
	ck_assert_uint_eq(fsm_jitter(65535, UINT32_MAX), 65535 - 16383);
	/* a spread of random words stays in [0.75 s, s] and hits both ends */
	for (unsigned secs = 1; secs < 400; secs += 7) {
		unsigned lo = secs, hi = 0;

		for (uint32_t x = 0, i = 0; i < 2000; i++, x = x * 1664525u + 1013904223u) {
			unsigned j = fsm_jitter(secs, x);

			ck_assert(4ull * j >= 3ull * secs && j <= secs);
			lo = MIN(lo, j);
			hi = MAX(hi, j);
		}
		ck_assert_uint_eq(hi, secs);
		ck_assert_uint_eq(lo, secs - secs / 4);
	}
	ck_assert(fsm_timer_jittered(FSM_TIMER_CONNECT_RETRY));
	ck_assert(fsm_timer_jittered(FSM_TIMER_KEEPALIVE));
	ck_assert(fsm_timer_jittered(FSM_TIMER_IDLE_HOLD));
	ck_assert(!fsm_timer_jittered(FSM_TIMER_HOLD));
	ck_assert(!fsm_timer_jittered(FSM_TIMER_SEND_HOLD));
	ck_assert(!fsm_timer_jittered(FSM_TIMER_DELAY_OPEN));
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(fsm_state_name(FSM_OPENCONFIRM), "OpenConfirm");
	ck_assert_str_eq(fsm_event_name(FSM_EV_BGP_OPEN_MSG_ERR), "BGPOpenMsgErr");
	ck_assert_str_eq(fsm_timer_name(FSM_TIMER_SEND_HOLD), "send-hold");
	ck_assert_str_eq(fsm_action_name(FSM_A_PEER_DOWN), "peer-down");
	for (int i = 0; i < FSM_STATE_COUNT; i++)
		ck_assert(fsm_state_name(i) && strcmp(fsm_state_name(i), "?") != 0);
	for (int i = 0; i < FSM_EVENT_COUNT; i++)
		ck_assert(fsm_event_name(i) && strcmp(fsm_event_name(i), "?") != 0);
	for (int i = 0; i < FSM_TIMER_COUNT; i++)
		ck_assert(fsm_timer_name(i) && strcmp(fsm_timer_name(i), "?") != 0);
	for (int i = 0; i < FSM_ACTION_TYPE_COUNT; i++)
		ck_assert(fsm_action_name(i) && strcmp(fsm_action_name(i), "?") != 0);
	ck_assert_str_eq(fsm_state_name(FSM_STATE_COUNT), "?");
	ck_assert_str_eq(fsm_event_name(FSM_EVENT_COUNT), "?");
	ck_assert_str_eq(fsm_timer_name(FSM_TIMER_COUNT), "?");
	ck_assert_str_eq(fsm_action_name(FSM_ACTION_TYPE_COUNT), "?");
	ck_assert(!fsm_timer_running(&(struct fsm){.timers = ~0u}, FSM_TIMER_COUNT));
}
END_TEST

static Suite *
fsm_suite(void)
{
	Suite *s = suite_create("fsm");
	TCase *t = tcase_create("table");
	TCase *sc = tcase_create("scenarios");

	tcase_add_loop_test(t, table_cell, 0, ROW_COUNT * FSM_EVENT_COUNT);
	tcase_add_test(t, actions_fit);
	suite_add_tcase(s, t);

	tcase_add_test(sc, active_open_full_session);
	tcase_add_test(sc, passive_open_never_connects);
	tcase_add_test(sc, passive_start_event_then_active_retry);
	tcase_add_test(sc, collision_resolution_rule);
	tcase_add_test(sc, collision_two_connections);
	tcase_add_test(sc, hold_timer_expiry_and_restart);
	tcase_add_test(sc, hold_timer_expiry_in_opensent_uses_large_value);
	tcase_add_test(sc, delay_open_peer_opens_first);
	tcase_add_test(sc, delay_open_timer_expires);
	tcase_add_test(sc, delay_open_connection_fails_goes_active);
	tcase_add_test(sc, backoff_doubles_to_cap);
	tcase_add_test(sc, backoff_resets_only_after_stable_session);
	tcase_add_test(sc, backoff_stable_time_configured);
	tcase_add_test(sc, backoff_not_doubled_by_tcp_failure_in_connect);
	tcase_add_test(sc, no_damping_keeps_idle_hold_fixed);
	tcase_add_test(sc, backoff_zero_idle_hold_grows_from_one);
	tcase_add_test(sc, hold_time_zero_means_no_keepalives);
	tcase_add_test(sc, hold_time_zero_with_delay_open);
	tcase_add_test(sc, negotiated_keepalive_rules);
	tcase_add_test(sc, send_hold_time_rfc9687);
	tcase_add_test(sc, manual_stop_cancels_restart);
	tcase_add_test(sc, no_auto_restart);
	tcase_add_test(sc, connect_retry_counter_rules);
	tcase_add_test(sc, stop_notification_carries_glue_data);
	tcase_add_test(sc, invalid_event_is_ignored);
	tcase_add_test(sc, jitter_range);
	tcase_add_test(sc, names);
	suite_add_tcase(s, sc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fsm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
#endif /* FSM_DUMP */
