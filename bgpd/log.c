/* log: syslog when detached, stderr in the foreground. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"

static struct {
	bool foreground;
	int max_level;
	bool syslog_open;
} log_state = {.foreground = true, .max_level = LOG_INFO};

static const char *const level_names[] = {
        [LOG_EMERG] = "emerg",  [LOG_ALERT] = "alert",   [LOG_CRIT] = "crit", [LOG_ERR] = "error",
        [LOG_WARNING] = "warn", [LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void
log_init(const char *ident, bool foreground, int max_level)
{
	log_init_facility(ident, foreground, max_level, LOG_DAEMON);
}

void
log_init_facility(const char *ident, bool foreground, int max_level, int facility)
{
	log_state.foreground = foreground;
	log_state.max_level = max_level;
	if (!foreground && !log_state.syslog_open) {
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
		log_state.syslog_open = true;
	}
}

void
log_set_level(int max_level)
{
	log_state.max_level = max_level;
}

int
log_get_level(void)
{
	return log_state.max_level;
}

bool
log_enabled(int level)
{
	return level <= log_state.max_level;
}

void
log_vmsg(int level, const char *fmt, va_list ap)
{
	if (!log_enabled(level))
		return;
	if (!log_state.foreground) {
		vsyslog(level, fmt, ap);
		return;
	}
	struct timeval tv;
	struct tm tm;
	char ts[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	/* One fprintf per line, so lines from one process never interleave. */
	char line[2048];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s.%03ld %s: %s\n", ts, (long)(tv.tv_usec / 1000), level_names[level & 7],
	        line);
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static void
log_vpeer(int level, const char *who, const char *fmt, va_list ap)
{
	char line[1800];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_msg(level, "%s: %s", who, line);
}

void
log_peer(int level, const char *who, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vpeer(level, who, fmt, ap);
	va_end(ap);
}

bool
log_rl_allow(struct log_rl *rl, time_t now, unsigned *suppressed)
{
	*suppressed = 0;
	if (now - rl->start >= LOG_RL_WINDOW) {
		*suppressed = rl->suppressed;
		rl->start = now;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count >= LOG_RL_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->count++;
	return true;
}

void
log_peer_rl(struct log_rl *rl, int level, const char *who, const char *fmt, ...)
{
	unsigned dropped;
	va_list ap;

	if (!log_enabled(level) || !log_rl_allow(rl, time(NULL), &dropped))
		return;
	if (dropped)
		log_peer(level, who, "%u similar messages suppressed", dropped);
	va_start(ap, fmt);
	log_vpeer(level, who, fmt, ap);
	va_end(ap);
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
