/*
 * libFuzzer harness: BFD Control packets (lib/bfd_pkt) and one BFD session
 * (lib/bfd) driven by them, kept pure.
 *
 * Input: byte 0 picks our configuration (bits 0-1 transmit interval, 2-3
 * receive interval, 4-5 multiplier, bit 6 damping) and, in bit 7, the mode:
 *   1  the rest is one datagram: decode, and if accepted re-encode and
 *      decode again, which must give the same fields;
 *   0  the rest is a script of records for a session starting in Down:
 *        op & 7 = 0, 1  a datagram follows (next byte: its length), decoded
 *                       and, if accepted, fed to the session;
 *        op & 7 = 2, 3  4 bytes build a packet addressed to the session
 *                       (state and flags, diag, multiplier, intervals), so
 *                       the state machine is reached without guessing
 *                       discriminators;
 *        op & 7 = 4     the timers due at the next deadline fire;
 *        op & 7 = 5, 6  administrative disable / enable;
 *        op & 7 = 7     reconfigure from the next byte (as byte 0);
 *      op >> 3 advances the clock by that many 10 ms first.
 *
 * Checked: every packet the session asks to send encodes and passes our own
 * reception checks, never has both P and F, advertises at least 1 s while
 * not Up; UP only in Up and DOWN only after an UP; usable implies Up; no
 * step overflows the action list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd.h"
#include "bfd_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define LOCAL_DISCR  0x0a0b0c0du
#define REMOTE_DISCR 0x01020304u

static const uint32_t intervals[4] = {50000, 100000, 300000, 1000000};
static const uint8_t mults[4] = {1, 3, 5, 255};

static void
config_from(uint8_t b, struct bfd_config *c)
{
	*c = (struct bfd_config){
	        .desired_min_tx = intervals[b & 3],
	        .required_min_rx = intervals[(b >> 2) & 3],
	        .detect_mult = mults[(b >> 4) & 3],
	        .hold_down = (b & 0x40) ? 1000000 : 0,
	        .hold_down_max = 8000000,
	};
}

static void
codec(const uint8_t *d, size_t n)
{
	struct bfd_pkt p, q;
	uint8_t buf[BFD_PKT_LEN];
	enum bfd_pkt_verdict v = bfd_pkt_decode(d, n, &p);

	CHECK((unsigned)v < BFD_PKT_VERDICT_COUNT);
	(void)bfd_pkt_verdict_name(v);
	(void)bfd_diag_name(p.diag);
	(void)bfd_state_name(p.state);
	if (v != BFD_PKT_OK)
		return;
	CHECK(p.version == BFD_VERSION && !p.auth && !p.multipoint && p.detect_mult);
	CHECK(p.length >= BFD_PKT_LEN && p.length <= n);
	CHECK(bfd_pkt_encode(&p, buf, sizeof(buf)) == BFD_PKT_LEN);
	CHECK(bfd_pkt_decode(buf, sizeof(buf), &q) == BFD_PKT_OK);
	CHECK(q.length == BFD_PKT_LEN);
	CHECK(p.version == q.version && p.diag == q.diag && p.state == q.state);
	CHECK(p.poll == q.poll && p.final == q.final && p.cpi == q.cpi && p.demand == q.demand);
	CHECK(p.detect_mult == q.detect_mult && p.my_discr == q.my_discr);
	CHECK(p.your_discr == q.your_discr && p.desired_min_tx == q.desired_min_tx);
	CHECK(p.required_min_rx == q.required_min_rx);
	CHECK(p.required_min_echo_rx == q.required_min_echo_rx);
}

struct run {
	struct bfd_session s;
	uint64_t now;
	bool up; /* BFD_A_UP seen, no BFD_A_DOWN since */
};

static void
check_actions(struct run *r, const struct bfd_actions *acts)
{
	CHECK(acts->n < BFD_MAX_ACTIONS);
	for (size_t i = 0; i < acts->n; i++) {
		const struct bfd_action *a = &acts->a[i];
		uint8_t buf[BFD_PKT_LEN];
		struct bfd_pkt back;

		switch (a->type) {
		case BFD_A_SEND:
			CHECK(!(a->pkt.poll && a->pkt.final));
			CHECK(bfd_pkt_encode(&a->pkt, buf, sizeof(buf)) == BFD_PKT_LEN);
			CHECK(bfd_pkt_decode(buf, sizeof(buf), &back) == BFD_PKT_OK);
			CHECK(back.my_discr == LOCAL_DISCR);
			if (a->pkt.state != BFD_UP)
				CHECK(a->pkt.desired_min_tx >= BFD_SLOW_TX);
			break;
		case BFD_A_STATE:
			CHECK(a->from != a->to);
			break;
		case BFD_A_UP:
			CHECK(!r->up && r->s.state == BFD_UP);
			r->up = true;
			break;
		case BFD_A_DOWN:
			CHECK(r->up);
			r->up = false;
			break;
		default:
			CHECK(0);
		}
	}
	CHECK((unsigned)r->s.state < BFD_STATE_COUNT);
	CHECK(r->up == bfd_usable(&r->s));
	CHECK(!bfd_usable(&r->s) || r->s.state == BFD_UP);
	CHECK(r->s.state != BFD_UP || bfd_bound(&r->s));
	(void)bfd_show_state(&r->s);
	(void)bfd_detect_time(&r->s);
}

