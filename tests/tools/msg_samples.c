/*
 * msg_samples: encode one of every BGP message cebgp can send, with our
 * own encoder (lib/msg.h), and print each as a line
 *
 *     <type> <name> <hex of the whole message> [<field>=<value> ...]
 *
 * <type> is the BGP message type the message must decode as (1..5); a
 * line whose type ends in '!' is a deliberately malformed message that an
 * independent decoder must flag (a negative control), one ending in '~'
 * needs RFC 8654 extended messages, which older decoders reject. Each
 * <field>=<value> is what Wireshark's dissector must show for that field
 * (tshark -T fields, occurrences joined by ',', "%20" for a space): the
 * values come from the inputs below, not from our encoder's output. Used by
 * tests/interop/tshark-validate.sh, which runs every message through
 * Wireshark's dissector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "prefix.h"

static unsigned nerrors;

static void
emit_x(const char *type, const char *name, const struct wbuf *w, bool ok, const char *expect)
{
	if (!ok || !wbuf_ok(w) || wbuf_len(w) < MSG_HEADER_LEN) {
		fprintf(stderr, "msg_samples: encoding %s failed\n", name);
		nerrors++;
		return;
	}
	printf("%s %s ", type, name);
	for (size_t i = 0; i < wbuf_len(w); i++)
		printf("%02x", w->data[i]);
	if (expect != NULL)
		printf(" %s", expect);
	printf("\n");
}

static void
emit(const char *type, const char *name, const struct wbuf *w, bool ok)
{
	emit_x(type, name, w, ok, NULL);
}

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p, 0) != 0) {
		fprintf(stderr, "msg_samples: bad prefix %s\n", s);
		exit(2);
	}
	return p;
}

static struct addr
addr(const char *s)
{
	struct addr a;

	if (addr_parse(s, &a) != 0) {
		fprintf(stderr, "msg_samples: bad address %s\n", s);
		exit(2);
	}
	return a;
}

static uint8_t mem[MSG_MAX_LEN_EXT];

static struct wbuf *
fresh(void)
{
	static struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	return &w;
}

static void
opens(void)
{
	struct msg_open o;
	struct wbuf *w;
	static const uint8_t fqdn[] = {7, 'c', 'e', '-', 'l', 'a', 'b', '1', 0};

	/* Everything we can advertise: MP v4+v6, AS4, RR, enhanced RR, GR with
	 * two families, extended messages, and one capability kept raw. */
	msg_open_init(&o, 65520, 90, 0xc0000201u);
	o.caps.have |= MSG_CAP_MP_IPV6 | MSG_CAP_ENHANCED_RR | MSG_CAP_GR | MSG_CAP_EXT_MSG;
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
	w = fresh();
	emit_x("1", "open-all-capabilities", w, msg_open_encode(w, &o),
	       "bgp.open.version=4 bgp.open.myas=65520 bgp.open.holdtime=90 "
	       "bgp.open.identifier=192.0.2.1 bgp.cap.4as=65520 bgp.cap.mp.afi=1,2 "
	       "bgp.cap.gr.timers.restart_time=120 bgp.cap.gr.afi=1,2 "
	       "bgp.cap.orf.fqdn.hostname=ce-lab1");

	/* A 4-octet AS: My AS is AS_TRANS (RFC 6793 §4.1). */
	msg_open_init(&o, 4200000000u, 180, 0xc0000202u);
	w = fresh();
	emit_x("1", "open-4octet-as", w, msg_open_encode(w, &o),
	       "bgp.open.myas=23456 bgp.open.holdtime=180 bgp.cap.4as=4200000000");

	/* Hold time 0 (no keepalives), minimal capabilities. */
	msg_open_init(&o, 65520, 0, 0xc0000203u);
	o.caps.have = MSG_CAP_MP_IPV4;
	w = fresh();
	emit_x("1", "open-hold-0", w, msg_open_encode(w, &o), "bgp.open.holdtime=0 bgp.cap.type=1");
}

