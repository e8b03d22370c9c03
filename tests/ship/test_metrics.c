/* metrics_render: the exposition text of a known snapshot, both formats. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bgpd/metrics.h"

static char *
render(bool om)
{
	static struct metrics_session ss[2] = {
	        {.circuit = "1GbpsCircuit",
	         .peering = "private",
	         .role = "primary",
	         .peer = "172.16.1.2",
	         .state = "Established",
	         .established = true,
	         .uptime_seconds = 12,
	         .flaps = 1,
	         .msgs_in = 10,
	         .msgs_out = 9,
	         .updates_in = 3,
	         .updates_out = 2,
	         .prefixes_received = 5,
	         .prefixes_accepted = 4,
	         .prefixes_advertised = 2},
	        {.circuit = "odd\"name\\with\nnewline",
	         .peering = "public",
	         .role = "secondary",
	         .peer = "172.16.2.6",
	         .state = "Active"},
	};
	static struct metrics_peering ps[1] = {
	        {.circuit = "1GbpsCircuit", .peering = "private", .advertised = 750, .cap = 3000}};
	static struct metrics_drop ds[1] = {{.direction = "out", .reason = "too-long", .count = 7}};
	static struct metrics_policy pol[2] = {
	        {"1GbpsCircuit", "private", "ipv4", .announced = 3, .advertised = 2,
	         .overcoverage = 512, .left_out = 4},
	        {"1GbpsCircuit", "private", "ipv6", .announced = 0, .advertised = 0}};
	static struct metrics_policy_drop pd[2] = {{"1GbpsCircuit", "private", "min-length", 1},
	                                           {"1GbpsCircuit", "private", "bogon", 0}};
	struct metrics_snapshot snap = {.version = "1.2.3~git4.gabc\"x",
	                                .start_time = 1700000000.5,
	                                .sessions = ss,
	                                .nsessions = 2,
	                                .peerings = ps,
	                                .npeerings = 1,
	                                .drops = ds,
	                                .ndrops = 1,
	                                .fib_routes = 42,
	                                .fib_nexthop_groups = 3,
	                                .fib_shadow_bytes = 4096,
	                                .policies = pol,
	                                .npolicies = 2,
	                                .pdrops = pd,
	                                .npdrops = 2};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(metrics_render(f, &snap, om), 0);
	fclose(f);
	return text;
}

static void
has(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	ck_assert_msg(strstr(text, want) != NULL, "missing line: %s\n---\n%s", line, text);
}

static void
hasnt(const char *text, const char *s)
{
	ck_assert_msg(strstr(text, s) == NULL, "unexpected: %s", s);
}

START_TEST(prometheus_text)
{
	char *t = render(false);

	has(t, "# TYPE cebgp_session_flaps_total counter");
	has(t, "cebgp_session_flaps_total{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "role=\"primary\",peer=\"172.16.1.2\"} 1");
	has(t, "cebgp_session_state{circuit=\"1GbpsCircuit\",peering=\"private\",role=\"primary\","
	       "peer=\"172.16.1.2\",state=\"Established\"} 1");
	has(t, "cebgp_session_established{circuit=\"odd\\\"name\\\\with\\nnewline\",peering="
	       "\"public\",role=\"secondary\",peer=\"172.16.2.6\"} 0");
	has(t, "cebgp_session_messages_received_total{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "role=\"primary\",peer=\"172.16.1.2\"} 10");
	has(t, "cebgp_session_prefixes_accepted{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "role=\"primary\",peer=\"172.16.1.2\"} 4");
	has(t, "cebgp_peering_cap_usage_ratio{circuit=\"1GbpsCircuit\",peering=\"private\"} 0.25");
	has(t, "cebgp_policy_dropped_prefixes{direction=\"out\",reason=\"too-long\"} 7");
	has(t, "cebgp_fib_routes 42");
	has(t, "cebgp_fib_nexthop_groups 3");
	has(t, "cebgp_fib_shadow_bytes 4096");
	has(t, "cebgp_start_time_seconds 1700000000.5");
	has(t, "# TYPE cebgp_build_info gauge");
	has(t, "cebgp_build_info{version=\"1.2.3~git4.gabc\\\"x\"} 1");
	has(t, "# TYPE cebgp_policy_advertised_prefixes gauge");
	has(t, "cebgp_policy_announced_prefixes{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "family=\"ipv4\"} 3");
	has(t, "cebgp_policy_advertised_prefixes{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "family=\"ipv4\"} 2");
	has(t, "cebgp_policy_outbound_dropped_prefixes{circuit=\"1GbpsCircuit\",peering="
	       "\"private\",reason=\"min-length\"} 1");
	has(t, "cebgp_policy_overcoverage{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "family=\"ipv4\"} 512");
	has(t, "cebgp_policy_left_out_prefixes{circuit=\"1GbpsCircuit\",peering=\"private\","
	       "family=\"ipv4\"} 4");
	has(t, "cebgp_policy_outbound_dropped_prefixes{circuit=\"1GbpsCircuit\",peering="
	       "\"private\",reason=\"bogon\"} 0");
	hasnt(t, "# EOF");
	free(t);
}
END_TEST

START_TEST(openmetrics_text)
{
	char *t = render(true);
	size_t len = strlen(t);

	/* Counter families are named without _total; samples keep it. */
	has(t, "# TYPE cebgp_session_flaps counter");
	hasnt(t, "# TYPE cebgp_session_flaps_total");
	has(t, "cebgp_fib_routes 42");
	ck_assert(strstr(t, "\ncebgp_session_flaps_total{") != NULL);
	ck_assert(len > 6);
	ck_assert_str_eq(t + len - 6, "# EOF\n");
	free(t);
}
END_TEST

/* Every family has exactly one TYPE line and its samples right after it. */
START_TEST(families_once_and_contiguous)
{
	char *t = render(false);
	char seen[64][80];
	size_t nseen = 0;
	char cur[80] = "";

	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
		char name[80];

		if (sscanf(line, "# TYPE %79s", name) == 1) {
			for (size_t i = 0; i < nseen; i++)
				ck_assert_msg(strcmp(seen[i], name) != 0, "TYPE twice: %s", name);
			ck_assert_uint_lt(nseen, 64);
			strcpy(seen[nseen++], name);
			strcpy(cur, name);
			continue;
		}
		if (line[0] == '#')
			continue;
		ck_assert_msg(strncmp(line, cur, strlen(cur)) == 0, "%s outside family %s", line,
		              cur);
	}
	ck_assert_uint_ge(nseen, 15);
	free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("render");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, prometheus_text);
	tcase_add_test(tc, openmetrics_text);
	tcase_add_test(tc, families_once_and_contiguous);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
