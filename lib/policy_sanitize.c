/*
 * policy_sanitize: stage 1 of the outbound policy.
 *
 * The forbidden space of a peering is a short sorted list of ranges (bogons,
 * the link subnets, and on public peering RFC 1918, RFC 6598 and ULA). An
 * announced prefix inside one is dropped; one that contains some is split
 * into the fewest prefixes that cover exactly its allowed part, so that what
 * the operator meant still goes out and nothing forbidden does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "policy_int.h"

/* On both peerings (design.md "Safe defaults for a CE"). */
#define CLS_BOTH PC_BOGON
/* On public peering too: private and shared space (the guide's rule). */
#define CLS_PUBLIC (PC_RFC1918 | PC_RFC6598 | PC_ULA)

struct pk
pk_from_prefix(const struct prefix *p)
{
	struct pk k = {0, p->len};
	unsigned nb = afi_bytes(p->afi);

	for (unsigned i = 0; i < 16; i++)
		k.a = (k.a << 8) | (i < nb ? p->bytes[i] : 0);
	if (k.len > afi_bits(p->afi))
		k.len = (uint8_t)afi_bits(p->afi);
	k.a &= pk_mask(k.len);
	return k;
}

void
pk_to_prefix(const struct pk *k, uint8_t afi, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->afi = afi;
	p->len = k->len;
	for (unsigned i = 0; i < afi_bytes(afi); i++)
		p->bytes[i] = (uint8_t)(k->a >> (120 - 8 * i));
}

char *
pk_fmt(const struct pk *k, uint8_t afi, char *buf, size_t size)
{
	struct prefix p;

	pk_to_prefix(k, afi, &p);
	return prefix_fmt(&p, buf, size);
}

static int
fb_cmp(const void *a, const void *b)
{
	return pk_cmp(&((const struct fb *)a)->k, &((const struct fb *)b)->k);
}

static int
fb_push(struct fb_table *t, size_t *cap, const struct pk *k, unsigned cls)
{
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct fb *nv = realloc(t->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		t->v = nv;
		*cap = nc;
	}
	t->v[t->n].k = *k;
	t->v[t->n].cls = cls;
	t->n++;
	return 0;
}

int
fb_build(struct fb_table *t, const struct policy_input *in, uint8_t afi)
{
	unsigned classes = CLS_BOTH | (in->peering == POLICY_PUBLIC ? CLS_PUBLIC : 0);
	size_t cap = 0, kept = 0;

	t->v = NULL;
	t->n = 0;
	for (unsigned bit = 0; bit < 32; bit++) {
		unsigned c = 1u << bit;
		const struct prefix *r;
		size_t n = 0;

		if (!(classes & c) || c == PC_DEFAULT)
			continue;
		r = prefix_class_ranges((enum prefix_class)c, afi, &n);
		for (size_t i = 0; r && i < n; i++) {
			struct pk k = pk_from_prefix(&r[i]);

			if (r[i].afi == afi && k.len > 0 && fb_push(t, &cap, &k, c) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < in->n_links; i++) {
		struct pk k = pk_from_prefix(&in->link_subnets[i]);

		if (in->link_subnets[i].afi == afi && fb_push(t, &cap, &k, 0) < 0)
			return -1;
	}
	if (t->n == 0)
		return 0;
	qsort(t->v, t->n, sizeof(*t->v), fb_cmp);
	/* Keep only the outermost of nested ranges (a cover sorts first). */
	for (size_t i = 0; i < t->n; i++)
		if (kept == 0 || !pk_covers(&t->v[kept - 1].k, &t->v[i].k))
			t->v[kept++] = t->v[i];
	t->n = kept;
	return 0;
}

long
fb_overlap(const struct fb_table *t, const struct pk *k)
{
	size_t lo = 0, hi = t->n;

	/* First range starting after k's first address. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].k.a <= k->a)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The one before may contain k's first address (ranges are disjoint). */
	if (lo > 0 && pk_overlaps(&t->v[lo - 1].k, k))
		return (long)lo - 1;
	if (lo < t->n && t->v[lo].k.a <= pk_last(k))
		return (long)lo;
	return -1;
}

const char *
fb_reason(const struct fb *f, uint8_t afi, const char *peering, char *buf, size_t size)
{
	char p[PREFIX_STRLEN];

	pk_fmt(&f->k, afi, p, sizeof(p));
	if (f->cls == 0)
		snprintf(buf, size, "peering link subnet %s", p);
	else if (f->cls & CLS_PUBLIC)
		snprintf(buf, size, "%s space %s on %s peering",
		         prefix_class_name((enum prefix_class)f->cls), p, peering);
	else
		snprintf(buf, size, "bogon (%s) %s", prefix_class_name((enum prefix_class)f->cls),
		         p);
	return buf;
}

static int
piece_push(struct fam *f, size_t *cap, const struct pk *k, uint32_t origin)
{
	if (f->n1 == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct piece *nv = realloc(f->s1, nc * sizeof(*nv));

		if (!nv)
			return -1;
		f->s1 = nv;
		*cap = nc;
	}
	f->s1[f->n1].k = *k;
	f->s1[f->n1].origin = origin;
	f->s1[f->n1].cover = NONE;
	f->n1++;
	return 0;
}

/* Emit the largest prefixes inside k that overlap no forbidden range. */
static int
split(struct fam *f, size_t *cap, const struct pk *k, uint32_t origin, uint32_t *count)
{
	long j = fb_overlap(&f->fb, k);
	struct pk half;

	if (j < 0) {
		(*count)++;
		return piece_push(f, cap, k, origin);
	}
	if (pk_covers(&f->fb.v[j].k, k))
		return 0;
	half.len = (uint8_t)(k->len + 1);
	half.a = k->a;
	if (split(f, cap, &half, origin, count) < 0)
		return -1;
	half.a = k->a | ((u128)1 << (127 - k->len));
	return split(f, cap, &half, origin, count);
}

static int
piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	int c = pk_cmp(&x->k, &y->k);

	if (c)
		return c;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

int
sanitize_family(struct fam *f, struct policy_trace *t, const struct policy_input *in)
{
	size_t cap = 0;

	for (size_t i = 0; i < in->n_announce; i++) {
		const struct prefix *p = &in->announce[i].p;
		struct ann_rec *rec = &t->rec[i];
		struct pk k;
		long j;

		if (p->afi != f->g.afi)
			continue;
		k = pk_from_prefix(p);
		if (k.len == 0) {
			rec->fate = ANN_DEFAULT;
			continue;
		}
		j = fb_overlap(&f->fb, &k);
		if (j < 0) {
			rec->npieces = 1;
			if (piece_push(f, &cap, &k, (uint32_t)i) < 0)
				return -1;
			continue;
		}
		rec->fb = (uint32_t)j;
		if (pk_covers(&f->fb.v[j].k, &k)) {
			rec->fate = ANN_FORBIDDEN;
			continue;
		}
		rec->fate = ANN_SPLIT;
		if (split(f, &cap, &k, (uint32_t)i, &rec->npieces) < 0)
			return -1;
		if (rec->npieces == 0)
			rec->fate = ANN_ALL_FORBID;
	}
	if (f->n1)
		qsort(f->s1, f->n1, sizeof(*f->s1), piece_cmp);
	for (size_t j = 0; j < f->n1; j++)
		if (t->rec[f->s1[j].origin].fate == ANN_OK)
			t->rec[f->s1[j].origin].piece = (uint32_t)j;
	return 0;
}
