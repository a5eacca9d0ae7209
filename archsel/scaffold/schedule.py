"""Daily schedules as Application Auto Scaling scheduled actions (UTC cron): Lambda provisioned
concurrency, and the task bounds of an ECS service (fargate.schedule)."""

from __future__ import annotations

from dataclasses import dataclass

from archsel.profile.capacity_schedule import CapacitySchedule
from archsel.profile.fargate_schema import Fargate
from archsel.profile.lambda_schema import ProvisionedWindow

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, slots=True)
class ScheduledAction:
    """Set provisioned concurrency to ``count`` every day at ``hour``:``minute`` UTC."""

    name: str
    hour: int
    minute: int
    count: int

    @property
    def cron(self) -> str:
        """The Application Auto Scaling schedule expression."""
        return f"cron({self.minute} {self.hour} * * ? *)"


@dataclass(frozen=True, slots=True)
class ProvisionedPlan:
    """Provisioned concurrency as deployed: a constant count on the alias, or daily scheduled actions."""

    constant: int
    actions: tuple[ScheduledAction, ...]


def provisioned_schedule(provisioned: int | tuple[ProvisionedWindow, ...], notes: list[str]) -> ProvisionedPlan:
    """One action at each clock time where the provisioned count changes; a constant when it never does.

    Where windows overlap the larger count holds (the profile's `max_provisioned` reading).

    >>> from archsel.profile.lambda_schema import ProvisionedWindow as W
    >>> plan = provisioned_schedule((W(**{"from": "08:00", "to": "20:00", "count": 10}),), [])
    >>> plan.constant, [(a.hour, a.minute, a.count) for a in plan.actions]
    (0, [(8, 0, 10), (20, 0, 0)])
    """
    if isinstance(provisioned, int):
        return ProvisionedPlan(provisioned, ())
    minutes = {_minute_of(window.from_, notes) for window in provisioned} | {
        _minute_of(w.to, notes) for w in provisioned
    }
    boundaries = sorted(minutes)
    counts = [_count_at(boundary, provisioned, notes) for boundary in boundaries]
    actions = []
    for index, boundary in enumerate(boundaries):
        if counts[index] != counts[index - 1]:
            hour, minute = divmod(boundary, 60)
            actions.append(ScheduledAction(f"provisioned-{hour:02d}{minute:02d}", hour, minute, counts[index]))
    if not actions:  # every boundary keeps the same count: that count holds all day
        return ProvisionedPlan(counts[0] if counts else 0, ())
    return ProvisionedPlan(0, tuple(actions))


def _minute_of(clock_s: float, notes: list[str], what: str = "provisioned-concurrency windows") -> int:
    """Minute of the day (cron has no seconds: round down and say so)."""
    if clock_s % 60:
        note = f"{what} are rounded down to whole minutes (cron has no seconds)"
        if note not in notes:
            notes.append(note)
    return int(clock_s // 60)


def _count_at(minute: int, windows: tuple[ProvisionedWindow, ...], notes: list[str]) -> int:
    """Provisioned count from ``minute`` until the next boundary: the largest window covering it."""
    return max((w.count for w in windows if _covers(w, minute, notes)), default=0)


def _covers(window: ProvisionedWindow, minute: int, notes: list[str]) -> bool:
    start, end = _minute_of(window.from_, notes), _minute_of(window.to, notes)
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end  # wraps midnight


@dataclass(frozen=True, slots=True)
class TaskBoundsAction:
    """Set the service's task bounds to [``min_tasks``, ``max_tasks``] every day at ``hour``:``minute`` UTC."""

    name: str
    hour: int
    minute: int
    min_tasks: int
    max_tasks: int

    @property
    def cron(self) -> str:
        """The Application Auto Scaling schedule expression."""
        return f"cron({self.minute} {self.hour} * * ? *)"


def task_bounds_schedule(fargate: Fargate, notes: list[str]) -> tuple[TaskBoundsAction, ...]:
    """One action at each window edge where the bounds change, setting both bounds as the simulation does.

    The action at a window's start sets its bounds (the base one where it gives none); the action
    at its end restores the base bounds, or sets the next window's when one starts there.

    >>> from archsel.profile.fargate_schema import Fargate
    >>> fargate = Fargate(min_tasks=2, max_tasks=20, schedule=[{"from": "08:00", "to": "20:00", "min_tasks": 6}])
    >>> [(a.cron, a.min_tasks, a.max_tasks) for a in task_bounds_schedule(fargate, [])]
    [('cron(0 8 * * ? *)', 6, 20), ('cron(0 20 * * ? *)', 2, 20)]
    """
    by_minute: dict[int, TaskBoundsAction] = {}
    for change in CapacitySchedule.from_profile(fargate).changes(0.0, SECONDS_PER_DAY):
        hour, minute = divmod(_minute_of(change.time_s, notes, "fargate.schedule windows"), 60)
        after = change.after
        # Two edges in one minute (seconds apart) become one action: the later bounds hold.
        by_minute[hour * 60 + minute] = TaskBoundsAction(
            f"tasks-{hour:02d}{minute:02d}", hour, minute, after.min_tasks, after.max_tasks
        )
    return tuple(by_minute[key] for key in sorted(by_minute))
