/*
 * peer: the protocol logic of one BGP connection, pure (no socket, clock,
 * log or global). bgpd/ hands it the bytes the peer sent and the events it
 * sees (timers, TCP up and down, operator stops); it answers with what to
 * do: the FSM's actions in order, the messages to send as bytes, a decoded
 * UPDATE for the RIB, a request to advertise again.
 *
 *     bytes ─► peer_input ─► frame (once) ─► decode ─► OPEN: negotiate,
 *                                                      collision verdict
 *                                          └─► fsm_step ─► struct peer_step
 *     timer, TCP, stop ─► peer_event ─────────► fsm_step ─► struct peer_step
 *     SEND_* action ─► peer_encode ─► bytes for the socket
 *
 * Framing: peer->need is how many bytes must lie contiguous at the head of
 * the input before the next peer_input: the 19-byte header, then, once the
 * header is checked, the whole message. The header is checked once per
 * message (msg_frame), never again when the rest has arrived.
 *
 * Collisions (RFC 4271 §6.8): a session may hold two connections to one
 * peer for a while. When an OPEN arrives on one and the other is in
 * OpenSent or OpenConfirm, peer_input decides which one goes and steps it
 * with OpenCollisionDump (out->other for the other connection).
 */
#ifndef CEBGP_PEER_H
#define CEBGP_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "msg.h"
#include "negotiate.h"
#include "prefix.h"

/* Our side of the session, from the config; shared by its connections. */
struct peer_config {
	struct negotiate_settings ns; /* the OPEN we send and what we accept */
	struct addr local;            /* our session address (a NEXT_HOP equal to it is bad) */
	struct fsm_config fsm;
};

struct peer {
	const struct peer_config *cfg; /* the owner's; replaced on reload */
	struct msg_attr_buf *scratch;  /* the owner's, for decoding UPDATEs */
	struct fsm fsm;
	bool outgoing;      /* we initiated the current TCP connection */
	bool open_received; /* the peer's OPEN was acceptable (reset on release) */
	struct msg_open peer_open;
	struct msg_open our_open; /* as last sent */
	struct msg_ctx ctx;       /* codec facts: negotiated once the OPEN arrived */
	size_t need;              /* contiguous input bytes the next peer_input needs */
	size_t frame_len;         /* a checked header: the whole message's length, else 0 */
	uint8_t frame_type;
};

#define PEER_CAUSE_MAX 480

/* One FSM step of one connection, ready to perform in order. */
struct peer_step {
	bool set;                /* false: nothing to do */
	enum fsm_event ev;       /* the event fed */
	struct fsm_actions acts; /* SEND_NOTIFICATION data points into .data */
	uint8_t data[MSG_ERR_DATA_MAX > MSG_SHUTDOWN_DATA_MAX ? MSG_ERR_DATA_MAX
	                                                      : MSG_SHUTDOWN_DATA_MAX];
	char cause[PEER_CAUSE_MAX]; /* why, for the log: "hold timer expired" */
};

enum peer_input_result {
	PEER_IN_NEED,    /* fewer than peer->need bytes: call again with more */
	PEER_IN_MESSAGE, /* one message of out->len bytes handled: drop them */
	PEER_IN_ERROR,   /* bad header: out->step sends the NOTIFICATION and closes */
};

/* What one received message means for the glue. */
struct peer_out {
	uint8_t type; /* the message's type, 0 if none was framed */
	size_t len;   /* its length, header included */
	/* Collision: the other connection loses (perform first), its log line. */
	struct peer_step other;
	char collision[PEER_CAUSE_MAX];
	/* This connection's step. */
	struct peer_step step;
	/* The OPEN was acceptable: the input bound may follow ctx.max_len. */
	bool open_ok;
	/* A NOTIFICATION arrived: decoded, and as text for `show` and the log. */
	bool notif_rcvd;
	struct msg_notification notif;
	char notif_text[400];
	/*
	 * An UPDATE for the RIB, valid while the message's bytes are: use it
	 * when step.acts holds PROCESS_UPDATE. update_act is its RFC 7606
	 * verdict (NONE, TREAT_AS_WITHDRAW, ...), update_err the why.
	 */
	struct msg_update update;
	enum msg_action update_act;
	struct msg_error update_err;
	/* ROUTE-REFRESH for IPv4 unicast (RFC 2918): advertise everything again. */
	bool refresh;
};

