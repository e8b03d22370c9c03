/*
 * bench_kernel: FIB install rate through kernel_route_set().
 *
 *   bench_kernel N           in a fresh network namespace of its own
 *                            (unshare), install N IPv4 routes /24../32 over
 *                            a veth and time it until the kernel has
 *                            answered for every one; then turn every route
 *                            into ECMP over two veths, fail the first leg
 *                            over (ECMP -> the other next hop, the failover
 *                            case), resync (dump and compare), withdraw
 *                            them one by one (as a peer's withdraw does),
 *                            install them again and remove them all
 *                            (kernel_close, the daemon's stop), timing
 *                            each step;
 *                            with the bytes the route shadow holds per
 *                            route once installed. Over nexthop objects
 *                            where the kernel has them; with
 *                            CEBGP_NEXTHOP_OBJECTS=0, next hops per route
 *   bench_kernel --print N   the same routes as `ip -batch` lines, for the
 *                            floor measured by tests/bench/bench-kernel.sh
 *   bench_kernel --from FILE N   the first N prefixes of FILE (one a line,
 *                            as `bench_feed --print` writes them) instead,
 *                            in its order: bench-e2e's batched floor for
 *                            the very table the daemons take
 *
 * The routes: route i is 11.0.0.0 + (scramble(i) << 8) with length
 * 24 + i % 9, where scramble is a bijection on 20 bits, so up to 2^20
 * distinct prefixes spread over 11.0.0.0-26.255.255.0 in no useful order.
 * Needs root (CAP_SYS_ADMIN for unshare, CAP_NET_ADMIN for the routes).
 */
#include "cebgp-config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <net/if.h>
#include <libmnl/libmnl.h>
#include <event2/event.h>

#include "kernel.h"
#include "rtnl.h"

#define MAX_ROUTES (1u << 20)
#define GW         "172.16.1.2"
#define DEV        "va0"

/* --from: the routes, in the file's order; NULL: route_i's own. */
static struct prefix *from_list;

static void
route_i(uint32_t i, struct prefix *p)
{
	if (from_list) {
		*p = from_list[i];
		return;
	}
	/* Odd multiplier: a bijection modulo 2^20. */
	uint32_t x = (i * 0x9E3779B1u) & (MAX_ROUTES - 1);
	uint32_t a = 0x0B000000u + (x << 8);

	memset(p, 0, sizeof(*p));
	p->afi = AFI_IP;
	p->len = (uint8_t)(24 + i % 9);
	p->bytes[0] = (uint8_t)(a >> 24);
	p->bytes[1] = (uint8_t)(a >> 16);
	p->bytes[2] = (uint8_t)(a >> 8);
	p->bytes[3] = (uint8_t)a;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
talk(void *req, size_t len)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	uint8_t buf[8192];
	struct rtnl_error e = {.err = ETIMEDOUT};
	struct rtnl_msg m;
	struct rbuf d;
	ssize_t n;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || len == 0 ||
	    mnl_socket_sendto(nl, req, len) < 0 ||
	    (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) <= 0)
		return errno ? errno : EIO;
	rbuf_init(&d, buf, (size_t)n);
	while (rtnl_next(&d, &m) > 0)
		rtnl_parse_error(&m, &e);
	mnl_socket_close(nl);
	return e.err;
}

/* va0 <-> vb0, up, 172.16.1.1/30 on va0, 172.16.2.1/30 on vb0. */
static unsigned
setup_netns(unsigned *idx_b)
{
	struct addr a = {.afi = AFI_IP, .bytes = {172, 16, 1, 1}};
	struct addr b = {.afi = AFI_IP, .bytes = {172, 16, 2, 1}};
	uint8_t req[512];
	unsigned idx;

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "bench_kernel: unshare: %s (needs root)\n", strerror(errno));
		exit(77);
	}
	if (talk(req, rtnl_veth_new(req, sizeof(req), 1, DEV, "vb0")) != 0 ||
	    (idx = if_nametoindex(DEV)) == 0 ||
	    talk(req, rtnl_link_set_up(req, sizeof(req), 2, idx, true)) != 0 ||
	    talk(req, rtnl_link_set_up(req, sizeof(req), 3, if_nametoindex("vb0"), true)) != 0 ||
	    talk(req, rtnl_addr_new(req, sizeof(req), 4, idx, &a, 30)) != 0 ||
	    (*idx_b = if_nametoindex("vb0")) == 0 ||
	    talk(req, rtnl_addr_new(req, sizeof(req), 5, *idx_b, &b, 30)) != 0) {
		fprintf(stderr, "bench_kernel: cannot set up the namespace\n");
		exit(1);
	}
	return idx;
}

static void
on_log(void *arg, int prio, const char *msg)
{
	if (prio <= LOG_WARNING)
		fprintf(stderr, "%s\n", msg);
}

/* Set every route to nh[0..m) and return the seconds until all are answered. */
static double
set_all(struct kernel *k, struct event_base *base, uint32_t n, const struct kroute_nexthop *nh,
        size_t m)
{
	double t0 = now();

	for (uint32_t i = 0; i < n; i++) {
		struct prefix p;

		route_i(i, &p);
		if (kernel_route_set(k, &p, nh, m) != KERNEL_OK) {
			fprintf(stderr, "bench_kernel: route %u refused\n", i);
			exit(1);
		}
	}
	while (kernel_pending(k) > 0)
		event_base_loop(base, EVLOOP_ONCE);
	return now() - t0;
}

