/*
 * Decoding real BGP messages captured from BIRD 2 (tests/unit/fixtures/bird,
 * made by tests/interop/capture-bird-fixtures.sh): customer AS 65520 ("ce")
 * and provider AS 12076 ("provider"): an IPv4 and an IPv6 session, and an
 * IPv4 session where the CE does not speak 4-octet AS.
 *
 * Every fixture must frame and decode cleanly; each one's fields are then
 * checked against what the capture script configured BIRD to send. Where
 * our encoder writes the same canonical layout as BIRD (IPv4 UPDATEs,
 * withdrawals, End-of-RIB, ROUTE-REFRESH, KEEPALIVE, the shutdown
 * NOTIFICATION), re-encoding the decoded message must give BIRD's bytes.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "prefix.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/unit/fixtures/bird"
#endif

#define AS_CE       65520
#define AS_PROVIDER 12076

#define SHUTDOWN_TEXT "Maintenance: circuit 1GbpsCircuit moving to a new port, back by 22:00 UTC"

struct fixture {
	char name[128];
	uint8_t data[MSG_MAX_LEN_EXT];
	size_t len;
	uint8_t type;
	const uint8_t *body;
	size_t body_len;
};

static const char *
fixtures_dir(char *buf, size_t size)
{
	const char *top = getenv("top_srcdir");

	if (top != NULL && *top != '\0')
		snprintf(buf, size, "%s/tests/unit/fixtures/bird", top);
	else
		snprintf(buf, size, "%s", FIXTURES_DIR);
	return buf;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read one fixture (one line of hex) and frame it. */
static void
load(const char *name, struct fixture *f)
{
	char dir[1024], path[1200];
	FILE *fp;
	int c, hi = -1;
	size_t msg_len = 0;
	struct msg_error err;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(dir, sizeof(dir)), name);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((c = fgetc(fp)) != EOF) {
		int v = hexval(c);

		if (c == '\n' || c == '\r' || c == ' ')
			continue;
		ck_assert_msg(v >= 0, "%s: bad hex character", name);
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_msg(f->len < sizeof(f->data), "%s: too long", name);
		f->data[f->len++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	fclose(fp);
	ck_assert_msg(hi < 0 && f->len >= MSG_HEADER_LEN, "%s: truncated", name);
	ck_assert_msg(msg_frame(f->data, f->len, MSG_MAX_LEN_EXT, &msg_len, &f->type, &err) ==
	                      MSG_FRAME_OK,
	              "%s: framing failed: %s", name, err.why);
	ck_assert_uint_eq(msg_len, f->len);
	f->body = f->data + MSG_HEADER_LEN;
	f->body_len = f->len - MSG_HEADER_LEN;
}

static bool
sent_by_ce(const char *name)
{
	size_t n = strlen(name);

	return n > 7 && strcmp(name + n - 7, "-ce.hex") == 0;
}

/* The three captured sessions. */
enum session { S_IPV4, S_IPV6, S_AS2 };

static enum session
session_of(const char *name)
{
	if (strstr(name, "as2") != NULL || strstr(name, "2octet") != NULL)
		return S_AS2;
	return strstr(name, "ipv6") != NULL ? S_IPV6 : S_IPV4;
}

/*
 * The receiving side's session context, negotiated from the two OPENs of
 * the session the fixture belongs to (as the receiver of the message).
 */
static void
session_ctx(const char *name, enum session sess, struct msg_ctx *ctx)
{
	static const char *const opens[][2] = {
	        [S_IPV4] = {"01-open-ipv4-session-ce.hex", "06-open-ipv4-session-provider.hex"},
	        [S_IPV6] = {"09-open-ipv6-session-ce.hex", "12-open-ipv6-session-provider.hex"},
	        [S_AS2] = {"25-open-2octet-as-session-ce.hex",
	                   "28-open-2octet-as-session-provider.hex"},
	};
	static const char *const addrs[][2] = {
	        [S_IPV4] = {"172.16.1.1", "172.16.1.2"},
	        [S_IPV6] = {"2001:db8:555:1::1", "2001:db8:555:1::2"},
	        [S_AS2] = {"172.16.1.5", "172.16.1.6"},
	};
	struct fixture *o_ce = malloc(sizeof(*o_ce)), *o_prov = malloc(sizeof(*o_prov));
	struct msg_open ce, prov;
	struct msg_error err;
	bool from_ce = sent_by_ce(name);

	ck_assert_ptr_nonnull(o_ce);
	ck_assert_ptr_nonnull(o_prov);
	load(opens[sess][0], o_ce);
	load(opens[sess][1], o_prov);
	ck_assert(msg_open_decode(o_ce->body, o_ce->body_len, &ce, &err));
	ck_assert(msg_open_decode(o_prov->body, o_prov->body_len, &prov, &err));
	if (from_ce) {
		msg_ctx_init(ctx, AS_PROVIDER, AS_CE);
		msg_ctx_negotiate(ctx, &prov, &ce);
	} else {
		msg_ctx_init(ctx, AS_CE, AS_PROVIDER);
		msg_ctx_negotiate(ctx, &ce, &prov);
	}
	ctx->check_first_as = true;
	/* The receiver's own address (a NEXT_HOP equal to it is invalid). */
	addr_parse(addrs[sess][from_ce ? 1 : 0], &ctx->local_addr);
	free(o_ce);
	free(o_prov);
}

/* "10.1.0.0/16 10.2.0.0/16" from an NLRI view, in wire order. */
static char *
nlri_str(const struct rbuf *view, uint8_t afi, char *buf, size_t size)
{
	struct rbuf r = *view;
	struct prefix p;
	char one[PREFIX_STRLEN];

	buf[0] = '\0';
	while (msg_nlri_next(&r, afi, &p)) {
		prefix_fmt(&p, one, sizeof(one));
		if (buf[0] != '\0')
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, one, size - strlen(buf) - 1);
	}
	ck_assert(rbuf_ok(&r));
	return buf;
}

