/*
 * fib: Loc-RIB change records -> kernel routes (see fib.h).
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "context.h"
#include "fib.h"
#include "kernel.h"
#include "log.h"
#include "looplag.h"
#include "nl.h"
#include "pfxq.h"
#include "rib.h"
#include "session.h"

/* Distinct (table, protocol) pairs the config may ask for. */
#define FIB_MAX_TABLES 8
/*
 * Discard-route changes handed to the kernel module per loop step: a
 * lossy aggregation of 100k prefixes has 620k holes, about 0.6 s of work,
 * so it goes in steps of at most this many or FIB_DISCARD_STEP_US.
 */
#define FIB_DISCARD_STEP    16384
#define FIB_DISCARD_STEP_US 10000
/* How long after its last slice the FIB keeps a lateness window open (looplag.h). */
#define FIB_LAG_SECS 2

struct fib_table {
	struct kernel *k;
	uint32_t table;
	uint8_t protocol;
	uint32_t metric;
	bool owned; /* opened here (not d->kernel) */
};

/* A connected subnet from the address watch (identity: ifname, addr, plen). */
struct fib_conn {
	char ifname[CONFIG_IFNAMSIZ];
	struct addr a;
	unsigned plen;
	struct prefix p;
};

/* A discard route to set or clear, queued (fib_discard_sync). */
struct fib_dop {
	struct fib_table *t;
	struct prefix p;
	bool present;
};

/* One peering's discard routes (fib_discard_sync). */
struct fib_holes {
	char key[96]; /* "circuit/private" */
	struct fib_table *t;
	const struct prefix *p; /* sorted by prefix_cmp; the caller's (fib.h) */
	struct prefix *own;     /* p when fib had to sort a copy, else NULL */
	size_t n;
};

/*
 * What fib knows of a RIB peer. Kept, because the daemon's session list is
 * incomplete while a reload rebuilds it, and the sessions it frees then
 * report Loc-RIB changes that name the others.
 */
struct fib_peer {
	bool known;
	struct fib_table *t; /* NULL: the peering does not install */
	char ifname[CONFIG_IFNAMSIZ];
};

struct fib {
	struct daemon *d;
	struct fib_peer *peers; /* by RIB peer id, 0..RIB_PEER_MAX */
	struct fib_table t[FIB_MAX_TABLES];
	size_t nt;
	struct prefix *subnets; /* the sessions' /30s we protect */
	size_t nsubnets;
	struct fib_conn *conn;
	size_t nconn;
	struct fib_holes *holes;
	size_t nholes;
	struct fib_dop *dops; /* FIFO: dops[dhead..ndops) still to do */
	size_t dhead, ndops, dcap;
	struct event *dstep;
	struct event *sweep;
	unsigned sweep_ticks;
	struct log_rl rl;
	struct pfxq *q;        /* prefixes whose Loc-RIB entry changed, not yet applied */
	struct event *drain;   /* applies a slice of q (low priority: reading comes first) */
	struct event *guard;   /* a slice at normal priority while q waits */
	int64_t last_drain_ms; /* when a slice last ran */
	bool keep;             /* fib_keep_on_exit() was called */
	bool reloading;        /* a reload's walk of the Loc-RIB is under way */
	bool reload_from;      /* ... and resumes after reload_after */
	struct prefix reload_after;
	size_t reload_n;
};

static void
fib_kernel_log(void *arg, int prio, const char *msg)
{
	log_msg(prio, "kernel: %s", msg);
}

static void drain_cb(evutil_socket_t fd, short what, void *arg);
static void kick(struct fib *f);
static void change_of(const struct prefix *p, const struct rib_path *paths, struct rib_change *c);
static void apply(struct fib *f, const struct rib_change *c);
static void guard_cb(evutil_socket_t fd, short what, void *arg);

static struct fib_table *
table_find(struct fib *f, uint32_t table, uint8_t protocol)
{
	for (size_t i = 0; i < f->nt; i++)
		if (f->t[i].table == table && f->t[i].protocol == protocol)
			return &f->t[i];
	return NULL;
}

/* The table a session's routes go to; NULL when the peering does not install. */
static struct fib_table *
session_table(struct fib *f, const struct session *s)
{
	if (!s || !s->cfg->opts.install)
		return NULL;
	return table_find(f, s->cfg->opts.table, s->cfg->opts.protocol);
}

