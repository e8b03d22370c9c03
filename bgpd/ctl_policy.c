/*
 * ctl_policy: `show policy` and `explain` (ctl_show.h).
 *
 * Both read the daemon's live policy results (advertise_result): the
 * counts after each stage, cap usage and each prefix's reason are what
 * the sessions advertise right now, including a reload's hysteresis,
 * never a second run of the pipeline that could disagree with it.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "advertise.h"
#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "ctl_show.h"
#include "context.h"
#include "inbound.h"
#include "policy.h"
#include "policy_inbound.h"
#include "rib.h"
#include "session.h"

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

/*
 * Each selected peering of the running config with its live result; one
 * without a result (its policy ran out of memory: nothing advertised) is
 * passed NULL.
 */
static void
each_peering(const struct daemon *d, const char *sel, peering_fn fn, void *arg)
{
	const struct config *cfg = d->cfg;

	for (size_t c = 0; c < cfg->ncircuits; c++) {
		const struct config_circuit *ci = &cfg->circuits[c];

		for (int k = 0; k < CONFIG_NPEERINGS; k++) {
			const struct config_peering *pe = &ci->peering[k];
			char key[96];

			if (!pe->present || !peering_selected(ci, pe, sel))
				continue;
			/* The key advertise.c files results under. */
			snprintf(key, sizeof(key), "%s/%s", ci->name,
			         config_peering_name(pe->type));
			fn(ci, pe, advertise_result(d->adv, key), arg);
		}
	}
}

/* JSON integers are signed: IPv6 units saturate. */
static json_int_t
sat_i(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

static void
policy_cb(const struct config_circuit *ci, const struct config_peering *pe,
          const struct policy_result *r, void *arg)
{
	json_t *arr = arg, *fams = json_array(), *warn = json_array();

	if (!r) {
		json_array_append_new(warn, json_string("no policy result (out of memory): "
		                                        "nothing is advertised"));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:o,s:o}", "circuit", ci->name,
		                                     "peering", config_peering_name(pe->type),
		                                     "families", fams, "warnings", warn));
		return;
	}
	for (int f = 0; f < 2; f++) {
		const struct policy_stats *st = &r->stats[f];

		/* An empty IPv6 family says nothing: leave it out. */
		if (f == 1 && st->announced == 0)
			continue;
		json_t *fam = json_pack(
		        "{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s}", "family",
		        f ? "ipv6" : "ipv4", "announced", (json_int_t)st->announced, "sanitized",
		        (json_int_t)st->sanitized, "lossless", (json_int_t)st->lossless,
		        "min_length", (json_int_t)st->min_length, "reaggregated",
		        (json_int_t)st->reaggregated, "advertised", (json_int_t)st->advertised,
		        "dropped", (json_int_t)st->dropped, "cap", (json_int_t)st->cap, "verdict",
		        policy_verdict_name(st->verdict), "cap_reason", st->cap_reason);

		/* Over-coverage in units (addresses, IPv6 /64s); bound null: none. */
		json_object_set_new(fam, "overcoverage", json_integer(sat_i(st->overcoverage)));
		json_object_set_new(fam, "announced_space",
		                    json_integer(sat_i(st->announced_space)));
		json_object_set_new(fam, "overcoverage_bound",
		                    st->bound == POLICY_UNLIMITED ? json_null()
		                                                  : json_integer(sat_i(st->bound)));
		json_object_set_new(fam, "min_aggregate_len", json_integer(st->floor));
		json_object_set_new(fam, "left_out", json_integer((json_int_t)st->left_out));
		json_array_append_new(fams, fam);
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

	each_peering(d, ctl_parsed_arg(p, CTL_ARG_PEERING), policy_cb, arr);
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
	size_t need;
	char *buf;

	if (!r) {
		json_array_append_new(x->arr,
		                      json_pack("{s:s,s:s,s:s}", "circuit", ci->name, "peering",
		                                config_peering_name(pe->type), "text",
		                                "no policy result: not advertised"));
		return;
	}
	need = policy_explain(r, x->q, NULL, 0);
	buf = malloc(need + 1);
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

/* "accepted", an inbound_reason name, or "malformed" (RFC 7606). */
static const char *
path_reason(const struct rib_path *rp)
{
	if (rp->flags & RIB_PATH_INVALID)
		return "malformed";
	return inbound_reason_name(rib_path_eff(rp) ? INBOUND_ACCEPTED
	                                            : (enum inbound_reason)rp->reason);
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
	each_peering(d, NULL, explain_cb, &x);
	/* Inbound: what each session sent for exactly q, and what became of it. */
	for (size_t i = 0; d->rib && i < d->nsessions; i++) {
		const struct session *s = d->sessions[i];
		const struct rib_path *rp = rib_adj_in(d->rib, s->peer_id, &q);
		char nb[ADDR_STRLEN], why[256], refused[300];
		const char *text;

		if (!rp)
			continue;
		if (rp->flags & RIB_PATH_INVALID) {
			text = "received malformed (RFC 7606 treat-as-withdraw): never used";
		} else if (!rib_path_eff(rp)) {
			/* The reason recorded with the path, and what decided it. */
			inbound_explain_path(d->inbound, s->cfg, &q, rp->reason, why, sizeof(why));
			snprintf(refused, sizeof(refused), "received, %s", why);
			text = refused;
		} else if (rp->flags & RIB_PATH_BEST)
			text = "received, accepted, best path";
		else if (rp->flags & RIB_PATH_ECMP)
			text = "received, accepted, multipath (ECMP with the best)";
		else
			text = "received, accepted, not best";
		json_array_append_new(in, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "circuit",
		                                    s->cfg->circuit_name, "peering",
		                                    config_peering_name(s->cfg->type), "neighbor",
		                                    addr_fmt(&s->cfg->peer, nb, sizeof(nb)), "text",
		                                    text, "accepted", rib_path_eligible(rp),
		                                    "reason", path_reason(rp)));
	}
	return ctl_response_ok(p->cmd->name, json_pack("{s:s,s:o,s:o}", "prefix",
	                                               ctl_parsed_arg(p, CTL_ARG_PREFIX),
	                                               "outbound", x.arr, "inbound", in));
}
