#!/usr/bin/env bash
# bench-e2e: cebgpd, BIRD 2 and OpenBGPD as the CE, each taking the same
# table from the same feeder over a real BGP session, beside the kernel's
# own floor on this machine; one table of medians with the ratios the
# performance goals are stated in.
#
#   tests/bench/bench-e2e.sh [OPTIONS] [N]      N prefixes, default 1000000
#
#   -r R          runs per daemon and floor; medians over them (default 1)
#   --random      the feeder sends the prefixes in a random order
#   --md5         the sessions use TCP-MD5 (the lab's key)
#   --only LIST   a subset of "cebgp bird openbgpd floor" (default: all
#                 that are installed)
#   --poll S      seconds between two looks at the RIB and FIB (default
#                 0.1, 0.25 from 200000 prefixes: a look costs CPU too)
#
# Every step is also a counted assertion (the session came up, every count
# matched; never a time), so the output ends with "bench-e2e: N passed, M
# failed"; `make check` runs it at 2000 prefixes (bench-e2e-smoke.sh).
#
# Needs root, network namespaces and a build: run it from the build
# directory, or set top_builddir (CEBGPD, CEBGPCTL and BENCH_FEED name other
# binaries). Use a build without sanitizers (./configure without
# --enable-sanitizers) for figures worth quoting; a full 1M run takes
# 10-15 minutes and wants an otherwise idle machine. Times are polled, so
# they are good to the poll interval.
#
# The lab (tests/interop/lib.sh): the CE namespace and a provider namespace
# joined by one veth (172.16.1.1/30 CE, 172.16.1.2/30 provider). The feeder
# (tests/bench/bench_feed) listens in the provider namespace as AS 12076;
# the daemon under test connects from the CE namespace as AS 65520, hold
# time 90 s, and installs into the CE's main table. Per run and daemon:
#
#   start        RSS of the daemon once established (VmRSS of every process
#                in the CE namespace: OpenBGPD's four are summed, so their
#                shared pages count more than once; the deltas less so)
#   -> RIB       from the feeder's first UPDATE byte until the daemon
#                counts all N prefixes accepted (cebgpctl, birdc, bgpctl)
#   -> FIB       ... until the CE's main table holds N more routes
#                (counted from /proc/net/fib_triestat, which costs little
#                at 1M; the exact count of routes of the daemon's protocol
#                is checked once at the end of each phase)
#   push         the feeder's own time until the daemon's TCP acknowledged
#                the last byte
#   bytes/route  (RSS with the table - RSS at start) / N
#   withdraw     the feeder withdraws all N: times until RIB and FIB are
#                empty, then RSS two seconds later
#   peer down    the table again, then the feeder sends Cease and closes:
#                times until RIB and FIB are empty
#   longest step cebgp only, per withdraw and peer down: the longest step
#                of its event loop from cebgpd's "loop: longest step" log
#                line, and its own CPU time in it (the goal: <= 50 ms)
#
# The floors: `ip -batch` in the same CE namespace, no daemon running, of the
# same prefixes in the same order: each route with its gateway, each route
# pointing at one nexthop object (`nexthop add id` + `route add ... nhid`),
# and the per-route delete of both. ip waits for each route's answer before
# sending the next, so on a loaded machine every wait for the CPU adds to
# the floor: compare the floor and the daemons from one quiet run.
# Beside it the batched floor: tests/bench/bench_kernel sends the same
# prefixes, queued in the same order, in 32 KiB batches through
# cebgpd's netlink writer alone, no BGP in front, in a namespace of its
# own, then withdraws them one by one; -> FIB and the FIB-empty times are
# held to it when it ran. The writer takes a large backlog in a scattered
# order (lib/kroute.c), which the kernel's IPv4 trie takes about twice as
# fast as a sorted table, so this floor is the kernel at its best.
#
# OpenBGPD's portable release has no Linux FIB code: fib-update is set, and
# when no route reaches the kernel its FIB figures are "n/a" (RIB only).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
TEST_NAME=bench-e2e
# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
FEED=${BENCH_FEED:-$top_builddir/tests/bench/bench_feed}