static size_t
nlri_list(const struct rbuf *view, uint8_t afi, struct prefix *out, size_t cap)
{
	struct rbuf r = *view;
	size_t n = 0;

	while (n < cap && msg_nlri_next(&r, afi, &out[n]))
		n++;
	return n;
}

static char *
addr_str(const struct addr *a, char *buf, size_t size)
{
	return addr_fmt(a, buf, size);
}

struct decoded {
	struct fixture f;
	struct msg_ctx ctx;
	struct msg_update u;
	struct msg_attr_buf ab;
	struct msg_error err;
};

/* Load and decode an UPDATE fixture; it must decode without any error. */
static struct decoded *
update(const char *name)
{
	struct decoded *d = calloc(1, sizeof(*d));
	enum msg_action a;

	ck_assert_ptr_nonnull(d);
	load(name, &d->f);
	ck_assert_uint_eq(d->f.type, MSG_UPDATE);
	session_ctx(name, session_of(name), &d->ctx);
	a = msg_update_decode(&d->ctx, d->f.body, d->f.body_len, &d->u, &d->ab, &d->err);
	ck_assert_msg(a == MSG_ACT_NONE, "%s: %s", name, d->err.why);
	return d;
}

static void
assert_path(const struct attr_set *s, const char *want)
{
	char buf[256];

	ck_assert(s->present & ATTR_HAS_AS_PATH);
	ck_assert_str_eq(attr_aspath_fmt(s, buf, sizeof(buf)), want);
}

/* Re-encode an IPv4 announcement with our packer: BIRD's bytes exactly. */
static void
assert_repack_v4(struct decoded *d)
{
	struct prefix pfx[16];
	size_t n = nlri_list(&d->u.nlri, AFI_IP, pfx, 16);
	uint8_t out[MSG_MAX_LEN];
	struct wbuf w;
	struct attr_set s;
	struct msg_ctx sender = d->ctx;

	sender.local_as = d->ctx.peer_as;
	sender.peer_as = d->ctx.local_as;
	msg_update_attrs(&d->u, AFI_IP, &s);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_uint_eq(msg_update_pack(&w, &sender, &s, AFI_IP, pfx, n), n);
	ck_assert_uint_eq(wbuf_len(&w), d->f.len);
	ck_assert_mem_eq(out, d->f.data, d->f.len);
}

/* Re-encode an IPv6 announcement: a different attribute order is allowed,
 * the decoded content must be the same. */
static void
assert_repack_v6(struct decoded *d)
{
	struct prefix pfx[16], again[16];
	size_t n = nlri_list(&d->u.mp_reach.nlri, AFI_IP6, pfx, 16);
	uint8_t out[MSG_MAX_LEN];
	struct wbuf w;
	struct attr_set s, s2;
	struct msg_ctx sender = d->ctx;
	struct decoded *d2 = calloc(1, sizeof(*d2));
	size_t len = 0;
	uint8_t type = 0;

	ck_assert_ptr_nonnull(d2);
	sender.local_as = d->ctx.peer_as;
	sender.peer_as = d->ctx.local_as;
	msg_update_attrs(&d->u, AFI_IP6, &s);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_uint_eq(msg_update_pack(&w, &sender, &s, AFI_IP6, pfx, n), n);
	ck_assert_uint_eq(wbuf_len(&w), d->f.len);
	ck_assert(msg_frame(out, wbuf_len(&w), MSG_MAX_LEN, &len, &type, &d2->err) == MSG_FRAME_OK);
	ck_assert_int_eq(msg_update_decode(&d->ctx, out + MSG_HEADER_LEN, len - MSG_HEADER_LEN,
	                                   &d2->u, &d2->ab, &d2->err),
	                 MSG_ACT_NONE);
	msg_update_attrs(&d2->u, AFI_IP6, &s2);
	ck_assert(attr_eq(&s, &s2));
	ck_assert_uint_eq(nlri_list(&d2->u.mp_reach.nlri, AFI_IP6, again, 16), n);
	for (size_t i = 0; i < n; i++)
		ck_assert(prefix_eq(&pfx[i], &again[i]));
	free(d2);
}

/* ---- every fixture ---- */

