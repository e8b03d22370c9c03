/*
 * ctl_proto: the control socket's wire format (cebgpd <-> cebgpctl).
 *
 * A UNIX stream socket carries frames: a 4-byte length in network byte
 * order, then that many bytes of UTF-8 JSON text (no NUL). One request
 * frame, one response frame, in order; a client may send several requests
 * on one connection.
 *
 *   +--------+--------+--------+--------+------------------------------+
 *   |        length (bytes of JSON)     | JSON text ...                |
 *   +--------+--------+--------+--------+------------------------------+
 *
 * Request:   {"command": "show bgp summary"}
 *   `command` is a command line; the daemon parses it with ctl_cmd (the
 *   same table the client used), so abbreviations work on either side.
 * Response:  {"status": "ok", "command": "show_bgp_summary", "data": {...}}
 *        or  {"status": "error", "error": "message", "errors": ["...", ...]}
 *   `command` is the row's snake_case name (struct ctl_cmd.name); `errors`
 *   is present when there are several (a rejected reload's config errors).
 *
 * JSON key style: snake_case everywhere (OpenBGPD's), e.g. "peer_asn",
 * "prefixes_received", "hold_time". Addresses and prefixes are strings in
 * their canonical text form; times are seconds as integers ("uptime_secs")
 * or RFC 3339 UTC strings ("last_change"); counters are integers.
 *
 * Limits: a request is at most CTL_MAX_REQUEST bytes of JSON, a response
 * at most CTL_MAX_RESPONSE; a larger length field is a protocol error and
 * the connection is closed (the decoder never allocates more than the limit).
 *
 * Pure: no sockets; the decoder takes bytes as they come from non-blocking
 * reads, in any split.
 */
#ifndef CEBGP_CTL_PROTO_H
#define CEBGP_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CTL_FRAME_HDR    4
#define CTL_MAX_REQUEST  4096
#define CTL_MAX_RESPONSE (16u * 1024 * 1024)

/* Default socket paths (config.h has the same defaults for the daemon). */
#define CTL_DEFAULT_SOCKET    "/run/cebgp/cebgpd.sock"
#define CTL_DEFAULT_RO_SOCKET "/run/cebgp/cebgpd.ro.sock"

enum ctl_dec_status {
	CTL_DEC_MORE,   /* need more bytes */
	CTL_DEC_FRAME,  /* a whole frame: ctl_dec_take() it */
	CTL_DEC_TOOBIG, /* length above the limit: close the connection */
	CTL_DEC_EMPTY,  /* zero-length frame: protocol error */
	CTL_DEC_NOMEM,
};

/* Incremental frame decoder for one direction of one connection. */
struct ctl_dec {
	size_t max;
	uint8_t hdr[CTL_FRAME_HDR];
	size_t hdrlen;
	char *body; /* len + 1 bytes, NUL-terminated for the JSON parser */
	size_t len, got;
	enum ctl_dec_status status;
};

void ctl_dec_init(struct ctl_dec *d, size_t max);
void ctl_dec_free(struct ctl_dec *d);
/*
 * Feed up to `len` bytes; *used gets how many were consumed (the rest
 * belongs to the next frame: feed it after taking this one). Returns the
 * status; after CTL_DEC_TOOBIG / CTL_DEC_EMPTY it stays there.
 */
enum ctl_dec_status ctl_dec_feed(struct ctl_dec *d, const void *data, size_t len, size_t *used);
/* After CTL_DEC_FRAME: the body (caller frees), its length; resets. */
char *ctl_dec_take(struct ctl_dec *d, size_t *len);

/* Write the 4-byte header for a body of `len` bytes; false above `max`. */
bool ctl_frame_hdr(uint8_t hdr[CTL_FRAME_HDR], size_t len, size_t max);

/*
 * One frame (header and compact JSON of `j`) in a malloc'd buffer, or NULL
 * if it would exceed `max` or memory runs out. *len gets its size.
 */
uint8_t *ctl_frame_json(const json_t *j, size_t max, size_t *len);

/* Requests and responses. */
json_t *ctl_request_new(const char *line);
/* The command line of a request; NULL (with why) if it is not one. */
const char *ctl_request_line(const json_t *req, const char **why);
/* {"status": "ok", "command": name, "data": data} (steals data). */
json_t *ctl_response_ok(const char *name, json_t *data);
/* {"status": "error", "error": msg}; errors (stolen, may be NULL) added. */
json_t *ctl_response_error(const char *msg, json_t *errors);
/* Checks the response's shape; NULL (with why) if it is not a response. */
bool ctl_response_check(const json_t *resp, const char **why);

#endif
