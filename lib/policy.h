/*
 * policy: the outbound policy of one peering, as a pure function.
 *
 *   announce set ─► sanitize ─► lossless aggregation ─► minimum length
 *                ─► aggregate again ─► cap ─► advertised set (+ holes)
 *
 * policy_run() takes the customer's announce list (with config line:col) and
 * the peering's rules and returns what both sessions of the peering advertise.
 * Every prefix's fate is recorded: policy_explain() prints the chain.
 * Each family (IPv4, IPv6) runs through the pipeline on its own, with its own
 * cap and minimum length; IPv4 is what the provider's guide covers.
 *
 * Stages (design.md, "Outbound policy"):
 *  1. Sanitize. The default route is dropped. A prefix inside forbidden space
 *     is dropped with the reason: bogons (PC_BOGON) and the peering's link
 *     subnets on both peerings, RFC 1918 and RFC 6598 (and IPv6 ULA) on public
 *     peering. A prefix that merely CONTAINS forbidden space (0.0.0.0/1 on
 *     public contains 10/8) is split around it: the largest prefixes covering
 *     exactly its allowed part take its place (later stages treat them like
 *     any other, so they still obey the minimum length and the cap).
 *  2. Lossless aggregation: more-specifics covered by another announced
 *     prefix are redundant; siblings merge. The covered address set is
 *     exactly the union of what survived sanitizing.
 *  3. Minimum length (max_len, /29 by default): a block longer than it is
 *     dropped (min-length-action: drop, the default) or widened to its /29
 *     (extend), unless the /29 would overlap forbidden space (then dropped).
 *  4. Aggregate again (extended blocks may merge).
 *  5. Cap (max_prefixes). At or below it the result is stage 4 exactly:
 *     nothing advertised that was not announced, except what extend widened.
 *     Above it, cap-aware aggregation (below) picks covering supernets,
 *     never overlapping forbidden space, within the bound: over-coverage at
 *     most max_overcoverage (and max_overcoverage_pct of the announced
 *     space), and no aggregate shorter than min_aggregate_len. When no
 *     cover of the cap's size stays within the bound, the cap_action
 *     decides: TRUNCATE (the default) advertises the cap's worth of stage 4
 *     by a stable priority, shortest prefixes first (the most announced
 *     space), then the lowest address, and counts the rest in left_out;
 *     AGGREGATE aggregates anyway, ignoring the bound; REFUSE advertises
 *     nothing new: the previous result's set is kept (filtered by the
 *     current rules and the cap), or nothing without one. Either way
 *     cap_reason says so, for a loud log line.
 *
 * Default bound (policy_input_init). Public peering: over-coverage 0, so
 * nothing is advertised that no announce entry covers (the provider checks
 * ownership there; a supernet we do not own is a hijack). Private peering:
 * no more over-covered addresses than announced ones, and no aggregate
 * shorter than the shortest announced prefix or than /8 (IPv6: /16).
 *
 * Over-coverage is what an advertised prefix covers that no announce entry
 * covers: an entry dropped for its length (longer than /29) still counts as
 * announced, so a supernet over it over-covers nothing there and needs no
 * discard route.
 *
 * Cap-aware aggregation. The candidates are the nodes of the binary trie over
 * the stage-4 blocks (a block or the longest common prefix of two adjacent
 * ones); any other covering prefix covers the same announced space with more
 * addresses. Choosing at most K of them, none overlapping forbidden space,
 * with the least over-coverage is tree pruning, solved two ways:
 *  - Exact tree knapsack DP: f_v[k] = least over-coverage covering v's
 *    blocks with at most k prefixes; children merge by min-plus convolution
 *    with tables cut at min(leaves, K). Work: the sum over nodes of
 *    min(leaves left, K) * min(leaves right, K) <= O(n * K). It runs when that
 *    sum is within exact_budget (POLICY_EXACT_BUDGET, about 0.1 s); the
 *    result is optimal and lower_bound == overcoverage.
 *  - Above the budget, Lagrangian relaxation: minimise over-coverage +
 *    lambda * count, one O(n) bottom-up pass per lambda (solutions nested as
 *    lambda grows); a Newton walk on lambda finds the two convex-hull
 *    vertices around K (lo above it, hi at or below it; hi is optimal for
 *    its own count), and the slack K - |hi| goes to the regions where lo
 *    refines hi, chosen by an exact 0/1 knapsack. Bound: no a-priori factor;
 *    weak duality gives a per-run certificate lower_bound =
 *    max over lambda of g(lambda) - lambda * K <= optimum, recorded beside the
 *    over-coverage achieved. O(n log n) for the sort plus a few O(n) passes.
 *    On 300 small random cases it found the optimum in 89 %
 *    (tests/unit/test_policy); bench figures in tests/bench/bench_policy.
 *
 * Stability. Over the cap and with a previous result, stage 5 first tries
 * to repair it: keep the previous prefixes that still cover announced space,
 * add the blocks they miss, and merge the cheapest ranges (at most
 * POLICY_REPAIR_MERGES) to get back under the cap. The repair is kept when
 * its over-coverage is within hysteresis_pct of the aggregation computed
 * afresh; else the fresh one is taken and cap_reason says so. While the
 * repair is kept (or the set fits the cap), adding or removing one announced
 * prefix P changes at most 2 * (max_len + 2) + (advertised prefixes P covers)
 * advertised prefixes: asserted by tests/unit/test_policy_prop, where 400
 * random single changes against a cap of 60 churn 2.3 prefixes on average
 * (19.2 without hysteresis) and 6.5 % of them re-optimise (asserted < 10 %).
 *
 * Over-coverage is counted in units: addresses for IPv4, /64s for IPv6
 * (saturating).
 */
