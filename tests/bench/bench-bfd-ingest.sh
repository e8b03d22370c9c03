#!/usr/bin/env bash
# bench-bfd-ingest: does BFD keep its schedule while cebgpd takes in a big
# feed and installs it in the kernel?
#
#   tests/bench/bench-bfd-ingest.sh [N]   default 1000000; `make check`
#                                          runs BENCH_BFD_N=2000 (a smoke size)
#   BENCH_BFD_RELOAD_N=100000             the announce list of the reload phase
#                                          (the smoke size runs 2000)
#   BENCH_BFD_MS=100 tests/bench/...      the BFD interval on both sides, ms
#                                          (default 300: the provider's own
#                                          and cebgpd's default)
#
# The lab's msee1 namespace plays the provider's primary router twice: our
# feeder (bench_feed) speaks BGP and pushes N prefixes, and BIRD 2 runs only
# its BFD protocol towards the CE at the interval x 3 (a `neighbor`
# session, no BGP). cebgpd is the CE with the private primary leg only, BFD
# at the same interval x 3, installing into the kernel. Once BFD is Up (so BGP is bound
# to it) the feed starts; when all N routes are in the RIB and in the FIB
# the script prints cebgpd's BFD figures from `show bfd`: the transmit
# thread's worst lateness and largest gap between two packets, and how late
# the loop's own BFD timer ran (what a loop-driven transmitter would have
# suffered). The checks: BFD stayed Up on both sides through the ingest
# (BIRD's session "since" unchanged, cebgpd's flaps unchanged) and every
# route arrived. Figures, not asserts, for the timings.
#
# The reload phase: a second cebgpd, on an announce list of RELOAD_N
# scattered /24s (tests/bench/gen-reload-config.py, as bench-reload uses),
# brings BFD Up with BIRD, then reloads onto the list's second variant (one
# entry in a hundred replaced); its transmit thread's figures cover that
# daemon's whole life, the start's policy run and the reload.
#
# The platform's floor: while the routes go in, cyclictest (rt-tests), an
# independent SCHED_FIFO thread at the transmit thread's priority, wakes
# every millisecond and records how late it woke. On a kernel without full
# preemption the kernel's own route inserts (inside the sender thread's
# sendmsg) and the hypervisor delay any real-time thread on the machine;
# what cebgpd's transmit thread suffered is compared with that floor.
# Without cyclictest the floor line says so. Last line:
# "bench-bfd-ingest: N passed, M failed". Needs root, namespaces and BIRD
# (SKIP without); a program not built is a FAIL. Use a build without
# sanitizers for figures worth quoting.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/../..}"
: "${top_builddir:=$here/../../build}"
N=${1:-${BENCH_BFD_N:-1000000}}
MS=${BENCH_BFD_MS:-300}
RN=${BENCH_BFD_RELOAD_N:-100000}
RT_PRIO=10 # bgpd/bfd_tx.h BFD_TX_RT_PRIO: the floor probe runs at the same priority

# shellcheck source=tests/interop/lib.sh
. "$here/../interop/lib.sh"

lab_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs cebgpd cebgpctl
FEED=${BENCH_FEED:-$top_builddir/tests/bench/bench_feed}
[ -x "$FEED" ] || { fail "$FEED not built (make tests/bench/bench_feed)"; finish; }

lab_create "cbf$$" || { fail "lab created"; finish; }
CE=$(lab_ns ce)
PROV=$(lab_ns msee1)
SOCK=$LAB_DIR/ce/cebgpd.sock
ctlj() { "$CEBGPCTL" -s "$SOCK" -j "$@" 2>/dev/null; }
jpy() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# BIRD in msee1: BFD only, one explicit neighbor (the CE's private primary).
mkdir -p "$LAB_DIR/bfdbird"
cat >"$LAB_DIR/bfdbird/bird.conf" <<EOF
router id 172.16.1.2;
protocol device {}
protocol bfd {
	interface "*" { min rx interval $MS ms; min tx interval $MS ms; multiplier 3; };
	neighbor 172.16.1.1 dev "eth0.555" local 172.16.1.2;
}
EOF
BIRDSOCK=$LAB_DIR/bfdbird/bird.ctl
ip netns exec "$PROV" bird -f -c "$LAB_DIR/bfdbird/bird.conf" -s "$BIRDSOCK" \
	>"$LAB_DIR/bfdbird/bird.log" 2>&1 &
