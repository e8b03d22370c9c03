/*
 * ctl_show: the control commands of cebgpd, answering JSON from the
 * daemon's state (shapes: ctl/ctl_render.c, keys: lib/ctl_proto.h).
 *
 * ctl_daemon_open() starts the control server on the configured sockets;
 * the daemon calls it once its loop exists and ctl_daemon_close() before
 * it frees its state.
 */
#ifndef CEBGP_CTL_SHOW_H
#define CEBGP_CTL_SHOW_H

#include "reload.h"

#include <jansson.h>

struct config_diag;
struct ctl_daemon;
struct ctl_parsed;
struct daemon;

/*
 * The daemon's reload request (daemon_reload_request), handed in so the
 * control server never calls up: fn answers when the reload is applied.
 */
typedef int ctl_reload_fn(struct daemon *d, reload_done_fn fn, void *arg);

/* NULL (logged) if a socket cannot be opened: the daemon must not run without. */
struct ctl_daemon *ctl_daemon_open(struct daemon *d, ctl_reload_fn *reload);
void ctl_daemon_close(struct ctl_daemon *c);

/* `show policy` and `explain` (ctl_policy.c). */
json_t *ctl_show_policy(struct daemon *d, const struct ctl_parsed *p);
json_t *ctl_explain(struct daemon *d, const struct ctl_parsed *p);
/* `show bfd [ADDR]` (ctl_bfd.c). */
json_t *ctl_show_bfd(struct daemon *d, const struct ctl_parsed *p);

/* Run one command against d (exported for tests). */
json_t *ctl_daemon_dispatch(void *daemon_ctx, const struct ctl_parsed *cmd);

#endif