#ifndef CEBGP_POLICY_H
#define CEBGP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

enum policy_peering {
	POLICY_PRIVATE = 0,
	POLICY_PUBLIC = 1,
};
const char *policy_peering_name(enum policy_peering k); /* "private", "public" */

enum policy_min_length_action {
	POLICY_MINLEN_DROP = 0,
	POLICY_MINLEN_EXTEND = 1,
};
const char *policy_min_length_action_name(enum policy_min_length_action a);

enum policy_cap_action {
	POLICY_CAP_AGGREGATE = 0,
	POLICY_CAP_TRUNCATE = 1,
	POLICY_CAP_REFUSE = 2,
};
const char *policy_cap_action_name(enum policy_cap_action a);

#define POLICY_CAP_PRIVATE   3000 /* the provider's guide */
#define POLICY_CAP_PUBLIC    4000
#define POLICY_CAP_IP6       100 /* the provider's later IPv6 limit */
#define POLICY_MAX_LEN       29  /* the smallest subnet the provider takes */
#define POLICY_MAX_LEN6      64
#define POLICY_UNLIMITED     UINT64_MAX
#define POLICY_HYSTERESIS    5 /* percent */
#define POLICY_REPAIR_MERGES 32
#define POLICY_EXACT_BUDGET  60000000u
#define POLICY_FLOOR_AUTO    255u /* min_aggregate_len: from the announce list */
#define POLICY_FLOOR_MIN     8u   /* ... at least this (IPv4) */
#define POLICY_FLOOR_MIN6    16u

struct policy_announce {
	struct prefix p;
	unsigned line, col; /* where the config lists it; 0 when unknown */
};

struct policy_result;

struct policy_input {
	enum policy_peering peering;
	const struct policy_announce *announce;
	size_t n_announce;
	const struct prefix *link_subnets; /* the peering's /30s: never advertised */
	size_t n_links;
	unsigned max_prefixes;  /* IPv4 cap */
	unsigned max_prefixes6; /* IPv6 cap */
	unsigned max_len;       /* IPv4: nothing longer is advertised */
	unsigned max_len6;
	enum policy_min_length_action min_length_action;
	enum policy_cap_action cap_action;
	uint64_t max_overcoverage;     /* units; POLICY_UNLIMITED for no bound */
	unsigned max_overcoverage_pct; /* of announced space; 0 for no bound */
	/* No lossy aggregate shorter than this (0: any length); POLICY_FLOOR_AUTO:
	 * the shortest announced prefix, and at least /8 (IPv6 /16). */
	unsigned min_aggregate_len;
	unsigned hysteresis_pct;
	bool discard_holes;                   /* compute the holes (discard routes) */
	const struct policy_result *previous; /* last result, or NULL */
	/* Work allowed for the exact DP (min-plus steps); above it the
	 * Lagrangian runs. 0: POLICY_EXACT_BUDGET; 1 forces the Lagrangian. */
	uint64_t exact_budget;
	/* Appended to "advertised" in explain ("private primary and secondary"). */
	const char *advertised_on;
	/* The peering as messages name it ("microsoft"), a static string; NULL:
	 * policy_peering_name(peering). Microsoft peering runs the public rules,
	 * and a warning about "public peering" would send the operator to a
	 * peering the circuit does not have. */
	const char *peering_name;
};

/* Defaults for a peering: cap 3000/4000 (100 IPv6), /29, drop, truncate,
 * the peering's default bound (see above: public over-coverage 0; private
 * 100 % of the announced space and POLICY_FLOOR_AUTO), 5 % hysteresis,
 * discard holes. Lists empty. */
void policy_input_init(struct policy_input *in, enum policy_peering peering);

enum policy_verdict {
	POLICY_OK = 0,     /* fits the cap without widening anything */
	POLICY_AGGREGATED, /* over the cap: lossy aggregates within bounds */
	POLICY_OVER_BOUND, /* over max-overcoverage, aggregated anyway */
	POLICY_TRUNCATED,  /* cap-action truncate dropped prefixes */
	POLICY_REFUSED,    /* cap-action refuse kept the previous set */
};
const char *policy_verdict_name(enum policy_verdict v);

