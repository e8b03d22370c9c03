/*
 * pfxq: a coalescing FIFO of prefixes (see pfxq.h).
 *
 * The ring v holds the queued prefixes, oldest at head, each as one 64-bit
 * word: an IPv4 prefix is its address and length (address << 8 | length),
 * an IPv6 one the index of its copy in a side table (top bit set), so a
 * full table of IPv4 routes queues at 8 bytes a prefix. The index maps a
 * prefix to its ring position with linear probing and backward-shift
 * deletion, which keeps lookups short without tombstones however many
 * pushes and pops pass through. An index slot is 32 bits: the position + 1
 * (0: empty) in the low 24, and 8 bits of the prefix's hash above, so a
 * probe reads the ring (a cache miss in a big queue) only when those match.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfxq.h"

#define RING_MIN 64
#define POS_BITS 24
#define POS_MASK ((1u << POS_BITS) - 1)
#define SIX      (1ull << 63) /* a ring word that is an index into six[] */

struct pfxq {
	uint64_t *v; /* ring, cap words (a power of two) */
	size_t cap, head, n;
	uint32_t *idx; /* index, icap slots (2 * cap) */
	size_t icap;
	struct prefix *six; /* IPv6 prefixes queued; free ones chained through bytes */
	size_t nsix, six_cap;
	uint32_t six_free; /* + 1; 0: none */
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
	free(q->six);
	memset(q, 0, sizeof(*q));
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
	return q->cap * sizeof(*q->v) + q->icap * sizeof(*q->idx) + q->six_cap * sizeof(*q->six);
}

static uint64_t
v4_word(const struct prefix *p)
{
	return (uint64_t)p->bytes[0] << 32 | (uint64_t)p->bytes[1] << 24 |
	       (uint64_t)p->bytes[2] << 16 | (uint64_t)p->bytes[3] << 8 | p->len;
}

static void
word_prefix(const struct pfxq *q, uint64_t w, struct prefix *p)
{
	if (w & SIX) {
		*p = q->six[w & ~SIX];
		return;
	}
	memset(p, 0, sizeof(*p));
	p->afi = AFI_IP;
	p->len = (uint8_t)w;
	for (unsigned i = 0; i < 4; i++)
		p->bytes[i] = (uint8_t)(w >> (32 - 8 * i));
}

static uint32_t
hash_of(const struct prefix *p)
{
	uint64_t h;

	if (p->afi == AFI_IP6)
		return prefix_hash(p);
	h = v4_word(p) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static uint32_t
word_hash(const struct pfxq *q, uint64_t w)
{
	uint64_t h;

	if (w & SIX)
		return prefix_hash(&q->six[w & ~SIX]);
	h = w * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static bool
word_is(const struct pfxq *q, uint64_t w, const struct prefix *p)
{
	if (p->afi == AFI_IP6)
		return (w & SIX) && prefix_eq(&q->six[w & ~SIX], p);
	return p->afi == AFI_IP && w == v4_word(p);
}

/* The index slot of p (hash h), or of the empty slot where it would go. */
static size_t
slot_of(const struct pfxq *q, const struct prefix *p, uint32_t h)
{
	size_t mask = q->icap - 1;
	size_t i = h & mask;
	uint32_t tag = h & ~POS_MASK;

	for (; q->idx[i] != 0; i = (i + 1) & mask)
		if ((q->idx[i] & ~POS_MASK) == tag &&
		    word_is(q, q->v[(q->idx[i] & POS_MASK) - 1], p))
			break;
	return i;
}

bool
pfxq_has(const struct pfxq *q, const struct prefix *p)
{
	return q->n > 0 && q->idx[slot_of(q, p, hash_of(p))] != 0;
}

/*
 * Room for one more: double the ring (unwrapped to the start) and rebuild
 * the index. The index and the ring share one block, each bigger than any
 * freed before, so a big queue lives in its own mapping that free() gives
 * back to the system rather than in the heap it would fragment. Positions
 * must fit the index's 24 bits: 8M prefixes queued at most.
 */
static bool
grow(struct pfxq *q)
{
	size_t cap = q->cap ? q->cap * 2 : RING_MIN;
	uint32_t *idx = cap <= (1u << (POS_BITS - 1))
	                        ? calloc(1, cap * (2 * sizeof(*idx) + sizeof(*q->v)))
	                        : NULL;

	if (!idx)
		return false;
	uint64_t *v = (uint64_t *)(void *)(idx + cap * 2);

	for (size_t i = 0; i < q->n; i++)
		v[i] = q->v[(q->head + i) & (q->cap - 1)];
	free(q->idx);
	q->v = v;
	q->idx = idx;
	q->cap = cap;
	q->icap = cap * 2;
	q->head = 0;
	for (size_t i = 0; i < q->n; i++) {
		uint32_t h = word_hash(q, v[i]);
		size_t s = h & (q->icap - 1);

		while (q->idx[s] != 0)
			s = (s + 1) & (q->icap - 1);
		q->idx[s] = (h & ~POS_MASK) | (uint32_t)(i + 1);
	}
	return true;
}

/* A copy of IPv6 prefix p in six[]; its ring word, or 0 when memory ran out. */
static uint64_t
six_add(struct pfxq *q, const struct prefix *p)
{
	uint32_t i;

	if (q->six_free != 0) {
		i = q->six_free - 1;
		memcpy(&q->six_free, q->six[i].bytes, sizeof(q->six_free));
	} else {
		if (q->nsix == q->six_cap) {
			size_t cap = q->six_cap ? 2 * q->six_cap : 16;
			struct prefix *s =
			        cap <= UINT32_MAX ? realloc(q->six, cap * sizeof(*s)) : NULL;

			if (!s)
				return 0;
			q->six = s;
			q->six_cap = cap;
		}
		i = (uint32_t)q->nsix++;
	}
	q->six[i] = *p;
	return SIX | i;
}

static void
six_del(struct pfxq *q, uint64_t w)
{
	uint32_t i = (uint32_t)(w & ~SIX);

	memcpy(q->six[i].bytes, &q->six_free, sizeof(q->six_free));
	q->six_free = i + 1;
}

int
pfxq_push(struct pfxq *q, const struct prefix *p)
{
	uint32_t h = hash_of(p);
	size_t s;
	uint64_t w;

	if (q->n > 0 && q->idx[slot_of(q, p, h)] != 0)
		return 0;
	if (q->n == q->cap && !grow(q))
		return -1;
	if (p->afi == AFI_IP6) {
		if ((w = six_add(q, p)) == 0)
			return -1;
	} else {
		w = v4_word(p);
	}
	size_t pos = (q->head + q->n) & (q->cap - 1);

	q->v[pos] = w;
	s = slot_of(q, p, h);
	q->idx[s] = (h & ~POS_MASK) | (uint32_t)(pos + 1);
	q->n++;
	return 1;
}

/* Empty slot i, moving later members of its probe run back so none is cut off. */
static void
idx_delete(struct pfxq *q, size_t i)
{
	size_t mask = q->icap - 1;

	for (size_t j = (i + 1) & mask; q->idx[j] != 0; j = (j + 1) & mask) {
		size_t home = word_hash(q, q->v[(q->idx[j] & POS_MASK) - 1]) & mask;

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
	uint64_t w;

	if (q->n == 0)
		return false;
	w = q->v[q->head];
	word_prefix(q, w, p);
	idx_delete(q, slot_of(q, p, hash_of(p)));
	if (w & SIX)
		six_del(q, w);
	q->head = (q->head + 1) & (q->cap - 1);
	if (--q->n == 0)
		pfxq_clear(q);
	return true;
}
