#!/usr/bin/env bash
# test-microsoft-v6: the IPv6 side of Microsoft peering and of the caps,
# against BIRD 2 playing the provider's routers on both legs
# (tests/interop/lib.sh and microsoft.sh: VLAN 557, public link subnets
# 45.60.1.0/30 and 45.60.2.0/30, and the /126s 2a10:ce00:7::/126 and
# 2a10:ce00:8::/126 on the same sub-interfaces).
#
# 1. A dual-stack Microsoft peering under `provider: expressroute`: an IPv4
#    and an IPv6 session on each leg. The provider sends IPv6 routes tagged
#    with region and service communities (East US, Exchange Online, West US,
#    West Europe, none), a ULA route and the IPv6 default route; the CE
#    selects with accept-communities by name and by number. Checks: every
#    IPv6 route's verdict and reason on both IPv6 sessions, the communities
#    decoded to the provider's names, the CE kernel holds exactly the
#    accepted IPv6 routes as ECMP over both legs' /126 next hops (and the
#    accepted IPv4 one over both IPv4 legs), and BIRD receives exactly the
#    public IPv6 prefixes of our announce list on both IPv6 sessions: the
#    ULA ones (fc00::/7) in it are never sent on Microsoft peering.
# 2. IPv6 caps. For each profile (expressroute-classic private 100;
#    expressroute standard private 100 and Microsoft 200; premium private
#    100: the SKU raises only the IPv4 cap) cebgpd announces a generated
#    list of /48s bigger than the cap, no two of them adjacent (so nothing
#    merges losslessly). cap-check.py, with its own table of the provider's
#    caps, reads what each BIRD IPv6 session received and requires exactly
#    the cap; each BIRD session's receive limit is that cap with action
#    disable, so a session that ever went over stays down and fails too.
#    Last, an explicit max-prefixes-v6 above the cap: it wins with a
#    warning, and the provider's limit takes both legs down, as the warning
#    says (and the checker fails them).
#
# Needs root, network namespaces, bird2 and python3; exits 77 (SKIP)
# without them; a cebgpd or cebgpctl not built is a FAIL. LAB_KEEP=1 keeps
# the lab's directory.
# Verdict tables are read through namerefs; python snippets in single quotes:
# shellcheck disable=SC2034,SC2016
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
LAB_TEST=${LAB_TEST:-test-microsoft-v6}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
# shellcheck source=tests/interop/microsoft.sh
. "$top_srcdir/tests/interop/microsoft.sh"

lab_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs

# A public ASN of our own: today's provider refuses the reserved ones and
# strips private ones on Microsoft peering.
export LAB_HOLD=9 LAB_KEEPALIVE=3 LAB_CUSTOMER_AS=8283
CAPCHECK="python3 $top_srcdir/tests/interop/cap-check.py"
# Per-prefix policy warnings would bury the post-mortem.
LAB_DUMP_SKIP='dropped|truncat|aggregat'

lab_create "ms6$$" || {
	fail "lab created"
	finish
	exit 1
}
CE=$(lab_ns ce)
CONF=$LAB_DIR/ce/cebgpd.yaml
SOCK=$LAB_DIR/ce/cebgpd.sock
check "Microsoft peering links (VLAN 557, 45.60.1.0/30 and 45.60.2.0/30)" lab_ms_links
check "Microsoft peering IPv6 /126s (2a10:ce00:7::/126 and 2a10:ce00:8::/126)" lab_ms_links6
check "private peering IPv6 /126s (2a10:ce00:1::/126 and 2a10:ce00:2::/126)" lab_dualstack_addrs

ctl() { "$CEBGPCTL" -s "$SOCK" "$@"; }
ctlj() { "$CEBGPCTL" -s "$SOCK" -j "$@"; }

