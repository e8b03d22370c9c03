/*
 * ctl_show: control command handlers (ctl_show.h). Each builds the JSON
 * its renderer in ctl/ctl_render.c reads; nothing here formats text for a
 * terminal.
 */
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advertise.h"
#include "attr.h"
#include "../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "control.h"
#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "bfd_io.h"
#include "ctl_show.h"
#include "compiler.h"
#include "context.h"
#include "fib.h"
#include "kernel.h"
#include "log.h"
#include "msg.h"
#include "policy_inbound.h"
#include "rib.h"
#include "session.h"

struct ctl_daemon {
	struct daemon *d;
	ctl_reload_fn *reload;
	struct control *srv;
	time_t started;
};

/* Handlers get the daemon, its reload and the start time through this. */
struct ctx {
	struct daemon *d;
	ctl_reload_fn *reload;
	time_t started;
};

static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static json_t *
jaddr(const struct addr *a)
{
	char b[ADDR_STRLEN];

	return json_string(addr_fmt(a, b, sizeof(b)));
}

static json_t *
jprefix(const struct prefix *p)
{
	char b[PREFIX_STRLEN];

	return json_string(prefix_fmt(p, b, sizeof(b)));
}

static json_t *
jid(uint32_t host_order)
{
	struct addr a;

	addr_from_v4(&a, host_order);
	return jaddr(&a);
}

/* ---- selection by PEERING / ADDR ---- */

/* "private", "public" or "CIRCUIT/private": does session s belong to it? */
static bool
peering_match(const struct session *s, const char *peering)
{
	const char *slash;
	const char *type = config_peering_name(s->cfg->type);

	if (!peering)
		return true;
	slash = strchr(peering, '/');
	if (!slash)
		return strcmp(peering, type) == 0;
	return strlen(s->cfg->circuit_name) == (size_t)(slash - peering) &&
	       strncmp(peering, s->cfg->circuit_name, (size_t)(slash - peering)) == 0 &&
	       strcmp(slash + 1, type) == 0;
}

static struct session *
find_neighbor(struct daemon *d, const char *addr)
{
	struct addr a;

	if (!addr || addr_parse(addr, &a) != 0)
		return NULL;
	for (size_t i = 0; i < d->nsessions; i++)
		if (addr_eq(&d->sessions[i]->cfg->peer, &a))
			return d->sessions[i];
	return NULL;
}

static json_t *
no_neighbor(const char *addr)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "no session with neighbor %s", addr ? addr : "-");
	return ctl_response_error(msg, NULL);
}

static uint64_t
msgs_total(const uint64_t v[6])
{
	uint64_t t = 0;

	for (int i = 1; i < 6; i++)
		t += v[i];
	return t;
}

static void
add_counts(json_t *o, const struct session_info *si)
{
	json_object_set_new(o, "prefixes_received",
	                    json_integer((json_int_t)si->prefixes_received));
	json_object_set_new(o, "prefixes_accepted",
	                    json_integer((json_int_t)si->prefixes_accepted));
	json_object_set_new(o, "prefixes_advertised",
	                    json_integer((json_int_t)si->prefixes_advertised));
	/* The provider's cap for the session's own family. */
	json_object_set_new(o, "cap",
	                    json_integer(si->afi == AFI_IP6 ? si->cfg->peering->max_prefixes6
	                                                    : si->cfg->peering->max_prefixes));
}

static const char *
family_name(uint8_t afi)
{
	return afi == AFI_IP6 ? "ipv6" : "ipv4";
}

static void
add_identity(json_t *o, const struct session *s)
{
	json_object_set_new(o, "circuit", json_string(s->cfg->circuit_name));
	json_object_set_new(o, "peering", json_string(config_peering_name(s->cfg->type)));
	json_object_set_new(o, "role", json_string(config_role_name(s->cfg->role)));
	json_object_set_new(o, "family", json_string(family_name(session_afi(s))));
	json_object_set_new(o, "neighbor", jaddr(&s->cfg->peer));
	json_object_set_new(o, "peer_asn", json_integer(s->cfg->peer_asn));
}

/* The families a session negotiated (RFC 4760): ["ipv4_unicast"], [] while down. */
static json_t *
jfamilies(unsigned families)
{
	json_t *arr = json_array();

	if (families & MSG_FAM_IPV4)
		json_array_append_new(arr, json_string("ipv4_unicast"));
	if (families & MSG_FAM_IPV6)
		json_array_append_new(arr, json_string("ipv6_unicast"));
	return arr;
}

static void
add_state(json_t *o, const struct session_info *si)
{
	json_object_set_new(o, "state", json_string(fsm_state_name(si->state)));
	/* session.c stamps state changes with time(NULL). */
	if (si->state_since) {
		time_t age = time(NULL) - si->state_since;

		json_object_set_new(o, "state_secs", json_integer(age < 0 ? 0 : (json_int_t)age));
	}
	json_object_set_new(o, "admin_shutdown", json_boolean(si->stopped));
}

