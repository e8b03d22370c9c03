#!/usr/bin/env bash
# test-control: cebgpctl against cebgpd in the lab (tests/interop/lib.sh):
# two BIRD 2 providers, four sessions.
#
# Checks: `show bgp summary` shows 4 Established (text and JSON); JSON
# shapes and snake_case keys of every show command; abbreviations and the
# caret error; the read-only socket refuses changes; neighbors, routes,
# policy, explain, kernel routes, config (no secrets), version; `neighbor
# shutdown` sends the RFC 9003 message BIRD logs and `no neighbor shutdown`
# brings the session back; `clear bgp ADDR` resets one session only; a
# soft clear re-sends both ways without a reset (BIRD's update counters);
# `log level`; `reload` with a changed announce list does not reset
# BIRD's sessions (and, once the daemon advertises, BIRD holds exactly the
# delta); an invalid config's `reload` returns its errors and changes
# nothing; the interactive shell under a pty with an abbreviation.
#
# Needs root, network namespaces and bird2; exits 77 (SKIP) without them.
# LAB_KEEP=1 keeps the lab's directory for a post-mortem.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
CTL=$CEBGPCTL

lab_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs

KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3

lab_create "cc$$" || {
	fail "lab created"
	finish
	exit 1
}
CE_LOG=$LAB_DIR/ce/cebgpd.log
CE_CONF=$LAB_DIR/ce/cebgpd.yaml
SOCK=$LAB_DIR/ce/cebgpd.sock
RO=$LAB_DIR/ce/cebgpd.ro.sock

write_conf() { # "PRIVATE-ANNOUNCE..."
	lab_ce_config "$CE_CONF" --control "$SOCK" --readonly-control "$RO" --announce private="$1"
}

ctl() { "$CTL" -s "$SOCK" "$@"; }
ctlj() { "$CTL" -s "$SOCK" -j "$@"; }
# jq-like checks with python3: jpy 'EXPR' reads the response as `r`, data as `d`.
jpy() {
	python3 -c '
import json, sys
r = json.load(sys.stdin)
d = r.get("data", {})
sys.exit(0 if eval(sys.argv[1]) else 1)' "$@"
}
# jpy_print EXPR: print a value of the response on stdin.
jpy_print() {
	python3 -c '
import json, sys
r = json.load(sys.stdin)
d = r.get("data", {})
print(eval(sys.argv[1]))' "$@"
}
# Every key in the JSON, recursively, is snake_case.
snake_case() {
	python3 -c '
import json, re, sys
bad = []
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", k):
                bad.append(k)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
walk(json.load(sys.stdin))
if bad:
    print("not snake_case:", bad)
sys.exit(1 if bad else 0)'
}
since() { lab_bird_since "$@"; } # ROUTER PROTO
unchanged() { lab_bird_unchanged "$@"; } # ROUTER PROTO OLD
bird_stat() { # ROUTER PROTO "Import updates"|"Export updates": BIRD's "received" column
	lab_birdc "$1" show protocols all "$2" 2>/dev/null |
		awk -v k="$3:" '{ l = $0; sub(/^ +/, "", l) } index(l, k) == 1 { n = split(k, w, " "); print $(n + 1); exit }'
}
grew_by() { # OLD MIN ROUTER PROTO WHAT: the counter grew by at least MIN
	local now
	now=$(bird_stat "$3" "$4" "$5")
	[ -n "$now" ] && [ "$now" -ge $(($1 + $2)) ]
}
all_bird_up() { # TIMEOUT
	lab_wait_bird_established msee1 priv "$1" && lab_wait_bird_established msee1 pub "$1" &&
		lab_wait_bird_established msee2 priv "$1" && lab_wait_bird_established msee2 pub "$1"
}
summary_established() { # N
	ctl show bgp summary 2>/dev/null | grep -q "Established $1\$"
}

# ---- start ----

write_conf "10.10.0.0/16 10.20.0.0/16"
lab_bird_start msee1 || fail "msee1 BIRD starts"
lab_bird_start msee2 --passive on || fail "msee2 BIRD starts (passive)"
lab_ce_start "$CE_CONF"
CE_PID=$LAB_CE_PID

