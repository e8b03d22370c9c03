/*
 * negotiate tests: our OPEN from settings, and every verdict on a peer's
 * OPEN (RFC 4271 §6.2, RFC 5492 §5, RFC 6286 §2.2, RFC 6793).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

/* A CE: AS 65520 (2-octet), provider AS 12076, the design's defaults. */
static struct negotiate_settings
ce(void)
{
	return (struct negotiate_settings){
	        .local_as = 65520,
	        .peer_as = 12076,
	        .bgp_id = 0xac100101, /* 172.16.1.1 */
	        .hold_time = 180,
	        .keepalive_time = 60,
	        .families = MSG_FAM_IPV4,
	        .caps = MSG_CAP_AS4 | MSG_CAP_RR,
	};
}

/* The provider router's OPEN: AS 12076, hold 90, AS4, RR, MP IPv4. */
static struct msg_open
provider(void)
{
	struct msg_open o;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = 12076;
	o.hold_time = 90;
	o.bgp_id = 0xac100102;
	o.caps.have = MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_MP_IPV4;
	o.caps.as4 = 12076;
	return o;
}

static void
expect_error(const struct negotiate_settings *s, const struct msg_open *peer, uint8_t subcode)
{
	struct negotiate_result res;
	struct msg_error err;

	ck_assert(!negotiate_open(s, peer, &res, &err));
	ck_assert_uint_eq(err.code, ERR_OPEN);
	ck_assert_uint_eq(err.subcode, subcode);
	ck_assert_int_eq(err.action, MSG_ACT_SESSION_RESET);
	ck_assert_ptr_nonnull(err.why);
}

START_TEST(build_open_two_octet_as)
{
	struct negotiate_settings s = ce();
	struct msg_open o;

	negotiate_build_open(&s, &o);
	ck_assert_uint_eq(o.version, 4);
	ck_assert_uint_eq(o.my_as, 65520);
	ck_assert_uint_eq(o.hold_time, 180);
	ck_assert_uint_eq(o.bgp_id, 0xac100101);
	ck_assert_uint_eq(o.caps.have, MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_MP_IPV4);
	ck_assert_uint_eq(o.caps.as4, 65520);
	ck_assert_uint_eq(o.caps.nunknown, 0);
}
END_TEST

START_TEST(build_open_four_octet_as_uses_as_trans)
{
	struct negotiate_settings s = ce();
	struct msg_open o;

	s.local_as = 4200000000u;
	s.caps = 0; /* even when not asked for, a 4-octet AS needs the capability */
	s.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	negotiate_build_open(&s, &o);
	ck_assert_uint_eq(o.my_as, AS_TRANS);
	ck_assert_uint_eq(o.caps.as4, 4200000000u);
	ck_assert_uint_eq(o.caps.have, MSG_CAP_AS4 | MSG_CAP_MP_IPV4 | MSG_CAP_MP_IPV6);
}
END_TEST

START_TEST(build_open_optional_caps)
{
	struct negotiate_settings s = ce();
	struct msg_open o;

	s.caps = MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG | MSG_CAP_GR |
	         (1u << 30); /* an unknown bit is not sent */
	s.gr.time = 120;
	s.families = MSG_FAM_IPV6;
	negotiate_build_open(&s, &o);
	ck_assert_uint_eq(o.caps.have, MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR |
	                                       MSG_CAP_EXT_MSG | MSG_CAP_GR | MSG_CAP_MP_IPV6);
	ck_assert_uint_eq(o.caps.gr.time, 120);
	/* no families at all: no MP capability, IPv4 implied (RFC 4760 §8) */
	s.families = 0;
	s.caps = MSG_CAP_AS4;
	negotiate_build_open(&s, &o);
	ck_assert_uint_eq(o.caps.have, MSG_CAP_AS4);
}
END_TEST

START_TEST(accept_provider_open)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;

	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.peer_as, 12076);
	ck_assert_uint_eq(res.peer_id, 0xac100102);
	ck_assert_uint_eq(res.hold_time, 90); /* min(180, 90) */
	ck_assert_uint_eq(res.keepalive_time, 30);
	ck_assert(res.route_refresh);
	ck_assert(!res.enhanced_rr);
	ck_assert(!res.ext_msg);
	ck_assert(!res.peer_gr);
	ck_assert(res.ctx.as4);
	ck_assert(res.ctx.ebgp);
	ck_assert(res.ctx.check_first_as);
	ck_assert_uint_eq(res.ctx.local_as, 65520);
	ck_assert_uint_eq(res.ctx.peer_as, 12076);
	ck_assert_uint_eq(res.ctx.max_len, MSG_MAX_LEN);
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4);
}
END_TEST

