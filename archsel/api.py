"""The library facade: one function per command, composing the pipeline stages. Never prints."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.cost.components import CostEstimate
from archsel.errors import PricingError, UsageError
from archsel.pricing.table import Price, PriceTable
from archsel.profile import presets
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.loader import load_profile
from archsel.profile.performance import lambda_duration_factor
from archsel.profile.presets import InitResult, Preset
from archsel.profile.routes import mean_duration_ms
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import summarize

if TYPE_CHECKING:
    from archsel.deploy.models import AwsTarget, DeployOptions, DeployResult, DeployUI, DestroyOptions, DestroyResult
    from archsel.deploy.run import Edges
    from archsel.evaluate.executors import Executor, OnDone
    from archsel.evaluate.runner import SimulationReport
    from archsel.pricing.update import PricingClient, UpdatePlan
    from archsel.recommend import Recommendation
    from archsel.recommend.plan import RecommendPlan
    from archsel.sim.result import SimRun
    from archsel.study.fleet import FleetSummary
    from archsel.study.sweep import SweepPlan, SweepResult


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
    mean_ms = mean_duration_ms(profile)
    lambda_ms = lambda_mean_ms(profile)
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


def lambda_mean_ms(profile: WorkloadProfile) -> float:
    """Mean request time on Lambda: each route's at its function's memory, weighted by share."""
    from archsel.profile.routes import route_layout

    cpu = profile.request.cpu_fraction
    plan = route_layout(profile)
    if not plan.explicit:
        return profile.request.duration_ms.mean() * lambda_duration_factor(profile.lambda_.memory_mb, cpu)
    return math.fsum(
        route.share * route.duration_ms.mean() * lambda_duration_factor(plan.functions[route.function].memory_mb, cpu)
        for route in plan.routes
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
    notices.extend(route_notices(profile))
    return tuple(notices)


def route_notices(profile: WorkloadProfile) -> tuple[str, ...]:
    """What the loader did to request.routes: shares normalised to sum to 1."""
    request = profile.request
    if not request.routes or abs(request.route_share_total - 1.0) <= 1e-9:
        return ()
    shares = ", ".join(
        f"{route.key} {share:.3g}" for route, share in zip(request.routes, request.route_shares, strict=True)
    )
    return (f"request.routes shares sum to {request.route_share_total:g}, not 1: normalised to {shares}",)


def load(profile_path: str | Path) -> WorkloadProfile:
    """Read and validate a profile (ProfileError names file, line and field)."""
    return load_profile(profile_path)


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
    from archsel.pricing.table import load_prices
    from archsel.recommend.plan import plan_recommendation as make_plan

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


def estimate_recommend_units(profile: WorkloadProfile) -> int:
    """How many simulation runs `recommend` starts with: its plan's count (tuning may add some, announced)."""
    return plan_recommendation(profile).units


# ----------------------------------------------------------------------------- cost and price tables


@dataclass(frozen=True, slots=True)
class CostReport:
    """The output of `archsel cost`: one no-simulation estimate per architecture."""

    profile: WorkloadProfile
    source: str
    prices: PriceTable
    estimates: tuple[CostEstimate, ...]

    @property
    def missing_prices(self) -> tuple[str, ...]:
        """Price ids some estimate needed but the table lacks."""
        return tuple(dict.fromkeys(pid for e in self.estimates for pid in e.missing_prices))

    def missing_price_error(self) -> PricingError | None:
        """The error to raise after showing an estimate with missing prices (None when complete)."""
        return missing_price_error(self.prices, self.estimates)


def missing_price_error(prices: PriceTable, estimates: Iterable[CostEstimate]) -> PricingError | None:
    """The error to raise after showing estimates that lack some prices (None when every price was there)."""
    missing = tuple(dict.fromkeys(pid for estimate in estimates for pid in estimate.missing_prices))
    if not missing:
        return None
    return PricingError(
        f"{prices.source_file}: no price for {', '.join(missing)}; the estimate above leaves those lines out",
        hint=(
            "add the value to the table (or a copy of it passed with --prices FILE), "
            f"or fetch it with `archsel pricing update --region {prices.region}`"
        ),
    )


