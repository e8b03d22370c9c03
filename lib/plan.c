/* plan: a peering's outbound policy from the config (see plan.h). */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "profile.h"

/* "advertised on ..." in explain: the legs this router has. */
static const char *
advertised_on(const struct config_circuit *ci, const struct config_peering *pe)
{
	static const char *const on[CONFIG_NPEERINGS][3] = {
	        {"private primary and secondary", "private primary", "private secondary"},
	        {"public primary and secondary", "public primary", "public secondary"},
	        {"microsoft primary and secondary", "microsoft primary", "microsoft secondary"},
	};
	int legs = ci->link[CONFIG_PRIMARY].present && ci->link[CONFIG_SECONDARY].present ? 0
	           : ci->link[CONFIG_PRIMARY].present                                     ? 1
	                                                                                  : 2;

	return on[pe->type][legs];
}

/*
 * Every circuit's /30s and /126s: none is ever advertised, covered by an
 * aggregate or blackholed by a discard route on any peering (another
 * circuit's session runs over it). out has room for CONFIG_NPEERINGS *
 * CONFIG_NROLES * 2 per circuit.
 */
static size_t
link_subnets(const struct config *cfg, struct prefix *out)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->ncircuits; i++) {
		const struct config_circuit *ci = &cfg->circuits[i];

		for (int t = 0; t < CONFIG_NPEERINGS; t++)
			for (int r = 0; r < CONFIG_NROLES; r++) {
				const struct config_peering *pe = &ci->peering[t];
				if (pe->present && pe->subnet_set[r])
					out[n++] = pe->subnet[r];
				if (pe->present && pe->subnet6_set[r])
					out[n++] = pe->subnet6[r];
			}
	}
	return n;
}

/* An explicit max-overcoverage replaces the peering's default bound. */
static void
overcoverage_in(struct policy_input *in, const struct config_peering *pe)
{
	const struct config_overcoverage *o = &pe->max_overcoverage;

	if (o->kind == CONFIG_OVERCOV_DEFAULT)
		return; /* policy_input_init's, by peering */
	in->max_overcoverage = POLICY_UNLIMITED;
	in->max_overcoverage_pct = 0;
	in->min_aggregate_len = 0;
	if (o->kind == CONFIG_OVERCOV_ADDRS)
		in->max_overcoverage = o->addrs;
	else if (o->kind == CONFIG_OVERCOV_PERCENT && o->hundredths == 0)
		in->max_overcoverage = 0;
	else if (o->kind == CONFIG_OVERCOV_PERCENT && o->hundredths % 100 == 0)
		in->max_overcoverage_pct = o->hundredths / 100; /* whole percents */
}

struct policy_result *
plan_policy(const struct config *cfg, const struct config_circuit *ci,
            const struct config_peering *pe, const struct policy_result *prev)
{
	struct policy_input in;
	struct prefix *links;
	struct policy_announce *ann;
	struct policy_result *r;

	links = calloc(cfg->ncircuits * CONFIG_NPEERINGS * CONFIG_NROLES * 2 + 1, sizeof(*links));
	ann = calloc(pe->announce.n ? pe->announce.n : 1, sizeof(*ann));
	if (!ann || !links) {
		free(ann);
		free(links);
		return NULL;
	}
	for (size_t i = 0; i < pe->announce.n; i++) {
		ann[i].p = pe->announce.v[i].prefix;
		ann[i].line = pe->announce.v[i].pos.line;
		ann[i].col = pe->announce.v[i].pos.col;
	}
	/* The profile says which peerings carry only public space. */
	policy_input_init(&in, profile_public_only(ci->profile, pe->type) ? POLICY_PUBLIC
	                                                                  : POLICY_PRIVATE);
	in.announce = ann;
	in.n_announce = pe->announce.n;
	in.link_subnets = links;
	in.n_links = link_subnets(cfg, links);
	in.max_prefixes = pe->max_prefixes;
	in.max_prefixes6 = pe->max_prefixes6;
	in.max_len = pe->max_len;
	in.max_len6 = pe->max_len6;
	in.min_length_action = pe->min_length_action == CONFIG_MINLEN_EXTEND ? POLICY_MINLEN_EXTEND
	                                                                     : POLICY_MINLEN_DROP;
	in.cap_action = pe->cap_action == CONFIG_CAP_TRUNCATE ? POLICY_CAP_TRUNCATE
	                : pe->cap_action == CONFIG_CAP_REFUSE ? POLICY_CAP_REFUSE
	                                                      : POLICY_CAP_AGGREGATE;
	in.discard_holes = pe->discard_holes;
	in.previous = prev;
	in.advertised_on = advertised_on(ci, pe);
	in.peering_name = config_peering_name(pe->type);
	overcoverage_in(&in, pe);
	r = policy_run(&in);
	/*
	 * A fractional percentage ("0.25%"): the announced space is known
	 * only after a run; when the first run's over-coverage exceeds that
	 * share of it, run again with the bound in addresses.
	 */
	if (r && pe->max_overcoverage.kind == CONFIG_OVERCOV_PERCENT &&
	    pe->max_overcoverage.hundredths % 100 != 0) {
		const struct policy_stats *st = &r->stats[0];
		uint64_t bound =
		        st->announced_space / 10000 * pe->max_overcoverage.hundredths +
		        st->announced_space % 10000 * pe->max_overcoverage.hundredths / 10000;

		if (st->overcoverage > bound) {
			policy_result_free(r);
			in.max_overcoverage = bound;
			r = policy_run(&in);
		}
	}
	free(ann);
	free(links);
	return r;
}

