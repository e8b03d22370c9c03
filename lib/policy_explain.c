/*
 * policy_explain: the fate of a prefix, told from the stage records.
 *
 * The records are the sorted outputs of each stage (pieces, lossless blocks
 * with their minimum-length fate, blocks after aggregating again, advertised
 * prefixes); following a prefix is a binary search per stage for what covers
 * it, so nothing per decision is stored as text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "policy_int.h"

#define MAX_PIECES_SHOWN 8

struct sb {
	char *buf;
	size_t size, len;
};

static void PRINTF_LIKE(2, 3) sb_printf(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	size_t room = s->len < s->size ? s->size - s->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? s->buf + s->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n;
}

static const char *
fmt(const struct fam *f, const struct pk *k, char *buf)
{
	return pk_fmt(k, f->g.afi, buf, PREFIX_STRLEN);
}

static void
head(struct sb *s, const struct policy_trace *t, size_t i)
{
	char p[PREFIX_STRLEN];

	prefix_fmt(&t->ann[i].p, p, sizeof(p));
	if (t->ann[i].line)
		sb_printf(s, "%s (line %u)", p, t->ann[i].line);
	else
		sb_printf(s, "%s", p);
}

/* The advertised prefix of f's family covering k, or inside k. */
static const struct policy_adv *
adv_covering(const struct policy_result *r, const struct fam *f, const struct pk *k, size_t *inside)
{
	struct prefix p;
	const struct policy_adv *best = NULL;
	size_t lo = 0, hi = r->n_adv;

	pk_to_prefix(k, f->g.afi, &p);
	*inside = 0;
	/* Last advertised prefix sorting at or before k. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_cmp(&r->adv[mid].p, &p) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && prefix_covers(&r->adv[lo - 1].p, &p))
		best = &r->adv[lo - 1];
	for (size_t j = lo; j < r->n_adv && prefix_covers(&p, &r->adv[j].p); j++)
		(*inside)++;
	return best;
}

static void
advertised(struct sb *s, const struct policy_trace *t)
{
	if (t->advertised_on)
		sb_printf(s, " -> advertised on %s", t->advertised_on);
	else
		sb_printf(s, " -> advertised");
}

/* Stage 5 for the block cur (after stage 4). */
static void
final_step(struct sb *s, const struct policy_result *r, const struct fam *f, const struct pk *cur)
{
	const struct policy_trace *t = r->trace;
	const struct policy_stats *st = &r->stats[fam_index(f->g.afi)];
	const char *unit = f->g.afi == AFI_IP ? "addresses" : "/64s";
	char p[PREFIX_STRLEN];
	size_t inside;
	const struct policy_adv *a = adv_covering(r, f, cur, &inside);

	if (a) {
		struct pk ak = pk_from_prefix(&a->p);

		if (!pk_eq(&ak, cur)) {
			sb_printf(s,
			          " -> aggregated into %s (%s to fit the cap of %u: %llu %s "
			          "not announced)",
			          prefix_fmt(&a->p, p, sizeof(p)),
			          st->verdict == POLICY_REFUSED
			                  ? "previous set kept, cap-action: refuse"
			          : st->repaired ? "cap-aware aggregation, previous aggregate kept"
			                         : "cap-aware aggregation",
			          st->cap, (unsigned long long)a->overcoverage, unit);
		}
		advertised(s, t);
		return;
	}
	if (inside) {
		sb_printf(s, " -> %zu prefixes inside it", inside);
		advertised(s, t);
		return;
	}
	if (st->verdict == POLICY_TRUNCATED)
		sb_printf(s, " -> not advertised (cap of %u reached: truncated)", st->cap);
	else if (st->verdict == POLICY_REFUSED)
		sb_printf(s, " -> not advertised (cap-action: refuse kept the previous set)");
	else
		sb_printf(s, " -> not advertised");
}

/* Count the non-redundant pieces inside b; the other one when two. */
static size_t
pieces_inside(const struct fam *f, const struct pk *b, const struct pk *self, struct pk *other)
{
	size_t lo = 0, hi = f->n1, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->s1[mid].k.a < b->a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t j = lo; j < f->n1 && f->s1[j].k.a <= pk_last(b); j++) {
		if (f->s1[j].cover != NONE)
			continue;
		n++;
		if (!pk_eq(&f->s1[j].k, self))
			*other = f->s1[j].k;
	}
	return n;
}

