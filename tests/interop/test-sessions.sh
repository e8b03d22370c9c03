#!/usr/bin/env bash
# test-sessions: cebgpd in the ce namespace against two BIRD 2 providers
# (AS 12076, TCP-MD5), the guide's circuit: four sessions on eth0.555,
# eth1.555, eth0.556, eth1.556.
#
# Checks: all four sessions Established (BIRD's view and cebgpd's SIGUSR1
# dump); the provider's routes on the right sessions (VNet prefixes on
# private only, service prefixes on public only); a wrong MD5 key on one
# session keeps only that session down; a provider with no key at all cannot
# bring a session up, BIRD active or passive; stopping msee1's BIRD leaves
# the secondary sessions up and restarting it re-establishes; SIGTERM sends
# the RFC 9003 shutdown communication BIRD logs; cebgpd exits 0 and its log
# has no sanitizer report.
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
WRONG=ffffffffffffffffffffffffffffffff
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3

lab_create "cs$$" || {
	fail "lab created"
	finish
	exit 1
}
CE_LOG=$LAB_DIR/ce/cebgpd.log
CE_CONF=$LAB_DIR/ce/cebgpd.yaml
CE_PID=
LAB_DUMP_LINES=80

# The lab's circuit. Its router-id is set, not derived from the session
# addresses: the reload below removes sessions, and a derived identifier
# would change and reset the others.
lab_ce_config "$CE_CONF"

PRIV_PRI=1GbpsCircuit/private/primary
PRIV_SEC=1GbpsCircuit/private/secondary
PUB_PRI=1GbpsCircuit/public/primary
PUB_SEC=1GbpsCircuit/public/secondary
ALL="$PRIV_PRI $PRIV_SEC $PUB_PRI $PUB_SEC"

# ---- helpers reading cebgpd's SIGUSR1 dump ----

# ce_dump: ask for a dump and print its lines (without the log prefix).
ce_dump() {
	local before
	before=$(grep -c 'dump: end' "$CE_LOG" 2>/dev/null)
	kill -USR1 "$CE_PID" 2>/dev/null || return 1
	lab_wait_for 10 _dump_done "$before" || return 1
	awk '/ dump: [0-9]+ sessions/ { n = 0; delete l }
	     / dump: / { sub(/^.* dump: /, ""); l[n++] = $0 }
	     END { for (i = 0; i < n; i++) print l[i] }' "$CE_LOG"
}
_dump_done() {
	[ "$(grep -c 'dump: end' "$CE_LOG" 2>/dev/null)" -gt "$1" ]
}
# ce_state KEY: the session's state in a fresh dump.
ce_state() {
	ce_dump | awk -v k="$1" '$1 == "session" && $2 == k {
		for (i = 3; i < NF; i++) if ($i == "state") { print $(i + 1); exit } }'
}
_ce_is() { [ "$(ce_state "$1")" = "$2" ]; }
ce_wait_state() { # KEY STATE TIMEOUT
	lab_wait_for "$3" _ce_is "$1" "$2"
}
# ce_routes KEY: sorted prefixes of the session's Adj-RIB-In.
ce_routes() {
	ce_dump | awk -v k="$1" '$1 == "route" && $2 == k { print $3 }' | sort -u
}
sorted() { tr ' ' '\n' <<<"$*" | sed '/^$/d' | sort -u; }

bird_up() { _lab_is_established "$1" "$2"; }
bird_never_up() { # ROUTER PROTO SECONDS: never Established during SECONDS
	local end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		bird_up "$1" "$2" && return 1
		sleep 0.5
	done
	return 0
}
all_bird_up() { # TIMEOUT
	lab_wait_bird_established msee1 priv "$1" && lab_wait_bird_established msee1 pub "$1" &&
		lab_wait_bird_established msee2 priv "$1" && lab_wait_bird_established msee2 pub "$1"
}

# ---- 0. a missing interface or address: a clear line and retries, no exit ----