N=1000000 RUNS=1 RANDOM_ORDER=0 MD5=0 POLL='' ONLY="cebgp bird openbgpd floor"
while [ $# -gt 0 ]; do
	case "$1" in
	-r) RUNS=$2 && shift ;;
	--random) RANDOM_ORDER=1 ;;
	--md5) MD5=1 ;;
	--only) ONLY=$2 && shift ;;
	--poll) POLL=$2 && shift ;;
	[0-9]*) N=$1 ;;
	*)
		echo "usage: bench-e2e.sh [-r RUNS] [--random] [--md5] [--only LIST] [--poll S] [N]" >&2
		exit 2
		;;
	esac
	shift
done
[ -n "$POLL" ] || { [ "$N" -ge 200000 ] && POLL=0.25 || POLL=0.1; }
# Bounds: every wait ends. A phase may take a minute plus 200 us a prefix
# (BIRD has needed a minute for 1M routes into the kernel on a loaded
# 2-core machine).
LIMIT=$((60 + N / 5000))

lab_require
[ -x "$FEED" ] || skip "$FEED not built (make tests/bench/bench_feed)"
for d in $ONLY; do
	case $d in
	cebgp) require_programs cebgpd ;;
	bird) ;;
	openbgpd)
		if ! command -v bgpd >/dev/null || ! command -v bgpctl >/dev/null; then
			skip_case "openbgpd: not installed (apt-get install openbgpd)"
			ONLY=${ONLY/openbgpd/}
		fi
		;;
	floor) ;;
	*) echo "bench-e2e: unknown --only entry $d" >&2 && exit 2 ;;
	esac
done
lab_create "e2e$$" || exit 1
# What on_exit_dump shows when a step failed (besides cebgpd's log).
LAB_DUMP_FILES="$LAB_DIR/feed.*.log $LAB_DIR/bird.out $LAB_DIR/bird.log $LAB_DIR/bgpd.out"

CE=$(lab_ns ce) PROV=$(lab_ns msee1)
CE_IP=172.16.1.1 PROV_IP=172.16.1.2 CE_IF=eth0.555
KEY=$LAB_MD5_KEY
declare -A R # "daemon:figure" -> values of every run, space-separated

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
note() { echo "bench-e2e: $*" >&2; }
record() { R[$1]+="$2 "; }

# Routes in the CE's main table (local and connected ones included).
fib_total()
{
	ip netns exec "$CE" awk '/^Main:/ { m = 1 } m && /Prefixes:/ { print $2; exit }' \
		/proc/net/fib_triestat
}
FIB_BASE=$(fib_total)

