#!/bin/bash
# install.sh: `make install DESTDIR=...` puts every file where expected
# (programs, man pages, examples, systemd unit with this build's paths,
# tmpfiles.d and sysusers.d entries), and `make uninstall` removes them all.
# shellcheck source=tests/assert.sh
. "$(dirname "$0")/../assert.sh"

mk="$top_builddir/Makefile"
[ -f "$mk" ] || skip "no Makefile in $top_builddir"
var() { sed -n "s|^$1 = ||p" "$mk" | head -1; }
prefix=$(var prefix)
[ -n "$prefix" ] || skip "cannot read prefix from $mk"

tmp=$(mktemp -d /tmp/cebgp-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"
run_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" "$@" >"$tmp/make.log" 2>&1; }

if run_make install DESTDIR="$dest"; then
	pass "make install DESTDIR=..."
else
	fail "make install: $(tail -20 "$tmp/make.log")"
	finish
fi
# What configure chose: print the make variables through make itself.
dirs=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" -f Makefile -f - \
	print-ship-dirs <<'EOM'
print-ship-dirs:
	@echo "$(sbindir)|$(bindir)|$(mandir)|$(docdir)|$(systemdsystemunitdir)|$(tmpfilesdir)|$(sysusersdir)|$(sysconfdir)"
EOM
)
IFS='|' read -r sbindir bindir mandir docdir unitdir tmpfilesdir sysusersdir sysconfdir <<<"$dirs"
[ -n "$sbindir" ] && pass "install dirs: sbin $sbindir, units $unitdir" || fail "cannot read install dirs"

have() {
	if [ -f "$dest$1" ]; then pass "installed $1"; else fail "missing $1"; fi
}
have "$sbindir/cebgpd"
[ -x "$dest$sbindir/cebgpd" ] && pass "cebgpd executable" || fail "cebgpd not executable"
have "$bindir/cebgpctl"
[ -x "$dest$bindir/cebgpctl" ] && pass "cebgpctl executable" || fail "cebgpctl not executable"
have "$mandir/man8/cebgpd.8"
have "$mandir/man5/cebgpd.yaml.5"
have "$mandir/man8/cebgpctl.8"
have "$docdir/examples/cebgpd.yaml"
have "$docdir/examples/cebgpd-two-router-primary.yaml"
have "$docdir/examples/cebgpd-two-router-secondary.yaml"
have "$docdir/examples/cebgpd-expressroute.yaml"
if [ "$unitdir" != no ]; then
	have "$unitdir/cebgpd.service"
	grep -qx "ExecStart=$sbindir/cebgpd -d -f $sysconfdir/cebgp/cebgpd.yaml" "$dest$unitdir/cebgpd.service" &&
		pass "unit ExecStart has this build's paths" || fail "unit ExecStart: $(grep ^ExecStart= "$dest$unitdir/cebgpd.service")"
	! grep -q '@[a-z]*@' "$dest$unitdir/cebgpd.service" && pass "unit fully substituted" ||
		fail "unit has @...@ left"
fi
[ "$tmpfilesdir" != no ] && have "$tmpfilesdir/cebgp.conf"
[ "$sysusersdir" != no ] && have "$sysusersdir/cebgp.conf"
cmp -s "$dest$docdir/examples/cebgpd.yaml" "$top_srcdir/conf/cebgpd.yaml" &&
	pass "example config installed as shipped" || fail "example config differs"
# Everything under DESTDIR, nothing outside $prefix (distcheck relies on it).
outside=$(cd "$dest" && find . -type f | sed 's|^\.||' | grep -v "^$prefix/" || true)
[ -z "$outside" ] && pass "every file under $prefix" || fail "outside $prefix: $outside"

if run_make uninstall DESTDIR="$dest"; then
	pass "make uninstall"
else
	fail "make uninstall: $(tail -20 "$tmp/make.log")"
fi
left=$(find "$dest" -type f)
[ -z "$left" ] && pass "uninstall leaves no file" || fail "left after uninstall: $left"
finish
