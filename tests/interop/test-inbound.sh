#!/usr/bin/env bash
# test-inbound: cebgpd's inbound policy against real provider routers in the
# lab (tests/interop/lib.sh): BIRD 2 by default, GoBGP with
# INBOUND_PROVIDER=gobgp (test-inbound-gobgp.sh; tests/interop/gobgp.sh).
#
# The providers send every class of cebgpd.yaml(5)'s inbound rules on both
# peerings: bogons (198.18.0.0/15, 192.0.2.128/25, 203.0.113.0/24), routes
# equal to, covering or inside a peering /30 of either circuit
# (172.16.0.0/16, 172.16.1.0/29, 192.168.77.0/24 over the second circuit's
# /30), routes inside our announced space (10.128.0.0/12 in our
# 10.128.0.0/9, 216.221.239.232/30), the default route, RFC 1918 and
# RFC 6598 on public peering, ordinary routes, and routes tagged with
# Microsoft-style communities (12076:51004).
#
# Checks, for the default config and two reloads (accept: and
# accept-communities:, then accept-default: true): every route's verdict
# and reason on every session (show bgp routes received JSON), the CE
# kernel holds exactly the accepted ones (ip route show proto bgp), the
# summary's received and accepted counts, the refusal metric by reason
# (OpenMetrics valid), explain's text and the routes table's reason. The
# reloads re-evaluate in place: the provider's sessions stay up with no
# new OPEN and no ROUTE-REFRESH (BIRD: uptime and export counter; GoBGP:
# message counters), cebgpd logs no reset, and the FIB follows.
#
# Needs root, network namespaces, bird2 (and gobgpd for GoBGP); exits 77
# (SKIP) without them; a cebgpd or cebgpctl not built is a FAIL. LAB_KEEP=1
# keeps the lab's directory.
# Verdict tables are read through namerefs, outputs through eval'd checks:
# shellcheck disable=SC2034,SC2001
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PROVIDER=${INBOUND_PROVIDER:-bird}
LAB_TEST=${LAB_TEST:-test-inbound${INBOUND_PROVIDER:+-$INBOUND_PROVIDER}}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
# shellcheck source=tests/interop/gobgp.sh
. "$top_srcdir/tests/interop/gobgp.sh"

lab_require
[ "$PROVIDER" = gobgp ] && gobgp_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs

KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3

# What the provider sends, and each route's verdict with the default config.
declare -A PRIV0=(
	[10.1.0.0/16]=accepted [10.3.0.0/24]=accepted [20.50.0.0/16]=accepted
	[198.18.0.0/15]=bogon [192.0.2.128/25]=bogon
	[172.16.0.0/16]=link-subnet [192.168.77.0/24]=link-subnet
	[10.128.0.0/12]=own-space [0.0.0.0/0]=default-route
)
declare -A PUB0=(
	[13.64.0.0/11]=accepted [40.64.0.0/10]=accepted [20.60.0.0/16]=accepted
	[20.61.0.0/16]=accepted
	[10.50.0.0/16]=private-on-public [100.64.0.0/10]=private-on-public
	[203.0.113.0/24]=bogon [172.16.1.0/29]=link-subnet
	[216.221.239.232/30]=own-space
)
PRIV_ROUTES="${!PRIV0[*]}"
PUB_ROUTES="13.64.0.0/11 40.64.0.0/10+12076:51004 20.60.0.0/16+12076:51004+12076:5010
20.61.0.0/16+12076:51005 10.50.0.0/16 100.64.0.0/10 203.0.113.0/24 172.16.1.0/29
216.221.239.232/30"

lab_create "ci$$" || {
	fail "lab created"
	finish
	exit 1
}
CE=$(lab_ns ce)
CE_CONF=$LAB_DIR/ce/cebgpd.yaml
SOCK=$LAB_DIR/ce/cebgpd.sock

