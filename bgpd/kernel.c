/*
 * kernel: the Linux FIB over rtnetlink (see kernel.h for the contract).
 *
 * lib/kroute decides (the shadow, protection, retry); this file performs:
 *   cmd   a socket for route changes, sent in batches, answers read from
 *         the loop and handed to kroute_answer() by sequence number
 *   sync  the blocking request/answer channel (bgpd/nl.h) for dumps, shared
 *         with the link monitor (bgpd/ifmon.h, which has its own socket
 *         for notifications)
 * Keeping dumps off cmd means a resync never has to sort dump parts from
 * the answers of routes still in flight.
 *
 * Only the last message of each sendmsg asks for an ACK: the kernel
 * processes a batch in order and always reports an error (netlink(7)), so
 * the answer for sequence s also confirms every earlier message without an
 * error of its own. This keeps a million-route load from costing a million
 * receive calls.
 */
#include "cebgp-config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>

#include "compiler.h"
#include "ifmon.h"
#include "kernel.h"
#include "kroute.h"
#include "log.h"
#include "nl.h"
#include "nl_send.h"
#include "rtnl.h"

/*
 * Bytes per sendmsg. The kernel does a batch's work inside the call (about
 * 5 us a route on an idle machine, several times that on a busy one): 32
 * KiB, 600 to 900 routes, keeps one call to a few milliseconds.
 */
#define BATCH_MAX     (32 * 1024)
#define CMD_RCVBUF    (32 * 1024 * 1024)
#define CMD_SNDBUF    (1024 * 1024)
#define RECV_PER_TURN 512  /* datagrams read per loop turn */
#define CLOSE_TIMEOUT 5000 /* ms kernel_close() waits for answers */
/*
 * The kernel installs a batch inside sendmsg, on our time (about 5 us a
 * route here): one flush sends for this long at most, then yields the loop
 * and goes on from the next turn. CHUNK routes are taken between two looks
 * at the clock.
 */
#define FLUSH_SLICE_MS 8
#define FLUSH_CHUNK    1024
/* IP6_RT_PRIO_USER: the metric of an IPv6 route added without one. */
#define IPV6_DEFAULT_METRIC 1024

struct kernel {
	struct event_base *base;
	struct kernel_opts opts;
	struct kernel_cbs cbs;
	void *arg;
	uint32_t table;

	struct kroute_table *t;
	struct mnl_socket *cmd;
	struct mnl_socket *nhmon; /* RTNLGRP_NEXTHOP: objects the kernel deleted (NULL: none) */
	struct nl_sender *sender; /* sends cmd's batches off the loop (NULL: the loop does) */
	struct nl_sync *sync;
	struct ifmon *ifmon;
	struct event *cmd_ev, *flush_ev, *retry_ev, *stale_ev, *resync_ev, *sweep_ev, *nhmon_ev;

	struct kroute **stage; /* one window of work (lib/kroute takes it scattered) */
	uint8_t *batch;        /* messages built, not yet sent */
	size_t batch_len, batch_cap, batch_last;
	bool batch_routes; /* batch_last is a route message (it carries the ACK) */
	bool nh_objects;   /* the kernel has nexthop objects (we may still not use them) */

	uint8_t *rxbuf;
	bool resyncing;
	bool need_resync; /* the last resync's dump failed: sending waits for a good one */

	struct log_rl rl; /* per-route lines: a million failing routes is one problem */
};

static void resync(struct kernel *k);

/* ---- logging and time ---- */

