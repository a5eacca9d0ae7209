"""Simulate, recommend (with its plan and the growth plan), sweeps and fleets: the commands that run the simulators."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.api.costs import architectures_named, pricing_table
from archsel.errors import UsageError
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.schema import WorkloadProfile

if TYPE_CHECKING:
    from archsel.evaluate.executors import Executor, OnDone
    from archsel.evaluate.runner import SimulationReport
    from archsel.recommend import Recommendation
    from archsel.recommend.growth import GrowthPlan, GrowthSettings
    from archsel.recommend.plan import RecommendPlan
    from archsel.sim.result import SimRun
    from archsel.study.fleet import FleetSummary
    from archsel.study.sweep import SweepPlan, SweepResult


def kernels_to_compile(architectures: Iterable[str] = ARCHITECTURES) -> tuple[str, ...]:
    """The architectures whose simulation kernels numba compiles on first use (its cache is empty)."""
    from archsel.sim.compiled import uncompiled

    return tuple(str(arch) for arch in uncompiled(Architecture(name) for name in architectures))


def simulate(
    profile: WorkloadProfile,
    *,
    architectures: tuple[str, ...] = ARCHITECTURES,
    seed: int | None = None,
    record_timeseries: bool = False,
    progress: Callable[[str], None] | None = None,
    prices_path: str | Path | None = None,
) -> SimulationReport:
    """Simulate the profile on each architecture (every replication) and price what it billed.

    ``prices_path`` replaces the shipped price table of the profile's region.
    """
    from archsel.evaluate.runner import run_simulations

    prices = pricing_table(region=profile.region, prices_path=prices_path)
    chosen = tuple(arch for arch in ARCHITECTURES if arch in architectures)
    return run_simulations(
        profile, prices, architectures=chosen, seed=seed, record_timeseries=record_timeseries, progress=progress
    )


def recommend(
    profile: WorkloadProfile,
    *,
    seed: int | None = None,
    jobs: int | None = None,
    on_done: Callable[[object], None] | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    plan: RecommendPlan | None = None,
    on_more: Callable[[int], None] | None = None,
) -> Recommendation:
    """Simulate every candidate design for ``profile`` and choose one.

    ``plan`` (from `plan_recommendation`, e.g. to size a progress bar first) is run as it is; its
    profile and seed stand for ``profile`` and ``seed``. ``on_done`` is called once per finished
    run, and ``on_more`` once, with the most runs tuning may add, when some design needs tuning.
    The runs go to ``executor`` if given (left open, for several profiles), else to the Dask
    cluster at ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``), else to a local process pool.
    """
    from archsel.evaluate.executors import executor_for
    from archsel.recommend.decide import run_plan

    planned = plan if plan is not None else plan_recommendation(profile, seed=seed)
    chosen = executor if executor is not None else executor_for(scheduler=scheduler, jobs=jobs)
    try:
        return run_plan(planned, executor=chosen, on_done=on_done, on_more=on_more)
    finally:
        if executor is None:
            chosen.close()


def plan_recommendation(profile: WorkloadProfile, *, seed: int | None = None) -> RecommendPlan:
    """What `recommend` will simulate (candidates, pruned, screened) and how many runs; nothing runs."""
    from archsel.evaluate.horizon_check import check_recommend_window
    from archsel.pricing.table import load_prices
    from archsel.recommend.plan import plan_recommendation as make_plan

    check_recommend_window(profile)
    return make_plan(profile, load_prices(profile.region), seed=seed)


def capacity_runs(recommendation: Recommendation) -> dict[str, SimRun]:
    """One replication of the best design of each architecture with per-second series (for charts)."""
    from archsel.evaluate.runner import simulate_one
    from archsel.sim.result import SimOptions

    profile = recommendation.profile
    options = SimOptions(
        horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup, record_timeseries=True
    )
    return {
        best.candidate.architecture: simulate_one(
            best.candidate.profile,
            best.candidate.architecture,
            seed=recommendation.seed,
            replication=0,
            options=options,
        )
        for best in recommendation.best
    }


def growth_settings(
    profile: WorkloadProfile,
    *,
    growth: str | None = None,
    months: int | None = None,
    migration_usd: float | None = None,
) -> GrowthSettings | None:
    """What `recommend --growth` will plan, checked before anything runs: ``growth`` (e.g. "8%/month")
    or the profile's traffic.growth; None when neither is given (UsageError for a bad option).
    """
    from archsel.profile.growth_units import growth_from_text
    from archsel.recommend.growth import DEFAULT_MONTHS, MAX_MONTHS, GrowthSettings

    rate = profile.traffic.growth
    if growth is not None:
        try:
            rate = growth_from_text(growth)
        except ValueError as error:
            raise UsageError(f"--growth: {error}", hint="e.g. --growth 8%/month or --growth 40%/year") from None
    if rate is None:
        if months is not None or migration_usd is not None:
            raise UsageError(
                "--months and --migration-cost need a growth rate", hint="add --growth 8%/month or traffic.growth"
            )
        return None
    if not -1.0 < rate <= 10.0:
        raise UsageError(f"growth {rate:.4g} a month: give a rate above -100% and at most 1000%", hint="e.g. 8%/month")
    count = DEFAULT_MONTHS if months is None else months
    if not 1 <= count <= MAX_MONTHS:
        raise UsageError(f"--months {count}: give 1 to {MAX_MONTHS} months", hint="e.g. --months 24")
    if migration_usd is not None and (migration_usd < 0 or not math.isfinite(migration_usd)):
        raise UsageError(f"--migration-cost {migration_usd}: give a cost in USD of 0 or more", hint="e.g. 20000")
    return GrowthSettings(rate=rate, months=count, migration_usd=migration_usd or 0.0)


def growth_plan(recommendation: Recommendation, settings: GrowthSettings) -> GrowthPlan:
    """The month-by-month plan of `recommend --growth`, from the recommendation's simulations (nothing reruns)."""
    from archsel.recommend.growth import growth_plan as make_plan

    return make_plan(
        recommendation.best,
        recommendation.prices,
        rate=settings.rate,
        months=settings.months,
        migration_usd=settings.migration_usd,
    )


