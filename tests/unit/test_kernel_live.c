/*
 * kernel against the real Linux FIB. Each test runs in its own forked
 * process (Check's fork mode) and moves itself into a fresh network
 * namespace with unshare(CLONE_NEWNET): only lo exists there, and
 * everything vanishes when the process ends. The test builds a veth pair
 * (va0, vb0) with 172.16.1.1/30 and 172.16.2.1/30, drives kernel_* from a
 * libevent loop and checks the result with its own netlink dump.
 * SKIP (77) unless root with namespaces.
 */
#include "cebgp-config.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>

#include "kernel.h"
#include "rtnl.h"

/* ---- plumbing: a netlink socket of the test's own ---- */

/* CEBGP_NEXTHOP_OBJECTS=0: kernel.c keeps next hops per route (the older kernels' path). */
static bool
nexthop_objects_off(void)
{
	const char *env = getenv("CEBGP_NEXTHOP_OBJECTS");

	return env != NULL && strcmp(env, "0") == 0;
}

static struct mnl_socket *
nl_sock(unsigned groups)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	int one = 1;

	ck_assert_ptr_nonnull(nl);
	ck_assert_int_eq(mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID), 0);
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	return nl;
}

/* Send one request with NLM_F_ACK; the kernel's errno (0 = done). */
static int
talk(void *req, size_t len)
{
	struct mnl_socket *nl = nl_sock(0);
	uint8_t buf[8192];
	struct rtnl_error e = {.err = ETIMEDOUT};
	struct rtnl_msg m;
	struct rbuf d;
	ssize_t n;

	ck_assert_uint_gt(len, 0);
	ck_assert_int_ge(mnl_socket_sendto(nl, req, len), 0);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	rbuf_init(&d, buf, (size_t)n);
	while (rtnl_next(&d, &m) > 0)
		rtnl_parse_error(&m, &e);
	mnl_socket_close(nl);
	return e.err;
}

static struct addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x = {.afi = AFI_IP, .bytes = {a, b, c, d}};

	return x;
}

static struct prefix
p4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len)
{
	struct prefix p = {.afi = AFI_IP, .len = len, .bytes = {a, b, c, d}};

	return p;
}

static unsigned ifa, ifb; /* va0, vb0 */

/* A fresh namespace with va0 <-> vb0 up and addressed. */
static void
netns_setup(void)
{
	uint8_t req[512];
	struct addr a1 = v4(172, 16, 1, 1), a2 = v4(172, 16, 2, 1);

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s", strerror(errno));
	ck_assert_int_eq(talk(req, rtnl_veth_new(req, sizeof(req), 1, "va0", "vb0")), 0);
	ifa = if_nametoindex("va0");
	ifb = if_nametoindex("vb0");
	ck_assert_uint_ne(ifa, 0);
	ck_assert_uint_ne(ifb, 0);
	ck_assert_int_eq(talk(req, rtnl_link_set_up(req, sizeof(req), 2, 1, true)), 0);
	ck_assert_int_eq(talk(req, rtnl_link_set_up(req, sizeof(req), 3, ifa, true)), 0);
	ck_assert_int_eq(talk(req, rtnl_link_set_up(req, sizeof(req), 4, ifb, true)), 0);
	ck_assert_int_eq(talk(req, rtnl_addr_new(req, sizeof(req), 5, ifa, &a1, 30)), 0);
	ck_assert_int_eq(talk(req, rtnl_addr_new(req, sizeof(req), 6, ifb, &a2, 30)), 0);
}

/* ---- what the kernel holds ---- */

struct kroute_seen {
	struct prefix dst;
	uint8_t type;
	uint32_t table, metric, nhid;
	size_t n;
	struct rtnl_nexthop nh[KERNEL_MAX_NEXTHOPS];
};

struct fib {
	struct kroute_seen *r;
	size_t n, cap;
};

/* Every route of protocol 186 in table (both families). */
static void
fib_dump(struct fib *f, uint32_t table)
{
	uint8_t buf[65536], req[64];

	f->n = 0;
	for (uint8_t afi = AFI_IP; afi <= AFI_IP6; afi++) {
		struct mnl_socket *nl = nl_sock(0);
		bool done = false;

		size_t len = rtnl_route_dump(req, sizeof(req), 1, afi, table, KERNEL_PROTO_BGP);
		ck_assert_int_ge(mnl_socket_sendto(nl, req, len), 0);
		while (!done) {
			ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
			struct rtnl_msg m;
			struct rbuf d;
			int err;

			ck_assert_int_gt(n, 0);
			rbuf_init(&d, buf, (size_t)n);
			while (rtnl_next(&d, &m) > 0) {
				struct rtnl_route rt;
				bool deleted;

				if (rtnl_parse_done(&m, &err) || m.type == NLMSG_ERROR) {
					done = true;
					break;
				}
				if (f->n == f->cap) {
					f->cap = f->cap ? f->cap * 2 : 64;
					f->r = realloc(f->r, f->cap * sizeof(*f->r));
				}
				struct kroute_seen *s = &f->r[f->n];
				if (!rtnl_parse_route(&m, &rt, s->nh, KERNEL_MAX_NEXTHOPS,
				                      &deleted) ||
				    rt.protocol != KERNEL_PROTO_BGP || rt.table != table)
					continue;
				s->dst = rt.dst;
				s->type = rt.type;
				s->table = rt.table;
				s->metric = rt.metric;
				s->n = rt.n;
				s->nhid = rt.nhid;
				f->n++;
			}
		}
		mnl_socket_close(nl);
	}
}

static const struct kroute_seen *
fib_find(struct fib *f, const struct prefix *p)
{
	for (size_t i = 0; i < f->n; i++)
		if (prefix_eq(&f->r[i].dst, p))
			return &f->r[i];
	return NULL;
}

static bool
has_nh(const struct kroute_seen *s, const struct addr *gw, unsigned ifindex)
{
	for (size_t i = 0; i < s->n; i++)
		if (addr_eq(&s->nh[i].gw, gw) && s->nh[i].ifindex == ifindex)
			return true;
	return false;
}

