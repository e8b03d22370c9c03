/*
 * policy: the pipeline that runs the stages per family, the result and its
 * records, and the delta between two results. See policy.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "policy_int.h"

const char *
policy_peering_name(enum policy_peering k)
{
	return k == POLICY_PUBLIC ? "public" : "private";
}

const char *
policy_min_length_action_name(enum policy_min_length_action a)
{
	return a == POLICY_MINLEN_EXTEND ? "extend" : "drop";
}

const char *
policy_cap_action_name(enum policy_cap_action a)
{
	static const char *const names[] = {
	        [POLICY_CAP_AGGREGATE] = "aggregate",
	        [POLICY_CAP_TRUNCATE] = "truncate",
	        [POLICY_CAP_REFUSE] = "refuse",
	};

	return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "?";
}

const char *
policy_verdict_name(enum policy_verdict v)
{
	static const char *const names[] = {
	        [POLICY_OK] = "ok",
	        [POLICY_AGGREGATED] = "aggregated",
	        [POLICY_OVER_BOUND] = "over max-overcoverage",
	        [POLICY_TRUNCATED] = "truncated",
	        [POLICY_REFUSED] = "refused",
	};

	return (unsigned)v < ARRAY_SIZE(names) ? names[v] : "?";
}

void
policy_input_init(struct policy_input *in, enum policy_peering peering)
{
	memset(in, 0, sizeof(*in));
	in->peering = peering;
	in->max_prefixes = peering == POLICY_PUBLIC ? POLICY_CAP_PUBLIC : POLICY_CAP_PRIVATE;
	in->max_prefixes6 = POLICY_CAP_IP6;
	in->max_len = POLICY_MAX_LEN;
	in->max_len6 = POLICY_MAX_LEN6;
	in->min_length_action = POLICY_MINLEN_DROP;
	in->cap_action = POLICY_CAP_TRUNCATE;
	if (peering == POLICY_PUBLIC) {
		in->max_overcoverage = 0;
	} else {
		in->max_overcoverage = POLICY_UNLIMITED;
		in->max_overcoverage_pct = 100;
		in->min_aggregate_len = POLICY_FLOOR_AUTO;
	}
	in->hysteresis_pct = POLICY_HYSTERESIS;
	in->discard_holes = true;
}

int
policy_warn(struct policy_result *r, const char *fmt, ...)
{
	char line[1024], **nv;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Grow by doubling: a large set can drop thousands of prefixes. */
	if ((r->n_warnings & (r->n_warnings - 1)) == 0) {
		nv = realloc(r->warnings, (r->n_warnings ? 2 * r->n_warnings : 1) * sizeof(*nv));
		if (!nv)
			return -1;
		r->warnings = nv;
	}
	nv = r->warnings;
	if (!(nv[r->n_warnings] = strdup(line)))
		return -1;
	r->n_warnings++;
	return 0;
}

static void
trace_free(struct policy_trace *t)
{
	if (!t)
		return;
	for (int i = 0; i < 2; i++) {
		free(t->fam[i].fb.v);
		free(t->fam[i].s1);
		free(t->fam[i].s2);
		free(t->fam[i].s4);
		free(t->fam[i].s2pre);
	}
	free(t->ann);
	free(t->rec);
	free(t->advertised_on);
	free(t);
}

void
policy_result_free(struct policy_result *r)
{
	if (!r)
		return;
	free(r->adv);
	free(r->holes);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	trace_free(r->trace);
	free(r);
}

