/*
 * bfd_io: lib/bfd on the loop, one BFD session per BGP session (bfd_io.h).
 */
#include <errno.h>
#include <event2/event.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bfd_io.h"
#include "compiler.h"
#include "log.h"
#include "session.h"
#include "sockopt.h"

#define BFD_RX_BATCH      256      /* datagrams per listener callback */
#define BFD_FAILOVER_MAX  60000000 /* µs: stop waiting for the FIB after a minute */
#define BFD_FAILOVER_TICK 1000     /* µs between looks at the FIB */
#define BFD_NFAMILIES     2        /* IPv4 and IPv6 listeners */
/*
 * A retired session keeps sending AdminDown for the Detection Time the peer
 * holds for us (RFC 5880 §6.8.16 "SHOULD be transmitted for at least a
 * Detection Time"), and for at least this many of its slower AdminDown
 * intervals, so that one lost packet does not leave the peer to time us out
 * (diag 1, which an RFC 5882 peer does take its BGP session down for).
 */
#define BFD_FAREWELL_PACKETS 2
#define BFD_FAREWELL_MAX     (10 * BFD_USEC) /* µs: however slow the peer asked us to be */

const double bfd_failover_bounds_ms[BFD_FAILOVER_BUCKETS] = {10,  25,   50,   100,  250,
                                                             500, 1000, 1500, 2500, 5000};

struct bfd_link {
	struct bfd_io *io;
	struct session *s;
	char key[96];
	char desc[160];
	char ifname[CONFIG_IFNAMSIZ];
	struct addr local, peer;
	struct config_bfd cfg;
	struct bfd_session b;
	int fd;
	int slot;
	struct event *timer;
	uint64_t armed; /* the deadline the timer was armed for */
	uint64_t loop_late_max;
	bool admin;        /* our own AdminDown: no BGP consequence */
	uint64_t leave_at; /* retired: AdminDown until then, then freed (0: active) */
	uint64_t down_at;  /* failover being measured since (0: none) */
	struct log_rl rl;
};

struct bfd_io {
	struct bfd_io_env env;
	struct bfd_tx *tx;
	int rx_fd[BFD_NFAMILIES]; /* the listeners: IPv4, IPv6 */
	struct event *rx_ev[BFD_NFAMILIES];
	struct event *fo_ev; /* failover measurement tick */
	struct bfd_link **links;
	size_t nlinks;
	struct bfd_link **leaving; /* retired, still saying AdminDown */
	size_t nleaving;
	struct bfd_io_totals tot;
	struct log_rl rl;
};

static void link_arm(struct bfd_link *l);

/* ---- sockets ---- */

/* IPv4 TTL or IPv6 hop limit 255, CS6, and a bind to an address not (yet) on the link. */
static int
link_sockopts(int fd, uint8_t afi)
{
	int one = 1, hops = BFD_TTL, tos = SOCKOPT_TOS_CS6;

	if (afi == AFI_IP6) {
#ifdef IPV6_FREEBIND
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)) < 0)
			return -1;
#else
		if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
			return -1;
#endif
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) < 0)
			return -1;
		return 0;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) < 0)
		return -1;
	return 0;
}

/*
 * A session's transmit socket (RFC 5881 §4): the leg's sub-interface, our
 * address of the session's family, a port of 49152-65535, TTL / hop limit 255.
 */
