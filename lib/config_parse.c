/*
 * config_parse: the YAML document (libyaml's node tree, which keeps every
 * node's line and column) -> struct config, level by level. This pass
 * checks what one node can tell alone: key names (unknown, duplicate,
 * misplaced), types and ranges, through the getters of config_yaml.c.
 * Rules that relate two nodes are in config_validate.c.
 *
 * Every problem is reported and the walk goes on, so one run shows them all.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "community_names.h"
#include "config_int.h"
#include "profile.h"

/* ---- inheritable settings ------------------------------------------- */

static void
layer_set(struct cfg_layer *l, enum cfg_opt o, yaml_node_t *n)
{
	l->set |= 1u << o;
	l->pos[o] = cfg_pos(n);
}

static void
timers_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct cfg_layer *l = arg;
	struct config_timers *t = &l->v.timers;
	char name[40];
	uint64_t x;

	snprintf(name, sizeof(name), "timers.%s", key);
	if (strcmp(key, "hold") == 0) {
		if (!cfg_get_uint(c, v, name, 0, 65535, NULL, &x))
			return;
		if (x == 1 || x == 2) {
			cfg_err(c, cfg_pos(v),
			        "timers.hold: %llu is not allowed: the hold time is 0 (no "
			        "keepalives) or 3..65535 seconds (RFC 4271 4.2)",
			        (unsigned long long)x);
			return;
		}
		t->hold = (uint32_t)x;
		layer_set(l, OPT_HOLD, v);
	} else if (strcmp(key, "keepalive") == 0) {
		if (!cfg_get_uint(c, v, name, 1, 21845, NULL, &x))
			return;
		t->keepalive = (uint32_t)x;
		layer_set(l, OPT_KEEPALIVE, v);
	} else if (strcmp(key, "connect-retry") == 0) {
		if (!cfg_get_uint(c, v, name, 1, 65535, NULL, &x))
			return;
		t->connect_retry = (uint32_t)x;
		layer_set(l, OPT_CONNECT_RETRY, v);
	} else if (strcmp(key, "idle-hold") == 0) {
		if (!cfg_get_uint(c, v, name, 1, 86400, NULL, &x))
			return;
		t->idle_hold = (uint32_t)x;
		layer_set(l, OPT_IDLE_HOLD, v);
	} else if (strcmp(key, "idle-hold-max") == 0) {
		if (!cfg_get_uint(c, v, name, 1, 86400, NULL, &x))
			return;
		t->idle_hold_max = (uint32_t)x;
		layer_set(l, OPT_IDLE_HOLD_MAX, v);
	}
	(void)k;
}

/* An inheritable key at any level; false if key is not one. */
static bool
opt_pair(struct cfg_ctx *c, const char *key, yaml_node_t *v, struct cfg_layer *l)
{
	uint64_t x;
	bool b;

	if (strcmp(key, "timers") == 0) {
		cfg_walk_map(c, v, L_TIMERS, "timers", timers_pair, l);
	} else if (strcmp(key, "bfd") == 0) {
		cfg_parse_bfd(c, v, l);
	} else if (strcmp(key, "port") == 0) {
		if (cfg_get_uint(c, v, key, 1, 65535, NULL, &x)) {
			l->v.port = (uint16_t)x;
			layer_set(l, OPT_PORT, v);
		}
	} else if (strcmp(key, "passive") == 0) {
		if (cfg_get_bool(c, v, key, &b)) {
			l->v.passive = b;
			layer_set(l, OPT_PASSIVE, v);
		}
	} else if (strcmp(key, "ttl-security") == 0) {
		if (cfg_get_bool(c, v, key, &b)) {
			l->v.ttl_security = b;
			layer_set(l, OPT_TTL_SECURITY, v);
		}
	} else if (strcmp(key, "prepend") == 0) {
		if (cfg_get_uint(c, v, key, 0, 10, NULL, &x)) {
			l->v.prepend = (uint8_t)x;
			layer_set(l, OPT_PREPEND, v);
		}
	} else if (strcmp(key, "max-received") == 0) {
		if (cfg_get_uint(c, v, key, 1, UINT32_MAX, NULL, &x)) {
			l->v.max_received = (uint32_t)x;
			layer_set(l, OPT_MAX_RECEIVED, v);
		}
	} else if (strcmp(key, "install") == 0) {
		if (cfg_get_bool(c, v, key, &b)) {
			l->v.install = b;
			layer_set(l, OPT_INSTALL, v);
		}
	} else if (strcmp(key, "table") == 0) {
		const char *s = cfg_scalar(v);
		if (s != NULL && strcmp(s, "main") == 0)
			x = CONFIG_TABLE_MAIN;
		else if (s != NULL && !cfg_is_null(v) && !cfg_parse_u64(s, &x)) {
			char buf[64];
			cfg_err(c, cfg_pos(v), "table: expected a table number or 'main', got %s",
			        cfg_got(v, buf, sizeof(buf), false));
			return true;
		} else if (!cfg_get_uint(c, v, key, 1, UINT32_MAX, NULL, &x))
			return true;
		if (x == 253 || x == 255) {
			cfg_err(c, cfg_pos(v),
			        "table: %llu is the kernel's %s table; use main or a table of "
			        "your own",
			        (unsigned long long)x, x == 253 ? "default" : "local");
			return true;
		}
		l->v.table = (uint32_t)x;
		layer_set(l, OPT_TABLE, v);
	} else if (strcmp(key, "metric") == 0) {
		if (cfg_get_uint(c, v, key, 0, UINT32_MAX, NULL, &x)) {
			l->v.metric = (uint32_t)x;
			layer_set(l, OPT_METRIC, v);
		}
	} else if (strcmp(key, "protocol") == 0) {
		if (cfg_get_uint(c, v, key, 5, 255,
		                 "0..4 are the kernel's own (unspec, redirect, kernel, boot, "
		                 "static); expected 5..255",
		                 &x)) {
			l->v.protocol = (uint8_t)x;
			layer_set(l, OPT_PROTOCOL, v);
		}
	} else {
		return false;
	}
	return true;
}

