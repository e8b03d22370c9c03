/*
 * advertise: the peerings' policy results, the sessions' Adj-RIB-Out and
 * the UPDATE packer (see advertise.h).
 */
#include <event2/event.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "advertise.h"
#include "attr.h"
#include "context.h"
#include "fib.h"
#include "log.h"
#include "msg.h"
#include "plan.h"
#include "rib.h"
#include "session.h"
#include "sockopt.h"

/* Prefixes handed to the packer at once: more than a 4096-byte UPDATE holds. */
#define ADV_BATCH 2048
/* Policy warnings logged one by one; the rest are counted. */
#define ADV_LOG_WARNINGS 20
/* Our AS_PATH: one AS_SEQUENCE, our ASN once plus at most 10 prepends. */
#define ADV_MAX_ASNS 16

/* The result of one peering, by "circuit/peering" (stable across reloads). */
struct adv_peering {
	char key[96];
	struct policy_result *res;
};

struct advertise {
	struct daemon *d;
	struct adv_peering *peerings;
	size_t npeerings;
	struct prefix batch[ADV_BATCH];
	uint8_t msg[MSG_MAX_LEN_EXT];
};

/* Per session: its two attribute sets and where the packer stands. */
struct adv_session {
	const struct attr *attr[2]; /* [0] plain, [1] lossy aggregate */
	bool eor_pending;           /* the initial set is going out; End-of-RIB after it */
	bool refresh_pending;       /* ROUTE-REFRESH: send everything again when idle */
	bool eorr_pending;          /* RFC 7313: EoRR after the re-advertisement */
	bool fam_noted;             /* "family not negotiated" logged once */
	struct addr ll;             /* IPv6: our interface's link-local address (afi 0: none) */
	size_t pauses;              /* XOFFs since the queues were last empty */
	size_t updates, prefixes;   /* sent since Established (for the log) */
};

/* ---- peerings ---- */

static void
peering_key(char *buf, size_t size, const char *circuit, enum config_peering_type t)
{
	snprintf(buf, size, "%s/%s", circuit, config_peering_name(t));
}

static struct adv_peering *
peering_find(struct adv_peering *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

const struct policy_result *
advertise_result(const struct advertise *a, const char *key)
{
	struct adv_peering *p = a ? peering_find(a->peerings, a->npeerings, key) : NULL;

	return p ? p->res : NULL;
}

static const struct policy_result *
session_result(const struct advertise *a, const struct session *s)
{
	char key[96];
	struct adv_peering *p;

	peering_key(key, sizeof(key), s->cfg->circuit_name, s->cfg->type);
	p = peering_find(a->peerings, a->npeerings, key);
	return p ? p->res : NULL;
}

/* The policy's warnings and the loud cap line, once per (re)computation. */
static void
log_result(const char *key, const struct policy_result *r)
{
	for (int f = 0; f < 2; f++) {
		const struct policy_stats *st = &r->stats[f];

		if (f == 1 && st->announced == 0)
			continue;
		log_msg(LOG_INFO,
		        "policy %s %s: %zu announced -> %zu advertised of cap %u (%s), "
		        "over-coverage %llu, lower bound %llu",
		        key, f ? "IPv6" : "IPv4", st->announced, st->advertised, st->cap,
		        policy_verdict_name(st->verdict), (unsigned long long)st->overcoverage,
		        (unsigned long long)st->lower_bound);
		/* Anything but a plain fit is the operator's business, loudly. */
		if (st->cap_reason[0])
			log_msg(st->verdict == POLICY_AGGREGATED ? LOG_WARNING : LOG_ERR,
			        "policy %s %s: %s", key, f ? "IPv6" : "IPv4", st->cap_reason);
	}
	for (size_t i = 0; i < r->n_warnings && i < ADV_LOG_WARNINGS; i++)
		log_msg(LOG_WARNING, "policy %s: %s", key, r->warnings[i]);
	if (r->n_warnings > ADV_LOG_WARNINGS)
		log_msg(LOG_WARNING, "policy %s: %zu more warnings (cebgpd --check lists them)",
		        key, r->n_warnings - ADV_LOG_WARNINGS);
}

/*
 * Run every configured peering's policy; prev (may be NULL) gives the
 * previous results for hysteresis. Fills *out; false when memory ran out.
 * Pure (no log, no daemon state): the reload runs it off the loop.
 */
static bool
peerings_compute(const struct config *cfg, struct adv_peering *prev, size_t nprev,
                 struct adv_peering **out, size_t *nout)
{
	struct adv_peering *v = calloc(cfg->ncircuits * CONFIG_NPEERINGS + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return false;
	for (size_t i = 0; i < cfg->ncircuits; i++) {
		const struct config_circuit *ci = &cfg->circuits[i];

		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			const struct config_peering *pe = &ci->peering[t];
			struct adv_peering *old;

			if (!pe->present)
				continue;
			peering_key(v[n].key, sizeof(v[n].key), ci->name,
			            (enum config_peering_type)t);
			old = peering_find(prev, nprev, v[n].key);
			v[n].res = plan_policy(cfg, ci, pe, old ? old->res : NULL);
			if (!v[n].res)
				continue; /* peerings_log says so */
			n++;
		}
	}
	*out = v;
	*nout = n;
	return true;
}

static void peerings_free(struct adv_peering *v, size_t n);

struct free_later {
	struct adv_peering *v;
	size_t n;
};

static void
free_later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct free_later *fl = arg;

	(void)fd;
	(void)what;
	peerings_free(fl->v, fl->n);
	free(fl);
}

