/*
 * test_config: the config loader, table-driven. Every bad config asserts
 * the exact full diagnostic output (file:line:col: error: message), every
 * warned config its warnings and the sessions it flattens to.
 */
#define _GNU_SOURCE /* asprintf, open_memstream */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "../../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "config_fixture.h"

#define KEY "0123456789abcdef0123456789abcdef"

/* Lines 1..12 of every table entry; additions start at line 13. */
#define BASE                                      \
	"asn: 65100\n"                            \
	"circuits:\n"                             \
	"  - name: c1\n"                          \
	"    md5-key: " KEY "\n"                  \
	"    links:\n"                            \
	"      primary: { interface: eth0 }\n"    \
	"      secondary: { interface: eth1 }\n"  \
	"    peerings:\n"                         \
	"      private:\n"                        \
	"        vlan: 555\n"                     \
	"        primary-subnet: 172.16.1.0/30\n" \
	"        secondary-subnet: 172.16.2.0/30\n"

/* text = BASE with the first `from` replaced by `to`, then `append`; from NULL: to is the text. */
struct bad_case {
	const char *name;
	const char *from, *to, *append;
	const char *expect; /* the whole diagnostic output */
};

struct warn_case {
	const char *name;
	const char *from, *to, *append;
	const char *expect;   /* the warnings */
	const char *sessions; /* session_dump() of the result */
};

static char *
build_text(const char *from, const char *to, const char *append)
{
	return from == NULL ? strdup(to) : fixture_edit(BASE, from, to, append);
}

static char *
capture_plan(const struct config *cfg, const struct config_diag *d, config_plan_peering_fn hook,
             void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	config_plan(f, cfg, d, hook, arg);
	fclose(f);
	return buf;
}

/* One line per session: key ifname local peer local-asn peer-asn. */
static char *
session_dump(const struct config *cfg)
{
	char *buf = NULL, a[ADDR_STRLEN], b[ADDR_STRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < cfg->nsessions; i++) {
		const struct config_session *s = &cfg->sessions[i];
		fprintf(f, "%s %s %s %s %u %u\n", s->key, s->ifname,
		        addr_fmt(&s->local, a, sizeof(a)), addr_fmt(&s->peer, b, sizeof(b)),
		        s->local_asn, s->peer_asn);
	}
	fclose(f);
	return buf;
}

#include "test_config_cases.h"

START_TEST(bad_config)
{
	const struct bad_case *bc = &bad_cases[_i];
	char *text = build_text(bc->from, bc->to, bc->append ? bc->append : "");
	struct config_diag d;
	struct config *cfg;
	char *out;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg == NULL, "%s: accepted", bc->name);
	ck_assert_msg(d.errors > 0, "%s: no error counted", bc->name);
	ck_assert_msg(strcmp(out, bc->expect) == 0, "%s:\n got: %s\nwant: %s", bc->name, out,
	              bc->expect);
	free(out);
	free(text);
	config_diag_free(&d);
}
END_TEST

START_TEST(warned_config)
{
	const struct warn_case *wc = &warn_cases[_i];
	char *text = build_text(wc->from, wc->to, wc->append);
	struct config_diag d;
	struct config *cfg;
	char *out, *sessions;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg != NULL, "%s: refused:\n%s", wc->name, out);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_ge(d.warnings, 1);
	ck_assert_msg(strcmp(out, wc->expect) == 0, "%s:\n got: %s\nwant: %s", wc->name, out,
	              wc->expect);
	sessions = session_dump(cfg);
	ck_assert_msg(strcmp(sessions, wc->sessions) == 0, "%s:\n got: %s\nwant: %s", wc->name,
	              sessions, wc->sessions);
	free(sessions);
	free(out);
	free(text);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

static char *
srcpath(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char *p;

	ck_assert_int_ge(asprintf(&p, "%s/%s", top ? top : "../..", rel), 0);
	return p;
}

static void
assert_session(const struct config_session *s, const char *key, const char *ifname,
               const char *local, const char *peer, uint32_t las, uint32_t pas)
{
	char a[ADDR_STRLEN];

	ck_assert_str_eq(s->key, key);
	ck_assert_str_eq(s->ifname, ifname);
	ck_assert_str_eq(addr_fmt(&s->local, a, sizeof(a)), local);
	ck_assert_str_eq(addr_fmt(&s->peer, a, sizeof(a)), peer);
	ck_assert_uint_eq(s->local_asn, las);
	ck_assert_uint_eq(s->peer_asn, pas);
}

