/*
 * peer tests: one connection's protocol logic (lib/peer) on wire bytes:
 * framing once, OPEN negotiation errors as NOTIFICATION bytes, a whole
 * session from OPEN to NOTIFICATION, collisions (RFC 4271 §6.8), and the
 * Cease data we originate (RFC 9003 text cut on a UTF-8 boundary, RFC 4486).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "test_msg_util.h"

#define CE_ID       0xac100101u /* 172.16.1.1 */
#define ID_HIGHER   0xac100102u /* the provider's, above ours */
#define ID_LOWER    0x0a000001u /* 10.0.0.1, below ours */
#define CE_AS       65520
#define PROVIDER_AS 12076

static struct msg_attr_buf scratch;

/* The CE side: AS 65520, hold 90, IPv4 unicast, AS4 and route refresh. */
static struct peer_config
ce_config(bool passive)
{
	struct peer_config c;

	memset(&c, 0, sizeof(c));
	c.ns.local_as = CE_AS;
	c.ns.peer_as = PROVIDER_AS;
	c.ns.bgp_id = CE_ID;
	c.ns.hold_time = 90;
	c.ns.families = MSG_FAM_IPV4;
	c.ns.caps = MSG_CAP_AS4 | MSG_CAP_RR;
	addr_from_v4(&c.local, CE_ID);
	c.fsm.passive = passive;
	c.fsm.idle_hold_time = 5;
	c.fsm.idle_hold_max = 120;
	c.fsm.hold_time = 90;
	c.fsm.connect_retry_time = 30;
	c.fsm.auto_restart = true;
	return c;
}

/* The provider's OPEN on the wire: its AS, hold time and identifier. */
static size_t
provider_open(uint8_t *out, size_t cap, uint32_t as, uint16_t hold, uint32_t id)
{
	struct negotiate_settings ns = {
	        .local_as = as,
	        .peer_as = CE_AS,
	        .bgp_id = id,
	        .hold_time = hold,
	        .families = MSG_FAM_IPV4,
	        .caps = MSG_CAP_AS4 | MSG_CAP_RR,
	};
	struct msg_open o;
	struct wbuf w;

	negotiate_build_open(&ns, &o);
	wbuf_init(&w, out, cap);
	ck_assert(msg_open_encode(&w, &o));
	return wbuf_len(&w);
}

static bool
has_action(const struct peer_step *st, enum fsm_action_type t)
{
	for (size_t i = 0; i < st->acts.n; i++)
		if (st->acts.a[i].type == t)
			return true;
	return false;
}

static const struct fsm_action *
find_action(const struct peer_step *st, enum fsm_action_type t)
{
	for (size_t i = 0; i < st->acts.n; i++)
		if (st->acts.a[i].type == t)
			return &st->acts.a[i];
	ck_abort_msg("no %s action", fsm_action_name(t));
	return NULL;
}

/* The NOTIFICATION step st sends, as bytes; compared with the hex given. */
static void
expect_notification(struct peer *p, const struct peer_step *st, const char *want_hex)
{
	uint8_t got[MSG_MAX_LEN], want[MSG_MAX_LEN];
	struct wbuf w;
	size_t n = hex(want, sizeof(want), want_hex);

	wbuf_init(&w, got, sizeof(got));
	ck_assert(peer_encode(p, find_action(st, FSM_A_SEND_NOTIFICATION), &w));
	ck_assert_uint_eq(wbuf_len(&w), n);
	ck_assert_mem_eq(got, want, n);
	ck_assert(has_action(st, FSM_A_CLOSE));
}

#define MARKER "ffffffffffffffffffffffffffffffff"

/* A connection of ours after the TCP connection came up: OpenSent. */
static void
open_sent(struct peer *p, const struct peer_config *cfg, bool outgoing)
{
	struct peer_step st;

	peer_init(p, cfg, &scratch);
	peer_event(p, outgoing ? FSM_EV_MANUAL_START : FSM_EV_MANUAL_START_PASSIVE, NULL, NULL,
	           &st);
	peer_transport(p, outgoing);
	peer_event(p, outgoing ? FSM_EV_TCP_CR_ACKED : FSM_EV_TCP_CONNECTION_CONFIRMED, NULL, NULL,
	           &st);
	ck_assert(has_action(&st, FSM_A_SEND_OPEN));
	ck_assert_int_eq(p->fsm.state, FSM_OPENSENT);
}

