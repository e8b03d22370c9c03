/*
 * policy_aggregate: lossless aggregation (stages 2 and 4), the minimum
 * length (stage 3), and the holes of lossy prefixes.
 *
 * Lossless aggregation of a sorted list of prefixes is one pass with a
 * stack: a prefix inside the previous kept one is redundant; otherwise it is
 * pushed, and while the two on top are the halves of one parent they are
 * replaced by it. The output is the canonical (fewest prefixes) cover of
 * exactly the same addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "policy_int.h"

static bool
pk_halves(const struct pk *l, const struct pk *r)
{
	return l->len == r->len && l->len > 0 && (l->a ^ r->a) == (u128)1 << (128 - l->len) &&
	       !(l->a & ((u128)1 << (128 - l->len)));
}

/* In place on a sorted array; returns the new length. Reals add up. */
static size_t
lossless_blk4(struct blk4 *v, size_t n)
{
	size_t top = 0;

	for (size_t i = 0; i < n; i++) {
		struct blk4 b = v[i];

		if (top > 0 && pk_covers(&v[top - 1].k, &b.k)) {
			v[top - 1].real = sat_add(v[top - 1].real, b.real);
			continue;
		}
		v[top++] = b;
		while (top >= 2 && pk_halves(&v[top - 2].k, &v[top - 1].k)) {
			v[top - 2].k.len--;
			v[top - 2].real = sat_add(v[top - 2].real, v[top - 1].real);
			top--;
		}
	}
	return top;
}

/*
 * Stage 2: mark redundant pieces (inside another announced piece) and write
 * the canonical blocks to out (room for n). Returns the block count.
 */
size_t
lossless_pieces(struct piece *v, size_t n, struct pk *out)
{
	uint32_t cur = NONE;
	size_t top = 0;

	for (size_t i = 0; i < n; i++) {
		if (cur != NONE && pk_covers(&v[cur].k, &v[i].k)) {
			v[i].cover = cur;
			continue;
		}
		cur = (uint32_t)i;
		out[top++] = v[i].k;
		while (top >= 2 && pk_halves(&out[top - 2], &out[top - 1])) {
			out[top - 2].len--;
			top--;
		}
	}
	return top;
}

int
minlen_family(struct fam *f, const struct policy_input *in, uint64_t *announced)
{
	struct pk *tmp = NULL;
	size_t n2, n3 = 0;

	*announced = 0;
	if (f->n1 == 0)
		return 0;
	tmp = malloc(f->n1 * sizeof(*tmp));
	f->s2 = calloc(f->n1, sizeof(*f->s2));
	f->s4 = calloc(f->n1, sizeof(*f->s4));
	if (!tmp || !f->s2 || !f->s4) {
		free(tmp);
		return -1;
	}
	n2 = lossless_pieces(f->s1, f->n1, tmp);
	f->n2 = n2;
	/* Both sorted: one walk gives every piece its block. */
	for (size_t i = 0, j = 0; i < f->n1; i++) {
		while (j + 1 < n2 && pk_last(&tmp[j]) < f->s1[i].k.a)
			j++;
		f->s1[i].blk = (uint32_t)j;
	}
	for (size_t i = 0; i < n2; i++) {
		struct blk *b = &f->s2[i];
		struct pk w;
		long j;

		b->k = tmp[i];
		b->fb = NONE;
		if (b->k.len <= f->max_len) {
			b->fate = BLK_KEEP;
			f->s4[n3].k = b->k;
			f->s4[n3++].real = pk_units(&f->g, b->k.len);
			continue;
		}
		if (in->min_length_action == POLICY_MINLEN_DROP) {
			b->fate = BLK_TOO_LONG;
			continue;
		}
		w.len = (uint8_t)f->max_len;
		w.a = b->k.a & pk_mask(w.len);
		j = fb_overlap(&f->fb, &w);
		if (j >= 0) {
			b->fate = BLK_EXT_FORBID;
			b->fb = (uint32_t)j;
			continue;
		}
		b->fate = BLK_EXTENDED;
		f->s4[n3].k = w;
		f->s4[n3++].real = pk_units(&f->g, b->k.len);
	}
	free(tmp);
	f->s2pre = malloc((n2 + 1) * sizeof(*f->s2pre));
	if (!f->s2pre)
		return -1;
	f->s2pre[0] = 0;
	for (size_t i = 0; i < n2; i++)
		f->s2pre[i + 1] = f->s2pre[i] + pk_units(&f->g, f->s2[i].k.len);
	/* Sorted already: blocks are disjoint and each /29 sorts where its
	 * first block did. Aggregate again (stage 4). */
	f->n4 = lossless_blk4(f->s4, n3);
	for (size_t i = 0; i < f->n4; i++) {
		/* Several IPv6 /128s widened to one /64 are still one unit. */
		f->s4[i].real = MIN(f->s4[i].real, pk_units(&f->g, f->s4[i].k.len));
		*announced = sat_add(*announced, f->s4[i].real);
	}
	return 0;
}

