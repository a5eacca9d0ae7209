"""Splits an estimate's Lambda and API Gateway lines over the API's routes, exactly in Decimal.

Each line (a tier bucket included) is shared out in proportion to the usage figure it bills
(invocations, GB-s at the route's function memory, INIT GB-s, metered API requests...), so a
route served by a larger function pays for its larger GB-s, and tiered prices become each
line's average price. Shares are rounded to 10^-12 USD and the last route with a share takes
the remainder, so the routes add up to the lines exactly. The database, storage, front end,
sign-in, logs and data transfer are not split: they are priced from the whole profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from archsel.billing.usage import LambdaUsage, RouteUsage
from archsel.cost.billing import decimal
from archsel.cost.components import CostEstimate
from archsel.cost.lambda_cost import usage_basis
from archsel.pricing.tiers import ZERO

_PLACES = Decimal("1e-12")
_EXACT = Context(prec=60)
"""Enough digits that the sums and the remainder below are exact (no rounding)."""


@dataclass(frozen=True, slots=True)
class RouteCost:
    """One route's share of the monthly Lambda and API Gateway bill."""

    route: str
    function: str
    memory_mb: int
    monthly_usd: Decimal


def compute_usd(estimate: CostEstimate) -> Decimal:
    """The Lambda and API Gateway lines of ``estimate`` (what route costs add up to)."""
    with localcontext(_EXACT):
        return sum(
            (
                c.monthly_usd
                for c in estimate.components
                if c.monthly_usd is not None and usage_basis(c.service, c.name)
            ),
            ZERO,
        )


def route_costs(estimate: CostEstimate, usage: LambdaUsage) -> tuple[RouteCost, ...]:
    """Each route's share of the compute lines of ``estimate`` (empty when ``usage`` has no routes)."""
    if not usage.routes:
        return ()
    totals = [ZERO] * len(usage.routes)
    for component in estimate.components:
        figure = usage_basis(component.service, component.name)
        if figure is None or component.monthly_usd is None:
            continue
        with localcontext(_EXACT):
            for index, share in enumerate(split(component.monthly_usd, [_weight(r, figure) for r in usage.routes])):
                totals[index] += share
    return tuple(
        RouteCost(route.route, route.function, route.memory_mb, total)
        for route, total in zip(usage.routes, totals, strict=True)
    )


def split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` in proportion to ``weights`` (equal parts when all are 0); the parts sum to it exactly.

    >>> split(Decimal("1"), [Decimal(1), Decimal(1), Decimal(1)])
    [Decimal('0.333333333333'), Decimal('0.333333333333'), Decimal('0.333333333334')]
    """
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    with localcontext(_EXACT):
        whole = sum(weights, ZERO)
        last = max(index for index, weight in enumerate(weights) if weight > 0)
        parts = [
            ZERO if weight == 0 else (amount * weight / whole).quantize(_PLACES, rounding=ROUND_HALF_EVEN)
            for weight in weights
        ]
        parts[last] = amount - sum((part for index, part in enumerate(parts) if index != last), ZERO)
    return parts


def _weight(route: RouteUsage, figure: str) -> Decimal:
    return decimal(float(getattr(route, figure)))
