"""The growth plan of `recommend --growth`: the flip against the break-even, strategy totals, limits and options."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from archsel import api
from archsel.errors import UsageError
from archsel.evaluate.candidate import Evaluation, check_slos
from archsel.profile.architecture import Architecture
from archsel.profile.growth_units import growth_from_text
from archsel.recommend.breakeven import break_even
from archsel.recommend.document import PlanDocument
from archsel.recommend.growth import LAMBDA_CONCURRENCY, growth_plan
from archsel.views.growth import plan_document
from tests.growth_support import steady_best

RATE = 0.15


def test_flip_month_matches_the_break_even_traffic_found_independently() -> None:
    """The plan scans months; break_even bisects the traffic scale: they must agree on where Fargate wins.

    The plan's first month past the break-even traffic is the flip, unless the two costs are still
    within the simulation's noise there (a tie goes to Lambda, as in today's decision).
    """
    best, prices = steady_best()
    lambda_best, fargate_best = best
    flip = break_even(lambda_best, fargate_best, prices).traffic
    assert flip is not None and flip.cheaper_below == Architecture.LAMBDA
    plan = growth_plan(best, prices, rate=RATE, months=36)
    assert plan.flip_month is not None
    flipped = plan.months[plan.flip_month]
    before = plan.months[plan.flip_month - 1]
    assert flipped.choice == Architecture.FARGATE and before.choice == Architecture.LAMBDA
    assert flipped.factor >= flip.factor
    assert flipped.mean_rps >= flip.factor * plan.months[0].mean_rps
    if before.factor >= flip.factor:  # past the break-even but within the noise: a tie, kept on Lambda
        assert before.lambda_usd is not None and before.fargate_usd is not None
        noise = 0.01 * before.fargate_usd + sum(
            e.result.monthly_usd().half_width / e.monthly_usd * before.cost_of(e.candidate.architecture) for e in best
        )
        assert before.lambda_usd - before.fargate_usd <= noise
    first_past = next(m.month for m in plan.months if m.factor >= flip.factor)
    assert plan.flip_month - first_past <= 1


def test_strategy_totals_add_up_from_the_monthly_lines() -> None:
    best, prices = steady_best()
    plan = growth_plan(best, prices, rate=RATE, months=30, migration_usd=1234.5)
    assert plan.flip_month is not None
    totals = {strategy.name: strategy.total_usd for strategy in plan.strategies}
    lambda_line = [m.lambda_usd or 0.0 for m in plan.months]
    fargate_line = [m.fargate_usd or 0.0 for m in plan.months]
    assert totals["stay"] == pytest.approx(math.fsum(lambda_line), rel=1e-12)
    assert totals["start_on_other"] == pytest.approx(math.fsum(fargate_line), rel=1e-12)
    switched = math.fsum(lambda_line[: plan.flip_month]) + math.fsum(fargate_line[plan.flip_month :]) + 1234.5
    assert totals["switch_at_flip"] == pytest.approx(switched, rel=1e-12)


def test_each_month_grows_the_traffic_by_the_rate_and_month_zero_is_the_simulation() -> None:
    best, prices = steady_best()
    plan = growth_plan(best, prices, rate=RATE, months=12)
    assert len(plan.months) == 12 and [m.month for m in plan.months] == list(range(12))
    assert plan.months[0].lambda_usd == best[0].monthly_usd and plan.months[0].fargate_usd == best[1].monthly_usd
    for earlier, later in zip(plan.months, plan.months[1:], strict=False):
        assert later.mean_rps == pytest.approx(earlier.mean_rps * (1 + RATE))
        assert later.requests == pytest.approx(earlier.requests * (1 + RATE))
    for calibration in plan.calibration:
        assert calibration.model_usd > 0
        assert abs(calibration.factor - 1) < 0.1  # the usage model is within 10% of the simulation here


def test_the_account_concurrency_limit_is_the_first_failure_on_lambda() -> None:
    """A small concurrency limit: the month Lambda's projected peak passes it is reported and Lambda is not chosen."""
    best, prices = steady_best()
    lambda_best, fargate_best = best
    peak = lambda_best.result.interval(lambda p: float(p.run.instances.max) if p.run.instances else 0.0).mean
    limited = lambda_best.candidate.profile.model_copy(
        update={"lambda_": lambda_best.candidate.profile.lambda_.model_copy(update={"account_concurrency": 100})}
    )
    constrained = replace(lambda_best, candidate=replace(lambda_best.candidate, profile=limited))
    plan = growth_plan((constrained, fargate_best), prices, rate=0.5, months=24)
    failure = next(f for f in plan.failures if f.architecture == Architecture.LAMBDA)
    assert failure.objective == LAMBDA_CONCURRENCY and failure.target == 100
    assert peak * 1.5 ** (failure.month - 1) <= 100 < peak * 1.5**failure.month
    assert all(m.choice == Architecture.FARGATE for m in plan.months[failure.month :])


