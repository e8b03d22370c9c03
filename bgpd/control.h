/*
 * control: the control socket server in cebgpd (protocol: lib/ctl_proto.h).
 *
 * Two UNIX stream sockets: the main one (default /run/cebgp/cebgpd.sock,
 * mode 0660, group configurable) takes every command; the read-only one
 * (default /run/cebgp/cebgpd.ro.sock, mode 0666, for monitoring) takes only
 * the commands the table marks read-only (OpenBGPD's restricted socket).
 *
 * A slow or vanished client never blocks the daemon: sockets are
 * non-blocking (libevent bufferevents); a client has at most one request
 * in progress and one response queued (reading pauses until the response
 * has left), responses above CTL_MAX_RESPONSE become an error, a client
 * idle or not reading for CONTROL_TIMEOUT_SECS is dropped, and at most
 * CONTROL_MAX_CLIENTS are connected at once.
 *
 * A command whose answer takes longer than one loop step (`reload`: the
 * config is read and the policy runs off the loop) calls control_defer()
 * inside the dispatch function and returns CONTROL_DEFERRED; the answer
 * goes out later through control_reply(). The client stays paused until
 * then; if it leaves first, the reply is dropped.
 */
#ifndef CEBGP_CONTROL_H
#define CEBGP_CONTROL_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct ctl_parsed;
struct event_base;

#define CONTROL_MAX_CLIENTS  32
#define CONTROL_TIMEOUT_SECS 60

struct control_opts {
	const char *path;    /* NULL: no main socket */
	const char *ro_path; /* NULL: no read-only socket */
	const char *group;   /* NULL: the daemon's group */
	size_t max_clients;  /* 0: CONTROL_MAX_CLIENTS */
	unsigned timeout_secs;
	size_t max_response; /* 0: CTL_MAX_RESPONSE */
};

/*
 * Runs one parsed command; returns a response (ctl_response_ok/_error).
 * `readonly` says which socket it came from (already enforced).
 */
typedef json_t *(*control_dispatch_fn)(void *arg, const struct ctl_parsed *cmd);

struct control;
struct control_pending;

/* What a dispatch function returns after control_defer(). */
extern json_t *const CONTROL_DEFERRED;
/* Only inside the dispatch function: the request being answered, to answer
 * later. NULL when memory ran out (then answer now). */
struct control_pending *control_defer(struct control *c);
/* Send the deferred answer (takes resp) and free p. */
void control_reply(struct control_pending *p, json_t *resp);

/* NULL with a reason in err (socket in use, bad group, ...). */
struct control *control_open(struct event_base *base, const struct control_opts *opts,
                             control_dispatch_fn fn, void *arg, char *err, size_t errlen);
/* Close the sockets and every client; remove the socket files. */
void control_close(struct control *c);
/* Connected clients (tests). */
size_t control_clients(const struct control *c);

#endif
