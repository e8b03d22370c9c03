/*
 * inbound: per-peering inbound policies from the running config, the
 * verdict for each received path, and the sliced re-evaluation of the
 * Adj-RIB-In after a reload (inbound.h).
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "context.h"
#include "inbound.h"
#include "log.h"
#include "policy_inbound.h"
#include "profile.h"
#include "rib.h"
#include "session.h"

/*
 * A slice of re-evaluation: prefixes per rib step, and the time after
 * which the slice yields to the loop (checked after each step). A step
 * costs about 0.1 ms, a few ms when every route in it changes verdict and
 * the FIB follows, so the loop gets control back every ~10 ms (300k routes
 * in the lab: longest slice 30 ms with steps of 1024, hence 256).
 */
#define INBOUND_STEP_PREFIXES 256
#define INBOUND_SLICE_NSEC    (10 * 1000 * 1000L)

/* One configured peering's policy, found by its circuit and type. */
struct ib_peering {
	const struct config_circuit *circuit; /* into d->cfg */
	enum config_peering_type type;
	char key[96]; /* "circuit/private": stable across reloads */
	struct inbound_policy *pol;
};

/* A session's Adj-RIB-In being re-evaluated. */
struct ib_job {
	uint16_t peer;
	struct rib_cursor cur;
	size_t changed;
	struct timespec started;
	long longest_ns; /* the longest slice it took part in */
};

struct inbound {
	struct daemon *d;
	struct ib_peering *pe;
	size_t npe;
	struct ib_job *jobs;
	size_t njobs, capjobs;
	struct event *ev; /* runs one slice, then re-arms while jobs remain */
	bool oom_logged;
};

/* ---- building the policies of a config ---- */

/* Every circuit's /30s and every announce entry: shared by all peerings. */
struct ib_shared {
	struct prefix *links, *own;
	size_t nlinks, nown;
};

static bool
shared_build(const struct config *cfg, struct ib_shared *sh)
{
	size_t nl = 0, no = 0;

	memset(sh, 0, sizeof(*sh));
	for (size_t c = 0; c < cfg->ncircuits; c++)
		for (int k = 0; k < CONFIG_NPEERINGS; k++) {
			nl += CONFIG_NROLES * 2; /* an IPv4 and an IPv6 subnet per leg */
			no += cfg->circuits[c].peering[k].announce.n;
		}
	sh->links = calloc(nl + 1, sizeof(*sh->links));
	sh->own = calloc(no + 1, sizeof(*sh->own));
	if (!sh->links || !sh->own)
		return false;
	for (size_t c = 0; c < cfg->ncircuits; c++)
		for (int k = 0; k < CONFIG_NPEERINGS; k++) {
			const struct config_peering *pe = &cfg->circuits[c].peering[k];

			if (!pe->present)
				continue;
			for (int r = 0; r < CONFIG_NROLES; r++) {
				if (pe->subnet_set[r])
					sh->links[sh->nlinks++] = pe->subnet[r];
				if (pe->subnet6_set[r])
					sh->links[sh->nlinks++] = pe->subnet6[r];
			}
			for (size_t i = 0; i < pe->announce.n; i++)
				sh->own[sh->nown++] = pe->announce.v[i].prefix;
		}
	return true;
}

static struct inbound_policy *
peering_policy(const struct config_circuit *ci, const struct config_peering *pe,
               const struct ib_shared *sh)
{
	struct prefix *accept = calloc(pe->accept.n + 1, sizeof(*accept));
	struct inbound_policy *pol;

	if (!accept)
		return NULL;
	for (size_t i = 0; i < pe->accept.n; i++)
		accept[i] = pe->accept.v[i].prefix;
	struct inbound_input in = {
	        /* The profile says which peerings take public space only (lib/profile.c). */
	        .peering =
	                profile_public_only(ci->profile, pe->type) ? POLICY_PUBLIC : POLICY_PRIVATE,
	        .peering_name = config_peering_name(pe->type),
	        .links = sh->links,
	        .n_links = sh->nlinks,
	        .own = sh->own,
	        .n_own = sh->nown,
	        .accept_set = pe->accept_set,
	        .accept = accept,
	        .n_accept = pe->accept.n,
	        .communities_set = pe->accept_communities_set,
	        .communities = pe->accept_communities,
	        .n_communities = pe->naccept_communities,
	        .accept_default = pe->accept_default,
	};
	pol = inbound_policy_new(&in);
	free(accept);
	return pol;
}

