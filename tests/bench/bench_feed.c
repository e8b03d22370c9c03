/*
 * bench_feed: the provider side of the end-to-end bench. One real BGP
 * session over TCP (TCP-MD5 optional) to the router under test; on command
 * it pushes a synthetic table (feed_table.h: N distinct IPv4 prefixes of
 * mixed lengths, many per UPDATE, then End-of-RIB), withdraws all of it, or
 * brings the session down, and reports how long its own push took.
 *
 *   bench_feed --listen ADDR | --connect ADDR  [options] < commands
 *   bench_feed --print N [--random --seed S]   the prefixes, one a line
 *
 * Options:
 *   --listen ADDR       wait for the router on ADDR (our address)
 *   --connect ADDR      connect to the router at ADDR (retry every second)
 *   --peer ADDR         accept only this address (and key MD5 to it)
 *   --local ADDR        our address when connecting
 *   --port N            TCP port (179)
 *   --md5 KEY           TCP-MD5 (RFC 2385) key; needs --peer or --connect
 *   --as N              our AS (12076)   --peer-as N  expected AS (any)
 *   --router-id A       our BGP identifier (default: the local address)
 *   --next-hop A        NEXT_HOP of every route (default: the local address)
 *   --hold N            our hold time (90); keepalives every third of the
 *                       negotiated one, which keeps the session up for as
 *                       long as the bench needs
 *   --prefixes N        table size (1000000)
 *   --random            send the prefixes in a random order
 *   --seed S            of the order and the attribute sets (1)
 *   --paths N           distinct AS paths (20000)
 *   --timeout S         give up when no session is up after S s (60)
 *
 * Commands, one a line on stdin, each run once the previous one's bytes
 * are all written:
 *   announce   push the table and End-of-RIB
 *   withdraw   withdraw every prefix
 *   close      Cease / Administrative Shutdown, close, and exit 0
 *   quit       exit without a NOTIFICATION (end of input does the same)
 *
 * Output (stdout, one line an event, times are CLOCK_REALTIME seconds so a
 * script can compare them with `date +%s.%N`):
 *   listening ADDR PORT | connecting ADDR PORT
 *   established t=T peer_as=AS hold=H
 *   announce_start t=T prefixes=N updates=U bytes=B
 *   announce_written t=T seconds=S      the last byte taken by our kernel
 *   announce_acked t=T seconds=S rate=R the router's TCP acknowledged all
 *   (the same for withdraw)
 *   closed t=T
 * Errors (a NOTIFICATION received, the session lost, a hold timer expiry,
 * no session by the timeout) go to stderr, exit status 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "feed_table.h"
#include "msg.h"

enum state { S_IDLE, S_OPENSENT, S_OPENCONFIRM, S_ESTABLISHED, S_CLOSING };

struct opts {
	bool listen;
	struct in_addr addr, peer, local;
	bool has_peer, has_local;
	uint16_t port;
	const char *md5;
	uint32_t as, peer_as;
	uint32_t router_id;
	struct addr next;
	bool has_next;
	uint16_t hold;
	unsigned timeout;
	struct feed_table_opts table;
};

/* Bytes being sent: the bulk streams are sent in place, the small
 * messages (OPEN, KEEPALIVE, NOTIFICATION) from ctl. */
struct out {
	const uint8_t *p;
	size_t len, off;
	uint8_t ctl[2 * MSG_MAX_LEN];
	const char *what; /* "announce"/"withdraw" while a stream is out */
	double t0;        /* monotonic start of the stream */
	bool wait_ack;    /* written; waiting for the peer's ACKs */
};

struct feed {
	struct opts o;
	struct feed_table table;
	struct msg_ctx ctx;
	enum state st;
	int lfd, fd;
	struct out out;
	uint8_t in[2 * MSG_MAX_LEN_EXT];
	size_t in_len;
	double ka_interval, hold, last_rx, last_tx, deadline, next_connect;
	bool stdin_open;
	char cmd[256];
	size_t cmd_len;
};

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench_feed: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static struct in_addr
parse_in(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("not an IPv4 address: %s", s);
	return a;
}

