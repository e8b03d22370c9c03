/*
 * config_yaml: reading libyaml's node tree with diagnostics. The key
 * table of every level (for unknown, misplaced and duplicate keys, with a
 * "did you mean"), walking a mapping, and the typed scalar getters
 * (integers, booleans, words, ASNs, interface names, prefixes), each of
 * which reports what it expected and what it got, at the node's line and
 * column. Secrets are never quoted back.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* ---- the key tables ------------------------------------------------- */

#define OPT_LEG_KEYS "timers", "port", "passive", "ttl-security", "prepend", "max-received", "bfd"
#define OPT_KEYS     OPT_LEG_KEYS, "install", "table", "metric", "protocol"

static const char *const top_keys[] = {"asn",
                                       "provider",
                                       "sku",
                                       "router-id",
                                       "circuits",
                                       "keep-routes-on-exit",
                                       "manage-interfaces",
                                       "control",
                                       "metrics",
                                       "log",
                                       OPT_KEYS,
                                       NULL};
static const char *const circuit_keys[] = {"name",
                                           "service-key",
                                           "provider",
                                           "sku",
                                           "provider-asn",
                                           "md5-key",
                                           "md5-key-file",
                                           "md5-password",
                                           "links",
                                           "peerings",
                                           "manage-interfaces",
                                           OPT_KEYS,
                                           NULL};
static const char *const links_keys[] = {"primary", "secondary", NULL};
static const char *const link_keys[] = {"interface", NULL};
static const char *const peerings_keys[] = {"private", "public", "microsoft", NULL};
static const char *const peering_keys[] = {"vlan",
                                           "primary-subnet",
                                           "secondary-subnet",
                                           "primary-subnet-v6",
                                           "secondary-subnet-v6",
                                           "announce",
                                           "max-prefixes",
                                           "max-prefixes-v6",
                                           "min-length",
                                           "min-length-v6",
                                           "min-length-action",
                                           "cap-action",
                                           "max-overcoverage",
                                           "discard-holes",
                                           "communities",
                                           "accept",
                                           "accept-default",
                                           "accept-communities",
                                           "primary",
                                           "secondary",
                                           "md5-key",
                                           "md5-key-file",
                                           "md5-password",
                                           OPT_KEYS,
                                           NULL};
static const char *const leg_keys[] = {"interface", OPT_LEG_KEYS, NULL};
static const char *const timers_keys[] = {"hold",      "keepalive",     "connect-retry",
                                          "idle-hold", "idle-hold-max", NULL};
static const char *const control_keys[] = {"socket", "readonly-socket", "group", NULL};
static const char *const metrics_keys[] = {"listen", NULL};
static const char *const log_keys[] = {"level", "syslog-facility", NULL};
static const char *const bfd_keys[] = {"enabled", "min-rx", "min-tx", "multiplier", NULL};

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
        [L_BFD] = {"in bfd", "bfd", bfd_keys},
};

/* ---- small helpers -------------------------------------------------- */

struct config_pos
cfg_pos(const yaml_node_t *n)
{
	struct config_pos p = {(uint32_t)n->start_mark.line + 1,
	                       (uint32_t)n->start_mark.column + 1};
	return p;
}

