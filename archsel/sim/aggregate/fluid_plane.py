"""The fluid request side of the aggregate Fargate model: per-second arrivals served by the tasks in service.

Implements archsel.sim.fargate.dataplane.RequestSide, so the exact fleet and autoscaler drive it
unchanged. Each whole second: arrivals (the rate curve), capacity of the routable tasks (the
lesser of what their vCPUs and their concurrency slots can serve), a shared backlog bounded by
the queue limits, CPU used (what the CPU metric reads), and the mean requests in service per task
that the latency sample reads when the run ends.
"""

from __future__ import annotations

import math

import numpy as np

from archsel.sim.aggregate.slots import RoutableSlots
from archsel.sim.fargate.dataplane import DataPlaneResult, DataPlaneSetup
from archsel.sim.jit import entry
from archsel.sim.measure import LatencyHistogram

FIXED_POINT_STEPS = 40
LATENCY_SAMPLES = 200_000
"""Draws of the per-request path behind the latency percentiles."""
WORK_SAMPLES = 100_000
"""Draws of handler time behind its mean and the fixed-point of the in-service count."""

# rows of the per-second table
_ARRIVALS, _OK, _CPU, _ROUTED, _IN_SYSTEM, _WAITING, _IN_SERVICE, _WAIT_S, _TASKS, _SHED, _NO_TARGET = range(11)
_ROWS = 11


@entry
def serve_seconds(rate: np.ndarray, sec: np.ndarray, span: np.ndarray, backlog: float) -> float:
    """Serve seconds [span[0], span[1]) with span[2] tasks of capacity span[3] req/s in all; returns the backlog.

    span[4] is the backlog the queue limits allow (-1: unbounded), span[5] the vCPU-seconds a request uses.
    What the tasks cannot serve waits; past the limit it is shed (503); with no task it has no target.
    """
    tasks, capacity, limit, cpu_each = span[2], span[3], span[4], span[5]
    for index in range(int(span[0]), int(span[1])):
        arrivals = rate[index]
        sec[_ARRIVALS, index] = arrivals
        sec[_TASKS, index] = tasks
        if tasks <= 0:
            sec[_NO_TARGET, index] = arrivals
            continue
        offered = backlog + arrivals
        served = min(offered, capacity)
        backlog = offered - served
        shed = max(0.0, backlog - limit) if limit >= 0 else 0.0
        backlog -= shed
        sec[_OK, index] = served
        sec[_ROUTED, index] = arrivals - shed
        sec[_SHED, index] = shed
        sec[_CPU, index] = served * cpu_each
        sec[_WAITING, index] = backlog
        sec[_IN_SERVICE, index] = served / tasks  # per-task rate for now: finish() turns it into requests in service
        sec[_WAIT_S, index] = backlog / capacity if capacity > 0 else 0.0
    return backlog