/* ---- the module under test ---- */

struct events {
	unsigned links_up, links_down, addrs, logs;
	bool saw_va0_up, saw_va0_down, saw_addr1, saw_enobufs;
	char last_log[512];
};

static void
on_link(void *arg, const char *ifname, unsigned ifindex, bool up)
{
	struct events *ev = arg;

	if (up)
		ev->links_up++;
	else
		ev->links_down++;
	if (strcmp(ifname, "va0") == 0 && ifindex == ifa) {
		if (up)
			ev->saw_va0_up = true;
		else
			ev->saw_va0_down = true;
	}
}

static void
on_addr(void *arg, const char *ifname, const struct addr *a, unsigned plen, bool added)
{
	struct events *ev = arg;
	struct addr want = v4(172, 16, 1, 1);

	ev->addrs++;
	if (added && strcmp(ifname, "va0") == 0 && addr_eq(a, &want) && plen == 30)
		ev->saw_addr1 = true;
}

static void
on_log(void *arg, int prio, const char *msg)
{
	struct events *ev = arg;

	ev->logs++;
	if (strstr(msg, "ENOBUFS") != NULL)
		ev->saw_enobufs = true;
	snprintf(ev->last_log, sizeof(ev->last_log), "%s", msg);
}

static struct event_base *base;
static struct events evs;

static struct kernel *
open_k(const struct kernel_opts *o)
{
	static const struct kernel_cbs cbs = {on_link, on_addr, on_log};
	struct kernel_opts def = {0};
	char err[256];
	struct kernel *k;

	if (base == NULL)
		base = event_base_new();
	k = kernel_open(base, o ? o : &def, &cbs, &evs, err, sizeof(err));
	ck_assert_msg(k != NULL, "kernel_open: %s", err);
	return k;
}

/* Run the loop until cond holds (or 10 s pass). */
static bool
run_until(bool (*cond)(struct kernel *), struct kernel *k)
{
	for (int i = 0; i < 500; i++) {
		struct timeval tv = {0, 20000};

		if (cond(k))
			return true;
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	return cond(k);
}

static bool
settled(struct kernel *k)
{
	return kernel_pending(k) == 0;
}

static void
settle(struct kernel *k)
{
	ck_assert_msg(run_until(settled, k), "still %zu pending", kernel_pending(k));
}

static struct kroute_nexthop
nh(uint8_t third, unsigned ifindex)
{
	struct kroute_nexthop x = {.gw = v4(172, 16, third, 2), .ifindex = ifindex};

	return x;
}

/* ---- tests ---- */

START_TEST(single_ecmp_replace_remove)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct prefix p = p4(10, 1, 0, 0, 16);
	struct kroute_nexthop two[2] = {nh(1, ifa), nh(2, ifb)};
	struct addr ga = v4(172, 16, 1, 2), gb = v4(172, 16, 2, 2);
	const struct kroute_seen *s;
	struct fib f = {0};

	ck_assert_int_eq(kernel_route_set(k, &p, two, 1), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->n, 1);
	ck_assert(has_nh(s, &ga, ifa));
	ck_assert_uint_eq(kernel_installed(k), 1);
	/* The path under test: over a nexthop object, or next hops per route. */
	ck_assert_int_eq(s->nhid != 0, !nexthop_objects_off());

	/* ECMP over both legs. */
	ck_assert_int_eq(kernel_route_set(k, &p, two, 2), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->n, 2);
	ck_assert(has_nh(s, &ga, ifa));
	ck_assert(has_nh(s, &gb, ifb));

	/* Failover: the primary goes; one replace, no delete on the way. */
	struct mnl_socket *mon = nl_sock(RTMGRP_IPV4_ROUTE);
	ck_assert_int_eq(kernel_route_set(k, &p, &two[1], 1), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->n, 1);
	ck_assert(has_nh(s, &gb, ifb));
	int fd = mnl_socket_get_fd(mon), news = 0, dels = 0;
	uint8_t buf[8192];
	struct pollfd pfd = {fd, POLLIN, 0};
	while (poll(&pfd, 1, 100) > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct rtnl_msg m;
		struct rbuf d;

		if (n <= 0)
			break;
		rbuf_init(&d, buf, (size_t)n);
		while (rtnl_next(&d, &m) > 0) {
			news += m.type == RTM_NEWROUTE;
			dels += m.type == RTM_DELROUTE;
		}
	}
	mnl_socket_close(mon);
	ck_assert_int_eq(news, 1);
	ck_assert_int_eq(dels, 0);

	/* Same set again: nothing to send. */
	ck_assert_int_eq(kernel_route_set(k, &p, &two[1], 1), KERNEL_OK);
	settle(k);

	/* Both legs gone: removed. */
	ck_assert_int_eq(kernel_route_set(k, &p, NULL, 0), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_null(fib_find(&f, &p));
	ck_assert_uint_eq(kernel_installed(k), 0);
	kernel_close(k);
	free(f.r);
}
END_TEST

START_TEST(invalid_requests_are_refused)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct prefix p = p4(10, 1, 0, 0, 16);
	struct kroute_nexthop dup[2] = {nh(1, ifa), nh(1, ifa)};
	struct kroute_nexthop v6gw = {.gw = {.afi = AFI_IP6, .bytes = {0xfe, 0x80}}, .ifindex = 1};
	struct prefix bad = p4(10, 0, 0, 0, 33);

	ck_assert_int_eq(kernel_route_set(k, &p, dup, 2), KERNEL_ERR_INVAL);
	ck_assert_int_eq(kernel_route_set(k, &p, &v6gw, 1), KERNEL_ERR_INVAL);
	ck_assert_int_eq(kernel_route_set(k, &bad, dup, 1), KERNEL_ERR_INVAL);
	ck_assert_int_eq(kernel_discard_set(k, &bad, true), KERNEL_ERR_INVAL);
	struct prefix host_bits = p4(10, 1, 0, 1, 16);
	ck_assert_int_eq(kernel_route_set(k, &host_bits, dup, 1), KERNEL_ERR_INVAL);
	ck_assert_int_eq(kernel_discard_set(k, &host_bits, true), KERNEL_ERR_INVAL);
	/* Unprotecting what was never protected is harmless. */
	kernel_unprotect(k, &p);
	ck_assert(!kernel_is_protected(k, &p));
	ck_assert_uint_eq(kernel_pending(k), 0);
	kernel_close(k);
}
END_TEST

