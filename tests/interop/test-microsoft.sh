#!/usr/bin/env bash
# test-microsoft: Microsoft peering as an operator sees it, against BIRD 2
# playing the provider's routers on both legs (tests/interop/lib.sh and
# microsoft.sh: VLAN 557, public link subnets 45.60.1.0/30 and
# 45.60.2.0/30), and the prefix caps of every provider profile, checked by
# an independent checker (cap-check.py).
#
# 1. Microsoft peering under `provider: expressroute`. The provider sends
#    routes tagged with region and service communities, as the real one
#    does (East US, West US, West Europe, East US storage, Exchange Online,
#    none at all), one RFC 1918 route and the default route; the CE selects
#    with accept-communities by name and by number. Checks: --check shows
#    what the names resolved to, every route's verdict and reason on both
#    legs (show bgp routes received microsoft, -j), the communities decoded
#    to the provider's names in the JSON (raw value kept) and in the text,
#    the CE kernel holds exactly the accepted routes over both legs, and
#    BIRD receives exactly the public prefixes of our announce list (the
#    RFC 1918 ones in it are never sent). Then a reload selecting other
#    names: the new verdicts, the kernel follows, no session reset.
# 2. Caps. For each profile and SKU (expressroute-classic: private 3000,
#    public 4000; expressroute standard: private 4000, Microsoft 200;
#    expressroute premium: private 10000) cebgpd announces a generated list
#    bigger than the cap, made of /24s no two of which are adjacent (so
#    nothing merges losslessly). cap-check.py, with its own table of the
#    provider's caps, reads what each BIRD session received (birdc) and
#    fails over the cap; each BIRD session's receive limit is that cap with
#    action disable, so a session that ever went over stays down and fails
#    the check too. On public and Microsoft peering (no over-coverage
#    allowed) the cap must be used in full.
#
# Needs root, network namespaces, bird2 and python3; exits 77 (SKIP)
# without them; a cebgpd or cebgpctl not built is a FAIL. LAB_KEEP=1 keeps
# the lab's directory.
# Verdict tables are read through namerefs; python snippets in single quotes:
# shellcheck disable=SC2034,SC2016
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
LAB_TEST=${LAB_TEST:-test-microsoft}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
# shellcheck source=tests/interop/microsoft.sh
. "$top_srcdir/tests/interop/microsoft.sh"

lab_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs

# A public ASN of our own: today's provider refuses the reserved ones
# (65515-65520, the lab's default 65520 among them), and strips private
# ones on Microsoft peering.
export LAB_HOLD=9 LAB_KEEPALIVE=3 LAB_CUSTOMER_AS=8283
CAPCHECK="python3 $top_srcdir/tests/interop/cap-check.py"
# Per-prefix policy warnings would bury the post-mortem.
LAB_DUMP_SKIP='dropped|truncat|aggregat'

lab_create "ms$$" || {
	fail "lab created"
	finish
	exit 1
}
CE=$(lab_ns ce)
CONF=$LAB_DIR/ce/cebgpd.yaml
SOCK=$LAB_DIR/ce/cebgpd.sock
check "Microsoft peering links (VLAN 557, 45.60.1.0/30 and 45.60.2.0/30)" lab_ms_links

ctl() { "$CEBGPCTL" -s "$SOCK" "$@"; }
ctlj() { "$CEBGPCTL" -s "$SOCK" -j "$@"; }

