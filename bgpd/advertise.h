/*
 * advertise: what cebgpd tells the provider (design.md "Outbound
 * policy"). Per peering, lib/policy turns the config's announce list into
 * the advertised set; both sessions of the peering advertise that same set.
 * Per session, the set goes into the session's Adj-RIB-Out (lib/rib) with
 * the session's attributes, and the UPDATE packer drains it:
 *
 *   config ─► lib/plan: policy input ─► policy_run ─► result per peering
 *                                                     │ policy_diff on reload
 *   session Established ─► Adj-RIB-Out := result ─► packer ─► End-of-RIB
 *
 * Attributes (RFC 4271 §5.1): ORIGIN IGP, AS_PATH [our ASN] plus `prepend`
 * copies, NEXT_HOP our session address, the peering's communities (RFC
 * 1997), and on a lossy aggregate (one covering space nobody announced)
 * ATOMIC_AGGREGATE and AGGREGATOR (our ASN, router id), RFC 4271 §9.2.2.2.
 *
 * The packer builds an UPDATE only while the session's write queue is
 * below its high-water mark (session_can_send) and resumes when it drains
 * (advertise_resume): withdraws first, then one attribute set at a time,
 * as many NLRI per UPDATE as fit in the negotiated maximum message size.
 * After the initial set it sends End-of-RIB (RFC 4724 §2). A reload sends
 * only the difference; a ROUTE-REFRESH request sends the set again (inside
 * BoRR/EoRR when the peer speaks Enhanced Route Refresh, RFC 7313 §4).
 */
#ifndef CEBGP_ADVERTISE_H
#define CEBGP_ADVERTISE_H

#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "policy.h"

struct advertise;
struct daemon;
struct session;

/* Run the policy of every peering of d->cfg (logs warnings and caps). */
struct advertise *advertise_new(struct daemon *d);
void advertise_free(struct advertise *a);
/*
 * A reload runs in two halves. advertise_compute runs every peering's
 * policy for cfg with a's results as the previous ones (hysteresis); it
 * reads a and cfg only and logs nothing, so it runs off the loop (the
 * policy of 100k prefixes takes about half a second), while nothing
 * replaces a's results. NULL when memory ran out.
 */
struct advertise_plan;
struct advertise_plan *advertise_compute(const struct advertise *a, const struct config *cfg);
void advertise_plan_free(struct advertise_plan *p);
/*
 * Then, on the loop, once d->cfg is the config plan was computed for and
 * the sessions are updated: take the plan (NULL: out of memory, nothing
 * changes), log it, and send each established session only the difference
 * (plus everything again if its attributes changed, e.g. a new prepend).
 */
void advertise_reload(struct advertise *a, struct advertise_plan *plan);

/*
 * The live policy result of one peering, by key "CIRCUIT/private" or
 * "CIRCUIT/public": exactly what the sessions of that peering advertise
 * (its explain text says "advertised on private primary and secondary").
 * NULL if the peering is not configured or its policy ran out of memory.
 * Valid until the next advertise_reload.
 */
const struct policy_result *advertise_result(const struct advertise *a, const char *key);

/* The session hooks (session.h), as one table for struct daemon's session_hooks. */
struct session_hooks;
extern const struct session_hooks advertise_session_hooks;
void advertise_session_up(struct session *s); /* Established: full set, then EoR */
void advertise_refresh(struct session *s);    /* ROUTE-REFRESH received; soft clear out */
void advertise_resume(struct session *s);     /* the write queue drained (XON) */
void advertise_session_free(struct session *s);
/*
 * The interface monitor saw address a come or go on ifname: if it is an
 * IPv6 link-local one, the IPv6 sessions there advertise again when their
 * RFC 2545 link-local next hop changed.
 */
void advertise_link_local(struct daemon *d, const char *ifname, const struct addr *a);

#endif
