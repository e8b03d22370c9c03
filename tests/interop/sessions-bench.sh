#!/usr/bin/env bash
# sessions-bench: how fast cebgpd takes a full table from both private legs.
#
#   sudo N=100000 tests/interop/sessions-bench.sh     (from a build directory,
#   or with top_builddir=/path/to/build; CEBGPD=/path/to/cebgpd to override)
#
# Both BIRD providers advertise N extra /24s on private peering; the figure
# is the time from cebgpd's start until both private sessions have sent
# End-of-RIB with every prefix in the Adj-RIB-In (and the Loc-RIB holding
# them as ECMP routes), plus cebgpd's resident memory then. Prints figures,
# asserts nothing. Use a build without sanitizers for meaningful numbers.
set -u
N=${N:-100000}
[ "$N" -le 131072 ] || {
	echo "sessions-bench: N is at most 131072" >&2
	exit 2
}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
lab_require
require_programs cebgpd
lab_create "sb$$" || exit 1

for r in msee1 msee2; do
	lab_bird_start "$r" >/dev/null || exit 1
	# Too many routes for the template's arguments: add them to the static
	# protocol of the generated config and reload BIRD.
	python3 - "$LAB_DIR/$r/bird.conf" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
routes = "".join("\troute %d.%d.%d.0/24 blackhole;\n" % (11 + i // 65536, i // 256 % 256, i % 256)
                 for i in range(n))
head = "protocol static static_private {\n\tipv4;\n"
conf = open(path).read().replace(head, head + routes, 1)
open(path, "w").write(conf)
PY
	lab_birdc "$r" configure >/dev/null
done
for r in msee1 msee2; do
	lab_wait_for 120 eval "lab_birdc $r show route count | grep -q '$((N + 6)) of'" || {
		echo "sessions-bench: BIRD in $r did not load $N routes" >&2
		exit 1
	}
done

lab_ce_config "$LAB_DIR/cebgpd.yaml" --global "max-received: 1000000"
total=$((N + 3))
t0=$(date +%s.%N)
lab_ce_start "$LAB_DIR/cebgpd.yaml"
pid=$LAB_CE_PID
for ((i = 0; i < 2400; i++)); do
	[ "$(grep -c "End-of-RIB received for IPv4 unicast ($total prefixes)" "$LAB_CE_LOG")" -ge 2 ] &&
		break
	sleep 0.05
done
t1=$(date +%s.%N)
echo "sessions-bench: $total prefixes on each private leg (2 x $total paths, ECMP):" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s from start to both End-of-RIBs," \
	"RSS $(ps -o rss= -p "$pid") KiB"
lab_ce_stop