START_TEST(keepalive_rules)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;
	const struct {
		uint16_t ours, theirs, ka_cfg;
		unsigned hold, ka;
	} c[] = {
	        {180, 90, 60, 90, 30}, /* configured 60 > 90/3 */
	        {180, 90, 10, 90, 10}, /* configured smaller wins */
	        {180, 90, 0, 90, 30},  /* unset: a third */
	        {90, 180, 0, 90, 30},  /* ours is the smaller */
	        {3, 180, 0, 3, 1},     /* the smallest legal */
	        {180, 0, 60, 0, 0},    /* peer proposes 0: no keepalives */
	        {0, 90, 60, 0, 0},     /* we propose 0 */
	        {65535, 65535, 0, 65535, 21845},
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		s.hold_time = c[i].ours;
		s.keepalive_time = c[i].ka_cfg;
		p.hold_time = c[i].theirs;
		ck_assert(negotiate_open(&s, &p, &res, &err));
		ck_assert_msg(res.hold_time == c[i].hold && res.keepalive_time == c[i].ka,
		              "case %zu: hold %u ka %u", i, res.hold_time, res.keepalive_time);
	}
}
END_TEST

START_TEST(bad_peer_as)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();

	p.my_as = 12077;
	p.caps.as4 = 12077;
	expect_error(&s, &p, ERR_OPEN_BAD_PEER_AS);
	/* without the AS4 capability the 2-octet field is the AS */
	p = provider();
	p.caps.have &= ~MSG_CAP_AS4;
	p.my_as = 64512;
	expect_error(&s, &p, ERR_OPEN_BAD_PEER_AS);
	p.my_as = 12076;
	struct negotiate_result res;
	struct msg_error err;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert(!res.ctx.as4);
}
END_TEST

START_TEST(four_octet_peer_as)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;

	s.peer_as = 4200000001u;
	/* RFC 6793: the capability carries the AS, My AS says AS_TRANS */
	p.my_as = AS_TRANS;
	p.caps.as4 = 4200000001u;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.peer_as, 4200000001u);
	ck_assert_uint_eq(res.ctx.peer_as, 4200000001u);
	/* an old speaker cannot have a 4-octet AS: it shows AS_TRANS */
	p.caps.have &= ~MSG_CAP_AS4;
	expect_error(&s, &p, ERR_OPEN_BAD_PEER_AS);
	/* 4-octet AS in the capability but My AS is not AS_TRANS */
	p = provider();
	p.my_as = 12076;
	p.caps.as4 = 4200000001u;
	expect_error(&s, &p, ERR_OPEN_BAD_PEER_AS);
}
END_TEST

START_TEST(unacceptable_hold_time)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;

	p.hold_time = 1;
	expect_error(&s, &p, ERR_OPEN_UNACCEPTABLE_HOLD);
	p.hold_time = 2;
	expect_error(&s, &p, ERR_OPEN_UNACCEPTABLE_HOLD);
	p.hold_time = 3;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	/* a configured minimum refuses less, and 0 */
	s.min_hold_time = 9;
	p.hold_time = 8;
	expect_error(&s, &p, ERR_OPEN_UNACCEPTABLE_HOLD);
	p.hold_time = 0;
	expect_error(&s, &p, ERR_OPEN_UNACCEPTABLE_HOLD);
	p.hold_time = 9;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.hold_time, 9);
	ck_assert_uint_eq(res.keepalive_time, 3);
}
END_TEST

START_TEST(bad_bgp_identifier)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;

	p.bgp_id = 0;
	expect_error(&s, &p, ERR_OPEN_BAD_BGP_ID);
	/* RFC 6286 §2.2: the same identifier as ours is fine on eBGP ... */
	p.bgp_id = s.bgp_id;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	/* ... and an error on iBGP */
	s.peer_as = s.local_as;
	p.my_as = 65520;
	p.caps.as4 = 65520;
	expect_error(&s, &p, ERR_OPEN_BAD_BGP_ID);
	p.bgp_id = 0x0a000001;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert(!res.ctx.ebgp);
}
END_TEST

START_TEST(required_capability_missing)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;
	const uint8_t as4[] = {65, 4, 0x00, 0x00, 0xff, 0xf0};

	s.require = MSG_CAP_AS4;
	p.caps.have &= ~MSG_CAP_AS4;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(err.code, ERR_OPEN);
	ck_assert_uint_eq(err.subcode, ERR_OPEN_UNSUPPORTED_CAPABILITY);
	/* RFC 5492 §5: the data lists the capability tuples */
	ck_assert_uint_eq(err.data_len, sizeof(as4));
	ck_assert_mem_eq(err.data, as4, sizeof(as4));
	/* present: fine */
	p = provider();
	ck_assert(negotiate_open(&s, &p, &res, &err));
}
END_TEST

