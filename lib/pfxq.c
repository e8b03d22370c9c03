/*
 * pfxq: a coalescing FIFO of prefixes (see pfxq.h).
 *
 * The ring v holds the queued prefixes, oldest at head; the index maps a
 * prefix to its ring position (stored + 1, so 0 is an empty slot) with
 * linear probing and backward-shift deletion, which keeps lookups short
 * without tombstones however many pushes and pops pass through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfxq.h"

#define RING_MIN 64

struct pfxq {
	struct prefix *v; /* ring, cap entries (a power of two) */
	size_t cap, head, n;
	uint32_t *idx; /* index, icap slots (a power of two, >= 2 * cap) */
	size_t icap;
};

struct pfxq *
pfxq_new(void)
{
	return calloc(1, sizeof(struct pfxq));
}

void
pfxq_clear(struct pfxq *q)
{
	free(q->idx); /* v shares its block */
	q->v = NULL;
	q->idx = NULL;
	q->cap = q->head = q->n = q->icap = 0;
}

void
pfxq_free(struct pfxq *q)
{
	if (!q)
		return;
	pfxq_clear(q);
	free(q);
}

size_t
pfxq_len(const struct pfxq *q)
{
	return q->n;
}

size_t
pfxq_bytes(const struct pfxq *q)
{
	return q->cap * sizeof(*q->v) + q->icap * sizeof(*q->idx);
}

/* The index slot of p, or of the empty slot where it would go. */
static size_t
slot_of(const struct pfxq *q, const struct prefix *p)
{
	size_t mask = q->icap - 1;
	size_t i = prefix_hash(p) & mask;

	while (q->idx[i] != 0 && !prefix_eq(&q->v[q->idx[i] - 1], p))
		i = (i + 1) & mask;
	return i;
}

bool
pfxq_has(const struct pfxq *q, const struct prefix *p)
{
	return q->n > 0 && q->idx[slot_of(q, p)] != 0;
}

/*
 * Room for one more: double the ring (unwrapped to the start) and rebuild
 * the index. The index and the ring share one block, each bigger than any
 * freed before, so a big queue lives in its own mapping that free() gives
 * back to the system rather than in the heap it would fragment.
 */
static bool
grow(struct pfxq *q)
{
	size_t cap = q->cap ? q->cap * 2 : RING_MIN;
	uint32_t *idx =
	        cap * 2 <= UINT32_MAX ? calloc(1, cap * (2 * sizeof(*idx) + sizeof(*q->v))) : NULL;

	if (!idx)
		return false;
	struct prefix *v = (struct prefix *)(void *)(idx + cap * 2);

	for (size_t i = 0; i < q->n; i++)
		v[i] = q->v[(q->head + i) & (q->cap - 1)];
	free(q->idx);
	q->v = v;
	q->idx = idx;
	q->cap = cap;
	q->icap = cap * 2;
	q->head = 0;
	for (size_t i = 0; i < q->n; i++)
		q->idx[slot_of(q, &v[i])] = (uint32_t)(i + 1);
	return true;
}

int
pfxq_push(struct pfxq *q, const struct prefix *p)
{
	if (q->n > 0 && q->idx[slot_of(q, p)] != 0)
		return 0;
	if (q->n == q->cap && !grow(q))
		return -1;
	size_t pos = (q->head + q->n) & (q->cap - 1);

	q->v[pos] = *p;
	q->idx[slot_of(q, p)] = (uint32_t)(pos + 1);
	q->n++;
	return 1;
}

/* Empty slot i, moving later members of its probe run back so none is cut off. */
static void
idx_delete(struct pfxq *q, size_t i)
{
	size_t mask = q->icap - 1;

	for (size_t j = (i + 1) & mask; q->idx[j] != 0; j = (j + 1) & mask) {
		size_t home = prefix_hash(&q->v[q->idx[j] - 1]) & mask;

		/* j's entry may fill the hole at i unless its home lies in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			q->idx[i] = q->idx[j];
			i = j;
		}
	}
	q->idx[i] = 0;
}

bool
pfxq_pop(struct pfxq *q, struct prefix *p)
{
	if (q->n == 0)
		return false;
	*p = q->v[q->head];
	idx_delete(q, slot_of(q, p));
	q->head = (q->head + 1) & (q->cap - 1);
	if (--q->n == 0)
		pfxq_clear(q);
	return true;
}