# ce_conf PROVIDER SKU PEERING=ANNOUNCE-FILE...: cebgpd's config of one
# dual-stack circuit "msft" with those peerings (private VLAN 555,
# microsoft 557; the lab's /30s and /126s), each announcing its file's
# prefixes. PROVIDER and SKU "-" leave the key out (the default profile).
# $ACCEPT_MS, when set, is the Microsoft peering's accept-communities line;
# $EXTRA_PRIVATE, when set, one more line of the private peering.
ce_conf() {
	local provider=$1 sku=$2 spec p f
	shift 2
	local -A vlan=([private]=555 [microsoft]=557)
	local -A pri=([private]=172.16.1.0/30 [microsoft]=45.60.1.0/30)
	local -A sec=([private]=172.16.2.0/30 [microsoft]=45.60.2.0/30)
	local -A pri6=([private]=2a10:ce00:1::/126 [microsoft]=2a10:ce00:7::/126)
	local -A sec6=([private]=2a10:ce00:2::/126 [microsoft]=2a10:ce00:8::/126)
	{
		echo "asn: $LAB_CUSTOMER_AS"
		echo "router-id: 192.0.2.1"
		echo "control: { socket: $SOCK, readonly-socket: ${SOCK%.sock}.ro.sock }"
		echo "timers: { hold: $LAB_HOLD, keepalive: $LAB_KEEPALIVE, connect-retry: 2, idle-hold: 1, idle-hold-max: 2 }"
		[ "$provider" != - ] && echo "provider: $provider"
		echo "circuits:"
		echo "  - name: msft"
		[ "$sku" != - ] && echo "    sku: $sku"
		echo "    links:"
		echo "      primary: { interface: eth0 }"
		echo "      secondary: { interface: eth1 }"
		echo "    peerings:"
		for spec in "$@"; do
			p=${spec%%=*} f=${spec#*=}
			echo "      $p:"
			echo "        vlan: ${vlan[$p]}"
			echo "        primary-subnet: ${pri[$p]}"
			echo "        secondary-subnet: ${sec[$p]}"
			echo "        primary-subnet-v6: ${pri6[$p]}"
			echo "        secondary-subnet-v6: ${sec6[$p]}"
			[ "$p" = microsoft ] && [ -n "${ACCEPT_MS:-}" ] && echo "        $ACCEPT_MS"
			[ "$p" = private ] && [ -n "${EXTRA_PRIVATE:-}" ] && echo "        $EXTRA_PRIVATE"
			echo "        announce:"
			sed 's/^/          - /' "$f"
		done
	} >"$CONF"
}

# bird_provider ROUTER EXTRA-FILE: (re)start ROUTER's BIRD with only the
# sessions in EXTRA-FILE (lib.sh's own sessions disabled).
bird_provider() {
	lab_bird_stop "$1"
	lab_bird_start "$1" --disabled on --routes-private "" --routes-public "" --extra "$2"
}

both_established() { # PROTO
	lab_bird_is_established msee1 "$1" && lab_bird_is_established msee2 "$1"
}

# ---- 1. dual-stack Microsoft peering ----

# What the provider sends on both legs, IPv6 and IPv4, and the verdict
# under accept-communities ["East US", "Exchange Online", "12076:51006"].
declare -A MS=(
	[2a10:ce10:e100::/40]=accepted           # East US (by name)
	[2a10:ce10:e200::/40]=accepted           # Exchange Online (by name)
	[2a10:ce10:e300::/40]=accepted           # West US (by number)
	[2a10:ce10:e400::/40]=no-accept-community # West Europe
	[2a10:ce10:e500::/40]=no-accept-community # untagged
	[fd00:ce::/48]=private-on-public         # ULA, tagged East US all the same
	[::/0]=default-route                     # never, whatever it carries
	[20.38.0.0/19]=accepted                  # IPv4 beside them: East US
	[40.64.0.0/13]=no-accept-community       # West Europe
)
MS6_ROUTES="2a10:ce10:e100::/40+12076:51004 2a10:ce10:e200::/40+12076:5010
2a10:ce10:e300::/40+12076:51006 2a10:ce10:e400::/40+12076:51002 2a10:ce10:e500::/40
fd00:ce::/48+12076:51004 ::/0+12076:51004"
MS4_ROUTES="20.38.0.0/19+12076:51004 40.64.0.0/13+12076:51002"
for r in msee1 msee2; do
	: >"$LAB_DIR/$r/ms.conf"
	lab_ms_bird_static "$LAB_DIR/$r/ms.conf" "$MS4_ROUTES"
	lab_ms_bird_static6 "$LAB_DIR/$r/ms.conf" "$MS6_ROUTES"
	lab_ms_bird_session "$LAB_DIR/$r/ms.conf" "$r" microsoft --limit \
		"$($CAPCHECK --profile expressroute --peering microsoft --print-cap)"
	lab_ms_bird_session "$LAB_DIR/$r/ms.conf" "$r" microsoft --ipv6 on --limit \
		"$($CAPCHECK --profile expressroute --peering microsoft --family ipv6 --print-cap)"
	bird_provider "$r" "$LAB_DIR/$r/ms.conf" || fail "$r: BIRD starts"
done

# Ours, both families: public prefixes, and private ones never sent on
# Microsoft peering (RFC 1918; ULA from both halves of fc00::/7).
OURS6=(2a10:ce10:c000::/40 2a10:ce10:c200::/48)
printf '%s\n' 45.61.0.0/22 10.99.0.0/16 "${OURS6[@]}" fd12:3456:789a::/48 fc01:ce00::/32 \
	>"$LAB_DIR/ce/ms.list"
ACCEPT_MS='accept-communities: ["East US", "Exchange Online", "12076:51006"]'
ce_conf expressroute - microsoft="$LAB_DIR/ce/ms.list"
PLAN=$("$CEBGPD" --check -f "$CONF" 2>&1)
same "cebgpd --check accepts the dual-stack Microsoft peering" 0 $?
# ulas_dropped TEXT: both ULA entries are dropped as such, with their line.
ulas_dropped() {
	local u
	for u in fd12:3456:789a::/48 fc01:ce00::/32; do
		grep -qE "^ *(policy warning: )?$u \(line [0-9]+\): unique local space fc00::/7 on microsoft peering -> dropped\$" <<<"$1" || return 1
	done
}
check "--check: the ULA entries (both halves of fc00::/7) are dropped on Microsoft peering, said so" \
	ulas_dropped "$PLAN"
lab_ce_start "$CONF"
check "BIRD: Microsoft peering IPv6 Established on both legs" lab_wait_for 40 both_established microsoft6
check "BIRD: Microsoft peering IPv4 Established on both legs" lab_wait_for 20 both_established microsoft

S=$(ctlj show bgp summary)
check "summary: four Microsoft peering sessions, the IPv6 ones on the /126s with IPv6 unicast only" \
	python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["data"]["sessions"] if x["peering"] == "microsoft"]
