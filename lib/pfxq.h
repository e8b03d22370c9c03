/*
 * pfxq: a coalescing FIFO of prefixes, pure (no clock, no I/O).
 *
 * The FIB side of the daemon needs to know *which* prefixes changed since
 * it last looked, not every intermediate state: a prefix that changes
 * twice before it is installed must be installed once, with its latest
 * state (read back from the Loc-RIB when it is taken off the queue). So a
 * push of a prefix already queued is a no-op and keeps its place; a pop
 * returns the oldest prefix and forgets it, so a later change queues it
 * again at the tail (no prefix waits behind one that keeps changing).
 *
 * Memory: a ring of the queued prefixes and an open-addressing index into
 * it, 16 bytes per ring slot (an 8-byte word, two 4-byte index slots), so
 * 16 to 32 bytes per queued IPv4 prefix as the ring fills; an IPv6 prefix
 * adds its 18-byte copy. A queue holds each prefix at most once, so it
 * never grows beyond the number of distinct prefixes that changed (8M at
 * most: a push beyond fails as out of memory), and it gives all of its
 * memory back when it empties.
 */
#ifndef CEBGP_PFXQ_H
#define CEBGP_PFXQ_H

#include <stdbool.h>
#include <stddef.h>

#include "prefix.h"

struct pfxq;

struct pfxq *pfxq_new(void);
void pfxq_free(struct pfxq *q);

/* Queue p at the tail: 1 queued, 0 already queued (nothing changes), -1 out of memory. */
int pfxq_push(struct pfxq *q, const struct prefix *p);
/* Take the oldest prefix into *p; false when empty. */
bool pfxq_pop(struct pfxq *q, struct prefix *p);
/* Is p queued? */
bool pfxq_has(const struct pfxq *q, const struct prefix *p);
/* Forget everything (and give the memory back). */
void pfxq_clear(struct pfxq *q);

size_t pfxq_len(const struct pfxq *q);
/* Bytes held for queued prefixes (not counting struct pfxq itself). */
size_t pfxq_bytes(const struct pfxq *q);

#endif
