#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "slab.h"

#define PER_CHUNK 64

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

START_TEST(objects_are_distinct_and_writable)
{
	struct slab s;
	void *o[1000];

	slab_init(&s, 20, PER_CHUNK);
	ck_assert_uint_eq(s.size, 24); /* rounded up to pointer alignment */
	for (size_t i = 0; i < ARRAY_SIZE(o); i++) {
		o[i] = slab_get(&s);
		ck_assert_ptr_nonnull(o[i]);
		memset(o[i], (int)i, 20);
	}
	for (size_t i = 0; i < ARRAY_SIZE(o); i++)
		ck_assert_uint_eq(((uint8_t *)o[i])[19], (uint8_t)i);
	qsort(o, ARRAY_SIZE(o), sizeof(o[0]), cmp_ptr);
	for (size_t i = 1; i < ARRAY_SIZE(o); i++)
		ck_assert_uint_ge((uintptr_t)o[i] - (uintptr_t)o[i - 1], s.size);
	ck_assert_uint_eq(s.used, 1000);
	ck_assert_uint_eq(s.nchunks, (1000 + PER_CHUNK - 1) / PER_CHUNK);
	slab_release(&s);
	ck_assert_uint_eq(slab_memory(&s), 0);
}
END_TEST

/* Freeing one table of two (allocated one after the other) frees its chunks. */
START_TEST(emptied_chunks_go_back)
{
	struct slab s;
	void *a[640], *b[640];
	size_t full;

	slab_init(&s, 32, PER_CHUNK);
	for (size_t i = 0; i < 640; i++)
		a[i] = slab_get(&s);
	for (size_t i = 0; i < 640; i++)
		b[i] = slab_get(&s);
	ck_assert_uint_eq(s.nchunks, 20);
	full = slab_memory(&s);
	for (size_t i = 0; i < 640; i++)
		slab_put(&s, a[(i * 7) % 640]); /* scattered order */
	/* Ten chunks emptied: nine freed, one kept for the next allocation. */
	ck_assert_uint_eq(s.nchunks, 11);
	ck_assert_uint_lt(slab_memory(&s), full * 6 / 10);
	ck_assert_uint_eq(s.used, 640);
	/* The kept chunk is used first; nothing new is allocated for it. */
	for (size_t i = 0; i < PER_CHUNK; i++)
		a[i] = slab_get(&s);
	ck_assert_uint_eq(s.nchunks, 11);
	a[PER_CHUNK] = slab_get(&s);
	ck_assert_uint_eq(s.nchunks, 12);
	for (size_t i = 0; i <= PER_CHUNK; i++)
		slab_put(&s, a[i]);
	for (size_t i = 0; i < 640; i++)
		slab_put(&s, b[i]);
	/* The last object back releases everything. */
	ck_assert_uint_eq(s.nchunks, 0);
	ck_assert_uint_eq(slab_memory(&s), 0);
}
END_TEST

/* A partly used chunk is reused before a new one is made. */
START_TEST(holes_are_reused)
{
	struct slab s;
	void *o[3 * PER_CHUNK], *again[PER_CHUNK];

	slab_init(&s, 16, PER_CHUNK);
	for (size_t i = 0; i < ARRAY_SIZE(o); i++)
		o[i] = slab_get(&s);
	for (size_t i = 0; i < ARRAY_SIZE(o); i += 3)
		slab_put(&s, o[i]);
	ck_assert_uint_eq(s.nchunks, 3);
	for (size_t i = 0; i < PER_CHUNK; i++)
		again[i] = slab_get(&s);
	ck_assert_uint_eq(s.nchunks, 3);
	ck_assert_uint_eq(s.used, ARRAY_SIZE(o));
	for (size_t i = 0; i < PER_CHUNK; i++)
		slab_put(&s, again[i]);
	for (size_t i = 0; i < ARRAY_SIZE(o); i++)
		if (i % 3 != 0)
			slab_put(&s, o[i]);
	ck_assert_uint_eq(s.nchunks, 0);
}
END_TEST

/* Chunks holding none of the live objects (the header is under 64 bytes). */
static size_t
empty_chunks(const struct slab *s, void *const *live, size_t n)
{
	size_t empty = 0;

	for (size_t c = 0; c < s->nchunks; c++) {
		uintptr_t lo = (uintptr_t)s->tab[c], hi = lo + 64 + PER_CHUNK * s->size;
		bool found = false;

		for (size_t i = 0; i < n && !found; i++)
			found = (uintptr_t)live[i] > lo && (uintptr_t)live[i] < hi;
		empty += !found;
	}
	return empty;
}

/* Random gets and puts against a count: at most one empty chunk is ever held. */
START_TEST(random_churn)
{
	static void *live[5000];
	struct slab s;
	size_t n = 0;
	uint64_t x = 88172645463325252ull;

	slab_init(&s, 40, PER_CHUNK);
	for (int op = 0; op < 200000; op++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (n < ARRAY_SIZE(live) && (n == 0 || x % 3 != 0 || (op > 150000 && x % 2))) {
			if (op > 150000 && n > 0 && x % 5 != 0) {
				size_t k = (size_t)(x >> 8) % n;

				slab_put(&s, live[k]);
				live[k] = live[--n];
				continue;
			}
			live[n] = slab_get(&s);
			ck_assert_ptr_nonnull(live[n]);
			memset(live[n], 0xa5, 40);
			n++;
		} else if (n > 0) {
			size_t k = (size_t)(x >> 8) % n;

			slab_put(&s, live[k]);
			live[k] = live[--n];
		}
		ck_assert_uint_eq(s.used, n);
		if (op % 1000 == 0)
			ck_assert_uint_le(empty_chunks(&s, live, n), 1);
	}
	while (n > 0)
		slab_put(&s, live[--n]);
	ck_assert_uint_eq(s.nchunks, 0);
}
END_TEST

/*
 * A sized slab starts with a small chunk and grows towards SLAB_CHUNK_MAX
 * chunks, never holding much more than its objects; emptied, it holds
 * nothing.
 */
START_TEST(sized_chunks_grow)
{
	static void *o[40000];
	struct slab s;

	slab_init(&s, 16, 0);
	o[0] = slab_get(&s);
	ck_assert_uint_eq(s.nchunks, 1);
	ck_assert_uint_le(slab_memory(&s), SLAB_CHUNK_MIN + 16 * sizeof(void *));
	for (size_t i = 1; i < ARRAY_SIZE(o); i++) {
		o[i] = slab_get(&s);
		ck_assert_ptr_nonnull(o[i]);
	}
	/* 640 KB of objects: doubling chunks, then 256 KiB ones, about 10 in all. */
	ck_assert_uint_ge(s.nchunks, 5);
	ck_assert_uint_le(s.nchunks, 12);
	ck_assert_uint_le(s.bytes, 40000 * 16 + 2 * SLAB_CHUNK_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(o); i++)
		slab_put(&s, o[i]);
	ck_assert_uint_eq(s.nchunks, 0);
	ck_assert_uint_eq(slab_memory(&s), 0);
}
END_TEST

static Suite *
slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, objects_are_distinct_and_writable);
	tcase_add_test(tc, emptied_chunks_go_back);
	tcase_add_test(tc, holes_are_reused);
	tcase_add_test(tc, random_churn);
	tcase_add_test(tc, sized_chunks_grow);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(slab_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