def test_the_budget_fails_in_the_month_the_choice_costs_more() -> None:
    best, prices = steady_best()
    budgeted = tuple(_with_budget(e, 60.0) for e in best)
    plan = growth_plan(budgeted, prices, rate=RATE, months=36)
    failure = plan.first_slo_failure
    assert failure is not None and failure.objective == "monthly_budget_usd"
    month = plan.months[failure.month]
    assert month.cost_of(month.choice) > 60.0
    assert all(m.cost_of(m.choice) <= 60.0 for m in plan.months[: failure.month])


def _with_budget(evaluation: Evaluation, budget: float) -> Evaluation:
    profile = evaluation.candidate.profile
    changed = profile.model_copy(update={"slo": profile.slo.model_copy(update={"monthly_budget_usd": budget})})
    return replace(
        evaluation,
        candidate=replace(evaluation.candidate, profile=changed),
        slos=check_slos(changed, evaluation.result),
    )


@pytest.mark.parametrize(
    ("text", "monthly"),
    [("8%/month", 0.08), ("8%", 0.08), (" 2.5 % / mo", 0.025), ("-5%/month", -0.05), ("40%/year", 1.4 ** (1 / 12) - 1)],
)
def test_growth_rates_parse(text: str, monthly: float) -> None:
    assert growth_from_text(text) == pytest.approx(monthly)


def test_bad_growth_options_are_usage_errors_before_anything_runs() -> None:
    best, _ = steady_best()
    profile = best[0].candidate.profile
    assert api.growth_settings(profile) is None
    with pytest.raises(UsageError, match="8%/month"):
        api.growth_settings(profile, growth="fast")
    with pytest.raises(UsageError, match="--months 0"):
        api.growth_settings(profile, growth="8%/month", months=0)
    with pytest.raises(UsageError, match="need a growth rate"):
        api.growth_settings(profile, months=12)
    with pytest.raises(UsageError, match="migration-cost"):
        api.growth_settings(profile, growth="8%", migration_usd=-1)
    grown = profile.model_copy(update={"traffic": profile.traffic.model_copy(update={"growth": 0.05})})
    settings = api.growth_settings(grown, months=6)
    assert settings is not None and (settings.rate, settings.months) == (0.05, 6)


def test_the_plan_document_reads_back_and_its_totals_add_up_to_the_cent() -> None:
    best, prices = steady_best()
    plan = growth_plan(best, prices, rate=RATE, months=24, migration_usd=300.0)
    dumped = plan_document(plan).model_dump(mode="json", by_alias=True)
    again = PlanDocument.model_validate(json.loads(json.dumps(dumped)))
    assert again.model_dump(mode="json", by_alias=True) == dumped
    assert plan.flip_month is not None and again.flip_month == plan.flip_month
    stay = next(s for s in again.strategies if s.name == "stay")
    lines = [m.lambda_usd or 0.0 for m in again.months]
    assert stay.total_usd == pytest.approx(sum(lines), abs=0.005 * len(lines))
