#!/usr/bin/env bash
# test-fib: cebgpd programs the Linux FIB of the ce namespace from two BIRD 2
# providers (msee1 primary, msee2 secondary), the guide's circuit.
#
# Checks: every provider prefix is one route of protocol 186 in the ce
# namespace with ECMP next hops 172.16.1.2 dev eth0.555 and 172.16.2.2 dev
# eth1.555 (private; .6 over eth*.556 for public); a route overlapping a
# peering /30 is refused with a log line; cutting the primary link leaves
# the routes on the secondary next hop by a replace (`ip monitor route` sees
# no Deleted line for them; the routes share one nexthop group, which keeps
# its id through the failover; CEBGP_NEXTHOP_OBJECTS=0 in the environment
# runs it all with next hops per route instead) and prints the failover time; restoring brings
# ECMP back; a silent peer (BIRD stopped with SIGSTOP, hold 3) is dropped at
# hold-timer expiry and the time until the FIB drops its next hop is
# printed; SIGTERM removes our routes; keep-routes-on-exit keeps them; a
# restart adopts them (no Deleted line) and removes a stale route nobody
# claims; kill -9 then restart leaves the FIB right.
#
# Needs root, network namespaces and bird2; exits 77 (SKIP) without them.
# LAB_KEEP=1 keeps the lab's directory (logs, configs) for a post-mortem.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

lab_require
require_programs cebgpd


KEY=0123456789abcdef0123456789abcdef
# msee1 runs a 3 s hold time (the silent-peer check); msee2 the default 9.
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3
# One private route covers a connected subnet of the CE (10.77.0.0/24 on
# lo): the FIB must never install it. (A route over a peering /30 never
# gets that far: the inbound policy refuses it, see test-inbound.sh.)
COVER=10.77.0.0/16
export LAB_PROVIDER_PRIVATE_ROUTES="10.1.0.0/16 10.2.0.0/16 10.3.0.0/24 $COVER"
PRIV="10.1.0.0/16 10.2.0.0/16 10.3.0.0/24"
PUB=$LAB_PROVIDER_PUBLIC_ROUTES
ALLP="$PRIV $PUB"

lab_create "cf$$" || {
	fail "lab created"
	finish
	exit 1
}
CE=$(lab_ns ce)

# write_conf FILE KEEP(true|false) [lab_ce_config OPTIONS]: the lab's
# circuit; private peering announces three /24s over a cap of 1:
# aggregating at any cost (not the default), the policy advertises
# 10.10.0.0/22 and 10.10.3.0/24 becomes a discard (blackhole) route.
write_conf() {
	local file=$1 keep=$2
	shift 2
	lab_ce_config "$file" --keep-routes-on-exit "$keep" \
		--announce private="10.10.0.0/24 10.10.1.0/24 10.10.2.0/24" \
		--peering private="max-prefixes: 1" --peering private="cap-action: aggregate" \
		--peering private="max-overcoverage: unbounded" "$@"
}
CONF=$LAB_DIR/ce/cebgpd.yaml
CONF_KEEP=$LAB_DIR/ce/cebgpd-keep.yaml
write_conf "$CONF" false
write_conf "$CONF_KEEP" true

