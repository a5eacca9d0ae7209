"""Reads a service's CloudWatch metrics with GetMetricData (paginated) into a `Measured`.

1-minute datapoints are kept for 15 days, 5-minute ones for 63 days: windows up to 15 days are
read per minute, longer ones per 5 minutes (each 5-minute count is spread evenly over its minutes).
Percentiles per period are combined weighted by the period's requests (an approximation: the
metrics do not keep the individual durations). Metrics:
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from archsel.errors import TelemetryError, UsageError
from archsel.telemetry.measure import Measured, Percentiles

ONE_MINUTE_RETENTION_DAYS = 15
MAX_DAYS = 63
Kind = Literal["lambda", "apigateway", "alb", "ecs"]
STATS = ("p50", "p95", "p99", "Average")


class CloudWatchClient(Protocol):
    """What the reader needs of boto3's cloudwatch client."""

    def get_metric_data(self, **kwargs: Any) -> dict[str, Any]:
        """One page of GetMetricData."""
        ...


@dataclass(frozen=True, slots=True)
class CloudWatchTarget:
    """The service to read: a function, an HTTP API, a load balancer (optionally with its ECS service)."""

    kind: Kind
    identifier: str
    ecs_service: str | None = None

    @property
    def name(self) -> str:
        """A profile name for it."""
        if self.kind == "alb":
            return self.identifier.rstrip("/").split("/")[-2] if self.identifier.count("/") >= 2 else "alb"
        return self.identifier.replace("/", "-")


@dataclass(frozen=True, slots=True)
class _Query:
    id: str
    namespace: str
    metric: str
    stat: str
    dimensions: tuple[tuple[str, str], ...]


def make_client(region: str | None) -> CloudWatchClient:
    """boto3's cloudwatch client for ``region`` (default: the environment's)."""
    import boto3

    client: CloudWatchClient = boto3.client("cloudwatch", region_name=region)
    return client


def choose_target(
    *, function: str | None, load_balancer: str | None, api: str | None, ecs_service: str | None
) -> CloudWatchTarget:
    """The one target the options name (--ecs-service may come with --load-balancer)."""
    given = [
        (kind, value) for kind, value in (("lambda", function), ("apigateway", api), ("alb", load_balancer)) if value
    ]
    if ecs_service is not None and "/" not in ecs_service:
        raise UsageError(f"--ecs-service {ecs_service!r}: expected CLUSTER/SERVICE")
    if len(given) > 1:
        raise UsageError("give one of --function, --load-balancer and --api")
    if not given:
        if ecs_service is not None:
            raise UsageError(
                "--ecs-service alone has no request counts (ECS publishes CPU and task counts only)",
                hint="add --load-balancer ARN of the ALB in front of the service",
            )
        raise UsageError("give one of --function, --load-balancer, --api (and optionally --ecs-service)")
    kind, value = given[0]
    if ecs_service is not None and kind != "alb":
        raise UsageError("--ecs-service goes with --load-balancer")
    return CloudWatchTarget(kind, value, ecs_service)  # type: ignore[arg-type]


def period_for(days: float) -> int:
    """60 s while the window fits 1-minute retention, else 300 s."""
    if not 0 < days <= MAX_DAYS:
        raise UsageError(f"--days must be in (0, {MAX_DAYS}] (CloudWatch keeps 5-minute data {MAX_DAYS} days)")
    return 60 if days <= ONE_MINUTE_RETENTION_DAYS else 300


