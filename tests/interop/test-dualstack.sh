#!/usr/bin/env bash
# test-dualstack: today's dual-stack circuit. BIRD 2 plays both provider
# routers with an IPv4 and an IPv6 session on each of the four legs
# (private and public peering, primary and secondary); the IPv6 sessions
# run over the /126 link subnets 2a10:ce00:{1,2,3,4}::/126 on the same VLAN
# sub-interfaces as their IPv4 twins (tests/interop/lib.sh, dual stack).
#
# Checks: all eight sessions Established; each negotiated its own family
# only (IPv4 unicast on IPv4, IPv6 unicast on IPv6, RFC 4760), as cebgpctl
# shows in text and JSON and BIRD sees; the mixed announce list is split by
# family (BIRD gets the IPv4 part on the IPv4 sessions and the IPv6 part on
# the IPv6 ones, with our global and link-local next hop, RFC 2545);
# provider IPv6 routes are ECMP routes of protocol 186 in the CE's kernel
# over both legs' /126 next hops; the inbound policy refuses IPv6 bogons,
# a route covering the link subnets, our own space, ULA on public peering
# and a third party's next hop off the link, while a link-local next hop
# is installed through the session's interface; BFD (RFC 5881 over IPv6)
# on the private sessions: msee1's IPv6 BFD made silent (nftables drops UDP
# 3784 over IPv6 in its namespace) drops our IPv6 session of that leg at
# once, logged naming BFD, while its IPv4 twin stays Established, and the
# IPv6 routes move to the secondary by a replace and come back once BFD is
# Up again; cutting the primary link moves the IPv6 routes to the secondary
# leg by a replace (the IPv4 ones too) and restoring it brings ECMP back;
# our link-local address replaced on a leg while its IPv6 session is up: it
# advertises again with the new RFC 2545 next hop, no reset;
# a clean stop removes the routes; with ttl-security, the IPv6 sessions
# send and require hop limit 255 (RFC 5082).
#
# Needs root, network namespaces, bird2 and nft; exits 77 (SKIP) without them.
# LAB_KEEP=1 keeps the lab's directory (logs, configs) for a post-mortem.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

lab_require
command -v nft >/dev/null 2>&1 || lab_skip "nft (nftables) not installed"
require_programs

KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3

# What the provider sends over IPv6: VNet space on private peering and
# service space on public, plus what the inbound policy must refuse:
# documentation space (bogon), a route covering every link /126, a route
# inside the space we announce, and ULA on public peering.
V6_PRIV="2a10:ce10:1::/48 2a10:ce10:2::/48"
V6_PUB="2a10:ce10:f000::/36"
BOGON6=2001:db8:1::/48
LINKS6=2a10:ce00::/32
OWN6=2a10:ce10:ce00::/48
ULA6=fd00:1::/48
# ... and one a third party's next hop, off the /126, with no link-local
# next hop beside it (RFC 4271 §6.3: not reachable over the session).
OFFLINK6=2a10:ce10:3::/48
THIRD=2a10:ce10:9::1
# One more with only the provider router's link-local address as next hop
# (RFC 2545): installed through it on the session's interface.
LLNH6=2a10:ce10:4::/48
# Ours: each peering's announce list mixes IPv4 and IPv6.
ANN_PRIV="10.10.0.0/16 2a10:ce10:ce00::/40"
ANN_PUB="216.221.239.232/29 2a10:ce10:cf00::/48"

lab_create "cds$$" || {
	fail "lab created"
	finish
	exit 1
}
CE=$(lab_ns ce)
CONF=$LAB_DIR/ce/cebgpd.yaml
SOCK=$LAB_DIR/ce/cebgpd.sock

check "IPv6 /126s on the four links" lab_dualstack_addrs
lab_ce_config "$CONF" --control "$SOCK" "${LAB_CE_V6_OPTS[@]}" \
	--announce private="$ANN_PRIV" --announce public="$ANN_PUB"

ctl() { "$CEBGPCTL" -s "$SOCK" "$@"; }
ctlj() { "$CEBGPCTL" -s "$SOCK" -j "$@"; }
# jpy EXPR: python3 check over the JSON response on stdin (r; d = its data).
jpy() {
	python3 -c '
import json, sys
r = json.load(sys.stdin)
d = r.get("data", {})
sys.exit(0 if eval(sys.argv[1]) else 1)' "$@"
}

