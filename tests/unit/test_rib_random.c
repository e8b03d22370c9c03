/* test_rib_random: lib/rib against plain reference models, on random operations. */
#include "rib_fixture.h"

/*
 * Randomized: random updates, withdraws and session drops from four peers
 * over a small prefix set with a small attribute pool, against a reference
 * that keeps paths in plain arrays and decides by its own straightforward
 * reading of RFC 4271 §9.1.2.2. A "kernel" table fed only by the change
 * callback must always equal the reference's visible state, which checks
 * that no change goes unreported.
 */
#define RP 24 /* prefixes */
#define RN 5  /* peers 1..4 */
#define RA 12 /* attribute sets */

struct rref {
	const struct attr *eff[RP][RN]; /* NULL: no eligible path */
	bool has[RP][RN];
};

struct kernel {
	const struct attr *best[RP];
	unsigned nnh[RP];
	struct rib_nexthop nh[RP][RIB_ECMP_MAX];
	struct prefix pfx[RP];
};

static int
pfx_index(const struct kernel *k, const struct prefix *p)
{
	for (int i = 0; i < RP; i++)
		if (prefix_eq(&k->pfx[i], p))
			return i;
	return -1;
}

static void
kernel_fn(const struct rib_change *c, void *ctx)
{
	struct kernel *k = ctx;
	int i = pfx_index(k, &c->prefix);

	ck_assert_int_ge(i, 0);
	k->best[i] = c->best;
	k->nnh[i] = c->nnh;
	memcpy(k->nh[i], c->nh, sizeof(c->nh));
}

static uint64_t rng;
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct rib_peer_info rpeers[RN] = {
        [1] = {.bgp_id = 0x0a000002, .as = 12076, .ebgp = true},
        [2] = {.bgp_id = 0x0a000003, .as = 12076, .ebgp = true},
        [3] = {.bgp_id = 0x0a000001, .as = 65520, .ebgp = false},
        [4] = {.bgp_id = 0x0a000003, .as = 65001, .ebgp = true}, /* id tie with 2 */
};

static uint32_t
ref_lp(const struct attr *a)
{
	return a->set.present & ATTR_HAS_LOCAL_PREF ? a->set.local_pref : 100;
}

static uint32_t
ref_med(const struct attr *a)
{
	return a->set.present & ATTR_HAS_MED ? a->set.med : 0;
}

static bool
ref_aspath_eq(const struct attr_set *a, const struct attr_set *b)
{
	char x[256], y[256];

	/* The text form says everything about the path; compare that. */
	return strcmp(attr_aspath_fmt(a, x, sizeof(x)), attr_aspath_fmt(b, y, sizeof(y))) == 0;
}

/* The reference decision: filter an index set step by step. */
static int
ref_best(const struct rref *rf, int p, bool *ecmp)
{
	bool in[RN] = {0};
	int best = -1;

	for (int q = 1; q < RN; q++)
		in[q] = rf->eff[p][q] != NULL;
	/* "in[x] = false when y beats x"; each step over a snapshot. */
	{
		bool snap[RN];

		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    ref_lp(rf->eff[p][y]) > ref_lp(rf->eff[p][x]))
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    attr_aspath_len(&rf->eff[p][y]->set) <
				            attr_aspath_len(&rf->eff[p][x]->set))
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    rf->eff[p][y]->set.origin < rf->eff[p][x]->set.origin)
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    attr_neighbor_as(&rf->eff[p][y]->set) ==
				            attr_neighbor_as(&rf->eff[p][x]->set) &&
				    ref_med(rf->eff[p][y]) < ref_med(rf->eff[p][x]))
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] && rpeers[y].ebgp && !rpeers[x].ebgp)
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] && rpeers[y].bgp_id < rpeers[x].bgp_id)
					in[x] = false;
		memcpy(snap, in, sizeof(snap));
		for (int x = 1; x < RN; x++)
			for (int y = 1; y < RN; y++)
				if (snap[x] && snap[y] &&
				    addr_cmp(&rpeers[y].addr, &rpeers[x].addr) < 0)
					in[x] = false;
	}
	for (int q = 1; q < RN; q++)
		if (in[q] && best < 0)
			best = q;
	for (int q = 1; q < RN; q++) {
		const struct attr *B, *Q;

		ecmp[q] = false;
		if (best < 0 || rf->eff[p][q] == NULL)
			continue;
		B = rf->eff[p][best];
		Q = rf->eff[p][q];
		ecmp[q] =
		        q == best || (rpeers[q].ebgp == rpeers[best].ebgp &&
		                      ref_lp(B) == ref_lp(Q) && B->set.origin == Q->set.origin &&
		                      ref_med(B) == ref_med(Q) && ref_aspath_eq(&B->set, &Q->set));
	}
	return best;
}

