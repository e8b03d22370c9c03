/*
 * config_validate: the rules that relate several nodes (one OpenBGPD-style
 * consistency pass after the parse), then the flattening of circuits into
 * sessions. Runs only when the parse found no error, so every field it
 * reads has a checked value.
 */
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "profile.h"

/* ---- inheritance ---------------------------------------------------- */

static void
opts_defaults(struct config_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timers.hold = CONFIG_DEFAULT_HOLD;
	o->timers.keepalive = CONFIG_DEFAULT_KEEPALIVE;
	o->timers.connect_retry = CONFIG_DEFAULT_CONNECT_RETRY;
	o->timers.idle_hold = CONFIG_DEFAULT_IDLE_HOLD;
	o->timers.idle_hold_max = CONFIG_DEFAULT_IDLE_HOLD_MAX;
	o->port = CONFIG_DEFAULT_PORT;
	o->max_received = CONFIG_DEFAULT_MAX_RECEIVED;
	o->install = true;
	o->table = CONFIG_TABLE_MAIN;
	o->protocol = CONFIG_DEFAULT_PROTOCOL;
	cfg_bfd_defaults(&o->bfd);
}

#define APPLY(field, opt)                                \
	do {                                             \
		if (l->set & (1u << (opt))) {            \
			out->v.field = l->v.field;       \
			out->pos[(opt)] = l->pos[(opt)]; \
		}                                        \
	} while (0)

/* Nearest wins: layers go from the top level down to the session block. */
void
cfg_resolve(struct cfg_resolved *out, const struct cfg_layer *const *layers, size_t n)
{
	memset(out, 0, sizeof(*out));
	opts_defaults(&out->v);
	for (size_t i = 0; i < n; i++) {
		const struct cfg_layer *l = layers[i];
		if (l == NULL)
			continue;
		APPLY(timers.hold, OPT_HOLD);
		APPLY(timers.keepalive, OPT_KEEPALIVE);
		APPLY(timers.connect_retry, OPT_CONNECT_RETRY);
		APPLY(timers.idle_hold, OPT_IDLE_HOLD);
		APPLY(timers.idle_hold_max, OPT_IDLE_HOLD_MAX);
		APPLY(port, OPT_PORT);
		APPLY(passive, OPT_PASSIVE);
		APPLY(ttl_security, OPT_TTL_SECURITY);
		APPLY(prepend, OPT_PREPEND);
		APPLY(max_received, OPT_MAX_RECEIVED);
		APPLY(install, OPT_INSTALL);
		APPLY(table, OPT_TABLE);
		APPLY(metric, OPT_METRIC);
		APPLY(protocol, OPT_PROTOCOL);
		cfg_bfd_apply(out, l);
	}
}

static struct config_pos
pos_or(struct config_pos a, struct config_pos b)
{
	return a.line ? a : b;
}

/* RFC 4271 §4.2 / §4.4 relations between the resolved timers. */
static void
check_timers(struct cfg_ctx *c, const struct cfg_resolved *r)
{
	const struct config_timers *t = &r->v.timers;
	struct config_pos kp = pos_or(r->pos[OPT_KEEPALIVE], r->pos[OPT_HOLD]);

	if (t->hold != 0 && t->keepalive >= t->hold)
		cfg_err(c, kp,
		        "timers: keepalive %u is not less than hold %u; keepalive must be at "
		        "most a third of the hold time (RFC 4271 4.4)",
		        t->keepalive, t->hold);
	else if (t->hold != 0 && t->keepalive > t->hold / 3)
		cfg_warn(c, kp,
		         "timers: keepalive %u is more than a third of hold %u (RFC 4271 4.4 "
		         "suggests a third)",
		         t->keepalive, t->hold);
	if (t->idle_hold_max < t->idle_hold)
		cfg_err(c, pos_or(r->pos[OPT_IDLE_HOLD_MAX], r->pos[OPT_IDLE_HOLD]),
		        "timers: idle-hold-max %u is below idle-hold %u", t->idle_hold_max,
		        t->idle_hold);
}

/* ---- per circuit ---------------------------------------------------- */

