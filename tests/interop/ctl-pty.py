#!/usr/bin/env python3
"""Drive an interactive program (cebgpctl's shell) under a pseudo-terminal.

usage: ctl-pty.py STEP... -- CMD [ARG...]

Steps run in order:
  s:TEXT   send TEXT; Python escapes are understood: \\t (TAB), \\r (Enter),
           \\x15 (^U, kill line), \\x10 (^P, previous history line)
  e:REGEX  wait (up to 10 s) until REGEX matches the output read since the
           last match, then continue after the match
  n:REGEX  the output read so far since the last match must NOT match REGEX
Exit 0 when every step passed; otherwise print the transcript and exit 1.
Terminal escape sequences are stripped before matching.
"""
import codecs
import os
import pty
import re
import select
import signal
import sys
import time

ESC = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")


def main():
    if "--" not in sys.argv:
        print(__doc__, file=sys.stderr)
        return 2
    sep = sys.argv.index("--")
    steps, cmd = sys.argv[1:sep], sys.argv[sep + 1:]
    env = dict(os.environ, TERM="xterm", COLUMNS="200", LINES="50")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    raw = b""
    pos = 0

    def read_some(timeout):
        nonlocal raw
        r, _, _ = select.select([fd], [], [], timeout)
        if fd in r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            raw += data
        return True

    def text():
        return ESC.sub(b"", raw).decode("utf-8", "replace")

    ok = True
    for step in steps:
        kind, arg = step[:2], step[2:]
        if kind == "s:":
            data = codecs.decode(arg, "unicode_escape")
            time.sleep(0.2)  # let the shell redraw first
            os.write(fd, data.encode())
        elif kind == "e:":
            rx = re.compile(arg)
            end = time.time() + 10
            while True:
                m = rx.search(text(), pos)
                if m:
                    pos = m.end()
                    break
                if time.time() > end or not read_some(0.1):
                    if time.time() > end:
                        print("ctl-pty: timed out waiting for /%s/" % arg)
                        ok = False
                        break
        elif kind == "n:":
            read_some(0.5)
            if re.search(arg, text()[pos:]):
                print("ctl-pty: unexpected /%s/" % arg)
                ok = False
        else:
            print("ctl-pty: bad step %r" % step)
            ok = False
        if not ok:
            break
    # Let the program finish on its own (exit saves the history), then stop it.
    end = time.time() + 3
    while time.time() < end and read_some(0.1):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        done = 0
    if not done:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    if not ok:
        print("---- transcript ----")
        print(text())
        print("--------------------")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
