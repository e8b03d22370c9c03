/*
 * UPDATE packer: layout, fill to the negotiated maximum, withdrawals,
 * End-of-RIB, RFC 6793 2-octet encoding, and randomized encode -> decode
 * round trips (seed printed; set MSG_TEST_SEED to replay one).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_msg_util.h"

static struct msg_attr_buf *abuf;
static uint8_t wire[MSG_MAX_LEN_EXT + 100];

static void
setup(void)
{
	abuf = malloc(sizeof(*abuf));
	ck_assert_ptr_nonnull(abuf);
}

static void
teardown(void)
{
	free(abuf);
}

/* A plain eBGP attribute set: IGP, path 65001 [extra], next hop 192.0.2.1. */
static struct attr_seg base_segs[1] = {{AS_SEQUENCE, 2}};
static uint32_t base_asns[2] = {65001, 65099};

static void
base_attrs(struct attr_set *a)
{
	attr_set_init(a);
	a->present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
	a->origin = ORIGIN_IGP;
	a->segs = base_segs;
	a->nsegs = 1;
	a->asns = base_asns;
	a->nasns = 2;
	a->nexthop = addr4(192, 0, 2, 1);
}

/* Frame one message at p and decode it as an UPDATE. */
static enum msg_action
decode_one(const struct msg_ctx *ctx, const uint8_t *p, size_t avail, size_t *mlen,
           struct msg_update *u)
{
	uint8_t type;
	struct msg_error err;

	ck_assert_int_eq(msg_frame(p, avail, ctx->max_len, mlen, &type, &err), MSG_FRAME_OK);
	ck_assert_uint_eq(type, MSG_UPDATE);
	return msg_update_decode(ctx, p + MSG_HEADER_LEN, *mlen - MSG_HEADER_LEN, u, abuf, &err);
}

START_TEST(pack_one_ipv4)
{
	struct msg_ctx ctx;
	struct attr_set a, d;
	struct wbuf w;
	struct prefix p = pfx4(10, 1, 0, 0, 16), q;
	struct msg_update u;
	size_t mlen;

	test_ctx(&ctx, true, true);
	base_attrs(&a);
	a.present |= ATTR_HAS_LOCAL_PREF; /* never sent on eBGP */
	a.local_pref = 200;
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert_uint_eq(mlen, wbuf_len(&w));
	ck_assert(!(u.seen & (1ull << ATTR_LOCAL_PREF)));
	msg_update_attrs(&u, AFI_IP, &d);
	a.present &= ~ATTR_HAS_LOCAL_PREF;
	ck_assert(attr_eq(&a, &d));
	ck_assert(msg_nlri_next(&u.nlri, AFI_IP, &q));
	ck_assert_uint_eq(q.len, 16);
	ck_assert_mem_eq(q.bytes, p.bytes, 16);
	ck_assert(!msg_nlri_next(&u.nlri, AFI_IP, &q));
	/* exact bytes: ORIGIN first, then AS_PATH (RFC 4271 §5 order) */
	ck_assert_uint_eq(wire[19 + 4], 0x40);
	ck_assert_uint_eq(wire[19 + 5], ATTR_ORIGIN);
}
END_TEST

START_TEST(pack_local_pref_on_ibgp)
{
	struct msg_ctx ctx;
	struct attr_set a;
	struct wbuf w;
	struct prefix p = pfx4(10, 1, 0, 0, 16);
	struct msg_update u;
	size_t mlen;

	test_ctx(&ctx, true, false);
	base_attrs(&a);
	a.nsegs = 0, a.nasns = 0; /* iBGP: empty path is fine */
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert(u.attrs.present & ATTR_HAS_LOCAL_PREF);
	ck_assert_uint_eq(u.attrs.local_pref, 100); /* default when unset */
	a.present |= ATTR_HAS_LOCAL_PREF;
	a.local_pref = 250;
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert_uint_eq(u.attrs.local_pref, 250);
}
END_TEST