static struct fib_table *
table_open(struct fib *f, const struct config_opts *o)
{
	static const struct kernel_cbs cbs = {.log = fib_kernel_log};
	struct fib_table *t = table_find(f, o->table, o->protocol);
	char err[256];

	if (t) {
		if (t->metric != o->metric)
			log_warn("fib: table %u protocol %u: metric %u ignored, %u applies "
			         "(one metric per table and protocol)",
			         o->table, o->protocol, o->metric, t->metric);
		return t;
	}
	if (f->nt == FIB_MAX_TABLES) {
		log_err("fib: more than %d routing tables: table %u not used", FIB_MAX_TABLES,
		        o->table);
		return NULL;
	}
	struct kernel_opts ko = {
	        .table = (int)o->table,
	        .protocol = o->protocol,
	        .metric = o->metric,
	        .keep_on_exit = f->d->cfg->keep_routes_on_exit,
	        .stale_secs = FIB_STALE_SECS,
	        .flush_priority = FIB_PRIO_LOW,
	};
	struct kernel *k = kernel_open(f->d->base, &ko, &cbs, f, err, sizeof(err));
	if (!k) {
		log_err("fib: table %u: %s", o->table, err);
		return NULL;
	}
	t = &f->t[f->nt++];
	*t = (struct fib_table){k, o->table, o->protocol, o->metric, true};
	log_info("fib: routes go to table %u, protocol %u, metric %u", o->table, o->protocol,
	         o->metric);
	return t;
}

static void
protect_all(struct fib *f, const struct prefix *p, bool on)
{
	for (size_t i = 0; i < f->nt; i++) {
		if (on)
			kernel_protect(f->t[i].k, p);
		else
			kernel_unprotect(f->t[i].k, p);
	}
}

/* Protect the sessions' subnets of the running config (dropping the old set). */
static void
protect_subnets(struct fib *f)
{
	const struct config *cfg = f->d->cfg;

	for (size_t i = 0; i < f->nsubnets; i++)
		protect_all(f, &f->subnets[i], false);
	free(f->subnets);
	f->nsubnets = 0;
	f->subnets = calloc(cfg->nsessions ? cfg->nsessions : 1, sizeof(*f->subnets));
	if (!f->subnets) {
		log_err("fib: out of memory protecting the session subnets");
		return;
	}
	for (size_t i = 0; i < cfg->nsessions; i++) {
		f->subnets[f->nsubnets++] = cfg->sessions[i].subnet;
		protect_all(f, &cfg->sessions[i].subnet, true);
	}
}

static int
count_stale(const struct kroute_info *ri, void *ctx)
{
	size_t *n = ctx;

	*n += ri->stale;
	return 0;
}

/*
 * Once every installing session is Established and has sent End-of-RIB,
 * the routes it did not claim again are the previous run's leftovers.
 */
static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fib *f = arg;
	struct daemon *d = f->d;
	size_t n = 0;
	bool all = true;

	for (size_t i = 0; i < d->nsessions && all; i++) {
		const struct session *s = d->sessions[i];

		if (!s->cfg->opts.install)
			continue;
		n++;
		all = s->state == FSM_ESTABLISHED && s->eor_received;
	}
	if (++f->sweep_ticks > FIB_STALE_SECS || d->stopping) {
		event_del(f->sweep); /* the kernel module's own timer removes them */
		return;
	}
	if (n == 0 || !all)
		return;
	event_del(f->sweep);
	for (size_t i = 0; i < f->nt; i++) {
		size_t stale = 0;

		kernel_walk(f->t[i].k, count_stale, &stale);
		if (stale == 0)
			continue;
		log_info("fib: every session sent End-of-RIB: removing %zu unclaimed route%s of "
		         "the previous run from table %u",
		         stale, stale == 1 ? "" : "s", f->t[i].table);
		kernel_sweep_stale(f->t[i].k);
	}
}

static void discard_step_cb(evutil_socket_t fd, short what, void *arg);

