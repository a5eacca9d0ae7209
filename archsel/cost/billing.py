"""Turns a Charge (what is used, under which price id) into priced cost components.

One place applies the free tier, splits tiered prices into one component per tier bucket
(like Infracost) and reports a price the table lacks as a missing component.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

from archsel.cost.components import CostComponent
from archsel.errors import PricingError
from archsel.pricing.table import Price, PriceTable
from archsel.pricing.tiers import ZERO, tier_buckets


@dataclass(frozen=True, slots=True)
class Charge:
    """``quantity`` ``unit`` of usage billed under ``price_id`` and shown as ``service``/``name``."""

    service: str
    name: str
    price_id: str
    quantity: Decimal
    unit: str
    always_on: bool = False
    offset: Decimal = ZERO
    """Units of the same price already billed by an earlier charge (they used the free tier and lower tiers)."""


_USAGE_CONTEXT = Context(prec=12)


def decimal(value: float) -> Decimal:
    """A float usage figure as Decimal with 12 significant digits.

    Usage is computed in floats; 12 digits drop their last-bit noise (3,000,000.000000001
    requests) while keeping any real difference (a relative 1e-12 is far below a cent).

    >>> decimal(3000000.000000001), decimal(0.1 + 0.2), decimal(529761.8423734148)
    (Decimal('3000000.00000'), Decimal('0.300000000000'), Decimal('529761.842373'))
    """
    return _USAGE_CONTEXT.create_decimal(repr(float(value)))


def bill(charge: Charge, prices: PriceTable, *, free_tier: bool) -> tuple[CostComponent, ...]:
    """Price one charge: a free-tier component if used, then one component per tier bucket."""
    price = prices.price(charge.price_id)
    if price is None or price.missing:
        return (_component(charge, charge.quantity, None, None, charge.price_id),)
    if price.unit != charge.unit:
        raise PricingError(
            f"{prices.source_file}: {price.id}: unit is {price.unit!r} but archsel measures it in {charge.unit!r}",
            hint=f"quote {price.id} per {charge.unit} (use `per:` for 'per 1,000,000')",
        )
    free_used, allowance_id = _free_units(charge, prices, free_tier=free_tier)
    lines = []
    if free_used > 0:
        lines.append(_component(charge, free_used, ZERO, ZERO, allowance_id, suffix="free tier"))
    buckets = tier_buckets(charge.quantity - free_used, price.tiers, offset=charge.offset + free_used)
    for bucket in buckets:
        suffix = tier_label(price, bucket.tier_index) if len(price.tiers) > 1 else None
        lines.append(
            _component(charge, bucket.quantity, bucket.unit_price_usd, bucket.monthly_usd, price.id, suffix=suffix)
        )
    if free_used > 0 and len(lines) > 1 and lines[-1].quantity == 0:
        lines.pop()  # all of it was free: the empty paid bucket adds nothing to read
    return tuple(lines)


def _free_units(charge: Charge, prices: PriceTable, *, free_tier: bool) -> tuple[Decimal, str]:
    allowance = prices.free_allowance(charge.price_id) if free_tier else None
    if allowance is None:
        return ZERO, ""
    left = max(ZERO, allowance.quantity - charge.offset)
    return min(left, charge.quantity), allowance.id


def _component(
    charge: Charge,
    quantity: Decimal,
    unit_price: Decimal | None,
    monthly: Decimal | None,
    price_id: str,
    *,
    suffix: str | None = None,
) -> CostComponent:
    name = f"{charge.name} ({suffix})" if suffix else charge.name
    return CostComponent(charge.service, name, quantity, charge.unit, unit_price, monthly, charge.always_on, price_id)


def tier_label(price: Price, index: int) -> str:
    """Infracost-style name of a tier: 'first 6B', 'next 9B', 'over 15B'.

    >>> from archsel.pricing.tiers import Tier
    >>> ladder = (Tier(Decimal(0), Decimal(6e9), ZERO), Tier(Decimal(6e9), Decimal(15e9), ZERO),
    ...           Tier(Decimal(15e9), None, ZERO))
    >>> price = Price("p", "lambda", "", "GB-seconds", Decimal(1), ladder, "", "", "")
    >>> [tier_label(price, i) for i in range(3)]
    ['first 6B', 'next 9B', 'over 15B']
    """
    tier = price.tiers[index]
    if index == 0 and tier.end is not None:
        return f"first {compact(tier.end)}"
    if tier.end is None:
        return f"over {compact(tier.start)}"
    return f"next {compact(tier.end - tier.start)}"


def compact(number: Decimal) -> str:
    """Short form of a round tier edge: 6000000000 -> '6B', 300000000 -> '300M', 10240 -> '10,240'.

    >>> compact(Decimal(6e9)), compact(Decimal(3e8)), compact(Decimal(10240)), compact(Decimal("1.5e7"))
    ('6B', '300M', '10,240', '15M')
    """
    for size, letter in ((Decimal(10**9), "B"), (Decimal(10**6), "M")):
        if number >= size and (number * 100) % size == 0:
            return _plain(number / size) + letter
    return _plain(number, grouped=True)


def _plain(number: Decimal, *, grouped: bool = False) -> str:
    text = f"{number:,f}" if grouped else f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
