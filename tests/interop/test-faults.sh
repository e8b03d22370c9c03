#!/usr/bin/env bash
# test-faults: cebgpd under faults in the lab (tests/interop/lib.sh), two
# BIRD 2 providers, four sessions, short timers (hold 9, keepalive 3,
# connect-retry 2, idle-hold 1).
#
# Checks: (1) msee1's BIRD stopped and started: msee2's sessions stay up
# and keep every route throughout, the FIB is ECMP again after; (2) 50 link
# flaps of eth0.555: cebgpd alive, the session back, the FIB exactly right;
# (3) 50 SIGHUPs alternating two valid configs: no reset of the unchanged
# sessions (BIRD's "since" unchanged), alive, the advertised set of the last
# config; (4) control clients that close mid-response (and one that never
# reads): cebgpd answers `show version` quickly; the request size limit;
# (5) kill -9 and restart: stale routes cleaned or adopted, sessions back,
# FIB right; (6) ~98000 public /24s advertised while msee1's BIRD is
# SIGSTOPped: RSS bounded, msee2 gets them all, msee1 dropped and back.
#
# Needs root, network namespaces and bird2; exits 77 (SKIP) without them.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
CTL=$CEBGPCTL

lab_require
command -v python3 >/dev/null || lab_skip "no python3"
require_programs

KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3
PRIV=$LAB_PROVIDER_PRIVATE_ROUTES
PUB=$LAB_PROVIDER_PUBLIC_ROUTES

lab_create "cx$$" || {
	fail "lab created"
	finish
	exit 1
}
CE=$(lab_ns ce)
CE_PID=
CE_LOG=$LAB_DIR/ce/cebgpd.log
SOCK=$LAB_DIR/ce/ctl.sock

# write_conf FILE [lab_ce_config OPTIONS]: the configs of the SIGHUP storm
# differ only in the public announce list.
write_conf() {
	local file=$1
	shift
	lab_ce_config "$file" --control "$SOCK" --announce private=10.10.0.0/16 "$@"
}
CONF=$LAB_DIR/ce/cebgpd.yaml
CONF_A=$LAB_DIR/ce/a.yaml
CONF_B=$LAB_DIR/ce/b.yaml
write_conf "$CONF_A" --announce public="216.221.239.232/29"
write_conf "$CONF_B" --announce public="216.221.239.232/29 216.221.239.240/29"
cp "$CONF_A" "$CONF"

# ce_start: cebgpd on $CONF; a restart appends to the same log.
ce_start() {
	lab_ce_start "$CONF" --append
	CE_PID=$LAB_CE_PID
}
alive() { kill -0 "$CE_PID" 2>/dev/null; }
ctl() { timeout 5 "$CTL" -s "$SOCK" "$@"; }

route() { ip -n "$CE" -4 route show "$1" proto 186 2>/dev/null; }
nh() {
	route "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "via") { g = $(i + 1) }
		else if ($i == "dev") print g "@" $(i + 1) }' | sort | tr '\n' ' '
}
ECMP_PRIV="172.16.1.2@eth0.555 172.16.2.2@eth1.555 "
ECMP_PUB="172.16.1.6@eth0.556 172.16.2.6@eth1.556 "
# fib_exact: every provider prefix ECMP over both legs, and nothing else of
# proto 186 but those (and blackholes of our own policy, if any).
fib_exact() {
	local p want got
	for p in $PRIV; do [ "$(nh "$p")" = "$ECMP_PRIV" ] || return 1; done
	for p in $PUB; do [ "$(nh "$p")" = "$ECMP_PUB" ] || return 1; done
	want=$(printf '%s\n' $PRIV $PUB | sort)
	got=$(ip -n "$CE" -4 route show proto 186 | awk '/^[0-9]/ { print $1 }' | sort)
	[ "$want" = "$got" ]
}
sessions_up() {
	local s
	for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
		# shellcheck disable=SC2086
		lab_bird_is_established $s || return 1
	done
}
# routes_ok ROUTER: ROUTER's BIRD has every CE route on both peerings.
routes_ok() {
	[ "$(lab_bird_routes "$1" priv)" = "10.10.0.0/16" ] &&
		lab_bird_routes "$1" pub | grep -qx 216.221.239.232/29
}
# since ROUTER PROTO: BIRD's "since" column of the session (changes on reset).
since() { lab_bird_since "$@"; }
# fast_version: `cebgpctl show version` answers within 2 s.
fast_version() { timeout 2 "$CTL" -s "$SOCK" show version >/dev/null 2>&1; }

T_START=$(date +%s)
lab_bird_start msee1 || fail "msee1 BIRD starts"
lab_bird_start msee2 || fail "msee2 BIRD starts"
ce_start
check "four sessions Established" lab_wait_for 40 sessions_up
check "FIB exact: ECMP over both legs" lab_wait_for 20 fib_exact

