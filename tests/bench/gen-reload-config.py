#!/usr/bin/env python3
"""gen-reload-config: the announce lists of the reload benchmark.

Prints, one a line, N scattered /24s for PEERING (private or public), or
the second variant of the list for the reload: the same list with one in a
hundred entries replaced. The callers (tests/bench/bench-reload.sh,
tests/interop/test-reload.sh) write the rest of the config with
tests/interop/lib.sh's lab_ce_config --announce-file.

  private: /24s drawn from all of IPv4 except the bogons (VNets may use
    public space), so no two are siblings: the worst case for the cap.
  public: every other /24 from 20.0.0.0 on: none aggregates losslessly
    (`public 4001 0` is 4001 of them: one over the public cap).

Deterministic: a fixed seed, no clock.
usage: gen-reload-config.py PEERING N VARIANT
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
    if len(sys.argv) != 4 or sys.argv[1] not in ("private", "public"):
        sys.exit("usage: gen-reload-config.py private|public N VARIANT")
    peering, n, variant = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
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
    sys.stdout.write("".join(p + "\n" for p in ann))


main()
