"""The one seam between the runner and the simulators: what a simulator takes, returns, and draws from.

Every architecture's simulator is a `Simulator`: a profile and `SimOptions` in, a `SimRun` out.
The options carry the seed and the replication; `run_generator` turns them into the run's
Generator and `named_streams` splits it into the independent streams a model draws from.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.result import SimOptions, SimRun

ARCHITECTURE_STREAMS: dict[Architecture, int] = {
    Architecture.LAMBDA: 0,
    Architecture.FARGATE: 1,
    Architecture.LAMBDA_MANAGED: 2,
}
"""Each architecture's entry in the seed sequence: no two share random numbers."""


class Simulator(Protocol):
    """One seeded replication of one architecture (``options.seed`` and ``options.replication`` pick the draws)."""

    def __call__(self, profile: WorkloadProfile, options: SimOptions, /) -> SimRun:
        """Simulate ``profile`` under ``options``."""
        ...


def run_generator(architecture: Architecture, options: SimOptions) -> np.random.Generator:
    """The Generator of one replication of one architecture.

    Derived from (seed, architecture, replication) with numpy's SeedSequence, never from the
    worker or the order of execution, so any executor gives the same numbers.
    """
    entropy = [options.seed, ARCHITECTURE_STREAMS[architecture], options.replication]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def named_streams(rng: np.random.Generator, *names: str) -> dict[str, np.random.Generator]:
    """Independent child streams of ``rng``, one per name, spawned in the order the names are given.

    A model's draws depend on how many streams it asks for and in which order, so each model
    keeps naming its own streams in its own order (Lambda two, Fargate three): the same names
    in the same order give the same streams for the same seed.
    """
    try:
        children = rng.spawn(len(names))
    except TypeError:  # a Generator not built on a SeedSequence cannot spawn: seed children from it
        children = [np.random.default_rng(int(seed)) for seed in rng.integers(2**63, size=len(names))]
    return dict(zip(names, children, strict=True))
