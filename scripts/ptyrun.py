"""What the pty scripts share: their command line, the browser's environment, and quitting it."""
import os
import signal
import sys


def arguments(doc, count_option, count_default):
    """TYCHO DATA_DIR [COUNT_OPTION N] [--size COLSxROWS] -> (tycho, directory, count, cols, rows)."""
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(doc)
    count, cols, rows = count_default, 120, 40
    if count_option in args:
        count = int(args[args.index(count_option) + 1])
    if "--size" in args:
        cols, rows = (int(n) for n in args[args.index("--size") + 1].split("x"))
    return args[0], args[1], count, cols, rows


def environment(**extra):
    """The environment the browser runs in: a known terminal, and not inside the caller's tmux."""
    env = dict(os.environ, TERM="xterm-256color", **extra)
    env.pop("TMUX", None)
    return env


def quit_browser(pid, fd, drain):
    """Presses q, lets it draw its last (`drain(fd)`), and makes sure it has gone."""
    os.write(fd, b"q")
    drain(fd)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
