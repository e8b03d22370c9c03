/*
 * manage_if: create the sessions' VLAN sub-interfaces and assign our /30
 * (and, for the IPv6 sessions, /126) addresses (manage-interfaces: true). See manage_if.h.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "context.h"
#include "kernel.h"
#include "log.h"
#include "manage_if.h"
#include "sockopt.h"

#define MIF_BACKOFF_FIRST 1
#define MIF_BACKOFF_MAX   30
#define MIF_ERRLEN        320

/* The last error of one session, so that a repeat is not logged again. */
struct mif_err {
	char key[96];
	char err[MIF_ERRLEN];
};

struct manage_if {
	struct daemon *d;
	struct event *timer;
	unsigned backoff;
	struct mif_err *errs; /* failing sessions of the last pass */
	size_t nerrs;
	bool warned_nokernel;
};

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manage_if *m = arg;

	(void)fd;
	(void)what;
	manage_if_sync(m);
}

struct manage_if *
manage_if_new(struct daemon *d)
{
	struct manage_if *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->d = d;
	m->backoff = MIF_BACKOFF_FIRST;
	m->timer = evtimer_new(d->base, timer_cb, m);
	if (!m->timer) {
		free(m);
		return NULL;
	}
	return m;
}

void
manage_if_free(struct manage_if *m)
{
	if (!m)
		return;
	event_free(m->timer);
	free(m->errs);
	free(m);
}

unsigned
manage_if_failing(const struct manage_if *m)
{
	return m ? (unsigned)m->nerrs : 0;
}

/*
 * Does ifname carry a (IPv4, or IPv6 for an IPv6 session's /126) now?
 * getifaddrs: the kernel's view, this instant.
 */
static bool
has_addr(const char *ifname, const struct addr *a)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		struct addr got;

		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) != 0 ||
		    !sockopt_addr(i->ifa_addr, &got, NULL))
			continue;
		found = addr_eq(&got, a);
	}
	freeifaddrs(ifa);
	return found;
}

/* One session: 0 when its interface and address are in place. */
static int
ensure(struct manage_if *m, const struct config_session *s, char *err, size_t errlen)
{
	struct kernel *k = m->d->kernel;
	char as[ADDR_STRLEN];

	if (kernel_ifindex(k, s->ifname) == 0) {
		if (kernel_vlan_create(k, s->parent, s->peering->vlan, s->ifname, err, errlen) < 0)
			return -1;
		log_notice("manage-interfaces: %s: created %s (VLAN %u on %s)", s->key, s->ifname,
		           s->peering->vlan, s->parent);
	}
	if (has_addr(s->ifname, &s->local))
		return 0;
	if (kernel_addr_add(k, s->ifname, &s->local, s->subnet.len, err, errlen) < 0)
		return -1;
	log_notice("manage-interfaces: %s: assigned %s/%u to %s", s->key,
	           addr_fmt(&s->local, as, sizeof(as)), s->subnet.len, s->ifname);
	return 0;
}

static const struct mif_err *
old_err(const struct mif_err *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

void
manage_if_sync(struct manage_if *m)
{
	const struct config *cfg;
	struct mif_err *errs, *olds;
	size_t nerrs = 0, nolds;
	bool any = false;

	if (!m)
		return;
	cfg = m->d->cfg;
	olds = m->errs;
	nolds = m->nerrs;
	evtimer_del(m->timer);
	for (size_t i = 0; i < cfg->nsessions; i++)
		any |= cfg->sessions[i].manage_interfaces;
	if (!any) {
		free(m->errs);
		m->errs = NULL;
		m->nerrs = 0;
		m->backoff = MIF_BACKOFF_FIRST;
		return;
	}
	if (!m->d->kernel) {
		if (!m->warned_nokernel)
			log_err("manage-interfaces: no rtnetlink socket (CAP_NET_ADMIN?): the "
			        "sub-interfaces and addresses are left as they are");
		m->warned_nokernel = true;
		return;
	}
	errs = calloc(cfg->nsessions, sizeof(*errs));
	if (!errs) {
		log_err("manage-interfaces: out of memory");
		return;
	}
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *s = &cfg->sessions[i];
		struct mif_err *e = &errs[nerrs];
		const struct mif_err *o;

		if (!s->manage_interfaces || ensure(m, s, e->err, sizeof(e->err)) == 0) {
			if (s->manage_interfaces && old_err(olds, nolds, s->key))
				log_notice("manage-interfaces: %s: %s is ready", s->key, s->ifname);
			continue;
		}
		snprintf(e->key, sizeof(e->key), "%s", s->key);
		o = old_err(olds, nolds, s->key);
		if (o && strcmp(o->err, e->err) == 0)
			log_debug("manage-interfaces: %s: still failing, retrying: %s", s->key,
			          e->err);
		else
			log_err("manage-interfaces: %s: %s; retrying", s->key, e->err);
		nerrs++;
	}
	free(olds);
	m->errs = errs;
	m->nerrs = nerrs;
	if (nerrs == 0) {
		m->backoff = MIF_BACKOFF_FIRST;
		return;
	}
	struct timeval tv = {m->backoff, 0};
	evtimer_add(m->timer, &tv);
	m->backoff = m->backoff * 2 > MIF_BACKOFF_MAX ? MIF_BACKOFF_MAX : m->backoff * 2;
}

/* Sync on the next loop turn (coalesces a burst of link events). */
static void
sync_soon(struct manage_if *m)
{
	struct timeval now = {0, 0};

	m->backoff = MIF_BACKOFF_FIRST;
	evtimer_add(m->timer, &now);
}

void
manage_if_link(struct manage_if *m, const char *ifname)
{
	const struct config *cfg;

	if (!m || !m->d->kernel)
		return;
	cfg = m->d->cfg;
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *s = &cfg->sessions[i];

		if (s->manage_interfaces &&
		    (strcmp(s->ifname, ifname) == 0 || strcmp(s->parent, ifname) == 0)) {
			sync_soon(m);
			return;
		}
	}
}

void
manage_if_addr_gone(struct manage_if *m, const char *ifname, const struct addr *a)
{
	const struct config *cfg;

	if (!m || !m->d->kernel)
		return;
	cfg = m->d->cfg;
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *s = &cfg->sessions[i];

		if (s->manage_interfaces && strcmp(s->ifname, ifname) == 0 &&
		    addr_eq(&s->local, a)) {
			sync_soon(m);
			return;
		}
	}
}
