"""`deploy --dry-run` without AWS: build and package locally, render, and show what a create would make.

No AWS call and no credentials: the account is a placeholder, the region comes from --region,
the project or the environment, and the resources are read from the rendered template alone
(SAM expanded in process), priced with the design's monthly cost from archsel.answers.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from archsel.deploy.frontend import frontend_folder, site_files
from archsel.deploy.models import (
    Artifact,
    AwsTarget,
    ChangeRow,
    ChangeSetView,
    DeployOptions,
    DeployResult,
    DeployUI,
    Project,
    ProjectKind,
    Template,
)
from archsel.deploy.plan import StackPlan, added_rows

PLACEHOLDER_ACCOUNT = "000000000000"
"""Stands in for the account in names (staging bucket, image URI) that a dry run never uses."""
FALLBACK_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class OfflineWhere:
    """The region a dry run renders for, and what it says about where that came from."""

    region: str
    notice: str | None


def offline_region(target: AwsTarget, project_region: str | None, env: Mapping[str, str]) -> OfflineWhere:
    """--region, the project's region, AWS_REGION, AWS_DEFAULT_REGION; else us-east-1 with a notice."""
    region = target.region or project_region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        return OfflineWhere(region, None)
    return OfflineWhere(FALLBACK_REGION, f"no region given: rendering for {FALLBACK_REGION} (pass --region)")


def offline_options(project: Project, options: DeployOptions, region: str, stack_name: str) -> DeployOptions:
    """``options`` with a placeholder image URI when a Fargate design has none (nothing is pushed in a dry run)."""
    if options.image is not None or not project.images:
        return options
    placeholder = f"{PLACEHOLDER_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{stack_name.lower()}:dry-run"
    return replace(options, image=placeholder)


def offline_rows(plan: StackPlan) -> tuple[ChangeRow, ...]:
    """Every resource the stack would get, from the packaged template (SAM expanded locally), by type."""
    return tuple(sorted(added_rows(_rendered(plan)), key=lambda row: (row.resource_type, row.logical_id)))


def _rendered(plan: StackPlan) -> Template:
    if plan.project.kind is not ProjectKind.sam:
        return plan.template
    from archsel.deploy.transform import expand_sam

    values = {p.key: p.value for p in plan.parameters if p.value is not None}
    return expand_sam(plan.template, region=plan.staging.region, parameters=values)


def show_offline(plan: StackPlan, ui: DeployUI) -> DeployResult:
    """Show the artifacts and the resources a create would make; nothing leaves this machine."""
    for artifact in _distinct(plan.project.artifacts):
        ui.notice(
            f"packaged {artifact.logical_id} ({artifact.source.name}): {_size(artifact)}, sha256 {artifact.sha256[:12]}"
        )
    folder = frontend_folder(plan.project.root)
    if folder is not None:
        count = len(site_files(folder))
        ui.notice(
            f"front end {folder}: {count} file(s) to upload to the stack's bucket, then a CloudFront invalidation"
        )
    view = ChangeSetView(plan.stack_name, "dry run, offline", offline_rows(plan), plan.monthly_usd, plan.summary)
    ui.show_changes(view)
    ui.notice(
        f"dry run: nothing was sent to AWS (no credentials used); `archsel deploy {plan.project.root} "
        "--dry-run --remote` makes a real change set against the stack as it is"
    )
    return DeployResult(plan.stack_name, "dry-run", change_set=view)


def _distinct(artifacts: tuple[Artifact, ...]) -> tuple[Artifact, ...]:
    seen: dict[str, Artifact] = {}
    for artifact in artifacts:
        seen.setdefault(artifact.sha256, artifact)
    return tuple(seen.values())


def _size(artifact: Artifact) -> str:
    return f"{len(artifact.data) / 1e6:.1f} MB" if len(artifact.data) >= 100_000 else f"{len(artifact.data):,} bytes"