/*
 * The old results of a reload go in a loop step of their own (the traces
 * of 100k prefixes take a few ms to free): the reload's step is long enough.
 */
static void
peerings_free_later(struct daemon *d, struct adv_peering *v, size_t n)
{
	struct free_later *fl = malloc(sizeof(*fl));
	struct timeval now = {0, 0};

	if (!fl || event_base_once(d->base, -1, EV_TIMEOUT, free_later_cb, fl, &now) < 0) {
		free(fl);
		peerings_free(v, n);
		return;
	}
	fl->v = v;
	fl->n = n;
}

/* On the loop: each result's lines, and the peerings left without one. */
static void
peerings_log(const struct config *cfg, const struct adv_peering *v, size_t n)
{
	char key[96];

	for (size_t i = 0; i < n; i++)
		log_result(v[i].key, v[i].res);
	for (size_t i = 0; i < cfg->ncircuits; i++)
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			if (!cfg->circuits[i].peering[t].present)
				continue;
			peering_key(key, sizeof(key), cfg->circuits[i].name,
			            (enum config_peering_type)t);
			if (!peering_find((struct adv_peering *)v, n, key))
				log_err("policy %s: out of memory: nothing advertised", key);
		}
}

static void
peerings_free(struct adv_peering *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		policy_result_free(v[i].res);
	free(v);
}

/* ---- per-session attributes ---- */

static struct adv_session *
adv_get(struct session *s)
{
	if (!s->adv)
		s->adv = calloc(1, sizeof(*s->adv));
	return s->adv;
}

void
advertise_session_free(struct session *s)
{
	struct adv_session *as = s->adv;

	if (!as)
		return;
	attr_unref(as->attr[0]);
	attr_unref(as->attr[1]);
	free(as);
	s->adv = NULL;
}

/*
 * The link-local address of ifname (the first one the kernel lists), for
 * the RFC 2545 §3 next hop: afi 0 when it has none (addrgenmode none, or
 * the interface is gone). getifaddrs: the kernel's view at this instant.
 */
static void
link_local_of(const char *ifname, struct addr *out)
{
	struct ifaddrs *ifa, *i;

	memset(out, 0, sizeof(*out));
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)i->ifa_addr;

		if (s6 && s6->sin6_family == AF_INET6 && strcmp(i->ifa_name, ifname) == 0 &&
		    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr)) {
			sockopt_addr(i->ifa_addr, out, NULL);
			break;
		}
	}
	freeifaddrs(ifa);
}

