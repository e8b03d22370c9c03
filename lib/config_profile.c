/*
 * config_profile: `provider:` and `sku:`, and the checks that read the
 * circuit's profile (lib/profile.h): which peerings exist, the caps and
 * minimum lengths, public link subnets, private and documentation ASNs,
 * the provider's ASN, the BFD default. The rules are the profile's; this
 * file only turns a broken rule into a message with file:line:col and what
 * to do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"
#include "profile.h"

/* ---- provider and sku, read ahead ------------------------------------ */

/* The value node of key in mapping n, or NULL; no diagnostics. */
static yaml_node_t *
map_get(struct cfg_ctx *c, yaml_node_t *n, const char *key)
{
	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const char *k = cfg_scalar(cfg_node(c, p->key));
		if (k != NULL && strcmp(k, key) == 0)
			return cfg_node(c, p->value);
	}
	return NULL;
}

/* A valid provider name in n, else dflt (the walk reports a bad one). */
static const struct profile *
peek_profile(struct cfg_ctx *c, yaml_node_t *map, const struct profile *dflt)
{
	yaml_node_t *v = map_get(c, map, "provider");
	const char *s = v ? cfg_scalar(v) : NULL;
	const struct profile *p = s ? profile_find(s) : NULL;

	return p ? p : dflt;
}

static enum config_sku
peek_sku(struct cfg_ctx *c, yaml_node_t *map, enum config_sku dflt)
{
	yaml_node_t *v = map_get(c, map, "sku");
	const char *s = v ? cfg_scalar(v) : NULL;

	if (s != NULL && strcmp(s, "premium") == 0)
		return CONFIG_SKU_PREMIUM;
	if (s != NULL && strcmp(s, "standard") == 0)
		return CONFIG_SKU_STANDARD;
	return dflt;
}

static void
mark_used(struct cfg_ctx *c, const struct profile *p)
{
	for (size_t i = 0; i < c->nused; i++)
		if (c->used[i] == p)
			return;
	if (c->nused < sizeof(c->used) / sizeof(c->used[0]))
		c->used[c->nused++] = p;
}

/*
 * The top level's provider and sku, and every circuit's profile, before the
 * walk: `asn` is checked against each profile in use, and a circuit may
 * come before the top level's provider: in the file.
 */
void
cfg_prescan_profiles(struct cfg_ctx *c, yaml_node_t *root)
{
	yaml_node_t *circuits = map_get(c, root, "circuits");

	c->profile = peek_profile(c, root, profile_default());
	c->sku = peek_sku(c, root, CONFIG_SKU_STANDARD);
	c->nused = 0;
	if (circuits == NULL || circuits->type != YAML_SEQUENCE_NODE) {
		mark_used(c, c->profile);
		return;
	}
	for (yaml_node_item_t *it = circuits->data.sequence.items.start;
	     it < circuits->data.sequence.items.top; it++)
		mark_used(c, peek_profile(c, cfg_node(c, *it), c->profile));
	if (c->nused == 0)
		mark_used(c, c->profile);
}

void
cfg_circuit_profile(struct cfg_ctx *c, yaml_node_t *circuit, struct config_circuit *ci)
{
	ci->profile = peek_profile(c, circuit, c->profile);
	ci->sku = peek_sku(c, circuit, c->sku);
}

void
cfg_parse_provider(struct cfg_ctx *c, yaml_node_t *v, const struct profile **out)
{
	int i;

	if (cfg_get_word(c, v, "provider", profile_names(), &i))
		*out = profile_find(profile_names()[i]);
}

void
cfg_parse_sku(struct cfg_ctx *c, yaml_node_t *v, enum config_sku *out)
{
	static const char *const words[] = {"standard", "premium", NULL};
	int i;

	if (cfg_get_word(c, v, "sku", words, &i))
		*out = i == 1 ? CONFIG_SKU_PREMIUM : CONFIG_SKU_STANDARD;
}

/* ---- ASNs ------------------------------------------------------------ */

