/*
 * config internals shared by config.c, config_parse.c, config_validate.c
 * and config_md5.c. Not installed, not for other modules.
 */
#ifndef CEBGP_CONFIG_INT_H
#define CEBGP_CONFIG_INT_H

#include <yaml.h>

#include "config.h"

/* The inheritable settings, one bit and one position each. */
enum cfg_opt {
	OPT_HOLD,
	OPT_KEEPALIVE,
	OPT_CONNECT_RETRY,
	OPT_IDLE_HOLD,
	OPT_IDLE_HOLD_MAX,
	OPT_PORT,
	OPT_PASSIVE,
	OPT_TTL_SECURITY,
	OPT_PREPEND,
	OPT_MAX_RECEIVED,
	OPT_INSTALL,
	OPT_TABLE,
	OPT_METRIC,
	OPT_PROTOCOL,
	OPT_BFD_ENABLED, /* config_bfd.c */
	OPT_BFD_MIN_RX,
	OPT_BFD_MIN_TX,
	OPT_BFD_MULT,
	OPT_COUNT,
};

/* What one level (top, circuit, peering, session block) sets explicitly. */
struct cfg_layer {
	uint32_t set; /* 1 << enum cfg_opt */
	struct config_opts v;
	struct config_pos pos[OPT_COUNT];
};

/* A resolved config_opts plus where each field's winning value was written. */
struct cfg_resolved {
	struct config_opts v;
	struct config_pos pos[OPT_COUNT];
};

/* Positions the cross-field checks need, per circuit. */
struct cfg_circuit_extra {
	struct config_pos name_pos;
	struct config_pos provider_asn_pos;
	struct config_pos md5_pos; /* whichever md5-* key set it */
	struct config_pos links_pos;
	struct config_pos peerings_pos;
	struct config_pos vlan_pos[CONFIG_NPEERINGS];
	struct config_pos max_prefixes_pos[CONFIG_NPEERINGS];
	struct config_pos max_prefixes6_pos[CONFIG_NPEERINGS];
	struct config_pos min_length_pos[CONFIG_NPEERINGS];
	struct config_pos min_length6_pos[CONFIG_NPEERINGS];
	struct config_pos provider_pos; /* the circuit's provider: key, if any */
	struct cfg_layer layer;
	struct cfg_layer peering_layer[CONFIG_NPEERINGS];
	struct cfg_layer leg_layer[CONFIG_NPEERINGS][CONFIG_NROLES];
	struct config_pos leg_if_pos[CONFIG_NPEERINGS][CONFIG_NROLES];
	bool manage_set; /* the circuit sets manage-interfaces */
	bool manage;
};

struct cfg_ctx {
	struct config_diag *diag;
	const char *file;
	const char *dir; /* for relative md5-key-file paths; NULL: cwd */
	yaml_document_t *doc;
	struct config *cfg;
	struct config_pos asn_pos;
	struct config_pos router_id_pos;
	struct config_pos socket_pos;
	struct cfg_layer global;
	struct cfg_circuit_extra *cx; /* [cfg->ncircuits] */
	size_t ncx;
	/*
	 * The top level's provider and sku, read before the walk (a circuit
	 * may come before them in the file), and every profile a circuit
	 * uses, for the checks of the top-level asn.
	 */
	const struct profile *profile;
	enum config_sku sku;
	struct config_pos provider_pos;
	const struct profile *used[4];
	size_t nused;
};

