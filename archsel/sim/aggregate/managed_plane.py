"""The aggregate request side of Lambda Managed Instances: each second, the instances in service at that second's rate.

Implements archsel.sim.lambda_managed.scaler.ManagedRequestSide, so the exact fleet and scaler
drive it unchanged. Each whole second: arrivals (the rate curve) meet the instances in service in
the stationary state of the M/M/c/N chain of loss_states.py (Lambda never queues a synchronous
invoke: a full fleet throttles), which gives the throttled share, the CPU the served requests use
(what the scaler reads), the requests in flight (its saturation reading) and how many share each
admitted request's instance. Latency percentiles come from a seeded sample of the per-request
path: API Gateway's latency plus handler time slowed as the exact model slows it,
max(unloaded, j x cpu_fraction / vCPU) with j the requests on its instance, itself included.
"""

from __future__ import annotations

import math

import numpy as np

from archsel.sim.aggregate.loss_states import FleetShape, LoadState, load_state
from archsel.sim.aggregate.slots import RoutableSlots
from archsel.sim.fargate.dataplane import DataPlaneResult, DataPlaneSetup
from archsel.sim.measure import LatencyHistogram

LATENCY_SAMPLES = 200_000
"""Draws of the per-request path behind the latency percentiles."""
WORK_SAMPLES = 100_000
"""Draws of handler time behind its mean."""
RATE_STEP = 1.001
"""Loads within 0.1 % of each other share one solved state (a day of smooth traffic needs a few thousand)."""

# rows of the per-second table
_ARRIVALS, _SERVED, _THROTTLED, _NO_TARGET, _CPU, _IN_FLIGHT, _INSTANCES, _STATE, _FACTOR = range(9)
_ROWS = 9


