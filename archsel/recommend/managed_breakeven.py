"""Where Lambda Managed Instances crosses the other two: the traffic scales at which it becomes cheaper or dearer.

The Lambda-versus-Fargate break-even (recommend.breakeven) stays as it was; this adds one crossing
per other architecture, so with three architectures there may be two: a fleet of instances
undercuts per-request Lambda above some volume, and Fargate's tasks (or not) at another. Same
method: the no-simulation usage model, calibrated to each design's simulated cost at scale 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from archsel.billing.rules import managed_instances
from archsel.billing.usage import LambdaManagedUsage
from archsel.cost.engine import estimate, usage_from_profile
from archsel.cost.savings_plan import instance_rates_missing, plan_name
from archsel.cost.usage_estimate import hourly_rates
from archsel.evaluate.candidate import Evaluation
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.traffic import summarize
from archsel.recommend.breakeven import SCAN_HIGH, SCAN_LOW, Scaler, _calibrated, nearest_sign_change, scale_traffic

BISECTION_STEPS = 20
"""Halvings of a scan step (1/1,000,000 of it: far below the model's own error)."""


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
    savings_plan: str | None = None
    """With a Compute Savings Plan in the profile: how it was priced into the crossings (None without one)."""


def managed_break_even(
    managed_best: Evaluation, others: tuple[Evaluation, ...], prices: PriceTable
) -> ManagedBreakEven:
    """Scan traffic scales for where Managed Instances and each other best design cost the same."""
    managed_cost = _remembered(_managed_calibrated(managed_best, prices))  # both crossings share the scan points
    base_rps = summarize(managed_best.candidate.profile).mean_rps
    crossings = []
    for other in others:
        other_cost = _remembered(_calibrated(other, prices))

        def gap(factor: float, other_cost: Callable[[float], float] = other_cost) -> float:
            return managed_cost(factor) - other_cost(factor)

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
        managed_usd=tuple(managed_cost(scale) for scale in scales),
        savings_plan=_plan_note(managed_best),
    )


def _plan_note(managed: Evaluation) -> str | None:
    """How the profile's Compute Savings Plan enters the crossings (every cost is priced with it, as AWS bills)."""
    plan = managed.candidate.profile.pricing.savings_plan
    if plan is None:
        return None
    missing = instance_rates_missing(managed.result.estimate)
    if missing:
        return f"the {plan_name(plan)} priced in where the table has its rates, not on the instances (no rate)"
    return f"the {plan_name(plan)} priced in, on the instances too (not on the management fee)"


def _managed_calibrated(evaluation: Evaluation, prices: PriceTable) -> Callable[[Scaler, float], float]:
    """Like breakeven._calibrated for Managed Instances, with the hour-by-hour rates read once.

    Scaling the traffic scales every hour's rate by the same factor (same shape), so the fleet of
    each hour comes from the base hourly rates times the factor instead of a new rate curve per
    factor (a week-long cycle takes tens of milliseconds to rebuild).
    """
    profile = evaluation.candidate.profile
    base = usage_from_profile(profile, Architecture.LAMBDA_MANAGED)
    assert isinstance(base, LambdaManagedUsage)
    hourly = hourly_rates(profile)

    def model_cost(scaler: Scaler, factor: float) -> float:
        scaled = scaler(profile, factor)
        fleet = sum(managed_instances(scaled, rate * factor) for rate in hourly) / len(hourly)
        usage = replace(
            base,
            instance_hours=fleet * profile.pricing.hours_per_month,
            api_requests=base.api_requests * factor,
            api_metered_requests=base.api_metered_requests * factor,
            invocations=base.invocations * factor,
            response_gb=base.response_gb * factor,
        )
        return float(estimate(scaled, usage, prices).monthly_usd)

    reference = model_cost(scale_traffic, 1.0)
    calibration = evaluation.monthly_usd / reference if reference > 0 else 1.0
    return lambda scaler, factor: model_cost(scaler, factor) * calibration


def _remembered(cost: Callable[[Scaler, float], float]) -> Callable[[float], float]:
    """``cost`` of the traffic scaled by a factor, each factor estimated once."""
    known: dict[float, float] = {}

    def at(factor: float) -> float:
        if factor not in known:
            known[factor] = cost(scale_traffic, factor)
        return known[factor]

    return at


def _nearest_crossing(gap: Callable[[float], float]) -> tuple[float | None, bool]:
    """The sign change of ``gap`` (Managed minus other) nearest scale 1, and whether Managed is cheaper above it."""
    factor, left_positive, at_high = nearest_sign_change(gap, SCAN_LOW, SCAN_HIGH, BISECTION_STEPS)
    if factor is None:
        return None, at_high < 0
    return factor, left_positive  # dearer below, so cheaper above


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
    plan = f"; {result.savings_plan}" if result.savings_plan else ""
    return (
        "Lambda Managed Instances is "
        + "; ".join(parts)
        + f" (same traffic shape, no-simulation model calibrated{plan})."
    )
