/* nl: rtnetlink sockets and a blocking request/answer channel (see nl.h). */
#include "cebgp-config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "nl.h"
#include "rtnl.h"

#define SYNC_TIMEOUT 5000 /* ms of silence from the kernel: give up */
#define SYNC_BUF     (1 << 20)

struct nl_sync {
	struct mnl_socket *nl;
	uint32_t seq;
	uint8_t buf[NL_RECV_BUF];
};

int64_t
nl_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct mnl_socket *
nl_open(unsigned groups, int rcvbuf, int sndbuf, char *err, size_t errlen)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int one = 1, fd;

	if (nl == NULL || mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "rtnetlink socket: %s", strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return NULL;
	}
	fd = mnl_socket_get_fd(nl);
	/* FORCE needs CAP_NET_ADMIN (which we need anyway); else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	/* Error texts from the kernel; answers without a copy of our request. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	return nl;
}

void
nl_discard(struct mnl_socket *nl, uint8_t *buf)
{
	for (int i = 0; i < 100000; i++)
		if (mnl_socket_recvfrom(nl, buf, NL_RECV_BUF) < 0 && errno != ENOBUFS &&
		    errno != EINTR)
			return;
}

struct nl_sync *
nl_sync_open(char *err, size_t errlen)
{
	struct nl_sync *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->nl = nl_open(0, SYNC_BUF, SYNC_BUF, err, errlen);
	if (s->nl == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
nl_sync_close(struct nl_sync *s)
{
	if (s == NULL)
		return;
	mnl_socket_close(s->nl);
	free(s);
}

/* The messages of one datagram: 1 when the answer is complete (*err set), else 0. */
static int
sync_dgram(struct nl_sync *s, size_t len, void (*fn)(const struct rtnl_msg *m, void *ctx),
           void *ctx, char *ext, size_t extlen, int *err)
{
	struct rtnl_msg m;
	struct rbuf d;

	rbuf_init(&d, s->buf, len);
	while (rtnl_next(&d, &m) > 0) {
		struct rtnl_error e;

		if (m.seq != s->seq)
			continue; /* a late answer to an earlier request */
		if (rtnl_parse_error(&m, &e)) {
			if (ext != NULL && extlen > 0)
				snprintf(ext, extlen, "%s", e.msg);
			*err = e.err;
			return 1;
		}
		if (rtnl_parse_done(&m, err))
			return 1;
		if (fn != NULL)
			fn(&m, ctx);
	}
	return 0;
}

int
nl_sync_talk(struct nl_sync *s, void *req, void (*fn)(const struct rtnl_msg *m, void *ctx),
             void *ctx, char *ext, size_t extlen)
{
	struct nlmsghdr *nlh = req;
	struct pollfd pfd = {.fd = mnl_socket_get_fd(s->nl), .events = POLLIN};
	int64_t deadline = nl_mono_ms() + SYNC_TIMEOUT;
	int err = 0;

	if (ext != NULL && extlen > 0)
		ext[0] = '\0';
	nlh->nlmsg_seq = ++s->seq;
	if (mnl_socket_sendto(s->nl, req, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		int64_t left = deadline - nl_mono_ms();
		ssize_t n;

		if (left <= 0)
			return ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return errno;
		n = mnl_socket_recvfrom(s->nl, s->buf, sizeof(s->buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return errno;
		}
		/* The timeout is for silence: a million-route dump may take long. */
		deadline = nl_mono_ms() + SYNC_TIMEOUT;
		if (sync_dgram(s, (size_t)n, fn, ctx, ext, extlen, &err))
			return err;
	}
}