MISS_CONF=$LAB_DIR/ce/missing.yaml
MISS_LOG=$LAB_DIR/ce/missing.log
lab_ce_config "$MISS_CONF" --circuit Missing --primary-if eth7 --secondary-if eth0 \
	--peerings private --subnets "private=172.16.9.0/30 172.16.9.4/30" --announce private= \
	--control "$LAB_DIR/ce/missing.sock"
lab_ce_start "$MISS_CONF" --log "$MISS_LOG" -- --port 1179
MISS_PID=$LAB_CE_PID
check "missing interface: logged" \
	lab_wait_for 15 grep -q "cannot connect: interface eth7.555 does not exist" "$MISS_LOG"
check "missing address: logged" \
	lab_wait_for 15 grep -q "cannot connect: address 172.16.9.5 is not configured on eth0.555" "$MISS_LOG"
sleep 3
check "missing interface and address: cebgpd keeps running (and retrying)" \
	eval "kill -0 $MISS_PID && [ \$(grep -c 'Idle -> Connect' '$MISS_LOG') -ge 4 ]"
check "missing interface and address: SIGTERM exits 0" lab_ce_stop 15 "$MISS_PID"
check "missing interface and address: no sanitizer report" lab_ce_clean "$MISS_LOG"

# ---- 1. all four sessions, routes on the right sessions ----

lab_bird_start msee1 || fail "msee1 BIRD starts"
lab_bird_start msee2 --passive on || fail "msee2 BIRD starts (passive)"
lab_ce_start "$CE_CONF"
CE_PID=$LAB_CE_PID

for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s Established" lab_wait_bird_established $s 30
done
for k in $ALL; do
	check "cebgpd $k Established" ce_wait_state "$k" Established 10
done

# The provider sends its routes right after Established: wait for them.
want_priv=$(sorted "$LAB_PROVIDER_PRIVATE_ROUTES")
want_pub=$(sorted "$LAB_PROVIDER_PUBLIC_ROUTES")
_routes_are() { [ "$(ce_routes "$1")" = "$2" ]; }
for k in $PRIV_PRI $PRIV_SEC; do
	check "$k received exactly the VNet prefixes" lab_wait_for 10 _routes_are "$k" "$want_priv"
done
for k in $PUB_PRI $PUB_SEC; do
	check "$k received exactly the service prefixes" lab_wait_for 10 _routes_are "$k" "$want_pub"
done

# Loc-RIB: each provider prefix is one ECMP route over both legs.
_ecmp() { # PREFIX NH1 NH2
	ce_dump | awk -v p="$1" -v a="$2" -v b="$3" '$1 == "loc-rib" && $2 == p {
		s = " " $0 " "; if (index(s, " " a) && index(s, " " b)) ok = 1 }
		END { exit !ok }'
}
check "Loc-RIB: 10.1.0.0/16 is ECMP over 172.16.1.2 and 172.16.2.2" \
	_ecmp 10.1.0.0/16 172.16.1.2 172.16.2.2
check "Loc-RIB: 13.64.0.0/11 is ECMP over 172.16.1.6 and 172.16.2.6" \
	_ecmp 13.64.0.0/11 172.16.1.6 172.16.2.6

# ---- 2. stopping the primary router leaves the secondary sessions up ----

lab_bird_stop msee1
check "msee1 stopped: cebgpd private primary leaves Established" \
	lab_wait_for 15 eval "! _ce_is $PRIV_PRI Established"
check "msee1 stopped: msee2 priv stays Established" bird_up msee2 priv
check "msee1 stopped: msee2 pub stays Established" bird_up msee2 pub
check "msee1 stopped: cebgpd private secondary stays Established" _ce_is "$PRIV_SEC" Established
check "msee1 stopped: cebgpd public secondary stays Established" _ce_is "$PUB_SEC" Established
check "msee1 stopped: its routes are withdrawn" _routes_are "$PRIV_PRI" ""
lab_bird_start msee1 || fail "msee1 BIRD restarts"
check "msee1 restarted: priv re-established" lab_wait_bird_established msee1 priv 30
check "msee1 restarted: pub re-established" lab_wait_bird_established msee1 pub 30
check "msee1 restarted: cebgpd private primary Established" \
	ce_wait_state "$PRIV_PRI" Established 10