yaml_node_t *
cfg_node(struct cfg_ctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

const char *
cfg_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* An empty plain scalar is YAML's null: `key:` with nothing after it. */
bool
cfg_is_null(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* How a node looks, for "expected X, got Y". Secrets are never quoted. */
const char *
cfg_got(const yaml_node_t *n, char *buf, size_t size, bool secret)
{
	const char *s;
	size_t i, o = 0;

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (cfg_is_null(n))
		return "nothing";
	if (secret)
		return "a string";
	s = cfg_scalar(n);
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
const char *
cfg_suggest(const char *const *cands, const char *word)
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

void
cfg_join_keys(const char *const *keys, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; keys[i] != NULL && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", keys[i]);
}

static void
unknown_key(struct cfg_ctx *c, const yaml_node_t *k, enum cfg_level lv, const char *key)
{
	char elsewhere[160] = "", list[640];
	size_t o = 0;
	const char *s;
	int found[L_COUNT], nf = 0;

	/* A key that exists, one level up or down: say where it goes. */

	for (int i = 0; i < L_COUNT; i++)
		if (i != (int)lv && key_known(levels[i].keys, key))
			found[nf++] = i;
	for (int i = 0; i < nf && o < sizeof(elsewhere); i++)
		o += (size_t)snprintf(elsewhere + o, sizeof(elsewhere) - o, "%s%s",
		                      i == 0        ? ""
		                      : i == nf - 1 ? " or "
		                                    : ", ",
		                      levels[found[i]].what);
	if (o > 0) {
		cfg_err(c, cfg_pos(k), "unknown key '%s' %s; '%s' belongs in %s", key,
		        levels[lv].where, key, elsewhere);
		return;
	}
	if ((s = cfg_suggest(levels[lv].keys, key)) != NULL) {
		cfg_err(c, cfg_pos(k), "unknown key '%s' %s; did you mean '%s'?", key,
		        levels[lv].where, s);
		return;
	}
	cfg_join_keys(levels[lv].keys, list, sizeof(list));
	cfg_err(c, cfg_pos(k), "unknown key '%s' %s (known keys: %s)", key, levels[lv].where, list);
}

/*
 * Walk a mapping: refuse non-scalar, duplicate and unknown keys, hand the
 * others to fn. Returns false (after reporting) if n is not a mapping.
 */
bool
cfg_walk_map(struct cfg_ctx *c, yaml_node_t *n, enum cfg_level lv, const char *what, cfg_pair_fn fn,
             void *arg)
{
	yaml_node_pair_t *p, *q;
	char buf[64];

	if (n->type != YAML_MAPPING_NODE) {
		cfg_err(c, cfg_pos(n), "%s: expected a mapping, got %s", what,
		        cfg_got(n, buf, sizeof(buf), false));
		return false;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(c, p->key), *v = cfg_node(c, p->value);
		const char *key = cfg_scalar(k);
		bool dup = false;

		if (key == NULL) {
			cfg_err(c, cfg_pos(k), "%s: expected a key name, got %s", what,
			        cfg_got(k, buf, sizeof(buf), false));
			continue;
		}
		for (q = n->data.mapping.pairs.start; q < p && !dup; q++) {
			yaml_node_t *qk = cfg_node(c, q->key);
			if (cfg_scalar(qk) != NULL && strcmp(cfg_scalar(qk), key) == 0) {
				cfg_err(c, cfg_pos(k),
				        "duplicate key '%s' (first at line %u, column %u)", key,
				        cfg_pos(qk).line, cfg_pos(qk).col);
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
bool
cfg_parse_u64(const char *s, uint64_t *out)
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
bool
cfg_get_uint(struct cfg_ctx *c, yaml_node_t *n, const char *key, uint64_t min, uint64_t max,
             const char *note, uint64_t *out)
{
	char buf[64];
	const char *s = cfg_scalar(n);
	uint64_t v;

	if (s == NULL || cfg_is_null(n) || !cfg_parse_u64(s, &v)) {
		if (s != NULL && s[0] == '-' && cfg_parse_u64(s + 1, &v))
			cfg_err(c, cfg_pos(n), "%s: %s is negative; expected %llu..%llu", key, s,
			        (unsigned long long)min, (unsigned long long)max);
		else
			cfg_err(c, cfg_pos(n), "%s: expected an integer, got %s", key,
			        cfg_got(n, buf, sizeof(buf), false));
		return false;
	}
	if (v < min || v > max) {
		if (note != NULL)
			cfg_err(c, cfg_pos(n), "%s: %s is out of range: %s", key, s, note);
		else
			cfg_err(c, cfg_pos(n), "%s: %s is out of range: expected %llu..%llu", key,
			        s, (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool
cfg_get_bool(struct cfg_ctx *c, yaml_node_t *n, const char *key, bool *out)
{
	char buf[64];
	const char *s = cfg_scalar(n);

	if (s != NULL && strcmp(s, "true") == 0)
		*out = true;
	else if (s != NULL && strcmp(s, "false") == 0)
		*out = false;
	else {
		cfg_err(c, cfg_pos(n), "%s: expected true or false, got %s", key,
		        cfg_got(n, buf, sizeof(buf), false));
		return false;
	}
	return true;
}

const char *
cfg_get_string(struct cfg_ctx *c, yaml_node_t *n, const char *key, bool secret)
{
	char buf[64];
	const char *s = cfg_scalar(n);

	if (s == NULL || cfg_is_null(n)) {
		cfg_err(c, cfg_pos(n), "%s: expected a string, got %s", key,
		        cfg_got(n, buf, sizeof(buf), secret));
		return NULL;
	}
	if (s[0] == '\0') {
		cfg_err(c, cfg_pos(n), "%s: must not be empty", key);
		return NULL;
	}
	if (strlen(s) != n->data.scalar.length) {
		cfg_err(c, cfg_pos(n), "%s: contains a NUL character", key);
		return NULL;
	}
	return s;
}

/* One of a fixed set of words. */
bool
cfg_get_word(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *const *words, int *out)
{
	char buf[64], list[200];
	const char *s = cfg_scalar(n), *sug;

	if (s != NULL && !cfg_is_null(n))
		for (int i = 0; words[i] != NULL; i++)
			if (strcmp(s, words[i]) == 0) {
				*out = i;
				return true;
			}
	cfg_join_keys(words, list, sizeof(list));
	if (s != NULL && !cfg_is_null(n) && (sug = cfg_suggest(words, s)) != NULL)
		cfg_err(c, cfg_pos(n), "%s: %s is not one of %s; did you mean '%s'?", key,
		        cfg_got(n, buf, sizeof(buf), false), list, sug);
	else
		cfg_err(c, cfg_pos(n), "%s: expected one of %s, got %s", key, list,
		        cfg_got(n, buf, sizeof(buf), false));
	return false;
}

/* asplain (65520) or asdot (1.10, RFC 5396); the rules are in cfg_check_asn. */
bool
cfg_get_asn(struct cfg_ctx *c, yaml_node_t *n, const char *key, uint32_t *out)
{
	char buf[64];
	const char *s = cfg_scalar(n), *dot;
	uint64_t v, hi, lo;

	if (s != NULL && !cfg_is_null(n) && (dot = strchr(s, '.')) != NULL) {
		char head[12];
		size_t hl = (size_t)(dot - s);
		if (hl > 0 && hl < sizeof(head)) {
			memcpy(head, s, hl);
			head[hl] = '\0';
			if (cfg_parse_u64(head, &hi) && cfg_parse_u64(dot + 1, &lo)) {
				if (hi > 65535 || lo > 65535) {
					cfg_err(c, cfg_pos(n),
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
	if (s == NULL || cfg_is_null(n) || !cfg_parse_u64(s, &v)) {
		cfg_err(c, cfg_pos(n), "%s: expected an AS number like 65520, got %s", key,
		        cfg_got(n, buf, sizeof(buf), false));
		return false;
	}
	if (v > UINT32_MAX) {
		cfg_err(c, cfg_pos(n), "%s: %s is out of range: an ASN is 1..4294967294", key, s);
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

bool
cfg_get_ifname(struct cfg_ctx *c, yaml_node_t *n, const char *key, char out[CONFIG_IFNAMSIZ])
{
	const char *s = cfg_get_string(c, n, key, false);
	char buf[64];

	if (s == NULL)
		return false;
	if (!ifname_valid(s)) {
		cfg_err(c, cfg_pos(n),
		        "%s: %s is not a valid interface name (1..15 characters, no '/', ':' or "
		        "spaces)",
		        key, cfg_got(n, buf, sizeof(buf), false));
		return false;
	}
	snprintf(out, CONFIG_IFNAMSIZ, "%s", s);
	return true;
}

/* ---- prefixes ------------------------------------------------------- */

/* What each use expects, for "expected X". */
static const char *
prefix_example(enum cfg_prefix_use use)
{
	switch (use) {
	case USE_SUBNET:
		return "a /30 like 172.16.1.0/30";
	case USE_SUBNET6:
		return "a /126 like 2a10:ce00:1::/126";
	default:
		return "ADDRESS/LENGTH like 10.10.0.0/16 or 2a10:ce10::/48";
	}
}

/*
 * A link subnet of the wrong family or length. The guide gives four /30s;
 * today's provider adds a /126 per leg, the first usable address ours.
 */
static bool
subnet_shape_ok(struct cfg_ctx *c, yaml_node_t *n, const char *key, enum cfg_prefix_use use,
                const char *s, const struct prefix *p)
{
	if (use == USE_SUBNET && p->afi != AFI_IP) {
		cfg_err(c, cfg_pos(n),
		        "%s: %s is an IPv6 prefix; write the IPv6 /126 as %s-v6 and keep the "
		        "IPv4 /30 here",
		        key, s, key);
		return false;
	}
	if (use == USE_SUBNET6 && p->afi != AFI_IP6) {
		char base[32];
		snprintf(base, sizeof(base), "%.*s", (int)(strlen(key) - 3), key);
		cfg_err(c, cfg_pos(n), "%s: %s is an IPv4 prefix; the IPv4 /30 goes in %s", key, s,
		        base);
		return false;
	}
	if (use == USE_SUBNET && p->len != 30) {
		cfg_err(c, cfg_pos(n),
		        "%s: %s is a /%u; each BGP subnet must be exactly a /30 (the guide: "
		        "four /30 subnets)",
		        key, s, p->len);
		return false;
	}
	if (use == USE_SUBNET6 && p->len != 126) {
		cfg_err(c, cfg_pos(n),
		        "%s: %s is a /%u; each IPv6 BGP subnet must be exactly a /126 (the "
		        "provider: two /126 subnets per peering)",
		        key, s, p->len);
		return false;
	}
	return true;
}

/*
 * A link subnet written with a host address: the operator often copies
 * an address from the provider's portal. Say whose address it is (the
 * first usable one is ours, the second the provider's), so the mix-up
 * between the two ends shows.
 */
static void
subnet_host_note(const char *s, const struct prefix *net, char *note, size_t size)
{
	char text[PREFIX_STRLEN], ours[ADDR_STRLEN], theirs[ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	struct addr a, first, second;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(text))
		return;
	memcpy(text, s, (size_t)(slash - s));
	text[slash - s] = '\0';
	if (addr_parse(text, &a) != PREFIX_OK || !prefix_link_hosts(net, &first, &second))
		return;
	addr_fmt(&first, ours, sizeof(ours));
	addr_fmt(&second, theirs, sizeof(theirs));
	if (addr_eq(&a, &second))
		snprintf(note, size,
		         " %s is the provider's address (the second usable); yours is %s, the "
		         "first usable",
		         text, ours);
	else if (addr_eq(&a, &first))
		snprintf(note, size,
		         " %s is your address (the first usable; the provider's is %s): write "
		         "the subnet, not the address",
		         text, theirs);
}

bool
cfg_get_prefix(struct cfg_ctx *c, yaml_node_t *n, const char *key, enum cfg_prefix_use use,
               struct prefix *out)
{
	char buf[64], fmt[PREFIX_STRLEN], note[200] = "";
	const char *s = cfg_scalar(n);
	const char *example = prefix_example(use);
	struct prefix p;
	enum prefix_err err;

	if (s == NULL || cfg_is_null(n)) {
		cfg_err(c, cfg_pos(n), "%s: expected %s, got %s", key, example,
		        cfg_got(n, buf, sizeof(buf), false));
		return false;
	}
	err = prefix_parse(s, &p, PREFIX_PARSE_MASK);
	if (err == PREFIX_ERR_LENGTH && strchr(s, '/') == NULL) {
		cfg_err(c, cfg_pos(n), "%s: '%s' has no prefix length; expected %s", key, s,
		        example);
		return false;
	}
	if (err == PREFIX_ERR_LENGTH) {
		cfg_err(c, cfg_pos(n), "%s: '%s' has an invalid prefix length; expected %s", key, s,
		        example);
		return false;
	}
	if (err != PREFIX_OK) {
		cfg_err(c, cfg_pos(n), "%s: %s is not a prefix; expected %s", key,
		        cfg_got(n, buf, sizeof(buf), false), example);
		return false;
	}
	if ((use == USE_SUBNET || use == USE_SUBNET6) && !subnet_shape_ok(c, n, key, use, s, &p))
		return false;
	if (prefix_parse(s, &p, 0) == PREFIX_ERR_HOST_BITS) {
		prefix_parse(s, &p, PREFIX_PARSE_MASK);
		if (use == USE_SUBNET || use == USE_SUBNET6)
			subnet_host_note(s, &p, note, sizeof(note));
		cfg_err(c, cfg_pos(n), "%s: %s has host bits set; did you mean %s?%s", key, s,
		        prefix_fmt(&p, fmt, sizeof(fmt)), note);
		return false;
	}
	*out = p;
	return true;
}

/* Order for duplicate detection: by prefix, then by place in the file. */
static int
config_prefix_cmp(const void *pa, const void *pb)
{
	const struct config_prefix *a = *(const struct config_prefix *const *)pa;
	const struct config_prefix *b = *(const struct config_prefix *const *)pb;
	int r = prefix_cmp(&a->prefix, &b->prefix);

	if (r != 0)
		return r;
	return a < b ? -1 : a > b;
}

/*
 * Drop repeated prefixes (a warning each, naming the first) in
 * O(n log n): an announce list may hold tens of thousands of entries
 * before aggregation.
 */
static void
prefix_list_dedup(struct cfg_ctx *c, const char *key, struct config_prefix_list *l)
{
	struct config_prefix **idx;
	char fmt[PREFIX_STRLEN];
	size_t o = 0;

	if (l->n < 2)
		return;
	if ((idx = calloc(l->n, sizeof(*idx))) == NULL) {
		cfg_err(c, l->v[0].pos, "out of memory");
		return;
	}
	for (size_t i = 0; i < l->n; i++)
		idx[i] = &l->v[i];
	qsort(idx, l->n, sizeof(*idx), config_prefix_cmp);
	for (size_t i = 1, first = 0; i < l->n; i++) {
		if (!prefix_eq(&idx[i]->prefix, &idx[first]->prefix)) {
			first = i;
			continue;
		}
		cfg_warn(c, idx[i]->pos, "%s: %s is listed twice (first at line %u, column %u)",
		         key, prefix_fmt(&idx[i]->prefix, fmt, sizeof(fmt)), idx[first]->pos.line,
		         idx[first]->pos.col);
		free(idx[i]->text);
		idx[i]->text = NULL; /* marks it for removal below */
	}
	free(idx);
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].text != NULL)
			l->v[o++] = l->v[i];
	l->n = o;
}

void
cfg_get_prefix_list(struct cfg_ctx *c, yaml_node_t *n, const char *key, enum cfg_prefix_use use,
                    struct config_prefix_list *out)
{
	char buf[64];
	yaml_node_item_t *it;
	size_t cap;

	if (n->type != YAML_SEQUENCE_NODE) {
		cfg_err(c, cfg_pos(n), "%s: expected a list of prefixes, got %s", key,
		        cfg_got(n, buf, sizeof(buf), false));
		return;
	}
	cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap == 0)
		return;
	if ((out->v = calloc(cap, sizeof(*out->v))) == NULL) {
		cfg_err(c, cfg_pos(n), "out of memory");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = cfg_node(c, *it);
		struct config_prefix *cp = &out->v[out->n];

		if (!cfg_get_prefix(c, item, key, use, &cp->prefix))
			continue;
		cp->pos = cfg_pos(item);
		if ((cp->text = strdup(cfg_scalar(item))) == NULL) {
			cfg_err(c, cfg_pos(item), "out of memory");
			continue;
		}
		out->n++;
	}
	prefix_list_dedup(c, key, out);
}
