/*
 * kernel: the Linux FIB over rtnetlink, driven from the libevent loop.
 *
 * The daemon states the *desired* next hops of each prefix; lib/kroute
 * keeps the shadow (wanted, in flight, installed; protection; retry) and
 * decides what to send, and this module does the I/O: it sends the
 * difference in large batches (many RTM_NEWROUTE/RTM_DELROUTE per sendmsg)
 * and reads the kernel's answers asynchronously from the loop. Every
 * change is one RTM_NEWROUTE with NLM_F_CREATE|NLM_F_REPLACE (RTA_MULTIPATH
 * for several next hops), never a delete followed by an add: a failover
 * from ECMP to the surviving next hop leaves no instant without a route.
 *
 * Errors: ESRCH/ENOENT on a delete means "already gone" (success). Any other
 * error (ENETUNREACH, EINVAL "Nexthop has invalid gateway", EEXIST, ...) is
 * logged through cbs->log (rate limited) and the prefix is retried with a
 * backoff (1 s doubling to 60 s) until it succeeds or the daemon changes
 * its mind. A lost answer (ENOBUFS on the socket) triggers a resync: the
 * kernel's routes of our protocol and table are dumped, the shadow is
 * corrected from the dump, and whatever differs from the desired state is
 * queued again. Linux also drops IPv4 routes through an interface that
 * goes down or loses its address without any notification, so such a link
 * or address event (bgpd/ifmon) schedules the same resync a second later,
 * and a link coming up retries the failed routes at once. So nothing is
 * lost and nothing is left behind. A resync blocks the loop for its dump:
 * 4 ms per thousand routes measured here (40 ms for a Premium circuit's
 * 10000, 2-4 s for a million); a CE's tables are small enough that an
 * asynchronous dump was not worth it.
 *
 * Start-up: routes of our protocol left in our table by a previous run are
 * ADOPTED, not removed: they go into the shadow marked stale and keep
 * forwarding while the sessions come back (this is what keep_on_exit is
 * for). A stale route the daemon sets again with the same next hops costs
 * no netlink message; the ones it has not claimed are removed when
 * opts->stale_secs have passed or when the daemon calls
 * kernel_sweep_stale() (say, once every session has sent End-of-RIB).
 * stale_secs == 0 removes them at once (the "clean start" choice).
 *
 * Protection: kernel_protect() registers prefixes the router must reach
 * directly (peering /30s, connected subnets); a route that overlaps one is
 * refused with KERNEL_ERR_PROTECTED and kept as a wish (lib/kroute.h has
 * the rules).
 *
 * Throughput: at most 16384 messages are in flight, up to 32 KiB per
 * sendmsg, sent in slices of a few milliseconds so the loop keeps turning.
 * The kernel does a batch's work inside sendmsg, after taking the RTNL
 * lock that any other process may hold, so the batches go out from a
 * thread of their own (bgpd/nl_send.h); the answers are read from the
 * loop. Only the last message of each batch asks for an ACK (the kernel
 * answers every error anyway), so a million routes cost a few thousand
 * receive calls. Each window is shuffled before it is sent, because the
 * kernel's trie takes sorted prefixes much more slowly.
 *
 * Nexthop objects: on a kernel that has them (Linux 5.3+, detected at
 * open), routes over gateways point at a nexthop group per next-hop set
 * (RTA_NH_ID), with one object per (gateway, interface) under it, all of
 * our protocol, with ids from protocol << 24 | (table & 0xff) << 16 up.
 * A failover of every route sharing a set is then one replace of the
 * group. The kernel drops a next hop whose link goes down from its
 * groups; the resync that a link going down schedules anyway reads the
 * objects back and makes again what is missing, and so does the one that
 * an object of ours deleted behind our back schedules (RTNLGRP_NEXTHOP).
 * opts->no_nexthop_objects, or CEBGP_NEXTHOP_OBJECTS=0 in the
 * environment, keeps next hops per route (the path of older kernels).
 * Adoption reads a previous run's objects: groups that routes use are
 * taken over, the others deleted; a group left over by a run with the
 * other setting is deleted once no route uses it, at a later start.
 *
 * Links and addresses: each struct kernel runs a link monitor
 * (bgpd/ifmon.h) and passes its reports on through cbs->link and
 * cbs->addr; kernel_vlan_create(), kernel_addr_add() and kernel_ifindex()
 * are the monitor's.
 */
#ifndef CEBGP_KERNEL_H
#define CEBGP_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kroute.h"
#include "prefix.h"

struct event_base;
struct kernel;

#define KERNEL_PROTO_BGP 186 /* iproute2's "bgp" in rt_protos */

struct kernel_opts {
	int table;           /* routing table; 0 means main (254); > 255 uses RTA_TABLE */
	uint8_t protocol;    /* rtm_protocol of our routes; 0 means KERNEL_PROTO_BGP */
	uint32_t metric;     /* RTA_PRIORITY */
	bool keep_on_exit;   /* kernel_close() leaves our routes installed */
	unsigned stale_secs; /* adopted routes of a previous run live this long; 0 = remove now */
	int rcvbuf;          /* bytes for the kernel's answers; 0 = 32 MiB (tests shrink it) */
	int flush_priority;  /* libevent priority of the sending; 0 = the base's default */
	bool no_nexthop_objects; /* next hops per route even where the kernel has objects */
};

