"""The `archsel` command line: options -> one api call -> one view. No domain logic lives here.

Heavy modules (numpy, simpy, pydantic, rich) are imported inside the commands so that
`archsel --help` answers fast.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from archsel.evaluate.executors import Executor
    from archsel.profile.schema import WorkloadProfile
    from archsel.recommend import Recommendation
    from archsel.study.fleet import FleetSummary

app = typer.Typer(
    name="archsel",
    help=(
        "Choose how to run a web backend on AWS: API Gateway + Lambda or ALB + ECS Fargate.\n\n"
        "A session: `archsel init api.yaml` (a commented profile to edit), `archsel validate api.yaml`, "
        "`archsel recommend api.yaml` (simulate every design, choose, explain), `archsel scaffold api.yaml "
        "--iac sam --out infra`, `archsel deploy infra`. `archsel cost` and `archsel simulate` show the detail.\n\n"
        "Results go to stdout (--format json for scripts), progress and errors to stderr. Exit codes: 0 ok, "
        "1 error, 2 usage, 3 invalid input, 4 deploy failed, 5 objectives not met, 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
pricing_app = typer.Typer(help="Show or refresh the price tables.", no_args_is_help=True)
app.add_typer(pricing_app, name="pricing")

_DEBUG = {"on": False}


class OutputFormat(StrEnum):
    """Output formats shared by the reporting commands."""

    table = "table"
    json = "json"
    markdown = "markdown"


class ReportFormat(StrEnum):
    """Output formats of `recommend` (html adds charts)."""

    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class ArchChoice(StrEnum):
    """Which architecture(s) a command looks at."""

    lambda_ = "lambda"
    fargate = "fargate"
    all = "all"


SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the simulations on the Dask cluster at this address (tcp://HOST:8786); "
        "default: DASK_SCHEDULER_ADDRESS, else a local process pool.",
        show_default=False,
    ),
]
ProfileArg = Annotated[Path, typer.Argument(help="Workload profile (YAML, see docs/profile.md).", show_default=False)]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table (plain when piped), json or markdown.")]
ArchOpt = Annotated[ArchChoice, typer.Option("--arch", "-a", help="lambda, fargate or all.")]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    _DEBUG["on"] = debug or bool(os.environ.get("ARCHSEL_DEBUG"))
    if version:
        from archsel import __version__

        typer.echo(f"archsel {__version__}")
        raise typer.Exit()


@app.command()
def validate(profile: ProfileArg, fmt: FormatOpt = OutputFormat.table) -> None:
    """Check a profile and print what it implies: mean and peak rps, monthly requests, concurrency.

    Exits 3 when the profile is invalid, naming the file, line and field.
    """
    from archsel import api
    from archsel.views import common as views

    report = api.validate(profile)
    views.show_validation(report, fmt.value)


@app.command()
def simulate(
    profile: ProfileArg,
    arch: ArchOpt = ArchChoice.all,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (default: the profile's simulation.seed).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    timeseries: Annotated[
        Path | None,
        typer.Option("--timeseries", help="Write per-second series (arrivals, concurrency, tasks...) to this CSV."),
    ] = None,
    prices: PricesOpt = None,
) -> None:
    """Simulate the profile's traffic on Lambda and/or Fargate and show latency, errors, capacity and cost.

    The simulated window (simulation.horizon) is scaled to the month for costs. With
    simulation.replications > 1 each figure is a mean with its 95% interval. A price missing
    from the table is left out of the cost and makes the command exit 3 after printing.
    """
    from archsel import api
    from archsel.views import simulate as views_sim
    from archsel.views.progress import progress_steps

    architectures = ("lambda", "fargate") if arch is ArchChoice.all else (arch.value,)
    loaded = api.load(profile)
    total = loaded.simulation.replications * len(architectures)
    with progress_steps(total, "simulating") as step:
        report = api.simulate(
            loaded,
            architectures=architectures,
            seed=seed,
            record_timeseries=timeseries is not None,
            progress=step,
            prices_path=prices,
        )
    views_sim.show_simulation(report, fmt.value)
    _warn_if_stale(report.prices)
    if timeseries is not None:
        views_sim.write_timeseries(report, timeseries)
    error = api.missing_price_error(report.prices, (result.estimate for result in report.results))
    if error is not None:
        raise error


@app.command()
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
    from archsel.evaluate.executors import executor_for

    exit_code = 0
    recommendations = []
    executor = executor_for(scheduler=scheduler, jobs=jobs)  # one cluster connection for every profile
    try:
        for path in profiles:
            loaded = api.load(path)
            recommendation = _recommend_with_progress(loaded, seed, jobs, executor)
            _warn_if_stale(recommendation.prices)
            _write_report(recommendation, fmt, out if len(profiles) == 1 else _per_profile(out, loaded.name), show_all)
            recommendations.append(recommendation)
            if not recommendation.meets_slos:
                exit_code = 5
    finally:
        executor.close()
    if len(recommendations) > 1:
        _write_fleet(api.fleet(recommendations), fmt, _per_profile(out, "fleet"))
    return exit_code


def _recommend_with_progress(
    loaded: WorkloadProfile, seed: int | None, jobs: int | None, executor: Executor | None = None
) -> Recommendation:
    from archsel import api
    from archsel.views.progress import progress_steps

    total = api.estimate_recommend_units(loaded)
    with progress_steps(total, f"recommending {loaded.name}") as step:
        return api.recommend(
            loaded,
            seed=seed,
            jobs=jobs,
            executor=executor,
            on_done=lambda unit: step(str(getattr(unit, "architecture", ""))),
        )


def _write_fleet(fleet: FleetSummary, fmt: ReportFormat, out: Path | None) -> None:
    import contextlib
    import io

    from archsel.views import fleet as views_fleet

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer) if out is not None else contextlib.nullcontext():
        views_fleet.show_fleet(fleet, fmt.value)
    if out is not None:
        out.write_text(buffer.getvalue(), encoding="utf-8")
        sys.stderr.write(f"wrote {out}\n")


def _per_profile(out: Path | None, name: str) -> Path | None:
    return None if out is None else out.with_name(f"{out.stem}-{name}{out.suffix}")


def _write_report(recommendation: Recommendation, fmt: ReportFormat, out: Path | None, show_all: bool) -> None:
    import contextlib
    import io

    from archsel import api
    from archsel.views import recommend as views_recommend

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer) if out is not None else contextlib.nullcontext():
        if fmt is ReportFormat.json:
            views_recommend.emit_recommendation_json(recommendation)
        elif fmt is ReportFormat.html:
            from archsel.views.html_report import render_report

            runs = api.capacity_runs(recommendation)
            sys.stdout.write(render_report(recommendation, runs))
        else:
            views_recommend.show_recommendation(recommendation, fmt.value, show_all=show_all)
    if out is not None:
        out.write_text(buffer.getvalue(), encoding="utf-8")
        sys.stderr.write(f"wrote {out}\n")


# ----------------------------------------------------------------------------- cost and pricing

PricesOpt = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        help="Price table file to use instead of the shipped one (same format as pricing/aws/<region>.yaml).",
        show_default=False,
    ),
]


@app.command()
def cost(
    profile: ProfileArg,
    arch: ArchOpt = ArchChoice.all,
    fmt: FormatOpt = OutputFormat.table,
    prices: PricesOpt = None,
) -> None:
    """Monthly cost of each architecture at the profile's mean load, no simulation (like an Infracost breakdown).

    Lines are grouped by service; usage-based lines are marked. A price missing from the table
    is listed, left out of the totals, and makes the command exit 3 after printing.
    """
    from archsel import api
    from archsel.views import cost as cost_views

    report = api.cost(profile, arch=arch.value, prices_path=prices)
    cost_views.show_cost(report, fmt.value)
    _warn_if_stale(report.prices)
    error = report.missing_price_error()
    if error is not None:
        raise error


@pricing_app.command("show")
def pricing_show(
    region: Annotated[str, typer.Option("--region", "-r", help="AWS region of the table.")] = "us-east-1",
    service: Annotated[
        str | None, typer.Option("--service", "-s", help="Only this service (lambda, fargate, alb, s3, ...).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    prices: PricesOpt = None,
) -> None:
    """Print the price table in use, its date and the source of every price.

    Exits 3 for a region without a table, naming the regions that have one.
    """
    from archsel import api
    from archsel.views import cost as cost_views

    table = api.pricing_table(region=region, prices_path=prices)
    cost_views.show_pricing(table, api.prices_of_service(table, service), fmt.value)
    _warn_if_stale(table)


# ----------------------------------------------------------------------------- pricing update and stale tables


@pricing_app.command("update")
def pricing_update(
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="Region to refresh (its table is created if missing).")
    ] = None,
    all_regions: Annotated[
        bool, typer.Option("--all-regions", help="Refresh every region that has a table in the folder.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking.")] = False,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Folder of the <region>.yaml tables (default: the shipped pricing/aws/)."),
    ] = None,
    endpoint_region: Annotated[
        str, typer.Option("--endpoint-region", help="Price List API endpoint: us-east-1, eu-central-1 or ap-south-1.")
    ] = "us-east-1",
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Refresh price tables from the AWS Price List Query API (boto3; needs AWS credentials).

    Shows a table of the prices that changed (old, new, % change) and the prices it could not
    refresh (kept as they were, with the reason written into the file). The region priced is a
    filter; the endpoint region only chooses where the API is asked. Each table is written
    atomically. Exits 1 when AWS cannot be asked (no credentials, throttled, refused): nothing
    is written then; 2 for a wrong option.
    """
    import datetime as dt

    from archsel import api
    from archsel.errors import UsageError
    from archsel.pricing.selectors import PRICE_LIST_ENDPOINT_REGIONS
    from archsel.pricing.update import make_client
    from archsel.views import pricing as views_pricing

    regions = _update_regions(region, all_regions, directory)
    if endpoint_region not in PRICE_LIST_ENDPOINT_REGIONS:
        raise UsageError(
            f"--endpoint-region: the Price List API is not served from {endpoint_region!r}",
            hint=f"use one of {', '.join(PRICE_LIST_ENDPOINT_REGIONS)}; the region priced is --region",
        )
    client = make_client(endpoint_region)
    done = []
    for name in regions:
        sys.stderr.write(f"asking the AWS Price List API for {name} prices...\n")
        plan = api.plan_pricing_update(region=name, client=client, today=dt.date.today(), directory=directory)
        write = not dry_run and _confirmed(plan.path, yes)
        if write:
            api.write_pricing_update(plan)
        done.append((plan, write))
        if fmt is not OutputFormat.json:
            views_pricing.show_update(plan, fmt.value, written=write)
    if fmt is OutputFormat.json:
        views_pricing.emit_updates_json(done)


