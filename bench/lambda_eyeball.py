"""Eyeball one Lambda run of a profile: python3 bench/lambda_eyeball.py scenarios/startup-mvp.yaml [seed]."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archsel.profile.loader import load_profile
from archsel.sim.lambda_.model import simulate_lambda
from archsel.sim.result import SimOptions


def main() -> None:
    profile = load_profile(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else profile.simulation.seed
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup, seed=seed)
    start = time.perf_counter()
    run = simulate_lambda(profile, options, rng=np.random.default_rng(seed))
    print(f"{run.requests:,} requests over {run.simulated_s:,.0f} s in {time.perf_counter() - start:.2f} s")
    print(
        f"cold starts {run.cold_starts:,} ({run.cold_start_ratio:.4%}), errors {run.errors:,}, throttled {run.throttled:,}"
    )
    print(f"latency ms {run.latency_ms}")
    print(f"instances {run.instances}")
    for name, value in run.figures.items():
        print(f"  {name:32s} {value:,.4g}")
    print(run.usage)


if __name__ == "__main__":
    main()