/* ---- framing ---- */

START_TEST(frames_header_then_message)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	open_sent(&p, &cfg, false);
	n = provider_open(b, sizeof(b), PROVIDER_AS, 90, ID_HIGHER);
	ck_assert_uint_eq(p.need, MSG_HEADER_LEN);
	ck_assert_int_eq(peer_input(&p, NULL, b, 10, &out), PEER_IN_NEED);
	ck_assert_uint_eq(p.need, MSG_HEADER_LEN);
	/* The header alone: checked, and the whole message is what it needs now. */
	ck_assert_int_eq(peer_input(&p, NULL, b, MSG_HEADER_LEN, &out), PEER_IN_NEED);
	ck_assert_uint_eq(p.need, n);
	ck_assert_int_eq(peer_input(&p, NULL, b, n - 1, &out), PEER_IN_NEED);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert_uint_eq(out.type, MSG_OPEN);
	ck_assert_uint_eq(out.len, n);
	ck_assert(out.open_ok);
	ck_assert_int_eq(p.fsm.state, FSM_OPENCONFIRM);
	ck_assert_uint_eq(p.need, MSG_HEADER_LEN);
}
END_TEST

START_TEST(header_checked_once)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	open_sent(&p, &cfg, false);
	n = provider_open(b, sizeof(b), PROVIDER_AS, 90, ID_HIGHER);
	ck_assert_int_eq(peer_input(&p, NULL, b, MSG_HEADER_LEN, &out), PEER_IN_NEED);
	/*
	 * The header was checked when its 19 bytes came; the rest of the
	 * message is taken by the length then found, so a header framed a
	 * second time would now fail on the marker.
	 */
	b[0] = 0;
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert_uint_eq(out.type, MSG_OPEN);
	ck_assert_int_eq(p.fsm.state, FSM_OPENCONFIRM);
}
END_TEST

START_TEST(bad_marker_is_a_header_error)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[64];
	size_t n = hex(b, sizeof(b), "00ffffffffffffffffffffffffffffff 0013 04");

	open_sent(&p, &cfg, false);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_ERROR);
	ck_assert_uint_eq(out.type, 0);
	/* Message Header Error / Connection Not Synchronized (RFC 4271 §6.1). */
	expect_notification(&p, &out.step, MARKER "0015 03 0101");
	ck_assert_int_eq(p.fsm.state, FSM_IDLE);
	ck_assert_str_eq(out.step.cause,
	                 "bad message header: Message Header Error / Connection Not "
	                 "Synchronized (session reset): marker is not all ones");
}
END_TEST

START_TEST(bad_length_carries_the_length)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[64];
	size_t n = hex(b, sizeof(b), MARKER "0014 04 00");

	open_sent(&p, &cfg, false);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_ERROR);
	/* Bad Message Length with the erroneous length field as data. */
	expect_notification(&p, &out.step, MARKER "0017 03 0102 0014");
}
END_TEST

/* ---- OPEN negotiation errors ---- */

static void
open_error(uint32_t as, uint16_t hold, uint32_t id, const char *want)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	open_sent(&p, &cfg, false);
	n = provider_open(b, sizeof(b), as, hold, id);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(!out.open_ok);
	ck_assert(!p.open_received);
	expect_notification(&p, &out.step, want);
	ck_assert_int_eq(p.fsm.state, FSM_IDLE);
	ck_assert_ptr_nonnull(strstr(out.step.cause, "unacceptable OPEN: OPEN Message Error"));
}

START_TEST(open_bad_peer_as)
{
	/* OPEN Message Error / Bad Peer AS (RFC 4271 §6.2). */
	open_error(64512, 90, ID_HIGHER, MARKER "0015 03 0202");
}
END_TEST

