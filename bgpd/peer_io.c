/* peer_io: one TCP connection: set-up, reading, write queue, draining close. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "peer_io.h"
#include "sockopt.h"

/* How long a closing connection may take to send its last NOTIFICATION. */
#define PIO_DRAIN_SECS 3

static void
conn_more_cb(evutil_socket_t fd, short what, void *arg)
{
	pio_process(arg);
}

static void
conn_deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	c->cbs->failed(c, c->deferred_why);
}

struct conn_tcb {
	struct conn *c;
	enum fsm_timer t;
};

static void
conn_tcb_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn_tcb *tcb = arg;

	tcb->c->cbs->timer(tcb->c, tcb->t);
}

struct conn_priv {
	struct conn c;
	struct conn_tcb tcb[FSM_TIMER_COUNT];
};

struct conn *
conn_new(struct pio_ctx *pc, const struct pio_cbs *cbs, struct session *s, const char *desc)
{
	struct conn_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	struct conn *c = &p->c;
	c->s = s;
	c->pc = pc;
	c->cbs = cbs;
	c->desc = desc;
	for (int t = 0; t < FSM_TIMER_COUNT; t++) {
		p->tcb[t].c = c;
		p->tcb[t].t = (enum fsm_timer)t;
		c->timers[t] = evtimer_new(pc->base, conn_tcb_cb, &p->tcb[t]);
	}
	c->more = event_new(pc->base, -1, 0, conn_more_cb, c);
	c->deferred = event_new(pc->base, -1, 0, conn_deferred_cb, c);
	return c;
}

static void
conn_free_cb(evutil_socket_t fd, short what, void *arg)
{
	free(arg);
}

void
conn_release(struct conn *c)
{
	if (!c || c->dying)
		return;
	c->dying = true;
	pio_close(c, true);
	for (int t = 0; t < FSM_TIMER_COUNT; t++)
		if (c->timers[t])
			event_free(c->timers[t]);
	event_free(c->more);
	event_free(c->deferred);
	memset(c->timers, 0, sizeof(c->timers));
	c->more = c->deferred = NULL;
	/* The caller may be on this connection's stack: free on the next turn. */
	if (event_base_once(c->pc->base, -1, EV_TIMEOUT, conn_free_cb, c, NULL) < 0)
		log_err("cannot schedule a free: leaking one connection");
}

/* ---- draining close ---- */

struct drain {
	struct bufferevent *bev;
	struct event *timeout;
	struct pio_ctx *pc;
	struct drain *next, **pprev;
};

static void
drain_finish(struct drain *dr)
{
	if (dr->next)
		dr->next->pprev = dr->pprev;
	*dr->pprev = dr->next;
	bufferevent_free(dr->bev);
	event_free(dr->timeout);
	struct pio_ctx *pc = dr->pc;
	free(dr);
	if (pc->draining)
		pc->draining--;
	if (pc->drained)
		pc->drained(pc->arg);
}

static void
drain_write_cb(struct bufferevent *bev, void *arg)
{
	struct drain *dr = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		drain_finish(dr);
}

static void
drain_event_cb(struct bufferevent *bev, short what, void *arg)
{
	drain_finish(arg);
}

static void
drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	drain_finish(arg);
}

void
pio_close(struct conn *c, bool flush)
{
	struct bufferevent *bev = c->bev;

	if (!bev)
		return;
	c->bev = NULL;
	c->connecting = false;
	if (c->more)
		event_del(c->more);
	if (c->deferred)
		event_del(c->deferred);
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	if (!flush || evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		bufferevent_free(bev);
		return;
	}
	struct drain *dr = calloc(1, sizeof(*dr));
	if (!dr) {
		bufferevent_free(bev);
		return;
	}
	dr->bev = bev;
	dr->pc = c->pc;
	dr->timeout = evtimer_new(dr->pc->base, drain_timeout_cb, dr);
	struct timeval tv = {PIO_DRAIN_SECS, 0};
	evtimer_add(dr->timeout, &tv);
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	bufferevent_setcb(bev, NULL, drain_write_cb, drain_event_cb, dr);
	bufferevent_enable(bev, EV_WRITE);
	dr->next = dr->pc->drains;
	if (dr->next)
		dr->next->pprev = &dr->next;
	dr->pprev = &dr->pc->drains;
	dr->pc->drains = dr;
	dr->pc->draining++;
}

void
pio_drain_free_all(struct pio_ctx *pc)
{
	while (pc->drains)
		drain_finish(pc->drains);
}

/* ---- reading ---- */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The read bound for messages of at most max_len bytes (peer_io.h). */
static size_t
read_bound(size_t max_len)
{
	return 2 * max_len > PIO_READ_MAX ? 2 * max_len : PIO_READ_MAX;
}

/*
 * Hand the owner the head of the input as lib/peer asks: the header, then
 * the whole message, each pulled up once. The owner may close or replace
 * the connection while it handles a message.
 */