# ---- 3. a sub-interface going down drops its session at once ----

ip -n "$(lab_ns ce)" link set eth1.556 down
check "eth1.556 down: public secondary leaves Established within 3 s (hold is 9)" \
	lab_wait_for 3 eval "! _ce_is $PUB_SEC Established"
check "eth1.556 down: the others stay Established" \
	eval "_ce_is $PRIV_PRI Established && _ce_is $PRIV_SEC Established && _ce_is $PUB_PRI Established"
ip -n "$(lab_ns ce)" link set eth1.556 up
check "eth1.556 up: public secondary Established again" ce_wait_state "$PUB_SEC" Established 20
check "state changes are logged with their cause" \
	grep -q "public secondary): Established -> Idle: interface eth1.556 went down" "$CE_LOG"

# ---- 4. SIGHUP with an invalid config: rejected, nothing disturbed ----

cp "$CE_CONF" "$CE_CONF.good"
sed -i 's/^asn: 65520/asn: 23456/' "$CE_CONF"
kill -HUP "$CE_PID"
check "invalid reload is rejected" lab_wait_for 10 grep -q "reload rejected" "$CE_LOG"
check "invalid reload: the error is logged with its position" grep -q "cebgpd.yaml:1:6: error" "$CE_LOG"
cp "$CE_CONF.good" "$CE_CONF"
check "invalid reload: all sessions still Established" \
	eval "_ce_is $PRIV_PRI Established && _ce_is $PRIV_SEC Established && _ce_is $PUB_PRI Established && _ce_is $PUB_SEC Established"
kill -HUP "$CE_PID"
check "valid reload keeps every session" lab_wait_for 10 grep -q "reloaded: 4 sessions kept" "$CE_LOG"

# ---- 5. reload: removed sessions get Peer De-configured, max-received applies ----

# Without the secondary link, and a received-prefix limit of 2 on private
# peering (the providers send 3 there).
lab_ce_config "$CE_CONF" --secondary-if none --peering private="max-received: 2"
kill -HUP "$CE_PID"
check "reload: msee2 told Peer De-configured" \
	lab_wait_for 10 eval "lab_bird_log msee2 | grep -q 'priv: Received: Peer de-configured'"
check "reload: primary sessions kept Established" \
	eval "_ce_is $PRIV_PRI Established && _ce_is $PUB_PRI Established"
check "reload: the dump has two sessions" eval "[ \$(ce_dump | grep -c '^session ') -eq 2 ]"
lab_bird_stop msee1
lab_bird_start msee1 || fail "msee1 BIRD restarts"
check "max-received 2: msee1 priv told Maximum Number of Prefixes Reached" \
	lab_wait_for 20 eval "lab_bird_log msee1 | grep -q 'priv: Received: Maximum number of prefixes reached'"
check "max-received 2: public primary unaffected" ce_wait_state "$PUB_PRI" Established 20
check "max-received 2: cebgpd logs the limit" grep -q "more than the limit of 2" "$CE_LOG"
cp "$CE_CONF.good" "$CE_CONF"
kill -HUP "$CE_PID"
check "reload back: all four Established again" all_bird_up 30
check "reload back: cebgpd private primary Established" ce_wait_state "$PRIV_PRI" Established 20

# A transport change (the private peering's timers) resets those sessions
# only, with Cease / Other Configuration Change; public peering is kept.
lab_ce_config "$CE_CONF" --peering private="timers: { hold: 12, keepalive: 4 }"
kill -HUP "$CE_PID"
check "reload, timers changed: msee2 priv told Other Configuration Change" \
	lab_wait_for 10 eval "lab_bird_log msee2 | grep -q 'priv: Received: Other configuration change'"
check "reload, timers changed: public sessions kept" \
	grep -q "reloaded: 2 sessions kept" "$CE_LOG"
check "reload, timers changed: private primary back with hold 9 (BIRD's is smaller)" \
	ce_wait_state "$PRIV_PRI" Established 20
cp "$CE_CONF.good" "$CE_CONF"
kill -HUP "$CE_PID"
check "reload back again: all four Established" all_bird_up 30

# ---- 6. a wrong MD5 key on one session keeps only that one down ----

