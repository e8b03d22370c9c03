/*
 * ctl_policy: `show policy` and `explain` (ctl_show.h).
 *
 * The outbound pipeline is a pure function of the running config's
 * peering (lib/policy.h), so these commands run it on the spot: the counts
 * after each stage, cap usage and each prefix's reason are exactly what
 * the daemon's advertisement computes from the same config.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "ctl_show.h"
#include "daemon.h"
#include "policy.h"
#include "rib.h"
#include "session.h"

/* The policy input of one configured peering; frees with input_free. */
static bool
input_from_config(const struct config_circuit *ci, const struct config_peering *pe,
                  struct policy_input *in, struct policy_announce **ann, struct prefix *links)
{
	size_t nl = 0;

	policy_input_init(in, pe->type == CONFIG_PUBLIC ? POLICY_PUBLIC : POLICY_PRIVATE);
	*ann = calloc(pe->announce.n ? pe->announce.n : 1, sizeof(**ann));
	if (!*ann)
		return false;
	for (size_t i = 0; i < pe->announce.n; i++) {
		(*ann)[i].p = pe->announce.v[i].prefix;
		(*ann)[i].line = pe->announce.v[i].pos.line;
		(*ann)[i].col = pe->announce.v[i].pos.col;
	}
	for (int r = 0; r < CONFIG_NROLES; r++)
		if (pe->subnet_set[r])
			links[nl++] = pe->subnet[r];
	in->announce = *ann;
	in->n_announce = pe->announce.n;
	in->link_subnets = links;
	in->n_links = nl;
	in->max_prefixes = pe->max_prefixes;
	in->min_length_action = pe->min_length_action == CONFIG_MINLEN_EXTEND ? POLICY_MINLEN_EXTEND
	                                                                      : POLICY_MINLEN_DROP;
	in->cap_action = pe->cap_action == CONFIG_CAP_TRUNCATE ? POLICY_CAP_TRUNCATE
	                 : pe->cap_action == CONFIG_CAP_REFUSE ? POLICY_CAP_REFUSE
	                                                       : POLICY_CAP_AGGREGATE;
	if (pe->max_overcoverage.kind == CONFIG_OVERCOV_ADDRS)
		in->max_overcoverage = pe->max_overcoverage.addrs;
	else if (pe->max_overcoverage.kind == CONFIG_OVERCOV_PERCENT)
		/* The policy takes whole percent; round a fraction up, never to 0. */
		in->max_overcoverage_pct = (pe->max_overcoverage.hundredths + 99) / 100;
	in->discard_holes = pe->discard_holes;
	in->advertised_on = "primary and secondary";
	(void)ci;
	return true;
}

static bool
peering_selected(const struct config_circuit *ci, const struct config_peering *pe, const char *sel)
{
	const char *type = config_peering_name(pe->type), *slash;

	if (!sel)
		return true;
	slash = strchr(sel, '/');
	if (!slash)
		return strcmp(sel, type) == 0;
	return strlen(ci->name) == (size_t)(slash - sel) &&
	       strncmp(sel, ci->name, (size_t)(slash - sel)) == 0 && strcmp(slash + 1, type) == 0;
}

typedef void (*peering_fn)(const struct config_circuit *ci, const struct config_peering *pe,
                           const struct policy_result *r, void *arg);

/* Run the pipeline of each selected peering; false if memory ran out. */
static bool
each_peering(const struct config *cfg, const char *sel, peering_fn fn, void *arg)
{
	for (size_t c = 0; c < cfg->ncircuits; c++) {
		const struct config_circuit *ci = &cfg->circuits[c];

		for (int k = 0; k < CONFIG_NPEERINGS; k++) {
			const struct config_peering *pe = &ci->peering[k];
			struct policy_input in;
			struct policy_announce *ann = NULL;
			struct prefix links[CONFIG_NROLES];
			struct policy_result *r;

			if (!pe->present || !peering_selected(ci, pe, sel))
				continue;
			if (!input_from_config(ci, pe, &in, &ann, links))
				return false;
			r = policy_run(&in);
			free(ann);
			if (!r)
				return false;
			fn(ci, pe, r, arg);
			policy_result_free(r);
		}
	}
	return true;
}

