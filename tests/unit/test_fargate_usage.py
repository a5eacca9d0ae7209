"""Billed Fargate usage: task time with the one-minute minimum, ALB LCUs, IPv4, NAT, data out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.sim.fargate.fleet import TaskLife
from archsel.sim.fargate.params import FargateParams
from archsel.sim.fargate.usage import billed_task_seconds, fargate_usage, lcu_hours

INF = math.inf


def _life(task: int, launch: float, stop: float, spot: bool = False) -> TaskLife:
    return TaskLife(task, spot, launch, launch + 30, launch + 40, stop)


def test_task_time_from_launch_with_one_minute_minimum_inside_the_window() -> None:
    lives = (
        _life(0, -600.0, INF),  # from before the window to after it: the window's length
        _life(1, 100.0, 130.0),  # 30 s inside: billed a minute
        _life(2, 3_590.0, INF, spot=True),  # still running at the end: 10 s so far
        _life(3, -100.0, 20.0, spot=True),  # launched in the warm-up: only the 20 s inside
    )
    seconds = billed_task_seconds(lives, 3_600.0)
    assert seconds.ondemand_billed == 3_600.0 + 60.0
    assert seconds.spot_billed == 10.0 + 20.0
    assert seconds.alive == 3_600.0 + 30.0 + 10.0 + 20.0


def test_lcu_hours_reproduce_the_alb_pricing_example() -> None:
    """AWS ALB example 1: 5 req/s on 1 new connection/s lasting 2 min, 300 KB/s, 60 rules: 1.08 LCU."""
    profile = parse_profile(
        "{version: 1, name: alb, traffic: {mean_rps: 5}, request: {payload_kb: 10, response_kb: 50},"
        " fargate: {alb: {requests_per_connection: 5, connection_duration_s: 120, rules_evaluated: 60}}}"
    )
    per_second = np.full(7_200, 5.0)
    assert lcu_hours(profile, per_second, per_second, 7_200.0) == pytest.approx(2 * 1.08)


@pytest.mark.parametrize("requests_per_connection", [1, 5, 20])
def test_lcu_dimension_switches_to_connections_for_small_requests(requests_per_connection: int) -> None:
    """The profile's connection reuse sets the new-connection dimension (the same setting `cost` uses)."""
    profile = parse_profile(
        "{version: 1, name: alb, traffic: {mean_rps: 500}, request: {payload_kb: 0, response_kb: 0},"
        f" fargate: {{alb: {{requests_per_connection: {requests_per_connection}, connection_duration_s: 60}}}}}}"
    )
    per_second = np.full(3_600, 500.0)
    new_per_s = 500.0 / requests_per_connection
    assert lcu_hours(profile, per_second, per_second, 3_600.0) == pytest.approx(new_per_s / 25.0)


def test_monthly_usage_scales_the_window_and_counts_addresses() -> None:
    profile = parse_profile("""
version: 1
name: usage
traffic: {mean_rps: 1}
request: {response_kb: 1024}
fargate: {vcpu: 1, memory_gb: 2, ephemeral_storage_gb: 30}
pricing: {hours_per_month: 730}
""")
    horizon = 86_400.0
    lives = (_life(0, -600.0, INF), _life(1, 1_000.0, 4_600.0))
    ones = np.ones(86_400)
    usage = fargate_usage(profile, FargateParams(), lives, (ones, ones), horizon)
    month = 730 * 3_600 / horizon
    assert usage.ondemand_task_seconds == pytest.approx((86_400 + 3_600) * month)
    assert usage.alb_hours == pytest.approx(730)
    assert usage.public_ipv4_hours == pytest.approx(2 * 730 + (86_400 + 3_600) / 3_600 * month)
    assert usage.response_gb == pytest.approx(86_400 / 1_024 * month)  # 1 MB a second
    assert usage.ephemeral_extra_gb == 10
    assert usage.nat_gateway_hours == 0 and usage.nat_processed_gb == 0


def test_nat_gateway_replaces_task_addresses_and_processes_logs() -> None:
    profile = parse_profile("""
version: 1
name: nat
traffic: {mean_rps: 1}
fargate: {nat_gateway: true}
logs: {kb_per_request: 1.0}
database: {kind: dynamodb, reads_per_request: 2, writes_per_request: 1, item_kb: 1}
""")
    ones = np.ones(3_600)
    usage = fargate_usage(profile, FargateParams(), (_life(0, -600.0, INF),), (ones, ones), 3_600.0)
    month = profile.seconds_per_month / 3_600.0
    assert usage.public_ipv4_hours == pytest.approx((2 + 1) * month)  # ALB's two and the NAT's Elastic IP
    assert usage.nat_gateway_hours == pytest.approx(month)
    assert usage.nat_processed_gb == pytest.approx(3_600 * (1.0 + 3.0) / 1_024**2 * month)
