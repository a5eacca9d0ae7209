"""Seeded arrival times from a rate curve: Poisson or deterministic, in chunks so memory stays flat."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np


def iter_arrivals(
    rate: np.ndarray, rng: np.random.Generator, *, process: str = "poisson", chunk_s: int = 3_600
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
