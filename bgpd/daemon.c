/*
 * daemon: process set-up, the listener, signals and reload. One libevent
 * loop runs everything.
 */
#include <errno.h>
#include <event2/event.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advertise.h"
#include "attr.h"
#include "bfd_io.h"
#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "ctl_show.h"      /* control server */
#include "daemon.h"
#include "fib.h"
#include "inbound.h"
#include "ops.h"
#include "kernel.h"
#include "listener.h"
#include "log.h"
#include "looplag.h"
#include "manage_if.h"
#include "peer_io.h"
#include "reload.h"
#include "rib.h"
#include "session.h"

/* How long a stop waits for the last NOTIFICATIONs to leave. */
#define DAEMON_STOP_SECS 5
/* RFC 9003 shutdown communication sent on SIGTERM. */
#define DAEMON_SHUTDOWN_TEXT "cebgpd shutting down"

enum { SIG_TERM, SIG_INT, SIG_HUP, SIG_USR1, SIG_USR2, SIG_COUNT };

static uint16_t daemon_peer_id(struct daemon *d);

static void
log_diag(const struct config_diag *diag)
{
	char line[1024];

	for (size_t i = 0; i < diag->n; i++) {
		const struct config_msg *m = &diag->msgs[i];

		log_msg(m->severity == CONFIG_ERROR ? LOG_ERR : LOG_WARNING, "%s",
		        config_msg_fmt(m, line, sizeof(line)));
	}
}

/* Load path; its errors and warnings are logged and, if out, kept there. */
static struct config *
load_config(const char *path, struct config_diag *out)
{
	struct config_diag own, *diag = out ? out : &own;
	struct config *cfg;

	if (!out)
		config_diag_init(&own);
	cfg = config_load(path, diag);
	log_diag(diag);
	if (!cfg)
		log_err("%s: %zu error%s", path, diag->errors, diag->errors == 1 ? "" : "s");
	if (!out)
		config_diag_free(&own);
	return cfg;
}

struct daemon *
daemon_new(const struct daemon_opts *opts)
{
	struct daemon *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->opts = *opts;
	d->cfg = load_config(opts->config_path, NULL);
	if (!d->cfg) {
		free(d);
		return NULL;
	}
	if (!opts->log_level_forced)
		log_set_level(d->cfg->log.level);
	return d;
}

int
daemon_log_facility(const struct daemon *d)
{
	return d->cfg->log.facility ? d->cfg->log.facility : LOG_DAEMON;
}

uint16_t
daemon_port(const struct daemon *d, const struct session *s)
{
	if (d->opts.port)
		return d->opts.port;
	return s ? s->cfg->opts.port : d->cfg->defaults.port;
}

struct session *
daemon_find_peer(struct daemon *d, const struct addr *local, const struct addr *peer)
{
	for (size_t i = 0; i < d->nsessions; i++) {
		struct session *s = d->sessions[i];

		if (addr_eq(&s->cfg->peer, peer) && (!local || addr_eq(&s->cfg->local, local)))
			return s;
	}
	return NULL;
}

static void
accept_cb(int fd, const struct addr *local, const struct addr *peer, void *arg)
{
	struct daemon *d = arg;
	struct session *s = d->stopping ? NULL : daemon_find_peer(d, local, peer);
	char pa[ADDR_STRLEN], la[ADDR_STRLEN];

	if (!s) {
		log_peer_rl(&d->accept_rl, LOG_WARNING, "listener",
		            "refused a connection from %s to %s: no such session",
		            addr_fmt(peer, pa, sizeof(pa)), addr_fmt(local, la, sizeof(la)));
		close(fd);
		return;
	}
	session_accept(s, fd);
}

