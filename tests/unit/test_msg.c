/*
 * msg: framing and header errors (RFC 4271 §6.1, RFC 8654), OPEN and
 * capabilities (§6.2, RFC 5492, RFC 9072), NOTIFICATION (RFC 9003,
 * RFC 4486), KEEPALIVE, ROUTE-REFRESH (RFC 2918, RFC 7313), names.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_msg_util.h"

static size_t
header(uint8_t *b, size_t len, uint8_t type)
{
	memset(b, 0xff, 16);
	b[16] = (uint8_t)(len >> 8);
	b[17] = (uint8_t)len;
	b[18] = type;
	return MSG_HEADER_LEN;
}

/* ---- framing ---- */

START_TEST(frame_needs_more_until_complete)
{
	uint8_t b[64] = {0};
	size_t mlen = 0;
	uint8_t type = 0;
	struct msg_error err;

	header(b, 23, MSG_ROUTE_REFRESH);
	for (size_t n = 0; n < 23; n++)
		ck_assert_int_eq(msg_frame(b, n, MSG_MAX_LEN, &mlen, &type, &err),
		                 MSG_FRAME_NEED_MORE);
	ck_assert_int_eq(msg_frame(b, 23, MSG_MAX_LEN, &mlen, &type, &err), MSG_FRAME_OK);
	ck_assert_uint_eq(mlen, 23);
	ck_assert_uint_eq(type, MSG_ROUTE_REFRESH);
	/* trailing bytes of the next message do not matter */
	ck_assert_int_eq(msg_frame(b, 64, MSG_MAX_LEN, &mlen, &type, &err), MSG_FRAME_OK);
	ck_assert_uint_eq(mlen, 23);
}
END_TEST

struct frame_vec {
	const char *name;
	uint16_t len;
	uint8_t type;
	size_t max;
	int bad_marker;
	enum msg_frame_result result;
	uint8_t subcode;
};

static const struct frame_vec frame_vecs[] = {
        {"keepalive", 19, MSG_KEEPALIVE, 4096, 0, MSG_FRAME_OK, 0},
        {"minimal open", 29, MSG_OPEN, 4096, 0, MSG_FRAME_OK, 0},
        {"minimal update", 23, MSG_UPDATE, 4096, 0, MSG_FRAME_OK, 0},
        {"minimal notification", 21, MSG_NOTIFICATION, 4096, 0, MSG_FRAME_OK, 0},
        {"route refresh", 23, MSG_ROUTE_REFRESH, 4096, 0, MSG_FRAME_OK, 0},
        {"update of 4096", 4096, MSG_UPDATE, 4096, 0, MSG_FRAME_OK, 0},
        {"extended update of 65535", 65535, MSG_UPDATE, 65535, 0, MSG_FRAME_OK, 0},
        {"extended notification of 5000", 5000, MSG_NOTIFICATION, 65535, 0, MSG_FRAME_OK, 0},
        {"bad marker", 19, MSG_KEEPALIVE, 4096, 1, MSG_FRAME_ERROR, ERR_HDR_NOT_SYNC},
        {"length 18", 18, MSG_KEEPALIVE, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"length 0", 0, MSG_UPDATE, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"update of 4097", 4097, MSG_UPDATE, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"open of 4097 even extended (RFC 8654)", 4097, MSG_OPEN, 65535, 0, MSG_FRAME_ERROR,
         ERR_HDR_BAD_LENGTH},
        {"keepalive of 20", 20, MSG_KEEPALIVE, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"open of 28", 28, MSG_OPEN, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"update of 22", 22, MSG_UPDATE, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"notification of 20", 20, MSG_NOTIFICATION, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_LENGTH},
        {"route refresh of 22", 22, MSG_ROUTE_REFRESH, 4096, 0, MSG_FRAME_ERROR,
         ERR_HDR_BAD_LENGTH},
        {"type 0", 19, 0, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_TYPE},
        {"type 6", 19, 6, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_TYPE},
        {"type 255", 30, 255, 4096, 0, MSG_FRAME_ERROR, ERR_HDR_BAD_TYPE},
        {"nonsense max treated as 4096", 4097, MSG_UPDATE, 7, 0, MSG_FRAME_ERROR,
         ERR_HDR_BAD_LENGTH},
};

START_TEST(frame_vectors)
{
	const struct frame_vec *v = &frame_vecs[_i];
	size_t total = v->len < MSG_HEADER_LEN ? MSG_HEADER_LEN : v->len;
	uint8_t *b = calloc(1, total);
	size_t mlen = 0;
	uint8_t type = 0;
	struct msg_error err;
	enum msg_frame_result r;

	header(b, v->len, v->type);
	if (v->bad_marker)
		b[7] = 0xfe;
	memset(&err, 0, sizeof(err));
	r = msg_frame(b, total, v->max, &mlen, &type, &err);
	ck_assert_msg(r == v->result, "%s: result %d", v->name, r);
	if (r == MSG_FRAME_OK) {
		ck_assert_uint_eq(mlen, v->len);
		ck_assert_uint_eq(type, v->type);
	} else {
		ck_assert_uint_eq(err.code, ERR_HEADER);
		ck_assert_msg(err.subcode == v->subcode, "%s: subcode %u", v->name, err.subcode);
		ck_assert_int_eq(err.action, MSG_ACT_SESSION_RESET);
		/* §6.1: the data of each header error */
		if (v->subcode == ERR_HDR_BAD_LENGTH) {
			ck_assert_uint_eq(err.data_len, 2);
			ck_assert_uint_eq(err.data[0], v->len >> 8);
			ck_assert_uint_eq(err.data[1], v->len & 0xff);
		} else if (v->subcode == ERR_HDR_BAD_TYPE) {
			ck_assert_uint_eq(err.data_len, 1);
			ck_assert_uint_eq(err.data[0], v->type);
		} else {
			ck_assert_uint_eq(err.data_len, 0);
		}
	}
	free(b);
}
END_TEST