START_TEST(test_every_fixture_decodes)
{
	char dir[1024];
	DIR *dp = opendir(fixtures_dir(dir, sizeof(dir)));
	struct dirent *de;
	unsigned count = 0, by_type[6] = {0};
	struct fixture *f = malloc(sizeof(*f));
	struct msg_attr_buf *ab = malloc(sizeof(*ab));

	ck_assert_msg(dp != NULL, "cannot open %s", dir);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(ab);
	while ((de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name);
		struct msg_error err;

		if (n < 5 || strcmp(de->d_name + n - 4, ".hex") != 0)
			continue;
		load(de->d_name, f);
		ck_assert_uint_ge(f->type, MSG_OPEN);
		ck_assert_uint_le(f->type, MSG_ROUTE_REFRESH);
		by_type[f->type]++;
		count++;
		switch (f->type) {
		case MSG_OPEN: {
			struct msg_open o;

			ck_assert_msg(msg_open_decode(f->body, f->body_len, &o, &err), "%s: %s",
			              f->name, err.why);
			ck_assert(msg_open_check(&o, sent_by_ce(f->name) ? AS_CE : AS_PROVIDER, 1,
			                         true, &err));
			break;
		}
		case MSG_UPDATE: {
			struct msg_ctx ctx;
			struct msg_update u;

			session_ctx(f->name, session_of(f->name), &ctx);
			ck_assert_msg(msg_update_decode(&ctx, f->body, f->body_len, &u, ab, &err) ==
			                      MSG_ACT_NONE,
			              "%s: %s", f->name, err.why);
			break;
		}
		case MSG_NOTIFICATION: {
			struct msg_notification nt;

			ck_assert(msg_notification_decode(f->body, f->body_len, &nt));
			break;
		}
		case MSG_KEEPALIVE:
			ck_assert_uint_eq(f->body_len, 0);
			break;
		case MSG_ROUTE_REFRESH: {
			struct msg_route_refresh rr;

			ck_assert_msg(msg_route_refresh_decode(f->body, f->body_len, &rr, &err),
			              "%s: %s", f->name, err.why);
			break;
		}
		}
	}
	closedir(dp);
	free(f);
	free(ab);
	/* The capture has every message type, and nothing went missing. */
	ck_assert_uint_ge(count, 30);
	ck_assert_uint_eq(by_type[MSG_OPEN], 6);
	ck_assert_uint_eq(by_type[MSG_UPDATE], 16);
	ck_assert_uint_eq(by_type[MSG_NOTIFICATION], 1);
	ck_assert_uint_eq(by_type[MSG_KEEPALIVE], 1);
	ck_assert_uint_eq(by_type[MSG_ROUTE_REFRESH], 6);
}
END_TEST

/* ---- OPEN ---- */

static void
open_fixture(const char *name, struct msg_open *o)
{
	struct fixture *f = malloc(sizeof(*f));
	struct msg_error err;

	ck_assert_ptr_nonnull(f);
	load(name, f);
	ck_assert_uint_eq(f->type, MSG_OPEN);
	ck_assert_msg(msg_open_decode(f->body, f->body_len, o, &err), "%s: %s", name, err.why);
	free(f);
}

/* Capabilities every BIRD OPEN here carries (RFC 4760, 2918, 8654, 4724,
 * 6793, 7313). */
static void
assert_common_caps(const struct msg_open *o, uint16_t afi)
{
	uint32_t mp = afi == AFI_IP ? MSG_CAP_MP_IPV4 : MSG_CAP_MP_IPV6;
	uint32_t other = afi == AFI_IP ? MSG_CAP_MP_IPV6 : MSG_CAP_MP_IPV4;

	ck_assert_uint_eq(o->version, 4);
	ck_assert_uint_eq(o->hold_time, 240);
	ck_assert(!o->ext_params);
	ck_assert(o->caps.have & mp);
	ck_assert(!(o->caps.have & other));
	ck_assert(o->caps.have & MSG_CAP_RR);
	ck_assert(o->caps.have & MSG_CAP_ENHANCED_RR);
	ck_assert(o->caps.have & MSG_CAP_EXT_MSG);
	ck_assert(o->caps.have & MSG_CAP_AS4);
	ck_assert(o->caps.have & MSG_CAP_GR);
	/* Graceful restart: not restarting, 120 s, one family, F bit clear. */
	ck_assert_uint_eq(o->caps.gr.flags, 0);
	ck_assert_uint_eq(o->caps.gr.time, 120);
	ck_assert_uint_eq(o->caps.gr.nafi, 1);
	ck_assert_uint_eq(o->caps.gr.afi[0].afi, afi);
	ck_assert_uint_eq(o->caps.gr.afi[0].safi, SAFI_UNICAST);
	ck_assert_uint_eq(o->caps.gr.afi[0].flags, 0);
}

START_TEST(test_open_ce_ipv4)
{
	struct msg_open o;
	struct msg_error err;

	open_fixture("01-open-ipv4-session-ce.hex", &o);
	assert_common_caps(&o, AFI_IP);
	ck_assert_uint_eq(o.my_as, AS_CE);
	ck_assert_uint_eq(o.caps.as4, AS_CE);
	ck_assert_uint_eq(msg_open_as(&o), AS_CE);
	ck_assert_uint_eq(o.bgp_id, 0xc0000201u); /* 192.0.2.1 */
	/* LLGR (RFC 9494) without families: kept as not understood. */
	ck_assert_uint_eq(o.caps.nunknown, 1);
	ck_assert_uint_eq(o.caps.unknown[0].code, CAP_LLGR);
	ck_assert_uint_eq(o.caps.unknown[0].len, 0);
	ck_assert(msg_open_check(&o, AS_CE, 0xac100102u, true, &err));
	/* The wrong expected AS is Bad Peer AS (RFC 4271 §6.2). */
	ck_assert(!msg_open_check(&o, 8075, 0xac100102u, true, &err));
	ck_assert_uint_eq(err.code, ERR_OPEN);
	ck_assert_uint_eq(err.subcode, ERR_OPEN_BAD_PEER_AS);
}
END_TEST