# RSS of every process in the CE namespace (the daemon under test), in KiB;
# FIELD is VmRSS or VmHWM.
ce_mem()
{
	local pid t=0 v
	for pid in $(ip netns pids "$CE"); do
		v=$(awk -v f="$1:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# ---- the feeder ----

FEED_PID='' FEED_LOG='' FEED_FD=''
feed_start()
{
	local fifo=$LAB_DIR/feed.in md5=() order=()
	FEED_LOG=$LAB_DIR/feed.$1.log
	rm -f "$fifo" && mkfifo "$fifo"
	[ "$MD5" = 1 ] && md5=(--md5 "$KEY")
	[ "$RANDOM_ORDER" = 1 ] && order=(--random)
	ip netns exec "$PROV" "$FEED" --listen "$PROV_IP" --peer "$CE_IP" --as "$LAB_PROVIDER_AS" \
		--peer-as "$LAB_CUSTOMER_AS" --prefixes "$N" --hold 90 --timeout "$LIMIT" \
		"${md5[@]}" "${order[@]}" <"$fifo" >"$FEED_LOG" 2>&1 &
	FEED_PID=$!
	LAB_PIDS+=("$FEED_PID")
	exec {FEED_FD}>"$fifo"
	lab_wait_for 10 grep -q '^listening' "$FEED_LOG"
}
feed_cmd() { echo "$1" >&"$FEED_FD"; }
# feed_stop: end of input for the feeder (it exits, if the close command
# has not ended it already); true if it exited 0 by itself within 5 s
# without a sanitizer report, else it is killed.
feed_stop()
{
	local i rc
	[ -n "$FEED_FD" ] && exec {FEED_FD}>&-
	FEED_FD=''
	for ((i = 0; i < 25; i++)); do
		kill -0 "$FEED_PID" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$FEED_PID" 2>/dev/null; then
		lab_stop "$FEED_PID" 5
		return 1
	fi
	wait "$FEED_PID"
	rc=$?
	[ "$rc" = 0 ] && lab_ce_clean "$FEED_LOG"
}
# feed_time EVENT [NTH]: the t= of the NTH (default last) EVENT line.
feed_time()
{
	awk -v e="$1" -v n="${2:-0}" '$1 == e { c++; for (i = 2; i <= NF; i++)
		if ($i ~ /^t=/) t[c] = substr($i, 3) }
		END { print (n ? t[n] : t[c]) }' "$FEED_LOG"
}
feed_field() # EVENT FIELD: the last value of FIELD= on an EVENT line
{
	awk -v e="$1" -v f="$2=" '$1 == e { for (i = 2; i <= NF; i++)
		if (index($i, f) == 1) v = substr($i, length(f) + 1) } END { print v }' "$FEED_LOG"
}
# feed_wait EVENT COUNT: wait until the log has COUNT EVENT lines.
feed_wait()
{
	lab_wait_for "$LIMIT" eval "[ \$(grep -c '^$1 ' '$FEED_LOG') -ge $2 ]"
}

# ---- the daemons: start, RIB count, protocol for `ip route`, stop ----

cebgp_start()
{
	local key=none
	[ "$MD5" = 1 ] && key=$KEY
	lab_ce_config "$LAB_DIR/cebgpd.yaml" --peerings private --secondary-if none --key "$key" \
		--hold 90 --keepalive 30 --global "max-received: $((N + 1000))" \
		--peering private="accept: [0.0.0.0/0]" --announce private="10.10.0.0/16"
	lab_ce_start "$LAB_DIR/cebgpd.yaml"
	DAEMON_PID=$LAB_CE_PID
	# Which FIB path the figures are for: nexthop objects, or next hops per
	# route (a kernel without them, or CEBGP_NEXTHOP_OBJECTS=0).
	lab_wait_for 5 grep -q 'kernel: .*\(nexthop\|next hops per route\)' "$LAB_CE_LOG"
	note "cebgp: $(grep -o 'kernel: [^(]*\(nexthop\|next hops per route\).*' "$LAB_CE_LOG" | head -n 1)"
}
cebgp_rib()
{
	"$CEBGPCTL" -s "$LAB_DIR/ce/cebgpd.sock" -j show bgp summary 2>/dev/null |
		grep -o '"prefixes_accepted": *[0-9]*' | grep -o '[0-9]*$' | head -1
}
cebgp_proto() { echo bgp; }
cebgp_stop() { lab_ce_stop 15 "$DAEMON_PID" >/dev/null 2>&1; }

bird_start()
{
	local pw=''
	[ "$MD5" = 1 ] && pw="password \"$KEY\";"
	cat >"$LAB_DIR/bird.conf" <<-EOF
		log "$LAB_DIR/bird.log" { warning, error, fatal };
		router id 192.0.2.1;
		protocol device { }
		# One session, so one path a prefix; merge paths is what a CE
		# with two legs would run (ECMP into the kernel).
		protocol kernel kern4 {
			ipv4 { import none; export all; };
			merge paths on;
		}
		protocol bgp feed {
			local $CE_IP as $LAB_CUSTOMER_AS;
			neighbor $PROV_IP as $LAB_PROVIDER_AS;
			hold time 90;
			$pw
			ipv4 { import all; export none; };
		}
	EOF
	DAEMON_PID=$(lab_spawn ce "$LAB_DIR/bird.out" bird -f -c "$LAB_DIR/bird.conf" \
		-s "$LAB_DIR/bird.ctl" -P "$LAB_DIR/bird.pid")
}
bird_rib()
{
	birdc -s "$LAB_DIR/bird.ctl" show protocols all feed 2>/dev/null |
		awk '/Routes:/ { print $2; f = 1 } END { if (!f) print 0 }'
}
bird_proto() { echo bird; }
bird_stop() { lab_stop "$DAEMON_PID" 15; }

