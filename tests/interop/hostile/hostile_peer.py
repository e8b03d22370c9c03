#!/usr/bin/env python3
"""A hostile BGP peer: a raw-socket provider router (no third-party modules)
that connects to cebgpd and sends malformed messages and abusive sequences,
then checks cebgpd's exact answer.

    hostile_peer.py --local 172.16.1.2 --remote 172.16.1.1 --key KEY \\
        --ce-pid PID --ce-log LOG --session 1GbpsCircuit/private/primary \\
        [--check CMD] [--only NAME,...] [--list]

Each case asserts the NOTIFICATION code/subcode cebgpd sends (RFC 4271 §6,
RFC 6608, RFC 7606) or, for the RFC 7606 treat-as-withdraw and
attribute-discard cases, that the session stays up and the route is
withdrawn (or kept) in cebgpd's Adj-RIB-In (read from its SIGUSR1 dump).
After every case: cebgpd still runs, and CMD (the runner's check that the
other sessions are Established and keep their routes) succeeds.
Prints "ok: NAME" / "FAIL: NAME: why" per case and a last line
"hostile: N passed, M failed".
"""
import argparse
import os
import signal
import socket
import struct
import subprocess
import sys
import time

TCP_MD5SIG = 14
MARKER = b"\xff" * 16
PROVIDER_AS = 12076
CE_AS = 65520

OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE_REFRESH = 1, 2, 3, 4, 5


class Fail(Exception):
    pass


# ---------------------------------------------------------------- encoding

def msg(mtype, body=b"", length=None, marker=MARKER):
    n = 19 + len(body) if length is None else length
    return marker + struct.pack(">HB", n, mtype) + body


def cap(code, value):
    return bytes([code, len(value)]) + value


def caps_param(*caps):
    v = b"".join(caps)
    return bytes([2, len(v)]) + v


DEFAULT_CAPS = (cap(1, struct.pack(">HBB", 1, 0, 1)), cap(2, b""),
                cap(65, struct.pack(">I", PROVIDER_AS)))


def open_body(version=4, asn=PROVIDER_AS, hold=90, bgp_id="172.16.1.2", params=None):
    if params is None:
        params = caps_param(*DEFAULT_CAPS)
    return (struct.pack(">BHH", version, asn, hold) + socket.inet_aton(bgp_id) +
            bytes([len(params)]) + params)


def attr(flags, code, value, extlen=False):
    if extlen or len(value) > 255:
        return struct.pack(">BBH", flags | 0x10, code, len(value)) + value
    return struct.pack(">BBB", flags, code, len(value)) + value


def origin(v=0, flags=0x40):
    return attr(flags, 1, bytes([v]))


def aspath(*asns, seg=2, flags=0x40):
    if not asns:
        return attr(flags, 2, b"")
    return attr(flags, 2, bytes([seg, len(asns)]) + b"".join(struct.pack(">I", a) for a in asns))


def nexthop(a="172.16.1.2", flags=0x40):
    return attr(flags, 3, socket.inet_aton(a))


