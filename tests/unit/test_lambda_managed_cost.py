"""Lambda Managed Instances bills reproduce a hand calculation from the us-east-1 price table."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from archsel.cost.engine import estimate, usage_from_profile
from archsel.pricing.table import load_prices
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.sim.lambda_managed.model import simulate_lambda_managed
from archsel.sim.result import SimOptions

PROFILE = """
version: 1
name: lmi-bill
traffic: {mean_rps: 10, shape: constant}
request: {duration_ms: {fixed: 50}, cpu_fraction: 0.2, payload_kb: 2, response_kb: 1}
lambda: {api: http}
lambda_managed: {instance_type: m7g.large, architecture: arm64}
database: {kind: none}
logs: {kb_per_request: 0}
"""


def _lines(profile_text: str, usage_source: str) -> dict[str, Decimal]:
    profile = parse_profile(profile_text)
    prices = load_prices("us-east-1")
    if usage_source == "estimate":
        usage = usage_from_profile(profile, Architecture.LAMBDA_MANAGED)
    else:
        options = SimOptions(horizon_s=3_600, warmup_s=60, seed=2)
        usage = simulate_lambda_managed(profile, options, rng=np.random.default_rng(2)).usage
    bill = estimate(profile, usage, prices)
    assert bill.architecture == "lambda-managed"
    return {c.name: c.monthly_usd for c in bill.components if c.monthly_usd is not None}


def test_the_no_simulation_estimate_matches_a_hand_calculation() -> None:
    # By hand: 10 req/s x 50 ms = 0.5 requests in flight, far under one instance: the minimum of 3
    # m7g.large runs all month, 3 x 730 h = 2,190 instance-hours.
    #   EC2        2,190 x $0.0816             = $178.704
    #   fee        2,190 x 15% x $0.0816       = 2,190 x $0.01224 = $26.8056
    #   requests   10 x 730 x 3,600 = 26.28M x $0.20/M = $5.256
    #   HTTP API   26.28M (2 KB: one 512 KB step each) x $1.00/M = $26.28
    lines = _lines(PROFILE, "estimate")
    assert lines["Instances, m7g.large"] == Decimal("178.704")
    assert lines["Managed Instances management fee, m7g.large"] == Decimal("26.8056")
    assert lines["Requests"] == Decimal("5.256")
    assert lines["HTTP API requests (first 300M)"] == Decimal("26.28")
    assert not any(name.startswith("Duration") for name in lines)  # no GB-s charge on Managed Instances


def test_a_simulated_month_bills_the_same_fleet() -> None:
    lines = _lines(PROFILE, "simulation")
    assert lines["Instances, m7g.large"] == Decimal("178.704")  # 3 instances for the whole hour, x 730
    assert lines["Managed Instances management fee, m7g.large"] == Decimal("26.8056")
    # Poisson arrivals: the request lines follow the hour's count, within a few standard deviations.
    assert abs(lines["Requests"] - Decimal("5.256")) < Decimal("5.256") * Decimal("0.05")