static void
fill_attrs(struct attr_set *s, bool with_local_pref)
{
	static const struct attr_seg segs[] = {{AS_SEQUENCE, 3}, {AS_SET, 2}};
	static const uint32_t asns[] = {65520, 65520, 4200000001u, 64512, 65001};
	static const uint32_t comms[] = {(65520u << 16) | 100, (12076u << 16) | 12076,
	                                 COMMUNITY_NO_EXPORT};
	static const uint64_t ecomms[] = {0x0002fff00000022bull, 0x0102c00002010009ull,
	                                  0x0203fa56ea000007ull};
	static const struct attr_lcomm lcomms[] = {{65520, 1, 2}, {4200000000u, 3, 4}};
	static const uint8_t unk_data[] = {0xde, 0xad, 0xbe, 0xef};
	static const struct attr_unknown unk[] = {
	        {ATTR_FLAG_OPTIONAL | ATTR_FLAG_TRANSITIVE, 255, sizeof(unk_data), unk_data}};

	attr_set_init(s);
	s->present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP | ATTR_HAS_MED |
	             ATTR_HAS_ATOMIC_AGG | ATTR_HAS_AGGREGATOR;
	if (with_local_pref)
		s->present |= ATTR_HAS_LOCAL_PREF;
	s->origin = ORIGIN_EGP;
	s->nsegs = 2;
	s->nasns = 5;
	s->segs = segs;
	s->asns = asns;
	s->nexthop = addr("172.16.1.1");
	s->med = 50;
	s->local_pref = 200;
	s->aggr_as = 4200000001u;
	s->aggr_addr = addr("192.0.2.1");
	s->ncomms = 3;
	s->comms = comms;
	s->necomms = 3;
	s->ecomms = ecomms;
	s->nlcomms = 2;
	s->lcomms = lcomms;
	s->nunknown = 1;
	s->unknown = unk;
}

static void
updates(void)
{
	struct msg_ctx ctx;
	struct attr_set s;
	struct wbuf *w;
	struct prefix v4[] = {pfx("10.10.0.0/16"), pfx("10.20.0.0/16"), pfx("216.221.239.232/29"),
	                      pfx("0.0.0.0/0"), pfx("192.0.2.128/25")};
	struct prefix v6[] = {pfx("2001:db8:ce00::/40"), pfx("2001:db8:1::/48"),
	                      pfx("2001:db8:1:2::/64"), pfx("::/0")};
	size_t n4 = sizeof(v4) / sizeof(v4[0]), n6 = sizeof(v6) / sizeof(v6[0]);

	/* eBGP, 4-octet AS session: every attribute but LOCAL_PREF. */
	msg_ctx_init(&ctx, 65520, 12076);
	ctx.as4 = true;
	ctx.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	fill_attrs(&s, false);
	w = fresh();
	emit_x("2", "update-ipv4-ebgp-all-attributes", w,
	       msg_update_pack(w, &ctx, &s, AFI_IP, v4, n4) == n4,
	       "bgp.update.path_attribute.type_code=1,2,3,4,6,7,8,16,32,255 "
	       "bgp.update.path_attribute.origin=1 "
	       "bgp.update.path_attribute.as_path_segment.as4=65520,65520,4200000001,64512,65001 "
	       "bgp.update.path_attribute.next_hop=172.16.1.1 "
	       "bgp.update.path_attribute.multi_exit_disc=50 "
	       "bgp.update.path_attribute.aggregator_as=4200000001 "
	       "bgp.update.path_attribute.community_as=65520,12076 "
	       "bgp.large_communities.ga=65520,4200000000 bgp.ext_com.value_as4=4200000000 "
	       "bgp.nlri_prefix=10.10.0.0,10.20.0.0,216.221.239.232,0.0.0.0,192.0.2.128 "
	       "bgp.prefix_length=16,16,29,0,25");

	/* iBGP: LOCAL_PREF too. */
	msg_ctx_init(&ctx, 65520, 65520);
	ctx.as4 = true;
	ctx.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	fill_attrs(&s, true);
	w = fresh();
	emit_x("2", "update-ipv4-ibgp-local-pref", w,
	       msg_update_pack(w, &ctx, &s, AFI_IP, v4, n4) == n4,
	       "bgp.update.path_attribute.type_code=1,2,3,4,5,6,7,8,16,32,255 "
	       "bgp.update.path_attribute.local_pref=200");

	/* 2-octet AS session: AS_TRANS in AS_PATH/AGGREGATOR plus AS4_PATH and
	 * AS4_AGGREGATOR (RFC 6793 §4.2.2). */
	msg_ctx_init(&ctx, 65520, 12076);
	ctx.as4 = false;
	fill_attrs(&s, false);
	w = fresh();
	emit_x("2", "update-ipv4-2octet-as4-path", w,
	       msg_update_pack(w, &ctx, &s, AFI_IP, v4, n4) == n4,
	       "bgp.update.path_attribute.type_code=1,2,3,4,6,7,8,16,17,18,32,255 "
	       "bgp.update.path_attribute.as_path_segment.as2=65520,65520,23456,64512,65001 "
	       "bgp.update.path_attribute.as_path_segment.as4=65520,65520,4200000001,64512,65001 "
	       "bgp.update.path_attribute.aggregator_as=23456,4200000001");

	/* IPv6 in MP_REACH_NLRI, global + link-local next hop (RFC 2545). */
	msg_ctx_init(&ctx, 65520, 12076);
	ctx.as4 = true;
	ctx.families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	fill_attrs(&s, false);
	s.nexthop = addr("2001:db8:555:1::1");
	s.nexthop_ll = addr("fe80::5ff:fe55:101");
	w = fresh();
	emit_x("2", "update-ipv6-mp-reach-ll", w,
	       msg_update_pack(w, &ctx, &s, AFI_IP6, v6, n6) == n6,
	       "bgp.update.path_attribute.mp_reach_nlri.afi=2 "
	       "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6=2001:db8:555:1::1 "
	       "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local=fe80::5ff:fe55:"
	       "101 bgp.mp_reach_nlri_ipv6_prefix=2001:db8:ce00::,2001:db8:1::,2001:db8:1:2::,:: "
	       "bgp.prefix_length=40,48,64,0");

	/* IPv6, global next hop only, minimal attributes. */
	attr_set_init(&s);
	{
		static const struct attr_seg seg1[] = {{AS_SEQUENCE, 1}};
		static const uint32_t as1[] = {65520};

		s.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
		s.origin = ORIGIN_IGP;
		s.nsegs = 1;
		s.nasns = 1;
		s.segs = seg1;
		s.asns = as1;
	}
	s.nexthop = addr("2001:db8:555:1::1");
	w = fresh();
	emit_x("2", "update-ipv6-mp-reach-global", w,
	       msg_update_pack(w, &ctx, &s, AFI_IP6, v6, 1) == 1,
	       "bgp.update.path_attribute.type_code=14,1,2 "
	       "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6=2001:db8:555:1::1 "
	       "bgp.mp_reach_nlri_ipv6_prefix=2001:db8:ce00::");

	w = fresh();
	emit_x("2", "update-withdraw-ipv4", w, msg_withdraw_pack(w, &ctx, AFI_IP, v4, n4) == n4,
	       "bgp.withdrawn_prefix=10.10.0.0,10.20.0.0,216.221.239.232,0.0.0.0,192.0.2.128 "
	       "bgp.update.path_attributes.length=0");
	w = fresh();
	emit_x("2", "update-withdraw-ipv6", w, msg_withdraw_pack(w, &ctx, AFI_IP6, v6, n6) == n6,
	       "bgp.update.path_attribute.mp_unreach_nlri.afi=2 "
	       "bgp.mp_unreach_nlri_ipv6_prefix=2001:db8:ce00::,2001:db8:1::,2001:db8:1:2::,::");
	w = fresh();
	emit_x("2", "update-eor-ipv4", w, msg_eor_encode(w, AFI_IP),
	       "bgp.length=23 bgp.update.path_attributes.length=0");
	w = fresh();
	emit_x("2", "update-eor-ipv6", w, msg_eor_encode(w, AFI_IP6),
	       "bgp.update.path_attribute.mp_unreach_nlri.afi=2 "
	       "bgp.update.path_attribute.length=3");
}