static void
fill_and_check(size_t max, uint8_t afi, bool withdraw)
{
	enum { N = 20000 };
	static struct prefix pfx[N];
	static uint8_t big[MSG_MAX_LEN_EXT + 100];
	struct msg_ctx ctx;
	struct attr_set a;
	size_t done = 0, msgs = 0;

	test_ctx(&ctx, true, true);
	ctx.max_len = max;
	base_attrs(&a);
	if (afi == AFI_IP6)
		a.nexthop = addr6(0x2001, 0xdb8, 1);
	for (size_t i = 0; i < N; i++) {
		if (afi == AFI_IP) {
			pfx[i] = pfx4(10, (uint8_t)(i >> 8), (uint8_t)i, 0, 24);
		} else {
			memset(&pfx[i], 0, sizeof(pfx[i]));
			pfx[i].afi = AFI_IP6;
			pfx[i].len = 48;
			pfx[i].bytes[0] = 0x20, pfx[i].bytes[1] = 0x01;
			pfx[i].bytes[4] = (uint8_t)(i >> 8), pfx[i].bytes[5] = (uint8_t)i;
		}
	}
	while (done < N) {
		struct wbuf w;
		size_t n, mlen, seen = 0;
		struct msg_update u;
		struct prefix q;
		struct rbuf *r;

		wbuf_init(&w, big, sizeof(big));
		n = withdraw ? msg_withdraw_pack(&w, &ctx, afi, pfx + done, N - done)
		             : msg_update_pack(&w, &ctx, &a, afi, pfx + done, N - done);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_le(wbuf_len(&w), max);
		/* full: one more prefix would not have fit */
		if (done + n < N)
			ck_assert_uint_gt(wbuf_len(&w) + 1 + prefix_nlri_bytes(pfx[done + n].len),
			                  max);
		ck_assert_int_eq(decode_one(&ctx, big, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
		ck_assert_uint_eq(mlen, wbuf_len(&w));
		if (afi == AFI_IP)
			r = withdraw ? &u.withdrawn : &u.nlri;
		else
			r = withdraw ? &u.mp_unreach.withdrawn : &u.mp_reach.nlri;
		while (msg_nlri_next(r, afi, &q)) {
			ck_assert_mem_eq(q.bytes, pfx[done + seen].bytes, 16);
			ck_assert_uint_eq(q.len, pfx[done + seen].len);
			seen++;
		}
		ck_assert_uint_eq(seen, n);
		done += n;
		msgs++;
	}
	ck_assert_uint_eq(done, N);
	ck_assert_uint_gt(msgs, 1);
}

START_TEST(fill_ipv4_4096)
{
	fill_and_check(MSG_MAX_LEN, AFI_IP, false);
}
END_TEST

START_TEST(fill_ipv4_extended)
{
	fill_and_check(MSG_MAX_LEN_EXT, AFI_IP, false);
}
END_TEST

START_TEST(fill_ipv6_4096)
{
	fill_and_check(MSG_MAX_LEN, AFI_IP6, false);
}
END_TEST

START_TEST(fill_ipv6_extended)
{
	fill_and_check(MSG_MAX_LEN_EXT, AFI_IP6, false);
}
END_TEST

START_TEST(withdraw_ipv4)
{
	fill_and_check(MSG_MAX_LEN, AFI_IP, true);
}
END_TEST

START_TEST(withdraw_ipv6)
{
	fill_and_check(MSG_MAX_LEN, AFI_IP6, true);
}
END_TEST

START_TEST(ipv6_mp_reach_is_first)
{
	struct msg_ctx ctx;
	struct attr_set a;
	struct wbuf w;
	struct prefix p;
	struct msg_update u;
	size_t mlen;

	test_ctx(&ctx, true, true);
	base_attrs(&a);
	a.nexthop = addr6(0x2001, 0xdb8, 1);
	a.nexthop_ll = addr6(0xfe80, 0, 1);
	memset(&p, 0, sizeof(p));
	p.afi = AFI_IP6;
	p.len = 64;
	p.bytes[0] = 0x20, p.bytes[1] = 0x01, p.bytes[2] = 0x0d, p.bytes[3] = 0xb8;
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP6, &p, 1), 1);
	/* RFC 7606 §5.1: MP_REACH_NLRI is the first attribute */
	ck_assert_uint_eq(wire[23] & ATTR_FLAG_OPTIONAL, ATTR_FLAG_OPTIONAL);
	ck_assert_uint_eq(wire[24], ATTR_MP_REACH_NLRI);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert(u.has_mp_reach);
	ck_assert(!(u.seen & (1ull << ATTR_NEXT_HOP)));
	ck_assert_uint_eq(u.mp_reach.nexthop_ll.afi, AFI_IP6);
	ck_assert_uint_eq(msg_nlri_count(&u.mp_reach.nlri, AFI_IP6), 1);
	ck_assert(rbuf_empty(&u.nlri));
}
END_TEST

