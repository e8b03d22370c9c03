/*
 * daemon: the process context of cebgpd. One libevent loop for everything:
 * the listener, every session's sockets and timers, the kernel watch and
 * the signals (TERM/INT stop, HUP reload, USR1 dump).
 */
#ifndef CEBGP_DAEMON_H
#define CEBGP_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "peer_io.h"
#include "prefix.h"
#include "session.h"

struct advertise;
struct bfd_io;
struct attr_table;
struct config;
struct config_diag;
struct ctl_daemon;
struct drain;
struct event;
struct event_base;
struct fib;
struct inbound;
struct kernel;
struct listener;
struct manage_if;
struct ops;
struct rib;
struct session;

struct daemon_opts {
	const char *config_path;
	const char *pidfile;
	bool foreground;
	int log_level;
	bool log_level_forced; /* -v given: the config's level does not apply */
	uint16_t port;         /* 0: the config's */
};

struct daemon {
	struct daemon_opts opts;
	struct event_base *base;
	struct config *cfg;
	struct session **sessions;
	size_t nsessions;
	struct listener *listener;
	uint16_t port;
	struct kernel *kernel;
	struct fib *fib; /* Loc-RIB -> kernel (fib.c) */
	struct attr_table *attrs;
	struct rib *rib;         /* Adj-RIB-In of every session, Loc-RIB, Adj-RIB-Out */
	struct inbound *inbound; /* inbound policy per peering (inbound.c) */
	uint64_t loc_rib_changes;
	struct advertise *adv; /* the peerings' policy results (advertise.c) */
	struct event *sig[5];
	struct event *exit_timer;
	bool stopping;
	/* SIGUSR2: a restart follows; leave the routes for the next process to adopt. */
	bool keep_routes;
	struct log_rl accept_rl; /* "connection from an unknown address" lines */
	struct pio_ctx pio;      /* the loop and draining connections, for peer_io */
	struct session_env senv; /* what the sessions use of all this */
	struct ctl_daemon *ctl;  /* control server (ctl_show.c) */
	struct ops *ops;         /* systemd notify, metrics (ops.c) */
	struct manage_if *mif;   /* manage-interfaces (manage_if.c) */
	struct looplag *lag;     /* the loop's lateness, measured around reloads */
	struct reload *reload;   /* SIGHUP and `reload`, off the loop (reload.c) */
	struct bfd_io *bfd;      /* BFD for the sessions (bfd_io.c) */
};

/* Load and validate the config (errors to the log); NULL on failure. */
struct daemon *daemon_new(const struct daemon_opts *opts);
/* Set everything up and run the loop until stopped; the exit status. */
int daemon_run(struct daemon *d);
void daemon_free(struct daemon *d);

/*
 * Apply a reloaded config (reload.c read it off the loop; cfg NULL when it
 * failed validation, then the running one stays): sessions are added,
 * removed or reset only where their transport changed, the FIB follows,
 * the policy's delta goes out on the rest, the inbound policies (inb,
 * built off the loop) re-evaluate what was received. Takes cfg, plan and
 * inb; logs the
 * file's errors and warnings from diag. 0 when applied; -1 when rejected
 * or the daemon is stopping.
 */
struct advertise_plan;
struct inbound_prepared;
int daemon_reload_apply(struct daemon *d, struct config *cfg, struct advertise_plan *plan,
                        struct inbound_prepared *inb, const struct config_diag *diag);
/* The config's syslog facility (LOG_DAEMON by default). */
int daemon_log_facility(const struct daemon *d);
/* The port peers listen on and we listen on. */
uint16_t daemon_port(const struct daemon *d, const struct session *s);
/* The session for an accepted connection, NULL if unknown. */
struct session *daemon_find_peer(struct daemon *d, const struct addr *local,
                                 const struct addr *peer);

#endif
