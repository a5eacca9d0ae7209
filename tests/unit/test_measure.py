"""The streaming latency histogram agrees with exact percentiles to within its bin width."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.sim.measure import LatencyHistogram


def test_percentiles_within_half_a_percent_of_exact() -> None:
    values = np.random.default_rng(3).lognormal(4.0, 1.0, 200_000)
    histogram = LatencyHistogram()
    for chunk in np.array_split(values, 7):
        histogram.add(chunk)
    stats = histogram.stats()
    for q, got in ((0.5, stats.p50), (0.95, stats.p95), (0.99, stats.p99)):
        assert got == pytest.approx(float(np.quantile(values, q)), rel=0.005)
    assert stats.mean == pytest.approx(values.mean())
    assert stats.max == values.max()
    assert histogram.count == values.size


def test_empty_histogram_reports_zeros() -> None:
    stats = LatencyHistogram().stats()
    assert (stats.p99, stats.mean, stats.max) == (0.0, 0.0, 0.0)
