"""Application Auto Scaling step scaling as a pure state machine: datapoints in, desired count out.

Mechanism (the AWS pages below): the user owns two CloudWatch alarms on the scaling
metric. The scale-out alarm is in ALARM after ``datapoints`` consecutive datapoints above its
threshold, the scale-in alarm after ``datapoints`` consecutive datapoints below its own (an "N out of
N" alarm: EvaluationPeriods = DatapointsToAlarm). While an alarm stays in ALARM, CloudWatch invokes its
Auto Scaling action at every evaluation, not only on the state change. The policy combines the
alarm's datapoints with its MetricAggregationType (Average by default), takes the difference from
the threshold and applies the step whose band holds it: above the threshold the lower bound is
inclusive and the upper exclusive, below it the reverse. Adjustments:

- ChangeInCapacity adds the step's change to the current count;
- PercentChangeInCapacity adds that percent of it, rounded toward zero when at least 1 task and to
  +-1 between 0 and 1 (12.7 -> 12, 0.67 -> 1, -0.58 -> -1, -6.67 -> -6), then raised to
  MinAdjustmentMagnitude when that is set;
- ExactCapacity sets the count to the step's value.

The result stays within [min, max]. Cooldowns as for target tracking: during a scale-out policy's
cooldown the capacity the last scale-out added counts toward the next (the adjustment is applied
to the capacity before it), so only a larger step adds tasks; a scale-in waits for the scale-in
policy's cooldown, which a scale-out interrupts. A missing datapoint (no running task) breaks both
alarms (the templates set TreatMissingData: notBreaching to match).

Simplifications: a policy only moves the count its own way (an ExactCapacity scale-out step below
the current count does nothing, and so does a scale-in step above it); the step is picked from the
alarm's last ``datapoints`` datapoints, all of which breach.

Sources: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
(step adjustments, bound inclusivity, adjustment types and rounding, cooldown);
https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
(Cooldown default 300 s, MinAdjustmentMagnitude, MetricAggregationType);
https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html (bands may
not overlap or leave a gap); https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
(Auto Scaling actions repeat while the alarm stays in ALARM).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from statistics import fmean

from archsel.profile.fargate_schema import Fargate
from archsel.profile.scaling_schema import StepPolicy
from archsel.sim.fargate.autoscaling import ScalingDecision, scale_out_base, scaled_out

_AGGREGATE: dict[str, Callable[[Sequence[float]], float]] = {"average": fmean, "minimum": min, "maximum": max}


@dataclass(frozen=True, slots=True)
class Step:
    """A band of (metric - threshold), ``lower`` to ``upper`` (infinite when unbounded), and its change."""

    lower: float
    upper: float
    change: int

    def holds(self, offset: float, above: bool) -> bool:
        """Whether ``offset`` falls in the band (lower bound inclusive above the threshold, upper below it)."""
        if above:
            return self.lower <= offset < self.upper
        return self.lower < offset <= self.upper

    def label(self) -> str:
        """The band as written in the profile, e.g. '[0, 20]' or '[20, null]'."""
        low = "null" if math.isinf(self.lower) else f"{self.lower:g}"
        high = "null" if math.isinf(self.upper) else f"{self.upper:g}"
        return f"[{low}, {high}]"


@dataclass(frozen=True, slots=True)
class StepAlarm:
    """One CloudWatch alarm and the step scaling policy it invokes."""

    above: bool
    """True for the scale-out alarm (metric > threshold), False for the scale-in one (metric < threshold)."""
    threshold: float
    datapoints: int
    adjustment: str
    """"change", "percent" or "exact"."""
    steps: tuple[Step, ...]
    cooldown_s: float
    min_adjustment_magnitude: int | None = None
    aggregation: str = "average"

    @classmethod
    def from_profile(cls, policy: StepPolicy, *, above: bool) -> StepAlarm:
        """The alarm and policy a profile's ``scale_out`` (above) or ``scale_in`` section describes."""
        steps = tuple(
            Step(
                -math.inf if step.lower is None else step.lower,
                math.inf if step.upper is None else step.upper,
                step.change,
            )
            for step in policy.steps
        )
        return cls(
            above=above,
            threshold=policy.threshold,
            datapoints=policy.datapoints,
            adjustment=policy.adjustment,
            steps=steps,
            cooldown_s=policy.cooldown_s,
            min_adjustment_magnitude=policy.min_adjustment_magnitude,
            aggregation=policy.aggregation,
        )

    def in_alarm(self, recent: tuple[float, ...]) -> bool:
        """Whether the last ``datapoints`` datapoints all breach the threshold."""
        if len(recent) < self.datapoints:
            return False
        window = recent[-self.datapoints :]
        return all(v > self.threshold for v in window) if self.above else all(v < self.threshold for v in window)

    def value(self, recent: tuple[float, ...]) -> float:
        """The alarm's datapoints combined by the policy's aggregation type."""
        return float(_AGGREGATE[self.aggregation](recent[-self.datapoints :]))

    def step_for(self, value: float) -> Step | None:
        """The step whose band holds ``value - threshold`` (None only if the steps leave it uncovered)."""
        offset = value - self.threshold
        return next((step for step in self.steps if step.holds(offset, self.above)), None)

    def adjusted(self, capacity: int, step: Step) -> int:
        """The count the step asks for from ``capacity`` (before min/max)."""
        if self.adjustment == "exact":
            return step.change
        if self.adjustment == "percent":
            return capacity + percent_change(capacity, step.change, self.min_adjustment_magnitude)
        return capacity + step.change


