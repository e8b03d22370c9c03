/*
 * notify: the systemd service notification protocol (sd_notify(3)),
 * spoken directly over the $NOTIFY_SOCKET datagram socket, so cebgpd needs
 * no libsystemd. Outside systemd ($NOTIFY_SOCKET unset) every call is a
 * no-op that succeeds.
 *
 *   struct notify *n = notify_new(base);   // reads the environment
 *   ...config loaded, listeners up...
 *   notify_ready(n);                        // READY=1
 *   notify_status(n, "%zu/%zu sessions established", up, total);
 *   notify_free(n);                         // STOPPING=1
 *
 * With WatchdogSec= set, systemd passes WATCHDOG_USEC (and WATCHDOG_PID);
 * notify_new() then arms a timer on the libevent loop that sends
 * WATCHDOG=1 every WATCHDOG_USEC / 2. The timer runs on the loop that
 * also runs the sessions, so a stuck loop stops the pings and systemd
 * restarts the daemon: that is the point.
 */
#ifndef CEBGP_NOTIFY_H
#define CEBGP_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "compiler.h"

struct event_base;
struct notify;

/* NULL base: no watchdog timer. NULL only when out of memory. */
struct notify *notify_new(struct event_base *base);
/* Sends STOPPING=1 (when connected) and frees. NULL is fine. */
void notify_free(struct notify *n);

/* True when $NOTIFY_SOCKET named a socket. */
bool notify_enabled(const struct notify *n);
/* The watchdog ping interval in microseconds, 0 when there is none. */
uint64_t notify_watchdog_interval(const struct notify *n);

/* Each returns 0, or -1 with errno when the datagram could not be sent. */
int notify_ready(struct notify *n);
int notify_reloading(struct notify *n); /* RELOADING=1 + MONOTONIC_USEC */
int notify_status(struct notify *n, const char *fmt, ...) PRINTF_LIKE(2, 3);
int notify_watchdog(struct notify *n);
/* Raw: "KEY=value\n..." as one datagram. */
int notify_send(struct notify *n, const char *state);

/*
 * The watchdog interval systemd asked for: WATCHDOG_USEC / 2 when usec is
 * a positive decimal and pid (WATCHDOG_PID) is NULL or equals self; else 0.
 * Pure, for the unit test.
 */
uint64_t notify_parse_watchdog(const char *usec, const char *pid, pid_t self);

#endif
