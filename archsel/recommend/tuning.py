"""Finds the cheapest fix for a design that misses its latency or error objectives.

Lambda: the smallest static provisioned concurrency that meets them (cold starts removed).
Fargate: the smallest minimum task count that meets them (capacity already warm when traffic
rises, instead of arriving minutes late through target tracking); with a fargate.schedule, the
base min_tasks only, the windows kept as the user wrote them.
Lambda Managed Instances: the smallest minimum instance count that meets them (headroom for
jumps the asynchronous scaler cannot follow).
All search by bisection with a bounded number of simulations.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from archsel.evaluate.candidate import Evaluation, EvaluationContext, evaluate
from archsel.evaluate.design import Candidate, with_fargate, with_lambda, with_lambda_managed
from archsel.evaluate.runner import PricedRun
from archsel.profile.architecture import Architecture
from archsel.profile.fargate_schema import Fargate
from archsel.profile.units import SECONDS_PER_DAY
from archsel.recommend.candidates import fargate_key, lambda_key
from archsel.recommend.managed_candidates import managed_key
from archsel.sim.figures import LambdaFigures

MAX_SEARCH_STEPS = 5


def tune(evaluation: Evaluation, context: EvaluationContext) -> Evaluation | None:
    """A fixed variant of ``evaluation`` (the cheapest that meets the objectives, else the best tried)."""
    counts = search_range(evaluation)
    if counts is None:
        return None
    candidate = evaluation.candidate
    if candidate.architecture == Architecture.LAMBDA:

        def variant(count: int) -> Candidate:
            profile = with_lambda(candidate.profile, provisioned_concurrency=count)
            return Candidate(lambda_key(profile), Architecture.LAMBDA, profile)

    elif candidate.architecture == Architecture.LAMBDA_MANAGED:

        def variant(count: int) -> Candidate:
            profile = with_lambda_managed(candidate.profile, min_instances=count)
            return Candidate(managed_key(profile), Architecture.LAMBDA_MANAGED, profile)

    else:

        def variant(count: int) -> Candidate:
            profile = with_fargate(candidate.profile, min_tasks=count)
            return Candidate(fargate_key(profile), Architecture.FARGATE, profile)

    return _bisect(*counts, variant, context)


def search_range(evaluation: Evaluation) -> tuple[int, int] | None:
    """The counts tuning searches for ``evaluation`` (provisioned concurrency or min_tasks); None if nothing to try."""
    if evaluation.performance_ok:
        return None
    if evaluation.candidate.architecture == Architecture.LAMBDA:
        return _provisioned_range(evaluation)
    if evaluation.candidate.architecture == Architecture.LAMBDA_MANAGED:
        managed = evaluation.candidate.profile.lambda_managed
        # more instances kept warm: headroom for jumps the scaler cannot follow
        return (
            (managed.min_instances + 1, managed.max_instances)
            if managed.min_instances < managed.max_instances
            else None
        )
    return min_tasks_range(evaluation.candidate.profile.fargate)


def max_trials(counts: tuple[int, int]) -> int:
    """The most designs `_bisect` simulates over ``counts``: the top one, then one per halving of the range."""
    low, high = counts
    if low > high:
        return 0
    return 1 + min(MAX_SEARCH_STEPS, math.ceil(math.log2(high - low + 1)))


def _provisioned_range(evaluation: Evaluation) -> tuple[int, int] | None:
    cold_ratio = evaluation.result.interval(lambda p: p.run.cold_start_ratio).mean
    if cold_ratio == 0:
        return None  # not a cold-start problem: provisioned concurrency cannot help
    peak = evaluation.result.interval(_peak_concurrency).mean
    ceiling = max(1, math.ceil(peak))
    reserved = evaluation.candidate.profile.lambda_.reserved_concurrency
    if reserved is not None:
        ceiling = min(ceiling, reserved)
    # with several functions (routes) the count is configured on each: the account quota bounds their sum
    functions = len(evaluation.candidate.profile.function_routes)
    ceiling = max(1, min(ceiling, evaluation.candidate.profile.lambda_.account_concurrency // functions))
    return 1, ceiling


def min_tasks_range(fargate: Fargate) -> tuple[int, int] | None:
    """The min_tasks values tuning tries: above the profile's, up to the largest its bounds allow; None if none.

    With fargate.schedule the user's windows stay as written and only the base min_tasks is tuned.
    It holds outside the windows and in windows that set only max_tasks, whose max caps it; when
    windows with their own min_tasks cover the whole day it never applies, so there is nothing to try.
    """
    window_maxes = [w.max_tasks for w in fargate.schedule if w.min_tasks is None and w.max_tasks is not None]
    ceiling = min([fargate.max_tasks, *window_maxes])
    # Windows do not overlap, so their lengths add up to the time they cover.
    own_min_s = sum((w.to - w.from_) % SECONDS_PER_DAY for w in fargate.schedule if w.min_tasks is not None)
    if fargate.min_tasks >= ceiling or own_min_s >= SECONDS_PER_DAY:
        return None
    return fargate.min_tasks + 1, ceiling


def _bisect(low: int, high: int, variant: Callable[[int], Candidate], context: EvaluationContext) -> Evaluation | None:
    """Smallest count in [low, high] whose design meets the objectives; the top one if none does."""
    if low > high:
        return None
    best = _evaluate_one(variant(high), context)
    if not best.performance_ok:
        return best
    for _ in range(MAX_SEARCH_STEPS):
        if low >= high:
            break
        middle = (low + high) // 2
        trial = _evaluate_one(variant(middle), context)
        if trial.performance_ok:
            best, high = trial, middle
        else:
            low = middle + 1
    return best


def _evaluate_one(candidate: Candidate, context: EvaluationContext) -> Evaluation:
    return evaluate([candidate], context)[0]


def _peak_concurrency(priced: PricedRun) -> float:
    """The run's peak concurrency (a Lambda figure); the most environments alive for runs without it."""
    figures = priced.run.figures
    return figures.peak_concurrency if isinstance(figures, LambdaFigures) else _max_instances(priced)


def _max_instances(priced: PricedRun) -> float:
    instances = priced.run.instances
    return float(instances.max) if instances is not None else 1.0