static void
policy_cb(const struct config_circuit *ci, const struct config_peering *pe,
          const struct policy_result *r, void *arg)
{
	json_t *arr = arg, *fams = json_array(), *warn = json_array();

	for (int f = 0; f < 2; f++) {
		const struct policy_stats *st = &r->stats[f];

		/* An empty IPv6 family says nothing: leave it out. */
		if (f == 1 && st->announced == 0)
			continue;
		json_array_append_new(
		        fams,
		        json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s}", "family",
		                  f ? "ipv6" : "ipv4", "announced", (json_int_t)st->announced,
		                  "sanitized", (json_int_t)st->sanitized, "lossless",
		                  (json_int_t)st->lossless, "min_length",
		                  (json_int_t)st->min_length, "reaggregated",
		                  (json_int_t)st->reaggregated, "advertised",
		                  (json_int_t)st->advertised, "dropped", (json_int_t)st->dropped,
		                  "cap", (json_int_t)st->cap, "verdict",
		                  policy_verdict_name(st->verdict), "cap_reason", st->cap_reason));
	}
	for (size_t i = 0; i < r->n_warnings; i++)
		json_array_append_new(warn, json_string(r->warnings[i]));
	json_array_append_new(arr, json_pack("{s:s,s:s,s:o,s:o}", "circuit", ci->name, "peering",
	                                     config_peering_name(pe->type), "families", fams,
	                                     "warnings", warn));
}

json_t *
ctl_show_policy(struct daemon *d, const struct ctl_parsed *p)
{
	json_t *arr = json_array();

	if (!each_peering(d->cfg, ctl_parsed_arg(p, CTL_ARG_PEERING), policy_cb, arr)) {
		json_decref(arr);
		return ctl_response_error("out of memory", NULL);
	}
	return ctl_response_ok(p->cmd->name, json_pack("{s:o}", "peerings", arr));
}

struct explain_ctx {
	const struct prefix *q;
	json_t *arr;
};

static void
explain_cb(const struct config_circuit *ci, const struct config_peering *pe,
           const struct policy_result *r, void *arg)
{
	struct explain_ctx *x = arg;
	size_t need = policy_explain(r, x->q, NULL, 0);
	char *buf = malloc(need + 1);

	if (!buf)
		return;
	policy_explain(r, x->q, buf, need + 1);
	/* One line per entry; the renderer indents them. */
	while (need > 0 && buf[need - 1] == '\n')
		buf[--need] = '\0';
	json_array_append_new(x->arr, json_pack("{s:s,s:s,s:s}", "circuit", ci->name, "peering",
	                                        config_peering_name(pe->type), "text", buf));
	free(buf);
}

json_t *
ctl_explain(struct daemon *d, const struct ctl_parsed *p)
{
	struct prefix q;
	struct explain_ctx x = {.q = &q, .arr = json_array()};
	json_t *in = json_array();

	if (prefix_parse(ctl_parsed_arg(p, CTL_ARG_PREFIX), &q, PREFIX_PARSE_HOST) != 0) {
		json_decref(x.arr);
		json_decref(in);
		return ctl_response_error("bad prefix", NULL);
	}
	if (!each_peering(d->cfg, NULL, explain_cb, &x)) {
		json_decref(x.arr);
		json_decref(in);
		return ctl_response_error("out of memory", NULL);
	}
	/* Inbound: what each session sent for exactly q, and what became of it. */
	for (size_t i = 0; d->rib && i < d->nsessions; i++) {
		const struct session *s = d->sessions[i];
		const struct rib_path *rp = rib_adj_in(d->rib, s->peer_id, &q);
		char nb[ADDR_STRLEN];
		const char *text;

		if (!rp)
			continue;
		if (rp->flags & RIB_PATH_INVALID)
			text = "received malformed (RFC 7606 treat-as-withdraw): never used";
		else if (!rp->eff)
			text = "received, rejected by the inbound accept list";
		else if (rp->flags & RIB_PATH_BEST)
			text = "received, accepted, best path";
		else if (rp->flags & RIB_PATH_ECMP)
			text = "received, accepted, multipath (ECMP with the best)";
		else
			text = "received, accepted, not best";
		json_array_append_new(
		        in, json_pack("{s:s,s:s,s:s,s:s}", "circuit", s->cfg->circuit_name,
		                      "peering", config_peering_name(s->cfg->type), "neighbor",
		                      addr_fmt(&s->cfg->peer, nb, sizeof(nb)), "text", text));
	}
	return ctl_response_ok(p->cmd->name, json_pack("{s:s,s:o,s:o}", "prefix",
	                                               ctl_parsed_arg(p, CTL_ARG_PREFIX),
	                                               "outbound", x.arr, "inbound", in));
}
