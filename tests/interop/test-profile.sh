#!/usr/bin/env bash
# test-profile: the provider profiles' caps and key rules on the wire, with
# BIRD 2 as the provider and as the independent checker of the cap: like
# the provider, it drops (restarts) a private session that receives more
# prefixes than its receive limit, set to the profile's cap.
#
# cebgpd runs the lab's private peering with N /24s that no aggregation
# within the default bound can merge (every other /24), so at the cap
# cap-action truncate advertises exactly the cap's worth:
#  1. provider: expressroute-classic (the default), 32-hex-digit key, 3100
#     /24s and a /32: BIRD (limit 3000) holds exactly 3000, not the /32
#     (nothing longer than /29), and the session stays up.
#  2. provider: expressroute, sku standard, a 20-character key (today's
#     rule; the guide's would refuse it): 4500 /24s, BIRD (limit 4000)
#     holds exactly 4000 and stays up.
#  3. sku: premium: 4500 /24s and the /32 all arrive (cap 10000, no
#     minimum length), with BIRD's limit at 10000.
#  4. An explicit max-prefixes: 4100 above the standard cap: --check warns
#     that the provider drops the session over 4000, and BIRD (limit 4000)
#     does exactly that.
#
# Needs root, network namespaces and bird2; exits 77 (SKIP) without.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

lab_require
require_programs cebgpd

# Not the lab's 65520: today's provider reserves it (the profile refuses it).
export LAB_HOLD=9 LAB_KEEPALIVE=3 LAB_CUSTOMER_AS=65010
KEY_GUIDE=0123456789abcdef0123456789abcdef
KEY_TODAY=er-today-key-20chars

lab_create "cpf$$" || {
	fail "lab created"
	finish
	exit 1
}
W=$LAB_DIR/ce
CONF=$W/cebgpd.yaml
LAB_DUMP_SKIP='policy warning|longer than|left out'

# announce_file FILE N [EXTRA...]: N /24s 10.B.C.0 with C even (no two are
# siblings), then the EXTRA prefixes.
announce_file() {
	local file=$1 n=$2
	shift 2
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
		printf "10.%d.%d.0/24\n", 100 + int(i / 128), (i % 128) * 2 }' >"$file"
	printf '%s\n' "$@" >>"$file"
}

bird_count() {
	lab_birdc msee1 show route protocol priv count 2>/dev/null |
		awk '$2 == "of" && $4 == "routes" { print $1; exit }'
}
bird_count_is() { [ "$(bird_count)" = "$1" ]; }
bird_has() { lab_birdc msee1 show route "$1" protocol priv 2>/dev/null | grep -q "^$1 "; }
limit_hit() { grep -q 'hits route receive limit' "$LAB_DIR/msee1/bird.log"; }

# phase NAME KEY LIMIT ANNOUNCE-FILE [lab_ce_config OPTIONS]: BIRD msee1
# with receive limit LIMIT and KEY, cebgpd with the private peering only.
phase() {
	local name=$1 key=$2 limit=$3 ann=$4
	shift 4
	lab_ce_config "$CONF" --peerings private --key "$key" --announce-file private="$ann" \
		--secondary-if none "$@" || return 1
	"$CEBGPD" --check -f "$CONF" >"$W/$name.plan" 2>&1
	check "$name: cebgpd --check accepts the config" test $? -eq 0
	lab_bird_start msee1 --key priv="$key" --limit priv="$limit" || fail "$name: BIRD starts"
	lab_ce_start "$CONF" --log "$W/$name.log"
	check "$name: BIRD priv Established" lab_wait_bird_established msee1 priv 30
}

end_phase() {
	check "$1: cebgpd exits 0" lab_ce_stop 10
	check "$1: no sanitizer report" lab_ce_clean
	lab_bird_stop msee1
}

# 1. The guide's profile.
announce_file "$W/a1" 3100 10.250.0.1/32
phase classic "$KEY_GUIDE" 3000 "$W/a1"
check "classic: --check shows the guide's profile" \
	grep -q '^  provider expressroute-classic, sku standard: ' "$W/classic.plan"
check "classic: BIRD holds exactly the cap, 3000" lab_wait_for 60 bird_count_is 3000
SINCE=$(lab_bird_since msee1 priv)
check "classic: the /32 is not advertised (nothing longer than /29)" \
	eval '! bird_has 10.250.0.1/32'
sleep 4
check "classic: the session stayed up (BIRD's limit not hit)" lab_bird_unchanged msee1 priv "$SINCE"
check "classic: BIRD logged no limit" eval '! limit_hit'
end_phase classic

# 2. Today, standard: the 20-character key and the 4000 cap.
announce_file "$W/a2" 4500
phase standard "$KEY_TODAY" 4000 "$W/a2" --global "provider: expressroute"
check "standard: --check shows today's profile" \
	grep -q '^  provider expressroute, sku standard: ' "$W/standard.plan"
check "standard: BIRD holds exactly the cap, 4000" lab_wait_for 60 bird_count_is 4000
SINCE=$(lab_bird_since msee1 priv)
sleep 4
check "standard: the session stayed up" lab_bird_unchanged msee1 priv "$SINCE"
check "standard: BIRD logged no limit" eval '! limit_hit'
end_phase standard

# 3. Today, premium: everything, the /32 included.
announce_file "$W/a3" 4500 10.250.0.1/32
phase premium "$KEY_TODAY" 10000 "$W/a3" --global "provider: expressroute" --global "sku: premium"
check "premium: BIRD holds all 4501" lab_wait_for 60 bird_count_is 4501
check "premium: the /32 arrives (no minimum length)" bird_has 10.250.0.1/32
end_phase premium

# 4. An explicit max-prefixes above the cap: the warning is true.
phase over "$KEY_TODAY" 4000 "$W/a2" --global "provider: expressroute" \
	--peering private="max-prefixes: 4100"
check "over: --check warns that the provider drops the session over 4000" grep -q \
	"warning: max-prefixes: 4100 is above the provider's cap of 4000 IPv4 prefixes on private peering (provider expressroute, sku standard): the provider drops the session over 4000" \
	"$W/over.plan"
check "over: BIRD's limit of 4000 drops the session" lab_wait_for 60 limit_hit
end_phase over

finish
