/*
 * test_ctl_server: the control server over real UNIX sockets in a
 * temporary directory, driven by its own event loop: requests and
 * answers, the read-only socket, and the clients that must never block
 * the daemon (one that never reads, one that vanishes, one that idles,
 * one too many, one with an oversized frame).
 */
#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../bgpd/control.h"
#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "../../bgpd/log.h"

static char dir[40], path[80], ro_path[80];
static struct event_base *base;
static int dispatched;
static size_t big; /* bytes of filler in each answer */

static json_t *
fake_dispatch(void *arg, const struct ctl_parsed *p)
{
	(void)arg;
	dispatched++;
	if (big) {
		char *fill = malloc(big + 1);
		json_t *r;

		memset(fill, 'x', big);
		fill[big] = '\0';
		r = ctl_response_ok(p->cmd->name, json_pack("{s:s}", "fill", fill));
		free(fill);
		return r;
	}
	return ctl_response_ok(p->cmd->name, json_pack("{s:s}", "canon", p->canon));
}

static struct control *
server(size_t max_clients, unsigned timeout)
{
	struct control_opts o = {.path = path,
	                         .ro_path = ro_path,
	                         .max_clients = max_clients,
	                         .timeout_secs = timeout};
	char err[256] = "";
	struct control *c = control_open(base, &o, fake_dispatch, NULL, err, sizeof(err));

	ck_assert_msg(c != NULL, "control_open: %s", err);
	return c;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_ctl_server.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.sock", dir);
	snprintf(ro_path, sizeof(ro_path), "%s/ro.sock", dir);
	base = event_base_new();
	dispatched = 0;
	big = 0;
	log_init("test", true, LOG_ERR);
	signal(SIGPIPE, SIG_IGN); /* as cebgpd does: a vanished client is EPIPE */
}

static void
teardown(void)
{
	event_base_free(base);
	unlink(path);
	unlink(ro_path);
	rmdir(dir);
}

static void
spin(int turns)
{
	for (int i = 0; i < turns; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static int
client(const char *p)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	spin(3);
	return fd;
}

static void
send_line(int fd, const char *line)
{
	json_t *req = ctl_request_new(line);
	size_t len;
	uint8_t *f = ctl_frame_json(req, CTL_MAX_REQUEST, &len);

	ck_assert_int_eq(write(fd, f, len), (ssize_t)len);
	free(f);
	json_decref(req);
}

/* Read one response, running the server's loop meanwhile (2 s at most). */
static json_t *
recv_resp(int fd)
{
	struct ctl_dec d;
	json_t *j = NULL;

	ctl_dec_init(&d, CTL_MAX_RESPONSE);
	for (int i = 0; i < 2000 && !j; i++) {
		uint8_t buf[65536];
		ssize_t n;

		spin(1);
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			usleep(1000);
			continue;
		}
		size_t off = 0, used;

		while (off < (size_t)n && !j) {
			if (ctl_dec_feed(&d, buf + off, (size_t)n - off, &used) == CTL_DEC_FRAME) {
				size_t blen;
				char *b = ctl_dec_take(&d, &blen);

				j = json_loadb(b, blen, 0, NULL);
				free(b);
			}
			off += used;
		}
	}
	ctl_dec_free(&d);
	return j;
}

static const char *
status(const json_t *r)
{
	return json_string_value(json_object_get(r, "status"));
}

START_TEST(request_and_answer)
{
	struct control *c = server(0, 0);
	struct stat st;
	int fd;
	json_t *r;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0660);
	ck_assert_int_eq(stat(ro_path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0666);
	fd = client(path);
	ck_assert_uint_eq(control_clients(c), 1);
	/* The daemon parses too: abbreviations work, canonical form comes back. */
	send_line(fd, "sh b sum");
	r = recv_resp(fd);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(status(r), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(r, "command")), "show_bgp_summary");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "data"), "canon")),
	                 "show bgp summary");
	json_decref(r);
	/* Several requests on one connection, errors included. */
	send_line(fd, "show bgp sumary");
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "error")), "sumary"));
	json_decref(r);
	send_line(fd, "reload");
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "ok");
	json_decref(r);
	/* Not JSON. */
	ck_assert_int_eq(write(fd, "\0\0\0\3abc", 7), 7);
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "error");
	json_decref(r);
	ck_assert_int_eq(dispatched, 2);
	close(fd);
	spin(3);
	ck_assert_uint_eq(control_clients(c), 0);
	control_close(c);
	/* The socket files go with the server. */
	ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

START_TEST(read_only_socket)
{
	struct control *c = server(0, 0);
	int fd = client(ro_path);
	json_t *r;

	send_line(fd, "show bgp summary");
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "ok");
	json_decref(r);
	send_line(fd, "clear bgp all");
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "error")), "read-only"));
	json_decref(r);
	send_line(fd, "log level debug");
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "error");
	json_decref(r);
	ck_assert_int_eq(dispatched, 1); /* the refused ones never reached a handler */
	close(fd);
	control_close(c);
}
END_TEST