LAB_PIDS+=("$!")
LAB_DUMP_FILES="$LAB_DIR/bfdbird/bird.log $LAB_DIR/feed.err"
bird_bfd() { # the BFD session line of BIRD: "IP IFACE STATE SINCE ..."
	birdc -s "$BIRDSOCK" show bfd sessions 2>/dev/null | awk '$1 == "172.16.1.1" { print $3, $4; exit }'
}

# The feeder: listens on the provider's address; commands on a FIFO.
mkfifo "$LAB_DIR/feed.in"
ip netns exec "$PROV" "$FEED" --listen 172.16.1.2 --peer 172.16.1.1 --prefixes "$N" \
	--timeout 120 <"$LAB_DIR/feed.in" >"$LAB_DIR/feed.out" 2>"$LAB_DIR/feed.err" &
LAB_PIDS+=("$!")
exec 7>"$LAB_DIR/feed.in"

lab_ce_config "$LAB_DIR/ce/cebgpd.yaml" --key none --peerings private --secondary-if none \
	--announce private="10.10.0.0/16" --hold 90 --keepalive 30 \
	--global "max-received: $((N + 1000))" \
	--global "bfd: { enabled: true, min-rx: $MS, min-tx: $MS, multiplier: 3 }"
lab_ce_start "$LAB_DIR/ce/cebgpd.yaml" || { fail "cebgpd started"; finish; }

check "BFD Up on both sides" lab_wait_for 60 eval \
	"[ \"\$(bird_bfd | awk '{ print \$1 }')\" = Up ] &&
	 ctlj show bfd | jpy 'd[\"data\"][\"sessions\"][0][\"state\"]' | grep -qx Up"
check "BGP Established with the feeder" lab_wait_for 60 grep -q '^established' "$LAB_DIR/feed.out"
SINCE0=$(bird_bfd)
FLAPS0=$(ctlj show bfd | jpy 'd["data"]["sessions"][0]["flaps"]')

# The floor probe, for the length of the ingest (stopped below).
PROBE_PID=
if command -v cyclictest >/dev/null 2>&1; then
	cyclictest -m -q -p "$RT_PRIO" -i 1000 -D 900 >"$LAB_DIR/cyclictest.out" 2>&1 &
	PROBE_PID=$!
	LAB_PIDS+=("$PROBE_PID")
fi
t0=$(date +%s.%N)
echo announce >&7
accepted() { ctlj show bgp summary | grep -o '"prefixes_accepted": *[0-9]*' | grep -o '[0-9]*$' | head -1; }
check "all $N routes in the RIB" lab_wait_for 600 eval "[ \"\$(accepted)\" = $N ]"
t1=$(date +%s.%N)
fib() { ip -n "$CE" -4 route show proto bgp | wc -l; }
check "all $N routes in the FIB" lab_wait_for 900 eval "[ \$(fib) -ge $N ]"
t2=$(date +%s.%N)
floor_us=
if [ -n "$PROBE_PID" ]; then
	kill -INT "$PROBE_PID" 2>/dev/null
	wait "$PROBE_PID" 2>/dev/null
	floor_us=$(grep -o 'Max: *[0-9]*' "$LAB_DIR/cyclictest.out" | grep -o '[0-9]*$' | sort -n | tail -1)
fi
sleep 1