/* A full 4096-byte UPDATE of /24s, and one above 4096 bytes for a session
 * with extended messages (RFC 8654). */
static void
big_updates(void)
{
	static struct prefix many[4000];
	struct msg_ctx ctx;
	struct attr_set s;
	struct wbuf *w;
	size_t n;
	static const struct attr_seg seg1[] = {{AS_SEQUENCE, 1}};
	static const uint32_t as1[] = {65520};

	for (size_t i = 0; i < 4000; i++) {
		memset(&many[i], 0, sizeof(many[i]));
		many[i].afi = AFI_IP;
		many[i].len = 24;
		many[i].bytes[0] = 10;
		many[i].bytes[1] = (uint8_t)(i >> 8);
		many[i].bytes[2] = (uint8_t)i;
	}
	attr_set_init(&s);
	s.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
	s.nsegs = 1;
	s.nasns = 1;
	s.segs = seg1;
	s.asns = as1;
	s.nexthop = addr("172.16.1.1");
	msg_ctx_init(&ctx, 65520, 12076);
	ctx.as4 = true;
	w = fresh();
	n = msg_update_pack(w, &ctx, &s, AFI_IP, many, 4000);
	emit("2", "update-ipv4-full-4096", w, n > 900 && wbuf_len(w) <= MSG_MAX_LEN);
	ctx.max_len = MSG_MAX_LEN_EXT;
	w = fresh();
	n = msg_update_pack(w, &ctx, &s, AFI_IP, many, 4000);
	emit("2~", "update-ipv4-extended-message", w, n == 4000 && wbuf_len(w) > MSG_MAX_LEN);
}

