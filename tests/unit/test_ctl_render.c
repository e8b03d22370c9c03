/*
 * test_ctl_render: golden files. Each tests/unit/fixtures/ctl/NAME.json is a
 * response as the daemon sends it; NAME.txt is what cebgpctl prints. With
 * CTL_GOLDEN_UPDATE=1 in the environment the .txt files are (re)written
 * instead (review the diff before committing).
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_render.h"

#ifndef CTL_FIXTURES
#define CTL_FIXTURES "tests/unit/fixtures/ctl"
#endif

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0;

	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &size);
	int c;

	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* Not inlined: GCC's -Wdangling-pointer then takes the text for open_memstream's local. */
static __attribute__((noinline)) char *
render(const json_t *j, int *rc)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&buf, &size);

	*rc = ctl_render(m, j);
	fclose(m);
	return buf;
}

static const struct {
	const char *name;
	int rc;
} goldens[] = {
        {"summary", 0},          {"neighbors", 0},    {"routes", 0},        {"policy", 0},
        {"explain", 0},          {"kernel", 0},       {"kernel-totals", 0}, {"version", 0},
        {"config", 0},           {"reload-error", 1}, {"reload", 0},        {"bfd", 0},
        {"routes-microsoft", 0}, {"bfd6", 0},
};

START_TEST(golden)
{
	char path[512];
	json_error_t jerr;
	json_t *j;
	char *got, *want;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.json", CTL_FIXTURES, goldens[_i].name);
	j = json_load_file(path, 0, &jerr);
	ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
	got = render(j, &rc);
	ck_assert_int_eq(rc, goldens[_i].rc);
	snprintf(path, sizeof(path), "%s/%s.txt", CTL_FIXTURES, goldens[_i].name);
	if (getenv("CTL_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path);
	ck_assert_msg(want != NULL, "%s missing (run with CTL_GOLDEN_UPDATE=1)", path);
	ck_assert_msg(strcmp(got, want) == 0, "%s differs:\n--- got\n%s--- want\n%s", path, got,
	              want);
	/* No trailing blanks anywhere: tables pad only between columns. */
	ck_assert_ptr_null(strstr(got, " \n"));
	free(got);
	free(want);
	json_decref(j);
}
END_TEST

/*
 * show bfd with IPv6 neighbors: every column of the table starts at the
 * same place on every line. Left-aligned columns begin where their heading
 * does, right-aligned ones end where it ends; each cell is one word (or
 * "peer silent") with a blank before it.
 */
START_TEST(bfd_table_aligned_with_ipv6)
{
	static const char *const heads[] = {"Neighbor",   "Interface", "State", "LocalDisc",
	                                    "RemoteDisc", "TX ms",     "RX ms", "Mult",
	                                    "Detect ms",  "Diag",      "Flaps", "Up"};
	static const bool right[] = {false, false, false, true,  true, true,
	                             true,  true,  true,  false, true, false};
	char path[512];
	json_t *j;
	char *got, *line, *save = NULL;
	size_t start[12], end[12], rows = 0, v6rows = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/bfd6.json", CTL_FIXTURES);
	j = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(j);
	got = render(j, &rc);
	ck_assert_int_eq(rc, 0);
	line = strtok_r(got, "\n", &save);
	ck_assert_ptr_nonnull(line);
	for (size_t c = 0; c < 12; c++) {
		const char *h = c == 0 ? line : strstr(line + end[c - 1], heads[c]);

		ck_assert_msg(h != NULL && strncmp(h, heads[c], strlen(heads[c])) == 0,
		              "heading %s missing", heads[c]);
		start[c] = (size_t)(h - line);
		end[c] = start[c] + strlen(heads[c]);
	}
	/* The table ends at the first blank line: strtok_r skips it, so stop at
	 * the first detail line (it has no column of blanks at the Interface). */
	while ((line = strtok_r(NULL, "\n", &save)) != NULL && line[0] != ' ' &&
	       strstr(line, ", local ") == NULL) {
		size_t len = strlen(line);

		rows++;
		v6rows += strchr(line, ':') != NULL && strchr(line, ':') < line + start[1];
		for (size_t c = 0; c < 12; c++) {
			size_t at = right[c] ? end[c] - 1 : start[c];

			ck_assert_msg(at < len && line[at] != ' ', "row %zu, column %s: \"%s\"",
			              rows, heads[c], line);
			if (!right[c] && c > 0)
				ck_assert_msg(line[at - 1] == ' ', "row %zu, column %s: \"%s\"",
				              rows, heads[c], line);
			if (right[c] && at + 1 < len)
				ck_assert_msg(line[at + 1] == ' ', "row %zu, column %s: \"%s\"",
				              rows, heads[c], line);
		}
	}
	ck_assert_uint_eq(rows, 5);
	ck_assert_uint_eq(v6rows, 3);
	free(got);
	json_decref(j);
}
END_TEST

START_TEST(missing_keys_print_dashes)
{
	json_t *j = json_loads("{\"status\":\"ok\",\"command\":\"show_bgp_summary\",\"data\":"
	                       "{\"sessions\":[{\"neighbor\":\"192.0.2.2\"}]}}",
	                       0, NULL);
	int rc;
	char *got = render(j, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(got, "192.0.2.2"));
	ck_assert_ptr_nonnull(strstr(got, "BGP router identifier -, local AS -"));
	free(got);
	json_decref(j);
}
END_TEST

START_TEST(not_a_response)
{
	json_t *j = json_loads("{\"status\":\"ok\"}", 0, NULL);
	int rc;
	char *got = render(j, &rc);

	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(got, "bad response"));
	free(got);
	json_decref(j);
}
END_TEST

START_TEST(unknown_command_prints_message)
{
	json_t *j = json_loads("{\"status\":\"ok\",\"command\":\"log_level\",\"data\":"
	                       "{\"message\":\"log level debug\"}}",
	                       0, NULL);
	int rc;
	char *got = render(j, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(got, "log level debug\n");
	free(got);
	json_decref(j);
}
END_TEST

/* The community object at routes[r].communities[c] of a response. */
static const json_t *
comm_at(const json_t *j, size_t r, size_t c)
{
	const json_t *routes = json_object_get(json_object_get(j, "data"), "routes");

	return json_array_get(json_object_get(json_array_get(routes, r), "communities"), c);
}

/* -j: names and kinds added beside the raw values; unknown values left bare. */
START_TEST(annotate_names_communities)
{
	char path[512];
	json_t *j;

	snprintf(path, sizeof(path), "%s/routes-microsoft.json", CTL_FIXTURES);
	j = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ctl_render_annotate(j);
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 0, 0), "value")),
	                 "12076:51004");
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 0, 0), "name")), "East US");
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 0, 0), "kind")), "region");
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 1, 1), "name")),
	                 "Exchange Online");
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 1, 1), "kind")), "service");
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 2, 0), "name")),
	                 "West Europe storage");
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 2, 2), "name")), "no-export");
	/* 65000:1 is nobody's: value only. */
	ck_assert_str_eq(json_string_value(json_object_get(comm_at(j, 2, 1), "value")), "65000:1");
	ck_assert_ptr_null(json_object_get(comm_at(j, 2, 1), "name"));
	ck_assert_ptr_null(json_object_get(comm_at(j, 2, 1), "kind"));
	json_decref(j);
}
END_TEST

