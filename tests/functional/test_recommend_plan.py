"""The recommend plan: its run count is what `recommend` runs, tuning announced once; candidates are validated profiles."""

from __future__ import annotations

import pytest

from archsel import api
from archsel.evaluate.executors import InProcessExecutor, SimUnit
from archsel.pricing.table import load_prices
from archsel.profile.loader import load_profile, parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.recommend.decide import run_plan
from archsel.recommend.plan import plan_recommendation
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.slow

# Rare requests (one a 100 s, environments reaped after 60 s idle) with slow cold starts against
# a tight p99: Lambda misses it and gets tuned (provisioned concurrency); Fargate, warm, meets it.
TUNED = """
version: 1
name: tune-me
traffic: {mean_rps: 0.01}
request: {duration_ms: {fixed: 50}}
lambda: {memory_mb: 1024, cold_start_ms: {fixed: 800}, keep_alive_s: {fixed: 60}}
slo: {p99_latency_ms: 200}
simulation: {horizon: 6h, warmup: 10m, replications: 2}
"""


def test_recommend_runs_the_planned_units_and_announces_tuning_once() -> None:
    profile = parse_profile(TUNED)
    plan = plan_recommendation(profile, load_prices(profile.region))
    done: list[SimUnit] = []
    announced: list[int] = []
    rec = run_plan(plan, executor=InProcessExecutor(), on_done=done.append, on_more=announced.append)
    tuned = [e for e in rec.evaluations if e.candidate.profile.lambda_.max_provisioned > 0]
    assert tuned, "the profile is meant to need tuning"
    assert len(announced) == 1 and 0 < announced[0] <= plan.tuning_units_max
    assert plan.units < len(done) <= plan.units + announced[0]
    assert api.estimate_recommend_units(profile) == plan.units


def test_without_tuning_the_plan_counts_every_run() -> None:
    profile = load_profile(SCENARIOS / "saas-steady.yaml")
    plan = plan_recommendation(profile, load_prices(profile.region))
    done: list[SimUnit] = []
    announced: list[int] = []
    run_plan(plan, executor=InProcessExecutor(), on_done=done.append, on_more=announced.append)
    assert announced == [] and len(done) == plan.units


@pytest.mark.parametrize("scenario", ["multi-route-api", "saas-steady", "startup-mvp"])
def test_candidates_are_profiles_that_read_back_unchanged(scenario: str) -> None:
    """Each candidate is a valid profile: dumped to recommend's JSON and read back, it is the same."""
    profile = load_profile(SCENARIOS / f"{scenario}.yaml")
    plan = plan_recommendation(profile, load_prices(profile.region))
    assert plan.candidates and plan.kept
    for candidate in plan.candidates:
        dumped = candidate.profile.model_dump(mode="json", by_alias=True)
        assert WorkloadProfile.model_validate(dumped) == candidate.profile
    assert len(plan.kept) + len(plan.screened) == len(plan.candidates)  # every design simulated or screened out