# ce_conf PROVIDER SKU KEY PEERING=ANNOUNCE-FILE...: cebgpd's config of one
# circuit "msft" with those peerings (private VLAN 555, public 556,
# microsoft 557, the lab's subnets), each announcing its file's prefixes.
# PROVIDER and SKU "-" leave the key out (the default profile); KEY "-"
# means no TCP-MD5. $ACCEPT_MS, when set, is the Microsoft peering's
# accept-communities line.
ce_conf() {
	local provider=$1 sku=$2 key=$3 spec p f
	shift 3
	local -A vlan=([private]=555 [public]=556 [microsoft]=557)
	local -A pri=([private]=172.16.1.0/30 [public]=172.16.1.4/30 [microsoft]=45.60.1.0/30)
	local -A sec=([private]=172.16.2.0/30 [public]=172.16.2.4/30 [microsoft]=45.60.2.0/30)
	{
		echo "asn: $LAB_CUSTOMER_AS"
		echo "router-id: 192.0.2.1"
		echo "control: { socket: $SOCK, readonly-socket: ${SOCK%.sock}.ro.sock }"
		echo "timers: { hold: $LAB_HOLD, keepalive: $LAB_KEEPALIVE, connect-retry: 2, idle-hold: 1, idle-hold-max: 2 }"
		[ "$provider" != - ] && echo "provider: $provider"
		echo "circuits:"
		echo "  - name: msft"
		[ "$sku" != - ] && echo "    sku: $sku"
		[ "$key" != - ] && echo "    md5-key: $key"
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
			[ "$p" = microsoft ] && [ -n "${ACCEPT_MS:-}" ] && echo "        $ACCEPT_MS"
			echo "        announce:"
			sed 's/^/          - /' "$f"
		done
	} >"$CONF"
}

# gen_list FILE FIRST-OCTET N: N /24s FIRST-OCTET.x.y.0/24, every other one
# (no two adjacent, so lossless aggregation cannot shrink the list).
gen_list() {
	python3 -c '
import sys
first, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print(f"{first + i // 32768}.{i // 128 % 256}.{i % 128 * 2}.0/24")' "$2" "$3" >"$1"
}

# bird_provider ROUTER EXTRA-FILE: (re)start ROUTER's BIRD with only the
# sessions in EXTRA-FILE (lib.sh's own priv and pub disabled).
bird_provider() {
	lab_bird_stop "$1"
	lab_bird_start "$1" --disabled on --routes-private "" --routes-public "" --extra "$2"
}

both_established() { # PROTO
	lab_bird_is_established msee1 "$1" && lab_bird_is_established msee2 "$1"
}

# ---- 1. Microsoft peering: communities, names, what we accept and send ----

# What the provider sends on both legs: prefix, communities, and the verdict
# under accept-communities ["East US", "Exchange Online", "12076:51006"].
declare -A MS=(
	[20.38.0.0/19]=accepted         # East US (by name)
	[52.96.0.0/14]=accepted         # Exchange Online (by name)
	[13.64.0.0/11]=accepted         # West US (by number)
	[40.64.0.0/13]=no-accept-community  # West Europe
	[20.60.0.0/16]=no-accept-community  # East US storage: not the region
	[23.96.0.0/13]=no-accept-community  # untagged
	[10.50.0.0/16]=private-on-public    # RFC 1918, tagged East US all the same
	[0.0.0.0/0]=default-route           # never, whatever it carries
)
MS_ROUTES="20.38.0.0/19+12076:51004 52.96.0.0/14+12076:5010 13.64.0.0/11+12076:51006
40.64.0.0/13+12076:51002 20.60.0.0/16+12076:52004+12076:5100 23.96.0.0/13
10.50.0.0/16+12076:51004 0.0.0.0/0+12076:51004"
for r in msee1 msee2; do
	: >"$LAB_DIR/$r/ms.conf"
	lab_ms_bird_static "$LAB_DIR/$r/ms.conf" "$MS_ROUTES"
	lab_ms_bird_session "$LAB_DIR/$r/ms.conf" "$r" microsoft --limit \
		"$($CAPCHECK --profile expressroute --peering microsoft --print-cap)"
	bird_provider "$r" "$LAB_DIR/$r/ms.conf" || fail "$r: BIRD starts"
done

