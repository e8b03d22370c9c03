#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"

START_TEST(read_integers_in_network_order)
{
	const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	struct rbuf r;

	rbuf_init(&r, b, sizeof(b));
	ck_assert_uint_eq(rbuf_u8(&r), 0x01);
	ck_assert_uint_eq(rbuf_u16(&r), 0x0203);
	ck_assert_uint_eq(rbuf_u32(&r), 0x04050607);
	ck_assert(rbuf_ok(&r));
	ck_assert(rbuf_empty(&r));
}
END_TEST

START_TEST(read_past_end_is_sticky_and_yields_zero)
{
	const uint8_t b[] = {0xff, 0xff, 0xff};
	struct rbuf r;

	rbuf_init(&r, b, sizeof(b));
	ck_assert_uint_eq(rbuf_u32(&r), 0);
	ck_assert(!rbuf_ok(&r));
	/* Even a read that would fit fails after the first error. */
	ck_assert_uint_eq(rbuf_u8(&r), 0);
	ck_assert_uint_eq(rbuf_left(&r), 0);
}
END_TEST

START_TEST(read_every_width_at_every_short_length)
{
	const uint8_t b[] = {1, 2, 3, 4};
	struct rbuf r;

	for (size_t len = 0; len < 4; len++) {
		rbuf_init(&r, b, len);
		rbuf_u32(&r);
		ck_assert(!rbuf_ok(&r));
		rbuf_init(&r, b, len);
		if (len < 2) {
			rbuf_u16(&r);
			ck_assert(!rbuf_ok(&r));
		}
	}
}
END_TEST

START_TEST(sub_view_is_bounded_and_advances_parent)
{
	const uint8_t b[] = {0xaa, 0xbb, 0xcc, 0xdd};
	struct rbuf r, c;

	rbuf_init(&r, b, sizeof(b));
	ck_assert(rbuf_sub(&r, &c, 2));
	ck_assert_uint_eq(rbuf_left(&r), 2);
	ck_assert_uint_eq(rbuf_u16(&c), 0xaabb);
	rbuf_u8(&c); /* past the child's end, not into the parent's bytes */
	ck_assert(!rbuf_ok(&c));
	ck_assert(rbuf_ok(&r));
	ck_assert_uint_eq(rbuf_u16(&r), 0xccdd);
	ck_assert(!rbuf_sub(&r, &c, 1));
	ck_assert(!rbuf_ok(&c));
	ck_assert(!rbuf_ok(&r));
}
END_TEST

START_TEST(bytes_take_skip_peek)
{
	const uint8_t b[] = {1, 2, 3, 4, 5};
	uint8_t out[3] = {9, 9, 9};
	uint8_t v = 0;
	struct rbuf r;

	rbuf_init(&r, b, sizeof(b));
	ck_assert(rbuf_peek_u8(&r, 4, &v));
	ck_assert_uint_eq(v, 5);
	ck_assert(!rbuf_peek_u8(&r, 5, &v));
	ck_assert(rbuf_skip(&r, 1));
	ck_assert(rbuf_bytes(&r, out, 2));
	ck_assert_uint_eq(out[0], 2);
	ck_assert_ptr_eq(rbuf_take(&r, 2), b + 3);
	ck_assert(!rbuf_bytes(&r, out, 3));
	ck_assert_uint_eq(out[0], 0); /* failed read zeroes the destination */
	ck_assert_ptr_null(rbuf_take(&r, 0));
}
END_TEST

START_TEST(write_and_overflow)
{
	uint8_t mem[7];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert(wbuf_u8(&w, 0x01));
	ck_assert(wbuf_u16(&w, 0x0203));
	ck_assert(wbuf_u32(&w, 0x04050607));
	ck_assert_uint_eq(wbuf_len(&w), 7);
	ck_assert_uint_eq(mem[6], 0x07);
	ck_assert(!wbuf_u8(&w, 8));
	ck_assert(!wbuf_ok(&w));
	ck_assert_uint_eq(wbuf_len(&w), 7);
	ck_assert_uint_eq(wbuf_room(&w), 0);
}
END_TEST

START_TEST(reserve_patch_and_rewind)
{
	uint8_t mem[8];
	struct wbuf w;
	size_t at, mark;

	wbuf_init(&w, mem, sizeof(mem));
	at = wbuf_reserve(&w, 2);
	ck_assert_uint_eq(at, 0);
	ck_assert(wbuf_bytes(&w, "abc", 3));
	ck_assert(wbuf_patch_u16(&w, at, 3));
	ck_assert_uint_eq(mem[0], 0);
	ck_assert_uint_eq(mem[1], 3);
	ck_assert(!wbuf_patch_u16(&w, 4, 1)); /* would straddle the end */
	mark = wbuf_len(&w);
	ck_assert(!wbuf_bytes(&w, "0123456789", 10));
	ck_assert(!wbuf_ok(&w));
	wbuf_rewind(&w, mark);
	ck_assert(wbuf_ok(&w));
	ck_assert_uint_eq(wbuf_len(&w), 5);
	ck_assert(wbuf_zero(&w, 3));
	ck_assert_uint_eq(wbuf_reserve(&w, 1), SIZE_MAX);
	ck_assert(wbuf_patch_u8(&w, 7, 0x55));
	ck_assert(!wbuf_patch_u8(&w, 8, 0x55));
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, read_integers_in_network_order);
	tcase_add_test(tc, read_past_end_is_sticky_and_yields_zero);
	tcase_add_test(tc, read_every_width_at_every_short_length);
	tcase_add_test(tc, sub_view_is_bounded_and_advances_parent);
	tcase_add_test(tc, bytes_take_skip_peek);
	tcase_add_test(tc, write_and_overflow);
	tcase_add_test(tc, reserve_patch_and_rewind);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