/* ---- KEEPALIVE ---- */

START_TEST(keepalive_bytes)
{
	uint8_t b[32];
	struct wbuf w;
	size_t mlen;
	uint8_t type;
	struct msg_error err;

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_keepalive_encode(&w));
	ck_assert_uint_eq(wbuf_len(&w), 19);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(b[i], 0xff);
	ck_assert_uint_eq(b[16], 0);
	ck_assert_uint_eq(b[17], 19);
	ck_assert_uint_eq(b[18], MSG_KEEPALIVE);
	ck_assert_int_eq(msg_frame(b, 19, MSG_MAX_LEN, &mlen, &type, &err), MSG_FRAME_OK);
	/* no room: fails, sticky */
	wbuf_init(&w, b, 18);
	ck_assert(!msg_keepalive_encode(&w));
	ck_assert(!wbuf_ok(&w));
}
END_TEST

/* ---- OPEN ---- */

static size_t
encode_open(const struct msg_open *o, uint8_t *b, size_t cap)
{
	struct wbuf w;
	size_t mlen;
	uint8_t type;
	struct msg_error err;

	wbuf_init(&w, b, cap);
	ck_assert(msg_open_encode(&w, o));
	ck_assert_int_eq(msg_frame(b, wbuf_len(&w), MSG_MAX_LEN, &mlen, &type, &err), MSG_FRAME_OK);
	ck_assert_uint_eq(mlen, wbuf_len(&w));
	ck_assert_uint_eq(type, MSG_OPEN);
	return mlen;
}

START_TEST(open_round_trip)
{
	struct msg_open o, d;
	struct msg_error err;
	uint8_t b[4096];
	size_t n;
	const uint8_t fqdn[] = {3, 'c', 'e', '1', 0};

	msg_open_init(&o, 65000, 180, 0xc0000201);
	o.caps.have |= MSG_CAP_MP_IPV6 | MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG | MSG_CAP_GR;
	o.caps.gr.flags = MSG_GR_FLAG_R | MSG_GR_FLAG_N;
	o.caps.gr.time = 120;
	o.caps.gr.nafi = 2;
	o.caps.gr.afi[0].afi = AFI_IP;
	o.caps.gr.afi[0].safi = SAFI_UNICAST;
	o.caps.gr.afi[0].flags = MSG_GR_AFI_F;
	o.caps.gr.afi[1].afi = AFI_IP6;
	o.caps.gr.afi[1].safi = SAFI_UNICAST;
	o.caps.nunknown = 1;
	o.caps.unknown[0].code = CAP_FQDN;
	o.caps.unknown[0].len = sizeof(fqdn);
	o.caps.unknown[0].off = 0;
	memcpy(o.caps.raw, fqdn, sizeof(fqdn));
	o.caps.raw_len = sizeof(fqdn);
	n = encode_open(&o, b, sizeof(b));

	ck_assert(msg_open_decode(b + MSG_HEADER_LEN, n - MSG_HEADER_LEN, &d, &err));
	ck_assert_uint_eq(d.version, 4);
	ck_assert_uint_eq(d.my_as, 65000);
	ck_assert_uint_eq(d.hold_time, 180);
	ck_assert_uint_eq(d.bgp_id, 0xc0000201);
	ck_assert(!d.ext_params);
	ck_assert_uint_eq(d.caps.have, o.caps.have);
	ck_assert_uint_eq(d.caps.as4, 65000);
	ck_assert_uint_eq(msg_open_as(&d), 65000);
	ck_assert_uint_eq(d.caps.gr.flags, MSG_GR_FLAG_R | MSG_GR_FLAG_N);
	ck_assert_uint_eq(d.caps.gr.time, 120);
	ck_assert_uint_eq(d.caps.gr.nafi, 2);
	ck_assert_uint_eq(d.caps.gr.afi[0].flags, MSG_GR_AFI_F);
	ck_assert_uint_eq(d.caps.gr.afi[1].afi, AFI_IP6);
	ck_assert_uint_eq(d.caps.nunknown, 1);
	ck_assert_uint_eq(d.caps.unknown[0].code, CAP_FQDN);
	ck_assert_uint_eq(d.caps.unknown[0].len, sizeof(fqdn));
	ck_assert_mem_eq(d.caps.raw + d.caps.unknown[0].off, fqdn, sizeof(fqdn));
}
END_TEST

