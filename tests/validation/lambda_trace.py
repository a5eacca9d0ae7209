"""Helpers for exact-trace tests: run the fast Lambda model on hand-written arrivals."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.arrivals import RequestChunk
from archsel.sim.lambda_.config import LambdaConfig, lambda_config
from archsel.sim.lambda_.engine import EngineResult, execute
from archsel.sim.lambda_.inputs import COLD_BLOCK, ColdBlock
from archsel.sim.lambda_.reduce import events

Event = tuple[float, str, int, int]


def profile(lambda_yaml: str = "{}", request_yaml: str = "{}") -> WorkloadProfile:
    """A profile with a constant 1 rps (unused: traces bring their own arrivals)."""
    return parse_profile(
        f"version: 1\nname: trace\ntraffic: {{mean_rps: 1}}\nrequest: {request_yaml}\nlambda: {lambda_yaml}\n"
    )


def _cold(init_s: float) -> Iterator[ColdBlock]:
    while True:
        yield ColdBlock(init_s=np.full(COLD_BLOCK, init_s), age=np.zeros(COLD_BLOCK))


def run_trace(
    workload: WorkloadProfile,
    arrivals: Sequence[tuple[float, float]],
    *,
    horizon_s: float,
    init_s: float = 0.5,
    routes: Sequence[int] | None = None,
) -> tuple[EngineResult, LambdaConfig]:
    """Run arrivals given as (time, handler seconds) with a fixed INIT, no warm-up, no API latency.

    ``routes`` gives each arrival's route index (profiles with request.routes).
    """
    config = lambda_config(workload, horizon_s=horizon_s, warmup_s=0.0)
    times = np.array([a[0] for a in arrivals], dtype=np.float64)
    chunk = RequestChunk(
        time_s=times,
        duration_s=np.array([a[1] for a in arrivals], dtype=np.float64),
        keep_alive_s=config.keep_alive_s.sample(np.random.default_rng(0), times.size),
        api_s=np.zeros(times.size),
        route=None if routes is None else np.array(routes, dtype=np.int64),
    )
    result = execute(config, [chunk], _cold(init_s), log_capacity=100_000)
    return result, config


def trace(
    workload: WorkloadProfile,
    arrivals: Sequence[tuple[float, float]],
    *,
    horizon_s: float,
    init_s: float = 0.5,
    routes: Sequence[int] | None = None,
) -> list[Event]:
    """The whole event log of a hand-written run, times rounded to the microsecond."""
    result, _ = run_trace(workload, arrivals, horizon_s=horizon_s, init_s=init_s, routes=routes)
    return [(round(e.time_s, 6), e.kind, e.request, e.env) for e in events(result)]
