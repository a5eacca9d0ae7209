"""Price ladders: a tier of a price and the one helper that splits a quantity over tiers (Decimal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Tier:
    """One step of a price ladder: units in [start, end) cost ``unit_price_usd`` each."""

    start: Decimal
    end: Decimal | None
    """None for the open-ended last tier."""
    unit_price_usd: Decimal


@dataclass(frozen=True, slots=True)
class TierBucket:
    """The part of a quantity that falls in one tier, and what it costs."""

    tier_index: int
    quantity: Decimal
    unit_price_usd: Decimal

    @property
    def monthly_usd(self) -> Decimal:
        """Cost of this bucket."""
        return self.quantity * self.unit_price_usd


def tier_buckets(quantity: Decimal, tiers: Sequence[Tier], *, offset: Decimal = ZERO) -> tuple[TierBucket, ...]:
    """Split ``quantity`` over a price ladder, starting ``offset`` units up the ladder.

    The offset places usage after units already counted (the free tier, or the on-demand
    duration that INIT duration adds to), so consecutive calls price one combined total.
    Only tiers that receive units appear; a zero quantity gives one empty bucket at the
    price of the tier the offset lands in. The buckets always sum to ``quantity``.

    >>> ladder = (Tier(Decimal(0), Decimal(300), Decimal("1.00")), Tier(Decimal(300), None, Decimal("0.90")))
    >>> [(b.tier_index, b.quantity, b.monthly_usd) for b in tier_buckets(Decimal(432), ladder)]
    [(0, Decimal('300'), Decimal('300.00')), (1, Decimal('132'), Decimal('118.80'))]
    >>> [(b.tier_index, b.quantity) for b in tier_buckets(Decimal(100), ladder, offset=Decimal(250))]
    [(0, Decimal('50')), (1, Decimal('50'))]
    >>> [(b.tier_index, b.quantity) for b in tier_buckets(Decimal(0), ladder, offset=Decimal(400))]
    [(1, Decimal('0'))]
    """
    if quantity < 0 or offset < 0:
        raise ValueError(f"quantity and offset must be >= 0 (got {quantity}, {offset})")
    if not tiers:
        raise ValueError("a price ladder needs at least one tier")
    buckets: list[TierBucket] = []
    position, end_of_usage = offset, offset + quantity
    for index, tier in enumerate(tiers):
        upper = end_of_usage if tier.end is None else min(tier.end, end_of_usage)
        if upper > position:
            buckets.append(TierBucket(index, upper - position, tier.unit_price_usd))
            position = upper
        if position >= end_of_usage and buckets:
            break
    if not buckets:
        landed = next((i for i, t in enumerate(tiers) if t.end is None or offset < t.end), len(tiers) - 1)
        buckets.append(TierBucket(landed, ZERO, tiers[landed].unit_price_usd))
    return tuple(buckets)
