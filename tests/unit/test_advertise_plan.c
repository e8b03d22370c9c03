/*
 * lib/plan.c: the config's policy settings reach lib/policy (cap, cap-action, min-length-action,
 * max-overcoverage in addresses and in percent, hysteresis), and `cebgpd --check` prints the
 * advertised set with its count against the cap. (The circuit's /30s are
 * passed too, but the config already refuses an announce overlapping one.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static const char head[] = "asn: 65001\n"
                           "router-id: 192.0.2.1\n"
                           "circuits:\n"
                           "  - name: c1\n"
                           "    links:\n"
                           "      primary:   { interface: eth0 }\n"
                           "      secondary: { interface: eth1 }\n"
                           "    peerings:\n"
                           "      public:\n"
                           "        vlan: 556\n"
                           "        primary-subnet: 172.16.1.4/30\n"
                           "        secondary-subnet: 172.16.2.4/30\n"
                           "        announce: [216.221.239.232/29]\n"
                           "      private:\n"
                           "        vlan: 555\n"
                           "        primary-subnet: 172.16.1.0/30\n"
                           "        secondary-subnet: 172.16.2.0/30\n";

struct loaded {
	struct config *cfg;
	struct config_diag diag;
	const struct config_circuit *ci;
	const struct config_peering *pri;
	struct policy_result *r;
};

/* head plus the private peering's extra lines; runs its policy. */
static void
load(struct loaded *l, const char *private_lines)
{
	size_t n = strlen(head) + strlen(private_lines) + 1;
	char *text = malloc(n);

	ck_assert_ptr_nonnull(text);
	snprintf(text, n, "%s%s", head, private_lines);
	config_diag_init(&l->diag);
	l->cfg = config_parse_string(text, "test.yaml", &l->diag);
	free(text);
	if (!l->cfg)
		config_diag_print(stderr, &l->diag);
	ck_assert_ptr_nonnull(l->cfg);
	l->ci = &l->cfg->circuits[0];
	l->pri = &l->ci->peering[CONFIG_PRIVATE];
	l->r = plan_policy(l->cfg, l->ci, l->pri, NULL);
	ck_assert_ptr_nonnull(l->r);
}

static void
unload(struct loaded *l)
{
	policy_result_free(l->r);
	config_free(l->cfg);
	config_diag_free(&l->diag);
}

static struct prefix
P(const char *s) {
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, 0), 0);
	return p;
}

START_TEST(cap_aggregate_and_truncate)
{
	static const char ann[] =
	        "        announce: [10.0.0.0/24, 10.0.2.0/24, 10.0.8.0/24, 10.0.10.0/24]\n"
	        "        max-prefixes: 2\n";
	char text[512];
	struct loaded l;

	/* The default: no aggregate shorter than the shortest announced /24,
	 * so nothing fits; the cap's worth goes out and 2 are left out. */
	load(&l, ann);
	ck_assert_uint_eq(l.r->n_adv, 2);
	ck_assert_int_eq(l.r->stats[0].verdict, POLICY_TRUNCATED);
	ck_assert_uint_eq(l.r->stats[0].overcoverage, 0);
	ck_assert_uint_eq(l.r->stats[0].left_out, 2);
	ck_assert_uint_eq(l.r->stats[0].floor, 24);
	unload(&l);

	/* cap-action aggregate beyond the default bound: aggregated, loudly. */
	snprintf(text, sizeof(text), "%s        cap-action: aggregate\n", ann);
	load(&l, text);
	ck_assert_int_eq(l.r->stats[0].verdict, POLICY_OVER_BOUND);
	ck_assert_uint_eq(l.r->stats[0].overcoverage, 2 * 512);
	unload(&l);

	/* ... and with no bound at all (the old defaults): aggregated. */
	snprintf(text, sizeof(text),
	         "%s        cap-action: aggregate\n        max-overcoverage: unbounded\n", ann);
	load(&l, text);
	ck_assert_uint_eq(l.r->n_adv, 2);
	ck_assert_int_eq(l.r->stats[0].verdict, POLICY_AGGREGATED);
	ck_assert(l.r->adv[0].lossy && l.r->adv[1].lossy);
	ck_assert_uint_eq(l.r->stats[0].overcoverage, 2 * 512);
	unload(&l);

	snprintf(text, sizeof(text),
	         "%s        cap-action: truncate\n"
	         "        max-overcoverage: 100\n",
	         ann);
	load(&l, text);
	ck_assert_uint_eq(l.r->n_adv, 2);
	ck_assert_int_eq(l.r->stats[0].verdict, POLICY_TRUNCATED);
	ck_assert(!l.r->adv[0].lossy && !l.r->adv[1].lossy);
	unload(&l);
}
END_TEST

/*
 * Circuit c2 announces the two /24s around circuit c1's /30s
 * (172.16.1.0/30 and others). Their cheapest aggregate, 172.16.0.0/22, would
 * cover c1's session and its discard route would blackhole it: c2 must
 * not use it, so with a cap of 1 nothing covers both.
 */
