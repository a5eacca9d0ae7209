"""Exact control-plane traces of a step-scaled Fargate service, every time derived from the mechanism.

The workload is the deterministic one of test_fargate_traces (evenly spaced arrivals, 100 ms of pure
CPU per request on 1-vCPU tasks, a fixed task start), so each datapoint follows from the load and
the task count, and each scaling time from the documented rules: a datapoint per period, the alarm
acting on it a calibrated number of periods later (FargateParams.metric_lag_periods), ``datapoints`` breaching
datapoints in a row, the step whose band holds the (averaged) metric, and the policy cooldowns.

Load: 8 req/s (2 tasks at 40 %, between the alarms), 16 req/s from minute 10 (2 tasks at 80 %:
offset +30, the +1 step; 3 tasks at 53 %: offset +3, +1 again; 4 tasks at 40 %: quiet), back to
8 req/s from minute 40 (4 tasks at 20 %: offset -10, the -1 step; 3 tasks at 27 %: -1 again).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.model import FargateOutcome, run_fargate
from archsel.sim.fargate.params import FargateParams
from archsel.sim.result import ScalingEvent, SimOptions

PARAMS = FargateParams()
START_S, HEALTH_S, DRAIN_S = 45.0, 30.0, 120.0
LOW, HIGH = 8.0, 16.0  # requests per second, 0.1 vCPU-s each
STEP_UP, STEP_DOWN, HORIZON = 600.0, 2_400.0, 4_200.0
OUT_THRESHOLD, OUT_DATAPOINTS, OUT_COOLDOWN = 50.0, 3, 300.0
IN_THRESHOLD, IN_DATAPOINTS, IN_COOLDOWN = 30.0, 5, 120.0


def _profile(period_s: int) -> WorkloadProfile:
    minutes = [LOW * 60] * 10 + [HIGH * 60] * 30 + [LOW * 60] * 30
    return parse_profile(f"""
version: 1
name: step-trace
traffic: {{shape: trace, trace_counts: {minutes}, arrival: deterministic}}
request: {{duration_ms: {{fixed: 100}}, cpu_fraction: 1.0}}
fargate:
  vcpu: 1
  memory_gb: 2
  min_tasks: 2
  max_tasks: 10
  task_start_s: {{fixed: {START_S}}}
  health_check_interval_s: {HEALTH_S}
  deregistration_delay_s: {DRAIN_S}
  scaling:
    policy: step
    metric: cpu
    metric_period_s: {period_s}
    scale_out:
      threshold: {OUT_THRESHOLD}
      datapoints: {OUT_DATAPOINTS}
      cooldown_s: {OUT_COOLDOWN}
      steps: [{{lower: 0, upper: 40, change: 1}}, {{lower: 40, change: 3}}]
    scale_in:
      threshold: {IN_THRESHOLD}
      datapoints: {IN_DATAPOINTS}
      cooldown_s: {IN_COOLDOWN}
      steps: [{{upper: 0, lower: -15, change: -1}}, {{upper: -15, change: -2}}]