START_TEST(open_four_octet_as_uses_as_trans)
{
	struct msg_open o, d;
	struct msg_error err;
	uint8_t b[4096];
	size_t n;

	msg_open_init(&o, 4200000000u, 90, 1);
	ck_assert_uint_eq(o.my_as, AS_TRANS);
	n = encode_open(&o, b, sizeof(b));
	/* My AS on the wire is 23456 */
	ck_assert_uint_eq(b[20], AS_TRANS >> 8);
	ck_assert_uint_eq(b[21], AS_TRANS & 0xff);
	ck_assert(msg_open_decode(b + MSG_HEADER_LEN, n - MSG_HEADER_LEN, &d, &err));
	ck_assert_uint_eq(msg_open_as(&d), 4200000000u);
	ck_assert(msg_open_check(&d, 4200000000u, 2, true, &err));
	/* the same AS without the capability is only AS_TRANS */
	d.caps.have &= ~MSG_CAP_AS4;
	ck_assert_uint_eq(msg_open_as(&d), AS_TRANS);
}
END_TEST

START_TEST(open_extended_parameters)
{
	struct msg_open o, d;
	struct msg_error err;
	uint8_t b[4096];
	size_t n;

	/* forced RFC 9072 form */
	msg_open_init(&o, 65000, 180, 7);
	o.ext_params = true;
	n = encode_open(&o, b, sizeof(b));
	ck_assert_uint_eq(b[28], 255);
	ck_assert_uint_eq(b[29], 255);
	ck_assert(msg_open_decode(b + MSG_HEADER_LEN, n - MSG_HEADER_LEN, &d, &err));
	ck_assert(d.ext_params);
	ck_assert_uint_eq(d.caps.have, o.caps.have);

	/* more than 255 bytes of parameters switch to it by themselves */
	msg_open_init(&o, 65000, 180, 7);
	for (int i = 0; i < 4; i++) {
		o.caps.unknown[i].code = (uint8_t)(200 + i);
		o.caps.unknown[i].len = 100;
		o.caps.unknown[i].off = (uint16_t)(i * 100);
	}
	memset(o.caps.raw, 0x5a, 400);
	o.caps.raw_len = 400;
	o.caps.nunknown = 4;
	n = encode_open(&o, b, sizeof(b));
	ck_assert_uint_gt(n, 29 + 255);
	ck_assert(msg_open_decode(b + MSG_HEADER_LEN, n - MSG_HEADER_LEN, &d, &err));
	ck_assert(d.ext_params);
	ck_assert_uint_eq(d.caps.nunknown, 4);
	ck_assert_uint_eq(d.caps.unknown[3].code, 203);
	ck_assert_uint_eq(d.caps.unknown[3].len, 100);

	/* an OPEN may never exceed 4096 (RFC 8654 §3) */
	msg_open_init(&o, 65000, 180, 7);
	o.caps.nunknown = MSG_CAP_MAX_UNKNOWN;
	for (int i = 0; i < MSG_CAP_MAX_UNKNOWN; i++) {
		o.caps.unknown[i].code = 200;
		o.caps.unknown[i].len = 255;
		o.caps.unknown[i].off = 0;
	}
	{
		struct wbuf w;

		wbuf_init(&w, b, sizeof(b));
		ck_assert(!msg_open_encode(&w, &o));
	}
}
END_TEST

struct open_vec {
	const char *name;
	const char *body;
	bool ok;
	uint8_t subcode;
};

/* version, my AS fde8, hold 00b4, id c0000201, params */
#define OPEN_HDR "04 fde8 00b4 c0000201 "
static const struct open_vec open_vecs[] = {
        {"no parameters", OPEN_HDR "00", true, 0},
        {"hold time 0", "04 fde8 0000 c0000201 00", true, 0},
        {"hold time 3", "04 fde8 0003 c0000201 00", true, 0},
        {"capabilities in one parameter", OPEN_HDR "0c 02 0a 01 04 00010001 02 00 46 00", true, 0},
        {"empty capability parameter", OPEN_HDR "02 02 00", true, 0},
        {"extended parameters", OPEN_HDR "ff ff 0005 02 0002 02 00", true, 0},
        {"odd-size GR kept as unknown", OPEN_HDR "05 02 03 40 01 00", true, 0},
        {"other MP family kept as unknown", OPEN_HDR "08 02 06 01 04 00010080", true, 0},
        {"version 3 (§6.2)", "03 fde8 00b4 c0000201 00", false, ERR_OPEN_UNSUPPORTED_VERSION},
        {"hold time 1", "04 fde8 0001 c0000201 00", false, ERR_OPEN_UNACCEPTABLE_HOLD},
        {"hold time 2", "04 fde8 0002 c0000201 00", false, ERR_OPEN_UNACCEPTABLE_HOLD},
        {"BGP identifier 0", "04 fde8 00b4 00000000 00", false, ERR_OPEN_BAD_BGP_ID},
        {"parameter type 1", OPEN_HDR "04 01 02 0000", false, ERR_OPEN_UNSUPPORTED_OPT_PARAM},
        {"parameter type 3", OPEN_HDR "02 03 00", false, ERR_OPEN_UNSUPPORTED_OPT_PARAM},
        {"parameter length overruns", OPEN_HDR "04 02 05 0200", false, 0},
        {"parameters shorter than said", OPEN_HDR "08 02 02 0200", false, 0},
        {"parameters longer than said", OPEN_HDR "02 02 02 0200", false, 0},
        {"capability overruns its parameter", OPEN_HDR "04 02 02 41 04", false, 0},
        {"capability header cut", OPEN_HDR "03 02 01 41", false, 0},
        /* RFC 6793 §3 with RFC 4271 §6.2: malformed, not a 2-octet speaker */
        {"AS4 capability of length 2", OPEN_HDR "06 02 04 41 02 fde8", false, 0},
        {"AS4 capability of length 0", OPEN_HDR "04 02 02 41 00", false, 0},
        {"AS4 capability of length 5", OPEN_HDR "09 02 07 41 05 0001000000", false, 0},
        {"AS4 of length 2 after valid ones", OPEN_HDR "0c 02 0a 01 04 00010001 41 02 fde8", false,
         0},
        {"too short", "04 fde8 00b4 c00002", false, 0},
        {"extended length cut", OPEN_HDR "ff ff 00", false, 0},
};

