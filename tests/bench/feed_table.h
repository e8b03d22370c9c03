/*
 * feed_table: the synthetic table bench_feed plays to the router under
 * test, and the byte streams that announce and withdraw it.
 *
 * Prefix i (0 <= i < n) starts at 11.0.0.0 + 256 * i, so every prefix has
 * its own start address and no two are equal, whatever their lengths. About
 * 60 % are /24s; the others are /16../23, as long as the start address is
 * aligned for them (nested prefixes, as in a real table). The send order is
 * the index order, or a seeded random permutation of it (providers do not
 * always send in order).
 *
 * Consecutive prefixes in send order share an attribute set in runs of 100
 * to 500 (an AS path from a pool, the provider's AS first; MED and
 * communities on some), so UPDATEs carry many prefixes each, packed by
 * msg_update_pack up to 4096 bytes. The announce stream ends with the
 * IPv4 End-of-RIB; the withdraw stream withdraws every prefix in the same
 * order, as many per UPDATE as fit.
 */
#ifndef CEBGP_FEED_TABLE_H
#define CEBGP_FEED_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "prefix.h"

#define FEED_MAX_PREFIXES 4000000u /* 11.0.0.0 .. 72.x.x.x: no bogon, no lab subnet */

struct feed_table_opts {
	size_t n;         /* prefixes */
	bool random;      /* send in a random order */
	uint64_t seed;    /* of the order and of the attribute sets */
	size_t npaths;    /* distinct AS paths in the pool */
	uint32_t as;      /* the provider's AS: first in every path */
	struct addr next; /* NEXT_HOP of every route */
};

struct feed_stream {
	uint8_t *data;
	size_t len;
	size_t updates; /* UPDATE messages (End-of-RIB included) */
};

struct feed_table {
	struct prefix *pfx; /* in send order */
	size_t n;
	struct feed_stream announce;
	struct feed_stream withdraw;
};

/* Prefix i of the table (index order). */
struct prefix feed_prefix(size_t i);

/* Build pfx in send order and, unless ctx is NULL, both streams under
 * ctx; false (message on stderr) when memory runs out or a prefix does not
 * fit an UPDATE. */
bool feed_table_build(struct feed_table *t, const struct feed_table_opts *o,
                      const struct msg_ctx *ctx);
void feed_table_free(struct feed_table *t);

#endif
