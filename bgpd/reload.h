/*
 * reload: SIGHUP and the control `reload`, without stalling the loop.
 *
 * Reading a config of 100k announced prefixes takes about 0.4 s and its
 * policy about 0.5 s per peering: far beyond the 50 ms a loop step may
 * take (a peer on a 3 s hold timer, BFD next). So a reload runs in two
 * halves:
 *
 *   loop: reload_request ─► worker thread: config_load, advertise_compute
 *                                │ (pure: reads the file, the running
 *                                │  policy results; writes only its job)
 *   loop: pipe readable ◄────────┘
 *         daemon_reload_apply: sessions, FIB, the policy delta (the
 *         discard routes go to the kernel in budgeted steps, fib.c)
 *         ─► every waiter's callback (the control client's answer)
 *
 * One reload runs at a time. A request while one runs is served by the
 * next run (the file may have changed after the worker read it): SIGHUPs
 * coalesce into one more run, and each control client is answered by the
 * run that read the file after it asked.
 */
#ifndef CEBGP_RELOAD_H
#define CEBGP_RELOAD_H

struct config_diag;
struct daemon;
struct reload;

/* rc 0: applied; -1: rejected (diag has the errors) or the daemon stops. */
typedef void (*reload_done_fn)(struct daemon *d, int rc, const struct config_diag *diag, void *arg);

/*
 * The daemon's half that applies a job on the loop (daemon_reload_apply),
 * handed in so that reload never calls up: cfg is the new config (NULL
 * when the file was rejected), plan its outbound policy results, inb its
 * inbound policies (NULL: the loop builds them); the callee takes all three; 0
 * applied, -1 rejected or stopping.
 */
struct advertise_plan;
struct config;
struct inbound_prepared;
typedef int (*reload_apply_fn)(struct daemon *d, struct config *cfg, struct advertise_plan *plan,
                               struct inbound_prepared *inb, const struct config_diag *diag);

struct reload *reload_new(struct daemon *d, reload_apply_fn apply);
/* Waits for a running worker; the waiters are answered with -1. */
void reload_free(struct reload *r);
/* Reload d's config file; fn (may be NULL) is called when it is done.
 * -1 when it cannot start (out of memory, stopping); fn is not called. */
int reload_request(struct reload *r, reload_done_fn fn, void *arg);

#endif
