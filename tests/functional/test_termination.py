"""A running `recommend` stopped by SIGTERM, Ctrl-C or SIGKILL leaves no pool worker behind (issue 15).

Workers are found through /proc (psutil may not be installed): a worker is a process whose
parent is the `archsel recommend` process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc"),
]

REPO = Path(__file__).resolve().parents[2]
# Long enough that every simulation run is still going when the signal comes (minutes a run).
PROFILE = """version: 1
name: busy
traffic: {mean_rps: 400, shape: diurnal}
request: {duration_ms: {distribution: lognormal, p50: 60, p95: 250}}
simulation: {horizon: 2d, seed: 1, replications: 3}
"""


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process, None when it is gone (or a zombie)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    state, parent = fields[0], int(fields[1])
    return None if state in "ZX" else (parent, state)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[0] == pid:
                found.append(int(entry.name))
    return found


def start_recommend(tmp_path: Path) -> tuple[subprocess.Popen[str], list[int]]:
    profile = tmp_path / "busy.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "archsel", "recommend", str(profile), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 180  # planning, imports and numba's first compile come first
    workers: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        workers = children_of(process.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.2)
    assert len(workers) >= 2, f"no pool started: {process.poll()} {process.stderr.read() if process.stderr else ''}"
    time.sleep(1.0)  # the workers are simulating now
    return process, workers


def assert_no_worker_left(workers: list[int]) -> None:
    time.sleep(5.0)
    left = [pid for pid in workers if _stat(pid) is not None]
    for pid in left:  # do not leave them burning CPU after a failed test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers still running 5 s later: {left}"


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [(signal.SIGTERM, 143, "archsel: terminated by SIGTERM: "), (signal.SIGINT, 130, "archsel: interrupted: ")],
)
def test_sigterm_and_ctrl_c_stop_the_workers_and_say_so(
    tmp_path: Path, signum: signal.Signals, code: int, line: str
) -> None:
    process, workers = start_recommend(tmp_path)
    process.send_signal(signum)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert line in err and "simulation runs finished" in err, err
    assert "Traceback" not in err
    assert_no_worker_left(workers)


def test_after_a_sigkill_of_the_main_process_the_workers_exit_on_their_own(tmp_path: Path) -> None:
    process, workers = start_recommend(tmp_path)
    process.kill()
    process.wait(timeout=10)
    assert_no_worker_left(workers)
