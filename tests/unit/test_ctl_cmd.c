/*
 * test_ctl_cmd: the command grammar: parsing with abbreviations, argument
 * checks, ambiguity and error positions, `?` help and TAB completion.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmd.h"

static const struct ctl_cmd *
parse_ok(const char *line, struct ctl_parsed *p)
{
	struct ctl_error err;

	memset(&err, 0, sizeof(err));
	if (!ctl_parse(line, p, &err))
		ck_abort_msg("\"%s\" failed at %zu: %s", line, err.pos, err.msg);
	return p->cmd;
}

static void
parse_bad(const char *line, size_t pos, const char *needle)
{
	struct ctl_parsed p;
	struct ctl_error err;

	ck_assert_msg(!ctl_parse(line, &p, &err), "\"%s\" parsed", line);
	ck_assert_msg(err.pos == pos, "\"%s\": error at %zu, want %zu (%s)", line, err.pos, pos,
	              err.msg);
	ck_assert_msg(strstr(err.msg, needle), "\"%s\": \"%s\" lacks \"%s\"", line, err.msg,
	              needle);
}

START_TEST(table_is_consistent)
{
	/* Every row is reachable by its own syntax with arguments filled in. */
	static const char *const samples[CTL_CMD_COUNT] = {
	        [CTL_SHOW_BGP_SUMMARY] = "show bgp summary",
	        [CTL_SHOW_BGP_NEIGHBORS] = "show bgp neighbors",
	        [CTL_SHOW_BGP_ROUTES] = "show bgp routes",
	        [CTL_SHOW_POLICY] = "show policy",
	        [CTL_EXPLAIN] = "explain 10.0.0.0/8",
	        [CTL_SHOW_KERNEL_ROUTES] = "show kernel routes",
	        [CTL_SHOW_CONFIG] = "show config",
	        [CTL_SHOW_VERSION] = "show version",
	        [CTL_SHOW_BFD] = "show bfd 172.16.1.2",
	        [CTL_CLEAR_BGP] = "clear bgp all",
	        [CTL_NEIGHBOR_SHUTDOWN] = "neighbor 172.16.1.2 shutdown",
	        [CTL_NO_NEIGHBOR_SHUTDOWN] = "no neighbor 172.16.1.2 shutdown",
	        [CTL_RELOAD] = "reload",
	        [CTL_LOG_LEVEL] = "log level debug",
	};
	for (int i = 0; i < CTL_CMD_COUNT; i++) {
		const struct ctl_cmd *c = ctl_cmd_get((enum ctl_cmd_id)i);
		struct ctl_parsed p;

		ck_assert_int_eq(c->id, i);
		ck_assert_ptr_eq(ctl_cmd_by_name(c->name), c);
		ck_assert_ptr_eq(parse_ok(samples[i], &p), c);
		ck_assert_str_eq(p.canon, samples[i]);
		/* Only show-like commands are allowed read-only. */
		ck_assert_int_eq(c->readonly, strncmp(c->syntax, "show", 4) == 0 ||
		                                      strncmp(c->syntax, "explain", 7) == 0);
	}
	ck_assert_ptr_null(ctl_cmd_get(CTL_CMD_COUNT));
	ck_assert_ptr_null(ctl_cmd_by_name("show bgp summary"));
}
END_TEST

START_TEST(abbreviations)
{
	struct ctl_parsed p;

	ck_assert_int_eq(parse_ok("sh bgp sum", &p)->id, CTL_SHOW_BGP_SUMMARY);
	ck_assert_str_eq(p.canon, "show bgp summary");
	ck_assert_int_eq(parse_ok("  s   b  n ", &p)->id, CTL_SHOW_BGP_NEIGHBORS);
	ck_assert_int_eq(parse_ok("sh k r", &p)->id, CTL_SHOW_KERNEL_ROUTES);
	/* "b" stays bgp's (scripts say `sh b sum`); "bf" is bfd. */
	ck_assert_int_eq(parse_ok("sh b sum", &p)->id, CTL_SHOW_BGP_SUMMARY);
	ck_assert_int_eq(parse_ok("sh bf", &p)->id, CTL_SHOW_BFD);
	ck_assert_str_eq(p.canon, "show bfd");
	ck_assert_int_eq(parse_ok("sh ver", &p)->id, CTL_SHOW_VERSION);
	ck_assert_int_eq(parse_ok("sh conf", &p)->id, CTL_SHOW_CONFIG);
	ck_assert_int_eq(parse_ok("rel", &p)->id, CTL_RELOAD);
	ck_assert_int_eq(parse_ok("e 10.1.2.3", &p)->id, CTL_EXPLAIN);
	ck_assert_int_eq(parse_ok("cl b all s", &p)->id, CTL_CLEAR_BGP);
	ck_assert(ctl_parsed_has(&p, "all"));
	ck_assert(ctl_parsed_has(&p, "soft"));
	ck_assert_str_eq(p.canon, "clear bgp all soft");
	/* "neighbor" is a whole word of "neighbors": exact match wins. */
	ck_assert_int_eq(parse_ok("show bgp neighbor", &p)->id, CTL_SHOW_BGP_NEIGHBORS);
	ck_assert_int_eq(parse_ok("nei 172.16.1.2 sh", &p)->id, CTL_NEIGHBOR_SHUTDOWN);
	ck_assert_int_eq(parse_ok("no n 172.16.1.2 sh", &p)->id, CTL_NO_NEIGHBOR_SHUTDOWN);
	ck_assert_int_eq(parse_ok("lo l inf", &p)->id, CTL_LOG_LEVEL);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_LEVEL), "info");
}
END_TEST

