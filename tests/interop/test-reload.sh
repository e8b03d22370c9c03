#!/usr/bin/env bash
# test-reload: a big reload never freezes cebgpd long enough to lose a
# session, against BIRD 2 and GoBGP on a hold time of 3 s.
#
# The lab's circuit (tests/interop/lib.sh): BIRD on msee1 (primary legs),
# GoBGP (gobgpd, started here with its own config) on msee2 (secondary
# legs), every session on hold time 3 s, keepalive 1 s, with TCP-MD5.
# cebgpd's private peering announces 100000 scattered /24s with
# `cap-action: aggregate` and `max-overcoverage: unbounded`: 2988 lossy
# aggregates and about 620k discard routes in the kernel, the reload that
# froze the daemon for minutes when the discard sync was quadratic. Its
# public peering announces 4001 /24s none of which aggregate: one over the
# cap, so by default the cap's worth goes out and 1 is left out.
#
# Checks: all four sessions Established and the routes as planned; then a
# SIGHUP to a config with one prefix in a hundred replaced, and a
# `cebgpctl reload` back (its answer arrives once applied): after each,
# every session still Established and never reset (BIRD's "since" and
# GoBGP's uptime), both legs hold the same new set, and cebgpd's own
# figures (reload time, longest loop step) are printed. `show policy`
# prints the over-coverage and the count left out. SIGTERM exits 0.
#
# Needs root, network namespaces, bird2, gobgpd/gobgp and python3; exits
# 77 (SKIP) without. RELOAD_N=N changes the private list's size.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
CEBGPD=${CEBGPD:-$top_builddir/bgpd/cebgpd}
CTL=${CEBGPCTL:-$top_builddir/bgpd/cebgpctl}
GEN=$top_srcdir/tests/bench/gen-reload-config.py
N=${RELOAD_N:-100000}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

lab_require
[ -x "$CEBGPD" ] || lab_skip "$CEBGPD not built"
[ -x "$CTL" ] || lab_skip "$CTL not built"
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
command -v gobgpd >/dev/null 2>&1 && command -v gobgp >/dev/null 2>&1 ||
	lab_skip "gobgpd/gobgp not installed"

KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=3 LAB_KEEPALIVE=1

lab_create "rl$$" || {
	fail "lab created"
	finish
	exit 1
}
W=$LAB_DIR/ce
CE_LOG=$W/cebgpd.log
CE_CONF=$W/cebgpd.yaml
SOCK=$W/cebgpd.sock
RO=$W/cebgpd.ro.sock
on_exit_dump() {
	if [ "$FAILED" -gt 0 ]; then
		echo "--- cebgpd log (tail) ---"
		grep -v 'policy warning' "$CE_LOG" 2>/dev/null | tail -n 40
		echo "--- msee1 bird log (tail) ---"
		lab_bird_log msee1 | tail -n 15
		echo "--- msee2 gobgpd log (tail) ---"
		tail -n 15 "$LAB_DIR/msee2/gobgpd.log" 2>/dev/null
	fi
}
lab_on_cleanup on_exit_dump

gen() { # VARIANT > config
	python3 "$GEN" private "$N" "$1" --lossy --lab "$KEY,$SOCK,$RO"
}
ctl() { lab_in ce "$CTL" -s "$SOCK" "$@"; }
gobgp2() { lab_in msee2 gobgp "$@"; }

# ---- GoBGP on msee2: both secondary sessions, hold 3 s ----
mkdir -p "$LAB_DIR/msee2"
cat >"$LAB_DIR/msee2/gobgpd.toml" <<TOML
[global.config]
  as = $LAB_PROVIDER_AS
  router-id = "172.16.2.2"
$(for p in 172.16.2.1 172.16.2.5; do
	cat <<N
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$p"
    peer-as = $LAB_CUSTOMER_AS
    auth-password = "$KEY"
  [neighbors.timers.config]
    hold-time = 3
    keepalive-interval = 1
    connect-retry = 2
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
N
done)
TOML
ip netns exec "$(lab_ns msee2)" gobgpd -f "$LAB_DIR/msee2/gobgpd.toml" --log-plain \
	>"$LAB_DIR/msee2/gobgpd.log" 2>&1 </dev/null &
LAB_PIDS+=("$!")

