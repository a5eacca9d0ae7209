"""Seeded arrival times from a rate curve, in chunks so memory stays flat, and the request chunk both models route."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

MAX_CHUNK_S = 3_600
"""No chunk spans more than an hour of simulated time, however quiet the traffic."""


def _no_draws() -> np.ndarray:
    return np.empty(0)


@dataclass(frozen=True, slots=True)
class RequestChunk:
    """Consecutive arrivals in time order with their per-request draws, on the simulation clock (s).

    Both models fill ``time_s`` and ``duration_s``; the other fields are one model's own draws
    and stay empty in the other's chunks (Lambda: keep_alive_s, api_s, route; Fargate: ties).
    """

    time_s: np.ndarray
    duration_s: np.ndarray
    """Handler time: on Lambda at the function's memory, on Fargate at 1 vCPU."""
    keep_alive_s: np.ndarray = field(default_factory=_no_draws)
    """Lambda: how long the environment stays warm after this request."""
    api_s: np.ndarray = field(default_factory=_no_draws)
    """Lambda: the API Gateway overhead of each request."""
    route: np.ndarray | None = None
    """Lambda: route index of each arrival (int64); None without routes (all route 0)."""
    ties: np.ndarray = field(default_factory=_no_draws)
    """Fargate: uniform draws that break the ALB's ties between equally loaded tasks."""

    @property
    def size(self) -> int:
        """Number of arrivals."""
        return int(self.time_s.size)


def chunk_seconds(rate: np.ndarray, arrivals_per_chunk: float, *, min_s: int = 1) -> int:
    """Seconds per arrival chunk, so a chunk holds about ``arrivals_per_chunk`` arrivals at the peak rate.

    Between ``min_s`` and an hour. The chunk length decides how draws interleave in a stream,
    so each model passes its own target (changing one would change that model's seeded results).

    >>> chunk_seconds(np.full(10, 1000.0), 262_144), chunk_seconds(np.full(10, 1.0), 262_144)
    (262, 3600)
    >>> chunk_seconds(np.full(10, 10_000.0), 50_000, min_s=10), chunk_seconds(np.zeros(10), 50_000)
    (10, 3600)
    """
    peak = float(rate.max()) if rate.size else 0.0
    if peak <= 0:
        return MAX_CHUNK_S
    return int(min(MAX_CHUNK_S, max(min_s, math.floor(arrivals_per_chunk / peak))))


def arrival_chunks(
    rate: np.ndarray, rng: np.random.Generator, *, process: str, arrivals_per_chunk: float, min_chunk_s: int = 1
) -> Iterator[np.ndarray]:
    """Sorted arrival times (index 0 of ``rate`` at 0) in chunks of about ``arrivals_per_chunk`` at the peak rate."""
    chunk_s = chunk_seconds(rate, arrivals_per_chunk, min_s=min_chunk_s)
    return iter_arrivals(rate, rng, process=process, chunk_s=chunk_s)


def iter_arrivals(
    rate: np.ndarray, rng: np.random.Generator, *, process: str = "poisson", chunk_s: int = MAX_CHUNK_S
) -> Iterator[np.ndarray]:
    """Sorted arrival times (seconds) in chunks of ``chunk_s`` seconds, so memory stays flat.

    Poisson: a count per second drawn from Poisson(rate), times uniform within the second
    (an inhomogeneous Poisson process with piecewise-constant rate). Deterministic: the
    k-th arrival where the cumulative rate reaches k + 1/2.
    """
    if process == "deterministic":
        yield from _deterministic_arrivals(rate, chunk_s)
        return
    from archsel.sim.arrival_sort import sorted_within_seconds  # lazy: numba compiles only when arrivals are drawn

    for start in range(0, len(rate), chunk_s):
        block = rate[start : start + chunk_s]
        counts = rng.poisson(block)
        yield sorted_within_seconds(rng.random(int(counts.sum())), counts, start)


def _deterministic_arrivals(rate: np.ndarray, chunk_s: int) -> Iterator[np.ndarray]:
    cumulative = np.concatenate(([0.0], np.cumsum(rate)))
    edges = np.arange(len(cumulative), dtype=np.float64)
    emitted = 0
    for start in range(0, len(rate), chunk_s):
        end = min(start + chunk_s, len(rate))
        upto = math.floor(cumulative[end] - 0.5) + 1 if cumulative[end] >= 0.5 else 0
        targets = np.arange(emitted, upto, dtype=np.float64) + 0.5
        yield np.interp(targets, cumulative, edges)
        emitted = upto


def arrival_times(rate: np.ndarray, rng: np.random.Generator, *, process: str = "poisson") -> np.ndarray:
    """All arrival times at once (for small horizons and tests)."""
    chunks = list(iter_arrivals(rate, rng, process=process))
    return np.concatenate(chunks) if chunks else np.empty(0)
