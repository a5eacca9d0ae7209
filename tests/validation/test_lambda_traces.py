"""Exact event logs of the Lambda model on hand-written arrivals (SimPy-style trace tests).

Each arrival is (time s, handler s); every cold start pays a fixed 0.5 s INIT unless stated.
Log entries are (time, kind, request index, environment serial; -1 = none or provisioned).
"""

from __future__ import annotations

import pytest

from archsel.profile.loader import parse_profile
from tests.validation.lambda_trace import Event, profile, trace


def test_request_after_keep_alive_expiry_is_cold() -> None:
    workload = profile("{keep_alive_s: 60, max_lifetime_s: 100000}")
    assert trace(workload, [(0.0, 1.0), (30.0, 1.0), (100.0, 1.0)], horizon_s=200) == [
        (0.0, "cold", 0, 0),
        (1.5, "done", 0, 0),
        (30.0, "warm", 1, 0),
        (31.0, "done", 1, 0),
        (91.0, "expire", -1, 0),
        (100.0, "cold", 2, 1),
        (101.5, "done", 2, 1),
        (161.5, "expire", -1, 1),
    ]


def test_arrival_at_the_expiry_instant_finds_the_environment_gone() -> None:
    workload = profile("{keep_alive_s: 60}")
    assert trace(workload, [(0.0, 1.0), (61.5, 1.0)], horizon_s=100) == [
        (0.0, "cold", 0, 0),
        (1.5, "done", 0, 0),
        (61.5, "expire", -1, 0),
        (61.5, "cold", 1, 1),
        (63.0, "done", 1, 1),
    ]


def test_two_overlapping_requests_make_two_environments_and_reuse_the_most_recent() -> None:
    workload = profile("{keep_alive_s: 60}")
    assert trace(workload, [(0.0, 1.0), (0.5, 1.0), (3.0, 1.0)], horizon_s=100) == [
        (0.0, "cold", 0, 0),
        (0.5, "cold", 1, 1),
        (1.5, "done", 0, 0),
        (2.0, "done", 1, 1),
        (3.0, "warm", 2, 1),  # env 1 finished last: most recently used
        (4.0, "done", 2, 1),
        (61.5, "expire", -1, 0),
        (64.0, "expire", -1, 1),
    ]


def _burst_log(start_request: int, start_env: int, time: float, admitted: int, throttled: int) -> list[Event]:
    cold = [(time, "cold", start_request + k, start_env + k) for k in range(admitted)]
    rejected = [(time, "scaling_throttle", start_request + admitted + k, -1) for k in range(throttled)]
    return cold + rejected


def test_current_rule_admits_1000_at_once_then_100_per_second() -> None:
    workload = profile("{account_concurrency: 5000, scaling_rule: current}")
    arrivals = [(0.0, 25.0)] * 1_500 + [(5.0, 25.0)] * 600
    expected = _burst_log(0, 0, 0.0, 1_000, 500) + _burst_log(1_500, 1_000, 5.0, 500, 100)
    assert trace(workload, arrivals, horizon_s=20) == expected


@pytest.mark.parametrize(("region", "burst"), [("us-east-1", 3_000), ("eu-central-1", 1_000), ("sa-east-1", 500)])
def test_legacy_rule_admits_the_regional_burst_then_500_per_minute(region: str, burst: int) -> None:
    workload = parse_profile(
        f"version: 1\nname: t\nregion: {region}\ntraffic: {{mean_rps: 1}}\n"
        "lambda: {account_concurrency: 10000, scaling_rule: legacy, timeout_s: 900}\n"
    )
    arrivals = [(0.0, 100.0)] * (burst + 200) + [(60.0, 100.0)] * 600
    # the first burst is still running at 60 s (its clients got a 504 at the 30-s HTTP API limit)
    timeouts = [(30.0, "gateway_timeout", k, k) for k in range(burst)]
    expected = _burst_log(0, 0, 0.0, burst, 200) + timeouts + _burst_log(burst + 200, burst, 60.0, 500, 100)
    assert trace(workload, arrivals, horizon_s=90) == expected


def test_concurrency_limit_throttles_without_queueing() -> None:
    workload = profile("{account_concurrency: 200, reserved_concurrency: 2, keep_alive_s: 60}")
    assert trace(workload, [(0.0, 1.0), (0.1, 1.0), (0.2, 1.0), (1.6, 1.0)], horizon_s=10) == [
        (0.0, "cold", 0, 0),
        (0.1, "cold", 1, 1),
        (0.2, "concurrency_throttle", 2, -1),
        (1.5, "done", 0, 0),
        (1.6, "done", 1, 1),
        (1.6, "warm", 3, 1),  # a completion at the arrival instant frees its environment first
        (2.6, "done", 3, 1),
    ]


