"""The Lambda Managed Instances control plane: the instance fleet and its asynchronous, CPU-based scaler.

What AWS documents (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html):
scaling is asynchronous on CPU utilisation and multi-concurrency saturation, never on an arriving
invocation (no cold start on the request path); three instances run by default; traffic that more
than doubles within five minutes may be throttled until capacity arrives; instances scale down
gradually. What it does not publish, and archsel assumes (profile ``lambda_managed``): the metric
period, the target, the launch time and the scale-in pace.

The scaler reads the last period's CPU use and concurrency saturation (requests in flight /
admission slots), both as instances' worth of load, and sizes the fleet as target tracking does:
``ceil(load / target)``. More instances launch at once
and serve ``launch_s`` later; fewer remove one instance per cooldown (the newest first). Instances
are billed from launch to termination. The 14-day rotation replaces an instance with a new one
before the old one leaves (make before break, assumed), so it does not change capacity and is
not simulated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from archsel.profile.lambda_managed_schema import LambdaManaged
from archsel.sim.fargate.dataplane import RequestSide
from archsel.sim.lambda_managed.lives import LifeColumns
from archsel.sim.result import ScalingEvent


class ManagedRequestSide(RequestSide, Protocol):
    """The request side the fleet drives: the exact DataPlane or the aggregate model's fluid one."""

    def mean_in_system(self, start: float, end: float) -> float:
        """Mean requests in flight over [start, end) (whole seconds)."""
        ...


@dataclass(slots=True)
class InstanceLife:
    """One instance: launched (billed from here), in service from ``ready_s``, terminated at ``stop_s``."""

    slot: int
    launch_s: float
    ready_s: float
    stop_s: float = math.inf
    serving: bool = False
    """Whether the data plane routes to it (set when its launch finishes)."""


@dataclass(frozen=True, slots=True)
class ScalerReading:
    """One scaler evaluation: what it read and what it decided."""

    time_s: float
    cpu_utilisation: float
    saturation: float
    in_service: int
    desired: int


@dataclass(slots=True)
class ManagedFleet:
    """The capacity provider's instances over a run, driving the data plane's routable slots."""

    settings: LambdaManaged
    dataplane: ManagedRequestSide
    instance_vcpu: float
    slots_per_instance: int
    instances: list[InstanceLife] = field(default_factory=list)
    events: list[ScalingEvent] = field(default_factory=list)
    readings: list[ScalerReading] = field(default_factory=list)
    _last_scale_out: float = -math.inf
    _last_scale_in: float = -math.inf
    _columns: LifeColumns = field(default_factory=LifeColumns)
    """The lives' times as arrays (a fleet can hold 100,000 instances)."""

    def start(self, count: int, now: float) -> None:
        """``count`` instances in service from ``now`` (the fleet found running at the start of the run)."""
        for _ in range(count):
            self._launch(now, ready_s=now)
            self._serve(len(self.instances) - 1)

    def in_service(self, now: float) -> list[InstanceLife]:
        """Instances serving at ``now``."""
        return [self.instances[index] for index in self._columns.in_service(now)]

    def pending(self) -> list[InstanceLife]:
        """Instances launched but not yet serving."""
        return [self.instances[index] for index in self._columns.pending()]

    def next_ready(self) -> float:
        """When the next pending instance serves (inf: none pending)."""
        pending = self._columns.pending()
        return float(self._columns.ready_s(pending).min()) if pending.size else math.inf

    def bring_ready(self, now: float) -> None:
        """Put every launched instance whose launch finished by ``now`` in service."""
        for index in self._columns.pending():
            if self.instances[index].ready_s <= now:
                self._serve(int(index))

    def evaluate(self, now: float) -> None:
        """One scaler period ending at ``now``: read CPU and saturation, launch or remove instances.

        The load is read as instances' worth of work, whatever the fleet was during the period:
        vCPU-seconds used / (period x an instance's vCPUs), or requests in flight / an instance's
        slots when concurrency saturates first. The fleet that carries it at the target is
        ``ceil(load / target)``. Throttled requests use no CPU, so a saturated fleet reads as fully
        busy and at most doubles (at a 50 % target) per reading: faster growth waits for capacity.
        """
        period = self.settings.metric_period_s
        serving_s = self.serving_seconds(now - period, now)
        cpu_s = self.dataplane.cpu_vcpu_seconds(now - period, now)
        cpu_load = cpu_s / (self.instance_vcpu * period)
        saturation_load = self.dataplane.mean_in_system(now - period, now) / self.slots_per_instance
        load = max(cpu_load, saturation_load)
        desired = math.ceil(load / (self.settings.target_cpu / 100.0) - 1e-9)
        desired = min(max(desired, self.settings.min_instances), self.settings.max_instances)
        serving = self.count_at(now)
        cpu_utilisation = 100.0 * cpu_s / (self.instance_vcpu * serving_s) if serving_s > 0 else 0.0
        saturation = 100.0 * saturation_load * period / serving_s if serving_s > 0 else 0.0
        self.readings.append(ScalerReading(now, cpu_utilisation, saturation, serving, desired))
        self._act(now, desired, serving, max(cpu_utilisation, saturation) / 100.0)

    def serving_seconds(self, start: float, end: float) -> float:
        """Instance-seconds in service inside [start, end)."""
        return self._columns.serving_seconds(start, end)

    def _act(self, now: float, desired: int, serving: int, load: float) -> None:
        pending = self._columns.pending().size
        if desired > serving + pending:
            before = serving + pending
            for _ in range(desired - before):
                self._launch(now, ready_s=now + self.settings.launch_s)
            self._last_scale_out = now
            self.events.append(ScalingEvent(now, before, desired, f"CPU/saturation {100 * load:.0f}% over target"))
        elif desired < serving and pending == 0:
            quiet_since = max(self._last_scale_out, self._last_scale_in)
            if now - quiet_since >= self.settings.scale_in_cooldown_s:
                self._terminate(now)
                self._last_scale_in = now
                self.events.append(
                    ScalingEvent(now, serving, serving - 1, f"CPU/saturation {100 * load:.0f}% under target")
                )

    def _launch(self, now: float, *, ready_s: float) -> None:
        slot = self.dataplane.allocate_slot()
        self.instances.append(InstanceLife(slot, now, ready_s))
        self._columns.add(ready_s)
        self.dataplane.set_alive(slot)

    def _serve(self, index: int) -> None:
        life = self.instances[index]
        self.dataplane.advance(life.ready_s)
        self.dataplane.set_routable(life.slot, True)
        life.serving = True
        self._columns.serve(index)

    def _terminate(self, now: float) -> None:
        serving = self._columns.in_service(now)
        index = int(serving[np.argmax(self._columns.ready_s(serving))])  # the newest; the first of equals
        newest = self.instances[index]
        self.dataplane.advance(now)
        self.dataplane.set_routable(newest.slot, False)
        # Lambda drains the instance: requests in flight finish; the instance stops billing once empty
        # (taken as at once: a request lasts well under the scaler's period).
        newest.stop_s = now
        self._columns.stop(index, now)
        self.dataplane.release_slot(newest.slot)

    def instance_seconds(self, start: float, end: float) -> float:
        """Billed instance-seconds (launch to termination) inside [start, end)."""
        return sum(max(0.0, min(life.stop_s, end) - max(life.launch_s, start)) for life in self.instances)

    def count_at(self, time_s: float) -> int:
        """Instances in service at ``time_s``."""
        return int(self._columns.in_service(time_s).size)

    def counts_at(self, times: np.ndarray) -> np.ndarray:
        """Instances in service at each of ``times``."""
        return self._columns.counts_at(times)
