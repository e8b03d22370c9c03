#!/usr/bin/env python3
"""Write the seed corpora under tests/fuzz/corpus/<harness>/ from the
captured BIRD messages (tests/unit/fixtures/bird/*.hex) and the example
configs (tests/unit/fixtures/config/*.yaml). Deterministic: re-running it
rewrites the same files. Each message seed is prefixed with the context
byte(s) the harness reads (see fuzz_common.h)."""
import glob, hashlib, os, sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
out = os.path.join(top, 'tests', 'fuzz', 'corpus')

def put(harness, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

msgs = []  # (name, bytes)
for p in sorted(glob.glob(os.path.join(top, 'tests/unit/fixtures/bird/*.hex'))):
    msgs.append((os.path.basename(p), bytes.fromhex(open(p).read().strip())))

def ctxbyte(name):
    b = 0
    if 'as2' not in name and '2octet' not in name:
        b |= 0x01  # 4-octet AS
    if 'ipv6' in name:
        b |= 0x04
    if name.endswith('-ce.hex'):
        b |= 0x10  # the sender is the CE
    return b

# Sessions: what one side sends, in capture order.
sessions = {}
for name, m in msgs:
    fam = 'as2' if ('as2' in name or '2octet' in name) else ('ipv6' if 'ipv6' in name else 'ipv4')
    side = 'ce' if name.endswith('-ce.hex') else 'provider'
    sessions.setdefault((fam, side), []).append(m)
keepalive = bytes.fromhex('ff' * 16 + '001304')

for name, m in msgs:
    b = ctxbyte(name)
    put('fuzz_msg_decode', bytes([b]) + m)
    put('fuzz_msg_decode', bytes([b | 0x02]) + m)
    body = m[19:]
    if m[18] == 2:
        put('fuzz_msg_decode', bytes([0x80 | b]) + body)
        put('fuzz_update_roundtrip', bytes([b]) + body)
        put('fuzz_update_roundtrip', bytes([b | 0x08]) + body)  # iBGP
    else:
        put('fuzz_msg_decode', bytes([0xc0 | b]) + body)

for (fam, side), ms in sorted(sessions.items()):
    b = ctxbyte('x-' + fam + '-' + side + '.hex')
    stream = b''.join(ms[:1]) + keepalive + b''.join(ms[1:])
    put('fuzz_msg_decode', bytes([b]) + stream)
    # our settings mirror the peer's; no injected event (0x0f), then
    # passive, and a DelayOpen run
    for s in (b, b | 0x40, b | 0x80):
        put('fuzz_session', bytes([s, 0x0f]) + stream)
    put('fuzz_session', bytes([b, 0x03]) + stream)  # keepalive timer after 3
    put('fuzz_session', bytes([b, 0x14]) + stream)  # hold timer after 4

for p in sorted(glob.glob(os.path.join(top, 'tests/unit/fixtures/config/*.yaml'))):
    put('fuzz_config', open(p, 'rb').read())

# Control protocol: framed requests a client sends (read size byte first).
import json, struct
for i, line in enumerate(["show bgp summary", "show bgp neighbor 172.16.1.2",
                          "sh ip bgp 10.1.0.0/16", "clear bgp 172.16.1.2 soft",
                          "show policy private", "debug level debug", "reload", "?",
                          "show rib 10.0.0.0/8 longer"]):
    body = json.dumps({"command": line}).encode()
    frame = struct.pack(">I", len(body)) + body
    put('fuzz_ctl', bytes([255 if i % 2 else 7]) + frame + frame)
put('fuzz_ctl', bytes([0]) + struct.pack(">I", 0))
put('fuzz_ctl', bytes([3]) + struct.pack(">I", 10 ** 6))

# BFD: byte 0 is our configuration (0x5a: 300 ms / 300 ms x 3, damping);
# bit 7 set for the datagram codec mode.
def bfd_pkt(state, flags=0, diag=0, mult=3, length=24, my=0x01020304, your=0x0a0b0c0d,
            tx=300000, rx=300000):
    return struct.pack(">BBBBIIIII", (1 << 5) | diag, (state << 6) | flags, mult, length,
                       my, your, tx, rx, 0)
for pkt in (bfd_pkt(1, your=0), bfd_pkt(3), bfd_pkt(3, 0x20), bfd_pkt(3, 0x10),
            bfd_pkt(0, diag=7), bfd_pkt(1, 0x04, length=26, your=0) + b'\x01\x02',
            bfd_pkt(2, length=23)):
    put('fuzz_bfd', bytes([0x80 | 0x5a]) + pkt)
T = lambda b0, diag, mult, iv: bytes([2, b0, diag, mult, iv])  # templated packet
step = lambda tens: bytes([(tens << 3) | 4])                   # clock + timers
handshake = (T(0x21, 0, 3, 0x0a) + step(1) + T(0x02, 0, 3, 0x0a) + step(5) +
             T(0x03, 0, 3, 0x0a) + T(0x0b, 0, 3, 0x0a) + step(20) + step(31))
put('fuzz_bfd', bytes([0x5a]) + handshake)
put('fuzz_bfd', bytes([0x5a]) + handshake + T(0x07, 0, 3, 0x0a) + bytes([7, 0x55]) + step(31) +
    T(0x0b, 0, 3, 0x05) + step(31) + step(31) + step(31) + step(31))
put('fuzz_bfd', bytes([0x5a]) + handshake + T(0x01, 3, 3, 0x0a) + step(31) + T(0x01, 3, 3, 0x0a) +
    T(0x02, 0, 3, 0x0a) + step(31))
put('fuzz_bfd', bytes([0x1a]) + handshake + bytes([5, 6]) + T(0x00, 7, 3, 0x4a) + step(31))
put('fuzz_bfd', bytes([0x5a]) + bytes([0, 24]) + bfd_pkt(1, your=0) + step(2) +
    bytes([0, 24]) + bfd_pkt(3) + step(31) + step(31))