# route6 PREFIX: the ce namespace's IPv6 route of protocol 186.
route6() { ip -n "$CE" -6 route show "$1" proto 186 2>/dev/null; }
route4() { ip -n "$CE" -4 route show "$1" proto 186 2>/dev/null; }
# nhs "ROUTE TEXT": its next hops, sorted, as "gw@dev" words.
nhs() {
	awk '{ for (i = 1; i < NF; i++) if ($i == "via") { g = $(i + 1) }
		else if ($i == "dev") print g "@" $(i + 1) }' <<<"$1" | sort | tr '\n' ' '
}
is_nh6() { [ "$(nhs "$(route6 "$1")")" = "$2" ]; }
is_nh4() { [ "$(nhs "$(route4 "$1")")" = "$2" ]; }
ECMP6_PRIV="2a10:ce00:1::2@eth0.555 2a10:ce00:2::2@eth1.555 "
ECMP6_PUB="2a10:ce00:3::2@eth0.556 2a10:ce00:4::2@eth1.556 "
SEC6_PRIV="2a10:ce00:2::2@eth1.555 "
ECMP4_PRIV="172.16.1.2@eth0.555 172.16.2.2@eth1.555 "
SEC4_PRIV="172.16.2.2@eth1.555 "
v6_priv_on() { # NH
	local p
	for p in $V6_PRIV; do is_nh6 "$p" "$1" || return 1; done
}
v6_all_ecmp() { v6_priv_on "$ECMP6_PRIV" && is_nh6 "$V6_PUB" "$ECMP6_PUB"; }

# ---- 1. eight sessions, each with its own family ----

# ll_of ROUTER IFNAME: the link-local address of IFNAME in ROUTER's namespace.
ll_of() {
	ip -n "$(lab_ns "$1")" -6 addr show dev "$2" scope link 2>/dev/null |
		awk '$1 == "inet6" { sub(/\/.*/, "", $2); print $2; exit }'
}
LL1=$(ll_of msee1 eth0.555) LL2=$(ll_of msee2 eth1.555)
check "the provider routers' link-local addresses on the private links" \
	eval "[ -n '$LL1' ] && [ -n '$LL2' ]"
declare -A LL=([msee1]=$LL1 [msee2]=$LL2)
# BFD on the private sessions, IPv4 and IPv6 (BIRD's 300 ms x 3, cebgpd's
# default): section 3c silences the IPv6 one of the primary leg alone.
for r in msee1 msee2; do
	lab_bird_v6_conf "$r" "$LAB_DIR/$r/v6.conf" --set-next-hop "$OFFLINK6=$THIRD" \
		--set-next-hop "$LLNH6=${LL[$r]}" --bfd private=on || fail "$r IPv6 sessions written"
	lab_bird_start "$r" --bfd priv=on \
		--routes-private6 "$V6_PRIV $BOGON6 $LINKS6 $OWN6 $OFFLINK6 $LLNH6" \
		--routes-public6 "$V6_PUB $ULA6" --extra "$LAB_DIR/$r/v6.conf" ||
		fail "$r BIRD starts"
done
lab_ce_start "$CONF"
for r in msee1 msee2; do
	for p in priv pub priv6 pub6; do
		check "BIRD $r $p Established" lab_wait_bird_established "$r" "$p" 30
	done
done

S=$(ctlj show bgp summary)
check "summary JSON: 8 sessions, all Established" \
	jpy 'len(d["sessions"]) == 8 and all(s["state"] == "Established" for s in d["sessions"])' <<<"$S"
check "summary JSON: 4 IPv6 sessions on the /126s, each negotiated IPv6 unicast only" \
	jpy 'sorted(s["neighbor"] for s in d["sessions"] if s["family"] == "ipv6" and s["families"] == ["ipv6_unicast"]) == ["2a10:ce00:%d::2" % i for i in (1, 2, 3, 4)]' <<<"$S"
check "summary JSON: 4 IPv4 sessions, each negotiated IPv4 unicast only" \
	jpy 'len([s for s in d["sessions"] if s["family"] == "ipv4" and s["families"] == ["ipv4_unicast"]]) == 4' <<<"$S"
check "summary JSON: the IPv6 sessions' cap is the IPv6 one (max-prefixes-v6)" \
	jpy 'all(s["cap"] != 3000 and s["cap"] != 4000 for s in d["sessions"] if s["family"] == "ipv6")' <<<"$S"
