/*
 * ifmon: the kernel's links and addresses, and the VLAN sub-interfaces and
 * addresses cebgpd creates (manage-interfaces).
 *
 * ifmon_open() subscribes to RTNLGRP_LINK and the IPv4/IPv6 address
 * groups, then (on the first loop turn, so that the callbacks may already
 * use their owner) dumps every link and address and reports them; later
 * changes follow as they happen, and a lost notification (ENOBUFS) makes
 * it dump again. link() is called when a link appears, disappears or
 * changes its up state (up = IFF_UP and IFF_RUNNING, carrier included).
 * addr() may repeat an address already reported: treat it as idempotent.
 *
 * reach() is for the FIB: Linux drops IPv4 routes through an interface
 * that goes down or loses its address without any notification, so a
 * known link going down or an address going away is reach(false); a known
 * link coming up or an address appearing is reach(true).
 */
#ifndef CEBGP_IFMON_H
#define CEBGP_IFMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

struct event_base;
struct ifmon;
struct nl_sync;

/* Log priorities are syslog's (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
struct ifmon_cbs {
	void (*link)(void *arg, const char *ifname, unsigned ifindex, bool up);
	void (*addr)(void *arg, const char *ifname, const struct addr *a, unsigned plen,
	             bool added);
	void (*reach)(void *arg, bool up);
	void (*log)(void *arg, int prio, const char *msg);
};

/*
 * Watch links and addresses; sync is the caller's request channel (dumps
 * and the requests below go through it), used until ifmon_close(). NULL on
 * failure, with the reason in err.
 */
struct ifmon *ifmon_open(struct event_base *base, struct nl_sync *sync, const struct ifmon_cbs *cbs,
                         void *arg, char *err, size_t errlen);
void ifmon_close(struct ifmon *m);

/* ifindex of a link by name (from the link table), 0 if unknown. */
unsigned ifmon_ifindex(const struct ifmon *m, const char *ifname);

/*
 * Create the VLAN sub-interface `name` (say eth0.555) on parent with the
 * given VLAN id and bring it up; add an address to an interface.
 * Synchronous (one request, one answer). A kernel without 802.1Q support
 * answers EOPNOTSUPP: the error then names the 8021q module. An interface
 * or address that already exists is success. 0 or -1 with err filled.
 */
int ifmon_vlan_create(struct ifmon *m, const char *parent, uint16_t vlan, const char *name,
                      char *err, size_t errlen);
int ifmon_addr_add(struct ifmon *m, const char *ifname, const struct addr *a, unsigned plen,
                   char *err, size_t errlen);

#endif
