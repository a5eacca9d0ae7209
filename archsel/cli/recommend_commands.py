"""Commands that compare designs: `recommend` (every candidate, one decision per profile) and `sweep` (a grid)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from archsel.cli.options import (
    MAX_JOBS,
    MAX_SEED,
    ArchChoice,
    ArchOpt,
    BudgetOpt,
    FormatOpt,
    OutputFormat,
    ProfileArg,
    ReportFormat,
    SchedulerOpt,
)
from archsel.cli.output import check_writable_file, output_stream, warn_if_stale, warn_short_horizon

if TYPE_CHECKING:
    from archsel.evaluate.executors import Executor, SimUnit
    from archsel.profile.schema import WorkloadProfile
    from archsel.recommend import Recommendation
    from archsel.recommend.growth import GrowthPlan
    from archsel.study.sweep import SweepPlan, SweepResult


def recommend(
    profiles: Annotated[list[Path], typer.Argument(help="One or more workload profiles (YAML).", show_default=False)],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table, json, markdown (a decision record) or html (charts).")
    ] = ReportFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every candidate, not only the best of each.")] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, max=MAX_SEED, help="Random seed (default: the profile's).")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Worker processes (default: one per core).")
    ] = None,
    scheduler: SchedulerOpt = None,
    growth: Annotated[
        str | None,
        typer.Option(
            "--growth",
            help="Plan for traffic growing at RATE (e.g. 8%/month, 40%/year): the cheapest architecture each "
            "month, the flip, three strategies' totals and the first objective to fail (default: traffic.growth).",
            show_default=False,
        ),
    ] = None,
    months: Annotated[
        int | None, typer.Option("--months", help="Months the growth plan covers, month 0 (today) to N-1 [24].")
    ] = None,
    migration_cost: Annotated[
        float | None,
        typer.Option("--migration-cost", help="One-off cost, USD, of moving to the other architecture at the flip."),
    ] = None,
    budget: BudgetOpt = None,
) -> int:
    """Simulate every candidate design, check the SLOs and recommend one, with reasons and the break-even.

    With several profiles, one decision each and then a fleet summary: total monthly cost per
    architecture choice and which services flip first as traffic grows. With --growth, a
    month-by-month plan priced from the same simulations (docs/growth.md).
    Exits 5 when no design meets every objective (the closest one is shown), for CI gates.
    """
    from archsel import api
    from archsel.errors import ExitCode
    from archsel.evaluate.executors import executor_for
    from archsel.views import fleet as views_fleet

    if out is not None:
        check_writable_file(out, "--out")  # the per-profile files go in the same folder
    loaded_profiles = load_all(profiles)  # every bad profile named before anything runs
    growth_settings = [  # bad growth options refused before anything runs too
        api.growth_settings(loaded, growth=growth, months=months, migration_usd=migration_cost)
        for loaded in loaded_profiles
    ]
    recommendations = []
    executor = executor_for(scheduler=scheduler, jobs=jobs)  # one cluster connection for every profile
    try:
        for loaded, settings in zip(loaded_profiles, growth_settings, strict=True):
            loaded = api.with_budget(loaded, budget)
            warn_short_horizon(loaded)
            recommendation = recommend_with_progress(loaded, seed, jobs, executor)
            warn_if_stale(recommendation.prices)
            plan = api.growth_plan(recommendation, settings) if settings is not None else None
            target = out if len(profiles) == 1 else _per_profile(out, loaded.name)
            _write_report(recommendation, fmt, target, show_all, plan)
            recommendations.append(recommendation)
    finally:
        executor.close()
    if len(recommendations) > 1:
        with output_stream(_per_profile(out, "fleet")) as stream:
            views_fleet.render_fleet(api.fleet(recommendations), fmt=fmt.value, stream=stream)
    met = all(recommendation.meets_slos for recommendation in recommendations)
    return int(ExitCode.OK if met else ExitCode.SLO_NOT_MET)


def load_all(paths: list[Path]) -> list[WorkloadProfile]:
    """Every profile loaded and validated; a ProfileError naming each one that is not, if any."""
    from archsel import api
    from archsel.errors import ArchselError, ProfileError
    from archsel.evaluate.horizon_check import check_recommend_window

    loaded: list[WorkloadProfile] = []
    problems: list[ArchselError] = []
    for path in paths:
        try:
            profile = api.load(path)
            check_recommend_window(profile)  # also checked by the plan; here so every bad profile is named
            loaded.append(profile)
        except ArchselError as error:
            problems.append(error)
    if not problems:
        return loaded
    if len(paths) == 1:
        raise problems[0]
    lines = [f"{len(problems)} of {len(paths)} profiles cannot be used (nothing was simulated):"]
    lines += [f"- {problem.message.splitlines()[0]}" for problem in problems]
    raise ProfileError("\n".join(lines), hint="fix or remove each one named, then run again")


def recommend_with_progress(
    loaded: WorkloadProfile, seed: int | None, jobs: int | None, executor: Executor | None = None
) -> Recommendation:
    """`api.recommend` with a progress bar (or lines) on stderr, one step per finished simulation."""
    from archsel import api
    from archsel.views.compile_notice import announce_compiling
    from archsel.views.design_label import unit_label
    from archsel.views.progress import progress_steps

    plan = api.plan_recommendation(loaded, seed=seed)
    announce_compiling()
    with progress_steps(plan.units, f"recommending {loaded.name}") as step:
        return api.recommend(
            loaded,
            plan=plan,
            jobs=jobs,
            executor=executor,
            on_done=lambda unit: step(unit_label(unit)),
            on_more=step.grow,
        )


def _per_profile(out: Path | None, name: str) -> Path | None:
    return None if out is None else out.with_name(f"{out.stem}-{name}{out.suffix}")


def _write_report(
    recommendation: Recommendation, fmt: ReportFormat, out: Path | None, show_all: bool, plan: GrowthPlan | None
) -> None:
    from archsel import api
    from archsel.views import recommend as views_recommend

    # The charts' per-second series come from extra simulations: run them before the file is opened.
    runs = api.capacity_runs(recommendation) if fmt is ReportFormat.html else None
    with output_stream(out) as stream:
        views_recommend.render_recommendation(
            recommendation, fmt=fmt.value, stream=stream, show_all=show_all, capacity_runs=runs, growth=plan
        )


def sweep(
    profile: ProfileArg,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="PATH=V1,V2,...: a profile key (e.g. lambda.memory_mb, traffic.mean_rps) and its values; "
            "repeat for more keys, the sweep is their cross product.",
            show_default=False,
        ),
    ],
    arch: ArchOpt = ArchChoice.all,
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-r", min=1, max=1000, help="Replications per point (default: the profile's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, max=MAX_SEED, help="Base seed (default: the profile's).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Also write every point to FILE: .csv, .parquet, .json, .html (charts) or .md."
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    scheduler: SchedulerOpt = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Worker processes (default: one per core).")
    ] = None,
) -> None:
    """Simulate and price every combination of the varied profile keys; show the cheapest per point and the flips.

    Every point is validated before anything runs. traffic.mean_rps and traffic.requests_per_month
    replace each other, and a given peak_rps keeps its ratio to the mean (the same daily shape).
    A varied field that does nothing at some points (peak_rps with a constant shape, lambda.*
    without Lambda) or a peak not above the mean is warned about on stderr before anything runs.
    Each point's seed comes from its values, so any backend gives the same numbers. Exits 1,
    after writing what finished, when some points are missing (each failed run is listed).
    """
    from archsel import api
    from archsel.errors import SimulationError
    from archsel.views import sweep as views_sweep

    if out is not None:
        views_sweep.check_out_path(out)
        check_writable_file(out, "--out")
    plan = api.plan_sweep(profile, vary=vary, architectures=(arch.value,), replications=replications, seed=seed)
    for notice in api.sweep_notices(plan):
        sys.stderr.write(f"archsel: warning: {notice}\n")
    result = _sweep_with_progress(plan, scheduler, jobs)
    views_sweep.render_sweep(result, fmt=fmt.value, stream=sys.stdout)
    for table in result.prices:
        warn_if_stale(table)
    if out is not None:
        views_sweep.write_sweep(result, out)
        sys.stderr.write(f"wrote {out}\n")
    if result.missing:
        raise SimulationError(
            f"{len(result.missing)} of {len(result.points)} sweep points are missing (their failed runs are listed above)",
            hint="rerun the sweep; every point that finished gives the same numbers again",
        )


def _sweep_with_progress(plan: SweepPlan, scheduler: str | None, jobs: int | None) -> SweepResult:
    """`api.sweep` with a progress bar (or lines) on stderr, one step per finished run, named by its design and point."""
    from archsel import api
    from archsel.views.compile_notice import announce_compiling
    from archsel.views.design_label import sweep_unit_label
    from archsel.views.progress import progress_steps

    count = len(plan.points)
    points = {id(point.profile): (plan.label(point), number) for number, point in enumerate(plan.points, start=1)}

    def label(unit: SimUnit) -> str:
        point_label, number = points[id(unit.profile)]
        return sweep_unit_label(unit, point_label, number, count)

    announce_compiling()
    # the total is every unit of the plan, known before anything runs: the bar never grows
    with progress_steps(len(plan.units()), f"sweeping {count} points") as step:
        return api.sweep(plan, scheduler=scheduler, jobs=jobs, on_done=lambda unit: step(label(unit)))
