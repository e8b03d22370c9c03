/*
 * ifmon: links and addresses over rtnetlink (see ifmon.h).
 *
 * Notifications arrive on a socket of their own (mon); dumps and requests
 * go through the owner's request channel, so a dump never has to sort its
 * parts from notifications.
 */
#include "cebgp-config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <net/if.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>

#include "compiler.h"
#include "ifmon.h"
#include "nl.h"
#include "rtnl.h"

#define MON_RCVBUF    (4 * 1024 * 1024)
#define RECV_PER_TURN 512 /* datagrams read per loop turn */

struct link {
	unsigned ifindex;
	bool up;
	char name[RTNL_IFNAMSIZ];
};

struct ifmon {
	struct ifmon_cbs cbs;
	void *arg;
	struct nl_sync *sync;
	struct mnl_socket *mon;
	struct event *mon_ev, *init_ev;
	uint8_t *rxbuf;
	struct link *links;
	size_t nlinks, links_cap;
};

static void mlog(struct ifmon *m, int prio, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void
mlog(struct ifmon *m, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (m->cbs.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	m->cbs.log(m->arg, prio, msg);
}

static struct link *
link_find(const struct ifmon *m, unsigned ifindex)
{
	for (size_t i = 0; i < m->nlinks; i++)
		if (m->links[i].ifindex == ifindex)
			return &m->links[i];
	return NULL;
}

static void
reach(struct ifmon *m, bool up)
{
	if (m->cbs.reach)
		m->cbs.reach(m->arg, up);
}

static void
link_gone(struct ifmon *m, struct link *e)
{
	char name[RTNL_IFNAMSIZ];
	unsigned ifindex = e->ifindex;

	memcpy(name, e->name, sizeof(name));
	*e = m->links[--m->nlinks];
	reach(m, false);
	if (m->cbs.link)
		m->cbs.link(m->arg, name, ifindex, false);
}

static struct link *
link_add(struct ifmon *m, unsigned ifindex, bool up)
{
	struct link *e;

	if (m->nlinks == m->links_cap) {
		size_t cap = m->links_cap ? m->links_cap * 2 : 16;
		struct link *n = realloc(m->links, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		m->links = n;
		m->links_cap = cap;
	}
	e = &m->links[m->nlinks++];
	e->ifindex = ifindex;
	e->up = !up; /* so that the new link is reported */
	e->name[0] = '\0';
	return e;
}

static void
link_update(struct ifmon *m, const struct rtnl_link *l)
{
	struct link *e = link_find(m, l->ifindex);
	bool up = rtnl_link_is_up(l), known = e != NULL;

	if (l->deleted) {
		if (e != NULL)
			link_gone(m, e);
		return;
	}
	if (e == NULL && (e = link_add(m, l->ifindex, up)) == NULL)
		return;
	bool renamed = strcmp(e->name, l->name) != 0;
	snprintf(e->name, sizeof(e->name), "%s", l->name);
	if (e->up == up && !renamed)
		return;
	if (known && e->up != up)
		reach(m, up);
	e->up = up;
	if (m->cbs.link)
		m->cbs.link(m->arg, e->name, e->ifindex, up);
}

static void
addr_update(struct ifmon *m, const struct rtnl_addr *a)
{
	const struct link *l = link_find(m, a->ifindex);
	char name[RTNL_IFNAMSIZ] = "";

	if (!a->deleted && !rtnl_addr_is_usable(a))
		return; /* DAD still running: the kernel tells again when it is done */
	if (l != NULL)
		memcpy(name, l->name, sizeof(name));
	else
		if_indextoname(a->ifindex, name);
	reach(m, !a->deleted);
	if (m->cbs.addr)
		m->cbs.addr(m->arg, name, &a->addr, a->plen, !a->deleted);
}

static void
ifmsg(const struct rtnl_msg *msg, void *ctx)
{
	struct ifmon *m = ctx;
	struct rtnl_link l;
	struct rtnl_addr a;

	if (rtnl_parse_link(msg, &l))
		link_update(m, &l);
	else if (rtnl_parse_addr(msg, &a))
		addr_update(m, &a);
}

/* The whole link and address state, as callbacks (at start and after ENOBUFS). */
static void
dump_interfaces(struct ifmon *m)
{
	uint8_t req[64];
	int err = EINVAL;

	/* Older notifications describe a past the dump supersedes. */
	nl_discard(m->mon, m->rxbuf);
	if (rtnl_link_dump(req, sizeof(req), 0) == 0 ||
	    (err = nl_sync_talk(m->sync, req, ifmsg, m, NULL, 0)) != 0 ||
	    rtnl_addr_dump(req, sizeof(req), 0, 0) == 0 ||
	    (err = nl_sync_talk(m->sync, req, ifmsg, m, NULL, 0)) != 0)
		mlog(m, LOG_ERR, "kernel: link/address dump failed: %s", strerror(err));
}

static void
init_cb(evutil_socket_t fd, short what, void *arg)
{
	dump_interfaces(arg);
}

static void
mon_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ifmon *m = arg;

	for (int i = 0; i < RECV_PER_TURN; i++) {
		ssize_t n = mnl_socket_recvfrom(m->mon, m->rxbuf, NL_RECV_BUF);
		struct rtnl_msg msg;
		struct rbuf d;

		if (n < 0) {
			if (errno == ENOBUFS) {
				mlog(m, LOG_WARNING,
				     "kernel: link notifications lost (ENOBUFS): dumping again");
				dump_interfaces(m);
			}
			if (errno == EINTR)
				continue;
			return;
		}
		rbuf_init(&d, m->rxbuf, (size_t)n);
		while (rtnl_next(&d, &msg) > 0)
			ifmsg(&msg, m);
	}
}

unsigned
ifmon_ifindex(const struct ifmon *m, const char *ifname)
{
	for (size_t i = 0; i < m->nlinks; i++)
		if (strcmp(m->links[i].name, ifname) == 0)
			return m->links[i].ifindex;
	return if_nametoindex(ifname);
}

int
ifmon_vlan_create(struct ifmon *m, const char *parent, uint16_t vlan, const char *name, char *err,
                  size_t errlen)
{
	unsigned pidx = ifmon_ifindex(m, parent);
	uint8_t req[256];
	char ext[128];
	int e;

	if (pidx == 0) {
		snprintf(err, errlen, "creating %s: parent interface %s does not exist", name,
		         parent);
		return -1;
	}
	if (rtnl_vlan_new(req, sizeof(req), 0, name, pidx, vlan, true) == 0) {
		snprintf(err, errlen, "creating %s: invalid name or VLAN id %u", name, vlan);
		return -1;
	}
	e = nl_sync_talk(m->sync, req, NULL, NULL, ext, sizeof(ext));
	if (e == 0 || e == EEXIST)
		return 0;
	if (e == EOPNOTSUPP || e == ENODEV || e == ENOENT)
		snprintf(err, errlen,
		         "creating %s: the kernel has no 802.1Q VLAN support (%s%s%s): "
		         "load the 8021q module (modprobe 8021q)",
		         name, strerror(e), ext[0] ? ": " : "", ext);
	else
		snprintf(err, errlen, "creating %s on %s (VLAN %u): %s%s%s", name, parent, vlan,
		         strerror(e), ext[0] ? ": " : "", ext);
	return -1;
}

int
ifmon_addr_add(struct ifmon *m, const char *ifname, const struct addr *a, unsigned plen, char *err,
               size_t errlen)
{
	unsigned idx = ifmon_ifindex(m, ifname);
	char as[ADDR_STRLEN], ext[128];
	uint8_t req[128];
	int e;

	addr_fmt(a, as, sizeof(as));
	if (idx == 0) {
		snprintf(err, errlen, "adding %s/%u: interface %s does not exist", as, plen,
		         ifname);
		return -1;
	}
	if (rtnl_addr_new(req, sizeof(req), 0, idx, a, plen) == 0) {
		snprintf(err, errlen, "adding %s/%u to %s: invalid address", as, plen, ifname);
		return -1;
	}
	e = nl_sync_talk(m->sync, req, NULL, NULL, ext, sizeof(ext));
	if (e == 0 || e == EEXIST)
		return 0;
	snprintf(err, errlen, "adding %s/%u to %s: %s%s%s", as, plen, ifname, strerror(e),
	         ext[0] ? ": " : "", ext);
	return -1;
}

struct ifmon *
ifmon_open(struct event_base *base, struct nl_sync *sync, const struct ifmon_cbs *cbs, void *arg,
           char *err, size_t errlen)
{
	struct ifmon *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cbs)
		m->cbs = *cbs;
	m->arg = arg;
	m->sync = sync;
	m->rxbuf = malloc(NL_RECV_BUF);
	if (m->rxbuf == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->mon = nl_open(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, MON_RCVBUF, 1 << 16,
	                 err, errlen);
	if (m->mon == NULL)
		goto fail;
	m->mon_ev = event_new(base, mnl_socket_get_fd(m->mon), EV_READ | EV_PERSIST, mon_cb, m);
	m->init_ev = evtimer_new(base, init_cb, m);
	if (!m->mon_ev || !m->init_ev) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	event_add(m->mon_ev, NULL);
	event_active(m->init_ev, EV_TIMEOUT, 0);
	return m;
fail:
	ifmon_close(m);
	return NULL;
}

void
ifmon_close(struct ifmon *m)
{
	if (m == NULL)
		return;
	if (m->mon_ev)
		event_free(m->mon_ev);
	if (m->init_ev)
		event_free(m->init_ev);
	if (m->mon)
		mnl_socket_close(m->mon);
	free(m->rxbuf);
	free(m->links);
	free(m);
}
