/*
 * looplag: the event loop's lateness probe (see looplag.h).
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "looplag.h"

struct looplag {
	struct event *ev;
	uint64_t due_us;   /* when the probe should fire next */
	uint64_t until_us; /* end of the window */
	uint64_t from_us;  /* its start */
	uint64_t max_us;
	uint64_t cpu_at;     /* the loop thread's CPU time when scheduled */
	uint64_t max_cpu_us; /* the most CPU it used between two probes */
	char what[64];
};

uint64_t
looplag_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t
looplag_thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
schedule(struct looplag *l, uint64_t now)
{
	struct timeval tv = {0, LOOPLAG_PERIOD_MS * 1000};

	l->cpu_at = looplag_thread_cpu_us();
	l->due_us = now + LOOPLAG_PERIOD_MS * 1000u;
	event_add(l->ev, &tv);
}

static void
probe_cb(evutil_socket_t fd, short what, void *arg)
{
	struct looplag *l = arg;
	uint64_t now = looplag_now_us(), cpu = looplag_thread_cpu_us() - l->cpu_at;

	(void)fd;
	(void)what;
	if (now > l->due_us && now - l->due_us > l->max_us)
		l->max_us = now - l->due_us;
	if (cpu > l->max_cpu_us)
		l->max_cpu_us = cpu;
	if (now < l->until_us) {
		schedule(l, now);
		return;
	}
	log_info("loop: longest step %.1f ms in the %u s after the %s (on the CPU for at most "
	         "%.1f ms between two probes: the rest was waiting for a CPU)",
	         (double)l->max_us / 1000.0, (unsigned)((now - l->from_us + 500000u) / 1000000u),
	         l->what, (double)l->max_cpu_us / 1000.0);
}

struct looplag *
looplag_new(struct event_base *base)
{
	struct looplag *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->ev = evtimer_new(base, probe_cb, l);
	if (!l->ev) {
		free(l);
		return NULL;
	}
	return l;
}

void
looplag_free(struct looplag *l)
{
	if (!l)
		return;
	event_free(l->ev);
	free(l);
}

void
looplag_arm(struct looplag *l, unsigned secs, const char *what)
{
	uint64_t now = looplag_now_us();

	if (!l)
		return;
	if (!evtimer_pending(l->ev, NULL)) {
		l->max_us = l->max_cpu_us = 0;
		l->from_us = now;
		schedule(l, now);
		snprintf(l->what, sizeof(l->what), "%s", what);
	}
	if (now + (uint64_t)secs * 1000000u > l->until_us)
		l->until_us = now + (uint64_t)secs * 1000000u;
}

void
looplag_extend(struct looplag *l, unsigned secs)
{
	uint64_t until;

	if (!l || !evtimer_pending(l->ev, NULL))
		return;
	until = looplag_now_us() + (uint64_t)secs * 1000000u;
	if (until > l->until_us)
		l->until_us = until;
}

uint64_t
looplag_max_us(const struct looplag *l)
{
	return l ? l->max_us : 0;
}