void
pio_process(struct conn *c)
{
	int64_t start = mono_ms();
	int handled = 0;

	while (handled < PIO_BATCH) {
		/*
		 * A big UPDATE costs a millisecond or more (several on a busy
		 * machine: eight of them were 60 ms), and a clock read next to
		 * none: look after every message.
		 */
		if (handled > 0 && mono_ms() - start >= PIO_SLICE_MS)
			break;
		if (!c->bev || c->dying)
			return;
		struct bufferevent *bev = c->bev;
		struct evbuffer *in = bufferevent_get_input(bev);
		size_t need = c->p.need;

		if (evbuffer_get_length(in) < need)
			return;
		const uint8_t *data = evbuffer_pullup(in, (ssize_t)need);
		if (!data)
			return;
		size_t used = c->cbs->input(c, data, need);
		if (c->bev != bev)
			return;
		if (used > 0) {
			evbuffer_drain(in, used);
			handled++;
		} else if (c->p.need <= need) {
			return; /* no progress: wait for the socket */
		}
	}
	/* More may be waiting: continue on the next loop turn. */
	if (c->bev && evbuffer_get_length(bufferevent_get_input(c->bev)) >= c->p.need)
		event_active(c->more, EV_TIMEOUT, 0);
}

size_t
pio_pending_input(const struct conn *c)
{
	return c->bev ? evbuffer_get_length(bufferevent_get_input(c->bev)) : 0;
}

/*
 * Data can be readable in the same loop turn as the connect completes, and
 * the read callback may run first: the connection is up then, say so
 * before handing over the peer's OPEN.
 */
static void
pio_connected(struct conn *c)
{
	c->connecting = false;
	c->cbs->connected(c);
}

static void
pio_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->connecting) {
		pio_connected(c);
		if (c->bev != bev)
			return;
	}
	pio_process(c);
}

static void
pio_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	c->cbs->written(c);
}

static void
pio_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		if (c->connecting) /* not already noticed by the read callback */
			pio_connected(c);
		return;
	}
	char why[160];
	int err = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "connection closed by the peer");
	else if (c->connecting)
		snprintf(why, sizeof(why), "connect: %s", strerror(err));
	else
		snprintf(why, sizeof(why), "connection error: %s", strerror(err));
	/* Handle what the peer sent before it hung up (its NOTIFICATION). */
	if (what & BEV_EVENT_EOF) {
		pio_process(c);
		if (!c->bev || c->bev != bev)
			return;
	}
	c->cbs->failed(c, why);
}

static int
pio_setup(struct conn *c, int fd)
{
	struct bufferevent *bev = bufferevent_socket_new(c->pc->base, fd, BEV_OPT_CLOSE_ON_FREE);

	if (!bev) {
		close(fd);
		return -1;
	}
	bufferevent_setcb(bev, pio_read_cb, pio_write_cb, pio_event_cb, c);
	/*
	 * Bounded input: the socket is not read while PIO_READ_MAX bytes (or
	 * two maximum-size messages, if more) are buffered (see peer_io.h).
	 */
	bufferevent_setwatermark(bev, EV_READ, 0, read_bound(MSG_MAX_LEN));
	bufferevent_set_max_single_read(bev, PIO_READ_MAX);
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	c->bev = bev;
	return 0;
}

int
pio_connect(struct conn *c, const struct sockopt_connect *sc, char *why, size_t whylen)
{
	const char *what = NULL;
	char a[ADDR_STRLEN];

	pio_close(c, false);
	int fd = sockopt_connect(sc, &what);
	if (fd < 0) {
		int err = errno;

		if (err == ENODEV)
			snprintf(why, whylen, "interface %s does not exist",
			         sc->ifname ? sc->ifname : "-");
		else if (err == EADDRNOTAVAIL)
			snprintf(why, whylen, "address %s is not configured on %s",
			         addr_fmt(&sc->local, a, sizeof(a)), sc->ifname ? sc->ifname : "-");
		else
			snprintf(why, whylen, "%s: %s", what, strerror(err));
		return -1;
	}
	if (pio_setup(c, fd) < 0) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	c->connecting = true;
	/* connect() is already in progress: wait for writability. */
	if (bufferevent_socket_connect(c->bev, NULL, 0) < 0) {
		pio_close(c, false);
		snprintf(why, whylen, "connect: cannot watch the socket");
		return -1;
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return 0;
}

int
pio_attach(struct conn *c, int fd, const struct sockopt_connect *sc)
{
	pio_close(c, false);
	/* The listener's options are generic: apply this session's. */
	if (sc->ifname)
		(void)sockopt_bind_device(fd, sc->ifname);
	if (sockopt_ttl(fd, sc->peer.afi, sc->gtsm) < 0 || sockopt_common(fd, sc->peer.afi) < 0)
		log_peer(LOG_WARNING, c->desc, "socket options: %s", strerror(errno));
	if (pio_setup(c, fd) < 0)
		return -1;
	c->connecting = false;
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return 0;
}

bool
pio_send(struct conn *c, const void *data, size_t len)
{
	if (!c->bev || c->connecting)
		return false;
	return bufferevent_write(c->bev, data, len) == 0;
}

void
pio_set_max_len(struct conn *c, size_t max_len)
{
	if (c->bev)
		bufferevent_setwatermark(c->bev, EV_READ, 0, read_bound(max_len));
}

size_t
pio_queued(const struct conn *c)
{
	return c->bev ? evbuffer_get_length(bufferevent_get_output(c->bev)) : 0;
}

void
pio_defer_failure(struct conn *c, const char *why)
{
	snprintf(c->deferred_why, sizeof(c->deferred_why), "%s", why);
	if (c->deferred)
		event_active(c->deferred, EV_TIMEOUT, 0);
}
