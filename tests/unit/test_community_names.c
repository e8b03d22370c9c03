/*
 * community_names: published values decode to their names (spot checks
 * against the provider's table, one per block), every entry survives the
 * round trip value -> name -> value, names are unique within a scope, the
 * scope picks the peering's regional community, and unknown values print
 * bare.
 */
#define _GNU_SOURCE /* getdelim */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "community_names.h"
#include "compiler.h"

#define C(asn, v) (((uint32_t)(asn) << 16) | (uint32_t)(v))

/* Values straight from the provider's table, not derived from our own. */
START_TEST(published_values)
{
	static const struct {
		uint32_t value;
		const char *name;
		enum community_kind kind;
	} want[] = {
	        {C(12076, 51004), "East US", COMMUNITY_REGION},
	        {C(12076, 51002), "West Europe", COMMUNITY_REGION},
	        {C(12076, 51003), "North Europe", COMMUNITY_REGION},
	        {C(12076, 51044), "West US 3", COMMUNITY_REGION},
	        {C(12076, 51017), "India Central", COMMUNITY_REGION},
	        {C(12076, 51059), "New Zealand North", COMMUNITY_REGION},
	        {C(12076, 50004), "East US", COMMUNITY_REGION_PRIVATE},
	        {C(12076, 50037), "UAE Central", COMMUNITY_REGION_PRIVATE},
	        {C(12076, 52002), "West Europe storage", COMMUNITY_STORAGE},
	        {C(12076, 53026), "West US 2 SQL", COMMUNITY_SQL},
	        {C(12076, 54041), "Germany West Central Cosmos DB", COMMUNITY_COSMOS_DB},
	        {C(12076, 55015), "Australia East backup", COMMUNITY_BACKUP},
	        {C(12076, 5010), "Exchange Online", COMMUNITY_SERVICE},
	        {C(12076, 5020), "SharePoint Online", COMMUNITY_SERVICE},
	        {C(12076, 5030), "Skype For Business Online / Teams", COMMUNITY_SERVICE},
	        {C(12076, 5040), "CRM Online", COMMUNITY_SERVICE},
	        {C(12076, 5050), "Azure Global Services", COMMUNITY_SERVICE},
	        {C(12076, 5060), "Entra ID", COMMUNITY_SERVICE},
	        {C(12076, 5070), "Azure Resource Manager", COMMUNITY_SERVICE},
	        {C(12076, 5100), "Other Office 365 Online services", COMMUNITY_SERVICE},
	        {C(12076, 51105), "US Gov Virginia", COMMUNITY_NATIONAL_REGION},
	        {C(12076, 51302), "China East", COMMUNITY_NATIONAL_REGION},
	        {C(12076, 5110), "US Gov Exchange Online", COMMUNITY_NATIONAL_SERVICE},
	        {C(65535, 65281), "no-export", COMMUNITY_WELL_KNOWN},
	        {C(65535, 0), "graceful-shutdown", COMMUNITY_WELL_KNOWN},
	};

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct community_name n;

		ck_assert_msg(community_lookup(want[i].value, &n), "%s unknown", want[i].name);
		ck_assert_str_eq(n.name, want[i].name);
		ck_assert_int_eq(n.kind, want[i].kind);
		ck_assert_uint_eq(n.value, want[i].value);
		ck_assert_msg(n.source && strlen(n.source) > 10, "%s has no source", n.name);
	}
}
END_TEST

/* Near misses: other ASNs, ids and columns the provider never published. */
START_TEST(unknown_values)
{
	static const uint32_t unknown[] = {
	        C(12075, 51004), C(8075, 51004),  C(12076, 51001), C(12076, 51000),
	        C(12076, 56004), C(12076, 49004), C(12076, 5000),  C(12076, 5011),
	        C(12076, 51999), C(12076, 0),     C(65000, 100),   C(0, 0),
	};
	struct community_name n;

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		ck_assert_msg(!community_lookup(unknown[i], &n), "%u:%u named %s", unknown[i] >> 16,
		              unknown[i] & 0xffff, n.name);
}
END_TEST

/*
 * Every entry: lookup gives it back, its name leads back to it in the scope
 * its kind belongs to, it has a source, and no name is listed twice within a
 * scope.
 */
START_TEST(round_trip)
{
	struct community_name n, m;
	size_t count = 0;

	for (size_t i = 0; community_at(i, &n); i++, count++) {
		enum community_scope scope = n.kind == COMMUNITY_REGION_PRIVATE
		                                     ? COMMUNITY_SCOPE_PRIVATE
		                                     : COMMUNITY_SCOPE_MICROSOFT;
		uint32_t v = 0;

		ck_assert_msg(community_lookup(n.value, &m), "%s", n.name);
		ck_assert_str_eq(m.name, n.name);
		ck_assert_int_eq(m.kind, n.kind);
		ck_assert_msg(community_by_name(n.name, scope, &v), "%s", n.name);
		ck_assert_msg(v == n.value, "%s: %u:%u, expected %u:%u", n.name, v >> 16,
		              v & 0xffff, n.value >> 16, n.value & 0xffff);
		ck_assert_ptr_nonnull(n.source);
		for (size_t j = 0; j < i; j++) {
			ck_assert(community_at(j, &m));
			ck_assert_msg(m.value != n.value, "%s listed twice", n.name);
			if (strcasecmp(m.name, n.name) == 0)
				ck_assert_msg((m.kind == COMMUNITY_REGION_PRIVATE) !=
				                      (n.kind == COMMUNITY_REGION_PRIVATE),
				              "name %s means two values in one scope", n.name);
		}
	}
	/* 42 regions x 6 kinds, 10 services, 11 national regions, 5 US Gov services, 5 RFC. */
	ck_assert_uint_eq(count, 42 * 6 + 10 + 11 + 5 + 5);
}
END_TEST