# write_conf [lab_ce_config OPTIONS]: the lab's circuit announcing
# 10.128.0.0/9 and 10.10.0.0/16 on private, 216.221.239.232/29 on public,
# the metrics endpoint, and the OPTIONS (a reload's inbound keys). A second
# circuit ("east", no links in the lab) lends its /30s: the rule covers
# every circuit's.
write_conf() {
	lab_ce_config "$CE_CONF" --metrics 127.0.0.1:9179 \
		--announce private="10.128.0.0/9 10.10.0.0/16" \
		--announce public="216.221.239.232/29" \
		--circuit2 "east 600 192.168.77.0/30 192.168.77.4/30 eth7 eth8" "$@"
}

ctl() { "$CEBGPCTL" -s "$SOCK" "$@"; }
ctlj() { "$CEBGPCTL" -s "$SOCK" -j "$@"; }
jpy() {
	python3 -c '
import json, sys
r = json.load(sys.stdin)
d = r.get("data", {})
sys.exit(0 if eval(sys.argv[1]) else 1)' "$@"
}

# ---- the provider, whichever implementation ----

provider_start() { # ROUTER
	if [ "$PROVIDER" = gobgp ]; then
		gobgp_start "$1" priv "$PRIV_ROUTES" && gobgp_start "$1" pub "$PUB_ROUTES"
	else
		lab_bird_start "$1" --routes-private "$PRIV_ROUTES" --routes-public "$PUB_ROUTES"
	fi
}
provider_established() { # ROUTER SESSION
	if [ "$PROVIDER" = gobgp ]; then
		gobgp_is_established "$1" "$2"
	else
		lab_bird_is_established "$1" "$2"
	fi
}
all_up() {
	local r s
	for r in msee1 msee2; do
		for s in priv pub; do provider_established $r $s || return 1; done
	done
}
# provider_mark ROUTER SESSION: what a session reset or a ROUTE-REFRESH
# would change. BIRD: the protocol's export counter (it answers a refresh
# by sending its routes again) and state; its "since" (a reset) is read
# apart, by bird_sinces. GoBGP: OPENs and ROUTE-REFRESHes received, and the
# Established time.
provider_mark() {
	if [ "$PROVIDER" = gobgp ]; then
		echo "open=$(gobgp_counter "$1" "$2" open received)" \
			"refresh=$(gobgp_counter "$1" "$2" refresh received)" \
			"state=$(gobgp_state "$1" "$2")" "since=$(gobgp_since "$1" "$2")"
	else
		echo "exported=$(lab_bird_info "$1" "$2" | awk '/Export updates:/ { print $3; exit }')" \
			"state=$(lab_bird_state "$1" "$2")"
	fi
}
marks() {
	local r s
	for r in msee1 msee2; do
		for s in priv pub; do echo "$r/$s $(provider_mark $r $s)"; done
	done
}
# bird_sinces: BIRD's "since" of every session, one a line (lab_bird_since;
# nothing with GoBGP, whose Established time is in its marks).
bird_sinces() {
	[ "$PROVIDER" = gobgp ] && return 0
	local r s
	for r in msee1 msee2; do
		for s in priv pub; do lab_bird_since $r $s; done
	done
}
# marks_same MARKS-BEFORE MARKS-AFTER SINCES-BEFORE SINCES-AFTER: no session
# was reset or refreshed. BIRD's "since" is compared by lab_bird_same_sinces
# (it can read a millisecond apart); everything else must be equal. Says
# what changed when not.
marks_same() {
	[ "$1" = "$2" ] || {
		echo "$2" | sed 's/^/    after: /'
		return 1
	}
	lab_bird_same_sinces "$3" "$4"
}

# ---- what cebgpd holds ----

