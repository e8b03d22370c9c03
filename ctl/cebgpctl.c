/*
 * cebgpctl: the control shell of cebgpd.
 *
 *   cebgpctl [-j] [-s socket] COMMAND...   one command, then exit
 *   cebgpctl [-s socket]                   interactive shell
 *
 * The command grammar is lib/ctl_cmd's table, the same the daemon parses
 * with: the shell checks a line before sending it (so an error points at
 * the wrong word at once), the daemon checks it again. The daemon answers
 * JSON; -j prints it (with the provider's community names added beside
 * the raw values), otherwise ctl_render.c turns it into tables.
 *
 * Exit status: 0 ok, 1 the daemon answered an error, 2 usage or a command
 * that does not parse, 3 no daemon (cannot connect, or the connection broke).
 */
#include <errno.h>
#include <getopt.h>
#include <histedit.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "ctl_render.h"

#define CTL_CLIENT_TIMEOUT_MS 30000
#define HISTORY_SIZE          500

enum { EXIT_DAEMON_ERROR = 1, EXIT_USAGE = 2, EXIT_NO_DAEMON = 3 };

struct shell {
	const char *socket;
	bool json;
	char prompt[HOST_NAME_MAX + 8];
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: cebgpctl [-j] [-s socket] [command ...]\n"
	             "\n"
	             "  -j, --json          print the daemon's JSON answer\n"
	             "  -s, --socket PATH   control socket (default " CTL_DEFAULT_SOCKET ")\n"
	             "  -V, --version       print the version\n"
	             "\n"
	             "Without a command, an interactive shell: ? lists what may come next,\n"
	             "TAB completes, unique abbreviations work (sh bgp sum).\n"
	             "\n"
	             "Commands:\n");
	for (int i = 0; i < CTL_CMD_COUNT; i++) {
		const struct ctl_cmd *c = ctl_cmd_get((enum ctl_cmd_id)i);

		fprintf(out, "  %s\n      %s\n", c->syntax, c->help);
	}
}

/* ---- talking to the daemon ---- */

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "cebgpctl: %s: path too long\n", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "cebgpctl: cannot connect to %s: %s (is cebgpd running?)\n", path,
		        strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static bool
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* One response frame, within the timeout; NULL with a message on failure. */
static json_t *
read_response(int fd)
{
	struct ctl_dec dec;
	uint8_t buf[65536];
	json_t *resp = NULL;

	ctl_dec_init(&dec, CTL_MAX_RESPONSE);
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, CTL_CLIENT_TIMEOUT_MS);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "cebgpctl: no answer from cebgpd within %d s\n",
			        CTL_CLIENT_TIMEOUT_MS / 1000);
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "cebgpctl: cebgpd closed the connection\n");
			break;
		}
		size_t off = 0;

		while (off < (size_t)n) {
			size_t used;
			enum ctl_dec_status st =
			        ctl_dec_feed(&dec, buf + off, (size_t)n - off, &used);

			off += used;
			if (st == CTL_DEC_MORE)
				continue;
			if (st == CTL_DEC_FRAME) {
				size_t blen;
				char *body = ctl_dec_take(&dec, &blen);
				json_error_t jerr;

				resp = json_loadb(body, blen, 0, &jerr);
				if (!resp)
					fprintf(stderr, "cebgpctl: bad JSON from cebgpd: %s\n",
					        jerr.text);
				free(body);
			} else {
				fprintf(stderr, "cebgpctl: bad frame from cebgpd\n");
			}
			ctl_dec_free(&dec);
			return resp;
		}
	}
	ctl_dec_free(&dec);
	return NULL;
}

