#!/bin/bash
# test-manage-if: `manage-interfaces: true` in a network namespace of our
# own. The parents eth0 and eth1 are veths (this kernel has no dummy
# module). eth0.555 is missing: cebgpd tries to create it as a VLAN; a
# kernel without 802.1Q support gets the log line naming the 8021q module
# and cebgpd keeps running and retrying (with 8021q it must create it).
# eth1.555 exists (a veth, as the lab builds sub-interfaces) without our
# address: cebgpd assigns 172.16.2.1/30, and again after it is removed;
# with the peering's IPv6 /126s, 2a10:ce00:2::1/126 beside it, once.
# A reload keeps all of it. SIGTERM: exit 0.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/interop/lib.sh"

[ "$(id -u)" -eq 0 ] || lab_skip "needs root (network namespaces)"
command -v ip >/dev/null 2>&1 || lab_skip "ip (iproute2) not installed"
require_programs cebgpd

CE=cebgpmif$$-ce
PE=cebgpmif$$-pe
DIR=$(mktemp -d "${TMPDIR:-/tmp}/cebgpmif$$.XXXXXX") || exit 1
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	ip netns del "$CE" 2>/dev/null
	ip netns del "$PE" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

ip netns add "$CE" || lab_skip "ip netns add does not work here"
ip netns add "$PE" || exit 1
ip -n "$CE" link set lo up
for i in eth0 eth1 eth1.555; do
	ip link add "$i" netns "$CE" type veth peer name "$i" netns "$PE" || exit 1
	ip -n "$CE" link set "$i" up
	ip -n "$PE" link set "$i" up
done
ip -n "$PE" addr add 172.16.2.2/30 dev eth1.555

# The lab's circuit (private peering only, no announce list, default hold
# and keepalive) in these namespaces; on_exit_dump shows the whole log.
lab_ce_config "$DIR/cebgpd.yaml" --circuit c1 --manage-interfaces true --control "$DIR/ctl.sock" \
	--hold none --keepalive none --peerings private --announce private= \
	--peering private="primary-subnet-v6: 2a10:ce00:1::/126" \
	--peering private="secondary-subnet-v6: 2a10:ce00:2::/126"
LAB_DUMP_LINES=1000
lab_ce_start "$DIR/cebgpd.yaml" --ns "$CE" --log "$DIR/cebgpd.log" -- -v
PID=$LAB_CE_PID

logged() { grep -q -- "$1" "$DIR/cebgpd.log"; }
has_addr() { ip -n "$CE" -4 addr show dev "$1" 2>/dev/null | grep -q "inet $2 "; }
has_addr6() { ip -n "$CE" -6 addr show dev "$1" 2>/dev/null | grep -q "inet6 $2 "; }

check "cebgpd starts" lab_wait_for 10 logged "cebgpd started"

# eth0.555: created, or the clear 8021q error (this kernel).
lab_wait_for 10 logged "manage-interfaces: c1/private/primary: \(created\|creating\)"
if ip -n "$CE" link show eth0.555 >/dev/null 2>&1; then
	check "eth0.555 created as VLAN 555 on eth0" \
		sh -c "ip -n '$CE' -d link show eth0.555 | grep -q 'vlan protocol 802.1Q id 555'"
	check "172.16.1.1/30 assigned to eth0.555" lab_wait_for 5 has_addr eth0.555 172.16.1.1/30
else
	check "log: eth0.555 cannot be created, naming the 8021q module" \
		logged "manage-interfaces: c1/private/primary: creating eth0.555: .*8021q.*retrying"
	check "logged once, not on every retry" \
		test "$(grep -c 'c1/private/primary: creating eth0.555: .*8021q.*; retrying' "$DIR/cebgpd.log")" -eq 1
	check "cebgpd retries (debug line)" lab_wait_for 10 logged \
		"c1/private/primary: still failing, retrying: creating eth0.555"
	sleep 1
	check "cebgpd keeps running without 802.1Q" kill -0 "$PID"
fi

# eth1.555 was there without its address.
check "172.16.2.1/30 assigned to eth1.555" lab_wait_for 10 has_addr eth1.555 172.16.2.1/30
check "log: the assignment" logged \
	"manage-interfaces: c1/private/secondary: assigned 172.16.2.1/30 to eth1.555"
check "eth1.555 not re-created" \
	sh -c "! grep -q 'created eth1.555' '$DIR/cebgpd.log'"
check "the provider's address is now connected through eth1.555" \
	sh -c "ip -n '$CE' -4 route get 172.16.2.2 | grep -q 'dev eth1.555 src 172.16.2.1'"

# The IPv6 session's /126 address on the same sub-interface, assigned once:
# a later pass sees it there (no second add, no error, no retry).
check "2a10:ce00:2::1/126 assigned to eth1.555 (the IPv6 session's)" \
	lab_wait_for 10 has_addr6 eth1.555 2a10:ce00:2::1/126
check "log: the IPv6 assignment" logged \
	"manage-interfaces: c1/private/secondary/ipv6: assigned 2a10:ce00:2::1/126 to eth1.555"
sleep 2
check "no error or retry for the IPv6 address" \
	sh -c "! grep -q 'c1/private/secondary/ipv6: .*retrying' '$DIR/cebgpd.log'"

# Someone removes our address: it comes back.
ip -n "$CE" addr del 172.16.2.1/30 dev eth1.555
check "address removed -> assigned again" lab_wait_for 10 has_addr eth1.555 172.16.2.1/30
check "log: assigned twice" \
	test "$(grep -c 'assigned 172.16.2.1/30 to eth1.555' "$DIR/cebgpd.log")" -eq 2

# Reload: the sync runs again; nothing to do for eth1.555, still running.
kill -HUP "$PID"
check "reload" lab_wait_for 10 logged "reloaded:"
sleep 1
check "cebgpd still running after reload" kill -0 "$PID"
check "eth1.555 keeps its single address" \
	test "$(ip -n "$CE" -4 addr show dev eth1.555 | grep -c 'inet ')" -eq 1
check "eth1.555 keeps its single global IPv6 address" \
	test "$(ip -n "$CE" -6 addr show dev eth1.555 scope global | grep -c 'inet6 ')" -eq 1
check "the IPv6 address was assigned once" \
	test "$(grep -c 'assigned 2a10:ce00:2::1/126 to eth1.555' "$DIR/cebgpd.log")" -eq 1

lab_ce_stop 10 "$PID"
rc=$?
PID=
check "SIGTERM: cebgpd exits 0" test "$rc" -eq 0
finish
