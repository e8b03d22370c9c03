/*
 * test_profile: the provider profiles (lib/profile.c) rule by rule, as a
 * table and as the config, the plan and the outbound policy apply them;
 * every mistake the profile lets --check catch, with its exact line; and
 * what --check prints about the profile.
 */
#define _GNU_SOURCE /* open_memstream, asprintf */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "config_fixture.h"
#include "../../lib/plan.h"
#include "../../lib/profile.h"

#define KEY32 "0123456789abcdef0123456789abcdef"

/* Lines 1..13; additions start at line 14. */
#define BASE(provider, key)                       \
	"asn: 65100\n"                            \
	"provider: " provider "\n"                \
	"circuits:\n"                             \
	"  - name: c1\n"                          \
	"    md5-key: " key "\n"                  \
	"    links:\n"                            \
	"      primary: { interface: eth0 }\n"    \
	"      secondary: { interface: eth1 }\n"  \
	"    peerings:\n"                         \
	"      private:\n"                        \
	"        vlan: 555\n"                     \
	"        primary-subnet: 172.16.1.0/30\n" \
	"        secondary-subnet: 172.16.2.0/30\n"
#define CLASSIC BASE("expressroute-classic", KEY32)
#define TODAY   BASE("expressroute", "short-shared-key")

/* Microsoft peering on public link subnets, lines 14..17 when appended. */
#define MICROSOFT                                \
	"      microsoft:\n"                     \
	"        vlan: 556\n"                    \
	"        primary-subnet: 45.60.1.0/30\n" \
	"        secondary-subnet: 45.60.2.0/30\n"
#define PUBLIC                                    \
	"      public:\n"                         \
	"        vlan: 556\n"                     \
	"        primary-subnet: 172.16.1.4/30\n" \
	"        secondary-subnet: 172.16.2.4/30\n"

/* ---- the tables ------------------------------------------------------ */

START_TEST(names_and_default)
{
	const char *const *n = profile_names();

	ck_assert_str_eq(n[0], "expressroute-classic");
	ck_assert_str_eq(n[1], "expressroute");
	ck_assert_ptr_null(n[2]);
	ck_assert_ptr_eq(profile_default(), profile_find("expressroute-classic"));
	ck_assert_ptr_nonnull(profile_find("expressroute"));
	ck_assert_ptr_null(profile_find("expressroute-premium"));
	ck_assert_str_eq(profile_sku_name(CONFIG_SKU_STANDARD), "standard");
	ck_assert_str_eq(profile_sku_name(CONFIG_SKU_PREMIUM), "premium");
}
END_TEST

/* The guide's numbers, unchanged. */
START_TEST(classic_rules)
{
	const struct profile *p = profile_find("expressroute-classic");
	const struct profile_rule *r;

	ck_assert(profile_peering_allowed(p, CONFIG_PRIVATE, NULL));
	ck_assert(profile_peering_allowed(p, CONFIG_PUBLIC, NULL));
	ck_assert(!profile_peering_allowed(p, CONFIG_MICROSOFT, &r));
	ck_assert_ptr_nonnull(strstr(r->note, "set provider: expressroute"));
	for (int sku = 0; sku < 2; sku++) {
		ck_assert_uint_eq(profile_cap(p, CONFIG_PRIVATE, AFI_IP, sku), 3000);
		ck_assert_uint_eq(profile_cap(p, CONFIG_PUBLIC, AFI_IP, sku), 4000);
		ck_assert_uint_eq(profile_cap(p, CONFIG_PRIVATE, AFI_IP6, sku), 100);
		ck_assert_uint_eq(profile_cap(p, CONFIG_PUBLIC, AFI_IP6, sku), 100);
	}
	ck_assert_uint_eq(profile_max_len(p, AFI_IP), 29);
	ck_assert_uint_eq(profile_max_len(p, AFI_IP6), 64);
	ck_assert(!profile_public_only(p, CONFIG_PRIVATE));
	ck_assert(profile_public_only(p, CONFIG_PUBLIC));
	ck_assert(!profile_public_links(p, CONFIG_PUBLIC)); /* the guide's 172.16.1.4/30 */
	ck_assert(!profile_strips_private_as(p, CONFIG_PUBLIC));
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_RESERVED, 65520)->v[2], PROFILE_WARNING);
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_RESERVED, 8075)->v[2], PROFILE_ERROR);
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_RESERVED, 12076)->v[2], PROFILE_ERROR);
	ck_assert_ptr_null(profile_asn_match(p, PROFILE_ASN_RESERVED, 65514));
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_DOC, 64496)->v[2], PROFILE_WARNING);
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_DOC, 65551)->v[2], PROFILE_WARNING);
	ck_assert_ptr_null(profile_asn_match(p, PROFILE_ASN_DOC, 65552));
	r = profile_rule(p, PROFILE_ASN_PRIVATE_MIN, PROFILE_ANY, 0);
	ck_assert_uint_eq(r->v[0], 65001);
	r = profile_rule(p, PROFILE_PROVIDER_ASN, PROFILE_ANY, 0);
	ck_assert_uint_eq(r->v[0], 12076);
	r = profile_rule(p, PROFILE_BFD, PROFILE_ANY, 0);
	ck_assert(r->v[0] == 1 && r->v[1] == 300 && r->v[2] == 3);
}
END_TEST

