/*
 * community_names: the tables of community_names.h and the lookups over
 * them. A region row stands for six communities: the provider numbers them
 * 12076:(50000 + 1000 * column + id), the same id in every column, so the
 * table keeps the id once and derives the rest (the published table lists
 * every value; each row below was checked against it).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "community_names.h"
#include "compiler.h"

#define PROVIDER(v) ((COMMUNITY_PROVIDER_ASN << 16) | (uint32_t)(v))

static const char src_regions[] =
        "ExpressRoute routing requirements, BGP community values: regional (private and "
        "Microsoft peering), storage, SQL, Azure Cosmos DB and backup communities per Azure region";
static const char src_services[] =
        "ExpressRoute routing requirements, BGP community values: service to BGP community value";
static const char src_national[] = "ExpressRoute routing requirements, BGP community values: "
                                   "BGP community support in national clouds";
static const char src_rfc1997[] = "RFC 1997 (well-known communities)";
static const char src_rfc7999[] = "RFC 7999 §5 (BLACKHOLE)";
static const char src_rfc8326[] = "RFC 8326 §5 (GRACEFUL_SHUTDOWN)";

/*
 * Azure regions and their id: 12076:50000+id on private peering,
 * 12076:51000+id on Microsoft peering, then storage (52), SQL (53), Cosmos DB
 * (54) and backup (55). Names as the provider's table spells them, grouped
 * by its geopolitical regions.
 */
static const struct region {
	uint16_t id;
	const char *name;
} regions[] = {
        /* North America */
        {4, "East US"},
        {5, "East US 2"},
        {6, "West US"},
        {26, "West US 2"},
        {44, "West US 3"},
        {27, "West Central US"},
        {7, "North Central US"},
        {8, "South Central US"},
        {9, "Central US"},
        {20, "Canada Central"},
        {21, "Canada East"},
        /* South America */
        {14, "Brazil South"},
        /* Europe */
        {3, "North Europe"},
        {2, "West Europe"},
        {24, "UK South"},
        {25, "UK West"},
        {30, "France Central"},
        {31, "France South"},
        {38, "Switzerland North"},
        {39, "Switzerland West"},
        {40, "Germany North"},
        {41, "Germany West Central"},
        {42, "Norway East"},
        {43, "Norway West"},
        /* Asia Pacific */
        {10, "East Asia"},
        {11, "Southeast Asia"},
        /* Japan */
        {12, "Japan East"},
        {13, "Japan West"},
        /* Australia */
        {15, "Australia East"},
        {16, "Australia Southeast"},
        /* Australia Government */
        {32, "Australia Central"},
        {33, "Australia Central 2"},
        /* India */
        {19, "India South"},
        {18, "India West"},
        {17, "India Central"},
        /* Korea */
        {28, "Korea South"},
        {29, "Korea Central"},
        /* New Zealand */
        {59, "New Zealand North"},
        /* South Africa */
        {34, "South Africa North"},
        {35, "South Africa West"},
        /* UAE */
        {36, "UAE North"},
        {37, "UAE Central"},
};

/* The columns of a region row, in the provider's numbering order. */
static const struct column {
	enum community_kind kind;
	const char *suffix; /* appended to the region's name */
} columns[] = {
        {COMMUNITY_REGION_PRIVATE, ""},      {COMMUNITY_REGION, ""},
        {COMMUNITY_STORAGE, " storage"},     {COMMUNITY_SQL, " SQL"},
        {COMMUNITY_COSMOS_DB, " Cosmos DB"}, {COMMUNITY_BACKUP, " backup"},
};
#define REGION_BASE 50000u
#define REGION_STEP 1000u