static void
listener_keys(struct daemon *d, const struct config *old, const struct config *cfg)
{
	/* Keys of peers that went away (or lost their key) come off first. */
	if (old) {
		for (size_t i = 0; i < old->nsessions; i++) {
			const struct config_session *o = &old->sessions[i];
			const struct config_session *n = config_session_find(cfg, o->key);

			if (o->md5_key && (!n || !n->md5_key || !addr_eq(&n->peer, &o->peer)))
				listener_set_key(d->listener, &o->peer, NULL);
		}
	}
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *cs = &cfg->sessions[i];
		char a[ADDR_STRLEN];

		if (cs->md5_key && listener_set_key(d->listener, &cs->peer, cs->md5_key) < 0)
			log_err("listener: TCP-MD5 key for %s: %s",
			        addr_fmt(&cs->peer, a, sizeof(a)), strerror(errno));
	}
}

static bool
any_gtsm(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->nsessions; i++)
		if (cfg->sessions[i].opts.ttl_security)
			return true;
	return false;
}

static int
daemon_listen(struct daemon *d)
{
	d->port = daemon_port(d, NULL);
	d->listener = listener_new(d->base, d->port, any_gtsm(d->cfg), accept_cb, d);
	if (!d->listener) {
		log_err("cannot listen on port %u: %s", d->port, strerror(errno));
		return -1;
	}
	/* Every peer's key before listen(): no unsigned connection is accepted. */
	listener_keys(d, NULL, d->cfg);
	if (listener_start(d->listener) < 0) {
		log_err("cannot listen on port %u: %s", d->port, strerror(errno));
		return -1;
	}
	log_info("listening on port %u", d->port);
	return 0;
}

static bool
sessions_add(struct daemon *d, struct session *s)
{
	struct session **v = realloc(d->sessions, (d->nsessions + 1) * sizeof(*v));

	if (!v)
		return false;
	d->sessions = v;
	d->sessions[d->nsessions++] = s;
	return true;
}

static void
daemon_exit_now(struct daemon *d)
{
	event_base_loopexit(d->base, NULL);
}

/* A connection finished sending its last NOTIFICATION (peer_io). */
static void
daemon_drained(void *arg)
{
	struct daemon *d = arg;

	if (d->stopping && d->pio.draining == 0)
		daemon_exit_now(d);
}

static void
exit_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	log_warn("stop: %zu connection%s did not drain in time", d->pio.draining,
	         d->pio.draining == 1 ? "" : "s");
	daemon_exit_now(d);
}

/* SIGTERM/SIGINT: Cease / Administrative Shutdown (RFC 9003) to every peer. */
static void
daemon_stop(struct daemon *d)
{
	if (d->stopping) {
		log_notice("second stop signal: exiting now");
		daemon_exit_now(d);
		return;
	}
	d->stopping = true;
	log_notice("stopping: Cease / Administrative Shutdown to every peer");
	listener_free(d->listener);
	d->listener = NULL;
	for (size_t i = 0; i < d->nsessions; i++)
		session_stop(d->sessions[i], ERR_CEASE_ADMIN_SHUTDOWN, DAEMON_SHUTDOWN_TEXT);
	bfd_io_shutdown(d->bfd); /* AdminDown: the peers' BFD must not call it a failure */
	if (d->pio.draining == 0) {
		daemon_exit_now(d);
		return;
	}
	struct timeval tv = {DAEMON_STOP_SECS, 0};
	d->exit_timer = evtimer_new(d->base, exit_timer_cb, d);
	evtimer_add(d->exit_timer, &tv);
}

static struct session *
find_key(struct daemon *d, const char *key)
{
	for (size_t i = 0; i < d->nsessions; i++)
		if (strcmp(d->sessions[i]->key, key) == 0)
			return d->sessions[i];
	return NULL;
}

/*
 * The loop's half of a reload (reload.c read the file and ran the policy
 * off the loop). A config that failed validation (cfg NULL) is rejected
 * and the running one stays. Otherwise, per session (by its stable key):
 * removed ones get Cease / Peer De-configured (RFC 4486), ones whose
 * transport changed are reset with Cease / Other Configuration Change, new
 * ones start, and the rest keep running on the new config.
 */