/* ---- top level: control, metrics, log ------------------------------- */

static void
set_path(struct cfg_ctx *c, yaml_node_t *v, const char *key, char **out)
{
	const char *s = cfg_get_string(c, v, key, false);

	if (s == NULL)
		return;
	if (s[0] != '/') {
		cfg_err(c, cfg_pos(v), "%s: expected an absolute path, got '%s'", key, s);
		return;
	}
	/* sockaddr_un.sun_path is 108 bytes on Linux, NUL included. */
	if (strlen(s) > 107) {
		cfg_err(c, cfg_pos(v), "%s: longer than 107 bytes, the limit of a socket path",
		        key);
		return;
	}
	free(*out);
	*out = strdup(s);
}

static void
control_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct config *cfg = c->cfg;
	const char *s;

	if (strcmp(key, "socket") == 0) {
		set_path(c, v, "control.socket", &cfg->control.socket);
		c->socket_pos = cfg_pos(v);
	} else if (strcmp(key, "readonly-socket") == 0) {
		set_path(c, v, "control.readonly-socket", &cfg->control.readonly_socket);
	} else if (strcmp(key, "group") == 0) {
		if ((s = cfg_get_string(c, v, "control.group", false)) != NULL) {
			free(cfg->control.group);
			cfg->control.group = strdup(s);
		}
	}
	(void)k;
	(void)arg;
}

/* "127.0.0.1:9179" or "[::1]:9179" */
static void
metrics_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct config *cfg = c->cfg;
	const char *s = cfg_get_string(c, v, "metrics.listen", false);
	char host[ADDR_STRLEN], buf[64];
	const char *colon, *h;
	size_t hl;
	uint64_t port;
	struct addr a;

	(void)key;
	(void)k;
	(void)arg;
	if (s == NULL)
		return;
	colon = strrchr(s, ':');
	h = s;
	hl = colon ? (size_t)(colon - s) : 0;
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		h = s + 1;
		hl -= 2;
	}
	if (colon == NULL || hl == 0 || hl >= sizeof(host) || !cfg_parse_u64(colon + 1, &port) ||
	    port == 0 || port > 65535) {
		cfg_err(c, cfg_pos(v),
		        "metrics.listen: expected ADDRESS:PORT like 127.0.0.1:9179, got %s",
		        cfg_got(v, buf, sizeof(buf), false));
		return;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (addr_parse(host, &a) != PREFIX_OK || (h == s && a.afi == AFI_IP6)) {
		cfg_err(c, cfg_pos(v),
		        "metrics.listen: expected ADDRESS:PORT like 127.0.0.1:9179 or "
		        "[::1]:9179, got %s",
		        cfg_got(v, buf, sizeof(buf), false));
		return;
	}
	{
		struct prefix hp;
		prefix_from_addr(&hp, &a, afi_bits(a.afi));
		if (!(prefix_classes(&hp) & PC_LOOPBACK))
			cfg_warn(c, cfg_pos(v),
			         "metrics.listen: %s is not a loopback address; the metrics are "
			         "visible beyond this host",
			         host);
	}
	free(cfg->metrics.listen);
	cfg->metrics.listen = strdup(s);
	cfg->metrics.addr = a;
	cfg->metrics.port = (uint16_t)port;
}

