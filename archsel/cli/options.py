"""Choices and option declarations that several commands share (same names, help texts and defaults)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


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
    lambda_managed = "lambda-managed"
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
ArchOpt = Annotated[ArchChoice, typer.Option("--arch", "-a", help="lambda, fargate, lambda-managed or all.")]
PricesOpt = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        help="Price table file to use instead of the shipped one (same format as pricing/aws/<region>.yaml).",
        show_default=False,
    ),
]
