"""`cost` and `simulate` name the design they price (the profile's settings) and `cost` splits Lambda by route."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from archsel.cost.route_cost import compute_usd
from archsel.profile.loader import load_profile
from tests.conftest import SCENARIOS, CliResult

Run = Callable[..., CliResult]


def test_cost_json_names_each_design_with_the_profile_settings(run_cli: Run) -> None:
    profile = load_profile(SCENARIOS / "startup-mvp.yaml")
    document = json.loads(run_cli("cost", str(SCENARIOS / "startup-mvp.yaml"), "--format", "json").stdout)
    lam, far = document["designs"]["lambda"], document["designs"]["fargate"]
    assert lam["basis"] == far["basis"] == "profile settings"
    assert lam["settings"]["memory_mb"] == profile.lambda_.memory_mb
    assert lam["settings"]["architecture"] == profile.lambda_.architecture
    assert far["settings"]["vcpu"] == profile.fargate.vcpu and far["settings"]["min_tasks"] == profile.fargate.min_tasks
    assert f"{profile.lambda_.memory_mb} MB" in lam["description"]
    assert document["routes"] == []  # no routes in this profile
    assert "estimates" in document and "simulated" in document  # the keys it had stay


def test_cost_table_says_which_design_and_how_recommend_differs(run_cli: Run) -> None:
    out = run_cli("cost", str(SCENARIOS / "startup-mvp.yaml")).stdout
    flat = " ".join(out.split())
    assert "Lambda 1024 MB x86_64, HTTP API" in flat
    assert "Fargate 0.5 vCPU/1 GB x86_64" in flat
    assert "`archsel recommend` also tries other memory sizes" in flat


def test_cost_route_rows_add_up_to_the_lambda_and_api_lines(run_cli: Run) -> None:
    from archsel import api

    report = api.cost(SCENARIOS / "multi-route-api.yaml", arch="lambda")
    document = json.loads(
        run_cli("cost", str(SCENARIOS / "multi-route-api.yaml"), "--arch", "lambda", "--format", "json").stdout
    )
    routes = document["routes"]
    assert len(routes) == len(report.profile.request.routes)
    assert sum(r["monthly_usd"] for r in routes) == pytest.approx(
        float(compute_usd(report.estimates[0])), abs=0.005 * len(routes)
    )  # cents per route
    table = run_cli("cost", str(SCENARIOS / "multi-route-api.yaml"), "--arch", "lambda").stdout
    assert "Lambda by route" in table and "GET /products" in table
    markdown = run_cli("cost", str(SCENARIOS / "multi-route-api.yaml"), "--format", "markdown").stdout
    assert "### Lambda by route" in markdown
