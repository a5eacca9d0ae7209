"""Compute Savings Plans: AWS's published example to the cent, and the plan on an archsel estimate."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from archsel.cost.savings_plan import Covered, EligibleLine, apply_commitment
from archsel.pricing.savings_plans import rate_id, savings_plan_key
from archsel.profile.options_schema import SavingsPlan

EXAMPLES = yaml.safe_load((Path(__file__).parents[1] / "data" / "savings-plans-examples.yaml").read_text())
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def usage(without: tuple[str, ...] = ()) -> list[EligibleLine]:
    return [
        EligibleLine(u["name"], Decimal(u["quantity"]), Decimal(u["on_demand"]), Decimal(u["compute_plan"]))
        for u in EXAMPLES["usage"]
        if u["name"] not in without
    ]


def scenario(name: str) -> tuple[dict[str, Any], dict[str, Covered]]:
    entry = next(s for s in EXAMPLES["scenarios"] if s["id"] == name)
    applied = apply_commitment(usage(tuple(entry.get("without", ()))), Decimal(entry["commitment_per_hour"]))
    return entry["expected"], {c.line.name: c for c in applied}


def on_demand(covered: Covered) -> Decimal:
    return covered.on_demand_quantity * covered.line.on_demand_rate


def test_scenario_1_covers_all_usage_at_47_13_against_59_10_on_demand() -> None:
    expected, applied = scenario("scenario-1")
    assert all(c.on_demand_quantity == 0 for c in applied.values())
    assert cents(sum((c.plan_usd for c in applied.values()), Decimal(0))) == Decimal(expected["usage_at_plan_rates"])
    all_on_demand = sum((line.quantity * line.on_demand_rate for line in usage()), Decimal(0))
    assert cents(all_on_demand) == Decimal(expected["all_on_demand"])


def test_scenario_2_covers_2_9_r5_units_then_bills_the_rest_on_demand() -> None:
    expected, applied = scenario("scenario-2")
    r5 = applied.pop("r5.4xlarge Linux")
    assert r5.covered.quantize(Decimal("0.1")) == Decimal(expected["r5_units_covered"])
    assert cents(on_demand(r5)) == Decimal(expected["r5_on_demand"])
    assert all(c.covered == 0 for c in applied.values())
    others = sum((on_demand(c) for c in applied.values()), Decimal(0))
    assert cents(others) == Decimal(expected["others_on_demand"])
    assert cents(others + on_demand(r5)) == Decimal(expected["on_demand_total"])


@pytest.mark.parametrize("name", ["scenario-3", "scenario-5-compute-plan"])
def test_the_commitment_goes_to_the_highest_savings_then_the_lowest_plan_rate(name: str) -> None:
    expected, applied = scenario(name)
    fully = [n for n, c in applied.items() if c.on_demand_quantity == 0]
    assert fully == sorted(expected["covered"], key=list(applied).index)
    rest = sum(
        (on_demand(applied[n]) for n in ("m5.24xlarge Windows", "Lambda duration", "Lambda requests")), Decimal(0)
    )
    assert cents(rest) == Decimal(expected["m5_and_lambda_on_demand"])


def test_rate_ids_name_the_plan_and_the_on_demand_price() -> None:
    price_id = rate_id("3y", "partial", "fargate.linux_arm.memory")
    key = savings_plan_key(price_id)
    assert key is not None and (key.term, key.payment, key.base_id) == ("3y", "partial", "fargate.linux_arm.memory")
    assert savings_plan_key("savings_plan.1y_none.lambda.requests") is None  # requests are not discounted


def test_a_plan_gives_a_commitment_or_a_coverage_not_both() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        SavingsPlan(term="1y", payment="none", commitment_usd_per_hour=1.0, coverage=0.5)
    with pytest.raises(ValueError, match="exactly one"):
        SavingsPlan(term="1y")