B=$(ctlj show bfd)
check "cebgpd's BFD never left Up (flaps unchanged)" \
	eval "[ \"\$(jpy 'd[\"data\"][\"sessions\"][0][\"flaps\"]' <<<\"\$B\")\" = '$FLAPS0' ] &&
	      [ \"\$(jpy 'd[\"data\"][\"sessions\"][0][\"state\"]' <<<\"\$B\")\" = Up ]"
check "BIRD's BFD never left Up (since unchanged)" eval "[ \"\$(bird_bfd)\" = '$SINCE0' ]"
fig() { jpy "d['data']['sessions'][0]['$1']" <<<"$B"; }
echo "N=$N: RIB in $(python3 -c "print(round($t1 - $t0, 2))") s, FIB in $(python3 -c "print(round($t2 - $t0, 2))") s"
echo "BFD at $(fig tx_interval_ms) ms: transmit thread worst lateness $(fig tx_late_max_us) us," \
	"largest gap $(fig tx_gap_max_us) us (interval $(fig tx_gap_interval_us) us);" \
	"the loop's BFD timer late by up to $(fig loop_late_max_us) us"
pct() { python3 -c "print(round(100.0 * $1 / ($MS * 1000), 1))"; }
echo "transmit lateness: $(pct "$(fig tx_late_max_us)") % of the $MS ms interval (goal: within 10 %)"
if [ -n "$floor_us" ]; then
	echo "platform floor: an independent SCHED_FIFO thread (cyclictest, priority $RT_PRIO, 1 ms)" \
		"woke up to $floor_us us late during the same ingest ($(pct "$floor_us") % of $MS ms)"
	echo "bfd_rt_floor_us $floor_us"
else
	echo "platform floor: not measured (cyclictest not installed: apt-get install rt-tests)"
fi
echo "bfd_tx_late_max_us $(fig tx_late_max_us)"
echo "bfd_tx_gap_max_us $(fig tx_gap_max_us)"
echo "bfd_loop_late_max_us $(fig loop_late_max_us)"
echo quit >&7
exec 7>&-
check "no sanitizer report" lab_ce_clean
check "cebgpd stopped" lab_ce_stop 30

# ---- the reload phase ----
GEN=$here/gen-reload-config.py
for variant in 0 1; do
	python3 "$GEN" private "$RN" $variant >"$LAB_DIR/announce.$variant"
	lab_ce_config "$LAB_DIR/ce/reload.yaml.$variant" --key none --peerings private \
		--secondary-if none --announce-file "private=$LAB_DIR/announce.$variant" \
		--global "bfd: { enabled: true, min-rx: $MS, min-tx: $MS, multiplier: 3 }"
done
cp "$LAB_DIR/ce/reload.yaml.0" "$LAB_DIR/ce/reload.yaml"
SINCE1=$(bird_bfd)
lab_ce_start "$LAB_DIR/ce/reload.yaml" --log "$LAB_DIR/ce/reload.log" ||
	{ fail "cebgpd (reload phase) started"; finish; }
check "reload phase: BFD Up again on both sides" lab_wait_for 60 eval \
	"[ \"\$(bird_bfd)\" != '$SINCE1' ] && [ \"\$(bird_bfd | awk '{ print \$1 }')\" = Up ] &&
	 ctlj show bfd | jpy 'd[\"data\"][\"sessions\"][0][\"state\"]' | grep -qx Up"
SINCE2=$(bird_bfd)
FLAPS2=$(ctlj show bfd | jpy 'd["data"]["sessions"][0]["flaps"]')
cp "$LAB_DIR/ce/reload.yaml.1" "$LAB_DIR/ce/reload.yaml"
kill -HUP "$LAB_CE_PID"
check "reload of $RN announced prefixes done" lab_wait_for 300 \
	grep -q "reloaded in" "$LAB_DIR/ce/reload.log"
sleep 1
B=$(ctlj show bfd)
check "reload phase: cebgpd's BFD never left Up" \
	eval "[ \"\$(jpy 'd[\"data\"][\"sessions\"][0][\"flaps\"]' <<<\"\$B\")\" = '$FLAPS2' ]"
check "reload phase: BIRD's BFD never left Up" eval "[ \"\$(bird_bfd)\" = '$SINCE2' ]"
echo "reload of $RN prefixes: $(grep -o 'reloaded in [0-9.]* ms' "$LAB_DIR/ce/reload.log" | tail -1);" \
	"transmit thread worst lateness $(fig tx_late_max_us) us ($(pct "$(fig tx_late_max_us)") % of $MS ms);" \
	"the loop's BFD timer late by up to $(fig loop_late_max_us) us"
echo "bfd_reload_tx_late_max_us $(fig tx_late_max_us)"
check "reload phase: no sanitizer report" lab_ce_clean "$LAB_DIR/ce/reload.log"
finish
