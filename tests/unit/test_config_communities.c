/*
 * test_config_communities: accept-communities by the provider's names. A
 * bare region name takes the regional community of the peering it is
 * written in, numbers and names mix, case does not matter, and a name
 * nobody publishes is an error at its own position that says what would do.
 */
#define _GNU_SOURCE /* open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "config_fixture.h"

#define C(asn, v) (((uint32_t)(asn) << 16) | (uint32_t)(v))

/* Private and public peering (the classic profile), each with ACCEPT_x. */
static char *
text(const char *accept_private, const char *accept_public)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "asn: 65100\n"
	        "circuits:\n"
	        "  - name: c1\n"
	        "    links:\n"
	        "      primary: { interface: eth0 }\n"
	        "      secondary: { interface: eth1 }\n"
	        "    peerings:\n"
	        "      private:\n"
	        "        vlan: 555\n"
	        "        primary-subnet: 172.16.1.0/30\n"
	        "        secondary-subnet: 172.16.2.0/30\n"
	        "        accept-communities: %s\n"
	        "      public:\n"
	        "        vlan: 556\n"
	        "        primary-subnet: 172.16.1.4/30\n"
	        "        secondary-subnet: 172.16.2.4/30\n"
	        "        accept-communities: %s\n",
	        accept_private, accept_public);
	fclose(f);
	return out;
}

static void
assert_list(const struct config_peering *pe, const uint32_t *want, size_t n)
{
	ck_assert(pe->accept_communities_set);
	ck_assert_uint_eq(pe->naccept_communities, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(pe->accept_communities[i] == want[i],
		              "entry %zu: %u:%u, expected %u:%u", i,
		              pe->accept_communities[i] >> 16, pe->accept_communities[i] & 0xffff,
		              want[i] >> 16, want[i] & 0xffff);
}

START_TEST(names_by_peering)
{
	struct config_diag d;
	char *t = text("[\"East US\", \"12076:50002\", \"west europe storage\"]",
	               "[\"East US\", \"Exchange Online\", \"12076:51006\", \"no-export\"]");
	struct config *cfg = fixture_load(t, &d);
	static const uint32_t priv[] = {C(12076, 50004), C(12076, 50002), C(12076, 52002)};
	static const uint32_t pub[] = {C(12076, 51004), C(12076, 5010), C(12076, 51006),
	                               C(65535, 65281)};

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.errors, 0);
	assert_list(&cfg->circuits[0].peering[CONFIG_PRIVATE], priv, 3);
	assert_list(&cfg->circuits[0].peering[CONFIG_PUBLIC], pub, 4);
	config_free(cfg);
	config_diag_free(&d);
	free(t);
}
END_TEST

/* --check shows what each name resolved to, named again. */
START_TEST(plan_names_them)
{
	struct config_diag d;
	char *t = text("[\"East US\"]", "[\"East US\", \"12076:5010\", \"65000:1\"]");
	struct config *cfg = fixture_load(t, &d);
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_ptr_nonnull(cfg);
	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	config_plan(f, cfg, &d, NULL, NULL);
	fclose(f);
	ck_assert_msg(strstr(out, "\n    accept-communities: 12076:50004 (East US)\n") != NULL,
	              "%s", out);
	ck_assert_msg(strstr(out, "\n    accept-communities: 12076:51004 (East US), 12076:5010 "
	                          "(Exchange Online), 65000:1\n") != NULL,
	              "%s", out);
	free(out);
	config_free(cfg);
	config_diag_free(&d);
	free(t);
}
END_TEST

/* A misspelt name: an error at the item, naming what is accepted. */
START_TEST(unknown_name_is_an_error)
{
	struct config_diag d;
	char *t = text("[\"East US\"]", "[\"Eats US\", \"Exchange\"]");
	struct config *cfg = fixture_load(t, &d);
	char *msg;

	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.errors, 2);
	msg = fixture_diag_text(&d);
	ck_assert_msg(strstr(msg, "t.yaml:17:30: error: accept-communities: 'Eats US' is not a "
	                          "community; expected ASN:VALUE") != NULL,
	              "%s", msg);
	ck_assert_msg(strstr(msg, "t.yaml:17:41: error: accept-communities: 'Exchange' is not") !=
	                      NULL,
	              "%s", msg);
	ck_assert_msg(strstr(msg, "or a name the provider publishes such as \"East US\" or "
	                          "\"Exchange Online\"") != NULL,
	              "%s", msg);
	free(msg);
	config_diag_free(&d);
	free(t);
}
END_TEST

/* Outbound communities are ours to choose: no provider names there. */
START_TEST(outbound_communities_take_no_names)
{
	struct config_diag d;
	char *t = text("[\"East US\"]", "[\"East US\"]");
	char *u = malloc(strlen(t) + 64);
	struct config *cfg;
	char *msg;

	ck_assert_ptr_nonnull(u);
	strcpy(u, t);
	strcat(u, "        communities: [\"East US\"]\n");
	cfg = fixture_load(u, &d);
	ck_assert_ptr_null(cfg);
	msg = fixture_diag_text(&d);
	ck_assert_msg(strstr(msg, "communities: 'East US' is not a community") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "provider publishes") == NULL, "%s", msg);
	free(msg);
	config_diag_free(&d);
	free(u);
	free(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("config_communities");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, names_by_peering);
	tcase_add_test(tc, plan_names_them);
	tcase_add_test(tc, unknown_name_is_an_error);
	tcase_add_test(tc, outbound_communities_take_no_names);
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
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