/* Each peering of a circuit runs on its own VLAN of the same ports. */
static void
check_vlans(struct cfg_ctx *c, size_t i)
{
	const struct config_circuit *ci = &c->cfg->circuits[i];
	const struct cfg_circuit_extra *x = &c->cx[i];

	for (int t = 0; t < CONFIG_NPEERINGS; t++)
		for (int u = 0; u < t; u++) {
			const struct config_peering *a = &ci->peering[u], *b = &ci->peering[t];
			if (!a->present || !b->present || a->vlan != b->vlan)
				continue;
			cfg_err(c, x->vlan_pos[t],
			        "vlan: %u is also the %s peering's VLAN (line %u); %s and %s "
			        "peering need different VLANs",
			        b->vlan, config_peering_name(u), x->vlan_pos[u].line,
			        config_peering_name(u), config_peering_name(t));
			break;
		}
}

/*
 * The first subnet is the primary link (the guide's table; the provider
 * numbers them so): a primary subnet after the secondary one of the same
 * family is most likely the two swapped, and then each leg's addresses
 * sit on the other leg's port.
 */
static void
check_swapped(struct cfg_ctx *c, const struct config_circuit *ci, int t)
{
	const struct config_peering *pe = &ci->peering[t];
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	for (int v6 = 0; v6 < 2; v6++) {
		const bool *set = v6 ? pe->subnet6_set : pe->subnet_set;
		const struct prefix *p = v6 ? pe->subnet6 : pe->subnet;
		const struct config_pos *pos = v6 ? pe->subnet6_pos : pe->subnet_pos;
		const char *sfx = v6 ? "-v6" : "";

		if (!set[CONFIG_PRIMARY] || !set[CONFIG_SECONDARY] ||
		    prefix_cmp(&p[CONFIG_PRIMARY], &p[CONFIG_SECONDARY]) <= 0)
			continue;
		cfg_warn(c, pos[CONFIG_PRIMARY],
		         "primary-subnet%s: %s comes after secondary-subnet%s %s (line %u); the "
		         "first subnet is the primary link: check the two are not swapped against "
		         "the provider's (each leg's addresses would sit on the other port)",
		         sfx, prefix_fmt(&p[CONFIG_PRIMARY], a, sizeof(a)), sfx,
		         prefix_fmt(&p[CONFIG_SECONDARY], b, sizeof(b)),
		         pos[CONFIG_SECONDARY].line);
	}
}

static void
check_circuit(struct cfg_ctx *c, size_t i)
{
	struct config *cfg = c->cfg;
	struct config_circuit *ci = &cfg->circuits[i];
	struct cfg_circuit_extra *x = &c->cx[i];

	for (size_t j = 0; j < i; j++)
		if (strcmp(cfg->circuits[j].name, ci->name) == 0)
			cfg_err(c, x->name_pos, "name: circuit '%s' is already defined at line %u",
			        ci->name, c->cx[j].name_pos.line);
	if (ci->md5_key[0] == '\0') {
		int with = 0;
		for (int t = 0; t < CONFIG_NPEERINGS; t++)
			with += ci->peering[t].present && ci->peering[t].md5_key[0] != '\0';
		if (with == 0)
			cfg_warn(c, x->name_pos,
			         "circuit %s: no MD5 key (md5-key, md5-key-file or md5-password); "
			         "the sessions are not authenticated",
			         ci->name);
		for (int t = 0; with > 0 && t < CONFIG_NPEERINGS; t++)
			if (ci->peering[t].present && ci->peering[t].md5_key[0] == '\0')
				cfg_warn(c, ci->peering[t].pos,
				         "%s: no MD5 key here or in circuit %s; this peering's "
				         "sessions are not authenticated",
				         config_peering_name(t), ci->name);
	}
	if (ci->provider_asn == cfg->asn)
		cfg_err(c, pos_or(x->provider_asn_pos, x->name_pos),
		        "provider-asn: %u is also asn; the sessions with the provider are eBGP",
		        ci->provider_asn);
	if (ci->link[CONFIG_PRIMARY].present && ci->link[CONFIG_SECONDARY].present &&
	    strcmp(ci->link[CONFIG_PRIMARY].ifname, ci->link[CONFIG_SECONDARY].ifname) == 0)
		cfg_err(c, ci->link[CONFIG_SECONDARY].pos,
		        "links.secondary: interface %s is also the primary link's (line %u); both "
		        "legs of a peering on one interface share one port and fail together",
		        ci->link[CONFIG_SECONDARY].ifname, ci->link[CONFIG_PRIMARY].pos.line);
	check_vlans(c, i);
	cfg_check_profile(c, i);
	for (int t = 0; t < CONFIG_NPEERINGS; t++) {
		struct config_peering *pe = &ci->peering[t];
		if (!pe->present)
			continue;
		for (int r = 0; r < CONFIG_NROLES; r++) {
			if (ci->link[r].present && !pe->subnet_set[r])
				cfg_err(c, pe->pos,
				        "peerings.%s: missing %s-subnet (the circuit has a %s "
				        "link)",
				        config_peering_name(t), config_role_name(r),
				        config_role_name(r));
			if (ci->link[r].present && !pe->subnet6_set[r] && pe->subnet6_set[!r])
				cfg_err(c, pe->pos,
				        "peerings.%s: missing %s-subnet-v6 (the peering has a "
				        "%s-subnet-v6 and the circuit a %s link); give both /126s "
				        "or neither",
				        config_peering_name(t), config_role_name(r),
				        config_role_name(!r), config_role_name(r));
			if (!ci->link[r].present && pe->leg[r].present)
				cfg_warn(c, pe->leg[r].pos,
				         "%s: the circuit has no %s link; this block has no "
				         "effect",
				         config_role_name(r), config_role_name(r));
		}
		check_swapped(c, ci, t);
	}
}

