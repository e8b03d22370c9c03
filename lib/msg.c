/*
 * msg: message header and framing, error values, and the small messages:
 * KEEPALIVE, NOTIFICATION (with RFC 9003 and RFC 4486 data) and
 * ROUTE-REFRESH (RFC 2918, RFC 7313).
 */
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "msg.h"
#include "msg_private.h"

enum msg_action
msg_error_set(struct msg_error *err, enum msg_action action, uint8_t code, uint8_t subcode,
              const void *data, size_t data_len, const char *why)
{
	err->action = action;
	err->code = code;
	err->subcode = subcode;
	err->data_len = MIN(data_len, sizeof(err->data));
	if (err->data_len > 0)
		memcpy(err->data, data, err->data_len);
	err->why = why ? why : "";
	return action;
}

char *
msg_error_fmt(const struct msg_error *err, char *buf, size_t size)
{
	snprintf(buf, size, "%s / %s (%s)%s%s", msg_err_code_name(err->code),
	         msg_err_subcode_name(err->code, err->subcode), msg_action_name(err->action),
	         err->why && *err->why ? ": " : "", err->why ? err->why : "");
	return buf;
}

void
msg_ctx_init(struct msg_ctx *ctx, uint32_t local_as, uint32_t peer_as)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->max_len = MSG_MAX_LEN;
	ctx->families = MSG_FAM_IPV4; /* RFC 4760 §8: IPv4 unicast without MP */
	ctx->local_as = local_as;
	ctx->peer_as = peer_as;
	ctx->ebgp = local_as != peer_as;
	ctx->check_first_as = ctx->ebgp;
}

/* ---- header ---- */

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                     Marker (16 octets of 0xff)                +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Length               |      Type     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
size_t
msg_begin(struct wbuf *w, uint8_t type)
{
	static const uint8_t marker[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t start = wbuf_len(w);

	wbuf_bytes(w, marker, sizeof(marker));
	wbuf_reserve(w, 2);
	wbuf_u8(w, type);
	return wbuf_ok(w) ? start : SIZE_MAX;
}

bool
msg_end(struct wbuf *w, size_t start)
{
	size_t len;

	if (!wbuf_ok(w) || start == SIZE_MAX)
		return false;
	len = wbuf_len(w) - start;
	if (len > MSG_MAX_LEN_EXT)
		return false;
	return wbuf_patch_u16(w, start + 16, (uint16_t)len);
}

/* Smallest legal length of each type (RFC 4271 §4.2-4.5, RFC 2918 §3). */
static size_t
msg_min_len(uint8_t type)
{
	switch (type) {
	case MSG_OPEN:
		return MSG_HEADER_LEN + 10;
	case MSG_UPDATE:
		return MSG_HEADER_LEN + 4;
	case MSG_NOTIFICATION:
		return MSG_HEADER_LEN + 2;
	case MSG_KEEPALIVE:
		return MSG_HEADER_LEN;
	case MSG_ROUTE_REFRESH:
		return MSG_HEADER_LEN + 4;
	default:
		return 0;
	}
}

enum msg_frame_result
msg_frame(const uint8_t *data, size_t len, size_t max_len, size_t *msg_len, uint8_t *type,
          struct msg_error *err)
{
	size_t mlen, minlen, maxlen;
	uint8_t t;

	if (len < MSG_HEADER_LEN)
		return MSG_FRAME_NEED_MORE;
	/* §6.1: the marker must be all ones, else Connection Not Synchronized. */
	for (size_t i = 0; i < 16; i++)
		if (data[i] != 0xff) {
			msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_HEADER, ERR_HDR_NOT_SYNC,
			              NULL, 0, "marker is not all ones");
			return MSG_FRAME_ERROR;
		}
	mlen = (size_t)data[16] << 8 | data[17];
	t = data[18];
	if (max_len < MSG_MAX_LEN || max_len > MSG_MAX_LEN_EXT)
		max_len = MSG_MAX_LEN;
	/* §6.1: Bad Message Length carries the erroneous length field. */
	if (mlen < MSG_HEADER_LEN || mlen > max_len) {
		msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_HEADER, ERR_HDR_BAD_LENGTH, data + 16,
		              2, "length out of range");
		return MSG_FRAME_ERROR;
	}
	minlen = msg_min_len(t);
	if (minlen == 0) {
		msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_HEADER, ERR_HDR_BAD_TYPE, data + 18,
		              1, "unknown message type");
		return MSG_FRAME_ERROR;
	}
	/* RFC 8654 §3: OPEN and KEEPALIVE stay within 4096; KEEPALIVE is 19. */
	maxlen = max_len;
	if (t == MSG_OPEN)
		maxlen = MSG_MAX_LEN;
	else if (t == MSG_KEEPALIVE)
		maxlen = MSG_HEADER_LEN;
	if (mlen < minlen || mlen > maxlen) {
		msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_HEADER, ERR_HDR_BAD_LENGTH, data + 16,
		              2, "length wrong for the message type");
		return MSG_FRAME_ERROR;
	}
	*msg_len = mlen;
	*type = t;
	return len < mlen ? MSG_FRAME_NEED_MORE : MSG_FRAME_OK;
}

