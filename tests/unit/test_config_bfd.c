/*
 * test_config_bfd: the `bfd:` key (lib/config_bfd.c): defaults, the
 * shorthand, nearest-level-wins field by field, the errors with their
 * positions, the --check plan lines and what a reload does with a change.
 */
#define _GNU_SOURCE /* open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/config.h" /* not autoconf's config.h */
#include "../../lib/prefix.h"
#include "../../lib/profile.h"

/* Lines 1..12; additions by the tests start at line 13 (or replace a line). */
#define HEAD             \
	"asn: 65100\n"   \
	"circuits:\n"    \
	"  - name: c1\n" \
	"    md5-key: 0123456789abcdef0123456789abcdef\n"
#define LINKS                                     \
	"    links:\n"                            \
	"      primary: { interface: eth0 }\n"    \
	"      secondary: { interface: eth1 }\n"  \
	"    peerings:\n"                         \
	"      private:\n"                        \
	"        vlan: 555\n"                     \
	"        primary-subnet: 172.16.1.0/30\n" \
	"        secondary-subnet: 172.16.2.0/30\n"

static struct config *
load(const char *text, char **diag_out)
{
	struct config_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	config_diag_init(&d);
	struct config *cfg = config_parse_string(text, "t.yaml", &d);
	config_diag_print(f, &d);
	fclose(f);
	config_diag_free(&d);
	if (diag_out)
		*diag_out = buf;
	else
		free(buf);
	return cfg;
}

static const struct config_bfd *
bfd_of(const struct config *cfg, size_t i)
{
	ck_assert_uint_gt(cfg->nsessions, i);
	return &cfg->sessions[i].opts.bfd;
}

static void
assert_bfd(const struct config_bfd *b, bool en, unsigned rx, unsigned tx, unsigned mult)
{
	ck_assert_int_eq(b->enabled, en);
	ck_assert_uint_eq(b->min_rx, rx);
	ck_assert_uint_eq(b->min_tx, tx);
	ck_assert_uint_eq(b->multiplier, mult);
}

START_TEST(default_is_enabled_300x3)
{
	struct config *cfg = load(HEAD LINKS, NULL);

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nsessions, 2);
	assert_bfd(bfd_of(cfg, 0), true, 300, 300, 3);
	assert_bfd(bfd_of(cfg, 1), true, 300, 300, 3);
	config_free(cfg);
}
END_TEST

START_TEST(shorthand_and_nearest_wins)
{
	/* Top: off; the primary leg turns it back on with the inherited intervals. */
	struct config *cfg =
	        load("bfd: false\n" HEAD LINKS "        primary: { bfd: true }\n", NULL);

	ck_assert_ptr_nonnull(cfg);
	assert_bfd(bfd_of(cfg, 0), true, 300, 300, 3);
	assert_bfd(bfd_of(cfg, 1), false, 300, 300, 3);
	config_free(cfg);
}
END_TEST

START_TEST(field_by_field)
{
	/* Each level sets one field; the session block overrides the top's min-rx. */
	struct config *cfg =
	        load("bfd: { min-rx: 100, min-tx: 200 }\n" HEAD "    bfd: { multiplier: 5 }\n" LINKS
	             "        bfd: { min-tx: 50 }\n"
	             "        secondary: { bfd: { min-rx: 700, enabled: false } }\n",
	             NULL);

	ck_assert_ptr_nonnull(cfg);
	assert_bfd(bfd_of(cfg, 0), true, 100, 50, 5);
	assert_bfd(bfd_of(cfg, 1), false, 700, 50, 5);
	config_free(cfg);
}
END_TEST

struct bad {
	const char *name, *text, *expect;
};

static const struct bad bads[] = {
        {"not_bool", "bfd: maybe\n" HEAD LINKS,
         "t.yaml:1:6: error: bfd: expected true, false or a mapping like { enabled: true, "
         "min-rx: 300, min-tx: 300, multiplier: 3 }, got 'maybe'\n"},
        {"list", HEAD LINKS "        bfd: [300]\n",
         "t.yaml:13:14: error: bfd: expected true, false or a mapping like { enabled: true, "
         "min-rx: 300, min-tx: 300, multiplier: 3 }, got a list\n"},
        {"rx_too_small", HEAD LINKS "        primary: { bfd: { min-rx: 5 } }\n",
         "t.yaml:13:35: error: bfd.min-rx: 5 is out of range: expected 10..60000 "
         "milliseconds\n"},
        {"tx_not_number", "bfd: { min-tx: fast }\n" HEAD LINKS,
         "t.yaml:1:16: error: bfd.min-tx: expected an integer, got 'fast'\n"},
        {"mult_zero", HEAD "    bfd: { multiplier: 0 }\n" LINKS,
         "t.yaml:5:24: error: bfd.multiplier: 0 is out of range: expected 1..255\n"},
        {"enabled_not_bool", "bfd: { enabled: yes }\n" HEAD LINKS,
         "t.yaml:1:17: error: bfd.enabled: expected true or false, got 'yes'\n"},
};

START_TEST(bad_bfd)
{
	const struct bad *b = &bads[_i];
	char *out;
	struct config *cfg = load(b->text, &out);

	ck_assert_msg(cfg == NULL, "%s: accepted", b->name);
	ck_assert_msg(strcmp(out, b->expect) == 0, "%s:\n got: %s\nwant: %s", b->name, out,
	              b->expect);
	free(out);
}
END_TEST

