/*
 * ops: cebgpd's operations glue, started once the daemon's listeners and
 * sessions are up: systemd notification (READY=1, STATUS= with the number
 * of established sessions, WATCHDOG=1) and the metrics endpoint, filled
 * from the daemon's sessions, RIB and kernel state.
 */
#ifndef CEBGP_OPS_H
#define CEBGP_OPS_H

struct daemon;
struct ops;
struct rib;
struct session;

/* Never fails the daemon: a metrics listener that cannot bind is logged. */
struct ops *ops_start(struct daemon *d);
void ops_stop(struct ops *o);
/* SIGUSR1: log one session's state, counters and Adj-RIB-In (bounded). */
void ops_dump_session(const struct session *s, struct rib *rib);

#endif