START_TEST(blackhole_and_route_precedence)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct prefix p = p4(10, 9, 0, 0, 16);
	struct kroute_nexthop a = nh(1, ifa);
	const struct kroute_seen *s;
	struct fib f = {0};

	ck_assert_int_eq(kernel_discard_set(k, &p, true), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->type, RTN_BLACKHOLE);

	/* A route with next hops wins over the discard while it exists. */
	ck_assert_int_eq(kernel_route_set(k, &p, &a, 1), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->type, RTN_UNICAST);
	ck_assert_uint_eq(s->n, 1);

	ck_assert_int_eq(kernel_route_set(k, &p, NULL, 0), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->type, RTN_BLACKHOLE);

	ck_assert_int_eq(kernel_discard_set(k, &p, false), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_null(fib_find(&f, &p));
	kernel_close(k);
	free(f.r);
}
END_TEST

START_TEST(protected_prefixes_are_refused)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct prefix peering = p4(172, 16, 1, 0, 30), cover = p4(172, 16, 0, 0, 16);
	struct prefix inside = p4(172, 16, 1, 2, 32), other = p4(10, 1, 0, 0, 16);
	struct prefix dflt = p4(0, 0, 0, 0, 0), agg = p4(172, 16, 0, 0, 12);
	struct kroute_nexthop b = nh(2, ifb);
	struct fib f = {0};

	ck_assert_int_eq(kernel_protect(k, &peering), KERNEL_OK);
	ck_assert(kernel_is_protected(k, &peering));
	ck_assert_int_eq(kernel_route_set(k, &cover, &b, 1), KERNEL_ERR_PROTECTED);
	ck_assert_int_eq(kernel_route_set(k, &peering, &b, 1), KERNEL_ERR_PROTECTED);
	ck_assert_int_eq(kernel_route_set(k, &inside, &b, 1), KERNEL_ERR_PROTECTED);
	ck_assert_int_eq(kernel_route_set(k, &other, &b, 1), KERNEL_OK);
	ck_assert_int_eq(kernel_route_set(k, &dflt, &b, 1), KERNEL_OK);
	/* A discard may cover a connected subnet (longest match keeps it) ... */
	ck_assert_int_eq(kernel_discard_set(k, &agg, true), KERNEL_OK);
	/* ... but not override it. */
	ck_assert_int_eq(kernel_discard_set(k, &inside, true), KERNEL_ERR_PROTECTED);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_null(fib_find(&f, &cover));
	ck_assert_ptr_null(fib_find(&f, &peering));
	ck_assert_ptr_null(fib_find(&f, &inside));
	ck_assert_ptr_nonnull(fib_find(&f, &other));
	ck_assert_ptr_nonnull(fib_find(&f, &dflt));
	ck_assert_ptr_nonnull(fib_find(&f, &agg));

	/* Protection withdrawn: the remembered desires go in. */
	kernel_unprotect(k, &peering);
	ck_assert(!kernel_is_protected(k, &peering));
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(fib_find(&f, &cover));
	ck_assert_ptr_nonnull(fib_find(&f, &inside));

	/* Protection arriving later pulls an installed route out. */
	ck_assert_int_eq(kernel_protect(k, &peering), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_null(fib_find(&f, &cover));
	ck_assert_ptr_nonnull(fib_find(&f, &other));
	kernel_close(k);
	free(f.r);
}
END_TEST

static bool
saw_va0(struct kernel *k)
{
	return evs.saw_va0_up && evs.saw_addr1;
}

static bool
saw_va0_down(struct kernel *k)
{
	return evs.saw_va0_down;
}

START_TEST(links_and_addresses_reported)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	uint8_t req[128];

	ck_assert(run_until(saw_va0, k));
	ck_assert_uint_ge(evs.links_up, 3); /* lo, va0, vb0 */
	ck_assert_uint_eq(kernel_ifindex(k, "va0"), ifa);
	ck_assert_int_eq(talk(req, rtnl_link_set_up(req, sizeof(req), 1, ifa, false)), 0);
	ck_assert(run_until(saw_va0_down, k));
	kernel_close(k);
}
END_TEST

static bool
has_one(struct kernel *k)
{
	return kernel_installed(k) == 1;
}

