"""Which base min_tasks values recommend's tuning tries, with and without a fargate.schedule."""

from __future__ import annotations

import pytest

from archsel.profile.fargate_schema import Fargate
from archsel.profile.loader import parse_profile
from archsel.recommend.tuning import min_tasks_range


def fargate(text: str) -> Fargate:
    return parse_profile(f"version: 1\nname: a\ntraffic: {{mean_rps: 1}}\nfargate: {text}\n").fargate


def test_without_a_schedule_every_count_above_min_up_to_max() -> None:
    assert min_tasks_range(fargate("{min_tasks: 2, max_tasks: 12}")) == (3, 12)
    assert min_tasks_range(fargate("{min_tasks: 5, max_tasks: 5}")) is None


def test_a_window_that_keeps_the_base_min_caps_it_with_its_max() -> None:
    night = "{min_tasks: 1, max_tasks: 20, schedule: [{from: '22:00', to: '06:00', max_tasks: 4}]}"
    assert min_tasks_range(fargate(night)) == (2, 4)


def test_windows_with_their_own_min_do_not_cap_the_base_min() -> None:
    day = "{min_tasks: 1, max_tasks: 20, schedule: [{from: '08:00', to: '20:00', min_tasks: 6, max_tasks: 8}]}"
    assert min_tasks_range(fargate(day)) == (2, 20)


@pytest.mark.parametrize(
    "windows",
    [
        "[{from: '00:00', to: '12:00', min_tasks: 3}, {from: '12:00', to: '00:00', min_tasks: 2}]",
        "[{from: '06:00', to: '18:00', min_tasks: 3}, {from: '18:00', to: '06:00', min_tasks: 1}]",
    ],
)
def test_nothing_to_tune_when_windows_with_their_own_min_cover_the_day(windows: str) -> None:
    assert min_tasks_range(fargate(f"{{min_tasks: 1, max_tasks: 20, schedule: {windows}}}")) is None