static void
piece_chain(struct sb *s, const struct policy_result *r, const struct fam *f, size_t pi)
{
	const struct policy_trace *t = r->trace;
	const struct piece *pc = &f->s1[pi];
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN], w[PREFIX_STRLEN], why[160];
	struct pk cur = pc->k, other = {0, 0};
	const struct blk *bk;
	long b4;

	if (pc->cover != NONE) {
		const struct piece *cp = &f->s1[pc->cover];
		struct pk whole = pk_from_prefix(&t->ann[cp->origin].p);

		if (pk_eq(&whole, &cp->k)) {
			sb_printf(s, " -> covered by ");
			head(s, t, cp->origin);
		} else {
			sb_printf(s, " -> covered by %s (part of ", fmt(f, &cp->k, a));
			head(s, t, cp->origin);
			sb_printf(s, ")");
		}
		sb_printf(s, " (redundant)");
		cur = cp->k;
	}
	bk = &f->s2[pc->blk];
	if (!pk_eq(&bk->k, &cur)) {
		size_t n = pieces_inside(f, &bk->k, &cur, &other);

		if (n == 2 && other.len == cur.len)
			sb_printf(s, " -> merged with %s into %s (lossless)", fmt(f, &other, a),
			          fmt(f, &bk->k, b));
		else
			sb_printf(s, " -> merged with %zu other prefixes into %s (lossless)", n - 1,
			          fmt(f, &bk->k, b));
	}
	cur = bk->k;
	switch (bk->fate) {
	case BLK_TOO_LONG:
		sb_printf(s, ": longer than /%u -> dropped (min-length-action: drop)", f->max_len);
		return;
	case BLK_EXT_FORBID:
		cur.len = (uint8_t)f->max_len;
		cur.a &= pk_mask(cur.len);
		sb_printf(s, ": longer than /%u, and its /%u %s overlaps %s -> dropped", f->max_len,
		          f->max_len, fmt(f, &cur, w),
		          fb_reason(&f->fb.v[bk->fb], f->g.afi, t->peering_name, why, sizeof(why)));
		return;
	case BLK_EXTENDED:
		cur.len = (uint8_t)f->max_len;
		cur.a &= pk_mask(cur.len);
		sb_printf(s, " -> extended to %s (min-length-action: extend)", fmt(f, &cur, w));
		break;
	default:
		break;
	}
	b4 = s4_find(f, &cur);
	if (b4 >= 0 && !pk_eq(&f->s4[b4].k, &cur)) {
		cur = f->s4[b4].k;
		sb_printf(s, " -> merged into %s (lossless, after extension)", fmt(f, &cur, w));
	}
	final_step(s, r, f, &cur);
}

/* First piece whose address is >= a. */
static size_t
s1_lower(const struct fam *f, u128 a)
{
	size_t lo = 0, hi = f->n1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->s1[mid].k.a < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The piece of entry i covering k, or -1: try each shorter length of k
 * (pieces sort by prefix, then by entry). */
static long
piece_of(const struct fam *f, size_t i, const struct pk *k)
{
	for (int len = k->len; len >= 0; len--) {
		struct pk c = {k->a & pk_mask((unsigned)len), (uint8_t)len};
		size_t lo = 0, hi = f->n1;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int d = pk_cmp(&f->s1[mid].k, &c);

			if (d < 0 || (d == 0 && f->s1[mid].origin < i))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < f->n1 && pk_eq(&f->s1[lo].k, &c) && f->s1[lo].origin == i)
			return (long)lo;
	}
	return -1;
}

