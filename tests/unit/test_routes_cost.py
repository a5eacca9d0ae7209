"""Routes in the cost engine: the no-simulation estimate per route, and the exact split of the bill."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import pytest

from archsel.billing.usage import LAMBDA_ADDITIVE_FIELDS, LambdaUsage
from archsel.cost.engine import estimate, usage_from_profile
from archsel.cost.lambda_cost import usage_basis
from archsel.cost.route_cost import compute_usd, route_costs, split
from archsel.pricing.table import load_prices
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile

PRICES = load_prices("us-east-1")
ROUTES = """
request:
  duration_ms: {fixed: 100}
  cpu_fraction: 0
  routes:
    - {method: GET, path: /light, share: 0.9}
    - {method: POST, path: /heavy, share: 0.1, memory_mb: 3008, payload_kb: 700}
"""


def profile(layout: str, extra: str = "") -> WorkloadProfile:
    return parse_profile(
        f"version: 1\nname: c\ntraffic: {{requests_per_month: 10000000}}\n{ROUTES}"
        f"lambda: {{memory_mb: 512, layout: {layout}{extra}}}\npricing: {{free_tier: true}}\n"
    )


def lambda_usage(workload: WorkloadProfile) -> LambdaUsage:
    usage = usage_from_profile(workload, "lambda")
    assert isinstance(usage, LambdaUsage)
    return usage


def test_the_estimate_bills_each_route_at_its_functions_memory() -> None:
    per_route = lambda_usage(profile("per-route"))
    single = lambda_usage(profile("single"))
    light, heavy = per_route.routes
    assert light.invocations == pytest.approx(9e6) and heavy.invocations == pytest.approx(1e6)
    assert light.ondemand_gb_seconds == pytest.approx(9e6 * 0.1 * 512 / 1024)
    assert heavy.ondemand_gb_seconds == pytest.approx(1e6 * 0.1 * 3008 / 1024)
    # one router function runs the light route at the heavy route's 3,008 MB too
    assert single.routes[0].ondemand_gb_seconds == pytest.approx(9e6 * 0.1 * 3008 / 1024)
    assert single.ondemand_gb_seconds > per_route.ondemand_gb_seconds
    # HTTP APIs meter 512 KB steps per route's own payload
    assert heavy.api_metered_requests == pytest.approx(2 * heavy.api_requests)
    for usage in (per_route, single):
        for name in LAMBDA_ADDITIVE_FIELDS:
            assert math.fsum(getattr(route, name) for route in usage.routes) == getattr(usage, name)


def test_provisioned_concurrency_is_configured_on_each_function() -> None:
    per_route = lambda_usage(profile("per-route", ", provisioned_concurrency: 2"))
    single = lambda_usage(profile("single", ", provisioned_concurrency: 2"))
    hours = 730.0
    assert per_route.provisioned_gb_seconds == pytest.approx(2 * (512 + 3008) / 1024 * hours * 3600)
    assert single.provisioned_gb_seconds == pytest.approx(2 * 3008 / 1024 * hours * 3600)


@pytest.mark.parametrize("layout", ["single", "per-route"])
def test_route_costs_add_up_to_the_lambda_and_api_lines_exactly(layout: str) -> None:
    workload = profile(layout, ", provisioned_concurrency: 1, ephemeral_storage_mb: 1024")
    usage = lambda_usage(workload)
    bill = estimate(workload, usage, PRICES)
    costs = route_costs(bill, usage)
    assert sum(cost.monthly_usd for cost in costs) == compute_usd(bill)
    assert [cost.route for cost in costs] == ["GET /light", "POST /heavy"]


def test_every_lambda_and_api_line_has_a_basis() -> None:
    workload = profile("per-route", ", provisioned_concurrency: 1, ephemeral_storage_mb: 1024, api: rest")
    usage = replace(lambda_usage(workload), init_gb_seconds=1000.0)  # the estimate has no INIT; a run has
    bill = estimate(workload, usage, PRICES)
    compute = [c for c in bill.components if c.service in {"lambda", "api_gateway"}]
    assert {c.name.split(" (")[0] for c in compute} >= {"Requests", "INIT duration", "Provisioned concurrency"}
    assert all(usage_basis(c.service, c.name) for c in compute), [c.name for c in compute]


def test_split_is_exact_and_shares_zero_weights_equally() -> None:
    parts = split(Decimal("10.000000000001"), [Decimal(1), Decimal(2), Decimal(0), Decimal(4)])
    assert sum(parts) == Decimal("10.000000000001") and parts[2] == 0
    assert split(Decimal(3), [Decimal(0), Decimal(0), Decimal(0)]) == [Decimal(1), Decimal(1), Decimal(1)]


def test_no_routes_no_route_costs() -> None:
    workload = parse_profile("version: 1\nname: c\ntraffic: {mean_rps: 1}\n")
    usage = lambda_usage(workload)
    assert usage.routes == () and route_costs(estimate(workload, usage, PRICES), usage) == ()