# verdicts_are PRIV-ARRAY-NAME PUB-ARRAY-NAME: every route on every session
# of the peering has the expected verdict and reason, and nothing else is
# there (show bgp routes received JSON).
verdicts_are() {
	local -n _priv=$1 _pub=$2
	local want='' p
	for p in "${!_priv[@]}"; do want+="private $p ${_priv[$p]}"$'\n'; done
	for p in "${!_pub[@]}"; do want+="public $p ${_pub[$p]}"$'\n'; done
	ctlj show bgp routes received | WANT=$want python3 -c '
import json, os, sys
want = {}
for line in os.environ["WANT"].split("\n"):
    if line:
        peering, p, reason = line.split()
        want[(peering, p)] = reason
routes = json.load(sys.stdin)["data"]["routes"]
got = {}
for x in routes:
    if x["circuit"] != "1GbpsCircuit":
        continue
    reason = "accepted" if x["accepted"] else x.get("reason", "?")
    got.setdefault((x["peering"], x["prefix"]), set()).add((x["neighbor"], reason))
bad = []
for (peering, p), reason in want.items():
    nbs = ("172.16.1.2", "172.16.2.2") if peering == "private" else ("172.16.1.6", "172.16.2.6")
    exp = {(n, reason) for n in nbs}
    if got.get((peering, p)) != exp:
        bad.append(f"{peering} {p}: want {reason}, got {sorted(got.get((peering, p), []))}")
for k in got:
    if k not in want:
        bad.append(f"unexpected {k}")
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)'
}

# The accepted prefixes of both arrays, sorted ("default" for 0.0.0.0/0).
accepted_of() {
	local -n _a=$1 _b=$2
	local p
	for p in "${!_a[@]}" "${!_b[@]}"; do
		[ "${_a[$p]:-${_b[$p]:-}}" = accepted ] || continue
		[ "$p" = 0.0.0.0/0 ] && echo default || echo "$p"
	done | sort
}
kernel_bgp() {
	ip -n "$CE" route show proto bgp | awk '/^[^ \t]/ && $1 != "blackhole" { print $1 }' | sort
}
# kernel_is PRIV-ARRAY-NAME PUB-ARRAY-NAME: the CE's FIB holds exactly the
# accepted routes, each over both legs.
kernel_is() {
	[ "$(kernel_bgp)" = "$(accepted_of "$1" "$2")" ] || return 1
	local p
	for p in $(accepted_of "$1" "$2"); do
		[ "$(ip -n "$CE" route show "$p" proto bgp | grep -c nexthop)" -eq 2 ] || return 1
	done
}

# counts_are PRIV-RECEIVED PRIV-ACCEPTED PUB-RECEIVED PUB-ACCEPTED (summary JSON)
counts_are() {
	ctlj show bgp summary | jpy "all((s['prefixes_received'], s['prefixes_accepted']) ==
		(($1, $2) if s['peering'] == 'private' else ($3, $4))
		for s in d['sessions'] if s['circuit'] == '1GbpsCircuit')"
}

METRICS=$LAB_DIR/ce/metrics.txt
scrape() {
	ip netns exec "$CE" python3 "$top_srcdir/tests/ship/scrape.py" \
		http://127.0.0.1:9179/metrics --openmetrics >"$METRICS" 2>/dev/null
}
# refused_metric REASON: cebgp_policy_dropped_prefixes{direction="in",reason=REASON}
refused_metric() {
	sed -n 's/^cebgp_policy_dropped_prefixes{direction="in",reason="'"$1"'"} \([0-9]*\)$/\1/p' "$METRICS"
}
# metrics_are "REASON=N ...": the scrape is valid OpenMetrics and counts so.
metrics_are() {
	scrape || return 1
	python3 "$top_srcdir/tests/ship/metrics-validate.py" --openmetrics "$METRICS" >/dev/null ||
		return 1
	local kv
	for kv in "$@"; do
		[ "$(refused_metric "${kv%=*}")" = "${kv#*=}" ] || return 1
	done
}

explain_has() { # PREFIX TEXT: every session of the peering that sent it says TEXT
	ctl explain "$1" | grep -qF "$2"
}

# ---- 1. the default config ----

write_conf
provider_start msee1 || fail "msee1 ($PROVIDER) starts"
provider_start msee2 || fail "msee2 ($PROVIDER) starts"
lab_ce_start "$CE_CONF"

check "$PROVIDER: all four sessions Established" lab_wait_for 40 all_up
check "default config: every route's verdict and reason on all four sessions" \
	lab_wait_for 20 verdicts_are PRIV0 PUB0
