/*
 * profile: the two provider profiles as tables (see profile.h). Every rule
 * says where it comes from: "guide" is seed/expressroute-guide.txt (2014),
 * "provider today" the provider's current documentation as summarised in
 * expressroute.md.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"

#define PRI CONFIG_PRIVATE
#define PUB CONFIG_PUBLIC
#define MS  CONFIG_MICROSOFT
#define ANY PROFILE_ANY

#define SRC_GUIDE_PEERINGS                                                                        \
	"guide, 'Configuring Border Gateway Protocol (BGP) Peering': private and public peering " \
	"(-AccessType Private, Public)"
#define SRC_GUIDE_CAPS                                                                        \
	"guide, 'Some guidelines for configuring BGP': up to 3000 routes on private peering " \
	"and 4000 on public"
#define SRC_GUIDE_MIN_LEN                                                                       \
	"guide, 'Some guidelines for configuring BGP': the smallest subnet you should publish " \
	"is a /29"
#define SRC_GUIDE_PRIVATE                                                                    \
	"guide, 'Some guidelines for configuring BGP': do not publish private IP addresses " \
	"through the public peering"
#define SRC_GUIDE_KEY                                                                        \
	"guide, 'Configuring Border Gateway Protocol (BGP) Peering': -SharedKey, a 16-byte " \
	"hash value represented as a 32 digit hexadecimal number"
#define SRC_GUIDE_ASN                                                                       \
	"guide, 'Autonomous System Number': a public ASN you own or a private one greater " \
	"than 65000"
#define SRC_GUIDE_NO_V6                                                                         \
	"the guide has no IPv6; the provider's IPv6 cap (expressroute.md, 'Caps') and cebgp's " \
	"/64 floor"
#define SRC_TODAY_PEERINGS                                                                 \
	"provider today (expressroute.md, 'Where today's provider rules differ'): public " \
	"peering is closed to new circuits, Microsoft peering replaces it"
#define SRC_TODAY_CAPS                                                                     \
	"provider today (expressroute.md, 'Caps'): private 4,000 IPv4 (Standard), 10,000 " \
	"(Premium), 100 IPv6; Microsoft 200 IPv4 and 200 IPv6 per session"
#define SRC_TODAY_LEN "provider today (expressroute.md, 'Prefix length'): any length up to /32"
#define SRC_TODAY_LEN6                                                                         \
	"provider today (expressroute.md, 'IPv6': dual stack, no minimum stated): any length " \
	"up to /128"
#define SRC_TODAY_MS                                                                            \
	"provider today (expressroute.md, 'On Microsoft peering'): no RFC 1918 and no default " \
	"route; only registered public prefixes"
#define SRC_TODAY_LINKS                                                                        \
	"provider today (expressroute.md, 'Link addressing'): Microsoft peering needs public " \
	"link subnets that the customer owns"
#define SRC_TODAY_STRIP                                                                       \
	"provider today (expressroute.md, 'AS path'): on Microsoft peering private ASNs are " \
	"stripped, so prepend public ones"
#define SRC_TODAY_KEY "provider today (expressroute.md, 'MD5 key'): optional; at most 25 characters"
#define SRC_TODAY_ASN                                                                     \
	"provider today (expressroute.md, 'Customer ASN'): not 65515-65520, 8074, 8075, " \
	"12076; no documentation ASNs (64496-64511) in paths"
#define SRC_PROVIDER_ASN                                                                   \
	"expressroute.md, 'What the provider side does': AS 12076 on every peering; 8074 " \
	"and 8075 are the provider's ASNs elsewhere"
#define SRC_DOC_ASN "RFC 5398: documentation ASNs 64496-64511 and 65536-65551"
#define SRC_BFD                                                                                  \
	"provider today (expressroute.md, 'Why BFD matters here'): BFD by default, 300 ms x 3; " \
	"the guide has none, cebgp runs it on every profile"

#define NOTE_PUBLIC_CLOSED                                                               \
	"public peering is closed to circuits ordered today; use microsoft: (Microsoft " \
	"peering) with public link subnets you own"
#define NOTE_NO_MICROSOFT                                                                     \
	"Microsoft peering is not part of the guide's provider; for a circuit ordered today " \
	"set provider: expressroute"
#define NOTE_RESERVED_ASN "the guide's example uses 65520, but current ExpressRoute refuses it"

static const struct profile_rule classic_rules[] = {
        {PROFILE_PEERING, PRI, 0, {1, 0, 0}, NULL, SRC_GUIDE_PEERINGS},
        {PROFILE_PEERING, PUB, 0, {1, 0, 0}, NULL, SRC_GUIDE_PEERINGS},
        {PROFILE_PEERING, MS, 0, {0, 0, 0}, NOTE_NO_MICROSOFT, SRC_GUIDE_PEERINGS},
        {PROFILE_CAP, PRI, AFI_IP, {3000, 3000, 0}, NULL, SRC_GUIDE_CAPS},
        {PROFILE_CAP, PUB, AFI_IP, {4000, 4000, 0}, NULL, SRC_GUIDE_CAPS},
        {PROFILE_CAP, ANY, AFI_IP6, {100, 100, 0}, NULL, SRC_GUIDE_NO_V6},
        {PROFILE_MAX_LEN, ANY, AFI_IP, {29, 0, 0}, NULL, SRC_GUIDE_MIN_LEN},
        {PROFILE_MAX_LEN, ANY, AFI_IP6, {64, 0, 0}, NULL, SRC_GUIDE_NO_V6},
        {PROFILE_PUBLIC_ONLY, PUB, 0, {0, 0, 0}, NULL, SRC_GUIDE_PRIVATE},
        {PROFILE_KEY, ANY, 0, {PROFILE_KEY_HEX32, 32, 0}, NULL, SRC_GUIDE_KEY},
        {PROFILE_PROVIDER_ASN, ANY, 0, {12076, 0, 0}, NULL, SRC_PROVIDER_ASN},
        {PROFILE_ASN_RESERVED, ANY, 0, {8074, 8075, PROFILE_ERROR}, NULL, SRC_PROVIDER_ASN},
        {PROFILE_ASN_RESERVED, ANY, 0, {12076, 12076, PROFILE_ERROR}, NULL, SRC_PROVIDER_ASN},
        {PROFILE_ASN_RESERVED,
         ANY,
         0,
         {65515, 65520, PROFILE_WARNING},
         NOTE_RESERVED_ASN,
         SRC_TODAY_ASN},
        {PROFILE_ASN_PRIVATE_MIN, ANY, 0, {65001, 0, 0}, NULL, SRC_GUIDE_ASN},
        {PROFILE_ASN_DOC, ANY, 0, {64496, 64511, PROFILE_WARNING}, NULL, SRC_DOC_ASN},
        {PROFILE_ASN_DOC, ANY, 0, {65536, 65551, PROFILE_WARNING}, NULL, SRC_DOC_ASN},
        {PROFILE_BFD,
         ANY,
         0,
         {1, CONFIG_DEFAULT_BFD_INTERVAL, CONFIG_DEFAULT_BFD_MULT},
         NULL,
         SRC_BFD},
};

static const struct profile_rule today_rules[] = {
        {PROFILE_PEERING, PRI, 0, {1, 0, 0}, NULL, SRC_TODAY_PEERINGS},
        {PROFILE_PEERING, PUB, 0, {0, 0, 0}, NOTE_PUBLIC_CLOSED, SRC_TODAY_PEERINGS},
        {PROFILE_PEERING, MS, 0, {1, 0, 0}, NULL, SRC_TODAY_PEERINGS},
        {PROFILE_CAP, PRI, AFI_IP, {4000, 10000, 0}, NULL, SRC_TODAY_CAPS},
        {PROFILE_CAP, PRI, AFI_IP6, {100, 100, 0}, NULL, SRC_TODAY_CAPS},
        {PROFILE_CAP, MS, AFI_IP, {200, 200, 0}, NULL, SRC_TODAY_CAPS},
        {PROFILE_CAP, MS, AFI_IP6, {200, 200, 0}, NULL, SRC_TODAY_CAPS},
        {PROFILE_MAX_LEN, ANY, AFI_IP, {32, 0, 0}, NULL, SRC_TODAY_LEN},
        {PROFILE_MAX_LEN, ANY, AFI_IP6, {128, 0, 0}, NULL, SRC_TODAY_LEN6},
        {PROFILE_PUBLIC_ONLY, MS, 0, {0, 0, 0}, NULL, SRC_TODAY_MS},
        {PROFILE_PUBLIC_LINKS, MS, 0, {0, 0, 0}, NULL, SRC_TODAY_LINKS},
        {PROFILE_STRIP_PRIVATE_AS, MS, 0, {0, 0, 0}, NULL, SRC_TODAY_STRIP},
        {PROFILE_KEY, ANY, 0, {PROFILE_KEY_MAX_LEN, 25, 0}, NULL, SRC_TODAY_KEY},
        {PROFILE_PROVIDER_ASN, ANY, 0, {12076, 0, 0}, NULL, SRC_PROVIDER_ASN},
        {PROFILE_ASN_RESERVED, ANY, 0, {8074, 8075, PROFILE_ERROR}, NULL, SRC_TODAY_ASN},
        {PROFILE_ASN_RESERVED, ANY, 0, {12076, 12076, PROFILE_ERROR}, NULL, SRC_TODAY_ASN},
        {PROFILE_ASN_RESERVED, ANY, 0, {65515, 65520, PROFILE_ERROR}, NULL, SRC_TODAY_ASN},
        {PROFILE_ASN_DOC, ANY, 0, {64496, 64511, PROFILE_ERROR}, NULL, SRC_TODAY_ASN},
        {PROFILE_ASN_DOC, ANY, 0, {65536, 65551, PROFILE_ERROR}, NULL, SRC_DOC_ASN},
        {PROFILE_BFD,
         ANY,
         0,
         {1, CONFIG_DEFAULT_BFD_INTERVAL, CONFIG_DEFAULT_BFD_MULT},
         NULL,
         SRC_BFD},
};

#define NRULES(a) (sizeof(a) / sizeof((a)[0]))

static const struct profile profiles[] = {
        {"expressroute-classic",
         "the guide (2014): private and public peering, 3000/4000 routes, /29 minimum",
         classic_rules, NRULES(classic_rules)},
        {"expressroute",
         "a circuit ordered today: private and Microsoft peering, dual stack, today's caps",
         today_rules, NRULES(today_rules)},
};

static const char *const names[] = {"expressroute-classic", "expressroute", NULL};

const char *
profile_sku_name(enum config_sku s)
{
	return s == CONFIG_SKU_PREMIUM ? "premium" : "standard";
}

const struct profile *
profile_find(const char *name)
{
	for (size_t i = 0; i < NRULES(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct profile *
profile_default(void)
{
	return &profiles[0];
}

const char *const *
profile_names(void)
{
	return names;
}

const struct profile_rule *
profile_rule(const struct profile *p, enum profile_rule_kind kind, int peering, uint8_t afi)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct profile_rule *r = &p->rules[i];
		if (r->kind != kind)
			continue;
		if (r->peering != PROFILE_ANY && r->peering != peering)
			continue;
		if (r->afi != 0 && r->afi != afi)
			continue;
		return r;
	}
	return NULL;
}

bool
profile_peering_allowed(const struct profile *p, enum config_peering_type t,
                        const struct profile_rule **why)
{
	const struct profile_rule *r = profile_rule(p, PROFILE_PEERING, (int)t, 0);

	if (why != NULL)
		*why = r;
	return r != NULL && r->v[0] != 0;
}

uint32_t
profile_cap(const struct profile *p, enum config_peering_type t, uint8_t afi, enum config_sku sku)
{
	const struct profile_rule *r = profile_rule(p, PROFILE_CAP, (int)t, afi);

	return r ? r->v[sku == CONFIG_SKU_PREMIUM ? 1 : 0] : 0;
}

unsigned
profile_max_len(const struct profile *p, uint8_t afi)
{
	const struct profile_rule *r = profile_rule(p, PROFILE_MAX_LEN, PROFILE_ANY, afi);

	return r ? r->v[0] : afi == AFI_IP6 ? 128 : 32;
}

bool
profile_public_only(const struct profile *p, enum config_peering_type t)
{
	return profile_rule(p, PROFILE_PUBLIC_ONLY, (int)t, 0) != NULL;
}

bool
profile_public_links(const struct profile *p, enum config_peering_type t)
{
	return profile_rule(p, PROFILE_PUBLIC_LINKS, (int)t, 0) != NULL;
}

bool
profile_strips_private_as(const struct profile *p, enum config_peering_type t)
{
	return profile_rule(p, PROFILE_STRIP_PRIVATE_AS, (int)t, 0) != NULL;
}

bool
profile_key_ok(const struct profile *p, const char *key, char *msg, size_t size)
{
	const struct profile_rule *r = profile_rule(p, PROFILE_KEY, PROFILE_ANY, 0);
	size_t len = strlen(key), i;

	if (r == NULL)
		return true;
	if (r->v[0] == PROFILE_KEY_HEX32) {
		for (i = 0; i < len; i++)
			if (!((key[i] >= '0' && key[i] <= '9') ||
			      (key[i] >= 'a' && key[i] <= 'f') || (key[i] >= 'A' && key[i] <= 'F')))
				break;
		if (len == 32 && i == len)
			return true;
		if (len != 32)
			snprintf(
			        msg, size,
			        "must be exactly 32 hexadecimal digits (the guide: a 16-byte value "
			        "written as 32 hex digits); this one has %zu characters",
			        len);
		else
			snprintf(
			        msg, size,
			        "must be exactly 32 hexadecimal digits (the guide: a 16-byte value "
			        "written as 32 hex digits); this one has characters that are not "
			        "hex digits");
		return false;
	}
	if (len > r->v[1]) {
		snprintf(msg, size,
		         "the key has %zu characters; the provider takes at most %u today "
		         "(provider %s): choose a key of at most %u characters and give the "
		         "provider the same",
		         len, r->v[1], p->name, r->v[1]);
		return false;
	}
	return true;
}

const struct profile_rule *
profile_asn_match(const struct profile *p, enum profile_rule_kind kind, uint32_t asn)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct profile_rule *r = &p->rules[i];
		if (r->kind == kind && asn >= r->v[0] && asn <= r->v[1])
			return r;
	}
	return NULL;
}

bool
profile_asn_private(uint32_t asn)
{
	return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000u && asn <= 4294967294u);
}

static const char *
afi_name(uint8_t afi)
{
	return afi == AFI_IP6 ? "IPv6" : "IPv4";
}

static const char *
peering_of(const struct profile_rule *r)
{
	return r->peering == PROFILE_ANY
	               ? "every peering"
	               : config_peering_name((enum config_peering_type)r->peering);
}

static const char *
severity(uint32_t s)
{
	return s == PROFILE_ERROR ? "an error" : "a warning";
}

size_t
profile_rule_fmt(const struct profile_rule *r, enum config_sku sku, char *buf, size_t size)
{
	const char *pe = peering_of(r);
	int n = 0;

	switch (r->kind) {
	case PROFILE_PEERING:
		n = snprintf(buf, size, "%s peering: %s", pe,
		             r->v[0] ? "allowed" : "not allowed (an error)");
		break;
	case PROFILE_CAP:
		if (r->v[0] != r->v[1])
			n = snprintf(
			        buf, size,
			        "%s%s: at most %u %s prefixes per session (sku %s; %u standard, "
			        "%u premium)",
			        pe, r->peering == PROFILE_ANY ? "" : " peering",
			        r->v[sku == CONFIG_SKU_PREMIUM], afi_name(r->afi),
			        profile_sku_name(sku), r->v[0], r->v[1]);
		else
			n = snprintf(buf, size, "%s%s: at most %u %s prefixes per session", pe,
			             r->peering == PROFILE_ANY ? "" : " peering", r->v[0],
			             afi_name(r->afi));
		break;
	case PROFILE_MAX_LEN:
		if (r->v[0] == (r->afi == AFI_IP6 ? 128u : 32u))
			n = snprintf(buf, size, "%s: no minimum length (any length up to /%u)",
			             afi_name(r->afi), r->v[0]);
		else
			n = snprintf(buf, size, "%s: nothing longer than /%u is advertised",
			             afi_name(r->afi), r->v[0]);
		break;
	case PROFILE_PUBLIC_ONLY:
		n = snprintf(buf, size,
		             "%s peering: only public space is advertised (no RFC 1918, RFC 6598 "
		             "or ULA), never a default route",
		             pe);
		break;
	case PROFILE_PUBLIC_LINKS:
		n = snprintf(buf, size, "%s peering: the link subnets must be public space", pe);
		break;
	case PROFILE_STRIP_PRIVATE_AS:
		n = snprintf(buf, size,
		             "%s peering: the provider strips private ASNs (a private asn is a "
		             "warning, a prepend of it an error)",
		             pe);
		break;
	case PROFILE_KEY:
		if (r->v[0] == PROFILE_KEY_HEX32)
			n = snprintf(buf, size, "MD5 key: optional, exactly 32 hexadecimal digits");
		else
			n = snprintf(buf, size, "MD5 key: optional, at most %u characters",
			             r->v[1]);
		break;
	case PROFILE_ASN_RESERVED:
		if (r->v[0] == r->v[1])
			n = snprintf(buf, size, "asn: %u is reserved (%s)", r->v[0],
			             severity(r->v[2]));
		else
			n = snprintf(buf, size, "asn: %u-%u are reserved (%s)", r->v[0], r->v[1],
			             severity(r->v[2]));
		break;
	case PROFILE_ASN_DOC:
		n = snprintf(buf, size, "asn: documentation ASNs %u-%u in our path (%s)", r->v[0],
		             r->v[1], severity(r->v[2]));
		break;
	case PROFILE_ASN_PRIVATE_MIN:
		n = snprintf(buf, size, "asn: a private ASN must be at least %u (an error)",
		             r->v[0]);
		break;
	case PROFILE_PROVIDER_ASN:
		n = snprintf(buf, size, "provider-asn: %u (8074, 8075 are an error)", r->v[0]);
		break;
	case PROFILE_BFD:
		if (r->v[0])
			n = snprintf(buf, size, "bfd: on by default, %u ms x %u", r->v[1], r->v[2]);
		else
			n = snprintf(buf, size, "bfd: off by default");
		break;
	case PROFILE_NKINDS:
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}
