/*
 * test_ctl_proto: control socket framing (any split of the bytes, limits,
 * several frames back to back) and the request/response shapes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"

static uint8_t *
frame(const char *body, size_t *len)
{
	size_t n = strlen(body);
	uint8_t *f = malloc(CTL_FRAME_HDR + n);

	ck_assert(ctl_frame_hdr(f, n, CTL_MAX_RESPONSE));
	memcpy(f + CTL_FRAME_HDR, body, n);
	*len = CTL_FRAME_HDR + n;
	return f;
}

START_TEST(header_is_big_endian)
{
	uint8_t h[4];

	ck_assert(ctl_frame_hdr(h, 0x01020304, 0x7fffffff));
	ck_assert_int_eq(h[0], 1);
	ck_assert_int_eq(h[1], 2);
	ck_assert_int_eq(h[2], 3);
	ck_assert_int_eq(h[3], 4);
	ck_assert(!ctl_frame_hdr(h, 0, 100));   /* empty frames do not exist */
	ck_assert(!ctl_frame_hdr(h, 101, 100)); /* over the limit */
	ck_assert(ctl_frame_hdr(h, 100, 100));
}
END_TEST

/* Every split of one frame into two reads yields the same body. */
START_TEST(any_split)
{
	const char *body = "{\"command\":\"show bgp summary\"}";
	size_t len, used, total;
	uint8_t *f = frame(body, &len);

	for (size_t cut = 0; cut <= len; cut++) {
		struct ctl_dec d;
		enum ctl_dec_status st;
		size_t blen;
		char *got;

		ctl_dec_init(&d, CTL_MAX_REQUEST);
		st = ctl_dec_feed(&d, f, cut, &used);
		ck_assert_uint_eq(used, cut);
		ck_assert_int_eq(st, cut == len ? CTL_DEC_FRAME : CTL_DEC_MORE);
		total = used;
		st = ctl_dec_feed(&d, f + cut, len - cut, &used);
		total += used;
		ck_assert_uint_eq(total, len);
		ck_assert_int_eq(st, CTL_DEC_FRAME);
		got = ctl_dec_take(&d, &blen);
		ck_assert_uint_eq(blen, strlen(body));
		ck_assert_str_eq(got, body);
		free(got);
		ck_assert_int_eq(d.status, CTL_DEC_MORE);
		ctl_dec_free(&d);
	}
	free(f);
}
END_TEST

/* One byte at a time, three frames back to back. */
START_TEST(byte_by_byte_several_frames)
{
	const char *bodies[] = {"{}", "{\"a\":1}", "[1,2,3]"};
	uint8_t buf[64];
	size_t n = 0, used;
	struct ctl_dec d;
	int got = 0;

	for (int i = 0; i < 3; i++) {
		size_t len;
		uint8_t *f = frame(bodies[i], &len);

		memcpy(buf + n, f, len);
		n += len;
		free(f);
	}
	ctl_dec_init(&d, 16);
	for (size_t i = 0; i < n; i++) {
		enum ctl_dec_status st = ctl_dec_feed(&d, buf + i, 1, &used);

		ck_assert_uint_eq(used, 1);
		if (st == CTL_DEC_FRAME) {
			size_t blen;
			char *b = ctl_dec_take(&d, &blen);

			ck_assert_str_eq(b, bodies[got]);
			free(b);
			got++;
		} else {
			ck_assert_int_eq(st, CTL_DEC_MORE);
		}
	}
	ck_assert_int_eq(got, 3);
	ctl_dec_free(&d);
}
END_TEST

/* A feed that holds a frame and the next one's start stops at the boundary. */
START_TEST(stops_at_frame_boundary)
{
	uint8_t buf[64];
	size_t l1, l2, used, blen;
	uint8_t *f1 = frame("{\"x\":1}", &l1), *f2 = frame("{\"y\":2}", &l2);
	struct ctl_dec d;
	char *b;

	memcpy(buf, f1, l1);
	memcpy(buf + l1, f2, l2);
	ctl_dec_init(&d, 100);
	ck_assert_int_eq(ctl_dec_feed(&d, buf, l1 + l2, &used), CTL_DEC_FRAME);
	ck_assert_uint_eq(used, l1);
	/* Until taken, the frame blocks further input. */
	size_t again;
	ck_assert_int_eq(ctl_dec_feed(&d, buf + used, l2, &again), CTL_DEC_FRAME);
	ck_assert_uint_eq(again, 0);
	b = ctl_dec_take(&d, &blen);
	ck_assert_str_eq(b, "{\"x\":1}");
	free(b);
	ck_assert_int_eq(ctl_dec_feed(&d, buf + used, l2, &used), CTL_DEC_FRAME);
	b = ctl_dec_take(&d, &blen);
	ck_assert_str_eq(b, "{\"y\":2}");
	free(b);
	ck_assert_ptr_null(ctl_dec_take(&d, &blen));
	ctl_dec_free(&d);
	free(f1);
	free(f2);
}
END_TEST

