#!/usr/bin/env bash
# bench-reload: a reload of N announced prefixes, timed, and the longest
# step the event loop took meanwhile.
#
#   tests/bench/bench-reload.sh [N]       default 100000; `make check` runs
#                                          BENCH_RELOAD_N=2000 (a smoke size)
#
# cebgpd runs in a network namespace of its own (one per case, removed at
# the end) with two veth links and installs into that namespace's kernel.
# Per case it starts (tests/interop/lib.sh's lab_ce_config and
# lab_ce_start, with the control socket in the temp dir) on the announce
# list of tests/bench/gen-reload-config.py variant 0, waits until the
# policy's discard routes are in the kernel, switches the config to
# variant 1 (one entry in a hundred replaced) and sends SIGHUP. It prints
# cebgpd's own figures: the reload's wall time,
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
# Needs root and network namespaces (SKIP without); a cebgpd not built is
# a FAIL. Run by hand, the programs are those of ../../build.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$here/../../build}"
GEN=$here/gen-reload-config.py
N=${1:-${BENCH_RELOAD_N:-100000}}

# shellcheck source=tests/interop/lib.sh
. "$here/../interop/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
	skip "needs root and network namespaces"
fi
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
require_programs cebgpd

tmp=$(mktemp -d)
NSES=()
# Thousands of per-prefix policy warnings would hide the rest of the log.
LAB_DUMP_SKIP='policy warning'
cleanup() {
	local pid ns
	for pid in "${LAB_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	for ns in "${NSES[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# discards NS: how many discard routes cebgpd has installed in NS.
discards() {
	ip -n "$1" -4 route show table all type blackhole proto 186 | wc -l
}

# run_case NAME PEERING [--lossy]: one reload in a fresh namespace.
run_case() {
	local name=$1 peering=$2 lossy=() ns=cebgpbr$$-$1
	local conf=$tmp/$name.yaml log=$tmp/$name.log fig=$tmp/$name.fig
	local i n prev variant
	[ "${3:-}" = --lossy ] && lossy=(--peering "$peering=cap-action: aggregate"
		--peering "$peering=max-overcoverage: unbounded")
	for variant in 0 1; do
		python3 "$GEN" "$peering" "$N" $variant >"$tmp/$name.$variant" &&
			lab_ce_config "$tmp/$name.yaml.$variant" --asn 65001 --key none \
				--circuit Bench --peerings "$peering" --port 11179 \
				--announce-file "$peering=$tmp/$name.$variant" "${lossy[@]}" \
				--control "$tmp/$name.sock" || return 1
	done
	cp "$conf.0" "$conf"
	NSES+=("$ns")
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	for i in eth0 eth1; do
		ip -n "$ns" link add $i type veth peer name p$i
		ip -n "$ns" link set $i up
		ip -n "$ns" link set p$i up
	done
	: >"$fig"
	lab_ce_start "$conf" --ns "$ns" --log "$log"
	# Started, and the discard routes (if any) settled in the kernel.
	for ((i = 0; i < 600; i++)); do
		grep -q "cebgpd started" "$log" && break
		sleep 0.1
	done
	prev=-1
	for ((i = 0; i < 300; i++)); do
		n=$(discards "$ns")
		[ "$n" = "$prev" ] && break
		prev=$n
		sleep 1
	done
	echo "discard_routes_before $n" >>"$fig"
	cp "$conf.1" "$conf"
	kill -HUP "$LAB_CE_PID"
	for ((i = 0; i < 900; i++)); do
		grep -q "loop: longest step" "$log" && break
		sleep 0.1
	done
	echo "discard_routes_after $(discards "$ns")" >>"$fig"
	kill -0 "$LAB_CE_PID" 2>/dev/null && echo alive >>"$fig"
	lab_ce_stop 30
	ip netns del "$ns"
	local reloaded step
	reloaded=$(grep -o 'reloaded in [0-9.]* ms: config and policy [0-9.]* ms off the loop, applied in [0-9.]* ms ([0-9.]* ms of it on the CPU)' "$log")
	step=$(grep -o 'loop: longest step [0-9.]* ms.*on the CPU for at most [0-9.]* ms' "$log" |
		tail -n 1 | sed 's/ in the .*on the CPU for at most / (loop thread on the CPU at most /; s/$/)/')
	if [ -n "$reloaded" ] && [ -n "$step" ] && grep -q alive "$fig"; then
		pass "$name: N=$N: $reloaded; $step ($(tr '\n' ' ' <"$fig"))"
		awk -v n="$name" '/^[a-z_]+ [0-9]+$/ { print n "_" $1, $2 }' "$fig"
		echo "${name}_reload_ms $(sed 's/reloaded in \([0-9.]*\) ms.*/\1/' <<<"$reloaded")"
		echo "${name}_longest_step_ms $(awk '{ print $4 }' <<<"$step")"
		echo "${name}_longest_step_cpu_ms $(awk '{ print $(NF - 1) }' <<<"$step")"
	else
		fail "$name: no reload or no loop figure, or cebgpd died"
		grep -v 'policy warning' "$log" | tail -n 20
	fi
}

for c in "private-default private" "public-default public" \
	"private-aggregate-unbounded private --lossy"; do
	# shellcheck disable=SC2086 # NAME PEERING [--lossy]
	run_case $c || fail "${c%% *}: the case could not be set up"
done
finish
