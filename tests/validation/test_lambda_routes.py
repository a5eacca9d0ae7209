"""Routes on Lambda: per-route vs one router function, checked against the documented mechanisms.

- cold starts: a route's function is cold when the gap since its last request ends outlasts
  the keep-alive K ~ U(300, 420) s (docs/lambda-simulator.md), so with Poisson arrivals at
  rate l a request is cold with probability E[exp(-l (K + d))]; splitting the traffic over
  functions divides l and raises that probability;
- scaling: under the current rule every function has its own bucket of 1,000 new
  environments refilled at 100/s; a burst needing N environments in one function throttles
  about (N - E0 - 1,000)^2 / (2 x 100 x d) requests while the bucket refills (d: request
  time), and none when each function needs fewer than 1,000;
- the totals are the sums of the routes (counts exactly, usage figures as math.fsum).
"""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest

from archsel.billing.usage import LAMBDA_ADDITIVE_FIELDS, LambdaUsage
from archsel.cost.engine import estimate
from archsel.cost.route_cost import compute_usd, route_costs
from archsel.evaluate.runner import mean_usage
from archsel.pricing.table import load_prices
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import rate_curve
from archsel.sim.lambda_ import platform
from archsel.sim.lambda_.model import simulate_lambda
from archsel.sim.result import SimOptions, SimRun

DAY = SimOptions(horizon_s=86_400, warmup_s=600)


def routes_yaml(count: int, extra: str = "") -> str:
    return "\n".join(f"    - {{method: GET, path: /r{i}, share: 1{extra}}}" for i in range(count))


def routed_profile(layout: str, routes: str, traffic: str, request: str = "", lambda_: str = "") -> WorkloadProfile:
    return parse_profile(
        f"version: 1\nname: routes\ntraffic: {traffic}\nrequest:\n{request}  routes:\n{routes}\n"
        f"lambda: {{layout: {layout}{lambda_}}}\n"
    )


def run(profile: WorkloadProfile, seed: int = 1, options: SimOptions = DAY) -> SimRun:
    return simulate_lambda(profile, rng=np.random.default_rng(seed), options=options)


# ----------------------------------------------------------------------------- cold starts


def keep_alive_cold_probability(rate: float, duration_s: float, low: float = 300.0, high: float = 420.0) -> float:
    """P(gap after the previous request > K) for Poisson arrivals and K ~ U(low, high)."""
    return math.exp(-rate * duration_s) * (math.exp(-rate * low) - math.exp(-rate * high)) / (rate * (high - low))


def test_many_low_traffic_routes_are_colder_per_route_than_behind_one_router() -> None:
    routes, total_rps, duration_s = 20, 0.2, 0.02
    request = f"  duration_ms: {{fixed: {duration_s * 1000:g}}}\n  cpu_fraction: 0\n"
    traffic = f"{{mean_rps: {total_rps}}}"
    per_route = run(routed_profile("per-route", routes_yaml(routes), traffic, request))
    router = routed_profile("single", routes_yaml(routes), traffic, request)
    single = run(router)
    assert per_route.requests == single.requests  # same traffic, same seed

    expected = keep_alive_cold_probability(total_rps / routes, duration_s)  # about 2.9 %
    # within sampling noise (about 500 cold starts) plus retirements the formula leaves out (+2-4 %)
    assert per_route.cold_start_ratio == pytest.approx(expected, rel=0.15)
    # one router: its pool keeps warm (exp(-0.2 x 300) ~ 0); cold starts only when a request finds
    # every environment busy (at most the utilisation l x d) or after a retirement (every 4 h)
    assert single.instances is not None
    retirements = single.instances.max * DAY.horizon_s / router.lambda_.max_lifetime_s
    bound = total_rps * duration_s + retirements / single.requests
    assert single.cold_start_ratio <= bound < expected / 3
    # and route by route the same holds
    for split, alone in zip(per_route.routes, single.routes, strict=True):
        assert split.requests == alone.requests


# ----------------------------------------------------------------------------- scaling under a burst

BURST_OPTIONS = SimOptions(horizon_s=2_400, warmup_s=600)
BURST_ROUTES, BURST_DURATION_S = 4, 0.5
BURST_TRAFFIC = "{mean_rps: 64.125, bursts: [{start: '00:20', every: 1d, duration_s: 60, multiplier: 100}]}"
BURST_REQUEST = "  duration_ms: {fixed: 500}\n  cpu_fraction: 0\n"
NO_OTHER_LIMITS = (
    ", account_concurrency: 20000, api_rate_limit_rps: 100000, api_burst: 100000, cold_start_ms: {fixed: 1}"
)


def burst_profile(layout: str, rule: str = "") -> WorkloadProfile:
    return routed_profile(layout, routes_yaml(BURST_ROUTES), BURST_TRAFFIC, BURST_REQUEST, NO_OTHER_LIMITS + rule)


@pytest.mark.slow  # two runs of ~500,000 requests (1-5 s)
def test_a_burst_throttles_less_when_each_route_has_its_own_bucket() -> None:
    single_profile = burst_profile("single")
    curve = rate_curve(single_profile.traffic, horizon_s=2_400, seconds_per_month=single_profile.seconds_per_month)
    base, peak = float(curve[0]), float(curve.max())
    needed = peak * BURST_DURATION_S  # environments the burst keeps busy (Little's law)
    idle_before = base * BURST_DURATION_S  # at least the mean concurrency before the burst
    bucket, refill = platform.CURRENT_SCALING_BUCKET, platform.CURRENT_SCALING_REFILL_PER_S
    assert needed / BURST_ROUTES < bucket < needed  # the case the issue describes

    single = run(single_profile, options=BURST_OPTIONS)
    per_route = run(burst_profile("per-route"), options=BURST_OPTIONS)
    expected = (needed - idle_before - bucket) ** 2 / (2 * refill * BURST_DURATION_S)
    assert single.figures.lambda_throttled_scaling == pytest.approx(expected, rel=0.1)
    assert per_route.figures.lambda_throttled_scaling == 0  # each function needs < 1,000 new environments
    assert per_route.throttled < single.throttled