static int
link_socket(const struct bfd_link *l, const char **what)
{
	struct sockaddr_storage ss;
	int fd = socket(l->local.afi == AFI_IP6 ? AF_INET6 : AF_INET,
	                SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	*what = "socket";
	if (fd < 0)
		return -1;
	*what = "bind to device";
	if (l->ifname[0] && sockopt_bind_device(fd, l->ifname) < 0)
		goto fail;
	*what = "socket options";
	/* The address may be added later (manage-interfaces, an operator). */
	if (link_sockopts(fd, l->local.afi) < 0)
		goto fail;
	*what = "bind to a source port in 49152-65535";
	unsigned span = BFD_SRC_PORT_MAX - BFD_SRC_PORT_MIN + 1, start = arc4random_uniform(span);
	int rc = -1;
	for (unsigned i = 0; i < span && rc < 0; i++) {
		uint16_t port = (uint16_t)(BFD_SRC_PORT_MIN + (start + i) % span);
		socklen_t len = sockopt_sockaddr(&l->local, port, &ss);

		rc = bind(fd, (struct sockaddr *)&ss, len);
		if (rc < 0 && errno != EADDRINUSE)
			goto fail;
	}
	if (rc < 0)
		goto fail;
	*what = "connect";
	socklen_t len = sockopt_sockaddr(&l->peer, BFD_PORT, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	return fd;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

static void
link_open(struct bfd_link *l)
{
	const char *what;

	if (l->fd >= 0)
		return;
	l->fd = link_socket(l, &what);
	if (l->fd < 0) {
		log_peer_rl(&l->rl, LOG_WARNING, l->desc, "BFD: cannot open its socket (%s): %s",
		            what, strerror(errno));
		return;
	}
	bfd_tx_set_fd(l->io->tx, l->slot, l->fd);
}

/*
 * A listener on UDP 3784 of one family, asking for each datagram's TTL (hop
 * limit) and arrival interface. The IPv6 one is IPv6-only: an IPv4 packet
 * must reach the IPv4 listener, whose ancillary data carries its TTL.
 */
static int
rx_socket(int family)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int one = 1, rc;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(BFD_PORT);
		len = sizeof(*s6);
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
		     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) < 0 ||
		     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(BFD_PORT);
		len = sizeof(*s4);
		rc = setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0 ||
		     setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0;
	}
	if (rc || bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* ---- performing lib/bfd's actions ---- */

static void
link_publish(struct bfd_link *l, bool now)
{
	struct bfd_pkt p;
	uint8_t buf[BFD_PKT_LEN];

	bfd_packet(&l->b, false, &p);
	size_t n = bfd_pkt_encode(&p, buf, sizeof(buf));
	uint64_t iv = bfd_tx_interval(&l->b);

	/* RFC 5880 6.8.7: no periodic packets to a remote in Demand mode while Up. */
	if (l->b.remote_demand && l->b.state == BFD_UP && l->b.remote_state == BFD_UP &&
	    !l->b.polling)
		iv = 0;
	bfd_tx_publish(l->io->tx, l->slot, buf, n, iv, l->b.cfg.detect_mult, now);
}

static void
link_send_now(struct bfd_link *l, const struct bfd_pkt *p)
{
	uint8_t buf[BFD_PKT_LEN];
	size_t n = bfd_pkt_encode(p, buf, sizeof(buf));

	if (l->fd >= 0 && n > 0 && send(l->fd, buf, n, MSG_DONTWAIT) < 0)
		log_peer_rl(&l->rl, LOG_INFO, l->desc, "BFD: send: %s", strerror(errno));
}

static void
failover_start(struct bfd_link *l)
{
	struct bfd_io *io = l->io;
	struct timeval tv = {0, BFD_FAILOVER_TICK};

	l->down_at = bfd_now_us();
	if (io->fo_ev)
		evtimer_add(io->fo_ev, &tv);
}

static void
link_down(struct bfd_link *l, const struct bfd_action *a)
{
	char cause[160];

	/*
	 * RFC 5882 §3.2: the peer's AdminDown says it stopped BFD, not that the
	 * path failed; a client must not go down for it. BGP keeps running,
	 * unprotected until BFD is Up again.
	 */
	if (a->remote_state == BFD_ADMIN_DOWN) {
		log_peer(LOG_NOTICE, l->desc,
		         "BFD session down (%s, the peer is AdminDown): not a path failure, the "
		         "BGP session stays (RFC 5882 3.2)",
		         bfd_diag_name(a->diag));
		return;
	}
	snprintf(cause, sizeof(cause), "BFD session down (%s)", bfd_diag_name(a->diag));
	/* A failover happens only when there were routes to move: an established session. */
	if (l->s && session_established(l->s))
		failover_start(l);
	if (l->s)
		session_bfd(l->s, false, cause);
}

static void
link_apply(struct bfd_link *l, const struct bfd_actions *acts, bool from_timer)
{
	bool urgent = false;

	for (size_t i = 0; i < acts->n; i++) {
		const struct bfd_action *a = &acts->a[i];

		switch (a->type) {
		case BFD_A_SEND:
			/* Periodic packets are the thread's; a Final answers a Poll now. */
			if (!from_timer || a->pkt.final)
				link_send_now(l, &a->pkt);
			break;
		case BFD_A_STATE:
			l->io->tot.state_changes++;
			urgent = true;
			log_peer(a->to == BFD_UP || a->from == BFD_UP ? LOG_NOTICE : LOG_INFO,
			         l->desc, "BFD %s -> %s (%s)", bfd_state_name(a->from),
			         bfd_state_name(a->to), bfd_diag_name(a->diag));
			break;
		case BFD_A_UP:
			if (l->s)
				session_bfd(l->s, true, "BFD session up");
			break;
		case BFD_A_DOWN:
			if (!l->admin)
				link_down(l, a);
			break;
		default:
			break;
		}
	}
	link_publish(l, urgent);
}

static void
link_step(struct bfd_link *l, enum bfd_event ev, const struct bfd_input *in)
{
	struct bfd_actions acts;

	bfd_step(&l->b, ev, in, bfd_now_us(), &acts);
	link_apply(l, &acts, false);
	link_arm(l);
}

/* ---- timers ---- */

static void rx_drain(struct bfd_io *io);
static void link_gone(struct bfd_link *l);

static void
link_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bfd_link *l = arg;
	struct bfd_actions acts;

	(void)fd;
	(void)what;
	/* Packets that queued behind a long loop step count before detection. */
	rx_drain(l->io);
	uint64_t now = bfd_now_us();
	if (l->leave_at && now >= l->leave_at) {
		link_gone(l);
		return;
	}
	if (l->armed != BFD_NEVER && now > l->armed && now - l->armed > l->loop_late_max)
		l->loop_late_max = now - l->armed;
	link_open(l);
	bfd_expire(&l->b, now, &acts);
	link_apply(l, &acts, true);
	link_arm(l);
}

static void
link_arm(struct bfd_link *l)
{
	uint64_t due = bfd_next_deadline(&l->b), now = bfd_now_us();
	struct timeval tv;

	if (l->leave_at && l->leave_at < due)
		due = l->leave_at;
	l->armed = due;
	if (due == BFD_NEVER) {
		/* Nothing scheduled: still retry a socket that failed to open. */
		if (l->fd >= 0) {
			evtimer_del(l->timer);
			return;
		}
		due = now + BFD_USEC;
	}
	uint64_t d = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(d / BFD_USEC);
	tv.tv_usec = (suseconds_t)(d % BFD_USEC);
	evtimer_add(l->timer, &tv);
}

static void
failover_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bfd_io *io = arg;
	uint64_t now = bfd_now_us();
	bool waiting = false;
	size_t pending = io->env.fib_pending ? io->env.fib_pending(io->env.arg) : 0;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < io->nlinks; i++) {
		struct bfd_link *l = io->links[i];

		if (!l->down_at)
			continue;
		if (pending && now - l->down_at < BFD_FAILOVER_MAX) {
			waiting = true;
			continue;
		}
		double ms = (double)(now - l->down_at) / 1000.0;
		io->tot.failover_count++;
		io->tot.failover_sum_ms += ms;
		for (size_t b = 0; b <= BFD_FAILOVER_BUCKETS; b++)
			if (b == BFD_FAILOVER_BUCKETS || ms <= bfd_failover_bounds_ms[b])
				io->tot.failover_le[b]++;
		log_peer(LOG_NOTICE, l->desc,
		         "BFD failover: the FIB was replaced %.1f ms after BFD "
		         "went down",
		         ms);
		l->down_at = 0;
	}
	if (waiting) {
		struct timeval tv = {0, BFD_FAILOVER_TICK};
		evtimer_add(io->fo_ev, &tv);
	}
}