# gobgp_state PEER: "Establ" when established.
gobgp_state() {
	gobgp2 neighbor | awk -v p="$1" '$1 == p { print $4 }'
}
# gobgp_uptime PEER: seconds since the session came up (0 when down).
gobgp_uptime() {
	gobgp2 neighbor | awk -v p="$1" '$1 == p {
		n = split($3, t, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + t[i]
		if ($3 ~ /d/) { split($3, d, "d"); s = d[1] * 86400 }
		print s }'
}
gobgp_established() { [ "$(gobgp_state "$1")" = "Establ" ]; }
gobgp_routes() { # PEER: the prefixes received from the CE, sorted
	gobgp2 neighbor "$1" adj-in 2>/dev/null | awk '$2 ~ /^[0-9.]+\/[0-9]+$/ { print $2 }' | sort
}
gobgp_count() { gobgp_routes "$1" | wc -l; }
# legs_agree: BIRD (primary) and GoBGP (secondary) hold the same private set.
legs_agree() { [ "$(lab_bird_routes msee1 priv | sort)" = "$(gobgp_routes 172.16.2.1)" ]; }
# bird_since SESSION: msee1's "since" of the session (changes on a reset).
bird_since() {
	lab_birdc msee1 show protocols "$1" | awk -v s="$1" '$1 == s { print $4, $5 }'
}

# ---- cebgpd ----
gen 0 >"$CE_CONF"
gen 1 >"$W/variant1.yaml"
cp "$CE_CONF" "$W/variant0.yaml"
lab_bird_start msee1 || fail "msee1 BIRD starts"
ip netns exec "$(lab_ns ce)" "$CEBGPD" -d -f "$CE_CONF" >"$CE_LOG" 2>&1 </dev/null &
CE_PID=$!
LAB_PIDS+=("$CE_PID")

