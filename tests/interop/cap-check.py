#!/usr/bin/env python3
"""cap-check: does what a provider router received stay within the provider's cap?

An independent check of cebgpd's outbound caps: this script knows nothing
of cebgpd (not its config, not lib/profile). It has its own copy of the
provider's published limits, asks a BIRD playing the provider how many
prefixes it received on each session (birdc), waits until that count stops
moving, and fails when it exceeds the cap, when it is zero (nothing was
advertised: the test proves nothing), or when the session is not up.

    cap-check.py --profile expressroute --sku premium --peering private \\
        --family ipv4 SOCKET:PROTOCOL [SOCKET:PROTOCOL ...]

One "ok: ..." or "FAIL: ..." line per session, then exits 0 only if every
session passed. --print-cap prints the cap and exits: the lab configures
its BIRDs' receive limit from it, so a session that ever went over the cap
is down (action disable) and fails here too. --expect-full also requires the count to be exactly the cap
(for an announce list built so that nothing can merge: the cap's worth
must be sent, no fewer).
"""
import argparse
import re
import subprocess
import sys
import time

# The provider's caps per session: (profile, peering, family, sku) -> prefixes.
# sku None: the same for every SKU.
CAPS = {
    # The 2014 deployment guide (shared/seed/expressroute-guide.txt):
    # "up to 3000 routes on private peering and 4000 on public peering".
    ("expressroute-classic", "private", "ipv4", None): 3000,
    ("expressroute-classic", "public", "ipv4", None): 4000,
    # The guide has no IPv6; a classic circuit that runs it meets the
    # provider's private-peering IPv6 cap all the same (expressroute.md, "Caps").
    ("expressroute-classic", "private", "ipv6", None): 100,
    # Today's ExpressRoute limits (shared/expressroute.md, "Caps"):
    # private 4,000 IPv4 Standard/Local, 10,000 Premium, 100 IPv6;
    # Microsoft peering 200 IPv4 and 200 IPv6 per session.
    ("expressroute", "private", "ipv4", "standard"): 4000,
    ("expressroute", "private", "ipv4", "premium"): 10000,
    ("expressroute", "private", "ipv6", None): 100,
    ("expressroute", "microsoft", "ipv4", None): 200,
    ("expressroute", "microsoft", "ipv6", None): 200,
}


def cap_for(profile, peering, family, sku):
    """(cap, the SKU it depends on or None), or (None, None) when unknown."""
    for key in ((profile, peering, family, sku), (profile, peering, family, None)):
        if key in CAPS:
            return CAPS[key], key[3]
    return None, None


def birdc(sock, *args):
    r = subprocess.run(["birdc", "-s", sock, *args], capture_output=True, text=True, timeout=20)
    return r.stdout


def received(sock, proto):
    """Prefixes BIRD holds from proto (accepted and filtered alike), or None."""
    out = birdc(sock, "show", "route", "protocol", proto, "count")
    m = re.search(r"(\d+) of \d+ routes for (\d+) networks", out)
    if not m:
        return None
    filtered = birdc(sock, "show", "route", "filtered", "protocol", proto, "count")
    f = re.search(r"(\d+) of \d+ routes", filtered)
    return int(m.group(1)) + (int(f.group(1)) if f else 0)


def state(sock, proto):
    for line in birdc(sock, "show", "protocols", proto).splitlines():
        cols = line.split()
        if cols and cols[0] == proto:
            # "up ... Established", or "down ... Automatic shutdown: Route
            # limit exceeded": the BGP state, else the state and BIRD's why.
            if cols[3] == "up" and len(cols) > 5:
                return cols[5]
            return " ".join([cols[3]] + cols[5:])
    return None


def settle(sock, proto, timeout, quiet):
    """The count once it has not moved for `quiet` seconds (bounded)."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        n = received(sock, proto)
        if n != last:
            last, since = n, time.monotonic()
        elif n and time.monotonic() - since >= quiet:
            return n
        time.sleep(0.5)
    return last


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", required=True)
    ap.add_argument("--sku", default="standard")
    ap.add_argument("--peering", required=True)
    ap.add_argument("--family", default="ipv4")
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--quiet", type=float, default=3)
    ap.add_argument("--expect-full", action="store_true")
    ap.add_argument("--print-cap", action="store_true",
                    help="print the cap and exit (the lab's BIRD limits come from here)")
    ap.add_argument("sessions", nargs="*", metavar="SOCKET:PROTOCOL")
    a = ap.parse_args()

    cap, sku = cap_for(a.profile, a.peering, a.family, a.sku)
    if cap is None:
        print(f"FAIL: no cap known for {a.profile} {a.peering} {a.family} {a.sku}")
        return 1
    if a.print_cap:
        print(cap)
        return 0
    if not a.sessions:
        ap.error("no SOCKET:PROTOCOL given")
    what = f"{a.profile}{'/' + sku if sku else ''} {a.peering} {a.family}"
    bad = 0
    for s in a.sessions:
        sock, proto = s.rsplit(":", 1)
        st = state(sock, proto)
        if st != "Established":
            # Down already: over the cap (receive limit, action disable) or
            # never up; nothing to wait for.
            print(f"FAIL: {what} {s}: session {st or 'missing'}, not Established "
                  f"({received(sock, proto)} prefixes)")
            bad += 1
            continue
        n = settle(sock, proto, a.timeout, a.quiet)
        st = state(sock, proto)
        if st != "Established":
            print(f"FAIL: {what} {s}: session {st}, not Established ({n} prefixes)")
            bad += 1
        elif not n:
            print(f"FAIL: {what} {s}: nothing received")
            bad += 1
        elif n > cap:
            print(f"FAIL: {what} {s}: {n} prefixes received, over the cap {cap}")
            bad += 1
        elif a.expect_full and n != cap:
            print(f"FAIL: {what} {s}: {n} prefixes received, expected the full cap {cap}")
            bad += 1
        else:
            print(f"ok: {what} {s}: {n} prefixes received, cap {cap}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
