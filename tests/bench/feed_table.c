/*
 * feed_table: bench_feed's synthetic table and its announce and withdraw
 * streams (see feed_table.h for its shape).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "feed_table.h"

#define RUN_MIN      100 /* prefixes sharing one attribute set */
#define RUN_SPAN     401
#define PATH_MAX_LEN 6

/* xorshift64: reproducible from the seed, cheap enough for 1M draws. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A fixed mix of the index: the prefix length must not depend on the seed,
 * so a table is the same set of prefixes in either order. */
static uint32_t
mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

struct prefix
feed_prefix(size_t i)
{
	uint32_t a = 0x0b000000u + ((uint32_t)i << 8), h = mix((uint32_t)i);
	struct prefix p;
	unsigned room = 0;

	/* Shorter than /24 only where the address is aligned for it. */
	while (room < 8 && i != 0 && ((i >> room) & 1) == 0)
		room++;
	memset(&p, 0, sizeof(p));
	p.afi = AFI_IP;
	p.len = 24;
	if (room > 0 && h % 4 != 0)
		p.len = (uint8_t)(24 - 1 - (h >> 2) % room);
	p.bytes[0] = (uint8_t)(a >> 24);
	p.bytes[1] = (uint8_t)(a >> 16);
	p.bytes[2] = (uint8_t)(a >> 8);
	return p;
}

static bool
stream_alloc(struct feed_stream *s, size_t cap)
{
	s->data = malloc(cap);
	s->len = 0;
	s->updates = 0;
	if (s->data == NULL)
		fprintf(stderr, "bench_feed: out of memory for %zu bytes\n", cap);
	return s->data != NULL;
}

/* The AS paths of the pool, PATH_MAX_LEN slots each, and their lengths. */
struct pool {
	uint32_t *asns;
	uint8_t *len;
	size_t n;
};

static bool
pool_build(struct pool *p, const struct feed_table_opts *o, uint64_t *seed)
{
	p->n = o->npaths ? o->npaths : 1;
	p->asns = malloc(p->n * PATH_MAX_LEN * sizeof(*p->asns));
	p->len = malloc(p->n);
	if (p->asns == NULL || p->len == NULL)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		uint32_t *a = p->asns + i * PATH_MAX_LEN;

		p->len[i] = (uint8_t)(2 + rnd(seed) % (PATH_MAX_LEN - 1));
		a[0] = o->as;
		for (size_t j = 1; j < p->len[i]; j++)
			a[j] = (uint32_t)(rnd(seed) % 400000 + 1);
	}
	return true;
}

/* Append UPDATEs announcing pfx[0..n) with one attribute set. */
static bool
pack_run(struct feed_stream *s, size_t cap, const struct msg_ctx *ctx, const struct attr_set *a,
         const struct prefix *pfx, size_t n)
{
	size_t done = 0;

	while (done < n) {
		struct wbuf w;
		size_t k;

		wbuf_init(&w, s->data + s->len, cap - s->len);
		k = msg_update_pack(&w, ctx, a, AFI_IP, pfx + done, n - done);
		if (k == 0) {
			fprintf(stderr, "bench_feed: an UPDATE did not fit\n");
			return false;
		}
		s->len += wbuf_len(&w);
		s->updates++;
		done += k;
	}
	return true;
}

static bool
build_announce(struct feed_table *t, const struct feed_table_opts *o, const struct msg_ctx *ctx,
               uint64_t *seed)
{
	/* At most 4 bytes a prefix (none is longer than /24), and a run's
	 * 2000 bytes of NLRI fit one UPDATE: header, lengths and attributes
	 * take under 128 bytes of it, so 512 a run is room to spare. */
	size_t cap = t->n * 5 + (t->n / RUN_MIN + 2) * 512;
	struct feed_stream *s = &t->announce;
	struct pool pool = {0};
	struct wbuf w;
	bool ok = stream_alloc(s, cap) && pool_build(&pool, o, seed);

	for (size_t at = 0; ok && at < t->n;) {
		size_t run = RUN_MIN + rnd(seed) % RUN_SPAN, p = rnd(seed) % pool.n;
		uint32_t comms[2] = {o->as << 16 | (uint32_t)(rnd(seed) % 3 + 1) * 10000,
		                     o->as << 16 | 5010};
		struct attr_seg seg = {.type = AS_SEQUENCE, .count = pool.len[p]};
		struct attr_set a;

		if (run > t->n - at)
			run = t->n - at;
		attr_set_init(&a);
		a.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
		a.origin = ORIGIN_IGP;
		a.segs = &seg, a.nsegs = 1;
		a.asns = pool.asns + p * PATH_MAX_LEN, a.nasns = pool.len[p];
		a.nexthop = o->next;
		if (rnd(seed) & 1) {
			a.present |= ATTR_HAS_MED;
			a.med = (uint32_t)(rnd(seed) % 100);
		}
		a.comms = comms;
		a.ncomms = (uint32_t)(rnd(seed) % 3);
		ok = pack_run(s, cap, ctx, &a, t->pfx + at, run);
		at += run;
	}
	if (ok) {
		wbuf_init(&w, s->data + s->len, cap - s->len);
		ok = msg_eor_encode(&w, AFI_IP);
		s->len += wbuf_len(&w);
		s->updates++;
	}
	free(pool.asns);
	free(pool.len);
	return ok;
}

static bool
build_withdraw(struct feed_table *t, const struct msg_ctx *ctx)
{
	/* 4 bytes a prefix, 23 of header and lengths per 4096-byte UPDATE. */
	size_t cap = t->n * 5 + 2 * MSG_MAX_LEN;
	struct feed_stream *s = &t->withdraw;

	if (!stream_alloc(s, cap))
		return false;
	for (size_t at = 0; at < t->n;) {
		struct wbuf w;
		size_t k;

		wbuf_init(&w, s->data + s->len, cap - s->len);
		k = msg_withdraw_pack(&w, ctx, AFI_IP, t->pfx + at, t->n - at);
		if (k == 0) {
			fprintf(stderr, "bench_feed: a withdrawal did not fit\n");
			return false;
		}
		s->len += wbuf_len(&w);
		s->updates++;
		at += k;
	}
	return true;
}

bool
feed_table_build(struct feed_table *t, const struct feed_table_opts *o, const struct msg_ctx *ctx)
{
	uint64_t seed = o->seed ? o->seed : 1;

	memset(t, 0, sizeof(*t));
	if (o->n == 0 || o->n > FEED_MAX_PREFIXES) {
		fprintf(stderr, "bench_feed: prefixes must be 1..%u\n", FEED_MAX_PREFIXES);
		return false;
	}
	t->n = o->n;
	t->pfx = malloc(t->n * sizeof(*t->pfx));
	if (t->pfx == NULL) {
		fprintf(stderr, "bench_feed: out of memory for %zu prefixes\n", t->n);
		return false;
	}
	for (size_t i = 0; i < t->n; i++)
		t->pfx[i] = feed_prefix(i);
	if (o->random) {
		/* Fisher-Yates. */
		for (size_t i = t->n - 1; i > 0; i--) {
			size_t j = rnd(&seed) % (i + 1);
			struct prefix tmp = t->pfx[i];

			t->pfx[i] = t->pfx[j];
			t->pfx[j] = tmp;
		}
	}
	if (ctx == NULL)
		return true;
	return build_announce(t, o, ctx, &seed) && build_withdraw(t, ctx);
}

void
feed_table_free(struct feed_table *t)
{
	free(t->pfx);
	free(t->announce.data);
	free(t->withdraw.data);
	memset(t, 0, sizeof(*t));
}
