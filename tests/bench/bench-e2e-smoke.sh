#!/usr/bin/env bash
# bench-e2e at a smoke size for `make check`: every step of the end-to-end
# bench completes and every count matches, at 2000 prefixes (a minute at
# most). The timings it prints mean little at this size.
exec "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/bench/bench-e2e.sh" \
	--poll 0.1 "${BENCH_E2E_SMOKE_N:-2000}"
