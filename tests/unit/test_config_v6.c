/*
 * test_config_v6: IPv6 link subnets and the IPv6 twin sessions they make,
 * max-prefixes-v6, and how a reload compares them.
 */
#define _GNU_SOURCE /* open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/config.h" /* not autoconf's config.h, which -I. finds first */

#define KEY "0123456789abcdef0123456789abcdef"

/* A dual-stack circuit with private and public peering (the classic profile). */
#define DUAL                                             \
	"asn: 65100\n"                                   \
	"circuits:\n"                                    \
	"  - name: c1\n"                                 \
	"    md5-key: " KEY "\n"                         \
	"    links:\n"                                   \
	"      primary: { interface: eth0 }\n"           \
	"      secondary: { interface: eth1 }\n"         \
	"    peerings:\n"                                \
	"      private:\n"                               \
	"        vlan: 555\n"                            \
	"        primary-subnet: 172.16.1.0/30\n"        \
	"        secondary-subnet: 172.16.2.0/30\n"      \
	"        primary-subnet-v6: 2a10:ce00:1::/126\n" \
	"        secondary-subnet-v6: 2a10:ce00:2::/126\n"

static struct config *
load(const char *text, struct config_diag *d)
{
	struct config *cfg;

	config_diag_init(d);
	cfg = config_parse_string(text, "t.yaml", d);
	if (cfg == NULL)
		config_diag_print(stderr, d);
	return cfg;
}

static char *
cat(const char *a, const char *b)
{
	char *out = malloc(strlen(a) + strlen(b) + 1);

	ck_assert_ptr_nonnull(out);
	strcpy(out, a);
	strcat(out, b);
	return out;
}

/* One line per session: key afi ifname subnet local peer. */
static char *
dump(const struct config *cfg)
{
	char *buf = NULL, a[ADDR_STRLEN], b[ADDR_STRLEN], p[PREFIX_STRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *s = &cfg->sessions[i];
		fprintf(f, "%s %s %s %s %s %s\n", s->key, s->afi == AFI_IP6 ? "v6" : "v4",
		        s->ifname, prefix_fmt(&s->subnet, p, sizeof(p)),
		        addr_fmt(&s->local, a, sizeof(a)), addr_fmt(&s->peer, b, sizeof(b)));
	}
	fclose(f);
	return buf;
}

START_TEST(twin_sessions_in_order)
{
	struct config_diag d;
	char *text = cat(DUAL, "      public:\n"
	                       "        vlan: 556\n"
	                       "        primary-subnet: 172.16.1.4/30\n"
	                       "        secondary-subnet: 172.16.2.4/30\n"
	                       "        primary-subnet-v6: 2a10:ce00:3::/126\n"
	                       "        secondary-subnet-v6: 2a10:ce00:4::/126\n");
	struct config *cfg = load(text, &d);
	char *out;

	ck_assert_ptr_nonnull(cfg);
	out = dump(cfg);
	ck_assert_str_eq(out,
	                 "c1/private/primary v4 eth0.555 172.16.1.0/30 172.16.1.1 172.16.1.2\n"
	                 "c1/private/primary/ipv6 v6 eth0.555 2a10:ce00:1::/126 2a10:ce00:1::1 "
	                 "2a10:ce00:1::2\n"
	                 "c1/private/secondary v4 eth1.555 172.16.2.0/30 172.16.2.1 172.16.2.2\n"
	                 "c1/private/secondary/ipv6 v6 eth1.555 2a10:ce00:2::/126 "
	                 "2a10:ce00:2::1 2a10:ce00:2::2\n"
	                 "c1/public/primary v4 eth0.556 172.16.1.4/30 172.16.1.5 172.16.1.6\n"
	                 "c1/public/primary/ipv6 v6 eth0.556 2a10:ce00:3::/126 2a10:ce00:3::1 "
	                 "2a10:ce00:3::2\n"
	                 "c1/public/secondary v4 eth1.556 172.16.2.4/30 172.16.2.5 172.16.2.6\n"
	                 "c1/public/secondary/ipv6 v6 eth1.556 2a10:ce00:4::/126 "
	                 "2a10:ce00:4::1 2a10:ce00:4::2\n");
	/* The twin has the same options, ASNs, key and router id. */
	{
		const struct config_session *v4 = config_session_find(cfg, "c1/private/primary");
		const struct config_session *v6 =
		        config_session_find(cfg, "c1/private/primary/ipv6");
		ck_assert_ptr_nonnull(v4);
		ck_assert_ptr_nonnull(v6);
		ck_assert_ptr_eq(v4->peering, v6->peering);
		ck_assert_uint_eq(v6->local_asn, 65100);
		ck_assert_uint_eq(v6->peer_asn, 12076);
		ck_assert_ptr_eq(v4->md5_key, v6->md5_key);
		ck_assert_uint_eq(v4->router_id, v6->router_id);
		ck_assert_uint_eq(v4->opts.timers.hold, v6->opts.timers.hold);
		ck_assert(config_bfd_eq(&v4->opts.bfd, &v6->opts.bfd));
		ck_assert_uint_eq(v6->pos.line, 13);
		ck_assert_uint_eq(v6->pos.col, 28);
	}
	/* The router id comes from IPv4 sessions only. */
	ck_assert_uint_eq(cfg->router_id, 0xac100205u);
	ck_assert_uint_eq(d.warnings, 0);
	free(out);
	config_free(cfg);
	config_diag_free(&d);
	free(text);
}
END_TEST