check "BIRD: all four sessions Established" all_bird_up 40
check "control sockets exist" lab_wait_for 10 test -S "$SOCK" -a -S "$RO"
check "control socket mode 0660, read-only socket 0666" \
	eval "[ \"\$(stat -c %a '$SOCK')\" = 660 ] && [ \"\$(stat -c %a '$RO')\" = 666 ]"

# ---- show bgp summary ----

check "show bgp summary: 4 Established" lab_wait_for 15 summary_established 4
SUMMARY=$(ctl show bgp summary)
echo "$SUMMARY"
check "summary: one row per session with circuit, peering, role, neighbor, AS" \
	eval "[ \$(grep -cE '^1GbpsCircuit +(private|public) +(primary|secondary) +172\.16\.[12]\.[26] +12076 ' <<<\"\$SUMMARY\") -eq 4 ]"
check "summary: private cap usage as n/3000" grep -qE ' [0-9]+/3000$' <<<"$SUMMARY"
check "summary: abbreviated (sh b sum) is the same command" \
	eval "ctl sh b sum | grep -q 'Established 4\$'"
J=$(ctlj show bgp summary)
check "summary JSON: status ok, command show_bgp_summary" \
	jpy 'r["status"] == "ok" and r["command"] == "show_bgp_summary"' <<<"$J"
check "summary JSON: 4 sessions, all Established, with counters" \
	jpy 'len(d["sessions"]) == 4 and all(s["state"] == "Established" and s["peer_asn"] == 12076 and isinstance(s["prefixes_received"], int) and isinstance(s["state_secs"], int) for s in d["sessions"])' <<<"$J"
check "summary JSON: local_asn and router_id" \
	jpy 'd["local_asn"] == 65520 and d["router_id"] == "192.0.2.1"' <<<"$J"
check "summary JSON: provider routes counted (3 private, 3 public)" \
	lab_wait_for 10 eval "ctlj show bgp summary | jpy 'all(s[\"prefixes_received\"] == 3 for s in d[\"sessions\"])'"

# ---- JSON shapes of every read-only command ----

for cmd in "show bgp summary" "show bgp neighbors" "show bgp routes" "show bgp routes best" \
	"show bgp routes advertised" "show policy" "explain 10.10.0.0/16" "show kernel routes" \
	"show config" "show version"; do
	# shellcheck disable=SC2086
	check "$cmd: JSON keys are snake_case" eval "ctlj $cmd | snake_case"
done

N=$(ctlj show bgp neighbors 172.16.1.2)
check "neighbors ADDR JSON: one neighbor, negotiated hold 9, keepalive 3" \
	jpy 'len(d["neighbors"]) == 1 and d["neighbors"][0]["hold_time"] == 9 and d["neighbors"][0]["keepalive"] == 3' <<<"$N"
check "neighbors JSON: capabilities, message counters, notifications" \
	jpy '"route_refresh" in d["neighbors"][0]["capabilities"] and d["neighbors"][0]["messages"]["open"]["received"] >= 1 and "last_notification_received" in d["neighbors"][0]' <<<"$N"
check "neighbors JSON: negotiated capabilities are those both OPENs carried" \
	jpy 'set(d["neighbors"][0]["capabilities"]) == {"multiprotocol_ipv4_unicast", "four_octet_as", "route_refresh", "enhanced_route_refresh"} and set(d["neighbors"][0]["capabilities"]) <= set(d["neighbors"][0]["peer_capabilities"])' <<<"$N"
check "neighbors text: state and capabilities" \
	eval "ctl show bgp neighbors 172.16.1.2 | grep -q 'BGP state Established' && ctl show bgp neighbors 172.16.1.2 | grep -q 'Capabilities:.*route_refresh'"
check "neighbors of an unknown address: error, exit 1" \
	eval "! ctl show bgp neighbors 192.0.2.99 >/dev/null 2>&1 && ctl show bgp neighbors 192.0.2.99 | grep -q 'no session with neighbor'"
check "routes received on private: the VNet prefixes from both MSEEs" \
	eval "[ \$(ctl sh b r rec private | grep -cE '10\.(1|2)\.0\.0/16|10\.3\.0\.0/24') -eq 6 ]"