static void klog(struct kernel *k, int prio, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void
klog(struct kernel *k, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (k->cbs.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->cbs.log(k->arg, prio, msg);
}

/* kroute's clock: seconds on the monotonic clock. */
static uint32_t
mono_secs(void)
{
	return (uint32_t)(nl_mono_ms() / 1000);
}

const char *
kernel_strerror(int err)
{
	return kroute_strerror(err);
}

static void
arm_retry(struct kernel *k, time_t secs, suseconds_t usecs)
{
	if (!event_pending(k->retry_ev, EV_TIMEOUT, NULL)) {
		struct timeval tv = {secs, usecs};

		event_add(k->retry_ev, &tv);
	}
}

static void
schedule_flush(struct kernel *k)
{
	if (kroute_queued(k->t) + kroute_nh_queued(k->t) > 0 && k->flush_ev != NULL &&
	    !event_pending(k->flush_ev, EV_TIMEOUT, NULL))
		event_active(k->flush_ev, EV_TIMEOUT, 0);
}

/* ---- the daemon's requests, to the shadow ---- */

int
kernel_route_set(struct kernel *k, const struct prefix *p, const struct kroute_nexthop *nh,
                 size_t n)
{
	int e;

	if (n > KROUTE_MAX_NEXTHOPS)
		return KERNEL_ERR_INVAL;
	e = kroute_set(k->t, p, nh, n);
	schedule_flush(k);
	return e;
}

int
kernel_discard_set(struct kernel *k, const struct prefix *p, bool present)
{
	int e = kroute_discard(k->t, p, present);

	schedule_flush(k);
	return e;
}

int
kernel_protect(struct kernel *k, const struct prefix *p)
{
	int e = kroute_protect(k->t, p);

	schedule_flush(k);
	return e;
}

void
kernel_unprotect(struct kernel *k, const struct prefix *p)
{
	kroute_unprotect(k->t, p);
	schedule_flush(k);
}

bool
kernel_is_protected(const struct kernel *k, const struct prefix *p)
{
	return kroute_is_protected(k->t, p);
}

/*
 * The stale routes become full entries to be queued for removal: a
 * million of them is more than one turn of the loop may take, so this
 * goes in steps of SWEEP_STEP entries, one a turn.
 */
#define SWEEP_STEP 50000

static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;

	if (!kroute_sweep_step(k->t, SWEEP_STEP)) {
		event_active(k->sweep_ev, EV_TIMEOUT, 0);
		return;
	}
	schedule_flush(k);
}

void
kernel_sweep_stale(struct kernel *k)
{
	size_t n = kroute_stale(k->t);

	if (n == 0 || event_pending(k->sweep_ev, EV_TIMEOUT, NULL))
		return;
	klog(k, LOG_INFO, "kernel: removing %zu route(s) left by a previous run", n);
	sweep_cb(-1, EV_TIMEOUT, k);
}

size_t
kernel_installed(const struct kernel *k)
{
	return kroute_installed(k->t);
}

size_t
kernel_pending(const struct kernel *k)
{
	return kroute_pending(k->t);
}

int
kernel_walk(const struct kernel *k, int (*fn)(const struct kroute_info *ri, void *ctx), void *ctx)
{
	return kroute_walk(k->t, fn, ctx);
}

int
kernel_walk_from(const struct kernel *k, const struct prefix *after, const struct prefix *within,
                 int (*fn)(const struct kroute_info *ri, void *ctx), void *ctx)
{
	return kroute_walk_from(k->t, after, within, fn, ctx);
}

void
kernel_counts(const struct kernel *k, struct kernel_counts *c)
{
	c->installed = kroute_installed(k->t);
	c->queued = kroute_queued(k->t);
	c->inflight = kroute_inflight(k->t);
	c->retrying = kroute_retrying(k->t);
	c->stale = kroute_stale(k->t);
	c->nexthop_objects = kroute_nexthop_objects(k->t);
	c->groups = kroute_nh_groups(k->t);
	c->memory = kroute_memory(k->t);
}

/* ---- sending ---- */

/* The netlink message for c at the end of the batch; 0 when it does not fit. */
static size_t
build(struct kernel *k, const struct kroute_change *c, uint32_t seq)
{
	struct rtnl_nexthop nh[KROUTE_MAX_NEXTHOPS];
	struct rtnl_route rt;
	void *at = k->batch + k->batch_len;
	size_t room = k->batch_cap - k->batch_len;

	memset(&rt, 0, sizeof(rt));
	rt.dst = *c->p;
	rt.table = k->table;
	rt.protocol = k->opts.protocol;
	rt.metric = k->opts.metric;
	rt.type = c->op == KROUTE_BLACKHOLE ? RTN_BLACKHOLE : RTN_UNICAST;
	if (c->op == KROUTE_DELETE)
		return rtnl_route_del(at, room, seq, 0, &rt);
	if (c->nhid != 0) {
		rt.nhid = c->nhid;
		return rtnl_route_new(at, room, seq, 0, &rt);
	}
	for (size_t i = 0; i < c->n; i++) {
		nh[i].gw = c->nh[i].gw;
		nh[i].ifindex = c->nh[i].ifindex;
	}
	rt.n = c->n;
	rt.nh = c->n > 0 ? nh : NULL;
	return rtnl_route_new(at, room, seq, 0, &rt);
}

/* Send the batch; false when the kernel cannot take it now. */
static bool
send_batch(struct kernel *k)
{
	struct nlmsghdr *last;

	if (k->batch_len == 0)
		return true;
	last = (struct nlmsghdr *)(void *)(k->batch + k->batch_last);
	last->nlmsg_flags |= NLM_F_ACK;
	if (k->sender && nl_sender_put(k->sender, k->batch, k->batch_len)) {
		k->batch_len = 0;
		k->batch_routes = false;
		return true;
	}
	if (mnl_socket_sendto(k->cmd, k->batch, k->batch_len) < 0) {
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
			return false;
		/*
		 * Anything else is a bug or a dead socket: the messages were
		 * not processed. Their records stay; a resync reconciles.
		 */
		klog(k, LOG_ERR, "kernel: sending routes: %s", strerror(errno));
		k->batch_len = 0;
		k->batch_routes = false;
		resync(k);
		return false;
	}
	k->batch_len = 0;
	k->batch_routes = false;
	return true;
}

/*
 * A nexthop object change at the end of the batch; 0 when it does not fit.
 * Its sequence number is the object's id, so that an error names it.
 */
static size_t
build_nh(struct kernel *k, const struct kroute_nhop *op)
{
	void *at = k->batch + k->batch_len;
	size_t room = k->batch_cap - k->batch_len;
	struct rtnl_nh nh;

	if (op->del)
		return rtnl_nh_del(at, room, op->id, 0, op->id);
	memset(&nh, 0, sizeof(nh));
	nh.id = op->id;
	nh.protocol = k->opts.protocol;
	nh.ngroup = op->n;
	memcpy(nh.group, op->member, op->n * sizeof(op->member[0]));
	if (op->n == 0) {
		nh.gw = op->nh.gw;
		nh.ifindex = op->nh.ifindex;
	}
	return rtnl_nh_new(at, room, op->id, 0, &nh);
}

/* Put the queued object changes in the batch; false when the socket is full. */
static bool
send_objects(struct kernel *k)
{
	struct kroute_nhop op;

	while (kroute_nh_peek(k->t, &op)) {
		size_t len = build_nh(k, &op);

		if (len == 0 && k->batch_len > 0) {
			if (!send_batch(k))
				return false;
			len = build_nh(k, &op);
		}
		kroute_nh_pop(k->t);
		if (len == 0) {
			klog(k, LOG_ERR, "kernel: cannot encode a nexthop object message");
			continue;
		}
		/* The ACK goes on the last route message; a batch of objects only takes it here. */
		if (!k->batch_routes)
			k->batch_last = k->batch_len;
		k->batch_len += len;
	}
	return true;
}

/* Put r's change in the batch; false when the socket is full (r not taken). */
static bool
send_one(struct kernel *k, struct kroute *r)
{
	uint32_t seq = kroute_seq_next(k->t);
	struct kroute_change c;
	size_t len;

	/*
	 * Nothing to send for r (it may be gone: not touched again). A
	 * failover may have become one group replace instead: it is queued
	 * and goes out with the next route, or at the end of the flush.
	 */
	if (!kroute_change_of(k->t, r, &c))
		return true;
	if (!send_objects(k))
		return false;
	len = build(k, &c, seq);
	if (len == 0 && k->batch_len > 0) {
		if (!send_batch(k))
			return false;
		len = build(k, &c, seq);
	}
	if (len == 0) {
		klog(k, LOG_ERR, "kernel: cannot encode a route message");
		return true;
	}
	k->batch_last = k->batch_len;
	k->batch_routes = true;
	k->batch_len += len;
	kroute_sent(k->t, r);
	return true;
}

void
kernel_flush(struct kernel *k)
{
	if (k->resyncing || k->need_resync)
		return;
	int64_t start = nl_mono_ms();

	if (k->batch_len > 0 && !send_batch(k))
		goto blocked;
	if (!send_objects(k))
		goto blocked;
	while (kroute_inflight(k->t) < KROUTE_WINDOW && kroute_queued(k->t) > 0) {
		if (nl_mono_ms() - start >= FLUSH_SLICE_MS) {
			/* The slice is over: the rest from a later loop turn. */
			if (send_batch(k))
				event_active(k->flush_ev, EV_TIMEOUT, 0);
			else
				goto blocked;
			return;
		}
		size_t n = kroute_take(k->t, k->stage,
		                       MIN(FLUSH_CHUNK, KROUTE_WINDOW - kroute_inflight(k->t)));

		for (size_t i = 0; i < n; i++) {
			if (send_one(k, k->stage[i]))
				continue;
			for (size_t j = n; j-- > i;)
				kroute_requeue(k->t, k->stage[j]);
			goto blocked;
		}
	}
	if (send_objects(k) && send_batch(k))
		return;
blocked:
	/* The socket is full: try again shortly, from the loop. */
	arm_retry(k, 0, 10000);
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	kernel_flush(arg);
}

/* ---- answers ---- */

static void
answer(struct kernel *k, uint32_t seq, int err, const char *ext)
{
	struct kroute_failure f;
	char pfx[PREFIX_STRLEN];
	unsigned dropped;

	if (!kroute_answer(k->t, seq, err, mono_secs(), &f))
		return;
	if (log_rl_allow(&k->rl, time(NULL), &dropped)) {
		if (dropped > 0)
			klog(k, LOG_WARNING, "kernel: %u similar messages suppressed", dropped);
		klog(k, LOG_WARNING, "kernel: %s: %s%s%s (retry in %u s)",
		     prefix_fmt(&f.p, pfx, sizeof(pfx)), strerror(f.err), ext[0] ? ": " : "", ext,
		     f.delay_s);
	}
	arm_retry(k, 1, 0);
}

/*
 * The answer to a nexthop object message (its sequence number is its id).
 * A delete of something gone is fine; a create that failed is made again
 * when a route needs it, but a group replaced by a failover that failed
 * leaves the shadow wrong about many routes: resync.
 */
static void
nh_answer(struct kernel *k, const struct rtnl_error *e)
{
	if (e->err == 0 || (e->req_type == RTM_DELNEXTHOP && (e->err == ENOENT || e->err == ESRCH)))
		return;
	unsigned dropped;

	if (log_rl_allow(&k->rl, time(NULL), &dropped))
		klog(k, LOG_WARNING, "kernel: nexthop object %u: %s%s%s", e->seq, strerror(e->err),
		     e->msg[0] ? ": " : "", e->msg);
	if (e->req_type == RTM_NEWNEXTHOP) {
		if (kroute_nh_failed(k->t, e->seq)) {
			if (!event_pending(k->resync_ev, EV_TIMEOUT, NULL)) {
				struct timeval now = {0, 0};

				event_add(k->resync_ev, &now);
			}
		}
		arm_retry(k, 1, 0);
	}
}

static void
cmd_read(struct kernel *k)
{
	for (int i = 0; i < RECV_PER_TURN; i++) {
		ssize_t n = mnl_socket_recvfrom(k->cmd, k->rxbuf, NL_RECV_BUF);
		struct rtnl_error e;
		struct rtnl_msg m;
		struct rbuf d;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				klog(k, LOG_WARNING,
				     "kernel: netlink answers lost (ENOBUFS): resynchronising");
				resync(k);
			} else if (errno != EAGAIN) {
				klog(k, LOG_ERR, "kernel: reading answers: %s", strerror(errno));
			}
			break;
		}
		rbuf_init(&d, k->rxbuf, (size_t)n);
		while (rtnl_next(&d, &m) > 0) {
			if (!rtnl_parse_error(&m, &e))
				continue;
			if (e.req_type == RTM_NEWNEXTHOP || e.req_type == RTM_DELNEXTHOP)
				nh_answer(k, &e);
			else
				answer(k, e.seq, e.err, e.msg);
		}
	}
}

