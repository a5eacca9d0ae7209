"""Simulated best designs (Lambda, Fargate and Lambda Managed Instances) of a small steady profile, for the growth plan tests."""

from __future__ import annotations

from functools import cache

from archsel.evaluate.candidate import Evaluation, EvaluationContext, evaluate
from archsel.evaluate.design import Candidate
from archsel.evaluate.executors import InProcessExecutor
from archsel.pricing.table import PriceTable, load_prices
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.sim.result import SimOptions

# A steady API at 1 req/s: Lambda is cheaper today and Fargate overtakes it as traffic grows.
STEADY = """
version: 1
name: steady-growth
region: us-east-1
traffic: {mean_rps: 1, shape: constant}
request:
  duration_ms: {distribution: lognormal, p50: 60, p95: 250}
  cpu_fraction: 0.3
lambda: {memory_mb: 512}
fargate: {vcpu: 0.25, memory_gb: 0.5, min_tasks: 1, max_tasks: 100}
database: {kind: none}
frontend: {enabled: false}
auth: {provider: none}
slo: {p99_latency_ms: 2000}
simulation: {horizon: 2h, warmup: 5m, seed: 3, replications: 2}
"""


@cache
def steady_best() -> tuple[tuple[Evaluation, ...], PriceTable]:
    """Both designs of the steady profile, each simulated twice and priced (cached for the session)."""
    profile = parse_profile(STEADY, source="steady-growth")
    prices = load_prices(profile.region)
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup)
    context = EvaluationContext(prices, InProcessExecutor(), profile.simulation.seed, options)
    # Each candidate its own profile object: evaluate() matches runs to candidates by profile identity.
    candidates = [
        Candidate(key=f"{architecture}-steady-0", architecture=architecture, profile=profile.model_copy())
        for architecture in (Architecture.LAMBDA, Architecture.FARGATE)
    ]
    return tuple(evaluate(candidates, context)), prices


@cache
def steady_managed() -> Evaluation:
    """The steady profile on Lambda Managed Instances (default capacity provider), simulated like the other two."""
    _, prices = steady_best()
    profile = parse_profile(STEADY, source="steady-growth")
    options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup)
    context = EvaluationContext(prices, InProcessExecutor(), profile.simulation.seed, options)
    candidate = Candidate(key="lambda-managed-steady-0", architecture=Architecture.LAMBDA_MANAGED, profile=profile)
    (managed,) = evaluate([candidate], context)
    return managed


def steady_three() -> tuple[tuple[Evaluation, ...], PriceTable]:
    """Lambda, Fargate and Lambda Managed Instances, in that order."""
    best, prices = steady_best()
    return (*best, steady_managed()), prices
