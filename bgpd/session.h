/*
 * session: one configured BGP session with the provider, glued to lib/fsm.
 *
 * A session owns up to two connections (BIRD's model): `conn`, whose FSM is
 * the session's state, and `alt`, a second connection that exists only
 * during a collision (RFC 4271 §6.8): the peer connected to us while our own
 * connection was in OpenSent or OpenConfirm (or the other way round). When
 * an OPEN arrives and both exist, the BGP identifiers decide which one is
 * closed with Cease / Connection Collision Resolution; a surviving `alt`
 * becomes `conn`.
 *
 * lib/peer decides what a connection does; session.c performs it (sockets
 * through peer_io, timers with RFC 4271 §10 jitter, the RIB) and logs
 * every state change with its cause. Nothing outside session.c touches a
 * connection: the rest of bgpd reads a session through session_info() and
 * acts through the functions below.
 */
#ifndef CEBGP_SESSION_H
#define CEBGP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "fsm.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "rib.h"

struct adv_session;
struct attr_table;
struct conn;
struct daemon;
struct pio_ctx;
struct rib;
struct session;
struct wbuf;

/*
 * What the outbound side does at a session's moments (bgpd/advertise.c
 * provides them through struct daemon): session.c calls out through these
 * and never into advertise.c itself.
 */
struct session_hooks {
	void (*up)(struct session *s);      /* Established: the full set, then End-of-RIB */
	void (*refresh)(struct session *s); /* the peer asked for our routes again */
	void (*resume)(struct session *s);  /* the write queue drained (XON) */
	void (*gone)(struct session *s);    /* the session is being freed */
};

/* The last NOTIFICATION sent or received, for `show` and the dump. */
struct notif_record {
	bool set;
	time_t when;
	uint8_t code, subcode;
	char text[400]; /* decoded: names, shutdown communication, max-prefix data */
};

struct session_counters {
	uint64_t msgs_in[6], msgs_out[6]; /* by enum msg_type (0 unused) */
	uint64_t bytes_in, bytes_out;
	uint64_t prefixes_announced, prefixes_withdrawn;
	uint64_t update_errors; /* RFC 7606 treat-as-withdraw / discard */
	uint32_t established;   /* times it reached Established */
	uint32_t dropped;       /* times it left Established */
};

/* What a session uses of the daemon, handed to session_new (the daemon owns it). */
struct inbound;

struct looplag;

struct session_env {
	struct rib *rib; /* Adj-RIB-In of every session, Loc-RIB, Adj-RIB-Out */
	struct attr_table *attrs;
	struct pio_ctx *pio;               /* the loop and the draining closes */
	uint16_t port;                     /* -p: every session's port; 0: the config's */
	const struct session_hooks *hooks; /* the outbound side; NULL: none */
	/*
	 * Inbound policy (inbound_apply, bgpd/inbound.h): what a received path
	 * is stored with, a new reference, or NULL when refused, with why.
	 */
	const struct attr *(*inbound)(const struct inbound *ib, const struct config_session *cfg,
	                              const struct prefix *p, const struct attr *in,
	                              uint8_t *reason);
	const struct inbound *inbound_policy;
	struct looplag *lag; /* measures withdrawals' loop steps; NULL: none */
};

struct session {
	struct daemon *d; /* for the outbound side (advertise.c); session.c uses env */
	const struct session_env *env;
	const struct config_session *cfg; /* into d->cfg; swapped on reload */
	char key[96];
	char desc[160]; /* "172.16.1.2 (1GbpsCircuit private primary)", IPv6 "... primary ipv6)" */
	struct peer_config pcfg; /* lib/peer's settings, shared by both connections */

	struct conn *conn; /* primary: its FSM state is the session's */
	struct conn *alt;  /* collision: the other connection, or NULL */

	/* Link state from the kernel watch; "known" false until reported. */
	bool link_known, link_up;
	bool stopped;         /* administratively: shutdown, removed, link down */
	bool bfd_down;        /* BFD (bound) is not usable: no restart until it is */
	enum fsm_state state; /* last logged state of conn */
	time_t state_since;

	/* Negotiated on the connection that reached Established. */
	struct msg_ctx ctx;
	uint32_t remote_id;
	unsigned hold, keepalive;
	struct msg_caps remote_caps;
	uint32_t local_caps; /* MSG_CAP_* of the OPEN we sent */
	bool eor_received;