static void
cmd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;

	cmd_read(k);
	/* Sending is the flush event's (its priority: reading the peers comes first). */
	schedule_flush(k);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;

	if (k->need_resync) {
		resync(k);
		if (k->need_resync)
			return;
	}
	if (kroute_retry_due(k->t, mono_secs()) > 0)
		arm_retry(k, 1, 0);
	kernel_flush(k);
}

/* ---- links and addresses (bgpd/ifmon) ---- */

/*
 * Linux drops IPv4 routes through an interface that goes down or loses its
 * address, without a word (no RTM_DELROUTE): our shadow would go on saying
 * "installed". So a link going down or an address going away schedules a
 * resync (once, a second later, after the daemon has reacted), and a link
 * coming up retries at once what failed while it was down.
 */
static void
reach_cb(void *arg, bool up)
{
	struct kernel *k = arg;
	struct timeval now = {0, 0}, later = {1, 0};

	if (!up) {
		if (!event_pending(k->resync_ev, EV_TIMEOUT, NULL))
			event_add(k->resync_ev, &later);
		return;
	}
	kroute_retry_expedite(k->t, mono_secs());
	if (kroute_retrying(k->t) > 0)
		event_add(k->retry_ev, &now);
}

static void
link_cb(void *arg, const char *ifname, unsigned ifindex, bool up)
{
	struct kernel *k = arg;

	if (k->cbs.link)
		k->cbs.link(k->arg, ifname, ifindex, up);
}

