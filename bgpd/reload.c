/*
 * reload: the config and policy of a reload off the loop (see reload.h).
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "advertise.h"
#include "context.h"
#include "inbound.h"
#include "log.h"
#include "looplag.h"
#include "reload.h"

/* How long after a reload the loop's lateness is measured (looplag.h). */
#define RELOAD_WATCH_SECS 10
/* The worker's nice value (Linux: per thread). */
#define RELOAD_WORKER_NICE 10

struct waiter {
	reload_done_fn fn;
	void *arg;
};

struct waiters {
	struct waiter *v;
	size_t n;
};

/* What the worker reads and writes: nothing else is shared with it. */
struct job {
	char *path;
	const struct advertise *adv; /* previous results: read only */
	struct config *cfg;          /* NULL: the file has errors */
	struct config_diag diag;
	struct advertise_plan *plan;
	struct inbound_prepared *inb; /* NULL: out of memory, the loop builds them */
	uint64_t t0, worked_us;
};

struct reload {
	struct daemon *d;
	reload_apply_fn apply;
	int fd[2]; /* the worker writes one byte to fd[1] when done */
	struct event *ev;
	pthread_t th;
	bool running;
	bool again;          /* asked while running: one more run */
	struct waiters cur;  /* answered by the running job */
	struct waiters next; /* by the one after it */
	struct job job;
};

static void *
worker(void *arg)
{
	struct reload *r = arg;
	struct job *j = &r->job;
	uint64_t t = looplag_now_us();
	ssize_t n;

	/* Below the loop's thread: on a busy CPU the loop answers first (a
	 * preference only: failing to set it changes nothing else). */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), RELOAD_WORKER_NICE);
	j->cfg = config_load(j->path, &j->diag);
	if (j->cfg) {
		j->plan = advertise_compute(j->adv, j->cfg);
		j->inb = inbound_prepare(j->cfg);
	}
	j->worked_us = looplag_now_us() - t;
	do
		n = write(r->fd[1], "x", 1);
	while (n < 0 && errno == EINTR);
	return NULL;
}

static void
answer(struct reload *r, struct waiters *w, int rc, const struct config_diag *diag)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].fn)
			w->v[i].fn(r->d, rc, diag, w->v[i].arg);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

static int
start(struct reload *r)
{
	struct job *j = &r->job;

	memset(j, 0, sizeof(*j));
	config_diag_init(&j->diag);
	j->adv = r->d->adv;
	j->t0 = looplag_now_us();
	if (!(j->path = strdup(r->d->opts.config_path)))
		return -1;
	log_notice("reloading %s", j->path);
	/* The reload and the UPDATEs it sends must not stall the loop: measured. */
	looplag_arm(r->d->lag, RELOAD_WATCH_SECS, "reload");
	if (pthread_create(&r->th, NULL, worker, r) != 0) {
		free(j->path);
		config_diag_free(&j->diag);
		return -1;
	}
	r->running = true;
	r->again = false;
	return 0;
}

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reload *r = arg;
	struct job *j = &r->job;
	uint64_t t, cpu;
	char b[16];
	int rc;

	(void)what;
	while (read(fd, b, sizeof(b)) > 0)
		;
	if (!r->running)
		return;
	pthread_join(r->th, NULL);
	r->running = false;
	t = looplag_now_us();
	cpu = looplag_thread_cpu_us();
	rc = r->apply(r->d, j->cfg, j->plan, j->inb, &j->diag);
	if (rc == 0)
		log_notice(
		        "reloaded in %.1f ms: config and policy %.1f ms off the loop, applied in "
		        "%.1f ms (%.1f ms of it on the CPU)",
		        (double)(looplag_now_us() - j->t0) / 1000.0, (double)j->worked_us / 1000.0,
		        (double)(looplag_now_us() - t) / 1000.0,
		        (double)(looplag_thread_cpu_us() - cpu) / 1000.0);
	answer(r, &r->cur, rc, &j->diag);
	config_diag_free(&j->diag);
	free(j->path);
	memset(j, 0, sizeof(*j));
	/* Whoever asked while this ran is served by a fresh read of the file. */
	if ((r->again || r->next.n) && !r->d->stopping) {
		r->cur = r->next;
		r->next = (struct waiters){0};
		if (start(r) < 0) {
			log_err("reload: cannot start a worker: %s", strerror(errno));
			answer(r, &r->cur, -1, NULL);
		}
	}
}

struct reload *
reload_new(struct daemon *d, reload_apply_fn apply)
{
	struct reload *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->d = d;
	r->apply = apply;
	if (pipe2(r->fd, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(r);
		return NULL;
	}
	r->ev = event_new(d->base, r->fd[0], EV_READ | EV_PERSIST, done_cb, r);
	if (!r->ev || event_add(r->ev, NULL) < 0) {
		if (r->ev)
			event_free(r->ev);
		close(r->fd[0]);
		close(r->fd[1]);
		free(r);
		return NULL;
	}
	return r;
}

void
reload_free(struct reload *r)
{
	if (!r)
		return;
	if (r->running) {
		pthread_join(r->th, NULL);
		config_free(r->job.cfg);
		advertise_plan_free(r->job.plan);
		inbound_prepared_free(r->job.inb);
		config_diag_free(&r->job.diag);
		free(r->job.path);
	}
	answer(r, &r->cur, -1, NULL);
	answer(r, &r->next, -1, NULL);
	event_free(r->ev);
	close(r->fd[0]);
	close(r->fd[1]);
	free(r);
}

static int
waiter_add(struct waiters *w, reload_done_fn fn, void *arg)
{
	struct waiter *v;

	if (!fn)
		return 0;
	if (!(v = realloc(w->v, (w->n + 1) * sizeof(*v))))
		return -1;
	w->v = v;
	w->v[w->n++] = (struct waiter){fn, arg};
	return 0;
}

int
reload_request(struct reload *r, reload_done_fn fn, void *arg)
{
	if (!r || r->d->stopping)
		return -1;
	if (r->running) {
		if (waiter_add(&r->next, fn, arg) < 0)
			return -1;
		r->again = true;
		log_info("reload: one is running; the file is read again after it");
		return 0;
	}
	if (waiter_add(&r->cur, fn, arg) < 0)
		return -1;
	if (start(r) < 0) {
		log_err("reload: cannot start a worker: %s", strerror(errno));
		if (fn)
			r->cur.n--; /* not answered: the caller knows from -1 */
		return -1;
	}
	return 0;
}
