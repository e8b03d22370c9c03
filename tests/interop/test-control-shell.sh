#!/usr/bin/env bash
# test-control-shell: cebgpctl's interactive shell under a pseudo-terminal
# (tests/interop/ctl-pty.py), without a daemon: `?` lists what may come
# next with help, TAB completes a unique word and lists several, an
# abbreviated line with a typo gets a caret under the wrong word, history
# recalls the last line, `exit` leaves. One-shot mode: exit statuses and
# the caret on stderr. Needs python3 only (no root).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/assert.sh
. "$top_srcdir/tests/assert.sh"
CTL=$CEBGPCTL
PTY="python3 $top_srcdir/tests/interop/ctl-pty.py"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
require_programs cebgpctl

TMP=$(mktemp -d /tmp/test-control-shell.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP # history file
SOCK=$TMP/none.sock
HOST=$(hostname)

shell() { $PTY "$@" -- "$CTL" -s "$SOCK"; }

check "prompt is the host name; ? at the start lists the first words" \
	shell "e:${HOST}> " 's:?' 'e:reload +Re-read' 'e:show +Show running state' \
	's:exit\r'
check "? after words lists what may follow, with help" \
	shell 's:show bgp ?' 'e:neighbors +Session details' 'e:routes +Routes' \
	'e:summary +One line per session' 's:\x15exit\r'
check "? at an optional argument lists keywords, arguments and <cr>" \
	shell 's:show bgp routes ?' 'e:advertised' 'e:PEERING +Peering' \
	'e:PREFIX +Prefix' 'e:<cr> +Run the command' 's:\x15exit\r'
# "b" alone is bfd or bgp: TAB lists both (the parser takes "b" for bgp,
# the older command); "bg" is unique.
check "TAB completes unique words: sh<TAB> bg<TAB> su<TAB>" \
	shell 's:sh\t' 's:bg\t' 's:su\t' 's:\r' 'e:cannot connect to' 's:\x10' \
	'e:show bgp summary' 's:\x15exit\r'
check "TAB on several candidates lists them" \
	shell 's:show bgp \t' 'e:neighbors  routes  summary' 's:\x15exit\r'
check "abbreviations are accepted (sh b n -> the daemon is asked)" \
	shell 's:sh b n\r' 'e:cannot connect to' 's:exit\r'
check "a typo gets a caret under the wrong word" \
	shell 's:sh bgp sumary\r' 'e:\^\^\^\^\^\^' 'e:% unexpected "sumary": expected summary' \
	's:exit\r'
check "history survives the session (^P recalls the last line)" \
	shell 's:\x10\r' 'e:sh bgp sumary' 'e:% unexpected "sumary"' 's:exit\r'
check "an ambiguous abbreviation names the candidates" \
	shell 's:n 10.0.0.1 shutdown\r' 'e:ambiguous "n": could be (neighbor, no|no, neighbor)' \
	's:exit\r'
check "help lists every command" \
	shell 's:help\r' 'e:show bgp routes \[received\|advertised\|best\] \[PEERING\] \[PREFIX\]' \
	'e:log level LEVEL' 's:exit\r'

# One-shot mode.
out=$("$CTL" -s "$SOCK" show bgp sumary 2>&1)
rc=$?
check "one-shot: a bad command exits 2" [ "$rc" -eq 2 ]
check "one-shot: the caret points at the word" \
	grep -qx '         ^^^^^^' <<<"$out"
"$CTL" -s "$SOCK" show bgp summary >/dev/null 2>&1
check "one-shot: no daemon exits 3" [ "$?" -eq 3 ]
"$CTL" --help | grep -q "explain PREFIX"
check "--help lists the commands" [ "$?" -eq 0 ]

finish