openbgpd_start()
{
	local pw=''
	[ "$MD5" = 1 ] && pw="tcp md5sig password $KEY"
	cat >"$LAB_DIR/bgpd.conf" <<-EOF
		AS $LAB_CUSTOMER_AS
		router-id 192.0.2.1
		socket "$LAB_DIR/bgpd.sock"
		fib-update yes
		holdtime 90
		listen on $CE_IP
		neighbor $PROV_IP {
			remote-as $LAB_PROVIDER_AS
			local-address $CE_IP
			$pw
		}
		allow from any
	EOF
	chmod 644 "$LAB_DIR/bgpd.conf"
	# Its unprivileged processes chroot to _openbgpd's home (systemd's
	# RuntimeDirectory when it runs as a service).
	mkdir -p /run/openbgpd
	DAEMON_PID=$(lab_spawn ce "$LAB_DIR/bgpd.out" bgpd -d -f "$LAB_DIR/bgpd.conf")
}
openbgpd_rib()
{
	# The RDE's prefix entries: with one peer each prefix is one in the
	# Adj-RIB-In and one in the Loc-RIB, so half of them (rounded up: an
	# odd count is a table on its way in or out). Not the neighbor's
	# "Prefixes received", which drops to 0 the moment the session goes
	# down while the RDE is still flushing the table.
	bgpctl -s "$LAB_DIR/bgpd.sock" show rib memory 2>/dev/null |
		awk '$2 == "prefix" && $3 == "entries" { print int(($1 + 1) / 2); f = 1 }
		     END { if (!f) print 0 }'
}
openbgpd_proto() { echo bgp; }
openbgpd_stop() { lab_stop "$DAEMON_PID" 15; }

# ---- measuring ----

# cebgpd logs the longest step of its event loop in a window that opens
# with withdrawals or a session down and closes 2 s after the last of that
# work (the FIB's drain included). lag_mark, then lag_wait TAG after the
# phase: waits (bounded) for the window's line and records TAG-step and
# TAG-stepcpu (ms: the lateness, and the loop thread's own CPU time between
# two probes, which a busy machine does not inflate).
LAG_MARK=0
lag_lines() { grep -c 'loop: longest step' "$LAB_CE_LOG" 2>/dev/null; }
lag_mark() { LAG_MARK=$(lag_lines); }
lag_wait()
{
	local i line
	for ((i = 0; i < 150; i++)); do
		[ "$(lag_lines)" -gt "$LAG_MARK" ] && break
		sleep 0.1
	done
	line=$(grep -o 'loop: longest step [0-9.]* ms.*at most [0-9.]* ms' "$LAB_CE_LOG" | tail -n 1)
	if [ "$(lag_lines)" -gt "$LAG_MARK" ] && [ -n "$line" ]; then
		record "cebgp:$1-step" "$(awk '{ print $4 }' <<<"$line")"
		record "cebgp:$1-stepcpu" "$(awk '{ print $(NF - 1) }' <<<"$line")"
	else
		record "cebgp:$1-step" -
		record "cebgp:$1-stepcpu" -
	fi
}

