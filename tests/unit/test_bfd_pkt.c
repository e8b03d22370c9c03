/*
 * BFD Control packet tests: the wire layout byte by byte, round trips, and
 * a table of malformed packets {name, bytes, expected verdict} covering
 * every RFC 5880 §6.8.6 stateless rule (lengths derived from the literals).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bfd_pkt.h"
#include "compiler.h"

/* A valid packet from a Down peer that has not heard us yet. */
#define HDR_DOWN 0x20, 0x40, 3, 24
#define DISCRS   0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0
#define TIMES                                   \
	0x00, 0x04, 0x93, 0xe0, /* 300000 us */ \
	        0x00, 0x04, 0x93, 0xe0, 0, 0, 0, 0

START_TEST(encode_layout)
{
	const struct bfd_pkt p = {
	        .version = 1,
	        .diag = BFD_DIAG_NEIGHBOR_DOWN,
	        .state = BFD_UP,
	        .poll = true,
	        .detect_mult = 3,
	        .my_discr = 0x01020304,
	        .your_discr = 0xa0b0c0d0,
	        .desired_min_tx = 300000,
	        .required_min_rx = 1000000,
	        .required_min_echo_rx = 0,
	};
	const uint8_t want[] = {
	        0x23,                   /* version 1 (001), diag 3 (00011) */
	        0xe0,                   /* state Up (11), P (1), F C A D M clear */
	        3,    24,               /* detect mult, length */
	        1,    2,    3,    4,    /* my discriminator */
	        0xa0, 0xb0, 0xc0, 0xd0, /* your discriminator */
	        0x00, 0x04, 0x93, 0xe0, /* 300000 */
	        0x00, 0x0f, 0x42, 0x40, /* 1000000 */
	        0,    0,    0,    0,
	};
	uint8_t buf[64];

	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, sizeof(buf)), sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
}
END_TEST

START_TEST(encode_every_flag_bit)
{
	struct bfd_pkt p = {.version = 1, .state = BFD_INIT, .detect_mult = 1};
	uint8_t buf[BFD_PKT_LEN];

	p.final = true;
	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, sizeof(buf)), BFD_PKT_LEN);
	ck_assert_uint_eq(buf[1], 0x80 | 0x10);
	p.final = false;
	p.cpi = p.auth = p.demand = p.multipoint = true;
	bfd_pkt_encode(&p, buf, sizeof(buf));
	ck_assert_uint_eq(buf[1], 0x80 | 0x08 | 0x04 | 0x02 | 0x01);
}
END_TEST

START_TEST(encode_needs_room)
{
	const struct bfd_pkt p = {.version = 1, .state = BFD_DOWN, .detect_mult = 3};
	uint8_t buf[BFD_PKT_LEN];

	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, BFD_PKT_LEN - 1), 0);
	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, BFD_PKT_LEN), BFD_PKT_LEN);
}
END_TEST

START_TEST(round_trip)
{
	const struct bfd_pkt p = {
	        .version = 1,
	        .diag = BFD_DIAG_DETECT_EXPIRED,
	        .state = BFD_DOWN,
	        .final = true,
	        .detect_mult = 255,
	        .length = BFD_PKT_LEN,
	        .my_discr = 0xffffffff,
	        .your_discr = 7,
	        .desired_min_tx = 1000000,
	        .required_min_rx = 50000,
	        .required_min_echo_rx = 0,
	};
	struct bfd_pkt q;
	uint8_t buf[BFD_PKT_LEN];

	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, sizeof(buf)), BFD_PKT_LEN);
	ck_assert_int_eq(bfd_pkt_decode(buf, sizeof(buf), &q), BFD_PKT_OK);
	/* field by field: the struct has padding */
	ck_assert_uint_eq(q.version, p.version);
	ck_assert_uint_eq(q.diag, p.diag);
	ck_assert_int_eq(q.state, p.state);
	ck_assert(q.final && !q.poll && !q.cpi && !q.auth && !q.demand && !q.multipoint);
	ck_assert_uint_eq(q.detect_mult, p.detect_mult);
	ck_assert_uint_eq(q.length, p.length);
	ck_assert_uint_eq(q.my_discr, p.my_discr);
	ck_assert_uint_eq(q.your_discr, p.your_discr);
	ck_assert_uint_eq(q.desired_min_tx, p.desired_min_tx);
	ck_assert_uint_eq(q.required_min_rx, p.required_min_rx);
	ck_assert_uint_eq(q.required_min_echo_rx, p.required_min_echo_rx);
}
END_TEST

struct vector {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum bfd_pkt_verdict verdict;
};

