/*
 * config_plan: what `cebgpd --check` prints. Every session with its
 * interface, addresses, ASNs, timers and whether MD5 is on (never the key,
 * the password or the service key), per peering what it will advertise
 * (the policy module fills that in through the hook), then the warnings.
 */
#include <string.h>

#include "community_names.h"
#include "config.h"
#include "profile.h"

static void
plan_session(FILE *out, const struct config_session *s)
{
	const struct config_opts *o = &s->opts;
	char la[ADDR_STRLEN], pa[ADDR_STRLEN], bfd[96];

	fprintf(out, "    session %s\n", s->key);
	fprintf(out, "      interface %s, local %s AS %u, peer %s AS %u\n", s->ifname,
	        addr_fmt(&s->local, la, sizeof(la)), s->local_asn,
	        addr_fmt(&s->peer, pa, sizeof(pa)), s->peer_asn);
	fprintf(out,
	        "      hold %u, keepalive %u, connect-retry %u, idle-hold %u..%u; port %u, %s, "
	        "%s, md5 %s\n",
	        o->timers.hold, o->timers.keepalive, o->timers.connect_retry, o->timers.idle_hold,
	        o->timers.idle_hold_max, o->port, o->passive ? "passive" : "active",
	        o->ttl_security ? "ttl-security (GTSM)" : "ttl 1", s->md5_key ? "on" : "off");
	fprintf(out, "      max-received %u", o->max_received);
	if (o->prepend)
		fprintf(out, ", prepend %u", o->prepend);
	fprintf(out, "\n      bfd %s\n", config_bfd_fmt(&o->bfd, bfd, sizeof(bfd)));
}

static void
plan_prefixes(FILE *out, const struct config_prefix_list *l)
{
	char p[PREFIX_STRLEN];

	for (size_t i = 0; i < l->n; i++)
		fprintf(out, " %s", prefix_fmt(&l->v[i].prefix, p, sizeof(p)));
	if (l->n == 0)
		fprintf(out, " (nothing)");
	fprintf(out, "\n");
}

static const char *const minlen_names[] = {"drop", "extend"};
static const char *const cap_names[] = {"aggregate", "truncate", "refuse"};

void
config_plan_peering(FILE *out, const struct config_peering *pe)
{
	const struct config_opts *o = &pe->opts;

	fprintf(out, "    announce (as configured, before policy):");
	plan_prefixes(out, &pe->announce);
	fprintf(out,
	        "    policy: cap %u IPv4, %u IPv6 (%s), min-length /%u, /%u IPv6 (%s), "
	        "discard-holes %s",
	        pe->max_prefixes, pe->max_prefixes6, cap_names[pe->cap_action], pe->max_len,
	        pe->max_len6, minlen_names[pe->min_length_action],
	        pe->discard_holes ? "yes" : "no");
	if (pe->max_overcoverage.kind == CONFIG_OVERCOV_ADDRS)
		fprintf(out, ", max-overcoverage %llu addresses",
		        (unsigned long long)pe->max_overcoverage.addrs);
	else if (pe->max_overcoverage.kind == CONFIG_OVERCOV_PERCENT)
		fprintf(out, ", max-overcoverage %u.%02u%%", pe->max_overcoverage.hundredths / 100,
		        pe->max_overcoverage.hundredths % 100);
	else if (pe->max_overcoverage.kind == CONFIG_OVERCOV_UNLIMITED)
		fprintf(out, ", max-overcoverage unbounded");
	else if (pe->type != CONFIG_PRIVATE)
		fprintf(out, ", max-overcoverage 0 (default)");
	else
		fprintf(out, ", max-overcoverage 100%% and no aggregate shorter than the shortest "
		             "announced prefix or /8 (default)");
	for (size_t i = 0; i < pe->ncommunities; i++)
		fprintf(out, "%s%u:%u", i ? " " : ", communities ", pe->communities[i] >> 16,
		        pe->communities[i] & 0xffff);
	/* Inbound: what the peering narrows on top of the built-in refusals. */
	fprintf(out, "\n    inbound: refuses bogons, the peering /30s, our announced space%s%s\n",
	        pe->type != CONFIG_PRIVATE ? ", RFC 1918 and RFC 6598" : "",
	        pe->accept_default ? "; accepts the default route" : ", the default route");
	if (pe->accept_set) {
		fprintf(out, "    accept:");
		plan_prefixes(out, &pe->accept);
	} else {
		fprintf(out, "    accept: anything else\n");
	}
	if (pe->accept_communities_set) {
		/* With the provider's names: what "East US" resolved to, here. */
		fprintf(out, "    accept-communities:");
		for (size_t i = 0; i < pe->naccept_communities; i++) {
			char buf[96];

			fprintf(out, "%s %s", i ? "," : "",
			        community_fmt(pe->accept_communities[i], buf, sizeof(buf)));
		}
		fprintf(out, "%s\n", pe->naccept_communities ? "" : " (none: every route refused)");
	}
	if (o->install)
		fprintf(out, "    kernel: install into table %u%s, protocol %u, metric %u\n",
		        o->table, o->table == CONFIG_TABLE_MAIN ? " (main)" : "", o->protocol,
		        o->metric);
	else
		fprintf(out, "    kernel: received routes are not installed\n");
}

