/*
 * config: cebgpd.yaml -> a validated, immutable struct config.
 *
 * config_load() parses the YAML (libyaml), checks every rule and reports
 * every problem at once, each with the file, line and column of the node at
 * fault, then flattens the circuits into one struct config_session per BGP
 * session. A config with errors is never returned; warnings ride along in
 * the diagnostics. Reload builds a new config and compares sessions by
 * their stable key (config_session_compare()).
 *
 * Secrets (MD5 keys and passwords, service keys) are kept in the struct for
 * the daemon but never appear in a diagnostic or in the plan.
 *
 * Inheritance: timers, port, passive, ttl-security, prepend, max-received,
 * install, table, metric and protocol may be given at the top level, in a
 * circuit, in a peering, and (all but the kernel ones: install, table,
 * metric, protocol) per session in the peering's `primary:`/`secondary:`
 * block. The nearest level wins, field by field for timers. The MD5 key
 * (md5-key, md5-key-file or md5-password) is set per circuit and may be
 * overridden per peering.
 *
 *   asn: 65520
 *   timers: { hold: 240 }           # every session: hold 240, keepalive 60
 *   circuits:
 *     - name: 1GbpsCircuit
 *       ...
 *       peerings:
 *         private:
 *           vlan: 555
 *           primary-subnet: 172.16.1.0/30
 *           secondary-subnet: 172.16.2.0/30
 *           primary: { interface: bond0.555, prepend: 2 }   # session block
 */
#ifndef CEBGP_CONFIG_H
#define CEBGP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prefix.h"

/* ---- diagnostics ---------------------------------------------------- */

enum config_severity {
	CONFIG_ERROR,
	CONFIG_WARNING,
};

struct config_msg {
	const char *file; /* owned by the diag */
	uint32_t line;    /* 1-based; 0 when the message has no position */
	uint32_t col;     /* 1-based */
	enum config_severity severity;
	char *message; /* never contains a secret */
};

/*
 * Every error and warning of one load. Sorted by position (file, line,
 * column; messages without a position last) once the load is complete.
 */
struct config_diag {
	struct config_msg *msgs;
	size_t n, cap;
	size_t errors, warnings;
	char **files; /* interned file names the messages point to */
	size_t nfiles;
};

