#!/bin/bash
# service.sh: the systemd unit passes `systemd-analyze verify` (with ExecStart
# pointing at the built cebgpd, in a temporary copy), has the settings a
# supervised daemon needs, and the tmpfiles.d/sysusers.d entries parse.
# shellcheck source=tests/assert.sh
. "$(dirname "$0")/../assert.sh"

command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed"
cebgpd=$CEBGPD
require_programs cebgpd

tmp=$(mktemp -d /tmp/cebgp-service.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unit="$tmp/cebgpd.service"
sed -e "s|@sbindir@|$(dirname "$cebgpd")|g" -e "s|@sysconfdir@|/etc|g" \
	"$top_srcdir/conf/cebgpd.service.in" >"$unit"

# Documentation= names man pages: let `man` find ours.
mkdir -p "$tmp/man/man5" "$tmp/man/man8"
cp "$top_srcdir"/man/*.8 "$tmp/man/man8/"
cp "$top_srcdir"/man/*.5 "$tmp/man/man5/"
man_opt=()
command -v man >/dev/null || man_opt=(--man=no)
if out=$(MANPATH="$tmp/man" systemd-analyze verify "${man_opt[@]}" "$unit" 2>&1) &&
	[ -z "$out" ]; then
	pass "systemd-analyze verify: clean"
else
	fail "systemd-analyze verify: $out"
fi

# A broken unit must fail the same check (the check can fail).
sed 's|^ExecStart=.*|ExecStart=/nonexistent/cebgpd -d|' "$unit" >"$tmp/broken.service"
if MANPATH="$tmp/man" systemd-analyze verify "${man_opt[@]}" "$tmp/broken.service" >/dev/null 2>&1; then
	fail "systemd-analyze verify accepts a unit with a missing ExecStart binary"
else
	pass "systemd-analyze verify refuses a missing ExecStart binary"
fi

want() {
	if grep -qx -- "$1" "$unit"; then pass "unit: $1"; else fail "unit lacks: $1"; fi
}
want "Type=notify"
want "ExecStartPre=$cebgpd --check -f /etc/cebgp/cebgpd.yaml"
want "ExecReload=/bin/kill -HUP \$MAINPID"
want "User=cebgp"
want "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_ADMIN"
want "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_ADMIN"
want "ProtectSystem=strict"
want "ProtectHome=yes"
want "PrivateTmp=yes"
want "NoNewPrivileges=yes"
want "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK"
want "SystemCallFilter=@system-service"
want "RuntimeDirectory=cebgp"
grep -q '^WatchdogSec=[1-9]' "$unit" && pass "unit: WatchdogSec set" || fail "unit: no WatchdogSec"

# ExecStart must keep cebgpd in the foreground (Type=notify tracks MAINPID).
grep -q '^ExecStart=.*cebgpd -d ' "$unit" && pass "unit: ExecStart runs in the foreground" ||
	fail "unit: ExecStart detaches"

# The hardening score systemd itself computes (informational, not asserted).
systemd-analyze security --offline=yes "$unit" 2>/dev/null | tail -1 || true

# tmpfiles.d / sysusers.d syntax: systemd's own parsers, in a scratch root.
if command -v systemd-tmpfiles >/dev/null; then
	mkdir -p "$tmp/root/run" "$tmp/root/etc"
	printf 'root:x:0:0::/root:/bin/sh\ncebgp:x:990:990::/:/usr/sbin/nologin\n' >"$tmp/root/etc/passwd"
	printf 'root:x:0:\ncebgp:x:990:\n' >"$tmp/root/etc/group"
	if systemd-tmpfiles --root="$tmp/root" --create "$top_srcdir/conf/cebgp.tmpfiles" 2>"$tmp/err" &&
		[ -d "$tmp/root/run/cebgp" ] && [ "$(stat -c %a "$tmp/root/run/cebgp")" = 750 ]; then
		pass "tmpfiles.d: creates /run/cebgp 0750"
	else
		fail "tmpfiles.d: $(cat "$tmp/err")"
	fi
fi
if command -v systemd-sysusers >/dev/null; then
	mkdir -p "$tmp/sroot/etc"
	if systemd-sysusers --root="$tmp/sroot" "$top_srcdir/conf/cebgp.sysusers" 2>"$tmp/err" &&
		grep -q '^cebgp:' "$tmp/sroot/etc/passwd"; then
		pass "sysusers.d: creates user cebgp"
	else
		fail "sysusers.d: $(cat "$tmp/err")"
	fi
fi
finish