static void
log_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	static const char *const level_words[] = {"debug",   "info",  "notice",
	                                          "warning", "error", NULL};
	static const int level_vals[] = {LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERR};
	static const char *const fac_words[] = {"daemon", "user",   "local0", "local1",
	                                        "local2", "local3", "local4", "local5",
	                                        "local6", "local7", NULL};
	static const int fac_vals[] = {LOG_DAEMON, LOG_USER,   LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
	                               LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
	int i;

	(void)k;
	(void)arg;
	if (strcmp(key, "level") == 0) {
		if (cfg_get_word(c, v, "log.level", level_words, &i))
			c->cfg->log.level = level_vals[i];
	} else if (strcmp(key, "syslog-facility") == 0) {
		if (cfg_get_word(c, v, "log.syslog-facility", fac_words, &i))
			c->cfg->log.facility = fac_vals[i];
	}
}

/* ---- circuits ------------------------------------------------------- */

/* Which md5-* key set a level's key, for "use only one". */
struct md5_src {
	const char *by;
	struct config_pos pos;
};

struct circuit_walk {
	struct config_circuit *ci;
	struct cfg_circuit_extra *x;
	bool has_name, has_links, has_peerings;
	struct md5_src md5;
};

struct peering_walk {
	struct circuit_walk *cw;
	struct config_peering *pe;
	bool has_vlan;
	struct md5_src md5;
};

struct leg_walk {
	struct peering_walk *pw;
	enum config_role role;
};

struct link_walk {
	struct config_link *link;
	bool has_interface; /* even an invalid one: its error is enough */
};

static void
link_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct link_walk *lw = arg;

	(void)key;
	(void)k;
	lw->has_interface = true;
	if (cfg_get_ifname(c, v, "interface", lw->link->ifname)) {
		lw->link->present = true;
		lw->link->pos = cfg_pos(v);
	}
}

static void
links_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct circuit_walk *cw = arg;
	enum config_role r = strcmp(key, "secondary") == 0 ? CONFIG_SECONDARY : CONFIG_PRIMARY;
	struct link_walk lw = {&cw->ci->link[r], false};
	char what[32];

	snprintf(what, sizeof(what), "links.%s", key);
	if (cfg_walk_map(c, v, L_LINK, what, link_pair, &lw) && !lw.has_interface)
		cfg_err(c, cfg_pos(k), "%s: missing required key 'interface'", what);
}

static void
leg_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct leg_walk *lw = arg;
	struct config_peering *pe = lw->pw->pe;
	struct cfg_circuit_extra *x = lw->pw->cw->x;

	(void)k;
	if (strcmp(key, "interface") == 0) {
		if (cfg_get_ifname(c, v, "interface", pe->leg[lw->role].ifname))
			x->leg_if_pos[pe->type][lw->role] = cfg_pos(v);
		return;
	}
	opt_pair(c, key, v, &x->leg_layer[pe->type][lw->role]);
}

/* "65520:100", or one of RFC 1997's well-known names. */
static bool
parse_community(const char *s, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t value;
	} wk[] = {
	        {"no-export", 0xFFFFFF01},
	        {"no-advertise", 0xFFFFFF02},
	        {"no-export-subconfed", 0xFFFFFF03},
	};
	const char *colon = strchr(s, ':');
	char head[8];
	uint64_t a, b;

	for (size_t i = 0; i < sizeof(wk) / sizeof(wk[0]); i++)
		if (strcmp(s, wk[i].name) == 0) {
			*out = wk[i].value;
			return true;
		}
	if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof(head))
		return false;
	memcpy(head, s, (size_t)(colon - s));
	head[colon - s] = '\0';
	if (!cfg_parse_u64(head, &a) || !cfg_parse_u64(colon + 1, &b) || a > 65535 || b > 65535)
		return false;
	*out = (uint32_t)(a << 16 | b);
	return true;
}

/*
 * accept-communities may also name the provider's values
 * (lib/community_names.h): what it selects reads as what the provider
 * publishes, "East US" or "Exchange Online". A bare region name means the
 * regional community of the peering it is written in (12076:50004 on
 * private, 12076:51004 on Microsoft and public peering).
 */