# route PREFIX: the ce namespace's route of protocol 186 (one line per field).
route() { ip -n "$CE" -4 route show "$1" proto 186 2>/dev/null; }
# nh PREFIX: its next hops, sorted, as "gw dev" words.
nh() {
	route "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "via") { g = $(i + 1) }
		else if ($i == "dev") print g "@" $(i + 1) }' | sort | tr '\n' ' '
}
is_nh() { [ "$(nh "$1")" = "$2" ]; }
ECMP_PRIV="172.16.1.2@eth0.555 172.16.2.2@eth1.555 "
ECMP_PUB="172.16.1.6@eth0.556 172.16.2.6@eth1.556 "
SEC_PRIV="172.16.2.2@eth1.555 "
all_ecmp() {
	local p
	for p in $PRIV; do is_nh "$p" "$ECMP_PRIV" || return 1; done
	for p in $PUB; do is_nh "$p" "$ECMP_PUB" || return 1; done
}
priv_on_sec() {
	local p
	for p in $PRIV; do is_nh "$p" "$SEC_PRIV" || return 1; done
}
pub_on() { # NH
	local p
	for p in $PUB; do is_nh "$p" "$1" || return 1; done
}
none_left() { [ -z "$(ip -n "$CE" route show proto 186 2>/dev/null)" ]; }
all_present() {
	local p
	for p in $ALLP; do [ -n "$(route "$p")" ] || return 1; done
}
# nhids PREFIX...: the nexthop object ids the routes point at, one line each.
nhids() {
	local p
	for p in "$@"; do route "$p" | sed -n 's/^[^ ]* nhid \([0-9]*\) .*/\1/p'; done
}
# one_group PREFIX...: all over one nexthop group (prints its id).
one_group() {
	local ids
	ids=$(nhids "$@" | sort -u)
	[ -n "$ids" ] && [ "$(printf '%s\n' "$ids" | wc -l)" -eq 1 ] && echo "$ids"
}
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# A route monitor of the ce namespace: MON=file; deleted_any checks it.
mon_start() {
	MON=$LAB_DIR/ce/monitor.$1
	ip netns exec "$CE" ip -ts monitor route >"$MON" 2>&1 </dev/null &
	MON_PID=$!
	LAB_PIDS+=("$MON_PID")
	sleep 0.3
}
mon_stop() {
	kill -TERM "$MON_PID" 2>/dev/null
	wait "$MON_PID" 2>/dev/null
}
# no_deleted PREFIX...: the monitor saw no Deleted line for any of them.
no_deleted() {
	local p
	for p in "$@"; do
		grep "Deleted" "$MON" | grep -qwF -- "$p" && return 1
	done
	return 0
}
# mon_first PREFIX: the timestamp (s.ns since the epoch) of the first monitor
# line about PREFIX ("[2026-11-25T20:20:01.123456]" -> date -d).
mon_first() {
	local ts
	ts=$(grep -w -- "$1" "$MON" | head -n 1 | sed -n 's/^\[\([^]]*\)\].*/\1/p')
	[ -n "$ts" ] && date -d "$ts" +%s.%N 2>/dev/null
}
# wait_until TIMEOUT CMD...: tight poll (10 ms); prints the time it held.
wait_until() {
	local end t
	end=$(awk -v n="$(now)" -v t="$1" 'BEGIN { printf "%.3f", n + t }')
	shift
	while :; do
		t=$(now)
		"$@" && {
			echo "$t"
			return 0
		}
		awk -v n="$t" -v e="$end" 'BEGIN { exit !(n > e) }' && return 1
		sleep 0.01
	done
}

# ---- 1. ECMP over both legs ----

ip -n "$CE" addr add 10.77.0.1/24 dev lo

lab_bird_start msee1 --hold 3 --keepalive 1 || fail "msee1 BIRD starts"
lab_bird_start msee2 || fail "msee2 BIRD starts"
lab_ce_start "$CONF"
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s Established" lab_wait_bird_established $s 30
done
check "every provider prefix is one ECMP route over both legs (proto 186)" \
	lab_wait_for 20 all_ecmp
route 10.1.0.0/16 | sed 's/^/    /'
# shellcheck disable=SC2086
GROUP_PRIV=$(one_group $PRIV)
if [ "${CEBGP_NEXTHOP_OBJECTS:-}" = 0 ]; then
	# shellcheck disable=SC2086
	check "CEBGP_NEXTHOP_OBJECTS=0: the private routes carry their next hops (no nhid)" \
		test -z "$(nhids $PRIV)"
else
	check "the private routes share one nexthop group (nhid, a kernel with nexthop objects)" \
		test -n "$GROUP_PRIV"
fi
check "a route overlapping a connected subnet ($COVER) is not installed" \
	eval "[ -z \"\$(route $COVER)\" ]"
check "the refusal is logged" lab_wait_for 5 grep -q "not installing $COVER" "$LAB_CE_LOG"