static void
peerings_free(struct ib_peering *pe, size_t n)
{
	for (size_t i = 0; i < n; i++)
		inbound_policy_free(pe[i].pol);
	free(pe);
}

/* The policies of cfg; false if memory ran out (nothing built then). */
static bool
peerings_build(const struct config *cfg, struct ib_peering **out, size_t *nout)
{
	struct ib_shared sh = {0};
	struct ib_peering *pe = calloc(cfg->ncircuits * CONFIG_NPEERINGS + 1, sizeof(*pe));
	size_t n = 0;
	bool ok = pe && shared_build(cfg, &sh);

	for (size_t c = 0; ok && c < cfg->ncircuits; c++)
		for (int k = 0; ok && k < CONFIG_NPEERINGS; k++) {
			const struct config_circuit *ci = &cfg->circuits[c];

			if (!ci->peering[k].present)
				continue;
			pe[n].circuit = ci;
			pe[n].type = ci->peering[k].type;
			snprintf(pe[n].key, sizeof(pe[n].key), "%s/%s", ci->name,
			         config_peering_name(ci->peering[k].type));
			pe[n].pol = peering_policy(ci, &ci->peering[k], &sh);
			ok = pe[n++].pol != NULL;
		}
	free(sh.links);
	free(sh.own);
	if (!ok) {
		peerings_free(pe, n);
		return false;
	}
	*out = pe;
	*nout = n;
	return true;
}

static const struct ib_peering *
find_peering(const struct ib_peering *pe, size_t n, const struct config_session *cfg)
{
	for (size_t i = 0; i < n; i++)
		if (pe[i].circuit == cfg->circuit && pe[i].type == cfg->type)
			return &pe[i];
	return NULL;
}

static const struct ib_peering *
find_key(const struct ib_peering *pe, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(pe[i].key, key) == 0)
			return &pe[i];
	return NULL;
}

/* ---- verdicts ---- */

/*
 * The effective attributes of a path the peering's rules accept: the
 * received ones, with a next hop the FIB can use (attr_nexthop_pick). The
 * usual case, the provider's own address on the link subnet, keeps the
 * received set itself; an IPv6 global next hop off the /126 gives way to
 * the provider's link-local address, which fib.c installs through the
 * session's interface (RFC 2545 §3); a next hop reachable neither way is
 * refused (RFC 4271 §6.3: "the route SHOULD be ignored"): the kernel
 * would refuse it anyway.
 */
static const struct attr *
forwarding_attr(const struct inbound *ib, const struct config_session *cfg, const struct attr *in,
                uint8_t *reason)
{
	struct attr_set set;
	struct addr nh;
	enum attr_nh_where where;

	if (!in)
		return NULL;
	where = attr_nexthop_pick(&in->set, &cfg->subnet, &nh);
	if (where == ATTR_NH_OFF_LINK) {
		*reason = INBOUND_NEXT_HOP;
		return NULL;
	}
	if (addr_eq(&nh, &in->set.nexthop))
		return attr_ref(in);
	set = in->set;
	set.nexthop = nh;
	const struct attr *eff = attr_intern(ib->d->attrs, &set);
	/* Out of memory: the path as received (the kernel may refuse its next hop). */
	return eff ? eff : attr_ref(in);
}

const struct attr *
inbound_apply(const struct inbound *ib, const struct config_session *cfg, const struct prefix *p,
              const struct attr *in, uint8_t *reason)
{
	const struct ib_peering *pe = ib ? find_peering(ib->pe, ib->npe, cfg) : NULL;
	enum inbound_reason r;

	/* No policy (memory ran out building it): accept nothing we cannot check. */
	r = pe ? inbound_check(pe->pol, p, in ? &in->set : NULL) : INBOUND_NOT_ACCEPTED;
	*reason = (uint8_t)r;
	if (r != INBOUND_ACCEPTED)
		return NULL;
	return forwarding_attr(ib, cfg, in, reason);
}