/* A circuit ordered today (expressroute.md). */
START_TEST(today_rules)
{
	const struct profile *p = profile_find("expressroute");
	const struct profile_rule *r;

	ck_assert(profile_peering_allowed(p, CONFIG_PRIVATE, NULL));
	ck_assert(!profile_peering_allowed(p, CONFIG_PUBLIC, &r));
	ck_assert_ptr_nonnull(strstr(r->note, "use microsoft:"));
	ck_assert(profile_peering_allowed(p, CONFIG_MICROSOFT, NULL));
	ck_assert_uint_eq(profile_cap(p, CONFIG_PRIVATE, AFI_IP, CONFIG_SKU_STANDARD), 4000);
	ck_assert_uint_eq(profile_cap(p, CONFIG_PRIVATE, AFI_IP, CONFIG_SKU_PREMIUM), 10000);
	ck_assert_uint_eq(profile_cap(p, CONFIG_PRIVATE, AFI_IP6, CONFIG_SKU_PREMIUM), 100);
	ck_assert_uint_eq(profile_cap(p, CONFIG_MICROSOFT, AFI_IP, CONFIG_SKU_STANDARD), 200);
	ck_assert_uint_eq(profile_cap(p, CONFIG_MICROSOFT, AFI_IP6, CONFIG_SKU_PREMIUM), 200);
	ck_assert_uint_eq(profile_cap(p, CONFIG_PUBLIC, AFI_IP, CONFIG_SKU_STANDARD), 0);
	ck_assert_uint_eq(profile_max_len(p, AFI_IP), 32);
	ck_assert_uint_eq(profile_max_len(p, AFI_IP6), 128);
	ck_assert(!profile_public_only(p, CONFIG_PRIVATE));
	ck_assert(profile_public_only(p, CONFIG_MICROSOFT));
	ck_assert(profile_public_links(p, CONFIG_MICROSOFT));
	ck_assert(!profile_public_links(p, CONFIG_PRIVATE));
	ck_assert(profile_strips_private_as(p, CONFIG_MICROSOFT));
	ck_assert(!profile_strips_private_as(p, CONFIG_PRIVATE));
	for (uint32_t a = 65515; a <= 65520; a++)
		ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_RESERVED, a)->v[2],
		                  PROFILE_ERROR);
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_RESERVED, 8074)->v[2], PROFILE_ERROR);
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_DOC, 64511)->v[2], PROFILE_ERROR);
	ck_assert_uint_eq(profile_asn_match(p, PROFILE_ASN_DOC, 65536)->v[2], PROFILE_ERROR);
	ck_assert_ptr_null(profile_rule(p, PROFILE_ASN_PRIVATE_MIN, PROFILE_ANY, 0));
	ck_assert(profile_asn_private(64512) && profile_asn_private(65534) &&
	          profile_asn_private(4200000000u) && !profile_asn_private(65535) &&
	          !profile_asn_private(64511) && !profile_asn_private(8075));
}
END_TEST

START_TEST(key_rules)
{
	const struct profile *classic = profile_find("expressroute-classic");
	const struct profile *today = profile_find("expressroute");
	char msg[300];

	ck_assert(profile_key_ok(classic, KEY32, msg, sizeof(msg)));
	ck_assert(!profile_key_ok(classic, "0123456789abcdef0123456789abcdeg", msg, sizeof(msg)));
	ck_assert_ptr_nonnull(strstr(msg, "not hex digits"));
	ck_assert(!profile_key_ok(classic, "short", msg, sizeof(msg)));
	ck_assert_ptr_nonnull(strstr(msg, "this one has 5 characters"));
	ck_assert(profile_key_ok(today, "0123456789012345678901234", msg, sizeof(msg)));
	ck_assert(!profile_key_ok(today, "01234567890123456789012345", msg, sizeof(msg)));
	ck_assert_str_eq(msg, "the key has 26 characters; the provider takes at most 25 today "
	                      "(provider expressroute): choose a key of at most 25 characters "
	                      "and give the provider the same");
	ck_assert(!profile_key_ok(today, KEY32, msg, sizeof(msg)));
}
END_TEST

/* Every rule names its source and reads as a line. */
START_TEST(every_rule_has_a_source)
{
	for (const char *const *n = profile_names(); *n; n++) {
		const struct profile *p = profile_find(*n);
		ck_assert_uint_gt(p->nrules, 10);
		for (size_t i = 0; i < p->nrules; i++) {
			char text[256];
			ck_assert_ptr_nonnull(p->rules[i].source);
			ck_assert_uint_gt(strlen(p->rules[i].source), 10);
			ck_assert_uint_gt(profile_rule_fmt(&p->rules[i], CONFIG_SKU_STANDARD, text,
			                                   sizeof(text)),
			                  10);
		}
		/* Each kind a circuit needs is in every profile. */
		ck_assert_ptr_nonnull(profile_rule(p, PROFILE_KEY, PROFILE_ANY, 0));
		ck_assert_ptr_nonnull(profile_rule(p, PROFILE_BFD, PROFILE_ANY, 0));
		ck_assert_ptr_nonnull(profile_rule(p, PROFILE_MAX_LEN, PROFILE_ANY, AFI_IP));
		ck_assert_ptr_nonnull(profile_rule(p, PROFILE_MAX_LEN, PROFILE_ANY, AFI_IP6));
		for (int t = 0; t < CONFIG_NPEERINGS; t++)
			ck_assert_ptr_nonnull(profile_rule(p, PROFILE_PEERING, t, 0));
	}
}
END_TEST

/* ---- the config: refused, with the exact lines ----------------------- */

struct bad_case {
	const char *name, *base, *from, *to, *append, *expect;
};

