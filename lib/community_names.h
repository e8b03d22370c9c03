/*
 * community_names: the provider's BGP community values, named.
 *
 * The provider (AS 12076) tags every route it sends: private peering with
 * the Azure region the prefix lives in (12076:50xxx), Microsoft peering with
 * the region (12076:51xxx) or the region's storage, SQL, Cosmos DB or backup
 * space (12076:52xxx .. 55xxx), and with the service the prefix belongs to
 * (12076:5010 Exchange Online, ...). An operator reading "12076:51004" in a
 * route listing has to look it up; `show bgp routes` prints
 * "12076:51004 (East US)" instead, and accept-communities may name what it
 * selects ("East US") instead of numbering it.
 *
 * The table (community_names.c) names its source for every block: the
 * provider's "ExpressRoute routing requirements" page, section "BGP
 * community values" (condensed in shared/expressroute.md), and the RFCs for
 * the well-known communities.
 *
 * Names: a region's communities are "<region>" (the regional community,
 * private and Microsoft peering alike), "<region> storage", "<region> SQL",
 * "<region> Cosmos DB" and "<region> backup"; a service is its own name.
 * Reverse lookups ignore case. A bare region name is ambiguous between the
 * two peerings (12076:50004 and 12076:51004 are both "East US"): the scope
 * of the lookup (the peering the name is written in) decides.
 *
 * Pure: constant tables, no allocation.
 */
#ifndef CEBGP_COMMUNITY_NAMES_H
#define CEBGP_COMMUNITY_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The provider's ASN: the high half of every community it sets. */
#define COMMUNITY_PROVIDER_ASN 12076u

enum community_kind {
	COMMUNITY_WELL_KNOWN = 0,   /* no-export, ... (RFC 1997, 7999, 8326) */
	COMMUNITY_REGION_PRIVATE,   /* 12076:50xxx: an Azure region, on private peering */
	COMMUNITY_REGION,           /* 12076:51xxx: an Azure region, on Microsoft peering */
	COMMUNITY_STORAGE,          /* 12076:52xxx: a region's storage */
	COMMUNITY_SQL,              /* 12076:53xxx: a region's SQL */
	COMMUNITY_COSMOS_DB,        /* 12076:54xxx: a region's Cosmos DB */
	COMMUNITY_BACKUP,           /* 12076:55xxx: a region's backup */
	COMMUNITY_SERVICE,          /* 12076:5010 Exchange Online, ... */
	COMMUNITY_NATIONAL_REGION,  /* a region of a national cloud (US Gov, China) */
	COMMUNITY_NATIONAL_SERVICE, /* a service of the US Gov cloud */
	COMMUNITY_NKINDS,
};

/*
 * Short names for JSON and the plan: "well-known", "region-private",
 * "region", "storage", "sql", "cosmos-db", "backup", "service",
 * "national-region", "national-service".
 */
const char *community_kind_name(enum community_kind k);

#define COMMUNITY_NAME_MAX 48

struct community_name {
	uint32_t value; /* RFC 1997: (asn << 16) | value */
	enum community_kind kind;
	char name[COMMUNITY_NAME_MAX]; /* "East US", "East US storage", "Exchange Online" */
	const char *source;            /* the document the entry comes from */
};

/* The entry for a value; false when the table does not know it. */
bool community_lookup(uint32_t value, struct community_name *out);

/* What a bare region name means: the regional community of this peering. */
enum community_scope {
	COMMUNITY_SCOPE_PRIVATE = 0,   /* "East US" is 12076:50004 */
	COMMUNITY_SCOPE_MICROSOFT = 1, /* "East US" is 12076:51004 */
};

/*
 * name -> value, ignoring case: "East US", "west europe storage",
 * "Exchange Online", "no-export". False when no entry has that name.
 */
bool community_by_name(const char *name, enum community_scope scope, uint32_t *value);

/*
 * Every entry, in table order, for listings and tests: false once i is past
 * the end. Each region gives six entries (one per kind).
 */
bool community_at(size_t i, struct community_name *out);

/*
 * "12076:51004 (East US)", "12076:52002 (West Europe storage)", or the bare
 * "65000:100" for a value the table does not know. Returns buf, always
 * NUL-terminated (truncated when size is short).
 */
char *community_fmt(uint32_t value, char *buf, size_t size);

#endif
