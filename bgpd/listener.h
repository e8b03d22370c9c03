/*
 * listener: the passive side of every session.
 *
 * One listening socket per address family on the BGP port. The TCP-MD5 key
 * of every configured peer address is installed on it BEFORE listen(), so
 * the kernel drops an unsigned (or wrongly signed) SYN from a peer's
 * address and such a connection is never accepted (RFC 2385 §2). Accepted
 * connections are handed to the callback with both addresses; the callback
 * owns the fd (it closes connections from unknown sources).
 */
#ifndef CEBGP_LISTENER_H
#define CEBGP_LISTENER_H

#include <stdbool.h>
#include <stdint.h>

#include "prefix.h"

struct event_base;
struct listener;

typedef void (*listener_accept_fn)(int fd, const struct addr *local, const struct addr *peer,
                                   void *arg);

/*
 * Create and bind both sockets (not yet listening). An address family the
 * kernel lacks is skipped; fails (NULL, errno set) only if none could bind.
 * gtsm: send SYN-ACKs with TTL 255 (some session uses RFC 5082).
 */
struct listener *listener_new(struct event_base *base, uint16_t port, bool gtsm,
                              listener_accept_fn fn, void *arg);
/* Install (key non-empty) or remove (key NULL) the key for a peer address. */
int listener_set_key(struct listener *l, const struct addr *peer, const char *key);
/* listen() and start accepting. */
int listener_start(struct listener *l);
uint16_t listener_port(const struct listener *l);
void listener_free(struct listener *l);

#endif