/* ---- reception ---- */

static struct bfd_link *
demux(struct bfd_io *io, const struct bfd_pkt *p, const struct addr *src, unsigned ifindex)
{
	/* A retired session still owns its discriminator (the peer answers our AdminDown). */
	for (size_t i = 0; p->your_discr != 0 && i < io->nleaving; i++)
		if (io->leaving[i]->b.local_discr == p->your_discr)
			return io->leaving[i];
	for (size_t i = 0; i < io->nlinks; i++) {
		struct bfd_link *l = io->links[i];

		if (p->your_discr != 0) {
			if (l->b.local_discr == p->your_discr)
				return l;
			continue;
		}
		/* RFC 5881 3: a zero Your Discriminator selects by source address and interface. */
		if (addr_eq(&l->peer, src) &&
		    (!l->ifname[0] || !ifindex || if_nametoindex(l->ifname) == ifindex))
			return l;
	}
	return NULL;
}

static void
rx_one(struct bfd_io *io, const uint8_t *data, size_t len, const struct addr *src, int ttl,
       unsigned ifindex)
{
	struct bfd_pkt p;
	char sa[ADDR_STRLEN];

	if (ttl != BFD_TTL) {
		/* RFC 5881 5 (GTSM): only a packet from the link itself. */
		io->tot.rx_ttl_dropped++;
		log_peer_rl(&io->rl, LOG_INFO, "bfd", "dropped a packet from %s with %s %d",
		            addr_fmt(src, sa, sizeof(sa)),
		            src->afi == AFI_IP6 ? "hop limit" : "TTL", ttl);
		return;
	}
	enum bfd_pkt_verdict v = bfd_pkt_decode(data, len, &p);
	if (v != BFD_PKT_OK) {
		io->tot.rx_bad++;
		log_peer_rl(&io->rl, LOG_INFO, "bfd", "discarded a packet from %s: %s",
		            addr_fmt(src, sa, sizeof(sa)), bfd_pkt_verdict_name(v));
		return;
	}
	struct bfd_link *l = demux(io, &p, src, ifindex);
	if (!l) {
		io->tot.rx_no_session++;
		return;
	}
	struct bfd_input in = {.pkt = &p, .payload = len};
	link_step(l, BFD_EV_RX, &in);
}