/* ---- subnets and announcements -------------------------------------- */

struct subnet_ref {
	size_t circuit;
	enum config_peering_type type;
	enum config_role role;
	const struct prefix *p;
	struct config_pos pos;
};

/* "primary-subnet", "secondary-subnet-v6": the key that gave it. */
static const char *
subnet_key(const struct subnet_ref *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s-subnet%s", config_role_name(s->role),
	         s->p->afi == AFI_IP6 ? "-v6" : "");
	return buf;
}

static size_t
collect_subnets(struct cfg_ctx *c, struct subnet_ref *out)
{
	size_t n = 0;

	for (size_t i = 0; i < c->cfg->ncircuits; i++)
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			const struct config_peering *pe = &c->cfg->circuits[i].peering[t];
			if (!pe->present)
				continue;
			for (int r = 0; r < CONFIG_NROLES; r++) {
				if (pe->subnet_set[r])
					out[n++] = (struct subnet_ref){i, t, r, &pe->subnet[r],
					                               pe->subnet_pos[r]};
				if (pe->subnet6_set[r])
					out[n++] = (struct subnet_ref){i, t, r, &pe->subnet6[r],
					                               pe->subnet6_pos[r]};
			}
		}
	return n;
}

static void
check_subnets(struct cfg_ctx *c, const struct subnet_ref *s, size_t n)
{
	char a[PREFIX_STRLEN], kj[32], ki[32];

	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < j; i++) {
			const char *len = s[j].p->afi == AFI_IP6 ? "/126" : "/30";
			if (s[i].p->afi != s[j].p->afi || !prefix_overlaps(s[i].p, s[j].p))
				continue;
			if (s[i].circuit == s[j].circuit)
				cfg_err(c, s[j].pos,
				        "%s: %s overlaps the %s %s at line %u; the %ss of a "
				        "circuit "
				        "must be pairwise disjoint",
				        subnet_key(&s[j], kj, sizeof(kj)),
				        prefix_fmt(s[j].p, a, sizeof(a)),
				        config_peering_name(s[i].type),
				        subnet_key(&s[i], ki, sizeof(ki)), s[i].pos.line, len);
			else
				cfg_err(c, s[j].pos,
				        "%s: %s overlaps the %s %s of circuit %s at line %u; every "
				        "session needs its own %s",
				        subnet_key(&s[j], kj, sizeof(kj)),
				        prefix_fmt(s[j].p, a, sizeof(a)),
				        config_peering_name(s[i].type),
				        subnet_key(&s[i], ki, sizeof(ki)),
				        c->cfg->circuits[s[i].circuit].name, s[i].pos.line, len);
			break;
		}
}