def cost(profile_path: str | Path, *, arch: str = "all", prices_path: str | Path | None = None) -> CostReport:
    """Load the profile and its price table; estimate each requested architecture without simulating.

    ``arch`` is lambda, fargate or all; ``prices_path`` replaces the shipped table of the
    profile's region by a file in the same format.
    """
    from archsel.cost.engine import estimate, usage_from_profile

    profile = load_profile(profile_path)
    prices = pricing_table(region=profile.region, prices_path=prices_path)
    if prices.region != profile.region:
        raise PricingError(
            f"{prices.source_file}: prices are for {prices.region} but {profile_path} runs in {profile.region}",
            hint="use a price table of the profile's region",
        )
    estimates = tuple(estimate(profile, usage_from_profile(profile, a), prices) for a in _architectures(arch))
    return CostReport(profile, str(profile_path), prices, estimates)


def _architectures(arch: str) -> tuple[Architecture, ...]:
    if arch == "all":
        return ARCHITECTURES
    if arch in ARCHITECTURES:
        return (Architecture(arch),)
    raise UsageError(f"--arch must be lambda, fargate or all (got {arch!r})")


def pricing_table(*, region: str | None = None, prices_path: str | Path | None = None) -> PriceTable:
    """The price table in use: ``prices_path`` if given, else the shipped one of ``region`` (default us-east-1)."""
    from archsel.pricing.table import load_price_file, load_prices

    if prices_path is not None:
        return load_price_file(prices_path)
    return load_prices(region or "us-east-1")


def prices_of_service(table: PriceTable, service: str | None) -> tuple[Price, ...]:
    """The prices of one cost-component service (all of them for None); an unknown name is a usage error."""
    from archsel.pricing.table import SERVICES

    if service is None:
        return table.prices
    if service not in SERVICES:
        raise UsageError(f"--service: unknown service {service!r}", hint=f"use one of: {', '.join(SERVICES)}")
    return table.for_service(service)


# ----------------------------------------------------------------------------- init (presets)

_INIT_HEADER = """\
# Written by `archsel init --preset {preset}` from the shipped scenario of that name.
# Edit it to describe your workload, then check it with `archsel validate {path}`.
# Every key, its default and the default's source: docs/profile.md in the archsel repository.
#
"""


def list_presets() -> tuple[Preset, ...]:
    """The shipped scenarios `archsel init` can start from, with their one-line descriptions."""
    return presets.list_presets()


def init_profile(
    *, path: str | Path = presets.DEFAULT_PROFILE_NAME, preset: str = presets.DEFAULT_PRESET, force: bool = False
) -> InitResult:
    """Write a commented profile copied from the shipped scenario ``preset`` (and its trace CSV).

    Refuses, writing nothing, when a target file exists and ``force`` is off (UsageError,
    exit 2); an unknown preset is a UsageError that lists the valid names.
    """
    chosen = presets.find_preset(preset)
    shipped = load_profile(chosen.path)  # names the trace to copy; a broken shipped scenario fails here, not later
    target = presets.profile_target(Path(path))
    header = _INIT_HEADER.format(preset=chosen.name, path=target)
    files = presets.plan_files(chosen, target, trace=shipped.traffic.trace, header=header)
    result = presets.write_files(chosen.name, files, force=force)
    load_profile(result.profile_path)  # what was written must load as it stands
    return result


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


# ----------------------------------------------------------------------------- price table refresh


def plan_pricing_update(
    *, region: str, client: PricingClient, today: dt.date, directory: Path | None = None
) -> UpdatePlan:
    """Ask the Price List API (``client``, boto3's `pricing` client) for ``region``'s prices.

    The region's table in ``directory`` (default: the shipped pricing/aws/) is the previous
    state; a region without one gets the us-east-1 table's layout and only what the API answers.
    Nothing is written: see ``write_pricing_update``.
    """
    from archsel.pricing.table import load_price_file, load_prices
    from archsel.pricing.update import UpdateRequest, plan_update

    folder = directory if directory is not None else _price_folder()
    path = folder / f"{region}.yaml"
    if path.is_file():
        request = UpdateRequest(region, path, load_price_file(path), True, today)
    else:
        request = UpdateRequest(region, path, load_prices("us-east-1"), False, today)
    return plan_update(request, client)


