/*
 * libFuzzer harness: decode an UPDATE, re-encode what was understood with
 * the packer (msg_update_pack / msg_withdraw_pack), decode that again and
 * require the same routes and the same attributes.
 *
 * Input: byte 0 the decode context (fuzz_common.h), the rest an UPDATE body.
 * Only UPDATEs that decode cleanly (MSG_ACT_NONE) are re-encoded. The
 * expected attributes are the decoded ones adjusted for what the packer is
 * documented to change: LOCAL_PREF dropped on eBGP and 100 by default on
 * iBGP (RFC 4271 §5.1.5), unknown attributes sent optional transitive with
 * Partial set (RFC 4271 §5).
 */
#include <stdio.h>
#include <stdlib.h>

#include "attr.h"
#include "fuzz_common.h"
#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define MAXP 16384

static struct msg_attr_buf abuf, abuf2;
static struct prefix pfx[MAXP];
static struct attr_unknown unk[MSG_MAX_UNKNOWN];
static uint8_t wire[MSG_MAX_LEN_EXT];

/* Decode one packed message; it must be a clean UPDATE. */
static void
decode_packed(const struct msg_ctx *ctx, const struct wbuf *w, struct msg_update *u)
{
	struct msg_error err;
	size_t mlen;
	uint8_t type;
	enum msg_action act;

	CHECK(msg_frame(wire, wbuf_len(w), ctx->max_len, &mlen, &type, &err) == MSG_FRAME_OK);
	CHECK(type == MSG_UPDATE && mlen == wbuf_len(w));
	act = msg_update_decode(ctx, wire + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN, u, &abuf2, &err);
	if (act != MSG_ACT_NONE) {
		char buf[256];

		fprintf(stderr, "re-encoded UPDATE: %s\n", msg_error_fmt(&err, buf, sizeof(buf)));
		CHECK(act == MSG_ACT_NONE);
	}
}

/* The set the packer promises to reproduce from a. */
static void
expected(const struct msg_ctx *ctx, const struct attr_set *a, struct attr_set *e)
{
	*e = *a;
	if (ctx->ebgp) {
		e->present &= ~ATTR_HAS_LOCAL_PREF;
		e->local_pref = 0;
	} else if (!(e->present & ATTR_HAS_LOCAL_PREF)) {
		e->present |= ATTR_HAS_LOCAL_PREF;
		e->local_pref = 100;
	}
	CHECK(a->nunknown <= MSG_MAX_UNKNOWN);
	for (size_t i = 0; i < a->nunknown; i++) {
		unk[i] = a->unknown[i];
		unk[i].flags |= ATTR_FLAG_OPTIONAL | ATTR_FLAG_TRANSITIVE | ATTR_FLAG_PARTIAL;
		unk[i].flags &= (uint8_t)~ATTR_FLAG_EXTLEN;
	}
	e->unknown = unk;
}

static void
unknown_flags_only(struct attr_set *d)
{
	/* the extended-length bit is framing, not content */
	for (size_t i = 0; i < d->nunknown; i++)
		CHECK(!(d->unknown[i].flags & ATTR_FLAG_EXTLEN) || d->unknown[i].len > 255);
}

/* On a mismatch, say what each side holds. */
static void
dump_set(const char *what, const struct attr_set *s)
{
	char buf[1024];

	fprintf(stderr, "%s: present %#x origin %u med %u lp %u aggr %u nh afi %u\n", what,
	        s->present, s->origin, s->med, s->local_pref, s->aggr_as, s->nexthop.afi);
	fprintf(stderr, "  path %s\n", attr_aspath_fmt(s, buf, sizeof(buf)));
	fprintf(stderr, "  comms %s\n", attr_comms_fmt(s, buf, sizeof(buf)));
	fprintf(stderr, "  ecomms %s\n", attr_ecomms_fmt(s, buf, sizeof(buf)));
	fprintf(stderr, "  lcomms %s\n", attr_lcomms_fmt(s, buf, sizeof(buf)));
	for (size_t i = 0; i < s->nunknown; i++)
		fprintf(stderr, "  unknown type %u flags %#x len %u\n", s->unknown[i].type,
		        s->unknown[i].flags, s->unknown[i].len);
	for (size_t i = 0; i < s->nsegs; i++)
		fprintf(stderr, "  seg %zu type %u count %u\n", i, s->segs[i].type,
		        s->segs[i].count);
}