/*
 * A client that sends requests and never reads: the server answers one at
 * a time, and stops taking requests while an answer is queued, so its
 * memory for that client stays at about one answer.
 */
START_TEST(slow_reader_is_bounded)
{
	struct control *c = server(0, 0);
	int fd = client(path), other;
	json_t *r;

	big = 1 << 20; /* 1 MiB answers: more than the socket buffers hold */
	for (int i = 0; i < 50; i++) {
		json_t *req = ctl_request_new("show version");
		size_t len;
		uint8_t *f = ctl_frame_json(req, CTL_MAX_REQUEST, &len);

		if (write(fd, f, len) != (ssize_t)len)
			ck_assert_int_eq(errno, EAGAIN);
		free(f);
		json_decref(req);
		spin(2);
	}
	spin(50);
	/* Only the first answer was built; 49 requests wait in the socket. */
	ck_assert_int_eq(dispatched, 1);
	/* Meanwhile the server serves others at once. */
	big = 0;
	other = client(path);
	send_line(other, "show version");
	r = recv_resp(other);
	ck_assert_str_eq(status(r), "ok");
	json_decref(r);
	ck_assert_int_eq(dispatched, 2);
	close(other);
	/* The slow client vanishes with an answer half sent: freed, no crash. */
	close(fd);
	spin(10);
	ck_assert_uint_eq(control_clients(c), 0);
	control_close(c);
}
END_TEST

START_TEST(too_many_clients)
{
	struct control *c = server(2, 0);
	int a = client(path), b = client(path), x = client(path);
	json_t *r;

	ck_assert_uint_eq(control_clients(c), 2);
	r = recv_resp(x);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(status(r), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "error")), "too many"));
	json_decref(r);
	close(x);
	close(a);
	spin(3);
	ck_assert_uint_eq(control_clients(c), 1);
	x = client(path);
	ck_assert_uint_eq(control_clients(c), 2);
	close(x);
	close(b);
	control_close(c);
}
END_TEST

START_TEST(oversized_request_closes)
{
	struct control *c = server(0, 0);
	int fd = client(path);
	const uint8_t hdr[] = {0, 0, 0x10, 0x01}; /* 4097 > CTL_MAX_REQUEST */
	json_t *r;
	char b;

	ck_assert_int_eq(write(fd, hdr, sizeof(hdr)), 4);
	r = recv_resp(fd);
	ck_assert_str_eq(status(r), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "error")), "too large"));
	json_decref(r);
	/* Then the server hangs up. */
	spin(5);
	ck_assert_int_eq(read(fd, &b, 1), 0);
	ck_assert_uint_eq(control_clients(c), 0);
	ck_assert_int_eq(dispatched, 0);
	close(fd);
	control_close(c);
}
END_TEST

START_TEST(idle_client_times_out)
{
	struct control *c = server(0, 1);
	int fd = client(path);
	time_t t0 = time(NULL);

	while (control_clients(c) > 0 && time(NULL) - t0 < 5) {
		spin(1);
		usleep(10000);
	}
	ck_assert_uint_eq(control_clients(c), 0);
	close(fd);
	control_close(c);
}
END_TEST

START_TEST(stale_and_live_sockets)
{
	struct control *c = server(0, 0), *c2;
	struct control_opts o = {.path = path};
	char err[256];
	int fd;

	/* A second daemon on the same path is refused: the first still answers. */
	c2 = control_open(base, &o, fake_dispatch, NULL, err, sizeof(err));
	ck_assert_ptr_null(c2);
	ck_assert_ptr_nonnull(strstr(err, "in use"));
	control_close(c);
	/* A stale socket file (no one listening) is replaced. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	c = control_open(base, &o, fake_dispatch, NULL, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	control_close(c);
	/* A regular file is never removed. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	ck_assert_ptr_null(control_open(base, &o, fake_dispatch, NULL, err, sizeof(err)));
	unlink(path);
	/* An unknown group is an error. */
	o.group = "no-such-group-cebgp";
	ck_assert_ptr_null(control_open(base, &o, fake_dispatch, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "group"));
}
END_TEST

static Suite *
ctl_server_suite(void)
{
	Suite *s = suite_create("ctl_server");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, request_and_answer);
	tcase_add_test(tc, read_only_socket);
	tcase_add_test(tc, slow_reader_is_bounded);
	tcase_add_test(tc, too_many_clients);
	tcase_add_test(tc, oversized_request_closes);
	tcase_add_test(tc, idle_client_times_out);
	tcase_add_test(tc, stale_and_live_sockets);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