static void
addr_cb(void *arg, const char *ifname, const struct addr *a, unsigned plen, bool added)
{
	struct kernel *k = arg;

	if (k->cbs.addr)
		k->cbs.addr(k->arg, ifname, a, plen, added);
}

static void
log_cb(void *arg, int prio, const char *msg)
{
	klog(arg, prio, "%s", msg);
}

static void
resync_cb(evutil_socket_t fd, short what, void *arg)
{
	resync(arg);
}

unsigned
kernel_ifindex(const struct kernel *k, const char *ifname)
{
	return ifmon_ifindex(k->ifmon, ifname);
}

int
kernel_vlan_create(struct kernel *k, const char *parent, uint16_t vlan, const char *name, char *err,
                   size_t errlen)
{
	return ifmon_vlan_create(k->ifmon, parent, vlan, name, err, errlen);
}

int
kernel_addr_add(struct kernel *k, const char *ifname, const struct addr *a, unsigned plen,
                char *err, size_t errlen)
{
	return ifmon_addr_add(k->ifmon, ifname, a, plen, err, errlen);
}

/* ---- route dumps: adoption at start, resync after ENOBUFS ---- */

struct dump_ctx {
	struct kernel *k;
	bool adopt;     /* mark what we find as stale */
	uint8_t *purge; /* deletes for our routes with another metric */
	size_t purge_len, purge_cap;
	bool failed;
};

