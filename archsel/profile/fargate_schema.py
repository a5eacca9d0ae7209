"""The profile's fargate section: task size and bounds, ALB behaviour and scheduled capacity windows."""

from __future__ import annotations

import itertools
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from archsel.profile.distributions import Distribution
from archsel.profile.fargate_sizes import check_task_size
from archsel.profile.scaling_schema import Scaling
from archsel.profile.schema_base import ClockS, Frozen
from archsel.profile.units import SECONDS_PER_DAY, format_clock


class Alb(Frozen):
    """How clients use the ALB; sets its capacity units (LCU). Defaults: ELB docs and pricing page."""

    requests_per_connection: float = Field(
        default=5,
        ge=1,
        description="Requests a client sends over one connection (HTTP keep-alive); 1 = a new connection per request. "
        "Default 5, as in the ELB pricing page's example 1 (5 requests/s over 1 new connection/s).",
    )
    connection_duration_s: float = Field(
        default=120,
        gt=0,
        description="How long a client connection stays open, s (default 120, the ELB pricing page's example 1).",
    )
    rules_evaluated: int = Field(
        default=1,
        ge=0,
        description="Listener rules evaluated per request; the first 10 are free (ELB pricing page).",
    )


class ScheduledCapacity(Frozen):
    """Task bounds that replace fargate.min_tasks/max_tasks between two clock times each day (scheduled actions)."""

    from_: ClockS = Field(alias="from", description="Start, clock time UTC.")
    to: ClockS = Field(description="End, clock time UTC (may be earlier than from: wraps midnight).")
    min_tasks: int | None = Field(
        default=None, ge=0, description="Minimum tasks during the window; null = fargate.min_tasks."
    )
    max_tasks: int | None = Field(
        default=None, ge=1, description="Maximum tasks during the window; null = fargate.max_tasks."
    )

    @model_validator(mode="after")
    def _check_window(self) -> ScheduledCapacity:
        if self.min_tasks is None and self.max_tasks is None:
            raise ValueError("a scheduled window needs min_tasks, max_tasks or both")
        if self.from_ == self.to:
            raise ValueError(f"from and to are the same time ({_hh_mm(self.to)}): the window is empty")
        return self

    @property
    def label(self) -> str:
        """The window as written, e.g. '08:00-20:00'."""
        return f"{_hh_mm(self.from_)}-{_hh_mm(self.to)}"

    def covers(self, clock_s: float) -> bool:
        """Whether the window holds at ``clock_s`` seconds after midnight UTC (from inclusive, to exclusive)."""
        if self.from_ <= self.to:
            return self.from_ <= clock_s < self.to
        return clock_s >= self.from_ or clock_s < self.to  # wraps midnight


def _hh_mm(clock_s: float) -> str:
    return format_clock(clock_s).removesuffix(":00")  # "08:00:00" -> "08:00"; "08:00:30" stays


def _check_schedule(windows: tuple[ScheduledCapacity, ...], base_min: int, base_max: int) -> None:
    """Bounds in effect in every window keep min <= max, and no two windows of one day overlap."""
    for index, window in enumerate(windows):
        low = base_min if window.min_tasks is None else window.min_tasks
        high = base_max if window.max_tasks is None else window.max_tasks
        if low > high:
            low_from = "" if window.min_tasks is not None else " (from fargate.min_tasks)"
            high_from = "" if window.max_tasks is not None else " (from fargate.max_tasks)"
            raise ValueError(
                f"window [{index}] ({window.label}): min_tasks {low}{low_from} must be <= "
                f"max_tasks {high}{high_from} during the window"
            )
    for first, second in itertools.combinations(range(len(windows)), 2):
        if _overlap(windows[first], windows[second]):
            raise ValueError(
                f"windows [{first}] ({windows[first].label}) and [{second}] ({windows[second].label}) overlap; "
                "windows of one day must not overlap (one may end where the next starts)"
            )


def _day_spans(window: ScheduledCapacity) -> tuple[tuple[float, float], ...]:
    """The window as spans [start, end) within one day (two when it wraps midnight)."""
    if window.from_ <= window.to:
        return ((window.from_, window.to),)
    return ((window.from_, SECONDS_PER_DAY), (0.0, window.to))