static int
append_out(struct policy_result *r, const struct fam *f, const struct out *v, size_t n,
           size_t *holes_cap, bool holes)
{
	struct policy_adv *nv = realloc(r->adv, (r->n_adv + n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	r->adv = nv;
	for (size_t i = 0; i < n; i++) {
		struct policy_adv *a = &r->adv[r->n_adv++];
		uint64_t units = pk_units(&f->g, v[i].k.len);

		pk_to_prefix(&v[i].k, f->g.afi, &a->p);
		a->overcoverage = units - MIN(units, v[i].real);
		a->lossy = a->overcoverage > 0;
		if (a->lossy && holes &&
		    holes_append(f, &v[i].k, &r->holes, &r->n_holes, holes_cap) < 0)
			return -1;
	}
	return 0;
}

static int
run_family(struct policy_result *r, const struct policy_input *in, int fi, size_t *holes_cap)
{
	struct policy_trace *t = r->trace;
	struct fam *f = &t->fam[fi];
	struct policy_stats *st = &r->stats[fi];
	struct out *outv = NULL;
	size_t nout = 0;

	f->g.afi = fi == 0 ? AFI_IP : AFI_IP6;
	f->g.bits = fi == 0 ? 32 : 128;
	f->g.unit_len = fi == 0 ? 32 : 64;
	f->K = fi == 0 ? in->max_prefixes : in->max_prefixes6;
	f->max_len = fi == 0 ? in->max_len : in->max_len6;
	if (f->max_len == 0 || f->max_len > f->g.bits)
		f->max_len = f->g.bits;
	st->cap = f->K;
	for (size_t i = 0; i < in->n_announce; i++)
		if (in->announce[i].p.afi == f->g.afi)
			st->announced++;
	if (fb_build(&f->fb, in, f->g.afi) < 0 || sanitize_family(f, t, in) < 0)
		return -1;
	st->sanitized = f->n1;
	if (minlen_family(f, in, &st->announced_space) < 0)
		return -1;
	st->lossless = f->n2;
	for (size_t i = 0; i < f->n2; i++)
		if (f->s2[i].fate == BLK_KEEP || f->s2[i].fate == BLK_EXTENDED)
			st->min_length++;
	st->reaggregated = f->n4;
	if (cap_family(f, in, st, &outv, &nout) < 0)
		return -1;
	if (append_out(r, f, outv, nout, holes_cap, in->discard_holes) < 0) {
		free(outv);
		return -1;
	}
	free(outv);
	st->advertised = nout;
	st->overcoverage = 0;
	for (size_t i = r->n_adv - nout; i < r->n_adv; i++)
		st->overcoverage = sat_add(st->overcoverage, r->adv[i].overcoverage);
	return 0;
}

static int
warn_entries(struct policy_result *r)
{
	const struct policy_trace *t = r->trace;
	char line[1024];

	for (size_t i = 0; i < t->n_ann; i++) {
		struct pk k = pk_from_prefix(&t->ann[i].p);
		bool all = false;

		if (!entry_lossy_drop(r, i, &all))
			continue;
		if (all)
			r->stats[fam_index(t->ann[i].p.afi)].dropped++;
		explain_entry(r, i, &k, true, line, sizeof(line));
		if (policy_warn(r, "%s", line) < 0)
			return -1;
	}
	/* The cap's line is stats[].cap_reason, which every reader prints
	 * (log, show policy, --check): a warning too would say it twice. */
	return 0;
}

struct policy_result *
policy_run(const struct policy_input *in)
{
	struct policy_result *r = calloc(1, sizeof(*r));
	struct policy_trace *t = calloc(1, sizeof(*t));
	size_t holes_cap = 0;

	if (!r || !t)
		goto fail;
	r->trace = t;
	r->peering = in->peering;
	t->peering = in->peering;
	t->peering_name = in->peering_name ? in->peering_name : policy_peering_name(in->peering);
	t->minlen = in->min_length_action;
	t->cap_action = in->cap_action;
	t->discard_holes = in->discard_holes;
	t->n_ann = in->n_announce;
	t->ann = calloc(in->n_announce + 1, sizeof(*t->ann));
	t->rec = calloc(in->n_announce + 1, sizeof(*t->rec));
	if (!t->ann || !t->rec)
		goto fail;
	if (in->n_announce)
		memcpy(t->ann, in->announce, in->n_announce * sizeof(*t->ann));
	if (in->advertised_on && !(t->advertised_on = strdup(in->advertised_on)))
		goto fail;
	for (int fi = 0; fi < 2; fi++)
		if (run_family(r, in, fi, &holes_cap) < 0)
			goto fail;
	if (warn_entries(r) < 0)
		goto fail;
	return r;
fail:
	if (r && !r->trace)
		free(t);
	policy_result_free(r);
	return NULL;
}

enum policy_verdict
policy_result_verdict(const struct policy_result *r)
{
	return MAX(r->stats[0].verdict, r->stats[1].verdict);
}

const struct policy_adv *
policy_result_find(const struct policy_result *r, const struct prefix *p)
{
	size_t lo = 0, hi = r->n_adv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix_cmp(&r->adv[mid].p, p);

		if (c == 0)
			return &r->adv[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
policy_diff(const struct policy_result *old, const struct policy_result *new,
            struct policy_delta *out)
{
	size_t no = old ? old->n_adv : 0, nn = new ? new->n_adv : 0, i = 0, j = 0;

	memset(out, 0, sizeof(*out));
	out->withdraw = calloc(no + 1, sizeof(*out->withdraw));
	out->announce = calloc(nn + 1, sizeof(*out->announce));
	if (!out->withdraw || !out->announce) {
		policy_delta_free(out);
		return -1;
	}
	/* Both lists are sorted: one merge walk. */
	while (i < no || j < nn) {
		int c = i >= no ? 1 : j >= nn ? -1 : prefix_cmp(&old->adv[i].p, &new->adv[j].p);

		if (c < 0) {
			out->withdraw[out->n_withdraw++] = old->adv[i++].p;
		} else if (c > 0) {
			out->announce[out->n_announce++] = new->adv[j++];
		} else {
			if (old->adv[i].lossy != new->adv[j].lossy)
				out->announce[out->n_announce++] = new->adv[j];
			i++;
			j++;
		}
	}
	return 0;
}

void
policy_delta_free(struct policy_delta *d)
{
	free(d->withdraw);
	free(d->announce);
	memset(d, 0, sizeof(*d));
}