struct policy_adv {
	struct prefix p;
	/* Covers unannounced space (cap-aware aggregate or extend): carry
	 * ATOMIC_AGGREGATE and AGGREGATOR (RFC 4271 §9.2.2.2). */
	bool lossy;
	uint64_t overcoverage; /* units inside p that were not announced */
};

/* Per family; counts after each stage, for `show policy` and --check. */
struct policy_stats {
	size_t announced;    /* entries in the announce list */
	size_t sanitized;    /* prefixes after sanitize (splits counted) */
	size_t lossless;     /* blocks after lossless aggregation */
	size_t min_length;   /* blocks kept or extended by the minimum length */
	size_t reaggregated; /* blocks after aggregating again */
	size_t advertised;
	size_t dropped; /* announce entries dropped entirely */
	unsigned cap;
	enum policy_verdict verdict;
	uint64_t announced_space; /* units announced after the min-length stage */
	uint64_t overcoverage;    /* units advertised but not announced */
	uint64_t lower_bound;     /* no K prefixes do better (cap-aware only) */
	uint64_t bound;           /* the over-coverage allowed (POLICY_UNLIMITED: none) */
	unsigned floor;           /* no lossy aggregate shorter (0: none) */
	size_t left_out;          /* stage-4 blocks the result does not cover */
	bool repaired;            /* the previous result was repaired (hysteresis) */
	char cap_reason[512];     /* empty when nothing to say */
};

struct policy_result {
	enum policy_peering peering;
	struct policy_adv *adv; /* sorted by prefix_cmp (IPv4 first) */
	size_t n_adv;
	/* Covered-but-not-announced space of every lossy prefix, as the fewest
	 * prefixes, sorted: the discard routes (when discard_holes). */
	struct prefix *holes;
	size_t n_holes;
	struct policy_stats stats[2]; /* [0] IPv4, [1] IPv6 */
	/* One line each: drops and other things --check should warn about
	 * (the cap's own line is stats[].cap_reason, not repeated here). */
	char **warnings;
	size_t n_warnings;
	struct policy_trace *trace; /* the decision records, for explain */
};

/* NULL only when memory ran out. */
struct policy_result *policy_run(const struct policy_input *in);
void policy_result_free(struct policy_result *r);
/* The worst verdict of the two families. */
enum policy_verdict policy_result_verdict(const struct policy_result *r);
/* Is p advertised (exactly)? */
const struct policy_adv *policy_result_find(const struct policy_result *r, const struct prefix *p);

/*
 * The fate of q as text, snprintf-like (returns the length it needed). One
 * line per announce entry equal to q (or covering q), e.g.
 *   10.1.2.3/32 (line 23): longer than /29 -> dropped (min-length-action: drop)
 *   10.1.2.0/25 (line 24) -> merged with 10.1.2.128/25 into 10.1.2.0/24
 *     (lossless) -> advertised on private primary and secondary
 *   10.9.0.0/16: not announced
 */
size_t policy_explain(const struct policy_result *r, const struct prefix *q, char *buf,
                      size_t size);

/*
 * Outbound drops by reason, counted from the decision records (for the
 * metrics). Units: announce entries for the sanitize reasons (an entry
 * that is the default route, or lies wholly inside forbidden space), blocks
 * after lossless aggregation for min-length, and stage-4 blocks left out
 * for the cap actions.
 */
enum policy_drop_reason {
	POLICY_DROP_DEFAULT_ROUTE,  /* "default-route" */
	POLICY_DROP_BOGON,          /* "bogon": PC_BOGON space */
	POLICY_DROP_PEERING_SUBNET, /* "peering-subnet": a peering's /30 */
	POLICY_DROP_PRIVATE_PUBLIC, /* "rfc1918-public": RFC 1918, RFC 6598, ULA on public */
	POLICY_DROP_MIN_LENGTH,     /* "min-length": longer than /29, dropped (or not extendable) */
	POLICY_DROP_CAP_TRUNCATE,   /* "cap-truncate": left out by cap-action truncate */
	POLICY_DROP_CAP_REFUSE,     /* "cap-refuse": not advertised under cap-action refuse */
	POLICY_DROP_COUNT,
};
const char *policy_drop_reason_name(enum policy_drop_reason d);
/* out[reason] = count, both families together. NULL r: all zero. */
void policy_result_drops(const struct policy_result *r, uint64_t out[POLICY_DROP_COUNT]);

/* What to send to go from old (NULL: nothing advertised) to new. A prefix
 * whose lossy flag changed is re-announced (its attributes change). */
struct policy_delta {
	struct prefix *withdraw;
	size_t n_withdraw;
	struct policy_adv *announce;
	size_t n_announce;
};
/* 0, or -1 when memory ran out. Free with policy_delta_free(). */
int policy_diff(const struct policy_result *old, const struct policy_result *new,
                struct policy_delta *out);
void policy_delta_free(struct policy_delta *d);

#endif