/* ---- show bgp summary ---- */

static json_t *
show_summary(struct ctx *x, const struct ctl_parsed *p)
{
	struct daemon *d = x->d;
	json_t *data = json_object(), *arr = json_array();

	(void)p;
	json_object_set_new(data, "router_id", jid(d->cfg->router_id));
	json_object_set_new(data, "local_asn", json_integer(d->cfg->asn));
	for (size_t i = 0; i < d->nsessions; i++) {
		const struct session *s = d->sessions[i];
		struct session_info si;
		json_t *o = json_object();

		session_info(s, &si);
		add_identity(o, s);
		add_state(o, &si);
		json_object_set_new(o, "msgs_received",
		                    json_integer((json_int_t)msgs_total(si.cnt->msgs_in)));
		json_object_set_new(o, "msgs_sent",
		                    json_integer((json_int_t)msgs_total(si.cnt->msgs_out)));
		add_counts(o, &si);
		json_object_set_new(o, "families", jfamilies(si.families));
		json_array_append_new(arr, o);
	}
	json_object_set_new(data, "sessions", arr);
	return ctl_response_ok(p->cmd->name, data);
}

/* ---- show bgp neighbors ---- */

static json_t *
jnotif(const struct notif_record *n)
{
	if (!n->set)
		return json_null();
	time_t age = time(NULL) - n->when;

	return json_pack("{s:i,s:i,s:s,s:I}", "code", n->code, "subcode", n->subcode, "text",
	                 n->text, "age_secs", (json_int_t)(age < 0 ? 0 : age));
}

static json_t *
jcaps(uint32_t have)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
	        {MSG_CAP_MP_IPV4, "multiprotocol_ipv4_unicast"},
	        {MSG_CAP_MP_IPV6, "multiprotocol_ipv6_unicast"},
	        {MSG_CAP_AS4, "four_octet_as"},
	        {MSG_CAP_RR, "route_refresh"},
	        {MSG_CAP_ENHANCED_RR, "enhanced_route_refresh"},
	        {MSG_CAP_GR, "graceful_restart"},
	        {MSG_CAP_EXT_MSG, "extended_message"},
	};
	json_t *arr = json_array();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (have & names[i].bit)
			json_array_append_new(arr, json_string(names[i].name));
	return arr;
}

static json_t *
jmsgs(const struct session_counters *cnt)
{
	static const char *const kinds[6] = {NULL,           "open",      "update",
	                                     "notification", "keepalive", "route_refresh"};
	json_t *o = json_object();

	for (int t = 1; t < 6; t++)
		json_object_set_new(o, kinds[t],
		                    json_pack("{s:I,s:I}", "sent", (json_int_t)cnt->msgs_out[t],
		                              "received", (json_int_t)cnt->msgs_in[t]));
	return o;
}

/* The BFD column of a session: its `show bfd` state, or "disabled". */
static const char *
bfd_state_of(struct ctx *x, const struct session *s)
{
	struct bfd_info bi;

	if (!bfd_io_find(x->d->bfd, s->key, &bi))
		return "disabled";
	return bi.state;
}

static json_t *
jneighbor(struct ctx *x, const struct session *s)
{
	json_t *o = json_object();
	struct session_info si;

	session_info(s, &si);
	bool up = si.established;
	const struct session_counters *cnt = si.cnt;

	add_identity(o, s);
	json_object_set_new(o, "local_asn", json_integer(s->cfg->local_asn));
	json_object_set_new(o, "interface", json_string(s->cfg->ifname));
	json_object_set_new(o, "local_address", jaddr(&s->cfg->local));
	add_state(o, &si);
	json_object_set_new(o, "remote_router_id", up ? jid(si.remote_id) : json_null());
	json_object_set_new(o, "hold_time", up ? json_integer(si.hold) : json_null());
	json_object_set_new(o, "keepalive", up ? json_integer(si.keepalive) : json_null());
	json_object_set_new(o, "configured_hold_time", json_integer(s->cfg->opts.timers.hold));
	json_object_set_new(o, "configured_keepalive", json_integer(s->cfg->opts.timers.keepalive));
	/*
	 * Negotiated: what both OPENs carried (RFC 5492 §3); the peer's own
	 * list too, since what it offers and we do not is worth seeing.
	 */
	json_object_set_new(o, "families", jfamilies(si.families));
	json_object_set_new(o, "capabilities", up ? jcaps(si.caps) : json_array());
	json_object_set_new(o, "peer_capabilities", up ? jcaps(si.peer_caps) : json_array());
	json_object_set_new(o, "last_notification_sent", jnotif(si.last_sent));
	json_object_set_new(o, "last_notification_received", jnotif(si.last_rcvd));
	json_object_set_new(o, "messages", jmsgs(cnt));
	json_object_set_new(o, "bytes_sent", json_integer((json_int_t)cnt->bytes_out));
	json_object_set_new(o, "bytes_received", json_integer((json_int_t)cnt->bytes_in));
	json_object_set_new(o, "established_count", json_integer(cnt->established));
	json_object_set_new(o, "flaps", json_integer(cnt->dropped));
	json_object_set_new(o, "update_errors", json_integer((json_int_t)cnt->update_errors));
	add_counts(o, &si);
	json_object_set_new(o, "prefix_limit", json_integer(s->cfg->opts.max_received));
	json_object_set_new(o, "bfd", json_string(bfd_state_of(x, s)));
	json_object_set_new(o, "bfd_held_down", json_boolean(si.bfd_down));
	return o;
}

