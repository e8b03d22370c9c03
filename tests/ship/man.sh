#!/bin/bash
# man.sh: the three man pages are mandoc-lint clean (warnings and above;
# style notes about pages not installed on this host are not ours), and the
# config page documents every key the parser knows.
# shellcheck source=tests/assert.sh
. "$(dirname "$0")/../assert.sh"

command -v mandoc >/dev/null || skip "mandoc not installed"
for page in cebgpd.8 cebgpd.yaml.5 cebgpctl.8; do
	if out=$(mandoc -T lint -W warning "$top_srcdir/man/$page" 2>&1); then
		pass "mandoc -T lint: $page"
	else
		fail "mandoc -T lint: $page: $out"
	fi
done

# Every key of lib/config_yaml.c's key tables appears as an Ic macro argument.
keys=$(sed -n '/key tables/,/^static const struct level_def/p' "$top_srcdir/lib/config_yaml.c" |
	grep -o '"[a-z][a-z0-9-]*"' | tr -d '"' | sort -u)
[ -n "$keys" ] || fail "no keys found in lib/config_yaml.c"
missing=
for k in $keys; do
	grep -Eq "(^\.It|^\.Ic| Ic) ([a-z-]+ , )*$k( |,|$)" "$top_srcdir/man/cebgpd.yaml.5" ||
		missing="$missing $k"
done
if [ -z "$missing" ]; then
	pass "cebgpd.yaml.5 documents all $(echo "$keys" | wc -w) keys"
else
	fail "cebgpd.yaml.5 misses:$missing"
fi

# A broken page must fail the lint (the check can fail).
tmp=$(mktemp /tmp/cebgp-man.XXXXXX)
trap 'rm -f "$tmp"' EXIT
printf '.Dd November 25, 2026\n.Dt X 8\n.Os\n.Sh NAME\n.Bl -tag\n' >"$tmp"
if mandoc -T lint -W warning "$tmp" >/dev/null 2>&1; then
	fail "mandoc lint accepts a broken page"
else
	pass "mandoc lint refuses a broken page"
fi

# Every cebgpctl command of lib/ctl_cmd.c's table (when the control module
# is in) has an ".It Ic <its leading keywords>" entry in cebgpctl.8.
if [ -f "$top_srcdir/lib/ctl_cmd.c" ]; then
	out=$(python3 - "$top_srcdir/lib/ctl_cmd.c" "$top_srcdir/man/cebgpctl.8" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
man = open(sys.argv[2]).read().splitlines()
syntaxes = re.findall(r'\{\s*CTL_[A-Z_]+\s*,\s*"[^"]*"\s*,\s*"([^"]+)"', src)
if not syntaxes:
    print("no commands found in ctl_cmd.c")
    sys.exit(1)
missing = []
for syn in syntaxes:
    words = []
    for w in syn.split():
        if not re.fullmatch(r"[a-z]+", w):
            break
        words.append(w)
    lead = ".It Ic " + " ".join(words)
    if not any(l == lead or l.startswith(lead + " ") for l in man):
        missing.append(syn)
print(f"{len(syntaxes)} commands" + ("; missing: " + ", ".join(missing) if missing else ""))
sys.exit(1 if missing else 0)
PY
	) && pass "cebgpctl.8 documents every command: $out" || fail "cebgpctl.8: $out"
fi
finish
