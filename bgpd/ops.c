/*
 * ops: notify, metrics and the SIGUSR1 dump for the running daemon. This
 * file reads the daemon's structures (a session through session_info);
 * notify.c and metrics.c know nothing about them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "../lib/config.h" /* not autoconf's config.h */
#include "advertise.h"
#include "attr.h"
#include "bfd_io.h"
#include "context.h"
#include "fsm.h"
#include "kernel.h"
#include "log.h"
#include "metrics.h"
#include "msg.h"
#include "notify.h"
#include "policy.h"
#include "policy_inbound.h"
#include "ops.h"
#include "rib.h"
#include "session.h"

/* STATUS= is refreshed this often (and only sent when it changed). */
#define OPS_STATUS_SECS 5

struct ops {
	struct daemon *d;
	struct notify *notify;
	struct metrics *metrics;
	struct event *status_timer;
	char status[128];
	double start_time;
	/* Scrape storage, reused. */
	struct metrics_session *ms;
	struct metrics_peering *mp;
	char (*peer)[64];
	size_t cap;
	/* Inbound by reason (malformed last), then outbound by reason. */
	struct metrics_drop drops[INBOUND_NREASONS + POLICY_DROP_COUNT];
	struct metrics_policy *pol;
	struct metrics_policy_drop *pdrop;
	char (*pkey)[96];                        /* "circuit/peering" of each policy entry pair */
	size_t pcap;                             /* peerings room */
	struct bfd_io_totals bfd;                /* the failover histogram, copied */
	double bfd_bounds[BFD_FAILOVER_BUCKETS]; /* seconds */
};

static size_t
established(const struct daemon *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nsessions; i++)
		n += session_established(d->sessions[i]);
	return n;
}

static void
status_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ops *o = arg;
	char buf[sizeof(o->status)];

	snprintf(buf, sizeof(buf), "%zu/%zu sessions established", established(o->d),
	         o->d->nsessions);
	if (strcmp(buf, o->status) == 0)
		return;
	memcpy(o->status, buf, sizeof(buf));
	if (notify_status(o->notify, "%s", buf) < 0)
		log_debug("sd_notify STATUS: %m");
}

static bool
ops_reserve(struct ops *o, size_t n)
{
	if (n <= o->cap)
		return true;
	void *ms = realloc(o->ms, n * sizeof(*o->ms));
	if (ms)
		o->ms = ms;
	void *mp = realloc(o->mp, n * sizeof(*o->mp));
	if (mp)
		o->mp = mp;
	void *peer = realloc(o->peer, n * sizeof(*o->peer));
	if (peer)
		o->peer = peer;
	if (!ms || !mp || !peer)
		return false;
	o->cap = n;
	return true;
}

static uint64_t
sum_msgs(const uint64_t v[6])
{
	uint64_t n = 0;

	for (size_t i = 1; i < 6; i++)
		n += v[i];
	return n;
}

static bool
ops_reserve_peerings(struct ops *o, size_t n)
{
	if (n <= o->pcap)
		return true;
	void *pol = realloc(o->pol, n * 2 * sizeof(*o->pol));
	if (pol)
		o->pol = pol;
	void *pd = realloc(o->pdrop, n * POLICY_DROP_COUNT * sizeof(*o->pdrop));
	if (pd)
		o->pdrop = pd;
	void *pk = realloc(o->pkey, n * sizeof(*o->pkey));
	if (pk)
		o->pkey = pk;
	if (!pol || !pd || !pk)
		return false;
	o->pcap = n;
	return true;
}

/*
 * The live outbound policy results (advertise.c keeps one per peering,
 * "circuit/peering"): announced and advertised per family, drops by reason
 * per peering and summed into the direction="out" drops.
 */