START_TEST(required_capabilities_all_listed)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;
	const uint8_t want[] = {1,  4, 0,    2,  0, 1, /* MP IPv6 unicast */
	                        2,  0,                 /* route refresh */
	                        70, 0,                 /* enhanced route refresh */
	                        6,  0,                 /* extended message */
	                        64, 2, 0x80, 120};     /* graceful restart, R bit, 120 s */

	s.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	s.caps |= MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG | MSG_CAP_GR;
	s.gr.flags = MSG_GR_FLAG_R;
	s.gr.time = 120;
	s.require = MSG_CAP_MP_IPV4 | MSG_CAP_MP_IPV6 | MSG_CAP_RR | MSG_CAP_ENHANCED_RR |
	            MSG_CAP_EXT_MSG | MSG_CAP_GR;
	p.caps.have = MSG_CAP_AS4 | MSG_CAP_MP_IPV4;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_UNSUPPORTED_CAPABILITY);
	ck_assert_uint_eq(err.data_len, sizeof(want));
	ck_assert_mem_eq(err.data, want, sizeof(want));
}
END_TEST

START_TEST(required_ipv4_implied_without_mp)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;
	const uint8_t want[] = {1, 4, 0, 1, 0, 1};

	/* RFC 4760 §8: no MP capability at all means IPv4 unicast */
	s.require = MSG_CAP_MP_IPV4;
	p.caps.have = MSG_CAP_AS4;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4);
	/* but a peer that speaks MP for another family only does not */
	p.caps.nunknown = 1;
	p.caps.unknown[0].code = CAP_MP;
	p.caps.unknown[0].len = 4;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_UNSUPPORTED_CAPABILITY);
	ck_assert_mem_eq(err.data, want, sizeof(want));
	/* MP IPv6 only, IPv4 required */
	p.caps.nunknown = 0;
	p.caps.have = MSG_CAP_AS4 | MSG_CAP_MP_IPV6;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
}
END_TEST

/* An IPv6 session (RFC 4760 over IPv6 transport) offers and needs MP IPv6 only. */
START_TEST(family_of_ipv6_session)
{
	struct negotiate_settings s = ce();
	struct msg_open ours, p = provider();
	struct negotiate_result res;
	struct msg_error err;
	const uint8_t want[] = {1, 4, 0, 2, 0, 1};

	s.caps |= MSG_CAP_GR; /* other settings stay as they were */
	negotiate_settings_family(&s, AFI_IP6);
	ck_assert_uint_eq(s.families, MSG_FAM_IPV6);
	ck_assert_uint_eq(s.require, MSG_CAP_MP_IPV6);
	ck_assert_uint_eq(s.caps, MSG_CAP_AS4 | MSG_CAP_RR | MSG_CAP_GR);
	negotiate_build_open(&s, &ours);
	ck_assert(ours.caps.have & MSG_CAP_MP_IPV6);
	ck_assert(!(ours.caps.have & MSG_CAP_MP_IPV4));
	/* a dual-stack peer (both channels on one session): IPv6 only is agreed */
	p.caps.have |= MSG_CAP_MP_IPV6;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV6);
	/* an IPv4-only peer, or one with no MP at all (= IPv4): refused, naming MP IPv6 */
	p.caps.have = MSG_CAP_AS4 | MSG_CAP_MP_IPV4;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_UNSUPPORTED_CAPABILITY);
	ck_assert_uint_eq(err.data_len, sizeof(want));
	ck_assert_mem_eq(err.data, want, sizeof(want));
	p.caps.have = MSG_CAP_AS4;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
	ck_assert_mem_eq(err.data, want, sizeof(want));
}
END_TEST

/* An IPv4 session offers MP IPv4 only; switching family replaces the old one. */
START_TEST(family_of_ipv4_session)
{
	struct negotiate_settings s = ce();
	struct msg_open ours, p = provider();
	struct negotiate_result res;
	struct msg_error err;

	negotiate_settings_family(&s, AFI_IP6);
	negotiate_settings_family(&s, AFI_IP);
	ck_assert_uint_eq(s.families, MSG_FAM_IPV4);
	ck_assert_uint_eq(s.require, MSG_CAP_MP_IPV4);
	negotiate_build_open(&s, &ours);
	ck_assert(ours.caps.have & MSG_CAP_MP_IPV4);
	ck_assert(!(ours.caps.have & MSG_CAP_MP_IPV6));
	p.caps.have |= MSG_CAP_MP_IPV6;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4);
	/* a peer without MP capabilities is an IPv4 peer (RFC 4760 §8) */
	p.caps.have = MSG_CAP_AS4;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4);
	/* one that carries only IPv6 is refused */
	p.caps.have = MSG_CAP_AS4 | MSG_CAP_MP_IPV6;
	ck_assert(!negotiate_open(&s, &p, &res, &err));
	ck_assert_uint_eq(err.subcode, ERR_OPEN_UNSUPPORTED_CAPABILITY);
}
END_TEST

