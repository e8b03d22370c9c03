#!/usr/bin/env bash
# Capture real BGP messages from BIRD 2 as wire fixtures for the codec's
# unit tests (tests/unit/test_fixtures.c). Not run by make check: run it by
# hand (as root) to remake tests/unit/fixtures/bird/, then review the diff
# and adjust test_fixtures.c if BIRD's output changed.
#
#     sudo tests/interop/capture-bird-fixtures.sh [OUTDIR]
#
# Two BIRDs in the lab's namespaces: "ce" plays the customer (AS 65520),
# "msee1" the provider (AS 12076). Two MD5-authenticated sessions over the
# primary private-peering link: IPv4 (172.16.1.1 - .2) and IPv6
# (2001:db8:555:1::1 - ::2). Capabilities on: multiprotocol, 4-octet AS,
# route refresh (BIRD adds enhanced route refresh), graceful restart, extended
# messages; the provider also sends long-lived graceful restart and hostname
# (capabilities our decoder must skip). dumpcap records the link; the
# script then rebuilds each TCP direction and splits it on the BGP header
# into one hex file per distinct message:
#
#     OUTDIR/NN-<type>-<detail>-<sender>.hex     (one line of hex)
#
# NN follows the scenario (phases below), then session (IPv4 first), then
# sender (ce first), then order on the wire; identical messages are kept
# once, and only the first KEEPALIVE. OUTDIR/README lists every file.
#
# Phases: (1) sessions come up: OPENs, KEEPALIVEs, initial UPDATEs, End-of-
# RIB; (2) the provider adds routes (birdc enable) and (3) withdraws them
# (birdc disable); (4) the CE asks for a route refresh (birdc reload in),
# the provider answers with enhanced route refresh BoRR/routes/EoRR;
# (5) the CE shuts the IPv4 session down with a shutdown communication
# (RFC 9003); (6) a third session on the public-peering link where the CE
# does not announce 4-octet AS support (BIRD "enable as4 off"): OPENs
# without the capability, AS_TRANS with AS4_PATH (RFC 6793).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/interop/lib.sh"
out=${1:-$top_srcdir/tests/unit/fixtures/bird}

lab_require
command -v dumpcap >/dev/null || lab_skip "dumpcap not installed (apt-get install tshark)"
command -v tshark >/dev/null || lab_skip "tshark not installed"
command -v python3 >/dev/null || lab_skip "python3 not installed"

lab_create "cebgpcap$$" || exit 1
key=$LAB_MD5_KEY
shutdown_msg="Maintenance: circuit 1GbpsCircuit moving to a new port, back by 22:00 UTC"