/*
 * ORIGIN IGP, AS_PATH [asn x (1 + prepend)], NEXT_HOP our session address
 * (RFC 4271 §5.1.1-3; on an IPv6 session the MP_REACH next hop: our global
 * address on the /126 and our interface's link-local one, RFC 2545 §3),
 * the peering's communities (RFC 1997); lossy adds ATOMIC_AGGREGATE and
 * AGGREGATOR (§5.1.6-7, §9.2.2.2).
 */
static const struct attr *
session_attr(struct session *s, bool lossy)
{
	const struct config_session *cs = s->cfg;
	struct attr_seg seg = {.type = AS_SEQUENCE};
	uint32_t asns[ADV_MAX_ASNS];
	struct attr_set set;
	unsigned n = 1u + cs->opts.prepend;

	if (n > ADV_MAX_ASNS)
		n = ADV_MAX_ASNS;
	for (unsigned i = 0; i < n; i++)
		asns[i] = cs->local_asn;
	seg.count = (uint16_t)n;
	attr_set_init(&set);
	set.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH | ATTR_HAS_NEXT_HOP;
	set.origin = ORIGIN_IGP;
	set.nsegs = 1;
	set.nasns = (uint16_t)n;
	set.segs = &seg;
	set.asns = asns;
	set.nexthop = cs->local;
	if (cs->local.afi == AFI_IP6)
		set.nexthop_ll = s->adv->ll;
	set.ncomms = (uint32_t)cs->peering->ncommunities;
	set.comms = cs->peering->communities;
	if (lossy) {
		set.present |= ATTR_HAS_ATOMIC_AGG | ATTR_HAS_AGGREGATOR;
		set.aggr_as = cs->local_asn;
		addr_from_v4(&set.aggr_addr, cs->router_id);
	}
	return attr_intern(s->d->attrs, &set);
}

/* Recompute the session's attribute sets; true when they changed. */
static bool
session_attrs_refresh(struct session *s, struct adv_session *as)
{
	const struct attr *a0 = session_attr(s, false), *a1 = session_attr(s, true);
	bool changed = a0 != as->attr[0] || a1 != as->attr[1];

	attr_unref(as->attr[0]);
	attr_unref(as->attr[1]);
	as->attr[0] = a0;
	as->attr[1] = a1;
	return changed;
}

/* ---- Adj-RIB-Out ---- */

/*
 * A session advertises the part of its peering's result in its own family
 * (its IPv4 or IPv6 twin carries the rest), and only once the family is
 * negotiated (the OPEN requires it, so this is a safeguard).
 */
static bool
family_ok(struct session *s, struct adv_session *as, const struct prefix *p)
{
	if (p->afi != session_afi(s))
		return false;
	if (s->ctx.families & msg_fam_bit(p->afi))
		return true;
	if (!as->fam_noted) {
		as->fam_noted = true;
		log_peer(LOG_WARNING, s->desc,
		         "%s prefixes in the policy result are not advertised: the family is not "
		         "negotiated on this session",
		         msg_afi_name(p->afi));
	}
	return false;
}

static void
out_announce(struct session *s, struct adv_session *as, const struct policy_adv *a)
{
	if (!as->attr[a->lossy] || !family_ok(s, as, &a->p))
		return;
	if (!rib_out_announce(s->d->rib, s->peer_id, &a->p, as->attr[a->lossy]))
		log_peer(LOG_ERR, s->desc, "out of memory queueing an advertisement");
}

/* The whole result into an Adj-RIB-Out known to hold nothing else. */
static void
out_fill(struct session *s, struct adv_session *as, const struct policy_result *r)
{
	for (size_t i = 0; r && i < r->n_adv; i++)
		out_announce(s, as, &r->adv[i]);
}

/* ---- the packer ---- */

static bool
send_route_refresh(struct session *s, uint8_t subtype)
{
	struct msg_route_refresh rr = {
	        .afi = session_afi(s), .subtype = subtype, .safi = SAFI_UNICAST};
	uint8_t mem[MSG_HEADER_LEN + 4];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	msg_route_refresh_encode(&w, &rr);
	return session_send(s, &w, MSG_ROUTE_REFRESH);
}