/* The guide's example circuit, as shipped in conf/cebgpd.yaml. */
START_TEST(guide_example)
{
	char *path = srcpath("conf/cebgpd.yaml"), *out, want[512], p[PREFIX_STRLEN];
	struct config_diag d;
	struct config *cfg;
	const struct config_session *s;
	const struct config_peering *pe;

	config_diag_init(&d);
	cfg = config_load(path, &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg != NULL, "%s", out);
	snprintf(want, sizeof(want),
	         "%s:11:6: warning: asn: 65520 is reserved by the provider today (65515-65520); "
	         "the guide's example uses 65520, but current ExpressRoute refuses it\n",
	         path);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(cfg->asn, 65520);
	ck_assert_uint_eq(cfg->ncircuits, 1);
	ck_assert_uint_eq(cfg->nsessions, 4);
	assert_session(&cfg->sessions[0], "1GbpsCircuit/private/primary", "eth0.555", "172.16.1.1",
	               "172.16.1.2", 65520, 12076);
	assert_session(&cfg->sessions[1], "1GbpsCircuit/private/secondary", "eth1.555",
	               "172.16.2.1", "172.16.2.2", 65520, 12076);
	assert_session(&cfg->sessions[2], "1GbpsCircuit/public/primary", "eth0.556", "172.16.1.5",
	               "172.16.1.6", 65520, 12076);
	assert_session(&cfg->sessions[3], "1GbpsCircuit/public/secondary", "eth1.556", "172.16.2.5",
	               "172.16.2.6", 65520, 12076);
	/* No router-id: the highest local address, 172.16.2.5. */
	ck_assert(cfg->router_id_auto);
	ck_assert_uint_eq(cfg->router_id, 0xac100205);
	for (size_t i = 0; i < 4; i++) {
		s = &cfg->sessions[i];
		ck_assert_uint_eq(s->router_id, 0xac100205);
		ck_assert_ptr_nonnull(s->md5_key);
		ck_assert_str_eq(s->md5_key, KEY);
		ck_assert_uint_eq(s->opts.timers.hold, 180);
		ck_assert_uint_eq(s->opts.timers.keepalive, 60);
		ck_assert_uint_eq(s->opts.timers.connect_retry, 120);
		ck_assert_uint_eq(s->opts.timers.idle_hold, 5);
		ck_assert_uint_eq(s->opts.timers.idle_hold_max, 3600);
		ck_assert_uint_eq(s->opts.port, 179);
		ck_assert(!s->opts.passive);
		ck_assert(!s->opts.ttl_security);
		ck_assert_uint_eq(s->opts.max_received, 10000);
		ck_assert_uint_eq(s->opts.prepend, 0);
		ck_assert_ptr_eq(config_session_find(cfg, s->key), s);
	}
	ck_assert_ptr_null(config_session_find(cfg, "1GbpsCircuit/private/tertiary"));
	pe = &cfg->circuits[0].peering[CONFIG_PRIVATE];
	ck_assert_uint_eq(pe->vlan, 555);
	ck_assert_uint_eq(pe->max_prefixes, 3000);
	ck_assert_uint_eq(pe->announce.n, 2);
	ck_assert_str_eq(prefix_fmt(&pe->announce.v[0].prefix, p, sizeof(p)), "10.10.0.0/16");
	ck_assert_str_eq(pe->announce.v[1].text, "10.20.0.0/16");
	ck_assert_uint_eq(pe->announce.v[0].pos.line, 49);
	ck_assert_uint_eq(pe->announce.v[0].pos.col, 13);
	/* No accept key: nothing narrows the built-in refusals. */
	ck_assert(!pe->accept_set);
	ck_assert_uint_eq(pe->accept.n, 0);
	ck_assert(!pe->accept_default);
	ck_assert(!pe->accept_communities_set);
	pe = &cfg->circuits[0].peering[CONFIG_PUBLIC];
	ck_assert_uint_eq(pe->vlan, 556);
	ck_assert_uint_eq(pe->max_prefixes, 4000);
	ck_assert_str_eq(prefix_fmt(&pe->announce.v[0].prefix, p, sizeof(p)), "216.221.239.232/29");
	ck_assert_str_eq(cfg->control.socket, "/run/cebgp/cebgpd.sock");
	ck_assert_uint_eq(cfg->log.level, LOG_INFO);
	ck_assert_uint_eq(cfg->log.facility, LOG_DAEMON);
	ck_assert(!cfg->keep_routes_on_exit);
	ck_assert(!cfg->manage_interfaces); /* off unless asked for */
	for (size_t i = 0; i < cfg->nsessions; i++)
		ck_assert(!cfg->sessions[i].manage_interfaces);
	free(out);
	free(path);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* Every optional key, inheritance at every level, two circuits. */
START_TEST(two_circuits_fixture)
{
	char *path = srcpath("tests/unit/fixtures/config/good-two-circuits.yaml"), *out;
	char want[512];
	struct config_diag d;
	struct config *cfg;
	const struct config_session *s;
	const struct config_peering *pe;

	config_diag_init(&d);
	cfg = config_load(path, &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg != NULL, "%s", out);
	snprintf(want, sizeof(want),
	         "%s:45:11: warning: circuit east: no MD5 key (md5-key, md5-key-file or "
	         "md5-password); the sessions are not authenticated\n",
	         path);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(cfg->asn, 4200000001u);
	ck_assert_uint_eq(cfg->router_id, 0xc0000201);
	ck_assert(!cfg->router_id_auto);
	ck_assert(cfg->keep_routes_on_exit);
	ck_assert_str_eq(cfg->control.socket, "/run/cebgp/test.sock");
	ck_assert_str_eq(cfg->control.readonly_socket, "/run/cebgp/test.ro.sock");
	ck_assert_str_eq(cfg->control.group, "cebgp");
	ck_assert_str_eq(cfg->metrics.listen, "127.0.0.1:9179");
	ck_assert_uint_eq(cfg->metrics.port, 9179);
	ck_assert_uint_eq(addr_v4(&cfg->metrics.addr), 0x7f000001);
	ck_assert_int_eq(cfg->log.level, LOG_DEBUG);
	ck_assert_int_eq(cfg->log.facility, LOG_LOCAL3);
	ck_assert_uint_eq(cfg->defaults.timers.hold, 90);
	ck_assert_uint_eq(cfg->defaults.port, 1179);

	ck_assert_uint_eq(cfg->nsessions, 5);
	free(out);
	out = session_dump(cfg);
	ck_assert_str_eq(out,
	                 "west/private/primary eth0.100 10.255.0.1 10.255.0.2 4200000001 12076\n"
	                 "west/private/secondary bond1.100 10.255.0.5 10.255.0.6 4200000001 "
	                 "12076\n"
	                 "west/public/primary eth0.200 10.255.1.1 10.255.1.2 4200000001 12076\n"
	                 "west/public/secondary eth1.200 10.255.1.5 10.255.1.6 4200000001 12076\n"
	                 "east/private/primary eth2.100 10.255.2.1 10.255.2.2 4200000001 12076\n");
	free(out);

	/* md5-password: the key is the lowercase hex MD5 of the password. */
	ck_assert_str_eq(cfg->circuits[0].md5_key, "9cc2ae8a1ba7a93da39b46fc1019c481");
	ck_assert_str_eq(cfg->circuits[1].md5_key, "");

	s = config_session_find(cfg, "west/private/primary");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->md5_key, "9cc2ae8a1ba7a93da39b46fc1019c481");
	ck_assert_uint_eq(s->opts.timers.hold, 90);          /* top level */
	ck_assert_uint_eq(s->opts.timers.keepalive, 30);     /* top level */
	ck_assert_uint_eq(s->opts.timers.connect_retry, 10); /* peering */
	ck_assert_uint_eq(s->opts.port, 1179);
	ck_assert(s->opts.ttl_security); /* circuit */
	ck_assert_uint_eq(s->opts.max_received, 2000);
	ck_assert_uint_eq(s->opts.prepend, 0);
	ck_assert_uint_eq(s->opts.table, 100);
	ck_assert_uint_eq(s->opts.metric, 20);
	ck_assert_uint_eq(s->opts.protocol, 200);
	ck_assert_uint_eq(s->router_id, 0xc0000201);

	s = config_session_find(cfg, "west/private/secondary");
	ck_assert_str_eq(s->ifname, "bond1.100"); /* the session block's override */
	ck_assert_uint_eq(s->opts.timers.hold, 30);
	ck_assert_uint_eq(s->opts.timers.keepalive, 10);
	ck_assert_uint_eq(s->opts.timers.connect_retry, 10);
	ck_assert_uint_eq(s->opts.prepend, 3);

	s = config_session_find(cfg, "west/public/primary");
	ck_assert_uint_eq(s->opts.timers.connect_retry, 120);
	ck_assert(!s->opts.install);
	ck_assert_uint_eq(s->opts.max_received, 10000);

	s = config_session_find(cfg, "east/private/primary");
	ck_assert_ptr_null(s->md5_key);
	ck_assert(!s->opts.passive); /* circuit says passive, the session block says not */
	ck_assert_uint_eq(s->opts.max_received, 50);
	ck_assert_ptr_null(config_session_find(cfg, "east/private/secondary"));
	ck_assert(cfg->circuits[1].peering[CONFIG_PRIVATE].opts.passive);

	pe = &cfg->circuits[0].peering[CONFIG_PRIVATE];
	ck_assert_uint_eq(pe->max_prefixes, 500);
	ck_assert_int_eq(pe->min_length_action, CONFIG_MINLEN_EXTEND);
	ck_assert_int_eq(pe->cap_action, CONFIG_CAP_TRUNCATE);
	ck_assert_int_eq(pe->max_overcoverage.kind, CONFIG_OVERCOV_PERCENT);
	ck_assert_uint_eq(pe->max_overcoverage.hundredths, 250);
	ck_assert(!pe->discard_holes);
	ck_assert_uint_eq(pe->ncommunities, 2);
	ck_assert_uint_eq(pe->communities[0], (65000u << 16) | 100);
	ck_assert_uint_eq(pe->communities[1], 0xFFFFFF01u);
	ck_assert(pe->accept_set);
	ck_assert_uint_eq(pe->accept.n, 1);
	ck_assert_str_eq(pe->accept.v[0].text, "10.0.0.0/8");
	ck_assert(pe->accept_default);
	ck_assert(pe->accept_communities_set);
	ck_assert_uint_eq(pe->naccept_communities, 2);
	ck_assert_uint_eq(pe->accept_communities[0], (12076u << 16) | 51004);
	ck_assert_uint_eq(pe->accept_communities[1], (12076u << 16) | 51005);
	ck_assert_uint_eq(pe->opts.max_received, 2000);
	ck_assert_uint_eq(pe->leg[CONFIG_SECONDARY].present, true);
	pe = &cfg->circuits[0].peering[CONFIG_PUBLIC];
	ck_assert_int_eq(pe->max_overcoverage.kind, CONFIG_OVERCOV_ADDRS);
	ck_assert_uint_eq(pe->max_overcoverage.addrs, 65536);
	ck_assert(!pe->accept_set);
	ck_assert(!pe->accept_default);
	ck_assert(!pe->accept_communities_set);
	ck_assert_uint_eq(pe->max_prefixes, 4000);
	ck_assert(pe->discard_holes);
	/* truncate by default: beyond the over-coverage bound, the cap's worth */
	ck_assert_int_eq(pe->cap_action, CONFIG_CAP_TRUNCATE);
	ck_assert_int_eq(pe->min_length_action, CONFIG_MINLEN_DROP);
	ck_assert_int_eq(cfg->circuits[1].peering[CONFIG_PUBLIC].present, false);

	free(path);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* The guide's -SharedKey form: RFC 1321 test vectors, lowercase hex. */
START_TEST(md5_password_vectors)
{
	char key[CONFIG_MD5_KEYSIZ];

	ck_assert(config_md5_password("", key));
	ck_assert_str_eq(key, "d41d8cd98f00b204e9800998ecf8427e");
	ck_assert(config_md5_password("abc", key));
	ck_assert_str_eq(key, "900150983cd24fb0d6963f7d28e17f72");
	ck_assert(config_md5_password("message digest", key));
	ck_assert_str_eq(key, "f96b697d7cb7938d525a2f31aaf161d0");
	ck_assert(config_md5_key_valid(key));
}
END_TEST

START_TEST(md5_key_validity)
{
	ck_assert(config_md5_key_valid(KEY));
	ck_assert(config_md5_key_valid("0123456789ABCDEF0123456789ABCDEF"));
	ck_assert(!config_md5_key_valid(""));
	ck_assert(!config_md5_key_valid("0123456789abcdef0123456789abcde"));
	ck_assert(!config_md5_key_valid("0123456789abcdef0123456789abcdef0"));
	ck_assert(!config_md5_key_valid("0123456789abcdef0123456789abcdeg"));
	ck_assert(!config_md5_key_valid("0123456789abcdef 123456789abcdef"));
}
END_TEST

/* A temporary directory holding cebgpd.yaml and a key file. */
struct keydir {
	char dir[64];
	char conf[128];
	char key[128];
};

static void
keydir_make(struct keydir *k, const char *keytext, mode_t mode, const char *keyref)
{
	FILE *f;
	char *text;

	snprintf(k->dir, sizeof(k->dir), "/tmp/test_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(k->dir));
	snprintf(k->conf, sizeof(k->conf), "%s/cebgpd.yaml", k->dir);
	snprintf(k->key, sizeof(k->key), "%s/c1.key", k->dir);
	ck_assert_ptr_nonnull(f = fopen(k->key, "w"));
	fputs(keytext, f);
	fclose(f);
	ck_assert_int_eq(chmod(k->key, mode), 0);
	text = build_text("md5-key: " KEY, "md5-key-file: ", "");
	ck_assert_ptr_nonnull(f = fopen(k->conf, "w"));
	/* Line 4 becomes "    md5-key-file: <keyref>". */
	fprintf(f, "%.*s%s%s", (int)(strstr(text, "md5-key-file: ") - text + 14), text, keyref,
	        strstr(text, "md5-key-file: ") + 14);
	fclose(f);
	free(text);
}

static void
keydir_remove(struct keydir *k)
{
	unlink(k->key);
	unlink(k->conf);
	rmdir(k->dir);
}

static char *
load_diag(const char *path, struct config **cfgp)
{
	struct config_diag d;
	struct config *cfg;
	char *out;

	config_diag_init(&d);
	cfg = config_load(path, &d);
	out = fixture_diag_text(&d);
	config_diag_free(&d);
	if (cfgp != NULL)
		*cfgp = cfg;
	else
		config_free(cfg);
	return out;
}

START_TEST(key_file_owner_only)
{
	struct keydir k;
	struct config *cfg;
	char *out;

	/* 0600 and 0400 are fine; relative paths start at the config's directory. */
	keydir_make(&k, "00112233445566778899aabbccddeeff\n", 0600, "c1.key");
	out = load_diag(k.conf, &cfg);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->circuits[0].md5_key, "00112233445566778899aabbccddeeff");
	ck_assert_str_eq(cfg->sessions[0].md5_key, "00112233445566778899aabbccddeeff");
	config_free(cfg);
	free(out);
	ck_assert_int_eq(chmod(k.key, 0400), 0);
	out = load_diag(k.conf, &cfg);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(cfg);
	config_free(cfg);
	free(out);
	keydir_remove(&k);
}
END_TEST

/* Owned by someone else: refused (as ssh does), whatever the mode. Needs root to chown. */
START_TEST(key_file_other_owner)
{
	struct keydir k;
	char *out, want[512];

	if (geteuid() != 0) {
		printf("key_file_other_owner: not root, cannot chown; skipped\n");
		return;
	}
	keydir_make(&k, "00112233445566778899aabbccddeeff\n", 0600, "c1.key");
	ck_assert_int_eq(chown(k.key, 65534, (gid_t)-1), 0);
	out = load_diag(k.conf, NULL);
	snprintf(want, sizeof(want),
	         "%s:4:19: error: md5-key-file: %s/c1.key is owned by uid 65534, not by the "
	         "user reading it (uid 0) or root\n",
	         k.conf, k.dir);
	ck_assert_str_eq(out, want);
	free(out);
	keydir_remove(&k);
}
END_TEST

START_TEST(key_file_group_or_world_readable)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0660, 0602};
	struct keydir k;
	char *out, want[512];

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		keydir_make(&k, "00112233445566778899aabbccddeeff\n", modes[i], "c1.key");
		out = load_diag(k.conf, NULL);
		snprintf(want, sizeof(want),
		         "%s:4:19: error: md5-key-file: %s/c1.key is accessible by group or "
		         "others (mode %04o); the key is a secret: chmod 600 it, as ssh requires "
		         "of a private key\n",
		         k.conf, k.dir, (unsigned)modes[i]);
		ck_assert_str_eq(out, want);
		free(out);
		keydir_remove(&k);
	}
}
END_TEST