def _update_regions(region: str | None, all_regions: bool, directory: Path | None) -> tuple[str, ...]:
    from archsel import api
    from archsel.errors import UsageError

    if all_regions and region is not None:
        raise UsageError("give --region or --all-regions, not both")
    if all_regions:
        return api.pricing_regions(directory)
    if region is None:
        raise UsageError("which region? give --region R (for example us-east-1) or --all-regions")
    from archsel.pricing.selectors import REGION_PREFIXES

    if region not in REGION_PREFIXES:
        raise UsageError(
            f"--region: archsel does not know the Price List usagetype prefix of {region!r}",
            hint=f"use one of: {', '.join(sorted(REGION_PREFIXES))}",
        )
    return (region,)


def _confirmed(path: Path, yes: bool) -> bool:
    from archsel.errors import UsageError

    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"not writing {path} without confirmation", hint="pass --yes (or --dry-run to only look)")
    return typer.confirm(f"write {path}?", default=False)


def _warn_if_stale(prices: object) -> None:
    """Print a warning on stderr when the price table used is older than 180 days."""
    import datetime as dt

    from archsel.pricing.table import PriceTable, staleness_warning

    if isinstance(prices, PriceTable):
        warning = staleness_warning(prices, today=dt.date.today())
        if warning:
            sys.stderr.write(f"archsel: warning: {warning}\n")