lab_bird_stop msee1
lab_bird_start msee1 --key "priv=$WRONG" || fail "msee1 BIRD restarts with a wrong key"
check "wrong key: msee1 pub Established" lab_wait_bird_established msee1 pub 30
check "wrong key: msee1 priv never Established" bird_never_up msee1 priv 12
check "wrong key: cebgpd private primary not Established" eval "! _ce_is $PRIV_PRI Established"
check "wrong key: msee2 priv still Established" bird_up msee2 priv
check "wrong key: msee2 pub still Established" bird_up msee2 pub

# ---- 7. no key at all: neither BIRD active (priv) nor passive (pub) gets in ----

lab_bird_stop msee1
lab_bird_start msee1 --key none --passive pub=on || fail "msee1 BIRD restarts without a key"
check "no key: msee1 priv (BIRD connects) never Established" bird_never_up msee1 priv 12
check "no key: msee1 pub (BIRD passive) never Established" bird_never_up msee1 pub 1
check "no key: cebgpd public primary not Established" eval "! _ce_is $PUB_PRI Established"
check "no key: msee2 sessions still Established" eval "bird_up msee2 priv && bird_up msee2 pub"

# ---- 7b. RFC 7606 on the wire: bad UPDATEs on one session disturb no other ----

if command -v python3 >/dev/null 2>&1; then
	lab_bird_stop msee1
	FAKE_BIN=$LAB_DIR/msee1/fake.bin FAKE_TRIGGER=$LAB_DIR/msee1/fake.trigger
	: >"$FAKE_BIN"
	lab_in msee1 python3 "$top_srcdir/tests/interop/fake-provider.py" \
		172.16.1.2 179 172.16.1.1 "$KEY" "$FAKE_BIN" "$FAKE_TRIGGER" >/dev/null 2>&1 &
	FAKE_PID=$!
	LAB_PIDS+=("$FAKE_PID")
	check "RFC 7606: the scripted provider's session is Established" \
		ce_wait_state "$PRIV_PRI" Established 20
	_has_route() { ce_dump | grep -q "^route $1 $2 $3"; }
	check "RFC 7606: the valid route is in the Adj-RIB-In" \
		lab_wait_for 10 _has_route "$PRIV_PRI" 10.9.0.0/16 nexthop
	check "RFC 7606: ORIGIN 7 is treat-as-withdraw: kept as an invalid path" \
		lab_wait_for 10 _has_route "$PRIV_PRI" 10.8.0.0/16 invalid
	check "RFC 7606: treat-as-withdraw logged, session still Established" \
		eval "grep -q 'UPDATE error, treat-as-withdraw' '$CE_LOG' && _ce_is $PRIV_PRI Established"
	touch "$FAKE_TRIGGER"
	# UPDATE Message Error (3) / Invalid Network Field (10): marker, length, type 3, 3, 10.
	check "RFC 7606: a bad NLRI resets the session with UPDATE Message Error / Invalid Network Field" \
		lab_wait_for 10 eval "od -An -tx1 -v '$FAKE_BIN' | tr -d ' \n' | grep -qE 'f{32}[0-9a-f]{4}03030a'"
	check "RFC 7606: private primary left Established" \
		lab_wait_for 10 eval "! _ce_is $PRIV_PRI Established"
	check "RFC 7606: msee2's sessions undisturbed" \
		eval "bird_up msee2 priv && bird_up msee2 pub && _ce_is $PRIV_SEC Established && _ce_is $PUB_SEC Established"
	kill -TERM "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
fi

# ---- 8. SIGTERM: Cease / Administrative Shutdown with a shutdown communication ----

lab_bird_stop msee1
lab_bird_start msee1 || fail "msee1 BIRD restarts with the key"
check "before SIGTERM: all four Established" all_bird_up 30
lab_ce_stop 10 "$CE_PID"
rc=$?
if [ "$rc" -eq 137 ]; then
	fail "cebgpd exits within 10 s of SIGTERM"
else
	check "cebgpd exits 0 on SIGTERM" test "$rc" -eq 0
