"""The recommendation pipeline: candidates -> simulate -> SLO fixes -> choose -> explain -> break-even."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from archsel.cost.engine import estimate, usage_from_profile
from archsel.evaluate.candidate import Evaluation, EvaluationContext, evaluate
from archsel.evaluate.design import Candidate, with_fargate, with_lambda
from archsel.evaluate.executors import Executor, InProcessExecutor, SimUnit
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import summarize
from archsel.recommend.breakeven import BreakEven, break_even
from archsel.recommend.candidates import Pruned, fargate_candidates, lambda_candidates, lambda_layouts
from archsel.recommend.reasons import explain
from archsel.recommend.tuning import tune
from archsel.sim.result import SimOptions

# Designs tuned for their objectives, per architecture (the cheapest ones): bounds the run time.
TUNED_PER_ARCHITECTURE = 1
# Distinct behaviours simulated per architecture, chosen by the no-simulation estimate; bounds the run time.
SIMULATED_PER_ARCHITECTURE = 2
# Simulated arrivals one recommendation may spend (about 30 s on two cores at ~2.5 M requests/s each).
# A busy profile gets fewer replications, then fewer designs: at tens of millions of requests a
# run, one run's own statistics are already tight, so volume stands in for replications.
REQUEST_BUDGET = 8e7


@dataclass(frozen=True, slots=True)
class CostRange:
    """Low / expected / high monthly cost of the choice, and what the range covers."""

    low: float
    expected: float
    high: float
    basis: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What `archsel recommend` decided and why."""

    profile: WorkloadProfile
    prices: PriceTable
    seed: int
    choice: Evaluation
    meets_slos: bool
    tie: bool
    best: tuple[Evaluation, ...]
    """The best design of each architecture (the choice among them)."""
    evaluations: tuple[Evaluation, ...]
    """Every design simulated, including the tuned variants."""
    pruned: tuple[Pruned, ...]
    screened: tuple[Pruned, ...]
    """Designs left unsimulated because the usage estimate put them well above the cheaper ones."""
    notes: tuple[str, ...]
    """How the run was fitted to its time budget, when it was."""
    reasons: tuple[str, ...]
    break_even: BreakEven | None
    cost_range: CostRange

    def best_of(self, architecture: Architecture) -> Evaluation | None:
        """The best design of ``architecture``, if it was evaluated."""
        return next((e for e in self.best if e.candidate.architecture == architecture), None)


def recommend(
    profile: WorkloadProfile,
    prices: PriceTable,
    *,
    executor: Executor | None = None,
    seed: int | None = None,
    on_done: Callable[[SimUnit], None] | None = None,
) -> Recommendation:
    """Evaluate every candidate design for ``profile`` and choose one."""
    chosen_seed = profile.simulation.seed if seed is None else seed
    profile, per_architecture, notes = fit_to_budget(profile)
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup)
    context = EvaluationContext(prices, executor or InProcessExecutor(), chosen_seed, options, on_done)
    lambdas, pruned_lambda = lambda_candidates(profile)
    fargates, pruned_fargate = fargate_candidates(profile)
    kept, screened = screen([*lambdas, *fargates], prices, per_architecture)
    evaluations = evaluate(kept, context)
    evaluations += _tuned(evaluations, context)
    best = tuple(
        e for e in (_best(evaluations, Architecture.LAMBDA), _best(evaluations, Architecture.FARGATE)) if e is not None
    )
    choice, tie = choose(best)
    lambda_best, fargate_best = (_best(list(best), arch) for arch in ARCHITECTURES)
    flip = break_even(lambda_best, fargate_best, prices) if lambda_best and fargate_best else None
    cost_range = sensitivity(choice, context)
    pruned = (*pruned_lambda, *pruned_fargate)
    return Recommendation(
        profile=profile,
        prices=prices,
        seed=chosen_seed,
        choice=choice,
        meets_slos=choice.meets_slos,
        tie=tie,
        best=best,
        evaluations=tuple(evaluations),
        pruned=pruned,
        screened=screened,
        notes=notes,
        reasons=explain(choice, best, flip, tie, pruned, tuple(evaluations)),
        break_even=flip,
        cost_range=cost_range,
    )