def _overlap(first: ScheduledCapacity, second: ScheduledCapacity) -> bool:
    return any(a < d and c < b for a, b in _day_spans(first) for c, d in _day_spans(second))


class Fargate(Frozen):
    """ALB + ECS on Fargate settings. Defaults: the ECS, Fargate and ALB documentation."""

    vcpu: float = Field(default=0.5, description="Task vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16.")
    memory_gb: float = Field(default=1, gt=0, description="Task memory, GB (valid sizes depend on vcpu).")
    architecture: Literal["arm64", "x86_64"] = Field(default="x86_64", description="CPU architecture.")
    concurrency_per_task: int = Field(
        default=50, ge=1, description="Requests one task serves at once; more wait in its queue."
    )
    queue_limit: int | None = Field(
        default=None,
        ge=0,
        description="Requests a task may hold waiting; beyond it the ALB gets a 503. null = unbounded.",
    )
    min_tasks: int = Field(
        default=1,
        ge=0,
        description="Minimum tasks. A simulation starts warm: with the tasks the policy would hold for the first minute's load, within [min_tasks, max_tasks].",
    )
    max_tasks: int = Field(default=20, ge=1, description="Maximum tasks.")
    scaling: Scaling = Field(default=Scaling(), description="Autoscaling policy (target tracking or step).")
    schedule: tuple[ScheduledCapacity, ...] = Field(
        default=(),
        description="Scheduled scaling: daily windows (UTC, not overlapping) with their own min_tasks/max_tasks; outside them min_tasks/max_tasks apply.",
    )
    task_start_s: Distribution = Field(
        default=Distribution(distribution="uniform", min=30, max=90),
        description="Launch to running (ENI, image pull, app start), s. Default uniform 30-90 (a 413 MB image measured 53-62 s, 2024).",
    )
    health_check_interval_s: float = Field(
        default=30, gt=0, description="ALB health-check interval (30 s default); a new task must pass one check."
    )
    deregistration_delay_s: float = Field(
        default=300, ge=0, le=3_600, description="ALB deregistration delay (300 s default)."
    )
    load_balancing: Literal["least_outstanding", "round_robin", "weighted_random"] = Field(
        default="least_outstanding",
        description="ALB routing algorithm (target group load_balancing.algorithm.type); weighted_random "
        "spreads requests at random, evenly over healthy tasks (their weights are equal).",
    )
    ephemeral_storage_gb: int = Field(
        default=20, ge=20, le=200, description="Task ephemeral storage, GB; above 20 is billed."
    )
    spot: bool | float = Field(
        default=False, description="Fargate Spot: false, true (all tasks) or the share of tasks on Spot (0-1)."
    )
    spot_interruptions_per_task_hour: float = Field(
        default=0.005, ge=0, description="Spot interruption rate (two-minute notice)."
    )
    nat_gateway: bool = Field(
        default=False,
        description="Tasks in private subnets behind a NAT gateway (else public subnets with public IPs).",
    )
    vcpu_quota: float = Field(
        default=4_000, gt=0, description="Regional Fargate On-Demand vCPU quota (new accounts start at 6)."
    )
    alb: Alb = Field(default=Alb(), description="ALB connection behaviour (for its LCU charge).")

    @field_validator("schedule")
    @classmethod
    def _check_schedule(
        cls, schedule: tuple[ScheduledCapacity, ...], info: ValidationInfo
    ) -> tuple[ScheduledCapacity, ...]:
        # Fields validate in order: the base bounds are in info.data unless they were invalid themselves.
        if "min_tasks" in info.data and "max_tasks" in info.data:
            _check_schedule(schedule, info.data["min_tasks"], info.data["max_tasks"])
        return schedule

    @model_validator(mode="after")
    def _check_size_and_bounds(self) -> Fargate:
        check_task_size(self.vcpu, self.memory_gb)
        if self.min_tasks > self.max_tasks:
            raise ValueError(f"min_tasks must be <= max_tasks (got {self.min_tasks} > {self.max_tasks})")
        if isinstance(self.spot, float) and not 0 <= self.spot <= 1:
            raise ValueError(f"spot as a share must be within 0-1 (got {self.spot})")
        return self

    @property
    def spot_share(self) -> float:
        """Share of tasks on Fargate Spot (0 to 1)."""
        if isinstance(self.spot, bool):
            return 1.0 if self.spot else 0.0
        return float(self.spot)