size_t
explain_entry(const struct policy_result *r, size_t i, const struct pk *focus, bool whole,
              char *buf, size_t size)
{
	const struct policy_trace *t = r->trace;
	const struct fam *f = &t->fam[fam_index(t->ann[i].p.afi)];
	const struct ann_rec *rec = &t->rec[i];
	struct pk k = pk_from_prefix(&t->ann[i].p);
	struct sb s = {buf, size, 0};
	char why[160], p[PREFIX_STRLEN];
	size_t shown = 0;
	long pi;

	if (size)
		buf[0] = '\0';
	head(&s, t, i);
	switch (rec->fate) {
	case ANN_DEFAULT:
		sb_printf(&s, ": default route -> dropped");
		return s.len;
	case ANN_FORBIDDEN:
		sb_printf(
		        &s, ": %s -> dropped",
		        fb_reason(&f->fb.v[rec->fb], f->g.afi, t->peering_name, why, sizeof(why)));
		return s.len;
	case ANN_ALL_FORBID:
		sb_printf(
		        &s, ": nothing but forbidden space, %s and more -> dropped",
		        fb_reason(&f->fb.v[rec->fb], f->g.afi, t->peering_name, why, sizeof(why)));
		return s.len;
	case ANN_SPLIT:
		sb_printf(&s, ": contains %s -> split into %u prefixes around it",
		          fb_reason(&f->fb.v[rec->fb], f->g.afi, t->peering_name, why, sizeof(why)),
		          rec->npieces);
		if (!whole) {
			pi = piece_of(f, i, focus);
			if (pi < 0) {
				sb_printf(&s, "; %s is not one of them", fmt(f, focus, p));
				return s.len;
			}
			sb_printf(&s, "; %s", fmt(f, &f->s1[pi].k, p));
			piece_chain(&s, r, f, (size_t)pi);
			return s.len;
		}
		for (size_t j = s1_lower(f, k.a); j < f->n1 && f->s1[j].k.a <= pk_last(&k); j++) {
			if (f->s1[j].origin != i)
				continue;
			if (shown++ == MAX_PIECES_SHOWN) {
				sb_printf(&s, "\n  ... and %u more",
				          rec->npieces - MAX_PIECES_SHOWN);
				break;
			}
			sb_printf(&s, "\n  %s", fmt(f, &f->s1[j].k, p));
			piece_chain(&s, r, f, j);
		}
		return s.len;
	default:
		break;
	}
	piece_chain(&s, r, f, rec->piece);
	return s.len;
}

static bool
piece_dropped(const struct fam *f, size_t pi)
{
	uint8_t fate = f->s2[f->s1[pi].blk].fate;

	return fate == BLK_TOO_LONG || fate == BLK_EXT_FORBID;
}

bool
entry_lossy_drop(const struct policy_result *r, size_t i, bool *all)
{
	const struct policy_trace *t = r->trace;
	const struct fam *f = &t->fam[fam_index(t->ann[i].p.afi)];
	struct pk k = pk_from_prefix(&t->ann[i].p);
	size_t npieces = 0, ndropped = 0;

	*all = false;
	switch (t->rec[i].fate) {
	case ANN_DEFAULT:
	case ANN_FORBIDDEN:
	case ANN_ALL_FORBID:
		*all = true;
		return true;
	case ANN_SPLIT:
		for (size_t j = s1_lower(f, k.a); j < f->n1 && f->s1[j].k.a <= pk_last(&k); j++) {
			if (f->s1[j].origin != i)
				continue;
			npieces++;
			ndropped += piece_dropped(f, j);
		}
		*all = npieces == ndropped;
		return true;
	default:
		*all = piece_dropped(f, t->rec[i].piece);
		return *all;
	}
}

const char *
policy_drop_reason_name(enum policy_drop_reason d)
{
	static const char *const names[POLICY_DROP_COUNT] = {
	        [POLICY_DROP_DEFAULT_ROUTE] = "default-route",
	        [POLICY_DROP_BOGON] = "bogon",
	        [POLICY_DROP_PEERING_SUBNET] = "peering-subnet",
	        [POLICY_DROP_PRIVATE_PUBLIC] = "rfc1918-public",
	        [POLICY_DROP_MIN_LENGTH] = "min-length",
	        [POLICY_DROP_CAP_TRUNCATE] = "cap-truncate",
	        [POLICY_DROP_CAP_REFUSE] = "cap-refuse",
	};
	return (unsigned)d < POLICY_DROP_COUNT ? names[d] : "unknown";
}

