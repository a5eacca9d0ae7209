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


def _budget(value: str | None) -> str | None:
    """Check --budget early (a usage error, exit 2): a model name or a duration."""
    if value is None or value in BUDGET_MODELS:
        return value
    from archsel.profile.units import parse_duration_s

    try:
        seconds = parse_duration_s(value)
    except (TypeError, ValueError) as error:
        raise typer.BadParameter(
            f"{value!r} is neither a duration (e.g. 60, 2m) nor one of {', '.join(BUDGET_MODELS)}"
        ) from error
    if seconds <= 0:
        raise typer.BadParameter(f"the budget must be more than 0 s (got {value!r})")
    return value


BUDGET_MODELS = ("auto", "exact", "aggregate")
BudgetOpt = Annotated[
    str | None,
    typer.Option(
        "--budget",
        help="CPU time one exact run may take (e.g. 60, 2m; default: the profile's simulation.budget, 30 s), "
        "over which the aggregate model runs; or exact / aggregate / auto to choose the model outright.",
        callback=_budget,
        show_default=False,
    ),
]
