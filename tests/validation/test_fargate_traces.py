"""Exact control-plane traces of the Fargate model, and scale-out timing derived from the mechanism.

The trace workload is deterministic (evenly spaced arrivals, fixed handler time, fixed task start),
so every datapoint and every event time follows from the documented rules:
a datapoint per period, the alarm acting on it a calibrated number of periods later (FargateParams.metric_lag_periods),
3 high datapoints to scale out, 15 low ones to scale in, start time, then the next health check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from archsel.billing.usage import FargateUsage
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.fleet import FleetEvent
from archsel.sim.fargate.model import FargateOutcome, run_fargate
from archsel.sim.fargate.params import FargateParams
from archsel.sim.result import SimOptions

PARAMS = FargateParams()
PERIOD = 60.0
LAG = PARAMS.metric_lag_periods(PERIOD) * PERIOD
START_S, HEALTH_S, DRAIN_S = 45.0, 30.0, 120.0
LOW, HIGH = 4.0, 15.0  # requests per second; 100 ms of pure CPU each on 1-vCPU tasks
STEP_UP, STEP_DOWN, HORIZON = 600.0, 2_400.0, 4_200.0


def _trace_profile() -> WorkloadProfile:
    minutes = [LOW * 60] * 10 + [HIGH * 60] * 30 + [LOW * 60] * 30
    return parse_profile(f"""
version: 1
name: trace
traffic: {{shape: trace, trace_counts: {minutes}, arrival: deterministic}}
request: {{duration_ms: {{fixed: 100}}, cpu_fraction: 1.0}}
fargate:
  vcpu: 1
  memory_gb: 2
  min_tasks: 2
  max_tasks: 10
  scaling: {{metric: cpu, target: 40}}
  task_start_s: {{fixed: {START_S}}}
  health_check_interval_s: {HEALTH_S}
  deregistration_delay_s: {DRAIN_S}
""")


@pytest.fixture(scope="module")
def trace() -> FargateOutcome:
    options = SimOptions(horizon_s=HORIZON, warmup_s=0, record_timeseries=True)
    return run_fargate(_trace_profile(), rng=np.random.default_rng(0), options=options)


def _events(outcome: FargateOutcome, kind: str) -> list[FleetEvent]:
    return [event for event in outcome.events if event.kind == kind]


def test_datapoints_are_the_cpu_the_load_implies(trace: FargateOutcome) -> None:
    datapoints = {event.time_s: event.value for event in _events(trace, "datapoint")}
    assert datapoints[STEP_UP] == pytest.approx(100 * LOW * 0.1 / 2, abs=0.5)  # 2 tasks at the low rate
    assert datapoints[STEP_UP + PERIOD] == pytest.approx(100 * HIGH * 0.1 / 2, abs=0.5)


def test_first_scale_out_comes_after_three_high_datapoints_and_the_alarm_lag(trace: FargateOutcome) -> None:
    first = trace.run.scaling_events[0]
    # Periods [600, 660), [660, 720), [720, 780) are high; the third is acted on one period after it closes.
    assert first.time_s == STEP_UP + 3 * PERIOD + LAG
    assert (first.from_tasks, first.to_tasks) == (2, math.ceil(2 * (100 * HIGH * 0.1 / 2) / 40))


def test_new_tasks_serve_only_after_start_and_the_next_health_check(trace: FargateOutcome) -> None:
    decided = trace.run.scaling_events[0].time_s
    new = [life for life in trace.tasks if life.launch_s > 0]
    assert len(new) == 2
    for life in new:
        assert life.launch_s == decided
        assert life.running_s == decided + START_S
        assert life.in_service_s == math.ceil((decided + START_S) / HEALTH_S) * HEALTH_S
    series = trace.run.timeseries
    assert series is not None
    in_service = series.column("tasks_in_service")
    serving_from = int(new[0].in_service_s)
    assert in_service[serving_from - 1] == 2 and in_service[serving_from] == 4


def test_cooldown_blocks_a_second_scale_out_of_the_same_size(trace: FargateOutcome) -> None:
    # Datapoints stay above target until the new tasks serve, but the proposal from the pre-scale-out
    # capacity is not larger than what was already added: no second scale-out.
    ups = [event for event in trace.run.scaling_events if event.to_tasks > event.from_tasks]
    assert len(ups) == 1


def test_scale_in_waits_for_fifteen_low_periods_then_drains(trace: FargateOutcome) -> None:
    down = trace.run.scaling_events[1]
    # The 15th low period is [2400 + 14 x 60, 2400 + 15 x 60); it is acted on one period later.
    assert down.time_s == STEP_DOWN + 15 * PERIOD + LAG
    assert (down.from_tasks, down.to_tasks) == (4, 2)
    drained = [event for event in _events(trace, "draining") if event.time_s == down.time_s]
    stopped = [event for event in _events(trace, "stopped")]
    assert sorted(event.task for event in drained) == [2, 3]  # the newest serving tasks
    assert [(event.task, event.time_s) for event in stopped] == [(3, down.time_s + DRAIN_S), (2, down.time_s + DRAIN_S)]


def test_billing_follows_the_trace(trace: FargateOutcome) -> None:
    month = _trace_profile().seconds_per_month / HORIZON
    decided, drained = trace.run.scaling_events[0].time_s, trace.run.scaling_events[1].time_s
    expected = 2 * HORIZON + 2 * (drained + DRAIN_S - decided)  # two tasks all along, two from launch to stop
    assert isinstance(trace.run.usage, FargateUsage)
    assert trace.run.usage.task_seconds == pytest.approx(expected * month)


# --------------------------------------------------------------------------- step timing


def _step_profile(period_s: int) -> WorkloadProfile:
    return parse_profile(f"""
