"""AWS billing rules: worked numbers from the pricing pages, and the simulator and the estimate agreeing where they share a rule."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from archsel.billing import rules
from archsel.billing.rules import (
    alb_lcu,
    billable_rules_per_request,
    data_out_gb,
    fargate_extra_ephemeral_gb,
    lambda_extra_ephemeral_gb,
    lcu_per_hour,
    metered_requests_per_request,
    nat_gateway_hours,
    nat_processed_gb,
    provisioned_rounded_s,
    public_ipv4_hours,
    settled_tasks,
)
from archsel.billing.usage import FargateUsage, LambdaUsage
from archsel.cost.network import lcu_at_rate
from archsel.cost.usage_estimate import fargate_tasks_needed, usage_from_profile
from archsel.evaluate.runner import simulate_one
from archsel.profile.fargate_schema import Alb
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.fleet import TaskLife
from archsel.sim.fargate.params import FargateParams
from archsel.sim.fargate.usage import fargate_usage, lcu_hours
from archsel.sim.result import SimOptions

HOUR = 3_600.0


def profile(text: str) -> WorkloadProfile:
    return parse_profile("version: 1\nname: rules\ntraffic: {mean_rps: 100}\n" + text)


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(rules)
    assert tried > 0 and failures == 0


# ----------------------------------------------------------------------------- API Gateway and Lambda


@pytest.mark.parametrize(
    ("payload_kb", "metered"),
    [(0, 1), (40, 1), (512, 1), (512.001, 2), (600, 2), (1_024, 2), (1_025, 3), (5_120, 10)],
)
def test_http_api_meters_each_512_kb_as_a_request(payload_kb: float, metered: int) -> None:
    """API Gateway pricing: HTTP API requests are metered in 512 KB increments (a 40 KB request is one)."""
    assert metered_requests_per_request("http", payload_kb) == metered


def test_the_pricing_page_examples_of_metering() -> None:
    """API Gateway pricing page: HTTP API requests are metered in 512 KB increments; 513 KB counts as two."""
    assert rules.HTTP_API_METERING_KB == 512.0
    assert metered_requests_per_request("http", 40) == 1  # a 40 KB request is one request
    assert metered_requests_per_request("http", 513) == 2
    assert metered_requests_per_request("http", 5 * 512) == 5  # 2,560 KB: five metered requests


def test_float_noise_stays_on_its_step() -> None:
    """A computed payload one float step over a whole number of steps is that many steps; a byte more is one more."""
    assert metered_requests_per_request("http", math.nextafter(5_120.0, math.inf)) == 10
    assert metered_requests_per_request("http", 5_120 + 1 / 1_024) == 11  # one byte over


def test_rest_apis_count_each_request_once() -> None:
    assert metered_requests_per_request("rest", 4_000) == 1


def test_lambda_storage_above_the_free_512_mb() -> None:
    assert lambda_extra_ephemeral_gb(512) == 0.0
    assert lambda_extra_ephemeral_gb(2_048) == 1.5


def test_provisioned_concurrency_is_rounded_up_to_five_minutes() -> None:
    assert provisioned_rounded_s(1.0) == 300.0
    assert provisioned_rounded_s(3_600.0) == 3_600.0
    assert provisioned_rounded_s(3_600.0 + 1e-10) == 3_600.0  # float noise, not a sixth minute
    assert provisioned_rounded_s(3_601.0) == 3_900.0


def test_data_out_counts_binary_gb() -> None:
    """API Gateway pricing example: 15,000,000 KB out is 14.3 GB."""
    assert data_out_gb(1_000_000, 15.0) == pytest.approx(14.3, abs=0.01)


# ----------------------------------------------------------------------------- Fargate


def test_fargate_storage_above_the_free_20_gb() -> None:
    assert fargate_extra_ephemeral_gb(20) == 0.0
    assert fargate_extra_ephemeral_gb(200) == 180.0


def test_settled_tasks_at_the_cpu_target_and_the_request_target() -> None:
    cpu = profile(
        "request: {duration_ms: 100, cpu_fraction: 0.5}\nfargate: {vcpu: 1, memory_gb: 2, scaling: {target: 50}}\n"
    )
    assert settled_tasks(cpu, 100.0) == 10  # 100/s x 0.05 vCPU-s = 5 vCPU busy, 0.5 vCPU a task
    assert settled_tasks(cpu, 101.0) == 11
    requests = profile("fargate: {scaling: {metric: requests, target: 1000}}\n")
    assert settled_tasks(requests, 100.0) == 6  # 6,000 a minute / 1,000 a task
    assert settled_tasks(requests, 0.0) == 0


def test_the_estimate_holds_at_least_the_settled_tasks() -> None:
    """The estimate's task count is the simulator's warm start, raised only to hold the requests in flight."""
    light = profile(
        "request: {duration_ms: 100, cpu_fraction: 0.5}\nfargate: {vcpu: 1, memory_gb: 2, scaling: {target: 50}}\n"
    )
    assert fargate_tasks_needed(light, 100.0) == settled_tasks(light, 100.0) == 10
    waiting = profile("request: {duration_ms: 1000, cpu_fraction: 0}\nfargate: {concurrency_per_task: 10}\n")
    assert settled_tasks(waiting, 100.0) == 0  # no CPU used: the CPU target asks for nothing
    assert fargate_tasks_needed(waiting, 100.0) == 10  # 100 in flight, 10 a task


# ----------------------------------------------------------------------------- ALB


def test_lcu_of_the_alb_pricing_example() -> None:
    """ELB pricing, ALB example 1: 1 new connection/s lasting 2 min, 300 KB/s, 5 requests/s through 60 rules.

    Dimensions: 0.04 LCU (new), 0.04 (active: 120 connections), 1.08 (1.08 GB/h), 0.25 (250 rule
    evaluations/s): 1.08 LCU, and 1.08 LCU-hours for the hour.
    """
    alb = Alb(requests_per_connection=5, connection_duration_s=120, rules_evaluated=60)
    assert billable_rules_per_request(60) == 50.0
    assert alb_lcu(alb, requests=5.0, processed_kb=300.0, span_s=1.0) == pytest.approx(1.08)
    hour = alb_lcu(alb, requests=5.0 * HOUR, processed_kb=300.0 * HOUR, span_s=HOUR)
    assert hour == pytest.approx(1.08)


def test_lcu_for_a_known_load() -> None:
    """100 requests/s of 4 KB in and 16 KB out, a new connection each, 30 s open, 12 rules.

    New: 100/25 = 4; active: 100 x 30 = 3,000 -> 1; processed: 2,000 KB/s = 7.2 GB/h -> 7.2;
    rules: 100 x 2 = 200/s -> 0.2. Largest: 7.2 LCU; a day of it is 172.8 LCU-hours.
    """
    alb = Alb(requests_per_connection=1, connection_duration_s=30, rules_evaluated=12)
    assert alb_lcu(alb, requests=100.0, processed_kb=2_000.0, span_s=1.0) == pytest.approx(7.2)
    load = profile(
        "request: {payload_kb: 4, response_kb: 16}\n"
        "fargate: {alb: {requests_per_connection: 1, connection_duration_s: 30, rules_evaluated: 12}}\n"
    )
    per_second = np.full(86_400, 100.0)
    assert lcu_hours(load, per_second, per_second, 86_400.0) == pytest.approx(172.8)


def test_the_largest_dimension_is_billed() -> None:
    assert lcu_per_hour(new_connections_per_s=50, connection_duration_s=1, processed_gb_per_hour=0,
                        rule_evaluations_per_s=0) == 2  # fmt: skip
    assert lcu_per_hour(new_connections_per_s=0, connection_duration_s=0, processed_gb_per_hour=0,
                        rule_evaluations_per_s=3_000) == 3  # fmt: skip


# ----------------------------------------------------------------------------- NAT and public IPv4


def test_nat_and_public_addresses() -> None:
    public = profile("fargate: {nat_gateway: false}\n")
    private = profile(
        "fargate: {nat_gateway: true}\nlogs: {kb_per_request: 2}\n"
        "database: {kind: dynamodb, reads_per_request: 1, writes_per_request: 1, item_kb: 3}\n"
    )
    assert public_ipv4_hours(public, hours=730, task_hours=3 * 730) == (2 + 3) * 730
    assert public_ipv4_hours(private, hours=730, task_hours=3 * 730) == (2 + 1) * 730
    assert nat_gateway_hours(public, 730) == 0 and nat_gateway_hours(private, 730) == 730
    assert nat_processed_gb(public, 1_048_576) == 0
    assert nat_processed_gb(private, 1_048_576) == pytest.approx(2 + 6)  # 2 KB of logs + 6 KB of items


# ----------------------------------------------------------------------------- the two sides agree


STEADY = """
request: {duration_ms: 50, cpu_fraction: 0.5, payload_kb: 600, response_kb: 32}
lambda: {api: http, ephemeral_storage_mb: 2048}
fargate: {vcpu: 1, memory_gb: 2, min_tasks: 2, ephemeral_storage_gb: 50, nat_gateway: true,
          alb: {requests_per_connection: 2, connection_duration_s: 60, rules_evaluated: 15}}
