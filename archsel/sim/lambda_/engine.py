"""SimPy drives the Lambda run: time, provisioned-concurrency schedule and allocation, chunk calls.

The data plane is one SimPy process that hands arrivals to the compiled kernel in batches,
each batch ending at the next control-plane event, so a provisioned-concurrency change applies
exactly at its time. Control processes (schedule changes, allocation delays, the start of
measurement) are ordinary SimPy processes that call `advance` before they change the state.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import simpy

from archsel.sim.arrivals import RequestChunk
from archsel.sim.lambda_.config import LambdaConfig
from archsel.sim.lambda_.inputs import ColdBlock
from archsel.sim.lambda_.kernel import ChunkInputs, Latencies, add_event, advance, run_arrivals
from archsel.sim.lambda_.layout import (
    INF,
    K_PC_CONFIGURED,
    K_PC_READY,
    N_ALIVE,
    N_COLD_POS,
    N_FUNCTIONS,
    N_MAX_ENVIRONMENTS,
    N_PC_CONFIGURED,
    N_PC_READY,
    KernelState,
    fold_routes,
    new_state,
)
from archsel.sim.measure import LatencyHistogram

Progress = Callable[[float], None]
"""Called with the share of simulated time done (0-1) after each chunk."""

Step = tuple[float, int]
"""(time, count) from which a step function holds ``count``."""


@dataclass(frozen=True, slots=True)
class EngineResult:
    """Raw outcome of one run: kernel state after the run, latencies, provisioned steps (per function)."""

    config: LambdaConfig
    state: KernelState
    histogram: LatencyHistogram
    configured_steps: tuple[Step, ...]
    ready_steps: tuple[Step, ...]
    route_histograms: tuple[LatencyHistogram, ...] = ()
    """Latencies of each route (only when the profile lists routes)."""


class _Engine:
    """Kernel state plus the few Python-side records of the control plane."""

    def __init__(self, config: LambdaConfig, cold: Iterator[ColdBlock], *, series: bool, log_capacity: int) -> None:
        self.config = config
        self.state = new_state(config, series=series, log_capacity=log_capacity)
        self.cold = cold
        self.block = next(cold)
        self.histogram = LatencyHistogram()
        routes = len(config.routing.shares)
        self.route_histograms = tuple(LatencyHistogram() for _ in range(routes))
        self.no_route = np.zeros(0, dtype=np.int64)
        start = -config.warmup_s
        self.configured: list[Step] = [(start, config.provisioned_initial)]
        self.ready: list[Step] = [(start, config.provisioned_initial)]

    def run(self, chunk: RequestChunk, start: int, stop: int) -> None:
        """Hand arrivals [start, stop) of ``chunk`` to the kernel."""
        latencies = Latencies(ms=np.empty(stop - start), route=np.empty(stop - start, dtype=np.int64))
        route = chunk.route if chunk.route is not None else self._route_zero(chunk.size)
        written = 0
        while start < stop:
            inputs = ChunkInputs(
                time_s=chunk.time_s[start:stop],
                duration_s=chunk.duration_s[start:stop],
                keep_alive_s=chunk.keep_alive_s[start:stop],
                api_s=chunk.api_s[start:stop],
                route=route[start:stop],
                cold_init_s=self.block.init_s.reshape(-1, self.block.age.size),
                cold_age=self.block.age,
            )
            handled, written = run_arrivals(inputs, latencies, written, self.state)
            start += handled
            if start < stop:  # the block of cold-start draws is used up
                self.block = next(self.cold)
                self.state.pool.counts[N_COLD_POS] = 0
        self.histogram.add(latencies.ms[:written])
        if self.route_histograms:
            self._add_by_route(latencies.ms[:written], latencies.route[:written])

    def _route_zero(self, size: int) -> np.ndarray:
        """Route 0 for every arrival (no routes listed), from a reused buffer."""
        if self.no_route.size < size:
            self.no_route = np.zeros(size, dtype=np.int64)
        return self.no_route[:size]

    def _add_by_route(self, latency: np.ndarray, route: np.ndarray) -> None:
        order = np.argsort(route, kind="stable")
        bounds = np.searchsorted(route[order], np.arange(len(self.route_histograms) + 1))
        for index, histogram in enumerate(self.route_histograms):
            histogram.add(latency[order[bounds[index] : bounds[index + 1]]])

    def advance(self, time: float) -> None:
        """Apply completions and expiries due by ``time``."""
        advance(self.state, time)

    def note_max(self) -> None:
        """Environments alive now count toward the maximum (called when measurement starts)."""
        n = self.state.pool.counts
        n[N_MAX_ENVIRONMENTS] = max(n[N_MAX_ENVIRONMENTS], n[N_ALIVE] + n[N_FUNCTIONS] * n[N_PC_READY])

    def configure(self, time: float, count: int) -> None:
        """Provisioned concurrency configured to ``count``; a decrease frees environments at once."""
        self.advance(time)
        self.state.pool.counts[N_PC_CONFIGURED] = count
        self.configured.append((time, count))
        self._log(time, K_PC_CONFIGURED, count)
        if count < self.state.pool.counts[N_PC_READY]:
            self.make_ready(time, count)

    def allocated(self, time: float, count: int) -> None:
        """An allocation of ``count`` environments completes (never above what is configured now)."""
        n = self.state.pool.counts
        target = max(int(n[N_PC_READY]), min(count, int(n[N_PC_CONFIGURED])))
        if target != n[N_PC_READY]:
            self.make_ready(time, target)

    def make_ready(self, time: float, count: int) -> None:
        self.advance(time)
        self.state.pool.counts[N_PC_READY] = count
        self.ready.append((time, count))
        self._log(time, K_PC_READY, count)
        if time >= 0:
            self.note_max()

    def _log(self, time: float, kind: int, count: int) -> None:
        if self.state.records.log_time.size:
            add_event(self.state, time, kind, count)

    def result(self) -> EngineResult:
        self.advance(INF)
        fold_routes(self.state)
        return EngineResult(
            self.config,
            self.state,
            self.histogram,
            tuple(self.configured),
            tuple(self.ready),
            self.route_histograms,
        )


def _data_plane(
    env: simpy.Environment, engine: _Engine, chunks: Iterable[RequestChunk], progress: Progress | None
) -> Generator[simpy.Event, object, None]:
    """Feed arrivals to the kernel up to each next control event, then let SimPy advance time."""
    span = engine.config.horizon_s + engine.config.warmup_s
    for chunk in chunks:
        start = 0
        while start < chunk.size:
            stop = int(np.searchsorted(chunk.time_s, env.peek(), side="left"))
            if stop > start:
                engine.run(chunk, start, stop)
                start = stop
            if start < chunk.size:
                yield env.timeout(float(chunk.time_s[start]) - env.now)
        if progress is not None and chunk.size:
            progress(min(1.0, (float(chunk.time_s[-1]) + engine.config.warmup_s) / span))


def _measurement_start(env: simpy.Environment, engine: _Engine) -> Generator[simpy.Event, object, None]:
    yield env.timeout(-env.now)
    engine.advance(0.0)
    engine.note_max()


def _provisioned(env: simpy.Environment, engine: _Engine) -> Generator[simpy.Event, object, None]:
    config = engine.config
    for change in config.provisioned_changes:
        yield env.timeout(change.time_s - env.now)
        engine.configure(env.now, change.count)
        env.process(_allocation(env, engine, change.count))


def _allocation(env: simpy.Environment, engine: _Engine, count: int) -> Generator[simpy.Event, object, None]:
    # AWS: provisioned concurrency "takes a minute or two to become active", and none of a request is
    # usable until all of it is (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html)
    yield env.timeout(engine.config.provisioned_allocation_s)
    engine.allocated(env.now, count)


def execute(
    config: LambdaConfig,
    chunks: Iterable[RequestChunk],
    cold: Iterator[ColdBlock],
    *,
    series: bool = False,
    log_capacity: int = 0,
    progress: Progress | None = None,
) -> EngineResult:
    """Run the model over [-warmup, horizon) on the given arrivals and cold-start draws."""
    engine = _Engine(config, cold, series=series, log_capacity=log_capacity)
    env = simpy.Environment(initial_time=-config.warmup_s)
    if config.warmup_s > 0:
        env.process(_measurement_start(env, engine))
    else:
        engine.note_max()
    if config.provisioned_changes:
        env.process(_provisioned(env, engine))
    env.process(_data_plane(env, engine, chunks, progress))
    env.run(until=config.horizon_s)
    return engine.result()