v6 = sorted(x["neighbor"] for x in s if x["family"] == "ipv6" and x["families"] == ["ipv6_unicast"])
sys.exit(not (len(s) == 4 and v6 == ["2a10:ce00:7::2", "2a10:ce00:8::2"]))' <<<"$S"

# verdicts_are ARRAY-NAME: every provider route on both legs (IPv6 ones
# from the IPv6 sessions, IPv4 ones from the IPv4 sessions) has its verdict
# and reason (show bgp routes received microsoft -j), and nothing else is
# there.
verdicts_are() {
	local -n _v=$1
	local want='' p
	for p in "${!_v[@]}"; do want+="$p ${_v[$p]}"$'\n'; done
	ctlj show bgp routes received microsoft | WANT=$want python3 -c '
import json, os, sys
want = dict(l.split() for l in os.environ["WANT"].splitlines() if l)
legs = {"ipv4": ("45.60.1.2", "45.60.2.2"), "ipv6": ("2a10:ce00:7::2", "2a10:ce00:8::2")}
got = {}
for x in json.load(sys.stdin)["data"]["routes"]:
    if x["circuit"] != "msft" or x["peering"] != "microsoft":
        print("unexpected", x["circuit"], x["peering"]); sys.exit(1)
    reason = "accepted" if x["accepted"] else x.get("reason", "?")
    got.setdefault(x["prefix"], set()).add((x["neighbor"], reason))
bad = [f"{p}: want {r}, got {sorted(got.get(p, []))}" for p, r in want.items()
       if got.get(p) != {(n, r) for n in legs["ipv6" if ":" in p else "ipv4"]}]
bad += [f"unexpected {p}" for p in got if p not in want]
print("\n".join(bad)) if bad else None
sys.exit(1 if bad else 0)'
}
check "every IPv6 and IPv4 route's verdict and reason on both legs (accept-communities)" \
	lab_wait_for 30 verdicts_are MS
