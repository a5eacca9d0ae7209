"""Finds the cheapest fix for a design that misses its latency or error objectives.

Lambda: the smallest static provisioned concurrency that meets them (cold starts removed).
Fargate: the smallest minimum task count that meets them (capacity already warm when traffic
rises, instead of arriving minutes late through target tracking).
Both search by bisection with a bounded number of simulations.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from archsel.recommend.candidates import Candidate, fargate_key, lambda_key, with_fargate, with_lambda
from archsel.recommend.evaluate import Evaluation, EvaluationContext, evaluate
from archsel.sim.runner import PricedRun

MAX_SEARCH_STEPS = 5


def tune(evaluation: Evaluation, context: EvaluationContext) -> Evaluation | None:
    """A fixed variant of ``evaluation`` (the cheapest that meets the objectives, else the best tried)."""
    if evaluation.performance_ok:
        return None
    if evaluation.candidate.architecture == "lambda":
        return _tune_lambda(evaluation, context)
    return _tune_fargate(evaluation, context)


def _tune_lambda(evaluation: Evaluation, context: EvaluationContext) -> Evaluation | None:
    cold_ratio = evaluation.result.interval(lambda p: p.run.cold_start_ratio).mean
    if cold_ratio == 0:
        return None  # not a cold-start problem: provisioned concurrency cannot help
    peak = evaluation.result.interval(lambda p: p.run.figure("peak_concurrency", _max_instances(p))).mean
    ceiling = max(1, math.ceil(peak))
    reserved = evaluation.candidate.profile.lambda_.reserved_concurrency
    if reserved is not None:
        ceiling = min(ceiling, reserved)
    # with several functions (routes) the count is configured on each: the account quota bounds their sum
    functions = len(evaluation.candidate.profile.function_routes)
    ceiling = max(1, min(ceiling, evaluation.candidate.profile.lambda_.account_concurrency // functions))

    def variant(count: int) -> Candidate:
        profile = with_lambda(evaluation.candidate.profile, provisioned_concurrency=count)
        return Candidate(lambda_key(profile), "lambda", profile)

    return _bisect(1, ceiling, variant, context)


def _tune_fargate(evaluation: Evaluation, context: EvaluationContext) -> Evaluation | None:
    fargate = evaluation.candidate.profile.fargate
    if fargate.min_tasks >= fargate.max_tasks:
        return None

    def variant(count: int) -> Candidate:
        profile = with_fargate(evaluation.candidate.profile, min_tasks=count)
        return Candidate(fargate_key(profile), "fargate", profile)

    return _bisect(fargate.min_tasks + 1, fargate.max_tasks, variant, context)


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


def _evaluate_one(candidate: Candidate, context: EvaluationContext, *, quick: bool = False) -> Evaluation:
    if quick and candidate.profile.simulation.replications > 1:
        simulation = candidate.profile.simulation.model_copy(update={"replications": 1})
        candidate = replace(candidate, profile=candidate.profile.model_copy(update={"simulation": simulation}))
    return evaluate([candidate], context)[0]


def _max_instances(priced: PricedRun) -> float:
    instances = priced.run.instances
    return float(instances.max) if instances is not None else 1.0
