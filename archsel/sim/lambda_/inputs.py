"""The random inputs of a Lambda run, drawn in chunks from seeded streams (flat memory).

Per request: arrival time, handler duration, the keep-alive of the idle period that follows it
and the API Gateway overhead. Per cold start: the INIT duration and, for environments born
during warm-up, an age. Two child streams of the caller's Generator keep the per-cold-start
values independent of how arrivals are chunked, so the fast kernel and the reference model
consume exactly the same inputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import simulation_rate
from archsel.sim.arrivals import RequestChunk, arrival_chunks
from archsel.sim.lambda_.config import LambdaConfig, Routing
from archsel.sim.seam import named_streams

COLD_BLOCK = 1_024
"""Cold-start values are drawn this many at a time."""

ARRIVALS_PER_CHUNK = 262_144.0
"""About this many arrivals per chunk: small enough for the cache, large enough to amortise calls.

Not shared with Fargate's: arrivals and per-request draws come from one stream chunk by chunk,
so the chunk length is part of what a seed means here.
"""


@dataclass(frozen=True, slots=True)
class Streams:
    """The two independent random streams of one run."""

    requests: np.random.Generator
    cold_starts: np.random.Generator

    @classmethod
    def from_rng(cls, rng: np.random.Generator) -> Streams:
        """Child streams of ``rng`` (deterministic for a given seed)."""
        streams = named_streams(rng, "requests", "cold_starts")
        return cls(requests=streams["requests"], cold_starts=streams["cold_starts"])


def request_chunks(
    profile: WorkloadProfile, config: LambdaConfig, rng: np.random.Generator, *, rate: np.ndarray | None = None
) -> Iterator[RequestChunk]:
    """Arrivals over [-warmup, horizon) with their per-request draws, chunk by chunk.

    ``rate`` (per second, index 0 at -ceil(warmup)) defaults to the profile's
    `simulation_rate`; the month method passes the rate of a given day of the month.
    """
    if rate is None:
        rate = simulation_rate(profile, horizon_s=config.horizon_s, warmup_s=config.warmup_s)
    offset = math.ceil(config.warmup_s)  # index 0 of the rate curve is time -ceil(warmup)
    scale_s = config.duration_factor / 1_000.0
    for arrivals in arrival_chunks(rate, rng, process=config.arrival, arrivals_per_chunk=ARRIVALS_PER_CHUNK):
        times = arrivals - offset
        if times.size and (times[0] < -config.warmup_s or times[-1] >= config.horizon_s):
            times = times[(times >= -config.warmup_s) & (times < config.horizon_s)]
        size = int(times.size)
        if config.routing.shares:
            route, duration_s = routed_durations(config.routing, rng, size)
        else:
            route, duration_s = None, config.duration_ms.sample(rng, size) * scale_s
        yield RequestChunk(
            time_s=times,
            duration_s=duration_s,
            keep_alive_s=config.keep_alive_s.sample(rng, size),
            api_s=config.api_latency_ms.sample(rng, size) / 1_000.0,
            route=route,
        )


def routed_durations(routing: Routing, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Route of each of ``size`` arrivals, drawn by share, and its handler time (s) at its function's memory."""
    edges = np.cumsum(routing.shares)
    route = np.minimum(np.searchsorted(edges, rng.random(size), side="right"), len(routing.shares) - 1)
    duration_s = np.empty(size)
    order = np.argsort(route, kind="stable")  # each route's arrivals in time order, routes one after another
    bounds = np.searchsorted(route[order], np.arange(len(routing.shares) + 1))
    for index, distribution in enumerate(routing.duration_ms):
        chosen = order[bounds[index] : bounds[index + 1]]
        factor = routing.function_factor[routing.route_function[index]]
        duration_s[chosen] = distribution.sample(rng, int(chosen.size)) * (factor / 1_000.0)
    return route.astype(np.int64), duration_s


@dataclass(frozen=True, slots=True)
class ColdBlock:
    """The next ``COLD_BLOCK`` cold starts' INIT durations (s) and warm-up ages (0-1)."""

    init_s: np.ndarray
    age: np.ndarray


def cold_blocks(config: LambdaConfig, rng: np.random.Generator) -> Iterator[ColdBlock]:
    """Endless blocks of per-cold-start draws.

    With several functions whose INIT differs (.NET at different memory sizes) ``init_s``
    holds one row per function and a cold start reads its function's row.
    """
    inits = config.routing.function_cold_start_ms
    while True:
        if len(set(inits)) > 1:
            init_s = np.stack([distribution.sample(rng, COLD_BLOCK) for distribution in inits]) / 1_000.0
        else:
            init_s = (inits[0] if inits else config.cold_start_ms).sample(rng, COLD_BLOCK) / 1_000.0
        yield ColdBlock(init_s=init_s, age=rng.random(COLD_BLOCK))