ST=$(ctl show bgp summary)
echo "$ST" | sed 's/^/    /'
check "summary text: a Family column, IPv6 on the four IPv6 sessions" \
	eval "[ \$(grep -cE '^1GbpsCircuit +(private|public) +(primary|secondary) +2a10:ce00:[1-4]::2 +12076 +IPv6 ' <<<\"\$ST\") -eq 4 ]"
check "summary text: IPv4 on the four IPv4 sessions" \
	eval "[ \$(grep -cE ' 172\.16\.[12]\.[26] +12076 +IPv4 ' <<<\"\$ST\") -eq 4 ]"
check "summary text: no session without its family" eval "! grep -q 'IPv[46]!' <<<\"\$ST\""

N=$(ctlj show bgp neighbors 2a10:ce00:1::2)
check "neighbor 2a10:ce00:1::2: IPv6 session on eth0.555 (its IPv4 twin's interface) from 2a10:ce00:1::1" \
	jpy '(lambda n: n["family"] == "ipv6" and n["interface"] == "eth0.555" and n["local_address"] == "2a10:ce00:1::1")(d["neighbors"][0])' <<<"$N"
check "neighbor 2a10:ce00:1::2: MP IPv6 unicast negotiated, MP IPv4 not" \
	jpy '(lambda c: "multiprotocol_ipv6_unicast" in c and "multiprotocol_ipv4_unicast" not in c)(d["neighbors"][0]["capabilities"])' <<<"$N"
N4=$(ctlj show bgp neighbors 172.16.1.2)
check "neighbor 172.16.1.2: MP IPv4 unicast negotiated, MP IPv6 not" \
	jpy '(lambda n: n["families"] == ["ipv4_unicast"] and "multiprotocol_ipv4_unicast" in n["capabilities"] and "multiprotocol_ipv6_unicast" not in n["capabilities"])(d["neighbors"][0])' <<<"$N4"
check "neighbors text: the negotiated family" \
	eval "ctl show bgp neighbors 2a10:ce00:2::2 | grep -q 'Address family IPv6 unicast, negotiated: IPv6 unicast\$'"
# BIRD's side of the OPEN exchange: what we announced on each session.
bird_caps() { lab_bird_info "$1" "$2" | sed -n '/Neighbor capabilities/,/Session:/p'; }
check "BIRD msee1 priv6: we announced MP IPv6 only" \
	eval "bird_caps msee1 priv6 | grep -qE 'AF announced: +ipv6\$'"
check "BIRD msee2 priv: we announced MP IPv4 only" \
	eval "bird_caps msee2 priv | grep -qE 'AF announced: +ipv4\$'"

# ---- 2. our announce list, split by family ----

for r in msee1 msee2; do
	check "BIRD $r priv6 received exactly our private IPv6 prefix" \
		lab_wait_for 10 eval "[ \"\$(lab_bird_routes $r priv6)\" = 2a10:ce10:ce00::/40 ]"
	check "BIRD $r pub6 received exactly our public IPv6 prefix" \
		lab_wait_for 10 eval "[ \"\$(lab_bird_routes $r pub6)\" = 2a10:ce10:cf00::/48 ]"
	check "BIRD $r priv received exactly our private IPv4 prefix" \
		lab_wait_for 10 eval "[ \"\$(lab_bird_routes $r priv)\" = 10.10.0.0/16 ]"
done
A=$(lab_bird_route_attrs msee1 priv6 2a10:ce10:ce00::/40)
check "BIRD msee1: our IPv6 next hop is 2a10:ce00:1::1 plus our link-local (RFC 2545)" \
	grep -qE 'BGP.next_hop: 2a10:ce00:1::1 fe80::' <<<"$A"
check "cebgpd logs End-of-RIB for IPv6 unicast on the IPv6 sessions" \
	lab_wait_for 5 grep -q "End-of-RIB sent for IPv6 unicast" "$LAB_CE_LOG"

# ---- 3. provider IPv6 routes: RIB, inbound policy, kernel ECMP ----

check "IPv6 provider routes are ECMP routes over both legs in the CE's kernel" \
	lab_wait_for 20 v6_all_ecmp
