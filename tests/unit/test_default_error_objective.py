"""A design that fails requests never meets every objective, even when the profile sets none (issue 15)."""

from __future__ import annotations

from archsel.evaluate.candidate import check_slos
from archsel.evaluate.runner import price_replications, simulate_one
from archsel.pricing.table import load_prices
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.profile.options_schema import DEFAULT_MAX_ERROR_RATIO
from archsel.sim.result import SimOptions

# One environment may run at a time and each request takes a second: at 20 req/s almost every
# request is throttled (HTTP 429), and the profile names no objective at all.
THROTTLED = """version: 1
name: throttled
traffic: {mean_rps: 20}
request: {duration_ms: 1000}
lambda: {reserved_concurrency: 1}
simulation: {horizon: 10m, warmup: 0, replications: 1}
"""


def throttled_outcomes(extra: str = "") -> dict[str, tuple[float, float, bool]]:
    profile = parse_profile(THROTTLED + extra)
    run = simulate_one(
        profile, Architecture.LAMBDA, seed=1, replication=0, options=SimOptions(horizon_s=600.0, warmup_s=0.0)
    )
    assert run.error_ratio > 0.5  # the defect's condition: most requests fail
    result = price_replications(profile, Architecture.LAMBDA, [run], load_prices("us-east-1"))
    return {outcome.name: (outcome.target, outcome.actual, outcome.holds) for outcome in check_slos(profile, result)}


def test_without_objectives_the_default_error_ratio_is_checked_and_fails() -> None:
    outcomes = throttled_outcomes()
    target, actual, holds = outcomes["max_error_ratio"]
    assert (target, holds) == (DEFAULT_MAX_ERROR_RATIO, False)
    assert actual > 0.5


def test_the_profile_can_accept_any_error_ratio() -> None:
    target, _actual, holds = throttled_outcomes("slo: {max_error_ratio: 1}\n")["max_error_ratio"]
    assert (target, holds) == (1.0, True)
