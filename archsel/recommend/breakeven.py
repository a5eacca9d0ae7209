"""Where the cheaper architecture flips: traffic (same shape) and request duration scaled up and down.

Scanning many scales with full simulations would take minutes, so the scan uses the usage
model of `archsel cost` (per-request Lambda billing, Fargate tasks at the scaling target),
calibrated so that at scale 1 it equals each design's simulated monthly cost. That is a
simplification: cold-start and scale-out effects are assumed to stay proportional to cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from archsel.cost.engine import estimate, usage_from_profile
from archsel.evaluate.candidate import Evaluation
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.routes import mean_duration_ms
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import summarize

SCAN_LOW, SCAN_HIGH, SCAN_POINTS = 1e-3, 1e4, 71
BISECTION_STEPS = 50


@dataclass(frozen=True, slots=True)
class CostCurve:
    """Monthly cost of the two best designs at each traffic scale (for charts)."""

    scales: tuple[float, ...]
    mean_rps: tuple[float, ...]
    lambda_usd: tuple[float, ...]
    fargate_usd: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Flip:
    """A scale factor at which the cheaper architecture changes."""

    factor: float
    cheaper_below: Architecture
    cheaper_above: Architecture


@dataclass(frozen=True, slots=True)
class BreakEven:
    """Traffic and duration at which the cheaper architecture flips (None when it never does in range)."""

    traffic: Flip | None
    rps: float | None
    requests_per_month: float | None
    duration: Flip | None
    mean_duration_ms: float | None
    curve: CostCurve


def scale_traffic(profile: WorkloadProfile, factor: float) -> WorkloadProfile:
    """The profile with its traffic multiplied by ``factor`` (same shape, bursts and trace)."""
    traffic = profile.traffic
    updates: dict[str, object] = {}
    for name in ("requests_per_month", "mean_rps", "peak_rps"):
        value = getattr(traffic, name)
        if value is not None:
            updates[name] = value * factor
    if traffic.trace_counts is not None and traffic.mean_rps is None and traffic.requests_per_month is None:
        updates["trace_counts"] = tuple(count * factor for count in traffic.trace_counts)
    return profile.model_copy(update={"traffic": traffic.model_copy(update=updates)})


def scale_duration(profile: WorkloadProfile, factor: float) -> WorkloadProfile:
    """The profile with every request taking ``factor`` times as long (each route's own time too)."""
    routes = tuple(
        route
        if route.duration_ms is None
        else route.model_copy(update={"duration_ms": route.duration_ms.scaled(factor)})
        for route in profile.request.routes
    )
    update = {"duration_ms": profile.request.duration_ms.scaled(factor), "routes": routes}
    request = profile.request.model_copy(update=update)
    return profile.model_copy(update={"request": request})


def break_even(lambda_best: Evaluation, fargate_best: Evaluation, prices: PriceTable) -> BreakEven:
    """Scan traffic and duration scales for the point where the two designs cost the same."""
    lambda_cost = _calibrated(lambda_best, prices)
    fargate_cost = _calibrated(fargate_best, prices)

    def traffic_gap(factor: float) -> float:
        return lambda_cost(scale_traffic, factor) - fargate_cost(scale_traffic, factor)

    def duration_gap(factor: float) -> float:
        return lambda_cost(scale_duration, factor) - fargate_cost(scale_duration, factor)

    traffic_flip = _find_flip(traffic_gap)
    duration_flip = _find_flip(duration_gap, low=1e-2, high=1e2)
    base = summarize(lambda_best.candidate.profile)
    return BreakEven(
        traffic=traffic_flip,
        rps=base.mean_rps * traffic_flip.factor if traffic_flip else None,
        requests_per_month=base.requests_per_month * traffic_flip.factor if traffic_flip else None,
        duration=duration_flip,
        mean_duration_ms=(
            mean_duration_ms(lambda_best.candidate.profile) * duration_flip.factor if duration_flip else None
        ),
        curve=_curve(lambda_cost, fargate_cost, base.mean_rps),
    )


Scaler = Callable[[WorkloadProfile, float], WorkloadProfile]


def _calibrated(evaluation: Evaluation, prices: PriceTable) -> Callable[[Scaler, float], float]:
    profile = evaluation.candidate.profile
    architecture = evaluation.candidate.architecture

    def model_cost(scaler: Scaler, factor: float) -> float:
        scaled = scaler(profile, factor)
        return float(estimate(scaled, usage_from_profile(scaled, architecture), prices).monthly_usd)

    reference = model_cost(scale_traffic, 1.0)
    calibration = evaluation.monthly_usd / reference if reference > 0 else 1.0

    def cost(scaler: Scaler, factor: float) -> float:
        return model_cost(scaler, factor) * calibration

    return cost


def _find_flip(gap: Callable[[float], float], low: float = SCAN_LOW, high: float = SCAN_HIGH) -> Flip | None:
    """The sign change of ``gap`` (Lambda minus Fargate cost) nearest to scale 1, refined by bisection."""
    factor, left_positive, _ = nearest_sign_change(gap, low, high, BISECTION_STEPS)
    if factor is None:
        return None
    below = Architecture.FARGATE if left_positive else Architecture.LAMBDA
    above = Architecture.LAMBDA if left_positive else Architecture.FARGATE
    return Flip(factor=factor, cheaper_below=below, cheaper_above=above)


def nearest_sign_change(
    gap: Callable[[float], float], low: float, high: float, steps: int
) -> tuple[float | None, bool, float]:
    """Where ``gap`` changes sign nearest scale 1 (None if nowhere in [low, high]), scanned on a log grid
    then bisected ``steps`` times; whether it is positive below that point; its value at ``high``."""
    points = [low * (high / low) ** (i / (SCAN_POINTS - 1)) for i in range(SCAN_POINTS)]
    values = [gap(point) for point in points]
    changes = [i for i in range(len(points) - 1) if (values[i] > 0) != (values[i + 1] > 0)]
    if not changes:
        return None, values[0] > 0, values[-1]
    index = min(changes, key=lambda i: abs(math.log(points[i])))
    left, right = points[index], points[index + 1]
    left_positive = values[index] > 0
    for _ in range(steps):
        middle = math.sqrt(left * right)
        if (gap(middle) > 0) == left_positive:
            left = middle
        else:
            right = middle
    return math.sqrt(left * right), left_positive, values[-1]


def _curve(
    lambda_cost: Callable[[Scaler, float], float], fargate_cost: Callable[[Scaler, float], float], mean_rps: float
) -> CostCurve:
    scales = tuple(10 ** (exponent / 4) for exponent in range(-8, 13))
    return CostCurve(
        scales=scales,
        mean_rps=tuple(mean_rps * scale for scale in scales),
        lambda_usd=tuple(lambda_cost(scale_traffic, scale) for scale in scales),
        fargate_usd=tuple(fargate_cost(scale_traffic, scale) for scale in scales),
    )