# wait_tables DAEMON RIB FIB T0 TAG: poll until the daemon's RIB counts RIB
# prefixes and the CE's FIB holds FIB routes beyond its base ("-" skips
# either); record TAG-rib and TAG-fib as seconds since T0. A count that
# never comes is recorded as "-" and the step fails.
wait_tables()
{
	local d=$1 rib=$2 fib=$3 t0=$4 tag=$5 r='' f='' t trib='' tfib=''
	local deadline=$((SECONDS + LIMIT))
	[ "$rib" = - ] && trib=-
	[ "$fib" = - ] && tfib=-
	while [ -z "$trib" ] || [ -z "$tfib" ]; do
		# Each count is stamped when it is asked for: a daemon slow to
		# answer its control socket does not delay the other stamp.
		t=$(now)
		[ -z "$trib" ] && r=$("${d}_rib") && [ "${r:-x}" = "$rib" ] && trib=$t
		t=$(now)
		[ -z "$tfib" ] && f=$(($(fib_total) - FIB_BASE)) && [ "$f" = "$fib" ] && tfib=$t
		[ -n "$trib" ] && [ -n "$tfib" ] && break
		if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			note "$d $tag: RIB ${r:-?} of $rib, FIB ${f:-?} of $fib; gave up"
			break
		fi
		sleep "$POLL"
	done
	[ "$rib" = - ] || record "$d:$tag-rib" "$([ -n "$trib" ] && sub "$trib" "$t0" || echo -)"
	[ "$fib" = - ] || record "$d:$tag-fib" "$([ -n "$tfib" ] && sub "$tfib" "$t0" || echo -)"
	[ -n "$trib" ] && [ -n "$tfib" ]
}

# The routes of the daemon's protocol in the CE, counted exactly (once a
# phase: at 1M this takes a few seconds).
proto_routes() { ip -n "$CE" -4 route show proto "$("${1}_proto")" | wc -l; }

step() # MESSAGE COMMAND...: a counted assertion that returns the status
{
	local what=$1
	shift
	if "$@"; then
		pass "$what"
		return 0
	fi
	fail "$what"
	return 1
}

# run_daemon DAEMON RUN: one run of one daemon through every phase.
run_daemon()
{
	local d=$1 run=$2 fib=$N rss0 t0 rss
	note "$d, run $run: $N prefixes"
	feed_start "$d.$run" || { fail "$d: the feeder does not listen"; return 1; }
	"${d}_start"
	step "$d: session established" feed_wait established 1 || { "${d}_stop"; feed_stop; return 1; }
	sleep 1
	rss0=$(ce_mem VmRSS)
	record "$d:rss0" "$rss0"

	feed_cmd announce
	feed_wait announce_start 1
	t0=$(feed_time announce_start)
	if [ "$d" = openbgpd ]; then
		# Portable OpenBGPD may install nothing on Linux: then it is RIB only.
		step "$d: $N prefixes in the RIB" wait_tables "$d" "$N" - "$t0" ann
		sleep 2
		if [ $(($(fib_total) - FIB_BASE)) -gt 0 ]; then
			step "$d: $N routes in the FIB" wait_tables "$d" - "$N" "$t0" ann
		else
			fib=-
			note "openbgpd installed nothing in the kernel: RIB only"
		fi
	else
		step "$d: $N prefixes in the RIB and the FIB" wait_tables "$d" "$N" "$N" "$t0" ann
	fi
	feed_wait announce_acked 1 && record "$d:push" "$(feed_field announce_acked seconds)"
	[ "$fib" = - ] || step "$d: $N routes of proto $("${d}_proto") in the kernel" \
		[ "$(proto_routes "$d")" = "$N" ]
	rss=$(ce_mem VmRSS)
	record "$d:rss" "$rss"
	record "$d:hwm" "$(ce_mem VmHWM)"
	record "$d:bpr" "$(awk -v a="$rss" -v b="$rss0" -v n="$N" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')"

	[ "$d" = cebgp ] && lag_mark
	feed_cmd withdraw
	feed_wait withdraw_start 1
	t0=$(feed_time withdraw_start)
	step "$d: withdrawing all empties the RIB$([ "$fib" = - ] || echo " and the FIB")" \
		wait_tables "$d" 0 "$([ "$fib" = - ] && echo - || echo 0)" "$t0" wd
	[ "$d" = cebgp ] && lag_wait wd
	sleep 2
	record "$d:rss-wd" "$(ce_mem VmRSS)"

	feed_cmd announce
	feed_wait announce_start 2
	t0=$(feed_time announce_start 2)
	step "$d: the table again" wait_tables "$d" "$N" "$fib" "$t0" ann2
	[ "$d" = cebgp ] && lag_mark
	feed_cmd close
	feed_wait closed 1
	t0=$(feed_time closed)
	step "$d: peer down empties the RIB$([ "$fib" = - ] || echo " and the FIB")" \
		wait_tables "$d" 0 "$([ "$fib" = - ] && echo - || echo 0)" "$t0" down
	[ "$d" = cebgp ] && lag_wait down
	[ "$fib" = - ] || step "$d: no route of proto $("${d}_proto") left" \
		[ "$(proto_routes "$d")" = 0 ]
	"${d}_stop"
	step "$d: the feeder ended cleanly" feed_stop
	# Whatever a daemon left must not count for the next one.
	ip -n "$CE" route flush proto bgp 2>/dev/null
	ip -n "$CE" route flush proto bird 2>/dev/null
	[ "$d" = cebgp ] && check "cebgp: no sanitizer report" lab_ce_clean
	return 0
}