verdicts_are MS

# names_are PREFIX VALUE NAME KIND: the route's only community in -j, on
# both legs, with the provider's name and kind beside the raw value.
names_are() {
	ctlj show bgp routes received microsoft "$1" | python3 -c '
import json, sys
v, n, k = sys.argv[1:]
routes = json.load(sys.stdin)["data"]["routes"]
ok = len(routes) == 2 and all(r.get("communities") == [{"value": v, "name": n, "kind": k}]
                              for r in routes)
print(json.dumps([r.get("communities") for r in routes])) if not ok else None
sys.exit(0 if ok else 1)' "$2" "$3" "$4"
}
check "-j: IPv6 route's 12076:51004 is East US (region)" \
	names_are 2a10:ce10:e100::/40 12076:51004 "East US" region
check "-j: IPv6 route's 12076:5010 is Exchange Online (service)" \
	names_are 2a10:ce10:e200::/40 12076:5010 "Exchange Online" service
TEXT=$(ctl show bgp routes received microsoft)
echo "$TEXT" | sed 's/^/    /'
check "text: IPv6 West Europe route refused with its reason, communities named" \
	eval "grep -A1 -E '^x +2a10:ce10:e400::/40 .*refused: no-accept-community\$' <<<\"\$TEXT\" | grep -qxF '      Communities: 12076:51002 (West Europe)'"

# The CE kernel (protocol 186): exactly the accepted routes of each family.
kernel_bgp() { # -4|-6
	ip -n "$CE" "$1" route show proto 186 | awk '/^[^ \t]/ && $1 != "blackhole" { print $1 }' | sort
}
# nhs "ROUTE TEXT": its next hops, sorted, as "gw@dev" words.
nhs() {
	awk '{ for (i = 1; i < NF; i++) if ($i == "via") { g = $(i + 1) }
		else if ($i == "dev") print g "@" $(i + 1) }' <<<"$1" | sort | tr '\n' ' '
}
ECMP6="2a10:ce00:7::2@eth0.557 2a10:ce00:8::2@eth1.557 "
ECMP4="45.60.1.2@eth0.557 45.60.2.2@eth1.557 "
# kernel_ok ARRAY-NAME: the CE kernel holds the accepted routes of both
# families, each as ECMP over both legs, and nothing else.
kernel_ok() {
	local -n _k=$1
	local p f want4 want6
	want6=$(for p in "${!_k[@]}"; do [ "${_k[$p]}" = accepted ] && [ "${p#*:}" != "$p" ] && echo "$p"; done | sort)
	want4=$(for p in "${!_k[@]}"; do [ "${_k[$p]}" = accepted ] && [ "${p#*:}" = "$p" ] && echo "$p"; done | sort)
	[ "$(kernel_bgp -6)" = "$want6" ] && [ "$(kernel_bgp -4)" = "$want4" ] || return 1
	for p in $want6; do
		[ "$(nhs "$(ip -n "$CE" -6 route show "$p" proto 186)")" = "$ECMP6" ] || return 1
	done
	for p in $want4; do
		[ "$(nhs "$(ip -n "$CE" -4 route show "$p" proto 186)")" = "$ECMP4" ] || return 1
	done
}
check "kernel: exactly the accepted IPv6 routes, ECMP over both IPv6 legs (and the IPv4 one over both IPv4 legs)" \
	lab_wait_for 15 kernel_ok MS
ip -n "$CE" -6 route show proto 186 | sed 's/^/    /'
check "show kernel routes microsoft: the three accepted IPv6 routes and the IPv4 one" \
	eval "[ \"\$(ctlj show kernel routes microsoft | python3 -c 'import json,sys; print(\" \".join(sorted(r[\"prefix\"] for r in json.load(sys.stdin)[\"data\"][\"routes\"])))')\" = '20.38.0.0/19 2a10:ce10:e100::/40 2a10:ce10:e200::/40 2a10:ce10:e300::/40' ]"