START_TEST(key_file_bad_content_never_echoed)
{
	struct keydir k;
	char *out, want[512];

	keydir_make(&k, "hunter2-is-not-a-key\n", 0600, "c1.key");
	out = load_diag(k.conf, NULL);
	snprintf(want, sizeof(want),
	         "%s:4:19: error: md5-key-file: the first line of %s/c1.key: must be exactly 32 "
	         "hexadecimal digits (the guide: a 16-byte value written as 32 hex digits); this "
	         "one has 20 characters\n",
	         k.conf, k.dir);
	ck_assert_str_eq(out, want);
	ck_assert_ptr_null(strstr(out, "hunter2"));
	free(out);
	keydir_remove(&k);

	/* A directory is not a key file; a missing file says so. */
	keydir_make(&k, "x", 0600, "/tmp");
	out = load_diag(k.conf, NULL);
	snprintf(want, sizeof(want), "%s:4:19: error: md5-key-file: /tmp is not a regular file\n",
	         k.conf);
	ck_assert_str_eq(out, want);
	free(out);
	keydir_remove(&k);
	keydir_make(&k, "x", 0600, "missing.key");
	out = load_diag(k.conf, NULL);
	snprintf(want, sizeof(want),
	         "%s:4:19: error: md5-key-file: cannot open %s/missing.key: No such file or "
	         "directory\n",
	         k.conf, k.dir);
	ck_assert_str_eq(out, want);
	free(out);
	keydir_remove(&k);
}
END_TEST