START_TEST(open_vectors)
{
	const struct open_vec *v = &open_vecs[_i];
	uint8_t body[512];
	size_t n = hex(body, sizeof(body), v->body);
	uint8_t *c = exact_copy(body, n);
	struct msg_open o;
	struct msg_error err;
	bool ok;

	memset(&err, 0, sizeof(err));
	ok = msg_open_decode(c, n, &o, &err);
	ck_assert_msg(ok == v->ok, "%s: %d (%s)", v->name, ok, err.why ? err.why : "");
	if (!ok) {
		ck_assert_uint_eq(err.code, ERR_OPEN);
		ck_assert_msg(err.subcode == v->subcode, "%s: subcode %u", v->name, err.subcode);
		ck_assert_int_eq(err.action, MSG_ACT_SESSION_RESET);
		if (v->subcode == ERR_OPEN_UNSUPPORTED_VERSION) {
			/* §6.2: the largest locally supported version */
			ck_assert_uint_eq(err.data_len, 2);
			ck_assert_uint_eq(err.data[0], 0);
			ck_assert_uint_eq(err.data[1], 4);
		}
	}
	/* every shorter body fails without reading past its end */
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *t = exact_copy(body, cut);

		msg_open_decode(t, cut, &o, &err);
		free(t);
	}
	free(c);
}
END_TEST

START_TEST(open_capability_details)
{
	uint8_t body[256];
	size_t n;
	struct msg_open o;
	struct msg_error err;

	n = hex(body, sizeof(body), OPEN_HDR "0c 02 0a 01 04 00010001 02 00 46 00");
	ck_assert(msg_open_decode(body, n, &o, &err));
	ck_assert_uint_eq(o.caps.have, MSG_CAP_MP_IPV4 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR);

	/* An odd-size capability we need no identity from is kept raw ... */
	n = hex(body, sizeof(body), OPEN_HDR "05 02 03 40 01 00");
	ck_assert(msg_open_decode(body, n, &o, &err));
	ck_assert(!(o.caps.have & MSG_CAP_GR));
	ck_assert_uint_eq(o.caps.nunknown, 1);
	ck_assert_uint_eq(o.caps.unknown[0].code, CAP_GRACEFUL_RESTART);

	/* ... an odd-size AS4 is NOTIFICATION 2/0 (RFC 6793 §3, RFC 4271 §6.2) */
	n = hex(body, sizeof(body), OPEN_HDR "06 02 04 41 02 fde8");
	memset(&err, 0, sizeof(err));
	ck_assert(!msg_open_decode(body, n, &o, &err));
	ck_assert_uint_eq(err.code, ERR_OPEN);
	ck_assert_uint_eq(err.subcode, 0);
	ck_assert_int_eq(err.action, MSG_ACT_SESSION_RESET);

	/* more unknown capabilities than are kept: flagged, not an error */
	{
		size_t k = hex(body, sizeof(body), OPEN_HDR);

		body[k++] = 2 + 2 * 20;
		body[k++] = 2;
		body[k++] = 2 * 20;
		for (int i = 0; i < 20; i++) {
			body[k++] = (uint8_t)(100 + i);
			body[k++] = 0;
		}
		ck_assert(msg_open_decode(body, k, &o, &err));
		ck_assert_uint_eq(o.caps.nunknown, MSG_CAP_MAX_UNKNOWN);
		ck_assert(o.caps.unknown_truncated);
	}
}
END_TEST

