"""Benchmark of the Fargate simulator: simulated requests per second, wall time, peak memory.

Targets: >= 500,000 simulated requests/s at 100 req/s on 10 tasks; one simulated day of
any shipped scenario or a busy profile in < 10 s; memory flat in the number of requests.

    python3 bench/bench_fargate.py [--json out.json] [--cold]

``--cold`` also measures the numba compile time of the first call in a fresh process with an
empty kernel cache (otherwise the first call only loads the cached machine code).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archsel.profile.loader import load_profile, parse_profile  # noqa: E402
from archsel.profile.schema import WorkloadProfile  # noqa: E402
from archsel.sim.fargate.model import simulate_fargate  # noqa: E402
from archsel.sim.result import SimOptions  # noqa: E402

DAY = 86_400.0

FIXED_FLEET = """
version: 1
name: fixed-100rps-10-tasks
traffic: {mean_rps: 100}
fargate: {vcpu: 1, memory_gb: 2, min_tasks: 10, max_tasks: 10, concurrency_per_task: 50}
"""

BUSY = """
version: 1
name: busy-autoscaling
traffic:
  mean_rps: 150
  shape: diurnal
  peak_rps: 400
  bursts: [{start: "12:00", every: 6h, duration_s: 600, multiplier: 3}]
request: {duration_ms: {distribution: lognormal, p50: 80, p95: 400}, cpu_fraction: 0.5}
fargate: {vcpu: 1, memory_gb: 2, min_tasks: 2, max_tasks: 80, concurrency_per_task: 50, queue_limit: 100,
          spot: 0.5, scaling: {metric: cpu, target: 60, metric_period_s: 20}}
"""


@dataclass(frozen=True)
class Figures:
    """One benchmark case."""

    case: str
    horizon_s: float
    requests: int
    wall_s: float
    cpu_s: float
    """Process CPU time, both threads: the next chunk's arrivals and draws are made in a background
    thread while the kernel routes this one (sim.prefetch), so on an idle 2-core machine wall < CPU."""
    requests_per_s: float
    peak_traced_mb: float
    scaling_events: int
    tasks_max: int


def measure(name: str, profile: WorkloadProfile, horizon_s: float) -> Figures:
    """Time one seeded run, then repeat it under tracemalloc for its peak allocation."""
    options = SimOptions(horizon_s=horizon_s, warmup_s=600)
    started, cpu_started = time.perf_counter(), time.process_time()
    run = simulate_fargate(profile, rng=np.random.default_rng(1), options=options)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    tracemalloc.start()
    simulate_fargate(profile, rng=np.random.default_rng(1), options=options)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return Figures(
        case=name,
        horizon_s=horizon_s,
        requests=run.requests,
        wall_s=round(wall, 3),
        cpu_s=round(cpu, 3),
        requests_per_s=round(run.requests / wall),  # wall-clock rate
        peak_traced_mb=round(peak / 1e6, 1),
        scaling_events=len(run.scaling_events),
        tasks_max=run.tasks.max if run.tasks else 0,
    )


def cold_compile_s() -> float:
    """First-call time in a fresh process with an empty numba cache (compile + a tiny run)."""
    code = (
        "import time, numpy as np; t = time.perf_counter();"
        "from archsel.profile.loader import parse_profile; from archsel.sim.fargate.model import simulate_fargate;"
        "from archsel.sim.result import SimOptions;"
        "p = parse_profile('{version: 1, name: c, traffic: {mean_rps: 5}}');"
        "simulate_fargate(p, rng=np.random.default_rng(1), options=SimOptions(60, 0)); print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--cold", action="store_true", help="measure the numba compile time in a fresh process")
    args = parser.parse_args()
    print(f"load average before the run: {os.getloadavg()[0]:.2f} (other jobs on the machine inflate wall times)")
    started = time.perf_counter()
    simulate_fargate(parse_profile(FIXED_FLEET), rng=np.random.default_rng(0), options=SimOptions(60, 0))
    print(f"first call (kernels loaded from the numba cache or compiled): {time.perf_counter() - started:.2f} s")
    cases = [
        ("100 req/s on 10 tasks, 1 hour", parse_profile(FIXED_FLEET), 3_600.0),
        ("100 req/s on 10 tasks, 1 day", parse_profile(FIXED_FLEET), DAY),
        ("busy autoscaling profile, 1 day", parse_profile(BUSY), DAY),
    ]
    cases += [
        (f"scenario {path.stem}, 1 day", load_profile(path), DAY) for path in sorted(ROOT.glob("scenarios/*.yaml"))
    ]
    results = [measure(name, profile, horizon) for name, profile, horizon in cases]
    print(
        f"{'case':<34} {'requests':>10} {'wall s':>7} {'cpu s':>6} {'req/s':>10} {'peak MB':>8} {'events':>6} {'tasks':>5}"
    )
    for figures in results:
        print(
            f"{figures.case:<34} {figures.requests:>10,} {figures.wall_s:>7.2f} {figures.cpu_s:>6.2f}"
            f" {figures.requests_per_s:>10,}"
            f" {figures.peak_traced_mb:>8.1f} {figures.scaling_events:>6} {figures.tasks_max:>5}"
        )
    report: dict[str, object] = {"cases": [asdict(figures) for figures in results]}
    if args.cold:
        report["cold_first_call_s"] = cold_compile_s()
        print(f"cold first call (empty numba cache, compile included): {report['cold_first_call_s']:.2f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