size_t
inbound_explain_path(const struct inbound *ib, const struct config_session *cfg,
                     const struct prefix *p, uint8_t reason, char *buf, size_t size)
{
	const struct ib_peering *pe = ib ? find_peering(ib->pe, ib->npe, cfg) : NULL;

	if (!pe)
		return (size_t)snprintf(buf, size, "refused: no inbound policy (out of memory)");
	return inbound_explain(pe->pol, p, (enum inbound_reason)reason, buf, size);
}

/* ---- re-evaluation after a reload ---- */

static const struct session *
session_of_peer(const struct daemon *d, uint16_t peer)
{
	for (size_t i = 0; i < d->nsessions; i++)
		if (d->sessions[i]->peer_id == peer)
			return d->sessions[i];
	return NULL;
}

/* What one step decides by: the policies and the session's config. */
struct reeval_ctx {
	const struct inbound *ib;
	const struct config_session *cfg;
};

static const struct attr *
reeval_fn(uint16_t peer, const struct prefix *p, const struct attr *in, uint8_t *reason, void *ctx)
{
	const struct reeval_ctx *rc = ctx;

	(void)peer;
	return inbound_apply(rc->ib, rc->cfg, p, in, reason);
}

static long
elapsed_ns(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000000000L + (now.tv_nsec - since->tv_nsec);
}

static void
job_done(struct inbound *ib, size_t i)
{
	struct ib_job *j = &ib->jobs[i];
	const struct session *s = session_of_peer(ib->d, j->peer);

	if (s)
		log_peer(LOG_INFO, s->desc,
		         "inbound policy re-evaluated: %zu route%s changed verdict in %.1f ms "
		         "(longest slice %.1f ms)",
		         j->changed, j->changed == 1 ? "" : "s",
		         (double)elapsed_ns(&j->started) / 1e6, (double)j->longest_ns / 1e6);
	ib->jobs[i] = ib->jobs[--ib->njobs];
}

/*
 * The next slice after the loop has polled its sockets: a zero timeout,
 * not event_active, which libevent would run again in the same pass.
 */
static void
arm(struct inbound *ib)
{
	struct timeval now = {0, 0};

	if (ib->ev && ib->njobs > 0)
		evtimer_add(ib->ev, &now);
}

/*
 * One slice: steps over the jobs in turn until they are done or the slice
 * is used up; then the loop runs (sockets, timers) before the next slice.
 */
static void
slice_cb(evutil_socket_t fd, short what, void *arg)
{
	struct inbound *ib = arg;
	struct timespec start;

	(void)fd;
	(void)what;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (ib->njobs > 0 && elapsed_ns(&start) < INBOUND_SLICE_NSEC) {
		for (size_t i = 0; i < ib->njobs;) {
			struct ib_job *j = &ib->jobs[i];
			const struct session *s = session_of_peer(ib->d, j->peer);

			if (!s) {
				ib->jobs[i] = ib->jobs[--ib->njobs]; /* the session went away */
				continue;
			}
			struct reeval_ctx rc = {ib, s->cfg};
			j->changed += rib_peer_reevaluate_step(ib->d->rib, j->peer, reeval_fn, &rc,
			                                       &j->cur, INBOUND_STEP_PREFIXES);
			if (elapsed_ns(&start) > j->longest_ns)
				j->longest_ns = elapsed_ns(&start);
			if (j->cur.done)
				job_done(ib, i);
			else
				i++;
		}
	}
	arm(ib);
}