/* A fresh connection slot: Idle, nothing negotiated. */
void peer_init(struct peer *p, const struct peer_config *cfg, struct msg_attr_buf *scratch);
/* A new TCP connection replaces the old one: framing and codec facts start over. */
void peer_transport(struct peer *p, bool outgoing);

/*
 * Feed event ev (timer, TCP, stop) with its optional input (copied: in
 * and its data need not outlive the call). RELEASE_RESOURCES is applied
 * to p here; the rest of st->acts is the glue's to perform.
 */
void peer_event(struct peer *p, enum fsm_event ev, const struct fsm_input *in, const char *cause,
                struct peer_step *st);

/*
 * The head of the received stream: len contiguous bytes (at least
 * p->need). other is the session's other connection, or NULL.
 */
enum peer_input_result peer_input(struct peer *p, struct peer *other, const uint8_t *data,
                                  size_t len, struct peer_out *out);

/*
 * Encode the message a SEND_OPEN, SEND_KEEPALIVE or SEND_NOTIFICATION
 * action asks for (our OPEN from cfg->ns, kept in our_open). False for
 * other actions or when w is too small.
 */
bool peer_encode(struct peer *p, const struct fsm_action *a, struct wbuf *w);

/*
 * Our request that the peer send its routes again (RFC 2918): one
 * ROUTE-REFRESH per family the session negotiated, IPv4 unicast first. The number
 * of messages in w; 0 (w untouched) unless Established with a peer that
 * announced the capability.
 */
#define PEER_REFRESH_MAX (2 * (MSG_HEADER_LEN + 4))
unsigned peer_encode_refresh(const struct peer *p, struct wbuf *w);

/* What to do with a TCP connection the peer opened to us (RFC 4271 §6.8, §8.2.2). */
enum peer_accept {
	PEER_ACCEPT_TAKE,        /* Connect/Active: it becomes this connection's */
	PEER_ACCEPT_SECOND,      /* OpenSent/OpenConfirm: a second one until an OPEN decides */
	PEER_ACCEPT_REFUSE_IDLE, /* Idle: a restart is pending */
	PEER_ACCEPT_REFUSE,      /* Established (the running session wins), or a second exists */
};
enum peer_accept peer_accept(const struct peer *p, bool have_second);

/* ---- NOTIFICATION data ---- */

/* The input that sends err's NOTIFICATION (header, OPEN, UPDATE errors); borrows err. */
struct fsm_input peer_error_input(const struct msg_error *err);

/* A Cease with its data, for ManualStop and AutomaticStop; in.data points into data. */
struct peer_cease {
	uint8_t data[MSG_SHUTDOWN_DATA_MAX];
	struct fsm_input in;
};

/*
 * Cease/subcode; for Administrative Shutdown or Reset with text, the RFC
 * 9003 communication (cut at 255 bytes on a UTF-8 character boundary).
 */
void peer_cease_stop(struct peer_cease *c, uint8_t subcode, const char *text);
/* Cease / Maximum Number of Prefixes Reached for afi unicast (RFC 4486 §4). */
void peer_cease_max_prefix(struct peer_cease *c, uint8_t afi, uint32_t limit);

/* Received prefixes against the configured limit (0: none). */
enum peer_limit {
	PEER_LIMIT_OK,
	PEER_LIMIT_WARN,     /* at 80 % or more: worth a warning once */
	PEER_LIMIT_EXCEEDED, /* above: Cease / Maximum Number of Prefixes Reached */
};
enum peer_limit peer_prefix_limit(size_t count, uint32_t max);

/*
 * A NOTIFICATION as text: "Cease / Administrative Shutdown: \"maintenance\"",
 * "Cease / Maximum Number of Prefixes Reached: IPv4 SAFI 1, limit 10000".
 */
char *peer_notif_text(uint8_t code, uint8_t subcode, const uint8_t *data, size_t len, char *buf,
                      size_t size);

#endif
