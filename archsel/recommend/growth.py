"""A growth plan: today's traffic grown month by month (same shape), priced, and what to run when.

Simulating every month would multiply recommend's run time by the horizon, so each month is
priced with the usage model of `archsel cost`, calibrated (like the break-even) so that at
today's traffic it equals each best design's simulated monthly cost; month 0 is that simulated
cost itself. The calibration factor says how far the plain model was from the simulation.
Cold-start and scale-out effects are assumed to stay proportional to cost as traffic grows.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from archsel.billing.rules import managed_instances
from archsel.cost.engine import estimate, usage_from_profile
from archsel.cost.usage_estimate import fargate_tasks_needed
from archsel.evaluate.candidate import Evaluation
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.traffic import TrafficSummary, summarize
from archsel.recommend.breakeven import scale_traffic

DEFAULT_MONTHS = 24
MAX_MONTHS = 120
BUDGET = "monthly_budget_usd"
LAMBDA_CONCURRENCY = "lambda_concurrency"
FARGATE_MAX_TASKS = "fargate_max_tasks"
MANAGED_MAX_INSTANCES = "lambda_managed_max_instances"


@dataclass(frozen=True, slots=True)
class GrowthSettings:
    """What to plan: the monthly growth rate, the horizon in months and the cost of migrating once."""

    rate: float
    months: int = DEFAULT_MONTHS
    migration_usd: float = 0.0


@dataclass(frozen=True, slots=True)
class PlanMonth:
    """One month of the plan: its traffic, each architecture's cost and the one to run."""

    month: int
    factor: float
    mean_rps: float
    requests: float
    lambda_usd: float | None
    fargate_usd: float | None
    choice: Architecture
    lambda_managed_usd: float | None = None

    def cost_of(self, architecture: Architecture) -> float:
        """This month's cost on ``architecture`` (0 when it was not evaluated)."""
        costs = {
            Architecture.LAMBDA: self.lambda_usd,
            Architecture.FARGATE: self.fargate_usd,
            Architecture.LAMBDA_MANAGED: self.lambda_managed_usd,
        }
        return costs[architecture] or 0.0


@dataclass(frozen=True, slots=True)
class Flip:
    """A change of the plan's choice: from ``month`` on, ``to`` is run instead of ``from_``."""

    month: int
    from_: Architecture
    to: Architecture


@dataclass(frozen=True, slots=True)
class Strategy:
    """A way to run the whole horizon and what it costs in total."""

    name: str
    description: str
    total_usd: float
    switch_month: int | None = None
    switch_months: tuple[int, ...] = ()
    """Every month this strategy changes architecture (one migration each)."""


@dataclass(frozen=True, slots=True)
class SloFailure:
    """The first month an objective or a platform limit fails on one architecture."""

    month: int
    architecture: Architecture
    objective: str
    target: float
    projected: float
    detail: str


@dataclass(frozen=True, slots=True)
class Calibration:
    """How close the usage model came to the simulated cost at today's traffic."""

    architecture: Architecture
    simulated_usd: float
    model_usd: float

    @property
    def factor(self) -> float:
        """Simulated over modelled cost: every projected month is multiplied by it."""
        return self.simulated_usd / self.model_usd if self.model_usd > 0 else 1.0


@dataclass(frozen=True, slots=True)
class GrowthPlan:
    """The answer of `recommend --growth`: month by month, the flips, the strategies, the first failure."""

    rate: float
    months: tuple[PlanMonth, ...]
    flip_month: int | None
    strategies: tuple[Strategy, ...]
    first_slo_failure: SloFailure | None
    failures: tuple[SloFailure, ...]
    """The first failure of each architecture (whichever the plan runs)."""
    calibration: tuple[Calibration, ...]
    migration_usd: float
    flips: tuple[Flip, ...] = ()
    """Every change of the cheapest fitting architecture, in month order (``flip_month`` is the first)."""


@dataclass(frozen=True, slots=True)
class _Projection:
    """One architecture's best design, projected to a traffic factor."""

    evaluation: Evaluation
    prices: PriceTable
    calibration: Calibration

    @property
    def architecture(self) -> Architecture:
        return self.evaluation.candidate.architecture

    def cost(self, factor: float) -> float:
        if factor == 1.0:
            return self.evaluation.monthly_usd  # month 0 is today's simulated cost, not a model of it
        return _model_usd(self.evaluation, self.prices, factor) * self.calibration.factor

    def capacity_failure(self, month: int, factor: float) -> SloFailure | None:
        """A platform limit the grown traffic would pass (today's simulation already speaks for factor 1)."""
        if factor <= 1.0:
            return None
        if self.architecture == Architecture.LAMBDA:
            return _lambda_limit(self.evaluation, month, factor)
        if self.architecture == Architecture.LAMBDA_MANAGED:
            return _managed_limit(self.evaluation, month, factor)
        return _fargate_limit(self.evaluation, month, factor)


