"""Exact control-plane traces of scheduled scaling (fargate.schedule) on the Fargate model.

The workload is deterministic (evenly spaced arrivals, 100 ms of pure CPU per request on 1-vCPU
tasks, fixed task start), so every time follows from the documented rules: at a window edge the
bounds change and the desired count moves into them at once (Application Auto Scaling scheduled
actions); new tasks serve after their start time and the next health check; a surplus left
inside the new bounds goes only through target tracking (15 datapoints below 90 % of the target,
acted on one period later, cooldown permitting), while a max below the current count drains the
surplus at once. A scheduled action lands before the alarm evaluation of the same instant.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.profile.scaling_schema import Scaling
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.fleet import FleetEvent
from archsel.sim.fargate.model import FargateOutcome, run_fargate
from archsel.sim.fargate.params import FargateParams
from archsel.sim.result import ScalingEvent, SimOptions

PARAMS = FargateParams()
PERIOD = 60.0
LAG = PARAMS.metric_lag_periods(PERIOD) * PERIOD
START_S, HEALTH_S, DRAIN_S = 45.0, 30.0, 120.0
TARGET = 40.0  # CPU percent
LOW, BUSY = 1.0, 15.0  # requests per second, 100 ms of CPU each
WINDOW_FROM, WINDOW_TO = 1_800.0, 3_600.0  # 00:30-01:00 UTC
BUSY_FROM = 2_100.0  # 00:35: load rises once the scheduled tasks serve, falls at the window's end
HORIZON = 7_200.0


def cpu_percent(rps: float, tasks: int) -> float:
    """CPU utilisation of ``tasks`` 1-vCPU tasks at ``rps`` requests of 100 ms of CPU."""
    return 100.0 * rps * 0.1 / tasks


def _profile(schedule: str, *, traffic: str | None = None, warmup: str = "0s") -> WorkloadProfile:
    minutes = [LOW * 60] * int(BUSY_FROM / 60) + [BUSY * 60] * int((WINDOW_TO - BUSY_FROM) / 60)
    minutes += [LOW * 60] * int((HORIZON - WINDOW_TO) / 60)
    traffic = traffic or f"{{shape: trace, trace_counts: {minutes}, arrival: deterministic}}"
    return parse_profile(f"""
version: 1
name: scheduled
traffic: {traffic}
request: {{duration_ms: {{fixed: 100}}, cpu_fraction: 1.0}}
fargate:
  vcpu: 1
  memory_gb: 2
  min_tasks: 1
  max_tasks: 10
  scaling: {{metric: cpu, target: {TARGET}}}
  task_start_s: {{fixed: {START_S}}}
  health_check_interval_s: {HEALTH_S}
  deregistration_delay_s: {DRAIN_S}
  schedule: {schedule}