START_TEST(unreachable_gateway_is_retried)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct prefix p = p4(10, 5, 0, 0, 16);
	struct kroute_nexthop far = {.gw = v4(10, 99, 99, 1)};
	struct addr a = v4(10, 99, 99, 2);
	uint8_t req[128];

	evs.logs = 0; /* what kernel_open said */
	ck_assert_int_eq(kernel_route_set(k, &p, &far, 1), KERNEL_OK);
	for (int i = 0; i < 20 && evs.logs == 0; i++) {
		struct timeval tv = {0, 20000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	ck_assert_uint_ge(evs.logs, 1);
	ck_assert_msg(strstr(evs.last_log, "10.5.0.0/16") != NULL, "%s", evs.last_log);
	ck_assert_uint_eq(kernel_installed(k), 0);
	ck_assert_uint_eq(kernel_pending(k), 1); /* waiting to retry */

	/* The gateway becomes reachable: the retry installs the route. */
	ck_assert_int_eq(talk(req, rtnl_addr_new(req, sizeof(req), 1, ifa, &a, 24)), 0);
	ck_assert(run_until(has_one, k));
	settle(k);
	kernel_close(k);
}
END_TEST

START_TEST(previous_run_adopted_then_swept)
{
	netns_setup();
	struct kernel_opts keep = {.keep_on_exit = true}, adopt = {.stale_secs = 60};
	struct kernel_opts clean = {0};
	struct prefix p1 = p4(10, 1, 0, 0, 16), p2 = p4(10, 2, 0, 0, 16), p3 = p4(10, 3, 0, 0, 16);
	struct kroute_nexthop a = nh(1, ifa);
	struct kernel *k = open_k(&keep);
	struct fib f = {0};

	kernel_route_set(k, &p1, &a, 1);
	kernel_route_set(k, &p2, &a, 1);
	kernel_discard_set(k, &p3, true);
	settle(k);
	kernel_close(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 3); /* kept on exit */

	k = open_k(&adopt);
	ck_assert_uint_eq(kernel_installed(k), 3);
	/* Claimed with the same next hop: no change needed. */
	ck_assert_int_eq(kernel_route_set(k, &p1, &a, 1), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 3); /* unclaimed ones stay until the sweep */
	kernel_sweep_stale(k);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_ptr_nonnull(fib_find(&f, &p1));
	kernel_close(k); /* not keep_on_exit: removes p1 */
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);

	/* stale_secs 0: a previous run's routes go at once. */
	k = open_k(&keep);
	kernel_route_set(k, &p2, &a, 1);
	settle(k);
	kernel_close(k);
	k = open_k(&clean);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);
	kernel_close(k);
	free(f.r);
}
END_TEST

START_TEST(own_table_metric_and_ipv6)
{
	netns_setup();
	struct kernel_opts o = {.table = 1000, .metric = 50};
	struct kernel *k = open_k(&o);
	struct prefix p = p4(10, 7, 0, 0, 16);
	struct prefix p6 = {.afi = AFI_IP6, .len = 48, .bytes = {0x2a, 0x10, 0xce, 0x10, 0, 1}};
	struct kroute_nexthop a = nh(1, ifa);
	struct kroute_nexthop six[2] = {
	        {.gw = {.afi = AFI_IP6, .bytes = {0xfe, 0x80, [15] = 2}}, .ifindex = ifa},
	        {.gw = {.afi = AFI_IP6, .bytes = {0xfe, 0x80, [15] = 3}}, .ifindex = ifb},
	};
	const struct kroute_seen *s;
	struct fib f = {0};

	ck_assert_int_eq(kernel_route_set(k, &p, &a, 1), KERNEL_OK);
	ck_assert_int_eq(kernel_route_set(k, &p6, six, 2), KERNEL_OK);
	settle(k);
	fib_dump(&f, 1000);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->metric, 50);
	ck_assert_uint_eq(s->table, 1000);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p6));
	ck_assert_uint_eq(s->n, 2);
	ck_assert(has_nh(s, &six[0].gw, ifa));
	ck_assert(has_nh(s, &six[1].gw, ifb));
	/* IPv6 failover is a replace too. */
	ck_assert_int_eq(kernel_route_set(k, &p6, &six[1], 1), KERNEL_OK);
	settle(k);
	fib_dump(&f, 1000);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p6));
	ck_assert_uint_eq(s->n, 1);
	ck_assert(has_nh(s, &six[1].gw, ifb));
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);
	kernel_close(k);
	fib_dump(&f, 1000);
	ck_assert_uint_eq(f.n, 0);
	free(f.r);
}
END_TEST

/* ---- IPv6: global next hops on both legs ---- */

static size_t
stale_of(const struct kernel *k)
{
	struct kernel_counts c;

	kernel_counts(k, &c);
	return c.stale;
}

static struct addr
gw6(uint8_t leg, uint8_t host)
{
	struct addr a = {.afi = AFI_IP6, .bytes = {0x2a, 0x10, 0xce, 0, 0, leg, [15] = host}};

	return a;
}

static struct prefix
p6(uint8_t sub, uint8_t len)
{
	struct prefix p = {.afi = AFI_IP6, .len = len, .bytes = {0x2a, 0x10, 0xce, 0x10, 0, sub}};

	return p;
}

/* 2a10:ce00:1::1/126 on va0 and 2a10:ce00:2::1/126 on vb0, usable at once (no DAD). */
static void
netns_setup6(void)
{
	ck_assert_int_eq(system("ip -6 addr add 2a10:ce00:1::1/126 dev va0 nodad && "
	                        "ip -6 addr add 2a10:ce00:2::1/126 dev vb0 nodad"),
	                 0);
}

/* A socket that hears every IPv6 route change from now on. */
static struct mnl_socket *
monitor6(void)
{
	return nl_sock(1u << (RTNLGRP_IPV6_ROUTE - 1));
}

/* Deleted notifications for p heard so far (non-blocking read of the monitor). */
static unsigned
deletions(struct mnl_socket *mon, const struct prefix *p, unsigned *news)
{
	uint8_t buf[65536];
	unsigned dels = 0;
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(mon), buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct rtnl_nexthop nh[KERNEL_MAX_NEXTHOPS];
		struct rtnl_route rt;
		struct rtnl_msg m;
		struct rbuf d;
		bool deleted;

		rbuf_init(&d, buf, (size_t)n);
		while (rtnl_next(&d, &m) > 0) {
			if (!rtnl_parse_route(&m, &rt, nh, KERNEL_MAX_NEXTHOPS, &deleted) ||
			    !prefix_eq(&rt.dst, p))
				continue;
			if (deleted)
				dels++;
			else if (news)
				(*news)++;
		}
	}
	return dels;
}

