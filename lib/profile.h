/*
 * profile: the provider's rules for a circuit, as data.
 *
 * The guide cebgp is built from describes ExpressRoute as it was in 2014:
 * private and public peering, 3000/4000 routes, nothing longer than /29, a
 * 32-hex-digit MD5 key. A circuit ordered today has Microsoft peering
 * instead of public, other caps, no /29 minimum, IPv6, a key of at most
 * 25 characters. Each is a profile: a table of rules, every rule with its
 * source (the guide's section, or the provider's current documentation as
 * summarised in expressroute.md). Config validation, the plan and the
 * policy inputs read the table; nothing else knows which provider it is.
 *
 *   provider: expressroute-classic | expressroute   (top level or circuit)
 *   sku: standard | premium                         (the private IPv4 cap)
 *
 * expressroute-classic is the default: the guide's numbers, unchanged.
 */
#ifndef CEBGP_PROFILE_H
#define CEBGP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum profile_rule_kind {
	PROFILE_PEERING,          /* v[0]: 1 the peering is allowed, 0 it is an error */
	PROFILE_CAP,              /* peering, afi: v[sku] prefixes per session */
	PROFILE_MAX_LEN,          /* afi: v[0] the longest prefix advertised */
	PROFILE_PUBLIC_ONLY,      /* peering: outbound only public space, no default route */
	PROFILE_PUBLIC_LINKS,     /* peering: the link subnets must be public space */
	PROFILE_STRIP_PRIVATE_AS, /* peering: the provider strips private ASNs */
	PROFILE_KEY,              /* v[0]: enum profile_key_kind, v[1]: length */
	PROFILE_ASN_RESERVED,     /* our ASN in v[0]..v[1]: v[2] severity */
	PROFILE_ASN_DOC,          /* documentation ASNs v[0]..v[1] in our path: v[2] */
	PROFILE_ASN_PRIVATE_MIN,  /* a 2-byte private ASN must be at least v[0] */
	PROFILE_PROVIDER_ASN,     /* v[0] the provider's ASN on every peering */
	PROFILE_BFD,              /* v[0] on by default, v[1] interval ms, v[2] multiplier */
	PROFILE_NKINDS,
};

enum profile_key_kind {
	PROFILE_KEY_HEX32 = 0, /* exactly 32 hexadecimal digits */
	PROFILE_KEY_MAX_LEN,   /* 1..v[1] printable characters */
};

/* For PROFILE_ASN_RESERVED and PROFILE_ASN_DOC: what a match is. */
enum profile_severity {
	PROFILE_WARNING = 0,
	PROFILE_ERROR = 1,
};

#define PROFILE_ANY (-1) /* peering: every peering; afi 0: both families */

struct profile_rule {
	enum profile_rule_kind kind;
	int peering; /* enum config_peering_type or PROFILE_ANY */
	uint8_t afi; /* AFI_IP, AFI_IP6 or 0 */
	uint32_t v[3];
	const char *note;   /* NULL, or what to do / why, for messages */
	const char *source; /* where the rule comes from */
};

struct profile {
	const char *name; /* "expressroute-classic", "expressroute" */
	const char *summary;
	const struct profile_rule *rules;
	size_t nrules;
};

const char *profile_sku_name(enum config_sku s); /* "standard", "premium" */

/* NULL when no profile has that name. */
const struct profile *profile_find(const char *name);
/* expressroute-classic: the guide. */
const struct profile *profile_default(void);
/* The profiles, for "expected one of" and the man page's test. NULL-terminated names. */
const char *const *profile_names(void);

/*
 * The first rule of kind that applies to peering (PROFILE_ANY matches
 * only rules for every peering) and afi (0 likewise); NULL if none.
 */
const struct profile_rule *profile_rule(const struct profile *p, enum profile_rule_kind kind,
                                        int peering, uint8_t afi);

/* Is the peering part of the profile? why gets the rule (its note says what to do). */
bool profile_peering_allowed(const struct profile *p, enum config_peering_type t,
                             const struct profile_rule **why);
/* The provider's cap on one session of the peering, per family and SKU; 0: none. */
uint32_t profile_cap(const struct profile *p, enum config_peering_type t, uint8_t afi,
                     enum config_sku sku);
/* The longest prefix advertised (29 / 64 under the guide; 32 / 128 today). */
unsigned profile_max_len(const struct profile *p, uint8_t afi);
bool profile_public_only(const struct profile *p, enum config_peering_type t);
bool profile_public_links(const struct profile *p, enum config_peering_type t);
bool profile_strips_private_as(const struct profile *p, enum config_peering_type t);
/*
 * Does key obey the profile's key rule? false with a message (never the
 * key) in msg when it does not.
 */
bool profile_key_ok(const struct profile *p, const char *key, char *msg, size_t size);
/* A rule of kind (PROFILE_ASN_RESERVED or PROFILE_ASN_DOC) covering asn, or NULL. */
const struct profile_rule *profile_asn_match(const struct profile *p, enum profile_rule_kind kind,
                                             uint32_t asn);
/* RFC 6996 private ASNs: 64512-65534, 4200000000-4294967294. */
bool profile_asn_private(uint32_t asn);

/*
 * One rule as text, e.g. "private peering: at most 4000 IPv4 prefixes per
 * session (sku standard)"; the source is r->source. snprintf-like.
 */
size_t profile_rule_fmt(const struct profile_rule *r, enum config_sku sku, char *buf, size_t size);

#endif