# Provider (AS 12076). Two groups of IPv4 routes with different attributes
# (several prefixes per UPDATE), IPv6 routes, and "extra" routes enabled and
# disabled later to produce announcements and withdrawals.
cat >"$LAB_DIR/msee1/bird.conf" <<EOF
log "$LAB_DIR/msee1/bird.log" all;
router id 172.16.1.2;
hostname "msee1.lab.example";
protocol device { scan time 2; }
protocol static s4 {
	ipv4;
	route 10.1.0.0/16 blackhole;
	route 10.2.0.0/16 blackhole;
	route 10.3.0.0/24 blackhole;
	route 10.4.0.0/16 blackhole;
	route 10.5.0.0/16 blackhole;
}
protocol static s4x {
	ipv4;
	disabled on;
	route 10.98.0.0/24 blackhole;
	route 10.99.0.0/24 blackhole;
}
protocol static s6 {
	ipv6;
	route 2001:db8:100::/48 blackhole;
	route 2001:db8:200::/48 blackhole;
}
protocol static s6x {
	ipv6;
	disabled on;
	route 2001:db8:999::/48 blackhole;
}
filter out4 {
	if proto != "s4" && proto != "s4x" then reject;
	if net ~ [10.4.0.0/16, 10.5.0.0/16] then {
		bgp_med = 100;
		bgp_path.prepend(4200000001);
		bgp_community.add((12076, 12076));
		bgp_community.add((12076, 51004));
		bgp_large_community.add((12076, 1, 555));
	}
	if net ~ [10.98.0.0/24, 10.99.0.0/24] then {
		bgp_origin = ORIGIN_INCOMPLETE;
		bgp_community.add((65535, 65281));
	}
	accept;
}
filter out6 {
	if proto != "s6" && proto != "s6x" then reject;
	bgp_community.add((12076, 60000));
	accept;
}
protocol bgp pv4 {
	local 172.16.1.2 as 12076;
	neighbor 172.16.1.1 as 65520;
	password "$key";
	hold time 240; keepalive time 80;
	connect delay time 1; connect retry time 2;
	enable route refresh on;
	graceful restart on; long lived graceful restart on;
	enable extended messages on; advertise hostname on;
	ipv4 { import all; export filter out4; };
}
# Third session, on the public-peering link, to a CE that does not speak
# 4-octet AS: the path with AS 4200000001 goes out as AS_TRANS + AS4_PATH.
protocol bgp pas2 {
	local 172.16.1.6 as 12076;
	neighbor 172.16.1.5 as 65520;
	password "$key";
	disabled on;
	hold time 240; keepalive time 80;
	connect delay time 1; connect retry time 2;
	ipv4 { import all; export filter out4; };
}
protocol bgp pv6 {
	local 2001:db8:555:1::2 as 12076;
	neighbor 2001:db8:555:1::1 as 65520;
	password "$key";
	hold time 240; keepalive time 80;
	connect delay time 1; connect retry time 2;
	enable route refresh on;
	graceful restart on; long lived graceful restart on;
	enable extended messages on; advertise hostname on;
	ipv6 { import all; export filter out6; };
}
EOF

# Customer (AS 65520): prepends, communities, large and extended
# communities, a route with MED and origin incomplete, IPv6.
cat >"$LAB_DIR/ce/bird.conf" <<EOF
log "$LAB_DIR/ce/bird.log" all;
router id 192.0.2.1;
protocol device { scan time 2; }
protocol static s4 {
	ipv4;
	route 10.10.0.0/16 blackhole;
	route 10.20.0.0/16 blackhole;
	route 198.51.100.0/29 blackhole;
}
protocol static s6 {
	ipv6;
	route 2001:db8:ce00::/40 blackhole;
}
filter out4 {
	if proto != "s4" then reject;
	if net ~ [10.10.0.0/16, 10.20.0.0/16] then {
		bgp_path.prepend(65520);
		bgp_path.prepend(65520);
		bgp_community.add((65520, 100));
		bgp_large_community.add((65520, 1, 2));
		bgp_ext_community.add((rt, 65520, 555));
		bgp_ext_community.add((ro, 4200000000, 7));
		bgp_ext_community.add((rt, 192.0.2.1, 9));
	}
	if net = 198.51.100.0/29 then {
		bgp_med = 20;
		bgp_origin = ORIGIN_INCOMPLETE;
	}
	accept;
}
filter out6 {
	if proto != "s6" then reject;
	bgp_large_community.add((65520, 6, 1));
	accept;
}
protocol bgp pv4 {
	local 172.16.1.1 as 65520;
	neighbor 172.16.1.2 as 12076;
	password "$key";
	hold time 240; keepalive time 80;
	connect delay time 1; connect retry time 2;
	enable route refresh on;
	graceful restart on; enable extended messages on;
	ipv4 { import all; export filter out4; };
}
protocol bgp pas2 {
	local 172.16.1.5 as 65520;
	neighbor 172.16.1.6 as 12076;
	password "$key";
	disabled on;
	enable as4 off;
	hold time 240; keepalive time 80;
	connect delay time 1; connect retry time 2;
	ipv4 { import all; export filter out4; };
}
protocol bgp pv6 {
	local 2001:db8:555:1::1 as 65520;
	neighbor 2001:db8:555:1::2 as 12076;
	password "$key";
	hold time 240; keepalive time 80;
	connect delay time 1; connect retry time 2;
	enable route refresh on;
	graceful restart on; enable extended messages on;
	ipv6 { import all; export filter out6; };
}
EOF

