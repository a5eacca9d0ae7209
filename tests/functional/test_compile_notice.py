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


def _recommend(profile: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "archsel", "recommend", str(profile), "--format", "json", "--jobs", "2"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_a_cold_recommend_on_a_pool_announces_and_matches_a_warm_one(tmp_path: Path) -> None:
    """The pool path: the parent loads what is cached before forking, workers compile the rest once."""
    profile = tmp_path / "pooled.yaml"
    profile.write_text(TINY.replace("horizon: 10m", "horizon: 2h").replace("replications: 1", "replications: 2"))
    cache = tmp_path / "numba-cache"
    first = _recommend(profile, cache)
    assert first.returncode == 0, first.stderr
    notice = first.stderr.split(NOTICE, 1)[1].splitlines()[0]
    assert "Lambda" in notice
    assert "Fargate" in notice
    second = _recommend(profile, cache)
    assert second.returncode == 0, second.stderr
    assert NOTICE not in second.stderr
    assert first.stdout == second.stdout
