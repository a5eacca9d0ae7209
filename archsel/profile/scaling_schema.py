"""The profile's fargate.scaling section: target tracking, or step scaling with its alarms and step rules."""

from __future__ import annotations

import itertools
import math
from typing import Literal

from pydantic import Field, model_validator

from archsel.profile.schema_base import Frozen


class ScalingStep(Frozen):
    """One step adjustment: a band of the metric, as offsets from its alarm's threshold, and the change there.

    Above the threshold the lower bound is inclusive and the upper exclusive; below it the reverse
    (Application Auto Scaling user guide, step adjustments).
    """

    lower: float | None = Field(
        default=None, description="Lower bound of the band: offset from the threshold; null = minus infinity."
    )
    upper: float | None = Field(
        default=None, description="Upper bound of the band: offset from the threshold; null = plus infinity."
    )
    change: int = Field(
        description="change: tasks to add (negative: remove); percent: percent of the current count; exact: the count to set."
    )


AdjustmentKind = Literal["change", "percent", "exact"]


class StepPolicy(Frozen):
    """A CloudWatch alarm on the scaling metric and the step scaling policy it invokes."""

    threshold: float = Field(
        gt=0, description="Alarm threshold, in the metric's unit (CPU percent or requests per target per minute)."
    )
    datapoints: int = Field(
        default=3,
        ge=1,
        description="Consecutive breaching datapoints that put the alarm in ALARM (3, as target tracking's AlarmHigh; EvaluationPeriods = DatapointsToAlarm).",
    )
    adjustment: AdjustmentKind = Field(
        default="change",
        description="How a step's change reads: change (ChangeInCapacity), percent (PercentChangeInCapacity) or exact (ExactCapacity).",
    )
    steps: tuple[ScalingStep, ...] = Field(
        min_length=1, description="Step adjustments; bands may not overlap or leave a gap, and end unbounded."
    )
    cooldown_s: float = Field(default=300, ge=0, description="Policy cooldown, s (App Auto Scaling default 300).")
    min_adjustment_magnitude: int | None = Field(
        default=None, ge=1, description="Least tasks a percent step adds or removes (percent only); null = none."
    )
    aggregation: Literal["average", "minimum", "maximum"] = Field(
        default="average",
        description="MetricAggregationType: how the alarm's datapoints combine into the value that picks a step.",
    )

    def _check_steps(self, direction: Literal["scale_out", "scale_in"]) -> None:
        """Application Auto Scaling's step rules, for an alarm above (scale_out) or below (scale_in) its threshold."""
        for step in self.steps:
            _check_step_bounds(step)
            _check_change(direction, self.adjustment, step.change)
        bands = _ascending_bands(self.steps)
        _check_contiguous(bands)
        if direction == "scale_out":
            _check_scale_out_ends(bands)
        else:
            _check_scale_in_ends(bands)
        if self.min_adjustment_magnitude is not None and self.adjustment != "percent":
            raise ValueError(
                f"min_adjustment_magnitude applies to adjustment: percent only (got adjustment {self.adjustment})"
            )


Band = tuple[float, float]
"""A step's band as (lower, upper) offsets from the threshold; an open end is minus or plus infinity."""


def _check_step_bounds(step: ScalingStep) -> None:
    if step.lower is None and step.upper is None:
        raise ValueError("a step needs a lower or an upper bound (both are null)")
    if step.lower is not None and step.upper is not None and step.lower >= step.upper:
        raise ValueError(f"a step's lower must be below its upper (got lower {step.lower:g}, upper {step.upper:g})")


def _ascending_bands(steps: tuple[ScalingStep, ...]) -> list[Band]:
    """The steps' bands from the lowest to the highest, open ends as infinities."""
    return sorted((-math.inf if s.lower is None else s.lower, math.inf if s.upper is None else s.upper) for s in steps)


def _check_contiguous(bands: list[Band]) -> None:
    """Bands sorted from the lowest must meet end to end: no overlap and no gap."""
    for (low, high), (next_low, next_high) in itertools.pairwise(bands):
        if high > next_low:
            raise ValueError(f"steps overlap: {_band(low, high)} and {_band(next_low, next_high)}")
        if high < next_low:
            raise ValueError(f"steps leave a gap between {high:g} and {next_low:g}")


def _check_scale_out_ends(bands: list[Band]) -> None:
    """Scale-out bands start at the threshold (lower 0) and the highest is unbounded above."""
    (near_low, near_high), (far_low, far_high) = bands[0], bands[-1]
    if near_low != 0:
        raise ValueError(
            f"the first scale_out step starts at the threshold, lower: 0 (got {_band(near_low, near_high)})"
        )
    if not math.isinf(far_high):
        raise ValueError(f"the last scale_out step has no upper bound, upper: null (got {_band(far_low, far_high)})")


def _check_scale_in_ends(bands: list[Band]) -> None:
    """Scale-in bands start at the threshold (upper 0) and the lowest is unbounded below."""
    (near_low, near_high), (far_low, far_high) = bands[-1], bands[0]
    if near_high != 0:
        raise ValueError(
            f"the first scale_in step starts at the threshold, upper: 0 (got {_band(near_low, near_high)})"
        )
    if not math.isinf(far_low):
        raise ValueError(f"the last scale_in step has no lower bound, lower: null (got {_band(far_low, far_high)})")


