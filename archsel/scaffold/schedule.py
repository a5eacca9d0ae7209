"""A daily provisioned-concurrency schedule as Application Auto Scaling scheduled actions (UTC cron)."""

from __future__ import annotations

from dataclasses import dataclass

from archsel.profile import ProvisionedWindow

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

    >>> from archsel.profile import ProvisionedWindow as W
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


def _minute_of(clock_s: float, notes: list[str]) -> int:
    """Minute of the day (cron has no seconds: round down and say so)."""
    if clock_s % 60:
        note = "provisioned-concurrency windows are rounded down to whole minutes (cron has no seconds)"
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