check "routes received on public: no VNet prefixes" \
	eval "! ctl show bgp routes received public | grep -q '10\.1\.0\.0/16'"
check "routes best: one best and one multipath per VNet prefix" \
	eval "ctl show bgp routes best 10.1.0.0/16 | grep -q '^\*> *10\.1\.0\.0/16' && ctl show bgp routes best 10.1.0.0/16 | grep -q '^\*= *10\.1\.0\.0/16'"
P=$(ctlj show policy private)
check "show policy private: one peering, announce 2, cap 3000" \
	jpy 'len(d["peerings"]) == 1 and d["peerings"][0]["families"][0]["announced"] == 2 and d["peerings"][0]["families"][0]["cap"] == 3000' <<<"$P"
check "show policy text: cap usage" eval "ctl show policy | grep -q '2/3000 prefixes of the cap'"
check "explain: the announce entry is advertised on private (the daemon's live result)" \
	eval "ctl explain 10.10.0.0/16 | grep -q 'advertised on private primary and secondary'"
A=$(ctlj show bgp routes advertised)
check "routes advertised JSON: each private session's Adj-RIB-Out holds the 2 prefixes, sent" \
	jpy 'all(sorted(x["prefix"] for x in d["routes"] if x["neighbor"] == n) == ["10.10.0.0/16", "10.20.0.0/16"] for n in ("172.16.1.2", "172.16.2.2")) and not any(x["pending"] for x in d["routes"])' <<<"$A"
check "routes advertised JSON: each public session's holds 216.221.239.232/29, AS path 65520" \
	jpy 'all([(x["prefix"], x["as_path"]) for x in d["routes"] if x["neighbor"] == n] == [("216.221.239.232/29", "65520")] for n in ("172.16.1.6", "172.16.2.6"))' <<<"$A"
check "routes advertised public (text): two rows" \
	eval "[ \$(ctl show bgp routes advertised public | grep -c '216\.221\.239\.232/29') -eq 2 ]"
check "explain: a received prefix shows the inbound side" \
	eval "ctl explain 10.1.0.0/16 | grep -q 'from 172.16.1.2.*accepted'"
check "show kernel routes: totals only by default (installed, pending, queued; no listing)" \
	lab_wait_for 10 eval "ctlj show kernel routes | jpy 'd[\"installed\"] == 6 and d[\"pending\"] == 0 and d[\"queued\"] == 0 and isinstance(d[\"failed\"], int) and \"routes\" not in d'"
check "show kernel routes (text): the totals line" \
	eval "ctl show kernel routes | grep -q '^6 routes installed, 0 changes pending'"
check "show kernel routes: the routes go through kernel nexthop groups (this kernel has them)" \
	eval "ctlj show kernel routes | jpy 'd[\"nexthop_objects\"] is True and d[\"nexthop_groups\"] >= 1 and d[\"shadow_bytes\"] > 0'"
check "show kernel routes (text): the next-hop line" \
	eval "ctl show kernel routes | grep -Eq '^Next hops: [1-9][0-9]* kernel nexthop groups; [1-9][0-9]* bytes held'"
check "the kernel holds our nexthop groups (ip nexthop, protocol 186)" \
	eval "[ \$(ip -n \"\$(lab_ns ce)\" nexthop show proto 186 | grep -c group) -ge 1 ]"
check "show kernel routes PREFIX: the VNet prefix with two next hops" \
	eval "ctlj show kernel routes 10.1.0.0/16 | jpy '[x[\"prefix\"] for x in d[\"routes\"]] == [\"10.1.0.0/16\"] and len(d[\"routes\"][0][\"nexthops\"]) == 2 and not d[\"more\"]'"
check "show kernel routes PREFIX: what the prefix covers (10.0.0.0/8: the three VNet routes)" \
	eval "ctlj show kernel routes 10.0.0.0/8 | jpy 'd[\"shown\"] == 3 and all(x[\"prefix\"].startswith(\"10.\") for x in d[\"routes\"])'"
