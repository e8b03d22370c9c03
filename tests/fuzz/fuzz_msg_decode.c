/*
 * libFuzzer harness: framing and every message decoder, plus interning of
 * the decoded attribute sets. The first byte picks the decode context
 * (fuzz_common.h) and, in its two high bits, the mode:
 *   0, 1  the rest is a byte stream cut by msg_frame(), each message
 *         decoded by its type's decoder as the daemon's receive loop does;
 *   2     the rest is an UPDATE body (skips framing, reaches deeper);
 *   3     the rest is an OPEN body, then a NOTIFICATION and ROUTE-REFRESH body.
 * Crashes, sanitizer reports and broken decoder contracts abort.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attr.h"
#include "fuzz_common.h"
#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct msg_attr_buf abuf;
static struct attr_table *table;

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                        \
		}                                                                       \
	} while (0)

static void
check_error(const struct msg_error *err)
{
	char buf[256];

	CHECK(err->why != NULL);
	CHECK(err->data_len <= MSG_ERR_DATA_MAX);
	CHECK(msg_error_fmt(err, buf, sizeof(buf)) != NULL);
	(void)msg_err_code_name(err->code);
	(void)msg_err_subcode_name(err->code, err->subcode);
}

/* What the daemon does with a set it keeps: intern, format, release. */
static void
use_set(const struct attr_set *s)
{
	char buf[512];
	const struct attr *a = attr_intern(table, s);

	CHECK(a != NULL);
	CHECK(attr_eq(&a->set, s));
	CHECK(attr_hash(s) == a->hash);
	attr_aspath_fmt(&a->set, buf, sizeof(buf));
	attr_comms_fmt(&a->set, buf, sizeof(buf));
	attr_ecomms_fmt(&a->set, buf, sizeof(buf));
	attr_lcomms_fmt(&a->set, buf, sizeof(buf));
	(void)attr_aspath_len(&a->set);
	(void)attr_neighbor_as(&a->set);
	(void)attr_origin_as(&a->set);
	(void)attr_aspath_contains(&a->set, FUZZ_AS_CE);
	(void)attr_has_community(&a->set, COMMUNITY_NO_EXPORT);
	attr_unref(a);
}

static void
do_update(const struct msg_ctx *ctx, const uint8_t *body, size_t len)
{
	struct msg_update u;
	struct msg_error err;
	struct attr_set set;
	enum msg_action act = msg_update_decode(ctx, body, len, &u, &abuf, &err);

	CHECK(act == u.action || act == MSG_ACT_SESSION_RESET);
	if (act != MSG_ACT_NONE)
		check_error(&err);
	if (act == MSG_ACT_SESSION_RESET) {
		CHECK(err.action == MSG_ACT_SESSION_RESET);
		return;
	}
	/* Validated views: walking them must never fail half-way. */
	CHECK(msg_nlri_count(&u.withdrawn, AFI_IP) == fuzz_walk(&u.withdrawn, AFI_IP));
	CHECK(rbuf_ok(&u.withdrawn));
	CHECK(msg_nlri_count(&u.nlri, AFI_IP) == fuzz_walk(&u.nlri, AFI_IP));
	CHECK(rbuf_ok(&u.nlri));
	if (u.has_mp_unreach) {
		fuzz_walk(&u.mp_unreach.withdrawn, (uint8_t)u.mp_unreach.afi);
		CHECK(rbuf_ok(&u.mp_unreach.withdrawn));
	}
	if (u.has_mp_reach) {
		fuzz_walk(&u.mp_reach.nlri, (uint8_t)u.mp_reach.afi);
		CHECK(rbuf_ok(&u.mp_reach.nlri));
	}
	if (act == MSG_ACT_TREAT_AS_WITHDRAW)
		return;
	msg_update_attrs(&u, AFI_IP, &set);
	use_set(&set);
	if (u.has_mp_reach) {
		msg_update_attrs(&u, (uint8_t)u.mp_reach.afi, &set);
		use_set(&set);
	}
}