static const struct bad_case bad_cases[] = {
        {"classic_microsoft", CLASSIC, "", "", MICROSOFT,
         "t.yaml:14:7: error: microsoft: Microsoft peering is not part of the guide's provider; "
         "for a circuit ordered today set provider: expressroute (provider "
         "expressroute-classic)\n"},
        {"today_public", TODAY, "", "", PUBLIC,
         "t.yaml:14:7: error: public: public peering is closed to circuits ordered today; use "
         "microsoft: (Microsoft peering) with public link subnets you own (provider "
         "expressroute)\n"},
        {"today_key_26", TODAY, "short-shared-key", "abcdefghijklmnopqrstuvwxyz", "",
         "t.yaml:5:14: error: md5-key: the key has 26 characters; the provider takes at most 25 "
         "today (provider expressroute): choose a key of at most 25 characters and give the "
         "provider the same\n"},
        {"today_md5_password", TODAY, "md5-key: short-shared-key", "md5-password: secret", "",
         "t.yaml:5:19: error: md5-password: makes a 32-character key (the hex of its MD5), and "
         "the provider takes at most 25 characters today (provider expressroute): write a key "
         "of at most 25 characters with md5-key instead\n"},
        {"today_key_guide_shape", TODAY, "short-shared-key", KEY32, "",
         "t.yaml:5:14: error: md5-key: the key has 32 characters; the provider takes at most 25 "
         "today (provider expressroute): choose a key of at most 25 characters and give the "
         "provider the same\n"},
        {"today_asn_reserved", TODAY, "asn: 65100", "asn: 65517", "",
         "t.yaml:1:6: error: asn: 65517 is reserved by the provider (65515-65520; provider "
         "expressroute): choose another ASN, a public one you own or a private one outside "
         "that range\n"},
        {"today_asn_doc", TODAY, "asn: 65100", "asn: 64500", "",
         "t.yaml:1:6: error: asn: 64500 is a documentation ASN (RFC 5398); the provider refuses "
         "paths with documentation ASNs (provider expressroute): use your own ASN\n"},
        {"today_asn_doc_4byte", TODAY, "asn: 65100", "asn: 65550", "",
         "t.yaml:1:6: error: asn: 65550 is a documentation ASN (RFC 5398); the provider refuses "
         "paths with documentation ASNs (provider expressroute): use your own ASN\n"},
        {"today_asn_8074", TODAY, "asn: 65100", "asn: 8074", "",
         "t.yaml:1:6: error: asn: 8074 is one of the provider's ASNs (12076, 8074, 8075); use "
         "your own public ASN or a private one greater than 65000\n"},
        {"today_asn_12076", TODAY, "asn: 65100", "asn: 12076", "",
         "t.yaml:1:6: error: asn: 12076 is one of the provider's ASNs (12076, 8074, 8075); use "
         "your own public ASN or a private one greater than 65000\n"},
        {"today_provider_asn_8075", TODAY,
         "    md5-key:", "    provider-asn: 8075\n    md5-key:", "",
         "t.yaml:5:19: error: provider-asn: 8075 is the provider's ASN elsewhere, not on "
         "ExpressRoute, whose every peering uses 12076 (8075 instead of 12076 is a common "
         "mistake): write provider-asn: 12076 or remove the line\n"},
        {"classic_provider_asn_8074", CLASSIC,
         "    md5-key:", "    provider-asn: 8074\n    md5-key:", "",
         "t.yaml:5:19: error: provider-asn: 8074 is the provider's ASN elsewhere, not on "
         "ExpressRoute, whose every peering uses 12076 (8074 instead of 12076 is a common "
         "mistake): write provider-asn: 12076 or remove the line\n"},
        {"ms_link_rfc1918", TODAY, "asn: 65100", "asn: 64000",
         "      microsoft:\n"
         "        vlan: 556\n"
         "        primary-subnet: 45.60.1.0/30\n"
         "        secondary-subnet: 172.16.2.4/30\n",
         "t.yaml:17:27: error: secondary-subnet: 172.16.2.4/30 is RFC 1918 space; microsoft "
         "peering needs public link subnets that you own (provider expressroute): ask the "
         "provider's portal for the /30s and /126s registered to you\n"},
        {"ms_link_rfc6598", TODAY, "asn: 65100", "asn: 64000",
         "      microsoft:\n"
         "        vlan: 556\n"
         "        primary-subnet: 45.60.1.0/30\n"
         "        secondary-subnet: 100.64.0.0/30\n",
         "t.yaml:17:27: error: secondary-subnet: 100.64.0.0/30 is RFC 6598 space; microsoft "
         "peering needs public link subnets that you own (provider expressroute): ask the "
         "provider's portal for the /30s and /126s registered to you\n"},
        {"ms_link_ula", TODAY, "asn: 65100", "asn: 64000",
         MICROSOFT "        primary-subnet-v6: 2a10:ce00:3::/126\n"
                   "        secondary-subnet-v6: fd00:1::/126\n",
         "t.yaml:19:30: error: secondary-subnet-v6: fd00:1::/126 is unique local space; microsoft "
         "peering needs public link subnets that you own (provider expressroute): ask the "
         "provider's portal for the /30s and /126s registered to you\n"},
        {"ms_link_documentation", TODAY, "asn: 65100", "asn: 64000",
         MICROSOFT "        primary-subnet-v6: 2001:db8::/126\n"
                   "        secondary-subnet-v6: 2a10:ce00:4::/126\n",
         "t.yaml:18:28: error: primary-subnet-v6: 2001:db8::/126 is documentation space; "
         "microsoft peering needs public link subnets that you own (provider expressroute): "
         "ask the provider's portal for the /30s and /126s registered to you\n"},
        {"ms_prepend_private_asn", TODAY, "", "", MICROSOFT "        prepend: 2\n",
         "t.yaml:1:6: warning: asn: 65100 is private, and the provider strips private ASNs on "
         "microsoft peering (circuit c1, line 14): prepends of it are lost there; use a public "
         "ASN you own to steer traffic on that peering\n"
         "t.yaml:18:18: error: prepend: 2 extra copies of the private ASN 65100 on microsoft "
         "peering are stripped by the provider with the ASN itself (provider expressroute), so "
         "this prepend steers nothing: remove it for that peering or use a public ASN\n"},
        {"ms_announce_contains_rfc1918", TODAY, "", "", MICROSOFT "        announce: [8.0.0.0/6]\n",
         "t.yaml:1:6: warning: asn: 65100 is private, and the provider strips private ASNs on "
         "microsoft peering (circuit c1, line 14): prepends of it are lost there; use a public "
         "ASN you own to steer traffic on that peering\n"
         "t.yaml:18:20: error: announce: 8.0.0.0/6 contains RFC 1918 space 10.0.0.0/8, which no "
         "customer owns and microsoft peering never carries: list only the public blocks you "
         "own\n"},
        {"today_doc_asn_prepend", TODAY, "asn: 65100", "asn: 64501", "        prepend: 1\n",
         "t.yaml:1:6: error: asn: 64501 is a documentation ASN (RFC 5398); the provider refuses "
         "paths with documentation ASNs (provider expressroute): use your own ASN\n"},
        {"provider_typo", CLASSIC, "provider: expressroute-classic",
         "provider: expressroute-clasic", "",
         "t.yaml:2:11: error: provider: 'expressroute-clasic' is not one of "
         "expressroute-classic, expressroute; did you mean 'expressroute-classic'?\n"},
        {"sku_bad", TODAY, "", "", "    sku: gold\n",
         "t.yaml:14:10: error: sku: expected one of standard, premium, got 'gold'\n"},
        {"min_length_range", TODAY, "", "", "        min-length: 33\n",
         "t.yaml:14:21: error: min-length: 33 is out of range: an IPv4 prefix length, 1..32\n"},
        {"min_length_v6_range", TODAY, "", "", "        min-length-v6: 0\n",
         "t.yaml:14:24: error: min-length-v6: 0 is out of range: an IPv6 prefix length, "
         "1..128\n"},
        /* The same interface for both legs: both links, or both session blocks. */
        {"same_link_both_legs", TODAY, "interface: eth1", "interface: eth0", "",
         "t.yaml:8:31: error: links.secondary: interface eth0 is also the primary link's (line "
         "7); both legs of a peering on one interface share one port and fail together\n"},
        {"same_leg_interface", TODAY, "", "",
         "        primary: { interface: bond0.555 }\n"
         "        secondary: { interface: bond0.555 }\n",
         "t.yaml:15:33: error: interface: bond0.555 is used by both legs of private peering "
         "(primary at line 14); both legs of a peering on one interface share one port and fail "
         "together\n"},
        /* Our address taken as the provider's (.2), or the address for the subnet. */
        {"subnet_provider_address", TODAY, "172.16.2.0/30", "172.16.2.2/30", "",
         "t.yaml:13:27: error: secondary-subnet: 172.16.2.2/30 has host bits set; did you mean "
         "172.16.2.0/30? 172.16.2.2 is the provider's address (the second usable); yours is "
         "172.16.2.1, the first usable\n"},
};