/* The guide: the BGP subnets cannot overlap on-premises or virtual networks. */
static void
check_announced(struct cfg_ctx *c, size_t circuit, const struct config_prefix *cp,
                const struct subnet_ref *s, size_t n)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN], where[96] = "", key[32];

	prefix_fmt(&cp->prefix, a, sizeof(a));
	if (cp->prefix.len == 0) {
		/* It covers every /30; the overlap is not the point. */
		cfg_warn(c, cp->pos,
		         "announce: %s is the default route; the outbound policy never "
		         "advertises it",
		         a);
		return;
	}
	for (size_t j = 0; j < n; j++) {
		if (s[j].p->afi != cp->prefix.afi || !prefix_overlaps(&cp->prefix, s[j].p))
			continue;
		if (s[j].circuit != circuit)
			snprintf(where, sizeof(where), " of circuit %s",
			         c->cfg->circuits[s[j].circuit].name);
		cfg_err(c, cp->pos,
		        "announce: %s overlaps the %s %s %s%s (line %u); the guide: the "
		        "BGP subnets cannot overlap on-premises or virtual networks",
		        a, config_peering_name(s[j].type), subnet_key(&s[j], key, sizeof(key)),
		        prefix_fmt(s[j].p, b, sizeof(b)), where, s[j].pos.line);
		return;
	}
}

/*
 * Public peering carries no RFC 1918, RFC 6598 or ULA space. An entry
 * inside such a block is dropped by the policy with a warning; an entry
 * that CONTAINS one (8.0.0.0/6 holds 10/8) is an error: no customer can
 * own it, and splitting it around the block would advertise the rest of a
 * supernet the provider's ownership check refuses.
 */
static void
check_public_announced(struct cfg_ctx *c, int t, const struct config_prefix *cp)
{
	static const enum prefix_class cls[] = {PC_RFC1918, PC_RFC6598, PC_ULA};
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	for (size_t k = 0; k < sizeof(cls) / sizeof(cls[0]); k++) {
		size_t n = 0;
		const struct prefix *r = prefix_class_ranges(cls[k], cp->prefix.afi, &n);

		for (size_t j = 0; r && j < n; j++) {
			if (r[j].afi != cp->prefix.afi || cp->prefix.len == 0 ||
			    !prefix_covers(&cp->prefix, &r[j]))
				continue;
			cfg_err(c, cp->pos,
			        "announce: %s contains %s space %s, which no customer owns and "
			        "%s peering never carries: list only the public blocks you own",
			        prefix_fmt(&cp->prefix, a, sizeof(a)), prefix_class_name(cls[k]),
			        prefix_fmt(&r[j], b, sizeof(b)), config_peering_name(t));
			return;
		}
	}
}

static void
check_announce(struct cfg_ctx *c, const struct subnet_ref *s, size_t n)
{
	for (size_t i = 0; i < c->cfg->ncircuits; i++)
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			const struct config_peering *pe = &c->cfg->circuits[i].peering[t];
			const struct config_prefix_list *l = &pe->announce;
			bool v6 = pe->subnet6_set[CONFIG_PRIMARY] ||
			          pe->subnet6_set[CONFIG_SECONDARY];
			bool warned = false;

			for (size_t k = 0; k < l->n; k++) {
				check_announced(c, i, &l->v[k], s, n);
				if (profile_public_only(c->cfg->circuits[i].profile,
				                        (enum config_peering_type)t))
					check_public_announced(c, t, &l->v[k]);
				if (l->v[k].prefix.afi == AFI_IP6 && !v6 && !warned) {
					cfg_warn(c, l->v[k].pos,
					         "announce: %s is IPv6 but the %s peering has no "
					         "IPv6 session; add primary-subnet-v6 and "
					         "secondary-subnet-v6, or it is never advertised",
					         l->v[k].text, config_peering_name(t));
					warned = true;
				}
			}
		}
}

/* ---- sessions ------------------------------------------------------- */

struct session_src {
	struct config_pos ifpos; /* where the interface name came from */
	bool overridden;
	size_t circuit;
};