struct fib *
fib_new(struct daemon *d)
{
	struct fib *f;

	if (!d->kernel)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		log_err("fib: out of memory: no routes go to the kernel");
		return NULL;
	}
	f->d = d;
	if (!(f->peers = calloc(RIB_PEER_MAX + 1, sizeof(*f->peers)))) {
		free(f);
		log_err("fib: out of memory: no routes go to the kernel");
		return NULL;
	}
	f->t[0] = (struct fib_table){d->kernel, d->cfg->defaults.table, d->cfg->defaults.protocol,
	                             d->cfg->defaults.metric, false};
	f->nt = 1;
	for (size_t i = 0; i < d->cfg->nsessions; i++)
		if (d->cfg->sessions[i].opts.install)
			table_open(f, &d->cfg->sessions[i].opts);
	protect_subnets(f);
	if (!(f->q = pfxq_new()) || !(f->drain = event_new(d->base, -1, 0, drain_cb, f)) ||
	    !(f->guard = evtimer_new(d->base, guard_cb, f))) {
		fib_free(f);
		log_err("fib: out of memory: no routes go to the kernel");
		return NULL;
	}
	event_priority_set(f->drain, FIB_PRIO_LOW);
	struct timeval tv = {1, 0};
	f->sweep = event_new(d->base, -1, EV_PERSIST, sweep_cb, f);
	if (f->sweep)
		event_add(f->sweep, &tv);
	f->dstep = event_new(d->base, -1, 0, discard_step_cb, f);
	return f;
}

void
fib_keep_on_exit(struct fib *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nt; i++)
		kernel_keep_on_exit(f->t[i].k, true);
	f->keep = true;
}

void
fib_free(struct fib *f)
{
	if (!f)
		return;
	if (f->sweep)
		event_free(f->sweep);
	/*
	 * Routes kept for the next run must be the Loc-RIB's latest: what
	 * still waits in the queue goes to the kernel modules, which send it
	 * before they close.
	 */
	struct prefix p;
	struct rib_change c;

	while ((f->keep || f->d->cfg->keep_routes_on_exit) && f->q && pfxq_pop(f->q, &p)) {
		change_of(&p, rib_paths(f->d->rib, &p), &c);
		apply(f, &c);
	}
	if (f->drain)
		event_free(f->drain);
	if (f->guard)
		event_free(f->guard);
	pfxq_free(f->q);
	if (f->dstep)
		event_free(f->dstep);
	free(f->dops);
	for (size_t i = 0; i < f->nt; i++)
		if (f->t[i].owned)
			kernel_close(f->t[i].k);
	for (size_t i = 0; i < f->nholes; i++)
		free(f->holes[i].own);
	free(f->holes);
	free(f->subnets);
	free(f->conn);
	free(f->peers);
	free(f);
}

/*
 * The Loc-RIB entry of p as a change record (what the RIB reports: the
 * best path's next hop first, then the other ECMP members by peer id).
 */
static void
change_of(const struct prefix *p, const struct rib_path *paths, struct rib_change *c)
{
	memset(c, 0, sizeof(*c));
	c->prefix = *p;
	for (const struct rib_path *path = paths; path; path = rib_path_next(path)) {
		if (!(path->flags & RIB_PATH_BEST) || !rib_path_eligible(path))
			continue;
		c->best = rib_path_eff(path);
		c->best_peer = path->peer;
		c->nh[c->nnh++] = (struct rib_nexthop){rib_path_eff(path)->set.nexthop, path->peer};
	}
	for (const struct rib_path *path = paths; path && c->best; path = rib_path_next(path))
		if ((path->flags & RIB_PATH_ECMP) && !(path->flags & RIB_PATH_BEST) &&
		    rib_path_eligible(path) && c->nnh < RIB_ECMP_MAX)
			c->nh[c->nnh++] =
			        (struct rib_nexthop){rib_path_eff(path)->set.nexthop, path->peer};
}

/* Prefixes of the Loc-RIB queued again per slice of a reload's walk. */
#define FIB_RELOAD_STEP 4096

static int
reinstall(const struct prefix *p, const struct rib_path *paths, void *arg)
{
	struct fib *f = arg;

	(void)paths;
	/* Stop before p (the next stretch starts with it) at the budget or without memory. */
	if (++f->reload_n > FIB_RELOAD_STEP || pfxq_push(f->q, p) < 0)
		return 1;
	f->reload_after = *p;
	f->reload_from = true;
	return 0;
}

size_t
fib_pending(const struct fib *f)
{
	size_t n = 0;

	if (!f)
		return 0;
	for (size_t i = 0; i < f->nt; i++)
		if (f->t[i].k)
			n += kernel_pending(f->t[i].k);
	return n;
}

