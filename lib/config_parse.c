/*
 * config_parse: the YAML document (libyaml's node tree, which keeps every
 * node's line and column) -> struct config. This pass checks what one node
 * can tell alone: key names (unknown, duplicate, misplaced), types and
 * ranges. Rules that relate two nodes are in config_validate.c.
 *
 * Every problem is reported and the walk goes on, so one run shows them all.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config_int.h"

/* ---- the key tables ------------------------------------------------- */

enum level {
	L_TOP,
	L_CIRCUIT,
	L_LINKS,
	L_LINK,
	L_PEERINGS,
	L_PEERING,
	L_LEG,
	L_TIMERS,
	L_CONTROL,
	L_METRICS,
	L_LOG,
	L_COUNT,
};

#define OPT_LEG_KEYS "timers", "port", "passive", "ttl-security", "prepend", "max-received"
#define OPT_KEYS     OPT_LEG_KEYS, "install", "table", "metric", "protocol"

static const char *const top_keys[] = {"asn",     "router-id", "circuits", "keep-routes-on-exit",
                                       "control", "metrics",   "log",      OPT_KEYS,
                                       NULL};
static const char *const circuit_keys[] = {
        "name",         "service-key", "provider-asn", "md5-key", "md5-key-file",
        "md5-password", "links",       "peerings",     OPT_KEYS,  NULL};
static const char *const links_keys[] = {"primary", "secondary", NULL};
static const char *const link_keys[] = {"interface", NULL};
static const char *const peerings_keys[] = {"private", "public", NULL};
static const char *const peering_keys[] = {"vlan",        "primary-subnet",   "secondary-subnet",
                                           "announce",    "max-prefixes",     "min-length-action",
                                           "cap-action",  "max-overcoverage", "discard-holes",
                                           "communities", "accept",           "primary",
                                           "secondary",   OPT_KEYS,           NULL};
static const char *const leg_keys[] = {"interface", OPT_LEG_KEYS, NULL};
static const char *const timers_keys[] = {"hold",      "keepalive",     "connect-retry",
                                          "idle-hold", "idle-hold-max", NULL};
static const char *const control_keys[] = {"socket", "readonly-socket", "group", NULL};
static const char *const metrics_keys[] = {"listen", NULL};
static const char *const log_keys[] = {"level", "syslog-facility", NULL};

static const struct level_def {
	const char *where; /* "in a circuit" */
	const char *what;  /* "a circuit" */
	const char *const *keys;
} levels[L_COUNT] = {
        [L_TOP] = {"at the top level", "the top level", top_keys},
        [L_CIRCUIT] = {"in a circuit", "a circuit", circuit_keys},
        [L_LINKS] = {"in links", "links", links_keys},
        [L_LINK] = {"in a link", "a link", link_keys},
        [L_PEERINGS] = {"in peerings", "peerings", peerings_keys},
        [L_PEERING] = {"in a peering", "a peering", peering_keys},
        [L_LEG] = {"in a session block", "a session block (primary:/secondary: in a peering)",
                   leg_keys},
        [L_TIMERS] = {"in timers", "timers", timers_keys},
        [L_CONTROL] = {"in control", "control", control_keys},
        [L_METRICS] = {"in metrics", "metrics", metrics_keys},
        [L_LOG] = {"in log", "log", log_keys},
};

/* ---- small helpers -------------------------------------------------- */

static struct config_pos
pos_of(const yaml_node_t *n)
{
	struct config_pos p = {(uint32_t)n->start_mark.line + 1,
	                       (uint32_t)n->start_mark.column + 1};
	return p;
}