def fit_to_budget(profile: WorkloadProfile) -> tuple[WorkloadProfile, int, tuple[str, ...]]:
    """The profile with replications cut to fit REQUEST_BUDGET, the designs to simulate per architecture, notes."""
    per_run = summarize(profile).mean_rps * profile.simulation.horizon
    # with routes, at least one design of each Lambda layout is simulated (see `screen`)
    groups = SIMULATED_PER_ARCHITECTURE + max(SIMULATED_PER_ARCHITECTURE, len(lambda_layouts(profile)))
    replications = profile.simulation.replications
    fitted = max(1, min(replications, int(REQUEST_BUDGET // max(per_run * groups, 1.0))))
    per_architecture = SIMULATED_PER_ARCHITECTURE
    if per_run * groups * fitted > REQUEST_BUDGET:
        per_architecture = 1
    notes = []
    if fitted < replications:
        notes.append(
            f"{per_run / 1e6:,.1f} M requests per simulated run: replications cut from {replications} to {fitted} "
            "to fit the time budget (the volume keeps each run's statistics tight)"
        )
        simulation = profile.simulation.model_copy(update={"replications": fitted})
        profile = profile.model_copy(update={"simulation": simulation})
    if per_architecture < SIMULATED_PER_ARCHITECTURE:
        notes.append("only the design with the lowest estimated cost of each architecture was simulated")
    return profile, per_architecture, tuple(notes)


def screen(
    candidates: list[Candidate], prices: PriceTable, per_architecture: int = SIMULATED_PER_ARCHITECTURE
) -> tuple[list[Candidate], tuple[Pruned, ...]]:
    """Keep the designs whose behaviour group is among the cheapest by the no-simulation estimate.

    Candidates that differ only in CPU architecture share a group (one simulation), so keeping a
    group keeps both its arm64 and x86_64 prices. With routes, the cheapest group of each Lambda
    layout is kept too: the estimate cannot see cold starts, which is what layouts trade for GB-s.
    """
    estimated = {c.key: _estimated_usd(c, prices) for c in candidates}
    kept_groups: set[str] = set()
    for architecture in ARCHITECTURES:
        groups: dict[str, float] = {}
        layouts: dict[str, str] = {}
        for c in candidates:
            if c.architecture == architecture:
                groups[c.simulation_key] = min(groups.get(c.simulation_key, float("inf")), estimated[c.key])
                if c.profile.request.routes:
                    layouts[c.simulation_key] = c.profile.lambda_.layout
        ranked = sorted(groups, key=lambda key: (groups[key], key))
        kept_groups.update(ranked[:per_architecture])
        for layout in dict.fromkeys(layouts.values()):
            kept_groups.add(next(key for key in ranked if layouts.get(key) == layout))
    kept = [c for c in candidates if c.simulation_key in kept_groups]
    screened = tuple(
        Pruned(
            c.architecture, c.describe(), f"screened out: estimated ${estimated[c.key]:,.2f} a month without simulation"
        )
        for c in candidates
        if c.simulation_key not in kept_groups
    )
    return kept, screened


def _estimated_usd(candidate: Candidate, prices: PriceTable) -> float:
    profile = candidate.profile
    return float(estimate(profile, usage_from_profile(profile, candidate.architecture), prices).monthly_usd)


def sensitivity(choice: Evaluation, context: EvaluationContext) -> CostRange:
    """The choice's cost over its replications' 95% interval and the platform assumptions that move it.

    Lambda: the idle keep-alive halved and doubled (cold starts and their billed INIT). Fargate: the
    task start time halved and doubled (how late capacity arrives, so how much runs). One replication
    each; skipped, and said so, when one run is larger than a quarter of the request budget.
    """
    interval = choice.result.monthly_usd()
    low, high = max(interval.low, 0.0), interval.high
    basis = "95% interval over the replications"
    profile = choice.candidate.profile
    if summarize(profile).mean_rps * profile.simulation.horizon <= REQUEST_BUDGET / 4:
        for factor in (0.5, 2.0):
            variant = _assumption_variant(choice.candidate, factor)
            cost = evaluate([variant], context)[0].monthly_usd
            low, high = min(low, cost), max(high, cost)
        assumption = "keep-alive" if choice.candidate.architecture == Architecture.LAMBDA else "task start time"
        basis += f", and the {assumption} halved and doubled"
    return CostRange(low=low, expected=choice.monthly_usd, high=high, basis=basis)


def _assumption_variant(candidate: Candidate, factor: float) -> Candidate:
    profile = candidate.profile
    simulation = profile.simulation.model_copy(update={"replications": 1})
    if candidate.architecture == Architecture.LAMBDA:
        changed = with_lambda(profile, keep_alive_s=profile.lambda_.keep_alive_s.scaled(factor))
    else:
        changed = with_fargate(profile, task_start_s=profile.fargate.task_start_s.scaled(factor))
    changed = changed.model_copy(update={"simulation": simulation})
    return replace(candidate, key=f"{candidate.key}-assumption{factor:g}", profile=changed)


def _tuned(evaluations: list[Evaluation], context: EvaluationContext) -> list[Evaluation]:
    """Fixes for the cheapest designs of each architecture that miss latency or error objectives."""
    tuned = []
    for architecture in ARCHITECTURES:
        failing = sorted(
            (e for e in evaluations if e.candidate.architecture == architecture and not e.performance_ok),
            key=lambda e: e.monthly_usd,
        )
        if any(e.performance_ok for e in evaluations if e.candidate.architecture == architecture):
            continue  # a design of this architecture already meets the objectives without tuning
        for evaluation in failing[:TUNED_PER_ARCHITECTURE]:
            fixed = tune(evaluation, context)
            if fixed is not None:
                tuned.append(fixed)
    return tuned


def _best(evaluations: list[Evaluation], architecture: str) -> Evaluation | None:
    """Cheapest design meeting every objective; else the one closest to meeting them."""
    own = [e for e in evaluations if e.candidate.architecture == architecture]
    if not own:
        return None
    return min(own, key=_rank)


def _rank(evaluation: Evaluation) -> tuple[int, float, float, str]:
    if evaluation.meets_slos:
        return (0, 0.0, evaluation.monthly_usd, evaluation.candidate.key)
    if evaluation.performance_ok:
        return (1, 0.0, evaluation.monthly_usd, evaluation.candidate.key)
    return (2, evaluation.violation, evaluation.monthly_usd, evaluation.candidate.key)


def choose(best: tuple[Evaluation, ...]) -> tuple[Evaluation, bool]:
    """The cheapest design meeting every objective, else the closest; and whether it was a tie.

    Two designs that both meet the objectives tie when their costs differ by less than the
    simulation's own noise (the sum of their 95% half-widths, or 1%); then Lambda wins as the
    simpler one to run (no VPC, load balancer, cluster or container images to operate).
    """
    ranked = sorted(best, key=_rank)
    winner = ranked[0]
    if len(ranked) < 2 or _rank(ranked[1])[0] != _rank(winner)[0] or not winner.meets_slos:
        return winner, False
    runner_up = ranked[1]
    noise = winner.result.monthly_usd().half_width + runner_up.result.monthly_usd().half_width
    noise = max(noise, 0.01 * winner.monthly_usd)
    if abs(runner_up.monthly_usd - winner.monthly_usd) > noise:
        return winner, False
    simpler = (
        next(e for e in ranked[:2] if e.candidate.architecture == Architecture.LAMBDA)
        if any(e.candidate.architecture == Architecture.LAMBDA for e in ranked[:2])
        else winner
    )
    return simpler, True
