"""Invariants of the cost engine: costs are never negative, grow with requests, request time and
memory, and tier buckets always add up to the quantity and to the ladder's price."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from archsel.cost.billing import Charge, bill
from archsel.cost.engine import estimate, usage_from_profile
from archsel.pricing.table import load_prices
from archsel.pricing.tiers import Tier, tier_buckets
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile

PRICES = load_prices("us-east-1")
ARCHS: tuple[Literal["lambda", "fargate"], ...] = ("lambda", "fargate")

amounts = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def ladders(draw: st.DrawFn) -> tuple[Tier, ...]:
    widths = draw(st.lists(st.integers(min_value=1, max_value=10**9), max_size=5))
    prices = draw(
        st.lists(st.decimals(min_value=0, max_value=10, places=8), min_size=len(widths) + 1, max_size=len(widths) + 1)
    )
    edges = [Decimal(0)]
    for width in widths:
        edges.append(edges[-1] + width)
    return tuple(Tier(edges[i], edges[i + 1] if i + 1 < len(edges) else None, prices[i]) for i in range(len(edges)))


def ladder_cost(ladder: tuple[Tier, ...], start: Decimal, end: Decimal) -> Decimal:
    """Price of units [start, end) by the definition of a ladder, tier by tier."""
    total = Decimal(0)
    for tier in ladder:
        upper = end if tier.end is None else min(tier.end, end)
        lower = max(tier.start, start)
        if upper > lower:
            total += (upper - lower) * tier.unit_price_usd
    return total


@given(ladders(), amounts, amounts)
def test_tier_buckets_sum_to_the_quantity_and_the_ladder_price(
    ladder: tuple[Tier, ...], quantity: Decimal, offset: Decimal
) -> None:
    buckets = tier_buckets(quantity, ladder, offset=offset)
    assert sum((b.quantity for b in buckets), Decimal(0)) == quantity
    assert sum((b.monthly_usd for b in buckets), Decimal(0)) == ladder_cost(ladder, offset, offset + quantity)
    assert all(b.quantity >= 0 and b.monthly_usd >= 0 for b in buckets)
    assert [b.tier_index for b in buckets] == sorted({b.tier_index for b in buckets})


@given(ladders(), amounts, amounts)
def test_splitting_usage_with_an_offset_costs_the_same(
    ladder: tuple[Tier, ...], first: Decimal, second: Decimal
) -> None:
    apart = tier_buckets(first, ladder) + tier_buckets(second, ladder, offset=first)
    together = tier_buckets(first + second, ladder)
    assert sum(b.monthly_usd for b in apart) == sum(b.monthly_usd for b in together)


@given(
    st.sampled_from([p.id for p in PRICES.prices if not p.missing]),
    amounts,
    st.booleans(),
)
def test_billed_lines_add_up_to_the_charge(price_id: str, quantity: Decimal, free_tier: bool) -> None:
    price = PRICES.price(price_id)
    assert price is not None
    lines = bill(Charge(price.service, "x", price_id, quantity, price.unit), PRICES, free_tier=free_tier)
    assert sum((line.quantity for line in lines), Decimal(0)) == quantity
    assert all(line.monthly_usd is not None and line.monthly_usd >= 0 for line in lines)


# ----------------------------------------------------------------------------- whole estimates

settings.register_profile("cost", max_examples=int(os.environ.get("ARCHSEL_HYPOTHESIS_EXAMPLES", "40")), deadline=None)


@dataclass(frozen=True)
class Params:
    """A varied but valid profile, as the few numbers the properties turn."""

    requests: float
    duration_ms: float
    cpu_fraction: float
    memory_mb: int
    arch: str
    api: str
    payload_kb: float
    provisioned: int
    ephemeral_mb: int
    database: str
    free_tier: bool
    shape: str
    nat: bool
    mau: int
    tier: str
    frontend_visits: int
    fargate_gb: int = 2


params_strategy = st.builds(
    Params,
    requests=st.floats(min_value=0, max_value=5e9),
    duration_ms=st.floats(min_value=1, max_value=20_000),
    cpu_fraction=st.floats(min_value=0, max_value=1),
    memory_mb=st.integers(min_value=128, max_value=10_240),
    arch=st.sampled_from(["x86_64", "arm64"]),
    api=st.sampled_from(["http", "rest"]),
    payload_kb=st.floats(min_value=0, max_value=4_000),
    provisioned=st.sampled_from([0, 0, 5, 50]),
    ephemeral_mb=st.sampled_from([512, 2_048]),
    database=st.sampled_from(["none", "dynamodb", "aurora-postgres"]),
    free_tier=st.booleans(),
    shape=st.sampled_from(["constant", "diurnal"]),
    nat=st.booleans(),
    mau=st.sampled_from([0, 5_000, 250_000]),
    tier=st.sampled_from(["lite", "essentials", "plus"]),
    frontend_visits=st.sampled_from([0, 100_000, 50_000_000]),
)


def build(p: Params) -> WorkloadProfile:
    traffic = f"{{requests_per_month: {p.requests!r}}}"
    if p.shape == "diurnal" and p.requests >= 1_000:
        peak_rps = 3 * p.requests / (730 * 3_600)
        traffic = f"{{requests_per_month: {p.requests!r}, shape: diurnal, peak_rps: {peak_rps!r}}}"
    frontend = f"{{enabled: true, visits_per_month: {p.frontend_visits}}}" if p.frontend_visits else "{}"
    text = f"""
