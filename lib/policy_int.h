/*
 * policy_int: what the policy stages share (not installed, not for callers).
 *
 * Inside the pipeline a prefix is a struct pk: the address as one 128-bit
 * integer, left-aligned (an IPv4 address in the top 32 bits), so masks,
 * comparisons and common-prefix lengths are single operations for both
 * families.
 */
#ifndef CEBGP_POLICY_INT_H
#define CEBGP_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

typedef unsigned __int128 u128;

struct pk {
	u128 a;
	uint8_t len;
};

#define NONE UINT32_MAX

static inline u128
pk_mask(unsigned len)
{
	return len == 0 ? 0 : ~(u128)0 << (128 - len);
}
static inline u128
pk_last(const struct pk *k)
{
	return k->a | ~pk_mask(k->len);
}
static inline bool
pk_covers(const struct pk *a, const struct pk *b)
{
	return a->len <= b->len && (b->a & pk_mask(a->len)) == a->a;
}
static inline bool
pk_overlaps(const struct pk *a, const struct pk *b)
{
	return pk_covers(a, b) || pk_covers(b, a);
}
static inline bool
pk_eq(const struct pk *a, const struct pk *b)
{
	return a->a == b->a && a->len == b->len;
}
static inline int
pk_cmp(const struct pk *a, const struct pk *b)
{
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (int)a->len - (int)b->len;
}
/* Length of the common prefix of two prefixes (at most the shorter one). */
static inline unsigned
pk_common(const struct pk *a, const struct pk *b)
{
	u128 x = a->a ^ b->a;
	uint64_t hx = (uint64_t)(x >> 64), lx = (uint64_t)x;
	unsigned n = 128;

	if (hx)
		n = (unsigned)__builtin_clzll(hx);
	else if (lx)
		n = 64 + (unsigned)__builtin_clzll(lx);
	if (n > a->len)
		n = a->len;
	if (n > b->len)
		n = b->len;
	return n;
}

/* Family constants: address bits, and the unit over-coverage counts in
 * (bits of an address a unit stands for: /32 addresses, /64 networks). */
struct fam_geom {
	uint8_t afi;
	unsigned bits, unit_len;
};
static inline uint64_t
pk_units(const struct fam_geom *g, unsigned len)
{
	if (len >= g->unit_len)
		return 1;
	if (g->unit_len - len >= 64)
		return UINT64_MAX;
	return (uint64_t)1 << (g->unit_len - len);
}
static inline uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

struct pk pk_from_prefix(const struct prefix *p);
void pk_to_prefix(const struct pk *k, uint8_t afi, struct prefix *p);
char *pk_fmt(const struct pk *k, uint8_t afi, char *buf, size_t size);

/* Forbidden space of one family on one peering, laminar-free (no range
 * inside another), sorted. cls is a PC_* bit, 0 for a link subnet. */
struct fb {
	struct pk k;
	unsigned cls;
};
struct fb_table {
	struct fb *v;
	size_t n;
};
int fb_build(struct fb_table *t, const struct policy_input *in, uint8_t afi);
/* Index of a range overlapping k (the covering one if any), or -1. */
long fb_overlap(const struct fb_table *t, const struct pk *k);
/* "RFC 1918 space 10.0.0.0/8 on public peering", "peering link subnet ..." */
const char *fb_reason(const struct fb *f, uint8_t afi, const char *peering, char *buf, size_t size);

/* What sanitize decided about one announce entry. */
enum ann_fate {
	ANN_OK = 0,
	ANN_DEFAULT,    /* the default route: dropped */
	ANN_FORBIDDEN,  /* inside forbidden space: dropped */
	ANN_SPLIT,      /* contains forbidden space: split around it */
	ANN_ALL_FORBID, /* made of several forbidden ranges: dropped */
};
struct ann_rec {
	uint8_t fate;
	uint32_t fb; /* index in the family's fb table (FORBIDDEN, SPLIT) */
	uint32_t npieces;
	uint32_t piece; /* OK: its piece in the family's s1 */
};

/* Stage 1 output: a piece of an announced prefix. */
struct piece {
	struct pk k;
	uint32_t origin; /* announce index */
	uint32_t cover;  /* index of the piece that makes it redundant, or NONE */
	uint32_t blk;    /* index of the stage-2 block holding it */
};

/* Stage 2 output: a lossless block, and what the minimum length made of it. */
enum blk_fate {
	BLK_KEEP = 0,
	BLK_TOO_LONG,  /* dropped: longer than max_len (drop) */
	BLK_EXTENDED,  /* widened to max_len (extend) */
	BLK_EXT_FORBID /* extend would overlap forbidden space: dropped */
};
struct blk {
	struct pk k;
	uint8_t fate;
	uint32_t fb; /* EXT_FORBID: the range */
};

/* Stage 4 output: a block and the announced units inside it. */
struct blk4 {
	struct pk k;
	uint64_t real;
};

/* Stage 5: one advertised prefix of a family (before becoming policy_adv). */
struct out {
	struct pk k;
	uint64_t real; /* announced units inside */
};

struct fam {
	struct fam_geom g;
	unsigned K, max_len;
	struct fb_table fb;
	struct piece *s1;
	size_t n1;
	struct blk *s2;
	size_t n2;
	struct blk4 *s4;
	size_t n4;
	u128 *s2pre;    /* s2pre[i]: units of s2[0..i), for ann_inside */
	unsigned floor; /* stage 5: no lossy aggregate shorter (0: none) */
};

struct policy_trace {
	enum policy_peering peering;
	const char *peering_name; /* in messages: "public", "microsoft" */
	enum policy_min_length_action minlen;
	enum policy_cap_action cap_action;
	struct policy_announce *ann;
	struct ann_rec *rec;
	size_t n_ann;
	char *advertised_on;
	bool discard_holes;
	struct fam fam[2];
};

static inline int
fam_index(uint8_t afi)
{
	return afi == AFI_IP6 ? 1 : 0;
}

/* policy_sanitize.c */
int sanitize_family(struct fam *f, struct policy_trace *t, const struct policy_input *in);

/* policy_aggregate.c */
size_t lossless_pieces(struct piece *v, size_t n, struct pk *out);
int minlen_family(struct fam *f, const struct policy_input *in, uint64_t *announced);
int holes_append(const struct fam *f, const struct pk *r, struct prefix **v, size_t *n,
                 size_t *cap);
uint64_t real_inside(const struct fam *f, const struct pk *r);
/* Units of r that an announce entry covers, whatever became of the entry
 * (dropped for its length too): what over-coverage is measured against. */
uint64_t ann_inside(const struct fam *f, const struct pk *r);
long s4_find(const struct fam *f, const struct pk *k);

/* policy_cap.c */
int cap_family(struct fam *f, const struct policy_input *in, struct policy_stats *st,
               struct out **outv, size_t *nout);

/* policy.c */
int policy_warn(struct policy_result *r, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* policy_explain.c */
/* The chain of announce entry i (whole, or only where focus lies). */
size_t explain_entry(const struct policy_result *r, size_t i, const struct pk *focus, bool whole,
                     char *buf, size_t size);
/* Does the chain of entry i lose any address (a warning for --check)? */
bool entry_lossy_drop(const struct policy_result *r, size_t i, bool *all);

#endif