# Discard routes for the policy's holes need advertise.c to hand its
# results to fib_discard_sync() (bgpd/fib.h).
HOLE=10.10.3.0/24
if grep -q fib_discard_sync "$top_srcdir/bgpd/advertise.c" 2>/dev/null; then
	check "discard route for the policy's hole $HOLE (blackhole, proto 186)" \
		lab_wait_for 5 eval "[ -n \"\$(ip -n $CE route show $HOLE proto 186 type blackhole)\" ]"
else
	echo "skip: discard routes (advertise.c does not call fib_discard_sync yet)"
fi

# ---- 1b. a connected subnet appearing pulls an overlapping route ----

ip -n "$CE" addr add 10.3.0.1/28 dev lo
check "a new connected subnet inside 10.3.0.0/24 pulls that route" \
	lab_wait_for 5 eval "[ -z \"\$(route 10.3.0.0/24)\" ]"
check "the pulled route is logged" \
	lab_wait_for 5 grep -q "removing 10.3.0.0/24: it overlaps the connected subnet 10.3.0.0/28 of lo" "$LAB_CE_LOG"
check "the other routes stay" is_nh 10.1.0.0/16 "$ECMP_PRIV"
ip -n "$CE" addr del 10.3.0.1/28 dev lo
check "the connected subnet gone: the route is back (ECMP)" lab_wait_for 5 all_ecmp

# ---- 2. primary link down: replaced by the secondary next hop ----

mon_start linkdown
t0=$(now)
ip -n "$CE" link set eth0.555 down
t1=$(wait_until 10 is_nh 10.1.0.0/16 "$SEC_PRIV")
check "primary link down: private routes on 172.16.2.2 via eth1.555 only" \
	lab_wait_for 5 priv_on_sec
check "primary link down: public routes still ECMP" \
	pub_on "$ECMP_PUB"
sleep 1.5 # the kernel module's resync after a link event
mon_stop
check "primary link down: a replace (no Deleted line in ip monitor)" no_deleted $PRIV
if [ -n "$GROUP_PRIV" ]; then
	# shellcheck disable=SC2086
	check "primary link down: the private routes keep their group (one replace of it)" \
		test "$(one_group $PRIV)" = "$GROUP_PRIV"
fi
if [ -n "$t1" ]; then
	tm=$(mon_first 10.1.0.0/16)
	echo "FAILOVER link down -> FIB updated: $(ms "$t0" "$t1") ms (poll)${tm:+, $(ms "$t0" "$tm") ms (ip -ts monitor)}"
fi

# ---- 3. restore: ECMP again ----

ip -n "$CE" link set eth0.555 up
check "primary link up: ECMP back" lab_wait_for 30 all_ecmp

# ---- 4. silent peer: msee1 stops talking; hold 3 expires ----

lab_wait_bird_established msee1 priv 10
sleep 1
mon_start silent
bpid=$(cat "$LAB_DIR/msee1/bird.pid")
t0=$(now)
kill -STOP "$bpid"
t1=$(wait_until 15 is_nh 10.1.0.0/16 "$SEC_PRIV")
check "silent peer: the FIB drops its next hop at hold expiry" test -n "$t1"
check "silent peer: public routes on 172.16.2.6 only" \
	lab_wait_for 5 pub_on "172.16.2.6@eth1.556 "
mon_stop
check "silent peer: a replace (no Deleted line in ip monitor)" no_deleted $ALLP
[ -n "$t1" ] && echo "SILENT PEER (hold 3) SIGSTOP -> FIB updated: $(ms "$t0" "$t1") ms"
check "silent peer: hold timer expiry logged" \
	grep -q "172.16.1.2 .*Established -> Idle: hold timer expired" "$LAB_CE_LOG"
kill -CONT "$bpid"
check "silent peer back: ECMP again" lab_wait_for 40 all_ecmp

# ---- 4b. reload ----