/* Start (or restart, under the newer policy) re-evaluating peer. */
static void
job_start(struct inbound *ib, uint16_t peer)
{
	struct ib_job *j = NULL;

	for (size_t i = 0; i < ib->njobs && !j; i++)
		if (ib->jobs[i].peer == peer)
			j = &ib->jobs[i];
	if (!j) {
		if (ib->njobs == ib->capjobs) {
			size_t cap = ib->capjobs ? 2 * ib->capjobs : 8;
			struct ib_job *nj = realloc(ib->jobs, cap * sizeof(*nj));

			if (!nj) {
				log_err("inbound: out of memory: peer %u keeps its old verdicts",
				        peer);
				return;
			}
			ib->jobs = nj;
			ib->capjobs = cap;
		}
		j = &ib->jobs[ib->njobs++];
	}
	memset(j, 0, sizeof(*j));
	j->peer = peer;
	clock_gettime(CLOCK_MONOTONIC, &j->started);
}

struct inbound *
inbound_new(struct daemon *d)
{
	struct inbound *ib = calloc(1, sizeof(*ib));

	if (!ib)
		return NULL;
	ib->d = d;
	ib->ev = event_new(d->base, -1, 0, slice_cb, ib);
	if (!ib->ev || !peerings_build(d->cfg, &ib->pe, &ib->npe)) {
		inbound_free(ib);
		return NULL;
	}
	return ib;
}

void
inbound_free(struct inbound *ib)
{
	if (!ib)
		return;
	if (ib->ev)
		event_free(ib->ev);
	peerings_free(ib->pe, ib->npe);
	free(ib->jobs);
	free(ib);
}

/* The old policies, found through the new config's circuits (same key). */
static void
rebind(struct inbound *ib)
{
	const struct config *cfg = ib->d->cfg;

	for (size_t i = 0; i < ib->npe; i++) {
		ib->pe[i].circuit = NULL;
		for (size_t c = 0; c < cfg->ncircuits; c++) {
			const struct config_circuit *ci = &cfg->circuits[c];
			char key[96];

			snprintf(key, sizeof(key), "%s/%s", ci->name,
			         config_peering_name(ib->pe[i].type));
			if (strcmp(key, ib->pe[i].key) == 0)
				ib->pe[i].circuit = ci;
		}
	}
}

struct inbound_prepared {
	struct ib_peering *pe;
	size_t n;
};

struct inbound_prepared *
inbound_prepare(const struct config *cfg)
{
	struct inbound_prepared *p = calloc(1, sizeof(*p));

	if (p && !peerings_build(cfg, &p->pe, &p->n)) {
		free(p);
		return NULL;
	}
	return p;
}

void
inbound_prepared_free(struct inbound_prepared *p)
{
	if (!p)
		return;
	peerings_free(p->pe, p->n);
	free(p);
}

void
inbound_reload(struct inbound *ib, struct inbound_prepared *prep)
{
	struct ib_peering *pe, *old;
	size_t n, nold;
	bool built;

	if (!ib) {
		inbound_prepared_free(prep);
		return;
	}
	if (prep) {
		pe = prep->pe;
		n = prep->n;
		free(prep);
		built = true;
	} else {
		built = peerings_build(ib->d->cfg, &pe, &n);
	}
	if (!built) {
		/* Keep deciding by the old rules rather than by none. */
		log_err("inbound: out of memory building the new policies: the old ones stay");
		rebind(ib);
		return;
	}
	old = ib->pe;
	nold = ib->npe;
	ib->pe = pe;
	ib->npe = n;
	for (size_t i = 0; i < ib->d->nsessions; i++) {
		const struct session *s = ib->d->sessions[i];
		const struct ib_peering *now = find_peering(pe, n, s->cfg);
		char key[96];

		snprintf(key, sizeof(key), "%s/%s", s->cfg->circuit_name,
		         config_peering_name(s->cfg->type));
		const struct ib_peering *was = find_key(old, nold, key);

		/* A new peering's sessions hold nothing decided by an old policy. */
		if (!was || (now && inbound_policy_eq(now->pol, was->pol)))
			continue;
		log_peer(LOG_NOTICE, s->desc,
		         "inbound policy changed: re-evaluating the received routes in place");
		job_start(ib, s->peer_id);
	}
	peerings_free(old, nold);
	arm(ib);
}

size_t
inbound_pending(const struct inbound *ib)
{
	return ib ? ib->njobs : 0;
}
