#!/usr/bin/env bash
# test-reload: a big reload never freezes cebgpd long enough to lose a
# session, against BIRD 2 and GoBGP on a hold time of 3 s.
#
# The lab's circuit (tests/interop/lib.sh): BIRD on msee1 (primary legs),
# GoBGP (gobgpd, one instance a session, tests/interop/gobgp.sh) on msee2
# (secondary legs), every session on hold time 3 s, keepalive 1 s, with TCP-MD5.
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
# GoBGP's Established time), both legs hold the same new set, and cebgpd's own
# figures (reload time, longest loop step) are printed. `show policy`
# prints the over-coverage and the count left out. SIGTERM exits 0.
#
# Needs root, network namespaces, bird2, gobgpd/gobgp and python3; exits
# 77 (SKIP) without; a cebgpd or cebgpctl not built is a FAIL. RELOAD_N=N
# changes the private list's size.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
GEN=$top_srcdir/tests/bench/gen-reload-config.py
N=${RELOAD_N:-100000}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
# shellcheck source=tests/interop/gobgp.sh
. "$top_srcdir/tests/interop/gobgp.sh"

lab_require
gobgp_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs

export LAB_MD5_KEY=0123456789abcdef0123456789abcdef LAB_HOLD=3 LAB_KEEPALIVE=1

lab_create "rl$$" || {
	fail "lab created"
	finish
	exit 1
}
W=$LAB_DIR/ce
CE_CONF=$W/cebgpd.yaml
SOCK=$W/cebgpd.sock
# Thousands of per-prefix policy warnings would hide the rest of the log.
LAB_DUMP_SKIP='policy warning'
LAB_DUMP_FILES="$LAB_DIR/msee2/gobgpd-priv.log $LAB_DIR/msee2/gobgpd-pub.log"

# conf VARIANT FILE: the lab's circuit (named Bench) whose private peering
# announces the N-prefix list VARIANT with the old lossy defaults, and
# whose public peering announces 4001 non-aggregatable /24s.
python3 "$GEN" public 4001 0 >"$W/public.txt"
conf() {
	python3 "$GEN" private "$N" "$1" >"$W/private$1.txt" &&
		lab_ce_config "$2" --circuit Bench --announce-file private="$W/private$1.txt" \
			--announce-file public="$W/public.txt" \
			--peering private="cap-action: aggregate" \
			--peering private="max-overcoverage: unbounded"
}
ctl() { lab_in ce "$CEBGPCTL" -s "$SOCK" "$@"; }

# ---- GoBGP on msee2: both secondary sessions, hold 3 s (tests/interop/gobgp.sh) ----
gobgp_start msee2 priv "" || fail "GoBGP msee2 priv starts"
gobgp_start msee2 pub "" || fail "GoBGP msee2 pub starts"

# gobgp_routes SESSION: the prefixes msee2's GoBGP received from the CE, sorted.
gobgp_routes() {
	local lip pip
	read -r lip pip < <(_gobgp_session msee2 "$1")
	gobgp_cli msee2 "$1" neighbor "$pip" adj-in 2>/dev/null |
		awk '$2 ~ /^[0-9.]+\/[0-9]+$/ { print $2 }' | sort
}
gobgp_count() { gobgp_routes "$1" | wc -l; }
# legs_agree: BIRD (primary) and GoBGP (secondary) hold the same private set.
legs_agree() { [ "$(lab_bird_routes msee1 priv | sort)" = "$(gobgp_routes priv)" ]; }

# ---- cebgpd ----
conf 0 "$CE_CONF"
conf 1 "$W/variant1.yaml"
cp "$CE_CONF" "$W/variant0.yaml"
lab_bird_start msee1 || fail "msee1 BIRD starts"
lab_ce_start "$CE_CONF"

check "BIRD msee1 priv Established" lab_wait_bird_established msee1 priv 90
check "BIRD msee1 pub Established" lab_wait_bird_established msee1 pub 90
check "GoBGP msee2 priv Established" gobgp_wait_established msee2 priv 90
check "GoBGP msee2 pub Established" gobgp_wait_established msee2 pub 90
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
	lab_wait_for 60 eval "[ \$(gobgp_count priv) -eq $want_priv ]"