def test_provisioned_environments_never_cold_start_until_spillover() -> None:
    workload = profile("{provisioned_concurrency: 2, keep_alive_s: 60}")
    arrivals = [(0.0, 1.0), (0.1, 1.0), (0.2, 1.0), (5.0, 1.0), (5.1, 1.0), (5.2, 1.0)]
    assert trace(workload, arrivals, horizon_s=100) == [
        (0.0, "provisioned", 0, -1),
        (0.1, "provisioned", 1, -1),
        (0.2, "cold", 2, 0),  # spillover: both provisioned environments are busy
        (1.0, "done", 0, -1),
        (1.1, "done", 1, -1),
        (1.7, "done", 2, 0),
        (5.0, "provisioned", 3, -1),
        (5.1, "provisioned", 4, -1),
        (5.2, "warm", 5, 0),
        (6.0, "done", 3, -1),
        (6.1, "done", 4, -1),
        (6.2, "done", 5, 0),
        (66.2, "expire", -1, 0),
    ]


def test_schedule_change_takes_effect_after_the_allocation_delay() -> None:
    workload = profile(
        "{provisioned_concurrency: [{from: '00:01', to: '00:10', count: 1}], provisioned_allocation_s: 90, keep_alive_s: 1}"
    )
    arrivals = [(30.0, 1.0), (100.0, 1.0), (160.0, 1.0), (600.0, 1.0)]
    assert trace(workload, arrivals, horizon_s=700) == [
        (30.0, "cold", 0, 0),
        (31.5, "done", 0, 0),
        (32.5, "expire", -1, 0),
        (60.0, "provisioned_configured", -1, 1),
        (100.0, "cold", 1, 1),  # configured at 60 s, not usable before 60 + 90 s
        (101.5, "done", 1, 1),
        (102.5, "expire", -1, 1),
        (150.0, "provisioned_ready", -1, 1),
        (160.0, "provisioned", 2, -1),
        (161.0, "done", 2, -1),
        (600.0, "provisioned_configured", -1, 0),  # a decrease applies at once
        (600.0, "provisioned_ready", -1, 0),
        (600.0, "cold", 3, 2),
        (601.5, "done", 3, 2),
        (602.5, "expire", -1, 2),
    ]


def test_gateway_timeout_while_lambda_keeps_running_and_function_timeout_resets() -> None:
    workload = profile("{api: rest, timeout_s: 40, keep_alive_s: 60}")
    assert trace(workload, [(0.0, 35.0), (50.0, 45.0), (100.0, 1.0)], horizon_s=120) == [
        (0.0, "cold", 0, 0),
        (29.0, "gateway_timeout", 0, 0),  # REST: 29 s; the invocation runs on to 35.5 s
        (35.5, "done", 0, 0),
        (50.0, "warm", 1, 0),
        (79.0, "gateway_timeout", 1, 0),
        (90.0, "done", 1, 0),  # cut at the 40-s function timeout
        (90.0, "reset", -1, 0),  # a timed-out environment is not reused
        (100.0, "cold", 2, 1),
        (101.5, "done", 2, 1),
    ]


def test_init_over_ten_seconds_is_retried_inside_the_invoke() -> None:
    workload = profile("{keep_alive_s: 60}")
    assert trace(workload, [(0.0, 1.0)], horizon_s=50, init_s=12.0) == [
        (0.0, "cold_init_retry", 0, 0),
        (23.0, "done", 0, 0),  # 10-s INIT cap, then 12 s INIT again and 1 s handler inside the invoke
    ]


def test_environments_retire_at_max_lifetime_idle_or_after_their_request() -> None:
    workload = profile("{keep_alive_s: 60, max_lifetime_s: 10}")
    assert trace(workload, [(0.0, 1.0), (5.0, 1.0), (12.0, 20.0)], horizon_s=100) == [
        (0.0, "cold", 0, 0),
        (1.5, "done", 0, 0),
        (5.0, "warm", 1, 0),
        (6.0, "done", 1, 0),
        (10.0, "retire", -1, 0),
        (12.0, "cold", 2, 1),
        (32.5, "done", 2, 1),
        (32.5, "retire", -1, 1),  # busy past its lifetime: retired when the request ends
    ]


def test_api_gateway_bucket_rejects_beyond_its_burst() -> None:
    workload = profile("{api_rate_limit_rps: 1, api_burst: 2, keep_alive_s: 60}")
    log = trace(workload, [(0.0, 0.1), (0.0, 0.1), (0.0, 0.1), (1.0, 0.1)], horizon_s=5)
    assert [entry[1] for entry in log if entry[1] != "done"] == ["cold", "cold", "api_throttle", "warm"]
