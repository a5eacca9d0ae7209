"""The library facade: one function per command, composing the pipeline stages. Never prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.performance import lambda_duration_factor
from archsel.profile import WorkloadProfile
from archsel.profile_loader import load_profile
from archsel.sim.traffic import summarize

if TYPE_CHECKING:
    from archsel.recommend import Recommendation
    from archsel.sim.result import SimRun
    from archsel.sim.runner import SimulationReport


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What a valid profile implies (the output of `archsel validate`)."""

    profile: WorkloadProfile
    source: str
    mean_rps: float
    peak_rps: float
    trough_rps: float
    requests_per_month: float
    mean_duration_ms: float
    lambda_mean_duration_ms: float
    lambda_concurrency_mean: float
    lambda_concurrency_peak: float
    notices: tuple[str, ...]


def validate(profile_path: str | Path) -> ValidationReport:
    """Load ``profile_path`` and work out its mean/peak rate, monthly requests and concurrency.

    Concurrency follows Little's law: in-flight requests = arrival rate x time in the system.
    """
    profile = load_profile(profile_path)
    traffic = summarize(profile)
    mean_ms = profile.request.duration_ms.mean()
    factor = lambda_duration_factor(profile.lambda_.memory_mb, profile.request.cpu_fraction)
    lambda_ms = mean_ms * factor
    return ValidationReport(
        profile=profile,
        source=str(profile_path),
        mean_rps=traffic.mean_rps,
        peak_rps=traffic.peak_rps,
        trough_rps=traffic.trough_rps,
        requests_per_month=traffic.requests_per_month,
        mean_duration_ms=mean_ms,
        lambda_mean_duration_ms=lambda_ms,
        lambda_concurrency_mean=traffic.mean_rps * lambda_ms / 1000.0,
        lambda_concurrency_peak=traffic.peak_rps * lambda_ms / 1000.0,
        notices=_notices(profile),
    )


def _notices(profile: WorkloadProfile) -> tuple[str, ...]:
    notices = []
    if profile.traffic.shape == "weekly" and profile.simulation.horizon < 7 * 86_400:
        notices.append(
            "shape weekly with a horizon under 7d: the simulated window misses the weekend (set simulation.horizon: 7d)"
        )
    if profile.storage.upload_mb > 6 and not profile.storage.presigned_urls:
        notices.append(
            f"uploads of {profile.storage.upload_mb:g} MB exceed Lambda's 6 MB payload limit; use presigned_urls: true"
        )
    return tuple(notices)


def load(profile_path: str | Path) -> WorkloadProfile:
    """Read and validate a profile (ProfileError names file, line and field)."""
    return load_profile(profile_path)


def simulate(
    profile: WorkloadProfile,
    *,
    architectures: tuple[str, ...] = ("lambda", "fargate"),
    seed: int | None = None,
    record_timeseries: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SimulationReport:
    """Simulate the profile on each architecture (every replication) and price what it billed."""
    from archsel.pricing import load_prices
    from archsel.sim.runner import run_simulations

    prices = load_prices(profile.region)
    chosen = tuple(arch for arch in ("lambda", "fargate") if arch in architectures)
    return run_simulations(
        profile, prices, architectures=chosen, seed=seed, record_timeseries=record_timeseries, progress=progress
    )


def recommend(
    profile: WorkloadProfile,
    *,
    seed: int | None = None,
    jobs: int | None = None,
    on_done: Callable[[object], None] | None = None,
) -> Recommendation:
    """Simulate every candidate design for ``profile`` on a process pool and choose one."""
    from archsel.executors import ProcessPoolRunner
    from archsel.pricing import load_prices
    from archsel.recommend import recommend as run_recommendation

    prices = load_prices(profile.region)
    return run_recommendation(profile, prices, executor=ProcessPoolRunner(jobs), seed=seed, on_done=on_done)


def capacity_runs(recommendation: Recommendation) -> dict[str, SimRun]:
    """One replication of the best design of each architecture with per-second series (for charts)."""
    from archsel.sim.result import SimOptions
    from archsel.sim.runner import simulate_one

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


def estimate_recommend_units(profile: WorkloadProfile) -> int:
    """How many simulation runs `recommend` starts with (for the progress bar; tuning may add a few)."""
    from archsel.recommend.candidates import fargate_candidates, lambda_candidates

    candidates = [*lambda_candidates(profile)[0], *fargate_candidates(profile)[0]]
    return len({c.simulation_key for c in candidates}) * profile.simulation.replications


# ----------------------------------------------------------------------------- scaffold

if TYPE_CHECKING:
    from archsel.scaffold.design import Design
    from archsel.scaffold.render import RenderedFile
    from archsel.scaffold.write import WriteOptions, WriteReport


@dataclass(frozen=True, slots=True)
class ScaffoldResult:
    """What `archsel scaffold` rendered for a design and what it did (or would do) to the folder."""

    design: Design
    template_set: str
    files: tuple[RenderedFile, ...]
    report: WriteReport
    notes: tuple[str, ...]


def is_profile_source(source: str | Path) -> bool:
    """Whether `archsel scaffold SOURCE` is a workload profile (else a recommend JSON or an answers file)."""
    from archsel.scaffold.answers import ANSWERS_FILE

    path = Path(source)
    return path.suffix.lower() != ".json" and not path.name.endswith(ANSWERS_FILE)


def scaffold_design(source: str | Path, *, architecture: str | None = None) -> Design:
    """The design in a recommend JSON document or a project's archsel.answers.yaml.

    With ``architecture`` (--arch): that architecture's best design from the JSON, or the
    answers file's profile with that architecture's own settings. Profiles go through
    `recommend` first (see `design_from_recommendation`).
    """
    from archsel.scaffold.answers import design_from_answers
    from archsel.scaffold.design import design_from_json, design_from_profile

    path = Path(source)
    if path.suffix.lower() == ".json":
        return design_from_json(path, architecture)
    design = design_from_answers(path)
    if architecture is None or architecture == design.architecture:
        return design
    return design_from_profile(design.profile, architecture)


def design_from_recommendation(recommendation: Recommendation, architecture: str | None = None) -> Design:
    """The recommendation's choice (or its best of ``architecture``) as a design to scaffold."""
    from archsel.scaffold.design import design_from_recommendation as from_recommendation

    return from_recommendation(recommendation, architecture)


def scaffold(design: Design, *, iac: str, out: str | Path, options: WriteOptions | None = None) -> ScaffoldResult:
    """Render ``design`` with the template set for its architecture and ``iac``, and write it to ``out``.

    ``options`` selects a dry run (optionally with diffs) and --force; a non-empty ``out`` without
    --force raises OutputExistsError (exit 2). Files archsel did not generate are never touched.
    """
    from archsel.scaffold.manifest import find_template_set
    from archsel.scaffold.render import render, render_params
    from archsel.scaffold.write import WriteOptions, write_project

    template_set = find_template_set(design.architecture, iac)
    files = render(design, template_set)
    report = write_project(files, Path(out), options or WriteOptions())
    notes = render_params(design, template_set).notes
    return ScaffoldResult(design=design, template_set=template_set.name, files=files, report=report, notes=notes)
