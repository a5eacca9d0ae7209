"""The Lambda model against queueing theory: Erlang-B for a concurrency limit, Little's law."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.model import simulate_lambda
from archsel.sim.result import SimOptions
from tests.theory import erlang_b


def _loss_system(servers: int, load: float) -> WorkloadProfile:
    """M/M/c/c: Poisson arrivals at ``load`` per second, exponential 1-s service, ``servers``
    concurrent executions; keep-alive effects off (no INIT, environments never expire)."""
    return parse_profile(
        f"""
version: 1
name: erlang-b
traffic: {{mean_rps: {load}}}
request: {{duration_ms: {{distribution: exponential, mean: 1000}}, cpu_fraction: 0}}
lambda:
  account_concurrency: {servers}
  cold_start_ms: 0
  keep_alive_s: 1000000
  max_lifetime_s: 1000000
  timeout_s: 900
"""
    )


@pytest.mark.parametrize(("servers", "load"), [(10, 8.0), (5, 5.0), (20, 12.0)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_concurrency_limit_is_an_erlang_b_loss_system(servers: int, load: float, seed: int) -> None:
    run = simulate_lambda(
        _loss_system(servers, load),
        rng=np.random.default_rng(seed),
        options=SimOptions(horizon_s=20_000, warmup_s=500),
    )
    throttled = run.figures.lambda_throttled_concurrency
    assert run.figures.lambda_throttled_scaling == 0
    assert run.figures.api_throttled == 0
    assert throttled / run.requests == pytest.approx(erlang_b(servers, load), abs=0.01)


PROFILES = {
    "steady": "traffic: {mean_rps: 50}\n",
    "diurnal-cold": (
        "traffic: {mean_rps: 5, shape: diurnal, peak_rps: 20}\n"
        "lambda: {keep_alive_s: {distribution: uniform, min: 5, max: 30}, cold_start_ms: {fixed: 800}}\n"
    ),
    "limited-provisioned": (
        "traffic: {mean_rps: 40, bursts: [{start: '02:00', every: 3h, duration_s: 300, multiplier: 5}]}\n"
        "lambda: {account_concurrency: 200, reserved_concurrency: 30, provisioned_concurrency: 10}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_littles_law_mean_concurrency_is_throughput_times_occupancy(name: str) -> None:
    profile = parse_profile(f"version: 1\nname: {name}\n{PROFILES[name]}")
    run = simulate_lambda(
        profile,
        rng=np.random.default_rng(7),
        options=SimOptions(horizon_s=6 * 3_600, warmup_s=600, record_timeseries=True),
    )
    # left: time average of in-flight requests; right: arrival rate of invocations x time each holds an environment
    mean_concurrency = run.figures.mean_concurrency
    assert mean_concurrency == pytest.approx(run.figures.throughput_rps * run.figures.mean_occupancy_s, rel=0.02)
    assert run.timeseries is not None
    assert float(run.timeseries.column("concurrency").mean()) == pytest.approx(mean_concurrency, rel=1e-9)
    assert run.instances is not None and run.instances.mean_busy == pytest.approx(mean_concurrency)