START_TEST(bad_config)
{
	const struct bad_case *bc = &bad_cases[_i];
	char *text = fixture_edit(bc->base, bc->from, bc->to, bc->append);
	struct config_diag d;
	struct config *cfg;
	char *out;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg == NULL, "%s: accepted", bc->name);
	ck_assert_msg(strcmp(out, bc->expect) == 0, "%s:\n got: %s\nwant: %s", bc->name, out,
	              bc->expect);
	free(out);
	free(text);
	config_diag_free(&d);
}
END_TEST

/* ---- the config: accepted, with the exact warnings ------------------- */

static const struct bad_case warn_cases[] = {
        {"classic_max_prefixes_public", CLASSIC, "", "", PUBLIC "        max-prefixes: 4001\n",
         "t.yaml:18:23: warning: max-prefixes: 4001 is above the provider's cap of 4000 IPv4 "
         "prefixes on public peering (provider expressroute-classic, sku standard): the "
         "provider drops the session over 4000, both legs at once\n"},
        {"today_max_prefixes_standard", TODAY, "", "", "        max-prefixes: 5000\n",
         "t.yaml:14:23: warning: max-prefixes: 5000 is above the provider's cap of 4000 IPv4 "
         "prefixes on private peering (provider expressroute, sku standard): the provider "
         "drops the session over 4000, both legs at once\n"},
        {"today_max_prefixes_premium", TODAY, "provider: expressroute",
         "provider: expressroute\nsku: premium", "        max-prefixes: 10001\n",
         "t.yaml:15:23: warning: max-prefixes: 10001 is above the provider's cap of 10000 IPv4 "
         "prefixes on private peering (provider expressroute, sku premium): the provider drops "
         "the session over 10000, both legs at once\n"},
        {"today_ms_caps", TODAY, "asn: 65100", "asn: 64000", /* public: no strip warning */
         MICROSOFT "        max-prefixes: 201\n"
                   "        max-prefixes-v6: 300\n",
         "t.yaml:18:23: warning: max-prefixes: 201 is above the provider's cap of 200 IPv4 "
         "prefixes on microsoft peering (provider expressroute, sku standard): the provider "
         "drops the session over 200, both legs at once\n"
         "t.yaml:19:26: warning: max-prefixes-v6: 300 is above the provider's cap of 200 IPv6 "
         "prefixes on microsoft peering (provider expressroute): the provider drops the session "
         "over 200, both legs at once\n"},
        {"classic_min_length", CLASSIC, "", "", "        min-length: 30\n",
         "t.yaml:14:21: warning: min-length: /30 is longer than the provider's minimum of /29 "
         "(provider expressroute-classic): the provider does not take prefixes longer than "
         "/29\n"},
        {"classic_min_length_v6", CLASSIC, "", "", "        min-length-v6: 96\n",
         "t.yaml:14:24: warning: min-length-v6: /96 is longer than the provider's minimum of "
         "/64 (provider expressroute-classic): the provider does not take prefixes longer than "
         "/64\n"},
        {"classic_asn_reserved", CLASSIC, "asn: 65100", "asn: 65515", "",
         "t.yaml:1:6: warning: asn: 65515 is reserved by the provider today (65515-65520); the "
         "guide's example uses 65520, but current ExpressRoute refuses it\n"},
        {"classic_doc_asn_prepend", CLASSIC, "asn: 65100", "asn: 65537", "        prepend: 2\n",
         "t.yaml:1:6: warning: asn: 65537 is a documentation ASN (RFC 5398); use it only in "
         "examples and labs\n"
         "t.yaml:14:18: warning: prepend: puts the documentation ASN 65537 (RFC 5398) 2 more "
         "times in the path on private peering\n"},
        {"today_private_asn_ms", TODAY, "", "", MICROSOFT,
         "t.yaml:1:6: warning: asn: 65100 is private, and the provider strips private ASNs on "
         "microsoft peering (circuit c1, line 14): prepends of it are lost there; use a public "
         "ASN you own to steer traffic on that peering\n"},
        /* A prepend on private peering is kept by the provider: no message. */
        {"today_prepend_private_peering", TODAY, "", "", "        prepend: 3\n", ""},
        /* The guide's "greater than 65000" is not today's rule. */
        {"today_private_asn_low", TODAY, "asn: 65100", "asn: 64600", "", ""},
        {"today_key_25", TODAY, "short-shared-key", "0123456789012345678901234", "", ""},
        /* The first subnet is the primary link. */
        {"swapped_v4", TODAY, "172.16.1.0/30", "172.16.3.0/30", "",
         "t.yaml:12:25: warning: primary-subnet: 172.16.3.0/30 comes after secondary-subnet "
         "172.16.2.0/30 (line 13); the first subnet is the primary link: check the two are "
         "not swapped against the provider's (each leg's addresses would sit on the other "
         "port)\n"},
        {"swapped_v6", TODAY, "", "",
         "        primary-subnet-v6: 2a10:ce00:2::/126\n"
         "        secondary-subnet-v6: 2a10:ce00:1::/126\n",
         "t.yaml:14:28: warning: primary-subnet-v6: 2a10:ce00:2::/126 comes after "
         "secondary-subnet-v6 2a10:ce00:1::/126 (line 15); the first subnet is the primary "
         "link: check the two are not swapped against the provider's (each leg's addresses "
         "would sit on the other port)\n"},
};

