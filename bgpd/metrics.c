/*
 * metrics: render a struct metrics_snapshot as Prometheus text 0.0.4 or
 * OpenMetrics 1.0, and serve it with evhttp.
 *
 * The two formats differ in little that matters here: OpenMetrics names a
 * counter family without its `_total` suffix in # TYPE/# HELP (samples keep
 * it), and ends with `# EOF`. Every family's samples are written together,
 * each family once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "metrics.h"

struct metrics {
	struct evhttp *http;
	metrics_fill_fn fill;
	void *arg;
};

enum mtype { M_GAUGE, M_COUNTER };

struct out {
	FILE *f;
	bool om;
};

/* # HELP / # TYPE for a family; counters' samples are named <name>_total. */
static void
family(struct out *o, const char *name, enum mtype t, const char *help)
{
	const char *type = t == M_COUNTER ? "counter" : "gauge";
	const char *suffix = (t == M_COUNTER && !o->om) ? "_total" : "";

	fprintf(o->f, "# HELP %s%s %s\n", name, suffix, help);
	fprintf(o->f, "# TYPE %s%s %s\n", name, suffix, type);
}

/* A label value: backslash, double quote and newline escaped (both formats). */
static void
label_value(FILE *f, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

static void
sample_start(struct out *o, const char *name, enum mtype t)
{
	fputs(name, o->f);
	if (t == M_COUNTER)
		fputs("_total", o->f);
}

/* labels: NULL-terminated name/value pairs. */
static void
sample_labels(struct out *o, const char *const *labels)
{
	if (!labels || !labels[0])
		return;
	fputc('{', o->f);
	for (size_t i = 0; labels[i]; i += 2) {
		fprintf(o->f, "%s%s=\"", i ? "," : "", labels[i]);
		label_value(o->f, labels[i + 1]);
		fputc('"', o->f);
	}
	fputc('}', o->f);
}

static void
sample_u64(struct out *o, const char *name, enum mtype t, const char *const *labels, uint64_t v)
{
	sample_start(o, name, t);
	sample_labels(o, labels);
	fprintf(o->f, " %llu\n", (unsigned long long)v);
}

static void
sample_dbl(struct out *o, const char *name, enum mtype t, const char *const *labels, double v)
{
	sample_start(o, name, t);
	sample_labels(o, labels);
	fprintf(o->f, " %.17g\n", v);
}

#define SESSION_LABELS(s) \
	"circuit", (s)->circuit, "peering", (s)->peering, "role", (s)->role, "peer", (s)->peer

/* A per-session family: one sample per session, value picked by field. */
enum sfield {
	SF_ESTABLISHED,
	SF_UPTIME,
	SF_FLAPS,
	SF_MSGS_IN,
	SF_MSGS_OUT,
	SF_UPD_IN,
	SF_UPD_OUT,
	SF_PFX_RCVD,
	SF_PFX_ACC,
	SF_PFX_ADV,
};

static const struct sfamily {
	enum sfield field;
	const char *name;
	enum mtype type;
	const char *help;
} sfamilies[] = {
        {SF_ESTABLISHED, "cebgp_session_established", M_GAUGE,
         "1 when the BGP session is Established, else 0."},
        {SF_UPTIME, "cebgp_session_uptime_seconds", M_GAUGE,
         "Seconds since the session reached Established (0 when it is not)."},
        {SF_FLAPS, "cebgp_session_flaps", M_COUNTER, "Times the session left Established."},
        {SF_MSGS_IN, "cebgp_session_messages_received", M_COUNTER,
         "BGP messages received on the session."},
        {SF_MSGS_OUT, "cebgp_session_messages_sent", M_COUNTER,
         "BGP messages sent on the session."},
        {SF_UPD_IN, "cebgp_session_updates_received", M_COUNTER, "UPDATE messages received."},
        {SF_UPD_OUT, "cebgp_session_updates_sent", M_COUNTER, "UPDATE messages sent."},
        {SF_PFX_RCVD, "cebgp_session_prefixes_received", M_GAUGE,
         "Prefixes in the session's Adj-RIB-In."},
        {SF_PFX_ACC, "cebgp_session_prefixes_accepted", M_GAUGE,
         "Received prefixes that passed inbound policy."},
        {SF_PFX_ADV, "cebgp_session_prefixes_advertised", M_GAUGE,
         "Prefixes advertised to the peer after outbound policy."},
};

static void
session_value(struct out *o, const struct sfamily *fam, const struct metrics_session *s)
{
	const char *labels[] = {SESSION_LABELS(s), NULL};
	uint64_t v = 0;

	switch (fam->field) {
	case SF_UPTIME:
		sample_dbl(o, fam->name, fam->type, labels, s->uptime_seconds);
		return;
	case SF_ESTABLISHED:
		v = s->established;
		break;
	case SF_FLAPS:
		v = s->flaps;
		break;
	case SF_MSGS_IN:
		v = s->msgs_in;
		break;
	case SF_MSGS_OUT:
		v = s->msgs_out;
		break;
	case SF_UPD_IN:
		v = s->updates_in;
		break;
	case SF_UPD_OUT:
		v = s->updates_out;
		break;
	case SF_PFX_RCVD:
		v = s->prefixes_received;
		break;
	case SF_PFX_ACC:
		v = s->prefixes_accepted;
		break;
	case SF_PFX_ADV:
		v = s->prefixes_advertised;
		break;
	}
	sample_u64(o, fam->name, fam->type, labels, v);
}

static void
render_bfd(struct out *o, const struct metrics_snapshot *snap)
{
	const struct metrics_bfd *b = &snap->bfd;

	family(o, "cebgp_bfd_up", M_GAUGE,
	       "1 when the session's BFD is Up and usable (after any flap hold-down), else 0.");
	for (size_t i = 0; i < snap->nsessions; i++) {
		const struct metrics_session *s = &snap->sessions[i];
		const char *labels[] = {SESSION_LABELS(s), NULL};

		if (s->bfd_enabled)
			sample_u64(o, "cebgp_bfd_up", M_GAUGE, labels, s->bfd_up);
	}
	family(o, "cebgp_bfd_state", M_GAUGE,
	       "The session's BFD state (RFC 5880, or \"peer silent\"): 1 for the labelled state.");
	for (size_t i = 0; i < snap->nsessions; i++) {
		const struct metrics_session *s = &snap->sessions[i];
		const char *labels[] = {SESSION_LABELS(s), "state", s->bfd_state, NULL};

		if (s->bfd_enabled)
			sample_u64(o, "cebgp_bfd_state", M_GAUGE, labels, 1);
	}
	family(o, "cebgp_bfd_session_state_changes", M_COUNTER,
	       "BFD state changes of the session.");
	for (size_t i = 0; i < snap->nsessions; i++) {
		const struct metrics_session *s = &snap->sessions[i];
		const char *labels[] = {SESSION_LABELS(s), NULL};

		if (s->bfd_enabled)
			sample_u64(o, "cebgp_bfd_session_state_changes", M_COUNTER, labels,
			           s->bfd_state_changes);
	}
	family(o, "cebgp_bfd_tx_late_max_seconds", M_GAUGE,
	       "Worst lateness of a periodic BFD packet against its schedule.");
	for (size_t i = 0; i < snap->nsessions; i++) {
		const struct metrics_session *s = &snap->sessions[i];
		const char *labels[] = {SESSION_LABELS(s), NULL};

		if (s->bfd_enabled)
			sample_dbl(o, "cebgp_bfd_tx_late_max_seconds", M_GAUGE, labels,
			           s->bfd_tx_late_max_seconds);
	}
	family(o, "cebgp_bfd_dropped_packets", M_COUNTER,
	       "Received BFD packets dropped before reaching a session, by reason.");
	sample_u64(o, "cebgp_bfd_dropped_packets", M_COUNTER,
	           (const char *[]){"reason", "ttl", NULL}, b->dropped_ttl);
	sample_u64(o, "cebgp_bfd_dropped_packets", M_COUNTER,
	           (const char *[]){"reason", "invalid", NULL}, b->dropped_bad);
	sample_u64(o, "cebgp_bfd_dropped_packets", M_COUNTER,
	           (const char *[]){"reason", "no-session", NULL}, b->dropped_no_session);
	family(o, "cebgp_bfd_state_changes", M_COUNTER, "BFD state changes of every session.");
	sample_u64(o, "cebgp_bfd_state_changes", M_COUNTER, NULL, b->state_changes);
	fputs("# HELP cebgp_bfd_failover_seconds Time from a BFD down to the FIB replaced.\n"
	      "# TYPE cebgp_bfd_failover_seconds histogram\n",
	      o->f);
	for (size_t i = 0; i <= b->nbounds && b->le; i++) {
		if (i < b->nbounds)
			fprintf(o->f, "cebgp_bfd_failover_seconds_bucket{le=\"%g\"} %llu\n",
			        b->bounds[i], (unsigned long long)b->le[i]);
		else
			fprintf(o->f, "cebgp_bfd_failover_seconds_bucket{le=\"+Inf\"} %llu\n",
			        (unsigned long long)b->le[i]);
	}
	fprintf(o->f, "cebgp_bfd_failover_seconds_sum %.17g\n", b->sum);
	fprintf(o->f, "cebgp_bfd_failover_seconds_count %llu\n", (unsigned long long)b->count);
}

static void
render_sessions(struct out *o, const struct metrics_snapshot *snap)
{
	family(o, "cebgp_session_state", M_GAUGE,
	       "The session's RFC 4271 state: 1 for the labelled state.");
	for (size_t i = 0; i < snap->nsessions; i++) {
		const struct metrics_session *s = &snap->sessions[i];
		const char *labels[] = {SESSION_LABELS(s), "state", s->state, NULL};

		sample_u64(o, "cebgp_session_state", M_GAUGE, labels, 1);
	}
	for (size_t f = 0; f < sizeof(sfamilies) / sizeof(sfamilies[0]); f++) {
		family(o, sfamilies[f].name, sfamilies[f].type, sfamilies[f].help);
		for (size_t i = 0; i < snap->nsessions; i++)
			session_value(o, &sfamilies[f], &snap->sessions[i]);
	}
}

static void
render_peerings(struct out *o, const struct metrics_snapshot *snap)
{
	family(o, "cebgp_peering_prefixes_advertised", M_GAUGE,
	       "Prefixes the peering advertises after outbound policy.");
	for (size_t i = 0; i < snap->npeerings; i++) {
		const struct metrics_peering *p = &snap->peerings[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering, NULL};

		sample_u64(o, "cebgp_peering_prefixes_advertised", M_GAUGE, labels, p->advertised);
	}
	family(o, "cebgp_peering_prefix_cap", M_GAUGE,
	       "The peering's cap on advertised prefixes (max-prefixes).");
	for (size_t i = 0; i < snap->npeerings; i++) {
		const struct metrics_peering *p = &snap->peerings[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering, NULL};

		sample_u64(o, "cebgp_peering_prefix_cap", M_GAUGE, labels, p->cap);
	}
	family(o, "cebgp_peering_cap_usage_ratio", M_GAUGE,
	       "Advertised prefixes divided by the cap (1 = at the cap).");
	for (size_t i = 0; i < snap->npeerings; i++) {
		const struct metrics_peering *p = &snap->peerings[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering, NULL};

		sample_dbl(o, "cebgp_peering_cap_usage_ratio", M_GAUGE, labels,
		           p->cap ? (double)p->advertised / (double)p->cap : 0.0);
	}
}

/* The live outbound policy results: per peering and family, drops by reason. */
static void
render_policies(struct out *o, const struct metrics_snapshot *snap)
{
	family(o, "cebgp_policy_announced_prefixes", M_GAUGE,
	       "Entries of the peering's announce list, by family.");
	for (size_t i = 0; i < snap->npolicies; i++) {
		const struct metrics_policy *p = &snap->policies[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering,
		                        "family",  p->family,  NULL};

		sample_u64(o, "cebgp_policy_announced_prefixes", M_GAUGE, labels, p->announced);
	}
	family(o, "cebgp_policy_advertised_prefixes", M_GAUGE,
	       "Prefixes the peering's outbound policy advertises, by family.");
	for (size_t i = 0; i < snap->npolicies; i++) {
		const struct metrics_policy *p = &snap->policies[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering,
		                        "family",  p->family,  NULL};

		sample_u64(o, "cebgp_policy_advertised_prefixes", M_GAUGE, labels, p->advertised);
	}
	family(o, "cebgp_policy_overcoverage", M_GAUGE,
	       "What the peering advertises that no announce entry covers, by family "
	       "(IPv4 addresses, IPv6 /64s).");
	for (size_t i = 0; i < snap->npolicies; i++) {
		const struct metrics_policy *p = &snap->policies[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering,
		                        "family",  p->family,  NULL};

		sample_u64(o, "cebgp_policy_overcoverage", M_GAUGE, labels, p->overcoverage);
	}
	family(o, "cebgp_policy_left_out_prefixes", M_GAUGE,
	       "Blocks the cap left out of the advertisement (cap-action truncate or refuse).");
	for (size_t i = 0; i < snap->npolicies; i++) {
		const struct metrics_policy *p = &snap->policies[i];
		const char *labels[] = {"circuit", p->circuit, "peering", p->peering,
		                        "family",  p->family,  NULL};

		sample_u64(o, "cebgp_policy_left_out_prefixes", M_GAUGE, labels, p->left_out);
	}
	family(o, "cebgp_policy_outbound_dropped_prefixes", M_GAUGE,
	       "What the peering's outbound policy drops, by reason.");
	for (size_t i = 0; i < snap->npdrops; i++) {
		const struct metrics_policy_drop *d = &snap->pdrops[i];
		const char *labels[] = {"circuit", d->circuit, "peering", d->peering,
		                        "reason",  d->reason,  NULL};

		sample_u64(o, "cebgp_policy_outbound_dropped_prefixes", M_GAUGE, labels, d->count);
	}
}

int
metrics_render(FILE *f, const struct metrics_snapshot *snap, bool openmetrics)
{
	struct out o = {.f = f, .om = openmetrics};
	const char *build[] = {"version", snap->version, NULL};

	/* The usual *_build_info gauge: always 1, the version in a label. */
	family(&o, "cebgp_build_info", M_GAUGE, "The running cebgpd's version (value 1).");
	sample_u64(&o, "cebgp_build_info", M_GAUGE, build, 1);
	family(&o, "cebgp_start_time_seconds", M_GAUGE,
	       "Start time of the cebgpd process, seconds since the epoch.");
	sample_dbl(&o, "cebgp_start_time_seconds", M_GAUGE, NULL, snap->start_time);
	render_sessions(&o, snap);
	render_bfd(&o, snap);
	render_peerings(&o, snap);
	family(&o, "cebgp_policy_dropped_prefixes", M_GAUGE,
	       "Prefixes policy currently refuses, by direction and reason.");
	for (size_t i = 0; i < snap->ndrops; i++) {
		const struct metrics_drop *d = &snap->drops[i];
		const char *labels[] = {"direction", d->direction, "reason", d->reason, NULL};

		sample_u64(&o, "cebgp_policy_dropped_prefixes", M_GAUGE, labels, d->count);
	}
	render_policies(&o, snap);
	family(&o, "cebgp_fib_routes", M_GAUGE, "Routes cebgpd has installed in the kernel FIB.");
	sample_u64(&o, "cebgp_fib_routes", M_GAUGE, NULL, snap->fib_routes);
	family(&o, "cebgp_fib_nexthop_groups", M_GAUGE,
	       "Kernel nexthop groups the routes point at (0: next hops per route).");
	sample_u64(&o, "cebgp_fib_nexthop_groups", M_GAUGE, NULL, snap->fib_nexthop_groups);
	family(&o, "cebgp_fib_shadow_bytes", M_GAUGE,
	       "Bytes cebgpd holds for its copy of the kernel routes.");
	sample_u64(&o, "cebgp_fib_shadow_bytes", M_GAUGE, NULL, snap->fib_shadow_bytes);
	if (openmetrics)
		fputs("# EOF\n", f);
	return ferror(f) ? -1 : 0;
}

static bool
wants_openmetrics(struct evhttp_request *req)
{
	const char *accept = evhttp_find_header(evhttp_request_get_input_headers(req), "Accept");

	return accept && strstr(accept, "application/openmetrics-text") != NULL;
}

static void
reply_error(struct evhttp_request *req, int code, const char *reason)
{
	evhttp_send_error(req, code, reason);
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	struct metrics_snapshot snap;
	struct evbuffer *body;
	char *text = NULL;
	size_t len = 0;
	bool om;
	FILE *f;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		reply_error(req, 405, "Method Not Allowed");
		return;
	}
	om = wants_openmetrics(req);
	memset(&snap, 0, sizeof(snap));
	m->fill(&snap, m->arg);
	f = open_memstream(&text, &len);
	if (!f) {
		reply_error(req, 500, "Out Of Memory");
		return;
	}
	int rc = metrics_render(f, &snap, om);
	if (fclose(f) != 0 || rc < 0 || !(body = evbuffer_new())) {
		free(text);
		reply_error(req, 500, "Out Of Memory");
		return;
	}
	evbuffer_add(body, text, len);
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  om ? METRICS_CT_OPENMETRICS : METRICS_CT_PROMETHEUS);
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

