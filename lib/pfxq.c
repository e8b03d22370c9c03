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
 *
 * Growing doubles the ring and the index. Rebuilding a big index at once
 * would be one long step (half a million prefixes: tens of ms), so the old
 * index stays beside the new one and its entries move over a few with
 * every push and pop, well before the next doubling. Nothing is inserted
 * into the old index any more: a pop of one of its entries leaves a
 * tombstone there, and its lookups step over them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pfxq.h"

#define RING_MIN 64
#define POS_BITS 24
#define POS_MASK ((1u << POS_BITS) - 1)
#define SIX      (1ull << 63) /* a ring word that is an index into six[] */
#define TOMB     (~POS_MASK)  /* an old index slot whose entry was popped */
/* Old index slots moved per push and pop: the old index (twice the old ring) is empty long
 * before the new ring, twice as big, fills. */
#define MOVE_STEP 4

struct pfxq {
	uint64_t *v; /* ring, cap words (a power of two) */
	size_t cap, head, n;
	uint32_t *idx; /* index, icap slots (2 * cap) */
	size_t icap;
	/*
	 * The index from before the last doubling while its entries move
	 * over (NULL when none is left), oicap slots, the next to move at
	 * omove. Its positions are the old ring's, whose head was ohead and
	 * size ocap: the doubling unwrapped that ring in place, so old
	 * position p is now p, or p + ocap below ohead.
	 */
	uint32_t *oidx;
	size_t oicap, omove, ohead, ocap;
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
	free(q->oidx);
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
	return q->cap * sizeof(*q->v) + q->icap * sizeof(*q->idx) + q->oicap * sizeof(*q->oidx) +
	       q->six_cap * sizeof(*q->six);
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

/* The ring position an old index slot names (see struct pfxq). */
static size_t
old_pos(const struct pfxq *q, uint32_t slot)
{
	size_t pos = (slot & POS_MASK) - 1;

	return pos >= q->ohead ? pos : pos + q->ocap;
}

/* The old index slot holding p (hash h), or oicap when it holds none. */
static size_t
old_slot_of(const struct pfxq *q, const struct prefix *p, uint32_t h)
{
	size_t mask = q->oicap - 1;
	size_t i = h & mask;
	uint32_t tag = h & ~POS_MASK;

	if (!q->oidx)
		return q->oicap;
	for (; q->oidx[i] != 0; i = (i + 1) & mask)
		if (q->oidx[i] != TOMB && (q->oidx[i] & ~POS_MASK) == tag &&
		    word_is(q, q->v[old_pos(q, q->oidx[i])], p))
			return i;
	return q->oicap;
}

/* Move up to MOVE_STEP slots of the old index into the new one; free it when done. */
static void
move_some(struct pfxq *q)
{
	for (unsigned k = 0; q->oidx && k < MOVE_STEP; k++) {
		uint32_t slot = q->oidx[q->omove];

		if (slot != 0 && slot != TOMB) {
			size_t pos = old_pos(q, slot);
			size_t s = word_hash(q, q->v[pos]) & (q->icap - 1);

			while (q->idx[s] != 0)
				s = (s + 1) & (q->icap - 1);
			q->idx[s] = (slot & ~POS_MASK) | (uint32_t)(pos + 1);
			q->oidx[q->omove] = TOMB; /* its probe runs stay whole */
		}
		if (++q->omove == q->oicap) {
			free(q->oidx);
			q->oidx = NULL;
			q->oicap = 0;
		}
	}
}

bool
pfxq_has(const struct pfxq *q, const struct prefix *p)
{
	uint32_t h;

	if (q->n == 0)
		return false;
	h = hash_of(p);
	return q->idx[slot_of(q, p, h)] != 0 || old_slot_of(q, p, h) != q->oicap;
}

/*
 * A big block in huge pages where the kernel offers them (transparent huge
 * pages in "always" or "madvise" mode). The index is touched at random, so
 * a 1M queue's 16 MiB were 4096 page faults spread over the next pushes,
 * up to 30 ms of one UPDATE's withdrawals here; as huge pages, eight.
 */
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void
huge_hint(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(HUGE_PAGE - 1);

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE); /* a hint: nothing lost without */
#else
	(void)p;
	(void)len;
#endif
}

/*
 * Room for one more: double the ring, unwrapped in place (the part below
 * the head moves up by the old size), with a new, empty index; the old
 * one's entries move over bit by bit (move_some). The index and the ring
 * share one block, each bigger than any freed before, so a big queue lives
 * in its own mapping that free() gives back to the system rather than in
 * the heap it would fragment. Positions must fit the index's 24 bits: 8M
 * prefixes queued at most.
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
	huge_hint(idx, cap * (2 * sizeof(*idx) + sizeof(*q->v)));
	while (q->oidx) /* a queue that doubled twice without a pop or push between: rare */
		move_some(q);
	uint64_t *v = (uint64_t *)(void *)(idx + cap * 2);

	/* A full ring: head..cap-1 stay where they are, 0..head-1 follow them. */
	if (q->cap > 0) {
		memcpy(v + q->head, q->v + q->head, (q->cap - q->head) * sizeof(*v));
		memcpy(v + q->cap, q->v, q->head * sizeof(*v));
	}
	q->oidx = q->idx; /* the old block: the old ring is no longer read */
	q->oicap = q->icap;
	q->omove = 0;
	q->ohead = q->head;
	q->ocap = q->cap;
	if (!q->oidx)
		q->oicap = 0;
	q->v = v;
	q->idx = idx;
	q->cap = cap;
	q->icap = cap * 2;
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
	size_t s = 0;
	uint64_t w;

	/* An empty queue has no ring yet (pfxq_clear): it grows first. */
	if (q->n > 0) {
		s = slot_of(q, p, h); /* where p is, or where it goes */
		if (q->idx[s] != 0 || old_slot_of(q, p, h) != q->oicap)
			return 0;
	}
	if (q->n == q->cap) {
		if (!grow(q))
			return -1;
		s = slot_of(q, p, h);
	}
	if (p->afi == AFI_IP6) {
		if ((w = six_add(q, p)) == 0)
			return -1;
	} else {
		w = v4_word(p);
	}
	size_t pos = (q->head + q->n) & (q->cap - 1);

	q->v[pos] = w;
	q->idx[s] = (h & ~POS_MASK) | (uint32_t)(pos + 1);
	q->n++;
	move_some(q);
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
	uint32_t h;
	size_t o;

	w = q->v[q->head];
	word_prefix(q, w, p);
	h = hash_of(p);
	o = old_slot_of(q, p, h);
	if (o != q->oicap)
		q->oidx[o] = TOMB;
	else
		idx_delete(q, slot_of(q, p, h));
	move_some(q);
	if (w & SIX)
		six_del(q, w);
	q->head = (q->head + 1) & (q->cap - 1);
	if (--q->n == 0)
		pfxq_clear(q);
	return true;
}