START_TEST(open_session_checks)
{
	struct msg_open o;
	struct msg_error err;

	msg_open_init(&o, 12076, 180, 0x0a000001);
	ck_assert(msg_open_check(&o, 12076, 0x0a000002, true, &err));
	/* §6.2: Bad Peer AS */
	ck_assert(!msg_open_check(&o, 65001, 0x0a000002, true, &err));
	ck_assert_uint_eq(err.code, ERR_OPEN);
	ck_assert_uint_eq(err.subcode, ERR_OPEN_BAD_PEER_AS);
	/* RFC 6286 §2.2: same identifier is fine on eBGP, not on iBGP */
	ck_assert(msg_open_check(&o, 12076, 0x0a000001, true, &err));
	ck_assert(!msg_open_check(&o, 12076, 0x0a000001, false, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_BAD_BGP_ID);
	o.bgp_id = 0;
	ck_assert(!msg_open_check(&o, 12076, 5, true, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_BAD_BGP_ID);
	/* RFC 7607: AS 0 */
	msg_open_init(&o, 0, 180, 1);
	ck_assert(!msg_open_check(&o, 0, 5, true, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_BAD_PEER_AS);
	/* RFC 6793: a large AS with My AS other than AS_TRANS */
	msg_open_init(&o, 70000, 180, 1);
	o.my_as = 4464;
	ck_assert(!msg_open_check(&o, 70000, 5, true, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_BAD_PEER_AS);
	/* expected AS 0 means "any" */
	msg_open_init(&o, 65010, 180, 1);
	ck_assert(msg_open_check(&o, 0, 5, true, &err));
}
END_TEST

START_TEST(negotiate_context)
{
	struct msg_open a, b;
	struct msg_ctx ctx;

	msg_open_init(&a, 65000, 180, 1);
	msg_open_init(&b, 12076, 90, 2);
	msg_ctx_init(&ctx, 65000, 12076);
	ck_assert_uint_eq(ctx.max_len, MSG_MAX_LEN);
	ck_assert(ctx.ebgp);
	ck_assert(ctx.check_first_as);
	ck_assert_uint_eq(ctx.families, MSG_FAM_IPV4);

	a.caps.have |= MSG_CAP_MP_IPV6 | MSG_CAP_EXT_MSG;
	b.caps.have |= MSG_CAP_MP_IPV6;
	msg_ctx_negotiate(&ctx, &a, &b);
	ck_assert(ctx.as4);
	ck_assert_uint_eq(ctx.max_len, MSG_MAX_LEN);
	ck_assert_uint_eq(ctx.families, MSG_FAM_IPV4 | MSG_FAM_IPV6);
	ck_assert_uint_eq(ctx.peer_as, 12076);
	ck_assert_uint_eq(ctx.local_as, 65000);
	ck_assert(ctx.ebgp);

	b.caps.have |= MSG_CAP_EXT_MSG;
	b.caps.have &= ~(MSG_CAP_AS4 | MSG_CAP_MP_IPV4);
	msg_ctx_negotiate(&ctx, &a, &b);
	ck_assert(!ctx.as4);
	ck_assert_uint_eq(ctx.max_len, MSG_MAX_LEN_EXT);
	ck_assert_uint_eq(ctx.families, MSG_FAM_IPV6);

	/* a peer without any MP capability speaks IPv4 unicast (RFC 4760 §8) */
	b.caps.have &= ~MSG_CAP_MP_IPV6;
	msg_ctx_negotiate(&ctx, &a, &b);
	ck_assert_uint_eq(ctx.families, MSG_FAM_IPV4);
	/* ... but one with only other MP families does not */
	b.caps.nunknown = 1;
	b.caps.unknown[0].code = CAP_MP;
	msg_ctx_negotiate(&ctx, &a, &b);
	ck_assert_uint_eq(ctx.families, 0);
	/* iBGP */
	msg_open_init(&b, 65000, 90, 2);
	msg_ctx_negotiate(&ctx, &a, &b);
	ck_assert(!ctx.ebgp);
}
END_TEST

/* ---- NOTIFICATION ---- */

/* Every code and subcode of RFC 4271 §4.5/§6 and later RFCs round-trips. */
static const uint8_t all_codes[][2] = {
        {ERR_HEADER, ERR_HDR_NOT_SYNC},
        {ERR_HEADER, ERR_HDR_BAD_LENGTH},
        {ERR_HEADER, ERR_HDR_BAD_TYPE},
        {ERR_OPEN, 0},
        {ERR_OPEN, ERR_OPEN_UNSUPPORTED_VERSION},
        {ERR_OPEN, ERR_OPEN_BAD_PEER_AS},
        {ERR_OPEN, ERR_OPEN_BAD_BGP_ID},
        {ERR_OPEN, ERR_OPEN_UNSUPPORTED_OPT_PARAM},
        {ERR_OPEN, ERR_OPEN_UNACCEPTABLE_HOLD},
        {ERR_OPEN, ERR_OPEN_UNSUPPORTED_CAPABILITY},
        {ERR_OPEN, ERR_OPEN_ROLE_MISMATCH},
        {ERR_UPDATE, ERR_UPD_MALFORMED_ATTR_LIST},
        {ERR_UPDATE, ERR_UPD_UNRECOGNIZED_WELLKNOWN},
        {ERR_UPDATE, ERR_UPD_MISSING_WELLKNOWN},
        {ERR_UPDATE, ERR_UPD_ATTR_FLAGS},
        {ERR_UPDATE, ERR_UPD_ATTR_LENGTH},
        {ERR_UPDATE, ERR_UPD_INVALID_ORIGIN},
        {ERR_UPDATE, ERR_UPD_INVALID_NEXT_HOP},
        {ERR_UPDATE, ERR_UPD_OPTIONAL_ATTR},
        {ERR_UPDATE, ERR_UPD_INVALID_NETWORK},
        {ERR_UPDATE, ERR_UPD_MALFORMED_AS_PATH},
        {ERR_HOLD_TIMER, 0},
        {ERR_FSM, ERR_FSM_UNSPECIFIED},
        {ERR_FSM, ERR_FSM_OPENSENT},
        {ERR_FSM, ERR_FSM_OPENCONFIRM},
        {ERR_FSM, ERR_FSM_ESTABLISHED},
        {ERR_CEASE, ERR_CEASE_MAX_PREFIX},
        {ERR_CEASE, ERR_CEASE_ADMIN_SHUTDOWN},
        {ERR_CEASE, ERR_CEASE_PEER_DECONFIGURED},
        {ERR_CEASE, ERR_CEASE_ADMIN_RESET},
        {ERR_CEASE, ERR_CEASE_CONNECTION_REJECTED},
        {ERR_CEASE, ERR_CEASE_CONFIG_CHANGE},
        {ERR_CEASE, ERR_CEASE_COLLISION},
        {ERR_CEASE, ERR_CEASE_OUT_OF_RESOURCES},
        {ERR_CEASE, ERR_CEASE_HARD_RESET},
        {ERR_CEASE, ERR_CEASE_BFD_DOWN},
        {ERR_ROUTE_REFRESH, ERR_RR_INVALID_LENGTH},
        {ERR_SEND_HOLD_TIMER, 0},
};

START_TEST(notification_every_code)
{
	uint8_t code = all_codes[_i][0], sub = all_codes[_i][1];
	const uint8_t data[] = {0xde, 0xad};
	uint8_t b[64];
	struct wbuf w;
	struct msg_notification n;
	size_t mlen;
	uint8_t type;
	struct msg_error err;

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_notification_encode(&w, code, sub, data, sizeof(data)));
	ck_assert_uint_eq(wbuf_len(&w), 23);
	ck_assert_int_eq(msg_frame(b, wbuf_len(&w), MSG_MAX_LEN, &mlen, &type, &err), MSG_FRAME_OK);
	ck_assert_uint_eq(type, MSG_NOTIFICATION);
	ck_assert(msg_notification_decode(b + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN, &n));
	ck_assert_uint_eq(n.code, code);
	ck_assert_uint_eq(n.subcode, sub);
	ck_assert_uint_eq(n.data_len, 2);
	ck_assert_mem_eq(n.data, data, 2);
	ck_assert_str_ne(msg_err_code_name(code), "unknown");
	ck_assert_str_ne(msg_err_subcode_name(code, sub), "unknown");
}
END_TEST

START_TEST(notification_from_error_value)
{
	uint8_t b[128], body[8];
	struct wbuf w;
	struct msg_error err;
	struct msg_notification n;
	char s[200];

	/* A real header error, then the NOTIFICATION it asks for. */
	memset(b, 0xff, 16);
	b[16] = 0, b[17] = 5, b[18] = MSG_UPDATE;
	{
		size_t mlen;
		uint8_t type;

		ck_assert_int_eq(msg_frame(b, 19, MSG_MAX_LEN, &mlen, &type, &err),
		                 MSG_FRAME_ERROR);
	}
	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_notification_encode_err(&w, &err));
	ck_assert(msg_notification_decode(b + MSG_HEADER_LEN, wbuf_len(&w) - MSG_HEADER_LEN, &n));
	ck_assert_uint_eq(n.code, ERR_HEADER);
	ck_assert_uint_eq(n.subcode, ERR_HDR_BAD_LENGTH);
	ck_assert_uint_eq(n.data_len, 2);
	ck_assert_uint_eq(n.data[1], 5);
	msg_error_fmt(&err, s, sizeof(s));
	ck_assert_ptr_nonnull(strstr(s, "Message Header Error / Bad Message Length"));
	ck_assert_ptr_nonnull(strstr(s, "session reset"));

	/* too short to be a NOTIFICATION: nothing is decoded */
	body[0] = 6;
	body[1] = 0;
	ck_assert(!msg_notification_decode(body, 1, &n));
	ck_assert(msg_notification_decode(body, 0 + 2, &n));
}
END_TEST

START_TEST(notification_data_is_capped)
{
	static uint8_t data[5000], b[8192];
	struct wbuf w;
	struct msg_error err;

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_notification_encode(&w, ERR_UPDATE, 1, data, sizeof(data)));
	ck_assert_uint_eq(wbuf_len(&w), MSG_MAX_LEN);
	/* error data is capped too */
	msg_error_set(&err, MSG_ACT_SESSION_RESET, 3, 1, data, sizeof(data), NULL);
	ck_assert_uint_eq(err.data_len, MSG_ERR_DATA_MAX);
	ck_assert_str_eq(err.why, "");
}
END_TEST

static void
shutdown_round_trip(const char *text, const char *want, size_t want_len)
{
	uint8_t b[512];
	struct wbuf w;
	struct msg_notification n;

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_shutdown_encode(&w, ERR_CEASE_ADMIN_SHUTDOWN, text));
	ck_assert(msg_notification_decode(b + MSG_HEADER_LEN, wbuf_len(&w) - MSG_HEADER_LEN, &n));
	ck_assert_uint_eq(n.code, ERR_CEASE);
	ck_assert_uint_eq(n.data[0], want_len);
	ck_assert(n.has_shutdown);
	ck_assert_str_eq(n.shutdown, want);
}