/* Send one command line; print the answer. Returns the exit status. */
static int
run_command(const struct shell *sh, const char *line)
{
	json_t *req = ctl_request_new(line), *resp;
	size_t len;
	uint8_t *f = req ? ctl_frame_json(req, CTL_MAX_REQUEST, &len) : NULL;
	int fd, rc;

	json_decref(req);
	if (!f) {
		fprintf(stderr, "cebgpctl: command too long\n");
		return EXIT_USAGE;
	}
	fd = ctl_connect(sh->socket);
	if (fd < 0) {
		free(f);
		return EXIT_NO_DAEMON;
	}
	if (!write_all(fd, f, len)) {
		fprintf(stderr, "cebgpctl: write to %s: %s\n", sh->socket, strerror(errno));
		free(f);
		close(fd);
		return EXIT_NO_DAEMON;
	}
	free(f);
	resp = read_response(fd);
	close(fd);
	if (!resp)
		return EXIT_NO_DAEMON;
	if (sh->json) {
		const char *why;

		ctl_render_annotate(resp);
		json_dumpf(resp, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		rc = !ctl_response_check(resp, &why) ? EXIT_NO_DAEMON
		     : strcmp(json_string_value(json_object_get(resp, "status")), "ok") == 0
		             ? 0
		             : EXIT_DAEMON_ERROR;
	} else {
		rc = ctl_render(stdout, resp);
		rc = rc == 0 ? 0 : rc == 1 ? EXIT_DAEMON_ERROR : EXIT_NO_DAEMON;
	}
	fflush(stdout);
	json_decref(resp);
	return rc;
}

/* Check locally (caret errors at once), then send the canonical line. */
static int
run_line(const struct shell *sh, const char *line, size_t indent)
{
	struct ctl_parsed *p = malloc(sizeof(*p));
	struct ctl_error err;
	char buf[2 * CTL_MAX_LINE + 512];
	int rc;

	if (!p)
		return EXIT_USAGE;
	if (!ctl_parse(line, p, &err)) {
		ctl_error_fmt(line, &err, indent, buf, sizeof(buf));
		fputs(buf, indent ? stdout : stderr);
		free(p);
		return EXIT_USAGE;
	}
	rc = run_command(sh, p->canon);
	free(p);
	return rc;
}

/* ---- the interactive shell ---- */

static struct shell *
el_shell(EditLine *el)
{
	void *p = NULL;

	el_get(el, EL_CLIENTDATA, &p);
	return p;
}

static char *
prompt_fn(EditLine *el)
{
	return el_shell(el)->prompt;
}

/* The line up to the cursor, NUL-terminated. */
static void
line_to_cursor(EditLine *el, char *buf, size_t size)
{
	const LineInfo *li = el_line(el);
	size_t n = (size_t)(li->cursor - li->buffer);

	if (n >= size)
		n = size - 1;
	memcpy(buf, li->buffer, n);
	buf[n] = '\0';
}

static unsigned char
help_fn(EditLine *el, int ch)
{
	struct ctl_item items[CTL_MAX_ITEMS];
	struct ctl_error err;
	char line[CTL_MAX_LINE + 1], out[2 * CTL_MAX_LINE + 512];
	int n;

	(void)ch;
	line_to_cursor(el, line, sizeof(line));
	n = ctl_help(line, items, CTL_MAX_ITEMS, &err);
	fputc('\n', stdout);
	if (n < 0) {
		ctl_error_fmt(line, &err, 0, out, sizeof(out));
		fputs(out, stdout);
	} else if (n == 0) {
		fputs("% nothing may follow\n", stdout);
	}
	for (int i = 0; i < n; i++)
		printf("  %-12s %s\n", items[i].word, items[i].help);
	fflush(stdout);
	return CC_REDISPLAY;
}

static unsigned char
complete_fn(EditLine *el, int ch)
{
	const char *cands[CTL_MAX_ITEMS];
	char line[CTL_MAX_LINE + 1];
	size_t start, plen, common;
	int n;

	(void)ch;
	line_to_cursor(el, line, sizeof(line));
	n = ctl_complete(line, cands, CTL_MAX_ITEMS, &start);
	if (n <= 0)
		return CC_ERROR;
	plen = strlen(line) - start;
	if (n == 1) {
		char ins[CTL_MAX_LINE + 2];

		snprintf(ins, sizeof(ins), "%s ", cands[0] + plen);
		el_insertstr(el, ins);
		return CC_REFRESH;
	}
	common = ctl_common_prefix(cands, (size_t)n);
	if (common > plen) {
		char ins[CTL_MAX_LINE + 1];

		snprintf(ins, sizeof(ins), "%.*s", (int)(common - plen), cands[0] + plen);
		el_insertstr(el, ins);
		return CC_REFRESH;
	}
	fputc('\n', stdout);
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? "  " : "", cands[i]);
	fputc('\n', stdout);
	fflush(stdout);
	return CC_REDISPLAY;
}

