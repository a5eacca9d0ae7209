"""Piecewise-constant task counts over time (desired, running, in service, alive) and their integrals.

The control plane records a row whenever a count changes; metric periods, time-weighted task
statistics and the per-second time series are all read from this one log.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

COLUMNS = ("desired", "running", "in_service", "alive")


class CountLog:
    """Counts that change at event times; value at t is the last row at or before t."""

    __slots__ = ("_cumulative", "_times", "_values")

    def __init__(self, start: float, values: tuple[int, ...]) -> None:
        self._times = [start]
        self._values = [values]
        self._cumulative = [(0.0,) * len(COLUMNS)]

    def record(self, now: float, values: tuple[int, ...]) -> None:
        """The counts from ``now`` on."""
        if values == self._values[-1]:
            return
        if now == self._times[-1]:
            self._values[-1] = values
            return
        span = now - self._times[-1]
        last = self._values[-1]
        self._cumulative.append(tuple(c + v * span for c, v in zip(self._cumulative[-1], last, strict=True)))
        self._times.append(now)
        self._values.append(values)

    def current(self, column: str) -> int:
        """The latest value of ``column``."""
        return self._values[-1][COLUMNS.index(column)]

    def integral(self, column: str, start: float, end: float) -> float:
        """Integral of ``column`` over [start, end) (count x seconds)."""
        return self._upto(column, end) - self._upto(column, start)

    def _upto(self, column: str, t: float) -> float:
        col = COLUMNS.index(column)
        row = bisect.bisect_right(self._times, t) - 1
        if row < 0:
            return 0.0
        return self._cumulative[row][col] + self._values[row][col] * (t - self._times[row])

    def sample(self, column: str, seconds: np.ndarray) -> np.ndarray:
        """Value of ``column`` at each time in ``seconds``."""
        col = COLUMNS.index(column)
        values = np.array([row[col] for row in self._values], dtype=np.float64)
        rows = np.searchsorted(np.array(self._times), seconds, side="right") - 1
        return values[np.maximum(rows, 0)]

    def stats(self, column: str, start: float, end: float) -> tuple[float, int, int]:
        """Time-weighted mean, min and max of ``column`` over [start, end)."""
        col = COLUMNS.index(column)
        first = max(bisect.bisect_right(self._times, start) - 1, 0)
        last = bisect.bisect_left(self._times, end)
        seen = [row[col] for row in self._values[first:last]] or [self._values[first][col]]
        span = end - start
        mean = self.integral(column, start, end) / span if span > 0 else float(seen[-1])
        return mean, min(seen), max(seen)


def next_tick(now: float, interval: float) -> float:
    """The first multiple of ``interval`` at or after ``now`` (a clock that ticks every interval).

    >>> next_tick(61.0, 30.0), next_tick(60.0, 30.0)
    (90.0, 60.0)
    """
    ticks = math.ceil(now / interval - 1e-9)
    return ticks * interval
