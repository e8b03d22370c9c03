#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/config.h" /* not autoconf's config.h, which -I. finds first */

START_TEST(placeholder)
{
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	cfg = config_load("../conf/cebgpd.yaml", &d);
	config_diag_print(stdout, &d);
	ck_assert_ptr_nonnull(cfg);
	config_plan(stdout, cfg, &d, NULL, NULL);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, placeholder);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