# Ours: two public prefixes and two private ones (never sent on Microsoft
# peering).
printf '%s\n' 45.61.0.0/22 45.62.8.0/24 10.99.0.0/16 192.168.50.0/24 >"$LAB_DIR/ce/ms.list"
ACCEPT_MS='accept-communities: ["East US", "Exchange Online", "12076:51006"]'
ce_conf expressroute - - microsoft="$LAB_DIR/ce/ms.list"
PLAN=$("$CEBGPD" --check -f "$CONF" 2>&1)
same "cebgpd --check accepts the config" 0 $?
check "--check: accept-communities as resolved, with the provider's names" \
	grep -qxF '    accept-communities: 12076:51004 (East US), 12076:5010 (Exchange Online), 12076:51006 (West US)' <<<"$PLAN"
lab_ce_start "$CONF"
check "BIRD: Microsoft peering Established on both legs" lab_wait_for 40 both_established microsoft

# verdicts_are ARRAY-NAME: every provider route on both legs has its verdict
# and reason (show bgp routes received microsoft -j), and nothing else is
# there.
verdicts_are() {
	local -n _v=$1
	local want='' p
	for p in "${!_v[@]}"; do want+="$p ${_v[$p]}"$'\n'; done
	ctlj show bgp routes received microsoft | WANT=$want python3 -c '
import json, os, sys
want = dict(l.split() for l in os.environ["WANT"].splitlines() if l)
got = {}
for x in json.load(sys.stdin)["data"]["routes"]:
    if x["circuit"] != "msft" or x["peering"] != "microsoft":
        print("unexpected", x["circuit"], x["peering"]); sys.exit(1)
    reason = "accepted" if x["accepted"] else x.get("reason", "?")
    got.setdefault(x["prefix"], set()).add((x["neighbor"], reason))
bad = [f"{p}: want {r}, got {sorted(got.get(p, []))}" for p, r in want.items()
       if got.get(p) != {("45.60.1.2", r), ("45.60.2.2", r)}]
bad += [f"unexpected {p}" for p in got if p not in want]
print("\n".join(bad)) if bad else None
sys.exit(1 if bad else 0)'
}
check "every route's verdict and reason on both legs (accept-communities by name and number)" \
	lab_wait_for 30 verdicts_are MS
verdicts_are MS

# names_are PREFIX "VALUE=NAME/KIND ..." (NAME/KIND - for no name; _ for a
# blank in a name): the route's communities in -j on both legs, raw value
# and the provider's name and kind (in any order: BIRD sorts them).
names_are() {
	ctlj show bgp routes received microsoft "$1" | WANT=$2 python3 -c '
import json, os, sys
want = []
for w in os.environ["WANT"].split(" "):
    v, nk = w.split("=", 1)
    want.append({"value": v} if nk == "-" else
                {"value": v, "name": nk.split("/")[0].replace("_", " "), "kind": nk.split("/")[1]})
routes = json.load(sys.stdin)["data"]["routes"]
key = lambda c: c["value"]
ok = len(routes) == 2 and all(sorted(r["communities"], key=key) == sorted(want, key=key)
                              for r in routes)
print(json.dumps([r.get("communities") for r in routes])) if not ok else None
sys.exit(0 if ok else 1)'
}
check "-j: 12076:51004 is East US (region), raw value kept" \
	names_are 20.38.0.0/19 "12076:51004=East_US/region"
check "-j: 12076:5010 is Exchange Online (service)" \
	names_are 52.96.0.0/14 "12076:5010=Exchange_Online/service"
check "-j: 12076:52004 is East US storage, 12076:5100 Other Office 365 Online services" \
	names_are 20.60.0.0/16 "12076:52004=East_US_storage/storage 12076:5100=Other_Office_365_Online_services/service"
check "-j: a route without communities has none" \
	eval "ctlj show bgp routes received microsoft 23.96.0.0/13 | python3 -c 'import json,sys; r = json.load(sys.stdin)[\"data\"][\"routes\"]; sys.exit(len(r) != 2 or any(\"communities\" in x for x in r))'"

TEXT=$(ctl show bgp routes received microsoft)
echo "$TEXT" | sed 's/^/    /'
check "text: accepted East US route, then its communities by name" \
	eval "grep -A1 -E '^\*[>=]? +20\.38\.0\.0/19 +msft/microsoft ' <<<\"\$TEXT\" | grep -qxF '      Communities: 12076:51004 (East US)'"