/* One run reports every problem, sorted by position, and warnings too. */
START_TEST(several_errors_at_once)
{
	static const char text[] = "asn: 64600\n"
	                           "circuits:\n"
	                           "  - name: c1\n"
	                           "    md5-key: 1234\n"
	                           "    provider-asn: 8075\n"
	                           "    links:\n"
	                           "      primary: { interface: eth0 }\n"
	                           "      secondary: { interface: eth0 }\n"
	                           "    peerings:\n"
	                           "      private:\n"
	                           "        vlan: 5555\n"
	                           "        primary-subnet: 172.16.1.1/30\n"
	                           "        secondary-subnet: 172.16.2.0/29\n"
	                           "        announce: [10.0.0.0/8, 10.1.0.0/33]\n"
	                           "        timers: { hold: 1, keeplive: 3 }\n"
	                           "        frobnicate: true\n";
	static const char want[] =
	        "t.yaml:1:6: error: asn: 64600 is a private ASN not greater than 65000; the guide "
	        "requires a public ASN you own or a private ASN greater than 65000\n"
	        "t.yaml:4:14: error: md5-key: must be exactly 32 hexadecimal digits (the guide: a "
	        "16-byte value written as 32 hex digits); this one has 4 characters\n"
	        "t.yaml:5:19: error: provider-asn: 8075 is the provider's ASN elsewhere, not on "
	        "ExpressRoute, whose every peering uses 12076 (8075 instead of 12076 is a common "
	        "mistake): write provider-asn: 12076 or remove the line\n"
	        "t.yaml:11:15: error: vlan: 5555 is out of range: a VLAN ID is 1..4094 (IEEE "
	        "802.1Q)\n"
	        "t.yaml:12:25: error: primary-subnet: 172.16.1.1/30 has host bits set; did you "
	        "mean 172.16.1.0/30? 172.16.1.1 is your address (the first usable; the "
	        "provider's is 172.16.1.2): write the subnet, not the address\n"
	        "t.yaml:13:27: error: secondary-subnet: 172.16.2.0/29 is a /29; each BGP subnet "
	        "must be exactly a /30 (the guide: four /30 subnets)\n"
	        "t.yaml:14:32: error: announce: '10.1.0.0/33' has an invalid prefix length; "
	        "expected ADDRESS/LENGTH like 10.10.0.0/16 or 2a10:ce10::/48\n"
	        "t.yaml:15:25: error: timers.hold: 1 is not allowed: the hold time is 0 (no "
	        "keepalives) or 3..65535 seconds (RFC 4271 4.2)\n"
	        "t.yaml:15:28: error: unknown key 'keeplive' in timers; did you mean "
	        "'keepalive'?\n"
	        "t.yaml:16:9: error: unknown key 'frobnicate' in a peering (known keys: vlan, "
	        "primary-subnet, secondary-subnet, primary-subnet-v6, secondary-subnet-v6, "
	        "announce, max-prefixes, max-prefixes-v6, min-length, min-length-v6, "
	        "min-length-action, "
	        "cap-action, max-overcoverage, discard-holes, communities, accept, "
	        "accept-default, accept-communities, primary, "
	        "secondary, md5-key, md5-key-file, md5-password, timers, port, passive, "
	        "ttl-security, prepend, max-received, bfd, install, "
	        "table, metric, protocol)\n";
	struct config_diag d;
	struct config *cfg;
	char *out;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	ck_assert_ptr_null(cfg);
	out = fixture_diag_text(&d);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(d.errors, 10);
	ck_assert_uint_eq(d.warnings, 0);
	free(out);
	config_diag_free(&d);
}
END_TEST

/*
 * Cross-field rules run once the parse is clean, and then report all of
 * theirs together too.
 */
START_TEST(several_cross_field_errors)
{
	static const char text[] = BASE "        announce: [172.16.0.0/12]\n"
	                                "      public:\n"
	                                "        vlan: 555\n"
	                                "        primary-subnet: 172.16.1.0/30\n"
	                                "        secondary-subnet: 172.16.2.4/30\n";
	static const char want[] =
	        "t.yaml:13:20: error: announce: 172.16.0.0/12 overlaps the private primary-subnet "
	        "172.16.1.0/30 (line 11); the guide: the BGP subnets cannot overlap on-premises "
	        "or virtual networks\n"
	        "t.yaml:15:15: error: vlan: 555 is also the private peering's VLAN (line 10); "
	        "private and public peering need different VLANs\n"
	        "t.yaml:16:25: error: primary-subnet: 172.16.1.0/30 overlaps the private "
	        "primary-subnet at line 11; the /30s of a circuit must be pairwise disjoint\n";
	struct config_diag d;
	char *out;

	config_diag_init(&d);
	ck_assert_ptr_null(config_parse_string(text, "t.yaml", &d));
	out = fixture_diag_text(&d);
	ck_assert_str_eq(out, want);
	free(out);
	config_diag_free(&d);
}
END_TEST