static void
do_open(const uint8_t *body, size_t len)
{
	struct msg_open o;
	struct msg_error err;
	uint8_t out[MSG_MAX_LEN_EXT];
	struct wbuf w;

	if (!msg_open_decode(body, len, &o, &err)) {
		check_error(&err);
		CHECK(err.action == MSG_ACT_SESSION_RESET);
		return;
	}
	CHECK(o.version == BGP_VERSION);
	CHECK(o.hold_time == 0 || o.hold_time >= 3);
	CHECK(o.bgp_id != 0);
	CHECK(o.caps.nunknown <= MSG_CAP_MAX_UNKNOWN);
	CHECK(o.caps.raw_len <= MSG_CAP_RAW_MAX);
	for (unsigned i = 0; i < o.caps.nunknown; i++)
		CHECK((size_t)o.caps.unknown[i].off + o.caps.unknown[i].len <= o.caps.raw_len);
	if (!msg_open_check(&o, FUZZ_AS_PROVIDER, 0x0a000001u, true, &err))
		check_error(&err);
	(void)msg_open_as(&o);
	/* What decoded must encode (the `show` path re-encodes nothing, but
	 * negotiation copies caps: the encoder must take any decoded value). */
	wbuf_init(&w, out, sizeof(out));
	(void)msg_open_encode(&w, &o);
}

static void
do_notification(const uint8_t *body, size_t len)
{
	struct msg_notification n;

	if (!msg_notification_decode(body, len, &n))
		return;
	CHECK(n.data_len + 2 == len);
	if (n.has_shutdown)
		CHECK(strlen(n.shutdown) < sizeof(n.shutdown));
	(void)msg_err_subcode_name(n.code, n.subcode);
}

static void
do_route_refresh(const uint8_t *body, size_t len)
{
	struct msg_route_refresh rr;
	struct msg_error err;

	if (!msg_route_refresh_decode(body, len, &rr, &err)) {
		check_error(&err);
		CHECK(len != 4);
		return;
	}
	CHECK(len == 4);
	(void)msg_rr_subtype_name(rr.subtype);
	(void)msg_afi_name(rr.afi);
}

static void
do_stream(const struct msg_ctx *ctx, const uint8_t *in, size_t len)
{
	for (unsigned guard = 0; guard < 100000; guard++) {
		struct msg_error err;
		size_t mlen = 0;
		uint8_t type = 0;
		enum msg_frame_result r = msg_frame(in, len, ctx->max_len, &mlen, &type, &err);
		const uint8_t *body;
		size_t blen;

		if (r == MSG_FRAME_NEED_MORE) {
			/* only ever for a short header or a short message */
			CHECK(len < MSG_HEADER_LEN || len < ((size_t)in[16] << 8 | in[17]));
			return;
		}
		if (r == MSG_FRAME_ERROR) {
			check_error(&err);
			CHECK(err.code == ERR_HEADER);
			return;
		}
		CHECK(mlen >= MSG_HEADER_LEN && mlen <= len && mlen <= ctx->max_len);
		(void)msg_type_name(type);
		body = in + MSG_HEADER_LEN;
		blen = mlen - MSG_HEADER_LEN;
		switch (type) {
		case MSG_OPEN:
			do_open(body, blen);
			break;
		case MSG_UPDATE:
			do_update(ctx, body, blen);
			break;
		case MSG_NOTIFICATION:
			do_notification(body, blen);
			break;
		case MSG_KEEPALIVE:
			CHECK(blen == 0);
			break;
		case MSG_ROUTE_REFRESH:
			do_route_refresh(body, blen);
			break;
		default:
			CHECK(!"msg_frame passed an unknown type");
		}
		in += mlen;
		len -= mlen;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_ctx ctx;

	if (size < 1)
		return 0;
	if (table == NULL)
		table = attr_table_new();
	fuzz_ctx(&ctx, data[0]);
	switch (data[0] >> 6) {
	case 0:
	case 1:
		do_stream(&ctx, data + 1, size - 1);
		break;
	case 2:
		do_update(&ctx, data + 1, size - 1);
		break;
	default:
		do_open(data + 1, size - 1);
		do_notification(data + 1, size - 1);
		do_route_refresh(data + 1, size - 1);
		break;
	}
	CHECK(attr_table_count(table) == 0); /* every reference was dropped */
	return 0;
}