# ---- the floor: ip -batch in the CE namespace, nothing else running ----

batch_time() # FILE: seconds for `ip -batch FILE` in the CE
{
	local s e
	s=$(now)
	ip -n "$CE" -batch "$1" >/dev/null 2>"$LAB_DIR/batch.err" || {
		note "ip -batch $1: $(head -3 "$LAB_DIR/batch.err")"
		echo -
		return 1
	}
	e=$(now)
	sub "$e" "$s"
}

run_floor()
{
	local run=$1 p=$LAB_DIR/prefixes order=() t
	note "floor, run $run: $N routes"
	[ "$RANDOM_ORDER" = 1 ] && order=(--random)
	[ -s "$p" ] || "$FEED" --print "$N" "${order[@]}" >"$p"
	[ -s "$LAB_DIR/gw.add" ] || {
		awk -v gw="$PROV_IP" -v dev="$CE_IF" \
			'{ print "route add " $1 " via " gw " dev " dev " proto bgp" }' "$p" >"$LAB_DIR/gw.add"
		awk '{ print "route del " $1 " proto bgp" }' "$p" >"$LAB_DIR/del"
		{
			echo "nexthop add id 4242 via $PROV_IP dev $CE_IF"
			awk '{ print "route add " $1 " nhid 4242 proto bgp" }' "$p"
		} >"$LAB_DIR/nh.add"
	}
	t=$(batch_time "$LAB_DIR/gw.add") && record floor:gw "$t"
	step "floor: $N gateway routes installed" [ "$(proto_routes cebgp)" = "$N" ]
	t=$(batch_time "$LAB_DIR/del") && record floor:del "$t"
	step "floor: and deleted" [ "$(proto_routes cebgp)" = 0 ]
	t=$(batch_time "$LAB_DIR/nh.add") && record floor:nh "$t"
	step "floor: $N routes on a nexthop object installed" [ "$(proto_routes cebgp)" = "$N" ]
	t=$(batch_time "$LAB_DIR/del") && record floor:nhdel "$t"
	step "floor: and deleted" [ "$(proto_routes cebgp)" = 0 ]
	ip -n "$CE" nexthop del id 4242 2>/dev/null
	run_floor_batched
}

# The batched floor: ip waits for each route's answer before it sends the
# next, so it measures round trips more than the kernel. bench_kernel
# sends the same N prefixes in the same order in 32 KiB batches through cebgpd's own netlink writer
# (bgpd/kernel.c, over nexthop objects where the kernel has them) with no
# BGP, RIB or queue in front, in a namespace of its own: what the kernel
# can take, the floor cebgpd's -> FIB is held to.
run_floor_batched()
{
	local bk=${BENCH_KERNEL:-$top_builddir/tests/bench/bench_kernel} out t
	[ -x "$bk" ] || { note "floor: $bk not built: no batched floor"; return; }
	out=$("$bk" --from "$LAB_DIR/prefixes" "$N" 2>&1 | grep '^bench_kernel: [0-9]* routes:')
	t=$(sed -n 's/.*all ACKed after \([0-9.]*\) s.*/\1/p' <<<"$out")
	[ -n "$t" ] && record floor:nl "$t"
	t=$(sed -n 's/.*withdrawn \([0-9.]*\) s.*/\1/p' <<<"$out")
	[ -n "$t" ] && record floor:nldel "$t"
	step "floor: $N routes installed and withdrawn in batches (bench_kernel)" [ -n "$t" ]
}