logs: {kb_per_request: 1.5}
database: {kind: dynamodb, reads_per_request: 2, writes_per_request: 1, item_kb: 2}
pricing: {hours_per_month: 730}
"""


def _simulated_fargate(p: WorkloadProfile, tasks: int) -> FargateUsage:
    """The simulator's usage for an hour of exactly the mean rate served by ``tasks`` tasks all along."""
    lives = tuple(TaskLife(task, False, -600.0, -570.0, -560.0, float("inf")) for task in range(tasks))
    per_second = np.full(3_600, 100.0)
    return fargate_usage(p, FargateParams(), lives, (per_second, per_second), HOUR)


def test_simulator_and_estimate_bill_a_steady_hour_alike() -> None:
    """A steady load: every network and storage figure of the two Fargate usages matches."""
    p = profile(STEADY)
    estimated = usage_from_profile(p, "fargate")
    assert isinstance(estimated, FargateUsage)
    tasks = round(estimated.ondemand_task_seconds / p.seconds_per_month)
    assert tasks == settled_tasks(p, 100.0) > 2  # above min_tasks: the settled count is what is billed
    simulated = _simulated_fargate(p, tasks)
    for name in (
        "ondemand_task_seconds",
        "ephemeral_extra_gb",
        "alb_hours",
        "alb_lcu_hours",
        "public_ipv4_hours",
        "nat_gateway_hours",
        "nat_processed_gb",
        "response_gb",
    ):
        assert getattr(simulated, name) == pytest.approx(getattr(estimated, name), rel=1e-12), name
    assert estimated.alb_lcu_hours == pytest.approx(lcu_at_rate(p, 100.0) * 730, rel=1e-12)


def test_simulator_and_estimate_meter_lambda_alike() -> None:
    """Both sides meter the 600 KB HTTP API request as two and bill /tmp above 512 MB by the same rule."""
    p = profile(STEADY)
    estimated = usage_from_profile(p, "lambda")
    run = simulate_one(p, "lambda", seed=1, replication=0, options=SimOptions(horizon_s=600.0, warmup_s=60.0))
    simulated = run.usage
    assert isinstance(estimated, LambdaUsage) and isinstance(simulated, LambdaUsage)
    assert estimated.api_metered_requests == 2 * estimated.api_requests
    assert simulated.api_metered_requests == 2 * simulated.api_requests
    memory_gb = p.lambda_.memory_mb / 1_024
    for usage in (estimated, simulated):
        billed_s = (usage.ondemand_gb_seconds + usage.init_gb_seconds) / memory_gb
        assert usage.ephemeral_extra_gb_seconds == pytest.approx(lambda_extra_ephemeral_gb(2_048) * billed_s)