check "text: West Europe refused with its reason, communities named" \
	eval "grep -A1 -E '^x +40\.64\.0\.0/13 .*refused: no-accept-community\$' <<<\"\$TEXT\" | grep -qxF '      Communities: 12076:51002 (West Europe)'"
check "text: the RFC 1918 route refused as private-on-public" \
	eval "grep -qE '^x +10\.50\.0\.0/16 .*refused: private-on-public\$' <<<\"\$TEXT\""
check "text: CIRCUIT/microsoft selects the same 16 routes" \
	eval "[ \"\$(ctl show bgp routes received msft/microsoft)\" = \"\$TEXT\" ] &&
		grep -qx 'Displayed 16 routes of 8 prefixes, 16 routes in all' <<<\"\$TEXT\""
check "text: private peering has none of them" \
	eval "! ctl show bgp routes received private | grep -q 'msft/microsoft'"

kernel_bgp() {
	ip -n "$CE" route show proto bgp | awk '/^[^ \t]/ && $1 != "blackhole" { print $1 }' | sort
}
# kernel_ok ARRAY-NAME: the CE kernel holds the accepted routes, each over
# both legs, and nothing else.
kernel_ok() {
	local -n _k=$1
	local p want
	want=$(for p in "${!_k[@]}"; do [ "${_k[$p]}" = accepted ] && echo "$p"; done | sort)
	[ "$(kernel_bgp)" = "$want" ] || return 1
	for p in $want; do
		ip -n "$CE" route show "$p" proto bgp | grep -q 'via 45.60.1.2' || return 1
		ip -n "$CE" route show "$p" proto bgp | grep -q 'via 45.60.2.2' || return 1
	done
}
check "kernel: exactly the accepted routes, over both legs" lab_wait_for 15 kernel_ok MS
ip -n "$CE" route show proto bgp | sed 's/^/    /'

sent_ok() { # ROUTER
	[ "$(lab_bird_routes "$1" microsoft)" = "$(printf '%s\n' 45.61.0.0/22 45.62.8.0/24)" ]
}
check "msee1 receives our public prefixes only (no RFC 1918)" lab_wait_for 15 sent_ok msee1
check "msee2 receives our public prefixes only (no RFC 1918)" lab_wait_for 15 sent_ok msee2
lab_bird_routes msee1 microsoft | sed 's/^/    msee1: /'
check "show policy microsoft: 4 announced, 2 left after sanitizing (RFC 1918 out), 2 advertised, cap 200" \
	eval "ctlj show policy microsoft | python3 -c 'import json,sys; p = json.load(sys.stdin)[\"data\"][\"peerings\"]; f = p[0][\"families\"][0]; sys.exit(not (len(p) == 1 and p[0][\"peering\"] == \"microsoft\" and (f[\"announced\"], f[\"sanitized\"], f[\"advertised\"], f[\"cap\"]) == (4, 2, 2, 200)))'"
check "show kernel routes microsoft: the three accepted routes" \
	eval "[ \"\$(ctlj show kernel routes microsoft | python3 -c 'import json,sys; print(\" \".join(sorted(r[\"prefix\"] for r in json.load(sys.stdin)[\"data\"][\"routes\"])))')\" = '13.64.0.0/11 20.38.0.0/19 52.96.0.0/14' ]"