static yaml_node_t *
node_at(struct cfg_ctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

static const char *
scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* An empty plain scalar is YAML's null: `key:` with nothing after it. */
static bool
is_null(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* How a node looks, for "expected X, got Y". Secrets are never quoted. */
static const char *
got(const yaml_node_t *n, char *buf, size_t size, bool secret)
{
	const char *s;
	size_t i, o = 0;

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (is_null(n))
		return "nothing";
	if (secret)
		return "a string";
	s = scalar(n);
	buf[o++] = '\'';
	for (i = 0; s[i] != '\0' && o + 5 < size && i < 40; i++)
		buf[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i] != '\0' && o + 5 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

static bool
key_known(const char *const *keys, const char *key)
{
	for (size_t i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* Optimal string alignment distance (Levenshtein plus transpositions). */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* The closest candidate, if close enough to be a typo of it. */
static const char *
suggest(const char *const *cands, const char *word)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;

	for (size_t i = 0; cands[i] != NULL; i++) {
		size_t d = edit_distance(word, cands[i]);
		size_t limit = strlen(cands[i]) <= 4 ? 1 : 2;
		if (d <= limit && d < bestd) {
			best = cands[i];
			bestd = d;
		}
	}
	return best;
}

static void
join_keys(const char *const *keys, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; keys[i] != NULL && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", keys[i]);
}

static void
unknown_key(struct cfg_ctx *c, const yaml_node_t *k, enum level lv, const char *key)
{
	char elsewhere[160] = "", list[400];
	size_t o = 0;
	const char *s;

	/* A key that exists, one level up or down: say where it goes. */
	for (int i = 0; i < L_COUNT; i++) {
		if (i == (int)lv || !key_known(levels[i].keys, key))
			continue;
		o += (size_t)snprintf(elsewhere + o, sizeof(elsewhere) - o, "%s%s", o ? " or " : "",
		                      levels[i].what);
		if (o >= sizeof(elsewhere))
			break;
	}
	if (o > 0) {
		cfg_err(c, pos_of(k), "unknown key '%s' %s; '%s' belongs in %s", key,
		        levels[lv].where, key, elsewhere);
		return;
	}
	if ((s = suggest(levels[lv].keys, key)) != NULL) {
		cfg_err(c, pos_of(k), "unknown key '%s' %s; did you mean '%s'?", key,
		        levels[lv].where, s);
		return;
	}
	join_keys(levels[lv].keys, list, sizeof(list));
	cfg_err(c, pos_of(k), "unknown key '%s' %s (known keys: %s)", key, levels[lv].where, list);
}

typedef void (*pair_fn)(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
                        void *arg);

/*
 * Walk a mapping: refuse non-scalar, duplicate and unknown keys, hand the
 * others to fn. Returns false (after reporting) if n is not a mapping.
 */
static bool
walk_map(struct cfg_ctx *c, yaml_node_t *n, enum level lv, const char *what, pair_fn fn, void *arg)
{
	yaml_node_pair_t *p, *q;
	char buf[64];

	if (n->type != YAML_MAPPING_NODE) {
		cfg_err(c, pos_of(n), "%s: expected a mapping, got %s", what,
		        got(n, buf, sizeof(buf), false));
		return false;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
		const char *key = scalar(k);
		bool dup = false;

		if (key == NULL) {
			cfg_err(c, pos_of(k), "%s: expected a key name, got %s", what,
			        got(k, buf, sizeof(buf), false));
			continue;
		}
		for (q = n->data.mapping.pairs.start; q < p && !dup; q++) {
			yaml_node_t *qk = node_at(c, q->key);
			if (scalar(qk) != NULL && strcmp(scalar(qk), key) == 0) {
				cfg_err(c, pos_of(k), "duplicate key '%s' (first at line %u)", key,
				        pos_of(qk).line);
				dup = true;
			}
		}
		if (dup)
			continue;
		if (!key_known(levels[lv].keys, key)) {
			unknown_key(c, k, lv, key);
			continue;
		}
		fn(c, key, k, v, arg);
	}
	return true;
}

/* ---- scalars -------------------------------------------------------- */

/* Decimal digits only: no sign, no spaces, no 0x. */
static bool
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* note: the rule, e.g. "a VLAN ID is 1..4094 (IEEE 802.1Q)"; NULL: "min..max" */
static bool
get_uint(struct cfg_ctx *c, yaml_node_t *n, const char *key, uint64_t min, uint64_t max,
         const char *note, uint64_t *out)
{
	char buf[64];
	const char *s = scalar(n);
	uint64_t v;

	if (s == NULL || is_null(n) || !parse_u64(s, &v)) {
		if (s != NULL && s[0] == '-' && parse_u64(s + 1, &v))
			cfg_err(c, pos_of(n), "%s: %s is negative; expected %llu..%llu", key, s,
			        (unsigned long long)min, (unsigned long long)max);
		else
			cfg_err(c, pos_of(n), "%s: expected an integer, got %s", key,
			        got(n, buf, sizeof(buf), false));
		return false;
	}
	if (v < min || v > max) {
		if (note != NULL)
			cfg_err(c, pos_of(n), "%s: %s is out of range: %s", key, s, note);
		else
			cfg_err(c, pos_of(n), "%s: %s is out of range: expected %llu..%llu", key, s,
			        (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

static bool
get_bool(struct cfg_ctx *c, yaml_node_t *n, const char *key, bool *out)
{
	char buf[64];
	const char *s = scalar(n);

	if (s != NULL && strcmp(s, "true") == 0)
		*out = true;
	else if (s != NULL && strcmp(s, "false") == 0)
		*out = false;
	else {
		cfg_err(c, pos_of(n), "%s: expected true or false, got %s", key,
		        got(n, buf, sizeof(buf), false));
		return false;
	}
	return true;
}

static const char *
get_string(struct cfg_ctx *c, yaml_node_t *n, const char *key, bool secret)
{
	char buf[64];
	const char *s = scalar(n);

	if (s == NULL || is_null(n)) {
		cfg_err(c, pos_of(n), "%s: expected a string, got %s", key,
		        got(n, buf, sizeof(buf), secret));
		return NULL;
	}
	if (s[0] == '\0') {
		cfg_err(c, pos_of(n), "%s: must not be empty", key);
		return NULL;
	}
	if (strlen(s) != n->data.scalar.length) {
		cfg_err(c, pos_of(n), "%s: contains a NUL character", key);
		return NULL;
	}
	return s;
}

/* One of a fixed set of words. */
static bool
get_word(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *const *words, int *out)
{
	char buf[64], list[200];
	const char *s = scalar(n), *sug;

	if (s != NULL && !is_null(n))
		for (int i = 0; words[i] != NULL; i++)
			if (strcmp(s, words[i]) == 0) {
				*out = i;
				return true;
			}
	join_keys(words, list, sizeof(list));
	if (s != NULL && !is_null(n) && (sug = suggest(words, s)) != NULL)
		cfg_err(c, pos_of(n), "%s: %s is not one of %s; did you mean '%s'?", key,
		        got(n, buf, sizeof(buf), false), list, sug);
	else
		cfg_err(c, pos_of(n), "%s: expected one of %s, got %s", key, list,
		        got(n, buf, sizeof(buf), false));
	return false;
}

/* asplain (65520) or asdot (1.10, RFC 5396); the rules are in cfg_check_asn. */
static bool
get_asn(struct cfg_ctx *c, yaml_node_t *n, const char *key, uint32_t *out)
{
	char buf[64];
	const char *s = scalar(n), *dot;
	uint64_t v, hi, lo;

	if (s != NULL && !is_null(n) && (dot = strchr(s, '.')) != NULL) {
		char head[12];
		size_t hl = (size_t)(dot - s);
		if (hl > 0 && hl < sizeof(head)) {
			memcpy(head, s, hl);
			head[hl] = '\0';
			if (parse_u64(head, &hi) && parse_u64(dot + 1, &lo)) {
				if (hi > 65535 || lo > 65535) {
					cfg_err(c, pos_of(n),
					        "%s: %s is out of range: both halves of an asdot "
					        "ASN are 0..65535 (RFC 5396)",
					        key, s);
					return false;
				}
				*out = (uint32_t)(hi << 16 | lo);
				return true;
			}
		}
	}
	if (s == NULL || is_null(n) || !parse_u64(s, &v)) {
		cfg_err(c, pos_of(n), "%s: expected an AS number like 65520, got %s", key,
		        got(n, buf, sizeof(buf), false));
		return false;
	}
	if (v > UINT32_MAX) {
		cfg_err(c, pos_of(n), "%s: %s is out of range: an ASN is 1..4294967294", key, s);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/*
 * Interface names as Linux takes them: 1..15 bytes, no '/', ':' or
 * whitespace, not "." or "..".
 */
static bool
ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CONFIG_IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s != '\0'; s++)
		if (*s == '/' || *s == ':' || !isgraph((unsigned char)*s))
			return false;
	return true;
}

static bool
get_ifname(struct cfg_ctx *c, yaml_node_t *n, const char *key, char out[CONFIG_IFNAMSIZ])
{
	const char *s = get_string(c, n, key, false);
	char buf[64];

	if (s == NULL)
		return false;
	if (!ifname_valid(s)) {
		cfg_err(c, pos_of(n),
		        "%s: %s is not a valid interface name (1..15 characters, no '/', ':' or "
		        "spaces)",
		        key, got(n, buf, sizeof(buf), false));
		return false;
	}
	snprintf(out, CONFIG_IFNAMSIZ, "%s", s);
	return true;
}

/* ---- prefixes ------------------------------------------------------- */

enum prefix_use {
	USE_SUBNET,   /* exactly an IPv4 /30 */
	USE_ANNOUNCE, /* an IPv4 prefix, host bits clear */
	USE_ACCEPT,   /* the same */
};

static bool
get_prefix(struct cfg_ctx *c, yaml_node_t *n, const char *key, enum prefix_use use,
           struct prefix *out)
{
	char buf[64], fmt[PREFIX_STRLEN];
	const char *s = scalar(n);
	const char *example =
	        use == USE_SUBNET ? "a /30 like 172.16.1.0/30" : "ADDRESS/LENGTH like 10.10.0.0/16";
	struct prefix p;
	enum prefix_err err;

	if (s == NULL || is_null(n)) {
		cfg_err(c, pos_of(n), "%s: expected %s, got %s", key, example,
		        got(n, buf, sizeof(buf), false));
		return false;
	}
	err = prefix_parse(s, &p, PREFIX_PARSE_MASK);
	if (err == PREFIX_ERR_LENGTH && strchr(s, '/') == NULL) {
		cfg_err(c, pos_of(n), "%s: '%s' has no prefix length; expected %s", key, s,
		        example);
		return false;
	}
	if (err == PREFIX_ERR_LENGTH) {
		cfg_err(c, pos_of(n), "%s: '%s' has an invalid prefix length; expected %s", key, s,
		        example);
		return false;
	}
	if (err != PREFIX_OK) {
		cfg_err(c, pos_of(n), "%s: %s is not a prefix; expected %s", key,
		        got(n, buf, sizeof(buf), false), example);
		return false;
	}
	if (p.afi != AFI_IP) {
		cfg_err(c, pos_of(n), "%s: %s is an IPv6 prefix; the sessions are IPv4 only", key,
		        s);
		return false;
	}
	if (use == USE_SUBNET && p.len != 30) {
		cfg_err(c, pos_of(n),
		        "%s: %s is a /%u; each BGP subnet must be exactly a /30 (the guide: "
		        "four /30 subnets)",
		        key, s, p.len);
		return false;
	}
	if (prefix_parse(s, &p, 0) == PREFIX_ERR_HOST_BITS) {
		prefix_parse(s, &p, PREFIX_PARSE_MASK);
		cfg_err(c, pos_of(n), "%s: %s has host bits set; did you mean %s?", key, s,
		        prefix_fmt(&p, fmt, sizeof(fmt)));
		return false;
	}
	*out = p;
	return true;
}

static void
get_prefix_list(struct cfg_ctx *c, yaml_node_t *n, const char *key, enum prefix_use use,
                struct config_prefix_list *out)
{
	char buf[64], fmt[PREFIX_STRLEN];
	yaml_node_item_t *it;
	size_t cap;

	if (n->type != YAML_SEQUENCE_NODE) {
		cfg_err(c, pos_of(n), "%s: expected a list of prefixes, got %s", key,
		        got(n, buf, sizeof(buf), false));
		return;
	}
	cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap == 0)
		return;
	if ((out->v = calloc(cap, sizeof(*out->v))) == NULL) {
		cfg_err(c, pos_of(n), "out of memory");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = node_at(c, *it);
		struct config_prefix *cp = &out->v[out->n];
		size_t j;

		if (!get_prefix(c, item, key, use, &cp->prefix))
			continue;
		for (j = 0; j < out->n; j++)
			if (prefix_eq(&out->v[j].prefix, &cp->prefix))
				break;
		if (j < out->n) {
			cfg_warn(c, pos_of(item), "%s: %s is listed twice (first at line %u)", key,
			         prefix_fmt(&cp->prefix, fmt, sizeof(fmt)), out->v[j].pos.line);
			continue;
		}
		cp->pos = pos_of(item);
		if ((cp->text = strdup(scalar(item))) == NULL) {
			cfg_err(c, pos_of(item), "out of memory");
			continue;
		}
		out->n++;
	}
}

/* ---- inheritable settings ------------------------------------------- */

static void
layer_set(struct cfg_layer *l, enum cfg_opt o, yaml_node_t *n)
{
	l->set |= 1u << o;
	l->pos[o] = pos_of(n);
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
		if (!get_uint(c, v, name, 0, 65535, NULL, &x))
			return;
		if (x == 1 || x == 2) {
			cfg_err(c, pos_of(v),
			        "timers.hold: %llu is not allowed: the hold time is 0 (no "
			        "keepalives) or 3..65535 seconds (RFC 4271 4.2)",
			        (unsigned long long)x);
			return;
		}
		t->hold = (uint32_t)x;
		layer_set(l, OPT_HOLD, v);
	} else if (strcmp(key, "keepalive") == 0) {
		if (!get_uint(c, v, name, 1, 21845, NULL, &x))
			return;
		t->keepalive = (uint32_t)x;
		layer_set(l, OPT_KEEPALIVE, v);
	} else if (strcmp(key, "connect-retry") == 0) {
		if (!get_uint(c, v, name, 1, 65535, NULL, &x))
			return;
		t->connect_retry = (uint32_t)x;
		layer_set(l, OPT_CONNECT_RETRY, v);
	} else if (strcmp(key, "idle-hold") == 0) {
		if (!get_uint(c, v, name, 1, 86400, NULL, &x))
			return;
		t->idle_hold = (uint32_t)x;
		layer_set(l, OPT_IDLE_HOLD, v);
	} else if (strcmp(key, "idle-hold-max") == 0) {
		if (!get_uint(c, v, name, 1, 86400, NULL, &x))
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
		walk_map(c, v, L_TIMERS, "timers", timers_pair, l);
	} else if (strcmp(key, "port") == 0) {
		if (get_uint(c, v, key, 1, 65535, NULL, &x)) {
			l->v.port = (uint16_t)x;
			layer_set(l, OPT_PORT, v);
		}
	} else if (strcmp(key, "passive") == 0) {
		if (get_bool(c, v, key, &b)) {
			l->v.passive = b;
			layer_set(l, OPT_PASSIVE, v);
		}
	} else if (strcmp(key, "ttl-security") == 0) {
		if (get_bool(c, v, key, &b)) {
			l->v.ttl_security = b;
			layer_set(l, OPT_TTL_SECURITY, v);
		}
	} else if (strcmp(key, "prepend") == 0) {
		if (get_uint(c, v, key, 0, 10, NULL, &x)) {
			l->v.prepend = (uint8_t)x;
			layer_set(l, OPT_PREPEND, v);
		}
	} else if (strcmp(key, "max-received") == 0) {
		if (get_uint(c, v, key, 1, UINT32_MAX, NULL, &x)) {
			l->v.max_received = (uint32_t)x;
			layer_set(l, OPT_MAX_RECEIVED, v);
		}
	} else if (strcmp(key, "install") == 0) {
		if (get_bool(c, v, key, &b)) {
			l->v.install = b;
			layer_set(l, OPT_INSTALL, v);
		}
	} else if (strcmp(key, "table") == 0) {
		const char *s = scalar(v);
		if (s != NULL && strcmp(s, "main") == 0)
			x = CONFIG_TABLE_MAIN;
		else if (s != NULL && !is_null(v) && !parse_u64(s, &x)) {
			char buf[64];
			cfg_err(c, pos_of(v), "table: expected a table number or 'main', got %s",
			        got(v, buf, sizeof(buf), false));
			return true;
		} else if (!get_uint(c, v, key, 1, UINT32_MAX, NULL, &x))
			return true;
		if (x == 253 || x == 255) {
			cfg_err(c, pos_of(v),
			        "table: %llu is the kernel's %s table; use main or a table of "
			        "your own",
			        (unsigned long long)x, x == 253 ? "default" : "local");
			return true;
		}
		l->v.table = (uint32_t)x;
		layer_set(l, OPT_TABLE, v);
	} else if (strcmp(key, "metric") == 0) {
		if (get_uint(c, v, key, 0, UINT32_MAX, NULL, &x)) {
			l->v.metric = (uint32_t)x;
			layer_set(l, OPT_METRIC, v);
		}
	} else if (strcmp(key, "protocol") == 0) {
		if (get_uint(c, v, key, 5, 255,
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
	const char *s = get_string(c, v, key, false);

	if (s == NULL)
		return;
	if (s[0] != '/') {
		cfg_err(c, pos_of(v), "%s: expected an absolute path, got '%s'", key, s);
		return;
	}
	/* sockaddr_un.sun_path is 108 bytes on Linux, NUL included. */
	if (strlen(s) > 107) {
		cfg_err(c, pos_of(v), "%s: longer than 107 bytes, the limit of a socket path", key);
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
		c->socket_pos = pos_of(v);
	} else if (strcmp(key, "readonly-socket") == 0) {
		set_path(c, v, "control.readonly-socket", &cfg->control.readonly_socket);
	} else if (strcmp(key, "group") == 0) {
		if ((s = get_string(c, v, "control.group", false)) != NULL) {
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
	const char *s = get_string(c, v, "metrics.listen", false);
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
	if (colon == NULL || hl == 0 || hl >= sizeof(host) || !parse_u64(colon + 1, &port) ||
	    port == 0 || port > 65535) {
		cfg_err(c, pos_of(v),
		        "metrics.listen: expected ADDRESS:PORT like 127.0.0.1:9179, got %s",
		        got(v, buf, sizeof(buf), false));
		return;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (addr_parse(host, &a) != PREFIX_OK || (h == s && a.afi == AFI_IP6)) {
		cfg_err(c, pos_of(v),
		        "metrics.listen: expected ADDRESS:PORT like 127.0.0.1:9179 or "
		        "[::1]:9179, got %s",
		        got(v, buf, sizeof(buf), false));
		return;
	}
	{
		struct prefix hp;
		prefix_from_addr(&hp, &a, afi_bits(a.afi));
		if (!(prefix_classes(&hp) & PC_LOOPBACK))
			cfg_warn(c, pos_of(v),
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
		if (get_word(c, v, "log.level", level_words, &i))
			c->cfg->log.level = level_vals[i];
	} else if (strcmp(key, "syslog-facility") == 0) {
		if (get_word(c, v, "log.syslog-facility", fac_words, &i))
			c->cfg->log.facility = fac_vals[i];
	}
}

/* ---- circuits ------------------------------------------------------- */

struct circuit_walk {
	struct config_circuit *ci;
	struct cfg_circuit_extra *x;
	bool has_name, has_links, has_peerings;
	const char *md5_by; /* the md5-* key that set the key */
};

struct peering_walk {
	struct circuit_walk *cw;
	struct config_peering *pe;
	bool has_vlan;
};

struct leg_walk {
	struct peering_walk *pw;
	enum config_role role;
};

static void
link_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct config_link *l = arg;

	(void)key;
	(void)k;
	if (get_ifname(c, v, "interface", l->ifname)) {
		l->present = true;
		l->pos = pos_of(v);
	}
}

static void
links_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct circuit_walk *cw = arg;
	enum config_role r = strcmp(key, "secondary") == 0 ? CONFIG_SECONDARY : CONFIG_PRIMARY;
	struct config_link *l = &cw->ci->link[r];
	char what[32];

	snprintf(what, sizeof(what), "links.%s", key);
	if (!walk_map(c, v, L_LINK, what, link_pair, l))
		return;
	if (!l->present && v->data.mapping.pairs.top == v->data.mapping.pairs.start)
		cfg_err(c, pos_of(k), "%s: missing required key 'interface'", what);
	else if (!l->present) {
		yaml_node_pair_t *p;
		bool has = false;
		for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++)
			if (scalar(node_at(c, p->key)) &&
			    strcmp(scalar(node_at(c, p->key)), "interface") == 0)
				has = true;
		if (!has)
			cfg_err(c, pos_of(k), "%s: missing required key 'interface'", what);
	}
}

static void
leg_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct leg_walk *lw = arg;
	struct config_peering *pe = lw->pw->pe;
	struct cfg_circuit_extra *x = lw->pw->cw->x;

	(void)k;
	if (strcmp(key, "interface") == 0) {
		if (get_ifname(c, v, "interface", pe->leg[lw->role].ifname))
			x->leg_if_pos[pe->type][lw->role] = pos_of(v);
		return;
	}
	opt_pair(c, key, v, &x->leg_layer[pe->type][lw->role]);
}

/* "65520:100", or a well-known name (RFC 1997, RFC 3765 no). */
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
	if (!parse_u64(head, &a) || !parse_u64(colon + 1, &b) || a > 65535 || b > 65535)
		return false;
	*out = (uint32_t)(a << 16 | b);
	return true;
}

static void
get_communities(struct cfg_ctx *c, yaml_node_t *n, struct config_peering *pe)
{
	char buf[64];
	yaml_node_item_t *it;
	size_t cap;

	if (n->type != YAML_SEQUENCE_NODE) {
		cfg_err(c, pos_of(n),
		        "communities: expected a list of communities like [\"65520:100\"], got %s",
		        got(n, buf, sizeof(buf), false));
		return;
	}
	cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap == 0 || (pe->communities = calloc(cap, sizeof(uint32_t))) == NULL)
		return;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = node_at(c, *it);
		const char *s = scalar(item);
		uint32_t v;

		if (s == NULL || is_null(item) || !parse_community(s, &v)) {
			cfg_err(c, pos_of(item),
			        "communities: %s is not a community; expected ASN:VALUE like "
			        "65520:100, both parts 0..65535, or no-export, no-advertise, "
			        "no-export-subconfed",
			        got(item, buf, sizeof(buf), false));
			continue;
		}
		pe->communities[pe->ncommunities++] = v;
	}
}

/* An address count, or a share of the announced space: "5%", "0.25%". */
static void
get_overcoverage(struct cfg_ctx *c, yaml_node_t *n, struct config_overcoverage *o)
{
	char buf[64];
	const char *s = scalar(n);
	uint64_t v, whole = 0, frac = 0;
	size_t len, i, fd = 0;

	if (s != NULL && !is_null(n) && parse_u64(s, &v)) {
		o->kind = CONFIG_OVERCOV_ADDRS;
		o->addrs = v;
		return;
	}
	len = s ? strlen(s) : 0;
	if (len < 2 || s[len - 1] != '%' || is_null(n))
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
	cfg_err(c, pos_of(n), "max-overcoverage: '%s' is out of range: 0%%..10000%%", s);
	return;
bad:
	cfg_err(c, pos_of(n),
	        "max-overcoverage: expected an address count like 1024 or a percentage like "
	        "\"5%%\" (at most two decimals), got %s",
	        got(n, buf, sizeof(buf), false));
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

	if (strcmp(key, "vlan") == 0) {
		pw->has_vlan = true;
		x->vlan_pos[pe->type] = pos_of(v);
		if (get_uint(c, v, key, 1, 4094, "a VLAN ID is 1..4094 (IEEE 802.1Q)", &u))
			pe->vlan = (uint16_t)u;
	} else if (strcmp(key, "primary-subnet") == 0 || strcmp(key, "secondary-subnet") == 0) {
		enum config_role r = key[0] == 's' ? CONFIG_SECONDARY : CONFIG_PRIMARY;
		if (get_prefix(c, v, key, USE_SUBNET, &pe->subnet[r])) {
			pe->subnet_set[r] = true;
			pe->subnet_pos[r] = pos_of(v);
		}
	} else if (strcmp(key, "announce") == 0) {
		get_prefix_list(c, v, key, USE_ANNOUNCE, &pe->announce);
	} else if (strcmp(key, "accept") == 0) {
		get_prefix_list(c, v, key, USE_ACCEPT, &pe->accept);
		pe->accept_default = false;
	} else if (strcmp(key, "max-prefixes") == 0) {
		x->max_prefixes_pos[pe->type] = pos_of(v);
		if (get_uint(c, v, key, 1, 1000000, NULL, &u))
			pe->max_prefixes = (uint32_t)u;
	} else if (strcmp(key, "min-length-action") == 0) {
		if (get_word(c, v, key, minlen_words, &w))
			pe->min_length_action = (enum config_min_length_action)w;
	} else if (strcmp(key, "cap-action") == 0) {
		if (get_word(c, v, key, cap_words, &w))
			pe->cap_action = (enum config_cap_action)w;
	} else if (strcmp(key, "max-overcoverage") == 0) {
		get_overcoverage(c, v, &pe->max_overcoverage);
	} else if (strcmp(key, "discard-holes") == 0) {
		get_bool(c, v, key, &pe->discard_holes);
	} else if (strcmp(key, "communities") == 0) {
		get_communities(c, v, pe);
	} else if (strcmp(key, "primary") == 0 || strcmp(key, "secondary") == 0) {
		struct leg_walk lw = {pw, key[0] == 's' ? CONFIG_SECONDARY : CONFIG_PRIMARY};
		if (walk_map(c, v, L_LEG, key, leg_pair, &lw)) {
			pe->leg[lw.role].present = true;
			pe->leg[lw.role].pos = pos_of(k);
		}
	} else {
		opt_pair(c, key, v, &x->peering_layer[pe->type]);
	}
}

/* The RFC 1918 blocks: private peering's default accept list. */
static void
default_accept(struct cfg_ctx *c, struct config_peering *pe)
{
	static const char *const private_acc[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"};
	static const char *const public_acc[] = {"0.0.0.0/0"};
	const char *const *src = pe->type == CONFIG_PRIVATE ? private_acc : public_acc;
	size_t n = pe->type == CONFIG_PRIVATE ? 3 : 1;

	if ((pe->accept.v = calloc(n, sizeof(*pe->accept.v))) == NULL) {
		cfg_err(c, pe->pos, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		prefix_parse(src[i], &pe->accept.v[i].prefix, 0);
		if ((pe->accept.v[i].text = strdup(src[i])) == NULL)
			break;
		pe->accept.n++;
	}
}

static void
peerings_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct circuit_walk *cw = arg;
	enum config_peering_type t = strcmp(key, "public") == 0 ? CONFIG_PUBLIC : CONFIG_PRIVATE;
	struct config_peering *pe = &cw->ci->peering[t];
	struct peering_walk pw = {cw, pe, false};
	char what[32];

	pe->type = t;
	pe->pos = pos_of(k);
	pe->max_prefixes = t == CONFIG_PRIVATE ? CONFIG_DEFAULT_MAX_PREFIXES_PRI
	                                       : CONFIG_DEFAULT_MAX_PREFIXES_PUB;
	pe->discard_holes = true;
	pe->accept_default = true;
	snprintf(what, sizeof(what), "peerings.%s", key);
	if (!walk_map(c, v, L_PEERING, what, peering_pair, &pw))
		return;
	pe->present = true;
	if (!pw.has_vlan)
		cfg_err(c, pos_of(k), "%s: missing required key 'vlan'", what);
	if (pe->accept_default)
		default_accept(c, pe);
}

static void
set_md5(struct cfg_ctx *c, struct circuit_walk *cw, const char *key, yaml_node_t *v)
{
	struct config_circuit *ci = cw->ci;
	const char *s = get_string(c, v, key, true);
	char path[4096];

	if (s == NULL)
		return;
	if (cw->md5_by != NULL) {
		cfg_err(c, pos_of(v),
		        "%s: %s is already set at line %u; use only one of md5-key, "
		        "md5-key-file, md5-password",
		        key, cw->md5_by, cw->x->md5_pos.line);
		return;
	}
	if (strcmp(key, "md5-key") == 0) {
		size_t len = strlen(s);
		if (!config_md5_key_valid(s)) {
			if (len != 32)
				cfg_err(c, pos_of(v),
				        "md5-key: must be exactly 32 hexadecimal digits (the "
				        "guide: a 16-byte value written as 32 hex digits); this "
				        "one has %zu characters",
				        len);
			else
				cfg_err(c, pos_of(v),
				        "md5-key: must be exactly 32 hexadecimal digits (the "
				        "guide: a 16-byte value written as 32 hex digits); this "
				        "one has characters that are not hex digits");
			return;
		}
		memcpy(ci->md5_key, s, CONFIG_MD5_KEYSIZ);
	} else if (strcmp(key, "md5-password") == 0) {
		if (!config_md5_password(s, ci->md5_key)) {
			cfg_err(c, pos_of(v), "md5-password: MD5 is not available in libcrypto");
			return;
		}
	} else {
		if (s[0] == '/' || c->dir == NULL)
			snprintf(path, sizeof(path), "%s", s);
		else
			snprintf(path, sizeof(path), "%s/%s", c->dir, s);
		if (!cfg_read_key_file(c, pos_of(v), path, ci->md5_key))
			return;
	}
	cw->md5_by = strcmp(key, "md5-key") == 0        ? "md5-key"
	             : strcmp(key, "md5-password") == 0 ? "md5-password"
	                                                : "md5-key-file";
	cw->x->md5_pos = pos_of(v);
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
		if ((s = get_string(c, v, key, false)) == NULL)
			return;
		if (!circuit_name_valid(s)) {
			cfg_err(c, pos_of(v),
			        "name: %s is not a valid circuit name (1..64 letters, digits, "
			        "'-', '_' or '.')",
			        got(v, buf, sizeof(buf), false));
			return;
		}
		ci->name = strdup(s);
		cw->x->name_pos = pos_of(v);
	} else if (strcmp(key, "service-key") == 0) {
		if ((s = get_string(c, v, key, true)) == NULL)
			return;
		if (!guid_shaped(s))
			cfg_warn(c, pos_of(v),
			         "service-key: not shaped like a GUID (8-4-4-4-12 hex digits); "
			         "check it (the value is not shown)");
		ci->service_key = strdup(s);
	} else if (strcmp(key, "provider-asn") == 0) {
		if (get_asn(c, v, key, &ci->provider_asn)) {
			cw->x->provider_asn_pos = pos_of(v);
			cfg_check_asn(c, pos_of(v), key, ci->provider_asn, false);
		}
	} else if (strncmp(key, "md5-", 4) == 0) {
		set_md5(c, cw, key, v);
	} else if (strcmp(key, "links") == 0) {
		cw->has_links = true;
		cw->x->links_pos = pos_of(k);
		if (walk_map(c, v, L_LINKS, "links", links_pair, cw) &&
		    v->data.mapping.pairs.top == v->data.mapping.pairs.start)
			cfg_err(c, pos_of(k),
			        "links: at least one of primary, secondary is required");
	} else if (strcmp(key, "peerings") == 0) {
		cw->has_peerings = true;
		cw->x->peerings_pos = pos_of(k);
		if (walk_map(c, v, L_PEERINGS, "peerings", peerings_pair, cw) &&
		    v->data.mapping.pairs.top == v->data.mapping.pairs.start)
			cfg_err(c, pos_of(k),
			        "peerings: at least one of private, public is required");
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
		cfg_err(c, pos_of(v), "circuits: expected a list of circuits, got %s",
		        got(v, buf, sizeof(buf), false));
		return;
	}
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0) {
		cfg_err(c, pos_of(v), "circuits: at least one circuit is required");
		return;
	}
	free(cfg->circuits);
	free(c->cx);
	cfg->circuits = calloc(n, sizeof(*cfg->circuits));
	c->cx = calloc(n, sizeof(*c->cx));
	cfg->ncircuits = 0;
	c->ncx = 0;
	if (cfg->circuits == NULL || c->cx == NULL) {
		cfg_err(c, pos_of(v), "out of memory");
		return;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = node_at(c, *it);
		struct circuit_walk cw = {&cfg->circuits[cfg->ncircuits],
		                          &c->cx[cfg->ncircuits],
		                          false,
		                          false,
		                          false,
		                          NULL};

		cw.ci->provider_asn = CONFIG_DEFAULT_PROVIDER_ASN;
		cw.x->name_pos = pos_of(item);
		if (!walk_map(c, item, L_CIRCUIT, "circuit", circuit_pair, &cw))
			continue;
		cfg->ncircuits++;
		c->ncx++;
		if (!cw.has_name)
			cfg_err(c, pos_of(item), "circuit: missing required key 'name'");
		if (!cw.has_links)
			cfg_err(c, pos_of(item), "circuit %s: missing required key 'links'",
			        cw.ci->name ? cw.ci->name : "(unnamed)");
		if (!cw.has_peerings)
			cfg_err(c, pos_of(item), "circuit %s: missing required key 'peerings'",
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
		if (get_asn(c, v, key, &cfg->asn)) {
			c->asn_pos = pos_of(v);
			cfg_check_asn(c, pos_of(v), key, cfg->asn, true);
		}
	} else if (strcmp(key, "router-id") == 0) {
		const char *s = scalar(v);
		struct addr a;
		if (s == NULL || is_null(v) || addr_parse(s, &a) != PREFIX_OK || a.afi != AFI_IP) {
			cfg_err(c, pos_of(v),
			        "router-id: expected an IPv4 address like 192.0.2.1, got %s",
			        got(v, buf, sizeof(buf), false));
			return;
		}
		if (addr_v4(&a) == 0) {
			cfg_err(c, pos_of(v),
			        "router-id: 0.0.0.0 is not a valid BGP identifier (RFC 6286: "
			        "non-zero)");
			return;
		}
		cfg->router_id = addr_v4(&a);
		c->router_id_pos = pos_of(v);
	} else if (strcmp(key, "circuits") == 0) {
		tw->has_circuits = true;
		parse_circuits(c, v);
	} else if (strcmp(key, "keep-routes-on-exit") == 0) {
		get_bool(c, v, key, &cfg->keep_routes_on_exit);
	} else if (strcmp(key, "control") == 0) {
		walk_map(c, v, L_CONTROL, "control", control_pair, NULL);
	} else if (strcmp(key, "metrics") == 0) {
		walk_map(c, v, L_METRICS, "metrics", metrics_pair, NULL);
	} else if (strcmp(key, "log") == 0) {
		walk_map(c, v, L_LOG, "log", log_pair, NULL);
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
		cfg_err(c, pos_of(root),
		        "expected a mapping with asn and circuits at the top level, got %s",
		        got(root, buf, sizeof(buf), false));
		return;
	}
	walk_map(c, root, L_TOP, "top level", top_pair, &tw);
	if (!tw.has_asn)
		cfg_err(c, pos_of(root), "missing required key 'asn' (your AS number)");
	if (!tw.has_circuits)
		cfg_err(c, pos_of(root), "missing required key 'circuits'");
	if (c->cfg->control.socket == NULL)
		c->cfg->control.socket = strdup(CONFIG_DEFAULT_SOCKET);
	if (c->cfg->control.readonly_socket == NULL)
		c->cfg->control.readonly_socket = strdup(CONFIG_DEFAULT_RO_SOCKET);
}
