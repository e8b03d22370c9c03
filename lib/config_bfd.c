/*
 * config_bfd: the `bfd:` key. It may stand at the top level, in a circuit,
 * in a peering or in a session block, and inherits field by field like
 * timers (the nearest level that sets a field wins):
 *
 *   bfd: true | false                  # enabled only; intervals inherited
 *   bfd: { enabled: true, min-rx: 300, min-tx: 300, multiplier: 3 }
 *
 * Intervals are milliseconds. The default is enabled at 300/300 x 3, the
 * provider's own default, so the daemon's slower-side-wins negotiation
 * lands where the provider expects it.
 */
#include <stdio.h>
#include <string.h>

#include "config_int.h"

static void
bfd_set(struct cfg_layer *l, enum cfg_opt o, yaml_node_t *n)
{
	l->set |= 1u << o;
	l->pos[o] = cfg_pos(n);
}

static void
bfd_pair(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	static const char range[] = "expected 10..60000 milliseconds";
	struct cfg_layer *l = arg;
	struct config_bfd *b = &l->v.bfd;
	char name[32];
	uint64_t x;
	bool on;

	(void)k;
	snprintf(name, sizeof(name), "bfd.%s", key);
	if (strcmp(key, "enabled") == 0) {
		if (cfg_get_bool(c, v, name, &on)) {
			b->enabled = on;
			bfd_set(l, OPT_BFD_ENABLED, v);
		}
	} else if (strcmp(key, "min-rx") == 0) {
		if (cfg_get_uint(c, v, name, CONFIG_BFD_INTERVAL_MIN, CONFIG_BFD_INTERVAL_MAX,
		                 range, &x)) {
			b->min_rx = (uint32_t)x;
			bfd_set(l, OPT_BFD_MIN_RX, v);
		}
	} else if (strcmp(key, "min-tx") == 0) {
		if (cfg_get_uint(c, v, name, CONFIG_BFD_INTERVAL_MIN, CONFIG_BFD_INTERVAL_MAX,
		                 range, &x)) {
			b->min_tx = (uint32_t)x;
			bfd_set(l, OPT_BFD_MIN_TX, v);
		}
	} else if (strcmp(key, "multiplier") == 0) {
		if (cfg_get_uint(c, v, name, 1, 255, NULL, &x)) {
			b->multiplier = (uint8_t)x;
			bfd_set(l, OPT_BFD_MULT, v);
		}
	}
}

void
cfg_parse_bfd(struct cfg_ctx *c, yaml_node_t *v, struct cfg_layer *l)
{
	char buf[64];
	bool on;

	if (v->type == YAML_MAPPING_NODE) {
		cfg_walk_map(c, v, L_BFD, "bfd", bfd_pair, l);
		return;
	}
	const char *s = cfg_scalar(v);
	if (s == NULL || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)) {
		cfg_err(c, cfg_pos(v),
		        "bfd: expected true, false or a mapping like { enabled: true, min-rx: 300, "
		        "min-tx: 300, multiplier: 3 }, got %s",
		        cfg_got(v, buf, sizeof(buf), false));
		return;
	}
	if (cfg_get_bool(c, v, "bfd", &on)) {
		l->v.bfd.enabled = on;
		bfd_set(l, OPT_BFD_ENABLED, v);
	}
}

void
cfg_bfd_defaults(struct config_bfd *b)
{
	b->enabled = true;
	b->min_rx = CONFIG_DEFAULT_BFD_INTERVAL;
	b->min_tx = CONFIG_DEFAULT_BFD_INTERVAL;
	b->multiplier = CONFIG_DEFAULT_BFD_MULT;
}

#define BFD_APPLY(field, opt)                              \
	do {                                               \
		if (l->set & (1u << (opt))) {              \
			out->v.bfd.field = l->v.bfd.field; \
			out->pos[(opt)] = l->pos[(opt)];   \
		}                                          \
	} while (0)

void
cfg_bfd_apply(struct cfg_resolved *out, const struct cfg_layer *l)
{
	BFD_APPLY(enabled, OPT_BFD_ENABLED);
	BFD_APPLY(min_rx, OPT_BFD_MIN_RX);
	BFD_APPLY(min_tx, OPT_BFD_MIN_TX);
	BFD_APPLY(multiplier, OPT_BFD_MULT);
}

bool
config_bfd_eq(const struct config_bfd *a, const struct config_bfd *b)
{
	return a->enabled == b->enabled && a->min_rx == b->min_rx && a->min_tx == b->min_tx &&
	       a->multiplier == b->multiplier;
}

const char *
config_bfd_fmt(const struct config_bfd *b, char *buf, size_t size)
{
	if (!b->enabled)
		snprintf(buf, size, "disabled");
	else
		snprintf(buf, size, "enabled, min-rx %u ms, min-tx %u ms, multiplier %u", b->min_rx,
		         b->min_tx, b->multiplier);
	return buf;
}