START_TEST(test_open_provider_ipv4)
{
	struct msg_open o;
	const uint8_t *fqdn;

	open_fixture("06-open-ipv4-session-provider.hex", &o);
	assert_common_caps(&o, AFI_IP);
	ck_assert_uint_eq(o.my_as, AS_PROVIDER);
	ck_assert_uint_eq(msg_open_as(&o), AS_PROVIDER);
	ck_assert_uint_eq(o.bgp_id, 0xac100102u); /* 172.16.1.2 */
	/* LLGR with IPv4 unicast, and the hostname capability, kept raw. */
	ck_assert_uint_eq(o.caps.nunknown, 2);
	ck_assert_uint_eq(o.caps.unknown[0].code, CAP_LLGR);
	ck_assert_uint_eq(o.caps.unknown[0].len, 7);
	ck_assert_mem_eq(o.caps.raw + o.caps.unknown[0].off, "\x00\x01\x01\x00\x00\x0e\x10", 7);
	ck_assert_uint_eq(o.caps.unknown[1].code, CAP_FQDN);
	ck_assert_uint_eq(o.caps.unknown[1].len, 19);
	fqdn = o.caps.raw + o.caps.unknown[1].off;
	ck_assert_uint_eq(fqdn[0], 17);
	ck_assert_mem_eq(fqdn + 1, "msee1.lab.example", 17);
	ck_assert_uint_eq(fqdn[18], 0);
}
END_TEST

START_TEST(test_open_ipv6_sessions)
{
	struct msg_open ce, prov;
	struct msg_ctx ctx;

	open_fixture("09-open-ipv6-session-ce.hex", &ce);
	open_fixture("12-open-ipv6-session-provider.hex", &prov);
	assert_common_caps(&ce, AFI_IP6);
	assert_common_caps(&prov, AFI_IP6);
	ck_assert_uint_eq(msg_open_as(&ce), AS_CE);
	ck_assert_uint_eq(msg_open_as(&prov), AS_PROVIDER);
	ck_assert_uint_eq(prov.caps.unknown[0].code, CAP_LLGR);
	ck_assert_mem_eq(prov.caps.raw + prov.caps.unknown[0].off, "\x00\x02\x01", 3);
	/* What the CE negotiates with this provider: IPv6 only, AS4, 64K. */
	msg_ctx_init(&ctx, AS_CE, AS_PROVIDER);
	msg_ctx_negotiate(&ctx, &ce, &prov);
	ck_assert(ctx.as4);
	ck_assert(ctx.ebgp);
	ck_assert_uint_eq(ctx.max_len, MSG_MAX_LEN_EXT);
	ck_assert_uint_eq(ctx.families, MSG_FAM_IPV6);
	ck_assert_uint_eq(ctx.peer_as, AS_PROVIDER);
}
END_TEST

/* Our encoder re-encodes the decoded OPEN into something that decodes to
 * the same facts (the parameter layout may differ from BIRD's). */
START_TEST(test_open_reencode)
{
	static const char *names[] = {
	        "01-open-ipv4-session-ce.hex",      "06-open-ipv4-session-provider.hex",
	        "09-open-ipv6-session-ce.hex",      "12-open-ipv6-session-provider.hex",
	        "25-open-2octet-as-session-ce.hex", "28-open-2octet-as-session-provider.hex"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct msg_open o, o2;
		uint8_t out[MSG_MAX_LEN];
		struct wbuf w;
		struct msg_error err;

		open_fixture(names[i], &o);
		wbuf_init(&w, out, sizeof(out));
		ck_assert(msg_open_encode(&w, &o));
		ck_assert(msg_open_decode(out + MSG_HEADER_LEN, wbuf_len(&w) - MSG_HEADER_LEN, &o2,
		                          &err));
		ck_assert_uint_eq(o2.my_as, o.my_as);
		ck_assert_uint_eq(o2.hold_time, o.hold_time);
		ck_assert_uint_eq(o2.bgp_id, o.bgp_id);
		ck_assert_uint_eq(o2.caps.have, o.caps.have);
		ck_assert_uint_eq(o2.caps.as4, o.caps.as4);
		ck_assert_uint_eq(o2.caps.gr.time, o.caps.gr.time);
		ck_assert_uint_eq(o2.caps.nunknown, o.caps.nunknown);
		ck_assert_uint_eq(o2.caps.raw_len, o.caps.raw_len);
		ck_assert_mem_eq(o2.caps.raw, o.caps.raw, o.caps.raw_len);
	}
}
END_TEST

/* A CE without the 4-octet AS capability (RFC 6793 §4.1): negotiation
 * falls back to 2-octet AS numbers and 4096-byte messages. */