check "show kernel routes PEERING: private has the three VNet routes, public the other three" \
	eval "ctlj show kernel routes private | jpy 'sorted(x[\"prefix\"] for x in d[\"routes\"]) == [\"10.1.0.0/16\", \"10.2.0.0/16\", \"10.3.0.0/24\"]' && ctlj show kernel routes public | jpy 'd[\"shown\"] == 3 and not any(x[\"prefix\"].startswith(\"10.\") for x in d[\"routes\"])'"
KP=$(ctlj show kernel routes limit 4)
check "show kernel routes limit 4: four routes, more, next is the last one shown" \
	jpy 'd["shown"] == 4 and len(d["routes"]) == 4 and d["more"] and d["next"] == d["routes"][-1]["prefix"]' <<<"$KP"
NEXT=$(jpy_print 'd["next"]' <<<"$KP")
KP2=$(ctlj show kernel routes limit 4 after "$NEXT")
check "show kernel routes limit 4 after NEXT: the remaining two, none of the first page, no more" \
	jpy 'd["shown"] == 2 and not d["more"] and not {x["prefix"] for x in d["routes"]} & set(sys.argv[2].split())' \
	"$(jpy_print '" ".join(x["prefix"] for x in d["routes"])' <<<"$KP")" <<<"$KP2"
check "show kernel routes limit (text): how to ask for the next page" \
	eval "ctl show kernel routes limit 2 | grep -q 'repeat the command with \"after '"
BP=$(ctlj show bgp routes best limit 2)
check "show bgp routes best limit 2: two prefixes (with their ECMP rows), more, total 6" \
	jpy 'd["shown"] == 2 and d["more"] and d["total"] == 6 and len(set(x["prefix"] for x in d["routes"])) == 2 and len(d["routes"]) == 4' <<<"$BP"
NEXT=$(jpy_print 'd["next"]' <<<"$BP")
check "show bgp routes best limit 10 after NEXT: the other four prefixes" \
	eval "ctlj show bgp routes best limit 10 after $NEXT | jpy 'd[\"shown\"] == 4 and not d[\"more\"] and \"$NEXT\" not in [x[\"prefix\"] for x in d[\"routes\"]]'"
check "show bgp routes received private limit 1: one prefix from both MSEEs, total 6 paths" \
	eval "ctlj show bgp routes received private limit 1 | jpy 'd[\"shown\"] == 1 and len(d[\"routes\"]) == 2 and d[\"total\"] == 6 and d[\"more\"]'"
check "show bgp routes (text): totals line" \
	eval "ctl show bgp routes best | grep -q 'Displayed 12 routes of 6 prefixes, 6 routes in all'"
check "show config: no MD5 key anywhere" eval "! ctlj show config | grep -q '$KEY'"
check "show version: version and sessions" \
	eval "ctlj show version | jpy 'd[\"sessions\"] == 4 and d[\"established\"] == 4 and d[\"version\"]'"

# ---- errors, read-only socket ----

out=$(ctl show bgp sumary 2>&1)
rc=$?
check "typo: exit 2 and a caret under the word" \
	eval "[ $rc -eq 2 ] && grep -qx '         ^^^^^^' <<<\"\$out\""
check "read-only socket: show works" eval "'$CTL' -s '$RO' show bgp summary | grep -q 'Established 4\$'"
out=$("$CTL" -s "$RO" clear bgp all 2>&1)
rc=$?
check "read-only socket: clear refused (exit 1), nothing reset" \
	eval "[ $rc -eq 1 ] && grep -q 'read-only' <<<\"\$out\" && summary_established 4"

# ---- actions ----

check "log level debug" eval "ctl log level debug | grep -q 'log level debug'"
ctl log level info >/dev/null

S1=$(since msee1 priv)
S2=$(since msee2 priv)
check "neighbor shutdown with a message" \
	eval "ctl neighbor 172.16.1.6 shutdown maintenance window 42 | grep -q 'administratively shut down'"
check "shutdown: BIRD's msee1 pub leaves Established" \
	lab_wait_for 10 eval "[ \"\$(lab_bird_state msee1 pub)\" != Established ]"
check "shutdown: BIRD logs the RFC 9003 message" \
	lab_wait_for 10 eval "lab_bird_log msee1 | grep -q 'maintenance window 42'"