version: 1
name: step
traffic: {{mean_rps: 10, bursts: [{{start: "00:16:40", duration_s: 3000, multiplier: 4}}]}}
request: {{duration_ms: {{fixed: 100}}, cpu_fraction: 1.0}}
fargate: {{vcpu: 1, memory_gb: 2, min_tasks: 2, max_tasks: 20, scaling: {{metric: cpu, target: 50, metric_period_s: {period_s}}}}}
""")


def _expected_trigger_window(step_s: float, period_s: float) -> tuple[float, float]:
    """First scale-out time: the 3rd high datapoint, acted on after the alarm lag.

    The first whole high period starts at the first boundary after the step; the partial period
    before it may or may not average above the target, so the third high one ends 2 or 3 periods
    after that boundary.
    """
    boundary = math.ceil(step_s / period_s) * period_s
    datapoints = _step_profile(60).fargate.scaling.scale_out_datapoints
    lag = PARAMS.metric_lag_periods(period_s) * period_s
    return boundary + (datapoints - 1) * period_s + lag, boundary + datapoints * period_s + lag


@pytest.mark.parametrize("period_s", [60, 20])
def test_load_step_scaling_delay_follows_the_mechanism(period_s: int) -> None:
    profile = _step_profile(period_s)
    step = profile.traffic.bursts[0].start
    outcome = run_fargate(profile, rng=np.random.default_rng(3), options=SimOptions(7_200, 0))
    first = outcome.run.scaling_events[0]
    low, high = _expected_trigger_window(step, period_s)
    assert low <= first.time_s <= high
    start = profile.fargate.task_start_s
    assert start.min is not None and start.max is not None
    interval = profile.fargate.health_check_interval_s
    launched = [life for life in outcome.tasks if life.launch_s == first.time_s]
    assert len(launched) == first.to_tasks - first.from_tasks
    for life in launched:
        assert first.time_s + start.min <= life.in_service_s <= first.time_s + start.max + interval


# AWS's benchmark of a load step on an ECS service with target tracking on CPU: seconds from the
# step to the scale-out trigger and to the new tasks provisioned, with 60-s and 20-s metrics
# (https://aws.amazon.com/blogs/aws/amazon-ecs-introduces-new-high-resolution-metrics-for-faster-service-auto-scaling/).
AWS_STEP_TIMING_S = {60: (363.0, 386.0), 20: (86.0, 109.0)}
# The benchmark's tasks were provisioned 23 s after the trigger in both runs: a small image. The
# profile's default (30-90 s) is for a 413 MB image, so the comparison sets the task start to 23 s.
BENCHMARK_TASK_START_S = 23.0


def _timing_profile(period_s: int, step_s: float) -> WorkloadProfile:
    clock = f"{int(step_s // 3600):02d}:{int(step_s % 3600 // 60):02d}:{int(step_s % 60):02d}"
    return parse_profile(f"""
version: 1
name: step
traffic: {{mean_rps: 10, bursts: [{{start: "{clock}", duration_s: 3000, multiplier: 4}}]}}
request: {{duration_ms: {{fixed: 100}}, cpu_fraction: 1.0}}
fargate:
  vcpu: 1
  memory_gb: 2
  min_tasks: 2
  max_tasks: 20
  task_start_s: {{fixed: {BENCHMARK_TASK_START_S}}}
  scaling: {{metric: cpu, target: 50, metric_period_s: {period_s}}}
""")


@pytest.mark.parametrize("period_s", [60, 20])
def test_load_step_timing_matches_aws_benchmark_within_15_percent(period_s: int) -> None:
    """Mean over steps at 12 offsets within the period (the benchmark's step time is not given)."""
    triggers, provisioned = [], []
    for k in range(12):
        step = 1_000.0 + k * 7.3
        outcome = run_fargate(
            _timing_profile(period_s, step), rng=np.random.default_rng(k), options=SimOptions(3_600, 0)
        )
        first = outcome.run.scaling_events[0]
        triggers.append(first.time_s - step)
        provisioned.append(min(life.running_s for life in outcome.tasks if life.launch_s == first.time_s) - step)
    trigger_aws, provisioned_aws = AWS_STEP_TIMING_S[period_s]
    assert float(np.mean(triggers)) == pytest.approx(trigger_aws, rel=0.15)
    assert float(np.mean(provisioned)) == pytest.approx(provisioned_aws, rel=0.15)
