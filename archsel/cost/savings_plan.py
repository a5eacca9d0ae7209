"""Compute Savings Plans on a priced estimate: the commitment covers eligible usage at the plan's rates.

AWS applies a plan hour by hour to the eligible usage with the highest savings percentage first
(ties: the lowest plan rate first) until the commitment is used up; the rest is billed on
demand, and an unused commitment is still paid
(https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html). archsel applies it to
the month's usage against the month's commitment (hourly commitment x hours per month): exact for
steady usage such as Fargate tasks, an upper bound on the covered share for usage that varies
hour to hour (a quiet hour cannot use a busy hour's commitment).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from archsel.cost.components import CostComponent, CostEstimate
from archsel.pricing.savings_plans import (
    ELIGIBLE_PRICES,
    MANAGED_INSTANCE_PRICES,
    PAYMENT_NAMES,
    TERM_NAMES,
    rate_id,
    savings_plan_key,
)
from archsel.pricing.table import PriceTable
from archsel.pricing.tiers import ZERO
from archsel.profile.options_schema import SavingsPlan


@dataclass(frozen=True, slots=True)
class EligibleLine:
    """Usage a plan may cover: ``quantity`` units billed at ``on_demand_rate``, or ``plan_rate`` under the plan."""

    name: str
    quantity: Decimal
    on_demand_rate: Decimal
    plan_rate: Decimal

    @property
    def savings(self) -> Decimal:
        """The plan's discount off on-demand, as a fraction."""
        return 1 - self.plan_rate / self.on_demand_rate


@dataclass(frozen=True, slots=True)
class Covered:
    """How much of one eligible line the commitment covered."""

    line: EligibleLine
    covered: Decimal

    @property
    def on_demand_quantity(self) -> Decimal:
        """Units left to bill on demand."""
        return self.line.quantity - self.covered

    @property
    def plan_usd(self) -> Decimal:
        """The part of the commitment this line used."""
        return self.covered * self.line.plan_rate


def apply_commitment(lines: Sequence[EligibleLine], commitment_usd: Decimal) -> tuple[Covered, ...]:
    """Cover ``lines`` (in their order) with ``commitment_usd``, highest savings first, then lowest plan rate."""
    order = sorted(range(len(lines)), key=lambda i: (-lines[i].savings, lines[i].plan_rate))
    covered = [ZERO] * len(lines)
    left = commitment_usd
    for index in order:
        line = lines[index]
        if left <= 0 or line.plan_rate <= 0:
            continue
        covered[index] = min(line.quantity, left / line.plan_rate)
        left -= covered[index] * line.plan_rate
    return tuple(Covered(line, amount) for line, amount in zip(lines, covered, strict=True))


def apply_savings_plan(
    components: tuple[CostComponent, ...], plan: SavingsPlan, prices: PriceTable, *, hours: Decimal
) -> tuple[CostComponent, ...]:
    """``components`` with the plan applied: eligible lines cut to what is billed on demand, plus the commitment.

    A plan rate the table lacks leaves every line on demand and reports that rate missing.
    """
    eligible = [i for i, c in enumerate(components) if _eligible(c)]
    if not eligible:
        return components
    plan_rates: dict[int, Decimal] = {}
    missing: list[str] = []
    for index in eligible:
        price_id = rate_id(plan.term, plan.payment, components[index].price_id)
        price = prices.price(price_id)
        if price is None or price.missing:
            missing.append(price_id)
        else:
            plan_rates[index] = price.tiers[0].unit_price_usd
    if missing:
        return (*components, *(_missing_rate(price_id) for price_id in dict.fromkeys(missing)))
    lines = [_line(components[i], plan_rates[i]) for i in eligible]
    commitment = _commitment(plan, lines, hours)
    applied = dict(zip(eligible, apply_commitment(lines, commitment), strict=True))
    kept = tuple(_on_demand_part(c, applied.get(i)) for i, c in enumerate(components))
    return (*(c for c in kept if c is not None), _commitment_line(plan, commitment, hours, applied.values()))


