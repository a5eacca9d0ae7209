"""`archsel import`: a profile from a running system's logs or CloudWatch metrics, then checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


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
    shape: str = "trace",
) -> ImportReport:
    """Read log files (format detected per line, gzip too), write a profile and its trace, and check it.

    Malformed lines are counted, never fatal; TelemetryError (exit 3) when no line is a request.
    """
    from archsel.telemetry.importer import write_and_check
    from archsel.telemetry.measure import measure_logs
    from archsel.telemetry.reader import read_logs

    parsed = read_logs(paths)
    report = write_and_check(measure_logs(parsed, memory_mb=memory_mb), Path(out), function, seed, shape)
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
    shape: str = "trace",
) -> ImportReport:
    """Read CloudWatch metrics (``client``: boto3's cloudwatch client) for ``target``, write a profile and check it."""
    from archsel.telemetry.cloudwatch import read_metrics
    from archsel.telemetry.importer import write_and_check

    measured = read_metrics(client, target, now=now, days=days, memory_mb=memory_mb)
    return write_and_check(measured, Path(out), target.name, seed, shape)


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
