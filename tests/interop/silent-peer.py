#!/usr/bin/env python3
"""A TCP-MD5 listener that accepts one BGP connection and never speaks.

Used by test-sessions.sh to hold cebgpd's own connection in OpenSent while
BIRD connects from the other side: a connection collision (RFC 4271 §6.8).
Everything received is appended to OUT, so the test can see the
NOTIFICATION cebgpd sends when it dumps this connection.

    silent-peer.py LOCAL_ADDR PORT PEER_ADDR KEY OUT
"""
import socket
import struct
import sys
import time

TCP_MD5SIG = 14
TCP_MD5SIG_MAXKEYLEN = 80


def md5sig(peer, key):
    # struct tcp_md5sig: sockaddr_storage (128), flags, prefixlen, keylen, ifindex, key[80]
    sa = struct.pack("=H", socket.AF_INET) + struct.pack(">H", 0) + socket.inet_aton(peer)
    sa = sa.ljust(128, b"\0")
    return sa + struct.pack("=BBHi", 0, 0, len(key), 0) + key.ljust(TCP_MD5SIG_MAXKEYLEN, b"\0")


def main():
    local, port, peer, key, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, md5sig(peer, key.encode()))
    s.bind((local, port))
    s.listen(4)
    s.settimeout(60)
    c, _ = s.accept()
    c.settimeout(1)
    deadline = time.time() + 60
    with open(out, "ab") as f:
        while time.time() < deadline:
            try:
                d = c.recv(4096)
            except socket.timeout:
                continue
            if not d:
                break
            f.write(d)
            f.flush()


if __name__ == "__main__":
    main()