@app.command()
def init(
    path: Annotated[
        Path, typer.Argument(help="Where to write the profile (a folder gets archsel.yaml inside).")
    ] = Path("archsel.yaml"),
    preset: Annotated[
        str, typer.Option("--preset", "-p", help="Shipped scenario to start from (see --list).")
    ] = "startup-mvp",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    list_presets: Annotated[bool, typer.Option("--list", help="List the presets and exit.")] = False,
) -> None:
    """Write a commented workload profile copied from a shipped scenario (and its trace CSV, if any).

    Refuses to overwrite an existing file without --force (exit 2). `--list` (or `--preset list`)
    shows every preset with its one-line description.
    """
    from archsel import api
    from archsel.views import common as views

    if list_presets or preset == "list":
        views.show_presets(api.list_presets())
        return
    views.show_init(api.init_profile(path=path, preset=preset, force=force))


# ----------------------------------------------------------------------------- scaffold


class IacChoice(StrEnum):
    """Infrastructure-as-code flavour of a scaffolded project."""

    sam = "sam"
    cdk = "cdk"


class DesignArch(StrEnum):
    """An architecture to scaffold (overrides the recommendation)."""

    lambda_ = "lambda"
    fargate = "fargate"


@app.command()
def scaffold(
    source: Annotated[
        Path,
        typer.Argument(
            help="A workload profile (runs recommend first), an `archsel recommend --format json` file, "
            "or a project's archsel.answers.yaml (re-renders it).",
            show_default=False,
        ),
    ],
    iac: Annotated[IacChoice, typer.Option("--iac", help="sam (AWS SAM template) or cdk (CDK app in Python).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Project folder to write.", show_default=False)],
    arch: Annotated[
        DesignArch | None, typer.Option("--arch", "-a", help="lambda or fargate: override the recommended design.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the files and what would happen; write nothing.")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show unified diffs against --out (implies --dry-run).")] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a non-empty --out: overwrite generated files, touch nothing else."),
    ] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed for recommend (profiles only).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes for recommend.")] = None,
) -> None:
    """Render the chosen design as a deployable SAM or CDK project with the simulated settings baked in.

    Exits 2 when --out is a folder with files in it and --force is not given; --force overwrites
    the files archsel generates and removes only stale ones it generated earlier (unchanged since).
    """
    from archsel import api
    from archsel.scaffold.write import WriteOptions
    from archsel.views import scaffold as views_scaffold

    architecture = arch.value if arch is not None else None
    if api.is_profile_source(source):
        recommendation = _recommend_with_progress(api.load(source), seed, jobs)
        design = api.design_from_recommendation(recommendation, architecture)
    else:
        design = api.scaffold_design(source, architecture=architecture)
    options = WriteOptions(dry_run=dry_run, diff=diff, force=force)
    views_scaffold.show_scaffold(api.scaffold(design, iac=iac.value, out=out, options=options))