def growth_plan(
    best: tuple[Evaluation, ...],
    prices: PriceTable,
    *,
    rate: float,
    months: int = DEFAULT_MONTHS,
    migration_usd: float = 0.0,
) -> GrowthPlan:
    """Project the best design of each architecture over ``months`` months of growth at ``rate`` a month."""
    if not best:
        raise ValueError("a growth plan needs at least one evaluated design")
    projections = tuple(_projection(evaluation, prices) for evaluation in best)
    base = summarize(best[0].candidate.profile)
    plan_months = tuple(_month(projections, month, (1.0 + rate) ** month, base) for month in range(months))
    flips = plan_flips(plan_months)
    failures = tuple(f for p in projections if (f := _first_failure(p, plan_months)) is not None)
    architectures = tuple(p.architecture for p in projections)
    return GrowthPlan(
        rate=rate,
        months=plan_months,
        flip_month=flips[0].month if flips else None,
        strategies=_strategies(plan_months, architectures, flips, migration_usd),
        first_slo_failure=_first_failure_of_plan(projections, plan_months),
        failures=failures,
        calibration=tuple(p.calibration for p in projections),
        migration_usd=migration_usd,
        flips=flips,
    )


def plan_flips(months: tuple[PlanMonth, ...]) -> tuple[Flip, ...]:
    """Every month whose choice differs from the month before."""
    return tuple(
        Flip(later.month, earlier.choice, later.choice)
        for earlier, later in itertools.pairwise(months)
        if later.choice != earlier.choice
    )


def _model_usd(evaluation: Evaluation, prices: PriceTable, factor: float) -> float:
    scaled = scale_traffic(evaluation.candidate.profile, factor)
    return float(estimate(scaled, usage_from_profile(scaled, evaluation.candidate.architecture), prices).monthly_usd)


def _projection(evaluation: Evaluation, prices: PriceTable) -> _Projection:
    calibration = Calibration(
        architecture=evaluation.candidate.architecture,
        simulated_usd=evaluation.monthly_usd,
        model_usd=_model_usd(evaluation, prices, 1.0),
    )
    return _Projection(evaluation, prices, calibration)


def _month(projections: tuple[_Projection, ...], month: int, factor: float, base: TrafficSummary) -> PlanMonth:
    costs = {p.architecture: p.cost(factor) for p in projections}
    return PlanMonth(
        month=month,
        factor=factor,
        mean_rps=base.mean_rps * factor,
        requests=base.requests_per_month * factor,
        lambda_usd=costs.get(Architecture.LAMBDA),
        fargate_usd=costs.get(Architecture.FARGATE),
        choice=_choose(projections, month, factor, costs),
        lambda_managed_usd=costs.get(Architecture.LAMBDA_MANAGED),
    )


def _rank(projection: _Projection, month: int, factor: float, cost: float) -> tuple[int, float, float]:
    """`decide.choose`'s ranking with this month's cost, budget and platform limits in place of today's."""
    evaluation = projection.evaluation
    capacity = projection.capacity_failure(month, factor)
    performance_ok = evaluation.performance_ok and capacity is None
    budget = evaluation.candidate.profile.slo.monthly_budget_usd
    within_budget = budget is None or cost <= budget
    if performance_ok and within_budget:
        return (0, 0.0, cost)
    if performance_ok:
        return (1, 0.0, cost)
    violation = sum(o.excess for o in evaluation.slos if o.name != BUDGET)
    if budget is not None and not within_budget:
        violation += (cost - budget) / budget if budget > 0 else math.inf
    if capacity is not None:
        violation += (capacity.projected - capacity.target) / capacity.target
    return (2, violation, cost)