static struct fib_table *holes_table(struct fib *f, const char *key);

/* Queue the next stretch of the Loc-RIB for a reload (see fib_reload). */
static void
reload_step(struct fib *f)
{
	f->reload_n = 0;
	if (rib_walk_after(f->d->rib, f->reload_from ? &f->reload_after : NULL, reinstall, f) == 0)
		f->reloading = false;
}

void
fib_reload(struct fib *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->d->cfg->nsessions; i++) {
		const struct config_opts *o = &f->d->cfg->sessions[i].opts;

		if (o->install && !table_find(f, o->table, o->protocol))
			log_warn("fib: %s: table %u protocol %u applies only after a restart",
			         f->d->cfg->sessions[i].key, o->table, o->protocol);
	}
	protect_subnets(f);
	/*
	 * `install` may have changed: state the whole Loc-RIB again (what did
	 * not change costs no netlink message), walked a stretch per drain
	 * slice so a big table does not stop the loop.
	 */
	f->reloading = true;
	f->reload_from = false;
	kick(f);
	/*
	 * Discard routes of a peering the new config dropped (or no longer
	 * installs, or installs elsewhere) go. A peering that still installs
	 * into the same table is left to advertise_reload, which brings its
	 * new set right after: re-stating 620k unchanged holes here would
	 * cost a loop step for nothing.
	 */
	for (size_t i = 0; i < f->nholes; i++)
		if (holes_table(f, f->holes[i].key) != f->holes[i].t)
			fib_discard_sync(f, f->holes[i].key, f->holes[i].p, f->holes[i].n);
}

static const struct fib_peer *
peer_get(struct fib *f, uint16_t peer)
{
	struct fib_peer *fp;

	if (peer > RIB_PEER_MAX)
		return NULL;
	fp = &f->peers[peer];
	for (size_t i = 0; i < f->d->nsessions; i++) {
		const struct session *s = f->d->sessions[i];

		if (s->peer_id != peer)
			continue;
		fp->known = true;
		fp->t = session_table(f, s);
		snprintf(fp->ifname, sizeof(fp->ifname), "%s", s->cfg->ifname);
		break;
	}
	return fp->known ? fp : NULL;
}

static void
remove_everywhere(struct fib *f, const struct prefix *p, const struct fib_table *except)
{
	for (size_t i = 0; i < f->nt; i++)
		if (&f->t[i] != except)
			kernel_route_set(f->t[i].k, p, NULL, 0);
}

/* Make the kernel table follow one Loc-RIB entry. */
static void
apply(struct fib *f, const struct rib_change *c)
{
	struct kroute_nexthop nh[RIB_ECMP_MAX];
	struct fib_table *t;
	size_t n = 0;
	char pb[PREFIX_STRLEN];

	const struct fib_peer *bp = c->best ? peer_get(f, c->best_peer) : NULL;
	t = bp ? bp->t : NULL;
	if (!t) {
		remove_everywhere(f, &c->prefix, NULL);
		return;
	}
	/* The ECMP members learned where the best path goes, each on its interface. */
	for (unsigned i = 0; i < c->nnh && n < RIB_ECMP_MAX; i++) {
		const struct fib_peer *fp = peer_get(f, c->nh[i].peer);
		bool dup = false;

		if (!fp || fp->t != t || c->nh[i].addr.afi != c->prefix.afi)
			continue;
		nh[n].gw = c->nh[i].addr;
		nh[n].ifindex = kernel_ifindex(f->d->kernel, fp->ifname);
		for (size_t j = 0; j < n && !dup; j++)
			dup = nh[j].ifindex == nh[n].ifindex && addr_eq(&nh[j].gw, &nh[n].gw);
		if (!dup)
			n++;
	}
	int e = kernel_route_set(t->k, &c->prefix, nh, n);
	if (e == KERNEL_ERR_PROTECTED)
		log_peer_rl(&f->rl, LOG_WARNING, "fib",
		            "not installing %s: it overlaps a peering subnet or a connected "
		            "route and would cut the session that carries it",
		            prefix_fmt(&c->prefix, pb, sizeof(pb)));
	else if (e != KERNEL_OK)
		log_peer_rl(&f->rl, LOG_WARNING, "fib", "cannot install %s: %s",
		            prefix_fmt(&c->prefix, pb, sizeof(pb)), kernel_strerror(e));
	if (f->nt > 1)
		remove_everywhere(f, &c->prefix, t);
}