START_TEST(ipv6_ecmp_failover_by_replace_and_sweep)
{
	netns_setup();
	netns_setup6();
	struct kernel_opts keep = {.keep_on_exit = true}, adopt = {.stale_secs = 60};
	struct kroute_nexthop both[2] = {{.gw = gw6(1, 2), .ifindex = ifa},
	                                 {.gw = gw6(2, 2), .ifindex = ifb}};
	struct prefix pa = p6(1, 48), pb = p6(2, 48);
	struct kernel *k = open_k(&keep);
	const struct kroute_seen *s;
	struct fib f = {0};
	unsigned news = 0;

	ck_assert_int_eq(kernel_route_set(k, &pa, both, 2), KERNEL_OK);
	ck_assert_int_eq(kernel_route_set(k, &pb, both, 2), KERNEL_OK);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 2); /* one entry each, RTA_MULTIPATH */
	ck_assert_ptr_nonnull(s = fib_find(&f, &pa));
	ck_assert_uint_eq(s->n, 2);
	ck_assert(has_nh(s, &both[0].gw, ifa));
	ck_assert(has_nh(s, &both[1].gw, ifb));
	/* A resync reads them back as ours (the kernel gave them metric 1024). */
	kernel_resync(k);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(kernel_installed(k), 2);

	/* Leg 1 lost: one replace per route, no deletion heard, never without a route. */
	struct mnl_socket *mon = monitor6();
	ck_assert_int_eq(kernel_route_set(k, &pa, &both[1], 1), KERNEL_OK);
	settle(k);
	ck_assert_uint_eq(deletions(mon, &pa, &news), 0);
	ck_assert_uint_ge(news, 1);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &pa));
	ck_assert_uint_eq(s->n, 1);
	ck_assert(has_nh(s, &both[1].gw, ifb));
	/* And back to both legs. */
	news = 0;
	ck_assert_int_eq(kernel_route_set(k, &pa, both, 2), KERNEL_OK);
	settle(k);
	ck_assert_uint_eq(deletions(mon, &pa, &news), 0);
	ck_assert_uint_ge(news, 1);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &pa));
	ck_assert_uint_eq(s->n, 2);
	mnl_socket_close(mon);
	kernel_close(k); /* kept */

	/* A new run adopts both ECMP routes as they are, claims one, sweeps the other. */
	k = open_k(&adopt);
	ck_assert_uint_eq(kernel_installed(k), 2);
	ck_assert_uint_eq(stale_of(k), 2);
	ck_assert_int_eq(kernel_route_set(k, &pa, both, 2), KERNEL_OK);
	settle(k);
	kernel_sweep_stale(k);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_ptr_nonnull(s = fib_find(&f, &pa));
	ck_assert_uint_eq(s->n, 2);
	kernel_close(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);
	free(f.r);
}
END_TEST

/* ---- nexthop objects ---- */

struct objs {
	unsigned members, groups;
	struct rtnl_nh g[64]; /* the groups */
};

/* Every nexthop object of protocol 186. */
static void
objs_dump(struct objs *o)
{
	struct mnl_socket *nl = nl_sock(0);
	uint8_t buf[65536], req[64];
	bool done = false;

	memset(o, 0, sizeof(*o));
	ck_assert_int_ge(mnl_socket_sendto(nl, req, rtnl_nh_dump(req, sizeof(req), 1)), 0);
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct rtnl_msg m;
		struct rbuf d;
		int err;

		ck_assert_int_gt(n, 0);
		rbuf_init(&d, buf, (size_t)n);
		while (rtnl_next(&d, &m) > 0) {
			struct rtnl_nh nh;
			bool deleted;

			if (rtnl_parse_done(&m, &err) || m.type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (!rtnl_parse_nh(&m, &nh, &deleted) || nh.protocol != KERNEL_PROTO_BGP)
				continue;
			if (nh.ngroup == 0) {
				o->members++;
			} else {
				ck_assert_uint_lt(o->groups, 64);
				o->g[o->groups++] = nh;
			}
		}
	}
	mnl_socket_close(nl);
}

static const struct rtnl_nh *
objs_group(const struct objs *o, uint32_t id)
{
	for (unsigned i = 0; i < o->groups; i++)
		if (o->g[i].id == id)
			return &o->g[i];
	return NULL;
}

#define NGROUPED 40

static struct kernel_counts
counts(const struct kernel *k)
{
	struct kernel_counts c;

	kernel_counts(k, &c);
	return c;
}

/* Every route of f in prefix set v shares one nhid (returned), with n next hops. */
static uint32_t
one_group(struct fib *f, const struct prefix *v, size_t nv, size_t n)
{
	uint32_t id = 0;

	for (size_t i = 0; i < nv; i++) {
		const struct kroute_seen *s = fib_find(f, &v[i]);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_ne(s->nhid, 0);
		ck_assert_uint_eq(s->n, n);
		if (i == 0)
			id = s->nhid;
		ck_assert_uint_eq(s->nhid, id);
	}
	return id;
}

