"""Scaffold a design into a project, deploy it and destroy it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archsel.deploy.models import AwsTarget, DeployOptions, DeployResult, DeployUI, DestroyOptions, DestroyResult
    from archsel.deploy.run import Edges
    from archsel.recommend import Recommendation


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


def check_scaffold_destination(out: str | Path, options: WriteOptions | None = None) -> None:
    """Refuse ``out`` before any simulation when `scaffold` would refuse to write there (exit 2)."""
    from archsel.scaffold.write import WriteOptions, check_destination

    check_destination(Path(out), options or WriteOptions())


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
