#!/usr/bin/env python3
"""Bytes the browser writes to the terminal per scroll step, through a real pty.

    scroll-bytes.py TYCHO DATA_DIR [--steps N] [--size COLSxROWS]

Starts `TYCHO --data DATA_DIR` on a pty of the given size (TERM=xterm-256color), waits until
the data has loaded and the screen is still, then presses `j` N times, each time reading
until the output has been quiet for a while. Prints one line of JSON: the bytes of the first
full screen, and the median, minimum and maximum bytes per step. Used by `make bench`.
"""
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import fcntl
import time


def read_until_quiet(fd, quiet, limit):
    """Everything fd writes until it has been silent for `quiet` seconds (at most `limit`)."""
    data = bytearray()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return bytes(data)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    tycho, directory = args[0], args[1]
    steps, cols, rows = 50, 120, 40
    if "--steps" in args:
        steps = int(args[args.index("--steps") + 1])
    if "--size" in args:
        cols, rows = (int(n) for n in args[args.index("--size") + 1].split("x"))
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, TERM="xterm-256color")
        env.pop("TMUX", None)
        os.execve(tycho, [tycho, "--data", directory], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    # Loaded: the status line no longer says "loading", and nothing has been drawn for 1.5 s.
    screen = bytearray()
    started = time.monotonic()
    while time.monotonic() - started < 120:
        screen += read_until_quiet(fd, 1.5, 10)
        if b"loading" not in screen[-4000:]:
            break
    per_step = []
    for _ in range(steps):
        os.write(fd, b"j")
        per_step.append(len(read_until_quiet(fd, 0.15, 5)))
    os.write(fd, b"q")
    read_until_quiet(fd, 0.5, 5)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    print(json.dumps({"first_screen": len(screen), "steps": steps, "median": statistics.median(per_step),
                      "min": min(per_step), "max": max(per_step), "size": f"{cols}x{rows}"}))


if __name__ == "__main__":
    main()
