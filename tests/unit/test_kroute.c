/*
 * test_kroute: the route shadow on its own, driven as bgpd/kernel.c drives
 * it (take, describe, send, answer by sequence number, dump) with no
 * kernel: wishes coalesce, next-hop sets are shared, answers confirm in
 * order, failures back off, protection refuses and releases, a dump adopts
 * and reconciles.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "kroute.h"

#define NOW 1000u

static struct prefix
p4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len)
{
	struct prefix p = {.afi = AFI_IP, .len = len, .bytes = {a, b, c, d}};

	return p;
}

static struct kroute_nexthop
gw4(uint8_t c, uint8_t d)
{
	struct kroute_nexthop nh = {.gw = {.afi = AFI_IP, .bytes = {172, 16, c, d}}};

	return nh;
}

/* What one round of sending put on the wire. */
struct sent {
	size_t n;
	uint32_t first_seq;
	struct prefix p[64];
	enum kroute_op op[64];
	size_t nh_n[64];
	const struct kroute_nexthop *nh[64];
};

/* Take everything queued and send a change for each entry that needs one. */
static void
send_all(struct kroute_table *t, struct sent *s)
{
	struct kroute *v[64];
	size_t n = kroute_take(t, v, 64);

	memset(s, 0, sizeof(*s));
	s->first_seq = kroute_seq_next(t);
	for (size_t i = 0; i < n; i++) {
		struct kroute_change c;

		if (!kroute_change_of(t, v[i], &c))
			continue;
		ck_assert_uint_lt(s->n, 64);
		s->p[s->n] = *c.p;
		s->op[s->n] = c.op;
		s->nh_n[s->n] = c.n;
		s->nh[s->n] = c.nh;
		s->n++;
		kroute_sent(t, v[i]);
	}
}

/* The answer for the last change sent: every earlier one succeeds with it. */
static bool
ack_all(struct kroute_table *t, const struct sent *s, int err, struct kroute_failure *f)
{
	ck_assert_uint_gt(s->n, 0);
	return kroute_answer(t, s->first_seq + (uint32_t)s->n - 1, err, NOW, f);
}

static struct kroute_table *
table(void)
{
	struct kroute_table *t = kroute_new(77);

	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(set_send_confirm)
{
	struct kroute_table *t = table();
	struct prefix p = p4(10, 1, 0, 0, 16);
	struct kroute_nexthop nh[2] = {gw4(2, 2), gw4(1, 2)};
	struct kroute_failure f;
	struct sent s;

	ck_assert_int_eq(kroute_set(t, &p, nh, 2), KROUTE_OK);
	ck_assert_uint_eq(kroute_queued(t), 1);
	ck_assert_uint_eq(kroute_pending(t), 1);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.first_seq, 77);
	ck_assert_int_eq(s.op[0], KROUTE_UNICAST);
	ck_assert_uint_eq(s.nh_n[0], 2);
	/* Sorted: 172.16.1.2 before 172.16.2.2. */
	ck_assert_uint_eq(s.nh[0][0].gw.bytes[2], 1);
	ck_assert_uint_eq(s.nh[0][1].gw.bytes[2], 2);
	ck_assert_uint_eq(kroute_inflight(t), 1);
	ck_assert_uint_eq(kroute_installed(t), 0);
	ck_assert(!ack_all(t, &s, 0, &f));
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_pending(t), 0);
	ck_assert_uint_eq(kroute_seq_next(t), 78);

	/* The same wish again costs nothing. */
	ck_assert_int_eq(kroute_set(t, &p, nh, 2), KROUTE_OK);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(kroute_pending(t), 0);
	kroute_free(t);
}
END_TEST

START_TEST(wishes_coalesce_and_sets_are_shared)
{
	struct kroute_table *t = table();
	struct prefix a = p4(10, 1, 0, 0, 16), b = p4(10, 2, 0, 0, 16);
	struct kroute_nexthop ab[2] = {gw4(1, 2), gw4(2, 2)}, ba[2] = {gw4(2, 2), gw4(1, 2)};
	struct kroute_nexthop one = gw4(1, 2);
	struct sent s;

	ck_assert_int_eq(kroute_set(t, &a, &one, 1), KROUTE_OK);
	ck_assert_int_eq(kroute_set(t, &a, ab, 2), KROUTE_OK); /* the latest wins */
	ck_assert_int_eq(kroute_set(t, &b, ba, 2), KROUTE_OK);
	ck_assert_uint_eq(kroute_queued(t), 2);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.nh_n[0], 2);
	ck_assert_uint_eq(s.nh_n[1], 2);
	/* One interned set for both prefixes, whatever the order given. */
	ck_assert_ptr_eq(s.nh[0], s.nh[1]);
	kroute_free(t);
}
END_TEST

START_TEST(invalid_wishes_are_refused)
{
	struct kroute_table *t = table();
	struct prefix host = p4(10, 1, 0, 1, 16), ok = p4(10, 1, 0, 0, 16);
	struct prefix bad_afi = {.afi = 7, .len = 8};
	struct kroute_nexthop dup[2] = {gw4(1, 2), gw4(1, 2)};
	struct kroute_nexthop v6 = {.gw = {.afi = AFI_IP6, .bytes = {0xfe, 0x80}}, .ifindex = 1};
	struct kroute_nexthop nothing = {.ifindex = 0};
	struct kroute_nexthop many[KROUTE_MAX_NEXTHOPS + 1];

	for (size_t i = 0; i < KROUTE_MAX_NEXTHOPS + 1; i++)
		many[i] = gw4(1, (uint8_t)(i + 1));
	ck_assert_int_eq(kroute_set(t, &host, dup, 1), KROUTE_ERR_INVAL);
	ck_assert_int_eq(kroute_set(t, &bad_afi, dup, 1), KROUTE_ERR_INVAL);
	ck_assert_int_eq(kroute_set(t, &ok, dup, 2), KROUTE_ERR_INVAL);
	ck_assert_int_eq(kroute_set(t, &ok, &v6, 1), KROUTE_ERR_INVAL);
	ck_assert_int_eq(kroute_set(t, &ok, &nothing, 1), KROUTE_ERR_INVAL);
	ck_assert_int_eq(kroute_set(t, &ok, many, KROUTE_MAX_NEXTHOPS + 1), KROUTE_ERR_INVAL);
	ck_assert_int_eq(kroute_set(t, &ok, many, KROUTE_MAX_NEXTHOPS), KROUTE_OK);
	ck_assert_int_eq(kroute_discard(t, &host, true), KROUTE_ERR_INVAL);
	ck_assert_uint_eq(kroute_queued(t), 1);
	ck_assert_str_eq(kroute_strerror(KROUTE_ERR_INVAL), "invalid route");
	kroute_free(t);
}
END_TEST

