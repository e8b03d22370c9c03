/*
 * buf: bounds-checked reader and writer over caller-owned memory.
 *
 * Every parser and encoder in cebgp goes through these. Both carry a sticky
 * error flag: once a read runs past the end (or a write past the capacity)
 * every later call fails too, so a parser may read a whole structure and
 * check once at the end, and an encoder may write a whole message and check
 * once. A failed read yields zeroes, never stale or out-of-bounds bytes.
 *
 * rbuf_sub() carves a bounded view of the next n bytes and advances the
 * parent past them: an attribute parsed from its own view can never read
 * into its neighbour, and a bad body never desynchronises the list.
 */
#ifndef CEBGP_BUF_H
#define CEBGP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rbuf {
	const uint8_t *data;
	size_t len; /* bytes in the view */
	size_t off; /* next byte to read */
	bool err;   /* sticky: set by the first read past the end */
};

void rbuf_init(struct rbuf *r, const void *data, size_t len);
static inline size_t
rbuf_left(const struct rbuf *r)
{
	return r->err ? 0 : r->len - r->off;
}
static inline bool
rbuf_ok(const struct rbuf *r)
{
	return !r->err;
}
static inline bool
rbuf_empty(const struct rbuf *r)
{
	return rbuf_left(r) == 0;
}
static inline const uint8_t *
rbuf_ptr(const struct rbuf *r)
{
	return r->data + r->off;
}

uint8_t rbuf_u8(struct rbuf *r);
uint16_t rbuf_u16(struct rbuf *r); /* network byte order */
uint32_t rbuf_u32(struct rbuf *r); /* network byte order */
bool rbuf_bytes(struct rbuf *r, void *dst, size_t n);
bool rbuf_skip(struct rbuf *r, size_t n);
/* Borrow n bytes in place; NULL (and the error set) if fewer remain. */
const uint8_t *rbuf_take(struct rbuf *r, size_t n);
/* Bounded child view of the next n bytes; the parent advances past them. */
bool rbuf_sub(struct rbuf *r, struct rbuf *child, size_t n);
/* Peek without consuming; false if fewer than n+1 bytes remain. */
bool rbuf_peek_u8(const struct rbuf *r, size_t at, uint8_t *out);

struct wbuf {
	uint8_t *data;
	size_t cap; /* hard maximum: writes beyond it fail */
	size_t len;
	bool err;
};

void wbuf_init(struct wbuf *w, void *mem, size_t cap);
static inline bool
wbuf_ok(const struct wbuf *w)
{
	return !w->err;
}
static inline size_t
wbuf_len(const struct wbuf *w)
{
	return w->len;
}
static inline size_t
wbuf_room(const struct wbuf *w)
{
	return w->err ? 0 : w->cap - w->len;
}

bool wbuf_u8(struct wbuf *w, uint8_t v);
bool wbuf_u16(struct wbuf *w, uint16_t v);
bool wbuf_u32(struct wbuf *w, uint32_t v);
bool wbuf_bytes(struct wbuf *w, const void *src, size_t n);
bool wbuf_zero(struct wbuf *w, size_t n);
/*
 * Reserve n bytes (a length field written later) and return their offset,
 * or SIZE_MAX on error. Back-patch with wbuf_patch_u8/u16.
 */
size_t wbuf_reserve(struct wbuf *w, size_t n);
bool wbuf_patch_u8(struct wbuf *w, size_t at, uint8_t v);
bool wbuf_patch_u16(struct wbuf *w, size_t at, uint16_t v);
/*
 * Undo everything written after mark (a wbuf_len() taken earlier) and clear
 * the error: how a packer backs out of an item that did not fit.
 */
void wbuf_rewind(struct wbuf *w, size_t mark);

#endif
