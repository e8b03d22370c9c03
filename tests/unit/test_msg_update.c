/*
 * UPDATE decoding: table-driven wire vectors for every RFC 4271 §6.3
 * subcode and RFC 7606 case, each mapped to its action; truncation at every
 * byte; AS4 reconstruction; NLRI iteration; End-of-RIB.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_msg_util.h"

/* Building blocks (hex). The eBGP peer is AS 65001 = 0xfde9. */
#define ORIGIN  "40 01 01 00 "
#define ASPATH  "40 02 06 02 01 0000fde9 "
#define NH      "40 03 04 c0000201 "
#define BASE    ORIGIN ASPATH NH
#define NLRI    "18 0a0000 "
#define NH6     "20010db8000000000000000000000001 "
#define MPREACH "80 0e 1c 0002 01 10 " NH6 "00 30 20010db80001 "
#define MPUNR   "80 0f 0a 0002 01 30 20010db80001 "

enum { EBGP = 0, IBGP = 1 };
enum { AS4 = 0, AS2 = 1 };

struct vec {
	const char *name;
	int ibgp, as2;
	const char *withdrawn, *attrs, *nlri;
	enum msg_action action;
	uint8_t subcode; /* when action != NONE */
};

/* clang-format off */
static const struct vec vecs[] = {
	/* valid */
	{"valid ipv4", EBGP, AS4, "", BASE, NLRI, MSG_ACT_NONE, 0},
	{"valid with every optional attribute", EBGP, AS4, "",
	 BASE "80 04 04 00000064 40 06 00 c0 07 08 0000fde9 c0000201 c0 08 04 fde90064 "
	 "c0 10 08 0002fde900000001 c0 20 0c 0000fde9 00000001 00000002", NLRI, MSG_ACT_NONE, 0},
	{"valid withdraw only", EBGP, AS4, "18 0a0000", "", "", MSG_ACT_NONE, 0},
	{"valid ipv6 mp_reach without NEXT_HOP", EBGP, AS4, "", ORIGIN ASPATH MPREACH, "",
	 MSG_ACT_NONE, 0},
	{"valid ipv6 mp_unreach only", EBGP, AS4, "", MPUNR, "", MSG_ACT_NONE, 0},
	{"valid mp_reach in the middle of the list", EBGP, AS4, "", ORIGIN MPREACH ASPATH, "",
	 MSG_ACT_NONE, 0},
	{"extended length bit on a short attribute", EBGP, AS4, "",
	 "50 01 0001 00 " ASPATH NH, NLRI, MSG_ACT_NONE, 0},
	{"unknown optional transitive kept", EBGP, AS4, "", BASE "c0 63 02 abcd", NLRI,
	 MSG_ACT_NONE, 0},
	{"unknown optional non-transitive dropped", EBGP, AS4, "", BASE "80 63 02 abcd", NLRI,
	 MSG_ACT_NONE, 0},
	{"empty AS_PATH on iBGP", IBGP, AS4, "", ORIGIN "40 02 00 " NH "40 05 04 00000064",
	 NLRI, MSG_ACT_NONE, 0},
	{"confederation segment on iBGP", IBGP, AS4, "",
	 ORIGIN "40 02 06 03 01 0000fdea " NH, NLRI, MSG_ACT_NONE, 0},
	{"AS4_PATH from a 4-octet peer is ignored", EBGP, AS4, "",
	 BASE "c0 11 06 02 01 00010000", NLRI, MSG_ACT_NONE, 0},
	{"unnegotiated family in MP_REACH is skipped", EBGP, AS4, "",
	 "80 0e 0a 0001 80 04 c0000201 00 00 " ORIGIN ASPATH, "", MSG_ACT_NONE, 0},
	{"NEXT_HOP without IPv4 NLRI is ignored even if bogus", EBGP, AS4, "",
	 ORIGIN ASPATH "40 03 04 00000000 " MPREACH, "", MSG_ACT_NONE, 0},

	/* §6.3 Malformed Attribute List (subcode 1) */
	{"withdrawn length overruns", EBGP, AS4, NULL, NULL, NULL, MSG_ACT_SESSION_RESET,
	 ERR_UPD_MALFORMED_ATTR_LIST},
	{"attribute overruns the attribute field (RFC 7606 §4)", EBGP, AS4, "",
	 BASE "c0 08 08 fde90064", NLRI, MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_ATTR_LIST},
	{"attribute header cut short (RFC 7606 §4)", EBGP, AS4, "", BASE "c0", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_ATTR_LIST},
	{"extended length cut short", EBGP, AS4, "", BASE "d0 08 00", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_ATTR_LIST},
	{"overrunning MP_REACH is a reset", EBGP, AS4, "", BASE "80 0e 30 0002", "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_MALFORMED_ATTR_LIST},
	{"duplicate ORIGIN discarded (RFC 7606 §3 g)", EBGP, AS4, "", BASE "40 01 01 02", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_MALFORMED_ATTR_LIST},
	{"duplicate MP_REACH is a reset", EBGP, AS4, "", ORIGIN ASPATH MPREACH MPREACH, "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_MALFORMED_ATTR_LIST},
	{"duplicate MP_UNREACH is a reset", EBGP, AS4, "", MPUNR MPUNR, "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_MALFORMED_ATTR_LIST},

	/* subcode 2 */
	{"unrecognized well-known attribute", EBGP, AS4, "", BASE "40 63 01 00", NLRI,
	 MSG_ACT_SESSION_RESET, ERR_UPD_UNRECOGNIZED_WELLKNOWN},

	/* subcode 3 (RFC 7606 §3 d: treat-as-withdraw) */
	{"missing ORIGIN", EBGP, AS4, "", ASPATH NH, NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_MISSING_WELLKNOWN},
	{"missing AS_PATH", EBGP, AS4, "", ORIGIN NH, NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_MISSING_WELLKNOWN},
	{"missing NEXT_HOP", EBGP, AS4, "", ORIGIN ASPATH, NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_MISSING_WELLKNOWN},
	{"missing ORIGIN with MP_REACH", EBGP, AS4, "", ASPATH MPREACH, "",
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MISSING_WELLKNOWN},

	/* subcode 4: flags */
	{"ORIGIN flagged optional", EBGP, AS4, "", "c0 01 01 00 " ASPATH NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},
	{"ORIGIN non-transitive", EBGP, AS4, "", "00 01 01 00 " ASPATH NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},
	{"AS_PATH with Partial", EBGP, AS4, "", ORIGIN "60 02 06 02 01 0000fde9 " NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},
	{"NEXT_HOP flagged optional", EBGP, AS4, "", ORIGIN ASPATH "c0 03 04 c0000201", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},
	{"MED flagged transitive", EBGP, AS4, "", BASE "c0 04 04 00000001", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},
	{"COMMUNITIES flagged well-known", EBGP, AS4, "", BASE "40 08 04 fde90064", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},
	{"AGGREGATOR flags conflict is a discard", EBGP, AS4, "",
	 BASE "40 07 08 0000fde9 c0000201", NLRI, MSG_ACT_ATTR_DISCARD, ERR_UPD_ATTR_FLAGS},
	{"MP_REACH flagged transitive is a reset", EBGP, AS4, "",
	 ORIGIN ASPATH "c0 0e 1c 0002 01 10 " NH6 "00 30 20010db80001", "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_ATTR_FLAGS},
	{"MED with Partial", EBGP, AS4, "", BASE "a0 04 04 00000001", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_FLAGS},

	/* subcode 5: length */
	{"ORIGIN length 2", EBGP, AS4, "", "40 01 02 0000 " ASPATH NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_LENGTH},
	{"NEXT_HOP length 5", EBGP, AS4, "", ORIGIN ASPATH "40 03 05 c000020100", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_LENGTH},
	{"MED length 3", EBGP, AS4, "", BASE "80 04 03 000001", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_LENGTH},
	{"LOCAL_PREF length 2 on iBGP", IBGP, AS4, "", BASE "40 05 02 0064", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_ATTR_LENGTH},
	{"ATOMIC_AGGREGATE length 1 (RFC 7606 §7.6)", EBGP, AS4, "", BASE "40 06 01 00", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_ATTR_LENGTH},
	{"AGGREGATOR length 6 from a 4-octet peer (§7.7)", EBGP, AS4, "",
	 BASE "c0 07 06 fde9 c0000201", NLRI, MSG_ACT_ATTR_DISCARD, ERR_UPD_ATTR_LENGTH},
	{"AGGREGATOR length 8 from a 2-octet peer", EBGP, AS2, "",
	 ORIGIN "40 02 04 02 01 fde9 " NH "c0 07 08 0000fde9 c0000201", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_ATTR_LENGTH},
	{"AS4_AGGREGATOR length 7", EBGP, AS2, "",
	 ORIGIN "40 02 04 02 01 fde9 " NH "c0 12 07 00010000 c00002", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_ATTR_LENGTH},
	{"AS4_AGGREGATOR AS 0 (RFC 7607 §2)", EBGP, AS2, "",
	 ORIGIN "40 02 04 02 01 fde9 " NH "c0 07 06 5ba0 c0000201 c0 12 08 00000000 c0000202",
	 NLRI, MSG_ACT_ATTR_DISCARD, ERR_UPD_OPTIONAL_ATTR},

	/* subcode 6 */
	{"ORIGIN value 3", EBGP, AS4, "", "40 01 01 03 " ASPATH NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_ORIGIN},

	/* subcode 8: NEXT_HOP semantics (RFC 4271 §6.3, RFC 7606 §7.3) */
	{"NEXT_HOP 0.0.0.0", EBGP, AS4, "", ORIGIN ASPATH "40 03 04 00000000", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},
	{"NEXT_HOP loopback", EBGP, AS4, "", ORIGIN ASPATH "40 03 04 7f000001", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},
	{"NEXT_HOP multicast", EBGP, AS4, "", ORIGIN ASPATH "40 03 04 e0000001", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},
	{"NEXT_HOP broadcast", EBGP, AS4, "", ORIGIN ASPATH "40 03 04 ffffffff", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},
	{"NEXT_HOP is our address", EBGP, AS4, "", ORIGIN ASPATH "40 03 04 c0000202", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},
	{"MP_REACH next hop ::", EBGP, AS4, "",
	 ORIGIN ASPATH "80 0e 1c 0002 01 10 00000000000000000000000000000000 00 30 20010db80001",
	 "", MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},
	{"MP_REACH next hop multicast", EBGP, AS4, "",
	 ORIGIN ASPATH "80 0e 1c 0002 01 10 ff020000000000000000000000000001 00 30 20010db80001",
	 "", MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_INVALID_NEXT_HOP},

	/* subcode 9: optional attributes */
	{"COMMUNITIES length 5 (RFC 7606 §7.8)", EBGP, AS4, "", BASE "c0 08 05 fde9006401",
	 NLRI, MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_OPTIONAL_ATTR},
	{"COMMUNITIES length 0", EBGP, AS4, "", BASE "c0 08 00", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_OPTIONAL_ATTR},
	{"EXT_COMMUNITIES length 12 (§7.14)", EBGP, AS4, "",
	 BASE "c0 10 0c 0002fde900000001 00000000", NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_OPTIONAL_ATTR},
	{"EXT_COMMUNITIES length 0", EBGP, AS4, "", BASE "c0 10 00", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_OPTIONAL_ATTR},
	{"LARGE_COMMUNITY length 13 (RFC 8092 §5)", EBGP, AS4, "",
	 BASE "c0 20 0d 0000fde9 00000001 00000002 00", NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_OPTIONAL_ATTR},
	{"LARGE_COMMUNITY length 0", EBGP, AS4, "", BASE "c0 20 00", NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_OPTIONAL_ATTR},
	{"AGGREGATOR AS 0 (RFC 7607)", EBGP, AS4, "", BASE "c0 07 08 00000000 c0000201", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_OPTIONAL_ATTR},
	{"MP_REACH next hop length 5 (§7.11)", EBGP, AS4, "",
	 ORIGIN ASPATH "80 0e 0a 0002 01 05 0102030405 00", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_OPTIONAL_ATTR},
	{"MP_REACH truncated", EBGP, AS4, "", ORIGIN ASPATH "80 0e 03 0002 01", "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_OPTIONAL_ATTR},
	{"MP_REACH prefix /129", EBGP, AS4, "",
	 ORIGIN ASPATH "80 0e 16 0002 01 10 " NH6 "00 81", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_OPTIONAL_ATTR},
	{"MP_REACH prefix overruns", EBGP, AS4, "",
	 ORIGIN ASPATH "80 0e 18 0002 01 10 " NH6 "00 30 2001", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_OPTIONAL_ATTR},
	{"MP_REACH ipv4 next hop 16 octets", EBGP, AS4, "",
	 ORIGIN ASPATH "80 0e 19 0001 01 10 " NH6 "00 18 0a0000", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_OPTIONAL_ATTR},
	{"MP_UNREACH truncated", EBGP, AS4, "", "80 0f 02 0002", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_OPTIONAL_ATTR},
	{"MP_UNREACH prefix /200", EBGP, AS4, "", "80 0f 04 0002 01 c8", "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_OPTIONAL_ATTR},
	{"LOCAL_PREF from eBGP discarded (RFC 7606 §7.5)", EBGP, AS4, "",
	 BASE "40 05 04 00000064", NLRI, MSG_ACT_ATTR_DISCARD, 0},
	{"LOCAL_PREF of length 2 from eBGP discarded, routes kept", EBGP, AS4, "",
	 BASE "40 05 02 0064", NLRI, MSG_ACT_ATTR_DISCARD, 0},
	{"LOCAL_PREF of length 0 from eBGP discarded", EBGP, AS4, "",
	 BASE "40 05 00", NLRI, MSG_ACT_ATTR_DISCARD, 0},
	{"LOCAL_PREF flagged optional from eBGP discarded", EBGP, AS4, "",
	 BASE "c0 05 04 00000064", NLRI, MSG_ACT_ATTR_DISCARD, 0},
	{"LOCAL_PREF of length 2 from iBGP (RFC 7606 §7.5)", IBGP, AS4, "",
	 ORIGIN "40 02 00 " NH "40 05 02 0064", NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_ATTR_LENGTH},

	/* subcode 10 */
	{"NLRI prefix /33", EBGP, AS4, "", BASE, "21 0a000000 00", MSG_ACT_SESSION_RESET,
	 ERR_UPD_INVALID_NETWORK},
	{"NLRI prefix overruns", EBGP, AS4, "", BASE, "18 0a00", MSG_ACT_SESSION_RESET,
	 ERR_UPD_INVALID_NETWORK},
	{"withdrawn prefix /40", EBGP, AS4, "28 0a00000000", "", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_INVALID_NETWORK},
	{"withdrawn prefix overruns", EBGP, AS4, "20 0a0000", "", "", MSG_ACT_SESSION_RESET,
	 ERR_UPD_INVALID_NETWORK},

	/* subcode 11: AS_PATH (RFC 7606 §7.2) */
	{"AS_PATH segment type 5", EBGP, AS4, "", ORIGIN "40 02 06 05 01 0000fde9 " NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH segment type 0", EBGP, AS4, "", ORIGIN "40 02 06 00 01 0000fde9 " NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH zero-length segment", EBGP, AS4, "",
	 ORIGIN "40 02 08 02 01 0000fde9 02 00 " NH, NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH segment overruns", EBGP, AS4, "", ORIGIN "40 02 06 02 02 0000fde9 " NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH one octet left over", EBGP, AS4, "", ORIGIN "40 02 07 02 01 0000fde9 02 " NH,
	 NLRI, MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH first AS not the peer", EBGP, AS4, "", ORIGIN "40 02 06 02 01 0000fdea " NH,
	 NLRI, MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH empty on eBGP", EBGP, AS4, "", ORIGIN "40 02 00 " NH, NLRI,
	 MSG_ACT_TREAT_AS_WITHDRAW, ERR_UPD_MALFORMED_AS_PATH},
	{"AS_PATH starting with a set on eBGP", EBGP, AS4, "",
	 ORIGIN "40 02 06 01 01 0000fde9 " NH, NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_MALFORMED_AS_PATH},
	{"confederation segment from eBGP (RFC 5065 §5)", EBGP, AS4, "",
	 ORIGIN "40 02 0c 02 01 0000fde9 03 01 0000fdea " NH, NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_MALFORMED_AS_PATH},
	{"AS4_PATH malformed is a discard (RFC 6793 §6)", EBGP, AS2, "",
	 ORIGIN "40 02 04 02 01 fde9 " NH "c0 11 06 02 02 00010000", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_MALFORMED_AS_PATH},
	{"AS4_PATH with a confed segment is a discard", EBGP, AS2, "",
	 ORIGIN "40 02 04 02 01 fde9 " NH "c0 11 06 03 01 00010000", NLRI,
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_MALFORMED_AS_PATH},

	/* RFC 7606 §3: several errors, the strongest wins */
	{"discard plus withdraw is withdraw", EBGP, AS4, "",
	 "40 01 01 05 " ASPATH NH "40 06 01 00", NLRI, MSG_ACT_TREAT_AS_WITHDRAW,
	 ERR_UPD_INVALID_ORIGIN},
	{"withdraw plus reset is reset", EBGP, AS4, "", "40 01 01 05 " ASPATH NH "40 63 00",
	 NLRI, MSG_ACT_SESSION_RESET, ERR_UPD_UNRECOGNIZED_WELLKNOWN},

	/* RFC 7606 §5.2: attributes, no reachable NLRI */
	{"bad ORIGIN without NLRI is a reset", EBGP, AS4, "", "40 01 01 05 " ASPATH NH, "",
	 MSG_ACT_SESSION_RESET, ERR_UPD_INVALID_ORIGIN},
	{"bad COMMUNITIES with only withdrawals is a reset", EBGP, AS4, "18 0a0000",
	 BASE "c0 08 03 000000", "", MSG_ACT_SESSION_RESET, ERR_UPD_OPTIONAL_ATTR},
	{"bad COMMUNITIES beside MP_UNREACH only is a reset", EBGP, AS4, "",
	 MPUNR "c0 08 03 000000", "", MSG_ACT_SESSION_RESET, ERR_UPD_OPTIONAL_ATTR},
	{"discard without NLRI stays a discard", EBGP, AS4, "", BASE "40 06 01 00", "",
	 MSG_ACT_ATTR_DISCARD, ERR_UPD_ATTR_LENGTH},
};
/* clang-format on */

static struct msg_attr_buf *abuf;

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

static size_t
vec_body(const struct vec *v, uint8_t *body, size_t cap)
{
	if (v->withdrawn == NULL) {
		/* withdrawn length says 200, only 3 bytes follow */
		return hex(body, cap, "00c8 0a0000");
	}
	return update_body(body, cap, v->withdrawn, v->attrs, v->nlri);
}

START_TEST(update_vectors)
{
	const struct vec *v = &vecs[_i];
	uint8_t body[4096];
	size_t len = vec_body(v, body, sizeof(body));
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;
	enum msg_action a;

	test_ctx(&ctx, v->as2 == AS4, v->ibgp == EBGP);
	memset(&err, 0, sizeof(err));
	a = msg_update_decode(&ctx, body, len, &u, abuf, &err);
	ck_assert_msg(a == v->action, "%s: action %s, want %s (%s)", v->name, msg_action_name(a),
	              msg_action_name(v->action), err.why ? err.why : "");
	ck_assert_int_eq(u.action, a);
	if (v->action != MSG_ACT_NONE) {
		ck_assert_msg(err.code == ERR_UPDATE, "%s: code %u", v->name, err.code);
		ck_assert_msg(err.subcode == v->subcode, "%s: subcode %u (%s), want %u", v->name,
		              err.subcode, err.why, v->subcode);
		ck_assert_int_eq(err.action, a);
		ck_assert_ptr_nonnull(err.why);
	}
}
END_TEST

/* The whole attribute is the data of attribute errors (RFC 4271 §6.3). */
START_TEST(error_data_is_the_attribute)
{
	uint8_t body[256];
	size_t len = update_body(body, sizeof(body), "", "40 01 01 03 " ASPATH NH, NLRI);
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;
	const uint8_t want[] = {0x40, 0x01, 0x01, 0x03};

	test_ctx(&ctx, true, true);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err),
	                 MSG_ACT_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(err.data_len, sizeof(want));
	ck_assert_mem_eq(err.data, want, sizeof(want));

	len = update_body(body, sizeof(body), "", ASPATH NH, NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err),
	                 MSG_ACT_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(err.data_len, 1);
	ck_assert_uint_eq(err.data[0], ATTR_ORIGIN);
}
END_TEST

START_TEST(decode_full_attribute_set)
{
	uint8_t body[512];
	size_t len = update_body(body, sizeof(body), "",
	                         BASE "80 04 04 00000064 40 06 00 c0 07 08 0000fde9 c0000201 "
	                              "c0 08 08 fde90064 ffffff01 c0 10 08 0002fde900000001 "
	                              "c0 20 0c 0000fde9 00000001 00000002 c0 63 02 abcd",
	                         NLRI "10 0b00 20 0c010203");
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;
	struct prefix p;
	const struct attr_set *a = &u.attrs;

	test_ctx(&ctx, true, true);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(a->origin, ORIGIN_IGP);
	ck_assert_uint_eq(a->nsegs, 1);
	ck_assert_uint_eq(a->asns[0], 65001);
	ck_assert_uint_eq(a->nexthop.afi, AFI_IP);
	ck_assert_uint_eq(a->nexthop.bytes[0], 192);
	ck_assert(a->present & ATTR_HAS_MED);
	ck_assert_uint_eq(a->med, 100);
	ck_assert(a->present & ATTR_HAS_ATOMIC_AGG);
	ck_assert_uint_eq(a->aggr_as, 65001);
	ck_assert_uint_eq(a->ncomms, 2);
	ck_assert_uint_eq(a->comms[0], 0xfde90064);
	ck_assert_uint_eq(a->comms[1], COMMUNITY_NO_EXPORT);
	ck_assert_uint_eq(a->necomms, 1);
	ck_assert(a->ecomms[0] == 0x0002fde900000001ull);
	ck_assert_uint_eq(a->nlcomms, 1);
	ck_assert_uint_eq(a->lcomms[0].global, 65001);
	ck_assert_uint_eq(a->lcomms[0].local2, 2);
	ck_assert_uint_eq(a->nunknown, 1);
	ck_assert_uint_eq(a->unknown[0].type, 0x63);
	ck_assert_uint_eq(a->unknown[0].len, 2);
	ck_assert_uint_eq(a->unknown[0].data[1], 0xcd);
	ck_assert(u.seen & (1ull << ATTR_LARGE_COMMUNITIES));
	ck_assert_uint_eq(msg_nlri_count(&u.nlri, AFI_IP), 3);
	ck_assert(msg_nlri_next(&u.nlri, AFI_IP, &p));
	ck_assert_uint_eq(p.len, 24);
	ck_assert(msg_nlri_next(&u.nlri, AFI_IP, &p));
	ck_assert_uint_eq(p.len, 16);
	ck_assert_uint_eq(p.bytes[0], 11);
	ck_assert(msg_nlri_next(&u.nlri, AFI_IP, &p));
	ck_assert_uint_eq(p.len, 32);
	ck_assert_uint_eq(p.bytes[3], 3);
	ck_assert(!msg_nlri_next(&u.nlri, AFI_IP, &p));
	ck_assert_uint_eq(u.eor_afi, 0);
}
END_TEST

START_TEST(nlri_host_bits_are_cleared)
{
	const uint8_t b[] = {0x17, 0x0a, 0x01, 0xff, 0x00};
	struct rbuf r;
	struct prefix p;

	rbuf_init(&r, b, sizeof(b));
	ck_assert(msg_nlri_next(&r, AFI_IP, &p));
	ck_assert_uint_eq(p.len, 23);
	ck_assert_uint_eq(p.bytes[2], 0xfe);
	ck_assert(msg_nlri_next(&r, AFI_IP, &p));
	ck_assert_uint_eq(p.len, 0);
	ck_assert(!msg_nlri_next(&r, AFI_IP, &p));
	ck_assert(rbuf_ok(&r));
}
END_TEST

START_TEST(nlri_next_on_bad_view_sets_error)
{
	const uint8_t b[] = {0x21, 0x0a, 0, 0, 0, 0};
	const uint8_t c[] = {0x18, 0x0a};
	struct rbuf r;
	struct prefix p;

	rbuf_init(&r, b, sizeof(b));
	ck_assert(!msg_nlri_next(&r, AFI_IP, &p));
	ck_assert(!rbuf_ok(&r));
	rbuf_init(&r, c, sizeof(c));
	ck_assert(!msg_nlri_next(&r, AFI_IP, &p));
	ck_assert(!rbuf_ok(&r));
	ck_assert(!msg_nlri_next(&r, AFI_IP, &p));
}
END_TEST

START_TEST(ipv6_mp_reach_and_attrs_for_family)
{
	uint8_t body[512];
	size_t len =
	        update_body(body, sizeof(body), "",
	                    ORIGIN ASPATH "80 0e 2c 0002 01 20 " NH6
	                                  "fe800000000000000000000000000001 00 30 20010db80001",
	                    "");
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;
	struct attr_set s;
	struct prefix p;

	test_ctx(&ctx, true, true);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert(u.has_mp_reach);
	ck_assert_uint_eq(u.mp_reach.afi, AFI_IP6);
	ck_assert_uint_eq(u.mp_reach.nexthop_ll.afi, AFI_IP6);
	ck_assert_uint_eq(u.mp_reach.nexthop_ll.bytes[0], 0xfe);
	msg_update_attrs(&u, AFI_IP6, &s);
	ck_assert_uint_eq(s.nexthop.afi, AFI_IP6);
	ck_assert(s.present & ATTR_HAS_NEXT_HOP);
	ck_assert_uint_eq(s.nexthop.bytes[15], 1);
	msg_update_attrs(&u, AFI_IP, &s);
	ck_assert(!(s.present & ATTR_HAS_NEXT_HOP));
	ck_assert(msg_nlri_next(&u.mp_reach.nlri, AFI_IP6, &p));
	ck_assert_uint_eq(p.afi, AFI_IP6);
	ck_assert_uint_eq(p.len, 48);
	ck_assert_uint_eq(p.bytes[5], 1);
	ck_assert(!msg_nlri_next(&u.mp_reach.nlri, AFI_IP6, &p));
}
END_TEST

START_TEST(end_of_rib_markers)
{
	uint8_t body[64];
	size_t len;
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;

	test_ctx(&ctx, true, true);
	len = update_body(body, sizeof(body), "", "", "");
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, AFI_IP);
	len = update_body(body, sizeof(body), "", "80 0f 03 0002 01", "");
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, AFI_IP6);
	ck_assert(u.has_mp_unreach);
	/* a withdrawal is not an End-of-RIB */
	len = update_body(body, sizeof(body), "", MPUNR, "");
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, 0);
	len = update_body(body, sizeof(body), "18 0a0000", "", "");
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, 0);
	/* empty MP_UNREACH plus another attribute is not one either */
	len = update_body(body, sizeof(body), "", "80 0f 03 0002 01 " ORIGIN, "");
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(u.eor_afi, 0);
}
END_TEST

/* RFC 6793 §4.2.3: rebuild the path from AS_PATH + AS4_PATH. */
START_TEST(as4_path_reconstruction)
{
	uint8_t body[512];
	size_t len;
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;
	char s[128];

	test_ctx(&ctx, false, true);
	/* AS_PATH 65001 23456 23456 65010, AS4_PATH 65537 65538 65010 */
	len = update_body(body, sizeof(body), "",
	                  ORIGIN "40 02 0a 02 04 fde9 5ba0 5ba0 fdf2 " NH
	                         "c0 11 0e 02 03 00010001 00010002 0000fdf2",
	                  NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_str_eq(attr_aspath_fmt(&u.attrs, s, sizeof(s)), "65001 65537 65538 65010");
	ck_assert_uint_eq(u.attrs.nsegs, 1);

	/* AS4_PATH longer than AS_PATH: ignored */
	len = update_body(body, sizeof(body), "",
	                  ORIGIN "40 02 04 02 01 fde9 " NH "c0 11 0a 02 02 00010001 00010002",
	                  NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_str_eq(attr_aspath_fmt(&u.attrs, s, sizeof(s)), "65001");

	/* with a set: AS_PATH 65001 {1,2} 23456, AS4_PATH {1,2} 70000 */
	len = update_body(body, sizeof(body), "",
	                  ORIGIN "40 02 0e 02 01 fde9 01 02 0001 0002 02 01 5ba0 " NH
	                         "c0 11 10 01 02 00000001 00000002 02 01 00011170",
	                  NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_str_eq(attr_aspath_fmt(&u.attrs, s, sizeof(s)), "65001 {1,2} 70000");

	/* AGGREGATOR not AS_TRANS: AS4 attributes are stale and ignored */
	len = update_body(body, sizeof(body), "",
	                  ORIGIN "40 02 06 02 02 fde9 5ba0 " NH "c0 07 06 fde9 c0000201 "
	                         "c0 11 06 02 01 00011170 c0 12 08 00011170 c0000202",
	                  NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_str_eq(attr_aspath_fmt(&u.attrs, s, sizeof(s)), "65001 23456");
	ck_assert_uint_eq(u.attrs.aggr_as, 65001);

	/* AGGREGATOR AS_TRANS + AS4_AGGREGATOR */
	len = update_body(body, sizeof(body), "",
	                  ORIGIN "40 02 06 02 02 fde9 5ba0 " NH "c0 07 06 5ba0 c0000201 "
	                         "c0 11 06 02 01 00011170 c0 12 08 00011170 c0000202",
	                  NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_str_eq(attr_aspath_fmt(&u.attrs, s, sizeof(s)), "65001 70000");
	ck_assert_uint_eq(u.attrs.aggr_as, 70000);
	ck_assert_uint_eq(u.attrs.aggr_addr.bytes[3], 2);
}
END_TEST

START_TEST(as_path_too_long_to_store)
{
	/* 5 segments of 255 4-octet ASNs: 1275 > MSG_MAX_ASNS */
	static uint8_t body[8192];
	size_t n = 0, alen_at;
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;

	test_ctx(&ctx, true, true);
	body[n++] = 0, body[n++] = 0;
	alen_at = n;
	n += 2;
	n += hex(body + n, 16, ORIGIN);
	body[n++] = 0x50, body[n++] = ATTR_AS_PATH;
	body[n++] = (5 * (2 + 255 * 4)) >> 8, body[n++] = (uint8_t)(5 * (2 + 255 * 4));
	for (int s = 0; s < 5; s++) {
		body[n++] = AS_SEQUENCE, body[n++] = 255;
		for (int i = 0; i < 255; i++) {
			body[n++] = 0, body[n++] = 0, body[n++] = 0xfd, body[n++] = 0xe9;
		}
	}
	n += hex(body + n, 16, NH);
	body[alen_at] = (uint8_t)((n - 4) >> 8), body[alen_at + 1] = (uint8_t)(n - 4);
	n += hex(body + n, 16, NLRI);
	ck_assert_int_eq(msg_update_decode(&ctx, body, n, &u, abuf, &err),
	                 MSG_ACT_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(err.subcode, ERR_UPD_MALFORMED_AS_PATH);
}
END_TEST

START_TEST(adjacent_sequences_are_merged)
{
	uint8_t body[256];
	size_t len =
	        update_body(body, sizeof(body), "",
	                    ORIGIN "40 02 10 02 01 0000fde9 02 02 00000001 00000002 " NH, NLRI);
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_error err;

	test_ctx(&ctx, true, true);
	ck_assert_int_eq(msg_update_decode(&ctx, body, len, &u, abuf, &err), MSG_ACT_NONE);
	ck_assert_uint_eq(u.attrs.nsegs, 1);
	ck_assert_uint_eq(u.attrs.segs[0].count, 3);
	ck_assert_uint_eq(u.attrs.nasns, 3);
}
END_TEST

/*
 * Every prefix of every valid vector, decoded as a body of that length,
 * never reads out of bounds (ASan) and never claims success with a body
 * that lost bytes inside a section.
 */
START_TEST(truncate_every_offset)
{
	const struct vec *v = &vecs[_i];
	uint8_t body[4096];
	size_t len = vec_body(v, body, sizeof(body));
	struct msg_ctx ctx;

	test_ctx(&ctx, v->as2 == AS4, v->ibgp == EBGP);
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *c = exact_copy(body, cut);
		struct msg_update u;
		struct msg_error err;
		enum msg_action a = msg_update_decode(&ctx, c, cut, &u, abuf, &err);
		struct prefix p;

		/* Cut before the attribute length: the sections cannot fit. */
		if (cut < 4)
			ck_assert_int_eq(a, MSG_ACT_SESSION_RESET);
		if (a != MSG_ACT_SESSION_RESET) {
			while (msg_nlri_next(&u.nlri, AFI_IP, &p))
				;
			ck_assert(rbuf_ok(&u.nlri));
			while (msg_nlri_next(&u.withdrawn, AFI_IP, &p))
				;
			ck_assert(rbuf_ok(&u.withdrawn));
			if (u.has_mp_reach)
				msg_nlri_count(&u.mp_reach.nlri, (uint8_t)u.mp_reach.afi);
		}
		free(c);
	}
}
END_TEST

/*
 * Random corruption of every vector: whatever the bytes, the decoder
 * returns a verdict without reading out of bounds (ASan), a usable result
 * has walkable NLRI, and a reset always names an UPDATE error.
 */
START_TEST(mutations_never_crash)
{
	const struct vec *v = &vecs[_i];
	uint8_t body[4096];
	size_t len = vec_body(v, body, sizeof(body));
	struct msg_ctx ctx;
	uint32_t x = 2463534242u + (uint32_t)_i;

	test_ctx(&ctx, v->as2 == AS4, v->ibgp == EBGP);
	for (int round = 0; round < 300; round++) {
		uint8_t *c = exact_copy(body, len);
		struct msg_update u;
		struct msg_error err;
		struct prefix p;
		enum msg_action a;
		int flips = 1 + round % 4;

		for (int f = 0; f < flips && len > 0; f++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			c[x % len] ^= (uint8_t)(1u << ((x >> 8) % 8));
		}
		a = msg_update_decode(&ctx, c, len, &u, abuf, &err);
		if (a == MSG_ACT_SESSION_RESET) {
			ck_assert_uint_eq(err.code, ERR_UPDATE);
		} else {
			while (msg_nlri_next(&u.nlri, AFI_IP, &p))
				;
			ck_assert(rbuf_ok(&u.nlri));
			if (u.has_mp_reach) {
				while (msg_nlri_next(&u.mp_reach.nlri, (uint8_t)u.mp_reach.afi, &p))
					;
				ck_assert(rbuf_ok(&u.mp_reach.nlri));
			}
			if (a == MSG_ACT_NONE) {
				char s[256];

				attr_aspath_fmt(&u.attrs, s, sizeof(s));
				attr_comms_fmt(&u.attrs, s, sizeof(s));
			}
		}
		free(c);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("msg_update");
	TCase *tc = tcase_create("decode");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, update_vectors, 0, (int)(sizeof(vecs) / sizeof(vecs[0])));
	tcase_add_loop_test(tc, truncate_every_offset, 0, (int)(sizeof(vecs) / sizeof(vecs[0])));
	tcase_add_loop_test(tc, mutations_never_crash, 0, (int)(sizeof(vecs) / sizeof(vecs[0])));
	tcase_add_test(tc, error_data_is_the_attribute);
	tcase_add_test(tc, decode_full_attribute_set);
	tcase_add_test(tc, nlri_host_bits_are_cleared);
	tcase_add_test(tc, nlri_next_on_bad_view_sets_error);
	tcase_add_test(tc, ipv6_mp_reach_and_attrs_for_family);
	tcase_add_test(tc, end_of_rib_markers);
	tcase_add_test(tc, as4_path_reconstruction);
	tcase_add_test(tc, as_path_too_long_to_store);
	tcase_add_test(tc, adjacent_sequences_are_merged);
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