check "GoBGP msee2 pub holds 4000" lab_wait_for 60 eval "[ \$(gobgp_count pub) -eq 4000 ]"
check "public: the one left out is the highest address, 20.31.64.0/24" \
	eval "! lab_bird_routes msee1 pub | grep -qxF 20.31.64.0/24"
check "public: the lowest, 20.0.0.0/24, is advertised" \
	eval "lab_bird_routes msee1 pub | grep -qxF 20.0.0.0/24"
# Everything installed (the discard routes too) before the reload.
lab_wait_for 120 eval "grep -q 'every session sent End-of-RIB\\|cebgpd started' '$LAB_CE_LOG'" >/dev/null
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
check "log: the cap line is an error" grep -q 'err.*Bench/public IPv4: 4001 prefixes over the cap of 4000' "$LAB_CE_LOG"

since_priv=$(lab_bird_since msee1 priv)
since_pub=$(lab_bird_since msee1 pub)
up_priv=$(gobgp_since msee2 priv)
up_pub=$(gobgp_since msee2 pub)

# sessions_kept WHAT: every session Established and never reset.
sessions_kept() {
	local what=$1
	check "$what: BIRD msee1 priv still Established" lab_bird_is_established msee1 priv
	check "$what: BIRD msee1 pub still Established" lab_bird_is_established msee1 pub
	check "$what: BIRD msee1 priv never reset" lab_bird_unchanged msee1 priv "$since_priv"
	check "$what: BIRD msee1 pub never reset" lab_bird_unchanged msee1 pub "$since_pub"
	check "$what: GoBGP msee2 priv still Established" gobgp_is_established msee2 priv
	check "$what: GoBGP msee2 pub still Established" gobgp_is_established msee2 pub
	check "$what: GoBGP sessions never reset (same Established time)" \
		eval "[ \"\$(gobgp_since msee2 priv)\" = '$up_priv' ] && [ \"\$(gobgp_since msee2 pub)\" = '$up_pub' ]"
	check "$what: no hold timer expired" eval "! grep -qi 'hold timer expired' '$LAB_CE_LOG'"
}

# figures WHAT: cebgpd's own figures of the last reload.
figures() {
	lab_wait_for 30 eval "[ \$(grep -c 'loop: longest step' '$LAB_CE_LOG') -ge $1 ]" >/dev/null
	echo "figures ($2, N=$N): $(grep -o 'reloaded in [0-9.]* ms: .*' "$LAB_CE_LOG" | tail -n 1);" \
		"$(grep -o 'loop: longest step.*' "$LAB_CE_LOG" | tail -n 1)"
}

# ---- SIGHUP: one prefix in a hundred replaced ----
# (The running daemon keeps what it can of its aggregates, hysteresis, so
# its new set is not `--check`'s fresh one: the legs must agree with each
# other, within the cap, and differ from before.)
before=$(lab_bird_routes msee1 priv | sort)
cp "$W/variant1.yaml" "$CE_CONF"
kill -HUP "$LAB_CE_PID"
check "SIGHUP: cebgpd reloaded" lab_wait_for 60 grep -q 'reloaded: ' "$LAB_CE_LOG"
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
	test "$(grep -c 'reloaded: ' "$LAB_CE_LOG")" -ge 2
figures 2 "cebgpctl reload"
sleep 4
sessions_kept "cebgpctl reload"
check "cebgpctl reload: BIRD and GoBGP hold the same private set again" \
	lab_wait_for 60 legs_agree

# ---- SIGHUP storm while a reload runs: they coalesce ----
for _ in 1 2 3 4 5; do kill -HUP "$LAB_CE_PID"; done
check "SIGHUP storm: reloads coalesce (at most 2 more)" \
	lab_wait_for 60 eval "[ \$(grep -c 'reloaded: ' '$LAB_CE_LOG') -ge 3 ]"
sleep 4
n=$(grep -c 'reloaded: ' "$LAB_CE_LOG")
check "SIGHUP storm: $((n - 2)) reloads for 5 signals" test $((n - 2)) -le 3
sessions_kept "SIGHUP storm"

check "SIGTERM: cebgpd exits 0" lab_ce_stop 20
check "no sanitizer report" lab_ce_clean
finish