START_TEST(arguments)
{
	struct ctl_parsed p;

	parse_ok("show bgp routes", &p);
	ck_assert_uint_eq(p.nopt, 0);
	ck_assert_ptr_null(ctl_parsed_arg(&p, CTL_ARG_PEERING));

	parse_ok("sh b r best pri 10.1.0.0/16", &p);
	ck_assert_int_eq(p.cmd->id, CTL_SHOW_BGP_ROUTES);
	ck_assert(ctl_parsed_has(&p, "best"));
	ck_assert(!ctl_parsed_has(&p, "received"));
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "private");
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PREFIX), "10.1.0.0/16");
	ck_assert_str_eq(p.canon, "show bgp routes best private 10.1.0.0/16");

	/* Optional elements may be skipped independently. */
	parse_ok("show bgp routes 2001:db8::/32", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PREFIX), "2001:db8::/32");
	ck_assert_ptr_null(ctl_parsed_arg(&p, CTL_ARG_PEERING));
	parse_ok("show bgp routes adv 1GbpsCircuit/pub", &p);
	ck_assert(ctl_parsed_has(&p, "advertised"));
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "1GbpsCircuit/public");

	/* Microsoft peering, by itself or in a circuit, any unique prefix. */
	parse_ok("show bgp routes received microsoft", &p);
	ck_assert(ctl_parsed_has(&p, "received"));
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "microsoft");
	ck_assert_str_eq(p.canon, "show bgp routes received microsoft");
	parse_ok("sh b r m 20.38.0.0/19", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "microsoft");
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PREFIX), "20.38.0.0/19");
	parse_ok("show kernel routes ms/mic", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "ms/microsoft");
	parse_ok("show policy microsoft", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "microsoft");

	/* A bare address is the host prefix. */
	parse_ok("explain 10.1.2.3", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PREFIX), "10.1.2.3/32");

	parse_ok("clear bgp 172.16.1.2", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_ADDR), "172.16.1.2");
	ck_assert(!ctl_parsed_has(&p, "soft"));
	ck_assert(!ctl_parsed_has(&p, "all"));

	/* Free text takes the rest of the line, quotes stripped. */
	parse_ok("neighbor 172.16.1.2 shutdown  maintenance window #42 ", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_TEXT), "maintenance window #42");
	parse_ok("neighbor 172.16.1.2 shutdown \"soft  words\"", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_TEXT), "soft  words");
	/* ... even when it looks like keywords. */
	parse_ok("neighbor 172.16.1.2 shutdown show bgp", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_TEXT), "show bgp");
	ck_assert_str_eq(p.canon, "neighbor 172.16.1.2 shutdown show bgp");
	/* The canonical line parses to the same thing (the daemon re-parses it). */
	struct ctl_parsed q;
	parse_ok(p.canon, &q);
	ck_assert_str_eq(ctl_parsed_arg(&q, CTL_ARG_TEXT), "show bgp");

	parse_ok("log level error", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_LEVEL), "err");
	/* Paging: a keyword and its argument, both or neither, in order. */
	parse_ok("sh k r pri 10.0.0.0/8 lim 100 af 10.1.0.0/24", &p);
	ck_assert_int_eq(p.cmd->id, CTL_SHOW_KERNEL_ROUTES);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PEERING), "private");
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_PREFIX), "10.0.0.0/8");
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_NUM), "100");
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_START), "10.1.0.0/24");
	ck_assert_str_eq(p.canon,
	                 "show kernel routes private 10.0.0.0/8 limit 100 after 10.1.0.0/24");
	parse_ok(p.canon, &q);
	ck_assert_str_eq(ctl_parsed_arg(&q, CTL_ARG_START), "10.1.0.0/24");
	parse_ok("show kernel routes after 2001:db8::1", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_START), "2001:db8::1/128");
	ck_assert_ptr_null(ctl_parsed_arg(&p, CTL_ARG_NUM));
	ck_assert_ptr_null(ctl_parsed_arg(&p, CTL_ARG_PREFIX));
	parse_ok("show bgp routes best limit 1000000", &p);
	ck_assert_str_eq(ctl_parsed_arg(&p, CTL_ARG_NUM), "1000000");
	parse_ok("show kernel routes", &p);
	ck_assert_ptr_null(ctl_parsed_arg(&p, CTL_ARG_NUM));
	ck_assert_uint_eq(p.nopt, 0);

	ck_assert_int_eq(ctl_level_value("debug"), 7);
	ck_assert_int_eq(ctl_level_value("deb"), -1);
	ck_assert_str_eq(ctl_level_name(3), "err");
	ck_assert_ptr_null(ctl_level_name(8));
}
END_TEST