static bool
parse_provider_community(const char *s, enum config_peering_type t, uint32_t *out)
{
	return community_by_name(
	        s, t == CONFIG_PRIVATE ? COMMUNITY_SCOPE_PRIVATE : COMMUNITY_SCOPE_MICROSOFT, out);
}

/*
 * communities and accept-communities: a list of RFC 1997 values; with
 * names (the peering's type) also the provider's names.
 */
static void
get_community_list(struct cfg_ctx *c, yaml_node_t *n, const char *key,
                   const enum config_peering_type *names, uint32_t **out, size_t *nout)
{
	char buf[64];
	yaml_node_item_t *it;
	size_t cap;

	if (n->type != YAML_SEQUENCE_NODE) {
		cfg_err(c, cfg_pos(n),
		        "%s: expected a list of communities like [\"65520:100\"], got %s", key,
		        cfg_got(n, buf, sizeof(buf), false));
		return;
	}
	cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap == 0 || (*out = calloc(cap, sizeof(uint32_t))) == NULL)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = cfg_node(c, *it);
		const char *s = cfg_scalar(item);
		uint32_t v;

		if (s == NULL || cfg_is_null(item) ||
		    !(parse_community(s, &v) ||
		      (names && parse_provider_community(s, *names, &v)))) {
			cfg_err(c, cfg_pos(item),
			        "%s: %s is not a community; expected ASN:VALUE like "
			        "65520:100, both parts 0..65535, or no-export, no-advertise, "
			        "no-export-subconfed%s",
			        key, cfg_got(item, buf, sizeof(buf), false),
			        names ? ", or a name the provider publishes such as \"East US\" or "
			                "\"Exchange Online\" (cebgpd.yaml(5), PROVIDER COMMUNITIES)"
			              : "");
			continue;
		}
		(*out)[(*nout)++] = v;
	}
}

/* An address count, or a share of the announced space: "5%", "0.25%". */
static void
get_overcoverage(struct cfg_ctx *c, yaml_node_t *n, struct config_overcoverage *o)
{
	char buf[64];
	const char *s = cfg_scalar(n);
	uint64_t v, whole = 0, frac = 0;
	size_t len, i, fd = 0;

	if (s != NULL && !cfg_is_null(n) && cfg_parse_u64(s, &v)) {
		o->kind = CONFIG_OVERCOV_ADDRS;
		o->addrs = v;
		return;
	}
	if (s != NULL && !cfg_is_null(n) && strcmp(s, "unbounded") == 0) {
		o->kind = CONFIG_OVERCOV_UNLIMITED;
		return;
	}
	len = s ? strlen(s) : 0;
	if (len < 2 || s[len - 1] != '%' || cfg_is_null(n))
		goto bad;
	for (i = 0; i < len - 1 && s[i] >= '0' && s[i] <= '9'; i++) {
		whole = whole * 10 + (uint64_t)(s[i] - '0');
		if (whole > 10000)
			goto range;
	}
	if (i == 0)
		goto bad;
	if (s[i] == '.') {
		for (i++; i < len - 1 && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++fd > 2)
				goto bad;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
		}
		if (fd == 0)
			goto bad;
		if (fd == 1)
			frac *= 10;
	}
	if (i != len - 1)
		goto bad;
	if (whole * 100 + frac > 1000000)
		goto range;
	o->kind = CONFIG_OVERCOV_PERCENT;
	o->hundredths = (uint32_t)(whole * 100 + frac);
	return;
range:
	cfg_err(c, cfg_pos(n), "max-overcoverage: '%s' is out of range: 0%%..10000%%", s);
	return;
bad:
	cfg_err(c, cfg_pos(n),
	        "max-overcoverage: expected an address count like 1024, a percentage like "
	        "\"5%%\" (at most two decimals) or unbounded, got %s",
	        cfg_got(n, buf, sizeof(buf), false));
}

/*
 * md5-key, md5-key-file or md5-password, in a circuit or a peering (the
 * guide's -SharedKey is given per peering): one of the three per level.
 */
