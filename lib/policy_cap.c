/*
 * policy_cap: stage 5, fitting a family's blocks under the cap.
 *
 * Cap-aware aggregation is tree pruning over the binary trie of the stage-4
 * blocks: choose trie nodes (each a block or the longest common prefix of a
 * range of them), at most K, covering every block, overlapping no forbidden
 * range, with the least over-coverage.
 *
 * When affordable (exact_budget) the exact tree knapsack runs (dp_solve).
 * Otherwise we solve the Lagrangian relaxation
 *   g(lambda) = min over covers S of  ov(S) + lambda * |S|
 * with one bottom-up pass per lambda (take a node when its own cost plus
 * lambda is no more than its children's best; ties take the node, so the
 * solutions are nested and |S| only shrinks as lambda grows). The optimal
 * covers for all counts on the lower convex hull of (|S|, ov(S)) come out of
 * it; we walk the hull Newton-style between a vertex above K (lo) and one at
 * or below K (hi), evaluating g at the lambda where the two tie, until no
 * vertex lies between. hi is optimal for its own count. The slack K - |hi|
 * is spent on the regions (nodes hi takes whole and lo splits) by a 0/1
 * knapsack on (extra prefixes, over-coverage saved). Weak duality gives the
 * certificate
 *   lower_bound = g(lambda) - lambda * K <= optimum at K
 * which the result records beside the over-coverage it achieved.
 *
 * Truncation, refusal and the repair of a previous result (hysteresis) are
 * here too: they are the other ways stage 5 can end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "policy_int.h"

struct tree {
	size_t n;         /* leaves: the stage-4 blocks; internal nodes n..2n-2 */
	uint32_t *left;   /* per internal node */
	uint32_t *right;  /* per internal node */
	struct pk *key;   /* per internal node */
	uint64_t *ov;     /* per node: over-coverage when taken whole */
	uint8_t *allowed; /* per internal node */
	uint32_t *post;   /* internal nodes, children first */
	uint32_t root;
	double *val;     /* per node, scratch for a pass */
	uint32_t *cnt;   /* per node */
	uint64_t *ovs;   /* per node: over-coverage of the pass's choice */
	uint8_t *take_a; /* per internal node: pass result */
	uint8_t *take_b;
};

static void
tree_free(struct tree *t)
{
	free(t->left);
	free(t->right);
	free(t->key);
	free(t->ov);
	free(t->allowed);
	free(t->post);
	free(t->val);
	free(t->cnt);
	free(t->ovs);
	free(t->take_a);
	free(t->take_b);
}