""")


def _cpu(rate: float, tasks: int) -> float:
    return 100.0 * rate * 0.1 / tasks


def _next_evaluation(time_s: float, period_s: float) -> float:
    """The first alarm evaluation (a period boundary) at or after ``time_s``."""
    return math.ceil(time_s / period_s) * period_s


@pytest.fixture(scope="module", params=[60, 20], ids=lambda p: f"{p}s")
def trace(request: pytest.FixtureRequest) -> tuple[float, FargateOutcome]:
    period = float(request.param)
    options = SimOptions(horizon_s=HORIZON, warmup_s=0, record_timeseries=True)
    return period, run_fargate(_profile(request.param), rng=np.random.default_rng(0), options=options)


def _ups_and_downs(outcome: FargateOutcome) -> tuple[list[ScalingEvent], list[ScalingEvent]]:
    events = outcome.run.scaling_events
    return [e for e in events if e.to_tasks > e.from_tasks], [e for e in events if e.to_tasks < e.from_tasks]


def test_the_datapoints_are_the_cpu_the_load_implies(trace: tuple[float, FargateOutcome]) -> None:
    period, outcome = trace
    datapoints = {event.time_s: event.value for event in outcome.events if event.kind == "datapoint"}
    assert datapoints[STEP_UP] == pytest.approx(_cpu(LOW, 2), abs=0.5)  # the period before the step
    assert datapoints[STEP_UP + period] == pytest.approx(_cpu(HIGH, 2), abs=0.5)


def test_scale_out_after_datapoints_periods_and_the_lag_by_the_step_the_metric_falls_in(
    trace: tuple[float, FargateOutcome],
) -> None:
    period, outcome = trace
    first = _ups_and_downs(outcome)[0][0]
    # The high periods start at the step (a boundary); the third ends 3 periods later and is acted on one period after.
    assert first.time_s == STEP_UP + OUT_DATAPOINTS * period + PARAMS.metric_lag_periods(period) * period
    assert (first.from_tasks, first.to_tasks) == (2, 3)  # 80 % is 30 above 50: the [0, 40] step, +1
    assert first.reason.startswith(f"step scaling: metric 80 > 50 for {OUT_DATAPOINTS} periods, step [0, 40]: +1 task")
    new = [life for life in outcome.tasks if life.launch_s == first.time_s]
    assert len(new) == 1
    assert new[0].running_s == first.time_s + START_S
    assert new[0].in_service_s == math.ceil((first.time_s + START_S) / HEALTH_S) * HEALTH_S


def test_the_alarm_still_in_alarm_adds_more_at_the_first_evaluation_after_the_cooldown(
    trace: tuple[float, FargateOutcome],
) -> None:
    period, outcome = trace
    first, second = _ups_and_downs(outcome)[0]
    # Inside the cooldown the same +1 from the pre-scale-out count (2) adds nothing; once it ends, the
    # alarm (still above 50) is re-invoked and adds 1 to the current count. The metric it reports is
    # the mean of its datapoints, the last one ``lag`` periods old: with 60-s metrics the window still
    # holds periods before the third task ran (80 %, then part of a period), with 20-s ones only 53 %.
    assert second.time_s == _next_evaluation(first.time_s + OUT_COOLDOWN, period)
    assert (second.from_tasks, second.to_tasks) == (3, 4)
    third_running = next(life.running_s for life in outcome.tasks if life.launch_s == first.time_s)
    expected = _mean_cpu_of_window(second.time_s, period, third_running)
    assert f"metric {expected:.1f} > 50" in second.reason and "during cooldown" not in second.reason
    assert len(_ups_and_downs(outcome)[0]) == 2  # 4 tasks at 40 %: the alarm returns to OK


def test_scale_in_by_the_scale_in_policy_then_again_after_its_cooldown(trace: tuple[float, FargateOutcome]) -> None:
    period, outcome = trace
    downs = _ups_and_downs(outcome)[1]
    assert len(downs) == 2
    first, second = downs
    # 4 tasks at 20 % from the step down; the 5th low period is acted on one period after it ends.
    assert first.time_s == STEP_DOWN + IN_DATAPOINTS * period + PARAMS.metric_lag_periods(period) * period
    assert (first.from_tasks, first.to_tasks) == (4, 3)  # 20 % is 10 below 30: the [-15, 0] step, -1
    assert first.reason == f"step scaling: metric 20 < 30 for {IN_DATAPOINTS} periods, step [-15, 0]: -1 task"
    # Blocked during the 120-s scale-in cooldown though still in ALARM, then -1 again (3 tasks at 27 %).
    assert second.time_s == _next_evaluation(first.time_s + IN_COOLDOWN, period)
    assert (second.from_tasks, second.to_tasks) == (3, 2)
    drained = [event for event in outcome.events if event.kind == "draining" and event.time_s == first.time_s]
    assert len(drained) == 1
    stopped = [event for event in outcome.events if event.kind == "stopped" and event.task == drained[0].task]
    assert [event.time_s for event in stopped] == [first.time_s + DRAIN_S]


def test_the_desired_count_series_follows_the_events(trace: tuple[float, FargateOutcome]) -> None:
    _, outcome = trace
    series = outcome.run.timeseries
    assert series is not None
    desired = series.column("tasks_desired")
    count = 2
    for event in outcome.run.scaling_events:
        at = int(event.time_s)
        assert desired[at - 1] == count and desired[at] == event.to_tasks
        count = event.to_tasks


def _mean_cpu_of_window(evaluated_s: float, period: float, third_running_s: float) -> float:
    """CPU % averaged over the alarm's datapoints acted on at ``evaluated_s``: 2 tasks, plus a third from its start."""
    last_end = evaluated_s - PARAMS.metric_lag_periods(period) * period
    values = []
    for k in range(OUT_DATAPOINTS):
        start, end = last_end - (k + 1) * period, last_end - k * period
        task_seconds = 2 * period + max(0.0, end - max(start, third_running_s))
        values.append(100 * HIGH * 0.1 * period / task_seconds)
    return float(np.mean(values))
