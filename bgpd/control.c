/*
 * control: the control socket server (control.h).
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "log.h"

struct control;

struct control_pending {
	struct client *cl; /* NULL: the client left before the answer */
};

/* A sentinel, never sent: its address is all that matters. */
static json_t deferred_sentinel;
json_t *const CONTROL_DEFERRED = &deferred_sentinel;

struct client {
	struct control *ctl;
	struct client *next;
	struct control_pending *pending; /* a deferred answer is owed */
	struct bufferevent *bev;
	struct ctl_dec dec;
	bool readonly;
	bool closing; /* flush the last response, then close */
	uid_t uid;
	pid_t pid;
};

struct control {
	struct event_base *base;
	struct control_opts opts;
	control_dispatch_fn fn;
	void *arg;
	struct evconnlistener *lis[2]; /* [0] main, [1] read-only */
	char *path[2];
	struct client *clients;
	size_t nclients;
	struct client *current; /* the one whose request is being dispatched */
};

static void
client_free(struct client *cl)
{
	struct control *c = cl->ctl;

	for (struct client **pp = &c->clients; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	c->nclients--;
	if (cl->pending)
		cl->pending->cl = NULL;
	bufferevent_free(cl->bev);
	ctl_dec_free(&cl->dec);
	free(cl);
}

/* Queue one response frame; false if it could not be (then close). */
static bool
client_send(struct client *cl, json_t *resp)
{
	size_t len;
	uint8_t *f = ctl_frame_json(resp, cl->ctl->opts.max_response, &len);

	if (!f) {
		/* Too large (or no memory): say so instead, which always fits. */
		json_t *e = ctl_response_error("response too large: narrow the command "
		                               "(e.g. with a PEERING or PREFIX)",
		                               NULL);

		f = ctl_frame_json(e, cl->ctl->opts.max_response, &len);
		json_decref(e);
		if (!f)
			return false;
	}
	int rc = bufferevent_write(cl->bev, f, len);

	free(f);
	return rc == 0;
}

static json_t *
client_request(struct client *cl, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *resp;
	struct ctl_parsed *p;
	struct ctl_error err;
	const char *why, *line;

	if (!req)
		return ctl_response_error("request is not JSON", NULL);
	line = ctl_request_line(req, &why);
	if (!line) {
		json_decref(req);
		return ctl_response_error(why, NULL);
	}
	/* ~6 KiB: on the heap, the daemon's stack is for the loop. */
	p = malloc(sizeof(*p));
	if (!p) {
		json_decref(req);
		return ctl_response_error("out of memory", NULL);
	}
	if (!ctl_parse(line, p, &err)) {
		resp = ctl_response_error(err.msg, NULL);
	} else if (cl->readonly && !p->cmd->readonly) {
		resp = ctl_response_error("not allowed on the read-only socket", NULL);
	} else {
		/* Everything that changes state is logged with who asked. */
		if (!p->cmd->readonly)
			log_notice("control: \"%s\" from uid %ld pid %ld", p->canon, (long)cl->uid,
			           (long)cl->pid);
		cl->ctl->current = cl;
		resp = cl->ctl->fn(cl->ctl->arg, p);
		cl->ctl->current = NULL;
		if (!resp)
			resp = ctl_response_error("out of memory", NULL);
	}
	free(p);
	json_decref(req);
	return resp;
}

/*
 * Take at most one request. While its response is still queued, reading
 * stays off (write_cb turns it back on), so a client that does not read
 * holds one response's worth of memory and no more.
 */
static void
client_process(struct client *cl)
{
	struct evbuffer *in = bufferevent_get_input(cl->bev);

	while (evbuffer_get_length(in) > 0) {
		size_t avail = evbuffer_get_length(in), used = 0;
		size_t chunk = avail < 4096 ? avail : 4096;
		const uint8_t *data = evbuffer_pullup(in, (ev_ssize_t)chunk);
		enum ctl_dec_status st = ctl_dec_feed(&cl->dec, data, chunk, &used);

		evbuffer_drain(in, used);
		if (st == CTL_DEC_MORE)
			continue;
		if (st != CTL_DEC_FRAME) {
			json_t *e = ctl_response_error(st == CTL_DEC_TOOBIG ? "request too large"
			                                                    : "bad request frame",
			                               NULL);

			client_send(cl, e);
			json_decref(e);
			cl->closing = true;
			bufferevent_disable(cl->bev, EV_READ);
			return;
		}
		size_t blen;
		char *body = ctl_dec_take(&cl->dec, &blen);
		json_t *resp = client_request(cl, body, blen);

		free(body);
		if (resp == CONTROL_DEFERRED) {
			/* Paused (no reading) until control_reply(). */
			bufferevent_disable(cl->bev, EV_READ);
			return;
		}
		if (!client_send(cl, resp)) {
			json_decref(resp);
			client_free(cl);
			return;
		}
		json_decref(resp);
		bufferevent_disable(cl->bev, EV_READ);
		return;
	}
}

struct control_pending *
control_defer(struct control *c)
{
	struct control_pending *p;

	if (!c->current || c->current->pending || !(p = calloc(1, sizeof(*p))))
		return NULL;
	p->cl = c->current;
	c->current->pending = p;
	return p;
}

void
control_reply(struct control_pending *p, json_t *resp)
{
	struct client *cl = p->cl;

	free(p);
	if (!cl) {
		json_decref(resp);
		return;
	}
	cl->pending = NULL;
	if (!client_send(cl, resp)) {
		json_decref(resp);
		client_free(cl);
		return;
	}
	json_decref(resp);
	/* write_cb turns reading back on once the answer has left. */
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	client_process(arg);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;

	/* Called when the output buffer drained (low watermark 0). */
	if (cl->closing) {
		client_free(cl);
		return;
	}
	bufferevent_enable(bev, EV_READ);
	/* A pipelined request may already be waiting. */
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		client_process(cl);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client *cl = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		log_info("control: client pid %ld timed out", (long)cl->pid);
	client_free(cl);
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	struct control *c = arg;
	bool ro = lis == c->lis[1];
	struct client *cl;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct timeval tv = {.tv_sec = c->opts.timeout_secs};

	(void)sa;
	(void)salen;
	if (c->nclients >= c->opts.max_clients) {
		json_t *e = ctl_response_error("too many control clients", NULL);
		size_t len;
		uint8_t *f = ctl_frame_json(e, CTL_MAX_RESPONSE, &len);

		/* Best effort, never blocks: the socket is non-blocking. */
		if (f && send(fd, f, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_debug("control: %s", strerror(errno));
		free(f);
		json_decref(e);
		log_warn("control: refused a client: %zu connected", c->nclients);
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->ctl = c;
	cl->readonly = ro;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
		cl->uid = cred.uid;
		cl->pid = cred.pid;
	}
	ctl_dec_init(&cl->dec, CTL_MAX_REQUEST);
	cl->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!cl->bev) {
		close(fd);
		free(cl);
		return;
	}
	bufferevent_setcb(cl->bev, read_cb, write_cb, event_cb, cl);
	bufferevent_set_timeouts(cl->bev, &tv, &tv);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	cl->next = c->clients;
	c->clients = cl;
	c->nclients++;
}

/* Remove a stale socket file, but never a live socket or anything else. */
static int
unlink_stale(const char *path)
{
	struct stat st;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0) {
		errno = EADDRINUSE; /* another cebgpd answers there */
		return -1;
	}
	return unlink(path);
}

static struct evconnlistener *
listen_on(struct control *c, const char *path, mode_t mode, gid_t gid, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct evconnlistener *lis;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return NULL;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (unlink_stale(path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	/* Bind with a tight umask so the socket is never briefly too open. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));

	umask(old);
	if (rc < 0 || (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) ||
	    chmod(path, mode) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		if (rc == 0)
			unlink(path);
		return NULL;
	}
	lis = evconnlistener_new(c->base, accept_cb, c, LEV_OPT_CLOSE_ON_FREE, 16, fd);
	if (!lis) {
		snprintf(err, errlen, "%s: cannot listen", path);
		close(fd);
		unlink(path);
	}
	return lis;
}

struct control *
control_open(struct event_base *base, const struct control_opts *opts, control_dispatch_fn fn,
             void *arg, char *err, size_t errlen)
{
	struct control *c = calloc(1, sizeof(*c));
	gid_t gid = (gid_t)-1;
	const char *paths[2] = {opts->path, opts->ro_path};
	/* The read-only socket is for monitoring by anyone (it changes nothing). */
	static const mode_t modes[2] = {0660, 0666};

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->base = base;
	c->opts = *opts;
	c->fn = fn;
	c->arg = arg;
	if (!c->opts.max_clients)
		c->opts.max_clients = CONTROL_MAX_CLIENTS;
	if (!c->opts.timeout_secs)
		c->opts.timeout_secs = CONTROL_TIMEOUT_SECS;
	if (!c->opts.max_response)
		c->opts.max_response = CTL_MAX_RESPONSE;
	if (opts->group) {
		struct group *g = getgrnam(opts->group);

		if (!g) {
			snprintf(err, errlen, "control group %s: no such group", opts->group);
			free(c);
			return NULL;
		}
		gid = g->gr_gid;
	}
	for (int i = 0; i < 2; i++) {
		if (!paths[i])
			continue;
		c->lis[i] = listen_on(c, paths[i], modes[i], gid, err, errlen);
		c->path[i] = strdup(paths[i]);
		if (!c->lis[i] || !c->path[i]) {
			control_close(c);
			return NULL;
		}
	}
	return c;
}

void
control_close(struct control *c)
{
	if (!c)
		return;
	while (c->clients)
		client_free(c->clients);
	for (int i = 0; i < 2; i++) {
		if (c->lis[i]) {
			evconnlistener_free(c->lis[i]);
			unlink(c->path[i]);
		}
		free(c->path[i]);
	}
	free(c);
}

size_t
control_clients(const struct control *c)
{
	return c->nclients;
}
