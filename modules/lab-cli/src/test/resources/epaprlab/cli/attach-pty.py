#!/usr/bin/env python3
"""Drives `epapr-lab run --attach` in a real pseudo-terminal, as a user at a terminal would.

usage: attach-pty.py SCENARIO TIMEOUT_S COMMAND...
  detach   wait for "echo> ", type "hello ESC[31mred<Enter>" (a terminal control sequence for the
           guest to echo back), wait for the echo, type Ctrl-] and let the lab run to its end
  signal   wait for "echo> ", then send SIGTERM to the command
  uboot    wait for U-Boot's "=> ", type "version<Enter>", wait for its answer, type Ctrl-C (U-Boot
           answers "<INTERRUPT>"), type Ctrl-] and let the lab run to its end
Prints lines "terminal-before: ...", "terminal-attached: ...", "terminal-after: ..." (termios
flags lflag/iflag of the pty), "exit: N" and then everything the command wrote ("output:" then
the bytes, repr-escaped). Exits 2 when an expected text did not come within TIMEOUT_S.
"""
import os, pty, select, signal, sys, termios, time

scenario, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

out = bytearray()
deadline = time.monotonic() + timeout

def flags():
    a = termios.tcgetattr(fd)
    return "iflag=%x lflag=%x" % (a[0], a[3])

def pump(until=None, wait=0.0):
    """Reads output until `until` appears (after the current end) or the child closes the pty."""
    start = len(out)
    end = time.monotonic() + wait
    while True:
        if until is not None and until in out[start - 200 if start > 200 else 0:]:
            return True
        if until is None and time.monotonic() >= end and wait > 0:
            return True
        if time.monotonic() > deadline:
            return False
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return until is None
            if not data:
                return until is None
            out.extend(data)

def report(code, failed=None):
    print("exit: %s" % code)
    if failed:
        print("timed out waiting for: %r" % failed)
    print("output:")
    print(repr(bytes(out)))
    sys.exit(2 if failed else 0)

print("terminal-before: " + flags())
prompt = b"=> " if scenario == "uboot" else b"echo> "
if not pump(prompt):
    os.kill(pid, signal.SIGKILL); report("killed", prompt)
time.sleep(0.3)                       # the raw mode is set before the first guest byte; be generous
print("terminal-attached: " + flags())
if scenario == "detach":
    os.write(fd, b"hello \x1b[31mred\r")
    if not pump(b"31mred"):
        os.kill(pid, signal.SIGKILL); report("killed", "31mred")
    os.write(fd, b"\x1d")
    if not pump(b"detached from vm"):
        os.kill(pid, signal.SIGKILL); report("killed", "detached")
    print("terminal-detached: " + flags())
elif scenario == "uboot":
    for typed, answer in ((b"version\r", b"GNU ld"), (b"\x03", b"<INTERRUPT>"), (b"\x1d", b"detached from vm")):
        os.write(fd, typed)
        if not pump(answer):
            os.kill(pid, signal.SIGKILL); report("killed", answer)
elif scenario == "signal":
    os.kill(pid, signal.SIGTERM)
pump(None)
_, status = os.waitpid(pid, 0)
print("terminal-after: " + flags())
report(os.waitstatus_to_exitcode(status))
