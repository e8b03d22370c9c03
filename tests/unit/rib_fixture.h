/*
 * rib_fixture: what test_rib and test_rib_random share: prefix and address
 * literals, attribute sets from a path description, a RIB with the
 * provider's two eBGP sessions, an iBGP peer and a third eBGP peer.
 */
#ifndef CEBGP_TEST_RIB_FIXTURE_H
#define CEBGP_TEST_RIB_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler.h"
#include "rib.h"

static inline struct prefix
P(const char *s) {
	struct prefix p;

	ck_assert_msg(prefix_parse(s, &p, PREFIX_PARSE_HOST) == PREFIX_OK, "%s", s);
	return p;
}
#define PP(s) (&(struct prefix[1]){P(s)}[0])

static inline struct addr
A(const char *s) {
	struct addr a;

	ck_assert_msg(addr_parse(s, &a) == PREFIX_OK, "%s", s);
	return a;
}

/*
 * A path description for tests: fields left 0 mean "absent" for MED and
 * LOCAL_PREF (use the has_ flags), the AS path is a string like
 * "12076 65001 {1,2} (65010)" parsed here.
 */
struct spec {
	const char *aspath;
	const char *nexthop;
	int origin;
	bool has_med, has_lp;
	uint32_t med, lp;
};

static inline const struct attr *
mk(struct attr_table *t, const struct spec *sp)
{
	struct attr_seg segs[16];
	uint32_t asns[64];
	struct attr_set s;
	const char *c = sp->aspath ? sp->aspath : "";
	unsigned nsegs = 0, nasns = 0;
	const struct attr *a;

	attr_set_init(&s);
	s.present = ATTR_HAS_ORIGIN | ATTR_HAS_AS_PATH;
	s.origin = (uint8_t)sp->origin;
	bool seq_open = false; /* the last segment is a plain sequence still growing */

	while (*c != '\0') {
		char *end;

		if (*c == ' ') {
			c++;
			continue;
		}
		if (*c == '{' || *c == '(' || *c == '[') {
			char close = *c == '{' ? '}' : *c == '(' ? ')' : ']';

			segs[nsegs].type = *c == '{'   ? AS_SET
			                   : *c == '(' ? AS_CONFED_SEQUENCE
			                               : AS_CONFED_SET;
			segs[nsegs++].count = 0;
			c++;
			while (*c != close && *c != '\0') {
				if (*c == ' ' || *c == ',') {
					c++;
					continue;
				}
				asns[nasns++] = (uint32_t)strtoul(c, &end, 10);
				segs[nsegs - 1].count++;
				c = end;
			}
			if (*c == close)
				c++;
			seq_open = false;
			continue;
		}
		if (!seq_open) {
			segs[nsegs].type = AS_SEQUENCE;
			segs[nsegs++].count = 0;
			seq_open = true;
		}
		asns[nasns++] = (uint32_t)strtoul(c, &end, 10);
		segs[nsegs - 1].count++;
		ck_assert_ptr_ne(end, c);
		c = end;
	}
	s.nsegs = (uint16_t)nsegs;
	s.nasns = (uint16_t)nasns;
	s.segs = segs;
	s.asns = asns;
	if (sp->nexthop != NULL) {
		s.present |= ATTR_HAS_NEXT_HOP;
		s.nexthop = A(sp->nexthop);
	}
	if (sp->has_med) {
		s.present |= ATTR_HAS_MED;
		s.med = sp->med;
	}
	if (sp->has_lp) {
		s.present |= ATTR_HAS_LOCAL_PREF;
		s.local_pref = sp->lp;
	}
	a = attr_intern(t, &s);
	ck_assert_ptr_nonnull(a);
	return a;
}

/* Records every change reported, the last per prefix and a count. */
struct changes {
	struct rib_change last;
	int n;
};

static inline void
on_change(const struct rib_change *c, void *ctx)
{
	struct changes *ch = ctx;

	ch->last = *c;
	ch->n++;
}

struct fixture {
	struct attr_table *at;
	struct rib *r;
	struct changes ch;
};

static inline void
peer(struct rib *r, uint16_t id, const char *addr, uint32_t bgp_id, uint32_t as, bool ebgp)
{
	struct rib_peer_info pi = {.addr = A(addr), .bgp_id = bgp_id, .as = as, .ebgp = ebgp};

	ck_assert(rib_peer_set(r, id, &pi));
}

static inline void
setup(struct fixture *f, const struct rib_opts *o)
{
	memset(f, 0, sizeof(*f));
	f->at = attr_table_new();
	f->r = rib_new(o, on_change, &f->ch);
	ck_assert_ptr_nonnull(f->at);
	ck_assert_ptr_nonnull(f->r);
	/* Two eBGP sessions to one provider (primary, secondary), one iBGP peer. */
	peer(f->r, 1, "172.16.1.2", 0x0a000002, 12076, true);
	peer(f->r, 2, "172.16.2.2", 0x0a000003, 12076, true);
	peer(f->r, 3, "192.0.2.9", 0x0a000001, 65520, false);
	peer(f->r, 4, "172.16.3.2", 0x0a000004, 65001, true);
}

static inline void
teardown(struct fixture *f)
{
	rib_free(f->r);
	ck_assert_uint_eq(attr_table_count(f->at), 0); /* every reference returned */
	attr_table_free(f->at);
}

/* Announce with eff == in and drop our own reference. */
static inline void
announce(struct fixture *f, uint16_t peer_id, const char *p, const struct spec *sp)
{
	const struct attr *a = mk(f->at, sp);

	ck_assert(rib_update(f->r, peer_id, PP(p), a, a, 0, 0));
	attr_unref(a);
}

static inline uint16_t
best_peer(struct fixture *f, const char *p)
{
	const struct rib_path *b = rib_best(f->r, PP(p));

	ck_assert_ptr_nonnull(b);
	ck_assert(b->flags & RIB_PATH_BEST);
	return b->peer;
}

#endif