START_TEST(errors_point_at_the_word)
{
	parse_bad("show bgp sumary", 9, "unexpected \"sumary\"");
	parse_bad("show bgp sumary", 9, "summary");
	parse_bad("show bgp x", 9, "neighbors");
	parse_bad("bgp summary", 0, "show");
	parse_bad("show  bgp   summary   x", 22, "\"x\"");
}
END_TEST

START_TEST(errors_ambiguous)
{
	struct ctl_parsed p;
	struct ctl_error err;

	/* "n" after nothing: neighbor or no. */
	ck_assert(!ctl_parse("n 172.16.1.2 shutdown", &p, &err));
	ck_assert_uint_eq(err.pos, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "ambiguous"));
	ck_assert_ptr_nonnull(strstr(err.msg, "neighbor"));
	ck_assert_ptr_nonnull(strstr(err.msg, "no"));
	/* "show bgp routes p": private or public. */
	ck_assert(!ctl_parse("show bgp routes p", &p, &err));
	ck_assert_uint_eq(err.pos, 16);
	/* "s" at the start: show (only one keyword starts with s). */
	ck_assert(ctl_parse("s v", &p, &err));
	/* "show r"? nothing. */
	ck_assert(!ctl_parse("show r", &p, &err));
	ck_assert_uint_eq(err.pos, 5);
}
END_TEST

START_TEST(errors_args_and_incomplete)
{
	char buf[512];
	struct ctl_parsed p;
	struct ctl_error err;

	parse_bad("clear bgp 300.1.1.1", 10, "ADDR");
	parse_bad("explain 10.1.2.3/33", 8, "PREFIX");
	parse_bad("explain 10.1.2.3/8", 8, "PREFIX"); /* host bits set */
	parse_bad("log level loud", 10, "LEVEL");
	parse_bad("show bgp summary now", 17, "<end of line>");
	parse_bad("show bgp", 8, "incomplete");
	parse_bad("explain", 7, "PREFIX");
	parse_bad("", 0, "empty");
	parse_bad("show bgp routes best best", 21, "PEERING");
	parse_bad("show bgp routes x/y", 16, "unexpected");
	parse_bad("show bgp routes /private", 16, "unexpected");
	/* Paging: the keyword needs its argument, in range, and the order holds. */
	parse_bad("show kernel routes limit", 24, "incomplete command: expected N");
	parse_bad("show kernel routes limit 0", 25, "N");
	parse_bad("show kernel routes limit 1000001", 25, "N");
	parse_bad("show kernel routes limit -3", 25, "N");
	parse_bad("show kernel routes limit after", 25, "N");
	parse_bad("show kernel routes after 10.0.0.1/8", 25, "START");
	parse_bad("show kernel routes 100", 19, "unexpected");
	parse_bad("show kernel routes after 10.0.0.0/8 limit 3", 36, "unexpected");

	/* The caret sits under the wrong word. */
	ck_assert(!ctl_parse("sh bgp sumary", &p, &err));
	ck_assert_int_gt(ctl_error_fmt("sh bgp sumary", &err, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "sh bgp sumary\n"
	                      "       ^^^^^^\n"
	                      "% unexpected \"sumary\": expected summary, neighbors, routes\n");
	/* Under a prompt the line is already on screen. */
	ck_assert_int_gt(ctl_error_fmt("sh bgp sumary", &err, 5, buf, sizeof(buf)), 0);
	ck_assert(strncmp(buf, "            ^^^^^^\n", 19) == 0);

	/* Limits. */
	char longline[CTL_MAX_LINE + 10];
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	ck_assert(!ctl_parse(longline, &p, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "too long"));
	char many[200] = "";
	for (int i = 0; i < CTL_MAX_WORDS + 1; i++)
		strcat(many, "show ");
	ck_assert(!ctl_parse(many, &p, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "too many"));
	char text[400] = "neighbor 172.16.1.2 shutdown ";
	memset(text + strlen(text), 'x', 256);
	ck_assert(!ctl_parse(text, &p, &err)); /* RFC 9003: 255 octets at most */
	text[strlen(text) - 1] = '\0';
	ck_assert(ctl_parse(text, &p, &err));
}
END_TEST

static int
help_words(const char *line, char *buf, size_t size)
{
	struct ctl_item items[CTL_MAX_ITEMS];
	struct ctl_error err;
	int n = ctl_help(line, items, CTL_MAX_ITEMS, &err);

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(items[i].help);
		ck_assert_int_gt((int)strlen(items[i].help), 0);
		if (i)
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, items[i].word, size - strlen(buf) - 1);
	}
	return n;
}

