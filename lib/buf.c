#include "buf.h"

#include <string.h>

void
rbuf_init(struct rbuf *r, const void *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->off = 0;
	r->err = false;
}

/* Claim n bytes or poison the reader. Returns the start of the n bytes. */
static const uint8_t *
rbuf_claim(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	p = r->data + r->off;
	r->off += n;
	return p;
}

uint8_t
rbuf_u8(struct rbuf *r)
{
	const uint8_t *p = rbuf_claim(r, 1);

	return p ? p[0] : 0;
}

uint16_t
rbuf_u16(struct rbuf *r)
{
	const uint8_t *p = rbuf_claim(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t
rbuf_u32(struct rbuf *r)
{
	const uint8_t *p = rbuf_claim(r, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

bool
rbuf_bytes(struct rbuf *r, void *dst, size_t n)
{
	const uint8_t *p = rbuf_claim(r, n);

	if (!p) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, p, n);
	return true;
}

bool
rbuf_skip(struct rbuf *r, size_t n)
{
	return rbuf_claim(r, n) != NULL;
}

const uint8_t *
rbuf_take(struct rbuf *r, size_t n)
{
	return rbuf_claim(r, n);
}

bool
rbuf_sub(struct rbuf *r, struct rbuf *child, size_t n)
{
	const uint8_t *p = rbuf_claim(r, n);

	if (!p) {
		rbuf_init(child, NULL, 0);
		child->err = true;
		return false;
	}
	rbuf_init(child, p, n);
	return true;
}

bool
rbuf_peek_u8(const struct rbuf *r, size_t at, uint8_t *out)
{
	if (r->err || at >= r->len - r->off)
		return false;
	*out = r->data[r->off + at];
	return true;
}

void
wbuf_init(struct wbuf *w, void *mem, size_t cap)
{
	w->data = mem;
	w->cap = cap;
	w->len = 0;
	w->err = false;
}

static uint8_t *
wbuf_claim(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return NULL;
	}
	p = w->data + w->len;
	w->len += n;
	return p;
}

bool
wbuf_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *p = wbuf_claim(w, 1);

	if (p)
		p[0] = v;
	return p != NULL;
}

bool
wbuf_u16(struct wbuf *w, uint16_t v)
{
	uint8_t *p = wbuf_claim(w, 2);

	if (p) {
		p[0] = v >> 8;
		p[1] = v & 0xff;
	}
	return p != NULL;
}

bool
wbuf_u32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = wbuf_claim(w, 4);

	if (p) {
		p[0] = v >> 24;
		p[1] = (v >> 16) & 0xff;
		p[2] = (v >> 8) & 0xff;
		p[3] = v & 0xff;
	}
	return p != NULL;
}

bool
wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *p = wbuf_claim(w, n);

	if (p && n)
		memcpy(p, src, n);
	return p != NULL;
}

bool
wbuf_zero(struct wbuf *w, size_t n)
{
	uint8_t *p = wbuf_claim(w, n);

	if (p && n)
		memset(p, 0, n);
	return p != NULL;
}

size_t
wbuf_reserve(struct wbuf *w, size_t n)
{
	size_t at = w->len;

	return wbuf_zero(w, n) ? at : SIZE_MAX;
}

bool
wbuf_patch_u8(struct wbuf *w, size_t at, uint8_t v)
{
	if (at >= w->len || w->len - at < 1)
		return false;
	w->data[at] = v;
	return true;
}

bool
wbuf_patch_u16(struct wbuf *w, size_t at, uint16_t v)
{
	if (at >= w->len || w->len - at < 2)
		return false;
	w->data[at] = v >> 8;
	w->data[at + 1] = v & 0xff;
	return true;
}

void
wbuf_rewind(struct wbuf *w, size_t mark)
{
	if (mark <= w->len)
		w->len = mark;
	w->err = false;
}