void config_diag_init(struct config_diag *d);
void config_diag_free(struct config_diag *d);
/* One line per message: "file:line:col: error: message" (or "warning"). */
void config_diag_print(FILE *out, const struct config_diag *d);
/* The same line for one message, without newline, into buf (for syslog). */
char *config_msg_fmt(const struct config_msg *m, char *buf, size_t size);
/* Append a message (used by the parser; public for the daemon's own checks). */
void config_diag_add(struct config_diag *d, const char *file, uint32_t line, uint32_t col,
                     enum config_severity sev, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* ---- the config ----------------------------------------------------- */

struct config_pos {
	uint32_t line, col; /* 0, 0 for a default that came from no node */
};

/*
 * The peerings of a circuit. Public peering is the guide's; Microsoft
 * peering is what replaced it for circuits ordered today (which ones a
 * circuit may have is the provider profile's rule, lib/profile.h).
 */
enum config_peering_type {
	CONFIG_PRIVATE = 0,
	CONFIG_PUBLIC = 1,
	CONFIG_MICROSOFT = 2,
};
#define CONFIG_NPEERINGS 3
/* "private", "public", "microsoft" */
const char *config_peering_name(enum config_peering_type t);

/* The circuit's SKU: the private peering IPv4 cap under `provider: expressroute`. */
enum config_sku {
	CONFIG_SKU_STANDARD = 0,
	CONFIG_SKU_PREMIUM = 1,
};

/* lib/profile.h: the provider's rules as a table. */
struct profile;

enum config_role {
	CONFIG_PRIMARY = 0,
	CONFIG_SECONDARY = 1,
};
#define CONFIG_NROLES 2
const char *config_role_name(enum config_role r); /* "primary", "secondary" */

/* Linux IFNAMSIZ is 16: 15 characters and a NUL. */
#define CONFIG_IFNAMSIZ 16
/*
 * An MD5 key and a NUL: the guide's 32 hex digits, today's key of at most
 * 25 characters (the profile decides), never more than the kernel's
 * TCP_MD5SIG_MAXKEYLEN of 80 bytes.
 */
#define CONFIG_MD5_KEYSIZ 81

/*
 * Defaults (design.md, expressroute.md). The caps and minimum lengths are
 * the provider profile's (lib/profile.h).
 */
#define CONFIG_DEFAULT_PROVIDER_ASN  12076
#define CONFIG_DEFAULT_HOLD          180
#define CONFIG_DEFAULT_KEEPALIVE     60
#define CONFIG_DEFAULT_CONNECT_RETRY 120
#define CONFIG_DEFAULT_IDLE_HOLD     5
#define CONFIG_DEFAULT_IDLE_HOLD_MAX 3600
#define CONFIG_DEFAULT_PORT          179
#define CONFIG_DEFAULT_MAX_RECEIVED  10000
#define CONFIG_DEFAULT_PROTOCOL      186 /* RTPROT_BGP */
#define CONFIG_TABLE_MAIN            254 /* RT_TABLE_MAIN; `table: main` */
#define CONFIG_DEFAULT_SOCKET        "/run/cebgp/cebgpd.sock"
#define CONFIG_DEFAULT_RO_SOCKET     "/run/cebgp/cebgpd.ro.sock"

/* All in seconds. hold 0 means no keepalives and no hold timer (RFC 4271 §4.2). */
struct config_timers {
	uint32_t hold;          /* 0 or 3..65535 */
	uint32_t keepalive;     /* 1..21845; below hold (error), at most hold/3 (else a warning) */
	uint32_t connect_retry; /* 1..65535 */
	uint32_t idle_hold;     /* first backoff; doubles on each failure */
	uint32_t idle_hold_max; /* backoff ceiling; >= idle_hold */
};

/*
 * BFD (RFC 5880/5881) on a session, config_bfd.c. `bfd: true|false` or
 * `bfd: { enabled, min-rx, min-tx, multiplier }`, field by field like
 * timers. Intervals in milliseconds.
 */
#define CONFIG_DEFAULT_BFD_INTERVAL 300 /* ms: the provider's own default */
#define CONFIG_DEFAULT_BFD_MULT     3
#define CONFIG_BFD_INTERVAL_MIN     10    /* ms */
#define CONFIG_BFD_INTERVAL_MAX     60000 /* ms */
struct config_bfd {
	bool enabled;       /* true */
	uint32_t min_rx;    /* bfd.RequiredMinRxInterval, ms */
	uint32_t min_tx;    /* bfd.DesiredMinTxInterval while Up, ms */
	uint8_t multiplier; /* bfd.DetectMult, 1..255 */
};
bool config_bfd_eq(const struct config_bfd *a, const struct config_bfd *b);
/* "enabled, min-rx 300 ms, min-tx 300 ms, multiplier 3" or "disabled". */
const char *config_bfd_fmt(const struct config_bfd *b, char *buf, size_t size);

/* The inheritable settings, resolved (every field has its final value). */
struct config_opts {
	struct config_timers timers;
	uint16_t port;         /* TCP port of the peer and of our listener; 179 */
	bool passive;          /* false: connect at once and also accept */
	bool ttl_security;     /* GTSM (RFC 5082): send TTL 255, accept only 255 */
	uint8_t prepend;       /* extra copies of our ASN on the way out, 0..10 */
	uint32_t max_received; /* received-prefix limit (RFC 4486), 10000 */
	/* Kernel installation of received routes (not per session). */
	bool install;          /* true */
	uint32_t table;        /* 1..4294967295, CONFIG_TABLE_MAIN by default */
	uint32_t metric;       /* RTA_PRIORITY; 0 (the kernel's default) by default */
	uint8_t protocol;      /* rtm_protocol, 5..255; 186 (RTPROT_BGP) */
	struct config_bfd bfd; /* per session; a change needs no reset (poll/final) */
};

/* A prefix as written in the file, with where it was written. */
struct config_prefix {
	struct prefix prefix;
	struct config_pos pos;
	char *text; /* the scalar exactly as written (for `explain`) */
};

struct config_prefix_list {
	struct config_prefix *v;
	size_t n;
};

enum config_min_length_action {
	CONFIG_MINLEN_DROP = 0, /* default: drop what lossless aggregation cannot lift to /29 */
	CONFIG_MINLEN_EXTEND,   /* widen to the covering /29 */
};

/* What happens when the set fits the cap only beyond the over-coverage bound. */
enum config_cap_action {
	CONFIG_CAP_AGGREGATE = 0, /* aggregate anyway, ignoring the bound */
	CONFIG_CAP_TRUNCATE,      /* default: the cap's worth, by a stable priority */
	CONFIG_CAP_REFUSE,        /* advertise nothing new; keep the last good set */
};

/*
 * max-overcoverage: how much address space nobody listed the cap-aware
 * aggregation may add. Either a plain integer, an address count
 * (`max-overcoverage: 1024`), or a string with a percent sign, a share of
 * the peering's announced address space with at most two decimals
 * (`max-overcoverage: "5%"`, `"0.25%"`, up to "10000%"), or `unbounded`.
 * Absent: the peering's default bound (lib/policy.h): 0 on public; on
 * private 100 % of the announced space and no aggregate shorter than the
 * shortest announced prefix or /8.
 */
enum config_overcov_kind {
	CONFIG_OVERCOV_DEFAULT = 0,
	CONFIG_OVERCOV_UNLIMITED, /* `unbounded` */
	CONFIG_OVERCOV_ADDRS,
	CONFIG_OVERCOV_PERCENT,
};
struct config_overcoverage {
	enum config_overcov_kind kind;
	uint64_t addrs;      /* CONFIG_OVERCOV_ADDRS */
	uint32_t hundredths; /* CONFIG_OVERCOV_PERCENT: "5%" = 500, "0.25%" = 25 */
};

struct config_link {
	bool present;
	char ifname[CONFIG_IFNAMSIZ]; /* parent interface, e.g. eth0 */
	struct config_pos pos;
};

/* A peering's `primary:` / `secondary:` block, as written (overrides only). */
struct config_leg {
	bool present;
	char ifname[CONFIG_IFNAMSIZ]; /* "" unless `interface:` overrides */
	struct config_pos pos;
};

struct config_peering {
	bool present;
	enum config_peering_type type;
	struct config_pos pos; /* the `private:` / `public:` / `microsoft:` key */
	uint16_t vlan;         /* 1..4094 */
	bool subnet_set[CONFIG_NROLES];
	struct prefix subnet[CONFIG_NROLES]; /* each an IPv4 /30 */
	struct config_pos subnet_pos[CONFIG_NROLES];
	/*
	 * primary-subnet-v6 / secondary-subnet-v6: each an IPv6 /126, first
	 * usable address (::1) ours, the second (::2) the provider's. Each
	 * makes an IPv6 session beside the IPv4 one of the same role.
	 */
	bool subnet6_set[CONFIG_NROLES];
	struct prefix subnet6[CONFIG_NROLES];
	struct config_pos subnet6_pos[CONFIG_NROLES];
	struct config_leg leg[CONFIG_NROLES];
	/*
	 * md5-key, md5-key-file or md5-password given in the peering (the
	 * guide passes -SharedKey per peering): overrides the circuit's key
	 * for this peering's sessions. "" when the peering sets none.
	 */
	char md5_key[CONFIG_MD5_KEYSIZ];

	/* Outbound policy (design.md "Outbound policy"). */
	struct config_prefix_list announce;
	uint32_t max_prefixes;  /* the IPv4 cap (max-prefixes): the profile's by default */
	uint32_t max_prefixes6; /* the IPv6 cap (max-prefixes-v6): the profile's by default */
	/*
	 * min-length / min-length-v6: the longest prefix advertised, /29 and
	 * /64 under the guide, /32 and /128 today (the profile's by default).
	 */
	uint8_t max_len;
	uint8_t max_len6;
	enum config_min_length_action min_length_action;
	enum config_cap_action cap_action;
	struct config_overcoverage max_overcoverage;
	bool discard_holes;    /* true */
	uint32_t *communities; /* RFC 1997 values, (asn << 16) | value */
	size_t ncommunities;

	/*
	 * Inbound policy (lib/policy_inbound.h). Bogons, the peering /30s,
	 * our announced space, the default route (unless accept_default) and,
	 * on public peering, RFC 1918 / RFC 6598 are always refused; anything
	 * else is accepted unless a list below narrows it.
	 * accept: a route is accepted when an entry covers it (the entry
	 * itself or anything more specific); accept_set says the key was
	 * given (an empty list then refuses everything).
	 * accept-communities: only routes carrying one of these RFC 1997
	 * values ((asn << 16) | value); accept_communities_set likewise.
	 */
	struct config_prefix_list accept;
	bool accept_set;
	uint32_t *accept_communities;
	size_t naccept_communities;
	bool accept_communities_set;
	bool accept_default; /* accept-default: accept the default route */

	/* Resolved top level <- circuit <- peering (without session blocks). */
	struct config_opts opts;
};

struct config_circuit {
	char *name; /* [A-Za-z0-9_.-]+, unique */
	struct config_pos pos;
	char *service_key; /* secret-ish: never printed; may be NULL */
	/* Where service-key is the example's placeholder (line 0: it is not). */
	struct config_pos service_key_placeholder;
	uint32_t provider_asn; /* 12076 */
	/*
	 * provider / sku: the circuit's own, else the top level's, else
	 * expressroute-classic (the guide) and standard.
	 */
	const struct profile *profile;
	enum config_sku sku;
	/*
	 * The TCP-MD5 key (RFC 2385) for every session of the circuit,
	 * whichever of md5-key, md5-key-file, md5-password gave it: 32 hex
	 * digits (md5-key and the file's as written, md5-password's in
	 * lowercase), used as the ASCII key string itself, not hex-decoded.
	 * "" when the circuit has no key.
	 */
	char md5_key[CONFIG_MD5_KEYSIZ];
	struct config_link link[CONFIG_NROLES];
	struct config_peering peering[CONFIG_NPEERINGS];
	/* manage-interfaces: the circuit's own, else the top level's. */
	bool manage_interfaces;
};

/*
 * One BGP session: one (circuit, peering, role, address family) that has a
 * link and that family's subnet. An IPv6 session is the twin of the IPv4
 * one of the same role: same interface and options, its own /126.
 */
struct config_session {
	/* stable identity: "1GbpsCircuit/private/primary", ".../primary/ipv6" */
	char key[96];
	const struct config_circuit *circuit;
	const struct config_peering *peering;
	const char *circuit_name; /* == circuit->name */
	enum config_peering_type type;
	enum config_role role;
	uint8_t afi;                  /* AFI_IP or AFI_IP6: the transport and the routes */
	char ifname[CONFIG_IFNAMSIZ]; /* "<link interface>.<vlan>" or the override */
	struct prefix subnet;         /* the /30 (IPv6: the /126) */
	struct addr local;            /* first usable (.1, ::1): ours */
	struct addr peer;             /* second usable (.2, ::2): the provider's */
	uint32_t local_asn;
	uint32_t peer_asn;
	uint32_t router_id;      /* BGP identifier, host order; see struct config */
	const char *md5_key;     /* NULL: no TCP-MD5; else == circuit->md5_key */
	struct config_opts opts; /* fully resolved, session block included */
	struct config_pos pos;   /* the subnet that made this session */
	/*
	 * manage-interfaces (the circuit's, resolved): create ifname as VLAN
	 * peering->vlan on parent and add local/30 to it when missing.
	 * parent is the circuit's link interface of this role.
	 */
	bool manage_interfaces;
	char parent[CONFIG_IFNAMSIZ];
};

struct config {
	char *file; /* the name used in diagnostics */
	uint32_t asn;
	/*
	 * BGP identifier in host order. When `router-id` is absent it is the
	 * highest local session address (router_id_auto = true), so it is
	 * deterministic, known to --check and stable across reloads as long
	 * as the subnets are.
	 */
	uint32_t router_id;
	bool router_id_auto;
	bool keep_routes_on_exit; /* false: flush our FIB routes on exit */
	/*
	 * manage-interfaces at the top level (false): cebgpd creates each
	 * session's VLAN sub-interface and assigns our /30 address. A
	 * circuit may override it (struct config_circuit); the sessions carry
	 * the resolved value.
	 */
	bool manage_interfaces;
	struct {
		char *socket;          /* CONFIG_DEFAULT_SOCKET */
		char *readonly_socket; /* CONFIG_DEFAULT_RO_SOCKET */
		char *group;           /* NULL: the daemon's own group */
	} control;
	struct {
		char *listen; /* NULL: no metrics endpoint; else "127.0.0.1:9179" */
		struct addr addr;
		uint16_t port;
	} metrics;
	struct {
		int level;    /* syslog priority: LOG_DEBUG .. LOG_ERR; LOG_INFO */
		int facility; /* syslog facility: LOG_DAEMON by default */
	} log;
	struct config_opts defaults; /* the top level, resolved */

	struct config_circuit *circuits;
	size_t ncircuits;
	/*
	 * Circuit order, then private, public, microsoft, then primary before
	 * secondary, each IPv4 session right before its IPv6 twin.
	 */
	struct config_session *sessions;
	size_t nsessions;
};

/*
 * Load and validate. Returns NULL when there is any error; every error and
 * warning goes to diag (initialised by the caller with config_diag_init).
 * Relative md5-key-file paths are taken relative to the config file's
 * directory.
 */
struct config *config_load(const char *path, struct config_diag *diag);
/* The same from memory; name is the file name used in messages. */
struct config *config_parse_string(const char *text, const char *name, struct config_diag *diag);
void config_free(struct config *cfg);

const struct config_session *config_session_find(const struct config *cfg, const char *key);

/*
 * What a reload must do with a session present in both configs (same key).
 * RESET when a transport parameter changed: interface, local or peer
 * address, local or peer ASN, router id, MD5 key, timers, port,
 * ttl-security. SOFT when only policy changed (announce, accept, cap,
 * communities, prepend, max-received, passive, kernel options): re-run
 * policy, no new connection. why (if non-NULL) gets the first difference
 * found, e.g. "MD5 key changed" (never the key).
 */
enum config_change {
	CONFIG_UNCHANGED = 0,
	CONFIG_SOFT,
	CONFIG_RESET,
};
enum config_change config_session_compare(const struct config_session *old,
                                          const struct config_session *new, char *why,
                                          size_t whysize);

/* ---- MD5 (config_md5.c) --------------------------------------------- */

/* out = lowercase hex MD5 of password: the key for `md5-password`. */
bool config_md5_password(const char *password, char out[CONFIG_MD5_KEYSIZ]);
/* Exactly 32 hex digits (the guide's rule for -SharedKey). */
bool config_md5_key_valid(const char *key);

/*
 * The shipped example (conf/cebgpd.yaml, the package's /etc/cebgp/cebgpd.yaml)
 * carries the nil GUID as its service-key: a value no circuit has, so it
 * marks a file the operator has not made their own yet. Adds one error per
 * circuit that still has it, saying what to change, and returns how many.
 * config_load() accepts such a file (the lab runs the example); `cebgpd
 * --check`, the unit's ExecStartPre=, refuses it.
 */
#define CONFIG_PLACEHOLDER_SERVICE_KEY "00000000-0000-0000-0000-000000000000"
size_t config_check_placeholders(const struct config *cfg, struct config_diag *diag);

/* ---- the plan (config_plan.c): `cebgpd --check` ----------------------- */

/*
 * Hook for what each peering advertises after policy: called once per
 * present peering between the sessions and the warnings. With a NULL hook
 * the plan lists the configured announce prefixes "before policy".
 */
typedef void (*config_plan_peering_fn)(FILE *out, const struct config *cfg,
                                       const struct config_circuit *circuit,
                                       const struct config_peering *peering, void *arg);

/*
 * The configured policy of one peering (announce list as written, cap,
 * actions, accept list, kernel options): what the plan prints without a
 * hook, for a hook that wants to print it before its own result.
 */
void config_plan_peering(FILE *out, const struct config_peering *pe);

/* Sessions, then per peering the hook's output, then diag's warnings. */
void config_plan(FILE *out, const struct config *cfg, const struct config_diag *diag,
                 config_plan_peering_fn hook, void *arg);

#endif
