/*
 * bfd_tx: the periodic transmission of every BFD session, on a thread of
 * its own.
 *
 * RFC 5880 asks for a packet every negotiated interval (jittered to
 * 75-100 %); the issue asks for that schedule within 10 % while the loop
 * takes in a full table, installs it in the kernel or reloads a large
 * announce list. The loop's steps are bounded (50 ms) but not by 10 % of a
 * 100 ms interval, so the loop never transmits periodic packets itself:
 * this thread does, from a per-session snapshot the loop publishes after
 * every step of lib/bfd (the encoded packet, the interval, the multiplier
 * for the jitter). It sleeps on a condition variable until the earliest
 * due packet (CLOCK_MONOTONIC), sends with send() on the session's
 * connected UDP socket, and measures how late each packet left against its
 * schedule and the largest gap between two packets (both since the
 * interval last changed). It asks for SCHED_FIFO; without CAP_SYS_NICE it
 * runs at normal priority and says so in the log. Reception, the state
 * machine, detection and the Finals of Poll Sequences stay on the loop.
 *
 * The lock is held only to copy a snapshot in or out (24 bytes and a few
 * words) and around the non-blocking send(), so neither side waits longer
 * than a system call.
 */
#ifndef CEBGP_BFD_TX_H
#define CEBGP_BFD_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BFD_TX_MAX     256 /* sessions; the RIB has fewer peers */
#define BFD_TX_RT_PRIO 10  /* SCHED_FIFO priority when allowed (CAP_SYS_NICE) */

struct bfd_tx;

struct bfd_tx_stats {
	uint64_t sent;         /* periodic packets this thread sent */
	uint64_t send_errors;  /* send() failed (no route, no device yet, ...) */
	uint64_t late_max_us;  /* worst lateness against the schedule */
	uint64_t gap_max_us;   /* largest time between two periodic packets */
	uint64_t interval_us;  /* the interval in force when gap_max_us was seen */
	uint64_t late_last_us; /* lateness of the last packet */
};

/* Start the thread; NULL with errno set on failure. */
struct bfd_tx *bfd_tx_start(void);
/*
 * Raise RLIMIT_RTPRIO to BFD_TX_RT_PRIO if it is lower and we may (root,
 * before the privilege drop), so that the thread gets SCHED_FIFO without
 * CAP_SYS_NICE. Under systemd the unit's LimitRTPRIO= does the same.
 */
void bfd_tx_allow_realtime(void);
/* True when the thread got SCHED_FIFO (else it runs at normal priority). */
bool bfd_tx_realtime(const struct bfd_tx *t);
/* Stop and join the thread; the sockets stay the caller's. */
void bfd_tx_stop(struct bfd_tx *t);

/* A slot for one session sending on fd (-1: none yet); -1 when full. */
int bfd_tx_add(struct bfd_tx *t, int fd, uint32_t seed);
void bfd_tx_set_fd(struct bfd_tx *t, int slot, int fd);
void bfd_tx_remove(struct bfd_tx *t, int slot);
/*
 * Publish what the slot sends from now on: the encoded packet, the
 * interval in microseconds (0: no periodic packets) and the detection
 * multiplier (for the jitter rule). now: send one at once (a state change
 * or a Poll the peer should see without waiting a full interval).
 */
void bfd_tx_publish(struct bfd_tx *t, int slot, const uint8_t *pkt, size_t len,
                    uint64_t interval_us, uint8_t mult, bool now);
void bfd_tx_stats(struct bfd_tx *t, int slot, struct bfd_tx_stats *out);
/* Forget the worst figures (the control `clear` of a measurement). */
void bfd_tx_reset_stats(struct bfd_tx *t, int slot);

/* CLOCK_MONOTONIC in microseconds: the clock of lib/bfd and of this thread. */
uint64_t bfd_now_us(void);

#endif
