/*
 * xorshift32 (Marsaglia): a cheap generator where only scattering matters,
 * not unpredictability (BFD's timer jitter, the order the FIB shadow takes
 * a backlog in). The state must not start at 0, which it never leaves.
 */
#ifndef CEBGP_XORSHIFT_H
#define CEBGP_XORSHIFT_H

#include <stdint.h>

static inline uint32_t
xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

#endif
