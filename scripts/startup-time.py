#!/usr/bin/env python3
"""How long the browser takes to open, through a real pty, as the user sees it.

    startup-time.py TYCHO DATA_DIR [--runs N] [--size COLSxROWS]

Starts `TYCHO --data DATA_DIR` on a pty (TERM=xterm-256color) N times with
TYCHO_STARTUP_TRACE set; the browser writes there, on CLOCK_MONOTONIC, when the first events
and then every event were drawn, and its resident memory then. Times are counted from just
before the fork, so they include starting the process. Prints one line of JSON with a list per
figure: first_paint and loaded in seconds, rss_mb after loading. Used by `make bench`.
"""
import fcntl
import json
import os
import pty
import select
import struct
import sys
import tempfile
import termios
import time

import ptyrun


def drain(fd, seconds):
    """Reads (and drops) what the program draws for `seconds`, so it never blocks on output."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                if not os.read(fd, 65536):
                    return False
            except OSError:
                return False


def one_run(tycho, directory, cols, rows, trace):
    env = ptyrun.environment(TYCHO_STARTUP_TRACE=trace)
    env.pop("NO_COLOR", None)
    started = time.monotonic_ns()
    pid, fd = pty.fork()
    if pid == 0:
        # The window size is set before the program starts, so it draws once at its real size.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execve(tycho, [tycho, "--data", directory], env)
    marks = {}
    deadline = time.monotonic() + 120
    while "loaded" not in marks and time.monotonic() < deadline:
        if not drain(fd, 0.01):
            break
        try:
            with open(trace) as lines:
                for line in lines:
                    fields = line.split()
                    if len(fields) >= 2:
                        marks[fields[1]] = fields
        except FileNotFoundError:
            pass
    ptyrun.quit_browser(pid, fd, lambda fd: drain(fd, 0.3))
    os.close(fd)
    if "loaded" not in marks:
        sys.exit(f"startup-time.py: {tycho} never reported a loaded screen")
    loaded = marks["loaded"]
    first = marks.get("first-paint", loaded)
    return ((int(first[0]) - started) / 1e9, (int(loaded[0]) - started) / 1e9, int(loaded[4]) / 1024)


def main():
    tycho, directory, runs, cols, rows = ptyrun.arguments(__doc__, "--runs", 5)
    result = {"first_paint": [], "loaded": [], "rss_mb": []}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(runs):
            first, loaded, rss = one_run(tycho, directory, cols, rows, os.path.join(scratch, f"trace-{run}"))
            result["first_paint"].append(first)
            result["loaded"].append(loaded)
            result["rss_mb"].append(rss)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