# ---- the table ----

median() # KEY: the median of the recorded values ("-" if any run failed)
{
	local v=${R[$1]:-}
	[ -n "$v" ] || { echo -; return; }
	echo "$v" | tr ' ' '\n' | grep -v '^$' | sort -g |
		awk '$1 == "-" { bad = 1 } { v[NR] = $1 } END { print bad ? "-" : v[int((NR + 1) / 2)] }'
}

report()
{
	local -A m
	local k
	for k in "${!R[@]}"; do m[$k]=$(median "$k"); done
	awk -v n="$N" -v runs="$RUNS" -v order="$([ "$RANDOM_ORDER" = 1 ] && echo random || echo dump)" \
		-v data="$(for k in "${!m[@]}"; do echo "$k=${m[$k]}"; done)" '
	function v(k) { return (k in m) ? m[k] : "" }
	function num(x) { return x != "" && x != "-" && x != "n/a" }
	function cell(x, fmt) { return num(x) ? sprintf(fmt, x) : (x == "" ? "" : x) }
	function mib(k) { return num(v(k)) ? v(k) / 1024 : v(k) }
	function ratio(a, b, goal, what,   r) {
		if (!num(a) || !num(b) || b == 0) return "n/a (no " what " figure)"
		r = a / b
		return sprintf("%5.2f x %s (goal <= %.2f) %s", r, what, goal, r <= goal ? "met" : "NOT MET")
	}
	# The bound for a mass withdraw by peer down: an empty RIB in
	# under 1 s; the time OpenBGPD took beside it, for the record.
	function under1s(a, b) {
		if (!num(a)) return "n/a"
		return sprintf("%.3f s (goal < 1 s) %s%s", a, a < 1 ? "met" : "NOT MET",
			num(b) && b > 0 ? sprintf("; %.2f x OpenBGPD", a / b) : "")
	}
	# The goal is 50 ms a step; the CPU figure bounds our own part of it.
	function steptext(ms, cpu) {
		if (!num(ms)) return "n/a"
		return sprintf("%.1f ms on the CPU (goal <= 50) %s", cpu, num(cpu) && cpu <= 50 ? "met" : "NOT MET")
	}
	function row(name, k, fmt, ratiotext,   d, line) {
		line = sprintf("%-28s", name)
		for (d = 1; d <= 3; d++) line = line sprintf(" %10s", cell(v(ds[d] ":" k), fmt))
		printf "%s  %s\n", line, ratiotext
	}
	BEGIN {
		split(data, kv, "\n")
		for (i in kv) { split(kv[i], p, "="); if (p[1] != "") m[p[1]] = p[2] }
		ds[1] = "cebgp"; ds[2] = "bird"; ds[3] = "openbgpd"
		for (d = 1; d <= 3; d++) {
			m[ds[d] ":rss0m"] = mib(ds[d] ":rss0"); m[ds[d] ":rssm"] = mib(ds[d] ":rss")
			m[ds[d] ":hwmm"] = mib(ds[d] ":hwm"); m[ds[d] ":rsswdm"] = mib(ds[d] ":rss-wd")
			if (num(v(ds[d] ":rss-wd")) && num(v(ds[d] ":rss0")))
				m[ds[d] ":wdgrow"] = (v(ds[d] ":rss-wd") - v(ds[d] ":rss0")) / 1024
			if (v(ds[d] ":ann-rib") != "" && v(ds[d] ":ann-fib") == "") {
				m[ds[d] ":ann-fib"] = m[ds[d] ":wd-fib"] = m[ds[d] ":down-fib"] = m[ds[d] ":ann2-fib"] = "n/a"
			}
		}
		printf "bench-e2e: %d prefixes (%s order), median of %d run(s)\n", n, order, runs
		printf "%-28s %10s %10s %10s  %s\n", "figure", "cebgp", "BIRD 2", "OpenBGPD", "cebgp against the goal"
		row("-> RIB (s)", "ann-rib", "%.3f", ratio(v("cebgp:ann-rib"), v("openbgpd:ann-rib"), 0.8, "OpenBGPD"))
		# The batched floor when it was measured, else the ip -batch one.
		fl = v("floor:nl") != "" ? "floor:nl" : "floor:nh"; fld = v("floor:nldel") != "" ? "floor:nldel" : "floor:del"
		fln = v("floor:nl") != "" ? "batched floor" : "nexthop floor"; fldn = v("floor:nldel") != "" ? "batched delete floor" : "delete floor"
		row("-> FIB (s)", "ann-fib", "%.3f", ratio(v("cebgp:ann-fib"), v(fl), 1.15, fln))
		row("feeder push, acked (s)", "push", "%.3f", "")
		row("RSS at start (MiB)", "rss0m", "%.1f", "")
		row("RSS with the table (MiB)", "rssm", "%.1f", "")
		row("peak RSS (MiB)", "hwmm", "%.1f", "")
		row("bytes/route", "bpr", "%.0f", ratio(v("cebgp:bpr"), v("bird:bpr"), 0.9, "BIRD"))
		row("RSS after withdraw (MiB)", "rsswdm", "%.1f", "")
		row("  minus RSS at start (MiB)", "wdgrow", "%.1f",
			num(v("cebgp:wdgrow")) ? sprintf("%.1f MiB (goal <= 20) %s", v("cebgp:wdgrow"),
				v("cebgp:wdgrow") <= 20 ? "met" : "NOT MET") : "n/a")
		row("withdraw -> RIB empty (s)", "wd-rib", "%.3f", ratio(v("cebgp:wd-rib"), v("openbgpd:wd-rib"), 1.5, "OpenBGPD"))
		row("withdraw -> FIB empty (s)", "wd-fib", "%.3f", ratio(v("cebgp:wd-fib"), v(fld), 1.15, fldn))
		row("peer down -> RIB empty (s)", "down-rib", "%.3f", under1s(v("cebgp:down-rib"), v("openbgpd:down-rib")))
		row("peer down -> FIB empty (s)", "down-fib", "%.3f", ratio(v("cebgp:down-fib"), v(fld), 1.15, fldn))
		row("withdraw: longest step (ms)", "wd-step", "%.1f", steptext(v("cebgp:wd-step"), v("cebgp:wd-stepcpu")))
		row("peer down: longest step (ms)", "down-step", "%.1f", steptext(v("cebgp:down-step"), v("cebgp:down-stepcpu")))
		row("table again -> RIB (s)", "ann2-rib", "%.3f", "")
		row("table again -> FIB (s)", "ann2-fib", "%.3f", "")
		if (v("floor:gw") == "")
			print "kernel floor: not measured (--only)"
		else
			printf "kernel floor (ip -batch): %s s with gateways, %s s on one nexthop object; delete %s s (gateway routes), %s s (nexthop routes)\n",
				cell(v("floor:gw"), "%.3f"), cell(v("floor:nh"), "%.3f"), cell(v("floor:del"), "%.3f"), cell(v("floor:nhdel"), "%.3f")
		if (v("floor:nl") != "")
			printf "kernel floor (batched, bench_kernel: cebgpd'"'"'s netlink writer alone): install %s s, withdraw %s s\n",
				cell(v("floor:nl"), "%.3f"), cell(v("floor:nldel"), "%.3f")
	}'
}

note "$(uname -r), $(nproc) CPU(s), $N prefixes, $RUNS run(s), poll $POLL s"
for ((run = 1; run <= RUNS; run++)); do
	for d in $ONLY; do
		case $d in
		floor) run_floor "$run" ;;
		*) run_daemon "$d" "$run" ;;
		esac
	done
done
report
finish
