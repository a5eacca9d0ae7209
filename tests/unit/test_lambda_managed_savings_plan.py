"""A Compute Savings Plan on Lambda Managed Instances: the EC2 instance-hours at the plan rate, the fee on demand.

The shipped price tables carry no Savings Plans rates (they come from AWS's offer files, which this
machine cannot reach): the rates below are chosen for round hand calculations, not AWS's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from archsel.cost.engine import estimate, usage_from_profile
from archsel.cost.savings_plan import instance_plan_note
from archsel.evaluate.candidate import Evaluation, EvaluationContext, evaluate
from archsel.evaluate.design import Candidate
from archsel.evaluate.executors import InProcessExecutor
from archsel.pricing.savings_plans import PlanKey, read_rate
from archsel.pricing.selectors import Selector
from archsel.pricing.table import PriceTable, load_prices
from archsel.pricing.tiers import Tier
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.recommend.managed_breakeven import describe_crossings, managed_break_even
from archsel.recommend.managed_reasons import plan_clause
from archsel.sim.result import SimOptions
from tests.conftest import CliResult

RATE_ID = "savings_plan.1y_none.ec2.ondemand.m7g_large"
PLAN_RATE = Decimal("0.05")

# The bill of tests/unit/test_lambda_managed_cost.py (3 x m7g.large all month, 10 req/s), with a plan.
PROFILE = """
version: 1
name: lmi-plan
traffic: {{mean_rps: 10, shape: constant}}
request: {{duration_ms: {{fixed: 50}}, cpu_fraction: 0.2, payload_kb: 2, response_kb: 1}}
lambda: {{api: http}}
lambda_managed: {{instance_type: m7g.large, architecture: arm64}}
database: {{kind: none}}
logs: {{kb_per_request: 0}}
pricing: {{savings_plan: {plan}}}
simulation: {{horizon: 1h, warmup: 5m, seed: 4, replications: 1, allow_short_horizon: true}}
"""
COMMITTED = PROFILE.format(plan="{term: 1y, payment: none, commitment_usd_per_hour: 0.1}")


def _with_rate(table: PriceTable, rate: Decimal = PLAN_RATE) -> PriceTable:
    prices = tuple(
        dataclasses.replace(p, tiers=(Tier(Decimal(0), None, rate),)) if p.id == RATE_ID else p for p in table.prices
    )
    return dataclasses.replace(table, prices=prices)


def _lines(profile_text: str, prices: PriceTable) -> dict[str, Decimal | None]:
    profile = parse_profile(profile_text)
    bill = estimate(profile, usage_from_profile(profile, Architecture.LAMBDA_MANAGED), prices)
    return {c.name: c.monthly_usd for c in bill.components}


def test_the_plan_covers_instance_hours_at_its_rate_and_leaves_the_fee_on_demand() -> None:
    # By hand: 3 m7g.large all month = 2,190 instance-hours at $0.0816 on demand ($178.704).
    #   commitment  $0.10/h x 730 h                    = $73.00 (always on)
    #   covered     $73.00 / $0.05 per instance-hour   = 1,460 instance-hours (two instances)
    #   on demand   (2,190 - 1,460) x $0.0816          = 730 x $0.0816 = $59.568
    #   fee         2,190 x 15% x $0.0816              = $26.8056, as without a plan
    #   requests $5.256 and HTTP API $26.28 as without a plan
    lines = _lines(COMMITTED, _with_rate(load_prices("us-east-1")))
    assert lines["Compute Savings Plan 1yr No Upfront: commitment (100% used)"] == Decimal("73.00")
    assert lines["Instances, m7g.large (beyond the Savings Plan)"] == Decimal("59.568")
    assert lines["Managed Instances management fee, m7g.large"] == Decimal("26.8056")
    assert lines["Requests"] == Decimal("5.256") and lines["HTTP API requests (first 300M)"] == Decimal("26.28")
    without = _lines(PROFILE.format(plan="null"), load_prices("us-east-1"))
    assert without["Instances, m7g.large"] == Decimal("178.704")
    # every other line is the same: the plan only trades $178.704 of instance-hours for $73 + $59.568
    assert _total(lines) == _total(without) - Decimal("178.704") + Decimal("73") + Decimal("59.568")


def _total(lines: dict[str, Decimal | None]) -> Decimal:
    return sum((v for v in lines.values() if v is not None), Decimal(0))


def test_full_coverage_commits_every_instance_hour_at_the_plan_rate() -> None:
    # coverage 1.0: commitment = 2,190 x $0.05 = $109.50, no instance-hour left on demand
    lines = _lines(PROFILE.format(plan="{term: 1y, coverage: 1.0}"), _with_rate(load_prices("us-east-1")))
    assert lines["Compute Savings Plan 1yr No Upfront: commitment (100% used)"] == Decimal("109.50")
    assert not any(name.startswith("Instances,") for name in lines)
    assert lines["Managed Instances management fee, m7g.large"] == Decimal("26.8056")


def test_without_the_rate_the_instances_stay_on_demand_and_one_line_says_why() -> None:
    profile = parse_profile(COMMITTED)
    bill = estimate(profile, usage_from_profile(profile, Architecture.LAMBDA_MANAGED), load_prices("us-east-1"))
    lines = {c.name: c.monthly_usd for c in bill.components}
    assert lines["Instances, m7g.large"] == Decimal("178.704")  # on demand, nothing committed
    assert bill.missing_prices == (RATE_ID,)  # left missing: `pricing update --source bulk` fills it
    note = instance_plan_note(bill, profile.pricing.savings_plan, profile.region)
    assert note is not None and "not applied" in note and RATE_ID in note and "--source bulk" in note


def test_cost_says_in_one_line_that_the_plan_was_not_applied_to_the_instances(
    run_cli: Callable[..., CliResult], write_profile: Callable[[str], Path]
) -> None:
    result = run_cli("cost", str(write_profile(COMMITTED)), "--arch", "lambda-managed")
    assert result.exit_code == 0, result.stderr
    flat = " ".join(result.stdout.split())
    assert "Compute Savings Plan 1yr No Upfront not applied to the Lambda Managed Instances' EC2 instances" in flat
    assert "--strict" in result.stderr and RATE_ID in result.stderr
    assert run_cli("cost", str(write_profile(COMMITTED)), "--arch", "lambda-managed", "--strict").exit_code == 3


def test_recommend_reasons_and_the_crossing_price_the_plan_on_the_instances() -> None:
    shipped = load_prices("us-east-1")
    plain_managed, plain_lambda = _evaluated(PROFILE.format(plan="null"), shipped)
    planned_managed, planned_lambda = _evaluated(COMMITTED, _with_rate(shipped))
    missing_managed, _ = _evaluated(COMMITTED, shipped)
    assert planned_managed.monthly_usd < plain_managed.monthly_usd
    assert "commitment $73.00 a month" in plan_clause(planned_managed)
    assert "not discounted" in plan_clause(planned_managed)
    assert "for want of the rate" in plan_clause(missing_managed) and RATE_ID in plan_clause(missing_managed)
    assert plan_clause(plain_managed) == ""
    before = managed_break_even(plain_managed, (plain_lambda,), shipped)
    after = managed_break_even(planned_managed, (planned_lambda,), _with_rate(shipped))
    (cross_before,), (cross_after,) = before.crossings, after.crossings
    assert cross_before.factor is not None and cross_after.factor is not None
    assert cross_after.factor < cross_before.factor  # cheaper instances: Managed Instances wins from less traffic
    assert "on the instances too" in describe_crossings(after) and "Savings Plan" not in describe_crossings(before)


def test_the_offer_files_give_the_linux_instance_hour_its_own_rate() -> None:
    """BoxUsage:<type> is shared by every operating system; the Linux rate is the RunInstances one."""
    document = {
        "publicationDate": "2026-09-01T00:00:00Z",
        "products": [{"sku": "PLAN1", "attributes": {"purchaseTerm": "1yr", "purchaseOption": "No Upfront"}}],
        "terms": {
            "savingsPlan": [
                {
                    "sku": "PLAN1",
                    "effectiveDate": "2026-09-01",
                    "rates": [
                        _rate("BoxUsage:m7g.large", "RunInstances:0002", "0.0912"),  # Windows
                        _rate("BoxUsage:m7g.large", "RunInstances", "0.0514"),  # Linux
                    ],
                }
            ]
        },
    }
    selector = Selector("ec2.ondemand.m7g_large", "AmazonEC2", "BoxUsage:m7g.large", (("operation", "RunInstances"),))
    offer, reason = read_rate(document, PlanKey("1y", "none", "ec2.ondemand.m7g_large"), selector, "us-east-1")
    assert offer is not None, reason
    assert offer.tiers[0].unit_price_usd == Decimal("0.0514")


def _rate(usagetype: str, operation: str, price: str) -> dict[str, object]:
    return {
        "discountedServiceCode": "AmazonEC2",
        "discountedUsageType": usagetype,
        "discountedOperation": operation,
        "rateCode": f"PLAN1.{operation}",
        "unit": "Hrs",
        "discountedRate": {"price": price, "currency": "USD"},
    }


def _evaluated(text: str, prices: PriceTable) -> tuple[Evaluation, Evaluation]:
    profile = parse_profile(text)
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup)
    context = EvaluationContext(prices, InProcessExecutor(), profile.simulation.seed, options)
    candidates = [
        Candidate(key=f"{a}-0", architecture=a, profile=profile.model_copy())
        for a in (Architecture.LAMBDA_MANAGED, Architecture.LAMBDA)
    ]
    managed, lambda_ = evaluate(candidates, context)
    return managed, lambda_
