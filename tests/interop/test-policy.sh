#!/usr/bin/env bash
# test-policy: what the provider receives from cebgpd obeys its rules.
#
# cebgpd runs in the lab's ce namespace with generated announce lists
# (tests/interop/fixtures/gen-policy-fixture.py: ~4700 on-prem prefixes of
# mixed lengths on private peering, forcing cap-aware aggregation; ~1600 on
# public, with RFC 1918, RFC 6598 and /30-/32 entries). Two BIRD 2 routers
# play the provider (msee1 primary, msee2 secondary) and keep what they
# receive ("import keep filtered"); like the provider, they drop a private
# session that receives more than 3000 prefixes (receive limit, restart).
#
# Checks: primary and secondary of each peering received the same set;
# equal to the `cebgpd --check` plan; within the cap; nothing longer than
# /29; nothing overlapping RFC 1918 or RFC 6598 on public; ATOMIC_AGGREGATE
# and AGGREGATOR exactly on lossy aggregates, with our AS path, next hop
# and communities; End-of-RIB after the initial set; a ROUTE-REFRESH
# (birdc reload in) changes nothing and resets nothing; a SIGHUP with a
# changed announce list changes what BIRD holds by exactly the delta (and
# only the delta goes on the wire) without resetting a session, also on
# private peering at the cap (withdraws first: never over the limit); the
# secondary public session's prepend shows in its AS path only; a reload
# to ~98000 public prefixes goes out through the write queue's high water
# (XOFF, resumed on drain) and both legs end with the whole plan; SIGTERM
# exits 0 without a sanitizer report.
#
# Needs root, network namespaces, bird2 and python3; exits 77 (SKIP) without.
# LAB_KEEP=1 keeps the lab's directory (logs, configs, plans).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
GEN=$top_srcdir/tests/interop/fixtures/gen-policy-fixture.py

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

lab_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs cebgpd


KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3
CAP_PRIV=3000
CAP_PUB=4000

lab_create "cp$$" || {
	fail "lab created"
	finish
	exit 1
}
W=$LAB_DIR/ce
CE_LOG=$W/cebgpd.log
CE_CONF=$W/cebgpd.yaml
CE_PID=
# Thousands of per-prefix policy warnings would hide the rest of the log.
LAB_DUMP_SKIP='policy warning|longer than'

# ---- helpers ----

# policy_conf FILE VARIANT [lab_ce_config OPTIONS]: the lab's circuit with
# the fixture's announce lists (variant 0, 1 or 2) and the peerings'
# communities; the public secondary session prepends our AS twice (an
# active/passive design): its routes differ from the primary's only in the
# AS path. Variant 2 (~98000 public prefixes) raises the public cap.
policy_conf() {
	local file=$1 variant=$2 p big=()
	shift 2
	for p in private public; do
		python3 "$GEN" --variant "$variant" --peering $p >"$file.$p" || return 1
	done
	[ "$variant" = 2 ] && big=(--peering public="max-prefixes: 200000")
	lab_ce_config "$file" --announce-file private="$file.private" \
		--announce-file public="$file.public" --peering private="communities: [65520:555]" \
		--peering private="cap-action: aggregate" --peering private="max-overcoverage: unbounded" \
		--peering public="secondary: { prepend: 2 }" "${big[@]}" "$@"
}

