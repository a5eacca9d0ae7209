"""Simulates candidates (sharing runs between price-only variants), prices them and checks the SLOs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from archsel.billing.usage import ComputeUsage, LambdaManagedUsage
from archsel.evaluate.design import Candidate
from archsel.evaluate.executors import Executor, SimUnit
from archsel.evaluate.runner import ArchitectureResult, PricedRun, price_replications
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.result import SimOptions, SimRun


@dataclass(frozen=True, slots=True)
class SloOutcome:
    """One objective checked against the simulated mean."""

    name: str
    target: float
    actual: float
    unit: str

    @property
    def holds(self) -> bool:
        """Whether the objective is met."""
        return self.actual <= self.target

    @property
    def excess(self) -> float:
        """How far past the target, relative to it (0 when met)."""
        if self.holds:
            return 0.0
        return (self.actual - self.target) / self.target if self.target > 0 else math.inf


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A simulated, priced candidate and its SLO outcomes."""

    candidate: Candidate
    result: ArchitectureResult
    slos: tuple[SloOutcome, ...]

    @property
    def meets_slos(self) -> bool:
        """Whether every objective (latency, errors, budget) holds."""
        return all(outcome.holds for outcome in self.slos)

    @property
    def performance_ok(self) -> bool:
        """Whether the latency and error objectives hold (budget aside)."""
        return all(outcome.holds for outcome in self.slos if outcome.name != "monthly_budget_usd")

    @property
    def monthly_usd(self) -> float:
        """Expected monthly cost."""
        return float(self.result.estimate.monthly_usd)

    @property
    def violation(self) -> float:
        """Sum of relative excesses over the objectives (0 when all hold): smaller is closer."""
        return sum(outcome.excess for outcome in self.slos)

    def outcome(self, name: str) -> SloOutcome | None:
        """The outcome of objective ``name``, if the profile sets it."""
        return next((outcome for outcome in self.slos if outcome.name == name), None)


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """What every evaluation shares: prices, executor, seed and run options."""

    prices: PriceTable
    executor: Executor
    seed: int
    options: SimOptions
    on_done: Callable[[SimUnit], None] | None = None


def check_slos(profile: WorkloadProfile, result: ArchitectureResult) -> tuple[SloOutcome, ...]:
    """Compare the replication means with the profile's objectives."""
    slo = profile.slo
    outcomes = []
    if slo.p99_latency_ms is not None:
        outcomes.append(SloOutcome("p99_latency_ms", slo.p99_latency_ms, result.interval(_p99).mean, "ms"))
    if slo.p95_latency_ms is not None:
        outcomes.append(SloOutcome("p95_latency_ms", slo.p95_latency_ms, result.interval(_p95).mean, "ms"))
    # Always checked (0.1% unless the profile says otherwise): "meets every objective" must never
    # describe a design that drops requests just because the profile named no error objective.
    outcomes.append(SloOutcome("max_error_ratio", slo.error_ratio_objective, result.interval(_errors).mean, ""))
    if slo.monthly_budget_usd is not None:
        outcomes.append(
            SloOutcome("monthly_budget_usd", slo.monthly_budget_usd, float(result.estimate.monthly_usd), "USD")
        )
    return tuple(outcomes)


def _p99(priced: PricedRun) -> float:
    return priced.run.latency_ms.p99


def _p95(priced: PricedRun) -> float:
    return priced.run.latency_ms.p95


def _errors(priced: PricedRun) -> float:
    return priced.run.error_ratio


def evaluate(candidates: Sequence[Candidate], context: EvaluationContext) -> list[Evaluation]:
    """Simulate each distinct behaviour once per replication, then price and check every candidate."""
    representatives: dict[str, Candidate] = {}
    for candidate in candidates:
        representatives.setdefault(candidate.simulation_key, candidate)
    replications = next(iter(representatives.values())).profile.simulation.replications if candidates else 0
    units = [
        SimUnit(rep.profile, rep.architecture, context.seed, replication, context.options)
        for rep in representatives.values()
        for replication in range(replications)
    ]
    runs = context.executor.run(units, context.on_done)
    by_key: dict[str, list[SimRun]] = {}
    for unit, run in zip(units, runs, strict=True):
        key = next(k for k, rep in representatives.items() if rep.profile is unit.profile)
        by_key.setdefault(key, []).append(run)
    return [_priced(candidate, by_key[candidate.simulation_key], context.prices) for candidate in candidates]


def _priced(candidate: Candidate, runs: list[SimRun], prices: PriceTable) -> Evaluation:
    # A price-only variant shares its runs with others: bill them at its own CPU architecture.
    own = [replace(run, usage=_own_usage(candidate, run.usage)) for run in runs]
    result = price_replications(candidate.profile, candidate.architecture, own, prices)
    return Evaluation(candidate=candidate, result=result, slos=check_slos(candidate.profile, result))


def _own_usage(candidate: Candidate, usage: ComputeUsage) -> ComputeUsage:
    """``usage`` billed as ``candidate``'s own CPU architecture (and, on Managed Instances, its instance type)."""
    profile = candidate.profile
    if isinstance(usage, LambdaManagedUsage):
        managed = profile.lambda_managed
        return replace(usage, architecture=managed.architecture, instance_type=managed.instance.name)
    if candidate.architecture == Architecture.LAMBDA:
        return replace(usage, architecture=profile.lambda_.architecture)
    return replace(usage, architecture=profile.fargate.architecture)