def nlri(*prefixes):
    out = b""
    for p in prefixes:
        net, plen = p.split("/")
        plen = int(plen)
        out += bytes([plen]) + socket.inet_aton(net)[:(plen + 7) // 8]
    return out


def update_body(withdrawn=b"", attrs=b"", nl=b"", wlen=None, alen=None):
    wl = len(withdrawn) if wlen is None else wlen
    al = len(attrs) if alen is None else alen
    return struct.pack(">H", wl) + withdrawn + struct.pack(">H", al) + attrs + nl


def good_attrs():
    return origin() + aspath(PROVIDER_AS) + nexthop()


# ------------------------------------------------------------------ socket

def md5sig(peer, key):
    sa = struct.pack("=H", socket.AF_INET) + struct.pack(">H", 0) + socket.inet_aton(peer)
    sa = sa.ljust(128, b"\0")
    return sa + struct.pack("=BBHi", 0, 0, len(key), 0) + key.ljust(80, b"\0")


class Peer:
    """One TCP connection to cebgpd."""

    def __init__(self, args, key=None, local=None, timeout=3.0):
        self.args = args
        self.buf = b""
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        k = args.key if key is None else key
        if k:
            self.s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, md5sig(args.remote, k.encode()))
        self.s.bind((local or args.local, 0))
        self.s.settimeout(timeout)
        self.s.connect((args.remote, args.port))

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def send(self, data):
        self.s.sendall(data)

    def recv_msg(self, timeout):
        """Next whole message (type, body), None on timeout; raises EOFError on close."""
        end = time.time() + timeout
        while True:
            if len(self.buf) >= 19:
                n = struct.unpack(">H", self.buf[16:18])[0]
                if n < 19:
                    raise Fail("cebgpd sent a message with length %d" % n)
                if len(self.buf) >= n:
                    m, self.buf = self.buf[:n], self.buf[n:]
                    return m[18], m[19:]
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            except ConnectionResetError:
                raise EOFError("connection reset")
            if not d:
                raise EOFError("connection closed")
            self.buf += d

    def expect(self, mtype, timeout=5.0, skip=(UPDATE, KEEPALIVE)):
        end = time.time() + timeout
        while True:
            m = self.recv_msg(max(0.0, end - time.time()))
            if m is None:
                raise Fail("timeout waiting for message type %d" % mtype)
            if m[0] == mtype:
                return m[1]
            if m[0] == NOTIFICATION and mtype != NOTIFICATION:
                raise Fail("NOTIFICATION %d/%d while waiting for type %d" %
                           (m[1][0], m[1][1], mtype))
            if m[0] not in skip:
                raise Fail("unexpected message type %d" % m[0])

    def expect_notification(self, code, subcode, timeout=8.0, data=None):
        try:
            body = self.expect(NOTIFICATION, timeout)
        except EOFError as e:
            raise Fail("closed without NOTIFICATION (wanted %d/%d): %s" % (code, subcode, e))
        got = (body[0], body[1])
        if got != (code, subcode):
            raise Fail("NOTIFICATION %d/%d, wanted %d/%d (data %s)" %
                       (got[0], got[1], code, subcode, body[2:].hex()))
        if data is not None and body[2:] != data:
            raise Fail("NOTIFICATION data %s, wanted %s" % (body[2:].hex(), data.hex()))
        # after a NOTIFICATION the connection must close (RFC 4271 §6)
        try:
            while self.recv_msg(3.0) is not None:
                pass
            raise Fail("connection still open 3 s after the NOTIFICATION")
        except EOFError:
            pass
        return body

    def expect_silence(self, secs):
        """No NOTIFICATION and no close for secs seconds (other messages are fine)."""
        end = time.time() + secs
        while time.time() < end:
            try:
                m = self.recv_msg(end - time.time())
            except EOFError as e:
                raise Fail("session closed: %s" % e)
            if m and m[0] == NOTIFICATION:
                raise Fail("NOTIFICATION %d/%d" % (m[1][0], m[1][1]))


def connect(args, tries_for=20.0, **kw):
    """Connect and read cebgpd's OPEN; retries while cebgpd refuses (Idle)."""
    end = time.time() + tries_for
    last = None
    while time.time() < end:
        p = None
        try:
            p = Peer(args, **kw)
            p.expect(OPEN, 3.0)
            return p
        except (OSError, EOFError, Fail) as e:
            last = e
            if p:
                p.close()
            time.sleep(0.3)
    raise Fail("could not open a session: %s" % last)


def establish(args, hold=90):
    p = connect(args)
    p.send(msg(OPEN, open_body(hold=hold)))
    p.send(msg(KEEPALIVE))
    p.expect(KEEPALIVE, 5.0, skip=())
    return p


# --------------------------------------------------------- cebgpd's state

def ce_alive(args):
    try:
        os.kill(args.ce_pid, 0)
        return True
    except OSError:
        return False


