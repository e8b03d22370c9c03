/*
 * policy_inbound: the rules of policy_inbound.h. Each prefix list is kept
 * twice: a sorted, de-duplicated array (for inbound_policy_eq and for
 * naming the entry that decided) and a trie over it (for the covering and
 * covered lookups a route needs), so one verdict costs a few trie descents
 * whatever the list sizes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "policy_inbound.h"
#include "trie.h"

/* A prefix list: sorted and unique, and a trie whose values point into v. */
struct plist {
	struct prefix *v;
	size_t n;
	struct trie *t;
};

struct inbound_policy {
	enum policy_peering peering;
	const char *peering_name;
	struct plist links, own, accept;
	/* The always-refused address classes, as tries: one lookup per route. */
	struct plist bogons, private_space;
	bool accept_set, communities_set, accept_default;
	uint32_t *comms; /* sorted, unique */
	size_t ncomms;
};

static const char *const reason_names[INBOUND_NREASONS] = {
        [INBOUND_ACCEPTED] = "accepted",
        [INBOUND_DEFAULT_ROUTE] = "default-route",
        [INBOUND_BOGON] = "bogon",
        [INBOUND_LINK_SUBNET] = "link-subnet",
        [INBOUND_OWN_SPACE] = "own-space",
        [INBOUND_PRIVATE_PUBLIC] = "private-on-public",
        [INBOUND_NOT_ACCEPTED] = "not-in-accept",
        [INBOUND_NO_COMMUNITY] = "no-accept-community",
        [INBOUND_NEXT_HOP] = "next-hop",
};

static const char *const reason_texts[INBOUND_NREASONS] = {
        [INBOUND_ACCEPTED] = "accepted",
        [INBOUND_DEFAULT_ROUTE] = "the default route (accept-default is off)",
        [INBOUND_BOGON] = "bogon or martian space",
        [INBOUND_LINK_SUBNET] = "overlaps a peering /30",
        [INBOUND_OWN_SPACE] = "inside space we announce",
        [INBOUND_PRIVATE_PUBLIC] = "private or shared space on public peering",
        [INBOUND_NOT_ACCEPTED] = "no accept entry covers it",
        [INBOUND_NO_COMMUNITY] = "carries none of accept-communities",
        [INBOUND_NEXT_HOP] = "next hop not on the session's link subnet (RFC 4271 §6.3)",
};

const char *
inbound_reason_name(enum inbound_reason r)
{
	return (unsigned)r < INBOUND_NREASONS ? reason_names[r] : "unknown";
}

const char *
inbound_reason_text(enum inbound_reason r)
{
	return (unsigned)r < INBOUND_NREASONS ? reason_texts[r] : "unknown";
}

/* ---- building ---- */

static int
cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static bool
plist_build(struct plist *l, const struct prefix *src, size_t n)
{
	size_t k = 0;

	l->t = trie_new();
	if (l->t == NULL)
		return false;
	if (n == 0)
		return true;
	l->v = malloc(n * sizeof(*l->v));
	if (l->v == NULL)
		return false;
	memcpy(l->v, src, n * sizeof(*l->v));
	for (size_t i = 0; i < n; i++)
		prefix_mask(&l->v[i]); /* host bits never change what a list covers */
	qsort(l->v, n, sizeof(*l->v), cmp_prefix);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || !prefix_eq(&l->v[k - 1], &l->v[i]))
			l->v[k++] = l->v[i];
	l->n = k;
	for (size_t i = 0; i < l->n; i++) {
		void **slot = trie_insert(l->t, &l->v[i], &(bool){false});

		if (slot == NULL)
			return false;
		*slot = &l->v[i];
	}
	return true;
}

static void
plist_free(struct plist *l)
{
	if (l->t != NULL)
		trie_free(l->t, NULL);
	free(l->v);
}

static bool
plist_eq(const struct plist *a, const struct plist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!prefix_eq(&a->v[i], &b->v[i]))
			return false;
	return true;
}

#define PRIVATE_ON_PUBLIC (PC_RFC1918 | PC_RFC6598 | PC_ULA)

/* Every range of the classes (a PC_* set), both families. */
static bool
plist_classes(struct plist *l, unsigned classes)
{
	struct prefix v[64];
	size_t n = 0;

	for (unsigned c = 1; c != 0 && c <= classes; c <<= 1) {
		static const uint8_t afis[] = {AFI_IP, AFI_IP6};

		if (!(classes & c))
			continue;
		for (size_t f = 0; f < ARRAY_SIZE(afis); f++) {
			size_t k;
			const struct prefix *r =
			        prefix_class_ranges((enum prefix_class)c, afis[f], &k);

			for (size_t i = 0; r != NULL && i < k && n < ARRAY_SIZE(v); i++)
				v[n++] = r[i];
		}
	}
	return plist_build(l, v, n);
}