static unsigned long
parse_num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v > max)
		die("bad number: %s", s);
	return v;
}

static void
set_md5(int fd, struct in_addr peer, const char *key)
{
	struct tcp_md5sig sig;
	struct sockaddr_in *sin = (struct sockaddr_in *)&sig.tcpm_addr;
	size_t len = strlen(key);

	if (len > TCP_MD5SIG_MAXKEYLEN)
		die("MD5 key longer than %d bytes", TCP_MD5SIG_MAXKEYLEN);
	memset(&sig, 0, sizeof(sig));
	sin->sin_family = AF_INET;
	sin->sin_addr = peer;
	sig.tcpm_keylen = (uint16_t)len;
	memcpy(sig.tcpm_key, key, len);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig)) < 0)
		die("TCP_MD5SIG: %s", strerror(errno));
}

static void
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl: %s", strerror(errno));
}

static struct sockaddr_in
sin_of(struct in_addr a, uint16_t port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_addr = a;
	s.sin_port = htons(port);
	return s;
}

static void
start_listen(struct feed *f)
{
	struct sockaddr_in s = sin_of(f->o.addr, f->o.port);
	int one = 1;

	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (f->lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (f->o.md5)
		set_md5(f->lfd, f->o.peer, f->o.md5);
	if (bind(f->lfd, (struct sockaddr *)&s, sizeof(s)) < 0 || listen(f->lfd, 4) < 0)
		die("bind/listen: %s", strerror(errno));
	nonblock(f->lfd);
	printf("listening %s %u\n", inet_ntoa(f->o.addr), f->o.port);
}

static void
try_connect(struct feed *f)
{
	struct sockaddr_in s = sin_of(f->o.addr, f->o.port);

	if (f->fd >= 0)
		close(f->fd);
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (f->fd < 0)
		die("socket: %s", strerror(errno));
	if (f->o.md5)
		set_md5(f->fd, f->o.addr, f->o.md5);
	if (f->o.has_local) {
		struct sockaddr_in l = sin_of(f->o.local, 0);

		if (bind(f->fd, (struct sockaddr *)&l, sizeof(l)) < 0)
			die("bind: %s", strerror(errno));
	}
	nonblock(f->fd);
	if (connect(f->fd, (struct sockaddr *)&s, sizeof(s)) < 0 && errno != EINPROGRESS) {
		close(f->fd);
		f->fd = -1;
	}
	f->next_connect = mono() + 1;
}

/* Queue one small message, after any small one not yet written (the
 * streams are only started when nothing is queued). */
static void
queue_ctl(struct feed *f, const struct wbuf *w)
{
	size_t left = f->out.p == f->out.ctl ? f->out.len - f->out.off : 0;

	if (!wbuf_ok(w) || left + wbuf_len(w) > sizeof(f->out.ctl))
		die("encoding a message failed");
	if (left > 0)
		memmove(f->out.ctl, f->out.ctl + f->out.off, left);
	memcpy(f->out.ctl + left, w->data, wbuf_len(w));
	f->out.p = f->out.ctl;
	f->out.len = left + wbuf_len(w);
	f->out.off = 0;
}

static bool
out_idle(const struct feed *f)
{
	return f->out.off == f->out.len && !f->out.wait_ack;
}

/* The local address of the session, once connected: router id and next
 * hop default to it. */
static void
adopt_local(struct feed *f)
{
	struct sockaddr_in s;
	socklen_t len = sizeof(s);

	if (getsockname(f->fd, (struct sockaddr *)&s, &len) < 0)
		die("getsockname: %s", strerror(errno));
	if (f->o.router_id == 0)
		f->o.router_id = ntohl(s.sin_addr.s_addr);
	if (!f->o.has_next) {
		f->o.table.next.afi = AFI_IP;
		memcpy(f->o.table.next.bytes, &s.sin_addr, 4);
	}
}

static void
send_open(struct feed *f)
{
	uint8_t m[MSG_MAX_LEN];
	struct msg_open o;
	struct wbuf w;

	adopt_local(f);
	msg_open_init(&o, f->o.as, f->o.hold, f->o.router_id);
	wbuf_init(&w, m, sizeof(m));
	msg_open_encode(&w, &o);
	queue_ctl(f, &w);
	f->st = S_OPENSENT;
	f->last_rx = mono();
	f->last_tx = f->last_rx;
}

static void
send_keepalive(struct feed *f)
{
	uint8_t m[MSG_HEADER_LEN];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	msg_keepalive_encode(&w);
	queue_ctl(f, &w);
}

/* The table is built for a 4-octet-AS session of 4096-byte messages. */
static void
on_open(struct feed *f, const uint8_t *body, size_t len)
{
	struct msg_open peer, ours;
	struct msg_error err;
	char why[256];
	uint16_t hold;

	if (f->st != S_OPENSENT)
		die("OPEN out of order");
	if (!msg_open_decode(body, len, &peer, &err))
		die("bad OPEN: %s", msg_error_fmt(&err, why, sizeof(why)));
	if (f->o.peer_as && msg_open_as(&peer) != f->o.peer_as)
		die("the peer's OPEN has another AS than --peer-as");
	if (!(peer.caps.have & MSG_CAP_AS4))
		die("the peer does not do 4-octet AS numbers");
	msg_open_init(&ours, f->o.as, f->o.hold, f->o.router_id);
	msg_ctx_init(&f->ctx, f->o.as, msg_open_as(&peer));
	msg_ctx_negotiate(&f->ctx, &ours, &peer);
	hold = peer.hold_time < f->o.hold ? peer.hold_time : f->o.hold;
	f->hold = hold;
	f->ka_interval = hold / 3.0;
	if (!feed_table_build(&f->table, &f->o.table, &f->ctx))
		exit(1);
	send_keepalive(f);
	f->st = S_OPENCONFIRM;
	printf("opened peer_as=%u hold=%u\n", msg_open_as(&peer), hold);
}

static void
on_notification(struct feed *f, const uint8_t *body, size_t len)
{
	struct msg_notification n;

	(void)f;
	if (!msg_notification_decode(body, len, &n))
		die("short NOTIFICATION received");
	fprintf(stderr, "bench_feed: NOTIFICATION received: %s / %s%s%s\n",
	        msg_err_code_name(n.code), msg_err_subcode_name(n.code, n.subcode),
	        n.has_shutdown ? ": " : "", n.has_shutdown ? n.shutdown : "");
	exit(1);
}

/* Cut the input into messages; UPDATEs from the router are not needed. */
static void
on_input(struct feed *f)
{
	size_t off = 0, mlen;
	uint8_t type;
	struct msg_error err;
	char why[256];

	for (;;) {
		enum msg_frame_result r =
		        msg_frame(f->in + off, f->in_len - off, f->ctx.max_len, &mlen, &type, &err);

		if (r == MSG_FRAME_NEED_MORE)
			break;
		if (r == MSG_FRAME_ERROR)
			die("bad message header: %s", msg_error_fmt(&err, why, sizeof(why)));
		if (type == MSG_OPEN) {
			on_open(f, f->in + off + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN);
		} else if (type == MSG_NOTIFICATION) {
			on_notification(f, f->in + off + MSG_HEADER_LEN, mlen - MSG_HEADER_LEN);
		} else if (type == MSG_KEEPALIVE && f->st == S_OPENCONFIRM) {
			f->st = S_ESTABLISHED;
			printf("established t=%.6f peer_as=%u hold=%.0f\n", wall(), f->ctx.peer_as,
			       f->hold);
		} else if (f->st < S_OPENCONFIRM) {
			die("%s before the OPEN exchange", msg_type_name(type));
		}
		off += mlen;
	}
	memmove(f->in, f->in + off, f->in_len - off);
	f->in_len -= off;
}

static void
do_read(struct feed *f)
{
	ssize_t n = read(f->fd, f->in + f->in_len, sizeof(f->in) - f->in_len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		die("the session was closed by the peer (%s)", n == 0 ? "EOF" : strerror(errno));
	f->in_len += (size_t)n;
	f->last_rx = mono();
	on_input(f);
}

/* Unacknowledged plus unsent bytes in our socket. */
static int
outq(int fd)
{
	int q = 0;

	if (ioctl(fd, SIOCOUTQ, &q) < 0)
		return 0;
	return q;
}

static void
report(struct feed *f, const char *event)
{
	double s = mono() - f->out.t0;

	printf("%s_%s t=%.6f seconds=%.3f rate=%.0f\n", f->out.what, event, wall(), s,
	       (double)f->table.n / (s > 0 ? s : 1e-9));
}

static void
do_write(struct feed *f)
{
	while (f->out.off < f->out.len) {
		ssize_t n = write(f->fd, f->out.p + f->out.off, f->out.len - f->out.off);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0)
			die("write: %s", strerror(errno));
		f->out.off += (size_t)n;
		f->last_tx = mono();
	}
	if (f->out.what && !f->out.wait_ack) {
		report(f, "written");
		f->out.wait_ack = true;
	}
}

static void
check_acked(struct feed *f)
{
	if (f->out.wait_ack && outq(f->fd) == 0) {
		report(f, "acked");
		f->out.wait_ack = false;
		f->out.what = NULL;
	}
}

static void
start_stream(struct feed *f, const char *what, const struct feed_stream *s)
{
	f->out.p = s->data;
	f->out.len = s->len;
	f->out.off = 0;
	f->out.what = what;
	printf("%s_start t=%.6f prefixes=%zu updates=%zu bytes=%zu\n", what, wall(), f->table.n,
	       s->updates, s->len);
	fflush(stdout);
	f->out.t0 = mono();
	do_write(f);
}

static void
do_close(struct feed *f)
{
	uint8_t m[MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	msg_shutdown_encode(&w, ERR_CEASE_ADMIN_SHUTDOWN, "bench_feed: peer down");
	queue_ctl(f, &w);
	f->st = S_CLOSING;
	if (f->lfd >= 0)
		close(f->lfd); /* the router's reconnects are refused from now on */
	f->lfd = -1;
}

static void
run_command(struct feed *f, const char *cmd)
{
	if (strcmp(cmd, "announce") == 0)
		start_stream(f, "announce", &f->table.announce);
	else if (strcmp(cmd, "withdraw") == 0)
		start_stream(f, "withdraw", &f->table.withdraw);
	else if (strcmp(cmd, "close") == 0)
		do_close(f);
	else if (strcmp(cmd, "quit") == 0)
		exit(0);
	else if (cmd[0] != '\0')
		die("unknown command: %s", cmd);
}

/* Read stdin one byte at a time (poll said it would not block): one
 * command is run before the next is looked at, the rest stays in the pipe. */
static void
do_stdin(struct feed *f)
{
	char c;
	ssize_t n = read(0, &c, 1);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		f->stdin_open = false;
		if (f->cmd_len == 0)
			exit(0);
		c = '\n';
	}
	if (c != '\n') {
		if (f->cmd_len + 1 < sizeof(f->cmd))
			f->cmd[f->cmd_len++] = c;
		return;
	}
	f->cmd[f->cmd_len] = '\0';
	f->cmd_len = 0;
	run_command(f, f->cmd);
	if (!f->stdin_open && out_idle(f))
		exit(0);
}

static void
do_accept(struct feed *f)
{
	struct sockaddr_in s;
	socklen_t len = sizeof(s);
	int fd = accept(f->lfd, (struct sockaddr *)&s, &len);

	if (fd < 0)
		return;
	if (f->fd >= 0 || (f->o.has_peer && s.sin_addr.s_addr != f->o.peer.s_addr)) {
		close(fd); /* one session at a time, with the configured peer */
		return;
	}
	f->fd = fd;
	nonblock(fd);
	send_open(f);
	do_write(f);
}

/* Timers: keepalives, the peer's hold time, the setup deadline. */
static void
timers(struct feed *f, double now)
{
	if (f->st < S_OPENSENT) {
		if (now > f->deadline)
			die("no session within %u s", f->o.timeout);
		if (!f->o.listen && now >= f->next_connect)
			try_connect(f);
		return;
	}
	if (f->st == S_OPENSENT && now - f->last_rx > 240)
		die("no OPEN from the peer in 240 s");
	if (f->hold > 0 && f->st >= S_OPENCONFIRM && now - f->last_rx > f->hold)
		die("hold timer expired");
	if (f->hold > 0 && f->st == S_ESTABLISHED && out_idle(f) &&
	    now - f->last_tx >= f->ka_interval) {
		send_keepalive(f);
		do_write(f);
	}
}

static void
loop(struct feed *f)
{
	for (;;) {
		struct pollfd p[3];
		int np = 0, ifd = -1, ilisten = -1, iin = -1;
		bool busy = !out_idle(f);
		int timeout = f->out.wait_ack ? 1 : 200;

		if (f->fd >= 0) {
			ifd = np;
			p[np++] = (struct pollfd){
			        f->fd, (short)(POLLIN | (busy || f->st == S_IDLE ? POLLOUT : 0)),
			        0};
		}
		if (f->lfd >= 0 && f->fd < 0) {
			ilisten = np;
			p[np++] = (struct pollfd){f->lfd, POLLIN, 0};
		}
		if (f->stdin_open && f->st == S_ESTABLISHED && !busy) {
			iin = np;
			p[np++] = (struct pollfd){0, POLLIN, 0};
		}
		if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (ifd >= 0 && f->st == S_IDLE && (p[ifd].revents & (POLLOUT | POLLERR))) {
			int e = 0;
			socklen_t el = sizeof(e);

			getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e == 0)
				send_open(f);
			else
				close(f->fd), f->fd = -1;
		} else if (ifd >= 0 && p[ifd].revents) {
			if (p[ifd].revents & (POLLIN | POLLHUP | POLLERR))
				do_read(f);
			if (p[ifd].revents & POLLOUT)
				do_write(f);
		}
		if (ilisten >= 0 && (p[ilisten].revents & POLLIN))
			do_accept(f);
		if (f->fd >= 0 && f->st != S_IDLE)
			check_acked(f);
		if (f->st == S_CLOSING && out_idle(f)) {
			shutdown(f->fd, SHUT_WR);
			close(f->fd);
			printf("closed t=%.6f\n", wall());
			exit(0);
		}
		if (iin >= 0 && (p[iin].revents & (POLLIN | POLLHUP)))
			do_stdin(f);
		else if (!f->stdin_open && !busy && f->st == S_ESTABLISHED)
			exit(0);
		timers(f, mono());
		fflush(stdout);
	}
}

