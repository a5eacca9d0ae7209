"""Request rate over time (constant, diurnal, weekly, bursts, trace) and seeded arrival times.

The rate curve is piecewise constant per second. Its mean over one full cycle of the shape
(a day, a week, the burst period, the trace) equals the profile's rate: the rate is the
total, bursts included, so adding a burst moves traffic into the spike rather than adding it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic_schema import Traffic
from archsel.profile.units import SECONDS_PER_DAY

SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY


@dataclass(frozen=True, slots=True)
class TrafficSummary:
    """What a profile's traffic implies."""

    mean_rps: float
    peak_rps: float
    trough_rps: float
    requests_per_month: float
    cycle_s: float


def target_mean_rps(traffic: Traffic, seconds_per_month: float) -> float | None:
    """The profile's mean rate in requests per second, or None for a trace given without a rate."""
    if traffic.mean_rps is not None:
        return traffic.mean_rps
    if traffic.requests_per_month is not None:
        return traffic.requests_per_month / seconds_per_month
    return None


def cycle_seconds(traffic: Traffic) -> int:
    """Length of one full cycle of the shape and its bursts, in whole seconds."""
    cycle = {"constant": SECONDS_PER_DAY, "diurnal": SECONDS_PER_DAY, "weekly": SECONDS_PER_WEEK}.get(traffic.shape, 0)
    if traffic.shape == "trace":
        cycle = 60 * len(traffic.trace_counts or ())
    for burst in traffic.bursts:
        cycle = max(cycle, math.ceil(burst.every))
    return max(cycle, 1)


def rate_curve(traffic: Traffic, *, horizon_s: float, seconds_per_month: float) -> np.ndarray:
    """Requests per second for each second of ``horizon_s``, normalised over whole cycles."""
    cycle = cycle_seconds(traffic)
    length = max(math.ceil(horizon_s), cycle)
    seconds = np.arange(length, dtype=np.float64)
    target = target_mean_rps(traffic, seconds_per_month)
    curve = _shape_curve(traffic, seconds, target) * _burst_factor(traffic, seconds)
    reference = curve[:cycle].mean()
    if target is not None:
        curve = curve * (target / reference) if reference > 0 else np.full(length, target)
    result: np.ndarray = curve[: math.ceil(horizon_s)]
    return result


def simulation_rate(profile: WorkloadProfile, *, horizon_s: float, warmup_s: float) -> np.ndarray:
    """Per-second rates for a run over [-warmup, horizon): index 0 is time -warmup_s.

    The warm-up replays the end of the traffic cycle (the curve wraps around), so the measured
    window [0, horizon) is whole cycles and scales to the month without bias.
    """
    curve = rate_curve(profile.traffic, horizon_s=horizon_s, seconds_per_month=profile.seconds_per_month)
    warm = math.ceil(warmup_s)
    if warm == 0:
        return curve
    cycle = rate_curve(
        profile.traffic, horizon_s=cycle_seconds(profile.traffic), seconds_per_month=profile.seconds_per_month
    )
    tail = np.resize(cycle[::-1], warm)[::-1]  # the last `warm` seconds of the cycle, tiled if needed
    return np.concatenate((tail, curve))


def summarize(profile: WorkloadProfile) -> TrafficSummary:
    """Mean, peak and trough rate of one cycle, and the monthly request count they imply."""
    traffic = profile.traffic
    cycle = cycle_seconds(traffic)
    curve = rate_curve(traffic, horizon_s=cycle, seconds_per_month=profile.seconds_per_month)
    mean = float(curve.mean())
    return TrafficSummary(
        mean_rps=mean,
        peak_rps=float(curve.max()),
        trough_rps=float(curve.min()),
        requests_per_month=mean * profile.seconds_per_month,
        cycle_s=float(cycle),
    )


def _shape_curve(traffic: Traffic, seconds: np.ndarray, mean_rps: float | None) -> np.ndarray:
    if traffic.shape == "constant":
        return np.ones_like(seconds)
    if traffic.shape == "trace":
        counts = np.asarray(traffic.trace_counts or (0.0,), dtype=np.float64) / 60.0
        minutes = (seconds // 60).astype(np.int64) % len(counts)
        return counts[minutes]
    weekday_mean = mean_rps
    if traffic.shape == "weekly" and mean_rps is not None:
        # The weekly mean includes quieter weekends: weekdays run above it, and peak_rps is a weekday peak.
        weekday_mean = mean_rps * 7 / (5 + 2 * traffic.weekend_factor)
    daily = _diurnal(traffic, seconds, weekday_mean)
    if traffic.shape == "weekly":
        weekend = ((seconds // SECONDS_PER_DAY) % 7) >= 5  # day 0 is a Monday
        daily = np.where(weekend, daily * traffic.weekend_factor, daily)
    return daily


def _diurnal(traffic: Traffic, seconds: np.ndarray, mean_rps: float | None) -> np.ndarray:
    """A daily curve with mean 1 and peak/mean = peak_rps/mean_rps (default 2) at peak_hour_utc.

    Up to peak/mean 2 it is a raised cosine over a floor; above it the floor is 0 and the
    cosine is raised to the power k whose daily mean gives the requested peak/mean ratio.
    """
    ratio = (traffic.peak_rps / mean_rps) if (traffic.peak_rps and mean_rps) else 2.0
    ratio = max(ratio, 1.0)
    bump = _daily_bump(seconds.size, traffic.peak_hour_utc)
    if ratio <= 2:
        floor = 2 - ratio  # mean of bump is 1/2: floor + (ratio - floor) / 2 = 1
        return floor + (ratio - floor) * bump
    power = _power_for_mean(1.0 / ratio)
    return ratio * bump**power


@lru_cache(maxsize=16)
def _daily_bump(length: int, peak_s: float) -> np.ndarray:
    """(1 + cos) / 2 over seconds 0..length-1 (rate_curve's grid), 1 at ``peak_s`` each day; read-only.

    The same for every rate of a profile: the break-even scans rebuild the curve hundreds of times
    at scaled rates (a cosine of 86,400 seconds each time: a second of a run's critical path).
    """
    seconds = np.arange(length, dtype=np.float64)
    phase = 2 * np.pi * (seconds - peak_s) / SECONDS_PER_DAY
    bump: np.ndarray = (1 + np.cos(phase)) / 2
    bump.setflags(write=False)
    return bump


def _power_for_mean(share: float) -> float:
    """k such that the daily mean of ((1 + cos)/2)^k is ``share`` (0 < share <= 1/2)."""

    def mean_of_power(k: float) -> float:
        return math.exp(math.lgamma(k + 0.5) - math.lgamma(k + 1)) / math.sqrt(math.pi)

    low, high = 1.0, 1.0
    while mean_of_power(high) > share:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if mean_of_power(mid) > share else (low, mid)
    return (low + high) / 2


def _burst_factor(traffic: Traffic, seconds: np.ndarray) -> np.ndarray:
    factor = np.ones_like(seconds)
    for burst in traffic.bursts:
        into = (seconds - burst.start) % burst.every
        active = (seconds >= burst.start) & (into < burst.duration_s)
        factor = np.where(active, factor * burst.multiplier, factor)
    return factor