def ce_routes(args, session=None):
    """{prefix: 'valid'|'invalid'} of a session's Adj-RIB-In (ours by default), from a dump."""
    session = session or args.session
    def ends():
        try:
            with open(args.ce_log, errors="replace") as f:
                return f.read().count("dump: end")
        except OSError:
            return 0
    before = ends()
    os.kill(args.ce_pid, signal.SIGUSR1)
    end = time.time() + 10
    while ends() <= before:
        if time.time() > end:
            raise Fail("no dump from cebgpd")
        time.sleep(0.05)
    with open(args.ce_log, errors="replace") as f:
        lines = f.read().splitlines()
    start = max(i for i, l in enumerate(lines) if " dump: " in l and " sessions," in l)
    routes = {}
    for l in lines[start:]:
        if " dump: route " not in l:
            continue
        w = l.split(" dump: route ", 1)[1].split()
        if len(w) >= 2 and w[0] == session:
            routes[w[1]] = "invalid" if "invalid" in w[2:3] else "valid"
    return routes


def wait_route(args, prefix, state, secs=5.0):
    end = time.time() + secs
    got = None
    while time.time() < end:
        got = ce_routes(args).get(prefix)
        if got == state:
            return
        time.sleep(0.2)
    raise Fail("route %s is %s in cebgpd, wanted %s" % (prefix, got or "absent", state))


# ------------------------------------------------------------------- cases

CASES = []


def case(name):
    def reg(f):
        CASES.append((name, f))
        return f
    return reg


def open_case(name, body, code, sub, data=None):
    def run(args, st):
        p = connect(args)
        try:
            p.send(msg(OPEN, body))
            p.expect_notification(code, sub, data=data)
        finally:
            p.close()
    case(name)(run)


def raw_case(name, raw, code, sub, before_open=True):
    """Bytes sent right after cebgpd's OPEN (OpenSent) or once Established."""
    def run(args, st):
        p = connect(args) if before_open else establish(args)
        try:
            p.send(raw)
            p.expect_notification(code, sub)
        finally:
            p.close()
    case(name)(run)


def update_reset_case(name, body, code, sub):
    """An UPDATE that must reset the session."""
    def run(args, st):
        p = st.session(args)
        st.drop()
        try:
            p.send(msg(UPDATE, body))
            p.expect_notification(code, sub)
        finally:
            p.close()
    case(name)(run)


def withdraw_case(name, attrs, prefix, with_nlri=True):
    """RFC 7606 treat-as-withdraw: announce prefix, then the bad UPDATE for it."""
    def run(args, st):
        p = st.session(args)
        p.send(msg(UPDATE, update_body(attrs=good_attrs(), nl=nlri(prefix))))
        wait_route(args, prefix, "valid")
        p.send(msg(UPDATE, update_body(attrs=attrs, nl=nlri(prefix) if with_nlri else b"")))
        p.expect_silence(1.0)
        routes = ce_routes(args)
        if routes.get(prefix) == "valid":
            raise Fail("route %s still valid after a treat-as-withdraw UPDATE" % prefix)
        p.send(msg(KEEPALIVE))
        p.expect_silence(0.5)
    case(name)(run)


def discard_case(name, attrs, prefix):
    """RFC 7606 attribute discard: the route is accepted, the session stays."""
    def run(args, st):
        p = st.session(args)
        p.send(msg(UPDATE, update_body(attrs=attrs, nl=nlri(prefix))))
        p.expect_silence(0.5)
        wait_route(args, prefix, "valid")
    case(name)(run)


# --- message header (RFC 4271 §6.1) ---
raw_case("header: marker not all ones", msg(KEEPALIVE, marker=b"\xff" * 15 + b"\xfe"), 1, 1)
raw_case("header: zero marker", msg(OPEN, open_body(), marker=b"\0" * 16), 1, 1)
raw_case("header: length 0", msg(KEEPALIVE, length=0), 1, 2)
raw_case("header: length 18", msg(KEEPALIVE, length=18), 1, 2)
raw_case("header: length 4097", msg(UPDATE, b"\0" * 4078, length=4097), 1, 2,
         before_open=False)
raw_case("header: length 65535 without extended messages", msg(UPDATE, length=65535), 1, 2,
         before_open=False)