def _band(low: float, high: float) -> str:
    return f"[{'null' if math.isinf(low) else f'{low:g}'}, {'null' if math.isinf(high) else f'{high:g}'}]"


def _check_change(direction: str, adjustment: str, change: int) -> None:
    if adjustment == "exact":
        if change < 0:
            raise ValueError(f"an exact step sets a task count, at least 0 (got change {change})")
    elif direction == "scale_out" and change < 0:
        raise ValueError(f"a scale_out step adds tasks: change >= 0 (got {change})")
    elif direction == "scale_in" and change > 0:
        raise ValueError(f"a scale_in step removes tasks: change <= 0, e.g. -1 (got {change})")
    elif adjustment == "percent" and change < -100:
        raise ValueError(f"a percent step removes at most 100% (got change {change})")


class StepScaleOut(StepPolicy):
    """Scale-out alarm (metric above the threshold for `datapoints` periods in a row) and its steps (offsets >= 0)."""

    @model_validator(mode="after")
    def _check(self) -> StepScaleOut:
        self._check_steps("scale_out")
        return self


class StepScaleIn(StepPolicy):
    """Scale-in alarm (metric below the threshold for `datapoints` periods in a row) and its steps (offsets <= 0)."""

    datapoints: int = Field(
        default=15,
        ge=1,
        description="Consecutive breaching datapoints that put the alarm in ALARM (15, as target tracking's AlarmLow).",
    )

    @model_validator(mode="after")
    def _check(self) -> StepScaleIn:
        self._check_steps("scale_in")
        return self


class Scaling(Frozen):
    """Autoscaling (Application Auto Scaling): target tracking, or step scaling on your own alarms. Defaults: ECS service auto scaling docs."""

    metric: Literal["cpu", "requests"] = Field(
        default="cpu",
        description="cpu: ECSServiceAverageCPUUtilization; requests: ALBRequestCountPerTarget (per minute).",
    )
    target: float = Field(default=60, gt=0, description="Target value: CPU percent, or requests per target per minute.")
    scale_out_cooldown_s: float = Field(default=300, ge=0, description="Scale-out cooldown, s (ECS default 300).")
    scale_in_cooldown_s: float = Field(default=300, ge=0, description="Scale-in cooldown, s (ECS default 300).")
    metric_period_s: Literal[20, 60] = Field(
        default=60, description="Metric period: 60 s, or 20 s high-resolution (since 2026-06; CPU metric only)."
    )
    scale_out_datapoints: int = Field(default=3, ge=1, description="Periods above target before scaling out (3).")
    scale_in_datapoints: int = Field(
        default=15, ge=1, description="Periods below 90% of target before scaling in (15)."
    )
    policy: Literal["target_tracking", "step"] = Field(
        default="target_tracking",
        description="target_tracking (the fields above) or step: scale_out and scale_in alarms with step adjustments (target, cooldowns and datapoints above are then unused).",
    )
    scale_out: StepScaleOut | None = Field(default=None, description="Step scaling: the scale-out alarm and steps.")
    scale_in: StepScaleIn | None = Field(
        default=None, description="Step scaling: the scale-in alarm and steps; null = never scale in."
    )

    @model_validator(mode="after")
    def _check_target(self) -> Scaling:
        if self.metric == "cpu" and self.target > 100:
            raise ValueError(f"a CPU target is a percent, at most 100 (got {self.target})")
        if self.metric == "requests" and self.metric_period_s == 20:
            # High-resolution (20-s) metrics exist for ECS CPU and memory only; the ALB publishes per minute.
            raise ValueError(
                "metric_period_s 20 applies to metric cpu only: ALBRequestCountPerTarget is published per minute "
                "(use metric_period_s: 60, or metric: cpu)"
            )
        if self.policy == "target_tracking" and (self.scale_out or self.scale_in):
            raise ValueError("scale_out and scale_in apply to policy: step (got policy target_tracking)")
        if self.policy == "step":
            self._check_step()
        return self

    def _check_step(self) -> None:
        if self.scale_out is None:
            raise ValueError("policy step needs scale_out: {threshold, steps: [{lower: 0, change: 1}], ...}")
        alarms = [self.scale_out] + ([self.scale_in] if self.scale_in else [])
        if self.metric == "cpu" and any(alarm.threshold >= 100 for alarm in alarms):
            raise ValueError(f"a CPU threshold is a percent, below 100 (got {max(a.threshold for a in alarms):g})")
        if self.scale_in and self.scale_in.threshold > self.scale_out.threshold:
            raise ValueError(
                f"scale_in.threshold must not be above scale_out.threshold (got {self.scale_in.threshold:g} > "
                f"{self.scale_out.threshold:g}): both alarms would fire at once and the count would flap"
            )

    @property
    def holding_value(self) -> float:
        """The metric value the policy holds the fleet at when load is steady: the target, or the scale-out threshold.

        Step scaling adds tasks only above the scale-out threshold, so the fewest tasks that keep the
        metric at or below it is where a steady load settles (the warm start and the usage estimate).
        """
        return self.scale_out.threshold if self.policy == "step" and self.scale_out else self.target