route6 2a10:ce10:1::/48 | sed 's/^/    /'
check "IPv4 stays ECMP beside them" lab_wait_for 5 is_nh4 10.1.0.0/16 "$ECMP4_PRIV"
R=$(ctlj show bgp routes received)
check "routes JSON: 2a10:ce10:1::/48 from both IPv6 sessions, family ipv6, with the provider's link-local next hop" \
	jpy '(lambda p: sorted(x["next_hop"] for x in p) == ["2a10:ce00:1::2", "2a10:ce00:2::2"] and all(x["family"] == "ipv6" and x["accepted"] and x.get("next_hop_link_local", "").startswith("fe80:") for x in p))([x for x in d["routes"] if x["prefix"] == "2a10:ce10:1::/48"])' <<<"$R"
for pr in "$BOGON6 bogon" "$LINKS6 link-subnet" "$OWN6 own-space" "$ULA6 private-on-public"; do
	set -- $pr
	check "inbound policy refuses $1 ($2)" \
		jpy '(lambda p: len(p) == 2 and all(not x["accepted"] and x.get("reason") == "'"$2"'" for x in p))([x for x in d["routes"] if x["prefix"] == "'"$1"'"])' <<<"$R"
	check "$1 is not in the kernel" eval "[ -z \"\$(route6 $1)\" ]"
done
check "inbound: $OFFLINK6 with next hop $THIRD (off the link, no link-local) refused (next-hop)" \
	jpy '(lambda p: len(p) == 2 and all(x["next_hop"] == "'"$THIRD"'" and "next_hop_link_local" not in x and not x["accepted"] and x.get("reason") == "next-hop" for x in p))([x for x in d["routes"] if x["prefix"] == "'"$OFFLINK6"'"])' <<<"$R"
check "$OFFLINK6 is not in the kernel" eval "[ -z \"\$(route6 $OFFLINK6)\" ]"
check "$LLNH6 with the providers' link-local next hops: ECMP through them on each leg's interface" \
	lab_wait_for 10 is_nh6 "$LLNH6" "$LL1@eth0.555 $LL2@eth1.555 "
route6 "$LLNH6" | sed 's/^/    /'
check "explain $OFFLINK6: the next hop rule" \
	eval "ctl explain $OFFLINK6 | grep -q \"next hop not on the session's link subnet\""
RT=$(ctl show bgp routes best)
check "routes text: the IPv6 best and multipath routes" \
	eval "grep -qE '^\*> +2a10:ce10:1::/48 ' <<<\"\$RT\" && grep -qE '^\*= +2a10:ce10:1::/48 ' <<<\"\$RT\""

# ---- 3b. route refresh on an IPv6 session (RFC 2918, AFI 2) ----

bird_stat() { # ROUTER PROTO "Import updates"|"Export updates": BIRD's "received" column
	lab_birdc "$1" show protocols all "$2" 2>/dev/null |
		awk -v k="$3:" '{ l = $0; sub(/^ +/, "", l) } index(l, k) == 1 { n = split(k, w, " "); print $(n + 1); exit }'
}
grew_by() { # OLD MIN ROUTER PROTO WHAT: the counter grew by at least MIN
	local now
	now=$(bird_stat "$3" "$4" "$5")
	[ -n "$now" ] && [ "$now" -ge $(($1 + $2)) ]
}
SINCE=$(lab_bird_since msee1 priv6)
IMP=$(bird_stat msee1 priv6 "Import updates")
EXP=$(bird_stat msee1 priv6 "Export updates")
check "BIRD msee1 priv6 counters readable" eval "[ -n '$IMP' ] && [ -n '$EXP' ]"
out=$(ctl clear bgp 2a10:ce00:1::2 soft)
echo "$out"
check "clear soft on an IPv6 session: route refresh sent, advertisement re-sent" \
	grep -q '2a10:ce00:1::2: route refresh sent, advertisement re-sent' <<<"$out"
check "clear soft in: BIRD sent its 7 IPv6 routes again (our IPv6 ROUTE-REFRESH)" \
	lab_wait_for 10 grew_by "$EXP" 7 msee1 priv6 "Export updates"
check "clear soft out: BIRD received our IPv6 prefix again" \
	lab_wait_for 10 grew_by "$IMP" 1 msee1 priv6 "Import updates"
IMP=$(bird_stat msee1 priv6 "Import updates")
lab_birdc msee1 reload in priv6 >/dev/null
check "BIRD's IPv6 ROUTE-REFRESH (reload in): we advertise again" \
	lab_wait_for 10 grew_by "$IMP" 1 msee1 priv6 "Import updates"
