"""Reads AWS Price List products (the JSON strings `get_products` returns) into priced offers. Pure.

One product looks like ``{"product": {"sku", "productFamily", "attributes": {...}},
"terms": {"OnDemand": {"<sku>.<term>": {"effectiveDate", "priceDimensions": {"<rate code>":
{"unit", "beginRange", "endRange", "pricePerUnit": {"USD": "0.0000166667"}}}}}},
"publicationDate", ...}``. Tiered prices have several price dimensions; the last tier's
``endRange`` is ``"Inf"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from archsel.pricing.tiers import ZERO, Tier


class PriceListFormatError(ValueError):
    """A Price List product that does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class Offer:
    """One product's on-demand price: its identity and its ladder (USD per Price List unit)."""

    sku: str
    usagetype: str
    attributes: tuple[tuple[str, str], ...]
    unit: str
    tiers: tuple[Tier, ...]
    effective: str
    """YYYY-MM-DD of the on-demand term's effectiveDate."""
    published: str
    """YYYY-MM-DD of the offer's publicationDate."""

    def attribute(self, name: str) -> str | None:
        """The product attribute ``name``, or None."""
        return next((value for key, value in self.attributes if key == name), None)


def parse_product(item: str | Mapping[str, Any]) -> Offer:
    """One `PriceList` entry (a JSON string, as the API returns it) as an Offer.

    Raises PriceListFormatError when a key is missing, there is not exactly one on-demand
    term, a price is not USD, or the tiers do not chain from 0 to "Inf".
    """
    data = json.loads(item) if isinstance(item, str) else item
    try:
        product = data["product"]
        # productFamily sits beside the attributes but filters like one (TERM_MATCH productFamily).
        attributes = {"productFamily": product.get("productFamily", "")} | dict(product["attributes"])
        term = _single_on_demand_term(data["terms"])
        dimensions = sorted(term["priceDimensions"].values(), key=lambda d: price_number(d.get("beginRange", "0")))
        tiers = tuple(_tier(d) for d in dimensions)
        units = {str(d["unit"]) for d in dimensions}
        offer = Offer(
            sku=str(product["sku"]),
            usagetype=str(attributes.get("usagetype", "")),
            attributes=tuple(sorted((str(k), str(v)) for k, v in attributes.items())),
            unit=units.pop() if len(units) == 1 else "/".join(sorted(units)),
            tiers=tiers,
            effective=str(term["effectiveDate"])[:10],
            published=str(data.get("publicationDate", term["effectiveDate"]))[:10],
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise PriceListFormatError(f"product without {error}") from error
    _check_chain(offer)
    return offer


def _single_on_demand_term(terms: Mapping[str, Any]) -> Mapping[str, Any]:
    on_demand = terms.get("OnDemand") or {}
    if len(on_demand) != 1:
        raise PriceListFormatError(f"expected one OnDemand term, found {len(on_demand)}")
    (term,) = on_demand.values()
    return term  # type: ignore[no-any-return]


def _tier(dimension: Mapping[str, Any]) -> Tier:
    prices = dimension["pricePerUnit"]
    if "USD" not in prices:
        raise PriceListFormatError(f"price not in USD: {sorted(prices)}")
    end = str(dimension.get("endRange", "Inf"))
    return Tier(
        price_number(dimension.get("beginRange", "0")),
        None if end == "Inf" else price_number(end),
        price_number(prices["USD"]),
    )


def price_number(text: Any) -> Decimal:
    """A price or range bound of a Price List file: a finite, non-negative decimal (else PriceListFormatError)."""
    try:
        value = Decimal(str(text))
    except InvalidOperation as error:
        raise PriceListFormatError(f"not a number: {text!r}") from error
    if not value.is_finite() or value < 0:
        raise PriceListFormatError(f"not a price or range: {text!r}")
    return value


def _check_chain(offer: Offer) -> None:
    expected = ZERO
    for index, tier in enumerate(offer.tiers):
        last = index == len(offer.tiers) - 1
        if tier.start != expected or last != (tier.end is None):
            raise PriceListFormatError(f"{offer.sku}: price dimensions do not chain from 0 to Inf")
        expected = tier.end if tier.end is not None else expected
    if not offer.tiers:
        raise PriceListFormatError(f"{offer.sku}: no price dimensions")


def without_free_first_tier(tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
    """The ladder with a leading $0 tier folded into the next one.

    The Price List shows some always-free allowances as a $0 first tier (DynamoDB's 25 GB);
    archsel lists them under `free_tier:` instead and applies them only when the profile asks,
    so the paid ladder starts at 0 with the first paid rate.

    >>> d = Decimal
    >>> without_free_first_tier((Tier(d(0), d(25), d(0)), Tier(d(25), None, d("0.25"))))
    (Tier(start=Decimal('0'), end=None, unit_price_usd=Decimal('0.25')),)
    """
    if len(tiers) < 2 or tiers[0].unit_price_usd != 0:
        return tiers
    first, second = tiers[0], tiers[1]
    return (Tier(first.start, second.end, second.unit_price_usd), *tiers[2:])


def same_ladder(offers: tuple[Offer, ...]) -> bool:
    """Whether every offer has the same tiers (several SKUs, one price: Aurora MySQL and PostgreSQL)."""
    return len({o.tiers for o in offers}) <= 1
