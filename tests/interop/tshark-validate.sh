#!/usr/bin/env bash
# Independent-decoder check of our BGP encoder: tests/tools/msg_samples
# encodes one of every message cebgp sends; each one is wrapped in its own
# TCP segment to port 179 (text2pcap) and dissected by Wireshark (tshark).
# For every sample: the frame must decode as BGP with the expected message
# type, with no "Malformed" and no expert warning or error, and every
# field the sample lists (<field>=<value>) must have that value in
# Wireshark's decode. A negative control (a hand-made malformed UPDATE)
# must be flagged, proving the check can fail. Samples marked '~' need
# RFC 8654 extended messages: skipped when this tshark rejects their length.
# Last line: "tshark-validate: N passed, M failed[, K skipped]". Exit 77
# (SKIP) only when tshark or text2pcap is missing.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/assert.sh
. "$top_srcdir/tests/assert.sh"
samples_bin=$top_builddir/tests/tools/msg_samples

command -v tshark >/dev/null 2>&1 || skip "tshark not installed (apt-get install tshark)"
command -v text2pcap >/dev/null 2>&1 || skip "text2pcap not installed (apt-get install tshark)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tshark-validate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! "$samples_bin" >"$tmp/samples"; then
	fail "$samples_bin failed"
	finish
fi
nsamples=$(wc -l <"$tmp/samples")
if [ "$nsamples" -lt 20 ]; then
	fail "only $nsamples samples"
	finish
fi

# One text2pcap packet per sample: offsets restart at 0 for each.
awk '{
	h = $3
	for (i = 0; i < length(h) / 2; i += 16) {
		line = sprintf("%06x", i)
		for (j = i; j < i + 16 && j < length(h) / 2; j++)
			line = line " " substr(h, 2 * j + 1, 2)
		print line
	}
}' "$tmp/samples" >"$tmp/hexdump"
if ! text2pcap -q -T 40000,179 -4 172.16.1.1,172.16.1.2 "$tmp/hexdump" "$tmp/samples.pcap" \
	2>"$tmp/text2pcap.err"; then
	fail "text2pcap: $(cat "$tmp/text2pcap.err")"
	finish
fi

ts()
{
	tshark -n -r "$tmp/samples.pcap" "$@" 2>>"$tmp/tshark.err"
}

# Per frame: BGP message types (one message per frame expected).
ts -T fields -E separator=/t -E occurrence=a -E aggregator=, \
	-e frame.number -e bgp.type >"$tmp/types"
# Frames with a malformed-packet exception or an expert error / warning.
ts -Y '_ws.malformed || _ws.expert.severity >= "Warning"' -T fields -E separator=/t \
	-E occurrence=a -E aggregator='|' -e frame.number -e _ws.expert.message >"$tmp/bad"

nframes=$(wc -l <"$tmp/types")
if [ "$nframes" -ne "$nsamples" ]; then
	fail "tshark read $nframes frames for $nsamples samples"
	cat "$tmp/tshark.err"
	finish
fi

# Every field any sample asserts, read for all frames in one pass.
fields=$(awk '{ for (i = 4; i <= NF; i++) { split($i, kv, "="); print kv[1] } }' \
	"$tmp/samples" | sort -u)
fargs=()
for f in $fields; do fargs+=(-e "$f"); done
if [ ${#fargs[@]} -gt 0 ]; then
	ts -T fields -E separator=/t -E occurrence=a -E aggregator=, -e frame.number \
		"${fargs[@]}" >"$tmp/fields"
fi
# field_value FRAME FIELD: that field's value in that frame.
field_value()
{
	local col=2 f
	for f in $fields; do
		if [ "$f" = "$2" ]; then
			awk -F'\t' -v n="$1" -v c=$col '$1 == n { print $c; exit }' "$tmp/fields"
			return
		fi
		col=$((col + 1))
	done
}

frame=0
while read -r type name _hex expect; do
	frame=$((frame + 1))
	got=$(awk -F'\t' -v n=$frame '$1 == n { print $2 }' "$tmp/types")
	problems=$(awk -F'\t' -v n=$frame '$1 == n { print $2 }' "$tmp/bad")
	bad=$(awk -F'\t' -v n=$frame '$1 == n { print "yes" }' "$tmp/bad")
	want=${type%[~!]}
	case "$type" in
	*!)
		# Negative control: must be flagged.
		if [ -n "$bad" ]; then
			pass "$name flagged by tshark ($problems)"
		else
			fail "$name: tshark did not flag a malformed message"
		fi
		continue
		;;
	*~)
		if [ -n "$bad" ] && [[ "$problems" == "Length is invalid"* ]] &&
			[[ "$problems" != *"|"* ]]; then
			skip_case "$name: this tshark has no RFC 8654 extended messages ($problems)"
			continue
		fi
		;;
	esac
	why=
	[ "$got" = "$want" ] || why="decoded as BGP type '${got:-none}', want $want"
	[ -z "$bad" ] || why="${why:+$why; }tshark reports: $problems"
	for kv in $expect; do
		f=${kv%%=*}
		v=${kv#*=}
		v=${v//%20/ }
		actual=$(field_value $frame "$f")
		[ "$actual" = "$v" ] || why="${why:+$why; }$f is '$actual', want '$v'"
	done
	if [ -z "$why" ]; then
		pass "$name"
	else
		fail "$name: $why"
		ts -Y "frame.number == $frame" -O bgp | sed -n '/^Border Gateway/,$p' | head -40
	fi
done <"$tmp/samples"
finish
