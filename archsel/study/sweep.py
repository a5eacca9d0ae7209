"""`archsel sweep`: the cross product of varied profile fields, each point simulated and priced, and the flips.

Every point gets its own seed, hashed from the base seed and the point's values, so a point
gives the same numbers on any executor, with any number of workers, and in any sweep that
contains it. Units run on the executor given; pricing and the SLO checks run here afterwards.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from archsel.errors import PricingError, UsageError
from archsel.evaluate.candidate import check_slos
from archsel.evaluate.executors import Executor, OnDone, SimUnit, UnitFailure
from archsel.evaluate.runner import price_replications
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.result import SimOptions, SimRun
from archsel.study.axes import Axis, ProfileDocument, Scalar, describe_point, point_profile, read_value

MAX_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """One combination of the varied values, its profile and its seed."""

    index: int
    values: tuple[Scalar, ...]
    """Validated values, one per axis (``1h`` is 3600.0)."""
    profile: WorkloadProfile
    seed: int


@dataclass(frozen=True, slots=True)
class SweepPlan:
    """Every point of a sweep, validated before anything runs."""

    base: WorkloadProfile
    source: str
    axes: tuple[Axis, ...]
    points: tuple[SweepPoint, ...]
    architectures: tuple[Architecture, ...]

    def units(self) -> tuple[SimUnit, ...]:
        """The work: every replication of every architecture at every point, point by point."""
        return tuple(unit for point in self.points for unit in point_units(point, self.architectures))

    def label(self, point: SweepPoint) -> str:
        """``lambda.memory_mb=512, traffic.mean_rps=5``."""
        return describe_point(self.axes, point.values)


@dataclass(frozen=True, slots=True)
class ArchOutcome:
    """One architecture at one point: means over the replications."""

    architecture: Architecture
    monthly_usd: Decimal
    monthly_usd_half_width: float
    p99_ms: float
    error_ratio: float
    cold_start_ratio: float
    meets_slos: bool
    missing_prices: tuple[str, ...]
    missed: tuple[str, ...] = ()
    """Each objective missed, with its target and the value, e.g. "monthly_budget_usd 100 USD: 110.74"."""


@dataclass(frozen=True, slots=True)
class PointResult:
    """What one point gave; an architecture with a failed replication is left out and its failures listed."""

    point: SweepPoint
    outcomes: tuple[ArchOutcome, ...]
    failures: tuple[UnitFailure, ...]

    @property
    def complete(self) -> bool:
        """Whether every unit of the point gave a result."""
        return not self.failures

    def outcome(self, architecture: str) -> ArchOutcome | None:
        """The outcome of ``architecture`` (None when it was not swept or failed)."""
        return next((o for o in self.outcomes if o.architecture == architecture), None)

    @property
    def cheapest(self) -> Architecture | None:
        """The cheapest architecture (None for an incomplete point)."""
        return _cheapest(self.outcomes) if self.complete else None

    @property
    def why_none_met(self) -> str:
        """Why no architecture met the objectives ("" when one did or the point is incomplete)."""
        if not self.complete or self.cheapest_meeting_slos is not None:
            return ""
        return "; ".join(f"{o.architecture} missed {', '.join(o.missed)}" for o in self.outcomes if o.missed)

    @property
    def cheapest_meeting_slos(self) -> Architecture | None:
        """The cheapest architecture that meets every objective of the profile, if any does."""
        return _cheapest(tuple(o for o in self.outcomes if o.meets_slos)) if self.complete else None


@dataclass(frozen=True, slots=True)
class Flip:
    """Two neighbouring values of one axis (the others fixed) between which the cheapest architecture changes."""

    axis: str
    fixed: tuple[tuple[str, Scalar], ...]
    below: Scalar
    above: Scalar
    cheaper_below: Architecture
    cheaper_above: Architecture
    crossing: float | None
    """Where the cost lines cross, interpolated linearly between the two values (numeric axes only)."""


@dataclass(frozen=True, slots=True)
class SweepResult:
    """Every point's outcome and the flips along each axis."""

    plan: SweepPlan
    prices: tuple[PriceTable, ...]
    points: tuple[PointResult, ...]
    flips: tuple[Flip, ...]

    @property
    def failures(self) -> tuple[UnitFailure, ...]:
        """Every unit that gave no result."""
        return tuple(failure for point in self.points for failure in point.failures)

    @property
    def missing(self) -> tuple[PointResult, ...]:
        """Points with at least one failed unit."""
        return tuple(point for point in self.points if not point.complete)