@pytest.mark.slow  # two runs of ~500,000 requests (1-5 s)
def test_under_the_legacy_rule_splitting_routes_does_not_add_headroom() -> None:
    legacy = ", scaling_rule: legacy, burst_concurrency: 1000"
    single = run(burst_profile("single", legacy), options=BURST_OPTIONS)
    per_route = run(burst_profile("per-route", legacy), options=BURST_OPTIONS)
    assert single.throttled > 0
    # one regional bucket for every function: the split changes the throttles by noise only
    assert per_route.throttled == pytest.approx(single.throttled, rel=0.05)


# ----------------------------------------------------------------------------- memory and totals

MIXED = routes_yaml(1) + "\n    - {method: POST, path: /heavy, share: 1, memory_mb: 2048}"


def test_single_runs_every_route_at_the_largest_need_and_per_route_at_its_own() -> None:
    request = "  duration_ms: {fixed: 100}\n  cpu_fraction: 0\n"
    extra = ", memory_mb: 512, cold_start_ms: {fixed: 0}"
    options = SimOptions(horizon_s=3_600, warmup_s=0)
    for layout, memories in (("single", (2048, 2048)), ("per-route", (512, 2048))):
        profile = routed_profile(layout, MIXED, "{mean_rps: 2}", request, extra)
        usage = run(profile, options=options).usage
        assert isinstance(usage, LambdaUsage)
        assert tuple(route.memory_mb for route in usage.routes) == memories
        for route in usage.routes:  # 100 ms billed per invocation at the function's memory
            assert route.ondemand_gb_seconds == pytest.approx(route.invocations * 0.1 * route.memory_mb / 1024)
        assert usage.memory_mb == 2048


def assert_usage_adds_up(usage: LambdaUsage) -> None:
    for name in LAMBDA_ADDITIVE_FIELDS:
        assert math.fsum(getattr(route, name) for route in usage.routes) == getattr(usage, name), name


@pytest.mark.parametrize("layout", ["single", "per-route", "grouped"])
def test_per_route_results_add_up_to_the_totals_exactly(layout: str) -> None:
    routes = "\n".join(
        f"    - {{method: GET, path: /r{i}, share: {i + 1}, group: g{i % 2}, memory_mb: {256 * (i + 1)}}}"
        for i in range(4)
    )
    extra = ", provisioned_concurrency: [{from: '00:10', to: '00:40', count: 1}], provisioned_allocation_s: 0"
    profile = routed_profile(layout, routes, "{mean_rps: 3, bursts: [{start: '00:20', duration_s: 30, multiplier: 50}]}",
                             lambda_=extra)  # fmt: skip
    runs = [run(profile, seed=seed, options=SimOptions(horizon_s=3_600, warmup_s=300)) for seed in (1, 2)]
    for one in runs:
        for name in ("requests", "errors", "cold_starts", "throttled", "timeouts"):
            assert sum(getattr(route, name) for route in one.routes) == getattr(one, name), name
        assert sum(route.invocations for route in one.routes) == one.figures.invocations
        assert isinstance(one.usage, LambdaUsage)
        assert_usage_adds_up(one.usage)
    assert runs[0].usage.provisioned_gb_seconds > 0
    mean = mean_usage([one.usage for one in runs])
    assert isinstance(mean, LambdaUsage)
    assert_usage_adds_up(mean)
    bill = estimate(profile, mean, load_prices(profile.region))
    costs = route_costs(bill, mean)
    assert sum(cost.monthly_usd for cost in costs) == compute_usd(bill)
    assert compute_usd(bill) > 0


def test_route_shares_split_the_requests() -> None:
    profile = routed_profile("single", "    - {method: GET, path: /a, share: 3}\n    - {method: GET, path: /b, share: 1}",
                             "{mean_rps: 5}")  # fmt: skip
    one = run(profile, options=SimOptions(horizon_s=7_200, warmup_s=0))
    share = one.routes[0].requests / one.requests
    assert share == pytest.approx(0.75, abs=4 * math.sqrt(0.75 * 0.25 / one.requests))


def test_route_usage_fields_mirror_the_totals() -> None:
    names = {f.name for f in fields(LambdaUsage) if f.type in ("float", float)}
    assert set(LAMBDA_ADDITIVE_FIELDS) == names


def test_the_month_method_keeps_the_routes_adding_up() -> None:
    from archsel.sim.lambda_.month import simulate_lambda_month

    profile = routed_profile("per-route", routes_yaml(3), "{mean_rps: 0.5, shape: weekly}", lambda_=", memory_mb: 256")
    month = simulate_lambda_month(profile, rng=np.random.default_rng(4), warmup_s=600, request_budget=1).month
    assert month.figures.month.day_types == 2  # weekdays and weekends
    for name in ("requests", "errors", "cold_starts", "throttled", "timeouts"):
        assert sum(getattr(route, name) for route in month.routes) == getattr(month, name), name
    assert isinstance(month.usage, LambdaUsage)
    assert_usage_adds_up(month.usage)
    assert month.requests == pytest.approx(0.5 * profile.seconds_per_month, rel=0.05)