static json_t *
show_neighbors(struct ctx *x, const struct ctl_parsed *p)
{
	const char *addr = ctl_parsed_arg(p, CTL_ARG_ADDR);
	json_t *arr = json_array();

	if (addr) {
		struct session *s = find_neighbor(x->d, addr);

		if (!s) {
			json_decref(arr);
			return no_neighbor(addr);
		}
		json_array_append_new(arr, jneighbor(x, s));
	} else {
		for (size_t i = 0; i < x->d->nsessions; i++)
			json_array_append_new(arr, jneighbor(x, x->d->sessions[i]));
	}
	return ctl_response_ok(p->cmd->name, json_pack("{s:o}", "neighbors", arr));
}

/* ---- paging (show bgp routes, show kernel routes) ---- */

/*
 * Listings that grow with the table come a page at a time: at most
 * `limit N` routes (CTL_PAGE_DEFAULT without it, never more than
 * CTL_PAGE_MAX, which keeps the answer well inside the 16 MiB a reply may
 * take), in prefix order, starting after `after START`. An answer that
 * stopped early says "more" and names the last prefix it holds ("next"):
 * the next page is the same command with `after` that prefix. A page never
 * splits one prefix's routes, and never walks what earlier pages showed.
 */
#define CTL_PAGE_DEFAULT 1000
#define CTL_PAGE_MAX     50000

struct page {
	size_t limit, shown;
	bool more;
	bool have_last;
	struct prefix last; /* the last prefix shown */
	struct prefix after;
	bool have_after;
};

static void
page_init(struct page *pg, const struct ctl_parsed *p)
{
	const char *n = ctl_parsed_arg(p, CTL_ARG_NUM), *a = ctl_parsed_arg(p, CTL_ARG_START);

	memset(pg, 0, sizeof(*pg));
	pg->limit = n ? strtoul(n, NULL, 10) : CTL_PAGE_DEFAULT;
	if (pg->limit > CTL_PAGE_MAX)
		pg->limit = CTL_PAGE_MAX;
	pg->have_after = a && prefix_parse(a, &pg->after, PREFIX_PARSE_HOST) == 0;
}

/* Before a prefix's routes: false (and "more") when the page is full. */
static bool
page_room(struct page *pg)
{
	if (pg->shown < pg->limit)
		return true;
	pg->more = true;
	return false;
}

static void
page_put(struct page *pg, const struct prefix *p)
{
	pg->shown++;
	pg->last = *p;
	pg->have_last = true;
}

static void
page_json(json_t *data, const struct page *pg)
{
	json_object_set_new(data, "shown", json_integer((json_int_t)pg->shown));
	json_object_set_new(data, "limit", json_integer((json_int_t)pg->limit));
	json_object_set_new(data, "more", json_boolean(pg->more));
	if (pg->more && pg->have_last)
		json_object_set_new(data, "next", jprefix(&pg->last));
}

/* ---- show bgp routes ---- */

struct route_walk {
	struct daemon *d;
	const char *peering;
	json_t *arr;
	bool best_only;
	struct page pg;
};

static const struct session *
session_by_peer_id(const struct daemon *d, uint16_t id)
{
	for (size_t i = 0; i < d->nsessions; i++)
		if (d->sessions[i]->peer_id == id)
			return d->sessions[i];
	return NULL;
}

/* A received path's inbound verdict: NULL when accepted, else why not. */
static const char *
refusal(const struct rib_path *rp)
{
	if (rp->flags & RIB_PATH_INVALID)
		return "malformed";
	return rib_path_eff(rp) ? NULL : inbound_reason_name((enum inbound_reason)rp->reason);
}

/*
 * RFC 1997 communities as they came, "ASN:VALUE" each in an object of its
 * own: the client adds the provider's names beside the value (ctl_render).
 */
static json_t *
communities_json(const struct attr_set *as)
{
	json_t *arr = json_array();
	char buf[16];

	for (size_t i = 0; i < as->ncomms; i++) {
		json_t *c = json_object();

		snprintf(buf, sizeof(buf), "%" PRIu32 ":%" PRIu32, as->comms[i] >> 16,
		         as->comms[i] & 0xffff);
		json_object_set_new(c, "value", json_string(buf));
		json_array_append_new(arr, c);
	}
	return arr;
}