static void
fill_policies(struct ops *o, struct metrics_snapshot *snap)
{
	static const char *const fam[2] = {"ipv4", "ipv6"};
	const struct config *cfg = o->d->cfg;
	uint64_t total[POLICY_DROP_COUNT] = {0};
	size_t np = 0;

	if (ops_reserve_peerings(o, cfg->ncircuits * CONFIG_NPEERINGS)) {
		snap->policies = o->pol;
		snap->pdrops = o->pdrop;
		for (size_t c = 0; c < cfg->ncircuits; c++) {
			const struct config_circuit *ci = &cfg->circuits[c];

			for (int t = 0; t < CONFIG_NPEERINGS; t++) {
				const char *pn = config_peering_name((enum config_peering_type)t);
				const struct policy_result *r;
				uint64_t drops[POLICY_DROP_COUNT];

				if (!ci->peering[t].present)
					continue;
				snprintf(o->pkey[np], sizeof(o->pkey[np]), "%s/%s", ci->name, pn);
				r = o->d->adv ? advertise_result(o->d->adv, o->pkey[np]) : NULL;
				np++;
				if (!r)
					continue;
				for (int fi = 0; fi < 2; fi++)
					snap->policies[snap->npolicies++] = (struct metrics_policy){
					        .circuit = ci->name,
					        .peering = pn,
					        .family = fam[fi],
					        .announced = r->stats[fi].announced,
					        .advertised = r->stats[fi].advertised,
					        .overcoverage = r->stats[fi].overcoverage,
					        .left_out = r->stats[fi].left_out,
					};
				policy_result_drops(r, drops);
				for (int k = 0; k < POLICY_DROP_COUNT; k++) {
					snap->pdrops[snap->npdrops++] =
					        (struct metrics_policy_drop){
					                .circuit = ci->name,
					                .peering = pn,
					                .reason = policy_drop_reason_name(
					                        (enum policy_drop_reason)k),
					                .count = drops[k],
					        };
					total[k] += drops[k];
				}
			}
		}
	}
	for (int k = 0; k < POLICY_DROP_COUNT; k++)
		o->drops[snap->ndrops++] = (struct metrics_drop){
		        .direction = "out",
		        .reason = policy_drop_reason_name((enum policy_drop_reason)k),
		        .count = total[k]};
}

/* The peering entry for s, added on first sight (sessions come in config order). */
static struct metrics_peering *
peering_of(struct metrics_snapshot *snap, const struct session *s)
{
	const char *name = config_peering_name(s->cfg->type);

	for (size_t i = 0; i < snap->npeerings; i++)
		if (strcmp(snap->peerings[i].circuit, s->cfg->circuit_name) == 0 &&
		    strcmp(snap->peerings[i].peering, name) == 0)
			return &snap->peerings[i];
	struct metrics_peering *p = &snap->peerings[snap->npeerings++];
	p->circuit = s->cfg->circuit_name;
	p->peering = name;
	p->advertised = 0;
	p->cap = s->cfg->peering->max_prefixes;
	return p;
}

/* A session's BFD, when it runs one. */
static void
ops_bfd_session(struct daemon *d, const struct session *s, struct metrics_session *m)
{
	struct bfd_info bi;

	if (!bfd_io_find(d->bfd, s->key, &bi))
		return;
	m->bfd_enabled = true;
	m->bfd_up = bi.usable;
	m->bfd_silent = bi.silent;
	m->bfd_state = bi.state;
	m->bfd_state_changes = bi.state_changes;
	m->bfd_flaps = bi.flaps;
	m->bfd_tx_late_max_seconds = (double)bi.tx.late_max_us / 1e6;
}

static void
ops_bfd_totals(struct ops *o, struct daemon *d, struct metrics_snapshot *snap)
{
	bfd_io_totals(d->bfd, &o->bfd);
	for (size_t i = 0; i < BFD_FAILOVER_BUCKETS; i++)
		o->bfd_bounds[i] = bfd_failover_bounds_ms[i] / 1000.0;
	snap->bfd = (struct metrics_bfd){
	        .state_changes = o->bfd.state_changes,
	        .bounds = o->bfd_bounds,
	        .le = o->bfd.failover_le,
	        .nbounds = BFD_FAILOVER_BUCKETS,
	        .count = o->bfd.failover_count,
	        .sum = o->bfd.failover_sum_ms / 1000.0,
	        .dropped_ttl = o->bfd.rx_ttl_dropped,
	        .dropped_bad = o->bfd.rx_bad,
	        .dropped_no_session = o->bfd.rx_no_session,
	};
}