/* No secret reaches the plan or a diagnostic, whatever goes wrong. */
START_TEST(secrets_never_printed)
{
	static const char good[] =
	        "asn: 65100\n"
	        "circuits:\n"
	        "  - name: c1\n"
	        "    service-key: 5ec12e70-aaaa-bbbb-cccc-0123456789ab\n"
	        "    md5-key: 5ec12e7000000000000000000000beef\n"
	        "    links: { primary: { interface: eth0 } }\n"
	        "    peerings: { private: { vlan: 5, primary-subnet: 172.16.1.0/30 } }\n"
	        "  - name: c2\n"
	        "    service-key: shh-not-a-guid-5ec12e70\n"
	        "    md5-password: 5ec12e70-passphrase\n"
	        "    links: { primary: { interface: eth1 } }\n"
	        "    peerings: { private: { vlan: 5, primary-subnet: 172.16.2.0/30 } }\n";
	static const char *const bad[] = {
	        BASE "    md5-password: 5ec12e70-passphrase\n",
	        "asn: 65100\ncircuits:\n  - name: c1\n    md5-key: 5ec12e70 zz\n",
	        "asn: 65100\ncircuits:\n  - name: c1\n    md5-key: [5ec12e70]\n",
	        "asn: 65100\ncircuits:\n  - name: c1\n    service-key: { a: 5ec12e70 }\n",
	        "asn: 65100\ncircuits:\n  - name: c1\n    md5-password: \"\"\n",
	};
	struct config_diag d;
	struct config *cfg;
	char *out, md5[CONFIG_MD5_KEYSIZ];

	config_diag_init(&d);
	cfg = config_parse_string(good, "t.yaml", &d);
	ck_assert_ptr_nonnull(cfg);
	out = capture_plan(cfg, &d, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(out, "md5 on"));
	ck_assert_ptr_nonnull(strstr(out, "not shaped like a GUID")); /* the warning is there */
	ck_assert_msg(strstr(out, "5ec12e70") == NULL, "secret in the plan:\n%s", out);
	config_md5_password("5ec12e70-passphrase", md5);
	ck_assert_str_eq(cfg->circuits[1].md5_key, md5);
	ck_assert_ptr_null(strstr(out, md5));
	free(out);
	config_free(cfg);
	config_diag_free(&d);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_diag_init(&d);
		ck_assert_ptr_null(config_parse_string(bad[i], "t.yaml", &d));
		out = fixture_diag_text(&d);
		ck_assert_uint_ge(d.errors, 1);
		ck_assert_msg(strstr(out, "5ec12e70") == NULL, "secret in:\n%s", out);
		free(out);
		config_diag_free(&d);
	}
}
END_TEST

/*
 * The plan without its provider profile block ("  provider ...", "    rule
 * ...", "      source: ..."), which test_profile checks line by line.
 */
