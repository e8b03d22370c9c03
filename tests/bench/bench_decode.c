/*
 * bench_decode: UPDATE parse throughput on a full-table-like stream.
 *
 * Builds ~1M IPv4 prefixes in UPDATEs of 100-500 prefixes each (every
 * UPDATE shares one attribute set: a 2-6 AS path from a pool of 20000
 * paths, some communities), packed by msg_update_pack into 4096-byte
 * messages. Then times, five times, the receive path: msg_frame ->
 * msg_update_decode -> msg_nlri_next over every prefix -> attr_intern of
 * the UPDATE's set (kept referenced, as a RIB would). Then the daemon's
 * own receive path, lib/peer's peer_input on an Established connection,
 * fed as bgpd/peer_io feeds it (the header, then the whole message), over
 * every prefix. Prints the median prefixes/s and MB/s. No timed asserts.
 *
 * Usage: bench_decode [prefixes]   (default 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attr.h"
#include "msg.h"
#include "peer.h"

#define NPATHS 20000

static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stream {
	uint8_t *data;
	size_t len, cap;
	size_t nupdates, nprefixes;
};

static void
build(struct stream *s, size_t want, const struct msg_ctx *ctx)
{
	static uint32_t asns[NPATHS][6];
	static uint8_t plen[NPATHS];
	struct prefix *pfx = malloc(500 * sizeof(*pfx));
	uint32_t comms[4];
	uint32_t next = 0x01000000; /* walk the IPv4 space in /24 steps */

	for (size_t i = 0; i < NPATHS; i++) {
		plen[i] = (uint8_t)(2 + rnd() % 5);
		asns[i][0] = 12076;
		for (size_t j = 1; j < plen[i]; j++)
			asns[i][j] = rnd() % 400000 + 1;
	}
	s->cap = want * 5 + (1 << 20);
	s->data = malloc(s->cap);
	if (s->data == NULL || pfx == NULL) {
		perror("malloc");
		exit(1);
	}
	while (s->nprefixes < want) {
		struct attr_set a;
		struct attr_seg seg;
		size_t n = 100 + rnd() % 401, p = rnd() % NPATHS, done = 0;
		struct wbuf w;

		if (n > want - s->nprefixes)
			n = want - s->nprefixes;
		attr_set_init(&a);
		a.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
		if (rnd() & 1) {
			a.present |= ATTR_HAS_MED;
			a.med = rnd() % 100;
		}
		seg.type = AS_SEQUENCE;
		seg.count = plen[p];
		a.segs = &seg, a.nsegs = 1, a.asns = asns[p], a.nasns = plen[p];
		a.nexthop.afi = AFI_IP;
		a.nexthop.bytes[0] = 172, a.nexthop.bytes[1] = 16, a.nexthop.bytes[3] = 2;
		comms[0] = 12076u << 16 | (rnd() % 3 + 1) * 10000;
		comms[1] = 12076u << 16 | 5010;
		a.comms = comms;
		a.ncomms = rnd() % 3;
		for (size_t i = 0; i < n; i++) {
			memset(&pfx[i], 0, sizeof(pfx[i]));
			pfx[i].afi = AFI_IP;
			pfx[i].len = (rnd() % 8 == 0) ? (uint8_t)(16 + rnd() % 8) : 24;
			pfx[i].bytes[0] = (uint8_t)(next >> 24);
			pfx[i].bytes[1] = (uint8_t)(next >> 16);
			pfx[i].bytes[2] = pfx[i].len > 16 ? (uint8_t)(next >> 8) : 0;
			if (pfx[i].len < 24)
				pfx[i].bytes[2] &= (uint8_t)(0xff << (24 - pfx[i].len));
			next += 0x100;
		}
		while (done < n) {
			size_t k;

			wbuf_init(&w, s->data + s->len, s->cap - s->len);
			k = msg_update_pack(&w, ctx, &a, AFI_IP, pfx + done, n - done);
			if (k == 0) {
				fprintf(stderr, "pack failed\n");
				exit(1);
			}
			s->len += wbuf_len(&w);
			s->nupdates++;
			done += k;
		}
		s->nprefixes += n;
	}
	free(pfx);
}

/* One pass over the stream; returns prefixes seen (or 0 on error). */
static size_t
run(const struct stream *s, const struct msg_ctx *ctx, struct msg_attr_buf *buf, bool intern,
    size_t *nattrs)
{
	struct attr_table *t = intern ? attr_table_new() : NULL;
	const struct attr **refs = intern ? malloc(s->nupdates * sizeof(*refs)) : NULL;
	size_t off = 0, prefixes = 0, nref = 0;
	uint32_t sink = 0;

	while (off < s->len) {
		size_t mlen;
		uint8_t type;
		struct msg_error err;
		struct msg_update u;
		struct prefix p;

		if (msg_frame(s->data + off, s->len - off, ctx->max_len, &mlen, &type, &err) !=
		            MSG_FRAME_OK ||
		    type != MSG_UPDATE)
			return 0;
		if (msg_update_decode(ctx, s->data + off + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN,
		                      &u, buf, &err) != MSG_ACT_NONE)
			return 0;
		while (msg_nlri_next(&u.nlri, AFI_IP, &p)) {
			sink += p.len;
			prefixes++;
		}
		if (intern)
			refs[nref++] = attr_intern(t, &u.attrs);
		off += mlen;
	}
	if (intern) {
		*nattrs = attr_table_count(t);
		for (size_t i = 0; i < nref; i++)
			attr_unref(refs[i]);
		attr_table_free(t);
		free(refs);
	}
	return sink ? prefixes : 0;
}