check "BIRD msee1 priv Established" lab_wait_bird_established msee1 priv 90
check "BIRD msee1 pub Established" lab_wait_bird_established msee1 pub 90
check "GoBGP msee2 priv Established" lab_wait_for 90 gobgp_established 172.16.2.1
check "GoBGP msee2 pub Established" lab_wait_for 90 gobgp_established 172.16.2.5
"$CEBGPD" -n -f "$W/variant0.yaml" >"$W/plan0" 2>/dev/null
want_priv=$(awk '/^  private peering/ { p = 1 } /^  public peering/ { p = 0 }
	p && $1 == "advertise" { n++ } END { print n + 0 }' "$W/plan0")
check "plan: private aggregated to at most 3000 ($want_priv)" \
	test "$want_priv" -gt 0 -a "$want_priv" -le 3000
check "msee1 priv holds the plan's $want_priv prefixes" \
	lab_wait_for 60 eval "[ \$(lab_bird_routes msee1 priv | wc -l) -eq $want_priv ]"
check "msee1 pub holds the cap's worth: 4000 of 4001" \
	lab_wait_for 60 eval "[ \$(lab_bird_routes msee1 pub | wc -l) -eq 4000 ]"
check "GoBGP msee2 priv holds $want_priv" \
	lab_wait_for 60 eval "[ \$(gobgp_count 172.16.2.1) -eq $want_priv ]"
check "GoBGP msee2 pub holds 4000" lab_wait_for 60 eval "[ \$(gobgp_count 172.16.2.5) -eq 4000 ]"
check "public: the one left out is the highest address, 20.31.64.0/24" \
	eval "! lab_bird_routes msee1 pub | grep -qxF 20.31.64.0/24"
check "public: the lowest, 20.0.0.0/24, is advertised" \
	eval "lab_bird_routes msee1 pub | grep -qxF 20.0.0.0/24"
# Everything installed (the discard routes too) before the reload.
lab_wait_for 120 eval "grep -q 'every session sent End-of-RIB\\|cebgpd started' '$CE_LOG'" >/dev/null
prev=-1
for _ in $(seq 1 120); do
	n=$(lab_in ce ip -4 route show type blackhole proto 186 | wc -l)
	[ "$n" = "$prev" ] && break
	prev=$n
	sleep 1
done
check "the lossy aggregates' holes are discard routes (> N: $n)" test "$n" -gt "$N"

# ---- show policy: over-coverage and the count left out ----
out=$(ctl show policy)
check "show policy: public 4000/4000, truncated" grep -q '4000/4000 prefixes of the cap (100.0%), truncated' <<<"$out"
check "show policy: public over-coverage 0 with the default bound 0, 1 left out" \
	grep -q 'over-coverage 0 addresses of 1024256 announced (bound 0), 1 left out' <<<"$out"
check "show policy: private over-coverage with no bound" \
	grep -qE 'over-coverage [0-9]+ addresses of [0-9]+ announced \(no bound\), 0 left out' <<<"$out"
check "show policy: the error names the count left out" grep -q '1 LEFT OUT' <<<"$out"
check "log: the cap line is an error" grep -q 'err.*Bench/public IPv4: 4001 prefixes over the cap of 4000' "$CE_LOG"

since_priv=$(bird_since priv)
since_pub=$(bird_since pub)
up_priv=$(gobgp_uptime 172.16.2.1)
up_pub=$(gobgp_uptime 172.16.2.5)

# sessions_kept WHAT: every session Established and never reset.
sessions_kept() {
	local what=$1
	check "$what: BIRD msee1 priv still Established" lab_bird_is_established msee1 priv
	check "$what: BIRD msee1 pub still Established" lab_bird_is_established msee1 pub
	check "$what: BIRD msee1 sessions never reset" \
		eval "[ \"\$(bird_since priv)\" = '$since_priv' ] && [ \"\$(bird_since pub)\" = '$since_pub' ]"
	check "$what: GoBGP msee2 priv still Established" gobgp_established 172.16.2.1
	check "$what: GoBGP msee2 pub still Established" gobgp_established 172.16.2.5
	check "$what: GoBGP sessions never reset (uptime grew)" \
		eval "[ \$(gobgp_uptime 172.16.2.1) -ge $up_priv ] && [ \$(gobgp_uptime 172.16.2.5) -ge $up_pub ]"
	check "$what: no hold timer expired" eval "! grep -qi 'hold timer expired' '$CE_LOG'"
}

# figures WHAT: cebgpd's own figures of the last reload.
figures() {
	lab_wait_for 30 eval "[ \$(grep -c 'loop: longest step' '$CE_LOG') -ge $1 ]" >/dev/null
	echo "figures ($2, N=$N): $(grep -o 'reloaded in [0-9.]* ms: .*' "$CE_LOG" | tail -n 1);" \
		"$(grep -o 'loop: longest step.*' "$CE_LOG" | tail -n 1)"
}

# ---- SIGHUP: one prefix in a hundred replaced ----
# (The running daemon keeps what it can of its aggregates, hysteresis, so
# its new set is not `--check`'s fresh one: the legs must agree with each
# other, within the cap, and differ from before.)
before=$(lab_bird_routes msee1 priv | sort)
cp "$W/variant1.yaml" "$CE_CONF"
kill -HUP "$CE_PID"
check "SIGHUP: cebgpd reloaded" lab_wait_for 60 grep -q 'reloaded: ' "$CE_LOG"
figures 1 "SIGHUP"
sleep 4 # a few hold times
sessions_kept "SIGHUP"
check "SIGHUP: msee1 priv holds a new set" \
	lab_wait_for 60 eval "[ \"\$(lab_bird_routes msee1 priv | sort)\" != \"\$before\" ]"
check "SIGHUP: BIRD and GoBGP hold the same new private set" lab_wait_for 60 legs_agree
check "SIGHUP: within the cap" test "$(lab_bird_routes msee1 priv | wc -l)" -le 3000

# ---- cebgpctl reload: back to the first list; the answer waits for it ----
cp "$W/variant0.yaml" "$CE_CONF"
out=$(ctl reload 2>&1)
check "cebgpctl reload answers once applied" grep -q "reloaded $CE_CONF" <<<"$out"
check "cebgpctl reload: applied before the answer" \
	test "$(grep -c 'reloaded: ' "$CE_LOG")" -ge 2
figures 2 "cebgpctl reload"
sleep 4
sessions_kept "cebgpctl reload"
check "cebgpctl reload: BIRD and GoBGP hold the same private set again" \
	lab_wait_for 60 legs_agree

# ---- SIGHUP storm while a reload runs: they coalesce ----
for _ in 1 2 3 4 5; do kill -HUP "$CE_PID"; done
check "SIGHUP storm: reloads coalesce (at most 2 more)" \
	lab_wait_for 60 eval "[ \$(grep -c 'reloaded: ' '$CE_LOG') -ge 3 ]"
sleep 4
n=$(grep -c 'reloaded: ' "$CE_LOG")
check "SIGHUP storm: $((n - 2)) reloads for 5 signals" test $((n - 2)) -le 3
sessions_kept "SIGHUP storm"

lab_stop "$CE_PID" 20
check "SIGTERM: cebgpd exits 0" test $? -eq 0
check "no sanitizer report" eval "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' '$CE_LOG'"
finish
