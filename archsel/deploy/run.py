"""Compose the deploy stages for api.deploy and api.destroy: connect, read the project, plan, carry out.

The edges (AWS connection, clock, environment, CDK synth) are injectable as one Edges value;
None means the real ones.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.deploy.models import (
    AwsTarget,
    Clock,
    ConfirmationRequired,
    DeployOptions,
    DeployResult,
    DeploySetupError,
    DeployUI,
    DestroyOptions,
    DestroyResult,
    Project,
)
from archsel.deploy.settings import ProjectSettings
from archsel.errors import DeployError, PricingError, UsageError

if TYPE_CHECKING:
    from archsel.deploy.apply import Runtime
    from archsel.deploy.build import Installer
    from archsel.deploy.cdk import Synth
    from archsel.deploy.cfn import Connection
    from archsel.pricing.table import PriceTable

LOCAL_POLL_S = 0.5
"""Poll interval for local endpoints (emulators finish at once); AWS gets the Clock default of 5 s."""


@dataclass(frozen=True, slots=True)
class Edges:
    """Injected edges; every None is replaced by the real thing."""

    connection: Connection | None = None
    """Clients for one account and region."""
    clock: Clock | None = None
    env: Mapping[str, str] | None = None
    synth: Synth | None = None
    """Runs the CDK app."""
    installer: Installer | None = None
    """Installs a function's requirements (pip)."""


def real_clock(*, timeout_s: float, local: bool) -> Clock:
    """The system clock and sleep, polling faster on local endpoints."""
    poll = LOCAL_POLL_S if local else 5.0
    return Clock(
        now=time.monotonic,
        sleep=time.sleep,
        poll_s=poll,
        change_set_timeout_s=min(600.0, timeout_s),
        stack_timeout_s=timeout_s,
    )


def utc_stamp() -> str:
    """A unique, sortable name part: UTC time to the microsecond."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")


def _require_answerable(ui: DeployUI, yes: bool, what: str) -> None:
    if not yes and not ui.interactive:
        raise ConfirmationRequired(
            f"refusing to {what} without confirmation: there is no terminal to ask on",
            hint="pass --yes to go ahead without asking (or --dry-run to only look)",
        )


def _env(edges: Edges) -> Mapping[str, str]:
    return edges.env if edges.env is not None else os.environ


def _connect(target: AwsTarget, edges: Edges, settings: ProjectSettings) -> Connection:
    from archsel.deploy.cfn import connect

    return edges.connection or connect(target, _env(edges), settings.region)


def _settings(project_dir: Path, target: AwsTarget, ui: DeployUI) -> ProjectSettings:
    """The project's own region and stack name; says where the region comes from when it is used."""
    from archsel.deploy.settings import project_settings

    settings = project_settings(project_dir) if project_dir.is_dir() else ProjectSettings()
    if settings.region and not target.region:
        ui.notice(f"region {settings.region} (from {settings.region_source}; --region overrides it)")
    return settings


def _runtime(connection: Connection, ui: DeployUI, edges: Edges, timeout_s: float) -> Runtime:
    from archsel.deploy.apply import Runtime

    clock = edges.clock or real_clock(timeout_s=timeout_s, local=connection.endpoint_url is not None)
    return Runtime(connection.cloudformation, connection.storage, ui, clock, utc_stamp)


def run_deploy(
    project_dir: Path, target: AwsTarget, options: DeployOptions, ui: DeployUI, edges: Edges
) -> DeployResult:
    """Connect, read and package the project, plan against the stack as it is, and carry the plan out."""
    from archsel.deploy.apply import deploy
    from archsel.deploy.plan import Staging, check_stack_name, plan_deploy
    from archsel.deploy.project import load_project

    if options.remote and not options.dry_run:
        raise UsageError("--remote goes with --dry-run", hint="run `archsel deploy DIR --dry-run --remote`")
    _require_answerable(ui, options.yes or options.dry_run, "deploy")
    settings = _settings(project_dir, target, ui)
    if options.dry_run and not options.remote:
        return _offline_dry_run(project_dir, target, options, ui, edges, settings)
    connection = _connect(target, edges, settings)
    cdk_env = {"CDK_DEFAULT_REGION": connection.region, "CDK_DEFAULT_ACCOUNT": connection.account}
    project = load_project(project_dir, synth=edges.synth, env=cdk_env, installer=edges.installer)
    for notice in project.notices:
        ui.notice(notice)
    stack_name = check_stack_name(options.stack_name or project.default_stack_name)
    options = _with_image(project, replace(options, stack_name=stack_name), connection, ui, edges)
    existing = connection.cloudformation.find_stack(stack_name)
    staging = Staging.of(connection.account, connection.region)
    plan = plan_deploy(project, existing, staging, replace(options, stack_name=stack_name))
    return deploy(plan, _runtime(connection, ui, edges, options.timeout_s))