/* The TTL (IPv4) or hop limit (IPv6) and the arrival interface of a datagram. */
static void
rx_ancillary(struct msghdr *mh, int *ttl, unsigned *ifindex)
{
	*ttl = -1;
	*ifindex = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
			memcpy(ttl, CMSG_DATA(c), sizeof(*ttl));
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = (unsigned)pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(ttl, CMSG_DATA(c), sizeof(*ttl));
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = pi.ipi6_ifindex;
		}
	}
}

static void
rx_drain_fd(struct bfd_io *io, int fd)
{
	for (int n = 0; fd >= 0 && n < BFD_RX_BATCH; n++) {
		uint8_t buf[512];
		union {
			char b[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
			struct cmsghdr align;
		} cb;
		struct sockaddr_storage from;
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr mh = {.msg_name = &from,
		                    .msg_namelen = sizeof(from),
		                    .msg_iov = &iov,
		                    .msg_iovlen = 1,
		                    .msg_control = cb.b,
		                    .msg_controllen = sizeof(cb.b)};
		ssize_t r = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (r < 0)
			return;
		int ttl;
		unsigned ifindex;
		rx_ancillary(&mh, &ttl, &ifindex);
		struct addr src;
		uint16_t port;
		if (!sockopt_addr((struct sockaddr *)&from, &src, &port))
			continue;
		rx_one(io, buf, (size_t)r, &src, ttl, ifindex);
	}
}

static void
rx_drain(struct bfd_io *io)
{
	for (size_t f = 0; f < BFD_NFAMILIES; f++)
		rx_drain_fd(io, io->rx_fd[f]);
}

static void
rx_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	rx_drain_fd(arg, fd);
}