struct inbound_policy *
inbound_policy_new(const struct inbound_input *in)
{
	struct inbound_policy *ib = calloc(1, sizeof(*ib));

	if (ib == NULL)
		return NULL;
	ib->peering = in->peering;
	ib->peering_name = in->peering_name ? in->peering_name : policy_peering_name(in->peering);
	ib->accept_set = in->accept_set;
	ib->communities_set = in->communities_set;
	ib->accept_default = in->accept_default;
	if (!plist_classes(&ib->bogons, PC_BOGON) ||
	    !plist_classes(&ib->private_space, PRIVATE_ON_PUBLIC) ||
	    !plist_build(&ib->links, in->links, in->n_links) ||
	    !plist_build(&ib->own, in->own, in->n_own) ||
	    !plist_build(&ib->accept, in->accept, in->accept_set ? in->n_accept : 0))
		goto fail;
	if (in->communities_set && in->n_communities > 0) {
		size_t k = 0;

		ib->comms = malloc(in->n_communities * sizeof(*ib->comms));
		if (ib->comms == NULL)
			goto fail;
		memcpy(ib->comms, in->communities, in->n_communities * sizeof(*ib->comms));
		qsort(ib->comms, in->n_communities, sizeof(*ib->comms), cmp_u32);
		for (size_t i = 0; i < in->n_communities; i++)
			if (k == 0 || ib->comms[k - 1] != ib->comms[i])
				ib->comms[k++] = ib->comms[i];
		ib->ncomms = k;
	}
	return ib;
fail:
	inbound_policy_free(ib);
	return NULL;
}

void
inbound_policy_free(struct inbound_policy *ib)
{
	if (ib == NULL)
		return;
	plist_free(&ib->links);
	plist_free(&ib->own);
	plist_free(&ib->accept);
	plist_free(&ib->bogons);
	plist_free(&ib->private_space);
	free(ib->comms);
	free(ib);
}

bool
inbound_policy_eq(const struct inbound_policy *a, const struct inbound_policy *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->peering == b->peering && a->accept_set == b->accept_set &&
	       a->communities_set == b->communities_set && a->accept_default == b->accept_default &&
	       plist_eq(&a->links, &b->links) && plist_eq(&a->own, &b->own) &&
	       plist_eq(&a->accept, &b->accept) && a->ncomms == b->ncomms &&
	       (a->ncomms == 0 || memcmp(a->comms, b->comms, a->ncomms * sizeof(uint32_t)) == 0);
}

/* ---- the rules ---- */

/* The range of classes (a PC_* set) that covers p, NULL if none. */
static const struct prefix *
class_covering(unsigned classes, const struct prefix *p, unsigned *which)
{
	for (unsigned c = 1; c != 0 && c <= classes; c <<= 1) {
		const struct prefix *r;
		size_t n;

		if (!(classes & c))
			continue;
		r = prefix_class_ranges((enum prefix_class)c, p->afi, &n);
		for (size_t i = 0; r != NULL && i < n; i++)
			if (prefix_covers(&r[i], p)) {
				if (which != NULL)
					*which = c;
				return &r[i];
			}
	}
	return NULL;
}

static int
first_covered(const struct prefix *p, void *val, void *ctx)
{
	const struct prefix **out = ctx;

	(void)p;
	*out = val;
	return 1;
}

/* A /30 equal to, covering or inside p, NULL if none; *rel says which. */
static const struct prefix *
link_overlap(const struct inbound_policy *ib, const struct prefix *p, const char **rel)
{
	const struct prefix *hit = trie_longest(ib->links.t, p, NULL);

	if (hit != NULL) {
		*rel = prefix_eq(hit, p) ? "is" : "inside";
		return hit;
	}
	if (trie_walk_covered(ib->links.t, p, first_covered, &hit) != 0) {
		*rel = "covers";
		return hit;
	}
	return NULL;
}

static bool
has_listed_community(const struct inbound_policy *ib, const struct attr_set *a)
{
	if (a == NULL)
		return false;
	for (uint32_t i = 0; i < a->ncomms; i++)
		if (bsearch(&a->comms[i], ib->comms, ib->ncomms, sizeof(uint32_t), cmp_u32))
			return true;
	return false;
}