START_TEST(nexthop_groups_fail_over_in_one_replace)
{
	netns_setup();
	netns_setup6();
	struct kernel_opts keep = {.keep_on_exit = true}, adopt = {.stale_secs = 60};
	struct kroute_nexthop two[2] = {nh(1, ifa), nh(2, ifb)};
	struct kroute_nexthop six[2] = {{.gw = gw6(1, 2), .ifindex = ifa},
	                                {.gw = gw6(2, 2), .ifindex = ifb}};
	struct prefix v4s[NGROUPED], v6s[NGROUPED];
	struct kernel *k = open_k(&keep);
	struct fib f = {0};
	struct objs o;

	ck_assert(counts(k).nexthop_objects);
	for (uint8_t i = 0; i < NGROUPED; i++) {
		v4s[i] = p4(10, 20, i, 0, 24);
		v6s[i] = p6(i, 48);
		ck_assert_int_eq(kernel_route_set(k, &v4s[i], two, 2), KERNEL_OK);
		ck_assert_int_eq(kernel_route_set(k, &v6s[i], six, 2), KERNEL_OK);
	}
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	uint32_t g4 = one_group(&f, v4s, NGROUPED, 2), g6 = one_group(&f, v6s, NGROUPED, 2);
	ck_assert_uint_ne(g4, g6);
	objs_dump(&o);
	ck_assert_uint_eq(o.groups, 2);
	ck_assert_uint_eq(o.members, 4);
	ck_assert_uint_eq(counts(k).groups, 2);

	/* Leg 1 lost: every route keeps its group, which now holds leg 2 alone. */
	for (size_t i = 0; i < NGROUPED; i++) {
		kernel_route_set(k, &v4s[i], &two[1], 1);
		kernel_route_set(k, &v6s[i], &six[1], 1);
	}
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(one_group(&f, v4s, NGROUPED, 1), g4);
	ck_assert_uint_eq(one_group(&f, v6s, NGROUPED, 1), g6);
	ck_assert(has_nh(fib_find(&f, &v4s[0]), &two[1].gw, ifb));
	ck_assert(has_nh(fib_find(&f, &v6s[7]), &six[1].gw, ifb));
	objs_dump(&o);
	ck_assert_uint_eq(o.groups, 2);
	ck_assert_uint_eq(o.members, 2); /* leg 1's next hops went with the replace */
	ck_assert_uint_eq(objs_group(&o, g4)->ngroup, 1);

	/* Back on both legs: the same groups again. */
	for (size_t i = 0; i < NGROUPED; i++) {
		kernel_route_set(k, &v4s[i], two, 2);
		kernel_route_set(k, &v6s[i], six, 2);
	}
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(one_group(&f, v4s, NGROUPED, 2), g4);
	ck_assert_uint_eq(one_group(&f, v6s, NGROUPED, 2), g6);

	/* Half the IPv4 routes leave: they need a group of their own, the rest keep theirs. */
	for (size_t i = 0; i < NGROUPED / 2; i++)
		kernel_route_set(k, &v4s[i], &two[0], 1);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	uint32_t g1 = one_group(&f, v4s, NGROUPED / 2, 1);
	ck_assert_uint_ne(g1, g4);
	ck_assert_uint_eq(one_group(&f, v4s + NGROUPED / 2, NGROUPED / 2, 2), g4);
	kernel_close(k); /* kept, with their objects */

	/* A new run takes the routes and their groups over: claiming them costs nothing. */
	k = open_k(&adopt);
	ck_assert_uint_eq(kernel_installed(k), 2 * NGROUPED);
	ck_assert_uint_eq(counts(k).groups, 3);
	for (size_t i = NGROUPED / 2; i < NGROUPED; i++)
		kernel_route_set(k, &v4s[i], two, 2);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(one_group(&f, v4s + NGROUPED / 2, NGROUPED / 2, 2), g4);
	/* The sweep takes the unclaimed routes, then the groups nobody uses. */
	kernel_sweep_stale(k);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, NGROUPED / 2);
	objs_dump(&o);
	ck_assert_uint_eq(o.groups, 1);
	ck_assert_ptr_nonnull(objs_group(&o, g4));
	ck_assert_uint_eq(o.members, 2);
	kernel_close(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);
	objs_dump(&o);
	ck_assert_uint_eq(o.groups + o.members, 0);
	free(f.r);
}
END_TEST

/*
 * The kernel drops a next hop whose link goes down from its groups by
 * itself; the resync that follows sees it and, once the link is back,
 * the group has both legs again.
 */
static bool
group_whole(struct kernel *k)
{
	struct objs o;

	objs_dump(&o);
	return o.groups == 1 && o.g[0].ngroup == 2 && kernel_pending(k) == 0;
}

START_TEST(nexthop_group_survives_a_link_flap)
{
	netns_setup();
	netns_setup6();
	struct kroute_nexthop six[2] = {{.gw = gw6(1, 2), .ifindex = ifa},
	                                {.gw = gw6(2, 2), .ifindex = ifb}};
	struct prefix p = p6(9, 48);
	struct kernel *k = open_k(NULL);
	uint8_t req[256];
	struct fib f = {0};
	struct objs o;

	ck_assert_int_eq(kernel_route_set(k, &p, six, 2), KERNEL_OK);
	settle(k);
	ck_assert(group_whole(k));
	/* va0 down (the veth peer vb0 loses carrier too: take leg b's address off instead). */
	ck_assert_int_eq(system("ip link set va0 down"), 0);
	objs_dump(&o);
	ck_assert_uint_le(o.members, 1);
	ck_assert_int_eq(system("ip link set va0 up && ip link set vb0 up && "
	                        "ip -6 addr replace 2a10:ce00:1::1/126 dev va0 nodad && "
	                        "ip -6 addr replace 2a10:ce00:2::1/126 dev vb0 nodad"),
	                 0);
	(void)req;
	ck_assert_msg(run_until(group_whole, k), "the group did not get both legs back");
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(fib_find(&f, &p));
	ck_assert_uint_eq(fib_find(&f, &p)->n, 2);
	kernel_close(k);
	objs_dump(&o);
	ck_assert_uint_eq(o.groups + o.members, 0);
	free(f.r);
}
END_TEST

/* Forced off: next hops per route; a previous run's groups are cleaned up. */
START_TEST(nexthop_objects_off_and_switching)
{
	netns_setup();
	struct kernel_opts keep = {.keep_on_exit = true};
	struct kernel_opts off = {.no_nexthop_objects = true, .keep_on_exit = true};
	struct kroute_nexthop two[2] = {nh(1, ifa), nh(2, ifb)};
	struct prefix p = p4(10, 30, 0, 0, 16);
	struct kernel *k = open_k(&keep);
	const struct kroute_seen *s;
	struct fib f = {0};
	struct objs o;

	kernel_route_set(k, &p, two, 2);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_ne(fib_find(&f, &p)->nhid, 0);
	kernel_close(k);

	/* Off: the route is claimed and moved onto plain next hops. */
	k = open_k(&off);
	ck_assert(!counts(k).nexthop_objects);
	kernel_route_set(k, &p, two, 2);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p));
	ck_assert_uint_eq(s->nhid, 0);
	ck_assert_uint_eq(s->n, 2);
	kernel_route_set(k, &p, &two[1], 1);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(fib_find(&f, &p)->n, 1);
	kernel_close(k);

	/* On again: the unused group of the first run goes; the route moves onto a group. */
	k = open_k(&keep);
	kernel_route_set(k, &p, &two[1], 1);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_ne(fib_find(&f, &p)->nhid, 0);
	objs_dump(&o);
	ck_assert_uint_eq(o.groups, 1);
	ck_assert_uint_eq(o.members, 1);
	kernel_keep_on_exit(k, false);
	kernel_close(k);
	objs_dump(&o);
	ck_assert_uint_eq(o.groups + o.members, 0);
	free(f.r);
}
END_TEST