START_TEST(optional_capabilities_negotiated)
{
	struct negotiate_settings s = ce();
	struct msg_open p = provider();
	struct negotiate_result res;
	struct msg_error err;

	s.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	s.caps |= MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG;
	p.caps.have |= MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG | MSG_CAP_GR | MSG_CAP_MP_IPV6;
	p.caps.gr.flags = MSG_GR_FLAG_R;
	p.caps.gr.time = 300;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert(res.route_refresh);
	ck_assert(res.enhanced_rr);
	ck_assert(res.ext_msg);
	ck_assert_uint_eq(res.ctx.max_len, MSG_MAX_LEN_EXT);
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4 | MSG_FAM_IPV6);
	ck_assert(res.peer_gr);
	ck_assert_uint_eq(res.gr.time, 300);
	/* one-sided: not negotiated */
	s.caps = MSG_CAP_AS4;
	s.families = MSG_FAM_IPV4;
	ck_assert(negotiate_open(&s, &p, &res, &err));
	ck_assert(!res.route_refresh);
	ck_assert(!res.enhanced_rr);
	ck_assert(!res.ext_msg);
	ck_assert_uint_eq(res.ctx.max_len, MSG_MAX_LEN);
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4);
	ck_assert(res.peer_gr); /* seen is seen, whatever we send */
}
END_TEST

/* Our OPEN on the wire, decoded by the codec, accepted by a mirror-image peer. */
START_TEST(round_trip_through_codec)
{
	struct negotiate_settings us = ce(), them = ce();
	struct msg_open o, back;
	struct negotiate_result res;
	struct msg_error err;
	uint8_t mem[MSG_MAX_LEN];
	struct wbuf w;

	us.local_as = 4200000000u;
	us.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	us.caps |= MSG_CAP_ENHANCED_RR | MSG_CAP_EXT_MSG;
	them.local_as = 12076;
	them.peer_as = 4200000000u;
	them.bgp_id = 0xac100102;
	them.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	them.caps |= MSG_CAP_EXT_MSG;
	them.require = MSG_CAP_AS4 | MSG_CAP_MP_IPV6;

	negotiate_build_open(&us, &o);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert(msg_open_encode(&w, &o));
	ck_assert(
	        msg_open_decode(mem + MSG_HEADER_LEN, wbuf_len(&w) - MSG_HEADER_LEN, &back, &err));
	ck_assert_uint_eq(back.my_as, AS_TRANS);
	ck_assert(negotiate_open(&them, &back, &res, &err));
	ck_assert_uint_eq(res.peer_as, 4200000000u);
	ck_assert_uint_eq(res.hold_time, 180);
	ck_assert_uint_eq(res.keepalive_time, 60);
	ck_assert(res.ctx.as4);
	ck_assert(res.ext_msg);
	ck_assert(res.route_refresh);
	ck_assert(!res.enhanced_rr); /* only we sent it */
	ck_assert_uint_eq(res.ctx.families, MSG_FAM_IPV4 | MSG_FAM_IPV6);
}
END_TEST

static Suite *
negotiate_suite(void)
{
	Suite *s = suite_create("negotiate");
	TCase *b = tcase_create("build");
	TCase *n = tcase_create("negotiate");

	tcase_add_test(b, build_open_two_octet_as);
	tcase_add_test(b, build_open_four_octet_as_uses_as_trans);
	tcase_add_test(b, build_open_optional_caps);
	suite_add_tcase(s, b);
	tcase_add_test(n, accept_provider_open);
	tcase_add_test(n, keepalive_rules);
	tcase_add_test(n, bad_peer_as);
	tcase_add_test(n, four_octet_peer_as);
	tcase_add_test(n, unacceptable_hold_time);
	tcase_add_test(n, bad_bgp_identifier);
	tcase_add_test(n, required_capability_missing);
	tcase_add_test(n, required_capabilities_all_listed);
	tcase_add_test(n, required_ipv4_implied_without_mp);
	tcase_add_test(n, family_of_ipv6_session);
	tcase_add_test(n, family_of_ipv4_session);
	tcase_add_test(n, optional_capabilities_negotiated);
	tcase_add_test(n, round_trip_through_codec);
	suite_add_tcase(s, n);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(negotiate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