START_TEST(pack_refuses_what_cannot_go)
{
	struct msg_ctx ctx;
	struct attr_set a;
	struct wbuf w;
	struct prefix p[2] = {pfx4(10, 0, 0, 0, 8), pfx4(11, 0, 0, 0, 8)};
	uint8_t small[30];

	test_ctx(&ctx, true, true);
	base_attrs(&a);
	/* next hop of the wrong family */
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP6, p, 2), 0);
	ck_assert_uint_eq(wbuf_len(&w), 0);
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, p, 0), 0);
	ck_assert_uint_eq(msg_withdraw_pack(&w, &ctx, AFI_IP, p, 0), 0);
	ck_assert_uint_eq(msg_withdraw_pack(&w, &ctx, 7, p, 1), 0);
	/* a buffer too small for the attributes: nothing written, no error */
	wbuf_init(&w, small, sizeof(small));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, p, 2), 0);
	ck_assert_uint_eq(wbuf_len(&w), 0);
	ck_assert(wbuf_ok(&w));
	/* a prefix of another family ends the batch */
	p[1].afi = AFI_IP6;
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, p, 2), 1);
	/* appends after what is already in the buffer */
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, p, 1), 1);
	ck_assert_uint_eq(wbuf_len(&w) % 2, 0);
	{
		size_t mlen;
		struct msg_update u;

		ck_assert_int_eq(
		        decode_one(&ctx, wire + wbuf_len(&w) / 2, wbuf_len(&w) / 2, &mlen, &u),
		        MSG_ACT_NONE);
	}
}
END_TEST

START_TEST(end_of_rib_round_trip)
{
	struct msg_ctx ctx;
	struct wbuf w;
	struct msg_update u;
	size_t mlen;

	test_ctx(&ctx, true, true);
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert(msg_eor_encode(&w, AFI_IP));
	ck_assert_uint_eq(wbuf_len(&w), 23);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, AFI_IP);
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert(msg_eor_encode(&w, AFI_IP6));
	ck_assert_uint_eq(wbuf_len(&w), 29);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, AFI_IP6);
}
END_TEST

START_TEST(two_octet_session_as4_attributes)
{
	struct msg_ctx ctx;
	struct attr_set a, d;
	struct attr_seg segs[2] = {{AS_SEQUENCE, 3}, {AS_SET, 2}};
	uint32_t asns[5] = {65001, 70000, 65002, 4200000000u, 7};
	struct wbuf w;
	struct prefix p = pfx4(10, 0, 0, 0, 8);
	struct msg_update u;
	size_t mlen;
	char s[100];

	test_ctx(&ctx, false, true);
	base_attrs(&a);
	a.segs = segs, a.nsegs = 2, a.asns = asns, a.nasns = 5;
	a.present |= ATTR_HAS_AGGREGATOR;
	a.aggr_as = 70000;
	a.aggr_addr = addr4(192, 0, 2, 9);
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert(u.seen & (1ull << ATTR_AS4_PATH));
	ck_assert(u.seen & (1ull << ATTR_AS4_AGGREGATOR));
	msg_update_attrs(&u, AFI_IP, &d);
	ck_assert_str_eq(attr_aspath_fmt(&d, s, sizeof(s)), "65001 70000 65002 {4200000000,7}");
	ck_assert(attr_eq(&a, &d));

	/* a 4-octet session carries neither */
	test_ctx(&ctx, true, true);
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert(!(u.seen & (1ull << ATTR_AS4_PATH)));
	ck_assert(!(u.seen & (1ull << ATTR_AS4_AGGREGATOR)));
	msg_update_attrs(&u, AFI_IP, &d);
	ck_assert(attr_eq(&a, &d));

	/* small ASNs only: no AS4_PATH even on a 2-octet session */
	test_ctx(&ctx, false, true);
	base_attrs(&a);
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	ck_assert(!(u.seen & (1ull << ATTR_AS4_PATH)));
}
END_TEST