raw_case("header: KEEPALIVE of 20 bytes", msg(KEEPALIVE, b"\0"), 1, 2)
raw_case("header: OPEN shorter than 29", msg(OPEN, b"\x04\x2f\x2c"), 1, 2)
raw_case("header: UPDATE shorter than 23", msg(UPDATE, b"\0\0", length=21), 1, 2,
         before_open=False)
raw_case("header: NOTIFICATION shorter than 21", msg(NOTIFICATION, b"\x06"), 1, 2,
         before_open=False)
raw_case("header: type 0", msg(0), 1, 3)
raw_case("header: type 6", msg(6), 1, 3)
raw_case("header: type 255", msg(255, b"\0" * 10), 1, 3)

# --- OPEN (RFC 4271 §6.2, RFC 5492) ---
open_case("open: version 3", open_body(version=3), 2, 1, data=b"\x00\x04")
open_case("open: version 5", open_body(version=5), 2, 1, data=b"\x00\x04")
open_case("open: wrong peer AS", open_body(asn=64999, params=caps_param(
    cap(1, struct.pack(">HBB", 1, 0, 1)), cap(65, struct.pack(">I", 64999)))), 2, 2)
open_case("open: 4-octet AS capability disagrees", open_body(params=caps_param(
    cap(65, struct.pack(">I", 4200000000)))), 2, 2)
# RFC 6793 §3 with RFC 4271 §6.2: a recognized but malformed capability is
# 2/0, never "a 2-octet speaker".
open_case("open: 4-octet AS capability of length 2", open_body(params=caps_param(
    cap(1, struct.pack(">HBB", 1, 0, 1)), cap(65, struct.pack(">H", PROVIDER_AS)))), 2, 0)
open_case("open: hold time 1", open_body(hold=1), 2, 6)
open_case("open: hold time 2", open_body(hold=2), 2, 6)
open_case("open: BGP identifier 0", open_body(bgp_id="0.0.0.0"), 2, 3)
open_case("open: optional parameter type 1 (authentication)",
          open_body(params=bytes([1, 2, 0, 0])), 2, 4)
open_case("open: optional parameter type 99", open_body(params=bytes([99, 0])), 2, 4)
open_case("open: parameter length overruns", open_body(params=bytes([2, 40]) + b"\x01\x04"), 2, 0)
open_case("open: opt parm len beyond the message",
          open_body(params=b"")[:-1] + bytes([30]), 2, 0)
open_case("open: capability length overruns the parameter",
          open_body(params=bytes([2, 4, 65, 9, 0, 0])), 2, 0)
open_case("open: trailing byte after the parameters",
          open_body(params=caps_param(*DEFAULT_CAPS)) + b"\0", 2, 0)

# --- UPDATE: RFC 4271 §6.3 session resets ---
update_reset_case("update: withdrawn length overruns",
                  update_body(wlen=200, withdrawn=b"\x08\x0a"), 3, 1)
update_reset_case("update: total attribute length overruns",
                  update_body(attrs=good_attrs(), alen=400), 3, 1)
update_reset_case("update: NLRI /33", update_body(attrs=good_attrs(),
                                                  nl=b"\x21\x0a\x00\x00\x00\x00"), 3, 10)
update_reset_case("update: NLRI /255", update_body(attrs=good_attrs(), nl=b"\xff\x0a"), 3, 10)
update_reset_case("update: NLRI truncated", update_body(attrs=good_attrs(),
                                                        nl=b"\x18\x0a\x01"), 3, 10)
# RFC 7606 §5.3 treats the Withdrawn Routes field like the NLRI field
update_reset_case("update: withdrawn /40", update_body(withdrawn=b"\x28" + b"\0" * 5), 3, 10)
update_reset_case("update: unrecognized well-known attribute",
                  update_body(attrs=good_attrs() + attr(0x40, 99, b"\0\0"),
                              nl=nlri("10.99.0.0/16")), 3, 2)
update_reset_case("update: duplicate MP_REACH_NLRI",
                  update_body(attrs=good_attrs() +
                              attr(0x80, 14, struct.pack(">HBB", 2, 1, 16) + b"\0" * 16 + b"\0") * 2),
                  3, 1)

