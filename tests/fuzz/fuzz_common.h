/*
 * Shared by the libFuzzer harnesses: the decode context chosen by the first
 * input byte, so one corpus explores every negotiated combination.
 *
 *   bit 0  4-octet AS negotiated (RFC 6793)
 *   bit 1  extended messages (RFC 8654): max length 65535
 *   bit 2  IPv6 unicast negotiated besides IPv4
 *   bit 3  iBGP (peer AS = local AS)
 *   bit 4  eBGP direction: peer is the provider (12076) or the CE (65520)
 *   bit 5  our session address is set (a NEXT_HOP equal to it is invalid)
 *   bits 6-7  harness-specific mode
 */
#ifndef CEBGP_FUZZ_COMMON_H
#define CEBGP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"

#define FUZZ_AS_CE       65520u
#define FUZZ_AS_PROVIDER 12076u

static inline void
fuzz_ctx(struct msg_ctx *ctx, uint8_t b)
{
	uint32_t peer = (b & 0x10) ? FUZZ_AS_CE : FUZZ_AS_PROVIDER;
	uint32_t local = (b & 0x08) ? peer : (peer == FUZZ_AS_CE ? FUZZ_AS_PROVIDER : FUZZ_AS_CE);

	msg_ctx_init(ctx, local, peer);
	ctx->as4 = (b & 0x01) != 0;
	ctx->max_len = (b & 0x02) ? MSG_MAX_LEN_EXT : MSG_MAX_LEN;
	if (b & 0x04)
		ctx->families |= MSG_FAM_IPV6;
	if (b & 0x20) {
		/* 172.16.1.1, the first /30 host of the lab's private peering */
		static const uint8_t a4[4] = {172, 16, 1, 1};

		ctx->local_addr.afi = AFI_IP;
		memcpy(ctx->local_addr.bytes, a4, sizeof(a4));
	}
}

/* Consume every prefix of a view (exercises msg_nlri_next on it). */
static inline size_t
fuzz_walk(struct rbuf *r, uint8_t afi)
{
	struct prefix p;
	size_t n = 0;

	while (msg_nlri_next(r, afi, &p))
		n++;
	return n;
}

#endif
