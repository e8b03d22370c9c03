#!/bin/bash
# install.sh: `make install DESTDIR=...` puts every file where expected
# (programs, man pages, examples, systemd unit with this build's paths,
# tmpfiles.d and sysusers.d entries), and `make uninstall` removes them all.
# shellcheck source=tests/ship/common.sh
. "$(dirname "$0")/common.sh"

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
	ok "make install DESTDIR=..."
else
	not_ok "make install: $(tail -20 "$tmp/make.log")"
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
[ -n "$sbindir" ] && ok "install dirs: sbin $sbindir, units $unitdir" || not_ok "cannot read install dirs"

have() {
	if [ -f "$dest$1" ]; then ok "installed $1"; else not_ok "missing $1"; fi
}
have "$sbindir/cebgpd"
[ -x "$dest$sbindir/cebgpd" ] && ok "cebgpd executable" || not_ok "cebgpd not executable"
have "$bindir/cebgpctl"
[ -x "$dest$bindir/cebgpctl" ] && ok "cebgpctl executable" || not_ok "cebgpctl not executable"
have "$mandir/man8/cebgpd.8"
have "$mandir/man5/cebgpd.yaml.5"
have "$mandir/man8/cebgpctl.8"
have "$docdir/examples/cebgpd.yaml"
have "$docdir/examples/cebgpd-two-router-primary.yaml"
have "$docdir/examples/cebgpd-two-router-secondary.yaml"
if [ "$unitdir" != no ]; then
	have "$unitdir/cebgpd.service"
	grep -qx "ExecStart=$sbindir/cebgpd -d -f $sysconfdir/cebgp/cebgpd.yaml" "$dest$unitdir/cebgpd.service" &&
		ok "unit ExecStart has this build's paths" || not_ok "unit ExecStart: $(grep ^ExecStart= "$dest$unitdir/cebgpd.service")"
	! grep -q '@[a-z]*@' "$dest$unitdir/cebgpd.service" && ok "unit fully substituted" ||
		not_ok "unit has @...@ left"
fi
[ "$tmpfilesdir" != no ] && have "$tmpfilesdir/cebgp.conf"
[ "$sysusersdir" != no ] && have "$sysusersdir/cebgp.conf"
cmp -s "$dest$docdir/examples/cebgpd.yaml" "$top_srcdir/conf/cebgpd.yaml" &&
	ok "example config installed as shipped" || not_ok "example config differs"
# Everything under DESTDIR, nothing outside $prefix (distcheck relies on it).
outside=$(cd "$dest" && find . -type f | sed 's|^\.||' | grep -v "^$prefix/" || true)
[ -z "$outside" ] && ok "every file under $prefix" || not_ok "outside $prefix: $outside"

if run_make uninstall DESTDIR="$dest"; then
	ok "make uninstall"
else
	not_ok "make uninstall: $(tail -20 "$tmp/make.log")"
fi
left=$(find "$dest" -type f)
[ -z "$left" ] && ok "uninstall leaves no file" || not_ok "left after uninstall: $left"
finish