# --- UPDATE: RFC 7606 treat-as-withdraw ---
withdraw_case("7606: ORIGIN value 3", origin(3) + aspath(PROVIDER_AS) + nexthop(), "10.201.0.0/16")
withdraw_case("7606: ORIGIN length 2", attr(0x40, 1, b"\0\0") + aspath(PROVIDER_AS) + nexthop(),
              "10.202.0.0/16")
withdraw_case("7606: ORIGIN flagged optional", origin(flags=0xc0) + aspath(PROVIDER_AS) + nexthop(),
              "10.203.0.0/16")
withdraw_case("7606: AS_PATH segment count overruns",
              origin() + attr(0x40, 2, b"\x02\x05" + struct.pack(">I", PROVIDER_AS)) + nexthop(),
              "10.204.0.0/16")
withdraw_case("7606: AS_PATH segment type 9", origin() + aspath(PROVIDER_AS, seg=9) + nexthop(),
              "10.205.0.0/16")
withdraw_case("7606: AS_PATH zero-length segment",
              origin() + attr(0x40, 2, b"\x02\x00") + nexthop(), "10.206.0.0/16")
withdraw_case("7606: AS_PATH first AS not the peer's", origin() + aspath(64999) + nexthop(),
              "10.207.0.0/16")
withdraw_case("7606: AS_PATH confederation segment on eBGP",
              origin() + aspath(PROVIDER_AS, seg=3) + nexthop(), "10.208.0.0/16")
withdraw_case("7606: missing ORIGIN", aspath(PROVIDER_AS) + nexthop(), "10.209.0.0/16")
withdraw_case("7606: missing AS_PATH", origin() + nexthop(), "10.210.0.0/16")
withdraw_case("7606: missing NEXT_HOP", origin() + aspath(PROVIDER_AS), "10.211.0.0/16")
withdraw_case("7606: NEXT_HOP length 5", origin() + aspath(PROVIDER_AS) +
              attr(0x40, 3, b"\xac\x10\x01\x02\x00"), "10.212.0.0/16")
withdraw_case("7606: NEXT_HOP is the CE's own address",
              origin() + aspath(PROVIDER_AS) + nexthop("172.16.1.1"), "10.213.0.0/16")
withdraw_case("7606: NEXT_HOP 0.0.0.0", origin() + aspath(PROVIDER_AS) + nexthop("0.0.0.0"),
              "10.214.0.0/16")
withdraw_case("7606: NEXT_HOP multicast", origin() + aspath(PROVIDER_AS) + nexthop("224.0.0.5"),
              "10.215.0.0/16")
withdraw_case("7606: MED length 3", good_attrs() + attr(0x80, 4, b"\0\0\1"), "10.216.0.0/16")
withdraw_case("7606: COMMUNITIES length 5", good_attrs() + attr(0xc0, 8, b"\0" * 5),
              "10.217.0.0/16")
withdraw_case("7606: attribute length overruns the list (last attribute)",
              good_attrs() + b"\x80\x04\x09\0\0\0\0", "10.218.0.0/16")

# --- UPDATE: RFC 7606 attribute discard and duplicates ---
discard_case("7606: LOCAL_PREF on eBGP discarded",
             good_attrs() + attr(0x40, 5, b"\0\0\0\x64"), "10.221.0.0/16")
# RFC 7606 §7.5 with RFC 4271 §5.1.5: from an external peer it is discarded
# whatever its length, and the route stays.
discard_case("7606: LOCAL_PREF of length 2 on eBGP discarded (route kept)",
             good_attrs() + attr(0x40, 5, b"\0\x64"), "10.233.0.0/16")
discard_case("7606: LOCAL_PREF of length 0 on eBGP discarded (route kept)",
             good_attrs() + attr(0x40, 5, b""), "10.234.0.0/16")
discard_case("7606: ATOMIC_AGGREGATE length 1 discarded",
             good_attrs() + attr(0x40, 6, b"\0"), "10.222.0.0/16")
discard_case("7606: AGGREGATOR length 3 discarded",
             good_attrs() + attr(0xc0, 7, b"\0\0\0"), "10.223.0.0/16")