START_TEST(removal_and_already_gone)
{
	struct kroute_table *t = table();
	struct prefix p = p4(10, 1, 0, 0, 16), never = p4(10, 9, 0, 0, 16);
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_failure f;
	struct sent s;

	ck_assert_int_eq(kroute_set(t, &never, NULL, 0), KROUTE_OK);
	ck_assert_uint_eq(kroute_queued(t), 0); /* nothing to remove */
	kroute_set(t, &p, &nh, 1);
	send_all(t, &s);
	ack_all(t, &s, 0, &f);
	ck_assert_int_eq(kroute_set(t, &p, NULL, 0), KROUTE_OK);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.op[0], KROUTE_DELETE);
	/* Someone removed it first: that is what we wanted. */
	ck_assert(!ack_all(t, &s, ESRCH, &f));
	ck_assert_uint_eq(kroute_installed(t), 0);
	ck_assert_uint_eq(kroute_pending(t), 0);
	kroute_free(t);
}
END_TEST

static int
count_fn(const struct kroute_info *ri, void *ctx)
{
	(*(size_t *)ctx)++;
	return 0;
}

START_TEST(discard_and_route_precedence)
{
	struct kroute_table *t = table();
	struct prefix p = p4(10, 0, 0, 0, 8);
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_failure f;
	struct sent s;
	size_t n = 0;

	ck_assert_int_eq(kroute_discard(t, &p, true), KROUTE_OK);
	send_all(t, &s);
	ck_assert_int_eq(s.op[0], KROUTE_BLACKHOLE);
	ack_all(t, &s, 0, &f);
	kroute_set(t, &p, &nh, 1);
	send_all(t, &s);
	ck_assert_int_eq(s.op[0], KROUTE_UNICAST);
	ack_all(t, &s, 0, &f);
	kroute_set(t, &p, NULL, 0); /* the discard is still wanted */
	send_all(t, &s);
	ck_assert_int_eq(s.op[0], KROUTE_BLACKHOLE);
	ack_all(t, &s, 0, &f);
	kroute_discard(t, &p, false);
	send_all(t, &s);
	ck_assert_int_eq(s.op[0], KROUTE_DELETE);
	ack_all(t, &s, 0, &f);
	/* Nothing wanted, nothing held: the entry is gone. */
	kroute_walk(t, count_fn, &n);
	ck_assert_uint_eq(n, 0);
	kroute_free(t);
}
END_TEST

START_TEST(protection_refuses_and_releases)
{
	struct kroute_table *t = table();
	struct prefix link = p4(172, 16, 1, 0, 30), cover = p4(172, 16, 0, 0, 16);
	struct prefix inside = p4(172, 16, 1, 0, 31), host = p4(172, 16, 1, 1, 32);
	struct prefix dflt = p4(0, 0, 0, 0, 0), other = p4(10, 0, 0, 0, 8);
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_failure f;
	struct sent s;

	ck_assert_int_eq(kroute_protect(t, &link), KROUTE_OK);
	ck_assert(kroute_is_protected(t, &link));
	ck_assert(!kroute_is_protected(t, &cover));
	ck_assert_int_eq(kroute_set(t, &cover, &nh, 1), KROUTE_ERR_PROTECTED);
	ck_assert_int_eq(kroute_set(t, &inside, &nh, 1), KROUTE_ERR_PROTECTED);
	ck_assert_int_eq(kroute_set(t, &dflt, &nh, 1), KROUTE_OK); /* exempt */
	ck_assert_int_eq(kroute_set(t, &other, &nh, 1), KROUTE_OK);
	/* A discard alone may cover a protected prefix (it loses by longest match)... */
	ck_assert_int_eq(kroute_set(t, &cover, NULL, 0), KROUTE_OK);
	ck_assert_int_eq(kroute_discard(t, &cover, true), KROUTE_OK);
	/* ...but not lie inside one. */
	ck_assert_int_eq(kroute_discard(t, &host, true), KROUTE_ERR_PROTECTED);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 3); /* default, 10/8, the covering discard */
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 3);

	/* Next hops for the covering prefix: refused, and the entry holds nothing. */
	ck_assert_int_eq(kroute_set(t, &cover, &nh, 1), KROUTE_ERR_PROTECTED);
	/* Counted: protected until the last unprotect. */
	kroute_protect(t, &link);
	kroute_unprotect(t, &link);
	ck_assert(kroute_is_protected(t, &link));
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.op[0], KROUTE_DELETE);
	ack_all(t, &s, 0, &f);

	/* Released: every refused wish goes in. */
	kroute_unprotect(t, &link);
	ck_assert(!kroute_is_protected(t, &link));
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 3); /* 172.16/16 and the /31 via the gateway, the /32 discard */
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 5);

	/* A protection added later pulls what overlaps it, not the default route. */
	kroute_protect(t, &link);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 3);
	for (size_t i = 0; i < s.n; i++) {
		ck_assert_int_eq(s.op[i], KROUTE_DELETE);
		ck_assert(!prefix_eq(&s.p[i], &dflt));
	}
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 2);
	kroute_free(t);
}
END_TEST

