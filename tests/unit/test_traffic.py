"""Rate curves keep the profile's mean over a cycle; arrivals follow the curve."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.profile.traffic import rate_curve, summarize
from archsel.sim.arrivals import arrival_times


def _profile(traffic: str):  # type: ignore[no-untyped-def]
    return parse_profile(f"version: 1\nname: t\ntraffic: {traffic}\n")


@pytest.mark.parametrize(
    "traffic",
    [
        "{mean_rps: 10}",
        "{mean_rps: 10, shape: diurnal, peak_rps: 15}",
        "{mean_rps: 10, shape: diurnal, peak_rps: 80}",
        "{mean_rps: 10, shape: weekly, peak_rps: 30, weekend_factor: 0.3}",
        "{mean_rps: 10, bursts: [{start: '12:00', duration_s: 600, multiplier: 50}]}",
        "{requests_per_month: 26280000}",
    ],
)
def test_mean_over_a_cycle_is_the_profile_rate(traffic: str) -> None:
    summary = summarize(_profile(traffic))
    assert summary.mean_rps == pytest.approx(10.0, rel=1e-9)
    assert summary.requests_per_month == pytest.approx(10.0 * 730 * 3600, rel=1e-9)


def test_diurnal_peak_is_the_requested_peak_at_the_peak_hour() -> None:
    profile = _profile("{mean_rps: 10, shape: diurnal, peak_rps: 80, peak_hour_utc: 18}")
    curve = rate_curve(profile.traffic, horizon_s=86_400, seconds_per_month=profile.seconds_per_month)
    assert curve.max() == pytest.approx(80, rel=1e-6)
    assert int(curve.argmax()) == 18 * 3600


def test_burst_multiplies_the_rate_during_the_spike() -> None:
    profile = _profile("{mean_rps: 1, bursts: [{start: '12:00', duration_s: 600, multiplier: 50}]}")
    curve = rate_curve(profile.traffic, horizon_s=86_400, seconds_per_month=profile.seconds_per_month)
    assert curve[12 * 3600 + 10] / curve[0] == pytest.approx(50)
    assert curve[12 * 3600 + 600] == pytest.approx(curve[0])


def test_poisson_arrivals_match_the_rate_and_are_seeded() -> None:
    rate = np.full(3_600, 20.0)
    first = arrival_times(rate, np.random.default_rng(7))
    again = arrival_times(rate, np.random.default_rng(7))
    assert np.array_equal(first, again)
    assert len(first) == pytest.approx(72_000, rel=0.02)
    assert np.all(np.diff(first) >= 0)
    # Poisson inter-arrival gaps: coefficient of variation close to 1.
    gaps = np.diff(first)
    assert gaps.std() / gaps.mean() == pytest.approx(1.0, abs=0.03)


def test_deterministic_arrivals_are_evenly_spaced() -> None:
    times = arrival_times(np.full(10, 2.0), np.random.default_rng(0), process="deterministic")
    assert np.allclose(times, np.arange(20) * 0.5 + 0.25)


def test_weekly_peak_is_the_weekday_peak() -> None:
    profile = _profile("{mean_rps: 2, shape: weekly, peak_rps: 6, weekend_factor: 0.2}")
    summary = summarize(profile)
    assert summary.peak_rps == pytest.approx(6.0, rel=1e-6)
    assert summary.mean_rps == pytest.approx(2.0, rel=1e-9)
