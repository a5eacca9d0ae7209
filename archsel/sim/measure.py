"""Streaming reducers shared by the simulators: latency percentiles in flat memory.

Latencies go into fixed log-spaced bins (0.5% wide), so memory does not grow with the number
of requests and a percentile is exact to within half a bin (about 0.25%). Mean and max are exact.
"""

from __future__ import annotations

import math

import numpy as np

from archsel.sim.result import LatencyStats

_LOW_MS = 0.01
_HIGH_MS = 1e8
_GROWTH = 1.005
_BINS = math.ceil(math.log(_HIGH_MS / _LOW_MS) / math.log(_GROWTH)) + 2


class LatencyHistogram:
    """Accumulates latencies (ms) from numpy arrays; answers percentiles, mean and max."""

    __slots__ = ("_count", "_counts", "_max", "_total")

    def __init__(self) -> None:
        self._counts = np.zeros(_BINS, dtype=np.int64)
        self._count = 0
        self._total = 0.0
        self._max = 0.0

    @property
    def count(self) -> int:
        """Number of latencies added."""
        return self._count

    def add(self, latencies_ms: np.ndarray) -> None:
        """Add a batch of latencies in milliseconds."""
        if latencies_ms.size == 0:
            return
        values = np.asarray(latencies_ms, dtype=np.float64)
        self._counts += np.bincount(_bin_index(values), minlength=_BINS)
        self._count += int(values.size)
        self._total += float(values.sum())
        self._max = max(self._max, float(values.max()))

    def merge(self, other: LatencyHistogram) -> None:
        """Add everything ``other`` holds."""
        self._counts += other._counts
        self._count += other._count
        self._total += other._total
        self._max = max(self._max, other._max)

    def quantile(self, q: float) -> float:
        """The q-quantile (0 <= q <= 1) in ms, at the geometric centre of its bin (0 if empty)."""
        if self._count == 0:
            return 0.0
        rank = max(1, math.ceil(q * self._count))
        index = int(np.searchsorted(np.cumsum(self._counts), rank))
        return min(_bin_centre(index), self._max)

    def cdf_points(self) -> tuple[tuple[float, float], ...]:
        """(quantile, ms) pairs from 1% to 99.9%, enough to draw the distribution."""
        quantiles = [q / 100 for q in range(1, 100)] + [0.995, 0.999]
        return tuple((q, self.quantile(q)) for q in quantiles)

    def stats(self) -> LatencyStats:
        """Mean, p50, p95, p99, p99.9 and max."""
        mean = self._total / self._count if self._count else 0.0
        return LatencyStats(
            mean=mean,
            p50=self.quantile(0.50),
            p95=self.quantile(0.95),
            p99=self.quantile(0.99),
            p999=self.quantile(0.999),
            max=self._max,
        )


def _bin_index(values: np.ndarray) -> np.ndarray:
    clipped = np.clip(values, _LOW_MS, _HIGH_MS)
    index = np.floor(np.log(clipped / _LOW_MS) / math.log(_GROWTH)).astype(np.int64) + 1
    return np.where(values < _LOW_MS, 0, np.minimum(index, _BINS - 1))


def _bin_centre(index: int) -> float:
    if index <= 0:
        return 0.0
    return float(_LOW_MS * _GROWTH ** (index - 0.5))