/* ---- sessions ---- */

static void
link_config(const struct bfd_link *l, const struct session *s, struct bfd_config *bc)
{
	const struct config_timers *t = &s->cfg->opts.timers;

	*bc = (struct bfd_config){
	        .desired_min_tx = l->cfg.min_tx * 1000u,
	        .required_min_rx = l->cfg.min_rx * 1000u,
	        .detect_mult = l->cfg.multiplier,
	        /* Flap damping like the BGP restart: idle-hold doubling to idle-hold-max. */
	        .hold_down = (uint64_t)t->idle_hold * BFD_USEC,
	        .hold_down_max = (uint64_t)t->idle_hold_max * BFD_USEC,
	        .stable_time = 0,
	};
}

static uint32_t
new_discr(const struct bfd_io *io)
{
	for (;;) {
		uint32_t d = arc4random();
		bool used = d == 0;

		for (size_t i = 0; i < io->nlinks && !used; i++)
			used = io->links[i]->b.local_discr == d;
		for (size_t i = 0; i < io->nleaving && !used; i++)
			used = io->leaving[i]->b.local_discr == d;
		if (!used)
			return d;
	}
}

static struct bfd_link *
link_new(struct bfd_io *io, struct session *s)
{
	struct bfd_link *l = calloc(1, sizeof(*l));
	struct bfd_config bc;

	if (!l)
		return NULL;
	l->io = io;
	l->s = s;
	l->fd = -1;
	snprintf(l->key, sizeof(l->key), "%s", s->key);
	snprintf(l->desc, sizeof(l->desc), "%s", s->desc);
	snprintf(l->ifname, sizeof(l->ifname), "%s", s->cfg->ifname);
	l->local = s->cfg->local;
	l->peer = s->cfg->peer;
	l->cfg = s->cfg->opts.bfd;
	l->timer = evtimer_new(io->env.base, link_timer_cb, l);
	l->slot = bfd_tx_add(io->tx, -1, arc4random());
	if (!l->timer || l->slot < 0) {
		if (l->timer)
			event_free(l->timer);
		if (l->slot >= 0)
			bfd_tx_remove(io->tx, l->slot);
		free(l);
		return NULL;
	}
	link_config(l, s, &bc);
	bfd_init(&l->b, &bc, new_discr(io), bfd_now_us(), arc4random());
	link_open(l);
	log_peer(LOG_INFO, l->desc,
	         "BFD: min-rx %u ms, min-tx %u ms, multiplier %u, discriminator %u", l->cfg.min_rx,
	         l->cfg.min_tx, l->cfg.multiplier, l->b.local_discr);
	link_publish(l, true);
	link_arm(l);
	return l;
}

/* AdminDown to the peer (RFC 5880 6.8.16), then nothing more from this session. */
static void
link_admin_down(struct bfd_link *l)
{
	struct bfd_pkt p;

	l->admin = true;
	if (l->b.state != BFD_ADMIN_DOWN)
		link_step(l, BFD_EV_ADMIN_DOWN, NULL);
	bfd_packet(&l->b, false, &p);
	link_send_now(l, &p);
}

static void
link_free(struct bfd_link *l)
{
	bfd_tx_remove(l->io->tx, l->slot);
	event_free(l->timer);
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}