static void
fill(struct metrics_snapshot *snap, void *arg)
{
	struct ops *o = arg;
	struct daemon *d = o->d;
	time_t now = time(NULL);
	uint64_t refused[RIB_REASONS] = {0}, malformed = 0;

	snap->version = CEBGPD_VERSION;
	snap->start_time = o->start_time;
	if (!ops_reserve(o, d->nsessions))
		return; /* out of memory: an empty scrape rather than none */
	snap->sessions = o->ms;
	snap->peerings = o->mp;
	for (size_t i = 0; i < d->nsessions; i++) {
		const struct session *s = d->sessions[i];
		struct metrics_session *m = &o->ms[snap->nsessions++];
		struct session_info si;

		session_info(s, &si);
		addr_fmt(&s->cfg->peer, o->peer[i], sizeof(o->peer[i]));
		*m = (struct metrics_session){
		        .circuit = s->cfg->circuit_name,
		        .peering = config_peering_name(s->cfg->type),
		        .role = config_role_name(s->cfg->role),
		        .peer = o->peer[i],
		        .state = fsm_state_name(si.state),
		        .established = si.established,
		        .uptime_seconds = si.established && now > si.state_since
		                                  ? (double)(now - si.state_since)
		                                  : 0.0,
		        .flaps = si.cnt->dropped,
		        .msgs_in = sum_msgs(si.cnt->msgs_in),
		        .msgs_out = sum_msgs(si.cnt->msgs_out),
		        .updates_in = si.cnt->msgs_in[MSG_UPDATE],
		        .updates_out = si.cnt->msgs_out[MSG_UPDATE],
		        .prefixes_received = si.prefixes_received,
		        .prefixes_accepted = si.prefixes_accepted,
		        .prefixes_advertised = si.prefixes_advertised,
		};
		ops_bfd_session(d, s, m);
		struct rib_peer_counts c = {0};

		rib_peer_counts(d->rib, s->peer_id, &c);
		for (int k = 0; k < RIB_REASONS; k++)
			refused[k] += c.refused[k];
		malformed += c.invalid;
		struct metrics_peering *p = peering_of(snap, s);
		if (m->prefixes_advertised > p->advertised)
			p->advertised = m->prefixes_advertised;
	}
	/* Inbound: paths in Adj-RIB-In refused by policy (by reason) or RFC 7606. */
	snap->drops = o->drops;
	snap->ndrops = 0;
	for (int k = 1; k < INBOUND_NREASONS; k++)
		o->drops[snap->ndrops++] =
		        (struct metrics_drop){.direction = "in",
		                              .reason = inbound_reason_name((enum inbound_reason)k),
		                              .count = refused[k]};
	o->drops[snap->ndrops++] =
	        (struct metrics_drop){.direction = "in", .reason = "malformed", .count = malformed};
	fill_policies(o, snap);
	struct kernel_counts kc = {0};

	if (d->kernel)
		kernel_counts(d->kernel, &kc);
	snap->fib_routes = kc.installed;
	snap->fib_nexthop_groups = kc.groups;
	snap->fib_shadow_bytes = kc.memory;
	ops_bfd_totals(o, d, snap);
}

struct ops *
ops_start(struct daemon *d)
{
	struct ops *o = calloc(1, sizeof(*o));
	struct timeval tv = {.tv_sec = OPS_STATUS_SECS};
	struct timespec ts;

	if (!o)
		return NULL;
	o->d = d;
	clock_gettime(CLOCK_REALTIME, &ts);
	o->start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (d->cfg->metrics.listen) {
		char host[64], err[256];

		addr_fmt(&d->cfg->metrics.addr, host, sizeof(host));
		o->metrics = metrics_start(d->base, host, d->cfg->metrics.port, fill, o, err,
		                           sizeof(err));
		if (o->metrics)
			log_info("metrics on http://%s/metrics", d->cfg->metrics.listen);
		else
			log_err("metrics: %s", err);
	}
	o->notify = notify_new(d->base);
	if (!o->notify)
		return o;
	if (notify_enabled(o->notify)) {
		/* Config loaded, listener and sessions started: ready (sd_notify(3)). */
		if (notify_ready(o->notify) < 0)
			log_warn("sd_notify READY=1: %m");
		if (notify_watchdog_interval(o->notify))
			log_info("systemd watchdog: pinging every %llu ms",
			         (unsigned long long)(notify_watchdog_interval(o->notify) / 1000));
		status_cb(-1, 0, o);
		o->status_timer = event_new(d->base, -1, EV_PERSIST, status_cb, o);
		if (o->status_timer)
			event_add(o->status_timer, &tv);
	}
	return o;
}