#define V(n, verdict, ...)                                                                         \
	{                                                                                          \
		n, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), verdict \
	}

/* clang-format off */
static const struct vector vectors[] = {
	V("valid Down, your discriminator 0", BFD_PKT_OK, HDR_DOWN, DISCRS, TIMES),
	V("valid AdminDown, your discriminator 0", BFD_PKT_OK,
	  0x27, 0x00, 3, 24, DISCRS, TIMES),
	V("valid Up with your discriminator", BFD_PKT_OK,
	  0x20, 0xc0, 3, 24, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 9, TIMES),
	V("valid Init with your discriminator", BFD_PKT_OK,
	  0x20, 0x80, 3, 24, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 9, TIMES),
	V("trailing bytes past Length ignored", BFD_PKT_OK,
	  HDR_DOWN, DISCRS, TIMES, 0xde, 0xad),
	V("Length 28 inside a 28-byte payload", BFD_PKT_OK,
	  0x20, 0x40, 3, 28, DISCRS, TIMES, 0, 0, 0, 0),
	V("P and F both set are processed", BFD_PKT_OK,
	  0x20, 0xf0, 3, 24, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 9, TIMES),
	V("C and D bits accepted", BFD_PKT_OK,
	  0x20, 0xca, 3, 24, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 9, TIMES),
	V("empty", BFD_PKT_TRUNCATED, 0),
	V("3 bytes", BFD_PKT_TRUNCATED, 0x20, 0x40, 3),
	V("23 bytes, Length 24", BFD_PKT_TRUNCATED,
	  HDR_DOWN, DISCRS, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0),
	V("Length 48 beyond a 24-byte payload", BFD_PKT_TRUNCATED,
	  0x20, 0x40, 3, 48, DISCRS, TIMES),
	V("version 0", BFD_PKT_BAD_VERSION, 0x00, 0x40, 3, 24, DISCRS, TIMES),
	V("version 2", BFD_PKT_BAD_VERSION, 0x40, 0x40, 3, 24, DISCRS, TIMES),
	V("version 7, short", BFD_PKT_BAD_VERSION, 0xe0, 0x40, 3, 24),
	V("Length 23", BFD_PKT_BAD_LENGTH, 0x20, 0x40, 3, 23, DISCRS, TIMES),
	V("Length 0", BFD_PKT_BAD_LENGTH, 0x20, 0x40, 3, 0, DISCRS, TIMES),
	V("Length 20 in a 20-byte datagram", BFD_PKT_BAD_LENGTH,
	  0x20, 0x40, 3, 20, DISCRS, 0, 0, 0, 1, 0, 0, 0, 1),
	V("A bit with Length 24", BFD_PKT_BAD_LENGTH,
	  0x20, 0x44, 3, 24, DISCRS, TIMES),
	V("A bit with Length 25", BFD_PKT_BAD_LENGTH,
	  0x20, 0x44, 3, 25, DISCRS, TIMES, 1),
	V("A bit, Length 26, authentication present", BFD_PKT_AUTH,
	  0x20, 0x44, 3, 26, DISCRS, TIMES, 1, 2),
	V("detect multiplier 0", BFD_PKT_ZERO_MULT, 0x20, 0x40, 0, 24, DISCRS, TIMES),
	V("multipoint bit", BFD_PKT_MULTIPOINT, 0x20, 0x41, 3, 24, DISCRS, TIMES),
	V("my discriminator 0", BFD_PKT_ZERO_MY_DISCR,
	  0x20, 0x40, 3, 24, 0, 0, 0, 0, 0, 0, 0, 0, TIMES),
	V("your discriminator 0 in Up", BFD_PKT_ZERO_YOUR_DISCR,
	  0x20, 0xc0, 3, 24, DISCRS, TIMES),
	V("your discriminator 0 in Init", BFD_PKT_ZERO_YOUR_DISCR,
	  0x20, 0x80, 3, 24, DISCRS, TIMES),
	/* The first rule broken names the verdict (RFC order). */
	V("version and multiplier both bad", BFD_PKT_BAD_VERSION,
	  0x60, 0x41, 0, 24, DISCRS, TIMES),
	V("multiplier 0 and multipoint", BFD_PKT_ZERO_MULT, 0x20, 0x41, 0, 24, DISCRS, TIMES),
};
/* clang-format on */

