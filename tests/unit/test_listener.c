/*
 * test_listener: the passive side's TCP-MD5 guarantee over loopback.
 *
 * A listener with a key for 127.0.0.1 must never accept an unsigned or
 * wrongly signed connection from 127.0.0.1 (the kernel drops the SYN), must
 * accept a correctly signed one, and hands over a connection from an
 * address it has no key for (the daemon then refuses it by address).
 */
#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bgpd/listener.h"
#include "../../bgpd/log.h"
#include "../../bgpd/sockopt.h"

#define KEY "0123456789abcdef0123456789abcdef"

struct accepted {
	int n;
	struct addr peer;
};

static void
on_accept(int fd, const struct addr *local, const struct addr *peer, void *arg)
{
	struct accepted *acc = arg;

	acc->n++;
	acc->peer = *peer;
	close(fd);
}

static struct addr
v4(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(s, &a), PREFIX_OK);
	return a;
}

/* Connect from src to 127.0.0.1:port signed with key (NULL: unsigned). */
static int
client(const char *src, uint16_t port, const char *key)
{
	struct sockopt_connect c = {
	        .local = v4(src),
	        .peer = v4("127.0.0.1"),
	        .port = port,
	        .md5_key = key,
	};
	const char *what = NULL;
	int fd = sockopt_connect(&c, &what);

	ck_assert_msg(fd >= 0, "connect (%s): %s", what ? what : "?", strerror(errno));
	return fd;
}

/* Run the loop for about ms milliseconds. */
static void
spin(struct event_base *base, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static struct listener *
make_listener(struct event_base *base, struct accepted *acc)
{
	struct addr peer = v4("127.0.0.1");
	struct listener *l = listener_new(base, 0, false, on_accept, acc);

	ck_assert_ptr_nonnull(l);
	ck_assert_int_ne(listener_port(l), 0);
	ck_assert_int_eq(listener_set_key(l, &peer, KEY), 0);
	ck_assert_int_eq(listener_start(l), 0);
	return l;
}

START_TEST(signed_connection_accepted)
{
	struct event_base *base = event_base_new();
	struct accepted acc = {0};
	struct listener *l = make_listener(base, &acc);
	int fd = client("127.0.0.1", listener_port(l), KEY);

	spin(base, 300);
	ck_assert_int_eq(acc.n, 1);
	ck_assert(addr_eq(&acc.peer, &(struct addr){0}) == false);
	close(fd);
	listener_free(l);
	event_base_free(base);
}
END_TEST

START_TEST(unsigned_connection_never_accepted)
{
	struct event_base *base = event_base_new();
	struct accepted acc = {0};
	struct listener *l = make_listener(base, &acc);
	int fd = client("127.0.0.1", listener_port(l), NULL);
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	spin(base, 1200);
	ck_assert_int_eq(acc.n, 0);
	/* The SYN was dropped: the handshake never completes. */
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	close(fd);
	listener_free(l);
	event_base_free(base);
}
END_TEST

START_TEST(wrong_key_never_accepted)
{
	struct event_base *base = event_base_new();
	struct accepted acc = {0};
	struct listener *l = make_listener(base, &acc);
	int fd = client("127.0.0.1", listener_port(l), "ffffffffffffffffffffffffffffffff");

	spin(base, 1200);
	ck_assert_int_eq(acc.n, 0);
	close(fd);
	listener_free(l);
	event_base_free(base);
}
END_TEST

START_TEST(unknown_address_handed_over)
{
	struct event_base *base = event_base_new();
	struct accepted acc = {0};
	struct listener *l = make_listener(base, &acc);
	/* 127.0.0.2 has no key: the listener hands it over, the daemon decides. */
	int fd = client("127.0.0.2", listener_port(l), NULL);
	struct addr want = v4("127.0.0.2");

	spin(base, 300);
	ck_assert_int_eq(acc.n, 1);
	ck_assert(addr_eq(&acc.peer, &want));
	close(fd);
	listener_free(l);
	event_base_free(base);
}
END_TEST

START_TEST(key_removed_then_unsigned_accepted)
{
	struct event_base *base = event_base_new();
	struct accepted acc = {0};
	struct listener *l = make_listener(base, &acc);
	struct addr peer = v4("127.0.0.1");

	/* A reload that drops the peer's key must really drop it. */
	ck_assert_int_eq(listener_set_key(l, &peer, NULL), 0);
	int fd = client("127.0.0.1", listener_port(l), NULL);
	spin(base, 300);
	ck_assert_int_eq(acc.n, 1);
	close(fd);
	listener_free(l);
	event_base_free(base);
}
END_TEST

START_TEST(sockaddr_round_trip)
{
	struct addr a = v4("172.16.1.2"), b;
	struct sockaddr_storage ss;
	uint16_t port = 0;

	ck_assert_uint_eq(sockopt_sockaddr(&a, 179, &ss), sizeof(struct sockaddr_in));
	ck_assert(sockopt_addr((struct sockaddr *)&ss, &b, &port));
	ck_assert(addr_eq(&a, &b));
	ck_assert_uint_eq(port, 179);
	/* A v4-mapped IPv6 peer is the IPv4 peer. */
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(1179)};
	s6.sin6_addr.s6_addr[10] = s6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&s6.sin6_addr.s6_addr[12], a.bytes, 4);
	ck_assert(sockopt_addr((struct sockaddr *)&s6, &b, &port));
	ck_assert_uint_eq(b.afi, AFI_IP);
	ck_assert(addr_eq(&a, &b));
	ck_assert_uint_eq(port, 1179);
}
END_TEST

START_TEST(md5_key_too_long_refused)
{
	char key[TCP_MD5SIG_MAXKEYLEN + 2];
	struct addr a = v4("127.0.0.1");
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	ck_assert_int_eq(sockopt_md5(fd, &a, key), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(fd);
}
END_TEST

static Suite *
listener_suite(void)
{
	Suite *s = suite_create("listener");
	TCase *tc = tcase_create("md5");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, signed_connection_accepted);
	tcase_add_test(tc, unsigned_connection_never_accepted);
	tcase_add_test(tc, wrong_key_never_accepted);
	tcase_add_test(tc, unknown_address_handed_over);
	tcase_add_test(tc, key_removed_then_unsigned_accepted);
	tcase_add_test(tc, sockaddr_round_trip);
	tcase_add_test(tc, md5_key_too_long_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(listener_suite());
	int failed;

	log_init("test_listener", true, LOG_ERR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
