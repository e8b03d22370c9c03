/*
 * sockopt: the socket options of a BGP transport.
 *
 * A session's socket is bound to its sub-interface (SO_BINDTODEVICE) and to
 * our address on the /30, signed with TCP-MD5 (RFC 2385) for the peer's
 * address, sent with TTL 1 (eBGP is one hop) or under GTSM (RFC 5082: TTL
 * 255 out, minimum 255 in), marked CS6 (network control) and Nagle-free.
 *
 * Each function returns 0 or -1 with errno set; the caller logs.
 */
#ifndef CEBGP_SOCKOPT_H
#define CEBGP_SOCKOPT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "prefix.h"

#define SOCKOPT_TOS_CS6 0xc0

/* Fill a sockaddr from an address and port; returns its length. */
socklen_t sockopt_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss);
/* The reverse; false for an unknown family. */
bool sockopt_addr(const struct sockaddr *sa, struct addr *a, uint16_t *port);

/*
 * Install (key non-NULL and non-empty) or remove (key NULL) the TCP-MD5 key
 * for peer on fd. The key is the configured string's bytes as they are,
 * not hex-decoded: what BIRD's and FRR's `password` do, so both ends agree.
 */
int sockopt_md5(int fd, const struct addr *peer, const char *key);
int sockopt_bind_device(int fd, const char *ifname);
/* TTL 1 (gtsm false) or TTL 255 with minimum TTL 255 (RFC 5082). */
int sockopt_ttl(int fd, uint8_t afi, bool gtsm);
/* IP_TOS / IPV6_TCLASS CS6, TCP_NODELAY. */
int sockopt_common(int fd, uint8_t afi);
/*
 * GTSM for a connection the listener accepted. IP_MINTTL/IPV6_MINHOPCOUNT
 * can only be set per session once accept() has told us who it is, and by
 * then the peer's first segments (its OPEN) may already be queued
 * unchecked. The listener saves each SYN (TCP_SAVE_SYN): this returns the
 * TTL or hop limit the peer's SYN arrived with, or -1 when the kernel kept
 * none (then the per-socket option is all there is).
 */
int sockopt_listen_save_syn(int fd);
int sockopt_syn_ttl(int fd);

struct sockopt_connect {
	const char *ifname; /* NULL: not bound to a device */
	struct addr local;  /* afi 0: no bind */
	struct addr peer;
	uint16_t port;
	const char *md5_key; /* NULL: unsigned */
	bool gtsm;
};
/*
 * A non-blocking socket with every option set, connect() started.
 * Returns the fd (connect in progress or done) or -1 with errno set and
 * *what naming the step that failed ("bind to device eth0.555", ...).
 */
int sockopt_connect(const struct sockopt_connect *c, const char **what);

#endif
