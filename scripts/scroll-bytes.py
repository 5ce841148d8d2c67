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
import termios
import fcntl
import time

import ptyrun


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
    tycho, directory, steps, cols, rows = ptyrun.arguments(__doc__, "--steps", 50)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(tycho, [tycho, "--data", directory], ptyrun.environment())
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
    ptyrun.quit_browser(pid, fd, lambda fd: read_until_quiet(fd, 0.5, 5))
    print(json.dumps({"first_screen": len(screen), "steps": steps, "median": statistics.median(per_step),
                      "min": min(per_step), "max": max(per_step), "size": f"{cols}x{rows}"}))


if __name__ == "__main__":
    main()
