"""`archsel recommend --growth` through the CLI: the plan's JSON keys, the timeline, and bad options."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

SMALL = """
version: 1
name: growing-api
traffic: {mean_rps: 1, shape: constant, growth: 10%/month}
request:
  duration_ms: {distribution: lognormal, p50: 60, p95: 250}
database: {kind: none}
frontend: {enabled: false}
auth: {provider: none}
slo: {p99_latency_ms: 2000, monthly_budget_usd: 120}
simulation: {horizon: 1h, warmup: 5m, seed: 2, replications: 1, allow_short_horizon: true}
"""


def test_a_bad_rate_is_a_usage_error_before_anything_runs(
    run_cli: Callable[..., CliResult], write_profile: Callable[[str], Path]
) -> None:
    result = run_cli("recommend", str(write_profile(SMALL)), "--growth", "fast")
    assert result.exit_code == 2
    assert "--growth" in result.stderr and "8%/month" in result.stderr


@pytest.mark.slow
def test_the_json_plan_has_the_contract_keys_and_one_entry_per_month(
    run_cli: Callable[..., CliResult], write_profile: Callable[[str], Path]
) -> None:
    path = write_profile(SMALL)
    result = run_cli("recommend", str(path), "--format", "json", "--months", "30", "--migration-cost", "500")
    assert result.exit_code in (0, 5), result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert {"months", "flip_month", "strategies", "first_slo_failure"} <= set(plan)
    assert [m["month"] for m in plan["months"]] == list(range(30))
    for month in plan["months"]:
        assert set(month) == {
            "month",
            "mean_rps",
            "requests",
            "choice",
            "lambda_usd",
            "fargate_usd",
            "lambda_managed_usd",
        }
    assert {"stay", "start_on_other", "switch_at_flip"} <= {s["name"] for s in plan["strategies"]}
    assert [f["month"] for f in plan["flips"]][:1] == ([plan["flip_month"]] if plan["flip_month"] is not None else [])
    assert all(set(s) >= {"name", "total_usd"} for s in plan["strategies"])
    assert plan["growth_per_month"] == pytest.approx(0.10)
    assert plan["months"][1]["mean_rps"] == pytest.approx(plan["months"][0]["mean_rps"] * 1.1, rel=1e-5)
    failure = plan["first_slo_failure"]
    assert failure is not None and failure["objective"] == "monthly_budget_usd"
    table = run_cli("recommend", str(path), "--months", "12")
    assert "Growth plan (compact timeline)" in table.stdout and "Strategy stay:" in table.stdout
