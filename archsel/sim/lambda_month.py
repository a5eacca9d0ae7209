"""A month of Lambda traffic from representative days: the month-scale method of issue 3.

A month at 1,000 req/s is 2.6 billion requests, about 15 minutes of the exact per-request model.
But the traffic of a month repeats: a constant or diurnal profile has one kind of day, a weekly
profile two (weekday and weekend). So the month is split into its days, days with the same
per-second rate curve form a day type, and one day per type is simulated exactly (the
per-request model, with a warm-up that replays the previous day's end); its counts, usage and
latency histogram are weighted by the number of days of that type in the month (the partial
last day counts for its share).

Why this is accurate: what the exact model carries from one day to the next is its warm pool,
whose memory is the keep-alive (minutes) and the lifetime (hours, and environments born in the
warm-up get staggered ages); a day with the same rates is the same random experiment. The
first representative day is, seed for seed, the exact model's first day (same streams), so
the two agree exactly there; against longer exact runs the difference is the day-to-day
sampling noise (bench/bench_lambda.py measures it).

Patterns with more distinct days than ``max_day_types`` (a trace that does not repeat daily,
bursts every 5 h) are grouped by mean rate into that many bands, each represented by its
median day: an approximation, flagged in the figures (``month_grouped_days`` > 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, cast

import numpy as np

from archsel.profile import WorkloadProfile
from archsel.sim.lambda_config import lambda_config
from archsel.sim.lambda_model import run_engine
from archsel.sim.lambda_reduce import sim_run
from archsel.sim.measure import LatencyHistogram
from archsel.sim.result import InstanceStats, SimRun
from archsel.sim.traffic import rate_curve, simulation_rate
from archsel.units import SECONDS_PER_DAY
from archsel.usage import LambdaUsage

_AVERAGED = {
    "mean_concurrency",
    "throughput_rps",
    "mean_occupancy_s",
    "provisioned_mean_ready",
    "provisioned_utilisation",
}
_MAXIMA = {"peak_concurrency"}
_HISTOGRAM_RESOLUTION = 1_000
"""Day weights are applied to latency histograms as whole multiples of 1/1,000 of the month."""


@dataclass(frozen=True, slots=True)
class DayType:
    """A representative day and the days of the month it stands for."""

    day: int
    """Index of the simulated day in the month (day 0 starts at 00:00 UTC of the first day)."""
    weight: float
    """Days of the month of this type (the partial last day counts for its share)."""
    grouped: bool = False
    """True when days with different rate curves were grouped (too many distinct days)."""


@dataclass(frozen=True, slots=True)
class MonthRun:
    """The month's result and the representative days it was built from."""

    month: SimRun
    days: tuple[tuple[DayType, SimRun], ...]


def month_day_types(profile: WorkloadProfile, *, max_day_types: int = 7) -> tuple[DayType, ...]:
    """Distinct days of the month's traffic, in order of first appearance, with their weights."""
    month_s = profile.seconds_per_month
    days = math.ceil(month_s / SECONDS_PER_DAY)
    curve = rate_curve(profile.traffic, horizon_s=days * SECONDS_PER_DAY, seconds_per_month=month_s)
    weights: dict[int, float] = {}
    for day in range(days):
        share = min(1.0, month_s / SECONDS_PER_DAY - day)
        today = curve[day * SECONDS_PER_DAY : (day + 1) * SECONDS_PER_DAY]
        # the same clock time on two days can differ in the last bits of a cosine: compare with a tolerance
        same = (
            d for d in weights if np.allclose(curve[d * SECONDS_PER_DAY : (d + 1) * SECONDS_PER_DAY], today, rtol=1e-9)
        )
        representative = next(same, day)
        weights[representative] = weights.get(representative, 0.0) + share
    types = tuple(DayType(day, weight) for day, weight in weights.items())
    if len(types) <= max_day_types:
        return types
    return _grouped(types, curve, max_day_types)