static bool
send_eor(struct session *s, struct adv_session *as)
{
	uint8_t mem[64];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	/* RFC 4724 §2: one marker per family; the session carries one. */
	msg_eor_encode(&w, session_afi(s));
	if (!session_send(s, &w, MSG_UPDATE))
		return false;
	log_peer(LOG_INFO, s->desc,
	         "initial advertisement done: %zu prefixes in %zu UPDATEs, End-of-RIB sent for %s "
	         "unicast",
	         as->prefixes, as->updates, msg_afi_name(session_afi(s)));
	return true;
}

/* One UPDATE from the next pending batch; false when nothing was sent. */
static bool
pack_one(struct advertise *a, struct session *s, struct adv_session *as)
{
	struct rib_out_batch b;
	struct wbuf w;
	size_t n;

	if (!rib_out_next(s->d->rib, s->peer_id, a->batch, ADV_BATCH, &b))
		return false;
	wbuf_init(&w, a->msg, s->ctx.max_len < sizeof(a->msg) ? s->ctx.max_len : sizeof(a->msg));
	if (b.attr)
		n = msg_update_pack(&w, &s->ctx, &b.attr->set, b.afi, b.pfx, b.n);
	else
		n = msg_withdraw_pack(&w, &s->ctx, b.afi, b.pfx, b.n);
	if (n == 0) {
		/* Cannot happen with our attributes; never spin on it. */
		log_peer(LOG_ERR, s->desc, "cannot pack an UPDATE: advertisement stalled");
		return false;
	}
	if (!session_send(s, &w, MSG_UPDATE))
		return false;
	rib_out_sent(s->d->rib, s->peer_id, &b, n);
	as->updates++;
	as->prefixes += n;
	return true;
}

/*
 * Produce UPDATEs while the socket can take them (XOFF above the high
 * water; advertise_resume is XON). When the queues are empty: the
 * markers that were waiting for them.
 */
static void
pump(struct session *s)
{
	struct advertise *a = s->d->adv;
	struct adv_session *as = s->adv;

	if (!a || !as || !session_established(s))
		return;
	while (session_can_send(s)) {
		if (pack_one(a, s, as))
			continue;
		if (rib_out_pending(s->d->rib, s->peer_id) > 0)
			return; /* stalled or could not send: the next drain retries */
		if (as->pauses) {
			log_peer(LOG_INFO, s->desc,
			         "advertisement caught up after %zu pause%s at the write queue's "
			         "high water",
			         as->pauses, as->pauses == 1 ? "" : "s");
			as->pauses = 0;
		}
		if (as->eor_pending) {
			if (!send_eor(s, as))
				return;
			as->eor_pending = false;
		}
		if (as->eorr_pending) {
			if (!send_route_refresh(s, RR_EORR))
				return;
			as->eorr_pending = false;
		}
		if (!as->refresh_pending)
			return;
		/*
		 * RFC 2918 §4: advertise the Adj-RIB-Out again. Started only
		 * with nothing pending, so no withdraw is lost by the reset.
		 */
		as->refresh_pending = false;
		if (s->remote_caps.have & MSG_CAP_ENHANCED_RR) {
			if (!send_route_refresh(s, RR_BORR))
				return;
			as->eorr_pending = true;
		}
		rib_out_reset(s->d->rib, s->peer_id);
	}
	/* XOFF: the queue is above its high water; the drain calls us again. */
	if (rib_out_pending(s->d->rib, s->peer_id) > 0) {
		as->pauses++;
		log_debug("%s: write queue full, %zu prefixes wait", s->desc,
		          rib_out_pending(s->d->rib, s->peer_id));
	}
}

/*
 * An IPv6 session's next hop: our global address and the link-local one
 * (as->ll), at Established or when the link-local one changed.
 */