static int
bench(uint32_t n)
{
	struct kernel_cbs cbs = {.log = on_log};
	struct kernel_opts opts = {0};
	struct kroute_nexthop nh = {.gw = {.afi = AFI_IP, .bytes = {172, 16, 1, 2}}};
	struct kroute_nexthop two[2] = {nh, {.gw = {.afi = AFI_IP, .bytes = {172, 16, 2, 2}}}};
	struct event_base *base;
	struct kernel *k;
	char err[256];
	double t0, t1, install, ecmp, failover, resync, withdrawn, removal;
	struct kernel_counts c0, c1;

	nh.ifindex = setup_netns(&two[1].ifindex);
	two[0].ifindex = nh.ifindex;
	base = event_base_new();
	k = kernel_open(base, &opts, &cbs, NULL, err, sizeof(err));
	if (base == NULL || k == NULL) {
		fprintf(stderr, "bench_kernel: %s\n", err);
		return 1;
	}
	kernel_counts(k, &c0);
	t0 = now();
	for (uint32_t i = 0; i < n; i++) {
		struct prefix p;

		route_i(i, &p);
		if (kernel_route_set(k, &p, &nh, 1) != KERNEL_OK) {
			fprintf(stderr, "bench_kernel: route %u refused\n", i);
			return 1;
		}
	}
	t1 = now();
	while (kernel_pending(k) > 0)
		event_base_loop(base, EVLOOP_ONCE);
	install = now() - t0;
	if (kernel_installed(k) != n) {
		fprintf(stderr, "bench_kernel: %zu of %u installed\n", kernel_installed(k), n);
		return 1;
	}
	kernel_counts(k, &c1);
	ecmp = set_all(k, base, n, two, 2);
	failover = set_all(k, base, n, &two[1], 1);
	if (kernel_installed(k) != n) {
		fprintf(stderr, "bench_kernel: %zu of %u installed\n", kernel_installed(k), n);
		return 1;
	}
	/* A resync dumps and compares everything; nothing differs, nothing is sent. */
	resync = now();
	kernel_resync(k);
	while (kernel_pending(k) > 0)
		event_base_loop(base, EVLOOP_ONCE);
	resync = now() - resync;
	/* A peer's withdraw: each route deleted on its own, queued in the table's order. */
	withdrawn = set_all(k, base, n, NULL, 0);
	if (kernel_installed(k) != 0) {
		fprintf(stderr, "bench_kernel: %zu routes left after the withdraw\n",
		        kernel_installed(k));
		return 1;
	}
	/* And again, for the removal at close (the daemon's stop). */
	(void)set_all(k, base, n, &two[1], 1);
	removal = now();
	kernel_close(k);
	removal = now() - removal;
	printf("bench_kernel: %u routes: queued in %.3f s, all ACKed after %.3f s (%.0f/s); "
	       "to ECMP %.3f s; failover ECMP -> 1 next hop %.3f s (%.0f/s); resync %.3f s; "
	       "withdrawn %.3f s; removed %.3f s\n",
	       n, t1 - t0, install, n / install, ecmp, failover, n / failover, resync, withdrawn,
	       removal);
	printf("bench_kernel: %s; route shadow %.1f bytes/route installed (%zu bytes)\n",
	       c1.nexthop_objects ? "over nexthop objects" : "next hops per route",
	       (double)(c1.memory - c0.memory) / n, c1.memory - c0.memory);
	printf("install_seconds %.3f\n", install);
	printf("shadow_bytes_per_route %.1f\n", (double)(c1.memory - c0.memory) / n);
	event_base_free(base);
	return 0;
}

static void
print_batch(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		char s[PREFIX_STRLEN];
		struct prefix p;

		route_i(i, &p);
		printf("route add %s via %s dev %s proto %u\n", prefix_fmt(&p, s, sizeof(s)), GW,
		       DEV, KERNEL_PROTO_BGP);
	}
}

/* The first n prefixes of path (the first word of each line); false when fewer. */
static bool
load_from(const char *path, uint32_t n)
{
	FILE *f = fopen(path, "r");
	char line[128];
	uint32_t got = 0;

	from_list = calloc(n, sizeof(*from_list));
	if (!f || !from_list) {
		fprintf(stderr, "bench_kernel: %s: %s\n", path, strerror(errno));
		return false;
	}
	while (got < n && fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\n")] = '\0';
		if (prefix_parse(line, &from_list[got], 0) != PREFIX_OK) {
			fprintf(stderr, "bench_kernel: %s: not a prefix: %s\n", path, line);
			break;
		}
		got++;
	}
	fclose(f);
	if (got < n)
		fprintf(stderr, "bench_kernel: %s: %u prefixes, %u wanted\n", path, got, n);
	return got == n;
}

int
main(int argc, char **argv)
{
	bool print = argc == 3 && strcmp(argv[1], "--print") == 0;
	bool from = argc == 4 && strcmp(argv[1], "--from") == 0;
	unsigned long n;

	if (argc != 2 && !print && !from) {
		fprintf(stderr, "usage: bench_kernel [--print | --from FILE] N\n");
		return 2;
	}
	n = strtoul(argv[argc - 1], NULL, 10);
	if (n == 0 || n > MAX_ROUTES) {
		fprintf(stderr, "bench_kernel: N must be 1..%u\n", MAX_ROUTES);
		return 2;
	}
	if (from && !load_from(argv[2], (uint32_t)n))
		return 1;
	if (print) {
		print_batch((uint32_t)n);
		return 0;
	}
	return bench((uint32_t)n);
}
