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


def _steady_fargate(plan: dict[str, Any] | None) -> Any:
    from archsel.profile.schema import WorkloadProfile

    data: dict[str, Any] = {"version": 1, "name": "steady", "traffic": {"mean_rps": 50}, "fargate": {"min_tasks": 2}}
    if plan is not None:
        data["pricing"] = {"savings_plan": plan}
    return WorkloadProfile.model_validate(data)


def _with_rates(rates: dict[str, str]) -> Any:
    import dataclasses

    from archsel.pricing.table import load_prices
    from archsel.pricing.tiers import Tier

    table = load_prices("us-east-1")
    prices = tuple(
        dataclasses.replace(p, tiers=(Tier(Decimal(0), None, Decimal(rates[p.id])),)) if p.id in rates else p
        for p in table.prices
    )
    return dataclasses.replace(table, prices=prices)


VCPU_RATE, MEMORY_RATE = "savings_plan.1y_none.fargate.linux_x86.vcpu", "savings_plan.1y_none.fargate.linux_x86.memory"


def test_a_missing_plan_rate_leaves_the_usage_on_demand_and_is_reported() -> None:
    from archsel.cost.engine import estimate, usage_from_profile
    from archsel.profile.architecture import Architecture

    profile = _steady_fargate({"term": "1y", "commitment_usd_per_hour": 0.05})
    usage = usage_from_profile(profile, Architecture.FARGATE)
    plain = estimate(_steady_fargate(None), usage, _with_rates({}))
    planned = estimate(profile, usage, _with_rates({VCPU_RATE: "0.03"}))
    assert planned.missing_prices == (MEMORY_RATE,)
    assert planned.monthly_usd == plain.monthly_usd  # nothing applied, nothing committed


def test_the_commitment_is_one_always_on_line_and_covers_memory_first() -> None:
    from archsel.cost.engine import estimate, usage_from_profile
    from archsel.profile.architecture import Architecture

    profile = _steady_fargate({"term": "1y", "commitment_usd_per_hour": 0.05})
    usage = usage_from_profile(profile, Architecture.FARGATE)
    prices = _with_rates({VCPU_RATE: "0.03", MEMORY_RATE: "0.003"})
    plain = estimate(_steady_fargate(None), usage, prices)
    planned = estimate(profile, usage, prices)
    (commitment,) = [c for c in planned.components if c.service == "savings_plans"]
    assert commitment.always_on and commitment.monthly_usd == Decimal("0.05") * 730
    lines = {c.price_id: c for c in plain.components}
    vcpu, memory = lines["fargate.linux_x86.vcpu"], lines["fargate.linux_x86.memory"]
    # memory saves 1 - 0.003/0.004445 = 32.5%, vCPU 1 - 0.03/0.04048 = 25.9%: memory is covered first
    memory_covered = min(memory.quantity, commitment.monthly_usd / Decimal("0.003"))  # type: ignore[operator]
    left = commitment.monthly_usd - memory_covered * Decimal("0.003")  # type: ignore[operator]
    vcpu_covered = min(vcpu.quantity, left / Decimal("0.03"))
    expected = (
        plain.monthly_usd
        - memory_covered * memory.unit_price_usd  # type: ignore[operator]
        - vcpu_covered * vcpu.unit_price_usd  # type: ignore[operator]
        + commitment.monthly_usd
    )
    assert abs(planned.monthly_usd - expected) < Decimal("0.000001")
    assert planned.monthly_usd < plain.monthly_usd and planned.missing_prices == ()


def test_a_plan_survives_the_profile_dump_that_recommend_and_scaffold_write() -> None:
    from archsel.scaffold.design import profile_from_dump

    planned = _steady_fargate({"term": "3y", "payment": "all", "coverage": 0.8})
    dumped = planned.model_dump(mode="json", by_alias=True)
    assert dumped["pricing"]["savings_plan"]["coverage"] == 0.8
    assert profile_from_dump(dumped, source="test") == planned
    assert "savings_plan" not in _steady_fargate(None).model_dump(mode="json", by_alias=True)["pricing"]
