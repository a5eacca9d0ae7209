"""request.routes and lambda.layout: parsing, validation, normalised shares and the validate notice."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archsel.errors import ProfileError
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from tests.conftest import CliResult

Run = Callable[..., CliResult]

ROUTES = """
request:
  duration_ms: {fixed: 100}
  routes:
    - {method: get, path: /orders, share: 6, group: reads}
    - {method: GET, path: "/orders/{id}", share: 3, memory_mb: 2048, duration_ms: {fixed: 30}, group: reads}
    - {method: POST, path: /orders, share: 1, payload_kb: 64}
"""


def profile(extra: str = "", routes: str = ROUTES) -> WorkloadProfile:
    return parse_profile(f"version: 1\nname: r\ntraffic: {{mean_rps: 1}}\n{routes}\n{extra}")


def test_routes_parse_with_defaults_from_the_request() -> None:
    parsed = profile()
    routes = parsed.request.routes
    assert [route.key for route in routes] == ["GET /orders", "GET /orders/{id}", "POST /orders"]
    assert routes[0].duration_ms is None and routes[0].memory_mb is None
    assert parsed.lambda_.layout == "single"


def test_shares_are_normalised_to_sum_to_one() -> None:
    request = profile().request
    assert request.route_share_total == 10
    assert request.route_shares == (0.6, 0.3, 0.1)


def test_function_routes_by_layout() -> None:
    assert profile().function_routes == ((0, 1, 2),)
    assert profile("lambda: {layout: per-route}").function_routes == ((0,), (1,), (2,))
    # grouped: one per group, a route without a group gets a function of its own
    assert profile("lambda: {layout: grouped}").function_routes == ((0, 1), (2,))


def test_no_routes_is_one_function_as_before() -> None:
    parsed = parse_profile("version: 1\nname: r\ntraffic: {mean_rps: 1}\n")
    assert parsed.request.routes == () and parsed.function_routes == ((),)


@pytest.mark.parametrize(
    ("routes", "extra", "message"),
    [
        (
            "request: {routes: [{method: GET, path: /a, share: 1}, {method: get, path: /a, share: 1}]}",
            "",
            "route GET /a is listed twice",
        ),
        ("request: {routes: [{method: GET, path: a, share: 1}]}", "", r"request\.routes\[0\]\.path"),
        ("request: {routes: [{method: FETCH, path: /a, share: 1}]}", "", r"request\.routes\[0\]\.method: must be"),
        ("request: {routes: [{method: GET, path: /a, share: 0}]}", "", r"request\.routes\[0\]\.share"),
        ("", "lambda: {layout: per-route}", "lambda.layout per-route needs request.routes"),
        ("request: {routes: [{method: GET, path: /a, share: 1}]}", "lambda: {layout: grouped}", "needs a group"),
        (
            "request: {routes: [{method: GET, path: /a, share: 1}, {method: GET, path: /b, share: 1}]}",
            "lambda: {layout: per-route, reserved_concurrency: 500}",
            "applies to each of the 2 functions",
        ),
    ],
    ids=["duplicate", "relative-path", "unknown-method", "zero-share", "layout-without-routes", "grouped-no-group",
         "reserved-per-function"],
)  # fmt: skip
def test_invalid_routes_are_profile_errors(routes: str, extra: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        profile(extra, routes=routes)


def test_validate_surfaces_the_normalisation_notice(run_cli: Run, write_profile: Callable[..., Path]) -> None:
    path = write_profile(f"version: 1\nname: r\ntraffic: {{mean_rps: 1}}\n{ROUTES}")
    result = run_cli("validate", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    notices = json.loads(result.stdout)["notices"]
    assert any("shares sum to 10, not 1: normalised to GET /orders 0.6" in notice for notice in notices), notices


def test_shares_summing_to_one_give_no_notice(run_cli: Run, write_profile: Callable[..., Path]) -> None:
    text = "request: {routes: [{method: GET, path: /a, share: 0.25}, {method: GET, path: /b, share: 0.75}]}"
    path = write_profile(f"version: 1\nname: r\ntraffic: {{mean_rps: 1}}\n{text}\n")
    result = run_cli("validate", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert not [notice for notice in json.loads(result.stdout)["notices"] if "routes" in notice]