static json_t *
route_json(const struct prefix *p, const struct session *s, const struct attr *a,
           const char *refused, uint8_t flags)
{
	json_t *o = json_object();
	char path[1024];

	json_object_set_new(o, "prefix", jprefix(p));
	add_identity(o, s);
	json_object_del(o, "role");
	json_object_del(o, "peer_asn");
	json_object_set_new(o, "family", json_string(family_name(p->afi)));
	if (a) {
		const struct attr_set *as = &a->set;

		json_object_set_new(o, "next_hop",
		                    (as->present & ATTR_HAS_NEXT_HOP) ? jaddr(&as->nexthop)
		                                                      : json_null());
		/* RFC 2545: the sender's link-local address beside the global one. */
		if (as->nexthop_ll.afi == AFI_IP6)
			json_object_set_new(o, "next_hop_link_local", jaddr(&as->nexthop_ll));
		json_object_set_new(o, "as_path",
		                    json_string(attr_aspath_fmt(as, path, sizeof(path))));
		json_object_set_new(o, "origin", json_string(attr_origin_name(as->origin)));
		if (as->present & ATTR_HAS_MED)
			json_object_set_new(o, "med", json_integer(as->med));
		if (as->present & ATTR_HAS_LOCAL_PREF)
			json_object_set_new(o, "local_pref", json_integer(as->local_pref));
		if (as->ncomms)
			json_object_set_new(o, "communities", communities_json(as));
	}
	json_object_set_new(o, "best", json_boolean(flags & RIB_PATH_BEST));
	json_object_set_new(o, "multipath",
	                    json_boolean((flags & RIB_PATH_ECMP) && !(flags & RIB_PATH_BEST)));
	json_object_set_new(o, "accepted", json_boolean(refused == NULL));
	if (refused)
		json_object_set_new(o, "reason", json_string(refused));
	return o;
}

/*
 * One prefix of the Loc-RIB walk: the paths received from the sessions of
 * the peering (Adj-RIB-In), or only the best and ECMP ones (best view).
 */
static int
route_cb(const struct prefix *p, const struct rib_path *paths, void *arg)
{
	struct route_walk *w = arg;
	bool any = false;

	for (const struct rib_path *rp = paths; rp; rp = rib_path_next(rp)) {
		const struct session *s = session_by_peer_id(w->d, rp->peer);

		if (!s || (w->best_only && !(rp->flags & RIB_PATH_ECMP)) ||
		    !peering_match(s, w->peering))
			continue;
		if (!any && !page_room(&w->pg))
			return 1;
		any = true;
		json_array_append_new(
		        w->arr,
		        route_json(p, s, rib_path_in(rp) ? rib_path_in(rp) : rib_path_eff(rp),
		                   refusal(rp), rp->flags));
	}
	if (any)
		page_put(&w->pg, p);
	return 0;
}

/* One entry of a session's Adj-RIB-Out, to be sorted into prefix order. */
struct out_route {
	struct prefix p;
	size_t session;
	const struct attr *want;
	bool pending;
};

struct out_walk {
	struct out_route *v;
	size_t n, cap;
	size_t session;
	const struct prefix *only;
	const struct page *pg;
	bool nomem;
};

/*
 * The session's Adj-RIB-Out: what we want the peer to have (RFC 4271
 * §3.2), each marked whether it is still queued ("pending") or on the
 * wire. A withdraw still queued is no longer in it.
 */
static int
out_cb(const struct prefix *p, const struct attr *want, const struct attr *sent, void *arg)
{
	struct out_walk *w = arg;

	if (!want || (w->only && !prefix_eq(p, w->only)) ||
	    (w->pg->have_after && prefix_cmp(p, &w->pg->after) <= 0))
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct out_route *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->nomem = true;
			return 1;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct out_route){*p, w->session, want, sent != want};
	return 0;
}

/* Stops at the first prefix the Adj-RIB-Out holds. */
static int
out_any(const struct prefix *p, const struct attr *want, const struct attr *sent, void *arg)
{
	(void)p;
	(void)sent;
	(void)arg;
	return want != NULL;
}

static int
out_route_cmp(const void *a, const void *b)
{
	const struct out_route *x = a, *y = b;
	int c = prefix_cmp(&x->p, &y->p);

	if (c)
		return c;
	return x->session < y->session ? -1 : x->session > y->session;
}

/*
 * What we advertise is bounded by the outbound policy's cap, so it is
 * gathered from every session, sorted by prefix, and cut into the page.
 */