START_TEST(test_open_2octet_as_session)
{
	struct msg_open ce, prov;
	struct msg_ctx ctx;

	open_fixture("25-open-2octet-as-session-ce.hex", &ce);
	open_fixture("28-open-2octet-as-session-provider.hex", &prov);
	ck_assert(!(ce.caps.have & MSG_CAP_AS4));
	ck_assert(!(ce.caps.have & MSG_CAP_EXT_MSG));
	ck_assert_uint_eq(ce.my_as, AS_CE);
	ck_assert_uint_eq(msg_open_as(&ce), AS_CE);
	ck_assert(prov.caps.have & MSG_CAP_AS4);
	ck_assert_uint_eq(msg_open_as(&prov), AS_PROVIDER);
	msg_ctx_init(&ctx, AS_PROVIDER, AS_CE);
	msg_ctx_negotiate(&ctx, &prov, &ce);
	ck_assert(!ctx.as4);
	ck_assert_uint_eq(ctx.max_len, MSG_MAX_LEN);
	ck_assert_uint_eq(ctx.families, MSG_FAM_IPV4);
}
END_TEST

/* ---- KEEPALIVE ---- */

START_TEST(test_keepalive)
{
	struct fixture *f = malloc(sizeof(*f));
	uint8_t out[64];
	struct wbuf w;

	ck_assert_ptr_nonnull(f);
	load("02-keepalive-ce.hex", f);
	ck_assert_uint_eq(f->type, MSG_KEEPALIVE);
	ck_assert_uint_eq(f->len, MSG_HEADER_LEN);
	wbuf_init(&w, out, sizeof(out));
	ck_assert(msg_keepalive_encode(&w));
	ck_assert_uint_eq(wbuf_len(&w), f->len);
	ck_assert_mem_eq(out, f->data, f->len);
	free(f);
}
END_TEST

/* ---- UPDATE, IPv4 ---- */

START_TEST(test_update_ce_med_incomplete)
{
	struct decoded *d = update("03-update-ipv4-ce.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	ck_assert(s->present & ATTR_HAS_ORIGIN);
	ck_assert_uint_eq(s->origin, ORIGIN_INCOMPLETE);
	assert_path(s, "65520");
	ck_assert(s->present & ATTR_HAS_NEXT_HOP);
	ck_assert_str_eq(addr_str(&s->nexthop, buf, sizeof(buf)), "172.16.1.1");
	ck_assert(s->present & ATTR_HAS_MED);
	ck_assert_uint_eq(s->med, 20);
	/* No LOCAL_PREF on eBGP (RFC 4271 §5.1.5). */
	ck_assert(!(s->present & ATTR_HAS_LOCAL_PREF));
	ck_assert_uint_eq(s->ncomms + s->necomms + s->nlcomms + s->nunknown, 0);
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)), "198.51.100.0/29");
	ck_assert(rbuf_empty(&d->u.withdrawn));
	ck_assert(!d->u.has_mp_reach && !d->u.has_mp_unreach);
	ck_assert_uint_eq(d->u.eor_afi, 0);
	assert_repack_v4(d);
	free(d);
}
END_TEST

START_TEST(test_update_ce_communities_prepend)
{
	struct decoded *d = update("04-update-ipv4-ce.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	ck_assert_uint_eq(s->origin, ORIGIN_IGP);
	/* Two prepends plus BIRD's own AS: one AS_SEQUENCE of three. */
	assert_path(s, "65520 65520 65520");
	ck_assert_uint_eq(s->nsegs, 1);
	ck_assert_uint_eq(s->segs[0].type, AS_SEQUENCE);
	ck_assert_uint_eq(attr_aspath_len(s), 3);
	ck_assert_uint_eq(attr_neighbor_as(s), AS_CE);
	ck_assert_str_eq(addr_str(&s->nexthop, buf, sizeof(buf)), "172.16.1.1");
	ck_assert(!(s->present & (ATTR_HAS_MED | ATTR_HAS_LOCAL_PREF)));
	ck_assert_uint_eq(s->ncomms, 1);
	ck_assert_uint_eq(s->comms[0], (65520u << 16) | 100);
	/* RFC 4360 / RFC 5668, in BIRD's order: rt 65520:555 (2-octet AS),
	 * rt 192.0.2.1:9 (IPv4), ro 4200000000:7 (4-octet AS). */
	ck_assert_uint_eq(s->necomms, 3);
	ck_assert_uint_eq(s->ecomms[0], 0x0002fff00000022bull);
	ck_assert_uint_eq(s->ecomms[1], 0x0102c00002010009ull);
	ck_assert_uint_eq(s->ecomms[2], 0x0203fa56ea000007ull);
	ck_assert_uint_eq(s->nlcomms, 1);
	ck_assert_uint_eq(s->lcomms[0].global, 65520);
	ck_assert_uint_eq(s->lcomms[0].local1, 1);
	ck_assert_uint_eq(s->lcomms[0].local2, 2);
	ck_assert_str_eq(attr_lcomms_fmt(s, buf, sizeof(buf)), "65520:1:2");
	/* Both prefixes share the attributes: one UPDATE. */
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)),
	                 "10.20.0.0/16 10.10.0.0/16");
	ck_assert_uint_eq(msg_nlri_count(&d->u.nlri, AFI_IP), 2);
	assert_repack_v4(d);
	free(d);
}
END_TEST

