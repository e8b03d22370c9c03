/*
 * nl_send: send netlink batches from a thread of their own.
 *
 * The kernel does the work of an rtnetlink request inside sendmsg, on the
 * caller's time, and first takes the RTNL lock, which any process changing
 * links, addresses or routes may hold. A route batch can so take a few
 * milliseconds on an idle machine and hundreds of them on a busy one
 * (169 ms measured for 32 KiB while other processes were changing their
 * namespaces). The loop must not wait for that: it hands each batch over
 * here and goes on; the answers still arrive on the socket, which the loop
 * reads as before.
 *
 * Batches are sent in the order they were put. A send that fails with
 * anything but a transient error (EAGAIN, ENOBUFS, EINTR: tried again) is
 * reported through `failed`, from the loop: the messages were not
 * processed, and the caller resynchronises.
 */
#ifndef CEBGP_NL_SEND_H
#define CEBGP_NL_SEND_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct nl_sender;

/* fd: the netlink socket; NULL when the thread cannot be started. */
struct nl_sender *nl_sender_new(struct event_base *base, int fd, void (*failed)(void *arg, int err),
                                void *arg);
/* Stop the thread (after the batch it is sending) and free what was not sent. */
void nl_sender_free(struct nl_sender *s);

/* Queue a copy of len bytes of messages; false without memory. */
bool nl_sender_put(struct nl_sender *s, const void *buf, size_t len);
/* Drop what is queued and wait for a send in progress: nothing is sent after. */
void nl_sender_quiesce(struct nl_sender *s);
/* Wait until everything queued is sent, at most timeout_ms; false on timeout. */
bool nl_sender_flush(struct nl_sender *s, int timeout_ms);
/* Batches queued or being sent. */
size_t nl_sender_pending(const struct nl_sender *s);

#endif