def queries_for(target: CloudWatchTarget) -> tuple[_Query, ...]:
    """The metrics of the target: a count, duration statistics, errors, and concurrency where it has one."""
    if target.kind == "lambda":
        dims = (("FunctionName", target.identifier),)
        queries = [_Query("count", "AWS/Lambda", "Invocations", "Sum", dims)]
        queries += _durations("AWS/Lambda", "Duration", dims)
        queries += [
            _Query("errors", "AWS/Lambda", "Errors", "Sum", dims),
            _Query("throttles", "AWS/Lambda", "Throttles", "Sum", dims),
            _Query("concurrency", "AWS/Lambda", "ConcurrentExecutions", "Maximum", dims),
        ]
        return tuple(queries)
    if target.kind == "apigateway":
        dims = (("ApiId", target.identifier),)
        return (
            _Query("count", "AWS/ApiGateway", "Count", "Sum", dims),
            *_durations("AWS/ApiGateway", "IntegrationLatency", dims),
            _Query("errors", "AWS/ApiGateway", "5xx", "Sum", dims),
        )
    dims = (("LoadBalancer", load_balancer_dimension(target.identifier)),)
    queries = [
        _Query("count", "AWS/ApplicationELB", "RequestCount", "Sum", dims),
        *_durations("AWS/ApplicationELB", "TargetResponseTime", dims),
        _Query("errors", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", dims),
    ]
    if target.ecs_service is not None:
        cluster, _, service = target.ecs_service.partition("/")
        ecs = (("ClusterName", cluster), ("ServiceName", service))
        queries += [
            _Query("cpu", "AWS/ECS", "CPUUtilization", "Average", ecs),
            _Query("tasks", "ECS/ContainerInsights", "RunningTaskCount", "Maximum", ecs),
        ]
    return tuple(queries)


def _durations(namespace: str, metric: str, dims: tuple[tuple[str, str], ...]) -> list[_Query]:
    return [_Query(f"d_{stat.lower()}", namespace, metric, stat, dims) for stat in STATS]


def load_balancer_dimension(arn: str) -> str:
    """``arn:aws:elasticloadbalancing:…:loadbalancer/app/name/id`` -> ``app/name/id``."""
    marker = ":loadbalancer/"
    return arn.split(marker, 1)[1] if marker in arn else arn


def fetch(
    client: CloudWatchClient, queries: Sequence[_Query], start: dt.datetime, end: dt.datetime, period: int
) -> dict[str, dict[dt.datetime, float]]:
    """Every page of GetMetricData: id -> {timestamp: value}."""
    request: dict[str, Any] = {
        "MetricDataQueries": [_query_document(q, period) for q in queries],
        "StartTime": start,
        "EndTime": end,
        "ScanBy": "TimestampAscending",
    }
    series: dict[str, dict[dt.datetime, float]] = {q.id: {} for q in queries}
    while True:
        page = _call(client, request)
        for result in page.get("MetricDataResults", []):
            values = series.setdefault(result["Id"], {})
            for stamp, value in zip(result.get("Timestamps", []), result.get("Values", []), strict=False):
                if value is not None and math.isfinite(float(value)):
                    values[stamp] = float(value)
        token = page.get("NextToken")
        if not token:
            return series
        request["NextToken"] = token


def _query_document(query: _Query, period: int) -> dict[str, Any]:
    return {
        "Id": query.id,
        "MetricStat": {
            "Metric": {
                "Namespace": query.namespace,
                "MetricName": query.metric,
                "Dimensions": [{"Name": n, "Value": v} for n, v in query.dimensions],
            },
            "Period": period,
            "Stat": query.stat,
        },
        "ReturnData": True,
    }


_THROTTLED = ("Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded")
_DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException")


def _call(client: CloudWatchClient, request: Mapping[str, Any]) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        return client.get_metric_data(**request)
    except NoCredentialsError:
        raise TelemetryError("no AWS credentials found", hint="set AWS_PROFILE or run `aws configure`") from None
    except ClientError as error:
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        raise _client_error(error.response.get("Error", {}), status) from None
    except BotoCoreError as error:
        raise TelemetryError(f"CloudWatch GetMetricData failed: {error}") from None


class ServerFailure(TelemetryError):
    """CloudWatch answered with a server error (after the SDK's retries)."""


def _client_error(detail: Mapping[str, Any], status: int) -> TelemetryError:
    code = str(detail.get("Code", ""))
    message = str(detail.get("Message", "")).strip().splitlines()[0] if detail.get("Message") else ""
    if code in _THROTTLED:
        return TelemetryError(
            f"CloudWatch throttled GetMetricData ({code}) after the SDK's retries",
            hint="retry in a minute, or ask for fewer --days",
        )
    if code in _DENIED:
        return TelemetryError(
            f"not allowed to read CloudWatch metrics ({code}: {message})",
            hint="the caller needs cloudwatch:GetMetricData on the account (e.g. the CloudWatchReadOnlyAccess policy)",
        )
    if status >= 500 or code in ("InternalFailure", "InternalServiceError", "ServiceUnavailable"):
        return ServerFailure(f"CloudWatch GetMetricData failed on the server ({code})", hint="retry later")
    return TelemetryError(f"CloudWatch GetMetricData failed ({code}: {message})")


def read_metrics(
    client: CloudWatchClient, target: CloudWatchTarget, *, now: dt.datetime, days: float, memory_mb: int | None
) -> Measured:
    """The target's metrics over the last ``days`` (ending at the last whole minute before ``now``)."""
    period = period_for(days)
    end = now.replace(second=0, microsecond=0)
    start = end - dt.timedelta(days=days)
    queries = queries_for(target)
    series = fetch(client, [q for q in queries if not _is_percentile(q)], start, end, period)
    counts = series.get("count", {})
    if not counts or not any(counts.values()):
        raise TelemetryError(
            f"no {queries_for(target)[0].metric} datapoints for {target.identifier} "
            f"between {start:%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M} UTC",
            hint="check the name, the region (--region) and --days; a service without traffic has no datapoints",
        )
    # percentiles are extended statistics: when the server cannot answer them the average stands in
    with contextlib.suppress(ServerFailure):
        series.update(fetch(client, [q for q in queries if _is_percentile(q)], start, end, period))
    return _measured(target, series, period, memory_mb, period_label="1-minute" if period == 60 else "5-minute")


def _is_percentile(query: _Query) -> bool:
    return query.stat.startswith("p")


def _measured(
    target: CloudWatchTarget, series: dict[str, dict[dt.datetime, float]], period: int, memory_mb: int | None,
    *, period_label: str,
) -> Measured:  # fmt: skip
    counts = series["count"]
    first, last = min(counts), max(counts)
    slots = int((last - first).total_seconds() // period) + 1
    per_minute = period // 60
    minutes = [0.0] * (slots * per_minute)
    for stamp, value in counts.items():
        slot = int((stamp - first).total_seconds() // period)
        for k in range(per_minute):
            minutes[slot * per_minute + k] += value / per_minute
    scale = 1000.0 if target.kind == "alb" else 1.0  # TargetResponseTime is in seconds
    durations = _percentiles(series, counts, scale)
    source = {"lambda": "lambda", "apigateway": "apigateway"}.get(target.kind, "alb")
    concurrency = series.get("concurrency")
    errors = series.get("errors", {})
    return Measured(
        source=source,
        origin=f"{len(counts):,} {period_label} CloudWatch datapoints of {queries_for(target)[0].metric}",
        start_s=first.timestamp(),
        minute_counts=tuple(minutes),
        duration_ms=durations,
        init_ms=None,
        cold_starts=None,
        memory_mb=memory_mb,
        memory_used_mb=None,
        errors=round(sum(errors.values())) if errors else None,
        peak_concurrency=max(concurrency.values()) if concurrency else None,
        notes=_notes(series, durations),
    )


def _percentiles(
    series: Mapping[str, Mapping[dt.datetime, float]], counts: Mapping[dt.datetime, float], scale: float
) -> Percentiles | None:
    """Request-weighted means of the per-period statistics; missing percentiles fall back to the average."""
    weighted = {stat: _weighted(series.get(f"d_{stat.lower()}", {}), counts) for stat in STATS}
    mean = weighted["Average"]
    p50 = weighted["p50"] if weighted["p50"] is not None else mean
    if p50 is None or mean is None:
        return None
    p95 = weighted["p95"] if weighted["p95"] is not None else p50
    p99 = weighted["p99"] if weighted["p99"] is not None else p95
    total = round(sum(counts.values()))
    return Percentiles(total, mean * scale, p50 * scale, p95 * scale, p99 * scale)


def _weighted(values: Mapping[dt.datetime, float], counts: Mapping[dt.datetime, float]) -> float | None:
    pairs = [(value, counts.get(stamp, 0.0)) for stamp, value in values.items()]
    weight = sum(w for _, w in pairs)
    if not pairs or weight <= 0:
        return None
    return sum(v * w for v, w in pairs) / weight


def _notes(series: Mapping[str, Mapping[dt.datetime, float]], durations: Percentiles | None) -> tuple[str, ...]:
    notes = ["CloudWatch metrics carry no INIT durations: lambda.cold_start_ms keeps its default."]
    if durations is not None and durations.p95 == durations.p50:
        notes.append("No percentile statistics came back: the duration is the average (fixed).")
    throttles = sum(series.get("throttles", {}).values())
    if throttles:
        notes.append(f"Lambda throttled {throttles:,.0f} invocations in the window (Throttles).")
    cpu, tasks = series.get("cpu"), series.get("tasks")
    if cpu:
        notes.append(f"ECS service CPU: mean {sum(cpu.values()) / len(cpu):.3g}% (per-period averages).")
    if tasks:
        notes.append(f"ECS service running tasks: at most {max(tasks.values()):.0f}.")
    return tuple(notes)