START_TEST(limits)
{
	/* A huge length is refused from the header alone: nothing allocated. */
	const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, '{'};
	const uint8_t empty[] = {0, 0, 0, 0};
	const uint8_t just[] = {0, 0, 0, 5, '[', '1', ',', '2', ']'};
	const uint8_t over[] = {0, 0, 0, 6};
	struct ctl_dec d;
	size_t used, blen;

	ctl_dec_init(&d, CTL_MAX_REQUEST);
	ck_assert_int_eq(ctl_dec_feed(&d, huge, sizeof(huge), &used), CTL_DEC_TOOBIG);
	ck_assert_ptr_null(d.body);
	/* It stays refused: the connection must be closed. */
	ck_assert_int_eq(ctl_dec_feed(&d, huge, sizeof(huge), &used), CTL_DEC_TOOBIG);
	ck_assert_uint_eq(used, 0);
	ctl_dec_free(&d);

	ctl_dec_init(&d, 5);
	ck_assert_int_eq(ctl_dec_feed(&d, empty, sizeof(empty), &used), CTL_DEC_EMPTY);
	ctl_dec_free(&d);

	ctl_dec_init(&d, 5);
	ck_assert_int_eq(ctl_dec_feed(&d, just, sizeof(just), &used), CTL_DEC_FRAME);
	free(ctl_dec_take(&d, &blen));
	ck_assert_uint_eq(blen, 5);
	ck_assert_int_eq(ctl_dec_feed(&d, over, sizeof(over), &used), CTL_DEC_TOOBIG);
	ctl_dec_free(&d);
}
END_TEST

START_TEST(frame_json_round_trip)
{
	json_t *req = ctl_request_new("show bgp summary"), *back;
	size_t len, used, blen;
	uint8_t *f = ctl_frame_json(req, CTL_MAX_REQUEST, &len);
	struct ctl_dec d;
	const char *why;
	char *body;

	ck_assert_ptr_nonnull(f);
	ctl_dec_init(&d, CTL_MAX_REQUEST);
	ck_assert_int_eq(ctl_dec_feed(&d, f, len, &used), CTL_DEC_FRAME);
	body = ctl_dec_take(&d, &blen);
	ck_assert_str_eq(body, "{\"command\":\"show bgp summary\"}");
	back = json_loadb(body, blen, 0, NULL);
	ck_assert_str_eq(ctl_request_line(back, &why), "show bgp summary");
	/* Over the limit: no frame. */
	ck_assert_ptr_null(ctl_frame_json(req, 10, &len));
	free(body);
	free(f);
	json_decref(back);
	json_decref(req);
	ctl_dec_free(&d);
}
END_TEST

START_TEST(shapes)
{
	const char *why = NULL;
	json_t *ok = ctl_response_ok("show_version", json_pack("{s:s}", "version", "0.1"));
	json_t *err = ctl_response_error("bad", json_pack("[s]", "line 3: x"));
	json_t *j;

	ck_assert(ctl_response_check(ok, &why));
	ck_assert_str_eq(json_string_value(json_object_get(ok, "status")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(ok, "command")), "show_version");
	ck_assert(json_is_object(json_object_get(ok, "data")));
	ck_assert(ctl_response_check(err, &why));
	ck_assert_str_eq(json_string_value(json_object_get(err, "error")), "bad");
	ck_assert_int_eq(json_array_size(json_object_get(err, "errors")), 1);

	j = json_loads("{\"status\":\"ok\"}", 0, NULL);
	ck_assert(!ctl_response_check(j, &why));
	json_decref(j);
	j = json_loads("{\"status\":\"maybe\",\"error\":\"x\"}", 0, NULL);
	ck_assert(!ctl_response_check(j, &why));
	json_decref(j);
	j = json_loads("[1]", 0, NULL);
	ck_assert(!ctl_response_check(j, &why));
	ck_assert_ptr_null(ctl_request_line(j, &why));
	json_decref(j);
	j = json_loads("{\"command\":3}", 0, NULL);
	ck_assert_ptr_null(ctl_request_line(j, &why));
	ck_assert_ptr_nonnull(strstr(why, "command"));
	json_decref(j);
	json_decref(ok);
	json_decref(err);
}
END_TEST

static Suite *
ctl_proto_suite(void)
{
	Suite *s = suite_create("ctl_proto");
	TCase *tc = tcase_create("framing");

	tcase_add_test(tc, header_is_big_endian);
	tcase_add_test(tc, any_split);
	tcase_add_test(tc, byte_by_byte_several_frames);
	tcase_add_test(tc, stops_at_frame_boundary);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, frame_json_round_trip);
	tcase_add_test(tc, shapes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