def plan_sweep(document: ProfileDocument, axes: Sequence[Axis], *, architectures: Sequence[Architecture]) -> SweepPlan:
    """Validate every point of the cross product of ``axes`` over ``document``; nothing is simulated."""
    count = 1
    for axis in axes:
        count *= len(axis.values)
    if not axes or count > MAX_POINTS:
        raise UsageError(
            "give at least one --vary" if not axes else f"{count:,} points is more than a sweep takes ({MAX_POINTS:,})",
            hint="e.g. --vary traffic.mean_rps=1,10,100 --vary lambda.memory_mb=512,1024",
        )
    if len({axis.path for axis in axes}) != len(axes):
        raise UsageError("a path is given to --vary twice; list all its values in one --vary")
    base = point_profile(document, (), ())
    points = tuple(
        _point(document, axes, index, given) for index, given in enumerate(itertools.product(*(a.values for a in axes)))
    )
    return SweepPlan(base, document.source, tuple(axes), points, tuple(architectures))


def _point(document: ProfileDocument, axes: Sequence[Axis], index: int, given: tuple[Scalar, ...]) -> SweepPoint:
    profile = point_profile(document, axes, given)
    values = tuple(read_value(profile, axis, value) for axis, value in zip(axes, given, strict=True))
    return SweepPoint(index, values, profile, point_seed(profile.simulation.seed, axes, values))


def point_seed(profile_seed: int, axes: Sequence[Axis], values: Sequence[Scalar]) -> int:
    """A 63-bit seed from the base seed and the point's values (never from a worker or an order).

    >>> from archsel.study.axes import parse_vary
    >>> point_seed(1, [parse_vary("lambda.memory_mb=512")], [512]) == point_seed(1, [parse_vary("lambda.memory_mb=512")], [512])
    True
    """
    text = json.dumps([profile_seed, [[axis.path, value] for axis, value in zip(axes, values, strict=True)]])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


def point_units(point: SweepPoint, architectures: Sequence[Architecture]) -> tuple[SimUnit, ...]:
    """Every replication of each architecture at ``point``."""
    simulation = point.profile.simulation
    options = SimOptions(horizon_s=simulation.horizon, warmup_s=simulation.warmup)
    return tuple(
        SimUnit(point.profile, architecture, point.seed, replication, options)
        for architecture in architectures
        for replication in range(simulation.replications)
    )


def run_sweep(
    plan: SweepPlan, prices: Sequence[PriceTable], executor: Executor, on_done: OnDone | None = None
) -> SweepResult:
    """Run every unit of ``plan`` on ``executor``, then price each point and find the flips."""
    units = plan.units()
    batch = executor.run_batch(units, on_done)
    position = 0
    results = []
    for point in plan.points:
        size = len(point_units(point, plan.architectures))
        runs = batch.runs[position : position + size]
        failures = tuple(f for f in batch.failures if position <= f.index < position + size)
        results.append(_point_result(point, plan.architectures, runs, failures, prices))
        position += size
    points = tuple(results)
    return SweepResult(plan=plan, prices=tuple(prices), points=points, flips=find_flips(plan.axes, points))


def _point_result(
    point: SweepPoint,
    architectures: Sequence[Architecture],
    runs: Sequence[SimRun | None],
    failures: tuple[UnitFailure, ...],
    prices: Sequence[PriceTable],
) -> PointResult:
    table = prices_for(prices, point.profile.region)
    replications = point.profile.simulation.replications
    outcomes = []
    for offset, architecture in enumerate(architectures):
        own = runs[offset * replications : (offset + 1) * replications]
        if all(run is not None for run in own):
            outcomes.append(_outcome(point.profile, architecture, [run for run in own if run is not None], table))
    return PointResult(point, tuple(outcomes), failures)