discard_case("7606: duplicate ORIGIN (first kept)",
             good_attrs() + origin(3), "10.224.0.0/16")
discard_case("7606: unknown optional non-transitive attribute ignored",
             good_attrs() + attr(0x80, 99, b"\1\2\3"), "10.225.0.0/16")


# --- UPDATE: 4-octet AS and multiprotocol attributes ---
def as4path(*asns, seg=2):
    return attr(0xc0, 17, bytes([seg, len(asns)]) + b"".join(struct.pack(">I", a) for a in asns))


discard_case("6793: AS4_PATH on a 4-octet session discarded",
             good_attrs() + as4path(64999, 65001), "10.226.0.0/16")
discard_case("6793: malformed AS4_PATH discarded (segment type 9)",
             good_attrs() + as4path(PROVIDER_AS, seg=9), "10.227.0.0/16")
discard_case("7606: AS4_AGGREGATOR length 5 discarded",
             good_attrs() + attr(0xc0, 18, b"\0" * 5), "10.228.0.0/16")
discard_case("4760: MP_REACH_NLRI for IPv6 (not negotiated) ignored",
             good_attrs() + attr(0x80, 14, struct.pack(">HBB", 2, 1, 16) +
                                 socket.inet_pton(socket.AF_INET6, "2001:db8::2") + b"\0" +
                                 b"\x20\x20\x01\x0d\xb8"), "10.229.0.0/16")


@case("update: End-of-RIB and an empty withdraw are harmless")
def _(args, st):
    p = st.session(args)
    p.send(msg(UPDATE, update_body()))
    p.send(msg(UPDATE, update_body(withdrawn=nlri("10.250.0.0/16"))))
    p.expect_silence(1.0)


@case("route-refresh: unknown AFI and unknown subtype are ignored")
def _(args, st):
    p = st.session(args)
    p.send(msg(ROUTE_REFRESH, struct.pack(">HBB", 99, 0, 1)))
    p.send(msg(ROUTE_REFRESH, struct.pack(">HBB", 1, 7, 1)))
    p.expect_silence(1.0)


@case("fsm: the peer's Cease in Established closes without an answer")
def _(args, st):
    p = st.session(args)
    st.drop()
    try:
        p.send(msg(NOTIFICATION, b"\x06\x02\x05gone!"))
        try:
            while True:
                m = p.recv_msg(5.0)
                if m is None:
                    raise Fail("connection not closed after the peer's NOTIFICATION")
                if m[0] == NOTIFICATION:
                    raise Fail("cebgpd answered a NOTIFICATION with a NOTIFICATION")
        except EOFError:
            pass
    finally:
        p.close()


# --- FSM (RFC 4271 §8, RFC 6608) ---
@case("fsm: UPDATE in OpenSent")
def _(args, st):
    p = connect(args)
    try:
        p.send(msg(UPDATE, update_body(attrs=good_attrs(), nl=nlri("10.231.0.0/16"))))
        p.expect_notification(5, 1)
    finally:
        p.close()


@case("fsm: KEEPALIVE in OpenSent")
def _(args, st):
    p = connect(args)
    try:
        p.send(msg(KEEPALIVE))
        p.expect_notification(5, 1)
    finally:
        p.close()


@case("fsm: UPDATE in OpenConfirm")
def _(args, st):
    p = connect(args)
    try:
        p.send(msg(OPEN, open_body()))
        p.expect(KEEPALIVE, 5.0, skip=())
        p.send(msg(UPDATE, update_body(attrs=good_attrs(), nl=nlri("10.232.0.0/16"))))
        p.expect_notification(5, 2)
    finally:
        p.close()


@case("fsm: second OPEN in OpenConfirm")
def _(args, st):
    p = connect(args)
    try:
        p.send(msg(OPEN, open_body()))
        p.expect(KEEPALIVE, 5.0, skip=())
        p.send(msg(OPEN, open_body()))
        p.expect_notification(5, 2)
    finally:
        p.close()


