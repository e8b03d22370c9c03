/*
 * context: the daemon's parts, as the modules it wires together read them.
 * Data only: the functions that build, run and reload it are daemon.h's,
 * and only main.c calls them. A module reads the fields it needs here and
 * is handed everything else through its own interface, so no module
 * depends on daemon.c and daemon.c depends on all of them, not the other
 * way round.
 */
#ifndef CEBGP_CONTEXT_H
#define CEBGP_CONTEXT_H

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

#endif