# A reset of the public primary session alone (its own hold time): the
# daemon rebuilds its session list; the public routes must go to the
# secondary by a replace, never be deleted, and come back to ECMP.
cp "$CONF" "$LAB_DIR/ce/base.yaml"
write_conf "$CONF" false --peering public="primary: { timers: { hold: 12, keepalive: 4 } }"
mon_start reload
kill -HUP "$LAB_CE_PID"
check "reload resetting the public primary: logged" \
	lab_wait_for 10 grep -q "1GbpsCircuit public primary.*reset" "$LAB_CE_LOG"
check "reload: public routes back to ECMP" lab_wait_for 30 all_ecmp
mon_stop
check "reload: no Deleted line for any provider route" no_deleted $ALLP
# install: false on the private peering takes its routes out; back in again.
write_conf "$CONF" false --peering private="install: false" \
	--peering public="primary: { timers: { hold: 12, keepalive: 4 } }"
kill -HUP "$LAB_CE_PID"
_priv_gone() {
	local p
	for p in $PRIV; do [ -z "$(route "$p")" ] || return 1; done
}
check "reload with install: false: the private routes leave the FIB" lab_wait_for 10 _priv_gone
check "install: false: the public routes stay" pub_on "$ECMP_PUB"
write_conf "$CONF" false --peering public="primary: { timers: { hold: 12, keepalive: 4 } }"
kill -HUP "$LAB_CE_PID"
check "reload with install back on: ECMP again" lab_wait_for 10 all_ecmp
cp "$LAB_DIR/ce/base.yaml" "$CONF"

# ---- 5. SIGTERM removes our routes ----

check "SIGTERM: cebgpd exits 0" lab_ce_stop
check "SIGTERM: our routes are removed" lab_wait_for 5 none_left
check "SIGTERM: no sanitizer report" lab_ce_clean

# ---- 6. keep-routes-on-exit ----

lab_ce_start "$CONF_KEEP" --log "$LAB_DIR/ce/cebgpd-keep.log"
check "keep-routes-on-exit run: ECMP installed" lab_wait_for 30 all_ecmp
check "keep-routes-on-exit: exits 0" lab_ce_stop
sleep 0.5
check "keep-routes-on-exit: routes stay after SIGTERM" all_ecmp

# ---- 7. restart over a previous run's routes: adopt, sweep the stale one ----

STALE=10.99.0.0/16
ip -n "$CE" route add "$STALE" via 172.16.1.2 dev eth0.555 proto 186
mon_start restart
lab_ce_start "$CONF" --log "$LAB_DIR/ce/cebgpd-restart.log"
# Within 60 s: before the kernel module's own 120 s, so by fib's sweep on
# End-of-RIB from every session.
check "restart: the unclaimed stale route $STALE is removed" \
	lab_wait_for 60 eval "[ -z \"\$(route $STALE)\" ]"
check "restart: the sweep on End-of-RIB is logged" \
	grep -q "removing 1 unclaimed route of the previous run" "$LAB_CE_LOG"
check "restart: ECMP right" lab_wait_for 10 all_ecmp
mon_stop
check "restart: adopted routes never deleted (no Deleted line)" no_deleted $ALLP

# ---- 8. kill -9, then restart ----

kill -KILL "$LAB_CE_PID"
wait "$LAB_CE_PID" 2>/dev/null
check "kill -9: routes stay" all_ecmp
ip -n "$CE" route add "$STALE" via 172.16.2.2 dev eth1.555 proto 186
mon_start crash
lab_ce_start "$CONF" --log "$LAB_DIR/ce/cebgpd-crash.log"
check "after kill -9: the stale route is removed" \
	lab_wait_for 60 eval "[ -z \"\$(route $STALE)\" ]"
check "after kill -9: ECMP right" lab_wait_for 10 all_ecmp
mon_stop
check "after kill -9: adopted routes never deleted" no_deleted $ALLP
lab_ce_stop
check "final SIGTERM: exits 0, routes removed" eval "test $? -eq 0 && lab_wait_for 5 none_left"
check "no sanitizer report in any run" \
	eval "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' '$LAB_DIR'/ce/cebgpd*.log"

finish
