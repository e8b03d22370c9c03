/*
 * bfd_io: BFD (RFC 5880, single hop RFC 5881) for the BGP sessions,
 * glued to lib/bfd on the daemon's libevent loop.
 *
 * One BFD session per BGP session (leg) with `bfd` enabled, keyed by the
 * session's stable config key (an IPv6 session, "<circuit>/<peering>/<role>/ipv6",
 * has its own), so that it survives a reload (interval changes go
 * through lib/bfd's Poll Sequence, never a reset). Each has a UDP socket of
 * the session's family bound to the leg's sub-interface and our address
 * (free bind, so the address may come later), a source port in
 * 49152-65535, TTL or hop limit 255, connected to the peer's port 3784
 * (RFC 5881 §4). One listener per family on UDP 3784 receives for all of
 * them, drops what did not arrive with TTL / hop limit 255 (RFC 5881 §5),
 * and demultiplexes by Your Discriminator, or by source address and
 * arrival interface (IP_PKTINFO / IPV6_PKTINFO) when it is zero.
 *
 * A BFD session whose BGP session goes, stops running BFD or moves is
 * retired: AdminDown with diag 7, repeated for the Detection Time the peer
 * holds for us and at least two AdminDown intervals (RFC 5880 §6.8.16),
 * then silence. An RFC 5882 §3.2 peer keeps its BGP session on AdminDown;
 * silence would make it drop after the Detection Time.
 *
 * Timers: one evtimer per session at bfd_next_deadline(); when it fires
 * the listener is drained first (a packet that waited behind a long loop
 * step must count before the detection timer), then bfd_expire(). The
 * periodic packets themselves leave from bfd_tx's thread (bfd_tx.h says
 * why); the Finals answering a Poll leave from here at once.
 *
 * BGP follows BFD only once it has been Up (lib/bfd's "bound"): a Down
 * after that (detection expired, the peer's Down) drops the BGP session at
 * once through session_bfd(), like a link loss, and holds
 * its restart until BFD is usable again (lib/bfd's flap hold-down). The
 * time from that Down until the FIB has no change in flight is the
 * failover time, kept in a histogram. The peer's AdminDown is not a path
 * failure (RFC 5882 §3.2): BGP stays.
 */
#ifndef CEBGP_BFD_IO_H
#define CEBGP_BFD_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bfd.h"
#include "bfd_tx.h"
#include "prefix.h"

struct bfd_io;
struct event_base;
struct session;

struct bfd_io_env {
	struct event_base *base;
	/* Route changes still in flight to the kernel (fib_pending). */
	size_t (*fib_pending)(void *arg);
	void *arg;
};

/* Failover-time histogram bounds, milliseconds (+Inf after the last). */
#define BFD_FAILOVER_BUCKETS 10
extern const double bfd_failover_bounds_ms[BFD_FAILOVER_BUCKETS];

struct bfd_io_totals {
	uint64_t state_changes;
	uint64_t rx_ttl_dropped; /* arrived with a TTL other than 255 */
	uint64_t rx_bad;         /* failed the codec's checks */
	uint64_t rx_no_session;  /* matched no session (discarded) */
	uint64_t failover_count;
	double failover_sum_ms;
	uint64_t failover_le[BFD_FAILOVER_BUCKETS + 1]; /* cumulative; last = +Inf */
};

/* What `show bfd` and the metrics read of one session. */
struct bfd_info {
	const char *key;
	struct addr local, peer;
	const char *ifname;
	const char *state; /* bfd_show_state: "peer silent", "Up", ... */
	enum bfd_state raw_state, remote_state;
	bool silent, bound, usable, socket_ok;
	uint32_t local_discr, remote_discr;
	uint64_t tx_us, rx_us, detect_us; /* negotiated; 0 while unknown */
	uint8_t mult, remote_mult;
	uint32_t cfg_min_rx_ms, cfg_min_tx_ms;
	unsigned local_diag; /* bfd.LocalDiag: why it last left Up */
	uint64_t flaps, state_changes, polls;
	uint64_t rx, rx_discarded;
	double uptime_s;           /* in Up; 0 when not */
	double hold_left_s;        /* flap hold-down still running */
	uint64_t loop_late_max_us; /* the loop's BFD timer, worst lateness */
	struct bfd_tx_stats tx;
};

struct bfd_io *bfd_io_new(const struct bfd_io_env *env);
/* Stop the thread and close everything (after bfd_io_shutdown at a stop). */
void bfd_io_free(struct bfd_io *io);
/*
 * Match the BFD sessions to the BGP sessions (start, after a reload):
 * new ones start, removed or disabled ones retire (AdminDown), changed
 * intervals start a Poll Sequence, a changed transport starts afresh.
 */
void bfd_io_sync(struct bfd_io *io, struct session *const *sessions, size_t n);
/* The daemon stops: AdminDown (diag 7) to every peer, no BGP consequence. */
void bfd_io_shutdown(struct bfd_io *io);

/* i-th BFD session (0..); false past the end. */
bool bfd_io_info(struct bfd_io *io, size_t i, struct bfd_info *out);
/* The BFD session of a BGP session key; false when it has none. */
bool bfd_io_find(struct bfd_io *io, const char *key, struct bfd_info *out);
void bfd_io_totals(const struct bfd_io *io, struct bfd_io_totals *out);
/* Forget the worst-lateness figures (benchmarks measure a window). */
void bfd_io_reset_stats(struct bfd_io *io);

#endif
