"""Sizes a run before it starts, and picks the model that holds at that size: exact per request, or aggregate.

The exact models route every request: their time grows with the requests of a run and part of
their memory with its simulated seconds (per-second series), so a big profile is estimated first.
When the estimate passes the profile's ``simulation.budget`` (sized for a 2-core, 24 GB machine),
the aggregate model runs instead: it steps a diffusion, fluid or loss model of the environment
pool, the task fleet or the instance fleet through one traffic cycle, in time and memory that do
not grow with the request rate or the horizon. The choice and its reason are recorded in each run (``SimRun.model``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from archsel.errors import ProfileError
from archsel.profile.architecture import Architecture
from archsel.profile.routes import mean_duration_ms
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import cycle_seconds, summarize
from archsel.profile.units import format_duration

ModelName = Literal["exact", "aggregate"]

EXACT_REQUESTS_PER_S = 2.0e6
"""Requests an exact model routes per CPU second (bench/bench_lambda.py measures ~2.5 M on one core)."""
SERIES_BYTES_PER_S = 160.0
"""Per simulated second the exact models keep a rate and a few per-second series (8 bytes each)."""
CHUNK_BYTES = 64e6
"""Arrival chunks and their draws in flight, whatever the rate (two chunks of ~262,144 requests)."""
BACKLOG_BYTES_PER_REQUEST = 24.0
"""A request waiting in an unbounded Fargate queue holds its time, work and a heap entry."""


@dataclass(frozen=True, slots=True)
class RunSize:
    """What one exact run of a profile would take, estimated from the profile alone."""

    requests: float
    """Arrivals over warm-up and horizon."""
    events: float
    """Kernel events (an arrival, a completion, an expiry or a queue step per request)."""
    memory_bytes: float
    cpu_seconds: float


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """Which model runs and why (the reason is shown in the output)."""

    model: ModelName
    reason: str
    size: RunSize


def run_size(profile: WorkloadProfile, architecture: Architecture, *, horizon_s: float, warmup_s: float) -> RunSize:
    """The requests, events, memory and CPU time of one exact run of ``architecture``."""
    summary = summarize(profile)
    span = horizon_s + warmup_s
    requests = summary.mean_rps * span
    memory = CHUNK_BYTES + SERIES_BYTES_PER_S * span
    if architecture == Architecture.FARGATE:
        memory += BACKLOG_BYTES_PER_REQUEST * _fargate_backlog(profile, summary.peak_rps, span)
    return RunSize(
        requests=requests, events=3.0 * requests, memory_bytes=memory, cpu_seconds=requests / EXACT_REQUESTS_PER_S
    )


def _fargate_backlog(profile: WorkloadProfile, peak_rps: float, span_s: float) -> float:
    """Requests an unbounded queue may pile up when the peak needs more than ``max_tasks`` can serve."""
    fargate = profile.fargate
    if fargate.queue_limit is not None:
        return 0.0
    work_s = mean_duration_ms(profile) / 1_000.0
    per_task = fargate.vcpu / max(profile.request.cpu_fraction * work_s, 1e-9)
    excess = peak_rps - per_task * fargate.max_tasks
    return max(0.0, excess) * span_s / 2.0


def choose_model(
    profile: WorkloadProfile, architecture: Architecture, *, horizon_s: float, warmup_s: float
) -> ModelChoice:
    """Exact when the run fits ``simulation.budget`` (or is forced by ``budget.model``), else aggregate."""
    budget = profile.simulation.budget
    size = run_size(profile, architecture, horizon_s=horizon_s, warmup_s=warmup_s)
    window = aggregate_window_s(profile, horizon_s)
    cycle = f"; one {format_duration(window)} traffic cycle stands for the {format_duration(horizon_s)} horizon"
    cycle = cycle if window < horizon_s else ""
    if budget.model == "exact":
        _refuse_unbounded_exact(profile, architecture, size, horizon_s)
    if budget.model != "auto":
        return ModelChoice(
            budget.model,
            f"simulation.budget.model is {budget.model}" + (cycle if budget.model == "aggregate" else ""),
            size,
        )
    over = []
    if size.cpu_seconds > budget.seconds:
        over.append(
            f"~{_count(size.requests)} requests would take ~{_duration(size.cpu_seconds)} per run "
            f"(budget {_duration(budget.seconds)})"
        )
    if size.memory_bytes > budget.memory_gb * 1e9:
        over.append(f"~{size.memory_bytes / 1e9:,.1f} GB of memory (budget {budget.memory_gb:g} GB)")
    if not over:
        return ModelChoice("exact", "", size)
    return ModelChoice("aggregate", "exact model over budget: " + "; ".join(over) + cycle, size)


def _refuse_unbounded_exact(
    profile: WorkloadProfile, architecture: Architecture, size: RunSize, horizon_s: float
) -> None:
    """A forced exact run whose per-second arrays would pass the memory budget stops here, before any work.

    The exact models keep a few arrays with one entry per simulated second (the arrival rate,
    the Fargate metrics the alarms read), so their memory grows with the horizon: a century's
    horizon would ask for hundreds of GB and die of it. Under ``model: auto`` such a run goes to
    the aggregate model, whose memory is one traffic cycle's; forced exact, it is refused.
    """
    limit_gb = profile.simulation.budget.memory_gb
    if size.memory_bytes <= limit_gb * 1e9:
        return
    raise ProfileError(
        f"simulation.budget.model is exact, but one exact {architecture} run over the "
        f"{format_duration(horizon_s)} horizon would need ~{size.memory_bytes / 1e9:,.1f} GB of memory "
        f"(budget {limit_gb:g} GB): its per-second arrays grow with the horizon",
        hint="shorten simulation.horizon (one traffic cycle is scaled to the month), raise "
        "simulation.budget.memory_gb, or set simulation.budget.model: auto to run the aggregate model",
    )


def aggregate_window_s(profile: WorkloadProfile, horizon_s: float) -> float:
    """The window an aggregate run steps through: the horizon, or one whole traffic cycle when that is shorter.

    The fluid model repeats exactly from one cycle to the next (the warm-up replays the cycle's
    end), so one cycle stands for any number of them and memory does not grow with the horizon.
    """
    return float(min(horizon_s, max(cycle_seconds(profile.traffic), 1)))


def _count(value: float) -> str:
    for unit, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:,.1f} {unit}"
    return f"{value:,.0f}"


def _duration(seconds: float) -> str:
    if seconds >= 3_600:
        return f"{seconds / 3_600:,.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:,.1f} min"
    return f"{math.ceil(seconds):,d} s"
