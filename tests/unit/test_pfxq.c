#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfxq.h"

static struct prefix
P(const char *s) {
	struct prefix p;

	ck_assert_msg(prefix_parse(s, &p, PREFIX_PARSE_HOST) == PREFIX_OK, "%s", s);
	return p;
}
#define PP(s) (&(struct prefix[1]){P(s)}[0])

static void
pop_expect(struct pfxq *q, const char *want)
{
	struct prefix p;
	char b[PREFIX_STRLEN];

	ck_assert_msg(pfxq_pop(q, &p), "queue empty, wanted %s", want);
	ck_assert_str_eq(prefix_fmt(&p, b, sizeof(b)), want);
}

START_TEST(empty_queue)
{
	struct pfxq *q = pfxq_new();
	struct prefix p;

	ck_assert_ptr_nonnull(q);
	ck_assert(!pfxq_pop(q, &p));
	ck_assert(!pfxq_has(q, PP("10.0.0.0/8")));
	ck_assert_uint_eq(pfxq_len(q), 0);
	ck_assert_uint_eq(pfxq_bytes(q), 0);
	pfxq_free(q);
	pfxq_free(NULL);
}
END_TEST

START_TEST(fifo_and_coalescing)
{
	struct pfxq *q = pfxq_new();

	ck_assert_int_eq(pfxq_push(q, PP("10.0.0.0/24")), 1);
	ck_assert_int_eq(pfxq_push(q, PP("10.0.1.0/24")), 1);
	/* A second change of a queued prefix is the same work: it keeps its place. */
	ck_assert_int_eq(pfxq_push(q, PP("10.0.0.0/24")), 0);
	ck_assert_int_eq(pfxq_push(q, PP("2001:db8::/32")), 1);
	ck_assert_uint_eq(pfxq_len(q), 3);
	ck_assert(pfxq_has(q, PP("10.0.1.0/24")));
	ck_assert(!pfxq_has(q, PP("10.0.1.0/25")));
	pop_expect(q, "10.0.0.0/24");
	/* Popped: a new change queues it again, at the tail. */
	ck_assert(!pfxq_has(q, PP("10.0.0.0/24")));
	ck_assert_int_eq(pfxq_push(q, PP("10.0.0.0/24")), 1);
	pop_expect(q, "10.0.1.0/24");
	pop_expect(q, "2001:db8::/32");
	pop_expect(q, "10.0.0.0/24");
	ck_assert_uint_eq(pfxq_len(q), 0);
	pfxq_free(q);
}
END_TEST

START_TEST(families_and_lengths_are_distinct)
{
	struct pfxq *q = pfxq_new();
	struct prefix v4 = P("0.0.0.0/0"), v6 = P("::/0");

	ck_assert_int_eq(pfxq_push(q, &v4), 1);
	ck_assert_int_eq(pfxq_push(q, &v6), 1);
	ck_assert_int_eq(pfxq_push(q, PP("10.0.0.0/8")), 1);
	ck_assert_int_eq(pfxq_push(q, PP("10.0.0.0/9")), 1);
	ck_assert_int_eq(pfxq_push(q, PP("10.0.0.0/8")), 0);
	ck_assert_uint_eq(pfxq_len(q), 4);
	pop_expect(q, "0.0.0.0/0");
	pop_expect(q, "::/0");
	pop_expect(q, "10.0.0.0/8");
	pop_expect(q, "10.0.0.0/9");
	pfxq_free(q);
}
END_TEST

/* The memory of a burst goes back once the queue is drained. */
START_TEST(memory_returns_when_drained)
{
	struct pfxq *q = pfxq_new();
	struct prefix p = P("10.0.0.0/24");
	size_t n = 100000;

	for (size_t i = 0; i < n; i++) {
		p.bytes[1] = (uint8_t)(i >> 8);
		p.bytes[2] = (uint8_t)i;
		p.bytes[0] = (uint8_t)(10 + (i >> 16));
		ck_assert_int_eq(pfxq_push(q, &p), 1);
	}
	ck_assert_uint_eq(pfxq_len(q), n);
	/* IPv4: an 8-byte ring word and two 4-byte index slots each, the ring at most doubled. */
	ck_assert_uint_ge(pfxq_bytes(q), n * 16);
	ck_assert_uint_le(pfxq_bytes(q), 2 * n * 16);
	for (size_t i = 0; i < n; i++) {
		struct prefix got;

		ck_assert(pfxq_pop(q, &got));
		ck_assert_uint_eq(got.bytes[2], (uint8_t)i);
		ck_assert_uint_eq(got.bytes[1], (uint8_t)(i >> 8));
	}
	ck_assert_uint_eq(pfxq_bytes(q), 0);
	ck_assert_int_eq(pfxq_push(q, &p), 1);
	pfxq_clear(q);
	ck_assert_uint_eq(pfxq_len(q), 0);
	ck_assert_uint_eq(pfxq_bytes(q), 0);
	pfxq_free(q);
}
END_TEST

/*
 * Random pushes and pops over a small key space (so coalescing, wrap-around
 * of the ring and deletions inside long probe runs all happen), checked
 * against a plain array model.
 */
#define KEYS 3000
static struct prefix
key_prefix(int k)
{
	struct prefix p = P(k % 2 ? "2001:db8::/48" : "192.168.0.0/24");

	/* Keys share their low bytes across families and lengths. */
	p.bytes[k % 2 ? 4 : 1] = (uint8_t)(k >> 8);
	p.bytes[2] = (uint8_t)k;
	if (k % 3 == 0)
		p.len = k % 2 ? 64 : 25;
	return p;
}

START_TEST(randomized_vs_model)
{
	struct pfxq *q = pfxq_new();
	static int model[KEYS * 4]; /* FIFO of key numbers */
	static bool queued[KEYS];
	size_t mh = 0, mt = 0;
	uint32_t x = 0x9e3779b9u + (uint32_t)_i;

	memset(queued, 0, sizeof(queued));
	for (int step = 0; step < 400000; step++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		int k = (int)(x % KEYS);
		struct prefix p = key_prefix(k);
		bool push = (x >> 20) % 8 < (step / 50000 % 2 ? 3u : 5u);
		if (push) {
			ck_assert_int_eq(pfxq_push(q, &p), queued[k] ? 0 : 1);
			if (!queued[k]) {
				model[mt++ % (KEYS * 4)] = k;
				queued[k] = true;
			}
		} else if (mh < mt) {
			struct prefix got, exp;
			int want = model[mh++ % (KEYS * 4)];

			ck_assert(pfxq_pop(q, &got));
			exp = key_prefix(want);
			ck_assert(prefix_eq(&got, &exp));
			queued[want] = false;
		} else {
			struct prefix got;

			ck_assert(!pfxq_pop(q, &got));
		}
		ck_assert_uint_eq(pfxq_len(q), mt - mh);
		ck_assert(pfxq_has(q, &p) == queued[k]);
	}
	pfxq_free(q);
}
END_TEST

static Suite *
pfxq_suite(void)
{
	Suite *s = suite_create("pfxq");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, empty_queue);
	tcase_add_test(tc, fifo_and_coalescing);
	tcase_add_test(tc, families_and_lengths_are_distinct);
	tcase_add_test(tc, memory_returns_when_drained);
	tcase_add_loop_test(tc, randomized_vs_model, 0, 3);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pfxq_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
