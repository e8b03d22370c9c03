#!/usr/bin/env bash
# valgrind-lab: a short lab scenario with cebgpd under valgrind memcheck
# (--leak-check=full, errors and definite/indirect leaks fail): two BIRD 2
# providers, four sessions, routes in the FIB, a `cebgpctl show bgp routes`,
# a SIGHUP reload, SIGTERM; then valgrind's verdict.
#
# valgrind does not run ASan binaries. The build used is, in order:
# $VALGRIND_BUILDDIR (a configured, built tree without sanitizers); the
# current $top_builddir when it is not a sanitizer build; with
# VALGRIND_LAB_BUILD=1, a fresh non-sanitizer build configured in a temp
# dir (a few minutes on 2 cores). Otherwise the test is skipped (77).
#
# Needs root, network namespaces, bird2 and valgrind.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"
LAB_TEST=valgrind-lab

lab_require
command -v valgrind >/dev/null || lab_skip "no valgrind"

is_sanitizer_build() {
	grep -q -- '--enable-sanitizers' "$1/config.log" 2>/dev/null ||
		ldd "$1/bgpd/cebgpd" 2>/dev/null | grep -q libasan
}
TMPB=
if [ -n "${VALGRIND_BUILDDIR:-}" ]; then
	B=$VALGRIND_BUILDDIR
elif [ -x "$top_builddir/bgpd/cebgpd" ] && ! is_sanitizer_build "$top_builddir"; then
	B=$top_builddir
elif [ "${VALGRIND_LAB_BUILD:-0}" = 1 ]; then
	TMPB=$(mktemp -d /tmp/cebgp-vg.XXXXXX)
	B=$TMPB
	echo "valgrind-lab: building without sanitizers in $B"
	(cd "$B" && "$top_srcdir/configure" --enable-werror CFLAGS="-g -O1" >configure.log 2>&1 &&
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j2 bgpd/cebgpd ctl/cebgpctl >make.log 2>&1) || {
		tail -n 20 "$B"/make.log "$B"/configure.log 2>/dev/null
		rm -rf "$TMPB"
		echo "valgrind-lab: 0 passed, 1 failed"
		exit 1
	}
else
	lab_skip "sanitizer build: set VALGRIND_BUILDDIR or VALGRIND_LAB_BUILD=1"
fi
CEBGPD=$B/bgpd/cebgpd
CTL=$B/ctl/cebgpctl
[ -x "$CEBGPD" ] || lab_skip "$CEBGPD not built"

KEY=0123456789abcdef0123456789abcdef
export LAB_MD5_KEY=$KEY LAB_HOLD=9 LAB_KEEPALIVE=3
lab_create "cv$$" || {
	fail "lab created"
	finish
	exit 1
}
[ -n "$TMPB" ] && lab_on_cleanup rm -rf "$TMPB"
CE=$(lab_ns ce)
SOCK=$LAB_DIR/ce/ctl.sock
CONF=$LAB_DIR/ce/cebgpd.yaml
VGLOG=$LAB_DIR/ce/valgrind.log
write_conf() {
	cat >"$CONF" <<YAML
asn: 65520
router-id: 192.0.2.1
timers: { hold: 9, keepalive: 3, connect-retry: 2, idle-hold: 1, idle-hold-max: 2 }
control:
  socket: $SOCK
  readonly-socket: $LAB_DIR/ce/ctl.ro.sock
circuits:
  - name: 1GbpsCircuit
    md5-key: $KEY
    links:
      primary:   { interface: eth0 }
      secondary: { interface: eth1 }
    peerings:
      private:
        vlan: 555
        primary-subnet: 172.16.1.0/30
        secondary-subnet: 172.16.2.0/30
        announce: [$1]
      public:
        vlan: 556
        primary-subnet: 172.16.1.4/30
        secondary-subnet: 172.16.2.4/30
        announce: [216.221.239.232/29]
YAML
}
write_conf "10.10.0.0/16"
dump() {
	if [ "$FAILED" -gt 0 ]; then
		echo "--- valgrind log (tail) ---"
		tail -n 80 "$VGLOG" 2>/dev/null
	fi
}
lab_on_cleanup dump

lab_bird_start msee1 || fail "msee1 BIRD starts"
lab_bird_start msee2 || fail "msee2 BIRD starts"
ip netns exec "$CE" valgrind --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no \
	--log-file="$VGLOG" "$CEBGPD" -d -f "$CONF" >"$LAB_DIR/ce/cebgpd.log" 2>&1 </dev/null &
VPID=$!
LAB_PIDS+=("$VPID")
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s Established under valgrind" lab_wait_bird_established $s 90
done
check "provider routes in the FIB" \
	lab_wait_for 30 eval "ip -n $CE route show 10.1.0.0/16 proto 186 | grep -q nexthop"
check "cebgpctl show bgp routes answers" \
	eval "timeout 20 '$CTL' -s '$SOCK' show bgp routes | grep -q 10.1.0.0/16"
write_conf "10.10.0.0/16, 10.20.0.0/16"
kill -HUP "$VPID"
check "SIGHUP: the new prefix is advertised" \
	lab_wait_for 30 eval "lab_bird_routes msee1 priv | grep -qx 10.20.0.0/16"
kill -TERM "$VPID"
rc=
for ((i = 0; i < 300; i++)); do
	kill -0 "$VPID" 2>/dev/null || break
	sleep 0.2
done
kill -KILL "$VPID" 2>/dev/null
wait "$VPID"
rc=$?
check "cebgpd exited 0 under valgrind (99 = memcheck errors or leaks; got $rc)" \
	eval "[ '$rc' = 0 ]"
check "valgrind: ERROR SUMMARY: 0 errors" grep -q "ERROR SUMMARY: 0 errors" "$VGLOG"
check "valgrind: no definite or indirect leak" \
	eval "! grep -Eq '(definitely|indirectly) lost: [1-9]' '$VGLOG'"
grep -E 'ERROR SUMMARY|in use at exit|definitely|indirectly' "$VGLOG" | sed 's/^/    /'
finish
