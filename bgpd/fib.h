/*
 * fib: Loc-RIB -> Linux FIB. The daemon hands every Loc-RIB change record
 * (lib/rib.h) to fib_change(); this module turns it into one
 * kernel_route_set() (bgpd/kernel.h) with all ECMP next hops, each the
 * peer's address through the sub-interface of the session it came from.
 *
 * - Per peering `install` (false: the peering's routes stay out of the
 *   FIB), `table`, `protocol` and `metric` from the config. One struct
 *   kernel per (table, protocol); the daemon's own d->kernel is the one
 *   for the top-level defaults and the link/address watch. Peerings that
 *   share a (table, protocol) share its metric (the first one's; a
 *   different one is logged): the kernel module purges our routes with
 *   another metric.
 * - Failover: when a session goes, the RIB reports the prefix with the
 *   remaining next hop and the kernel module replaces the route in one
 *   RTM_NEWROUTE (NLM_F_REPLACE); when none is left it is removed.
 * - Protections: every session's /30 and every connected subnet the
 *   address watch reports (not host addresses: /32 and /128 live in the
 *   local table, which always wins) are kernel_protect()ed: a route that
 *   overlaps one is refused with a log line and installed if the
 *   protection goes.
 * - Stale routes of a previous run are adopted by the kernel module (they
 *   keep forwarding); fib sweeps the unclaimed ones as soon as every
 *   installing session is Established with End-of-RIB received, and the
 *   kernel module at the latest after FIB_STALE_SECS.
 * - Stop: once the daemon is stopping, Loc-RIB changes no longer reach the
 *   kernel: kernel_close() then removes our routes, or leaves them all
 *   (keep-routes-on-exit), instead of the sessions' teardown removing them
 *   one by one.
 */
#ifndef CEBGP_FIB_H
#define CEBGP_FIB_H

#include <stdbool.h>
#include <stddef.h>

#include "prefix.h"

struct daemon;
struct fib;
struct rib_change;

/* How long adopted routes of a previous run may wait to be claimed. */
#define FIB_STALE_SECS 120

/*
 * The daemon's loop has three event priorities (0 urgent, 1 normal, 2
 * low). The FIB's work runs at FIB_PRIO_LOW in slices of FIB_SLICE_MS, so
 * reading the peers comes first; a timer still grants it a slice in every
 * FIB_GUARD_MS while work waits, so a steady feed cannot starve it, and
 * in every FIB_GUARD_HUNGRY_MS while the kernel has less than
 * FIB_HUNGRY routes to work on: its writer thread, on the other core,
 * then goes on while the loop reads.
 */
#define FIB_PRIORITIES      3
#define FIB_PRIO_LOW        2
#define FIB_SLICE_MS        8
#define FIB_GUARD_MS        40
#define FIB_GUARD_HUNGRY_MS 12
#define FIB_HUNGRY          32768

/*
 * After d->kernel is open (NULL: no FIB; every fib_* call is then a
 * no-op). Opens the extra tables the config asks for and protects the
 * sessions' subnets.
 */
struct fib *fib_new(struct daemon *d);
/* Close the extra tables (their routes go unless keep-routes-on-exit). */
void fib_free(struct fib *f);
/* Leave every table's routes in the kernel at exit, whatever keep-routes-on-exit says. */
void fib_keep_on_exit(struct fib *f);

/*
 * A Loc-RIB change (from the RIB's callback). Only the prefix is kept: it
 * joins a coalescing queue (lib/pfxq.h) and, when its turn comes, the
 * kernel gets the prefix's Loc-RIB entry as it is then. So a prefix that
 * changes many times before it is installed is installed once, and the
 * queue holds at most one entry per prefix that changed.
 */
void fib_change(struct fib *f, const struct rib_change *c);
/* Prefixes waiting in that queue. */
size_t fib_queued(const struct fib *f);
/* An address appeared or went (the kernel watch's callback). */
void fib_addr(struct fib *f, const char *ifname, const struct addr *a, unsigned plen, bool added);
/*
 * Route changes not yet confirmed by the kernel, over every table: 0 once
 * the FIB matches the Loc-RIB (the BFD failover time ends there).
 */
size_t fib_pending(const struct fib *f);
/* The configuration was reloaded: protect the new set of session subnets. */
void fib_reload(struct fib *f);

/*
 * The discard (blackhole) routes of one peering, key "circuit/private" or
 * "circuit/public": the holes its outbound policy's aggregates over-cover
 * (struct policy_result holes, n_holes). The set replaces the peering's
 * previous one (n == 0 removes them all). Nothing is installed unless the
 * peering exists in the running config with discard-holes and install;
 * fib_reload() re-applies every set to the new config. Call it wherever a
 * peering's policy result is (re)computed (advertise.c).
 *
 * A sorted set (the policy's are) is not copied: holes must stay valid
 * until the next call for the peering has returned (advertise.c frees a
 * result only after its successor is synced) or fib_free().
 */
void fib_discard_sync(struct fib *f, const char *key, const struct prefix *holes, size_t n);

#endif
