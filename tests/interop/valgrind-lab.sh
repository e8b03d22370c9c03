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

lab_require
command -v valgrind >/dev/null || lab_skip "no valgrind"

# is_sanitizer_build BUILDDIR: configured with --enable-sanitizers, or its
# cebgpd links ASan.
is_sanitizer_build() {
	local CEBGPD CEBGPCTL
	cebgp_programs "$1"
	grep -q -- '--enable-sanitizers' "$1/config.log" 2>/dev/null ||
		ldd "$CEBGPD" 2>/dev/null | grep -q libasan
}
TMPB=
if [ -n "${VALGRIND_BUILDDIR:-}" ]; then
	B=$VALGRIND_BUILDDIR
elif [ -x "$CEBGPD" ] && ! is_sanitizer_build "$top_builddir"; then
	B=$top_builddir
elif [ "${VALGRIND_LAB_BUILD:-0}" = 1 ]; then
	TMPB=$(mktemp -d /tmp/cebgp-vg.XXXXXX)
	B=$TMPB
	cebgp_programs "$B"
	echo "valgrind-lab: building without sanitizers in $B"
	(cd "$B" && "$top_srcdir/configure" --enable-werror CFLAGS="-g -O1" >configure.log 2>&1 &&
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j2 "${CEBGPD#"$B"/}" \
			"${CEBGPCTL#"$B"/}" >make.log 2>&1) || {
		tail -n 20 "$B"/make.log "$B"/configure.log 2>/dev/null
		rm -rf "$TMPB"
		echo "valgrind-lab: 0 passed, 1 failed"
		exit 1
	}
else
	lab_skip "sanitizer build: set VALGRIND_BUILDDIR or VALGRIND_LAB_BUILD=1"
fi
cebgp_programs "$B"
CTL=$CEBGPCTL
require_programs cebgpd

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
write_conf() { # "PRIVATE-ANNOUNCE..."
	lab_ce_config "$CONF" --control "$SOCK" --announce private="$1"
}
write_conf "10.10.0.0/16"
LAB_DUMP_FILES=$VGLOG
LAB_DUMP_LINES=80

lab_bird_start msee1 || fail "msee1 BIRD starts"
lab_bird_start msee2 || fail "msee2 BIRD starts"
lab_ce_start "$CONF" --wrap "valgrind --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no
	--log-file=$VGLOG"
VPID=$LAB_CE_PID
for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub"; do
	# shellcheck disable=SC2086
	check "BIRD $s Established under valgrind" lab_wait_bird_established $s 90
done
check "provider routes in the FIB" \
	lab_wait_for 30 eval "ip -n $CE route show 10.1.0.0/16 proto 186 | grep -q nexthop"
check "cebgpctl show bgp routes answers" \
	eval "timeout 20 '$CTL' -s '$SOCK' show bgp routes | grep -q 10.1.0.0/16"
write_conf "10.10.0.0/16 10.20.0.0/16"
kill -HUP "$VPID"
check "SIGHUP: the new prefix is advertised" \
	lab_wait_for 30 eval "lab_bird_routes msee1 priv | grep -qx 10.20.0.0/16"
lab_ce_stop 60
rc=$?
check "cebgpd exited 0 under valgrind (99 = memcheck errors or leaks; got $rc)" \
	eval "[ '$rc' = 0 ]"
check "valgrind: ERROR SUMMARY: 0 errors" grep -q "ERROR SUMMARY: 0 errors" "$VGLOG"
check "valgrind: no definite or indirect leak" \
	eval "! grep -Eq '(definitely|indirectly) lost: [1-9]' '$VGLOG'"
grep -E 'ERROR SUMMARY|in use at exit|definitely|indirectly' "$VGLOG" | sed 's/^/    /'
finish
