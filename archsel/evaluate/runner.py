"""Runs the simulators over replications and architectures, and prices what each run billed.

Seeds are derived from (profile seed, architecture, replication) with numpy's SeedSequence
(archsel.sim.seam.run_generator), never from the worker or the order of execution, so any
executor gives the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace

from archsel.billing.usage import ComputeUsage, LambdaUsage, combine_routes, with_routes
from archsel.cost.components import CostEstimate
from archsel.cost.engine import estimate
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.result import SimOptions, SimRun
from archsel.sim.seam import Simulator
from archsel.sim.sizing import ModelName, choose_model

# Two-sided 95% Student-t quantiles for 1..30 degrees of freedom; 1.96 beyond.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean over replications with its 95% confidence half-width (0 for a single run)."""

    mean: float
    half_width: float

    @property
    def low(self) -> float:
        """Lower end of the interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """Upper end of the interval."""
        return self.mean + self.half_width


@dataclass(frozen=True, slots=True)
class PricedRun:
    """One replication and what it would bill per month."""

    run: SimRun
    estimate: CostEstimate


@dataclass(frozen=True, slots=True)
class ArchitectureResult:
    """Every replication of one architecture, priced."""

    architecture: Architecture
    replications: tuple[PricedRun, ...]
    estimate: CostEstimate
    """The estimate of the mean usage over replications (its components add up to its total)."""

    @property
    def first(self) -> PricedRun:
        """The first replication (its scaling events and time series are shown)."""
        return self.replications[0]

    def interval(self, value: Callable[[PricedRun], float]) -> Interval:
        """Mean and 95% interval of ``value`` over the replications."""
        return mean_interval([value(priced) for priced in self.replications])

    def monthly_usd(self) -> Interval:
        """Monthly cost over the replications."""
        return self.interval(lambda priced: float(priced.estimate.monthly_usd))


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """Result of `archsel simulate`: one entry per architecture."""

    profile: WorkloadProfile
    seed: int
    horizon_s: float
    warmup_s: float
    prices: PriceTable
    results: tuple[ArchitectureResult, ...]


ProgressHook = Callable[[str], None]


def _lambda_simulator() -> Simulator:
    from archsel.sim.lambda_.model import simulate_lambda

    return simulate_lambda


def _fargate_simulator() -> Simulator:
    from archsel.sim.fargate.model import simulate_fargate

    return simulate_fargate


def _lambda_aggregate() -> Simulator:
    from archsel.sim.aggregate.lambda_model import simulate_lambda_aggregate

    return simulate_lambda_aggregate


def _fargate_aggregate() -> Simulator:
    from archsel.sim.aggregate.fargate_model import simulate_fargate_aggregate

    return simulate_fargate_aggregate


def _lambda_managed_aggregate() -> Simulator:
    from archsel.sim.aggregate.managed_model import simulate_lambda_managed_aggregate

    return simulate_lambda_managed_aggregate


def _lambda_managed_simulator() -> Simulator:
    from archsel.sim.lambda_managed.model import simulate_lambda_managed

    return simulate_lambda_managed


_SIMULATORS: dict[Architecture, Callable[[], Simulator]] = {
    Architecture.LAMBDA: _lambda_simulator,
    Architecture.FARGATE: _fargate_simulator,
    Architecture.LAMBDA_MANAGED: _lambda_managed_simulator,
}
"""Each architecture's simulator, behind a loader: the models import numba and compile on first use."""

_AGGREGATE_SIMULATORS: dict[Architecture, Callable[[], Simulator]] = {
    Architecture.LAMBDA: _lambda_aggregate,
    Architecture.FARGATE: _fargate_aggregate,
    Architecture.LAMBDA_MANAGED: _lambda_managed_aggregate,
}
"""Each architecture's aggregate model (archsel.sim.aggregate), for runs over the exact model's budget."""


