"""The no-simulation usage estimate, the network helpers and the engine's service rules."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from archsel.billing.rules import lcu_per_hour
from archsel.billing.usage import FargateUsage, LambdaUsage
from archsel.cost.engine import estimate, estimate_document, usage_from_profile
from archsel.cost.network import lcu_at_rate
from archsel.cost.usage_estimate import billed_duration_ms, fargate_tasks, hourly_rates, provisioned, traffic_load
from archsel.pricing.table import load_prices
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile

PRICES = load_prices("us-east-1")
HOURS = 730.0


def profile(text: str) -> WorkloadProfile:
    return parse_profile("version: 1\nname: t\n" + text)


def lambda_of(p: WorkloadProfile) -> LambdaUsage:
    usage = usage_from_profile(p, "lambda")
    assert isinstance(usage, LambdaUsage)
    return usage


def fargate_of(p: WorkloadProfile) -> FargateUsage:
    usage = usage_from_profile(p, "fargate")
    assert isinstance(usage, FargateUsage)
    return usage


def lines(p: WorkloadProfile, architecture: str, service: str | None = None) -> dict[str, Any]:
    usage = usage_from_profile(p, "lambda" if architecture == "lambda" else "fargate")
    components = estimate(p, usage, PRICES).components
    return {c.name: c for c in components if service is None or c.service == service}


# ----------------------------------------------------------------------------- Lambda usage


def test_lambda_gb_seconds_from_rate_duration_and_memory() -> None:
    usage = lambda_of(profile("traffic: {requests_per_month: 1000000}\nrequest: {duration_ms: 200, cpu_fraction: 0}\n"
                              "lambda: {memory_mb: 512}\n"))  # fmt: skip
    assert usage.invocations == pytest.approx(1e6)
    assert usage.ondemand_gb_seconds == pytest.approx(1e6 * 0.2 * 0.5)
    assert usage.init_gb_seconds == 0  # cold starts need a simulation
    assert usage.response_gb == pytest.approx(1e6 * 16 / 1024**2)


def test_a_smaller_function_runs_the_cpu_share_slower() -> None:
    p = profile("traffic: {mean_rps: 1}\nrequest: {duration_ms: 100, cpu_fraction: 0.5}\nlambda: {memory_mb: 885}\n")
    assert billed_duration_ms(p) == math.ceil(100 * (0.5 / (885 / 1769) + 0.5))


def test_billed_duration_rounds_up_to_the_millisecond() -> None:
    assert billed_duration_ms(profile("traffic: {mean_rps: 1}\nrequest: {duration_ms: 120.2, cpu_fraction: 0}")) == 121
    spread = profile("traffic: {mean_rps: 1}\nrequest: {duration_ms: {distribution: exponential, mean: 50}, "
                     "cpu_fraction: 0}")  # fmt: skip
    assert billed_duration_ms(spread) == pytest.approx(50.5)


def test_http_apis_meter_each_512_kb_and_rest_apis_do_not() -> None:
    text = "traffic: {requests_per_month: 1000}\nrequest: {payload_kb: 600}\nlambda: {api: %s}\n"
    assert lambda_of(profile(text % "http")).api_metered_requests == pytest.approx(2000)
    assert lambda_of(profile(text % "rest")).api_metered_requests == pytest.approx(1000)


def test_ephemeral_storage_above_512_mb_is_billed_per_second() -> None:
    usage = lambda_of(profile("traffic: {requests_per_month: 1000}\nrequest: {duration_ms: 1000, cpu_fraction: 0}\n"
                              "lambda: {ephemeral_storage_mb: 1536, memory_mb: 4096}\n"))  # fmt: skip
    assert usage.ephemeral_extra_gb_seconds == pytest.approx(1.0 * 1000 * 1.0)  # 1 GB above 0.5 x 1,000 s


def test_provisioned_concurrency_all_day_serves_its_share() -> None:
    p = profile("traffic: {mean_rps: 100}\nrequest: {duration_ms: 100, cpu_fraction: 0}\n"
                "lambda: {memory_mb: 1024, provisioned_concurrency: 5}\n")  # fmt: skip
    configured, share = provisioned(p, mean_concurrency=10.0)
    assert configured == pytest.approx(5 * 1.0 * HOURS * 3600)
    assert share == pytest.approx(0.5)
    usage = lambda_of(p)
    assert usage.provisioned_duration_gb_seconds == pytest.approx(usage.ondemand_gb_seconds)


def test_a_provisioned_window_is_billed_in_5_minute_steps() -> None:
    p = profile("traffic: {mean_rps: 1}\nlambda: {memory_mb: 2048, provisioned_concurrency: "
                "[{from: '08:00', to: '08:07', count: 3}, {from: '22:00', to: '02:00', count: 1}]}\n")  # fmt: skip
    configured, _ = provisioned(p, mean_concurrency=0.1)
    days = HOURS / 24
    assert configured == pytest.approx((3 * 600 + 1 * 4 * 3600) * 2.0 * days)


# ----------------------------------------------------------------------------- Fargate usage


def test_tasks_serve_the_mean_load_at_the_cpu_target() -> None:
    p = profile("traffic: {mean_rps: 100}\nrequest: {duration_ms: 100, cpu_fraction: 0.5}\n"
                "fargate: {vcpu: 1, memory_gb: 2, scaling: {target: 50}, max_tasks: 50}\n")  # fmt: skip
    assert fargate_tasks(p, 100.0) == 10  # 100/s x 0.05 vCPU-s / (1 vCPU x 50%)


def test_tasks_at_a_request_count_target() -> None:
    p = profile("traffic: {mean_rps: 100}\nfargate: {scaling: {metric: requests, target: 1000}}\n")
    assert fargate_tasks(p, 100.0) == 6  # 6,000 requests a minute / 1,000 per task


def test_tasks_hold_the_requests_in_flight() -> None:
    p = profile("traffic: {mean_rps: 100}\nrequest: {duration_ms: 1000, cpu_fraction: 0}\n"
                "fargate: {concurrency_per_task: 10, max_tasks: 50}\n")  # fmt: skip
    assert fargate_tasks(p, 100.0) == 10  # Little's law: 100 in flight / 10 per task


def test_tasks_stay_within_min_and_max() -> None:
    assert fargate_tasks(profile("traffic: {mean_rps: 0.01}\nfargate: {min_tasks: 2}\n"), 0.01) == 2
    busy = profile("traffic: {mean_rps: 5000}\nfargate: {max_tasks: 4}\n")
    assert fargate_tasks(busy, 5000.0) == 4
    usage = fargate_of(busy)
    assert usage.ondemand_task_seconds == pytest.approx(4 * HOURS * 3600)


def test_scheduled_bounds_hold_for_their_part_of_the_day() -> None:
    # A quiet load (1 task needed): min 4 for 12 h of the day, and a max of 2 for 6 h at a busy load.
    quiet = profile("traffic: {mean_rps: 0.01}\nfargate: {schedule: [{from: '08:00', to: '20:00', min_tasks: 4}]}\n")
    assert fargate_of(quiet).ondemand_task_seconds == pytest.approx((12 * 4 + 12 * 1) / 24 * HOURS * 3600)
    busy = profile(
        "traffic: {mean_rps: 5000}\nfargate: {max_tasks: 8, schedule: [{from: '22:00', to: '04:00', max_tasks: 2}]}\n"
    )
    assert fargate_of(busy).ondemand_task_seconds == pytest.approx((6 * 2 + 18 * 8) / 24 * HOURS * 3600)


def test_spot_share_splits_task_time() -> None:
    usage = fargate_of(profile("traffic: {mean_rps: 1}\nfargate: {min_tasks: 4, spot: 0.25}\n"))
    assert usage.spot_task_seconds == pytest.approx(HOURS * 3600)
    assert usage.ondemand_task_seconds == pytest.approx(3 * HOURS * 3600)


def test_public_addresses_and_nat() -> None:
    public = fargate_of(profile("traffic: {mean_rps: 1}\nfargate: {min_tasks: 3}\n"))
    assert public.public_ipv4_hours == pytest.approx((2 + 3) * HOURS)
    assert public.nat_gateway_hours == 0 and public.nat_processed_gb == 0
    private = fargate_of(profile("traffic: {requests_per_month: 1048576}\nlogs: {kb_per_request: 2}\n"
                                 "database: {kind: dynamodb, reads_per_request: 1, writes_per_request: 1, item_kb: 3}\n"
                                 "fargate: {min_tasks: 3, nat_gateway: true}\n"))  # fmt: skip
    assert private.public_ipv4_hours == pytest.approx((2 + 1) * HOURS)  # ALB nodes + the NAT's Elastic IP
    assert private.nat_gateway_hours == HOURS
    assert private.nat_processed_gb == pytest.approx(2 + 6)  # GB of logs + DynamoDB items


def test_lcu_is_the_largest_dimension() -> None:
    assert lcu_per_hour(new_connections_per_s=50, connection_duration_s=1, processed_gb_per_hour=0,
                        rule_evaluations_per_s=0) == 2  # fmt: skip
    assert lcu_per_hour(new_connections_per_s=1, connection_duration_s=6000, processed_gb_per_hour=0,
                        rule_evaluations_per_s=0) == 2  # fmt: skip
    p = profile("traffic: {mean_rps: 10}\nrequest: {payload_kb: 0, response_kb: 0}\n"
                "fargate: {alb: {rules_evaluated: 30, requests_per_connection: 1000}}\n")  # fmt: skip
    assert lcu_at_rate(p, 100.0) == pytest.approx(100 * 20 / 1000)  # rules beyond the free 10


def test_lcu_hours_follow_the_hourly_rate() -> None:
    flat = profile("traffic: {mean_rps: 10}\n")
    peaky = profile("traffic: {mean_rps: 10, shape: diurnal, peak_rps: 40}\n")
    assert fargate_of(flat).alb_lcu_hours == pytest.approx(lcu_at_rate(flat, 10.0) * HOURS)
    assert fargate_of(peaky).alb_lcu_hours >= fargate_of(flat).alb_lcu_hours - 1e-9
    hourly = hourly_rates(peaky)
    assert len(hourly) == 24 and sum(hourly) / 24 == pytest.approx(10)
    assert traffic_load(peaky).mean_rps == pytest.approx(10)


# ----------------------------------------------------------------------------- engine rules


def test_rds_proxy_bills_at_least_8_acus_with_lambda() -> None:
    p = profile("traffic: {mean_rps: 1}\ndatabase: {kind: aurora-postgres, storage_gb: 20}\n")
    proxy = lines(p, "lambda")["Proxy capacity, 8 ACU minimum"]
    assert proxy.service == "rds_proxy" and proxy.monthly_usd == Decimal("87.600")
    assert "Proxy capacity, 8 ACU minimum" not in lines(p, "fargate")  # auto: only with Lambda
    asked = profile("traffic: {mean_rps: 1}\ndatabase: {kind: aurora-mysql, aurora: {rds_proxy: true, mean_acu: 10}}\n")
    assert lines(asked, "fargate")["Proxy capacity, 8 ACU minimum"].quantity == Decimal(10 * 730)


def test_aurora_capacity_storage_and_io() -> None:
    p = profile("traffic: {requests_per_month: 1000000}\n"
                "database: {kind: aurora-postgres, storage_gb: 20, aurora: {min_acu: 1, io_per_request: 3}}\n")  # fmt: skip
    bill = lines(p, "fargate", "aurora")
    assert bill["Capacity"].monthly_usd == Decimal("87.60")
    assert bill["Storage"].monthly_usd == Decimal("2.00")
    assert bill["I/O requests"].monthly_usd == pytest.approx(Decimal("0.60"))


def test_dynamodb_request_units_follow_item_size() -> None:
    p = profile("traffic: {requests_per_month: 1000}\ndatabase: {kind: dynamodb, item_kb: 5, reads_per_request: 1, "
                "writes_per_request: 1}\n")  # fmt: skip
    bill = lines(p, "lambda")
    assert bill["Read request units"].quantity == Decimal(2000)  # 5 KB = 2 units of 4 KB
    assert bill["Write request units"].quantity == Decimal(5000)  # 5 units of 1 KB


def test_init_duration_continues_the_duration_ladder() -> None:
    p = profile("traffic: {mean_rps: 1}\npricing: {free_tier: true}\n")
    usage = LambdaUsage(memory_mb=1024, architecture="arm64", api="http", api_requests=10, api_metered_requests=10,
                        invocations=10, ondemand_gb_seconds=300_000, init_gb_seconds=200_000)  # fmt: skip
    bill = {c.name: c for c in estimate(p, usage, PRICES).components}
    assert bill["Duration, arm64 (free tier)"].quantity == Decimal(300_000)
    assert bill["INIT duration (free tier)"].quantity == Decimal(100_000)
    assert bill["INIT duration (first 7.5B)"].quantity == Decimal(100_000)
    assert bill["INIT duration (first 7.5B)"].price_id == "lambda.duration.arm64"


def test_cognito_lite_tiers_after_the_free_tier() -> None:
    p = profile(
        "traffic: {mean_rps: 1}\nauth: {tier: lite, monthly_active_users: 150000}\npricing: {free_tier: true}\n"
    )
    cognito = [c for c in lines(p, "lambda").values() if c.service == "cognito"]
    assert [c.quantity for c in cognito] == [Decimal(10_000), Decimal(90_000), Decimal(50_000)]
    assert sum(c.monthly_usd for c in cognito) == Decimal("725.0000")


def test_cdn_misses_are_s3_gets_and_optional_services_stay_out() -> None:
    p = profile("traffic: {mean_rps: 1}\nfrontend: {enabled: true, visits_per_month: 1000, requests_per_visit: 10, "
                "cache_hit_ratio: 0.8}\nauth: {provider: none}\n")  # fmt: skip
    bill = lines(p, "lambda")
    assert bill["GET requests"].quantity == Decimal(2000)
    assert {c.service for c in bill.values()} == {"lambda", "api_gateway", "s3", "cloudfront", "cloudwatch_logs",
                                                  "data_transfer"}  # fmt: skip


def test_efs_standard_storage_from_the_profile() -> None:
    bill = lines(profile("traffic: {mean_rps: 1}\nstorage: {efs_gb: 100}\n"), "fargate")
    assert bill["Standard storage"].monthly_usd == Decimal("30.00")


def test_the_json_form_keeps_micro_dollars_and_the_contract_keys() -> None:
    p = profile("traffic: {requests_per_month: 3000000}\n")
    document = estimate_document(estimate(p, usage_from_profile(p, "lambda"), PRICES))
    assert document["architecture"] == "lambda"
    first = document["components"][0]
    assert first == {"service": "lambda", "name": "Requests", "quantity": 3000000, "unit": "requests",
                     "unit_price_usd": 2e-07, "monthly_usd": 0.6, "always_on": False,
                     "price_id": "lambda.requests"}  # fmt: skip
    assert document["always_on_usd"] == 0 and document["missing_prices"] == []


def test_a_trace_without_a_rate_sets_the_monthly_requests() -> None:
    p = profile("traffic: {shape: trace, trace_counts: [60, 120, 90]}\n")
    assert traffic_load(p).mean_rps == pytest.approx(1.5)
    assert lambda_of(p).invocations == pytest.approx(1.5 * HOURS * 3600)
    assert hourly_rates(p) == pytest.approx((1.5,))
