"""`archsel import logs|cloudwatch`: a profile written from a running system's logs or metrics, then checked."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from archsel.cli.options import OutputFormat

import_app = typer.Typer(
    help="Write a profile from a running system's logs or CloudWatch metrics, and check it.", no_args_is_help=True
)
ImportOutOpt = Annotated[Path, typer.Option("--out", "-o", help="Profile to write (its trace CSV goes beside it).")]
ImportFormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table (plain when piped) or json.")]


class TrafficShape(StrEnum):
    """How the written profile carries the traffic over time."""

    trace = "trace"
    fit = "fit"


ShapeOpt = Annotated[
    TrafficShape,
    typer.Option(
        "--shape",
        help="trace: replay the per-minute counts (written beside the profile); "
        "fit: a daily shape (mean, busiest hour, its rate) fitted to them.",
    ),
]
MemoryOpt = Annotated[
    int | None,
    typer.Option(
        "--memory-mb",
        min=128,  # Lambda's memory range, 128 MB to 10,240 MB
        max=10_240,
        help="Function memory, MB, when the logs do not say (REPORT lines do; access logs do not).",
        show_default=False,
    ),
]


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
    shape: ShapeOpt = TrafficShape.trace,
    fmt: ImportFormatOpt = OutputFormat.table,
) -> None:
    """Read logs, write a profile and a per-minute trace, simulate it on the same window and show measured vs simulated.

    Malformed lines are counted and skipped; exits 3 when no line is a request.
    """  # fmt: skip
    from archsel import api
    from archsel.views import telemetry as views_telemetry

    report = api.import_logs(files, out=out, function=function, memory_mb=memory_mb, shape=shape.value)
    views_telemetry.render_import(report, fmt=fmt.value, stream=sys.stdout)


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
    shape: ShapeOpt = TrafficShape.trace,
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
        shape=shape.value,
    )
    views_telemetry.render_import(report, fmt=fmt.value, stream=sys.stdout)


import_app.command("logs")(import_logs)
import_app.command("cloudwatch")(import_cloudwatch)