START_TEST(failures_back_off_and_retry)
{
	struct kroute_table *t = table();
	struct prefix p = p4(10, 5, 0, 0, 16);
	struct kroute_nexthop nh = gw4(99, 1);
	const unsigned delays[] = {1, 2, 4, 8, 16, 32, 60, 60};
	struct kroute_failure f;
	uint32_t now = NOW;
	struct sent s;

	kroute_set(t, &p, &nh, 1);
	for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		send_all(t, &s);
		ck_assert_uint_eq(s.n, 1);
		ck_assert(kroute_answer(t, s.first_seq, ENETUNREACH, now, &f));
		ck_assert_int_eq(f.err, ENETUNREACH);
		ck_assert_uint_eq(f.delay_s, delays[i]);
		ck_assert_uint_eq(f.p.len, 16);
		ck_assert_uint_eq(kroute_retrying(t), 1);
		ck_assert_uint_eq(kroute_pending(t), 1);
		/* Not before its time. */
		ck_assert_uint_eq(kroute_retry_due(t, now + delays[i] - 1), 1);
		ck_assert_uint_eq(kroute_queued(t), 0);
		now += delays[i];
		ck_assert_uint_eq(kroute_retry_due(t, now), 0);
		ck_assert_uint_eq(kroute_queued(t), 1);
	}
	/* A link comes up: what waits is due at once. */
	send_all(t, &s);
	kroute_answer(t, s.first_seq, ENETUNREACH, now, &f);
	ck_assert_uint_eq(kroute_retry_due(t, now), 1);
	kroute_retry_expedite(t, now);
	ck_assert_uint_eq(kroute_retry_due(t, now), 0);
	send_all(t, &s);
	ck_assert(!kroute_answer(t, s.first_seq, 0, now, &f));
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_pending(t), 0);

	/* The next failure starts the backoff over. */
	kroute_set(t, &p, NULL, 0);
	send_all(t, &s);
	ck_assert(kroute_answer(t, s.first_seq, EPERM, now, &f));
	ck_assert_uint_eq(f.delay_s, 1);
	kroute_free(t);
}
END_TEST

START_TEST(one_answer_confirms_the_batch)
{
	struct kroute_table *t = table();
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_failure f;
	struct sent s;

	for (uint8_t i = 0; i < 5; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, &nh, 1);
	}
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 5);
	/* The third failed: the two before it succeeded; the rest still fly. */
	ck_assert(kroute_answer(t, s.first_seq + 2, EINVAL, NOW, &f));
	ck_assert_uint_eq(kroute_installed(t), 2);
	ck_assert_uint_eq(kroute_inflight(t), 2);
	ck_assert(!kroute_answer(t, s.first_seq + 4, 0, NOW, &f));
	ck_assert_uint_eq(kroute_installed(t), 4);
	ck_assert_uint_eq(kroute_inflight(t), 0);
	ck_assert_uint_eq(kroute_retrying(t), 1);
	/* Answers to nothing in flight are ignored. */
	ck_assert(!kroute_answer(t, s.first_seq + 4, EINVAL, NOW, &f));
	ck_assert(!kroute_answer(t, s.first_seq - 1, EINVAL, NOW, &f));
	ck_assert_uint_eq(kroute_installed(t), 4);
	kroute_free(t);
}
END_TEST

START_TEST(sequence_numbers_wrap)
{
	struct kroute_table *t = kroute_new(UINT32_MAX - 1);
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_failure f;
	struct sent s;

	ck_assert_ptr_nonnull(t);
	for (uint8_t i = 0; i < 4; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, &nh, 1);
	}
	send_all(t, &s);
	ck_assert_uint_eq(s.first_seq, UINT32_MAX - 1);
	ck_assert_uint_eq(kroute_seq_next(t), 2);
	ck_assert(!kroute_answer(t, 1, 0, NOW, &f));
	ck_assert_uint_eq(kroute_installed(t), 4);
	kroute_free(t);
}
END_TEST

START_TEST(requeue_goes_to_the_head)
{
	struct kroute_table *t = table();
	struct prefix a = p4(10, 1, 0, 0, 16), b = p4(10, 2, 0, 0, 16);
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_change c;
	struct kroute *v[2];

	kroute_set(t, &a, &nh, 1);
	kroute_set(t, &b, &nh, 1);
	ck_assert_uint_eq(kroute_take(t, v, 1), 1);
	ck_assert_uint_eq(kroute_queued(t), 1);
	kroute_requeue(t, v[0]);
	ck_assert_uint_eq(kroute_queued(t), 2);
	ck_assert_uint_eq(kroute_take(t, v, 2), 2);
	ck_assert(kroute_change_of(t, v[0], &c));
	ck_assert(prefix_eq(c.p, &a));
	kroute_free(t);
}
END_TEST

/*
 * A backlog beyond a thousand entries is taken in a scattered order (the
 * kernel's IPv4 trie takes a sorted table about half as fast), each entry
 * exactly once; few entries keep their order; the queue's ring is given
 * back once the routes settle.
 */
START_TEST(large_backlog_is_taken_scattered)
{
	struct kroute_table *t = table();
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute *v[64];
	static bool seen[20000];
	size_t n = 20000, taken = 0, in_order = 0, before;
	struct kroute_change c;
	struct kroute_failure f;

	memset(seen, 0, sizeof(seen));
	for (uint32_t i = 0; i < n; i++) {
		struct prefix p = p4(11, (uint8_t)(i >> 8), (uint8_t)i, 0, 24);

		ck_assert_int_eq(kroute_set(t, &p, &nh, 1), KROUTE_OK);
	}
	before = kroute_memory(t);
	while (kroute_queued(t) > 0) {
		size_t m = kroute_take(t, v, 64);

		for (size_t i = 0; i < m; i++) {
			ck_assert(kroute_change_of(t, v[i], &c));
			size_t idx = ((size_t)c.p->bytes[1] << 8) | c.p->bytes[2];

			ck_assert_uint_lt(idx, n);
			ck_assert(!seen[idx]);
			seen[idx] = true;
			in_order += idx == taken;
			taken++;
			kroute_sent(t, v[i]);
			ck_assert(!kroute_answer(t, kroute_seq_next(t) - 1, 0, NOW, &f));
		}
	}
	ck_assert_uint_eq(taken, n);
	/* The last thousand or so go in order; the rest almost never. */
	ck_assert_uint_lt(in_order, 1100);
	ck_assert_uint_eq(kroute_installed(t), n);
	ck_assert_uint_eq(kroute_full(t), 0);
	ck_assert_uint_lt(kroute_memory(t), before);

	/* A few: first in, first out. */
	struct prefix a = p4(12, 0, 0, 0, 24), b = p4(12, 0, 1, 0, 24), d = p4(12, 0, 2, 0, 24);
	kroute_set(t, &a, &nh, 1);
	kroute_set(t, &b, &nh, 1);
	kroute_set(t, &d, &nh, 1);
	ck_assert_uint_eq(kroute_take(t, v, 3), 3);
	ck_assert(kroute_change_of(t, v[0], &c) && prefix_eq(c.p, &a));
	ck_assert(kroute_change_of(t, v[1], &c) && prefix_eq(c.p, &b));
	ck_assert(kroute_change_of(t, v[2], &c) && prefix_eq(c.p, &d));
	kroute_free(t);
}
END_TEST