static void
purge_add(struct dump_ctx *c, const struct rtnl_route *rt)
{
	struct rtnl_route del = *rt;

	if (c->purge_cap - c->purge_len < 256) {
		size_t cap = c->purge_cap ? c->purge_cap * 2 : 4096;
		uint8_t *n = realloc(c->purge, cap);

		if (n == NULL)
			return;
		c->purge = n;
		c->purge_cap = cap;
	}
	del.n = 0;
	c->purge_len += rtnl_route_del(c->purge + c->purge_len, c->purge_cap - c->purge_len, 0,
	                               NLM_F_ACK, &del);
}

/*
 * The metric the kernel gives our routes: IPv6 turns "none" into 1024
 * (IP6_RT_PRIO_USER), IPv4 keeps 0. A dump compares against this, or it
 * would take every IPv6 route of ours for a stray one and purge it.
 */
static uint32_t
family_metric(const struct kernel *k, uint8_t afi)
{
	if (afi == AFI_IP6 && k->opts.metric == 0)
		return IPV6_DEFAULT_METRIC;
	return k->opts.metric;
}

static void
route_msg(const struct rtnl_msg *m, void *ctx)
{
	struct rtnl_nexthop rnh[KROUTE_MAX_NEXTHOPS];
	struct kroute_nexthop nh[KROUTE_MAX_NEXTHOPS];
	struct dump_ctx *c = ctx;
	struct kernel *k = c->k;
	struct rtnl_route rt;
	size_t n = 0;
	bool deleted;

	if (!rtnl_parse_route(m, &rt, rnh, KROUTE_MAX_NEXTHOPS, &deleted) || deleted)
		return;
	/* Without strict checking the kernel sends every table. */
	if (rt.table != k->table || rt.protocol != k->opts.protocol)
		return;
	if (rt.metric != family_metric(k, rt.dst.afi) ||
	    !(rt.type == RTN_BLACKHOLE || (rt.type == RTN_UNICAST && (rt.n > 0 || rt.nhid != 0)))) {
		purge_add(c, &rt);
		return;
	}
	if (rt.type == RTN_UNICAST) {
		for (size_t i = 0; i < rt.n; i++) {
			nh[i].gw = rt.nh[i].gw;
			nh[i].ifindex = rt.nh[i].ifindex;
		}
		n = rt.n;
	}
	int e = kroute_dump_route_nh(k->t, &rt.dst, nh, n, rt.nhid, c->adopt);
	/* Over a nexthop object that is not ours: we cannot keep it. */
	if (e == KROUTE_ERR_INVAL && rt.nhid != 0)
		purge_add(c, &rt);
	else if (e != KROUTE_OK)
		c->failed = true;
}

/*
 * Our nexthop object ids: protocol << 24 | (table & 0xff) << 16, then up
 * to KROUTE_NH_ID_SPAN of them, so two instances on two tables of one
 * namespace never take (or clean up) each other's objects.
 */
static uint32_t
nh_id_base(const struct kernel *k)
{
	return (uint32_t)k->opts.protocol << 24 | (k->table & 0xffu) << 16;
}

static bool
nh_ours(const struct kernel *k, const struct rtnl_nh *nh)
{
	return nh->protocol == k->opts.protocol && nh->id - nh_id_base(k) < KROUTE_NH_ID_SPAN;
}

struct nh_dump {
	struct kernel *k;
	struct rtnl_nh *v;
	size_t n, cap;
	bool failed;
};

