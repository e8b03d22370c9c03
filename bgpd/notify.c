/*
 * notify: sd_notify(3) without libsystemd. The protocol is one datagram of
 * newline-separated KEY=VALUE assignments sent to the AF_UNIX socket named
 * by $NOTIFY_SOCKET; a leading '@' means the Linux abstract namespace
 * (systemd's documented convention).
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "notify.h"

struct notify {
	int fd; /* -1: not under systemd */
	struct sockaddr_un sa;
	socklen_t salen;
	uint64_t wd_usec; /* ping interval, 0: no watchdog */
	struct event *wd_timer;
};

uint64_t
notify_parse_watchdog(const char *usec, const char *pid, pid_t self)
{
	char *end;
	unsigned long long v;

	if (!usec || *usec < '0' || *usec > '9')
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno || *end != '\0' || v == 0)
		return 0;
	if (pid) {
		long p;

		if (*pid < '0' || *pid > '9')
			return 0;
		p = strtol(pid, &end, 10);
		if (*end != '\0' || p != (long)self)
			return 0; /* meant for another process (a wrapper's child) */
	}
	/* sd_watchdog_enabled(3): ping at half the interval. */
	return v / 2 ? v / 2 : 1;
}

/* Fill n->sa from $NOTIFY_SOCKET; false when unset or unusable. */
static bool
notify_address(struct notify *n, const char *path)
{
	size_t len;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return false;
	len = strlen(path);
	if (len < 2 || len >= sizeof(n->sa.sun_path))
		return false;
	memset(&n->sa, 0, sizeof(n->sa));
	n->sa.sun_family = AF_UNIX;
	memcpy(n->sa.sun_path, path, len);
	if (path[0] == '@')
		n->sa.sun_path[0] = '\0'; /* abstract: no trailing NUL counted */
	n->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	                       (path[0] == '/' ? 1 : 0));
	return true;
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	notify_watchdog(arg);
}

struct notify *
notify_new(struct event_base *base)
{
	struct notify *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->fd = -1;
	if (!notify_address(n, getenv("NOTIFY_SOCKET")))
		return n;
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return n; /* sends fail with -1 and are reported by the caller */
	n->wd_usec =
	        notify_parse_watchdog(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"), getpid());
	if (base && n->wd_usec) {
		struct timeval tv = {.tv_sec = (time_t)(n->wd_usec / 1000000),
		                     .tv_usec = (suseconds_t)(n->wd_usec % 1000000)};

		n->wd_timer = event_new(base, -1, EV_PERSIST, watchdog_cb, n);
		if (n->wd_timer)
			event_add(n->wd_timer, &tv);
	}
	return n;
}

void
notify_free(struct notify *n)
{
	if (!n)
		return;
	if (n->wd_timer)
		event_free(n->wd_timer);
	if (n->fd >= 0) {
		notify_send(n, "STOPPING=1");
		close(n->fd);
	}
	free(n);
}

bool
notify_enabled(const struct notify *n)
{
	return n && n->fd >= 0;
}

uint64_t
notify_watchdog_interval(const struct notify *n)
{
	return n ? n->wd_usec : 0;
}

int
notify_send(struct notify *n, const char *state)
{
	if (!n || n->salen == 0)
		return 0; /* not under systemd */
	if (n->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (sendto(n->fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&n->sa, n->salen) <
	    0)
		return -1;
	return 0;
}

int
notify_ready(struct notify *n)
{
	return notify_send(n, "READY=1");
}

int
notify_reloading(struct notify *n)
{
	struct timespec ts;
	char buf[64];

	/* systemd >= 253 wants the monotonic time with RELOADING=1. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu",
	         (unsigned long long)ts.tv_sec * 1000000ULL +
	                 (unsigned long long)ts.tv_nsec / 1000ULL);
	return notify_send(n, buf);
}

int
notify_watchdog(struct notify *n)
{
	return notify_send(n, "WATCHDOG=1");
}

int
notify_status(struct notify *n, const char *fmt, ...)
{
	char buf[256] = "STATUS=";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + 7, sizeof(buf) - 7, fmt, ap);
	va_end(ap);
	/* One line: a newline would start another assignment. */
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return notify_send(n, buf);
}