class FluidPlane(RoutableSlots):
    """Per-second fluid queues behind the ALB; the control plane advances it like the exact DataPlane."""

    def __init__(self, setup: DataPlaneSetup, rate: np.ndarray, rng: np.random.Generator) -> None:
        super().__init__()
        self._setup = setup
        self._rate = rate
        self._rng = rng
        self._work = setup.duration_ms.sample(rng, WORK_SAMPLES) / 1_000.0
        self._mean_work = float(self._work.mean())
        self._sec = np.zeros((_ROWS, rate.size))
        self._next = 0
        self._backlog = 0.0

    def advance(self, until: float) -> None:
        """Serve every whole second that ends by ``until`` with the tasks in service now."""
        last = self._rate.size if math.isinf(until) else min(self._rate.size, math.floor(until + self._setup.offset_s))
        if last <= self._next:
            return
        setup = self._setup
        tasks = self.routable_count
        limit = -1.0 if setup.queue_limit is None else float(setup.queue_limit * tasks)
        self._backlog = serve_seconds(
            self._rate,
            self._sec,
            np.array([self._next, last, tasks, self._capacity(tasks), limit, setup.cpu_fraction * self._mean_work]),
            self._backlog,
        )
        self._next = last

    def _capacity(self, tasks: int) -> float:
        """Requests per second the tasks can serve: the lesser of what their slots and their vCPUs allow."""
        setup = self._setup
        slots = float(tasks * setup.concurrency)
        by_slots = slots / max(self._mean_work * setup.unloaded_factor, 1e-12)
        by_cpu = tasks * setup.vcpu / max(setup.cpu_fraction * self._mean_work, 1e-12)
        return min(by_slots, by_cpu)

    def _in_service_by_load(self, per_task_rps: np.ndarray, tasks: np.ndarray) -> np.ndarray:
        """`_in_service` of each second, solved once per distinct load (rates to 0.1%) and task count."""
        rounded = np.round(np.log(np.maximum(per_task_rps, 1e-12)) / math.log(1.001)).astype(np.int64)
        keys, inverse = np.unique(rounded * (1 << 24) + tasks.astype(np.int64), return_inverse=True)
        solved = self._in_service(1.001 ** (keys // (1 << 24)), (keys % (1 << 24)).astype(np.float64))
        return np.where(per_task_rps > 0, solved[inverse.ravel()], 0.0)

    def _in_service(self, per_task_rps: np.ndarray, tasks: np.ndarray) -> np.ndarray:
        """Mean requests in service on one task at each per-task rate.

        Little's law with the slowdown the others in service cause, (k + 1) x cpu_fraction / vCPU
        or the unloaded factor, k as the arrival finds it (`_beside_pmf`): iterated to its fixed point.
        """
        setup = self._setup
        share = setup.cpu_fraction / setup.vcpu
        levels = np.arange(setup.concurrency, dtype=np.float64)
        factor = np.maximum(setup.unloaded_factor, (levels + 1.0) * share)
        demand = per_task_rps * self._mean_work
        mean = demand * setup.unloaded_factor
        for _ in range(FIXED_POINT_STEPS):
            pmf = self._beside_pmf(mean, tasks, levels)
            mean = np.minimum(demand * (pmf @ factor), float(setup.concurrency))
        return mean

    def _beside_pmf(self, mean: np.ndarray, tasks: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """P(an arrival finds k requests in service on its task), one row per second.

        Least outstanding requests sends it to the least busy task: with loads balanced that task
        holds the floor of the fleet's mean, N / n with N Poisson around n x mean. Round robin and
        random routing split the arrivals at random: Poisson around the mean.
        """
        if self._setup.routing != "least_outstanding":
            return _poisson_pmf(mean, levels)
        spread = np.sqrt(np.maximum(mean, 1e-12) / np.maximum(tasks, 1.0))[:, None]
        edges = np.append(levels[1:], np.inf)[None, :]  # k takes [k, k + 1); below 0 and above c - 1 fold in
        cdf = _normal_cdf((edges - mean[:, None]) / spread)
        pmf = np.diff(np.concatenate((np.zeros((mean.size, 1)), cdf), axis=1), axis=1)
        pmf[:, -1] += np.maximum(0.0, 1.0 - pmf.sum(axis=1))
        return pmf

    def cpu_vcpu_seconds(self, start: float, end: float) -> float:
        """CPU work done in [start, end) (whole seconds), vCPU-seconds."""
        return self._window_sum(_CPU, start, end)

    def routed_requests(self, start: float, end: float) -> float:
        """Requests the ALB sent to tasks in [start, end) (whole seconds)."""
        return self._window_sum(_ROUTED, start, end)

    def _window_sum(self, row: int, start: float, end: float) -> float:
        low = max(0, round(start) + self._setup.offset_s)
        high = min(self._sec.shape[1], round(end) + self._setup.offset_s)
        return float(self._sec[row, low:high].sum()) if high > low else 0.0

    def finish(self) -> DataPlaneResult:
        """Serve what is left and return the statistics of [0, horizon)."""
        self.advance(math.inf)
        sec = self._sec[:, self._setup.offset_s :]
        sec[_IN_SERVICE] = self._in_service_by_load(sec[_IN_SERVICE], sec[_TASKS])
        sec[_IN_SYSTEM] = sec[_IN_SERVICE] * sec[_TASKS] + sec[_WAITING]
        ok_share, histogram = self._latencies(sec)
        ok = float(sec[_OK].sum())
        requests = float(sec[_ARRIVALS].sum())
        shed, no_target = float(sec[_SHED].sum()), float(sec[_NO_TARGET].sum())
        # answered after the ALB gave up (504), or still waiting when the window ends
        timeouts = ok * (1.0 - ok_share) + max(0.0, requests - ok - shed - no_target)
        return DataPlaneResult(
            requests=round(requests),
            ok=round(ok * ok_share),
            shed=round(shed),
            no_target=round(no_target),
            timeouts=round(timeouts),
            latency_ms=histogram.stats(),
            latency_quantiles=histogram.cdf_points(),
            routed=round(ok),
            waited=round(float((sec[_OK] * (sec[_WAIT_S] > 0)).sum())),
            wait_sum_s=float((sec[_OK] * sec[_WAIT_S]).sum()),
            time_at_task_sum_s=float((sec[_OK] * (sec[_WAIT_S] + self._mean_work * self._slowdown(sec))).sum()),
            sec_arrivals=sec[_ARRIVALS],
            sec_served=sec[_OK] * ok_share,
            sec_cpu_vcpu_s=sec[_CPU],
            sec_in_system=sec[_IN_SYSTEM],
            sec_waiting=sec[_WAITING],
        )

    def _beside(self, mean: np.ndarray, tasks: np.ndarray) -> np.ndarray:
        """Requests in service beside each sampled arrival (drawn as `_beside_pmf` describes)."""
        if self._setup.routing == "least_outstanding":
            drawn = np.floor(self._rng.normal(mean, np.sqrt(mean / np.maximum(tasks, 1.0))))
        else:
            drawn = self._rng.poisson(mean).astype(np.float64)
        return np.clip(drawn, 0.0, self._setup.concurrency - 1.0)

    def _slowdown(self, sec: np.ndarray) -> np.ndarray:
        share = self._setup.cpu_fraction / self._setup.vcpu
        slowdown: np.ndarray = np.maximum(self._setup.unloaded_factor, (sec[_IN_SERVICE] + 1.0) * share)
        return slowdown

    def _latencies(self, sec: np.ndarray) -> tuple[float, LatencyHistogram]:
        """(share answered within the ALB's idle timeout, their latency histogram) from a seeded sample."""
        histogram = LatencyHistogram()
        weights = sec[_OK]
        total = float(weights.sum())
        if total <= 0:
            return 1.0, histogram
        seconds = self._rng.choice(weights.size, size=LATENCY_SAMPLES, p=weights / total)
        setup = self._setup
        share = setup.cpu_fraction / setup.vcpu
        beside = self._beside(sec[_IN_SERVICE, seconds], sec[_TASKS, seconds])
        waiting = sec[_WAIT_S, seconds] > 0
        factor = np.where(waiting, setup.concurrency * share, (beside + 1.0) * share)
        work = self._rng.choice(self._work, size=LATENCY_SAMPLES)
        latency_s = setup.alb_latency_s + sec[_WAIT_S, seconds] + work * np.maximum(setup.unloaded_factor, factor)
        answered = latency_s < setup.idle_timeout_s
        histogram.add(latency_s[answered] * 1_000.0)
        return float(answered.mean()), histogram


def _poisson_pmf(mean: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """P(K = k) for k in ``levels`` (0..c-1), the tail folded into the last, one row per mean."""
    safe = np.maximum(mean, 1e-300)[:, None]
    log_pmf = levels[None, :] * np.log(safe) - safe - np.array([math.lgamma(k + 1.0) for k in levels])[None, :]
    pmf: np.ndarray = np.exp(log_pmf)
    pmf[:, -1] += np.maximum(0.0, 1.0 - pmf.sum(axis=1))
    return pmf


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF (Abramowitz and Stegun 7.1.26 for erf, |error| < 1.5e-7), vectorised."""
    x = np.abs(z) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-x * x)
    cdf: np.ndarray = np.where(z >= 0, 0.5 * (1.0 + erf), 0.5 * (1.0 - erf))
    return cdf
