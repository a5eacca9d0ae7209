"""Where independent simulation units run: in this process, or a pool of processes on every core.

A unit is (profile, architecture, seed, replication, options) -> SimRun: pure and picklable,
with its seed derived from the unit itself, so every executor gives identical results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Protocol

from archsel.profile import WorkloadProfile
from archsel.sim.result import Architecture, SimOptions, SimRun
from archsel.sim.runner import simulate_one


@dataclass(frozen=True, slots=True)
class SimUnit:
    """One seeded replication of one architecture on one profile."""

    profile: WorkloadProfile
    architecture: Architecture
    seed: int
    replication: int
    options: SimOptions


def run_unit(unit: SimUnit) -> SimRun:
    """Run one unit (top-level so that process pools can pickle it)."""
    return simulate_one(
        unit.profile, unit.architecture, seed=unit.seed, replication=unit.replication, options=unit.options
    )


class Executor(Protocol):
    """Runs units and returns their results in the order given."""

    def run(self, units: Sequence[SimUnit], on_done: Callable[[SimUnit], None] | None = None) -> list[SimRun]:
        """Results of ``units``, in order; ``on_done`` is called as each finishes."""
        ...


class InProcessExecutor:
    """Runs units one after another in this process (tests, single runs)."""

    def run(self, units: Sequence[SimUnit], on_done: Callable[[SimUnit], None] | None = None) -> list[SimRun]:
        """Results of ``units``, in order."""
        results = []
        for unit in units:
            results.append(run_unit(unit))
            if on_done is not None:
                on_done(unit)
        return results


class ProcessPoolRunner:
    """Runs units on a pool of worker processes, one per core by default."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def run(self, units: Sequence[SimUnit], on_done: Callable[[SimUnit], None] | None = None) -> list[SimRun]:
        """Results of ``units``, in order; a single unit runs in process (no pool start-up)."""
        if len(units) <= 1 or self.workers == 1:
            return InProcessExecutor().run(units, on_done)
        results: dict[int, SimRun] = {}
        with ProcessPoolExecutor(max_workers=min(self.workers, len(units))) as pool:
            futures: dict[Future[SimRun], int] = {
                pool.submit(run_unit, unit): index for index, unit in enumerate(units)
            }
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                if on_done is not None:
                    on_done(units[index])
        return [results[index] for index in range(len(units))]


def default_executor() -> Executor:
    """The process pool on every core."""
    return ProcessPoolRunner()