def estimate_recommend_units(profile: WorkloadProfile) -> int:
    """How many simulation runs `recommend` starts with: its plan's count (tuning may add some, announced)."""
    return plan_recommendation(profile).units


def plan_sweep(
    profile_path: str | Path,
    *,
    vary: Sequence[str],
    architectures: Sequence[str] = ARCHITECTURES,
    replications: int | None = None,
    seed: int | None = None,
) -> SweepPlan:
    """Every point of the cross product of ``vary`` (``PATH=V1,V2,...``), validated; nothing runs.

    An unknown path is a UsageError naming the allowed keys; a value the schema refuses is a
    ProfileError naming the point and the field. ``replications`` and ``seed`` replace the
    profile's `simulation` settings for every point.
    """
    from archsel.study.axes import parse_vary, read_document, with_setting
    from archsel.study.sweep import plan_sweep as make_plan

    axes = [parse_vary(text) for text in vary]
    document = read_document(Path(profile_path))
    if replications is not None:
        document = with_setting(document, "simulation.replications", replications)
    if seed is not None:
        document = with_setting(document, "simulation.seed", seed)
    return make_plan(document, axes, architectures=_architectures_of(architectures))


def sweep_notices(plan: SweepPlan) -> tuple[str, ...]:
    """Warnings about varied values that make another field, or themselves, meaningless at some points."""
    from archsel.study.sweep_notices import sweep_notices as notices_of

    return notices_of(plan)


def _architectures_of(names: Sequence[str]) -> tuple[Architecture, ...]:
    chosen = {arch for name in names for arch in architectures_named(name)}
    return tuple(arch for arch in ARCHITECTURES if arch in chosen)


def sweep(
    plan: SweepPlan,
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    on_done: OnDone | None = None,
) -> SweepResult:
    """Simulate and price every point of ``plan`` and find where the cheapest architecture flips.

    Runs on ``executor`` if given, else on the Dask cluster at ``scheduler`` (or
    ``DASK_SCHEDULER_ADDRESS``), else on a local process pool of ``jobs`` workers. Units that
    fail are listed in the result (``SweepResult.missing``), never dropped silently.
    """
    from archsel.evaluate.executors import executor_for
    from archsel.pricing.table import load_prices
    from archsel.study.sweep import run_sweep

    regions = sorted({point.profile.region for point in plan.points})
    prices = [load_prices(region) for region in regions]
    chosen = executor if executor is not None else executor_for(scheduler=scheduler, jobs=jobs)
    try:
        return run_sweep(plan, prices, chosen, on_done)
    finally:
        if executor is None:
            chosen.close()


def fleet(recommendations: Sequence[Recommendation]) -> FleetSummary:
    """Totals per architecture choice and the order in which services flip as their traffic grows."""
    from archsel.study.fleet import fleet_summary

    return fleet_summary(recommendations)