static void asn_msg(struct cfg_ctx *c, struct config_pos pos, uint32_t sev, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void
asn_msg(struct cfg_ctx *c, struct config_pos pos, uint32_t sev, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (sev == PROFILE_ERROR)
		cfg_err(c, pos, "%s", buf);
	else
		cfg_warn(c, pos, "%s", buf);
}

/* Our ASN against one profile's ASN rules. */
static void
check_our_asn(struct cfg_ctx *c, struct config_pos pos, const char *key, uint32_t asn,
              const struct profile *p)
{
	const struct profile_rule *r = profile_asn_match(p, PROFILE_ASN_RESERVED, asn);
	const struct profile_rule *pv = profile_rule(p, PROFILE_PROVIDER_ASN, PROFILE_ANY, 0);
	const struct profile_rule *pm = profile_rule(p, PROFILE_ASN_PRIVATE_MIN, PROFILE_ANY, 0);

	if (r != NULL && pv != NULL && (asn == pv->v[0] || (asn >= 8074 && asn <= 8075))) {
		asn_msg(c, pos, r->v[2],
		        "%s: %u is one of the provider's ASNs (12076, 8074, 8075); use your own "
		        "public ASN or a private one greater than 65000",
		        key, asn);
		return;
	}
	if (r != NULL && r->note != NULL) {
		asn_msg(c, pos, r->v[2], "%s: %u is reserved by the provider today (%u-%u); %s",
		        key, asn, r->v[0], r->v[1], r->note);
		return;
	}
	if (r != NULL) {
		asn_msg(c, pos, r->v[2],
		        "%s: %u is reserved by the provider (%u-%u; provider %s): choose another "
		        "ASN, a public one you own or a private one outside that range",
		        key, asn, r->v[0], r->v[1], p->name);
		return;
	}
	if (pm != NULL && asn >= 64512 && asn < pm->v[0]) {
		cfg_err(c, pos,
		        "%s: %u is a private ASN not greater than %u; the guide requires a public "
		        "ASN you own or a private ASN greater than %u",
		        key, asn, pm->v[0] - 1, pm->v[0] - 1);
		return;
	}
	if ((r = profile_asn_match(p, PROFILE_ASN_DOC, asn)) == NULL)
		return;
	if (r->v[2] == PROFILE_ERROR)
		cfg_err(c, pos,
		        "%s: %u is a documentation ASN (RFC 5398); the provider refuses paths "
		        "with documentation ASNs (provider %s): use your own ASN",
		        key, asn, p->name);
	else
		cfg_warn(c, pos,
		         "%s: %u is a documentation ASN (RFC 5398); use it only in examples and "
		         "labs",
		         key, asn);
}

bool
cfg_check_asn(struct cfg_ctx *c, struct config_pos pos, const char *key, uint32_t asn, bool ours)
{
	if (asn == 0) {
		cfg_err(c, pos, "%s: 0 is reserved (RFC 7607) and cannot be used", key);
		return false;
	}
	if (asn == 23456) {
		cfg_err(c, pos,
		        "%s: 23456 is AS_TRANS (RFC 6793), a placeholder for 4-octet ASNs, not a "
		        "real ASN",
		        key);
		return false;
	}
	if (asn == 65535 || asn == 4294967295u) {
		cfg_err(c, pos, "%s: %u is reserved (RFC 7300) and cannot be used", key, asn);
		return false;
	}
	for (size_t i = 0; ours && i < c->nused; i++)
		check_our_asn(c, pos, key, asn, c->used[i]);
	return true;
}

/*
 * provider-asn: the provider uses one ASN on every ExpressRoute peering;
 * 8074 and 8075 are its ASNs elsewhere and a common slip (the session
 * never comes up: the OPEN carries 12076).
 */
void
cfg_check_provider_asn(struct cfg_ctx *c, struct config_pos pos, uint32_t asn,
                       const struct profile *p)
{
	const struct profile_rule *r = profile_rule(p, PROFILE_PROVIDER_ASN, PROFILE_ANY, 0);
	uint32_t want = r ? r->v[0] : CONFIG_DEFAULT_PROVIDER_ASN;

	if (asn == want)
		return;
	if (asn == 8074 || asn == 8075)
		cfg_err(c, pos,
		        "provider-asn: %u is the provider's ASN elsewhere, not on ExpressRoute, "
		        "whose every peering uses %u (%u instead of %u is a common mistake): write "
		        "provider-asn: %u or remove the line",
		        asn, want, asn, want, want);
	else
		cfg_warn(c, pos,
		         "provider-asn: %u is not %u, the ASN the provider uses on every "
		         "ExpressRoute peering",
		         asn, want);
}

/* ---- per circuit ----------------------------------------------------- */

/* At parse time, so the line shows beside every other error of the file. */
void
cfg_check_peering_allowed(struct cfg_ctx *c, const struct config_circuit *ci, int t)
{
	const struct profile_rule *why;

	if (profile_peering_allowed(ci->profile, (enum config_peering_type)t, &why))
		return;
	cfg_err(c, ci->peering[t].pos, "%s: %s (provider %s)",
	        config_peering_name((enum config_peering_type)t),
	        why && why->note ? why->note : "not part of this provider's profile",
	        ci->profile->name);
}

/*
 * The provider drops both sessions of a peering over its cap. An unset
 * max-prefixes takes the profile's cap; an explicit one above it is the
 * operator's call, with a warning. Likewise the minimum length.
 */
static void
check_caps(struct cfg_ctx *c, size_t i, int t)
{
	struct config_circuit *ci = &c->cfg->circuits[i];
	struct config_peering *pe = &ci->peering[t];
	const struct cfg_circuit_extra *x = &c->cx[i];
	const char *pn = config_peering_name((enum config_peering_type)t);
	uint32_t cap = profile_cap(ci->profile, (enum config_peering_type)t, AFI_IP, ci->sku);
	uint32_t cap6 = profile_cap(ci->profile, (enum config_peering_type)t, AFI_IP6, ci->sku);
	/* A peering the profile has no cap for is refused already; keep a sane value. */
	uint32_t dflt = profile_cap(profile_default(), CONFIG_PRIVATE, AFI_IP, ci->sku);
	uint32_t dflt6 = profile_cap(profile_default(), CONFIG_PRIVATE, AFI_IP6, ci->sku);
	unsigned len = profile_max_len(ci->profile, AFI_IP);
	unsigned len6 = profile_max_len(ci->profile, AFI_IP6);

	if (pe->max_prefixes == 0)
		pe->max_prefixes = cap ? cap : dflt;
	else if (cap && pe->max_prefixes > cap)
		cfg_warn(c, x->max_prefixes_pos[t],
		         "max-prefixes: %u is above the provider's cap of %u IPv4 prefixes on %s "
		         "peering (provider %s, sku %s): the provider drops the session over %u, "
		         "both legs at once",
		         pe->max_prefixes, cap, pn, ci->profile->name, profile_sku_name(ci->sku),
		         cap);
	if (pe->max_prefixes6 == 0)
		pe->max_prefixes6 = cap6 ? cap6 : dflt6;
	else if (cap6 && pe->max_prefixes6 > cap6)
		cfg_warn(c, x->max_prefixes6_pos[t],
		         "max-prefixes-v6: %u is above the provider's cap of %u IPv6 prefixes on "
		         "%s peering (provider %s): the provider drops the session over %u, both "
		         "legs at once",
		         pe->max_prefixes6, cap6, pn, ci->profile->name, cap6);
	if (pe->max_len == 0)
		pe->max_len = (uint8_t)len;
	else if (pe->max_len > len)
		cfg_warn(c, x->min_length_pos[t],
		         "min-length: /%u is longer than the provider's minimum of /%u (provider "
		         "%s): the provider does not take prefixes longer than /%u",
		         pe->max_len, len, ci->profile->name, len);
	if (pe->max_len6 == 0)
		pe->max_len6 = (uint8_t)len6;
	else if (pe->max_len6 > len6)
		cfg_warn(c, x->min_length6_pos[t],
		         "min-length-v6: /%u is longer than the provider's minimum of /%u "
		         "(provider %s): the provider does not take prefixes longer than /%u",
		         pe->max_len6, len6, ci->profile->name, len6);
}

/* Space no customer owns: what a public link subnet may not be. */
#define NOT_PUBLIC (PC_RFC1918 | PC_RFC6598 | PC_ULA | PC_BOGON)

static void
check_public_link(struct cfg_ctx *c, const struct config_circuit *ci, int t, const char *key,
                  const struct prefix *p, struct config_pos pos)
{
	unsigned cls = prefix_classes(p) & NOT_PUBLIC;
	char a[PREFIX_STRLEN];

	if (cls == 0)
		return;
	cfg_err(c, pos,
	        "%s: %s is %s space; %s peering needs public link subnets that you own "
	        "(provider %s): ask the provider's portal for the /30s and /126s registered to "
	        "you",
	        key, prefix_fmt(p, a, sizeof(a)), prefix_class_name(cls & -cls),
	        config_peering_name((enum config_peering_type)t), ci->profile->name);
}

static void
check_links_public(struct cfg_ctx *c, const struct config_circuit *ci, int t)
{
	const struct config_peering *pe = &ci->peering[t];
	char key[32];

	if (!profile_public_links(ci->profile, (enum config_peering_type)t))
		return;
	for (int r = 0; r < CONFIG_NROLES; r++) {
		snprintf(key, sizeof(key), "%s-subnet", config_role_name((enum config_role)r));
		if (pe->subnet_set[r])
			check_public_link(c, ci, t, key, &pe->subnet[r], pe->subnet_pos[r]);
		snprintf(key, sizeof(key), "%s-subnet-v6", config_role_name((enum config_role)r));
		if (pe->subnet6_set[r])
			check_public_link(c, ci, t, key, &pe->subnet6[r], pe->subnet6_pos[r]);
	}
}

/* A private ASN where the provider strips it: the path it sees starts at its own. */
static void
check_stripped_asn(struct cfg_ctx *c, const struct config_circuit *ci, int t)
{
	uint32_t asn = c->cfg->asn;

	if (!profile_strips_private_as(ci->profile, (enum config_peering_type)t) ||
	    !profile_asn_private(asn))
		return;
	cfg_warn(c, c->asn_pos,
	         "asn: %u is private, and the provider strips private ASNs on %s peering "
	         "(circuit %s, line %u): prepends of it are lost there; use a public ASN you "
	         "own to steer traffic on that peering",
	         asn, config_peering_name((enum config_peering_type)t), ci->name,
	         ci->peering[t].pos.line);
}

void
cfg_check_profile(struct cfg_ctx *c, size_t i)
{
	struct config_circuit *ci = &c->cfg->circuits[i];

	for (int t = 0; t < CONFIG_NPEERINGS; t++) {
		if (!ci->peering[t].present)
			continue;
		check_caps(c, i, t);
		check_links_public(c, ci, t);
		check_stripped_asn(c, ci, t);
	}
}

/*
 * A session's resolved prepend against the profile: a private ASN the
 * provider strips cannot be prepended there; a documentation ASN prepended
 * puts more of it in the path.
 */
void
cfg_check_session_profile(struct cfg_ctx *c, const struct config_session *s,
                          const struct cfg_resolved *r)
{
	const struct profile *p = s->circuit->profile;
	const struct profile_rule *doc;
	struct config_pos pos = r->pos[OPT_PREPEND];

	if (r->v.prepend == 0)
		return;
	if (pos.line == 0)
		pos = c->asn_pos;
	if (profile_strips_private_as(p, s->type) && profile_asn_private(s->local_asn)) {
		cfg_err(c, pos,
		        "prepend: %u extra copies of the private ASN %u on %s peering are "
		        "stripped by the provider with the ASN itself (provider %s), so this "
		        "prepend steers nothing: remove it for that peering or use a public ASN",
		        r->v.prepend, s->local_asn, config_peering_name(s->type), p->name);
		return;
	}
	if ((doc = profile_asn_match(p, PROFILE_ASN_DOC, s->local_asn)) != NULL)
		asn_msg(c, pos, doc->v[2],
		        "prepend: puts the documentation ASN %u (RFC 5398) %u more times in the "
		        "path on %s peering%s",
		        s->local_asn, r->v.prepend, config_peering_name(s->type),
		        doc->v[2] == PROFILE_ERROR ? "; the provider refuses such paths: use your "
		                                     "own ASN"
		                                   : "");
}

/* The profile's BFD default for every field no level set. */
void
cfg_profile_bfd(struct cfg_resolved *r, const struct profile *p)
{
	const struct profile_rule *b = profile_rule(p, PROFILE_BFD, PROFILE_ANY, 0);

	if (b == NULL)
		return;
	if (r->pos[OPT_BFD_ENABLED].line == 0)
		r->v.bfd.enabled = b->v[0] != 0;
	if (r->pos[OPT_BFD_MIN_RX].line == 0)
		r->v.bfd.min_rx = b->v[1];
	if (r->pos[OPT_BFD_MIN_TX].line == 0)
		r->v.bfd.min_tx = b->v[1];
	if (r->pos[OPT_BFD_MULT].line == 0)
		r->v.bfd.multiplier = (uint8_t)b->v[2];
}