/* A retired session's farewell is over (or moot): forget it. */
static void
link_gone(struct bfd_link *l)
{
	struct bfd_io *io = l->io;

	for (size_t i = 0; i < io->nleaving; i++)
		if (io->leaving[i] == l) {
			io->leaving[i] = io->leaving[--io->nleaving];
			break;
		}
	link_free(l);
}

/*
 * The BFD session of a BGP session that is removed, no longer runs BFD or
 * moved: AdminDown (diag 7), repeated by the transmit thread for the
 * farewell (BFD_FAREWELL_PACKETS says why), then freed. A peer that never
 * heard from us holds nothing on us: freed at once.
 */
static void
link_retire(struct bfd_link *l)
{
	struct bfd_io *io = l->io;
	bool heard = l->b.heard;
	/* What the peer waits before it declares us down: our multiplier x our interval. */
	uint64_t peer_detect = (uint64_t)l->b.cfg.detect_mult * bfd_tx_interval(&l->b);

	l->s = NULL; /* the BGP session may be freed or no longer follow this one */
	link_admin_down(l);
	uint64_t farewell = MAX(peer_detect, BFD_FAREWELL_PACKETS * bfd_tx_interval(&l->b));
	struct bfd_link **v = heard ? realloc(io->leaving, (io->nleaving + 1) * sizeof(*v)) : NULL;
	if (!v) {
		link_free(l);
		return;
	}
	io->leaving = v;
	io->leaving[io->nleaving++] = l;
	l->leave_at = bfd_now_us() + MIN(farewell, BFD_FAREWELL_MAX);
	log_peer(LOG_INFO, l->desc, "BFD: AdminDown for %llu ms, then silence",
	         (unsigned long long)(MIN(farewell, BFD_FAREWELL_MAX) / 1000));
	link_arm(l);
}

static bool
same_transport(const struct bfd_link *l, const struct session *s)
{
	return strcmp(l->ifname, s->cfg->ifname) == 0 && addr_eq(&l->local, &s->cfg->local) &&
	       addr_eq(&l->peer, &s->cfg->peer);
}

/*
 * A new BFD session to the same peer over the same transport takes over: a
 * retired one there stops at once (its AdminDown would contradict the new
 * one). One that said goodbye to another address goes on.
 */
static void
leaving_drop(struct bfd_io *io, const struct session *s)
{
	for (size_t i = 0; i < io->nleaving; i++)
		if (strcmp(io->leaving[i]->key, s->key) == 0 && same_transport(io->leaving[i], s)) {
			link_gone(io->leaving[i]);
			return;
		}
}

static struct session *
find_session(struct session *const *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->key, key) == 0)
			return v[i];
	return NULL;
}

/* A kept BFD session on a (possibly new) BGP session object with new settings. */
static void
link_update(struct bfd_link *l, struct session *s)
{
	struct bfd_config bc;
	bool changed = !config_bfd_eq(&l->cfg, &s->cfg->opts.bfd);

	l->s = s;
	snprintf(l->desc, sizeof(l->desc), "%s", s->desc);
	/* A BGP session created anew while BFD is down stays held like the old one. */
	if (bfd_bound(&l->b) && !bfd_usable(&l->b) && !s->bfd_down)
		s->bfd_down = true;
	l->cfg = s->cfg->opts.bfd;
	link_config(l, s, &bc);
	const struct bfd_config *cur = &l->b.cfg;
	if (!changed && bc.desired_min_tx == cur->desired_min_tx &&
	    bc.required_min_rx == cur->required_min_rx && bc.detect_mult == cur->detect_mult &&
	    bc.hold_down == cur->hold_down && bc.hold_down_max == cur->hold_down_max)
		return;
	log_peer(LOG_NOTICE, l->desc, "BFD: now min-rx %u ms, min-tx %u ms, multiplier %u%s",
	         l->cfg.min_rx, l->cfg.min_tx, l->cfg.multiplier,
	         l->b.state == BFD_UP ? " (Poll Sequence)" : "");
	struct bfd_input in = {.cfg = &bc};
	link_step(l, BFD_EV_RECONFIGURE, &in);
}

