/* notify: the sd_notify datagrams, read back from a socket the test binds. */
#include <check.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../bgpd/notify.h"

static char dir[64];
static char path[128];

/* Bind a datagram socket at path (or the abstract "@name"); the fd. */
static int
listen_at(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, len), 0);
	return fd;
}

static void
recv_expect(int fd, const char *want)
{
	char buf[512];
	struct timeval tv = {.tv_sec = 5};
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/cebgp-notify-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

START_TEST(parse_watchdog)
{
	ck_assert_uint_eq(notify_parse_watchdog("20000000", NULL, 42), 10000000);
	ck_assert_uint_eq(notify_parse_watchdog("20000000", "42", 42), 10000000);
	ck_assert_uint_eq(notify_parse_watchdog("20000000", "43", 42), 0);
	ck_assert_uint_eq(notify_parse_watchdog("1", NULL, 42), 1);
	ck_assert_uint_eq(notify_parse_watchdog("0", NULL, 42), 0);
	ck_assert_uint_eq(notify_parse_watchdog("", NULL, 42), 0);
	ck_assert_uint_eq(notify_parse_watchdog("-5", NULL, 42), 0);
	ck_assert_uint_eq(notify_parse_watchdog("12x", NULL, 42), 0);
	ck_assert_uint_eq(notify_parse_watchdog(NULL, NULL, 42), 0);
	ck_assert_uint_eq(notify_parse_watchdog("99999999999999999999999", NULL, 42), 0);
}
END_TEST

START_TEST(not_under_systemd)
{
	unsetenv("NOTIFY_SOCKET");
	struct notify *n = notify_new(NULL);

	ck_assert_ptr_nonnull(n);
	ck_assert(!notify_enabled(n));
	ck_assert_int_eq(notify_ready(n), 0);
	ck_assert_int_eq(notify_status(n, "x"), 0);
	notify_free(n);
	notify_free(NULL);
}
END_TEST

START_TEST(ready_status_stopping)
{
	int fd = listen_at(path);

	setenv("NOTIFY_SOCKET", path, 1);
	struct notify *n = notify_new(NULL);

	ck_assert(notify_enabled(n));
	ck_assert_uint_eq(notify_watchdog_interval(n), 0);
	ck_assert_int_eq(notify_ready(n), 0);
	recv_expect(fd, "READY=1");
	ck_assert_int_eq(notify_status(n, "%d/%d sessions established", 3, 4), 0);
	recv_expect(fd, "STATUS=3/4 sessions established");
	/* A newline would start a second assignment: flattened. */
	ck_assert_int_eq(notify_status(n, "a\nMAINPID=1"), 0);
	recv_expect(fd, "STATUS=a MAINPID=1");
	ck_assert_int_eq(notify_watchdog(n), 0);
	recv_expect(fd, "WATCHDOG=1");
	ck_assert_int_eq(notify_reloading(n), 0);
	char buf[128];
	ssize_t len = recv(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(len, 0);
	buf[len] = '\0';
	ck_assert_msg(strncmp(buf, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0, "%s", buf);
	notify_free(n);
	recv_expect(fd, "STOPPING=1");
	close(fd);
}
END_TEST

START_TEST(abstract_socket)
{
	char name[64];

	snprintf(name, sizeof(name), "@cebgp-test-notify-%ld", (long)getpid());
	int fd = listen_at(name);
	setenv("NOTIFY_SOCKET", name, 1);
	struct notify *n = notify_new(NULL);
	ck_assert_int_eq(notify_ready(n), 0);
	recv_expect(fd, "READY=1");
	notify_free(n);
	close(fd);
}
END_TEST

START_TEST(send_fails_when_nobody_listens)
{
	setenv("NOTIFY_SOCKET", path, 1); /* nothing bound there */
	struct notify *n = notify_new(NULL);
	ck_assert(notify_enabled(n));
	ck_assert_int_eq(notify_ready(n), -1);
	notify_free(n);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	n = notify_new(NULL);
	ck_assert(!notify_enabled(n));
	notify_free(n);
}
END_TEST

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

/* WATCHDOG_USEC=200000: a ping every 100 ms from the loop. */
START_TEST(watchdog_timer)
{
	int fd = listen_at(path);
	char pid[32];

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("NOTIFY_SOCKET", path, 1);
	setenv("WATCHDOG_USEC", "200000", 1);
	setenv("WATCHDOG_PID", pid, 1);
	struct event_base *base = event_base_new();
	struct notify *n = notify_new(base);
	ck_assert_uint_eq(notify_watchdog_interval(n), 100000);
	struct timeval tv = {.tv_sec = 1, .tv_usec = 0}; /* room for slow CI: 3 of ~10 */
	struct event *stop = evtimer_new(base, stop_cb, base);
	evtimer_add(stop, &tv);
	event_base_dispatch(base);
	for (int i = 0; i < 3; i++)
		recv_expect(fd, "WATCHDOG=1");
	event_free(stop);
	notify_free(n);
	event_base_free(base);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parse_watchdog);
	tcase_add_test(tc, not_under_systemd);
	tcase_add_test(tc, ready_status_stopping);
	tcase_add_test(tc, abstract_socket);
	tcase_add_test(tc, send_fails_when_nobody_listens);
	tcase_add_test(tc, watchdog_timer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