check "route refresh: the IPv6 session was not reset" \
	eval "lab_bird_is_established msee1 priv6 && lab_bird_unchanged msee1 priv6 '$SINCE'"

# ---- 3c. BFD on the IPv6 session: a silent peer drops it at once ----

# bfd_field ADDR FIELD: one field of `show bfd ADDR`'s JSON.
bfd_field() {
	ctlj show bfd "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)["data"]["sessions"][0].get(sys.argv[1]))' "$2"
}
bfd_is() { [ "$(bfd_field "$1" state)" = "$2" ]; }
# bird_bfd_up ROUTER ADDR: BIRD's BFD session to ADDR is Up.
bird_bfd_up() {
	[ "$(lab_birdc "$1" show bfd sessions 2>/dev/null | awk -v a="$2" '$1 == a { print $3 }')" = Up ]
}
# ce_state ADDR: cebgpd's BGP state of the session to ADDR.
ce_state() {
	ctlj show bgp neighbors "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)["data"]["neighbors"][0]["state"])'
}
# est_count ADDR: how many times cebgpd's session to ADDR was Established.
est_count() {
	ctlj show bgp neighbors "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)["data"]["neighbors"][0]["established_count"])'
}
check "BFD: our IPv6 session to msee1 (2a10:ce00:1::2) Up and bound to BGP" \
	lab_wait_for 15 eval "bfd_is 2a10:ce00:1::2 Up && [ \"\$(bfd_field 2a10:ce00:1::2 bound)\" = True ]"
check "BFD: msee1's BIRD sees its IPv6 BFD session to 2a10:ce00:1::1 Up" \
	lab_wait_for 10 bird_bfd_up msee1 2a10:ce00:1::1
check "BFD: the IPv4 twin (172.16.1.2) Up too" lab_wait_for 10 bfd_is 172.16.1.2 Up
check "show bfd: the family, ipv6 and ipv4, in JSON" \
	eval "[ \"\$(bfd_field 2a10:ce00:1::2 family)\" = ipv6 ] && [ \"\$(bfd_field 172.16.1.2 family)\" = ipv4 ]"
BT=$(ctl show bfd)
echo "$BT" | sed -n '1,/^$/p' | sed 's/^/    /'
check "show bfd text: the IPv6 session's details name its family" \
	grep -qF '2a10:ce00:1::2 (1GbpsCircuit private primary ipv6), local 2a10:ce00:1::1:' <<<"$BT"
# Every table row's interface starts under the heading, IPv6 neighbors or not.
check "show bfd text: the table's columns line up with IPv6 neighbors (8 rows)" \
	eval "sed -n '1,/^\$/p' <<<\"\$BT\" | awk 'NR == 1 { c = index(\$0, \"Interface\") } NR > 1 && NF { n++; if (substr(\$0, c - 2, 5) !~ /^  eth/) bad++ } END { exit !(c > 0 && n == 8 && !bad) }'"
check "BFD: the IPv6 routes are ECMP before the silence" lab_wait_for 10 v6_all_ecmp
V4CH=$(bfd_field 172.16.1.2 state_changes)
V4SINCE=$(lab_bird_since msee1 priv)
V4EST=$(est_count 172.16.1.2)
IDLE6=$(grep -c "2a10:ce00:1::2 .*Established -> Idle: BFD session down" "$LAB_CE_LOG")
DROPS6=$(grep -c "2a10:ce00:1::2 .*BFD session down (Control Detection Time Expired): dropping the session" "$LAB_CE_LOG")
MON=$LAB_DIR/ce/monitor.bfd
ip netns exec "$CE" ip -6 monitor route >"$MON" 2>&1 </dev/null &
MON_PID=$!
LAB_PIDS+=("$MON_PID")
sleep 0.3
t0=$(date +%s.%N)
# msee1's IPv6 BFD only: what it sends to UDP 3784 over IPv6; its IPv4 BFD
# and every BGP packet go on, and no carrier is lost. Outbound only, so that
# our Detection Time expires first: silenced both ways, BIRD's expiry would
# race ours and its NOTIFICATION could take the session down before we do.
ip netns exec "$(lab_ns msee1)" nft -f - <<'NFT'
table ip6 bfd6quiet {
	chain out { type filter hook output priority -300; udp dport 3784 drop; }
}
NFT
# Poll every 20 ms: the time the IPv6 routes leave the primary next hop.
t1=''
for ((i = 0; i < 500; i++)); do
	v6_priv_on "$SEC6_PRIV" && {
		t1=$(date +%s.%N)
		break
	}
	sleep 0.02
