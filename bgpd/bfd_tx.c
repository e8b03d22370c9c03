/*
 * bfd_tx: periodic BFD transmission on its own thread (see bfd_tx.h for
 * why). The thread owns the schedule (next, last); the loop owns the
 * contents (packet, interval); both touch a slot only under the lock.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "bfd.h"
#include "bfd_tx.h"
#include "xorshift.h"

struct slot {
	bool used;
	int fd;
	uint8_t pkt[BFD_PKT_LEN];
	size_t len;
	uint64_t interval; /* µs; 0: silent */
	uint8_t mult;
	bool urgent;   /* send at once */
	uint64_t next; /* thread: when the next packet is due; 0: not scheduled */
	uint64_t last; /* thread: when the last one left; 0: none */
	uint32_t rng;
	struct bfd_tx_stats st;
};

struct bfd_tx {
	pthread_t th;
	bool realtime; /* SCHED_FIFO granted */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct slot slots[BFD_TX_MAX];
};

uint64_t
bfd_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One slot's turn at time now; returns when it is due next (UINT64_MAX: never). */
static uint64_t
slot_run(struct slot *s, uint64_t now)
{
	if (!s->used || s->interval == 0 || s->fd < 0)
		return UINT64_MAX;
	if (!s->urgent && s->next != 0 && now < s->next)
		return s->next;
	if (!s->urgent && s->next != 0) {
		uint64_t late = now - s->next;

		s->st.late_last_us = late;
		if (late > s->st.late_max_us)
			s->st.late_max_us = late;
	}
	if (s->last != 0 && now - s->last > s->st.gap_max_us && !s->urgent) {
		s->st.gap_max_us = now - s->last;
		s->st.interval_us = s->interval;
	}
	if (send(s->fd, s->pkt, s->len, MSG_DONTWAIT) < 0)
		s->st.send_errors++;
	else
		s->st.sent++;
	s->urgent = false;
	s->last = now;
	/* RFC 5880 6.8.7: each interval reduced by a random 0-25 % (10-25 % for mult 1). */
	s->next = now + bfd_jitter(s->interval, s->mult, xorshift32(&s->rng));
	return s->next;
}

static void *
tx_main(void *arg)
{
	struct bfd_tx *t = arg;

	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		uint64_t now = bfd_now_us(), due = UINT64_MAX;

		for (size_t i = 0; i < BFD_TX_MAX; i++) {
			uint64_t n = slot_run(&t->slots[i], now);
			if (n < due)
				due = n;
		}
		if (due == UINT64_MAX) {
			pthread_cond_wait(&t->cv, &t->mu);
			continue;
		}
		struct timespec ts = {.tv_sec = (time_t)(due / 1000000u),
		                      .tv_nsec = (long)(due % 1000000u) * 1000};
		pthread_cond_timedwait(&t->cv, &t->mu, &ts);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

struct bfd_tx *
bfd_tx_start(void)
{
	struct bfd_tx *t = calloc(1, sizeof(*t));
	pthread_condattr_t ca;
	int err;

	if (!t)
		return NULL;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	/* The thread may run at real-time priority: no inversion behind the loop. */
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&t->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&t->th, NULL, tx_main, t);
	if (err) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		free(t);
		errno = err;
		return NULL;
	}
	pthread_setname_np(t->th, "cebgpd-bfd-tx");
	/*
	 * A loaded machine delays a normal thread's wake-up by tens of
	 * milliseconds; SCHED_FIFO (CAP_SYS_NICE) keeps it to microseconds.
	 * The thread only sleeps and sends: it cannot starve anything.
	 */
	struct sched_param sp = {.sched_priority = BFD_TX_RT_PRIO};
	t->realtime = pthread_setschedparam(t->th, SCHED_FIFO, &sp) == 0;
	return t;
}

void
bfd_tx_allow_realtime(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_RTPRIO, &rl) < 0 || rl.rlim_cur >= BFD_TX_RT_PRIO)
		return;
	if (rl.rlim_max < BFD_TX_RT_PRIO)
		rl.rlim_max = BFD_TX_RT_PRIO; /* only root may; otherwise nothing changes */
	rl.rlim_cur = BFD_TX_RT_PRIO;
	(void)setrlimit(RLIMIT_RTPRIO, &rl);
}

bool
bfd_tx_realtime(const struct bfd_tx *t)
{
	return t && t->realtime;
}

void
bfd_tx_stop(struct bfd_tx *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

int
bfd_tx_add(struct bfd_tx *t, int fd, uint32_t seed)
{
	int slot = -1;

	pthread_mutex_lock(&t->mu);
	for (int i = 0; i < BFD_TX_MAX && slot < 0; i++)
		if (!t->slots[i].used) {
			slot = i;
			t->slots[i] = (struct slot){.used = true, .fd = fd, .rng = seed ? seed : 1};
		}
	pthread_mutex_unlock(&t->mu);
	return slot;
}

void
bfd_tx_set_fd(struct bfd_tx *t, int slot, int fd)
{
	pthread_mutex_lock(&t->mu);
	t->slots[slot].fd = fd;
	pthread_mutex_unlock(&t->mu);
}

void
bfd_tx_remove(struct bfd_tx *t, int slot)
{
	pthread_mutex_lock(&t->mu);
	t->slots[slot] = (struct slot){.fd = -1};
	pthread_mutex_unlock(&t->mu);
}

void
bfd_tx_publish(struct bfd_tx *t, int slot, const uint8_t *pkt, size_t len, uint64_t interval_us,
               uint8_t mult, bool now)
{
	struct slot *s = &t->slots[slot];
	bool wake;

	if (len > sizeof(s->pkt))
		len = sizeof(s->pkt);
	pthread_mutex_lock(&t->mu);
	if (len)
		memcpy(s->pkt, pkt, len);
	s->len = len;
	/* A shorter interval takes effect at once, not after the old one ran out. */
	wake = now || interval_us != s->interval;
	if (interval_us != s->interval) {
		if (s->next != 0 && s->last != 0 && interval_us != 0 &&
		    s->last + interval_us < s->next) {
			uint64_t now_us = bfd_now_us();

			/* Due now at the latest: the change is not lateness. */
			s->next = s->last + interval_us > now_us ? s->last + interval_us : now_us;
		}
		/* The figures are against the interval in force: restart them. */
		s->last = 0;
		s->st.late_max_us = 0;
		s->st.gap_max_us = 0;
	}
	s->interval = interval_us;
	s->mult = mult;
	s->urgent = s->urgent || now;
	if (wake)
		pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void
bfd_tx_stats(struct bfd_tx *t, int slot, struct bfd_tx_stats *out)
{
	pthread_mutex_lock(&t->mu);
	*out = t->slots[slot].st;
	pthread_mutex_unlock(&t->mu);
}

void
bfd_tx_reset_stats(struct bfd_tx *t, int slot)
{
	pthread_mutex_lock(&t->mu);
	struct slot *s = &t->slots[slot];
	uint64_t sent = s->st.sent, errs = s->st.send_errors;

	s->st = (struct bfd_tx_stats){.sent = sent, .send_errors = errs};
	s->last = 0;
	pthread_mutex_unlock(&t->mu);
}