def _choose(
    projections: tuple[_Projection, ...], month: int, factor: float, costs: dict[Architecture, float]
) -> Architecture:
    """The month's choice by `decide.choose`'s rules: ties within today's noise, scaled to the month, go to Lambda."""
    ranked = sorted(projections, key=lambda p: (*_rank(p, month, factor, costs[p.architecture]), p.architecture))
    winner = ranked[0]
    if len(ranked) < 2:
        return winner.architecture
    runner_up = ranked[1]
    winner_rank = _rank(winner, month, factor, costs[winner.architecture])
    if winner_rank[0] != 0 or _rank(runner_up, month, factor, costs[runner_up.architecture])[0] != 0:
        return winner.architecture
    noise = sum(_noise_share(p) * costs[p.architecture] for p in (winner, runner_up))
    noise = max(noise, 0.01 * costs[winner.architecture])
    if abs(costs[runner_up.architecture] - costs[winner.architecture]) > noise:
        return winner.architecture
    return (
        Architecture.LAMBDA
        if Architecture.LAMBDA in (winner.architecture, runner_up.architecture)
        else winner.architecture
    )


def _noise_share(projection: _Projection) -> float:
    """Today's 95% half-width as a share of today's cost (kept as a share as the cost grows)."""
    today = projection.evaluation.monthly_usd
    return projection.evaluation.result.monthly_usd().half_width / today if today > 0 else 0.0


def _strategies(
    months: tuple[PlanMonth, ...],
    architectures: tuple[Architecture, ...],
    flips: tuple[Flip, ...],
    migration_usd: float,
) -> tuple[Strategy, ...]:
    """Stay on month 0's choice; start on each other architecture; follow every flip; switch once at each flip.

    With two architectures this is the three strategies of the contract (`stay`, `start_on_other`,
    `switch_at_flip`); a third adds `start_on_<architecture>` for the architecture that is not the
    first flip's target and, when the choice changes more than once, `switch_once_at_<month>` for each
    flip to another architecture than month 0's.
    """
    first = months[0].choice
    horizon = len(months)
    stay = _total(months, first)
    found = [Strategy("stay", f"run {first} for all {horizon} months", stay)]
    found.extend(_start_on_others(months, architectures, flips))
    if len(architectures) < 2:
        return tuple(found)
    if not flips:
        found.append(
            Strategy("switch_at_flip", f"no flip within {horizon} months: the same as staying on {first}", stay)
        )
        return tuple(found)
    found.append(_follow_flips(months, flips, migration_usd))
    if len(flips) > 1:  # switching once back to month 0's choice would be staying on it, plus a migration
        found.extend(_switch_once(months, flip, migration_usd) for flip in flips if flip.to != first)
    return tuple(found)


def _total(months: tuple[PlanMonth, ...], architecture: Architecture) -> float:
    return math.fsum(m.cost_of(architecture) for m in months)


def _start_on_others(
    months: tuple[PlanMonth, ...], architectures: tuple[Architecture, ...], flips: tuple[Flip, ...]
) -> list[Strategy]:
    """`start_on_other` for the first flip's target (or the first other architecture), `start_on_<name>` for the rest."""
    first = months[0].choice
    others = [a for a in architectures if a != first]
    if not others:
        return []
    primary = flips[0].to if flips else others[0]
    horizon = len(months)
    return [
        Strategy(
            "start_on_other" if other == primary else f"start_on_{other}",
            f"run {other} for all {horizon} months",
            _total(months, other),
        )
        for other in sorted(others, key=lambda a: a != primary)
    ]


def _follow_flips(months: tuple[PlanMonth, ...], flips: tuple[Flip, ...], migration_usd: float) -> Strategy:
    """Run each month's choice, migrating at every flip."""
    total = math.fsum(m.cost_of(m.choice) for m in months) + migration_usd * len(flips)
    steps = ", then ".join(f"{f.to} from month {f.month}" for f in flips)
    migrations = f"{len(flips)} migration{'s' if len(flips) > 1 else ''} of {migration_usd:,.2f} USD included"
    return Strategy(
        "switch_at_flip",
        f"run {months[0].choice} to month {flips[0].month - 1}, then {steps} ({migrations})",
        total,
        switch_month=flips[0].month,
        switch_months=tuple(f.month for f in flips),
    )


def _switch_once(months: tuple[PlanMonth, ...], flip: Flip, migration_usd: float) -> Strategy:
    """Run month 0's choice until ``flip``, then its target for the rest of the horizon (one migration)."""
    first = months[0].choice
    total = (
        _total(months[: flip.month], first)
        + math.fsum(m.cost_of(flip.to) for m in months[flip.month :])
        + migration_usd
    )
    return Strategy(
        f"switch_once_at_{flip.month}",
        f"run {first} to month {flip.month - 1}, then {flip.to} from month {flip.month} to the end "
        f"(migration {migration_usd:,.2f} USD included)",
        total,
        switch_month=flip.month,
        switch_months=(flip.month,),
    )