def _outcome(
    profile: WorkloadProfile, architecture: Architecture, runs: list[SimRun], prices: PriceTable
) -> ArchOutcome:
    result = price_replications(profile, architecture, runs, prices)
    slos = check_slos(profile, result)
    return ArchOutcome(
        architecture=architecture,
        monthly_usd=result.estimate.monthly_usd,
        monthly_usd_half_width=result.monthly_usd().half_width,
        p99_ms=result.interval(lambda p: p.run.latency_ms.p99).mean,
        error_ratio=result.interval(lambda p: p.run.error_ratio).mean,
        cold_start_ratio=result.interval(lambda p: p.run.cold_start_ratio).mean,
        meets_slos=all(outcome.holds for outcome in slos),
        missing_prices=result.estimate.missing_prices,
        missed=tuple(
            f"{slo.name} {slo.target:g}{' ' + slo.unit if slo.unit else ''}: {slo.actual:.4g}"
            for slo in slos
            if not slo.holds
        ),
    )


def prices_for(prices: Sequence[PriceTable], region: str) -> PriceTable:
    """The table of ``region`` among ``prices``."""
    table = next((table for table in prices if table.region == region), None)
    if table is None:
        raise PricingError(f"no price table for {region} was loaded for this sweep")
    return table


def _cheapest(outcomes: tuple[ArchOutcome, ...]) -> Architecture | None:
    # Ties go to the first architecture listed (lambda): the simpler one to run, as in recommend.
    return min(outcomes, key=lambda o: o.monthly_usd).architecture if outcomes else None


def find_flips(axes: Sequence[Axis], points: Sequence[PointResult]) -> tuple[Flip, ...]:
    """Neighbouring points along each axis, the other axes fixed, whose cheapest architecture differs."""
    flips = []
    for k, axis in enumerate(axes):
        lines: dict[tuple[Scalar, ...], list[PointResult]] = {}
        for point in points:  # product order: along axis k the values come in the axis's order
            others = point.point.values[:k] + point.point.values[k + 1 :]
            lines.setdefault(others, []).append(point)
        for others, line in lines.items():
            fixed = tuple((a.path, v) for a, v in zip((*axes[:k], *axes[k + 1 :]), others, strict=True))
            flips += [_flip(axis.path, k, fixed, a, b) for a, b in itertools.pairwise(line) if _flips(a, b)]
    return tuple(flips)


def _flips(a: PointResult, b: PointResult) -> bool:
    return a.cheapest is not None and b.cheapest is not None and a.cheapest != b.cheapest


def _flip(path: str, k: int, fixed: tuple[tuple[str, Scalar], ...], a: PointResult, b: PointResult) -> Flip:
    below, above = a.point.values[k], b.point.values[k]
    assert a.cheapest is not None and b.cheapest is not None  # checked by _flips
    return Flip(path, fixed, below, above, a.cheapest, b.cheapest, _crossing(below, above, a, b))


def _crossing(below: Scalar, above: Scalar, a: PointResult, b: PointResult) -> float | None:
    """Linear interpolation of the cost gap between the two points (a simplification: costs are not linear)."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (below, above)):
        return None
    assert a.cheapest is not None and b.cheapest is not None  # checked by _flips
    gaps = [_gap(point, a.cheapest, b.cheapest) for point in (a, b)]
    if gaps[0] is None or gaps[1] is None or gaps[0] == gaps[1]:
        return None
    x0, x1 = float(below), float(above)  # type: ignore[arg-type]
    return x0 + (x1 - x0) * gaps[0] / (gaps[0] - gaps[1])


def _gap(point: PointResult, first: str, second: str) -> float | None:
    """Cost of ``first`` minus ``second`` at ``point`` (the two architectures of the flip, of three)."""
    one, other = point.outcome(first), point.outcome(second)
    return None if one is None or other is None else float(one.monthly_usd - other.monthly_usd)
