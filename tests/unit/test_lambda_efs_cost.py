"""EFS on Lambda: the function goes into a VPC, and the NAT gateway lines appear only when it is in one."""

from __future__ import annotations

import pytest

from archsel.billing.rules import lambda_in_vpc
from archsel.cost.engine import estimate, usage_from_profile
from archsel.evaluate.candidate import Evaluation, EvaluationContext, evaluate
from archsel.evaluate.design import Candidate
from archsel.evaluate.executors import InProcessExecutor
from archsel.pricing.table import load_prices
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.recommend.vpc_reason import efs_reason
from archsel.sim.result import SimOptions

PRICES = load_prices("us-east-1")
BASE = "{version: 1, name: files, traffic: {mean_rps: 2}, database: {kind: dynamodb}"


def _profile(extra: str) -> WorkloadProfile:
    return parse_profile(BASE + (", " + extra if extra else "") + "}")


def _vpc_lines(profile: WorkloadProfile) -> list[tuple[str, str, float]]:
    bill = estimate(profile, usage_from_profile(profile, Architecture.LAMBDA), PRICES)
    return [
        (c.service, c.name, float(c.monthly_usd or 0))
        for c in bill.components
        if c.service == "nat_gateway" or c.name == "NAT gateway address"
    ]


@pytest.mark.parametrize(
    ("extra", "in_vpc"),
    [
        ("", False),
        ("lambda: {nat_gateway: true}", False),  # asked for, but the function is not in a VPC
        ("storage: {efs_gb: 20}", True),
        ("storage: {efs_gb: 20}, lambda: {nat_gateway: true}", True),
        ("lambda: {vpc: true, nat_gateway: true}", True),
    ],
)
def test_nat_lines_appear_only_for_a_function_in_a_vpc_that_asks_for_one(extra: str, in_vpc: bool) -> None:
    profile = _profile(extra)
    assert lambda_in_vpc(profile) is in_vpc
    lines = _vpc_lines(profile)
    if in_vpc and profile.lambda_.nat_gateway:
        hours = profile.pricing.hours_per_month
        nat_hour = PRICES.price("nat.hour")
        address = PRICES.price("vpc.public_ipv4")
        assert nat_hour is not None and address is not None
        expected_nat = float(nat_hour.tiers[0].unit_price_usd) * hours
        expected_ip = float(address.tiers[0].unit_price_usd) * hours
        assert [line[2] for line in lines] == pytest.approx([expected_nat, expected_ip], abs=0.01)
    else:
        assert lines == []


def test_fargate_bills_are_unchanged_by_the_lambda_nat_setting() -> None:
    with_nat = _profile("storage: {efs_gb: 20}, lambda: {nat_gateway: true}")
    without = _profile("storage: {efs_gb: 20}")
    bills = [estimate(p, usage_from_profile(p, Architecture.FARGATE), PRICES).monthly_usd for p in (with_nat, without)]
    assert bills[0] == bills[1]


def _evaluated(profile: WorkloadProfile) -> Evaluation:
    short = profile.model_copy(
        update={"simulation": profile.simulation.model_copy(update={"horizon": 3_600.0, "replications": 1})}
    )
    options = SimOptions(horizon_s=short.simulation.horizon, warmup_s=short.simulation.warmup)
    context = EvaluationContext(PRICES, InProcessExecutor(), 1, options)
    return evaluate([Candidate("lambda-files-0", Architecture.LAMBDA, short)], context)[0]


def test_the_reason_names_the_vpc_and_its_nat_cost() -> None:
    with_nat = _evaluated(_profile("storage: {efs_gb: 20}, lambda: {nat_gateway: true}"))
    reason = efs_reason(with_nat, None, ())
    nat = sum(
        float(c.monthly_usd or 0)
        for c in with_nat.result.estimate.components
        if c.service == "nat_gateway" or c.name == "NAT gateway address"
    )
    assert reason is not None and "EFS (20 GB) needs the function in a VPC" in reason
    assert f"+${nat:,.2f} a month" in reason and nat > 0
    without_nat = efs_reason(_evaluated(_profile("storage: {efs_gb: 20}")), None, ())
    assert without_nat is not None and "no NAT gateway" in without_nat
    assert efs_reason(_evaluated(_profile("")), None, ()) is None