START_TEST(warned_config)
{
	const struct bad_case *wc = &warn_cases[_i];
	char *text = fixture_edit(wc->base, wc->from, wc->to, wc->append);
	struct config_diag d;
	struct config *cfg;
	char *out;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg != NULL, "%s: refused:\n%s", wc->name, out);
	ck_assert_msg(strcmp(out, wc->expect) == 0, "%s:\n got: %s\nwant: %s", wc->name, out,
	              wc->expect);
	free(out);
	free(text);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* ---- the config: the values the profile sets ------------------------- */

static struct config *
load_ok(const char *text)
{
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	if (cfg == NULL)
		config_diag_print(stderr, &d);
	ck_assert_ptr_nonnull(cfg);
	config_diag_free(&d);
	return cfg;
}

static const struct config_peering *
peering(const struct config *cfg, size_t circuit, enum config_peering_type t)
{
	ck_assert(cfg->circuits[circuit].peering[t].present);
	return &cfg->circuits[circuit].peering[t];
}

START_TEST(default_caps_and_lengths)
{
	char *t = fixture_edit(CLASSIC, "", "", PUBLIC);
	struct config *cfg = load_ok(t);

	ck_assert_ptr_eq(cfg->circuits[0].profile, profile_find("expressroute-classic"));
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes, 3000);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes6, 100);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PUBLIC)->max_prefixes, 4000);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PUBLIC)->max_prefixes6, 100);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_len, 29);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PUBLIC)->max_len6, 64);
	config_free(cfg);
	free(t);

	t = fixture_edit(TODAY, "", "", MICROSOFT);
	cfg = load_ok(t);
	ck_assert_ptr_eq(cfg->circuits[0].profile, profile_find("expressroute"));
	ck_assert_int_eq(cfg->circuits[0].sku, CONFIG_SKU_STANDARD);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes, 4000);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes6, 100);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_MICROSOFT)->max_prefixes, 200);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_MICROSOFT)->max_prefixes6, 200);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_len, 32);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_MICROSOFT)->max_len6, 128);
	config_free(cfg);
	free(t);

	/* sku at the top level; explicit keys win. */
	t = fixture_edit(
	        TODAY, "provider: expressroute", "provider: expressroute\nsku: premium",
	        "        max-prefixes: 500\n        max-prefixes-v6: 7\n        min-length: 24\n"
	        "        min-length-v6: 48\n");
	cfg = load_ok(t);
	ck_assert_int_eq(cfg->circuits[0].sku, CONFIG_SKU_PREMIUM);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes, 500);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes6, 7);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_len, 24);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_len6, 48);
	config_free(cfg);
	free(t);
	t = fixture_edit(TODAY, "provider: expressroute", "provider: expressroute\nsku: premium",
	                 "");
	cfg = load_ok(t);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes, 10000);
	config_free(cfg);
	free(t);
}
END_TEST

/*
 * Per circuit: provider and sku override the top level's, and the top
 * level's provider counts even when written after the circuits.
 */
START_TEST(per_circuit_profile)
{
	static const char text[] = "asn: 65100\n"
	                           "circuits:\n"
	                           "  - name: old\n"
	                           "    md5-key: " KEY32 "\n"
	                           "    provider: expressroute-classic\n"
	                           "    links: { primary: { interface: eth0 } }\n"
	                           "    peerings:\n"
	                           "      private: { vlan: 555, primary-subnet: 172.16.1.0/30 }\n"
	                           "  - name: new\n"
	                           "    sku: premium\n"
	                           "    md5-key: short-key\n"
	                           "    links: { primary: { interface: eth1 } }\n"
	                           "    peerings:\n"
	                           "      private: { vlan: 555, primary-subnet: 172.16.2.0/30 }\n"
	                           "provider: expressroute\n";
	struct config *cfg = load_ok(text);

	ck_assert_ptr_eq(cfg->circuits[0].profile, profile_find("expressroute-classic"));
	ck_assert_ptr_eq(cfg->circuits[1].profile, profile_find("expressroute"));
	ck_assert_int_eq(cfg->circuits[0].sku, CONFIG_SKU_STANDARD);
	ck_assert_int_eq(cfg->circuits[1].sku, CONFIG_SKU_PREMIUM);
	ck_assert_uint_eq(peering(cfg, 0, CONFIG_PRIVATE)->max_prefixes, 3000);
	ck_assert_uint_eq(peering(cfg, 1, CONFIG_PRIVATE)->max_prefixes, 10000);
	config_free(cfg);
}
END_TEST