void
bfd_io_sync(struct bfd_io *io, struct session *const *sessions, size_t n)
{
	size_t kept = 0;

	/* Gone, disabled, or moved to another transport: AdminDown and free. */
	for (size_t i = 0; i < io->nlinks; i++) {
		struct bfd_link *l = io->links[i];
		struct session *s = find_session(sessions, n, l->key);

		if (s && s->cfg->opts.bfd.enabled && same_transport(l, s)) {
			io->links[kept++] = l;
			link_update(l, s);
			continue;
		}
		log_peer(LOG_NOTICE, l->desc, "BFD: %s: sending AdminDown",
		         !s                          ? "session removed or reset"
		         : !s->cfg->opts.bfd.enabled ? "disabled"
		                                     : "transport changed");
		link_retire(l);
		if (s)
			session_bfd(s, true, "BFD disabled");
	}
	io->nlinks = kept;
	for (size_t i = 0; i < n; i++) {
		struct session *s = sessions[i];

		if (!s->cfg->opts.bfd.enabled)
			continue;
		bool have = false;
		for (size_t j = 0; j < io->nlinks && !have; j++)
			have = strcmp(io->links[j]->key, s->key) == 0;
		if (have)
			continue;
		leaving_drop(io, s);
		struct bfd_link **v = realloc(io->links, (io->nlinks + 1) * sizeof(*v));
		if (v)
			io->links = v;
		struct bfd_link *l = v ? link_new(io, s) : NULL;
		if (!l) {
			log_peer(LOG_ERR, s->desc, "BFD: out of memory or sessions: no BFD");
			continue;
		}
		io->links[io->nlinks++] = l;
	}
}

void
bfd_io_shutdown(struct bfd_io *io)
{
	if (!io)
		return;
	for (size_t i = 0; i < io->nlinks; i++) {
		io->links[i]->s = NULL;
		link_admin_down(io->links[i]);
		/* The thread must not keep sending after our last word. */
		bfd_tx_publish(io->tx, io->links[i]->slot, NULL, 0, 0, 1, false);
		evtimer_del(io->links[i]->timer);
	}
	/* The retired ones said AdminDown already; the daemon may exit before their farewell ends.
	 */
	for (size_t i = 0; i < io->nleaving; i++) {
		bfd_tx_publish(io->tx, io->leaving[i]->slot, NULL, 0, 0, 1, false);
		evtimer_del(io->leaving[i]->timer);
	}
}

struct bfd_io *
bfd_io_new(const struct bfd_io_env *env)
{
	struct bfd_io *io = calloc(1, sizeof(*io));

	if (!io)
		return NULL;
	io->env = *env;
	for (size_t f = 0; f < BFD_NFAMILIES; f++)
		io->rx_fd[f] = -1;
	io->tx = bfd_tx_start();
	if (!io->tx) {
		log_err("BFD: cannot start the transmit thread: %s", strerror(errno));
		free(io);
		return NULL;
	}
	if (bfd_tx_realtime(io->tx))
		log_info("BFD: periodic transmission on its own thread, real-time priority");
	else
		log_warn("BFD: periodic transmission on its own thread, normal priority (no "
		         "CAP_SYS_NICE: a loaded machine may delay packets)");
	io->fo_ev = evtimer_new(env->base, failover_cb, io);
	static const int families[BFD_NFAMILIES] = {AF_INET, AF_INET6};
	for (size_t f = 0; f < BFD_NFAMILIES; f++) {
		io->rx_fd[f] = rx_socket(families[f]);
		if (io->rx_fd[f] < 0) {
			log_err("BFD: cannot listen on UDP port %u (%s): %s (no such BFD packet is "
			        "received)",
			        BFD_PORT, f ? "IPv6" : "IPv4", strerror(errno));
			continue;
		}
		io->rx_ev[f] = event_new(env->base, io->rx_fd[f], EV_READ | EV_PERSIST, rx_cb, io);
		if (io->rx_ev[f])
			event_add(io->rx_ev[f], NULL);
	}
	return io;
}

