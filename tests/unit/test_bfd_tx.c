/*
 * test_bfd_tx: the BFD transmit thread (bgpd/bfd_tx.c) over a real UDP
 * socket pair on loopback: it sends what was published, at the published
 * interval with RFC 5880 jitter, at once when asked, never with interval 0,
 * and counts what it sent. Bounds are generous: the machine may be loaded.
 */
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../bgpd/bfd_tx.h"

static int rx_fd, tx_fd;

static void
pair(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	rx_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	tx_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(rx_fd, 0);
	ck_assert_int_ge(tx_fd, 0);
	ck_assert_int_eq(bind(rx_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(rx_fd, (struct sockaddr *)&a, &len), 0);
	ck_assert_int_eq(connect(tx_fd, (struct sockaddr *)&a, sizeof(a)), 0);
}

/* Datagrams that arrive within ms milliseconds; each must equal want. */
static int
count_for(int ms, const uint8_t *want, size_t len)
{
	uint64_t end = bfd_now_us() + (uint64_t)ms * 1000;
	int n = 0;

	for (uint64_t now; (now = bfd_now_us()) < end;) {
		struct pollfd p = {.fd = rx_fd, .events = POLLIN};
		uint8_t buf[64];

		if (poll(&p, 1, (int)((end - now) / 1000) + 1) <= 0)
			continue;
		ssize_t r;
		while ((r = recv(rx_fd, buf, sizeof(buf), 0)) > 0) {
			ck_assert_int_eq(r, (ssize_t)len);
			ck_assert_mem_eq(buf, want, len);
			n++;
		}
	}
	return n;
}

START_TEST(sends_at_the_interval)
{
	uint8_t pkt[24], pkt2[24];
	struct bfd_tx_stats st;

	pair();
	for (size_t i = 0; i < sizeof(pkt); i++) {
		pkt[i] = (uint8_t)i;
		pkt2[i] = (uint8_t)(0xa0 + i);
	}
	struct bfd_tx *t = bfd_tx_start();
	ck_assert_ptr_nonnull(t);
	int slot = bfd_tx_add(t, tx_fd, 12345);
	ck_assert_int_ge(slot, 0);

	/* 20 ms x 3: every 15..20 ms, so 15..21 in 300 ms with the first at once. */
	bfd_tx_publish(t, slot, pkt, sizeof(pkt), 20000, 3, false);
	int n = count_for(300, pkt, sizeof(pkt));
	ck_assert_msg(n >= 8 && n <= 22, "%d packets in 300 ms at 20 ms", n);
	bfd_tx_stats(t, slot, &st);
	ck_assert_uint_ge(st.sent, (uint64_t)n);
	ck_assert_uint_eq(st.send_errors, 0);
	ck_assert_uint_le(st.gap_max_us, 200000);

	/* New contents go out as published. */
	bfd_tx_publish(t, slot, pkt2, sizeof(pkt2), 20000, 3, false);
	count_for(30, pkt2, sizeof(pkt2)); /* at most one old one may have been in flight */
	n = count_for(100, pkt2, sizeof(pkt2));
	ck_assert_int_ge(n, 2);

	/* Interval 0: silence. */
	bfd_tx_publish(t, slot, pkt2, sizeof(pkt2), 0, 3, false);
	count_for(30, pkt2, sizeof(pkt2));
	ck_assert_int_eq(count_for(200, pkt2, sizeof(pkt2)), 0);

	/* A slow interval and "now": one packet at once, then nothing for a while. */
	bfd_tx_publish(t, slot, pkt, sizeof(pkt), 5000000, 3, true);
	ck_assert_int_eq(count_for(200, pkt, sizeof(pkt)), 1);

	/* A removed slot sends nothing. */
	bfd_tx_publish(t, slot, pkt, sizeof(pkt), 20000, 3, true);
	bfd_tx_remove(t, slot);
	count_for(30, pkt, sizeof(pkt));
	ck_assert_int_eq(count_for(100, pkt, sizeof(pkt)), 0);
	bfd_tx_stop(t);
	close(rx_fd);
	close(tx_fd);
}
END_TEST

START_TEST(slots_are_reused_and_bounded)
{
	struct bfd_tx *t = bfd_tx_start();
	int slots[BFD_TX_MAX];

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < BFD_TX_MAX; i++) {
		slots[i] = bfd_tx_add(t, -1, (uint32_t)i);
		ck_assert_int_ge(slots[i], 0);
	}
	ck_assert_int_eq(bfd_tx_add(t, -1, 1), -1);
	bfd_tx_remove(t, slots[7]);
	ck_assert_int_eq(bfd_tx_add(t, -1, 1), slots[7]);
	bfd_tx_stop(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bfd_tx");
	TCase *tc = tcase_create("thread");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, sends_at_the_interval);
	tcase_add_test(tc, slots_are_reused_and_bounded);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