START_TEST(dump_adopts_then_sweep_removes)
{
	struct kroute_table *t = table();
	struct prefix kept = p4(10, 1, 0, 0, 16), dropped = p4(10, 2, 0, 0, 16);
	struct prefix hole = p4(10, 3, 0, 0, 16);
	struct kroute_nexthop nh = gw4(1, 2);
	struct kroute_failure f;
	struct sent s;

	ck_assert_int_eq(kroute_dump_route(t, &kept, &nh, 1, true), KROUTE_OK);
	ck_assert_int_eq(kroute_dump_route(t, &dropped, &nh, 1, true), KROUTE_OK);
	ck_assert_int_eq(kroute_dump_route(t, &hole, NULL, 0, true), KROUTE_OK);
	kroute_dump_end(t, true);
	ck_assert_uint_eq(kroute_stale(t), 3);
	ck_assert_uint_eq(kroute_installed(t), 3);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0); /* adopted routes stay as they are */

	/* Claimed again with the same next hops: no message. */
	kroute_set(t, &kept, &nh, 1);
	ck_assert_uint_eq(kroute_stale(t), 2);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);

	ck_assert_uint_eq(kroute_sweep_stale(t), 2);
	ck_assert_uint_eq(kroute_stale(t), 0);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(s.op[0], KROUTE_DELETE);
	ck_assert_int_eq(s.op[1], KROUTE_DELETE);
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_sweep_stale(t), 0);
	kroute_free(t);
}
END_TEST

/* The one entry of a table, as `show kernel routes` sees it. */
struct kroute_walk_one {
	size_t n;
	struct kroute_nexthop nh0;
};

static int
one_fn(const struct kroute_info *ri, void *ctx)
{
	struct kroute_walk_one *w = ctx;

	w->n = ri->n;
	if (ri->n > 0)
		w->nh0 = ri->nh[0];
	return 0;
}

static void
walk_one(struct kroute_table *t, struct kroute_walk_one *w)
{
	memset(w, 0, sizeof(*w));
	kroute_walk(t, one_fn, w);
}

static struct kroute_nexthop
gw6(uint8_t leg, unsigned ifindex)
{
	struct kroute_nexthop nh = {
	        .gw = {.afi = AFI_IP6, .bytes = {0x2a, 0x10, 0xce, 0, 0, leg, [15] = 2}},
	        .ifindex = ifindex};

	return nh;
}

/*
 * An IPv6 ECMP route dumped as one entry per sibling is one route over
 * their union: claimed with both next hops it costs no message, and a
 * failover to one leg is one replace (never a delete).
 */
START_TEST(ipv6_siblings_merge_in_a_dump)
{
	struct kroute_table *t = table();
	struct prefix p = {.afi = AFI_IP6, .len = 32, .bytes = {0x2a, 0x10, 0xce, 0x10}};
	struct kroute_nexthop both[2] = {gw6(1, 5), gw6(2, 6)};
	struct kroute_walk_one w;
	struct kroute_failure f;
	struct sent s;

	ck_assert_int_eq(kroute_dump_route(t, &p, &both[1], 1, true), KROUTE_OK);
	ck_assert_int_eq(kroute_dump_route(t, &p, &both[0], 1, true), KROUTE_OK);
	ck_assert_int_eq(kroute_dump_route(t, &p, &both[0], 1, true), KROUTE_OK); /* again: no-op */
	kroute_dump_end(t, true);
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_stale(t), 1);
	walk_one(t, &w);
	ck_assert_uint_eq(w.n, 2);

	kroute_set(t, &p, both, 2);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);

	kroute_set(t, &p, &both[1], 1);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.op[0], KROUTE_UNICAST);
	ck_assert_uint_eq(s.nh_n[0], 1);
	ack_all(t, &s, 0, &f);

	/* A later dump (a new one) starts from scratch: a lone sibling is the whole route. */
	ck_assert_int_eq(kroute_dump_route(t, &p, &both[0], 1, false), KROUTE_OK);
	kroute_dump_end(t, true);
	walk_one(t, &w);
	ck_assert_uint_eq(w.n, 1);
	ck_assert(addr_eq(&w.nh0.gw, &both[0].gw));
	send_all(t, &s); /* differs from the wish: sent again */
	ck_assert_uint_eq(s.n, 1);
	ck_assert(addr_eq(&s.nh[0][0].gw, &both[1].gw));
	kroute_free(t);
}
END_TEST

START_TEST(dump_reconciles_changes_behind_our_back)
{
	struct kroute_table *t = table();
	struct prefix gone = p4(10, 1, 0, 0, 16), changed = p4(10, 2, 0, 0, 16);
	struct kroute_nexthop nh = gw4(1, 2), other = gw4(2, 2);
	struct kroute_failure f;
	struct sent s;

	kroute_set(t, &gone, &nh, 1);
	kroute_set(t, &changed, &nh, 1);
	send_all(t, &s);
	ack_all(t, &s, 0, &f);
	/* Someone deleted one route and rewrote the other; a change was in flight. */
	kroute_set(t, &gone, &other, 1);
	send_all(t, &s);
	kroute_inflight_forget(t);
	ck_assert_uint_eq(kroute_inflight(t), 0);
	ck_assert_int_eq(kroute_dump_route(t, &changed, &other, 1, false), KROUTE_OK);
	kroute_dump_end(t, true);
	ck_assert_uint_eq(kroute_stale(t), 0);
	ck_assert_uint_eq(kroute_installed(t), 1);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 2); /* both go back to what the daemon wants */
	for (size_t i = 0; i < s.n; i++) {
		ck_assert_int_eq(s.op[i], KROUTE_UNICAST);
		ck_assert_uint_eq(s.nh[i][0].gw.bytes[2], prefix_eq(&s.p[i], &gone) ? 2 : 1);
	}
	/* The old answer arrives after the dump: ignored. */
	ck_assert(!kroute_answer(t, s.first_seq - 1, EINVAL, NOW, &f));
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 2);
	ck_assert_uint_eq(kroute_pending(t), 0);

	/* A failed dump changes no decision. */
	kroute_dump_end(t, false);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);
	kroute_free(t);
}
END_TEST

