/*
 * libFuzzer harness: the control protocol as cebgpd's server sees a client
 * (lib/ctl_proto.h, lib/ctl_cmd.h): bytes in any split through the frame
 * decoder, each frame's JSON as a request, its command line through the
 * parser, `?` help and TAB completion, and the response shape check.
 *
 * Input: byte 0 the read size (1..256: the split of the stream into
 * reads), then the byte stream a client sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmd.h"
#include "ctl_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                        \
		}                                                                       \
	} while (0)

static void
command_line(const char *line)
{
	static struct ctl_parsed parsed;
	struct ctl_error err;
	struct ctl_item items[CTL_MAX_ITEMS];
	const char *cands[CTL_MAX_ITEMS];
	char buf[4096];
	size_t start = 0;
	int n;

	memset(&err, 0, sizeof(err));
	if (ctl_parse(line, &parsed, &err)) {
		CHECK(parsed.cmd != NULL);
		CHECK(ctl_cmd_by_name(parsed.cmd->name) == parsed.cmd);
		CHECK(strlen(parsed.canon) <= CTL_MAX_LINE);
	} else {
		CHECK(err.msg[0] != '\0');
		ctl_error_fmt(line, &err, 8, buf, sizeof(buf));
	}
	n = ctl_help(line, items, CTL_MAX_ITEMS, &err);
	CHECK(n >= -1 && n <= CTL_MAX_ITEMS);
	n = ctl_complete(line, cands, CTL_MAX_ITEMS, &start);
	CHECK(n >= 0 && n <= CTL_MAX_ITEMS);
	CHECK(start <= strlen(line));
	(void)ctl_common_prefix(cands, (size_t)n);
}

static void
frame(const char *body, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(body, len, 0, &jerr);
	const char *why = NULL, *line;
	uint8_t *out;
	size_t olen;

	if (j == NULL)
		return;
	line = ctl_request_line(j, &why);
	if (line != NULL)
		command_line(line);
	else
		CHECK(why != NULL);
	(void)ctl_response_check(j, &why);
	/* what the server echoes back must frame */
	out = ctl_frame_json(j, CTL_MAX_RESPONSE, &olen);
	if (out != NULL) {
		CHECK(olen > CTL_FRAME_HDR);
		CHECK(((size_t)out[0] << 24 | (size_t)out[1] << 16 | (size_t)out[2] << 8 |
		       out[3]) == olen - CTL_FRAME_HDR);
		free(out);
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_dec d;
	size_t step, off = 1;
	char *line;

	if (size < 1)
		return 0;
	step = (size_t)data[0] + 1;
	ctl_dec_init(&d, CTL_MAX_REQUEST);
	while (off < size) {
		size_t chunk = size - off < step ? size - off : step, used = 0;
		enum ctl_dec_status st = ctl_dec_feed(&d, data + off, chunk, &used);

		CHECK(used <= chunk);
		off += used;
		if (st == CTL_DEC_FRAME) {
			size_t len = 0;
			char *body = ctl_dec_take(&d, &len);

			CHECK(body != NULL && len > 0 && len <= CTL_MAX_REQUEST);
			CHECK(body[len] == '\0');
			frame(body, len);
			free(body);
		} else if (st != CTL_DEC_MORE) {
			break; /* the server closes the connection */
		} else {
			CHECK(used == chunk);
		}
	}
	ctl_dec_free(&d);

	/* The same bytes as one typed command line (the shell's path). */
	line = malloc(size);
	CHECK(line != NULL);
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	if (strlen(line) <= CTL_MAX_LINE)
		command_line(line);
	free(line);
	return 0;
}