# ----------------------------------------------------------------------------- deploy and destroy (issue 7)

from archsel.deploy.models import ProgressMode, TransformMode  # noqa: E402 - light enums, kept with their commands

ProjectArg = Annotated[Path, typer.Argument(help="Project folder made by `archsel scaffold`.", show_default=False)]
StackOpt = Annotated[
    str | None,
    typer.Option("--stack-name", help="Stack name (default: from archsel.answers.yaml).", show_default=False),
]
RegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile).", show_default=False
    ),
]
AwsProfileOpt = Annotated[str | None, typer.Option("--profile", help="AWS named profile.", show_default=False)]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint-url", help="AWS endpoint (a local emulator); also AWS_ENDPOINT_URL.", show_default=False),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
TimeoutOpt = Annotated[int, typer.Option("--timeout", help="Minutes to follow a stack operation before giving up.")]
ProgressOpt = Annotated[
    ProgressMode | None,
    typer.Option("--progress", help="bar, events or quiet (default: bar on a terminal, events otherwise)."),
]


@app.command()
def deploy(
    project_dir: ProjectArg,
    stack_name: StackOpt = None,
    region: RegionOpt = None,
    profile: AwsProfileOpt = None,
    endpoint_url: EndpointOpt = None,
    yes: YesOpt = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Create the change set, show it, delete it.")] = False,
    transform: Annotated[
        TransformMode, typer.Option("--transform", help="Who expands AWS::Serverless: auto, cloudformation or local.")
    ] = TransformMode.auto,
    image: Annotated[
        str | None, typer.Option("--image", help="Container image URI for a Fargate design.", show_default=False)
    ] = None,
    parameter: Annotated[
        list[str] | None, typer.Option("--parameter", "-p", help="Template parameter KEY=VALUE (repeatable).")
    ] = None,
    outputs_file: Annotated[
        Path | None, typer.Option("--outputs-file", help="Write the stack outputs to this JSON file.")
    ] = None,
    progress: ProgressOpt = None,
    timeout: TimeoutOpt = 60,
) -> None:
    """Deploy a scaffolded project through a CloudFormation change set: package, review, confirm, execute.

    Exits 0 when deployed or when there are no changes, 2 without a terminal to confirm on and
    no --yes, 4 when the stack fails (the first failing resource and the next command are named),
    130 on Ctrl-C (the stack operation goes on).
    """
    from archsel import api
    from archsel.deploy.models import AwsTarget, DeployOptions
    from archsel.deploy.ui import console_ui

    options = DeployOptions(
        stack_name=stack_name,
        yes=yes,
        dry_run=dry_run,
        transform=transform,
        image=image,
        parameters=_key_values(parameter or []),
        outputs_file=outputs_file,
        timeout_s=timeout * 60.0,
    )
    target = AwsTarget(region=region, profile=profile, endpoint_url=endpoint_url)
    api.deploy(project_dir, target=target, options=options, ui=console_ui(progress))


