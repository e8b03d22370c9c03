#!/bin/bash
# demo.sh: the README's first command works: demo/lab brings up the demo
# circuit (four sessions established with the two BIRD provider routers),
# `status` shows it again, `down` removes every namespace and the state.
# shellcheck source=tests/assert.sh
. "$(dirname "$0")/../assert.sh"

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v bird >/dev/null || skip "bird not installed"
require_programs cebgpd

export DEMO_STATE
DEMO_STATE=$(mktemp -d /tmp/cebgp-demo.XXXXXX)
export DEMO_NS="cebgpdemo$$" NO_APT=1 BUILD_DIR="$top_builddir"
lab="$top_srcdir/demo/lab"
cleanup() {
	"$lab" down >/dev/null 2>&1
	for n in ce msee1 msee2; do ip netns del "$DEMO_NS-$n" 2>/dev/null; done
	rm -rf "$DEMO_STATE"
}
trap cleanup EXIT
# The build step must not compete with make check's own make.
run() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 240 "$lab" "$@"; }

out=$(run up 2>&1)
rc=$?
[ $rc = 0 ] && pass "demo/lab up: exit 0" || fail "demo/lab up: exit $rc"
grep -q "all four sessions established" <<<"$out" && pass "four sessions established" ||
	fail "sessions: $(tail -30 <<<"$out")"
# cebgpctl's summary ends "Total sessions 4, Established 4"; without
# cebgpctl the demo shows one Established line per BIRD session.
if grep -q 'Total sessions' <<<"$out"; then
	grep -q 'Total sessions 4, Established 4' <<<"$out" && pass "summary: 4 of 4 Established" ||
		fail "summary: $(grep 'Total sessions' <<<"$out")"
else
	n=$(grep -c 'Established' <<<"$out")
	[ "$n" -ge 4 ] && pass "summary shows $n Established lines" || fail "summary: $n Established lines"
fi
grep -q "demo/lab down" <<<"$out" && pass "says how to tear down" || fail "no teardown hint"
for r in ce msee1 msee2; do
	ip netns list | grep -q "^$DEMO_NS-$r" && pass "namespace $r up" || fail "no namespace $r"
done
out=$(run status 2>&1) && grep -q Established <<<"$out" && pass "demo/lab status" ||
	fail "status: $out"
out=$(run up 2>&1)
grep -q "already up" <<<"$out" && pass "second up says it is already up" || fail "second up: $out"
run down >/dev/null 2>&1 && pass "demo/lab down" || fail "demo/lab down failed"
left=$(ip netns list | grep "^$DEMO_NS-" || true)
[ -z "$left" ] && pass "no namespace left" || fail "left: $left"
[ ! -e "$DEMO_STATE" ] && pass "state removed" || fail "state left in $DEMO_STATE"
finish