/* Our group deleted by hand takes its routes: they come back on a new one. */
static struct prefix deleted_p;

static bool
back_on_a_group(struct kernel *k)
{
	struct fib f = {0};
	const struct kroute_seen *s;
	bool ok;

	fib_dump(&f, RT_TABLE_MAIN);
	s = fib_find(&f, &deleted_p);
	ok = s != NULL && s->nhid != 0 && s->n == 2 && kernel_pending(k) == 0;
	free(f.r);
	return ok;
}

START_TEST(nexthop_group_deleted_behind_our_back)
{
	netns_setup();
	struct kroute_nexthop two[2] = {nh(1, ifa), nh(2, ifb)};
	struct kernel *k = open_k(NULL);
	char cmd[128];
	struct fib f = {0};

	deleted_p = p4(10, 40, 0, 0, 16);
	kernel_route_set(k, &deleted_p, two, 2);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_nonnull(fib_find(&f, &deleted_p));
	uint32_t gid = fib_find(&f, &deleted_p)->nhid;
	ck_assert_uint_ne(gid, 0);
	snprintf(cmd, sizeof(cmd), "ip nexthop del id %u", gid);
	ck_assert_int_eq(system(cmd), 0);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_null(fib_find(&f, &deleted_p)); /* the kernel took the route too */
	evs.logs = 0;
	ck_assert_msg(run_until(back_on_a_group, k), "the route did not come back");
	ck_assert_msg(strstr(evs.last_log, "resynchronis") != NULL || evs.logs > 0, "%s",
	              evs.last_log);
	kernel_close(k);
	free(f.r);
}
END_TEST

struct walk_count {
	size_t routes, nexthops;
};

static int
count_fn(const struct kroute_info *ri, void *ctx)
{
	struct walk_count *c = ctx;

	c->routes++;
	c->nexthops += ri->n;
	return 0;
}

START_TEST(bulk_install_and_remove)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct kroute_nexthop two[2] = {nh(1, ifa), nh(2, ifb)};
	struct walk_count c = {0};
	struct fib f = {0};
	enum { N = 50000 };

	for (uint32_t i = 0; i < N; i++) {
		struct prefix p = p4(11, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 32);

		ck_assert_int_eq(kernel_route_set(k, &p, two, 1 + (i & 1)), KERNEL_OK);
	}
	settle(k);
	ck_assert_uint_eq(kernel_installed(k), N);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, N);
	kernel_walk(k, count_fn, &c);
	ck_assert_uint_eq(c.routes, N);
	ck_assert_uint_eq(c.nexthops, N + N / 2);
	kernel_close(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);
	free(f.r);
}
END_TEST

START_TEST(vlan_needs_8021q)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct addr a = v4(172, 16, 9, 1);
	char err[256] = "";

	/* This kernel may or may not have 802.1Q: either it works, or the error says what to load.
	 */
	if (kernel_vlan_create(k, "va0", 555, "va0.555", err, sizeof(err)) == 0) {
		ck_assert_uint_ne(if_nametoindex("va0.555"), 0);
	} else {
		ck_assert_msg(strstr(err, "8021q") != NULL, "%s", err);
		printf("vlan_needs_8021q: %s\n", err);
	}
	ck_assert_int_eq(kernel_vlan_create(k, "nosuch0", 555, "nosuch0.555", err, sizeof(err)),
	                 -1);
	ck_assert_msg(strstr(err, "nosuch0") != NULL, "%s", err);
	/* Address management works on any interface; twice is fine. */
	ck_assert_int_eq(kernel_addr_add(k, "vb0", &a, 30, err, sizeof(err)), 0);
	ck_assert_int_eq(kernel_addr_add(k, "vb0", &a, 30, err, sizeof(err)), 0);
	ck_assert_int_eq(kernel_addr_add(k, "nosuch0", &a, 30, err, sizeof(err)), -1);
	kernel_close(k);
}
END_TEST

START_TEST(resync_repairs_changes_behind_our_back)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct prefix p1 = p4(10, 1, 0, 0, 16), p2 = p4(10, 2, 0, 0, 16), p3 = p4(10, 3, 0, 0, 16);
	struct prefix p4_ = p4(10, 4, 0, 0, 16);
	struct kroute_nexthop a = nh(1, ifa);
	struct rtnl_nexthop rb = {.gw = v4(172, 16, 2, 2), .ifindex = ifb};
	struct rtnl_route rt = {.table = RT_TABLE_MAIN,
	                        .protocol = KERNEL_PROTO_BGP,
	                        .type = RTN_UNICAST,
	                        .n = 1,
	                        .nh = &rb};
	struct addr ga = v4(172, 16, 1, 2);
	const struct kroute_seen *s;
	uint8_t req[256];
	struct fib f = {0};

	kernel_route_set(k, &p1, &a, 1);
	kernel_route_set(k, &p2, &a, 1);
	kernel_route_set(k, &p3, &a, 1);
	settle(k);
	/* Someone deletes p1, points p2 elsewhere and leaves a p4 of our protocol. */
	rt.dst = p1;
	ck_assert_int_eq(talk(req, rtnl_route_del(req, sizeof(req), 1, NLM_F_ACK, &rt)), 0);
	rt.dst = p2;
	ck_assert_int_eq(talk(req, rtnl_route_new(req, sizeof(req), 2, NLM_F_ACK, &rt)), 0);
	rt.dst = p4_;
	ck_assert_int_eq(talk(req, rtnl_route_new(req, sizeof(req), 3, NLM_F_ACK, &rt)), 0);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 3);

	kernel_resync(k);
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_ptr_nonnull(s = fib_find(&f, &p1));
	ck_assert(has_nh(s, &ga, ifa));
	ck_assert_ptr_nonnull(s = fib_find(&f, &p2));
	ck_assert(has_nh(s, &ga, ifa));
	ck_assert_ptr_nonnull(s = fib_find(&f, &p3));
	ck_assert_ptr_null(fib_find(&f, &p4_));
	ck_assert_uint_eq(kernel_installed(k), 3);
	kernel_close(k);
	free(f.r);
}
END_TEST