START_TEST(malformed_table)
{
	const struct vector *v = &vectors[_i];
	struct bfd_pkt p;
	enum bfd_pkt_verdict got = bfd_pkt_decode(v->bytes, v->len, &p);

	ck_assert_msg(got == v->verdict, "%s: got %s, want %s", v->name, bfd_pkt_verdict_name(got),
	              bfd_pkt_verdict_name(v->verdict));
	/* The check on the decoded fields agrees with the decoder once the
	 * mandatory section could be read at all. */
	if (v->len >= BFD_PKT_LEN)
		ck_assert_int_eq(bfd_pkt_check(&p, v->len), got);
}
END_TEST

/* Every single-byte truncation of a valid packet is refused, never read past. */
START_TEST(every_truncation)
{
	const uint8_t ok[] = {HDR_DOWN, DISCRS, TIMES};
	struct bfd_pkt p;

	for (size_t n = 0; n < sizeof(ok); n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, ok, n);
		ck_assert_int_eq(bfd_pkt_decode(copy, n, &p), BFD_PKT_TRUNCATED);
		free(copy);
	}
	ck_assert_int_eq(bfd_pkt_decode(ok, sizeof(ok), &p), BFD_PKT_OK);
	ck_assert_uint_eq(p.my_discr, 0x11223344);
	ck_assert_uint_eq(p.desired_min_tx, 300000);
	ck_assert_int_eq(p.state, BFD_DOWN);
	ck_assert_uint_eq(p.detect_mult, 3);
}
END_TEST

START_TEST(decode_fields)
{
	const uint8_t b[] = {0x27, 0xfb, 5,    24,   1, 2, 3,    4,    5, 6, 7, 8,
	                     0,    1,    0x86, 0xa0, 0, 0, 0x27, 0x10, 0, 0, 0, 1};
	struct bfd_pkt p;

	/* 0xfb: Up, P, F, C, D, M (no A); M makes it invalid. */
	ck_assert_int_eq(bfd_pkt_decode(b, sizeof(b), &p), BFD_PKT_MULTIPOINT);
	ck_assert_uint_eq(p.version, 1);
	ck_assert_uint_eq(p.diag, BFD_DIAG_ADMIN_DOWN);
	ck_assert_int_eq(p.state, BFD_UP);
	ck_assert(p.poll && p.final && p.cpi && p.demand && p.multipoint && !p.auth);
	ck_assert_uint_eq(p.detect_mult, 5);
	ck_assert_uint_eq(p.my_discr, 0x01020304);
	ck_assert_uint_eq(p.your_discr, 0x05060708);
	ck_assert_uint_eq(p.desired_min_tx, 100000);
	ck_assert_uint_eq(p.required_min_rx, 10000);
	ck_assert_uint_eq(p.required_min_echo_rx, 1);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(bfd_state_name(BFD_ADMIN_DOWN), "AdminDown");
	ck_assert_str_eq(bfd_state_name(BFD_DOWN), "Down");
	ck_assert_str_eq(bfd_state_name(BFD_INIT), "Init");
	ck_assert_str_eq(bfd_state_name(BFD_UP), "Up");
	ck_assert_str_eq(bfd_state_name(BFD_STATE_COUNT), "?");
	ck_assert_str_eq(bfd_diag_name(BFD_DIAG_DETECT_EXPIRED), "Control Detection Time Expired");
	ck_assert_str_eq(bfd_diag_name(BFD_DIAG_NEIGHBOR_DOWN), "Neighbor Signaled Session Down");
	ck_assert_str_eq(bfd_diag_key(BFD_DIAG_PATH_DOWN), "path-down");
	ck_assert_str_eq(bfd_diag_name(20), "Unassigned");
	ck_assert_str_eq(bfd_diag_name(32), "?");
	for (unsigned d = 0; d < BFD_DIAG_COUNT; d++) {
		ck_assert_ptr_nonnull(bfd_diag_name(d));
		ck_assert_ptr_nonnull(bfd_diag_key(d));
	}
	for (unsigned v = 0; v < BFD_PKT_VERDICT_COUNT; v++)
		ck_assert_ptr_nonnull(bfd_pkt_verdict_name(v));
	ck_assert_str_eq(bfd_pkt_verdict_name(BFD_PKT_VERDICT_COUNT), "?");
}
END_TEST

static Suite *
bfd_pkt_suite(void)
{
	Suite *s = suite_create("bfd_pkt");
	TCase *t = tcase_create("codec");

	tcase_add_test(t, encode_layout);
	tcase_add_test(t, encode_every_flag_bit);
	tcase_add_test(t, encode_needs_room);
	tcase_add_test(t, round_trip);
	tcase_add_loop_test(t, malformed_table, 0, ARRAY_SIZE(vectors));
	tcase_add_test(t, every_truncation);
	tcase_add_test(t, decode_fields);
	tcase_add_test(t, names);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bfd_pkt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
