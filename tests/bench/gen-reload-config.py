#!/usr/bin/env python3
"""gen-reload-config: the cebgpd configs of the reload benchmark.

Writes a config for one circuit (links eth0 and eth1) whose PEERING
(private or public) announces N scattered /24s, and a second variant of
it for the reload: the same list with one in a hundred entries replaced.

  private: /24s drawn from all of IPv4 except the bogons (VNets may use
    public space), so no two are siblings: the worst case for the cap.
  public: every other /24 from 20.0.0.0 on: none aggregates losslessly.

--lossy adds `cap-action: aggregate` and `max-overcoverage: 100%` raised
to no bound (the old defaults): the aggregates then over-cover and the
daemon installs a discard route for every hole (620k for 100k private).

--lab KEY,SOCK,ROSOCK writes the config of the reload lab test
(tests/interop/test-reload.sh) instead: the lab's AS and MD5 key, hold
time 3 s, the control sockets, PEERING (private) with N prefixes as above
and public peering with 4001 non-aggregatable /24s (one over the cap).

Deterministic: a fixed seed, no clock.
usage: gen-reload-config.py PEERING N VARIANT [--lossy] [--lab KEY,SOCK,ROSOCK]
"""
import ipaddress
import random
import sys

BOGONS = [ipaddress.ip_network(x) for x in (
    "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "192.0.0.0/24", "192.0.2.0/24",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "172.16.0.0/16")]


def private_list(rng, n):
    out = {}
    while len(out) < n:
        a = rng.randrange(224 << 16)
        net = ipaddress.ip_network((a << 8, 24))
        if a not in out and not any(net.subnet_of(b) for b in BOGONS):
            out[a] = str(net)
    return list(out.values())


def public_list(n):
    return [str(ipaddress.ip_network(((20 << 24) + i * 512, 24))) for i in range(n)]


def main():
    lab = None
    argv = sys.argv[1:]
    if "--lab" in argv:
        i = argv.index("--lab")
        lab = argv[i + 1].split(",")
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    lossy = "--lossy" in argv
    peering, n, variant = args[0], int(args[1]), int(args[2])
    rng = random.Random(11)
    ann = private_list(rng, n) if peering == "private" else public_list(n + n // 100 + 1)[:n]
    if variant:
        # One in a hundred replaced by prefixes not in the list yet.
        fresh = (private_list(random.Random(12), n + n // 100 + 1) if peering == "private"
                 else public_list(n + n // 100 + 1))
        have = set(ann)
        fresh = [p for p in fresh if p not in have]
        for i in range(0, n, 100):
            ann[i] = fresh.pop()
    print("asn: %s" % ("65520" if lab else "65001"))
    print("router-id: 192.0.2.1")
    if lab:
        print("timers: { hold: 3, keepalive: 1, connect-retry: 2, idle-hold: 1, "
              "idle-hold-max: 2 }")
        print("control:")
        print("  socket: %s" % lab[1])
        print("  readonly-socket: %s" % lab[2])
    print("circuits:")
    print("  - name: Bench")
    if lab:
        print("    md5-key: %s" % lab[0])
    print("    links:")
    print("      primary:   { interface: eth0 }")
    print("      secondary: { interface: eth1 }")
    print("    peerings:")
    print("      %s:" % peering)
    print("        vlan: 555")
    print("        primary-subnet: 172.16.1.0/30")
    print("        secondary-subnet: 172.16.2.0/30")
    if lossy:
        print("        cap-action: aggregate")
        print("        max-overcoverage: unbounded")
    print("        announce:")
    for p in ann:
        print("          - " + p)
    if lab and peering == "private":
        print("      public:")
        print("        vlan: 556")
        print("        primary-subnet: 172.16.1.4/30")
        print("        secondary-subnet: 172.16.2.4/30")
        print("        announce:")
        for p in public_list(4001):
            print("          - " + p)


main()
