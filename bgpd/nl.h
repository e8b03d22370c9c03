/*
 * nl: rtnetlink sockets for the kernel modules (kernel.c, ifmon.c): open
 * one with its buffers raised, and a blocking request/answer channel for
 * dumps and one-off requests (a VLAN, an address).
 *
 * The channel blocks the loop for as long as the kernel talks: a dump of
 * ten thousand routes takes about 40 ms. It gives up after 5 s of silence.
 */
#ifndef CEBGP_NL_H
#define CEBGP_NL_H

#include <stddef.h>
#include <stdint.h>

struct mnl_socket;
struct rtnl_msg;
struct nl_sync;

#define NL_RECV_BUF (64 * 1024) /* bytes per receive: the largest datagram we read */

/*
 * A non-blocking NETLINK_ROUTE socket bound to the given multicast groups,
 * with extended ACKs, strict dump checking and capped ACKs. NULL on
 * failure, with the reason in err.
 */
struct mnl_socket *nl_open(unsigned groups, int rcvbuf, int sndbuf, char *err, size_t errlen);
/* Throw away what a socket holds (bounded: a busy kernel may keep talking). */
void nl_discard(struct mnl_socket *nl, uint8_t *buf);
/* The monotonic clock in milliseconds. */
int64_t nl_mono_ms(void);

struct nl_sync *nl_sync_open(char *err, size_t errlen);
void nl_sync_close(struct nl_sync *s);
/*
 * Send one request (NLM_F_ACK or NLM_F_DUMP already set; its sequence
 * number is set here) and read until its ACK, error or NLMSG_DONE, handing
 * every other message of it to fn. 0 or a positive errno (ETIMEDOUT when
 * the kernel stays silent); the kernel's extended-ACK text goes to ext.
 */
int nl_sync_talk(struct nl_sync *s, void *req, void (*fn)(const struct rtnl_msg *m, void *ctx),
                 void *ctx, char *ext, size_t extlen);

#endif