/* ---- the queue between the Loc-RIB and the kernel ---- */

/* How long the drain may wait for a slice while peers are read (fib.h). */
static int
guard_ms(const struct fib *f)
{
	for (size_t i = 0; i < f->nt; i++)
		if (kernel_pending(f->t[i].k) >= FIB_HUNGRY)
			return FIB_GUARD_MS;
	return FIB_GUARD_HUNGRY_MS;
}

/* A drain slice as soon as the loop is idle, and the guard's at the latest. */
static void
kick(struct fib *f)
{
	event_active(f->drain, EV_TIMEOUT, 0);
	if (!event_pending(f->guard, EV_TIMEOUT, NULL)) {
		struct timeval tv = {0, guard_ms(f) * 1000};

		event_add(f->guard, &tv);
	}
}

/*
 * Apply queued prefixes, each with its Loc-RIB entry as it is now, for at
 * most FIB_SLICE_MS; the rest waits for the next slice.
 */
static void
drain_slice(struct fib *f)
{
	int64_t start = nl_mono_ms(), now = start;
	struct rib_change c;
	struct prefix p;

	if (f->d->stopping)
		return; /* fib_free() settles what is left */
	/* A lateness window open for the work that queued this runs to its end. */
	looplag_extend(f->d->lag, FIB_LAG_SECS);
	if (f->reloading)
		reload_step(f);
	for (unsigned i = 1; now - start < FIB_SLICE_MS; i++) {
		if (!pfxq_pop(f->q, &p))
			break;
		change_of(&p, rib_paths(f->d->rib, &p), &c);
		apply(f, &c);
		if (i % 64 == 0)
			now = nl_mono_ms();
	}
	f->last_drain_ms = nl_mono_ms();
	if (pfxq_len(f->q) == 0 && !f->reloading)
		return;
	kick(f);
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	drain_slice(arg);
}

/* Work waits in the queue or in a kernel module's. */
static bool
fib_busy(const struct fib *f)
{
	struct kernel_counts c;

	if (pfxq_len(f->q) > 0 || f->reloading)
		return true;
	for (size_t i = 0; i < f->nt; i++) {
		kernel_counts(f->t[i].k, &c);
		if (c.queued > 0)
			return true;
	}
	return false;
}

/*
 * The drain and the kernel's sending run at low priority, after every
 * ready peer has been read. While a feed keeps the peers ready, this timer
 * (normal priority) still gives each one slice in every FIB_GUARD_MS.
 */
static void
guard_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fib *f = arg;
	int ms = guard_ms(f);
	struct timeval tv = {0, ms * 1000};

	if (f->d->stopping)
		return;
	if (nl_mono_ms() - f->last_drain_ms >= ms)
		drain_slice(f);
	for (size_t i = 0; i < f->nt; i++)
		kernel_flush(f->t[i].k);
	if (fib_busy(f) && !event_pending(f->guard, EV_TIMEOUT, NULL)) {
		looplag_extend(f->d->lag, FIB_LAG_SECS);
		event_add(f->guard, &tv);
	}
}

void
fib_change(struct fib *f, const struct rib_change *c)
{
	/* Stopping: kernel_close() removes (or keeps) everything at once. */
	if (!f || f->d->stopping)
		return;
	int r = pfxq_push(f->q, &c->prefix);

	if (r < 0) {
		/* No room to remember it: do it now rather than lose it. */
		apply(f, c);
		return;
	}
	if (r > 0 && pfxq_len(f->q) == 1) {
		kick(f);
	}
}

size_t
fib_queued(const struct fib *f)
{
	return f ? pfxq_len(f->q) : 0;
}

struct overlap_ctx {
	const struct fib_conn *c;
	struct log_rl *rl;
};

/* Log the installed routes a new protection is about to pull (kernel.h). */
static int
log_overlap(const struct kroute_info *ri, void *arg)
{
	const struct overlap_ctx *o = arg;
	char pb[PREFIX_STRLEN], cb[PREFIX_STRLEN];

	if (ri->discard || ri->n == 0 || ri->prefix->len == 0 ||
	    !prefix_overlaps(ri->prefix, &o->c->p))
		return 0;
	log_peer_rl(o->rl, LOG_WARNING, "fib",
	            "removing %s: it overlaps the connected subnet %s of %s and would cut it",
	            prefix_fmt(ri->prefix, pb, sizeof(pb)), prefix_fmt(&o->c->p, cb, sizeof(cb)),
	            o->c->ifname);
	return 0;
}