int
daemon_reload_apply(struct daemon *d, struct config *cfg, struct advertise_plan *plan,
                    struct inbound_prepared *inb, const struct config_diag *diag)
{
	struct config *old = d->cfg;
	char why[160];

	log_diag(diag);
	if (!cfg || d->stopping) {
		if (!cfg)
			log_err("%s: %zu error%s", d->opts.config_path, diag->errors,
			        diag->errors == 1 ? "" : "s");
		log_err("reload rejected: keeping the running configuration");
		config_free(cfg);
		advertise_plan_free(plan);
		inbound_prepared_free(inb);
		return -1;
	}
	if (!d->opts.log_level_forced)
		log_set_level(cfg->log.level);
	if (d->listener)
		listener_keys(d, old, cfg);
	if (!d->opts.port && cfg->defaults.port != d->port)
		log_warn("reload: the listening port changes only with a restart (still %u)",
		         d->port);

	size_t kept = 0, n = d->nsessions;
	struct session **olds = d->sessions;
	d->sessions = NULL;
	d->nsessions = 0;
	for (size_t i = 0; i < n; i++) {
		struct session *s = olds[i];
		const struct config_session *ns = config_session_find(cfg, s->key);

		if (!ns) {
			log_peer(LOG_NOTICE, s->desc, "removed from the configuration");
			session_stop(s, ERR_CEASE_PEER_DECONFIGURED, NULL);
			session_free(s);
			continue;
		}
		why[0] = '\0';
		enum config_change ch = config_session_compare(s->cfg, ns, why, sizeof(why));
		if (ch == CONFIG_RESET) {
			log_peer(LOG_NOTICE, s->desc, "reset: %s", why);
			session_stop(s, ERR_CEASE_CONFIG_CHANGE, NULL);
			session_free(s);
			continue;
		}
		session_update_cfg(s, ns);
		sessions_add(d, s);
		kept++;
	}
	free(olds);
	/* Before anything can run: BFD sessions still point at the freed sessions. */
	bfd_io_sync(d->bfd, d->sessions, d->nsessions);
	d->cfg = cfg;
	manage_if_sync(d->mif); /* sub-interfaces and addresses of new sessions */
	fib_reload(d->fib);
	/* New sessions, and the reset ones again. */
	for (size_t i = 0; i < cfg->nsessions; i++) {
		struct session *s;

		if (find_key(d, cfg->sessions[i].key))
			continue;
		s = session_new(d, &d->senv, &cfg->sessions[i], daemon_peer_id(d));
		if (!s || !sessions_add(d, s)) {
			session_free(s);
			log_err("out of memory adding session %s", cfg->sessions[i].key);
			continue;
		}
		session_start(s);
	}
	bfd_io_sync(d->bfd, d->sessions, d->nsessions); /* the new sessions' BFD */
	advertise_reload(d->adv, plan);
	/* Stored routes meet the new inbound policy in place: no refresh, no reset. */
	inbound_reload(d->inbound, inb);
	config_free(old);
	log_notice("reloaded: %zu session%s kept, %zu now", kept, kept == 1 ? "" : "s",
	           d->nsessions);
	return 0;
}

static int
dump_loc_rib(const struct prefix *p, const struct rib_path *paths, void *arg)
{
	size_t *n = arg;
	char pb[PREFIX_STRLEN], line[512];
	int off = 0;

	line[0] = '\0';
	for (const struct rib_path *path = paths; path; path = rib_path_next(path)) {
		char nh[ADDR_STRLEN];

		if (!(path->flags & RIB_PATH_ECMP) || !rib_path_eff(path) ||
		    off >= (int)sizeof(line) - 64)
			continue;
		off += snprintf(line + off, sizeof(line) - (size_t)off, " %s%s",
		                addr_fmt(&rib_path_eff(path)->set.nexthop, nh, sizeof(nh)),
		                path->flags & RIB_PATH_BEST ? "*" : "");
	}
	if (line[0])
		log_info("dump: loc-rib %s nexthops%s", prefix_fmt(p, pb, sizeof(pb)), line);
	return ++*n >= 100000;
}

