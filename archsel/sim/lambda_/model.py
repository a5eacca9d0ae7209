"""API Gateway + Lambda simulator: what a workload experiences and bills on Lambda.

`simulate_lambda` runs one seeded replication over [-warmup, horizon) and returns a SimRun whose
statistics cover [0, horizon) and whose usage is scaled to the month. The per-request path is a
compiled kernel over numpy chunks (lambda_kernel.py); SimPy drives time and the control plane
(lambda_engine.py); the platform's numbers come from lambda_platform.py and lambda_coldstart.py.
"""

from __future__ import annotations

import numpy as np

from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.config import LambdaConfig, lambda_config
from archsel.sim.lambda_.engine import EngineResult, Progress, execute
from archsel.sim.lambda_.inputs import Streams, cold_blocks, request_chunks
from archsel.sim.lambda_.reduce import sim_run
from archsel.sim.prefetch import prefetched
from archsel.sim.result import SimOptions, SimRun


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
    *,
    rng: np.random.Generator,
    options: SimOptions,
    seed: int | None = None,
    progress: Progress | None = None,
) -> SimRun:
    """Simulate ``profile`` on API Gateway + Lambda for one replication.

    Args:
        profile: the workload; its ``lambda`` section configures the function and API.
        rng: the only source of randomness (arrivals, durations, cold starts, keep-alive).
        options: horizon, warm-up and whether to keep per-second series.
        seed: recorded in the result (default: the profile's ``simulation.seed``).
        progress: optional callback with the share of simulated time done.
    """
    config = lambda_config(profile, horizon_s=options.horizon_s, warmup_s=options.warmup_s)
    result = run_engine(profile, config, rng=rng, series=options.record_timeseries, progress=progress)
    chosen = profile.simulation.seed if seed is None else seed
    return sim_run(profile, result, seed=chosen, series=options.record_timeseries)
