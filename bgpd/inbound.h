/*
 * inbound: the glue between the running config, the pure inbound policy
 * (lib/policy_inbound.h) and the Adj-RIB-In.
 *
 * One policy per configured peering, built from the running config: the
 * peering's accept lists plus what every circuit contributes (its /30s
 * and its announced space). A received path gets its verdict from
 * inbound_apply; the RIB keeps the path whatever the verdict, with the
 * reason, so a reload that changes the policy re-evaluates the stored
 * Adj-RIB-In (no ROUTE-REFRESH, no session reset). That walk runs in
 * slices on the event loop, a few milliseconds each, so a million routes
 * never stall keepalives; the FIB follows every Loc-RIB change it makes.
 */
#ifndef CEBGP_INBOUND_H
#define CEBGP_INBOUND_H

#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "prefix.h"

struct config;
struct config_session;
struct daemon;
struct inbound;

/* The policies of d->cfg; NULL only if memory ran out. */
struct inbound *inbound_new(struct daemon *d);
void inbound_free(struct inbound *ib);

/*
 * The policies of cfg, built where the reload reads the file (reload.c's
 * worker thread, off the loop): sorting and indexing every circuit's
 * announced space is tens of milliseconds at 100k entries. Reads only cfg;
 * NULL if memory ran out.
 */
struct inbound_prepared;
struct inbound_prepared *inbound_prepare(const struct config *cfg);
void inbound_prepared_free(struct inbound_prepared *p);

/*
 * d->cfg is the new config (a reload): take its policies (prep, built by
 * inbound_prepare from that same config; NULL: build them here) and start
 * a re-evaluation of every session whose policy changed. A walk already
 * running for a session starts over under the newer policy.
 */
void inbound_reload(struct inbound *ib, struct inbound_prepared *prep);

/*
 * The verdict for p received on session cfg with attributes in: the
 * effective attributes as a new reference (the received ones: policy
 * changes no attribute today), or NULL when refused, with *reason (enum
 * inbound_reason; 0 when accepted).
 */
const struct attr *inbound_apply(const struct inbound *ib, const struct config_session *cfg,
                                 const struct prefix *p, const struct attr *in, uint8_t *reason);

/* One line for `explain`: reason (as recorded) with what decided it. */
size_t inbound_explain_path(const struct inbound *ib, const struct config_session *cfg,
                            const struct prefix *p, uint8_t reason, char *buf, size_t size);

/* Sessions whose Adj-RIB-In is still being re-evaluated. */
size_t inbound_pending(const struct inbound *ib);

#endif
