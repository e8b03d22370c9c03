/*
 * test_log: the one rate limiter (bgpd/log.h) that per-UPDATE session lines
 * and the kernel's per-route lines share: a burst, then silence until the
 * window ends, then the count of what was dropped.
 */
#include <check.h>
#include <stdlib.h>

#include "log.h"

START_TEST(burst_then_silence_then_count)
{
	struct log_rl rl = {0};
	unsigned dropped = 99;
	time_t t0 = 1000000;

	for (unsigned i = 0; i < LOG_RL_BURST; i++) {
		ck_assert(log_rl_allow(&rl, t0, &dropped));
		ck_assert_uint_eq(dropped, 0);
	}
	for (unsigned i = 0; i < 7; i++)
		ck_assert(!log_rl_allow(&rl, t0 + LOG_RL_WINDOW - 1, &dropped));
	/* A new window: the first line goes out and reports the seven. */
	ck_assert(log_rl_allow(&rl, t0 + LOG_RL_WINDOW, &dropped));
	ck_assert_uint_eq(dropped, 7);
	ck_assert(log_rl_allow(&rl, t0 + LOG_RL_WINDOW, &dropped));
	ck_assert_uint_eq(dropped, 0);
}
END_TEST

START_TEST(quiet_windows_report_nothing)
{
	struct log_rl rl = {0};
	unsigned dropped;

	ck_assert(log_rl_allow(&rl, 500, &dropped));
	ck_assert(log_rl_allow(&rl, 500 + 3 * LOG_RL_WINDOW, &dropped));
	ck_assert_uint_eq(dropped, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("rate limit");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, burst_then_silence_then_count);
	tcase_add_test(tc, quiet_windows_report_nothing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
