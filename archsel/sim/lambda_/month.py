"""A month of Lambda traffic from representative days: the month-scale method.

A month at 1,000 req/s is 2.6 billion requests, about 15 minutes of the exact per-request model.
But the traffic of a month repeats: a constant or diurnal profile has one kind of day, a weekly
profile two (weekday and weekend). So the month is split into its days, days with the same
per-second rate curve form a day type, and each type is simulated exactly (the per-request
model, with a warm-up that replays the previous day's end) over one or more consecutive days
of that type, as many as a request budget allows (default 10^8 arrivals in all: one day at
1,000 req/s, a week at 100 req/s); its counts, usage and latency histogram are weighted by the
number of days of that type in the month (the partial last day counts for its share).

Why this is accurate: what the exact model carries from one day to the next is its warm pool,
whose memory is the keep-alive (minutes) and the lifetime (hours, and environments born in the
warm-up get staggered ages); a day with the same rates is the same random experiment. The
first run is, seed for seed, the exact model's run over the same days (same streams), so the
two agree exactly there; against longer exact runs the difference is the day-to-day sampling
noise of the days not simulated (bench/bench_lambda.py and tests/validation measure it).

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

from archsel.billing.usage import LambdaUsage, combine_routes, with_routes
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import rate_curve, simulation_rate
from archsel.profile.units import SECONDS_PER_DAY
from archsel.sim.figures import LambdaFigures, MonthFigures
from archsel.sim.lambda_.config import lambda_config
from archsel.sim.lambda_.model import run_engine
from archsel.sim.lambda_.reduce import sim_run
from archsel.sim.measure import LatencyHistogram
from archsel.sim.result import InstanceStats, RouteStats, SimRun

_AVERAGED = {
    "mean_concurrency",
    "throughput_rps",
    "mean_occupancy_s",
    "provisioned_mean_ready",
    "provisioned_utilisation",
}
_MAXIMA = {"peak_concurrency"}
_DAILY = tuple(item.name for item in fields(LambdaFigures) if item.name != "month")
"""The figures of one day's run (every LambdaFigures field but the month's own)."""
_HISTOGRAM_RESOLUTION = 1_000
"""Run weights are applied to latency histograms in whole multiples of 1/1,000."""


@dataclass(frozen=True, slots=True)
class DayType:
    """A representative day and the days of the month it stands for."""

    day: int
    """Index of the simulated day in the month (day 0 starts at 00:00 UTC of the first day)."""
    weight: float
    """Days of the month of this type (the partial last day counts for its share)."""
    grouped: bool = False
    """True when days with different rate curves were grouped (too many distinct days)."""
    consecutive: int = 1
    """Whole days of this type in a row from ``day`` on (how many one run may cover)."""
    requests_per_day: float = 0.0
    """Expected arrivals on one day of this type."""


@dataclass(frozen=True, slots=True)
class MonthDay:
    """One exact run behind the month: ``days`` consecutive days from ``kind.day`` on."""

    kind: DayType
    days: int
    run: SimRun


@dataclass(frozen=True, slots=True)
class MonthRun:
    """The month's result and the exact runs it was built from."""

    month: SimRun
    days: tuple[MonthDay, ...]


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
    types = tuple(_described(DayType(day, weight), weights, curve, month_s) for day, weight in weights.items())
    if len(types) <= max_day_types:
        return types
    return _grouped(types, curve, max_day_types)


def _day(curve: np.ndarray, day: int) -> np.ndarray:
    return curve[day * SECONDS_PER_DAY : (day + 1) * SECONDS_PER_DAY]


def _described(kind: DayType, representatives: dict[int, float], curve: np.ndarray, month_s: float) -> DayType:
    """``kind`` with its run of whole same-type days and its expected requests per day."""
    full_days = math.floor(month_s / SECONDS_PER_DAY)
    run = 1
    while kind.day + run < full_days and np.allclose(_day(curve, kind.day + run), _day(curve, kind.day), rtol=1e-9):
        run += 1
    return replace(kind, consecutive=run, requests_per_day=float(_day(curve, kind.day).sum()))