version: 1
name: prop
traffic: {traffic}
request: {{duration_ms: {{distribution: lognormal, p50: {p.duration_ms!r}, p95: {2 * p.duration_ms!r}}},
          cpu_fraction: {p.cpu_fraction!r}, payload_kb: {p.payload_kb!r}}}
lambda: {{memory_mb: {p.memory_mb}, architecture: {p.arch}, api: {p.api},
          provisioned_concurrency: {p.provisioned}, ephemeral_storage_mb: {p.ephemeral_mb}}}
fargate: {{nat_gateway: {str(p.nat).lower()}, max_tasks: 1000, vcpu: 1, memory_gb: {p.fargate_gb}}}
database: {{kind: {p.database}}}
auth: {{monthly_active_users: {p.mau}, tier: {p.tier}}}
frontend: {frontend}
pricing: {{free_tier: {str(p.free_tier).lower()}}}
"""
    return parse_profile(text)


def priced(profile: WorkloadProfile, architecture: Literal["lambda", "fargate"]) -> dict[str, Decimal]:
    """Monthly USD per line (service/name) of one estimate, checking every line is priced and >= 0."""
    result = estimate(profile, usage_from_profile(profile, architecture), PRICES)
    assert not result.missing_prices
    for component in result.components:
        assert component.quantity >= 0, component
        assert component.monthly_usd is not None and component.monthly_usd >= 0, component
    return {f"{c.service}/{c.name}": c.monthly_usd or Decimal(0) for c in result.components}


def total(profile: WorkloadProfile, architecture: Literal["lambda", "fargate"], *, without: str = "") -> Decimal:
    lines = priced(profile, architecture)
    return sum((value for key, value in lines.items() if not (without and key.startswith(without))), Decimal(0))


@settings(settings.get_profile("cost"))
@given(params_strategy)
def test_every_cost_is_non_negative(params: Params) -> None:
    profile = build(params)
    for architecture in ARCHS:
        assert total(profile, architecture) >= 0


@settings(settings.get_profile("cost"))
@given(params_strategy, st.floats(min_value=1, max_value=100))
def test_cost_grows_with_requests(params: Params, factor: float) -> None:
    low, high = build(params), build(replace(params, requests=params.requests * factor))
    for architecture in ARCHS:
        assert total(high, architecture) >= total(low, architecture)


@settings(settings.get_profile("cost"))
@given(params_strategy, st.floats(min_value=1, max_value=50))
def test_cost_grows_with_request_time(params: Params, factor: float) -> None:
    low, high = build(params), build(replace(params, duration_ms=params.duration_ms * factor))
    for architecture in ARCHS:
        assert total(high, architecture) >= total(low, architecture)


@settings(settings.get_profile("cost"))
@given(params_strategy, st.integers(min_value=128, max_value=10_240), st.sampled_from([2, 4, 8]))
def test_cost_grows_with_memory(params: Params, memory_mb: int, fargate_gb: int) -> None:
    """More memory costs more, except Lambda's /tmp storage above 512 MB: it is billed per second
    (not per GB-s of memory), and a function with more memory (more vCPU) runs for fewer seconds.

    Without provisioned concurrency: with it, more memory is more provisioned GB-s, which carry more
    of the work at the provisioned duration rate, and a busy provisioned GB-s (arm64: $0.0000033334 +
    $0.0000077778) costs less than an on-demand one ($0.0000133334, first tier), so a larger
    function can really be cheaper (hypothesis found one: 1,770 vs 155 MB, 50 provisioned, arm64).
    """
    params = replace(params, provisioned=0)
    small = build(replace(params, memory_mb=min(memory_mb, params.memory_mb), fargate_gb=2))
    large = build(replace(params, memory_mb=max(memory_mb, params.memory_mb), fargate_gb=fargate_gb))
    storage = "lambda/Ephemeral storage"
    for architecture in ARCHS:
        assert total(large, architecture, without=storage) >= total(small, architecture, without=storage)
    assert priced(large, "lambda").get(storage, Decimal(0)) <= priced(small, "lambda").get(storage, Decimal(0))