/* ---- KEEPALIVE (RFC 4271 §4.4): the header alone ---- */

bool
msg_keepalive_encode(struct wbuf *w)
{
	return msg_end(w, msg_begin(w, MSG_KEEPALIVE));
}

/* ---- NOTIFICATION (RFC 4271 §4.5) ---- */

bool
msg_notification_encode(struct wbuf *w, uint8_t code, uint8_t subcode, const void *data,
                        size_t data_len)
{
	size_t start = msg_begin(w, MSG_NOTIFICATION);

	wbuf_u8(w, code);
	wbuf_u8(w, subcode);
	/* Cap the data so the message stays within 4096 (RFC 4271 §4.1). */
	if (data_len > MSG_MAX_LEN - MSG_HEADER_LEN - 2)
		data_len = MSG_MAX_LEN - MSG_HEADER_LEN - 2;
	if (data_len > 0)
		wbuf_bytes(w, data, data_len);
	return msg_end(w, start);
}

bool
msg_notification_encode_err(struct wbuf *w, const struct msg_error *err)
{
	return msg_notification_encode(w, err->code, err->subcode, err->data, err->data_len);
}

/* Length of text cut to at most max bytes without splitting a UTF-8 char. */
static size_t
utf8_cut(const char *text, size_t max)
{
	size_t n = strlen(text);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * RFC 9003 §2, Cease subcode 2 or 4:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Error code 6  |    Subcode    |    Length     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Shutdown Communication (UTF-8) ...      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
size_t
msg_shutdown_data(uint8_t data[MSG_SHUTDOWN_DATA_MAX], const char *text)
{
	size_t n = text ? utf8_cut(text, MSG_SHUTDOWN_MAX) : 0;

	data[0] = (uint8_t)n;
	if (n > 0)
		memcpy(data + 1, text, n);
	return 1 + n;
}

bool
msg_shutdown_encode(struct wbuf *w, uint8_t subcode, const char *text)
{
	uint8_t data[MSG_SHUTDOWN_DATA_MAX];
	size_t len = msg_shutdown_data(data, text);

	return msg_notification_encode(w, ERR_CEASE, subcode, data, len);
}

/*
 * RFC 4486 §4, Cease subcode 1:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              AFI              |     SAFI      | Upper bound   :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :        ... of prefixes (4 octets)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
size_t
msg_max_prefix_data(uint8_t data[MSG_MAX_PREFIX_DATA_LEN], uint16_t afi, uint8_t safi,
                    uint32_t limit)
{
	data[0] = (uint8_t)(afi >> 8);
	data[1] = (uint8_t)afi;
	data[2] = safi;
	data[3] = (uint8_t)(limit >> 24);
	data[4] = (uint8_t)(limit >> 16);
	data[5] = (uint8_t)(limit >> 8);
	data[6] = (uint8_t)limit;
	return MSG_MAX_PREFIX_DATA_LEN;
}

bool
msg_max_prefix_encode(struct wbuf *w, uint16_t afi, uint8_t safi, uint32_t limit)
{
	uint8_t data[MSG_MAX_PREFIX_DATA_LEN];
	size_t len = msg_max_prefix_data(data, afi, safi, limit);

	return msg_notification_encode(w, ERR_CEASE, ERR_CEASE_MAX_PREFIX, data, len);
}

/* Length of a valid UTF-8 sequence starting at s (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const uint8_t *s, size_t n)
{
	size_t len;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Copy a validated UTF-8 message into out, escaping control characters as
 * \xNN so a log line or a terminal cannot be steered by the peer.
 */
static bool
shutdown_copy(const uint8_t *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(s + i, n - i);

		if (l == 0)
			return false;
		if (l == 1 && (s[i] < 0x20 || s[i] == 0x7f)) {
			o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
		} else {
			memcpy(out + o, s + i, l);
			o += l;
		}
		i += l;
	}
	out[o] = '\0';
	return true;
}

