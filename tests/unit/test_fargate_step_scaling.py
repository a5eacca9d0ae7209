"""Step scaling as Application Auto Scaling documents it: alarms, step bands, adjustment types, cooldowns."""

from __future__ import annotations

import doctest
import math

import pytest

import archsel.sim.fargate.step_scaling as step_scaling
from archsel.profile.loader import parse_profile
from archsel.sim.fargate.autoscaling import ScalingDecision
from archsel.sim.fargate.step_scaling import (
    Step,
    StepAlarm,
    StepScalerState,
    StepScaling,
    observe_step,
    percent_change,
)

INF = math.inf
# Scale out above 70 %: +1 task within 20 points of the threshold, +3 beyond; scale in below 30 %: -1, -2 below 20 %.
OUT = StepAlarm(True, 70, 3, "change", (Step(0, 20, 1), Step(20, INF, 3)), cooldown_s=300)
IN = StepAlarm(False, 30, 5, "change", (Step(-10, 0, -1), Step(-INF, -10, -2)), cooldown_s=300)
POLICY = StepScaling(OUT, IN, min_tasks=2, max_tasks=20)


def _feed(
    state: StepScalerState, values: list[float | None], start: float = 0.0, policy: StepScaling = POLICY
) -> tuple[StepScalerState, list[tuple[float, ScalingDecision]]]:
    decisions = []
    for minute, value in enumerate(values):
        now = start + 60.0 * minute
        state, decision = observe_step(policy, state, value, now)
        if decision is not None:
            decisions.append((now, decision))
    return state, decisions


def _changes(decisions: list[tuple[float, ScalingDecision]]) -> list[tuple[float, int, int]]:
    return [(now, d.from_tasks, d.to_tasks) for now, d in decisions]


def test_doctests() -> None:
    assert doctest.testmod(step_scaling).failed == 0


def test_scale_out_needs_datapoints_consecutive_breaches() -> None:
    _, decisions = _feed(StepScalerState(desired=4), [80, 80, 50, 80, 80])
    assert decisions == []
    _, decisions = _feed(StepScalerState(desired=4), [80, 80, 80])
    assert _changes(decisions) == [(120.0, 4, 5)]  # offset 10 is in [0, 20): +1


def test_the_step_follows_the_breach_size_lower_bound_inclusive_above_the_threshold() -> None:
    _, decisions = _feed(StepScalerState(desired=4), [90, 90, 90])  # offset exactly 20: the [20, null] step
    assert _changes(decisions) == [(120.0, 4, 7)]
    _, decisions = _feed(StepScalerState(desired=4), [70, 70, 70])  # at the threshold: not above it, no alarm
    assert decisions == []


def test_scale_in_upper_bound_inclusive_below_the_threshold() -> None:
    _, decisions = _feed(StepScalerState(desired=10), [20.0] * 5)  # offset exactly -10: the [null, -10] step
    assert _changes(decisions) == [(240.0, 10, 8)]
    _, decisions = _feed(StepScalerState(desired=10), [25.0] * 5)
    assert _changes(decisions) == [(240.0, 10, 9)]
    _, decisions = _feed(StepScalerState(desired=10), [25.0] * 4)
    assert decisions == []


def test_the_step_is_picked_from_the_aggregated_datapoints() -> None:
    values: list[float | None] = [75, 75, 100]  # average 83.3 (offset 13: +1), maximum 100 (offset 30: +3)
    _, average = _feed(StepScalerState(desired=4), values)
    maximum = StepScaling(StepAlarm(True, 70, 3, "change", OUT.steps, 300, aggregation="maximum"), None, 2, 20)
    _, highest = _feed(StepScalerState(desired=4), values, policy=maximum)
    assert _changes(average) == [(120.0, 4, 5)]
    assert _changes(highest) == [(120.0, 4, 7)]
    assert "maximum metric 100 > 70" in highest[0][1].reason


def test_missing_data_breaks_the_alarm() -> None:
    _, decisions = _feed(StepScalerState(desired=4), [80, 80, None, 80, 80])
    assert decisions == []
    _, decisions = _feed(StepScalerState(desired=10), [25.0, 25.0, None, 25.0, 25.0, 25.0, 25.0])
    assert decisions == []


def test_the_count_stays_within_min_and_max() -> None:
    _, decisions = _feed(StepScalerState(desired=19), [95, 95, 95])
    assert _changes(decisions) == [(120.0, 19, 20)]
    _, decisions = _feed(StepScalerState(desired=20), [95, 95, 95])
    assert decisions == []
    _, decisions = _feed(StepScalerState(desired=3), [5.0] * 5)
    assert _changes(decisions) == [(240.0, 3, 2)]
    _, decisions = _feed(StepScalerState(desired=2), [5.0] * 10)
    assert decisions == []


@pytest.mark.parametrize(
    ("capacity", "percent", "expected"),
    [
        (10, 10, 1),  # exactly 1
        (11, 30, 3),  # 3.3 rounds down
        (14, -10, -1),  # -1.4 rounds up (toward zero)
        (13, -30, -3),  # -3.9 -> -3
        (127, 10, 12),  # 12.7 -> 12 (the user guide's example)
        (3, 20, 1),  # 0.6 -> 1
        (3, -20, -1),  # -0.6 -> -1
        (0, 50, 0),
        (10, 0, 0),
    ],
)
def test_percent_change_rounds_as_documented(capacity: int, percent: int, expected: int) -> None:
    assert percent_change(capacity, percent, None) == expected


def test_min_adjustment_magnitude_raises_a_small_percent_step() -> None:
    assert percent_change(4, 25, 2) == 2  # the API reference's example: 25 % of 4 is 1, at least 2
    assert percent_change(20, 25, 2) == 5  # already larger
    assert percent_change(4, -25, 2) == -2
    assert percent_change(4, 0, 2) == 0  # a zero step stays zero


