#!/usr/bin/env bash
# test-hostile: cebgpd against a hostile raw-socket peer.
#
# The lab's circuit (tests/interop/lib.sh) with tests/interop/hostile/
# hostile_peer.py in the msee1 namespace in place of BIRD on the primary
# private leg (172.16.1.2), and BIRD on msee2 (the secondary private and
# public sessions). The python peer runs its cases (malformed headers,
# OPENs and UPDATEs, RFC 7606 treat-as-withdraw and attribute discard,
# FSM abuse, hold expiry, trickled bytes, connection floods, missing and
# wrong TCP-MD5) and after each one checks, through check-others.sh, that
# msee2's sessions stay Established and keep cebgpd's routes.
# At the end: cebgpd still runs, exits 0 on SIGTERM, and its log has no
# sanitizer report. Last line: "test-hostile: N passed, M failed".
#
# Needs root, network namespaces, bird2 and python3; exits 77 (SKIP) without.
# HOSTILE_ONLY="case name,case name" runs a subset; LAB_KEEP=1 keeps the lab dir.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEER=$top_srcdir/tests/interop/hostile/hostile_peer.py

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

lab_require
command -v python3 >/dev/null 2>&1 || lab_skip "python3 not installed"
require_programs cebgpd


KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3

lab_create "ch$$" || {
	fail "lab created"
	finish
	exit 1
}
CE_LOG=$LAB_DIR/ce/cebgpd.log
CE_CONF=$LAB_DIR/ce/cebgpd.yaml
CE_PID=
lab_ce_config "$CE_CONF"

# An address cebgpd has no session with, reachable from the CE over the
# private primary link: the source of the unknown-address flood.
OTHER=192.0.2.99
lab_in msee1 ip addr add "$OTHER/32" dev eth0.555 || fail "extra address on msee1"
lab_in ce ip route add "$OTHER/32" dev eth0.555 || fail "route to the extra address"

lab_bird_start msee2 || fail "msee2 BIRD starts"
lab_ce_start "$CE_CONF"
CE_PID=$LAB_CE_PID

check "BIRD msee2 priv Established" lab_wait_bird_established msee2 priv 30
check "BIRD msee2 pub Established" lab_wait_bird_established msee2 pub 30

# What every hostile case must leave alone: msee2's two sessions up, the
# routes BIRD had from cebgpd (if cebgpd advertises any) still there, and
# (checked by the python peer through cebgpd's dump, --keep) the routes
# cebgpd learnt from msee2.
sleep 3
for p in priv pub; do
	lab_bird_routes msee2 "$p" >"$LAB_DIR/initial-$p"
done
CHECK=$LAB_DIR/check-others.sh
cat >"$CHECK" <<EOF2
ctl=$LAB_DIR/msee2/bird.ctl
ok=0
for p in priv pub; do
	birdc -s "\$ctl" show protocols "\$p" | grep -q Established || { echo "msee2 \$p not Established"; ok=1; }
	now=\$(birdc -s "\$ctl" show route protocol "\$p" | awk '\$1 ~ /^[0-9.]+\/[0-9]+\$/ { print \$1 }')
	for r in \$(cat "$LAB_DIR/initial-\$p"); do
		grep -qxF "\$r" <<<"\$now" || { echo "msee2 \$p lost \$r"; ok=1; }
	done
done
exit \$ok
EOF2
check "msee2 sessions pass the check before the hostile cases" bash "$CHECK"
KEEP=1GbpsCircuit/private/secondary=10.1.0.0/16,1GbpsCircuit/public/secondary=13.64.0.0/11

OUT=$LAB_DIR/hostile.out
lab_in msee1 python3 "$PEER" --local 172.16.1.2 --remote 172.16.1.1 --other "$OTHER" \
	--key "$KEY" --ce-pid "$CE_PID" --ce-log "$CE_LOG" \
	--session 1GbpsCircuit/private/primary --check "bash $CHECK" --keep "$KEEP" \
	${HOSTILE_ONLY:+--only "$HOSTILE_ONLY"} 2>&1 | tee "$OUT"
n=$(awk '/^hostile: [0-9]+ passed/ { print $2 }' "$OUT")
m=$(awk '/^hostile: [0-9]+ passed/ { print $4 }' "$OUT")
if [ -z "$n" ]; then
	fail "hostile_peer.py ran to the end"
else
	PASSED=$((PASSED + n))
	FAILED=$((FAILED + m))
fi

check "cebgpd still running after the hostile peer" kill -0 "$CE_PID"
check "msee2 sessions and routes intact at the end" bash "$CHECK"
check "cebgpd exits 0 on SIGTERM" lab_ce_stop
check "no sanitizer report in cebgpd's log" lab_ce_clean
finish