@app.command()
def destroy(
    project_dir: ProjectArg,
    stack_name: StackOpt = None,
    region: RegionOpt = None,
    profile: AwsProfileOpt = None,
    endpoint_url: EndpointOpt = None,
    yes: YesOpt = False,
    keep_data: Annotated[
        bool, typer.Option("--keep-data", help="Keep buckets, tables and databases (DeletionPolicy Retain first).")
    ] = False,
    progress: ProgressOpt = None,
    timeout: TimeoutOpt = 60,
) -> None:
    """Delete a project's stack after confirmation; empties only the buckets the stack created.

    archsel's staging bucket is kept (other stacks share it); this stack's objects in it are deleted.
    Exits 4 naming each resource left behind (DELETE_FAILED) with its reason.
    """
    from archsel import api
    from archsel.deploy.models import AwsTarget, DestroyOptions
    from archsel.deploy.ui import console_ui

    options = DestroyOptions(stack_name=stack_name, yes=yes, keep_data=keep_data, timeout_s=timeout * 60.0)
    target = AwsTarget(region=region, profile=profile, endpoint_url=endpoint_url)
    api.destroy(project_dir, target=target, options=options, ui=console_ui(progress))


def _key_values(items: list[str]) -> tuple[tuple[str, str], ...]:
    from archsel.errors import UsageError

    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--parameter {item!r}: expected KEY=VALUE")
        pairs.append((key, value))
    return tuple(pairs)


# ----------------------------------------------------------------------------- sweep (issue 9)


@app.command()
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
    Each point's seed comes from its values, so any backend gives the same numbers. Exits 1,
    after writing what finished, when some points are missing (each failed run is listed).
    """
    from archsel import api
    from archsel.errors import SimulationError
    from archsel.views import sweep as views_sweep
    from archsel.views.progress import progress_steps

    if out is not None:
        views_sweep.check_out_path(out)
    plan = api.plan_sweep(profile, vary=vary, architectures=(arch.value,), replications=replications, seed=seed)
    labels = {id(point.profile): plan.label(point) for point in plan.points}
    with progress_steps(len(plan.units()), f"sweeping {len(plan.points)} points") as step:
        result = api.sweep(
            plan, scheduler=scheduler, jobs=jobs, on_done=lambda u: step(f"{labels[id(u.profile)]} {u.architecture}")
        )
    views_sweep.show_sweep(result, fmt.value)
    for table in result.prices:
        _warn_if_stale(table)
    if out is not None:
        views_sweep.write_sweep(result, out)
        sys.stderr.write(f"wrote {out}\n")
    if result.missing:
        raise SimulationError(
            f"{len(result.missing)} of {len(result.points)} sweep points are missing (their failed runs are listed above)",
            hint="rerun the sweep; every point that finished gives the same numbers again",
        )


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point: runs the app and turns ArchselError into a message and exit code."""
    from archsel.errors import ArchselError, ExitCode

    try:
        result = app(args=argv, prog_name="archsel", standalone_mode=False)
    except ArchselError as error:
        _print_error(error.message, error.hint)
        if _DEBUG["on"]:
            raise
        sys.exit(int(error.exit_code))
    except KeyboardInterrupt:
        _print_error("interrupted", None)
        sys.exit(int(ExitCode.INTERRUPTED))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _print_error("aborted", None)
        sys.exit(int(ExitCode.INTERRUPTED))
    except _click_usage_errors() as error:
        error.show()  # type: ignore[attr-defined]
        sys.exit(int(ExitCode.USAGE))
    sys.exit(int(result) if isinstance(result, int) else int(ExitCode.OK))