/* Everything else: one value, one name. */
static const struct fixed {
	uint32_t value;
	enum community_kind kind;
	const char *name;
	const char *source;
} fixed[] = {
        /* Microsoft peering only. */
        {PROVIDER(5010), COMMUNITY_SERVICE, "Exchange Online", src_services},
        {PROVIDER(5020), COMMUNITY_SERVICE, "SharePoint Online", src_services},
        {PROVIDER(5030), COMMUNITY_SERVICE, "Skype For Business Online / Teams", src_services},
        {PROVIDER(5040), COMMUNITY_SERVICE, "CRM Online", src_services},
        {PROVIDER(5050), COMMUNITY_SERVICE, "Azure Global Services", src_services},
        {PROVIDER(5060), COMMUNITY_SERVICE, "Entra ID", src_services},
        {PROVIDER(5070), COMMUNITY_SERVICE, "Azure Resource Manager", src_services},
        {PROVIDER(5100), COMMUNITY_SERVICE, "Other Office 365 Online services", src_services},
        {PROVIDER(5220), COMMUNITY_SERVICE, "Microsoft Defender for Identity", src_services},
        {PROVIDER(5250), COMMUNITY_SERVICE, "Microsoft PSTN services", src_services},
        /* National clouds: regions. */
        {PROVIDER(51106), COMMUNITY_NATIONAL_REGION, "US Gov Arizona", src_national},
        {PROVIDER(51109), COMMUNITY_NATIONAL_REGION, "US Gov Iowa", src_national},
        {PROVIDER(51105), COMMUNITY_NATIONAL_REGION, "US Gov Virginia", src_national},
        {PROVIDER(51108), COMMUNITY_NATIONAL_REGION, "US Gov Texas", src_national},
        {PROVIDER(51209), COMMUNITY_NATIONAL_REGION, "US DoD Central", src_national},
        {PROVIDER(51205), COMMUNITY_NATIONAL_REGION, "US DoD East", src_national},
        {PROVIDER(51301), COMMUNITY_NATIONAL_REGION, "China North", src_national},
        {PROVIDER(51302), COMMUNITY_NATIONAL_REGION, "China East", src_national},
        {PROVIDER(51303), COMMUNITY_NATIONAL_REGION, "China East 2", src_national},
        {PROVIDER(51304), COMMUNITY_NATIONAL_REGION, "China North 2", src_national},
        {PROVIDER(51305), COMMUNITY_NATIONAL_REGION, "China North 3", src_national},
        /* National clouds: US Government services. */
        {PROVIDER(5110), COMMUNITY_NATIONAL_SERVICE, "US Gov Exchange Online", src_national},
        {PROVIDER(5120), COMMUNITY_NATIONAL_SERVICE, "US Gov SharePoint Online", src_national},
        {PROVIDER(5130), COMMUNITY_NATIONAL_SERVICE, "US Gov Skype For Business Online",
         src_national},
        {PROVIDER(5160), COMMUNITY_NATIONAL_SERVICE, "US Gov Entra ID", src_national},
        {PROVIDER(5200), COMMUNITY_NATIONAL_SERVICE, "US Gov Other Office 365 Online services",
         src_national},
        /* Well-known: any peer may set them. */
        {0xFFFFFF01u, COMMUNITY_WELL_KNOWN, "no-export", src_rfc1997},
        {0xFFFFFF02u, COMMUNITY_WELL_KNOWN, "no-advertise", src_rfc1997},
        {0xFFFFFF03u, COMMUNITY_WELL_KNOWN, "no-export-subconfed", src_rfc1997},
        {0xFFFF029Au, COMMUNITY_WELL_KNOWN, "blackhole", src_rfc7999},
        {0xFFFF0000u, COMMUNITY_WELL_KNOWN, "graceful-shutdown", src_rfc8326},
};

static const char *const kind_names[COMMUNITY_NKINDS] = {
        [COMMUNITY_WELL_KNOWN] = "well-known",
        [COMMUNITY_REGION_PRIVATE] = "region-private",
        [COMMUNITY_REGION] = "region",
        [COMMUNITY_STORAGE] = "storage",
        [COMMUNITY_SQL] = "sql",
        [COMMUNITY_COSMOS_DB] = "cosmos-db",
        [COMMUNITY_BACKUP] = "backup",
        [COMMUNITY_SERVICE] = "service",
        [COMMUNITY_NATIONAL_REGION] = "national-region",
        [COMMUNITY_NATIONAL_SERVICE] = "national-service",
};

