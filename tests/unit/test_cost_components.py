"""Tier buckets, charges billed against a table (free tier, offsets, missing prices) and estimate totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from archsel.cost.billing import Charge, bill, compact, decimal
from archsel.cost.components import CostComponent, CostEstimate
from archsel.errors import PricingError
from archsel.pricing.table import FreeAllowance, Price, PriceTable
from archsel.pricing.tiers import Tier, tier_buckets

D = Decimal
LADDER = (Tier(D(0), D(100), D("1")), Tier(D(100), D(300), D("0.5")), Tier(D(300), None, D("0.25")))


def table(*prices: Price, free: tuple[FreeAllowance, ...] = ()) -> PriceTable:
    return PriceTable("us-east-1", dt.date(2026, 1, 1), "test.yaml", "USD", prices, free)


def price(price_id: str, tiers: tuple[Tier, ...], unit: str = "GB") -> Price:
    return Price(price_id, "s3", "item", unit, D(1), tiers, "https://x", "now", "page")


FREE = FreeAllowance("p.free", "free", ("p",), D(50), "GB", "https://x", "now", "page")


def test_buckets_cover_the_quantity_across_tiers() -> None:
    buckets = tier_buckets(D(450), LADDER)
    assert [(b.tier_index, b.quantity, b.monthly_usd) for b in buckets] == [
        (0, D(100), D(100)),
        (1, D(200), D(100)),
        (2, D(150), D("37.50")),
    ]


def test_an_offset_starts_higher_up_the_ladder() -> None:
    assert [(b.tier_index, b.quantity) for b in tier_buckets(D(100), LADDER, offset=D(250))] == [
        (1, D(50)),
        (2, D(50)),
    ]


def test_zero_usage_is_one_empty_bucket_priced_where_it_lands() -> None:
    (bucket,) = tier_buckets(D(0), LADDER, offset=D(120))
    assert bucket.tier_index == 1 and bucket.quantity == 0 and bucket.monthly_usd == 0


def test_negative_quantities_are_refused() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        tier_buckets(D(-1), LADDER)


def test_a_flat_price() -> None:
    (line,) = bill(Charge("s3", "Storage", "p", D(10), "GB"), table(price("p", (Tier(D(0), None, D("0.023")),))),
                   free_tier=False)  # fmt: skip
    assert line.monthly_usd == D("0.230") and line.unit_price_usd == D("0.023") and line.name == "Storage"


def test_a_tiered_price_gives_one_named_line_per_bucket() -> None:
    lines = bill(Charge("s3", "Out", "p", D(450), "GB"), table(price("p", LADDER)), free_tier=False)
    assert [line.name for line in lines] == ["Out (first 100)", "Out (next 200)", "Out (over 300)"]
    assert sum(line.monthly_usd or 0 for line in lines) == D("237.50")


def test_the_free_tier_takes_the_bottom_of_the_ladder_when_on() -> None:
    prices = table(price("p", LADDER), free=(FREE,))
    free, paid = bill(Charge("s3", "Out", "p", D(80), "GB"), prices, free_tier=True)
    assert (free.name, free.quantity, free.monthly_usd, free.price_id) == ("Out (free tier)", D(50), D(0), "p.free")
    assert (paid.quantity, paid.monthly_usd) == (D(30), D(30))
    (unpaid,) = bill(Charge("s3", "Out", "p", D(80), "GB"), prices, free_tier=False)
    assert unpaid.monthly_usd == D(80)


def test_usage_within_the_free_tier_is_one_free_line() -> None:
    (free,) = bill(Charge("s3", "Out", "p", D(20), "GB"), table(price("p", LADDER), free=(FREE,)), free_tier=True)
    assert free.quantity == D(20) and free.monthly_usd == 0


def test_an_offset_shares_the_free_tier_and_the_ladder_with_earlier_lines() -> None:
    prices = table(price("p", LADDER), free=(FREE,))
    first = bill(Charge("s3", "A", "p", D(30), "GB"), prices, free_tier=True)
    second = bill(Charge("s3", "B", "p", D(100), "GB", offset=D(30)), prices, free_tier=True)
    together = bill(Charge("s3", "AB", "p", D(130), "GB"), prices, free_tier=True)
    assert sum(c.monthly_usd or 0 for c in first + second) == sum(c.monthly_usd or 0 for c in together)
    assert second[0].quantity == D(20) and second[0].monthly_usd == 0  # the free tier left after A


def test_a_missing_price_is_an_explicit_missing_line() -> None:
    unknown = price("p", ())
    for prices in (table(unknown), table()):
        (line,) = bill(Charge("fargate", "Spot vCPU", "p", D(5), "GB"), prices, free_tier=True)
        assert line.missing and line.monthly_usd is None and line.unit_price_usd is None
        assert line.quantity == D(5) and line.price_id == "p"


def test_a_unit_mismatch_is_refused() -> None:
    with pytest.raises(PricingError, match="unit is 'GB' but archsel measures it in 'GB-months'"):
        bill(Charge("s3", "Storage", "p", D(1), "GB-months"), table(price("p", LADDER)), free_tier=False)


def component(monthly: str | None, always_on: bool, price_id: str = "p") -> CostComponent:
    value = None if monthly is None else D(monthly)
    return CostComponent("s3", "x", D(1), "GB", value, value, always_on, price_id)


def test_estimate_totals_and_missing_prices() -> None:
    estimate = CostEstimate(
        "lambda",
        (
            component("1.50", True),
            component("2.25", False),
            component(None, True, "gone"),
            component(None, False, "gone"),
        ),
    )
    assert estimate.monthly_usd == D("3.75")
    assert estimate.always_on_usd == D("1.50") and estimate.usage_usd == D("2.25")
    assert estimate.missing_prices == ("gone",)


def test_usage_floats_become_clean_decimals() -> None:
    assert decimal(3_000_000.000000001) == D(3_000_000)
    assert decimal(0.0) == 0
    assert compact(D(333_000_000)) == "333M" and compact(D("18750000000")) == "18.75B"
