/* Helpers shared by the msg test programs: hex vectors, message builders. */
#ifndef TEST_MSG_UTIL_H
#define TEST_MSG_UTIL_H

#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* "40 01 01 00" -> bytes; spaces and '|' ignored. Returns the count. */
static inline size_t
hex(uint8_t *out, size_t cap, const char *s)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (isspace((unsigned char)*s) || *s == '|')
			continue;
		v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		ck_assert_msg(v >= 0 && v < 16, "bad hex digit '%c'", *s);
		if (hi < 0) {
			hi = v;
		} else {
			ck_assert_uint_lt(n, cap);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	ck_assert_msg(hi < 0, "odd number of hex digits");
	return n;
}

/* UPDATE body from its three sections given in hex. */
static inline size_t
update_body(uint8_t *out, size_t cap, const char *withdrawn, const char *attrs, const char *nlri)
{
	uint8_t tmp[4096];
	size_t n = 0, l;

	l = hex(tmp, sizeof(tmp), withdrawn ? withdrawn : "");
	ck_assert_uint_ge(cap, l + 4);
	out[n++] = (uint8_t)(l >> 8);
	out[n++] = (uint8_t)l;
	memcpy(out + n, tmp, l);
	n += l;
	l = hex(tmp, sizeof(tmp), attrs ? attrs : "");
	ck_assert_uint_ge(cap, n + l + 2);
	out[n++] = (uint8_t)(l >> 8);
	out[n++] = (uint8_t)l;
	memcpy(out + n, tmp, l);
	n += l;
	l = hex(tmp, sizeof(tmp), nlri ? nlri : "");
	ck_assert_uint_ge(cap, n + l);
	memcpy(out + n, tmp, l);
	return n + l;
}

/* A whole message (header + body) around a body. */
static inline size_t
wrap(uint8_t *out, uint8_t type, const uint8_t *body, size_t len)
{
	memset(out, 0xff, 16);
	out[16] = (uint8_t)((len + MSG_HEADER_LEN) >> 8);
	out[17] = (uint8_t)(len + MSG_HEADER_LEN);
	out[18] = type;
	memcpy(out + MSG_HEADER_LEN, body, len);
	return len + MSG_HEADER_LEN;
}

static inline struct prefix
pfx4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.afi = AFI_IP;
	p.len = len;
	p.bytes[0] = a, p.bytes[1] = b, p.bytes[2] = c, p.bytes[3] = d;
	return p;
}

static inline struct addr
addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x;

	memset(&x, 0, sizeof(x));
	x.afi = AFI_IP;
	x.bytes[0] = a, x.bytes[1] = b, x.bytes[2] = c, x.bytes[3] = d;
	return x;
}

/* 2001:db8::<last> style address. */
static inline struct addr
addr6(uint16_t first, uint16_t second, uint16_t last)
{
	struct addr x;

	memset(&x, 0, sizeof(x));
	x.afi = AFI_IP6;
	x.bytes[0] = (uint8_t)(first >> 8), x.bytes[1] = (uint8_t)first;
	x.bytes[2] = (uint8_t)(second >> 8), x.bytes[3] = (uint8_t)second;
	x.bytes[14] = (uint8_t)(last >> 8), x.bytes[15] = (uint8_t)last;
	return x;
}

/* Session context used by most vectors: eBGP 65000 <-> 65001, AS4, v4+v6. */
static inline void
test_ctx(struct msg_ctx *ctx, bool as4, bool ebgp)
{
	msg_ctx_init(ctx, 65000, ebgp ? 65001 : 65000);
	ctx->as4 = as4;
	ctx->families = MSG_FAM_IPV4 | MSG_FAM_IPV6;
	ctx->local_addr = addr4(192, 0, 2, 2);
}

/* Heap copy of exactly n bytes, so ASan sees any read past the end. */
static inline uint8_t *
exact_copy(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(c);
	if (n)
		memcpy(c, p, n);
	return c;
}

#endif