START_TEST(open_unacceptable_hold_time)
{
	/* Hold time 2: OPEN Message Error / Unacceptable Hold Time. */
	open_error(PROVIDER_AS, 2, ID_HIGHER, MARKER "0015 03 0206");
}
END_TEST

START_TEST(open_bad_identifier)
{
	/* Our own identifier from an eBGP peer is fine (RFC 6286); zero never is. */
	open_error(PROVIDER_AS, 90, 0, MARKER "0015 03 0203");
}
END_TEST

START_TEST(open_unsupported_version)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	open_sent(&p, &cfg, false);
	n = provider_open(b, sizeof(b), PROVIDER_AS, 90, ID_HIGHER);
	b[MSG_HEADER_LEN] = 3;
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	/* Unsupported Version Number, data: the largest version we speak (4). */
	expect_notification(&p, &out.step, MARKER "0017 03 0201 0004");
}
END_TEST

/* ---- a whole session ---- */

/* Passive CE up to Established against the provider's OPEN and KEEPALIVE. */
static void
establish(struct peer *p, const struct peer_config *cfg)
{
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	open_sent(p, cfg, false);
	n = provider_open(b, sizeof(b), PROVIDER_AS, 30, ID_HIGHER);
	ck_assert_int_eq(peer_input(p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(has_action(&out.step, FSM_A_SEND_KEEPALIVE));
	/* The smaller hold time, keepalive a third of it (RFC 4271 §4.2). */
	ck_assert_uint_eq(p->fsm.hold_time, 30);
	ck_assert_uint_eq(p->fsm.keepalive_time, 10);
	ck_assert(p->ctx.as4);
	n = hex(b, sizeof(b), MARKER "0013 04");
	ck_assert_int_eq(peer_input(p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(has_action(&out.step, FSM_A_PEER_UP));
	ck_assert_int_eq(p->fsm.state, FSM_ESTABLISHED);
}

START_TEST(update_for_the_rib)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t body[256], b[MSG_MAX_LEN];
	size_t n;

	establish(&p, &cfg);
	/* ORIGIN IGP, AS_PATH 12076 (4-octet), NEXT_HOP 172.16.1.2; 10.1.0.0/16. */
	n = update_body(body, sizeof(body), "",
	                "40 01 01 00 | 40 02 06 02 01 00002f2c | 40 03 04 ac100102", "10 0a01");
	n = wrap(b, MSG_UPDATE, body, n);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(has_action(&out.step, FSM_A_PROCESS_UPDATE));
	ck_assert_int_eq(out.update_act, MSG_ACT_NONE);
	struct prefix got, want = pfx4(10, 1, 0, 0, 16);
	ck_assert(msg_nlri_next(&out.update.nlri, AFI_IP, &got));
	ck_assert(prefix_eq(&got, &want));

	/* ORIGIN 7: RFC 7606 treat-as-withdraw, still for the RIB. */
	n = update_body(body, sizeof(body), "",
	                "40 01 01 07 | 40 02 06 02 01 00002f2c | 40 03 04 ac100102", "10 0a01");
	n = wrap(b, MSG_UPDATE, body, n);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(has_action(&out.step, FSM_A_PROCESS_UPDATE));
	ck_assert_int_eq(out.update_act, MSG_ACT_TREAT_AS_WITHDRAW);

	/* A bad NLRI length resets: UPDATE Message Error / Invalid Network Field. */
	n = update_body(body, sizeof(body), "",
	                "40 01 01 00 | 40 02 06 02 01 00002f2c | 40 03 04 ac100102", "21 0a010000");
	n = wrap(b, MSG_UPDATE, body, n);
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(!has_action(&out.step, FSM_A_PROCESS_UPDATE));
	expect_notification(&p, &out.step, MARKER "0015 03 030a");
	ck_assert(has_action(&out.step, FSM_A_PEER_DOWN));
	ck_assert_int_eq(p.fsm.state, FSM_IDLE);
}
END_TEST

START_TEST(update_before_established_is_an_fsm_error)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t body[64], b[128];
	size_t n;

	open_sent(&p, &cfg, false);
	n = wrap(b, MSG_UPDATE, body, update_body(body, sizeof(body), "", "", ""));
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	/* RFC 6608: Finite State Machine Error / in OpenSent. */
	expect_notification(&p, &out.step, MARKER "0015 03 0501");
}
END_TEST

START_TEST(route_refresh_and_notification)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	establish(&p, &cfg);
	n = hex(b, sizeof(b), MARKER "0017 05 0001 00 01");
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(out.refresh);
	ck_assert_int_eq(p.fsm.state, FSM_ESTABLISHED);
	/* IPv6 was not negotiated: nothing to send again. */
	n = hex(b, sizeof(b), MARKER "0017 05 0002 00 01");
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(!out.refresh);
	/* On a session that carries IPv6, its request is served. */
	p.ctx.families = MSG_FAM_IPV6;
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(out.refresh);
	n = hex(b, sizeof(b), MARKER "0017 05 0001 00 01");
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(!out.refresh);

	/* Cease / Administrative Shutdown with "bye" (RFC 9003). */
	n = hex(b, sizeof(b), MARKER "0019 03 0602 03 627965");
	ck_assert_int_eq(peer_input(&p, NULL, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(out.notif_rcvd);
	ck_assert_str_eq(out.notif_text, "Cease / Administrative Shutdown: \"bye\"");
	ck_assert(has_action(&out.step, FSM_A_PEER_DOWN));
	ck_assert(!has_action(&out.step, FSM_A_SEND_NOTIFICATION));
	ck_assert_int_eq(p.fsm.state, FSM_IDLE);
}
END_TEST

START_TEST(release_forgets_the_negotiation)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_step st;

	establish(&p, &cfg);
	ck_assert(p.open_received);
	peer_event(&p, FSM_EV_TCP_CONNECTION_FAILS, NULL, "gone", &st);
	ck_assert(has_action(&st, FSM_A_RELEASE_RESOURCES));
	ck_assert(!p.open_received);
	ck_assert(!p.ctx.as4);
	ck_assert_uint_eq(p.ctx.max_len, MSG_MAX_LEN);
	ck_assert_str_eq(st.cause, "gone");
}
END_TEST

START_TEST(our_route_refresh_per_family)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	uint8_t b[PEER_REFRESH_MAX], want[64];
	struct wbuf w;
	size_t n;

	open_sent(&p, &cfg, false);
	wbuf_init(&w, b, sizeof(b));
	ck_assert_uint_eq(peer_encode_refresh(&p, &w), 0);
	ck_assert_uint_eq(wbuf_len(&w), 0);
	establish(&p, &cfg);
	wbuf_init(&w, b, sizeof(b));
	ck_assert_uint_eq(peer_encode_refresh(&p, &w), 1);
	n = hex(want, sizeof(want), MARKER "0017 05 0001 00 01");
	ck_assert_uint_eq(wbuf_len(&w), n);
	ck_assert_mem_eq(b, want, n);
	/* Offering IPv6 is not enough: only a negotiated family is asked for. */
	p.peer_open.caps.have |= MSG_CAP_MP_IPV6;
	wbuf_init(&w, b, sizeof(b));
	ck_assert_uint_eq(peer_encode_refresh(&p, &w), 1);
	/* A session that negotiated both: both, IPv4 first. */
	p.ctx.families |= MSG_FAM_IPV6;
	wbuf_init(&w, b, sizeof(b));
	ck_assert_uint_eq(peer_encode_refresh(&p, &w), 2);
	n = hex(want, sizeof(want), MARKER "0017 05 0001 00 01" MARKER "0017 05 0002 00 01");
	ck_assert_uint_eq(wbuf_len(&w), n);
	ck_assert_mem_eq(b, want, n);
	/* An IPv6 session: IPv6 only. */
	p.ctx.families = MSG_FAM_IPV6;
	wbuf_init(&w, b, sizeof(b));
	ck_assert_uint_eq(peer_encode_refresh(&p, &w), 1);
	n = hex(want, sizeof(want), MARKER "0017 05 0002 00 01");
	ck_assert_mem_eq(b, want, n);
	/* Not without the capability (RFC 2918 §4). */
	p.peer_open.caps.have &= ~MSG_CAP_RR;
	wbuf_init(&w, b, sizeof(b));
	ck_assert_uint_eq(peer_encode_refresh(&p, &w), 0);
}
END_TEST

START_TEST(accepting_the_peers_connection)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_step st;

	peer_init(&p, &cfg, &scratch);
	ck_assert_int_eq(peer_accept(&p, false), PEER_ACCEPT_REFUSE_IDLE);
	peer_event(&p, FSM_EV_MANUAL_START_PASSIVE, NULL, NULL, &st);
	ck_assert_int_eq(p.fsm.state, FSM_ACTIVE);
	ck_assert_int_eq(peer_accept(&p, false), PEER_ACCEPT_TAKE);
	open_sent(&p, &cfg, false);
	ck_assert_int_eq(peer_accept(&p, false), PEER_ACCEPT_SECOND);
	ck_assert_int_eq(peer_accept(&p, true), PEER_ACCEPT_REFUSE);
	establish(&p, &cfg);
	ck_assert_int_eq(peer_accept(&p, false), PEER_ACCEPT_REFUSE);
}
END_TEST