/* The profile's BFD default; an explicit bfd: wins field by field. */
START_TEST(bfd_default)
{
	char *t = fixture_edit(TODAY, "", "", "        bfd: { min-rx: 750 }\n");
	struct config *cfg = load_ok(t);
	const struct config_session *s = config_session_find(cfg, "c1/private/primary");

	ck_assert(s->opts.bfd.enabled);
	ck_assert_uint_eq(s->opts.bfd.min_rx, 750);
	ck_assert_uint_eq(s->opts.bfd.min_tx, 300);
	ck_assert_uint_eq(s->opts.bfd.multiplier, 3);
	ck_assert(cfg->defaults.bfd.enabled);
	config_free(cfg);
	free(t);
	t = fixture_edit(CLASSIC, "", "", "        bfd: false\n");
	cfg = load_ok(t);
	ck_assert(!config_session_find(cfg, "c1/private/secondary")->opts.bfd.enabled);
	config_free(cfg);
	free(t);
}
END_TEST

/* A key file under today's rule: at most 25 characters. */
START_TEST(key_file_today)
{
	char dir[] = "/tmp/test_profile.XXXXXX", path[128], conf[128];
	FILE *f;
	char *text;
	struct config_diag d;
	struct config *cfg;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	snprintf(conf, sizeof(conf), "%s/c.yaml", dir);
	for (int pass = 0; pass < 2; pass++) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(pass ? "this-key-is-thirty-chars-long\n" : "a-key-of-20-letters!\n", f);
		fclose(f);
		chmod(path, 0600);
		text = fixture_edit(TODAY, "md5-key: short-shared-key", "md5-key-file: k", "");
		f = fopen(conf, "w");
		fputs(text, f);
		fclose(f);
		free(text);
		config_diag_init(&d);
		cfg = config_load(conf, &d);
		if (pass == 0) {
			ck_assert_ptr_nonnull(cfg);
			ck_assert_str_eq(cfg->circuits[0].md5_key, "a-key-of-20-letters!");
			config_free(cfg);
		} else {
			char *out = fixture_diag_text(&d), want[512];
			ck_assert_ptr_null(cfg);
			snprintf(
			        want, sizeof(want),
			        "%s:5:19: error: md5-key-file: the first line of %s: the key has "
			        "29 "
			        "characters; the provider takes at most 25 today (provider "
			        "expressroute): choose a key of at most 25 characters and give the "
			        "provider the same\n",
			        conf, path);
			ck_assert_str_eq(out, want);
			ck_assert_ptr_null(strstr(out, "thirty"));
			free(out);
		}
		config_diag_free(&d);
	}
	unlink(path);
	unlink(conf);
	rmdir(dir);
}
END_TEST

/* ---- the policy inputs ------------------------------------------------ */

static struct policy_result *
run(const struct config *cfg, enum config_peering_type t)
{
	struct policy_result *r = plan_policy(cfg, &cfg->circuits[0], peering(cfg, 0, t), NULL);

	ck_assert_ptr_nonnull(r);
	return r;
}

static bool
advertised(const struct policy_result *r, const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, 0), PREFIX_OK);
	return policy_result_find(r, &p) != NULL;
}

/* The minimum length: /29 and /64 under the guide, none today. */
START_TEST(policy_min_length)
{
	const char *ann = "        primary-subnet-v6: 2a10:ce00:1::/126\n"
	                  "        secondary-subnet-v6: 2a10:ce00:2::/126\n"
	                  "        announce: [10.1.2.0/30, 10.9.0.0/16, 2a10:ce10:1:2:3::/80, "
	                  "2a10:ce10:9::/48]\n";
	char *t = fixture_edit(CLASSIC, "", "", ann);
	struct config *cfg = load_ok(t);
	struct policy_result *r = run(cfg, CONFIG_PRIVATE);

	ck_assert(!advertised(r, "10.1.2.0/30"));
	ck_assert(!advertised(r, "2a10:ce10:1:2:3::/80"));
	ck_assert(advertised(r, "10.9.0.0/16") && advertised(r, "2a10:ce10:9::/48"));
	ck_assert_uint_eq(r->stats[0].cap, 3000);
	ck_assert_uint_eq(r->stats[1].cap, 100);
	policy_result_free(r);
	config_free(cfg);
	free(t);

	t = fixture_edit(TODAY, "", "", ann);
	cfg = load_ok(t);
	r = run(cfg, CONFIG_PRIVATE);
	ck_assert(advertised(r, "10.1.2.0/30"));
	ck_assert(advertised(r, "2a10:ce10:1:2:3::/80"));
	ck_assert_uint_eq(r->stats[0].cap, 4000);
	ck_assert_uint_eq(r->stats[1].cap, 100);
	policy_result_free(r);
	config_free(cfg);
	free(t);

	/* An explicit min-length wins over the profile's. */
	t = fixture_edit(TODAY, "", "",
	                 "        min-length: 24\n        announce: [10.1.2.0/25]\n");
	cfg = load_ok(t);
	r = run(cfg, CONFIG_PRIVATE);
	ck_assert_uint_eq(r->n_adv, 0);
	ck_assert_uint_eq(r->stats[0].dropped, 1);
	policy_result_free(r);
	config_free(cfg);
	free(t);
}
END_TEST

/* The IPv6 cap is the one the profile (or max-prefixes-v6) gives. */
START_TEST(policy_caps)
{
	char *t = fixture_edit(
	        TODAY, "provider: expressroute", "provider: expressroute\nsku: premium",
	        "        max-prefixes-v6: 2\n"
	        "        cap-action: truncate\n"
	        "        max-overcoverage: 0\n"
	        "        announce: [2a10:ce10:1::/48, 2a10:ce10:3::/48, 2a10:ce10:5::/48]\n");
	struct config *cfg = load_ok(t);
	struct policy_result *r = run(cfg, CONFIG_PRIVATE);

	ck_assert_uint_eq(r->stats[0].cap, 10000);
	ck_assert_uint_eq(r->stats[1].cap, 2);
	ck_assert_uint_eq(r->stats[1].advertised, 2);
	ck_assert_int_eq(r->stats[1].verdict, POLICY_TRUNCATED);
	policy_result_free(r);
	config_free(cfg);
	free(t);

	t = fixture_edit(TODAY, "", "", MICROSOFT);
	cfg = load_ok(t);
	r = run(cfg, CONFIG_MICROSOFT);
	ck_assert_uint_eq(r->stats[0].cap, 200);
	ck_assert_uint_eq(r->stats[1].cap, 200);
	policy_result_free(r);
	config_free(cfg);
	free(t);
}
END_TEST