class ManagedPlane(RoutableSlots):
    """Per-second stationary states of the instances in service; the fleet advances it like the exact DataPlane."""

    def __init__(self, setup: DataPlaneSetup, rate: np.ndarray, rng: np.random.Generator) -> None:
        super().__init__()
        self._setup = setup
        self._rate = rate
        self._rng = rng
        self._mean_work = float((setup.duration_ms.sample(rng, WORK_SAMPLES) / 1_000.0).mean())
        self._share = setup.cpu_fraction / setup.vcpu
        self._sec = np.zeros((_ROWS, rate.size))
        self._next = 0
        self._states: list[LoadState] = []
        self._index: dict[tuple[int, int], int] = {}

    def advance(self, until: float) -> None:
        """Serve every whole second that ends by ``until`` with the instances in service now."""
        last = self._rate.size if math.isinf(until) else min(self._rate.size, math.floor(until + self._setup.offset_s))
        if last <= self._next:
            return
        span = slice(self._next, last)
        arrivals = self._rate[span]
        sec = self._sec
        sec[_ARRIVALS, span] = arrivals
        instances = self.routable_count
        sec[_INSTANCES, span] = instances
        self._next = last
        if instances == 0:
            sec[_NO_TARGET, span] = arrivals
            return
        ids = self._state_ids(arrivals, instances)
        unique, inverse = np.unique(ids, return_inverse=True)
        states = [self._states[state_id] for state_id in unique]
        throttled = np.array([state.throttled_share for state in states])[inverse]
        served = arrivals * (1.0 - throttled)
        sec[_SERVED, span] = served
        sec[_THROTTLED, span] = arrivals - served
        sec[_CPU, span] = served * self._mean_work * self._setup.cpu_fraction
        sec[_IN_FLIGHT, span] = np.array([state.mean_in_flight for state in states])[inverse]
        sec[_STATE, span] = ids
        sec[_FACTOR, span] = np.array([float(state.level_pmf @ self._factors()) for state in states])[inverse]

    def _state_ids(self, arrivals: np.ndarray, instances: int) -> np.ndarray:
        """Index into ``_states`` of each second's solved state (zero rate: the empty state)."""
        buckets = np.where(
            arrivals > 0, np.round(np.log(np.maximum(arrivals, 1e-300)) / math.log(RATE_STEP)), np.iinfo(np.int64).min
        ).astype(np.int64)
        ids = np.empty(buckets.size, dtype=np.int64)
        for bucket in np.unique(buckets):
            key = (int(bucket), instances)
            if key not in self._index:
                rate = 0.0 if bucket == np.iinfo(np.int64).min else RATE_STEP ** int(bucket)
                self._index[key] = len(self._states)
                self._states.append(load_state(rate * self._service_s(), self._fleet(instances)))
            ids[buckets == bucket] = self._index[key]
        return ids

    def _service_s(self) -> float:
        """Mean time a request holds a slot when nothing else slows it."""
        return self._mean_work * self._setup.unloaded_factor

    def _fleet(self, instances: int) -> FleetShape:
        setup = self._setup
        cpu_bound = setup.unloaded_factor * instances / self._share if self._share > 0 else math.inf
        return FleetShape(instances=instances, slots=setup.concurrency, cpu_bound=cpu_bound)

    def _factors(self) -> np.ndarray:
        """Slowdown of a request that is the j-th in flight on its instance, j = 1..slots."""
        levels = np.arange(1, self._setup.concurrency + 1, dtype=np.float64)
        factors: np.ndarray = np.maximum(self._setup.unloaded_factor, levels * self._share)
        return factors

    def cpu_vcpu_seconds(self, start: float, end: float) -> float:
        """CPU work done in [start, end) (whole seconds), vCPU-seconds."""
        return self._window_sum(_CPU, start, end)

    def routed_requests(self, start: float, end: float) -> float:
        """Requests the instances took in [start, end) (whole seconds)."""
        return self._window_sum(_SERVED, start, end)

    def mean_in_system(self, start: float, end: float) -> float:
        """Mean requests in flight over [start, end) (whole seconds)."""
        span = round(end) - round(start)
        return self._window_sum(_IN_FLIGHT, start, end) / span if span > 0 else 0.0

    def _window_sum(self, row: int, start: float, end: float) -> float:
        low = max(0, round(start) + self._setup.offset_s)
        high = min(self._next, round(end) + self._setup.offset_s)
        return float(self._sec[row, low:high].sum()) if high > low else 0.0

    def finish(self) -> DataPlaneResult:
        """Serve what is left and return the statistics of [0, horizon)."""
        self.advance(math.inf)
        sec = self._sec[:, self._setup.offset_s :]
        served = sec[_SERVED]
        ok_share, histogram = self._latencies(sec)
        requests = float(sec[_ARRIVALS].sum())
        throttled, no_target = float(sec[_THROTTLED].sum()), float(sec[_NO_TARGET].sum())
        total_served = float(served.sum())
        return DataPlaneResult(
            requests=round(requests),
            ok=round(total_served * ok_share),
            shed=round(throttled),
            no_target=round(no_target),
            timeouts=round(total_served * (1.0 - ok_share)),  # answered after API Gateway gave up (504)
            latency_ms=histogram.stats(),
            latency_quantiles=histogram.cdf_points(),
            routed=round(total_served),
            waited=0,
            wait_sum_s=0.0,
            time_at_task_sum_s=float((served * sec[_FACTOR]).sum()) * self._mean_work,
            sec_arrivals=sec[_ARRIVALS],
            sec_served=served * ok_share,
            sec_cpu_vcpu_s=sec[_CPU],
            sec_in_system=sec[_IN_FLIGHT],
            sec_waiting=np.zeros_like(served),
        )

    def _latencies(self, sec: np.ndarray) -> tuple[float, LatencyHistogram]:
        """(share answered within API Gateway's timeout, their latency histogram) from a seeded sample."""
        histogram = LatencyHistogram()
        weights = sec[_SERVED]
        total = float(weights.sum())
        if total <= 0:
            return 1.0, histogram
        seconds = self._rng.choice(weights.size, size=LATENCY_SAMPLES, p=weights / total)
        ids = sec[_STATE, seconds].astype(np.int64)
        levels = np.empty(LATENCY_SAMPLES, dtype=np.int64)
        draws = self._rng.random(LATENCY_SAMPLES)
        for state_id in np.unique(ids):
            chosen = ids == state_id
            cdf = np.cumsum(self._states[state_id].level_pmf)
            levels[chosen] = np.minimum(np.searchsorted(cdf, draws[chosen] * cdf[-1], side="right"), cdf.size - 1)
        work = self._setup.duration_ms.sample(self._rng, LATENCY_SAMPLES) / 1_000.0
        latency_s = self._setup.alb_latency_s + work * self._factors()[levels]
        answered = latency_s < self._setup.idle_timeout_s
        histogram.add(latency_s[answered] * 1_000.0)
        return float(answered.mean()), histogram