/* ---- collisions (RFC 4271 §6.8) ---- */

/*
 * Ours (outgoing) and the peer's (incoming) both in OpenSent; the peer's
 * OPEN arrives on its connection with identifier id.
 */
static void
collide(uint32_t id, bool want_ours_dumped)
{
	struct peer_config cfg = ce_config(false);
	struct peer ours, theirs;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	open_sent(&ours, &cfg, true);
	open_sent(&theirs, &cfg, false);
	n = provider_open(b, sizeof(b), PROVIDER_AS, 90, id);
	ck_assert_int_eq(peer_input(&theirs, &ours, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(out.open_ok);
	ck_assert_ptr_nonnull(strstr(out.collision, "connection collision"));
	if (want_ours_dumped) {
		/* The peer's identifier is higher: the connection it initiated stays. */
		ck_assert(out.other.set);
		ck_assert_int_eq(out.other.ev, FSM_EV_OPEN_COLLISION_DUMP);
		expect_notification(&ours, &out.other, MARKER "0015 03 0607");
		ck_assert_int_eq(ours.fsm.state, FSM_IDLE);
		ck_assert_int_eq(theirs.fsm.state, FSM_OPENCONFIRM);
		ck_assert_str_eq(out.collision,
		                 "connection collision: keeping the connection the peer initiated "
		                 "(BGP identifiers: ours 172.16.1.1, the peer's 172.16.1.2)");
	} else {
		ck_assert(!out.other.set);
		ck_assert_int_eq(out.step.ev, FSM_EV_OPEN_COLLISION_DUMP);
		expect_notification(&theirs, &out.step, MARKER "0015 03 0607");
		ck_assert_int_eq(theirs.fsm.state, FSM_IDLE);
		ck_assert_int_eq(ours.fsm.state, FSM_OPENSENT);
		ck_assert_ptr_nonnull(strstr(out.collision, "keeping the connection we initiated"));
	}
}

START_TEST(collision_higher_peer_id)
{
	collide(ID_HIGHER, true);
}
END_TEST

START_TEST(collision_lower_peer_id)
{
	collide(ID_LOWER, false);
}
END_TEST

START_TEST(no_collision_with_an_idle_other)
{
	struct peer_config cfg = ce_config(false);
	struct peer idle, theirs;
	struct peer_out out;
	uint8_t b[MSG_MAX_LEN];
	size_t n;

	peer_init(&idle, &cfg, &scratch);
	open_sent(&theirs, &cfg, false);
	n = provider_open(b, sizeof(b), PROVIDER_AS, 90, ID_HIGHER);
	ck_assert_int_eq(peer_input(&theirs, &idle, b, n, &out), PEER_IN_MESSAGE);
	ck_assert(!out.other.set);
	ck_assert_str_eq(out.collision, "");
	ck_assert_int_eq(theirs.fsm.state, FSM_OPENCONFIRM);
}
END_TEST

/* ---- the Cease data we originate ---- */

/* True when data holds only whole, valid UTF-8 characters. */
static bool
utf8_whole(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = s[i] < 0x80             ? 1
		             : (s[i] & 0xe0) == 0xc0 ? 2
		             : (s[i] & 0xf0) == 0xe0 ? 3
		                                     : 4;

		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

START_TEST(shutdown_text_cut_on_a_character)
{
	struct peer_cease c;
	char text[400];
	size_t off = 0;

	/* "x" then 100 euro signs (3 bytes each): 301 bytes; 255 would split one. */
	text[off++] = 'x';
	for (int i = 0; i < 100; i++) {
		memcpy(text + off, "\xe2\x82\xac", 3);
		off += 3;
	}
	text[off] = '\0';
	peer_cease_stop(&c, ERR_CEASE_ADMIN_SHUTDOWN, text);
	ck_assert_uint_eq(c.in.code, ERR_CEASE);
	ck_assert_uint_eq(c.in.subcode, ERR_CEASE_ADMIN_SHUTDOWN);
	ck_assert_uint_eq(c.in.data[0], 1 + 3 * 84);
	ck_assert_uint_eq(c.in.data_len, 1 + c.in.data[0]);
	ck_assert(utf8_whole(c.in.data + 1, c.in.data[0]));

	/* Exactly 255 bytes fit whole. */
	memset(text, 'a', 255);
	text[255] = '\0';
	peer_cease_stop(&c, ERR_CEASE_ADMIN_RESET, text);
	ck_assert_uint_eq(c.in.data[0], 255);
	ck_assert_uint_eq(c.in.data_len, 256);
}
END_TEST

START_TEST(shutdown_text_only_where_rfc_9003_puts_it)
{
	struct peer_cease c;

	peer_cease_stop(&c, ERR_CEASE_ADMIN_RESET, NULL);
	ck_assert_uint_eq(c.in.data_len, 0);
	ck_assert_ptr_null(c.in.data);
	peer_cease_stop(&c, ERR_CEASE_PEER_DECONFIGURED, "ignored");
	ck_assert_uint_eq(c.in.subcode, ERR_CEASE_PEER_DECONFIGURED);
	ck_assert_uint_eq(c.in.data_len, 0);
	peer_cease_stop(&c, ERR_CEASE_ADMIN_SHUTDOWN, "");
	ck_assert_uint_eq(c.in.data_len, 1);
	ck_assert_uint_eq(c.in.data[0], 0);
}
END_TEST

START_TEST(stop_sends_the_communication)
{
	struct peer_config cfg = ce_config(true);
	struct peer p;
	struct peer_cease c;
	struct peer_step st;
	char text[64];

	establish(&p, &cfg);
	peer_cease_stop(&c, ERR_CEASE_ADMIN_SHUTDOWN, "maintenance");
	peer_event(&p, FSM_EV_MANUAL_STOP, &c.in, "stop", &st);
	/* The step keeps its own copy of the data: c may go. */
	memset(&c, 0, sizeof(c));
	expect_notification(&p, &st, MARKER "0021 03 0602 0b 6d61696e74656e616e6365");
	const struct fsm_action *a = find_action(&st, FSM_A_SEND_NOTIFICATION);
	ck_assert_str_eq(
	        peer_notif_text(a->code, a->subcode, a->data, a->data_len, text, sizeof(text)),
	        "Cease / Administrative Shutdown: \"maintenance\"");
}
END_TEST

START_TEST(max_prefix_data)
{
	struct peer_cease c;
	char text[128];

	peer_cease_max_prefix(&c, AFI_IP, 10000);
	ck_assert_uint_eq(c.in.subcode, ERR_CEASE_MAX_PREFIX);
	ck_assert_uint_eq(c.in.data_len, 7);
	ck_assert_mem_eq(c.in.data, "\x00\x01\x01\x00\x00\x27\x10", 7);
	ck_assert_str_eq(peer_notif_text(c.in.code, c.in.subcode, c.in.data, c.in.data_len, text,
	                                 sizeof(text)),
	                 "Cease / Maximum Number of Prefixes Reached: IPv4 SAFI 1, limit 10000");
	/* an IPv6 session's limit names its own family */
	peer_cease_max_prefix(&c, AFI_IP6, 100);
	ck_assert_mem_eq(c.in.data, "\x00\x02\x01\x00\x00\x00\x64", 7);
}
END_TEST

START_TEST(prefix_limit_verdicts)
{
	ck_assert_int_eq(peer_prefix_limit(1000000, 0), PEER_LIMIT_OK);
	ck_assert_int_eq(peer_prefix_limit(7, 10), PEER_LIMIT_OK);
	ck_assert_int_eq(peer_prefix_limit(8, 10), PEER_LIMIT_WARN);
	ck_assert_int_eq(peer_prefix_limit(10, 10), PEER_LIMIT_WARN);
	ck_assert_int_eq(peer_prefix_limit(11, 10), PEER_LIMIT_EXCEEDED);
	/* No overflow near the top of the range. */
	ck_assert_int_eq(peer_prefix_limit(UINT32_MAX, UINT32_MAX), PEER_LIMIT_WARN);
}
END_TEST

START_TEST(error_input_carries_the_error)
{
	struct msg_error err;
	uint8_t len[2] = {0x00, 0x14};

	msg_error_set(&err, MSG_ACT_SESSION_RESET, ERR_HEADER, ERR_HDR_BAD_LENGTH, len, 2, "x");
	struct fsm_input in = peer_error_input(&err);
	ck_assert_uint_eq(in.code, ERR_HEADER);
	ck_assert_uint_eq(in.subcode, ERR_HDR_BAD_LENGTH);
	ck_assert_uint_eq(in.data_len, 2);
	ck_assert_mem_eq(in.data, len, 2);
	msg_error_set(&err, MSG_ACT_SESSION_RESET, ERR_OPEN, ERR_OPEN_BAD_PEER_AS, NULL, 0, "y");
	in = peer_error_input(&err);
	ck_assert_ptr_null(in.data);
	ck_assert_uint_eq(in.data_len, 0);
}
END_TEST

static Suite *
peer_suite(void)
{
	Suite *s = suite_create("peer");
	TCase *f = tcase_create("framing");
	TCase *o = tcase_create("open");
	TCase *m = tcase_create("messages");
	TCase *c = tcase_create("collision");
	TCase *n = tcase_create("notification data");

	tcase_add_test(f, frames_header_then_message);
	tcase_add_test(f, header_checked_once);
	tcase_add_test(f, bad_marker_is_a_header_error);
	tcase_add_test(f, bad_length_carries_the_length);
	suite_add_tcase(s, f);
	tcase_add_test(o, open_bad_peer_as);
	tcase_add_test(o, open_unacceptable_hold_time);
	tcase_add_test(o, open_bad_identifier);
	tcase_add_test(o, open_unsupported_version);
	suite_add_tcase(s, o);
	tcase_add_test(m, update_for_the_rib);
	tcase_add_test(m, update_before_established_is_an_fsm_error);
	tcase_add_test(m, route_refresh_and_notification);
	tcase_add_test(m, release_forgets_the_negotiation);
	tcase_add_test(m, our_route_refresh_per_family);
	tcase_add_test(m, accepting_the_peers_connection);
	suite_add_tcase(s, m);
	tcase_add_test(c, collision_higher_peer_id);
	tcase_add_test(c, collision_lower_peer_id);
	tcase_add_test(c, no_collision_with_an_idle_other);
	suite_add_tcase(s, c);
	tcase_add_test(n, shutdown_text_cut_on_a_character);
	tcase_add_test(n, shutdown_text_only_where_rfc_9003_puts_it);
	tcase_add_test(n, stop_sends_the_communication);
	tcase_add_test(n, max_prefix_data);
	tcase_add_test(n, prefix_limit_verdicts);
	tcase_add_test(n, error_input_carries_the_error);
	suite_add_tcase(s, n);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(peer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
