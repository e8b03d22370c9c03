#!/bin/sh
# Print cebgp's version for AC_INIT (autoreconf time, so the build's time).
#
# From git: a tag vX.Y.Z gives X.Y.Z on the tagged commit and X.Y.Z+N.gHASH
# N commits later. Before the first tag: BASE~gitN.gHASH (N commits in all),
# a pre-release of BASE, so dpkg orders it below the release. ".dirty" marks
# uncommitted changes. Outside git (a dist tarball): .tarball-version,
# written by `make dist`.
BASE=0.1.0
top=$(dirname "$0")

if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	dirty=
	git -C "$top" diff-index --quiet HEAD -- 2>/dev/null || dirty=.dirty
	if d=$(git -C "$top" describe --tags --match 'v[0-9]*' 2>/dev/null); then
		d=${d#v}
		case $d in
		*-*-g*) n=${d%-g*} n=${n##*-} v="${d%-*-g*}+$n.g${d##*-g}" ;;
		*) v=$d ;;
		esac
	else
		n=$(git -C "$top" rev-list --count HEAD)
		h=$(git -C "$top" rev-parse --short=7 HEAD)
		v="$BASE~git$n.g$h"
	fi
	printf '%s%s' "$v" "$dirty"
elif [ -s "$top/.tarball-version" ]; then
	tr -d '\n' <"$top/.tarball-version"
else
	printf '%s' "$BASE"
fi