struct seen {
	size_t n;
	struct prefix p[8];
	struct kroute_info ri[8];
};

static int
collect_fn(const struct kroute_info *ri, void *ctx)
{
	struct seen *w = ctx;

	w->p[w->n] = *ri->prefix;
	w->ri[w->n] = *ri;
	w->ri[w->n].prefix = NULL; /* valid during the call only */
	w->ri[w->n].nh = NULL;
	w->n++;
	return w->n == 8;
}

START_TEST(walk_reports_state_in_prefix_order)
{
	struct kroute_table *t = table();
	struct prefix a = p4(10, 1, 0, 0, 16), b = p4(10, 0, 0, 0, 8), c = p4(192, 0, 2, 0, 24);
	struct prefix d = p4(10, 2, 0, 0, 16);
	struct kroute_nexthop nh[2] = {gw4(1, 2), gw4(2, 2)};
	struct kroute_failure f;
	struct sent s;
	struct seen w = {0};

	/* A dump is the whole table: at start it finds a previous run's route. */
	kroute_dump_route(t, &d, nh, 1, true);
	kroute_dump_end(t, true);
	kroute_set(t, &a, nh, 2);
	kroute_discard(t, &b, true);
	kroute_set(t, &c, nh, 1);
	send_all(t, &s);
	ack_all(t, &s, 0, &f);
	kroute_set(t, &c, NULL, 0);
	send_all(t, &s);
	kroute_answer(t, s.first_seq, ENOMEM, NOW, &f);
	kroute_walk(t, collect_fn, &w);
	ck_assert_uint_eq(w.n, 4);
	ck_assert(prefix_eq(&w.p[0], &b));
	ck_assert(w.ri[0].discard);
	ck_assert_uint_eq(w.ri[0].n, 0);
	ck_assert(prefix_eq(&w.p[1], &a));
	ck_assert_uint_eq(w.ri[1].n, 2);
	ck_assert(!w.ri[1].pending);
	ck_assert(prefix_eq(&w.p[2], &d));
	ck_assert(w.ri[2].stale);
	ck_assert(prefix_eq(&w.p[3], &c));
	ck_assert(w.ri[3].pending);
	ck_assert_int_eq(w.ri[3].last_error, ENOMEM);
	kroute_free(t);
}
END_TEST

/* Pages: resume strictly after the last prefix shown, within a prefix or not. */
START_TEST(walk_from_pages)
{
	struct kroute_table *t = table();
	struct prefix v[] = {p4(10, 0, 0, 0, 8),  p4(10, 1, 0, 0, 16),   p4(10, 2, 0, 0, 16),
	                     p4(11, 0, 0, 0, 16), p4(172, 16, 0, 0, 12), p4(192, 0, 2, 0, 24)};
	struct kroute_nexthop nh[1] = {gw4(1, 2)};
	struct prefix ten = p4(10, 0, 0, 0, 8), nine = p4(9, 0, 0, 0, 8), wide = p4(0, 0, 0, 0, 1);
	struct seen w = {0};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		kroute_set(t, &v[i], nh, 1);
	/* From the start, everything: the same as kroute_walk. */
	kroute_walk_from(t, NULL, NULL, collect_fn, &w);
	ck_assert_uint_eq(w.n, 6);
	/* After 10.1.0.0/16: the rest, in order. */
	w.n = 0;
	kroute_walk_from(t, &v[1], NULL, collect_fn, &w);
	ck_assert_uint_eq(w.n, 4);
	ck_assert(prefix_eq(&w.p[0], &v[2]));
	ck_assert(prefix_eq(&w.p[3], &v[5]));
	/* Within 10/8: 10/8 itself and what it covers, not 11.0.0.0/16. */
	w.n = 0;
	kroute_walk_from(t, NULL, &ten, collect_fn, &w);
	ck_assert_uint_eq(w.n, 3);
	ck_assert(prefix_eq(&w.p[2], &v[2]));
	/* Within 10/8, after 10/8: the two /16s; after the last one: nothing. */
	w.n = 0;
	ck_assert_int_eq(kroute_walk_from(t, &v[0], &ten, collect_fn, &w), 0);
	ck_assert_uint_eq(w.n, 2);
	w.n = 0;
	ck_assert_int_eq(kroute_walk_from(t, &v[2], &ten, collect_fn, &w), 0);
	ck_assert_uint_eq(w.n, 0);
	/* A start before the range skips to it. */
	w.n = 0;
	kroute_walk_from(t, &nine, &ten, collect_fn, &w);
	ck_assert_uint_eq(w.n, 3);
	/* 0.0.0.0/1 covers 10/8 and 11/16 only; a stop from fn is returned. */
	w.n = 0;
	kroute_walk_from(t, &v[0], &wide, collect_fn, &w);
	ck_assert_uint_eq(w.n, 3);
	ck_assert(prefix_eq(&w.p[2], &v[3]));
	w.n = 7;
	ck_assert_int_eq(kroute_walk_from(t, NULL, NULL, collect_fn, &w), 1);
	kroute_free(t);
}
END_TEST