@case("fsm: OPEN in Established")
def _(args, st):
    p = establish(args)
    try:
        p.send(msg(OPEN, open_body()))
        p.expect_notification(5, 3)
    finally:
        p.close()


@case("fsm: no KEEPALIVE until hold expiry")
def _(args, st):
    p = establish(args, hold=3)
    try:
        p.expect_notification(4, 0, timeout=8.0)
    finally:
        p.close()


@case("fsm: KEEPALIVE trickled one byte per second expires the hold timer")
def _(args, st):
    p = establish(args, hold=3)
    try:
        ka = msg(KEEPALIVE)
        t0 = time.time()
        for i in range(len(ka)):
            try:
                p.send(ka[i:i + 1])
            except OSError:
                break
            m = p.recv_msg(1.0) if True else None
            if m and m[0] == NOTIFICATION:
                if (m[1][0], m[1][1]) != (4, 0):
                    raise Fail("NOTIFICATION %d/%d, wanted 4/0" % (m[1][0], m[1][1]))
                if time.time() - t0 > 6:
                    raise Fail("hold expiry after %.1f s" % (time.time() - t0))
                return
        raise Fail("no Hold Timer Expired while the KEEPALIVE trickled in")
    except EOFError as e:
        raise Fail("closed without NOTIFICATION: %s" % e)
    finally:
        p.close()


@case("fsm: OPEN trickled one byte per second still establishes")
def _(args, st):
    p = connect(args)
    try:
        o = msg(OPEN, open_body(params=caps_param(cap(65, struct.pack(">I", PROVIDER_AS)))))
        for i in range(len(o)):
            p.send(o[i:i + 1])
            time.sleep(1.0)
            try:
                m = p.recv_msg(0.0)
            except EOFError as e:
                raise Fail("closed after %d bytes: %s" % (i + 1, e))
            if m and m[0] == NOTIFICATION:
                raise Fail("NOTIFICATION %d/%d after %d bytes" % (m[1][0], m[1][1], i + 1))
        p.send(msg(KEEPALIVE))
        p.expect(KEEPALIVE, 5.0, skip=())
        p.send(msg(NOTIFICATION, b"\x06\x02"))
    finally:
        p.close()


@case("fsm: NOTIFICATION with bad length in OpenSent closes quietly")
def _(args, st):
    p = connect(args)
    try:
        p.send(msg(NOTIFICATION, b"\x06\x02"))
        try:
            m = p.recv_msg(5.0)
            if m and m[0] == NOTIFICATION:
                raise Fail("cebgpd answered a NOTIFICATION with a NOTIFICATION")
            if m is None:
                raise Fail("connection not closed after the peer's NOTIFICATION")
        except EOFError:
            pass
    finally:
        p.close()


@case("fsm: ROUTE-REFRESH of 5 bytes in Established")
def _(args, st):
    p = establish(args)
    try:
        p.send(msg(ROUTE_REFRESH, b"\0\1\0\1\0"))
        p.expect_notification(7, 1)
    finally:
        p.close()


# --- connection floods and TCP-MD5 ---
@case("flood: 30 connections from the peer's address")
def _(args, st):
    st.drop()
    socks = []
    for _ in range(30):
        try:
            socks.append(Peer(args, timeout=2.0))
        except OSError:
            pass
    time.sleep(2.0)
    for s in socks:
        s.close()
    if not ce_alive(args):
        raise Fail("cebgpd died")
    p = establish(args)  # and a proper session still comes up
    p.send(msg(NOTIFICATION, b"\x06\x02"))
    p.close()


@case("flood: 100 unsigned connections from an unknown address")
def _(args, st):
    opened = 0
    socks = []
    for _ in range(100):
        try:
            socks.append(Peer(args, key="", local=args.other, timeout=0.5))
            opened += 1
        except OSError:
            pass
    if opened == 0:
        raise Fail("no connection from the unknown address got through TCP")
    time.sleep(1.0)
    # cebgpd must not speak BGP to, nor keep, connections from an unconfigured address
    kept_open = 0
    for s in socks:
        try:
            m = s.recv_msg(0.2)
            if m is not None:
                raise Fail("cebgpd sent type %d to an unknown address" % m[0])
            kept_open += 1
        except EOFError:
            pass
        s.close()
    if kept_open:
        raise Fail("%d of %d connections from an unknown address still open" % (kept_open, opened))
    if not ce_alive(args):
        raise Fail("cebgpd died")