/* A CE connection Established with the provider (AS 12076), as the stream expects. */
static void
peer_up(struct peer *p, struct peer_config *cfg, struct msg_attr_buf *buf)
{
	struct negotiate_settings prov = {
	        .local_as = 12076,
	        .peer_as = 65000,
	        .bgp_id = 0xac100102u,
	        .hold_time = 90,
	        .families = MSG_FAM_IPV4,
	        .caps = MSG_CAP_AS4,
	};
	static const uint8_t keepalive[MSG_HEADER_LEN] = {
	        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,         0xff,
	        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, MSG_KEEPALIVE};
	uint8_t open[MSG_MAX_LEN];
	struct msg_open o;
	struct peer_step st;
	struct peer_out out;
	struct wbuf w;

	memset(cfg, 0, sizeof(*cfg));
	cfg->ns.local_as = 65000;
	cfg->ns.peer_as = 12076;
	cfg->ns.bgp_id = 0xac100101u;
	cfg->ns.hold_time = 90;
	cfg->ns.families = MSG_FAM_IPV4;
	cfg->ns.caps = MSG_CAP_AS4;
	cfg->fsm.passive = true;
	cfg->fsm.hold_time = 90;
	peer_init(p, cfg, buf);
	peer_event(p, FSM_EV_MANUAL_START_PASSIVE, NULL, NULL, &st);
	peer_transport(p, false);
	peer_event(p, FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, NULL, &st);
	negotiate_build_open(&prov, &o);
	wbuf_init(&w, open, sizeof(open));
	msg_open_encode(&w, &o);
	peer_input(p, NULL, open, wbuf_len(&w), &out);
	peer_input(p, NULL, keepalive, sizeof(keepalive), &out);
	if (p->fsm.state != FSM_ESTABLISHED) {
		fprintf(stderr, "peer_input: not Established\n");
		exit(1);
	}
}

/* One pass through peer_input, need bytes at a time; prefixes seen (0 on error). */
static size_t
run_peer(const struct stream *s, struct msg_attr_buf *buf)
{
	static struct peer_out out;
	struct peer_config cfg;
	struct peer p;
	size_t off = 0, prefixes = 0;
	uint32_t sink = 0;

	peer_up(&p, &cfg, buf);
	while (off < s->len) {
		enum peer_input_result r = peer_input(&p, NULL, s->data + off, p.need, &out);
		struct prefix pf;

		if (r == PEER_IN_NEED)
			continue;
		if (r != PEER_IN_MESSAGE || out.type != MSG_UPDATE ||
		    out.update_act != MSG_ACT_NONE)
			return 0;
		while (msg_nlri_next(&out.update.nlri, AFI_IP, &pf)) {
			sink += pf.len;
			prefixes++;
		}
		off += out.len;
	}
	return sink ? prefixes : 0;
}

static void
measure_peer(const struct stream *s, struct msg_attr_buf *buf)
{
	double t[5];
	size_t n = 0;

	for (int i = 0; i < 5; i++) {
		double t0 = now();

		n = run_peer(s, buf);
		t[i] = now() - t0;
		if (n != s->nprefixes) {
			fprintf(stderr, "peer_input failed (%zu of %zu prefixes)\n", n,
			        s->nprefixes);
			exit(1);
		}
	}
	qsort(t, 5, sizeof(t[0]), cmp_double);
	printf("%-34s median %.3f s  %.2f M prefixes/s  %.1f MB/s  %.0f UPDATEs/s\n",
	       "peer_input (lib/peer)+NLRI:", t[2], (double)n / t[2] / 1e6,
	       (double)s->len / t[2] / 1e6, (double)s->nupdates / t[2]);
}

static void
measure(const char *what, const struct stream *s, const struct msg_ctx *ctx,
        struct msg_attr_buf *buf, bool intern)
{
	double t[5];
	size_t n = 0, nattrs = 0;

	for (int i = 0; i < 5; i++) {
		double t0 = now();

		n = run(s, ctx, buf, intern, &nattrs);
		t[i] = now() - t0;
		if (n != s->nprefixes) {
			fprintf(stderr, "decode failed (%zu of %zu prefixes)\n", n, s->nprefixes);
			exit(1);
		}
	}
	qsort(t, 5, sizeof(t[0]), cmp_double);
	printf("%-34s median %.3f s  %.2f M prefixes/s  %.1f MB/s  %.0f UPDATEs/s", what, t[2],
	       (double)n / t[2] / 1e6, (double)s->len / t[2] / 1e6, (double)s->nupdates / t[2]);
	if (intern)
		printf("  (%zu distinct sets)", nattrs);
	printf("\n");
}

int
main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	struct msg_ctx ctx;
	struct stream s = {0};
	struct msg_attr_buf *buf = malloc(sizeof(*buf));

	if (buf == NULL || want == 0)
		return 1;
	msg_ctx_init(&ctx, 65000, 12076);
	ctx.as4 = true;
	build(&s, want, &ctx);
	printf("stream: %zu prefixes in %zu UPDATEs, %.1f MB (%.0f prefixes/UPDATE)\n", s.nprefixes,
	       s.nupdates, (double)s.len / 1e6, (double)s.nprefixes / (double)s.nupdates);
	measure("frame+decode+NLRI:", &s, &ctx, buf, false);
	measure("frame+decode+NLRI+attr_intern:", &s, &ctx, buf, true);
	measure_peer(&s, buf);
	free(s.data);
	free(buf);
	return 0;
}