sent_ok() { # ROUTER PROTO PREFIX...
	[ "$(lab_bird_routes "$1" "$2")" = "$(printf '%s\n' "${@:3}" | sort)" ]
}
for r in msee1 msee2; do
	check "$r microsoft6 receives our public IPv6 prefixes only (no ULA)" \
		lab_wait_for 15 sent_ok "$r" microsoft6 "${OURS6[@]}"
	check "$r microsoft receives our public IPv4 prefix only (no RFC 1918)" \
		lab_wait_for 15 sent_ok "$r" microsoft 45.61.0.0/22
done
lab_bird_routes msee1 microsoft6 | sed 's/^/    msee1 microsoft6: /'
check "BIRD msee2: our IPv6 next hop is 2a10:ce00:8::1 (the /126's first usable address)" \
	eval "lab_bird_route_attrs msee2 microsoft6 2a10:ce10:c000::/40 | grep -qE 'BGP.next_hop: 2a10:ce00:8::1( |\$)'"
check "show policy microsoft: IPv6 4 announced, 2 left after sanitizing (ULA out), 2 advertised, cap 200" \
	eval "ctlj show policy microsoft | python3 -c 'import json,sys; p = json.load(sys.stdin)[\"data\"][\"peerings\"]; f = [x for x in p[0][\"families\"] if x[\"family\"] == \"ipv6\"][0]; sys.exit(not (len(p) == 1 and (f[\"announced\"], f[\"sanitized\"], f[\"advertised\"], f[\"cap\"]) == (4, 2, 2, 200)))'"
EXPL=$(ctl explain fd12:3456:789a::/48)
echo "$EXPL" | sed 's/^/    /'
check "explain: the ULA entry is dropped on the circuit's Microsoft peering" \
	eval "grep -A1 -xE ' +msft microsoft:' <<<\"\$EXPL\" | grep -qE 'unique local space fc00::/7 on microsoft peering -> dropped\$'"
check "explain: the provider's ULA route refused on Microsoft peering, by that name" \
	eval "ctl explain fd00:ce::/48 | grep -qF 'refused: inside fc00::/7 (unique local) on microsoft peering'"
check "cebgpd exits 0" lab_ce_stop
check "cebgpd log clean (no sanitizer report)" lab_ce_clean

# ---- 2. the IPv6 caps of every profile, against the independent checker ----

# gen_list6 FILE FIRST N: N /48s 2a10:ce1X:Y::/48 from the 16-bit group
# FIRST (hex) on, every other one (no two adjacent, so lossless
# aggregation cannot shrink the list).
gen_list6() {
	python3 -c '
import sys
first, n = int(sys.argv[1], 16), int(sys.argv[2])
for i in range(n):
    print(f"2a10:ce10:{first + 2 * i:x}::/48")' "$2" "$3" >"$1"
}

# cap_case NAME PROVIDER SKU "PEERING:PROFILE:FIRST:COUNT"...: announce
# COUNT generated /48s on each PEERING's IPv6 sessions (its IPv4 sessions
# up, announcing nothing), BIRD's IPv6 receive limit at the checker's cap,
# then the checker on both legs: exactly the cap, never more.
cap_case() {
	local name=$1 provider=$2 sku=$3 spec peering profile first count cap r
	shift 3
	local specs=("$@") confs=()
	for r in msee1 msee2; do : >"$LAB_DIR/$r/cap.conf"; done
	for spec in "${specs[@]}"; do
		IFS=: read -r peering profile first count <<<"$spec"
		cap=$($CAPCHECK --profile "$profile" --sku "${sku/-/standard}" --peering "$peering" \
			--family ipv6 --print-cap)
		gen_list6 "$LAB_DIR/ce/$peering.list" "$first" "$count"
		[ "$(wc -l <"$LAB_DIR/ce/$peering.list")" -gt "$cap" ] &&
			pass "$name: $peering IPv6 announce list of $count exceeds the cap $cap" ||
			fail "$name: $peering IPv6 announce list of $count exceeds the cap $cap"
		confs+=("$peering=$LAB_DIR/ce/$peering.list")
		for r in msee1 msee2; do
			lab_ms_bird_session "$LAB_DIR/$r/cap.conf" "$r" "$peering"
			lab_ms_bird_session "$LAB_DIR/$r/cap.conf" "$r" "$peering" --ipv6 on \
				--limit "$cap"
		done
	done
	for r in msee1 msee2; do
		bird_provider "$r" "$LAB_DIR/$r/cap.conf" || fail "$name: $r BIRD starts"
	done
	ACCEPT_MS='' ce_conf "$provider" "$sku" "${confs[@]}"
	lab_ce_start "$CONF" --append
	for spec in "${specs[@]}"; do
		IFS=: read -r peering profile first count <<<"$spec"
		local proto=cpriv
		[ "$peering" = microsoft ] && proto=microsoft
		check "$name: $peering IPv4 and IPv6 Established on both legs" \
			lab_wait_for 40 eval "both_established $proto && both_established ${proto}6"
		check "$name: $peering IPv6 exactly at the provider's cap (cap-check.py)" \
			$CAPCHECK --profile "$profile" --sku "${sku/-/standard}" --peering "$peering" \
			--family ipv6 --expect-full \
			"$LAB_DIR/msee1/bird.ctl:${proto}6" "$LAB_DIR/msee2/bird.ctl:${proto}6"
	done
	check "$name: cebgpd exits 0" lab_ce_stop
}