/* Log priorities are syslog's (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
struct kernel_cbs {
	void (*link)(void *arg, const char *ifname, unsigned ifindex, bool up);
	void (*addr)(void *arg, const char *ifname, const struct addr *a, unsigned plen,
	             bool added);
	void (*log)(void *arg, int prio, const char *msg);
};

enum kernel_err {
	KERNEL_OK = KROUTE_OK,
	KERNEL_ERR_PROTECTED = KROUTE_ERR_PROTECTED, /* refused (kept as desired) */
	KERNEL_ERR_NOMEM = KROUTE_ERR_NOMEM,
	KERNEL_ERR_INVAL = KROUTE_ERR_INVAL, /* bad family, too many next hops, gateway mismatch */
};
const char *kernel_strerror(int err);

/* The most next hops one route may have (RTA_MULTIPATH entries). */
#define KERNEL_MAX_NEXTHOPS KROUTE_MAX_NEXTHOPS

/*
 * Open the rtnetlink sockets (raising their buffers, NETLINK_EXT_ACK),
 * adopt our previous routes and start the link monitor. Needs
 * CAP_NET_ADMIN. NULL on failure, with the reason in err.
 */
struct kernel *kernel_open(struct event_base *base, const struct kernel_opts *opts,
                           const struct kernel_cbs *cbs, void *arg, char *err, size_t errlen);
/*
 * Remove our routes unless keep_on_exit, then free everything. Synchronous:
 * it waits for the kernel's answers, at most 5 s plus 25 us per installed
 * route (a million routes take about 10 s to remove). NULL is a no-op.
 */
void kernel_close(struct kernel *k);
/* Change opts->keep_on_exit after kernel_open() (a restart that keeps the routes). */
void kernel_keep_on_exit(struct kernel *k, bool keep);

/*
 * Desired state for one prefix: n next hops (n == 0 removes it). Queued,
 * coalesced (the latest call wins) and flushed from the event loop. The
 * next hops need not be sorted; duplicates are an error.
 */
int kernel_route_set(struct kernel *k, const struct prefix *p, const struct kroute_nexthop *nh,
                     size_t n);
/*
 * A discard (RTN_BLACKHOLE) route for p, for the holes of an aggregate the
 * policy over-covers. A route with next hops for the same prefix wins over
 * the discard while it exists.
 */
int kernel_discard_set(struct kernel *k, const struct prefix *p, bool present);

/* Protected prefixes (counted: protect twice, unprotect twice). */
int kernel_protect(struct kernel *k, const struct prefix *p);
void kernel_unprotect(struct kernel *k, const struct prefix *p);
bool kernel_is_protected(const struct kernel *k, const struct prefix *p);

/* Send what is queued now (as many batches as the in-flight bound allows). */
void kernel_flush(struct kernel *k);
/* Remove the adopted routes the daemon has not claimed again. */
void kernel_sweep_stale(struct kernel *k);
/*
 * Dump our routes and reconcile the shadow with them now: what a lost
 * answer (ENOBUFS) triggers by itself; for `clear kernel` and the tests.
 * Blocks the loop for the dump (see above).
 */
void kernel_resync(struct kernel *k);

/* Routes the kernel holds for us (shadow entries with something installed). */
size_t kernel_installed(const struct kernel *k);
/* Changes not yet confirmed by the kernel: queued, in flight or waiting to retry. */
size_t kernel_pending(const struct kernel *k);

/*
 * Walk the shadow in prefix order, one lib/kroute.h kroute_info an entry;
 * return non-zero from fn to stop (returned). The info and what it points
 * to are valid during the call only; fn must not call kernel_* functions
 * that change routes.
 */
int kernel_walk(const struct kernel *k, int (*fn)(const struct kroute_info *ri, void *ctx),
                void *ctx);
/* A page of it: strictly after *after (NULL: from the start), within *within (NULL: all). */
int kernel_walk_from(const struct kernel *k, const struct prefix *after,
                     const struct prefix *within,
                     int (*fn)(const struct kroute_info *ri, void *ctx), void *ctx);

/* The shadow's counters (lib/kroute.h), for totals that cost no walk. */
struct kernel_counts {
	size_t installed, queued, inflight, retrying, stale;
	bool nexthop_objects; /* routes go through nexthop groups */
	size_t groups;        /* nexthop groups of ours */
	size_t memory;        /* bytes the shadow holds (lib/kroute.h kroute_memory) */
};
void kernel_counts(const struct kernel *k, struct kernel_counts *c);

/*
 * manage-interfaces, on this kernel's link monitor: ifmon_vlan_create()
 * and ifmon_addr_add() (ifmon.h).
 */
int kernel_vlan_create(struct kernel *k, const char *parent, uint16_t vlan, const char *name,
                       char *err, size_t errlen);
int kernel_addr_add(struct kernel *k, const char *ifname, const struct addr *a, unsigned plen,
                    char *err, size_t errlen);
/* ifindex of a link by name (the link monitor's table), 0 if unknown. */
unsigned kernel_ifindex(const struct kernel *k, const char *ifname);

#endif
