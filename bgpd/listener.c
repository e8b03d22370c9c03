/* listener: one listening socket per address family, MD5 keys before listen(). */

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"
#include "sockopt.h"

#define LISTENER_BACKLOG 16

struct listener_sock {
	int fd;
	uint8_t afi;
	struct event *ev;
	struct listener *owner;
};

struct listener {
	struct event_base *base;
	uint16_t port;
	listener_accept_fn fn;
	void *arg;
	struct listener_sock socks[2]; /* [0] IPv4, [1] IPv6 */
};

static void
listener_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener_sock *ls = arg;
	struct listener *l = ls->owner;
	/* Bounded: a burst of connections is taken over several loop turns. */
	for (int i = 0; i < 8; i++) {
		struct sockaddr_storage peer_ss, local_ss;
		socklen_t plen = sizeof(peer_ss), llen = sizeof(local_ss);
		struct addr peer, local;
		int cfd = accept4(fd, (struct sockaddr *)&peer_ss, &plen,
		                  SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("listener: accept: %s", strerror(errno));
			return;
		}
		if (getsockname(cfd, (struct sockaddr *)&local_ss, &llen) < 0 ||
		    !sockopt_addr((struct sockaddr *)&peer_ss, &peer, NULL) ||
		    !sockopt_addr((struct sockaddr *)&local_ss, &local, NULL)) {
			close(cfd);
			continue;
		}
		l->fn(cfd, &local, &peer, l->arg);
	}
}

static int
listener_open(struct listener *l, struct listener_sock *ls, uint8_t afi, bool gtsm)
{
	struct sockaddr_storage ss;
	struct addr any;
	int one = 1, family = afi == AFI_IP6 ? AF_INET6 : AF_INET;

	ls->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (ls->fd < 0)
		return -1;
	memset(&any, 0, sizeof(any));
	any.afi = afi;
	setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (afi == AFI_IP6)
		setsockopt(ls->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* Accepted sockets inherit these; each session then sets its own. */
	int ttl = gtsm ? 255 : 1;
	if (afi == AFI_IP6)
		setsockopt(ls->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	else
		setsockopt(ls->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	sockopt_common(ls->fd, afi);
	/*
	 * Sessions with ttl-security check what the SYN arrived with
	 * (sockopt.h); always, so a reload that turns it on finds it there.
	 */
	(void)sockopt_listen_save_syn(ls->fd);
	socklen_t sl = sockopt_sockaddr(&any, l->port, &ss);
	if (bind(ls->fd, (struct sockaddr *)&ss, sl) < 0) {
		int saved = errno;

		close(ls->fd);
		ls->fd = -1;
		errno = saved;
		return -1;
	}
	ls->afi = afi;
	ls->owner = l;
	return 0;
}

struct listener *
listener_new(struct event_base *base, uint16_t port, bool gtsm, listener_accept_fn fn, void *arg)
{
	struct listener *l = calloc(1, sizeof(*l));
	int err4, err6 = 0;

	if (!l)
		return NULL;
	l->base = base;
	l->port = port;
	l->fn = fn;
	l->arg = arg;
	l->socks[0].fd = l->socks[1].fd = -1;
	err4 = listener_open(l, &l->socks[0], AFI_IP, gtsm) < 0 ? errno : 0;
	/* Port 0 (tests): the IPv6 socket takes the port the kernel chose. */
	if (port == 0 && l->socks[0].fd >= 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct addr a;

		if (getsockname(l->socks[0].fd, (struct sockaddr *)&ss, &sl) == 0)
			sockopt_addr((struct sockaddr *)&ss, &a, &l->port);
	}
	if (listener_open(l, &l->socks[1], AFI_IP6, gtsm) < 0) {
		err6 = errno;
		if (err6 != EAFNOSUPPORT)
			log_warn("listener: IPv6 port %u: %s", port, strerror(err6));
	}
	if (l->socks[0].fd < 0 && l->socks[1].fd < 0) {
		free(l);
		errno = err4 ? err4 : err6;
		return NULL;
	}
	if (err4)
		log_warn("listener: IPv4 port %u: %s", port, strerror(err4));
	return l;
}

int
listener_set_key(struct listener *l, const struct addr *peer, const char *key)
{
	struct listener_sock *ls = &l->socks[peer->afi == AFI_IP6 ? 1 : 0];

	if (ls->fd < 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return sockopt_md5(ls->fd, peer, key);
}

int
listener_start(struct listener *l)
{
	for (int i = 0; i < 2; i++) {
		struct listener_sock *ls = &l->socks[i];

		if (ls->fd < 0 || ls->ev)
			continue;
		if (listen(ls->fd, LISTENER_BACKLOG) < 0)
			return -1;
		ls->ev = event_new(l->base, ls->fd, EV_READ | EV_PERSIST, listener_accept_cb, ls);
		if (!ls->ev || event_add(ls->ev, NULL) < 0)
			return -1;
	}
	return 0;
}

uint16_t
listener_port(const struct listener *l)
{
	return l->port;
}

void
listener_free(struct listener *l)
{
	if (!l)
		return;
	for (int i = 0; i < 2; i++) {
		if (l->socks[i].ev)
			event_free(l->socks[i].ev);
		if (l->socks[i].fd >= 0)
			close(l->socks[i].fd);
	}
	free(l);
}
