#!/usr/bin/env python3
"""notify-listen.py SOCKET OUT: play systemd's side of sd_notify(3).

Binds a datagram socket at SOCKET (mode 0777, so a daemon that dropped
root can still send) and appends every datagram to OUT as one line, the
newlines inside it shown as '|'. Exits after 120 s or on SIGTERM.
"""
import os
import signal
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)
s.settimeout(1.0)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
with open(out, "a", buffering=1) as f:
    f.write("LISTENING\n")
    # A deadline, not a count of datagrams: the watchdog pings every 0.2 s
    # would otherwise use up the loop in 24 s, and a STOPPING=1 sent later
    # (a slow, loaded run) was never written.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        f.write(data.decode("utf-8", "replace").replace("\n", "|") + "\n")