static void
plan_stats(FILE *out, const char *fam, const struct policy_stats *st, size_t holes)
{
	fprintf(out, "    advertised (%s, after policy): %zu of cap %u (%s)", fam, st->advertised,
	        st->cap, policy_verdict_name(st->verdict));
	fprintf(out, ", over-coverage %llu %s", (unsigned long long)st->overcoverage,
	        fam[3] == '4' ? "addresses" : "/64s");
	if (st->overcoverage)
		fprintf(out, " (lower bound %llu, announced %llu)",
		        (unsigned long long)st->lower_bound,
		        (unsigned long long)st->announced_space);
	fprintf(out, ", %zu discard route%s", holes, holes == 1 ? "" : "s");
	if (st->left_out)
		fprintf(out, ", %zu LEFT OUT", st->left_out);
	fprintf(out, "\n");
	fprintf(out,
	        "    stages (%s): announced %zu, sanitized %zu, lossless %zu, min-length %zu, "
	        "re-aggregated %zu, advertised %zu; %zu dropped\n",
	        fam, st->announced, st->sanitized, st->lossless, st->min_length, st->reaggregated,
	        st->advertised, st->dropped);
	if (st->cap_reason[0])
		fprintf(out, "    cap (%s): %s\n", fam, st->cap_reason);
}

void
plan_print_peering(FILE *out, const struct config *cfg, const struct config_circuit *ci,
                   const struct config_peering *pe, void *arg)
{
	struct policy_result *r;
	char pb[PREFIX_STRLEN];

	(void)arg;
	config_plan_peering(out, pe);
	r = plan_policy(cfg, ci, pe, NULL);
	if (!r) {
		fprintf(out, "    advertised: (out of memory running the policy)\n");
		return;
	}
	size_t holes6 = 0;
	for (size_t i = 0; i < r->n_holes; i++)
		holes6 += r->holes[i].afi == AFI_IP6;
	plan_stats(out, "IPv4", &r->stats[0], r->n_holes - holes6);
	if (r->stats[1].announced)
		plan_stats(out, "IPv6", &r->stats[1], holes6);
	for (size_t i = 0; i < r->n_adv; i++) {
		const struct policy_adv *a = &r->adv[i];

		fprintf(out, "    advertise %s", prefix_fmt(&a->p, pb, sizeof(pb)));
		if (a->lossy)
			fprintf(out, " lossy (%llu not announced; ATOMIC_AGGREGATE, AGGREGATOR)",
			        (unsigned long long)a->overcoverage);
		fprintf(out, "\n");
	}
	for (size_t i = 0; i < r->n_holes; i++)
		fprintf(out, "    discard %s\n", prefix_fmt(&r->holes[i], pb, sizeof(pb)));
	for (size_t i = 0; i < r->n_warnings; i++)
		fprintf(out, "    policy warning: %s\n", r->warnings[i]);
	policy_result_free(r);
}