static void
nh_msg(const struct rtnl_msg *m, void *ctx)
{
	struct nh_dump *d = ctx;
	struct rtnl_nh nh;
	bool deleted;

	if (!rtnl_parse_nh(m, &nh, &deleted) || deleted || !nh_ours(d->k, &nh))
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct rtnl_nh *v = realloc(d->v, cap * sizeof(*v));

		if (v == NULL) {
			d->failed = true;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = nh;
}

/*
 * The kernel's nexthop objects of our protocol, into the shadow before the
 * routes over them: members first, since groups name them. 0 or an errno.
 */
static int
dump_nexthops(struct kernel *k)
{
	struct nh_dump d = {.k = k};
	uint8_t req[64];
	int err;

	if (rtnl_nh_dump(req, sizeof(req), 0) == 0)
		return EINVAL;
	err = nl_sync_talk(k->sync, req, nh_msg, &d, NULL, 0);
	if (err == 0 && d.failed)
		err = ENOMEM;
	if (err == 0) {
		kroute_nh_dump_begin(k->t);
		for (int pass = 0; pass < 2 && err == 0; pass++) {
			for (size_t i = 0; i < d.n && err == 0; i++) {
				const struct rtnl_nh *o = &d.v[i];
				struct kroute_nexthop nh = {.gw = o->gw, .ifindex = o->ifindex};

				if (pass == 0 && o->ngroup == 0 && o->gw.afi != 0)
					err = kroute_nh_dump_member(k->t, o->id, &nh);
				else if (pass == 1 && o->ngroup > 0)
					err = kroute_nh_dump_group(k->t, o->id, o->group,
					                           o->ngroup);
				/* A group longer than a route may be is not ours to read. */
				if (err == KROUTE_ERR_INVAL)
					err = 0;
				else if (err != 0)
					err = ENOMEM;
			}
		}
	}
	free(d.v);
	return err;
}

/* Dump our routes into the shadow; 0 or an errno. */
static int
dump_routes(struct kernel *k, bool adopt)
{
	struct dump_ctx c = {.k = k, .adopt = adopt};
	uint8_t req[64];
	int err = k->nh_objects ? dump_nexthops(k) : 0;

	for (uint8_t afi = AFI_IP; afi <= AFI_IP6 && err == 0; afi++) {
		if (rtnl_route_dump(req, sizeof(req), 0, afi, k->table, k->opts.protocol) == 0)
			return EINVAL;
		err = nl_sync_talk(k->sync, req, route_msg, &c, NULL, 0);
		/* A table that does not exist yet holds nothing of ours. */
		if (err == ENOENT)
			err = 0;
	}
	if (err == 0 && c.failed)
		err = ENOMEM;
	kroute_dump_end(k->t, err == 0);
	for (size_t off = 0; off < c.purge_len;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(void *)(c.purge + off);

		off += NLMSG_ALIGN(nlh->nlmsg_len);
		nl_sync_talk(k->sync, nlh, NULL, NULL, NULL, 0);
	}
	free(c.purge);
	return err;
}

/* The sender thread could not send a batch: its messages were not processed. */
static void
sender_failed(void *arg, int err)
{
	struct kernel *k = arg;

	klog(k, LOG_ERR, "kernel: sending routes: %s", strerror(err));
	resync(k);
}

/* Forget what is in flight and learn the truth from a dump. */
static void
resync(struct kernel *k)
{
	int err;

	if (k->resyncing)
		return;
	k->resyncing = true;
	/*
	 * Nothing handed to the sender goes out any more, and every message
	 * sent was processed (sendmsg is synchronous): its answer is moot.
	 */
	if (k->sender)
		nl_sender_quiesce(k->sender);
	nl_discard(k->cmd, k->rxbuf);
	kroute_inflight_forget(k->t);
	k->batch_len = 0;
	k->batch_routes = false;
	err = dump_routes(k, false);
	k->resyncing = false;
	k->need_resync = err != 0;
	if (err != 0) {
		/* Without the truth nothing is sent: a wrong delete is worse than a pause. */
		klog(k, LOG_ERR, "kernel: route dump failed (%s): retrying in 1 s", strerror(err));
		arm_retry(k, 1, 0);
		return;
	}
	schedule_flush(k);
}

void
kernel_resync(struct kernel *k)
{
	klog(k, LOG_INFO, "kernel: resynchronising with the kernel's routes");
	resync(k);
}

/* ---- open and close ---- */

/* Largest batch the send buffer takes (netlink refuses len > sndbuf - 32). */
static size_t
batch_size(struct mnl_socket *nl)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &v, &l) < 0 || v < 8192)
		return 4096;
	return MIN((size_t)v / 2, (size_t)BATCH_MAX);
}

static void
stale_cb(evutil_socket_t fd, short what, void *arg)
{
	kernel_sweep_stale(arg);
}

