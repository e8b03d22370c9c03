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
	struct cfg_layer layer;
	struct cfg_layer peering_layer[CONFIG_NPEERINGS];
	struct cfg_layer leg_layer[CONFIG_NPEERINGS][CONFIG_NROLES];
	struct config_pos leg_if_pos[CONFIG_NPEERINGS][CONFIG_NROLES];
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
};

void cfg_err(struct cfg_ctx *c, struct config_pos pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void cfg_warn(struct cfg_ctx *c, struct config_pos pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* config_parse.c: walk the YAML document into c->cfg (types, ranges, keys). */
void cfg_parse_document(struct cfg_ctx *c);

/* config_validate.c: cross-field rules, then the session list. */
void cfg_validate(struct cfg_ctx *c);
/* The ASN rules shared by `asn` and `provider-asn` (our_asn: which one). */
void cfg_check_asn(struct cfg_ctx *c, struct config_pos pos, const char *key, uint32_t asn,
                   bool ours);
void cfg_resolve(struct cfg_resolved *out, const struct cfg_layer *const *layers, size_t n);

/* config_md5.c: read and check an md5-key-file; false after reporting. */
bool cfg_read_key_file(struct cfg_ctx *c, struct config_pos pos, const char *path,
                       char key[CONFIG_MD5_KEYSIZ]);

#endif