static void
other_cb(struct evhttp_request *req, void *arg)
{
	const char *uri = evhttp_request_get_uri(req);

	if (uri && strcmp(uri, "/") == 0) {
		struct evbuffer *body = evbuffer_new();

		if (body) {
			evbuffer_add_printf(body, "cebgpd metrics: /metrics\n");
			evhttp_send_reply(req, 200, "OK", body);
			evbuffer_free(body);
			return;
		}
	}
	reply_error(req, 404, "Not Found");
}

struct metrics *
metrics_start(struct event_base *base, const char *addr, uint16_t port, metrics_fill_fn fill,
              void *arg, char *err, size_t errsize)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m || !(m->http = evhttp_new(base))) {
		snprintf(err, errsize, "out of memory");
		free(m);
		return NULL;
	}
	m->fill = fill;
	m->arg = arg;
	/* A scrape is small: bound what a client may send and how long it may idle. */
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 1024);
	evhttp_set_timeout(m->http, 10);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_cb(m->http, "/metrics", metrics_cb, m);
	evhttp_set_gencb(m->http, other_cb, m);
	if (!evhttp_bind_socket_with_handle(m->http, addr, port)) {
		snprintf(err, errsize, "cannot listen on %s port %u: %s", addr, (unsigned)port,
		         strerror(errno));
		evhttp_free(m->http);
		free(m);
		return NULL;
	}
	return m;
}

void
metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	evhttp_free(m->http);
	free(m);
}