START_TEST(long_segments_and_extended_length)
{
	static uint32_t asns[600], comms[100];
	struct attr_seg segs[1] = {{AS_SEQUENCE, 600}};
	struct msg_ctx ctx;
	struct attr_set a, d;
	struct attr_unknown unk = {ATTR_FLAG_OPTIONAL | ATTR_FLAG_TRANSITIVE, 99, 3,
	                           (const uint8_t *)"abc"};
	struct wbuf w;
	struct prefix p = pfx4(10, 0, 0, 0, 8);
	struct msg_update u;
	size_t mlen;

	test_ctx(&ctx, true, true);
	base_attrs(&a);
	asns[0] = 65001;
	for (int i = 1; i < 600; i++)
		asns[i] = (uint32_t)(100000 + i);
	for (int i = 0; i < 100; i++)
		comms[i] = (uint32_t)(65001u << 16 | (unsigned)i);
	a.segs = segs, a.nsegs = 1, a.asns = asns, a.nasns = 600;
	a.comms = comms, a.ncomms = 100;
	a.unknown = &unk, a.nunknown = 1;
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_uint_eq(msg_update_pack(&w, &ctx, &a, AFI_IP, &p, 1), 1);
	ck_assert_int_eq(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u), MSG_ACT_NONE);
	msg_update_attrs(&u, AFI_IP, &d);
	/* 600 ASNs went out as 255 + 255 + 90 and came back as one segment */
	ck_assert_uint_eq(d.nsegs, 1);
	ck_assert_uint_eq(d.segs[0].count, 600);
	ck_assert_uint_eq(attr_aspath_len(&d), 600);
	/* passed-on unknown attribute carries the Partial bit (RFC 4271 §5) */
	ck_assert_uint_eq(d.nunknown, 1);
	ck_assert(d.unknown[0].flags & ATTR_FLAG_PARTIAL);
	unk.flags |= ATTR_FLAG_PARTIAL;
	ck_assert(attr_eq(&a, &d));
}
END_TEST

/* ---- randomized round trips ---- */

static unsigned long rng_state;