done
if [ -n "$t1" ]; then
	BFD6_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
	echo "FAILOVER (IPv6, BFD) msee1's IPv6 BFD silent -> IPv6 routes on the secondary only: $BFD6_MS ms (BFD 300 ms x 3, hold time $LAB_HOLD s)"
	# BGP itself is untouched (keepalives flow, the link stays up): only
	# BFD takes the session down, its detection time (900 ms) plus the FIB.
	check "BFD silent: the IPv6 routes leave the primary leg within the detection time and a margin (< 5 s)" \
		[ "$BFD6_MS" -lt 5000 ]
else
	fail "BFD silent: the IPv6 routes leave the primary leg (ECMP -> 2a10:ce00:2::2 only)"
fi
check "BFD silent: cebgpd drops the IPv6 session, a log line naming BFD" \
	lab_wait_for 5 eval "[ \"\$(grep -c '2a10:ce00:1::2 .*BFD session down (Control Detection Time Expired): dropping the session' '$LAB_CE_LOG')\" -gt $DROPS6 ]"
check "log: the IPv6 session's lines name its family, its IPv4 twin's do not" \
	eval "grep -q '2a10:ce00:1::2 (1GbpsCircuit private primary ipv6): BFD session down' '$LAB_CE_LOG' && grep -q '172.16.1.2 (1GbpsCircuit private primary): ' '$LAB_CE_LOG' && ! grep -q '172.16.1.2 (1GbpsCircuit private primary ipv6)' '$LAB_CE_LOG'"
grep "2a10:ce00:1::2 .*BFD session down" "$LAB_CE_LOG" | tail -n 2 | sed 's/^/    /'
check "BFD silent: it was BFD that took the Established session down (not the peer's NOTIFICATION)" \
	eval "[ \"\$(grep -c '2a10:ce00:1::2 .*Established -> Idle: BFD session down (Control Detection Time Expired)' '$LAB_CE_LOG')\" -gt $IDLE6 ]"
check "BFD silent: our IPv6 session to msee1 is not Established (held by BFD)" \
	eval "[ \"\$(ce_state 2a10:ce00:1::2)\" != Established ] && [ \"\$(bfd_field 2a10:ce00:1::2 bgp_held_down)\" = True ]"
check "BFD silent: the IPv4 twin keeps BFD Up, no state change" \
	eval "bfd_is 172.16.1.2 Up && [ \"\$(bfd_field 172.16.1.2 state_changes)\" = '$V4CH' ]"
check "BFD silent: the IPv4 session of that leg stays Established (ours and BIRD's)" \
	eval "[ \"\$(ce_state 172.16.1.2)\" = Established ] && [ \"\$(est_count 172.16.1.2)\" = '$V4EST' ] && lab_bird_unchanged msee1 priv '$V4SINCE'"
check "BFD silent: the IPv4 routes stay ECMP" is_nh4 10.1.0.0/16 "$ECMP4_PRIV"
check "BFD silent: the public IPv6 routes stay ECMP" is_nh6 "$V6_PUB" "$ECMP6_PUB"
kill -TERM "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
deleted=''
for p in $V6_PRIV; do
	grep "Deleted" "$MON" | grep -qwF -- "$p" && deleted+=" $p"
done
check "BFD silent: the IPv6 routes replaced in place (no Deleted line in ip monitor)" \
	eval "[ -z '$deleted' ] && grep -qwF -- '${V6_PRIV%% *}' '$MON'"
ip netns exec "$(lab_ns msee1)" nft delete table ip6 bfd6quiet
check "BFD back: our IPv6 BFD session Up again" lab_wait_for 20 bfd_is 2a10:ce00:1::2 Up
check "BFD back: the IPv6 session comes back (BIRD msee1 priv6 Established)" \
	lab_wait_bird_established msee1 priv6 30
check "BFD back: cebgpd's IPv6 session Established" \
	lab_wait_for 10 eval "[ \"\$(ce_state 2a10:ce00:1::2)\" = Established ]"