static void
daemon_dump(struct daemon *d)
{
	struct rib_stats st;
	size_t n = 0;

	rib_stats(d->rib, &st);
	log_info("dump: %zu sessions, %zu attribute sets, %zu Loc-RIB prefixes, %zu paths, "
	         "%zu bytes of RIB, %llu Loc-RIB changes",
	         d->nsessions, attr_table_count(d->attrs), st.prefixes, st.paths, st.total_bytes,
	         (unsigned long long)d->loc_rib_changes);
	for (size_t i = 0; i < d->nsessions; i++)
		ops_dump_session(d->sessions[i], d->rib);
	rib_walk(d->rib, 0, dump_loc_rib, &n);
	log_info("dump: end");
}

/*
 * A Loc-RIB best path or ECMP set changed: the FIB follows it (fib.c:
 * kernel_route_set with one next hop per ECMP member); the change is
 * counted and logged at debug level.
 */
static void
loc_rib_change(const struct rib_change *c, void *arg)
{
	struct daemon *d = arg;
	char pb[PREFIX_STRLEN];

	d->loc_rib_changes++;
	fib_change(d->fib, c);
	if (!log_enabled(LOG_DEBUG))
		return;
	if (!c->best)
		log_debug("loc-rib: %s gone", prefix_fmt(&c->prefix, pb, sizeof(pb)));
	else
		log_debug("loc-rib: %s best from peer %u, %u next hop%s",
		          prefix_fmt(&c->prefix, pb, sizeof(pb)), c->best_peer, c->nnh,
		          c->nnh == 1 ? "" : "s");
}

/*
 * The loop. Work is cut into slices that each end by activating their
 * event again (peer_io.h, fib.h); libevent would run such an event again
 * in the same turn, until it ran dry, so it is told to look at the sockets
 * and timers again after LOOP_CHECK_MS or LOOP_CHECK_CBS callbacks. The
 * FIB's work runs at a lower priority than reading the peers (fib.h).
 */
#define LOOP_CHECK_MS  2
#define LOOP_CHECK_CBS 8

static struct event_base *
loop_new(void)
{
	struct event_config *cfg = event_config_new();
	struct timeval tv = {0, LOOP_CHECK_MS * 1000};
	struct event_base *base;

	if (!cfg)
		return NULL;
	if (event_config_set_max_dispatch_interval(cfg, &tv, LOOP_CHECK_CBS, 0) < 0)
		log_warn("libevent: a long backlog may delay timers");
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base && event_base_priority_init(base, FIB_PRIORITIES) < 0)
		log_warn("no event priorities: the FIB's work competes with reading the peers");
	return base;
}

/* The lowest RIB peer number no session uses (stable while a session lives). */
static uint16_t
daemon_peer_id(struct daemon *d)
{
	for (uint16_t id = 1; id <= RIB_PEER_MAX; id++) {
		bool used = false;

		for (size_t i = 0; i < d->nsessions && !used; i++)
			used = d->sessions[i]->peer_id == id;
		if (!used)
			return id;
	}
	return 0;
}

/* ---- link and address watch (bgpd/kernel) ---- */

static void
kernel_link_cb(void *arg, const char *ifname, unsigned ifindex, bool up)
{
	struct daemon *d = arg;

	manage_if_link(d->mif, ifname);
	for (size_t i = 0; i < d->nsessions; i++)
		if (strcmp(d->sessions[i]->cfg->ifname, ifname) == 0)
			session_link(d->sessions[i], up);
}

static void
kernel_addr_cb(void *arg, const char *ifname, const struct addr *a, unsigned plen, bool added)
{
	struct daemon *d = arg;

	fib_addr(d->fib, ifname, a, plen, added); /* connected subnets are protected */
	advertise_link_local(d, ifname, a);       /* the RFC 2545 next hop follows it */
	if (!added) {
		manage_if_addr_gone(d->mif, ifname, a);
		return;
	}
	for (size_t i = 0; i < d->nsessions; i++)
		if (addr_eq(&d->sessions[i]->cfg->local, a))
			session_kick(d->sessions[i]);
}