def _grouped(types: tuple[DayType, ...], curve: np.ndarray, bands: int) -> tuple[DayType, ...]:
    def mean_rate(kind: DayType) -> float:
        return float(curve[kind.day * SECONDS_PER_DAY : (kind.day + 1) * SECONDS_PER_DAY].mean())

    ordered = sorted(types, key=mean_rate)
    groups = np.array_split(np.arange(len(ordered)), bands)
    chosen = [
        replace(ordered[g[len(g) // 2]], weight=sum(ordered[k].weight for k in g), grouped=True, consecutive=1)
        for g in groups
    ]
    return tuple(sorted(chosen, key=lambda kind: kind.day))


def day_rate(profile: WorkloadProfile, day: int, *, warmup_s: float, days: int = 1) -> np.ndarray:
    """Per-second rates of ``days`` days from ``day`` of the month on, with the warm-up before
    them (index 0 at -ceil(warmup)).

    From day 0 it is `simulation_rate`, so that run is exactly `simulate_lambda` over those days.
    """
    if day == 0:
        return simulation_rate(profile, horizon_s=days * SECONDS_PER_DAY, warmup_s=warmup_s)
    warm = math.ceil(warmup_s)
    start = day * SECONDS_PER_DAY
    end = start + days * SECONDS_PER_DAY
    curve = rate_curve(profile.traffic, horizon_s=end, seconds_per_month=profile.seconds_per_month)
    return curve[max(0, start - warm) :]


def simulate_lambda_month(
    profile: WorkloadProfile,
    *,
    rng: np.random.Generator,
    warmup_s: float | None = None,
    seed: int | None = None,
    max_day_types: int = 7,
    request_budget: float = 1e8,
    progress: Callable[[float], None] | None = None,
) -> MonthRun:
    """Simulate each day type exactly and weight the runs into a month (see the module notes).

    Each type gets one run of as many consecutive days of its type as ``request_budget``
    (expected arrivals over all runs) allows, at least one day: more days where they are cheap,
    one day at high rates. The month's SimRun counts requests, cold starts and errors over the
    whole month, ``simulated_s`` is the month and the usage is the month's; no per-second series.
    """
    warm = profile.simulation.warmup if warmup_s is None else warmup_s
    chosen = profile.simulation.seed if seed is None else seed
    types = month_day_types(profile, max_day_types=max_day_types)
    per_type = max(1, math.floor(request_budget / max(1.0, sum(kind.requests_per_day for kind in types))))
    days: list[MonthDay] = []
    histograms: list[tuple[LatencyHistogram, ...]] = []
    for index, kind in enumerate(types):
        span = min(kind.consecutive, per_type)
        config = lambda_config(profile, horizon_s=span * SECONDS_PER_DAY, warmup_s=warm)
        rate = day_rate(profile, kind.day, warmup_s=warm, days=span)
        result = run_engine(profile, config, rng=rng, rate=rate)
        days.append(MonthDay(kind, span, sim_run(profile, result, seed=chosen, series=False)))
        histograms.append((result.histogram, *result.route_histograms))
        if progress is not None:
            progress((index + 1) / len(types))
    month = _combine(profile, tuple(days), histograms, seed=chosen)
    return MonthRun(month=month, days=tuple(days))


def _combine(
    profile: WorkloadProfile, days: tuple[MonthDay, ...], histograms: list[tuple[LatencyHistogram, ...]], *, seed: int
) -> SimRun:
    weights = np.array([day.kind.weight / day.days for day in days])  # month days per simulated day
    shares = np.array([day.kind.weight for day in days]) / sum(day.kind.weight for day in days)
    runs = [day.run for day in days]
    latency = _weighted([own[0] for own in histograms], weights)
    routes = tuple(
        _combined_route(route, index, runs, weights, histograms) for index, route in enumerate(runs[0].routes)
    )

    def count(name: str) -> int:
        return _month_count(runs, name, weights, routes)

    return SimRun(
        architecture=Architecture.LAMBDA,
        seed=seed,
        simulated_s=profile.seconds_per_month,
        latency_ms=latency.stats(),
        latency_quantiles=latency.cdf_points(),
        usage=_usage([run.usage for run in runs], shares),
        instances=_instances(runs, shares),
        figures=_figures(runs, weights, shares, days),
        routes=routes,
        requests=count("requests"),
        errors=count("errors"),
        cold_starts=count("cold_starts"),
        throttled=count("throttled"),
        timeouts=count("timeouts"),
    )


def _weighted_count(values: list[int], weights: np.ndarray) -> int:
    """A count over the month: each simulated day's count times the days it stands for."""
    return round(float(np.dot(weights, values)))


def _month_count(runs: list[SimRun], name: str, weights: np.ndarray, routes: tuple[RouteStats, ...]) -> int:
    """With routes, each count is the sum of the routes' (rounded) counts, so the two always agree."""
    if routes:
        return sum(int(getattr(route, name)) for route in routes)
    return _weighted_count([getattr(run, name) for run in runs], weights)


def _combined_route(
    route: RouteStats,
    index: int,
    runs: list[SimRun],
    weights: np.ndarray,
    histograms: list[tuple[LatencyHistogram, ...]],
) -> RouteStats:
    def count(name: str) -> int:
        return _weighted_count([getattr(run.routes[index], name) for run in runs], weights)

    latency = _weighted([own[index + 1] for own in histograms], weights)
    return replace(
        route,
        requests=count("requests"),
        errors=count("errors"),
        cold_starts=count("cold_starts"),
        throttled=count("throttled"),
        timeouts=count("timeouts"),
        invocations=count("invocations"),
        latency_ms=latency.stats(),
    )


def _weighted(histograms: list[LatencyHistogram], weights: np.ndarray) -> LatencyHistogram:
    """One histogram in which each run's latencies count as often as its days stand for."""
    latency = LatencyHistogram()
    for weight, histogram in zip(weights / weights.sum(), histograms, strict=True):
        for _ in range(max(1, round(weight * _HISTOGRAM_RESOLUTION))):
            latency.merge(histogram)
    return latency


def _usage(usages: list[object], shares: np.ndarray) -> LambdaUsage:
    """Share-weighted mean of each day's usage (each is already scaled to a whole month)."""
    typed = [usage for usage in usages if isinstance(usage, LambdaUsage)]
    first = typed[0]
    if first.routes:  # each route weighted alike; the totals stay the sums of the routes
        return with_routes(first, combine_routes(typed, lambda values: float(np.dot(shares, values))))
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


def _figures(runs: list[SimRun], weights: np.ndarray, shares: np.ndarray, days: tuple[MonthDay, ...]) -> LambdaFigures:
    daily = [run.figures for run in runs if isinstance(run.figures, LambdaFigures)]
    combined = [_combined(name, [getattr(one, name) for one in daily], weights, shares) for name in _DAILY]
    month = MonthFigures(
        day_types=float(len(runs)),
        days_simulated=float(sum(day.days for day in days)),
        grouped_days=float(sum(day.kind.weight for day in days if day.kind.grouped)),
    )
    return LambdaFigures(*combined, month=month)


def _combined(name: str, values: list[float], weights: np.ndarray, shares: np.ndarray) -> float:
    """One figure over the simulated days: a peak, a share-weighted mean, or a count scaled to the month."""
    if name in _MAXIMA:
        return max(values)
    if name in _AVERAGED:
        return float(np.dot(shares, values))
    return float(np.dot(weights, values))