/*
 * Host addresses (/32, /128) are left alone: their local route lives in
 * the local table, which the kernel consults before any other.
 */
void
fib_addr(struct fib *f, const char *ifname, const struct addr *a, unsigned plen, bool added)
{
	size_t i;

	if (!f || plen >= afi_bits(a->afi))
		return;
	for (i = 0; i < f->nconn; i++)
		if (f->conn[i].plen == plen && addr_eq(&f->conn[i].a, a) &&
		    strcmp(f->conn[i].ifname, ifname) == 0)
			break;
	if (added == (i < f->nconn))
		return; /* a repeat, or the removal of something never seen */
	if (!added) {
		protect_all(f, &f->conn[i].p, false);
		f->conn[i] = f->conn[--f->nconn];
		return;
	}
	struct fib_conn *v = realloc(f->conn, (f->nconn + 1) * sizeof(*v));
	if (!v) {
		log_err("fib: out of memory protecting a connected subnet");
		return;
	}
	f->conn = v;
	struct fib_conn *c = &f->conn[f->nconn++];
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	c->a = *a;
	c->plen = plen;
	prefix_from_addr(&c->p, a, plen);
	prefix_mask(&c->p);
	struct overlap_ctx o = {c, &f->rl};
	for (size_t j = 0; j < f->nt; j++)
		kernel_walk(f->t[j].k, log_overlap, &o);
	protect_all(f, &c->p, true);
}

/* ---- discard routes ---- */

static int
prefix_qcmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* Is p in the sorted set v[0..n)? O(log n). */
static bool
in_set(const struct prefix *v, size_t n, const struct prefix *p)
{
	return n > 0 && bsearch(p, v, n, sizeof(*v), prefix_qcmp) != NULL;
}

/* Does another peering installing into t keep a discard route for p? */
static bool
holes_have(const struct fib *f, const struct fib_table *t, const struct fib_holes *skip,
           const struct prefix *p)
{
	for (size_t i = 0; i < f->nholes; i++) {
		const struct fib_holes *h = &f->holes[i];

		if (h != skip && h->t == t && in_set(h->p, h->n, p))
			return true;
	}
	return false;
}

static struct fib_holes *
holes_slot(struct fib *f, const char *key)
{
	for (size_t i = 0; i < f->nholes; i++)
		if (strcmp(f->holes[i].key, key) == 0)
			return &f->holes[i];
	struct fib_holes *v = realloc(f->holes, (f->nholes + 1) * sizeof(*v));
	if (!v)
		return NULL;
	f->holes = v;
	memset(&v[f->nholes], 0, sizeof(v[0]));
	snprintf(v[f->nholes].key, sizeof(v[0].key), "%s", key);
	return &v[f->nholes++];
}

/* The peering "circuit/private" of the running config, NULL if none. */
static const struct config_peering *
peering_by_key(const struct config *cfg, const char *key)
{
	char k[96];

	for (size_t i = 0; i < cfg->ncircuits; i++) {
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			const struct config_peering *pr = &cfg->circuits[i].peering[t];

			snprintf(k, sizeof(k), "%s/%s", cfg->circuits[i].name,
			         config_peering_name((enum config_peering_type)t));
			if (pr->present && strcmp(k, key) == 0)
				return pr;
		}
	}
	return NULL;
}

/* One step of the queued discard-route changes; again next turn if more. */
static void
discard_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fib *f = arg;
	uint64_t t0 = looplag_now_us();
	char pb[PREFIX_STRLEN];
	size_t n = 0;
	struct timeval now = {0, 0};

	(void)fd;
	(void)what;
	while (f->dhead < f->ndops && !f->d->stopping) {
		const struct fib_dop *o = &f->dops[f->dhead++];
		int e = kernel_discard_set(o->t->k, &o->p, o->present);

		if (e != KERNEL_OK && o->present)
			log_peer_rl(&f->rl, LOG_WARNING, "fib", "discard route %s: %s",
			            prefix_fmt(&o->p, pb, sizeof(pb)), kernel_strerror(e));
		if (++n % 1024 == 0 &&
		    (n >= FIB_DISCARD_STEP || looplag_now_us() - t0 > FIB_DISCARD_STEP_US))
			break;
	}
	if (f->dhead < f->ndops && !f->d->stopping) {
		event_add(f->dstep, &now);
		return;
	}
	f->dhead = f->ndops = 0;
}

