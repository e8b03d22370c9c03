/*
 * attr: path attribute sets -- the helpers the RIB and policy use, text
 * forms, and the intern table (hash-consed, reference-counted, one
 * allocation per distinct set).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "compiler.h"

void
attr_set_init(struct attr_set *s)
{
	memset(s, 0, sizeof(*s));
}

unsigned
attr_aspath_len(const struct attr_set *s)
{
	unsigned n = 0;

	for (size_t i = 0; i < s->nsegs; i++) {
		/* RFC 4271 §9.1.2.2 a); RFC 5065 §5.3: confeds count 0. */
		if (s->segs[i].type == AS_SEQUENCE)
			n += s->segs[i].count;
		else if (s->segs[i].type == AS_SET)
			n += 1;
	}
	return n;
}

uint32_t
attr_neighbor_as(const struct attr_set *s)
{
	if (s->nsegs == 0 || s->segs[0].type != AS_SEQUENCE || s->segs[0].count == 0)
		return 0;
	return s->asns[0];
}

uint32_t
attr_origin_as(const struct attr_set *s)
{
	size_t end = s->nasns;

	for (size_t i = s->nsegs; i-- > 0;) {
		if (s->segs[i].type == AS_SEQUENCE && s->segs[i].count > 0)
			return s->asns[end - 1];
		end -= s->segs[i].count;
	}
	return 0;
}

bool
attr_aspath_contains(const struct attr_set *s, uint32_t as)
{
	for (size_t i = 0; i < s->nasns; i++)
		if (s->asns[i] == as)
			return true;
	return false;
}

bool
attr_has_community(const struct attr_set *s, uint32_t community)
{
	for (size_t i = 0; i < s->ncomms; i++)
		if (s->comms[i] == community)
			return true;
	return false;
}

bool
attr_aspath_prepend(const struct attr_set *in, uint32_t as, unsigned times, struct attr_seg *segs,
                    size_t nseg_cap, uint32_t *asns, size_t nasn_cap, struct attr_set *out)
{
	bool merge = in->nsegs > 0 && in->segs[0].type == AS_SEQUENCE;
	size_t nsegs = in->nsegs + (merge ? 0 : 1);
	size_t nasns = (size_t)in->nasns + times;

	if (times == 0) {
		*out = *in;
		return true;
	}
	if (nsegs > nseg_cap || nasns > nasn_cap || nasns > UINT16_MAX ||
	    (merge && (size_t)in->segs[0].count + times > UINT16_MAX))
		return false;
	for (unsigned i = 0; i < times; i++)
		asns[i] = as;
	if (in->nasns > 0)
		memmove(asns + times, in->asns, in->nasns * sizeof(*asns));
	if (merge) {
		memmove(segs, in->segs, in->nsegs * sizeof(*segs));
		segs[0].count = (uint16_t)(segs[0].count + times);
	} else {
		memmove(segs + 1, in->segs, in->nsegs * sizeof(*segs));
		segs[0].type = AS_SEQUENCE;
		segs[0].count = (uint16_t)times;
	}
	*out = *in;
	out->present |= ATTR_HAS_AS_PATH;
	out->segs = segs;
	out->asns = asns;
	out->nsegs = (uint16_t)nsegs;
	out->nasns = (uint16_t)nasns;
	return true;
}

