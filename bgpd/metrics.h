/*
 * metrics: an optional Prometheus / OpenMetrics text endpoint on libevent's
 * evhttp (`metrics: { listen: 127.0.0.1:9179 }`).
 *
 * The module knows nothing of sessions or RIBs: on every scrape it asks
 * the daemon for a struct metrics_snapshot (a small struct of counters)
 * through a fill callback and renders it. GET /metrics answers the
 * Prometheus text format 0.0.4, or OpenMetrics 1.0 (with its `# EOF`) when
 * the scraper's Accept header asks for application/openmetrics-text.
 *
 *   struct metrics *m = metrics_start(base, "127.0.0.1", 9179, fill, d, err, sizeof(err));
 *   ...
 *   metrics_stop(m);
 */
#ifndef CEBGP_METRICS_H
#define CEBGP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct event_base;
struct metrics;

/* One BGP session. Strings are borrowed for the duration of the scrape. */
struct metrics_session {
	const char *circuit, *peering, *role; /* "1GbpsCircuit", "private", "primary" */
	const char *peer;                     /* "172.16.1.2" */
	const char *state;                    /* RFC 4271 state name, "Established" */
	bool established;
	double uptime_seconds; /* in Established; 0 when not */
	uint64_t flaps;        /* times it left Established */
	uint64_t msgs_in, msgs_out;
	uint64_t updates_in, updates_out;
	uint64_t prefixes_received; /* in Adj-RIB-In */
	uint64_t prefixes_accepted; /* passed inbound policy */
	uint64_t prefixes_advertised;
	/* BFD (bgpd/bfd_io); nothing is rendered for a session without it. */
	bool bfd_enabled;
	bool bfd_up;           /* Up and usable: BGP may rely on it */
	bool bfd_silent;       /* no packet ever heard from the peer */
	const char *bfd_state; /* "Up", "Down", ..., "peer silent" */
	uint64_t bfd_state_changes;
	uint64_t bfd_flaps;
	double bfd_tx_late_max_seconds; /* worst periodic transmit lateness */
};

/* The failover-time histogram: BFD down -> FIB replaced. */
struct metrics_bfd {
	uint64_t state_changes; /* every BFD session's, since the start */
	const double *bounds;   /* upper bounds, seconds, ascending */
	const uint64_t *le;     /* cumulative counts: nbounds + 1 (the last is +Inf) */
	size_t nbounds;
	uint64_t count;
	double sum; /* seconds */
	/* Received packets dropped before any session saw them. */
	uint64_t dropped_ttl;        /* TTL not 255 (RFC 5881 5) */
	uint64_t dropped_bad;        /* failed the RFC 5880 6.8.6 checks */
	uint64_t dropped_no_session; /* matched no session */
};

/* One peering of a circuit: the outbound cap. */
struct metrics_peering {
	const char *circuit, *peering;
	uint64_t advertised; /* after policy */
	uint64_t cap;        /* max-prefixes */
};

/* Prefixes policy refused, by direction and reason ("bogon", "too-long", ...). */
struct metrics_drop {
	const char *direction; /* "in" or "out" */
	const char *reason;
	uint64_t count;
};

/* One peering's live outbound policy result, per family (advertise.c). */
struct metrics_policy {
	const char *circuit, *peering;
	const char *family;    /* "ipv4", "ipv6" */
	uint64_t announced;    /* announce-list entries */
	uint64_t advertised;   /* prefixes the policy advertises */
	uint64_t overcoverage; /* units advertised that no announce entry covers */
	uint64_t left_out;     /* stage-4 blocks the cap left out (truncate, refuse) */
};

/* Outbound drops of one peering by reason ("min-length", "bogon", ...). */
struct metrics_policy_drop {
	const char *circuit, *peering, *reason;
	uint64_t count;
};

struct metrics_snapshot {
	const char *version; /* cebgpd's, as `cebgpd -V` prints it */
	double start_time;   /* process start, seconds since the epoch */
	struct metrics_session *sessions;
	size_t nsessions;
	struct metrics_peering *peerings;
	size_t npeerings;
	struct metrics_drop *drops;
	size_t ndrops;
	uint64_t fib_routes;         /* routes cebgpd has installed in the kernel */
	uint64_t fib_nexthop_groups; /* kernel nexthop groups of ours (0: next hops per route) */
	uint64_t fib_shadow_bytes;   /* memory of the FIB shadow (lib/kroute) */
	struct metrics_policy *policies;
	size_t npolicies;
	struct metrics_policy_drop *pdrops;
	size_t npdrops;
	struct metrics_bfd bfd;
};

/*
 * Fill snap (zeroed by the caller; arrays may point to storage owned by
 * arg, valid until the next call).
 */
typedef void (*metrics_fill_fn)(struct metrics_snapshot *snap, void *arg);

/* Listen on addr:port (numeric). NULL with err on failure. */
struct metrics *metrics_start(struct event_base *base, const char *addr, uint16_t port,
                              metrics_fill_fn fill, void *arg, char *err, size_t errsize);
void metrics_stop(struct metrics *m);

/*
 * Render snap in the text format: Prometheus 0.0.4, or OpenMetrics 1.0
 * when openmetrics is true. Returns 0, -1 on a write error.
 */
int metrics_render(FILE *out, const struct metrics_snapshot *snap, bool openmetrics);

#define METRICS_CT_PROMETHEUS  "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

#endif