START_TEST(withdraw_all_removes_everything)
{
	struct kroute_table *t = table();
	struct kroute_nexthop nh = gw4(1, 2);
	struct prefix stale = p4(10, 9, 0, 0, 16), hole = p4(10, 8, 0, 0, 16);
	struct kroute_failure f;
	struct sent s;

	kroute_dump_route(t, &stale, &nh, 1, true);
	kroute_dump_end(t, true);
	for (uint8_t i = 0; i < 8; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, &nh, 1);
	}
	kroute_discard(t, &hole, true);
	send_all(t, &s);
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 10);
	kroute_withdraw_all(t);
	ck_assert_uint_eq(kroute_stale(t), 0);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 10);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_int_eq(s.op[i], KROUTE_DELETE);
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 0);
	ck_assert_uint_eq(kroute_pending(t), 0);
	kroute_free(t);
}
END_TEST

/* Free with changes in flight and entries queued: nothing leaks (ASan/valgrind). */
START_TEST(free_mid_flight)
{
	struct kroute_table *t = table();
	struct kroute_nexthop nh[2] = {gw4(1, 2), gw4(2, 2)};
	struct sent s;

	for (uint8_t i = 0; i < 50; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, nh, 1 + i % 2);
	}
	send_all(t, &s);
	for (uint8_t i = 50; i < 60; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_discard(t, &p, true);
	}
	kroute_free(t);
	kroute_free(NULL);
}
END_TEST

/* ---- nexthop objects ---- */

#define NH_BASE 0xba000000u

/* The object changes queued, in order. */
static size_t
take_objs(struct kroute_table *t, struct kroute_nhop *v, size_t max)
{
	size_t n = 0;

	while (n < max && kroute_nh_peek(t, &v[n])) {
		kroute_nh_pop(t);
		n++;
	}
	ck_assert_uint_eq(kroute_nh_queued(t), 0);
	return n;
}

static struct kroute_nexthop
gw4if(uint8_t c, unsigned ifindex)
{
	struct kroute_nexthop nh = gw4(c, 2);

	nh.ifindex = ifindex;
	return nh;
}

START_TEST(groups_created_before_routes_and_shared)
{
	struct kroute_table *t = table();
	struct kroute_nexthop two[2] = {gw4if(1, 5), gw4if(2, 6)};
	struct kroute_nhop ops[16];
	struct kroute_failure f;
	struct sent s;
	size_t n;

	kroute_use_nexthop_objects(t, NH_BASE);
	ck_assert(kroute_nexthop_objects(t));
	for (uint8_t i = 0; i < 10; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, two, 2);
	}
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 10);
	n = take_objs(t, ops, 16);
	/* Two members, then the group naming them; all in our id range. */
	ck_assert_uint_eq(n, 3);
	ck_assert(!ops[0].del && ops[0].n == 0 && !ops[1].del && ops[1].n == 0);
	ck_assert_uint_eq(ops[2].n, 2);
	ck_assert_uint_eq(ops[2].member[0], ops[0].id);
	ck_assert_uint_eq(ops[2].member[1], ops[1].id);
	ck_assert_uint_ge(ops[2].id, NH_BASE);
	ck_assert_uint_lt(ops[2].id, NH_BASE + KROUTE_NH_ID_SPAN);
	ck_assert_uint_eq(kroute_nh_groups(t), 1);
	ck_assert_uint_eq(kroute_nh_members(t), 2);
	ack_all(t, &s, 0, &f);

	/* The same change described again names the group, not next hops. */
	struct prefix p0 = p4(10, 0, 0, 0, 16), p1 = p4(10, 1, 0, 0, 16);
	struct kroute *v[2];
	struct kroute_change c;
	kroute_set(t, &p0, &two[0], 1);
	kroute_set(t, &p1, &two[0], 1);
	ck_assert_uint_eq(kroute_take(t, v, 2), 2);
	ck_assert(kroute_change_of(t, v[0], &c)); /* p1 still wants the old set: no move */
	ck_assert_uint_ne(c.nhid, 0);
	ck_assert_uint_ne(c.nhid, ops[2].id);
	kroute_sent(t, v[0]);
	ck_assert(kroute_change_of(t, v[1], &c));
	kroute_sent(t, v[1]);
	n = take_objs(t, ops, 16);
	ck_assert_uint_eq(n, 1); /* the new group; its member exists */
	ck_assert_uint_eq(ops[0].n, 1);
	ck_assert_uint_eq(kroute_nh_groups(t), 2);
	kroute_free(t);
}
END_TEST

START_TEST(failover_is_one_group_replace)
{
	struct kroute_table *t = table();
	struct kroute_nexthop two[2] = {gw4if(1, 5), gw4if(2, 6)};
	struct kroute_nhop ops[16], grp;
	struct kroute_failure f;
	struct sent s;
	size_t n;

	kroute_use_nexthop_objects(t, NH_BASE);
	for (uint8_t i = 0; i < 50; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, two, 2);
	}
	send_all(t, &s);
	ack_all(t, &s, 0, &f);
	take_objs(t, ops, 16);
	grp = ops[2];

	/* Leg 1 goes for all 50: no route message, one replace, then leg 1's member goes. */
	for (uint8_t i = 0; i < 50; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, &two[1], 1);
	}
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);
	n = take_objs(t, ops, 16);
	ck_assert_uint_eq(n, 2);
	ck_assert(!ops[0].del);
	ck_assert_uint_eq(ops[0].id, grp.id);
	ck_assert_uint_eq(ops[0].n, 1);
	ck_assert_uint_eq(ops[0].member[0], grp.member[1]);
	ck_assert(ops[1].del);
	ck_assert_uint_eq(ops[1].id, grp.member[0]);
	ck_assert_uint_eq(kroute_pending(t), 0);
	ck_assert_uint_eq(kroute_installed(t), 50);
	ck_assert_uint_eq(kroute_nh_groups(t), 1);
	ck_assert_uint_eq(kroute_nh_members(t), 1);
	struct kroute_walk_one w;
	walk_one(t, &w); /* the shadow shows leg 2 alone */
	ck_assert_uint_eq(w.n, 1);
	ck_assert(addr_eq(&w.nh0.gw, &two[1].gw));

	/* And back: one replace again (leg 1's member made first). */
	for (uint8_t i = 0; i < 50; i++) {
		struct prefix p = p4(10, i, 0, 0, 16);

		kroute_set(t, &p, two, 2);
	}
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);
	n = take_objs(t, ops, 16);
	ck_assert_uint_eq(n, 2);
	ck_assert(!ops[0].del && ops[0].n == 0); /* the member */
	ck_assert_uint_eq(ops[1].id, grp.id);
	ck_assert_uint_eq(ops[1].n, 2);
	walk_one(t, &w);
	ck_assert_uint_eq(w.n, 2);

	/* A failed replace of a moved group: the shadow is wrong, resync. */
	ck_assert(kroute_nh_failed(t, grp.id));
	ck_assert(!kroute_nh_failed(t, grp.id)); /* once */
	/* Withdrawn: routes go, then the group, then its members. */
	kroute_withdraw_all(t);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 50);
	ck_assert_uint_eq(take_objs(t, ops, 16), 0); /* not before the routes are gone */
	ack_all(t, &s, 0, &f);
	n = take_objs(t, ops, 16);
	ck_assert_uint_eq(n, 3);
	ck_assert(ops[0].del && ops[1].del && ops[2].del);
	ck_assert_uint_eq(ops[0].id, grp.id);
	ck_assert_uint_eq(kroute_nh_groups(t), 0);
	ck_assert_uint_eq(kroute_nh_members(t), 0);
	kroute_free(t);
}
END_TEST