	/* Our peer number in the RIB (d->rib): Adj-RIB-In, Loc-RIB, Adj-RIB-Out. */
	uint16_t peer_id;
	bool limit_warned; /* 80 % warning logged since the last drop below */
	bool limit_hit;    /* torn down for the limit: say so in the restart log */
	/* After a session down: the peer's routes leave the RIB in slices. */
	struct event *flush_ev;
	struct rib_cursor flush;
	bool flushing;

	struct notif_record last_sent, last_rcvd;
	struct session_counters cnt;
	struct log_rl rl;       /* per-UPDATE lines */
	struct log_rl rl_retry; /* "interface missing" lines */
	struct msg_attr_buf *scratch;
	struct adv_session *adv; /* advertise.c: attributes, packer state */
};

/* The address family the session carries: that of its transport (AFI_IP, AFI_IP6). */
static inline uint8_t
session_afi(const struct session *s)
{
	return s->cfg->afi == AFI_IP6 ? AFI_IP6 : AFI_IP;
}

struct session *session_new(struct daemon *d, const struct session_env *env,
                            const struct config_session *cfg, uint16_t peer_id);
void session_free(struct session *s);

/* Start (connect at once unless passive, and accept). */
void session_start(struct session *s);
/*
 * Stop with Cease/subcode (RFC 4486) and optional RFC 9003 text; the
 * NOTIFICATION is flushed before the close. The session stays Idle.
 */
void session_stop(struct session *s, uint8_t subcode, const char *text);
/* A new config object with an equal session (no transport change). */
void session_update_cfg(struct session *s, const struct config_session *cfg);
/* An accepted TCP connection from this session's peer. Takes the fd. */
void session_accept(struct session *s, int fd);
/* Link state of the session's interface changed. */
void session_link(struct session *s, bool up);
/*
 * BFD (bgpd/bfd_io) says the path is usable or not. Down drops the session
 * at once like a link loss (no NOTIFICATION: the path is gone) and holds
 * restarts and accepted connections; up lets the normal backoff bring it
 * back. cause names BFD and why, for the log.
 */
void session_bfd(struct session *s, bool up, const char *cause);
/* The local address appeared: retry now instead of after the backoff. */
void session_kick(struct session *s);
/* Paths in the session's Adj-RIB-In (the received-prefix count). */
size_t session_prefixes(const struct session *s);
/* True while a connection is not Idle or a NOTIFICATION is draining. */
bool session_busy(const struct session *s);

/* True while the session's connection is Established. */
bool session_established(const struct session *s);
/*
 * Ask the peer to send its routes again (RFC 2918), one ROUTE-REFRESH per
 * negotiated family; false when not Established, the peer did not
 * announce the capability, or a message could not be queued.
 */
bool session_route_refresh(struct session *s);

/*
 * One snapshot of a session for every reader (control `show`, metrics,
 * the SIGUSR1 dump), so that they all say the same thing.
 */
struct session_info {
	const struct config_session *cfg;
	const char *key;
	enum fsm_state state; /* of the session's connection */
	time_t state_since;   /* time(NULL) of the last change */
	bool established;
	bool stopped; /* administratively */
	bool link_known, link_up;
	bool bfd_down; /* held down by BFD */
	/* Negotiated when the session last came up (show them while established). */
	uint32_t remote_id;
	unsigned hold, keepalive;
	uint8_t afi;        /* the family the session carries (session_afi) */
	unsigned families;  /* MSG_FAM_* negotiated (RFC 4760): what it exchanges */
	uint32_t caps;      /* MSG_CAP_* both OPENs carried (RFC 5492 §3) */
	uint32_t peer_caps; /* MSG_CAP_* the peer offered */
	bool eor_received;
	/* Adj-RIB-In and Adj-RIB-Out sizes (lib/rib). */
	size_t prefixes_received, prefixes_accepted, prefixes_advertised;
	const struct session_counters *cnt;
	const struct notif_record *last_sent, *last_rcvd;
};

void session_info(const struct session *s, struct session_info *info);

/* Send one message on the established connection (for the packer). */
bool session_send(struct session *s, struct wbuf *w, uint8_t type);
/*
 * False while the write queue is above its high-water mark (or there is no
 * connection): the UPDATE packer stops producing (XOFF) and resumes when
 * the queue drains (the session hooks' resume).
 */
bool session_can_send(const struct session *s);

#endif