/* Check prefix only, or every prefix when only < 0. */
static void
check_state(struct rib *r, const struct rref *rf, const struct kernel *k, uint64_t seed, int op,
            int only)
{
	for (int p = 0; p < RP; p++) {
		if (only >= 0 && p != only)
			continue;
		bool ecmp[RN];
		int best = ref_best(rf, p, ecmp);
		const struct rib_path *b = rib_best(r, &k->pfx[p]);
		unsigned n = 0;

		if (best < 0) {
			ck_assert_msg(b == NULL, "seed %llu op %d pfx %d: unexpected best",
			              (unsigned long long)seed, op, p);
			ck_assert_msg(k->best[p] == NULL && k->nnh[p] == 0,
			              "seed %llu op %d pfx %d: kernel not told of removal",
			              (unsigned long long)seed, op, p);
			continue;
		}
		ck_assert_msg(b != NULL && b->peer == best,
		              "seed %llu op %d pfx %d: best %d want %d", (unsigned long long)seed,
		              op, p, b ? b->peer : -1, best);
		ck_assert_msg(k->best[p] == rf->eff[p][best], "seed %llu op %d pfx %d: kernel best",
		              (unsigned long long)seed, op, p);
		/* Next hops: best first, then others by peer id. */
		ck_assert_uint_eq(k->nh[p][0].peer, best);
		n = 1;
		for (int q = 1; q < RN; q++) {
			if (q == best || !ecmp[q])
				continue;
			ck_assert_msg(n < k->nnh[p] && k->nh[p][n].peer == q,
			              "seed %llu op %d pfx %d: ecmp member %d missing",
			              (unsigned long long)seed, op, p, q);
			n++;
		}
		ck_assert_msg(n == k->nnh[p], "seed %llu op %d pfx %d: %u next hops want %u",
		              (unsigned long long)seed, op, p, k->nnh[p], n);
		for (int q = 1; q < RN; q++)
			ck_assert((rib_adj_in(r, (uint16_t)q, &k->pfx[p]) != NULL) ==
			          rf->has[p][q]);
	}
}