/* Microsoft peering: only public space, never a default route. */
START_TEST(policy_microsoft_public_only)
{
	char *t = fixture_edit(TODAY, "asn: 65100", "asn: 64000",
	                       MICROSOFT
	                       "        primary-subnet-v6: 2a10:ce00:3::/126\n"
	                       "        secondary-subnet-v6: 2a10:ce00:4::/126\n"
	                       "        announce: [0.0.0.0/0, 10.1.0.0/16, 100.64.1.0/24, "
	                       "45.60.8.0/24, fd00:1::/48, 2a10:ce10:200::/48, \"::/0\"]\n");
	struct config *cfg = load_ok(t);
	struct policy_result *r = run(cfg, CONFIG_MICROSOFT);

	ck_assert_uint_eq(r->n_adv, 2);
	ck_assert(advertised(r, "45.60.8.0/24"));
	ck_assert(advertised(r, "2a10:ce10:200::/48"));
	ck_assert(!advertised(r, "10.1.0.0/16") && !advertised(r, "100.64.1.0/24"));
	ck_assert(!advertised(r, "fd00:1::/48"));
	ck_assert(!advertised(r, "0.0.0.0/0") && !advertised(r, "::/0"));
	policy_result_free(r);

	/* The same prefixes on private peering: RFC 1918 and ULA are fine there. */
	config_free(cfg);
	free(t);
	t = fixture_edit(TODAY, "", "",
	                 "        announce: [10.1.0.0/16, fd00:1::/48]\n"
	                 "        primary-subnet-v6: 2a10:ce00:1::/126\n"
	                 "        secondary-subnet-v6: 2a10:ce00:2::/126\n");
	cfg = load_ok(t);
	r = run(cfg, CONFIG_PRIVATE);
	ck_assert(advertised(r, "10.1.0.0/16") && advertised(r, "fd00:1::/48"));
	policy_result_free(r);
	config_free(cfg);
	free(t);
}
END_TEST

/* ---- --check ---------------------------------------------------------- */

static char *
plan_text(const struct config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	config_plan(f, cfg, NULL, plan_print_peering, NULL);
	fclose(f);
	return buf;
}

/* The whole profile block of a circuit ordered today, premium. */
START_TEST(check_prints_today_profile)
{
	char *t = fixture_edit(TODAY, "provider: expressroute",
	                       "provider: expressroute\nsku: premium", "");
	struct config *cfg = load_ok(t);
	char *out = plan_text(cfg);
	const char *from = strstr(out, "  provider "), *to = strstr(out, "  private peering");
	static const char want[] =
	        "  provider expressroute, sku premium: a circuit ordered today: private and "
	        "Microsoft peering, dual stack, today's caps\n"
	        "    rule private peering: allowed\n"
	        "      source: provider today (expressroute.md, 'Where today's provider rules "
	        "differ'): public peering is closed to new circuits, Microsoft peering replaces "
	        "it\n"
	        "    rule public peering: not allowed (an error)\n"
	        "      source: provider today (expressroute.md, 'Where today's provider rules "
	        "differ'): public peering is closed to new circuits, Microsoft peering replaces "
	        "it\n"
	        "    rule microsoft peering: allowed\n"
	        "      source: provider today (expressroute.md, 'Where today's provider rules "
	        "differ'): public peering is closed to new circuits, Microsoft peering replaces "
	        "it\n"
	        "    rule private peering: at most 10000 IPv4 prefixes per session (sku premium; "
	        "4000 standard, 10000 premium)\n"
	        "      source: provider today (expressroute.md, 'Caps'): private 4,000 IPv4 "
	        "(Standard), 10,000 (Premium), 100 IPv6; Microsoft 200 IPv4 and 200 IPv6 per "
	        "session\n"
	        "    rule private peering: at most 100 IPv6 prefixes per session\n"
	        "      source: provider today (expressroute.md, 'Caps'): private 4,000 IPv4 "
	        "(Standard), 10,000 (Premium), 100 IPv6; Microsoft 200 IPv4 and 200 IPv6 per "
	        "session\n"
	        "    rule microsoft peering: at most 200 IPv4 prefixes per session\n"
	        "      source: provider today (expressroute.md, 'Caps'): private 4,000 IPv4 "
	        "(Standard), 10,000 (Premium), 100 IPv6; Microsoft 200 IPv4 and 200 IPv6 per "
	        "session\n"
	        "    rule microsoft peering: at most 200 IPv6 prefixes per session\n"
	        "      source: provider today (expressroute.md, 'Caps'): private 4,000 IPv4 "
	        "(Standard), 10,000 (Premium), 100 IPv6; Microsoft 200 IPv4 and 200 IPv6 per "
	        "session\n"
	        "    rule IPv4: no minimum length (any length up to /32)\n"
	        "      source: provider today (expressroute.md, 'Prefix length'): any length up "
	        "to /32\n"
	        "    rule IPv6: no minimum length (any length up to /128)\n"
	        "      source: provider today (expressroute.md, 'IPv6': dual stack, no minimum "
	        "stated): any length up to /128\n"
	        "    rule microsoft peering: only public space is advertised (no RFC 1918, RFC "
	        "6598 or ULA), never a default route\n"
	        "      source: provider today (expressroute.md, 'On Microsoft peering'): no RFC "
	        "1918 and no default route; only registered public prefixes\n"
	        "    rule microsoft peering: the link subnets must be public space\n"
	        "      source: provider today (expressroute.md, 'Link addressing'): Microsoft "
	        "peering needs public link subnets that the customer owns\n"
	        "    rule microsoft peering: the provider strips private ASNs (a private asn is "
	        "a warning, a prepend of it an error)\n"
	        "      source: provider today (expressroute.md, 'AS path'): on Microsoft peering "
	        "private ASNs are stripped, so prepend public ones\n"
	        "    rule MD5 key: optional, at most 25 characters\n"
	        "      source: provider today (expressroute.md, 'MD5 key'): optional; at most 25 "
	        "characters\n"
	        "    rule provider-asn: 12076 (8074, 8075 are an error)\n"
	        "      source: expressroute.md, 'What the provider side does': AS 12076 on every "
	        "peering; 8074 and 8075 are the provider's ASNs elsewhere\n"
	        "    rule asn: 8074-8075 are reserved (an error)\n"
	        "      source: provider today (expressroute.md, 'Customer ASN'): not "
	        "65515-65520, 8074, 8075, 12076; no documentation ASNs (64496-64511) in paths\n"
	        "    rule asn: 12076 is reserved (an error)\n"
	        "      source: provider today (expressroute.md, 'Customer ASN'): not "
	        "65515-65520, 8074, 8075, 12076; no documentation ASNs (64496-64511) in paths\n"
	        "    rule asn: 65515-65520 are reserved (an error)\n"
	        "      source: provider today (expressroute.md, 'Customer ASN'): not "
	        "65515-65520, 8074, 8075, 12076; no documentation ASNs (64496-64511) in paths\n"
	        "    rule asn: documentation ASNs 64496-64511 in our path (an error)\n"
	        "      source: provider today (expressroute.md, 'Customer ASN'): not "
	        "65515-65520, 8074, 8075, 12076; no documentation ASNs (64496-64511) in paths\n"
	        "    rule asn: documentation ASNs 65536-65551 in our path (an error)\n"
	        "      source: RFC 5398: documentation ASNs 64496-64511 and 65536-65551\n"
	        "    rule bfd: on by default, 300 ms x 3\n"
	        "      source: provider today (expressroute.md, 'Why BFD matters here'): BFD by "
	        "default, 300 ms x 3; the guide has none, cebgp runs it on every profile\n";

	ck_assert_ptr_nonnull(from);
	ck_assert_ptr_nonnull(to);
	{
		char *block = strndup(from, (size_t)(to - from));
		ck_assert_ptr_nonnull(block);
		ck_assert_str_eq(block, want);
		free(block);
	}
	/* The applied caps and lengths in the peering's policy line. */
	ck_assert_ptr_nonnull(strstr(out, "    policy: cap 10000 IPv4, 100 IPv6 (truncate), "
	                                  "min-length /32, /128 IPv6 (drop)"));
	free(out);
	config_free(cfg);
	free(t);
}
END_TEST

