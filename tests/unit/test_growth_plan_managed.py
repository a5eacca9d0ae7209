"""The growth plan with Lambda Managed Instances as a third architecture: its crossing, every flip, the strategies."""

from __future__ import annotations

import json
import math

import pytest

from archsel.profile.architecture import Architecture
from archsel.recommend.document import PlanDocument
from archsel.recommend.growth import MANAGED_MAX_INSTANCES, PlanMonth, growth_plan
from archsel.recommend.managed_breakeven import managed_break_even
from archsel.views.growth import MANAGED_HEADER, cost_over_time_chart, plan_document, timeline_headers, timeline_rows
from tests.growth_support import steady_three

RATE = 0.15
MIGRATION = 2_500.0


def test_the_managed_crossing_month_matches_the_managed_break_even_found_independently() -> None:
    """Lambda against Managed Instances: the plan's flip is the first month past managed_break_even's crossing.

    The plan prices whole months with the cost model; managed_break_even bisects the traffic scale
    with its hour-by-hour fleet: one month of slack covers a tie within the simulation's noise.
    """
    (lambda_best, _, managed_best), prices = steady_three()
    (crossing,) = managed_break_even(managed_best, (lambda_best,), prices).crossings
    assert crossing.factor is not None and crossing.managed_cheaper_above
    plan = growth_plan((lambda_best, managed_best), prices, rate=RATE, months=48)
    assert plan.flips and plan.flips[0].to == Architecture.LAMBDA_MANAGED
    flip = plan.flips[0].month
    assert plan.flip_month == flip
    assert plan.months[flip].factor >= crossing.factor
    first_past = next(m.month for m in plan.months if m.factor >= crossing.factor)
    assert 0 <= flip - first_past <= 1
    before = plan.months[flip - 1]
    assert before.choice == Architecture.LAMBDA
    if before.factor >= crossing.factor:  # a tie within the noise goes to Lambda
        assert before.lambda_managed_usd is not None and before.lambda_usd is not None
        assert before.lambda_usd - before.lambda_managed_usd <= 0.05 * before.lambda_usd


def test_three_architectures_flip_more_than_once_and_every_strategy_adds_up() -> None:
    best, prices = steady_three()
    plan = growth_plan(best, prices, rate=RATE, months=72, migration_usd=MIGRATION)
    changes = [m for previous, m in zip(plan.months, plan.months[1:], strict=False) if m.choice != previous.choice]
    assert [f.month for f in plan.flips] == [m.month for m in changes] and len(plan.flips) >= 2
    assert plan.flip_month == plan.flips[0].month
    assert {f.to for f in plan.flips} >= {Architecture.FARGATE, Architecture.LAMBDA_MANAGED}
    assert all(m.lambda_managed_usd is not None for m in plan.months)
    totals = {s.name: s.total_usd for s in plan.strategies}
    line = {a: [m.cost_of(a) for m in plan.months] for a in Architecture}
    first = plan.months[0].choice
    assert totals["stay"] == pytest.approx(math.fsum(line[first]), rel=1e-12)
    assert totals["start_on_other"] == pytest.approx(math.fsum(line[plan.flips[0].to]), rel=1e-12)
    third = next(a for a in Architecture if a not in (first, plan.flips[0].to))
    assert totals[f"start_on_{third}"] == pytest.approx(math.fsum(line[third]), rel=1e-12)
    followed = math.fsum(m.cost_of(m.choice) for m in plan.months) + MIGRATION * len(plan.flips)
    assert totals["switch_at_flip"] == pytest.approx(followed, rel=1e-12)
    assert {n for n in totals if n.startswith("switch_once_at_")} == {
        f"switch_once_at_{f.month}" for f in plan.flips if f.to != first
    }
    for flip in (f for f in plan.flips if f.to != first):
        once = math.fsum(line[first][: flip.month]) + math.fsum(line[flip.to][flip.month :]) + MIGRATION
        assert totals[f"switch_once_at_{flip.month}"] == pytest.approx(once, rel=1e-12)


def test_each_architecture_reports_its_own_first_failure_and_month_zero_is_the_simulation() -> None:
    best, prices = steady_three()
    plan = growth_plan(best, prices, rate=RATE, months=72)
    assert (plan.months[0].lambda_usd, plan.months[0].fargate_usd, plan.months[0].lambda_managed_usd) == tuple(
        e.monthly_usd for e in best
    )
    failures = {f.architecture: f for f in plan.failures}
    assert set(failures) == set(Architecture)
    managed = failures[Architecture.LAMBDA_MANAGED]
    limit = best[2].candidate.profile.lambda_managed.max_instances
    assert managed.objective == MANAGED_MAX_INSTANCES and managed.target == limit and managed.projected > limit
    # past its own limit an architecture is chosen only when the others fail too
    for month in plan.months:
        failing = {a for a, f in failures.items() if month.month >= f.month}
        assert month.choice not in failing or failing == set(Architecture)


def test_the_document_timeline_and_chart_show_three_architectures_and_every_flip() -> None:
    best, prices = steady_three()
    plan = growth_plan(best, prices, rate=RATE, months=72, migration_usd=MIGRATION)
    dumped = plan_document(plan).model_dump(mode="json", by_alias=True)
    again = PlanDocument.model_validate(json.loads(json.dumps(dumped)))
    assert again.model_dump(mode="json", by_alias=True) == dumped
    assert [(f["month"], f["from"], f["to"]) for f in dumped["flips"]] == [
        (f.month, str(f.from_), str(f.to)) for f in plan.flips
    ]
    assert all(m["lambda_managed_usd"] == round(_managed(plan.months[m["month"]]), 2) for m in dumped["months"])
    followed = next(s for s in dumped["strategies"] if s["name"] == "switch_at_flip")
    assert followed["switch_months"] == [f.month for f in plan.flips]
    headers = timeline_headers(plan)
    assert headers[-2:] == [MANAGED_HEADER, "choice"]
    marked = [row[0] for row in timeline_rows(plan) if row[0].endswith("(flip)")]
    assert marked == [f"{f.month} (flip)" for f in plan.flips]
    chart = cost_over_time_chart(plan)
    assert "API Gateway + Lambda Managed Instances" in chart
    assert all(f"flip to {f.to} at month {f.month}" in chart for f in plan.flips)


def test_two_architectures_keep_their_columns() -> None:
    best, prices = steady_three()
    plan = growth_plan(best[:2], prices, rate=RATE, months=24)
    assert all(m.lambda_managed_usd is None for m in plan.months)
    assert timeline_headers(plan) == ["month", "req/s", "M requests", "Lambda USD", "Fargate USD", "choice"]
    assert {s.name for s in plan.strategies} == {"stay", "start_on_other", "switch_at_flip"}


def _managed(month: PlanMonth) -> float:
    assert month.lambda_managed_usd is not None
    return month.lambda_managed_usd