check "BFD back: the IPv6 routes ECMP over both legs again" lab_wait_for 20 v6_all_ecmp
check "BFD back: the IPv4 session of that leg was never reset" \
	eval "[ \"\$(est_count 172.16.1.2)\" = '$V4EST' ] && lab_bird_unchanged msee1 priv '$V4SINCE'"

# ---- 3d. our link-local address changes while the session is up ----

# The CE's eth0.555 gets a new link-local address (the old one flushed,
# fe80::ce:5555 added without DAD): the IPv6 session there advertises its
# prefixes again with it as the RFC 2545 next hop, with no reset.
NEWLL=fe80::ce:5555
OLDLL=$(ll_of ce eth0.555)
check "the CE's eth0.555 has a link-local address ($OLDLL), in our next hop at msee1" \
	eval "[ -n '$OLDLL' ] && lab_bird_route_attrs msee1 priv6 2a10:ce10:ce00::/40 | grep -qE 'BGP.next_hop: 2a10:ce00:1::1 $OLDLL\$'"
LLSINCE=$(lab_bird_since msee1 priv6)
LLSINCE2=$(lab_bird_since msee2 priv6)
ip -n "$CE" -6 addr flush dev eth0.555 scope link
ip -n "$CE" -6 addr add "$NEWLL/64" dev eth0.555 nodad
check "link-local changed: msee1 receives our prefix with the new link-local next hop" \
	lab_wait_for 10 eval "lab_bird_route_attrs msee1 priv6 2a10:ce10:ce00::/40 | grep -qE 'BGP.next_hop: 2a10:ce00:1::1 $NEWLL\$'"
lab_bird_route_attrs msee1 priv6 2a10:ce10:ce00::/40 | grep next_hop | sed 's/^/    /'
check "link-local changed: cebgpd logs the new next hop" \
	grep -q "2a10:ce00:1::2 (1GbpsCircuit private primary ipv6): the link-local address of eth0.555 changed: advertising again with next hop 2a10:ce00:1::1 and link-local $NEWLL" "$LAB_CE_LOG"
check "link-local changed: the IPv6 session was not reset" \
	eval "lab_bird_is_established msee1 priv6 && lab_bird_unchanged msee1 priv6 '$LLSINCE'"
check "link-local changed: the secondary leg keeps its own link-local next hop" \
	eval "lab_bird_unchanged msee2 priv6 '$LLSINCE2' && lab_bird_route_attrs msee2 priv6 2a10:ce10:ce00::/40 | grep -qE 'BGP.next_hop: 2a10:ce00:2::1 $(ll_of ce eth1.555)\$'"

# ---- 4. link cut: the IPv6 routes move to the remaining leg, then back ----

# A route monitor of the ce namespace around the cut: the IPv6 routes must
# be replaced, never deleted and added again (no moment without a route).
MON=$LAB_DIR/ce/monitor.cut
ip netns exec "$CE" ip -ts -6 monitor route >"$MON" 2>&1 </dev/null &
MON_PID=$!
LAB_PIDS+=("$MON_PID")
sleep 0.3
t0=$(date +%s.%N)
ip -n "$CE" link set eth0.555 down
check "primary private link cut: IPv6 routes on 2a10:ce00:2::2 via eth1.555 only" \
	lab_wait_for 10 v6_priv_on "$SEC6_PRIV"
check "primary private link cut: IPv4 routes on 172.16.2.2 only" \
	lab_wait_for 5 is_nh4 10.1.0.0/16 "$SEC4_PRIV"
check "primary private link cut: public IPv6 routes still ECMP" is_nh6 "$V6_PUB" "$ECMP6_PUB"
check "the IPv6 session of the cut link is down (BIRD msee1 priv6)" \
	lab_wait_for 15 eval "! lab_bird_is_established msee1 priv6"
sleep 1.5 # the kernel module's resync after a link event
kill -TERM "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
deleted=''
for p in $V6_PRIV; do
	grep "Deleted" "$MON" | grep -qwF -- "$p" && deleted+=" $p"
done
# How long the cut took to reach the FIB (a figure, not an assertion): the
# monitor's first line about the route ("[2026-12-07T01:20:01.123456]...").
ts=$(grep -wF -- "${V6_PRIV%% *}" "$MON" | head -n 1 | sed -n 's/^\[\([^]]*\)\].*/\1/p')
[ -n "$ts" ] && echo "FAILOVER (IPv6) link down -> FIB updated: $(awk -v a="$t0" -v b="$(date -d "$ts" +%s.%N)" 'BEGIN { printf "%d", (b - a) * 1000 }') ms (ip -ts monitor)"
check "primary private link cut: IPv6 routes replaced in place (no Deleted line in ip monitor)" \
	test -z "$deleted"