static void
others(void)
{
	struct wbuf *w;
	struct msg_route_refresh rr;
	struct msg_error err;
	static const uint8_t bad_path[] = {0x40, 0x02, 0x04, 0x02, 0x05, 0xff, 0xf0};

	w = fresh();
	emit_x("4", "keepalive", w, msg_keepalive_encode(w), "bgp.length=19");

	w = fresh();
	emit_x("3", "notification-shutdown-communication", w,
	       msg_shutdown_encode(w, ERR_CEASE_ADMIN_SHUTDOWN,
	                           "Maintenance: circuit 1GbpsCircuit moving, back by 22:00 UTC"),
	       "bgp.notify.major_error=6 bgp.notify.minor_error_cease=2 "
	       "bgp.notify.communication=Maintenance:%20circuit%201GbpsCircuit%20moving,%20back%"
	       "20by%2022:00%20UTC");
	w = fresh();
	emit_x("3", "notification-admin-reset-utf8", w,
	       msg_shutdown_encode(w, ERR_CEASE_ADMIN_RESET,
	                           "r\xc3\xa9"
	                           "d\xc3\xa9marrage (reload)"),
	       "bgp.notify.minor_error_cease=4 "
	       "bgp.notify.communication=r\xc3\xa9"
	       "d\xc3\xa9marrage%20(reload)");
	w = fresh();
	emit_x("3", "notification-shutdown-empty", w,
	       msg_shutdown_encode(w, ERR_CEASE_ADMIN_SHUTDOWN, ""),
	       "bgp.notify.minor_error_cease=2 bgp.notify.communication_length=0");
	w = fresh();
	emit_x("3", "notification-max-prefix", w,
	       msg_max_prefix_encode(w, AFI_IP, SAFI_UNICAST, 3000),
	       "bgp.notify.minor_error_cease=1 bgp.notify.minor_data=00010100000bb8");
	w = fresh();
	emit_x("3", "notification-hold-timer", w,
	       msg_notification_encode(w, ERR_HOLD_TIMER, 0, NULL, 0), "bgp.notify.major_error=4");
	msg_error_set(&err, MSG_ACT_SESSION_RESET, ERR_UPDATE, ERR_UPD_MALFORMED_AS_PATH, bad_path,
	              sizeof(bad_path), "AS_PATH segment overruns");
	w = fresh();
	emit_x("3", "notification-update-error", w, msg_notification_encode_err(w, &err),
	       "bgp.notify.major_error=3 bgp.notify.minor_error_update=11");
	msg_error_set(&err, MSG_ACT_SESSION_RESET, ERR_OPEN, ERR_OPEN_UNSUPPORTED_VERSION,
	              "\x00\x04", 2, "version 3");
	w = fresh();
	emit_x("3", "notification-open-version", w, msg_notification_encode_err(w, &err),
	       "bgp.notify.major_error=2 bgp.notify.minor_error_open=1");

	rr.afi = AFI_IP;
	rr.safi = SAFI_UNICAST;
	rr.subtype = RR_NORMAL;
	w = fresh();
	emit_x("5", "route-refresh-ipv4", w, msg_route_refresh_encode(w, &rr),
	       "bgp.route_refresh.afi=1 bgp.route_refresh.subtype=0 bgp.route_refresh.safi=1");
	rr.afi = AFI_IP6;
	w = fresh();
	emit_x("5", "route-refresh-ipv6", w, msg_route_refresh_encode(w, &rr),
	       "bgp.route_refresh.afi=2 bgp.route_refresh.subtype=0");
	rr.subtype = RR_BORR;
	w = fresh();
	emit_x("5", "route-refresh-borr", w, msg_route_refresh_encode(w, &rr),
	       "bgp.route_refresh.afi=2 bgp.route_refresh.subtype=1");
	rr.subtype = RR_EORR;
	w = fresh();
	emit_x("5", "route-refresh-eorr", w, msg_route_refresh_encode(w, &rr),
	       "bgp.route_refresh.afi=2 bgp.route_refresh.subtype=2");
}

/* Negative control: an UPDATE whose attribute overruns the attribute
 * field, built by hand (our encoder cannot produce it). The validator must
 * see the independent decoder complain about it. */
static void
negative(void)
{
	static const uint8_t body[] = {
	        0x00, 0x00,                         /* withdrawn length */
	        0x00, 0x07,                         /* attribute length */
	        0x40, 0x01, 0x01, 0x00,             /* ORIGIN IGP */
	        0x40, 0x02, 0x0a, 0x02, 0x01, 0x00, /* AS_PATH claims 10 bytes */
	};
	struct wbuf *w = fresh();

	wbuf_zero(w, 0);
	for (int i = 0; i < 16; i++)
		wbuf_u8(w, 0xff);
	wbuf_u16(w, (uint16_t)(MSG_HEADER_LEN + sizeof(body)));
	wbuf_u8(w, MSG_UPDATE);
	wbuf_bytes(w, body, sizeof(body));
	emit("2!", "negative-control-overrunning-attribute", w, true);
}

int
main(void)
{
	opens();
	updates();
	big_updates();
	others();
	negative();
	return nerrors ? 1 : 0;
}