static bool
open_events(struct kernel *k)
{
	k->cmd_ev = event_new(k->base, mnl_socket_get_fd(k->cmd), EV_READ | EV_PERSIST, cmd_cb, k);
	k->flush_ev = evtimer_new(k->base, flush_cb, k);
	k->retry_ev = evtimer_new(k->base, retry_cb, k);
	k->stale_ev = evtimer_new(k->base, stale_cb, k);
	k->resync_ev = evtimer_new(k->base, resync_cb, k);
	k->sweep_ev = evtimer_new(k->base, sweep_cb, k);
	if (!k->cmd_ev || !k->flush_ev || !k->retry_ev || !k->stale_ev || !k->resync_ev ||
	    !k->sweep_ev)
		return false;
	if (k->opts.flush_priority > 0)
		event_priority_set(k->flush_ev, k->opts.flush_priority);
	event_add(k->cmd_ev, NULL);
	return true;
}

/* A resync a second from now (after whatever else the event brings). */
static void
resync_soon(struct kernel *k)
{
	struct timeval later = {1, 0};

	if (!event_pending(k->resync_ev, EV_TIMEOUT, NULL))
		event_add(k->resync_ev, &later);
}

/*
 * The kernel deleted a nexthop object: ours, and one the shadow counts on
 * (deleted by hand, or a member whose link went), so routes over it went
 * too, silently. A resync reads what is left and makes the rest again.
 * Our own deletes name objects the shadow has given up: nothing to do.
 */
static void
nhmon_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kernel *k = arg;

	for (int i = 0; i < RECV_PER_TURN; i++) {
		ssize_t n = mnl_socket_recvfrom(k->nhmon, k->rxbuf, NL_RECV_BUF);
		struct rtnl_msg m;
		struct rbuf d;

		if (n < 0) {
			if (errno == ENOBUFS)
				resync_soon(k); /* some were lost: assume the worst */
			break;
		}
		rbuf_init(&d, k->rxbuf, (size_t)n);
		while (rtnl_next(&d, &m) > 0) {
			struct rtnl_nh nh;
			bool deleted;

			if (rtnl_parse_nh(&m, &nh, &deleted) && deleted && nh_ours(k, &nh) &&
			    kroute_nh_live(k->t, nh.id)) {
				klog(k, LOG_WARNING,
				     "kernel: nexthop object %u was deleted behind our back: "
				     "resynchronising",
				     nh.id);
				resync_soon(k);
			}
		}
	}
}