/* A session block applies to both families of its leg. */
START_TEST(twin_takes_the_leg_block)
{
	struct config_diag d;
	char *text = cat(DUAL, "        primary: { interface: bond0.555, prepend: 2 }\n");
	struct config *cfg = load(text, &d);
	const struct config_session *s;

	ck_assert_ptr_nonnull(cfg);
	s = config_session_find(cfg, "c1/private/primary/ipv6");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->ifname, "bond0.555");
	ck_assert_uint_eq(s->opts.prepend, 2);
	ck_assert_uint_eq(d.errors, 0);
	config_free(cfg);
	config_diag_free(&d);
	free(text);
}
END_TEST

/* The classic profile's caps: the guide's IPv4 numbers, 100 IPv6. */
START_TEST(default_caps)
{
	struct config_diag d;
	struct config *cfg = load(DUAL, &d);
	const struct config_peering *pe;

	ck_assert_ptr_nonnull(cfg);
	pe = &cfg->circuits[0].peering[CONFIG_PRIVATE];
	ck_assert_uint_eq(pe->max_prefixes, 3000);
	ck_assert_uint_eq(pe->max_prefixes6, 100);
	config_free(cfg);
	config_diag_free(&d);
	{
		char *t = cat(DUAL, "        max-prefixes-v6: 40\n");
		cfg = load(t, &d);
		ck_assert_ptr_nonnull(cfg);
		ck_assert_uint_eq(cfg->circuits[0].peering[CONFIG_PRIVATE].max_prefixes6, 40);
		ck_assert_uint_eq(d.warnings, 0);
		config_free(cfg);
		config_diag_free(&d);
		free(t);
	}
}
END_TEST

static enum config_change
compare(const char *a, const char *b, const char *key, char *why, size_t size)
{
	struct config_diag d1, d2;
	struct config *o = load(a, &d1), *n = load(b, &d2);
	const struct config_session *so, *sn;
	enum config_change c;

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(n);
	so = config_session_find(o, key);
	sn = config_session_find(n, key);
	ck_assert_ptr_nonnull(so);
	ck_assert_ptr_nonnull(sn);
	c = config_session_compare(so, sn, why, size);
	config_free(o);
	config_free(n);
	config_diag_free(&d1);
	config_diag_free(&d2);
	return c;
}

START_TEST(reload_compare_v6)
{
	char why[64], *t;

	t = strdup(DUAL);
	memcpy(strstr(t, "2a10:ce00:2::/126"), "2a10:ce00:5::/126", 17);
	ck_assert_int_eq(compare(DUAL, t, "c1/private/secondary/ipv6", why, sizeof(why)),
	                 CONFIG_RESET);
	ck_assert_str_eq(why, "local address changed");
	/* The IPv4 twin is untouched by its IPv6 subnet. */
	ck_assert_int_eq(compare(DUAL, t, "c1/private/secondary", why, sizeof(why)),
	                 CONFIG_UNCHANGED);
	free(t);

	t = cat(DUAL, "        max-prefixes-v6: 50\n");
	ck_assert_int_eq(compare(DUAL, t, "c1/private/primary/ipv6", why, sizeof(why)),
	                 CONFIG_SOFT);
	ck_assert_str_eq(why, "outbound policy changed");
	free(t);

	/* The minimum length of either family. */
	t = cat(DUAL, "        min-length-v6: 48\n");
	ck_assert_int_eq(compare(DUAL, t, "c1/private/primary", why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "outbound policy changed");
	free(t);
}
END_TEST

/* Two sessions of different families never compare equal. */
START_TEST(compare_afi)
{
	struct config_diag d;
	struct config *cfg = load(DUAL, &d);
	const struct config_session *v4, *v6;
	char why[64];

	ck_assert_ptr_nonnull(cfg);
	v4 = config_session_find(cfg, "c1/private/primary");
	v6 = config_session_find(cfg, "c1/private/primary/ipv6");
	ck_assert_int_eq(config_session_compare(v4, v6, why, sizeof(why)), CONFIG_RESET);
	ck_assert_str_eq(why, "address family changed");
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* One link: one IPv6 /126 is enough, the other is not required. */
START_TEST(one_link_one_subnet6)
{
	struct config_diag d;
	const char *text = "asn: 65100\n"
	                   "circuits:\n"
	                   "  - name: c1\n"
	                   "    md5-key: " KEY "\n"
	                   "    links:\n"
	                   "      primary: { interface: eth0 }\n"
	                   "    peerings:\n"
	                   "      private:\n"
	                   "        vlan: 555\n"
	                   "        primary-subnet: 172.16.1.0/30\n"
	                   "        primary-subnet-v6: 2a10:ce00:1::/126\n";
	struct config *cfg = load(text, &d);

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nsessions, 2);
	ck_assert_str_eq(cfg->sessions[1].key, "c1/private/primary/ipv6");
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* An IPv6 announce entry with IPv6 sessions: no warning. */
START_TEST(mixed_announce)
{
	struct config_diag d;
	char *text = cat(DUAL, "        announce: [10.10.0.0/16, 2a10:ce10::/48]\n");
	struct config *cfg = load(text, &d);

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.warnings, 0);
	ck_assert_uint_eq(cfg->circuits[0].peering[CONFIG_PRIVATE].announce.n, 2);
	ck_assert_uint_eq(cfg->circuits[0].peering[CONFIG_PRIVATE].announce.v[1].prefix.afi,
	                  AFI_IP6);
	config_free(cfg);
	config_diag_free(&d);
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config_v6");
	TCase *tc = tcase_create("v6");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, twin_sessions_in_order);
	tcase_add_test(tc, twin_takes_the_leg_block);
	tcase_add_test(tc, default_caps);
	tcase_add_test(tc, reload_compare_v6);
	tcase_add_test(tc, compare_afi);
	tcase_add_test(tc, one_link_one_subnet6);
	tcase_add_test(tc, mixed_announce);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