cap=$LAB_DIR/bgp.pcapng
phases=$LAB_DIR/phases
lab_spawn ce "$LAB_DIR/dumpcap.log" dumpcap -q -i eth0.555 -i eth0.556 -f "tcp port 179" \
	-w "$cap" >"$LAB_DIR/dumpcap.pid"
lab_wait_for 10 test -s "$cap" || {
	echo "dumpcap did not start" >&2
	cat "$LAB_DIR/dumpcap.log" >&2
	exit 1
}
sleep 1
mark()
{
	echo "$1 $(date +%s.%N)" >>"$phases"
}

start_bird()
{
	local r=$1 d=$LAB_DIR/$1
	lab_in "$r" bird -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid" || {
		echo "bird failed in $r" >&2
		exit 1
	}
	lab_wait_for 10 lab_birdc "$r" show status || exit 1
}

mark open
start_bird msee1
start_bird ce
for s in "ce pv4" "ce pv6" "msee1 pv4" "msee1 pv6"; do
	set -- $s
	lab_wait_bird_established "$1" "$2" 30 || {
		echo "$1 $2 not Established" >&2
		lab_bird_log "$1" >&2
		exit 1
	}
done
sleep 3

mark announce
lab_birdc msee1 enable s4x >/dev/null
lab_birdc msee1 enable s6x >/dev/null
sleep 2

mark withdraw
lab_birdc msee1 disable s4x >/dev/null
lab_birdc msee1 disable s6x >/dev/null
sleep 2

mark refresh
lab_birdc ce reload in pv4 >/dev/null
lab_birdc ce reload in pv6 >/dev/null
sleep 2

mark shutdown
lab_birdc ce disable pv4 "\"$shutdown_msg\"" >/dev/null
sleep 2

mark as2
lab_birdc msee1 enable pas2 >/dev/null
lab_birdc ce enable pas2 >/dev/null
lab_wait_bird_established ce pas2 30 || {
	echo "pas2 not Established" >&2
	exit 1
}
sleep 3
mark end

lab_stop "$(cat "$LAB_DIR/dumpcap.pid")" 10
test -s "$cap" || {
	echo "no capture" >&2
	exit 1
}

tshark -r "$cap" -o tcp.desegment_tcp_streams:FALSE -Y tcp.len -T fields \
	-E separator=' ' -e frame.time_epoch -e ip.src -e ipv6.src -e tcp.srcport \
	-e tcp.seq_raw -e tcp.payload >"$LAB_DIR/segments" 2>"$LAB_DIR/tshark.err" || {
	cat "$LAB_DIR/tshark.err" >&2
	exit 1
}

mkdir -p "$out"
rm -f "$out"/[0-9][0-9]-*.hex
python3 - "$LAB_DIR/segments" "$phases" "$out" <<'PY'
import sys, os

segfile, phasefile, out = sys.argv[1:4]
phases = []
for line in open(phasefile):
    name, t = line.split()
    phases.append((float(t), name))

def phase_of(t):
    cur = phases[0][1]
    for pt, name in phases:
        if t >= pt:
            cur = name
    return cur

# Rebuild each TCP direction (ordered by sequence number, duplicates
# dropped), remembering when each byte offset arrived.
streams = {}
for line in open(segfile):
    f = line.split()
    if len(f) == 5:          # ip.src or ipv6.src is empty
        t, src, sport, seq, payload = f
    else:
        continue
    key = (src, sport)
    streams.setdefault(key, {})
    streams[key].setdefault(int(seq), (float(t), bytes.fromhex(payload)))

names = {"172.16.1.1": "ce", "2001:db8:555:1::1": "ce", "172.16.1.5": "ce",
         "172.16.1.2": "provider", "2001:db8:555:1::2": "provider",
         "172.16.1.6": "provider"}