START_TEST(shutdown_communication)
{
	char big[600];
	char cut[300];

	shutdown_round_trip("maintenance, ticket 42", "maintenance, ticket 42", 22);
	shutdown_round_trip("", "", 0);
	shutdown_round_trip(NULL, "", 0);
	shutdown_round_trip("caf\xc3\xa9", "caf\xc3\xa9", 5);
	/* 200 two-byte characters: cut to 127 of them (254 bytes), not mid-char */
	big[0] = '\0';
	for (int i = 0; i < 200; i++)
		strcat(big, "\xc3\xa9");
	memcpy(cut, big, 254);
	cut[254] = '\0';
	shutdown_round_trip(big, cut, 254);
	/* 300 ASCII: 255 */
	memset(big, 'x', 300);
	big[300] = '\0';
	memcpy(cut, big, 255);
	cut[255] = '\0';
	shutdown_round_trip(big, cut, 255);
}
END_TEST

START_TEST(shutdown_communication_hostile)
{
	uint8_t body[64];
	size_t n;
	struct msg_notification d;

	/* control characters are escaped */
	n = hex(body, sizeof(body), "06 02 05 6869 0a 1b 21");
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(d.has_shutdown);
	ck_assert_str_eq(d.shutdown, "hi\\x0a\\x1b!");
	/* invalid UTF-8: kept as data only */
	n = hex(body, sizeof(body), "06 02 02 c328");
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	ck_assert_uint_eq(d.data_len, 3);
	n = hex(body, sizeof(body), "06 04 02 c0af"); /* overlong */
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	n = hex(body, sizeof(body), "06 04 03 eda080"); /* surrogate */
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	n = hex(body, sizeof(body), "06 04 01 ff");
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	n = hex(body, sizeof(body), "06 04 04 f09f9982"); /* 4-byte emoji is fine */
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(d.has_shutdown);
	n = hex(body, sizeof(body), "06 04 04 f09f99"); /* cut sequence */
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	/* length past the data */
	n = hex(body, sizeof(body), "06 02 09 6869");
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	/* no data at all: a plain shutdown */
	n = hex(body, sizeof(body), "06 02");
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
	/* the other Cease subcodes carry no message */
	n = hex(body, sizeof(body), "06 03 02 6869");
	ck_assert(msg_notification_decode(body, n, &d));
	ck_assert(!d.has_shutdown);
}
END_TEST