static void
make_session(struct cfg_ctx *c, size_t i, int t, int r, uint8_t afi, struct session_src *src)
{
	struct config *cfg = c->cfg;
	struct config_circuit *ci = &cfg->circuits[i];
	struct config_peering *pe = &ci->peering[t];
	struct cfg_circuit_extra *x = &c->cx[i];
	struct config_session *s = &cfg->sessions[cfg->nsessions];
	const struct cfg_layer *layers[4] = {&c->global, &x->layer, &x->peering_layer[t],
	                                     &x->leg_layer[t][r]};
	struct cfg_resolved res;
	char name[64];

	memset(s, 0, sizeof(*s));
	snprintf(s->key, sizeof(s->key), "%s/%s/%s%s", ci->name, config_peering_name(t),
	         config_role_name(r), afi == AFI_IP6 ? "/ipv6" : "");
	s->afi = afi;
	s->circuit = ci;
	s->peering = pe;
	s->circuit_name = ci->name;
	s->type = t;
	s->role = r;
	if (pe->leg[r].ifname[0] != '\0') {
		memcpy(s->ifname, pe->leg[r].ifname, sizeof(s->ifname));
		src->ifpos = x->leg_if_pos[t][r];
		src->overridden = true;
	} else {
		snprintf(name, sizeof(name), "%s.%u", ci->link[r].ifname, pe->vlan);
		src->ifpos = ci->link[r].pos;
		src->overridden = false;
		if (strlen(name) >= CONFIG_IFNAMSIZ) {
			cfg_err(c, ci->link[r].pos,
			        "links.%s: interface %s with VLAN %u makes %s, longer than 15 "
			        "characters (the kernel's limit); set interface: in the %s "
			        "peering's %s block",
			        config_role_name(r), ci->link[r].ifname, pe->vlan, name,
			        config_peering_name(t), config_role_name(r));
			return;
		}
		memcpy(s->ifname, name, sizeof(s->ifname));
	}
	src->circuit = i;
	s->subnet = afi == AFI_IP6 ? pe->subnet6[r] : pe->subnet[r];
	prefix_link_hosts(&s->subnet, &s->local, &s->peer);
	s->local_asn = cfg->asn;
	s->peer_asn = ci->provider_asn;
	s->md5_key = pe->md5_key[0] ? pe->md5_key : ci->md5_key[0] ? ci->md5_key : NULL;
	cfg_resolve(&res, layers, 4);
	cfg_profile_bfd(&res, ci->profile);
	check_timers(c, &res);
	s->opts = res.v;
	s->pos = afi == AFI_IP6 ? pe->subnet6_pos[r] : pe->subnet_pos[r];
	s->manage_interfaces = ci->manage_interfaces;
	memcpy(s->parent, ci->link[r].ifname, sizeof(s->parent));
	cfg_check_session_profile(c, s, &res);
	cfg->nsessions++;
}

static void
check_interfaces(struct cfg_ctx *c, const struct session_src *src)
{
	const struct config_session *s = c->cfg->sessions;

	for (size_t j = 0; j < c->cfg->nsessions; j++)
		for (size_t i = 0; i < j; i++) {
			if (strcmp(s[i].ifname, s[j].ifname) != 0)
				continue;
			/* An IPv6 session shares its IPv4 twin's interface by design. */
			if (s[i].peering == s[j].peering && s[i].role == s[j].role)
				continue;
			/*
			 * Within a circuit two derived names only clash when
			 * the links or the VLANs do, which is reported already.
			 */
			if (src[i].circuit == src[j].circuit && !src[i].overridden &&
			    !src[j].overridden)
				break;
			if (s[i].peering == s[j].peering)
				cfg_err(c, src[j].ifpos,
				        "interface: %s is used by both legs of %s peering (%s at "
				        "line %u); both legs of a peering on one interface share "
				        "one port and fail together",
				        s[j].ifname, config_peering_name(s[j].type),
				        config_role_name(s[i].role), src[i].ifpos.line);
			else
				cfg_err(c, src[j].ifpos,
				        "interface: %s is already used by session %s (line %u)",
				        s[j].ifname, s[i].key, src[i].ifpos.line);
			break;
		}
}

static void
build_sessions(struct cfg_ctx *c)
{
	struct config *cfg = c->cfg;
	struct session_src *src;
	size_t max = cfg->ncircuits * CONFIG_NPEERINGS * CONFIG_NROLES * 2;

	cfg->sessions = calloc(max ? max : 1, sizeof(*cfg->sessions));
	src = calloc(max ? max : 1, sizeof(*src));
	if (cfg->sessions == NULL || src == NULL) {
		free(src);
		cfg_err(c, c->asn_pos, "out of memory");
		return;
	}
	for (size_t i = 0; i < cfg->ncircuits; i++)
		for (int t = 0; t < CONFIG_NPEERINGS; t++)
			for (int r = 0; r < CONFIG_NROLES; r++) {
				const struct config_circuit *ci = &cfg->circuits[i];
				const struct config_peering *pe = &ci->peering[t];
				if (!pe->present || !ci->link[r].present)
					continue;
				if (pe->subnet_set[r])
					make_session(c, i, t, r, AFI_IP, &src[cfg->nsessions]);
				if (pe->subnet6_set[r])
					make_session(c, i, t, r, AFI_IP6, &src[cfg->nsessions]);
			}
	check_interfaces(c, src);
	free(src);
}

