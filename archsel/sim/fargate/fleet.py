"""The ECS service's tasks as SimPy processes: launch, start, registration, health check, drain, stop.

Late capacity in stages, each a documented ECS, Fargate or ALB behaviour: the service scheduler launches tasks toward the desired
count as fast as the account launch bucket (100 burst, 20/s), the service's 500 tasks in any minute and the
vCPU quota allow; a task is billed from launch, RUNNING and registered with the ALB after its
start time (ENI, image pull, app start), and takes traffic at the next health-check tick (a new
target must pass one check). Scale-in stops tasks that are not yet serving first (newest first),
then drains serving ones: deregistered at once, billed through the deregistration delay, stopped
after it. The ALB keeps its connections to a draining target open, so the drain lasts the whole
delay. Fargate Spot tasks are interrupted at a constant rate: the task drains at the notice and
is stopped when deregistration or the notice runs out, and the scheduler launches a replacement right away.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import simpy

from archsel.profile.distributions import Distribution
from archsel.profile.fargate_schema import Fargate
from archsel.sim.fargate.dataplane import RequestSide
from archsel.sim.fargate.params import FargateParams
from archsel.sim.fargate.timeline import CountLog, next_tick


class Phase(StrEnum):
    """Where a task is in its life."""

    LAUNCHING = "launching"
    RUNNING = "running"
    IN_SERVICE = "in_service"
    DRAINING = "draining"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class FleetSetup:
    """The service's task lifecycle settings."""

    vcpu: float
    task_start_s: Distribution
    health_check_interval_s: float
    deregistration_delay_s: float
    spot_share: float
    spot_interruptions_per_s: float
    spot_notice_s: float
    vcpu_quota: float
    launch_burst: float
    launch_rate_per_s: float
    service_launches_per_min: float

    @classmethod
    def from_profile(cls, fargate: Fargate, params: FargateParams) -> FleetSetup:
        """The lifecycle a profile's ``fargate`` section and the platform constants describe."""
        return cls(
            vcpu=fargate.vcpu,
            task_start_s=fargate.task_start_s,
            health_check_interval_s=fargate.health_check_interval_s,
            deregistration_delay_s=fargate.deregistration_delay_s,
            spot_share=fargate.spot_share,
            spot_interruptions_per_s=fargate.spot_interruptions_per_task_hour / 3_600.0,
            spot_notice_s=params.spot_notice_s,
            vcpu_quota=fargate.vcpu_quota,
            launch_burst=params.launch_bucket_burst,
            launch_rate_per_s=params.launch_bucket_rate_per_s,
            service_launches_per_min=params.service_launches_per_min,
        )


@dataclass(frozen=True, slots=True)
class FleetEvent:
    """One control-plane event, for exact traces (kind: launch, running, in_service, drain, stop, ...)."""

    time_s: float
    kind: str
    task: int
    value: float = 0.0


@dataclass(frozen=True, slots=True)
class TaskLife:
    """When one task launched, ran, served and stopped (``stop_s`` is inf if it outlived the run)."""

    task: int
    spot: bool
    launch_s: float
    running_s: float
    in_service_s: float
    stop_s: float


class WindowLimit:
    """At most ``limit`` events in any window of ``window_s`` seconds (a sliding window)."""

    __slots__ = ("_limit", "_times", "_window")

    def __init__(self, limit: float, window_s: float) -> None:
        self._limit = limit
        self._window = window_s
        self._times: deque[float] = deque()

    def take(self, now: float) -> bool:
        """Record one event if the window allows it."""
        if self.wait_s(now) > 0:
            return False
        self._times.append(now)
        return True

    def wait_s(self, now: float) -> float:
        """Seconds until the window allows one more event (0 if it does)."""
        while self._times and self._times[0] <= now - self._window:
            self._times.popleft()
        if len(self._times) < self._limit:
            return 0.0
        return self._times[0] + self._window - now


class TokenBucket:
    """A token bucket that refills continuously up to its capacity."""

    __slots__ = ("_capacity", "_rate", "_time", "_tokens")

    def __init__(self, capacity: float, rate_per_s: float, now: float) -> None:
        self._capacity = capacity
        self._rate = rate_per_s
        self._tokens = capacity
        self._time = now

    def take(self, now: float) -> bool:
        """Take one token if there is one."""
        if self.wait_s(now) > 0:
            return False
        self._tokens = max(0.0, self._tokens - 1.0)
        return True

    def wait_s(self, now: float) -> float:
        """Seconds until one token is available (0 if one is)."""
        self._refill(now)
        missing = 1.0 - self._tokens
        return 0.0 if missing <= 1e-9 else missing / self._rate

    def _refill(self, now: float) -> None:
        self._tokens = min(self._capacity, self._tokens + (now - self._time) * self._rate)
        self._time = now


