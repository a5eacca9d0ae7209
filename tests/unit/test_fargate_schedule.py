"""Scheduled task bounds: which bounds hold at a time, and every change over horizons of several days."""

from __future__ import annotations

import doctest
import itertools

import pytest

import archsel.profile.capacity_schedule as fargate_schedule
from archsel.profile.capacity_schedule import Bounds, BoundsChange, CapacitySchedule
from archsel.profile.fargate_schema import ScheduledCapacity

HOUR, DAY = 3_600.0, 86_400.0
BASE = Bounds(2, 20)


def window(start: str, end: str, min_tasks: int | None = None, max_tasks: int | None = None) -> ScheduledCapacity:
    return ScheduledCapacity.model_validate({"from": start, "to": end, "min_tasks": min_tasks, "max_tasks": max_tasks})


DAYTIME = CapacitySchedule(BASE, (window("08:00", "20:00", min_tasks=6, max_tasks=40),))
NIGHT = CapacitySchedule(BASE, (window("22:00", "06:00", max_tasks=4),))


def test_doctests() -> None:
    assert doctest.testmod(fargate_schedule).failed == 0


def test_no_window_means_the_base_bounds_all_the_time() -> None:
    schedule = CapacitySchedule(BASE)
    assert {schedule.bounds_at(t) for t in (0.0, 12 * HOUR, -600.0, 5 * DAY + 1)} == {BASE}
    assert schedule.changes(-600.0, 7 * DAY) == ()
    assert schedule.day_segments() == ((DAY, BASE),)


def test_a_window_holds_from_its_start_up_to_but_not_at_its_end() -> None:
    assert DAYTIME.bounds_at(8 * HOUR - 1) == BASE
    assert DAYTIME.bounds_at(8 * HOUR) == Bounds(6, 40)
    assert DAYTIME.bounds_at(20 * HOUR - 1) == Bounds(6, 40)
    assert DAYTIME.bounds_at(20 * HOUR) == BASE


def test_a_bound_the_window_does_not_give_stays_the_base_one() -> None:
    only_min = CapacitySchedule(BASE, (window("08:00", "20:00", min_tasks=5),))
    assert only_min.bounds_at(12 * HOUR) == Bounds(5, BASE.max_tasks)
    assert NIGHT.bounds_at(23 * HOUR) == Bounds(BASE.min_tasks, 4)


def test_a_window_ending_before_it_starts_wraps_midnight() -> None:
    for clock in (22 * HOUR, 23.5 * HOUR, 0.0, 5 * HOUR):
        assert NIGHT.bounds_at(clock) == Bounds(2, 4), clock
    for clock in (6 * HOUR, 12 * HOUR, 22 * HOUR - 1):
        assert NIGHT.bounds_at(clock) == BASE, clock
    # The warm-up before time 0 is the end of the previous day; day 3 repeats day 1.
    assert NIGHT.bounds_at(-600.0) == Bounds(2, 4)
    assert NIGHT.bounds_at(2 * DAY + 3 * HOUR) == Bounds(2, 4)


def test_changes_repeat_every_day_over_a_multi_day_horizon() -> None:
    changes = DAYTIME.changes(0.0, 3 * DAY)
    assert [c.time_s for c in changes] == [day * DAY + hour * HOUR for day in range(3) for hour in (8, 20)]
    assert [c.after for c in changes] == [Bounds(6, 40), BASE] * 3
    assert all(change.before == previous.after for previous, change in itertools.pairwise(changes))


def test_changes_cover_start_inclusive_and_end_exclusive() -> None:
    assert [c.time_s for c in DAYTIME.changes(8 * HOUR, 20 * HOUR)] == [8 * HOUR]
    assert [c.time_s for c in DAYTIME.changes(8 * HOUR + 1, 20 * HOUR + 1)] == [20 * HOUR]


def test_changes_from_a_negative_start_include_the_previous_day_edges() -> None:
    changes = NIGHT.changes(-3 * HOUR, 7 * HOUR)  # 21:00 the day before to 07:00
    assert [(c.time_s, c.before, c.after) for c in changes] == [
        (-2 * HOUR, BASE, Bounds(2, 4)),
        (6 * HOUR, Bounds(2, 4), BASE),
    ]


def test_windows_meeting_with_equal_bounds_make_no_change_at_the_join() -> None:
    joined = CapacitySchedule(BASE, (window("08:00", "12:00", min_tasks=6), window("12:00", "18:00", min_tasks=6)))
    assert [c.time_s for c in joined.changes(0.0, DAY)] == [8 * HOUR, 18 * HOUR]
    stepped = CapacitySchedule(BASE, (window("08:00", "12:00", min_tasks=6), window("12:00", "18:00", max_tasks=3)))
    assert [(c.time_s, c.before, c.after) for c in stepped.changes(0.0, DAY)] == [
        (8 * HOUR, BASE, Bounds(6, 20)),
        (12 * HOUR, Bounds(6, 20), Bounds(2, 3)),
        (18 * HOUR, Bounds(2, 3), BASE),
    ]


def test_day_segments_span_the_day_in_order() -> None:
    segments = NIGHT.day_segments()
    assert sum(seconds for seconds, _ in segments) == DAY
    assert [(seconds / HOUR, bounds) for seconds, bounds in segments] == [
        (6.0, Bounds(2, 4)),
        (16.0, BASE),
        (2.0, Bounds(2, 4)),
    ]


def test_the_scaling_event_reason_names_both_bounds() -> None:
    change = BoundsChange(8 * HOUR, Bounds(2, 20), Bounds(6, 40))
    assert change.reason == "scheduled action: min 2 -> 6, max 20 -> 40"


@pytest.mark.parametrize(("tasks", "kept"), [(0, 2), (2, 2), (7, 7), (20, 20), (50, 20)])
def test_clamp_keeps_a_count_within_the_bounds(tasks: int, kept: int) -> None:
    assert BASE.clamp(tasks) == kept
