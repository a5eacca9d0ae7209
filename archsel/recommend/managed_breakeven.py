"""Where Lambda Managed Instances crosses the other two: the traffic scales at which it becomes cheaper or dearer.

The Lambda-versus-Fargate break-even (recommend.breakeven) stays as it was; this adds one crossing
per other architecture, so with three architectures there may be two: a fleet of instances
undercuts per-request Lambda above some volume, and Fargate's tasks (or not) at another. Same
method: the no-simulation usage model, calibrated to each design's simulated cost at scale 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from archsel.evaluate.candidate import Evaluation
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.traffic import summarize
from archsel.recommend.breakeven import SCAN_HIGH, SCAN_LOW, SCAN_POINTS, _calibrated, scale_traffic

BISECTION_STEPS = 40


@dataclass(frozen=True, slots=True)
class Crossing:
    """Managed Instances against one other architecture: the traffic where their costs cross, if in range."""

    other: Architecture
    factor: float | None
    """Traffic scale of the crossing (None: no crossing between 1/1,000 and 10,000 times the traffic)."""
    rps: float | None
    managed_cheaper_above: bool
    """True when Managed Instances is the cheaper one above the crossing (else below it)."""


@dataclass(frozen=True, slots=True)
class ManagedBreakEven:
    """The crossings of Managed Instances with the other architectures, and its cost curve for charts."""

    crossings: tuple[Crossing, ...]
    scales: tuple[float, ...]
    managed_usd: tuple[float, ...]


def managed_break_even(
    managed_best: Evaluation, others: tuple[Evaluation, ...], prices: PriceTable
) -> ManagedBreakEven:
    """Scan traffic scales for where Managed Instances and each other best design cost the same."""
    managed_cost = _calibrated(managed_best, prices)
    base_rps = summarize(managed_best.candidate.profile).mean_rps
    crossings = []
    for other in others:
        other_cost = _calibrated(other, prices)

        def gap(factor: float, other_cost: Callable[..., float] = other_cost) -> float:
            return managed_cost(scale_traffic, factor) - other_cost(scale_traffic, factor)

        factor, cheaper_above = _nearest_crossing(gap)
        crossings.append(
            Crossing(
                other=other.candidate.architecture,
                factor=factor,
                rps=base_rps * factor if factor is not None else None,
                managed_cheaper_above=cheaper_above,
            )
        )
    scales = tuple(10 ** (exponent / 4) for exponent in range(-8, 13))
    return ManagedBreakEven(
        crossings=tuple(crossings),
        scales=scales,
        managed_usd=tuple(managed_cost(scale_traffic, scale) for scale in scales),
    )


def _nearest_crossing(gap: Callable[[float], float]) -> tuple[float | None, bool]:
    """The sign change of ``gap`` (Managed minus other) nearest scale 1, and whether Managed is cheaper above it."""
    points = [SCAN_LOW * (SCAN_HIGH / SCAN_LOW) ** (i / (SCAN_POINTS - 1)) for i in range(SCAN_POINTS)]
    values = [gap(point) for point in points]
    changes = [i for i in range(len(points) - 1) if (values[i] > 0) != (values[i + 1] > 0)]
    if not changes:
        return None, values[-1] < 0
    index = min(changes, key=lambda i: abs(math.log(points[i])))
    left, right = points[index], points[index + 1]
    left_positive = values[index] > 0
    for _ in range(BISECTION_STEPS):
        middle = math.sqrt(left * right)
        if (gap(middle) > 0) == left_positive:
            left = middle
        else:
            right = middle
    return math.sqrt(left * right), left_positive  # dearer below, so cheaper above


def describe_crossings(result: ManagedBreakEven) -> str:
    """One sentence naming each crossing, e.g. 'Lambda Managed Instances is cheaper than Lambda above 120 req/s ...'."""
    names = {Architecture.LAMBDA: "API Gateway + Lambda", Architecture.FARGATE: "ALB + Fargate"}
    parts = []
    for crossing in result.crossings:
        other = names.get(crossing.other, str(crossing.other))
        if crossing.rps is None:
            side = "cheaper" if crossing.managed_cheaper_above else "dearer"
            parts.append(f"{side} than {other} at every traffic from 1/1,000 to 10,000 times this one")
        else:
            side = "above" if crossing.managed_cheaper_above else "below"
            parts.append(f"cheaper than {other} {side} {crossing.rps:,.3g} req/s")
    return "Lambda Managed Instances is " + "; ".join(parts) + " (same traffic shape, no-simulation model calibrated)."
