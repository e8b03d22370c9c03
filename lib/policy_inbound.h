/*
 * policy_inbound: the inbound policy of one peering, as a pure function.
 *
 *   received (prefix, attributes) ─► always-refused rules ─► accept list
 *                                 ─► accept-communities ─► verdict + reason
 *
 * A provider route is refused, whatever the config says, when it is:
 *  1. the default route, unless accept-default is set (then rules 2-5,
 *     which it would fail by covering every /30, do not apply to it);
 *  2. inside bogon or martian space (0/8, 127/8, 169.254/16, 192.0.0/24,
 *     192.0.2/24, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4 and
 *     the IPv6 equivalents: the PC_BOGON classes of prefix.h);
 *  3. equal to, covering or inside a peering /30 of any circuit (it would
 *     take the BGP sessions' own traffic away from the links);
 *  4. inside (or equal to) space we announce ourselves, on any circuit or
 *     peering (it would hijack our own traffic back to the provider);
 *  5. on public peering, inside RFC 1918 or RFC 6598 space (or IPv6 ULA).
 * "Inside" means equal to or more specific than; only the /30 rule also
 * refuses a covering route, because only there a shorter route steals the
 * sessions' next hops.
 *
 * Otherwise the route is accepted on both peerings (a VNet may use public
 * space), unless the peering narrows it: with an accept list, only routes
 * that an entry covers (the entry or anything more specific); with
 * accept-communities, only routes that carry one of the listed RFC 1997
 * communities (Microsoft peering tags routes by region and service, e.g.
 * 12076:51004).
 *
 * The first rule that applies is the reason; the order above is the order
 * the rules are checked in, so a reason never depends on the peering's
 * lists when an always-refused rule applies.
 *
 * An inbound_policy is immutable once built: the daemon builds a new one
 * on reload, compares it with the old (inbound_policy_eq) and re-evaluates
 * the stored Adj-RIB-In of the sessions whose policy changed.
 */
#ifndef CEBGP_POLICY_INBOUND_H
#define CEBGP_POLICY_INBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "policy.h"
#include "prefix.h"

/* Why a route was refused; INBOUND_ACCEPTED (0) when it was not. */
enum inbound_reason {
	INBOUND_ACCEPTED = 0,
	INBOUND_DEFAULT_ROUTE,  /* 0.0.0.0/0 or ::/0 without accept-default */
	INBOUND_BOGON,          /* bogon or martian space */
	INBOUND_LINK_SUBNET,    /* equal to, covering or inside a peering /30 */
	INBOUND_OWN_SPACE,      /* inside our announced space */
	INBOUND_PRIVATE_PUBLIC, /* RFC 1918, RFC 6598 or ULA on public peering */
	INBOUND_NOT_ACCEPTED,   /* no entry of the accept list covers it */
	INBOUND_NO_COMMUNITY,   /* carries none of accept-communities */
	/*
	 * The session's own check after the peering's rules (bgpd/inbound.c,
	 * attr_nexthop_pick): the next hop is neither on the session's link
	 * subnet nor, for IPv6, backed by a link-local one (RFC 4271 §6.3,
	 * RFC 2545 §3). Never returned by inbound_check().
	 */
	INBOUND_NEXT_HOP,
	INBOUND_NREASONS,
};

/* Short names for metric labels and JSON: "accepted", "bogon", "link-subnet", ... */
const char *inbound_reason_name(enum inbound_reason r);
/* A phrase for people: "bogon or martian space", ... */
const char *inbound_reason_text(enum inbound_reason r);

struct inbound_input {
	enum policy_peering peering;
	/* The peering as explain names it ("microsoft"), a static string;
	 * NULL: policy_peering_name(peering). */
	const char *peering_name;
	/* Every circuit's peering /30s. */
	const struct prefix *links;
	size_t n_links;
	/* Every announce entry of every circuit and peering: our own space. */
	const struct prefix *own;
	size_t n_own;
	/* The accept list; NULL with accept_set false: no narrowing. */
	bool accept_set;
	const struct prefix *accept;
	size_t n_accept;
	/* accept-communities; with communities_set false: no narrowing. */
	bool communities_set;
	const uint32_t *communities;
	size_t n_communities;
	bool accept_default; /* accept the default route */
};

struct inbound_policy;

/* A copy of everything in; NULL only if memory ran out. */
struct inbound_policy *inbound_policy_new(const struct inbound_input *in);
void inbound_policy_free(struct inbound_policy *ib);
/* Whether a and b decide every route alike (NULL equals only NULL). */
bool inbound_policy_eq(const struct inbound_policy *a, const struct inbound_policy *b);

/*
 * The verdict for prefix p received with attributes a (a may be NULL: no
 * communities). Cost: O(log n) trie lookups and a scan of the route's
 * communities against the sorted list.
 */
enum inbound_reason inbound_check(const struct inbound_policy *ib, const struct prefix *p,
                                  const struct attr_set *a);

/*
 * One line on why p got reason r under ib, naming what decided it:
 * "refused: inside 10.128.0.0/9, space we announce". Returns the length
 * needed (snprintf-like); buf is always NUL-terminated when size > 0.
 */
size_t inbound_explain(const struct inbound_policy *ib, const struct prefix *p,
                       enum inbound_reason r, char *buf, size_t size);

#endif