static int
tree_build(struct tree *t, const struct fam *f)
{
	size_t n = f->n4, m = n - 1, sp = 0, np = 0;
	uint32_t *stack, cur;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->left = calloc(m, sizeof(uint32_t));
	t->right = calloc(m, sizeof(uint32_t));
	t->key = calloc(m, sizeof(struct pk));
	t->ov = calloc(2 * n, sizeof(uint64_t));
	t->allowed = calloc(m, 1);
	t->post = calloc(m, sizeof(uint32_t));
	t->val = calloc(2 * n, sizeof(double));
	t->cnt = calloc(2 * n, sizeof(uint32_t));
	t->ovs = calloc(2 * n, sizeof(uint64_t));
	t->take_a = calloc(m, 1);
	t->take_b = calloc(m, 1);
	stack = calloc(m + 1, sizeof(uint32_t));
	if (!t->left || !t->right || !t->key || !t->ov || !t->allowed || !t->post || !t->val ||
	    !t->cnt || !t->ovs || !t->take_a || !t->take_b || !stack) {
		free(stack);
		tree_free(t);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		t->ov[i] = pk_units(&f->g, f->s4[i].k.len) - ann_inside(f, &f->s4[i].k);
	for (size_t j = 0; j < m; j++) {
		unsigned c = pk_common(&f->s4[j].k, &f->s4[j + 1].k);

		t->key[j].len = (uint8_t)c;
		t->key[j].a = f->s4[j].k.a & pk_mask(c);
	}
	/*
	 * Cartesian tree on the common-prefix lengths of adjacent blocks: the
	 * gap with the shortest common prefix is the root. Nodes leave the
	 * stack children first, which is the order the passes need.
	 */
	for (size_t j = 0; j < m; j++) {
		cur = (uint32_t)j; /* leaf j, pending right-most subtree */
		while (sp > 0 && t->key[stack[sp - 1]].len > t->key[j].len) {
			uint32_t top = stack[--sp];

			t->right[top] = cur;
			cur = (uint32_t)(n + top);
			t->post[np++] = top;
		}
		t->left[j] = cur;
		stack[sp++] = (uint32_t)j;
	}
	cur = (uint32_t)(n - 1);
	while (sp > 0) {
		uint32_t top = stack[--sp];

		t->right[top] = cur;
		cur = (uint32_t)(n + top);
		t->post[np++] = top;
	}
	t->root = cur;
	for (size_t j = 0; j < m; j++) {
		t->ov[n + j] = pk_units(&f->g, t->key[j].len) - ann_inside(f, &t->key[j]);
		/* The floor (min_aggregate_len) binds aggregates, not blocks. */
		t->allowed[j] = fb_overlap(&f->fb, &t->key[j]) < 0 && t->key[j].len >= f->floor;
	}
	free(stack);
	return 0;
}

struct sol {
	double lambda;
	uint32_t cnt;
	uint64_t ov;
};

/* One Lagrangian pass; the choice goes to take[]. */
static struct sol
tree_pass(struct tree *t, double lambda, uint8_t *take)
{
	size_t n = t->n;
	struct sol s;

	for (size_t i = 0; i < n; i++) {
		t->val[i] = (double)t->ov[i] + lambda;
		t->cnt[i] = 1;
		t->ovs[i] = t->ov[i];
	}
	for (size_t i = 0; i + 1 < n; i++) {
		uint32_t j = t->post[i], v = (uint32_t)(n + j);
		uint32_t l = t->left[j], r = t->right[j];
		double split = t->val[l] + t->val[r];
		double whole = (double)t->ov[v] + lambda;

		if (t->allowed[j] && whole <= split) {
			take[j] = 1;
			t->val[v] = whole;
			t->cnt[v] = 1;
			t->ovs[v] = t->ov[v];
		} else {
			take[j] = 0;
			t->val[v] = split;
			t->cnt[v] = t->cnt[l] + t->cnt[r];
			t->ovs[v] = sat_add(t->ovs[l], t->ovs[r]);
		}
	}
	s.lambda = lambda;
	s.cnt = t->cnt[t->root];
	s.ov = t->ovs[t->root];
	return s;
}

/* Count and over-coverage of the choice take[] below v. */
static void
sub_choice(const struct tree *t, uint32_t v, const uint8_t *take, uint32_t *cnt, uint64_t *ov)
{
	if (v < t->n) {
		*cnt += 1;
		*ov = sat_add(*ov, t->ov[v]);
		return;
	}
	if (take[v - t->n]) {
		*cnt += 1;
		*ov = sat_add(*ov, t->ov[v]);
		return;
	}
	sub_choice(t, t->left[v - t->n], take, cnt, ov);
	sub_choice(t, t->right[v - t->n], take, cnt, ov);
}

struct region {
	uint32_t v, d;
	uint64_t gain;
};

static int
region_cmp(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	u128 l = (u128)x->gain * y->d, r = (u128)y->gain * x->d;

	if (l != r)
		return l > r ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

struct emit {
	const struct tree *t;
	const struct fam *f;
	struct out *out;
	size_t n, cap;
	bool overflow;
	uint8_t *expand; /* per internal node: use take_a (lo) below it */
};

static void
emit_node(struct emit *e, uint32_t v, const uint8_t *take)
{
	const struct tree *t = e->t;

	if (e->n == e->cap) {
		e->overflow = true; /* never expected: the counts say otherwise */
		return;
	}
	if (v < t->n) {
		e->out[e->n].k = e->f->s4[v].k;
		e->out[e->n++].real = pk_units(&e->f->g, e->f->s4[v].k.len) - t->ov[v];
		return;
	}
	if (take == t->take_b && e->expand[v - t->n])
		take = t->take_a;
	if (take[v - t->n]) {
		e->out[e->n].k = t->key[v - t->n];
		e->out[e->n++].real = pk_units(&e->f->g, t->key[v - t->n].len) - t->ov[v];
		return;
	}
	emit_node(e, t->left[v - t->n], take);
	emit_node(e, t->right[v - t->n], take);
}

/* Collect the regions hi (take_b) takes whole and lo (take_a) splits. */
static size_t
collect_regions(const struct tree *t, uint32_t v, struct region *rv, size_t nr)
{
	uint32_t cnt = 0;
	uint64_t ov = 0;

	if (v < t->n)
		return nr;
	if (!t->take_b[v - t->n]) {
		nr = collect_regions(t, t->left[v - t->n], rv, nr);
		return collect_regions(t, t->right[v - t->n], rv, nr);
	}
	sub_choice(t, v, t->take_a, &cnt, &ov);
	if (cnt > 1 && ov < t->ov[v]) {
		rv[nr].v = v;
		rv[nr].d = cnt - 1;
		rv[nr].gain = t->ov[v] - ov;
		nr++;
	}
	return nr;
}

#define WHOLE UINT32_MAX
#define FEWER (UINT32_MAX - 1)

struct dp {
	const struct tree *t;
	uint32_t *m;      /* per node: table length, min(leaves, K) */
	size_t *off;      /* per node: offset of its table in pool/choice */
	uint64_t *pool;   /* f_v[k] at pool[off[v] + k - 1] */
	uint32_t *choice; /* WHOLE, FEWER, or what the left child gets */
};

static void
dp_emit(const struct dp *d, const struct fam *f, uint32_t v, uint32_t k, struct out *out,
        size_t *nout)
{
	const struct tree *t = d->t;
	uint32_t c;

	while ((c = d->choice[d->off[v] + k - 1]) == FEWER)
		k--;
	if (c == WHOLE) {
		if (v < t->n) {
			out[*nout].k = f->s4[v].k;
			out[*nout].real = pk_units(&f->g, f->s4[v].k.len) - t->ov[v];
		} else {
			out[*nout].k = t->key[v - t->n];
			out[*nout].real = pk_units(&f->g, t->key[v - t->n].len) - t->ov[v];
		}
		(*nout)++;
		return;
	}
	dp_emit(d, f, t->left[v - t->n], c, out, nout);
	dp_emit(d, f, t->right[v - t->n], k - c, out, nout);
}

/*
 * Exact tree knapsack: f_v[k] = least over-coverage covering v's blocks
 * with at most k prefixes inside v. Children's tables are merged by
 * min-plus convolution, each cut at K, so the work is the sum over nodes of
 * min(leaves left, K) * min(leaves right, K), at most O(n * K) and far less
 * for unbalanced tries. Returns 1 when over budget.
 */
static int
dp_solve(struct dp *d, unsigned K, uint64_t budget, const struct fam *f, struct out *out,
         size_t *nout, uint64_t *ov)
{
	const struct tree *t = d->t;
	size_t n = t->n, total = 0;
	u128 work = 0;

	d->m = calloc(2 * n, sizeof(uint32_t));
	d->off = calloc(2 * n, sizeof(size_t));
	if (!d->m || !d->off)
		return -1;
	for (size_t i = 0; i < n; i++)
		d->m[i] = 1;
	for (size_t i = 0; i + 1 < n; i++) {
		uint32_t j = t->post[i], l = t->left[j], r = t->right[j];

		work += (u128)d->m[l] * d->m[r];
		d->m[n + j] = (uint32_t)MIN((uint64_t)d->m[l] + d->m[r], K);
	}
	if (work > budget)
		return 1;
	for (size_t v = 0; v < 2 * n - 1; v++) {
		d->off[v] = total;
		total += d->m[v];
	}
	d->pool = malloc(total * sizeof(uint64_t));
	d->choice = malloc(total * sizeof(uint32_t));
	if (!d->pool || !d->choice)
		return -1;
	for (size_t i = 0; i < n; i++) {
		d->pool[d->off[i]] = t->ov[i];
		d->choice[d->off[i]] = WHOLE;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		uint32_t j = t->post[i], v = (uint32_t)(n + j), l = t->left[j], r = t->right[j];
		uint64_t *fv = &d->pool[d->off[v]], *fl = &d->pool[d->off[l]];
		uint64_t *fr = &d->pool[d->off[r]];
		uint32_t *cv = &d->choice[d->off[v]], ml = d->m[l], mr = d->m[r];

		for (uint32_t k = 1; k <= d->m[v]; k++) {
			fv[k - 1] = UINT64_MAX;
			cv[k - 1] = FEWER;
		}
		/* Split: a prefixes on the left, b on the right, a + b <= m_v. */
		for (uint32_t a = 1; a <= ml; a++) {
			uint64_t x = fl[a - 1];

			if (x == UINT64_MAX)
				continue;
			for (uint32_t b = 1; b <= mr && a + b <= d->m[v]; b++) {
				uint64_t y = fr[b - 1], s;

				if (y == UINT64_MAX)
					continue;
				s = sat_add(x, y);
				if (s < fv[a + b - 1]) {
					fv[a + b - 1] = s;
					cv[a + b - 1] = a;
				}
			}
		}
		if (t->allowed[j] && t->ov[v] <= fv[0]) {
			fv[0] = t->ov[v];
			cv[0] = WHOLE;
		}
		for (uint32_t k = 2; k <= d->m[v]; k++) {
			if (fv[k - 2] <= fv[k - 1]) {
				fv[k - 1] = fv[k - 2];
				cv[k - 1] = FEWER;
			}
		}
	}
	{
		uint32_t root = t->root, k = MIN(K, d->m[root]);

		if (d->pool[d->off[root] + k - 1] == UINT64_MAX)
			return 2;
		*ov = d->pool[d->off[root] + k - 1];
		*nout = 0;
		dp_emit(d, f, root, k, out, nout);
	}
	return 0;
}

#define KNAPSACK_BUDGET 50000000u /* cells: above it, fill greedily */

/*
 * Spend the slack on regions: a 0/1 knapsack (weight d, value gain) when it
 * is small enough to solve exactly, else best ratio first.
 */
static void
fill_slack(struct region *rv, size_t nr, uint32_t slack, uint8_t *expand, size_t n)
{
	uint64_t *best;
	uint8_t *pick;
	size_t w = (size_t)slack + 1;

	if (nr == 0 || slack == 0)
		return;
	best = (uint64_t)nr * w <= KNAPSACK_BUDGET ? calloc(w, sizeof(*best)) : NULL;
	pick = best ? calloc((nr * w + 7) / 8, 1) : NULL;
	if (!pick) {
		free(best);
		qsort(rv, nr, sizeof(*rv), region_cmp);
		for (size_t i = 0; i < nr && slack > 0; i++) {
			if (rv[i].d <= slack) {
				expand[rv[i].v - n] = 1;
				slack -= rv[i].d;
			}
		}
		return;
	}
	for (size_t i = 0; i < nr; i++) {
		for (size_t c = w - 1; c >= rv[i].d && rv[i].d < w; c--) {
			uint64_t v = sat_add(best[c - rv[i].d], rv[i].gain);

			if (v > best[c]) {
				best[c] = v;
				pick[(i * w + c) / 8] |= (uint8_t)(1u << ((i * w + c) % 8));
			}
			if (c == 0)
				break;
		}
	}
	for (size_t i = nr, c = w - 1; i-- > 0;) {
		if (pick[(i * w + c) / 8] & (1u << ((i * w + c) % 8))) {
			expand[rv[i].v - n] = 1;
			c -= rv[i].d;
		}
	}
	free(best);
	free(pick);
}

/*
 * The aggregation at K. Returns 0 and the cover, 1 when no cover of K
 * prefixes avoids forbidden space (*minimum says how few it can be), -1
 * when memory ran out.
 */
static int
aggregate(const struct fam *f, unsigned K, uint64_t budget, struct out **outv, size_t *nout,
          uint64_t *lb, uint32_t *minimum)
{
	struct tree t;
	struct sol lo, hi, mid;
	struct region *rv;
	struct emit e;
	size_t nr;
	double top = 1;
	double lbd;

	if (tree_build(&t, f) < 0)
		return -1;
	for (size_t i = 0; i < 2 * t.n - 1; i++)
		if ((double)t.ov[i] + 1 > top)
			top = (double)t.ov[i] + 1;
	lo = tree_pass(&t, 0, t.take_a);
	hi = tree_pass(&t, 2 * top, t.take_b);
	*minimum = hi.cnt;
	if (hi.cnt > K) {
		tree_free(&t);
		return 1;
	}
	{
		struct dp d = {&t, NULL, NULL, NULL, NULL};
		struct out *o = calloc(K ? K : 1, sizeof(*o));
		uint64_t ov = 0;
		int rc = o ? dp_solve(&d, K, budget, f, o, nout, &ov) : -1;

		free(d.m);
		free(d.off);
		free(d.pool);
		free(d.choice);
		if (rc == 0) {
			*outv = o;
			*lb = ov;
			tree_free(&t);
			return 0;
		}
		free(o);
		if (rc < 0) {
			tree_free(&t);
			return -1;
		}
	}
	if (lo.cnt <= K)
		hi = lo;
	/* Walk the hull: each step finds a vertex strictly between, or stops. */
	for (int iter = 0; iter < 200 && lo.cnt > K && lo.cnt > hi.cnt + 1; iter++) {
		double lambda = ((double)hi.ov - (double)lo.ov) / (double)(lo.cnt - hi.cnt);

		if (!(lambda > lo.lambda && lambda < hi.lambda))
			lambda = (lo.lambda + hi.lambda) / 2;
		mid = tree_pass(&t, lambda, t.take_a);
		if (mid.cnt == hi.cnt || mid.cnt == lo.cnt) {
			/* No vertex between: lambda is the breakpoint. */
			if (mid.cnt == hi.cnt)
				hi = mid;
			else
				lo = mid;
			break;
		}
		if (mid.cnt <= K)
			hi = mid;
		else
			lo = mid;
	}
	/* Weak duality: for every lambda, g(lambda) - lambda * K is a lower
	 * bound; the best is at the breakpoint between lo and hi. */
	lbd = (double)hi.ov;
	if (lo.cnt > K) {
		double lam = ((double)hi.ov - (double)lo.ov) / (double)(lo.cnt - hi.cnt);
		struct sol chk = tree_pass(&t, lam, t.take_a);

		lbd = (double)lo.ov + lo.lambda * (double)(lo.cnt - K);
		lbd = MAX(lbd, (double)hi.ov - hi.lambda * (double)(K - hi.cnt));
		lbd = MAX(lbd, (double)chk.ov + lam * ((double)chk.cnt - (double)K));
	}
	*lb = lbd <= 0 ? 0 : (uint64_t)lbd;
	if (*lb > hi.ov)
		*lb = hi.ov;
	/* Re-run both ends to hold their choices side by side. */
	tree_pass(&t, lo.lambda, t.take_a);
	tree_pass(&t, hi.lambda, t.take_b);
	rv = calloc(t.n, sizeof(*rv));
	e.expand = calloc(t.n, 1);
	e.out = calloc(K ? K : 1, sizeof(*e.out));
	if (!rv || !e.expand || !e.out) {
		free(rv);
		free(e.expand);
		free(e.out);
		tree_free(&t);
		return -1;
	}
	if (lo.cnt > K) {
		nr = collect_regions(&t, t.root, rv, 0);
		fill_slack(rv, nr, K - hi.cnt, e.expand, t.n);
	}
	e.t = &t;
	e.f = f;
	e.n = 0;
	e.cap = K;
	e.overflow = false;
	emit_node(&e, t.root, t.take_b);
	if (e.overflow) {
		/* Fall back to hi alone, which fits by construction. */
		memset(e.expand, 0, t.n);
		e.n = 0;
		e.overflow = false;
		emit_node(&e, t.root, t.take_b);
	}
	*outv = e.out;
	*nout = e.n;
	free(rv);
	free(e.expand);
	tree_free(&t);
	return 0;
}

static int
len_first(const void *a, const void *b)
{
	const struct out *x = a, *y = b;

	if (x->k.len != y->k.len)
		return x->k.len < y->k.len ? -1 : 1;
	return pk_cmp(&x->k, &y->k);
}

static int
by_addr(const void *a, const void *b)
{
	return pk_cmp(&((const struct out *)a)->k, &((const struct out *)b)->k);
}

/* Keep the K shortest (then lowest) of v[0..n): deterministic, and one
 * added prefix moves at most one other out. */
static size_t
truncate_to(struct out *v, size_t n, unsigned K)
{
	if (n <= K)
		return n;
	qsort(v, n, sizeof(*v), len_first);
	qsort(v, K, sizeof(*v), by_addr);
	return K;
}

/* The previous result's prefixes of this family still allowed here. */
static int
previous_allowed(const struct fam *f, const struct policy_input *in, bool need_real,
                 struct out **outv, size_t *nout)
{
	const struct policy_result *p = in->previous;
	struct out *v;
	size_t n = 0;

	*outv = NULL;
	*nout = 0;
	if (!p || p->n_adv == 0)
		return 0;
	v = calloc(p->n_adv, sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < p->n_adv; i++) {
		struct pk k;

		if (p->adv[i].p.afi != f->g.afi)
			continue;
		k = pk_from_prefix(&p->adv[i].p);
		if (k.len == 0 || k.len > f->max_len || fb_overlap(&f->fb, &k) >= 0)
			continue;
		v[n].k = k;
		if (need_real && real_inside(f, &k) == 0)
			continue;
		v[n].real = ann_inside(f, &k);
		/* An aggregate of an earlier, looser bound: not kept under the floor. */
		if (k.len < f->floor && v[n].real < pk_units(&f->g, k.len))
			continue;
		n++;
	}
	*outv = v;
	*nout = n;
	return 0;
}

static uint64_t
out_overcoverage(const struct fam *f, const struct out *v, size_t n)
{
	uint64_t ov = 0;

	for (size_t i = 0; i < n; i++)
		ov = sat_add(ov, pk_units(&f->g, v[i].k.len) - v[i].real);
	return ov;
}

/* Index of the first element of v with address > a. */
static size_t
upper(const struct out *v, size_t n, u128 a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].k.a <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Merge the cheapest range of v into one allowed prefix; false if none.
 * pre[] (room for n + 1) holds prefix sums of the sizes. */
static bool
merge_cheapest(const struct fam *f, struct out *v, size_t *n, u128 *pre)
{
	size_t best_lo = 0, best_hi = 0, best_saved = 0;
	uint64_t best_add = 0, real = 0;
	struct pk best = {0, 0};

	pre[0] = 0;
	for (size_t i = 0; i < *n; i++)
		pre[i + 1] = pre[i] + pk_units(&f->g, v[i].k.len);
	for (size_t i = 0; i + 1 < *n; i++) {
		struct pk s;
		size_t lo, hi;
		u128 add;

		s.len = (uint8_t)pk_common(&v[i].k, &v[i + 1].k);
		s.a = v[i].k.a & pk_mask(s.len);
		if (s.len < f->floor || fb_overlap(&f->fb, &s) >= 0)
			continue;
		lo = s.a == 0 ? 0 : upper(v, *n, s.a - 1);
		hi = upper(v, *n, pk_last(&s));
		add = (u128)pk_units(&f->g, s.len) - (pre[hi] - pre[lo]);
		if (add > UINT64_MAX)
			add = UINT64_MAX;
		if (best_saved == 0 || add * best_saved < (u128)best_add * (hi - lo - 1)) {
			best = s;
			best_lo = lo;
			best_hi = hi;
			best_add = (uint64_t)add;
			best_saved = hi - lo - 1;
		}
	}
	if (best_saved == 0)
		return false;
	for (size_t j = best_lo; j < best_hi; j++)
		real = sat_add(real, v[j].real);
	v[best_lo].k = best;
	v[best_lo].real = real;
	memmove(&v[best_lo + 1], &v[best_hi], (*n - best_hi) * sizeof(*v));
	*n -= best_hi - best_lo - 1;
	return true;
}

/*
 * Hysteresis: keep the previous prefixes that still cover announced space,
 * add the blocks they miss, merge the cheapest ranges to fit K. Returns 0
 * with a cover, 1 when repair is not possible within POLICY_REPAIR_MERGES.
 */
static int
repair(const struct fam *f, const struct policy_input *in, unsigned K, struct out **outv,
       size_t *nout)
{
	struct out *p, *c;
	size_t np, nc = 0, i = 0, j = 0;
	u128 *pre;

	if (previous_allowed(f, in, true, &p, &np) < 0)
		return -1;
	if (np == 0) {
		free(p);
		return 1;
	}
	c = calloc(np + f->n4, sizeof(*c));
	if (!c) {
		free(p);
		return -1;
	}
	/* Merge the two sorted lists keeping the outermost of nested ones. */
	while (i < np || j < f->n4) {
		struct out x;

		if (j >= f->n4 || (i < np && pk_cmp(&p[i].k, &f->s4[j].k) <= 0)) {
			x = p[i++];
		} else {
			x.k = f->s4[j].k;
			x.real = f->s4[j++].real;
		}
		if (nc > 0 && pk_covers(&c[nc - 1].k, &x.k))
			continue;
		c[nc++] = x;
	}
	free(p);
	if (nc > K + POLICY_REPAIR_MERGES) {
		free(c);
		return 1;
	}
	pre = calloc(nc + 1, sizeof(*pre));
	if (!pre) {
		free(c);
		return -1;
	}
	while (nc > K) {
		if (!merge_cheapest(f, c, &nc, pre)) {
			free(pre);
			free(c);
			return 1;
		}
	}
	free(pre);
	for (size_t k = 0; k < nc; k++)
		c[k].real = ann_inside(f, &c[k].k);
	*outv = c;
	*nout = nc;
	return 0;
}

static uint64_t
bound_of(const struct policy_input *in, uint64_t announced)
{
	uint64_t b = in->max_overcoverage;

	if (in->max_overcoverage_pct) {
		u128 p = (u128)announced * in->max_overcoverage_pct / 100;

		if (p < b)
			b = (uint64_t)p;
	}
	return b;
}

/* The floor of lossy aggregates: POLICY_FLOOR_AUTO from the announce list
 * (the shortest prefix that survived sanitizing), at least /8 (IPv6 /16). */
static unsigned
floor_of(const struct fam *f, const struct policy_input *in)
{
	unsigned fl = in->min_aggregate_len, shortest = f->g.bits;

	if (fl != POLICY_FLOOR_AUTO)
		return fl > f->g.bits ? f->g.bits : fl;
	fl = f->g.bits == 32 ? POLICY_FLOOR_MIN : POLICY_FLOOR_MIN6;
	for (size_t i = 0; i < f->n1; i++)
		shortest = MIN(shortest, f->s1[i].k.len);
	return MAX(fl, shortest);
}

static int
copy_s4(const struct fam *f, struct out **outv, size_t *nout)
{
	struct out *v = calloc(f->n4 ? f->n4 : 1, sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < f->n4; i++) {
		v[i].k = f->s4[i].k;
		v[i].real = f->s4[i].real;
	}
	*outv = v;
	*nout = f->n4;
	return 0;
}

/* Stage-4 blocks no prefix of v[0..n) (sorted by address) covers. */
static size_t
uncovered(const struct fam *f, const struct out *v, size_t n)
{
	size_t left = 0;

	for (size_t i = 0; i < f->n4; i++) {
		size_t j = upper(v, n, f->s4[i].k.a);

		if (j == 0 || !pk_covers(&v[j - 1].k, &f->s4[i].k))
			left++;
	}
	return left;
}

static int
do_truncate(const struct fam *f, struct policy_stats *st, struct out **outv, size_t *nout)
{
	if (copy_s4(f, outv, nout) < 0)
		return -1;
	*nout = truncate_to(*outv, *nout, f->K);
	st->verdict = POLICY_TRUNCATED;
	st->lower_bound = 0; /* of the aggregation not taken */
	return 0;
}

static int
do_refuse(const struct fam *f, const struct policy_input *in, struct policy_stats *st,
          struct out **outv, size_t *nout)
{
	if (previous_allowed(f, in, false, outv, nout) < 0)
		return -1;
	*nout = truncate_to(*outv, *nout, f->K);
	st->verdict = POLICY_REFUSED;
	st->lower_bound = 0;
	return 0;
}

/*
 * The best cover of K prefixes under the current floor, repaired from the
 * previous result when that is within the hysteresis. 0 with the cover,
 * 1 when none avoids forbidden space and the floor (*minimum: how few it
 * can be), -1 when memory ran out.
 */
static int
cover(struct fam *f, const struct policy_input *in, struct policy_stats *st, struct out **outv,
      size_t *nout, uint64_t *ov, uint32_t *minimum)
{
	struct out *agg = NULL, *rep = NULL;
	size_t nagg = 0, nrep = 0;
	uint64_t lb = 0;
	int rc;

	st->repaired = false;
	rc = aggregate(f, f->K, in->exact_budget ? in->exact_budget : POLICY_EXACT_BUDGET, &agg,
	               &nagg, &lb, minimum);
	if (rc != 0)
		return rc;
	*ov = out_overcoverage(f, agg, nagg);
	st->lower_bound = lb;
	if (in->previous) {
		rc = repair(f, in, f->K, &rep, &nrep);
		if (rc < 0) {
			free(agg);
			return -1;
		}
		if (rc == 0) {
			uint64_t rov = out_overcoverage(f, rep, nrep);
			u128 limit = (u128)*ov * (100 + in->hysteresis_pct) / 100;

			if (rov <= limit) {
				free(agg);
				agg = rep;
				nagg = nrep;
				*ov = rov;
				st->repaired = true;
			} else {
				free(rep);
			}
		}
	}
	*outv = agg;
	*nout = nagg;
	return 0;
}

/* "max-overcoverage 0", "100 % of the announced space (25600000 addresses), no
 * aggregate shorter than /24" */
static void
bound_text(const struct fam *f, const struct policy_stats *st, char *buf, size_t size)
{
	const char *unit = f->g.afi == AFI_IP ? "addresses" : "/64s";
	int n;

	if (st->bound == POLICY_UNLIMITED)
		n = snprintf(buf, size, "no over-coverage bound");
	else
		n = snprintf(buf, size, "over-coverage at most %llu %s",
		             (unsigned long long)st->bound, unit);
	if (st->floor && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", no aggregate shorter than /%u", st->floor);
}

int
cap_family(struct fam *f, const struct policy_input *in, struct policy_stats *st, struct out **outv,
           size_t *nout)
{
	struct out *agg = NULL;
	size_t nagg = 0;
	uint64_t ov = 0;
	uint32_t minimum = 0;
	char bt[128], need[128];
	const char *unit = f->g.afi == AFI_IP ? "addresses" : "/64s";
	int rc;

	st->verdict = POLICY_OK;
	st->bound = bound_of(in, st->announced_space);
	st->floor = f->floor = floor_of(f, in);
	if (f->n4 <= f->K)
		return copy_s4(f, outv, nout);
	bound_text(f, st, bt, sizeof(bt));
	rc = f->K == 0 ? 1 : cover(f, in, st, &agg, &nagg, &ov, &minimum);
	if (rc < 0)
		return -1;
	if (rc == 0 && ov <= st->bound) {
		st->verdict = POLICY_AGGREGATED;
		snprintf(
		        st->cap_reason, sizeof(st->cap_reason),
		        "%zu prefixes over the cap of %u: aggregated to %zu, over-coverage %llu %s "
		        "(lower bound %llu; bound: %s)%s",
		        f->n4, f->K, nagg, (unsigned long long)ov, unit,
		        (unsigned long long)st->lower_bound, bt,
		        st->repaired ? ", previous aggregates kept" : "");
		*outv = agg;
		*nout = nagg;
		return 0;
	}
	free(agg);
	agg = NULL;
	if (f->K == 0)
		snprintf(need, sizeof(need), "a cap of 0");
	else if (rc == 0)
		snprintf(need, sizeof(need), "aggregating needs over-coverage %llu %s",
		         (unsigned long long)ov, unit);
	else
		snprintf(need, sizeof(need), "no %u aggregates fit (at least %u needed)", f->K,
		         minimum);
	/* Beyond the bound: cap-action decides, loudly. */
	if (in->cap_action == POLICY_CAP_AGGREGATE && f->K > 0) {
		f->floor = 0;
		rc = cover(f, in, st, &agg, &nagg, &ov, &minimum);
		f->floor = st->floor;
		if (rc < 0)
			return -1;
		if (rc == 0) {
			st->verdict = POLICY_OVER_BOUND;
			snprintf(st->cap_reason, sizeof(st->cap_reason),
			         "%zu prefixes over the cap of %u do not fit within the bound (%s; "
			         "%s): aggregated to %zu anyway, over-coverage %llu %s "
			         "(cap-action: aggregate)",
			         f->n4, f->K, bt, need, nagg, (unsigned long long)ov, unit);
			*outv = agg;
			*nout = nagg;
			return 0;
		}
		snprintf(need, sizeof(need),
		         "no %u prefixes cover them without forbidden space (at least %u needed)",
		         f->K, minimum);
	}
	if (in->cap_action == POLICY_CAP_REFUSE) {
		if (do_refuse(f, in, st, outv, nout) < 0)
			return -1;
	} else if (do_truncate(f, st, outv, nout) < 0) {
		return -1;
	}
	if (*nout > 1) /* refuse without a previous result: none, and no array */
		qsort(*outv, *nout, sizeof(**outv), by_addr);
	st->left_out = uncovered(f, *outv, *nout);
	snprintf(st->cap_reason, sizeof(st->cap_reason),
	         "%zu prefixes over the cap of %u do not fit within the bound (%s; %s): %s, "
	         "%zu LEFT OUT",
	         f->n4, f->K, bt, need,
	         in->cap_action == POLICY_CAP_REFUSE
	                 ? "refused, previous set kept (cap-action: refuse)"
	                 : "advertised the cap's worth, shortest prefixes first then lowest "
	                   "address (cap-action: truncate)",
	         st->left_out);
	return 0;
}