const char *
community_kind_name(enum community_kind k)
{
	return (unsigned)k < COMMUNITY_NKINDS ? kind_names[k] : "unknown";
}

static void
fill_region(const struct region *r, size_t col, struct community_name *out)
{
	out->value = PROVIDER(REGION_BASE + REGION_STEP * col + r->id);
	out->kind = columns[col].kind;
	snprintf(out->name, sizeof(out->name), "%s%s", r->name, columns[col].suffix);
	out->source = src_regions;
}

static void
fill_fixed(const struct fixed *f, struct community_name *out)
{
	out->value = f->value;
	out->kind = f->kind;
	snprintf(out->name, sizeof(out->name), "%s", f->name);
	out->source = f->source;
}

bool
community_lookup(uint32_t value, struct community_name *out)
{
	uint32_t low = value & 0xffff, col, id;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (fixed[i].value == value) {
			fill_fixed(&fixed[i], out);
			return true;
		}
	}
	if (value >> 16 != COMMUNITY_PROVIDER_ASN || low < REGION_BASE ||
	    low >= REGION_BASE + REGION_STEP * ARRAY_SIZE(columns))
		return false;
	col = (low - REGION_BASE) / REGION_STEP;
	id = (low - REGION_BASE) % REGION_STEP;
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++) {
		if (regions[i].id == id) {
			fill_region(&regions[i], col, out);
			return true;
		}
	}
	return false;
}

bool
community_at(size_t i, struct community_name *out)
{
	size_t nreg = ARRAY_SIZE(regions) * ARRAY_SIZE(columns);

	if (i < nreg) {
		fill_region(&regions[i / ARRAY_SIZE(columns)], i % ARRAY_SIZE(columns), out);
		return true;
	}
	i -= nreg;
	if (i < ARRAY_SIZE(fixed)) {
		fill_fixed(&fixed[i], out);
		return true;
	}
	return false;
}

/*
 * Whether name is region r's name followed by the column's suffix. A bare
 * region name matches both regional columns; the scope picks one.
 */
static bool
region_matches(const char *name, const struct region *r, size_t col)
{
	size_t len = strlen(r->name);

	return strncasecmp(name, r->name, len) == 0 &&
	       strcasecmp(name + len, columns[col].suffix) == 0;
}

bool
community_by_name(const char *name, enum community_scope scope, uint32_t *value)
{
	enum community_kind regional =
	        scope == COMMUNITY_SCOPE_PRIVATE ? COMMUNITY_REGION_PRIVATE : COMMUNITY_REGION;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (strcasecmp(name, fixed[i].name) == 0) {
			*value = fixed[i].value;
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++) {
		for (size_t col = 0; col < ARRAY_SIZE(columns); col++) {
			enum community_kind k = columns[col].kind;

			if ((k == COMMUNITY_REGION_PRIVATE || k == COMMUNITY_REGION) &&
			    k != regional)
				continue;
			if (region_matches(name, &regions[i], col)) {
				*value = PROVIDER(REGION_BASE + REGION_STEP * col + regions[i].id);
				return true;
			}
		}
	}
	return false;
}

char *
community_fmt(uint32_t value, char *buf, size_t size)
{
	struct community_name n;

	if (size == 0)
		return buf;
	if (community_lookup(value, &n))
		snprintf(buf, size, "%" PRIu32 ":%" PRIu32 " (%s)", value >> 16, value & 0xffff,
		         n.name);
	else
		snprintf(buf, size, "%" PRIu32 ":%" PRIu32, value >> 16, value & 0xffff);
	return buf;
}
