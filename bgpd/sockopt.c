/* sockopt: socket options of a BGP transport (Linux). */

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#include "sockopt.h"

socklen_t
sockopt_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->afi == AFI_IP6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->bytes, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	memcpy(&s4->sin_addr, a->bytes, 4);
	return sizeof(*s4);
}

bool
sockopt_addr(const struct sockaddr *sa, struct addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		a->afi = AFI_IP;
		memcpy(a->bytes, &s4->sin_addr, 4);
		if (port)
			*port = ntohs(s4->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		/* A v4-mapped peer on a dual-stack socket is an IPv4 peer. */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			a->afi = AFI_IP;
			memcpy(a->bytes, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			a->afi = AFI_IP6;
			memcpy(a->bytes, &s6->sin6_addr, 16);
		}
		if (port)
			*port = ntohs(s6->sin6_port);
		return true;
	}
	return false;
}

int
sockopt_md5(int fd, const struct addr *peer, const char *key)
{
	struct tcp_md5sig sig;
	size_t len = key ? strlen(key) : 0;

	if (len > TCP_MD5SIG_MAXKEYLEN) {
		errno = EINVAL;
		return -1;
	}
	memset(&sig, 0, sizeof(sig));
	sockopt_sockaddr(peer, 0, &sig.tcpm_addr);
	sig.tcpm_keylen = (uint16_t)len;
	if (len)
		memcpy(sig.tcpm_key, key, len);
	int rc = setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig));
	/* Removing a key that was never there is not an error. */
	if (rc < 0 && len == 0 && errno == ENOENT)
		rc = 0;
	explicit_bzero(&sig, sizeof(sig));
	return rc;
}

int
sockopt_bind_device(int fd, const char *ifname)
{
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
}

int
sockopt_ttl(int fd, uint8_t afi, bool gtsm)
{
	int ttl = gtsm ? 255 : 1;

	if (afi == AFI_IP6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) < 0)
			return -1;
		if (gtsm)
			return setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &ttl, sizeof(ttl));
		return 0;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0)
		return -1;
	/* RFC 5082 §3: accept only what was sent with TTL 255, one hop away. */
	if (gtsm)
		return setsockopt(fd, IPPROTO_IP, IP_MINTTL, &ttl, sizeof(ttl));
	return 0;
}

int
sockopt_listen_save_syn(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof(one));
}

int
sockopt_syn_ttl(int fd)
{
	uint8_t syn[256]; /* the IP and TCP headers, options included */
	socklen_t len = sizeof(syn);

	if (getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, syn, &len) < 0 || len < 20)
		return -1;
	switch (syn[0] >> 4) {
	case 4:
		return syn[8]; /* RFC 791: TTL */
	case 6:
		return len >= 40 ? syn[7] : -1; /* RFC 8200: Hop Limit */
	default:
		return -1;
	}
}

int
sockopt_common(int fd, uint8_t afi)
{
	int tos = SOCKOPT_TOS_CS6, one = 1;

	if (afi == AFI_IP6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) < 0)
			return -1;
	} else if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) < 0) {
		return -1;
	}
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int
sockopt_connect(const struct sockopt_connect *c, const char **what)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, saved;
	int family = c->peer.afi == AFI_IP6 ? AF_INET6 : AF_INET;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		*what = "socket";
		return -1;
	}
	if (c->ifname && sockopt_bind_device(fd, c->ifname) < 0) {
		*what = "bind to device";
		goto fail;
	}
	if (c->local.afi) {
		sl = sockopt_sockaddr(&c->local, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
			*what = "bind to local address";
			goto fail;
		}
	}
	if (c->md5_key && *c->md5_key && sockopt_md5(fd, &c->peer, c->md5_key) < 0) {
		*what = "TCP-MD5 key";
		goto fail;
	}
	if (sockopt_ttl(fd, c->peer.afi, c->gtsm) < 0) {
		*what = "TTL";
		goto fail;
	}
	if (sockopt_common(fd, c->peer.afi) < 0) {
		*what = "TOS/TCP_NODELAY";
		goto fail;
	}
	sl = sockopt_sockaddr(&c->peer, c->port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		*what = "connect";
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