static void
set_md5(struct cfg_ctx *c, struct md5_src *src, const struct profile *p,
        char out[CONFIG_MD5_KEYSIZ], const char *key, yaml_node_t *v)
{
	const char *s = cfg_get_string(c, v, key, true);
	char path[4096], msg[300];

	if (s == NULL)
		return;
	if (src->by != NULL) {
		cfg_err(c, cfg_pos(v),
		        "%s: %s is already set at line %u; use only one of md5-key, "
		        "md5-key-file, md5-password",
		        key, src->by, src->pos.line);
		return;
	}
	if (strcmp(key, "md5-key") == 0) {
		if (strlen(s) >= CONFIG_MD5_KEYSIZ) {
			cfg_err(c, cfg_pos(v),
			        "md5-key: longer than 80 characters, the kernel's TCP-MD5 limit");
			return;
		}
		if (!profile_key_ok(p, s, msg, sizeof(msg))) {
			cfg_err(c, cfg_pos(v), "md5-key: %s", msg);
			return;
		}
		snprintf(out, CONFIG_MD5_KEYSIZ, "%s", s);
	} else if (strcmp(key, "md5-password") == 0) {
		if (!config_md5_password(s, out)) {
			cfg_err(c, cfg_pos(v), "md5-password: MD5 is not available in libcrypto");
			return;
		}
		/* The guide's way to a 32-hex-digit key; today's provider takes fewer. */
		if (!profile_key_ok(p, out, msg, sizeof(msg))) {
			const struct profile_rule *r = profile_rule(p, PROFILE_KEY, PROFILE_ANY, 0);
			explicit_bzero(out, CONFIG_MD5_KEYSIZ);
			cfg_err(c, cfg_pos(v),
			        "md5-password: makes a 32-character key (the hex of its MD5), and "
			        "the provider takes at most %u characters today (provider %s): "
			        "write a key of at most %u characters with md5-key instead",
			        r ? r->v[1] : 0, p->name, r ? r->v[1] : 0);
			return;
		}
	} else {
		if (s[0] == '/' || c->dir == NULL)
			snprintf(path, sizeof(path), "%s", s);
		else
			snprintf(path, sizeof(path), "%s/%s", c->dir, s);
		if (!cfg_read_key_file(c, cfg_pos(v), path, p, out))
			return;
	}
	src->by = strcmp(key, "md5-key") == 0        ? "md5-key"
	          : strcmp(key, "md5-password") == 0 ? "md5-password"
	                                             : "md5-key-file";
	src->pos = cfg_pos(v);
}