static void
next_hop_log(struct session *s, struct adv_session *as, bool changed)
{
	char gl[ADDR_STRLEN], ll[ADDR_STRLEN];

	addr_fmt(&s->cfg->local, gl, sizeof(gl));
	if (as->ll.afi && !changed)
		log_peer(LOG_INFO, s->desc, "next hop %s with link-local %s", gl,
		         addr_fmt(&as->ll, ll, sizeof(ll)));
	else if (as->ll.afi)
		log_peer(LOG_NOTICE, s->desc,
		         "the link-local address of %s changed: advertising again with next hop "
		         "%s and link-local %s",
		         s->cfg->ifname, gl, addr_fmt(&as->ll, ll, sizeof(ll)));
	else
		log_peer(LOG_WARNING, s->desc,
		         "%s has no IPv6 link-local address: the next hop is the global one "
		         "(%s) only%s",
		         s->cfg->ifname, gl, changed ? ": advertising again" : "");
}

void
advertise_session_up(struct session *s)
{
	struct advertise *a = s->d->adv;
	struct adv_session *as = adv_get(s);

	if (!a || !as) {
		log_peer(LOG_ERR, s->desc, "out of memory: nothing advertised");
		return;
	}
	if (!session_established(s))
		return;
	if (session_afi(s) == AFI_IP6) {
		link_local_of(s->cfg->ifname, &as->ll);
		next_hop_log(s, as, false);
	}
	session_attrs_refresh(s, as);
	as->eor_pending = true;
	as->refresh_pending = as->eorr_pending = false;
	as->updates = as->prefixes = as->pauses = 0;
	/* A new session has nothing: start from the peering's result. */
	rib_out_flush(s->d->rib, s->peer_id);
	out_fill(s, as, session_result(a, s));
	log_peer(LOG_INFO, s->desc, "advertising %zu prefixes",
	         rib_out_pending(s->d->rib, s->peer_id));
	pump(s);
}

/*
 * An IPv6 link-local address came or went on ifname. Each Established
 * IPv6 session there reads its interface's link-local address again; when
 * it is no longer the one in our next hop, every prefix goes out again
 * with the new one (RFC 2545 §3: the peer forwards to it on the shared
 * link, so a stale one blackholes our traffic). The pending queue keeps
 * the latest attributes only: a flush followed by an add costs one round
 * if the packer has not caught up in between.
 */
void
advertise_link_local(struct daemon *d, const char *ifname, const struct addr *a)
{
	/* fe80::/10 */
	if (a->afi != AFI_IP6 || a->bytes[0] != 0xfe || (a->bytes[1] & 0xc0) != 0x80)
		return;
	for (size_t i = 0; d->adv && i < d->nsessions; i++) {
		struct session *s = d->sessions[i];
		struct adv_session *as = s->adv;
		struct addr ll;

		if (!as || session_afi(s) != AFI_IP6 || !session_established(s) ||
		    strcmp(s->cfg->ifname, ifname) != 0)
			continue;
		link_local_of(ifname, &ll);
		if (addr_eq(&ll, &as->ll))
			continue;
		as->ll = ll;
		next_hop_log(s, as, true);
		if (session_attrs_refresh(s, as)) {
			out_fill(s, as, session_result(d->adv, s));
			pump(s);
		}
	}
}

void
advertise_refresh(struct session *s)
{
	struct adv_session *as = adv_get(s);

	if (!as || !session_established(s))
		return;
	as->refresh_pending = true;
	pump(s);
}

void
advertise_resume(struct session *s)
{
	pump(s);
}

/* ---- life and reload ---- */

/* Blackhole what each peering's aggregates over-cover (discard-holes). */
static void
discard_sync(struct advertise *a)
{
	for (size_t i = 0; i < a->npeerings; i++)
		fib_discard_sync(a->d->fib, a->peerings[i].key, a->peerings[i].res->holes,
		                 a->peerings[i].res->n_holes);
}

struct advertise *
advertise_new(struct daemon *d)
{
	struct advertise *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->d = d;
	if (!peerings_compute(d->cfg, NULL, 0, &a->peerings, &a->npeerings)) {
		free(a);
		return NULL;
	}
	peerings_log(d->cfg, a->peerings, a->npeerings);
	discard_sync(a);
	return a;
}

void
advertise_free(struct advertise *a)
{
	if (!a)
		return;
	peerings_free(a->peerings, a->npeerings);
	free(a);
}

