"""`archsel import cloudwatch` against moto's CloudWatch on 127.0.0.1, metrics put by the test."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from archsel import api
from archsel.profile.loader import load_profile
from tests.conftest import CliResult

Run = Callable[..., CliResult]
MINUTES = 120


def put(client: Any, namespace: str, data: list[dict[str, Any]]) -> None:
    for start in range(0, len(data), 500):
        client.put_metric_data(Namespace=namespace, MetricData=data[start : start + 500])


def datum(name: str, dims: dict[str, str], when: dt.datetime, value: float, unit: str) -> dict[str, Any]:
    dimensions = [{"Name": key, "Value": text} for key, text in dims.items()]
    return {"MetricName": name, "Dimensions": dimensions, "Timestamp": when, "Value": value, "Unit": unit}


def minutes_back(now: dt.datetime) -> list[dt.datetime]:
    start = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=MINUTES)
    return [start + dt.timedelta(minutes=k) for k in range(MINUTES)]


def test_import_cloudwatch_for_a_function(
    run_cli: Run, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # moto answers percentile statistics with a 500: no retries
    client = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_url)
    dims = {"FunctionName": "orders"}
    data = []
    for k, when in enumerate(minutes_back(dt.datetime.now(dt.UTC))):
        count = 600.0 if k == 60 else 60.0 + k % 10  # one busy minute
        data += [
            datum("Invocations", dims, when, count, "Count"),
            datum("Duration", dims, when, 80.0, "Milliseconds"),
            datum("ConcurrentExecutions", dims, when, 3.0 if k != 60 else 12.0, "Count"),
            datum("Errors", dims, when, 1.0 if k % 30 == 0 else 0.0, "Count"),
        ]
    put(client, "AWS/Lambda", data)
    out = tmp_path / "orders.yaml"
    result = run_cli(
        "import", "cloudwatch", "--function", "orders", "--days", "0.1", "--region", "us-east-1",
        "--memory-mb", "512", "--out", str(out), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    measured = document["measured"]
    expected = sum(600.0 if k == 60 else 60.0 + k % 10 for k in range(MINUTES))
    assert measured["requests"] == expected
    assert measured["peak_rps"] == 10.0
    assert measured["peak_concurrency"] == 12.0
    assert measured["memory_mb"] == 512
    assert measured["duration_ms"]["p50"] == pytest.approx(80.0)
    assert measured["cold_start_ratio"] is None  # metrics do not count INITs
    profile = load_profile(out)
    assert profile.lambda_.memory_mb == 512
    assert sum(profile.traffic.trace_counts or ()) == expected
    checks = {check["metric"]: check for check in document["checks"]}
    assert checks["requests"]["error"] == pytest.approx(0.0, abs=0.02)
    assert "CloudWatch metrics carry no INIT durations" in out.read_text()


def test_import_cloudwatch_for_a_load_balancer_and_its_ecs_service(moto_url: str, tmp_path: Path) -> None:
    client = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_url)
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"
    alb = {"LoadBalancer": "app/shop/50dc6c495c0c9188"}
    ecs = {"ClusterName": "prod", "ServiceName": "shop"}
    now = dt.datetime.now(dt.UTC)
    alb_data, ecs_data, insights = [], [], []
    for when in minutes_back(now):
        alb_data += [
            datum("RequestCount", alb, when, 300.0, "Count"),
            datum("TargetResponseTime", alb, when, 0.05, "Seconds"),
        ]
        ecs_data.append(datum("CPUUtilization", ecs, when, 40.0, "Percent"))
        insights.append(datum("RunningTaskCount", ecs, when, 3.0, "Count"))
    put(client, "AWS/ApplicationELB", alb_data)
    put(client, "AWS/ECS", ecs_data)
    put(client, "ECS/ContainerInsights", insights)
    from botocore.config import Config

    quick = boto3.client(
        "cloudwatch", region_name="us-east-1", endpoint_url=moto_url, config=Config(retries={"max_attempts": 1})
    )
    target = api.cloudwatch_target(function=None, load_balancer=arn, api=None, ecs_service="prod/shop")
    report = api.import_cloudwatch(target, out=tmp_path / "shop.yaml", client=quick, now=now, days=0.1)
    assert report.measured.source == "alb"
    assert report.measured.mean_rps == pytest.approx(5.0)
    assert report.measured.duration_ms is not None and report.measured.duration_ms.p50 == pytest.approx(50.0)
    assert report.check.architecture == "fargate"
    text = (tmp_path / "shop.yaml").read_text()
    assert "ECS service CPU: mean 40%" in text
    assert "ECS service running tasks: at most 3" in text


def test_import_cloudwatch_without_datapoints_exits_3(
    run_cli: Run, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    result = run_cli("import", "cloudwatch", "--api", "a1b2c3", "--days", "1", "--out", str(tmp_path / "x.yaml"))
    assert result.exit_code == 3
    assert "no Count datapoints for a1b2c3" in result.stderr