TYPES = {1: "open", 2: "update", 3: "notification", 4: "keepalive",
         5: "route-refresh"}

def update_detail(m):
    body = m[19:]
    wl = int.from_bytes(body[0:2], "big")
    al = int.from_bytes(body[2 + wl:4 + wl], "big")
    attrs = body[4 + wl:4 + wl + al]
    nlri = body[4 + wl + al:]
    codes = []
    i = 0
    while i < len(attrs):
        flags, code = attrs[i], attrs[i + 1]
        if flags & 0x10:
            ln = int.from_bytes(attrs[i + 2:i + 4], "big"); hl = 4
        else:
            ln = attrs[i + 2]; hl = 3
        codes.append((code, attrs[i + hl:i + hl + ln]))
        i += hl + ln
    cs = [c for c, _ in codes]
    if wl == 0 and al == 0:
        return "eor-ipv4"
    if cs == [15] and len(codes[0][1]) == 3:
        return "eor-ipv6"
    if 14 in cs:
        return "ipv6"
    if 15 in cs:
        return "withdraw-ipv6"
    if wl and not nlri:
        return "withdraw-ipv4"
    return "ipv4"

def rr_detail(m):
    return {0: "request", 1: "borr", 2: "eorr"}.get(m[21], "subtype%d" % m[21])

msgs = []
for (src, sport), segs in streams.items():
    data = b""
    times = []
    expect = None
    for seq in sorted(segs):
        t, p = segs[seq]
        if expect is not None and seq < expect:
            p = p[expect - seq:]      # overlap (retransmission)
        times.append((len(data), t))
        data += p
        expect = seq + len(segs[seq][1])
    off = 0
    n = 0
    while off + 19 <= len(data):
        if data[off:off + 16] != b"\xff" * 16:
            sys.exit("bad marker in %s:%s at %d" % (src, sport, off))
        ln = int.from_bytes(data[off + 16:off + 18], "big")
        m = data[off:off + ln]
        t = max(tt for o, tt in times if o <= off)
        fam = "ipv6" if ":" in src else "as2" if src.endswith(("1.5", "1.6")) else "ipv4"
        msgs.append((t, fam, names.get(src, src), n, m))
        n += 1
        off += ln

order = [p for _, p in phases]
msgs.sort(key=lambda x: (order.index(phase_of(x[0])),
                         ["ipv4", "ipv6", "as2"].index(x[1]),
                         0 if x[2] == "ce" else 1, x[3]))
seen = set()
have_keepalive = False
idx = 0
readme = []
for t, fam, sender, n, m in msgs:
    if m in seen:
        continue
    seen.add(m)
    typ = TYPES.get(m[18], "type%d" % m[18])
    if typ == "keepalive":
        if have_keepalive:
            continue
        have_keepalive = True
    idx += 1
    detail = ""
    if typ == "update":
        detail = "-" + update_detail(m) + ("-as2" if fam == "as2" else "")
    elif typ == "route-refresh":
        detail = "-" + rr_detail(m)
    elif typ == "open":
        detail = "-" + ("2octet-as" if fam == "as2" else fam) + "-session"
    name = "%02d-%s%s-%s.hex" % (idx, typ, detail, sender)
    with open(os.path.join(out, name), "w") as f:
        f.write(m.hex() + "\n")
    readme.append("%-44s %-8s %-5s session, phase %s, %d bytes" %
                  (name, sender, fam, phase_of(t), len(m)))

with open(os.path.join(out, "README"), "w") as f:
    f.write("BGP messages captured from BIRD 2 by tests/interop/capture-bird-fixtures.sh\n"
            "(customer AS 65520 = ce, provider AS 12076 = provider; one message per\n"
            "file, the whole message including the 16-byte marker, as one line of hex).\n\n")
    f.write("\n".join(readme) + "\n")
print("\n".join(readme))
PY
rc=$?
[ $rc -eq 0 ] && echo "capture-bird-fixtures: wrote $(ls "$out"/*.hex | wc -l) fixtures to $out"
exit $rc
