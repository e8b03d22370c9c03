#!/usr/bin/env bash
# Self-test of the interop lab (tests/interop/lib.sh) and its BIRD templates,
# independent of cebgpd: two BIRDs play the provider routers (msee1, msee2,
# AS 12076) and a third BIRD in the ce namespace plays the customer
# (AS 65520) with the four MD5-authenticated sessions of the guide's circuit.
# Checks: all four sessions Established on both sides; each side receives
# exactly the other's prefixes for that peering; a wrong MD5 key on one
# session keeps only that session down; the passive option works; teardown
# leaves no namespace and no process behind.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/interop/lib.sh"

sorted()
{
	printf '%s\n' "$@" | sort -u
}

lab_require

prefix="cebgp$$"
# Run the lab in a subshell-free way but make sure the summary is the last
# line: teardown runs from the trap before finish prints.
lab_create "$prefix" || {
	fail "lab_create"
	lab_teardown
	finish
	exit 1
}
pass "lab_create: namespaces and links"

# Addressing: the CE owns the first usable address of each /30.
for spec in "ce eth0.555 172.16.1.1/30" "ce eth1.555 172.16.2.1/30" \
	"ce eth0.556 172.16.1.5/30" "ce eth1.556 172.16.2.5/30" \
	"msee1 eth0.555 172.16.1.2/30" "msee1 eth0.556 172.16.1.6/30" \
	"msee2 eth1.555 172.16.2.2/30" "msee2 eth1.556 172.16.2.6/30"; do
	set -- $spec
	check "$1 $2 has $3" eval "lab_in $1 ip -4 -o addr show dev $2 | grep -q 'inet $3 '"
done
check "ce has no route to the provider's services before BGP" \
	eval "! lab_in ce ip -4 route get 13.64.0.1 >/dev/null 2>&1"

# msee2 passive: the CE's BIRD must open those sessions (both directions
# of session opening are exercised).
# msee1 and the CE also run the IPv6 sessions (today's dual stack).
if lab_bird_start msee1 --ipv6 on && lab_bird_start msee2 --passive on &&
	lab_bird_start ce --ipv6 on; then
	pass "three BIRDs started"
else
	fail "BIRD start"
	lab_teardown
	finish
	exit 1
fi

for s in "msee1 priv" "msee1 pub" "msee2 priv" "msee2 pub" \
	"ce priv1" "ce priv2" "ce pub1" "ce pub2"; do
	set -- $s
	check "$1 $2 Established" lab_wait_bird_established "$1" "$2" 30
done
# Passive msee2 accepted both connections: its end of each is port 179.
check "msee2 (passive) accepted both connections" eval \
	"[ \$(lab_in msee2 ss -Htn state established '( sport = :179 )' | wc -l) -eq 2 ]"

# Routes need a moment after Established (the End-of-RIB follows the UPDATEs).
cust_priv=$(sorted $LAB_CUSTOMER_PRIVATE_ROUTES)
cust_pub=$(sorted $LAB_CUSTOMER_PUBLIC_ROUTES)
prov_priv=$(sorted $LAB_PROVIDER_PRIVATE_ROUTES)
prov_pub=$(sorted $LAB_PROVIDER_PUBLIC_ROUTES)
routes_are()
{
	[ "$(lab_bird_routes "$1" "$2")" = "$3" ]
}
lab_wait_for 10 routes_are ce pub2 "$prov_pub"
for m in msee1 msee2; do
	lab_wait_for 10 routes_are "$m" pub "$cust_pub"
	same "$m received the customer's private prefixes" "$cust_priv" "$(lab_bird_routes $m priv)"
	same "$m received the customer's public prefixes" "$cust_pub" "$(lab_bird_routes $m pub)"
	same "$m exports the VNet prefixes on private" "$prov_priv" "$(lab_bird_exported $m priv)"
done
for p in priv1 priv2; do
	same "ce $p received the VNet prefixes" "$prov_priv" "$(lab_bird_routes ce $p)"
done
for p in pub1 pub2; do
	same "ce $p received the service prefixes" "$prov_pub" "$(lab_bird_routes ce $p)"
done
# IPv6 sessions over the /126s between the CE and msee1.
for s in "msee1 priv_v6" "msee1 pub_v6" "ce priv1_v6" "ce pub1_v6"; do
	set -- $s
	check "$1 $2 Established" lab_wait_bird_established "$1" "$2" 30