def write_pricing_update(plan: UpdatePlan) -> Path:
    """Write an update plan's table atomically; the old file stays intact if anything fails."""
    from archsel.pricing.update import write_plan

    return write_plan(plan)


def pricing_regions(directory: Path | None = None) -> tuple[str, ...]:
    """Regions that have a price table in ``directory`` (default: the shipped folder)."""
    from archsel.pricing.table import available_regions

    return available_regions(directory=directory if directory is not None else _price_folder())


def _price_folder() -> Path:
    from archsel.resources import pricing_dir

    return pricing_dir() / "aws"


# ----------------------------------------------------------------------------- deploy and destroy


def deploy(
    project_dir: str | Path,
    *,
    target: AwsTarget,
    options: DeployOptions,
    ui: DeployUI,
    edges: Edges | None = None,
) -> DeployResult:
    """Deploy a scaffolded project through a CloudFormation change set (see docs/deploy.md).

    ``ui`` shows the change set, asks for confirmation and follows the events; ``edges``
    injects the AWS connection, clock, environment and CDK synth (tests); None uses the real ones.
    """
    from archsel.deploy.run import Edges as RealEdges
    from archsel.deploy.run import run_deploy

    return run_deploy(Path(project_dir), target, options, ui, edges or RealEdges())


def destroy(
    project_dir: str | Path,
    *,
    target: AwsTarget,
    options: DestroyOptions,
    ui: DeployUI,
    edges: Edges | None = None,
) -> DestroyResult:
    """Delete a project's stack after confirmation; empties only buckets the stack created, unless --keep-data."""
    from archsel.deploy.run import Edges as RealEdges
    from archsel.deploy.run import run_destroy

    return run_destroy(Path(project_dir), target, options, ui, edges or RealEdges())


# ----------------------------------------------------------------------------- sweeps and fleets


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
    chosen = {arch for name in names for arch in _architectures(name)}
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


# ----------------------------------------------------------------------------- import from logs and metrics

if TYPE_CHECKING:
    from archsel.telemetry.cloudwatch import CloudWatchClient, CloudWatchTarget
    from archsel.telemetry.importer import ImportReport


def import_logs(
    paths: Sequence[str | Path],
    *,
    out: str | Path,
    function: str | None = None,
    memory_mb: int | None = None,
    seed: int | None = None,
) -> ImportReport:
    """Read log files (format detected per line, gzip too), write a profile and its trace, and check it.

    Malformed lines are counted, never fatal; TelemetryError (exit 3) when no line is a request.
    """
    from archsel.telemetry.importer import write_and_check
    from archsel.telemetry.measure import measure_logs
    from archsel.telemetry.reader import read_logs

    parsed = read_logs(paths)
    report = write_and_check(measure_logs(parsed, memory_mb=memory_mb), Path(out), function, seed)
    return replace(report, malformed=parsed.malformed, ignored=parsed.ignored, malformed_at=parsed.malformed_at)


def import_cloudwatch(
    target: CloudWatchTarget,
    *,
    out: str | Path,
    client: CloudWatchClient,
    now: dt.datetime,
    days: float = 14.0,
    memory_mb: int | None = None,
    seed: int | None = None,
) -> ImportReport:
    """Read CloudWatch metrics (``client``: boto3's cloudwatch client) for ``target``, write a profile and check it."""
    from archsel.telemetry.cloudwatch import read_metrics
    from archsel.telemetry.importer import write_and_check

    measured = read_metrics(client, target, now=now, days=days, memory_mb=memory_mb)
    return write_and_check(measured, Path(out), target.name, seed)


def cloudwatch_target(
    *, function: str | None, load_balancer: str | None, api: str | None, ecs_service: str | None
) -> CloudWatchTarget:
    """The service `import cloudwatch` reads (exactly one of function, load balancer, API; ECS with the ALB)."""
    from archsel.telemetry.cloudwatch import choose_target

    return choose_target(function=function, load_balancer=load_balancer, api=api, ecs_service=ecs_service)


def cloudwatch_client(region: str | None) -> CloudWatchClient:
    """boto3's CloudWatch client for ``region``."""
    from archsel.telemetry.cloudwatch import make_client

    return make_client(region)