cap_case "expressroute-classic" - - "private:expressroute-classic:1000:130"
cap_case "expressroute standard" expressroute standard \
	"private:expressroute:1000:130" "microsoft:expressroute:2000:250"
cap_case "expressroute premium" expressroute premium "private:expressroute:1000:130"

# An explicit max-prefixes-v6 over the provider's cap wins, with a warning
# that the provider drops the session: BIRD's limit (the provider's) does,
# on both legs, and the checker fails them.
gen_list6 "$LAB_DIR/ce/private.list" 1000 130
for r in msee1 msee2; do
	: >"$LAB_DIR/$r/cap.conf"
	lab_ms_bird_session "$LAB_DIR/$r/cap.conf" "$r" private
	lab_ms_bird_session "$LAB_DIR/$r/cap.conf" "$r" private --ipv6 on --limit \
		"$($CAPCHECK --profile expressroute --peering private --family ipv6 --print-cap)"
	bird_provider "$r" "$LAB_DIR/$r/cap.conf" || fail "over the cap: $r BIRD starts"
done
EXTRA_PRIVATE='max-prefixes-v6: 110' ce_conf expressroute standard private="$LAB_DIR/ce/private.list"
PLAN=$("$CEBGPD" --check -f "$CONF" 2>&1)
same "over the cap: cebgpd --check accepts max-prefixes-v6: 110" 0 $?
check "over the cap: --check warns that the provider drops the session over 100" \
	grep -qE ':[0-9]+:[0-9]+: .*max-prefixes-v6: 110 is above the provider.s cap of 100 IPv6 prefixes on private peering \(provider expressroute\): the provider drops the session over 100' <<<"$PLAN"
lab_ce_start "$CONF" --append
limit_hit() { # ROUTER: BIRD took cpriv6 down for its receive limit
	[ "$(lab_bird_state "$1" cpriv6)" != Established ] &&
		lab_bird_log "$1" | grep -qiE 'cpriv6.* receive limit .*disable'
}
for r in msee1 msee2; do
	check "over the cap: $r's IPv6 receive limit took cpriv6 down" lab_wait_for 40 limit_hit "$r"
done
lab_bird_info msee1 cpriv6 | grep -iE 'limit|error|state' | sed 's/^/    /'
CC=$($CAPCHECK --profile expressroute --peering private --family ipv6 --timeout 10 \
	"$LAB_DIR/msee1/bird.ctl:cpriv6" "$LAB_DIR/msee2/bird.ctl:cpriv6" 2>&1)
same "over the cap: cap-check.py exits 1" 1 $?
sed 's/^/    cap-check.py says: /' <<<"$CC"
check "over the cap: cap-check.py fails both legs (session down)" \
	eval "[ \$(grep -c '^FAIL: .*cpriv6: session .*not Established' <<<\"\$CC\") -eq 2 ]"
check "over the cap: cebgpd exits 0" lab_ce_stop
check "cebgpd log clean over the cap runs (no sanitizer report)" lab_ce_clean

finish