static bool
show_advertised(struct route_walk *w, const struct prefix *only)
{
	struct daemon *d = w->d;
	struct out_walk ow = {.only = only, .pg = &w->pg};

	for (size_t i = 0; i < d->nsessions && !ow.nomem; i++) {
		if (!peering_match(d->sessions[i], w->peering))
			continue;
		ow.session = i;
		rib_out_walk(d->rib, d->sessions[i]->peer_id, out_cb, &ow);
	}
	if (ow.n > 1)
		qsort(ow.v, ow.n, sizeof(*ow.v), out_route_cmp);
	for (size_t i = 0; i < ow.n; i++) {
		const struct out_route *r = &ow.v[i];
		bool first = i == 0 || !prefix_eq(&ow.v[i - 1].p, &r->p);

		if (first && !page_room(&w->pg))
			break;
		json_t *o = route_json(&r->p, d->sessions[r->session], r->want, NULL, 0);
		json_object_set_new(o, "pending", json_boolean(r->pending));
		json_array_append_new(w->arr, o);
		if (first)
			page_put(&w->pg, &r->p);
	}
	free(ow.v);
	return !ow.nomem;
}

/* How many routes the view holds in all (for the peering), without a walk. */
static size_t
routes_total(const struct daemon *d, const char *view, const char *peering)
{
	struct rib_stats st;
	size_t n = 0;

	if (strcmp(view, "best") == 0 && !peering) {
		rib_stats(d->rib, &st);
		return st.prefixes;
	}
	for (size_t i = 0; i < d->nsessions; i++) {
		struct rib_peer_counts c;

		if (!peering_match(d->sessions[i], peering) ||
		    !rib_peer_counts(d->rib, d->sessions[i]->peer_id, &c))
			continue;
		n += strcmp(view, "advertised") == 0 ? c.out
		     : strcmp(view, "best") == 0     ? c.best
		                                     : c.paths;
	}
	return n;
}

static json_t *
show_routes(struct ctx *x, const struct ctl_parsed *p)
{
	struct daemon *d = x->d;
	struct prefix only;
	const struct prefix *onlyp = NULL;
	const char *view = ctl_parsed_has(p, "advertised") ? "advertised"
	                   : ctl_parsed_has(p, "best")     ? "best"
	                                                   : "received";
	struct route_walk w = {
	        .d = d,
	        .peering = ctl_parsed_arg(p, CTL_ARG_PEERING),
	        .arr = json_array(),
	        .best_only = strcmp(view, "best") == 0,
	};
	const char *pfx = ctl_parsed_arg(p, CTL_ARG_PREFIX);
	json_t *data;

	page_init(&w.pg, p);
	if (pfx && prefix_parse(pfx, &only, PREFIX_PARSE_HOST) == 0)
		onlyp = &only;
	if (!d->rib)
		goto done;
	if (strcmp(view, "advertised") == 0) {
		if (!show_advertised(&w, onlyp)) {
			json_decref(w.arr);
			return ctl_response_error("out of memory", NULL);
		}
	} else if (onlyp) {
		if (!w.pg.have_after || prefix_cmp(onlyp, &w.pg.after) > 0)
			route_cb(onlyp, rib_paths(d->rib, onlyp), &w);
	} else {
		rib_walk_after(d->rib, w.pg.have_after ? &w.pg.after : NULL, route_cb, &w);
	}
done:
	data = json_pack("{s:s,s:o}", "view", view, "routes", w.arr);
	json_object_set_new(
	        data, "total",
	        json_integer(d->rib ? (json_int_t)routes_total(d, view, w.peering) : 0));
	page_json(data, &w.pg);
	return ctl_response_ok(p->cmd->name, data);
}

/* ---- show kernel routes ---- */

/*
 * Totals always (from counters: no walk); the routes themselves only when
 * asked for with PEERING, PREFIX, limit or after, a page at a time.
 */
struct kwalk {
	json_t *arr;
	struct page pg;
	unsigned ifindex[16]; /* PEERING: its sessions' interfaces */
	size_t nif;
	bool peering;
};

static bool
kwalk_wants(const struct kwalk *w, const struct kroute_info *ri)
{
	if (!w->peering)
		return true;
	for (size_t i = 0; i < ri->n; i++)
		for (size_t j = 0; j < w->nif; j++)
			if (ri->nh[i].ifindex == w->ifindex[j])
				return true;
	return false;
}

