"""Choices and option declarations that several commands share (same names, help texts and defaults)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# Range checks on numeric options, so that a bad value is a usage error before any work starts.
# A seed is any non-negative 64-bit integer (numpy's SeedSequence takes no negatives).
MAX_SEED = 2**63 - 1
# Worker processes: more than this is a typo, and each worker costs start-up time and memory.
MAX_JOBS = 256


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
PricesOpt = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        help="Price table file to use instead of the shipped one (same format as pricing/aws/<region>.yaml).",
        show_default=False,
    ),
]