void
bfd_io_free(struct bfd_io *io)
{
	if (!io)
		return;
	bfd_tx_stop(io->tx); /* first: the slots' sockets close below */
	io->tx = NULL;
	for (size_t i = 0; i < io->nlinks + io->nleaving; i++) {
		struct bfd_link *l = i < io->nlinks ? io->links[i] : io->leaving[i - io->nlinks];
		event_free(l->timer);
		if (l->fd >= 0)
			close(l->fd);
		free(l);
	}
	free(io->links);
	free(io->leaving);
	for (size_t f = 0; f < BFD_NFAMILIES; f++) {
		if (io->rx_ev[f])
			event_free(io->rx_ev[f]);
		if (io->rx_fd[f] >= 0)
			close(io->rx_fd[f]);
	}
	if (io->fo_ev)
		event_free(io->fo_ev);
	free(io);
}

/* ---- reading ---- */

static void
link_info(const struct bfd_link *l, struct bfd_info *o)
{
	const struct bfd_session *b = &l->b;
	uint64_t now = bfd_now_us();

	*o = (struct bfd_info){
	        .key = l->key,
	        .local = l->local,
	        .peer = l->peer,
	        .ifname = l->ifname,
	        .state = bfd_show_state(b),
	        .raw_state = b->state,
	        .remote_state = b->remote_state,
	        .silent = bfd_peer_silent(b),
	        .bound = bfd_bound(b),
	        .usable = bfd_usable(b),
	        .socket_ok = l->fd >= 0,
	        .local_discr = b->local_discr,
	        .remote_discr = b->remote_discr,
	        .tx_us = bfd_tx_interval(b),
	        .rx_us = bfd_rx_interval(b),
	        .detect_us = bfd_detect_time(b),
	        .mult = b->cfg.detect_mult,
	        .remote_mult = b->remote_mult,
	        .cfg_min_rx_ms = l->cfg.min_rx,
	        .cfg_min_tx_ms = l->cfg.min_tx,
	        .local_diag = b->local_diag,
	        .flaps = b->cnt.flaps,
	        .state_changes = b->cnt.state_changes,
	        .polls = b->cnt.polls,
	        .rx = b->cnt.rx,
	        .rx_discarded = b->cnt.rx_discarded,
	        .uptime_s = b->state == BFD_UP ? (double)(now - b->state_since) / 1e6 : 0,
	        .hold_left_s = bfd_hold_deadline(b) != BFD_NEVER && bfd_hold_deadline(b) > now
	                               ? (double)(bfd_hold_deadline(b) - now) / 1e6
	                               : 0,
	        .loop_late_max_us = l->loop_late_max,
	};
	bfd_tx_stats(l->io->tx, l->slot, &o->tx);
}

bool
bfd_io_info(struct bfd_io *io, size_t i, struct bfd_info *out)
{
	if (!io || i >= io->nlinks)
		return false;
	link_info(io->links[i], out);
	return true;
}

bool
bfd_io_find(struct bfd_io *io, const char *key, struct bfd_info *out)
{
	for (size_t i = 0; io && i < io->nlinks; i++)
		if (strcmp(io->links[i]->key, key) == 0) {
			link_info(io->links[i], out);
			return true;
		}
	return false;
}

void
bfd_io_totals(const struct bfd_io *io, struct bfd_io_totals *out)
{
	if (io)
		*out = io->tot;
	else
		memset(out, 0, sizeof(*out));
}

void
bfd_io_reset_stats(struct bfd_io *io)
{
	for (size_t i = 0; io && i < io->nlinks; i++) {
		io->links[i]->loop_late_max = 0;
		bfd_tx_reset_stats(io->tx, io->links[i]->slot);
	}
}