static int
kernel_cb(const struct kroute_info *ri, void *arg)
{
	struct kwalk *w = arg;

	if (!kwalk_wants(w, ri))
		return 0;
	if (!page_room(&w->pg))
		return 1;
	json_t *o = json_object(), *nhs = json_array();

	json_object_set_new(o, "prefix", jprefix(ri->prefix));
	json_object_set_new(o, "discard", json_boolean(ri->discard));
	json_object_set_new(o, "stale", json_boolean(ri->stale));
	json_object_set_new(o, "pending", json_boolean(ri->pending));
	if (ri->last_error)
		json_object_set_new(o, "error", json_string(strerror(ri->last_error)));
	for (size_t i = 0; i < ri->n; i++) {
		char ifname[IF_NAMESIZE] = "-";

		if (ri->nh[i].ifindex && !if_indextoname(ri->nh[i].ifindex, ifname))
			snprintf(ifname, sizeof(ifname), "%u", ri->nh[i].ifindex);
		json_array_append_new(nhs, json_pack("{s:o,s:s}", "gateway", jaddr(&ri->nh[i].gw),
		                                     "interface", ifname));
	}
	json_object_set_new(o, "nexthops", nhs);
	json_array_append_new(w->arr, o);
	page_put(&w->pg, ri->prefix);
	return 0;
}

static void
kernel_totals(json_t *data, const struct daemon *d)
{
	struct kernel_counts c;

	kernel_counts(d->kernel, &c);
	json_object_set_new(data, "installed", json_integer((json_int_t)c.installed));
	json_object_set_new(data, "pending", json_integer((json_int_t)kernel_pending(d->kernel)));
	json_object_set_new(data, "queued",
	                    json_integer((json_int_t)(c.queued + fib_queued(d->fib))));
	json_object_set_new(data, "in_flight", json_integer((json_int_t)c.inflight));
	json_object_set_new(data, "failed", json_integer((json_int_t)c.retrying));
	json_object_set_new(data, "stale", json_integer((json_int_t)c.stale));
	json_object_set_new(data, "nexthop_objects", json_boolean(c.nexthop_objects));
	json_object_set_new(data, "nexthop_groups", json_integer((json_int_t)c.groups));
	json_object_set_new(data, "shadow_bytes", json_integer((json_int_t)c.memory));
}

static json_t *
show_kernel(struct ctx *x, const struct ctl_parsed *p)
{
	struct daemon *d = x->d;
	const char *peering = ctl_parsed_arg(p, CTL_ARG_PEERING);
	const char *pfx = ctl_parsed_arg(p, CTL_ARG_PREFIX);
	struct kwalk w = {.peering = peering != NULL};
	struct prefix within;
	bool list = peering || pfx || ctl_parsed_arg(p, CTL_ARG_NUM) ||
	            ctl_parsed_arg(p, CTL_ARG_START);
	json_t *data = json_object();

	page_init(&w.pg, p);
	if (!d->kernel) {
		json_object_set_new(data, "installed", json_integer(0));
		json_object_set_new(data, "pending", json_integer(0));
	} else {
		kernel_totals(data, d);
	}
	if (!list)
		return ctl_response_ok(p->cmd->name, data);
	for (size_t i = 0; i < d->nsessions && w.nif < ARRAY_SIZE(w.ifindex); i++)
		if (d->kernel && peering_match(d->sessions[i], peering))
			w.ifindex[w.nif++] = kernel_ifindex(d->kernel, d->sessions[i]->cfg->ifname);
	w.arr = json_array();
	if (d->kernel && pfx && prefix_parse(pfx, &within, PREFIX_PARSE_HOST) != 0)
		pfx = NULL;
	if (d->kernel)
		kernel_walk_from(d->kernel, w.pg.have_after ? &w.pg.after : NULL,
		                 pfx ? &within : NULL, kernel_cb, &w);
	json_object_set_new(data, "routes", w.arr);
	page_json(data, &w.pg);
	return ctl_response_ok(p->cmd->name, data);
}

/* ---- show config, show version ---- */

static json_t *
show_config(struct ctx *x, const struct ctl_parsed *p)
{
	struct config_diag diag;
	char *text = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&text, &size);
	json_t *data;

	if (!m)
		return ctl_response_error("out of memory", NULL);
	/* The plan never prints keys or service keys (config_plan.c). */
	config_diag_init(&diag);
	config_plan(m, x->d->cfg, &diag, NULL, NULL);
	config_diag_free(&diag);
	fclose(m);
	data = json_pack("{s:s,s:s}", "file", x->d->opts.config_path, "text", text ? text : "");
	free(text);
	return ctl_response_ok(p->cmd->name, data);
}

static json_t *
show_version(struct ctx *x, const struct ctl_parsed *p)
{
	size_t up = 0;

	for (size_t i = 0; i < x->d->nsessions; i++)
		up += session_established(x->d->sessions[i]);
	return ctl_response_ok(
	        p->cmd->name,
	        json_pack("{s:s,s:I,s:I,s:s,s:I,s:I}", "version", CEBGPD_VERSION, "pid",
	                  (json_int_t)getpid(), "uptime_secs", (json_int_t)(now() - x->started),
	                  "config_file", x->d->opts.config_path, "sessions",
	                  (json_int_t)x->d->nsessions, "established", (json_int_t)up));
}

/* ---- actions ---- */

