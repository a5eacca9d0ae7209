"""Issue 18: sweep's progress names the design in flight, against a total fixed by the plan.

Plain lines when stderr is not a terminal (run in process), one rich bar when it is (a pty).
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO, CliResult
from tests.sweep_support import TINY, write

VARY = ("--vary", "lambda.memory_mb=512,1024", "--vary", "fargate.min_tasks=1,2")


def test_plain_lines_name_each_design_and_its_point_against_a_fixed_total(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    profile = write(tmp_path, TINY)
    result = run_cli("sweep", str(profile), *VARY, "--arch", "all", "--jobs", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 12  # 4 points x 3 architectures x 1 replication
    assert all(re.match(r"\[\d+/12\] ", line) for line in lines), lines  # the total never grows
    designs = {re.sub(r"^\[\d+/12\] | at point .*$", "", line) for line in lines}
    assert designs == {
        "Lambda 512 MB x86_64",
        "Lambda 1024 MB x86_64",
        "Fargate 0.5 vCPU 1 GB x86_64, 1-20 tasks",
        "Fargate 0.5 vCPU 1 GB x86_64, 2-20 tasks",
        "Lambda Managed Instances m7i.large x86_64, 2048 MB, 3-30 instances",
    }
    assert "Lambda 1024 MB x86_64 at point 3/4 (lambda.memory_mb=1024, fargate.min_tasks=1)" in result.stderr


def _stderr_on_a_terminal(args: list[str], timeout_s: float = 240.0) -> str:
    """Run `archsel ARGS` with stderr on a pseudo-terminal; what the terminal received."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "160", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "archsel", *args], stdout=subprocess.DEVNULL, stderr=follower, env=env
    )
    os.close(follower)
    received = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], timeout_s)
            if not ready:
                raise AssertionError(f"no output for {timeout_s} s: {received[-500:]!r}")
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the pty closes when the process exits
                break
            if not chunk:
                break
            received += chunk
    finally:
        process.wait(timeout=timeout_s)
        os.close(leader)
    assert process.returncode == 0, received.decode(errors="replace")[-2000:]
    return received.decode(errors="replace")


def test_on_a_terminal_one_bar_names_the_design_and_counts_to_the_planned_total(tmp_path: Path) -> None:
    profile = write(tmp_path, TINY)
    vary = ("--vary", "lambda.memory_mb=512,1024", "--vary", "traffic.mean_rps=1,2")
    raw = _stderr_on_a_terminal(["sweep", str(profile), *vary, "--arch", "lambda", "--jobs", "1"])
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", raw)  # rich's cursor and colour codes
    assert not re.search(r"^\[\d+/\d+\]", screen, re.MULTILINE)  # no plain lines on a terminal
    # the last frame names the last design to finish, beside the bar and its count
    assert re.search(r"sweeping 4 points: Lambda 1024 MB x86_64 at point 4/4 \([^)]*\) ━+ 4/4", screen), screen
    counts = re.findall(r"[━╺╸ ](\d+)/(\d+) \d+:\d\d:\d\d", screen)
    assert counts and {total for _, total in counts} == {"4"}  # one bar, its total fixed from the start
    assert [int(done) for done, _ in counts] == sorted(int(done) for done, _ in counts)
