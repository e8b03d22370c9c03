/*
 * manage_if: `manage-interfaces: true`. For every session whose
 * circuit asks for it, cebgpd makes sure the VLAN sub-interface exists
 * (created on the circuit's link of the session's role, with the peering's
 * VLAN id, named as the session's interface) and carries our /30 address
 * (the subnet's first host; an IPv6 session's /126 address beside it on the
 * same sub-interface). What is done is logged; what fails (no 8021q
 * module in the kernel, a missing parent link, no CAP_NET_ADMIN) is logged
 * once per distinct error and retried with a backoff (1 s doubling to
 * 30 s), and at once when a link of interest appears or our address goes:
 * like a missing interface, it never stops the daemon.
 */
#ifndef CEBGP_MANAGE_IF_H
#define CEBGP_MANAGE_IF_H

#include <stdbool.h>

#include "prefix.h"

struct daemon;
struct manage_if;

/* After d->kernel is open (NULL kernel: every sync logs that it cannot act). */
struct manage_if *manage_if_new(struct daemon *d);
void manage_if_free(struct manage_if *m);

/* Check every managed session now (start, reload); resets the backoff. */
void manage_if_sync(struct manage_if *m);

/* The kernel watch saw a link change or an address go: maybe sync soon. */
void manage_if_link(struct manage_if *m, const char *ifname);
void manage_if_addr_gone(struct manage_if *m, const char *ifname, const struct addr *a);

/* Sessions whose interface or address could not be set up at the last pass. */
unsigned manage_if_failing(const struct manage_if *m);

#endif
