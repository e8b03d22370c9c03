#!/bin/bash
# daemon.sh: a running cebgpd, in a network namespace this test creates
# (loopback only; its sessions' interfaces do not exist, so they stay down):
#   - systemd notification: READY=1, STATUS=0/4 sessions established,
#     WATCHDOG=1 pings at half WATCHDOG_USEC, STOPPING=1 on SIGTERM;
#   - metrics: a scrape in both formats passes metrics-validate.py and has
#     every family of the --require list below; the validator refuses
#     broken texts;
#   - privilege drop: as root with -u nobody, the process runs as nobody
#     with only CAP_NET_BIND_SERVICE and CAP_NET_ADMIN and still listens
#     on port 179 and serves metrics.
# lib.sh (for lab_ce_start) brings tests/assert.sh along.
# shellcheck source=tests/interop/lib.sh
. "$(dirname "$0")/../interop/lib.sh"

cebgpd=$CEBGPD
here="$top_srcdir/tests/ship"
[ "$(id -u)" = 0 ] || skip "needs root (network namespace)"
command -v ip >/dev/null || skip "no ip(8)"
command -v python3 >/dev/null || skip "no python3"
# What the machine lacks is a SKIP; a cebgpd this build lacks is a FAIL.
require_programs cebgpd

ns="cebgp-ship$$"
tmp=$(mktemp -d /tmp/cebgp-ship.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" || skip "cannot create a network namespace"
ip -n "$ns" link set lo up

# Validator negative controls: each broken text must be refused.
bad() {
	if printf '%b' "$2" | python3 "$here/metrics-validate.py" $3 - >/dev/null; then
		fail "validator accepts $1"
	else
		pass "validator refuses $1"
	fi
}
bad "a sample without TYPE" 'x 1\n'
bad "two TYPE lines" '# TYPE x gauge\nx 1\n# TYPE x gauge\n'
bad "a bad escape" '# TYPE x gauge\nx{a="\\q"} 1\n'
bad "a bad metric name" '# TYPE 1x gauge\n1x 1\n'
bad "split family" '# TYPE x gauge\nx{a="1"} 1\n# TYPE y gauge\ny 1\nx{a="2"} 1\n'
bad "a counter sample without _total" '# TYPE x_total counter\nx 1\n'
bad "a missing # EOF" '# TYPE x gauge\nx 1\n' --openmetrics
bad "a non-number value" '# TYPE x gauge\nx one\n'
bad "a duplicate sample" '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n'

mport=9179
conf="$tmp/cebgpd.yaml"
# The guide's example, with an announce list the outbound policy must trim:
# a /30 on private (min-length), RFC 1918 and documentation space on
# public (rfc1918-public, bogon).
sed -e 's/^asn: 65520/asn: 65010/' \
	-e 's|^          - 10.20.0.0/16|&\n          - 192.168.7.4/30|' \
	-e 's|^          - 216.221.239.232/29|&\n          - 10.50.0.0/16\n          - 192.0.2.0/24|' \
	"$top_srcdir/conf/cebgpd.yaml" >"$conf"
cat >>"$conf" <<EOC
metrics: { listen: 127.0.0.1:$mport }
control: { socket: $tmp/run/cebgpd.sock, readonly-socket: $tmp/run/cebgpd.ro.sock }
EOC
chmod 644 "$conf"

# wait_for SECONDS COMMAND...: poll every 0.1 s.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

notify_out="$tmp/notify.out"
python3 "$here/notify-listen.py" "$tmp/notify.sock" "$notify_out" &
pids+=("$!")
wait_for 10 grep -q LISTENING "$notify_out" 2>/dev/null || fail "notify listener did not start"

# ---- run 1: root, foreground (no drop), under a fake systemd -----------
owner=root # of the control socket directory cebgpd makes
getent passwd cebgp >/dev/null && owner=cebgp
lab_ce_start "$conf" --ns "$ns" --log "$tmp/run1.log" --env NOTIFY_SOCKET="$tmp/notify.sock" \
	--env WATCHDOG_USEC=400000
pid=$LAB_CE_PID
pids+=("$pid")
check "READY=1 sent" wait_for 10 grep -qx "READY=1" "$notify_out"
# By hand (-d, root, no tmpfiles.d): the missing socket directory is made,
# 0750 and given to the service user (root's when there is no such user).
check "missing control socket directory created: 0750 $owner" \
	eval "[ \"\$(stat -c '%a %U' '$tmp/run')\" = '750 $owner' ]"
check "control sockets there" test -S "$tmp/run/cebgpd.sock" -a -S "$tmp/run/cebgpd.ro.sock"
check "STATUS=0/4 sessions established" wait_for 10 grep -qx "STATUS=0/4 sessions established" "$notify_out"
# WATCHDOG_USEC 0.4 s: a ping every 0.2 s, so several within 1.5 s.
sleep 1.5
n=$(grep -cx "WATCHDOG=1" "$notify_out")
if [ "$n" -ge 4 ]; then pass "watchdog pings: $n in 1.5 s"; else fail "watchdog pings: only $n"; fi

scrape() { ip netns exec "$ns" python3 "$here/scrape.py" "http://127.0.0.1:$mport$1" "${@:2}"; }
if scrape /metrics >"$tmp/prom.txt" 2>"$tmp/prom.ct"; then
	pass "scrape /metrics (Prometheus)"
else
	fail "scrape /metrics: $(cat "$tmp/prom.ct")"
fi
grep -q '^text/plain; version=0.0.4' "$tmp/prom.ct" && pass "Prometheus content type" ||
	fail "content type: $(cat "$tmp/prom.ct")"
req=()
for f in cebgp_session_state cebgp_session_established cebgp_session_uptime_seconds \
	cebgp_session_flaps_total cebgp_session_messages_received_total \
	cebgp_session_messages_sent_total cebgp_session_prefixes_received \
	cebgp_session_prefixes_accepted cebgp_session_prefixes_advertised \
	cebgp_peering_cap_usage_ratio cebgp_policy_dropped_prefixes cebgp_fib_routes \
	cebgp_fib_nexthop_groups cebgp_fib_shadow_bytes \
	cebgp_policy_announced_prefixes cebgp_policy_advertised_prefixes \
	cebgp_policy_outbound_dropped_prefixes cebgp_policy_overcoverage \
	cebgp_policy_left_out_prefixes; do
	req+=(--require "$f")
done
if out=$(python3 "$here/metrics-validate.py" "${req[@]}" "$tmp/prom.txt"); then
	pass "Prometheus exposition valid: ${out##*$'\n'}"
else
	fail "Prometheus exposition: $out"
fi
c=$(grep -c '^cebgp_session_established{.*} 0$' "$tmp/prom.txt")
[ "$c" = 4 ] && pass "four sessions, none established" || fail "session_established lines: $c"
grep -q '^cebgp_peering_prefix_cap{circuit="1GbpsCircuit",peering="public"} 4000$' "$tmp/prom.txt" &&
	pass "public cap 4000" || fail "no public cap line"
# The live outbound policy results, per peering.
has() { grep -qxF "$1" "$tmp/prom.txt"; }
pl() { echo "$1{circuit=\"1GbpsCircuit\",peering=\"$2\",$3} $4"; }
for want in \
	"$(pl cebgp_policy_announced_prefixes private 'family="ipv4"' 3)" \
	"$(pl cebgp_policy_advertised_prefixes private 'family="ipv4"' 2)" \
	"$(pl cebgp_policy_advertised_prefixes private 'family="ipv6"' 0)" \
	"$(pl cebgp_policy_announced_prefixes public 'family="ipv4"' 3)" \
	"$(pl cebgp_policy_advertised_prefixes public 'family="ipv4"' 1)" \
	"$(pl cebgp_policy_outbound_dropped_prefixes private 'reason="min-length"' 1)" \
	"$(pl cebgp_policy_outbound_dropped_prefixes private 'reason="rfc1918-public"' 0)" \
	"$(pl cebgp_policy_outbound_dropped_prefixes public 'reason="rfc1918-public"' 1)" \
	"$(pl cebgp_policy_outbound_dropped_prefixes public 'reason="bogon"' 1)" \
	"$(pl cebgp_policy_outbound_dropped_prefixes public 'reason="min-length"' 0)" \
	"$(pl cebgp_policy_outbound_dropped_prefixes public 'reason="cap-truncate"' 0)" \
	'cebgp_policy_dropped_prefixes{direction="out",reason="min-length"} 1' \
	'cebgp_policy_dropped_prefixes{direction="out",reason="rfc1918-public"} 1' \
	'cebgp_policy_dropped_prefixes{direction="out",reason="bogon"} 1' \
	'cebgp_policy_dropped_prefixes{direction="out",reason="default-route"} 0' \
	'cebgp_policy_dropped_prefixes{direction="in",reason="bogon"} 0' \
	'cebgp_policy_dropped_prefixes{direction="in",reason="link-subnet"} 0' \
	'cebgp_policy_dropped_prefixes{direction="in",reason="malformed"} 0'; do
	has "$want" && pass "metric: $want" || fail "metric missing: $want"
done
# Per peering: the advertised prefixes and the drops add up to no more than announced.
c=$(grep -c '^cebgp_policy_outbound_dropped_prefixes{circuit="1GbpsCircuit",peering="public",' "$tmp/prom.txt")
[ "$c" = 7 ] && pass "public: every drop reason has a sample" || fail "public drop samples: $c"

if scrape /metrics --openmetrics >"$tmp/om.txt" 2>"$tmp/om.ct"; then
	pass "scrape /metrics (OpenMetrics)"
else
	fail "scrape OpenMetrics: $(cat "$tmp/om.ct")"
fi
grep -q '^application/openmetrics-text; version=1.0.0' "$tmp/om.ct" && pass "OpenMetrics content type" ||
	fail "content type: $(cat "$tmp/om.ct")"
om_req=()
for f in "${req[@]}"; do om_req+=("${f%_total}"); done
if out=$(python3 "$here/metrics-validate.py" --openmetrics "${om_req[@]}" "$tmp/om.txt"); then
	pass "OpenMetrics exposition valid: ${out##*$'\n'}"
else
	fail "OpenMetrics exposition: $out"
fi
if scrape /nonexistent >/dev/null 2>&1; then fail "/nonexistent answered 200"; else pass "/nonexistent is 404"; fi

kill -HUP "$pid"
sleep 0.5
kill -0 "$pid" 2>/dev/null && pass "alive after SIGHUP" || fail "died on SIGHUP"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ $rc = 0 ] && pass "exit 0 on SIGTERM" || { fail "exit $rc on SIGTERM"; tail -20 "$tmp/run1.log"; }
check "STOPPING=1 sent" wait_for 5 grep -qx "STOPPING=1" "$notify_out"

