# shellcheck shell=bash
# tests/assert.sh: what every test script shares: counted assertions, the
# summary line the suite counts, and where the build put the programs under
# test. tests/interop/lib.sh sources it; so does every tests/ship script.
#
#     . "$top_srcdir/tests/assert.sh"
#     require_programs cebgpd     # FAIL (not SKIP) when it is not built
#     check "cebgpd --check accepts the sample" "$CEBGPD" --check -f "$conf"
#     same "the routes" "$want" "$(list_routes)"   # equal strings
#     pass "something the script decided itself"   # or: fail "..."
#     finish                      # "NAME: N passed, M failed"; exit 0 or 1
#
# NAME is $TEST_NAME (or the older $LAB_TEST; default: the script's name
# without .sh). The counters are PASSED, FAILED and SKIPPED; a script that
# runs a sub-test with its own summary may add that one's numbers to them.
# Sourcing the file twice keeps the counts. It sets no shell options.

# top_srcdir and top_builddir as automake's test harness exports them; run
# by hand from the source tree, both are the tree holding this file.
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

# cebgp_programs BUILDDIR: set CEBGPD and CEBGPCTL to the daemon and the
# control client of the build tree BUILDDIR. The one place that knows where
# the build puts them; a script that runs another build (valgrind-lab,
# demo/lab) calls it with that build's directory.
cebgp_programs()
{
	CEBGPD=$1/bgpd/cebgpd
	CEBGPCTL=$1/ctl/cebgpctl
}

# The environment may name other binaries (CEBGPD=..., CEBGPCTL=...).
if [ -z "${_ASSERT_LOADED:-}" ]; then
	_assert_d=${CEBGPD:-} _assert_c=${CEBGPCTL:-}
	cebgp_programs "$top_builddir"
	CEBGPD=${_assert_d:-$CEBGPD} CEBGPCTL=${_assert_c:-$CEBGPCTL}
	unset _assert_d _assert_c
	PASSED=0
	FAILED=0
	SKIPPED=0
	_ASSERT_LOADED=1
fi

# require_programs [cebgpd] [cebgpctl]: the programs under test
# ($CEBGPD, $CEBGPCTL; both when none is named) exist, or the script ends
# (finish) with a failure for each missing one. Call it after the checks
# that skip: what the machine lacks (root, namespaces, packages) is a
# SKIP, but a program this build lacks is a FAIL, never a silent SKIP.
require_programs()
{
	local what bin missing=0
	[ $# -gt 0 ] || set -- cebgpd cebgpctl
	for what in "$@"; do
		case "$what" in
		cebgpd) bin=$CEBGPD ;;
		cebgpctl) bin=$CEBGPCTL ;;
		*)
			echo "require_programs: unknown program $what" >&2
			return 1
			;;
		esac
		[ -x "$bin" ] && continue
		fail "$what built ($bin is missing)"
		missing=1
	done
	[ $missing = 0 ] || finish
	return 0
}

# pass MSG: count one passed assertion and print "ok: MSG".
pass()
{
	PASSED=$((PASSED + 1))
	echo "ok: $*"
}

# fail MSG: count one failed assertion and print "FAIL: MSG".
fail()
{
	FAILED=$((FAILED + 1))
	echo "FAIL: $*"
}

# check MSG CMD...: pass MSG if CMD succeeds, fail it otherwise.
check()
{
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# same MSG EXPECTED ACTUAL: pass MSG if the two strings are equal; the
# failure shows both (newlines folded to spaces).
same()
{
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: expected [$(echo $2)] got [$(echo $3)]"
	fi
}

# skip_case MSG: count one case that cannot run here (it neither passes nor
# fails) and print "skip: MSG".
skip_case()
{
	SKIPPED=$((SKIPPED + 1))
	echo "skip: $*"
}

# skip REASON: print "SKIP: REASON" and exit 77 (automake's SKIP).
skip()
{
	echo "SKIP: $*"
	exit 77
}

# finish: print the summary line "NAME: N passed, M failed" (with ", K
# skipped" when a case was skipped) and exit 0 if nothing failed, 1
# otherwise (the EXIT trap, such as the lab's teardown, still runs). When
# something failed and a library defines on_exit_dump (tests/interop/lib.sh
# does), that post-mortem is printed first: the summary stays the last line.
finish()
{
	local skipped=''
	if [ "$FAILED" -gt 0 ] && declare -F on_exit_dump >/dev/null; then
		on_exit_dump
	fi
	[ "$SKIPPED" -gt 0 ] && skipped=", $SKIPPED skipped"
	echo "${TEST_NAME:-${LAB_TEST:-$(basename "$0" .sh)}}: $PASSED passed, $FAILED failed$skipped"
	[ "$FAILED" -eq 0 ] && exit 0
	exit 1
}