ip -n "$CE" link set eth0.555 up
check "link restored: msee1 priv6 Established again" lab_wait_bird_established msee1 priv6 30
check "link restored: IPv6 routes ECMP over both legs again" lab_wait_for 20 v6_all_ecmp
check "link restored: IPv4 routes ECMP again" lab_wait_for 20 is_nh4 10.1.0.0/16 "$ECMP4_PRIV"

# ---- 5. a clean stop takes our routes along ----

check "cebgpd exits 0 on SIGTERM" lab_ce_stop
check "no IPv6 route of protocol 186 left" \
	eval "[ -z \"\$(ip -n $CE -6 route show proto 186 2>/dev/null)\" ]"
check "cebgpd's log is clean (sanitizers)" lab_ce_clean

# ---- 6. GTSM and TCP-MD5 on the IPv6 sessions (RFC 5082, RFC 2385) ----
# Public peering with ttl-security: msee1's pub6 runs it too and comes up
# (it accepts only hop limit 255, so ours is 255); msee2's pub6 does not:
# BIRD sends with hop limit 1 and our IPV6_MINHOPCOUNT drops it. msee2's
# priv6 signs with another TCP-MD5 key: neither side accepts the other's
# segments, so it never comes up either.

CONF_GTSM=$LAB_DIR/ce/cebgpd-gtsm.yaml
lab_ce_config "$CONF_GTSM" --control "$SOCK" "${LAB_CE_V6_OPTS[@]}" \
	--announce private="$ANN_PRIV" --announce public="$ANN_PUB" \
	--peering public="ttl-security: true"
lab_bird_v6_conf msee1 "$LAB_DIR/msee1/v6.conf" --ttl-security public=on
lab_bird_reconfigure msee1 --routes-private6 "$V6_PRIV" --routes-public6 "$V6_PUB" \
	--extra "$LAB_DIR/msee1/v6.conf" || fail "msee1 reconfigured with GTSM on pub6"
lab_bird_v6_conf msee2 "$LAB_DIR/msee2/v6.conf" --key private=fedcba9876543210fedcba9876543210
lab_bird_reconfigure msee2 --routes-private6 "$V6_PRIV" --routes-public6 "$V6_PUB" \
	--extra "$LAB_DIR/msee2/v6.conf" || fail "msee2 reconfigured with another key on priv6"
lab_ce_start "$CONF_GTSM" --log "$LAB_DIR/ce/cebgpd-gtsm.log"
check "GTSM: msee1 pub6 (GTSM on both ends) Established" \
	lab_wait_bird_established msee1 pub6 30
check "GTSM: msee1 priv6 (no GTSM configured) Established" \
	lab_wait_bird_established msee1 priv6 30
check "msee2 priv (IPv4, the right key) Established" lab_wait_bird_established msee2 priv 30
sleep 3
check "GTSM: msee2 pub6 (BIRD without GTSM, hop limit 1) never Established" \
	eval "! lab_bird_is_established msee2 pub6 && ! grep -q '2a10:ce00:4::2 .*session up' '$LAB_DIR/ce/cebgpd-gtsm.log'"
# BIRD connects too: its SYN comes with hop limit 1, and cebgpd refuses the
# connection before reading a byte of it (the OPEN behind the SYN would
# otherwise be queued before the per-session IPV6_MINHOPCOUNT applies).
check "GTSM: msee2 pub6's own connection refused for its SYN's hop limit" lab_wait_for 30 \
	grep -q "2a10:ce00:4::2 .*refused a connection: ttl-security, but its SYN came with hop limit 1" \
	"$LAB_DIR/ce/cebgpd-gtsm.log"
check "TCP-MD5: msee2 priv6 (another key) never Established" \
	eval "! lab_bird_is_established msee2 priv6 && ! grep -q '2a10:ce00:2::2 .*session up' '$LAB_DIR/ce/cebgpd-gtsm.log'"
check "GTSM: cebgpd exits 0" lab_ce_stop
check "GTSM: cebgpd's log is clean (sanitizers)" lab_ce_clean "$LAB_DIR/ce/cebgpd-gtsm.log"

finish