check "shutdown: summary says Idle (Admin)" eval "ctl show bgp summary | grep -q 'Idle (Admin)'"
check "shutdown: neighbors shows the NOTIFICATION sent, decoded, with the message" \
	eval "ctl show bgp neighbors 172.16.1.6 | grep -q '^  Last NOTIFICATION sent: Cease / Administrative Shutdown: \"maintenance window 42\" (6/2), '"
check "shutdown: other sessions untouched" \
	eval "unchanged msee1 priv '$S1' && unchanged msee2 priv '$S2'"
check "no neighbor shutdown: back to Established" \
	eval "ctl no neighbor 172.16.1.6 shutdown >/dev/null && lab_wait_bird_established msee1 pub 30"

check "clear bgp 172.16.2.2 resets that session" \
	eval "ctl clear bgp 172.16.2.2 | grep -q '172.16.2.2: reset'"
check "clear: BIRD msee2 priv comes back Established, with a new since" \
	lab_wait_for 30 eval "_lab_is_established msee2 priv && ! lab_bird_same_since '$S2' \"\$(since msee2 priv)\""
check "clear: msee1 priv was not reset" unchanged msee1 priv "$S1"
check "clear: neighbors shows the Administrative Reset sent" \
	eval "ctlj show bgp neighbors 172.16.2.2 | jpy 'd[\"neighbors\"][0][\"last_notification_sent\"][\"code\"] == 6 and d[\"neighbors\"][0][\"last_notification_sent\"][\"subcode\"] == 4 and d[\"neighbors\"][0][\"last_notification_sent\"][\"text\"].startswith(\"Cease / Administrative Reset\")'"
# BIRD's route change stats: "Import updates" received counts every route
# we send it, "Export updates" every route it sends us.
IMP1=$(bird_stat msee1 priv "Import updates")
EXP1=$(bird_stat msee1 priv "Export updates")
IMP2=$(bird_stat msee2 priv "Import updates")
echo "BIRD msee1 priv before the soft clear: import updates $IMP1, export updates $EXP1"
check "BIRD counters readable" eval "[ -n '$IMP1' ] && [ -n '$EXP1' ] && [ -n '$IMP2' ]"
out=$(ctl clear bgp 172.16.1.2 soft)
echo "$out"
check "clear soft: route refresh sent and advertisement re-sent" \
	grep -q '172.16.1.2: route refresh sent, advertisement re-sent' <<<"$out"
check "clear soft out: BIRD received our 2 prefixes again" \
	lab_wait_for 10 grew_by "$IMP1" 2 msee1 priv "Import updates"
check "clear soft in: BIRD sent its 3 routes again" \
	lab_wait_for 10 grew_by "$EXP1" 3 msee1 priv "Export updates"
check "clear soft: no session reset (BIRD's since unchanged)" \
	eval "_lab_is_established msee1 priv && unchanged msee1 priv '$S1'"
check "clear soft: the other session of the peering got nothing" \
	eval "[ \"\$(bird_stat msee2 priv 'Import updates')\" = '$IMP2' ]"
check "clear soft: our ROUTE-REFRESH is counted" \
	eval "ctlj show bgp neighbors 172.16.1.2 | jpy 'd[\"neighbors\"][0][\"messages\"][\"route_refresh\"][\"sent\"] >= 1'"
check "clear soft: BIRD still holds our 2 prefixes" \
	eval "[ \$(lab_bird_routes msee1 priv | grep -c .) -eq 2 ]"
out=$(ctl clear bgp all soft)
echo "$out"
check "clear bgp all soft: 4 sessions soft-cleared" \
	eval "grep -q 'soft-cleared 4 sessions' <<<\"\$out\" && [ \$(grep -c 'advertisement re-sent' <<<\"\$out\") -eq 4 ]"
check "clear bgp all soft: msee2 received ours again, no reset" \
	eval "lab_wait_for 10 grew_by '$IMP2' 2 msee2 priv 'Import updates' && unchanged msee1 priv '$S1'"

# ---- reload ----

all_bird_up 30 || true
declare -A SINCE
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	SINCE[$s]=$(since $s)
done
BEFORE=$(lab_bird_routes msee1 priv)
write_conf "10.10.0.0/16 10.20.0.0/16 10.30.0.0/16"
out=$(ctl reload 2>&1)
check "reload with one more announce entry: accepted, applied before the answer" \
	grep -q "^reloaded .*cebgpd.yaml" <<<"$out"