verdicts_are PRIV0 PUB0
check "default config: the CE kernel holds exactly the accepted routes, ECMP" \
	lab_wait_for 10 kernel_is PRIV0 PUB0
ip -n "$CE" route show proto bgp | sed 's/^/    /'
check "summary: private received 9 accepted 3, public received 9 accepted 4" counts_are 9 3 9 4
SUM=$(ctl show bgp summary)
check "summary text: PfxRcd and PfxAcc columns" \
	eval "grep -E '^1GbpsCircuit +private +primary .* 9 +3 +[0-9]+ +[0-9]+/3000\$' <<<\"\$SUM\""
check "metrics: valid OpenMetrics, refusals by reason" \
	metrics_are bogon=6 link-subnet=6 own-space=4 default-route=2 private-on-public=4 \
	not-in-accept=0 no-accept-community=0 malformed=0
grep '^cebgp_policy_dropped_prefixes{direction="in"' "$METRICS" | sed 's/^/    /'

check "explain 198.18.0.0/15: a bogon (benchmarking space)" \
	explain_has 198.18.0.0/15 "from 172.16.1.2 (1GbpsCircuit private): received, refused: inside 198.18.0.0/15 (benchmarking), bogon or martian space"
check "explain 192.0.2.128/25: a bogon (documentation space)" \
	explain_has 192.0.2.128/25 "refused: inside 192.0.2.0/24 (documentation), bogon or martian space"
check "explain 172.16.0.0/16: covers a peering /30" \
	explain_has 172.16.0.0/16 "from 172.16.2.2 (1GbpsCircuit private): received, refused: covers peering /30 172.16.1.0/30"
check "explain 192.168.77.0/24: covers the other circuit's /30" \
	explain_has 192.168.77.0/24 "refused: covers peering /30 192.168.77.0/30"
check "explain 172.16.1.0/29 on public: covers a peering /30" \
	explain_has 172.16.1.0/29 "from 172.16.1.6 (1GbpsCircuit public): received, refused: covers peering /30"
check "explain 10.128.0.0/12: inside our own announced space" \
	explain_has 10.128.0.0/12 "refused: inside 10.128.0.0/9, space we announce"
check "explain 216.221.239.232/30: inside our public announcement" \
	explain_has 216.221.239.232/30 "refused: inside 216.221.239.232/29, space we announce"
check "explain 0.0.0.0/0: the default route without accept-default" \
	explain_has 0.0.0.0/0 "refused: the default route (accept-default is off)"
check "explain 10.50.0.0/16: RFC 1918 on public peering" \
	explain_has 10.50.0.0/16 "refused: inside 10.0.0.0/8 (RFC 1918) on public peering"
check "explain 100.64.0.0/10: RFC 6598 on public peering" \
	explain_has 100.64.0.0/10 "refused: inside 100.64.0.0/10 (RFC 6598) on public peering"
check "explain 20.50.0.0/16: public space on private peering is accepted" \
	explain_has 20.50.0.0/16 "from 172.16.1.2 (1GbpsCircuit private): received, accepted"
check "explain JSON: reason names" \
	eval "ctlj explain 198.18.0.0/15 | jpy 'all(x[\"reason\"] == \"bogon\" and not x[\"accepted\"] for x in d[\"inbound\"]) and len(d[\"inbound\"]) == 2'"
ROUTES=$(ctl show bgp routes received private)
check "show bgp routes received: a refused route is x with its reason" \
	eval "grep -qE '^x +198\.18\.0\.0/15 .*refused: bogon\$' <<<\"\$ROUTES\""
check "show bgp routes received: an accepted one is valid" \
	eval "grep -qE '^\*[>=]? +10\.1\.0\.0/16 ' <<<\"\$ROUTES\""

# ---- 2. reload: accept: and accept-communities: narrow, in place ----

