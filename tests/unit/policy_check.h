/*
 * Helpers shared by the policy tests: building inputs from text, and an
 * independent model of IPv4 address sets (sorted disjoint intervals) that
 * the invariants are checked against, without the policy's own records.
 */
#ifndef CEBGP_TEST_POLICY_CHECK_H
#define CEBGP_TEST_POLICY_CHECK_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/*
 * cap-action aggregate with no over-coverage bound: the defaults before
 * public peering got a bound of 0 and private one of its announced space.
 * The tests of the aggregation itself (optimality, forbidden space,
 * hysteresis, holes) ask for it; the defaults have tests of their own.
 */
static inline void
policy_unbounded(struct policy_input *in)
{
	in->cap_action = POLICY_CAP_AGGREGATE;
	in->max_overcoverage = POLICY_UNLIMITED;
	in->max_overcoverage_pct = 0;
	in->min_aggregate_len = 0;
}

static inline struct prefix
P(const char *s) {
	struct prefix p;

	if (prefix_parse(s, &p, 0) != PREFIX_OK)
		ck_abort_msg("bad prefix %s", s);
	return p;
}

static inline struct prefix
P4(uint32_t a, unsigned len) {
	struct addr x;
	struct prefix p;

	addr_from_v4(&x, a);
	prefix_from_addr(&p, &x, len);
	return p;
}

static inline uint32_t
p4_first(const struct prefix *p)
{
	struct addr a;

	prefix_addr(p, &a);
	return addr_v4(&a);
}

static inline uint32_t
p4_last(const struct prefix *p)
{
	return p4_first(p) | (uint32_t)(0xffffffffull >> p->len);
}

/* A set of IPv4 addresses as sorted, disjoint, non-adjacent intervals. */
struct ivset {
	uint64_t *lo, *hi; /* inclusive; 64-bit so hi + 1 never wraps */
	size_t n, cap;
};

static inline void
iv_free(struct ivset *s)
{
	free(s->lo);
	free(s->hi);
	memset(s, 0, sizeof(*s));
}

static inline void
iv_push(struct ivset *s, uint64_t lo, uint64_t hi)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->lo = realloc(s->lo, s->cap * sizeof(uint64_t));
		s->hi = realloc(s->hi, s->cap * sizeof(uint64_t));
		if (!s->lo || !s->hi)
			abort();
	}
	s->lo[s->n] = lo;
	s->hi[s->n] = hi;
	s->n++;
}

struct iv_pair {
	uint64_t lo, hi;
};

static inline int
iv_pair_cmp(const void *a, const void *b)
{
	const struct iv_pair *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Normalise: sort and merge overlapping or adjacent intervals. */
static inline void
iv_norm(struct ivset *s)
{
	struct iv_pair *v = malloc((s->n + 1) * sizeof(*v));
	size_t n = s->n, k = 0;

	if (!v)
		abort();
	for (size_t i = 0; i < n; i++)
		v[i] = (struct iv_pair){s->lo[i], s->hi[i]};
	qsort(v, n, sizeof(*v), iv_pair_cmp);
	s->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && v[i].lo <= s->hi[k - 1] + 1) {
			if (v[i].hi > s->hi[k - 1])
				s->hi[k - 1] = v[i].hi;
			continue;
		}
		s->lo[k] = v[i].lo;
		s->hi[k] = v[i].hi;
		k++;
		s->n = k;
	}
	free(v);
}

/* Index of the interval holding x, or -1. */
static inline long
iv_find(const struct ivset *s, uint64_t x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->lo[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && s->hi[lo - 1] >= x)
		return (long)lo - 1;
	return -1;
}

static inline bool
iv_contains_range(const struct ivset *s, uint64_t lo, uint64_t hi)
{
	long i = iv_find(s, lo);

	return i >= 0 && s->hi[i] >= hi;
}

/* Addresses of [lo, hi] inside s. */
static inline uint64_t
iv_overlap(const struct ivset *s, uint64_t lo, uint64_t hi)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->n; i++) {
		uint64_t a = s->lo[i] > lo ? s->lo[i] : lo;
		uint64_t b = s->hi[i] < hi ? s->hi[i] : hi;

		if (a <= b)
			sum += b - a + 1;
	}
	return sum;
}

/* s minus t (both normalised). */
static inline void
iv_subtract(struct ivset *s, const struct ivset *t)
{
	struct ivset out = {0};

	for (size_t i = 0; i < s->n; i++) {
		uint64_t lo = s->lo[i], hi = s->hi[i];

		for (size_t j = 0; j < t->n && lo <= hi; j++) {
			if (t->hi[j] < lo || t->lo[j] > hi)
				continue;
			if (t->lo[j] > lo)
				iv_push(&out, lo, t->lo[j] - 1);
			lo = t->hi[j] + 1;
		}
		if (lo <= hi)
			iv_push(&out, lo, hi);
	}
	iv_free(s);
	*s = out;
	if (!s->lo) {
		s->n = 0;
	}
}

/* The canonical (fewest aligned blocks) decomposition of [lo, hi]. */
static inline size_t
iv_blocks(uint64_t lo, uint64_t hi, struct prefix *out, size_t max)
{
	size_t n = 0;

	while (lo <= hi) {
		unsigned s = 0;

		while (s < 32 && (lo & ((1ull << (s + 1)) - 1)) == 0 &&
		       lo + (1ull << (s + 1)) - 1 <= hi)
			s++;
		if (out && n < max)
			out[n] = P4((uint32_t)lo, 32 - s);
		n++;
		lo += 1ull << s;
	}
	return n;
}

/* The forbidden space of a peering (IPv4), as the tests understand it. */
static inline void
iv_forbidden(struct ivset *s, enum policy_peering k, const struct prefix *links, size_t nl)
{
	unsigned cls = PC_BOGON | (k == POLICY_PUBLIC ? (PC_RFC1918 | PC_RFC6598) : 0);

	for (unsigned bit = 0; bit < 32; bit++) {
		size_t n;
		const struct prefix *r;

		if (!(cls & (1u << bit)))
			continue;
		r = prefix_class_ranges((enum prefix_class)(1u << bit), AFI_IP, &n);
		for (size_t i = 0; i < n; i++)
			iv_push(s, p4_first(&r[i]), p4_last(&r[i]));
	}
	for (size_t i = 0; i < nl; i++)
		iv_push(s, p4_first(&links[i]), p4_last(&links[i]));
	iv_norm(s);
}

#endif
