"""Tiny profiles and sweeps shared by the sweep and executor tests (short horizons, low rates: fast)."""

from __future__ import annotations

from pathlib import Path

from archsel import api
from archsel.evaluate.executors import SimUnit
from archsel.profile.loader import parse_profile
from archsel.sim.result import SimOptions
from archsel.study.sweep import SweepPlan

TINY = """\
version: 1
name: tiny
traffic:
  mean_rps: 2
  shape: diurnal
  peak_rps: 4
request:
  duration_ms: {distribution: lognormal, p50: 60, p95: 250}
lambda:
  memory_mb: 1024
slo: {p99_latency_ms: 1500, max_error_ratio: 0.01}
simulation: {horizon: 1h, warmup: 0s, seed: 7, replications: 1}
"""

# Units of about 0.2 s each once the kernels are loaded: long enough to kill a worker mid-unit.
BUSY = TINY.replace("mean_rps: 2", "mean_rps: 100").replace("peak_rps: 4", "peak_rps: 200")


def write(tmp_path: Path, text: str = TINY, name: str = "tiny.yaml") -> Path:
    """Write a profile and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tiny_plan(tmp_path: Path, *vary: str, text: str = TINY) -> SweepPlan:
    """A validated sweep plan over the tiny profile (defaults: 2 rates x 2 memory sizes)."""
    axes = vary or ("traffic.mean_rps=1,4", "lambda.memory_mb=512,1024")
    return api.plan_sweep(write(tmp_path, text), vary=list(axes))


def units(count: int, text: str = TINY) -> list[SimUnit]:
    """``count`` Lambda and Fargate units of the profile, alternating, with distinct replications."""
    profile = parse_profile(text)
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=0.0)
    return [
        SimUnit(profile, "lambda" if index % 2 == 0 else "fargate", profile.simulation.seed, index // 2, options)
        for index in range(count)
    ]
