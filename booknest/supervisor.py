"""A tiny process supervisor: run some commands together, stop them together.

`make run` with Redis needs two processes (daphne, and the import worker the server queues
jobs for); a developer expects one command that Ctrl-C stops. The contract:

- every child runs in a process group of its own, so a terminal's Ctrl-C reaches only the
  supervisor, which forwards the signal ONCE to each child's group (twice would make daphne
  or a Python child abort its graceful stop);
- SIGINT, SIGTERM and SIGHUP are forwarded as they came; a child still alive `grace` seconds
  later is killed (SIGKILL), and the supervisor exits 0 when every child stopped in time;
- a child that exits on its own (crash, port taken, lost database) is not restarted: the
  others are stopped (SIGTERM, then SIGKILL after `grace`) and the supervisor exits non-zero
  (the child's own status, or 1 when it exited 0: a server that just ends is a failure too);
- on Linux a child also gets SIGTERM if the supervisor itself is killed (PR_SET_PDEATHSIG), so
  `kill -9` on the supervisor leaves no orphan serving a port.

No dependency (honcho, supervisord) for ~100 lines: the tests in tests/core/test_supervisor.py
pin this contract down with real processes.
"""

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
POLL_SECONDS = 0.1
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to SIGTERM the child when the supervisor dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return preexec


def _say(message: str) -> None:
    print(f"supervisor: {message}", file=sys.stderr, flush=True)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone (and maybe reaped)
        os.killpg(process.pid, signum)


def supervise(commands: dict[str, Sequence[str]], *, grace: float = 10.0, **popen) -> int:
    """Runs `commands` ({name: argv}) until one ends or a stop signal comes; the exit status."""
    requested: list[int] = []  # the stop signal received, if any
    children: dict[str, subprocess.Popen] = {}
    told: set[str] = set()  # the children the stop signal was forwarded to
    previous = {signum: signal.getsignal(signum) for signum in FORWARDED}

    def on_signal(signum, _frame) -> None:
        if requested:
            return  # forwarded once already; the grace period decides what happens next
        requested.append(signum)
        _say(f"{signal.Signals(signum).name}: stopping {', '.join(children)}")
        for name, process in children.items():
            told.add(name)
            _signal_group(process, signum)

    for signum in FORWARDED:
        signal.signal(signum, on_signal)
    try:
        preexec = _die_with_parent()
        for name, argv in commands.items():
            if requested:
                break
            process = subprocess.Popen(  # noqa: S603 - the caller's argv, no shell
                list(argv), process_group=0, preexec_fn=preexec, **popen
            )
            children[name] = process
            _say(f"started {name} (pid {process.pid})")
            if requested and name not in told:  # the signal came while it was starting
                told.add(name)
                _signal_group(process, requested[0])
        return _watch(children, requested, grace)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _watch(children: dict[str, subprocess.Popen], requested: list[int], grace: float) -> int:
    failure: int | None = None
    deadline: float | None = None
    running = dict(children)
    while running:
        for name, process in list(running.items()):
            code = process.poll()
            if code is None:
                continue
            del running[name]
            if requested or failure is not None:
                continue
            # The first child to end on its own takes the others down with it.
            failure = code if code > 0 else 1
            _say(f"{name} exited with status {code}; stopping {', '.join(running) or 'nothing'}")
            for other in running.values():
                _signal_group(other, signal.SIGTERM)
        if (requested or failure is not None) and deadline is None:
            deadline = time.monotonic() + grace
        if deadline is not None and running and time.monotonic() > deadline:
            _say(f"{', '.join(running)} still running after {grace:g} s: killing")
            for process in running.values():
                _signal_group(process, signal.SIGKILL)
            for process in running.values():
                process.wait()
            return failure or 1
        time.sleep(POLL_SECONDS)
    return failure or 0