START_TEST(randomized_vs_reference)
{
	static struct rref rf;
	static struct kernel k;
	struct attr_table *at = attr_table_new();
	const struct attr *pool[RA];
	struct rib *r = rib_new(NULL, kernel_fn, &k);
	const char *env = getenv("TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) + (uint64_t)_i * 7919;
	static const char *const paths[] = {"12076", "12076 65515", "12076 {1,2}", "64999",
	                                    "12076 65515 65515"};

	rng = seed ? seed : 1;
	memset(&rf, 0, sizeof(rf));
	memset(&k, 0, sizeof(k));
	for (int q = 1; q < RN; q++) {
		struct rib_peer_info pi = rpeers[q];
		char a[32];

		snprintf(a, sizeof(a), "172.16.%d.2", q == 4 ? 0 : q); /* 4 sorts lowest */
		pi.addr = A(a);
		ck_assert(rib_peer_set(r, (uint16_t)q, &pi));
		rpeers[q].addr = pi.addr;
	}
	for (int i = 0; i < RA; i++) {
		struct spec sp = {.aspath = paths[rnd() % ARRAY_SIZE(paths)],
		                  .nexthop = "172.16.1.2",
		                  .origin = (int)(rnd() % 2),
		                  .has_med = rnd() % 2,
		                  .med = (uint32_t)(rnd() % 3),
		                  .has_lp = rnd() % 3 == 0,
		                  .lp = 100 + (uint32_t)(rnd() % 2) * 50};

		pool[i] = mk(at, &sp);
	}
	for (int p = 0; p < RP; p++) {
		char s[32];

		snprintf(s, sizeof(s), "10.%d.0.0/%d", p / 2, 16 + p % 2);
		k.pfx[p] = P(s);
	}
	for (int op = 0; op < 4000; op++) {
		int p = (int)(rnd() % RP), q = 1 + (int)(rnd() % (RN - 1));
		unsigned what = (unsigned)(rnd() % 20);

		if (what < 12) {
			const struct attr *in = pool[rnd() % RA];
			const struct attr *eff = rnd() % 6 == 0 ? NULL : in;
			unsigned fl = rnd() % 10 == 0 ? RIB_PATH_INVALID : 0;

			ck_assert(rib_update(r, (uint16_t)q, &k.pfx[p], in, eff, fl, 0));
			rf.has[p][q] = true;
			rf.eff[p][q] = fl ? NULL : eff;
		} else if (what < 19) {
			ck_assert(rib_withdraw(r, (uint16_t)q, &k.pfx[p]) == rf.has[p][q]);
			rf.has[p][q] = false;
			rf.eff[p][q] = NULL;
		} else {
			size_t n = 0;

			for (int i = 0; i < RP; i++) {
				n += rf.has[i][q];
				rf.has[i][q] = false;
				rf.eff[i][q] = NULL;
			}
			ck_assert_uint_eq(rib_peer_down(r, (uint16_t)q), n);
		}
		/* The touched prefix every time; all of them now and then and after a drop. */
		check_state(r, &rf, &k, seed, op, what < 19 && op % 25 != 0 ? p : -1);
	}
	rib_free(r);
	for (int i = 0; i < RA; i++)
		attr_unref(pool[i]);
	ck_assert_uint_eq(attr_table_count(at), 0);
	attr_table_free(at);
}
END_TEST

/*
 * Randomized Adj-RIB-Out: random announces and withdraws, a packer that
 * takes random batch sizes and sends only part of each, and session
 * resets, against a model of what we want and what the peer has. The
 * queue must hold exactly the differences, serve withdraws before updates,
 * and converge the peer to what we want once drained.
 */
#define OP 40 /* prefixes */
#define OA 4  /* attribute sets */

static const struct attr *pools[OA]; /* the attribute sets transmit() may pick */

struct omodel {
	struct prefix pfx[OP];
	const struct attr *want[OP], *peer[OP];
};

static int
opfx(const struct omodel *m, const struct prefix *p)
{
	for (int i = 0; i < OP; i++)
		if (prefix_eq(&m->pfx[i], p))
			return i;
	return -1;
}

static size_t
odiff(const struct omodel *m)
{
	size_t n = 0;

	for (int i = 0; i < OP; i++)
		n += m->want[i] != m->peer[i];
	return n;
}

static bool
transmit(struct rib *r, struct omodel *m, uint64_t seed, int op, size_t cap, bool all)
{
	struct prefix buf[8];
	struct rib_out_batch b;
	bool withdraws = false;
	size_t k, expect = 0;

	for (int i = 0; i < OP; i++)
		withdraws |= m->want[i] == NULL && m->peer[i] != NULL;
	if (!rib_out_next(r, 1, buf, cap, &b)) {
		ck_assert_msg(odiff(m) == 0, "seed %llu op %d: nothing pending but %zu differ",
		              (unsigned long long)seed, op, odiff(m));
		return false;
	}
	ck_assert_msg((b.attr == NULL) == withdraws, "seed %llu op %d: withdraws go first",
	              (unsigned long long)seed, op);
	ck_assert_uint_le(b.n, cap);
	for (size_t j = 0; j < b.n; j++) {
		int i = opfx(m, &buf[j]);

		ck_assert_int_ge(i, 0);
		ck_assert_uint_eq(buf[j].afi, b.afi);
		ck_assert_msg(m->want[i] == b.attr && m->peer[i] != b.attr,
		              "seed %llu op %d: batch holds a prefix in another state",
		              (unsigned long long)seed, op);
		for (size_t l = 0; l < j; l++)
			ck_assert(!prefix_eq(&buf[l], &buf[j]));
	}
	k = all ? b.n : (size_t)(rnd() % (b.n + 1));
	/* Now and then a prefix of the batch changes before the packer reports. */
	if (!all && rnd() % 4 == 0) {
		int i = opfx(m, &buf[rnd() % b.n]);

		if (rnd() % 2) {
			m->want[i] = pools[rnd() % OA];
			ck_assert(rib_out_announce(r, 1, &m->pfx[i], m->want[i]));
		} else {
			m->want[i] = NULL;
			rib_out_withdraw(r, 1, &m->pfx[i]);
		}
	}
	/* Marked: those still in the state the batch describes. */
	for (size_t j = 0; j < k; j++) {
		int i = opfx(m, &buf[j]);

		if (m->want[i] == b.attr && m->peer[i] != b.attr)
			expect++;
	}
	ck_assert_msg(rib_out_sent(r, 1, &b, k) == expect, "seed %llu op %d: marked",
	              (unsigned long long)seed, op);
	for (size_t j = 0; j < k; j++) {
		int i = opfx(m, &buf[j]);

		if (m->want[i] == b.attr)
			m->peer[i] = b.attr;
	}
	return true;
}

struct owalk {
	const struct omodel *m;
	int n;
};

static int
owalk_fn(const struct prefix *p, const struct attr *want, const struct attr *sent, void *ctx)
{
	struct owalk *w = ctx;
	int i = opfx(w->m, p);

	ck_assert_int_ge(i, 0);
	ck_assert(want == w->m->want[i] && sent == w->m->peer[i]);
	w->n++;
	return 0;
}

START_TEST(randomized_adj_rib_out)
{
	static struct omodel m;
	struct attr_table *at = attr_table_new();
	struct rib *r = rib_new(NULL, NULL, NULL);
	const struct attr *pool[OA];
	const char *env = getenv("TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) + (uint64_t)_i * 104729;
	struct rib_peer_info pi = {.bgp_id = 1, .as = 12076, .ebgp = true};

	rng = seed ? seed : 1;
	memset(&m, 0, sizeof(m));
	ck_assert(rib_peer_set(r, 1, &pi));
	for (int i = 0; i < OA; i++) {
		char path[32];

		snprintf(path, sizeof(path), "65520 %d", i);
		pool[i] = mk(at, &(struct spec){.aspath = path, .nexthop = "172.16.1.1"});
		pools[i] = pool[i];
	}
	for (int i = 0; i < OP; i++) {
		char s[48];

		if (i % 4 == 3)
			snprintf(s, sizeof(s), "2001:db8:%x::/48", i);
		else
			snprintf(s, sizeof(s), "10.%d.0.0/16", i);
		m.pfx[i] = P(s);
	}
	for (int op = 0; op < 5000; op++) {
		int i = (int)(rnd() % OP);
		unsigned what = (unsigned)(rnd() % 16);

		if (what < 6) {
			const struct attr *a = pool[rnd() % OA];

			ck_assert(rib_out_announce(r, 1, &m.pfx[i], a));
			m.want[i] = a;
		} else if (what < 9) {
			bool known = m.want[i] != NULL || m.peer[i] != NULL;

			ck_assert_msg(rib_out_withdraw(r, 1, &m.pfx[i]) == known,
			              "seed %llu op %d: withdraw result", (unsigned long long)seed,
			              op);
			m.want[i] = NULL;
		} else if (what < 15) {
			transmit(r, &m, seed, op, 1 + (size_t)(rnd() % 8), false);
		} else {
			rib_out_reset(r, 1);
			memset(m.peer, 0, sizeof(m.peer));
		}
		ck_assert_msg(rib_out_pending(r, 1) == odiff(&m),
		              "seed %llu op %d: %zu pending, %zu differ", (unsigned long long)seed,
		              op, rib_out_pending(r, 1), odiff(&m));
		if (op % 50 == 0) {
			struct owalk w = {.m = &m};
			int known = 0;

			rib_out_walk(r, 1, owalk_fn, &w);
			for (int j = 0; j < OP; j++)
				known += m.want[j] != NULL || m.peer[j] != NULL;
			ck_assert_int_eq(w.n, known);
		}
	}
	/* Drain: the peer ends up with exactly what we want. */
	for (int guard = 0; guard < 10 * OP && transmit(r, &m, seed, -1, 8, true); guard++)
		;
	for (int i = 0; i < OP; i++)
		ck_assert(m.peer[i] == m.want[i]);
	ck_assert_uint_eq(rib_out_pending(r, 1), 0);
	rib_free(r);
	for (int i = 0; i < OA; i++)
		attr_unref(pool[i]);
	ck_assert_uint_eq(attr_table_count(at), 0);
	attr_table_free(at);
}
END_TEST

static Suite *
rib_random_suite(void)
{
	Suite *s = suite_create("rib-random");
	TCase *rt = tcase_create("randomized");

	tcase_add_loop_test(rt, randomized_vs_reference, 0, 4);
	tcase_add_loop_test(rt, randomized_adj_rib_out, 0, 4);
	tcase_set_timeout(rt, 120);
	suite_add_tcase(s, rt);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rib_random_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