def _with_image(
    project: Project, options: DeployOptions, connection: Connection, ui: DeployUI, edges: Edges
) -> DeployOptions:
    """``options`` with the design's image built for its CPU and pushed to ECR, unless --image names one."""
    given = {key for key, _ in options.parameters}
    needs = [need for need in project.images if need.parameter is not None]  # CDK image assets: --image
    if options.image is not None or all(need.parameter in given for need in needs):
        return options  # --image, or --parameter ImageUri=...: run that image, build nothing
    from archsel.deploy.ecr import image_build, publish_to_ecr, repository_name
    from archsel.deploy.images import find_builder

    if connection.ecr is None:
        raise DeploySetupError("no ECR client to push the image to", hint="pass --image URI")
    need = needs[0]
    builder = find_builder(options.builder, _env(edges))
    build = image_build(project.root, need, repository_name(options.stack_name or project.default_stack_name), {})
    ui.notice(f"building the {need.parameter or 'container'} image for {build.platform} with {builder.name}")
    pushed, built = publish_to_ecr(connection.ecr, builder, build)
    ui.notice(f"image {'pushed' if built else 'unchanged, already in ECR'}: {pushed.uri}")
    return replace(options, image=pushed.uri)


def _offline_dry_run(
    project_dir: Path, target: AwsTarget, options: DeployOptions, ui: DeployUI, edges: Edges, settings: ProjectSettings
) -> DeployResult:
    """Build, package and render on this machine; show what a create would make. No AWS call."""
    from archsel.deploy.offline import PLACEHOLDER_ACCOUNT, offline_options, offline_region, show_offline
    from archsel.deploy.plan import Staging, check_stack_name, plan_deploy
    from archsel.deploy.project import load_project

    where = offline_region(target, settings.region, _env(edges))
    if where.notice:
        ui.notice(where.notice)
    cdk_env = {"CDK_DEFAULT_REGION": where.region, "CDK_DEFAULT_ACCOUNT": PLACEHOLDER_ACCOUNT}
    project = load_project(project_dir, synth=edges.synth, env=cdk_env, installer=edges.installer)
    for notice in project.notices:
        ui.notice(notice)
    stack_name = check_stack_name(options.stack_name or project.default_stack_name)
    staging = Staging.of(PLACEHOLDER_ACCOUNT, where.region)
    planned = offline_options(project, replace(options, stack_name=stack_name), where.region, stack_name)
    return show_offline(plan_deploy(project, None, staging, planned), ui)


def run_destroy(
    project_dir: Path, target: AwsTarget, options: DestroyOptions, ui: DeployUI, edges: Edges
) -> DestroyResult:
    """Connect, find the project's stack and delete it (keeping data with --keep-data)."""
    from archsel.deploy.destroy import clean_staging, destroy, plan_destroy, template_retained
    from archsel.deploy.plan import Staging, check_stack_name
    from archsel.deploy.project import stack_name_of

    stack_name = check_stack_name(options.stack_name or stack_name_of(project_dir))
    _require_answerable(ui, options.yes, "destroy")
    connection = _connect(target, edges, _settings(project_dir, target, ui))
    runtime = _runtime(connection, ui, edges, options.timeout_s)
    staging = Staging.of(connection.account, connection.region)
    state = connection.cloudformation.find_stack(stack_name)
    if state is None:
        ui.notice(f"no stack {stack_name} in {connection.account}/{connection.region}: nothing to delete")
        removed = clean_staging(staging, stack_name, runtime)
        return DestroyResult(stack_name, "absent", staging_objects_deleted=removed, staging_bucket=staging.bucket)
    resources = connection.cloudformation.resources(state.stack_id)
    # What the template itself retains stays whatever archsel does: it must be neither emptied nor called deleted.
    retained = template_retained(connection.cloudformation.processed_template(state.stack_id), stack_name)
    plan = plan_destroy(state, resources, staging, options, retained)
    return destroy(plan, runtime, _prices(connection.region) if plan.kept else None)


def _prices(region: str) -> PriceTable | None:
    from archsel.pricing.table import load_prices

    try:
        return load_prices(region)
    except (PricingError, DeployError):
        return None  # costs of kept data are then reported as unknown