START_TEST(max_prefix_data)
{
	uint8_t b[64];
	struct wbuf w;
	struct msg_notification n;
	const uint8_t want[] = {0, 1, 1, 0, 0, 0x0f, 0xa0};

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_max_prefix_encode(&w, AFI_IP, SAFI_UNICAST, 4000));
	ck_assert_uint_eq(wbuf_len(&w), 19 + 2 + 7);
	ck_assert_mem_eq(b + 21, want, sizeof(want));
	ck_assert(msg_notification_decode(b + MSG_HEADER_LEN, wbuf_len(&w) - MSG_HEADER_LEN, &n));
	ck_assert(n.has_max_prefix);
	ck_assert_uint_eq(n.mp_afi, AFI_IP);
	ck_assert_uint_eq(n.mp_safi, SAFI_UNICAST);
	ck_assert_uint_eq(n.mp_limit, 4000);
	/* short data: no fields */
	ck_assert(msg_notification_decode(b + MSG_HEADER_LEN, 2 + 6, &n));
	ck_assert(!n.has_max_prefix);
}
END_TEST

/* ---- ROUTE-REFRESH ---- */

START_TEST(route_refresh_round_trip)
{
	uint8_t b[64];
	struct wbuf w;
	struct msg_route_refresh rr = {AFI_IP6, (uint8_t)_i, SAFI_UNICAST}, d;
	struct msg_error err;
	size_t mlen;
	uint8_t type;

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_route_refresh_encode(&w, &rr));
	ck_assert_uint_eq(wbuf_len(&w), 23);
	ck_assert_int_eq(msg_frame(b, 23, MSG_MAX_LEN, &mlen, &type, &err), MSG_FRAME_OK);
	ck_assert_uint_eq(type, MSG_ROUTE_REFRESH);
	ck_assert(msg_route_refresh_decode(b + MSG_HEADER_LEN, 4, &d, &err));
	ck_assert_uint_eq(d.afi, AFI_IP6);
	ck_assert_uint_eq(d.subtype, _i);
	ck_assert_uint_eq(d.safi, SAFI_UNICAST);
	ck_assert_str_ne(msg_rr_subtype_name(d.subtype), "unknown");
}
END_TEST

START_TEST(route_refresh_bad_length)
{
	const uint8_t body[] = {0, 1, 1, 1, 0xaa};
	struct msg_route_refresh d;
	struct msg_error err;

	/* RFC 7313 §5: the data is the whole message */
	ck_assert(!msg_route_refresh_decode(body, sizeof(body), &d, &err));
	ck_assert_uint_eq(err.code, ERR_ROUTE_REFRESH);
	ck_assert_uint_eq(err.subcode, ERR_RR_INVALID_LENGTH);
	ck_assert_uint_eq(err.data_len, 24);
	ck_assert_uint_eq(err.data[0], 0xff);
	ck_assert_uint_eq(err.data[17], 24);
	ck_assert_uint_eq(err.data[18], MSG_ROUTE_REFRESH);
	ck_assert_uint_eq(err.data[23], 0xaa);
	ck_assert(!msg_route_refresh_decode(body, 3, &d, &err));
	ck_assert_uint_eq(err.data_len, 22);
	{
		static uint8_t big[200];

		ck_assert(!msg_route_refresh_decode(big, sizeof(big), &d, &err));
		ck_assert_uint_eq(err.data_len, MSG_ERR_DATA_MAX);
	}
}
END_TEST