/* The circuit's provider profile: every rule, each with its source. */
static void
plan_profile(FILE *out, const struct config_circuit *ci)
{
	const struct profile *p = ci->profile;
	char text[256];

	fprintf(out, "  provider %s, sku %s: %s\n", p->name, profile_sku_name(ci->sku), p->summary);
	for (size_t i = 0; i < p->nrules; i++) {
		profile_rule_fmt(&p->rules[i], ci->sku, text, sizeof(text));
		fprintf(out, "    rule %s\n      source: %s\n", text, p->rules[i].source);
	}
}

void
config_plan(FILE *out, const struct config *cfg, const struct config_diag *diag,
            config_plan_peering_fn hook, void *arg)
{
	char rid[ADDR_STRLEN], line[1024];
	struct addr a;

	addr_from_v4(&a, cfg->router_id);
	fprintf(out, "%s: %zu session%s\n", cfg->file, cfg->nsessions,
	        cfg->nsessions == 1 ? "" : "s");
	fprintf(out, "asn %u, router-id %s%s\n", cfg->asn, addr_fmt(&a, rid, sizeof(rid)),
	        cfg->router_id_auto ? " (not set: the highest local session address)" : "");
	for (size_t i = 0; i < cfg->ncircuits; i++) {
		const struct config_circuit *ci = &cfg->circuits[i];
		fprintf(out, "\ncircuit %s: provider AS %u, MD5 %s", ci->name, ci->provider_asn,
		        ci->md5_key[0] ? "on" : "off");
		for (int r = 0; r < CONFIG_NROLES; r++)
			if (ci->link[r].present)
				fprintf(out, ", %s link %s", config_role_name(r),
				        ci->link[r].ifname);
		fprintf(out, "\n");
		plan_profile(out, ci);
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			const struct config_peering *pe = &ci->peering[t];
			if (!pe->present)
				continue;
			fprintf(out, "  %s peering, VLAN %u\n", config_peering_name(t), pe->vlan);
			for (size_t s = 0; s < cfg->nsessions; s++)
				if (cfg->sessions[s].peering == pe)
					plan_session(out, &cfg->sessions[s]);
			for (int r = 0; r < CONFIG_NROLES; r++)
				if (!ci->link[r].present)
					fprintf(out, "    (no %s session: no %s link here)\n",
					        config_role_name(r), config_role_name(r));
			if (hook != NULL)
				hook(out, cfg, ci, pe, arg);
			else
				config_plan_peering(out, pe);
		}
	}
	if (diag != NULL && diag->warnings > 0) {
		fprintf(out, "\n%zu warning%s:\n", diag->warnings, diag->warnings == 1 ? "" : "s");
		for (size_t i = 0; i < diag->n; i++)
			if (diag->msgs[i].severity == CONFIG_WARNING)
				fprintf(out, "%s\n",
				        config_msg_fmt(&diag->msgs[i], line, sizeof(line)));
	}
}
