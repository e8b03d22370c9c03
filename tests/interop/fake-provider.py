#!/usr/bin/env python3
"""A scripted BGP speaker (TCP-MD5) that plays one provider session and
sends malformed UPDATEs, for the RFC 7606 checks of test-sessions.sh.

    fake-provider.py LOCAL PORT PEER KEY OUT TRIGGER

Accepts one connection from PEER on LOCAL:PORT, completes the OPEN
exchange as AS 12076 (hold 9), then sends:
  1. a valid UPDATE for 10.9.0.0/16;
  2. an UPDATE for 10.8.0.0/16 whose ORIGIN is 7: RFC 7606 §7.1
     treat-as-withdraw, the session stays up;
and keeps the session alive with KEEPALIVEs until the file TRIGGER exists,
then sends
  3. an UPDATE whose NLRI has a prefix length of 33: RFC 7606 §5.3
     session reset (UPDATE Message Error / Invalid Network Field).
Everything received is appended to OUT. Exits when the peer closes or
after 60 seconds.
"""
import os
import select
import socket
import struct
import sys
import time

TCP_MD5SIG = 14
MARKER = b"\xff" * 16
AS = 12076


def md5sig(peer, key):
    sa = struct.pack("=H", socket.AF_INET) + struct.pack(">H", 0) + socket.inet_aton(peer)
    return sa.ljust(128, b"\0") + struct.pack("=BBHi", 0, 0, len(key), 0) + key.ljust(80, b"\0")


def message(mtype, body):
    return MARKER + struct.pack(">HB", 19 + len(body), mtype) + body


def open_msg(bgp_id):
    caps = bytes([1, 4, 0, 1, 0, 1])  # MP: IPv4 unicast
    caps += bytes([65, 4]) + struct.pack(">I", AS)  # 4-octet AS
    param = bytes([2, len(caps)]) + caps
    body = struct.pack(">BHH", 4, AS, 9) + socket.inet_aton(bgp_id) + bytes([len(param)]) + param
    return message(1, body)


def update(origin, nexthop, nlri):
    attrs = bytes([0x40, 1, 1, origin])
    attrs += bytes([0x40, 2, 6, 2, 1]) + struct.pack(">I", AS)
    attrs += bytes([0x40, 3, 4]) + socket.inet_aton(nexthop)
    body = struct.pack(">H", 0) + struct.pack(">H", len(attrs)) + attrs + nlri
    return message(2, body)


def main():
    local, port, peer, key, out, trigger = sys.argv[1:7]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, md5sig(peer, key.encode()))
    s.bind((local, int(port)))
    s.listen(4)
    s.settimeout(30)
    c, _ = s.accept()
    deadline = time.time() + 60
    buf = b""
    state = "open"
    last_ka = time.time()
    with open(out, "ab") as f:
        while time.time() < deadline:
            r, _, _ = select.select([c], [], [], 0.5)
            if r:
                d = c.recv(65536)
                if not d:
                    return
                f.write(d)
                f.flush()
                buf += d
            while len(buf) >= 19:
                n = struct.unpack(">H", buf[16:18])[0]
                if len(buf) < n:
                    break
                mtype, buf = buf[18], buf[n:]
                if mtype == 1 and state == "open":
                    c.sendall(open_msg(local) + message(4, b""))
                    state = "openconfirm"
                elif mtype == 4 and state == "openconfirm":
                    state = "established"
                    c.sendall(update(0, local, bytes([16, 10, 9])))
                    c.sendall(update(7, local, bytes([16, 10, 8])))
            if time.time() - last_ka >= 2:
                c.sendall(message(4, b""))
                last_ka = time.time()
            if state == "established" and os.path.exists(trigger):
                c.sendall(update(0, local, bytes([33, 10, 7, 0, 0, 0])))
                state = "sent-bad"


if __name__ == "__main__":
    main()
