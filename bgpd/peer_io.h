/*
 * peer_io: one TCP connection of a session: socket set-up, the bounded read
 * buffer cut into messages, the write queue, and the close that lets a last
 * NOTIFICATION leave first.
 *
 * Input is bounded: the socket is not read while PIO_READ_MAX bytes (two
 * maximum-size messages, if that is more) are buffered, and at most
 * PIO_BATCH messages, or PIO_SLICE_MS of work, are handled per loop turn
 * (the rest on the next turn), so one busy peer cannot starve the others
 * nor the timers. Reading never waits for the FIB: the kernel's work runs
 * at a lower priority, in slices of its own (fib.h), so a slow kernel
 * cannot hold back a KEEPALIVE. What a read turns into is bounded by the
 * RIB, not by this buffer: each prefix is one RIB entry (max-received
 * caps them per session) and at most one entry of the FIB's queue.
 *
 * peer_io knows no session: it reports through struct pio_cbs, and the
 * bytes it hands over are cut as lib/peer asks (c->p.need).
 */
#ifndef CEBGP_PEER_IO_H
#define CEBGP_PEER_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "msg.h"
#include "peer.h"

struct bufferevent;
struct conn;
struct drain;
struct event;
struct event_base;
struct session;
struct sockopt_connect;

#define PIO_BATCH    64
#define PIO_READ_MAX (64 * 1024)
#define PIO_SLICE_MS 8
/* Above this much queued output, stop producing UPDATEs (XOFF). */
#define PIO_HIGH_WATER (256 * 1024)

/* Shared by every connection of the daemon: the loop and the draining closes. */
struct pio_ctx {
	struct event_base *base;
	struct drain *drains;       /* connections flushing a last NOTIFICATION */
	size_t draining;            /* how many */
	void (*drained)(void *arg); /* called whenever one finished */
	void *arg;
};

/* What a connection reports to its owner. */
struct pio_cbs {
	void (*connected)(struct conn *c);
	void (*failed)(struct conn *c, const char *why);
	/*
	 * len (>= c->p.need) contiguous bytes at the head of the input: the
	 * number handled, to be dropped; 0 when more is needed first.
	 */
	size_t (*input)(struct conn *c, const uint8_t *data, size_t len);
	void (*timer)(struct conn *c, enum fsm_timer t);
	void (*written)(struct conn *c); /* the output queue emptied */
};

struct conn {
	struct session *s; /* the owner, never looked into here */
	struct peer p;     /* the protocol logic (lib/peer) */
	struct pio_ctx *pc;
	const struct pio_cbs *cbs;
	const char *desc;        /* the owner's log prefix */
	struct bufferevent *bev; /* NULL: no TCP connection */
	bool connecting;
	struct event *timers[FSM_TIMER_COUNT];
	struct event *more;     /* complete messages left for the next loop turn */
	struct event *deferred; /* a failure to feed outside the action loop */
	char deferred_why[160];
	bool hold_restarted; /* set when the owner restarts the hold timer */
	bool dying;
};

struct conn *conn_new(struct pio_ctx *pc, const struct pio_cbs *cbs, struct session *s,
                      const char *desc);
/* Stop every timer and event, close the socket, free on the next loop turn. */
void conn_release(struct conn *c);

/* Start a non-blocking connect; -1 with the reason in why. */
int pio_connect(struct conn *c, const struct sockopt_connect *sc, char *why, size_t whylen);
/* Adopt an accepted socket; sc: its device, peer family and GTSM. */
int pio_attach(struct conn *c, int fd, const struct sockopt_connect *sc);
/* Close the socket; flush: let queued output (a NOTIFICATION) leave first. */
void pio_close(struct conn *c, bool flush);
bool pio_send(struct conn *c, const void *data, size_t len);
size_t pio_queued(const struct conn *c);
/* The negotiated maximum message size (RFC 8654): the input bound follows it. */
void pio_set_max_len(struct conn *c, size_t max_len);
/* Bytes received and not yet handled. */
size_t pio_pending_input(const struct conn *c);
/* Handle buffered complete messages now (before a hold timer expiry). */
void pio_process(struct conn *c);
/* Free connections still draining (at exit). */
void pio_drain_free_all(struct pio_ctx *pc);
/* Report a failure with why on the next loop turn. */
void pio_defer_failure(struct conn *c, const char *why);

#endif
