"""The Fargate model's request side: arrivals in chunks, per-task queues, per-second bins, reducers.

The control plane calls ``advance(now)`` before every change it makes (a task entering or leaving
service, a metric reading), so the compiled kernel always routes a batch of requests against a
fixed set of in-service tasks. Random draws (handler time, tie-breaks) are made per arrival chunk
from the Generator passed in, so a run is seeded and memory stays flat in the number of requests;
the next chunk is drawn in a background thread while the current one is routed (sim.prefetch).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from archsel.profile.distributions import Distribution
from archsel.profile.routes import DurationMix
from archsel.sim.arrivals import RequestChunk, arrival_chunks
from archsel.sim.fargate.kernel import (
    ACC_AT_TASK_S,
    ACC_REQUESTS,
    ACC_ROUTED,
    ACC_SIZE,
    ACC_STATUS,
    ACC_WAIT_S,
    ACC_WAITED,
    ROUTE_LEAST_OUTSTANDING,
    ROUTE_RANDOM,
    ROUTE_ROUND_ROBIN,
    SEC_ARRIVALS,
    SEC_CPU,
    SEC_IN_SYSTEM,
    SEC_RESPONSES,
    SEC_ROUTED,
    SEC_ROWS,
    SEC_WAITING,
    STATE_OK_LATENCIES,
    STATE_SIZE,
    STATUS_NO_TARGET,
    STATUS_OK,
    STATUS_SHED,
    STATUS_TIMEOUT,
    Outcomes,
    Requests,
    RouterState,
    Settings,
    route_requests,
    take_snapshots,
)
from archsel.sim.measure import LatencyHistogram
from archsel.sim.prefetch import prefetched
from archsel.sim.result import LatencyStats


@dataclass(frozen=True, slots=True)
class DataPlaneSetup:
    """What the request path needs to know about the service and the run."""

    concurrency: int
    queue_limit: int | None
    vcpu: float
    cpu_fraction: float
    unloaded_factor: float
    """Slowdown of a lone request on this task size (archsel.profile.performance.duration_factor)."""
    duration_ms: Distribution | DurationMix
    """Handler time at 1 vCPU (the routes' mixture when the profile lists routes)."""
    alb_latency_s: float
    idle_timeout_s: float
    routing: str
    """The ALB's algorithm, as in the profile: least_outstanding, round_robin or weighted_random."""
    offset_s: int
    """Warm-up length: simulated time t maps to per-second bin t + offset_s."""
    horizon_s: float


@dataclass(frozen=True, slots=True)
class DataPlaneResult:
    """Request statistics over the measured window [0, horizon)."""

    requests: int
    ok: int
    shed: int
    no_target: int
    timeouts: int
    latency_ms: LatencyStats
    latency_quantiles: tuple[tuple[float, float], ...]
    """(quantile, ms) pairs for CDF charts."""
    routed: int
    """Requests a task worked on (ok + timeouts)."""
    waited: int
    wait_sum_s: float
    time_at_task_sum_s: float
    sec_arrivals: np.ndarray
    sec_served: np.ndarray
    """Responses sent (status OK) by arrival second."""
    sec_cpu_vcpu_s: np.ndarray
    sec_in_system: np.ndarray
    sec_waiting: np.ndarray


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """Every request's inputs and outcome, in arrival order (kept only when asked: tests, small runs)."""

    arrivals: np.ndarray
    work_s: np.ndarray
    ties: np.ndarray
    status: np.ndarray
    latency_ms: np.ndarray
    wait_s: np.ndarray


class RequestSide(Protocol):
    """What the control plane (fleet, autoscaler) needs of the request side: the exact DataPlane or a fluid one."""

    def allocate_slot(self) -> int:
        """A slot for a new task."""
        ...

    def release_slot(self, slot: int) -> None:
        """The task in ``slot`` stopped."""
        ...

    def set_alive(self, slot: int) -> None:
        """The task in ``slot`` exists."""
        ...

    def set_routable(self, slot: int, routable: bool) -> None:
        """Let the ALB route to ``slot`` or stop it doing so."""
        ...

    def advance(self, until: float) -> None:
        """Serve every arrival before ``until``."""
        ...

    def cpu_vcpu_seconds(self, start: float, end: float) -> float:
        """CPU work done in [start, end), vCPU-seconds."""
        ...

    def routed_requests(self, start: float, end: float) -> float:
        """Requests sent to tasks in [start, end)."""
        ...

    def finish(self) -> DataPlaneResult:
        """Serve what is left and return the measured statistics."""
        ...


_ROUTING_CODES = {
    "least_outstanding": ROUTE_LEAST_OUTSTANDING,
    "round_robin": ROUTE_ROUND_ROBIN,
    "weighted_random": ROUTE_RANDOM,  # equal weights: uniform over the in-service tasks
}


_NO_REQUESTS = RequestChunk(time_s=np.empty(0), duration_s=np.empty(0))
"""Loaded before the first chunk and after the last: nothing left to route."""


def _request_chunks(
    arrivals: Iterator[np.ndarray], setup: DataPlaneSetup, rng: np.random.Generator
) -> Iterator[RequestChunk]:
    """Each arrival chunk on the simulation clock with its handler times and tie-breaks, drawn in arrival order."""
    for times in arrivals:
        work_s = setup.duration_ms.sample(rng, times.size) / 1000.0
        yield RequestChunk(time_s=times - setup.offset_s, duration_s=work_s, ties=rng.random(times.size))


ARRIVALS_PER_CHUNK = 50_000
"""Arrivals drawn and routed per batch at the peak rate: bounds memory whatever the rate or horizon.

Shared by the Fargate and Lambda Managed Instances models (both route through `DataPlane`), not with
Lambda's: the arrival stream draws chunk by chunk, so the chunk length (with its floor of
``MIN_CHUNK_S``) is part of what a seed means here.
"""
MIN_CHUNK_S = 10
"""The shortest arrival chunk, however busy the traffic."""


def exact_data_plane(
    setup: DataPlaneSetup,
    rate: np.ndarray,
    *,
    process: str,
    arrivals: np.random.Generator,
    requests: np.random.Generator,
) -> DataPlane:
    """The per-request data plane over arrivals drawn in chunks from the per-second ``rate`` (index 0 at -warm-up)."""
    chunks = arrival_chunks(
        rate, arrivals, process=process, arrivals_per_chunk=ARRIVALS_PER_CHUNK, min_chunk_s=MIN_CHUNK_S
    )
    return DataPlane(setup, chunks, requests)


class DataPlane:
    """Per-task queues and ALB routing, advanced in time by the control plane."""

    def __init__(
        self,
        setup: DataPlaneSetup,
        arrivals: Iterator[np.ndarray],
        rng: np.random.Generator,
        *,
        keep_requests: bool = False,
        prefetch: bool = True,
    ) -> None:
        self._setup = setup
        self._kept: list[tuple[np.ndarray, ...]] | None = [] if keep_requests else None
        chunks = _request_chunks(arrivals, setup, rng)
        self._chunks = prefetched(chunks) if prefetch else chunks
        self._settings = Settings(
            concurrency=int(setup.concurrency),
            queue_limit=-1 if setup.queue_limit is None else int(setup.queue_limit),
            vcpu=float(setup.vcpu),
            cpu_fraction=float(setup.cpu_fraction),
            unloaded_factor=float(setup.unloaded_factor),
            alb_s=float(setup.alb_latency_s),
            idle_timeout_s=float(setup.idle_timeout_s),
            algorithm=_ROUTING_CODES[setup.routing],
            offset_s=float(setup.offset_s),
            horizon_s=float(setup.horizon_s),
        )
        self._state = np.zeros(STATE_SIZE, dtype=np.int64)
        self._acc = np.zeros(ACC_SIZE)
        self._sec = np.zeros((SEC_ROWS, setup.offset_s + math.ceil(setup.horizon_s)))
        self._slot_busy = np.zeros((0, setup.concurrency))
        self._n_busy = np.zeros(0, dtype=np.int64)
        self._count = np.zeros(0, dtype=np.int64)
        self._heap_t = np.zeros(1_024)
        self._heap_j = np.zeros(1_024, dtype=np.int64)
        self._free_slots: list[int] = []
        self._stopped_slots: list[int] = []
        self._routable: list[int] = []
        self._alive: list[int] = []
        self._routable_arr = np.zeros(0, dtype=np.int64)
        self._alive_arr = np.zeros(0, dtype=np.int64)
        self._histogram = LatencyHistogram()
        self._outcomes = np.empty((3, 0))
        self._status_buffer = np.empty(0, dtype=np.int64)
        self._load_chunk(_NO_REQUESTS)

    # ------------------------------------------------------------------ task slots

    def allocate_slot(self) -> int:
        """A slot with empty queues for a new task."""
        for slot in self._stopped_slots:
            if self._count[slot] == 0:  # a stopped task's late completions must not land on a new one
                self._stopped_slots.remove(slot)
                self._free_slots.append(slot)
                break
        if not self._free_slots:
            self._grow_slots()
        slot = self._free_slots.pop()
        self._n_busy[slot] = 0
        return slot

    def release_slot(self, slot: int) -> None:
        """The task in ``slot`` stopped."""
        if slot in self._alive:
            self._alive.remove(slot)
            self._alive_arr = np.array(self._alive, dtype=np.int64)
        self._stopped_slots.append(slot)

    def set_alive(self, slot: int) -> None:
        """The task in ``slot`` exists (its outstanding requests count in the per-second snapshots)."""
        self._alive.append(slot)
        self._alive_arr = np.array(self._alive, dtype=np.int64)

    def set_routable(self, slot: int, routable: bool) -> None:
        """Let the ALB route to ``slot`` or stop it doing so; call ``advance(now)`` first."""
        if routable:
            self._routable.append(slot)
        else:
            self._routable.remove(slot)
        self._routable_arr = np.array(self._routable, dtype=np.int64)

    def _grow_slots(self) -> None:
        old = self._count.size
        new = max(8, 2 * old)
        self._slot_busy = np.concatenate((self._slot_busy, np.zeros((new - old, self._setup.concurrency))))
        self._n_busy = np.concatenate((self._n_busy, np.zeros(new - old, dtype=np.int64)))
        self._count = np.concatenate((self._count, np.zeros(new - old, dtype=np.int64)))
        self._free_slots.extend(range(new - 1, old - 1, -1))

    # ------------------------------------------------------------------ time

    def advance(self, until: float) -> None:
        """Route every arrival before ``until``."""
        while True:
            if self._pos >= self._times.size:
                self._flush_chunk()
                chunk = next(self._chunks, None)
                if chunk is None:
                    self._load_chunk(_NO_REQUESTS)
                    break
                self._load_chunk(chunk)
                continue
            end = int(np.searchsorted(self._times, until, side="left"))
            if end > self._pos:
                self._route(end)
            if end < self._times.size:
                break
        take_snapshots(self._router_state(), until)

    def cpu_vcpu_seconds(self, start: float, end: float) -> float:
        """CPU work done in [start, end) (whole seconds), in vCPU-seconds."""
        return self._window_sum(SEC_CPU, start, end)

    def routed_requests(self, start: float, end: float) -> float:
        """Requests the ALB sent to tasks in [start, end) (whole seconds)."""
        return self._window_sum(SEC_ROUTED, start, end)

    def mean_in_system(self, start: float, end: float) -> float:
        """Mean of the per-second snapshots of requests in the system over [start, end) (whole seconds)."""
        span = round(end) - round(start)
        return self._window_sum(SEC_IN_SYSTEM, start, end) / span if span > 0 else 0.0

    def _window_sum(self, row: int, start: float, end: float) -> float:
        low = max(0, round(start) + self._setup.offset_s)
        high = min(self._sec.shape[1], round(end) + self._setup.offset_s)
        return float(self._sec[row, low:high].sum()) if high > low else 0.0

    def _load_chunk(self, chunk: RequestChunk) -> None:
        size = chunk.size
        self._times = chunk.time_s
        self._work_s = chunk.duration_s
        self._ties = chunk.ties
        if self._outcomes.shape[1] < size:
            # Outcome buffers are reused from chunk to chunk: fresh ones cost a page fault per
            # 4 kB (9% of a busy day's run time). The kernel writes every entry it reads.
            self._outcomes = np.empty((3, size))
            self._status_buffer = np.empty(size, dtype=np.int64)
        self._status = self._status_buffer[:size]
        self._latency_ms, self._wait_s, self._ok_latency_ms = (row[:size] for row in self._outcomes)
        self._state[STATE_OK_LATENCIES] = 0
        self._pos = 0

    def _router_state(self) -> RouterState:
        """The kernel's view of the queues now (the arrays are replaced when they grow)."""
        return RouterState(
            settings=self._settings,
            routable=self._routable_arr,
            alive=self._alive_arr,
            slot_busy=self._slot_busy,
            n_busy=self._n_busy,
            outstanding=self._count,
            heap_t=self._heap_t,
            heap_j=self._heap_j,
            counters=self._state,
            totals=self._acc,
            per_second=self._sec,
        )

    def _route(self, end: int) -> None:
        requests = Requests(self._times, self._work_s, self._ties)
        outcomes = Outcomes(self._status, self._latency_ms, self._wait_s, self._ok_latency_ms)
        while self._pos < end:
            self._pos = route_requests(requests, outcomes, self._pos, end, self._router_state())
            if self._pos < end:
                # Only more requests outstanding than ever before get here: memory follows the backlog.
                self._heap_t = np.concatenate((self._heap_t, np.zeros_like(self._heap_t)))
                self._heap_j = np.concatenate((self._heap_j, np.zeros_like(self._heap_j)))

    # ------------------------------------------------------------------ reducers

    def _flush_chunk(self) -> None:
        self._histogram.add(self._ok_latency_ms[: self._state[STATE_OK_LATENCIES]])
        if self._kept is not None and self._pos:
            arrays = (self._times, self._work_s, self._ties, self._status, self._latency_ms, self._wait_s)
            self._kept.append(tuple(array[: self._pos].copy() for array in arrays))  # buffers get reused

    def kept_requests(self) -> RequestRecord:
        """Every request routed so far with its draws and outcome (needs ``keep_requests=True``)."""
        if self._kept is None:
            raise ValueError("this data plane was made without keep_requests=True")
        columns = [np.concatenate(parts) for parts in zip(*self._kept, strict=True)] if self._kept else []
        return RequestRecord(*columns) if columns else RequestRecord(*(np.empty(0) for _ in range(6)))

    def finish(self) -> DataPlaneResult:
        """Route what is left and return the measured statistics."""
        self.advance(math.inf)
        offset = self._setup.offset_s
        acc = self._acc
        return DataPlaneResult(
            requests=int(acc[ACC_REQUESTS]),
            ok=int(acc[ACC_STATUS + STATUS_OK]),
            shed=int(acc[ACC_STATUS + STATUS_SHED]),
            no_target=int(acc[ACC_STATUS + STATUS_NO_TARGET]),
            timeouts=int(acc[ACC_STATUS + STATUS_TIMEOUT]),
            latency_ms=self._histogram.stats(),
            latency_quantiles=self._histogram.cdf_points(),
            routed=int(acc[ACC_ROUTED]),
            waited=int(acc[ACC_WAITED]),
            wait_sum_s=float(acc[ACC_WAIT_S]),
            time_at_task_sum_s=float(acc[ACC_AT_TASK_S]),
            sec_arrivals=self._sec[SEC_ARRIVALS, offset:],
            sec_served=self._sec[SEC_RESPONSES, offset:],
            sec_cpu_vcpu_s=self._sec[SEC_CPU, offset:],
            sec_in_system=self._sec[SEC_IN_SYSTEM, offset:],
            sec_waiting=self._sec[SEC_WAITING, offset:],
        )