void cfg_err(struct cfg_ctx *c, struct config_pos pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void cfg_warn(struct cfg_ctx *c, struct config_pos pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* ---- config_yaml.c: node access with diagnostics ---------------------- */

/* The mapping levels of the file, each with its key table. */
enum cfg_level {
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
	L_BFD,
	L_COUNT,
};

enum cfg_prefix_use {
	USE_SUBNET,   /* exactly an IPv4 /30 */
	USE_SUBNET6,  /* exactly an IPv6 /126 */
	USE_ANNOUNCE, /* an IPv4 or IPv6 prefix, host bits clear */
	USE_ACCEPT,   /* the same */
};

typedef void (*cfg_pair_fn)(struct cfg_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
                            void *arg);

struct config_pos cfg_pos(const yaml_node_t *n);
yaml_node_t *cfg_node(struct cfg_ctx *c, int index);
const char *cfg_scalar(const yaml_node_t *n); /* NULL unless a scalar */
bool cfg_is_null(const yaml_node_t *n);
/* How a node looks, for "expected X, got Y": "a list", "'abc'", ... */
const char *cfg_got(const yaml_node_t *n, char *buf, size_t size, bool secret);
const char *cfg_suggest(const char *const *cands, const char *word);
void cfg_join_keys(const char *const *keys, char *buf, size_t size);
/* Refuse non-scalar, duplicate, unknown keys; fn gets the others. */
bool cfg_walk_map(struct cfg_ctx *c, yaml_node_t *n, enum cfg_level lv, const char *what,
                  cfg_pair_fn fn, void *arg);
bool cfg_parse_u64(const char *s, uint64_t *out);
bool cfg_get_uint(struct cfg_ctx *c, yaml_node_t *n, const char *key, uint64_t min, uint64_t max,
                  const char *note, uint64_t *out);
bool cfg_get_bool(struct cfg_ctx *c, yaml_node_t *n, const char *key, bool *out);
const char *cfg_get_string(struct cfg_ctx *c, yaml_node_t *n, const char *key, bool secret);
bool cfg_get_word(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *const *words,
                  int *out);
bool cfg_get_asn(struct cfg_ctx *c, yaml_node_t *n, const char *key, uint32_t *out);
bool cfg_get_ifname(struct cfg_ctx *c, yaml_node_t *n, const char *key, char out[CONFIG_IFNAMSIZ]);
bool cfg_get_prefix(struct cfg_ctx *c, yaml_node_t *n, const char *key, enum cfg_prefix_use use,
                    struct prefix *out);
void cfg_get_prefix_list(struct cfg_ctx *c, yaml_node_t *n, const char *key,
                         enum cfg_prefix_use use, struct config_prefix_list *out);

/* config_parse.c: walk the YAML document into c->cfg (types, ranges, keys). */
void cfg_parse_document(struct cfg_ctx *c);

/* config_validate.c: cross-field rules, then the session list. */
void cfg_validate(struct cfg_ctx *c);
/*
 * config_profile.c: the ASN rules shared by `asn` and `provider-asn` (ours:
 * which one); ours against every profile in use.
 */
bool cfg_check_asn(struct cfg_ctx *c, struct config_pos pos, const char *key, uint32_t asn,
                   bool ours);
void cfg_resolve(struct cfg_resolved *out, const struct cfg_layer *const *layers, size_t n);

/* config_bfd.c: the `bfd:` key of any level, its defaults and resolution. */
void cfg_parse_bfd(struct cfg_ctx *c, yaml_node_t *v, struct cfg_layer *l);
void cfg_bfd_defaults(struct config_bfd *b);
void cfg_bfd_apply(struct cfg_resolved *out, const struct cfg_layer *l);

/*
 * config_md5.c: read an md5-key-file and check it against the circuit's
 * profile; false after reporting.
 */
bool cfg_read_key_file(struct cfg_ctx *c, struct config_pos pos, const char *path,
                       const struct profile *p, char key[CONFIG_MD5_KEYSIZ]);

/* config_profile.c: provider and sku, read ahead of the walk, and the profile checks. */
void cfg_prescan_profiles(struct cfg_ctx *c, yaml_node_t *root);
void cfg_circuit_profile(struct cfg_ctx *c, yaml_node_t *circuit, struct config_circuit *ci);
void cfg_parse_provider(struct cfg_ctx *c, yaml_node_t *v, const struct profile **out);
void cfg_parse_sku(struct cfg_ctx *c, yaml_node_t *v, enum config_sku *out);
void cfg_check_provider_asn(struct cfg_ctx *c, struct config_pos pos, uint32_t asn,
                            const struct profile *p);
void cfg_check_peering_allowed(struct cfg_ctx *c, const struct config_circuit *ci, int t);
void cfg_check_profile(struct cfg_ctx *c, size_t circuit);
void cfg_check_session_profile(struct cfg_ctx *c, const struct config_session *s,
                               const struct cfg_resolved *r);
void cfg_profile_bfd(struct cfg_resolved *r, const struct profile *p);

#endif