START_TEST(test_update_provider_vnets)
{
	struct decoded *d = update("07-update-ipv4-provider.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	ck_assert_uint_eq(s->origin, ORIGIN_IGP);
	assert_path(s, "12076");
	ck_assert_str_eq(addr_str(&s->nexthop, buf, sizeof(buf)), "172.16.1.2");
	ck_assert(!(s->present & (ATTR_HAS_MED | ATTR_HAS_LOCAL_PREF | ATTR_HAS_ATOMIC_AGG |
	                          ATTR_HAS_AGGREGATOR)));
	ck_assert_uint_eq(s->ncomms + s->necomms + s->nlcomms, 0);
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)),
	                 "10.3.0.0/24 10.1.0.0/16 10.2.0.0/16");
	assert_repack_v4(d);
	free(d);
}
END_TEST

START_TEST(test_update_provider_med_4octet_path)
{
	struct decoded *d = update("08-update-ipv4-provider.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	/* A 4-octet AS in the path, carried natively (both sides AS4). */
	assert_path(s, "12076 4200000001");
	ck_assert_uint_eq(attr_origin_as(s), 4200000001u);
	ck_assert(!(d->u.seen & (1ull << ATTR_AS4_PATH)));
	ck_assert_uint_eq(s->med, 100);
	ck_assert(s->present & ATTR_HAS_MED);
	ck_assert_uint_eq(s->ncomms, 2);
	ck_assert_uint_eq(s->comms[0], (12076u << 16) | 12076);
	ck_assert_uint_eq(s->comms[1], (12076u << 16) | 51004);
	ck_assert_str_eq(attr_comms_fmt(s, buf, sizeof(buf)), "12076:12076 12076:51004");
	ck_assert_uint_eq(s->nlcomms, 1);
	ck_assert_uint_eq(s->lcomms[0].global, 12076);
	ck_assert_uint_eq(s->lcomms[0].local2, 555);
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)), "10.4.0.0/16 10.5.0.0/16");
	assert_repack_v4(d);
	free(d);
}
END_TEST

START_TEST(test_update_provider_no_export)
{
	struct decoded *d = update("14-update-ipv4-provider.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	ck_assert_uint_eq(s->origin, ORIGIN_INCOMPLETE);
	ck_assert_uint_eq(s->ncomms, 1);
	ck_assert(attr_has_community(s, COMMUNITY_NO_EXPORT));
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)),
	                 "10.98.0.0/24 10.99.0.0/24");
	assert_repack_v4(d);
	free(d);
}
END_TEST

START_TEST(test_withdraw_ipv4)
{
	struct decoded *d = update("16-update-withdraw-ipv4-provider.hex");
	struct prefix pfx[4];
	size_t n;
	uint8_t out[MSG_MAX_LEN];
	struct wbuf w;
	char buf[256];

	ck_assert_str_eq(nlri_str(&d->u.withdrawn, AFI_IP, buf, sizeof(buf)),
	                 "10.98.0.0/24 10.99.0.0/24");
	ck_assert(rbuf_empty(&d->u.nlri));
	ck_assert_uint_eq(d->u.attrs.present, 0);
	ck_assert_uint_eq(d->u.eor_afi, 0);
	n = nlri_list(&d->u.withdrawn, AFI_IP, pfx, 4);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_uint_eq(msg_withdraw_pack(&w, &d->ctx, AFI_IP, pfx, n), 2);
	ck_assert_uint_eq(wbuf_len(&w), d->f.len);
	ck_assert_mem_eq(out, d->f.data, d->f.len);
	free(d);
}
END_TEST

/* RFC 6793 §4.2.3: a NEW speaker (BIRD) to an OLD one writes AS_TRANS in
 * AS_PATH and the real path in AS4_PATH; the receiver merges them. */
START_TEST(test_update_as4_path_merge)
{
	struct decoded *d = update("30-update-ipv4-as2-provider.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	ck_assert(!d->ctx.as4);
	ck_assert(d->u.seen & (1ull << ATTR_AS4_PATH));
	assert_path(s, "12076 4200000001");
	ck_assert_uint_eq(attr_origin_as(s), 4200000001u);
	ck_assert(!attr_aspath_contains(s, AS_TRANS));
	ck_assert_uint_eq(s->med, 100);
	ck_assert_uint_eq(s->ncomms, 2);
	ck_assert_uint_eq(s->nlcomms, 1);
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)), "10.4.0.0/16 10.5.0.0/16");
	/* Our packer on a 2-octet session writes what BIRD wrote. */
	assert_repack_v4(d);
	free(d);

	d = update("29-update-ipv4-as2-provider.hex");
	ck_assert(!(d->u.seen & (1ull << ATTR_AS4_PATH)));
	assert_path(&d->u.attrs, "12076");
	assert_repack_v4(d);
	free(d);
}
END_TEST

/* The OLD speaker's side: 2-octet ASNs only, no AS4_PATH needed. */
START_TEST(test_update_from_2octet_speaker)
{
	struct decoded *d = update("27-update-ipv4-as2-ce.hex");
	const struct attr_set *s = &d->u.attrs;
	char buf[256];

	ck_assert(!(d->u.seen & (1ull << ATTR_AS4_PATH)));
	assert_path(s, "65520 65520 65520");
	ck_assert_uint_eq(s->necomms, 3);
	/* The 4-octet-AS extended community passes unchanged (RFC 5668). */
	ck_assert_uint_eq(s->ecomms[2], 0x0203fa56ea000007ull);
	ck_assert_str_eq(nlri_str(&d->u.nlri, AFI_IP, buf, sizeof(buf)),
	                 "10.20.0.0/16 10.10.0.0/16");
	assert_repack_v4(d);
	free(d);
	d = update("26-update-ipv4-as2-ce.hex");
	assert_path(&d->u.attrs, "65520");
	ck_assert_uint_eq(d->u.attrs.med, 20);
	assert_repack_v4(d);
	free(d);
}
END_TEST