static void
history_path(char *buf, size_t size)
{
	const char *home = getenv("HOME");

	buf[0] = '\0';
	if (home && *home)
		snprintf(buf, size, "%s/.cebgpctl_history", home);
}

static void
list_commands(void)
{
	for (int i = 0; i < CTL_CMD_COUNT; i++) {
		const struct ctl_cmd *c = ctl_cmd_get((enum ctl_cmd_id)i);

		printf("  %-62s %s\n", c->syntax, c->help);
	}
	printf("  %-62s %s\n", "exit", "Leave the shell");
}

static int
interactive(struct shell *sh)
{
	EditLine *el = el_init("cebgpctl", stdin, stdout, stderr);
	History *hist = history_init();
	HistEvent ev;
	char hpath[PATH_MAX], host[HOST_NAME_MAX + 1] = "cebgp";
	const char *line;
	int count;

	if (!el || !hist) {
		fprintf(stderr, "cebgpctl: cannot start the line editor\n");
		return EXIT_USAGE;
	}
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(sh->prompt, sizeof(sh->prompt), "%s> ", host);
	history(hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(hist, &ev, H_SETUNIQUE, 1);
	history_path(hpath, sizeof(hpath));
	if (hpath[0])
		history(hist, &ev, H_LOAD, hpath);
	el_set(el, EL_CLIENTDATA, sh);
	el_set(el, EL_PROMPT, prompt_fn);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_ADDFN, "cebgp-complete", "Complete the word", complete_fn);
	el_set(el, EL_BIND, "^I", "cebgp-complete", NULL);
	el_set(el, EL_ADDFN, "cebgp-help", "List what may come next", help_fn);
	el_set(el, EL_BIND, "?", "cebgp-help", NULL);
	el_source(el, NULL); /* ~/.editrc, as every libedit program */

	while ((line = el_gets(el, &count)) != NULL && count > 0) {
		char buf[CTL_MAX_LINE + 2];
		size_t len;

		snprintf(buf, sizeof(buf), "%s", line);
		len = strlen(buf);
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			buf[--len] = '\0';
		const char *w = buf + strspn(buf, " \t");

		if (*w == '\0')
			continue;
		if (strcmp(w, "exit") == 0 || strcmp(w, "quit") == 0)
			break;
		history(hist, &ev, H_ENTER, buf);
		if (strcmp(w, "help") == 0) {
			list_commands();
			continue;
		}
		run_line(sh, buf, strlen(sh->prompt));
	}
	if (hpath[0])
		history(hist, &ev, H_SAVE, hpath);
	history_end(hist);
	el_end(el);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, 'j'},
	        {"socket", required_argument, NULL, 's'},
	        {"version", no_argument, NULL, 'V'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct shell sh = {.socket = CTL_DEFAULT_SOCKET};
	char line[CTL_MAX_LINE + 1];
	size_t used = 0;
	int c;

	/* "+": options only before the command (a shutdown TEXT may hold "-x"). */
	while ((c = getopt_long(argc, argv, "+js:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			sh.json = true;
			break;
		case 's':
			sh.socket = optarg;
			break;
		case 'V':
			printf("cebgpctl %s\n", CEBGPD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return interactive(&sh);
	line[0] = '\0';
	for (int i = optind; i < argc; i++) {
		int n = snprintf(line + used, sizeof(line) - used, "%s%s", i > optind ? " " : "",
		                 argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - used) {
			fprintf(stderr, "cebgpctl: command too long\n");
			return EXIT_USAGE;
		}
		used += (size_t)n;
	}
	return run_line(&sh, line, 0);
}
