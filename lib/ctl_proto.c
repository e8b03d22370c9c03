/*
 * ctl_proto: control socket framing and message shapes (ctl_proto.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctl_proto.h"

void
ctl_dec_init(struct ctl_dec *d, size_t max)
{
	memset(d, 0, sizeof(*d));
	d->max = max;
	d->status = CTL_DEC_MORE;
}

void
ctl_dec_free(struct ctl_dec *d)
{
	free(d->body);
	d->body = NULL;
}

enum ctl_dec_status
ctl_dec_feed(struct ctl_dec *d, const void *data, size_t len, size_t *used)
{
	const uint8_t *p = data;
	size_t take;

	*used = 0;
	if (d->status != CTL_DEC_MORE)
		return d->status;
	if (d->hdrlen < CTL_FRAME_HDR) {
		take = CTL_FRAME_HDR - d->hdrlen;
		take = take < len ? take : len;
		memcpy(d->hdr + d->hdrlen, p, take);
		d->hdrlen += take;
		*used += take;
		if (d->hdrlen < CTL_FRAME_HDR)
			return d->status;

		struct rbuf r;

		rbuf_init(&r, d->hdr, sizeof(d->hdr));
		d->len = rbuf_u32(&r);
		/* Refuse before allocating: the length is the peer's word. */
		if (d->len > d->max)
			return d->status = CTL_DEC_TOOBIG;
		if (d->len == 0)
			return d->status = CTL_DEC_EMPTY;
		d->body = malloc(d->len + 1);
		if (!d->body)
			return d->status = CTL_DEC_NOMEM;
		d->got = 0;
	}
	take = d->len - d->got;
	take = take < len - *used ? take : len - *used;
	memcpy(d->body + d->got, p + *used, take);
	d->got += take;
	*used += take;
	if (d->got == d->len) {
		d->body[d->len] = '\0';
		d->status = CTL_DEC_FRAME;
	}
	return d->status;
}

char *
ctl_dec_take(struct ctl_dec *d, size_t *len)
{
	char *body;

	if (d->status != CTL_DEC_FRAME)
		return NULL;
	body = d->body;
	*len = d->len;
	d->body = NULL;
	d->hdrlen = 0;
	d->len = d->got = 0;
	d->status = CTL_DEC_MORE;
	return body;
}

bool
ctl_frame_hdr(uint8_t hdr[CTL_FRAME_HDR], size_t len, size_t max)
{
	struct wbuf w;

	if (len == 0 || len > max || len > UINT32_MAX)
		return false;
	wbuf_init(&w, hdr, CTL_FRAME_HDR);
	wbuf_u32(&w, (uint32_t)len);
	return wbuf_ok(&w);
}

uint8_t *
ctl_frame_json(const json_t *j, size_t max, size_t *len)
{
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	uint8_t *out;

	if (n == 0 || n > max)
		return NULL;
	out = malloc(CTL_FRAME_HDR + n);
	if (!out)
		return NULL;
	if (json_dumpb(j, (char *)out + CTL_FRAME_HDR, n, JSON_COMPACT) != n ||
	    !ctl_frame_hdr(out, n, max)) {
		free(out);
		return NULL;
	}
	*len = CTL_FRAME_HDR + n;
	return out;
}

json_t *
ctl_request_new(const char *line)
{
	return json_pack("{s:s}", "command", line);
}

const char *
ctl_request_line(const json_t *req, const char **why)
{
	const json_t *c;

	if (!json_is_object(req)) {
		*why = "request is not a JSON object";
		return NULL;
	}
	c = json_object_get(req, "command");
	if (!json_is_string(c)) {
		*why = "request has no \"command\" string";
		return NULL;
	}
	return json_string_value(c);
}

json_t *
ctl_response_ok(const char *name, json_t *data)
{
	json_t *r = json_object();

	json_object_set_new(r, "status", json_string("ok"));
	json_object_set_new(r, "command", json_string(name));
	json_object_set_new(r, "data", data ? data : json_object());
	return r;
}

json_t *
ctl_response_error(const char *msg, json_t *errors)
{
	json_t *r = json_object();

	json_object_set_new(r, "status", json_string("error"));
	json_object_set_new(r, "error", json_string(msg));
	if (errors)
		json_object_set_new(r, "errors", errors);
	return r;
}

bool
ctl_response_check(const json_t *resp, const char **why)
{
	const char *st;

	if (!json_is_object(resp)) {
		*why = "response is not a JSON object";
		return false;
	}
	st = json_string_value(json_object_get(resp, "status"));
	if (!st) {
		*why = "response has no \"status\"";
		return false;
	}
	if (strcmp(st, "ok") == 0) {
		if (!json_is_string(json_object_get(resp, "command")) ||
		    !json_object_get(resp, "data")) {
			*why = "response lacks \"command\" or \"data\"";
			return false;
		}
		return true;
	}
	if (strcmp(st, "error") == 0) {
		if (!json_is_string(json_object_get(resp, "error"))) {
			*why = "error response lacks \"error\"";
			return false;
		}
		return true;
	}
	*why = "response \"status\" is neither ok nor error";
	return false;
}