/* The reason a forbidden range gives (fb cls: 0 for a link subnet, else PC_* bits). */
static enum policy_drop_reason
fb_drop_reason(const struct fb *f)
{
	if (f->cls == 0)
		return POLICY_DROP_PEERING_SUBNET;
	if (f->cls & (PC_RFC1918 | PC_RFC6598 | PC_ULA))
		return POLICY_DROP_PRIVATE_PUBLIC;
	return POLICY_DROP_BOGON;
}

void
policy_result_drops(const struct policy_result *r, uint64_t out[POLICY_DROP_COUNT])
{
	const struct policy_trace *t = r ? r->trace : NULL;

	memset(out, 0, POLICY_DROP_COUNT * sizeof(out[0]));
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_ann; i++) {
		const struct fam *f = &t->fam[fam_index(t->ann[i].p.afi)];
		const struct ann_rec *rec = &t->rec[i];

		if (rec->fate == ANN_DEFAULT)
			out[POLICY_DROP_DEFAULT_ROUTE]++;
		else if ((rec->fate == ANN_FORBIDDEN || rec->fate == ANN_ALL_FORBID) &&
		         rec->fb < f->fb.n)
			out[fb_drop_reason(&f->fb.v[rec->fb])]++;
	}
	for (int fi = 0; fi < 2; fi++) {
		const struct fam *f = &t->fam[fi];
		const struct policy_stats *st = &r->stats[fi];

		for (size_t j = 0; j < f->n2; j++)
			if (f->s2[j].fate == BLK_TOO_LONG || f->s2[j].fate == BLK_EXT_FORBID)
				out[POLICY_DROP_MIN_LENGTH]++;
		if (st->reaggregated > st->advertised) {
			if (st->verdict == POLICY_TRUNCATED)
				out[POLICY_DROP_CAP_TRUNCATE] += st->reaggregated - st->advertised;
			else if (st->verdict == POLICY_REFUSED)
				out[POLICY_DROP_CAP_REFUSE] += st->reaggregated - st->advertised;
		}
	}
}

size_t
policy_explain(const struct policy_result *r, const struct prefix *q, char *buf, size_t size)
{
	const struct policy_trace *t = r->trace;
	const struct fam *f = &t->fam[fam_index(q->afi)];
	struct pk qk = pk_from_prefix(q);
	struct sb s = {buf, size, 0};
	char p[PREFIX_STRLEN], line[2048];
	size_t found = 0, best = SIZE_MAX, inside;
	const struct policy_adv *a;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < t->n_ann; i++) {
		struct pk k;

		if (t->ann[i].p.afi != q->afi)
			continue;
		k = pk_from_prefix(&t->ann[i].p);
		if (pk_eq(&k, &qk)) {
			explain_entry(r, i, &qk, true, line, sizeof(line));
			sb_printf(&s, "%s%s", found++ ? "\n" : "", line);
		} else if (pk_covers(&k, &qk) && (best == SIZE_MAX || k.len > t->ann[best].p.len)) {
			best = i;
		}
	}
	if (found)
		return s.len;
	sb_printf(&s, "%s: not announced", fmt(f, &qk, p));
	if (best != SIZE_MAX) {
		explain_entry(r, best, &qk, false, line, sizeof(line));
		sb_printf(&s, "; inside %s", line);
		return s.len;
	}
	a = adv_covering(r, f, &qk, &inside);
	if (a)
		sb_printf(&s, "; covered by advertised %s (%s)", prefix_fmt(&a->p, p, sizeof(p)),
		          !a->lossy          ? "announced"
		          : t->discard_holes ? "a lossy aggregate: a hole, with a discard route"
		                             : "a lossy aggregate: a hole");
	else if (inside)
		sb_printf(&s, "; contains %zu advertised prefixes", inside);
	return s.len;
}
