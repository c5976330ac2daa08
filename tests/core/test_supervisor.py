"""booknest/supervisor.py with real processes: signals forwarded once, one dies → all stop."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

# A child that records each signal it gets in its file, then exits after a short, graceful
# pause (so a second, duplicated signal would be recorded too). `ignore` signals are recorded
# but not obeyed; `exit_after` seconds (if given) it exits on its own with `status`.
CHILD = """
import os, signal, sys, time
log, ignore, exit_after, status = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3]), int(sys.argv[4])
stopping = []
def on(signum, frame):
    with open(log, "a") as f:
        f.write(signal.Signals(signum).name + "\\n")
    if signal.Signals(signum).name not in ignore:
        stopping.append(time.monotonic())
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, on)
open(log, "a").write(f"pid {os.getpid()}\\n")
started = time.monotonic()
while True:
    time.sleep(0.05)
    if stopping and time.monotonic() - stopping[0] > 0.3:
        sys.exit(0)
    if exit_after >= 0 and time.monotonic() - started > exit_after:
        sys.exit(status)
"""
SUPERVISOR = """
import json, sys
from booknest.supervisor import supervise
sys.exit(supervise(json.loads(sys.argv[1]), grace=float(sys.argv[2])))
"""


def child(log: Path, ignore: str = "-", exit_after: float = -1, status: int = 0) -> list[str]:
    return [sys.executable, "-c", CHILD, str(log), ignore, str(exit_after), str(status)]


def start(tmp_path: Path, grace: float = 5, **children: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, json.dumps(children), str(grace)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def lines(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def started(*logs: Path) -> bool:
    return all(log.exists() and log.read_text().startswith("pid") for log in logs)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by its new parent) counts as gone.
    return Path(f"/proc/{pid}/stat").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()


def pid_of(log: Path) -> int:
    return int(log.read_text().split()[1])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_reaches_every_child_once_and_exits_0(tmp_path, signum):
    server, worker = tmp_path / "server", tmp_path / "worker"
    supervisor = start(tmp_path, server=child(server), worker=child(worker))
    wait_for(lambda: started(server, worker))
    supervisor.send_signal(signum)
    assert supervisor.wait(timeout=20) == 0
    name = signal.Signals(signum).name
    assert lines(server)[2:] == [name]
    assert lines(worker)[2:] == [name]
    assert not alive(pid_of(server)) and not alive(pid_of(worker))


def test_ctrl_c_on_the_terminal_group_is_still_forwarded_once(tmp_path):
    """A terminal sends SIGINT to the whole foreground group: the children, in groups of their
    own, hear it only from the supervisor."""
    server, worker = tmp_path / "server", tmp_path / "worker"
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SUPERVISOR,
            json.dumps({"s": child(server), "w": child(worker)}),
            "5",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for(lambda: started(server, worker))
    os.killpg(supervisor.pid, signal.SIGINT)
    assert supervisor.wait(timeout=20) == 0
    assert lines(server)[2:] == ["SIGINT"] and lines(worker)[2:] == ["SIGINT"]


def test_a_child_that_dies_stops_the_other_and_the_exit_status_is_its_own(tmp_path):
    server, worker = tmp_path / "server", tmp_path / "worker"
    supervisor = start(tmp_path, server=child(server), worker=child(worker, exit_after=1, status=3))
    assert supervisor.wait(timeout=20) == 3
    assert lines(server)[2:] == ["SIGTERM"]
    assert not alive(pid_of(server))
    assert "worker exited with status 3; stopping server" in supervisor.stderr.read()


def test_a_child_that_ends_with_status_0_is_a_failure_too(tmp_path):
    server, worker = tmp_path / "server", tmp_path / "worker"
    supervisor = start(tmp_path, server=child(server, exit_after=1), worker=child(worker))
    assert supervisor.wait(timeout=20) == 1
    assert lines(worker)[2:] == ["SIGTERM"]


def test_a_child_that_ignores_the_signal_is_killed_after_the_grace_period(tmp_path):
    server, worker = tmp_path / "server", tmp_path / "worker"
    supervisor = start(
        tmp_path, grace=1, server=child(server), worker=child(worker, ignore="SIGINT")
    )
    wait_for(lambda: started(server, worker))
    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(timeout=20) == 1
    assert lines(worker)[2:] == ["SIGINT"]
    assert not alive(pid_of(worker))
    assert "worker still running after 1 s: killing" in supervisor.stderr.read()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_the_supervisor_leaves_no_orphan(tmp_path):
    server, worker = tmp_path / "server", tmp_path / "worker"
    supervisor = start(tmp_path, server=child(server), worker=child(worker))
    wait_for(lambda: started(server, worker))
    supervisor.kill()
    supervisor.wait(timeout=10)
    wait_for(lambda: not alive(pid_of(server)) and not alive(pid_of(worker)))
    assert lines(server)[2:] == ["SIGTERM"] and lines(worker)[2:] == ["SIGTERM"]
