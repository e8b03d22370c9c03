#!/bin/sh
# Build the libFuzzer harnesses with clang (the tree itself builds with gcc).
# Usage: build.sh [OUTDIR]; env: top_srcdir (default: two levels up),
# FUZZ_CC (clang), FUZZ_CFLAGS (extra flags). Prints the harness paths.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
out=${1:-$PWD/tests/fuzz}
cc=${FUZZ_CC:-clang}
mkdir -p "$out/obj"

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found" >&2
	exit 77
fi
pc() { pkg-config "$@" 2>/dev/null || true; }
deps="yaml-0.1 libcrypto libmnl jansson"
# shellcheck disable=SC2086
cflags="-std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror \
 -Wno-unused-parameter -fsanitize=address,undefined -fno-sanitize-recover=undefined \
 -I$top_srcdir/lib -I$top_srcdir -I$PWD $(pc --cflags $deps) ${FUZZ_CFLAGS:-}"
# shellcheck disable=SC2086
libs="$(pc --libs $deps)"

# The library, instrumented for coverage (fuzzer-no-link) once for all
# harnesses; everything is rebuilt when any lib/ file or this script changed.
stamp=$out/obj/.stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$top_srcdir/lib" "$here/build.sh" -newer "$stamp" | head -n 1)" ]; then
	rm -f "$out"/obj/*.o
fi
objs=
for src in "$top_srcdir"/lib/*.c; do
	o="$out/obj/$(basename "$src" .c).o"
	if [ ! -e "$o" ]; then
		# shellcheck disable=SC2086
		$cc $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$o"
	fi
	objs="$objs $o"
done
touch "$stamp"

for h in fuzz_msg_decode fuzz_update_roundtrip fuzz_session fuzz_config fuzz_ctl fuzz_bfd; do
	src="$here/$h.c"
	[ -e "$src" ] || continue
	if [ "$h" = fuzz_ctl ] && [ ! -e "$top_srcdir/lib/ctl_proto.h" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer "$src" $objs $libs -o "$out/$h"
	echo "$out/$h"
done