def _failure_in(projection: _Projection, month: PlanMonth) -> SloFailure | None:
    """Why ``projection`` fails in ``month``: an objective it missed today, a platform limit, or the budget."""
    evaluation = projection.evaluation
    missed = next((o for o in evaluation.slos if o.name != BUDGET and not o.holds), None)
    if missed is not None:
        detail = f"{missed.name} {missed.actual:,.4g} against {missed.target:,.4g} already at today's traffic"
        return SloFailure(month.month, projection.architecture, missed.name, missed.target, missed.actual, detail)
    capacity = projection.capacity_failure(month.month, month.factor)
    if capacity is not None:
        return capacity
    budget = evaluation.candidate.profile.slo.monthly_budget_usd
    cost = month.cost_of(projection.architecture)
    if budget is not None and cost > budget:
        detail = f"{cost:,.2f} USD a month exceeds the budget of {budget:,.2f} USD"
        return SloFailure(month.month, projection.architecture, BUDGET, budget, cost, detail)
    return None


def _first_failure(projection: _Projection, months: tuple[PlanMonth, ...]) -> SloFailure | None:
    return next((f for m in months if (f := _failure_in(projection, m)) is not None), None)


def _first_failure_of_plan(projections: tuple[_Projection, ...], months: tuple[PlanMonth, ...]) -> SloFailure | None:
    """The first month where the architecture the plan runs then fails an objective or a limit."""
    by_arch = {p.architecture: p for p in projections}
    return next((f for m in months if (f := _failure_in(by_arch[m.choice], m)) is not None), None)


def _lambda_limit(evaluation: Evaluation, month: int, factor: float) -> SloFailure | None:
    """Concurrency grows with the rate (Little's law): today's simulated peak times the growth.

    The limit is the function's reserved concurrency if set, else the account's regional limit
    (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
    """
    settings = evaluation.candidate.profile.lambda_
    limit = settings.reserved_concurrency or settings.account_concurrency
    peak = evaluation.result.interval(lambda p: float(p.run.instances.max) if p.run.instances else 0.0).mean
    projected = peak * factor
    if projected <= limit:
        return None
    kind = "reserved concurrency" if settings.reserved_concurrency else "account concurrency limit"
    detail = f"peak concurrency {projected:,.0f} passes the {kind} of {limit:,}"
    return SloFailure(month, Architecture.LAMBDA, LAMBDA_CONCURRENCY, float(limit), projected, detail)


def _fargate_limit(evaluation: Evaluation, month: int, factor: float) -> SloFailure | None:
    """The tasks the scaling policy needs at the grown peak rate against the service's max_tasks.

    When today's peak already needs more (and the simulation found the objectives met anyway),
    the limit counts from today's need: only growth beyond what was simulated is flagged.
    """
    profile = evaluation.candidate.profile
    today_peak = summarize(profile).peak_rps
    peak_rps = today_peak * factor
    needed = fargate_tasks_needed(profile, peak_rps)
    limit = profile.fargate.max_tasks
    if needed <= max(limit, fargate_tasks_needed(profile, today_peak)):
        return None
    detail = f"the peak of {peak_rps:,.1f} req/s needs {needed:,} tasks, above max_tasks {limit:,}"
    return SloFailure(month, Architecture.FARGATE, FARGATE_MAX_TASKS, float(limit), float(needed), detail)


def _managed_limit(evaluation: Evaluation, month: int, factor: float) -> SloFailure | None:
    """The instances the capacity provider needs at the grown peak rate against its max_instances.

    Counted like Fargate's tasks: only growth beyond what today's simulation already served is flagged.
    The fleet a rate needs is billing.rules.managed_instances without the max_instances bound
    (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html).
    """
    profile = evaluation.candidate.profile
    limit = profile.lambda_managed.max_instances
    unbounded = profile.model_copy(
        update={"lambda_managed": profile.lambda_managed.model_copy(update={"max_instances": 2**62})}
    )
    today_peak = summarize(profile).peak_rps
    peak_rps = today_peak * factor
    needed = managed_instances(unbounded, peak_rps)
    if needed <= max(limit, managed_instances(unbounded, today_peak)):
        return None
    detail = f"the peak of {peak_rps:,.1f} req/s needs {needed:,} instances, above max_instances {limit:,}"
    return SloFailure(month, Architecture.LAMBDA_MANAGED, MANAGED_MAX_INSTANCES, float(limit), float(needed), detail)