done
lab_wait_for 10 routes_are ce pub1_v6 "$(sorted $LAB_PROVIDER_PUBLIC_ROUTES6)"
same "ce priv1_v6 received the IPv6 VNet prefixes" "$(sorted $LAB_PROVIDER_PRIVATE_ROUTES6)" \
	"$(lab_bird_routes ce priv1_v6)"
same "ce pub1_v6 received the IPv6 service prefixes" "$(sorted $LAB_PROVIDER_PUBLIC_ROUTES6)" \
	"$(lab_bird_routes ce pub1_v6)"
lab_wait_for 10 routes_are msee1 priv_v6 "$(sorted $LAB_CUSTOMER_PRIVATE_ROUTES6)"
same "msee1 priv_v6 received the customer's IPv6 prefix" \
	"$(sorted $LAB_CUSTOMER_PRIVATE_ROUTES6)" "$(lab_bird_routes msee1 priv_v6)"
same "no IPv4 prefix on an IPv6 session" "" "$(lab_bird_routes msee1 priv_v6 | grep -v :)"

check "msee1 sees AS path 65520 on 10.10.0.0/16" eval \
	"lab_bird_route_attrs msee1 priv 10.10.0.0/16 | grep -q 'BGP.as_path: 65520\$'"

# Reconfiguring a provider's routes is a soft change: one more VNet prefix
# arrives on the live session.
more_priv=$(sorted $LAB_PROVIDER_PRIVATE_ROUTES 10.4.0.0/16)
check "lab_bird_reconfigure msee1 (one more VNet)" \
	lab_bird_reconfigure msee1 --routes-private "$LAB_PROVIDER_PRIVATE_ROUTES 10.4.0.0/16"
lab_wait_for 10 routes_are ce priv1 "$more_priv"
same "ce priv1 received the new VNet prefix" "$more_priv" "$(lab_bird_routes ce priv1)"
same "ce priv2 (msee2) unchanged" "$prov_priv" "$(lab_bird_routes ce priv2)"
check "msee1 priv stayed Established" lab_bird_is_established msee1 priv

# A shutdown communication (RFC 9003) from the CE shows on the provider.
lab_birdc ce disable pub1 '"lab-selftest: planned maintenance"' >/dev/null
check "msee1 shows the CE's shutdown communication" lab_wait_for 10 \
	eval "lab_bird_info msee1 pub | grep -q 'lab-selftest: planned maintenance'"
lab_birdc ce enable pub1 >/dev/null
check "ce pub1 back up after enable" lab_wait_bird_established ce pub1 30

# A wrong MD5 key on one session (msee2 public) keeps only that session down.
lab_bird_stop msee2
lab_bird_start msee2 --key pub=wrong-key-0000 || fail "restart msee2 with a wrong key"
check "msee2 priv comes back with the right key" lab_wait_bird_established msee2 priv 30
sleep 6 # a few connect retries (connect retry 2 s)
state=$(lab_bird_state msee2 pub)
if [ "$state" != Established ]; then
	pass "msee2 public with a wrong MD5 key stays down ($state)"
else
	fail "msee2 public Established despite a wrong MD5 key"
fi
state=$(lab_bird_state ce pub2)
check "ce pub2 (the other end) not Established ($state)" test "$state" != Established
check "msee2 public received nothing" test -z "$(lab_bird_routes msee2 pub)"
for s in "msee1 priv" "msee1 pub" "msee2 priv" "ce priv1" "ce priv2" "ce pub1"; do
	set -- $s
	check "$1 $2 still Established" lab_bird_is_established "$1" "$2"
done

# No MD5 on one side only also fails (the signed side drops unsigned SYNs).
lab_bird_stop msee1
lab_bird_start msee1 --key priv=none || fail "restart msee1 without a key on private"
check "msee1 pub Established" lab_wait_bird_established msee1 pub 30
sleep 4
check "msee1 private without MD5 against a keyed CE stays down" \
	eval '[ "$(lab_bird_state msee1 priv)" != Established ]'

# Teardown leaves nothing behind.
lab_teardown
check "namespaces removed" eval "! ip netns list | grep -q '^$prefix-'"
check "no BIRD of ours left" eval "! pgrep -f '$prefix' >/dev/null"

finish
