"""Target tracking as Application Auto Scaling documents it: alarms, proportional proposals, cooldowns."""

from __future__ import annotations

import doctest
import itertools

import archsel.sim.fargate.autoscaling as autoscaling
import archsel.sim.fargate.timeline as timeline
from archsel.sim.fargate.autoscaling import ScalerState, ScalingDecision, TargetTracking, observe

POLICY = TargetTracking(
    target=50, scale_out_datapoints=3, scale_in_datapoints=15, scale_out_cooldown_s=300, scale_in_cooldown_s=300,
    min_tasks=2, max_tasks=20,
)  # fmt: skip


def _feed(
    state: ScalerState, values: list[float | None], start: float = 0.0
) -> tuple[ScalerState, list[tuple[float, ScalingDecision]]]:
    decisions = []
    for minute, value in enumerate(values):
        now = start + 60.0 * minute
        state, decision = observe(POLICY, state, value, now)
        if decision is not None:
            decisions.append((now, decision))
    return state, decisions


def test_doctests() -> None:
    assert doctest.testmod(autoscaling).failed == 0
    assert doctest.testmod(timeline).failed == 0


def test_scale_out_needs_consecutive_high_datapoints() -> None:
    _, decisions = _feed(ScalerState(desired=4), [80, 80, 40, 80, 80])
    assert decisions == []
    _, decisions = _feed(ScalerState(desired=4), [80, 80, 80])
    assert [(now, d.from_tasks, d.to_tasks) for now, d in decisions] == [(120.0, 4, 7)]  # ceil(4 x 80 / 50)


def test_missing_data_breaks_the_alarm() -> None:
    _, decisions = _feed(ScalerState(desired=4), [80, 80, None, 80, 80])
    assert decisions == []


def test_proposal_stays_within_min_and_max() -> None:
    _, decisions = _feed(ScalerState(desired=15), [100, 100, 100])
    assert decisions[0][1].to_tasks == POLICY.max_tasks
    _, decisions = _feed(ScalerState(desired=3), [1.0] * 15)
    assert decisions[0][1].to_tasks == POLICY.min_tasks


def test_scale_out_cooldown_counts_added_capacity_and_allows_a_larger_scale_out() -> None:
    state, decisions = _feed(ScalerState(desired=4), [80, 80, 80])
    assert decisions[-1][1].to_tasks == 7
    # Still 80 a minute later: the proposal from the pre-scale-out capacity (4) is 7 again, nothing more.
    state, decisions = _feed(state, [80], start=180.0)
    assert decisions == []
    # A higher metric inside the cooldown gives a larger proposal from the same base: ceil(4 x 100 / 50) = 8.
    state, decisions = _feed(state, [100], start=240.0)
    assert [(now, d.from_tasks, d.to_tasks) for now, d in decisions] == [(240.0, 7, 8)]
    assert "during cooldown" in decisions[0][1].reason
    # After the cooldown the current capacity is the base again: ceil(8 x 80 / 50) = 13.
    _, decisions = _feed(state, [80], start=540.0)
    assert [(d.from_tasks, d.to_tasks) for _, d in decisions] == [(8, 13)]


def test_scale_in_needs_fifteen_low_datapoints_below_ninety_percent_of_target() -> None:
    _, decisions = _feed(ScalerState(desired=10), [44.0] * 14)
    assert decisions == []
    _, decisions = _feed(ScalerState(desired=10), [46.0] * 30)  # below target, above 90 % of it
    assert decisions == []
    _, decisions = _feed(ScalerState(desired=10), [44.0] * 15)
    assert [(now, d.to_tasks) for now, d in decisions] == [(14 * 60.0, 9)]  # ceil(10 x 44 / 50)


def test_scale_in_waits_for_its_cooldown() -> None:
    _, decisions = _feed(ScalerState(desired=10), [20.0] * 30)
    times = [now for now, _ in decisions]
    assert times[0] == 14 * 60.0
    assert all(later - earlier >= 300.0 for earlier, later in itertools.pairwise(times))
    assert [d.to_tasks for _, d in decisions] == [4, 2]  # ceil(10 x 20 / 50), then min


def test_scale_out_interrupts_the_scale_in_cooldown() -> None:
    state, decisions = _feed(ScalerState(desired=10), [20.0] * 15)
    assert decisions[-1][1].to_tasks == 4
    state, decisions = _feed(state, [90.0, 90.0, 90.0], start=15 * 60.0)
    assert [(now, d.from_tasks, d.to_tasks) for now, d in decisions] == [(17 * 60.0, 4, 8)]
    assert state.scale_in_until <= 17 * 60.0
