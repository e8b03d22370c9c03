/*
 * Internals shared by the msg_*.c files; not part of the public API.
 */
#ifndef CEBGP_MSG_PRIVATE_H
#define CEBGP_MSG_PRIVATE_H

#include "msg.h"

/*
 * Start a message: marker, a reserved length, the type. Returns the offset
 * of the message start (for msg_end) or SIZE_MAX on error.
 */
size_t msg_begin(struct wbuf *w, uint8_t type);
/* Back-patch the length of the message started at start; false on error. */
bool msg_end(struct wbuf *w, size_t start);

/* Write one prefix in NLRI encoding: length octet, then the needed bytes. */
bool msg_nlri_put(struct wbuf *w, const struct prefix *p);
/* Check a whole NLRI/withdrawn field: every length in range, no overrun. */
bool msg_nlri_valid(const uint8_t *data, size_t len, uint8_t afi);

/* Worst of two actions (RFC 7606 §3: the strongest approach wins). */
static inline enum msg_action
msg_action_max(enum msg_action a, enum msg_action b)
{
	return a > b ? a : b;
}

/*
 * Parse the path attributes field (the bytes between Total Path Attribute
 * Length and the NLRI) into u, following the RFC 7606 table in msg_attr.c.
 * Records the worst error in err and returns its action; never reads
 * outside attrs.
 */
enum msg_action msg_attrs_parse(const struct msg_ctx *ctx, struct rbuf *attrs, struct msg_update *u,
                                struct msg_attr_buf *buf, struct msg_error *err);

#endif