static struct prefix watched;

static bool
watched_in_fib(struct kernel *k)
{
	struct fib f = {0};
	bool found;

	fib_dump(&f, RT_TABLE_MAIN);
	found = fib_find(&f, &watched) != NULL;
	free(f.r);
	return found && kernel_pending(k) == 0;
}

START_TEST(routes_flushed_by_link_down_come_back)
{
	netns_setup();
	struct kernel *k = open_k(NULL);
	struct kroute_nexthop a = nh(1, ifa);
	uint8_t req[128];
	struct fib f = {0};

	watched = p4(10, 1, 0, 0, 16);
	ck_assert_int_eq(kernel_route_set(k, &watched, &a, 1), KERNEL_OK);
	settle(k);
	/* Admin down: Linux drops the route without telling anyone. */
	ck_assert_int_eq(talk(req, rtnl_link_set_up(req, sizeof(req), 1, ifa, false)), 0);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_ptr_null(fib_find(&f, &watched));
	ck_assert(run_until(saw_va0_down, k));
	for (int i = 0; i < 75; i++) { /* 1.5 s: the resync runs meanwhile */
		struct timeval tv = {0, 20000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	ck_assert_uint_eq(kernel_installed(k), 0);
	/* Up again, nothing changed on the daemon's side: the route returns. */
	ck_assert_int_eq(talk(req, rtnl_link_set_up(req, sizeof(req), 2, ifa, true)), 0);
	ck_assert(run_until(watched_in_fib, k));
	ck_assert_uint_eq(kernel_installed(k), 1);
	kernel_close(k);
	free(f.r);
}
END_TEST

static size_t want_installed;

static bool
installed_reached(struct kernel *k)
{
	return kernel_installed(k) == want_installed;
}

START_TEST(lost_answers_resync_and_converge)
{
	netns_setup();
	/* A receive buffer too small for the kernel's answers: ENOBUFS. */
	struct kernel_opts o = {.rcvbuf = 1};
	struct kernel *k = open_k(&o);
	struct kroute_nexthop good = nh(1, ifa), bad = {.gw = v4(10, 99, 99, 1)};
	struct addr a = v4(10, 99, 99, 2);
	uint8_t req[128];
	struct fib f = {0};
	enum { N = 3000 };

	for (uint32_t i = 0; i < N; i++) {
		struct prefix p = p4(12, 0, (uint8_t)(i >> 8), (uint8_t)i, 32);

		ck_assert_int_eq(kernel_route_set(k, &p, i & 1 ? &good : &bad, 1), KERNEL_OK);
	}
	want_installed = N / 2;
	ck_assert(run_until(installed_reached, k));
	ck_assert(evs.saw_enobufs);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, N / 2);
	/* The failed half waits for its retry; a reachable gateway brings it in. */
	ck_assert_uint_eq(kernel_pending(k), N / 2);
	ck_assert_int_eq(talk(req, rtnl_addr_new(req, sizeof(req), 1, ifa, &a, 24)), 0);
	want_installed = N;
	ck_assert(run_until(installed_reached, k));
	settle(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, N);
	kernel_close(k);
	fib_dump(&f, RT_TABLE_MAIN);
	ck_assert_uint_eq(f.n, 0);
	free(f.r);
}
END_TEST

static Suite *
live_suite(void)
{
	Suite *s = suite_create("kernel_live");
	TCase *t = tcase_create("netns");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, single_ecmp_replace_remove);
	tcase_add_test(t, invalid_requests_are_refused);
	tcase_add_test(t, blackhole_and_route_precedence);
	tcase_add_test(t, protected_prefixes_are_refused);
	tcase_add_test(t, links_and_addresses_reported);
	tcase_add_test(t, unreachable_gateway_is_retried);
	tcase_add_test(t, previous_run_adopted_then_swept);
	tcase_add_test(t, own_table_metric_and_ipv6);
	tcase_add_test(t, ipv6_ecmp_failover_by_replace_and_sweep);
	tcase_add_test(t, bulk_install_and_remove);
	tcase_add_test(t, resync_repairs_changes_behind_our_back);
	tcase_add_test(t, routes_flushed_by_link_down_come_back);
	tcase_add_test(t, lost_answers_resync_and_converge);
	tcase_add_test(t, vlan_needs_8021q);
	suite_add_tcase(s, t);
	/*
	 * The tests above run over nexthop objects, or with next hops per
	 * route under CEBGP_NEXTHOP_OBJECTS=0 (kernel-live-fallback.sh);
	 * these need the objects.
	 */
	if (!nexthop_objects_off()) {
		TCase *o = tcase_create("objects");

		tcase_set_timeout(o, 60);
		tcase_add_test(o, nexthop_groups_fail_over_in_one_replace);
		tcase_add_test(o, nexthop_group_survives_a_link_flap);
		tcase_add_test(o, nexthop_objects_off_and_switching);
		tcase_add_test(o, nexthop_group_deleted_behind_our_back);
		suite_add_tcase(s, o);
	}
	return s;
}

/* Root with network namespaces, or SKIP. */
static bool
can_unshare(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		return false;
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (!can_unshare()) {
		printf("SKIP: needs root and network namespaces\n");
		return 77;
	}
	sr = srunner_create(live_suite());
	/* Every test moves its process into a new namespace: never run them in ours. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
