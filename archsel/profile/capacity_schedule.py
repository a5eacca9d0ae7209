"""Scheduled scaling of an ECS service: the task bounds [min, max] in force at any time, and when they change.

Application Auto Scaling scheduled actions set a scalable target's MinCapacity and MaxCapacity at
given times; "if current capacity is less than the specified minimum capacity, Application Auto
Scaling scales out to the specified minimum capacity; if current capacity is greater than the
specified maximum capacity, it scales in to the specified maximum capacity", and other policies
(target tracking) keep working inside the new bounds
(https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html);
the desired count never leaves the scalable target's [min, max].

The profile's ``fargate.schedule`` lists daily windows (UTC clock times, ``to`` before ``from``
wraps midnight); inside a window its ``min_tasks``/``max_tasks`` replace the base bounds (a bound
it does not give stays the base one), outside every window the base bounds apply. A deployed
schedule is one scheduled action at each window edge (``archsel.scaffold.schedule``). Pure
functions: simulation time 0 is 00:00 UTC of day 1, and the windows repeat every day.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from archsel.profile.fargate_schema import Fargate, ScheduledCapacity
from archsel.profile.units import SECONDS_PER_DAY


@dataclass(frozen=True, slots=True)
class Bounds:
    """The scalable target's minimum and maximum task count."""

    min_tasks: int
    max_tasks: int

    def clamp(self, tasks: int) -> int:
        """``tasks`` kept within [min, max]."""
        return max(self.min_tasks, min(self.max_tasks, tasks))


@dataclass(frozen=True, slots=True)
class BoundsChange:
    """A scheduled action: from ``time_s`` on, the bounds are ``after`` (they were ``before``)."""

    time_s: float
    before: Bounds
    after: Bounds

    @property
    def reason(self) -> str:
        """How the scaling event log names it."""
        return (
            f"scheduled action: min {self.before.min_tasks} -> {self.after.min_tasks}, "
            f"max {self.before.max_tasks} -> {self.after.max_tasks}"
        )


@dataclass(frozen=True, slots=True)
class CapacitySchedule:
    """Base task bounds and the daily windows that replace them."""

    base: Bounds
    windows: tuple[ScheduledCapacity, ...] = ()

    @classmethod
    def from_profile(cls, fargate: Fargate) -> CapacitySchedule:
        """The schedule a profile's ``fargate`` section describes (no windows: the base bounds all day)."""
        return cls(Bounds(fargate.min_tasks, fargate.max_tasks), fargate.schedule)

    def bounds_at(self, time_s: float) -> Bounds:
        """Bounds in force at simulation time ``time_s`` (negative times are the day before).

        >>> from archsel.profile.fargate_schema import ScheduledCapacity as W
        >>> day = CapacitySchedule(Bounds(1, 10), (W(**{"from": "22:00", "to": "06:00", "max_tasks": 2}),))
        >>> day.bounds_at(0), day.bounds_at(6 * 3_600), day.bounds_at(-600)
        (Bounds(min_tasks=1, max_tasks=2), Bounds(min_tasks=1, max_tasks=10), Bounds(min_tasks=1, max_tasks=2))
        """
        clock = time_s % SECONDS_PER_DAY
        # Windows do not overlap (the profile checks it), so at most one covers the clock time.
        window = next((w for w in self.windows if w.covers(clock)), None)
        if window is None:
            return self.base
        return Bounds(
            self.base.min_tasks if window.min_tasks is None else window.min_tasks,
            self.base.max_tasks if window.max_tasks is None else window.max_tasks,
        )

    def edges(self) -> tuple[float, ...]:
        """Clock times (seconds after midnight) where a window starts or ends, sorted."""
        return tuple(sorted({w.from_ for w in self.windows} | {w.to for w in self.windows}))

    def changes(self, start_s: float, end_s: float) -> tuple[BoundsChange, ...]:
        """Every time in [start_s, end_s) where the bounds change, with the bounds before and after.

        An edge where one window ends and another with the same bounds starts is no change.

        >>> from archsel.profile.fargate_schema import ScheduledCapacity as W
        >>> day = CapacitySchedule(Bounds(1, 10), (W(**{"from": "08:00", "to": "20:00", "min_tasks": 4}),))
        >>> [(c.time_s, c.after.min_tasks) for c in day.changes(0, 2 * 86_400)]
        [(28800.0, 4), (72000.0, 1), (115200.0, 4), (158400.0, 1)]
        """
        edges = self.edges()
        found: list[BoundsChange] = []
        for day in range(math.floor(start_s / SECONDS_PER_DAY), math.ceil(end_s / SECONDS_PER_DAY) + 1):
            for index, edge in enumerate(edges):
                time_s = day * SECONDS_PER_DAY + edge
                if not start_s <= time_s < end_s:
                    continue
                previous = edges[index - 1] - (SECONDS_PER_DAY if index == 0 else 0.0)
                before = self.bounds_at(day * SECONDS_PER_DAY + (previous + edge) / 2)  # between two edges
                after = self.bounds_at(time_s)
                if after != before:
                    found.append(BoundsChange(time_s, before, after))
        return tuple(found)

    def day_segments(self) -> tuple[tuple[float, Bounds], ...]:
        """One day from 00:00 as (seconds, bounds) spans in order; one span without windows.

        >>> from archsel.profile.fargate_schema import ScheduledCapacity as W
        >>> day = CapacitySchedule(Bounds(1, 10), (W(**{"from": "20:00", "to": "08:00", "max_tasks": 3}),))
        >>> [(seconds / 3_600, bounds.max_tasks) for seconds, bounds in day.day_segments()]
        [(8.0, 3), (12.0, 10), (4.0, 3)]
        """
        cuts = sorted({0.0, *self.edges(), float(SECONDS_PER_DAY)})
        return tuple((end - start, self.bounds_at(start)) for start, end in itertools.pairwise(cuts))