/* Only show bgp routes is touched, and junk values are left as they are. */
START_TEST(annotate_leaves_the_rest)
{
	static const char *const texts[] = {
	        "{\"status\":\"ok\",\"command\":\"show_policy\",\"data\":{\"routes\":[{"
	        "\"communities\":[{\"value\":\"12076:51004\"}]}]}}",
	        "{\"status\":\"ok\",\"command\":\"show_bgp_routes\",\"data\":{\"routes\":[{"
	        "\"communities\":[{\"value\":\"12076:51004x\"},{\"value\":\"12076:\"},"
	        "{\"value\":\"70000:51004\"},{\"value\":\":5010\"},{\"value\":7},\"12076:5010\"]}]}"
	        "}",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_t *j = json_loads(texts[i], 0, NULL), *before;

		ck_assert_ptr_nonnull(j);
		before = json_deep_copy(j);
		ctl_render_annotate(j);
		ck_assert_msg(json_equal(j, before), "%s changed", texts[i]);
		json_decref(before);
		json_decref(j);
	}
}
END_TEST

/* Hundreds of communities: one line, cut with "...", never overrun. */
START_TEST(many_communities_cut)
{
	json_t *j = json_loads("{\"status\":\"ok\",\"command\":\"show_bgp_routes\",\"data\":"
	                       "{\"routes\":[{\"prefix\":\"20.38.0.0/19\"}]}}",
	                       0, NULL);
	json_t *cs = json_array();
	char v[16], *got;
	size_t at, n;
	int rc;

	for (int i = 0; i < 300; i++) {
		snprintf(v, sizeof(v), "12076:%d", 51000 + i);
		json_array_append_new(cs, json_pack("{s:s}", "value", v));
	}
	json_object_set_new(
	        json_array_get(json_object_get(json_object_get(j, "data"), "routes"), 0),
	        "communities", cs);
	got = render(j, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(got, "      Communities: 12076:51000, 12076:51001, 12076:51002 "
	                          "(West Europe)") != NULL,
	              "%s", got);
	at = strlen(got) - strlen(strstr(got, "      Communities:"));
	n = strcspn(got + at, "\n");
	ck_assert_uint_eq(n, 2047);
	ck_assert_int_eq(got[at + n], '\n');
	ck_assert_mem_eq(got + at + n - 3, "...", 3);
	free(got);
	json_decref(j);
}
END_TEST

START_TEST(ages)
{
	char b[32];

	ck_assert_str_eq(ctl_render_age(0, b, sizeof(b)), "00:00:00");
	ck_assert_str_eq(ctl_render_age(3723, b, sizeof(b)), "01:02:03");
	ck_assert_str_eq(ctl_render_age(86399, b, sizeof(b)), "23:59:59");
	ck_assert_str_eq(ctl_render_age(86400 + 3600 * 2 + 60 * 3, b, sizeof(b)), "1d02h03m");
	ck_assert_str_eq(ctl_render_age(7 * 86400 * 2 + 86400 * 3 + 3600 * 4, b, sizeof(b)),
	                 "2w3d04h");
	ck_assert_str_eq(ctl_render_age(-1, b, sizeof(b)), "never");
}
END_TEST

static Suite *
ctl_render_suite(void)
{
	Suite *s = suite_create("ctl_render");
	TCase *tc = tcase_create("render");

	tcase_add_loop_test(tc, golden, 0, (int)(sizeof(goldens) / sizeof(goldens[0])));
	tcase_add_test(tc, bfd_table_aligned_with_ipv6);
	tcase_add_test(tc, missing_keys_print_dashes);
	tcase_add_test(tc, not_a_response);
	tcase_add_test(tc, unknown_command_prints_message);
	tcase_add_test(tc, ages);
	tcase_add_test(tc, annotate_names_communities);
	tcase_add_test(tc, annotate_leaves_the_rest);
	tcase_add_test(tc, many_communities_cut);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_render_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
