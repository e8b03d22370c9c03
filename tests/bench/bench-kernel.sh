#!/usr/bin/env bash
# FIB install rate: cebgp's kernel module against the floor on this machine.
#
#   tests/bench/bench-kernel.sh [N...]     default: 100000 (median of 3), 1000000 (once)
#
# Ours: bench_kernel N installs N IPv4 routes (/24../32, one next hop over a
# veth) through kernel_route_set() in a fresh network namespace and times
# until the kernel has answered for all of them. The floor: `ip -batch` of
# the very same routes (bench_kernel --print) in another fresh namespace,
# same veth setup. For reference, when BIRD 2 is installed (and BENCH_BIRD
# is not 0): BIRD's static + kernel protocols with the same routes, timed
# from start until all are in the FIB (its config parse included).
# Every namespace comes from `unshare -n`, so it has no
# name to clash with and disappears with its process. Use an optimised
# build without sanitizers for figures worth quoting:
#   mkdir build-bench && cd build-bench && ../configure && make tests/bench/bench_kernel
#   BENCH_KERNEL=build-bench/tests/bench/bench_kernel tests/bench/bench-kernel.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${BENCH_KERNEL:-${top_builddir:-$here/../../build}/tests/bench/bench_kernel}
if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
	echo "SKIP: needs root and network namespaces"
	exit 77
fi
[ -x "$bin" ] || { echo "bench-kernel: no $bin (build it, or set BENCH_KERNEL)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ours() { # N -> seconds
	"$bin" "$1" | tee "$tmp/ours.log" | awk '/^install_seconds/ { print $2 }'
	grep '^bench_kernel:' "$tmp/ours.log" >&2
}

floor() { # N -> seconds; ip -batch in a namespace of its own
	"$bin" --print "$1" >"$tmp/batch"
	unshare -n bash -c '
		set -e
		ip link add va0 type veth peer name vb0
		ip link set lo up; ip link set va0 up; ip link set vb0 up
		ip addr add 172.16.1.1/30 dev va0
		s=$(date +%s%N)
		ip -batch "$1" >/dev/null
		e=$(date +%s%N)
		n=$(ip -4 route show proto 186 | wc -l)
		[ "$n" -eq "$2" ] || { echo "floor: $n of $2 routes installed" >&2; exit 1; }
		echo "$(( (e - s) / 1000000 ))" | awk "{ printf \"%.3f\n\", \$1 / 1000 }"
	' floor "$tmp/batch" "$1"
}

bird_time() { # N -> seconds; BIRD in a namespace of its own
	"$bin" --print "$1" | awk '
		BEGIN { print "router id 192.0.2.1;"
			print "protocol device {}"
			print "protocol kernel kern1 { ipv4 { export all; import none; }; }"
			print "protocol static static1 { ipv4;" }
		{ print "route " $3 " via 172.16.1.2;" }
		END { print "}" }' >"$tmp/bird.conf"
	timeout 600 unshare -n bash -c '
		set -e
		ip link add va0 type veth peer name vb0
		ip link set lo up; ip link set va0 up; ip link set vb0 up
		ip addr add 172.16.1.1/30 dev va0
		s=$(date +%s%N)
		bird -f -c "$1/bird.conf" -s "$1/bird.ctl" -P "$1/bird.pid" &
		pid=$!
		trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null" EXIT
		while [ "$(ip -4 route show proto bird | wc -l)" -lt "$2" ]; do
			kill -0 "$pid" || { echo "bird died" >&2; exit 1; }
			sleep 0.1
		done
		e=$(date +%s%N)
		echo "$(( (e - s) / 1000000 ))" | awk "{ printf \"%.3f\n\", \$1 / 1000 }"
	' bird "$tmp" "$1"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

run() { # N runs
	local n=$1 runs=$2 o f i
	o=$(for i in $(seq "$runs"); do ours "$n"; done | median)
	f=$(for i in $(seq "$runs"); do floor "$n"; done | median)
	awk -v n="$n" -v r="$runs" -v o="$o" -v f="$f" 'BEGIN {
		printf "%8d routes (median of %d): cebgp %7.3f s (%6.0f/s)   ip -batch %7.3f s (%6.0f/s)   floor/cebgp %.2fx\n",
			n, r, o, n / o, f, n / f, f / o }'
	if [ "${BENCH_BIRD:-1}" != 0 ] && command -v bird >/dev/null; then
		b=$(bird_time "$n")
		awk -v n="$n" -v o="$o" -v b="$b" 'BEGIN {
			printf "%8d routes (once):        BIRD 2 %7.3f s (%6.0f/s)   BIRD/cebgp %.2fx\n",
				n, b, n / b, b / o }'
	fi
}

echo "bench-kernel: $(uname -r), $(nproc) CPU(s)"
if [ $# -gt 0 ]; then
	for n in "$@"; do run "$n" 1; done
else
	run 100000 3
	run 1000000 1
fi