/* ---- UPDATE, IPv6 ---- */

START_TEST(test_update_ce_ipv6)
{
	struct decoded *d = update("10-update-ipv6-ce.hex");
	struct attr_set s;
	char buf[256];

	ck_assert(d->u.has_mp_reach);
	ck_assert_uint_eq(d->u.mp_reach.afi, AFI_IP6);
	ck_assert_uint_eq(d->u.mp_reach.safi, SAFI_UNICAST);
	/* Global and link-local next hop (RFC 2545 §3). */
	ck_assert_str_eq(addr_str(&d->u.mp_reach.nexthop, buf, sizeof(buf)), "2001:db8:555:1::1");
	ck_assert_str_eq(addr_str(&d->u.mp_reach.nexthop_ll, buf, sizeof(buf)),
	                 "fe80::5ff:fe55:101");
	ck_assert_str_eq(nlri_str(&d->u.mp_reach.nlri, AFI_IP6, buf, sizeof(buf)),
	                 "2001:db8:ce00::/40");
	ck_assert(rbuf_empty(&d->u.nlri));
	msg_update_attrs(&d->u, AFI_IP6, &s);
	ck_assert(s.present & ATTR_HAS_NEXT_HOP);
	ck_assert_str_eq(addr_str(&s.nexthop, buf, sizeof(buf)), "2001:db8:555:1::1");
	assert_path(&s, "65520");
	ck_assert_uint_eq(s.nlcomms, 1);
	ck_assert_uint_eq(s.lcomms[0].local1, 6);
	ck_assert_uint_eq(s.lcomms[0].local2, 1);
	assert_repack_v6(d);
	free(d);
}
END_TEST

START_TEST(test_update_provider_ipv6)
{
	struct decoded *d = update("13-update-ipv6-provider.hex");
	struct attr_set s;
	char buf[256];

	ck_assert(d->u.has_mp_reach);
	ck_assert_str_eq(addr_str(&d->u.mp_reach.nexthop, buf, sizeof(buf)), "2001:db8:555:1::2");
	ck_assert_str_eq(addr_str(&d->u.mp_reach.nexthop_ll, buf, sizeof(buf)),
	                 "fe80::5ff:fe55:102");
	ck_assert_str_eq(nlri_str(&d->u.mp_reach.nlri, AFI_IP6, buf, sizeof(buf)),
	                 "2001:db8:100::/48 2001:db8:200::/48");
	msg_update_attrs(&d->u, AFI_IP6, &s);
	assert_path(&s, "12076");
	ck_assert_uint_eq(s.ncomms, 1);
	ck_assert_uint_eq(s.comms[0], (12076u << 16) | 60000);
	assert_repack_v6(d);
	free(d);
	d = update("15-update-ipv6-provider.hex");
	ck_assert_str_eq(nlri_str(&d->u.mp_reach.nlri, AFI_IP6, buf, sizeof(buf)),
	                 "2001:db8:999::/48");
	assert_repack_v6(d);
	free(d);
}
END_TEST

START_TEST(test_withdraw_ipv6)
{
	struct decoded *d = update("17-update-withdraw-ipv6-provider.hex");
	struct prefix pfx[4];
	size_t n;
	uint8_t out[MSG_MAX_LEN];
	struct wbuf w;
	char buf[256];

	ck_assert(d->u.has_mp_unreach);
	ck_assert(!d->u.has_mp_reach);
	ck_assert_uint_eq(d->u.mp_unreach.afi, AFI_IP6);
	ck_assert_str_eq(nlri_str(&d->u.mp_unreach.withdrawn, AFI_IP6, buf, sizeof(buf)),
	                 "2001:db8:999::/48");
	ck_assert_uint_eq(d->u.eor_afi, 0);
	n = nlri_list(&d->u.mp_unreach.withdrawn, AFI_IP6, pfx, 4);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_uint_eq(msg_withdraw_pack(&w, &d->ctx, AFI_IP6, pfx, n), 1);
	ck_assert_uint_eq(wbuf_len(&w), d->f.len);
	ck_assert_mem_eq(out, d->f.data, d->f.len);
	free(d);
}
END_TEST

/* ---- End-of-RIB (RFC 4724 §2) ---- */

START_TEST(test_eor)
{
	static const struct {
		const char *name;
		uint8_t afi;
	} eors[] = {{"05-update-eor-ipv4-ce.hex", AFI_IP}, {"11-update-eor-ipv6-ce.hex", AFI_IP6}};

	for (size_t i = 0; i < 2; i++) {
		struct decoded *d = update(eors[i].name);
		uint8_t out[64];
		struct wbuf w;

		ck_assert_uint_eq(d->u.eor_afi, eors[i].afi);
		ck_assert_uint_eq(msg_nlri_count(&d->u.nlri, AFI_IP), 0);
		wbuf_init(&w, out, sizeof(out));
		ck_assert(msg_eor_encode(&w, eors[i].afi));
		ck_assert_uint_eq(wbuf_len(&w), d->f.len);
		ck_assert_mem_eq(out, d->f.data, d->f.len);
		free(d);
	}
}
END_TEST