enum inbound_reason
inbound_check(const struct inbound_policy *ib, const struct prefix *p, const struct attr_set *a)
{
	const char *rel;

	if (p->len == 0) {
		/*
		 * It covers every /30, but accept-default is the operator asking
		 * for it; the connected /30s stay more specific in the kernel.
		 */
		if (!ib->accept_default)
			return INBOUND_DEFAULT_ROUTE;
	} else {
		if (trie_longest(ib->bogons.t, p, NULL) != NULL)
			return INBOUND_BOGON;
		if (link_overlap(ib, p, &rel) != NULL)
			return INBOUND_LINK_SUBNET;
		if (trie_longest(ib->own.t, p, NULL) != NULL)
			return INBOUND_OWN_SPACE;
		if (ib->peering == POLICY_PUBLIC &&
		    trie_longest(ib->private_space.t, p, NULL) != NULL)
			return INBOUND_PRIVATE_PUBLIC;
	}
	if (ib->accept_set && trie_longest(ib->accept.t, p, NULL) == NULL)
		return INBOUND_NOT_ACCEPTED;
	if (ib->communities_set && !has_listed_community(ib, a))
		return INBOUND_NO_COMMUNITY;
	return INBOUND_ACCEPTED;
}

/* ---- explain ---- */

struct out {
	char *buf;
	size_t size, len;
};

PRINTF_LIKE(2, 3)
static void
out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
	              o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void
explain_communities(struct out *o, const struct inbound_policy *ib)
{
	if (ib->ncomms == 0) {
		out_add(o, " (the list is empty)");
		return;
	}
	out_add(o, " (");
	for (size_t i = 0; i < ib->ncomms; i++)
		out_add(o, "%s%u:%u", i ? " " : "", ib->comms[i] >> 16, ib->comms[i] & 0xffff);
	out_add(o, ")");
}

static void
explain_refused(struct out *o, const struct inbound_policy *ib, const struct prefix *p,
                enum inbound_reason r)
{
	char pb[PREFIX_STRLEN];
	const struct prefix *hit;
	const char *rel = "inside";
	unsigned cls = 0;

	out_add(o, "refused: ");
	switch (r) {
	case INBOUND_BOGON:
	case INBOUND_PRIVATE_PUBLIC:
		hit = class_covering(r == INBOUND_BOGON ? PC_BOGON : PRIVATE_ON_PUBLIC, p, &cls);
		if (hit == NULL)
			break;
		if (r == INBOUND_BOGON)
			out_add(o, "inside %s (%s), bogon or martian space",
			        prefix_fmt(hit, pb, sizeof(pb)),
			        prefix_class_name((enum prefix_class)cls));
		else
			out_add(o, "inside %s (%s) on %s peering", prefix_fmt(hit, pb, sizeof(pb)),
			        prefix_class_name((enum prefix_class)cls), ib->peering_name);
		return;
	case INBOUND_LINK_SUBNET:
		hit = link_overlap(ib, p, &rel);
		if (hit == NULL)
			break;
		out_add(o, "%s peering /30 %s", rel, prefix_fmt(hit, pb, sizeof(pb)));
		return;
	case INBOUND_OWN_SPACE:
		hit = trie_longest(ib->own.t, p, NULL);
		if (hit == NULL)
			break;
		out_add(o, "inside %s, space we announce", prefix_fmt(hit, pb, sizeof(pb)));
		return;
	case INBOUND_NO_COMMUNITY:
		out_add(o, "%s", inbound_reason_text(r));
		explain_communities(o, ib);
		return;
	default:
		break;
	}
	out_add(o, "%s", inbound_reason_text(r));
}

size_t
inbound_explain(const struct inbound_policy *ib, const struct prefix *p, enum inbound_reason r,
                char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	char pb[PREFIX_STRLEN];

	if (size > 0)
		buf[0] = '\0';
	if (r != INBOUND_ACCEPTED) {
		explain_refused(&o, ib, p, r);
		return o.len;
	}
	out_add(&o, "accepted");
	if (ib->accept_set) {
		const struct prefix *hit = trie_longest(ib->accept.t, p, NULL);

		if (hit != NULL)
			out_add(&o, " (accept entry %s covers it)",
			        prefix_fmt(hit, pb, sizeof(pb)));
	}
	if (ib->communities_set)
		out_add(&o, " (carries one of accept-communities)");
	return o.len;
}