/* First index in s4 whose address is >= a. */
static size_t
s4_lower(const struct fam *f, u128 a)
{
	size_t lo = 0, hi = f->n4;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->s4[mid].k.a < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t
real_inside(const struct fam *f, const struct pk *r)
{
	size_t i = s4_lower(f, r->a);
	uint64_t sum = 0;

	if (i > 0 && pk_covers(&f->s4[i - 1].k, r))
		return MIN(f->s4[i - 1].real, pk_units(&f->g, r->len));
	if (i < f->n4 && pk_covers(&f->s4[i].k, r))
		return MIN(f->s4[i].real, pk_units(&f->g, r->len));
	for (; i < f->n4 && f->s4[i].k.a <= pk_last(r); i++)
		sum = sat_add(sum, f->s4[i].real);
	return sum;
}

/* First index in s2 whose address is >= a. */
static size_t
s2_lower(const struct fam *f, u128 a)
{
	size_t lo = 0, hi = f->n2;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->s2[mid].k.a < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The stage-2 blocks are disjoint and sorted, so r either lies inside one
 * or holds a contiguous run of them: two binary searches and a difference
 * of prefix sums.
 */
uint64_t
ann_inside(const struct fam *f, const struct pk *r)
{
	uint64_t units = pk_units(&f->g, r->len);
	size_t lo, hi;
	u128 sum;

	if (f->n2 == 0 || !f->s2pre)
		return 0;
	lo = s2_lower(f, r->a);
	if (lo > 0 && pk_covers(&f->s2[lo - 1].k, r))
		return units;
	if (lo < f->n2 && pk_covers(&f->s2[lo].k, r))
		return units;
	hi = pk_last(r) == ~(u128)0 ? f->n2 : s2_lower(f, pk_last(r) + 1);
	sum = f->s2pre[hi] - f->s2pre[lo];
	return sum > units ? units : (uint64_t)sum;
}

static int
hole_push(const struct fam *f, u128 a, unsigned len, struct prefix **v, size_t *n, size_t *cap)
{
	struct pk k = {a, (uint8_t)len};

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct prefix *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	pk_to_prefix(&k, f->g.afi, &(*v)[(*n)++]);
	return 0;
}

/* The fewest prefixes covering exactly [lo, hi] (both aligned to the
 * family's address size). */
static int
range_push(const struct fam *f, u128 lo, u128 hi, struct prefix **v, size_t *n, size_t *cap)
{
	unsigned host = 128 - f->g.bits; /* bits below an address */

	for (;;) {
		unsigned s = host; /* log2 of the block size */

		while (s < 127) {
			u128 sz = (u128)1 << (s + 1);

			if ((lo & (sz - 1)) != 0 || lo + (sz - 1) > hi || lo + (sz - 1) < lo)
				break;
			s++;
		}
		if (hole_push(f, lo, 128 - s, v, n, cap) < 0)
			return -1;
		if (lo + (((u128)1 << s) - 1) >= hi)
			return 0;
		lo += (u128)1 << s;
	}
}

/* Append r minus every stage-2 block (announced, whatever its fate). */
int
holes_append(const struct fam *f, const struct pk *r, struct prefix **v, size_t *n, size_t *cap)
{
	size_t lo = 0, hi = f->n2;
	u128 next = r->a;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->s2[mid].k.a < r->a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && pk_covers(&f->s2[lo - 1].k, r))
		return 0;
	for (size_t i = lo; i < f->n2 && f->s2[i].k.a <= pk_last(r); i++) {
		const struct pk *b = &f->s2[i].k;

		if (b->a > next && range_push(f, next, b->a - 1, v, n, cap) < 0)
			return -1;
		if (pk_last(b) == pk_last(r))
			return 0;
		next = pk_last(b) + 1;
	}
	return range_push(f, next, pk_last(r), v, n, cap);
}

/* Index of the stage-4 block covering k, or -1. */
long
s4_find(const struct fam *f, const struct pk *k)
{
	size_t lo = 0, hi = f->n4;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->s4[mid].k.a <= k->a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && pk_covers(&f->s4[lo - 1].k, k))
		return (long)lo - 1;
	return -1;
}