static uint32_t
rnd(void)
{
	/* xorshift64*: deterministic per seed, no libc state */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static uint32_t
rnd_as(void)
{
	uint32_t as;

	do {
		as = (rnd() & 1) ? rnd() % 65535 + 1 : rnd();
	} while (as == 0 || as == AS_TRANS);
	return as;
}

struct rnd_set {
	struct attr_set a;
	struct attr_seg segs[8];
	uint32_t asns[64];
	uint32_t comms[40];
	uint64_t ecomms[10];
	struct attr_lcomm lcomms[10];
	struct attr_unknown unknown[3];
	uint8_t udata[3][40];
};

static void
random_set(struct rnd_set *r, const struct msg_ctx *ctx, uint8_t afi)
{
	struct attr_set *a = &r->a;
	unsigned n;

	attr_set_init(a);
	a->present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
	a->origin = (uint8_t)(rnd() % 3);
	/* path: starts with the peer's AS on eBGP; no adjacent sequences */
	n = rnd() % 6;
	if (ctx->ebgp || n > 0) {
		uint8_t prev = 0;

		for (unsigned i = 0; i < (n ? n : 1); i++) {
			uint8_t t =
			        i == 0 ? AS_SEQUENCE : (prev == AS_SEQUENCE ? AS_SET : AS_SEQUENCE);
			unsigned c = rnd() % 8 + 1;

			if (!ctx->ebgp && i == 0 && (rnd() & 1) && ctx->as4)
				t = AS_CONFED_SEQUENCE;
			r->segs[a->nsegs].type = t;
			r->segs[a->nsegs].count = (uint16_t)c;
			for (unsigned j = 0; j < c; j++)
				r->asns[a->nasns++] = rnd_as();
			a->nsegs++;
			prev = t;
		}
		if (ctx->ebgp)
			r->asns[0] = ctx->peer_as;
	}
	a->segs = r->segs;
	a->asns = r->asns;
	if (afi == AFI_IP) {
		a->nexthop = addr4((uint8_t)(rnd() % 200 + 1), (uint8_t)rnd(), (uint8_t)rnd(),
		                   (uint8_t)rnd());
		if (a->nexthop.bytes[0] == 127)
			a->nexthop.bytes[0] = 128;
	} else {
		a->nexthop = addr6(0x2001, 0xdb8, (uint16_t)(rnd() % 1000 + 1));
		if (rnd() & 1)
			a->nexthop_ll = addr6(0xfe80, 0, (uint16_t)(rnd() % 1000 + 1));
	}
	if (rnd() & 1) {
		a->present |= ATTR_HAS_MED;
		a->med = rnd();
	}
	if (!ctx->ebgp) {
		a->present |= ATTR_HAS_LOCAL_PREF;
		a->local_pref = rnd();
	}
	if (rnd() % 4 == 0)
		a->present |= ATTR_HAS_ATOMIC_AGG;
	if (rnd() % 4 == 0) {
		a->present |= ATTR_HAS_AGGREGATOR;
		a->aggr_as = rnd_as();
		/*
		 * RFC 6793 §4.2.3: a 2-octet AGGREGATOR that is not AS_TRANS
		 * makes the receiver ignore AS4_PATH, so such a set cannot
		 * round-trip a 4-octet path; keep the aggregator 4-octet then.
		 */
		if (!ctx->as4 && a->aggr_as <= 0xffff)
			a->aggr_as += 0x10000;
		a->aggr_addr = addr4(10, 0, 0, (uint8_t)rnd());
	}
	a->ncomms = rnd() % 3 ? 0 : rnd() % 40;
	for (unsigned i = 0; i < a->ncomms; i++)
		r->comms[i] = rnd();
	a->comms = r->comms;
	a->necomms = rnd() % 3 ? 0 : rnd() % 10;
	for (unsigned i = 0; i < a->necomms; i++)
		r->ecomms[i] = (uint64_t)rnd() << 32 | rnd();
	a->ecomms = r->ecomms;
	a->nlcomms = rnd() % 3 ? 0 : rnd() % 10;
	for (unsigned i = 0; i < a->nlcomms; i++) {
		r->lcomms[i].global = rnd();
		r->lcomms[i].local1 = rnd();
		r->lcomms[i].local2 = rnd();
	}
	a->lcomms = r->lcomms;
	/* unknown transitive types in increasing order, Partial as they come back */
	{
		static const uint8_t types[] = {21, 40, 240};

		for (unsigned i = 0; i < 3; i++) {
			if (rnd() & 1)
				continue;
			struct attr_unknown *u = &r->unknown[a->nunknown];

			u->flags = ATTR_FLAG_OPTIONAL | ATTR_FLAG_TRANSITIVE | ATTR_FLAG_PARTIAL;
			u->type = types[i];
			u->len = (uint16_t)(rnd() % 40);
			for (unsigned j = 0; j < u->len; j++)
				r->udata[a->nunknown][j] = (uint8_t)rnd();
			u->data = r->udata[a->nunknown];
			a->nunknown++;
		}
		a->unknown = r->unknown;
	}
}

static void
random_prefix(struct prefix *p, uint8_t afi)
{
	memset(p, 0, sizeof(*p));
	p->afi = afi;
	p->len = (uint8_t)(rnd() % (afi_bits(afi) + 1));
	for (unsigned i = 0; i < afi_bytes(afi); i++)
		p->bytes[i] = (uint8_t)rnd();
	/* clear host bits */
	for (unsigned i = p->len; i < afi_bits(afi); i++)
		p->bytes[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

/* Chosen in main() before the forks, so every test process sees it. */
static unsigned long base_seed;

START_TEST(random_round_trips)
{
	unsigned long seed = base_seed + (unsigned long)_i;
	enum { ROUNDS = 15, MAXP = 1000 };
	static struct prefix pfx[MAXP];
	static struct rnd_set r;

	rng_state = seed ? seed : 1;
	for (int round = 0; round < ROUNDS; round++) {
		struct msg_ctx ctx;
		uint8_t afi = (rnd() & 1) ? AFI_IP6 : AFI_IP;
		bool withdraw = rnd() % 4 == 0;
		size_t n = rnd() % MAXP + 1, done = 0;

		test_ctx(&ctx, rnd() & 1, rnd() % 4 != 0);
		ctx.max_len = (rnd() & 1) ? MSG_MAX_LEN : MSG_MAX_LEN_EXT;
		random_set(&r, &ctx, afi);
		for (size_t i = 0; i < n; i++)
			random_prefix(&pfx[i], afi);
		while (done < n) {
			struct wbuf w;
			struct msg_update u;
			struct attr_set d;
			struct prefix q;
			struct rbuf *nl;
			size_t k, mlen, seen = 0;

			wbuf_init(&w, wire, sizeof(wire));
			k = withdraw ? msg_withdraw_pack(&w, &ctx, afi, pfx + done, n - done)
			             : msg_update_pack(&w, &ctx, &r.a, afi, pfx + done, n - done);
			ck_assert_msg(k > 0, "seed %lu round %d: nothing packed", seed, round);
			ck_assert_msg(decode_one(&ctx, wire, wbuf_len(&w), &mlen, &u) ==
			                      MSG_ACT_NONE,
			              "seed %lu round %d: decode failed", seed, round);
			if (!withdraw) {
				msg_update_attrs(&u, afi, &d);
				if (!attr_eq(&r.a, &d)) {
					char x[512], y[512];

					fprintf(stderr, "as4 %d ebgp %d: %s | %s; aggr %u/%u\n",
					        ctx.as4, ctx.ebgp,
					        attr_aspath_fmt(&r.a, x, sizeof(x)),
					        attr_aspath_fmt(&d, y, sizeof(y)), r.a.aggr_as,
					        d.aggr_as);
				}
				ck_assert_msg(attr_eq(&r.a, &d), "seed %lu round %d: attrs differ",
				              seed, round);
				ck_assert_uint_eq(attr_hash(&r.a), attr_hash(&d));
			}
			if (afi == AFI_IP)
				nl = withdraw ? &u.withdrawn : &u.nlri;
			else
				nl = withdraw ? &u.mp_unreach.withdrawn : &u.mp_reach.nlri;
			while (msg_nlri_next(nl, afi, &q)) {
				ck_assert_msg(q.len == pfx[done + seen].len &&
				                      !memcmp(q.bytes, pfx[done + seen].bytes, 16),
				              "seed %lu round %d: prefix %zu differs", seed, round,
				              done + seen);
				seen++;
			}
			ck_assert_uint_eq(seen, k);
			done += k;
		}
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("msg_pack");
	TCase *tc = tcase_create("pack");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pack_one_ipv4);
	tcase_add_test(tc, pack_local_pref_on_ibgp);
	tcase_add_test(tc, fill_ipv4_4096);
	tcase_add_test(tc, fill_ipv4_extended);
	tcase_add_test(tc, fill_ipv6_4096);
	tcase_add_test(tc, fill_ipv6_extended);
	tcase_add_test(tc, withdraw_ipv4);
	tcase_add_test(tc, withdraw_ipv6);
	tcase_add_test(tc, ipv6_mp_reach_is_first);
	tcase_add_test(tc, pack_refuses_what_cannot_go);
	tcase_add_test(tc, end_of_rib_round_trip);
	tcase_add_test(tc, two_octet_session_as4_attributes);
	tcase_add_test(tc, long_segments_and_extended_length);
	tcase_add_loop_test(tc, random_round_trips, 0, 40);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *env = getenv("MSG_TEST_SEED");
	SRunner *sr;
	int failed;

	base_seed = env ? strtoul(env, NULL, 0)
	                : (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	printf("random round trips: seed %lu (MSG_TEST_SEED=%lu replays them; "
	       "iteration i uses seed + i)\n",
	       base_seed, base_seed);
	sr = srunner_create(suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
