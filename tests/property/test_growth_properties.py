"""With zero growth the plan is today's answer every month, whatever the objectives and the horizon."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from archsel.evaluate.candidate import Evaluation, check_slos
from archsel.profile.options_schema import Slo
from archsel.recommend.decide import choose
from archsel.recommend.growth import growth_plan
from tests.growth_support import steady_best, steady_three

budgets = st.none() | st.floats(min_value=0, max_value=80, allow_nan=False)
latencies = st.none() | st.floats(min_value=50, max_value=5_000, allow_nan=False)


def _with_slo(evaluation: Evaluation, slo: Slo) -> Evaluation:
    profile = evaluation.candidate.profile.model_copy(update={"slo": slo})
    return replace(
        evaluation,
        candidate=replace(evaluation.candidate, profile=profile),
        slos=check_slos(profile, evaluation.result),
    )


@settings(max_examples=60, deadline=None)
@given(months=st.integers(min_value=1, max_value=36), budget=budgets, p99=latencies, migration=st.floats(0, 1e5))
def test_zero_growth_repeats_todays_decision(
    months: int, budget: float | None, p99: float | None, migration: float
) -> None:
    best, prices = steady_best()
    slo = Slo(monthly_budget_usd=budget, p99_latency_ms=p99)
    today = tuple(_with_slo(e, slo) for e in best)
    choice, _ = choose(today)
    plan = growth_plan(today, prices, rate=0.0, months=months, migration_usd=migration)
    assert [m.choice for m in plan.months] == [choice.candidate.architecture] * months
    assert plan.flip_month is None
    for month in plan.months:
        assert (month.lambda_usd, month.fargate_usd) == (today[0].monthly_usd, today[1].monthly_usd)
    stay = next(s for s in plan.strategies if s.name == "stay")
    switch = next(s for s in plan.strategies if s.name == "switch_at_flip")
    assert stay.total_usd == switch.total_usd  # no flip, so no migration is paid


@settings(max_examples=30, deadline=None)
@given(months=st.integers(min_value=1, max_value=36), budget=budgets, p99=latencies, migration=st.floats(0, 1e5))
def test_zero_growth_repeats_todays_decision_over_three_architectures(
    months: int, budget: float | None, p99: float | None, migration: float
) -> None:
    best, prices = steady_three()
    slo = Slo(monthly_budget_usd=budget, p99_latency_ms=p99)
    today = tuple(_with_slo(e, slo) for e in best)
    choice, _ = choose(today)
    plan = growth_plan(today, prices, rate=0.0, months=months, migration_usd=migration)
    assert [m.choice for m in plan.months] == [choice.candidate.architecture] * months
    assert plan.flip_month is None and plan.flips == ()
    for month in plan.months:
        assert (month.lambda_usd, month.fargate_usd, month.lambda_managed_usd) == tuple(e.monthly_usd for e in today)
    totals = {s.name: s.total_usd for s in plan.strategies}
    assert totals["stay"] == totals["switch_at_flip"]  # no flip, so no migration is paid
    assert len(totals) == 4  # stay, start on each of the two others, switch at the (absent) flip