START_TEST(help_lists_what_may_come_next)
{
	char buf[512];
	struct ctl_item items[CTL_MAX_ITEMS];
	struct ctl_error err;

	help_words("", buf, sizeof(buf));
	ck_assert_str_eq(buf, "clear explain log neighbor no reload show");
	help_words("show ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "bfd bgp config kernel policy version");
	help_words("sh bgp ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "neighbors routes summary");
	help_words("show bgp routes ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "advertised after best limit received PEERING PREFIX <cr>");
	help_words("show bgp routes best ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "after limit PEERING PREFIX <cr>");
	/* After a keyword that takes an argument, only the argument. */
	help_words("show kernel routes limit ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "N");
	help_words("show kernel routes limit 5 ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "after <cr>");
	help_words("show kernel routes after ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "START");
	help_words("show bgp summary ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "<cr>");
	help_words("clear bgp ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "all ADDR");
	/* A partial word narrows the list. */
	help_words("show bgp s", buf, sizeof(buf));
	ck_assert_str_eq(buf, "summary");
	help_words("n", buf, sizeof(buf));
	ck_assert_str_eq(buf, "neighbor no");
	help_words("neighbor 172.16.1.2 shutdown ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "TEXT <cr>");
	/* Wrong words before the cursor are an error, not an empty list. */
	ck_assert_int_eq(ctl_help("show bgx ", items, CTL_MAX_ITEMS, &err), -1);
	ck_assert_uint_eq(err.pos, 5);
	/* The list is bounded by max. */
	ck_assert_int_eq(ctl_help("", items, 2, &err), 2);
}
END_TEST

static void
complete_is(const char *line, const char *want, size_t want_start)
{
	const char *cands[CTL_MAX_ITEMS];
	char buf[512] = "";
	size_t start;
	int n = ctl_complete(line, cands, CTL_MAX_ITEMS, &start);

	for (int i = 0; i < n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, cands[i]);
	}
	ck_assert_msg(strcmp(buf, want) == 0, "\"%s\": got \"%s\", want \"%s\"", line, buf, want);
	ck_assert_uint_eq(start, want_start);
}

START_TEST(completion)
{
	const char *c[] = {"neighbor", "neighbors", "nei"};

	complete_is("sh", "show", 0);
	complete_is("show b", "bfd bgp", 5);
	complete_is("show bgp ", "neighbors routes summary", 9);
	complete_is("show bgp routes ",
	            "advertised after best limit microsoft private public received", 16);
	complete_is("show bgp routes m", "microsoft", 16);
	complete_is("show kernel routes l", "limit", 19);
	complete_is("show kernel routes limit ", "", 25);
	complete_is("show bgp routes pr", "private", 16);
	complete_is("log level d", "debug", 10);
	complete_is("n", "neighbor no", 0);
	complete_is("show bgp summary ", "", 17);
	complete_is("show bgx s", "", 9);
	ck_assert_uint_eq(ctl_common_prefix(c, 3), 3);
	ck_assert_uint_eq(ctl_common_prefix(c, 2), 8);
	ck_assert_uint_eq(ctl_common_prefix(c, 0), 0);
}
END_TEST

static Suite *
ctl_cmd_suite(void)
{
	Suite *s = suite_create("ctl_cmd");
	TCase *tc = tcase_create("grammar");

	tcase_add_test(tc, table_is_consistent);
	tcase_add_test(tc, abbreviations);
	tcase_add_test(tc, arguments);
	tcase_add_test(tc, errors_point_at_the_word);
	tcase_add_test(tc, errors_ambiguous);
	tcase_add_test(tc, errors_args_and_incomplete);
	tcase_add_test(tc, help_lists_what_may_come_next);
	tcase_add_test(tc, completion);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_cmd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
