"""The CloudWatch reader on a stubbed client: pages, throttling, missing permissions, no data, no percentiles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from archsel.errors import TelemetryError, UsageError
from archsel.telemetry.cloudwatch import (
    CloudWatchTarget,
    choose_target,
    load_balancer_dimension,
    period_for,
    queries_for,
    read_metrics,
)

NOW = dt.datetime(2026, 11, 2, 12, 0, 30, tzinfo=dt.UTC)
T0 = dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC)
LAMBDA = CloudWatchTarget("lambda", "orders")


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def result(query_id: str, values: list[float], start: int = 0) -> dict[str, Any]:
    stamps = [T0 + dt.timedelta(minutes=start + k) for k in range(len(values))]
    return {"Id": query_id, "Label": query_id, "Timestamps": stamps, "Values": values, "StatusCode": "Complete"}


def test_pages_are_followed_and_percentiles_weighted_by_requests(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    first = {"MetricDataResults": [result("count", [60.0, 120.0]), result("d_average", [100.0, 200.0])]}
    stubber.add_response("get_metric_data", {**first, "NextToken": "page-2"})
    stubber.add_response(
        "get_metric_data",
        {
            "MetricDataResults": [
                result("count", [180.0], start=2),
                result("concurrency", [4.0, 9.0, 2.0]),
                result("throttles", [0.0, 7.0, 0.0]),
            ]
        },
    )
    tails = [result("d_p50", [80.0, 80.0, 120.0]), result("d_p95", [300.0, 300.0, 500.0])]
    stubber.add_response("get_metric_data", {"MetricDataResults": tails})
    measured = read_metrics(client, LAMBDA, now=NOW, days=1, memory_mb=512)
    assert measured.minute_counts == (60.0, 120.0, 180.0)
    assert measured.peak_rps == 3.0
    assert measured.peak_concurrency == 9.0
    assert measured.memory_mb == 512
    assert measured.duration_ms is not None
    assert measured.duration_ms.p50 == pytest.approx((80 * 60 + 80 * 120 + 120 * 180) / 360)
    assert measured.duration_ms.p95 == pytest.approx((300 * 180 + 500 * 180) / 360)
    assert measured.cold_starts is None  # metrics do not count INITs
    assert "Lambda throttled 7 invocations in the window (Throttles)." in measured.notes


def test_throttling_is_an_error_that_says_to_retry(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error("get_metric_data", service_error_code="Throttling", http_status_code=400)
    with pytest.raises(TelemetryError, match="throttled") as caught:
        read_metrics(client, LAMBDA, now=NOW, days=1, memory_mb=None)
    assert caught.value.hint is not None and "retry" in caught.value.hint


def test_missing_permission_names_the_action(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "get_metric_data", service_error_code="AccessDenied", service_message="not authorized", http_status_code=403
    )
    with pytest.raises(TelemetryError, match="not allowed") as caught:
        read_metrics(client, LAMBDA, now=NOW, days=1, memory_mb=None)
    assert caught.value.hint is not None and "cloudwatch:GetMetricData" in caught.value.hint


def test_no_datapoints_is_an_error_naming_the_metric_and_window(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("get_metric_data", {"MetricDataResults": [result("count", [])]})
    with pytest.raises(TelemetryError, match="no Invocations datapoints for orders between 2026-11-01 12:00"):
        read_metrics(client, LAMBDA, now=NOW, days=1, memory_mb=None)


def test_without_percentiles_the_average_stands_in(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "get_metric_data", {"MetricDataResults": [result("count", [10.0, 10.0]), result("d_average", [0.05, 0.07])]}
    )
    stubber.add_client_error("get_metric_data", service_error_code="InternalFailure", http_status_code=500)
    alb = CloudWatchTarget("alb", "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/shop/50dc6c495c0c9188")
    measured = read_metrics(client, alb, now=NOW, days=1, memory_mb=None)
    assert measured.duration_ms is not None
    assert measured.duration_ms.p50 == pytest.approx(60.0)  # seconds to ms
    assert measured.source == "alb"
    assert any("No percentile statistics" in note for note in measured.notes)


def test_long_windows_read_five_minute_data_spread_over_minutes(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stamps = [T0, T0 + dt.timedelta(minutes=5)]
    page = {"Id": "count", "Label": "c", "Timestamps": stamps, "Values": [300.0, 600.0], "StatusCode": "Complete"}
    stubber.add_response("get_metric_data", {"MetricDataResults": [page]})
    stubber.add_response("get_metric_data", {"MetricDataResults": []})
    measured = read_metrics(client, LAMBDA, now=NOW, days=30, memory_mb=None)
    assert measured.minute_counts == (60.0,) * 5 + (120.0,) * 5


def test_period_follows_retention() -> None:
    assert period_for(15) == 60
    assert period_for(15.5) == 300
    with pytest.raises(UsageError):
        period_for(64)


def test_targets_and_their_metrics() -> None:
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"
    assert load_balancer_dimension(arn) == "app/shop/50dc6c495c0c9188"
    target = choose_target(function=None, load_balancer=arn, api=None, ecs_service="prod/shop")
    assert target.name == "shop"
    metrics = {(q.namespace, q.metric) for q in queries_for(target)}
    assert ("AWS/ECS", "CPUUtilization") in metrics
    assert ("ECS/ContainerInsights", "RunningTaskCount") in metrics
    assert ("AWS/ApplicationELB", "RequestCount") in metrics
    http_api = choose_target(function=None, load_balancer=None, api="a1b2c3", ecs_service=None)
    assert queries_for(http_api)[0].metric == "Count"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "give one of"),
        ({"function": "f", "api": "a"}, "give one of --function, --load-balancer and --api"),
        ({"ecs_service": "c/s"}, "no request counts"),
        ({"function": "f", "ecs_service": "c/s"}, "goes with --load-balancer"),
        ({"load_balancer": "arn", "ecs_service": "nocluster"}, "CLUSTER/SERVICE"),
    ],
)
def test_target_option_mistakes_are_usage_errors(options: dict[str, str], message: str) -> None:
    arguments = {"function": None, "load_balancer": None, "api": None, "ecs_service": None, **options}
    with pytest.raises(UsageError, match=message):
        choose_target(**arguments)