/* A one-line answer: a and b joined. */
static json_t *
message(const char *name, const char *a, const char *b)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s%s", a, b);
	return ctl_response_ok(name, json_pack("{s:s}", "message", msg));
}

/*
 * Soft clear, no session reset: in, ask the peer to send its routes again
 * (RFC 2918; only if it can be asked); out, send our whole Adj-RIB-Out
 * again, the way a ROUTE-REFRESH from the peer does (advertise.c, inside
 * BoRR/EoRR when the peer speaks RFC 7313).
 */
static const char *
clear_soft(struct daemon *d, struct session *s)
{
	bool rr, out;

	if (!session_established(s))
		return "not established: nothing to refresh";
	rr = session_route_refresh(s);
	out = d->rib && d->adv;
	if (out) {
		out = rib_out_walk(d->rib, s->peer_id, out_any, NULL) != 0;
		advertise_refresh(s);
	}
	if (rr)
		return out ? "route refresh sent, advertisement re-sent"
		           : "route refresh sent, nothing to re-send";
	return out ? "no route refresh (not supported by the peer), advertisement re-sent"
	           : "no route refresh (not supported by the peer), nothing to re-send";
}

static json_t *
clear_bgp(struct ctx *x, const struct ctl_parsed *p)
{
	const char *addr = ctl_parsed_arg(p, CTL_ARG_ADDR);
	bool soft = ctl_parsed_has(p, "soft");
	json_t *details = json_array();
	size_t n = 0;
	char msg[128];

	for (size_t i = 0; i < x->d->nsessions; i++) {
		struct session *s = x->d->sessions[i];
		char b[ADDR_STRLEN];

		/* b is every detail line's name, `all` included. */
		addr_fmt(&s->cfg->peer, b, sizeof(b));
		if (addr && strcmp(addr, b) != 0)
			continue;
		n++;
		if (soft) {
			json_array_append_new(details, json_pack("{s:s,s:s}", "neighbor", b,
			                                         "result", clear_soft(x->d, s)));
			continue;
		}
		if (s->stopped) {
			json_array_append_new(details,
			                      json_pack("{s:s,s:s}", "neighbor", b, "result",
			                                "administratively shut: left down"));
			continue;
		}
		/* RFC 4486 Administrative Reset, then start again at once. */
		session_stop(s, ERR_CEASE_ADMIN_RESET, NULL);
		session_start(s);
		json_array_append_new(details,
		                      json_pack("{s:s,s:s}", "neighbor", b, "result", "reset"));
	}
	if (addr && n == 0) {
		json_decref(details);
		return no_neighbor(addr);
	}
	/* Renderer prints details as lines: flatten to text. */
	json_t *lines = json_array(), *e;
	size_t i;

	json_array_foreach(details, i, e)
	{
		char line[256];

		snprintf(line, sizeof(line), "%s: %s",
		         json_string_value(json_object_get(e, "neighbor")),
		         json_string_value(json_object_get(e, "result")));
		json_array_append_new(lines, json_string(line));
	}
	json_decref(details);
	snprintf(msg, sizeof(msg), "%s %zu session%s", soft ? "soft-cleared" : "cleared", n,
	         n == 1 ? "" : "s");
	return ctl_response_ok(p->cmd->name,
	                       json_pack("{s:s,s:o}", "message", msg, "details", lines));
}

static json_t *
neighbor_shutdown(struct ctx *x, const struct ctl_parsed *p, bool down)
{
	const char *addr = ctl_parsed_arg(p, CTL_ARG_ADDR);
	const char *text = ctl_parsed_arg(p, CTL_ARG_TEXT);
	struct session *s = find_neighbor(x->d, addr);

	if (!s)
		return no_neighbor(addr);
	if (down) {
		/* RFC 9003: the text travels in the Cease NOTIFICATION. */
		session_stop(s, ERR_CEASE_ADMIN_SHUTDOWN, text);
		return message(p->cmd->name, addr, ": administratively shut down");
	}
	if (!s->stopped)
		return message(p->cmd->name, addr, ": was not shut down");
	session_start(s);
	return message(p->cmd->name, addr, ": starting");
}

/*
 * reload: the daemon's own reload (the same as SIGHUP). The file is read
 * and the policy runs off the loop (reload.c), so the answer is deferred
 * until the reload is applied: the caller then gets the new file's errors
 * and warnings as "file:line:col: message" lines; a rejected file leaves
 * the running config as it is.
 */
struct reload_answer {
	struct control_pending *pending;
	char path[256];
};