START_TEST(other_circuits_subnets_are_forbidden)
{
	static const char two[] = "circuits:\n"
	                          "  - name: c2\n"
	                          "    links:\n"
	                          "      primary:   { interface: eth2 }\n"
	                          "    peerings:\n"
	                          "      private:\n"
	                          "        vlan: 557\n"
	                          "        primary-subnet: 192.168.9.0/30\n"
	                          "        announce: [172.16.0.0/24, 172.16.3.0/24]\n"
	                          "        max-prefixes: 1\n"
	                          "        cap-action: aggregate\n"
	                          "        max-overcoverage: unbounded\n";
	char text[2048];
	struct config_diag diag;
	struct config *cfg;
	struct policy_result *r;
	const char *c1 = strstr(head, "  - name: c1");

	snprintf(text, sizeof(text), "asn: 65001\nrouter-id: 192.0.2.1\n%s%s", two, c1);
	config_diag_init(&diag);
	cfg = config_parse_string(text, "test.yaml", &diag);
	if (!cfg)
		config_diag_print(stderr, &diag);
	ck_assert_ptr_nonnull(cfg);
	r = plan_policy(cfg, &cfg->circuits[0], &cfg->circuits[0].peering[CONFIG_PRIVATE], NULL);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < r->n_adv; i++) {
		struct prefix s = P("172.16.1.0/30");

		ck_assert(!prefix_overlaps(&r->adv[i].p, &s));
	}
	for (size_t i = 0; i < r->n_holes; i++) {
		struct prefix s = P("172.16.1.0/30");

		ck_assert(!prefix_overlaps(&r->holes[i], &s));
	}
	ck_assert_int_eq(r->stats[0].verdict, POLICY_TRUNCATED);
	ck_assert_uint_eq(r->stats[0].left_out, 1);
	policy_result_free(r);
	config_free(cfg);
	config_diag_free(&diag);
}
END_TEST

/* 4 x /24 announced = 1024 addresses; aggregating to 2 costs 1024 more (100 %). */
START_TEST(overcoverage_percent)
{
	static const char ann[] =
	        "        announce: [10.0.0.0/24, 10.0.2.0/24, 10.0.8.0/24, 10.0.10.0/24]\n"
	        "        max-prefixes: 2\n"
	        "        cap-action: truncate\n";
	static const struct {
		const char *bound;
		enum policy_verdict v;
	} cases[] = {
	        {"\"99%\"", POLICY_TRUNCATED},    {"\"100%\"", POLICY_AGGREGATED},
	        {"\"99.99%\"", POLICY_TRUNCATED}, {"\"100.5%\"", POLICY_AGGREGATED},
	        {"\"0%\"", POLICY_TRUNCATED},     {"1023", POLICY_TRUNCATED},
	        {"1024", POLICY_AGGREGATED},
	};
	char text[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loaded l;

		snprintf(text, sizeof(text), "%s        max-overcoverage: %s\n", ann,
		         cases[i].bound);
		load(&l, text);
		ck_assert_msg(l.r->stats[0].verdict == cases[i].v, "%s: verdict %s", cases[i].bound,
		              policy_verdict_name(l.r->stats[0].verdict));
		unload(&l);
	}
}
END_TEST

START_TEST(min_length_extend)
{
	struct loaded l;
	struct prefix p29 = P("10.9.9.8/29");

	load(&l, "        announce: [10.9.9.9/32]\n");
	ck_assert_uint_eq(l.r->n_adv, 0);
	ck_assert_uint_gt(l.r->n_warnings, 0);
	unload(&l);
	load(&l, "        announce: [10.9.9.9/32]\n        min-length-action: extend\n");
	ck_assert_uint_eq(l.r->n_adv, 1);
	ck_assert(prefix_eq(&l.r->adv[0].p, &p29));
	ck_assert(l.r->adv[0].lossy);
	unload(&l);
}
END_TEST

/* With the previous result the same input gives the same set (no churn). */
START_TEST(hysteresis_stable)
{
	struct loaded l;
	struct policy_result *again;

	load(&l, "        announce: [10.0.0.0/24, 10.0.2.0/24, 10.0.8.0/24, 10.0.10.0/24, "
	         "10.1.0.0/24, 10.1.4.0/24]\n        max-prefixes: 3\n");
	again = plan_policy(l.cfg, l.ci, l.pri, l.r);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(again->n_adv, l.r->n_adv);
	for (size_t i = 0; i < again->n_adv; i++)
		ck_assert(prefix_eq(&again->adv[i].p, &l.r->adv[i].p));
	policy_result_free(again);
	unload(&l);
}
END_TEST

START_TEST(check_plan_output)
{
	struct loaded l;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	load(&l, "        announce: [10.0.0.0/24, 10.0.1.0/24, 10.5.0.1/32, 172.20.0.0/16]\n");
	out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	config_plan(out, l.cfg, &l.diag, plan_print_peering, NULL);
	fclose(out);
	/* the circuit's MD5 warning comes last */
	ck_assert_ptr_nonnull(strstr(buf, "warning: circuit c1: no MD5 key"));
	/* Siblings merged, the /32 dropped with its reason, the count against the cap. */
	ck_assert_ptr_nonnull(strstr(buf, "    advertise 10.0.0.0/23\n"));
	ck_assert_ptr_nonnull(strstr(buf, "    advertise 172.20.0.0/16\n"));
	ck_assert_ptr_null(strstr(buf, "advertise 10.0.0.0/24"));
	ck_assert_ptr_null(strstr(buf, "advertise 10.5.0.1/32"));
	ck_assert_ptr_nonnull(strstr(buf, "advertised (IPv4, after policy): 2 of cap 3000 (ok)"));
	ck_assert_ptr_nonnull(strstr(buf, "advertised (IPv4, after policy): 1 of cap 4000 (ok)"));
	ck_assert_ptr_nonnull(strstr(buf, "policy warning: 10.5.0.1/32 (line 18"));
	ck_assert_ptr_nonnull(strstr(buf, "    advertise 216.221.239.232/29\n"));
	free(buf);
	unload(&l);
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("advertise_plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, cap_aggregate_and_truncate);
	tcase_add_test(tc, other_circuits_subnets_are_forbidden);
	tcase_add_test(tc, overcoverage_percent);
	tcase_add_test(tc, min_length_extend);
	tcase_add_test(tc, hysteresis_stable);
	tcase_add_test(tc, check_plan_output);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
