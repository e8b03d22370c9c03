#!/bin/bash
# man.sh: the three man pages are mandoc-lint clean (warnings and above;
# style notes about pages not installed on this host are not ours), and the
# config page documents every key the parser knows.
. "$(dirname "$0")/common.sh"

command -v mandoc >/dev/null || skip "mandoc not installed"
for page in cebgpd.8 cebgpd.yaml.5 cebgpctl.8; do
	if out=$(mandoc -T lint -W warning "$top_srcdir/man/$page" 2>&1); then
		ok "mandoc -T lint: $page"
	else
		not_ok "mandoc -T lint: $page: $out"
	fi
done

# Every key of lib/config_yaml.c's key tables appears as an Ic macro argument.
keys=$(sed -n '/key tables/,/^static const struct level_def/p' "$top_srcdir/lib/config_yaml.c" |
	grep -o '"[a-z][a-z0-9-]*"' | tr -d '"' | sort -u)
[ -n "$keys" ] || not_ok "no keys found in lib/config_yaml.c"
missing=
for k in $keys; do
	grep -Eq "(^\.It|^\.Ic| Ic) ([a-z-]+ , )*$k( |,|$)" "$top_srcdir/man/cebgpd.yaml.5" ||
		missing="$missing $k"
done
if [ -z "$missing" ]; then
	ok "cebgpd.yaml.5 documents all $(echo "$keys" | wc -w) keys"
else
	not_ok "cebgpd.yaml.5 misses:$missing"
fi

# A broken page must fail the lint (the check can fail).
tmp=$(mktemp /tmp/cebgp-man.XXXXXX)
trap 'rm -f "$tmp"' EXIT
printf '.Dd November 25, 2026\n.Dt X 8\n.Os\n.Sh NAME\n.Bl -tag\n' >"$tmp"
if mandoc -T lint -W warning "$tmp" >/dev/null 2>&1; then
	not_ok "mandoc lint accepts a broken page"
else
	ok "mandoc lint refuses a broken page"
fi

# Every cebgpctl command of lib/ctl_cmd.c (when the control module is in).
if [ -f "$top_srcdir/lib/ctl_cmd.c" ]; then
	missing=
	while IFS= read -r syn; do
		first=$(echo "$syn" | awk '{print $1" "$2}')
		grep -q "Ic $(echo "$syn" | awk '{print $1}')" "$top_srcdir/man/cebgpctl.8" ||
			missing="$missing [$first]"
	done < <(grep -o '"[a-z][a-z ]*[A-Z|\[\]a-z ]*",' "$top_srcdir/lib/ctl_cmd.c" |
		grep ' ' | tr -d '",')
	[ -z "$missing" ] && ok "cebgpctl.8 has every command" || not_ok "cebgpctl.8 misses:$missing"
fi
finish