/* The guide's profile: one rule line and one source line per table rule. */
START_TEST(check_prints_classic_profile)
{
	char *t = fixture_edit(CLASSIC, "", "", PUBLIC);
	struct config *cfg = load_ok(t);
	char *out = plan_text(cfg), *line, *save = NULL;
	const struct profile *p = profile_default();
	size_t rules = 0, sources = 0;

	ck_assert_ptr_nonnull(strstr(out, "\n  provider expressroute-classic, sku standard: the "
	                                  "guide (2014): private and public peering, 3000/4000 "
	                                  "routes, /29 minimum\n"));
	ck_assert_ptr_nonnull(strstr(out, "    rule microsoft peering: not allowed (an error)\n"));
	ck_assert_ptr_nonnull(strstr(out, "    rule IPv4: nothing longer than /29 is advertised\n"
	                                  "      source: guide, 'Some guidelines for configuring "
	                                  "BGP': the smallest subnet you should publish is a "
	                                  "/29\n"));
	ck_assert_ptr_nonnull(strstr(out, "    rule MD5 key: optional, exactly 32 hexadecimal "
	                                  "digits\n"));
	ck_assert_ptr_nonnull(strstr(out, "    policy: cap 4000 IPv4, 100 IPv6 (truncate), "
	                                  "min-length /29, /64 IPv6 (drop)"));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		rules += strncmp(line, "    rule ", 9) == 0;
		sources += strncmp(line, "      source: ", 14) == 0;
	}
	ck_assert_uint_eq(rules, p->nrules);
	ck_assert_uint_eq(sources, p->nrules);
	free(out);
	config_free(cfg);
	free(t);
}
END_TEST

/* The example of a circuit ordered today loads with one warning. */
START_TEST(example_today)
{
	char path[4096];
	const char *src = getenv("top_srcdir");
	struct config_diag d;
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/conf/cebgpd-expressroute.yaml", src ? src : "../..");
	config_diag_init(&d);
	cfg = config_load(path, &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.warnings, 1); /* its private ASN on Microsoft peering */
	ck_assert_uint_eq(cfg->nsessions, 8);
	ck_assert_ptr_eq(cfg->circuits[0].profile, profile_find("expressroute"));
	ck_assert_str_eq(cfg->sessions[7].key, "ErCircuit1/microsoft/secondary/ipv6");
	/* Refused by --check only for its placeholder service key. */
	ck_assert_uint_eq(config_check_placeholders(cfg, &d), 1);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("profile");
	TCase *tables = tcase_create("tables");
	TCase *config = tcase_create("config");
	TCase *policy = tcase_create("policy");
	TCase *check = tcase_create("check");
	SRunner *sr;
	int failed;

	tcase_add_test(tables, names_and_default);
	tcase_add_test(tables, classic_rules);
	tcase_add_test(tables, today_rules);
	tcase_add_test(tables, key_rules);
	tcase_add_test(tables, every_rule_has_a_source);
	suite_add_tcase(s, tables);
	tcase_add_loop_test(config, bad_config, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_loop_test(config, warned_config, 0,
	                    (int)(sizeof(warn_cases) / sizeof(warn_cases[0])));
	tcase_add_test(config, default_caps_and_lengths);
	tcase_add_test(config, per_circuit_profile);
	tcase_add_test(config, bfd_default);
	tcase_add_test(config, key_file_today);
	suite_add_tcase(s, config);
	tcase_add_test(policy, policy_min_length);
	tcase_add_test(policy, policy_caps);
	tcase_add_test(policy, policy_microsoft_public_only);
	suite_add_tcase(s, policy);
	tcase_add_test(check, check_prints_today_profile);
	tcase_add_test(check, check_prints_classic_profile);
	tcase_add_test(check, example_today);
	suite_add_tcase(s, check);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