def _click_usage_errors() -> tuple[type[Exception], ...]:
    """Usage errors of click and of the copy of click that newer typer releases vendor."""
    import click

    errors: list[type[Exception]] = [click.UsageError]
    try:
        from typer._click import exceptions as vendored
    except ImportError:  # typer releases that use click itself
        return tuple(errors)
    return (*errors, vendored.UsageError)


def _print_error(message: str, hint: str | None) -> None:
    lines = message.splitlines() or [""]
    sys.stderr.write(f"archsel: error: {lines[0]}\n")
    for line in lines[1:]:
        sys.stderr.write(f"  {line}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")


# ----------------------------------------------------------------------------- import (from logs and metrics)

import_app = typer.Typer(
    help="Write a profile from a running system's logs or CloudWatch metrics, and check it.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
ImportOutOpt = Annotated[Path, typer.Option("--out", "-o", help="Profile to write (its trace CSV goes beside it).")]
ImportFormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table (plain when piped) or json.")]
MemoryOpt = Annotated[
    int | None,
    typer.Option(
        "--memory-mb",
        help="Function memory, MB, when the logs do not say (REPORT lines do; access logs do not).",
        show_default=False,
    ),
]


@import_app.command("logs")
def import_logs(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Log files (REPORT lines, filter-log-events JSON, Lambda JSON, "
            "ALB or API Gateway access logs; gzip is fine)."
        ),
    ],
    out: ImportOutOpt,
    function: Annotated[str | None, typer.Option("--function", help="Name for the profile.")] = None,
    memory_mb: MemoryOpt = None,
    fmt: ImportFormatOpt = OutputFormat.table,
) -> None:
    """Read logs, write a profile and a per-minute trace, simulate it on the same window and show measured vs simulated.

    Malformed lines are counted and skipped; exits 3 when no line is a request.
    """  # fmt: skip
    from archsel import api
    from archsel.views import telemetry as views_telemetry

    report = api.import_logs(files, out=out, function=function, memory_mb=memory_mb)
    views_telemetry.show_import(report, fmt.value)


@import_app.command("cloudwatch")
def import_cloudwatch(
    out: ImportOutOpt,
    function: Annotated[str | None, typer.Option("--function", help="Lambda function name.")] = None,
    load_balancer: Annotated[str | None, typer.Option("--load-balancer", help="ALB ARN.")] = None,
    api_id: Annotated[str | None, typer.Option("--api", help="HTTP API id.")] = None,
    ecs_service: Annotated[
        str | None, typer.Option("--ecs-service", help="CLUSTER/SERVICE behind --load-balancer.")
    ] = None,
    days: Annotated[float, typer.Option("--days", help="Days back from now (1-minute data up to 15).")] = 14.0,
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="AWS region (default: the environment's).")
    ] = None,
    memory_mb: MemoryOpt = None,
    fmt: ImportFormatOpt = OutputFormat.table,
) -> None:
    """Read a service's CloudWatch metrics, write a profile and its trace, and check it against them."""
    import datetime as dt

    from archsel import api
    from archsel.views import telemetry as views_telemetry

    target = api.cloudwatch_target(function=function, load_balancer=load_balancer, api=api_id, ecs_service=ecs_service)
    report = api.import_cloudwatch(
        target,
        out=out,
        client=api.cloudwatch_client(region),
        now=dt.datetime.now(dt.UTC),
        days=days,
        memory_mb=memory_mb,
    )
    views_telemetry.show_import(report, fmt.value)