static void
feed(struct run *r, const struct bfd_pkt *p, size_t payload)
{
	struct bfd_actions acts;
	const struct bfd_input in = {.pkt = p, .payload = payload};

	bfd_step(&r->s, BFD_EV_RX, &in, r->now, &acts);
	check_actions(r, &acts);
}

/* A packet addressed to the session from 4 script bytes. */
static void
templated(struct run *r, const uint8_t *b)
{
	struct bfd_pkt p = {
	        .version = BFD_VERSION,
	        .state = (enum bfd_state)(b[0] & 3),
	        .poll = (b[0] & 0x04) != 0,
	        .final = (b[0] & 0x08) != 0,
	        .demand = (b[0] & 0x10) != 0,
	        .diag = b[1] & 0x1f,
	        .detect_mult = b[2],
	        .length = BFD_PKT_LEN,
	        .my_discr = REMOTE_DISCR,
	        .your_discr = (b[0] & 0x20) ? 0 : LOCAL_DISCR,
	        .desired_min_tx = intervals[b[3] & 3],
	        .required_min_rx = (b[3] & 0x40) ? 0 : intervals[(b[3] >> 2) & 3],
	};

	/* Through the wire, as the glue does it. */
	uint8_t buf[BFD_PKT_LEN];
	struct bfd_pkt q;

	CHECK(bfd_pkt_encode(&p, buf, sizeof(buf)) == BFD_PKT_LEN);
	if (bfd_pkt_decode(buf, sizeof(buf), &q) == BFD_PKT_OK)
		feed(r, &q, sizeof(buf));
}

static void
script(const uint8_t *d, size_t n, const struct bfd_config *cfg)
{
	struct run r = {0};
	struct bfd_actions acts;
	struct bfd_config c;

	bfd_init(&r.s, cfg, LOCAL_DISCR, 0, 0x5eed);
	while (n > 0) {
		uint8_t op = d[0];

		d++, n--;
		r.now += (uint64_t)(op >> 3) * 10000;
		switch (op & 7) {
		case 0:
		case 1: {
			size_t len = n ? d[0] : 0;
			struct bfd_pkt p;

			if (n)
				d++, n--;
			len = len < n ? len : n;
			if (bfd_pkt_decode(d, len, &p) == BFD_PKT_OK)
				feed(&r, &p, len);
			d += len, n -= len;
			break;
		}
		case 2:
		case 3:
			if (n < 4)
				return;
			templated(&r, d);
			d += 4, n -= 4;
			break;
		case 4: {
			uint64_t t = bfd_next_deadline(&r.s);

			if (t != BFD_NEVER && t > r.now)
				r.now = t;
			bfd_expire(&r.s, r.now, &acts);
			check_actions(&r, &acts);
			break;
		}
		case 5:
		case 6: {
			const struct bfd_input in = {.diag = (op & 0x80) ? BFD_DIAG_PATH_DOWN : 0};

			bfd_step(&r.s, (op & 7) == 5 ? BFD_EV_ADMIN_DOWN : BFD_EV_ADMIN_UP, &in,
			         r.now, &acts);
			check_actions(&r, &acts);
			break;
		}
		case 7: {
			struct bfd_input in = {.cfg = &c};

			if (n < 1)
				return;
			config_from(d[0], &c);
			d++, n--;
			bfd_step(&r.s, BFD_EV_RECONFIGURE, &in, r.now, &acts);
			check_actions(&r, &acts);
			CHECK(r.s.cfg.detect_mult == c.detect_mult);
			break;
		}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfd_config cfg;

	if (size < 1)
		return 0;
	config_from(data[0], &cfg);
	if (data[0] & 0x80)
		codec(data + 1, size - 1);
	else
		script(data + 1, size - 1, &cfg);
	return 0;
}