START_TEST(unknown_key_suggests)
{
	char *out;
	struct config *cfg = load("bfd: { multiplyer: 3 }\n" HEAD LINKS, &out);

	ck_assert_ptr_null(cfg);
	ck_assert_msg(strstr(out, "t.yaml:1:8: error:") && strstr(out, "multiplyer") &&
	                      strstr(out, "multiplier"),
	              "got %s", out);
	free(out);
}
END_TEST

START_TEST(plan_prints_bfd_per_session)
{
	struct config *cfg =
	        load(HEAD LINKS "        secondary: { bfd: { enabled: false } }\n"
	                        "        primary: { bfd: { min-rx: 100, min-tx: 100 } }\n",
	             NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(cfg);
	config_plan(f, cfg, NULL, NULL, NULL);
	fclose(f);
	const char *pri = strstr(buf, "session c1/private/primary\n");
	const char *sec = strstr(buf, "session c1/private/secondary\n");
	ck_assert_ptr_nonnull(pri);
	ck_assert_ptr_nonnull(sec);
	const char *l1 =
	        strstr(pri, "      bfd enabled, min-rx 100 ms, min-tx 100 ms, multiplier 3\n");
	const char *l2 = strstr(sec, "      bfd disabled\n");
	ck_assert_msg(l1 && l1 < sec, "%s", buf);
	ck_assert_msg(l2 != NULL, "%s", buf);
	free(buf);
	config_free(cfg);
}
END_TEST

START_TEST(reload_is_soft)
{
	struct config *a = load(HEAD LINKS, NULL);
	struct config *b = load("bfd: { min-tx: 100 }\n" HEAD LINKS, NULL);
	struct config *c = load("bfd: false\n" HEAD LINKS, NULL);
	char why[64];

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(config_session_compare(&a->sessions[0], &b->sessions[0], why, sizeof(why)),
	                 CONFIG_SOFT);
	ck_assert_str_eq(why, "bfd changed");
	ck_assert_int_eq(config_session_compare(&a->sessions[0], &c->sessions[0], why, sizeof(why)),
	                 CONFIG_SOFT);
	ck_assert_int_eq(config_session_compare(&a->sessions[0], &a->sessions[0], why, sizeof(why)),
	                 CONFIG_UNCHANGED);
	config_free(a);
	config_free(b);
	config_free(c);
}
END_TEST

START_TEST(ipv6_twin_has_the_legs_bfd)
{
	/*
	 * An IPv6 session runs its own BFD session with the settings of its leg:
	 * the resolution gives the twin what it gives the IPv4 session, at every
	 * level, whatever the value (nothing falls back to a built-in default).
	 */
	struct config *cfg = load("bfd: { min-rx: 150, multiplier: 4 }\n" HEAD LINKS
	                          "        primary-subnet-v6: 2a10:ce00:1::/126\n"
	                          "        secondary-subnet-v6: 2a10:ce00:2::/126\n"
	                          "        primary: { bfd: { min-tx: 250 } }\n"
	                          "        secondary: { bfd: false }\n",
	                          NULL);

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nsessions, 4);
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *cs = &cfg->sessions[i];
		bool v6 = strstr(cs->key, "/ipv6") != NULL;

		ck_assert_int_eq(cs->afi, v6 ? AFI_IP6 : AFI_IP);
		if (strstr(cs->key, "/primary"))
			assert_bfd(&cs->opts.bfd, true, 150, 250, 4);
		else
			assert_bfd(&cs->opts.bfd, false, 150, 300, 4);
	}
	config_free(cfg);
}
END_TEST

/* Each profile with an MD5 key its key rule takes. */
static const char *const profiles[][2] = {
        {"expressroute-classic", "0123456789abcdef0123456789abcdef"},
        {"expressroute", "0123456789abcdef"},
};

START_TEST(default_is_the_profiles)
{
	/* No bfd key: every field is the circuit's profile's; a set field still wins. */
	const struct profile *pr = profile_find(profiles[_i][0]);
	char text[1024];

	ck_assert_ptr_nonnull(pr);
	const struct profile_rule *r = profile_rule(pr, PROFILE_BFD, PROFILE_ANY, 0);
	ck_assert_ptr_nonnull(r);
	snprintf(text, sizeof(text),
	         "provider: %s\nasn: 65100\ncircuits:\n  - name: c1\n"
	         "    md5-key: %s\n" LINKS "        secondary: { bfd: { min-rx: 700 } }\n",
	         profiles[_i][0], profiles[_i][1]);
	char *diag;
	struct config *cfg = load(text, &diag);

	ck_assert_msg(cfg != NULL, "%s", diag);
	free(diag);
	assert_bfd(bfd_of(cfg, 0), r->v[0] != 0, r->v[1], r->v[1], (unsigned)r->v[2]);
	assert_bfd(bfd_of(cfg, 1), r->v[0] != 0, 700, r->v[1], (unsigned)r->v[2]);
	config_free(cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config_bfd");
	TCase *tc = tcase_create("bfd");

	tcase_add_test(tc, default_is_enabled_300x3);
	tcase_add_test(tc, shorthand_and_nearest_wins);
	tcase_add_test(tc, field_by_field);
	tcase_add_loop_test(tc, bad_bfd, 0, sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(tc, unknown_key_suggests);
	tcase_add_test(tc, plan_prints_bfd_per_session);
	tcase_add_test(tc, reload_is_soft);
	tcase_add_test(tc, ipv6_twin_has_the_legs_bfd);
	tcase_add_loop_test(tc, default_is_the_profiles, 0, sizeof(profiles) / sizeof(profiles[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
