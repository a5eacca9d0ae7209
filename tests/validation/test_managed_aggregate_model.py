"""The Lambda Managed Instances aggregate model against the exact per-request one where both can run.

Diurnal traffic at 1k, 5k and 10k req/s over windows the exact model routes in seconds, each with
its peak placed so the fleet scales out inside the window, and a burst to 4x that outruns the
fleet's headroom and throttles until instances launch. Tolerances: monthly cost 2%, p99 latency
5%, peak EC2 instances 5% (issue 15's), and the error ratio (throttles and timeouts) within
5% of the exact one or 0.05 percentage points, whichever is larger: throttles come in bursts the
fleet has not launched for, where the exact count moves with the seed by a few per cent.
"""

from __future__ import annotations

import pytest

from archsel.cost.engine import estimate
from archsel.evaluate.runner import simulate_one, simulator_for
from archsel.pricing.table import load_prices
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.recommend.plan import plan_recommendation
from archsel.sim.result import SimOptions, SimRun

TOLERANCE = {"cost": 0.02, "p99": 0.05, "peak_instances": 0.05}
ERROR_RATIO_RELATIVE = 0.05
ERROR_RATIO_ABSOLUTE = 0.0005

CASES = {
    "1k-6h-rising": (1_000, "6h", "peak_hour_utc: '03:00'"),
    "5k-1h-rising": (5_000, "1h", "peak_hour_utc: '06:00'"),
    "10k-30m-rising": (10_000, "30m", "peak_hour_utc: '06:00'"),
    "1k-2h-burst-4x": (1_000, "2h", "bursts: [{start: '01:00', duration_s: 600, multiplier: 4}]"),
}


def _profile(rate: int, horizon: str, traffic: str) -> WorkloadProfile:
    return parse_profile(
        f"version: 1\nname: lmi-agg-{rate}\ntraffic: {{mean_rps: {rate}, shape: diurnal, {traffic}}}\n"
        "lambda_managed: {max_instances: 5000}\n"
        f"simulation: {{horizon: {horizon}, warmup: 10m, seed: 1, replications: 1}}\n"
    )


def _figures(profile: WorkloadProfile, run: SimRun) -> dict[str, float]:
    assert run.ec2_instances is not None
    return {
        "cost": float(estimate(profile, run.usage, load_prices(profile.region)).monthly_usd),
        "p99": run.latency_ms.p99,
        "peak_instances": float(run.ec2_instances.max),
        "error_ratio": run.error_ratio,
    }


def _relative(aggregate: float, exact: float) -> float:
    return abs(aggregate - exact) / abs(exact) if exact else abs(aggregate)


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_cost_p99_peak_instances_and_errors_agree_with_the_exact_model(case: str) -> None:
    profile = _profile(*CASES[case])
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup, seed=1)
    aggregate_run = simulator_for(Architecture.LAMBDA_MANAGED, "aggregate")(profile, options)
    exact_run = simulator_for(Architecture.LAMBDA_MANAGED, "exact")(profile, options)
    assert (aggregate_run.model, exact_run.model) == ("aggregate", "exact")
    aggregate, exact = _figures(profile, aggregate_run), _figures(profile, exact_run)
    for name, tolerance in TOLERANCE.items():
        assert _relative(aggregate[name], exact[name]) <= tolerance, (name, aggregate[name], exact[name])
    allowed = max(ERROR_RATIO_ABSOLUTE, ERROR_RATIO_RELATIVE * exact["error_ratio"])
    assert abs(aggregate["error_ratio"] - exact["error_ratio"]) <= allowed, (aggregate, exact)
    if case.endswith("burst-4x"):  # the burst must outrun the headroom in both, or the check proves nothing
        assert exact["error_ratio"] > 0.01


def _huge(rate: float, horizon: str = "1d") -> WorkloadProfile:
    return parse_profile(
        f"version: 1\nname: huge\ntraffic: {{mean_rps: {rate}, shape: diurnal}}\nsimulation: {{horizon: {horizon}}}\n"
    )


@pytest.mark.parametrize("horizon", ["36500d", "1d"])
def test_a_huge_profile_runs_the_aggregate_model_in_one_cycle(horizon: str) -> None:
    """10^12 req/s over a century: one daily cycle of per-second arrays, throttled far past the fleet's limit."""
    profile = _huge(1e12, horizon)
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup)
    run = simulate_one(profile, Architecture.LAMBDA_MANAGED, seed=1, replication=0, options=options)
    assert run.model == "aggregate"
    assert "over budget" in run.model_reason
    assert run.simulated_s == 86_400.0
    assert run.requests == pytest.approx(1e12 * 86_400, rel=1e-3)
    assert run.error_ratio > 0.99
    assert run.ec2_instances is not None
    assert run.ec2_instances.max == profile.lambda_managed.max_instances


def test_recommend_keeps_managed_instances_designs_for_a_huge_profile() -> None:
    profile = _huge(1e6)
    plan = plan_recommendation(profile, load_prices(profile.region))
    assert any(candidate.architecture == Architecture.LAMBDA_MANAGED for candidate in plan.kept)
    assert not [pruned for pruned in plan.pruned if "aggregate model" in pruned.reason]
    assert any(note.startswith("lambda-managed simulated by the aggregate model") for note in plan.notes)
