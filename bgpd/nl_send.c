/*
 * nl_send: netlink batches sent from a thread (see nl_send.h).
 *
 * The queue is a list under one mutex; the thread takes one batch at a
 * time and marks itself busy while it is in sendto(), so quiesce can wait
 * for exactly that. A failure is handed to the loop through a pipe, so the
 * callback runs on the loop's thread like every other.
 */
#include "cebgp-config.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nl_send.h"

/* A transient error is tried again this many times, 1 ms apart. */
#define RETRIES 1000

struct batch {
	struct batch *next;
	size_t len;
	uint8_t data[];
};

struct nl_sender {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work; /* a batch was queued, or stop */
	pthread_cond_t idle; /* the thread finished a batch */
	struct batch *head, **tail;
	size_t n;
	bool busy, stop;
	int err; /* of the last failed send, for the loop */
	int fd;
	int pipe[2];
	struct event *ev;
	void (*failed)(void *arg, int err);
	void *arg;
};

static int
send_all(int fd, const struct batch *b)
{
	for (int i = 0; i < RETRIES; i++) {
		if (send(fd, b->data, b->len, 0) >= 0)
			return 0;
		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR)
			return errno;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	return ENOBUFS;
}

static void *
run(void *arg)
{
	struct nl_sender *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->stop)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->stop)
			break;
		struct batch *b = s->head;

		s->head = b->next;
		if (!s->head)
			s->tail = &s->head;
		s->busy = true;
		pthread_mutex_unlock(&s->mu);
		int err = send_all(s->fd, b);

		free(b);
		pthread_mutex_lock(&s->mu);
		s->busy = false;
		s->n--;
		if (err && !s->err) {
			s->err = err;
			(void)!write(s->pipe[1], "!", 1);
		}
		pthread_cond_broadcast(&s->idle);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void
failed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct nl_sender *s = arg;
	char buf[16];
	int err;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&s->mu);
	err = s->err;
	s->err = 0;
	pthread_mutex_unlock(&s->mu);
	if (err && s->failed)
		s->failed(s->arg, err);
}

struct nl_sender *
nl_sender_new(struct event_base *base, int fd, void (*failed)(void *arg, int err), void *arg)
{
	struct nl_sender *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	s->failed = failed;
	s->arg = arg;
	s->tail = &s->head;
	s->pipe[0] = s->pipe[1] = -1;
	if (pipe2(s->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;
	s->ev = event_new(base, s->pipe[0], EV_READ | EV_PERSIST, failed_cb, s);
	if (!s->ev || event_add(s->ev, NULL) < 0)
		goto fail;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	if (pthread_create(&s->th, NULL, run, s) != 0) {
		pthread_cond_destroy(&s->idle);
		pthread_cond_destroy(&s->work);
		pthread_mutex_destroy(&s->mu);
		goto fail;
	}
	return s;
fail:
	if (s->ev)
		event_free(s->ev);
	if (s->pipe[0] >= 0) {
		close(s->pipe[0]);
		close(s->pipe[1]);
	}
	free(s);
	return NULL;
}

void
nl_sender_quiesce(struct nl_sender *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->head) {
		struct batch *b = s->head;

		s->head = b->next;
		free(b);
		s->n--;
	}
	s->tail = &s->head;
	while (s->busy)
		pthread_cond_wait(&s->idle, &s->mu);
	s->err = 0;
	pthread_mutex_unlock(&s->mu);
}

void
nl_sender_free(struct nl_sender *s)
{
	if (!s)
		return;
	nl_sender_quiesce(s);
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	pthread_cond_destroy(&s->idle);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	event_free(s->ev);
	close(s->pipe[0]);
	close(s->pipe[1]);
	free(s);
}

bool
nl_sender_put(struct nl_sender *s, const void *buf, size_t len)
{
	struct batch *b = malloc(sizeof(*b) + len);

	if (!b)
		return false;
	b->next = NULL;
	b->len = len;
	memcpy(b->data, buf, len);
	pthread_mutex_lock(&s->mu);
	*s->tail = b;
	s->tail = &b->next;
	s->n++;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	return true;
}

bool
nl_sender_flush(struct nl_sender *s, int timeout_ms)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->mu);
	while (s->n > 0 && pthread_cond_timedwait(&s->idle, &s->mu, &until) == 0)
		;
	done = s->n == 0;
	pthread_mutex_unlock(&s->mu);
	return done;
}

size_t
nl_sender_pending(const struct nl_sender *s)
{
	struct nl_sender *m = (struct nl_sender *)s; /* the lock, not the state, changes */
	size_t n;

	pthread_mutex_lock(&m->mu);
	n = m->n;
	pthread_mutex_unlock(&m->mu);
	return n;
}