MARKS0=$(marks)
SINCES0=$(bird_sinces)
echo "$MARKS0" | sed 's/^/    /'
declare -A PRIV1 PUB1
for p in "${!PRIV0[@]}"; do PRIV1[$p]=${PRIV0[$p]}; done
for p in "${!PUB0[@]}"; do PUB1[$p]=${PUB0[$p]}; done
PRIV1[20.50.0.0/16]=not-in-accept
PUB1[13.64.0.0/11]=no-accept-community
PUB1[20.61.0.0/16]=no-accept-community
write_conf --peering private="accept: [10.0.0.0/8]" \
	--peering public='accept-communities: ["12076:51004"]'
check "reload with accept: and accept-communities: is applied" eval "ctl reload >/dev/null"
check "reload 1: verdicts re-evaluated in place (accept list, communities)" \
	lab_wait_for 20 verdicts_are PRIV1 PUB1
verdicts_are PRIV1 PUB1
check "reload 1: the kernel follows (20.50/16, 13.64/11, 20.61/16 gone)" \
	lab_wait_for 10 kernel_is PRIV1 PUB1
check "reload 1: summary counts (private 9/2, public 9/2)" counts_are 9 2 9 2
check "reload 1: metrics count the new reasons" \
	metrics_are not-in-accept=2 no-accept-community=4 bogon=6 default-route=2
check "show config: the public peering's accept-communities, the private accept list" \
	eval "ctl show config | grep -q '^    accept-communities: 12076:51004 (East US)\$' &&
		ctl show config | grep -q '^    accept: 10.0.0.0/8\$'"
check "explain 13.64.0.0/11: no listed community" \
	explain_has 13.64.0.0/11 "refused: carries none of accept-communities (12076:51004)"
check "explain 20.50.0.0/16: not covered by the accept list" \
	explain_has 20.50.0.0/16 "refused: no accept entry covers it"
check "explain 10.1.0.0/16: still accepted under the list" \
	explain_has 10.1.0.0/16 "received, accepted"
check "reload 1: cebgpd re-evaluated, reset nothing" \
	eval "grep -q 'inbound policy re-evaluated' '$LAB_CE_LOG' && ! grep -q 'reset:' '$LAB_CE_LOG'"
check "reload 1: $PROVIDER sessions stayed up, no new OPEN, no ROUTE-REFRESH" \
	marks_same "$MARKS0" "$(marks)" "$SINCES0" "$(bird_sinces)"

# ---- 3. reload: accept-default, lists removed ----

declare -A PRIV2 PUB2
for p in "${!PRIV0[@]}"; do PRIV2[$p]=${PRIV0[$p]}; done
for p in "${!PUB0[@]}"; do PUB2[$p]=${PUB0[$p]}; done
PRIV2[0.0.0.0/0]=accepted
write_conf --peering private="accept-default: true"
check "reload with accept-default: true is applied" eval "ctl reload >/dev/null"
check "reload 2: the default route is accepted, the lists no longer narrow" \
	lab_wait_for 20 verdicts_are PRIV2 PUB2
verdicts_are PRIV2 PUB2
check "reload 2: the kernel follows (default route, 20.50/16, 13.64/11, 20.61/16 back)" \
	lab_wait_for 10 kernel_is PRIV2 PUB2
check "reload 2: summary counts (private 9/4, public 9/4)" counts_are 9 4 9 4
check "reload 2: metrics" \
	metrics_are default-route=0 not-in-accept=0 no-accept-community=0 bogon=6 own-space=4
check "reload 2: no session flapped (cebgp_session_flaps)" \
	eval "! grep -E '^cebgp_session_flaps_total\\{circuit=\"1GbpsCircuit\".*\\} [1-9]' '$METRICS'"
check "reload 2: $PROVIDER sessions stayed up, no new OPEN, no ROUTE-REFRESH" \
	marks_same "$MARKS0" "$(marks)" "$SINCES0" "$(bird_sinces)"
check "cebgpd is still running" kill -0 "$LAB_CE_PID"
check "SIGTERM: cebgpd exits 0" lab_ce_stop
check "no sanitizer report" lab_ce_clean

finish
