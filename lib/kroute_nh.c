/*
 * kroute_nh: the kernel nexthop objects behind kroute's next-hop sets
 * (see kroute.h, "kernel nexthop objects").
 *
 * Every set whose next hops all have a gateway gets a group (gid) when a
 * route first needs it; every (gateway, interface) in such a set is a
 * member object, shared by the groups that hold it (refs). Object changes
 * are queued here, in the order the kernel must see them (members before
 * the groups that name them, a group before the routes over it, a group's
 * delete before its members' deletes), and the I/O side sends them ahead
 * of the route changes.
 *
 * Failover: when no route wants a set any more and a route leaves it for
 * a set with no group yet, the group is replaced with the new set's
 * members and handed over (nho_move). Every route on the group then has
 * the new next hops after that one message; the old set becomes a ghost
 * that routes follow lazily (kroute.c).
 *
 * Ids: from id_base up, skipping ids in use, so they stay in a range of
 * our own; objects carry our protocol, which is how a dump tells ours.
 */
#include <stdlib.h>
#include <string.h>

#include "kroute.h"
#include "kroute_int.h"

/* ---- the work queue ---- */

static bool
work_push(struct kroute_table *t, const struct kroute_nhop *op)
{
	struct kroute_nh_state *o = &t->nho;

	if (o->wlen == o->wcap) {
		size_t cap = o->wcap ? o->wcap * 2 : 16;
		struct kroute_nhop *w = malloc(cap * sizeof(*w));

		if (w == NULL)
			return false;
		for (size_t i = 0; i < o->wlen; i++)
			w[i] = o->work[(o->whead + i) % o->wcap];
		free(o->work);
		o->work = w;
		o->wcap = cap;
		o->whead = 0;
	}
	o->work[(o->whead + o->wlen) % o->wcap] = *op;
	o->wlen++;
	return true;
}

static void
work_del(struct kroute_table *t, uint32_t id)
{
	struct kroute_nhop op = {.del = true, .id = id};

	/* Without memory the object stays behind: the next start's dump removes it. */
	work_push(t, &op);
}

bool
kroute_nh_peek(const struct kroute_table *t, struct kroute_nhop *op)
{
	const struct kroute_nh_state *o = &t->nho;

	if (o->wlen == 0)
		return false;
	*op = o->work[o->whead];
	return true;
}

void
kroute_nh_pop(struct kroute_table *t)
{
	struct kroute_nh_state *o = &t->nho;

	if (o->wlen == 0)
		return;
	o->whead = (o->whead + 1) % o->wcap;
	o->wlen--;
}

size_t
kroute_nh_queued(const struct kroute_table *t)
{
	return t->nho.wlen;
}

/* ---- ids ---- */

static struct nhmember *
member_by_id(struct nhmember *m, uint32_t id)
{
	for (; m != NULL; m = m->next)
		if (m->id == id)
			return m;
	return NULL;
}

static struct nhset *
set_by_gid(const struct kroute_table *t, uint32_t gid)
{
	struct nhset *last = t->nho.last_set;

	if (last != NULL && last->gid == gid)
		return last;
	for (size_t i = 0; i < t->nh_hash_size; i++)
		for (struct nhset *s = t->nh_hash[i]; s != NULL; s = s->hnext)
			if (s->gid == gid)
				return s;
	return NULL;
}

static bool
found_has(const struct kroute_table *t, uint32_t id)
{
	for (size_t i = 0; i < t->nho.nfound; i++)
		if (t->nho.found[i].id == id)
			return true;
	return member_by_id(t->nho.dmembers, id) != NULL;
}

static bool
id_in_use(const struct kroute_table *t, uint32_t id)
{
	return member_by_id(t->nho.members, id) != NULL || set_by_gid(t, id) != NULL ||
	       found_has(t, id);
}

static uint32_t
id_alloc(struct kroute_table *t)
{
	struct kroute_nh_state *o = &t->nho;

	for (uint32_t tries = 0; tries < KROUTE_NH_ID_SPAN; tries++) {
		uint32_t id = o->id_base + o->id_next;

		o->id_next = (o->id_next + 1) % KROUTE_NH_ID_SPAN;
		if (id != 0 && !id_in_use(t, id))
			return id;
	}
	return 0;
}