fi
_bird_got_shutdown() {
	lab_birdc "$1" show protocols all "$2" 2>/dev/null | grep -q "Administrative shutdown" ||
		lab_bird_log "$1" | grep -q "$2: Received: Administrative shutdown"
}
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s received Administrative shutdown" lab_wait_for 5 _bird_got_shutdown $s
done
check "BIRD logged the shutdown communication" \
	eval "lab_bird_log msee1 | grep -q 'cebgpd shutting down'"

# ---- 9. connection collision (RFC 4271 §6.8) ----

# A silent MD5 peer on msee1's 172.16.1.2:179 holds cebgpd's own connection
# in OpenSent; BIRD (listening on 1179) then connects to cebgpd: two
# connections, and the BGP identifiers decide which one stays.
lab_bird_stop msee1
lab_bird_stop msee2
collision() { # NAME ROUTER_ID: run one collision; sets COLL_LOG, COLL_BIN
	local name=$1 rid=$2 conf=$LAB_DIR/ce/$1.yaml
	COLL_LOG=$LAB_DIR/ce/$name.log COLL_BIN=$LAB_DIR/msee1/$name.bin
	lab_ce_config "$conf" --router-id "$rid" --secondary-if none
	: >"$COLL_BIN"
	lab_in msee1 python3 "$top_srcdir/tests/interop/silent-peer.py" \
		172.16.1.2 179 172.16.1.1 "$KEY" "$COLL_BIN" >/dev/null 2>&1 &
	SILENT_PID=$!
	LAB_PIDS+=("$SILENT_PID")
	sleep 0.5
	lab_ce_start "$conf" --log "$COLL_LOG"
	COLL_PID=$LAB_CE_PID
	lab_wait_for 10 eval "[ \$(stat -c %s '$COLL_BIN') -ge 19 ]" ||
		fail "$name: cebgpd's OPEN reached the silent peer"
	lab_bird_start msee1 --port 1179 || fail "$name: msee1 BIRD starts on port 1179"
}
collision_end() {
	check "$1: cebgpd exits 0" lab_ce_stop 15 "$COLL_PID"
	check "$1: no sanitizer report" lab_ce_clean "$COLL_LOG"
	kill -TERM "$SILENT_PID" 2>/dev/null
	wait "$SILENT_PID" 2>/dev/null
	lab_bird_stop msee1
}
# Cease / Connection Collision Resolution: length 21, type 3, code 6, subcode 7.
CEASE7=ffffffffffffffffffffffffffffffff0015030607

if ! command -v python3 >/dev/null 2>&1; then
	echo "note: python3 missing, collision checks not run"
else
# Our identifier 10.0.0.1 < BIRD's 172.16.1.2: the peer's connection stays.
collision collision-lower 10.0.0.1
check "collision, lower id: BIRD's connection becomes Established" \
	lab_wait_bird_established msee1 priv 15
check "collision, lower id: cebgpd keeps the connection the peer initiated" \
	grep -q "private primary): .*connection collision: keeping the connection the peer initiated" "$COLL_LOG"
check "collision, lower id: our connection closed with Cease / Connection Collision Resolution" \
	lab_wait_for 5 eval "od -An -tx1 -v '$COLL_BIN' | tr -d ' \n' | grep -q $CEASE7"
collision_end "collision, lower id"

# Our identifier 192.0.2.1 > 172.16.1.2: our connection stays, BIRD's goes.
collision collision-higher 192.0.2.1
check "collision, higher id: BIRD told Connection Collision Resolution" \
	lab_wait_for 15 eval "lab_bird_log msee1 | grep -q 'priv: Received: Connection collision resolution'"
check "collision, higher id: cebgpd keeps the connection it initiated" \
	grep -q "private primary): .*connection collision: keeping the connection we initiated" "$COLL_LOG"
check "collision, higher id: our connection is not dumped" \
	eval "! od -An -tx1 -v '$COLL_BIN' | tr -d ' \n' | grep -q $CEASE7"
collision_end "collision, higher id"
fi

# ---- 10. sanitizers ----

check "no sanitizer report in cebgpd's log" lab_ce_clean "$CE_LOG"

finish