static void
print_prefixes(const struct feed_table_opts *t)
{
	struct feed_table table;
	char buf[PREFIX_STRLEN];

	if (!feed_table_build(&table, t, NULL))
		exit(1);
	for (size_t i = 0; i < table.n; i++)
		printf("%s\n", prefix_fmt(&table.pfx[i], buf, sizeof(buf)));
	feed_table_free(&table);
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_feed --listen ADDR | --connect ADDR [--peer ADDR] "
	                "[--local ADDR] [--port N] [--md5 KEY] [--as N] [--peer-as N]\n"
	                "       [--router-id A] [--next-hop A] [--hold N] [--prefixes N] "
	                "[--random] [--seed S] [--paths N] [--timeout S]\n"
	                "       bench_feed --print N [--random] [--seed S]\n");
	exit(2);
}

static void
parse_opts(struct opts *o, int argc, char **argv, size_t *print)
{
	static const struct option longopts[] = {
	        {"listen", 1, 0, 'l'},   {"connect", 1, 0, 'c'}, {"peer", 1, 0, 'P'},
	        {"local", 1, 0, 'L'},    {"port", 1, 0, 'p'},    {"md5", 1, 0, 'k'},
	        {"as", 1, 0, 'a'},       {"peer-as", 1, 0, 'A'}, {"router-id", 1, 0, 'i'},
	        {"next-hop", 1, 0, 'N'}, {"hold", 1, 0, 'h'},    {"prefixes", 1, 0, 'n'},
	        {"random", 0, 0, 'r'},   {"seed", 1, 0, 's'},    {"paths", 1, 0, 'x'},
	        {"timeout", 1, 0, 't'},  {"print", 1, 0, 'O'},   {0, 0, 0, 0}};
	bool mode = false;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
		case 'c':
			o->listen = c == 'l', o->addr = parse_in(optarg), mode = true;
			break;
		case 'P':
			o->peer = parse_in(optarg), o->has_peer = true;
			break;
		case 'L':
			o->local = parse_in(optarg), o->has_local = true;
			break;
		case 'p':
			o->port = (uint16_t)parse_num(optarg, 65535);
			break;
		case 'k':
			o->md5 = optarg;
			break;
		case 'a':
			o->as = o->table.as = (uint32_t)parse_num(optarg, UINT32_MAX);
			break;
		case 'A':
			o->peer_as = (uint32_t)parse_num(optarg, UINT32_MAX);
			break;
		case 'i':
			o->router_id = ntohl(parse_in(optarg).s_addr);
			break;
		case 'N':
			o->table.next.afi = AFI_IP, o->has_next = true;
			memcpy(o->table.next.bytes, &(struct in_addr){parse_in(optarg).s_addr}, 4);
			break;
		case 'h':
			o->hold = (uint16_t)parse_num(optarg, 65535);
			break;
		case 'n':
			o->table.n = parse_num(optarg, FEED_MAX_PREFIXES);
			break;
		case 'r':
			o->table.random = true;
			break;
		case 's':
			o->table.seed = parse_num(optarg, UINT32_MAX);
			break;
		case 'x':
			o->table.npaths = parse_num(optarg, 1000000);
			break;
		case 't':
			o->timeout = (unsigned)parse_num(optarg, 86400);
			break;
		case 'O':
			*print = parse_num(optarg, FEED_MAX_PREFIXES);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (!mode && *print == 0) || (o->hold > 0 && o->hold < 3))
		usage();
	if (o->md5 && o->listen && !o->has_peer)
		die("--md5 with --listen needs --peer");
}

int
main(int argc, char **argv)
{
	static struct feed f;
	size_t print = 0;

	signal(SIGPIPE, SIG_IGN);
	f.o.port = BGP_PORT;
	f.o.as = f.o.table.as = 12076;
	f.o.hold = 90;
	f.o.timeout = 60;
	f.o.table.n = 1000000;
	f.o.table.seed = 1;
	f.o.table.npaths = 20000;
	parse_opts(&f.o, argc, argv, &print);
	if (print) {
		f.o.table.n = print;
		print_prefixes(&f.o.table);
		return 0;
	}
	f.fd = f.lfd = -1;
	f.stdin_open = true;
	msg_ctx_init(&f.ctx, f.o.as, 0);
	f.deadline = mono() + f.o.timeout;
	if (f.o.listen) {
		start_listen(&f);
	} else {
		printf("connecting %s %u\n", inet_ntoa(f.o.addr), f.o.port);
		try_connect(&f);
	}
	fflush(stdout);
	loop(&f);
	return 0;
}
