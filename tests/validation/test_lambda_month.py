"""The month-scale method (representative days) against the exact per-request model."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.billing.usage import LambdaUsage
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.model import simulate_lambda
from archsel.sim.lambda_.month import month_day_types, simulate_lambda_month
from archsel.sim.result import SimOptions, SimRun

DAY = 86_400.0
# us-east-1 list prices (https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/api-gateway/pricing/):
# requests, on-demand GB-s (INIT billed alike), HTTP API
PRICE = {"request": 0.20e-6, "gb_second": 0.0000166667, "http_request": 1.00e-6}


def _profile(traffic: str, lam: str = "{}") -> WorkloadProfile:
    return parse_profile(f"version: 1\nname: month\ntraffic: {traffic}\nlambda: {lam}\n")


def _cost(run: SimRun) -> float:
    usage = run.usage
    assert isinstance(usage, LambdaUsage)
    return (
        usage.invocations * PRICE["request"]
        + (usage.ondemand_gb_seconds + usage.init_gb_seconds) * PRICE["gb_second"]
        + usage.api_metered_requests * PRICE["http_request"]
    )


@pytest.mark.parametrize(
    ("traffic", "expected"),
    [
        ("{mean_rps: 5}", (0,)),
        ("{mean_rps: 5, shape: diurnal, peak_rps: 9}", (0,)),
        ("{mean_rps: 5, shape: weekly, peak_rps: 9}", (0, 5)),  # day 0 is a Monday, day 5 a Saturday
        ("{mean_rps: 5, bursts: [{start: '01:00', every: 5h, duration_s: 60, multiplier: 3}]}", (0, 1, 2, 3, 4)),
    ],
)
def test_day_types_and_their_weights_cover_the_month(traffic: str, expected: tuple[int, ...]) -> None:
    profile = _profile(traffic)
    types = month_day_types(profile)
    assert tuple(kind.day for kind in types) == expected
    assert sum(kind.weight for kind in types) == pytest.approx(profile.seconds_per_month / DAY)


def test_runs_cover_as_many_consecutive_days_as_the_budget_allows() -> None:
    profile = _profile("{mean_rps: 1, shape: weekly, peak_rps: 2}", "{keep_alive_s: 60}")
    month = simulate_lambda_month(profile, rng=np.random.default_rng(2), warmup_s=600)
    assert [(day.kind.day, day.days) for day in month.days] == [(0, 5), (5, 2)]  # Monday-Friday, the weekend
    weekday = month.days[0].kind
    assert weekday.consecutive == 5 and weekday.requests_per_day == pytest.approx(1.129 * DAY, rel=1e-3)
    options = SimOptions(horizon_s=5 * DAY, warmup_s=600, seed=profile.simulation.seed)  # the seed the month records
    exact = simulate_lambda(profile, options, rng=np.random.default_rng(2))
    assert month.days[0].run == exact  # the same days, the same streams: the exact model's run
    assert month.month.figures.month.days_simulated == 7


def test_too_many_distinct_days_are_grouped_by_rate() -> None:
    profile = _profile("{mean_rps: 5, bursts: [{start: '01:00', every: 5h, duration_s: 60, multiplier: 3}]}")
    types = month_day_types(profile, max_day_types=2)
    assert len(types) == 2 and all(kind.grouped for kind in types)
    assert sum(kind.weight for kind in types) == pytest.approx(profile.seconds_per_month / DAY)


def test_the_first_representative_day_is_the_exact_models_first_day() -> None:
    profile = _profile("{mean_rps: 3, shape: diurnal, peak_rps: 6}", "{keep_alive_s: 60}")
    month = simulate_lambda_month(profile, rng=np.random.default_rng(9), warmup_s=600, request_budget=1)
    options = SimOptions(horizon_s=DAY, warmup_s=600, seed=profile.simulation.seed)  # the seed the month records
    exact = simulate_lambda(profile, options, rng=np.random.default_rng(9))
    (first,) = month.days
    assert (first.kind.day, first.kind.weight, first.days) == (0, profile.seconds_per_month / DAY, 1)
    assert first.run == exact
    assert month.month.cold_start_ratio == pytest.approx(exact.cold_start_ratio, rel=0.01)  # rounding of counts
    assert month.month.requests == pytest.approx(exact.requests * profile.seconds_per_month / DAY, rel=1e-6)
    assert _cost(month.month) == pytest.approx(_cost(exact), rel=1e-9)


def test_a_week_from_two_representative_days_matches_the_exact_week() -> None:
    # weekly traffic, short keep-alive so cold starts are frequent enough to measure well
    profile = _profile("{mean_rps: 8, shape: weekly, peak_rps: 20, weekend_factor: 0.4}", "{keep_alive_s: 20}")
    month = simulate_lambda_month(profile, rng=np.random.default_rng(3), warmup_s=600, request_budget=1)
    exact = simulate_lambda(profile, rng=np.random.default_rng(4), options=SimOptions(horizon_s=7 * DAY, warmup_s=600))
    weekday, weekend = month.days
    assert (weekday.kind.day, weekday.days, weekend.kind.day, weekend.days) == (0, 1, 5, 1)
    weekday_run, weekend_run = weekday.run, weekend.run

    def week(value: float | int, other: float | int) -> float:  # the two days composed 5:2 like the exact week
        return 5 * float(value) + 2 * float(other)

    requests = week(weekday_run.requests, weekend_run.requests)
    assert requests / 7 == pytest.approx(exact.requests / 7, rel=0.01)
    cold_ratio = week(weekday_run.cold_starts, weekend_run.cold_starts) / requests
    assert cold_ratio == pytest.approx(exact.cold_start_ratio, rel=0.05)
    assert month.month.latency_ms.p99 == pytest.approx(exact.latency_ms.p99, rel=0.05)
    cost = week(_cost(weekday_run), _cost(weekend_run)) / 7  # each day's usage is scaled to a month
    assert cost == pytest.approx(_cost(exact), rel=0.01)