static bool
addr_link_local(const struct addr *a)
{
	return a->afi == AFI_IP6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

enum attr_nh_where
attr_nexthop_pick(const struct attr_set *s, const struct prefix *link, struct addr *out)
{
	*out = s->nexthop;
	if (prefix_contains_addr(link, &s->nexthop))
		return ATTR_NH_ON_LINK;
	if (addr_link_local(&s->nexthop))
		return ATTR_NH_LINK_LOCAL;
	if (s->nexthop.afi == AFI_IP6 && addr_link_local(&s->nexthop_ll)) {
		*out = s->nexthop_ll;
		return ATTR_NH_LINK_LOCAL;
	}
	return ATTR_NH_OFF_LINK;
}

/* ---- compare and hash: exactly the fields that carry meaning ---- */

#define CMP(a, b)                                  \
	do {                                       \
		if ((a) != (b))                    \
			return (a) < (b) ? -1 : 1; \
	} while (0)

static int
addr_cmp_raw(const struct addr *a, const struct addr *b)
{
	CMP(a->afi, b->afi);
	if (a->afi == 0)
		return 0;
	return memcmp(a->bytes, b->bytes, afi_bytes(a->afi));
}

static int
mem_cmp(const void *a, const void *b, size_t n)
{
	return n == 0 ? 0 : memcmp(a, b, n);
}

int
attr_cmp(const struct attr_set *a, const struct attr_set *b)
{
	int r;

	CMP(a->present, b->present);
	if (a->present & ATTR_HAS_ORIGIN)
		CMP(a->origin, b->origin);
	CMP(a->nsegs, b->nsegs);
	CMP(a->nasns, b->nasns);
	for (size_t i = 0; i < a->nsegs; i++) {
		CMP(a->segs[i].type, b->segs[i].type);
		CMP(a->segs[i].count, b->segs[i].count);
	}
	for (size_t i = 0; i < a->nasns; i++)
		CMP(a->asns[i], b->asns[i]);
	if ((r = addr_cmp_raw(&a->nexthop, &b->nexthop)) != 0)
		return r;
	if ((r = addr_cmp_raw(&a->nexthop_ll, &b->nexthop_ll)) != 0)
		return r;
	if (a->present & ATTR_HAS_MED)
		CMP(a->med, b->med);
	if (a->present & ATTR_HAS_LOCAL_PREF)
		CMP(a->local_pref, b->local_pref);
	if (a->present & ATTR_HAS_AGGREGATOR) {
		CMP(a->aggr_as, b->aggr_as);
		if ((r = addr_cmp_raw(&a->aggr_addr, &b->aggr_addr)) != 0)
			return r;
	}
	CMP(a->ncomms, b->ncomms);
	for (size_t i = 0; i < a->ncomms; i++)
		CMP(a->comms[i], b->comms[i]);
	CMP(a->necomms, b->necomms);
	for (size_t i = 0; i < a->necomms; i++)
		CMP(a->ecomms[i], b->ecomms[i]);
	CMP(a->nlcomms, b->nlcomms);
	for (size_t i = 0; i < a->nlcomms; i++) {
		CMP(a->lcomms[i].global, b->lcomms[i].global);
		CMP(a->lcomms[i].local1, b->lcomms[i].local1);
		CMP(a->lcomms[i].local2, b->lcomms[i].local2);
	}
	CMP(a->nunknown, b->nunknown);
	for (size_t i = 0; i < a->nunknown; i++) {
		const struct attr_unknown *x = &a->unknown[i], *y = &b->unknown[i];

		CMP(x->type, y->type);
		CMP(x->flags & ~ATTR_FLAG_EXTLEN, y->flags & ~ATTR_FLAG_EXTLEN);
		CMP(x->len, y->len);
		if ((r = mem_cmp(x->data, y->data, x->len)) != 0)
			return r;
	}
	return 0;
}

bool
attr_eq(const struct attr_set *a, const struct attr_set *b)
{
	return attr_cmp(a, b) == 0;
}

/* Murmur-style 32-bit mixing; good enough spread for a chained table. */
static uint32_t
mix(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = (k << 15) | (k >> 17);
	k *= 0x1b873593u;
	h ^= k;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static uint32_t
mix_bytes(uint32_t h, const uint8_t *p, size_t n)
{
	uint32_t k = 0;
	size_t i;

	for (i = 0; i + 4 <= n; i += 4)
		h = mix(h, (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
		                   (uint32_t)p[i + 3] << 24);
	for (; i < n; i++)
		k = k << 8 | p[i];
	return mix(h, k ^ (uint32_t)n);
}

static uint32_t
mix_addr(uint32_t h, const struct addr *a)
{
	h = mix(h, a->afi);
	return a->afi ? mix_bytes(h, a->bytes, afi_bytes(a->afi)) : h;
}

uint32_t
attr_hash(const struct attr_set *s)
{
	uint32_t h = 0x9747b28cu;

	h = mix(h, s->present);
	h = mix(h, (s->present & ATTR_HAS_ORIGIN) ? s->origin : 0xff);
	for (size_t i = 0; i < s->nsegs; i++)
		h = mix(h, (uint32_t)s->segs[i].type << 16 | s->segs[i].count);
	for (size_t i = 0; i < s->nasns; i++)
		h = mix(h, s->asns[i]);
	h = mix_addr(h, &s->nexthop);
	h = mix_addr(h, &s->nexthop_ll);
	if (s->present & ATTR_HAS_MED)
		h = mix(h, s->med);
	if (s->present & ATTR_HAS_LOCAL_PREF)
		h = mix(h, s->local_pref);
	if (s->present & ATTR_HAS_AGGREGATOR)
		h = mix_addr(mix(h, s->aggr_as), &s->aggr_addr);
	h = mix(h, s->ncomms);
	for (size_t i = 0; i < s->ncomms; i++)
		h = mix(h, s->comms[i]);
	h = mix(h, s->necomms);
	for (size_t i = 0; i < s->necomms; i++)
		h = mix(mix(h, (uint32_t)(s->ecomms[i] >> 32)), (uint32_t)s->ecomms[i]);
	h = mix(h, s->nlcomms);
	for (size_t i = 0; i < s->nlcomms; i++)
		h = mix(mix(mix(h, s->lcomms[i].global), s->lcomms[i].local1), s->lcomms[i].local2);
	for (size_t i = 0; i < s->nunknown; i++) {
		const struct attr_unknown *u = &s->unknown[i];

		h = mix(h, (uint32_t)u->type << 8 | (u->flags & ~ATTR_FLAG_EXTLEN));
		h = mix_bytes(h, u->data, u->len);
	}
	/* final avalanche */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/* ---- text ---- */

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void PRINTF_LIKE(2, 3) out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		/* Mark the cut with "..." if there is room for it. */
		if (o->size >= 4)
			memcpy(o->buf + o->size - 4, "...", 4);
		return;
	}
	o->len += (size_t)n;
}

static bool
out_init(struct out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->full = size == 0;
	if (size > 0)
		buf[0] = '\0';
	return size > 0;
}

char *
attr_aspath_fmt(const struct attr_set *s, char *buf, size_t size)
{
	static const char open[] = {0, '{', 0, '(', '['}, close[] = {0, '}', 0, ')', ']'};
	struct out o;
	size_t k = 0;

	if (!out_init(&o, buf, size))
		return buf;
	for (size_t i = 0; i < s->nsegs; i++) {
		uint8_t t = s->segs[i].type <= AS_CONFED_SET ? s->segs[i].type : AS_SEQUENCE;
		char sep = t == AS_SET || t == AS_CONFED_SET ? ',' : ' ';

		if (i > 0)
			out_printf(&o, " ");
		if (open[t])
			out_printf(&o, "%c", open[t]);
		for (size_t j = 0; j < s->segs[i].count; j++, k++) {
			if (j > 0)
				out_printf(&o, "%c", sep);
			out_printf(&o, "%" PRIu32, s->asns[k]);
		}
		if (close[t])
			out_printf(&o, "%c", close[t]);
	}
	return buf;
}

static const char *
community_name(uint32_t c)
{
	switch (c) {
	case COMMUNITY_NO_EXPORT:
		return "no-export";
	case COMMUNITY_NO_ADVERTISE:
		return "no-advertise";
	case COMMUNITY_NO_EXPORT_SUBCONFED:
		return "no-export-subconfed";
	case COMMUNITY_BLACKHOLE:
		return "blackhole";
	case COMMUNITY_GRACEFUL_SHUTDOWN:
		return "graceful-shutdown";
	default:
		return NULL;
	}
}

char *
attr_comms_fmt(const struct attr_set *s, char *buf, size_t size)
{
	struct out o;

	if (!out_init(&o, buf, size))
		return buf;
	for (size_t i = 0; i < s->ncomms; i++) {
		const char *name = community_name(s->comms[i]);

		if (name)
			out_printf(&o, "%s%s", i ? " " : "", name);
		else
			out_printf(&o, "%s%" PRIu32 ":%" PRIu32, i ? " " : "", s->comms[i] >> 16,
			           s->comms[i] & 0xffff);
	}
	return buf;
}

/* RFC 4360 §3/§5, RFC 5668: route target and route origin, else hex. */
char *
attr_ecomms_fmt(const struct attr_set *s, char *buf, size_t size)
{
	struct out o;

	if (!out_init(&o, buf, size))
		return buf;
	for (size_t i = 0; i < s->necomms; i++) {
		uint64_t e = s->ecomms[i];
		uint8_t type = (uint8_t)(e >> 56), sub = (uint8_t)(e >> 48);
		const char *sp = i ? " " : "";
		const char *what = sub == 0x02 ? "rt" : sub == 0x03 ? "soo" : NULL;

		if (what && type == 0x00)
			out_printf(&o, "%s%s %u:%" PRIu32, sp, what, (unsigned)(e >> 32) & 0xffff,
			           (uint32_t)e);
		else if (what && type == 0x02)
			out_printf(&o, "%s%s %" PRIu32 ":%u", sp, what, (uint32_t)(e >> 16),
			           (unsigned)e & 0xffff);
		else if (what && type == 0x01)
			out_printf(&o, "%s%s %u.%u.%u.%u:%u", sp, what, (unsigned)(e >> 40) & 0xff,
			           (unsigned)(e >> 32) & 0xff, (unsigned)(e >> 24) & 0xff,
			           (unsigned)(e >> 16) & 0xff, (unsigned)e & 0xffff);
		else
			out_printf(&o, "%s0x%016" PRIx64, sp, e);
	}
	return buf;
}

char *
attr_lcomms_fmt(const struct attr_set *s, char *buf, size_t size)
{
	struct out o;

	if (!out_init(&o, buf, size))
		return buf;
	for (size_t i = 0; i < s->nlcomms; i++)
		out_printf(&o, "%s%" PRIu32 ":%" PRIu32 ":%" PRIu32, i ? " " : "",
		           s->lcomms[i].global, s->lcomms[i].local1, s->lcomms[i].local2);
	return buf;
}

const char *
attr_origin_name(uint8_t origin)
{
	static const char *const names[] = {"IGP", "EGP", "incomplete"};

	return origin < ARRAY_SIZE(names) ? names[origin] : "unknown";
}

const char *
attr_origin_code(uint8_t origin)
{
	static const char *const codes[] = {"i", "e", "?"};

	return origin < ARRAY_SIZE(codes) ? codes[origin] : "?";
}

/* ---- interning ---- */

struct attr_table {
	struct attr **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	size_t bytes; /* of the interned objects */
};

struct attr_table *
attr_table_new(void)
{
	struct attr_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->nbuckets = 256;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->buckets == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
attr_table_free(struct attr_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct attr *a = t->buckets[i], *next;

		for (; a; a = next) {
			next = a->next;
			free(a);
		}
	}
	free(t->buckets);
	free(t);
}

size_t
attr_table_count(const struct attr_table *t)
{
	return t->count;
}

size_t
attr_table_memory(const struct attr_table *t)
{
	return sizeof(*t) + t->nbuckets * sizeof(*t->buckets) + t->bytes;
}

static void
grow(struct attr_table *t)
{
	size_t n = t->nbuckets * 2;
	struct attr **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return; /* keep working with longer chains */
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct attr *a = t->buckets[i], *next;

		for (; a; a = next) {
			next = a->next;
			a->next = b[a->hash & (n - 1)];
			b[a->hash & (n - 1)] = a;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

/* Carve n bytes at *p (already aligned for what goes there). */
static void *
carve(uint8_t **p, size_t n)
{
	void *r = *p;

	*p += n;
	return r;
}

/*
 * One allocation: struct attr, then the arrays, largest alignment first
 * (u64, pointers, u32, the 2-byte segs, bytes), so no padding is needed.
 */
static struct attr *
attr_copy(const struct attr_set *s, uint32_t hash)
{
	size_t data = 0, size;
	struct attr *a;
	uint8_t *p;

	for (size_t i = 0; i < s->nunknown; i++)
		data += s->unknown[i].len;
	size = sizeof(*a) + s->necomms * sizeof(uint64_t) +
	       s->nunknown * sizeof(struct attr_unknown) + s->nasns * sizeof(uint32_t) +
	       s->ncomms * sizeof(uint32_t) + s->nlcomms * sizeof(struct attr_lcomm) +
	       s->nsegs * sizeof(struct attr_seg) + data;
	a = malloc(size);
	if (a == NULL)
		return NULL;
	a->set = *s;
	a->hash = hash;
	a->refcnt = 1;
	a->next = NULL;
	a->size = size;
	p = (uint8_t *)(a + 1);

	uint64_t *ecomms = carve(&p, s->necomms * sizeof(uint64_t));
	struct attr_unknown *unknown = carve(&p, s->nunknown * sizeof(struct attr_unknown));
	uint32_t *asns = carve(&p, s->nasns * sizeof(uint32_t));
	uint32_t *comms = carve(&p, s->ncomms * sizeof(uint32_t));
	struct attr_lcomm *lcomms = carve(&p, s->nlcomms * sizeof(struct attr_lcomm));
	struct attr_seg *segs = carve(&p, s->nsegs * sizeof(struct attr_seg));

	if (s->necomms)
		memcpy(ecomms, s->ecomms, s->necomms * sizeof(uint64_t));
	if (s->nasns)
		memcpy(asns, s->asns, s->nasns * sizeof(uint32_t));
	if (s->ncomms)
		memcpy(comms, s->comms, s->ncomms * sizeof(uint32_t));
	if (s->nlcomms)
		memcpy(lcomms, s->lcomms, s->nlcomms * sizeof(struct attr_lcomm));
	if (s->nsegs)
		memcpy(segs, s->segs, s->nsegs * sizeof(struct attr_seg));
	for (size_t i = 0; i < s->nunknown; i++) {
		unknown[i] = s->unknown[i];
		unknown[i].data = carve(&p, s->unknown[i].len);
		if (s->unknown[i].len)
			memcpy((uint8_t *)unknown[i].data, s->unknown[i].data, s->unknown[i].len);
	}
	a->set.ecomms = s->necomms ? ecomms : NULL;
	a->set.unknown = s->nunknown ? unknown : NULL;
	a->set.asns = s->nasns ? asns : NULL;
	a->set.comms = s->ncomms ? comms : NULL;
	a->set.lcomms = s->nlcomms ? lcomms : NULL;
	a->set.segs = s->nsegs ? segs : NULL;
	return a;
}

const struct attr *
attr_intern(struct attr_table *t, const struct attr_set *s)
{
	uint32_t h = attr_hash(s);
	struct attr **slot = &t->buckets[h & (t->nbuckets - 1)];
	struct attr *a;

	for (a = *slot; a; a = a->next)
		if (a->hash == h && attr_eq(&a->set, s)) {
			a->refcnt++;
			return a;
		}
	a = attr_copy(s, h);
	if (a == NULL)
		return NULL;
	a->table = t;
	a->next = *slot;
	*slot = a;
	t->count++;
	t->bytes += a->size;
	if (t->count > t->nbuckets)
		grow(t);
	return a;
}

const struct attr *
attr_ref(const struct attr *a)
{
	if (a)
		((struct attr *)a)->refcnt++;
	return a;
}

void
attr_unref(const struct attr *ca)
{
	struct attr *a = (struct attr *)ca, **pp;
	struct attr_table *t;

	if (a == NULL || --a->refcnt > 0)
		return;
	t = a->table;
	for (pp = &t->buckets[a->hash & (t->nbuckets - 1)]; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	t->count--;
	t->bytes -= a->size;
	free(a);
}
