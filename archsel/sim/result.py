"""What one simulation run of one architecture returns: the shape both models fill in.

The Lambda and Fargate models each return a `SimRun`; the runner aggregates replications,
prices `usage` with the cost engine and renders the JSON output (stable keys) from these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from archsel.billing.usage import ComputeUsage
from archsel.profile.architecture import Architecture
from archsel.sim.figures import Figures


@dataclass(frozen=True, slots=True)
class SimOptions:
    """How to run one simulation (from the profile's `simulation` section and the CLI)."""

    horizon_s: float
    warmup_s: float
    record_timeseries: bool = False
    """Keep per-second series (arrivals, concurrency, ...) for --timeseries and charts."""
    seed: int = 0
    """The seed of the run (the profile's ``simulation.seed`` or the ``--seed`` override); recorded in SimRun."""
    replication: int = 0
    """Which replication this run is (0-based): with the seed and the architecture it picks the draws."""


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """End-to-end latency figures in milliseconds, over requests that got a response."""

    mean: float
    p50: float
    p95: float
    p99: float
    p999: float
    max: float


@dataclass(frozen=True, slots=True)
class ScalingEvent:
    """One change of a Fargate service's desired task count."""

    time_s: float
    from_tasks: int
    to_tasks: int
    reason: str


@dataclass(frozen=True, slots=True)
class InstanceStats:
    """Lambda execution environments alive over time (time-weighted means)."""

    mean: float
    max: int
    mean_busy: float
    mean_idle: float


@dataclass(frozen=True, slots=True)
class TaskStats:
    """Fargate tasks running over time (time-weighted mean, min and max)."""

    mean: float
    min: int
    max: int


@dataclass(frozen=True, slots=True)
class RouteStats:
    """One API route's outcome on Lambda (profiles with request.routes), counted after warm-up.

    Counts add up over routes to the run's totals; ``throttled`` counts both layers (API Gateway
    and Lambda) and ``errors`` is throttles plus timeouts, as for the run.
    """

    route: str
    function: str
    memory_mb: int
    requests: int
    errors: int
    cold_starts: int
    throttled: int
    timeouts: int
    invocations: int
    latency_ms: LatencyStats

    @property
    def cold_start_ratio(self) -> float:
        """Share of the route's requests that waited for an INIT."""
        return self.cold_starts / self.requests if self.requests else 0.0


@dataclass(frozen=True, slots=True)
class TimeSeries:
    """Per-second series; every column has one value per simulated second."""

    columns: tuple[tuple[str, np.ndarray], ...]

    def column(self, name: str) -> np.ndarray:
        """The series called ``name``."""
        for key, values in self.columns:
            if key == name:
                return values
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class SimRun:
    """Outcome of one seeded run of one architecture, statistics taken after warm-up.

    ``requests`` counts every arrival after warm-up; ``errors`` counts every request that did
    not get a normal response (throttled at either layer, timed out, shed).
    """

    architecture: Architecture
    seed: int
    """The seed the run was made with (``SimOptions.seed``; its replication picks the stream)."""
    simulated_s: float
    requests: int
    errors: int
    latency_ms: LatencyStats
    usage: ComputeUsage
    """Billed usage scaled to the month (the runner prices it)."""
    figures: Figures
    """The model's own figures (LambdaFigures or FargateFigures, by architecture)."""
    cold_starts: int = 0
    throttled: int = 0
    timeouts: int = 0
    shed: int = 0
    instances: InstanceStats | None = None
    tasks: TaskStats | None = None
    scaling_events: tuple[ScalingEvent, ...] = ()
    latency_quantiles: tuple[tuple[float, float], ...] = ()
    """(quantile, ms) pairs of the latency distribution, for CDF charts (LatencyHistogram.cdf_points())."""
    routes: tuple[RouteStats, ...] = ()
    """Per-route outcome (Lambda, when the profile lists routes)."""
    ec2_instances: TaskStats | None = None
    """EC2 instances of a Lambda Managed Instances capacity provider in service (mean, min, max)."""
    timeseries: TimeSeries | None = field(default=None, compare=False)
    model: str = "exact"
    """Which model ran: "exact" (every request routed) or "aggregate" (archsel.sim.aggregate, at scale)."""
    model_reason: str = ""
    """Why the aggregate model ran (empty for the exact one)."""

    @property
    def error_ratio(self) -> float:
        """Share of requests that failed."""
        return self.errors / self.requests if self.requests else 0.0

    @property
    def cold_start_ratio(self) -> float:
        """Share of requests that waited for an INIT."""
        return self.cold_starts / self.requests if self.requests else 0.0
