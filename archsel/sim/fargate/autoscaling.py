"""Application Auto Scaling target tracking as a pure state machine: datapoints in, desired count out.

Mechanism (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html):
the policy owns two CloudWatch alarms on the tracked metric. AlarmHigh
is in ALARM after ``scale_out_datapoints`` consecutive datapoints above the target, AlarmLow after
``scale_in_datapoints`` consecutive datapoints below 90 % of it; while an alarm stays in ALARM the
policy is invoked at every evaluation. The new desired count is ceil(capacity x metric / target),
kept within [min, max]. Cooldowns: during a scale-out cooldown the capacity the last scale-out
added counts toward the next (the proposal is computed from the capacity before it), so only a
larger scale-out happens; a scale-in waits for its cooldown; a scale-out interrupts a scale-in
cooldown. A missing datapoint (no running task) breaks both alarms: no scaling on missing data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol, TypeVar

from archsel.profile.fargate_schema import Fargate


@dataclass(frozen=True, slots=True)
class TargetTracking:
    """One target-tracking policy on an ECS service's desired count."""

    target: float
    scale_out_datapoints: int
    scale_in_datapoints: int
    scale_out_cooldown_s: float
    scale_in_cooldown_s: float
    min_tasks: int
    max_tasks: int
    scale_in_ratio: float = 0.9

    @classmethod
    def from_profile(cls, fargate: Fargate, scale_in_ratio: float) -> TargetTracking:
        """The policy a profile's ``fargate`` section describes."""
        scaling = fargate.scaling
        return cls(
            target=scaling.target,
            scale_out_datapoints=scaling.scale_out_datapoints,
            scale_in_datapoints=scaling.scale_in_datapoints,
            scale_out_cooldown_s=scaling.scale_out_cooldown_s,
            scale_in_cooldown_s=scaling.scale_in_cooldown_s,
            min_tasks=fargate.min_tasks,
            max_tasks=fargate.max_tasks,
            scale_in_ratio=scale_in_ratio,
        )

    def clamp(self, tasks: int) -> int:
        """``tasks`` kept within [min, max]."""
        return max(self.min_tasks, min(self.max_tasks, tasks))


@dataclass(frozen=True, slots=True)
class ScalerState:
    """What the policy remembers between evaluations."""

    desired: int
    high_run: int = 0
    """Consecutive datapoints above the target, up to now."""
    low_run: int = 0
    """Consecutive datapoints below the scale-in threshold, up to now."""
    scale_out_until: float = -math.inf
    scale_out_base: int = 0
    """Capacity before the scale-out that started the running scale-out cooldown."""
    scale_in_until: float = -math.inf


class CooldownState(Protocol):
    """What any policy's state tracks for the cooldown rules (frozen dataclasses: read-only fields)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def desired(self) -> int: ...
    @property
    def scale_out_until(self) -> float: ...
    @property
    def scale_out_base(self) -> int: ...
    @property
    def scale_in_until(self) -> float: ...


State = TypeVar("State", bound=CooldownState)


def scale_out_base(state: CooldownState, now: float) -> tuple[int, bool]:
    """The capacity a scale-out proposal starts from, and whether a scale-out cooldown is running.

    During the cooldown it is the capacity before the scale-out that started it: the tasks that
    scale-out added count toward the next, so only a larger proposal scales out again.
    """
    in_cooldown = now < state.scale_out_until
    return (state.scale_out_base if in_cooldown else state.desired), in_cooldown


def scaled_out(state: State, proposed: int, base: int, now: float, cooldown_s: float) -> State:
    """The state after a scale-out to ``proposed``: its cooldown starts, and it ends a scale-in cooldown."""
    return replace(
        state,
        desired=proposed,
        scale_out_until=now + cooldown_s,
        scale_out_base=base,
        scale_in_until=min(state.scale_in_until, now),
    )


@dataclass(frozen=True, slots=True)
class ScalingDecision:
    """A change of the desired count."""

    from_tasks: int
    to_tasks: int
    reason: str


def observe(
    policy: TargetTracking, state: ScalerState, datapoint: float | None, now: float
) -> tuple[ScalerState, ScalingDecision | None]:
    """Feed one datapoint (None when missing) evaluated at ``now``; return the new state and any change.

    >>> policy = TargetTracking(60, 3, 15, 300, 300, 1, 10)
    >>> state = ScalerState(desired=2)
    >>> for minute in range(3):
    ...     state, decision = observe(policy, state, 90.0, 60.0 * minute)
    >>> decision
    ScalingDecision(from_tasks=2, to_tasks=3, reason='target tracking: metric 90 > target 60 for 3 periods')
    """
    state = _count_runs(policy, state, datapoint)
    if datapoint is None:
        return state, None
    if state.high_run >= policy.scale_out_datapoints:
        return _scale_out(policy, state, datapoint, now)
    if state.low_run >= policy.scale_in_datapoints:
        return _scale_in(policy, state, datapoint, now)
    return state, None


def _count_runs(policy: TargetTracking, state: ScalerState, datapoint: float | None) -> ScalerState:
    if datapoint is None:
        return replace(state, high_run=0, low_run=0)
    high = state.high_run + 1 if datapoint > policy.target else 0
    low = state.low_run + 1 if datapoint < policy.scale_in_ratio * policy.target else 0
    return replace(state, high_run=high, low_run=low)


def _proposal(policy: TargetTracking, capacity: int, datapoint: float) -> int:
    # A tiny tolerance keeps 2 x 60 / 60 at 2 despite floating-point noise in the metric.
    return policy.clamp(math.ceil(capacity * datapoint / policy.target - 1e-9))


def _scale_out(
    policy: TargetTracking, state: ScalerState, datapoint: float, now: float
) -> tuple[ScalerState, ScalingDecision | None]:
    base, in_cooldown = scale_out_base(state, now)
    proposed = _proposal(policy, base, datapoint)
    if proposed <= state.desired:
        return state, None
    reason = f"target tracking: metric {datapoint:.3g} > target {policy.target:g} for {state.high_run} periods" + (
        " (larger scale-out during cooldown)" if in_cooldown else ""
    )
    new_state = scaled_out(state, proposed, base, now, policy.scale_out_cooldown_s)
    return new_state, ScalingDecision(state.desired, proposed, reason)


def _scale_in(
    policy: TargetTracking, state: ScalerState, datapoint: float, now: float
) -> tuple[ScalerState, ScalingDecision | None]:
    if now < state.scale_in_until:
        return state, None
    proposed = _proposal(policy, state.desired, datapoint)
    if proposed >= state.desired:
        return state, None
    threshold = policy.scale_in_ratio * policy.target
    reason = (
        f"target tracking: metric {datapoint:.3g} < {threshold:.3g} "
        f"({policy.scale_in_ratio:.0%} of target) for {state.low_run} periods"
    )
    new_state = replace(state, desired=proposed, scale_in_until=now + policy.scale_in_cooldown_s)
    return new_state, ScalingDecision(state.desired, proposed, reason)