# ---- 1. provider router restart ----
S2P=$(since msee2 priv)
S2U=$(since msee2 pub)
WATCH=$LAB_DIR/watch.bad
rm -f "$WATCH"
(
	end=$((SECONDS + 40))
	while [ ! -e "$LAB_DIR/watch.stop" ] && [ $SECONDS -lt $end ]; do
		lab_bird_is_established msee2 priv && lab_bird_is_established msee2 pub &&
			routes_ok msee2 || echo "$(date +%T) msee2 lost state" >>"$WATCH"
		for p in $PRIV $PUB; do
			[ -n "$(route "$p")" ] || echo "$(date +%T) $p missing from FIB" >>"$WATCH"
		done
		sleep 0.3
	done
) &
WPID=$!
LAB_PIDS+=("$WPID")
lab_bird_stop msee1
check "msee1 down: private routes on the secondary only" \
	lab_wait_for 20 eval '[ "$(nh 10.1.0.0/16)" = "172.16.2.2@eth1.555 " ]'
lab_bird_start msee1 || fail "msee1 BIRD restarts"
check "msee1 back: its sessions Established" lab_wait_for 40 sessions_up
check "msee1 back: FIB ECMP-exact" lab_wait_for 20 fib_exact
check "msee1 back: msee1 has every CE route" lab_wait_for 10 routes_ok msee1
touch "$LAB_DIR/watch.stop"
wait "$WPID"
check "msee2's sessions stayed up with every route, FIB never lost a prefix" \
	eval "[ ! -s '$WATCH' ]"
[ -s "$WATCH" ] && head -5 "$WATCH"
check "msee2's sessions never reset (BIRD since unchanged)" \
	eval 'lab_bird_unchanged msee2 priv "$S2P" && lab_bird_unchanged msee2 pub "$S2U"'

# ---- 2. 50 link flaps of eth0.555 ----
for ((i = 0; i < 50; i++)); do
	ip -n "$CE" link set eth0.555 down
	sleep 0.1
	ip -n "$CE" link set eth0.555 up
	sleep 0.1
done
check "after 50 flaps: cebgpd alive" alive
check "after 50 flaps: msee1 priv Established again" lab_wait_bird_established msee1 priv 60
check "after 50 flaps: FIB exact (ECMP for private)" lab_wait_for 30 fib_exact
ip -n "$CE" -4 route show proto 186 | sed 's/^/    /'

# ---- 3. SIGHUP storm ----
lab_wait_for 30 sessions_up
sleep 1
declare -A S0
for r in msee1 msee2; do S0[$r]=$(since $r priv); done
for ((i = 0; i < 50; i++)); do
	if ((i % 2)); then cp "$CONF_B" "$CONF.tmp"; else cp "$CONF_A" "$CONF.tmp"; fi
	mv -f "$CONF.tmp" "$CONF"
	kill -HUP "$CE_PID"
	sleep 0.05
done
# The last one was config B (i = 49): two public prefixes.
check "SIGHUP storm: cebgpd alive" alive
check "SIGHUP storm: cebgpd answers" lab_wait_for 10 fast_version
sleep 3
check "SIGHUP storm: private sessions not reset (BIRD since unchanged)" \
	eval 'lab_bird_unchanged msee1 priv "${S0[msee1]}" && lab_bird_unchanged msee2 priv "${S0[msee2]}"'
pub_b() {
	[ "$(lab_bird_routes "$1" pub | tr '\n' ' ')" = "216.221.239.232/29 216.221.239.240/29 " ]
}
check "SIGHUP storm: msee1 has config B's public set" lab_wait_for 20 pub_b msee1
check "SIGHUP storm: msee2 has config B's public set" lab_wait_for 20 pub_b msee2
check "SIGHUP storm: private set unchanged" eval 'routes_ok msee1 && routes_ok msee2'
check "SIGHUP storm: four sessions up" lab_wait_for 20 sessions_up

# ---- 4. control clients that vanish, one that never reads ----
timeout 60 ip netns exec "$CE" python3 - "$SOCK" <<'PY' >"$LAB_DIR/ctl-abuse.log" 2>&1 &
import json, socket, struct, sys, time
path = sys.argv[1]
def frame(cmd):
    b = json.dumps({"command": cmd}).encode()
    return struct.pack("!I", len(b)) + b
# A client that sends 20 requests and never reads.
lazy = socket.socket(socket.AF_UNIX)
lazy.connect(path)
for _ in range(20):
    try:
        lazy.send(frame("show bgp routes"))
    except OSError:
        break
for i in range(300):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        s.sendall(frame("show bgp routes" if i % 2 else "show bgp neighbors"))
        if i % 3 == 0:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()
