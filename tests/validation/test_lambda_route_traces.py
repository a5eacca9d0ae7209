"""Exact event logs with routes: warm pools and buckets per function, the account limit shared.

Two routes, /a (route 0) and /b (route 1); arrivals are (time s, handler s), every cold start
pays a fixed 0.5 s INIT. Log entries are (time, kind, request index, environment serial).
"""

from __future__ import annotations

from archsel.profile.schema import WorkloadProfile
from tests.validation.lambda_trace import profile, trace

TWO_ROUTES = "{routes: [{method: GET, path: /a, share: 1}, {method: GET, path: /b, share: 1}]}"


def routed(layout: str, extra: str = "") -> WorkloadProfile:
    return profile(f"{{layout: {layout}, keep_alive_s: 60, max_lifetime_s: 100000{extra}}}", TWO_ROUTES)


def test_per_route_functions_do_not_share_warm_environments() -> None:
    arrivals, routes = [(0.0, 1.0), (5.0, 1.0), (10.0, 1.0)], [0, 1, 0]
    assert trace(routed("per-route"), arrivals, routes=routes, horizon_s=100) == [
        (0.0, "cold", 0, 0),
        (1.5, "done", 0, 0),
        (5.0, "cold", 1, 1),  # /a's idle environment cannot serve /b
        (6.5, "done", 1, 1),
        (10.0, "warm", 2, 0),
        (11.0, "done", 2, 0),
        (66.5, "expire", -1, 1),
        (71.0, "expire", -1, 0),
    ]
    assert trace(routed("single"), arrivals, routes=routes, horizon_s=100) == [
        (0.0, "cold", 0, 0),
        (1.5, "done", 0, 0),
        (5.0, "warm", 1, 0),  # one router function: one pool
        (6.0, "done", 1, 0),
        (10.0, "warm", 2, 0),
        (11.0, "done", 2, 0),
        (71.0, "expire", -1, 0),
    ]


def test_grouped_routes_share_their_group_function() -> None:
    request = "{routes: [{method: GET, path: /a, share: 1, group: g}, {method: GET, path: /b, share: 1, group: g}]}"
    workload = profile("{layout: grouped, keep_alive_s: 60}", request)
    events = trace(workload, [(0.0, 1.0), (5.0, 1.0)], routes=[0, 1], horizon_s=50)
    assert [kind for _, kind, _, _ in events] == ["cold", "done", "warm", "done"]


def test_the_account_concurrency_is_shared_by_every_function() -> None:
    workload = routed("per-route", ", account_concurrency: 2")
    events = trace(workload, [(0.0, 10.0), (1.0, 10.0), (2.0, 10.0)], routes=[0, 1, 0], horizon_s=20)
    assert events[:3] == [(0.0, "cold", 0, 0), (1.0, "cold", 1, 1), (2.0, "concurrency_throttle", 2, -1)]


def test_reserved_concurrency_is_each_functions_own_ceiling() -> None:
    workload = routed("per-route", ", account_concurrency: 102, reserved_concurrency: 1")
    events = trace(workload, [(0.0, 10.0), (1.0, 10.0), (2.0, 10.0), (3.0, 10.0)], routes=[0, 1, 0, 1], horizon_s=20)
    assert events[:4] == [
        (0.0, "cold", 0, 0),
        (1.0, "cold", 1, 1),  # /b has its own reserved 1
        (2.0, "concurrency_throttle", 2, -1),
        (3.0, "concurrency_throttle", 3, -1),
    ]


def test_current_rule_gives_each_function_its_own_bucket() -> None:
    # 1,001 simultaneous cold starts on /a exhaust /a's bucket of 1,000; /b's bucket is untouched
    arrivals, routes = [(0.0, 1.0)] * 1_002, [0] * 1_001 + [1]
    events = trace(routed("per-route", ", account_concurrency: 5000"), arrivals, routes=routes, horizon_s=10)
    at_zero = [(kind, request) for time, kind, request, _ in events if time == 0.0]
    assert at_zero[999:] == [("cold", 999), ("scaling_throttle", 1_000), ("cold", 1_001)]


def test_legacy_rule_shares_one_regional_bucket() -> None:
    workload = routed("per-route", ", scaling_rule: legacy, burst_concurrency: 1")
    events = trace(workload, [(0.0, 1.0), (0.0, 1.0)], routes=[0, 1], horizon_s=10)
    assert events[:2] == [(0.0, "cold", 0, 0), (0.0, "scaling_throttle", 1, -1)]


def test_provisioned_concurrency_applies_to_each_function() -> None:
    workload = routed("per-route", ", provisioned_concurrency: 1, provisioned_allocation_s: 0")
    events = trace(workload, [(0.0, 5.0), (0.0, 5.0), (1.0, 5.0)], routes=[0, 1, 0], horizon_s=20)
    assert events[:3] == [(0.0, "provisioned", 0, -1), (0.0, "provisioned", 1, -1), (1.0, "cold", 2, 0)]