def test_the_user_guides_percent_example() -> None:
    """Capacity 10, both alarms at 50: 60 -> 11 (+10 %), 70 -> 14 (+30 % of 11), 40 -> 13, 30 -> 10 (no cooldowns)."""
    out = StepAlarm(True, 50, 1, "percent", (Step(0, 10, 0), Step(10, 20, 10), Step(20, INF, 30)), 0)
    scale_in = StepAlarm(False, 50, 1, "percent", (Step(-10, 0, 0), Step(-20, -10, -10), Step(-INF, -20, -30)), 0)
    policy = StepScaling(out, scale_in, min_tasks=1, max_tasks=100)
    _, decisions = _feed(StepScalerState(desired=10), [55, 60, 70, 45, 40, 30], policy=policy)
    assert [(d.from_tasks, d.to_tasks) for _, d in decisions] == [(10, 11), (11, 14), (14, 13), (13, 10)]


def test_exact_capacity_sets_the_count_and_only_moves_it_the_policys_way() -> None:
    out = StepAlarm(True, 70, 2, "exact", (Step(0, 20, 6), Step(20, INF, 12)), 300)
    scale_in = StepAlarm(False, 30, 2, "exact", (Step(-INF, 0, 3),), 300)
    policy = StepScaling(out, scale_in, min_tasks=2, max_tasks=20)
    _, decisions = _feed(StepScalerState(desired=4), [95, 95], policy=policy)
    assert _changes(decisions) == [(60.0, 4, 12)]
    _, decisions = _feed(StepScalerState(desired=8), [80, 80], policy=policy)  # 6 is below 8: a scale-out policy
    assert decisions == []
    _, decisions = _feed(StepScalerState(desired=8), [10, 10], policy=policy)
    assert _changes(decisions) == [(60.0, 8, 3)]
    _, decisions = _feed(StepScalerState(desired=2), [10, 10], policy=policy)  # 3 is above 2: a scale-in policy
    assert decisions == []


def test_scale_out_cooldown_counts_added_capacity_so_only_a_larger_step_adds() -> None:
    out = StepAlarm(True, 70, 1, "change", (Step(0, 20, 2), Step(20, INF, 3)), 300)
    policy = StepScaling(out, None, min_tasks=1, max_tasks=50)
    state, decisions = _feed(StepScalerState(desired=10), [80], policy=policy)
    assert _changes(decisions) == [(0.0, 10, 12)]
    # The alarm stays in ALARM: the same step again inside the cooldown adds nothing (10 + 2 is 12).
    state, decisions = _feed(state, [80, 80], start=60.0, policy=policy)
    assert decisions == []
    # A larger step inside the cooldown: the 2 added count toward its 3, so 1 more (the user guide's example).
    state, decisions = _feed(state, [95], start=180.0, policy=policy)
    assert _changes(decisions) == [(180.0, 12, 13)]
    assert "during cooldown" in decisions[0][1].reason
    # Its cooldown runs from 180 s; at 480 s the alarm, still in ALARM, adds a full step to the current count.
    state, decisions = _feed(state, [80] * 6, start=240.0, policy=policy)
    assert _changes(decisions) == [(480.0, 13, 15)]


def test_scale_in_waits_for_its_cooldown() -> None:
    _, decisions = _feed(StepScalerState(desired=10), [25.0] * 20)
    assert [now for now, _ in decisions] == [240.0, 540.0, 840.0, 1140.0]  # every 300 s while in ALARM
    assert [d.to_tasks for _, d in decisions] == [9, 8, 7, 6]


def test_a_scale_out_interrupts_the_scale_in_cooldown() -> None:
    slow_in = StepAlarm(False, 30, 5, "change", IN.steps, cooldown_s=1_000)
    policy = StepScaling(OUT, slow_in, min_tasks=2, max_tasks=20)
    state, decisions = _feed(StepScalerState(desired=10), [25.0] * 5, policy=policy)
    assert _changes(decisions) == [(240.0, 10, 9)]  # scale-in cooldown until 1,240 s
    state, decisions = _feed(state, [80, 80, 80], start=300.0, policy=policy)
    assert _changes(decisions) == [(420.0, 9, 10)]
    # The scale-out ended the scale-in cooldown: the next five low datapoints scale in at once (720 s < 1,240 s).
    state, decisions = _feed(state, [25.0] * 5, start=480.0, policy=policy)
    assert _changes(decisions) == [(720.0, 10, 9)]
    # Without a scale-out in between, the cooldown holds: five more low datapoints do nothing before 1,720 s.
    _, decisions = _feed(state, [25.0] * 10, start=780.0, policy=policy)
    assert decisions == []


def test_scale_in_only_when_the_policy_has_one() -> None:
    policy = StepScaling(OUT, None, min_tasks=2, max_tasks=20)
    _, decisions = _feed(StepScalerState(desired=10), [5.0] * 30, policy=policy)
    assert decisions == []


def test_built_from_the_profile() -> None:
    profile = parse_profile("""
version: 1
name: a
traffic: {mean_rps: 1}
fargate:
  min_tasks: 2
  max_tasks: 9
  scaling:
    policy: step
    scale_out: {threshold: 70, steps: [{lower: 0, upper: 20, change: 1}, {lower: 20, change: 3}]}
    scale_in: {threshold: 30, datapoints: 5, steps: [{upper: 0, lower: -10, change: -1}, {upper: -10, change: -2}]}
""")
    policy = StepScaling.from_profile(profile.fargate)
    assert policy == StepScaling(OUT, IN, min_tasks=2, max_tasks=9)
    assert policy.window == 5