/* The new result of s's peering went from old to new: tell s. */
static void
session_reload(struct advertise *a, struct session *s, const struct policy_result *old,
               const struct policy_result *new, const struct policy_delta *delta)
{
	struct adv_session *as = adv_get(s);
	bool resync;

	if (!as || !session_established(s))
		return; /* Established later fills the whole set anyway */
	resync = session_attrs_refresh(s, as);
	for (size_t i = 0; i < delta->n_withdraw; i++)
		rib_out_withdraw(s->d->rib, s->peer_id, &delta->withdraw[i]);
	if (resync || !old) {
		/* New attributes: every prefix moves to the new set (queued once). */
		out_fill(s, as, new);
		log_peer(LOG_INFO, s->desc, "reload: attributes changed, advertising %zu prefixes",
		         new ? new->n_adv : 0);
	} else {
		for (size_t i = 0; i < delta->n_announce; i++)
			out_announce(s, as, &delta->announce[i]);
		log_peer(LOG_INFO, s->desc, "reload: %zu withdrawn, %zu announced",
		         delta->n_withdraw, delta->n_announce);
	}
	pump(s);
	(void)a;
}

/* The policy results of a config not yet applied (advertise_compute). */
struct advertise_plan {
	struct adv_peering *v;
	size_t n;
};

struct advertise_plan *
advertise_compute(const struct advertise *a, const struct config *cfg)
{
	struct advertise_plan *p = calloc(1, sizeof(*p));

	if (p &&
	    !peerings_compute(cfg, a ? a->peerings : NULL, a ? a->npeerings : 0, &p->v, &p->n)) {
		free(p);
		return NULL;
	}
	return p;
}

void
advertise_plan_free(struct advertise_plan *p)
{
	if (!p)
		return;
	peerings_free(p->v, p->n);
	free(p);
}

void
advertise_reload(struct advertise *a, struct advertise_plan *plan)
{
	struct daemon *d = a->d;
	struct adv_peering *nv;
	size_t nn;

	if (!plan) {
		log_err("reload: out of memory running the policy: advertisements unchanged");
		return;
	}
	nv = plan->v;
	nn = plan->n;
	free(plan);
	peerings_log(d->cfg, nv, nn);
	for (size_t i = 0; i < nn; i++) {
		struct adv_peering *old = peering_find(a->peerings, a->npeerings, nv[i].key);
		const struct policy_result * or = old ? old->res : NULL;
		struct policy_delta delta;

		if (policy_diff(or, nv[i].res, &delta) < 0) {
			log_err("reload: out of memory diffing %s", nv[i].key);
			continue;
		}
		if (delta.n_withdraw || delta.n_announce)
			log_notice("policy %s: %zu withdrawn, %zu announced after the reload",
			           nv[i].key, delta.n_withdraw, delta.n_announce);
		for (size_t k = 0; k < d->nsessions; k++) {
			struct session *s = d->sessions[k];
			char key[96];

			peering_key(key, sizeof(key), s->cfg->circuit_name, s->cfg->type);
			if (strcmp(key, nv[i].key) == 0)
				session_reload(a, s, or, nv[i].res, &delta);
		}
		policy_delta_free(&delta);
	}
	{
		struct adv_peering *old = a->peerings;
		size_t nold = a->npeerings;

		a->peerings = nv;
		a->npeerings = nn;
		/* Before the old results go: fib still reads their holes (fib.h). */
		discard_sync(a);
		/* A peering without a new result (out of memory): fib lets go of
		 * the old result's holes before they are freed. */
		for (size_t i = 0; i < nold; i++)
			if (!peering_find(nv, nn, old[i].key))
				fib_discard_sync(d->fib, old[i].key, NULL, 0);
		peerings_free_later(d, old, nold);
	}
}

/* session.c calls these at the session's moments (struct session_hooks). */
const struct session_hooks advertise_session_hooks = {
        .up = advertise_session_up,
        .refresh = advertise_refresh,
        .resume = advertise_resume,
        .gone = advertise_session_free,
};
