/*
 * looplag: how long the event loop went without answering, measured.
 *
 * The daemon's promise is that no single step of the libevent loop runs
 * longer than 50 ms (a peer on a 3 s hold timer, and BFD next, need a loop
 * that answers within milliseconds). libevent 2.1 has no hook around each
 * callback, so the probe measures what a peer would see: a timer due every
 * LOOPLAG_PERIOD_MS records how late it fires. A step of T ms delays it by
 * T minus at most one period, so the longest lateness is the longest step
 * to within LOOPLAG_PERIOD_MS.
 *
 * The lateness also counts the time the machine gave the CPU to others.
 * So the probe also records the loop thread's own CPU time between two
 * probes (CLOCK_THREAD_CPUTIME_ID): the most of it bounds the longest step
 * our code ran, however busy the machine.
 *
 * The probe runs only while armed (a reload arms it for its own work and
 * the UPDATEs that follow), so an idle daemon wakes up no more than before.
 * When the window closes it logs the figure, and the benchmark
 * (tests/bench/bench-reload.sh) reads that line.
 */
#ifndef CEBGP_LOOPLAG_H
#define CEBGP_LOOPLAG_H

#include <stdint.h>

struct event_base;
struct looplag;

#define LOOPLAG_PERIOD_MS 2

struct looplag *looplag_new(struct event_base *base);
void looplag_free(struct looplag *l);
/*
 * Measure from now for secs seconds (re-arming extends the window and
 * keeps the maximum). what names the work in the log line:
 *   "loop: longest step 12.3 ms in the 10 s after the reload (on the CPU
 *    for at most 9.8 ms between two probes: ...)"
 */
void looplag_arm(struct looplag *l, unsigned secs, const char *what);
/*
 * While a window is open, keep it open for at least secs more seconds:
 * work that follows what armed it (the FIB's drain after withdrawals) is
 * measured to its end. Nothing when no window is open.
 */
void looplag_extend(struct looplag *l, unsigned secs);
/* Longest lateness seen since the window opened, in microseconds. */
uint64_t looplag_max_us(const struct looplag *l);
/* Microseconds on the monotonic clock (for timing the work itself). */
uint64_t looplag_now_us(void);
/* The calling thread's CPU time, microseconds. */
uint64_t looplag_thread_cpu_us(void);

#endif
