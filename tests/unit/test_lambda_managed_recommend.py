"""recommend and Lambda Managed Instances: candidates, pruning on bursts, crossings, the arch choice."""

from __future__ import annotations

from pathlib import Path

from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.loader import load_profile, parse_profile
from archsel.recommend.managed_breakeven import Crossing, ManagedBreakEven, describe_crossings
from archsel.recommend.managed_candidates import burst_blocker, managed_candidates

STEADY = """
version: 1
name: steady
traffic: {mean_rps: 400, shape: diurnal, peak_rps: 550}
request: {duration_ms: {distribution: lognormal, p50: 30, p95: 120}, cpu_fraction: 0.3}
slo: {p99_latency_ms: 500, max_error_ratio: 0.001}
"""

SPIKY = """
version: 1
name: spiky
traffic:
  mean_rps: 20
  shape: constant
  bursts: [{start: "12:00", every: 1d, duration_s: 600, multiplier: 50}]
request: {duration_ms: {fixed: 100}, cpu_fraction: 0.8}
slo: {p99_latency_ms: 1000, max_error_ratio: 0.001}
"""


def test_all_includes_lambda_managed() -> None:
    assert Architecture.LAMBDA_MANAGED in ARCHITECTURES and str(Architecture.LAMBDA_MANAGED) == "lambda-managed"


def test_candidates_cover_family_size_target_and_share_runs_across_price_only_variants() -> None:
    candidates, pruned = managed_candidates(parse_profile(STEADY))
    assert pruned == []
    # compute/general x large, xlarge (three xlarge already carry the peak, so no 2xlarge) x 50/70 % x arm64/x86_64
    assert len(candidates) == 2 * 2 * 2 * 2
    types = {c.profile.lambda_managed.instance.name for c in candidates}
    assert {"c7g.large", "m7i.xlarge"} <= types and not any(name.endswith("2xlarge") for name in types)
    groups: dict[str, set[str]] = {}
    for candidate in candidates:
        managed = candidate.profile.lambda_managed
        assert managed.instance.architecture == managed.architecture
        groups.setdefault(candidate.simulation_key, set()).add(managed.instance.name)
    # at 2 GiB per vCPU a c and an m instance of one size run the same environments: one simulation, four prices
    assert len(groups) == 2 * 2
    assert all(len(names) == 4 for names in groups.values())
    assert all(c.architecture == Architecture.LAMBDA_MANAGED for c in candidates)


def test_a_target_that_changes_nothing_is_not_simulated_twice() -> None:
    quiet = STEADY.replace("mean_rps: 400, shape: diurnal, peak_rps: 550", "mean_rps: 2, shape: constant")
    candidates, _ = managed_candidates(parse_profile(quiet))
    assert {c.profile.lambda_managed.target_cpu for c in candidates} == {50.0}  # three instances either way
    # three large instances carry it: larger sizes would hold three instances at a higher price
    assert {c.profile.lambda_managed.instance.name.split(".")[1] for c in candidates} == {"large"}


def test_a_burst_past_the_headroom_is_pruned_with_the_reason() -> None:
    profile = parse_profile(SPIKY)
    reason = burst_blocker(profile)
    assert reason is not None and "throttled" in reason and "max_error_ratio 0.001" in reason
    candidates, pruned = managed_candidates(profile)
    assert candidates == [] and pruned[0].reason == reason
    assert burst_blocker(parse_profile(STEADY)) is None


def test_a_burst_the_fleet_absorbs_is_not_pruned() -> None:
    gentle = SPIKY.replace("multiplier: 50", "multiplier: 1.5")
    assert burst_blocker(parse_profile(gentle)) is None


def test_both_crossings_are_said() -> None:
    crossings = (
        Crossing(Architecture.LAMBDA, 2.0, 176.0, managed_cheaper_above=True),
        Crossing(Architecture.FARGATE, 0.02, 9.4, managed_cheaper_above=False),
    )
    text = describe_crossings(ManagedBreakEven(crossings, (1.0,), (10.0,)))
    assert "cheaper than API Gateway + Lambda above 176 req/s" in text
    assert "cheaper than ALB + Fargate below 9.4 req/s" in text
    never = describe_crossings(ManagedBreakEven((Crossing(Architecture.FARGATE, None, None, False),), (), ()))
    assert "dearer than ALB + Fargate at every traffic" in never


def test_designs_too_small_for_the_bursts_are_pruned_one_by_one() -> None:
    """flash-sale's 50x drops: the fleet of 3 large or xlarge instances throttles too much until more arrive;
    3 x 2xlarge (24 vCPU) absorbs them, so those designs stay."""
    profile = load_profile(Path(__file__).resolve().parents[2] / "scenarios" / "flash-sale.yaml")
    candidates, pruned = managed_candidates(profile)
    assert {c.profile.lambda_managed.instance.name.split(".")[1] for c in candidates} == {"2xlarge"}
    assert len(pruned) == 8 and all("throttled in bursts" in p.reason for p in pruned)
    assert all(p.architecture == Architecture.LAMBDA_MANAGED for p in pruned)


def test_the_fast_crossing_model_prices_like_the_generic_one() -> None:
    """The crossings scale the hourly rates once read; the generic model rebuilds the rate curve per factor."""
    from types import SimpleNamespace

    from archsel.evaluate.design import Candidate
    from archsel.pricing.table import load_prices
    from archsel.recommend.breakeven import _calibrated, scale_traffic
    from archsel.recommend.managed_breakeven import _managed_calibrated

    prices = load_prices("us-east-1")
    profile = load_profile(Path(__file__).resolve().parents[2] / "scenarios" / "internal-tool.yaml")
    evaluation = SimpleNamespace(candidate=Candidate("k", Architecture.LAMBDA_MANAGED, profile), monthly_usd=200.0)
    generic, fast = _calibrated(evaluation, prices), _managed_calibrated(evaluation, prices)  # type: ignore[arg-type]
    for factor in (0.01, 0.5, 1.0, 3.0, 250.0):
        assert fast(scale_traffic, factor) == generic(scale_traffic, factor)