bool
msg_notification_decode(const uint8_t *body, size_t len, struct msg_notification *n)
{
	memset(n, 0, sizeof(*n));
	if (len < 2)
		return false;
	n->code = body[0];
	n->subcode = body[1];
	n->data = body + 2;
	n->data_len = len - 2;
	if (n->code != ERR_CEASE)
		return true;
	if ((n->subcode == ERR_CEASE_ADMIN_SHUTDOWN || n->subcode == ERR_CEASE_ADMIN_RESET) &&
	    n->data_len >= 1 && (size_t)n->data[0] + 1 <= n->data_len) {
		/* RFC 9003 §2: anything malformed is just not a message. */
		n->has_shutdown = shutdown_copy(n->data + 1, n->data[0], n->shutdown);
		if (!n->has_shutdown)
			n->shutdown[0] = '\0';
	} else if (n->subcode == ERR_CEASE_MAX_PREFIX && n->data_len >= 7) {
		/* RFC 4486 §4: AFI, SAFI, upper bound. */
		n->has_max_prefix = true;
		n->mp_afi = (uint16_t)(n->data[0] << 8 | n->data[1]);
		n->mp_safi = n->data[2];
		n->mp_limit = (uint32_t)n->data[3] << 24 | (uint32_t)n->data[4] << 16 |
		              (uint32_t)n->data[5] << 8 | n->data[6];
	}
	return true;
}

/* ---- ROUTE-REFRESH (RFC 2918 §3, RFC 7313 §3) ---- */

bool
msg_route_refresh_encode(struct wbuf *w, const struct msg_route_refresh *rr)
{
	size_t start = msg_begin(w, MSG_ROUTE_REFRESH);

	wbuf_u16(w, rr->afi);
	wbuf_u8(w, rr->subtype);
	wbuf_u8(w, rr->safi);
	return msg_end(w, start);
}

bool
msg_route_refresh_decode(const uint8_t *body, size_t len, struct msg_route_refresh *rr,
                         struct msg_error *err)
{
	if (len != 4) {
		/*
		 * RFC 7313 §5: Invalid Message Length, the data being the
		 * complete message; we only hold the body here, so rebuild
		 * the header in front of it (capped like all error data).
		 */
		uint8_t data[MSG_ERR_DATA_MAX];
		size_t total = MSG_HEADER_LEN + len, n;

		memset(data, 0xff, 16);
		data[16] = (uint8_t)(total >> 8);
		data[17] = (uint8_t)total;
		data[18] = MSG_ROUTE_REFRESH;
		n = MIN(len, sizeof(data) - MSG_HEADER_LEN);
		if (n > 0)
			memcpy(data + MSG_HEADER_LEN, body, n);
		msg_error_set(err, MSG_ACT_SESSION_RESET, ERR_ROUTE_REFRESH, ERR_RR_INVALID_LENGTH,
		              data, MSG_HEADER_LEN + n, "ROUTE-REFRESH body is not 4 octets");
		return false;
	}
	rr->afi = (uint16_t)(body[0] << 8 | body[1]);
	rr->subtype = body[2];
	rr->safi = body[3];
	return true;
}