time.sleep(5)
lazy.close()
PY
APID=$!
LAB_PIDS+=("$APID")
sleep 1
check "vanishing clients: show version answers within 2 s (during)" lab_wait_for 10 fast_version
wait "$APID"
check "vanishing clients: cebgpd alive" alive
check "vanishing clients: show version answers within 2 s (after)" fast_version
# The documented request size limit (4096 bytes of JSON): a bigger length
# field closes the connection, the daemon lives on.
big=$(ip netns exec "$CE" python3 - "$SOCK" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(struct.pack("!I", 1 << 20) + b"{" * 5000)
# An error frame may come first; then the daemon must close.
try:
    for _ in range(100):
        if s.recv(65536) == b"":
            print("closed")
            break
    else:
        print("open")
except socket.timeout:
    print("open")
except OSError:
    print("closed")
PY
)
check "a request over 4096 bytes: the connection is closed ($big)" eval "[ '$big' = closed ]"
# Client count limit (32): 40 idle clients; the daemon still answers after.
ip netns exec "$CE" python3 - "$SOCK" <<'PY' >"$LAB_DIR/ctl-many.log" 2>&1 &
import socket, sys, time
cs = []
for _ in range(40):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(sys.argv[1])
        cs.append(s)
    except OSError:
        pass
time.sleep(4)
PY
MPID=$!
LAB_PIDS+=("$MPID")
sleep 1
check "40 idle control clients: cebgpd alive" alive
wait "$MPID"
check "40 idle clients gone: show version answers" lab_wait_for 5 fast_version

# ---- 5. kill -9 and restart ----
ip -n "$CE" route add 10.99.0.0/16 via 172.16.1.2 proto 186
kill -KILL "$CE_PID"
wait "$CE_PID" 2>/dev/null
check "kill -9: routes left in the FIB" eval '[ -n "$(route 10.1.0.0/16)" ]'
ce_start
check "restart: four sessions Established" lab_wait_for 60 sessions_up
check "restart: stale 10.99.0.0/16 removed, FIB exact" lab_wait_for 30 fib_exact
check "restart: msee1 and msee2 have every CE route" \
	lab_wait_for 20 eval 'routes_ok msee1 && routes_ok msee2'

# ---- 6. write queue bound: a peer that stops reading ----
# ~98000 separate public /24s (every other /24 of 11/8, 12/8, 14/8 and
# 15/8: no two aggregate) are advertised while msee1's BIRD is stopped
# (SIGSTOP): cebgpd's output to it stops at the write queue's high water,
# its RSS stays bounded, the other sessions carry on. A stopped BIRD also
# stops its keepalives, so the hold timer (9 s) drops the session long
# before the send hold timer (RFC 9687: max(8 min, 2 * hold)) could.
CONF_C=$LAB_DIR/ce/c.yaml
python3 - >"$LAB_DIR/ce/c.announce" <<'PY'
n = 0
for a in (11, 12, 14, 15):
    for b in range(256):
        for c in range(0, 256, 2):
            if n < 98000:
                print("%d.%d.%d.0/24" % (a, b, c))
                n += 1
PY
write_conf "$CONF_C" --announce-file public="$LAB_DIR/ce/c.announce" \
	--peering public="max-prefixes: 200000"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$CE_PID/status" 2>/dev/null; }
lab_wait_for 30 sessions_up
BPID=$(cat "$LAB_DIR/msee1/bird.pid")
kill -STOP "$BPID"
cp "$CONF_C" "$CONF"
RSS0=$(rss)
kill -HUP "$CE_PID"
MAXRSS=$RSS0
for ((i = 0; i < 40; i++)); do
	r=$(rss)
	[ -n "$r" ] && [ "$r" -gt "$MAXRSS" ] && MAXRSS=$r
	sleep 0.5
done
echo "RSS before the big advertisement ${RSS0} kB, peak over 20 s with msee1 stopped ${MAXRSS} kB"
check "stopped peer: cebgpd alive" alive
msee2_all() { [ "$(lab_bird_routes msee2 pub | wc -l)" -eq 98000 ]; }
check "stopped peer: msee2 still receives the whole public set (98000)" \
	lab_wait_for 120 msee2_all
check "stopped peer: RSS growth under 200 MB while its queue is blocked" \
	eval "[ \$((MAXRSS - RSS0)) -lt 204800 ]"
check "stopped peer: its session torn down (hold timer)" \
	lab_wait_for 20 grep -Eq "172.16.1.6.*(hold timer|send hold)" "$CE_LOG"
kill -CONT "$BPID"
check "msee1 resumed: its public session Established again" lab_wait_bird_established msee1 pub 60
check "msee1 resumed: cebgpd answers" lab_wait_for 10 fast_version

check "cebgpd alive at the end" alive
echo "test-faults: run time $(($(date +%s) - T_START)) s"
finish
