"""The autoscaler as a SimPy process: a datapoint each metric period, alarms, desired-count changes.

Reads the tracked metric off the data plane and the task-count log, feeds it to the pure
target-tracking or step-scaling state machine and hands decisions to the fleet. Metric definitions
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html):

- ECSServiceAverageCPUUtilization = CPU used by the service's running tasks / CPU reserved by them
  x 100 over the period, at most 100. Tasks count from RUNNING (before their first health check too)
  until they start draining (ECS's DEACTIVATING). Simplification: the few seconds of CPU that requests
  still in flight on a draining task use stay in the numerator;
- ALBRequestCountPerTarget = requests routed in the period / healthy targets, per minute. ALB metrics
  are published per minute, so this metric always uses 60-s periods (high resolution exists only
  for the ECS CPU and memory metrics).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, replace

import simpy

from archsel.sim.fargate.autoscaling import ScalerState, ScalingDecision, TargetTracking, observe
from archsel.sim.fargate.dataplane import RequestSide
from archsel.sim.fargate.fleet import Fleet, FleetEvent
from archsel.sim.fargate.step_scaling import StepScalerState, StepScaling, observe_step
from archsel.sim.result import ScalingEvent

ScalingPolicy = TargetTracking | StepScaling
"""The service's scaling policy: ``fargate.scaling.policy`` target_tracking or step."""


@dataclass(frozen=True, slots=True)
class MetricSetup:
    """Which metric the policy tracks and how it is sampled."""

    metric: str
    """"cpu" or "requests"."""
    period_s: float
    vcpu: float
    lag_periods: int


class Autoscaler:
    """Evaluates the scaling policy (target tracking or step scaling) at every metric period boundary."""

    def __init__(
        self, env: simpy.Environment, policy: ScalingPolicy, metric: MetricSetup, fleet: Fleet, dataplane: RequestSide
    ) -> None:
        self._env = env
        self._policy = policy
        self._metric = metric
        self._fleet = fleet
        self._dataplane = dataplane
        self._state: ScalerState | StepScalerState = ScalerState(desired=fleet.desired)
        if isinstance(policy, StepScaling):
            self._state = StepScalerState(desired=fleet.desired)
        self.scaling_events: list[ScalingEvent] = []
        self.datapoints: list[FleetEvent] = []

    def run(self) -> Generator[simpy.Event, None, None]:
        """The SimPy process: one datapoint per period, evaluated ``lag_periods`` later."""
        period = self._metric.period_s
        boundary = (math.floor(self._env.now / period) + 1) * period  # CloudWatch periods align to the clock
        pending: deque[float | None] = deque()
        while True:
            yield self._env.timeout(boundary - self._env.now)
            self._dataplane.advance(self._env.now)
            value = self.datapoint(boundary - period, boundary)
            self.datapoints.append(FleetEvent(boundary, "datapoint", -1, math.nan if value is None else value))
            pending.append(value)
            if len(pending) > self._metric.lag_periods:
                self._evaluate(pending.popleft())
            boundary += period

    def datapoint(self, start: float, end: float) -> float | None:
        """The metric over [start, end), or None when no task reported (missing data)."""
        log = self._fleet.log
        if self._metric.metric == "cpu":
            task_seconds = log.integral("running", start, end)
            if task_seconds <= 0:
                return None
            used = self._dataplane.cpu_vcpu_seconds(start, end)
            return min(100.0, 100.0 * used / (self._metric.vcpu * task_seconds))
        target_seconds = log.integral("in_service", start, end)
        if target_seconds <= 0:
            return None
        per_target = self._dataplane.routed_requests(start, end) / (target_seconds / (end - start))
        return per_target * 60.0 / (end - start)

    def _evaluate(self, value: float | None) -> None:
        now = float(self._env.now)
        self._state, decision = _observe(self._policy, self._state, value, now)
        if decision is None:
            return
        self._fleet.set_desired(decision.to_tasks)
        self.scaling_events.append(ScalingEvent(now, decision.from_tasks, decision.to_tasks, decision.reason))

    def set_bounds(self, min_tasks: int, max_tasks: int, reason: str) -> None:
        """Replace the policy's [min, max] now (a scheduled action) and move the desired count into them at once.

        Works for any frozen-dataclass policy with ``min_tasks``/``max_tasks`` fields and a state
        with ``desired``. The change is a scaling event even when the desired count stays (AWS logs
        a scheduled action as a scaling activity); the policy's alarms, runs and cooldowns carry on.
        """
        if (self._policy.min_tasks, self._policy.max_tasks) == (min_tasks, max_tasks):
            return
        self._policy = replace(self._policy, min_tasks=min_tasks, max_tasks=max_tasks)
        before = self._state.desired
        after = self._policy.clamp(before)
        self._state = replace(self._state, desired=after)
        if after != before:
            self._fleet.set_desired(after)
        self.scaling_events.append(ScalingEvent(float(self._env.now), before, after, reason))


def _observe(
    policy: ScalingPolicy, state: ScalerState | StepScalerState, value: float | None, now: float
) -> tuple[ScalerState | StepScalerState, ScalingDecision | None]:
    """One evaluation by whichever policy the service has (each keeps its own kind of state)."""
    if isinstance(policy, StepScaling) and isinstance(state, StepScalerState):
        return observe_step(policy, state, value, now)
    if isinstance(policy, TargetTracking) and isinstance(state, ScalerState):
        return observe(policy, state, value, now)
    raise TypeError(f"no scaling state {type(state).__name__} for policy {type(policy).__name__}")