/* bgpd/kernel.c already starts every line with "kernel: ". */
static void
kernel_log_cb(void *arg, int prio, const char *msg)
{
	log_msg(prio, "%s", msg);
}

static void
daemon_kernel(struct daemon *d)
{
	static const struct kernel_cbs cbs = {
	        .link = kernel_link_cb,
	        .addr = kernel_addr_cb,
	        .log = kernel_log_cb,
	};
	struct kernel_opts ko = {
	        .table = (int)d->cfg->defaults.table,
	        .protocol = d->cfg->defaults.protocol,
	        .metric = d->cfg->defaults.metric,
	        .keep_on_exit = d->cfg->keep_routes_on_exit,
	        .stale_secs = FIB_STALE_SECS, /* adopt a previous run's routes (fib.h) */
	        .flush_priority = FIB_PRIO_LOW,
	};
	char err[256];

	d->kernel = kernel_open(d->base, &ko, &cbs, d, err, sizeof(err));
	if (!d->kernel)
		log_warn("no link-state watch (%s): a sub-interface going down is noticed "
		         "only by the hold timer",
		         err);
	d->fib = fib_new(d);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		daemon_stop(d);
		break;
	case SIGHUP:
		if (reload_request(d->reload, NULL, NULL) < 0)
			log_err("reload: not started (stopping, or out of memory)");
		break;
	case SIGUSR1:
		daemon_dump(d);
		break;
	case SIGUSR2:
		/*
		 * The package's upgrade (and an operator's restart) sends it before
		 * the stop: forwarding goes on over the routes while the new
		 * process adopts them and sweeps what no session claims.
		 */
		d->keep_routes = true;
		log_notice("SIGUSR2: the kernel routes stay in place when cebgpd exits "
		           "(restart: the next cebgpd adopts them)");
		break;
	default:
		break;
	}
}

/* The control `reload`: the same off-loop reload as SIGHUP (reload.c). */
static int
daemon_reload_request(struct daemon *d, reload_done_fn fn, void *arg)
{
	return d->reload ? reload_request(d->reload, fn, arg) : -1;
}

static size_t
daemon_fib_pending(void *arg)
{
	struct daemon *d = arg;

	return fib_pending(d->fib);
}