/* Truncated NOTIFICATION and ROUTE-REFRESH bodies stay in bounds. */
START_TEST(small_messages_truncated)
{
	uint8_t b[64];
	struct wbuf w;
	struct msg_route_refresh rr = {AFI_IP, RR_BORR, SAFI_UNICAST};

	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_shutdown_encode(&w, ERR_CEASE_ADMIN_RESET, "bye now"));
	for (size_t cut = 0; cut <= wbuf_len(&w) - MSG_HEADER_LEN; cut++) {
		uint8_t *c = exact_copy(b + MSG_HEADER_LEN, cut);
		struct msg_notification n;
		bool ok = msg_notification_decode(c, cut, &n);

		ck_assert(ok == (cut >= 2));
		/* the message is only recognised when it is all there */
		if (ok)
			ck_assert(n.has_shutdown == (cut == wbuf_len(&w) - MSG_HEADER_LEN));
		free(c);
	}
	wbuf_init(&w, b, sizeof(b));
	ck_assert(msg_route_refresh_encode(&w, &rr));
	for (size_t cut = 0; cut < 4; cut++) {
		uint8_t *c = exact_copy(b + MSG_HEADER_LEN, cut);
		struct msg_route_refresh d;
		struct msg_error err;

		ck_assert(!msg_route_refresh_decode(c, cut, &d, &err));
		ck_assert_uint_eq(err.code, ERR_ROUTE_REFRESH);
		free(c);
	}
}
END_TEST

/* ---- names ---- */

START_TEST(names)
{
	for (uint8_t t = MSG_OPEN; t <= MSG_ROUTE_REFRESH; t++)
		ck_assert_str_ne(msg_type_name(t), "unknown");
	ck_assert_str_eq(msg_type_name(0), "unknown");
	ck_assert_str_eq(msg_type_name(200), "unknown");
	ck_assert_str_eq(msg_err_code_name(99), "unknown");
	ck_assert_str_eq(msg_err_subcode_name(ERR_UPDATE, 99), "unknown");
	ck_assert_str_eq(msg_err_subcode_name(ERR_HOLD_TIMER, 0), "Unspecific");
	ck_assert_str_eq(msg_err_subcode_name(ERR_UPDATE, 11), "Malformed AS_PATH");
	ck_assert_str_eq(msg_cap_name(CAP_AS4), "4-octet AS number");
	ck_assert_str_eq(msg_cap_name(3), "unknown");
	ck_assert_str_eq(msg_attr_name(ATTR_LARGE_COMMUNITIES), "LARGE_COMMUNITY");
	ck_assert_str_eq(msg_attr_name(200), "unknown");
	ck_assert_str_eq(msg_action_name(MSG_ACT_TREAT_AS_WITHDRAW), "treat-as-withdraw");
	ck_assert_str_eq(msg_action_name(MSG_ACT_AFISAFI_DISABLE), "AFI/SAFI disable");
	ck_assert_str_eq(msg_action_name((enum msg_action)42), "unknown");
	ck_assert_str_eq(msg_afi_name(AFI_IP6), "IPv6");
	ck_assert_str_eq(msg_afi_name(3), "unknown");
	ck_assert_str_eq(msg_rr_subtype_name(RR_BORR), "BoRR");
	ck_assert_str_eq(msg_rr_subtype_name(9), "unknown");
	/* the severity order RFC 7606 §3 relies on */
	ck_assert_int_lt(MSG_ACT_NONE, MSG_ACT_ATTR_DISCARD);
	ck_assert_int_lt(MSG_ACT_ATTR_DISCARD, MSG_ACT_TREAT_AS_WITHDRAW);
	ck_assert_int_lt(MSG_ACT_TREAT_AS_WITHDRAW, MSG_ACT_SESSION_RESET);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("msg");
	TCase *tc;

	tc = tcase_create("frame");
	tcase_add_test(tc, frame_needs_more_until_complete);
	tcase_add_loop_test(tc, frame_vectors, 0,
	                    (int)(sizeof(frame_vecs) / sizeof(frame_vecs[0])));
	tcase_add_test(tc, keepalive_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_test(tc, open_round_trip);
	tcase_add_test(tc, open_four_octet_as_uses_as_trans);
	tcase_add_test(tc, open_extended_parameters);
	tcase_add_loop_test(tc, open_vectors, 0, (int)(sizeof(open_vecs) / sizeof(open_vecs[0])));
	tcase_add_test(tc, open_capability_details);
	tcase_add_test(tc, open_session_checks);
	tcase_add_test(tc, negotiate_context);
	suite_add_tcase(s, tc);

	tc = tcase_create("notification");
	tcase_add_loop_test(tc, notification_every_code, 0,
	                    (int)(sizeof(all_codes) / sizeof(all_codes[0])));
	tcase_add_test(tc, notification_from_error_value);
	tcase_add_test(tc, notification_data_is_capped);
	tcase_add_test(tc, shutdown_communication);
	tcase_add_test(tc, shutdown_communication_hostile);
	tcase_add_test(tc, max_prefix_data);
	suite_add_tcase(s, tc);

	tc = tcase_create("route_refresh");
	tcase_add_loop_test(tc, route_refresh_round_trip, RR_NORMAL, RR_EORR + 1);
	tcase_add_test(tc, route_refresh_bad_length);
	tcase_add_test(tc, small_messages_truncated);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