def _grouped(types: tuple[DayType, ...], curve: np.ndarray, bands: int) -> tuple[DayType, ...]:
    def mean_rate(kind: DayType) -> float:
        return float(curve[kind.day * SECONDS_PER_DAY : (kind.day + 1) * SECONDS_PER_DAY].mean())

    ordered = sorted(types, key=mean_rate)
    groups = np.array_split(np.arange(len(ordered)), bands)
    chosen = [DayType(ordered[g[len(g) // 2]].day, sum(ordered[k].weight for k in g), True) for g in groups]
    return tuple(sorted(chosen, key=lambda kind: kind.day))


def day_rate(profile: WorkloadProfile, day: int, *, warmup_s: float) -> np.ndarray:
    """Per-second rates of ``day`` of the month with its warm-up (index 0 at -ceil(warmup)).

    Day 0 uses `simulation_rate`, so its run is exactly `simulate_lambda` over one day.
    """
    if day == 0:
        return simulation_rate(profile, horizon_s=SECONDS_PER_DAY, warmup_s=warmup_s)
    warm = math.ceil(warmup_s)
    start = day * SECONDS_PER_DAY
    curve = rate_curve(profile.traffic, horizon_s=start + SECONDS_PER_DAY, seconds_per_month=profile.seconds_per_month)
    return curve[max(0, start - warm) :]


def simulate_lambda_month(
    profile: WorkloadProfile,
    *,
    rng: np.random.Generator,
    warmup_s: float | None = None,
    seed: int | None = None,
    max_day_types: int = 7,
    progress: Callable[[float], None] | None = None,
) -> MonthRun:
    """Simulate one exact day per day type and weight them into a month (see the module notes).

    The month's SimRun counts requests, cold starts and errors over the whole month,
    ``simulated_s`` is the month, and the usage is the month's; per-second series are not kept.
    """
    warm = profile.simulation.warmup if warmup_s is None else warmup_s
    chosen = profile.simulation.seed if seed is None else seed
    types = month_day_types(profile, max_day_types=max_day_types)
    config = lambda_config(profile, horizon_s=SECONDS_PER_DAY, warmup_s=warm)
    days: list[tuple[DayType, SimRun]] = []
    histograms: list[LatencyHistogram] = []
    for index, kind in enumerate(types):
        result = run_engine(profile, config, rng=rng, rate=day_rate(profile, kind.day, warmup_s=warm))
        days.append((kind, sim_run(profile, result, seed=chosen, series=False)))
        histograms.append(result.histogram)
        if progress is not None:
            progress((index + 1) / len(types))
    month = _combine(profile, tuple(days), histograms, seed=chosen)
    return MonthRun(month=month, days=tuple(days))


def _combine(
    profile: WorkloadProfile, days: tuple[tuple[DayType, SimRun], ...], histograms: list[LatencyHistogram], *, seed: int
) -> SimRun:
    weights = np.array([kind.weight for kind, _ in days])
    shares = weights / weights.sum()
    runs = [run for _, run in days]

    def total(values: list[int]) -> int:
        return round(float(np.dot(weights, values)))

    latency = LatencyHistogram()
    for share, histogram in zip(shares, histograms, strict=True):
        for _ in range(max(1, round(share * _HISTOGRAM_RESOLUTION))):
            latency.merge(histogram)
    return SimRun(
        architecture="lambda",
        seed=seed,
        simulated_s=profile.seconds_per_month,
        requests=total([run.requests for run in runs]),
        errors=total([run.errors for run in runs]),
        latency_ms=latency.stats(),
        usage=_usage([run.usage for run in runs], shares),
        cold_starts=total([run.cold_starts for run in runs]),
        throttled=total([run.throttled for run in runs]),
        timeouts=total([run.timeouts for run in runs]),
        instances=_instances(runs, shares),
        figures=_figures(runs, weights, shares, grouped=sum(kind.weight for kind, _ in days if kind.grouped)),
    )


def _usage(usages: list[object], shares: np.ndarray) -> LambdaUsage:
    """Share-weighted mean of each day's usage (each is already scaled to a whole month)."""
    typed = [usage for usage in usages if isinstance(usage, LambdaUsage)]
    first = typed[0]
    numbers = {
        f.name: float(np.dot(shares, [getattr(usage, f.name) for usage in typed]))
        for f in fields(LambdaUsage)
        if isinstance(getattr(first, f.name), float)
    }
    return replace(first, **cast(dict[str, Any], numbers))


def _instances(runs: list[SimRun], shares: np.ndarray) -> InstanceStats:
    stats = [run.instances for run in runs if run.instances is not None]
    return InstanceStats(
        mean=float(np.dot(shares, [s.mean for s in stats])),
        max=max(s.max for s in stats),
        mean_busy=float(np.dot(shares, [s.mean_busy for s in stats])),
        mean_idle=float(np.dot(shares, [s.mean_idle for s in stats])),
    )


def _figures(
    runs: list[SimRun], weights: np.ndarray, shares: np.ndarray, *, grouped: float
) -> tuple[tuple[str, float], ...]:
    combined: dict[str, float] = {}
    for name, _ in runs[0].figures:
        values = [run.figure(name) for run in runs]
        if name in _MAXIMA:
            combined[name] = max(values)
        elif name in _AVERAGED:
            combined[name] = float(np.dot(shares, values))
        else:  # counts over a day, summed over the month
            combined[name] = float(np.dot(weights, values))
    combined["month_day_types"] = float(len(runs))
    combined["month_days"] = float(weights.sum())
    combined["month_grouped_days"] = float(grouped)
    return tuple(sorted(combined.items()))