# ---- run 2: root, -u nobody: privilege drop -----------------------------
if getent passwd nobody >/dev/null; then
	nobody_uid=$(id -u nobody)
	# LeakSanitizer cannot stop the world of a non-dumpable (setuid) process.
	lab_ce_start "$conf" --ns "$ns" --log "$tmp/run2.log" --env ASAN_OPTIONS=detect_leaks=0 \
		-- -u nobody
	pid=$LAB_CE_PID
	pids+=("$pid")
	if wait_for 10 scrape /metrics >/dev/null 2>&1; then
		pass "metrics served after the drop"
	else
		fail "no metrics after the drop: $(tail -5 "$tmp/run2.log")"
	fi
	uid=$(awk '/^Uid:/ {print $2 "," $3 "," $4}' "/proc/$pid/status")
	[ "$uid" = "$nobody_uid,$nobody_uid,$nobody_uid" ] && pass "runs as nobody" || fail "uid $uid"
	for set in CapEff CapPrm CapAmb CapBnd; do
		v=$(awk -v s="$set:" '$1 == s {print $2}' "/proc/$pid/status")
		# CAP_NET_BIND_SERVICE (10) | CAP_NET_ADMIN (12)
		[ "$v" = 0000000000001400 ] && pass "$set = NET_BIND_SERVICE|NET_ADMIN" || fail "$set = $v"
	done
	if ip netns exec "$ns" ss -Htln 'sport = :179' | grep -q LISTEN; then
		pass "listening on port 179 without root"
	else
		fail "not listening on 179: $(tail -5 "$tmp/run2.log")"
	fi
	[ "$(stat -c %u "$tmp/run")" = "$nobody_uid" ] && pass "control socket directory given to nobody" ||
		fail "run dir owner $(stat -c %u "$tmp/run")"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ $rc = 0 ] && pass "dropped daemon exits 0 on SIGTERM" || fail "dropped daemon exit $rc"
