"""Cost components and estimates: Decimal money, units in names, a missing price never zero."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from archsel.pricing.tiers import ZERO


@dataclass(frozen=True, slots=True)
class CostComponent:
    """One line of a bill: ``quantity`` ``unit`` at ``unit_price_usd`` each, per month.

    ``unit_price_usd`` and ``monthly_usd`` are None when the price table lacks the price:
    the line is reported as missing, never priced at zero.
    """

    service: str
    name: str
    quantity: Decimal
    unit: str
    unit_price_usd: Decimal | None
    monthly_usd: Decimal | None
    always_on: bool
    """Billed whether or not requests arrive (load balancer hours, storage, minimum capacity)."""
    price_id: str

    @property
    def missing(self) -> bool:
        """Whether the price of this line is unknown."""
        return self.monthly_usd is None


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """The monthly bill of one architecture, line by line."""

    architecture: str
    components: tuple[CostComponent, ...]

    @property
    def monthly_usd(self) -> Decimal:
        """Total of every priced line (missing lines excluded; see ``missing_prices``)."""
        return sum((c.monthly_usd for c in self.components if c.monthly_usd is not None), ZERO)

    @property
    def always_on_usd(self) -> Decimal:
        """Total of the lines billed regardless of traffic."""
        return sum((c.monthly_usd for c in self.components if c.always_on and c.monthly_usd is not None), ZERO)

    @property
    def usage_usd(self) -> Decimal:
        """Total of the usage-based lines."""
        return self.monthly_usd - self.always_on_usd

    @property
    def missing_prices(self) -> tuple[str, ...]:
        """Price ids the table lacks, in line order, without repeats (external lines aside: see ``not_priced``)."""
        return tuple(dict.fromkeys(c.price_id for c in self.components if c.missing and not is_external(c)))

    @property
    def not_priced(self) -> tuple[CostComponent, ...]:
        """External lines (a third party's bill) the profile gave no figure for: left out of the totals."""
        return tuple(c for c in self.components if c.missing and is_external(c))


EXTERNAL_PREFIX = "external."
"""Price ids of lines billed by a third party at the user's own figure, never from a price table."""


def is_external(component: CostComponent) -> bool:
    """Whether ``component`` is a third party's bill (priced from the profile, not from AWS's prices)."""
    return component.price_id.startswith(EXTERNAL_PREFIX)


def to_usd(value: Decimal | float) -> float:
    """A money amount as a float rounded to the cent, for JSON."""
    return float(round(Decimal(value), 2))