int
daemon_run(struct daemon *d)
{
	static const int sigs[] = {[SIG_TERM] = SIGTERM,
	                           [SIG_INT] = SIGINT,
	                           [SIG_HUP] = SIGHUP,
	                           [SIG_USR1] = SIGUSR1,
	                           [SIG_USR2] = SIGUSR2};

	signal(SIGPIPE, SIG_IGN);
	/*
	 * Every block of 128 KiB or more gets a mapping of its own, which
	 * free() gives back. glibc would otherwise raise that threshold to the
	 * size of each big block freed (the FIB queue's after a burst, say),
	 * and the RIB's later big blocks would land in the heap, which keeps
	 * its pages after a mass withdraw (bench-e2e at 100k: 23.6 MiB above
	 * the start instead of 8.1).
	 */
	if (!mallopt(M_MMAP_THRESHOLD, 128 * 1024))
		log_warn("mallopt: memory freed may not go back to the system");
	d->base = loop_new();
	d->lag = d->base ? looplag_new(d->base) : NULL; /* NULL: reloads go unmeasured */
	d->attrs = attr_table_new();
	d->rib = rib_new(NULL, loc_rib_change, d);
	d->inbound = d->base && d->rib ? inbound_new(d) : NULL;
	if (!d->base || !d->attrs || !d->rib || !d->inbound) {
		log_err("out of memory");
		return 1;
	}
	d->pio = (struct pio_ctx){.base = d->base, .drained = daemon_drained, .arg = d};
	for (size_t i = 0; i < SIG_COUNT; i++) {
		d->sig[i] = evsignal_new(d->base, sigs[i], signal_cb, d);
		if (!d->sig[i] || evsignal_add(d->sig[i], NULL) < 0) {
			log_err("cannot watch signal %d", sigs[i]);
			return 1;
		}
	}
	/* Before the kernel: failing here must not touch a previous run's routes. */
	d->ctl = ctl_daemon_open(d, daemon_reload_request); /* control server (ctl_show.c) */
	if (!d->ctl)
		return 1;
	if (daemon_listen(d) < 0)
		return 1;
	daemon_kernel(d);
	/* manage-interfaces: before the sessions start, so that they find them. */
	d->mif = manage_if_new(d);
	if (d->mif)
		manage_if_sync(d->mif);
	/* After the kernel: the policy's discard routes go to the FIB. */
	d->adv = advertise_new(d);
	if (!d->adv) {
		log_err("out of memory running the outbound policy");
		return 1;
	}
	d->senv = (struct session_env){
	        .rib = d->rib,
	        .attrs = d->attrs,
	        .pio = &d->pio,
	        .port = d->opts.port,
	        .hooks = &advertise_session_hooks,
	        .inbound = inbound_apply,
	        .inbound_policy = d->inbound,
	        .lag = d->lag,
	};
	d->reload = reload_new(d, daemon_reload_apply);
	if (!d->reload) {
		log_err("out of memory setting up reloads");
		return 1;
	}
	for (size_t i = 0; i < d->cfg->nsessions; i++) {
		struct session *s =
		        session_new(d, &d->senv, &d->cfg->sessions[i], daemon_peer_id(d));

		if (!s || !sessions_add(d, s)) {
			session_free(s);
			log_err("out of memory");
			return 1;
		}
	}
	d->bfd = bfd_io_new(
	        &(struct bfd_io_env){.base = d->base, .fib_pending = daemon_fib_pending, .arg = d});
	bfd_io_sync(d->bfd, d->sessions, d->nsessions);
	log_notice("cebgpd started: AS %u, %zu session%s", d->cfg->asn, d->nsessions,
	           d->nsessions == 1 ? "" : "s");
	/* No start delay: connect at once (and accept). */
	for (size_t i = 0; i < d->nsessions; i++)
		session_start(d->sessions[i]);
	d->ops = ops_start(d); /* READY=1: listeners and sessions are up */
	event_base_dispatch(d->base);
	log_notice("cebgpd stopped");
	return 0;
}

void
daemon_free(struct daemon *d)
{
	if (!d)
		return;
	if (d->keep_routes) {
		fib_keep_on_exit(d->fib);
		kernel_keep_on_exit(d->kernel, true);
	}
	/* Before anything its worker reads (the policy results) goes. */
	reload_free(d->reload);
	d->reload = NULL;
	fib_free(d->fib); /* first: the sessions' teardown must not reach the FIB */
	d->fib = NULL;
	ctl_daemon_close(d->ctl);
	ops_stop(d->ops);
	bfd_io_free(d->bfd);
	d->bfd = NULL;
	manage_if_free(d->mif);
	d->mif = NULL;
	for (size_t i = 0; i < d->nsessions; i++)
		session_free(d->sessions[i]);
	free(d->sessions);
	listener_free(d->listener);
	kernel_close(d->kernel);
	for (size_t i = 0; i < SIG_COUNT; i++)
		if (d->sig[i])
			event_free(d->sig[i]);
	if (d->exit_timer)
		event_free(d->exit_timer);
	looplag_free(d->lag);
	pio_drain_free_all(&d->pio);
	advertise_free(d->adv);
	inbound_free(d->inbound);
	/* Run the deferred frees the sessions scheduled. */
	if (d->base) {
		event_base_loop(d->base, EVLOOP_NONBLOCK);
		event_base_loop(d->base, EVLOOP_NONBLOCK);
	}
	if (d->rib)
		rib_free(d->rib);
	if (d->attrs)
		attr_table_free(d->attrs);
	if (d->base)
		event_base_free(d->base);
	config_free(d->cfg);
	free(d);
}