static bool
dop_push(struct fib *f, struct fib_table *t, const struct prefix *p, bool present)
{
	if (f->ndops == f->dcap) {
		size_t nc = f->dcap ? 2 * f->dcap : 1024;
		struct fib_dop *v = realloc(f->dops, nc * sizeof(*v));

		if (!v)
			return false;
		f->dops = v;
		f->dcap = nc;
	}
	f->dops[f->ndops++] = (struct fib_dop){t, *p, present};
	return true;
}

/* Is v[0..n) sorted by prefix_cmp (the policy hands its holes over so)? */
static bool
sorted(const struct prefix *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (prefix_cmp(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

/*
 * The changes between the peering's old set (h) and the new one (nv, in
 * table t), queued in order: the queue is FIFO and each change states a
 * final value, so a sync queued before this one and not yet done is
 * overtaken correctly. Both sets sorted: one merge walk, O(old + new); a
 * route dropped here stays when another peering of the table keeps it.
 */
static bool
discard_diff(struct fib *f, const struct fib_holes *h, struct fib_table *t, const struct prefix *nv,
             size_t n)
{
	size_t i = 0, j = 0, no = h->n;
	bool ok = true;

	if (h->t != t) {
		for (i = 0; i < no && ok; i++)
			if (!holes_have(f, h->t, h, &h->p[i]))
				ok = dop_push(f, h->t, &h->p[i], false);
		for (j = 0; j < n && ok; j++)
			ok = dop_push(f, t, &nv[j], true);
		return ok;
	}
	while ((i < no || j < n) && ok) {
		int c = i >= no ? 1 : j >= n ? -1 : prefix_cmp(&h->p[i], &nv[j]);

		if (c < 0) {
			if (!holes_have(f, h->t, h, &h->p[i]))
				ok = dop_push(f, h->t, &h->p[i], false);
			i++;
		} else if (c > 0) {
			ok = dop_push(f, t, &nv[j++], true);
		} else {
			i++;
			j++;
		}
	}
	return ok;
}

/* Where the running config puts the peering's discard routes; NULL: nowhere. */
static struct fib_table *
holes_table(struct fib *f, const char *key)
{
	const struct config_peering *pr = peering_by_key(f->d->cfg, key);

	if (pr && pr->opts.install && pr->discard_holes)
		return table_find(f, pr->opts.table, pr->opts.protocol);
	return NULL;
}

void
fib_discard_sync(struct fib *f, const char *key, const struct prefix *holes, size_t n)
{
	struct fib_holes *h;
	struct fib_table *t = NULL;
	struct prefix *own = NULL;
	struct timeval now = {0, 0};

	if (!f || f->d->stopping)
		return;
	if (!(h = holes_slot(f, key))) {
		log_err("fib: out of memory for the discard routes of %s", key);
		return;
	}
	t = holes_table(f, key);
	if (!t)
		n = 0;
	/*
	 * Sorted (the policy hands its holes over so), the diff is a merge walk
	 * and the membership tests binary searches: O((old + new) log n)
	 * however large the sets, and no copy of 620k prefixes in the step.
	 */
	if (n && holes == h->own) {
		own = h->own; /* fib_reload hands the peering's own copy back */
		h->own = NULL;
	} else if (n && !sorted(holes, n)) {
		if (!(own = malloc(n * sizeof(*own)))) {
			log_err("fib: out of memory for the discard routes of %s", key);
			return;
		}
		memcpy(own, holes, n * sizeof(*own));
		qsort(own, n, sizeof(*own), prefix_qcmp);
		holes = own;
	}
	if (!discard_diff(f, h, t, holes, n))
		log_err("fib: out of memory queueing the discard routes of %s: some are stale",
		        key);
	free(h->own);
	h->own = own;
	h->p = n ? holes : NULL;
	h->n = n;
	h->t = t;
	if (f->dhead < f->ndops && f->dstep && !evtimer_pending(f->dstep, NULL))
		event_add(f->dstep, &now);
}