void
kroute_use_nexthop_objects(struct kroute_table *t, uint32_t id_base)
{
	t->nho.on = true;
	t->nho.id_base = id_base;
	t->nho.id_next = 1;
}

bool
kroute_nexthop_objects(const struct kroute_table *t)
{
	return t->nho.on;
}

size_t
kroute_nh_groups(const struct kroute_table *t)
{
	return t->nho.ngroups;
}

size_t
kroute_nh_members(const struct kroute_table *t)
{
	return t->nho.nmembers;
}

/* ---- members ---- */

static struct nhmember *
member_find(struct nhmember *m, const struct kroute_nexthop *nh)
{
	for (; m != NULL; m = m->next)
		if (kr_nh_cmp(&m->nh, nh) == 0)
			return m;
	return NULL;
}

/* The member object for nh with a reference taken, queued for creation if need be. */
static struct nhmember *
member_get(struct kroute_table *t, const struct kroute_nexthop *nh)
{
	struct nhmember *m = member_find(t->nho.members, nh);

	if (m == NULL) {
		uint32_t id = id_alloc(t);

		if (id == 0 || (m = calloc(1, sizeof(*m))) == NULL)
			return NULL;
		m->id = id;
		m->nh = *nh;
		m->next = t->nho.members;
		t->nho.members = m;
		t->nho.nmembers++;
	}
	if (!m->ok) {
		struct kroute_nhop op = {.id = m->id, .nh = m->nh};

		if (!work_push(t, &op))
			return NULL;
		m->ok = true;
	}
	m->refs++;
	return m;
}

static void
member_put(struct kroute_table *t, const struct kroute_nexthop *nh)
{
	struct nhmember **pp = &t->nho.members, *m;

	while (*pp != NULL && kr_nh_cmp(&(*pp)->nh, nh) != 0)
		pp = &(*pp)->next;
	m = *pp;
	if (m == NULL || --m->refs > 0)
		return;
	*pp = m->next;
	t->nho.nmembers--;
	if (m->ok)
		work_del(t, m->id);
	free(m);
}

/* References on s's members; false (none kept) without memory. */
static bool
members_get(struct kroute_table *t, const struct nhset *s, uint32_t *ids)
{
	for (size_t i = 0; i < s->n; i++) {
		struct nhmember *m = member_get(t, &s->nh[i]);

		if (m == NULL) {
			while (i-- > 0)
				member_put(t, &s->nh[i]);
			return false;
		}
		ids[i] = m->id;
	}
	return true;
}

static void
members_put(struct kroute_table *t, const struct nhset *s)
{
	for (size_t i = 0; i < s->n; i++)
		member_put(t, &s->nh[i]);
}

/* ---- groups ---- */

bool
nho_eligible(const struct kroute_table *t, const struct nhset *s)
{
	if (!t->nho.on || s == NULL || s == t->bh || s->n == 0)
		return false;
	/* A next hop without a gateway has no family of its own to give the kernel. */
	for (size_t i = 0; i < s->n; i++)
		if (s->nh[i].gw.afi == 0 || s->nh[i].ifindex == 0)
			return false;
	return true;
}

/* Queue the group gid holding s's next hops (create, or replace what it held). */
static bool
group_push(struct kroute_table *t, uint32_t gid, const struct nhset *s, const uint32_t *ids)
{
	struct kroute_nhop op = {.id = gid, .n = s->n};

	memcpy(op.member, ids, s->n * sizeof(ids[0]));
	return work_push(t, &op);
}

bool
nho_ensure(struct kroute_table *t, struct nhset *s)
{
	uint32_t ids[KROUTE_MAX_NEXTHOPS];
	bool fresh = s->gid == 0;

	if (s->gok)
		return true;
	if (fresh && (s->gid = id_alloc(t)) == 0)
		return false;
	/* Members the kernel lost are queued again here, before the group. */
	if (!members_get(t, s, ids)) {
		if (fresh)
			s->gid = 0;
		return false;
	}
	if (!group_push(t, s->gid, s, ids)) {
		members_put(t, s);
		if (fresh)
			s->gid = 0;
		return false;
	}
	if (fresh)
		t->nho.ngroups++;
	else
		members_put(t, s); /* a group that had them holds them already */
	s->gok = true;
	return true;
}

void
nho_release(struct kroute_table *t, struct nhset *s)
{
	/* The group first: the kernel then lets its members go. */
	work_del(t, s->gid);
	members_put(t, s);
	t->nho.ngroups--;
	s->gid = 0;
	s->gok = false;
}