/* ---- ROUTE-REFRESH (RFC 2918, RFC 7313) ---- */

START_TEST(test_route_refresh)
{
	static const struct {
		const char *name;
		uint16_t afi;
		uint8_t subtype;
	} rrs[] = {
	        {"18-route-refresh-request-ce.hex", AFI_IP, RR_NORMAL},
	        {"19-route-refresh-borr-provider.hex", AFI_IP, RR_BORR},
	        {"20-route-refresh-eorr-provider.hex", AFI_IP, RR_EORR},
	        {"21-route-refresh-request-ce.hex", AFI_IP6, RR_NORMAL},
	        {"22-route-refresh-borr-provider.hex", AFI_IP6, RR_BORR},
	        {"23-route-refresh-eorr-provider.hex", AFI_IP6, RR_EORR},
	};

	for (size_t i = 0; i < sizeof(rrs) / sizeof(rrs[0]); i++) {
		struct fixture *f = malloc(sizeof(*f));
		struct msg_route_refresh rr;
		struct msg_error err;
		uint8_t out[64];
		struct wbuf w;

		ck_assert_ptr_nonnull(f);
		load(rrs[i].name, f);
		ck_assert_uint_eq(f->type, MSG_ROUTE_REFRESH);
		ck_assert(msg_route_refresh_decode(f->body, f->body_len, &rr, &err));
		ck_assert_uint_eq(rr.afi, rrs[i].afi);
		ck_assert_uint_eq(rr.safi, SAFI_UNICAST);
		ck_assert_uint_eq(rr.subtype, rrs[i].subtype);
		wbuf_init(&w, out, sizeof(out));
		ck_assert(msg_route_refresh_encode(&w, &rr));
		ck_assert_uint_eq(wbuf_len(&w), f->len);
		ck_assert_mem_eq(out, f->data, f->len);
		free(f);
	}
}
END_TEST

/* ---- NOTIFICATION: Cease / Administrative Shutdown (RFC 9003) ---- */

START_TEST(test_notification_shutdown)
{
	struct fixture *f = malloc(sizeof(*f));
	struct msg_notification n;
	uint8_t out[512];
	struct wbuf w;

	ck_assert_ptr_nonnull(f);
	load("24-notification-ce.hex", f);
	ck_assert_uint_eq(f->type, MSG_NOTIFICATION);
	ck_assert(msg_notification_decode(f->body, f->body_len, &n));
	ck_assert_uint_eq(n.code, ERR_CEASE);
	ck_assert_uint_eq(n.subcode, ERR_CEASE_ADMIN_SHUTDOWN);
	ck_assert(n.has_shutdown);
	ck_assert_str_eq(n.shutdown, SHUTDOWN_TEXT);
	ck_assert_uint_eq(n.data_len, 1 + strlen(SHUTDOWN_TEXT));
	ck_assert(!n.has_max_prefix);
	wbuf_init(&w, out, sizeof(out));
	ck_assert(msg_shutdown_encode(&w, ERR_CEASE_ADMIN_SHUTDOWN, SHUTDOWN_TEXT));
	ck_assert_uint_eq(wbuf_len(&w), f->len);
	ck_assert_mem_eq(out, f->data, f->len);
	free(f);
}
END_TEST

/* A fixture cut short anywhere must not frame as a complete message. */
START_TEST(test_truncated_fixtures_need_more)
{
	struct fixture *f = malloc(sizeof(*f));

	ck_assert_ptr_nonnull(f);
	load("04-update-ipv4-ce.hex", f);
	for (size_t cut = 0; cut < f->len; cut++) {
		size_t len = 0;
		uint8_t type = 0;
		struct msg_error err;

		ck_assert_int_eq(msg_frame(f->data, cut, MSG_MAX_LEN, &len, &type, &err),
		                 MSG_FRAME_NEED_MORE);
	}
	free(f);
}
END_TEST

static Suite *
fixtures_suite(void)
{
	Suite *s = suite_create("bird-fixtures");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_every_fixture_decodes);
	tcase_add_test(tc, test_open_ce_ipv4);
	tcase_add_test(tc, test_open_provider_ipv4);
	tcase_add_test(tc, test_open_ipv6_sessions);
	tcase_add_test(tc, test_open_reencode);
	tcase_add_test(tc, test_open_2octet_as_session);
	tcase_add_test(tc, test_keepalive);
	tcase_add_test(tc, test_update_ce_med_incomplete);
	tcase_add_test(tc, test_update_ce_communities_prepend);
	tcase_add_test(tc, test_update_provider_vnets);
	tcase_add_test(tc, test_update_provider_med_4octet_path);
	tcase_add_test(tc, test_update_provider_no_export);
	tcase_add_test(tc, test_withdraw_ipv4);
	tcase_add_test(tc, test_update_as4_path_merge);
	tcase_add_test(tc, test_update_from_2octet_speaker);
	tcase_add_test(tc, test_update_ce_ipv6);
	tcase_add_test(tc, test_update_provider_ipv6);
	tcase_add_test(tc, test_withdraw_ipv6);
	tcase_add_test(tc, test_eor);
	tcase_add_test(tc, test_route_refresh);
	tcase_add_test(tc, test_notification_shutdown);
	tcase_add_test(tc, test_truncated_fixtures_need_more);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fixtures_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