/* Announce pfx[0..n) of afi with attrs, check every packed message. */
static void
announce(const struct msg_ctx *ctx, const struct attr_set *attrs, uint8_t afi, size_t n)
{
	struct attr_set e;
	size_t done = 0;

	/*
	 * The first-AS check (RFC 4271 §6.3) runs on the AS_PATH as received;
	 * an AS4_PATH as long as it replaces the whole path in the merge
	 * (RFC 6793 §4.2.3), peer AS included. Such a path cannot be sent back
	 * to the same peer: nothing to compare.
	 */
	if (ctx->ebgp && ctx->check_first_as && ctx->peer_as != 0 &&
	    (attrs->nsegs == 0 || attrs->segs[0].type != AS_SEQUENCE ||
	     attrs->asns[0] != ctx->peer_as))
		return;
	expected(ctx, attrs, &e);
	while (done < n) {
		struct msg_update u;
		struct attr_set d;
		struct prefix q;
		struct rbuf *nl;
		struct wbuf w;
		size_t k;

		wbuf_init(&w, wire, sizeof(wire));
		k = msg_update_pack(&w, ctx, attrs, afi, pfx + done, n - done);
		if (k == 0) {
			/* documented: no next hop of that family, or too big for one message */
			CHECK(!(attrs->present & ATTR_HAS_NEXT_HOP) || attrs->nexthop.afi != afi ||
			      done == 0);
			return;
		}
		CHECK(k <= n - done);
		decode_packed(ctx, &w, &u);
		msg_update_attrs(&u, afi, &d);
		unknown_flags_only(&d);
		for (size_t i = 0; i < d.nunknown; i++)
			((struct attr_unknown *)d.unknown)[i].flags &= (uint8_t)~ATTR_FLAG_EXTLEN;
		if (!attr_eq(&e, &d)) {
			fprintf(stderr, "afi %u as4 %d ebgp %d\n", afi, ctx->as4, ctx->ebgp);
			dump_set("expected", &e);
			dump_set("re-decoded", &d);
			CHECK(attr_eq(&e, &d));
		}
		nl = afi == AFI_IP ? &u.nlri : &u.mp_reach.nlri;
		for (size_t i = 0; i < k; i++) {
			CHECK(msg_nlri_next(nl, afi, &q));
			CHECK(prefix_cmp(&q, &pfx[done + i]) == 0);
		}
		CHECK(!msg_nlri_next(nl, afi, &q));
		done += k;
	}
}

static void
withdraw(const struct msg_ctx *ctx, uint8_t afi, size_t n)
{
	size_t done = 0;

	while (done < n) {
		struct msg_update u;
		struct prefix q;
		struct rbuf *nl;
		struct wbuf w;
		size_t k;

		wbuf_init(&w, wire, sizeof(wire));
		k = msg_withdraw_pack(&w, ctx, afi, pfx + done, n - done);
		CHECK(k > 0 && k <= n - done);
		decode_packed(ctx, &w, &u);
		nl = afi == AFI_IP ? &u.withdrawn : &u.mp_unreach.withdrawn;
		for (size_t i = 0; i < k; i++) {
			CHECK(msg_nlri_next(nl, afi, &q));
			CHECK(prefix_cmp(&q, &pfx[done + i]) == 0);
		}
		CHECK(!msg_nlri_next(nl, afi, &q));
		done += k;
	}
}

/* Copy the prefixes of a validated view into pfx[]; returns the count. */
static size_t
collect(struct rbuf r, uint8_t afi)
{
	size_t n = 0;

	while (n < MAXP && msg_nlri_next(&r, afi, &pfx[n]))
		n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;
	struct attr_set set;
	size_t n;

	if (size < 1)
		return 0;
	fuzz_ctx(&ctx, data[0]);
	if (msg_update_decode(&ctx, data + 1, size - 1, &u, &abuf, &err) != MSG_ACT_NONE)
		return 0;

	if ((n = collect(u.withdrawn, AFI_IP)) > 0)
		withdraw(&ctx, AFI_IP, n);
	if (u.has_mp_unreach && (n = collect(u.mp_unreach.withdrawn, (uint8_t)u.mp_unreach.afi)))
		withdraw(&ctx, (uint8_t)u.mp_unreach.afi, n);
	if ((n = collect(u.nlri, AFI_IP)) > 0) {
		msg_update_attrs(&u, AFI_IP, &set);
		announce(&ctx, &set, AFI_IP, n);
	}
	/* IPv6 through MP_REACH (IPv4 in MP_REACH would share NEXT_HOP's slot). */
	if (u.has_mp_reach && u.mp_reach.afi == AFI_IP6 &&
	    (n = collect(u.mp_reach.nlri, AFI_IP6)) > 0) {
		msg_update_attrs(&u, AFI_IP6, &set);
		announce(&ctx, &set, AFI_IP6, n);
	}
	return 0;
}