bool
nho_move(struct kroute_table *t, struct nhset *from, struct nhset *to)
{
	uint32_t ids[KROUTE_MAX_NEXTHOPS];
	struct nhset **pp;

	if (!members_get(t, to, ids))
		return false;
	if (!group_push(t, from->gid, to, ids)) {
		members_put(t, to);
		return false;
	}
	/* The group's old members go after the replace that stops naming them. */
	members_put(t, from);
	to->gid = from->gid;
	to->gok = true;
	to->moved_in = true;
	from->gid = 0;
	from->gok = false;
	/* A ghost: out of the hash, holding its successor. */
	pp = &t->nh_hash[from->hash & (t->nh_hash_size - 1)];
	while (*pp != from)
		pp = &(*pp)->hnext;
	*pp = from->hnext;
	t->nh_count--;
	from->ghost = true;
	from->moved_to = kr_nh_ref(to);
	return true;
}

bool
kroute_nh_failed(struct kroute_table *t, uint32_t id)
{
	struct nhmember *m = member_by_id(t->nho.members, id);
	struct nhset *s;

	if (m != NULL) {
		m->ok = false;
		return false;
	}
	s = set_by_gid(t, id);
	if (s == NULL || !s->gok)
		return false;
	s->gok = false;
	if (s->moved_in) {
		s->moved_in = false;
		return true;
	}
	return false;
}

bool
kroute_nh_live(const struct kroute_table *t, uint32_t id)
{
	const struct nhmember *m = member_by_id(t->nho.members, id);
	const struct nhset *s;

	if (id == 0)
		return false;
	if (m != NULL)
		return m->ok;
	s = set_by_gid(t, id);
	return s != NULL && s->gok;
}

/* ---- dumps ---- */

void
kroute_nh_dump_begin(struct kroute_table *t)
{
	struct kroute_nh_state *o = &t->nho;

	/* What the dump does not confirm is created again on use. */
	for (struct nhmember *m = o->members; m != NULL; m = m->next)
		m->ok = false;
	for (size_t i = 0; i < t->nh_hash_size; i++)
		for (struct nhset *s = t->nh_hash[i]; s != NULL; s = s->hnext)
			s->gok = false;
	o->nfound = 0;
	o->last_set = NULL;
}

int
kroute_nh_dump_member(struct kroute_table *t, uint32_t id, const struct kroute_nexthop *nh)
{
	struct nhmember *m = member_by_id(t->nho.members, id);

	if (m != NULL && kr_nh_cmp(&m->nh, nh) == 0) {
		m->ok = true;
		return KROUTE_OK;
	}
	if (member_by_id(t->nho.dmembers, id) != NULL)
		return KROUTE_OK;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return KROUTE_ERR_NOMEM;
	m->id = id;
	m->nh = *nh;
	m->ok = true;
	m->next = t->nho.dmembers;
	t->nho.dmembers = m;
	return KROUTE_OK;
}

static int
found_cmp(const void *a, const void *b)
{
	return kr_nh_cmp(a, b);
}

int
kroute_nh_dump_group(struct kroute_table *t, uint32_t id, const uint32_t *member, size_t n)
{
	struct kroute_nh_state *o = &t->nho;
	struct nhset *s = set_by_gid(t, id);
	struct nhfound *f;

	if (n == 0 || n > KROUTE_MAX_NEXTHOPS)
		return KROUTE_ERR_INVAL;
	if (o->nfound == o->capfound) {
		size_t cap = o->capfound ? o->capfound * 2 : 8;
		struct nhfound *v = realloc(o->found, cap * sizeof(*v));

		if (v == NULL)
			return KROUTE_ERR_NOMEM;
		o->found = v;
		o->capfound = cap;
	}
	f = &o->found[o->nfound];
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->n = n;
	for (size_t i = 0; i < n; i++) {
		struct nhmember *m = member_by_id(o->members, member[i]);

		if (m == NULL)
			m = member_by_id(o->dmembers, member[i]);
		if (m == NULL)
			f->bad = true;
		else
			f->nh[i] = m->nh;
		f->member[i] = member[i];
	}
	qsort(f->nh, n, sizeof(f->nh[0]), found_cmp);
	/* Ours and as expected: nothing to do. Ours but changed: replaced on use. */
	if (s != NULL) {
		bool same = !f->bad && s->n == n;

		for (size_t i = 0; same && i < n; i++)
			same = kr_nh_cmp(&s->nh[i], &f->nh[i]) == 0;
		s->gok = same;
		return KROUTE_OK;
	}
	o->nfound++;
	return KROUTE_OK;
}