check "reload: logged as done with every session kept" \
	grep -q "reloaded: 4 sessions kept" "$CE_LOG"
check "reload: show policy sees the new list (3 announced)" \
	eval "ctlj show policy private | jpy 'd[\"peerings\"][0][\"families\"][0][\"announced\"] == 3'"
sleep 3
resets=0
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	if ! _lab_is_established $s || ! lab_bird_same_since "${SINCE[$s]}" "$(since $s)"; then
		resets=$((resets + 1))
		echo "reset: $s (since ${SINCE[$s]} -> $(since $s))"
	fi
done
check "reload: no BIRD session was reset" [ "$resets" -eq 0 ]
check "reload: BIRD held our prefixes before" test -n "$BEFORE"
check "reload: BIRD holds exactly one prefix more (10.30.0.0/16)" \
	lab_wait_for 10 eval "[ \"\$(comm -13 <(echo \"\$BEFORE\") <(lab_bird_routes msee1 priv))\" = 10.30.0.0/16 ] && [ -z \"\$(comm -23 <(echo \"\$BEFORE\") <(lab_bird_routes msee1 priv))\" ]"

cp "$CE_CONF" "$CE_CONF.good"
write_conf "10.10.0.0/16 10.40.0.0/33"
# Where the bad entry is in the file (line:column).
POS=$(awk '{ c = index($0, "10.40.0.0/33") } c { print NR ":" c; exit }' "$CE_CONF")
BAD="$CE_CONF:$POS: error: announce: '10.40.0.0/33' has an invalid prefix length; expected ADDRESS/LENGTH like 10.10.0.0/16 or 2a10:ce10::/48"
RELOADS=$(grep -c "reloading $CE_CONF" "$CE_LOG")
out=$(ctl reload 2>&1)
rc=$?
echo "$out"
check "invalid reload: exit 1, 'reload rejected', 1 error" \
	eval "[ $rc -eq 1 ] && grep -q 'reload rejected: 1 error in' <<<\"\$out\""
check "invalid reload: cebgpctl prints the exact error line" grep -qxF "  $BAD" <<<"$out"
J=$(ctlj reload)
check "invalid reload JSON: status error, errors lists exactly that error (and the asn warning)" \
	jpy 'r["status"] == "error" and sys.argv[2] in r["errors"] and [e for e in r["errors"] if ": error: " in e] == [sys.argv[2]]' "$BAD" <<<"$J"
check "invalid reload: the daemon's own reload ran (and logged the error)" \
	eval "[ \$(grep -c 'reloading $CE_CONF' '$CE_LOG') -eq $((RELOADS + 2)) ] && grep -qF \"\$BAD\" '$CE_LOG'"
check "invalid reload: the running config stays (3 announced)" \
	eval "ctlj show policy private | jpy 'd[\"peerings\"][0][\"families\"][0][\"announced\"] == 3'"
cp "$CE_CONF.good" "$CE_CONF"
check "invalid reload: every session still Established" summary_established 4
kill -HUP "$CE_PID"
check "SIGHUP: the same reload (every session kept)" \
	lab_wait_for 10 eval "[ \$(grep -c 'reloaded: 4 sessions kept' '$CE_LOG') -eq 2 ]"

# ---- the interactive shell with a daemon ----

check "interactive: an abbreviation runs against the daemon" \
	env HOME="$LAB_DIR" python3 "$top_srcdir/tests/interop/ctl-pty.py" \
	's:sh b sum\r' 'e:Total sessions 4, Established 4' 's:show bgp ?' 'e:summary' \
	's:\x15exit\r' -- "$CTL" -s "$SOCK"

# ---- stop ----

check "SIGTERM: cebgpd exits 0" lab_ce_stop
check "the control sockets are removed" eval "[ ! -e '$SOCK' ] && [ ! -e '$RO' ]"
check "log: kernel lines carry one 'kernel: ' prefix" eval "! grep -q 'kernel: kernel:' '$CE_LOG'"
check "no sanitizer report" lab_ce_clean

finish