static void
peering_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	static const char *const minlen_words[] = {"drop", "extend", NULL};
	static const char *const cap_words[] = {"aggregate", "truncate", "refuse", NULL};
	struct peering_walk *pw = arg;
	struct config_peering *pe = pw->pe;
	struct cfg_circuit_extra *x = pw->cw->x;
	uint64_t u;
	int w;

	if (strncmp(key, "md5-", 4) == 0) {
		set_md5(c, &pw->md5, pw->cw->ci->profile, pe->md5_key, key, v);
	} else if (strcmp(key, "vlan") == 0) {
		pw->has_vlan = true;
		x->vlan_pos[pe->type] = cfg_pos(v);
		if (cfg_get_uint(c, v, key, 1, 4094, "a VLAN ID is 1..4094 (IEEE 802.1Q)", &u))
			pe->vlan = (uint16_t)u;
	} else if (strcmp(key, "primary-subnet") == 0 || strcmp(key, "secondary-subnet") == 0) {
		enum config_role r = key[0] == 's' ? CONFIG_SECONDARY : CONFIG_PRIMARY;
		if (cfg_get_prefix(c, v, key, USE_SUBNET, &pe->subnet[r])) {
			pe->subnet_set[r] = true;
			pe->subnet_pos[r] = cfg_pos(v);
		}
	} else if (strcmp(key, "primary-subnet-v6") == 0 ||
	           strcmp(key, "secondary-subnet-v6") == 0) {
		enum config_role r = key[0] == 's' ? CONFIG_SECONDARY : CONFIG_PRIMARY;
		if (cfg_get_prefix(c, v, key, USE_SUBNET6, &pe->subnet6[r])) {
			pe->subnet6_set[r] = true;
			pe->subnet6_pos[r] = cfg_pos(v);
		}
	} else if (strcmp(key, "announce") == 0) {
		cfg_get_prefix_list(c, v, key, USE_ANNOUNCE, &pe->announce);
	} else if (strcmp(key, "accept") == 0) {
		cfg_get_prefix_list(c, v, key, USE_ACCEPT, &pe->accept);
		pe->accept_set = true;
		if (v->type == YAML_SEQUENCE_NODE && pe->accept.n == 0 &&
		    v->data.sequence.items.top == v->data.sequence.items.start)
			cfg_warn(c, cfg_pos(v),
			         "accept: an empty list refuses every route the provider sends");
	} else if (strcmp(key, "accept-default") == 0) {
		cfg_get_bool(c, v, key, &pe->accept_default);
	} else if (strcmp(key, "accept-communities") == 0) {
		pe->accept_communities_set = true;
		get_community_list(c, v, key, &pe->type, &pe->accept_communities,
		                   &pe->naccept_communities);
		if (v->type == YAML_SEQUENCE_NODE &&
		    v->data.sequence.items.top == v->data.sequence.items.start)
			cfg_warn(c, cfg_pos(v),
			         "accept-communities: an empty list refuses every route the "
			         "provider sends");
	} else if (strcmp(key, "max-prefixes") == 0) {
		x->max_prefixes_pos[pe->type] = cfg_pos(v);
		if (cfg_get_uint(c, v, key, 1, 1000000, NULL, &u))
			pe->max_prefixes = (uint32_t)u;
	} else if (strcmp(key, "max-prefixes-v6") == 0) {
		x->max_prefixes6_pos[pe->type] = cfg_pos(v);
		if (cfg_get_uint(c, v, key, 1, 1000000, NULL, &u))
			pe->max_prefixes6 = (uint32_t)u;
	} else if (strcmp(key, "min-length") == 0) {
		x->min_length_pos[pe->type] = cfg_pos(v);
		if (cfg_get_uint(c, v, key, 1, 32, "an IPv4 prefix length, 1..32", &u))
			pe->max_len = (uint8_t)u;
	} else if (strcmp(key, "min-length-v6") == 0) {
		x->min_length6_pos[pe->type] = cfg_pos(v);
		if (cfg_get_uint(c, v, key, 1, 128, "an IPv6 prefix length, 1..128", &u))
			pe->max_len6 = (uint8_t)u;
	} else if (strcmp(key, "min-length-action") == 0) {
		if (cfg_get_word(c, v, key, minlen_words, &w))
			pe->min_length_action = (enum config_min_length_action)w;
	} else if (strcmp(key, "cap-action") == 0) {
		if (cfg_get_word(c, v, key, cap_words, &w))
			pe->cap_action = (enum config_cap_action)w;
	} else if (strcmp(key, "max-overcoverage") == 0) {
		get_overcoverage(c, v, &pe->max_overcoverage);
	} else if (strcmp(key, "discard-holes") == 0) {
		cfg_get_bool(c, v, key, &pe->discard_holes);
	} else if (strcmp(key, "communities") == 0) {
		get_community_list(c, v, key, NULL, &pe->communities, &pe->ncommunities);
	} else if (strcmp(key, "primary") == 0 || strcmp(key, "secondary") == 0) {
		struct leg_walk lw = {pw, key[0] == 's' ? CONFIG_SECONDARY : CONFIG_PRIMARY};
		if (cfg_walk_map(c, v, L_LEG, key, leg_pair, &lw)) {
			pe->leg[lw.role].present = true;
			pe->leg[lw.role].pos = cfg_pos(k);
		}
	} else {
		opt_pair(c, key, v, &x->peering_layer[pe->type]);
	}
}

static void
peerings_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct circuit_walk *cw = arg;
	enum config_peering_type t = CONFIG_PRIVATE;
	struct config_peering *pe;
	struct peering_walk pw = {cw, NULL, false, {NULL, {0, 0}}};
	char what[32];

	for (int i = 0; i < CONFIG_NPEERINGS; i++)
		if (strcmp(key, config_peering_name((enum config_peering_type)i)) == 0)
			t = (enum config_peering_type)i;
	pe = pw.pe = &cw->ci->peering[t];
	pe->type = t;
	pe->pos = cfg_pos(k);
	cfg_check_peering_allowed(c, cw->ci, t);
	/* The caps come from the provider profile unless max-prefixes* set them. */
	pe->discard_holes = true;
	pe->cap_action = CONFIG_CAP_TRUNCATE;
	snprintf(what, sizeof(what), "peerings.%s", key);
	if (!cfg_walk_map(c, v, L_PEERING, what, peering_pair, &pw))
		return;
	pe->present = true;
	if (!pw.has_vlan)
		cfg_err(c, cfg_pos(k), "%s: missing required key 'vlan'", what);
}

/* Circuit names go into session keys and log lines: keep them plain. */
static bool
circuit_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/* 8-4-4-4-12 hex digits. */
static bool
guid_shaped(const char *s)
{
	static const int groups[] = {8, 4, 4, 4, 12};

	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s))
				return false;
		if (*s != (g == 4 ? '\0' : '-'))
			return false;
		if (g < 4)
			s++;
	}
	return true;
}