@dataclass(slots=True, eq=False)
class _Task:
    id: int
    slot: int
    spot: bool
    launch_t: float
    running_t: float = math.inf
    in_service_t: float = math.inf
    stop_t: float = math.inf
    phase: Phase = Phase.LAUNCHING


def _in_phase(task: _Task, phase: Phase) -> bool:
    return task.phase is phase


class Fleet:
    """The tasks of one ECS service, reconciled toward a desired count."""

    def __init__(self, env: simpy.Environment, setup: FleetSetup, dataplane: RequestSide, rng: np.random.Generator):
        self._env = env
        self._setup = setup
        self._dataplane = dataplane
        self._rng = rng
        self.desired = 0
        self._tasks: list[_Task] = []
        self._active: list[_Task] = []
        self.events: list[FleetEvent] = []
        self.log = CountLog(float(env.now), (0, 0, 0, 0))
        self._counts = {phase: 0 for phase in Phase}
        self._vcpu_used = {False: 0.0, True: 0.0}
        self._account_bucket = TokenBucket(setup.launch_burst, setup.launch_rate_per_s, float(env.now))
        self._service_window = WindowLimit(setup.service_launches_per_min, 60.0)
        self._retry_pending = False

    # ------------------------------------------------------------------ public

    def start(self, tasks: int) -> None:
        """Begin with ``tasks`` tasks already serving (launched before the simulated window)."""
        self.desired = tasks
        for _ in range(tasks):
            if self._vcpu_used[self._next_is_spot()] + self._setup.vcpu > self._setup.vcpu_quota + 1e-9:
                break  # the quota caps the fleet from the start; the scheduler keeps trying
            task = self._new_task()
            task.running_t = task.in_service_t = task.launch_t
            self._move(task, Phase.IN_SERVICE)
            self._dataplane.set_routable(task.slot, True)
        self._record()

    def set_desired(self, tasks: int) -> None:
        """Change the desired count (the autoscaler's decision) and act on it."""
        self._dataplane.advance(self._env.now)
        self.desired = tasks
        self._event("desired", -1, tasks)
        self._reconcile()
        self._record()

    def lives(self) -> tuple[TaskLife, ...]:
        """Every task's timeline so far."""
        return tuple(
            TaskLife(task.id, task.spot, task.launch_t, task.running_t, task.in_service_t, task.stop_t)
            for task in self._tasks
        )

    @property
    def launched(self) -> int:
        """Tasks created so far, including the initial ones."""
        return len(self._tasks)

    # ------------------------------------------------------------------ reconciling

    def _reconcile(self) -> None:
        surplus = len(self._active) - self.desired
        if surplus > 0:
            self._scale_in(surplus)
        elif surplus < 0:
            self._launch_up_to(-surplus)

    def _launch_up_to(self, missing: int) -> None:
        now = float(self._env.now)
        for _ in range(missing):
            spot = self._next_is_spot()
            if self._vcpu_used[spot] + self._setup.vcpu > self._setup.vcpu_quota + 1e-9:
                return  # retried when a task stops and frees quota
            wait = max(self._account_bucket.wait_s(now), self._service_window.wait_s(now))
            if wait > 0:
                self._schedule_retry(wait)
                return
            self._account_bucket.take(now)
            self._service_window.take(now)
            task = self._new_task(spot)
            self._env.process(self._lifecycle(task))

    def _next_is_spot(self) -> bool:
        # Keep the Spot share of the active tasks at the configured share (capacity provider weights).
        spot_active = sum(1 for task in self._active if task.spot)
        return spot_active + 1 <= self._setup.spot_share * (len(self._active) + 1) + 1e-9

    def _schedule_retry(self, delay_s: float) -> None:
        if not self._retry_pending:
            self._retry_pending = True
            self._env.process(self._retry(delay_s))

    def _retry(self, delay_s: float) -> Generator[simpy.Event, None, None]:
        yield self._env.timeout(delay_s)
        self._retry_pending = False
        self._reconcile()
        self._record()

    def _scale_in(self, surplus: int) -> None:
        order = {Phase.LAUNCHING: 0, Phase.RUNNING: 1, Phase.IN_SERVICE: 2}
        victims = sorted(self._active, key=lambda task: (order[task.phase], -task.id))[:surplus]
        for task in victims:
            if task.phase is Phase.IN_SERVICE:
                self._begin_drain(task, self._setup.deregistration_delay_s)
            else:
                self._stop(task)

    # ------------------------------------------------------------------ task life

    def _new_task(self, spot: bool | None = None) -> _Task:
        spot = self._next_is_spot() if spot is None else spot
        task = _Task(len(self._tasks), self._dataplane.allocate_slot(), spot, float(self._env.now))
        self._tasks.append(task)
        self._active.append(task)
        self._counts[Phase.LAUNCHING] += 1
        self._vcpu_used[spot] += self._setup.vcpu
        self._dataplane.set_alive(task.slot)
        self._event("launch", task.id, 1.0 if spot else 0.0)
        if spot and self._setup.spot_interruptions_per_s > 0:
            delay = float(self._rng.exponential(1.0 / self._setup.spot_interruptions_per_s))
            self._env.process(self._spot_interruption(task, delay))
        return task

    def _lifecycle(self, task: _Task) -> Generator[simpy.Event, None, None]:
        yield self._env.timeout(float(self._setup.task_start_s.sample(self._rng, 1)[0]))
        if not _in_phase(task, Phase.LAUNCHING):
            return
        task.running_t = float(self._env.now)
        self._move(task, Phase.RUNNING)
        self._record()
        ready = next_tick(task.running_t, self._setup.health_check_interval_s)
        yield self._env.timeout(ready - task.running_t)
        if not _in_phase(task, Phase.RUNNING):  # stopped by a scale-in or a Spot interruption meanwhile
            return
        self._dataplane.advance(self._env.now)
        task.in_service_t = float(self._env.now)
        self._move(task, Phase.IN_SERVICE)
        self._dataplane.set_routable(task.slot, True)
        self._record()

    def _begin_drain(self, task: _Task, delay_s: float) -> None:
        self._dataplane.advance(self._env.now)
        self._dataplane.set_routable(task.slot, False)
        self._active.remove(task)
        self._move(task, Phase.DRAINING)
        self._env.process(self._drain(task, delay_s))

    def _drain(self, task: _Task, delay_s: float) -> Generator[simpy.Event, None, None]:
        yield self._env.timeout(delay_s)
        self._stop(task)
        self._reconcile()  # a stop frees vCPU quota
        self._record()

    def _spot_interruption(self, task: _Task, delay_s: float) -> Generator[simpy.Event, None, None]:
        yield self._env.timeout(delay_s)
        if task.phase in (Phase.DRAINING, Phase.STOPPED):
            return
        self._event("spot_notice", task.id)
        if task.phase is Phase.IN_SERVICE:
            # ECS deregisters it at the notice; AWS stops it when the notice runs out at the latest.
            self._begin_drain(task, min(self._setup.spot_notice_s, self._setup.deregistration_delay_s))
        else:
            self._stop(task)
        self._reconcile()  # the replacement
        self._record()

    def _stop(self, task: _Task) -> None:
        if task in self._active:
            self._active.remove(task)
        task.stop_t = float(self._env.now)
        self._move(task, Phase.STOPPED)
        self._vcpu_used[task.spot] -= self._setup.vcpu
        self._dataplane.release_slot(task.slot)

    def _move(self, task: _Task, phase: Phase) -> None:
        self._counts[task.phase] -= 1
        self._counts[phase] += 1
        task.phase = phase
        self._event(phase.value, task.id)

    # ------------------------------------------------------------------ records

    def _event(self, kind: str, task: int, value: float = 0.0) -> None:
        self.events.append(FleetEvent(float(self._env.now), kind, task, value))

    def _record(self) -> None:
        counts = self._counts
        # ECS's RUNNING: started and not yet stopping; a draining task is DEACTIVATING, still billed.
        running = counts[Phase.RUNNING] + counts[Phase.IN_SERVICE]
        alive = running + counts[Phase.LAUNCHING] + counts[Phase.DRAINING]
        self.log.record(float(self._env.now), (self.desired, running, counts[Phase.IN_SERVICE], alive))