/* A bare region name means the regional community of the scope's peering. */
START_TEST(scope_and_case)
{
	uint32_t v = 0;

	ck_assert(community_by_name("East US", COMMUNITY_SCOPE_MICROSOFT, &v));
	ck_assert_uint_eq(v, C(12076, 51004));
	ck_assert(community_by_name("East US", COMMUNITY_SCOPE_PRIVATE, &v));
	ck_assert_uint_eq(v, C(12076, 50004));
	ck_assert(community_by_name("east us 2", COMMUNITY_SCOPE_MICROSOFT, &v));
	ck_assert_uint_eq(v, C(12076, 51005));
	ck_assert(community_by_name("WEST EUROPE STORAGE", COMMUNITY_SCOPE_PRIVATE, &v));
	ck_assert_uint_eq(v, C(12076, 52002));
	ck_assert(community_by_name("exchange online", COMMUNITY_SCOPE_MICROSOFT, &v));
	ck_assert_uint_eq(v, C(12076, 5010));
	ck_assert(community_by_name("No-Export", COMMUNITY_SCOPE_PRIVATE, &v));
	ck_assert_uint_eq(v, C(65535, 65281));

	static const char *const bad[] = {"",           "East",         "East US ",
	                                  " East US",   "East US 4",    "East US storage x",
	                                  "storage",    "Exchange",     "12076:51004",
	                                  "East USSQL", "East US  SQL", "Atlantis"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(!community_by_name(bad[i], COMMUNITY_SCOPE_MICROSOFT, &v), "'%s'",
		              bad[i]);
		ck_assert_msg(!community_by_name(bad[i], COMMUNITY_SCOPE_PRIVATE, &v), "'%s'",
		              bad[i]);
	}
}
END_TEST

START_TEST(formatting)
{
	char buf[64];

	ck_assert_str_eq(community_fmt(C(12076, 51004), buf, sizeof(buf)), "12076:51004 (East US)");
	ck_assert_str_eq(community_fmt(C(12076, 5010), buf, sizeof(buf)),
	                 "12076:5010 (Exchange Online)");
	ck_assert_str_eq(community_fmt(C(12076, 52002), buf, sizeof(buf)),
	                 "12076:52002 (West Europe storage)");
	ck_assert_str_eq(community_fmt(C(65000, 100), buf, sizeof(buf)), "65000:100");
	ck_assert_str_eq(community_fmt(C(65535, 65281), buf, sizeof(buf)),
	                 "65535:65281 (no-export)");
	/* Short buffers truncate and stay terminated. */
	ck_assert_str_eq(community_fmt(C(12076, 51004), buf, 8), "12076:5");
	buf[0] = 'x';
	ck_assert_ptr_eq(community_fmt(C(12076, 51004), buf, 0), buf);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

START_TEST(kind_names)
{
	static const char *const want[COMMUNITY_NKINDS] = {
	        "well-known", "region-private", "region",  "storage",         "sql",
	        "cosmos-db",  "backup",         "service", "national-region", "national-service",
	};
	for (int k = 0; k < COMMUNITY_NKINDS; k++)
		ck_assert_str_eq(community_kind_name((enum community_kind)k), want[k]);
	ck_assert_str_eq(community_kind_name(COMMUNITY_NKINDS), "unknown");
}
END_TEST

#ifndef MAN_YAML
#define MAN_YAML "man/cebgpd.yaml.5"
#endif

/*
 * cebgpd.yaml(5), PROVIDER COMMUNITIES, promises the operator these names:
 * every region with its id ("West US 3 (44)") and every service's name,
 * so the page cannot drift from the table.
 */
START_TEST(man_page_lists_the_table)
{
	FILE *f = fopen(MAN_YAML, "r");
	char *man = NULL, want[96];
	size_t len = 0;
	struct community_name n;

	ck_assert_msg(f != NULL, "%s", MAN_YAML);
	ck_assert(getdelim(&man, &len, '\0', f) > 0);
	fclose(f);
	for (size_t i = 0; community_at(i, &n); i++) {
		if (n.kind == COMMUNITY_REGION)
			snprintf(want, sizeof(want), "%s (%u)", n.name, (n.value & 0xffff) - 51000);
		else if (n.kind == COMMUNITY_SERVICE)
			snprintf(want, sizeof(want), ".Li %s", n.name);
		else
			continue;
		ck_assert_msg(strstr(man, want) != NULL, "%s does not list '%s'", MAN_YAML, want);
	}
	free(man);
}
END_TEST

static Suite *
names_suite(void)
{
	Suite *s = suite_create("community_names");
	TCase *t = tcase_create("table");

	tcase_add_test(t, published_values);
	tcase_add_test(t, unknown_values);
	tcase_add_test(t, round_trip);
	tcase_add_test(t, scope_and_case);
	tcase_add_test(t, formatting);
	tcase_add_test(t, kind_names);
	tcase_add_test(t, man_page_lists_the_table);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(names_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
