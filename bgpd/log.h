/*
 * log: the daemon's one logging sink.
 *
 * Detached, lines go to syslog (facility daemon); in the foreground (-d)
 * they go to stderr with a timestamp. Levels are syslog's (LOG_ERR ..
 * LOG_DEBUG); lines above the configured level are dropped before they are
 * formatted. Session lines carry the peer's prefix, e.g.
 * "172.16.1.2 (1GbpsCircuit private primary): Established -> Idle: ...".
 *
 * This is bgpd glue, so it keeps one process-wide sink (like syslog itself).
 */
#ifndef CEBGP_LOG_H
#define CEBGP_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>
#include <time.h>

#include "compiler.h"

void log_init(const char *ident, bool foreground, int max_level);
/* The same with a syslog facility other than daemon (the config's log.syslog-facility). */
void log_init_facility(const char *ident, bool foreground, int max_level, int facility);
void log_set_level(int max_level);
int log_get_level(void);
bool log_enabled(int level);

void log_msg(int level, const char *fmt, ...) PRINTF_LIKE(2, 3);
void log_vmsg(int level, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* One line prefixed with "who: ". */
void log_peer(int level, const char *who, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Log at LOG_CRIT and exit(1): only for start-up failures. */
_Noreturn void log_fatal(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define log_err(...)    log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * Rate limit for lines a peer can trigger per message (a malformed UPDATE
 * each second must not flood the log): at most `burst` lines per `window`
 * seconds; the next allowed line reports how many were suppressed.
 */
struct log_rl {
	time_t start;
	unsigned count;
	unsigned suppressed;
};
#define LOG_RL_WINDOW 10
#define LOG_RL_BURST  5

void log_peer_rl(struct log_rl *rl, int level, const char *who, const char *fmt, ...)
        PRINTF_LIKE(4, 5);
/*
 * The limiter's decision alone, for a module that logs through a callback
 * of its own (bgpd/kernel.c): true when a line may go out at now; then
 * *suppressed is how many were dropped before it (say so first).
 */
bool log_rl_allow(struct log_rl *rl, time_t now, unsigned *suppressed);

#endif
