"""The recommendation pipeline: candidates -> simulate -> SLO fixes -> choose -> explain -> break-even."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from archsel.evaluate.candidate import Evaluation, EvaluationContext, evaluate
from archsel.evaluate.design import Candidate, with_fargate, with_lambda, with_lambda_managed, with_simulation
from archsel.evaluate.executors import Executor, InProcessExecutor, SimUnit
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.recommend.breakeven import BreakEven, break_even
from archsel.recommend.candidates import Pruned
from archsel.recommend.managed_breakeven import ManagedBreakEven, describe_crossings, managed_break_even
from archsel.recommend.plan import (
    SENSITIVITY_FACTORS,
    TUNED_PER_ARCHITECTURE,
    OnMoreUnits,
    RecommendPlan,
    plan_recommendation,
)
from archsel.recommend.reasons import explain
from archsel.recommend.tuning import max_trials, search_range, tune


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
    managed_break_even: ManagedBreakEven | None = None
    """Where Lambda Managed Instances crosses Lambda and Fargate (when it was evaluated)."""

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
    on_more: OnMoreUnits | None = None,
) -> Recommendation:
    """Evaluate every candidate design for ``profile`` and choose one."""
    plan = plan_recommendation(profile, prices, seed=seed)
    return run_plan(plan, executor=executor, on_done=on_done, on_more=on_more)


def run_plan(
    plan: RecommendPlan,
    *,
    executor: Executor | None = None,
    on_done: Callable[[SimUnit], None] | None = None,
    on_more: OnMoreUnits | None = None,
) -> Recommendation:
    """Simulate the plan's designs, tune the ones that miss their objectives, choose and explain.

    ``on_done`` is called once per finished run: `plan.units` of them, plus the tuning runs that
    ``on_more`` announces (once, before tuning, with their most) when some design needs tuning.
    """
    context = EvaluationContext(plan.prices, executor or InProcessExecutor(), plan.seed, plan.options, on_done)
    evaluations = evaluate(plan.kept, context)
    evaluations += _tuned(evaluations, context, on_more)
    best = tuple(e for e in (_best(evaluations, architecture) for architecture in ARCHITECTURES) if e is not None)
    choice, tie = choose(best)
    lambda_best, fargate_best = (_best(list(best), arch) for arch in (Architecture.LAMBDA, Architecture.FARGATE))
    flip = break_even(lambda_best, fargate_best, plan.prices) if lambda_best and fargate_best else None
    managed_best = _best(list(best), Architecture.LAMBDA_MANAGED)
    others = tuple(e for e in (lambda_best, fargate_best) if e is not None)
    managed_flip = managed_break_even(managed_best, others, plan.prices) if managed_best and others else None
    cost_range = sensitivity(choice, context, plan.sensitivity)
    return Recommendation(
        profile=plan.profile,
        prices=plan.prices,
        seed=plan.seed,
        choice=choice,
        meets_slos=choice.meets_slos,
        tie=tie,
        best=best,
        evaluations=tuple(evaluations),
        pruned=plan.pruned,
        screened=plan.screened,
        notes=plan.notes,
        reasons=_with_crossings(explain(choice, best, flip, tie, plan.pruned, tuple(evaluations)), managed_flip),
        break_even=flip,
        cost_range=cost_range,
        managed_break_even=managed_flip,
    )


def _with_crossings(reasons: tuple[str, ...], managed_flip: ManagedBreakEven | None) -> tuple[str, ...]:
    """The reasons, the Managed Instances one followed by where it crosses the other two (one reason, not two)."""
    if managed_flip is None:
        return reasons
    index = next((i for i, reason in enumerate(reasons) if "Lambda Managed Instances" in reason), None)
    crossing = describe_crossings(managed_flip)
    if index is None:
        return (*reasons, crossing)
    return (*reasons[:index], f"{reasons[index]} {crossing}", *reasons[index + 1 :])


def sensitivity(choice: Evaluation, context: EvaluationContext, rerun: bool) -> CostRange:
    """The choice's cost over its replications' 95% interval and the platform assumptions that move it.

    Lambda: the idle keep-alive halved and doubled (cold starts and their billed INIT). Fargate: the
    task start time halved and doubled (how late capacity arrives, so how much runs). One replication
    each; skipped (``rerun`` false, decided by the plan), and said so, when one run is larger than a
    quarter of the request budget.
    """
    interval = choice.result.monthly_usd()
    low, high = max(interval.low, 0.0), interval.high
    basis = "95% interval over the replications"
    if rerun:
        for factor in SENSITIVITY_FACTORS:
            variant = _assumption_variant(choice.candidate, factor)
            cost = evaluate([variant], context)[0].monthly_usd
            low, high = min(low, cost), max(high, cost)
        assumption = {
            Architecture.LAMBDA: "keep-alive",
            Architecture.FARGATE: "task start time",
            Architecture.LAMBDA_MANAGED: "instance launch time",
        }[choice.candidate.architecture]
        basis += f", and the {assumption} halved and doubled"
    return CostRange(low=low, expected=choice.monthly_usd, high=high, basis=basis)


def _assumption_variant(candidate: Candidate, factor: float) -> Candidate:
    profile = candidate.profile
    if candidate.architecture == Architecture.LAMBDA:
        changed = with_lambda(profile, keep_alive_s=profile.lambda_.keep_alive_s.scaled(factor))
    elif candidate.architecture == Architecture.LAMBDA_MANAGED:
        changed = with_lambda_managed(profile, launch_s=profile.lambda_managed.launch_s * factor)
    else:
        changed = with_fargate(profile, task_start_s=profile.fargate.task_start_s.scaled(factor))
    changed = with_simulation(changed, replications=1)
    return replace(candidate, key=f"{candidate.key}-assumption{factor:g}", profile=changed)


def _tuned(evaluations: list[Evaluation], context: EvaluationContext, on_more: OnMoreUnits | None) -> list[Evaluation]:
    """Fixes for the cheapest designs of each architecture that miss latency or error objectives."""
    targets = [e for architecture in ARCHITECTURES for e in _tuning_targets(evaluations, architecture)]
    if on_more is not None:
        replications = targets[0].candidate.profile.simulation.replications if targets else 0
        trials = sum(max_trials(counts) for e in targets if (counts := search_range(e)) is not None)
        if trials:
            on_more(trials * replications)
    tuned = []
    for evaluation in targets:
        fixed = tune(evaluation, context)
        if fixed is not None:
            tuned.append(fixed)
    return tuned


def _tuning_targets(evaluations: list[Evaluation], architecture: Architecture) -> list[Evaluation]:
    """The cheapest designs of ``architecture`` missing their objectives; none if one already meets them."""
    own = [e for e in evaluations if e.candidate.architecture == architecture]
    if any(e.performance_ok for e in own):
        return []  # a design of this architecture already meets the objectives without tuning
    return sorted(own, key=lambda e: e.monthly_usd)[:TUNED_PER_ARCHITECTURE]


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