# plan_set FILE PEERING: the prefixes the --check plan advertises on PEERING.
plan_set() {
	awk -v want="$2" '/^  (private|public) peering/ { cur = $1 }
		cur == want && $1 == "advertise" { print $2 }' "$1" | sort -u
}
# plan_lossy FILE PEERING: the lossy aggregates of the plan.
plan_lossy() {
	awk -v want="$2" '/^  (private|public) peering/ { cur = $1 }
		cur == want && $1 == "advertise" && $3 == "lossy" { print $2 }' "$1" | sort -u
}
# routes ROUTER PROTO: what BIRD holds from the session, accepted and filtered.
routes() {
	{
		lab_bird_routes "$1" "$2"
		lab_bird_routes "$1" "$2" filtered
	} | sort -u
}
count() { sed '/^$/d' "$1" | wc -l; }
# bird_has_n ROUTER PROTO N: BIRD holds exactly N routes from PROTO.
bird_has_n() { [ "$(routes "$1" "$2" | wc -l)" -eq "$3" ]; }
# bird_count ROUTER PROTO: how many routes BIRD holds from PROTO (cheap).
bird_count() {
	lab_birdc "$1" show route protocol "$2" count 2>/dev/null |
		awk '$2 == "of" && $4 == "routes" { print $1; exit }'
}
bird_count_is() { [ "$(bird_count "$1" "$2")" = "$3" ]; }
# bird_matches ROUTER PROTO FILE: BIRD holds exactly the set in FILE.
bird_matches() { routes "$1" "$2" | cmp -s - "$3"; }
# longest FILE: the longest prefix length in FILE (0 when empty).
longest() { awk -F/ 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$1"; }
# forbidden_public FILE: prefixes overlapping RFC 1918 or RFC 6598 space.
forbidden_public() {
	awk -F'[./]' '
	function ov(a, l, b, m,   k) { k = l < m ? l : m
		return int(a / 2 ^ (32 - k)) == int(b / 2 ^ (32 - k)) }
	{ a = (($1 * 256 + $2) * 256 + $3) * 256 + $4; l = $5
	  if (ov(a, l, 10 * 2^24, 8) || ov(a, l, (172 * 256 + 16) * 2^16, 12) ||
	      ov(a, l, (192 * 256 + 168) * 2^16, 16) || ov(a, l, (100 * 256 + 64) * 2^16, 10))
		print }' "$1"
}
# proto_since ROUTER PROTO: BIRD's "since" column for the protocol (changes
# when the session goes down or comes up).
proto_since() { lab_bird_since "$@"; }
# import_stat ROUTER PROTO WHAT: BIRD's "Import updates"/"Import withdraws"
# received counter of the session's channel.
import_stat() {
	lab_bird_info "$1" "$2" | awk -v w="$3" '$1 " " $2 == "Import " w ":" { print $3; exit }'
}

# ---- 0. the plan ----

policy_conf "$CE_CONF" 0 || fail "fixture generated"
"$CEBGPD" --check -f "$CE_CONF" >"$W/plan0.txt" 2>"$W/plan0.err"
check "cebgpd --check accepts the fixture" test $? -eq 0
plan_set "$W/plan0.txt" private >"$W/plan0.priv"
plan_set "$W/plan0.txt" public >"$W/plan0.pub"
plan_lossy "$W/plan0.txt" private >"$W/plan0.priv.lossy"
NPRIV=$(count "$W/plan0.priv")
NPUB=$(count "$W/plan0.pub")
NANN_PRIV=$(awk '/^  private peering/ { p = 1 } /^  public peering/ { p = 0 }
	p && /^    stages \(IPv4\)/ { print $4 }' "$W/plan0.txt" | tr -d ,)
echo "plan: private $NPRIV of $CAP_PRIV (from $NANN_PRIV announced), public $NPUB of $CAP_PUB"
grep '^    \(advertised\|cap\) (IPv4' "$W/plan0.txt"
check "plan: private peering needs cap-aware aggregation (lossy aggregates)" \
	test -s "$W/plan0.priv.lossy"
check "plan: private within the cap" test "$NPRIV" -gt 0 -a "$NPRIV" -le $CAP_PRIV
check "plan: more announced on private than the cap" test "${NANN_PRIV:-0}" -gt $CAP_PRIV
check "plan: public within the cap" test "$NPUB" -gt 0 -a "$NPUB" -le $CAP_PUB
check "plan: a discard route for every hole (private)" \
	grep -q '^    discard 10\.' "$W/plan0.txt"

# ---- 1. the initial advertisement ----

lab_bird_start msee1 --limit priv=$CAP_PRIV || fail "msee1 BIRD starts"
lab_bird_start msee2 --passive on --limit priv=$CAP_PRIV || fail "msee2 BIRD starts (passive)"
lab_ce_start "$CE_CONF"
CE_PID=$LAB_CE_PID

for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s Established" lab_wait_bird_established $s 30
done
for r in msee1 msee2; do
	check "$r priv: $NPRIV routes received" lab_wait_for 60 bird_has_n $r priv "$NPRIV"
	check "$r pub: $NPUB routes received" lab_wait_for 60 bird_has_n $r pub "$NPUB"
done
for r in msee1 msee2; do
	for p in priv pub; do
		routes $r $p >"$W/$r.$p.0"
	done
done
check "private: primary and secondary received the same set" \
	cmp -s "$W/msee1.priv.0" "$W/msee2.priv.0"
check "public: primary and secondary received the same set" \
	cmp -s "$W/msee1.pub.0" "$W/msee2.pub.0"
check "private: received set equals the --check plan" cmp -s "$W/msee1.priv.0" "$W/plan0.priv"
check "public: received set equals the --check plan" cmp -s "$W/msee1.pub.0" "$W/plan0.pub"
check "private: within the cap ($CAP_PRIV)" test "$(count "$W/msee1.priv.0")" -le $CAP_PRIV
check "public: within the cap ($CAP_PUB)" test "$(count "$W/msee1.pub.0")" -le $CAP_PUB
for r in msee1 msee2; do
	for p in priv pub; do
		check "$r $p: nothing longer than /29" test "$(longest "$W/$r.$p.0")" -le 29
	done
	check "$r pub: nothing RFC 1918 or RFC 6598" test -z "$(forbidden_public "$W/$r.pub.0")"
done
check "BIRD filtered nothing" test -z "$(lab_bird_routes msee1 priv filtered)"
check "End-of-RIB sent on all four sessions" \
	lab_wait_for 10 eval "[ \$(grep -c 'End-of-RIB sent' '$CE_LOG') -ge 4 ]"

# Attributes of a lossy aggregate and of an exact prefix (RFC 4271 §9.2.2.2).
LOSSY=$(head -n 1 "$W/plan0.priv.lossy")
EXACT=$(comm -23 "$W/plan0.priv" "$W/plan0.priv.lossy" | head -n 1)
for r in msee1 msee2; do
	lab_bird_route_attrs $r priv "$LOSSY" >"$W/$r.lossy.attrs"
	lab_bird_route_attrs $r priv "$EXACT" >"$W/$r.exact.attrs"
	check "$r: lossy $LOSSY carries ATOMIC_AGGREGATE" grep -qi 'atomic_aggr' "$W/$r.lossy.attrs"
	check "$r: lossy $LOSSY carries AGGREGATOR (192.0.2.1, AS 65520)" \
		grep -Eqi 'aggregator:.*192\.0\.2\.1.*65520' "$W/$r.lossy.attrs"
	check "$r: exact $EXACT carries neither" \
		eval "! grep -Eqi 'atomic_aggr|aggregator' '$W/$r.exact.attrs'"
	check "$r: AS path is our AS alone" grep -Eq 'as_path: 65520$' "$W/$r.exact.attrs"
	check "$r: the peering's community" grep -Eq 'community:.*\(65520,555\)' "$W/$r.exact.attrs"
	check "$r: ORIGIN IGP" grep -Eq 'origin: IGP' "$W/$r.exact.attrs"
done
check "msee1: next hop is our primary address" \
	grep -Eq 'next_hop: 172\.16\.1\.1$' "$W/msee1.exact.attrs"
check "msee2: next hop is our secondary address" \
	grep -Eq 'next_hop: 172\.16\.2\.1$' "$W/msee2.exact.attrs"
PUB1=$(head -n 1 "$W/plan0.pub")
lab_bird_route_attrs msee1 pub "$PUB1" >"$W/msee1.pub.attrs"
lab_bird_route_attrs msee2 pub "$PUB1" >"$W/msee2.pub.attrs"
check "msee1 pub: no prepend on the primary" grep -Eq 'as_path: 65520$' "$W/msee1.pub.attrs"
check "msee2 pub: prepend 2 on the secondary" \
	grep -Eq 'as_path: 65520 65520 65520$' "$W/msee2.pub.attrs"
check "cebgpd logged the cap-aware aggregation" grep -q 'over the cap of 3000' "$CE_LOG"

# ---- 2. ROUTE-REFRESH: the same set again, no reset ----

SINCE_BEFORE=$(for r in msee1 msee2; do for p in priv pub; do proto_since $r $p; done; done)
UPD_BEFORE=$(import_stat msee1 priv updates)
lab_birdc msee1 reload in priv >/dev/null 2>&1
check "route refresh: cebgpd advertised again" \
	lab_wait_for 10 grep -q 'route refresh requested' "$CE_LOG"
check "route refresh: msee1 received the set again" \
	lab_wait_for 20 eval "[ \$(import_stat msee1 priv updates) -ge $((UPD_BEFORE + NPRIV)) ]"
check "route refresh: msee1 priv still holds the plan" bird_matches msee1 priv "$W/plan0.priv"

# ---- 3. SIGHUP with a changed announce list: exactly the delta ----

policy_conf "$W/variant1.yaml" 1
"$CEBGPD" --check -f "$W/variant1.yaml" >"$W/plan1.txt" 2>/dev/null
plan_set "$W/plan1.txt" public >"$W/plan1.pub"
comm -13 "$W/plan0.pub" "$W/plan1.pub" >"$W/delta.add"
comm -23 "$W/plan0.pub" "$W/plan1.pub" >"$W/delta.del"
NADD=$(count "$W/delta.add")
NDEL=$(count "$W/delta.del")
echo "reload delta on public: +$NADD -$NDEL"
check "reload: the new config changes the public plan" test $((NADD + NDEL)) -gt 0
declare -A UPD WD
for r in msee1 msee2; do
	for p in priv pub; do
		UPD[$r.$p]=$(import_stat $r $p updates)
		WD[$r.$p]=$(import_stat $r $p withdraws)
	done
done
cp "$W/variant1.yaml" "$CE_CONF"
kill -HUP "$CE_PID"
check "reload: cebgpd reloaded" lab_wait_for 15 grep -q 'reloaded:' "$CE_LOG"
for r in msee1 msee2; do
	check "reload: $r pub holds the new plan" lab_wait_for 20 bird_matches $r pub "$W/plan1.pub"
done
# Private is over the cap: hysteresis keeps the earlier aggregates where it
# can, so the new set is what cebgpd logged, not a fresh plan.
PDELTA=$(sed -n 's/.*policy 1GbpsCircuit\/private: \([0-9]*\) withdrawn, \([0-9]*\) announced after the reload.*/\1 \2/p' "$CE_LOG" | tail -n 1)
PW=${PDELTA% *}
PA=${PDELTA#* }
echo "reload delta on private: +${PA:-?} -${PW:-?}"
check "reload: the private set changed" test "${PA:-0}" -gt 0
sleep 1
for r in msee1 msee2; do
	routes $r pub >"$W/$r.pub.1"
	check "reload: $r pub gained exactly the added prefixes" \
		eval "comm -13 '$W/$r.pub.0' '$W/$r.pub.1' | cmp -s - '$W/delta.add'"
	check "reload: $r pub lost exactly the removed prefixes" \
		eval "comm -23 '$W/$r.pub.0' '$W/$r.pub.1' | cmp -s - '$W/delta.del'"
	check "reload: only the delta on the wire to $r pub ($NADD updates, $NDEL withdraws)" \
		eval "[ \$(import_stat $r pub updates) -eq $((${UPD[$r.pub]} + NADD)) ] &&
			[ \$(import_stat $r pub withdraws) -eq $((${WD[$r.pub]} + NDEL)) ]"
	check "reload: only the delta on the wire to $r priv (${PA:-?} updates, ${PW:-?} withdraws)" \
		eval "[ \$(import_stat $r priv updates) -eq $((${UPD[$r.priv]} + ${PA:-0})) ] &&
			[ \$(import_stat $r priv withdraws) -eq $((${WD[$r.priv]} + ${PW:-0})) ]"
	routes $r priv >"$W/$r.priv.1"
	check "reload: $r priv within the cap, nothing longer than /29" \
		eval "[ \$(count '$W/$r.priv.1') -le $CAP_PRIV ] && [ \$(longest '$W/$r.priv.1') -le 29 ]"
done
check "reload: private primary and secondary hold the same set" \
	cmp -s "$W/msee1.priv.1" "$W/msee2.priv.1"
check "reload: private set moved by exactly the logged delta" \
	test "$(comm -3 "$W/msee1.priv.0" "$W/msee1.priv.1" | wc -l)" -eq $((${PA:-0} + ${PW:-0}))
SINCE_AFTER=$(for r in msee1 msee2; do for p in priv pub; do proto_since $r $p; done; done)
check "no session was reset (BIRD's session uptimes unchanged)" \
	lab_bird_same_sinces "$SINCE_BEFORE" "$SINCE_AFTER"
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s still Established" lab_bird_is_established $s
done

# ---- 3b. SIGHUP changing only a prepend: that session re-sends its set ----

policy_conf "$W/variant1p.yaml" 1 --peering public="primary: { prepend: 1 }"
for r in msee1 msee2; do
	UPD[$r.pub]=$(import_stat $r pub updates)
	WD[$r.pub]=$(import_stat $r pub withdraws)
done
RELOADS=$(grep -c 'reloaded:' "$CE_LOG")
cp "$W/variant1p.yaml" "$CE_CONF"
kill -HUP "$CE_PID"
check "prepend: cebgpd reloaded" \
	lab_wait_for 15 eval "[ \$(grep -c 'reloaded:' '$CE_LOG') -gt $RELOADS ]"
NPUB1=$(count "$W/plan1.pub")
check "prepend: msee1 pub received its $NPUB1 routes again" \
	lab_wait_for 20 eval "[ \$(import_stat msee1 pub updates) -eq $((${UPD[msee1.pub]} + NPUB1)) ]"
PUB1=$(head -n 1 "$W/plan1.pub")
check "prepend: msee1 pub path now 65520 65520" \
	eval "lab_bird_route_attrs msee1 pub '$PUB1' | grep -Eq 'as_path: 65520 65520\$'"
check "prepend: msee1 pub still holds the plan" bird_matches msee1 pub "$W/plan1.pub"
check "prepend: nothing withdrawn from msee1 pub" \
	test "$(import_stat msee1 pub withdraws)" -eq "${WD[msee1.pub]}"
check "prepend: nothing sent to msee2 pub" \
	test "$(import_stat msee2 pub updates)" -eq "${UPD[msee2.pub]}"
SINCE_AFTER=$(for r in msee1 msee2; do for p in priv pub; do proto_since $r $p; done; done)
check "prepend: no session was reset" lab_bird_same_sinces "$SINCE_BEFORE" "$SINCE_AFTER"

# ---- 4. a reload to ~98000 prefixes: through the write queue's high water ----

policy_conf "$W/variant2.yaml" 2
"$CEBGPD" --check -f "$W/variant2.yaml" >"$W/plan2.txt" 2>/dev/null
plan_set "$W/plan2.txt" public >"$W/plan2.pub"
NPUB2=$(count "$W/plan2.pub")
echo "bulk reload: public plan $NPUB2 prefixes"
check "bulk: the plan is far above one write queue (> 80000 prefixes)" test "$NPUB2" -gt 80000
SINCE_BEFORE=$(for r in msee1 msee2; do for p in priv pub; do proto_since $r $p; done; done)
PAUSES_BEFORE=$(grep -c 'caught up after' "$CE_LOG")
cp "$W/variant2.yaml" "$CE_CONF"
kill -HUP "$CE_PID"
for r in msee1 msee2; do
	check "bulk: $r pub received $NPUB2 routes" lab_wait_for 120 bird_count_is $r pub "$NPUB2"
done
for r in msee1 msee2; do
	check "bulk: $r pub holds exactly the plan" bird_matches $r pub "$W/plan2.pub"
	check "bulk: $r priv unchanged" bird_matches $r priv "$W/$r.priv.1"
done
check "bulk: both public sessions paused at the high water and caught up" \
	lab_wait_for 10 eval "[ \$(grep -c 'caught up after' '$CE_LOG') -ge $((PAUSES_BEFORE + 2)) ]"
SINCE_AFTER=$(for r in msee1 msee2; do for p in priv pub; do proto_since $r $p; done; done)
check "bulk: no session was reset" lab_bird_same_sinces "$SINCE_BEFORE" "$SINCE_AFTER"

# ---- 5. stop ----

check "SIGTERM: cebgpd exits 0" lab_ce_stop
check "no sanitizer report" lab_ce_clean

finish