simulation: {{warmup: {warmup}}}
""")


def _run(profile: WorkloadProfile, horizon_s: float = HORIZON) -> FargateOutcome:
    options = SimOptions(horizon_s=horizon_s, warmup_s=profile.simulation.warmup, record_timeseries=True)
    return run_fargate(profile, rng=np.random.default_rng(0), options=options)


def _events(outcome: FargateOutcome, kind: str) -> list[FleetEvent]:
    return [event for event in outcome.events if event.kind == kind]


def _changes(outcome: FargateOutcome) -> list[tuple[float, int, int, str]]:
    return [(e.time_s, e.from_tasks, e.to_tasks, e.reason.split(":")[0]) for e in outcome.run.scaling_events]


def _drains_and_stops(outcome: FargateOutcome, at: float) -> tuple[list[int], list[tuple[int, float]]]:
    drained = sorted(event.task for event in _events(outcome, "draining") if event.time_s == at)
    stopped = sorted((event.task, event.time_s) for event in _events(outcome, "stopped") if event.task in drained)
    return drained, stopped


# --------------------------------------------------------------------------- min raised, then left to tracking

MIN_WINDOW = "[{from: '00:30', to: '01:00', min_tasks: 4}]"


@pytest.fixture(scope="module")
def raised() -> FargateOutcome:
    return _run(_profile(MIN_WINDOW))


def test_the_load_keeps_both_alarms_quiet_inside_the_window() -> None:
    """Preconditions of the trace: 4 tasks under the busy load sit between 90 % of target and target."""
    assert PARAMS.scale_in_ratio * TARGET < cpu_percent(BUSY, 4) < TARGET
    assert cpu_percent(LOW, 1) < PARAMS.scale_in_ratio * TARGET  # one task at the low rate: scale-in territory


def test_the_window_start_raises_desired_to_the_new_min_at_once(raised: FargateOutcome) -> None:
    first = raised.run.scaling_events[0]
    assert first == ScalingEvent(WINDOW_FROM, 1, 4, "scheduled action: min 1 -> 4, max 10 -> 10")
    desired = [event for event in _events(raised, "desired") if event.time_s == WINDOW_FROM]
    assert [event.value for event in desired] == [4]
    series = raised.run.timeseries
    assert series is not None
    tasks_desired = series.column("tasks_desired")
    assert tasks_desired[int(WINDOW_FROM) - 1] == 1 and tasks_desired[int(WINDOW_FROM)] == 4


def test_scheduled_tasks_serve_after_their_start_and_the_next_health_check(raised: FargateOutcome) -> None:
    new = [life for life in raised.tasks if life.launch_s > 0]
    assert [life.launch_s for life in new] == [WINDOW_FROM] * 3
    for life in new:
        assert life.running_s == WINDOW_FROM + START_S
        assert life.in_service_s == math.ceil((WINDOW_FROM + START_S) / HEALTH_S) * HEALTH_S


def test_the_window_end_lowers_min_but_keeps_the_tasks(raised: FargateOutcome) -> None:
    second = raised.run.scaling_events[1]
    assert second == ScalingEvent(WINDOW_TO, 4, 4, "scheduled action: min 4 -> 1, max 10 -> 10")
    assert _drains_and_stops(raised, WINDOW_TO) == ([], [])


def test_the_surplus_goes_only_after_fifteen_low_periods(raised: FargateOutcome) -> None:
    # Load falls at the window's end: the 15th low period is [3600 + 14 x 60, 3600 + 15 x 60), acted on a period later.
    expected_at = WINDOW_TO + 15 * PERIOD + LAG
    proposal = math.ceil(4 * cpu_percent(LOW, 4) / TARGET)
    assert _changes(raised) == [
        (WINDOW_FROM, 1, 4, "scheduled action"),
        (WINDOW_TO, 4, 4, "scheduled action"),
        (expected_at, 4, proposal, "target tracking"),
    ]
    drained, stopped = _drains_and_stops(raised, expected_at)
    assert drained == [1, 2, 3]  # the scheduled tasks are the newest serving ones
    assert stopped == [(task, expected_at + DRAIN_S) for task in drained]


# --------------------------------------------------------------------------- max lowered below the current count

MAX_AFTER = "[{from: '00:30', to: '01:00', min_tasks: 4}, {from: '01:00', to: '01:30', max_tasks: 2}]"


@pytest.fixture(scope="module")
def capped() -> FargateOutcome:
    return _run(_profile(MAX_AFTER))


def test_a_max_below_the_current_count_drains_the_surplus_at_once(capped: FargateOutcome) -> None:
    at_edge = capped.run.scaling_events[1]
    assert at_edge == ScalingEvent(WINDOW_TO, 4, 2, "scheduled action: min 4 -> 1, max 10 -> 2")
    drained, stopped = _drains_and_stops(capped, WINDOW_TO)
    assert drained == [2, 3]  # the two newest serving tasks
    assert stopped == [(2, WINDOW_TO + DRAIN_S), (3, WINDOW_TO + DRAIN_S)]


def test_tracking_keeps_working_inside_the_lowered_bounds(capped: FargateOutcome) -> None:
    tracked_at = WINDOW_TO + 15 * PERIOD + LAG  # the same 15 low periods from the load's fall
    max_back = WINDOW_TO + 1_800.0  # 01:30
    assert tracked_at < max_back
    assert _changes(capped) == [
        (WINDOW_FROM, 1, 4, "scheduled action"),
        (WINDOW_TO, 4, 2, "scheduled action"),
        (tracked_at, 2, math.ceil(2 * cpu_percent(LOW, 2) / TARGET), "target tracking"),
        (max_back, 1, 1, "scheduled action"),
    ]
    assert capped.run.scaling_events[-1].reason == "scheduled action: min 1 -> 1, max 2 -> 10"


# --------------------------------------------------------------------------- a run that starts inside a window


@pytest.fixture(scope="module")
def started_inside() -> FargateOutcome:
    # The first window wraps midnight and covers the warm-up's start (23:50); a 30-s window follows it.
    schedule = "[{from: '23:50', to: '00:19:30', min_tasks: 3}, {from: '00:19:30', to: '00:20', min_tasks: 2}]"
    return _run(_profile(schedule, traffic=f"{{mean_rps: {LOW}, arrival: deterministic}}", warmup="600s"), 3_600.0)


def test_the_first_bounds_are_the_window_covering_the_start(started_inside: FargateOutcome) -> None:
    initial = [life for life in started_inside.tasks if life.launch_s == -600.0]
    assert len(initial) == 3  # min 3 at 23:50, although one task carries the load
    assert all(life.in_service_s == -600.0 for life in initial)


def test_an_action_lands_before_the_evaluation_of_the_same_instant(started_inside: FargateOutcome) -> None:
    # Every datapoint has been low since the start, so the low alarm is in ALARM from the 15th one
    # (period [-600 + 14 x 60, -600 + 15 x 60), acted on at 360); the min holds the count at 3 until
    # 00:20 = 1200 s, a period boundary. The action at 1200 is scheduled at 1170, after the alarm
    # evaluation at 1200 was (at 1140): its priority, not the order of scheduling, puts it first,
    # and the evaluation then scales in within the new bounds (evaluated first, it would stop at 2).
    edge = 1_200.0
    assert edge % PERIOD == 0 and edge >= -600.0 + 15 * PERIOD + LAG
    assert _changes(started_inside) == [
        (edge - 30.0, 3, 3, "scheduled action"),
        (edge, 3, 3, "scheduled action"),
        (edge, 3, math.ceil(3 * cpu_percent(LOW, 3) / TARGET), "target tracking"),
    ]


def test_windows_repeat_each_day_of_a_longer_horizon() -> None:
    profile = _profile("[{from: '06:00', to: '07:00', min_tasks: 2}]", traffic=f"{{mean_rps: {LOW}}}")
    outcome = _run(profile, 2 * 86_400.0)
    scheduled = [(e.time_s, e.to_tasks) for e in outcome.run.scaling_events if e.reason.startswith("scheduled")]
    hour = 3_600.0
    assert scheduled == [(6 * hour, 2), (7 * hour, 2), (30 * hour, 2), (31 * hour, 2)]


# --------------------------------------------------------------------------- with a step-scaling policy

STEP_SCALING = (
    "{policy: step, metric: cpu, scale_out: {threshold: 60, steps: [{lower: 0, change: 1}]},"
    " scale_in: {threshold: 20, datapoints: 5, cooldown_s: 120, steps: [{upper: 0, change: -1}]}}"
)


def test_scheduled_bounds_hold_a_step_scaled_service_too() -> None:
    """The window raises min to 4 at once; after it, the step policy's scale-in alarm takes the surplus
    away a task at a time: first after its 5 low periods (acted on a period later), then once per
    cooldown while the alarm stays in ALARM, down to the base min of 1."""
    profile = _profile(MIN_WINDOW)
    profile = profile.model_copy(
        update={"fargate": profile.fargate.model_copy(update={"scaling": parse_step_scaling(STEP_SCALING)})}
    )
    assert 20.0 < cpu_percent(BUSY, 4) < 60.0 and cpu_percent(LOW, 4) < 20.0  # quiet inside, low after
    outcome = _run(profile)
    first_scale_in = WINDOW_TO + 5 * PERIOD + LAG
    assert _changes(outcome) == [
        (WINDOW_FROM, 1, 4, "scheduled action"),
        (WINDOW_TO, 4, 4, "scheduled action"),
        (first_scale_in, 4, 3, "step scaling"),
        (first_scale_in + 120.0, 3, 2, "step scaling"),
        (first_scale_in + 240.0, 2, 1, "step scaling"),
    ]


def parse_step_scaling(text: str) -> Scaling:
    """A step-scaling section, validated as the profile loader would."""
    return parse_profile(
        f"version: 1\nname: s\ntraffic: {{mean_rps: 1}}\nfargate: {{scaling: {text}}}\n"
    ).fargate.scaling