@dataclass(frozen=True, slots=True)
class StepScaling:
    """A step scaling set-up on an ECS service's desired count: a scale-out alarm, maybe a scale-in one."""

    scale_out: StepAlarm
    scale_in: StepAlarm | None
    min_tasks: int
    max_tasks: int

    @classmethod
    def from_profile(cls, fargate: Fargate) -> StepScaling:
        """The policies a profile's ``fargate.scaling`` (policy: step) describes."""
        scaling = fargate.scaling
        if scaling.scale_out is None:
            raise ValueError("step scaling needs fargate.scaling.scale_out")
        return cls(
            scale_out=StepAlarm.from_profile(scaling.scale_out, above=True),
            scale_in=StepAlarm.from_profile(scaling.scale_in, above=False) if scaling.scale_in else None,
            min_tasks=fargate.min_tasks,
            max_tasks=fargate.max_tasks,
        )

    def clamp(self, tasks: int) -> int:
        """``tasks`` kept within [min, max]."""
        return max(self.min_tasks, min(self.max_tasks, tasks))

    @property
    def window(self) -> int:
        """Datapoints the longest alarm looks at."""
        return max(self.scale_out.datapoints, self.scale_in.datapoints if self.scale_in else 0)


@dataclass(frozen=True, slots=True)
class StepScalerState:
    """What the policies remember between evaluations."""

    desired: int
    recent: tuple[float, ...] = ()
    """Datapoints since the last missing one, newest last, at most the longest alarm's window."""
    scale_out_until: float = -math.inf
    scale_out_base: int = 0
    """Capacity before the scale-out that started the running scale-out cooldown."""
    scale_in_until: float = -math.inf


def percent_change(capacity: int, percent: int, min_magnitude: int | None) -> int:
    """Tasks a PercentChangeInCapacity step adds (negative: removes), rounded as Application Auto Scaling does.

    >>> percent_change(10, 10, None), percent_change(11, 30, None), percent_change(14, -10, None)
    (1, 3, -1)
    >>> percent_change(3, 10, None), percent_change(3, -10, None), percent_change(4, 25, 2)
    (1, -1, 2)
    """
    hundredths = abs(capacity * percent)  # integer arithmetic: 30 % of 10 is exactly 3
    magnitude = hundredths // 100 if hundredths >= 100 else (1 if hundredths else 0)
    if min_magnitude is not None and percent != 0:
        magnitude = max(magnitude, min_magnitude)
    return magnitude if percent >= 0 else -magnitude


def observe_step(
    policy: StepScaling, state: StepScalerState, datapoint: float | None, now: float
) -> tuple[StepScalerState, ScalingDecision | None]:
    """Feed one datapoint (None when missing) evaluated at ``now``; return the new state and any change.

    >>> out = StepAlarm(True, 70, 3, "change", (Step(0, 20, 1), Step(20, math.inf, 3)), 300)
    >>> policy, state = StepScaling(out, None, 1, 10), StepScalerState(desired=2)
    >>> for minute in range(3):
    ...     state, decision = observe_step(policy, state, 95.0, 60.0 * minute)
    >>> decision
    ScalingDecision(from_tasks=2, to_tasks=5, reason='step scaling: metric 95 > 70 for 3 periods, step [20, null]: +3 tasks')
    """
    if datapoint is None:
        return replace(state, recent=()), None
    state = replace(state, recent=(*state.recent, datapoint)[-policy.window :])
    if policy.scale_out.in_alarm(state.recent):
        return _scale_out(policy, state, now)
    if policy.scale_in is not None and policy.scale_in.in_alarm(state.recent):
        return _scale_in(policy, policy.scale_in, state, now)
    return state, None


def _scale_out(
    policy: StepScaling, state: StepScalerState, now: float
) -> tuple[StepScalerState, ScalingDecision | None]:
    alarm = policy.scale_out
    value = alarm.value(state.recent)
    step = alarm.step_for(value)
    if step is None:
        return state, None
    base, in_cooldown = scale_out_base(state, now)
    proposed = policy.clamp(alarm.adjusted(base, step))
    if proposed <= state.desired:
        return state, None
    reason = _reason(alarm, value, step) + (" (during cooldown: the last scale-out counts)" if in_cooldown else "")
    new_state = scaled_out(state, proposed, base, now, alarm.cooldown_s)
    return new_state, ScalingDecision(state.desired, proposed, reason)


def _scale_in(
    policy: StepScaling, alarm: StepAlarm, state: StepScalerState, now: float
) -> tuple[StepScalerState, ScalingDecision | None]:
    if now < state.scale_in_until:
        return state, None
    value = alarm.value(state.recent)
    step = alarm.step_for(value)
    if step is None:
        return state, None
    proposed = policy.clamp(alarm.adjusted(state.desired, step))
    if proposed >= state.desired:
        return state, None
    new_state = replace(state, desired=proposed, scale_in_until=now + alarm.cooldown_s)
    return new_state, ScalingDecision(state.desired, proposed, _reason(alarm, value, step))


def _reason(alarm: StepAlarm, value: float, step: Step) -> str:
    metric = "metric" if alarm.aggregation == "average" else f"{alarm.aggregation} metric"
    sign = ">" if alarm.above else "<"
    if alarm.adjustment == "exact":
        what = f"set {step.change} tasks"
    elif alarm.adjustment == "percent":
        what = f"{step.change:+d}%"
    else:
        what = f"{step.change:+d} task" + ("" if abs(step.change) == 1 else "s")
    return (
        f"step scaling: {metric} {value:.3g} {sign} {alarm.threshold:g} for {alarm.datapoints} periods, "
        f"step {step.label()}: {what}"
    )