START_TEST(failed_objects_are_made_again)
{
	struct kroute_table *t = table();
	struct kroute_nexthop two[2] = {gw4if(1, 5), gw4if(2, 6)};
	struct prefix p = p4(10, 1, 0, 0, 16);
	struct kroute_nhop ops[16];
	struct kroute_failure f;
	struct sent s;

	kroute_use_nexthop_objects(t, NH_BASE);
	kroute_set(t, &p, two, 2);
	send_all(t, &s);
	ck_assert_uint_eq(take_objs(t, ops, 16), 3);
	/* Member 1 refused (its link is down), so the group and the route too. */
	ck_assert(!kroute_nh_failed(t, ops[0].id));
	ck_assert(!kroute_nh_failed(t, ops[2].id));
	ck_assert(ack_all(t, &s, ENOENT, &f));
	ck_assert_uint_eq(take_objs(t, ops, 16), 0);
	/* The retry makes the member and the group again, ahead of the route. */
	ck_assert_uint_eq(kroute_retry_due(t, NOW + 2), 0);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(take_objs(t, ops, 16), 2);
	ck_assert_uint_eq(ops[0].n, 0);
	ck_assert_uint_eq(ops[1].n, 2);
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_installed(t), 1);
	kroute_free(t);
}
END_TEST

START_TEST(dump_adopts_groups_and_deletes_leftovers)
{
	struct kroute_table *t = table();
	struct kroute_nexthop a = gw4if(1, 5), b = gw4if(2, 6);
	struct prefix p = p4(10, 1, 0, 0, 16), q = p4(10, 2, 0, 0, 16);
	uint32_t ab[2] = {NH_BASE + 1, NH_BASE + 2}, bonly[1] = {NH_BASE + 2};
	struct kroute_nexthop two[2] = {a, b};
	struct kroute_nhop ops[16];
	struct sent s;

	kroute_use_nexthop_objects(t, NH_BASE);
	kroute_nh_dump_begin(t);
	ck_assert_int_eq(kroute_nh_dump_member(t, NH_BASE + 1, &a), KROUTE_OK);
	ck_assert_int_eq(kroute_nh_dump_member(t, NH_BASE + 2, &b), KROUTE_OK);
	ck_assert_int_eq(kroute_nh_dump_member(t, NH_BASE + 3, &b), KROUTE_OK); /* a twin */
	ck_assert_int_eq(kroute_nh_dump_group(t, NH_BASE + 10, ab, 2), KROUTE_OK);
	ck_assert_int_eq(kroute_nh_dump_group(t, NH_BASE + 11, bonly, 1), KROUTE_OK);
	/* p over group 10 (the kernel did not list its next hops), q over an unknown id. */
	ck_assert_int_eq(kroute_dump_route_nh(t, &p, NULL, 0, NH_BASE + 10, true), KROUTE_OK);
	ck_assert_int_eq(kroute_dump_route_nh(t, &q, NULL, 0, NH_BASE + 99, true),
	                 KROUTE_ERR_INVAL);
	kroute_dump_end(t, true);
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_nh_groups(t), 1);
	ck_assert_uint_eq(kroute_nh_members(t), 2);
	/* Unused: group 11 and the twin member, deleted in that order. */
	ck_assert_uint_eq(take_objs(t, ops, 16), 2);
	ck_assert(ops[0].del && ops[0].id == NH_BASE + 11);
	ck_assert(ops[1].del && ops[1].id == NH_BASE + 3);
	/* Claimed as it is: nothing to send, and the group is the adopted one. */
	kroute_set(t, &p, two, 2);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(take_objs(t, ops, 16), 0);

	/* A later dump finds the group changed behind our back: it is made again. */
	kroute_nh_dump_begin(t);
	kroute_nh_dump_member(t, NH_BASE + 2, &b);
	kroute_nh_dump_group(t, NH_BASE + 10, bonly, 1);
	kroute_dump_route_nh(t, &p, NULL, 0, NH_BASE + 10, false);
	kroute_dump_end(t, true);
	ck_assert_uint_eq(take_objs(t, ops, 16), 2);
	ck_assert(!ops[0].del && ops[0].id == NH_BASE + 1); /* the lost member */
	ck_assert(!ops[1].del && ops[1].id == NH_BASE + 10 && ops[1].n == 2);
	kroute_free(t);
}
END_TEST

/*
 * Settled routes cost one word in the trie: entries become full while
 * they have work (queued, in flight, failed) and compact again after.
 */