static void
circuit_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct circuit_walk *cw = arg;
	struct config_circuit *ci = cw->ci;
	const char *s;
	char buf[64];

	if (strcmp(key, "name") == 0) {
		cw->has_name = true;
		if ((s = cfg_get_string(c, v, key, false)) == NULL)
			return;
		if (!circuit_name_valid(s)) {
			cfg_err(c, cfg_pos(v),
			        "name: %s is not a valid circuit name (1..64 letters, digits, "
			        "'-', '_' or '.')",
			        cfg_got(v, buf, sizeof(buf), false));
			return;
		}
		ci->name = strdup(s);
		cw->x->name_pos = cfg_pos(v);
	} else if (strcmp(key, "service-key") == 0) {
		if ((s = cfg_get_string(c, v, key, true)) == NULL)
			return;
		if (!guid_shaped(s))
			cfg_warn(c, cfg_pos(v),
			         "service-key: not shaped like a GUID (8-4-4-4-12 hex digits); "
			         "check it (the value is not shown)");
		if (strcmp(s, CONFIG_PLACEHOLDER_SERVICE_KEY) == 0)
			ci->service_key_placeholder = cfg_pos(v);
		ci->service_key = strdup(s);
	} else if (strcmp(key, "provider") == 0) {
		cw->x->provider_pos = cfg_pos(v);
		cfg_parse_provider(c, v, &ci->profile);
	} else if (strcmp(key, "sku") == 0) {
		cfg_parse_sku(c, v, &ci->sku);
	} else if (strcmp(key, "provider-asn") == 0) {
		if (cfg_get_asn(c, v, key, &ci->provider_asn)) {
			cw->x->provider_asn_pos = cfg_pos(v);
			if (cfg_check_asn(c, cfg_pos(v), key, ci->provider_asn, false))
				cfg_check_provider_asn(c, cfg_pos(v), ci->provider_asn,
				                       ci->profile);
		}
	} else if (strncmp(key, "md5-", 4) == 0) {
		set_md5(c, &cw->md5, ci->profile, cw->ci->md5_key, key, v);
	} else if (strcmp(key, "links") == 0) {
		cw->has_links = true;
		cw->x->links_pos = cfg_pos(k);
		if (cfg_walk_map(c, v, L_LINKS, "links", links_pair, cw) &&
		    v->data.mapping.pairs.top == v->data.mapping.pairs.start)
			cfg_err(c, cfg_pos(k),
			        "links: at least one of primary, secondary is required");
	} else if (strcmp(key, "manage-interfaces") == 0) {
		if (cfg_get_bool(c, v, key, &cw->x->manage))
			cw->x->manage_set = true;
	} else if (strcmp(key, "peerings") == 0) {
		cw->has_peerings = true;
		cw->x->peerings_pos = cfg_pos(k);
		if (cfg_walk_map(c, v, L_PEERINGS, "peerings", peerings_pair, cw) &&
		    v->data.mapping.pairs.top == v->data.mapping.pairs.start)
			cfg_err(c, cfg_pos(k),
			        "peerings: at least one of private, public, microsoft is "
			        "required");
	} else {
		opt_pair(c, key, v, &cw->x->layer);
	}
}

static void
parse_circuits(struct cfg_ctx *c, yaml_node_t *v)
{
	struct config *cfg = c->cfg;
	yaml_node_item_t *it;
	size_t n;
	char buf[64];

	if (v->type != YAML_SEQUENCE_NODE) {
		cfg_err(c, cfg_pos(v), "circuits: expected a list of circuits, got %s",
		        cfg_got(v, buf, sizeof(buf), false));
		return;
	}
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0) {
		cfg_err(c, cfg_pos(v), "circuits: at least one circuit is required");
		return;
	}
	free(cfg->circuits);
	free(c->cx);
	cfg->circuits = calloc(n, sizeof(*cfg->circuits));
	c->cx = calloc(n, sizeof(*c->cx));
	cfg->ncircuits = 0;
	c->ncx = 0;
	if (cfg->circuits == NULL || c->cx == NULL) {
		cfg_err(c, cfg_pos(v), "out of memory");
		return;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = cfg_node(c, *it);
		struct circuit_walk cw;

		memset(&cw, 0, sizeof(cw));
		cw.ci = &cfg->circuits[cfg->ncircuits];
		cw.x = &c->cx[cfg->ncircuits];

		cw.ci->provider_asn = CONFIG_DEFAULT_PROVIDER_ASN;
		cw.x->name_pos = cfg_pos(item);
		cfg_circuit_profile(c, item, cw.ci);
		if (!cfg_walk_map(c, item, L_CIRCUIT, "circuit", circuit_pair, &cw))
			continue;
		cfg->ncircuits++;
		c->ncx++;
		if (!cw.has_name)
			cfg_err(c, cfg_pos(item), "circuit: missing required key 'name'");
		if (!cw.has_links)
			cfg_err(c, cfg_pos(item), "circuit %s: missing required key 'links'",
			        cw.ci->name ? cw.ci->name : "(unnamed)");
		if (!cw.has_peerings)
			cfg_err(c, cfg_pos(item), "circuit %s: missing required key 'peerings'",
			        cw.ci->name ? cw.ci->name : "(unnamed)");
	}
}