/*
 * Without router-id, the highest local session address: deterministic,
 * shown by --check, stable as long as the subnets are.
 */
static void
pick_router_id(struct cfg_ctx *c)
{
	struct config *cfg = c->cfg;
	char a[ADDR_STRLEN];

	if (cfg->router_id == 0) {
		for (size_t i = 0; i < cfg->nsessions; i++)
			if (cfg->sessions[i].afi == AFI_IP &&
			    addr_v4(&cfg->sessions[i].local) > cfg->router_id)
				cfg->router_id = addr_v4(&cfg->sessions[i].local);
		cfg->router_id_auto = true;
	}
	for (size_t i = 0; i < cfg->nsessions; i++) {
		cfg->sessions[i].router_id = cfg->router_id;
		if (!cfg->router_id_auto && cfg->sessions[i].afi == AFI_IP &&
		    addr_v4(&cfg->sessions[i].peer) == cfg->router_id)
			cfg_warn(c, c->router_id_pos,
			         "router-id: %s is the provider's address on session %s; the "
			         "BGP identifiers of the two ends must differ",
			         addr_fmt(&cfg->sessions[i].peer, a, sizeof(a)),
			         cfg->sessions[i].key);
	}
}

void
cfg_validate(struct cfg_ctx *c)
{
	struct config *cfg = c->cfg;
	struct subnet_ref *subnets;
	size_t nsub;
	struct cfg_resolved top;
	const struct cfg_layer *layers[1] = {&c->global};
	size_t errors = c->diag->errors;

	cfg_resolve(&top, layers, 1);
	cfg_profile_bfd(&top, c->profile);
	cfg->defaults = top.v;
	for (size_t i = 0; i < cfg->ncircuits; i++) {
		struct cfg_circuit_extra *x = &c->cx[i];
		check_circuit(c, i);
		cfg->circuits[i].manage_interfaces =
		        x->manage_set ? x->manage : cfg->manage_interfaces;
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			const struct cfg_layer *pl[3] = {&c->global, &x->layer,
			                                 &x->peering_layer[t]};
			struct cfg_resolved r;
			cfg_resolve(&r, pl, 3);
			cfg_profile_bfd(&r, cfg->circuits[i].profile);
			cfg->circuits[i].peering[t].opts = r.v;
		}
	}
	subnets =
	        calloc(cfg->ncircuits * CONFIG_NPEERINGS * CONFIG_NROLES * 2 + 1, sizeof(*subnets));
	if (subnets == NULL) {
		cfg_err(c, c->asn_pos, "out of memory");
		return;
	}
	nsub = collect_subnets(c, subnets);
	check_subnets(c, subnets, nsub);
	check_announce(c, subnets, nsub);
	free(subnets);
	build_sessions(c);
	if (cfg->nsessions == 0 && c->diag->errors == errors)
		cfg_err(c, c->asn_pos,
		        "no BGP session: a session needs a link and the peering's subnet for "
		        "that role");
	pick_router_id(c);
	if (cfg->control.socket && cfg->control.readonly_socket &&
	    strcmp(cfg->control.socket, cfg->control.readonly_socket) == 0)
		cfg_err(c, c->socket_pos,
		        "control.socket: the same path as control.readonly-socket; the "
		        "read-only socket needs its own path");
}

size_t
config_check_placeholders(const struct config *cfg, struct config_diag *diag)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->ncircuits; i++) {
		const struct config_circuit *ci = &cfg->circuits[i];

		if (ci->service_key_placeholder.line == 0)
			continue;
		config_diag_add(diag, cfg->file, ci->service_key_placeholder.line,
		                ci->service_key_placeholder.col, CONFIG_ERROR,
		                "service-key: circuit %s still has the example's placeholder "
		                "(all zeros): write this circuit's own service key "
		                "(Get-AzureDedicatedCircuit) and its md5-key (the -SharedKey), "
		                "links and subnets, or delete the service-key line",
		                ci->name ? ci->name : "?");
		n++;
	}
	return n;
}
