"""The fast Lambda model against the SimPy process-per-request oracle (lambda_reference.py).

On the same seed both consume the same inputs, so they must agree request for request: every
count, every billed millisecond, every event. On different seeds their statistics must agree
within sampling noise.
"""

from __future__ import annotations

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_ import layout as L
from archsel.sim.lambda_.config import lambda_config
from archsel.sim.lambda_.model import run_engine
from archsel.sim.lambda_.reduce import events
from tests.validation.lambda_reference import Outcome, run_reference

# every mechanism at once: diurnal traffic with a burst, an API limit, reserved concurrency,
# the legacy scaling bucket, a provisioned schedule, short lifetimes, INIT retries and timeouts
BUSY = """
traffic:
  mean_rps: 20
  shape: diurnal
  peak_rps: 60
  peak_hour_utc: 0
  bursts: [{start: "00:20", duration_s: 60, multiplier: 8}]
request: {duration_ms: {distribution: lognormal, p50: 200, p95: 3000}}
lambda:
  account_concurrency: 150
  reserved_concurrency: 25
  api_rate_limit_rps: 50
  api_burst: 20
  scaling_rule: legacy
  burst_concurrency: 5
  timeout_s: 25
  keep_alive_s: {distribution: uniform, min: 5, max: 60}
  max_lifetime_s: 900
  cold_start_ms: {distribution: lognormal, p50: 2000, p95: 15000}
  provisioned_concurrency: [{from: "00:10", to: "00:40", count: 5}, {from: "00:30", to: "00:50", count: 12}]
"""
QUIET = """
traffic: {mean_rps: 2, arrival: poisson}
lambda: {keep_alive_s: {distribution: uniform, min: 1, max: 4}, memory_mb: 512}
"""
COUNTERS = {
    "requests": L.N_REQUESTS,
    "api_throttled": L.N_API_THROTTLED,
    "concurrency_throttled": L.N_CONC_THROTTLED,
    "scaling_throttled": L.N_SCALE_THROTTLED,
    "cold": L.N_COLD,
    "warm": L.N_WARM,
    "provisioned": L.N_PROVISIONED,
    "gateway_timeouts": L.N_GATEWAY_TIMEOUTS,
    "function_timeouts": L.N_FUNCTION_TIMEOUTS,
    "init_retries": L.N_INIT_RETRIES,
    "ondemand_ms": L.N_ONDEMAND_MS,
    "init_ms": L.N_INIT_MS,
    "provisioned_ms": L.N_PROVISIONED_MS,
}


def _profile(body: str) -> WorkloadProfile:
    return parse_profile(f"version: 1\nname: oracle\n{body}")


@pytest.mark.parametrize(
    ("body", "horizon_s"),
    [pytest.param(BUSY, 1_500.0, id="busy"), pytest.param(QUIET, 20_000.0, id="quiet")],
)
def test_same_seed_same_requests_same_events(body: str, horizon_s: float) -> None:
    profile = _profile(body)
    config = lambda_config(profile, horizon_s=horizon_s, warmup_s=300)
    fast = run_engine(profile, config, rng=np.random.default_rng(5), log_capacity=1_000_000)
    oracle = run_reference(profile, config, np.random.default_rng(5))
    n, f = fast.state.pool.counts, fast.state.pool.float_state
    assert {name: int(n[k]) for name, k in COUNTERS.items()} == {name: getattr(oracle, name) for name in COUNTERS}
    assert f[L.F_BUSY] == pytest.approx(oracle.busy_s, rel=1e-9)
    assert f[L.F_ALIVE] == pytest.approx(oracle.alive_s, rel=1e-9)
    assert f[L.F_OCCUPANCY] == pytest.approx(oracle.occupancy_s, rel=1e-9)
    for q in (0.5, 0.95, 0.99):  # the fast model's histogram is exact to half a 0.5 % bin
        assert fast.histogram.quantile(q) == pytest.approx(float(np.quantile(oracle.latencies_ms, q)), rel=0.005)
    log = [(e.time_s, e.kind, e.request, e.env) for e in events(fast)]
    assert len(log) == len(oracle.log)
    assert [entry[1:] for entry in log] == [entry[1:] for entry in oracle.log]
    assert [entry[0] for entry in log] == pytest.approx([entry[0] for entry in oracle.log], abs=1e-9)


def _ratios(outcome: Outcome) -> tuple[float, float, float]:
    invocations = outcome.cold + outcome.warm + outcome.provisioned
    throttled = outcome.api_throttled + outcome.concurrency_throttled + outcome.scaling_throttled
    return outcome.cold / invocations, throttled / outcome.requests, float(np.quantile(outcome.latencies_ms, 0.99))


@pytest.mark.slow
def test_independent_seeds_agree_within_sampling_noise() -> None:
    profile = _profile(
        "traffic: {mean_rps: 12, shape: diurnal, peak_rps: 20}\n"
        "lambda: {reserved_concurrency: 6, keep_alive_s: {distribution: exponential, mean: 2}}\n"
    )
    config = lambda_config(profile, horizon_s=10_000, warmup_s=300)
    fast, oracle = [], []
    for seed in (1, 2, 3):
        result = run_engine(profile, config, rng=np.random.default_rng(seed))
        n = result.state.pool.counts
        invocations = int(n[L.N_COLD] + n[L.N_WARM])
        throttled = int(n[L.N_API_THROTTLED] + n[L.N_CONC_THROTTLED] + n[L.N_SCALE_THROTTLED])
        fast.append((n[L.N_COLD] / invocations, throttled / n[L.N_REQUESTS], result.histogram.quantile(0.99)))
        oracle.append(_ratios(run_reference(profile, config, np.random.default_rng(100 + seed))))
    fast_mean, oracle_mean = np.mean(fast, axis=0), np.mean(oracle, axis=0)
    assert fast_mean[0] == pytest.approx(oracle_mean[0], rel=0.03)  # cold-start ratio
    assert fast_mean[1] == pytest.approx(oracle_mean[1], rel=0.05)  # throttle ratio (noisier: about 1.5 % sd)
    assert fast_mean[2] == pytest.approx(oracle_mean[2], rel=0.03)  # p99 latency