struct top_walk {
	bool has_asn, has_circuits;
};

static void
top_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct top_walk *tw = arg;
	struct config *cfg = c->cfg;
	char buf[64];

	(void)k;
	if (strcmp(key, "asn") == 0) {
		tw->has_asn = true;
		if (cfg_get_asn(c, v, key, &cfg->asn)) {
			c->asn_pos = cfg_pos(v);
			cfg_check_asn(c, cfg_pos(v), key, cfg->asn, true);
		}
	} else if (strcmp(key, "provider") == 0) {
		const struct profile *p;
		cfg_parse_provider(c, v, &p);
	} else if (strcmp(key, "sku") == 0) {
		enum config_sku sku;
		cfg_parse_sku(c, v, &sku);
	} else if (strcmp(key, "router-id") == 0) {
		const char *s = cfg_scalar(v);
		struct addr a;
		if (s == NULL || cfg_is_null(v) || addr_parse(s, &a) != PREFIX_OK ||
		    a.afi != AFI_IP) {
			cfg_err(c, cfg_pos(v),
			        "router-id: expected an IPv4 address like 192.0.2.1, got %s",
			        cfg_got(v, buf, sizeof(buf), false));
			return;
		}
		if (addr_v4(&a) == 0) {
			cfg_err(c, cfg_pos(v),
			        "router-id: 0.0.0.0 is not a valid BGP identifier (RFC 6286: "
			        "non-zero)");
			return;
		}
		cfg->router_id = addr_v4(&a);
		c->router_id_pos = cfg_pos(v);
	} else if (strcmp(key, "circuits") == 0) {
		tw->has_circuits = true;
		parse_circuits(c, v);
	} else if (strcmp(key, "keep-routes-on-exit") == 0) {
		cfg_get_bool(c, v, key, &cfg->keep_routes_on_exit);
	} else if (strcmp(key, "manage-interfaces") == 0) {
		cfg_get_bool(c, v, key, &cfg->manage_interfaces);
	} else if (strcmp(key, "control") == 0) {
		cfg_walk_map(c, v, L_CONTROL, "control", control_pair, NULL);
	} else if (strcmp(key, "metrics") == 0) {
		cfg_walk_map(c, v, L_METRICS, "metrics", metrics_pair, NULL);
	} else if (strcmp(key, "log") == 0) {
		cfg_walk_map(c, v, L_LOG, "log", log_pair, NULL);
	} else {
		opt_pair(c, key, v, &c->global);
	}
}

void
cfg_parse_document(struct cfg_ctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	struct top_walk tw = {false, false};
	char buf[64];

	if (root->type != YAML_MAPPING_NODE) {
		cfg_err(c, cfg_pos(root),
		        "expected a mapping with asn and circuits at the top level, got %s",
		        cfg_got(root, buf, sizeof(buf), false));
		return;
	}
	cfg_prescan_profiles(c, root);
	cfg_walk_map(c, root, L_TOP, "top level", top_pair, &tw);
	if (!tw.has_asn)
		cfg_err(c, cfg_pos(root), "missing required key 'asn' (your AS number)");
	if (!tw.has_circuits)
		cfg_err(c, cfg_pos(root), "missing required key 'circuits'");
	if (c->cfg->control.socket == NULL)
		c->cfg->control.socket = strdup(CONFIG_DEFAULT_SOCKET);
	if (c->cfg->control.readonly_socket == NULL)
		c->cfg->control.readonly_socket = strdup(CONFIG_DEFAULT_RO_SOCKET);
}
