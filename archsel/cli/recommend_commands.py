"""Commands that compare designs: `recommend` (every candidate, one decision per profile) and `sweep` (a grid)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from archsel.cli.options import ArchChoice, ArchOpt, FormatOpt, OutputFormat, ProfileArg, ReportFormat, SchedulerOpt
from archsel.cli.output import output_stream, warn_if_stale

if TYPE_CHECKING:
    from archsel.evaluate.executors import Executor
    from archsel.profile.schema import WorkloadProfile
    from archsel.recommend import Recommendation
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
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default: the profile's).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: one per core).")] = None,
    scheduler: SchedulerOpt = None,
) -> int:
    """Simulate every candidate design, check the SLOs and recommend one, with reasons and the break-even.

    With several profiles, one decision each and then a fleet summary: total monthly cost per
    architecture choice and which services flip first as traffic grows.
    Exits 5 when no design meets every objective (the closest one is shown), for CI gates.
    """
    from archsel import api
    from archsel.errors import ExitCode
    from archsel.evaluate.executors import executor_for
    from archsel.views import fleet as views_fleet

    recommendations = []
    executor = executor_for(scheduler=scheduler, jobs=jobs)  # one cluster connection for every profile
    try:
        for path in profiles:
            loaded = api.load(path)
            recommendation = recommend_with_progress(loaded, seed, jobs, executor)
            warn_if_stale(recommendation.prices)
            _write_report(recommendation, fmt, out if len(profiles) == 1 else _per_profile(out, loaded.name), show_all)
            recommendations.append(recommendation)
    finally:
        executor.close()
    if len(recommendations) > 1:
        with output_stream(_per_profile(out, "fleet")) as stream:
            views_fleet.render_fleet(api.fleet(recommendations), fmt=fmt.value, stream=stream)
    met = all(recommendation.meets_slos for recommendation in recommendations)
    return int(ExitCode.OK if met else ExitCode.SLO_NOT_MET)


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


def _write_report(recommendation: Recommendation, fmt: ReportFormat, out: Path | None, show_all: bool) -> None:
    from archsel import api
    from archsel.views import recommend as views_recommend

    # The charts' per-second series come from extra simulations: run them before the file is opened.
    runs = api.capacity_runs(recommendation) if fmt is ReportFormat.html else None
    with output_stream(out) as stream:
        views_recommend.render_recommendation(
            recommendation, fmt=fmt.value, stream=stream, show_all=show_all, capacity_runs=runs
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
        int | None, typer.Option("--replications", "-r", help="Replications per point (default: the profile's).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Base seed (default: the profile's).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Also write every point to FILE: .csv, .parquet, .json, .html (charts) or .md."
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    scheduler: SchedulerOpt = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: one per core).")] = None,
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
    """`api.sweep` with a progress bar (or lines) on stderr, one step per finished run, named by its point."""
    from archsel import api
    from archsel.views.compile_notice import announce_compiling
    from archsel.views.progress import progress_steps

    labels = {id(point.profile): plan.label(point) for point in plan.points}
    announce_compiling()
    with progress_steps(len(plan.units()), f"sweeping {len(plan.points)} points") as step:
        return api.sweep(
            plan, scheduler=scheduler, jobs=jobs, on_done=lambda u: step(f"{labels[id(u.profile)]} {u.architecture}")
        )
