# shellcheck shell=bash
# tests/ship/common.sh: pass/fail counting for the ship tests. The last
# line a test prints is "NAME: N passed, M failed".
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SHIP_NAME=$(basename "$0" .sh)
SHIP_PASS=0
SHIP_FAIL=0

ok() {
	SHIP_PASS=$((SHIP_PASS + 1))
	echo "ok: $*"
}

not_ok() {
	SHIP_FAIL=$((SHIP_FAIL + 1))
	echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

skip() {
	echo "SKIP: $*"
	echo "$SHIP_NAME: 0 passed, 0 failed (skipped)"
	exit 77
}

finish() {
	echo "$SHIP_NAME: $SHIP_PASS passed, $SHIP_FAIL failed"
	[ "$SHIP_FAIL" -eq 0 ]
	exit $?
}
