"""The cost engine: compute usage + profile + price table -> a priced monthly estimate."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from archsel.billing.usage import ComputeUsage, LambdaManagedUsage, LambdaUsage
from archsel.cost.billing import Charge, bill, decimal
from archsel.cost.components import CostComponent, CostEstimate
from archsel.cost.fargate_cost import fargate_charges
from archsel.cost.lambda_cost import lambda_charges
from archsel.cost.lambda_managed_cost import lambda_managed_charges
from archsel.cost.network import lambda_vpc_charges
from archsel.cost.savings_plan import apply_savings_plan
from archsel.cost.shared_cost import Demand, identity_provider_components, shared_charges
from archsel.cost.usage_estimate import traffic_load, usage_from_profile
from archsel.pricing.table import PriceTable
from archsel.profile.schema import WorkloadProfile

__all__ = ["estimate", "estimate_document", "usage_from_profile"]


def estimate(profile: WorkloadProfile, usage: ComputeUsage, prices: PriceTable) -> CostEstimate:
    """Price one architecture for a month.

    The compute tier and its front door come from ``usage`` (a simulation's, or
    ``usage_from_profile``'s); everything around it (database, storage, CDN, sign-in, logs,
    data transfer, EFS) from the profile. ``profile.pricing`` sets the free tier and the
    month length. Prices the table lacks become missing components, never zeros.
    """
    if isinstance(usage, LambdaUsage):
        architecture, compute = "lambda", (*lambda_charges(usage), *lambda_vpc_charges(profile))
    elif isinstance(usage, LambdaManagedUsage):
        architecture, compute = "lambda-managed", lambda_managed_charges(usage)
    else:
        architecture, compute = "fargate", fargate_charges(usage)
    demand = Demand(architecture, traffic_load(profile).requests_per_month, usage.response_gb)
    charges = (*compute, *shared_charges(profile, demand))
    components = price_charges(charges, prices, free_tier=profile.pricing.free_tier)
    plan = profile.pricing.savings_plan
    if plan is not None:
        hours = decimal(profile.pricing.hours_per_month)
        components = apply_savings_plan(components, plan, prices, hours=hours)
    return CostEstimate(architecture, (*components, *identity_provider_components(profile)))


def price_charges(charges: tuple[Charge, ...], prices: PriceTable, *, free_tier: bool) -> tuple[CostComponent, ...]:
    """Bill every charge, keeping their order."""
    return tuple(component for charge in charges for component in bill(charge, prices, free_tier=free_tier))


# ----------------------------------------------------------------------------- JSON form

_MONEY_PLACES = Decimal("0.000001")


def _money(value: Decimal | None) -> float | None:
    # Micro-dollars: sub-cent lines stay visible and sums of rounded lines stay within a cent.
    return None if value is None else float(value.quantize(_MONEY_PLACES, rounding=ROUND_HALF_EVEN))


def _quantity(value: Decimal) -> float | int:
    rounded = value.quantize(_MONEY_PLACES, rounding=ROUND_HALF_EVEN)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def component_document(component: CostComponent) -> dict[str, Any]:
    """The JSON form of one cost line (the stable output keys plus always_on and price_id)."""
    return {
        "service": component.service,
        "name": component.name,
        "quantity": _quantity(component.quantity),
        "unit": component.unit,
        "unit_price_usd": None if component.unit_price_usd is None else float(component.unit_price_usd),
        "monthly_usd": _money(component.monthly_usd),
        "always_on": component.always_on,
        "price_id": component.price_id,
    }


def estimate_document(estimate: CostEstimate) -> dict[str, Any]:
    """The JSON form of an estimate: totals (USD, rounded to micro-dollars) and its components.

    ``not_priced`` (third-party lines without a figure, left out of the totals) is written only when there are some.
    """
    document: dict[str, Any] = {
        "architecture": estimate.architecture,
        "monthly_usd": _money(estimate.monthly_usd),
        "always_on_usd": _money(estimate.always_on_usd),
        "usage_usd": _money(estimate.usage_usd),
        "missing_prices": list(estimate.missing_prices),
        "components": [component_document(c) for c in estimate.components],
    }
    if estimate.not_priced:
        document["not_priced"] = [c.price_id for c in estimate.not_priced]
    return document
