"""The `scaffold` command: render the chosen design as a deployable SAM or CDK project."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from archsel.cli.options import MAX_JOBS, MAX_SEED
from archsel.cli.output import check_writable_folder
from archsel.cli.recommend_commands import recommend_with_progress


class IacChoice(StrEnum):
    """Infrastructure-as-code flavour of a scaffolded project."""

    sam = "sam"
    cdk = "cdk"


class DesignArch(StrEnum):
    """An architecture to scaffold (overrides the recommendation)."""

    lambda_ = "lambda"
    fargate = "fargate"
    lambda_managed = "lambda-managed"


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
        DesignArch | None,
        typer.Option("--arch", "-a", help="lambda, fargate or lambda-managed: override the recommended design."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the files and what would happen; write nothing.")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show unified diffs against --out (implies --dry-run).")] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a non-empty --out: overwrite generated files, touch nothing else."),
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, max=MAX_SEED, help="Random seed for recommend (profiles only).")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Worker processes for recommend.")
    ] = None,
) -> None:
    """Render the chosen design as a deployable SAM or CDK project with the simulated settings baked in.

    Exits 2 when --out is a folder with files in it and --force is not given; --force overwrites
    the files archsel generates and removes only stale ones it generated earlier (unchanged since).
    """
    from archsel import api
    from archsel.scaffold.write import WriteOptions
    from archsel.views import scaffold as views_scaffold

    architecture = arch.value if arch is not None else None
    if not (dry_run or diff):
        check_writable_folder(out, "--out")
    options = WriteOptions(dry_run=dry_run, diff=diff, force=force)
    api.check_scaffold_destination(out, options)  # before minutes of simulation, not after
    if iac is IacChoice.cdk:
        _warn_without_node()
    if api.is_profile_source(source):
        recommendation = recommend_with_progress(api.load(source), seed, jobs)
        design = api.design_from_recommendation(recommendation, architecture)
    else:
        design = api.scaffold_design(source, architecture=architecture)
    views_scaffold.render_scaffold(api.scaffold(design, iac=iac.value, out=out, options=options), stream=sys.stdout)


def _warn_without_node() -> None:
    """Say on stderr, in one line, that the CDK project cannot be synthesized or deployed without Node.js."""
    from archsel.deploy.cdk import NODE_HINT, node_missing

    if node_missing():
        sys.stderr.write(
            f"archsel: warning: a CDK project needs Node.js to synthesize and deploy, and `node` is not on PATH; {NODE_HINT}\n"
        )
