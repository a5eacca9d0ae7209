"""API Gateway + Lambda simulator: what a workload experiences and bills on Lambda.

`simulate_lambda` runs one seeded replication over [-warmup, horizon) and returns a SimRun whose
statistics cover [0, horizon) and whose usage is scaled to the month. The per-request path is a
compiled kernel over numpy chunks (lambda_kernel.py); SimPy drives time and the control plane
(lambda_engine.py); the platform's numbers come from lambda_platform.py and lambda_coldstart.py.
"""

from __future__ import annotations

import numpy as np

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.config import LambdaConfig, lambda_config
from archsel.sim.lambda_.engine import EngineResult, Progress, execute
from archsel.sim.lambda_.inputs import Streams, cold_blocks, request_chunks
from archsel.sim.lambda_.reduce import sim_run
from archsel.sim.prefetch import prefetched
from archsel.sim.result import SimOptions, SimRun
from archsel.sim.seam import run_generator


def run_engine(
    profile: WorkloadProfile,
    config: LambdaConfig,
    *,
    rng: np.random.Generator,
    series: bool = False,
    log_capacity: int = 0,
    progress: Progress | None = None,
    rate: np.ndarray | None = None,
) -> EngineResult:
    """Run the model for ``config`` with arrivals and draws from ``rng`` (the kernel's raw result).

    ``rate`` overrides the per-second arrival rate (index 0 at -warmup; default: the profile's).
    """
    streams = Streams.from_rng(rng)
    return execute(
        config,
        prefetched(request_chunks(profile, config, streams.requests, rate=rate)),
        cold_blocks(config, streams.cold_starts),
        series=series,
        log_capacity=log_capacity,
        progress=progress,
    )


def simulate_lambda(
    profile: WorkloadProfile,
    options: SimOptions,
    *,
    rng: np.random.Generator | None = None,
    progress: Progress | None = None,
) -> SimRun:
    """Simulate ``profile`` on API Gateway + Lambda for one replication (a `Simulator`).

    Args:
        profile: the workload; its ``lambda`` section configures the function and API.
        options: horizon, warm-up, per-second series, and the seed and replication (recorded in the result).
        rng: the only source of randomness (arrivals, durations, cold starts, keep-alive); default:
            the replication's generator from ``options`` (tests and benchmarks pass their own).
        progress: optional callback with the share of simulated time done.
    """
    config = lambda_config(profile, horizon_s=options.horizon_s, warmup_s=options.warmup_s)
    rng = run_generator(Architecture.LAMBDA, options) if rng is None else rng
    result = run_engine(profile, config, rng=rng, series=options.record_timeseries, progress=progress)
    return sim_run(profile, result, seed=options.seed, series=options.record_timeseries)
