"""Lambda Managed Instances simulator: queueing theory on a fixed fleet, exact scaler traces, throttling on growth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from archsel.billing.usage import LambdaManagedUsage
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.config import lambda_config
from archsel.sim.lambda_.model import run_engine
from archsel.sim.lambda_.reduce import sim_run
from archsel.sim.lambda_managed.model import ManagedOutcome, run_lambda_managed, simulate_lambda_managed
from archsel.sim.result import SimOptions

FIXED_FLEET = """
version: 1
name: lmi-fixed
traffic: {mean_rps: 100, shape: constant}
request: {duration_ms: {distribution: exponential, mean: 100}, cpu_fraction: 0}
lambda_managed: {instance_type: m7g.large, architecture: arm64, memory_mb: 4096, per_environment_concurrency: 4,
                 min_instances: 3, max_instances: 3}
"""

CPU_BOUND = """
version: 1
name: lmi-cpu
traffic: {mean_rps: 500, shape: constant, arrival: deterministic}
request: {duration_ms: {fixed: 10}, cpu_fraction: 1.0}
lambda: {memory_mb: 1769, runtime: python3.13, cold_start_ms: {fixed: 150}}
lambda_managed: {instance_type: m7g.large, architecture: arm64, min_instances: 3, max_instances: 40}
"""


def erlang_b(servers: int, offered: float) -> float:
    """Blocking probability of an M/M/c/c loss system (Erlang's recursion)."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    return blocking


def _run(profile: WorkloadProfile, rate: np.ndarray, *, seed: int = 1, warmup: int = 0) -> ManagedOutcome:
    options = SimOptions(horizon_s=float(rate.size - warmup), warmup_s=float(warmup), seed=seed)
    return run_lambda_managed(profile, rng=np.random.default_rng(seed), options=options, rate=rate)


def test_a_fixed_fleet_throttles_as_an_erlang_loss_system_and_keeps_littles_law() -> None:
    """3 instances x 1 environment x 4 slots, routed to the least busy: a request is throttled only when
    all 12 are busy, so the throttled share is Erlang B(12, 100/s x 0.1 s)."""
    profile = parse_profile(FIXED_FLEET)
    outcome = _run(profile, np.full(7_800, 100.0), warmup=600)
    run = outcome.run
    assert (
        run.figures.slots_per_instance == 4
        and run.ec2_instances is not None
        and run.ec2_instances.min == run.ec2_instances.max == 3
    )
    expected = erlang_b(12, 10.0)
    assert run.throttled / run.requests == pytest.approx(expected, rel=0.05)
    # Little's law: the time-average in flight (per-second snapshots) equals throughput x time in service.
    assert run.figures.mean_in_flight == pytest.approx(run.figures.littles_law_lambda_w, rel=0.02)
    assert run.cold_starts == 0 and run.scaling_events == ()


def test_one_scale_out_exact_trace() -> None:
    """20 req/s of 100 ms CPU-bound work on 3 instances (2 vCPU), then 45 req/s from t=600: the reading at
    660 sees 270 vCPU-s in 60 s = 2.25 instances of load, 4.5 at the 50 % target: 5 instances, ready at 780."""
    profile = parse_profile(CPU_BOUND.replace("{fixed: 10}", "{fixed: 100}"))
    rate = np.concatenate([np.full(600, 20.0), np.full(600, 45.0)])
    outcome = _run(profile, rate)
    events = outcome.run.scaling_events
    assert [(e.time_s, e.from_tasks, e.to_tasks) for e in events] == [(660.0, 3, 5)]
    launched = [life for life in outcome.instances if life.launch_s > 0]
    assert [(life.launch_s, life.ready_s) for life in launched] == [(660.0, 780.0), (660.0, 780.0)]
    readings = {reading.time_s: reading for reading in outcome.readings}
    assert readings[600.0].desired == 3  # 2 vCPU-s per second of load on 6 vCPUs: the minimum holds
    assert readings[660.0].cpu_utilisation == pytest.approx(75.0, abs=0.5)
    assert readings[840.0].in_service == 5 and readings[840.0].cpu_utilisation == pytest.approx(45.0, abs=0.5)
    assert outcome.run.throttled == 0


def test_traffic_more_than_doubling_in_a_minute_throttles_until_capacity_arrives() -> None:
    """500 -> 3,000 req/s of CPU-bound work: the fleet sized for 500 (5 instances, 10 vCPU) cannot carry
    30 vCPU of work; requests are throttled until the scaler's launches arrive, then none are."""
    profile = parse_profile(CPU_BOUND)
    rate = np.concatenate([np.full(1_200, 500.0), np.full(1_800, 3_000.0)])
    outcome = _run(profile, rate)
    run = outcome.run
    assert run.ec2_instances is not None and run.ec2_instances.min == 5
    first_launch = min(life.launch_s for life in outcome.instances if life.launch_s > 0)
    assert first_launch == 1_260.0  # the first reading after the step
    assert run.throttled > 0.05 * 3_000 * 300  # a sizeable share of the first minutes
    enough = next(r.time_s for r in outcome.readings if r.in_service * 2 >= 30 / 0.95)
    # Once the fleet can carry the load, nothing more is throttled: the run cut a minute after that
    # point (same seed, same draws up to there) has every throttle of the whole run.
    assert _run(profile, rate[: int(enough) + 60]).run.throttled == run.throttled
    assert enough < 1_200 + 600


def test_on_demand_lambda_takes_the_same_step_without_throttling() -> None:
    profile = parse_profile(CPU_BOUND)
    rate = np.concatenate([np.full(1_200, 500.0), np.full(1_800, 3_000.0)])
    config = lambda_config(profile, horizon_s=float(rate.size), warmup_s=0.0)
    run = sim_run(profile, run_engine(profile, config, rng=np.random.default_rng(1), rate=rate), seed=1, series=False)
    assert run.requests == pytest.approx(rate.sum(), rel=1e-3)
    assert run.throttled == 0


def test_a_ramp_doubling_over_ten_minutes_does_not_throttle() -> None:
    profile = parse_profile(CPU_BOUND)
    rate = np.concatenate([np.full(600, 500.0), np.linspace(500.0, 1_000.0, 600), np.full(1_200, 1_000.0)])
    run = _run(profile, rate).run
    assert run.throttled == 0
    assert run.ec2_instances is not None and run.ec2_instances.max >= 10  # it did scale out


def test_simulator_fills_a_run_with_usage_and_no_cold_starts() -> None:
    profile = parse_profile(FIXED_FLEET)
    options = SimOptions(horizon_s=3_600, warmup_s=300, seed=4)
    run = simulate_lambda_managed(profile, options)
    assert run == simulate_lambda_managed(profile, options)
    assert run.architecture == "lambda-managed" and run.cold_starts == 0
    # 3 instances x 1 environment of 4,096 MB: `instances` counts environments as for Lambda
    assert run.instances is not None and run.instances.mean == 3 and run.instances.max == 3
    assert run.instances.mean_busy + run.instances.mean_idle == 3 and run.tasks is None
    assert isinstance(run.usage, LambdaManagedUsage)
    month_hours = profile.seconds_per_month / 3_600
    assert run.usage.instance_hours == pytest.approx(3 * month_hours)
    assert run.usage.instance_type == "m7g.large"
    assert run.usage.invocations + run.throttled * profile.seconds_per_month / 3_600 == pytest.approx(
        run.usage.api_requests
    )
    assert math.isclose(run.usage.api_metered_requests, run.usage.api_requests)


def test_the_per_second_series_follow_the_instance_lives() -> None:
    profile = parse_profile(CPU_BOUND)
    rate = np.concatenate([np.full(1_200, 500.0), np.full(1_800, 3_000.0)])
    options = SimOptions(horizon_s=float(rate.size), warmup_s=0.0, record_timeseries=True, seed=1)
    outcome = run_lambda_managed(profile, rng=np.random.default_rng(1), options=options, rate=rate)
    assert outcome.run.timeseries is not None
    series = outcome.run.timeseries.column("instances_in_service")
    for second in range(0, rate.size, 37):
        serving = [life for life in outcome.instances if life.serving and life.ready_s <= second < life.stop_s]
        assert series[second] == len(serving)
    assert outcome.run.timeseries.column("arrivals").sum() == outcome.run.requests
