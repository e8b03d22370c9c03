/*
 * daemon: the process context of cebgpd. One libevent loop for everything:
 * the listener, every session's sockets and timers, the kernel watch and
 * the signals (TERM/INT stop, HUP reload, USR1 dump).
 */
#ifndef CEBGP_DAEMON_H
#define CEBGP_DAEMON_H

#include "context.h"

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
