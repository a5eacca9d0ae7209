"""Routes through the CLI: `simulate` reports each route, `recommend` compares the Lambda layouts."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from archsel.cli import main
from tests.conftest import SCENARIOS, CliResult

Run = Callable[..., CliResult]
SCENARIO = str(SCENARIOS / "multi-route-api.yaml")


def test_simulate_reports_each_route_and_its_share_of_the_bill(run_cli: Run) -> None:
    result = run_cli("simulate", SCENARIO, "--arch", "lambda", "--format", "json")
    assert result.exit_code == 0, result.stderr
    lambda_result = json.loads(result.stdout)["results"][0]
    routes = lambda_result["routes"]
    assert len(routes) == 13
    assert {route["function"] for route in routes} >= {"GetProducts", "GetReportsDaily"}
    # per-route means are rounded one by one: they add up to the total within that rounding
    assert abs(sum(route["requests"] for route in routes) - lambda_result["requests"]) <= len(routes)
    compute = sum(c["monthly_usd"] for c in lambda_result["components"] if c["service"] in {"lambda", "api_gateway"})
    assert sum(route["monthly_usd"] for route in routes) == pytest.approx(compute, abs=0.01 * len(routes))
    heavy = next(route for route in routes if route["route"] == "GET /reports/daily")
    busy = next(route for route in routes if route["route"] == "GET /products")
    assert heavy["memory_mb"] == 3008
    assert heavy["cold_start_ratio"] > busy["cold_start_ratio"]  # 0.5 % of the traffic keeps its pool colder


def test_simulate_table_has_a_route_table(run_cli: Run) -> None:
    result = run_cli("simulate", SCENARIO, "--arch", "lambda", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "| route | function | MB |" in result.stdout
    assert "| GET /reports/daily | GetReportsDaily | 3008 |" in result.stdout


@pytest.fixture(scope="module")
def recommendation() -> dict[str, Any]:
    """`archsel recommend --format json` on the scenario, once for the module."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(SystemExit) as done:
        main(["recommend", SCENARIO, "--format", "json"])
    assert done.value.code in (0, 5)
    document: dict[str, Any] = json.loads(buffer.getvalue())
    return document


@pytest.mark.slow  # one recommendation, ~10 s
def test_recommend_compares_every_layout(recommendation: dict[str, Any]) -> None:
    layouts = {c["settings"].get("layout") for c in recommendation["candidates"] if c["architecture"] == "lambda"}
    assert layouts == {"single", "per-route", "grouped"}

    def best(layout: str) -> dict[str, Any]:
        own = [c for c in recommendation["candidates"] if c["settings"].get("layout") == layout]
        return min(own, key=lambda c: c["monthly_usd"])

    single, per_route = best("single"), best("per-route")
    # the router function runs every route at the largest need; per-route spreads traffic over 13 pools
    assert set(single["settings"]["functions"].values()) == {3008}
    assert len(per_route["settings"]["functions"]) == 13
    assert per_route["result"]["cold_start_ratio"] > single["result"]["cold_start_ratio"]
    assert per_route["monthly_usd"] < single["monthly_usd"]


@pytest.mark.slow
def test_recommend_reasons_name_the_layout_with_numbers(recommendation: dict[str, Any]) -> None:
    choice = recommendation["choice"]
    layout = choice["workload"]["lambda"]["layout"] if choice["architecture"] == "lambda" else None
    reason = next(r for r in recommendation["reasons"] if r.startswith("Layout "))
    if layout is not None:
        assert reason.startswith(f"Layout {layout} ")
    assert re.search(r"[\d.]+% of requests cold vs [\d.]+%", reason)
    assert re.search(r"p99 [\d,]+ ms vs [\d,/ ]+ ms", reason)
    assert "INIT billed $" in reason