void
ops_stop(struct ops *o)
{
	if (!o)
		return;
	if (o->status_timer)
		event_free(o->status_timer);
	metrics_stop(o->metrics);
	notify_free(o->notify);
	free(o->ms);
	free(o->mp);
	free(o->peer);
	free(o->pol);
	free(o->pdrop);
	free(o->pkey);
	free(o);
}

/* ---- the SIGUSR1 dump ---- */

struct dump_ctx {
	const char *key;
	size_t n;
};

static int
dump_route(const struct prefix *p, const struct rib_path *path, void *arg)
{
	struct dump_ctx *dc = arg;
	const struct attr *a = rib_path_in(path);
	char pb[PREFIX_STRLEN], nh[ADDR_STRLEN], aspath[256];

	if (!a) {
		log_info("dump: route %s %s invalid (RFC 7606 treat-as-withdraw)", dc->key,
		         prefix_fmt(p, pb, sizeof(pb)));
		return ++dc->n >= 100000;
	}
	attr_aspath_fmt(&a->set, aspath, sizeof(aspath));
	log_info("dump: route %s %s nexthop %s aspath [%s] origin %s%s%s", dc->key,
	         prefix_fmt(p, pb, sizeof(pb)),
	         a->set.present & ATTR_HAS_NEXT_HOP ? addr_fmt(&a->set.nexthop, nh, sizeof(nh))
	                                            : "-",
	         aspath, attr_origin_name(a->set.origin),
	         path->flags & RIB_PATH_BEST ? " best" : "",
	         path->flags & RIB_PATH_ECMP ? " ecmp" : "");
	/* Bounded: a full table is not for the log. */
	return ++dc->n >= 100000;
}

void
ops_dump_session(const struct session *s, struct rib *rib)
{
	struct session_info si;
	char la[ADDR_STRLEN], pa[ADDR_STRLEN], id[ADDR_STRLEN];
	struct addr ida;

	session_info(s, &si);
	const struct session_counters *k = si.cnt;
	addr_from_v4(&ida, si.remote_id);
	log_info("dump: session %s peer %s local %s interface %s link %s state %s for %lds "
	         "local-as %u peer-as %u remote-id %s hold %u keepalive %u prefixes %zu limit %u "
	         "eor %s",
	         si.key, addr_fmt(&si.cfg->peer, pa, sizeof(pa)),
	         addr_fmt(&si.cfg->local, la, sizeof(la)), si.cfg->ifname,
	         !si.link_known ? "unknown"
	         : si.link_up   ? "up"
	                        : "down",
	         fsm_state_name(si.state), (long)(time(NULL) - si.state_since), si.cfg->local_asn,
	         si.cfg->peer_asn, addr_fmt(&ida, id, sizeof(id)), si.hold, si.keepalive,
	         si.prefixes_received, si.cfg->opts.max_received, si.eor_received ? "yes" : "no");
	log_info("dump: counters %s in open %llu update %llu notification %llu keepalive %llu "
	         "refresh %llu out open %llu update %llu notification %llu keepalive %llu "
	         "established %u dropped %u update-errors %llu",
	         si.key, (unsigned long long)k->msgs_in[1], (unsigned long long)k->msgs_in[2],
	         (unsigned long long)k->msgs_in[3], (unsigned long long)k->msgs_in[4],
	         (unsigned long long)k->msgs_in[5], (unsigned long long)k->msgs_out[1],
	         (unsigned long long)k->msgs_out[2], (unsigned long long)k->msgs_out[3],
	         (unsigned long long)k->msgs_out[4], k->established, k->dropped,
	         (unsigned long long)k->update_errors);
	if (si.last_sent->set)
		log_info("dump: last-sent %s %s", si.key, si.last_sent->text);
	if (si.last_rcvd->set)
		log_info("dump: last-received %s %s", si.key, si.last_rcvd->text);
	struct dump_ctx dc = {.key = si.key};
	if (rib)
		rib_adj_in_walk(rib, s->peer_id, 0, dump_route, &dc);
}