static bool
nhmon_open(struct kernel *k)
{
	int grp = RTNLGRP_NEXTHOP;
	char err[128];

	k->nhmon = nl_open(0, 1024 * 1024, 4096, err, sizeof(err));
	if (k->nhmon == NULL || setsockopt(mnl_socket_get_fd(k->nhmon), SOL_NETLINK,
	                                   NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		klog(k, LOG_WARNING, "kernel: cannot watch nexthop objects: %s",
		     k->nhmon ? strerror(errno) : err);
		return false;
	}
	k->nhmon_ev =
	        event_new(k->base, mnl_socket_get_fd(k->nhmon), EV_READ | EV_PERSIST, nhmon_cb, k);
	return k->nhmon_ev != NULL && event_add(k->nhmon_ev, NULL) == 0;
}

/*
 * Nexthop objects (Linux 5.3): a kernel without them refuses the dump
 * request. We use them unless told not to; even then a kernel that has
 * them is asked for ours, so a previous run's are cleaned up.
 */
static void
probe_nexthops(struct kernel *k)
{
	uint8_t req[64];
	const char *env = getenv("CEBGP_NEXTHOP_OBJECTS");
	bool off = k->opts.no_nexthop_objects || (env != NULL && strcmp(env, "0") == 0);
	int e;

	rtnl_nh_dump(req, sizeof(req), 0);
	e = nl_sync_talk(k->sync, req, NULL, NULL, NULL, 0);
	k->nh_objects = e == 0;
	if (k->nh_objects && !off) {
		kroute_use_nexthop_objects(k->t, nh_id_base(k));
		nhmon_open(k);
	}
	klog(k, LOG_INFO, "kernel: %s",
	     !k->nh_objects ? "no nexthop objects in this kernel: next hops per route"
	     : off          ? "nexthop objects turned off: next hops per route"
	                    : "routes share nexthop groups (nexthop objects)");
}

/* Adopt what a previous run left (see kernel.h). */
static bool
adopt(struct kernel *k, char *err, size_t errlen)
{
	int e = dump_routes(k, k->opts.stale_secs > 0);

	if (e != 0) {
		snprintf(err, errlen, "dumping the routes of protocol %u in table %u: %s",
		         k->opts.protocol, k->table, strerror(e));
		return false;
	}
	if (kroute_stale(k->t) > 0) {
		struct timeval tv = {(time_t)k->opts.stale_secs, 0};

		klog(k, LOG_INFO,
		     "kernel: adopted %zu route(s) of a previous run; unclaimed ones go in %u s",
		     kroute_stale(k->t), k->opts.stale_secs);
		event_add(k->stale_ev, &tv);
	} else if (kroute_queued(k->t) > 0 && kroute_installed(k->t) > 0) {
		klog(k, LOG_INFO, "kernel: removing %zu route(s) of a previous run",
		     kroute_installed(k->t));
	}
	schedule_flush(k);
	return true;
}

struct kernel *
kernel_open(struct event_base *base, const struct kernel_opts *opts, const struct kernel_cbs *cbs,
            void *arg, char *err, size_t errlen)
{
	static const struct ifmon_cbs mon_cbs = {link_cb, addr_cb, reach_cb, log_cb};
	struct kernel *k = calloc(1, sizeof(*k));
	uint32_t seq0 = (uint32_t)time(NULL);

	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->base = base;
	k->opts = *opts;
	if (k->opts.protocol == 0)
		k->opts.protocol = KERNEL_PROTO_BGP;
	k->table = opts->table > 0 ? (uint32_t)opts->table : RT_TABLE_MAIN;
	if (cbs)
		k->cbs = *cbs;
	k->arg = arg;
	k->t = kroute_new(seq0);
	k->stage = calloc(KROUTE_WINDOW, sizeof(*k->stage));
	k->rxbuf = malloc(NL_RECV_BUF);
	if (!k->t || !k->stage || !k->rxbuf) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((k->cmd = nl_open(0, opts->rcvbuf > 0 ? opts->rcvbuf : CMD_RCVBUF, CMD_SNDBUF, err,
	                      errlen)) == NULL ||
	    (k->sync = nl_sync_open(err, errlen)) == NULL ||
	    (k->ifmon = ifmon_open(base, k->sync, &mon_cbs, k, err, errlen)) == NULL)
		goto fail;
	k->batch_cap = batch_size(k->cmd);
	k->sender = nl_sender_new(base, mnl_socket_get_fd(k->cmd), sender_failed, k);
	if (!k->sender)
		klog(k, LOG_WARNING,
		     "kernel: no sender thread: route batches are sent from the loop");
	k->batch = malloc(k->batch_cap);
	if (!k->batch || !open_events(k)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	probe_nexthops(k);
	if (!adopt(k, err, errlen))
		goto fail;
	return k;
fail:
	kernel_close(k);
	return NULL;
}

/* Send what is queued and wait (bounded) for the answers. */
static void
drain(struct kernel *k, int timeout_ms)
{
	struct pollfd pfd = {.fd = mnl_socket_get_fd(k->cmd), .events = POLLIN};
	int64_t deadline = nl_mono_ms() + timeout_ms;

	while ((kroute_queued(k->t) > 0 || kroute_inflight(k->t) > 0 ||
	        kroute_nh_queued(k->t) > 0) &&
	       nl_mono_ms() < deadline) {
		kernel_flush(k);
		if (kroute_inflight(k->t) > 0 && poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		cmd_read(k);
	}
	/* Object deletes carry no answer to wait for: wait until they are sent. */
	if (k->sender && kroute_inflight(k->t) == 0)
		nl_sender_flush(k->sender, (int)MAX(deadline - nl_mono_ms(), 100));
}

void
kernel_keep_on_exit(struct kernel *k, bool keep)
{
	if (k != NULL)
		k->opts.keep_on_exit = keep;
}

void
kernel_close(struct kernel *k)
{
	if (k == NULL)
		return;
	if (k->cmd != NULL && k->t != NULL && k->sync != NULL && k->batch != NULL) {
		if (!k->opts.keep_on_exit)
			kroute_withdraw_all(k->t);
		/* A few seconds, plus time for a big table (1M routes: ~10 s here). */
		drain(k, CLOSE_TIMEOUT + (int)MIN(kroute_installed(k->t) / 40, 60000u));
		if (!k->opts.keep_on_exit && kroute_installed(k->t) > 0)
			klog(k, LOG_WARNING, "kernel: %zu route(s) could not be removed",
			     kroute_installed(k->t));
	}
	nl_sender_free(k->sender); /* what drain() could not send is dropped */
	ifmon_close(k->ifmon);
	struct event *evs[] = {k->cmd_ev,    k->flush_ev, k->retry_ev, k->stale_ev,
	                       k->resync_ev, k->sweep_ev, k->nhmon_ev};
	for (size_t i = 0; i < ARRAY_SIZE(evs); i++)
		if (evs[i])
			event_free(evs[i]);
	if (k->cmd)
		mnl_socket_close(k->cmd);
	if (k->nhmon)
		mnl_socket_close(k->nhmon);
	nl_sync_close(k->sync);
	kroute_free(k->t);
	free(k->stage);
	free(k->batch);
	free(k->rxbuf);
	free(k);
}
