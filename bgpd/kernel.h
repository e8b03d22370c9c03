/*
 * kernel: the Linux FIB over rtnetlink, driven from the libevent loop.
 *
 * The daemon states the *desired* next hops of each prefix; this module
 * keeps a shadow of what the kernel holds (a trie, prefix -> installed
 * next-hop set), queues the difference and sends it in large batches (many
 * RTM_NEWROUTE/RTM_DELROUTE per sendmsg), reading the kernel's answers
 * asynchronously from the loop. Every change is one RTM_NEWROUTE with
 * NLM_F_CREATE|NLM_F_REPLACE (RTA_MULTIPATH for several next hops), never a
 * delete followed by an add: a failover from ECMP to the surviving next hop
 * leaves no instant without a route.
 *
 * Errors: ESRCH/ENOENT on a delete means "already gone" (success). Any other
 * error (ENETUNREACH, EINVAL "Nexthop has invalid gateway", EEXIST, ...) is
 * logged through cbs->log and the prefix is retried with a backoff (1 s
 * doubling to 60 s) until it succeeds or the daemon changes its mind. A lost
 * answer (ENOBUFS on the socket) triggers a resync: the kernel's routes of
 * our protocol and table are dumped, the shadow is corrected from the dump,
 * and whatever differs from the desired state is queued again. Linux also
 * drops IPv4 routes through an interface that goes down or loses its
 * address without any notification, so such a link or address event
 * schedules the same resync a second later, and a link coming up retries
 * the failed routes at once. So nothing is lost and nothing is left behind.
 * A resync blocks the loop for its dump: 4 ms per thousand routes measured
 * here (40 ms for a Premium circuit's 10000, 2-4 s for a million); a CE's
 * tables are small enough that an asynchronous dump was not worth it.
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
 * directly (peering /30s, connected subnets). A route that overlaps one
 * (covers it or lies inside it) would cut the very session that carries it;
 * it is refused with KERNEL_ERR_PROTECTED (the daemon logs it). The default
 * route (/0) is exempt: it covers everything and never wins over a connected
 * route. A discard (kernel_discard_set) is refused only when it lies inside
 * or equals a protected prefix: an aggregate's blackhole normally covers
 * connected subnets and loses to them by longest match. The refused desire
 * is remembered and installed if the protection is withdrawn; a protection
 * added later pulls installed routes that overlap it.
 *
 * Throughput: at most 16384 messages are in flight, up to 256 KiB per
 * sendmsg; only the last message of each batch asks for an ACK (the kernel
 * answers every error anyway), so a million routes cost a few hundred
 * receive calls. Each window is shuffled before it is sent, because the
 * kernel's trie takes sorted prefixes much more slowly.
 *
 * Links and addresses: kernel_open() subscribes to RTNLGRP_LINK and the
 * IPv4/IPv6 address groups, then (on the first loop turn, so that the
 * callbacks may already use the struct kernel) dumps every link and address
 * and reports them through cbs->link and cbs->addr; later changes follow as
 * they happen. link() is called when a link appears, disappears or changes
 * its up state (up = IFF_UP and IFF_RUNNING, carrier included). addr() may
 * repeat an address already reported: treat it as idempotent.
 */
#ifndef CEBGP_KERNEL_H
#define CEBGP_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

struct kernel_nexthop {
	struct addr gw;   /* gateway; afi 0 for a device route (interface only) */
	unsigned ifindex; /* 0: let the kernel pick the interface */
};

/* Log priorities are syslog's (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
struct kernel_cbs {
	void (*link)(void *arg, const char *ifname, unsigned ifindex, bool up);
	void (*addr)(void *arg, const char *ifname, const struct addr *a, unsigned plen,
	             bool added);
	void (*log)(void *arg, int prio, const char *msg);
};

enum kernel_err {
	KERNEL_OK = 0,
	KERNEL_ERR_PROTECTED = -1, /* overlaps a protected prefix: refused (kept as desired) */
	KERNEL_ERR_NOMEM = -2,
	KERNEL_ERR_INVAL = -3, /* bad family, too many next hops, gateway family mismatch */
};
const char *kernel_strerror(int err);

/* The most next hops one route may have (RTA_MULTIPATH entries). */
#define KERNEL_MAX_NEXTHOPS 16

/*
 * Open the rtnetlink sockets (raising their buffers, NETLINK_EXT_ACK),
 * adopt our previous routes and schedule the link/address dump. Needs
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
int kernel_route_set(struct kernel *k, const struct prefix *p, const struct kernel_nexthop *nh,
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

/* One shadow entry, for `show kernel routes`. */
struct kernel_route_info {
	const struct prefix *prefix;
	bool discard;   /* installed as a blackhole */
	bool stale;     /* adopted, not yet claimed */
	bool pending;   /* installed state differs from desired */
	int last_error; /* errno of the last failure, 0 if none */
	size_t n;       /* installed next hops */
	const struct kernel_nexthop *nh;
};
/*
 * Walk in prefix order; return non-zero from fn to stop (returned). The
 * info and what it points to are valid during the call only; fn must not
 * call kernel_* functions that change routes.
 */
int kernel_walk(const struct kernel *k, int (*fn)(const struct kernel_route_info *ri, void *ctx),
                void *ctx);

/*
 * manage-interfaces: create the VLAN sub-interface `name` (say eth0.555)
 * on parent with the given VLAN id and bring it up, and add an address.
 * Synchronous (one request, one answer). A kernel without 802.1Q support
 * answers EOPNOTSUPP: the error then names the 8021q module. An interface
 * or address that already exists is success. 0 or -1 with err filled.
 */
int kernel_vlan_create(struct kernel *k, const char *parent, uint16_t vlan, const char *name,
                       char *err, size_t errlen);
int kernel_addr_add(struct kernel *k, const char *ifname, const struct addr *a, unsigned plen,
                    char *err, size_t errlen);
/* ifindex of a link by name (from the module's link table), 0 if unknown. */
unsigned kernel_ifindex(const struct kernel *k, const char *ifname);

#endif
