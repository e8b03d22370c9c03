#!/usr/bin/env bash
# bench-reload: a reload of N announced prefixes, timed, and the longest
# step the event loop took meanwhile.
#
#   tests/bench/bench-reload.sh [N]       default 100000; `make check` runs
#                                          BENCH_RELOAD_N=2000 (a smoke size)
#
# cebgpd runs in a network namespace of its own (`unshare -n`, so nothing
# to clean up) with two veth links and installs into that namespace's
# kernel. Per case it starts on the config of tests/bench/gen-reload-config.py
# variant 0, waits until the policy's discard routes are in the kernel,
# switches the file to variant 1 (one entry in a hundred replaced) and
# sends SIGHUP. It prints cebgpd's own figures: the reload's wall time,
# the part spent off the loop (config and policy in the worker thread),
# the part applied on the loop, and the longest loop step measured from
# the SIGHUP until 10 s after it (bgpd/looplag.c; the promise is 50 ms):
# as the loop's lateness, and as the loop thread's own CPU time between
# two probes (on a busy machine the lateness includes waiting for a CPU).
#
# Cases: private and public peering with the defaults (no over-coverage on
# public, bounded on private: a small result), and private with the old
# defaults (`cap-action: aggregate`, `max-overcoverage: unbounded`): 2988
# aggregates whose 620k holes all become discard routes, the case that
# froze a reload for minutes when fib.c matched them by linear search.
#
# Figures, not asserts: the checks are that each reload happened and the
# daemon is still there. Last line: "bench-reload: N passed, M failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$here/../../build}
CEBGPD=${CEBGPD:-$top_builddir/bgpd/cebgpd}
GEN=$here/gen-reload-config.py
N=${1:-${BENCH_RELOAD_N:-100000}}
PASSED=0
FAILED=0

if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
	echo "SKIP: needs root and network namespaces"
	exit 77
fi
[ -x "$CEBGPD" ] || { echo "SKIP: $CEBGPD not built"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_case NAME PEERING [--lossy]: one reload in a fresh namespace.
run_case() {
	local name=$1 peering=$2 lossy=${3:-}
	local conf=$tmp/$name.yaml log=$tmp/$name.log
	python3 "$GEN" "$peering" "$N" 0 $lossy >"$conf" || return 1
	python3 "$GEN" "$peering" "$N" 1 $lossy >"$tmp/$name.next" || return 1
	timeout 600 unshare -n bash -c '
		conf=$1 next=$2 log=$3 bin=$4
		ip link set lo up
		for l in eth0 eth1; do
			ip link add $l type veth peer name p$l
			ip link set $l up
			ip link set p$l up
		done
		"$bin" -d -f "$conf" --port 11179 >"$log" 2>&1 </dev/null &
		pid=$!
		# Started, and the discard routes (if any) settled in the kernel.
		for i in $(seq 1 600); do
			grep -q "cebgpd started" "$log" && break
			sleep 0.1
		done
		prev=-1
		for i in $(seq 1 300); do
			n=$(ip -4 route show table all type blackhole proto 186 | wc -l)
			[ "$n" = "$prev" ] && break
			prev=$n
			sleep 1
		done
		echo "discard_routes_before $n" >>"$log.fig"
		cp "$next" "$conf"
		kill -HUP $pid
		for i in $(seq 1 900); do
			grep -q "loop: longest step" "$log" && break
			sleep 0.1
		done
		n=$(ip -4 route show table all type blackhole proto 186 | wc -l)
		echo "discard_routes_after $n" >>"$log.fig"
		kill -0 $pid 2>/dev/null && echo alive >>"$log.fig"
		kill -TERM $pid
		wait $pid
	' case "$conf" "$tmp/$name.next" "$log" "$CEBGPD"
	local reloaded step
	reloaded=$(grep -o 'reloaded in [0-9.]* ms: config and policy [0-9.]* ms off the loop, applied in [0-9.]* ms ([0-9.]* ms of it on the CPU)' "$log")
	step=$(grep -o 'loop: longest step [0-9.]* ms.*on the CPU for at most [0-9.]* ms' "$log" |
		tail -n 1 | sed 's/ in the .*on the CPU for at most / (loop thread on the CPU at most /; s/$/)/')
	if [ -n "$reloaded" ] && [ -n "$step" ] && grep -q alive "$log.fig"; then
		PASSED=$((PASSED + 1))
		echo "ok: $name: N=$N: $reloaded; $step ($(tr '\n' ' ' <"$log.fig"))"
		awk -v n="$name" '/^[a-z_]+ [0-9]+$/ { print n "_" $1, $2 }' "$log.fig"
		echo "${name}_reload_ms $(sed 's/reloaded in \([0-9.]*\) ms.*/\1/' <<<"$reloaded")"
		echo "${name}_longest_step_ms $(awk '{ print $4 }' <<<"$step")"
		echo "${name}_longest_step_cpu_ms $(awk '{ print $(NF - 1) }' <<<"$step")"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL: $name: no reload or no loop figure, or cebgpd died"
		grep -v 'policy warning' "$log" | tail -n 20
	fi
}

run_case private-default private
run_case public-default public
run_case private-aggregate-unbounded private --lossy
echo "bench-reload: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