fi

# ---- no control socket possible: a clear error, exit 1, nothing else ----
: >"$tmp/not-a-dir"
sed "s|^control: .*|control: { socket: $tmp/not-a-dir/run/cebgpd.sock, readonly-socket: $tmp/ro.sock }|" \
	"$conf" >"$tmp/nosock.yaml"
rc=0
ip netns exec "$ns" timeout 20 "$cebgpd" -d -f "$tmp/nosock.yaml" >"$tmp/run4.log" 2>&1 || rc=$?
check "no control socket: exit 1" test $rc = 1
check "no control socket: the reason, once" \
	eval "[ \$(grep -c 'control socket directory: $tmp/not-a-dir/run: Not a directory' '$tmp/run4.log') = 1 ]"
check "no control socket: stopped before any session" eval "! grep -q 'cebgpd started' '$tmp/run4.log'"
# The directory exists but the socket cannot be bound there (a live one).
lab_ce_start "$conf" --ns "$ns" --log "$tmp/run5.log"
pid=$LAB_CE_PID
pids+=("$pid")
wait_for 10 test -S "$tmp/run/cebgpd.sock"
sed "s|^control: .*|control: { socket: $tmp/run/cebgpd.sock, readonly-socket: $tmp/ro2.sock }|" \
	"$conf" >"$tmp/busy.yaml"
rc=0
ip netns exec "$ns" timeout 20 "$cebgpd" -d -f "$tmp/busy.yaml" >"$tmp/run6.log" 2>&1 || rc=$?
check "control socket in use by another cebgpd: exit 1" test $rc = 1
check "... saying so" grep -q "control socket: $tmp/run/cebgpd.sock: Address already in use: cebgpd needs its control socket" "$tmp/run6.log"
check "... and the first one still answers" test -S "$tmp/run/cebgpd.sock"
kill -TERM "$pid"
wait "$pid" 2>/dev/null

# ---- a missing user: a clear error, non-zero exit -----------------------
rc=0
ip netns exec "$ns" "$cebgpd" -d -u no-such-user-cebgp -f "$conf" >"$tmp/run3.log" 2>&1 || rc=$?
if [ $rc != 0 ] && grep -q "user no-such-user-cebgp does not exist" "$tmp/run3.log"; then
	pass "missing user: clear error, exit $rc"
else
	fail "missing user: exit $rc: $(cat "$tmp/run3.log")"
fi
finish