# A reload that selects other names re-evaluates what was received, in
# place: no session reset, and the kernel follows.
declare -A MS2=(
	[40.64.0.0/13]=accepted             # West Europe
	[20.60.0.0/16]=accepted             # East US storage
	[20.38.0.0/19]=no-accept-community  # East US, no longer selected
	[52.96.0.0/14]=no-accept-community
	[13.64.0.0/11]=no-accept-community
	[23.96.0.0/13]=no-accept-community
	[10.50.0.0/16]=private-on-public
	[0.0.0.0/0]=default-route
)
SINCE1=$(lab_bird_since msee1 microsoft) SINCE2=$(lab_bird_since msee2 microsoft)
ACCEPT_MS='accept-communities: ["west europe", "EAST US STORAGE"]'
ce_conf expressroute - - microsoft="$LAB_DIR/ce/ms.list"
check "reload: accept-communities by other names is applied" eval "ctl reload >/dev/null"
check "reload: every route's new verdict on both legs" lab_wait_for 20 verdicts_are MS2
verdicts_are MS2
check "reload: the kernel follows" lab_wait_for 15 kernel_ok MS2
check "reload: msee1's Microsoft peering was not reset" lab_bird_unchanged msee1 microsoft "$SINCE1"
check "reload: msee2's Microsoft peering was not reset" lab_bird_unchanged msee2 microsoft "$SINCE2"
check "cebgpd exits 0" lab_ce_stop
check "cebgpd log clean (no sanitizer report)" lab_ce_clean

# ---- 2. the caps of every profile, against the independent checker ----

# cap_case NAME PROVIDER SKU KEY "PEERING:PROFILE:FIRST-OCTET:COUNT:FULL"...:
# announce COUNT generated /24s on each PEERING, BIRD's receive limit at the
# checker's cap, then the checker on both legs (FULL "full": the cap must
# be used in full).
cap_case() {
	local name=$1 provider=$2 sku=$3 key=$4 spec peering profile first count full cap r
	shift 4
	local specs=("$@") confs=()
	for r in msee1 msee2; do : >"$LAB_DIR/$r/cap.conf"; done
	for spec in "${specs[@]}"; do
		IFS=: read -r peering profile first count full <<<"$spec"
		cap=$($CAPCHECK --profile "$profile" --sku "${sku/-/standard}" --peering "$peering" \
			--print-cap)
		gen_list "$LAB_DIR/ce/$peering.list" "$first" "$count"
		[ "$(wc -l <"$LAB_DIR/ce/$peering.list")" -gt "$cap" ] &&
			pass "$name: $peering announce list of $count exceeds the cap $cap" ||
			fail "$name: $peering announce list of $count exceeds the cap $cap"
		confs+=("$peering=$LAB_DIR/ce/$peering.list")
		for r in msee1 msee2; do
			lab_ms_bird_session "$LAB_DIR/$r/cap.conf" "$r" "$peering" --limit "$cap" \
				--key "${key/-/none}"
		done
	done
	for r in msee1 msee2; do
		bird_provider "$r" "$LAB_DIR/$r/cap.conf" || fail "$name: $r BIRD starts"
	done
	ACCEPT_MS='' ce_conf "$provider" "$sku" "$key" "${confs[@]}"
	lab_ce_start "$CONF" --append
	for spec in "${specs[@]}"; do
		IFS=: read -r peering profile first count full <<<"$spec"
		local proto=cpriv
		[ "$peering" = public ] && proto=cpub
		[ "$peering" = microsoft ] && proto=microsoft
		check "$name: $peering Established on both legs" lab_wait_for 40 both_established $proto
		check "$name: $peering within the provider's cap (cap-check.py)" \
			$CAPCHECK --profile "$profile" --sku "${sku/-/standard}" --peering "$peering" \
			${full:+--expect-full} \
			"$LAB_DIR/msee1/bird.ctl:$proto" "$LAB_DIR/msee2/bird.ctl:$proto"
	done
	check "$name: cebgpd exits 0" lab_ce_stop
}

cap_case "expressroute-classic" - - "$LAB_MD5_KEY" \
	"private:expressroute-classic:10:3500:" "public:expressroute-classic:81:4500:full"
cap_case "expressroute standard" expressroute standard - \
	"private:expressroute:10:4500:" "microsoft:expressroute:82:250:full"
cap_case "expressroute premium" expressroute premium - \
	"private:expressroute:10:10500:"
check "cebgpd log clean over the cap runs (no sanitizer report)" lab_ce_clean

finish
