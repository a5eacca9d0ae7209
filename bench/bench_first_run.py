"""Benchmark of a first run: `archsel recommend` on an empty numba cache (cold), then again (warm).

    python3 bench/bench_first_run.py                         # scenarios/startup-mvp.yaml, once each
    python3 bench/bench_first_run.py --repeat 3 PROFILE.yaml

Each run is a fresh process with its own NUMBA_CACHE_DIR, so the cold run compiles every kernel
as on a new machine. Prints wall time and CPU time (user + sys of the command and its worker
processes) and the load average before and after: on a shared machine wall time depends on the
other jobs, CPU time much less. Results also go to bench/results/first_run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(profile: Path, cache: Path) -> tuple[float, float]:
    """(wall s, CPU s) of one `archsel recommend` with ``cache`` as numba's cache."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "archsel", "recommend", str(profile)],
        env=env,
        cwd=ROOT,  # `-m archsel` imports this checkout's archsel, whatever the current directory
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", nargs="?", default=str(ROOT / "scenarios" / "startup-mvp.yaml"))
    parser.add_argument("--repeat", type=int, default=1, help="cold + warm pairs to run (default 1)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="archsel-numba-") as cache:
            cold = _run(Path(args.profile).resolve(), Path(cache))
            warm = _run(Path(args.profile).resolve(), Path(cache))
        rows.append({"cold_wall_s": cold[0], "cold_cpu_s": cold[1], "warm_wall_s": warm[0], "warm_cpu_s": warm[1]})
        print(f"cold: {cold[0]:6.1f} s wall {cold[1]:6.1f} s CPU   warm: {warm[0]:5.1f} s wall {warm[1]:5.1f} s CPU")
    load_after = os.getloadavg()
    print(
        f"load average (1, 5, 15 min) before {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}, "
        f"after {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f}; {os.cpu_count()} cores"
    )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    record = {"profile": args.profile, "cores": os.cpu_count(), "load_before": load_before, "load_after": load_after}
    (results / "first_run.json").write_text(json.dumps({**record, "runs": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