def _eligible(component: CostComponent) -> bool:
    return (
        component.price_id in ELIGIBLE_PRICES
        and component.unit_price_usd is not None
        and component.unit_price_usd > 0
        and component.quantity > 0
    )


def _line(component: CostComponent, plan_rate: Decimal) -> EligibleLine:
    assert component.unit_price_usd is not None  # checked by _eligible
    return EligibleLine(component.name, component.quantity, component.unit_price_usd, plan_rate)


def _commitment(plan: SavingsPlan, lines: list[EligibleLine], hours: Decimal) -> Decimal:
    if plan.commitment_usd_per_hour is not None:
        return Decimal(repr(plan.commitment_usd_per_hour)) * hours
    at_plan_rates = sum((line.quantity * line.plan_rate for line in lines), ZERO)
    return Decimal(repr(plan.coverage)) * at_plan_rates


def _on_demand_part(component: CostComponent, covered: Covered | None) -> CostComponent | None:
    if covered is None or covered.covered == 0:
        return component
    left = covered.on_demand_quantity
    if left <= 0:
        return None
    rate = covered.line.on_demand_rate
    return dataclasses.replace(
        component, name=f"{component.name} (beyond the Savings Plan)", quantity=left, monthly_usd=left * rate
    )


def _commitment_line(
    plan: SavingsPlan, commitment: Decimal, hours: Decimal, covered: Iterable[Covered]
) -> CostComponent:
    used = sum((c.plan_usd for c in covered), ZERO)
    name = (
        f"Compute Savings Plan {TERM_NAMES[plan.term]} {PAYMENT_NAMES[plan.payment]}: commitment "
        f"({used / commitment * 100 if commitment else 0:.0f}% used)"
    )
    return CostComponent(
        "savings_plans",
        name,
        hours,
        "hours",
        commitment / hours if hours else ZERO,
        commitment,
        True,
        f"savings_plan.{plan.term}_{plan.payment}",
    )


def _missing_rate(price_id: str) -> CostComponent:
    return CostComponent("savings_plans", "Compute Savings Plan rate", ZERO, "", None, None, True, price_id)


# ----------------------------------------------------------------------------- Lambda Managed Instances


def plan_name(plan: SavingsPlan) -> str:
    """'Compute Savings Plan 1yr No Upfront'."""
    return f"Compute Savings Plan {TERM_NAMES[plan.term]} {PAYMENT_NAMES[plan.payment]}"


def instance_rates_missing(estimate: CostEstimate) -> tuple[str, ...]:
    """The plan rate ids of EC2 instance-hours (Lambda Managed Instances) the table lacked: those instances stayed on demand."""
    return tuple(
        c.price_id
        for c in estimate.components
        if c.service == "savings_plans"
        and c.missing
        and (key := savings_plan_key(c.price_id)) is not None
        and key.base_id in MANAGED_INSTANCE_PRICES
    )


def instance_plan_note(estimate: CostEstimate, plan: SavingsPlan | None, region: str) -> str | None:
    """One line for a Lambda Managed Instances estimate priced under ``plan``: applied to the instances, or why not.

    The plan discounts the EC2 instance-hours only; the management fee stays 15% of the on-demand price
    (https://aws.amazon.com/lambda/pricing/). A rate the table lacks (the shipped tables have none:
    they come from the Savings Plans offer files) leaves the instances on demand, said in this line.
    """
    instances = [c for c in estimate.components if c.service == "ec2" and c.price_id.startswith("ec2.ondemand.")]
    if plan is None or not instances:
        return None
    missing = instance_rates_missing(estimate)
    if missing:
        return (
            f"{plan_name(plan)} not applied to the Lambda Managed Instances' EC2 instances for want of the rate "
            f"({', '.join(missing)} is missing from the price table; `archsel pricing update --region {region} "
            "--source bulk` fills it): they are priced on demand."
        )
    return (
        f"{plan_name(plan)} applied to the Lambda Managed Instances' EC2 instance-hours at the plan rate; "
        "the management fee is not discounted (15% of the on-demand price)."
    )