static void
strip_profile(char *out)
{
	char *r = out, *w = out;

	while (*r) {
		char *eol = strchr(r, '\n');
		size_t n = eol ? (size_t)(eol - r) + 1 : strlen(r);
		if (strncmp(r, "  provider ", 11) != 0 && strncmp(r, "    rule ", 9) != 0 &&
		    strncmp(r, "      source: ", 14) != 0) {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	*w = '\0';
}

START_TEST(plan_of_the_guide_example)
{
	char *path = srcpath("conf/cebgpd.yaml"), *out, *want;
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	cfg = config_load(path, &d);
	ck_assert_ptr_nonnull(cfg);
	out = capture_plan(cfg, &d, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(out, "\n  provider expressroute-classic, sku standard: "));
	strip_profile(out);
	ck_assert_int_ge(
	        asprintf(&want,
	                 "%s: 4 sessions\n"
	                 "asn 65520, router-id 172.16.2.5 (not set: the highest local session "
	                 "address)\n"
	                 "\n"
	                 "circuit 1GbpsCircuit: provider AS 12076, MD5 on, primary link eth0, "
	                 "secondary link eth1\n"
	                 "  private peering, VLAN 555\n"
	                 "    session 1GbpsCircuit/private/primary\n"
	                 "      interface eth0.555, local 172.16.1.1 AS 65520, peer 172.16.1.2 AS "
	                 "12076\n"
	                 "      hold 180, keepalive 60, connect-retry 120, idle-hold 5..3600; port "
	                 "179, active, ttl 1, md5 on\n"
	                 "      max-received 10000\n"
	                 "      bfd enabled, min-rx 300 ms, min-tx 300 ms, multiplier 3\n"
	                 "    session 1GbpsCircuit/private/secondary\n"
	                 "      interface eth1.555, local 172.16.2.1 AS 65520, peer 172.16.2.2 AS "
	                 "12076\n"
	                 "      hold 180, keepalive 60, connect-retry 120, idle-hold 5..3600; port "
	                 "179, active, ttl 1, md5 on\n"
	                 "      max-received 10000\n"
	                 "      bfd enabled, min-rx 300 ms, min-tx 300 ms, multiplier 3\n"
	                 "    announce (as configured, before policy): 10.10.0.0/16 10.20.0.0/16\n"
	                 "    policy: cap 3000 IPv4, 100 IPv6 (truncate), min-length /29, /64 IPv6 "
	                 "(drop), discard-holes "
	                 "yes, max-overcoverage 100%% and no aggregate shorter than the shortest "
	                 "announced prefix or /8 (default)\n"
	                 "    inbound: refuses bogons, the peering /30s, our announced space, the "
	                 "default route\n"
	                 "    accept: anything else\n"
	                 "    kernel: install into table 254 (main), protocol 186, metric 0\n"
	                 "  public peering, VLAN 556\n"
	                 "    session 1GbpsCircuit/public/primary\n"
	                 "      interface eth0.556, local 172.16.1.5 AS 65520, peer 172.16.1.6 AS "
	                 "12076\n"
	                 "      hold 180, keepalive 60, connect-retry 120, idle-hold 5..3600; port "
	                 "179, active, ttl 1, md5 on\n"
	                 "      max-received 10000\n"
	                 "      bfd enabled, min-rx 300 ms, min-tx 300 ms, multiplier 3\n"
	                 "    session 1GbpsCircuit/public/secondary\n"
	                 "      interface eth1.556, local 172.16.2.5 AS 65520, peer 172.16.2.6 AS "
	                 "12076\n"
	                 "      hold 180, keepalive 60, connect-retry 120, idle-hold 5..3600; port "
	                 "179, active, ttl 1, md5 on\n"
	                 "      max-received 10000\n"
	                 "      bfd enabled, min-rx 300 ms, min-tx 300 ms, multiplier 3\n"
	                 "    announce (as configured, before policy): 216.221.239.232/29\n"
	                 "    policy: cap 4000 IPv4, 100 IPv6 (truncate), min-length /29, /64 IPv6 "
	                 "(drop), discard-holes "
	                 "yes, max-overcoverage 0 (default)\n"
	                 "    inbound: refuses bogons, the peering /30s, our announced space, RFC "
	                 "1918 and RFC 6598, the default route\n"
	                 "    accept: anything else\n"
	                 "    kernel: install into table 254 (main), protocol 186, metric 0\n"
	                 "\n"
	                 "1 warning:\n"
	                 "%s:11:6: warning: asn: 65520 is reserved by the provider today "
	                 "(65515-65520); the guide's example uses 65520, but current ExpressRoute "
	                 "refuses it\n",
	                 path, path),
	        0);
	ck_assert_str_eq(out, want);
	ck_assert_ptr_null(strstr(out, KEY));
	ck_assert_ptr_null(strstr(out, "00000000-0000"));
	free(want);
	free(out);
	free(path);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

struct hook_log {
	int calls;
	char seen[4][64];
};

static void
plan_hook(FILE *out, const struct config *cfg, const struct config_circuit *ci,
          const struct config_peering *pe, void *arg)
{
	struct hook_log *log = arg;

	ck_assert_ptr_eq(ci, &cfg->circuits[0]);
	snprintf(log->seen[log->calls++ & 3], 64, "%s/%s", ci->name, config_peering_name(pe->type));
	fprintf(out, "    POLICY %s\n", config_peering_name(pe->type));
}

START_TEST(plan_hook_per_peering)
{
	char *path = srcpath("conf/cebgpd.yaml"), *out;
	struct config_diag d;
	struct config *cfg;
	struct hook_log log = {0};

	config_diag_init(&d);
	cfg = config_load(path, &d);
	out = capture_plan(cfg, &d, plan_hook, &log);
	ck_assert_int_eq(log.calls, 2);
	ck_assert_str_eq(log.seen[0], "1GbpsCircuit/private");
	ck_assert_str_eq(log.seen[1], "1GbpsCircuit/public");
	/* The hook's text comes after the peering's sessions, before the next peering. */
	ck_assert_ptr_nonnull(
	        strstr(out, "max-received 10000\n      bfd enabled, min-rx 300 ms, min-tx 300 ms, "
	                    "multiplier 3\n    POLICY private\n"
	                    "  public peering"));
	ck_assert_ptr_null(strstr(out, "announce (as configured"));
	free(out);
	free(path);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/*
 * The shipped example's nil service-key is the placeholder `cebgpd --check`
 * (the unit's ExecStartPre=) refuses: one error at the value, naming what to
 * change. The loader itself accepts the file (the lab runs it).
 */
START_TEST(placeholder_of_the_guide_example)
{
	char *path = srcpath("conf/cebgpd.yaml"), *out, *want;
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	cfg = config_load(path, &d);
	ck_assert_ptr_nonnull(cfg);
	size_t errors = d.errors;
	ck_assert_uint_eq(config_check_placeholders(cfg, &d), 1);
	ck_assert_uint_eq(d.errors, errors + 1);
	out = fixture_diag_text(&d);
	ck_assert_int_ge(asprintf(&want,
	                          "%s:21:18: error: service-key: circuit 1GbpsCircuit still has "
	                          "the example's placeholder (all zeros): write this circuit's "
	                          "own service key (Get-AzureDedicatedCircuit) and its md5-key "
	                          "(the -SharedKey), links and subnets, or delete the "
	                          "service-key line\n",
	                          path),
	                 0);
	ck_assert_msg(strstr(out, want) != NULL, "got:\n%s", out);
	free(want);
	free(out);
	free(path);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* BASE with a service-key line (none when key is NULL) as line 4 of circuit c1. */
static char *
with_service_key(const char *key)
{
	static const char head[] = "asn: 65100\ncircuits:\n  - name: c1\n";
	char *text;

	ck_assert(strncmp(BASE, head, sizeof(head) - 1) == 0);
	ck_assert_int_ge(asprintf(&text, "%s%s%s%s%s", head, key ? "    service-key: " : "",
	                          key ? key : "", key ? "\n" : "", BASE + sizeof(head) - 1),
	                 0);
	return text;
}

/* Only the nil GUID is the placeholder: a real key, a near miss or none are not. */
START_TEST(placeholder_only_the_nil_guid)
{
	static const char *keys[] = {"5ec12e70-1b2c-4d5e-8f90-a1b2c3d4e5f6",
	                             "00000000-0000-0000-0000-000000000001", NULL,
	                             CONFIG_PLACEHOLDER_SERVICE_KEY};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bool placeholder = i == 3;
		char *text = with_service_key(keys[i]);
		struct config_diag d;
		struct config *cfg;

		config_diag_init(&d);
		cfg = config_parse_string(text, "t.yaml", &d);
		ck_assert_msg(cfg != NULL, "refused: %s", d.n ? d.msgs[0].message : "?");
		ck_assert_uint_eq(d.errors, 0);
		ck_assert_uint_eq(config_check_placeholders(cfg, &d), placeholder ? 1 : 0);
		ck_assert_uint_eq(d.errors, placeholder ? 1 : 0);
		if (placeholder) {
			ck_assert_uint_eq(d.msgs[d.n - 1].line, 4);
			ck_assert_uint_eq(d.msgs[d.n - 1].col, 18);
			ck_assert_ptr_nonnull(
			        strstr(d.msgs[d.n - 1].message, "circuit c1 still has"));
		}
		config_free(cfg);
		config_diag_free(&d);
		free(text);
	}
}
END_TEST

static struct config *
parse_ok(const char *text)
{
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	ck_assert_msg(cfg != NULL, "refused: %s", d.n ? d.msgs[0].message : "?");
	config_diag_free(&d);
	return cfg;
}

static enum config_change
compare_first(const char *a, const char *b, char *why, size_t whysize)
{
	struct config *ca = parse_ok(a), *cb = parse_ok(b);
	enum config_change ch;

	ch = config_session_compare(&ca->sessions[0], &cb->sessions[0], why, whysize);
	config_free(ca);
	config_free(cb);
	return ch;
}

START_TEST(reload_compare)
{
	char *t;
	char why[64];

	ck_assert_int_eq(compare_first(BASE, BASE, why, sizeof(why)), CONFIG_UNCHANGED);
	ck_assert_str_eq(why, "");

	t = build_text(KEY, "00112233445566778899aabbccddeeff", "");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_RESET);
	ck_assert_str_eq(why, "MD5 key changed");
	free(t);

	t = build_text("", "", "        timers: { hold: 90 }\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_RESET);
	ck_assert_str_eq(why, "hold or keepalive timer changed");
	free(t);

	t = build_text("eth0", "eth7", "");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_RESET);
	ck_assert_str_eq(why, "interface changed");
	free(t);

	t = build_text("asn: 65100", "asn: 65101", "");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_RESET);
	ck_assert_str_eq(why, "local ASN changed");
	free(t);

	t = build_text("", "", "        announce: [10.9.0.0/16]\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "announce changed");
	free(t);

	t = build_text("", "", "        prepend: 2\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "prepend changed");
	free(t);

	t = build_text("", "", "        cap-action: refuse\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "outbound policy changed");
	free(t);

	/* Inbound policy: re-evaluated in place, never a reset. */
	t = build_text("", "", "        accept: [10.0.0.0/8]\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "accept changed");
	free(t);

	t = build_text("", "", "        accept-default: true\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "accept-default changed");
	free(t);

	t = build_text("", "", "        accept-communities: [\"12076:51004\"]\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_SOFT);
	ck_assert_str_eq(why, "accept-communities changed");
	free(t);

	/*
	 * A change elsewhere (a new peering) leaves this session alone, once
	 * router-id is set. Without it the identifier follows the highest
	 * local address, and the new peering's 172.16.2.5 changes it.
	 */
	t = build_text("", "",
	               "      public:\n        vlan: 556\n        primary-subnet: "
	               "172.16.1.4/30\n        secondary-subnet: 172.16.2.4/30\n");
	ck_assert_int_eq(compare_first(BASE, t, why, sizeof(why)), CONFIG_RESET);
	ck_assert_str_eq(why, "router id changed");
	free(t);
	{
		char *a = build_text("asn: 65100", "asn: 65100\nrouter-id: 192.0.2.1", "");
		char *b = build_text("asn: 65100", "asn: 65100\nrouter-id: 192.0.2.1",
		                     "      public:\n        vlan: 556\n        primary-subnet: "
		                     "172.16.1.4/30\n        secondary-subnet: 172.16.2.4/30\n");
		ck_assert_int_eq(compare_first(a, b, NULL, 0), CONFIG_UNCHANGED);
		free(a);
		free(b);
	}
}
END_TEST

/* Nearest level wins, field by field; YAML anchors reuse a block. */
START_TEST(inheritance_and_anchors)
{
	static const char text[] =
	        "asn: 65100\n"
	        "timers: &slow { hold: 240, keepalive: 80 }\n"
	        "circuits:\n"
	        "  - name: c1\n"
	        "    timers: { keepalive: 20 }\n"
	        "    links: { primary: { interface: eth0 }, secondary: { interface: "
	        "eth1 } }\n"
	        "    peerings:\n"
	        "      private:\n"
	        "        vlan: 10\n"
	        "        primary-subnet: 192.168.0.0/30\n"
	        "        secondary-subnet: 192.168.0.4/30\n"
	        "        secondary: { timers: { hold: 60 }, ttl-security: true }\n"
	        "      public:\n"
	        "        vlan: 11\n"
	        "        timers: *slow\n"
	        "        primary-subnet: 192.168.0.8/30\n"
	        "        secondary-subnet: 192.168.0.12/30\n";
	struct config *cfg = parse_ok(text);
	const struct config_session *s;

	ck_assert_uint_eq(cfg->nsessions, 4);
	s = config_session_find(cfg, "c1/private/primary");
	ck_assert_uint_eq(s->opts.timers.hold, 240);
	ck_assert_uint_eq(s->opts.timers.keepalive, 20);
	ck_assert(!s->opts.ttl_security);
	s = config_session_find(cfg, "c1/private/secondary");
	ck_assert_uint_eq(s->opts.timers.hold, 60);
	ck_assert_uint_eq(s->opts.timers.keepalive, 20);
	ck_assert(s->opts.ttl_security);
	s = config_session_find(cfg, "c1/public/secondary");
	ck_assert_uint_eq(s->opts.timers.hold, 240);
	ck_assert_uint_eq(s->opts.timers.keepalive, 80);
	ck_assert_uint_eq(cfg->router_id, 0xc0a8000d); /* 192.168.0.13 */
	config_free(cfg);
}
END_TEST

START_TEST(load_missing_file)
{
	struct config_diag d;
	char *out;

	config_diag_init(&d);
	ck_assert_ptr_null(config_load("/nonexistent/cebgpd.yaml", &d));
	out = fixture_diag_text(&d);
	ck_assert_str_eq(out, "/nonexistent/cebgpd.yaml: error: cannot open: No such file or "
	                      "directory\n");
	ck_assert_uint_eq(d.errors, 1);
	free(out);
	config_diag_free(&d);
}
END_TEST

/* Messages at the same place are said once; without a position they sort last. */
START_TEST(diag_order_and_dedup)
{
	struct config_diag d;
	char *out, line[128];

	config_diag_init(&d);
	config_diag_add(&d, "f", 0, 0, CONFIG_ERROR, "no position");
	config_diag_add(&d, "f", 9, 2, CONFIG_WARNING, "later %d", 1);
	config_diag_add(&d, "f", 3, 4, CONFIG_ERROR, "first");
	config_diag_add(&d, "f", 3, 4, CONFIG_ERROR, "first");
	config_diag_add(&d, "f", 3, 4, CONFIG_WARNING, "same place");
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_uint_eq(d.warnings, 2);
	ck_assert_str_eq(config_msg_fmt(&d.msgs[0], line, sizeof(line)), "f: error: no position");
	config_diag_free(&d);

	/* Sorting happens at the end of a load; a bad load shows it. */
	config_diag_init(&d);
	ck_assert_ptr_null(config_parse_string("circuits: 1\nfoo: 2\n", "t.yaml", &d));
	out = fixture_diag_text(&d);
	ck_assert_str_eq(
	        out,
	        "t.yaml:1:1: error: missing required key 'asn' (your AS number)\n"
	        "t.yaml:1:11: error: circuits: expected a list of circuits, got '1'\n"
	        "t.yaml:2:1: error: unknown key 'foo' at the top level (known keys: "
	        "asn, provider, sku, router-id, circuits, keep-routes-on-exit, manage-interfaces, "
	        "control, metrics, "
	        "log, timers, port, passive, ttl-security, prepend, max-received, "
	        "bfd, install, table, metric, protocol)\n");
	free(out);
	config_diag_free(&d);
}
END_TEST

/*
 * manage-interfaces: the top level's value reaches every session, a
 * circuit's own wins; the parent is the circuit's link of the session's role.
 */
START_TEST(manage_interfaces)
{
	static const char text[] = "manage-interfaces: true\n" BASE "  - name: c2\n"
	                           "    manage-interfaces: false\n"
	                           "    md5-key: " KEY "\n"
	                           "    links:\n"
	                           "      primary: { interface: eth2 }\n"
	                           "    peerings:\n"
	                           "      private:\n"
	                           "        vlan: 700\n"
	                           "        primary-subnet: 172.16.3.0/30\n";
	struct config_diag d;
	struct config *cfg;
	const struct config_session *s;
	char *out;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	out = fixture_diag_text(&d);
	ck_assert_msg(cfg != NULL, "%s", out);
	ck_assert_str_eq(out, "");
	ck_assert(cfg->manage_interfaces);
	ck_assert(cfg->circuits[0].manage_interfaces);
	ck_assert(!cfg->circuits[1].manage_interfaces);
	s = config_session_find(cfg, "c1/private/secondary");
	ck_assert_ptr_nonnull(s);
	ck_assert(s->manage_interfaces);
	ck_assert_str_eq(s->parent, "eth1");
	ck_assert_str_eq(s->ifname, "eth1.555");
	s = config_session_find(cfg, "c2/private/primary");
	ck_assert_ptr_nonnull(s);
	ck_assert(!s->manage_interfaces);
	ck_assert_str_eq(s->parent, "eth2");
	free(out);
	config_free(cfg);
	config_diag_free(&d);
}
END_TEST

/* Two-router deployment: each router's config has one link. */
START_TEST(one_link_per_router)
{
	char *t = build_text("      secondary: { interface: eth1 }\n", "", "");
	struct config *cfg = parse_ok(t);
	char *out = capture_plan(cfg, NULL, NULL, NULL);

	ck_assert_uint_eq(cfg->nsessions, 1);
	ck_assert_str_eq(cfg->sessions[0].key, "c1/private/primary");
	ck_assert_ptr_nonnull(strstr(out, "(no secondary session: no secondary link here)"));
	free(out);
	free(t);
	config_free(cfg);
}
END_TEST

/* The guide gives -SharedKey per peering: a peering's key overrides the circuit's. */
START_TEST(md5_key_per_peering)
{
	static const char text[] = "asn: 65100\n"
	                           "circuits:\n"
	                           "  - name: c1\n"
	                           "    links: { primary: { interface: eth0 } }\n"
	                           "    peerings:\n"
	                           "      private:\n"
	                           "        vlan: 555\n"
	                           "        primary-subnet: 172.16.1.0/30\n"
	                           "        md5-password: abc\n"
	                           "      public:\n"
	                           "        vlan: 556\n"
	                           "        primary-subnet: 172.16.1.4/30\n";
	struct config_diag d;
	struct config *cfg;
	char *out, *t;

	config_diag_init(&d);
	cfg = config_parse_string(text, "t.yaml", &d);
	ck_assert_ptr_nonnull(cfg);
	out = fixture_diag_text(&d);
	ck_assert_str_eq(out,
	                 "t.yaml:10:7: warning: public: no MD5 key here or in circuit c1; this "
	                 "peering's sessions are not authenticated\n");
	ck_assert_str_eq(cfg->sessions[0].md5_key, "900150983cd24fb0d6963f7d28e17f72");
	ck_assert_ptr_null(cfg->sessions[1].md5_key);
	free(out);
	config_free(cfg);
	config_diag_free(&d);

	/* With a circuit key too: the private peering keeps its own, public inherits. */
	t = build_text("        secondary-subnet: 172.16.2.0/30\n",
	               "        secondary-subnet: 172.16.2.0/30\n"
	               "        md5-key: 00112233445566778899aabbccddeeff\n",
	               "      public:\n        vlan: 556\n        primary-subnet: 172.16.1.4/30\n"
	               "        secondary-subnet: 172.16.2.4/30\n");
	cfg = parse_ok(t);
	ck_assert_str_eq(config_session_find(cfg, "c1/private/secondary")->md5_key,
	                 "00112233445566778899aabbccddeeff");
	ck_assert_str_eq(config_session_find(cfg, "c1/public/primary")->md5_key, KEY);
	config_free(cfg);
	free(t);
}
END_TEST

/*
 * Every one-byte deletion, and every byte replaced by a few troublesome
 * ones, of a full config: the loader never crashes (ASan watches), a
 * refused config always says why, and every position lies inside the file.
 */
START_TEST(mutations_never_crash)
{
	static const char base[] = BASE "        announce: [10.10.0.0/16, 10.20.0.0/24]\n"
	                                "        timers: { hold: 90, keepalive: 30 }\n"
	                                "      public:\n"
	                                "        vlan: 556\n"
	                                "        primary-subnet: 172.16.1.4/30\n"
	                                "        secondary-subnet: 172.16.2.4/30\n";
	static const char subst[] = {':', '-', '[', '{', '\n', ' ', '0', '&', '*', '"', '\t'};
	size_t len = sizeof(base) - 1, tried = 0;
	char *text = malloc(len + 1);

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k <= sizeof(subst); k++) {
			struct config_diag d;
			struct config *cfg;

			if (k == sizeof(subst)) { /* delete byte i */
				memcpy(text, base, i);
				memcpy(text + i, base + i + 1, len - i);
			} else {
				memcpy(text, base, len + 1);
				text[i] = subst[k];
			}
			size_t lines = 0;
			for (const char *p = text; *p != '\0'; p++)
				lines += *p == '\n';
			config_diag_init(&d);
			cfg = config_parse_string(text, "m.yaml", &d);
			ck_assert_msg((cfg == NULL) == (d.errors > 0), "at %zu/%zu", i, k);
			for (size_t m = 0; m < d.n; m++)
				ck_assert_msg(d.msgs[m].line <= lines + 1, "line %u at %zu/%zu",
				              d.msgs[m].line, i, k);
			config_free(cfg);
			config_diag_free(&d);
			tried++;
		}
	}
	ck_assert_uint_eq(tried, len * (sizeof(subst) + 1));
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tables = tcase_create("tables");
	TCase *files = tcase_create("files");
	TCase *misc = tcase_create("misc");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tables, bad_config, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_loop_test(tables, warned_config, 0,
	                    (int)(sizeof(warn_cases) / sizeof(warn_cases[0])));
	tcase_add_test(tables, several_errors_at_once);
	tcase_add_test(tables, several_cross_field_errors);
	suite_add_tcase(s, tables);

	tcase_add_test(files, guide_example);
	tcase_add_test(files, two_circuits_fixture);
	tcase_add_test(files, manage_interfaces);
	tcase_add_test(files, key_file_owner_only);
	tcase_add_test(files, key_file_other_owner);
	tcase_add_test(files, key_file_group_or_world_readable);
	tcase_add_test(files, key_file_bad_content_never_echoed);
	tcase_add_test(files, plan_of_the_guide_example);
	tcase_add_test(files, plan_hook_per_peering);
	tcase_add_test(files, placeholder_of_the_guide_example);
	tcase_add_test(files, load_missing_file);
	suite_add_tcase(s, files);

	tcase_add_test(misc, md5_password_vectors);
	tcase_add_test(misc, placeholder_only_the_nil_guid);
	tcase_add_test(misc, md5_key_validity);
	tcase_add_test(misc, md5_key_per_peering);
	tcase_add_test(misc, secrets_never_printed);
	tcase_add_test(misc, reload_compare);
	tcase_add_test(misc, inheritance_and_anchors);
	tcase_add_test(misc, diag_order_and_dedup);
	tcase_add_test(misc, one_link_per_router);
	tcase_add_test(misc, mutations_never_crash);
	suite_add_tcase(s, misc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