def simulator_for(architecture: Architecture, model: ModelName = "exact") -> Simulator:
    """The simulator of ``architecture``: the exact per-request model or the aggregate one."""
    registry = _SIMULATORS if model == "exact" else _AGGREGATE_SIMULATORS
    return registry[architecture]()


def simulate_one(
    profile: WorkloadProfile, architecture: Architecture, *, seed: int, replication: int, options: SimOptions
) -> SimRun:
    """One seeded replication of one architecture: the pure, picklable unit of work.

    The run is sized first (archsel.sim.sizing): over the profile's ``simulation.budget`` the
    aggregate model runs, and the run says so.
    """
    choice = choose_model(profile, architecture, horizon_s=options.horizon_s, warmup_s=options.warmup_s)
    simulate = simulator_for(architecture, choice.model)
    run = simulate(profile, replace(options, seed=seed, replication=replication))
    return run if choice.model == "exact" else replace(run, model=choice.model, model_reason=choice.reason)


def run_simulations(
    profile: WorkloadProfile,
    prices: PriceTable,
    *,
    architectures: Sequence[Architecture] = ARCHITECTURES,
    seed: int | None = None,
    record_timeseries: bool = False,
    progress: ProgressHook | None = None,
) -> SimulationReport:
    """Simulate every replication of each architecture in turn and price each run."""
    chosen_seed = profile.simulation.seed if seed is None else seed
    options = SimOptions(
        horizon_s=profile.simulation.horizon,
        warmup_s=profile.simulation.warmup,
        record_timeseries=record_timeseries,
    )
    results = []
    for architecture in architectures:
        runs = []
        for replication in range(profile.simulation.replications):
            runs.append(simulate_one(profile, architecture, seed=chosen_seed, replication=replication, options=options))
            if progress is not None:
                progress(f"{architecture} replication {replication + 1}")
        results.append(price_replications(profile, architecture, runs, prices))
    return SimulationReport(
        profile=profile,
        seed=chosen_seed,
        horizon_s=options.horizon_s,
        warmup_s=options.warmup_s,
        prices=prices,
        results=tuple(results),
    )


def price_replications(
    profile: WorkloadProfile, architecture: Architecture, runs: Sequence[SimRun], prices: PriceTable
) -> ArchitectureResult:
    """Every replication priced on its own, and the estimate of their mean usage (whose lines add up)."""
    priced = tuple(PricedRun(run=run, estimate=estimate(profile, run.usage, prices)) for run in runs)
    usage = mean_usage([run.usage for run in runs])
    return ArchitectureResult(architecture=architecture, replications=priced, estimate=estimate(profile, usage, prices))


def mean_usage(usages: Sequence[ComputeUsage]) -> ComputeUsage:
    """Field-by-field mean of the numeric usage figures of several replications."""
    first = usages[0]
    averaged = {
        item.name: math.fsum(getattr(usage, item.name) for usage in usages) / len(usages)
        for item in fields(first)
        if isinstance(getattr(first, item.name), float)
    }
    if isinstance(first, LambdaUsage) and first.routes:
        lambdas = [usage for usage in usages if isinstance(usage, LambdaUsage)]
        return with_routes(first, combine_routes(lambdas, _mean))  # totals stay the sums of the routes
    # dataclasses.replace cannot be typed over a union of dataclasses; the keys are fields of `first`.
    return replace(first, **averaged)  # type: ignore[arg-type]


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def mean_interval(values: Sequence[float]) -> Interval:
    """Mean and Student-t 95% half-width of ``values``.

    >>> mean_interval([1.0, 2.0, 3.0])
    Interval(mean=2.0, half_width=2.484)
    """
    count = len(values)
    if count == 0:
        return Interval(0.0, 0.0)
    mean = math.fsum(values) / count
    if count == 1:
        return Interval(mean, 0.0)
    variance = math.fsum((value - mean) ** 2 for value in values) / (count - 1)
    t_value = _T95[count - 2] if count - 1 <= len(_T95) else 1.96
    return Interval(mean, round(t_value * math.sqrt(variance / count), 12))
