"""Ctrl-C stops a running `simulate` within about a second, even inside a long kernel call (issue 15).

The aggregate Lambda model steps a whole traffic cycle (here a week, at 100 steps a second) in
one compiled call of several seconds; before, Python saw the SIGINT only when that call returned.
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
PROFILE = """version: 1
name: week-of-traffic
traffic: {mean_rps: 1000000, shape: weekly}
request: {duration_ms: {distribution: lognormal, p50: 10, p95: 40}}
lambda: {account_concurrency: 1000000}
simulation: {horizon: 7d, seed: 1, replications: 2, budget: {model: aggregate}}
"""
CPU_BEFORE_SIGNAL_S = 4.0
"""Imports and loading the cached kernels take 1-2 s of CPU: by 4 s the week's kernel call is under way."""
EXIT_BOUND_S = 3.0
"""The note comes at once; the interpreter's exit takes about a second more on a loaded machine."""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_stops_simulate_inside_a_long_kernel_call(tmp_path: Path) -> None:
    profile = tmp_path / "week.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "archsel", "simulate", str(profile), "-a", "lambda", "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    deadline = time.monotonic() + 180  # a first run compiles the kernels first
    while process.poll() is None and _cpu_seconds(process.pid) < CPU_BEFORE_SIGNAL_S:
        assert time.monotonic() < deadline, "simulate never got going"
        time.sleep(0.1)
    assert process.poll() is None, process.communicate()
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    took = time.monotonic() - sent
    assert process.returncode == 130, err
    assert "archsel: interrupted: simulating: 0 of 2 simulation runs finished, 2 not run" in err, err
    assert "Traceback" not in err
    assert out == ""
    assert took < EXIT_BOUND_S, f"exit {took:.1f} s after Ctrl-C"
