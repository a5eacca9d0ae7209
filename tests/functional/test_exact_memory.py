"""A run forced to the exact model stays within bounded memory over any horizon (issue 15).

The exact models keep arrays with one entry per simulated second, so over a long enough horizon
they would outgrow any machine; a forced exact run that would pass the memory budget is refused
before it allocates anything, and one within it runs. Both in a child limited to 2 GiB.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2 * 1024**3
CPU_LIMIT_S = 120


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))


def _simulate(tmp_path: Path, horizon: str, arch: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "quiet.yaml"
    profile.write_text(
        "version: 1\nname: quiet\ntraffic: {mean_rps: 0.001}\n"
        f"simulation: {{horizon: {horizon}, budget: {{model: exact}}}}\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "archsel", "simulate", str(profile), "-a", arch, "-f", "json"],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=_limits,  # the limits apply to the child only
        capture_output=True,
        text=True,
        timeout=CPU_LIMIT_S * 2,
        check=False,
    )


@pytest.mark.parametrize("arch", ["lambda", "fargate"])
def test_a_century_forced_exact_is_refused_before_it_allocates(tmp_path: Path, arch: str) -> None:
    """It used to ask for ~25 GB (the rate of each second of 100 years) and die of a MemoryError."""
    result = _simulate(tmp_path, "36500d", arch)
    assert result.returncode == 3, result.stderr
    assert f"archsel: error: simulation.budget.model is exact, but one exact {arch} run" in result.stderr
    assert "GB of memory (budget 2 GB)" in result.stderr
    assert "hint: shorten simulation.horizon" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_long_quiet_horizon_within_the_budget_runs_exact_in_bounded_memory(tmp_path: Path) -> None:
    result = _simulate(tmp_path, "60d", "lambda")
    assert result.returncode == 0, result.stderr
    assert '"model": "exact"' in result.stdout