START_TEST(settled_routes_are_compact)
{
	struct kroute_table *t = table();
	struct kroute_nexthop two[2] = {gw4(1, 2), gw4(2, 2)};
	struct kroute_failure f;
	struct prefix bad = p4(10, 0, 7, 0, 24);
	struct sent s;
	size_t empty = kroute_memory(t);

	for (uint32_t i = 0; i < 100000; i++) {
		struct prefix p =
		        p4((uint8_t)(10 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i, 0, 24);

		kroute_set(t, &p, two, 2);
	}
	ck_assert_uint_eq(kroute_full(t), 100000);
	while (kroute_queued(t) > 0) {
		send_all(t, &s);
		ack_all(t, &s, 0, &f);
	}
	ck_assert_uint_eq(kroute_installed(t), 100000);
	ck_assert_uint_eq(kroute_full(t), 0);
	/* The trie's entries and little else: well under 30 bytes a route. */
	ck_assert_uint_lt((kroute_memory(t) - empty) / 100000, 30);

	/* Touched again: full while it fails and waits, compact once it is in. */
	kroute_set(t, &bad, &two[0], 1);
	send_all(t, &s);
	ck_assert(ack_all(t, &s, ENETUNREACH, &f));
	ck_assert_uint_eq(kroute_full(t), 1);
	kroute_retry_due(t, NOW + 5);
	send_all(t, &s);
	ack_all(t, &s, 0, &f);
	ck_assert_uint_eq(kroute_full(t), 0);
	struct kroute_walk_one w;
	kroute_walk_from(t, NULL, &bad, one_fn, &w);
	ck_assert_uint_eq(w.n, 1);

	/* A dump that misses compact routes has them installed again; the one it found stays
	 * compact. */
	struct prefix keep = p4(10, 0, 1, 0, 24);
	kroute_dump_route(t, &keep, two, 2, false);
	kroute_dump_end(t, true);
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_queued(t), 99999);
	size_t resent = 0;
	while (kroute_queued(t) > 0) {
		send_all(t, &s);
		resent += s.n;
		if (s.n > 0)
			ack_all(t, &s, 0, &f);
	}
	ck_assert_uint_eq(resent, 99999);
	ck_assert_uint_eq(kroute_full(t), 0);
	kroute_withdraw_all(t);
	ck_assert_uint_eq(kroute_full(t), 100000);
	while (kroute_queued(t) > 0) {
		send_all(t, &s);
		ack_all(t, &s, 0, &f);
	}
	ck_assert_uint_eq(kroute_installed(t), 0);
	ck_assert_uint_eq(kroute_full(t), 0);
	kroute_free(t);
}
END_TEST

/* A sweep in steps: bounded work a call, the same result, a dump on the way restarts it. */
START_TEST(sweep_in_steps)
{
	struct kroute_table *t = table();
	struct kroute_nexthop nh = gw4(1, 2);
	struct prefix claimed = p4(10, 0, 5, 0, 24);
	struct kroute_failure f;
	struct sent s;
	int steps = 0;

	for (uint32_t i = 0; i < 3000; i++) {
		struct prefix p = p4(10, (uint8_t)(i >> 8), (uint8_t)i, 0, 24);

		kroute_dump_route(t, &p, &nh, 1, true);
	}
	kroute_dump_end(t, true);
	ck_assert_uint_eq(kroute_stale(t), 3000);
	ck_assert_uint_eq(kroute_full(t), 0);
	kroute_set(t, &claimed, &nh, 1);
	send_all(t, &s);
	ck_assert_uint_eq(s.n, 0);
	ck_assert(!kroute_sweep_step(t, 100));
	ck_assert_uint_eq(kroute_pending(t), 2999); /* what it has yet to queue */
	/* A dump now (a resync) makes them compact again: the sweep starts over. */
	for (uint32_t i = 0; i < 3000; i++) {
		struct prefix p = p4(10, (uint8_t)(i >> 8), (uint8_t)i, 0, 24);

		kroute_dump_route(t, &p, &nh, 1, false);
	}
	kroute_dump_end(t, true);
	while (!kroute_sweep_step(t, 100))
		steps++;
	ck_assert_int_ge(steps, 30); /* 3000 entries, then the pool, 100 and 400 a step */
	ck_assert_uint_eq(kroute_stale(t), 0);
	ck_assert_uint_eq(kroute_queued(t), 2999);
	size_t deletes = 0;
	while (kroute_queued(t) > 0) {
		send_all(t, &s);
		for (size_t i = 0; i < s.n; i++)
			deletes += s.op[i] == KROUTE_DELETE;
		ack_all(t, &s, 0, &f);
	}
	ck_assert_uint_eq(deletes, 2999);
	ck_assert_uint_eq(kroute_installed(t), 1);
	ck_assert_uint_eq(kroute_full(t), 0);
	ck_assert(kroute_sweep_step(t, 100)); /* nothing left */
	kroute_free(t);
}
END_TEST

static Suite *
kroute_suite(void)
{
	Suite *s = suite_create("kroute");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, set_send_confirm);
	tcase_add_test(tc, wishes_coalesce_and_sets_are_shared);
	tcase_add_test(tc, invalid_wishes_are_refused);
	tcase_add_test(tc, removal_and_already_gone);
	tcase_add_test(tc, discard_and_route_precedence);
	tcase_add_test(tc, protection_refuses_and_releases);
	tcase_add_test(tc, failures_back_off_and_retry);
	tcase_add_test(tc, one_answer_confirms_the_batch);
	tcase_add_test(tc, sequence_numbers_wrap);
	tcase_add_test(tc, requeue_goes_to_the_head);
	tcase_add_test(tc, large_backlog_is_taken_scattered);
	tcase_add_test(tc, dump_adopts_then_sweep_removes);
	tcase_add_test(tc, dump_reconciles_changes_behind_our_back);
	tcase_add_test(tc, ipv6_siblings_merge_in_a_dump);
	tcase_add_test(tc, walk_reports_state_in_prefix_order);
	tcase_add_test(tc, walk_from_pages);
	tcase_add_test(tc, withdraw_all_removes_everything);
	tcase_add_test(tc, free_mid_flight);
	tcase_add_test(tc, settled_routes_are_compact);
	tcase_add_test(tc, sweep_in_steps);
	tcase_add_test(tc, groups_created_before_routes_and_shared);
	tcase_add_test(tc, failover_is_one_group_replace);
	tcase_add_test(tc, failed_objects_are_made_again);
	tcase_add_test(tc, dump_adopts_groups_and_deletes_leftovers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(kroute_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