@case("md5: no key is never accepted")
def _(args, st):
    st.drop()
    try:
        p = Peer(args, key="", timeout=3.0)
    except OSError:
        return
    try:
        p.expect(OPEN, 3.0)
        raise Fail("cebgpd spoke BGP over an unsigned connection")
    except (EOFError, Fail) as e:
        if "spoke" in str(e):
            raise
    finally:
        p.close()


@case("md5: wrong key is never accepted")
def _(args, st):
    try:
        p = Peer(args, key="ffffffffffffffffffffffffffffffff", timeout=3.0)
    except OSError:
        return
    try:
        p.expect(OPEN, 3.0)
        raise Fail("cebgpd spoke BGP over a wrongly signed connection")
    except (EOFError, Fail) as e:
        if "spoke" in str(e):
            raise
    finally:
        p.close()


@case("md5: the right key still works after the attempts")
def _(args, st):
    p = establish(args)
    p.send(msg(NOTIFICATION, b"\x06\x02"))
    p.close()


# ------------------------------------------------------------------ driver

class State:
    """An Established session reused by the non-resetting cases."""

    def __init__(self):
        self.p = None

    def session(self, args):
        if self.p is not None:
            try:
                self.p.send(msg(KEEPALIVE))
                self.p.expect_silence(0.2)
                return self.p
            except (OSError, Fail):
                self.drop()
        self.p = establish(args)
        return self.p

    def drop(self):
        """Forget the shared session (the case will reset or close it)."""
        self.p = None


def kept(args):
    """None if every --keep route is valid in cebgpd's Adj-RIB-In, else why not."""
    missing = []
    for item in (x for x in args.keep.split(",") if x):
        sess, prefix = item.rsplit("=", 1)
        if ce_routes(args, sess).get(prefix) != "valid":
            missing.append("cebgpd lost %s on %s" % (prefix, sess))
    return "; ".join(missing) or None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--local", default="172.16.1.2")
    ap.add_argument("--other", default="172.16.1.6", help="an address cebgpd has no session with "
                    "on this link")
    ap.add_argument("--remote", default="172.16.1.1")
    ap.add_argument("--port", type=int, default=179)
    ap.add_argument("--key", default="")
    ap.add_argument("--ce-pid", type=int, default=0)
    ap.add_argument("--ce-log", default="")
    ap.add_argument("--session", default="1GbpsCircuit/private/primary")
    ap.add_argument("--check", default="")
    ap.add_argument("--keep", default="", help="SESSION=PREFIX,...: routes of the other "
                    "sessions that must stay in cebgpd's Adj-RIB-In")
    ap.add_argument("--only", default="")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        for name, _ in CASES:
            print(name)
        return 0
    only = set(x for x in args.only.split(",") if x)
    st = State()
    passed = failed = 0
    for name, fn in CASES:
        if only and name not in only:
            continue
        why = None
        t0 = time.time()
        try:
            fn(args, st)
        except (Fail, OSError, EOFError) as e:
            why = "%s: %s" % (type(e).__name__, e) if not isinstance(e, Fail) else str(e)
            st.drop()
        if why is None and not ce_alive(args):
            why = "cebgpd is not running any more"
        if why is None and args.check:
            r = subprocess.run(["bash", "-c", args.check], capture_output=True, text=True)
            if r.returncode != 0:
                why = "other sessions: " + (r.stdout + r.stderr).strip().replace("\n", "; ")
        if why is None and args.keep:
            why = kept(args)
        if why is None:
            passed += 1
            print("ok: %s (%.1f s)" % (name, time.time() - t0), flush=True)
        else:
            failed += 1
            print("FAIL: %s: %s" % (name, why), flush=True)
        if not ce_alive(args):
            print("hostile: cebgpd died, stopping", flush=True)
            break
    if st.p:
        st.p.close()
    print("hostile: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