/* Take over a previous run's group f for the set s: its members become ours. */
static bool
adopt_group(struct kroute_table *t, struct nhfound *f, struct nhset *s)
{
	struct kroute_nh_state *o = &t->nho;

	for (size_t i = 0; i < f->n; i++) {
		struct nhmember *m = member_by_id(o->members, f->member[i]);

		if (m == NULL) {
			const struct nhmember *d = member_by_id(o->dmembers, f->member[i]);

			/* Another member of ours already stands for this next hop. */
			if (d == NULL || member_find(o->members, &d->nh) != NULL)
				return false;
		}
	}
	for (size_t i = 0; i < f->n; i++) {
		struct nhmember *m = member_by_id(o->members, f->member[i]), **pp;

		if (m == NULL) {
			pp = &o->dmembers;
			while ((*pp)->id != f->member[i])
				pp = &(*pp)->next;
			m = *pp;
			*pp = m->next;
			m->next = o->members;
			o->members = m;
			o->nmembers++;
		}
		m->refs++;
	}
	s->gid = f->id;
	s->gok = true;
	o->ngroups++;
	f->id = 0; /* no longer a find */
	return true;
}

struct nhset *
nho_dump_lookup(struct kroute_table *t, uint32_t gid)
{
	struct kroute_nh_state *o = &t->nho;
	struct nhset *s = set_by_gid(t, gid);

	if (s != NULL) {
		o->last_set = s;
		return kr_nh_ref(s);
	}
	for (size_t i = 0; i < o->nfound; i++) {
		struct nhfound *f = &o->found[i];

		if (f->id != gid || f->bad)
			continue;
		f->used = true;
		s = kr_nh_intern(t, f->nh, f->n);
		if (s == NULL)
			return NULL;
		if (s->gid == 0 && o->on && nho_eligible(t, s) && adopt_group(t, f, s))
			o->last_set = s;
		return s;
	}
	return NULL;
}

void
nho_dump_end(struct kroute_table *t, bool ok)
{
	struct kroute_nh_state *o = &t->nho;

	if (ok) {
		/* Ours, and no route on them: a previous run's leftovers. */
		for (size_t i = 0; i < o->nfound; i++)
			if (o->found[i].id != 0 && !o->found[i].used)
				work_del(t, o->found[i].id);
		for (struct nhmember *m = o->dmembers; m != NULL; m = m->next) {
			bool held = false;

			for (size_t i = 0; i < o->nfound && !held; i++)
				for (size_t j = 0; j < o->found[i].n && !held; j++)
					held = o->found[i].used && o->found[i].member[j] == m->id;
			if (!held)
				work_del(t, m->id);
		}
		/* A group the kernel lost or changed, still in use: make it again. */
		for (size_t i = 0; i < t->nh_hash_size; i++)
			for (struct nhset *s = t->nh_hash[i]; s != NULL; s = s->hnext)
				if (s->gid != 0 && !s->gok && s->refs > 0)
					nho_ensure(t, s);
	}
	while (o->dmembers != NULL) {
		struct nhmember *m = o->dmembers;

		o->dmembers = m->next;
		free(m);
	}
	o->nfound = 0;
	o->last_set = NULL;
}

size_t
nho_retry_due(struct kroute_table *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nh_hash_size; i++)
		for (struct nhset *s = t->nh_hash[i]; s != NULL; s = s->hnext)
			if (s->gid != 0 && !s->gok && s->refs > 0 && !nho_ensure(t, s))
				n++;
	return n;
}

void
nho_free(struct kroute_table *t)
{
	struct kroute_nh_state *o = &t->nho;

	for (struct nhmember *m = o->members, *n; m != NULL; m = n) {
		n = m->next;
		free(m);
	}
	for (struct nhmember *m = o->dmembers, *n; m != NULL; m = n) {
		n = m->next;
		free(m);
	}
	free(o->work);
	free(o->found);
	memset(o, 0, sizeof(*o));
}