static void
reload_done(struct daemon *d, int rc, const struct config_diag *diag, void *arg)
{
	struct reload_answer *ra = arg;
	json_t *lines = json_array(), *resp;
	char line[1024];

	for (size_t i = 0; diag && i < diag->n; i++)
		json_array_append_new(
		        lines, json_string(config_msg_fmt(&diag->msgs[i], line, sizeof(line))));
	if (rc < 0 && (d->stopping || !diag)) {
		snprintf(line, sizeof(line), "reload refused: the daemon is stopping");
		resp = ctl_response_error(line, lines);
	} else if (rc < 0) {
		snprintf(line, sizeof(line),
		         "reload rejected: %zu error%s in %s; the running configuration stays",
		         diag->errors, diag->errors == 1 ? "" : "s", ra->path);
		resp = ctl_response_error(line, lines);
	} else {
		snprintf(line, sizeof(line), "reloaded %s: only changed sessions were reset",
		         ra->path);
		resp = ctl_response_ok("reload",
		                       json_pack("{s:s,s:o}", "message", line, "details", lines));
	}
	control_reply(ra->pending, resp);
	free(ra);
}

static json_t *
reload(struct ctl_daemon *c, const struct ctl_parsed *p)
{
	struct reload_answer *ra = calloc(1, sizeof(*ra));

	(void)p;
	if (!ra)
		return ctl_response_error("out of memory", NULL);
	snprintf(ra->path, sizeof(ra->path), "%s", c->d->opts.config_path);
	if (!(ra->pending = control_defer(c->srv))) {
		free(ra);
		return ctl_response_error("out of memory", NULL);
	}
	if (!c->reload || c->reload(c->d, reload_done, ra) < 0) {
		/* Not started: answer now (control_reply frees the pending). */
		control_reply(ra->pending,
		              ctl_response_error(c->d->stopping ? "reload refused: the daemon "
		                                                  "is stopping"
		                                                : "reload: cannot start",
		                                 NULL));
		free(ra);
	}
	return CONTROL_DEFERRED;
}

static json_t *
log_level(struct ctx *x, const struct ctl_parsed *p)
{
	const char *name = ctl_parsed_arg(p, CTL_ARG_LEVEL);
	int level = ctl_level_value(name);

	(void)x;
	if (level < 0)
		return ctl_response_error("unknown level", NULL);
	log_set_level(level);
	return message(p->cmd->name, "log level ", name);
}

/* ---- dispatch ---- */

json_t *
ctl_daemon_dispatch(void *arg, const struct ctl_parsed *p)
{
	struct ctl_daemon *c = arg;
	struct ctx x = {.d = c->d, .reload = c->reload, .started = c->started};

	switch (p->cmd->id) {
	case CTL_SHOW_BGP_SUMMARY:
		return show_summary(&x, p);
	case CTL_SHOW_BGP_NEIGHBORS:
		return show_neighbors(&x, p);
	case CTL_SHOW_BGP_ROUTES:
		return show_routes(&x, p);
	case CTL_SHOW_POLICY:
		return ctl_show_policy(x.d, p);
	case CTL_EXPLAIN:
		return ctl_explain(x.d, p);
	case CTL_SHOW_KERNEL_ROUTES:
		return show_kernel(&x, p);
	case CTL_SHOW_CONFIG:
		return show_config(&x, p);
	case CTL_SHOW_VERSION:
		return show_version(&x, p);
	case CTL_SHOW_BFD:
		return ctl_show_bfd(x.d, p);
	case CTL_CLEAR_BGP:
		return clear_bgp(&x, p);
	case CTL_NEIGHBOR_SHUTDOWN:
		return neighbor_shutdown(&x, p, true);
	case CTL_NO_NEIGHBOR_SHUTDOWN:
		return neighbor_shutdown(&x, p, false);
	case CTL_RELOAD:
		return reload(c, p);
	case CTL_LOG_LEVEL:
		return log_level(&x, p);
	default:
		return ctl_response_error("command not implemented", NULL);
	}
}

struct ctl_daemon *
ctl_daemon_open(struct daemon *d, ctl_reload_fn *daemon_reload_fn)
{
	struct ctl_daemon *c = calloc(1, sizeof(*c));
	struct control_opts o = {
	        .path = d->cfg->control.socket,
	        .ro_path = d->cfg->control.readonly_socket,
	        .group = d->cfg->control.group,
	};
	char err[256];

	if (!c)
		return NULL;
	c->d = d;
	c->reload = daemon_reload_fn;
	c->started = now();
	c->srv = control_open(d->base, &o, ctl_daemon_dispatch, c, err, sizeof(err));
	if (!c->srv) {
		/* An operator without a control socket cannot see the daemon: refuse to run blind.
		 */
		log_err("control socket: %s: cebgpd needs its control socket (control.socket "
		        "in the config; its directory must exist or be creatable)",
		        err);
		free(c);
		return NULL;
	}
	log_info("control sockets %s and %s (read-only)", o.path ? o.path : "-",
	         o.ro_path ? o.ro_path : "-");
	return c;
}

void
ctl_daemon_close(struct ctl_daemon *c)
{
	if (!c)
		return;
	control_close(c->srv);
	free(c);
}
