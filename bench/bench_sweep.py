"""Benchmark of sweep execution: points per second in process, on the process pool and on 1 and 2 Dask workers.

    python3 bench/bench_sweep.py [--points 16] [--horizon 1h] [--json out.json] [--cold]

Each backend runs the same sweep (points x Lambda and Fargate, one replication) twice: "cold"
includes starting the backend (a process pool is started per batch, as `archsel` does; a
LocalCluster starts its worker processes, which load the numba kernels from the on-disk
cache), "warm" is a second batch on the same cluster. The overhead per unit is
(wall time x workers - compute time) / units, the compute time being the in-process run's.
``--cold`` also measures the numba compile time of both models with an empty kernel cache:
the first sweep on fresh workers of a new machine pays it in every worker process.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archsel import api  # noqa: E402
from archsel.evaluate.executors import DaskExecutor, Executor, InProcessExecutor, ProcessPoolRunner  # noqa: E402
from archsel.study.sweep import SweepPlan  # noqa: E402

PROFILE = """\
version: 1
name: bench-sweep
traffic: {{mean_rps: 5, shape: diurnal, peak_rps: 10}}
request: {{duration_ms: {{distribution: lognormal, p50: 60, p95: 250}}}}
simulation: {{horizon: {horizon}, warmup: 0s, seed: 1, replications: 1}}
"""


@dataclass(frozen=True)
class Figures:
    """One backend, one batch."""

    backend: str
    workers: int
    batch: str
    units: int
    wall_s: float
    points_per_s: float
    overhead_ms_per_unit: float


def make_plan(points: int, horizon: str, folder: Path) -> SweepPlan:
    """``points`` points: rates x Lambda memory sizes (4 memory sizes, the rest rates)."""
    path = folder / "bench.yaml"
    path.write_text(PROFILE.format(horizon=horizon), encoding="utf-8")
    rates = ",".join(str(2 + 3 * index) for index in range(max(1, points // 4)))
    return api.plan_sweep(path, vary=[f"traffic.mean_rps={rates}", "lambda.memory_mb=512,1024,1769,3008"])


def timed(plan: SweepPlan, executor: Executor) -> float:
    """Wall time of the whole sweep (simulation, transfer and pricing)."""
    started = time.perf_counter()
    result = api.sweep(plan, executor=executor)
    if result.missing:
        raise SystemExit(f"{len(result.missing)} points missing: {result.failures[0].describe()}")
    return time.perf_counter() - started


def figures(backend: str, workers: int, batch: str, plan: SweepPlan, wall_s: float, compute_s: float) -> Figures:
    units = len(plan.units())
    overhead = (wall_s * workers - compute_s) / units
    return Figures(
        backend, workers, batch, units, round(wall_s, 3), round(len(plan.points) / wall_s, 2), round(1e3 * overhead, 1)
    )


def on_cluster(plan: SweepPlan, workers: int, compute_s: float) -> list[Figures]:
    """A cold and a warm batch on a LocalCluster of ``workers`` processes (its start-up timed with the cold one)."""
    from distributed import LocalCluster

    started = time.perf_counter()
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        start_s = time.perf_counter() - started
        with DaskExecutor(cluster.scheduler_address) as executor:
            cold = timed(plan, executor)
            warm = timed(plan, executor)
    name = f"dask LocalCluster (start {start_s:.1f} s not included)"
    return [
        figures(name, workers, "cold", plan, cold, compute_s),
        figures(name, workers, "warm", plan, warm, compute_s),
    ]


def compile_s() -> dict[str, float]:
    """First sweep unit of each model in a fresh process: with an empty numba cache, and with the cache."""
    code = (
        "import time, sys; from archsel.profile.loader import parse_profile; from archsel.evaluate.runner import simulate_one;"
        "from archsel.sim.result import SimOptions;"
        "p = parse_profile('{version: 1, name: c, traffic: {mean_rps: 5}}'); t = time.perf_counter();"
        "simulate_one(p, sys.argv[1], seed=1, replication=0, options=SimOptions(60, 0)); print(time.perf_counter() - t)"
    )
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
        for label in ("empty cache (compile)", "cache on disk (load)"):  # the first pass fills the cache
            for architecture in ("lambda", "fargate"):
                out = subprocess.run(
                    [sys.executable, "-c", code, architecture], env=env, capture_output=True, text=True, check=True
                )
                found[f"{architecture}, {label}"] = round(float(out.stdout.strip()), 2)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=16, help="points in the sweep (a multiple of 4)")
    parser.add_argument("--horizon", default="1h", help="simulated window per unit (1h: ~20,000 requests)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--cold", action="store_true", help="measure the numba compile time in fresh processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plan = make_plan(args.points, args.horizon, Path(folder))
        timed(plan, InProcessExecutor())  # loads (or compiles) the kernels in this process
        compute = timed(plan, InProcessExecutor())
        results = [figures("in process", 1, "warm", plan, compute, compute)]
        for batch in ("cold", "warm"):  # the pool forks from this process: its workers inherit the loaded kernels
            results.append(figures("process pool (fork)", 2, batch, plan, timed(plan, ProcessPoolRunner(2)), compute))
        for workers in (1, 2):
            results += on_cluster(plan, workers, compute)
    load = os.getloadavg()[0]  # other jobs on the machine inflate every parallel figure
    print(
        f"{len(plan.points)} points x 2 architectures, horizon {args.horizon}, {os.cpu_count()} cores, load {load:.1f}"
    )
    print(
        f"{'backend':<48} {'workers':>7} {'batch':>5} {'units':>5} {'wall s':>7} {'points/s':>8} {'overhead ms/unit':>16}"
    )
    for row in results:
        print(
            f"{row.backend:<48} {row.workers:>7} {row.batch:>5} {row.units:>5} {row.wall_s:>7.2f}"
            f" {row.points_per_s:>8.2f} {row.overhead_ms_per_unit:>16.1f}"
        )
    report: dict[str, object] = {"load_average": load, "results": [asdict(row) for row in results]}
    if args.cold:
        report["first_unit_s"] = compile_s()
        for label, seconds in report["first_unit_s"].items():  # type: ignore[attr-defined]
            print(f"first unit in a fresh process, {label}: {seconds:.2f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
