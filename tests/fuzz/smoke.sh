#!/bin/sh
# Build every libFuzzer harness with clang and run each for a bounded time
# (FUZZ_SECONDS, default 60) from its seed corpus (tests/fuzz/corpus/<h>/)
# plus the regression inputs (tests/fuzz/regress/<h>/, which run first and
# must pass). Work corpora go to a temporary directory. Last line:
# "fuzz-smoke: N passed, M failed". Exits 77 (skip) without clang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
secs=${FUZZ_SECONDS:-60}
out="$top_builddir/tests/fuzz"
export top_srcdir

if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	echo "fuzz-smoke: clang not found, skipped"
	exit 77
fi
harnesses=$("$here/build.sh" "$out") || {
	echo "fuzz-smoke: build failed"
	echo "fuzz-smoke: 0 passed, 1 failed"
	exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

pass=0
fail=0
for bin in $harnesses; do
	h=$(basename "$bin")
	ok=true
	# Regression inputs first: every one must run clean.
	if [ -d "$here/regress/$h" ] && [ -n "$(ls "$here/regress/$h")" ]; then
		if ! "$bin" -runs=1 "$here/regress/$h"/* >"$work/$h.regress.log" 2>&1; then
			echo "fuzz-smoke: $h: a regression input fails:"
			tail -n 30 "$work/$h.regress.log"
			ok=false
		fi
	fi
	if $ok; then
		mkdir -p "$work/$h"
		(cd "$work" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		        -print_final_stats=1 "$work/$h" "$here/corpus/$h") >"$work/$h.log" 2>&1 ||
			ok=false
		stats=$(grep -E '^#[0-9]+.*DONE' "$work/$h.log" | tail -n 1)
		if $ok; then
			echo "fuzz-smoke: $h ok: $stats"
		else
			echo "fuzz-smoke: $h FAILED:"
			grep -E 'broken|ERROR|runtime error|SUMMARY|Test unit written' "$work/$h.log" |
				head -n 20
			for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
				[ -e "$c" ] || continue
				mkdir -p "$out/crashes"
				cp "$c" "$out/crashes/$h-$(basename "$c")"
				echo "fuzz-smoke: kept $out/crashes/$h-$(basename "$c")"
			done
		fi
	fi
	if $ok; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "fuzz-smoke: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
