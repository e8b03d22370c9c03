#!/bin/bash
# examples.sh: `cebgpd --check` on the shipped example configurations.
# Each is refused as shipped for one reason only, its placeholder service
# key (so the service never starts on an unedited example), and accepted
# once that line is gone. The example of a circuit ordered today shows its
# provider profile, with every rule and its source, and the dual-stack
# sessions of private and Microsoft peering; turning its microsoft: into
# public: is refused with a pointer back to microsoft:.
# shellcheck source=tests/assert.sh
. "$(dirname "$0")/../assert.sh"

require_programs cebgpd

# cebgpd --check FILE, its output (long) only in the failure's own line.
check_ok()
{
	"$CEBGPD" --check -f "$1" >/dev/null 2>&1
}
tmp=$(mktemp -d /tmp/cebgp-examples.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for ex in cebgpd.yaml cebgpd-two-router-primary.yaml cebgpd-two-router-secondary.yaml \
	cebgpd-expressroute.yaml; do
	src=$top_srcdir/conf/$ex
	out=$("$CEBGPD" --check -f "$src" 2>&1) && rc=0 || rc=$?
	errors=$(grep -c ': error: ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$errors" -eq 1 ] && grep -q 'error: service-key: .*placeholder' <<<"$out"; then
		pass "$ex as shipped: refused for its placeholder service key only"
	else
		fail "$ex as shipped: rc $rc, $errors errors: $out"
	fi
	grep -v 'service-key: 00000000-0000-0000-0000-000000000000' "$src" >"$tmp/$ex"
	check "$ex without the placeholder: --check accepts it" check_ok "$tmp/$ex"
done

ex=$tmp/cebgpd-expressroute.yaml
out=$("$CEBGPD" --check -f "$ex" 2>&1)
check "today's example: profile expressroute, sku standard" \
	grep -qx '  provider expressroute, sku standard: .*' <<<"$out"
check "today's example: the private cap rule with its source" \
	grep -qx '    rule private peering: at most 4000 IPv4 prefixes per session (sku standard; 4000 standard, 10000 premium)' <<<"$out"
check "today's example: every rule has a source" \
	test "$(grep -c '^    rule ' <<<"$out")" -eq "$(grep -c '^      source: ' <<<"$out")" -a \
	"$(grep -c '^    rule ' <<<"$out")" -gt 10
check "today's example: 8 sessions, IPv6 twins included" grep -qx '.*: 8 sessions' <<<"$out"
check "today's example: the Microsoft IPv6 session" \
	grep -qx '    session ErCircuit1/microsoft/secondary/ipv6' <<<"$out"
check "today's example: caps 200 + 200 on Microsoft peering" \
	grep -q '^    policy: cap 200 IPv4, 200 IPv6 ' <<<"$out"
check "today's example: the private ASN on Microsoft peering is a warning" \
	grep -q 'warning: asn: 65010 is private, and the provider strips private ASNs on microsoft peering' <<<"$out"
check "the guide's example: profile expressroute-classic" \
	grep -qx '  provider expressroute-classic, sku standard: .*' \
	<<<"$("$CEBGPD" --check -f "$tmp/cebgpd.yaml" 2>&1)"

sed 's/^      microsoft:$/      public:/' "$ex" >"$tmp/public.yaml"
out=$("$CEBGPD" --check -f "$tmp/public.yaml" 2>&1) && rc=0 || rc=$?
line=$(grep -n '^      public:$' "$tmp/public.yaml" | cut -d: -f1)
check "today's example with public: is refused" test "$rc" -ne 0
check "... pointing to microsoft: at its line" grep -q \
	"public.yaml:$line:7: error: public: public peering is closed to circuits ordered today; use microsoft:" <<<"$out"

sed 's/^provider: expressroute$/provider: expressroute-classic/' "$ex" >"$tmp/classic.yaml"
out=$("$CEBGPD" --check -f "$tmp/classic.yaml" 2>&1) && rc=0 || rc=$?
check "under expressroute-classic, microsoft: is refused" grep -q \
	'error: microsoft: Microsoft peering is not part of the guide.s provider; for a circuit ordered today set provider: expressroute' <<<"$out"
check "... and the 23-character key is not 32 hex digits" grep -q \
	'error: md5-key: must be exactly 32 hexadecimal digits' <<<"$out"
# The explicit keys win over the profile, as --check shows.
sed -e 's/^sku: standard$/sku: premium/' \
	-e 's/^        announce:$/        min-length: 12\n        min-length-v6: 40\n        max-prefixes-v6: 7\n        announce:/' \
	"$ex" >"$tmp/keys.yaml"
out=$("$CEBGPD" --check -f "$tmp/keys.yaml" 2>&1)
check "sku: premium raises the private cap to 10000; max-prefixes-v6, min-length and min-length-v6 win" \
	grep -q '^    policy: cap 10000 IPv4, 7 IPv6 (truncate), min-length /12, /40 IPv6 (drop)' <<<"$out"
check "... so the /16s, longer than /12, are not advertised" \
	grep -q '^    stages (IPv4): announced 2, .* advertised 0; 2 dropped' <<<"$out"
finish
