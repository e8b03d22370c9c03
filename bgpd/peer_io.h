/*
 * peer_io: one TCP connection of a session: socket set-up, the bounded read
 * buffer cut into messages, the write queue, and the close that lets a last
 * NOTIFICATION leave first.
 *
 * Input is bounded: the socket is not read while a maximum-size message
 * beyond the one in hand is buffered, and at most PIO_BATCH messages are
 * handled per loop turn (the rest on the next turn), so one busy peer
 * cannot starve the others.
 */
#ifndef CEBGP_PEER_IO_H
#define CEBGP_PEER_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "msg.h"

struct bufferevent;
struct event;
struct session;

#define PIO_BATCH 64
/* Above this much queued output, stop producing UPDATEs (XOFF). */
#define PIO_HIGH_WATER (256 * 1024)

struct conn {
	struct session *s;
	bool outgoing; /* we initiated the current TCP connection */
	struct fsm fsm;
	struct bufferevent *bev; /* NULL: no TCP connection */
	bool connecting;
	struct event *timers[FSM_TIMER_COUNT];
	struct event *more;     /* complete messages left for the next loop turn */
	struct event *deferred; /* a failure to feed outside the action loop */
	char deferred_why[160];
	bool hold_restarted; /* set when the FSM restarts the hold timer */
	bool process_update; /* the FSM said PROCESS_UPDATE */
	bool open_received;
	struct msg_open peer_open;
	struct msg_open our_open;
	struct msg_ctx ctx;
	unsigned hold, keepalive; /* negotiated */
	bool dying;
};

struct conn *conn_new(struct session *s);
/* Stop every timer and event, close the socket, free on the next loop turn. */
void conn_release(struct conn *c);

/* Start a non-blocking connect; -1 with the reason in why. */
int pio_connect(struct conn *c, char *why, size_t whylen);
/* Adopt an accepted socket. */
int pio_attach(struct conn *c, int fd);
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
struct daemon;
void pio_drain_free_all(struct daemon *d);
/* Feed TCP_CONNECTION_FAILS with why on the next loop turn. */
void pio_defer_failure(struct conn *c, const char *why);

/* Implemented by session.c: what the connection reports. */
void session_conn_connected(struct conn *c);
void session_conn_failed(struct conn *c, const char *why);
/* One complete message; false when the connection went away meanwhile. */
bool session_conn_message(struct conn *c, uint8_t type, const uint8_t *body, size_t len);
void session_conn_frame_error(struct conn *c, const struct msg_error *err);
void session_conn_timer(struct conn *c, enum fsm_timer t);
/* The output queue emptied. */
void session_conn_written(struct conn *c);

#endif
