"""A first run on a machine says on stderr that it compiles the simulation kernels, and a later one does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from archsel.views.compile_notice import NOTICE

ROOT = Path(__file__).resolve().parents[2]
TINY = "version: 1\nname: tiny\ntraffic: {mean_rps: 1}\nsimulation: {horizon: 10m, warmup: 0s, replications: 1}\n"


def _simulate(profile: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "archsel", "simulate", str(profile), "--arch", "fargate"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_an_empty_kernel_cache_is_announced_once(tmp_path: Path) -> None:
    profile = tmp_path / "tiny.yaml"
    profile.write_text(TINY)
    cache = tmp_path / "numba-cache"
    first = _simulate(profile, cache)
    assert first.returncode == 0, first.stderr
    assert NOTICE in first.stderr
    assert "Fargate" in first.stderr.split(NOTICE, 1)[1].splitlines()[0]
    second = _simulate(profile, cache)
    assert second.returncode == 0, second.stderr
    assert NOTICE not in second.stderr
